"""Wrong and unusual-but-correct answers for ``06_hinge_vs_softmax``."""
# ruff: noqa: E501  (answer cells as students write them: long lines are data)

_BINS = ("def confidence_bins(probs, y, num_bins):\n    conf = probs.max(axis=1)\n    right = probs.argmax(axis=1) == y\n"
         "    which = BIN\n    confidence = np.full(num_bins, np.nan)\n    accuracy = np.full(num_bins, np.nan)\n"
         "    count = np.zeros(num_bins, dtype=int)\n    for k in range(num_bins):\n        inside = which == k\n"
         "        count[k] = inside.sum()\n        if count[k]:\n            confidence[k] = conf[inside].mean()\n"
         "            accuracy[k] = ACCURACY\n    return confidence, accuracy, COUNT\n")


def _bins(bin="np.clip(np.ceil(conf * num_bins).astype(int) - 1, 0, num_bins - 1)", accuracy="right[inside].mean()",
          count="count", edit=None):
    src = _BINS.replace("BIN", bin).replace("ACCURACY", accuracy).replace("COUNT", count)
    return src.replace(*edit) if edit else src


CORRECT = {
    # graded for commitment: any complete, well-formed tuple passes
    "hinge_softmax_predictions": [
        "hinge_softmax_predictions = (0.0, 0.283, False, True, False, True)\n",
        "hinge_softmax_predictions = (0, 0.2834, False, True, False, True)\n",
        "hinge_softmax_predictions = (1.0, 0.0, True, True, True, True)  # wrong, still committed\n",
    ],
    # many right answers: the judge measures both losses (the student's own, here the references)
    "disagreeing_pair": [
        "disagreement = (np.array([0.0, -1.0, -1.0, -1.0, -1.0, -1.0]), np.array([5.0, 5.5, -20.0, -20.0, -20.0, -20.0]), 0)\n",
        "s_A = np.array([2.0, 1.0, 1.0, 1.0, 1.0, 1.0])          # five rivals exactly at the margin: hinge 0\n"
        "s_B = np.array([2.0, 2.0, -30.0, -30.0, -30.0, -30.0])  # one rival tied: hinge 1, softmax ln 2\n"
        "disagreement = (s_A, s_B, 0)\n",
        "disagreement = ([3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [3.0, 3.2, -50, -50, -50, -50, -50, -50, -50, -50], 0)\n",
    ],
    "confidence_bins": [
        _bins(),
        _bins(bin="np.minimum(np.searchsorted(np.arange(1, num_bins + 1) / num_bins, conf), num_bins - 1)"),
        "def confidence_bins(probs, y, num_bins):\n    conf = probs.max(axis=1)\n    right = (probs.argmax(axis=1) == y).astype(float)\n"
        "    which = np.clip(np.ceil(conf * num_bins).astype(int) - 1, 0, num_bins - 1)\n"
        "    count = np.bincount(which, minlength=num_bins)\n    with np.errstate(invalid='ignore'):\n"
        "        return (np.bincount(which, conf, num_bins) / count, np.bincount(which, right, num_bins) / count, count)\n",
    ],
}

WRONG = {
    "confidence_bins": [
        (_bins(bin="np.minimum((conf * num_bins).astype(int), num_bins - 1)"), "lower_edge_closed"),
        (_bins(bin="np.digitize(conf, np.linspace(0, 1, num_bins + 1)) - 1"), "lower_edge_closed_top_lost"),
        (_bins(bin="np.clip(np.digitize(conf, np.histogram_bin_edges(conf, bins=num_bins)[1:-1]), 0, num_bins - 1)"),
         "bins_from_the_data_range"),
        (_bins(edit=("    conf = probs.max(axis=1)\n", "    conf = probs[np.arange(len(y)), y]\n")), "true_class_probability"),
        (_bins(edit=("np.full(num_bins, np.nan)", "np.zeros(num_bins)")).replace("np.full(num_bins, np.nan)", "np.zeros(num_bins)"),
         "empty_bins_zero"),
        (_bins(count="count / len(y)"), "share_not_count"),
        (_bins(accuracy="right[inside].sum()"), "right_not_divided"),
        (_bins(accuracy="right[inside].sum() / len(y)"), "accuracy_over_all"),
    ],
}
