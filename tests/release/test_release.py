"""The student release and the start command.

One release is written per test session (``released``); tests that edit a release make
their own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from course_lib.cli import main
from course_lib.grading.exercises import bank, cells
from course_lib.grading.release import build as release
from course_lib.grading.release import start
from course_lib.grading.release.build import release as make_release
from course_lib.grading.release.build import student_notebook

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "student"
    report = make_release(out)
    return out, report


def _code_sources(nb):
    return ["".join(c.source) for c in nb.cells if c.cell_type == "code"]


def _solution_only_lines(nb) -> set:
    """Lines inside solution regions that appear nowhere in the notebook's blank version."""
    blank = "\n".join(cells.strip_solutions(s) for s in _code_sources(nb))
    lines = set()
    for source in _code_sources(nb):
        inside = False
        for line in source.split("\n"):
            text = line.strip()
            if text == cells.BEGIN_SOLUTION:
                inside = True
            elif text == cells.END_SOLUTION:
                inside = False
            elif inside and len(text) >= 8 and not text.startswith("#") and text not in blank:
                lines.add(text)
    return lines


# --- one notebook ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", SOURCES, ids=[p.stem for p in SOURCES])
def test_student_notebook_is_blank_and_clean(path):
    source = nbformat.read(path, as_version=4)
    before = json.dumps(source, sort_keys=True)
    student = student_notebook(source)
    assert json.dumps(source, sort_keys=True) == before, "the source notebook was modified"
    nbformat.validate(student)
    assert "widgets" not in student.metadata
    for original, cell in zip(source.cells, student.cells):
        assert cell.metadata.get("nbgrader") == original.metadata.get("nbgrader")
        assert cells.BEGIN_SOLUTION not in cell.source and cells.BEGIN_HIDDEN not in cell.source
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert "execution" not in cell.metadata
    for line in _solution_only_lines(source):
        assert all(line not in s for s in _code_sources(student)), line


def test_student_notebook_stubs_a_solution_and_drops_hidden_tests():
    answer = nbformat.v4.new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                                       execution_count=3, outputs=[nbformat.v4.new_output("stream", text="hi")])
    answer.metadata.update(cells.answer_metadata("f"))
    check_cell = nbformat.v4.new_code_cell(cells.check_source("f", "f"))
    check_cell.metadata.update(cells.check_metadata("f", 2))
    nb = nbformat.v4.new_notebook(cells=[answer, check_cell], metadata={"widgets": {"state": {}}})
    student = student_notebook(nb)
    assert student.cells[0].source == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert student.cells[1].source == 'check("f", f)'
    assert student.cells[0].outputs == [] and student.cells[0].execution_count is None


def test_student_notebook_refuses_markers_in_markdown():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("### BEGIN SOLUTION\nx\n### END SOLUTION")])
    with pytest.raises(ValueError, match="markdown"):
        student_notebook(nb)


def test_student_notebook_refuses_a_non_notebook():
    with pytest.raises(ValueError, match="nb"):
        student_notebook(["not", "a", "notebook"])


# --- the release folder ------------------------------------------------------------------------------

def test_release_writes_everything_a_student_needs(released):
    out, report = released
    for path in SOURCES:
        assert (out / "notebooks" / path.name).exists()
    for name in ("README.md", "pyproject.toml", "requirements.txt", "course_lib/__init__.py",
                 "course_lib/grading/check.py", "assets/nbval_sanitize.cfg"):
        assert (out / name).is_file(), name
    assert report.kept == [] and report.backups == [] and len(report.written) > len(SOURCES)
    assert not list(out.rglob("__pycache__"))


