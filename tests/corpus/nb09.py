# ruff: noqa: E501 (answer sources and their edits are kept on one line each)
"""Wrong and unusual-but-correct answers for notebook 09's exercises (hint corpus, issue 12).

``CORRECT[exercise_id]``: answer-cell sources that must pass; ``WRONG[exercise_id]``: pairs of
(answer-cell source, the ``Mistake.name`` its check must name, or ``"generic:<kind>"``). The wrong answers are
written as a student who read only the contract would write them.
"""

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


def edit(source, old, new):
    """``source`` with ``old`` replaced once (the edit must apply)."""
    assert old in source, old
    return source.replace(old, new, 1)


CORRECT = {
    "sgd_epochs": [
        EPOCHS,
        '''
def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    n = X.shape[0]
    per_epoch = -(-n // batch_size)  # ceil
    losses = np.empty(len(orders) * per_epoch)
    w = w0.astype(float)  # a copy: w0 stays as it was
    k = 0
    for e in range(len(orders)):
        i = 0
        while i < n:
            idx = orders[e][i:i + batch_size]
            losses[k], grad = loss_grad(w, X[idx], y[idx])
            w = step(w, grad)
            i += batch_size
            k += 1
    return w, losses
''',
        '''
import copy


def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w, record = copy.deepcopy(w0), []
    for epoch_order in np.asarray(orders):
        batches = [epoch_order[k:k + batch_size] for k in range(0, epoch_order.size, batch_size)]
        for b in batches:
            value, gradient = loss_grad(w, X[b], y[b])
            record.append(float(value))
            w = step(w, gradient)
    return np.asarray(w, dtype=float), np.array(record, dtype=float)
''',
    ],
}

WRONG = {
    "sgd_epochs": [
        ('''
def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = np.array(w0, dtype=float)
    stream = np.concatenate(list(orders)) if len(orders) else np.array([], dtype=int)
    losses = []
    for start in range(0, len(stream), batch_size):
        batch = stream[start:start + batch_size]
        loss, dw = loss_grad(w, X[batch], y[batch])
        losses.append(loss)
        w = step(w, dw)
    return w, np.array(losses)
''', "mixes_epochs"),
        (edit(EPOCHS, "for start in range(0, len(order), batch_size):", "for start in range(0, len(order) // batch_size * batch_size, batch_size):"), "drops_last_batch"),
        (edit(EPOCHS, "            losses.append(loss)\n            w = step(w, dw)\n", "            w = step(w, dw)\n            losses.append(loss_grad(w, X[batch], y[batch])[0])\n"), "loss_after_step"),
        (edit(EPOCHS, "            batch = order[start:start + batch_size]\n", "            batch = np.arange(start, min(start + batch_size, len(y)))\n"), "ignores_orders"),
        (edit(EPOCHS, "    for order in orders:\n", "    for epoch in range(len(orders)):\n        order = orders[0]\n"), "first_order_every_epoch"),
        ('''
def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = np.array(w0, dtype=float)
    losses = []
    for order in orders:
        loss, dw = loss_grad(w, X[order], y[order])
        losses.append(loss)
        w = step(w, dw)
    return w, np.array(losses)
''', "one_step_per_epoch"),
        (edit(EPOCHS, "w = step(w, dw)", "w = w - step(w, dw)"), "subtracts_the_step"),
        ('''
def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = np.array(w0, dtype=float)
    epoch_losses = []
    for order in orders:
        this_epoch = []
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            loss, dw = loss_grad(w, X[batch], y[batch])
            this_epoch.append(loss)
            w = step(w, dw)
        epoch_losses.append(np.mean(this_epoch))
    return w, np.array(epoch_losses)
''', "epoch_means"),
        ('''
def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = np.array(w0, dtype=float)
    losses = []
    for order in orders:
        for batch in np.array_split(order, int(np.ceil(len(order) / batch_size))):
            loss, dw = loss_grad(w, X[batch], y[batch])
            losses.append(loss)
            w = step(w, dw)
    return w, np.array(losses)
''', "balanced_batches"),
        (edit(EPOCHS, "    return w, np.array(losses)\n", "    return w, losses\n"), "generic:container"),
    ],
}
