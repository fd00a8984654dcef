"""The autograder's batch: ``python -m course_lib grade SUBMISSION_OR_FOLDER... --out DIR``.

Every submitted notebook (a file, or every ``*.ipynb`` under a folder) is read (read-only, never
modified) and graded by :func:`course_lib.grading.autograde.grade.grade_bytes`, ``--jobs`` at a time;
then it writes ``DIR/grades.csv`` (one row per file), ``DIR/exercises.csv`` (one row per graded
exercise: status, mistakes, failed cases), ``DIR/feedback/<name>.md``, ``DIR/results/<name>.json``
(Gradescope's format, with the diagnosis in ``extra_data``) and ``DIR/written/<name>.md`` (answers to
written questions, for the instructor to mark), each atomically (:mod:`course_lib.grading.reports.outputs`).
A file that cannot be written costs that submission a status, never the batch; then the class report
(``DIR/report/``, :mod:`course_lib.grading.reports.class_report`).

Finished submissions are cached in ``DIR/.cache`` under a key covering everything that can change a
grade (the submission, all of course_lib, the source notebooks, the versions of numpy and of the other
packages run in the sandbox, the limits, the isolation), each entry signed with a secret kept in
``DIR/.cache`` (HMAC): an entry the grader did not write is ignored. A submission the grader could not
grade (a grader error, a machine too busy) is not cached: the next run grades it.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import queue
import re
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from course_lib._paths import check_folder
from course_lib.grading.autograde import grade, isolation, sandbox
from course_lib.grading.autograde.grade import GRADER_ERROR, PACKAGE_DIR, SOURCE_DIR
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.exercises import notebook as notebook_io
from course_lib.grading.exercises.bank import all_exercises
from course_lib.grading.judging.results import SubmissionResult
from course_lib.grading.reports import outputs
from course_lib.grading.statuses import SubmissionStatus


def _real_package_versions() -> tuple:
    """The versions of the packages a notebook runs for real in the sandbox (matplotlib...)."""
    from importlib import metadata

    from course_lib.grading.autograde.stand_ins import REAL_DISTRIBUTIONS

    found = []
    for name in REAL_DISTRIBUTIONS:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, None))
    return tuple(found)


def grader_version(limits: Limits) -> str:
    """A hash of everything that can change a grade: course_lib, the sources, numpy and the other packages
    run in the sandbox, the limits, the isolation."""
    digest = hashlib.sha256(repr(limits).encode() + np.__version__.encode() + isolation.isolation().encode()
                            + repr(_real_package_versions()).encode())
    files = [(p.relative_to(PACKAGE_DIR).as_posix(), p) for p in sorted(PACKAGE_DIR.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts]
    files += [(f"notebooks/{p.name}", p) for p in sorted(SOURCE_DIR.glob("*.ipynb"))] if SOURCE_DIR.is_dir() else []
    for name, path in files:
        digest.update(name.encode() + b"\0" + path.read_bytes())
    for ex in all_exercises():  # exercises registered at run time (tests) count too
        digest.update(repr((ex.id, ex.notebook, ex.answer, ex.points, len(ex.public), len(ex.hidden))).encode())
    return digest.hexdigest()[:24]


def read_submission(path: Path) -> tuple[bytes | None, str]:
    """The file's bytes (opened read-only, at most ``MAX_BYTES + 1``), or None and why not.

    A symbolic link is not followed (a submission linking to a system file stays unread).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if path.is_symlink():
            return None, "a symbolic link (not followed)"
        return None, f"{type(exc).__name__}: {exc.strerror or exc}"
    with os.fdopen(fd, "rb") as handle:
        try:
            return handle.read(notebook_io.MAX_BYTES + 1), ""
        except OSError as exc:  # a folder, or a file that cannot be read
            return None, f"{type(exc).__name__}: {exc.strerror or exc}"


# --- the batch ---------------------------------------------------------------------------------------------

