"""The exercise's own classic mistakes: does an answer's output match one of them?

A :class:`~course_lib.grading.exercises.model.Mistake` reproduces a classic mistake; an answer
whose output on a case is the mistake's output (NaN matching NaN) earns that mistake's hint.

An answer written by someone else often makes the mistake in its own way: the RMSE taken as the
loss, with the RMSE's own gradient rather than the bank's. For an output of several parts (``loss,
dW``), a mistake is also recognised by the parts it changes (:func:`mistake_shows`): wherever the
mistake's output differs from the expected one, the answer's equals the mistake's, and at least
one such part differs; the parts the mistake leaves right may be wrong in the answer for another
reason.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Kind, Mistake, resolve_args
from course_lib.grading.exercises.plain import compare, to_plain

_UNSET = object()

MISTAKE_ATOL_SHARE = 1e-3  # of the exercise's atol, when matching a mistake's output


def mistake_output(exercise: Exercise, mistake: Mistake, case: Case):
    """A mistake's output on a case as plain data, or ``_UNSET`` when it cannot run there."""
    try:
        if exercise.kind == Kind.VALUE:
            return to_plain(mistake.implementation())
        with np.errstate(all="ignore"):
            return to_plain(mistake.implementation(*resolve_args(case.args)))
    except Exception:  # a mistake that cannot even run on this case does not match
        return _UNSET


def mistake_matches(exercise: Exercise, mistake: Mistake, case: Case, actual) -> bool:
    """Whether the answer's output ``actual`` is the mistake's output on ``case`` (NaN matches NaN)."""
    wrong = mistake_output(exercise, mistake, case)
    if wrong is _UNSET:
        return False
    try:
        # atol is for values that should be 0: near 0, a function's mistake matches only what is 0 to
        # far more digits (an answer ~1e-10 times too small is not the mistake whose output is 0);
        # a predicted value (typed by hand, rounded) keeps the exercise's tolerance
        atol = exercise.atol * (MISTAKE_ATOL_SHARE if exercise.kind == Kind.FUNCTION else 1.0)
        return compare(wrong, actual, rtol=exercise.rtol, atol=atol, equal_nan=True).passed
    except Exception:  # odd output never matches
        return False


def runs_on(exercise: Exercise, mistake: Mistake, case: Case) -> bool:
    """Whether the mistake's implementation gives an output on ``case`` (some cannot run on every case)."""
    return mistake_output(exercise, mistake, case) is not _UNSET


def _tolerances(exercise: Exercise) -> dict:
    atol = exercise.atol * (MISTAKE_ATOL_SHARE if exercise.kind == Kind.FUNCTION else 1.0)
    return {"rtol": exercise.rtol, "atol": atol, "equal_nan": True}


def _same_part(exercise: Exercise, one, other) -> bool:
    try:
        return compare(one, other, **_tolerances(exercise)).passed
    except Exception:  # odd output never matches
        return False


def mistake_shows(exercise: Exercise, mistake: Mistake, case: Case, expected, actual, every: bool = True) -> bool:
    """Whether ``actual`` shows the mistake in the parts of a tuple output that the mistake changes.

    The mistake's output and the expected one are tuples of the same length as ``actual``. With
    ``every``, each part where the mistake's output differs from ``expected`` must be the mistake's in
    ``actual`` (and there must be some). Without it, one such part holding more than one number is enough
    if every other one is the mistake's or the expected one (the bias row penalized in the gradient but
    left out of the loss). A
    single output (or a tuple of another form) shows a mistake only by matching it.
    """
    wrong = mistake_output(exercise, mistake, case)
    if wrong is _UNSET or not all(isinstance(x, tuple) and not isinstance(x, dict) for x in (wrong, expected, actual)):
        return False
    if not len(wrong) == len(expected) == len(actual) or len(expected) < 2:
        return False
    changed = [i for i in range(len(expected)) if not _same_part(exercise, expected[i], wrong[i])]
    shown = [i for i in changed if _same_part(exercise, wrong[i], actual[i])]
    if every:
        return bool(changed) and shown == changed
    # one part alone is evidence only if it holds many numbers: a single number (a best learning rate out
    # of three) agrees with some mistake's by chance
    informative = any(np.size(actual[i]) > 1 for i in shown)
    return informative and all(i in shown or _same_part(exercise, expected[i], actual[i]) for i in changed)


def showing_mistakes(exercise: Exercise, case: Case, expected, actual, every: bool = True) -> list:
    """Every known mistake that ``actual`` shows in the parts it changes (:func:`mistake_shows`)."""
    return [m for m in exercise.mistakes if mistake_shows(exercise, m, case, expected, actual, every)]


def matching_mistakes(exercise: Exercise, case: Case, actual) -> list:
    """Every known mistake whose output on ``case`` matches the answer's, in the bank's order."""
    return [m for m in exercise.mistakes if mistake_matches(exercise, m, case, actual)]


def diagnose(exercise: Exercise, case: Case, actual) -> Mistake | None:
    """The first known mistake whose output matches the student's, or None."""
    for mistake in exercise.mistakes:
        if mistake_matches(exercise, mistake, case, actual):
            return mistake
    return None
