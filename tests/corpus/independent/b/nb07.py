"""Independent answers for 07_finding_the_best_w, written from the exercise text only (authors: careful, beginner, terse, slides)."""
# ruff: noqa: E501
ENTRIES = [
    {"id": "nb07-local_search-c01", "exercise": "random_local_search", "name": "search_locally",
     "author": "careful", "correct": True, "mistake": "",
     "note": "float copy of w0, keeps the current loss, strict < test",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)  # a new float array: w0 stays as it was
    current = loss_fn(w)
    losses = np.empty(len(nudges))
    for k, nudge in enumerate(nudges):
        candidate = w + nudge
        candidate_loss = loss_fn(candidate)
        if candidate_loss < current:
            w, current = candidate, candidate_loss
        losses[k] = current
    return w, losses
'''},
    {"id": "nb07-local_search-c02", "exercise": "random_local_search", "name": "search_locally",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "index loop, list of losses converted at the end, astype copy",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    w = w0.astype(float)
    best_loss = loss_fn(w)
    losses = []
    T = nudges.shape[0]
    for k in range(T):
        w_try = w + nudges[k]
        loss_try = loss_fn(w_try)
        if loss_try < best_loss:
            w = w_try
            best_loss = loss_try
        losses.append(best_loss)
    return w, np.array(losses)
'''},
    {"id": "nb07-local_search-c03", "exercise": "random_local_search", "name": "search_locally",
     "author": "terse", "correct": True, "mistake": "",
     "note": "helper in the same cell; state as a (w, loss) pair",
     "source": r'''def _try(state, nudge, loss_fn):
    w, loss = state
    new = w + nudge
    new_loss = loss_fn(new)
    return (new, new_loss) if new_loss < loss else state


def search_locally(loss_fn, w0, nudges):
    state = (np.asarray(w0, dtype=np.float64).copy(), loss_fn(np.asarray(w0, dtype=np.float64)))
    losses = np.zeros(nudges.shape[0])
    for k in range(nudges.shape[0]):
        state = _try(state, nudges[k], loss_fn)
        losses[k] = state[1]
    return state[0], losses
'''},
    {"id": "nb07-local_search-w01", "exercise": "random_local_search", "name": "search_locally",
     "author": "beginner", "correct": False,
     "mistake": "works in place on w0 (w = w0; w += nudge, then w -= nudge to undo): w0 is changed, and an integer w0 cannot take the float nudges",
     "note": "in-place try-and-undo looks efficient",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    w = w0
    best = loss_fn(w)
    losses = np.zeros(len(nudges))
    for k in range(len(nudges)):
        w += nudges[k]
        new = loss_fn(w)
        if new < best:
            best = new
        else:
            w -= nudges[k]
        losses[k] = best
    return w, losses
'''},
    {"id": "nb07-local_search-w02", "exercise": "random_local_search", "name": "search_locally",
     "author": "terse", "correct": False,
     "mistake": "moves on a tie (<= instead of strictly lower)",
     "note": "'not worse' feels as good as 'better'",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    cur = loss_fn(w)
    losses = np.empty(len(nudges))
    for k, d in enumerate(nudges):
        if (l := loss_fn(w + d)) <= cur:
            w, cur = w + d, l
        losses[k] = cur
    return w, losses
'''},
    {"id": "nb07-local_search-w03", "exercise": "random_local_search", "name": "search_locally",
     "author": "slides", "correct": False,
     "mistake": "every nudge is tried from the start w0 instead of from the point you stand on",
     "note": "mixes up local search with random search around the start",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    start = np.array(w0, dtype=float)
    w = start.copy()
    best = loss_fn(w)
    losses = np.zeros(len(nudges))
    for k in range(len(nudges)):
        candidate = start + nudges[k]
        loss = loss_fn(candidate)
        if loss < best:
            w, best = candidate, loss
        losses[k] = best
    return w, losses
'''},
    {"id": "nb07-local_search-w04", "exercise": "random_local_search", "name": "search_locally",
     "author": "beginner", "correct": False,
     "mistake": "losses[k] records the loss of the tried point, not the loss where you stand after try k",
     "note": "logs every evaluation, as the random search plot did",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    best = loss_fn(w)
    losses = np.zeros(len(nudges))
    for k in range(len(nudges)):
        candidate = w + nudges[k]
        losses[k] = loss_fn(candidate)
        if losses[k] < best:
            w = candidate
            best = losses[k]
    return w, losses
'''},
    {"id": "nb07-local_search-w05", "exercise": "random_local_search", "name": "search_locally",
     "author": "careful", "correct": False,
     "mistake": "returns T + 1 losses: the starting loss is stored in front",
     "note": "a curve usually starts at step 0",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    losses = [loss_fn(w)]
    for nudge in nudges:
        candidate = w + nudge
        value = loss_fn(candidate)
        if value < losses[-1]:
            w = candidate
            losses.append(value)
        else:
            losses.append(losses[-1])
    return w, np.array(losses)
'''},
    {"id": "nb07-local_search-w06", "exercise": "random_local_search", "name": "search_locally",
     "author": "beginner", "correct": False,
     "mistake": "the loss to beat is never updated after a move: every nudge is compared with the starting loss",
     "note": "computes the reference loss once before the loop and forgets to refresh it",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    start_loss = loss_fn(w)
    losses = np.zeros(len(nudges))
    for k in range(len(nudges)):
        new_w = w + nudges[k]
        if loss_fn(new_w) < start_loss:
            w = new_w
        losses[k] = loss_fn(w)
    return w, losses
'''},
    {"id": "nb07-local_search-w07", "exercise": "random_local_search", "name": "search_locally",
     "author": "terse", "correct": False,
     "mistake": "w = w0.copy() keeps w0's integer dtype: when no nudge is taken the result is an int array, not float",
     "note": "copy() protects w0 but not the dtype the exercise asks for",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    w, cur = w0.copy(), loss_fn(w0)
    losses = np.empty(len(nudges))
    for k, d in enumerate(nudges):
        new = loss_fn(w + d)
        if new < cur:
            w, cur = w + d, new
        losses[k] = cur
    return w, losses
'''},
    {"id": "nb07-local_search-w08", "exercise": "random_local_search", "name": "search_locally",
     "author": "careful", "correct": False,
     "mistake": "returns w0 itself (not a new array) when no nudge was taken",
     "note": "only makes a new array when it moves",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    w = w0
    current = loss_fn(w0)
    losses = np.empty(nudges.shape[0])
    for k in range(nudges.shape[0]):
        trial = w + nudges[k]
        trial_loss = loss_fn(trial)
        if trial_loss < current:
            w, current = trial.astype(float), trial_loss
        losses[k] = current
    return w, losses
'''},
    {"id": "nb07-local_search-w09", "exercise": "random_local_search", "name": "search_locally",
     "author": "slides", "correct": False,
     "mistake": "keeps the best of the candidates but steps to the current point plus the nudge's sign times a fixed step, not the nudge itself",
     "note": "copies the slide's 'tiny step' idea and normalises the move",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    best = loss_fn(w)
    losses = np.zeros(len(nudges))
    step = 0.01
    for k in range(len(nudges)):
        w_try = w + step * np.sign(nudges[k])
        loss_try = loss_fn(w_try)
        if loss_try < best:
            w, best = w_try, loss_try
        losses[k] = best
    return w, losses
'''},
    {"id": "nb07-local_search-c04", "exercise": "random_local_search", "name": "search_locally",
     "author": "slides", "correct": True, "mistake": "",
     "note": "while loop with a counter, w0 + 0.0 makes a new float array, losses preallocated with np.full",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    w = w0 + 0.0
    here = loss_fn(w)
    T = len(nudges)
    losses = np.full(T, np.nan)
    k = 0
    while k < T:
        there = w + nudges[k]
        loss_there = loss_fn(there)
        if loss_there < here:  # strictly lower: a tie is no move
            w = there
            here = loss_there
        losses[k] = here
        k += 1
    return w, losses
'''},
    {"id": "nb07-local_search-w10", "exercise": "random_local_search", "name": "search_locally",
     "author": "beginner", "correct": False,
     "mistake": "stops at the first nudge that does not lower the loss (break), so fewer than T losses come back",
     "note": "thinks 'no improvement' means the search has converged",
     "source": r'''def search_locally(loss_fn, w0, nudges):
    w = np.array(w0, dtype=float)
    current = loss_fn(w)
    losses = []
    for nudge in nudges:
        new_loss = loss_fn(w + nudge)
        if new_loss < current:
            w = w + nudge
            current = new_loss
        else:
            break
        losses.append(current)
    return w, np.array(losses)
'''},
]