def test_no_hidden_test_and_no_solution_anywhere_in_the_release(released):
    out, _ = released
    hidden_markers = {cells.BEGIN_HIDDEN, cells.END_HIDDEN}
    for path in out.rglob("*"):
        if path.is_file():
            lines = {line.strip() for line in path.read_text(encoding="utf-8", errors="replace").split("\n")}
            assert not lines & hidden_markers, f"hidden-test markers in {path}"
    for source in SOURCES:
        solution_lines = _solution_only_lines(nbformat.read(source, as_version=4))
        released_code = "\n".join(_code_sources(nbformat.read(out / "notebooks" / source.name, as_version=4)))
        leaked = [line for line in solution_lines if line in released_code]
        assert leaked == [], f"solution lines in the released {source.name}: {leaked[:3]}"


def _run_in(out: Path, code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(out)}
    return subprocess.run([sys.executable, "-c", code], cwd=out, env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_released_bank_has_public_cases_only(released):
    out, _ = released
    done = _run_in(out, (
        "import course_lib, pathlib\n"
        "from course_lib.grading.exercises import bank\n"
        f"assert pathlib.Path(course_lib.__file__).resolve().is_relative_to({str(out.resolve())!r})\n"
        "exercises = bank.all_exercises()\n"
        "assert exercises and all(ex.hidden == () for ex in exercises)\n"
        "assert all(ex.public for ex in exercises)\n"
        "print(len(exercises))\n"))
    assert done.returncode == 0, done.stderr
    from course_lib.grading.exercises import bank

    assert int(done.stdout) == len(bank.all_exercises())


def test_a_blank_answer_is_not_attempted_with_the_released_library(released):
    out, _ = released
    done = _run_in(out, (
        "from course_lib.grading import check\n"
        "def correct_class_scores(scores, y):\n"
        "    raise NotImplementedError()\n"
        "result = check('correct_class_scores', correct_class_scores)\n"
        "assert not result.attempted\n"))
    assert done.returncode == 0, done.stderr
    assert "not attempted yet" in done.stdout and done.stderr == ""


def _toml(text: str) -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    return tomllib.loads(text)


def test_requirements_install_the_released_package(released):
    out, _ = released
    lines = [line.strip() for line in (out / "requirements.txt").read_text().splitlines()]
    assert [line for line in lines if line and not line.startswith("#")] == [".[lab]"]  # non-editable
    source = release.project_metadata(ROOT)
    project = _toml((out / "pyproject.toml").read_text())
    assert project["project"]["name"] == "course_lib"
    assert project["project"]["dependencies"] == source["dependencies"]
    assert project["project"]["optional-dependencies"] == {
        extra: source["optional-dependencies"][extra] for extra in release.STUDENT_EXTRAS}
    assert project["project"]["scripts"] == {"course-lib": "course_lib.cli:main"}
    assert project["tool"]["setuptools"]["packages"]["find"]["include"] == ["course_lib*"]
    assert project["tool"]["setuptools"]["package-data"]["course_lib.grading.exercises.bank"] == ["public_bank.json"]
    tools = {"pytest", "nbval", "nbgrader", "playwright", "hypothesis", "ruff", "nbformat", "nbclient", "notebook"}
    for line in project["project"]["dependencies"] + sum(project["project"]["optional-dependencies"].values(), []):
        requirement = Requirement(line)
        assert requirement.name not in tools
        try:
            assert version(requirement.name)
        except PackageNotFoundError:
            pytest.fail(f"{requirement.name} is required by the release but not installed here")


def test_project_metadata_without_a_toml_parser_comes_from_the_installed_distribution():
    from_distribution = release._metadata_from_distribution()
    from_file = release.project_metadata(ROOT)
    assert sorted(from_distribution["dependencies"]) == sorted(from_file["dependencies"])
    for extra in ("lab", "instructor", "test"):
        assert sorted(from_distribution["optional-dependencies"][extra]) == sorted(
            from_file["optional-dependencies"][extra]), extra


# --- never overwrite a student's file -----------------------------------------------------------------

def _fake_source(tmp_path: Path) -> Path:
    """A copy of the parts of the repository that a release reads."""
    import shutil

    root = tmp_path / "source"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "00_start_here.ipynb", root / "notebooks")
    shutil.copytree(ROOT / "course_lib", root / "course_lib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "assets", root / "assets")
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, root / name)
    return root


