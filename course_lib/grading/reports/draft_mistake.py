"""Draft a bank mistake from the class report: ``python -m course_lib draft-mistake GRADES_DIR --exercise ID
--group K [--submissions DIR] [--verify]``.

The class report groups the failing answers that no mistake of the bank explains by their behaviour
(:func:`course_lib.grading.reports.class_summary.behaviour_groups`: the same outputs on the same
cases). This command prints, for group ``K`` of exercise ``ID``, a
:class:`~course_lib.grading.exercises.model.Mistake` as Python text to paste into the exercise's bank
module (it says which file and which tuple): a placeholder name and hint for the instructor to write,
and an implementation that reproduces the group's outputs.

The implementation is one of the group's answers, read from its submitted notebook under
``--submissions DIR`` (the folder given to ``grade``): the statements the answer needs, sliced as the
grader slices them (:meth:`course_lib.grading.judging.program.Program.slice`), comments and docstrings
removed, all of it inside one function so that nothing clashes with the bank module's names. Without
``--submissions`` the implementation is a stub to write, with the group's public outputs in comments.
It is a student's code: read it before pasting. ``--verify`` runs the drafted mistake on the
exercise's cases **in this process** (do it after reading it) and says on how many of the group's
failed cases it gives the group's output (:mod:`course_lib.grading.judging.fingerprint`).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import pkgutil
import textwrap
from pathlib import Path

from course_lib.grading.exercises import bank
from course_lib.grading.exercises.model import Exercise, Kind, Mistake
from course_lib.grading.judging import fingerprint, mistakes
from course_lib.grading.reports.class_summary import BehaviourGroup, ReportError, read_results, summarise

NAME_PLACEHOLDER = "TODO_name_this_mistake"
COMMENT_WIDTH = 110  # the drafted comments' width (the bank's line length is 120; the function is indented)
HINT_PLACEHOLDER = "TODO: say what this answer does wrong and what to reread, without giving the answer"


# --- the group --------------------------------------------------------------------------------------------

def find_group(grades_dir, exercise_id: str, number: int) -> tuple[BehaviourGroup, dict]:
    """Group ``number`` of ``exercise_id`` in the class report of ``grades_dir``, and ``{name: file}`` of
    the submissions read (``file``: the path below the folder ``grade`` was given).

    Raises
    ------
    ReportError
        No results, no such exercise in them, or no such group (the message names the groups there are).
    """
    summary = summarise(read_results(grades_dir))
    stats = [ex for nb in summary.notebooks for ex in nb.exercises if ex.exercise == exercise_id]
    if not stats:
        raise ReportError(f"--exercise: no graded answers to {exercise_id!r} in {grades_dir}")
    groups = stats[0].groups
    if not 1 <= number <= len(groups):
        have = f"groups 1 to {len(groups)}" if groups else "no group"
        raise ReportError(f"--group: exercise {exercise_id!r} has {have} of unexplained answers, got {number}")
    files = {s.name: s.file for s in summary.submissions}
    return groups[number - 1], files


# --- the answer's source ----------------------------------------------------------------------------------

def _without_docstrings(node: ast.AST) -> ast.AST:
    """``node`` with the docstring of every function and class in it removed (they may hold a name)."""
    for inner in ast.walk(node):
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and ast.get_docstring(inner):
            inner.body = inner.body[1:] or [ast.Pass()]
    return node


def answer_statements(notebook_bytes: bytes, exercise: Exercise) -> list:
    """The statements of a submitted notebook that ``exercise``'s answer needs, as source without comments.

    Returns an empty list when the notebook cannot be read or does not define the answer.
    """
    from course_lib.grading.exercises.notebook import read_notebook
    from course_lib.grading.judging.program import Program

    notebook = read_notebook(notebook_bytes)
    if notebook is None or notebook.status != "ok":
        return []
    cells = [c for c in notebook.code_cells if not c.is_check]
    program = Program([(f"cell {c.index + 1}", c.source) for c in cells])
    kept = program.slice([exercise.answer])
    if not any(exercise.answer in s.binds for s in kept):
        return []
    return [ast.unparse(_without_docstrings(s.node)) for s in kept]


def submission_statements(submissions_dir, group: BehaviourGroup, files: dict, exercise: Exercise) -> tuple:
    """``(member, statements)`` of the first group member whose notebook is found and defines the answer.

    Raises
    ------
    ReportError
        None of the group's notebooks is found under ``submissions_dir`` (or defines the answer).
    """
    root = Path(submissions_dir)
    if not root.is_dir():
        raise ReportError(f"--submissions: expected the folder of submitted notebooks given to `grade`, got "
                          f"{str(root)!r} ({'not a folder' if root.exists() else 'does not exist'})")
    for member in group.members:
        file = files.get(member) or f"{member}.ipynb"
        for path in (root / file, *sorted(root.rglob(Path(file).name))):
            if path.is_file():
                statements = answer_statements(path.read_bytes(), exercise)
                if statements:
                    return member, statements
    raise ReportError(f"--submissions: none of the {group.size} notebooks of group {group.number} was found under "
                      f"{root} with a definition of `{exercise.answer}`")


# --- the draft --------------------------------------------------------------------------------------------

def bank_home(exercise: Exercise) -> tuple[str, str]:
    """``(bank module file, name of the tuple holding its mistakes)`` of an exercise (the name '' if none)."""
    for info in pkgutil.iter_modules(bank.__path__):
        module = importlib.import_module(f"{bank.__name__}.{info.name}")
        if any(ex.id == exercise.id for ex in getattr(module, "EXERCISES", ())):
            path = Path(inspect.getfile(module)).relative_to(bank.PACKAGE.parent)
            name = next((n for n, v in vars(module).items() if exercise.mistakes and v is exercise.mistakes), "")
            return str(path), name
    return "", ""


def function_name(exercise: Exercise, group: BehaviourGroup) -> str:
    return f"_draft_{exercise.id.replace('-', '_')}_group{group.number}"


def _body(exercise: Exercise, statements: list) -> list:
    """The drafted function's body: the answer's statements, then the call (or, for a value, its value)."""
    if exercise.kind == Kind.VALUE:
        return [*statements, f"return {exercise.answer}"]
    return [*statements, f"return {exercise.answer}(*args)"]


def _comment(text: str) -> str:
    """``text`` as comment lines that fit the project's line length."""
    return "\n".join(textwrap.wrap(text, width=COMMENT_WIDTH, initial_indent="# ", subsequent_indent="# ",
                                    break_on_hyphens=False))


