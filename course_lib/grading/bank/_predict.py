"""Predict-then-verify exercises: a tuple of short answers, one public case per question.

The student commits to every answer of a section before its experiments run. Each public
case judges one item of the tuple (named by the case label's "Q1:" prefix), so the check says "Q3: too high" for that question
alone and never prints the expected value; an item equal to a classic slip gets that
slip's hint (printed once: as the hint when it is the only wrong item, else in the problem
line). Each slip is also a :class:`Mistake` (the right tuple with that one item
wrong), so the hint tables and the released data bank know it.

Numbers are compared to three decimals (absolute tolerance 6e-4); ``inf`` must be typed as
``float("inf")`` or ``np.inf``; a yes/no question takes ``True`` or ``False``.

In a student release the judge (code) is not shipped: every case then compares the whole tuple
with the stored answer, and the slips' hints still come from the stored mistakes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from course_lib.grading.spec import Case, Exercise, Mistake, Verdict

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


def _judge(questions):
    keys = ", ".join(q.key for q in questions)

    def judge(case, actual):
        if not isinstance(actual, tuple) or len(actual) != len(questions):
            return Verdict(False, f"expected a tuple of {len(questions)} answers ({keys}), got "
                                  f"{type(actual).__name__ if not isinstance(actual, tuple) else f'{len(actual)} answers'}")
        k = [q.key for q in questions].index(case.label.split(":", 1)[0])   # the case's question
        q, a = questions[k], actual[k]
        if _is_bool(q.answer) and not _is_bool(a):
            return Verdict(False, f"{q.key}: expected True or False, got {a!r}")
        if _is_number(q.answer) and not _is_number(a):
            return Verdict(False, f"{q.key}: expected a number, got {a!r}")
        if _same(q.answer, a):
            return Verdict(True)
        for _, value, hint in q.slips:
            if _same(value, a):
                others_right = all(_same(o.answer, x) for j, (o, x) in enumerate(zip(questions, actual)) if j != k)
                # with every other item right, the slip's Mistake matches the whole tuple and check prints
                # its hint below; otherwise say it here
                return Verdict(False, f"{q.key}: {a!r} is a classic slip" if others_right else f"{q.key}: {hint}")
        if _is_bool(q.answer):
            return Verdict(False, f"{q.key}: not it; the experiment below shows why")
        if math.isinf(q.answer) or math.isinf(a):
            return Verdict(False, f"{q.key}: {'is there really a limit?' if math.isinf(q.answer) else 'it is finite'}")
        return Verdict(False, f"{q.key}: {a:.3f} is too {'high' if a > q.answer else 'low'} (three decimals)")
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
        # value cases carry no arguments (the released data bank looks values up by ()): the label names the item
        public=tuple(Case((), f"{q.key}: {q.label}") for q in questions),
        mistakes=mistakes, output_names=tuple(q.key for q in questions), rtol=0.0, atol=THREE_DECIMALS,
        forbidden=tuple(forbidden), judge=_judge(questions),
    )
