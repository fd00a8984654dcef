"""Written questions: markdown answer cells with nbgrader "manually graded answer" metadata."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from cell_audit import exercise_cell_problems

from course_lib.grading.exercises import bank, cells

ROOT = Path(__file__).resolve().parents[2]


def written_cell(exercise_id="written_demo", points=2, kind="markdown"):
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make("YOUR ANSWER HERE")
    cell.metadata.update(cells.written_metadata(exercise_id, points))
    return cell


def test_written_metadata_is_a_manually_graded_answer():
    meta = cells.written_metadata("written_demo", 2)
    assert meta["nbgrader"] == {"grade": True, "solution": True, "locked": False, "task": False,
                                "grade_id": "written_demo", "points": 2, "schema_version": 3}
    assert meta["course_lib"] == {"exercise": "written_demo", "role": "written"}


@pytest.mark.parametrize("exercise_id, points, words", [
    ("demo", 2, "starts with 'written_'"), ("written demo", 2, "letters, digits"), ("written_demo", 0, "points")])
def test_written_metadata_refuses_bad_input(exercise_id, points, words):
    with pytest.raises(ValueError, match=words):
        cells.written_metadata(exercise_id, points)


def test_a_written_cell_passes_the_format_check_and_a_code_one_does_not():
    nb = nbformat.v4.new_notebook(cells=[written_cell()])
    assert exercise_cell_problems(nb, []) == []
    bad = nbformat.v4.new_notebook(cells=[written_cell(kind="code")])
    assert "must be a markdown cell" in "\n".join(exercise_cell_problems(bad, []))
    tampered = nbformat.v4.new_notebook(cells=[written_cell()])
    tampered.cells[0].metadata["nbgrader"]["solution"] = False
    assert "written question" in "\n".join(exercise_cell_problems(tampered, []))


@pytest.mark.parametrize("stem", ["04_regularization", "08_gradients"])  # 11 has none since v3
def test_the_workbooks_written_questions_are_stubs_not_in_the_bank(stem):
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    written = [c for c in nb.cells if c.metadata.get("course_lib", {}).get("role") == "written"]
    assert written, f"{stem} has no written question"
    known = {ex.id for ex in bank.all_exercises()}
    for cell in written:
        assert cell.cell_type == "markdown" and cell.source.strip() == "YOUR ANSWER HERE"
        assert cell.metadata["course_lib"]["exercise"] not in known
