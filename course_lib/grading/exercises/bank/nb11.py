"""Exercises of ``11_capstone_digits.ipynb``: the training loop, then the learning-rate x
lambda search.

- ``train_epochs(loss_grad, step, w0, X, y, X_val, y_val, batch_size, num_epochs, seed)``: one
  generator ``np.random.default_rng(seed)``; each epoch draws one permutation of the N training
  examples, ``order = rng.permutation(N)``, and walks through it in consecutive batches
  ``order[k:k + batch_size]`` (the last one may be smaller), stepping ``w = step(w, dw)`` after
  each. After every epoch it records the plain mean of that epoch's minibatch losses and the
  accuracies ``mean(argmax(X @ w, axis=1) == y)`` on the training and validation sets.
- ``grid_search(train_fn, learning_rates, regs)`` calls ``train_fn(lr, reg)`` (which trains a
  model and returns its validation accuracy) for every pair, learning rates in the outer loop;
  it returns the (L, R) grid of accuracies and the best pair. Ties go to the first pair in
  that loop order (what ``np.argmax`` on the grid gives).
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Fixture

FIXTURES = "course_lib.grading.exercises.fixtures"  # the trusted callables passed to answers


# --- exercise 1: the training loop -------------------------------------------------------

def _accuracy(w, X, y):
    return float(np.mean(np.argmax(X @ w, axis=1) == y))


def _train(loss_grad, step, w0, X, y, X_val, y_val, batch_size, num_epochs, seed, *, order_of=None,
           batches_of=None, epoch_loss_of=None, val_first=False, val_on_train=False, rng_per_epoch=False):
    """The reference loop, with hooks that plant one classic mistake at a time."""
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    n = X.shape[0]
    losses, train_acc, val_acc = np.empty(num_epochs), np.empty(num_epochs), np.empty(num_epochs)
    fixed_order = order_of(rng, n, None) if order_of is not None and order_of.__name__ == "once" else None
    for epoch in range(num_epochs):
        if rng_per_epoch:
            rng = np.random.default_rng(seed)
        if val_first:
            val_acc[epoch] = _accuracy(w, X_val, y_val)
        order = fixed_order if fixed_order is not None else (
            order_of(rng, n, epoch) if order_of is not None else rng.permutation(n))
        batches = batches_of(rng, order, batch_size) if batches_of is not None else [
            order[k:k + batch_size] for k in range(0, n, batch_size)]
        batch_losses, sizes = [], []
        for idx in batches:
            loss, dw = loss_grad(w, X[idx], y[idx])
            batch_losses.append(loss)
            sizes.append(len(idx))
            w = step(w, dw)
        losses[epoch] = (epoch_loss_of or (lambda b, s: np.mean(b)))(np.array(batch_losses), np.array(sizes))
        train_acc[epoch] = _accuracy(w, X, y)
        if not val_first:
            val_acc[epoch] = _accuracy(w, X if val_on_train else X_val, y if val_on_train else y_val)
    return w, losses, train_acc, val_acc


def train_epochs_reference(loss_grad, step, w0, X, y, X_val, y_val, batch_size, num_epochs, seed):
    """Minibatch training by epochs, shuffling once per epoch, with validation tracking.

    Parameters
    ----------
    loss_grad : callable
        ``loss_grad(w, X_batch, y_batch) -> (loss, dw)``.
    step : callable
        ``step(w, dw) -> next_w``, the update rule.
    w0 : ndarray, shape (D, C)
        Starting weights (left unchanged).
    X, y : ndarray, shapes (N, D) and (N,)
        Training set.
    X_val, y_val : ndarray, shapes (M, D) and (M,)
        Validation set.
    batch_size : int >= 1
    num_epochs : int >= 1
    seed : int

    Returns
    -------
    w : ndarray, shape (D, C)
    epoch_loss, train_acc, val_acc : ndarray, shape (num_epochs,)
    """
    return _train(loss_grad, step, w0, X, y, X_val, y_val, batch_size, num_epochs, seed)


def _mistake(**hooks):
    def wrong(loss_grad, step, w0, X, y, X_val, y_val, batch_size, num_epochs, seed):
        return _train(loss_grad, step, w0, X, y, X_val, y_val, batch_size, num_epochs, seed, **hooks)
    return wrong


def _no_shuffle(rng, n, epoch):
    return np.arange(n)


def once(rng, n, epoch):  # named "once": the order is drawn before the first epoch only
    return rng.permutation(n)


def _permutation_per_batch(rng, order, batch_size):
    n = len(order)
    return [rng.permutation(n)[:min(batch_size, n - k)] for k in range(0, n, batch_size)]


def _with_replacement(rng, order, batch_size):
    n = len(order)
    return [rng.integers(0, n, size=batch_size) for _ in range(0, n, batch_size)]


def _drop_last(rng, order, batch_size):
    n = len(order)
    return [order[k:k + batch_size] for k in range(0, n - batch_size + 1, batch_size)]


def _fixed_first_batch(rng, order, batch_size):
    n = len(order)
    return [order[:batch_size] for _ in range(0, n, batch_size)]


def _last_batch_loss(batch_losses, sizes):
    return batch_losses[-1]


def _weighted_loss(batch_losses, sizes):
    return float(np.sum(batch_losses * sizes) / np.sum(sizes))


def _summed_loss(batch_losses, sizes):
    return float(np.sum(batch_losses))


def _classification(n, d, c, seed, n_val=15):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, c, size=n + n_val)
    X = rng.normal(size=(n + n_val, d))
    X[np.arange(n + n_val), y % d] += 2.5
    return np.zeros((d, c)), X[:n], y[:n], X[n:], y[n:]


SOFTMAX = Fixture(f"{FIXTURES}:softmax_objective_small_reg")
HALF = Fixture(f"{FIXTURES}:plain_step_half")
TWO = Fixture(f"{FIXTURES}:plain_step_two")

TRAIN_EPOCHS = Exercise(
    id="train_epochs",
    notebook="11_capstone_digits",
    answer="train_epochs",
    points=4,
    title="The training loop: epochs, one shuffle per epoch, validation tracking",
    reference=train_epochs_reference,
    public=(
        Case((SOFTMAX, HALF, *_classification(40, 4, 3, 1), 8, 3, 0), "40 examples in batches of 8, 3 epochs"),
        Case((SOFTMAX, HALF, *_classification(45, 5, 4, 2), 10, 4, 7),
             "45 examples in batches of 10: the last batch of each epoch has 5"),
        Case((SOFTMAX, TWO, *_classification(30, 3, 3, 3, n_val=12), 7, 2, 11), "a large step, batches of 7"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((SOFTMAX, HALF, *_classification(20, 3, 2, 4), 20, 3, 5), "one batch per epoch (batch = N)"),
        Case((SOFTMAX, HALF, *_classification(12, 3, 3, 5), 1, 2, 8), "batches of one example"),
        Case((SOFTMAX, TWO, *_classification(50, 6, 5, 6), 16, 1, 9), "a single epoch, last batch of 2"),
        Case((SOFTMAX, HALF, *_classification(33, 4, 3, 7, n_val=20), 5, 5, 42), "5 epochs, batches of 5"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("no_shuffle", "Shuffle the examples at the start of every epoch (rng.permutation(N)): walking "
                "through them in their stored order gives every epoch the same batches.",
                _mistake(order_of=_no_shuffle)),
        Mistake("same_order_every_epoch", "Every epoch walks through the examples in the same order: draw a new "
                "permutation at the start of *every* epoch, from one generator created before the epochs.",
                _mistake(order_of=once)),
        Mistake("permutation_per_batch", "One permutation per epoch, cut into consecutive batches: a fresh "
                "permutation for every batch can repeat some examples and skip others within an epoch.",
                _mistake(batches_of=_permutation_per_batch)),
        Mistake("with_replacement", "An epoch visits every example exactly once: take consecutive slices of "
                "one permutation instead of sampling with replacement.", _mistake(batches_of=_with_replacement)),
        Mistake("drops_last_batch", "Keep the last, smaller batch of each epoch (when batch_size does not divide "
                "N): an epoch must visit every example.", _mistake(batches_of=_drop_last)),
        Mistake("same_batch", "Move on through the permutation: batch k is order[k * batch_size:(k + 1) * "
                "batch_size], not always the first slice.", _mistake(batches_of=_fixed_first_batch)),
        Mistake("last_batch_loss", "Record the mean of all the epoch's minibatch losses, not only the last one.",
                _mistake(epoch_loss_of=_last_batch_loss)),
        Mistake("weighted_epoch_loss", "Record the plain mean of the epoch's minibatch losses (one number per "
                "batch), as the exercise asks.", _mistake(epoch_loss_of=_weighted_loss)),
        Mistake("summed_epoch_loss", "Average the epoch's minibatch losses: their sum grows with the number of "
                "batches.", _mistake(epoch_loss_of=_summed_loss)),
        Mistake("val_before_epoch", "Measure the accuracies after each epoch's steps, so that entry k describes "
                "the weights after k + 1 epochs.", _mistake(val_first=True)),
        Mistake("val_on_training_set", "Validation accuracy is measured on X_val, y_val: data the steps never "
                "saw.", _mistake(val_on_train=True)),
    ),
    output_names=("w", "epoch_loss", "train_acc", "val_acc"),
    rtol=1e-6,
    atol=1e-8,
    forbidden=("LinearClassifier",),
)


# --- exercise 2: grid search -------------------------------------------------------------

def grid_search_reference(train_fn, learning_rates, regs):
    """Validation accuracy over the grid, and the best pair.

    Returns
    -------
    val_acc : ndarray, shape (L, R)
        ``val_acc[i, j] = train_fn(learning_rates[i], regs[j])``.
    best_lr, best_reg : float
    """
    val_acc = np.array([[train_fn(lr, reg) for reg in regs] for lr in learning_rates], dtype=float)
    i, j = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, float(learning_rates[i]), float(regs[j])


def _grid_transposed(train_fn, learning_rates, regs):
    val_acc = np.array([[train_fn(lr, reg) for lr in learning_rates] for reg in regs], dtype=float)
    j, i = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, float(learning_rates[i]), float(regs[j])


def _grid_argmin(train_fn, learning_rates, regs):
    val_acc = np.array([[train_fn(lr, reg) for reg in regs] for lr in learning_rates], dtype=float)
    i, j = np.unravel_index(np.argmin(val_acc), val_acc.shape)
    return val_acc, float(learning_rates[i]), float(regs[j])


def _grid_swapped_pair(train_fn, learning_rates, regs):
    val_acc, best_lr, best_reg = grid_search_reference(train_fn, learning_rates, regs)
    return val_acc, best_reg, best_lr


def _grid_last_tie(train_fn, learning_rates, regs):
    val_acc = np.array([[train_fn(lr, reg) for reg in regs] for lr in learning_rates], dtype=float)
    flat = val_acc.size - 1 - np.argmax(val_acc.ravel()[::-1])
    i, j = np.unravel_index(flat, val_acc.shape)
    return val_acc, float(learning_rates[i]), float(regs[j])


def _grid_index_pair(train_fn, learning_rates, regs):
    val_acc = np.array([[train_fn(lr, reg) for reg in regs] for lr in learning_rates], dtype=float)
    i, j = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, float(i), float(j)


def _grid_swapped_arguments(train_fn, learning_rates, regs):
    val_acc = np.array([[train_fn(reg, lr) for reg in regs] for lr in learning_rates], dtype=float)
    i, j = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, float(learning_rates[i]), float(regs[j])


SMOOTH = Fixture(f"{FIXTURES}:smooth_validation_accuracy")
PLATEAU = Fixture(f"{FIXTURES}:plateau_validation_accuracy")
SKEWED = Fixture(f"{FIXTURES}:skewed_validation_accuracy")

GRID_SEARCH = Exercise(
    id="grid_search",
    notebook="11_capstone_digits",
    answer="grid_search",
    points=2,
    title="Grid search over learning rate and regularization",
    reference=grid_search_reference,
    public=(
        Case((SMOOTH, np.array([1e-3, 1e-2, 1e-1]), np.array([1e-5, 1e-4, 1e-3, 1e-2])),
             "3 learning rates x 4 strengths, best inside the grid"),
        Case((SKEWED, np.array([1e-3, 3e-3, 1e-2, 3e-2, 1e-1]), np.array([1e-4, 1e-2])),
             "5 x 2 grid, best in a corner"),
        Case((PLATEAU, np.array([1e-3, 1e-2, 1e-1]), np.array([1e-4, 1e-3, 1e-2])),
             "ties: keep the first best pair"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((SMOOTH, np.array([0.03]), np.array([1e-4])), "a single pair"),
        Case((SMOOTH, np.array([1e-4, 1e-3, 1e-2, 1e-1, 1.0]), np.array([1e-3])), "one regularization strength"),
        Case((PLATEAU, np.array([3e-3, 1e-2, 3e-2, 1e-1]), np.array([1e-5, 1e-4, 1e-3, 1e-2, 1e-1])),
             "4 x 5 grid with ties"),
        Case((SKEWED, np.array([1e-2, 1e-3]), np.array([1e-1, 1e-3, 1e-5])), "values not in increasing order"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("transposed", "Row i of the grid is learning_rates[i] and column j is regs[j]: the grid has "
                "shape (len(learning_rates), len(regs)).", _grid_transposed),
        Mistake("argmin", "The best pair has the *highest* validation accuracy.", _grid_argmin),
        Mistake("swapped_pair", "Return the best learning rate first, then the best regularization strength.",
                _grid_swapped_pair),
        Mistake("last_tie", "On a tie keep the first best pair (learning rates in the outer loop): use a strict "
                "> when comparing, or np.argmax.", _grid_last_tie),
        Mistake("swapped_arguments", "Call train_fn(learning_rate, reg), in that order: the learning rate is "
                "the first argument.", _grid_swapped_arguments),
        Mistake("indices", "Return the best values themselves, learning_rates[i] and regs[j], not their "
                "positions.", _grid_index_pair),
    ),
    output_names=("val_acc", "best_lr", "best_reg"),
    forbidden=("LinearClassifier",),
)


EXERCISES = (TRAIN_EPOCHS, GRID_SEARCH)
