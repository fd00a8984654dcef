"""Exercises of ``05_softmax_cross_entropy``: softmax probabilities, then the loss.

- ``softmax_probs``: row-wise ``p_k = exp(s_k) / sum_j exp(s_j)``, stable for any scores;
- ``softmax_loop``: the mean cross-entropy loss ``L_i = -ln p_{y_i}`` and its gradient
  ``dL/ds = (p - onehot(y)) / N``, written with loops;
- ``softmax_vectorized``: the same numbers without a Python loop.

Scores are (N, C) arrays (one row per example), labels (N,) integers, natural logs.
"Stable" means finite results for scores of any size: shift each row by its maximum,
and take the log of the probability as ``(s_y - max) - ln sum_j exp(s_j - max)`` so that a
probability that underflows to 0 still gives a finite loss.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.spec import Case, Exercise, Mistake
from course_lib.losses import softmax, softmax_loss, softmax_loss_naive

FORBIDDEN = ("softmax", "softmax_loss", "softmax_loss_naive")

# The lecture's cat image: scores for cat, car, frog; the correct class is cat.
CAT_SCORES = np.array([[3.2, 5.1, -1.7]])
CAT_Y = np.array([0])
LECTURE_SCORES = np.array([[3.2, 5.1, -1.7],
                           [1.3, 4.9, 2.0],
                           [2.2, 2.5, -3.1]])
LECTURE_Y = np.array([0, 1, 2])
# A confidently wrong example: p(correct) = e^-1000 underflows to 0, yet L = 1000 exactly.
HUGE_SCORES = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 500.0]])
HUGE_Y = np.array([2, 0])


def _random_scores(seed, n, c, scale=2.0):
    """Non-degenerate scores of shape (n, c) and labels of shape (n,), fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal((n, c)), rng.integers(0, c, size=n)


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


def _probs_not_normalised(scores):
    s = _as_array(scores)
    return np.exp(s - s.max(axis=1, keepdims=True))


def _probs_global_sum(scores):
    s = _as_array(scores)
    e = np.exp(s - s.max())
    return e / e.sum()


def _probs_normalised_scores(scores):
    s = _as_array(scores)
    return s / s.sum(axis=1, keepdims=True)


PROBS_MISTAKES = (
    Mistake("no_max_subtraction",
            "exp overflows for large scores (np.exp(1000) is inf, and inf / inf is NaN): subtract each row's "
            "maximum before exponentiating; it changes no probability.",
            _probs_unshifted),
    Mistake("wrong_axis",
            "You normalised each column: every row (one example) must sum to 1. Use axis=1 with keepdims=True.",
            _probs_wrong_axis),
    Mistake("not_normalised",
            "Each row must be divided by its sum so that the probabilities add up to 1.",
            _probs_not_normalised),
    Mistake("one_sum_for_all_rows",
            "You divided by one sum over the whole array: normalise each row by its own sum.",
            _probs_global_sum),
    Mistake("no_exp",
            "Scores must go through exp first: dividing raw scores by their sum can give negative 'probabilities'.",
            _probs_normalised_scores),
)


# --- the loss and its gradient ---------------------------------------------------------------

def _log_probs_stable(s):
    shifted = s - s.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _loss_unshifted(scores, y):
    s = _as_array(scores)
    n = s.shape[0]
    e = np.exp(s)
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), y]).sum() / n
    d = p.copy()
    d[np.arange(n), y] -= 1.0
    return float(loss), d / n


def _loss_log_of_probability(scores, y):
    """Stable probabilities, but -ln(p_y) of an underflowed p_y is inf."""
    s = _as_array(scores)
    n = s.shape[0]
    p = softmax(s)
    with np.errstate(divide="ignore"):
        loss = -np.log(p[np.arange(n), y]).sum() / n
    _, d = softmax_loss(s, y)
    return float(loss), d


def _loss_log10(scores, y):
    loss, d = softmax_loss(scores, y)
    return loss / np.log(10.0), d


def _loss_log10_everywhere(scores, y):
    loss, d = softmax_loss(scores, y)
    return loss / np.log(10.0), d / np.log(10.0)


def _loss_grad_not_averaged(scores, y):
    loss, d = softmax_loss(scores, y)
    return loss, d * np.shape(scores)[0]


def _loss_not_averaged(scores, y):
    loss, d = softmax_loss(scores, y)
    n = np.shape(scores)[0]
    return loss * n, d * n


def _loss_grad_sign(scores, y):
    loss, d = softmax_loss(scores, y)
    return loss, -d


def _loss_no_minus(scores, y):
    loss, d = softmax_loss(scores, y)
    return -loss, d


def _loss_grad_onehot_missing(scores, y):
    loss, _ = softmax_loss(scores, y)
    return loss, softmax(_as_array(scores)) / np.shape(scores)[0]


def _loss_mean_over_classes(scores, y):
    loss, d = softmax_loss(scores, y)
    c = np.shape(scores)[1]
    return loss / c, d / c


