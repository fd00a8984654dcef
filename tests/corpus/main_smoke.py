# ruff: noqa: E501 (answer sources are kept whole)
"""A small hint corpus across families, mostly for the generic hints (issue 12).

Same format as ``nbNN.py``: ``CORRECT[exercise_id]`` answer cells that must pass,
``WRONG[exercise_id]`` pairs (answer cell, the mistake or ``generic:<signature>`` it must be told).
The wrong answers are ones no exercise's own mistake describes, so that a generic hint is what
names them: swapped outputs, a list for an array, a part not returned, a 0/0, a stray factor.
"""

SVM = '''
def svm_loss_vectorized(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = np.maximum(0, scores - scores[rows, y][:, None] + 1)
    margins[rows, y] = 0
    mask = (margins > 0).astype(float)
    mask[rows, y] = -mask.sum(axis=1)
    return margins.sum() / n, X.T @ mask / n
'''

SOFTMAX = '''
def softmax_loss_vectorized(W, X, y):
    n = X.shape[0]
    scores = X @ W
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    probs = np.exp(log_p)
    probs[np.arange(n), y] -= 1
    return -log_p[np.arange(n), y].mean(), X.T @ probs / n
'''

PROBS = '''
def softmax_probabilities(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
'''

EPOCHS = '''
def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = np.array(w0, dtype=float)
    losses = []
    for order in orders:
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            loss, dw = loss_grad(w, X[batch], y[batch])
            losses.append(loss)
            w = step(w, dw)
    return w, np.array(losses)
'''

ADAM = '''
def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    next_m = beta1 * m + (1 - beta1) * dw
    next_v = beta2 * v + (1 - beta2) * dw**2
    m_hat = next_m / (1 - beta1**t)
    v_hat = next_v / (1 - beta2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), next_m, next_v
'''

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

CCS = '''
def correct_class_scores(scores, y):
    return scores[np.arange(len(y)), y]
'''


def edit(source, old, new):
    """``source`` with ``old`` replaced once (the edit must apply)."""
    assert old in source, old
    return source.replace(old, new, 1)


CORRECT = {
    "svm_vectorized": [SVM],
    "softmax_vectorized": [SOFTMAX],
    "softmax_probs": [edit(PROBS, "return e / e.sum(axis=1, keepdims=True)", "return np.exp(np.log(e) - np.log(e.sum(axis=1))[:, None])")],
    "sgd_epochs": [EPOCHS, edit(EPOCHS, "    return w, np.array(losses)\n", "    return w, np.asarray(losses, dtype=float)\n")],
    "adam_step": [ADAM],
    "numerical_gradient_centred": [NUM],
    "correct_class_scores": [CCS, "def correct_class_scores(scores, y):\n    return np.take_along_axis(scores, y[:, None], axis=1)[:, 0]\n"],
}

WRONG = {
    "svm_vectorized": [
        (edit(SVM, "return margins.sum() / n, X.T @ mask / n", "return X.T @ mask / n, margins.sum() / n"), "generic:swapped"),
        (edit(SVM, "return margins.sum() / n, X.T @ mask / n", "return margins.sum() / n"), "generic:tuple"),
        (edit(SVM, "return margins.sum() / n, X.T @ mask / n", "return [margins.sum() / n, X.T @ mask / n]"), "generic:container"),
    ],
    "softmax_vectorized": [
        (edit(SOFTMAX, "return -log_p[np.arange(n), y].mean(), X.T @ probs / n", "return X.T @ probs / n, -log_p[np.arange(n), y].mean()"),
         "generic:swapped"),
        (edit(SOFTMAX, "    return -log_p", "    loss = -log_p"), "generic:missing_return"),
    ],
    "softmax_probs": [
        (edit(PROBS, "    return e", "    probs = e"), "generic:missing_return"),
        (edit(PROBS, "return e / e.sum(axis=1, keepdims=True)", "return (e / e.sum(axis=1, keepdims=True)).T"), "generic:transposed"),
    ],
    "sgd_epochs": [
        (edit(EPOCHS, "    return w, np.array(losses)\n", "    return w, losses\n"), "generic:container"),
        (edit(EPOCHS, "    return w, np.array(losses)\n", "    return np.array(losses), w\n"), "generic:swapped"),
    ],
    "adam_step": [
        (edit(ADAM, "m_hat = next_m / (1 - beta1**t)", "m_hat = next_m / (1 - beta1**t) / (1 - beta2**(t - 1))"), "generic:inf"),
        (edit(ADAM, "epsilon), next_m, next_v", "epsilon), next_v, next_m"), "generic:swapped"),
        (edit(ADAM, "epsilon), next_m, next_v", "epsilon), next_m, None"), "generic:state_not_returned"),
    ],
    "numerical_gradient_centred": [
        (edit(NUM, "(f_plus - f_minus)", "(f_minus - f_plus)"), "generic:sign"),
        (edit(NUM, "    return grad\n", "    return list(grad)\n"), "generic:container"),
    ],
    "correct_class_scores": [
        (edit(CCS, "return scores[np.arange(len(y)), y]", "return list(scores[np.arange(len(y)), y])"), "generic:container"),
        (edit(CCS, "return scores[np.arange(len(y)), y]", "return -scores[np.arange(len(y)), y]"), "generic:sign"),
    ],
}
