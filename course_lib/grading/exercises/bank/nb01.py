"""Exercise of ``01_linear_classifier_recap``: accuracy.

- ``accuracy``: the fraction of examples whose highest score is the correct class.

Shapes: scores (N, C), labels (N,). (The notebook's written question ``written_linear_limits``
is marked by hand and is not in the bank.)
"""

from __future__ import annotations

import numpy as np

from course_lib.data import cifar10_scores_example
from course_lib.grading.exercises.model import Case, Exercise, Mistake


def _random_model(n, d, c, seed):
    """Random X (n, d), W (d, c) and b (c,), fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal((d, c)), rng.standard_normal(c)


def _random_scores(n, c, seed):
    """Random (n, c) scores (no ties) and (n,) labels."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, c)), rng.integers(0, c, size=n)


# A small hand-made example: 2 images of 4 pixels, 3 classes (also shown in the notebook).
HAND_X = np.array([[0.5, 1.0, 0.0, 2.0],
                   [1.0, 0.0, 1.0, 0.0]])
HAND_W = np.array([[0.2, -0.5, 1.0],
                   [1.0, 0.3, -0.2],
                   [0.0, 2.0, 0.5],
                   [-0.3, 0.1, 0.4]])
HAND_B = np.array([0.1, -1.0, 0.3])

_CIFAR = cifar10_scores_example()


# --- accuracy ------------------------------------------------------------------------------

def accuracy_reference(scores, y):
    """Fraction of rows whose largest score sits in column ``y[i]``."""
    return float(np.mean(np.argmax(scores, axis=1) == y))


def _unambiguous(value, *others):
    """``value``, unless another mistake gives the same number on this case (then it proves neither)."""
    if any(value == other for other in others):
        raise ValueError("two mistakes give this value on this case")
    return value


def _accuracy_argmin(scores, y):
    return _unambiguous(float(np.mean(np.argmin(scores, axis=1) == y)), float(np.mean(np.argmax(scores) == y)))


def _accuracy_count(scores, y):
    return float(np.sum(np.argmax(scores, axis=1) == y))


def _accuracy_error_rate(scores, y):
    return 1.0 - accuracy_reference(scores, y)


def _accuracy_flat_argmax(scores, y):
    return _unambiguous(float(np.mean(np.argmax(scores) == y)), float(np.mean(np.argmin(scores, axis=1) == y)))


def _accuracy_percent(scores, y):
    return 100.0 * accuracy_reference(scores, y)


def _accuracy_per_example(scores, y):
    return np.argmax(scores, axis=1) == y


EXERCISES = (
    Exercise(
        id="accuracy",
        title="Accuracy: how often the highest score is the right class",
        notebook="01_linear_classifier_recap",
        answer="accuracy",
        points=1,
        reference=accuracy_reference,
        public=(
            Case((_CIFAR.scores, _CIFAR.y), "the slide's CIFAR-10 table (cat, car, frog)"),
            Case(_random_scores(8, 3, seed=18), "8 examples, 3 classes"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case(_random_scores(1, 5, seed=19), "a single example"),
            Case(_random_scores(50, 2, seed=20), "50 examples, two classes"),
            Case((np.eye(4) * 3.0 - 1.0, np.array([0, 1, 2, 3])), "every example right (accuracy 1)"),
            Case(_random_scores(40, 10, seed=21), "40 examples, 10 classes"),
            ### END HIDDEN TESTS
        ),
        mistakes=(
            Mistake("argmin", "The prediction is the class with the HIGHEST score (np.argmax).", _accuracy_argmin),
            Mistake("count_not_fraction", "Return a fraction in [0, 1]: divide the number of hits by N.",
                    _accuracy_count),
            Mistake("error_rate", "That is the error rate: accuracy counts the examples that are right.",
                    _accuracy_error_rate),
            Mistake("flat_argmax", "np.argmax without an axis finds one position in the whole flattened "
                                   "array: each row (example) needs its own highest score.", _accuracy_flat_argmax),
            Mistake("percentage", "That is a percentage: return the fraction in [0, 1].", _accuracy_percent),
            Mistake("per_example_not_averaged", "You returned one True/False per example: the accuracy is "
                                                "their average, a single number.", _accuracy_per_example),
        ),
        output_names=("accuracy",),
        forbidden=("LinearClassifier",),
    ),
)
