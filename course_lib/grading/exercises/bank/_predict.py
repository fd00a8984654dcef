"""Predict-then-verify exercises: a tuple of short answers, graded for commitment.

The student commits to every answer of a section before its experiments run
(:func:`commitment_exercise`, design 4.2 of docs/course-flow.md): full points for a complete,
well-formed tuple; the check and the grader say "k of n right" and nothing per item, never the
expected value nor on which side of it an answer lies (with resubmission, "too high" is a
bisection). The judge lives in :mod:`course_lib.grading.exercises.commitment` and ships in the
released data bank with the answers stored as fingerprints.

Numbers are compared to three decimals (absolute tolerance 6e-4); a yes/no question takes
``True`` or ``False`` (ask "is there a largest value?" rather than for infinity).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from course_lib.grading.exercises.commitment import commitment_judge, kind_of
from course_lib.grading.exercises.model import Case, Exercise

THREE_DECIMALS = 6e-4


@dataclass(frozen=True)
class Question:
    """One item of a prediction tuple.

    Attributes
    ----------
    key : str
        Short name shown in the check ("Q1").
    label : str
        What is asked, as the case label.
    answer : float or bool
    """

    key: str
    label: str
    answer: object


def _is_bool(x) -> bool:
    return isinstance(x, bool)


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _same(expected, actual) -> bool:
    if _is_bool(expected):
        return _is_bool(actual) and actual == expected
    if not _is_number(actual) or math.isnan(actual):
        return False
    if math.isinf(expected) or math.isinf(actual):
        return expected == actual
    return abs(actual - expected) <= THREE_DECIMALS


def commitment_exercise(*, id, title, notebook, answer, points, questions, forbidden=()) -> Exercise:
    """An :class:`Exercise` of kind "value" asking for ``tuple(q.answer for q in questions)``, graded for commitment.

    The judge gives full points to any complete, well-formed tuple and reports how many items are
    right (numbers to three decimals, ``True``/``False`` exactly), never which. The released data bank
    carries the answers as fingerprints and the same judge (:mod:`course_lib.grading.exercises.databank`).
    """
    questions = tuple(questions)
    right = tuple(q.answer for q in questions)
    keys = tuple(q.key for q in questions)
    kinds = tuple(kind_of(q.answer) for q in questions)

    def reference():
        return right

    def is_right(k, value) -> bool:
        return _same(right[k], value)

    return Exercise(
        id=id, title=title, notebook=notebook, answer=answer, points=points, kind="value",
        reference=reference,
        public=(Case((), f"your {len(questions)} answers ({keys[0]} to {keys[-1]})"),),
        mistakes=(), output_names=keys, rtol=0.0, atol=THREE_DECIMALS, forbidden=tuple(forbidden),
        judge=commitment_judge(id, keys, kinds, is_right),
    )
