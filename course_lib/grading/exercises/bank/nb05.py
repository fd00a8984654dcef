"""Exercises of ``05_softmax_cross_entropy``: softmax, the slide's questions, and the loss as a function of W.

- ``softmax_probs``: row-wise softmax probabilities of an (N, C) score array, finite for any
  finite scores;
- ``softmax_predictions``: the slide's questions (the loss's range, the loss at initialization)
  and the scale of W, committed before the experiments (graded for commitment: "k of n right");
- ``softmax_vectorized``: ``softmax_loss_vectorized(W, X, y) -> (loss, dW)``, the mean
  cross-entropy (natural log) of the scores ``X @ W`` and its gradient with respect to W, which the
  student derives (``written_softmax_gradient`` comes first); exact for finite scores of any size;
  no Python loop.

Shapes: ``W`` (D, C), ``X`` (N, D), ``y`` (N,) ints in [0, C). Cases with ``X`` the identity make
``X @ W`` the score table itself, so that the lecture's numbers (the cat image's 2.04) are cases.
The public cases are built so that each classic mistake shows on one of them: a square problem
(N = D = C = 3) for a missing ``keepdims``, a non-square one (N = 6, D = 4, C = 3) for a gradient
with the wrong shape, labels repeated for indexing every row, scores of 1000 for overflow and
underflow.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.bank._predict import Question, commitment_exercise
from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.losses import softmax, softmax_loss_W

FORBIDDEN = ("softmax", "softmax_loss", "softmax_loss_W")
NOTEBOOK = "05_softmax_cross_entropy"

# The lecture's cat image: scores for cat, car, frog; the correct class is cat.
CAT_SCORES = np.array([[3.2, 5.1, -1.7]])
CAT_Y = np.array([0])
LECTURE_SCORES = np.array([[3.2, 5.1, -1.7],
                           [1.3, 4.9, 2.0],
                           [2.2, 2.5, -3.1]])
LECTURE_Y = np.array([0, 1, 2])


def _random_scores(seed, n, c, scale=2.0):
    """Non-degenerate scores of shape (n, c) and labels of shape (n,), fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal((n, c)), rng.integers(0, c, size=n)


def _problem(seed, n, d, c, scale=1.0, labels=None):
    """``(W (d, c), X (n, d), y (n,))``: random weights, random features with a last column of ones."""
    rng = np.random.default_rng(seed)
    X = np.hstack([rng.standard_normal((n, d - 1)), np.ones((n, 1))])
    W = scale * rng.standard_normal((d, c))
    y = rng.integers(0, c, size=n) if labels is None else np.asarray(labels)
    return W, X, y


def _as_array(scores):
    return np.asarray(scores, dtype=float)


# --- probabilities -------------------------------------------------------------------------

def softmax_rows(scores):
    """Reference: row-wise softmax of an (N, C) array."""
    return softmax(_as_array(scores))


def _probs_unshifted(scores):
    e = np.exp(_as_array(scores))
    return e / e.sum(axis=1, keepdims=True)


