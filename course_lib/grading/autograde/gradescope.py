"""A Gradescope autograder bundle: ``python -m course_lib gradescope --out autograder.zip``.

The zip holds, at its root:

- ``setup.sh``: installs the grader's runtime requirements (Gradescope runs it once, as
  root, when the bundle is uploaded);
- ``requirements.txt``: course_lib's runtime dependencies (from ``pyproject.toml``);
- ``course_lib/``: this package as the instructor has it, **hidden tests included**
  (the bundle never reaches students);
- ``run_autograder``: grades every ``*.ipynb`` of ``$ROOT/submission`` with the same code
  as ``python -m course_lib grade`` and writes ``$ROOT/results/results.json``.
  ``ROOT`` is ``/autograder`` unless the environment sets ``AUTOGRADER_ROOT`` (for a
  local trial on a fake layout); ``AUTOGRADER_PYTHON`` picks the interpreter.

Several notebooks in one submission give one test per exercise of each.

An assignment's bundle (``--notebooks 03 05``, or ``--assignment NAME`` from the course's
``course.toml``) grades only those notebooks: another notebook in the upload earns nothing and its
line in the results says so; a notebook of the assignment missing from the upload scores 0 on each of
its exercises, with a line that says which file was expected. The course's settings (its scoring
overrides) travel in the bundle as ``course.json``, read without ``tomllib`` (Gradescope's Python 3.10).

Gradescope's containers cannot start bubblewrap (Docker refuses new user namespaces): student code
then runs confined (:mod:`.isolation`: its own uid, seccomp, Landlock), or, where the kernel lacks
what that needs, the submission is not graded and ``results.json`` says why, unless the bundle was
built with ``--unsafe-no-sandbox``. Every ``results.json`` says which isolation it got, in its
``output`` and in ``extra_data.isolation``.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

from course_lib._paths import check_folder
from course_lib.grading.exercises import course_config
from course_lib.grading.exercises.course_config import CourseConfig
from course_lib.grading.judging.results import SubmissionResult
from course_lib.grading.reports import outputs

PACKAGE_DIR = Path(__file__).resolve().parents[2]
PROJECT_DIR = PACKAGE_DIR.parent

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when the autograder is built: install the grader's dependencies.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m pip install --quiet --no-cache-dir -r requirements.txt
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for each submission: grade $ROOT/submission/*.ipynb into
# $ROOT/results/results.json with the course_lib vendored next to this script.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-python3}"
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE"
# Gradescope's containers cannot start bubblewrap (no user namespaces): student code then runs confined, as an
# unprivileged uid, and nothing of the autograder (hidden tests, sources, the submission) may be readable by it.
if [ "$(id -u)" = 0 ]; then chmod -R go-rwx "$ROOT" "$HERE" 2>/dev/null || true; fi
export PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}"
exec "$PYTHON" -m course_lib gradescope --autograde "$ROOT" --config "$HERE/course.json"{notebooks} {unsafe}
"""
COURSE_JSON = "course.json"


def _requirements() -> str:
    from course_lib.grading.release.build import (
        project_metadata,  # tomllib / tomli, or importlib.metadata on Python 3.10
    )

    dependencies = project_metadata(PROJECT_DIR)["dependencies"]
    return "# course_lib's runtime dependencies (from pyproject.toml)\n" + "\n".join(dependencies) + "\n"


