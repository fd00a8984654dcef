"""Exercises of ``05_softmax_cross_entropy``: predict the slide's answers, then write the loss.

- ``softmax_predictions``: the slide's questions (smallest and largest loss, the loss at
  initialization) and the scale of W (scores times 10, times 0.01), answered before the
  experiments;
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

from course_lib.grading.exercises.bank._predict import Question, prediction_exercise
from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.losses import softmax, softmax_loss, softmax_loss_naive

FORBIDDEN = ("softmax", "softmax_loss", "softmax_loss_naive")

# The lecture's cat image: scores for cat, car, frog; the correct class is cat.
CAT_SCORES = np.array([[3.2, 5.1, -1.7]])
CAT_Y = np.array([0])
LECTURE_SCORES = np.array([[3.2, 5.1, -1.7],
                           [1.3, 4.9, 2.0],
                           [2.2, 2.5, -3.1]])
LECTURE_Y = np.array([0, 1, 2])
# Confidently wrong examples: p(correct) = e^-2000 and e^-1000 underflow to 0, yet the losses are
# exactly 2000 and 1000 (mean 1500).
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
            "You normalized each column: every row (one example) must sum to 1. Use axis=1 with keepdims=True.",
            _probs_wrong_axis),
    Mistake("not_normalised",
            "Each row must be divided by its sum so that the probabilities add up to 1.",
            _probs_not_normalised),
    Mistake("one_sum_for_all_rows",
            "You divided by one sum over the whole array: normalize each row by its own sum.",
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


def _loss_epsilon_in_log(scores, y):
    scores = _as_array(scores)
    n = scores.shape[0]
    p = np.exp(_log_probs_stable(scores))
    loss = float(-np.log(p[np.arange(n), y] + 1e-12).sum() / n)
    return loss, softmax_loss(scores, y)[1]


def _loss_all_log_probabilities(scores, y):
    scores = _as_array(scores)
    return float(-_log_probs_stable(scores).mean()), softmax_loss(scores, y)[1]


LOSS_MISTAKES = (
    Mistake("no_max_subtraction",
            "exp overflows for large scores (np.exp(1000) is inf): subtract each row's maximum score first; "
            "it changes neither the probabilities nor the loss.",
            _loss_unshifted),
    Mistake("log_of_underflowed_probability",
            "A probability of e^-1000 underflows to 0 and -ln(0) is inf, yet the loss is simply 1000. "
            "Take logs before exponentiating: ln p_y = (s_y - max) - ln(sum_j exp(s_j - max)).",
            _loss_log_of_probability),
    Mistake("epsilon_in_log",
            "A small epsilon inside the log hides the underflow but caps every loss at about 27.6 "
            "(-ln 1e-12), so a confidently wrong example no longer costs what it should (1000 or more). "
            "Take the log before exponentiating instead (the log-sum-exp form above the exercise).",
            _loss_epsilon_in_log),
    Mistake("mean_of_all_log_probabilities",
            "You averaged -ln p over every class of every example: the loss of example i is -ln p of its "
            "correct class y_i only, then the mean over the N examples.",
            _loss_all_log_probabilities),
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
    Case((HUGE_SCORES, HUGE_Y), "scores of 1000: no overflow, two confidently wrong examples (mean loss 1500)"),
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

# --- the slide's questions and the scale of W, predicted before the experiments ---------------

def _cat_loss(scale: float) -> float:
    """Softmax loss of the lecture's cat image with every score multiplied by ``scale``."""
    return float(softmax_loss(scale * CAT_SCORES, CAT_Y)[0])


SOFTMAX_QUESTIONS = (
    Question("Q1", "the smallest possible L_i (is it reached?)", 0.0, (
        ("one", 1.0, "L_i = -ln p(correct), and p can come as close to 1 as you like: -ln 1 = 0"),
    )),
    Question("Q2", "L_i has a largest possible value (True/False)", False, (
        ("bounded", True, "p(correct) can come as close to 0 as you like (push the correct score down), "
                          "and -ln p then grows without limit"),
    )),
    Question("Q3", "the loss at initialization (all scores equal), C = 10", float(np.log(10.0)), (
        ("log_base_10", 1.0, "log10(10) = 1 is base 10; the workbook uses the natural log"),
        ("hinge_value", 9.0, "9 = C - 1 is the hinge loss at initialization; here every probability is 1/C"),
        ("probability", 0.1, "0.1 = 1/C is the probability of the correct class; the loss is -ln of it"),
    )),
    Question("Q4", "the cat image's loss with every score times 10 (W scaled by 10)", _cat_loss(10.0), (
        ("unchanged", _cat_loss(1.0), "softmax does not ignore the scale: times 10, every gap between scores "
                                      "is 10 times larger, so the probabilities get much more peaked"),
        ("ten_times", 10 * _cat_loss(1.0), "close, but not 10 x 2.04: once one score dominates, the loss is "
                                           "about (top score - correct score)"),
    )),
    Question("Q5", "the cat image's loss with every score times 0.01 (W scaled by 0.01)", _cat_loss(0.01), (
        ("unchanged", _cat_loss(1.0), "softmax does not ignore the scale: tiny scores give almost equal "
                                      "probabilities"),
        ("hundredth", _cat_loss(1.0) / 100, "the loss is not proportional to the scale: with scores near 0 "
                                            "every probability is near 1/C"),
    )),
)


EXERCISES = (
    prediction_exercise(
        id="softmax_predictions",
        title="Predict the softmax loss: its range, at initialization, and as W is scaled",
        notebook="05_softmax_cross_entropy",
        answer="softmax_predictions",
        points=2,
        questions=SOFTMAX_QUESTIONS,
        forbidden=FORBIDDEN,
    ),
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
        loop_probe=(Case(_random_scores(501, 5, 3), "5 examples, 3 classes"),
                    Case(_random_scores(502, 50, 13), "50 examples, 13 classes")),
    ),
)