def _probs_wrong_axis(scores):
    s = _as_array(scores)
    e = np.exp(s - s.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _probs_wrong_axis_after_row_shift(scores):
    """Each row shifted by its own maximum (as it should be), then every column divided by its sum."""
    s = _as_array(scores)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _probs_not_normalised(scores):
    s = _as_array(scores)
    return np.exp(s - s.max(axis=1, keepdims=True))


def _probs_global_sum(scores):
    s = _as_array(scores)
    e = np.exp(s - s.max())
    return e / e.sum()


def _probs_one_max(scores):
    """One maximum for the whole array: a row far below it underflows to 0 / 0."""
    s = _as_array(scores)
    e = np.exp(s - s.max())
    return e / e.sum(axis=1, keepdims=True)


def _probs_global_sum_row_shift(scores):
    """Each row shifted by its own maximum, then every row divided by the sum of the whole array."""
    s = _as_array(scores)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum()


def _probs_normalised_scores(scores):
    s = _as_array(scores)
    return s / s.sum(axis=1, keepdims=True)


def _probs_missing_keepdims(scores):
    """Row statistics without ``keepdims``: (N,) lines up with the columns; silent only when N = C."""
    s = _as_array(scores)
    e = np.exp(s - s.max(axis=1))
    return e / e.sum(axis=1)


# two ways to make each of these mistakes, one hint each
_WRONG_AXIS = "You normalized each column: every row (one example) must sum to 1."
_ONE_SUM = "You divided by one sum over the whole array: normalize each row by its own sum."

PROBS_MISTAKES = (
    Mistake("no_max_subtraction",
            "exp overflows for large scores (np.exp(1000) is inf, and inf / inf is NaN): make the scores smaller "
            "first in a way that changes no probability (the identity above the exercise).",
            _probs_unshifted, covers=("generic:overflow",)),
    Mistake("one_max_for_all_rows",
            "You subtracted one maximum for the whole array: a row whose scores are all far below it underflows "
            "to exp(-1000) = 0 in every entry, and 0 / 0 is NaN. Subtract each row's own maximum (keepdims=True).",
            _probs_one_max),
    Mistake("wrong_axis", _WRONG_AXIS, _probs_wrong_axis),
    Mistake("wrong_axis_after_row_shift", _WRONG_AXIS, _probs_wrong_axis_after_row_shift),
    Mistake("not_normalised",
            "Each row must be divided by its sum so that the probabilities add up to 1.",
            _probs_not_normalised),
    Mistake("one_sum_for_all_rows", _ONE_SUM, _probs_global_sum),
    Mistake("one_sum_for_all_rows_after_row_shift", _ONE_SUM, _probs_global_sum_row_shift),
    Mistake("no_exp",
            "Scores must go through exp first: dividing raw scores by their sum can give negative 'probabilities'.",
            _probs_normalised_scores),
    Mistake("missing_keepdims",
            "A row statistic of shape (N,) broadcasts against (N, C) along the columns, not the rows: on a "
            "square array (N = C) it runs without an error and is wrong. Keep it as an (N, 1) column "
            "(keepdims=True, or [:, None]).",
            _probs_missing_keepdims),
)


# --- the loss of W and its gradient ---------------------------------------------------------

def _parts(W, X, y):
    """n, the row indices, the stable log-probabilities (N, C) and the one-hot labels (N, C)."""
    W, X = _as_array(W), _as_array(X)
    y = np.asarray(y)
    n = X.shape[0]
    scores = X @ W
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    onehot = np.zeros_like(scores)
    onehot[np.arange(n), y] = 1.0
    return n, np.arange(n), log_probs, onehot


def _loss_unshifted(W, X, y):
    n, rows, _, onehot = _parts(W, X, y)
    e = np.exp(_as_array(X) @ _as_array(W))
    p = e / e.sum(axis=1, keepdims=True)
    return float(-np.log(p[rows, y]).mean()), _as_array(X).T @ (p - onehot) / n


def _loss_log_of_probability(W, X, y):
    """Stable probabilities, but -ln(p_y) of an underflowed p_y is inf."""
    n, rows, log_probs, onehot = _parts(W, X, y)
    p = np.exp(log_probs)
    with np.errstate(divide="ignore"):
        loss = float(-np.log(p[rows, y]).mean())
    return loss, _as_array(X).T @ (p - onehot) / n


def _loss_epsilon_in_log(W, X, y):
    n, rows, log_probs, onehot = _parts(W, X, y)
    p = np.exp(log_probs)
    return float(-np.log(p[rows, y] + 1e-12).mean()), _as_array(X).T @ (p - onehot) / n


def _loss_all_log_probabilities(W, X, y):
    loss, dW = softmax_loss_W(W, X, y)
    return float(-_parts(W, X, y)[2].mean()), dW


def _loss_log10(W, X, y):
    loss, dW = softmax_loss_W(W, X, y)
    return loss / np.log(10.0), dW


def _loss_log10_everywhere(W, X, y):
    loss, dW = softmax_loss_W(W, X, y)
    return loss / np.log(10.0), dW / np.log(10.0)


def _loss_grad_not_averaged(W, X, y):
    loss, dW = softmax_loss_W(W, X, y)
    return loss, dW * len(y)


def _loss_not_averaged(W, X, y):
    loss, dW = softmax_loss_W(W, X, y)
    return loss * len(y), dW * len(y)


def _loss_grad_sign(W, X, y):
    loss, dW = softmax_loss_W(W, X, y)
    return loss, -dW


def _loss_no_minus(W, X, y):
    loss, dW = softmax_loss_W(W, X, y)
    return -loss, dW


def _loss_grad_onehot_missing(W, X, y):
    n, _, log_probs, _ = _parts(W, X, y)
    return softmax_loss_W(W, X, y)[0], _as_array(X).T @ np.exp(log_probs) / n


def _loss_mean_over_classes(W, X, y):
    loss, dW = softmax_loss_W(W, X, y)
    c = np.shape(W)[1]
    return loss / c, dW / c


def _loss_grad_of_scores(W, X, y):
    """dL/dS (N, C) returned where dL/dW (D, C) was asked for."""
    n, _, log_probs, onehot = _parts(W, X, y)
    return softmax_loss_W(W, X, y)[0], (np.exp(log_probs) - onehot) / n


def _loss_labels_every_row(W, X, y):
    """``log_probs[:, y]`` and ``dscores[:, y] -= 1``: the labels index every row, not one per row."""
    n, _, log_probs, _ = _parts(W, X, y)
    d = np.exp(log_probs)
    d[:, y] -= 1.0
    return float(-log_probs[:, y].mean()), _as_array(X).T @ d / n


def _loss_missing_keepdims(W, X, y):
    """Row maximum and row sum of shape (N,) broadcast along the columns (silent only when N = C)."""
    W, X = _as_array(W), _as_array(X)
    n, rows = X.shape[0], np.arange(X.shape[0])
    scores = X @ W
    shifted = scores - scores.max(axis=1)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1))
    d = np.exp(log_probs)
    d[rows, y] -= 1.0
    return float(-log_probs[rows, y].mean()), X.T @ d / n


