# ruff: noqa: E501 (answer sources and their edits are kept on one line each)
"""Wrong and unusual-but-correct answers for notebook 08's exercises (hint corpus, issue 12).

``CORRECT[exercise_id]``: answer-cell sources that must pass; ``WRONG[exercise_id]``: pairs of
(answer-cell source, the ``Mistake.name`` its check must name, or ``"generic:<kind>"``).
"""

NUM = '''
def numerical_grad(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad
'''

KINK = '''
def crosses_kink(W, X, y, index, h):
    rows = np.arange(len(y))
    ends = []
    for shift in (-h, h):
        V = W.astype(float)
        V[index] = V[index] + shift
        s = X @ V
        m = s - s[rows, y][:, None] + 1.0
        m[rows, y] = 0.0
        ends.append(m > 0)
    return bool((ends[0] != ends[1]).any())
'''

CORRECT = {
    "numerical_gradient_centred": [
        NUM,
        '''
def numerical_grad(f, x, h):
    # flat view of a float copy: one coordinate at a time
    point = np.asarray(x, dtype=float).copy()
    flat = point.reshape(-1)
    grad = np.empty(flat.size)
    for k in range(flat.size):
        keep = flat[k]
        flat[k] = keep + h
        up = f(point)
        flat[k] = keep - h
        down = f(point)
        flat[k] = keep
        grad[k] = (up - down) / (2 * h)
    return grad.reshape(point.shape)
''',
        '''
def numerical_grad(f, x, h):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        e = np.zeros(x.shape)
        e[idx] = h
        grad[idx] = (f(x + e) - f(x - e)) / (2 * h)
    return grad
''',
    ],
    "crosses_kink": [
        KINK,
        '''
def crosses_kink(W, X, y, index, h):
    # how each margin moves with W[index]: x_id for the moved class, -x_id for every margin of an example of that class
    d, c = index
    n = len(y)
    scores = X @ W
    margins = scores - scores[np.arange(n), y][:, None] + 1
    slope = np.zeros_like(margins)
    slope[:, c] += X[:, d]
    slope[y == c, :] -= X[y == c, d][:, None]
    low, high = margins - h * slope > 0, margins + h * slope > 0
    low[np.arange(n), y] = high[np.arange(n), y] = False
    return bool(np.any(low != high))
''',
        '''
def crosses_kink(W, X, y, index, h):
    def active(value):
        moved = W.copy()
        moved[index] = value
        s = X @ moved
        out = set()
        for i in range(len(y)):
            for j in range(s.shape[1]):
                if j != y[i] and s[i, j] - s[i, y[i]] + 1 > 0:
                    out.add((i, j))
        return out
    return active(W[index] - h) != active(W[index] + h)
''',
    ],
}

WRONG = {
    "numerical_gradient_centred": [
        ('''
def numerical_grad(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        grad[idx] = (f(x) - fx) / h
        x[idx] = old
    return grad
''', "forward_difference"),
        ('''
def numerical_grad(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = f(x)
        x[idx] = old - h
        minus = f(x)
        grad[idx] = (plus - minus) / (2 * h)
    return grad
''', "not_restored"),
        (NUM.replace("/ (2 * h)", "/ h"), "divided_by_h"),
        ('''
def numerical_grad(f, x, h):
    h = 1e-5  # the usual step
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad
''', "own_step"),
        ('''
def numerical_grad(f, x, h):
    x = x.copy()
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad
''', "copy_keeps_integers"),
        ('''
def numerical_grad(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        x_plus, x_minus = x.copy(), x.copy()
        x_plus[i] += h
        x_minus[i] -= h
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad
''', "rows_only"),
        ('''
def numerical_grad(f, x, h):
    x = np.array(x, dtype=float)
    grad = []
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        grad.append((f(x + e) - f(x - e)) / (2 * h))
    return grad
''', "generic:container"),
        ('''
def numerical_grad(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        grad[idx] = (f(x - e) - f(x + e)) / (2 * h)
    return grad
''', "generic:sign"),
    ],
    "crosses_kink": [
        (KINK.replace("ends.append(m > 0)", "ends.append(m >= 0)"), "zero_margin_active"),
        (KINK.replace("m = s - s[rows, y][:, None] + 1.0", "m = s - s[rows, y][:, None]"), "margin_without_one"),
        ('''
def crosses_kink(W, X, y, index, h):
    rows = np.arange(len(y))
    def active(V):
        s = X @ V
        m = s - s[rows, y][:, None] + 1.0
        m[rows, y] = 0.0
        return m > 0
    moved = W.astype(float)
    moved[index] += h
    return bool(np.any(active(W) != active(moved)))
''', "one_side_only"),
        ('''
def crosses_kink(W, X, y, index, h):
    s = X @ W
    m = s - s[np.arange(len(y)), y][:, None] + 1
    m[np.arange(len(y)), y] = 10.0          # the correct class has no kink
    return bool(np.any(np.abs(m) < h))
''', "margin_within_h"),
        (KINK.replace("return bool((ends[0] != ends[1]).any())", "return bool(ends[0].sum() != ends[1].sum())"),
         "counts_active_terms"),
        (KINK.replace("return bool((ends[0] != ends[1]).any())", "return bool(ends[0].any() != ends[1].any())"),
         "any_against_any"),
        (KINK.replace("return bool((ends[0] != ends[1]).any())", "return bool((ends[0] & ~ends[1]).any())"),
         "one_direction_only"),
    ],
}
