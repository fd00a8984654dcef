"""The one judge: from an answer's replies on an exercise's cases to a status, a score and a hint.

``check`` (in the notebook) and the grader (on the worker's replies) both call :func:`judge` with
the same typed data:

- ``replies``: one :class:`~course_lib.grading.judging.running.CaseReply` per case, as
  :func:`~course_lib.grading.judging.running.run_case` makes it (with the forbidden course_lib
  functions it ran, :class:`~course_lib.grading.judging.conduct.Watch`), or a reply the sandbox
  cut short (:class:`~course_lib.grading.judging.running.Cut`);
- ``loops``: for a loop-free exercise, the measurement of the answer's Python steps at two sizes
  (:func:`~course_lib.grading.judging.conduct.measure_loops`).

It returns the one result model, :class:`~course_lib.grading.judging.results.ExerciseResult`.
Statuses come from :mod:`course_lib.grading.statuses`, in this order of precedence: uses the
reference implementation, not attempted, forbidden code (a Python loop in a loop-free exercise),
timeout / memory limit / crashed, error, failed, passed.

What a student reads teaches without answering: a value exercise's messages say right or wrong
(and a known mistake's hint), never the expected value; a hidden case is "passed" or "failed",
nothing else, and how it failed never changes the exercise's status (anything but a pass on a
hidden case makes it "failed").

A custom judge's passed verdict may carry a note (a prediction's "3 of 7 right"): it becomes the public
case's message and, once the exercise passes, the exercise's message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from course_lib.grading.exercises import model, plain
from course_lib.grading.judging import conduct, fingerprint, hints, mistakes, running, scoring
from course_lib.grading.judging.results import CaseResult, ExerciseResult
from course_lib.grading.judging.running import CaseReply, Cut, Outcome
from course_lib.grading.statuses import CaseOutcome, Status

CUT_STATUS = {Cut.TIMEOUT: Status.TIMEOUT, Cut.CRASHED: Status.CRASHED, Cut.MEMORY: Status.MEMORY,
              Cut.NOT_RUN: Status.CRASHED, Cut.SUBMISSION_TIME: Status.TIMEOUT}


def _undefined(error: running.ErrorInfo) -> str:
    """The name a NameError says is not defined ('' if none)."""
    found = re.search(r"name '(\w+)' is not defined", error.message)
    return found.group(1) if found else ""


def error_status(error: running.ErrorInfo) -> Status:
    """The status an exception of the student's code gives."""
    return Status.MEMORY if error.type in running.MEMORY_ERRORS else Status.ERROR


def _mutation_hint(names: list) -> str:
    listed = ", ".join(f"`{n}`" for n in names)
    return (f"your function modifies its input {listed}: work on a copy (e.g. `w = w0.copy()`) or build a new "
            f"array; the caller's data must stay as it was.")


MUTATES_INPUT = "generic:mutates_input"


def _mark_behaviour(verdict: CaseResult, reply: CaseReply, hidden: bool) -> None:
    """A failed case's fingerprint (and a public case's output summarised), for the class report's groups."""
    if reply.outcome == Outcome.RETURNED:
        verdict.fingerprint = fingerprint.fingerprint(reply.value)
        verdict.shown = "" if hidden else fingerprint.shown(reply.value)
    else:
        detail = {Outcome.RAISED: reply.error.type if reply.error else "", Outcome.NOT_PLAIN: reply.detail,
                  Outcome.CUT: reply.cut.value if reply.cut else ""}.get(reply.outcome, "")
        verdict.fingerprint = fingerprint.outcome_fingerprint(str(reply.outcome.value), detail)


