"""Exercises of ``09_gradient_descent.ipynb``: the epoch loop, and learning rates that show three regimes.

- ``sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders)`` (design 4.3, item 21): one loop for
  full-batch gradient descent (``batch_size >= N``) and minibatch SGD. Randomness enters as data: row e
  of ``orders`` is the order in which epoch e visits the examples; each epoch walks its row in
  consecutive batches (the last one may be smaller, a batch never mixes epochs), takes each batch's
  loss and gradient at the current ``w``, then ``w = step(w, dw)``. ``losses`` holds every batch's loss,
  ``E * ceil(N / batch_size)`` of them, as an array; ``w0`` is left unchanged. The reference is
  :func:`course_lib.optim.sgd_epochs`.
- ``lr_regimes`` (item 22): three learning rates, graded on what full-batch gradient descent with the
  student's own parts does with them (:func:`course_lib.grading.exercises.judges.learning_rate_regimes`).
"""

from __future__ import annotations

import numpy as np

from course_lib import optim
from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Fixture, NamedJudge

FIXTURES = "course_lib.grading.exercises.fixtures"  # the trusted callables passed to answers
CENTROID = Fixture(f"{FIXTURES}:centroid_loss")
LOG_COSH = Fixture(f"{FIXTURES}:log_cosh_objective")
HALF_STEP = Fixture(f"{FIXTURES}:plain_step_half")
IN_PLACE = Fixture(f"{FIXTURES}:step_in_place")


# --- exercise 1: the epoch loop -------------------------------------------------------------------

def sgd_epochs_reference(loss_grad, step, w0, X, y, batch_size, orders):
    """Minibatch gradient descent by epochs (course_lib's :func:`~course_lib.optim.sgd_epochs`).

    Returns
    -------
    w : ndarray, shape of ``w0``
    losses : ndarray, shape (E * ceil(N / batch_size),)
    """
    return optim.sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders)


def _batches(order, batch_size):
    return [order[start:start + batch_size] for start in range(0, len(order), batch_size)]


def _loop(loss_grad, step, w0, X, y, batch_lists, after_step=False):
    """The loop over given batches (lists of index arrays), the loss recorded before (or after) the step."""
    w, losses = np.array(w0, dtype=float), []
    for batch in batch_lists:
        loss, dw = loss_grad(w, X[batch], y[batch])
        w = step(w, dw)
        losses.append(loss_grad(w, X[batch], y[batch])[0] if after_step else loss)
    return w, np.array(losses, dtype=float)


def _mixes_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    # one long stream of examples cut into batches: a batch may hold the end of one epoch and the start of the next
    return _loop(loss_grad, step, w0, X, y, _batches(np.asarray(orders).ravel(), batch_size))


def _drops_last_batch(loss_grad, step, w0, X, y, batch_size, orders):
    last_start = len(y) - batch_size + 1
    batches = [order[start:start + batch_size] for order in orders for start in range(0, last_start, batch_size)]
    return _loop(loss_grad, step, w0, X, y, batches)


def _loss_after_step(loss_grad, step, w0, X, y, batch_size, orders):
    return _loop(loss_grad, step, w0, X, y, [b for order in orders for b in _batches(order, batch_size)],
                 after_step=True)


def _ignores_orders(loss_grad, step, w0, X, y, batch_size, orders):
    n = len(y)
    return _loop(loss_grad, step, w0, X, y, [b for _ in orders for b in _batches(np.arange(n), batch_size)])


def _labels_in_stored_order(loss_grad, step, w0, X, y, batch_size, orders):
    """X[batch] with y[start:end]: the examples follow the order, their labels stay in the stored order."""
    w, losses = np.array(w0, dtype=float), []
    for order in orders:
        for start in range(0, len(order), batch_size):
            batch = np.asarray(order[start:start + batch_size])
            loss, dw = loss_grad(w, X[batch], y[start:start + len(batch)])
            losses.append(loss)
            w = step(w, dw)
    return w, np.array(losses, dtype=float)


def _first_order_every_epoch(loss_grad, step, w0, X, y, batch_size, orders):
    return _loop(loss_grad, step, w0, X, y, [b for _ in orders for b in _batches(orders[0], batch_size)])


def _balanced_batches(loss_grad, step, w0, X, y, batch_size, orders):
    # np.array_split(order, ceil(N / B)) spreads the examples evenly: batches of 3, 2, 2 instead of 3, 3, 1
    count = -(-len(y) // batch_size)
    return _loop(loss_grad, step, w0, X, y, [b for order in orders for b in np.array_split(order, count)])


def _one_step_per_epoch(loss_grad, step, w0, X, y, batch_size, orders):
    return _loop(loss_grad, step, w0, X, y, [np.asarray(order) for order in orders])


def _subtracts_the_step(loss_grad, step, w0, X, y, batch_size, orders):
    # reads step(w, dw) as "the amount to move" and subtracts it
    w, losses = np.array(w0, dtype=float), []
    for order in orders:
        for batch in _batches(order, batch_size):
            loss, dw = loss_grad(w, X[batch], y[batch])
            losses.append(loss)
            w = w - step(w.copy(), dw)
    return w, np.array(losses, dtype=float)


def _epoch_means(loss_grad, step, w0, X, y, batch_size, orders):
    w, losses = np.array(w0, dtype=float), []
    for order in orders:
        w, epoch = _loop(loss_grad, step, w, X, y, _batches(order, batch_size))
        losses.append(epoch.mean())
    return w, np.array(losses)


def _numbered(n, d, seed):
    """``n`` examples in ``d`` dimensions whose rows differ, labels 0..2, a start ``w0`` (d,)."""
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(n, d)) + np.arange(n)[:, None] * 0.5, 2)
    return np.round(rng.normal(size=d), 1), X, rng.integers(0, 3, size=n)


