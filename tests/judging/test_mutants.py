"""Do the exercises' tests catch wrong solutions? Mutation testing of every solution region.

Each answer cell's solution is parsed, and one small classic mistake at a time is planted
inside its ``### BEGIN SOLUTION`` region: a flipped sign, a dropped division, log10 for
ln, mean for sum (and back), max for min (and back), a nudged constant, a flipped
comparison, a dropped transpose, a flipped boolean (``keepdims``), a division for a
multiplication. A mutant is *killed* if it fails (wrong output, error,
or over the time limit). Per notebook, at least 80 % of the mutants must fail the public
cases (what ``check`` shows) and at least 95 % the public and hidden cases.

``python tests/test_mutants.py`` prints the kill rates and the surviving mutants.
"""

from __future__ import annotations

import ast
import copy
import signal
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course_lib.grading.exercises import bank, cells, model, plain
from course_lib.grading.exercises.commitment import CommitmentJudge
from course_lib.grading.judging import judge

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PUBLIC_FLOOR, FULL_FLOOR = 0.80, 0.95
SECONDS_PER_MUTANT = 2.0

_SWAPS = {
    "max_for_min": {"max": "min", "min": "max", "maximum": "minimum", "minimum": "maximum",
                    "argmax": "argmin", "argmin": "argmax", "amax": "amin", "amin": "amax"},
    "mean_for_sum": {"sum": "mean", "mean": "sum"},
    "log10_for_log": {"log": "log10"},
}
_SIGN = {ast.Add: ast.Sub, ast.Sub: ast.Add}
_COMPARE = {ast.Gt: ast.Lt, ast.Lt: ast.Gt, ast.GtE: ast.LtE, ast.LtE: ast.GtE}


# --- finding the solution and its mutation sites ------------------------------------------------------

def solution_with_lines(source: str) -> tuple[str, set]:
    """An answer cell's runnable solution, and the (1-based) line numbers inside its regions."""
    out, inside_lines, inside = [], set(), False
    for line in source.split("\n"):
        text = line.strip()
        if text == cells.BEGIN_SOLUTION:
            inside = True
            continue
        if text == cells.END_SOLUTION:
            inside = False
            continue
        out.append(line)
        if inside:
            inside_lines.add(len(out))
    return "\n".join(out), inside_lines


def _is_number(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


def _nudged(value):
    return value + 1 if isinstance(value, int) else (value * 1.1 if value else 0.1)


def _key(node) -> tuple:
    return (type(node).__name__, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)


def mutation_sites(tree: ast.AST, lines: set) -> list[tuple[str, tuple]]:
    """(operator, node key) for every place a mutation applies, inside the solution lines only."""
    sites = []
    # -c counts as one constant (so -1 is nudged to 0, not to -2, which numpy reads like -1)
    negated = {id(n.operand) for n in ast.walk(tree)
               if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub) and _is_number(n.operand)}
    for node in ast.walk(tree):
        if not hasattr(node, "lineno") or node.lineno not in lines:
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in _SIGN:
            sites.append(("flip_sign", _key(node)))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            sites.append(("flip_sign", _key(node)))
            if _is_number(node.operand):
                sites.append(("nudge_constant", _key(node)))
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.FloorDiv)):
            sites.append(("drop_division", _key(node)))
        if isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Div, ast.FloorDiv)):
            sites.append(("drop_division", _key(node)))
        name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
        for operator, table in _SWAPS.items():
            if name in table:
                sites.append((operator, _key(node)))
        if _is_number(node) and id(node) not in negated:
            sites.append(("nudge_constant", _key(node)))
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            sites.append(("flip_bool", _key(node)))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            sites.append(("mult_for_div", _key(node)))
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
            sites.append(("flip_comparison", _key(node)))
        if isinstance(node, ast.Attribute) and node.attr == "T":
            sites.append(("drop_transpose", _key(node)))
    return sites


