"""The autograder: ``python -m course_lib grade SUBMISSION_OR_FOLDER... --out DIR``.

For each submitted notebook (a file, or every ``*.ipynb`` under a folder):

1. read its bytes (read-only, never modified) and parse it (:mod:`.matching`): a bad file
   gets a status and 0; tell which workbook notebook it is;
2. put its code cells in the order the student ran them, the instructor's locked cells
   taken from the trusted source notebook and check cells left out
   (:func:`submission.run_order`), and keep the statements the answers need
   (:meth:`program.Program.slice`: helpers, constants, imports in any cell count; plots,
   prints and experiments are skipped);
3. run them, then call each answer on its cases one at a time (every public case of every
   exercise before any hidden one), in a fresh sandbox (:mod:`.sandbox`): plain data
   comes back, nothing else;
4. judge every reply here, with the one judge ``check`` uses (:func:`judge.judge`); an
   exercise scores its points only if every case passes; a cell that failed costs only the
   answers that depend on it, and their feedback says which cell and why;
5. write ``DIR/grades.csv`` (one row per file), ``DIR/exercises.csv`` (one row per graded
   exercise: status, mistakes, failed cases), ``DIR/feedback/<name>.md``,
   ``DIR/results/<name>.json`` (Gradescope's format, with the diagnosis in ``extra_data``) and
   ``DIR/written/<name>.md`` (answers to written questions, for the instructor to mark), each
   atomically. A file that cannot be written costs that submission a status, never the batch;
   then the class report (``DIR/report/``, :mod:`.class_report`).

Finished submissions are cached in ``DIR/.cache`` under a key covering everything that can
change a grade (the submission, all of course_lib, the source notebooks, numpy's version,
the limits, the isolation), each entry signed with a secret kept in ``DIR/.cache`` (HMAC):
an entry the grader did not write is ignored.
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
from functools import lru_cache
from pathlib import Path

import numpy as np

from course_lib._paths import check_folder
from course_lib.grading.autograde import sandbox, submission
from course_lib.grading.exercises import model, plain
from course_lib.grading.exercises import notebook as notebook_io
from course_lib.grading.exercises.bank import all_exercises, for_notebook
from course_lib.grading.judging import judge, program
from course_lib.grading.judging.results import CaseResult, ExerciseResult, SubmissionResult
from course_lib.grading.reports import outputs
from course_lib.grading.statuses import CaseOutcome, Status, SubmissionStatus

GRADER_ERROR = SubmissionStatus.GRADER_ERROR
PACKAGE_DIR = Path(__file__).resolve().parents[2]
SOURCE_DIR = PACKAGE_DIR.parent / "notebooks"  # the instructor's source notebooks (also in the Gradescope bundle)


# --- the bank and the sources, prepared once ---------------------------------------------------------

def _exercises_by_notebook() -> dict:
    out = {}
    for ex in all_exercises():
        out.setdefault(ex.notebook, []).append(ex)
    return out


def _cases(ex) -> list:
    """``(case, hidden)`` pairs; a value exercise without cases is judged once."""
    return ex.cases(include_hidden=True) or [(model.Case(), False)]


@lru_cache(maxsize=None)
def _encoded_args(exercise_id: str, index: int) -> list:
    from course_lib.grading.exercises.bank import get

    ex = get(exercise_id)
    case = _cases(ex)[index][0]
    return [] if ex.kind == "value" else [plain.encode(a if isinstance(a, plain.Fixture) else plain.to_plain(a))
                                          for a in case.args]


@lru_cache(maxsize=None)
def _expected(exercise_id: str, index: int):
    """The reference's output on case ``index``, computed once per grader process."""
    from course_lib.grading.exercises.bank import get

    ex = get(exercise_id)
    with np.errstate(all="ignore"):
        return model.expected_output(ex, _cases(ex)[index][0])


@lru_cache(maxsize=None)
def source_cells(stem: str):
    """The trusted source notebook's cells for ``stem`` (None if there is no such source)."""
    path = SOURCE_DIR / f"{stem}.ipynb"
    try:
        notebook = notebook_io.read_notebook(path.read_bytes())
    except OSError:
        return None
    return notebook.cells if notebook.status == SubmissionStatus.OK else None


