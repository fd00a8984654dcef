"""Scoring policies end to end (issue 25): the grade, the feedback, grades.csv, Gradescope's JSON, the report.

One submission of the test notebook (:mod:`hostile.kit`) answers ``double_it`` right on its public case and on
one of its two hidden cases, ``row_sums`` right with a Python loop (the loop-free rule), and ``l2_of`` right by
calling the reference (the reference rule). Each policy grades it once, in a batch, and every output must show
the same points.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pytest
from hostile import kit  # noqa: E402

from course_lib.cli import main
from course_lib.grading.autograde import batch
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.exercises import bank, course_config
from course_lib.grading.exercises.model import Scoring
from course_lib.grading.judging.scoring import round_points

LIMITS = Limits(cell_timeout=5, timeout=40)
HALF_RIGHT = "def double_it(x):\n    return 2 * x if x.shape[0] != 1 else x\n"  # hidden case 1 has one row
LOOPING = "def row_sums(X):\n    return np.array([sum(row) for row in X])\n"
REUSING = "from course_lib import softmax\ndef l2_of(W):\n    return softmax(W)\n"
DOUBLE_IT = next(ex for ex in kit.EXERCISES if ex.id == "double_it")


def _expected_double_it(policy: str, public: float, hidden: float) -> float:
    """double_it's points: 1 public and 1 of 2 hidden cases pass."""
    if policy == "all-or-nothing":
        return 0.0
    return round_points(DOUBLE_IT.points * (public + hidden) / (public + 2 * hidden))


# (how the policy is set, its config or bank declaration, the expected points of double_it)
POLICIES = {
    "declared-all-or-nothing": (None, None, 0.0),
    "course-per-case": ({"scoring": {"exercises": {"double_it": {"policy": "per-case"}}}}, None,
                        _expected_double_it("per-case", 1, 1)),
    "course-per-case-hidden-2": ({"scoring": {"policy": "per-case", "public_weight": 1, "hidden_weight": 2}}, None,
                                 _expected_double_it("per-case", 1, 2)),
    "bank-per-case": (None, {"scoring": Scoring.PER_CASE, "weights": (3, 1)}, _expected_double_it("per-case", 3, 1)),
    "course-overrides-bank": ({"scoring": {"exercises": {"double_it": {"policy": "all-or-nothing"}}}},
                              {"scoring": Scoring.PER_CASE}, 0.0),
}


@pytest.fixture(scope="module", params=sorted(POLICIES))
def graded(request, tmp_path_factory):
    config, declared, expected = POLICIES[request.param]
    exercises = [dataclasses.replace(ex, **declared) if declared and ex.id == "double_it" else ex
                 for ex in kit.EXERCISES]
    original = bank._registry
    merged = {**original(), **{ex.id: ex for ex in exercises}}
    bank._registry = lambda: merged
    try:
        folder = tmp_path_factory.mktemp(request.param)
        cells = kit.good_cells({"double_it": HALF_RIGHT, "row_sums": LOOPING, "l2_of": REUSING})
        (folder / "subs").mkdir()
        (folder / "subs" / "alice.ipynb").write_bytes(kit.notebook(cells))
        course = course_config.parse(config, merged, [kit.STEM], "test") if config else None
        rows = batch.grade_batch([folder / "subs"], folder / "out", LIMITS, jobs=1, progress=False,
                                 class_report=True, course=course)
    finally:
        bank._registry = original
    yield request.param, expected, rows[0][1], folder / "out"


def _csv(path) -> list:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_the_grade(graded):
    _, expected, result, _ = graded
    scores = {ex.id: ex.score for ex in result.exercises}
    statuses = {ex.id: ex.status for ex in result.exercises}
    assert scores["double_it"] == expected and statuses["double_it"] == "failed"
    # the rules zero an exercise under every policy, although each of its cases passed
    assert (statuses["row_sums"], scores["row_sums"]) == ("forbidden code", 0.0)
    assert (statuses["l2_of"], scores["l2_of"]) == ("uses the reference implementation", 0.0)
    assert result.score == round(expected + 3.0, 2)  # add_them, magic_number, apply_softmax: 1 each


def test_feedback_grades_csv_gradescope_and_report_agree(graded):
    name, expected, result, out = graded
    shown = f"{expected:g}"
    total = f"{result.score:g}"
    feedback = (out / "feedback" / "alice.md").read_text()
    assert f"Score: **{total} / {kit.TOTAL:g}**" in feedback
    assert f"## ✗ Double it ({shown} / 2): failed" in feedback
    assert (f"Partial credit: {shown} of 2 points for 2 of 3 tests passed" in feedback) == (expected > 0)
    row = _csv(out / "grades.csv")[0]
    assert (row["score"], row["double_it"], row["row_sums"], row["l2_of"]) == (total, shown, "0", "0")
    results = json.loads((out / "results" / "alice.json").read_text())
    assert results["score"] == result.score
    test = next(t for t in results["tests"] if t["tags"][0] == "double_it")
    assert (test["score"], test["max_score"], test["status"]) == (expected, 2, "failed")
    assert ("Partial credit" in test["output"]) == (expected > 0)
    report = out / "report"
    summary = {r["exercise"]: r for r in _csv(report / "exercise_summary.csv")}
    assert summary["double_it"]["points_lost"] == f"{2 - expected:g}"
    assert summary["double_it"]["partial_credit"] == ("1" if expected > 0 else "0")
    progress = _csv(report / "progress.csv")[0]
    assert progress["total_score"] == total and progress[kit.STEM] == f"{total} / {kit.TOTAL:g}"
    assert ("1 (1 partial)" in (report / "class_report.html").read_text()) == (expected > 0)


def test_the_grade_command_reads_the_config(tmp_path, capsys):
    """``grade --config``: a wrong setting is one line naming the key (nothing is graded)."""
    config = tmp_path / "course.toml"
    config.write_text('[scoring.exercises.no_such_exercise]\npolicy = "per-case"\n')
    (tmp_path / "a.ipynb").write_bytes(kit.notebook(kit.good_cells()))
    assert main(["grade", str(tmp_path / "a.ipynb"), "--out", str(tmp_path / "out"), "--config", str(config)]) == 2
    assert "scoring.exercises: no exercise 'no_such_exercise' in the bank" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
