"""A notebook's code read as a program: what its cells bind, and the slice ``cl.mine`` runs.

Nothing here runs code: cells are parsed (``ast``) and read.

- :func:`kernel_source`: a cell's source as the Python a kernel runs, by IPython's own input
  transformer (``%magic`` and ``!shell`` lines become ``get_ipython()`` calls); the grader runs
  exactly this, and its worker answers ``get_ipython()`` with a stand-in;
- :func:`bindings`: the names a cell's top-level statements bind, from a line on (the grader's
  feedback: what a cell that stopped at that line did not define), and :func:`last_definition`;
- :meth:`Program.slice` (used by :mod:`course_lib.answers`, where a student's *earlier* notebook is
  loaded into the current kernel): which top-level statements must run so that some names end
  up as the notebook left them. A statement is kept if it binds or may mutate a needed name, or
  if it is opaque (``exec``, ``globals()``...), and then what it reads is needed too. The grader
  does not slice: it runs every cell (:mod:`course_lib.grading.autograde.grade`).
"""

from __future__ import annotations

import ast
import copy
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

MAX_CELL_CHARS = 200_000  # a longer cell is not parsed (its statements never run)
MAX_PROGRAM_CHARS = 2_000_000  # all cells together

# uses that can bind or change any name: a statement with one is always kept
_OPAQUE_NAMES = {"exec", "eval", "globals", "locals", "vars", "__import__", "setattr", "delattr", "__builtins__",
                 "get_ipython", "__dict__"}
_STATEFUL_MODULE_ATTRIBUTES = {"random", "seed", "set_state", "setrecursionlimit", "set_printoptions"}
_PURE_RANDOM = {"default_rng", "Generator", "RandomState", "PCG64", "SeedSequence", "BitGenerator", "MT19937"}


def _stateful(func) -> bool:
    """Whether a call of module function ``func`` (``np.random.seed``) may change global state."""
    chain = _attribute_chain(func)
    return bool(set(chain) & _STATEFUL_MODULE_ATTRIBUTES) and not (chain and chain[0] in _PURE_RANDOM)


@lru_cache(maxsize=4096)
def _parsed_cell(raw: str):
    """A cell's top-level statements (cell index 0), or why it does not parse. Cached: most cells of a
    class's submissions are the same provided cells."""
    source = python_source(raw)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        where = f" at line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        return f"it does not parse: {type(exc).__name__}{where}: {getattr(exc, 'msg', '') or exc}"
    lines = source.split("\n")
    return tuple(Program._statement(0, node, "\n" * (node.lineno - 1) + "\n".join(
        lines[node.lineno - 1:node.end_lineno])) for node in tree.body)


_TRANSFORM_LOCK = threading.Lock()


def kernel_source(raw: str) -> str:
    """A cell's source as the Python a kernel runs it: IPython's own input transformer turns
    ``%magic``, ``%%cell_magic``, ``!shell`` and ``x = !cmd`` into calls of ``get_ipython()``.
    (Small cells are cached: most cells of a class's submissions are the same provided cells.)"""
    return _cached_kernel_source(raw) if len(raw) <= 20_000 else _kernel_source(raw)


@lru_cache(maxsize=2048)
def _cached_kernel_source(raw: str) -> str:
    return _kernel_source(raw)


def _kernel_source(raw: str) -> str:
    from IPython.core.inputtransformer2 import TransformerManager

    with _TRANSFORM_LOCK:
        try:
            return TransformerManager().transform_cell(raw)
        except (SyntaxError, ValueError, IndexError):  # the kernel would report it; so will compile()
            return raw


