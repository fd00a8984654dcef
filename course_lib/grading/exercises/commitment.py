"""Predictions graded for commitment: full points for a complete answer, and only a count of the right ones.

A prediction exercise asks for a tuple of short answers (numbers, True/False) *before* the experiments
that reveal them. Its judge (:func:`commitment_judge`) passes any complete, well-formed tuple (every
item present, of its kind, finite) and says "k of n right" and nothing per item: no item named, no
slip's hint, no direction, so that flipping answers until the check passes gains nothing (the points
are for committing) and the experiments below still have something to reveal. A malformed tuple fails,
and the message names the item whose *form* is wrong ("Q3: expected True or False").

The same judge runs in the instructor's bank (:func:`course_lib.grading.exercises.bank._predict.commitment_exercise`,
which knows the answers) and in the release's data bank (which knows their fingerprints,
:mod:`course_lib.grading.exercises.databank`); only ``is_right`` differs.

Within one kernel (inside ``check``, :func:`remembering`), the first complete answer's count is kept, and
a changed answer gets no new count, only "changed since your first commitment (k of n right then)": otherwise
flipping one item and checking again would tell whether that item is right. The memory lasts as long as the
kernel (a restart gives one more count: the points never depend on it). The grader never remembers: each
submission is judged on its own and its feedback gives the saved answer's count.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Callable

from course_lib.grading.exercises.plain import PlainList, Verdict

KINDS = ("number", "bool")

_first: dict = {}        # exercise id -> (first complete answer, its count): for the kernel's life
_remembering: list = []  # non-empty while check() judges (see remembering())


@contextlib.contextmanager
def remembering():
    """While ``check`` judges: commitment judges remember each exercise's first complete answer."""
    _remembering.append(True)
    try:
        yield
    finally:
        _remembering.pop()


def kind_of(value) -> str:
    """The kind of an answer item: ``"bool"`` for True/False, else ``"number"``."""
    return "bool" if isinstance(value, bool) else "number"


def _form_problem(key: str, kind: str, value) -> str:
    """What is wrong with the *form* of one item ('' if nothing): never whether it is right."""
    if kind == "bool":
        return "" if isinstance(value, bool) else f"{key}: expected True or False, got {value!r}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{key}: expected a number, got {value!r}"
    if not math.isfinite(value):
        return f"{key}: expected a finite number, got {value!r}"
    return ""


@dataclass(frozen=True)
class CommitmentJudge:
    """The judge of a prediction graded for commitment; build it with :func:`commitment_judge`.

    Attributes
    ----------
    exercise_id : str
        For the kernel's memory of the first commitment.
    keys : tuple of str
        The items' names ("Q1", ...), for form problems only.
    kinds : tuple of str
        ``"number"`` or ``"bool"`` per item (what the released data bank stores beside the fingerprints).
    is_right : callable
        ``is_right(k, value) -> bool``: whether item ``k``'s answer is right (the bank compares with the
        answer, the release with its fingerprint).
    """

    exercise_id: str
    keys: tuple
    kinds: tuple
    is_right: Callable

    def __call__(self, case, actual) -> Verdict:
        """Passed for a complete, well-formed tuple, with the message "k of n right" (and the first
        commitment's count when the answer changed since, inside ``check``)."""
        n = len(self.kinds)
        if isinstance(actual, PlainList) and len(actual) == n:
            actual = tuple(actual)  # a list of the answers is as good a commitment as a tuple
        if not isinstance(actual, tuple) or isinstance(actual, PlainList) or len(actual) != n:
            got = (f"a list of {len(actual)}" if isinstance(actual, PlainList) else
                   f"a tuple of {len(actual)}" if isinstance(actual, tuple) else type(actual).__name__)
            return Verdict(False, f"expected a tuple of {n} answers ({', '.join(self.keys)}), got {got}")
        problems = [p for p in map(_form_problem, self.keys, self.kinds, actual) if p]
        if problems:
            return Verdict(False, "; ".join(problems))
        right = sum(bool(self.is_right(k, value)) for k, value in enumerate(actual))
        if _remembering:
            first = _first.setdefault(self.exercise_id, (actual, right))
            if first[0] != actual:  # a new count would tell which item changed from wrong to right
                return Verdict(True, f"changed since your first commitment ({first[1]} of {n} right then); "
                                     "the count is told once per kernel: the experiments below show which")
        return Verdict(True, f"{right} of {n} right")


def commitment_judge(exercise_id: str, keys, kinds, is_right) -> CommitmentJudge:
    """A :class:`CommitmentJudge`, its keys and kinds checked (one kind, ``"number"`` or ``"bool"``, per key)."""
    keys, kinds = tuple(keys), tuple(kinds)
    if not keys or len(keys) != len(kinds) or any(kind not in KINDS for kind in kinds):
        raise ValueError(f"kinds: expected one of {KINDS} per key, got {kinds!r} for {keys!r}")
    return CommitmentJudge(exercise_id, keys, kinds, is_right)