def collect(paths: list, out_dir: Path) -> list[tuple[str, str, Path]]:
    """``(name, file, path)`` of every submission: files as given, ``*.ipynb`` found under folders.

    ``file`` is the path below the folder given (or the file's name); ``name`` is it with ``/``
    as ``__``, without ``.ipynb``, other characters than letters, digits, ``.``, ``_`` and ``-``
    replaced, made unique. The output folder, checkpoints and backups are skipped.
    """
    found = []
    out_resolved = out_dir.resolve()
    for given in paths:
        given = Path(given)
        if given.is_dir():
            for path in sorted(given.rglob("*.ipynb")):
                parts = path.relative_to(given).parts
                if ".ipynb_checkpoints" in parts or out_resolved in path.resolve().parents:
                    continue
                if path.is_file():
                    found.append(("/".join(parts), path))
        else:
            found.append((given.name, given))
    names, out = set(), []
    for raw, path in found:
        stem = (raw[:-6] if raw.endswith(".ipynb") else raw).replace("/", "__")
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", stem)
        base = base.lstrip("-.") or "submission"
        name, k = base, 1
        while name in names:
            k += 1
            name = f"{base}-{k}"
        names.add(name)
        out.append((name, raw, path))
    return out


def _prepare_out(out_dir: Path) -> None:
    check_folder(out_dir, "--out")
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / outputs.MARKER).exists():
        raise ValueError(f"--out: {out_dir} exists and is not a grading folder (no {outputs.MARKER} in it); "
                         "choose a new or empty folder, nothing is overwritten")
    try:
        for sub in ("feedback", "results", "written", ".cache"):
            (out_dir / sub).mkdir(parents=True, exist_ok=True)
        outputs.atomic_write(str(out_dir / outputs.MARKER), "written by python -m course_lib grade\n")
    except OSError as exc:
        raise ValueError(f"--out: cannot write to {out_dir} ({exc.strerror or exc})") from None


def _secret(out_dir: Path) -> bytes:
    """The key that signs cache entries: made once per output folder, readable by the grader only."""
    path = out_dir / ".cache" / "secret"
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key.hex())
        return key


def _cached_or_graded(path: Path, out_dir: Path, version: str, key: bytes, limits, slot: int, force: bool):
    data, problem = read_submission(path)
    if data is None:
        return SubmissionResult("", SubmissionStatus.UNREADABLE, problem)
    digest = hashlib.sha256(data + version.encode()).hexdigest()
    cache = out_dir / ".cache" / f"{digest}.json"
    if not force and cache.exists():
        try:
            entry = json.loads(cache.read_text(encoding="utf-8"))
            body = digest + json.dumps(entry["result"], sort_keys=True)  # signed with the key it was stored under
            if hmac.compare_digest(entry["mac"], hmac.new(key, body.encode(), "sha256").hexdigest()):
                return SubmissionResult.from_json(entry["result"])
        except (ValueError, KeyError, TypeError, OSError):
            pass  # a damaged or forged entry is simply regraded
    result = grade.grade_bytes(data, path.name, limits, slot)
    if result.status == GRADER_ERROR:
        return result  # not a grade (the machine was too busy...): graded again on the next run
    body = json.dumps(result.to_json(), sort_keys=True)
    try:
        mac = hmac.new(key, (digest + body).encode(), "sha256").hexdigest()
        outputs.atomic_write(str(cache), json.dumps({"mac": mac, "result": json.loads(body)}))
    except OSError:
        pass  # a cache that cannot be written only costs a regrade next time
    return result


def _write_outputs(out_dir: Path, name: str, file: str, result: SubmissionResult) -> SubmissionResult:
    try:
        outputs.atomic_write(str(out_dir / "feedback" / f"{name}.md"), outputs.feedback_markdown(name, result))
        outputs.atomic_write(str(out_dir / "results" / f"{name}.json"),
                            outputs.gradescope_json_text(outputs.gradescope_results(result, name, file)))
        if result.written:
            text = "\n\n".join(f"## {qid}\n\n{answer}" for qid, answer in result.written.items())
            outputs.atomic_write(str(out_dir / "written" / f"{name}.md"), f"# Written answers: {name}\n\n{text}\n")
    except OSError as exc:
        return SubmissionResult(result.notebook, GRADER_ERROR, f"its feedback could not be written "
                                f"({exc.strerror or exc}); its grade is not recorded", [], result.max_score,
                                result.isolation)
    return result