class _Mutate(ast.NodeTransformer):
    """Apply ``operator`` to the one node whose key is ``target``."""

    def __init__(self, operator: str, target: tuple):
        self.operator, self.target = operator, target

    def visit(self, node):
        node = self.generic_visit(node)
        if not hasattr(node, "lineno") or _key(node) != self.target:
            return node
        op = self.operator
        if op == "nudge_constant" and isinstance(node, ast.UnaryOp):
            return ast.Constant(_nudged(-node.operand.value))
        if op == "flip_sign":
            if isinstance(node, ast.UnaryOp):
                return node.operand
            node.op = _SIGN[type(node.op)]()
        elif op == "drop_division":
            return node.left if isinstance(node, ast.BinOp) else ast.Pass()
        elif op in _SWAPS:
            if isinstance(node, ast.Attribute):
                node.attr = _SWAPS[op][node.attr]
            else:
                node.id = _SWAPS[op][node.id]
        elif op == "nudge_constant":
            node.value = _nudged(node.value)
        elif op == "flip_bool":
            node.value = not node.value
        elif op == "mult_for_div":
            node.op = ast.Div()
        elif op == "flip_comparison":
            node.ops = [_COMPARE[type(node.ops[0])]()]
        elif op == "drop_transpose":
            return node.value
        return node


@dataclass(frozen=True)
class Mutant:
    exercise_id: str
    operator: str
    line: int
    code: str          # the mutated line, for the report


def mutants(exercise, source: str) -> list[tuple[Mutant, str]]:
    """Every mutant of an answer cell as (description, mutated module source)."""
    code, lines = solution_with_lines(source)
    tree = ast.parse(code)
    original = ast.unparse(tree)
    out = []
    for operator, key in mutation_sites(tree, lines):
        mutated = ast.fix_missing_locations(_Mutate(operator, key).visit(copy.deepcopy(tree)))
        text = ast.unparse(mutated)
        if text == original:  # provably equivalent: the same program
            continue
        line = code.split("\n")[key[1] - 1].strip()
        out.append((Mutant(exercise.id, operator, key[1], line), text))
    return out


# --- running a mutant --------------------------------------------------------------------------

class _TimeLimit:
    def __init__(self, seconds: float):
        self.seconds = seconds

    def _expire(self, signum, frame):
        raise TimeoutError(f"over {self.seconds} s")

    def __enter__(self):
        self.previous = signal.signal(signal.SIGALRM, self._expire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)
        return False


def survives(exercise, module_source: str, include_hidden: bool) -> bool:
    """True if the mutated answer passes every case (public, plus hidden if asked)."""
    namespace = {"np": np, "__name__": "__mutant__"}
    try:
        with _TimeLimit(SECONDS_PER_MUTANT), warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            exec(compile(module_source, "<mutant>", "exec"), namespace)
            answer = namespace.get(exercise.answer)
            _, verdict = judge.judge_answer(exercise, answer, exercise.cases(include_hidden))
            if not all(case.passed for case in verdict.cases):
                return False
    except Exception:  # an error or a timeout: the mutant is caught
        return False
    return True


@dataclass
class Rates:
    total: int = 0
    killed_public: int = 0
    killed_full: int = 0
    equivalent: int = 0  # skipped: shown to give the identical answer

    def add(self, other: "Rates") -> None:
        self.total += other.total
        self.killed_public += other.killed_public
        self.killed_full += other.killed_full
        self.equivalent += other.equivalent

    def text(self) -> str:
        if not self.total:
            return "no mutants"
        return (f"{self.total} mutants: {self.killed_public / self.total:.1%} fail the public cases, "
                f"{self.killed_full / self.total:.1%} the full tests ({self.equivalent} equivalent skipped)")


def _value_of(exercise, module_source: str):
    """The plain value a value exercise's cell defines (None if it fails)."""
    namespace = {"np": np, "__name__": "__mutant__"}
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            exec(compile(module_source, "<mutant>", "exec"), namespace)
        return plain.to_plain(namespace.get(exercise.answer))
    except Exception:
        return None


