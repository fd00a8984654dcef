# ruff: noqa: E501 (answer sources and their edits are kept on one line each)
"""Wrong and unusual-but-correct answers for notebook 11's exercises (hint corpus, issue 12).

``CORRECT[exercise_id]``: answer-cell sources that must pass; ``WRONG[exercise_id]``: pairs of
(answer-cell source, the ``Mistake.name`` its check must name, or ``"generic:<kind>"``).
"""

STOP = '''
def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w = w0.copy()
    best_w, best_epoch, best_score = w.copy(), 0, -np.inf
    scores = []
    waited = 0
    for epoch in range(1, max_epochs + 1):
        w = run_epoch(w)
        score = evaluate(w)
        scores.append(score)
        if score > best_score:
            best_w, best_epoch, best_score = w.copy(), epoch, score
            waited = 0
        else:
            waited += 1
            if waited == patience:
                break
    return best_w, best_epoch, np.array(scores)
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
    "early_stopping": [
        STOP,
        '''
import copy


def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    snapshots, scores = [], []
    w = copy.deepcopy(w0)
    while len(scores) < max_epochs:
        w = run_epoch(w)
        scores.append(float(evaluate(w)))
        snapshots.append(copy.deepcopy(w))
        best = int(np.argmax(scores))  # the first of the highest
        if len(scores) - 1 - best >= patience:
            break
    best = int(np.argmax(scores))
    return snapshots[best], best + 1, np.array(scores)
''',
    ],
    "grid_search": [
        GRID,
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
    "early_stopping": [
        (edit(STOP, "best_w, best_epoch, best_score = w.copy(), epoch, score", "best_w, best_epoch, best_score = w, epoch, score"), "no_copy"),
        (edit(STOP, "    for epoch in range(1, max_epochs + 1):\n", "    for epoch in range(max_epochs):\n"), "epoch_from_zero"),
        (edit(STOP, "if score > best_score:", "if score >= best_score:"), "ties_improve"),
        (edit(STOP, "if waited == patience:", "if waited > patience:"), "one_epoch_too_long"),
        (edit(STOP, "if waited == patience:", "if waited == patience - 1:"), "one_epoch_too_short"),
        (edit(STOP, "            waited = 0\n", ""), "counts_every_miss"),
        (edit(STOP, "            if waited == patience:\n                break\n", ""), "never_stops"),
        (edit(STOP, "    return best_w, best_epoch, np.array(scores)", "    return w, best_epoch, np.array(scores)"), "returns_last"),
        (edit(STOP, "        w = run_epoch(w)\n", "        w = run_epoch(w0.copy())\n"), "restarts_from_w0"),
        (edit(STOP, "    scores = []\n", "    scores = [evaluate(w)]\n"), "evaluates_start"),
        ('''
def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w = w0.copy()
    best_w, best_epoch, best_score = None, 0, np.inf
    scores, waited = [], 0
    for epoch in range(1, max_epochs + 1):
        w = run_epoch(w)
        scores.append(evaluate(w))
        if scores[-1] < best_score:
            best_w, best_epoch, best_score, waited = w.copy(), epoch, scores[-1], 0
        else:
            waited += 1
            if waited == patience:
                break
    return best_w, best_epoch, np.array(scores)
''', "lower_is_better"),
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
