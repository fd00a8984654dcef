"""The advisory check a student runs below an exercise: ``check("exercise_id", answer)``.

It runs the exercise's public cases in the notebook's own process and prints a short
plain-text report (the same in JupyterLab, Notebook 7, VS Code and Colab): a tick per
passed case, and for a failure what was expected, what came back and a hint. Hints come
in two layers: the exercise's own :class:`~course_lib.grading.spec.Mistake` s first, then
generic signatures (wrong sign, not divided by N, log base 10, a shape that would
broadcast, NaN from overflow, a missing ``return``).

The check is advisory: grades come only from the autograder. With ``hidden=True`` (used
in the instructor's check cells and by nbgrader) every case runs, one line is printed,
and a failure raises ``AssertionError`` without revealing the hidden cases.
"""

from __future__ import annotations

import inspect
import linecache
import math
import textwrap
import traceback
import types
import warnings
from dataclasses import dataclass

import numpy as np

from . import spec

ADVISORY = "advisory only: grades come from the autograder"
_RTOL = 1e-6  # tolerance for recognising a signature (relative, on top of the exercise's)


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found: ``passed`` of ``total`` cases; ``attempted`` is False for a stub.

    Displays as nothing in a notebook, so that a check cell's last value is quiet (nbgrader
    would read a bare number as partial credit).
    """

    exercise_id: str
    passed: int
    total: int
    attempted: bool = True
    loop_free: bool = True

    @property
    def all_passed(self) -> bool:
        return self.attempted and self.loop_free and self.passed == self.total

    def __bool__(self) -> bool:
        return self.all_passed

    def _ipython_display_(self) -> None:  # the printed report says it all
        return None


# --- running the answer ------------------------------------------------------------------

class NotAttempted(Exception):
    """The answer is still the stub (it raised ``NotImplementedError``, or a value is None)."""


@dataclass(frozen=True)
class Outcome:
    """What the answer gave on one case: ``output`` (plain data), or an ``error`` line and
    ``where`` (the line of the student's cell that raised, if known)."""

    output: object = None
    error: str = ""
    where: str = ""


def _student_line(exc: BaseException, answer) -> str:
    """'line K of your cell: `code`' for the deepest frame in the answer's cell, or ''."""
    code = getattr(answer, "__code__", None)
    if code is None:
        return ""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == code.co_filename:
            found = frame
    if found is None or found.lineno is None:
        return ""
    text = (found.line or linecache.getline(found.filename, found.lineno)).strip()
    return f"line {found.lineno} of your cell: `{text}`" if text else f"line {found.lineno} of your cell"


def _describe_error(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}{': ' + message if message else ''}"


def run_answer(exercise: spec.Exercise, case: spec.Case, answer) -> Outcome:
    """Call the answer on one case (or take the value), quietly: no warnings reach stderr.

    Raises ``NotAttempted`` if the answer raises ``NotImplementedError`` (or is None for a
    value exercise).
    """
    if exercise.kind == "value":
        if answer is None:
            raise NotAttempted
        raw = answer
    else:
        if not callable(answer):
            return Outcome(error=f"expected a function named {exercise.answer}, got {type(answer).__name__}")
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                raw = answer(*spec.resolve_args(case.args))
        except NotImplementedError:
            raise NotAttempted from None
        except Exception as exc:  # any error in student code becomes one line of the report
            return Outcome(error=_describe_error(exc), where=_student_line(exc, answer))
    try:
        return Outcome(output=spec.to_plain(raw))
    except TypeError as exc:
        return Outcome(error=f"your answer returned {exc}")


# --- generic hints -------------------------------------------------------------------------

def _first_array(args: tuple):
    for a in args:
        if isinstance(a, np.ndarray) and a.ndim >= 1:
            return a
    return None


def _failing_part(exercise: spec.Exercise, expected, actual):
    """The first (name, expected, actual) part of a tuple output that differs, else the whole."""
    names = exercise.output_names
    if isinstance(expected, tuple) and isinstance(actual, tuple) and len(expected) == len(actual):
        for i, (e, a) in enumerate(zip(expected, actual)):
            if not spec.compare(e, a, rtol=exercise.rtol, atol=exercise.atol).passed:
                return (names[i] if i < len(names) else f"item {i}"), e, a
    return "", expected, actual


def _scale_factor(e: np.ndarray, a: np.ndarray):
    """r with a == r * e (within tolerance), or None; needs some entry of e clearly nonzero."""
    if e.shape != a.shape or not np.isfinite(a).all() or not np.isfinite(e).all():
        return None
    scale = float(np.abs(e).max()) if e.size else 0.0
    if scale < 1e-9:
        return None
    r = float(np.dot(a.ravel(), e.ravel()) / np.dot(e.ravel(), e.ravel()))
    if not np.allclose(a, r * e, rtol=_RTOL, atol=1e-9 * scale):
        return None
    return r


def _near(r: float, target: float) -> bool:
    return math.isclose(r, target, rel_tol=1e-5)


def generic_hint(exercise: spec.Exercise, case: spec.Case, expected, actual) -> str:
    """A hint from the shape of the difference between ``expected`` and ``actual``, or ''.

    Signatures, in order: ``None`` (no ``return``), a tuple of the wrong length, a shape
    mismatch (an (N,) vs (N, 1) one would broadcast silently), NaN/inf where numbers were
    expected (overflow in ``exp``), ``actual = -expected`` (sign), ``actual = expected + 1``
    (the hinge's j = y_i term), then ``actual = r * expected`` with
    N or 1/N (division by N), 1/ln 10 or 1/ln 2 (log base), 1/C or 1/(C-1) (averaged over
    classes), C or C-1.
    """
    if actual is None:
        return "your function returned None: did you forget the `return` statement?"
    if isinstance(expected, tuple) and (not isinstance(actual, tuple) or len(actual) != len(expected)):
        names = ", ".join(exercise.output_names) if exercise.output_names else f"{len(expected)} values"
        return f"return a tuple of {len(expected)} values ({names}), e.g. `return loss, grad`."
    part, e, a = _failing_part(exercise, expected, actual)
    if a is None:
        return f"{part or 'a part of your result'} is None: did you forget to compute or return it?"
    if isinstance(e, (str, tuple)) or isinstance(a, (str, tuple)):
        return ""
    e, a = np.asarray(e, dtype=float), np.asarray(a, dtype=float)
    what = f"`{part}`" if part else "your result"
    if e.shape != a.shape:
        squeezed = tuple(d for d in a.shape if d != 1) == tuple(d for d in e.shape if d != 1)
        if squeezed and e.size > 1:
            return (f"{what} has shape {a.shape} but should have shape {e.shape}. Such arrays broadcast "
                    f"silently (an (N,) array minus an (N, 1) one gives (N, N)): use .reshape or [:, None] "
                    f"deliberately, or keepdims=True only where you need it.")
        if a.ndim == 2 and a.shape == e.shape[::-1]:
            return (f"{what} has shape {a.shape}, the transpose of {e.shape}: a missing or extra .T? "
                    f"(the gradient of a quantity has the quantity's shape)")
        if e.size == a.size:
            return f"{what} has the right number of entries but shape {a.shape} instead of {e.shape}."
        if a.ndim == 0 and e.ndim > 0:
            return f"{what} is a single number but should have shape {e.shape}: did you sum or average too much?"
        if e.ndim == 0:
            return f"{what} should be a single number, not shape {a.shape}: did you forget to sum or average?"
        return f"{what} has shape {a.shape} but should have shape {e.shape}: check each axis of your indexing."
    if not np.isfinite(a).all() and np.isfinite(e).all():
        return (f"{what} contains NaN or inf. np.exp overflows for scores above ~709: subtract each row's "
                f"maximum score before exponentiating (it leaves softmax unchanged).")
    r = _scale_factor(e, a)
    if r is not None and _near(r, -1.0):
        return f"{what} has the right size but the wrong sign: check the direction of each term (or the minus)."
    if e.size and np.allclose(a - e, 1.0, rtol=0.0, atol=1e-6 * max(1.0, float(np.abs(e).max()))):
        return (f"{what} is exactly 1 too large: an extra term of 1? (In the hinge loss, the j = y_i term "
                f"adds max(0, s_y - s_y + 1) = 1 per example: the sum skips j = y_i.)")
    if r is None or _near(r, 1.0):
        return ""
    proportional = e.size > 1  # any two numbers are proportional: only arrays show a general factor
    x = _first_array(case.args)
    n = x.shape[0] if x is not None else None
    c = x.shape[1] if x is not None and x.ndim == 2 else None
    if n and n > 1 and _near(r, n):
        return f"{what} is N = {n} times too large: did you forget to divide by the number of examples N?"
    if n and n > 1 and _near(r, 1 / n):
        return f"{what} is N = {n} times too small: did you divide by N twice, or average where you should sum?"
    if _near(r, 1 / math.log(10)):
        return f"{what} is off by a factor ln(10): np.log is the natural log; np.log10 is base 10."
    if _near(r, 1 / math.log(2)) or _near(r, math.log(2)):
        return f"{what} is off by a factor ln(2): np.log is the natural log; np.log2 is base 2."
    if c and c > 1 and (_near(r, 1 / c) or (c > 2 and _near(r, 1 / (c - 1)))):
        return f"{what} is too small by the number of classes: did you average over classes instead of summing?"
    if c and c > 1 and (_near(r, c) or (c > 2 and _near(r, c - 1))):
        return f"{what} is too large by the number of classes: did you sum where you should average?"
    if proportional:
        return f"{what} is {r:.4g} times the expected value: a constant factor is off."
    return ""


def hint_for(exercise: spec.Exercise, case: spec.Case, expected, actual) -> str:
    """The exercise's own hint if a known mistake matches, else a generic one, else ''."""
    mistake = spec.diagnose(exercise, case, actual)
    if mistake is not None:
        return mistake.hint
    try:
        return generic_hint(exercise, case, expected, actual)
    except Exception:  # a hint must never break the report
        return ""


# --- the report ------------------------------------------------------------------------

def _short(x) -> str:
    """A one-line description of plain data, at most about 90 characters."""
    if x is None:
        return "None"
    if isinstance(x, tuple):
        return "(" + ", ".join(_short(v) for v in x) + ")" if len(x) <= 3 else f"a tuple of {len(x)} values"
    if isinstance(x, np.ndarray):
        if x.size <= 8:
            body = np.array2string(x, precision=4, separator=", ", suppress_small=True).replace("\n", "")
            return f"{body}  shape {x.shape}"
        first = np.array2string(x.ravel()[:4], precision=4, separator=", ", suppress_small=True)
        return f"array of shape {x.shape}, starting {first[:-1]}, ...]"
    if isinstance(x, float):
        return f"{x:.6g}"
    return repr(x)


def _case_label(case: spec.Case, k: int) -> str:
    return case.label or f"test {k}"


def _wrap(label: str, text: str) -> list[str]:
    """``label text`` wrapped at 100 columns, continuation lines aligned under the text."""
    first = f"      {label:<10}"
    return textwrap.wrap(text, width=100, initial_indent=first, subsequent_indent=" " * len(first),
                         break_on_hyphens=False) or [first]


def _called_names(answer) -> set:
    """Every global, attribute or free name the answer's code (nested functions included) refers to."""
    code = getattr(answer, "__code__", None)
    names, stack = set(), [code] if isinstance(code, types.CodeType) else []
    while stack:
        current = stack.pop()
        names.update(current.co_names + current.co_freevars)
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    return names


def _forbidden_note(exercise: spec.Exercise, answer) -> str:
    used = sorted(set(exercise.forbidden) & _called_names(answer))
    if not used:
        return ""
    listed = ", ".join(f"`{name}`" for name in used)
    text = (f"your answer uses course_lib's {listed}. Fine for experiments, but the autograder gives "
            f"no credit to an answer that calls the reference: write it yourself.")
    return "\n".join(textwrap.wrap(text, width=100, initial_indent="  note: ", subsequent_indent=" " * 8))


def _answer_loop(exercise: spec.Exercise, answer) -> str:
    """For a loop-free exercise: where the answer's source loops in Python, or ''."""
    if not exercise.loop_free:
        return ""
    try:
        lines, first = inspect.getsourcelines(answer)
    except (OSError, TypeError):  # no source to read (a builtin, a lambda typed at a prompt)
        return ""
    # blank lines above the function keep the line numbers those of the cell (or file)
    return spec.python_loop("\n" * max(first - 1, 0) + textwrap.dedent("".join(lines)))


def _value_shape_hint(expected, actual) -> str:
    """For a value exercise: a hint about the form of the answer (never its value), or ''."""
    if isinstance(expected, tuple) and (not isinstance(actual, tuple) or len(actual) != len(expected)):
        return f"the answer is {len(expected)} values, e.g. `answer = (a, b)`."
    if not isinstance(expected, (tuple, str)) and isinstance(actual, str):
        return "the answer is a number, not a string."
    return ""


def _report(exercise: spec.Exercise, answer) -> CheckResult:
    cases = exercise.public
    lines, passed, last_hint = [], 0, None
    for k, case in enumerate(cases, start=1):
        try:
            outcome = run_answer(exercise, case, answer)
        except NotAttempted:
            print(f"{exercise.id}: not attempted yet. Write your answer in the cell above, run it, "
                  f"then run this cell again. ({ADVISORY})")
            return CheckResult(exercise.id, 0, len(cases), attempted=False)
        label = _case_label(case, k)
        if outcome.error:
            lines.append(f"  ✗ {label}")
            lines += _wrap("error:", f"your code raised {outcome.error}")
            if outcome.where:
                lines.append(f"      {'where:':<10}{outcome.where}")
            continue
        verdict = spec.judge(exercise, case, outcome.output)
        if verdict.passed:
            passed += 1
            lines.append(f"  ✓ {label}")
            continue
        lines.append(f"  ✗ {label}")
        if exercise.kind == "value" and exercise.judge is None:
            # a value to predict: say that it is off (and why, if a known mistake matches), never the answer
            lines += _wrap("problem:", f"{_short(outcome.output)} is not the expected value")
            expected = spec.expected_output(exercise, case)
            mistake = spec.diagnose(exercise, case, outcome.output)
            hint = mistake.hint if mistake else _value_shape_hint(expected, outcome.output)
        elif exercise.judge is None:
            lines += _wrap("problem:", verdict.message.removeprefix("the result: "))
            expected = spec.expected_output(exercise, case)
            lines += _wrap("expected:", _short(expected))
            lines += _wrap("got:", _short(outcome.output))
            hint = hint_for(exercise, case, expected, outcome.output)
        else:  # several right answers: no single expected value, only known mistakes
            lines += _wrap("problem:", verdict.message.removeprefix("the result: "))
            lines += _wrap("got:", _short(outcome.output))
            mistake = spec.diagnose(exercise, case, outcome.output)
            hint = mistake.hint if mistake else ""
        if hint:
            lines += _wrap("hint:", "same as above" if hint == last_hint else hint)
            last_hint = hint
    total = len(cases)
    loop = _answer_loop(exercise, answer)
    if loop:
        lines += ["  ✗ no Python loops"] + _wrap("problem:", f"your function uses {loop}. This exercise asks for "
                                                 "whole-array numpy operations: the autograder gives no points "
                                                 "to an answer with a for/while loop or a comprehension.")
    mark = "✓" if passed == total and not loop else "✗"
    note = _forbidden_note(exercise, answer)
    print(f"{mark} {exercise.id}: {passed} of {total} public tests passed ({ADVISORY})")
    print("\n".join(lines + ([note] if note else [])))
    return CheckResult(exercise.id, passed, total, loop_free=not loop)


def _run_all(exercise: spec.Exercise, answer) -> CheckResult:
    cases = exercise.cases(include_hidden=True)
    failed = []
    for k, (case, is_hidden) in enumerate(cases, start=1):
        try:
            outcome = run_answer(exercise, case, answer)
        except NotAttempted:
            raise AssertionError(f"{exercise.id}: not attempted (NotImplementedError)") from None
        if outcome.error or not spec.judge(exercise, case, outcome.output).passed:
            failed.append("a hidden test" if is_hidden else f"public test '{_case_label(case, k)}'")
    total = len(cases)
    if failed:
        raise AssertionError(f"{exercise.id}: {len(failed)} of {total} tests failed: " + ", ".join(failed[:3])
                             + (", ..." if len(failed) > 3 else ""))
    loop = _answer_loop(exercise, answer)
    if loop:
        raise AssertionError(f"{exercise.id}: the answer uses {loop}; this exercise asks for no Python loops")
    print(f"✓ {exercise.id}: {total} of {total} tests passed, hidden ones included")
    return CheckResult(exercise.id, total, total)


def check(exercise_id: str, answer, hidden: bool = False) -> CheckResult:
    """Check an answer against an exercise's tests and print a short report.

    Parameters
    ----------
    exercise_id : str
        The exercise's id (the nbgrader ``grade_id`` of its answer cell).
    answer : callable or value
        The student's function (a function exercise) or value (a value exercise).
    hidden : bool
        False (students): run the public cases and print a report per case; never raises
        for a wrong answer. True (instructors, autograder): run public and hidden cases,
        print one line, raise ``AssertionError`` if any fails.

    Returns
    -------
    CheckResult
        ``passed``, ``total``, ``all_passed``; shows nothing when it is a cell's last value.
    """
    from .bank import get

    if not isinstance(exercise_id, str):
        raise ValueError(f"exercise_id: expected a string, got {type(exercise_id).__name__}")
    try:
        exercise = get(exercise_id)
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None
    return _run_all(exercise, answer) if hidden else _report(exercise, answer)