LOSS_MISTAKES = (
    Mistake("no_max_subtraction",
            "exp overflows for large scores (np.exp(1000) is inf): subtract each row's maximum score first; "
            "it changes neither the probabilities nor the loss.",
            _loss_unshifted),
    Mistake("log_of_underflowed_probability",
            "A probability of e^-1000 underflows to 0 and -ln(0) is inf, yet the loss is simply 1000. "
            "Take logs before exponentiating: ln p_y = (s_y - max) - ln(sum_j exp(s_j - max)).",
            _loss_log_of_probability),
    Mistake("log_base_10",
            "The loss is ln(10) = 2.30 times too small: np.log is the natural log (the workbook's), "
            "np.log10 is base 10 (the slide's 0.89).",
            _loss_log10),
    Mistake("log_base_10_everywhere",
            "Loss and gradient are ln(10) times too small: use the natural log, np.log.",
            _loss_log10_everywhere),
    Mistake("gradient_not_averaged",
            "The loss is right but the gradient is N times too large: divide dscores by N too.",
            _loss_grad_not_averaged),
    Mistake("not_averaged",
            "Loss and gradient are N times too large: the dataset loss is the mean over the N examples.",
            _loss_not_averaged),
    Mistake("gradient_sign",
            "The gradient has the wrong sign: dL/ds_k = p_k - 1[k = y], which is negative for the correct class.",
            _loss_grad_sign),
    Mistake("missing_minus",
            "The loss is negative: it is MINUS the log-probability of the correct class, -ln p_y >= 0.",
            _loss_no_minus),
    Mistake("gradient_onehot_missing",
            "The gradient must subtract 1 at the correct class: dL/ds_k = p_k - 1[k = y_i] (then / N).",
            _loss_grad_onehot_missing),
    Mistake("mean_over_classes",
            "You divided by the number of classes C: average over examples only.",
            _loss_mean_over_classes),
)

_LOSS_PUBLIC = (
    Case((CAT_SCORES, CAT_Y), "the lecture's cat image (loss 2.04)"),
    Case((LECTURE_SCORES, LECTURE_Y), "the lecture's three images"),
    Case(_random_scores(70, 5, 4), "5 examples, 4 classes, random scores"),
    Case((HUGE_SCORES, HUGE_Y), "scores of 1000: no overflow, and a confidently wrong example (loss 1000)"),
)

_LOSS_HIDDEN = (
    ### BEGIN HIDDEN TESTS
    Case(_random_scores(71, 1, 2), "a single example, two classes"),
    Case((np.zeros((4, 10)), np.array([0, 3, 9, 5])), "all scores equal (loss ln 10)"),
    Case(_random_scores(72, 20, 10, scale=300.0), "large random scores, 20 examples, 10 classes"),
    Case(_random_scores(73, 30, 6, scale=0.5), "30 examples, 6 classes, small scores"),
    Case((np.array([[2.0, 2.0, -1.0], [-500.0, -400.0, -800.0]]), np.array([1, 2])), "ties, very negative scores"),
    ### END HIDDEN TESTS
)

EXERCISES = (
    Exercise(
        id="softmax_probs",
        title="Softmax probabilities, stable",
        notebook="05_softmax_cross_entropy",
        answer="softmax_probabilities",
        points=1,
        reference=softmax_rows,
        public=(
            Case((CAT_SCORES,), "the lecture's cat image (0.13, 0.87, 0.00)"),
            Case((_random_scores(80, 4, 5)[0],), "4 examples, 5 classes, random scores"),
            Case((np.array([[1000.0, 999.0, 0.0], [-5.0, 3.0, 1.0]]),), "scores of 1000 (no overflow)"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case((np.zeros((3, 4)),), "all scores equal (uniform probabilities)"),
            Case((_random_scores(81, 1, 2)[0],), "one example, two classes"),
            Case((_random_scores(82, 25, 10, scale=400.0)[0],), "large scores, 25 examples, 10 classes"),
            Case((np.array([[-1000.0, -1001.0, -2000.0]]),), "very negative scores (no 0 / 0)"),
            Case((np.array([[3.0, 3.0, 1.0], [0.5, -0.5, 0.0]]),), "a tie for the top score"),
            ### END HIDDEN TESTS
        ),
        mistakes=PROBS_MISTAKES,
        output_names=("probs",),
        forbidden=FORBIDDEN,
    ),
    Exercise(
        id="softmax_loop",
        title="The softmax loss and its gradient, with loops",
        notebook="05_softmax_cross_entropy",
        answer="softmax_loss_loop",
        points=2,
        reference=softmax_loss_naive,
        public=_LOSS_PUBLIC,
        hidden=_LOSS_HIDDEN,
        mistakes=LOSS_MISTAKES,
        output_names=("loss", "dscores"),
        forbidden=FORBIDDEN,
    ),
    Exercise(
        id="softmax_vectorized",
        title="The softmax loss and its gradient, vectorized",
        notebook="05_softmax_cross_entropy",
        answer="softmax_loss_vectorized",
        points=2,
        reference=softmax_loss,
        public=_LOSS_PUBLIC,
        hidden=_LOSS_HIDDEN,
        mistakes=LOSS_MISTAKES,
        output_names=("loss", "dscores"),
        forbidden=FORBIDDEN,
        loop_free=True,
    ),
)
