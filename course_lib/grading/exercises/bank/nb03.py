"""Exercises of ``03_multiclass_svm``: predict the slide's answers, then write the loss.

- ``hinge_one``: ``L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + 1)`` for one score vector;
- ``svm_predictions``: the slide's seven questions, answered before the experiments;
- ``svm_loop``: the mean hinge loss of N examples and its gradient, written with loops;
- ``svm_vectorized``: the loss as a function of the weights, ``(W, X, y) -> (loss, dW)``, with the
  gradient with respect to W that the student derives (written question ``written_svm_gradient``),
  without a Python loop.

Scores are (N, C) arrays (one row per example), labels (N,) integers, margin 1; W is (D, C), X (N, D).
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.bank._predict import Question, prediction_exercise
from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.losses import svm_loss, svm_loss_naive, svm_loss_W

# The lecture's worked example: one row per image (cat, car, frog), one column per class.
LECTURE_SCORES = np.array([[3.2, 5.1, -1.7],
                           [1.3, 4.9, 2.0],
                           [2.2, 2.5, -3.1]])
LECTURE_Y = np.array([0, 1, 2])


def _random_scores(n, c, seed, scale=2.0):
    """Non-degenerate scores of shape (n, c) and labels of shape (n,), fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal((n, c)), rng.integers(0, c, size=n)


# --- one example -----------------------------------------------------------------------

def hinge_one_reference(s, label):
    """Hinge loss of one example: ``s`` is (C,), ``label`` an int in [0, C)."""
    loss, _ = svm_loss_naive(np.asarray(s, dtype=float)[None, :], np.array([label]))
    return float(loss)


def _margins(s, label):
    """``s_j - s_y + 1`` for every class j (including j = y, where it is 1)."""
    s = np.asarray(s, dtype=float)
    return s - s[label] + 1.0


def _one_includes_correct(s, label):
    return float(np.maximum(0.0, _margins(s, label)).sum())


def _one_mean_over_classes(s, label):
    return hinge_one_reference(s, label) / (len(s) - 1)


def _one_squared(s, label):
    m = np.maximum(0.0, _margins(s, label))
    m[label] = 0.0
    return float((m**2).sum())


def _one_flipped(s, label):
    s = np.asarray(s, dtype=float)
    m = np.maximum(0.0, s[label] - s + 1.0)
    m[label] = 0.0
    return float(m.sum())


def _one_no_margin(s, label):
    m = np.maximum(0.0, _margins(s, label) - 1.0)
    return float(m.sum())


_ONE_MISTAKES = (
    Mistake("includes_correct_class",
            "Your loss is 1 too large: did the sum include j = y_i? That term is always max(0, 1) = 1.",
            _one_includes_correct),
    Mistake("mean_over_classes",
            "You divided by the number of classes: the lecture's L_i is a sum over j != y_i, not a mean.",
            _one_mean_over_classes),
    Mistake("squared_hinge",
            "You squared each term: that is the squared hinge, a different loss. Use max(0, s_j - s_y + 1).",
            _one_squared),
    Mistake("flipped_difference",
            "The difference is the wrong way round: the term is s_j - s_{y_i} + 1 (wrong score minus correct).",
            _one_flipped),
    Mistake("no_margin",
            "The safety margin is missing: add 1 inside the max, max(0, s_j - s_{y_i} + 1).",
            _one_no_margin),
)


# --- N examples, with the gradient --------------------------------------------------------

def _batch_includes_correct(scores, y):
    loss, dscores = svm_loss(scores, y)
    return loss + 1.0, dscores


def _batch_not_averaged(scores, y):
    loss, dscores = svm_loss(scores, y)
    n = np.shape(scores)[0]
    return loss * n, dscores * n


def _batch_grad_not_averaged(scores, y):
    loss, dscores = svm_loss(scores, y)
    return loss, dscores * np.shape(scores)[0]