def _consistent_mistake(exercise: model.Exercise, failing: list, values: list):
    """The known mistake that explains the answer best, or None; and the matches per failing case.

    Candidates match the answer's output on some wrong public case; the one whose output
    matches the answer's on the most public cases (right outputs included) wins, the bank's
    order breaking ties, so that two mistakes that coincide on one case are told apart by the
    others. (A candidate need not match everywhere: a student's variant of a mistake, or a
    case the bank's version cannot run on, still earns its hint.) When no mistake's whole output
    matches, a mistake whose changed parts the answer shows is a candidate
    (:func:`~course_lib.grading.judging.mistakes.mistake_shows`): the RMSE with the RMSE's own gradient;
    failing that, one that the answer shows in some of those parts and gets right in the others. A
    yes/no answer carries too little to go on case by case: its mistake must agree on every public case.
    Whatever its kind, a candidate is told only if more public cases show it than speak against it
    (:func:`_for_and_against`): one coincidence among cases that the mistake does not explain is no evidence.
    """
    matches = {}
    for verdict, case, actual, _, wrong in failing:
        if not verdict.hidden and wrong:
            with np.errstate(all="ignore"):
                matches[id(verdict)] = mistakes.matching_mistakes(exercise, case, actual)
    candidates = [m for m in exercise.mistakes if any(m in found for found in matches.values())]
    for every in (True, False):  # a mistake made in the answer's own way: seen in the parts of the output it changes
        if candidates:
            break
        for verdict, case, actual, want, wrong in failing:
            if not verdict.hidden and wrong and want is not None:
                with np.errstate(all="ignore"):
                    matches[id(verdict)] = mistakes.showing_mistakes(exercise, case, want, actual, every)
        candidates = [m for m in exercise.mistakes if any(m in found for found in matches.values())]
        if not every:  # seen in some parts only: weaker evidence, so no wrong public case may speak against it
            candidates = [m for m in candidates if _shown_wherever_it_runs(exercise, m, failing, matches)]
    if values and all(isinstance(actual, bool) for _, actual, _ in values):
        # a yes/no answer agrees with half of all mistakes by chance: one must agree on every public case
        with np.errstate(all="ignore"):
            candidates = [m for m in candidates
                          if all(mistakes.mistake_matches(exercise, m, case, actual) for case, actual, _ in values)]
    candidates = [m for m in candidates if _for_and_against(exercise, m, failing, values, matches) > 0]
    if not candidates:
        return None, matches

    def score(mistake) -> int:
        total = sum(mistake in found for found in matches.values())
        with np.errstate(all="ignore"):
            total += sum(mistakes.mistake_matches(exercise, mistake, case, actual) for case, actual, right in values
                         if right)
        return total

    return max(candidates, key=lambda m: (score(m), -exercise.mistakes.index(m))), matches


def _shown_wherever_it_runs(exercise: model.Exercise, mistake: model.Mistake, failing: list, matches: dict) -> bool:
    """Whether every wrong public case on which ``mistake`` runs shows it (a halved gradient is not the
    mistake that divides loss and gradient by C - 1 just because C - 1 = 2 on some of the cases)."""
    with np.errstate(all="ignore"):
        return all(mistake in matches.get(id(verdict), ()) for verdict, case, _, _, wrong in failing
                   if not verdict.hidden and wrong and mistakes.runs_on(exercise, mistake, case))


def _for_and_against(exercise: model.Exercise, mistake: model.Mistake, failing: list, values: list,
                     matches: dict) -> int:
    """The public cases that show ``mistake`` minus those that speak against it.

    A wrong case shows it when it is among the case's ``matches``; a case speaks against it when the
    mistake runs there and gives another output than the answer's: a wrong case that no known mistake
    explains (one that another mistake explains may be a second mistake of the same answer), or a right
    case where the mistake would be wrong.
    """
    balance = 0
    with np.errstate(all="ignore"):
        for verdict, case, _, _, wrong in failing:
            if verdict.hidden or not wrong:
                continue
            if mistake in matches.get(id(verdict), ()):
                balance += 1
            elif not matches.get(id(verdict)) and mistakes.runs_on(exercise, mistake, case):
                balance -= 1
        for case, actual, right in values:
            if right and mistakes.runs_on(exercise, mistake, case) and not mistakes.mistake_matches(
                    exercise, mistake, case, actual):
                balance -= 1
    return balance


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


