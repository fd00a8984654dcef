"""Every source notebook's exercises, in the workbook's format.

Parametrized over whatever ``notebooks/NN_*.ipynb`` exist: cell metadata valid and
consistent with the bank, solutions pass all their tests, the released blank version fails
them, and nbgrader itself accepts the source notebooks.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from cell_audit import exercise_cell_problems

from course_lib.grading import check
from course_lib.grading.exercises import bank, cells

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ids = [p.stem for p in NOTEBOOKS]


def read(path: Path):
    return nbformat.read(path, as_version=4)


def answer_cells(nb):
    """(exercise, answer cell source) for each exercise of a notebook."""
    stem = None
    out = []
    for found in cells.find_exercise_cells(nb):
        ex = bank.get(found.exercise_id)
        stem = stem or ex.notebook
        out.append((ex, "".join(nb.cells[found.answer].source)))
    return out


def run_cell_code(source: str, name: str) -> dict:
    """Execute an answer cell's code in a fresh namespace holding only numpy as ``np``."""
    namespace = {"np": np, "__name__": "__answer_cell__"}
    exec(compile(source, f"<answer cell {name}>", "exec"), namespace)
    return namespace


# --- metadata --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_exercise_cells_match_the_bank(path):
    nb = read(path)
    nbformat.validate(nb)
    problems = exercise_cell_problems(nb, bank.for_notebook(path.stem))
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_the_first_code_cell_imports_check(path):
    nb = read(path)
    if not bank.for_notebook(path.stem):
        pytest.skip("no exercises in this notebook")
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "from course_lib.grading import check" in first.source
    # the locked setup cell: the grader runs the source's version of it, JupyterLab keeps it read-only
    assert {key: first.metadata.get(key) for key in cells.setup_metadata()} == cells.setup_metadata()


def test_every_bank_exercise_has_its_notebook():
    stems = {p.stem for p in NOTEBOOKS}
    missing = sorted({ex.notebook for ex in bank.all_exercises()} - stems)
    assert missing == [], f"bank modules name notebooks that do not exist: {missing}"


def test_exercise_ids_are_unique_across_the_workbook():
    seen = {}
    for path in NOTEBOOKS:
        for found in cells.find_exercise_cells(read(path)):
            assert found.exercise_id not in seen, (found.exercise_id, seen.get(found.exercise_id), path.name)
            seen[found.exercise_id] = path.name


# --- solutions pass, blanks fail ----------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_solutions_pass_all_their_tests(path, capsys):
    for exercise, source in answer_cells(read(path)):
        namespace = run_cell_code(cells.solution_code(source), exercise.id)
        result = check(exercise.id, namespace[exercise.answer], hidden=True)
        assert result.all_passed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_released_blanks_fail_their_tests(path, capsys):
    for exercise, source in answer_cells(read(path)):
        blank = cells.strip_hidden_tests(cells.strip_solutions(source))
        # a function's stub raises when called; a value's stub leaves it None (the cell runs quietly)
        assert ("raise NotImplementedError()" in blank) == (exercise.kind == "function")
        namespace = run_cell_code(blank, exercise.id)
        if exercise.kind == "value":
            assert namespace.get(exercise.answer) is None
        with pytest.raises(AssertionError, match="not attempted"):
            check(exercise.id, namespace.get(exercise.answer), hidden=True)


# --- nbgrader accepts the source notebooks --------------------------------------------------------