def _package_files():
    for path in sorted(PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(PACKAGE_DIR.parent)
        if path.is_file() and "__pycache__" not in relative.parts and path.suffix not in (".pyc", ".pyo"):
            yield path, relative.as_posix()


def run_autograder_script(unsafe: bool, notebooks: tuple) -> str:
    """The bundle's ``run_autograder``: the course's settings, the assignment's notebooks, the sandbox flag."""
    listed = "".join(f" {stem}" for stem in notebooks)
    return (RUN_AUTOGRADER.replace("{notebooks}", f" --notebooks{listed}" if notebooks else "")
            .replace(" {unsafe}", " --unsafe-no-sandbox" if unsafe else ""))


def build_bundle(out_zip, force: bool = False, unsafe: bool = False, course: CourseConfig | None = None,
                 notebooks: tuple = ()) -> Path:
    """Write the autograder zip to ``out_zip`` (an existing file is kept unless ``force``).

    ``unsafe``: its ``run_autograder`` passes ``--unsafe-no-sandbox`` (grade even where nothing isolates
    student code; each ``results.json`` then says what was not covered). ``course``: the course's settings,
    carried as ``course.json``. ``notebooks``: the assignment's notebook stems (empty: every notebook).
    """
    course = course or CourseConfig()
    out_zip = Path(out_zip)
    if out_zip.is_dir():
        raise ValueError(f"--out: expected the path of a .zip file, but {out_zip} is a folder")
    check_folder(out_zip.parent, "--out")
    if out_zip.exists() and not force:
        raise ValueError(f"--out: {out_zip} exists; pass --force to replace it")
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=out_zip.parent, prefix=".tmp_", suffix=".zip")
    os.close(handle)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            run_autograder = run_autograder_script(unsafe, tuple(notebooks))
            for name, text in (("setup.sh", SETUP_SH), ("run_autograder", run_autograder)):
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                info.external_attr = 0o755 << 16
                bundle.writestr(info, text)
            bundle.writestr(zipfile.ZipInfo("requirements.txt", date_time=(2024, 1, 1, 0, 0, 0)), _requirements())
            bundle.writestr(zipfile.ZipInfo(COURSE_JSON, date_time=(2024, 1, 1, 0, 0, 0)),
                            json.dumps(course.to_json(), indent=1, sort_keys=True) + "\n")
            for path, name in _package_files():
                bundle.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), path.read_bytes())
        os.replace(tmp, out_zip)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out_zip


def one_per_notebook(rows: list) -> list:
    """``rows`` of ``(name, result)`` with at most one graded file per notebook: the others get the status
    ``duplicate`` and 0 (a submission cannot score a notebook twice)."""
    from course_lib.grading.statuses import SubmissionStatus
    seen, out = {}, []
    for name, result in sorted(rows, key=lambda row: (row[1].notebook not in row[0], row[0])):
        if result.status == SubmissionStatus.OK and result.notebook in seen:
            result = SubmissionResult(result.notebook, SubmissionStatus.DUPLICATE,
                                             f"another file of this submission ({seen[result.notebook]}) is "
                                             f"already graded as {result.notebook}; this one is not counted",
                                             [], result.max_score, result.isolation)
        elif result.status == SubmissionStatus.OK:
            seen[result.notebook] = name
        out.append((name, result))
    return sorted(out, key=lambda row: row[0])


def for_assignment(rows: list, notebooks: tuple) -> list:
    """``rows`` of ``(name, result)`` limited to the assignment's ``notebooks`` (empty: all of them).

    A graded notebook of another assignment gets the status ``not in this assignment`` and nothing; each
    notebook of the assignment that no file of the upload is gets a row ``missing notebook`` whose exercises
    all score 0 (so that the results list them and their points).
    """
    from course_lib.grading.exercises.bank import for_notebook
    from course_lib.grading.judging.results import ExerciseResult
    from course_lib.grading.statuses import Status, SubmissionStatus

    if not notebooks:
        return rows
    wanted = ", ".join(notebooks)
    out, present = [], set()
    for name, result in rows:
        if result.status == SubmissionStatus.OK and result.notebook not in notebooks:
            result = SubmissionResult(result.notebook, SubmissionStatus.NOT_IN_ASSIGNMENT,
                                      f"notebook {result.notebook} is not part of this assignment (it grades "
                                      f"{wanted}): it earns nothing here", [], 0.0, result.isolation)
        elif result.status in (SubmissionStatus.OK, SubmissionStatus.DUPLICATE):
            present.add(result.notebook)
        out.append((name, result))
    for stem in notebooks:
        if stem in present:
            continue
        exercises = for_notebook(stem)
        line = f"no file of the upload was graded as notebook {stem} (expected {stem}.ipynb): it scores 0"
        out.append((stem, SubmissionResult(stem, SubmissionStatus.MISSING_NOTEBOOK, line, [
            ExerciseResult(ex.id, ex.title, float(ex.points), 0.0, Status.MISSING, message=line) for ex in exercises],
            float(sum(ex.points for ex in exercises)))))
    return out


def _not_isolated(why: str) -> dict:
    return {"score": 0.0, "output_format": "text", "visibility": "visible", "tests": [],
            "output": "Not graded: the autograder could not isolate student code on this machine, so it did not run "
                      "your notebook. Your instructor has to fix the autograder; your submission is kept.\n"
                      f"({why})",
            "extra_data": {"isolation": {"mode": "refused", "summary": why}}}


