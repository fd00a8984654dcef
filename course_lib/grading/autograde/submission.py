"""A submitted notebook: which workbook notebook it is, and its code cells in run order.

Nothing here runs student code: the notebook is parsed as JSON (:mod:`course_lib.grading.exercises.notebook`),
and cells are only read as text.

The run order is the order of the student's notebook, as their kernel ran it, with two
exceptions that keep the instructor's part trusted (:func:`run_order`):

- a *locked* cell of the source notebook (nbgrader ``locked`` and not a test cell, e.g. the
  setup cell) runs as the source has it, wherever the student left it, and a deleted one
  is put back after the locked cell before it: tampering with it changes nothing;
- check cells (the source's test cells, or a submission cell with check-cell metadata) do
  not run.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Origin(str, Enum):
    """Where a cell of the run order comes from."""

    SETUP = "setup"  # a locked cell of the source notebook, run as the instructor wrote it
    PROVIDED = "provided"  # a provided cell: as the student left it, or put back from the source if deleted
    STUDENT = "student"  # the student's own: answer cells, and every cell the student added


@dataclass(frozen=True)
class RunEntry:
    """One code cell of the run order.

    Attributes
    ----------
    label : str
        How feedback names it ("cell 14", "the provided cell 3 (as the instructor wrote it)").
    source : str
        Its raw source (IPython syntax allowed).
    origin : Origin
    index : int or None
        Its position in the submission's cells (None: put back from the source).
    """

    label: str
    source: str
    origin: Origin
    index: int | None = None


def identify_notebook(cells: list, filename: str, exercises_by_notebook: dict) -> str | None:
    """The workbook notebook a submission is, or None if it is none of them.

    Exercise ids in cell metadata weigh most, then answer names defined, then the file
    name containing the notebook's stem; ties go to the first notebook in bank order.
    Without ids or file name, at least half of a notebook's answer names must be defined
    (so that another course's notebook with a function called ``accuracy`` is no match).
    """
    best, best_score = None, 0
    for stem, exercises in exercises_by_notebook.items():
        ids = {ex.id for ex in exercises}
        names = {ex.answer for ex in exercises}
        by_id = sum(1 for cell in cells if cell.ids & ids)
        by_name = sum(1 for name in names if any(name in cell.defines for cell in cells))
        by_file = stem in filename
        if not by_id and not by_file and 2 * by_name < len(names):
            continue
        if not by_id and not by_name:  # a file name alone is no evidence
            continue
        score = 3 * by_id + by_name + by_file
        if score > best_score:
            best, best_score = stem, score
    return best


def _same_source(a: str, b: str) -> bool:
    return a.strip() == b.strip()


def _role(cell) -> str:
    ours = cell.metadata.get("course_lib")
    return ours.get("role", "") if isinstance(ours, dict) else ""


def run_order(submission: list, source: list | None) -> list[RunEntry]:
    """The code cells to run, in order (see the module docstring).

    Parameters
    ----------
    submission : list of NotebookCell
        The submission's cells.
    source : list of NotebookCell or None
        The trusted source notebook's cells (None: no source, every code cell runs as submitted).

    Returns
    -------
    list of RunEntry

    A locked source cell runs as the source has it, where the student left it (or, deleted,
    after the cells before it). Another provided cell (not an answer) runs as the student
    left it, and, deleted, is put back from the source after the cells before it. Check
    cells never run.
    """
    code = [c for c in (source or []) if c.cell_type == "code"]
    locked = [c for c in code if c.is_locked]
    checks = [c for c in code if c.is_check]
    provided = [c for c in code if not c.is_locked and not c.is_check and not c.ids and _role(c) != "answer"]

    def match(cell, candidates):
        return next((c for c in candidates if (cell.id and c.id == cell.id) or _same_source(c.source, cell.source)),
                    None)

    order, seen = [], set()  # order: (entry, index of the source cell it stands for, or None)
    for cell in submission:
        if cell.cell_type != "code":
            continue
        mine = match(cell, locked)
        if mine is not None:
            if mine.index not in seen:
                seen.add(mine.index)
                order.append((RunEntry(f"the provided cell {mine.index} (as the instructor wrote it)", mine.source,
                                       Origin.SETUP, cell.index), mine.index))
            continue
        if cell.is_check or match(cell, checks) is not None:
            continue
        theirs = match(cell, provided)
        if theirs is not None:
            seen.add(theirs.index)
        origin = Origin.PROVIDED if theirs is not None else Origin.STUDENT
        order.append((RunEntry(f"cell {cell.index}", cell.source, origin, cell.index),
                      theirs.index if theirs is not None else None))
    for cell in locked + provided:  # deleted by the student: put back after the source cells before it
        if cell.index in seen:
            continue
        before = [k for k, (_, standing) in enumerate(order) if standing is not None and standing < cell.index]
        at = before[-1] + 1 if before else 0
        if cell.is_locked:
            entry = RunEntry(f"the provided cell {cell.index} (as the instructor wrote it)", cell.source, Origin.SETUP)
        else:
            entry = RunEntry(f"the provided cell {cell.index} (put back: it is missing from the submission)",
                             cell.source, Origin.PROVIDED)
        order.insert(at, (entry, cell.index))
        seen.add(cell.index)
    return [entry for entry, _ in order]