def test_nbgrader_generates_the_assignment(tmp_path):
    nbgrader = Path(sys.executable).with_name("nbgrader")
    if not nbgrader.exists():
        nbgrader = shutil.which("nbgrader")
    assert nbgrader, "nbgrader is in requirements.txt but not installed"
    (tmp_path / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "workbook"\n')
    source = tmp_path / "source" / "ps1"
    source.mkdir(parents=True)
    for path in NOTEBOOKS:
        shutil.copy(path, source / path.name)
    # --no-db skips only the gradebook (3x faster); metadata checks, checksums and clearing still run.
    # nbgrader runs `alembic` from PATH: put this environment's scripts first
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    done = subprocess.run([str(nbgrader), "generate_assignment", "ps1", "--force", "--no-db"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    for path in NOTEBOOKS:
        generated = (tmp_path / "release" / "ps1" / path.name).read_text()
        assert cells.BEGIN_SOLUTION not in generated and cells.BEGIN_HIDDEN not in generated
        nb = nbformat.reads(generated, as_version=4)
        exercises = bank.for_notebook(path.stem)
        stubs = sum("raise NotImplementedError()" in c.source for c in nb.cells if c.cell_type == "code")
        assert stubs >= len(exercises)


# --- the cell helpers --------------------------------------------------------------------------------

def test_strip_solutions_keeps_indentation_and_the_rest():
    source = ("def f(x):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n"
              "    ### END SOLUTION\n")
    assert cells.strip_solutions(source) == (
        "def f(x):\n    \"\"\"Doc.\"\"\"\n    # YOUR CODE HERE\n    raise NotImplementedError()\n")


def test_strip_solutions_handles_several_regions_and_top_level():
    source = "a = None\n### BEGIN SOLUTION\na = 1\n### END SOLUTION\nb = 2\n### BEGIN SOLUTION\nc = 3\n### END SOLUTION"
    # at the top level the stub is only the comment (a raise would stop "Run All" at the question)
    assert cells.strip_solutions(source) == "a = None\n# YOUR CODE HERE\nb = 2\n# YOUR CODE HERE"
    inside = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert cells.strip_solutions(inside) == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"


def test_strip_hidden_tests_removes_the_block_and_its_markers():
    source = 'check("x", f)\n### BEGIN HIDDEN TESTS\ncheck("x", f, hidden=True)\n### END HIDDEN TESTS'
    assert cells.strip_hidden_tests(source) == 'check("x", f)'


@pytest.mark.parametrize("source, words", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n### END SOLUTION\n", "without"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "nested"),
])
def test_unbalanced_markers_are_a_value_error(source, words):
    with pytest.raises(ValueError, match=words):
        cells.strip_solutions(source)


def test_metadata_helpers_refuse_bad_input():
    with pytest.raises(ValueError, match="exercise_id"):
        cells.answer_metadata("has space")
    with pytest.raises(ValueError, match="points"):
        cells.check_metadata("ok", 0)
    with pytest.raises(ValueError, match="answer_name"):
        cells.check_source("ok", "not a name")


def test_problems_are_found_in_a_broken_notebook():
    exercise = bank.get("correct_class_scores")
    answer = nbformat.v4.new_code_cell("def correct_class_scores(s, y):\n    ### BEGIN SOLUTION\n    return 1\n"
                                       "    ### END SOLUTION")
    answer.metadata.update(cells.answer_metadata(exercise.id))
    check_cell = nbformat.v4.new_code_cell(cells.check_source(exercise.id, exercise.answer))
    check_cell.metadata.update(cells.check_metadata(exercise.id, exercise.points + 1))
    between = nbformat.v4.new_markdown_cell("text")
    nb = nbformat.v4.new_notebook(cells=[answer, between, check_cell])
    problems = "\n".join(exercise_cell_problems(nb, [exercise]))
    assert "not right below" in problems and "'points': 2" in problems
    renamed = copy.deepcopy(nb)
    renamed.cells[0].source = renamed.cells[0].source.replace("def correct_class_scores", "def other")
    assert "must define 'correct_class_scores'" in "\n".join(exercise_cell_problems(renamed, [exercise]))
    ok = nbformat.v4.new_notebook(cells=[answer, nbformat.v4.new_code_cell(check_cell.source)])
    ok.cells[1].metadata.update(cells.check_metadata(exercise.id, exercise.points))
    assert exercise_cell_problems(ok, [exercise]) == []
