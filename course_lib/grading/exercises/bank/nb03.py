"""Exercises of ``03_multiclass_svm``: predict the slide's answers, write the loss, construct a rank swap.

- ``svm_predictions``: the slide's seven questions, answered before the experiments (graded for commitment:
  any complete answer earns the point, the check says how many are right);
- ``svm_vectorized``: the loss as a function of the weights, ``(W, X, y) -> (loss, dW)``, with the
  gradient with respect to W that the student derives (written question ``written_svm_gradient``),
  without a Python loop;
- ``rank_swap_pair``: two score arrays that the hinge and the squared hinge rank oppositely (an outcome judge,
  :func:`course_lib.grading.exercises.judges.opposite_ranking`, measures both losses).

Scores are (N, C) arrays (one row per example), labels (N,) integers, margin 1; W is (D, C), X (N, D).
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.bank._predict import Question, commitment_exercise
from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import NamedJudge
from course_lib.losses import svm_loss_W

# The lecture's worked example: one row per image (cat, car, frog), one column per class.
LECTURE_SCORES = np.array([[3.2, 5.1, -1.7],
                           [1.3, 4.9, 2.0],
                           [2.2, 2.5, -3.1]])
LECTURE_Y = np.array([0, 1, 2])


# --- the loss as a function of W (workbook v3), with the gradient the student derives -------------------

def _linear_problem(n, d, c, seed, scale=1.0, bias=True):
    """W (D, C), X (N, D) and y (N,), fixed by ``seed``; with ``bias`` X's last column is ones (D = d + 1)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    if bias:
        X = np.column_stack([X, np.ones(n)])
    W = scale * rng.standard_normal((X.shape[1], c))
    return W, X, rng.integers(0, c, size=n)


