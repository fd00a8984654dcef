"""The graded release: no implementation of a graded exercise, the student's own answers drive later notebooks.

One graded and one open release are written per module; tests that edit a release make their own.
Code that must import the *released* course_lib runs in a subprocess with the release first on
``PYTHONPATH``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from course_lib.cli import main
from course_lib.grading.exercises import cells
from course_lib.grading.release import build as release
from course_lib.grading.release import start
from course_lib.grading.release.build import release as make_release

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded") / "student"
    make_release(out)
    return out


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    out = tmp_path_factory.mktemp("open") / "student"
    make_release(out, mode="open")
    return out


def run_released(out: Path, code: str, *, cwd=None, env=None, timeout=120) -> subprocess.CompletedProcess:
    """Run ``code`` with the release's own course_lib (first on the path), from ``cwd`` (its notebooks/)."""
    environment = {**os.environ, "PYTHONPATH": str(out), "MPLBACKEND": "Agg", **(env or {})}
    environment.pop("COURSE_LIB_SANDBOX", None) if "COURSE_LIB_SANDBOX" not in (env or {}) else None
    environment.pop("COURSE_LIB_NOTEBOOKS", None)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd or out / "notebooks",
                          capture_output=True, text=True, timeout=timeout, env=environment)


def solutions(stem: str) -> dict:
    """``{grade_id: answer source}`` of a source notebook, solution markers removed: the 'student's answers'."""
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: "\n".join(
        line for line in c.source.splitlines() if line.strip() not in (cells.BEGIN_SOLUTION, cells.END_SOLUTION))
        for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")}


def fill_in(out: Path, stem: str, answers: dict | None = None) -> Path:
    """Write answers (default: the source's solutions) into the release's notebook ``stem``."""
    answers = solutions(stem) if answers is None else answers
    path = out / "notebooks" / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(nb, path)
    return path


# --- no solution inside -------------------------------------------------------------------------

def _solution_lines(nb) -> set:
    """Non-trivial solution lines: 8+ characters, no comment, no plumbing, absent from the blank notebook."""
    code = ["".join(c.source) for c in nb.cells if c.cell_type == "code"]
    blank = "\n".join(cells.strip_solutions(s) for s in code)
    lines = set()
    for source in code:
        inside = False
        for line in source.split("\n"):
            text = line.strip()
            if text in (cells.BEGIN_SOLUTION, cells.END_SOLUTION):
                inside = text == cells.BEGIN_SOLUTION
            elif inside and len(text) >= 8 and not text.startswith("#") and text not in blank \
                    and not _PLUMBING.match(text):
                lines.add(text)
    return lines


# lines any numpy code has, which give no exercise away: ``n, d = X.shape``, ``return loss``, imports, and
# ``scores = X @ W``, which the W-level contracts state ("the scores X @ W")
_PLUMBING = re.compile(r"^(?:[\w, ]+ = \w+\.shape(?:\[\d\])?|return \w+|(?:from \w+ )?import [\w., ]+(?: as \w+)?"
                       r"|\w+ = np\.random\.default_rng\(\w+\)|\w+ = X @ W)$")


def _unquoted(line: str) -> str:
    """A line as code: stripped, and for a JSON string line (a notebook's source) its text unescaped."""
    text = line.strip()
    if text.startswith('"') and text.rstrip(",").endswith('"'):
        try:
            text = json.loads(text.rstrip(","))
        except ValueError:
            pass
    return text.strip() if isinstance(text, str) else line.strip()


def test_no_solution_line_in_any_file_of_the_graded_release(graded):
    # a leak is a solution line found verbatim as a line of a released file (code, notebook JSON, data)
    texts = {p: {_unquoted(line) for line in p.read_text(encoding="utf-8", errors="replace").splitlines()}
             for p in graded.rglob("*") if p.is_file()}
    total, in_notebooks = 0, set()
    for source in SOURCES:
        lines = _solution_lines(nbformat.read(source, as_version=4))
        total += len(lines)
        for line in lines:
            where = sorted(p.relative_to(graded).as_posix() for p, text in texts.items() if line in text)
            outside = [w for w in where if not w.startswith("notebooks/")]
            assert outside == [], f"a solution line of {source.name} in {outside}: {line}"
            in_notebooks |= {(source.stem, line, w) for w in where}
    assert total > 100
    assert in_notebooks == KNOWN_NOTEBOOK_LEAKS


