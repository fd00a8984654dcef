"""The hint corpus of notebooks 07-11 (``tests/corpus/nb07.py`` ... ``nb11.py``), issue 12.

Every unusual-but-correct answer passes every case; every wrong answer fails a public case and is
diagnosed as the mistake it names (a ``Mistake.name``; ``"generic:..."`` means no bank mistake
matches and a generic hint is given), and the hint ``check`` shows for it is that mistake's.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest

from course_lib.grading import bank, spec
from course_lib.grading.check import hint_for

CORPUS = Path(__file__).resolve().parent / "corpus"
MODULES = [CORPUS / f"nb{n:02d}.py" for n in range(7, 12)]


def _load(path: Path):
    found = importlib.util.spec_from_file_location(f"corpus_{path.stem}", path)
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module


def _answer(source: str, name: str):
    namespace = {"np": np}
    exec(compile(source, "<corpus answer>", "exec"), namespace)
    return namespace[name]


def _output(answer, case):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return spec.to_plain(answer(*spec.resolve_args(case.args)))


CORRECT = [(eid, k, src) for path in MODULES for eid, sources in _load(path).CORRECT.items()
           for k, src in enumerate(sources)]
WRONG = [(eid, name, src) for path in MODULES for eid, items in _load(path).WRONG.items() for src, name in items]


@pytest.mark.parametrize("exercise_id, k, source", CORRECT, ids=[f"{e}-{k}" for e, k, _ in CORRECT])
def test_an_unusual_correct_answer_passes_every_case(exercise_id, k, source):
    exercise = bank.get(exercise_id)
    answer = _answer(source, exercise.answer)
    for case, _ in exercise.cases(include_hidden=True):
        verdict = spec.judge(exercise, case, _output(answer, case))
        assert verdict.passed, (case.label, verdict.message)


@pytest.mark.parametrize("exercise_id, mistake, source", WRONG, ids=[f"{e}-{m}" for e, m, _ in WRONG])
def test_a_wrong_answer_fails_a_public_case_and_gets_its_own_hint(exercise_id, mistake, source):
    exercise = bank.get(exercise_id)
    answer = _answer(source, exercise.answer)
    for case in exercise.public:
        actual = _output(answer, case)
        if not spec.judge(exercise, case, actual).passed:
            break
    else:
        pytest.fail(f"{mistake}: passes every public case")
    found = spec.diagnose(exercise, case, actual)
    hint = hint_for(exercise, case, spec.expected_output(exercise, case), actual)
    if mistake.startswith("generic:"):
        assert found is None and hint, (case.label, found and found.name, hint)
    else:
        assert found is not None and found.name == mistake, (case.label, found and found.name)
        assert hint == found.hint


def test_every_function_exercise_of_07_to_11_has_six_wrong_answers():
    counts = {}
    for eid, _, _ in WRONG:
        counts[eid] = counts.get(eid, 0) + 1
    exercises = [ex for ex in bank.all_exercises() if ex.kind == "function" and ex.notebook[:2] in
                 {"07", "08", "09", "10", "11"}]
    assert {ex.id: counts.get(ex.id, 0) for ex in exercises if counts.get(ex.id, 0) < 6} == {}
