"""The advisory check a student runs below an exercise: ``check("exercise_id", answer)``.

It runs the exercise's public cases in the notebook's own process and prints a short
plain-text report: a tick per passed case, and for a failure what was expected, what came
back and a hint. The verdict comes from the one judge the autograder uses
(:mod:`course_lib.grading.judging.judge`), on the same data, made by the same functions: the
answer's replies (:mod:`course_lib.grading.judging.running`), the course_lib functions it runs
that the exercise forbids, and, for a loop-free exercise, its Python steps counted on the same two
inputs (:mod:`course_lib.grading.judging.conduct`).

Then it compares the kernel with the saved notebook the grader runs top to bottom
(:mod:`course_lib.grading.grader_view`) and says at once when the grader would use another
definition ("the grader will use the definition in cell 14, which fails ...").

The check is advisory: grades come only from the autograder. With ``hidden=True`` (used
in the instructor's check cells and by nbgrader) every case runs, one line is printed,
and a failure raises ``AssertionError`` without revealing the hidden cases.
"""

from __future__ import annotations

import linecache
import textwrap
import traceback
from dataclasses import dataclass

from course_lib.grading import grader_view
from course_lib.grading.exercises import model, plain
from course_lib.grading.judging.running import Outcome
from course_lib.grading.statuses import CaseOutcome, Status

# judge and hints load on the first check: the grader's sandbox imports this package for `running` and
# `wire` only, and each millisecond there is paid by every submission


