"""Wrong and unusual-but-correct answers for ``05_softmax_cross_entropy``."""
# ruff: noqa: E501  (answer cells as students write them: long lines are data)

_LOOP = ("def softmax_loss_loop(scores, y):\n    n, c = scores.shape\n    loss = 0.0\n    dscores = np.zeros((n, c))\n"
         "    for i in range(n):\n        top = np.max(scores[i])\n        total = 0.0\n"
         "        for j in range(c):\n            total += np.exp(scores[i, j] - top)\n"
         "        loss += LOSS_TERM\n"
         "        for j in range(c):\n            dscores[i, j] = np.exp(scores[i, j] - top) / total\n"
         "        dscores[i, y[i]] -= 1\n"
         "    return RETURN\n")
_TERM = "np.log(total) - (scores[i, y[i]] - top)"


def _loop(term=_TERM, ret="loss / n, dscores / n", edit=None):
    src = _LOOP.replace("LOSS_TERM", term).replace("RETURN", ret)
    return src.replace(*edit) if edit else src


_VEC = ("def softmax_loss_vectorized(scores, y):\n    n = scores.shape[0]\n    rows = np.arange(n)\n"
        "    shifted = scores - scores.max(axis=1, keepdims=True)\n"
        "    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n"
        "    p = np.exp(log_p)\n    d = p.copy()\n    d[rows, y] -= 1\n    return RETURN\n")


def _vec(ret="-log_p[rows, y].mean(), d / n", edit=None):
    src = _VEC.replace("RETURN", ret)
    return src.replace(*edit) if edit else src


CORRECT = {
    "softmax_predictions": [
        "softmax_predictions = (0, False, np.log(10), 19.0, 1.089)\n",
        "softmax_predictions = [0.0, False, 2.3026, 19, 1.0890]\n",
    ],
    "softmax_loop": [_loop()],
    "softmax_vectorized": [
        _vec(),
        "def softmax_loss_vectorized(scores, y):\n    n, c = scores.shape\n"
        "    z = scores - scores.max(axis=1)[:, None]\n    lse = np.log(np.sum(np.exp(z), axis=1))\n"
        "    loss = np.mean(lse - z[np.arange(n), y])\n"
        "    d = np.exp(z - lse[:, None]) - np.eye(c)[y]\n    return float(loss), d / n\n",
    ],
}


def _predict(k, value):
    items = ["0.0", "False", "2.303", "19.0", "1.089"]
    items[k] = value
    return "softmax_predictions = (" + ", ".join(items) + ")\n"


WRONG = {
    "softmax_predictions": [
        (_predict(0, "1.0"), "q1_one"),
        (_predict(1, "True"), "q2_bounded"),
        (_predict(2, "1.0"), "q3_log_base_10"),
        (_predict(2, "9.0"), "q3_hinge_value"),
        (_predict(2, "0.1"), "q3_probability"),
        (_predict(3, "2.040"), "q4_unchanged"),
        (_predict(3, "20.404"), "q4_ten_times"),
        (_predict(4, "0.020"), "q5_hundredth"),
    ],
    "softmax_loop": [
        (_loop(edit=("        top = np.max(scores[i])\n", "        top = 0.0\n")), "no_max_subtraction"),
        (_loop(term="-np.log(np.exp(scores[i, y[i]] - top) / total)"), "log_of_underflowed_probability"),
        (_loop(term="-np.log(np.exp(scores[i, y[i]] - top) / total + 1e-12)"), "epsilon_in_log"),
        (_loop(term="np.log10(total) - (scores[i, y[i]] - top) / np.log(10)"), "log_base_10"),
        (_loop(ret="loss / n, dscores"), "gradient_not_averaged"),
        (_loop(ret="loss, dscores"), "not_averaged"),
        (_loop(ret="loss / n, -dscores / n"), "gradient_sign"),
        (_loop(term="-np.log(total) + (scores[i, y[i]] - top)"), "missing_minus"),
        (_loop(edit=("        dscores[i, y[i]] -= 1\n", "")), "gradient_onehot_missing"),
        (_loop(ret="loss / n / c, dscores / n / c"), "mean_over_classes"),
        (_loop(term="-sum((scores[i, j] - top) - np.log(total) for j in range(c)) / c"),
         "mean_of_all_log_probabilities"),
    ],
    "softmax_vectorized": [
        ("def softmax_loss_vectorized(scores, y):\n    n = scores.shape[0]\n    rows = np.arange(n)\n"
         "    p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)\n    d = p.copy()\n    d[rows, y] -= 1\n"
         "    return -np.log(p[rows, y]).mean(), d / n\n", "no_max_subtraction"),
        (_vec(ret="-np.log(p[rows, y]).mean(), d / n"), "log_of_underflowed_probability"),
        (_vec(ret="-np.log(p[rows, y] + 1e-12).mean(), d / n"), "epsilon_in_log"),
        (_vec(ret="-log_p[rows, y].mean() / np.log(10), d / n"), "log_base_10"),
        (_vec(ret="-log_p[rows, y].mean(), d"), "gradient_not_averaged"),
        (_vec(ret="-log_p[rows, y].sum(), d"), "not_averaged"),
        (_vec(ret="-log_p[rows, y].mean(), -d / n"), "gradient_sign"),
        (_vec(ret="log_p[rows, y].mean(), d / n"), "missing_minus"),
        (_vec(ret="-log_p[rows, y].mean(), p / n"), "gradient_onehot_missing"),
        (_vec(ret="-log_p.mean(), d / n"), "mean_of_all_log_probabilities"),
    ],
}

CORRECT["softmax_probs"] = [
    "def softmax_probabilities(scores):\n    z = np.exp(scores - scores.max(axis=1)[:, None])\n    return z / z.sum(axis=1)[:, None]\n",
    "def softmax_probabilities(scores):\n    out = np.empty_like(scores, dtype=float)\n    for i, row in enumerate(scores):\n"
    "        e = np.exp(row - row.max())\n        out[i] = e / e.sum()\n    return out\n",
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
]
