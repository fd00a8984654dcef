"""Exercises of ``00_start_here.ipynb``: a first taste of the format.

- ``correct_class_scores``: pick each example's score for its correct class, s_{y_i};
- ``cat_hinge_loss``: the hinge loss of the lecture's cat image, worked out by hand.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.losses import svm_loss

_LECTURE_SCORES = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
_rng = np.random.default_rng(0)


def _correct_class_scores(scores, y):
    """Trusted reference: ``scores[i, y[i]]`` for every row i, shape (N,)."""
    return np.asarray(scores, dtype=float)[np.arange(len(y)), y]


def _whole_columns(scores, y):
    return scores[:, y]


def _row_maxima(scores, y):
    return scores.max(axis=1)


def _whole_rows(scores, y):
    return scores[y]


def _labels_off_by_one(scores, y):
    return scores[np.arange(len(y)), y - 1]


def _first_row_only(scores, y):
    return scores[0, y]


def _indices_swapped(scores, y):
    """The slide's (C, N) layout kept in mind: scores[y, rows] (runs only while N <= C and every label < N)."""
    return scores[y, np.arange(len(y))]


def _as_column(scores, y):
    return _correct_class_scores(scores, y)[:, None]


def _lecture_cat_loss():
    loss, _ = svm_loss(_LECTURE_SCORES[:1], np.array([0]))
    return loss


# scores[:, y] and scores[y]: one hint for both
_WHOLE = ("indexing with y alone (scores[:, y], or scores[y]) takes whole columns or rows, one per label, so N "
          "examples give an (N, N) or (N, C) array. Each row needs only its own entry: index rows and columns "
          "together, so that row i is paired with label y[i].")

EXERCISES = (
    Exercise(
        id="correct_class_scores",
        notebook="00_start_here",
        answer="correct_class_scores",
        title="The score of each example's correct class",
        points=1,
        reference=_correct_class_scores,
        loop_free=True,
        loop_probe=(Case((np.random.default_rng(1).normal(size=(5, 3)), np.array([0, 2, 1, 1, 0])),
                         "5 examples x 3 classes"),
                    Case((np.random.default_rng(2).normal(size=(50, 13)), np.random.default_rng(3).integers(0, 13, 50)),
                         "50 examples x 13 classes")),
        public=(
            Case((_LECTURE_SCORES, np.array([0, 1, 2])), "the lecture's 3 images x 3 classes"),
            Case((np.array([[0.5, -1.0, 2.0, 3.5, 0.0], [1.0, 2.0, 3.0, 4.0, 5.0],
                            [-2.0, -1.5, 0.25, 0.0, 9.0], [7.0, 6.0, 5.0, 4.0, 3.0]]),
                  np.array([2, 0, 4, 2])), "4 examples x 5 classes"),
            Case((np.array([[0.5, 1.5, -1.0, 2.0], [3.0, -2.0, 0.25, 1.0], [-0.5, 4.0, 2.5, 0.0]]),
                  np.array([2, 0, 1])), "3 examples x 4 classes, labels in no order"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case((np.array([[1.5, -0.5]]), np.array([1])), "one example"),
            Case((np.array([[2.5], [-1.0], [0.0]]), np.array([0, 0, 0])), "one class"),
            Case((_rng.normal(size=(7, 3)).round(3), np.array([2, 2, 0, 1, 0, 2, 1])), "7 examples x 3 classes"),
            Case((_rng.normal(size=(6, 10)).round(3), np.array([9, 0, 3, 3, 5, 8])), "6 examples x 10 classes"),
            Case((_rng.normal(size=(2, 70)).round(3), np.array([69, 3])), "2 examples x 70 classes"),  # (np.choose
            # takes at most 64 choices: "any C >= 1" rules it out)
            ### END HIDDEN TESTS
        ),
        mistakes=(
            Mistake("whole_columns", _WHOLE, _whole_columns),
            Mistake("whole_rows", _WHOLE, _whole_rows),
            Mistake("labels_off_by_one",
                    "each entry is one column to the left of the correct class: the labels y are already "
                    "0-based column indexes, use them as they are.",
                    _labels_off_by_one),
            Mistake("first_row_only",
                    "every entry comes from the first example's row: each example i needs its own row.",
                    _first_row_only),
            Mistake("indices_swapped",
                    "scores[y, rows] reads the table the other way round: scores has one ROW per example and "
                    "one COLUMN per class (shape (N, C)), so the row index comes first, scores[rows, y].",
                    _indices_swapped),
            Mistake("column_not_vector",
                    "the numbers are right but the shape is (N, 1): return a flat array of shape (N,).",
                    _as_column),
            Mistake("row_maxima",
                    "these are each row's highest scores; the exercise asks for the score of the correct "
                    "class y[i], which need not be the highest.",
                    _row_maxima),
        ),
    ),
    Exercise(
        id="cat_hinge_loss",
        notebook="00_start_here",
        answer="cat_hinge_loss",
        title="The hinge loss of the cat image, by hand",
        points=1,
        kind="value",
        reference=_lecture_cat_loss,
        public=(Case((), "the cat image: scores cat 3.2, car 5.1, frog -1.7"),),
        mistakes=(
            Mistake("includes_correct_class",
                    "the sum runs over j != y_i only: the correct class (cat) would add "
                    "max(0, 3.2 - 3.2 + 1) = 1 to the loss.",
                    lambda: 2.9 + 1.0),
            Mistake("squared_hinge",
                    "that is the squared hinge, max(0, .)^2; the lecture's loss is the plain hinge max(0, .).",
                    lambda: 2.9 ** 2),
            Mistake("averaged_over_classes",
                    "the hinge terms are summed over the wrong classes, not averaged.",
                    lambda: 2.9 / 2),
            Mistake("no_margin",
                    "each term carries the margin: a wrong class counts as soon as it comes within 1 of the "
                    "correct class's score, not only when it beats it.",
                    lambda: (5.1 - 3.2) + 0.0),
            Mistake("difference_reversed",
                    "each term is a wrong class's score minus the correct class's (s_j - s_y + 1): your "
                    "differences run the other way round.",
                    lambda: max(0.0, 3.2 - 5.1 + 1) + max(0.0, 3.2 + 1.7 + 1)),
            Mistake("forgot_clamp",
                    "max(0, .) clamps each term at zero: the frog term -1.7 - 3.2 + 1 = -3.9 counts as 0.",
                    lambda: 2.9 - 3.9),
        ),
        forbidden=("svm_loss",),
    ),
)
