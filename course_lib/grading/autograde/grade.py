"""Grading one submitted notebook: :func:`grade_bytes` (the batch around it is :mod:`.batch`).

The grader's program is the notebook run top to bottom, as a kernel runs it:

1. parse the submission (:mod:`course_lib.grading.exercises.notebook`): a bad file gets a status and 0;
   tell which workbook notebook it is (:mod:`.submission`);
2. its code cells in the notebook's order (:func:`submission.run_order`): the instructor's locked
   cells as the trusted source notebook has them, a deleted provided cell put back, check cells
   left out; each cell's source as IPython's input transformer makes it
   (:func:`course_lib.grading.judging.program.kernel_source`);
3. in a fresh sandbox (:class:`.sandbox.Session`), run every cell in order in one namespace. A cell
   that raises stops that cell only; one that runs out of its time is interrupted like a kernel
   interrupt (the namespace survives), or, if it cannot be, the sandbox is restarted and the cells
   before it replayed. Then each answer is called on its cases one at a time, every public case of
   every exercise before any hidden one, and a loop-free answer's Python steps are counted on its
   two declared inputs (after the public cases, before any hidden input enters the sandbox);
4. judge every reply here, with the one judge ``check`` uses (:func:`judge.judge`). A cell that
   stopped early costs only the answers that use what it did not define, and their feedback names
   it: the cell's label, first line, what stopped it and the names it did not define.

What the grader holds of a submission is bounded: each reply by :data:`.protocol.REPLY_BYTES` and
:data:`.protocol.REPLY_VALUES` (checked before it is parsed), the case values waiting to be judged by
:data:`.held.MAX_HELD_BYTES` together (:class:`.held.HeldReplies`, as each reply arrives), and the result
keeps no case's value (what ``check()`` shows of them is for the notebook: a result read back from the
cache has none either).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from course_lib.grading.autograde import isolation, protocol, sandbox, submission
from course_lib.grading.autograde.held import HeldReplies
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.autograde.protocol import CellStop
from course_lib.grading.exercises import model, plain
from course_lib.grading.exercises import notebook as notebook_io
from course_lib.grading.exercises.bank import all_exercises, for_notebook
from course_lib.grading.exercises.course_config import CourseConfig
from course_lib.grading.judging import judge, program
from course_lib.grading.judging.conduct import LoopMeasure
from course_lib.grading.judging.results import ExerciseResult, SubmissionResult
from course_lib.grading.judging.running import CaseReply, Cut
from course_lib.grading.statuses import Status, SubmissionStatus

GRADER_ERROR = SubmissionStatus.GRADER_ERROR
PACKAGE_DIR = Path(__file__).resolve().parents[2]
SOURCE_DIR = PACKAGE_DIR.parent / "notebooks"  # the instructor's source notebooks (also in the Gradescope bundle)
_UNDEFINED_NAME = re.compile(r"name '(\w+)' is not defined")


# --- the bank and the sources, prepared once ---------------------------------------------------------

def _exercises_by_notebook() -> dict:
    out = {}
    for ex in all_exercises():
        out.setdefault(ex.notebook, []).append(ex)
    return out


def _cases(ex) -> list:
    """``(case, hidden)`` pairs; a value exercise without cases is judged once."""
    return ex.cases(include_hidden=True) or [(model.Case(), False)]


def _encoded(args: tuple) -> tuple:
    return tuple(plain.encode(a if isinstance(a, plain.Fixture) else plain.to_plain(a)) for a in args)


@lru_cache(maxsize=None)
def _encoded_args(exercise_id: str, index: int) -> tuple:
    from course_lib.grading.exercises.bank import get

    ex = get(exercise_id)
    return () if ex.kind == model.Kind.VALUE else _encoded(_cases(ex)[index][0].args)


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

@dataclass
class _Cell:
    """A cell of the run order, prepared: its kernel source (or why it cannot run), and how it ended."""

    entry: submission.RunEntry
    source: str = ""
    problem: str = ""
    reply: protocol.CellReply | None = None

    @property
    def filename(self) -> str:
        return f"<{self.entry.label}>"

    @property
    def first_line(self) -> str:
        line = next((x.strip() for x in self.entry.source.split("\n") if x.strip()), "")
        return line if len(line) <= 50 else line[:47] + "..."

    def binds(self, from_line: int | None = None) -> set:
        """The names its top-level statements bind (from a line on); a cell too long to run is only looked at."""
        if self.problem:
            return set(notebook_io.NotebookCell(0, "code", self.entry.source).defines)
        return program.bindings(self.source, from_line)

    @property
    def stopped(self) -> bool:
        return bool(self.problem) or (self.reply is not None and self.reply.stop != CellStop.COMPLETED)


def _prepare(entries: list) -> list:
    cells, budget = [], program.MAX_PROGRAM_CHARS
    for entry in entries:
        cell = _Cell(entry)
        size = len(entry.source)
        if size > program.MAX_CELL_CHARS or size > budget:
            cell.problem = (f"it is too long to grade ({size:,} characters; at most "
                            f"{min(program.MAX_CELL_CHARS, budget):,})")
        else:
            budget -= size
            cell.source = program.kernel_source(entry.source)
        cells.append(cell)
    return cells


def grade_bytes(data: bytes, filename: str, limits: Limits, slot: int | None = None,
                course: CourseConfig | None = None, more=None) -> SubmissionResult:
    """Grade one submission's bytes (``filename`` only helps to tell which notebook it is).

    ``slot``: the batch's parallel lane, whose next sandbox starts ahead (None: no sandbox is left running),
    if ``more()`` (default: always) says another submission waits when this one ends.
    ``course``: the course's settings (its scoring overrides); None: the bank's declarations.
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
    cells = _prepare(submission.run_order(notebook.cells, source_cells(stem)))
    replies = {ex.id: [None] * len(_cases(ex)) for ex in exercises}
    held = HeldReplies()  # what waits to be judged, bounded as each reply arrives
    loops = {}
    with sandbox.Session(limits, slot, more) as session:
        for cell in cells:
            if not cell.problem:
                cell.reply = session.run(protocol.RunCell(cell.source, cell.filename, limits.cell_timeout))
        described = session.run(protocol.Describe(tuple(ex.answer for ex in exercises)))
        defined = [ex for ex in exercises if described.defined.get(ex.answer)]
        for hidden in (False, True):  # every public case before any hidden input enters the sandbox
            for ex in defined:
                for index, (_, is_hidden) in enumerate(_cases(ex)):
                    if is_hidden == hidden:
                        replies[ex.id][index] = held.hold(session.run(protocol.RunCase(
                            ex.answer, ex.kind.value, _encoded_args(ex.id, index), tuple(sorted(ex.forbidden)),
                            limits.cell_timeout)))
            if not hidden:
                for ex in defined:
                    if ex.loop_free:
                        small, large = ex.loop_probe
                        loops[ex.id] = session.run(protocol.MeasureLoops(ex.answer, _encoded(small.args),
                                                                         _encoded(large.args), limits.cell_timeout))
    if session.too_busy:
        return SubmissionResult(stem, GRADER_ERROR, f"the grading machine was too busy: {session.retried} steps "
                                f"could not get their share of it; grade this submission again", [], max_score,
                                isolation.isolation(), retried_steps=session.retried)
    course = course or CourseConfig()
    results = [_without_values(_judge_exercise(ex, cells, described, replies[ex.id], loops.get(ex.id), limits,
                                               course.rule_for(ex)))
               for ex in exercises]
    cut = [r for rs in replies.values() for r in rs if r is not None and r.cut == Cut.SUBMISSION_TIME]
    cut += [c for c in cells if c.reply is not None and c.reply.cut == Cut.SUBMISSION_TIME]
    message = (f"The submission's time limit ({limits.timeout:g} s of its own time) was reached; what came after "
               f"did not run." if cut else "")
    result = SubmissionResult(stem, SubmissionStatus.OK, message, results, max_score, isolation.isolation(),
                              retried_steps=session.retried)
    result.written = _written_answers(notebook.cells)
    return result