LOSS_MISTAKES = (
    Mistake("no_max_subtraction",
            "exp overflows for large scores (np.exp(1000) is inf): make the scores smaller first in a way that "
            "changes neither the probabilities nor the loss.",
            _loss_unshifted, covers=("generic:overflow",)),
    Mistake("log_of_underflowed_probability",
            "A probability of e^-1000 underflows to 0 and -ln(0) is inf, yet the loss of that example is simply "
            "1000. Take the log before exponentiating: write ln p_y with the log-sum-exp form of notebook "
            "section 5, so that no probability is ever formed for the loss.",
            _loss_log_of_probability),
    Mistake("epsilon_in_log",
            "A small epsilon inside the log hides the underflow but caps every loss at about 27.6 "
            "(-ln 1e-12), so a confidently wrong example no longer costs what it should (1000 or more). "
            "Take the log before exponentiating instead (the log-sum-exp form).",
            _loss_epsilon_in_log),
    Mistake("mean_of_all_log_probabilities",
            "You averaged -ln p over every class of every example: the loss of example i is -ln p of its "
            "correct class y_i only, then the mean over the N examples.",
            _loss_all_log_probabilities),
    Mistake("labels_index_every_row",
            "Indexing with [:, y] takes, for every example, the columns of ALL the labels (an N x N block): "
            "each example needs only its own correct class, one entry per row.",
            _loss_labels_every_row),
    Mistake("missing_keepdims",
            "A row maximum or row sum of shape (N,) broadcasts against the (N, C) scores along the columns: on "
            "a square problem (N = C) it runs without an error and is wrong. Keep row statistics as (N, 1) "
            "columns (keepdims=True).",
            _loss_missing_keepdims),
    Mistake("log_base_10",
            "The loss is ln(10) = 2.30 times too small: np.log is the natural log (the workbook's), "
            "np.log10 is base 10 (the slide's 0.89).",
            _loss_log10),
    Mistake("log_base_10_everywhere",
            "Loss and gradient are ln(10) times too small: use the natural log, np.log.",
            _loss_log10_everywhere),
    Mistake("gradient_of_the_scores",
            "Your gradient has the shape of the scores (N, C): the exercise asks for the gradient with respect "
            "to W, of W's shape (D, C). The chain rule through S = X W turns dL/dS into dL/dW: which product "
            "of X and dL/dS has shape (D, C)?",
            _loss_grad_of_scores),
    Mistake("gradient_not_averaged",
            "The loss is right but the gradient is N times too large: the loss is a mean over the N examples, "
            "and so is its gradient.",
            _loss_grad_not_averaged),
    Mistake("not_averaged",
            "Loss and gradient are N times too large: the dataset loss is the mean over the N examples.",
            _loss_not_averaged),
    Mistake("gradient_sign",
            "The gradient has the wrong sign: raising the correct class's score lowers the loss, so dL/dW "
            "must point the other way.",
            _loss_grad_sign),
    Mistake("missing_minus",
            "The loss is negative: it is MINUS the log-probability of the correct class, -ln p_y >= 0.",
            _loss_no_minus),
    Mistake("gradient_onehot_missing",
            "Your gradient treats every class alike: differentiate -s_{y_i} too, which only the correct class "
            "of each example has (your written derivation, term by term).",
            _loss_grad_onehot_missing),
    Mistake("mean_over_classes",
            "You divided by the number of classes C: average over examples only.",
            _loss_mean_over_classes),
)

# scores of 1000: e^-2000 and e^-1000 underflow to 0, yet the two losses are exactly 2000 and 1000
HUGE_W = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 500.0]])
HUGE_Y = np.array([2, 0])

_LOSS_PUBLIC = (
    Case((CAT_SCORES, np.eye(1), CAT_Y), "the lecture's cat image, X = [[1]] so that X W is its scores (loss 2.04)"),
    Case((LECTURE_SCORES, np.eye(3), LECTURE_Y), "the lecture's three images (N = D = C = 3, X the identity)"),
    Case(_problem(70, 6, 4, 3, labels=[0, 2, 2, 1, 0, 2]), "6 examples, D = 4 (a last column of ones), 3 classes"),
    Case((HUGE_W, np.eye(2), HUGE_Y), "scores of 1000: two confidently wrong examples (losses 2000 and 1000)"),
)

