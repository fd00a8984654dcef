"""Predict-then-verify exercises: a tuple of short answers.

Workbook v3 grades a prediction for commitment (:func:`commitment_exercise`, design 4.2 of
docs/course-flow.md): full points for a complete, well-formed tuple; the check and the grader say
"k of n right" and nothing per item (:mod:`course_lib.grading.exercises.commitment`).

:func:`prediction_exercise` is v2's form, kept until the notebooks switch: judged question by question.

The student commits to every answer of a section before its experiments run. The one public
case (a value exercise has one) judges every item of the tuple and says which questions are
off ("Q3: 4.000 is too high"), never the expected value; an item equal to a classic slip gets
that slip's hint (printed once: as the hint when it is the only wrong item, else in the
problem line). Each slip is also a :class:`Mistake` (the right tuple with that one item
wrong), so the hint tables and the released data bank know it.

Numbers are compared to three decimals (absolute tolerance 6e-4); a yes/no question takes
``True`` or ``False`` (ask "is there a largest value?" rather than for infinity).

In a student release the judge (code) is not shipped: the released data bank compares the
whole tuple with its stored fingerprints, and the slips' hints come from the stored mistakes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from course_lib.grading.exercises.commitment import commitment_judge, kind_of
from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Verdict

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
    slips : tuple of (name, value, hint)
        Classic wrong answers and what to tell the student about each.
    """

    key: str
    label: str
    answer: object
    slips: tuple = ()


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


def _item_problem(q, a):
    """What is wrong with answer ``a`` to question ``q`` (``""`` if it is right), and the slip it matches."""
    if _is_bool(q.answer) and not _is_bool(a):
        return f"{q.key}: expected True or False, got {a!r}", None
    if _is_number(q.answer) and not _is_number(a):
        return f"{q.key}: expected a number, got {a!r}", None
    if _same(q.answer, a):
        return "", None
    for name, value, hint in q.slips:
        if _same(value, a):
            return f"{q.key}: {hint}", name
    if _is_bool(q.answer):
        return f"{q.key}: not it; the experiment below shows why", None
    if math.isinf(q.answer) or math.isinf(a):
        return f"{q.key}: {'is there really a limit?' if math.isinf(q.answer) else 'it is finite'}", None
    return f"{q.key}: {a:.3f} is too {'high' if a > q.answer else 'low'} (three decimals)", None


def _judge(questions):
    keys = ", ".join(q.key for q in questions)

    def judge(case, actual):
        if not isinstance(actual, tuple) or len(actual) != len(questions):
            got = f"{len(actual)} answers" if isinstance(actual, tuple) else type(actual).__name__
            return Verdict(False, f"expected a tuple of {len(questions)} answers ({keys}), got {got}")
        problems = [_item_problem(q, a) for q, a in zip(questions, actual)]
        wrong = [(text, slip) for text, slip in problems if text]
        if not wrong:
            return Verdict(True)
        right = len(questions) - len(wrong)
        if len(wrong) == 1 and wrong[0][1] is not None:
            # the slip's Mistake matches the whole tuple, and check prints its hint below: name it only
            return Verdict(False, f"{right} of {len(questions)} right; {wrong[0][0].split(':')[0]} is a classic slip")
        return Verdict(False, f"{right} of {len(questions)} right. " + "; ".join(text for text, _ in wrong))
    return judge


def prediction_exercise(*, id, title, notebook, answer, points, questions, forbidden=()) -> Exercise:
    """An :class:`Exercise` of kind "value" asking for ``tuple(q.answer for q in questions)``."""
    questions = tuple(questions)
    right = tuple(q.answer for q in questions)

    def reference():
        return right

    def slipped(k, value):
        return lambda: right[:k] + (value,) + right[k + 1:]

    mistakes = tuple(Mistake(f"{q.key.lower()}_{name}", f"{q.key}: {hint}", slipped(k, value))
                     for k, q in enumerate(questions) for name, value, hint in q.slips)
    return Exercise(
        id=id, title=title, notebook=notebook, answer=answer, points=points, kind="value",
        reference=reference,
        # one case, as the released data bank wants for a value (it stores the answer as fingerprints)
        public=(Case((), f"your {len(questions)} answers ({questions[0].key} to {questions[-1].key})"),),
        mistakes=mistakes, output_names=tuple(q.key for q in questions), rtol=0.0, atol=THREE_DECIMALS,
        forbidden=tuple(forbidden), judge=_judge(questions),
    )


def commitment_exercise(*, id, title, notebook, answer, points, questions, forbidden=()) -> Exercise:
    """An :class:`Exercise` of kind "value" asking for ``tuple(q.answer for q in questions)``, graded for commitment.

    The judge gives full points to any complete, well-formed tuple and reports how many items are
    right (numbers to three decimals, ``True``/``False`` exactly), never which; ``Question.slips`` are
    ignored (a slip's hint would name its item). The released data bank carries the answers as
    fingerprints and the same judge (:mod:`course_lib.grading.exercises.databank`).
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
