"""Exercises of ``09_gradient_descent.ipynb``: the gradient descent loop, then minibatch SGD.

Gradient descent returns its whole path: row k is ``w`` after k steps (row 0 is ``w0``).
Minibatch SGD draws each batch with replacement as ``rng.integers(0, N, size=batch_size)``
from one generator ``np.random.default_rng(seed)``, records the minibatch loss *before*
each step, and returns ``(w, losses)``.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Fixture

FIXTURES = "course_lib.grading.exercises.fixtures"  # the trusted callables passed to answers


# --- exercise 1: gradient descent ---------------------------------------------------------

def gradient_descent_reference(grad_fn, w0, learning_rate, num_steps):
    """Path of plain gradient descent.

    Returns
    -------
    path : ndarray, shape (num_steps + 1, *w0.shape)
    """
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(num_steps):
        w = w - learning_rate * grad_fn(w)
        path.append(w)
    return np.stack(path)


def _gd_ascent(grad_fn, w0, learning_rate, num_steps):
    return gradient_descent_reference(lambda w: -grad_fn(w), w0, learning_rate, num_steps)


def _gd_no_start(grad_fn, w0, learning_rate, num_steps):
    return gradient_descent_reference(grad_fn, w0, learning_rate, num_steps)[1:]


def _gd_aliased(grad_fn, w0, learning_rate, num_steps):
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(num_steps):
        w -= learning_rate * grad_fn(w)
        path.append(w)
    return np.stack(path)


def _gd_one_step_too_many(grad_fn, w0, learning_rate, num_steps):
    return gradient_descent_reference(grad_fn, w0, learning_rate, num_steps + 1)[1:]


def _gd_extra_step(grad_fn, w0, learning_rate, num_steps):
    return gradient_descent_reference(grad_fn, w0, learning_rate, num_steps + 1)


GRADIENT_DESCENT = Exercise(
    id="gradient_descent_path",
    notebook="09_gradient_descent",
    answer="gradient_descent",
    points=2,
    title="The gradient descent loop",
    reference=gradient_descent_reference,
    public=(
        Case((Fixture(f"{FIXTURES}:elongated_bowl_grad"), np.array([-1.0, 3.0]), 0.1, 5), "a 2-D bowl, 5 steps"),
        Case((Fixture(f"{FIXTURES}:log_cosh_grad"), np.array([0.0, 5.0, -3.0]), 0.5, 20), "a curved slope, 20 steps"),
        Case((Fixture(f"{FIXTURES}:elongated_bowl_grad"), np.array([0.0, 0.0]), 0.25, 8),
             "learning rate too large for the steep direction"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((Fixture(f"{FIXTURES}:elongated_bowl_grad"), np.array([2.0, -2.0, 0.5, 4.0]), 0.05, 30), "4-D bowl"),
        Case((Fixture(f"{FIXTURES}:elongated_bowl_grad"), np.array([[1.5, -0.5], [0.0, 2.0]]), 0.1, 3),
             "a 2 x 2 matrix of weights"),
        Case((Fixture(f"{FIXTURES}:log_cosh_grad"), np.array([7.0]), 2.0, 1), "a single step"),
        Case((Fixture(f"{FIXTURES}:log_cosh_grad"), np.array([1.0, -1.0]), 0.3, 0), "no step at all"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("ascent", "The gradient points uphill: step against it, w = w - learning_rate * grad.", _gd_ascent),
        Mistake("no_start", "Row 0 of the path is the starting point w0 itself; the path has num_steps + 1 rows.",
                _gd_no_start),
        Mistake("aliased_rows", "`w -= ...` changes the array already stored in the path: write "
                "w = w - learning_rate * grad (a new array), or store a copy.", _gd_aliased),
        Mistake("one_step_too_many", "Take exactly num_steps steps and keep w0 as row 0.", _gd_one_step_too_many),
        Mistake("extra_step", "Your path has one row too many: num_steps steps give num_steps + 1 rows (w0 and "
                "one row after each step).", _gd_extra_step),
    ),
    output_names=("path",),
    forbidden=("LinearClassifier",),
)


# --- exercise 2: minibatch SGD --------------------------------------------------------

def minibatch_sgd_reference(loss_grad, w0, X, y, learning_rate, batch_size, num_iters, seed):
    """Minibatch SGD with batches drawn with replacement.

    Returns
    -------
    w : ndarray, shape of ``w0``
    losses : ndarray, shape (num_iters,)
        The minibatch loss before each step.
    """
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    losses = np.empty(num_iters)
    for it in range(num_iters):
        idx = rng.integers(0, X.shape[0], size=batch_size)
        losses[it], dw = loss_grad(w, X[idx], y[idx])
        w = w - learning_rate * dw
    return w, losses


def _sgd_without_replacement(loss_grad, w0, X, y, learning_rate, batch_size, num_iters, seed):
    rng = np.random.default_rng(seed)
    w, losses = np.array(w0, dtype=float), []
    for _ in range(num_iters):
        idx = rng.choice(X.shape[0], size=batch_size, replace=False)
        loss, dw = loss_grad(w, X[idx], y[idx])
        losses.append(loss)
        w = w - learning_rate * dw
    return w, np.array(losses)


def _sgd_full_batch(loss_grad, w0, X, y, learning_rate, batch_size, num_iters, seed):
    w, losses = np.array(w0, dtype=float), []
    for _ in range(num_iters):
        loss, dw = loss_grad(w, X, y)
        losses.append(loss)
        w = w - learning_rate * dw
    return w, np.array(losses)


def _sgd_loss_after_step(loss_grad, w0, X, y, learning_rate, batch_size, num_iters, seed):
    rng = np.random.default_rng(seed)
    w, losses = np.array(w0, dtype=float), []
    for _ in range(num_iters):
        idx = rng.integers(0, X.shape[0], size=batch_size)
        w = w - learning_rate * loss_grad(w, X[idx], y[idx])[1]
        losses.append(loss_grad(w, X[idx], y[idx])[0])
    return w, np.array(losses)


def _sgd_same_batch(loss_grad, w0, X, y, learning_rate, batch_size, num_iters, seed):
    w, losses = np.array(w0, dtype=float), []
    for _ in range(num_iters):
        idx = np.random.default_rng(seed).integers(0, X.shape[0], size=batch_size)
        loss, dw = loss_grad(w, X[idx], y[idx])
        losses.append(loss)
        w = w - learning_rate * dw
    return w, np.array(losses)


def _sgd_fixed_slice(loss_grad, w0, X, y, learning_rate, batch_size, num_iters, seed):
    w, losses = np.array(w0, dtype=float), []
    for _ in range(num_iters):
        loss, dw = loss_grad(w, X[:batch_size], y[:batch_size])
        losses.append(loss)
        w = w - learning_rate * dw
    return w, np.array(losses)


def _sgd_permutation_per_batch(loss_grad, w0, X, y, learning_rate, batch_size, num_iters, seed):
    rng = np.random.default_rng(seed)
    w, losses = np.array(w0, dtype=float), []
    for _ in range(num_iters):
        idx = rng.permutation(X.shape[0])[:batch_size]
        loss, dw = loss_grad(w, X[idx], y[idx])
        losses.append(loss)
        w = w - learning_rate * dw
    return w, np.array(losses)


def _sgd_one_too_many(loss_grad, w0, X, y, learning_rate, batch_size, num_iters, seed):
    return minibatch_sgd_reference(loss_grad, w0, X, y, learning_rate, batch_size, num_iters + 1, seed)


def _sgd_one_too_few(loss_grad, w0, X, y, learning_rate, batch_size, num_iters, seed):
    return minibatch_sgd_reference(loss_grad, w0, X, y, learning_rate, batch_size, num_iters - 1, seed)


def _sgd_ascent(loss_grad, w0, X, y, learning_rate, batch_size, num_iters, seed):
    return minibatch_sgd_reference(loss_grad, w0, X, y, -learning_rate, batch_size, num_iters, seed)


def _classification(n, d, c, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, c, size=n)
    X = rng.normal(size=(n, d))
    X[np.arange(n), y % d] += 1.5
    return np.zeros((d, c)), X, y


def _regression(n, d, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return np.zeros(d), X, X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)


SOFTMAX = Fixture(f"{FIXTURES}:softmax_objective_small_reg")
SQUARED = Fixture(f"{FIXTURES}:squared_error_objective")

MINIBATCH_SGD = Exercise(
    id="minibatch_sgd_loop",
    notebook="09_gradient_descent",
    answer="minibatch_sgd",
    points=3,
    title="The minibatch SGD loop",
    reference=minibatch_sgd_reference,
    public=(
        Case((SOFTMAX, *_classification(40, 5, 3, 1), 0.5, 8, 20, 0), "softmax, 40 examples, batches of 8"),
        Case((SQUARED, *_regression(30, 4, 2), 0.05, 5, 15, 3), "least squares, batches of 5"),
        Case((SOFTMAX, *_classification(64, 6, 4, 4), 1.0, 16, 10, 11), "softmax, 4 classes, batches of 16"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((SOFTMAX, *_classification(20, 3, 2, 5), 0.3, 20, 6, 5), "batch as large as the data set"),
        Case((SQUARED, *_regression(25, 2, 6), 0.02, 1, 40, 8), "batches of one example"),
        Case((SOFTMAX, *_classification(50, 4, 5, 7), 0.8, 10, 1, 2), "a single iteration"),
        Case((SQUARED, *_regression(100, 8, 9), 0.1, 32, 25, 42), "100 examples, batches of 32"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("without_replacement", "Draw each batch with replacement, idx = rng.integers(0, N, "
                "size=batch_size), so that your batches match the reference.", _sgd_without_replacement),
        Mistake("full_batch", "Each step uses only batch_size sampled examples, X[idx] and y[idx], not the whole "
                "data set.", _sgd_full_batch),
        Mistake("loss_after_step", "Record the minibatch loss computed before the step (the one that comes "
                "with the gradient).", _sgd_loss_after_step),
        Mistake("same_batch_every_step", "Create the generator once, before the loop: a new default_rng(seed) "
                "each step draws the same batch every time.", _sgd_same_batch),
        Mistake("ascent", "Step against the gradient: w = w - learning_rate * dw.", _sgd_ascent),
        Mistake("fixed_slice", "X[:batch_size] is the same first examples every step: draw a random batch "
                "each iteration with rng.integers.", _sgd_fixed_slice),
        Mistake("permutation_per_batch", "A fresh permutation for every batch draws without replacement and "
                "uses the generator differently: sample idx = rng.integers(0, N, size=batch_size).",
                _sgd_permutation_per_batch),
        Mistake("one_iteration_too_many", "Take exactly num_iters steps: `losses` has one entry per step "
                "(num_iters of them).", _sgd_one_too_many),
        Mistake("one_iteration_too_few", "Take exactly num_iters steps: `losses` has one entry per step "
                "(num_iters of them).", _sgd_one_too_few),
    ),
    output_names=("w", "losses"),
    forbidden=("LinearClassifier",),
)

EXERCISES = (GRADIENT_DESCENT, MINIBATCH_SGD)
