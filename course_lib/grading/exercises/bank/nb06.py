"""Exercises of ``06_hinge_vs_softmax``: what only a comparison of the two losses shows.

- ``hinge_softmax_predictions``: six predictions about how each loss reacts (the slide's example with
  a higher correct score, a well-classified example moving, the examples that drive the gradient at
  trained weights), graded for commitment ("k of n right");
- ``disagreeing_pair``: two score vectors with the same correct class that the hinge loss and the
  softmax loss rank oppositely, each by at least 0.01; judged on what it achieves by
  ``judges:opposite_ranking`` (in the student's kernel with their own losses from notebooks 03 and 05);
- ``confidence_bins``: ``confidence_bins(probs, y, num_bins) -> (confidence, accuracy, count)``, the
  numbers behind a reliability diagram.

Bins: bin k of B holds the confidences c with k/B < c <= (k + 1)/B. The public and hidden cases put
confidences exactly on an edge only where B is a power of two, so that c * B and k / B are exact and
every correct way of binning agrees.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.bank._predict import Question, commitment_exercise
from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import NamedJudge
from course_lib.losses import softmax, softmax_loss_W, svm_loss_W

NOTEBOOK = "06_hinge_vs_softmax"
FORBIDDEN = ("svm_loss", "softmax_loss", "svm_loss_W", "softmax_loss_W", "softmax")

# the slide's example (L19): scores -2.85, 0.86, 0.28, the third class correct
SLIDE_SCORES = np.array([[-2.85, 0.86, 0.28]])
SLIDE_Y = np.array([2])


def _grown_losses():
    """(hinge, softmax) of the slide's example with the correct score raised from 0.28 to 2.0."""
    grown = SLIDE_SCORES.copy()
    grown[0, 2] = 2.0
    return (float(svm_loss_W(grown, np.eye(1), SLIDE_Y)[0]), float(softmax_loss_W(grown, np.eye(1), SLIDE_Y)[0]))


PREDICTION_QUESTIONS = (
    Question("Q1", "the hinge loss of the slide's example with the correct score 2.0", _grown_losses()[0]),
    Question("Q2", "its softmax loss", _grown_losses()[1]),
    Question("Q3", "the car image's hinge loss changes when its car score rises from 4.9 to 6.0", False),
    Question("Q4", "its softmax loss changes", True),
    Question("Q5", "deleting the digits with hinge loss 0 changes the summed hinge gradient", False),
    Question("Q6", "deleting them changes the summed softmax gradient", True),
)


# --- disagreeing_pair ------------------------------------------------------------------------

def _a_disagreeing_pair():
    """One answer (of many): A has every rival just beyond the margin, B one rival ahead and the rest far."""
    return np.array([0.0] + [-1.0] * 9), np.array([5.0, 5.5] + [-10.0] * 8), 0


# --- confidence_bins -------------------------------------------------------------------------

def confidence_bins_reference(probs, y, num_bins):
    """Per bin: mean confidence, accuracy and count; bin k holds confidences in (k/B, (k+1)/B]."""
    probs = np.asarray(probs, dtype=float)
    y = np.asarray(y)
    confidence = probs.max(axis=1)
    right = (probs.argmax(axis=1) == y).astype(float)
    edges = np.arange(1, num_bins + 1) / num_bins
    which = np.minimum(np.searchsorted(edges, confidence, side="left"), num_bins - 1)
    count = np.bincount(which, minlength=num_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_confidence = np.bincount(which, weights=confidence, minlength=num_bins) / count
        accuracy = np.bincount(which, weights=right, minlength=num_bins) / count
    return mean_confidence, accuracy, count


def _per_bin(which, confidence, right, num_bins):
    count = np.bincount(which, minlength=num_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.bincount(which, weights=confidence, minlength=num_bins) / count,
                np.bincount(which, weights=right, minlength=num_bins) / count, count)


def _parts(probs, y):
    probs = np.asarray(probs, dtype=float)
    return probs.max(axis=1), (probs.argmax(axis=1) == np.asarray(y)).astype(float)


def _bins_lower_edge_closed(probs, y, num_bins):
    """Bins [k/B, (k+1)/B), the top one closed: floor(c * B), 1.0 clipped into the last bin."""
    confidence, right = _parts(probs, y)
    which = np.minimum(np.floor(confidence * num_bins).astype(int), num_bins - 1)
    return _per_bin(which, confidence, right, num_bins)


def _bins_lower_edge_closed_top_lost(probs, y, num_bins):
    """Bins [k/B, (k+1)/B) (np.digitize's default): a confidence of 1.0 falls in no bin at all."""
    confidence, right = _parts(probs, y)
    which = np.floor(confidence * num_bins).astype(int)
    kept = which < num_bins
    return _per_bin(which[kept], confidence[kept], right[kept], num_bins)


def _bins_from_the_data_range(probs, y, num_bins):
    """np.histogram's default: B equal bins between the smallest and the largest confidence."""
    confidence, right = _parts(probs, y)
    edges = np.histogram_bin_edges(confidence, bins=num_bins)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, num_bins - 1)
    return _per_bin(which, confidence, right, num_bins)


