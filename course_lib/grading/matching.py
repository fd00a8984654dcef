"""Read a submitted notebook and find each exercise's answer in it.

Nothing here runs student code: the notebook is parsed as JSON, and each code cell as
Python (AST) to learn which names it defines and whether it reaches for course_lib.

Matching is by id first and by name second, so that it survives editors that strip
metadata, change ids, duplicate or move cells:

- a cell is an *answer cell* if its metadata names one of the notebook's exercises as an
  answer (``course_lib.exercise`` with role ``answer``, or nbgrader ``grade_id`` of a
  solution cell), or if it defines (top-level ``def``, assignment, import) one of the
  exercises' ``answer`` names;
- the cell that *defines* an exercise is the last answer cell, in notebook order, that
  defines its name (as running the notebook top to bottom would leave it), else the last
  cell whose metadata names it;
- every other cell (checks, tests, plots, the student's experiments) is never run.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field

MAX_BYTES = 20 * 1024 * 1024  # a bigger file is refused unread

# submission statuses (anything but OK scores 0)
OK = "ok"
EMPTY = "empty"
NOT_A_NOTEBOOK = "not a notebook"
WRONG_VERSION = "wrong nbformat version"
WRONG_NOTEBOOK = "wrong notebook"
TOO_LARGE = "too large"
UNREADABLE = "unreadable"

# static findings in an answer cell
USES_REFERENCE = "uses the reference implementation"
FORBIDDEN = "forbidden code"

_IMPORT_TRICK_MODULES = {"importlib", "imp", "runpy", "pkgutil", "zipimport", "gc", "inspect", "builtins",
                         "marshal", "pickle", "site"}
_TRICK_NAMES = {"__import__", "exec", "eval", "compile", "globals", "vars", "breakpoint", "__builtins__",
                "__loader__", "__spec__"}
_TRICK_ATTRIBUTES = {"__globals__", "__subclasses__", "__code__", "__closure__", "__builtins__", "__loader__",
                     "__spec__", "__bases__", "__mro__", "__base__", "__wrapped__", "f_globals", "f_locals",
                     "f_back", "gi_frame", "tb_frame", "cr_frame", "_getframe", "meta_path", "path_hooks"}
_SYS_ATTRIBUTES = {"modules", "path", "meta_path", "path_hooks", "_getframe"}
# tricks whose only use in an answer is importing what the sandbox refuses: reported as reuse
_IMPORT_MACHINERY = {"importlib", "imp", "runpy", "pkgutil", "zipimport", "__import__", "sys.modules", "sys.path",
                     "sys.meta_path", "sys.path_hooks", ".__loader__", ".__spec__"}
_DEFINITION_LINE = re.compile(r"^(?:(?:async\s+)?def|class)\s+([A-Za-z_]\w*)|^([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)")


@dataclass(frozen=True)
class SubmissionCell:
    """One code cell of a submission, as far as grading is concerned.

    Attributes
    ----------
    index : int
        Position among the notebook's cells.
    source : str
        Python source, IPython magics and shell lines neutralised.
    ids : frozenset of str
        Exercise ids its metadata names as an answer (course_lib or nbgrader).
    defines : frozenset of str
        Names it defines at top level.
    syntax_error : str
        Empty, or why the source does not parse.
    finding : str
        Empty, or :data:`USES_REFERENCE` / :data:`FORBIDDEN`; ``finding_detail`` says what.
    uses : frozenset of str
        Names it reads but never binds (to spot a call of a reference it never defined).
    """

    index: int
    source: str
    ids: frozenset = frozenset()
    defines: frozenset = frozenset()
    syntax_error: str = ""
    finding: str = ""
    finding_detail: str = ""
    uses: frozenset = frozenset()


@dataclass
class Notebook:
    """A parsed submission: ``status`` (:data:`OK` or why not), a ``message``, its code cells."""

    status: str
    message: str = ""
    cells: list = field(default_factory=list)


# --- reading ----------------------------------------------------------------------------------

def python_source(source: str) -> str:
    """Cell source with IPython syntax made inert: ``%magic`` and ``!shell`` lines become ``pass``.

    A cell magic other than ``%%time`` / ``%%timeit`` makes the whole cell non-Python (empty).
    """
    lines = source.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        if lines[0].split()[0] not in ("%%time", "%%timeit"):
            return ""
        lines = [""] + lines[1:]
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            out.append(line[: len(line) - len(stripped)] + "pass")
        else:
            out.append(line)
    return "\n".join(out)


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return ""


def _metadata_ids(metadata) -> frozenset:
    ids = set()
    if not isinstance(metadata, dict):
        return frozenset()
    ours = metadata.get("course_lib")
    if isinstance(ours, dict) and ours.get("role") == "answer" and isinstance(ours.get("exercise"), str):
        ids.add(ours["exercise"])
    theirs = metadata.get("nbgrader")
    if isinstance(theirs, dict) and theirs.get("solution") is True and isinstance(theirs.get("grade_id"), str):
        ids.add(theirs["grade_id"])
    return frozenset(ids)


def read_notebook(data: bytes, names=None) -> Notebook:
    """Parse a submission's bytes; never raises: a bad file gets a status and a message.

    ``names``, if given, are all the answer names that matter: a code cell that mentions
    none of them and has no exercise metadata is left out unparsed (it cannot be an answer).
    """
    if len(data) > MAX_BYTES:
        return Notebook(TOO_LARGE, f"{len(data)} bytes (at most {MAX_BYTES})")
    if not data.strip():
        return Notebook(EMPTY, "the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Notebook(NOT_A_NOTEBOOK, "a binary file, not a Jupyter notebook")
    try:
        document = json.loads(text)
    except ValueError as exc:
        return Notebook(NOT_A_NOTEBOOK, f"not valid JSON ({str(exc)[:80]})")
    except RecursionError:
        return Notebook(NOT_A_NOTEBOOK, "JSON nested too deeply")
    if not isinstance(document, dict):
        return Notebook(NOT_A_NOTEBOOK, "JSON, but not a notebook (no cells)")
    version = document.get("nbformat")
    if version is not None and version != 4:
        return Notebook(WRONG_VERSION, f"nbformat {version!r}; this workbook's notebooks are nbformat 4 "
                                       "(open and save it in a current Jupyter)")
    cells = document.get("cells")
    if not isinstance(cells, list):
        return Notebook(NOT_A_NOTEBOOK, "JSON, but not a notebook (no cells)")
    code_cells, any_code = [], False
    for index, cell in enumerate(cells):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source, metadata = _text(cell.get("source")), cell.get("metadata")
            any_code = any_code or bool(source.strip())
            if names is None or _metadata_ids(metadata) or any(name in source for name in names):
                code_cells.append(analyse_cell(index, source, metadata))
    if not any_code:
        return Notebook(EMPTY, "the notebook has no code in it")
    return Notebook(OK, "", code_cells)


# --- what a cell defines, and what it reaches for ------------------------------------------------

def _top_level_names(tree: ast.Module) -> set:
    names = set()

    def targets(node):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                targets(element)
        elif isinstance(node, ast.Starred):
            targets(node.value)

    def visit(statements):
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    targets(target)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets(node.target)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    names.add((alias.asname or alias.name).split(".")[0])
            for attribute in ("body", "orelse", "finalbody"):  # if / for / while / with / try blocks
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    visit(getattr(node, attribute, []) or [])
            for handler in getattr(node, "handlers", []) or []:
                visit(handler.body)

    visit(tree.body)
    return names


def _imports_check_only(node) -> bool:
    """``from course_lib.grading import check``: the notebook's own first line, harmless."""
    return (isinstance(node, ast.ImportFrom) and node.module in ("course_lib.grading", "course_lib.grading.check")
            and all(alias.name == "check" and alias.asname in (None, "check") for alias in node.names))


