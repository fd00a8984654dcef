"""What the grader will run, compared with what ``check()`` finds in the kernel: said at once when they differ.

The grader runs the *saved* notebook top to bottom, so the last cell of the file that defines a
name wins; the kernel holds what the student ran, in the order they ran it. :func:`note` compares,
for the answer and for the notebook functions it calls, the cell the kernel's definition came from
with the cell the grader will use:

- the kernel's cell: for a function, IPython's compiler maps its code to the execution count of the
  cell that defined it (and the history gives that cell's text); for a value, the last cell of the
  history that assigns it. The cell ids JupyterLab sends with each execute request (recorded from
  the moment this module is imported: the setup cell) tie an execution to a cell of the file;
- the grader's cell: the last code cell of the saved notebook (check cells aside) that binds the
  name (:func:`course_lib.grading.judging.program.bindings` over IPython's transform of each cell).

When they differ (a scratch cell below redefining the answer, cells run out of order, a cell edited
since it ran), the note says which cell the grader will use and, for the answer itself, what that
definition does on the public cases: that cell's statements up to the last one defining the answer are
run (its own helpers and constants first), in a copy of the kernel's namespace, quietly.

What it cannot know, and says: the saved file is what JupyterLab last saved (every two minutes, or
on Ctrl+S); the notebook is found through the kernel's session (``JPY_SESSION_NAME``) or as
``<notebook>.ipynb`` in the kernel's folder, else there is nothing to compare with; a value a later
cell changes (a constant, a list another cell appends to) is not compared, only where names are
defined.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import types
import warnings
from dataclasses import dataclass
from pathlib import Path

from course_lib.grading.judging import program


def _shell():
    """The IPython shell running this code, or None (IPython not even loaded: no kernel)."""
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    return get_ipython() if callable(get_ipython) else None


def remember_cell_ids() -> None:
    """Record, for every cell the kernel runs from now on, the cell id the front end sends (once per kernel)."""
    shell = _shell()
    if shell is None or isinstance(getattr(shell, "_course_lib_cell_ids", None), dict):
        return
    ids = shell._course_lib_cell_ids = {}  # execution count -> the cell id sent with that execute request

    def remember(result):
        cell_id = getattr(getattr(result, "info", None), "cell_id", None)
        count = getattr(result, "execution_count", None)
        if cell_id and count:
            ids[count] = cell_id

    shell.events.register("post_run_cell", remember)


# --- the two sides -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Cell:
    position: int  # in the saved notebook's cells (the grader's "cell N")
    source: str
    cell_id: str

    @property
    def label(self) -> str:
        first = next((x.strip() for x in self.source.split("\n") if x.strip()), "")
        return f"cell {self.position} (`{first if len(first) <= 50 else first[:47] + '...'}`)"


def saved_notebook(stem: str, shell=None):
    """The saved notebook the grader would grade: the kernel's session file, else ``<stem>.ipynb`` here."""
    candidates = [os.environ.get("JPY_SESSION_NAME", "")]
    namespace = getattr(shell, "user_ns", {}) or {}
    candidates += [str(namespace.get("__vsc_ipynb_file__", "")), str(namespace.get("__session__", ""))]
    for candidate in candidates:
        if candidate.endswith(".ipynb") and Path(candidate).is_file():
            return Path(candidate)
    here = Path.cwd() / f"{stem}.ipynb"
    return here if here.is_file() else None


def _saved_cells(path: Path) -> list:
    from course_lib.grading.exercises.notebook import read_notebook

    try:
        notebook = read_notebook(path.read_bytes())
    except OSError:
        return []
    return [_Cell(c.index, c.source, c.id) for c in notebook.cells if c.cell_type == "code" and not c.is_check]


def _grader_cell(cells: list, name: str):
    found = program.last_definition([program.kernel_source(c.source) for c in cells], name)
    return cells[found] if found is not None else None


def _kernel_count(shell, value, name: str):
    """The execution count of the cell the kernel's ``name`` came from (None if unknown)."""
    code = getattr(value, "__code__", None)
    if isinstance(code, types.CodeType):
        count = getattr(getattr(shell, "compile", None), "_filename_map", {}).get(code.co_filename)
        if count:
            return count
        if isinstance(value, types.FunctionType):
            return None
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None) or []
    for count in range(len(history) - 1, 0, -1):
        if name in program.bindings(program.kernel_source(history[count])):
            return count
    return None


def _kernel_source(shell, count: int) -> str:
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None) or []
    return history[count] if 0 < count < len(history) else ""


def _same(a: str, b: str) -> bool:
    return a.strip() == b.strip()