def autograde(root, unsafe: bool = False, notebooks: tuple = (), course: CourseConfig | None = None) -> dict:
    """Grade ``root/submission`` into ``root/results/results.json``; returns the results.

    Where nothing isolates student code (and not ``unsafe``), nothing is graded and the results say why.
    ``notebooks``: the assignment's notebook stems (:func:`for_assignment`; empty: every notebook uploaded);
    ``course``: the course's settings (its scoring overrides).
    """
    from course_lib.grading.autograde import batch, isolation

    root = Path(root)
    uploaded = sorted(p for p in (root / "submission").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    try:
        mode = isolation.choose(unsafe)
    except isolation.IsolationRefused as exc:
        results = _not_isolated(str(exc))
    else:
        if not uploaded:
            results = {"score": 0.0, "output": "No .ipynb file was found in the submission: upload your notebook.",
                       "output_format": "text", "visibility": "visible", "tests": []}
            if notebooks:
                results = _merged(for_assignment([], notebooks))
                results["output"] = "No .ipynb file was found in the submission: upload your notebook.\n" + \
                    results["output"]
        else:
            with tempfile.TemporaryDirectory(prefix="course_lib_gradescope_") as out:
                rows = one_per_notebook(batch.grade_batch(uploaded, Path(out) / "grading", progress=False,
                                                          unsafe=unsafe, course=course))
            results = _merged(for_assignment(rows, notebooks))
        results["output"] += f"\n(isolation: {mode})"
        results.setdefault("extra_data", {})["isolation"] = mode.to_json()
    outputs.atomic_write(str(root / "results" / "results.json"), outputs.gradescope_json_text(results))
    return results


def _merged(rows: list) -> dict:
    results = outputs.merge_gradescope([outputs.gradescope_results(result, name) for name, result in rows])
    return {**results, "tests": list(results["tests"])}


def add_arguments(parser) -> None:
    parser.add_argument("--out", type=Path, help="where to write the bundle (e.g. autograder.zip)")
    parser.add_argument("--force", action="store_true", help="replace an existing bundle")
    parser.add_argument("--autograde", type=Path, metavar="ROOT",
                        help="grade ROOT/submission into ROOT/results/results.json (what run_autograder does)")
    parser.add_argument("--unsafe-no-sandbox", dest="unsafe", action="store_true",
                        help="grade even where nothing isolates student code (with --out: the bundle does so)")
    parser.add_argument("--notebooks", nargs="+", default=(), metavar="NOTEBOOK",
                        help="grade only these notebooks (a number such as 03, or a stem such as 03_multiclass_svm)")
    parser.add_argument("--assignment", default=None, metavar="NAME",
                        help="grade only the notebooks of this assignment of the course config's [assignments]")
    parser.add_argument("--config", type=Path, default=None,
                        help=f"the course's settings (default: {course_config.FILE_NAME} beside notebooks/ if it "
                             f"exists); the bundle carries them")


def assignment_notebooks(course: CourseConfig, names, assignment: str | None) -> tuple:
    """The notebook stems to grade: ``--notebooks`` or the course's ``--assignment`` (not both); () for all."""
    from course_lib.grading.exercises.bank import all_exercises

    if names and assignment:
        raise ValueError("--notebooks and --assignment: give one of them, not both")
    if assignment is not None:
        if assignment not in course.assignments:
            known = ", ".join(sorted(course.assignments)) or "none"
            raise ValueError(f"--assignment: no assignment {assignment!r} in {course.source or 'the course config'} "
                             f"(its assignments: {known})")
        return tuple(course.assignments[assignment])
    return course_config.notebook_stems(names, sorted({ex.notebook for ex in all_exercises()}))


def run(args) -> int:
    course = course_config.load(args.config, PROJECT_DIR)
    notebooks = assignment_notebooks(course, args.notebooks, args.assignment)
    if args.autograde is not None:
        results = autograde(args.autograde, args.unsafe, notebooks, course)
        print(f"graded with course_lib from {PACKAGE_DIR}: score {results['score']:g}")
        return 0
    if args.out is None:
        raise ValueError("--out: expected the path of the bundle to write (e.g. --out autograder.zip)")
    path = build_bundle(args.out, args.force, args.unsafe, course, notebooks)
    graded = ", ".join(notebooks) if notebooks else "every notebook uploaded"
    print(f"wrote {path}: grades {graded}; upload it as the Gradescope autograder (Ubuntu image, Python 3.10+)")
    return 0

