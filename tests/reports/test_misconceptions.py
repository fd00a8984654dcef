"""The misconception loop (issue 24): unexplained wrong answers grouped by behaviour, a mistake drafted from a
group, and the next grading run giving its hint.

The class is judged for real (:func:`synthetic_results.judged_results`: the one judge, in this process, hidden
cases included) from answers written here: right ones, a mistake of the bank written in another style, and a
planted mistake the bank does not know (the gradient halved), written two ways.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import nbformat
import numpy as np
import pytest
import synthetic_results
from corpus.students import VECTORIZED_SELF_CONTAINED
from synthetic_results import judged_results, write_results

from course_lib.cli import main
from course_lib.grading.judging import fingerprint, judge
from course_lib.grading.judging.results import SubmissionResult
from course_lib.grading.reports.class_report import build_report
from course_lib.grading.reports.class_summary import read_results, summarise
from course_lib.grading.reports.draft_mistake import (
    HINT_PLACEHOLDER,
    NAME_PLACEHOLDER,
    draft_text,
    find_group,
    load_draft,
    reproduced_cases,
)

NB03, SVM = "03_multiclass_svm", "svm_vectorized"

RIGHT = VECTORIZED_SELF_CONTAINED  # a right answer cell, as a student leaves it
NO_MARGIN = RIGHT.replace("+ 1)", "+ 0)")  # the bank's no_margin, written here
# The planted mistake, unknown to the bank: dW is half what it should be (two ways of writing it).
HALVED = '''import numpy as np

def svm_loss_vectorized(W, X, y):
    """Alice Liddell's loss (a name that must not reach the draft)."""
    # by Alice Liddell
    n = X.shape[0]
    s = X.dot(W)
    correct = s[np.arange(n), y].reshape(-1, 1)
    m = np.maximum(0.0, s - correct + 1.0)
    m[np.arange(n), y] = 0.0
    g = np.where(m > 0, 1.0, 0.0)
    g[np.arange(n), y] -= g.sum(axis=1)
    return m.sum() / n, 0.5 * X.T.dot(g) / n