def grade_batch(paths: list, out_dir, limits: Limits | None = None, jobs: int | None = None,
                force: bool = False, progress: bool = True,
                class_report: bool = False) -> list[tuple[str, SubmissionResult]]:
    """Grade every submission under ``paths`` into ``out_dir``; ``(name, result)`` per submission.

    With ``class_report``, also write ``out_dir/report/class_report.html`` and its tables
    (:mod:`.class_report`); the command line always does.
    """
    limits = limits or Limits()
    out_dir = Path(out_dir)
    submissions = collect(paths, out_dir)
    _prepare_out(out_dir)
    version = grader_version(limits)
    key = _secret(out_dir)
    jobs = max(1, jobs or os.cpu_count() or 1)
    slots = queue.Queue()
    for slot in range(jobs):
        slots.put(slot)

    def one(item):
        name, file, path = item
        slot = slots.get()
        try:
            result = _cached_or_graded(path, out_dir, version, key, limits, slot, force)
        except Exception as exc:  # a grader bug on one odd file must not stop the batch (not cached)
            result = SubmissionResult("", GRADER_ERROR, f"{type(exc).__name__}: {exc}"[:300])
        finally:
            slots.put(slot)
        return name, file, _write_outputs(out_dir, name, file, result)

    from tqdm.auto import tqdm

    rows = []
    with ThreadPoolExecutor(max_workers=jobs) as pool, \
            tqdm(total=len(submissions), unit="nb", desc="grading", disable=None if progress else True,
                 file=sys.stderr) as bar:
        for row in pool.map(one, submissions):
            rows.append(row)
            bar.update(1)
    sandbox.close_spares()
    columns = [ex.id for ex in all_exercises() if any(ex.id in {e.id for e in r.exercises} for _, _, r in rows)]
    outputs.atomic_write(str(out_dir / "grades.csv"), outputs.grades_csv(rows, columns))
    outputs.atomic_write(str(out_dir / "exercises.csv"), outputs.exercises_csv(rows))
    retried = {name: r.retried_steps for name, _, r in rows if r.retried_steps}
    outputs.atomic_write(str(out_dir / "grading.json"), json.dumps(
        {"isolation": isolation.isolation(), "grader_version": version, "limits": repr(limits),
         "submissions": len(rows), "retried_steps": sum(retried.values()), "retried_steps_by_submission": retried},
        indent=1) + "\n")
    if class_report:
        from course_lib.grading.reports.class_report import ReportError, build_report

        try:
            build_report(out_dir)
        except (ReportError, OSError) as exc:  # the grades stand without the report
            print(f"warning: no class report: {exc}", file=sys.stderr)
    return [(name, result) for name, _, result in rows]


# --- the command line ------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION_OR_FOLDER",
                        help="submitted notebooks, or folders searched for *.ipynb")
    parser.add_argument("--out", required=True, type=Path, help="output folder (grades.csv, feedback/, results/)")
    parser.add_argument("--jobs", type=int, default=None, help="submissions graded in parallel (default: cores)")
    parser.add_argument("--force", action="store_true", help="regrade even submissions found in the cache")
    parser.add_argument("--cell-timeout", type=float, default=Limits.cell_timeout,
                        help="seconds of the student's own time per cell or per test case (default %(default)g)")
    parser.add_argument("--timeout", type=float, default=Limits.timeout,
                        help="seconds of the student's own time per submission (default %(default)g)")
    parser.add_argument("--memory", type=int, default=Limits.memory_mb,
                        help="memory cap per submission in MB (default %(default)d)")


def run(args) -> int:
    limits = Limits(cell_timeout=args.cell_timeout, timeout=args.timeout, memory_mb=args.memory)
    if args.jobs is not None and args.jobs < 1:
        raise ValueError(f"--jobs: expected a positive integer, got {args.jobs}")
    check_folder(args.out, "--out")
    missing = [str(p) for p in args.submissions if not Path(p).exists()]
    if missing:
        raise ValueError(f"submissions: no such file or folder: {', '.join(missing)}")
    if not collect(args.submissions, Path(args.out)):
        raise ValueError(f"submissions: no *.ipynb found in {', '.join(map(str, args.submissions))}")
    start = time.monotonic()
    rows = grade_batch(args.submissions, args.out, limits, args.jobs, args.force, class_report=True)
    ok = sum(1 for _, r in rows if r.status == SubmissionStatus.OK)
    used = isolation.isolation()
    if used != "bubblewrap":
        print(f"warning: isolation is {used}", file=sys.stderr)
    print(f"graded {len(rows)} submission(s) ({ok} gradable) in {time.monotonic() - start:.1f} s: "
          f"{Path(args.out) / 'grades.csv'}")
    page = Path(args.out) / "report" / "class_report.html"
    if page.exists():
        print(f"class report: {page}")
    return 0
