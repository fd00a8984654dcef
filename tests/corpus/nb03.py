"""Wrong and unusual-but-correct answers for ``03_multiclass_svm``."""
# ruff: noqa: E501  (answer cells as students write them: long lines are data)

_LOOP_HEAD = "def svm_loss_loop(scores, y):\n    n, c = scores.shape\n    loss = 0.0\n    dscores = np.zeros((n, c))\n"


def _loop(body, ret="    return loss / n, dscores / n\n"):
    return _LOOP_HEAD + body + ret


_STANDARD = ("    for i in range(n):\n        for j in range(c):\n            if j == y[i]:\n                continue\n"
             "            margin = scores[i, j] - scores[i, y[i]] + 1\n            if margin > 0:\n"
             "                loss += margin\n                dscores[i, j] += 1\n                dscores[i, y[i]] -= 1\n")

_VEC_HEAD = ("def svm_loss_vectorized(W, X, y):\n    n = X.shape[0]\n    rows = np.arange(n)\n"
             "    scores = X @ W\n    correct = scores[rows, y][:, None]\n")


def _vec(body, ret="    return margins.sum() / n, X.T @ mask / n\n"):
    return _VEC_HEAD + body + ret


_MARGINS = "    margins = np.maximum(0, scores - correct + 1)\n    margins[rows, y] = 0\n"
_MASK = "    mask = (margins > 0).astype(float)\n    mask[rows, y] = -mask.sum(axis=1)\n"

CORRECT = {
    "svm_predictions": [
        "svm_predictions = (0, 0, False, 6.267, True, False, 9)\n",
        "svm_predictions = [0.0, 0.0, 1 > 2, 5.267 + 1, True, False, 10 - 1]\n",
    ],
    "svm_loop": [
        _loop(_STANDARD),
        _loop("    for i in range(n):\n        violations = 0\n        for j in range(c):\n"
              "            if j != y[i] and scores[i, j] - scores[i, y[i]] + 1 > 0:\n"
              "                loss += scores[i, j] - scores[i, y[i]] + 1\n                dscores[i, j] = 1 / n\n"
              "                violations += 1\n        dscores[i, y[i]] = -violations / n\n",
              "    return loss / n, dscores\n"),
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

_RIGHT = (0.0, 0.0, False, 6.267, True, False, 9.0)


def _predict(k, value):
    items = list(_RIGHT)
    items[k] = value
    return "svm_predictions = (" + ", ".join(str(v) for v in items) + ")\n"


WRONG = {
    "svm_predictions": [
        (_predict(0, 1.0), "q1_gap_closes"),
        (_predict(1, 1.0), "q2_includes_correct_class"),
        (_predict(2, True), "q3_bounded"),
        (_predict(3, 5.267), "q4_unchanged"),
        (_predict(3, 8.267), "q4_one_per_class"),
        (_predict(4, False), "q5_ranking_changes"),
        (_predict(5, True), "q6_ranking_kept"),
        (_predict(6, 10.0), "q7_includes_correct_class"),
        (_predict(6, 2.303), "q7_softmax_value"),
    ],
    "svm_loop": [
        (_loop(_STANDARD.replace("            if j == y[i]:\n                continue\n", "")), "includes_correct_class"),
        (_loop(_STANDARD, "    return loss, dscores\n"), "not_averaged"),
        (_loop(_STANDARD, "    return loss / n, dscores\n"), "gradient_not_averaged"),
        (_loop(_STANDARD, "    return loss / n / (c - 1), dscores / n / (c - 1)\n"), "mean_over_classes"),
        (_loop(_STANDARD.replace("loss += margin", "loss += margin ** 2").replace("dscores[i, j] += 1", "dscores[i, j] += 2 * margin")
               .replace("dscores[i, y[i]] -= 1", "dscores[i, y[i]] -= 2 * margin")), "squared_hinge"),
        (_loop(_STANDARD.replace("dscores[i, j] += 1", "dscores[i, j] -= 1").replace("dscores[i, y[i]] -= 1", "dscores[i, y[i]] += 1")),
         "gradient_sign"),
        (_loop(_STANDARD.replace("                dscores[i, y[i]] -= 1\n", "")), "correct_class_gradient_missing"),
        (_loop(_STANDARD.replace("scores[i, y[i]] + 1\n", "scores[i, y[i]]\n")), "no_margin"),
        (_loop(_STANDARD, "    return loss / c, dscores / c\n"), "divided_by_classes"),
        (_loop(_STANDARD.replace("if margin > 0:", "if margin >= 0:")), "boundary_counted"),
    ],
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

CORRECT["hinge_one"] = [
    "def hinge_loss_one(s, label):\n    m = np.maximum(0, s - s[label] + 1)\n    return float(m.sum() - 1)\n",
    "def hinge_loss_one(s, label):\n    return sum(max(0.0, v - s[label] + 1) for j, v in enumerate(s) if j != label)\n",
]
WRONG["hinge_one"] = [
    ("def hinge_loss_one(s, label):\n    return float(np.maximum(0, s - s[label] + 1).sum())\n", "includes_correct_class"),
    ("def hinge_loss_one(s, label):\n    terms = [max(0, s[j] - s[label] + 1) for j in range(len(s)) if j != label]\n"
     "    return sum(terms) / (len(s) - 1)\n", "mean_over_classes"),
    ("def hinge_loss_one(s, label):\n    return sum(max(0, s[j] - s[label] + 1) ** 2 for j in range(len(s)) if j != label)\n",
     "squared_hinge"),
    ("def hinge_loss_one(s, label):\n    return sum(max(0, s[label] - s[j] + 1) for j in range(len(s)) if j != label)\n",
     "flipped_difference"),
    ("def hinge_loss_one(s, label):\n    return sum(max(0, s[j] - s[label]) for j in range(len(s)) if j != label)\n",
     "no_margin"),
    ("def hinge_loss_one(s, label):\n    total = 0.0\n    for j in range(len(s)):\n"
     "        total += max(0, s[j] - s[label] + 1)\n    return total\n", "includes_correct_class"),
]
