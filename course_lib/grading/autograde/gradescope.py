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

Gradescope's containers cannot start bubblewrap (Docker refuses new user namespaces): student code
then runs confined (:mod:`.isolation`: its own uid, seccomp, Landlock), or, where the kernel lacks
what that needs, the submission is not graded and ``results.json`` says why, unless the bundle was
built with ``--unsafe-no-sandbox``. Every ``results.json`` says which isolation it got, in its
``output`` and in ``extra_data.isolation``.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from course_lib._paths import check_folder
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
exec "$PYTHON" -m course_lib gradescope --autograde "$ROOT" {unsafe}
"""


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


def build_bundle(out_zip, force: bool = False, unsafe: bool = False) -> Path:
    """Write the autograder zip to ``out_zip`` (an existing file is kept unless ``force``).

    ``unsafe``: its ``run_autograder`` passes ``--unsafe-no-sandbox`` (grade even where nothing isolates
    student code; each ``results.json`` then says what was not covered).
    """
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
            run_autograder = RUN_AUTOGRADER.replace(" {unsafe}", " --unsafe-no-sandbox" if unsafe else "")
            for name, text in (("setup.sh", SETUP_SH), ("run_autograder", run_autograder)):
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                info.external_attr = 0o755 << 16
                bundle.writestr(info, text)
            bundle.writestr(zipfile.ZipInfo("requirements.txt", date_time=(2024, 1, 1, 0, 0, 0)), _requirements())
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


def _not_isolated(why: str) -> dict:
    return {"score": 0.0, "output_format": "text", "visibility": "visible", "tests": [],
            "output": "Not graded: the autograder could not isolate student code on this machine, so it did not run "
                      "your notebook. Your instructor has to fix the autograder; your submission is kept.\n"
                      f"({why})",
            "extra_data": {"isolation": {"mode": "refused", "summary": why}}}


def autograde(root, unsafe: bool = False) -> dict:
    """Grade ``root/submission`` into ``root/results/results.json``; returns the results.

    Where nothing isolates student code (and not ``unsafe``), nothing is graded and the results say why.
    """
    from course_lib.grading.autograde import batch, isolation

    root = Path(root)
    notebooks = sorted(p for p in (root / "submission").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    try:
        mode = isolation.choose(unsafe)
    except isolation.IsolationRefused as exc:
        results = _not_isolated(str(exc))
    else:
        if not notebooks:
            results = {"score": 0.0, "output": "No .ipynb file was found in the submission: upload your notebook.",
                       "output_format": "text", "visibility": "visible", "tests": []}
        else:
            with tempfile.TemporaryDirectory(prefix="course_lib_gradescope_") as out:
                rows = one_per_notebook(batch.grade_batch(notebooks, Path(out) / "grading", progress=False,
                                                          unsafe=unsafe))
            results = outputs.merge_gradescope([outputs.gradescope_results(result, name) for name, result in rows])
        results["output"] += f"\n(isolation: {mode})"
        results.setdefault("extra_data", {})["isolation"] = mode.to_json()
    outputs.atomic_write(str(root / "results" / "results.json"), outputs.gradescope_json_text(results))
    return results


def add_arguments(parser) -> None:
    parser.add_argument("--out", type=Path, help="where to write the bundle (e.g. autograder.zip)")
    parser.add_argument("--force", action="store_true", help="replace an existing bundle")
    parser.add_argument("--autograde", type=Path, metavar="ROOT",
                        help="grade ROOT/submission into ROOT/results/results.json (what run_autograder does)")
    parser.add_argument("--unsafe-no-sandbox", dest="unsafe", action="store_true",
                        help="grade even where nothing isolates student code (with --out: the bundle does so)")


def run(args) -> int:
    if args.autograde is not None:
        results = autograde(args.autograde, args.unsafe)
        print(f"graded with course_lib from {PACKAGE_DIR}: score {results['score']:g}")
        return 0
    if args.out is None:
        raise ValueError("--out: expected the path of the bundle to write (e.g. --out autograder.zip)")
    path = build_bundle(args.out, args.force, args.unsafe)
    print(f"wrote {path}: upload it as the Gradescope autograder (Ubuntu image, Python 3.10+)")
    return 0