# Four examples (two features and a bias column), three classes, weights in halves: every score is exact,
# and two violations s_j - s_y + 1 are exactly 0 (inactive: they cost nothing and have no gradient).
_EXACT_X = np.array([[1.0, 2.0, 1.0], [2.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
_EXACT_W = np.array([[1.0, 0.5, 1.5], [0.5, 0.5, 1.5], [1.0, 0.5, 0.5]])
_EXACT_Y = np.array([0, 2, 1, 0])

# Every margin met by more than 1: loss 0 and dW = 0.
_MET_X = np.column_stack([np.eye(3), np.ones(3)])
_MET_W = np.vstack([5.0 * np.eye(3), np.zeros((1, 3))])


def _hinge_parts(W, X, y, delta=1.0):
    """scores (N, C), the margins s_j - s_y + delta with 0 at the correct class, and the row indices."""
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    scores = X @ W
    rows = np.arange(len(y))
    margins = scores - scores[rows, y][:, None] + delta
    margins[rows, y] = 0.0
    return X, scores, margins, rows


def _weights(margins, rows, y, active=None):
    """d loss / d scores times N: +1 for each active margin, minus their count at the correct class."""
    active = (margins > 0) if active is None else active
    d = active.astype(float)
    d[rows, y] = 0.0
    d[rows, y] = -d.sum(axis=1)
    return d


def _w_includes_correct_class(W, X, y):
    X, scores, margins, rows = _hinge_parts(W, X, y)
    margins = np.maximum(margins, 0.0)
    margins[rows, y] = 1.0                        # the j = y_i term max(0, 1) = 1 stays in
    active = (margins > 0).astype(float)
    active[rows, y] = -active.sum(axis=1)         # ... and counts itself in the correct class's column
    n = len(y)
    return float(margins.sum() / n), X.T @ active / n


def _w_includes_correct_class_in_loss(W, X, y):
    X, scores, margins, rows = _hinge_parts(W, X, y)
    n = len(y)
    return float(np.maximum(margins, 0).sum() / n + 1.0), X.T @ _weights(margins, rows, y) / n


def _w_reference_parts(W, X, y):
    X, scores, margins, rows = _hinge_parts(W, X, y)
    n = len(y)
    return X, float(np.maximum(margins, 0).sum() / n), _weights(margins, rows, y) / n, n


def _w_not_averaged(W, X, y):
    X, loss, dS, n = _w_reference_parts(W, X, y)
    return loss * n, X.T @ dS * n


def _w_gradient_not_averaged(W, X, y):
    X, loss, dS, n = _w_reference_parts(W, X, y)
    return loss, X.T @ dS * n


def _w_mean_over_classes(W, X, y):
    X, loss, dS, n = _w_reference_parts(W, X, y)
    c = np.shape(W)[1]
    return loss / (c - 1), X.T @ dS / (c - 1)


def _w_gradient_sign(W, X, y):
    X, loss, dS, n = _w_reference_parts(W, X, y)
    return loss, -(X.T @ dS)


def _w_correct_class_gradient_missing(W, X, y):
    X, scores, margins, rows = _hinge_parts(W, X, y)
    n = len(y)
    active = (margins > 0).astype(float)
    return float(np.maximum(margins, 0).sum() / n), X.T @ active / n


def _w_correct_class_once(W, X, y):
    """The correct class gets -1 per example with a violation, not -1 per violation."""
    X, scores, margins, rows = _hinge_parts(W, X, y)
    n = len(y)
    active = (margins > 0).astype(float)
    active[rows, y] = -(active.sum(axis=1) > 0).astype(float)
    return float(np.maximum(margins, 0).sum() / n), X.T @ active / n


def _w_scores_gradient(W, X, y):
    """The gradient with respect to the scores (N, C), not carried back to W."""
    X, loss, dS, n = _w_reference_parts(W, X, y)
    return loss, dS


def _w_transposed_gradient(W, X, y):
    X, loss, dS, n = _w_reference_parts(W, X, y)
    return loss, dS.T @ X


def _w_no_margin(W, X, y):
    X, scores, margins, rows = _hinge_parts(W, X, y, delta=0.0)
    n = len(y)
    return float(np.maximum(margins, 0).sum() / n), X.T @ _weights(margins, rows, y) / n


def _w_squared(W, X, y):
    X, scores, margins, rows = _hinge_parts(W, X, y)
    n = len(y)
    m = np.maximum(margins, 0)
    d = 2.0 * m
    d[rows, y] = -d.sum(axis=1)
    return float((m**2).sum() / n), X.T @ d / n


def _w_margins_as_slopes(W, X, y):
    """The margins' values where their 0/1 slopes belong (the slope of max(0, m) taken as m)."""
    X, scores, margins, rows = _hinge_parts(W, X, y)
    n = len(y)
    m = np.maximum(margins, 0.0)
    d = m.copy()
    d[rows, y] = -m.sum(axis=1)
    return float(m.sum() / n), X.T @ d / n


def _w_boundary_counted(W, X, y):
    """A margin of exactly 0 counted as active in the gradient (``>= 0`` instead of ``> 0``)."""
    X, scores, margins, rows = _hinge_parts(W, X, y)
    n = len(y)
    return float(np.maximum(margins, 0).sum() / n), X.T @ _weights(margins, rows, y, margins >= 0) / n


def _w_divided_by_classes(W, X, y):
    X, loss, dS, n = _w_reference_parts(W, X, y)
    c = np.shape(W)[1]
    return loss * n / c, X.T @ dS * n / c


_W_MISTAKES = (
    Mistake("includes_correct_class",
            "Your loss is 1 too large per example: the sum skips j = y_i (that term is always max(0, 1) = 1), "
            "and so must the gradient (the correct class's column is minus the number of *wrong* classes "
            "that violate the margin).",
            _w_includes_correct_class),
    Mistake("includes_correct_class_in_loss",
            "The gradient is right but the loss is 1 too large: the sum skips j = y_i, whose term "
            "max(0, s_y - s_y + 1) is always 1.",
            _w_includes_correct_class_in_loss),
    Mistake("not_averaged",
            "Loss and gradient are N times too large: the loss is the mean over the N examples.",
            _w_not_averaged),
    Mistake("gradient_not_averaged",
            "The loss is right but dW is N times too large: the 1/N of the mean carries into the gradient.",
            _w_gradient_not_averaged),
    Mistake("mean_over_classes",
            "Loss and gradient are C - 1 times too small: L_i sums over the wrong classes, it does not "
            "average over them.",
            _w_mean_over_classes),
    Mistake("gradient_sign",
            "dW has the wrong sign: raising a violating class's score raises the loss, raising the correct "
            "class's score lowers it.",
            _w_gradient_sign),
    Mistake("correct_class_gradient_missing",
            "The correct class's column of the gradient is missing: s_{y_i} appears in every term of L_i, "
            "so each violation also pulls on the correct class's weights (with the opposite sign).",
            _w_correct_class_gradient_missing),
    Mistake("correct_class_counted_once",
            "The correct class's slope is -1 per example with a violation: s_{y_i} appears in *every* active "
            "term, so its slope is minus the number of violating classes.",
            _w_correct_class_once),
    Mistake("scores_gradient_returned",
            "The second output has the shape of the scores (N, C): that is dL/dS. The exercise asks for "
            "dL/dW, of W's shape (D, C): carry it back through S = X W.",
            _w_scores_gradient),
    Mistake("transposed_gradient",
            "dW is the transpose of what it should be: dL/dW has W's shape (D, C), with one row per input "
            "feature and one column per class.",
            _w_transposed_gradient),
    Mistake("no_margin",
            "The safety margin is missing: each term is max(0, s_j - s_{y_i} + 1), with the + 1.",
            _w_no_margin),
    Mistake("squared_hinge",
            "You computed the squared hinge: the lecture's loss is max(0, s_j - s_{y_i} + 1), not squared.",
            _w_squared),
    Mistake("gradient_uses_margins",
            "The loss is right, but dW weighs each active term by its violation: the slope of max(0, v) is 1 "
            "where v > 0 and 0 elsewhere, whatever the size of v (an indicator, not the violation).",
            _w_margins_as_slopes),
    Mistake("boundary_counted",
            "A violation of exactly 0 (the margin just met) leaves its term inactive: use > 0, not >= 0, when "
            "deciding which terms are active.",
            _w_boundary_counted),
    Mistake("divided_by_classes",
            "You divided by the number of classes C: the loss is a mean over the N examples only.",
            _w_divided_by_classes),
)

_W_PUBLIC = (
    Case((LECTURE_SCORES, np.eye(3), LECTURE_Y),
         "the lecture's three images with X = I (so the scores are W): loss 5.27"),
    Case(_linear_problem(6, 4, 4, seed=36), "6 examples, 4 features and a bias column, 4 classes"),
    Case((_EXACT_W, _EXACT_X, _EXACT_Y), "two violations of exactly 0 (inactive: no cost, no gradient)"),
)

_W_HIDDEN = (
    ### BEGIN HIDDEN TESTS
    Case(_linear_problem(1, 4, 4, seed=37), "a single example (N = 1)"),
    Case(_linear_problem(7, 2, 2, seed=38), "two classes (C = 2)"),
    Case((_MET_W, _MET_X, np.array([0, 1, 2])), "every margin met: loss 0, dW = 0"),
    Case((np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 2.0]]), np.eye(2), np.array([0, 1])),
         "violations of exactly 0 with X = I"),
    Case(_linear_problem(20, 5, 10, seed=39, scale=300.0), "scores near 1000: 20 examples, 10 classes"),
    Case(_linear_problem(30, 64, 10, seed=40, scale=0.05),
         "digits-sized: 30 examples, 64 pixels and a bias, 10 classes"),
    ### END HIDDEN TESTS
)