def _batch_mean_over_classes(scores, y):
    loss, dscores = svm_loss(scores, y)
    c = np.shape(scores)[1]
    return loss / (c - 1), dscores / (c - 1)


def _batch_squared(scores, y):
    scores = np.asarray(scores, dtype=float)
    n = scores.shape[0]
    rows = np.arange(n)
    m = np.maximum(0.0, scores - scores[rows, y][:, None] + 1.0)
    m[rows, y] = 0.0
    d = 2.0 * m
    d[rows, y] = -d.sum(axis=1)
    return float((m**2).sum() / n), d / n


def _batch_grad_sign(scores, y):
    loss, dscores = svm_loss(scores, y)
    return loss, -dscores


def _batch_grad_correct_missing(scores, y):
    loss, dscores = svm_loss(scores, y)
    dscores = dscores.copy()
    dscores[np.arange(len(y)), y] = 0.0
    return loss, dscores


def _batch_boundary_counted(scores, y):
    """Counts a margin of exactly 0 as active in the gradient (``>= 0`` instead of ``> 0``)."""
    scores = np.asarray(scores, dtype=float)
    n = scores.shape[0]
    rows = np.arange(n)
    m = scores - scores[rows, y][:, None] + 1.0
    m[rows, y] = -1.0
    active = (m >= 0).astype(float)
    active[rows, y] = -active.sum(axis=1)
    loss, _ = svm_loss(scores, y)
    return loss, active / n


def _margin_loss(scores, y, delta):
    scores = np.asarray(scores, dtype=float)
    n = scores.shape[0]
    rows = np.arange(n)
    m = np.maximum(0.0, scores - scores[rows, y][:, None] + delta)
    m[rows, y] = 0.0
    active = (m > 0).astype(float)
    active[rows, y] = -active.sum(axis=1)
    return float(m.sum() / n), active / n


def _batch_no_margin(scores, y):
    return _margin_loss(scores, y, 0.0)


def _batch_divided_by_classes(scores, y):
    loss, dscores = svm_loss(scores, y)
    n, c = np.shape(scores)
    return loss * n / c, dscores * n / c


_BATCH_MISTAKES = (
    Mistake("includes_correct_class",
            "Your loss is 1 too large: skip j = y_i in the sum (that term is always max(0, 1) = 1).",
            _batch_includes_correct),
    Mistake("not_averaged",
            "Loss and gradient are N times too large: divide by the number of examples N.",
            _batch_not_averaged),
    Mistake("gradient_not_averaged",
            "The loss is right but the gradient is N times too large: divide dscores by N too.",
            _batch_grad_not_averaged),
    Mistake("mean_over_classes",
            "You divided by C - 1: L_i sums over the wrong classes, it does not average over them.",
            _batch_mean_over_classes),
    Mistake("squared_hinge",
            "You computed the squared hinge loss: use max(0, s_j - s_{y_i} + 1) without squaring.",
            _batch_squared),
    Mistake("gradient_sign",
            "The gradient has the wrong sign: a violating class j gets +1/N, the correct class -1/N per violation.",
            _batch_grad_sign),
    Mistake("correct_class_gradient_missing",
            "The gradient of the correct class is missing: each violation also subtracts 1/N from dscores[i, y_i].",
            _batch_grad_correct_missing),
    Mistake("no_margin",
            "The safety margin is missing: each term compares s_j with s_{y_i} - 1, not with s_{y_i} "
            "(the + 1 inside the max).",
            _batch_no_margin),
    Mistake("divided_by_classes",
            "You divided by the number of classes C: the dataset loss averages over the N examples.",
            _batch_divided_by_classes),
    Mistake("boundary_counted",
            "A margin of exactly 0 counts as satisfied: use > 0, not >= 0, when deciding which terms are active.",
            _batch_boundary_counted),
)