def grader_version(limits: sandbox.Limits) -> str:
    """A hash of everything that can change a grade: course_lib, the sources, numpy, limits, isolation."""
    digest = hashlib.sha256(repr(limits).encode() + np.__version__.encode() + sandbox.isolation().encode())
    files = [(p.relative_to(PACKAGE_DIR).as_posix(), p) for p in sorted(PACKAGE_DIR.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts]
    files += [(f"notebooks/{p.name}", p) for p in sorted(SOURCE_DIR.glob("*.ipynb"))] if SOURCE_DIR.is_dir() else []
    for name, path in files:
        digest.update(name.encode() + b"\0" + path.read_bytes())
    for ex in all_exercises():  # exercises registered at run time (tests) count too
        digest.update(repr((ex.id, ex.notebook, ex.answer, ex.points, len(ex.public), len(ex.hidden))).encode())
    return digest.hexdigest()[:24]


# --- one submission ------------------------------------------------------------------------------------

def _plan(cells: list, exercises: list):
    """The program, the statements to run grouped by cell, each exercise's slice and findings."""
    prog = program.Program(cells)
    slices = {ex.id: _with_cell_prefixes(prog, prog.slice([ex.answer])) for ex in exercises}
    kept = {id(s) for statements in slices.values() for s in statements}
    groups: dict[int, list] = {}
    for statement in prog.statements:
        if id(statement) in kept:
            groups.setdefault(statement.cell, []).append(statement)
    findings = {ex.id: prog.answer_findings(ex.answer, ex.forbidden) if ex.kind == "function" else None
                for ex in exercises}
    return prog, groups, slices, findings


def _with_cell_prefixes(prog, statements: list) -> list:
    """``statements`` plus, in the student's own cells, every statement above a kept one: in the
    student's kernel a statement that raised stopped its cell, so what follows it was never defined."""
    last = {}
    for statement in statements:
        last[statement.cell] = max(last.get(statement.cell, 0), statement.line)
    kept = {id(s) for s in statements}
    return [s for s in prog.statements if id(s) in kept or (
        s.cell in last and s.line <= last[s.cell] and not prog.cells[s.cell].label.startswith("the provided"))]


def _cell_problem(prog, ex, statements: list, exec_replies: dict) -> str:
    """Why the cells ``ex``'s answer depends on did not all run, or ''."""
    for statement in statements:
        reply = exec_replies.get(statement.cell)
        label = prog.cells[statement.cell].label
        if reply is None:
            continue
        cut = reply.get("killed")
        error = reply.get("error")
        ran = reply.get("_ran", [])
        if cut and statement in reply.get("_statements", []):
            return f"{label}, which `{ex.answer}` needs, did not finish ({reply.get('detail', cut)})"
        if error and statement not in ran:
            names = ", ".join(f"`{n}`" for n in sorted(statement.binds)[:3]) or "what follows"
            return (f"{label}, which `{ex.answer}` needs, raised {judge._error_text(error)} at line "
                    f"{reply.get('_line', '?')}, so {names} was not defined as it should be")
    for statement in statements:
        if prog.cells[statement.cell].problem:
            return f"{prog.cells[statement.cell].label} was not run: {prog.cells[statement.cell].problem}"
    return ""


def grade_bytes(data: bytes, filename: str, limits: sandbox.Limits, slot: int | None = None) -> SubmissionResult:
    """Grade one submission's bytes (``filename`` only helps to tell which notebook it is).

    ``slot``: the batch's parallel lane, whose next sandbox starts ahead (None: no sandbox is left running).
    """
    notebook = notebook_io.read_notebook(data)
    if notebook.status != SubmissionStatus.OK:
        return SubmissionResult("", notebook.status, notebook.message)
    stem = submission.identify_notebook(notebook.cells, filename, _exercises_by_notebook())
    if stem is None:
        return SubmissionResult("", SubmissionStatus.WRONG_NOTEBOOK,
                                "none of this workbook's exercises was found in it (another assignment?)")
    exercises = for_notebook(stem)
    max_score = float(sum(ex.points for ex in exercises))
    cells = submission.run_order(notebook.cells, source_cells(stem))
    prog, groups, slices, findings = _plan(cells, exercises)
    steps, exec_at, case_at = [], {}, {}
    for cell, statements in sorted(groups.items()):
        exec_at[cell] = len(steps)
        steps.append(sandbox.Step({"op": "exec", "statements": [s.source for s in statements],
                                   "filename": f"<{prog.cells[cell].label}>"}, replay=True))
    defined = {ex.id: prog.defining_statement(ex.answer) is not None for ex in exercises}
    for hidden in (False, True):  # every public case before any hidden input enters the sandbox
        for ex in exercises:
            if not defined[ex.id]:
                continue
            for index, (_, is_hidden) in enumerate(_cases(ex)):
                if is_hidden == hidden:
                    case_at[(ex.id, index)] = len(steps)
                    steps.append(sandbox.Step({"op": "case", "name": ex.answer, "kind": ex.kind,
                                               "args": _encoded_args(ex.id, index)}))
    replies = sandbox.run_steps(steps, limits, slot) if steps else []
    exec_replies = {}
    for cell, position in exec_at.items():
        reply = dict(replies[position])
        statements = groups[cell]
        failed_at = reply.get("statement") if "error" in reply else None
        reply["_statements"] = statements
        reply["_ran"] = statements if failed_at is None and "killed" not in reply else statements[:failed_at or 0]
        if failed_at is not None and failed_at < len(statements):
            reply["_line"] = statements[failed_at].line
        exec_replies[cell] = reply
    results = [_judge_exercise(ex, prog, slices[ex.id], findings[ex.id], defined[ex.id], exec_replies,
                               [_decoded(replies[case_at[(ex.id, i)]]) if (ex.id, i) in case_at else
                                {"killed": "not run", "detail": "not run"} for i in range(len(_cases(ex)))])
               for ex in exercises]
    message = ""
    if any(r.get("detail") == "the submission's time limit" for r in replies if r):
        message = f"The submission's time limit ({limits.timeout:g} s) was reached."
    result = SubmissionResult(stem, SubmissionStatus.OK, message, results, max_score, sandbox.isolation())
    result.written = _written_answers(notebook.cells)
    return result


def _decoded(reply: dict) -> dict:
    if "value" not in reply:
        return reply
    try:
        return {**reply, "value": plain.decode(reply["value"])}
    except plain.PlainDataError as exc:
        return {"not_plain": str(exc)[:200]}


def _judge_exercise(ex, prog, statements, findings, defined, exec_replies, replies) -> ExerciseResult:
    result = ExerciseResult(ex.id, ex.title, float(ex.points), 0.0, Status.FAILED)
    problem = _cell_problem(prog, ex, statements, exec_replies)
    if not defined:
        broken = next((c for c in prog.cells if c.problem and ex.answer in
                       notebook_io.NotebookCell(0, "code", c.source).defines), None)
        if broken is not None:
            result.status, result.message = Status.ERROR, f"{broken.label} defines `{ex.answer}` but {broken.problem}"
        else:
            result.status, result.message = Status.MISSING, f"no cell defines `{ex.answer}`"
        return result
    if all(r.get("missing") for r in replies):
        cut = next((exec_replies[s.cell] for s in statements if s.cell in exec_replies and (
            "killed" in exec_replies[s.cell] or "error" in exec_replies[s.cell])), None)
        if cut is None:
            result.status = Status.MISSING
        elif "killed" in cut:
            result.status = judge._KILLED.get(cut["killed"], Status.CRASHED)
        else:
            result.status = judge._error_status(cut["error"])
        result.message = problem or f"the cells ran but did not define `{ex.answer}`"
        return result
    cases = _cases(ex)
    verdict = judge.judge(ex, cases, replies, findings, expected=lambda index: _expected(ex.id, index))
    result.status, result.score, result.message, result.hint = (verdict.status, verdict.score, verdict.message,
                                                                verdict.hint)
    result.mistakes = list(verdict.mistakes)
    result.hints = {m.name: m.hint for m in ex.mistakes if m.name in result.mistakes}
    for case in verdict.cases:
        result.cases.append(CaseResult(case.label, case.hidden, case.passed, case.message,
                                       case.outcome if not case.passed else CaseOutcome.PASSED))
    if result.status != Status.PASSED and problem:
        result.message = f"{problem}. {result.message}".strip() if result.message else problem
    return result


def _written_answers(cells: list) -> dict:
    """The student's answers to written questions (markdown cells marked ``course_lib.role: written``)."""
    found = {}
    for cell in cells:
        ours = cell.metadata.get("course_lib")
        if cell.cell_type == "markdown" and isinstance(ours, dict) and ours.get("role") == "written":
            found[str(ours.get("exercise", f"cell {cell.index}"))[:80]] = cell.source[:20_000]
    return found


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
    result = grade_bytes(data, path.name, limits, slot)
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


def grade_batch(paths: list, out_dir, limits: sandbox.Limits | None = None, jobs: int | None = None,
                force: bool = False, progress: bool = True,
                class_report: bool = False) -> list[tuple[str, SubmissionResult]]:
    """Grade every submission under ``paths`` into ``out_dir``; ``(name, result)`` per submission.

    With ``class_report``, also write ``out_dir/report/class_report.html`` and its tables
    (:mod:`.class_report`); the command line always does.
    """
    limits = limits or sandbox.Limits()
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
    outputs.atomic_write(str(out_dir / "grading.json"), json.dumps(
        {"isolation": sandbox.isolation(), "grader_version": version, "limits": repr(limits),
         "submissions": len(rows)}, indent=1) + "\n")
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
    parser.add_argument("--cell-timeout", type=float, default=sandbox.Limits.cell_timeout,
                        help="seconds per cell or per test case (default %(default)g)")
    parser.add_argument("--timeout", type=float, default=sandbox.Limits.timeout,
                        help="seconds per submission (default %(default)g)")
    parser.add_argument("--memory", type=int, default=sandbox.Limits.memory_mb,
                        help="memory cap per submission in MB (default %(default)d)")


def run(args) -> int:
    limits = sandbox.Limits(cell_timeout=args.cell_timeout, timeout=args.timeout, memory_mb=args.memory)
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
    isolation = sandbox.isolation()
    if isolation != "bubblewrap":
        print(f"warning: isolation is {isolation}", file=sys.stderr)
    print(f"graded {len(rows)} submission(s) ({ok} gradable) in {time.monotonic() - start:.1f} s: "
          f"{Path(args.out) / 'grades.csv'}")
    page = Path(args.out) / "report" / "class_report.html"
    if page.exists():
        print(f"class report: {page}")
    return 0
