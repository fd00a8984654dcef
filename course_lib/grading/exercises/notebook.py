"""A notebook's cells, read from its JSON, with their roles (answer, check, locked), without running anything.

Used by the autograder on a submission and by ``course_lib.answers`` on the student's own saved
notebooks. A file over :data:`MAX_BYTES` is refused unread; a bad file gets a status, never an exception.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property

from course_lib.grading.statuses import SubmissionStatus

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
    """A parsed submission: ``status`` (``SubmissionStatus.OK`` or why not), a ``message``, its cells."""

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
        return Notebook(SubmissionStatus.TOO_LARGE, f"{len(data):,} bytes (at most {MAX_BYTES:,})")
    if not data.strip():
        return Notebook(SubmissionStatus.EMPTY, "the file is empty")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return Notebook(SubmissionStatus.NOT_A_NOTEBOOK, "a binary file, not a Jupyter notebook")
    except ValueError as exc:
        return Notebook(SubmissionStatus.NOT_A_NOTEBOOK, f"not valid JSON ({str(exc)[:80]})")
    except RecursionError:
        return Notebook(SubmissionStatus.NOT_A_NOTEBOOK, "JSON nested too deeply")
    if not isinstance(document, dict):
        return Notebook(SubmissionStatus.NOT_A_NOTEBOOK, "JSON, but not a notebook (no cells)")
    version = document.get("nbformat")
    if version is not None and version != 4:
        return Notebook(SubmissionStatus.WRONG_VERSION, f"nbformat {version!r}; this workbook's notebooks are nbformat 4 "
                                                "(open and save it in a current Jupyter)")
    raw_cells = document.get("cells")
    if not isinstance(raw_cells, list):
        return Notebook(SubmissionStatus.NOT_A_NOTEBOOK, "JSON, but not a notebook (no cells)")
    cells = []
    for index, cell in enumerate(raw_cells):
        if isinstance(cell, dict) and isinstance(cell.get("cell_type"), str):
            metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
            cells.append(NotebookCell(index, cell["cell_type"], _text(cell.get("source")), metadata,
                                      cell.get("id") if isinstance(cell.get("id"), str) else ""))
    if not any(c.cell_type == "code" and c.source.strip() for c in cells):
        return Notebook(SubmissionStatus.EMPTY, "the notebook has no code in it")
    return Notebook(SubmissionStatus.OK, "", cells)
