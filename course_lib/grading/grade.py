"""The autograder: ``python -m course_lib grade SUBMISSION_OR_FOLDER... --out DIR``.

For each submitted notebook (a file, or every ``*.ipynb`` under a folder):

1. read its bytes (read-only, never modified) and parse it (:mod:`.matching`): a bad
   file gets a status (empty, not a notebook, wrong nbformat version, wrong notebook...)
   and 0;
2. find each exercise's answer cell by id, else by the name it defines;
3. run only those cells, then call each answer on the bank's cases, in a sandboxed
   worker process (:mod:`.sandbox`): plain data comes back, nothing else;
4. judge every output here, in the grader's process, against the trusted bank
   (:func:`course_lib.grading.spec.judge`); an exercise scores its points only if every
   case, public and hidden, passes (as the notebook's own check cell requires);
5. write ``DIR/grades.csv``, ``DIR/feedback/<name>.md`` and ``DIR/results/<name>.json``
   (Gradescope's format), each atomically.

Finished submissions are cached in ``DIR/.cache`` by content hash (and grader version):
a rerun after an interruption reuses them unless ``--force``. Submissions are graded in
parallel (``--jobs``, default: the number of cores) with a progress bar.

Defaults: 10 s per cell (or per exercise's cases), 60 s per submission, 1024 MB.

Statuses of a submission: ``ok``, ``empty``, ``not a notebook``, ``wrong nbformat
version``, ``wrong notebook``, ``too large``, ``unreadable``, ``grader error`` (all but
``ok`` score 0). Of an exercise: ``passed``, ``failed``, ``not attempted``, ``timeout``,
``crashed``, ``memory limit``, ``error``, ``uses the reference implementation``,
``forbidden code``, ``missing`` (all but ``passed`` score 0).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import _worker, matching, report, sandbox, spec
from .bank import all_exercises, for_notebook
from .report import CaseResult, ExerciseResult, SubmissionResult

MARKER = ".course_lib_grades"  # marks an output folder as the grader's own
GRADER_ERROR = "grader error"  # submission status when the grader itself failed on a file
_SOURCES = ("_worker.py", "sandbox.py", "matching.py", "grade.py", "spec.py", "report.py")


# --- the bank, prepared once --------------------------------------------------------------------

def _exercises_by_notebook() -> dict:
    out = {}
    for ex in all_exercises():
        out.setdefault(ex.notebook, []).append(ex)
    return out


def _cases(ex) -> list:
    """``(case, hidden)`` pairs; a value exercise without cases is judged once."""
    return ex.cases(include_hidden=True) or [(spec.Case(), False)]


def _encode_arg(arg):
    if isinstance(arg, spec.Fixture):
        return {"f": arg.target}
    return _worker.encode_plain(spec.to_plain(arg))


@lru_cache(maxsize=None)
def _encoded_cases(exercise_id: str) -> tuple:
    from .bank import get

    ex = get(exercise_id)
    if ex.kind == "value":
        return tuple([] for _ in _cases(ex))
    return tuple([_encode_arg(a) for a in case.args] for case, _ in _cases(ex))


@lru_cache(maxsize=None)
def _expected(exercise_id: str, index: int):
    """The reference's output on case ``index``, computed once per grader process."""
    from .bank import get

    ex = get(exercise_id)
    with np.errstate(all="ignore"):
        return spec.expected_output(ex, _cases(ex)[index][0])


def _verdict(ex, index: int, case, actual) -> spec.Verdict:
    """:func:`spec.judge`, with the expected output cached (the reference may be slow)."""
    if ex.judge is not None:
        return spec.judge(ex, case, actual)
    return spec.judge(ex, case, actual, expected=_expected(ex.id, index))


def _fixtures(exercises) -> tuple:
    targets = {a.target for ex in exercises for case, _ in _cases(ex) for a in case.args
               if isinstance(a, spec.Fixture)}
    return tuple(sorted(targets))


def grader_version(limits: sandbox.Limits) -> str:
    """A hash of the bank, the grader's code and the limits: a cached grade is valid only under it."""
    digest = hashlib.sha256(repr(limits).encode())
    here = Path(__file__).resolve().parent
    for path in sorted((here / "bank").glob("*.py")) + [here / name for name in _SOURCES]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


# --- judging one exercise -----------------------------------------------------------------------

_KILLED = {"timeout": report.TIMEOUT, "crashed": report.CRASHED, "skipped": report.CRASHED}


