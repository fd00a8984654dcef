"""The one judge: from an answer's replies on an exercise's cases to a status, a score and a hint.

``check`` (in the notebook) and the grader (on the worker's replies) both call
:func:`judge` with the same plain data:

- ``replies``: one dict per case, as :func:`course_lib.grading.running.run_case` makes it,
  or ``{"killed": status, "detail": why}`` for a case the sandbox cut short (timeout,
  crash, memory) or never ran;
- ``findings``: what the answer's function runs, from the program the notebook is
  (:class:`course_lib.grading.program.Findings`: Python loops, course_lib names).

Statuses come from :mod:`course_lib.grading.statuses`, in this order of precedence:
uses the reference implementation, not attempted, forbidden code (a Python loop in a
loop-free exercise), timeout / crashed / memory limit, error, failed, passed. Hidden cases
are judged like public ones but report only their outcome category, never a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from . import hints, spec, statuses

_KILLED = {"timeout": statuses.TIMEOUT, "crashed": statuses.CRASHED, "memory": statuses.MEMORY,
           "not run": statuses.CRASHED}


@dataclass
class CaseJudgement:
    """One case: ``outcome`` is a ``statuses.CASE_*`` value; ``message`` is empty for hidden cases."""

    label: str
    hidden: bool
    outcome: str
    message: str = ""
    expected: object = None  # public cases only: for the report's "expected / got" lines
    actual: object = None
    hint: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome == statuses.CASE_PASSED


@dataclass
class Judgement:
    """The verdict on one exercise."""

    status: str
    score: float
    message: str = ""
    hint: str = ""
    mistakes: list = field(default_factory=list)
    cases: list = field(default_factory=list)


def _error_text(error: dict) -> str:
    if error.get("type") == "SystemExit":
        return "the code called sys.exit()"
    message = error.get("message", "")
    return f"{error.get('type', 'Error')}: {message}" if message else error.get("type", "Error")


def _error_status(error: dict) -> str:
    kind = error.get("type", "")
    if kind in ("MemoryError", "_ArrayMemoryError"):
        return statuses.MEMORY
    return statuses.ERROR


def _mutation_hint(names: list) -> str:
    listed = ", ".join(f"`{n}`" for n in names)
    return (f"your function modifies its input {listed}: work on a copy (e.g. `w = w0.copy()`) or build a new "
            f"array; the caller's data must stay as it was.")


def judge(exercise: spec.Exercise, cases: list, replies: list, findings=None, expected=None) -> Judgement:
    """Judge an answer from its replies.

    Parameters
    ----------
    exercise : Exercise
    cases : list of (Case, bool)
        The cases run, each with whether it is hidden, in the order of ``replies``.
    replies : list of dict
        One reply per case (see the module docstring); missing trailing replies count as not run.
    findings : program.Findings, optional
        Static findings about the answer's function (loops, course_lib names).
    expected : callable, optional
        ``expected(index) -> plain`` giving the reference's output on case ``index`` (the
        grader caches it); by default computed with :func:`spec.expected_output`.

    Returns
    -------
    Judgement
    """
    name = f"`{exercise.answer}`"
    result = Judgement(statuses.FAILED, 0.0)
    reference_names = tuple(sorted(set(getattr(findings, "course_lib", ()) or ()) & set(exercise.forbidden)))
    seen = set()
    hidden_number = 0
    for index, (case, hidden) in enumerate(cases):
        reply = replies[index] if index < len(replies) else {"killed": "not run", "detail": "not run"}
        label = "" if hidden else (case.label or f"test {index + 1}")
        if hidden:
            hidden_number += 1
        verdict = CaseJudgement(label, hidden, statuses.CASE_WRONG)
        if "killed" in reply:
            seen.add(_KILLED.get(reply["killed"], statuses.CRASHED))
            verdict.outcome = statuses.CASE_NOT_RUN
            verdict.message = "" if hidden else str(reply.get("detail", "not run"))
        elif "error" in reply:
            error = reply["error"]
            kind = error.get("type", "")
            if kind == "NotImplementedError":
                seen.add(statuses.NOT_ATTEMPTED)
            elif kind == "ReferenceUnavailable":
                seen.add(statuses.USES_REFERENCE)
                called = re.search(r"'([A-Za-z0-9_-]+)'", error.get("message", ""))
                reference_names = reference_names or (f"reference of exercise {called.group(1)}" if called
                                                      else "reference",)
            else:
                seen.add(_error_status(error))
            verdict.outcome = statuses.CASE_RAISED
            verdict.message = "" if hidden else f"raised {_error_text(error)}"
        elif "not_plain" in reply:
            seen.add(statuses.FAILED)
            verdict.outcome = statuses.CASE_NOT_PLAIN
            verdict.message = "" if hidden else f"returned {reply['not_plain']}"
        elif exercise.kind == "value" and reply.get("value") is None:
            seen.add(statuses.NOT_ATTEMPTED)
            verdict.message = "" if hidden else "still None"
        else:
            actual = reply["value"]
            want = None
            try:
                with np.errstate(all="ignore"):
                    if exercise.judge is not None:
                        check = exercise.judge(case, actual)
                    else:
                        want = expected(index) if expected is not None else spec.expected_output(exercise, case)
                        check = spec.compare(want, actual, rtol=exercise.rtol, atol=exercise.atol,
                                             names=exercise.output_names)
            except Exception as exc:  # a trusted judge failing on odd output is a failed case
                check = spec.Verdict(False, f"the output could not be compared ({type(exc).__name__})")
            if reply.get("mutated"):
                seen.add(statuses.FAILED)
                verdict.outcome = statuses.CASE_MUTATED
                verdict.message = "" if hidden else f"modifies its input {', '.join(reply['mutated'])}"
                verdict.hint = _mutation_hint(reply["mutated"])
            elif check.passed:
                verdict.outcome = statuses.CASE_PASSED
            else:
                seen.add(statuses.FAILED)
                verdict.message = "" if hidden else check.message.removeprefix("the result: ")
            if not verdict.passed and verdict.outcome != statuses.CASE_MUTATED:
                with np.errstate(all="ignore"):
                    mistake = spec.diagnose(exercise, case, actual)
                if mistake is not None:
                    if mistake.name not in result.mistakes:
                        result.mistakes.append(mistake.name)
                    verdict.hint = mistake.hint
                elif exercise.judge is None and exercise.kind == "function":
                    try:
                        verdict.hint = hints.generic_hint(exercise, case, want, actual)
                    except Exception:  # a hint must never break the verdict
                        verdict.hint = ""
            if not hidden:
                verdict.expected, verdict.actual = want, actual
        if hidden:
            verdict.hint = ""  # hints come from public cases only
        result.cases.append(verdict)
    loop = getattr(findings, "loop", "") if exercise.loop_free else ""
    order = (statuses.USES_REFERENCE, statuses.NOT_ATTEMPTED, statuses.FORBIDDEN, statuses.TIMEOUT,
             statuses.MEMORY, statuses.CRASHED, statuses.ERROR, statuses.FAILED)
    if reference_names:
        seen.add(statuses.USES_REFERENCE)
    if loop:
        seen.add(statuses.FORBIDDEN)
    result.status = next((s for s in order if s in seen), statuses.PASSED)
    if result.status == statuses.PASSED:
        result.score = float(exercise.points)
    elif result.status == statuses.USES_REFERENCE:
        listed = ", ".join(f"`{n}`" for n in reference_names if n) or "a course_lib reference"
        result.message = (f"{name} calls course_lib's {listed}, the reference implementation, which is not "
                          f"available when grading: write it yourself")
    elif result.status == statuses.NOT_ATTEMPTED:
        result.message = (f"{name} is still the stub (it is None)" if exercise.kind == "value" else
                          f"{name} is still the stub (it raises NotImplementedError)")
    elif result.status == statuses.FORBIDDEN:
        result.message = (f"{name} uses {loop}: this exercise asks for whole-array numpy operations, without "
                          f"Python loops")
    elif result.status == statuses.MEMORY:
        result.message = f"{name} ran out of memory (the grader caps each submission's memory)"
    public_hints = [c.hint for c in result.cases if not c.hidden and c.hint]
    result.hint = public_hints[0] if public_hints and result.status != statuses.PASSED else ""
    return result
