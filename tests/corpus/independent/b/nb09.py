"""Independent answers for 09_gradient_descent, written from the exercise text only (authors: careful, beginner, terse, slides)."""
# ruff: noqa: E501
ENTRIES = [
    # ---------------- sgd_epochs ----------------
    {"id": "nb09-sgd_epochs-c01", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "careful", "correct": True, "mistake": "",
     "note": "copy of w0 first (step may work in place), range(0, N, batch_size) slices of each order",
     "source": r'''def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = np.array(w0, dtype=float, copy=True)  # step may change its argument: never hand it w0
    N = X.shape[0]
    losses = []
    for order in orders:
        for start in range(0, N, batch_size):
            batch = order[start:start + batch_size]
            loss, dw = loss_grad(w, X[batch], y[batch])
            losses.append(loss)
            w = step(w, dw)
    return w, np.array(losses)
'''},
    {"id": "nb09-sgd_epochs-c02", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "counts the batches with ceil, indexes with e and b",
     "source": r'''import math


def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = w0.copy()
    N = len(y)
    num_batches = math.ceil(N / batch_size)
    E = orders.shape[0]
    losses = np.zeros(E * num_batches)
    k = 0
    for e in range(E):
        for b in range(num_batches):
            idx = orders[e, b * batch_size:(b + 1) * batch_size]
            X_batch = X[idx]
            y_batch = y[idx]
            loss, dw = loss_grad(w, X_batch, y_batch)
            losses[k] = loss
            k = k + 1
            w = step(w, dw)
    return w, losses
'''},
    {"id": "nb09-sgd_epochs-c03", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "terse", "correct": True, "mistake": "",
     "note": "np.split at multiples of batch_size (last piece may be shorter); generator of batches",
     "source": r'''def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w, losses = np.copy(w0), []
    cuts = np.arange(batch_size, orders.shape[1], batch_size)
    for idx in (b for order in orders for b in np.split(order, cuts)):
        loss, dw = loss_grad(w, X[idx], y[idx])
        losses.append(loss)
        w = step(w, dw)
    return w, np.asarray(losses, dtype=float)
'''},
    {"id": "nb09-sgd_epochs-w01", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "terse", "correct": False,
     "mistake": "np.array_split(order, ceil(N / B)) makes nearly equal batches (e.g. 4, 3, 3 for N = 10, B = 4) instead of full batches of B and a smaller last one",
     "note": "array_split is the first hit for 'split into batches'",
     "source": r'''def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w, losses = np.copy(w0), []
    n_batches = int(np.ceil(orders.shape[1] / batch_size))
    for order in orders:
        for idx in np.array_split(order, n_batches):
            loss, dw = loss_grad(w, X[idx], y[idx])
            losses.append(loss)
            w = step(w, dw)
    return w, np.array(losses)
'''},
    {"id": "nb09-sgd_epochs-w02", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "beginner", "correct": False,
     "mistake": "N // batch_size batches per epoch: the last, smaller batch is dropped (and batch_size > N gives no step at all)",
     "note": "integer division is the reflex for 'how many batches'",
     "source": r'''def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = w0.copy()
    N = X.shape[0]
    losses = []
    for e in range(len(orders)):
        for b in range(N // batch_size):
            idx = orders[e][b * batch_size:(b + 1) * batch_size]
            loss, dw = loss_grad(w, X[idx], y[idx])
            losses.append(loss)
            w = step(w, dw)
    return w, np.array(losses)
'''},
    {"id": "nb09-sgd_epochs-w03", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "slides", "correct": False,
     "mistake": "w = w0 without a copy: a step that updates in place changes the caller's w0",
     "note": "the plain update w - lr * dw never mutates, so the alias goes unnoticed",
     "source": r'''def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = w0
    losses = []
    N = X.shape[0]
    for order in orders:
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            loss, dw = loss_grad(w, X[idx], y[idx])
            losses.append(loss)
            w = step(w, dw)
    return w, np.array(losses)
'''},
    {"id": "nb09-sgd_epochs-w04", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "careful", "correct": False,
     "mistake": "concatenates all epochs' orders and walks them in one stream: a batch can mix the end of one epoch with the start of the next",
     "note": "treats the epochs as one long sequence of examples",
     "source": r'''def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = np.array(w0, dtype=float)
    stream = np.asarray(orders).ravel()
    losses = []
    for start in range(0, stream.size, batch_size):
        idx = stream[start:start + batch_size]
        loss, dw = loss_grad(w, X[idx], y[idx])
        losses.append(loss)
        w = step(w, dw)
    return w, np.array(losses)
'''},
    {"id": "nb09-sgd_epochs-w05", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "beginner", "correct": False,
     "mistake": "ignores orders for the examples: batches are X[start:end] in the stored order, orders only used to count epochs",
     "note": "forgets to index through the permutation",
     "source": r'''def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = w0.copy()
    losses = []
    N = X.shape[0]
    for e in range(orders.shape[0]):
        for start in range(0, N, batch_size):
            loss, dw = loss_grad(w, X[start:start + batch_size], y[start:start + batch_size])
            losses.append(loss)
            w = step(w, dw)
    return w, np.array(losses)
'''},
    {"id": "nb09-sgd_epochs-w06", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "slides", "correct": False,
     "mistake": "treats step as returning the update, w = w - step(w, dw), instead of the next weights",
     "note": "reads 'step' as the step vector alpha * dw",
     "source": r'''def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = w0.copy()
    losses = []
    for order in orders:
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            loss, dw = loss_grad(w, X[idx], y[idx])
            losses.append(loss)
            w = w - step(w, dw)
    return w, np.array(losses)
'''},
    {"id": "nb09-sgd_epochs-w07", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "careful", "correct": False,
     "mistake": "returns one loss per epoch (the mean of its batches) instead of every batch's loss",
     "note": "the loss curves of the notebook are often drawn per epoch",
     "source": r'''def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = np.array(w0, dtype=float)
    N = X.shape[0]
    epoch_losses = []
    for order in orders:
        batch_losses = []
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            loss, dw = loss_grad(w, X[idx], y[idx])
            batch_losses.append(loss)
            w = step(w, dw)
        epoch_losses.append(np.mean(batch_losses))
    return w, np.array(epoch_losses)
'''},
    {"id": "nb09-sgd_epochs-w08", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "beginner", "correct": False,
     "mistake": "labels not shuffled with the images: X[idx] but y[start:end]",
     "note": "half-updated copy-paste of the unshuffled version",
     "source": r'''def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = w0.copy()
    N = X.shape[0]
    losses = []
    for order in orders:
        for start in range(0, N, batch_size):
            end = min(start + batch_size, N)
            idx = order[start:end]
            loss, dw = loss_grad(w, X[idx], y[start:end])
            losses.append(loss)
            w = step(w, dw)
    return w, np.array(losses)
'''},
    {"id": "nb09-sgd_epochs-w09", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "slides", "correct": False,
     "mistake": "draws its own shuffle each epoch (np.random.permutation) instead of using the given orders",
     "note": "the slide says 'sample a minibatch', so the student shuffles",
     "source": r'''def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = w0.copy()
    N = X.shape[0]
    losses = []
    for e in range(len(orders)):
        perm = np.random.permutation(N)
        for start in range(0, N, batch_size):
            idx = perm[start:start + batch_size]
            loss, dw = loss_grad(w, X[idx], y[idx])
            losses.append(loss)
            w = step(w, dw)
    return w, np.array(losses)
'''},
    {"id": "nb09-sgd_epochs-w10", "exercise": "sgd_epochs", "name": "sgd_epochs",
     "author": "careful", "correct": False,
     "mistake": "records the loss after the step (recomputes loss_grad at the new weights) instead of the loss taken before the step",
     "note": "wants the loss 'after training on the batch'",
     "source": r'''def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = np.array(w0, dtype=float)
    N = X.shape[0]
    losses = []
    for order in orders:
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            _, dw = loss_grad(w, X[idx], y[idx])
            w = step(w, dw)
            losses.append(loss_grad(w, X[idx], y[idx])[0])
    return w, np.array(losses)
'''},
    # ---------------- lr_regimes ----------------
    {"id": "nb09-lr_regimes-c01", "exercise": "lr_regimes", "name": "learning_rates",
     "author": "slides", "correct": True, "mistake": "",
     "note": "the trio the notebook itself uses (0.1 ends at 1.14 falling, 3 at 0.355, 30 climbs > 30-fold)",
     "source": r'''learning_rates = (0.1, 3.0, 30.0)
'''},
    {"id": "nb09-lr_regimes-c02", "exercise": "lr_regimes", "name": "learning_rates",
     "author": "careful", "correct": True, "mistake": "",
     "note": "smaller than 0.1 still falls at every step and ends higher (about 1.8); 3 is the notebook's good rate; 100 overflows or climbs far (re-simulated on scikit-learn's digits)",
     "source": r'''learning_rates = (0.03, 3.0, 100.0)  # too small, good, too large
'''},
    {"id": "nb09-lr_regimes-c03", "exercise": "lr_regimes", "name": "learning_rates",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "0.05 ends near 1.56, 3 good, 50 climbs about 50-fold (re-simulated on scikit-learn's digits)",
     "source": r'''too_small = 0.05
good = 3
too_large = 50
learning_rates = (too_small, good, too_large)
'''},
    {"id": "nb09-lr_regimes-w01", "exercise": "lr_regimes", "name": "learning_rates",
     "author": "terse", "correct": False,
     "mistake": "given from largest to smallest (too_large, good, too_small)",
     "note": "lists them in the order it found them",
     "source": r'''learning_rates = (30.0, 3.0, 0.1)
'''},
    {"id": "nb09-lr_regimes-w02", "exercise": "lr_regimes", "name": "learning_rates",
     "author": "slides", "correct": False,
     "mistake": "textbook-sized rates 1e-3, 1e-2, 1e-1: none is good (0.1 only reaches 1.14) and none is too large",
     "note": "uses the learning rates common in deep-learning code without running curves",
     "source": r'''learning_rates = (1e-3, 1e-2, 1e-1)
'''},
    {"id": "nb09-lr_regimes-w03", "exercise": "lr_regimes", "name": "learning_rates",
     "author": "beginner", "correct": False,
     "mistake": "too_small = 0: the loss never moves, so it does not fall at every step",
     "note": "'0 is certainly too small'",
     "source": r'''learning_rates = (0.0, 3.0, 30.0)
'''},
    {"id": "nb09-lr_regimes-w04", "exercise": "lr_regimes", "name": "learning_rates",
     "author": "careful", "correct": False,
     "mistake": "too_small = 1.0 is already fast enough to end below 1.0 after 100 steps (about 0.41 in my re-simulation), so it is not 'too small'",
     "note": "picks a rate just below good, thinking 'smaller than good' is enough",
     "source": r'''learning_rates = (1.0, 3.0, 30.0)
'''},
    {"id": "nb09-lr_regimes-w05", "exercise": "lr_regimes", "name": "learning_rates",
     "author": "terse", "correct": False,
     "mistake": "good = 0.3 does not get the loss down to 0.45 in 100 steps (0.1 only reaches 1.14)",
     "note": "tries the curves cell's default 0.3 and keeps it as 'good'",
     "source": r'''learning_rates = (0.1, 0.3, 30.0)
'''},
    {"id": "nb09-lr_regimes-w06", "exercise": "lr_regimes", "name": "learning_rates",
     "author": "beginner", "correct": False,
     "mistake": "answer as a list of strings copied from the printed labels, not numbers",
     "note": "copies from the legend",
     "source": r'''learning_rates = ("0.1", "3", "30")
'''},
    {"id": "nb09-lr_regimes-c04", "exercise": "lr_regimes", "name": "learning_rates",
     "author": "terse", "correct": True, "mistake": "",
     "note": "1.0 already ends near 0.41 in 100 full-batch steps; 10 climbs to over 4 times the start (re-simulated on scikit-learn's digits)",
     "source": r'''learning_rates = 0.1, 1.0, 10.0
'''},
    {"id": "nb09-lr_regimes-w07", "exercise": "lr_regimes", "name": "learning_rates",
     "author": "careful", "correct": False,
     "mistake": "too_large = 4: above the good rate and no longer falling at every step, but within 10 steps it only climbs to about 1.3 times the start, not twice",
     "note": "takes 'bumpy curve' for 'too large'",
     "source": r'''learning_rates = (0.1, 3.0, 4.0)
'''},
]
