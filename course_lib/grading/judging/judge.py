"""The one judge: from an answer's replies on an exercise's cases to a status, a score and a hint.

``check`` (in the notebook) and the grader (on the worker's replies) both call
:func:`judge` with the same plain data:

- ``replies``: one dict per case, as :func:`course_lib.grading.judging.running.run_case` makes it,
  or ``{"killed": status, "detail": why}`` for a case the sandbox cut short (timeout,
  crash, memory) or never ran;
- ``findings``: what the answer's function runs, from the program the notebook is
  (:class:`course_lib.grading.judging.program.Findings`: Python loops, course_lib names).

Statuses come from :mod:`course_lib.grading.statuses`, in this order of precedence:
uses the reference implementation, not attempted, forbidden code (a Python loop in a
loop-free exercise), timeout / crashed / memory limit, error, failed, passed. Hidden cases
are judged like public ones but report only their outcome category, never a message.

A value to find (``kind="value"``) compared with the reference is told right or wrong, never the
expected value or a direction ("not the expected value"; a known mistake adds its hint). A custom
judge's passed verdict may carry a note (a prediction's "3 of 7 right"): it becomes the public case's
message and, once the exercise passes, the exercise's message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from course_lib.grading.exercises import model, plain
from course_lib.grading.judging import hints, mistakes, running
from course_lib.grading.statuses import CaseOutcome, Status

_KILLED = {"timeout": Status.TIMEOUT, "crashed": Status.CRASHED, "memory": Status.MEMORY,
           "not run": Status.CRASHED}


@dataclass
class CaseJudgement:
    """One case: ``outcome`` is a ``CaseOutcome`` value; ``message`` is empty for hidden cases."""

    label: str
    hidden: bool
    outcome: str
    message: str = ""
    expected: object = None  # public cases only: for the report's "expected / got" lines
    actual: object = None
    hint: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome == CaseOutcome.PASSED


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
    if kind in running.MEMORY_ERRORS:
        return Status.MEMORY
    return Status.ERROR


def _mutation_hint(names: list) -> str:
    listed = ", ".join(f"`{n}`" for n in names)
    return (f"your function modifies its input {listed}: work on a copy (e.g. `w = w0.copy()`) or build a new "
            f"array; the caller's data must stay as it was.")


MUTATES_INPUT = "generic:mutates_input"


def _consistent_mistake(exercise: model.Exercise, failing: list, values: list):
    """The known mistake that explains the answer best, or None; and the matches per failing case.

    Candidates match the answer's output on some wrong public case; the one whose output
    matches the answer's on the most public cases (right outputs included) wins, the bank's
    order breaking ties, so that two mistakes that coincide on one case are told apart by the
    others. (A candidate need not match everywhere: a student's variant of a mistake, or a
    case the bank's version cannot run on, still earns its hint.)
    """
    matches = {}
    for verdict, case, actual, _, wrong in failing:
        if not verdict.hidden and wrong:
            with np.errstate(all="ignore"):
                matches[id(verdict)] = mistakes.matching_mistakes(exercise, case, actual)
    candidates = [m for m in exercise.mistakes if any(m in found for found in matches.values())]
    if not candidates:
        return None, matches

    def score(mistake) -> int:
        total = sum(mistake in found for found in matches.values())
        with np.errstate(all="ignore"):
            total += sum(mistakes.mistake_matches(exercise, mistake, case, actual) for case, actual, right in values
                         if right)
        return total

    return max(candidates, key=lambda m: (score(m), -exercise.mistakes.index(m))), matches


_WILDCARDS = {"generic:factor_n_or_c": {"generic:factor_n", "generic:factor_c"}}


def _consensus(found: list) -> str:
    """The generic signature every wrong public case shows ('' if they disagree).

    ``generic:factor_n_or_c`` (a case where N = C) agrees with ``factor_n`` and ``factor_c``,
    and the more specific name is the consensus.
    """
    names = {name for name, _ in found}
    if len(names) == 1:
        return names.pop()
    for wide, narrow in _WILDCARDS.items():
        rest = names - {wide}
        if wide in names and len(rest) == 1 and rest <= narrow:
            return rest.pop()
    return ""


def _give_hints(exercise: model.Exercise, result: Judgement, failing: list, values: list) -> str:
    """Give each wrong public case its hint and record in ``result.mistakes`` the names behind them.

    The known mistake that explains the answer best (:func:`_consistent_mistake`) is told;
    without one, the generic signature of each case's difference
    (:func:`course_lib.grading.judging.hints.generic_diagnosis`): a fact about the case (NaN, a shape,
    a list) where it is seen, an inference from a ratio (a sign, a factor N) only if every wrong
    public case shows it (a sign flip on one case and something else on another is no sign
    flip); an answer that modifies its input is told so. Hidden cases get no hint, but a known mistake
    seen only there is recorded (for the instructor's report). Returns the hint to lead with.
    """
    chosen, matches = _consistent_mistake(exercise, failing, values)
    public = [item for item in failing if not item[0].hidden]
    generic = {}
    if chosen is None and exercise.judge is None and exercise.kind == "function":
        for verdict, case, actual, want, wrong in public:
            if wrong:
                try:
                    with np.errstate(all="ignore"):
                        found = hints.generic_diagnosis(exercise, case, want, actual)
                except Exception:  # a hint must never break the verdict
                    found = None
                generic[id(verdict)] = found
    # A fact about one case (NaN, a shape, a list, None) is told where it is seen; an inference
    # from a ratio (a sign, a factor N) only if every wrong case shows it.
    agreed = _consensus([f for f in generic.values() if f]) if all(generic.values()) else ""
    for key, found in generic.items():
        if found and found[0] in hints.INFERRED and not (
                agreed and (found[0] == agreed or agreed in _WILDCARDS.get(found[0], ()))):
            generic[key] = None
    names = []
    for verdict, *_ in public:
        found = generic.get(id(verdict))
        if chosen is not None and chosen in matches.get(id(verdict), ()):
            verdict.hint, name = chosen.hint, chosen.name
        elif verdict.outcome == CaseOutcome.MUTATED:
            name = MUTATES_INPUT  # its hint is set already
        elif found:
            verdict.hint, name = found[1], (agreed if agreed in _WILDCARDS.get(found[0], ()) else found[0])
        else:
            verdict.hint, name = "", ""
        if name and name not in names:
            names.append(name)
    if agreed in names:  # the specific name first, and the hint of a case that shows it
        names.remove(agreed)
        names.insert(0 if chosen is None else len(names), agreed)
    if not names:
        for verdict, case, actual, _, wrong in failing:
            if verdict.hidden and wrong:
                with np.errstate(all="ignore"):
                    mistake = mistakes.diagnose(exercise, case, actual)
                if mistake is not None and mistake.name not in names:
                    names.append(mistake.name)
    result.mistakes.extend(n for n in names if n not in result.mistakes)
    if chosen is not None:
        return chosen.hint
    if names and names[0] == MUTATES_INPUT:
        return ""
    told = [found for found in generic.values() if found]
    return next((f[1] for f in told if f[0] == agreed), told[0][1] if told else "")


def judge(exercise: model.Exercise, cases: list, replies: list, findings=None, expected=None) -> Judgement:
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
        grader caches it); by default computed with :func:`model.expected_output`.

    Returns
    -------
    Judgement
    """
    name = f"`{exercise.answer}`"
    result = Judgement(Status.FAILED, 0.0)
    reference_names = tuple(sorted(set(getattr(findings, "course_lib", ()) or ()) & set(exercise.forbidden)))
    seen = set()
    hidden_number = 0
    failing, values = [], []  # (verdict, case, actual, expected, wrong) of failed cases; (case, actual, right)
    for index, (case, hidden) in enumerate(cases):
        reply = replies[index] if index < len(replies) else {"killed": "not run", "detail": "not run"}
        label = "" if hidden else (case.label or f"test {index + 1}")
        if hidden:
            hidden_number += 1
        verdict = CaseJudgement(label, hidden, CaseOutcome.WRONG)
        if "killed" in reply:
            seen.add(_KILLED.get(reply["killed"], Status.CRASHED))
            verdict.outcome = CaseOutcome.NOT_RUN
            verdict.message = "" if hidden else str(reply.get("detail", "not run"))
        elif "error" in reply:
            error = reply["error"]
            kind = error.get("type", "")
            if kind == "NotImplementedError":
                seen.add(Status.NOT_ATTEMPTED)
            elif kind == "ReferenceUnavailable":
                seen.add(Status.USES_REFERENCE)
                called = re.search(r"'([A-Za-z0-9_-]+)'", error.get("message", ""))
                reference_names = reference_names or (f"own answer to exercise '{called.group(1)}'" if called
                                                      else "own answer to an exercise",)
            else:
                seen.add(_error_status(error))
            verdict.outcome = CaseOutcome.RAISED
            verdict.message = "" if hidden else f"raised {_error_text(error)}"
        elif "not_plain" in reply:
            seen.add(Status.FAILED)
            verdict.outcome = CaseOutcome.NOT_PLAIN
            verdict.message = "" if hidden else f"returned {reply['not_plain']}"
        elif exercise.kind == "value" and reply.get("value") is None:
            seen.add(Status.NOT_ATTEMPTED)
            verdict.message = "" if hidden else "still None"
        else:
            actual = reply["value"]
            want = None
            try:
                with np.errstate(all="ignore"):
                    if exercise.judge is not None:
                        check = exercise.judge(case, actual)
                    else:
                        want = expected(index) if expected is not None else model.expected_output(exercise, case)
                        check = plain.compare(want, actual, rtol=exercise.rtol, atol=exercise.atol,
                                             names=exercise.output_names)
                        if exercise.kind == model.Kind.VALUE and not check.passed:  # right or wrong, nothing more
                            check = plain.Verdict(False, "not the expected value")
            except Exception as exc:  # a trusted judge failing on odd output is a failed case
                check = plain.Verdict(False, f"the output could not be compared ({type(exc).__name__})")
            if reply.get("mutated"):
                seen.add(Status.FAILED)
                verdict.outcome = CaseOutcome.MUTATED
                verdict.message = "" if hidden else f"modifies its input {', '.join(reply['mutated'])}"
                verdict.hint = "" if hidden else _mutation_hint(reply["mutated"])
            elif check.passed:
                verdict.outcome = CaseOutcome.PASSED
                verdict.message = "" if hidden else check.message  # a judge's note, if any
            else:
                seen.add(Status.FAILED)
                verdict.message = "" if hidden else check.message.removeprefix("the result: ")
            if not verdict.passed:
                failing.append((verdict, case, actual, want, not check.passed))
            if not hidden:
                values.append((case, actual, check.passed))
                verdict.expected, verdict.actual = want, actual
        result.cases.append(verdict)
    preferred = _give_hints(exercise, result, failing, values)
    loop = getattr(findings, "loop", "") if exercise.loop_free else ""
    order = (Status.USES_REFERENCE, Status.NOT_ATTEMPTED, Status.FORBIDDEN, Status.TIMEOUT,
             Status.MEMORY, Status.CRASHED, Status.ERROR, Status.FAILED)
    if reference_names:
        seen.add(Status.USES_REFERENCE)
    if loop:
        seen.add(Status.FORBIDDEN)
    result.status = next((s for s in order if s in seen), Status.PASSED)
    if result.status == Status.PASSED:
        result.score = float(exercise.points)
        result.message = "; ".join(c.message for c in result.cases if c.message and not c.hidden)
    elif result.status == Status.USES_REFERENCE:
        listed = ", ".join(n if n.startswith("own answer") else f"`{n}`" for n in reference_names if n)
        result.message = (f"{name} calls course_lib's {listed or 'own answer to an exercise'}: this exercise asks "
                          f"for your own code, so the grader gives no points to an answer that calls it")
    elif result.status == Status.NOT_ATTEMPTED:
        result.message = (f"{name} is still the stub (it is None)" if exercise.kind == "value" else
                          f"{name} is still the stub (it raises NotImplementedError)")
    elif result.status == Status.FORBIDDEN:
        result.message = (f"{name} uses {loop}: this exercise asks for whole-array numpy operations, without "
                          f"Python loops")
    elif result.status == Status.MEMORY:
        result.message = f"{name} ran out of memory (the grader caps each submission's memory)"
    public_hints = [c.hint for c in result.cases if not c.hidden and c.hint]
    result.hint = (preferred or public_hints[0]) if public_hints and result.status != Status.PASSED else ""
    return result


def judge_answer(exercise: model.Exercise, answer, cases: list, findings=None) -> tuple[list, Judgement]:
    """Run ``answer`` on ``cases`` in this process and judge it: the path of ``check()``, the mutation
    test and the release audit (the grader gets the same replies from its sandbox).

    Parameters
    ----------
    exercise : Exercise
    answer : callable or value
        The student's function (a function exercise) or value (a value exercise).
    cases : list of (Case, bool)
        The cases to run, each with whether it is hidden.
    findings : program.Findings, optional

    Returns
    -------
    replies : list of dict
        One reply per case (:func:`course_lib.grading.judging.running.run_case`).
    judgement : Judgement
    """
    if exercise.kind == model.Kind.FUNCTION and not callable(answer):
        replies = [{"error": {"type": "TypeError", "message": f"expected a function named {exercise.answer}, "
                                                               f"got {type(answer).__name__}"}} for _ in cases]
        return replies, judge(exercise, cases, replies)
    replies = [running.run_case(answer, () if exercise.kind == model.Kind.VALUE else model.resolve_args(case.args),
                                exercise.kind) for case, _ in cases]
    return replies, judge(exercise, cases, replies, findings)


def judge_output(exercise: model.Exercise, case: model.Case, actual) -> CaseJudgement:
    """How one plain output fares on one public case, through :func:`judge` (for tools that hold outputs)."""
    return judge(exercise, [(case, False)], [{"value": actual}]).cases[0]