def _without_check_imports(source: str, tree: ast.Module) -> str:
    """The source with top-level ``from course_lib.grading import check`` lines made ``pass``
    (the worker provides a silent ``check``; course_lib itself is not importable there)."""
    lines = source.split("\n")
    for node in tree.body:
        if _imports_check_only(node) and lines[node.lineno - 1][:node.col_offset].strip() == "":
            lines[node.lineno - 1] = lines[node.lineno - 1][:node.col_offset] + "pass"
            for k in range(node.lineno, node.end_lineno or node.lineno):
                lines[k] = ""
    return "\n".join(lines)


def _free_names(tree: ast.Module) -> set:
    """Names the cell reads but never binds anywhere (globals it expects from elsewhere)."""
    loaded, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return loaded - bound


def _findings(tree: ast.Module) -> tuple[str, str]:
    """(:data:`USES_REFERENCE` or :data:`FORBIDDEN` or "", what was found)."""
    forbidden, trick, mentions_course_lib = "", "", False
    for node in ast.walk(tree):
        if _imports_check_only(node):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "course_lib" in node.value:
            mentions_course_lib = True  # harmless in a docstring, damning next to an import trick
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split(".")[0]
                if root == "course_lib":
                    return USES_REFERENCE, f"imports {alias.name}"
                if root in _IMPORT_TRICK_MODULES and not forbidden:
                    forbidden, trick = f"imports {alias.name}", root
        elif isinstance(node, ast.ImportFrom):
            root = (node.module or "").split(".")[0]
            if root == "course_lib":
                return USES_REFERENCE, f"imports from {node.module}"
            if root in _IMPORT_TRICK_MODULES and not forbidden:
                forbidden, trick = f"imports from {node.module}", root
        elif isinstance(node, ast.Name):
            if node.id == "course_lib":
                return USES_REFERENCE, "uses course_lib"
            if node.id in _TRICK_NAMES and not forbidden:
                forbidden, trick = f"uses {node.id}", node.id
        elif isinstance(node, ast.Attribute) and not forbidden:
            if node.attr in _TRICK_ATTRIBUTES:
                forbidden, trick = f"uses .{node.attr}", f".{node.attr}"
            elif isinstance(node.value, ast.Name) and node.value.id == "sys" and node.attr in _SYS_ATTRIBUTES:
                forbidden, trick = f"uses sys.{node.attr}", f"sys.{node.attr}"
        elif isinstance(node, ast.Call) and not forbidden:
            if isinstance(node.func, ast.Name) and node.func.id in ("getattr", "setattr", "delattr"):
                name = node.args[1] if len(node.args) > 1 else None
                if not (isinstance(name, ast.Constant) and isinstance(name.value, str)
                        and not name.value.startswith("_")):
                    forbidden = f"uses {node.func.id} with a computed or private name"
    if not forbidden:
        return "", ""
    if trick in _IMPORT_MACHINERY or mentions_course_lib:
        return USES_REFERENCE, f"{forbidden} (a way around the grader's import block)"
    return FORBIDDEN, f"{forbidden} (introspection and dynamic code are not allowed in answers)"


