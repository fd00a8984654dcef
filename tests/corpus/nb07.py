# ruff: noqa: E501 (answer sources and their edits are kept on one line each)
"""Wrong and unusual-but-correct answers for notebook 07's exercises (hint corpus, issue 12).

``CORRECT[exercise_id]``: answer-cell sources that must pass; ``WRONG[exercise_id]``: pairs of
(answer-cell source, the ``Mistake.name`` its check must name, or ``"generic:<kind>"``).
"""

CORRECT = {
    "random_search_best": [
        '''
def search_randomly(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    best_w, best, losses = None, np.inf, []
    for _ in range(num_tries):
        w = rng.normal(0.0, scale, size=shape)
        losses.append(loss_fn(w))
        if losses[-1] <= best:
            best_w, best = w, losses[-1]
    return best_w, best, np.array(losses)
''',
        '''
def search_randomly(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    tries = [rng.normal(0.0, scale, size=shape) for _ in range(num_tries)]
    losses = np.array([loss_fn(w) for w in tries])
    k = int(np.argmin(losses))
    return tries[k], losses[k], losses
''',
    ],
    "random_local_search": [
        '''
def search_locally(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    w = w0.astype(float).copy()
    current = loss_fn(w)
    history = []
    for _ in range(num_tries):
        proposal = w + step_size * rng.standard_normal(w.shape)
        value = loss_fn(proposal)
        if value < current:
            w, current = proposal, value
        history.append(current)
    return w, np.asarray(history)
''',
    ],
}

WRONG = {
    "random_search_best": [
        ('''
def search_randomly(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(num_tries):
        w = rng.normal(0.0, scale, size=shape)
        losses.append(loss_fn(w))
    return w, losses[-1], np.array(losses)
''', "keeps_last"),
        ('''
def search_randomly(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    best_w, best, losses = None, -np.inf, []
    for _ in range(num_tries):
        w = rng.normal(0.0, scale, size=shape)
        losses.append(loss_fn(w))
        if losses[-1] > best:
            best_w, best = w, losses[-1]
    return best_w, best, np.array(losses)
''', "keeps_worst"),
        ('''
def search_randomly(loss_fn, shape, num_tries, scale, seed):
    best_w, best, losses = None, np.inf, []
    for _ in range(num_tries):
        w = np.random.default_rng(seed).normal(0.0, scale, size=shape)
        losses.append(loss_fn(w))
        if losses[-1] < best:
            best_w, best = w, losses[-1]
    return best_w, best, np.array(losses)
''', "new_generator_each_try"),
        ('''
def search_randomly(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    best_w, best, losses = None, np.inf, []
    for _ in range(num_tries):
        w = rng.uniform(-scale, scale, size=shape)
        losses.append(loss_fn(w))
        if losses[-1] < best:
            best_w, best = w, losses[-1]
    return best_w, best, np.array(losses)
''', "uniform"),
        ('''
def search_randomly(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    best_w, best, losses = None, np.inf, []
    for _ in range(num_tries):
        w = rng.normal(0.0, scale, size=shape)
        loss = loss_fn(w)
        if loss < best:
            best_w, best = w, loss
        losses.append(best)
    return best_w, best, np.array(losses)
''', "losses_best_so_far"),
        ('''
def search_randomly(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    best_w, best, losses = None, np.inf, []
    for _ in range(num_tries):
        w = rng.standard_normal(shape)
        losses.append(loss_fn(w))
        if losses[-1] < best:
            best_w, best = w, losses[-1]
    return best_w, best, np.array(losses)
''', "scale_ignored"),
    ],
    "random_local_search": [
        ('''
def search_locally(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for _ in range(num_tries):
        candidate = np.array(w0, dtype=float) + rng.normal(0.0, step_size, size=w.shape)
        loss = loss_fn(candidate)
        if loss < best:
            w, best = candidate, loss
        out.append(best)
    return w, np.array(out)
''', "nudges_the_start"),
        ('''
def search_locally(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    w, out = np.array(w0, dtype=float), []
    for _ in range(num_tries):
        w = w + rng.normal(0.0, step_size, size=w.shape)
        out.append(loss_fn(w))
    return w, np.array(out)
''', "accepts_every_nudge"),
        ('''
def search_locally(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for _ in range(num_tries):
        candidate = w + rng.normal(0.0, step_size, size=w.shape)
        loss = loss_fn(candidate)
        if loss > best:
            w, best = candidate, loss
        out.append(best)
    return w, np.array(out)
''', "keeps_worse"),
        ('''
def search_locally(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for _ in range(num_tries):
        candidate = w
        candidate += rng.normal(0.0, step_size, size=w.shape)
        loss = loss_fn(candidate)
        if loss < best:
            best = loss
        out.append(best)
    return w, np.array(out)
''', "nudged_in_place"),
        ('''
def search_locally(loss_fn, w0, num_tries, step_size, seed):
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for _ in range(num_tries):
        rng = np.random.default_rng(seed)
        candidate = w + rng.normal(0.0, step_size, size=w.shape)
        loss = loss_fn(candidate)
        if loss < best:
            w, best = candidate, loss
        out.append(best)
    return w, np.array(out)
''', "new_generator_each_try"),
        ('''
def search_locally(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for _ in range(num_tries):
        candidate = w + rng.normal(0.0, step_size, size=w.shape)
        loss = loss_fn(candidate)
        out.append(loss)
        if loss < best:
            w, best = candidate, loss
    return w, np.array(out)
''', "records_candidate_loss"),
        ('''
def search_locally(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for _ in range(num_tries):
        candidate = w + rng.normal(size=w.shape)
        loss = loss_fn(candidate)
        if loss < best:
            w, best = candidate, loss
        out.append(best)
    return w, np.array(out)
''', "step_size_ignored"),
        ('''
def search_locally(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for _ in range(num_tries):
        candidate = w + rng.normal(0.0, step_size ** 2, size=w.shape)
        loss = loss_fn(candidate)
        if loss < best:
            w, best = candidate, loss
        out.append(best)
    return w, np.array(out)
''', "step_size_as_variance"),
    ],
}