_BATCH_PUBLIC = (
    Case((LECTURE_SCORES, LECTURE_Y), "the lecture's cat/car/frog example (loss 5.27)"),
    Case(_random_scores(5, 4, seed=30), "5 examples, 4 classes, random scores"),
    Case((np.array([[2.0, 1.0, 0.5], [0.25, 1.5, 0.5], [1.0, 0.75, 2.0]]), np.array([0, 1, 0])),
         "two margins of exactly 0 (they cost nothing and have no gradient)"),
)


_BATCH_HIDDEN = (
    ### BEGIN HIDDEN TESTS
    Case(_random_scores(1, 3, seed=31), "a single example (N = 1)"),
    Case(_random_scores(7, 2, seed=32), "two classes (C = 2)"),
    Case((np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 2.0]]), np.array([0, 1])), "margins exactly at the boundary"),
    Case((np.zeros((4, 5)), np.array([0, 1, 2, 4])), "all scores equal (loss C - 1)"),
    Case(_random_scores(20, 10, seed=33, scale=1e3), "large scores, 20 examples, 10 classes"),
    Case(_random_scores(30, 6, seed=34, scale=0.5), "30 examples, 6 classes, small scores"),
    ### END HIDDEN TESTS
)

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
# and two margins are exactly 0 (inactive: they cost nothing and have no gradient).
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
    Mistake("boundary_counted",
            "A margin of exactly 0 counts as met (inactive): use > 0, not >= 0, when deciding which terms "
            "are active.",
            _w_boundary_counted),
    Mistake("divided_by_classes",
            "You divided by the number of classes C: the loss is a mean over the N examples only.",
            _w_divided_by_classes),
)

_W_PUBLIC = (
    Case((LECTURE_SCORES, np.eye(3), LECTURE_Y),
         "the lecture's three images with X = I (so the scores are W): loss 5.27"),
    Case(_linear_problem(6, 3, 3, seed=36), "6 examples, 3 features and a bias column, 3 classes"),
    Case((_EXACT_W, _EXACT_X, _EXACT_Y), "two margins of exactly 0 (inactive: no cost, no gradient)"),
)

_W_HIDDEN = (
    ### BEGIN HIDDEN TESTS
    Case(_linear_problem(1, 4, 4, seed=37), "a single example (N = 1)"),
    Case(_linear_problem(7, 2, 2, seed=38), "two classes (C = 2)"),
    Case((_MET_W, _MET_X, np.array([0, 1, 2])), "every margin met: loss 0, dW = 0"),
    Case((np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 2.0]]), np.eye(2), np.array([0, 1])),
         "margins exactly 0 with X = I"),
    Case(_linear_problem(20, 5, 10, seed=39, scale=300.0), "scores near 1000: 20 examples, 10 classes"),
    Case(_linear_problem(30, 64, 10, seed=40, scale=0.05),
         "digits-sized: 30 examples, 64 pixels and a bias, 10 classes"),
    ### END HIDDEN TESTS
)

# --- the slide's questions, predicted before the experiments ----------------------------------

def _lecture_mean_with_correct_class() -> float:
    """Mean over the three images when the sum also runs over j = y_i (each L_i grows by 1)."""
    return float(svm_loss(LECTURE_SCORES, LECTURE_Y)[0]) + 1.0


