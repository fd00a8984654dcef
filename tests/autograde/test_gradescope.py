"""The Gradescope bundle: its layout, and its run_autograder on a fake /autograder folder."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from course_lib.cli import main
from course_lib.grading.autograde import gradescope
from course_lib.grading.exercises import bank
from course_lib.grading.release.build import student_notebook

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "00_start_here.ipynb"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    path = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    assert gradescope.run(_args(out=path)) == 0
    return path


def _args(**kwargs):
    import argparse

    parser = argparse.ArgumentParser()
    gradescope.add_arguments(parser)
    argv = []
    for key, value in kwargs.items():
        argv += [f"--{key}"] + ([] if value is True else [str(value)])
    return parser.parse_args(argv)


def _layout(tmp_path: Path, bundle: Path, submission_files: dict) -> Path:
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # zipfile does not restore permissions
            mode = info.external_attr >> 16
            if mode:
                os.chmod(root / "source" / info.filename, mode)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for name, data in submission_files.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_bytes(data)
    return root


def _run_autograder(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)
    return subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=180, cwd=root)


def test_bundle_layout(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        assert {"setup.sh", "run_autograder", "requirements.txt", "course_lib/__init__.py",
                "course_lib/grading/autograde/grade.py", "course_lib/grading/autograde/worker.py"} <= names
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
        assert (archive.getinfo("run_autograder").external_attr >> 16) & stat.S_IXUSR
        assert "numpy" in archive.read("requirements.txt").decode()
        # the instructor's bank, hidden tests included
        assert b"### BEGIN HIDDEN TESTS" in archive.read("course_lib/grading/exercises/bank/nb00.py")


def test_an_existing_bundle_is_not_overwritten(bundle):
    before = bundle.read_bytes()
    assert main(["gradescope", "--out", str(bundle)]) == 2
    assert bundle.read_bytes() == before


def test_run_autograder_grades_a_submission(tmp_path, bundle):
    root = _layout(tmp_path, bundle, {"00_start_here.ipynb": NOTEBOOK.read_bytes()})
    done = _run_autograder(root)
    assert done.returncode == 0, done.stderr
    assert f"course_lib from {root / 'source' / 'course_lib'}" in done.stdout  # the vendored copy graded
    results = json.loads((root / "results" / "results.json").read_text())
    total = sum(ex.points for ex in bank.for_notebook("00_start_here"))
    assert results["score"] == total
    assert len(results["tests"]) == len(bank.for_notebook("00_start_here"))
    for test in results["tests"]:
        assert test["score"] == test["max_score"] and test["status"] == "passed"
        assert test["visibility"] == "visible" and test["output"]


def test_run_autograder_merges_several_notebooks_with_fixtures(tmp_path, bundle):
    """Two notebooks in one submission (one passes trusted functions as arguments): one test per exercise."""
    second = NOTEBOOK.parent / "08_gradients.ipynb"
    if not bank.for_notebook("08_gradients") or not second.exists():
        pytest.skip("notebook 08 (exercises with fixtures) is not in the workbook yet")
    root = _layout(tmp_path, bundle, {"a/00_start_here.ipynb": NOTEBOOK.read_bytes(),
                                      "b/08_gradients.ipynb": second.read_bytes()})
    done = _run_autograder(root)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    exercises = bank.for_notebook("00_start_here") + bank.for_notebook("08_gradients")
    assert results["score"] == sum(ex.points for ex in exercises)
    assert [t["number"] for t in results["tests"]] == [str(k) for k in range(1, len(exercises) + 1)]


def test_run_autograder_on_a_blank_notebook_and_a_stray_file(tmp_path, bundle):
    blank = student_notebook(nbformat.read(NOTEBOOK, as_version=4))
    root = _layout(tmp_path, bundle, {"mine.ipynb": nbformat.writes(blank).encode(), "notes.txt": b"hello"})
    done = _run_autograder(root)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0
    assert {t["status"] for t in results["tests"]} == {"failed"}
    assert all("not attempted" in t["output"] for t in results["tests"])


def test_run_autograder_without_a_notebook(tmp_path, bundle):
    root = _layout(tmp_path, bundle, {"answers.pdf": b"%PDF-1.4"})
    done = _run_autograder(root)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "No .ipynb" in results["output"]
    shutil.rmtree(root)
