"""The student's install: the graded release, installed non-editable into a fresh virtual environment.

One slow test (about a minute on 2 cores), offline: the new environment gets its dependencies from
this one (a ``.pth`` file naming this environment's site-packages, so nothing is downloaded), and
course_lib itself is installed from the release folder with ``pip install --no-deps --no-index
--no-build-isolation``, as a student's ``pip install .`` would: package data (the data bank, the
digits, ``_release.json``) and the ``course-lib`` console script must come with it. Then notebook 00
and the capstone run in a kernel of that environment with the student's answers filled in (the
source notebooks' solutions), the capstone's classifier trained on the student's own loss, penalty
and update rule.
"""

from __future__ import annotations

import os
import site
import subprocess
import venv
from pathlib import Path

import nbformat
import pytest
from test_graded_release import SOURCES, fill_in
from test_start import listed_commands

from course_lib.grading.exercises import bank
from course_lib.grading.release.build import release as make_release

EXECUTE = r"""
import json, pathlib, sys
import nbformat
from nbclient import NotebookClient
path = pathlib.Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
print(json.dumps({"printed": printed}))
"""

WHERE = r"""
import json, course_lib
from course_lib.answers import release_mode
from course_lib.grading.exercises import bank
import course_lib as cl
print(json.dumps({"file": course_lib.__file__, "mode": release_mode(), "exercises": len(bank.all_exercises()),
                  "digits": cl.load_digits().X_train.shape[0], "pretrained": cl.load_pretrained("hard_cases_W").shape}))
"""


def _python(env_dir: Path) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"


@pytest.mark.slow
def test_the_student_install_runs_notebook_00_and_the_capstone_on_the_students_answers(tmp_path):
    import json

    out = tmp_path / "student"
    make_release(out)
    for source in SOURCES:
        fill_in(out, source.stem)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = _python(env_dir)
    target = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    # the dependencies: this environment's, by path (offline); course_lib is not among them
    (Path(target) / "course_lib_test_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COURSE_LIB_NOTEBOOKS",
                                                               "COURSE_LIB_SANDBOX", "VIRTUAL_ENV")}
    done = subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--no-build-isolation",
                           str(out)], capture_output=True, text=True, env=clean, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]

    where = subprocess.run([python, "-c", WHERE], capture_output=True, text=True, env=clean, cwd=out / "notebooks")
    assert where.returncode == 0, where.stderr[-3000:]
    facts = json.loads(where.stdout)
    assert Path(facts["file"]).is_relative_to(Path(target)), facts  # installed, not the release's folder
    assert facts["mode"] == "graded" and facts["exercises"] == len(bank.all_exercises()) and facts["digits"] == 1077
    assert facts["pretrained"] == [3, 3, 2]  # pretrained.npz is package data of the installed release
    script = env_dir / "bin" / "course-lib"
    helped = subprocess.run([script, "--help"], capture_output=True, text=True, env=clean)
    assert helped.returncode == 0 and listed_commands(helped.stdout) == {"start"}, helped.stdout + helped.stderr
    refused = subprocess.run([script, "release", "--out", str(tmp_path / "x")], capture_output=True, text=True,
                             env=clean)
    assert refused.returncode == 2 and "`course-lib release` is an instructor command" in refused.stderr, \
        refused.stderr
    assert refused.stderr.count("\n") == 1 and not (tmp_path / "x").exists()

    for stem in ("00_start_here", "11_capstone_digits"):
        run = subprocess.run([python, "-c", EXECUTE, str(out / "notebooks" / f"{stem}.ipynb")],
                             capture_output=True, text=True, env=clean, cwd=tmp_path, timeout=600)
        assert run.returncode == 0, (stem, run.stderr[-3000:])
        printed = json.loads(run.stdout.strip().splitlines()[-1])["printed"]
        for exercise in bank.for_notebook(stem):  # every check cell passes (notebook 00 also demonstrates a ✗)
            assert f"✓ {exercise.id}: " in printed, (stem, exercise.id, printed[-2000:])
        assert "(skipped:" not in printed and "AnswerMissing" not in printed, (stem, printed[-2000:])
    nb = nbformat.read(out / "notebooks" / "11_capstone_digits.ipynb", as_version=4)
    assert nb.cells  # the student's notebook is read, never rewritten by the run