def _classes(n, d, c, seed):
    """A small classification problem for the log-cosh objective: ``(W0 = 0 (d, c), X (n, d), y (n,))``."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, c, size=n)
    X = rng.normal(size=(n, d))
    X[np.arange(n), y % d] += 1.5
    return np.zeros((d, c)), X, y


_ORDERS_7x2 = np.array([[3, 0, 5, 6, 1, 4, 2], [1, 6, 2, 0, 4, 5, 3]])

SGD_EPOCHS = Exercise(
    id="sgd_epochs",
    notebook="09_gradient_descent",
    answer="sgd_epochs",
    points=4,
    title="The epoch loop: full-batch gradient descent and minibatch SGD in one function",
    reference=sgd_epochs_reference,
    public=(
        Case((CENTROID, HALF_STEP, *_numbered(7, 2, 1), 3, _ORDERS_7x2),
             "7 examples in batches of 3, 2 epochs: each epoch's last batch holds 1 example"),
        Case((LOG_COSH, HALF_STEP, *_classes(40, 5, 3, 2), 8, optim.epoch_orders(40, 3, 1)),
             "a classification objective, 40 examples in batches of 8, 3 shuffled epochs"),
        Case((LOG_COSH, HALF_STEP, *_classes(12, 3, 2, 3), 20, optim.epoch_orders(12, 4, 2)),
             "batch_size 20 >= N = 12: one full-batch gradient step per epoch"),
        Case((CENTROID, IN_PLACE, *_numbered(5, 3, 4), 2, optim.epoch_orders(5, 3, 3)),
             "a step that changes its argument in place (w0 must stay as it was)"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((CENTROID, HALF_STEP, *_numbered(6, 2, 5), 1, optim.epoch_orders(6, 2, 4)),
             "batches of one example"),
        Case((LOG_COSH, HALF_STEP, *_classes(15, 4, 3, 6), 15, optim.epoch_orders(15, 5, 5)),
             "batch_size = N exactly: 5 full-batch steps"),
        Case((CENTROID, HALF_STEP, *_numbered(10, 2, 7), 4, np.tile(np.arange(10), (3, 1))),
             "the same unshuffled order in every epoch"),
        Case((CENTROID, HALF_STEP, *_numbered(4, 2, 8), 3, np.empty((0, 4), dtype=np.int64)),
             "no epoch at all: w0's values and no loss"),
        Case((LOG_COSH, IN_PLACE, np.random.default_rng(9).normal(size=(4, 3)), *_classes(25, 4, 3, 9)[1:], 7,
              optim.epoch_orders(25, 2, 9)),
             "a (4, 3) weight matrix, a step in place, 25 examples in batches of 7"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("mixes_epochs", "A batch never mixes two epochs: each epoch starts its batches at the start of its "
                "own row of `orders`, and its last batch may be smaller than batch_size.", _mixes_epochs),
        Mistake("drops_last_batch", "Each epoch visits every example: when N is not a multiple of batch_size, the "
                "last batch of the epoch holds the examples left over (it is smaller, not skipped).",
                _drops_last_batch),
        Mistake("loss_after_step", "Record each batch's loss at the w where its gradient is taken, before the "
                "step moves w.", _loss_after_step),
        Mistake("ignores_orders", "Visit the examples in the order each row of `orders` gives: a batch is a run "
                "of consecutive entries of that row, and X and y are indexed with those entries.", _ignores_orders),
        Mistake("labels_in_stored_order", "Index the labels with the same entries as the examples, y[batch] with "
                "X[batch]: otherwise each example of the batch is paired with another example's label.",
                _labels_in_stored_order),
        Mistake("first_order_every_epoch", "Epoch e follows row e of `orders`: every epoch has its own order.",
                _first_order_every_epoch),
        Mistake("balanced_batches", "Every batch of an epoch holds exactly batch_size examples except the last, "
                "which holds what is left: spreading the examples evenly over the batches gives other batches.",
                _balanced_batches),
        Mistake("one_step_per_epoch", "Take one step per batch of batch_size examples, not one per epoch.",
                _one_step_per_epoch),
        Mistake("subtracts_the_step", "step(w, dw) returns the *next* w, not the amount to subtract: the "
                "learning rate and the update rule live inside it.", _subtracts_the_step),
        Mistake("epoch_means", "`losses` holds every batch's loss, one per step, not one number per epoch.",
                _epoch_means),
    ),
    output_names=("w", "losses"),
    forbidden=("LinearClassifier",),
)


# --- exercise 2: three learning rates, three regimes (outcome judge) --------------------------------

# the judge's parameters (design 4.3, item 22): 100 full-batch steps on the digits softmax objective with
# lambda = 1e-3 from W = 0; too small falls at every step and ends >= 1.0; good ends <= 0.45; too large climbs to
# twice the starting loss within 10 steps (or overflows). A too-large run is chaotic after its first steps (two
# correct implementations end far apart), so only its first 10 steps are measured.
REGIMES = (100, 1e-3, 1.0, 0.45, 10, 2.0)


def _regimes_example():
    return (0.1, 3.0, 30.0)  # the trio the notebook reveals after the check (its printed curves)


LR_REGIMES = Exercise(
    id="lr_regimes",
    notebook="09_gradient_descent",
    answer="learning_rates",
    points=2,
    kind="value",
    title="Three learning rates that show too small, good and too large",
    reference=_regimes_example,
    public=(Case(REGIMES, "100 full-batch steps on the digits with your sgd_epochs"),),
    judge=NamedJudge("course_lib.grading.exercises.judges:learning_rate_regimes"),
    output_names=("too_small", "good", "too_large"),
)

EXERCISES = (SGD_EPOCHS, LR_REGIMES)
