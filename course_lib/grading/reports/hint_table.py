"""The instructors' hint table: every exercise's mistakes, how each is recognised, and its hint.

``python -m course_lib hints [--out docs/hints.md] [--check]`` writes (or, with ``--check``,
compares) a Markdown page generated from the exercise bank: per exercise, each
:class:`~course_lib.grading.exercises.model.Mistake` with its *signature* (the first public case that
shows it and what the wrong output looks like there, e.g. "loss: expected 5.27, got 6.27"),
what ``check`` tells an answer that makes it (its own hint, or another mistake's when the two
give the same output on every public case), and the hint; then the generic hints
(:data:`course_lib.grading.judging.hints.GENERICS`) with the families they are told in.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from course_lib.grading.exercises import model, plain
from course_lib.grading.judging import hints, judge, running

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_OUT = ROOT / "docs" / "hints.md"
_MAX_CELL = 400  # characters of one table cell before it is cut


def _cell(text: str) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= _MAX_CELL else text[:_MAX_CELL - 1] + "…"


def _output(exercise: model.Exercise, mistake: model.Mistake, case: model.Case):
    """``("value", plain)`` or ``("error", text)`` for a mistake on a case."""
    reply = running.run_case(mistake.implementation if exercise.kind == "function" else mistake.implementation(),
                             () if exercise.kind == "value" else model.resolve_args(case.args), exercise.kind)
    if reply.outcome == running.Outcome.RAISED:
        return "error", reply.error.text
    if reply.outcome == running.Outcome.NOT_PLAIN:
        return "error", f"returns {reply.detail}"
    return "value", reply.value


def _difference(exercise: model.Exercise, case: model.Case, wrong) -> str:
    """What the wrong output looks like on ``case`` ('' if it passes there)."""
    with np.errstate(all="ignore"):
        if exercise.judge is not None:
            verdict = exercise.judge(case, wrong)
        else:
            verdict = plain.compare(model.expected_output(exercise, case), wrong, rtol=exercise.rtol,
                                   atol=exercise.atol, names=exercise.output_names)
    return "" if verdict.passed else verdict.message.removeprefix("the result: ")


def signature(exercise: model.Exercise, mistake: model.Mistake) -> str:
    """The first case that shows the mistake, and what its output looks like there."""
    for hidden, cases in ((False, exercise.public), (True, exercise.hidden)):
        for k, case in enumerate(cases, start=1):
            kind, out = _output(exercise, mistake, case)
            label = case.label or f"{'hidden' if hidden else 'public'} test {k}"
            shown = f"raises {out}" if kind == "error" else _difference(exercise, case, out)
            if shown:
                where = f"only a hidden case shows it ({label})" if hidden else f"on *{label}*"
                return f"{where}: {shown}"
    return "no case shows it: its output is right on every case"


def told(exercise: model.Exercise, mistake: model.Mistake) -> str:
    """The name of what ``check`` tells an answer making this mistake ('' for nothing)."""
    cases = exercise.cases(include_hidden=False) or [(model.Case(), False)]
    answer = mistake.implementation() if exercise.kind == "value" else mistake.implementation
    replies = [running.run_case(answer, () if exercise.kind == "value" else model.resolve_args(c.args), exercise.kind)
               for c, _ in cases]
    verdict = judge.judge(exercise, cases, replies)
    return verdict.mistakes[0] if verdict.hint and verdict.mistakes else ""


def _exercise_section(exercise: model.Exercise) -> list:
    family = model.family_of(exercise) or "any"
    title = f" — {exercise.title}" if exercise.title else ""
    lines = [f"### `{exercise.id}`{title}", "",
             f"Answer `{exercise.answer}` ({exercise.kind}), family *{family}*, "
             f"{len(exercise.public)} public and {len(exercise.hidden)} hidden cases.", ""]
    if not exercise.mistakes:
        return lines + ["No mistakes of its own: only the generic hints apply.", ""]
    lines += ["| mistake | signature | check tells | hint |", "|---|---|---|---|"]
    for mistake in exercise.mistakes:
        name = told(exercise, mistake)
        shown = "its hint" if name == mistake.name else (f"`{name}` (same output on the public cases)" if name
                                                         else "no hint")
        lines.append(f"| `{mistake.name}` | {_cell(signature(exercise, mistake))} | {shown} | {_cell(mistake.hint)} |")
    return lines + [""]


def generate(exercises=None) -> str:
    """The Markdown page for ``exercises`` (default: the whole bank)."""
    from course_lib.grading.exercises import bank

    exercises = bank.all_exercises() if exercises is None else list(exercises)
    lines = ["# Hints per exercise", "",
             "Generated from the exercise bank by `python -m course_lib hints`: do not edit by hand (the tests "
             "compare this page with a fresh one). To add a hint, add a `Mistake` to the exercise in "
             "`course_lib/grading/exercises/bank/nbNN.py`, and a wrong answer making it to `tests/corpus/nbNN.py`; "
             "then "
             "regenerate.", "",
             "How a hint is chosen (`course_lib/grading/judging/judge.py`): on the public cases an answer fails, the "
             "exercise's own mistakes whose output equals the answer's are candidates; the one matching the "
             "answer on the most public cases (the bank's order breaking ties) is told. Without one, a *generic* "
             "hint names the signature of the difference, and only in the families where it can be true "
             "(below). Hidden cases never give a hint.", "",
             "*Signature*: the first public case on which the mistake's output differs from the reference, and "
             "how. *check tells*: what an answer that makes exactly this mistake is told; another mistake's name "
             "there means the two cannot be told apart on the public cases.", "",
             "## Generic hints", "", "| name | told in | recognised by |", "|---|---|---|"]
    for generic in hints.GENERICS.values():
        where = "every family" if generic.families is None else ", ".join(sorted(generic.families))
        lines.append(f"| `{generic.name}` | {where} | {_cell(generic.signature)} |")
    lines += ["", f"`{judge.MUTATES_INPUT}` (every family): the answer changed an array it was given.", ""]
    notebook = None
    for exercise in exercises:
        if exercise.notebook != notebook:
            notebook = exercise.notebook
            lines += [f"## {notebook}", ""]
        lines += _exercise_section(exercise)
    return "\n".join(lines).rstrip() + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to write it (default {DEFAULT_OUT})")
    parser.add_argument("--check", action="store_true", help="only compare: exit 1 if the file is out of date")


def run(args) -> int:
    text = generate()
    out = Path(args.out)
    if args.check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            print(f"{out} is out of date: run `python -m course_lib hints --out {out}`", file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({text.count(chr(10))} lines)")
    return 0
