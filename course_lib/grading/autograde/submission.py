"""Read a submitted notebook, tell which workbook notebook it is, and put its cells in run order.

Nothing here runs student code: the notebook is parsed as JSON (after a size check), and
cells are only read as text.

The run order is the order of the student's notebook, as their kernel ran it, with two
exceptions that keep the instructor's part trusted (:func:`run_order`):

- a *locked* cell of the source notebook (nbgrader ``locked`` and not a test cell, e.g. the
  setup cell) runs as the source has it, wherever the student left it, and a deleted one
  is put back after the locked cell before it: tampering with it changes nothing;
- check cells (the source's test cells, or a submission cell with check-cell metadata) do
  not run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property

from course_lib.grading.judging import statuses

MAX_BYTES = 20 * 1024 * 1024  # a bigger file is refused unread
_DEFINITION = re.compile(r"^(?:(?:async\s+)?def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)", re.M)


@dataclass
class NotebookCell:
    """One cell of a notebook: its position, type, source, metadata and nbformat id."""

    index: int
    cell_type: str
    source: str
    metadata: dict = field(default_factory=dict)
    id: str = ""

    @property
    def ids(self) -> frozenset:
        """Exercise ids its metadata names as an answer (course_lib or nbgrader)."""
        found = set()
        ours, theirs = self.metadata.get("course_lib"), self.metadata.get("nbgrader")
        if isinstance(ours, dict) and ours.get("role") == "answer" and isinstance(ours.get("exercise"), str):
            found.add(ours["exercise"])
        if isinstance(theirs, dict) and theirs.get("solution") is True and isinstance(theirs.get("grade_id"), str):
            found.add(theirs["grade_id"])
        return frozenset(found)

    @cached_property
    def defines(self) -> frozenset:
        """Names it appears to define at top level (a cheap look, for identifying the notebook)."""
        if self.cell_type != "code":
            return frozenset()
        text = self.source[:200_000]  # a look at the start is enough (and cheap) for a cell too long to grade
        names = {a or b for a, b in _DEFINITION.findall(text)}
        for line in text.split("\n"):  # chained assignments: a = b = None
            if _DEFINITION.match(line) and line.count("=") > 1:
                names.update(re.findall(r"([A-Za-z_]\w*)\s*=(?!=)", line.split("(")[0]))
        return frozenset(names)

    @property
    def is_check(self) -> bool:
        ours, theirs = self.metadata.get("course_lib"), self.metadata.get("nbgrader")
        return (isinstance(ours, dict) and ours.get("role") == "check") or (
            isinstance(theirs, dict) and theirs.get("grade") is True and theirs.get("solution") is not True)

    @property
    def is_locked(self) -> bool:
        theirs = self.metadata.get("nbgrader")
        return isinstance(theirs, dict) and theirs.get("locked") is True and not self.is_check


@dataclass
class Notebook:
    """A parsed submission: ``status`` (``statuses.OK`` or why not), a ``message``, its cells."""

    status: str
    message: str = ""
    cells: list = field(default_factory=list)

    @property
    def code_cells(self) -> list:
        return [c for c in self.cells if c.cell_type == "code"]


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return ""


def read_notebook(data: bytes) -> Notebook:
    """Parse a submission's bytes; never raises: a bad file gets a status and a message."""
    if len(data) > MAX_BYTES:
        return Notebook(statuses.TOO_LARGE, f"{len(data):,} bytes (at most {MAX_BYTES:,})")
    if not data.strip():
        return Notebook(statuses.EMPTY, "the file is empty")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return Notebook(statuses.NOT_A_NOTEBOOK, "a binary file, not a Jupyter notebook")
    except ValueError as exc:
        return Notebook(statuses.NOT_A_NOTEBOOK, f"not valid JSON ({str(exc)[:80]})")
    except RecursionError:
        return Notebook(statuses.NOT_A_NOTEBOOK, "JSON nested too deeply")
    if not isinstance(document, dict):
        return Notebook(statuses.NOT_A_NOTEBOOK, "JSON, but not a notebook (no cells)")
    version = document.get("nbformat")
    if version is not None and version != 4:
        return Notebook(statuses.WRONG_VERSION, f"nbformat {version!r}; this workbook's notebooks are nbformat 4 "
                                                "(open and save it in a current Jupyter)")
    raw_cells = document.get("cells")
    if not isinstance(raw_cells, list):
        return Notebook(statuses.NOT_A_NOTEBOOK, "JSON, but not a notebook (no cells)")
    cells = []
    for index, cell in enumerate(raw_cells):
        if isinstance(cell, dict) and isinstance(cell.get("cell_type"), str):
            metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
            cells.append(NotebookCell(index, cell["cell_type"], _text(cell.get("source")), metadata,
                                      cell.get("id") if isinstance(cell.get("id"), str) else ""))
    if not any(c.cell_type == "code" and c.source.strip() for c in cells):
        return Notebook(statuses.EMPTY, "the notebook has no code in it")
    return Notebook(statuses.OK, "", cells)


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


def run_order(submission: list, source: list | None) -> list:
    """``(label, source)`` of the code cells to run, in order (see the module docstring).

    Parameters
    ----------
    submission : list of NotebookCell
        The submission's cells.
    source : list of NotebookCell or None
        The trusted source notebook's cells (None: no source, every code cell runs as submitted).

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

    order, seen = [], set()  # order: (label, source, index of the source cell it stands for, or None)
    for cell in submission:
        if cell.cell_type != "code":
            continue
        mine = match(cell, locked)
        if mine is not None:
            if mine.index not in seen:
                seen.add(mine.index)
                order.append((f"the provided cell {mine.index} (as the instructor wrote it)", mine.source,
                              mine.index))
            continue
        if cell.is_check or match(cell, checks) is not None:
            continue
        theirs = match(cell, provided)
        if theirs is not None:
            seen.add(theirs.index)
        order.append((f"cell {cell.index}", cell.source, theirs.index if theirs is not None else None))
    for cell in locked + provided:  # deleted by the student: put back after the source cells before it
        if cell.index in seen:
            continue
        before = [k for k, entry in enumerate(order) if entry[2] is not None and entry[2] < cell.index]
        at = before[-1] + 1 if before else 0
        label = (f"the provided cell {cell.index} (as the instructor wrote it)" if cell.is_locked else
                 f"the provided cell {cell.index} (put back: it is missing from the submission)")
        order.insert(at, (label, cell.source, cell.index))
        seen.add(cell.index)
    return [(label, text) for label, text, _ in order]
