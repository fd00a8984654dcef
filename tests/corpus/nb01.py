"""Wrong and unusual-but-correct answers for ``01_linear_classifier_recap``."""

CORRECT = {
    "accuracy": [
        "def accuracy(scores, y):\n    return float((scores.argmax(axis=1) == y).sum() / len(y))\n",
        "def accuracy(scores, y):\n    hits = 0\n    for row, label in zip(scores, y):\n"
        "        hits += int(np.argmax(row) == label)\n    return hits / len(y)\n",
    ],
}

WRONG = {
    "accuracy": [
        ("def accuracy(scores, y):\n    return float(np.mean(np.argmin(scores, axis=1) == y))\n", "argmin"),
        ("def accuracy(scores, y):\n    return float(np.sum(np.argmax(scores, axis=1) == y))\n", "count_not_fraction"),
        ("def accuracy(scores, y):\n    return float(np.mean(np.argmax(scores, axis=1) != y))\n", "error_rate"),
        ("def accuracy(scores, y):\n    return float(np.mean(np.argmax(scores) == y))\n", "flat_argmax"),
        ("def accuracy(scores, y):\n    return 100 * np.mean(np.argmax(scores, axis=1) == y)\n", "percentage"),
        ("def accuracy(scores, y):\n    return np.argmax(scores, axis=1) == y\n", "per_example_not_averaged"),
    ],
}