_WORKED_MEAN = float(svm_loss(LECTURE_SCORES, LECTURE_Y)[0])          # 5.27
SVM_QUESTIONS = (
    Question("Q1", "the car image after nudges of up to ±0.5: the largest loss", 0.0, (
        ("gap_closes", 1.0, "a nudge only costs once a wrong score comes within the margin (1) of the "
                            "correct one: how far below car (4.9) is its closest rival, and how much can "
                            "nudges of ±0.5 close that gap?"),
        ("nudge_size", 0.5, "the loss stays exactly 0 while every wrong class stays more than 1 below the "
                            "correct score: can nudges of ±0.5 bring frog (2.0) that close to car (4.9)?"),
    )),
    Question("Q2", "the smallest possible L_i", 0.0, (
        ("includes_correct_class", 1.0, "1 would be the floor if the sum included j = y_i; it skips the "
                                        "correct class, so a perfect example costs nothing"),
    )),
    Question("Q3", "L_i has a largest possible value (True/False)", False, (
        ("bounded", True, "lower the correct score further and further: every term max(0, s_j - s_y + 1) "
                          "keeps growing with it, without limit"),
    )),
    Question("Q4", "the mean loss of the three images if the sum also ran over j = y_i",
             _lecture_mean_with_correct_class(), (
        ("unchanged", _WORKED_MEAN, "the j = y_i term is max(0, s_y - s_y + 1) = 1, never 0: every L_i grows"),
        ("one_per_class", _WORKED_MEAN + 3.0, "each image gets one extra term of 1, so the mean over the "
                                              "three images grows by 1, not 3"),
    )),
    Question("Q5", "averaging over the C - 1 classes instead of summing keeps the ranking of W (True/False)",
             True, (
        ("ranking_changes", False, "averaging divides every L_i by the same C - 1: does dividing by a "
                                   "constant change which W has the smaller loss?"),
    )),
    Question("Q6", "squaring each term keeps the ranking of W (True/False)", False, (
        ("ranking_kept", True, "squaring is not a rescaling: a violation of 0.5 costs 0.25 but one of 3 "
                               "costs 9, so two W can swap places"),
    )),
    Question("Q7", "the loss at initialization (all scores about equal), C = 10", 9.0, (
        ("includes_correct_class", 10.0, "the sum skips the correct class: C - 1 terms, not C"),
        ("averaged", 1.0, "the terms are summed over the wrong classes, not averaged"),
        ("softmax_value", float(np.log(10.0)), "ln 10 is the softmax loss at initialization; the hinge "
                                               "loss counts a margin violation of 1 per wrong class"),
    )),
)


EXERCISES = (
    Exercise(
        id="hinge_one",
        title="The hinge loss of one example",
        notebook="03_multiclass_svm",
        answer="hinge_loss_one",
        points=1,
        reference=hinge_one_reference,
        public=(
            Case((LECTURE_SCORES[0], 0), "the cat image (2.9)"),
            Case((LECTURE_SCORES[2], 2), "the frog image (12.9)"),
            Case((LECTURE_SCORES[1], 1), "the car image (0)"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case((np.array([2.0, 1.0, 0.5]), 0), "margin exactly at the boundary"),
            Case((np.array([1.5, 1.5, 1.5, 1.5]), 2), "all scores tied (loss C - 1)"),
            Case((np.array([0.3, -0.4]), 1), "two classes"),
            Case((3 * np.random.default_rng(35).standard_normal(10), 9), "ten classes, correct class last"),
            Case((np.array([1e4, -2e4, 3e4]), 0), "large scores"),
            ### END HIDDEN TESTS
        ),
        mistakes=_ONE_MISTAKES,
        output_names=("loss",),
        forbidden=("svm_loss", "svm_loss_naive"),
    ),
    prediction_exercise(
        id="svm_predictions",
        title="Predict the answers to the slide's questions about the hinge loss",
        notebook="03_multiclass_svm",
        answer="svm_predictions",
        points=2,
        questions=SVM_QUESTIONS,
        forbidden=("svm_loss", "svm_loss_naive"),
    ),
    Exercise(
        id="svm_loop",
        title="The multiclass SVM loss and its gradient, with loops",
        notebook="03_multiclass_svm",
        answer="svm_loss_loop",
        points=2,
        reference=svm_loss_naive,
        public=_BATCH_PUBLIC,
        hidden=_BATCH_HIDDEN,
        mistakes=_BATCH_MISTAKES,
        output_names=("loss", "dscores"),
        forbidden=("svm_loss", "svm_loss_naive"),
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
        forbidden=("svm_loss", "svm_loss_naive", "svm_loss_W"),
        loop_free=True,
    ),
)
