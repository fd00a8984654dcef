"""Wrong and unusual-but-correct answers for ``00_start_here`` (hint tests; see the helpers' brief)."""

CORRECT = {
    "correct_class_scores": [
        "def correct_class_scores(scores, y):\n    return np.take_along_axis(scores, y[:, None], axis=1).ravel()\n",
    ],  # (np.choose(y, scores.T) is not here: numpy takes at most 64 choices, a hidden case has 70 classes)
    "cat_hinge_loss": [
        "cat_hinge_loss = 2.9\n",
        "cat_hinge_loss = sum(max(0, s - 3.2 + 1) for s in (5.1, -1.7))\n",
    ],
}

WRONG = {
    "correct_class_scores": [
        ("def correct_class_scores(scores, y):\n    return scores[:, y]\n", "whole_columns"),
        ("def correct_class_scores(scores, y):\n    picked = []\n    for label in y:\n"
         "        picked.append(scores[:, label])\n    return np.array(picked).T\n", "whole_columns"),
        ("def correct_class_scores(scores, y):\n    return scores[np.arange(len(y)), y - 1]\n", "labels_off_by_one"),
        ("def correct_class_scores(scores, y):\n    return scores[0, y]\n", "first_row_only"),
        ("def correct_class_scores(scores, y):\n    return scores[np.arange(len(y)), y].reshape(-1, 1)\n",
         "column_not_vector"),
        ("def correct_class_scores(scores, y):\n    return np.max(scores, axis=1)\n", "row_maxima"),
    ],
    "cat_hinge_loss": [
        ("cat_hinge_loss = max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) + max(0, 3.2 - 3.2 + 1)\n",
         "includes_correct_class"),
        ("cat_hinge_loss = max(0, 5.1 - 3.2 + 1) ** 2 + max(0, -1.7 - 3.2 + 1) ** 2\n", "squared_hinge"),
        ("cat_hinge_loss = (max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1)) / 2\n", "averaged_over_classes"),
        ("cat_hinge_loss = (5.1 - 3.2 + 1) + (-1.7 - 3.2 + 1)\n", "forgot_clamp"),
    ],
}
