"""Exercises of ``01_linear_classifier_recap``: scores, the bias trick, accuracy.

- ``class_scores``: ``scores = X @ W + b`` for N examples in the rows of X;
- ``bias_trick``: append a 1 to every example and the bias as the last row of W;
- ``accuracy``: the fraction of examples whose highest score is the correct class.

Shapes: X (N, D), W (D, C), b (C,), scores (N, C), labels (N,).
"""

from __future__ import annotations

import numpy as np

from course_lib.data import cifar10_scores_example
from course_lib.grading.spec import Case, Exercise, Mistake
from course_lib.linear import add_bias_column, fold_bias, linear_scores


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


# --- scores --------------------------------------------------------------------------------

def _scores_no_bias(X, W, b):
    return np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)


def _scores_minus_bias(X, W, b):
    return _scores_no_bias(X, W, b) - np.asarray(b, dtype=float)


def _scores_elementwise_bias_sum(X, W, b):
    return _scores_no_bias(X, W, b) + np.sum(b)


# --- bias trick ----------------------------------------------------------------------------

def bias_trick_reference(X, W, b):
    """``(X with a column of ones appended, W with b appended as its last row)``."""
    return add_bias_column(X), fold_bias(W, b)


def _bias_prepended(X, W, b):
    X_ext, W_ext = bias_trick_reference(X, W, b)
    return np.roll(X_ext, 1, axis=1), np.roll(W_ext, 1, axis=0)


def _bias_zeros(X, W, b):
    X_ext, W_ext = bias_trick_reference(X, W, b)
    X_ext[:, -1] = 0.0
    return X_ext, W_ext


# --- accuracy ------------------------------------------------------------------------------

def accuracy_reference(scores, y):
    """Fraction of rows whose largest score sits in column ``y[i]``."""
    return float(np.mean(np.argmax(scores, axis=1) == y))


def _accuracy_argmin(scores, y):
    return float(np.mean(np.argmin(scores, axis=1) == y))


def _accuracy_count(scores, y):
    return float(np.sum(np.argmax(scores, axis=1) == y))


def _accuracy_error_rate(scores, y):
    return 1.0 - accuracy_reference(scores, y)


EXERCISES = (
    Exercise(
        id="class_scores",
        title="Class scores f(x, W) = Wx + b for a batch",
        notebook="01_linear_classifier_recap",
        answer="class_scores",
        points=1,
        reference=linear_scores,
        public=(
            Case((HAND_X, HAND_W, HAND_B), "the hand-made example: 2 images, 4 pixels, 3 classes"),
            Case(_random_model(5, 3, 4, seed=10), "5 examples, 3 features, 4 classes"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case(_random_model(1, 6, 2, seed=11), "a single example, two classes"),
            Case(_random_model(20, 64, 10, seed=12), "20 digit-sized examples, 10 classes"),
            Case(_random_model(7, 1, 3, seed=13), "one feature per example"),
            ### END HIDDEN TESTS
        ),
        mistakes=(
            Mistake("bias_missing", "The bias b is missing: add it to every row of X @ W.", _scores_no_bias),
            Mistake("bias_subtracted", "Add the bias, do not subtract it.", _scores_minus_bias),
            Mistake("bias_summed", "You added the sum of b to every score: class c gets its own b[c].",
                    _scores_elementwise_bias_sum),
        ),
        output_names=("scores",),
        forbidden=("linear_scores", "LinearClassifier"),
    ),
    Exercise(
        id="bias_trick",
        title="The bias trick",
        notebook="01_linear_classifier_recap",
        answer="bias_trick",
        points=1,
        reference=bias_trick_reference,
        public=(
            Case((HAND_X, HAND_W, HAND_B), "the hand-made example"),
            Case(_random_model(5, 3, 4, seed=14), "5 examples, 3 features, 4 classes"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case(_random_model(1, 2, 2, seed=15), "a single example, two classes"),
            Case(_random_model(9, 64, 10, seed=16), "9 digit-sized examples, 10 classes"),
            Case(_random_model(4, 1, 3, seed=17), "one feature per example"),
            ### END HIDDEN TESTS
        ),
        mistakes=(
            Mistake("prepended", "Put the constant 1 in the LAST column of X and b in the LAST row of W, "
                                 "as in the lecture (prepending gives the same scores but other arrays).",
                    _bias_prepended),
            Mistake("zeros_not_ones", "The extra feature must be the constant 1 (a 0 would switch the bias off).",
                    _bias_zeros),
        ),
        output_names=("X_ext", "W_ext"),
        forbidden=("add_bias_column", "fold_bias"),
    ),
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
        ),
        output_names=("accuracy",),
        forbidden=("LinearClassifier",),
    ),
)