def test_an_edited_notebook_is_kept_and_reported(tmp_path):
    root, out = _fake_source(tmp_path), tmp_path / "copy"
    make_release(out, root=root)
    mine = out / "notebooks" / "00_start_here.ipynb"
    mine.write_text(mine.read_text().replace("YOUR CODE HERE", "my work"))
    edited = mine.read_text()
    report = make_release(out, root=root)
    assert mine.read_text() == edited
    assert report.kept == ["notebooks/00_start_here.ipynb"] and report.written == report.updated == []
    assert "kept your version of notebooks/00_start_here.ipynb" in report.summary()


def test_force_keeps_a_timestamped_backup(tmp_path):
    root, out = _fake_source(tmp_path), tmp_path / "copy"
    make_release(out, root=root)
    mine = out / "notebooks" / "00_start_here.ipynb"
    mine.write_text("my edits")
    report = make_release(out, force=True, root=root)
    [(path, backup)] = report.backups
    assert path == "notebooks/00_start_here.ipynb" and backup.startswith(f"{release.BACKUPS}/")
    assert backup.endswith("00_start_here.ipynb.backup") and (out / backup).read_text() == "my edits"
    from course_lib.grading.autograde.batch import collect  # grade never takes a backup for a submission

    assert [row[-1].name for row in collect([out], tmp_path / "grades")] == ["00_start_here.ipynb"]
    assert "my edits" not in mine.read_text() and report.written == [path]


def test_a_new_release_updates_only_untouched_files(tmp_path):
    root, out = _fake_source(tmp_path), tmp_path / "copy"
    make_release(out, root=root)
    mine = out / "notebooks" / "00_start_here.ipynb"
    mine.write_text(mine.read_text().replace("YOUR CODE HERE", "my work"))
    edited = mine.read_text()
    library = root / "course_lib" / "losses.py"
    library.write_text(library.read_text() + "\n# fixed in the new release\n")
    notebook = root / "notebooks" / "00_start_here.ipynb"
    notebook.write_text(notebook.read_text().replace("Start here", "Start here (new)"))
    report = make_release(out, root=root)
    assert report.updated == ["course_lib/losses.py"]
    assert report.kept == ["notebooks/00_start_here.ipynb"] and mine.read_text() == edited
    assert (out / "course_lib" / "losses.py").read_text().endswith("# fixed in the new release\n")
    again = make_release(out, root=root)  # the kept notebook stays kept: its edit is still the student's
    assert again.kept == ["notebooks/00_start_here.ipynb"] and again.updated == []


def test_release_refuses_the_source_repository():
    with pytest.raises(ValueError, match="--out"):
        make_release(ROOT)
    with pytest.raises(ValueError, match="--out"):
        make_release(ROOT.parent)


def test_release_command_line(tmp_path, capsys):
    assert main(["release", "--out", str(tmp_path / "cli")]) == 0
    assert "files written" in capsys.readouterr().out
    assert (tmp_path / "cli" / "notebooks" / "00_start_here.ipynb").exists()
    assert main(["release", "--out", str(ROOT)]) == 2


def test_release_module_has_the_command_interface():
    assert callable(release.add_arguments) and callable(release.run)


# --- start ------------------------------------------------------------------------------------------

def test_start_creates_a_copy_once_and_then_leaves_it_alone(tmp_path):
    directory = tmp_path / "student"
    assert start.prepare(directory).startswith(f"made your copy of the workbook in {directory} ")
    mine = directory / start.FIRST_NOTEBOOK
    mine.write_text("my work")
    before = sorted(p.relative_to(directory) for p in directory.rglob("*"))
    assert start.prepare(directory).startswith(f"serving your copy of the workbook in {directory} ")
    assert mine.read_text() == "my work"
    assert sorted(p.relative_to(directory) for p in directory.rglob("*")) == before


