"""The hint corpus (issue 12): every wrong answer in ``tests/corpus/`` gets the hint of its own mistake.

A corpus file (``tests/corpus/nbNN.py``, and ``main_smoke.py``) holds
``CORRECT = {exercise_id: [answer_cell_source, ...]}`` and
``WRONG = {exercise_id: [(answer_cell_source, "mistake_name"), ...]}``, where a name
``"generic:<signature>"`` is one of :data:`course_lib.grading.judging.hints.GENERICS`. Each answer cell
is run in a namespace holding ``np`` and ``cl`` (course_lib), its public cases are run the way
``check()`` runs them (:func:`course_lib.grading.judging.running.run_case`) and judged by the one judge.

- a correct answer passes every case, hidden ones included;
- a wrong answer fails a public case, and the judge's first mistake (and so its hint) is the
  one it is named after;
- no hint of one family is told in another family's exercise;
- the summary prints the issue's three figures: the share of wrong answers failing a public
  case, the share getting a hint that names their mistake, and the number of misleading hints
  (a hint naming another mistake). ``python tests/test_corpus.py`` prints them as well.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import course_lib
from course_lib.answers import checking
from course_lib.grading.exercises import bank, model
from course_lib.grading.judging import hints, judge, running
from course_lib.grading.judging.results import ExerciseResult
from course_lib.grading.statuses import Status

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FILES = sorted(CORPUS.glob("nb[0-9][0-9].py")) + sorted(CORPUS.glob("main_smoke.py"))


def _load(path: Path):
    found = importlib.util.spec_from_file_location(f"hint_corpus_{path.stem}", path)
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module


MODULES = {path.stem: _load(path) for path in FILES}
KNOWN = {ex.id for ex in bank.all_exercises()}
CORRECT = [(stem, eid, k, src) for stem, m in MODULES.items() for eid, sources in getattr(m, "CORRECT", {}).items()
           for k, src in enumerate(sources)]
WRONG = [(stem, eid, name, src) for stem, m in MODULES.items() for eid, items in getattr(m, "WRONG", {}).items()
         for src, name in items]


def answer_from(source: str, exercise: model.Exercise):
    """What the answer cell defines under the exercise's answer name."""
    namespace = {"np": np, "cl": course_lib, "__name__": "__main__"}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        exec(compile(source, f"<answer cell of {exercise.id}>", "exec"), namespace)
    return namespace.get(exercise.answer)


def judged(exercise: model.Exercise, source: str, include_hidden: bool = False) -> ExerciseResult:
    """The judge's verdict on an answer cell, from replies made as ``check()`` makes them."""
    answer = answer_from(source, exercise)
    cases = exercise.cases(include_hidden) or [(model.Case(), False)]
    replies = []
    with checking(exercise.id):
        for case, _ in cases:
            args = () if exercise.kind == "value" else model.resolve_args(case.args)
            replies.append(running.run_case(answer, args, exercise.kind))
    return judge.judge(exercise, cases, replies)


def fails_public(verdict: ExerciseResult) -> bool:
    return any(not c.passed for c in verdict.cases if not c.hidden)


def hint_of(exercise: model.Exercise, name: str):
    """The bank hint of a mistake name, or None for a generic name."""
    return next((m.hint for m in exercise.mistakes if m.name == name), None)


def outcome(exercise: model.Exercise, name: str, verdict: ExerciseResult) -> str:
    """'named' (the hint names the mistake, or another form of it with the very same hint), 'misleading' (it
    names another) or 'none'."""
    if not verdict.hint:
        return "none"
    told = verdict.mistakes[0] if verdict.mistakes else ""
    same_hint = hint_of(exercise, name) is not None and verdict.hint == hint_of(exercise, name)
    return "named" if told == name or same_hint else "misleading"


def _id(item):
    stem, eid, tag, _ = item
    return f"{stem}-{eid}-{tag}"


@pytest.mark.parametrize("item", CORRECT, ids=[_id(i) for i in CORRECT])
def test_an_unusual_correct_answer_passes_every_case(item):
    _, exercise_id, _, source = item
    if exercise_id not in KNOWN:
        pytest.skip(f"{exercise_id} is not in this bank")
    exercise = bank.get(exercise_id)
    verdict = judged(exercise, source, include_hidden=True)
    assert verdict.status == Status.PASSED, [(c.label, c.message) for c in verdict.cases if not c.passed]


