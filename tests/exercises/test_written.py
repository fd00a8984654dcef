"""Written questions: markdown cells with nbgrader manual-grading metadata, each with a marking guide."""

from pathlib import Path

import nbformat
import pytest
from cell_audit import exercise_cell_problems

from course_lib.grading.exercises import cells
from course_lib.grading.exercises.bank._written import WRITTEN

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def written_cells():
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("course_lib", {})
            if meta.get("role") == "written":
                yield path.stem, cell


def test_every_written_cell_has_a_guide_and_every_guide_a_cell():
    found = {cell.metadata["course_lib"]["exercise"]: (stem, cell) for stem, cell in written_cells()}
    assert sorted(found) == sorted(WRITTEN)
    for eid, (stem, cell) in found.items():
        assert eid.startswith(cells.WRITTEN_PREFIX)
        assert cell.cell_type == "markdown" and cell.source == "YOUR ANSWER HERE"   # nothing for a release to hide
        assert cell.metadata["nbgrader"] == cells.written_metadata(eid, WRITTEN[eid]["points"])["nbgrader"]
        assert WRITTEN[eid]["notebook"] == stem and WRITTEN[eid]["guide"]


def test_a_written_cell_with_wrong_metadata_is_reported():
    cell = nbformat.v4.new_markdown_cell("YOUR ANSWER HERE")
    cell.metadata.update(cells.written_metadata("written_x", 2))
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert exercise_cell_problems(nb, []) == []
    cell.metadata["nbgrader"]["solution"] = False
    assert "written question 'written_x'" in exercise_cell_problems(nb, [])[0]
    with pytest.raises(ValueError, match="written_"):
        cells.written_metadata("margin", 2)
