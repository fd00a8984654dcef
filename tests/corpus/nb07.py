# ruff: noqa: E501 (answer sources and their edits are kept on one line each)
"""Wrong and unusual-but-correct answers for notebook 07's exercises (hint corpus, issue 12).

``CORRECT[exercise_id]``: answer-cell sources that must pass; ``WRONG[exercise_id]``: pairs of
(answer-cell source, the ``Mistake.name`` its check must name, or ``"generic:<kind>"``).
"""

CORRECT = {
    "random_local_search": [
        '''
def search_locally(loss_fn, w0, nudges):
    w = w0.astype(float)          # astype copies
    here = loss_fn(w)
    history = []
    for step in nudges:
        proposal = w + step
        value = loss_fn(proposal)
        if value < here:
            w, here = proposal, value
        history.append(here)
    return w, np.asarray(history)
''',
        '''
def search_locally(loss_fn, w0, nudges):
    # index-based, losses filled in place
    current = np.array(w0, dtype=np.float64, copy=True)
    best = float(loss_fn(current))
    losses = np.zeros(nudges.shape[0])
    for k in range(nudges.shape[0]):
        trial = current.copy()
        trial += nudges[k]
        trial_loss = loss_fn(trial)
        if trial_loss < best:
            current, best = trial, trial_loss
        losses[k] = best
    return current, losses
''',
    ],
}

WRONG = {
    "random_local_search": [
        ('''
def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for nudge in nudges:
        candidate = np.array(w0, dtype=float) + nudge
        loss = loss_fn(candidate)
        if loss < best:
            w, best = candidate, loss
        out.append(best)
    return w, np.array(out)
''', "nudges_the_start"),
        ('''
def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    out = []
    for nudge in nudges:
        w = w + nudge
        out.append(loss_fn(w))
    return w, np.array(out)
''', "accepts_every_nudge"),
        ('''
def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for nudge in nudges:
        loss = loss_fn(w + nudge)
        if loss > best:
            w, best = w + nudge, loss
        out.append(best)
    return w, np.array(out)
''', "keeps_worse"),
        ('''
def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for nudge in nudges:
        loss = loss_fn(w + nudge)
        if loss <= best:
            w, best = w + nudge, loss
        out.append(best)
    return w, np.array(out)
''', "accepts_ties"),
        ('''
def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for nudge in nudges:
        candidate = w
        candidate += nudge
        loss = loss_fn(candidate)
        if loss < best:
            best = loss
        out.append(best)
    return w, np.array(out)
''', "nudged_in_place"),
        ('''
def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for nudge in nudges:
        candidate = w + nudge
        loss = loss_fn(candidate)
        out.append(loss)
        if loss < best:
            w, best = candidate, loss
    return w, np.array(out)
''', "records_candidate_loss"),
        ('''
def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for nudge in nudges:
        out.append(best)
        candidate = w + nudge
        loss = loss_fn(candidate)
        if loss < best:
            w, best = candidate, loss
    return w, np.array(out)
''', "records_loss_before_try"),
        ('''
def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    start_loss = loss_fn(w)
    out = []
    for nudge in nudges:
        if loss_fn(w + nudge) < start_loss:
            w = w + nudge
        out.append(loss_fn(w))
    return w, np.array(out)
''', "compares_with_the_start"),
        ('''
def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), [loss_fn(w)]
    for nudge in nudges:
        candidate = w + nudge
        loss = loss_fn(candidate)
        if loss < best:
            w, best = candidate, loss
        out.append(best)
    return w, np.array(out)
''', "generic:length"),
        ('''
def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), []
    for nudge in nudges:
        candidate = w + nudge
        loss = loss_fn(candidate)
        if loss < best:
            w, best = candidate, loss
        out.append(best)
    return w, out
''', "generic:container"),
    ],
}
