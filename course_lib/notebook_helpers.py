"""Helpers for notebook cells: let "Run All" pass experiments that need an answer not written yet.

An experiment cell that calls the student's answer (``regularized_objective(W, ...)``) or an earlier
answer (``cl.mine("svm_vectorized")(...)``) would stop "Run All" while that answer is still the stub
(it raises ``NotImplementedError``) or not available (a ``Missing`` stand-in raises ``AnswerMissing``).
Wrap the cell body instead::

    with needs_answer("regularized_objective"):
        loss, dW = regularized_objective(W, X, y, 0.1, "l2")
        print(loss)

In a graded release, course_lib's own losses and update rules run the student's answers too
(:mod:`course_lib.answers`), so experiments that call them are wrapped the same way, without ids:
``with needs_answer(): ...``.

When the answer is not there yet, the block stops at the first call and prints one line on stdout (so that
stored outputs stay clean) instead of a traceback. Every such line starts with ``(skipped:`` and names
each exercise it waits on as ``exercise `id```, so that a reader (and the progressive test) can tell
which exercise, in which notebook, it waits on. Everything else raises as usual, except a ``NameError``
after an earlier block was skipped: that name is a result the skipped experiment would have made, so the
block is skipped too, naming the exercises that the skipped cell defining that name waited on (every skip's
exercises when no skipped cell assigned it, e.g. outside IPython). Once the answer is written, the same cell
runs normally.
"""

from __future__ import annotations

import ast
import traceback

from course_lib.answers import RELEASE_MODES, AnswerMissing, release_mode

#: What an answer that is not written yet raises: the release's stub, or ``mine()``'s stand-in.
NOT_YET = (NotImplementedError, AnswerMissing)
SKIPPED = "(skipped:"  # how every skip line starts
_skipped_so_far: tuple = ()  # the exercises the kernel's skipped blocks waited on (a later NameError is theirs)
_skipped_names: dict = {}  # a name a skipped cell assigns -> the exercises that cell waited on


def _names_the_running_cell_assigns() -> set:
    """The names the IPython cell running now binds anywhere in its source (empty outside IPython)."""
    try:
        from IPython import get_ipython

        source = get_ipython().user_ns["_ih"][-1]
        tree = ast.parse(source)
    except Exception:  # not in IPython, or a cell IPython transformed into something ast cannot read
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _exercises_by_answer() -> dict:
    """``{answer name: exercise}`` of the bank (empty when the bank cannot be read)."""
    try:
        from course_lib.grading.exercises import bank

        return {exercise.answer: exercise for exercise in bank.all_exercises()}
    except Exception:  # a skip line must not fail because the bank does
        return {}


def _stub_exercises(tb, ids: tuple) -> list:
    """The exercises whose stub raised: functions in the traceback that are answers, innermost first."""
    by_answer = _exercises_by_answer()
    found = []
    for frame in reversed(traceback.extract_tb(tb)):
        exercise = by_answer.get(frame.name)
        if exercise is not None and exercise not in found:
            found.append(exercise)
    named = [e for e in found if e.id in ids] or found
    if named:
        return named[:1]
    known = {e.id: e for e in by_answer.values()}
    return [known[i] for i in ids if i in known]


def _undefined_answer(exc: NameError, ids: tuple):
    """The exercise among ``ids`` whose answer's name ``exc`` says is not defined, or None."""
    exercise = _exercises_by_answer().get(getattr(exc, "name", None))
    return exercise if exercise is not None and exercise.id in ids else None


def _not_written_line(exercises: list, ids: tuple) -> str:
    if not exercises:
        names = ", ".join(f"exercise `{e}`" for e in ids) or "an exercise above"
        return (f"{SKIPPED} this cell needs your answer to {names}, which is still the stub; write it and run its "
                f"check cell, then run this cell again)")
    exercise = exercises[0]
    return (f"{SKIPPED} this cell runs your `{exercise.answer}` (exercise `{exercise.id}`, "
            f"{exercise.notebook}.ipynb), which is still the stub; write it and run its check cell, "
            f"then run this cell again)")


class NotCommitted(NotImplementedError):
    """A prediction is still its stub (None): what :func:`committed` raises inside ``needs_answer``."""