def _give_hints(exercise: model.Exercise, result: ExerciseResult, failing: list, values: list) -> str:
    """Give each wrong public case its hint and record in ``result.mistakes`` the names behind them.

    The known mistake that explains the answer best (:func:`_consistent_mistake`) is told;
    without one, the generic signature of each case's difference
    (:func:`course_lib.grading.judging.hints.generic_diagnosis`): a fact about the case (NaN, a shape,
    a list) where it is seen, an inference from a ratio (a sign, a factor N) only if every wrong
    public case shows it (a sign flip on one case and something else on another is no sign
    flip); an answer that modifies its input is told so. An answer right on every case but those whose
    inputs overflow an exponential shows an overflow however it hides it; a signature that a mistake
    :attr:`~course_lib.grading.exercises.model.Mistake.covers` is told as that mistake. Hidden cases get no
    hint, but a known mistake seen only there is recorded (for the instructor's report). Returns the hint to
    lead with.
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
    if generic and hints.fails_only_on_large_inputs(exercise, [item[1] for item in public if item[4]],
                                                    [case for case, _, right in values if right]):
        for verdict, *_ in public:  # right on small scores, wrong on every large one: an overflow, patched or not
            if id(verdict) in generic and (generic[id(verdict)] or ("",))[0] != "generic:overflow":
                named = f"`{exercise.output_names[0]}`" if len(exercise.output_names) == 1 else "your result"
                generic[id(verdict)] = hints.overflow_diagnosis(named, "is right everywhere but")
    # A fact about one case (NaN, a shape, a list, None) is told where it is seen; an inference
    # from a ratio (a sign, a factor N) only if every wrong case shows it.
    agreed = _consensus([f for f in generic.values() if f]) if all(generic.values()) else ""
    for key, found in generic.items():
        if found and found[0] in hints.INFERRED and not (
                agreed and (found[0] == agreed or agreed in _WILDCARDS.get(found[0], ()))):
            generic[key] = None
    if chosen is None:  # a signature that one of the exercise's mistakes explains in its own words
        chosen = next((m for m in exercise.mistakes
                       if any(found and found[0] in m.covers for found in generic.values())), None)
        for key, found in generic.items():
            if chosen is not None and found and found[0] in chosen.covers:
                matches.setdefault(key, []).append(chosen)
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


@dataclass
class _Tally:
    """What the cases of one answer showed, gathered case by case for the verdict on the whole."""

    forbidden: set
    called: list = field(default_factory=list)  # forbidden course_lib functions the answer ran
    seen: set = field(default_factory=set)  # statuses the public cases show (a hidden case: "failed", a reference)
    hidden_failed: int = 0
    failing: list = field(default_factory=list)  # (verdict, case, actual, expected, wrong) of failed cases
    values: list = field(default_factory=list)  # (case, actual, right) of public cases that returned


def _raised_status(error: running.ErrorInfo, tally: _Tally) -> Status:
    """The status an answer that raised ``error`` gets (and the reference it reached, noted in ``tally``)."""
    if error.type == "NotImplementedError":
        return Status.NOT_ATTEMPTED
    if error.type == "NameError" and _undefined(error) in tally.forbidden:
        if _undefined(error) not in tally.called:  # the reference's name, which the notebook does not define
            tally.called.append(_undefined(error))
        return Status.USES_REFERENCE
    if error.type == "ReferenceUnavailable":
        stub = re.search(r"'([A-Za-z0-9_-]+)'", error.message)
        if not tally.called:
            tally.called.append(f"answer to exercise '{stub.group(1)}'" if stub else "answer to an exercise")
        return Status.USES_REFERENCE
    return error_status(error)


def _compare(exercise: model.Exercise, case: model.Case, actual, want_of):
    """``(verdict, expected)``: the exercise's own judge, or a comparison with the reference's output."""
    want = None
    try:
        with np.errstate(all="ignore"):
            if exercise.judge is not None:
                return exercise.judge(case, actual), want
            want = want_of()
            return plain.compare(want, actual, rtol=exercise.rtol, atol=exercise.atol,
                                 names=exercise.output_names), want
    except Exception as exc:  # a trusted judge failing on odd output is a failed case
        return plain.Verdict(False, f"the output could not be compared ({type(exc).__name__})"), want


def _returned(exercise, case, hidden, reply, want_of, verdict: CaseResult, tally: _Tally) -> Status:
    """Judge a value the answer returned: fill ``verdict``, note a failure and a public value in ``tally``."""
    actual = reply.value
    check, want = _compare(exercise, case, actual, want_of)
    status = Status.FAILED
    if reply.mutated:
        verdict.outcome = CaseOutcome.MUTATED
        verdict.message = f"modifies its input {', '.join(reply.mutated)}"
        verdict.hint = _mutation_hint(list(reply.mutated))
    elif check.passed:
        verdict.outcome, verdict.passed, status = CaseOutcome.PASSED, True, Status.PASSED
        verdict.message = "" if hidden else check.message  # a judge's note, if any
    elif exercise.kind == model.Kind.VALUE and exercise.judge is None:
        verdict.message = "not the expected value"  # never what it is
    else:
        verdict.message = check.message.removeprefix("the result: ")
    if not verdict.passed:
        tally.failing.append((verdict, case, actual, want, not check.passed))
    if not hidden:
        tally.values.append((case, actual, check.passed))
        verdict.expected, verdict.actual = (None if exercise.kind == model.Kind.VALUE else want), actual
    return status


def _case_verdict(exercise, index: int, case, hidden: bool, reply, expected, tally: _Tally) -> CaseResult:
    """One case's :class:`CaseResult` from its reply; what it shows is added to ``tally``."""
    tally.called += [n for n in reply.calls if n in tally.forbidden and n not in tally.called]
    verdict = CaseResult("" if hidden else (case.label or f"test {index + 1}"), hidden, False,
                         outcome=CaseOutcome.WRONG)
    status = Status.FAILED
    if reply.outcome == Outcome.CUT:
        status = CUT_STATUS.get(reply.cut, Status.CRASHED)
        verdict.outcome, verdict.message = CaseOutcome.NOT_RUN, reply.detail or "not run"
    elif reply.outcome == Outcome.MISSING:
        status = Status.MISSING
        verdict.outcome, verdict.message = CaseOutcome.NOT_RUN, f"`{exercise.answer}` is not defined"
    elif reply.outcome == Outcome.RAISED:
        status = _raised_status(reply.error, tally)
        verdict.outcome, verdict.message = CaseOutcome.RAISED, f"raised {reply.error.text}"
    elif reply.outcome in (Outcome.NOT_PLAIN, Outcome.TOO_LARGE):
        kind = CaseOutcome.TOO_LARGE if reply.outcome == Outcome.TOO_LARGE else CaseOutcome.NOT_PLAIN
        verdict.outcome, verdict.message = kind, f"returned {reply.detail}"
    elif exercise.kind == model.Kind.VALUE and reply.value is None:
        status, verdict.message = Status.NOT_ATTEMPTED, "still None"
    else:
        want_of = (lambda: expected(index)) if expected is not None else (
            lambda: model.expected_output(exercise, case))
        status = _returned(exercise, case, hidden, reply, want_of, verdict, tally)
    if not verdict.passed:
        _mark_behaviour(verdict, reply, hidden)
    if hidden:  # passed or failed, nothing more; a reference reached shows in the status
        tally.hidden_failed += not verdict.passed
        if status == Status.USES_REFERENCE:
            tally.seen.add(status)
        elif not verdict.passed:
            tally.seen.add(Status.FAILED)
        verdict.outcome = CaseOutcome.PASSED if verdict.passed else CaseOutcome.FAILED
        verdict.message = verdict.hint = ""
    elif status != Status.PASSED:
        tally.seen.add(status)
    return verdict


