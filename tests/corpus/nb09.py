# ruff: noqa: E501 (answer sources and their edits are kept on one line each)
"""Wrong and unusual-but-correct answers for notebook 09's exercises (hint corpus, issue 12).

``CORRECT[exercise_id]``: answer-cell sources that must pass; ``WRONG[exercise_id]``: pairs of
(answer-cell source, the ``Mistake.name`` its check must name, or ``"generic:<kind>"``).
"""

GD = '''
def gradient_descent(grad_fn, w0, learning_rate, num_steps):
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(num_steps):
        w = w - learning_rate * grad_fn(w)
        path.append(w)
    return np.stack(path)
'''

SGD = '''
def minibatch_sgd(loss_grad, w0, X, y, learning_rate, batch_size, num_iters, seed):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    losses = np.empty(num_iters)
    for it in range(num_iters):
        idx = rng.integers(0, X.shape[0], size=batch_size)
        losses[it], dw = loss_grad(w, X[idx], y[idx])
        w = w - learning_rate * dw
    return w, losses
'''


def edit(source, old, new):
    """``source`` with ``old`` replaced once (the edit must apply)."""
    assert old in source, old
    return source.replace(old, new, 1)


CORRECT = {
    "gradient_descent_path": [
        '''
def gradient_descent(grad_fn, w0, learning_rate, num_steps):
    path = np.empty((num_steps + 1,) + np.shape(w0))
    path[0] = w0
    for k in range(num_steps):
        path[k + 1] = path[k] - learning_rate * grad_fn(path[k].copy())
    return path
''',
    ],
    "minibatch_sgd_loop": [
        '''
def minibatch_sgd(loss_grad, w0, X, y, learning_rate, batch_size, num_iters, seed):
    rng = np.random.default_rng(seed)
    w, losses = w0.astype(float), []
    while len(losses) < num_iters:
        batch = rng.integers(0, len(X), size=batch_size)
        loss, grad = loss_grad(w, X[batch], y[batch])
        losses.append(loss)
        w = w - learning_rate * grad
    return w, np.array(losses)
''',
    ],
}

WRONG = {
    "gradient_descent_path": [
        (edit(GD, "    path = [w]\n", "    path = []\n"), "no_start"),
        (edit(GD, "        w = w - learning_rate * grad_fn(w)\n", "        w -= learning_rate * grad_fn(w)\n"),
         "aliased_rows"),
        (edit(GD, "range(num_steps)", "range(num_steps + 1)"), "extra_step"),
        (edit(GD, "    path = [w]\n", "    path = []\n").replace("range(num_steps)", "range(num_steps + 1)"),
         "one_step_too_many"),
        (edit(GD, "w - learning_rate", "w + learning_rate"), "ascent"),
        (edit(GD, "    return np.stack(path)\n", "    return w\n"), "generic:shape"),
        (edit(GD, "    return np.stack(path)\n", ""), "generic:missing_return"),
    ],
    "minibatch_sgd_loop": [
        (edit(SGD, "rng.integers(0, X.shape[0], size=batch_size)", "rng.choice(X.shape[0], size=batch_size, replace=False)"),
         "without_replacement"),
        (edit(SGD, "loss_grad(w, X[idx], y[idx])", "loss_grad(w, X, y)"), "full_batch"),
        (edit(SGD, "        losses[it], dw = loss_grad(w, X[idx], y[idx])\n        w = w - learning_rate * dw\n",
              "        w = w - learning_rate * loss_grad(w, X[idx], y[idx])[1]\n"
              "        losses[it] = loss_grad(w, X[idx], y[idx])[0]\n"), "loss_after_step"),
        (edit(SGD, "        idx = rng.integers", "        rng = np.random.default_rng(seed)\n        idx = rng.integers"),
         "same_batch_every_step"),
        (edit(SGD, "w - learning_rate * dw", "w + learning_rate * dw"), "ascent"),
        (edit(SGD, "loss_grad(w, X[idx], y[idx])", "loss_grad(w, X[:batch_size], y[:batch_size])"), "fixed_slice"),
        (edit(SGD, "rng.integers(0, X.shape[0], size=batch_size)", "rng.permutation(X.shape[0])[:batch_size]"),
         "permutation_per_batch"),
        (edit(SGD, "losses = np.empty(num_iters)\n    for it in range(num_iters):",
              "losses = np.empty(num_iters + 1)\n    for it in range(num_iters + 1):"), "one_iteration_too_many"),
        (edit(SGD, "losses = np.empty(num_iters)\n    for it in range(num_iters):",
              "losses = np.empty(num_iters - 1)\n    for it in range(num_iters - 1):"), "one_iteration_too_few"),
    ],
}