def test_start_opens_jupyterlab_at_notebook_00(tmp_path, monkeypatch, capsys):
    directory = tmp_path / "student"
    launched = []
    monkeypatch.setattr(start, "run_jupyter", lambda command, cwd: launched.append((command, cwd)) or 0)
    assert main(["start", "--dir", str(directory), "--no-browser"]) == 0
    [(command, cwd)] = launched
    assert command[1:4] == ["-m", "jupyter", "lab"] and "--no-browser" in command
    assert f"--LabApp.default_url=/lab/tree/{start.FIRST_NOTEBOOK}" in command and Path(cwd) == directory
    assert f"--ServerApp.root_dir={directory}" in command and "--ServerApp.ip=127.0.0.1" in command
    assert "made your copy" in capsys.readouterr().out


def test_start_allows_root_only_for_root(tmp_path, monkeypatch):
    monkeypatch.setattr(start.os, "geteuid", lambda: 0, raising=False)
    assert "--allow-root" in start.jupyter_command(tmp_path)
    monkeypatch.setattr(start.os, "geteuid", lambda: 1000, raising=False)
    assert "--allow-root" not in start.jupyter_command(tmp_path)


def test_start_defaults_to_the_git_ignored_student_folder(tmp_path):
    assert start.choose_copy(None, cwd=tmp_path) == ROOT / "student"
    assert "student/" in (ROOT / ".gitignore").read_text().splitlines()


def test_the_repository_installs_every_extra_editable():
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert [line for line in lines if line and not line.startswith("#")] == ["-e .[lab,compare,instructor,test]"]
    extras = release.project_metadata(ROOT)["optional-dependencies"]
    names = {extra: {Requirement(r).name for r in requirements} for extra, requirements in extras.items()}
    assert "nbgrader" in names["test"] and "nbgrader" not in names["instructor"] | names["lab"]
    assert {"nbformat", "nbclient"} <= names["instructor"] and "jupyterlab" in names["lab"]


# --- the released exercise bank is data: no reference code, no mistake, no hidden case ------------

BANK_MODULES = sorted((ROOT / "course_lib" / "grading" / "exercises" / "bank").glob("nb*.py"))


def _released_texts(out: Path) -> dict:
    return {path: path.read_text(encoding="utf-8", errors="replace") for path in out.rglob("*") if path.is_file()}


def _bank_functions():
    """(name, source) of every function defined at the top level of a bank module."""
    import ast

    for module in BANK_MODULES:
        text = module.read_text()
        for node in ast.parse(text).body:
            if isinstance(node, ast.FunctionDef):
                yield node.name, ast.get_source_segment(text, node)


def _open_library_functions() -> set:
    """Names of functions defined in course_lib outside the bank (they may share a bank name)."""
    import ast

    names = set()
    for path in (ROOT / "course_lib").rglob("*.py"):
        if "bank" not in path.relative_to(ROOT).parts:
            names |= {n.name for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.FunctionDef)}
    return names


def test_the_released_bank_is_a_loader_and_data(released):
    out, _ = released
    folder = out / "course_lib" / "grading" / "exercises" / "bank"
    assert sorted(p.name for p in folder.iterdir()) == ["__init__.py", "public_bank.json"]
    assert not [p for p in out.rglob("*.py") if p.parent == folder and p.name != "__init__.py"]


def test_no_function_of_the_bank_modules_is_released(released):
    out, _ = released
    texts = _released_texts(out)
    shared = _open_library_functions()
    functions = list(_bank_functions())
    assert len(functions) > 50
    for name, source in functions:
        leaked = [p for p, text in texts.items() if source in text
                  or (name not in shared and f"def {name}(" in text and "course_lib" in p.relative_to(out).parts)]
        assert leaked == [], f"bank function {name} in {leaked[:2]}"


def test_no_solution_line_anywhere_in_the_release(released):
    out, _ = released
    # .py only: the data bank's strings are case labels and hints, which check shows students anyway
    library = "\n".join(t for p, t in _released_texts(out).items() if p.suffix == ".py")
    repo_library = _repo_library_text()
    for source in SOURCES:
        solution_lines = _solution_only_lines(nbformat.read(source, as_version=4))
        open_lines = {line for line in solution_lines if line in repo_library}
        leaked = [line for line in solution_lines - open_lines if line in library]
        assert leaked == [], f"solution lines of {source.name} in the released course_lib: {leaked[:3]}"


