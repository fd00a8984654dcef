# ruff: noqa: E501 (answer sources and their edits are kept on one line each)
"""Wrong and unusual-but-correct answers for notebook 11's exercises (hint corpus, issue 12).

``CORRECT[exercise_id]``: answer-cell sources that must pass; ``WRONG[exercise_id]``: pairs of
(answer-cell source, the ``Mistake.name`` its check must name, or ``"generic:<kind>"``).
"""

TRAIN = '''
def train_epochs(loss_grad, step, w0, X, y, X_val, y_val, batch_size, num_epochs, seed):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    n = X.shape[0]
    epoch_loss, train_acc, val_acc = np.empty(num_epochs), np.empty(num_epochs), np.empty(num_epochs)
    for epoch in range(num_epochs):
        order = rng.permutation(n)
        batch_losses = []
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            loss, dw = loss_grad(w, X[idx], y[idx])
            batch_losses.append(loss)
            w = step(w, dw)
        epoch_loss[epoch] = np.mean(batch_losses)
        train_acc[epoch] = np.mean(np.argmax(X @ w, axis=1) == y)
        val_acc[epoch] = np.mean(np.argmax(X_val @ w, axis=1) == y_val)
    return w, epoch_loss, train_acc, val_acc
'''

GRID = '''
def grid_search(train_fn, learning_rates, regs):
    val_acc = np.zeros((len(learning_rates), len(regs)))
    for i, learning_rate in enumerate(learning_rates):
        for j, reg in enumerate(regs):
            val_acc[i, j] = train_fn(learning_rate, reg)
    best_i, best_j = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, float(learning_rates[best_i]), float(regs[best_j])
'''


def edit(source, old, new):
    """``source`` with ``old`` replaced once (the edit must apply)."""
    assert old in source, old
    return source.replace(old, new, 1)


CORRECT = {
    "train_epochs": [
        '''
def train_epochs(loss_grad, step, w0, X, y, X_val, y_val, batch_size, num_epochs, seed):
    rng = np.random.default_rng(seed)
    w = w0.astype(float)
    history = {"loss": [], "train": [], "val": []}
    for _ in range(num_epochs):
        order = rng.permutation(len(y))
        batches = np.array_split(order, np.arange(batch_size, len(y), batch_size))
        losses = []
        for idx in batches:
            loss, dw = loss_grad(w, X[idx], y[idx])
            losses.append(loss)
            w = step(w, dw)
        history["loss"].append(sum(losses) / len(losses))
        history["train"].append((np.argmax(X @ w, axis=1) == y).mean())
        history["val"].append((np.argmax(X_val @ w, axis=1) == y_val).mean())
    return w, np.array(history["loss"]), np.array(history["train"]), np.array(history["val"])
''',
    ],
    "grid_search": [
        '''
def grid_search(train_fn, learning_rates, regs):
    best, best_pair = -np.inf, None
    grid = np.empty((len(learning_rates), len(regs)))
    for i, lr in enumerate(learning_rates):
        for j, reg in enumerate(regs):
            grid[i, j] = train_fn(lr, reg)
            if grid[i, j] > best:
                best, best_pair = grid[i, j], (float(lr), float(reg))
    return grid, best_pair[0], best_pair[1]
''',
    ],
}

WRONG = {
    "train_epochs": [
        (edit(TRAIN, "order = rng.permutation(n)", "order = np.arange(n)"), "no_shuffle"),
        (edit(TRAIN, "    for epoch in range(num_epochs):\n        order = rng.permutation(n)\n",
              "    order = rng.permutation(n)\n    for epoch in range(num_epochs):\n"), "same_order_every_epoch"),
        (edit(TRAIN, "        order = rng.permutation(n)\n",
              "        rng = np.random.default_rng(seed)\n        order = rng.permutation(n)\n"), "same_order_every_epoch"),
        (edit(TRAIN, "idx = order[start:start + batch_size]", "idx = rng.permutation(n)[:min(batch_size, n - start)]"),
         "permutation_per_batch"),
        (edit(TRAIN, "idx = order[start:start + batch_size]", "idx = rng.integers(0, n, size=batch_size)"),
         "with_replacement"),
        (edit(TRAIN, "range(0, n, batch_size)", "range(0, n - batch_size + 1, batch_size)"), "drops_last_batch"),
        (edit(TRAIN, "idx = order[start:start + batch_size]", "idx = order[:batch_size]"), "same_batch"),
        (edit(TRAIN, "epoch_loss[epoch] = np.mean(batch_losses)", "epoch_loss[epoch] = loss"), "last_batch_loss"),
        (edit(TRAIN, "epoch_loss[epoch] = np.mean(batch_losses)", "epoch_loss[epoch] = np.sum(batch_losses)"),
         "summed_epoch_loss"),
        (edit(TRAIN, "batch_losses.append(loss)", "batch_losses.append(loss * len(idx) / n)").replace(
            "epoch_loss[epoch] = np.mean(batch_losses)", "epoch_loss[epoch] = np.sum(batch_losses)"),
         "weighted_epoch_loss"),
        (edit(TRAIN, "np.argmax(X_val @ w, axis=1) == y_val", "np.argmax(X @ w, axis=1) == y"), "val_on_training_set"),
        (edit(TRAIN, "        order = rng.permutation(n)\n",
              "        val_acc[epoch] = np.mean(np.argmax(X_val @ w, axis=1) == y_val)\n        order = rng.permutation(n)\n")
         .replace("        val_acc[epoch] = np.mean(np.argmax(X_val @ w, axis=1) == y_val)\n    return",
                  "    return"), "val_before_epoch"),
    ],
    "grid_search": [
        ('''
def grid_search(train_fn, learning_rates, regs):
    val_acc = np.array([[train_fn(lr, reg) for lr in learning_rates] for reg in regs])
    j, i = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, float(learning_rates[i]), float(regs[j])
''', "transposed"),
        (edit(GRID, "np.argmax(val_acc)", "np.argmin(val_acc)"), "argmin"),
        (edit(GRID, "float(learning_rates[best_i]), float(regs[best_j])", "float(regs[best_j]), float(learning_rates[best_i])"),
         "swapped_pair"),
        ('''
def grid_search(train_fn, learning_rates, regs):
    val_acc = np.zeros((len(learning_rates), len(regs)))
    best, pair = -1.0, None
    for i, learning_rate in enumerate(learning_rates):
        for j, reg in enumerate(regs):
            val_acc[i, j] = train_fn(learning_rate, reg)
            if val_acc[i, j] >= best:
                best, pair = val_acc[i, j], (float(learning_rate), float(reg))
    return val_acc, pair[0], pair[1]
''', "last_tie"),
        (edit(GRID, "float(learning_rates[best_i]), float(regs[best_j])", "float(best_i), float(best_j)"), "indices"),
        (edit(GRID, "train_fn(learning_rate, reg)", "train_fn(reg, learning_rate)"), "swapped_arguments"),
    ],
}