_STATUS_ORDER = (Status.USES_REFERENCE, Status.NOT_ATTEMPTED, Status.FORBIDDEN, Status.TIMEOUT, Status.MEMORY,
                 Status.CRASHED, Status.ERROR, Status.MISSING, Status.FAILED)  # the first one seen is the status


def _message(exercise: model.Exercise, result: ExerciseResult, tally: _Tally, loops) -> str:
    """The exercise's one-line message for its status."""
    name = f"`{exercise.answer}`"
    if result.status == Status.PASSED:
        return "; ".join(c.message for c in result.cases if c.message and not c.hidden)
    if result.status == Status.USES_REFERENCE:
        listed = (", ".join(n if n.startswith("answer to") else f"`{n}`" for n in tally.called)
                  or "answer to an exercise")
        return (f"{name} runs course_lib's {listed} (whatever name reaches it): this exercise asks "
                f"for your own code, so the grader gives no points to an answer that uses it")
    if result.status == Status.NOT_ATTEMPTED:
        return (f"{name} is still the stub (it is None)" if exercise.kind == model.Kind.VALUE else
                f"{name} is still the stub (it raises NotImplementedError)")
    if result.status == Status.FORBIDDEN:
        return (f"{name} uses {loops.text}; this exercise asks for whole-array numpy operations, "
                f"without Python loops" if not loops.problem else f"{name}: {loops.text}")
    if result.status == Status.MEMORY:
        return f"{name} ran out of memory (the grader caps each submission's memory)"
    if (result.status == Status.FAILED and tally.hidden_failed
            and all(c.passed for c in result.cases if not c.hidden)):
        return (f"{name} passes the public tests but not {tally.hidden_failed} of "
                f"{sum(c.hidden for c in result.cases)} hidden tests")
    return ""