# --- judging one exercise ----------------------------------------------------------------------------

def _measure(ex, reply) -> LoopMeasure | None:
    if reply is None:
        return None
    labels = tuple(case.label for case in ex.loop_probe)
    if reply.measure is None or reply.interrupted:
        return LoopMeasure(problem="its time was up while its steps were counted", raised=True, labels=labels)
    return replace(reply.measure, labels=labels)


_STATUS_OF_STOP = {Cut.TIMEOUT: Status.TIMEOUT, Cut.CRASHED: Status.CRASHED, Cut.MEMORY: Status.MEMORY,
                   Cut.NOT_RUN: Status.CRASHED, Cut.SUBMISSION_TIME: Status.TIMEOUT}


def _stop_status(cell: _Cell) -> Status:
    if cell.problem or cell.reply is None:
        return Status.ERROR
    if cell.reply.stop == CellStop.INTERRUPTED:
        return Status.TIMEOUT
    if cell.reply.stop == CellStop.RAISED:
        return judge.error_status(cell.reply.error)
    return _STATUS_OF_STOP.get(cell.reply.cut, Status.CRASHED)


def _what_stopped(cell: _Cell, limits: Limits) -> str:
    reply, where = cell.reply, ""
    if cell.problem:
        return f"was not run: {cell.problem}"
    if reply.error is not None and reply.error.line:
        where = f" at line {reply.error.line}"
    if reply.stop == CellStop.RAISED:
        return f"raised {reply.error.text}{where}"
    if reply.stop == CellStop.INTERRUPTED:
        return f"did not finish in its time ({limits.cell_timeout:g} s) and was interrupted{where}"
    return {Cut.TIMEOUT: "did not finish in its time and could not be interrupted (the notebook was run again "
                         "without it)",
            Cut.CRASHED: f"crashed the kernel ({reply.detail})",
            Cut.MEMORY: "ran out of memory",
            }.get(reply.cut, f"did not run ({reply.detail})")