# Solution lines that a later released notebook shows in its own (non-solution) code. Notebooks are the
# content's, not the release's: listed here exactly, so that a new leak fails and a fixed one must go.
KNOWN_NOTEBOOK_LEAKS = set()


def test_every_reference_region_is_stubbed_and_the_open_release_keeps_them(graded, opened):
    regions = {}
    for path in sorted((ROOT / "course_lib").rglob("*.py")):
        for exercise_id, _, _ in release.reference_regions(path.read_text()):
            regions.setdefault(exercise_id, []).append(path.relative_to(ROOT).as_posix())
    assert {"svm_vectorized", "softmax_vectorized", "numerical_gradient_centred", "adam_step"} <= set(regions)
    assert "random_search_best" not in regions  # random search is open code since workbook v3
    for exercise_id, paths in regions.items():
        for relative in paths:
            graded_text = (graded / relative).read_text()
            assert release.reference_regions(graded_text) == [], relative
            assert f"reference_answer({exercise_id!r})" in graded_text, (exercise_id, relative)
            assert (opened / relative).read_text() == (ROOT / relative).read_text()
    assert json.loads((graded / "course_lib" / "_release.json").read_text()) == {"mode": "graded"}
    assert json.loads((opened / "course_lib" / "_release.json").read_text()) == {"mode": "open"}


def test_package_files_is_the_released_package(graded):
    files = dict(release.package_files("graded"))
    assert "course_lib/_release.json" in files and "course_lib/grading/exercises/bank/public_bank.json" in files
    assert all(path.startswith("course_lib/") for path in files)
    for path, data in files.items():
        assert (graded / path).read_bytes() == data, path
    with pytest.raises(ValueError, match="mode"):
        list(release.package_files("hidden"))


def test_strip_references_keeps_the_signature_and_calls_the_answer():
    text = textwrap.dedent('''\
        def f(a, b=2):
            """doc"""
            a = a + 0
            ### BEGIN REFERENCE some_id
            return a * b
            ### END REFERENCE


        def g(x):
            ### BEGIN REFERENCE other -> answer(x[None])[0]
            return x
            ### END REFERENCE
        ''')
    stripped = release.strip_references(text)
    assert "return a * b" not in stripped and "a = a + 0" in stripped
    assert "answer = reference_answer('some_id')\n    return answer(a, b)\n" in stripped
    assert "return answer(x[None])[0]" in stripped
    compile(stripped, "f.py", "exec")
    with pytest.raises(ValueError, match="never closed"):
        release.strip_references("def f():\n    ### BEGIN REFERENCE x\n    return 1\n")


AUDIT = r"""
import importlib, inspect, json, pkgutil, signal, sys, warnings
import numpy as np
import course_lib
from course_lib.grading.exercises import bank
from course_lib.grading.judging import judge
# infrastructure that takes paths or starts processes: not an answer of a numeric exercise
SKIP = {"course_lib.__main__", "course_lib.notebooks", "course_lib.grading.autograde.grade",
        "course_lib.grading.autograde.sandbox", "course_lib.grading.autograde.isolation",
        "course_lib.grading.reports.hint_table",
        "course_lib.grading._worker", "course_lib.grading.release.build", "course_lib.grading.release.start",
        "course_lib.grading.autograde.gradescope", "course_lib.grading.autograde.worker"}
functions = {}
for info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
    if info.name in SKIP or info.name.startswith("course_lib.grading.exercises.bank"):
        continue
    module = importlib.import_module(info.name)
    for name, obj in vars(module).items():
        if inspect.isfunction(obj) and obj.__module__ == info.name:
            functions[f"{info.name}:{name}"] = obj
def alarm(*_):
    raise TimeoutError
signal.signal(signal.SIGALRM, alarm)
passing = []
for ex in bank.all_exercises():
    if ex.kind != "function":
        continue
    for target, fn in functions.items():
        ok = True
        for case in ex.public:
            signal.alarm(5)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    _, verdict = judge.judge_answer(ex, fn, [(case, False)])
                ok = verdict.cases[0].passed
            except BaseException:
                ok = False
            finally:
                signal.alarm(0)
            if not ok:
                break
        if ok:
            passing.append((ex.id, target))
print(json.dumps({"tried": len(functions), "passing": passing}))
"""


