"""A notebook's cells, read from its JSON, with their roles (answer, check, locked), without running anything.

Used by the autograder on a submission and by ``course_lib.answers`` on the student's own saved
notebooks. A bad file gets a status, never an exception. Reading is bounded whatever the file holds
(:data:`LIMITS`): a file over :data:`MAX_BYTES` is refused unread; one whose JSON has more strings,
objects and arrays, or separators than a notebook a person wrote could have is refused before it is
parsed (each is counted in the raw bytes, an upper bound, so parsing what passes takes memory in
proportion to the file); then too many cells, characters or lines of code. Each refusal is
``SubmissionStatus.TOO_LARGE`` with a message naming the limit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property

from course_lib.grading.statuses import SubmissionStatus

MAX_BYTES = 20 * 1024 * 1024  # a bigger file is refused unread
MAX_JSON_STRINGS = 500_000  # the workbook's notebooks have at most ~4,000
MAX_JSON_CONTAINERS = 100_000  # objects and arrays; the workbook's notebooks have at most ~500
MAX_JSON_SEPARATORS = 1_000_000  # commas and colons; the workbook's notebooks have at most ~6,000
MAX_CELLS = 2_000  # the workbook's notebooks have at most ~50
MAX_CODE_CHARS = 1_000_000  # in all code cells together; the workbook's notebooks have at most ~15,000
MAX_CODE_LINES = 20_000  # in all code cells together; the workbook's notebooks have at most ~350
LIMITS = {"bytes": MAX_BYTES, "JSON strings": MAX_JSON_STRINGS, "JSON objects and arrays": MAX_JSON_CONTAINERS,
          "JSON separators (commas and colons)": MAX_JSON_SEPARATORS, "cells": MAX_CELLS,
          "characters of code": MAX_CODE_CHARS, "lines of code": MAX_CODE_LINES}
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


def _over(what: str, count: int, upper_bound: bool = False) -> Notebook | None:
    """A refusal naming the limit ``what`` (a key of :data:`LIMITS`) if ``count`` is over it."""
    limit = LIMITS[what]
    if count <= limit:
        return None
    return Notebook(SubmissionStatus.TOO_LARGE, f"{'up to ' if upper_bound else ''}{count:,} {what} "
                                                f"(at most {limit:,} in a notebook)")


def _shape_problem(data: bytes) -> Notebook | None:
    """Refuse JSON too big to parse safely: counts of raw bytes, upper bounds of what ``json.loads`` builds."""
    return (_over("bytes", len(data)) or _over("JSON strings", data.count(b'"') // 2, True)
            or _over("JSON objects and arrays", data.count(b"{") + data.count(b"["), True)
            or _over("JSON separators (commas and colons)", data.count(b",") + data.count(b":"), True))


def read_notebook(data: bytes) -> Notebook:
    """Parse a submission's bytes; never raises: a bad file gets a status and a message."""
    refused = _shape_problem(data)
    if refused is not None:
        return refused
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
        return Notebook(SubmissionStatus.WRONG_VERSION, f"nbformat {version!r}; this workbook's notebooks are "
                                                          "nbformat 4 (open and save it in a current Jupyter)")
    raw_cells = document.get("cells")
    if not isinstance(raw_cells, list):
        return Notebook(SubmissionStatus.NOT_A_NOTEBOOK, "JSON, but not a notebook (no cells)")
    refused = _over("cells", len(raw_cells))
    if refused is not None:
        return refused
    cells = []
    for index, cell in enumerate(raw_cells):
        if isinstance(cell, dict) and isinstance(cell.get("cell_type"), str):
            metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
            cells.append(NotebookCell(index, cell["cell_type"], _text(cell.get("source")), metadata,
                                      cell.get("id") if isinstance(cell.get("id"), str) else ""))
    code = [c.source for c in cells if c.cell_type == "code"]
    refused = _over("characters of code", sum(map(len, code))) or _over(
        "lines of code", sum(source.count("\n") + 1 for source in code))
    if refused is not None:
        return refused
    if not any(source.strip() for source in code):
        return Notebook(SubmissionStatus.EMPTY, "the notebook has no code in it")
    return Notebook(SubmissionStatus.OK, "", cells)