def analyse_cell(index: int, raw_source: str, metadata=None) -> SubmissionCell:
    """What grading needs to know about one code cell (no code is run)."""
    source = python_source(raw_source)
    ids = _metadata_ids(metadata)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        defines = set()
        for line in source.split("\n"):
            found = _DEFINITION_LINE.match(line)
            if found:
                defines.add(found.group(1) or found.group(2))
        line = getattr(exc, "lineno", None)
        where = f" at line {line}" if line else ""
        return SubmissionCell(index, source, ids, frozenset(defines),
                              syntax_error=f"{type(exc).__name__}{where}: {getattr(exc, 'msg', '') or exc}"[:200])
    finding, detail = _findings(tree)
    if not finding:
        source = _without_check_imports(source, tree)
    uses = frozenset(_free_names(tree))
    return SubmissionCell(index, source, ids, frozenset(_top_level_names(tree) - {"check"}), "", finding, detail,
                          uses)


# --- which notebook, which cells ------------------------------------------------------------------

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
        score = 3 * by_id + by_name + by_file
        if score > best_score:
            best, best_score = stem, score
    return best


@dataclass
class Plan:
    """What to run for one submission.

    Attributes
    ----------
    run : list of SubmissionCell
        Answer cells to execute, in notebook order (syntax errors and static findings left out).
    defining : dict
        Exercise id -> the SubmissionCell that defines its answer, or None (missing).
    """

    run: list
    defining: dict


def plan(cells: list, exercises: list) -> Plan:
    """Choose the answer cells of ``cells`` for ``exercises`` (one notebook's)."""
    ids = {ex.id for ex in exercises}
    names = {ex.answer for ex in exercises}
    answer_cells = [cell for cell in cells if cell.ids & ids or cell.defines & names]
    defining = {}
    for ex in exercises:
        by_name = [cell for cell in answer_cells if ex.answer in cell.defines]
        by_id = [cell for cell in answer_cells if ex.id in cell.ids]
        defining[ex.id] = (by_name or by_id or [None])[-1]
    run = [cell for cell in answer_cells if not cell.syntax_error and not cell.finding]
    return Plan(run, defining)