@pytest.mark.parametrize("sandbox", ["0", "1"])
def test_no_released_function_passes_any_exercise(graded, sandbox):
    done = run_released(graded, AUDIT, env={"COURSE_LIB_SANDBOX": sandbox}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["tried"] > 80
    assert result["passing"] == []


def test_the_same_audit_finds_the_references_in_the_open_release(opened):
    done = run_released(opened, AUDIT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    found = {exercise for exercise, _ in json.loads(done.stdout.strip().splitlines()[-1])["passing"]}
    assert {"svm_vectorized", "softmax_vectorized", "numerical_gradient_centred", "squared_error"} <= found


def test_fixtures_need_no_course_lib_code():
    import ast

    tree = ast.parse((ROOT / "course_lib" / "grading" / "exercises" / "fixtures.py").read_text())
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert all(isinstance(n, ast.Import) and [a.name for a in n.names] == ["numpy"] or
               isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in imports)


# --- mine: the student's own answers -------------------------------------------------------------

MINE_BLANK = r"""
import numpy as np
import course_lib as cl
missing = cl.mine("svm_vectorized")
assert not missing and "\n" not in missing.reason
print(missing.reason)
try:
    cl.svm_loss(np.zeros((2, 3)), np.array([0, 1]))
except cl.AnswerMissing as exc:
    print("stub:", exc)
"""


def test_mine_without_an_answer_says_what_to_solve_first(graded):
    done = run_released(graded, MINE_BLANK)
    assert done.returncode == 0, done.stderr
    reason, stub = done.stdout.strip().splitlines()
    assert "svm_vectorized" in reason and "03_multiclass_svm.ipynb" in reason and "svm_loss_vectorized" in reason
    assert stub.startswith("stub: ") and "svm_vectorized" in stub


SANDBOXED = r"""
import numpy as np
import course_lib as cl
from course_lib.answers import ReferenceUnavailable
missing = cl.mine("svm_vectorized")
assert not missing and "not available while grading" in missing.reason, missing
try:
    cl.svm_loss(np.zeros((2, 3)), np.array([0, 1]))
except ReferenceUnavailable as exc:
    assert exc.exercise_id == "svm_vectorized"
    assert isinstance(exc, cl.AnswerMissing)
    print("reference unavailable")
"""


def test_in_the_sandbox_nothing_is_loaded_and_the_stubs_say_reference(tmp_path):
    out = tmp_path / "student"
    make_release(out)
    fill_in(out, "03_multiclass_svm")  # even a solved notebook is not loaded while grading
    done = run_released(out, SANDBOXED, env={"COURSE_LIB_SANDBOX": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "reference unavailable"


SOLVED = r"""
import numpy as np
import course_lib as cl
mine = cl.mine("svm_vectorized")
assert mine and mine.__name__ == "svm_loss_vectorized", mine
assert mine.__module__ != "course_lib.losses"
scores, y = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]), np.array([0, 1, 2])
loss, dscores = cl.svm_loss(scores, y)
assert abs(loss - 15.8 / 3) < 1e-9 and dscores.shape == (3, 3)
assert abs(cl.svm_loss(scores, y, margin=2.0)[0] - 2.0 * cl.svm_loss(scores / 2.0, y)[0]) < 1e-12
print(cl.mine("softmax_vectorized").reason)
"""


def test_mine_returns_the_students_passing_answer_and_the_library_runs_it(tmp_path):
    out = tmp_path / "student"
    make_release(out)
    fill_in(out, "03_multiclass_svm")
    done = run_released(out, SOLVED)
    assert done.returncode == 0, done.stderr
    assert "05_softmax_cross_entropy.ipynb" in done.stdout and done.stderr == ""


WRONG = r"""
import course_lib as cl
print(cl.mine("svm_vectorized").reason)
"""


def test_a_wrong_or_self_referencing_answer_is_not_used(tmp_path):
    out = tmp_path / "student"
    make_release(out)
    answers = solutions("03_multiclass_svm")
    answers["svm_vectorized"] = answers["svm_vectorized"].replace("/ n", "/ (2 * n)")
    fill_in(out, "03_multiclass_svm", answers)
    done = run_released(out, WRONG)
    assert "its check passes 0 of 3 public tests" in done.stdout, done.stdout + done.stderr
    answers["svm_vectorized"] = ("import course_lib as cl\n"
                                 "def svm_loss_vectorized(W, X, y):\n    return cl.svm_loss_W(W, X, y)\n")
    fill_in(out, "03_multiclass_svm", answers)
    done = run_released(out, WRONG)
    assert done.returncode == 0 and done.stdout.startswith("exercise `svm_vectorized`"), done.stdout + done.stderr
    assert "calls course_lib's own version of an exercise" in done.stdout, done.stdout


CACHED = r"""
import os, pathlib, time
import course_lib as cl
first = cl.mine("svm_vectorized")
assert first is cl.mine("svm_vectorized")  # cached
path = pathlib.Path("03_multiclass_svm.ipynb")
path.write_text(path.read_text())
os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
assert cl.mine("svm_vectorized") is not first  # reloaded after the notebook changed
print("ok")
"""


def test_mine_is_cached_per_notebook_modification(tmp_path):
    out = tmp_path / "student"
    make_release(out)
    fill_in(out, "03_multiclass_svm")
    done = run_released(out, CACHED)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


OPEN = r"""
import course_lib as cl
assert cl.mine("svm_vectorized") is cl.svm_loss_W
assert cl.mine("regularized_objective") is cl.regularized_objective
assert cl.mine("numerical_gradient_centred") is cl.numerical_gradient
print(cl.mine("early_stopping").reason)  # no library function: the student's own
"""


def test_the_open_release_gives_the_reference_library(opened):
    done = run_released(opened, OPEN)
    assert done.returncode == 0, done.stderr
    assert "11_capstone_digits.ipynb" in done.stdout


def test_the_instructor_checkout_gives_the_banks_references():
    import course_lib as cl
    from course_lib.answers import release_mode
    from course_lib.grading.exercises import bank

    assert release_mode() == "instructor"
    assert cl.mine("svm_vectorized") is bank.get("svm_vectorized").reference
    with pytest.raises(ValueError, match="exercise_id"):
        cl.mine("no_such_exercise")


# --- the data bank holds no value answer ---------------------------------------------------------

def test_value_answers_are_fingerprints_not_values(graded):
    from course_lib.grading.exercises import bank, databank, model
    document = json.loads((graded / release.BANK / "public_bank.json").read_text())
    records = {r["id"]: r for r in document["exercises"]}
    for exercise in bank.all_exercises():
        if exercise.kind != "value":
            continue
        value = model.expected_output(exercise, exercise.public[0])
        record = json.dumps(records[exercise.id])
        for item in value if isinstance(value, tuple) else (value,):
            # a number with decimals (not 0.0 or 9.0, nor a one-word answer: names that occur anyway)
            if isinstance(item, float) and item != round(item):
                assert repr(item) not in record and json.dumps(item) not in record, (exercise.id, item)
        assert "expected" not in records[exercise.id]["cases"][0]
    salt = "s"
    stored = databank.fingerprints(2.8999999999999995, salt, 1e-6, 1e-8)
    assert all(databank.matches(stored, v, salt, 1e-6, 1e-8) for v in (2.9, 2.9000001, 2.8999995))
    assert not any(databank.matches(stored, v, salt, 1e-6, 1e-8) for v in (2.91, 3.9, -2.9, "2.9"))
    stored = databank.fingerprints(0.2834, salt, 0.0, 6e-4)
    assert databank.matches(stored, 0.283, salt, 0.0, 6e-4) and not databank.matches(stored, 0.29, salt, 0.0, 6e-4)
    assert databank.matches(databank.fingerprints(10.0, salt, 1e-6, 1e-8), 9.9999999, salt, 1e-6, 1e-8)
    assert databank.matches(databank.fingerprints("softmax", salt, 1e-6, 1e-8), " Softmax", salt, 1e-6, 1e-8)


# --- the command line: a user's mistake is one line, never a traceback ----------------------------

def _cli(args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "course_lib", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_path_mistakes_are_one_line_naming_the_path(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    (tmp_path / "empty").mkdir()
    (tmp_path / "bundle_dir").mkdir()
    cases = [
        (["release", "--out", str(a_file / "sub")], str(a_file)),
        (["release", "--out", str(a_file)], str(a_file)),
        (["grade", str(tmp_path / "empty"), "--out", str(a_file)], str(a_file)),
        (["grade", str(tmp_path / "nowhere.ipynb"), "--out", str(tmp_path / "g1")], "nowhere.ipynb"),
        (["grade", str(tmp_path / "empty"), "--out", str(tmp_path / "g2")], "no *.ipynb"),
        (["gradescope", "--out", str(tmp_path / "bundle_dir"), "--force"], str(tmp_path / "bundle_dir")),
        (["gradescope", "--out", str(a_file / "bundle.zip")], str(a_file)),
        (["start", "--dir", str(a_file), "--no-browser"], str(a_file)),
    ]
    for args, named in cases:
        done = _cli(args)
        message = (done.stdout + done.stderr).strip()
        assert done.returncode == 2, (args, message)
        assert "Traceback" not in message and named in message, (args, message)
        assert len(done.stderr.strip().splitlines()) == 1, (args, message)


# --- start ----------------------------------------------------------------------------------------

def test_start_from_inside_a_copy_serves_that_copy(graded):
    code = "from course_lib.grading.release import start; print(start.choose_copy(None))"
    done = run_released(graded, code, cwd=graded)  # the copy's own course_lib
    assert done.returncode == 0 and Path(done.stdout.strip()) == graded, done.stderr
    done = subprocess.run([sys.executable, "-c", code], cwd=graded / "notebooks", capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert Path(done.stdout.strip()) == graded, done.stderr  # the clone's course_lib, run from inside the copy


def test_start_puts_the_copys_course_lib_first_for_the_kernels(graded):
    env = start.kernel_environment(graded)
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(graded)
    done = subprocess.run([sys.executable, "-c", "import course_lib; from course_lib.answers import release_mode; "
                           "print(course_lib.__file__, release_mode())"],
                          cwd=graded / "notebooks", env=env, capture_output=True, text=True)
    path, mode = done.stdout.split()
    assert Path(path).is_relative_to(graded) and mode == "graded", done.stderr


def test_the_students_jupyterlab_hides_nbgrader(graded):
    folder = start.write_jupyter_config(graded)
    env = start.kernel_environment(graded)
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == str(folder)
    pages = json.loads((folder / "labconfig" / "page_config.json").read_text())
    assert pages["disabledExtensions"] == {"@jupyter/nbgrader": True}
    if importlib.util.find_spec("nbgrader") is not None:
        listed = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"], env=env,
                                capture_output=True, text=True)
        line = next(line for line in (listed.stdout + listed.stderr).splitlines() if "@jupyter/nbgrader v" in line)
        assert "disabled" in line, line


def test_force_backups_are_not_notebooks_grade_would_take(tmp_path, capsys):
    out = tmp_path / "student"
    make_release(out)
    (out / "notebooks" / "03_multiclass_svm.ipynb").write_text("my edits")
    assert main(["release", "--out", str(out), "--force"]) == 0
    assert "your version is in .release-backups/" in capsys.readouterr().out
    assert not [p for p in out.rglob("*.ipynb") if release.BACKUPS in p.parts]


# --- the graded release's notebooks run to the end with no answer at all ---------------------------

def _execute(path: Path, out: Path, timeout=180):
    """Execute a release notebook in a kernel that imports the release's own course_lib; the error or None."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from notebook_run import ipc_kernel

    nb = nbformat.read(path, as_version=4)
    try:
        with ipc_kernel() as km:
            NotebookClient(nb, km=km, timeout=timeout, allow_errors=False,
                           resources={"metadata": {"path": str(path.parent)}}).execute(
                env={**os.environ, "PYTHONPATH": str(out), "COURSE_LIB_NOTEBOOKS": str(out / "notebooks")})
    except CellExecutionError:
        for k, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    return f"cell {k}: {output['ename']}: {output['evalue'].splitlines()[0][:100]}"
        raise
    return None


# Notebooks (the content's, not the release's) that still stop in a graded release with no answers:
# the first cell that calls a course_lib function whose implementation is now the student's, unguarded
# (code cell index, the exercise it asks for). Listed exactly, so that a fixed notebook must leave this
# list and a new stop fails. Each needs `cl.mine(...)` and a guard where it uses an earlier answer, or
# to stop using a graded function before its own exercise.
STOPS_WITHOUT_ANSWERS = {
}


@pytest.mark.parametrize("stem", [p.stem for p in SOURCES])
def test_a_blank_graded_notebook_runs_to_the_end(graded, stem):
    error = _execute(graded / "notebooks" / f"{stem}.ipynb", graded)
    if stem not in STOPS_WITHOUT_ANSWERS:
        assert error is None, error
    else:
        cell, exercise_id = STOPS_WITHOUT_ANSWERS[stem]
        assert error is not None and error.startswith(f"cell {cell}: AnswerMissing: exercise `{exercise_id}`"), \
            error
        assert "\n" not in error  # one line, naming what to solve
