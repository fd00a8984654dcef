"""What an exercise is, and how one answer is judged against it.

An :class:`Exercise` is defined once, in a bank module (``course_lib/grading/exercises/bank/``),
and names everything needed to judge it: the name the student defines, its points, the
public and hidden test :class:`Case` s (plain data only, so that they can cross to a
sandboxed process), how the expected output is obtained (a trusted reference), and the
classic :class:`Mistake` s whose signature earns a specific hint.

Both the in-notebook ``check`` and the autograder use :func:`judge` and :func:`diagnose`:
one comparison, in the judging process, on plain data.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Case:
    """One test input for an exercise.

    Attributes
    ----------
    args : tuple
        Positional arguments for the student's function (numbers, strings, ndarrays, or
        :class:`Fixture` references); empty for a value exercise.
    label : str
        What the case is, as a student reads it ("the lecture's worked example").
    """

    args: tuple = ()
    label: str = ""


@dataclass(frozen=True)
class Fixture:
    """A trusted callable passed as an argument, named as ``"module:function"``.

    Callables cannot cross a process boundary as plain data; a fixture is re-imported
    by name on the side that calls the student's function.
    """

    target: str

    def resolve(self) -> Callable:
        import importlib

        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Mistake:
    """A classic mistake, recognised by the output it produces.

    Attributes
    ----------
    name : str
        Short identifier ("includes_correct_class").
    hint : str
        What to tell the student ("did you include j = y_i in the sum?").
    implementation : callable
        Same signature as the answer; reproduces the mistake. For a value exercise, a
        callable with no arguments returning the mistaken value.
    """

    name: str
    hint: str
    implementation: Callable


@dataclass(frozen=True)
class Verdict:
    """The result of judging one case: ``passed``, and if not, a one-line reason."""

    passed: bool
    message: str = ""


@dataclass(frozen=True)
class Exercise:
    """A graded exercise.

    Attributes
    ----------
    id : str
        The nbgrader ``grade_id`` of the answer cell (letters, digits, ``_``, ``-``).
    notebook : str
        Stem of the source notebook ("03_multiclass_svm").
    answer : str
        Name the student defines in the answer cell: a function, or a variable for a
        value exercise.
    points : float
    kind : {"function", "value"}
    reference : callable
        Trusted source of expected outputs: called like the answer (a function exercise)
        or with no arguments (a value exercise).
    public, hidden : tuple of Case
        Public cases run by ``check`` in the notebook; hidden ones only by the autograder.
    mistakes : tuple of Mistake
    output_names : tuple of str
        Names of the parts of a tuple output, for messages ("loss", "dscores").
    rtol, atol : float
        Tolerances of the comparison.
    forbidden : tuple of str
        course_lib names that an answer may not call (the reference it must not reuse).
    family : str
        What kind of exercise it is, for the generic hints ("hinge", "softmax", "regression",
        "penalty", "gradient", "optimizer", "search", "data"): a hint is only told where it can be
        true (no overflow hint without an exponential). Empty: inferred from the id and notebook
        (:func:`course_lib.grading.judging.hints.family_of`).
    loop_free : bool
        The answer must not loop in Python (a "vectorized" exercise): what its function runs
        is read by :meth:`course_lib.grading.judging.program.Program.answer_findings`.
    judge : callable, optional
        ``judge(case, actual) -> Verdict`` replacing the comparison with the reference:
        for answers with more than one right output, or to give directional feedback on
        a predicted value without revealing it.
    """

    id: str
    notebook: str
    answer: str
    points: float
    kind: str = "function"
    reference: Callable | None = None
    public: tuple = ()
    hidden: tuple = ()
    mistakes: tuple = ()
    output_names: tuple = ()
    rtol: float = 1e-6
    atol: float = 1e-8
    forbidden: tuple = ()
    judge: Callable | None = None
    title: str = field(default="")
    loop_free: bool = False
    family: str = ""

    def cases(self, include_hidden: bool):
        """Public cases, then hidden ones if asked: list of ``(case, is_hidden)``."""
        out = [(c, False) for c in self.public]
        if include_hidden:
            out += [(c, True) for c in self.hidden]
        return out


# --- plain data ------------------------------------------------------------------------

def resolve_args(args: tuple) -> tuple:
    """Fresh copies of a case's arguments, fixtures resolved (the answer may mutate them)."""
    return tuple(a.resolve() if isinstance(a, Fixture) else copy.deepcopy(a) for a in args)


