"""Exercise cells in a notebook: their metadata, and the regions a release removes.

An exercise is two code cells, the answer cell and, right below it, its check cell::

    answer: metadata {"nbgrader": {"grade": false, "solution": true, "locked": false,
                                   "grade_id": ID, "schema_version": 3},
                      "course_lib": {"exercise": ID, "role": "answer"}}
            source   def f(...):  / docstring / ### BEGIN SOLUTION ... ### END SOLUTION
    check:  metadata {"nbgrader": {"grade": true, "solution": false, "locked": true,
                                   "grade_id": ID + "_check", "points": P, "schema_version": 3},
                      "course_lib": {"exercise": ID, "role": "check"}}
            source   check(ID, f) / ### BEGIN HIDDEN TESTS / check(ID, f, hidden=True) / ### END ...

nbgrader allows no extra keys in its own metadata, so the workbook's keys live under
``course_lib``. This module works on plain strings and nbformat nodes only (no nbformat
import), so that the autograder and the release share it cheaply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
CHECK_SUFFIX = "_check"
_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")


# --- metadata --------------------------------------------------------------------------

def _check_id(exercise_id: str) -> str:
    if not isinstance(exercise_id, str) or not _ID_PATTERN.match(exercise_id):
        raise ValueError(f"exercise_id: expected letters, digits, '_' or '-', got {exercise_id!r}")
    return exercise_id


def answer_metadata(exercise_id: str) -> dict:
    """Cell metadata of an exercise's answer cell (an nbgrader autograded-answer cell)."""
    _check_id(exercise_id)
    return {
        "nbgrader": {"grade": False, "solution": True, "locked": False, "grade_id": exercise_id,
                     "schema_version": 3},
        "course_lib": {"exercise": exercise_id, "role": "answer"},
        "tags": [],
    }


def check_metadata(exercise_id: str, points: float) -> dict:
    """Cell metadata of an exercise's check cell (an nbgrader autograder-tests cell)."""
    _check_id(exercise_id)
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not points > 0:
        raise ValueError(f"points: expected a positive number, got {points!r}")
    return {
        "nbgrader": {"grade": True, "solution": False, "locked": True,
                     "grade_id": exercise_id + CHECK_SUFFIX, "points": points, "schema_version": 3},
        "course_lib": {"exercise": exercise_id, "role": "check"},
    }


SETUP_ID = "setup"


def setup_metadata() -> dict:
    """Cell metadata of a notebook's setup cell (its imports): an nbgrader read-only cell.

    The autograder runs a locked cell as the source notebook has it, wherever the student left
    it (or put back if deleted), so that editing it changes nothing; JupyterLab and Notebook 7
    keep it from being edited or deleted (``editable`` / ``deletable``).
    """
    return {
        "nbgrader": {"grade": False, "solution": False, "locked": True, "grade_id": SETUP_ID, "schema_version": 3},
        "course_lib": {"role": "setup"},
        "editable": False,
        "deletable": False,
    }


WRITTEN_PREFIX = "written_"


def written_metadata(exercise_id: str, points: float) -> dict:
    """Cell metadata of a written question's answer cell (markdown, nbgrader "manually graded answer").

    Written questions are marked by an instructor, not by the bank; their ids start with
    ``written_``. The cell holds nbgrader's stub text (``YOUR ANSWER HERE``) in the source
    notebook too, so that the release has nothing to hide.
    """
    _check_id(exercise_id)
    if not exercise_id.startswith(WRITTEN_PREFIX):
        raise ValueError(f"exercise_id: a written question's id starts with {WRITTEN_PREFIX!r}, got {exercise_id!r}")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or not points > 0:
        raise ValueError(f"points: expected a positive number, got {points!r}")
    return {
        "nbgrader": {"grade": True, "solution": True, "locked": False, "task": False, "points": points,
                     "grade_id": exercise_id, "schema_version": 3},
        "course_lib": {"exercise": exercise_id, "role": "written"},
    }


def check_source(exercise_id: str, answer_name: str) -> str:
    """Source of a check cell: the public check, then the hidden one inside its markers."""
    _check_id(exercise_id)
    if not answer_name.isidentifier():
        raise ValueError(f"answer_name: expected a Python identifier, got {answer_name!r}")
    return (f'check("{exercise_id}", {answer_name})\n{BEGIN_HIDDEN}\n'
            f'check("{exercise_id}", {answer_name}, hidden=True)\n{END_HIDDEN}')


def cell_role(cell) -> tuple[str, str] | None:
    """``(exercise_id, "answer" | "check")`` for an exercise cell, else None."""
    meta = cell.get("metadata", {}).get("course_lib", {})
    if not isinstance(meta, dict) or "exercise" not in meta or meta.get("role") not in ("answer", "check"):
        return None
    return meta["exercise"], meta["role"]


# --- finding exercises -------------------------------------------------------------------

@dataclass(frozen=True)
class ExerciseCells:
    """Positions of one exercise's cells in ``nb.cells`` (``check`` is None if missing)."""

    exercise_id: str
    answer: int
    check: int | None


def find_exercise_cells(nb) -> list[ExerciseCells]:
    """Every exercise in a notebook, in order, from the ``course_lib`` cell metadata."""
    answers, checks = {}, {}
    for index, cell in enumerate(nb["cells"]):
        role = cell_role(cell)
        if role is not None:
            (answers if role[1] == "answer" else checks).setdefault(role[0], index)
    return [ExerciseCells(eid, idx, checks.get(eid)) for eid, idx in answers.items()]


def _regions(lines: list[str], begin: str, end: str, what: str):
    """Yield (start, stop) line indexes of each begin..end region; ValueError if unbalanced."""
    start = None
    for i, line in enumerate(lines):
        text = line.strip()
        if text == begin:
            if start is not None:
                raise ValueError(f"source: nested {begin!r} at line {i + 1} ({what} opened at line {start + 1})")
            start = i
        elif text == end:
            if start is None:
                raise ValueError(f"source: {end!r} at line {i + 1} without a {begin!r} before it")
            yield start, i
            start = None
    if start is not None:
        raise ValueError(f"source: {begin!r} at line {start + 1} is never closed by {end!r}")


def strip_solutions(source: str) -> str:
    """Replace each solution region by the stub, indented like its ``### BEGIN SOLUTION`` line.

    Inside a function the stub raises ``NotImplementedError``, as nbgrader's does. At the top
    level of a cell (a value to predict, ``name = None`` above the region) it is only the
    comment: raising there would stop "Run All" at the first question, and a value left at
    None already reads as not attempted.

    >>> strip_solutions("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION")
    'def f():\\n    # YOUR CODE HERE\\n    raise NotImplementedError()'
    """
    lines = source.split("\n")
    out, last = [], 0
    for start, stop in list(_regions(lines, BEGIN_SOLUTION, END_SOLUTION, "solution")):
        indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
        out += lines[last:start] + [indent + s for s in (STUB if indent else STUB[:1])]
        last = stop + 1
    return "\n".join(out + lines[last:])


def strip_hidden_tests(source: str) -> str:
    """Remove each hidden-test region, markers included (works on cells and bank modules)."""
    lines = source.split("\n")
    out, last = [], 0
    for start, stop in list(_regions(lines, BEGIN_HIDDEN, END_HIDDEN, "hidden tests")):
        out += lines[last:start]
        last = stop + 1
    return "\n".join(out + lines[last:])


def solution_code(source: str) -> str:
    """An answer cell's source with the solution markers removed (the full, runnable solution)."""
    return "\n".join(line for line in source.split("\n") if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION))