# --- the slide's questions, predicted before the experiments (graded for commitment) ----------------

def _worked_mean(include_correct: bool = False) -> float:
    """The worked example's mean hinge loss; with ``include_correct`` each L_i also counts j = y_i (adds 1)."""
    loss = float(svm_loss_W(LECTURE_SCORES, np.eye(3), LECTURE_Y)[0])
    return loss + 1.0 if include_correct else loss


SVM_QUESTIONS = (
    Question("Q1", "the car image after nudges of up to ±0.5: the largest loss", 0.0),
    Question("Q2", "the smallest possible L_i", 0.0),
    Question("Q3", "L_i has a largest possible value (True/False)", False),
    Question("Q4", "the mean loss of the three images if the sum also ran over j = y_i", _worked_mean(True)),
    Question("Q5", "averaging over the C - 1 classes instead of summing keeps every ranking of W (True/False)", True),
    Question("Q6", "squaring each term keeps every ranking of W (True/False)", False),
    Question("Q7", "the loss at initialization (all scores about equal), C = 10", 9.0),
)

# the judge of rank_swap_pair: hinge (the student's svm_vectorized, through mine()) against the squared hinge
OPPOSITE_RANKING = NamedJudge("course_lib.grading.exercises.judges:opposite_ranking")


def _rank_swap_example():
    """One pair the two losses rank oppositely: A one large violation (1.9), B four small ones (0.5 each)."""
    return (np.array([[1.0, 1.9, 0.0, 0.0, 0.0]]), np.array([[1.0, 0.5, 0.5, 0.5, 0.5]]), np.array([0]))


EXERCISES = (
    commitment_exercise(
        id="svm_predictions",
        title="Predict the answers to the slide's questions about the hinge loss",
        notebook="03_multiclass_svm",
        answer="svm_predictions",
        points=1,
        questions=SVM_QUESTIONS,
        forbidden=("svm_loss", "svm_loss_W"),
    ),
    Exercise(
        id="svm_vectorized",
        title="The multiclass SVM loss of W and its gradient with respect to W, vectorized",
        notebook="03_multiclass_svm",
        answer="svm_loss_vectorized",
        points=4,
        reference=svm_loss_W,
        public=_W_PUBLIC,
        hidden=_W_HIDDEN,
        mistakes=_W_MISTAKES,
        output_names=("loss", "dW"),
        forbidden=("svm_loss", "svm_loss_W"),
        loop_free=True,
        loop_probe=(Case(_linear_problem(5, 4, 3, 301), "5 examples, 4 features and a bias, 3 classes"),
                    Case(_linear_problem(50, 4, 13, 302), "50 examples, 4 features and a bias, 13 classes")),
    ),
    Exercise(
        id="rank_swap_pair",
        title="Two classifiers that the hinge and the squared hinge rank oppositely",
        notebook="03_multiclass_svm",
        answer="rank_swap",
        points=2,
        kind="value",
        reference=_rank_swap_example,
        public=(Case(("hinge", "squared_hinge", 0.01, 10),
                     "A lower under the hinge loss, B lower under the squared hinge, each by at least 0.01"),),
        judge=OPPOSITE_RANKING,
        forbidden=("svm_loss", "svm_loss_W"),
    ),
)
