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
from gradescope_py310 import layout as _layout  # the simulated Gradescope layout, one definition

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


# --- an assignment's bundle (issue 25) -----------------------------------------------------------------------

GRADESCOPE_TEST_KEYS = {"score", "max_score", "status", "name", "number", "output", "output_format", "tags",
                        "visibility", "extra_data"}
GRADESCOPE_TOP_KEYS = {"score", "execution_time", "output", "output_format", "visibility", "stdout_visibility",
                       "extra_data", "tests", "leaderboard"}


def check_gradescope_fields(results: dict) -> None:
    """``results`` holds only Gradescope's documented fields, each of the documented type and value set."""
    assert set(results) <= GRADESCOPE_TOP_KEYS, set(results) - GRADESCOPE_TOP_KEYS
    assert isinstance(results["score"], (int, float)) and isinstance(results["output"], str)
    assert results.get("visibility", "visible") in {"hidden", "after_due_date", "after_published", "visible"}
    assert results.get("stdout_visibility", "hidden") in {"hidden", "after_due_date", "after_published", "visible"}
    for test in results["tests"]:
        assert set(test) <= GRADESCOPE_TEST_KEYS, set(test) - GRADESCOPE_TEST_KEYS
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in {"passed", "failed"}
        assert test["visibility"] in {"hidden", "after_due_date", "after_published", "visible"}
        assert test["output_format"] in {"text", "html", "md", "ansi", "simple_format"}
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))


@pytest.fixture(scope="module")
def bundle_of_00(tmp_path_factory):
    path = tmp_path_factory.mktemp("bundle00") / "autograder.zip"
    assert main(["gradescope", "--notebooks", "00", "--out", str(path)]) == 0
    return path


def test_an_assignment_bundle_names_its_notebooks(bundle_of_00):
    with zipfile.ZipFile(bundle_of_00) as archive:
        script = archive.read("run_autograder").decode()
        course = json.loads(archive.read("course.json"))
    assert "--notebooks 00_start_here" in script and '--config "$HERE/course.json"' in script
    assert set(course) == {"scoring", "assignments"}


def test_an_assignment_bundle_grades_only_its_notebooks(tmp_path, bundle_of_00):
    """Notebook 00 is graded; notebook 01 in the same upload earns nothing and its line says so."""
    other = NOTEBOOK.parent / "01_linear_classifier_recap.ipynb"
    root = _layout(tmp_path, bundle_of_00, {"00_start_here.ipynb": NOTEBOOK.read_bytes(),
                                            "extra/01_linear_classifier_recap.ipynb": other.read_bytes()})
    done = _run_autograder(root)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    check_gradescope_fields(results)
    ours = bank.for_notebook("00_start_here")
    assert results["score"] == sum(ex.points for ex in ours)
    assert [t["tags"][0] for t in results["tests"]] == [ex.id for ex in ours]
    assert ("notebook 01_linear_classifier_recap is not part of this assignment (it grades 00_start_here): it "
            "earns nothing here") in results["output"]


def test_an_assignment_bundle_scores_a_missing_notebook_0(tmp_path, bundle_of_00):
    """The upload holds another notebook only: it earns nothing, and each exercise of 00 is listed at 0."""
    other = NOTEBOOK.parent / "01_linear_classifier_recap.ipynb"
    root = _layout(tmp_path, bundle_of_00, {"01_linear_classifier_recap.ipynb": other.read_bytes()})
    done = _run_autograder(root)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    check_gradescope_fields(results)
    ours = bank.for_notebook("00_start_here")
    assert results["score"] == 0
    assert [(t["tags"][0], t["score"], t["max_score"]) for t in results["tests"]] == \
        [(ex.id, 0, ex.points) for ex in ours]
    assert ("no file of the upload was graded as notebook 00_start_here (expected 00_start_here.ipynb): it scores 0"
            in results["output"])
    assert "is not part of this assignment" in results["output"]


def test_an_unknown_notebook_or_assignment_is_one_line(tmp_path, capsys):
    assert main(["gradescope", "--notebooks", "99", "--out", str(tmp_path / "a.zip")]) == 2
    assert "'99' names no notebook of this workbook" in capsys.readouterr().err
    assert main(["gradescope", "--assignment", "hw9", "--out", str(tmp_path / "a.zip")]) == 2
    assert "no assignment 'hw9'" in capsys.readouterr().err
    assert not (tmp_path / "a.zip").exists()


