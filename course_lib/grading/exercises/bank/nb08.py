"""Exercises of ``08_gradients.ipynb``: the numerical gradient, and a test for the hinge's kinks.

- ``numerical_gradient_centred``: ``numerical_grad(f, x, h)``, the centred difference quotient
  ``(f(x + h e_k) - f(x - h e_k)) / 2h`` at every coordinate k of an array of any shape (integer
  arrays included), ``x`` left unchanged.
- ``crosses_kink``: ``crosses_kink(W, X, y, index, h)``, whether moving the one weight ``W[index]``
  over ``[W[index] - h, W[index] + h]`` switches some hinge term ``max(0, s_j - s_{y_i} + 1)``
  (``j != y_i``, scores ``X @ W``) from active (margin ``> 0``) to inactive: then a centred
  difference at that weight straddles a kink.

The notebook's analytic gradients are the student's own answers of notebooks 03, 04 and 05
(``cl.mine``); nothing here grades them again.
"""

from __future__ import annotations

import numpy as np

from course_lib.gradcheck import numerical_gradient
from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Fixture

FIXTURES = "course_lib.grading.exercises.fixtures"  # the functions differentiated by the answers


# --- exercise 1: centred differences ----------------------------------------------------

def _forward_difference(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    base = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        grad[idx] = (f(x) - base) / h
        x[idx] = old
    return grad


def _not_restored(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = f(x)
        x[idx] = old - h
        grad[idx] = (plus - f(x)) / (2 * h)
    return grad


def _divided_by_h(f, x, h):
    return 2.0 * numerical_gradient(f, x, h)


def _own_step(f, x, h):
    return numerical_gradient(f, x, 1e-5)


def _copy_keeps_integers(f, x, h):
    """Works on ``np.array(x)``: an integer array stays integer, so ``old + h`` is truncated back."""
    x = np.array(x)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = f(x)
        x[idx] = old - h
        minus = f(x)
        x[idx] = old
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def _rows_only(f, x, h):
    """Loops over ``range(len(x))``: for a 2-D x each step moves a whole row."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def _all_coordinates_at_once(f, x, h):
    """x + h and x - h moved as whole arrays: one directional derivative (along all ones), at every index."""
    x = np.array(x, dtype=float)
    return np.full(x.shape, (f(x + h) - f(x - h)) / (2 * h))


def _one_point_twice(f, x, h):
    """f(x + h) and f(x - h) evaluated at one and the same point (``x_plus = x_minus = x``, or h lost): zero."""
    return np.zeros(np.shape(x))


_rng = np.random.default_rng(80)
_X_23 = np.array([[0.3, -0.7, 1.1], [0.0, 0.9, -0.4]])
_W_INT = np.array([[1, 0, -2], [0, 3, 1], [-1, 2, 0]])

NUMERICAL = Exercise(
    id="numerical_gradient_centred",
    notebook="08_gradients",
    answer="numerical_grad",
    points=2,
    title="The numerical gradient: centred differences at every coordinate",
    reference=numerical_gradient,
    public=(
        Case((Fixture(f"{FIXTURES}:wavy"), np.array([0.5, -1.0, 2.0]), 1e-1),
             "a smooth function of 3 numbers, h = 0.1"),
        Case((Fixture(f"{FIXTURES}:lopsided"), _X_23, 1e-3),
             "a 2 x 3 input to a function whose coordinates all play different parts, h = 0.001"),
        Case((Fixture(f"{FIXTURES}:toy_smooth_objective"), _W_INT, 1e-4),
             "a smooth objective of a 3 x 3 W with integer entries, h = 0.0001"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((Fixture(f"{FIXTURES}:wavy"), np.array([1.7]), 0.25), "one coordinate, large h"),
        Case((Fixture(f"{FIXTURES}:lopsided"), _rng.normal(size=(2, 3, 2)), 1e-2), "a 2 x 3 x 2 input"),
        Case((Fixture(f"{FIXTURES}:toy_kinked_loss"), np.full((3, 3), 2.0), 1e-4),
             "a kinked bowl, away from its kinks"),
        Case((Fixture(f"{FIXTURES}:lopsided"), np.array([-3, 0, 2, -1]), 0.5), "negative integers, h = 0.5"),
        Case((Fixture(f"{FIXTURES}:toy_smooth_objective"), 3.0 * _rng.normal(size=(3, 3)), 2e-2), "larger weights"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("forward_difference", "That is the one-sided quotient (f(x + h) - f(x)) / h. The centred one "
                "evaluates f on both sides, at x + h and at x - h: its error shrinks like h^2 instead of h.",
                _forward_difference),
        Mistake("not_restored", "Put each coordinate back to its old value after evaluating f at x - h: otherwise "
                "every later coordinate is measured at a shifted point.", _not_restored),
        Mistake("divided_by_h", "The two evaluation points are 2h apart: divide their difference by 2h, not h.",
                _divided_by_h),
        Mistake("own_step", "Use the step h you are given: the expected numbers depend on it (a larger h, a larger "
                "truncation error).", _own_step),
        Mistake("copy_keeps_integers", "A copy of an integer array is an integer array: x + h is rounded back to "
                "an integer when you store it. Work on a float copy, np.array(x, dtype=float).",
                _copy_keeps_integers),
        Mistake("all_coordinates_at_once", "Every entry of your gradient is the same number: x + h and x - h moved "
                "every coordinate at once (the slope along the diagonal). Nudge one coordinate at a time and keep "
                "the others where they are.", _all_coordinates_at_once),
        Mistake("one_point_twice", "Your gradient is zero everywhere: f gave the same value on both sides, as when "
                "f(x + h) and f(x - h) are evaluated at one and the same point (`x_plus = x` copies nothing, so "
                "nudging one nudges the other) or when the step is lost (rounded away in an integer array). "
                "Evaluate f at two different points, each a float copy of x nudged by +h or -h at one coordinate.",
                _one_point_twice),
        Mistake("rows_only", "range(len(x)) walks over the rows of a 2-D x, so each step moved a whole row: nudge "
                "one entry at a time (np.ndindex(x.shape) lists every index of an array of any shape).",
                _rows_only),
    ),
    output_names=("grad",),
    rtol=1e-6,
    atol=1e-7,
    forbidden=("numerical_gradient", "grad_check_sparse"),
)


# --- exercise 2: does a centred difference straddle a kink of the hinge? ----------------------

def _activity(W, X, y, index, shift, *, offset=1.0, at_zero=False):
    """Which hinge terms are active (margin > 0; ``>= 0`` when ``at_zero``) with ``W[index]`` moved by ``shift``.

    Returns a bool array (N, C), False in each example's own class.
    """
    moved = np.array(W, dtype=float)
    moved[index] = moved[index] + shift
    scores = np.asarray(X, dtype=float) @ moved
    rows = np.arange(scores.shape[0])
    margins = scores - scores[rows, y][:, None] + offset
    active = margins >= 0 if at_zero else margins > 0
    active[rows, y] = False
    return active


def crosses_kink_reference(W, X, y, index, h):
    """Whether some hinge term is active at one end of ``[W[index] - h, W[index] + h]`` and inactive at the other.

    Parameters
    ----------
    W : ndarray, shape (D, C)
    X : ndarray, shape (N, D)
    y : ndarray of int, shape (N,)
    index : tuple of two ints
        The weight ``W[index]`` that moves; every other weight stays.
    h : float > 0

    Returns
    -------
    bool
    """
    index = tuple(index)
    return bool(np.any(_activity(W, X, y, index, -h) != _activity(W, X, y, index, h)))


def _kink_at_zero_active(W, X, y, index, h):
    index = tuple(index)
    return bool(np.any(_activity(W, X, y, index, -h, at_zero=True) != _activity(W, X, y, index, h, at_zero=True)))


def _kink_without_the_one(W, X, y, index, h):
    index = tuple(index)
    return bool(np.any(_activity(W, X, y, index, -h, offset=0.0) != _activity(W, X, y, index, h, offset=0.0)))


def _kink_one_side(W, X, y, index, h):
    index = tuple(index)
    return bool(np.any(_activity(W, X, y, index, 0.0) != _activity(W, X, y, index, h)))


def _kink_margin_within_h(W, X, y, index, h):
    scores = np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)
    rows = np.arange(scores.shape[0])
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = np.inf
    return bool(np.any(np.abs(margins) < h))


def _kink_score_moved_by_h(W, X, y, index, h):
    """The scores of class c moved by +-h in every example, as if W[d, c] were a score (no X[i, d])."""
    scores = np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)
    rows, c = np.arange(scores.shape[0]), tuple(index)[1]
    ends = []
    for shift in (-h, h):
        moved = scores.copy()
        moved[:, c] += shift
        margins = moved - moved[rows, y][:, None] + 1.0
        margins[rows, y] = 0.0
        ends.append(margins > 0)
    return bool(np.any(ends[0] != ends[1]))


def _kink_counts(W, X, y, index, h):
    index = tuple(index)
    return bool(_activity(W, X, y, index, -h).sum() != _activity(W, X, y, index, h).sum())


def _kink_one_direction(W, X, y, index, h):
    index = tuple(index)
    return bool(np.any(_activity(W, X, y, index, -h) & ~_activity(W, X, y, index, h)))


def _kink_any_against_any(W, X, y, index, h):
    index = tuple(index)
    return bool(_activity(W, X, y, index, -h).any() != _activity(W, X, y, index, h).any())


# The lecture's worked example, one image per row (cat, car, frog) and X = I, so that W holds the scores.
_LECTURE_W = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
_LECTURE_Y = np.array([0, 1, 2])


def _kink_problem(n, d, c, seed):
    """A random problem (W, X with a bias column, y) of n examples, d features and c classes."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(0.0, 1.0, size=(n, d - 1)), np.ones(n)])
    return rng.normal(0.0, 0.5, size=(d, c)), X, rng.integers(0, c, size=n)


# one hint, two ways to make the mistake: the margins compared with h, or the class's scores moved by h
_WEIGHT_NOT_SCORE = ("Moving W[index] by h moves a score by h times that row's feature x_i, not by h, and only the "
                     "margins that involve that score move: look at the margins at the two ends.")

_H_RANDOM = _kink_problem(20, 6, 4, 82)
_H_BLANK = (np.array([[0.3, -0.2, 0.1], [0.0, 0.95, 0.0], [0.5, 0.0, 0.0]]),
            np.array([[1.0, 0.0, 1.0], [0.5, 0.0, 1.0], [0.25, 0.0, 1.0]]), np.array([0, 2, 1]))

KINK = Exercise(
    id="crosses_kink",
    notebook="08_gradients",
    answer="crosses_kink",
    points=2,
    title="Does a centred difference straddle a kink of the hinge?",
    reference=crosses_kink_reference,
    public=(
        Case((_LECTURE_W, np.eye(3), _LECTURE_Y, (1, 1), 2.0),
             "the lecture's example (X = I): the car image's car score, h = 2"),
        Case((_LECTURE_W, np.eye(3), _LECTURE_Y, (1, 2), 2.0),
             "the lecture's example (X = I): the car image's frog score, h = 2"),
        Case((np.array([[2.0, 1.5, 0.0], [0.0, 0.5, 3.0]]), np.eye(2), np.array([0, 2]), (0, 1), 0.5),
             "a margin that is exactly 0 at one end, h = 0.5"),
        Case((np.array([[0.0, -0.5, 0.0], [0.0, 0.0, 0.0]]), np.array([[0.25, 0.0], [0.25, 1.0]]), np.array([0, 1]),
              (0, 1), 1.0), "a feature of 0.25: margins of 0.875 and 1, h = 1"),
        Case((np.array([[1.0, 0.25, -2.0], [0.0, 0.0, 4.25]]), np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([0, 2]),
              (0, 0), 0.5), "one weight, two examples: margins of 0.25 and -0.25, h = 0.5"),
        Case((np.array([[0.0, 0.75]]), np.array([[-1.0]]), np.array([0]), (0, 1), 0.5),
             "a negative feature: raising the weight lowers a wrong class's margin (0.75 to -0.25)"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((np.array([[1.0, -0.5, 0.0], [0.0, 2.0, 0.5]]), np.eye(2), np.array([0, 1]), (0, 1), 0.5),
             "a margin exactly 0 at one end and negative at the other"),
        Case((*_H_BLANK, (1, 1), 0.1), "a feature that is 0 in every example (no term depends on that weight)"),
        Case((*_H_BLANK, (2, 0), 0.3), "a weight of the bias row"),
        Case((np.array([[0.2, -0.6], [0.1, 0.3]]), np.array([[1.0, 1.0], [0.5, 1.0]]), np.array([0, 1]), (1, 1), 0.5),
             "two classes"),
        Case((*_H_RANDOM, (2, 3), 0.05), "20 examples, 6 features, 4 classes, h = 0.05"),
        Case((*_H_RANDOM, (5, 0), 0.2), "20 examples, the bias row, h = 0.2"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("zero_margin_active", "A margin of exactly 0 leaves its term inactive: max(0, 0) is 0, so a term "
                "is active only when its margin is > 0.", _kink_at_zero_active),
        Mistake("margin_without_one", "The hinge term is max(0, s_j - s_{y_i} + 1): its kink sits where "
                "s_j - s_{y_i} + 1 = 0, so the margins you compare must include the + 1.", _kink_without_the_one),
        Mistake("one_side_only", "Compare the two ends of the interval, W[index] - h and W[index] + h: the centred "
                "difference evaluates the loss at both, so a kink on the W[index] - h side counts too.",
                _kink_one_side),
        Mistake("margin_within_h", _WEIGHT_NOT_SCORE, _kink_margin_within_h),
        Mistake("score_moved_by_h", _WEIGHT_NOT_SCORE, _kink_score_moved_by_h),
        Mistake("counts_active_terms", "Compare the terms one by one, not how many are active: one term can switch "
                "on while another switches off, and the centred difference then straddles two kinks.",
                _kink_counts),
        Mistake("one_direction_only", "Either way round counts: a term active at W[index] - h and inactive at "
                "W[index] + h, or inactive at W[index] - h and active at W[index] + h.", _kink_one_direction),
        Mistake("any_against_any", "Ask it of each term: the same (example, class) term must be active at one end "
                "and inactive at the other. 'Some term is active at each end' says nothing about a kink.",
                _kink_any_against_any),
    ),
    output_names=("crosses",),
    forbidden=(),
)

EXERCISES = (NUMERICAL, KINK)