def _cell_problem(ex, cells: list, needed: set, limits: Limits) -> tuple:
    """``(the cell, its message)`` of the first cell that stopped before defining a name in ``needed``."""
    for cell in cells:
        if not cell.stopped:
            continue
        line = cell.reply.error.line if cell.reply is not None and cell.reply.error is not None else None
        lost = cell.binds(line) & needed
        if lost:
            names = ", ".join(f"`{n}`" for n in sorted(lost)[:3])
            uses = "" if lost == {ex.answer} else f", which `{ex.answer}` uses"
            return cell, (f"{cell.entry.label} (`{cell.first_line}`) {_what_stopped(cell, limits)}, so {names} "
                          f"{'was' if len(lost) == 1 else 'were'} not defined as in a notebook run top to bottom"
                          f"{uses}")
    return None, ""


def _judge_exercise(ex, cells, described, replies, loop_reply, limits, rule=None) -> ExerciseResult:
    needed = {ex.answer, *described.reads.get(ex.answer, ())}
    for reply in replies:
        if reply is not None and reply.error is not None:
            needed.update(_UNDEFINED_NAME.findall(reply.error.message))
    culprit, problem = _cell_problem(ex, cells, needed, limits)
    if not described.defined.get(ex.answer):
        result = ExerciseResult(ex.id, ex.title, float(ex.points), 0.0, Status.MISSING,
                                scoring=(rule or ex.rule).describe())
        if culprit is not None:
            result.status, result.message = _stop_status(culprit), problem
        elif any(ex.answer in c.binds() for c in cells):
            result.message = f"the cells ran but did not leave `{ex.answer}` defined"
        else:
            result.message = f"no cell defines `{ex.answer}`"
        return result
    cases = _cases(ex)
    case_replies = [r if r is not None else CaseReply.cut_short(Cut.NOT_RUN) for r in replies]
    result = judge.judge(ex, cases, case_replies, _measure(ex, loop_reply),
                         expected=lambda index: _expected(ex.id, index), rule=rule)
    if result.status != Status.PASSED and problem:
        result.message = f"{problem}. {result.message}".strip() if result.message else problem
    return result


def _without_values(result: ExerciseResult) -> ExerciseResult:
    """The result without what only ``check()`` shows (each case's expected and actual values, its hint):
    as the cache gives it back, holding none of the submission's outputs but a failed case's fingerprint and
    a failed public case's one-line summary (:mod:`course_lib.grading.judging.fingerprint`, for the class report)."""
    for case in result.cases:
        case.expected = case.actual = None
        case.hint = ""
    return result


def _written_answers(cells: list) -> dict:
    """The student's answers to written questions (markdown cells marked ``course_lib.role: written``)."""
    found = {}
    for cell in cells:
        ours = cell.metadata.get("course_lib")
        if cell.cell_type == "markdown" and isinstance(ours, dict) and ours.get("role") == "written":
            found[str(ours.get("exercise", f"cell {cell.index}"))[:80]] = cell.source[:20_000]
    return found
