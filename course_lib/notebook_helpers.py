"""Helpers for notebook cells: let "Run All" pass experiments that need an unsolved answer.

An experiment cell that calls the student's answer (``l2_regularization(W)``) or an earlier
answer (``cl.mine("svm_vectorized")(...)``) would stop "Run All" in a fresh release, where
the answer still raises ``NotImplementedError`` (or is a ``Missing`` stand-in). Wrap the cell
body instead::

    with needs_answer("regularized_objective"):
        loss, dW = regularized_objective(W, X, y, 0.1, "l2")
        print(loss)

In a graded release, course_lib's own losses and update rules run the student's answers too
(:mod:`course_lib.answers`), so experiments that call them are wrapped the same way, without ids:
``with needs_answer(): ...``.

When the answer is not there yet, the block stops at the first call and prints one line
(on stdout, so stored outputs stay clean) instead of a traceback; everything else raises as
usual, except a ``NameError`` after an earlier block was skipped: that name is a result the
skipped experiment would have made, so the block is skipped too, with its own one-line note.
Once the answer is written, the same cell runs normally.
"""

from __future__ import annotations

from course_lib.answers import AnswerMissing

#: What an answer that is not written yet raises: the release's stub, or ``mine()``'s stand-in.
NOT_YET = (NotImplementedError, AnswerMissing)
_skipped_so_far = False   # whether a block of this kernel was skipped (then a later NameError is its consequence)


class needs_answer:  # noqa: N801 (used like a function: ``with needs_answer("id"):``)
    """Context manager: skip the rest of a cell, with a one-line note, while an answer is unsolved.

    Parameters
    ----------
    *exercise_ids : str
        The exercises whose answers the block calls directly (named in the note). Without ids,
        the note is the message of the ``AnswerMissing`` that stopped the block (course_lib's
        functions raise it in a graded release while the answer they run is not written).

    Attributes
    ----------
    skipped : bool
        True when the block stopped because an answer was missing.
    """

    def __init__(self, *exercise_ids: str):
        if not all(isinstance(e, str) and e for e in exercise_ids):
            raise ValueError(f"exercise_ids: expected exercise ids (non-empty strings), got {exercise_ids!r}")
        self.exercise_ids = exercise_ids
        self.skipped = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        global _skipped_so_far
        if exc_type is not None and issubclass(exc_type, NameError) and _skipped_so_far:
            # a name that a skipped experiment above would have defined
            self.skipped = True
            print(f"(skipped: this experiment uses the results of one above that was skipped: {exc})")
            return True
        if exc_type is None or not issubclass(exc_type, NOT_YET):
            return False
        self.skipped = True
        _skipped_so_far = True
        if issubclass(exc_type, AnswerMissing) and str(exc):
            # course_lib's own functions in a graded release run your answers: the message says which
            first_line = str(exc).splitlines()[0]
            print(f"(skipped: this experiment runs your own code: {first_line}; then run this cell again)")
        else:
            names = ", ".join(f"`{e}`" for e in self.exercise_ids) or "an exercise above"
            print(f"(skipped: this experiment needs your answer to {names}; solve it, then run this cell again)")
        return True
