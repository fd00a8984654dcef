"""The answers store: an answer counts as soon as its check passes, saved or not.

When ``check("id", answer)`` passes every public case of a function exercise in the student's kernel (in a
graded or open release; never in the instructor's copy or the grader's sandbox), :func:`record` writes
``<notebooks folder>/.answers/<exercise id>.json``, where :func:`course_lib.answers.mine` looks first. The
saved ``.ipynb`` stays the fallback, and the autograder reads only the saved notebook: the store never
earns a point.

**What is recorded: the kernel's definition, as the grader slices it.** The kernel's input history (the
cells in the order the student ran them, re-runs included) is read as a
:class:`~course_lib.grading.judging.program.Program` and cut with :meth:`Program.slice` to the statements
the answer needs, exactly as the grader cuts a notebook: the answer's ``def``, the helpers and constants it
reads *from any cell*, their imports and what mutates them; plots, prints, experiments and check cells are
left out. So a helper written in another cell is recorded (the grader would run that cell too); a
helper the kernel never ran is not (the check could not have passed with it either). Definitions that a
later recorded statement replaces before anything uses them (a cell run five times) are dropped. Cells
run out of order are recorded in the order they ran, which is what the check judged: the notebook read top
to bottom may differ, and that is ``check()``'s warning to give, not the store's.

**The file** (JSON, one per exercise, replaced atomically: written to a temporary file in the same folder,
flushed, then renamed over the old one)::

    {"format": 1, "exercise": "svm_vectorized", "answer": "svm_loss_vectorized",
     "notebook": "03_multiclass_svm.ipynb",       # the exercise's notebook, next to this folder
     "kernel": "03_multiclass_svm.ipynb" | null,  # the notebook whose kernel ran the check, when known
     "checked_at": "2025-01-31T10:32:05Z", "checked_at_ns": 1738319525000000000,
     "public_tests": 3,
     "statements": [{"cell": "input [12]", "source": "def svm_loss_vectorized(scores, y): ..."}, ...],
     "sha256": "<hex digest of the other fields as canonical JSON>"}

The digest detects a damaged or hand-edited file (:func:`read` refuses it). It is not a secret: anyone
can recompute it, and nothing needs it to be one, since the store only feeds later notebooks. How
:func:`course_lib.answers.mine` chooses between the store and the saved notebook is documented there.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as _dt
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

FOLDER = ".answers"  # inside the notebooks folder (hidden in JupyterLab's file browser)
FORMAT = 1
MAX_BYTES = 2_000_000  # a bigger entry is not read


@dataclass(frozen=True)
class Entry:
    """One recorded answer (the file's fields; see the module docstring).

    Attributes
    ----------
    exercise_id, answer, notebook : str
    kernel : str or None
    checked_at_ns : int
        When its check passed (``time.time_ns()``), compared with the saved notebook's modification time.
    statements : tuple of (str, str)
        ``(label, source)`` of each recorded statement, in the order they ran.
    path : Path
        The file it was read from.
    """

    exercise_id: str
    answer: str
    notebook: str
    kernel: str | None
    checked_at_ns: int
    statements: tuple
    path: Path

    @property
    def checked_at(self) -> str:
        """The local time of the check, as the student reads a clock ("10:32")."""
        moment = _dt.datetime.fromtimestamp(self.checked_at_ns / 1e9)
        today = _dt.datetime.now().date()
        return moment.strftime("%H:%M" if moment.date() == today else "%Y-%m-%d %H:%M")


def entry_path(notebooks: Path, exercise_id: str) -> Path:
    """Where the store keeps ``exercise_id``'s answer for the notebooks in ``notebooks``."""
    return Path(notebooks) / FOLDER / f"{exercise_id}.json"


def _digest(fields: dict) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


# --- what to record -------------------------------------------------------------------------------

def needed_statements(history, name: str) -> list:
    """The statements of ``history`` that ``name`` needs, as the grader slices a notebook.

    Parameters
    ----------
    history : list of (str, str)
        ``(label, source)`` of each cell the kernel ran, in order.
    name : str
        The answer's name.

    Returns
    -------
    list of (str, str)
        ``(label, source)`` of each needed statement (source without the cell's leading lines), empty when
        the history never defines ``name``.
    """
    from course_lib.grading.judging.program import Program

    program = Program(history)
    if program.defining_statement(name) is None:
        return []
    kept = _without_replaced_definitions(program.slice([name]))
    return [(program.cells[s.cell].label, s.source.lstrip("\n")) for s in kept]


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


def _without_replaced_definitions(statements: list) -> list:
    """Drop a ``def``/``class``/``import`` that a later statement rebinds before anything uses its names."""
    kept = []
    for k, statement in enumerate(statements):
        names = statement.binds
        if isinstance(statement.node, _DEFINITIONS) and names and not getattr(statement.node, "decorator_list", []):
            replaced = False
            for later in statements[k + 1:]:
                if (later.reads | later.reads_later | (later.mutates - later.binds)) & names or later.opaque:
                    break  # used (or possibly used) before any rebinding: keep it
                if names <= later.binds and not (later.reads & names):
                    replaced = True
                    break
            if replaced:
                continue
        kept.append(statement)
    return kept


def _kernel_notebook() -> str | None:
    """The notebook whose kernel this is, as JupyterLab tells the kernel (``JPY_SESSION_NAME``), or None."""
    session = os.environ.get("JPY_SESSION_NAME")
    return Path(session).name if session else None


def record(exercise, answer, history, notebooks: Path) -> Path | None:
    """Record a passing answer of ``exercise`` in the store of ``notebooks``; the file written, or None.

    Parameters
    ----------
    exercise : Exercise
        A function exercise whose public cases ``answer`` just passed.
    answer : callable
    history : list of (str, str) or None
        The kernel's cells in the order they ran (None outside IPython: nothing is recorded).
    notebooks : Path
        The folder of the student's notebooks.

    Returns
    -------
    Path or None
        None when nothing could be recorded (no history, or the history does not define the answer).
    """
    if not history:
        return None
    name = getattr(answer, "__name__", "")
    statements = needed_statements(history, name) if name.isidentifier() else []
    if not statements:
        name = exercise.answer
        statements = needed_statements(history, name)
    if not statements:
        return None
    now = time.time_ns()
    fields = {"format": FORMAT, "exercise": exercise.id, "answer": name, "notebook": f"{exercise.notebook}.ipynb",
              "kernel": _kernel_notebook(), "checked_at_ns": now,
              "checked_at": _dt.datetime.fromtimestamp(now / 1e9, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "public_tests": len(exercise.public),
              "statements": [{"cell": label, "source": source} for label, source in statements]}
    fields["sha256"] = _digest(fields)
    path = entry_path(notebooks, exercise.id)
    _write_atomically(path, (json.dumps(fields, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return path


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the student's other files are not
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# --- reading --------------------------------------------------------------------------------------

def read(path: Path, exercise_id: str):
    """The entry in ``path``, or why it cannot be used.

    Returns
    -------
    (Entry, "") or (None, str)
        The reason is empty when there is no file at all; otherwise it says what is wrong ("it was changed
        outside check()", "it is not a recorded answer").
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            return None, "its recorded answer is too large to be one"
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, ""
    except (OSError, ValueError):
        return None, f"its recorded answer ({FOLDER}/{path.name}) is damaged"
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("exercise") != exercise_id:
        return None, f"{FOLDER}/{path.name} is not a recorded answer of this exercise"
    stored = data.pop("sha256", None)
    if stored != _digest(data):
        return None, f"its recorded answer ({FOLDER}/{path.name}) was changed outside check()"
    try:
        statements = tuple((str(s["cell"]), str(s["source"])) for s in data["statements"])
        entry = Entry(exercise_id, str(data["answer"]), str(data["notebook"]), data.get("kernel"),
                      int(data["checked_at_ns"]), statements, path)
    except (KeyError, TypeError, ValueError):
        return None, f"its recorded answer ({FOLDER}/{path.name}) is incomplete"
    return entry, ""