def test_an_assignment_from_the_course_config(tmp_path):
    config = tmp_path / "course.toml"
    config.write_text('[assignments]\nhw1 = ["00", "01_linear_classifier_recap"]\n'
                      '[scoring.exercises.' + bank.for_notebook("00_start_here")[0].id + ']\npolicy = "per-case"\n')
    assert main(["gradescope", "--config", str(config), "--assignment", "hw1", "--out", str(tmp_path / "a.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert "--notebooks 00_start_here 01_linear_classifier_recap" in archive.read("run_autograder").decode()
        course = json.loads(archive.read("course.json"))
    assert list(course["scoring"]["exercises"].values())[0]["policy"] == "per-case"


# --- the assignment's bundle on a simulated Gradescope: Python 3.10, no bubblewrap, root and an ordinary user ---

@pytest.fixture(scope="module")
def gradescope_310(bundle_of_00):
    """A world-readable Python 3.10 venv into which the bundle's setup.sh installed its requirements."""
    import gradescope_py310 as sim

    interpreter = sim.find_python310()
    if interpreter is None:
        pytest.skip("no Python 3.10 on this machine (Gradescope's images run 3.10); set COURSE_LIB_PYTHON310")
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("the simulation runs setup.sh as root and run_autograder as another user (setpriv)")
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="course_lib_gs310_", dir="/tmp"))  # pytest's own is 0700: not for a user
    base.chmod(0o755)
    copy = sim.interpreter_folder()
    try:
        venv = sim.python310(base, interpreter, copy)
        done_setup, _, _ = sim.simulate(base / "setup", venv, bundle_of_00, {}, as_user=False)
        assert done_setup.returncode == 0, done_setup.stderr[-3000:]
        yield sim, base, venv
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("as_user", [False, True], ids=["root", "user"])
def test_the_assignment_bundle_on_a_simulated_gradescope(gradescope_310, bundle_of_00, as_user):
    """setup.sh then run_autograder, Python 3.10, no bwrap on the PATH: graded confined, only notebook 00 counts."""
    sim, base, venv = gradescope_310
    other = NOTEBOOK.parent / "01_linear_classifier_recap.ipynb"
    _, done, results = sim.simulate(base / ("user" if as_user else "root"), venv, bundle_of_00,
                                    {"00_start_here.ipynb": NOTEBOOK.read_bytes(),
                                     "01_linear_classifier_recap.ipynb": other.read_bytes()}, as_user, install=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert results is not None, done.stderr[-3000:]
    check_gradescope_fields(results)
    assert results["extra_data"]["isolation"]["mode"] == "confined"  # no bubblewrap: the fallback, never refused
    ours = bank.for_notebook("00_start_here")
    assert results["score"] == sum(ex.points for ex in ours)
    assert [(t["tags"][0], t["status"]) for t in results["tests"]] == [(ex.id, "passed") for ex in ours]
    assert "notebook 01_linear_classifier_recap is not part of this assignment" in results["output"]


def test_for_assignment_keeps_its_notebooks_and_adds_the_missing_ones():
    from course_lib.grading.judging.results import SubmissionResult

    rows = [("mine", SubmissionResult("00_start_here", "ok", "", [], 2.0)),
            ("other", SubmissionResult("01_linear_classifier_recap", "ok", "", [], 3.0)),
            ("broken", SubmissionResult("", "too large", "over 20 MB"))]
    out = dict(gradescope.for_assignment(rows, ("00_start_here", "03_multiclass_svm")))
    assert out["mine"] is rows[0][1]
    assert (out["other"].status, out["other"].max_score) == ("not in this assignment", 0.0)
    assert out["broken"].status == "too large"
    missing = out["03_multiclass_svm"]
    svm = bank.for_notebook("03_multiclass_svm")
    assert (missing.status, missing.score, missing.max_score) == ("missing notebook", 0, sum(e.points for e in svm))
    assert [(e.id, e.status, e.score) for e in missing.exercises] == [(e.id, "missing", 0) for e in svm]
    assert gradescope.for_assignment(rows, ()) is rows  # no assignment: every notebook counts
