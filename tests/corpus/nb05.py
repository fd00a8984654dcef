"""Wrong and unusual-but-correct answers for ``05_softmax_cross_entropy``."""
# ruff: noqa: E501  (answer cells as students write them: long lines are data)

_VEC = ("def softmax_loss_vectorized(W, X, y):\n    n = X.shape[0]\n    rows = np.arange(n)\n    s = X @ W\n"
        "    shifted = s - s.max(axis=1, keepdims=True)\n"
        "    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n"
        "    p = np.exp(log_p)\n    d = p.copy()\n    d[rows, y] -= 1\n    return RETURN\n")


def _vec(ret="-log_p[rows, y].mean(), X.T @ d / n", edit=None):
    src = _VEC.replace("RETURN", ret)
    return src.replace(*edit) if edit else src


CORRECT = {
    # graded for commitment: any complete, well-formed tuple passes, right or not
    "softmax_predictions": [
        "softmax_predictions = (0, False, np.log(10), 19.0, 1.089)\n",
        "softmax_predictions = (0.0, False, 2.3026, 19, 1.0890)\n",
        "softmax_predictions = (1.0, True, 1.0, 20.4, 0.02)  # all wrong, still a commitment\n",
    ],
    "softmax_vectorized": [
        _vec(),
        # one-hot matrix, log-sum-exp with a (N,) row maximum
        "def softmax_loss_vectorized(W, X, y):\n    n, c = X.shape[0], W.shape[1]\n    z = X @ W\n"
        "    z = z - z.max(axis=1)[:, None]\n    lse = np.log(np.sum(np.exp(z), axis=1))\n"
        "    loss = np.mean(lse - z[np.arange(n), y])\n"
        "    d = np.exp(z - lse[:, None]) - np.eye(c)[y]\n    return float(loss), X.T @ d / n\n",
        # np.logaddexp.reduce and take_along_axis; the gradient as an einsum
        "def softmax_loss_vectorized(W, X, y):\n    S = np.dot(X, W)\n    lse = np.logaddexp.reduce(S, axis=1, keepdims=True)\n"
        "    log_p = S - lse\n    picked = np.take_along_axis(log_p, y[:, None], axis=1)\n"
        "    Y = np.zeros_like(S)\n    Y[np.arange(len(y)), y] = 1\n"
        "    dW = np.einsum('nd,nc->dc', X, np.exp(log_p) - Y) / len(y)\n    return -picked.mean(), dW\n",
    ],
}

WRONG = {
    "softmax_vectorized": [
        ("def softmax_loss_vectorized(W, X, y):\n    n = X.shape[0]\n    rows = np.arange(n)\n"
         "    p = np.exp(X @ W) / np.exp(X @ W).sum(axis=1, keepdims=True)\n    d = p.copy()\n    d[rows, y] -= 1\n"
         "    return -np.log(p[rows, y]).mean(), X.T @ d / n\n", "no_max_subtraction"),
        (_vec(ret="-np.log(p[rows, y]).mean(), X.T @ d / n"), "log_of_underflowed_probability"),
        (_vec(ret="-np.log(p[rows, y] + 1e-12).mean(), X.T @ d / n"), "epsilon_in_log"),
        (_vec(ret="-log_p[rows, y].mean() / np.log(10), X.T @ d / n"), "log_base_10"),
        (_vec(ret="-log_p[rows, y].mean(), X.T @ d"), "gradient_not_averaged"),
        (_vec(ret="-log_p[rows, y].sum(), X.T @ d"), "not_averaged"),
        (_vec(ret="-log_p[rows, y].mean(), -X.T @ d / n"), "gradient_sign"),
        (_vec(ret="log_p[rows, y].mean(), X.T @ d / n"), "missing_minus"),
        (_vec(ret="-log_p[rows, y].mean(), X.T @ p / n"), "gradient_onehot_missing"),
        (_vec(ret="-log_p.mean(), X.T @ d / n"), "mean_of_all_log_probabilities"),
        (_vec(ret="-log_p[rows, y].mean(), d / n"), "gradient_of_the_scores"),
        (_vec(ret="-log_p[:, y].mean(), X.T @ d / n", edit=("    d[rows, y] -= 1\n", "    d[:, y] -= 1\n")),
         "labels_index_every_row"),
        (_vec(edit=("s.max(axis=1, keepdims=True)", "s.max(axis=1)")).replace(
            "np.exp(shifted).sum(axis=1, keepdims=True)", "np.exp(shifted).sum(axis=1)"), "missing_keepdims"),
        (_vec(ret="-log_p[rows, y].mean() / W.shape[1], X.T @ d / n / W.shape[1]"), "mean_over_classes"),
        (_vec(ret="-log_p[rows, y].mean(), (d.T @ X / n)"), "generic:transposed"),
    ],
}

CORRECT["softmax_probs"] = [
    "def softmax_probabilities(scores):\n    z = np.exp(scores - scores.max(axis=1)[:, None])\n    return z / z.sum(axis=1)[:, None]\n",
    "def softmax_probabilities(scores):\n    out = np.empty_like(scores, dtype=float)\n    for i, row in enumerate(scores):\n"
    "        e = np.exp(row - row.max())\n        out[i] = e / e.sum()\n    return out\n",
    "def softmax_probabilities(scores):\n    return np.exp(scores - np.logaddexp.reduce(scores, axis=1, keepdims=True))\n",
]
WRONG["softmax_probs"] = [
    ("def softmax_probabilities(scores):\n    e = np.exp(scores)\n    return e / e.sum(axis=1, keepdims=True)\n",
     "no_max_subtraction"),
    ("def softmax_probabilities(scores):\n    e = np.exp(scores - scores.max(axis=1, keepdims=True))\n"
     "    return e / e.sum(axis=0, keepdims=True)\n", "wrong_axis"),
    ("def softmax_probabilities(scores):\n    return np.exp(scores - scores.max(axis=1, keepdims=True))\n", "not_normalised"),
    ("def softmax_probabilities(scores):\n    e = np.exp(scores - np.max(scores))\n    return e / e.sum()\n",
     "one_sum_for_all_rows"),
    ("def softmax_probabilities(scores):\n    return scores / scores.sum(axis=1, keepdims=True)\n", "no_exp"),
    ("def softmax_probabilities(scores):\n    e = np.exp(scores - scores.max())\n    return e / np.sum(e, axis=0)\n", "wrong_axis"),
    ("def softmax_probabilities(scores):\n    e = np.exp(scores - np.max(scores, axis=1))\n    return e / np.sum(e, axis=1)\n",
     "missing_keepdims"),
]