@pytest.mark.parametrize("item", WRONG, ids=[_id(i) for i in WRONG])
def test_a_wrong_answer_fails_a_public_case_and_gets_its_own_hint(item):
    _, exercise_id, name, source = item
    if exercise_id not in KNOWN:
        pytest.skip(f"{exercise_id} is not in this bank")
    exercise = bank.get(exercise_id)
    if name.startswith("generic:"):
        assert name in hints.GENERICS, f"{name} is not a generic hint (known: {sorted(hints.GENERICS)})"
    else:
        assert hint_of(exercise, name) is not None, f"{exercise_id} has no mistake {name!r}"
    verdict = judged(exercise, source)
    assert fails_public(verdict), f"{name}: passes every public case"
    assert outcome(exercise, name, verdict) == "named", (verdict.mistakes, verdict.hint)
    if not name.startswith("generic:"):
        assert verdict.hint == hint_of(exercise, name)
    else:
        assert verdict.hint


def _family_markers():
    """Words that only one family's hints may use."""
    return {
        "hinge": ("the j = y_i term", "hinge", "max(0,", "margin"),
        "softmax": ("np.exp", "overflow", "exponentiat", "softmax", "probabilit"),
        "optimizer": ("new state", "velocity", "bias correction", "momentum"),
        "gradient": ("x + h", "numerical gradient"),
    }


def _foreign_words(exercise: model.Exercise, hint: str) -> list:
    family = model.family_of(exercise)
    if not family:
        return []
    return [word for other, words in _family_markers().items() if other != family
            for word in words if word in hint]


@pytest.mark.parametrize("item", WRONG, ids=[_id(i) for i in WRONG])
def test_no_hint_of_one_family_is_told_in_another(item):
    _, exercise_id, _, source = item
    if exercise_id not in KNOWN:
        pytest.skip(f"{exercise_id} is not in this bank")
    exercise = bank.get(exercise_id)
    verdict = judged(exercise, source)
    family = model.family_of(exercise)
    for name in verdict.mistakes:
        if name in hints.GENERICS:
            assert hints.applies(name, family), (name, family)
    for case in verdict.cases:
        if case.hint and exercise.kind == "function":  # a prediction may compare the two losses on purpose
            assert _foreign_words(exercise, case.hint) == [], (family, case.hint)


@pytest.mark.parametrize("exercise", [ex for ex in bank.all_exercises() if ex.kind == "function"],
                         ids=lambda ex: ex.id)
def test_no_bank_hint_speaks_of_another_family(exercise):
    # value exercises (predictions) compare the two losses on purpose: only function exercises here
    for mistake in exercise.mistakes:
        assert _foreign_words(exercise, mistake.hint) == [], (mistake.name, model.family_of(exercise), mistake.hint)


def figures() -> dict:
    """The issue's three figures over every wrong answer of the corpus, and the misses by name."""
    total = failing = named = misleading = 0
    misses = []
    for stem, exercise_id, name, source in WRONG:
        if exercise_id not in KNOWN:
            continue
        exercise = bank.get(exercise_id)
        verdict = judged(exercise, source)
        total += 1
        failing += fails_public(verdict)
        told = outcome(exercise, name, verdict)
        named += told == "named"
        misleading += told == "misleading"
        if told != "named":
            misses.append((stem, exercise_id, name, told, verdict.mistakes[:1]))
    return {"wrong answers": total, "fail a public test": failing, "hint names the mistake": named,
            "misleading hints": misleading, "misses": misses, "files": [p.name for p in FILES]}


def _report(found: dict) -> str:
    total = max(found["wrong answers"], 1)
    lines = [f"hint corpus ({', '.join(found['files'])}): {found['wrong answers']} wrong answers",
             f"  fail a public test:      {found['fail a public test']} "
             f"({100 * found['fail a public test'] / total:.1f}%)",
             f"  hint names the mistake:  {found['hint names the mistake']} "
             f"({100 * found['hint names the mistake'] / total:.1f}%, goal >= 90%)",
             f"  misleading hints:        {found['misleading hints']} (goal 0)"]
    lines += [f"    {stem} {eid}: {name} got {told} {got}" for stem, eid, name, told, got in found["misses"]]
    return "\n".join(lines)


def test_summary_of_the_corpus(capsys):
    found = figures()
    with capsys.disabled():
        print("\n" + _report(found))
    assert found["wrong answers"] > 0
    assert found["misleading hints"] == 0, _report(found)
    assert found["hint names the mistake"] >= 0.9 * found["wrong answers"], _report(found)


if __name__ == "__main__":
    print(_report(figures()))
    sys.exit(0)