def _helpers(shell, answer) -> list:
    """``(name, function)`` of the notebook functions the answer calls, recursively (its own cells' code)."""
    namespace, found, stack, seen = shell.user_ns, [], [answer], set()
    filenames = getattr(getattr(shell, "compile", None), "_filename_map", {})
    while stack:
        function = stack.pop()
        code = getattr(function, "__code__", None)
        if not isinstance(code, types.CodeType) or id(function) in seen:
            continue
        seen.add(id(function))
        names = set(code.co_names)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                names.update(const.co_names)
        for name in sorted(names):
            value = namespace.get(name)
            if (isinstance(value, types.FunctionType) and value is not answer
                    and value.__code__.co_filename in filenames and id(value) not in seen):
                found.append((name, value))
                stack.append(value)
    return found


def _difference(shell, cells: list, name: str, value):
    """``(the grader's cell, what differs)`` for one name, or ``(None, "")`` when they agree."""
    grader = _grader_cell(cells, name)
    count = _kernel_count(shell, value, name)
    if count is None:
        return None, ""
    ran = _kernel_source(shell, count)
    sent = (getattr(shell, "_course_lib_cell_ids", None) or {}).get(count)
    by_id = next((c for c in cells if sent and c.cell_id == sent), None)
    kernel = by_id or next((c for c in cells if _same(c.source, ran)), None)
    if grader is None:
        return None, (f"the saved notebook defines no `{name}` (the grader would find it missing): is it saved? "
                      f"JupyterLab saves every two minutes, or when you press Ctrl+S")
    if kernel is not None and kernel.position == grader.position and _same(grader.source, ran):
        return None, ""
    if kernel is None:
        where = "a cell that is not in the saved notebook (edited since it was saved, or deleted)"
    elif kernel.position == grader.position:
        where = f"{kernel.label} as you ran it, which has been changed since"
    else:
        where = kernel.label
    below = " below it" if kernel is not None and grader.position > kernel.position else ""
    return grader, (f"your kernel's `{name}` comes from {where}; the grader runs the saved notebook top to bottom "
                    f"and will use the definition in {grader.label}{below}")


# --- the note ---------------------------------------------------------------------------------------

def _defined_by(cell: _Cell, name: str, namespace: dict):
    """``name`` as ``cell`` defines it: the cell's statements up to the last one that binds it (so that the
    helpers and constants the cell defines first are there), run in a copy of ``namespace``, quietly (its
    output discarded, any figure it opens closed)."""
    import ast

    source = program.kernel_source(cell.source)
    tree = ast.parse(source)
    last = max(k for k, node in enumerate(tree.body) if name in program.bindings(ast.unparse(node)))
    tree.body = tree.body[:last + 1]
    scratch = dict(namespace)
    pyplot = sys.modules.get("matplotlib.pyplot")
    figures = set(pyplot.get_fignums()) if pyplot is not None else set()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(tree, f"<saved {cell.label}>", "exec"), scratch)  # noqa: S102 (the student's own cell)
    finally:
        for number in (set(pyplot.get_fignums()) - figures if pyplot is not None else ()):
            pyplot.close(number)
    return scratch[name]


def _what_it_does(exercise, cell: _Cell, namespace: dict) -> str:
    from course_lib.answers import checking
    from course_lib.grading.judging import judge
    from course_lib.grading.judging.running import describe_error
    from course_lib.grading.statuses import Status

    try:
        candidate = _defined_by(cell, exercise.answer, namespace)
    except Exception as exc:  # noqa: BLE001 (the student's cell)
        return f", which raises {describe_error(exc).text} when it runs"
    cases = [(case, False) for case in exercise.public]
    with checking(exercise.id):
        _, result = judge.judge_answer(exercise, candidate, cases)
    if result.status == Status.PASSED:
        return ", which passes the public tests"
    failed = [c.label for c in result.cases if not c.passed]
    if failed:
        return f", which fails {', '.join(repr(label) for label in failed[:2])}{' and more' if len(failed) > 2 else ''}"
    return f", which the grader would mark '{result.status}'"


def note(exercise, answer) -> str:
    """What differs between the kernel and the saved notebook the grader runs, for ``answer`` ('' if nothing,
    or outside IPython)."""
    shell = _shell()
    if shell is None or not hasattr(shell, "user_ns"):
        return ""
    if isinstance(answer, types.FunctionType) and answer.__name__ != exercise.answer:
        return ""  # another function checked against the exercise (a demo, a draft): not what the grader takes
    path = saved_notebook(exercise.notebook, shell)
    if path is None:
        return (f"check could not find your saved notebook ({exercise.notebook}.ipynb in {Path.cwd()}), so it cannot "
                f"tell whether the grader, which runs the saved file top to bottom, sees this `{exercise.answer}`")
    cells = _saved_cells(path)
    value = answer if answer is not None else shell.user_ns.get(exercise.answer)
    grader, text = _difference(shell, cells, exercise.answer, value)
    if text:
        return text + (_what_it_does(exercise, grader, shell.user_ns) if grader is not None else "")
    if isinstance(answer, types.FunctionType):
        for name, helper in _helpers(shell, answer):
            _, text = _difference(shell, cells, name, helper)
            if text:
                return f"`{exercise.answer}` calls `{name}`: {text}"
    return ""