def judge(exercise: model.Exercise, cases: list, replies: list, loops=None, expected=None,
          rule: model.ScoringRule | None = None) -> ExerciseResult:
    """Judge an answer from its replies.

    Parameters
    ----------
    exercise : Exercise
    cases : list of (Case, bool)
        The cases run, each with whether it is hidden, in the order of ``replies``.
    replies : list of CaseReply
        One reply per case; missing trailing replies count as not run.
    loops : conduct.LoopMeasure, optional
        The loop-free rule's measurement (loop-free exercises).
    expected : callable, optional
        ``expected(index) -> plain`` giving the reference's output on case ``index`` (the
        grader caches it); by default computed with :func:`model.expected_output`.
    rule : ScoringRule, optional
        The scoring policy in force (a course's override); by default the one the bank declares.

    Returns
    -------
    ExerciseResult
    """
    result = ExerciseResult(exercise.id, exercise.title, float(exercise.points), 0.0, Status.FAILED)
    tally = _Tally(set(exercise.forbidden))
    for index, (case, hidden) in enumerate(cases):
        reply = replies[index] if index < len(replies) else CaseReply.cut_short(Cut.NOT_RUN)
        result.cases.append(_case_verdict(exercise, index, case, hidden, reply, expected, tally))
    preferred = _give_hints(exercise, result, tally.failing, tally.values)
    if tally.called:
        tally.seen.add(Status.USES_REFERENCE)
    if exercise.loop_free and loops is not None and loops.loops and not (loops.raised and tally.seen):
        tally.seen.add(Status.FORBIDDEN)  # (an answer raising on the measurement input as on its cases: its error)
    result.status = next((s for s in _STATUS_ORDER if s in tally.seen), Status.PASSED)
    rule = rule or exercise.rule
    result.score = scoring.exercise_score(exercise.points, result.status, result.cases, rule)
    result.scoring = rule.describe()
    result.message = _message(exercise, result, tally, loops)
    public_hints = [c.hint for c in result.cases if not c.hidden and c.hint]
    result.hint = (preferred or public_hints[0]) if public_hints and result.status != Status.PASSED else ""
    result.hints = {m.name: m.hint for m in exercise.mistakes if m.name in result.mistakes}
    return result


def watch_for(exercise: model.Exercise) -> conduct.Watch:
    """The :class:`~course_lib.grading.judging.conduct.Watch` of the exercise's forbidden functions (cached)."""
    return _watch(tuple(sorted(exercise.forbidden)))


_WATCHES: dict = {}


def _watch(forbidden: tuple) -> conduct.Watch:
    if forbidden not in _WATCHES:
        _WATCHES[forbidden] = conduct.Watch(forbidden)
    return _WATCHES[forbidden]


def measure(exercise: model.Exercise, answer, label_of=None):
    """The loop-free rule's measurement of ``answer`` on the exercise's two declared inputs (None if the
    exercise is not loop-free, or the answer is no function)."""
    if not exercise.loop_free or not callable(answer):
        return None
    small, large = exercise.loop_probe
    return conduct.measure_loops(answer, model.resolve_args(small.args), model.resolve_args(large.args),
                                 label_of, (small.label, large.label))


def judge_answer(exercise: model.Exercise, answer, cases: list, label_of=None) -> tuple[list, ExerciseResult]:
    """Run ``answer`` on ``cases`` in this process and judge it: the path of ``check()``, the mutation
    test and the release audit (the grader gets the same replies from its sandbox, by the same functions).

    Parameters
    ----------
    exercise : Exercise
    answer : callable or value
        The student's function (a function exercise) or value (a value exercise).
    cases : list of (Case, bool)
        The cases to run, each with whether it is hidden.
    label_of : callable, optional
        How a loop's cell is named in the message (see :func:`conduct.measure_loops`).

    Returns
    -------
    replies : list of CaseReply
    result : ExerciseResult
    """
    if exercise.kind == model.Kind.FUNCTION and not callable(answer):
        replies = [CaseReply.raised(running.ErrorInfo("TypeError", f"expected a function named {exercise.answer}, "
                                                                   f"got {type(answer).__name__}")) for _ in cases]
        return replies, judge(exercise, cases, replies)
    watch = watch_for(exercise) if exercise.kind == model.Kind.FUNCTION else None
    replies = [running.run_case(answer, () if exercise.kind == model.Kind.VALUE else model.resolve_args(case.args),
                                exercise.kind, watch) for case, _ in cases]
    return replies, judge(exercise, cases, replies, measure(exercise, answer, label_of))


def judge_output(exercise: model.Exercise, case: model.Case, actual) -> CaseResult:
    """How one plain output fares on one public case, through :func:`judge` (for tools that hold outputs)."""
    return judge(exercise, [(case, False)], [CaseReply.returned(actual)]).cases[0]
