"""Wrong and unusual-but-correct answers for ``02_loss_functions``."""
# ruff: noqa: E501  (answer cells as students write them: long lines are data)

CORRECT = {
    "squared_error": [
        "def squared_error_loss(pred, target):\n    e = pred - target\n    n = len(pred)\n"
        "    return float((e * e).sum()) / n, e * (2.0 / n)\n",
        "def squared_error_loss(pred, target):\n    n = pred.shape[0]\n"
        "    return float(np.sum(np.square(pred - target)) / n), 2 * (pred - target) / n\n",
    ],
    "best_constant": [
        "def best_constant(targets, kind):\n    t = sorted(targets)\n    n = len(t)\n"
        "    if kind == 'squared':\n        return sum(t) / n\n    if kind == 'absolute':\n"
        "        if n % 2 == 1:\n            return (t[n // 2], t[n // 2])\n        return (t[n // 2 - 1], t[n // 2])\n"
        "    raise ValueError(f\"kind: expected 'squared' or 'absolute', got {kind!r}\")\n",
        "def best_constant(targets, kind):\n    if kind not in ('absolute', 'squared'):\n        raise ValueError('kind must be absolute or squared')\n"
        "    if kind == 'squared':\n        return float(np.mean(targets))\n"
        "    low, high = np.quantile(targets, [0.5, 0.5], method='lower'), np.quantile(targets, 0.5, method='higher')\n"
        "    return float(low[0]), float(high)\n",
        "def best_constant(targets, kind):\n    t = np.sort(targets)\n    if kind == 'squared':\n        return t.mean()\n"
        "    middle = np.partition(t, [(len(t) - 1) // 2, len(t) // 2])\n"
        "    return (middle[(len(t) - 1) // 2], middle[len(t) // 2])\n",
    ],
}

WRONG = {
    "squared_error": [
        ("def squared_error_loss(pred, target):\n    d = pred - target\n    return float(np.mean(d ** 2)), 2 * d / d.size\n",
         "mean_over_all_entries"),
        ("def squared_error_loss(pred, target):\n    n = pred.shape[0]\n    d = pred - target\n"
         "    return float(np.sum(d ** 2) / n), d / n\n", "gradient_missing_factor_2"),
        ("def squared_error_loss(pred, target):\n    n = pred.shape[0]\n    d = target - pred\n"
         "    return float(np.sum(d ** 2) / n), 2 * d / n\n", "gradient_sign"),
        ("def squared_error_loss(pred, target):\n    d = pred - target\n    return float(np.sum(d ** 2)), 2 * d\n",
         "not_averaged"),
        ("def squared_error_loss(pred, target):\n    n = pred.shape[0]\n    d = pred - target\n"
         "    return float(np.sum(d ** 2) / n), 2 * d\n", "gradient_not_averaged"),
        ("def squared_error_loss(pred, target):\n    n = pred.shape[0]\n    d = pred - target\n"
         "    return float(np.sqrt(np.sum(d ** 2) / n)), 2 * d / n\n", "root_of_mean"),
    ],
    "best_constant": [
        ("def best_constant(targets, kind):\n    if kind == 'squared':\n        return float(np.mean(targets))\n"
         "    m = float(np.median(targets))\n    return (m, m)\n", "median_for_even"),
        ("def best_constant(targets, kind):\n    if kind == 'squared':\n        return np.mean(targets)\n"
         "    n = len(targets)\n    if n % 2:\n        return (targets[n // 2], targets[n // 2])\n"
         "    return (targets[n // 2 - 1], targets[n // 2])\n", "unsorted_middle"),
        ("def best_constant(targets, kind):\n    if kind == 'absolute':\n        c = np.mean(targets)\n        return (c, c)\n"
         "    return np.median(targets)\n", "kinds_swapped"),
        ("def best_constant(targets, kind):\n    t = np.sort(targets)\n    n = len(t)\n    if kind == 'squared':\n"
         "        return t.mean()\n    if n % 2 == 0:\n        return (t[n // 2], t[n // 2 + 1])\n    return (t[n // 2], t[n // 2])\n",
         "upper_pair_for_even"),
        ("def best_constant(targets, kind):\n    t = np.sort(targets)\n    n = len(t)\n    if kind == 'squared':\n"
         "        return t.mean()\n    return (t[n // 2 - 1], t[n // 2])\n", "pair_for_odd"),
        ("def best_constant(targets, kind):\n    t = np.sort(targets)\n    if kind == 'squared':\n        return t.mean()\n"
         "    return float(np.median(t))\n", "generic:tuple"),
    ],
}