def __getattr__(name):
    if name in ("generic_hint", "hint_for"):  # part of check's public interface, from hints
        from course_lib.grading.judging import hints

        return getattr(hints, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


grader_view.remember_cell_ids()

ADVISORY = "advisory only: grades come from the autograder"


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
    status: str = ""
    grader_note: str = ""  # what differs between the kernel and the saved notebook the grader runs ('' if nothing)

    @property
    def all_passed(self) -> bool:
        return self.attempted and self.loop_free and self.passed == self.total and self.status in ("", "passed")

    def __bool__(self) -> bool:
        return self.all_passed

    def _ipython_display_(self) -> None:  # the printed report says it all
        return None


def _student_line(exc, answer) -> str:
    """'line K of your cell: `code`' for the deepest frame in the answer's cell, or ''."""
    code = getattr(answer, "__code__", None)
    if code is None or exc is None:
        return ""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == code.co_filename:
            found = frame
    if found is None or found.lineno is None:
        return ""
    text = (found.line or linecache.getline(found.filename, found.lineno)).strip()
    return f"line {found.lineno} of your cell: `{text}`" if text else f"line {found.lineno} of your cell"


# --- where a loop is ---------------------------------------------------------------------------

def _label_of(filename: str) -> str:
    """How check names a cell of this kernel in a loop's message: "In [5]", the label Jupyter shows beside it
    (its execution count; never a position, which the grader's messages use)."""
    count = getattr(getattr(grader_view._shell(), "compile", None), "_filename_map", {}).get(filename)
    return f"In [{count}]" if count else "a cell"


# --- the report ------------------------------------------------------------------------

def _wrap(label: str, text: str) -> list[str]:
    """``label text`` wrapped at 100 columns, continuation lines aligned under the text."""
    first = f"      {label:<10}"
    return textwrap.wrap(text, width=100, initial_indent=first, subsequent_indent=" " * len(first),
                         break_on_hyphens=False) or [first]


def _value_shape_hint(expected, actual) -> str:
    """For a value exercise: a hint about the form of the answer (never its value), or ''."""
    if isinstance(expected, tuple) and (not isinstance(actual, tuple) or len(actual) != len(expected)):
        return f"the answer is {len(expected)} values, e.g. `answer = (a, b)`."
    if not isinstance(expected, (tuple, str)) and isinstance(actual, str):
        return "the answer is a number, not a string."
    return ""


def _kernel_history():
    """The cells this IPython kernel ran, in order (None outside IPython): what the answers store records from."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    if not history:
        return None
    return [(f"input [{k}]", text) for k, text in enumerate(history) if text]


def _judged(exercise: model.Exercise, cases: list, answer):
    """The replies on ``cases`` and the judge's verdict; reference stubs closed while the answer runs.

    A value answer does not run here (it is already computed), so nothing is closed for it: its outcome judge
    (:mod:`course_lib.grading.exercises.judges`) measures it with the student's earlier answers through
    ``mine()``, which the closed stubs would refuse.
    """
    import contextlib

    from course_lib.answers import checking
    from course_lib.grading.exercises.commitment import remembering
    from course_lib.grading.judging import judge

    # a function answer runs with course_lib's stubs closed; a value's judge may run the student's parts
    closed = checking(exercise.id) if exercise.kind == model.Kind.FUNCTION else contextlib.nullcontext()
    with closed, remembering():
        return judge.judge_answer(exercise, answer, cases, _label_of)


def _grader_note(exercise: model.Exercise, answer) -> str:
    """What the grader would use instead of the kernel's answer, wrapped for the report ('' if the same)."""
    try:
        text = grader_view.note(exercise, answer)
    except Exception as exc:  # the comparison must never break the check
        text = f"check could not compare your kernel with the saved notebook ({type(exc).__name__})"
    return text


def _report(exercise: model.Exercise, answer) -> CheckResult:
    cases = [(case, False) for case in exercise.public] or [(model.Case(), False)]
    replies, verdict = _judged(exercise, cases, answer)
    total = len(cases)
    if verdict.status == Status.NOT_ATTEMPTED:
        print(f"{exercise.id}: not attempted yet. Write your answer in the cell above, run it, "
              f"then run this cell again. ({ADVISORY})")
        return CheckResult(exercise.id, 0, total, attempted=False, status=verdict.status)
    lines, last_hint, passed = [], None, 0
    for k, ((case, _), reply, case_verdict) in enumerate(zip(cases, replies, verdict.cases), start=1):
        label = case_verdict.label or f"test {k}"
        if case_verdict.passed:
            passed += 1
            lines.append(f"  ✓ {label}")
            if case_verdict.message:  # a judge's note: a prediction's "3 of 7 right"
                lines += _wrap("note:", case_verdict.message)
            continue
        lines.append(f"  ✗ {label}")
        if reply.outcome == Outcome.RAISED:
            lines += _wrap("error:", f"your code {case_verdict.message}")
            where = _student_line(reply.exception, answer)
            if where:
                lines.append(f"      {'where:':<10}{where}")
            continue
        if exercise.kind == "value" and exercise.judge is None:
            # a value to predict: say that it is off (and why, if a known mistake matches), never the answer
            lines += _wrap("problem:", f"{plain.describe(case_verdict.actual)} is not the expected value")
            hint = case_verdict.hint or _value_shape_hint(model.expected_output(exercise, case), case_verdict.actual)
        elif exercise.judge is None:
            lines += _wrap("problem:", case_verdict.message)
            if case_verdict.outcome not in (CaseOutcome.NOT_PLAIN, CaseOutcome.MUTATED):  # values beside the point
                lines += _wrap("expected:", plain.describe(case_verdict.expected, case_verdict.actual))
                lines += _wrap("got:", plain.describe(case_verdict.actual, case_verdict.expected))
            hint = case_verdict.hint
        else:  # several right answers: no single expected value, only known mistakes
            lines += _wrap("problem:", case_verdict.message)
            lines += _wrap("got:", plain.describe(case_verdict.actual))
            hint = case_verdict.hint
        if hint:
            lines += _wrap("hint:", "same as above" if hint == last_hint else hint)
            last_hint = hint
    loop = verdict.status == Status.FORBIDDEN
    if loop:
        lines += ["  ✗ no Python loops"] + _wrap("problem:", f"{verdict.message}. The autograder counts the Python "
                                                 "steps your answer runs on a small and a large input the same way "
                                                 "and gives no points when they grow.")
    if verdict.status == Status.PASSED:  # later notebooks use it at once, saved or not (course_lib.answers)
        from course_lib.answers import record_checked

        lines = [*lines, *filter(None, [record_checked(exercise, answer, _kernel_history())])]
    mark = "✓" if verdict.status == Status.PASSED else "✗"
    but = ""
    if verdict.status != Status.PASSED and passed == total:  # every case right, and still no points: say why at once
        but = {Status.FORBIDDEN: ", but it uses a Python loop (see below)",
               Status.USES_REFERENCE: ", but it runs course_lib's own version (see below)"}.get(verdict.status, "")
    print(f"{mark} {exercise.id}: {passed} of {total} public tests passed{but} ({ADVISORY})")
    if verdict.status == Status.USES_REFERENCE:
        lines += textwrap.wrap(f"note: {verdict.message} (calling it is fine in an experiment, not in an answer).",
                               width=100, initial_indent="  ", subsequent_indent=" " * 8)
    note = _grader_note(exercise, answer)
    if note:
        lines += textwrap.wrap(f"⚠ {note}.", width=100, initial_indent="  ", subsequent_indent=" " * 4)
    print("\n".join(lines))
    return CheckResult(exercise.id, passed, total, loop_free=not loop, status=verdict.status, grader_note=note)


def _run_all(exercise: model.Exercise, answer) -> CheckResult:
    cases = exercise.cases(include_hidden=True) or [(model.Case(), False)]
    _, verdict = _judged(exercise, cases, answer)
    total = len(cases)
    if verdict.status == Status.NOT_ATTEMPTED:
        raise AssertionError(f"{exercise.id}: not attempted (NotImplementedError)")
    failed = [("a hidden test" if c.hidden else f"public test '{c.label}'") for c in verdict.cases if not c.passed]
    if failed:
        raise AssertionError(f"{exercise.id}: {len(failed)} of {total} tests failed: " + ", ".join(failed[:3])
                             + (", ..." if len(failed) > 3 else ""))
    if verdict.status != Status.PASSED:
        raise AssertionError(f"{exercise.id}: {verdict.status}: {verdict.message}")
    print(f"✓ {exercise.id}: {total} of {total} tests passed, hidden ones included")
    return CheckResult(exercise.id, total, total, status=verdict.status)


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
    from course_lib.grading.exercises.bank import get

    if not isinstance(exercise_id, str):
        raise ValueError(f"exercise_id: expected a string, got {type(exercise_id).__name__}")
    try:
        exercise = get(exercise_id)
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None
    return _run_all(exercise, answer) if hidden else _report(exercise, answer)
