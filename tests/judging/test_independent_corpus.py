"""Hints that generalise (issue 24): the figures of both corpora, each held to the issue's bar on its own.

The independent corpus (``tests/corpus/independent/``) was written from the exercise text alone by authors
who never read the bank; its labels (``tests/corpus/independent_labels.py``) say which hint each wrong
answer should get. The team's corpus (``tests/corpus/nbNN.py``) was written next to the bank. Both are
measured by ``tests/corpus/measure.py`` (``python tests/corpus/measure.py -v`` prints the tables), through
the one judge as ``check()`` runs it: every correct answer accepted (hidden cases and the loop rule
included), at least 90% of the wrong ones given the right hint, none a misleading one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "corpus"))
import measure  # noqa: E402

from course_lib.grading.exercises import bank  # noqa: E402
from course_lib.grading.judging import hints, judge  # noqa: E402

# The team corpus's one correct answer that the loop rule refuses: np.choose(y, scores.T) converts the
# (C, N) array into C separate arrays in Python, a step per class. The loop rule is the grading v3 issue's.
LOOP_RULE_REFUSES = {"nb00-correct_class_scores-ok1"}


@pytest.fixture(scope="module", params=list(measure.CORPORA))
def figures(request):
    return request.param, measure.measure(measure.CORPORA[request.param]())


def test_every_correct_answer_is_accepted(figures):
    name, found = figures
    rejected = [j.entry.id for j in found["overall"].misses if j.entry.correct and j.entry.id not in LOOP_RULE_REFUSES]
    assert rejected == [], measure.report(name, found, verbose=True)


def test_no_hint_misleads(figures):
    name, found = figures
    assert found["overall"].misleading == 0, measure.report(name, found, verbose=True)


def test_at_least_nine_wrong_answers_in_ten_get_the_right_hint(figures):
    name, found = figures
    overall = found["overall"]
    assert overall.wrong > 0
    assert overall.right >= 0.9 * overall.wrong, measure.report(name, found, verbose=True)


def test_every_wrong_independent_entry_is_labelled_with_a_hint_that_exists():
    labels, author_errors = measure.independent_labels()
    entries = measure.independent_entries()  # raises on a wrong entry without a label
    by_id = {e.id: e for e in entries}
    assert set(author_errors) <= set(by_id)
    for entry in entries:
        if entry.correct:
            continue
        for name in (entry.label if isinstance(entry.label, tuple) else (entry.label,)):
            if name is None or name == measure.COMMITMENT:
                continue
            if name.startswith("generic:"):
                assert name in hints.GENERICS or name == judge.MUTATES_INPUT, (entry.id, name)
            else:
                assert name in {m.name for m in bank.get(entry.exercise).mistakes}, (entry.id, name)
    assert set(labels) <= set(by_id), sorted(set(labels) - set(by_id))


def test_the_independent_corpus_covers_every_notebook():
    notebooks = {e.id[:4] for e in measure.independent_entries()}
    assert notebooks == {f"nb{k:02d}" for k in range(12)}


def test_the_measurement_prints_a_row_per_exercise_and_the_overall_figures(capsys):
    assert measure.main(["team"]) == 0
    out = capsys.readouterr().out
    assert "corpus: team" in out and "overall" in out and "svm_vectorized" in out