def committed(*answers) -> None:
    """Stop a reveal while a prediction is still ``None`` (its stub), so that "Run All" shows no answer first.

    Use it first thing inside ``with needs_answer("svm_predictions"):`` in a cell that reveals what the
    prediction asked: the cell is skipped, with one line, until the student has committed.

    Parameters
    ----------
    *answers : object
        The prediction variables (tuples once written).

    Raises
    ------
    NotCommitted
        When any of them is None.
    """
    if any(answer is None for answer in answers):
        raise NotCommitted()


class needs_answer:  # noqa: N801 (used like a function: ``with needs_answer("id"):``)
    """Context manager: skip the rest of a cell, with a one-line note, while an answer is not written.

    Parameters
    ----------
    *exercise_ids : str
        The exercises whose answers the block calls directly. Without ids, the note is the message of
        the ``AnswerMissing`` that stopped the block, or names the answer whose stub raised.

    Attributes
    ----------
    skipped : bool
        True when the block stopped because an answer was missing (or, in a student's copy, because a claim
        the block asserts fails with the student's answer: an ``AssertionError``, told in one line; in the
        course repository it is raised, so that CI sees a claim the source solutions break).
    waits_on : tuple of str
        The exercise ids the note named ("" when none could be told).
    """

    def __init__(self, *exercise_ids: str):
        if not all(isinstance(e, str) and e for e in exercise_ids):
            raise ValueError(f"exercise_ids: expected exercise ids (non-empty strings), got {exercise_ids!r}")
        self.exercise_ids = exercise_ids
        self.skipped = False
        self.waits_on: tuple = ()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        global _skipped_so_far
        undefined = _undefined_answer(exc, self.exercise_ids) if exc_type is not None and issubclass(
            exc_type, NameError) else None  # the answer's cell has not run in this kernel (a restart, say)
        if exc_type is not None and issubclass(exc_type, NameError) and _skipped_so_far and undefined is None:
            # a name that a skipped experiment above would have defined
            self.skipped = True
            self.waits_on = _skipped_names.get(getattr(exc, "name", None)) or _skipped_so_far
            names = ", ".join(f"exercise `{e}`" for e in self.waits_on)
            print(f"{SKIPPED} this cell uses the results of a skipped cell above ({exc}), which needs your answer "
                  f"to {names}; once that runs, run this cell again)")
            return True
        wrong = exc_type is not None and issubclass(exc_type, AssertionError) and bool(self.exercise_ids) and \
            release_mode() in RELEASE_MODES  # a student's copy: an experiment's claim fails with their answer
        if exc_type is None or not (wrong or undefined or issubclass(exc_type, NOT_YET)):
            return False
        self.skipped = True
        if undefined is not None:
            self.waits_on = (undefined.id,)
            print(f"{SKIPPED} this cell runs your `{undefined.answer}` (exercise `{undefined.id}`), which this kernel "
                  f"has not defined: run its answer cell (or Run All), then run this cell again)")
        elif wrong:
            self.waits_on = self.exercise_ids
            names = ", ".join(f"exercise `{e}`" for e in self.exercise_ids)
            print(f"{SKIPPED} this experiment does not come out as it should with your answer to {names}: run its "
                  f"check cell, fix what it says, then run this cell again; the cells below still run)")
        elif issubclass(exc_type, AnswerMissing) and str(exc):
            # course_lib's own functions in a graded release run your answers: the message names the exercise
            first_line = str(exc).splitlines()[0]
            self.waits_on = tuple(getattr(exc, "exercise_ids", ())) or _named_ids(first_line)
            print(f"{SKIPPED} this cell needs your answer to {first_line}; then run this cell again)")
        elif issubclass(exc_type, NotCommitted):
            self.waits_on = self.exercise_ids
            names = ", ".join(f"exercise `{e}`" for e in self.exercise_ids) or "the predictions above"
            print(f"{SKIPPED} this cell reveals the answers to {names}: commit to yours first (write them and "
                  f"run its check cell), then run this cell again)")
        else:
            exercises = _stub_exercises(tb, self.exercise_ids)
            self.waits_on = tuple(e.id for e in exercises) or self.exercise_ids
            print(_not_written_line(exercises, self.exercise_ids))
        _skipped_so_far = tuple(dict.fromkeys((*_skipped_so_far, *self.waits_on)))
        for name in _names_the_running_cell_assigns():
            _skipped_names[name] = tuple(dict.fromkeys((*_skipped_names.get(name, ()), *self.waits_on)))
        return True


def _named_ids(line: str) -> tuple:
    import re

    return tuple(re.findall(r"exercise `([A-Za-z0-9_-]+)`", line))
