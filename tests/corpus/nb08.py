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

SVM = '''
def svm_loss_grad(W, X, y, reg):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = 0.0
    margins = np.maximum(margins, 0.0)
    loss = margins.sum() / n + reg * np.sum(W * W)
    dscores = (margins > 0).astype(float)
    dscores[rows, y] = -dscores.sum(axis=1)
    dW = X.T @ dscores / n + 2 * reg * W
    return loss, dW
'''

SOFT = '''
def softmax_loss_grad(W, X, y, reg):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probs = exp / exp.sum(axis=1, keepdims=True)
    loss = -np.log(probs[rows, y]).sum() / n + reg * np.sum(W * W)
    dscores = probs.copy()
    dscores[rows, y] -= 1.0
    dW = X.T @ dscores / n + 2 * reg * W
    return loss, dW
'''

CHECK = '''
def gradient_check(f_and_grad, x, h):
    x = np.array(x, dtype=float)
    analytic = np.array(f_and_grad(x)[1], dtype=float)
    errors = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = f_and_grad(x)[0]
        x[idx] = old - h
        f_minus = f_and_grad(x)[0]
        x[idx] = old
        numeric = (f_plus - f_minus) / (2 * h)
        total = abs(analytic[idx]) + abs(numeric)
        errors[idx] = abs(analytic[idx] - numeric) / total if total > 0 else 0.0
    return errors
'''


def edit(source, old, new):
    """``source`` with ``old`` replaced once (the edit must apply)."""
    assert old in source, old
    return source.replace(old, new, 1)


CORRECT = {
    "numerical_gradient_centred": [
        '''
def numerical_grad(f, x, h):
    grad = np.zeros(np.shape(x))
    flat = np.asarray(x, dtype=float).ravel()
    for i in range(flat.size):
        step = np.zeros_like(flat)
        step[i] = h
        grad.flat[i] = (f((flat + step).reshape(np.shape(x))) - f((flat - step).reshape(np.shape(x)))) / (2 * h)
    return grad
''',
    ],
    "svm_loss_grad_W": [
        '''
def svm_loss_grad(W, X, y, reg):
    n, c = X.shape[0], W.shape[1]
    dW = np.zeros_like(W)
    loss = 0.0
    for i in range(n):
        s = X[i] @ W
        for j in range(c):
            if j == y[i]:
                continue
            margin = s[j] - s[y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return loss / n + reg * (W ** 2).sum(), dW / n + 2 * reg * W
''',
    ],
    "softmax_loss_grad_W": [
        '''
def softmax_loss_grad(W, X, y, reg):
    s = X @ W
    s = s - s.max(axis=1, keepdims=True)
    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    n = len(y)
    onehot = np.eye(W.shape[1])[y]
    loss = -np.sum(log_p * onehot) / n + reg * np.sum(W ** 2)
    return loss, X.T @ (np.exp(log_p) - onehot) / n + 2 * reg * W
''',
    ],
    "gradient_check": [
        '''
def gradient_check(f_and_grad, x, h):
    x = np.array(x, dtype=float)
    a = f_and_grad(x)[1]
    n = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        n[idx] = (f_and_grad(x + e)[0] - f_and_grad(x - e)[0]) / (2 * h)
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-300)
''',
    ],
}