def provably_equivalent(exercise, solution: str, mutant_source: str) -> bool:
    """A value exercise's cell has no inputs: a mutant giving the identical value is the same answer."""
    if exercise.kind != "value":
        return False
    original, mutated = _value_of(exercise, solution), _value_of(exercise, mutant_source)
    return original is not None and plain.compare(original, mutated, rtol=0.0, atol=0.0).passed


def mutate_notebook(path: Path):
    """Rates for one notebook, and the survivors: (Rates, public survivors, full survivors)."""
    nb = nbformat.read(path, as_version=4)
    rates, public_survivors, full_survivors = Rates(), [], []
    for found in cells.find_exercise_cells(nb):
        exercise = bank.get(found.exercise_id)
        if isinstance(exercise.judge, CommitmentJudge):
            continue  # a prediction graded for commitment: every complete mutant is an equally good answer
        if isinstance(exercise.judge, plain.NamedJudge):
            continue  # a designed answer, graded on its outcome: a mutant of it is another design, not a bug
        source = "".join(nb.cells[found.answer].source)
        solution = solution_with_lines(source)[0]
        if not survives(exercise, solution, include_hidden=True):  # else every mutant would "fail" for free
            raise AssertionError(f"{exercise.id}: the unmutated solution fails its own tests in this harness")
        for mutant, text in mutants(exercise, source):
            if provably_equivalent(exercise, solution, text):
                rates.equivalent += 1
                continue
            rates.total += 1
            if survives(exercise, text, include_hidden=False):
                public_survivors.append(mutant)
            else:
                rates.killed_public += 1
            if survives(exercise, text, include_hidden=True):
                full_survivors.append(mutant)
            else:
                rates.killed_full += 1
    return rates, public_survivors, full_survivors


def _listing(survivors) -> str:
    return "\n".join(f"  {m.exercise_id}: {m.operator} on line {m.line}: {m.code}" for m in survivors)


# --- tests --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_mutants_of_the_solutions_fail_the_tests(path):
    rates, public_survivors, full_survivors = mutate_notebook(path)
    if rates.total == 0:
        pytest.skip("no exercise with a solution to mutate")
    print(f"{path.stem}: {rates.text()}")
    assert rates.killed_full >= FULL_FLOOR * rates.total, (
        f"{rates.text()}; survivors of the full tests:\n{_listing(full_survivors)}")
    assert rates.killed_public >= PUBLIC_FLOOR * rates.total, (
        f"{rates.text()}; survivors of the public cases:\n{_listing(public_survivors)}")


def test_the_mutation_operators_fire():
    source = ("def f(x, y):\n    ### BEGIN SOLUTION\n    z = np.log(x.T).sum(keepdims=True) / 2 - np.max(y, -1) * 3\n"
              "    return z if z > 0 else -z\n    ### END SOLUTION")
    exercise = model.Exercise(id="f", notebook="x", answer="f", points=1)
    operators = {m.operator for m, _ in mutants(exercise, source)}
    assert operators == {"flip_sign", "drop_division", "log10_for_log", "mean_for_sum", "max_for_min",
                         "nudge_constant", "flip_comparison", "drop_transpose", "flip_bool", "mult_for_div"}


def test_only_the_solution_region_is_mutated():
    source = "def f(x):\n    y = x - 1\n    ### BEGIN SOLUTION\n    return y\n    ### END SOLUTION"
    exercise = model.Exercise(id="f", notebook="x", answer="f", points=1)
    assert mutants(exercise, source) == []


if __name__ == "__main__":
    total = Rates()
    for notebook in NOTEBOOKS:
        rates, public_left, full_left = mutate_notebook(notebook)
        total.add(rates)
        print(f"{notebook.stem}: {rates.text()}")
        if full_left:
            print(" survive the full tests:\n" + _listing(full_left))
        if public_left:
            print(" survive the public cases:\n" + _listing(public_left))
    print(f"workbook: {total.text()}")
    sys.exit(0)
