"""Independent answers for 08_gradients, written from the exercise text only (authors: careful, beginner, terse, slides)."""
# ruff: noqa: E501
ENTRIES = [
    # ---------------- numerical_gradient_centred ----------------
    {"id": "nb08-numgrad-c01", "exercise": "numerical_gradient_centred", "name": "numerical_grad",
     "author": "careful", "correct": True, "mistake": "",
     "note": "float working copy, np.ndindex over any shape, each entry reset from the saved value",
     "source": r'''def numerical_grad(f, x, h):
    x_work = np.array(x, dtype=float)  # a copy: x itself is never touched
    grad = np.zeros_like(x_work)
    for idx in np.ndindex(x_work.shape):
        old = x_work[idx]
        x_work[idx] = old + h
        f_plus = f(x_work)
        x_work[idx] = old - h
        f_minus = f(x_work)
        x_work[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad
'''},
    {"id": "nb08-numgrad-c02", "exercise": "numerical_gradient_centred", "name": "numerical_grad",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "flat loop building the unit vector e_i times h, reshaped to x's shape",
     "source": r'''def numerical_grad(f, x, h):
    grad = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        e = e.reshape(x.shape)
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad.reshape(x.shape)
'''},
    {"id": "nb08-numgrad-c03", "exercise": "numerical_gradient_centred", "name": "numerical_grad",
     "author": "terse", "correct": True, "mistake": "",
     "note": "np.nditer with multi_index on a float copy; helper for the quotient",
     "source": r'''def _centred(f, x, idx, h):
    old = x[idx]
    x[idx] = old + h
    up = f(x)
    x[idx] = old - h
    down = f(x)
    x[idx] = old
    return (up - down) / (2 * h)


def numerical_grad(f, x, h):
    xf = x.astype(np.float64, copy=True)
    it = np.nditer(xf, flags=["multi_index"])
    grad = np.empty(xf.shape)
    for _ in it:
        grad[it.multi_index] = _centred(f, xf, it.multi_index, h)
    return grad
'''},
    {"id": "nb08-numgrad-w01", "exercise": "numerical_gradient_centred", "name": "numerical_grad",
     "author": "slides", "correct": False,
     "mistake": "one-sided quotient (f(x + h e_i) - f(x)) / h, the slide's definition, not the centred one",
     "note": "copies the limit definition from the slide",
     "source": r'''def numerical_grad(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        grad[idx] = (f(x) - fx) / h
        x[idx] = old
    return grad
'''},
    {"id": "nb08-numgrad-w02", "exercise": "numerical_gradient_centred", "name": "numerical_grad",
     "author": "beginner", "correct": False,
     "mistake": "centred difference divided by h instead of 2h (twice the gradient)",
     "note": "forgets the interval is 2h wide",
     "source": r'''def numerical_grad(f, x, h):
    grad = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        e = e.reshape(x.shape)
        grad[i] = (f(x + e) - f(x - e)) / h
    return grad.reshape(x.shape)
'''},
    {"id": "nb08-numgrad-w03", "exercise": "numerical_gradient_centred", "name": "numerical_grad",
     "author": "careful", "correct": False,
     "mistake": "works in place on x (CS231n style) and restores with arithmetic (+h, -2h, +h): x may end a rounding error away from its old value, and an integer x truncates the step to 0",
     "note": "the classic eval_numerical_gradient loop, restoring by undoing the moves instead of saving the old value",
     "source": r'''def numerical_grad(f, x, h):
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        x[ix] += h
        fxph = f(x)
        x[ix] -= 2 * h
        fxmh = f(x)
        x[ix] += h
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad
'''},
    {"id": "nb08-numgrad-w04", "exercise": "numerical_gradient_centred", "name": "numerical_grad",
     "author": "beginner", "correct": False,
     "mistake": "only handles 2-D x (two nested loops over shape[0] and shape[1])",
     "note": "thinks of W as always a matrix",
     "source": r'''def numerical_grad(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros(x.shape)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            old = x[i, j]
            x[i, j] = old + h
            fp = f(x)
            x[i, j] = old - h
            fm = f(x)
            x[i, j] = old
            grad[i, j] = (fp - fm) / (2 * h)
    return grad
'''},
    {"id": "nb08-numgrad-w05", "exercise": "numerical_gradient_centred", "name": "numerical_grad",
     "author": "terse", "correct": False,
     "mistake": "grad = np.zeros_like(x) inherits an integer dtype from an integer x, truncating every partial derivative",
     "note": "zeros_like is the reflex for 'same shape'",
     "source": r'''def numerical_grad(f, x, h):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros(x.shape)
        e[idx] = h
        grad[idx] = (f(x + e) - f(x - e)) / (2 * h)
    return grad
'''},
    {"id": "nb08-numgrad-w06", "exercise": "numerical_gradient_centred", "name": "numerical_grad",
     "author": "terse", "correct": False,
     "mistake": "moves every coordinate at once (x + h, x - h): the same directional derivative along all-ones at every index",
     "note": "vectorises the one-number quotient of the first cell without the unit vector",
     "source": r'''def numerical_grad(f, x, h):
    return np.full(x.shape, (f(x + h) - f(x - h)) / (2 * h), dtype=float)
'''},
    {"id": "nb08-numgrad-w07", "exercise": "numerical_gradient_centred", "name": "numerical_grad",
     "author": "beginner", "correct": False,
     "mistake": "modifies x in place and never puts the entry back: x ends shifted by -h at every index, and later quotients are taken at the wrong point",
     "note": "forgets the restore line",
     "source": r'''def numerical_grad(f, x, h):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x[idx] = x[idx] + h
        fp = f(x)
        x[idx] = x[idx] - 2 * h
        fm = f(x)
        grad[idx] = (fp - fm) / (2 * h)
    return grad
'''},
    {"id": "nb08-numgrad-w08", "exercise": "numerical_gradient_centred", "name": "numerical_grad",
     "author": "careful", "correct": False,
     "mistake": "x_plus = x; x_minus = x are the same array as x (no copy): both evaluations see the same point and x is changed",
     "note": "assignment mistaken for a copy",
     "source": r'''def numerical_grad(f, x, h):
    x = x.astype(float)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x_plus = x
        x_minus = x
        x_plus[idx] += h
        x_minus[idx] -= h
        grad[idx] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad
'''},
    # ---------------- written_gradient_check_kink ----------------
    {"id": "nb08-written-c01", "exercise": "written_gradient_check_kink", "name": "answer",
     "author": "careful", "correct": True, "mistake": "",
     "note": "bug vs kink, test by a smaller h",
     "source": r'''Wrong gradient: my analytic formula could have a bug that only affects that one weight (for example a term of the bias row or of one pixel that I add or forget), so the 0.2 is a real error. Not wrong: the hinge loss has kinks, and if one example's margin is within the step h of 0 at that weight, the centred difference averages the slopes on both sides of the kink and disagrees with a correct analytic gradient. To tell them apart, repeat the check of that weight with a much smaller h (say 1e-8) or at a slightly moved W: a kink's error disappears once the interval no longer straddles the corner, while a bug's error stays about 0.2.
'''},
    {"id": "nb08-written-c02", "exercise": "written_gradient_check_kink", "name": "answer",
     "author": "terse", "correct": True, "mistake": "",
     "note": "short, uses crosses_kink as the experiment",
     "source": r'''1. A bug in dW at that entry. 2. No bug: a margin s_j - s_yi + 1 sits within h of 0, so W ± h falls on both sides of the hinge's kink and the numerical quotient is an average of two slopes. Experiment: check whether moving that weight by ±h switches a hinge term on or off (or redo the check with a smaller h / at a nearby random W); if it crosses a kink and the error vanishes with the smaller step, the gradient is fine, otherwise it is a bug.
'''},
    {"id": "nb08-written-c03", "exercise": "written_gradient_check_kink", "name": "answer",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "also mentions the near-cancelling tiny gradient; experiment: a different W",
     "source": r'''It could be a real mistake in my gradient for that one weight. But it could also be fine: the hinge loss is not differentiable where a margin is exactly 0, and if the point W - h and W + h are on different sides of such a kink the numerical gradient is off even though my analytic one is right. I would run the check again at a slightly different (random) W or with a smaller h: if the 0.2 goes away it was a kink, if the same weight still fails it is a bug.
'''},
    {"id": "nb08-written-w01", "exercise": "written_gradient_check_kink", "name": "answer",
     "author": "beginner", "correct": False,
     "mistake": "gives only one explanation (round-off) and no distinguishing experiment",
     "note": "reads the notebook's float32 section and applies it everywhere",
     "source": r'''The one bad weight is just numerical round-off because the numbers are very small, so the gradient is still correct since 649 of 650 are below 1e-8. Nothing needs to be done.
'''},
    {"id": "nb08-written-w02", "exercise": "written_gradient_check_kink", "name": "answer",
     "author": "slides", "correct": False,
     "mistake": "the experiment is to make h larger, which straddles more kinks and cannot separate the two explanations",
     "note": "thinks a larger step is always more robust",
     "source": r'''Either my gradient has a bug at that weight, or h = 1e-5 is too small and round-off makes the numerical gradient wrong there. To tell them apart I would increase h to 1e-2: if the error becomes small it was round-off, otherwise it is a bug.
'''},
    {"id": "nb08-written-w03", "exercise": "written_gradient_check_kink", "name": "answer",
     "author": "careful", "correct": False,
     "mistake": "the not-a-bug explanation is 'use float32 / float precision', with the experiment of switching to float32; no mention of the kink",
     "note": "confuses the h/precision discussion with the hinge's non-differentiability",
     "source": r'''One explanation is a wrong formula in the analytic gradient. The other is that the check was done with too few digits. Redo the check in float32 and float64 and compare: if float64 gives a small error it was precision.
'''},
    {"id": "nb08-written-w04", "exercise": "written_gradient_check_kink", "name": "answer",
     "author": "terse", "correct": False,
     "mistake": "both explanations mean the gradient is wrong (missing 1/N, missing 2 lambda W): those would fail at almost every weight, not one",
     "note": "lists the classic bugs from the notebook",
     "source": r'''Either the gradient is not divided by N, or the regularization gradient uses lambda W instead of 2 lambda W. Check by multiplying by N and see if the error goes away.
'''},
    {"id": "nb08-written-w05", "exercise": "written_gradient_check_kink", "name": "answer",
     "author": "beginner", "correct": False,
     "mistake": "says the 0.2 weight is fine because 0.2 < 1 and misreads the bands; no second explanation or experiment",
     "note": "misreads the relative error thresholds",
     "source": r'''A relative error of 0.2 is still less than 1 so the analytic and numerical gradients agree to within 20 %, which is fine for a hinge loss. So the gradient is correct.
'''},
    # ---------------- crosses_kink ----------------
    {"id": "nb08-kink-c01", "exercise": "crosses_kink", "name": "crosses_kink",
     "author": "careful", "correct": True, "mistake": "",
     "note": "two copies of W, margins at both ends, correct class masked out",
     "source": r'''def crosses_kink(W, X, y, index, h):
    W = np.asarray(W, dtype=float)
    N = X.shape[0]
    rows = np.arange(N)

    def active(W_end):
        scores = X @ W_end
        margins = scores - scores[rows, y][:, None] + 1
        on = margins > 0
        on[rows, y] = False  # j != y_i only
        return on

    W_low, W_high = W.copy(), W.copy()
    W_low[index] -= h
    W_high[index] += h
    return bool(np.any(active(W_low) != active(W_high)))
'''},
    {"id": "nb08-kink-c02", "exercise": "crosses_kink", "name": "crosses_kink",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "loops over examples and classes",
     "source": r'''def crosses_kink(W, X, y, index, h):
    d, c = index
    W_minus = W.astype(float)
    W_plus = W.astype(float)
    W_minus[d, c] = W_minus[d, c] - h
    W_plus[d, c] = W_plus[d, c] + h
    scores_minus = X.dot(W_minus)
    scores_plus = X.dot(W_plus)
    for i in range(X.shape[0]):
        for j in range(W.shape[1]):
            if j == y[i]:
                continue
            m1 = scores_minus[i, j] - scores_minus[i, y[i]] + 1
            m2 = scores_plus[i, j] - scores_plus[i, y[i]] + 1
            if (m1 > 0 and m2 <= 0) or (m1 <= 0 and m2 > 0):
                return True
    return False
'''},
    {"id": "nb08-kink-c03", "exercise": "crosses_kink", "name": "crosses_kink",
     "author": "terse", "correct": True, "mistake": "",
     "note": "W ± h E with a one-hot E; take_along_axis for the correct scores; xor of the two active masks",
     "source": r'''def crosses_kink(W, X, y, index, h):
    E = np.zeros(W.shape)
    E[index] = h
    notcorrect = np.arange(W.shape[1]) != y[:, None]
    on = []
    for Wend in (W - E, W + E):
        S = X @ Wend
        on.append((S - np.take_along_axis(S, y[:, None], axis=1) + 1 > 0) & notcorrect)
    return bool(np.any(on[0] ^ on[1]))
'''},
    {"id": "nb08-kink-w01", "exercise": "crosses_kink", "name": "crosses_kink",
     "author": "slides", "correct": False,
     "mistake": "active taken as margin >= 0 instead of > 0: a margin exactly 0 at one end counts as active",
     "note": "max(0, m) is 'on' at 0 in the student's head",
     "source": r'''def crosses_kink(W, X, y, index, h):
    N = X.shape[0]
    W1, W2 = W.astype(float), W.astype(float)
    W1[index] -= h
    W2[index] += h
    s1, s2 = X @ W1, X @ W2
    m1 = s1 - s1[np.arange(N), y][:, None] + 1
    m2 = s2 - s2[np.arange(N), y][:, None] + 1
    m1[np.arange(N), y] = -1
    m2[np.arange(N), y] = -1
    return bool(np.any((m1 >= 0) != (m2 >= 0)))
'''},
    {"id": "nb08-kink-w02", "exercise": "crosses_kink", "name": "crosses_kink",
     "author": "careful", "correct": False,
     "mistake": "only looks at the terms of class c (j = c): misses that when y_i = c every margin of example i moves",
     "note": "reasons that only column c of the scores changes",
     "source": r'''def crosses_kink(W, X, y, index, h):
    d, c = index
    scores = X @ W
    rows = np.arange(X.shape[0])
    others = y != c
    m = scores[others, c] - scores[rows[others], y[others]] + 1
    low = m - h * X[others, d]
    high = m + h * X[others, d]
    return bool(np.any((low > 0) != (high > 0)))
'''},
    {"id": "nb08-kink-w03", "exercise": "crosses_kink", "name": "crosses_kink",
     "author": "beginner", "correct": False,
     "mistake": "compares W[index] + h with W itself instead of with W[index] - h (only half the interval)",
     "note": "thinks of the one-sided step",
     "source": r'''def crosses_kink(W, X, y, index, h):
    N = X.shape[0]
    W_new = W.copy().astype(float)
    W_new[index] += h

    def margins(Wm):
        s = X @ Wm
        m = s - s[np.arange(N), y].reshape(-1, 1) + 1
        m[np.arange(N), y] = 0
        return m

    return bool(np.any((margins(W) > 0) != (margins(W_new) > 0)))
'''},
    {"id": "nb08-kink-w04", "exercise": "crosses_kink", "name": "crosses_kink",
     "author": "beginner", "correct": False,
     "mistake": "moves W[index] in place and does not restore it exactly (W changes)",
     "note": "saves a copy by editing W directly",
     "source": r'''def crosses_kink(W, X, y, index, h):
    N = X.shape[0]
    W[index] -= h
    s = X @ W
    m_low = s - s[np.arange(N), y][:, None] + 1
    W[index] += 2 * h
    s = X @ W
    m_high = s - s[np.arange(N), y][:, None] + 1
    mask = np.ones(m_low.shape, dtype=bool)
    mask[np.arange(N), y] = False
    return bool(np.any((m_low[mask] > 0) != (m_high[mask] > 0)))
'''},
    {"id": "nb08-kink-w05", "exercise": "crosses_kink", "name": "crosses_kink",
     "author": "terse", "correct": False,
     "mistake": "compares the number of active terms at the two ends: one term switching on while another switches off is missed",
     "note": "counts instead of comparing term by term",
     "source": r'''def crosses_kink(W, X, y, index, h):
    E = np.zeros(W.shape)
    E[index] = h
    n = np.arange(len(y))
    counts = []
    for Wend in (W - E, W + E):
        S = X @ Wend
        M = S - S[n, y][:, None] + 1
        M[n, y] = 0
        counts.append(np.count_nonzero(M > 0))
    return counts[0] != counts[1]
'''},
    {"id": "nb08-kink-w06", "exercise": "crosses_kink", "name": "crosses_kink",
     "author": "slides", "correct": False,
     "mistake": "tests whether some margin is within h of 0 (|m| < h), ignoring that a weight moves a score by h times the pixel X[i, d]",
     "note": "'a kink closer than the step' read literally in score units",
     "source": r'''def crosses_kink(W, X, y, index, h):
    scores = X @ W
    N = X.shape[0]
    margins = scores - scores[np.arange(N), y][:, None] + 1
    margins[np.arange(N), y] = np.inf
    return bool(np.any(np.abs(margins) < h))
'''},
    {"id": "nb08-kink-w07", "exercise": "crosses_kink", "name": "crosses_kink",
     "author": "careful", "correct": False,
     "mistake": "moves the scores of class c by ±h for every example, as if the weight were a score (forgets the factor X[i, d])",
     "note": "remembers the X = I example of the notebook, where W is the scores",
     "source": r'''def crosses_kink(W, X, y, index, h):
    d, c = index
    N = X.shape[0]
    rows = np.arange(N)
    result = False
    for delta in (-h, h):
        S = X @ W
        S[:, c] += delta
        M = S - S[rows, y][:, None] + 1
        M[rows, y] = -np.inf
        on = M > 0
        if delta < 0:
            first = on
        else:
            result = bool(np.any(first != on))
    return result
'''},
    {"id": "nb08-kink-w08", "exercise": "crosses_kink", "name": "crosses_kink",
     "author": "terse", "correct": False,
     "mistake": "masks out column c (the moved class) for every example instead of each example's own correct class y_i: the terms j = c are never checked, and the always-active j = y_i terms are kept",
     "note": "confuses the moved class c with the correct class",
     "source": r'''def crosses_kink(W, X, y, index, h):
    E = np.zeros(W.shape)
    E[index] = h
    n = np.arange(len(y))
    on = []
    for Wend in (W - E, W + E):
        S = X @ Wend
        A = S - S[n, y][:, None] + 1 > 0
        A[:, index[1]] = False
        on.append(A)
    return bool(np.any(on[0] != on[1]))
'''},
]