class PlainList(tuple):
    """A list in an answer's output, kept apart from a tuple so that messages can say which it was."""


def to_plain(value):
    """Convert an answer's output to plain data, or raise ``TypeError`` saying why not.

    Plain data is a float/int/bool/str, a real numeric (or boolean) ndarray, or a tuple of
    those; a list becomes a :class:`PlainList`. Anything else (complex numbers, an object with a
    custom ``__eq__``, an ndarray subclass, a generator) is refused.
    """
    if value is None or type(value) in (bool, str):
        return value
    if type(value) in (int, float) or isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item() if isinstance(value, np.generic) else type(value)(value)
    if isinstance(value, (complex, np.complexfloating)):
        raise TypeError("a complex number (expected a real one)")
    if type(value) is np.ndarray:
        if np.issubdtype(value.dtype, np.complexfloating):
            raise TypeError(f"an array of complex numbers (dtype {value.dtype}; expected real numbers)")
        if not (np.issubdtype(value.dtype, np.integer) or np.issubdtype(value.dtype, np.floating)
                or value.dtype == bool):
            raise TypeError(f"an array of dtype {value.dtype} (expected numbers)")
        return np.array(value, copy=True)
    if isinstance(value, np.ndarray):
        raise TypeError(f"an array of type {type(value).__name__} (expected a plain numpy ndarray)")
    if type(value) is tuple or type(value) is PlainList:
        return type(value)(to_plain(v) for v in value)
    if type(value) is list:
        return PlainList(to_plain(v) for v in value)
    raise TypeError(f"a value of type {type(value).__name__} (expected numbers, arrays or a tuple of them)")


def _describe(x) -> str:
    if isinstance(x, np.ndarray):
        if x.size <= 6:
            return f"array {np.array2string(x, precision=4, separator=', ')}"
        return f"an array of shape {x.shape}"
    if isinstance(x, float):
        return f"{x:.6g}"
    if isinstance(x, PlainList):
        return f"a list of {len(x)} values"
    if isinstance(x, tuple):
        return f"a tuple of {len(x)} values"
    return repr(x)


def distinct(e: float, a: float) -> tuple[str, str]:
    """``e`` and ``a`` printed with the fewest significant digits (at least 4) that tell them apart."""
    for digits in range(4, 18):
        left, right = f"{e:.{digits}g}", f"{a:.{digits}g}"
        if left != right:
            return left, right
    return repr(e), repr(a)