_LOSS_HIDDEN = (
    ### BEGIN HIDDEN TESTS
    Case(_problem(71, 1, 3, 2), "a single example, two classes"),
    Case((np.zeros((5, 10)), _problem(72, 4, 5, 10)[1], np.array([0, 3, 9, 5])), "W = 0: all scores equal (ln 10)"),
    Case(_problem(73, 20, 8, 10, scale=100.0), "large scores, 20 examples, D = 8, 10 classes"),
    Case(_problem(74, 30, 12, 6, scale=0.1), "30 examples, D = 12, 6 classes, small scores"),
    Case((np.array([[2.0, 2.0, -1.0], [-500.0, -400.0, -800.0]]), np.eye(2), np.array([1, 2])),
         "a tie for the top score; a correct class 400 below the top (loss 400)"),
    Case((np.array([[1.0, -2.0], [0.5, 0.5], [-1.0, 3.0]]), np.array([[1, 0, 1], [2, 1, 1], [0, 3, 1]]),
          np.array([1, 0, 1])), "integer features"),
    ### END HIDDEN TESTS
)

# --- the slide's questions and the scale of W, committed before the experiments -------------


def _cat_loss(scale: float) -> float:
    """Softmax loss of the lecture's cat image with every score multiplied by ``scale``."""
    return float(softmax_loss_W(scale * CAT_SCORES, np.eye(1), CAT_Y)[0])


SOFTMAX_QUESTIONS = (
    Question("Q1", "the smallest value L_i can come arbitrarily close to", 0.0),
    Question("Q2", "L_i has a largest possible value (True/False)", False),
    Question("Q3", "the loss at initialization (all C = 10 scores equal)", float(np.log(10.0))),
    Question("Q4", "the cat image's loss with every score times 10 (W scaled by 10)", _cat_loss(10.0)),
    Question("Q5", "the cat image's loss with every score times 0.01 (W scaled by 0.01)", _cat_loss(0.01)),
)


EXERCISES = (
    Exercise(
        id="softmax_probs",
        title="Softmax probabilities, finite for any scores",
        notebook=NOTEBOOK,
        answer="softmax_probabilities",
        points=1,
        reference=softmax_rows,
        public=(
            Case((CAT_SCORES,), "the lecture's cat image (0.13, 0.87, 0.00)"),
            Case((LECTURE_SCORES,), "the lecture's three images (3 x 3)"),
            Case((_random_scores(80, 4, 5)[0],), "4 examples, 5 classes, random scores"),
            Case((np.array([[1000.0, 999.0, 0.0], [-5.0, 3.0, 1.0]]),), "scores of 1000"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case((np.zeros((3, 4)),), "all scores equal (uniform probabilities)"),
            Case((_random_scores(81, 1, 2)[0],), "one example, two classes"),
            Case((np.array([[7.5], [-3.0]]),), "one class (every probability 1)"),
            Case((_random_scores(82, 25, 10, scale=400.0)[0],), "large scores, 25 examples, 10 classes"),
            Case((np.array([[-1000.0, -1001.0, -2000.0]]),), "very negative scores (no 0 / 0)"),
            Case((np.array([[3.0, 3.0, 1.0], [0.5, -0.5, 0.0]]),), "a tie for the top score"),
            ### END HIDDEN TESTS
        ),
        mistakes=PROBS_MISTAKES,
        output_names=("probs",),
        forbidden=FORBIDDEN,
    ),
    commitment_exercise(
        id="softmax_predictions",
        title="Predict the softmax loss: its range, at initialization, and as W is scaled",
        notebook=NOTEBOOK,
        answer="softmax_predictions",
        points=1,
        questions=SOFTMAX_QUESTIONS,
        forbidden=FORBIDDEN,
    ),
    Exercise(
        id="softmax_vectorized",
        title="The softmax loss of W and its gradient, vectorized",
        notebook=NOTEBOOK,
        answer="softmax_loss_vectorized",
        points=4,
        reference=softmax_loss_W,
        public=_LOSS_PUBLIC,
        hidden=_LOSS_HIDDEN,
        mistakes=LOSS_MISTAKES,
        output_names=("loss", "dW"),
        forbidden=FORBIDDEN,
        loop_free=True,
        loop_probe=(Case(_problem(501, 5, 5, 3), "5 examples, 4 features and a bias, 3 classes"),
                    Case(_problem(502, 50, 5, 13), "50 examples, 4 features and a bias, 13 classes")),
    ),
)