def _stub_body(group: BehaviourGroup) -> list:
    return [_comment(f"The group's output on {group.example}"),
            "raise NotImplementedError('reproduce the group\\'s outputs: run draft-mistake with --submissions to "
            "start from one of its answers')"]


def draft_text(exercise: Exercise, group: BehaviourGroup, statements=None) -> str:
    """The Python text of a drafted mistake for ``group``: a function, then the ``Mistake(...)`` line.

    Parameters
    ----------
    exercise : Exercise
    group : BehaviourGroup
    statements : list of str, optional
        The answer's statements (:func:`answer_statements`); without them, the function is a stub.
    """
    path, tuple_name = bank_home(exercise)
    name = function_name(exercise, group)
    into = f"`{tuple_name}`" if tuple_name else "the exercise's `mistakes`"
    origin = ("one of the group's answers (comments and docstrings removed): a student's code, read it before "
              "pasting" if statements else "a stub: write the mistaken computation")
    head = _comment(
        f"Drafted by `python -m course_lib draft-mistake` for exercise `{exercise.id}`, group {group.number} of the "
        f"class report: {group.size} answers that fail {', '.join(group.failed_cases)} alike, no known mistake "
        f"recognised. Paste the function into {path or 'the bank module of the exercise'} above {into} and the "
        f"Mistake into {into}; give it a name and a hint, then run `python -m course_lib hints` (docs/hints.md). "
        f"Implementation: {origin}.")
    signature = "()" if exercise.kind == Kind.VALUE else "(*args)"
    body = _body(exercise, statements) if statements else _stub_body(group)
    function = f"def {name}{signature}:\n" + textwrap.indent("\n".join(body), "    ")
    mistake = f"Mistake({NAME_PLACEHOLDER!r},\n        {HINT_PLACEHOLDER!r},\n        {name}),"
    return head + "\n\n\n" + function + "\n\n\n" + mistake + "\n"


def load_draft(text: str, exercise: Exercise, group: BehaviourGroup, name: str = NAME_PLACEHOLDER,
               hint: str = HINT_PLACEHOLDER) -> Mistake:
    """The drafted mistake as a :class:`Mistake` (runs the drafted text in this process: read it first)."""
    namespace = {"Mistake": Mistake}
    exec(compile(text, f"<draft of {exercise.id} group {group.number}>", "exec"), namespace)
    return Mistake(name, hint, namespace[function_name(exercise, group)])


def reproduced_cases(exercise: Exercise, mistake: Mistake, group: BehaviourGroup) -> list:
    """The group's failed cases on which ``mistake`` returns the group's output (same fingerprint)."""
    cases = dict(zip(_case_keys(exercise), (case for case, _ in exercise.cases(include_hidden=True))))
    found = []
    for key, digest in group.behaviour:
        if key in cases:
            output = mistakes.mistake_output(exercise, mistake, cases[key])
            if output is not mistakes._UNSET and fingerprint.fingerprint(output) == digest:
                found.append(key)
    return found


def _case_keys(exercise: Exercise) -> list:
    return [f"public {k}" for k in range(1, len(exercise.public) + 1)] + \
           [f"hidden {k}" for k in range(1, len(exercise.hidden) + 1)]


# --- the command ------------------------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("grades_dir", type=Path, metavar="GRADES_DIR", help="the folder the class report reads")
    parser.add_argument("--exercise", required=True, metavar="ID", help="the exercise id (as in the report)")
    parser.add_argument("--group", required=True, type=int, metavar="K", help="the group's number in the report")
    parser.add_argument("--submissions", type=Path, default=None, metavar="DIR",
                        help="the folder of submitted notebooks given to `grade` (the draft starts from one answer)")
    parser.add_argument("--verify", action="store_true",
                        help="run the drafted mistake here on the exercise's cases and say which of the group's "
                             "outputs it reproduces (it is a student's code: read it first)")


def run(args) -> int:
    try:
        exercise = bank.get(args.exercise)
    except KeyError as exc:
        raise ValueError(f"--exercise: {exc.args[0].removeprefix('exercise_id: ')}") from None
    group, files = find_group(args.grades_dir, exercise.id, args.group)
    statements = None
    if args.submissions is not None:
        _, statements = submission_statements(args.submissions, group, files, exercise)
    text = draft_text(exercise, group, statements)
    print(text, end="")
    if args.verify:
        found = reproduced_cases(exercise, load_draft(text, exercise, group), group)
        print(f"\n# verify: the draft gives the group's output on {len(found)} of its {len(group.behaviour)} failed "
              f"cases" + (f" (not on {', '.join(k for k, _ in group.behaviour if k not in found)})"
                          if len(found) < len(group.behaviour) else ""))
    return 0