def _repo_library_text() -> str:
    """course_lib's open modules in the repository (not the bank): what may be released as it is."""
    return "\n".join(p.read_text() for p in (ROOT / "course_lib").rglob("*.py")
                     if "bank" not in p.relative_to(ROOT).parts)


def _arrays(value):
    import numpy as np

    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, tuple):
        for v in value:
            yield from _arrays(v)


def test_no_hidden_case_in_the_release(released):
    from course_lib.grading.exercises import bank, databank

    out, _ = released
    stored = databank.DataBank(out / release.BANK / "public_bank.json").all_exercises()
    released_labels = {c.label for ex in stored for c in ex.public}
    released_arrays = {a.tobytes() for ex in stored for c in ex.public for a in _arrays(c.args)}
    blobs = [p.read_bytes() for p in out.rglob("*") if p.is_file()]
    public_arrays = {a.tobytes() for ex in bank.all_exercises() for c in ex.public for a in _arrays(c.args)}
    hidden = [c for ex in bank.all_exercises() for c in ex.hidden]
    checked = 0
    for case in hidden:
        assert case.label not in released_labels, case.label
        for array in _arrays(case.args):
            data = array.tobytes()
            if data in public_arrays or array.size < 4:  # public numbers too, or too few to tell
                continue
            assert data not in released_arrays, case.label
            assert not any(data in blob for blob in blobs), case.label
            checked += 1
    assert len(hidden) >= 80 and checked >= 120  # workbook v3's bank: 85 hidden cases, 131 arrays in them


def test_the_data_bank_keeps_every_public_case_and_output(released):
    from course_lib.grading.exercises import bank, databank, model, plain
    from course_lib.grading.judging import judge
    out, _ = released
    stored = {ex.id: ex for ex in databank.DataBank(out / release.BANK / "public_bank.json").all_exercises()}
    assert list(stored) == [ex.id for ex in bank.all_exercises()]
    for ex in bank.all_exercises():
        copy = stored[ex.id]
        assert (copy.notebook, copy.answer, copy.kind, copy.points, copy.title, copy.output_names, copy.rtol,
                copy.atol, copy.forbidden) == (ex.notebook, ex.answer, ex.kind, ex.points, ex.title,
                                               ex.output_names, ex.rtol, ex.atol, ex.forbidden)
        named = isinstance(ex.judge, plain.NamedJudge)  # an outcome judge ships by name, with its case arguments
        assert copy.hidden == () and (copy.judge is None) == (ex.kind == "function" and not named)
        assert [m.name for m in copy.mistakes] == [m.name for m in ex.mistakes]
        for case, original in zip(copy.public, ex.public):
            assert case.label == original.label
            expected = model.expected_output(ex, original)
            if named:  # no expected value is stored (an example answer would be a solution); the judge is the same
                assert copy.judge == ex.judge and databank.encode_args(case.args) == databank.encode_args(original.args)
                assert judge.judge_output(copy, case, expected).passed
                continue
            if ex.kind == "value":  # judged by fingerprint: the right value passes, no value is stored
                assert judge.judge_output(copy, case, expected).passed
                with pytest.raises(LookupError):
                    model.expected_output(copy, case)
            else:
                assert plain.compare(expected, model.expected_output(copy, case), rtol=0, atol=0).passed
            for mistake, real in zip(copy.mistakes, ex.mistakes):
                if ex.kind == "value":  # fingerprinted: the judge names the mistake
                    wrong = databank._mistake_output(ex, real, original)
                    verdict = judge.judge_output(copy, case, wrong)
                    assert (wrong is None or judge.judge_output(ex, original, wrong).passed
                            or real.hint in verdict.message)
                    continue
                mine = databank._mistake_output(copy, mistake, case)
                theirs = databank._mistake_output(ex, real, original)
                assert mistake.hint == real.hint and (mine is None) == (theirs is None)
                assert mine is None or plain.compare(theirs, mine, rtol=0, atol=0, equal_nan=True).passed