def _bins_true_class_probability(probs, y, num_bins):
    """The probability of the correct class taken as the confidence."""
    probs = np.asarray(probs, dtype=float)
    y = np.asarray(y)
    confidence = probs[np.arange(len(y)), y]
    right = (probs.argmax(axis=1) == y).astype(float)
    which = np.minimum(np.searchsorted(np.arange(1, num_bins + 1) / num_bins, confidence, side="left"), num_bins - 1)
    return _per_bin(which, confidence, right, num_bins)


def _bins_empty_as_zero(probs, y, num_bins):
    mean_confidence, accuracy, count = confidence_bins_reference(probs, y, num_bins)
    return np.nan_to_num(mean_confidence), np.nan_to_num(accuracy), count


def _bins_share_not_count(probs, y, num_bins):
    mean_confidence, accuracy, count = confidence_bins_reference(probs, y, num_bins)
    return mean_confidence, accuracy, count / count.sum()


def _bins_right_not_divided(probs, y, num_bins):
    mean_confidence, accuracy, count = confidence_bins_reference(probs, y, num_bins)
    return mean_confidence, np.where(count > 0, accuracy * count, np.nan), count


def _bins_accuracy_over_all(probs, y, num_bins):
    mean_confidence, accuracy, count = confidence_bins_reference(probs, y, num_bins)
    return mean_confidence, np.where(count > 0, accuracy * count / count.sum(), np.nan), count


BINS_MISTAKES = (
    Mistake("lower_edge_closed",
            "A confidence exactly on an edge k/B belongs to the bin BELOW it: bin k holds k/B < c <= (k+1)/B "
            "(and 1.0 is in the last bin). Yours puts edge values in the bin above (as floor(c * B) does).",
            _bins_lower_edge_closed),
    Mistake("lower_edge_closed_top_lost",
            "A confidence exactly on an edge k/B belongs to the bin BELOW it: bin k holds k/B < c <= (k+1)/B. "
            "Yours puts edge values in the bin above, and a confidence of 1.0 in no bin at all (as np.digitize "
            "does by default: see its `right` argument).",
            _bins_lower_edge_closed_top_lost),
    Mistake("bins_from_the_data_range",
            "Your bins span the smallest to the largest confidence of these examples (np.histogram's default "
            "range): the bins are fixed, k/B to (k+1)/B between 0 and 1, whatever the data.",
            _bins_from_the_data_range),
    Mistake("true_class_probability",
            "The confidence is the model's LARGEST probability (the one behind its prediction), not the "
            "probability of the correct class: the model does not know the label.",
            _bins_true_class_probability),
    Mistake("empty_bins_zero",
            "An empty bin has no mean and no accuracy: return nan there (count 0), not 0, so that a plot "
            "shows a gap rather than a bar at zero.",
            _bins_empty_as_zero),
    Mistake("share_not_count",
            "`count` is the number of examples in each bin, not their share of N.",
            _bins_share_not_count),
    Mistake("right_not_divided",
            "`accuracy` is the FRACTION of a bin's examples predicted right: divide by the bin's count.",
            _bins_right_not_divided),
    Mistake("accuracy_over_all",
            "You divided the number right in a bin by all N examples: divide by that bin's own count.",
            _bins_accuracy_over_all),
)