def compare(expected, actual, *, rtol=1e-6, atol=1e-8, names=(), where="", equal_nan=False) -> Verdict:
    """Compare plain data exactly in shape and type, and numbers within tolerance.

    No broadcasting: an (N,) array against an (N, 1) one is a failure that says so.
    ``equal_nan`` lets NaN and inf match themselves (used to recognise an overflowing
    mistake); otherwise a non-finite value where a finite one was expected fails.
    """
    label = where or "the result"
    if isinstance(expected, tuple):
        what = "list" if isinstance(expected, PlainList) else "tuple"
        if not isinstance(actual, tuple) or len(actual) != len(expected) or (
                isinstance(actual, PlainList) != isinstance(expected, PlainList)):
            return Verdict(False, f"{label}: expected a {what} of {len(expected)} values, got {_describe(actual)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            part = names[i] if i < len(names) else f"item {i}"
            v = compare(e, a, rtol=rtol, atol=atol, where=part, equal_nan=equal_nan)
            if not v.passed:
                return v
        return Verdict(True)
    if isinstance(expected, str) or isinstance(actual, str):
        ok = isinstance(actual, str) and isinstance(expected, str) and expected.strip() == actual.strip()
        return Verdict(ok, "" if ok else f"{label}: expected {expected!r}, got {actual!r}")
    if actual is None or isinstance(actual, tuple):
        return Verdict(False, f"{label}: expected {_describe(expected)}, got {_describe(actual)}")
    e = np.asarray(expected, dtype=float)
    try:
        a = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        return Verdict(False, f"{label}: expected numbers, got {_describe(actual)}")
    if e.shape != a.shape:
        kind = "a number" if e.shape == () else f"shape {e.shape}"
        got = "a number" if a.shape == () else f"shape {a.shape}"
        return Verdict(False, f"{label}: expected {kind}, got {got}")
    if equal_nan:
        same_nonfinite = np.array_equal(np.isnan(a), np.isnan(e)) and np.array_equal(np.isinf(a), np.isinf(e))
        if not same_nonfinite:
            return Verdict(False, f"{label}: NaN or inf entries differ")
        finite = np.isfinite(e)
        e, a = e[finite], a[finite]
    elif not np.isfinite(a).all() and np.isfinite(e).all():
        return Verdict(False, f"{label}: got NaN or inf where finite numbers were expected")
    if not np.allclose(a, e, rtol=rtol, atol=atol):
        if e.shape == ():
            left, right = distinct(float(e), float(a))
            return Verdict(False, f"{label}: expected {left}, got {right}")
        close = np.isclose(a, e, rtol=rtol, atol=atol)
        idx = tuple(int(i) for i in np.argwhere(~close)[0])
        left, right = distinct(float(e[idx]), float(a[idx]))
        count = int((~close).sum())
        return Verdict(False, f"{label}: {count} of {e.size} entries differ; the first at index {idx}: "
                              f"expected {left}, got {right}")
    return Verdict(True)


def expected_output(exercise: Exercise, case: Case):
    """The trusted expected output for a case, as plain data."""
    if exercise.kind == "value":
        return to_plain(exercise.reference())
    return to_plain(exercise.reference(*resolve_args(case.args)))


_UNSET = object()


def judge(exercise: Exercise, case: Case, actual, expected=_UNSET) -> Verdict:
    """Judge one plain-data output of the student's answer on one case.

    ``expected`` may be passed when the caller already has the reference's output for
    this case (the autograder computes it once per run); otherwise it is computed here.
    """
    if exercise.judge is not None:
        return exercise.judge(case, actual)
    if expected is _UNSET:
        expected = expected_output(exercise, case)
    return compare(expected, actual, rtol=exercise.rtol, atol=exercise.atol, names=exercise.output_names)


MISTAKE_ATOL_SHARE = 1e-3  # of the exercise's atol, when matching a mistake's output


def mistake_output(exercise: Exercise, mistake: Mistake, case: Case):
    """A mistake's output on a case as plain data, or ``_UNSET`` when it cannot run there."""
    try:
        if exercise.kind == "value":
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
        atol = exercise.atol * (MISTAKE_ATOL_SHARE if exercise.kind == "function" else 1.0)
        return compare(wrong, actual, rtol=exercise.rtol, atol=atol, equal_nan=True).passed
    except Exception:  # odd output never matches
        return False


def matching_mistakes(exercise: Exercise, case: Case, actual) -> list:
    """Every known mistake whose output on ``case`` matches the answer's, in the bank's order."""
    return [m for m in exercise.mistakes if mistake_matches(exercise, m, case, actual)]


def diagnose(exercise: Exercise, case: Case, actual) -> Mistake | None:
    """The first known mistake whose output matches the student's, or None."""
    for mistake in exercise.mistakes:
        if mistake_matches(exercise, mistake, case, actual):
            return mistake
    return None