CHECK_IN_RELEASE = r"""
import pathlib, sys
import numpy as np
import course_lib
from course_lib.grading.exercises import bank, model, plain
from course_lib.grading.judging import judge, mistakes
from course_lib.grading import check
assert pathlib.Path(course_lib.__file__).resolve().is_relative_to(pathlib.Path(sys.argv[1]).resolve())
for ex in bank.all_exercises():
    if ex.kind == "value":  # the released bank holds no value answer to pass back
        continue
    result = check(ex.id, ex.reference)
    # (the lookup standing in for the reference loops over stored cases: count cases, not loop-freedom)
    assert result.passed == result.total == len(ex.public), ex.id
    for mistake in ex.mistakes:
        for case in ex.public:
            args = () if ex.kind == "value" else model.resolve_args(case.args)
            try:
                wrong = plain.to_plain(mistake.implementation(*args))
            except Exception:
                continue
            if not judge.judge_output(ex, case, wrong).passed:
                assert mistakes.diagnose(ex, case, wrong) is not None, (ex.id, mistake.name)
def correct_class_scores(scores, y):
    return scores[np.arange(len(y)), y]
def row_maxima(scores, y):
    return scores.max(axis=1)
def best_constant(targets, kind):
    t = np.sort(targets)
    return float(t.mean()) if kind == "squared" else (float(t[(len(t) - 1) // 2]), float(t[len(t) // 2]))
def stub(scores, y):
    raise NotImplementedError()
def squared_error_loss(pred, target):
    return float(((pred - target) ** 2).sum() / len(pred)), 2 * (pred - target) / len(pred)
print("---")
assert check("correct_class_scores", correct_class_scores).all_passed
assert check("best_constant", best_constant).all_passed
assert check("squared_error", squared_error_loss).all_passed
assert check("cat_hinge_loss", 2.9).all_passed
assert not check("correct_class_scores", row_maxima)
assert not check("cat_hinge_loss", 3.9)
assert not check("correct_class_scores", stub).attempted
"""


def test_check_works_in_the_release_from_the_data_bank(released):
    out, _ = released
    done = subprocess.run([sys.executable, "-c", CHECK_IN_RELEASE, str(out)], cwd=out, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(out)})
    assert done.returncode == 0, done.stderr
    report = done.stdout.split("---", 1)[1]
    public = len(bank.get("correct_class_scores").public)
    assert report.count(f"✓ correct_class_scores: {public} of {public} public tests passed") == 1
    assert "✓ best_constant: 3 of 3" in report and "✓ squared_error: 2 of 2" in report
    assert "which need not be the highest" in report  # the row_maxima mistake's own hint
    assert "the correct class (cat) would add" in " ".join(report.split())  # a hint, however wrapped
    assert "correct_class_scores: not attempted yet" in report and done.stderr == ""


def test_a_file_no_longer_released_is_removed_unless_edited(tmp_path):
    root, out = _fake_source(tmp_path), tmp_path / "copy"
    for name in ("old.py", "mine.py"):
        (root / "course_lib" / name).write_text("x = 1\n")
    make_release(out, root=root)
    (out / "course_lib" / "mine.py").write_text("x = 2  # my edit\n")
    for name in ("old.py", "mine.py"):
        (root / "course_lib" / name).unlink()
    report = make_release(out, root=root)
    assert report.removed == ["course_lib/old.py"] and not (out / "course_lib" / "old.py").exists()
    assert (out / "course_lib" / "mine.py").read_text() == "x = 2  # my edit\n"
    assert "1 no longer released removed" in report.summary()
    manifest = json.loads((out / release.MANIFEST).read_text())["files"]
    assert "course_lib/old.py" not in manifest and "course_lib/mine.py" not in manifest