'''
HALVED_TOO = RIGHT.replace("X.T @ active / len(y)", "X.T @ active / (2 * len(y))")
SCALED = RIGHT.replace("X.T @ active / len(y)", "1.7 * X.T @ active / len(y)")  # unknown, but alone
CLASS = {"ana": RIGHT, "ben": RIGHT, "cy": RIGHT, "dee": NO_MARGIN, "eve": NO_MARGIN,
         "alice": HALVED, "fay": HALVED, "gus": HALVED_TOO, "hal": HALVED_TOO, "ivy": SCALED}
PLANTED = ("alice", "fay", "gus", "hal")
HINT = "dW is half the gradient: each active margin adds the whole row of X, not half of it."


def function(source: str):
    namespace = {}
    exec(compile(source, "<answer>", "exec"), namespace)
    return namespace["svm_loss_vectorized"]


def grade_class(folder: Path) -> Path:
    """The class's results, as the grader writes them, in ``folder/results``."""
    write_results(folder / "results", [judged_results(f"{student}__{NB03}", NB03, {SVM: function(source)})
                                       for student, source in CLASS.items()])
    return folder


def submissions(folder: Path) -> Path:
    """The class's notebooks as submitted (answer cell, a markdown title with the student's name)."""
    folder.mkdir(parents=True)
    for student, source in CLASS.items():
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# Notebook 03 by {student}"),
                                             nbformat.v4.new_code_cell(source),
                                             nbformat.v4.new_code_cell("print('done')")])
        nbformat.write(nb, folder / f"{student}__{NB03}.ipynb")
    return folder


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    return grade_class(tmp_path_factory.mktemp("class"))


# --- the fingerprint ----------------------------------------------------------------------------------------

def test_a_fingerprint_is_equal_to_four_significant_digits_and_tells_structure_apart():
    a = (1.23456, np.array([[0.5, -2.0]]))
    assert fingerprint.fingerprint(a) == fingerprint.fingerprint((1.234561, np.array([[0.5000001, -2.0]])))
    assert fingerprint.fingerprint(a) != fingerprint.fingerprint((1.236, np.array([[0.5, -2.0]])))
    assert fingerprint.fingerprint(a) != fingerprint.fingerprint((1.23456, np.array([0.5, -2.0])))  # shape
    assert fingerprint.fingerprint(a) != fingerprint.fingerprint([1.23456, np.array([[0.5, -2.0]])])  # a list
    assert fingerprint.fingerprint(-0.0) == fingerprint.fingerprint(0.0)
    for midpoint in (0.12345, 2.0005, -1234.5):  # hand-made cases give midpoints: rounding error must not split them
        assert len({fingerprint.fingerprint(midpoint * (1 + e)) for e in (-1e-13, 0.0, 1e-13)}) == 1, midpoint
    assert fingerprint.fingerprint(float("nan")) != fingerprint.fingerprint(0.0)
    assert fingerprint.outcome_fingerprint("raised", "IndexError") != fingerprint.fingerprint("raised")


def test_the_judge_keeps_fingerprints_of_failed_cases_and_summaries_of_public_ones_only():
    ex = synthetic_results.EXERCISES[SVM]
    _, result = judge.judge_answer(ex, function(HALVED), ex.cases(include_hidden=True))
    failed = [c for c in result.cases if not c.passed]
    assert failed and all(c.fingerprint for c in failed)
    assert all(c.shown for c in failed if not c.hidden) and not any(c.shown for c in result.cases if c.hidden)
    assert not any(c.fingerprint or c.shown for c in result.cases if c.passed)
    assert set(result.behaviour) == set(result.failed_cases)
    # stored (the grader's cache), read back unchanged
    stored = SubmissionResult.from_json(SubmissionResult(NB03, "ok", "", [result], 4.0).to_json())
    assert stored.exercises[0].behaviour == result.behaviour
    # the same mistake written another way behaves the same
    _, other = judge.judge_answer(ex, function(HALVED_TOO), ex.cases(include_hidden=True))
    assert other.behaviour == result.behaviour


# --- (a) the class report shows the planted mistake's group ---------------------------------------------------

def test_the_report_groups_the_planted_unknown_mistake_and_nothing_else(graded, tmp_path):
    page, summary = build_report(graded, tmp_path / "report")
    [stat] = [ex for nb in summary.notebooks for ex in nb.exercises if ex.exercise == SVM]
    assert stat.unrecognised == 4  # the planted four; no_margin is recognised, the scaled one gets a generic hint
    [group] = stat.groups  # the scaled answer is alone: no group
    assert group.number == 1 and group.size == 4 and sorted(group.members) == sorted(f"{s}__{NB03}" for s in PLANTED)
    assert group.unexplained == 5  # a generic hint is no bank mistake
    assert group.failed_cases == ("public 1", "public 2", "public 3")  # public cases decide (a hint is told there)
    rows = read_csv(tmp_path / "report" / "unexplained_groups.csv")
    assert [(r["exercise"], r["group"], r["submissions"]) for r in rows] == [(SVM, "1", "4")]
    example = rows[0]["example_outcome"]
    assert example.startswith("public 1, the lecture's three images") and "returned (" in example, example
    assert f"--exercise {SVM} --group 1" in rows[0]["draft_command"]
    html = page.read_text(encoding="utf-8")
    assert 'id="groups-03-multiclass-svm"' in html and "Wrong answers no known mistake explains" in html
    for student in CLASS:  # anonymised: no submission or student name anywhere in the groups
        assert student not in example and f"{student}__" not in html.split('id="groups-')[1].split("</table>")[0]


# --- (b) a drafted mistake, added to the bank, gives the next grading run its hint ------------------------------

def test_a_drafted_mistake_added_to_the_bank_gives_the_next_grading_run_its_hint(graded, tmp_path, capsys,
                                                                                 monkeypatch):
    folder = submissions(tmp_path / "submitted")
    assert main(["draft-mistake", str(graded), "--exercise", SVM, "--group", "1", "--submissions", str(folder),
                 "--verify"]) == 0
    text = capsys.readouterr().out
    assert "course_lib/grading/exercises/bank/nb03.py" in text and "`_W_MISTAKES`" in text
    assert NAME_PLACEHOLDER in text and HINT_PLACEHOLDER in text
    assert "alice" not in text.lower() and "liddell" not in text.lower()  # comments and docstrings dropped
    assert "# verify: the draft gives the group's output on 3 of its 3 failed cases" in text, text

    exercise = synthetic_results.EXERCISES[SVM]
    group, _ = find_group(graded, SVM, 1)
    drafted = load_draft(text.split("\n# verify")[0], exercise, group, name="gradient_halved", hint=HINT)
    assert reproduced_cases(exercise, drafted, group) == [case for case, _ in group.behaviour]
    extended = dataclasses.replace(exercise, mistakes=(*exercise.mistakes, drafted))
    monkeypatch.setitem(synthetic_results.EXERCISES, SVM, extended)

    regraded = grade_class(tmp_path / "next")
    _, summary = build_report(regraded, tmp_path / "next-report")
    [stat] = [ex for nb in summary.notebooks for ex in nb.exercises if ex.exercise == SVM]
    found = {m.name: m for m in stat.mistakes}
    assert found["gradient_halved"].count == 4 and found["gradient_halved"].hint == HINT
    assert stat.groups == [] and stat.unrecognised == 0
    for student in PLANTED:
        feedback = (regraded / "results" / f"{student}__{NB03}.json").read_text(encoding="utf-8")
        assert HINT in feedback
    # the answers the bank knew keep their own hint
    no_margin = read_results(regraded).submissions
    assert any("no_margin" in e.mistakes for s in no_margin if s.name.startswith("dee") for e in s.exercises)


def test_without_submissions_the_draft_is_a_stub_that_shows_the_groups_output(graded):
    exercise = synthetic_results.EXERCISES[SVM]
    group, _ = find_group(graded, SVM, 1)
    text = draft_text(exercise, group)
    assert "raise NotImplementedError" in text and "# The group's output on public 1" in text
    compile(text, "<draft>", "exec")


@pytest.mark.parametrize("argv, phrase", [(["--exercise", SVM, "--group", "2"], "--group: exercise 'svm_vectorized' "
                                                                                  "has groups 1 to 1"),
                                          (["--exercise", "nope", "--group", "1"], "--exercise: no exercise 'nope'"),
                                          (["--exercise", "rank_swap_pair", "--group", "1"], "--exercise: no graded")])
def test_draft_mistake_refuses_in_one_line_naming_the_argument(graded, capsys, argv, phrase):
    assert main(["draft-mistake", str(graded), *argv]) == 2
    err = capsys.readouterr().err
    assert phrase in err and err.count("\n") == 1, err


def test_groups_are_numbered_largest_first_and_never_mix_exercises_or_behaviours(graded):
    summary = summarise(read_results(graded))
    groups = [g for nb in summary.notebooks for ex in nb.exercises for g in ex.groups]
    assert all(len(set(g.members)) == g.size for g in groups)
    assert [g.number for g in groups] == list(range(1, len(groups) + 1))


def test_public_cases_decide_and_hidden_ones_only_for_answers_that_pass_every_public_case():
    from course_lib.grading.reports.class_summary import ExerciseOutcome, behaviour_groups

    def answer(behaviour):
        return ExerciseOutcome(SVM, "", NB03, "failed", 0.0, 4.0, behaviour=behaviour)

    lstsq = answer({"public 1": "a1", "hidden 2": "h2"})
    solve = answer({"public 1": "a1", "hidden 2": "h2-other"})  # the same mistake, apart on a hidden edge case
    other = answer({"public 1": "b1"})
    hidden_only = [answer({"hidden 3": "h3"}), answer({"hidden 3": "h3"})]
    known = dataclasses.replace(answer({"public 1": "a1"}), mistakes=("no_margin",))  # explained: never grouped
    outcomes = [lstsq, solve, other, *hidden_only, known]
    names = {id(o): f"s{k}" for k, o in enumerate(outcomes)}
    groups = behaviour_groups(outcomes, names)
    assert [(g.number, g.members, g.failed_cases) for g in groups] == [(1, ("s0", "s1"), ("public 1",)),
                                                                       (2, ("s3", "s4"), ("hidden 3",))]
    assert groups[1].example == "passes every public case; fails hidden 3" and groups[0].unexplained == 5


def test_a_value_exercise_s_group_drafts_a_mistake_that_returns_the_value(tmp_path, capsys, monkeypatch):
    exercise_id = "cat_hinge_loss"
    notebook = synthetic_results.EXERCISES[exercise_id].notebook
    half_margin = ("scores = [3.2, 5.1, -1.7]\n"
                   "cat_hinge_loss = max(0, scores[1] - scores[0] + 0.5) + max(0, scores[2] - scores[0] + 0.5)\n")
    namespace = {}
    exec(half_margin, namespace)
    planted = namespace[exercise_id]
    students = {"kim": planted, "lee": planted, "max": 2.9}
    write_results(tmp_path / "g" / "results", [judged_results(f"{s}__{notebook}", notebook, {exercise_id: value})
                                               for s, value in students.items()])
    folder = tmp_path / "submitted"
    folder.mkdir()
    for student in ("kim", "lee"):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(half_margin)]),
                       folder / f"{student}__{notebook}.ipynb")
    assert main(["draft-mistake", str(tmp_path / "g"), "--exercise", exercise_id, "--group", "1",
                 "--submissions", str(folder), "--verify"]) == 0
    text = capsys.readouterr().out
    assert "def _draft_cat_hinge_loss_group1():" in text and "return cat_hinge_loss" in text
    assert "# verify: the draft gives the group's output on 1 of its 1 failed cases" in text, text
    exercise = synthetic_results.EXERCISES[exercise_id]
    group, _ = find_group(tmp_path / "g", exercise_id, 1)
    drafted = load_draft(text.split("\n# verify")[0], exercise, group, name="half_margin",
                         hint="The margin is 1, not 0.5.")
    assert drafted.implementation() == pytest.approx(planted)
    monkeypatch.setitem(synthetic_results.EXERCISES, exercise_id,
                        dataclasses.replace(exercise, mistakes=(*exercise.mistakes, drafted)))
    again = judged_results(f"kim__{notebook}", notebook, {exercise_id: planted})
    assert again["tests"][0]["extra_data"]["mistakes"] == ["half_margin"]
