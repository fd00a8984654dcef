"""Exercise of ``01_linear_classifier_recap``: a linear classifier set by hand.

- ``hand_weights``: ``{"W": W (2, 2), "b": b (2,)}`` whose classifier ``argmax(x W + b)`` beats the
  trained one on the three modes, on the points the notebook shows and on fresh points of the same
  distribution. Graded on what it achieves, by the outcome judge
  :func:`course_lib.grading.exercises.judges.linear_accuracy`.

The targets were measured with ``tests/benchmarks/hand_weights_threshold.py``, which prints every straight
border's accuracy on the three samples and the margins these targets leave: any border that reaches both
public targets reaches the hidden one with at least 0.014 to spare, and the borders that reach the shown
points' target only by luck (borders through the lower right: 0.58 to 0.64 on fresh points, hardly better
than training) miss the check's fresh target by at least 0.031 (the grader's by at least 0.010).
"""

from __future__ import annotations

import numpy as np

from course_lib.data import make_three_modes
from course_lib.grading.exercises.model import Case, Exercise
from course_lib.grading.exercises.plain import NamedJudge

#: the 258 points of the notebook's three-modes figure (section 3)
SHOWN = make_three_modes(seed=0)
#: fresh points of the same distribution: one sample for the check, another for the grader
FRESH_PUBLIC = make_three_modes(n=3000, seed=2)
FRESH_HIDDEN = make_three_modes(n=3000, seed=1)
SHOWN_TARGET = 0.66    # trained classifier 0.585, majority rule 0.581, best border 0.690
FRESH_TARGET = 0.645   # between the lucky borders (<= 0.635) and the others (>= 0.653)


def _case(points, target, label):
    X, y = points
    return Case((X, y.astype(np.int8), target), label)


def _by_hand():
    """A border found in the playground: class 1 (the modes) where 3 x2 - 4 > 0, i.e. above x2 = 4/3."""
    return {"W": np.array([[0, 0], [0, 3]]), "b": np.array([0, -4])}


EXERCISES = (
    Exercise(
        id="hand_weights",
        title="Beat the trained classifier on the three modes, by hand",
        notebook="01_linear_classifier_recap",
        answer="hand_weights",
        points=2,
        kind="value",
        reference=_by_hand,
        public=(
            _case(SHOWN, SHOWN_TARGET, f"the {len(SHOWN[1])} three-modes points of section 3: "
                                       f"at least {SHOWN_TARGET:g} right"),
            _case(FRESH_PUBLIC, FRESH_TARGET, f"{len(FRESH_PUBLIC[1]):,} fresh points of the same distribution: "
                                              f"at least {FRESH_TARGET:g} right"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            _case(FRESH_HIDDEN, FRESH_TARGET, "another fresh sample of the same distribution"),
            ### END HIDDEN TESTS
        ),
        judge=NamedJudge("course_lib.grading.exercises.judges:linear_accuracy"),
        output_names=("W", "b"),
        forbidden=("LinearClassifier",),
    ),
)
