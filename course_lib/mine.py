"""Your own answers from earlier notebooks: ``cl.mine("svm_vectorized")``.

Later notebooks, widgets and the capstone run on functions that an earlier exercise
built. ``mine(exercise_id)`` gives the function to use:

- in the instructor's checkout and in an ``--open`` release: the exercise's reference
  implementation (from the bank);
- in a graded student release: the student's own answer, loaded from their earlier
  notebook once it passes its public check (see :mod:`course_lib.grading.release`).

When no usable answer exists, it returns a :class:`Missing` stand-in: falsy, and calling
it raises :class:`AnswerMissing` with a one-line message naming the exercise to solve
first. Cells guard on it (``if loss_fn: ...``) so that "Run All" never stops.
"""

from __future__ import annotations


class AnswerMissing(RuntimeError):
    """An earlier exercise's answer is needed but not available (not solved yet)."""


class ReferenceUnavailable(AnswerMissing):
    """A reference implementation was called where it is not available: while grading, while an
    answer is checked, or in a graded release (where it stands for an exercise's answer)."""


class Missing:
    """Stands in for an answer that is not available; falsy, and raises when called."""

    def __init__(self, exercise_id: str, reason: str):
        self.exercise_id = exercise_id
        self.reason = reason

    def __bool__(self) -> bool:
        return False

    def __call__(self, *args, **kwargs):
        raise AnswerMissing(self.reason)

    def __repr__(self) -> str:
        return f"<missing answer {self.exercise_id!r}: {self.reason}>"


def mine(exercise_id: str):
    """The function an earlier exercise built (see the module docstring).

    Parameters
    ----------
    exercise_id : str
        The exercise's id, e.g. ``"svm_vectorized"``.

    Returns
    -------
    callable or Missing
    """
    from .grading import bank

    if not isinstance(exercise_id, str):
        raise ValueError(f"exercise_id: expected a string, got {type(exercise_id).__name__}")
    try:
        exercise = bank.get(exercise_id)
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None
    if exercise.kind != "function" or exercise.reference is None:
        raise ValueError(f"exercise_id: {exercise_id!r} is not a function exercise")
    return exercise.reference


_checking: list = []  # exercise ids whose answer is being checked right now (innermost last)


class checking:
    """``with checking(exercise_id):`` while ``check`` runs an answer: reference stubs of a graded
    release then raise :class:`ReferenceUnavailable` instead of calling the student's earlier answer,
    so that ``check`` and the grader agree on what an answer may call."""

    def __init__(self, exercise_id: str):
        self.exercise_id = exercise_id

    def __enter__(self):
        _checking.append(self.exercise_id)
        return self

    def __exit__(self, *exc):
        _checking.pop()
        return False
