"""Grading one submitted notebook: :func:`grade_bytes` (the batch around it is :mod:`.batch`).

1. parse the submission (:mod:`course_lib.grading.exercises.notebook`): a bad file gets a status and 0;
   tell which workbook notebook it is (:mod:`.submission`);
2. put its code cells in the order the student ran them, the instructor's locked cells taken from the
   trusted source notebook and check cells left out (:func:`submission.run_order`), and keep the
   statements the answers need (:meth:`program.Program.slice`: helpers, constants, imports in any cell
   count; plots, prints and experiments are skipped);
3. run them, then call each answer on its cases one at a time (every public case of every exercise
   before any hidden one), in a fresh sandbox (:mod:`.sandbox`): plain data comes back, nothing else;
4. judge every reply here, with the one judge ``check`` uses (:func:`judge.judge`); a cell that failed
   costs only the answers that depend on it, and their feedback says which cell and why.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from course_lib.grading.autograde import isolation, sandbox, submission
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.exercises import model, plain
from course_lib.grading.exercises import notebook as notebook_io
from course_lib.grading.exercises.bank import all_exercises, for_notebook
from course_lib.grading.judging import judge, program
from course_lib.grading.judging.results import CaseResult, ExerciseResult, SubmissionResult
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


def grade_bytes(data: bytes, filename: str, limits: Limits, slot: int | None = None) -> SubmissionResult:
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
    result = SubmissionResult(stem, SubmissionStatus.OK, message, results, max_score, isolation.isolation())
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