def _softmax_rows(seed, n, c, scale, wrong=0.3):
    """Probabilities (n, c) and labels: the predicted class, except a share ``wrong`` of random labels."""
    rng = np.random.default_rng(seed)
    probs = softmax(scale * rng.standard_normal((n, c)))
    y = np.where(rng.random(n) < wrong, rng.integers(0, c, size=n), probs.argmax(axis=1))
    return probs, y


# two classes: confidences 0.5 (a tie: class 0), 0.75, 1.0 on the edges of B = 4, and 0.625, 0.875, 0.875
EDGES_PROBS = np.array([[0.5, 0.5], [0.25, 0.75], [0.0, 1.0], [0.625, 0.375], [0.125, 0.875], [0.875, 0.125]])
EDGES_Y = np.array([1, 1, 1, 0, 0, 0])

_RANDOM_PROBS, _RANDOM_Y = _softmax_rows(60, 40, 5, 1.5)
_HIDDEN_EDGES = np.array([[0.125, 0.875], [0.375, 0.625], [0.5, 0.5], [0.625, 0.375], [0.25, 0.75], [1.0, 0.0]])
_BIG_PROBS, _BIG_Y = _softmax_rows(61, 500, 10, 2.5)
_ONE_PROBS, _ONE_Y = _softmax_rows(62, 1, 3, 1.0)

EXERCISES = (
    commitment_exercise(
        id="hinge_softmax_predictions",
        title="Predict how the hinge and the softmax loss react",
        notebook=NOTEBOOK,
        answer="hinge_softmax_predictions",
        points=1,
        questions=PREDICTION_QUESTIONS,
        forbidden=FORBIDDEN,
    ),
    Exercise(
        id="disagreeing_pair",
        title="Two score vectors the hinge and the softmax loss rank oppositely",
        notebook=NOTEBOOK,
        answer="disagreement",
        points=2,
        kind="value",
        reference=_a_disagreeing_pair,
        public=(Case(("hinge", "softmax", 0.01, 1),
                     "hinge prefers A, softmax prefers B, each by at least 0.01 (your losses from 03 and 05)"),),
        output_names=("scores A", "scores B", "correct class"),
        forbidden=FORBIDDEN,
        judge=NamedJudge("course_lib.grading.exercises.judges:opposite_ranking"),
    ),
    Exercise(
        id="confidence_bins",
        title="Confidence bins: the numbers behind a reliability diagram",
        notebook=NOTEBOOK,
        answer="confidence_bins",
        points=2,
        reference=confidence_bins_reference,
        public=(
            Case((EDGES_PROBS, EDGES_Y, 4), "two classes, B = 4: confidences on the edges 0.5, 0.75, 1.0, bin 0 empty"),
            Case((_RANDOM_PROBS, _RANDOM_Y, 10), "40 examples, 5 classes, B = 10"),
            Case((_RANDOM_PROBS, _RANDOM_Y, 1), "the same examples, B = 1 (one bin)"),
            Case((*_softmax_rows(63, 30, 10, 0.6), 4),
                 "30 examples, 10 classes, soft probabilities, B = 4 (bin 0 used)"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case((_HIDDEN_EDGES, np.array([1, 1, 0, 0, 1, 1]), 8),
                 "B = 8, confidences 0.875, 0.625, 0.5 and 1.0 on edges, empty bins"),
            Case((_BIG_PROBS, _BIG_Y, 10), "500 examples, 10 classes, B = 10"),
            Case((_ONE_PROBS, _ONE_Y, 5), "one example, B = 5"),
            Case((np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]), np.array([0, 1, 1]), 3),
                 "every confidence 1.0: all in the last bin"),
            ### END HIDDEN TESTS
        ),
        mistakes=BINS_MISTAKES,
        output_names=("confidence", "accuracy", "count"),
        forbidden=FORBIDDEN,
        family="softmax",  # about softmax probabilities (their calibration): its hints may name them
    ),
)
