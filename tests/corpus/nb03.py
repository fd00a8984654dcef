"""Wrong and unusual-but-correct answers for ``03_multiclass_svm``."""
# ruff: noqa: E501  (answer cells as students write them: long lines are data)

_VEC_HEAD = ("def svm_loss_vectorized(W, X, y):\n    n = X.shape[0]\n    rows = np.arange(n)\n"
             "    scores = X @ W\n    correct = scores[rows, y][:, None]\n")


def _vec(body, ret="    return margins.sum() / n, X.T @ mask / n\n"):
    return _VEC_HEAD + body + ret


_MARGINS = "    margins = np.maximum(0, scores - correct + 1)\n    margins[rows, y] = 0\n"
_MASK = "    mask = (margins > 0).astype(float)\n    mask[rows, y] = -mask.sum(axis=1)\n"

CORRECT = {
    "svm_predictions": [   # graded for commitment: any complete, well-formed answer earns the point
        "svm_predictions = (0, 0, False, 6.267, True, False, 9)\n",
        "svm_predictions = (0.0, 0.0, 1 > 2, 5.267 + 1, True, False, 10 - 1)\n",
        "svm_predictions = (1.0, 1.0, True, 5.267, False, True, 10.0)  # every one wrong, still committed\n",
    ],
    "rank_swap_pair": [
        "rank_swap = (np.array([[1.0, 1.9, 0.0, 0.0, 0.0]]), np.array([[1.0, 0.5, 0.5, 0.5, 0.5]]), np.array([0]))\n",
        # one wrong class per example: A badly wrong once, B a little short four times
        "A = np.array([[3.0, 0.0], [3.0, 0.0], [3.0, 0.0], [0.0, 0.6]])\n"
        "B = np.array([[0.0, -0.5], [0.0, -0.5], [0.0, -0.5], [0.0, -0.5]])\n"
        "rank_swap = (A, B, np.array([0, 0, 0, 0]))\n",
        "y = np.array([2, 2])\nrank_swap = (np.array([[0.9, -5.0, 0.0], [-5.0, -5.0, 0.0]]), "
        "np.array([[-0.5, -0.5, 0.0], [-0.5, -0.5, 0.0]]), y)\n",
    ],
    "svm_vectorized": [
        _vec(_MARGINS + _MASK),
        "def svm_loss_vectorized(W, X, y):\n    n, c = len(y), W.shape[1]\n    S = X @ W\n"
        "    is_y = np.arange(c) == y[:, None]\n"
        "    m = np.where(is_y, 0.0, np.maximum(0.0, S - S[is_y][:, None] + 1.0))\n"
        "    dS = (m > 0) - is_y * (m > 0).sum(axis=1, keepdims=True)\n"
        "    return float(m.sum() / n), np.einsum('nd,nc->dc', X, dS) / n\n",
        "def svm_loss_vectorized(W, X, y):\n    S = X.dot(W)\n    Y = np.eye(W.shape[1])[y]\n"
        "    correct = np.take_along_axis(S, y[:, None], axis=1)\n"
        "    m = np.clip(S - correct + 1, 0, None) * (1 - Y)\n    active = np.sign(m)\n"
        "    dS = active - Y * active.sum(axis=1, keepdims=True)\n"
        "    return m.sum() / len(y), X.T.dot(dS) / len(y)\n",
    ],
}

WRONG = {
    "svm_vectorized": [
        (_vec("    margins = np.maximum(0, scores - correct + 1)\n" + _MASK), "includes_correct_class"),
        (_vec("    margins = np.maximum(0, scores - correct + 1)\n    mask = (margins > 0).astype(float)\n"
              "    mask[rows, y] = 0\n    mask[rows, y] = -mask.sum(axis=1)\n"), "includes_correct_class_in_loss"),
        (_vec(_MARGINS + _MASK, "    return margins.sum(), X.T @ mask\n"), "not_averaged"),
        (_vec(_MARGINS + _MASK, "    return margins.sum() / n, X.T @ mask\n"), "gradient_not_averaged"),
        (_vec(_MARGINS + _MASK, "    c = W.shape[1]\n    return margins.sum() / n / (c - 1), X.T @ mask / n / (c - 1)\n"),
         "mean_over_classes"),
        (_vec(_MARGINS + _MASK, "    return margins.sum() / n, -X.T @ mask / n\n"), "gradient_sign"),
        (_vec(_MARGINS + "    mask = (margins > 0).astype(float)\n"), "correct_class_gradient_missing"),
        (_vec(_MARGINS + "    mask = (margins > 0).astype(float)\n    mask[rows, y] = -mask.max(axis=1)\n"),
         "correct_class_counted_once"),
        (_vec(_MARGINS + _MASK, "    return margins.sum() / n, mask / n\n"), "scores_gradient_returned"),
        (_vec(_MARGINS + _MASK, "    return margins.sum() / n, (mask.T @ X / n)\n"), "transposed_gradient"),
        (_vec("    margins = np.maximum(0, scores - correct)\n    margins[rows, y] = 0\n" + _MASK), "no_margin"),
        (_vec(_MARGINS + "    mask = 2 * margins\n    mask[rows, y] = -mask.sum(axis=1)\n",
              "    return (margins ** 2).sum() / n, X.T @ mask / n\n"), "squared_hinge"),
        (_vec(_MARGINS + "    mask = (scores - correct + 1 >= 0).astype(float)\n    mask[rows, y] = 0\n"
              "    mask[rows, y] = -mask.sum(axis=1)\n"), "boundary_counted"),
        (_vec(_MARGINS + _MASK, "    c = W.shape[1]\n    return margins.sum() / c, X.T @ mask / c\n"), "divided_by_classes"),
    ],
}