def _error_status(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "NotImplementedError":
        return report.NOT_ATTEMPTED
    if kind in ("MemoryError", "_ArrayMemoryError"):
        return report.MEMORY
    return report.ERROR


def _error_text(error: dict) -> str:
    if error.get("type") == "SystemExit":
        return "the code called sys.exit()"
    message = error.get("message", "")
    return f"{error.get('type', 'Error')}: {message}" if message else error.get("type", "Error")


def _explain_cell_failure(result: ExerciseResult, name: str, exec_outcome) -> bool:
    """Set status and message from the defining cell's own failure; False if it did not fail."""
    if exec_outcome is None:
        return False
    if exec_outcome.status in _KILLED:
        result.status = _KILLED[exec_outcome.status]
        result.message = f"the cell defining {name} did not finish: {exec_outcome.detail}"
        return True
    if exec_outcome.error:
        result.status = _error_status(exec_outcome.error)
        result.message = (f"{name} is still the stub" if result.status == report.NOT_ATTEMPTED else
                          f"the cell defining {name} raised {_error_text(exec_outcome.error)}")
        return True
    return False


def judge_exercise(ex, cell, exec_outcome, eval_outcome, defined: frozenset = frozenset()) -> ExerciseResult:
    """The grade of one exercise from what its defining cell and its evaluation did.

    Parameters
    ----------
    ex : Exercise
    cell : matching.SubmissionCell or None
        The cell that defines the answer (None: missing).
    exec_outcome, eval_outcome : sandbox.StepOutcome or None
        What executing that cell, and calling the answer on every case, did (None: not run).
    defined : frozenset of str
        Names the submission's answer cells define (a forbidden name among them is the
        student's own function, not course_lib's).
    """
    result = ExerciseResult(ex.id, ex.title, float(ex.points), 0.0, report.FAILED)
    name = f"`{ex.answer}`"
    if cell is None:
        result.status, result.message = report.MISSING, f"no cell defines {name}"
    elif cell.finding:
        result.status = cell.finding
        result.message = f"the cell defining {name} {cell.finding_detail}: it was not run"
    elif set(ex.forbidden) & cell.uses - defined:
        result.status = report.USES_REFERENCE
        names = ", ".join(sorted(set(ex.forbidden) & cell.uses - defined))
        result.message = f"{name} calls {names}, course_lib's reference, which is not available when grading"
    elif cell.syntax_error:
        result.status, result.message = report.ERROR, f"the cell defining {name} does not parse: {cell.syntax_error}"
    elif ex.loop_free and spec.python_loop(cell.source):
        result.message = (f"the cell defining {name} uses {spec.python_loop(cell.source)}: this exercise asks "
                          f"for whole-array operations, without Python loops")
    elif (exec_outcome.blocked if exec_outcome else 0) + (eval_outcome.blocked if eval_outcome else 0):
        result.status = report.USES_REFERENCE
        result.message = f"{name} tried to import course_lib or read its source"
    elif eval_outcome is None or eval_outcome.status in _KILLED:
        detail = eval_outcome.detail if eval_outcome else "not run"
        result.status = _KILLED.get(eval_outcome.status if eval_outcome else "", report.CRASHED)
        result.message = f"while testing {name}: {detail}"
        _fill_unreached(result, ex, eval_outcome.cases if eval_outcome else [])
    elif eval_outcome.missing:
        if not _explain_cell_failure(result, name, exec_outcome):
            result.status, result.message = report.MISSING, f"the cell ran but did not define {name}"
    else:
        _judge_cases(result, ex, eval_outcome.cases)
        if result.status != report.PASSED:
            # a wrong answer left behind by a cell that did not finish: report why the cell failed
            _explain_cell_failure(result, name, exec_outcome)
    return result


def _fill_unreached(result: ExerciseResult, ex, replies: list) -> None:
    for index, (case, hidden) in enumerate(_cases(ex)):
        state = "" if index < len(replies) else "did not finish" if index == len(replies) else "not run"
        result.cases.append(CaseResult("" if hidden else case.label, hidden, False, "" if hidden else state))


def _judge_cases(result: ExerciseResult, ex, replies: list) -> ExerciseResult:
    statuses, hint = set(), ""
    for index, (case, hidden) in enumerate(_cases(ex)):
        reply = replies[index] if index < len(replies) else {"error": {"type": "Error", "message": "no result"}}
        passed, message = False, ""
        if "error" in reply:
            statuses.add(_error_status(reply["error"]))
            message = f"raised {_error_text(reply['error'])}"
        elif "not_plain" in reply:
            statuses.add(report.FAILED)
            message = f"returned {reply['not_plain']}"
        elif ex.kind == "value" and reply.get("value") is None:  # still the `name = None` of the blank
            statuses.add(report.NOT_ATTEMPTED)
            message = "still None"
        else:
            try:
                with np.errstate(all="ignore"):
                    verdict = _verdict(ex, index, case, reply["value"])
            except Exception as exc:  # a trusted judge failing on odd output is a failed case
                verdict = spec.Verdict(False, f"the output could not be compared ({type(exc).__name__})")
            passed, message = verdict.passed, verdict.message
            if not passed:
                statuses.add(report.FAILED)
                if not hint:
                    with np.errstate(all="ignore"):
                        mistake = spec.diagnose(ex, case, reply["value"])
                    hint = mistake.hint if mistake else ""
        result.cases.append(CaseResult("" if hidden else case.label, hidden, passed, "" if passed or hidden
                                       else message))
    for status in (report.NOT_ATTEMPTED, report.MEMORY, report.ERROR, report.FAILED):
        if status in statuses:
            result.status = status
            break
    else:
        result.status, result.score = report.PASSED, float(ex.points)
    if result.status == report.NOT_ATTEMPTED:
        result.message = (f"`{ex.answer}` is still the stub (it is None)" if ex.kind == "value" else
                          f"`{ex.answer}` is still the stub (it raises NotImplementedError)")
    elif result.status == report.MEMORY:
        result.message = f"`{ex.answer}` ran out of memory (the grader caps each submission's memory)"
    result.hint = hint if result.status != report.PASSED else ""
    return result


# --- one submission -----------------------------------------------------------------------------

def grade_bytes(data: bytes, filename: str, limits: sandbox.Limits, slot: int = 0) -> SubmissionResult:
    """Grade one submission's bytes (``filename`` only helps to tell which notebook it is)."""
    notebook = matching.read_notebook(data, {ex.answer for ex in all_exercises()})
    if notebook.status != matching.OK:
        return SubmissionResult("", notebook.status, notebook.message)
    by_notebook = _exercises_by_notebook()
    stem = matching.identify_notebook(notebook.cells, filename, by_notebook)
    if stem is None:
        return SubmissionResult("", matching.WRONG_NOTEBOOK,
                                "none of this workbook's exercises was found in it (another assignment?)")
    exercises = for_notebook(stem)
    max_score = float(sum(ex.points for ex in exercises))
    chosen = matching.plan(notebook.cells, exercises)
    defined = frozenset().union(*(cell.defines for cell in chosen.run))
    steps, exec_index, eval_index = [], {}, {}
    for cell in chosen.run:
        exec_index[cell.index] = len(steps)
        steps.append(sandbox.ExecStep(cell.source, f"<cell {cell.index}>"))
    for ex in exercises:
        cell = chosen.defining[ex.id]
        if cell is not None and not cell.finding and not cell.syntax_error:
            eval_index[ex.id] = len(steps)
            steps.append(sandbox.EvalStep(ex.answer, ex.kind, _encoded_cases(ex.id)))
    outcomes = sandbox.run_steps(steps, limits, slot, _fixtures(exercises)) if eval_index else []
    results = []
    for ex in exercises:
        cell = chosen.defining[ex.id]
        exec_outcome = outcomes[exec_index[cell.index]] if cell is not None and cell.index in exec_index else None
        eval_outcome = outcomes[eval_index[ex.id]] if ex.id in eval_index else None
        results.append(judge_exercise(ex, cell, exec_outcome, eval_outcome, defined))
    status, message = matching.OK, ""
    if any(o.detail == "the submission's time limit" for o in outcomes):
        message = f"The submission's time limit ({limits.timeout:g} s) was reached."
    return SubmissionResult(stem, status, message, results, max_score)


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
            return handle.read(matching.MAX_BYTES + 1), ""
        except OSError as exc:  # a folder, or a file that cannot be read
            return None, f"{type(exc).__name__}: {exc.strerror or exc}"


def grade_file(path: Path, limits: sandbox.Limits, slot: int = 0) -> SubmissionResult:
    """Grade one submitted file (never modified)."""
    data, problem = read_submission(path)
    if data is None:
        return SubmissionResult("", matching.UNREADABLE, problem)
    return grade_bytes(data, path.name, limits, slot)


# --- the batch ----------------------------------------------------------------------------------

def collect(paths: list, out_dir: Path) -> list[tuple[str, Path]]:
    """``(name, path)`` of every submission: files as given, ``*.ipynb`` found under folders.

    Names are the path below the folder given, with ``/`` as ``__`` and without
    ``.ipynb``, made unique; the output folder and checkpoints are skipped.
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
                    found.append(("__".join(parts), path))
        else:
            found.append((given.name, given))
    names, out = set(), []
    for raw, path in found:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", raw[:-6] if raw.endswith(".ipynb") else raw) or "submission"
        name, k = base, 1
        while name in names:
            k += 1
            name = f"{base}-{k}"
        names.add(name)
        out.append((name, path))
    return out


def _prepare_out(out_dir: Path) -> None:
    for candidate in (out_dir, *out_dir.resolve().parents):
        if candidate.exists() and not candidate.is_dir():
            raise ValueError(f"--out: expected a folder for the grades, but {candidate} is a file")
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise ValueError(f"--out: {out_dir} exists and is not a grading folder (no {MARKER} in it); "
                         "choose a new or empty folder, nothing is overwritten")
    for sub in ("feedback", "results", ".cache"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    report.atomic_write(str(out_dir / MARKER), "written by python -m course_lib grade\n")


def grade_batch(paths: list, out_dir, limits: sandbox.Limits | None = None, jobs: int | None = None,
                force: bool = False, progress: bool = True) -> list[tuple[str, SubmissionResult]]:
    """Grade every submission under ``paths`` into ``out_dir``; ``(name, result)`` per submission."""
    limits = limits or sandbox.Limits()
    out_dir = Path(out_dir)
    submissions = collect(paths, out_dir)
    _prepare_out(out_dir)
    version = grader_version(limits)
    jobs = max(1, jobs or os.cpu_count() or 1)
    slots = queue.Queue()
    for slot in range(jobs):
        slots.put(slot)

    def one(item):
        name, path = item
        slot = slots.get()
        try:
            _, result = _cached_or_graded(path, out_dir, version, limits, slot, force)
        except Exception as exc:  # a grader bug on one odd file must not stop the batch (not cached)
            result = SubmissionResult("", GRADER_ERROR, f"{type(exc).__name__}: {exc}"[:300])
        finally:
            slots.put(slot)
        report.atomic_write(str(out_dir / "feedback" / f"{name}.md"), report.feedback_markdown(name, result))
        report.atomic_write(str(out_dir / "results" / f"{name}.json"),
                            report.gradescope_json_text(report.gradescope_results(result, name)))
        return name, result

    from tqdm.auto import tqdm

    rows = []
    with ThreadPoolExecutor(max_workers=jobs) as pool, \
            tqdm(total=len(submissions), unit="nb", desc="grading", disable=None if progress else True,
                 file=sys.stderr) as bar:
        for row in pool.map(one, submissions):
            rows.append(row)
            bar.update(1)
    columns = [ex.id for ex in all_exercises() if any(ex.id in {e.id for e in r.exercises} for _, r in rows)]
    report.atomic_write(str(out_dir / "grades.csv"), report.grades_csv(rows, columns))
    return rows


def _cached_or_graded(path: Path, out_dir: Path, version: str, limits, slot: int, force: bool):
    data, problem = read_submission(path)
    if data is None:
        return "", SubmissionResult("", matching.UNREADABLE, problem)
    digest = hashlib.sha256(data).hexdigest()
    cache = out_dir / ".cache" / f"{digest}-{version}.json"
    if not force and cache.exists():
        try:
            return digest, SubmissionResult.from_json(json.loads(cache.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache entry is simply regraded
    result = grade_bytes(data, path.name, limits, slot)
    report.atomic_write(str(cache), json.dumps(result.to_json()))
    return digest, result


# --- the command line ---------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION_OR_FOLDER",
                        help="submitted notebooks, or folders searched for *.ipynb")
    parser.add_argument("--out", required=True, type=Path, help="output folder (grades.csv, feedback/, results/)")
    parser.add_argument("--jobs", type=int, default=None, help="submissions graded in parallel (default: cores)")
    parser.add_argument("--force", action="store_true", help="regrade even submissions found in the cache")
    parser.add_argument("--cell-timeout", type=float, default=sandbox.Limits.cell_timeout,
                        help="seconds per cell or per exercise's tests (default %(default)g)")
    parser.add_argument("--timeout", type=float, default=sandbox.Limits.timeout,
                        help="seconds per submission (default %(default)g)")
    parser.add_argument("--memory", type=int, default=sandbox.Limits.memory_mb,
                        help="memory cap per submission in MB (default %(default)d)")


def run(args) -> int:
    try:
        limits = sandbox.Limits(cell_timeout=args.cell_timeout, timeout=args.timeout, memory_mb=args.memory)
        if args.jobs is not None and args.jobs < 1:
            raise ValueError(f"--jobs: expected a positive integer, got {args.jobs}")
        for candidate in (Path(args.out), *Path(args.out).resolve().parents):
            if candidate.exists() and not candidate.is_dir():
                raise ValueError(f"--out: expected a folder for the grades, but {candidate} is a file")
        missing = [str(p) for p in args.submissions if not Path(p).exists()]
        if missing:
            raise ValueError(f"submissions: no such file or folder: {', '.join(missing)}")
        if not collect(args.submissions, Path(args.out)):
            raise ValueError(f"submissions: no *.ipynb found in {', '.join(map(str, args.submissions))}")
        start = time.monotonic()
        rows = grade_batch(args.submissions, args.out, limits, args.jobs, args.force)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot use {exc.filename or args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    ok = sum(1 for _, r in rows if r.status == matching.OK)
    print(f"graded {len(rows)} submission(s) ({ok} gradable) in {time.monotonic() - start:.1f} s: "
          f"{Path(args.out) / 'grades.csv'}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.grading.grade", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