def bindings(source: str, from_line: int | None = None) -> set:
    """The names the top-level statements of a cell's (kernel) source bind, those ending at or after
    ``from_line`` only (the statement that stopped there did not finish binding either)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        from course_lib.grading.exercises.notebook import NotebookCell

        return set(NotebookCell(0, "code", source).defines)
    names = set()
    for node in tree.body:
        if from_line is None or node.end_lineno >= from_line:
            visitor = _Names()
            visitor.visit(node)
            names |= visitor.binds
    return names


def last_definition(sources: list, name: str) -> int | None:
    """The position in ``sources`` (cells' kernel sources, in run order) of the last one binding ``name``."""
    found = None
    for position, source in enumerate(sources):
        if name in bindings(source):
            found = position
    return found


def python_source(source: str) -> str:
    """The slicer's view of a cell (``cl.mine``): IPython syntax made inert, ``%magic`` and ``!shell`` lines
    become ``pass`` (a cell magic's body is kept for ``%%time``, ``%%timeit``, ``%%capture``).

    A cell magic other than ``%%time`` / ``%%timeit`` / ``%%capture`` makes the whole cell non-Python
    (empty).
    """
    lines = source.split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        if lines[0].split()[0] not in ("%%time", "%%timeit", "%%capture"):
            return ""
        lines = ["pass"] + lines[1:]
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or re.match(r"^[A-Za-z_]\w*\s*=\s*[%!]", stripped):
            out.append(line[: len(line) - len(stripped)] + "pass")
        else:
            out.append(line)
    return "\n".join(out)


def _root(node):
    """The Name at the root of ``a.b[c].d``, or None."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _attribute_chain(node) -> list:
    chain = []
    while isinstance(node, ast.Attribute):
        chain.append(node.attr)
        node = node.value
    return chain


# --- names: what a piece of code binds, reads now, reads later -------------------------------------

class _Names(ast.NodeVisitor):
    """Names a statement binds at top level, reads when it runs, and reads later (in function bodies)."""

    def __init__(self):
        self.binds, self.reads, self.reads_later = set(), set(), set()
        self.stores_into, self.calls, self.opaque = set(), [], False

    # top-level code runs now
    def visit_Name(self, node):
        if node.id in _OPAQUE_NAMES:
            self.opaque = True
        if isinstance(node.ctx, ast.Load):
            self.reads.add(node.id)
        else:
            self.binds.add(node.id)

    def visit_Attribute(self, node):
        if node.attr in _OPAQUE_NAMES:
            self.opaque = True
        if not isinstance(node.ctx, ast.Load) and _root(node):
            self.stores_into.add(_root(node))
        self.generic_visit(node)

    def visit_Subscript(self, node):
        if not isinstance(node.ctx, ast.Load) and _root(node):
            self.stores_into.add(_root(node))
        self.generic_visit(node)

    def visit_Call(self, node):
        self.calls.append(node)
        self.generic_visit(node)

    def visit_Import(self, node):
        for alias in node.names:
            self.binds.add((alias.asname or alias.name).split(".")[0])

    def visit_ImportFrom(self, node):
        for alias in node.names:
            if alias.name == "*":
                self.opaque = True
            else:
                self.binds.add(alias.asname or alias.name)

    def visit_Global(self, node):
        self.opaque = True  # only legal in functions; at top level it is odd enough to keep

    def _function(self, node):
        for decorator in getattr(node, "decorator_list", []):
            self.visit(decorator)
        arguments = node.args
        for default in arguments.defaults + [d for d in arguments.kw_defaults if d is not None]:
            self.visit(default)
        if not isinstance(node, ast.Lambda):
            self.binds.add(node.name)
        self.reads_later |= free_names(node)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_ClassDef(self, node):
        self.binds.add(node.name)
        for child in node.decorator_list + node.bases + [k.value for k in node.keywords]:
            self.visit(child)
        for statement in node.body:  # a class body runs now, its methods later
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for decorator in statement.decorator_list:
                    self.visit(decorator)
                self.reads_later |= free_names(statement)
            else:
                self.visit(statement)
        self.binds.discard(node.name)
        self.binds.add(node.name)


def free_names(function) -> set:
    """Names a function (or lambda) body reads but does not bind locally: globals it resolves when called."""
    local = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    declared_global = set()
    body = function.body if isinstance(function.body, list) else [function.body]
    reads = set()
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            declared_global.update(node.names)
        elif isinstance(node, ast.Name):
            (reads if isinstance(node.ctx, ast.Load) else local).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            local.add(node.name)
            if not isinstance(node, ast.ClassDef):
                reads |= free_names(node)
                stack.extend(node.decorator_list)
                continue
        elif isinstance(node, ast.Lambda):
            reads |= free_names(node)
            continue
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            local.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            local.add(node.name)
        stack.extend(ast.iter_child_nodes(node))
    return (reads - local) | (declared_global & reads) | declared_global


def _global_effects(function, modules: set) -> set:
    """Globals a function may change when called: ``global`` names, and non-local names it stores into
    (``x[i] = ...``, ``x.a = ...``) or calls methods on (``x.append(...)``; for a module only the
    stateful ones such as ``np.random``)."""
    nodes = list(ast.walk(function))
    local = {a.arg for a in nodes if isinstance(a, ast.arg)}
    effects, stores, declared = set(), set(), set()
    for node in nodes:
        if isinstance(node, ast.Global):
            declared.update(node.names)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores.add(node.id)
    local |= stores - declared
    for node in nodes:
        if isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(node.ctx, ast.Load):
            root = _root(node)
            if root and root not in local:
                effects.add(root)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            root = _root(node.func)
            if root and root not in local and (root not in modules or _stateful(node.func)):
                effects.add(root)
    return effects | declared


# --- statements and the program ---------------------------------------------------------------------

@dataclass
class Statement:
    """One top-level statement of a cell.

    Attributes
    ----------
    cell : int
        Index of its cell in the program (the order cells ran in).
    line : int
        Its first line within the cell (1-based).
    source : str
        Its source text, with ``line - 1`` newlines in front so that line numbers stay those of the cell.
    node : ast.stmt
    binds, reads, reads_later, mutates : set of str
    opaque : bool
    """

    cell: int
    line: int
    source: str
    node: ast.stmt
    binds: set = field(default_factory=set)
    reads: set = field(default_factory=set)
    reads_later: set = field(default_factory=set)
    mutates: set = field(default_factory=set)
    opaque: bool = False


@dataclass
class Cell:
    """A cell as the program sees it: its label for messages, and why it cannot run (if so)."""

    label: str
    problem: str = ""
    source: str = ""


class Program:
    """The top-level statements of cells in the order they ran.

    Parameters
    ----------
    cells : list of (label, source)
        Each cell's label for messages ("cell 7") and its raw source (IPython magics allowed).
    """

    def __init__(self, cells):
        self.cells: list[Cell] = []
        self.statements: list[Statement] = []
        budget = MAX_PROGRAM_CHARS
        for index, (label, raw) in enumerate(cells):
            cell = Cell(label, source=raw[:MAX_CELL_CHARS])
            self.cells.append(cell)
            if len(raw) > MAX_CELL_CHARS or len(raw) > budget:
                cell.problem = (f"it is too long to grade ({len(raw):,} characters; at most "
                                f"{min(MAX_CELL_CHARS, budget):,})")
                continue
            budget -= len(raw)
            parsed = _parsed_cell(raw)
            if isinstance(parsed, str):
                cell.problem = parsed
                continue
            for template in parsed:  # a fresh copy: the program adds call effects to its statements
                statement = copy.copy(template)
                statement.cell, statement.mutates = index, set(template.mutates)
                self.statements.append(statement)
        self._modules = self._module_names()
        self._effects = self._function_effects()
        for statement in self.statements:
            self._add_call_effects(statement)

    @staticmethod
    def _statement(cell: int, node: ast.stmt, source: str) -> Statement:
        names = _Names()
        names.visit(node)
        statement = Statement(cell, node.lineno, source, node, names.binds, names.reads, names.reads_later,
                              set(names.stores_into) | set(names.binds), names.opaque)
        statement._calls = names.calls
        statement._functions = [inner for inner in ast.walk(node)
                                if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef))]
        return statement

    def _module_names(self) -> set:
        """Names bound only by ``import`` statements (modules and what is imported from them)."""
        imported, other = set(), set()
        for statement in self.statements:
            if isinstance(statement.node, (ast.Import, ast.ImportFrom)):
                imported |= statement.binds
            else:
                other |= statement.binds
        return imported - other

    def _function_effects(self) -> dict:
        effects: dict[str, set] = {}
        modules = self._modules
        functions = [node for statement in self.statements for node in statement._functions]
        for node in functions:
            effects.setdefault(node.name, set()).update(_global_effects(node, modules))
        # a function calling another inherits its effects (to a fixed point)
        calls = {name: set() for name in effects}
        for node in functions:
            calls[node.name] |= free_names(node) & set(effects)
        changed = True
        while changed:
            changed = False
            for name, callees in calls.items():
                for callee in callees:
                    if not effects[callee] <= effects[name]:
                        effects[name] |= effects[callee]
                        changed = True
        return effects

    def _add_call_effects(self, statement: Statement) -> None:
        modules = self._modules
        for call in statement._calls:
            root = _root(call.func)
            if root is None:
                continue
            if isinstance(call.func, ast.Name):
                statement.mutates |= self._effects.get(root, set())
            elif root in modules:  # module functions are pure but for global state such as np.random
                if _stateful(call.func):
                    statement.mutates.add(root)
            else:  # a method call may change its object
                statement.mutates.add(root)
                statement.mutates |= self._effects.get(root, set())

    # --- slicing ------------------------------------------------------------------------------------

    def slice(self, names) -> list[Statement]:
        """The statements that must run, in order, for ``names`` to be what the whole program leaves."""
        needed_at_end = set(names)
        while True:
            needed, kept, grown = set(needed_at_end), [], False
            for statement in reversed(self.statements):
                if statement.opaque or statement.binds & needed or statement.mutates & needed:
                    kept.append(statement)
                    needed |= statement.reads
                    if not statement.reads_later <= needed_at_end:
                        needed_at_end |= statement.reads_later
                        grown = True
            if not grown:
                return kept[::-1]
