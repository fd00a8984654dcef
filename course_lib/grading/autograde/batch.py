"""The autograder's batch: ``python -m course_lib grade SUBMISSION_OR_FOLDER... --out DIR``.

First the isolation is chosen (:func:`isolation.choose`): bubblewrap, else the confined fallback,
else a refusal unless ``--unsafe-no-sandbox``. Every submitted notebook (a file, or every
``*.ipynb`` under a folder) is then read once, safely (:mod:`.intake`: regular files only, never
following a link or blocking on a FIFO), and graded from what was read by
:func:`course_lib.grading.autograde.grade.grade_bytes`, ``--jobs`` at a time; then it writes
``DIR/grades.csv`` (one row per file), ``DIR/exercises.csv`` (one row per graded exercise: status,
mistakes, failed cases), ``DIR/feedback/<name>.md``, ``DIR/results/<name>.json`` (Gradescope's
format, with the diagnosis in ``extra_data``) and ``DIR/written/<name>/<question>.md`` (each
answer to a written question, fenced so that nothing in it is rendered), each atomically
(:mod:`course_lib.grading.reports.outputs`). A file that cannot be written costs that submission
a status, never the batch; then the class report (``DIR/report/``,
:mod:`course_lib.grading.reports.class_report`).

Finished submissions are cached in ``DIR/.cache`` (:mod:`.cache`: the grader's private folder,
entries signed with its secret) under a key covering everything that can change a grade (the
submission, all of course_lib, the source notebooks, the versions of numpy and of the other packages
run in the sandbox, the limits, the isolation). A submission the grader could not grade (a grader
error, a machine too busy) is not cached: the next run grades it. ``DIR`` must belong to the grader
when it exists.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from course_lib._paths import check_folder
from course_lib.grading.autograde import grade, isolation, sandbox
from course_lib.grading.autograde.cache import ResultCache
from course_lib.grading.autograde.grade import GRADER_ERROR, PACKAGE_DIR, SOURCE_DIR
from course_lib.grading.autograde.intake import Intake, collect
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.exercises import course_config
from course_lib.grading.exercises.bank import all_exercises
from course_lib.grading.exercises.course_config import CourseConfig
from course_lib.grading.judging.results import SubmissionResult
from course_lib.grading.reports import outputs
from course_lib.grading.statuses import SubmissionStatus

__all__ = ["collect", "grade_batch", "grader_version", "add_arguments", "run"]


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


def grader_version(limits: Limits, course: CourseConfig | None = None) -> str:
    """A hash of everything that can change a grade: course_lib, the sources, numpy and the other packages
    run in the sandbox, the limits, the isolation, the course's scoring settings."""
    digest = hashlib.sha256(repr(limits).encode() + np.__version__.encode() + isolation.isolation().encode()
                            + repr(_real_package_versions()).encode()
                            + (course or CourseConfig()).fingerprint().encode())
    files = [(p.relative_to(PACKAGE_DIR).as_posix(), p) for p in sorted(PACKAGE_DIR.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts]
    files += [(f"notebooks/{p.name}", p) for p in sorted(SOURCE_DIR.glob("*.ipynb"))] if SOURCE_DIR.is_dir() else []
    for name, path in files:
        digest.update(name.encode() + b"\0" + path.read_bytes())
    for ex in all_exercises():  # exercises registered at run time (tests) count too
        digest.update(repr((ex.id, ex.notebook, ex.answer, ex.points, len(ex.public), len(ex.hidden),
                            ex.rule.describe())).encode())
    return digest.hexdigest()[:24]


# --- the batch ---------------------------------------------------------------------------------------------

def _prepare_out(out_dir: Path) -> None:
    check_folder(out_dir, "--out")
    if out_dir.exists():
        owner = out_dir.stat().st_uid
        if owner != os.geteuid():
            raise ValueError(f"--out: {out_dir} belongs to uid {owner}, not to this grader (uid {os.geteuid()}); "
                             "grade into a folder of your own (its cache and results are trusted)")
        if any(out_dir.iterdir()) and not (out_dir / outputs.MARKER).exists():
            raise ValueError(f"--out: {out_dir} exists and is not a grading folder (no {outputs.MARKER} in it); "
                             "choose a new or empty folder, nothing is overwritten")
    try:
        for sub in ("feedback", "results", "written"):
            (out_dir / sub).mkdir(parents=True, exist_ok=True)
        outputs.atomic_write(str(out_dir / outputs.MARKER), "written by python -m course_lib grade\n")
    except OSError as exc:
        raise ValueError(f"--out: cannot write to {out_dir} ({exc.strerror or exc})") from None


def _graded(data: bytes, file: str, cache: ResultCache, limits, slot: int, force: bool,
            course: CourseConfig | None = None, more=None) -> SubmissionResult:
    digest = cache.digest(data)
    cached = None if force else cache.get(digest)
    if cached is not None:
        return cached
    result = grade.grade_bytes(data, Path(file).name, limits, slot, course, more)
    if result.status != GRADER_ERROR:  # not a grade (the machine was too busy...): graded again next run
        cache.put(digest, result)
    return result


def _write_outputs(out_dir: Path, name: str, file: str, result: SubmissionResult) -> SubmissionResult:
    try:
        outputs.atomic_write(str(out_dir / "feedback" / f"{name}.md"), outputs.feedback_markdown(name, result))
        outputs.atomic_write(str(out_dir / "results" / f"{name}.json"),
                             outputs.gradescope_json_text(outputs.gradescope_results(result, name, file)))
        for relative, text in outputs.written_answer_files(name, result.written or {}):
            outputs.atomic_write(str(out_dir / "written" / relative), text)
    except OSError as exc:
        return SubmissionResult(result.notebook, GRADER_ERROR, f"its feedback could not be written "
                                f"({exc.strerror or exc}); its grade is not recorded", [], result.max_score,
                                result.isolation)
    return result


def _write_reviews(out_dir: Path, rows: list) -> None:
    """Rewrite the feedback of students with several submissions: each ends with what to review across all
    of them (:mod:`course_lib.grading.reports.review`; a submission alone already has its own)."""
    from course_lib.grading.reports.class_summary import student_of
    from course_lib.grading.reports.review import review_items

    by_student = {}
    for name, _, result in rows:
        by_student.setdefault(student_of(name), []).append((name, result))
    for submissions in by_student.values():
        if len(submissions) < 2:
            continue
        review = review_items([result for _, result in submissions])
        for name, result in submissions:
            if result.status == SubmissionStatus.OK:
                try:
                    outputs.atomic_write(str(out_dir / "feedback" / f"{name}.md"),
                                         outputs.feedback_markdown(name, result, review))
                except OSError:  # the submission's own feedback (written already) stands
                    pass


def grade_batch(paths: list, out_dir, limits: Limits | None = None, jobs: int | None = None,
                force: bool = False, progress: bool = True, class_report: bool = False,
                unsafe: bool = False, course: CourseConfig | None = None) -> list[tuple[str, SubmissionResult]]:
    """Grade every submission under ``paths`` into ``out_dir``; ``(name, result)`` per submission (its written
    answers are in ``out_dir/written`` only: the batch does not hold them).

    :class:`isolation.IsolationRefused` (before anything is read or written) where nothing isolates
    student code, unless ``unsafe`` (``--unsafe-no-sandbox``). With ``class_report``, also write
    ``out_dir/report/class_report.html`` and its tables (:mod:`.class_report`); the command line always does.
    ``course``: the course's settings (:mod:`course_lib.grading.exercises.course_config`): its scoring overrides.
    """
    mode = isolation.choose(unsafe)
    limits = limits or Limits()
    out_dir = Path(out_dir)
    found = collect(paths, out_dir)
    _prepare_out(out_dir)
    version = grader_version(limits, course)
    cache = ResultCache(out_dir / ".cache", version)
    intake = Intake(found)
    jobs = max(1, jobs or os.cpu_count() or 1)
    slots = queue.Queue()
    for slot in range(jobs):
        slots.put(slot)
    waiting, ahead = [len(intake.submissions)], [0]  # submissions not taken yet; sandboxes started ahead for them
    counting = threading.Lock()

    def more() -> bool:
        """Whether the lane whose submission ends starts a sandbox ahead: only for a submission no other has."""
        with counting:
            if waiting[0] > ahead[0]:
                ahead[0] += 1
                return True
            return False

    def one(entry):
        slot = slots.get()
        with counting:
            waiting[0] -= 1
            ahead[0] = max(0, ahead[0] - 1)
        try:
            data = intake.data(entry)
            result = (SubmissionResult("", entry.status, entry.problem) if data is None
                      else _graded(data, entry.file, cache, limits, slot, force, course, more))
        except Exception as exc:  # a grader bug on one odd file must not stop the batch (not cached)
            result = SubmissionResult("", GRADER_ERROR, f"{type(exc).__name__}: {exc}"[:300])
        finally:
            slots.put(slot)
        result = _write_outputs(out_dir, entry.name, entry.file, result)
        return entry.name, entry.file, replace(result, written={})  # written to disk: not held for the batch

    from tqdm.auto import tqdm

    rows = []
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool, \
                tqdm(total=len(intake.submissions), unit="nb", desc="grading", disable=None if progress else True,
                     file=sys.stderr) as bar:
            for row in pool.map(one, intake.submissions):
                rows.append(row)
                bar.update(1)
    finally:
        sandbox.close_spares()
        intake.close()
        cache.close()
    _write_reviews(out_dir, rows)
    columns = [ex.id for ex in all_exercises() if any(ex.id in {e.id for e in r.exercises} for _, _, r in rows)]
    outputs.atomic_write(str(out_dir / "grades.csv"), outputs.grades_csv(rows, columns))
    outputs.atomic_write(str(out_dir / "exercises.csv"), outputs.exercises_csv(rows))
    retried = {name: r.retried_steps for name, _, r in rows if r.retried_steps}
    outputs.atomic_write(str(out_dir / "grading.json"), json.dumps(
        {"isolation": str(mode), "sandbox": mode.to_json(), "grader_version": version, "limits": repr(limits),
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
    parser.add_argument("--config", type=Path, default=None,
                        help=f"the course's settings (scoring overrides; default: {course_config.FILE_NAME} beside "
                             f"notebooks/ if it exists)")
    parser.add_argument(isolation.UNSAFE_FLAG, dest="unsafe", action="store_true",
                        help="where neither bubblewrap nor the confined fallback can isolate student code, grade "
                             "anyway with what the kernel offers (what is not covered is printed); never as root")


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
    course = course_config.load(args.config, PACKAGE_DIR.parent)
    mode = isolation.choose(args.unsafe)  # refused here, before anything is read, where nothing isolates
    if mode.name != "bubblewrap":
        print(f"warning: no bubblewrap sandbox; {mode.name}: {mode.summary}", file=sys.stderr)
    start = time.monotonic()
    rows = grade_batch(args.submissions, args.out, limits, args.jobs, args.force, class_report=True,
                       unsafe=args.unsafe, course=course)
    ok = sum(1 for _, r in rows if r.status == SubmissionStatus.OK)
    print(f"graded {len(rows)} submission(s) ({ok} gradable) in {time.monotonic() - start:.1f} s: "
          f"{Path(args.out) / 'grades.csv'}")
    page = Path(args.out) / "report" / "class_report.html"
    if page.exists():
        print(f"class report: {page}")
    return 0
