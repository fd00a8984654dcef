"""Wrong and unusual-but-correct answers for ``02_loss_functions``."""
# ruff: noqa: E501  (answer cells as students write them: long lines are data)

CORRECT = {
    "dataset_loss": [
        "def dataset_loss(per_example_loss, outputs, targets):\n"
        "    return float(np.mean([per_example_loss(o, t) for o, t in zip(outputs, targets)]))\n",
        "def dataset_loss(per_example_loss, outputs, targets):\n    total, count = 0.0, 0\n"
        "    for i in range(len(outputs)):\n        total += per_example_loss(outputs[i], targets[i])\n"
        "        count += 1\n    return total / count\n",
    ],
    "squared_error": [
        "def squared_error_loss(pred, target):\n    e = pred - target\n    n = len(pred)\n"
        "    return float((e * e).sum()) / n, e * (2.0 / n)\n",
        "def squared_error_loss(pred, target):\n    n = pred.shape[0]\n"
        "    return float(np.sum(np.square(pred - target)) / n), 2 * (pred - target) / n\n",
    ],
}

WRONG = {
    "dataset_loss": [
        ("def dataset_loss(per_example_loss, outputs, targets):\n"
         "    return float(sum(per_example_loss(o, t) for o, t in zip(outputs, targets)))\n", "sum_not_mean"),
        ("def dataset_loss(per_example_loss, outputs, targets):\n"
         "    total = sum(per_example_loss(o, t) for o, t in zip(outputs, targets))\n"
         "    return total / (len(outputs) - 1)\n", "divided_by_n_minus_1"),
        ("def dataset_loss(per_example_loss, outputs, targets):\n"
         "    return max(per_example_loss(o, t) for o, t in zip(outputs, targets))\n", "max_not_mean"),
        ("def dataset_loss(per_example_loss, outputs, targets):\n"
         "    for i in range(len(outputs)):\n        return per_example_loss(outputs[i], targets[i])\n",
         "first_example_only"),
        ("def dataset_loss(per_example_loss, outputs, targets):\n    n = len(outputs)\n    total = 0.0\n"
         "    for i in range(n - 1):\n        total += per_example_loss(outputs[i], targets[i])\n    return total / n\n",
         "last_example_skipped"),
        ("def dataset_loss(per_example_loss, outputs, targets):\n    total = 0.0\n"
         "    for i in range(len(outputs)):\n        total += per_example_loss(outputs[i], targets[i])\n"
         "    return total\n", "sum_not_mean"),
    ],
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
}
