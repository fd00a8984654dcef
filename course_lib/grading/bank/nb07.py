"""Exercises of ``07_finding_the_best_w.ipynb``: the closed form of regularized least squares
(Idea #1) and random search (Idea #2).

Least squares objective: ``g(w) = (1/N) sum_i (x_i . w - t_i)^2 + reg * sum(w^2)``, whose
gradient vanishes where ``(X^T X + N reg I) w = X^T t``.
Random search: one generator ``np.random.default_rng(seed)``, each try drawn as
``rng.normal(0.0, scale, size=shape)``; the first best try wins (strict ``<``).
"""

from __future__ import annotations

import numpy as np

from ...optim import random_search
from ..spec import Case, Exercise, Fixture, Mistake

FIXTURES = "course_lib.grading.fixtures"  # the losses passed to random search


# --- exercise 1: the normal equations ----------------------------------------------------

def ridge_reference(X, t, reg):
    """Minimiser of ``mean((X @ w - t)^2) + reg * sum(w^2)``: solves ``(X^T X + N reg I) w = X^T t``.

    Parameters
    ----------
    X : ndarray, shape (N, D)
    t : ndarray, shape (N,)
    reg : float >= 0

    Returns
    -------
    w : ndarray, shape (D,)
    """
    n, d = X.shape
    return np.linalg.solve(X.T @ X + n * reg * np.eye(d), X.T @ t)


def _ridge_reg_not_scaled(X, t, reg):
    return np.linalg.solve(X.T @ X + reg * np.eye(X.shape[1]), X.T @ t)


def _ridge_no_reg(X, t, reg):
    return np.linalg.lstsq(X, t, rcond=None)[0]


def _ridge_half_reg(X, t, reg):
    n, d = X.shape
    return np.linalg.solve(X.T @ X + 0.5 * n * reg * np.eye(d), X.T @ t)


def _regression(n, d, seed, noise=0.3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    t = X @ rng.normal(size=d) + noise * rng.normal(size=n)
    return X, t


_LINE_X = np.column_stack([np.linspace(0.0, 4.0, 5), np.ones(5)])  # a slope and an intercept
_LINE_T = np.array([1.1, 2.9, 5.2, 6.8, 9.1])

RIDGE = Exercise(
    id="ridge_closed_form",
    notebook="07_finding_the_best_w",
    answer="ridge_weights",
    points=2,
    title="Idea #1: the closed form of regularized least squares",
    reference=ridge_reference,
    public=(
        Case((_LINE_X, _LINE_T, 0.0), "a line through five points, no regularization"),
        Case((*_regression(30, 3, 1), 0.1), "30 examples, 3 features, reg = 0.1"),
        Case((*_regression(12, 4, 2), 2.0), "strong regularization, reg = 2"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((*_regression(4, 4, 3), 0.05), "as many examples as features"),
        Case((*_regression(3, 6, 4), 0.5), "fewer examples than features (only the penalty makes it unique)"),
        Case((*_regression(50, 1, 5), 0.3), "one feature"),
        Case((*_regression(8, 2, 6), 1e3), "huge reg: w close to 0"),
        Case((*_regression(1, 3, 7), 0.2), "a single example"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("reg_not_scaled_by_N", "The data term is a mean over N examples: multiplying the gradient "
                "equation by N turns reg * I into N * reg * I.", _ridge_reg_not_scaled),
        Mistake("reg_ignored", "Include the penalty: its gradient 2 * reg * w adds N * reg * I to X^T X.",
                _ridge_no_reg),
        Mistake("reg_halved", "The gradient of reg * sum(w^2) is 2 * reg * w, the same factor 2 as the data "
                "term: the two 2s cancel and leave N * reg * I.", _ridge_half_reg),
    ),
    output_names=("w",),
    rtol=1e-6,
    atol=1e-8,
    forbidden=(),
)


# --- exercise 2: random search --------------------------------------------------------

def random_search_reference(loss_fn, shape, num_tries, scale, seed):
    """``(best_w, best_loss, losses)`` of ``course_lib.optim.random_search``."""
    return random_search(loss_fn, tuple(shape), num_tries=num_tries, scale=scale, seed=seed)


def _search_keeps_last(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(num_tries):
        w = rng.normal(0.0, scale, size=tuple(shape))
        losses.append(loss_fn(w))
    return w, losses[-1], np.array(losses)


def _search_keeps_worst(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    best_w, best, losses = None, -np.inf, []
    for _ in range(num_tries):
        w = rng.normal(0.0, scale, size=tuple(shape))
        losses.append(loss_fn(w))
        if losses[-1] > best:
            best_w, best = w, losses[-1]
    return best_w, best, np.array(losses)


def _search_new_generator_each_try(loss_fn, shape, num_tries, scale, seed):
    w = np.random.default_rng(seed).normal(0.0, scale, size=tuple(shape))
    loss = loss_fn(w)
    return w, loss, np.full(num_tries, loss)


def _search_uniform(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    best_w, best, losses = None, np.inf, []
    for _ in range(num_tries):
        w = rng.uniform(-scale, scale, size=tuple(shape))
        losses.append(loss_fn(w))
        if losses[-1] < best:
            best_w, best = w, losses[-1]
    return best_w, best, np.array(losses)


RANDOM_SEARCH = Exercise(
    id="random_search_best",
    notebook="07_finding_the_best_w",
    answer="search_randomly",
    points=2,
    title="Idea #2: random search",
    reference=random_search_reference,
    public=(
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), (3,), 50, 1.0, 0), "a bowl in 3 dimensions, 50 tries"),
        Case((Fixture(f"{FIXTURES}:toy_svm_loss"), (3, 3), 200, 1.0, 1), "hinge loss of a 3 x 3 W, 200 tries"),
        Case((Fixture(f"{FIXTURES}:toy_softmax_loss"), (3, 3), 100, 0.5, 2), "softmax loss, scale 0.5"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), (2, 4), 300, 0.7, 7), "a bowl in 8 dimensions"),
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), (1,), 1, 2.0, 3), "a single try"),
        Case((Fixture(f"{FIXTURES}:toy_svm_loss"), (3, 3), 500, 0.1, 123), "small scale, 500 tries"),
        Case((Fixture(f"{FIXTURES}:toy_softmax_loss"), (3, 3), 40, 3.0, 9), "large scale"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("keeps_last", "Keep the best try seen so far (the lowest loss), not the last one.",
                _search_keeps_last),
        Mistake("keeps_worst", "Lower is better: keep a try when its loss is smaller than the best so far.",
                _search_keeps_worst),
        Mistake("new_generator_each_try", "Create the generator once, before the loop: a new "
                "default_rng(seed) each try draws the same w every time.", _search_new_generator_each_try),
        Mistake("uniform", "Draw each try from a Gaussian: rng.normal(0.0, scale, size=shape).", _search_uniform),
    ),
    output_names=("best_w", "best_loss", "losses"),
    forbidden=("random_search",),
)

EXERCISES = (RIDGE, RANDOM_SEARCH)
