"""Independent answers for 06_hinge_vs_softmax, written from the exercise text only (authors: careful, beginner, terse, slides)."""
# ruff: noqa: E501
ENTRIES = [
    # ---------------- hinge_softmax_predictions ----------------
    {"id": "nb06-predictions-c01", "exercise": "hinge_softmax_predictions", "name": "hinge_softmax_predictions",
     "author": "terse", "correct": True, "mistake": "",
     "note": "worked out by hand: 2.0 clears 0.86 + 1, softmax -ln(e^2 / (e^-2.85 + e^0.86 + e^2)) = 0.283",
     "source": r'''hinge_softmax_predictions = (0.0, 0.283, False, True, False, True)
'''},
    {"id": "nb06-predictions-c02", "exercise": "hinge_softmax_predictions", "name": "hinge_softmax_predictions",
     "author": "careful", "correct": True, "mistake": "",
     "note": "computes the two numbers with numpy in the cell, then commits booleans",
     "source": r'''s_new = np.array([-2.85, 0.86, 2.0])
q1 = float(np.sum(np.maximum(0.0, np.delete(s_new, 2) - s_new[2] + 1)))
q2 = float(np.round(-np.log(np.exp(s_new[2]) / np.exp(s_new).sum()), 3))
hinge_softmax_predictions = (q1, q2, False, True, False, True)
'''},
    {"id": "nb06-predictions-c03", "exercise": "hinge_softmax_predictions", "name": "hinge_softmax_predictions",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "integer 0 for the hinge loss, more digits for softmax",
     "source": r'''hinge_softmax_predictions = (0, 0.2834, False, True, False, True)
'''},
    {"id": "nb06-predictions-w01", "exercise": "hinge_softmax_predictions", "name": "hinge_softmax_predictions",
     "author": "slides", "correct": False,
     "mistake": "Q2 in base-10 log (the slide's convention) instead of the natural log: 0.123",
     "note": "the slide's 0.452 is -log10, so a student copying the slide uses log10",
     "source": r'''hinge_softmax_predictions = (0.0, 0.123, False, True, False, True)
'''},
    {"id": "nb06-predictions-w02", "exercise": "hinge_softmax_predictions", "name": "hinge_softmax_predictions",
     "author": "beginner", "correct": False,
     "mistake": "Q1: summed the hinge over all classes including j = y_i, adding max(0, 1) = 1",
     "note": "forgets the j != y_i restriction when doing it by hand",
     "source": r'''hinge_softmax_predictions = (1.0, 0.283, False, True, False, True)
'''},
    {"id": "nb06-predictions-w03", "exercise": "hinge_softmax_predictions", "name": "hinge_softmax_predictions",
     "author": "terse", "correct": False,
     "mistake": "Q2 given as the probability of the correct class (0.753) instead of the loss -ln p",
     "note": "stops one step early after the normalisation",
     "source": r'''hinge_softmax_predictions = (0.0, 0.753, False, True, False, True)
'''},
    {"id": "nb06-predictions-w04", "exercise": "hinge_softmax_predictions", "name": "hinge_softmax_predictions",
     "author": "careful", "correct": False,
     "mistake": "Q5 True: believes deleting the zero-loss digits changes the summed hinge gradient",
     "note": "intuition that 'fewer examples, different gradient' without noticing zero-loss terms contribute nothing",
     "source": r'''hinge_softmax_predictions = (0.0, 0.283, False, True, True, True)
'''},
    {"id": "nb06-predictions-w05", "exercise": "hinge_softmax_predictions", "name": "hinge_softmax_predictions",
     "author": "beginner", "correct": False,
     "mistake": "Q4 and Q6 False: assumes softmax, like hinge, stops caring once the example is classified right",
     "note": "treats both losses as saturating",
     "source": r'''hinge_softmax_predictions = (0.0, 0.283, False, False, False, False)
'''},
    {"id": "nb06-predictions-w06", "exercise": "hinge_softmax_predictions", "name": "hinge_softmax_predictions",
     "author": "slides", "correct": False,
     "mistake": "Q1 copies the slide's hinge value 1.58 instead of recomputing it for the new correct score 2.0",
     "note": "copies the slide's 1.58 without redoing it for the new score",
     "source": r'''hinge_softmax_predictions = (1.58, 0.283, False, True, False, True)
'''},
    {"id": "nb06-predictions-w07", "exercise": "hinge_softmax_predictions", "name": "hinge_softmax_predictions",
     "author": "terse", "correct": False,
     "mistake": "Q3 True: thinks raising the car score further lowers its hinge loss too",
     "note": "forgets the hinge is already 0 past the margin",
     "source": r'''hinge_softmax_predictions = (0.0, 0.283, True, True, False, True)
'''},
    # ---------------- disagreeing_pair ----------------
    {"id": "nb06-disagree-c01", "exercise": "disagreeing_pair", "name": "disagreement",
     "author": "careful", "correct": True, "mistake": "",
     "note": "A: nine rivals just beyond the margin (hinge 0, softmax ~1.10); B: one rival violating by 1.5, the rest far below (hinge 1.5, softmax ~0.97)",
     "source": r'''s_A = np.array([0.0] + [-1.5] * 9)
s_B = np.array([0.0, 0.5] + [-100.0] * 8)
disagreement = (s_A, s_B, 0)
'''},
    {"id": "nb06-disagree-c02", "exercise": "disagreeing_pair", "name": "disagreement",
     "author": "terse", "correct": True, "mistake": "",
     "note": "lists, correct class last, rivals at distance 1.1",
     "source": r'''disagreement = ([1.0] * 9 + [2.1], [-50.0] * 8 + [2.6, 2.1], 9)
'''},
    {"id": "nb06-disagree-c03", "exercise": "disagreeing_pair", "name": "disagreement",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "C = 5, label in the middle, built with a loop",
     "source": r'''s_A = []
s_B = []
for j in range(5):
    if j == 2:
        s_A.append(3.0)
        s_B.append(3.0)
    elif j == 0:
        s_A.append(1.8)
        s_B.append(3.1)
    else:
        s_A.append(1.8)
        s_B.append(-20.0)
disagreement = (s_A, s_B, 2)
'''},
    {"id": "nb06-disagree-w01", "exercise": "disagreeing_pair", "name": "disagreement",
     "author": "beginner", "correct": False,
     "mistake": "two classes only: with C = 2 both losses depend on the same margin, so they always rank the same way",
     "note": "tries the smallest allowed C first",
     "source": r'''disagreement = ([2.0, 0.0], [0.5, 0.0], 0)
'''},
    {"id": "nb06-disagree-w02", "exercise": "disagreeing_pair", "name": "disagreement",
     "author": "careful", "correct": False,
     "mistake": "A and B swapped: B has the lower hinge loss and A the lower softmax loss",
     "note": "finds a disagreeing pair but mixes up which is which",
     "source": r'''s_A = np.array([0.0, 0.5] + [-100.0] * 8)
s_B = np.array([0.0] + [-1.5] * 9)
disagreement = (s_A, s_B, 0)
'''},
    {"id": "nb06-disagree-w03", "exercise": "disagreeing_pair", "name": "disagreement",
     "author": "terse", "correct": False,
     "mistake": "differences below the required 0.01 (softmax gap about 0.003)",
     "note": "tunes until the sign flips and stops there",
     "source": r'''disagreement = ([0.0, -1.5, -1.5, -1.5], [0.0, 0.01, -100.0, -100.0], 0)
'''},
    {"id": "nb06-disagree-w04", "exercise": "disagreeing_pair", "name": "disagreement",
     "author": "beginner", "correct": False,
     "mistake": "the two score vectors have different lengths",
     "note": "thinks B only needs the classes that matter",
     "source": r'''disagreement = ([0.0] + [-1.5] * 9, [0.0, 0.5], 0)
'''},
    {"id": "nb06-disagree-w05", "exercise": "disagreeing_pair", "name": "disagreement",
     "author": "slides", "correct": False,
     "mistake": "label counted from 1 (label = C), out of range",
     "note": "says 'the third class' and writes 3",
     "source": r'''disagreement = ([-1.5, -1.5, 0.0], [0.5, -100.0, 0.0], 3)
'''},
    {"id": "nb06-disagree-w06", "exercise": "disagreeing_pair", "name": "disagreement",
     "author": "careful", "correct": False,
     "mistake": "a pair both losses rank the same way (A better under both): a bigger correct score helps both",
     "note": "assumes raising the correct score only matters to softmax",
     "source": r'''disagreement = (np.array([3.0, 0.0, 0.0]), np.array([0.5, 0.0, 0.0]), 0)
'''},
    {"id": "nb06-disagree-w07", "exercise": "disagreeing_pair", "name": "disagreement",
     "author": "terse", "correct": False,
     "mistake": "A has one rival far above the correct score and B three rivals exactly at the margin: B is lower under both losses (hinge 4 vs 0), no disagreement",
     "note": "reasons about 'many close rivals' but puts them in the wrong vector",
     "source": r'''disagreement = ([0.0, 3.0, -10.0, -10.0], [0.0, -1.0, -1.0, -1.0], 0)
'''},
    # ---------------- confidence_bins ----------------
    {"id": "nb06-confbins-c01", "exercise": "confidence_bins", "name": "confidence_bins",
     "author": "careful", "correct": True, "mistake": "",
     "note": "searchsorted on the exact edges k/B (left side gives k/B < c <= (k+1)/B), bincount",
     "source": r'''def confidence_bins(probs, y, num_bins):
    probs = np.asarray(probs, dtype=float)
    y = np.asarray(y)
    conf = probs.max(axis=1)
    right = probs.argmax(axis=1) == y
    edges = np.arange(num_bins + 1) / num_bins
    k = np.searchsorted(edges, conf, side="left") - 1
    k = np.clip(k, 0, num_bins - 1)
    count = np.bincount(k, minlength=num_bins)
    conf_sum = np.bincount(k, weights=conf, minlength=num_bins)
    right_sum = np.bincount(k, weights=right.astype(float), minlength=num_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = np.where(count > 0, conf_sum / count, np.nan)
        accuracy = np.where(count > 0, right_sum / count, np.nan)
    return confidence, accuracy, count
'''},
    {"id": "nb06-confbins-c02", "exercise": "confidence_bins", "name": "confidence_bins",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "loop over the bins with the inequality copied from the text",
     "source": r'''def confidence_bins(probs, y, num_bins):
    N = probs.shape[0]
    confidences = np.zeros(N)
    predictions = np.zeros(N, dtype=int)
    for i in range(N):
        predictions[i] = np.argmax(probs[i])
        confidences[i] = probs[i, predictions[i]]
    confidence = np.full(num_bins, np.nan)
    accuracy = np.full(num_bins, np.nan)
    count = np.zeros(num_bins, dtype=int)
    for k in range(num_bins):
        in_bin = (confidences > k / num_bins) & (confidences <= (k + 1) / num_bins)
        count[k] = np.sum(in_bin)
        if count[k] > 0:
            confidence[k] = np.mean(confidences[in_bin])
            accuracy[k] = np.mean(predictions[in_bin] == y[in_bin])
    return confidence, accuracy, count
'''},
    {"id": "nb06-confbins-c03", "exercise": "confidence_bins", "name": "confidence_bins",
     "author": "terse", "correct": True, "mistake": "",
     "note": "np.digitize with right=True and np.divide(..., where=)",
     "source": r'''def confidence_bins(probs, y, num_bins):
    c, ok = probs.max(1), (probs.argmax(1) == y).astype(float)
    k = np.digitize(c, np.arange(num_bins + 1) / num_bins, right=True) - 1
    n = np.bincount(k, minlength=num_bins)
    nan = np.full(num_bins, np.nan)
    mean = lambda w: np.divide(np.bincount(k, w, minlength=num_bins), n, out=nan.copy(), where=n > 0)
    return mean(c), mean(ok), n
'''},
    {"id": "nb06-confbins-w01", "exercise": "confidence_bins", "name": "confidence_bins",
     "author": "terse", "correct": False,
     "mistake": "bins closed on the left (k/B <= c < (k+1)/B) via np.digitize's default right=False: a confidence on an edge lands one bin too high, and 1.0 falls outside (clipped into the last bin only by luck)",
     "note": "np.digitize's default convention is the opposite of the exercise's",
     "source": r'''def confidence_bins(probs, y, num_bins):
    c, ok = probs.max(1), (probs.argmax(1) == y).astype(float)
    k = np.clip(np.digitize(c, np.arange(num_bins + 1) / num_bins) - 1, 0, num_bins - 1)
    n = np.bincount(k, minlength=num_bins)
    with np.errstate(invalid="ignore"):
        return np.bincount(k, c, num_bins) / n, np.bincount(k, ok, num_bins) / n, n
'''},
    {"id": "nb06-confbins-w02", "exercise": "confidence_bins", "name": "confidence_bins",
     "author": "careful", "correct": False,
     "mistake": "bin index floor(c * B), clipped: edge values (c = k/B) go to bin k instead of k - 1",
     "note": "the usual histogram idiom, ignores which side of the edge is closed",
     "source": r'''def confidence_bins(probs, y, num_bins):
    probs = np.asarray(probs, dtype=float)
    conf = probs.max(axis=1)
    right = probs.argmax(axis=1) == np.asarray(y)
    k = np.minimum((conf * num_bins).astype(int), num_bins - 1)
    count = np.bincount(k, minlength=num_bins)
    confidence = np.full(num_bins, np.nan)
    accuracy = np.full(num_bins, np.nan)
    filled = count > 0
    confidence[filled] = np.bincount(k, weights=conf, minlength=num_bins)[filled] / count[filled]
    accuracy[filled] = np.bincount(k, weights=right, minlength=num_bins)[filled] / count[filled]
    return confidence, accuracy, count
'''},
    {"id": "nb06-confbins-w03", "exercise": "confidence_bins", "name": "confidence_bins",
     "author": "beginner", "correct": False,
     "mistake": "empty bins get 0 instead of nan for confidence and accuracy",
     "note": "initialises with np.zeros and skips empty bins",
     "source": r'''def confidence_bins(probs, y, num_bins):
    conf = np.max(probs, axis=1)
    pred = np.argmax(probs, axis=1)
    confidence = np.zeros(num_bins)
    accuracy = np.zeros(num_bins)
    count = np.zeros(num_bins, dtype=int)
    for k in range(num_bins):
        mask = (conf > k / num_bins) & (conf <= (k + 1) / num_bins)
        count[k] = mask.sum()
        if count[k] > 0:
            confidence[k] = conf[mask].mean()
            accuracy[k] = (pred[mask] == y[mask]).mean()
    return confidence, accuracy, count
'''},
    {"id": "nb06-confbins-w04", "exercise": "confidence_bins", "name": "confidence_bins",
     "author": "slides", "correct": False,
     "mistake": "confidence taken as the probability of the correct class, not the largest probability (bins by p_{y_i})",
     "note": "softmax slides always talk about the probability of the correct class",
     "source": r'''def confidence_bins(probs, y, num_bins):
    N = len(y)
    conf = probs[np.arange(N), y]
    pred = np.argmax(probs, axis=1)
    confidence = np.full(num_bins, np.nan)
    accuracy = np.full(num_bins, np.nan)
    count = np.zeros(num_bins, dtype=int)
    for k in range(num_bins):
        mask = (conf > k / num_bins) & (conf <= (k + 1) / num_bins)
        count[k] = mask.sum()
        if count[k]:
            confidence[k] = conf[mask].mean()
            accuracy[k] = np.mean(pred[mask] == y[mask])
    return confidence, accuracy, count
'''},
    {"id": "nb06-confbins-w05", "exercise": "confidence_bins", "name": "confidence_bins",
     "author": "careful", "correct": False,
     "mistake": "prediction from argsort(...)[:, -1]: on a tie it takes the last of the tied classes, not the first",
     "note": "sorting to get the top class is a common idiom",
     "source": r'''def confidence_bins(probs, y, num_bins):
    order = np.argsort(probs, axis=1)
    pred = order[:, -1]
    conf = np.take_along_axis(probs, pred[:, None], axis=1)[:, 0]
    confidence = np.full(num_bins, np.nan)
    accuracy = np.full(num_bins, np.nan)
    count = np.zeros(num_bins, dtype=int)
    for k in range(num_bins):
        mask = (conf > k / num_bins) & (conf <= (k + 1) / num_bins)
        count[k] = mask.sum()
        if count[k]:
            confidence[k] = conf[mask].mean()
            accuracy[k] = np.mean(pred[mask] == y[mask])
    return confidence, accuracy, count
'''},
    {"id": "nb06-confbins-w06", "exercise": "confidence_bins", "name": "confidence_bins",
     "author": "beginner", "correct": False,
     "mistake": "accuracy divides the bin's right predictions by all N examples instead of the bin's count",
     "note": "confuses 'fraction predicted right' with the share of the whole set",
     "source": r'''def confidence_bins(probs, y, num_bins):
    conf = probs.max(axis=1)
    pred = probs.argmax(axis=1)
    N = len(y)
    confidence = np.full(num_bins, np.nan)
    accuracy = np.full(num_bins, np.nan)
    count = np.zeros(num_bins, dtype=int)
    for k in range(num_bins):
        mask = (conf > k / num_bins) & (conf <= (k + 1) / num_bins)
        count[k] = mask.sum()
        if count[k] > 0:
            confidence[k] = conf[mask].mean()
            accuracy[k] = (pred[mask] == y[mask]).sum() / N
    return confidence, accuracy, count
'''},
    {"id": "nb06-confbins-w07", "exercise": "confidence_bins", "name": "confidence_bins",
     "author": "terse", "correct": False,
     "mistake": "returns the three arrays in the wrong order (accuracy, confidence, count)",
     "note": "thinks of the reliability diagram as accuracy against confidence",
     "source": r'''def confidence_bins(probs, y, num_bins):
    c, ok = probs.max(1), (probs.argmax(1) == y).astype(float)
    k = np.digitize(c, np.arange(num_bins + 1) / num_bins, right=True) - 1
    n = np.bincount(k, minlength=num_bins)
    with np.errstate(invalid="ignore"):
        return np.bincount(k, ok, num_bins) / n, np.bincount(k, c, num_bins) / n, n
'''},
    {"id": "nb06-confbins-w08", "exercise": "confidence_bins", "name": "confidence_bins",
     "author": "careful", "correct": False,
     "mistake": "uses np.histogram with B bins over [0, 1]: its bins are closed on the left (last one closed on both sides), so edge confidences land one bin too high",
     "note": "np.histogram looks like exactly the tool for binning",
     "source": r'''def confidence_bins(probs, y, num_bins):
    conf = probs.max(axis=1)
    right = (probs.argmax(axis=1) == y).astype(float)
    count, _ = np.histogram(conf, bins=num_bins, range=(0.0, 1.0))
    sums, _ = np.histogram(conf, bins=num_bins, range=(0.0, 1.0), weights=conf)
    hits, _ = np.histogram(conf, bins=num_bins, range=(0.0, 1.0), weights=right)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = np.where(count > 0, sums / count, np.nan)
        accuracy = np.where(count > 0, hits / count, np.nan)
    return confidence, accuracy, count
'''},
]