WRONG = {
    "numerical_gradient_centred": [
        (edit(NUM, "        x[idx] = old - h\n        f_minus = f(x)\n", "        x[idx] = old\n        f_minus = f(x)\n")
         .replace("(2 * h)", "h"), "forward_difference"),
        (edit(NUM, "        x[idx] = old\n        grad", "        grad"), "not_restored"),
        (edit(NUM, "/ (2 * h)", "/ h"), "divided_by_h"),
        (edit(NUM, "    x = np.array(x, dtype=float)\n", "    h = 1e-20\n    x = np.array(x, dtype=float)\n"),
         "step_too_small"),
        (edit(NUM, "(f_plus - f_minus)", "(f_minus - f_plus)"), "generic:sign"),
        (edit(NUM, "    return grad\n", ""), "generic:missing_return"),
    ],
    "svm_loss_grad_W": [
        (edit(SVM, "    margins[rows, y] = 0.0\n", ""), "includes_correct_class_in_grad"),
        (edit(SVM, "margins.sum() / n", "margins.sum() / n / (W.shape[1] - 1)").replace(
            "X.T @ dscores / n", "X.T @ dscores / n / (W.shape[1] - 1)"), "mean_over_classes"),
        (edit(SVM, "margins.sum() / n", "(margins ** 2).sum() / n").replace(
            "(margins > 0).astype(float)", "2 * margins"), "squared_hinge"),
        (edit(SVM, "X.T @ dscores / n", "X.T @ dscores"), "grad_not_divided"),
        (edit(SVM, "    dscores[rows, y] = -dscores.sum(axis=1)\n", ""), "no_correct_column"),
        (edit(SVM, "(margins > 0)", "(scores - scores[rows, y][:, None] + 1.0 >= 0) * (margins >= 0)").replace(
            "    dscores[rows, y] = -dscores.sum(axis=1)\n",
            "    dscores[rows, y] = 0.0\n    dscores[rows, y] = -dscores.sum(axis=1)\n"), "margin_at_least_zero"),
        (edit(SVM, "+ 1.0", ""), "no_margin"),
        (edit(SVM, "margins.sum() / n", "margins.sum() / W.shape[1]").replace(
            "X.T @ dscores / n", "X.T @ dscores / W.shape[1]"), "divided_by_C"),
        (edit(SVM, "2 * reg * W", "reg * W"), "reg_grad_without_2"),
        (edit(SVM, " + 2 * reg * W", ""), "reg_grad_forgotten"),
    ],
    "softmax_loss_grad_W": [
        (edit(SOFT, "    shifted = scores - scores.max(axis=1, keepdims=True)\n", "    shifted = scores\n"), "no_max_shift"),
        (edit(SOFT, "-np.log(probs[rows, y])", "-np.log(probs[rows, y] + 1e-12)"), "log_of_p_plus_eps"),
        (edit(SOFT, "-np.log(probs[rows, y])", "-np.log10(probs[rows, y])"), "log10"),
        (edit(SOFT, "X.T @ dscores / n", "X.T @ dscores"), "grad_not_divided"),
        (edit(SOFT, "    dscores[rows, y] -= 1.0\n", ""), "forgot_minus_one"),
        (edit(SOFT, "X.T @ dscores / n + 2 * reg * W", "-X.T @ dscores / n + 2 * reg * W"), "wrong_sign"),
        (edit(SOFT, "2 * reg * W", "reg * W"), "reg_grad_without_2"),
        (edit(SOFT, " + 2 * reg * W", ""), "reg_grad_forgotten"),
    ],
    "gradient_check": [
        (edit(CHECK, "        x[idx] = old - h\n        f_minus = f_and_grad(x)[0]\n",
              "        x[idx] = old\n        f_minus = f_and_grad(x)[0]\n").replace("(2 * h)", "h"), "forward_difference"),
        (edit(CHECK, "/ (2 * h)", "/ h"), "divided_by_h"),
        (edit(CHECK, "        x[idx] = old\n        numeric", "        numeric"), "not_restored"),
        (edit(CHECK, "abs(analytic[idx] - numeric) / total if total > 0 else 0.0", "abs(analytic[idx] - numeric)"),
         "absolute_error"),
        (edit(CHECK, "        total = abs(analytic[idx]) + abs(numeric)\n",
              "        total = max(abs(analytic[idx]), abs(numeric))\n"), "max_denominator"),
        (edit(CHECK, "abs(analytic[idx] - numeric) / total", "(analytic[idx] - numeric) / total"), "signed_error"),
        (edit(CHECK, "    x = np.array(x, dtype=float)\n", "    h = 1e-20\n    x = np.array(x, dtype=float)\n"),
         "step_too_small"),
        (edit(CHECK, "        f_minus = f_and_grad(x)[0]\n", "        f_minus, analytic = f_and_grad(x)\n"),
         "analytic_at_shifted_point"),
    ],
}
