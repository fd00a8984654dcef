"""Helpers for notebook cells: let "Run All" pass experiments that need an unsolved answer.

An experiment cell that calls the student's answer (``l2_regularization(W)``) or an earlier
answer (``cl.mine("svm_vectorized")(...)``) would stop "Run All" in a fresh release, where
the answer still raises ``NotImplementedError`` (or is a ``Missing`` stand-in). Wrap the cell
body instead::

    with needs_answer("regularized_objective"):
        loss, dW = regularized_objective(W, X, y, 0.1, "l2")
        print(loss)

When the answer is not there yet, the block stops at the first call and prints one line
(on stdout, so stored outputs stay clean) instead of a traceback; everything else raises as
usual. Once the answer is written, the same cell runs normally.
"""

from __future__ import annotations

from .mine import AnswerMissing

#: What an answer that is not written yet raises: the release's stub, or ``mine()``'s stand-in.
NOT_YET = (NotImplementedError, AnswerMissing)


class needs_answer:  # noqa: N801 (used like a function: ``with needs_answer("id"):``)
    """Context manager: skip the rest of a cell, with a one-line note, while an answer is unsolved.

    Parameters
    ----------
    *exercise_ids : str
        The exercises whose answers the block uses (named in the note).

    Attributes
    ----------
    skipped : bool
        True when the block stopped because an answer was missing.
    """

    def __init__(self, *exercise_ids: str):
        if not exercise_ids or not all(isinstance(e, str) and e for e in exercise_ids):
            raise ValueError(f"exercise_ids: expected one or more exercise ids (strings), got {exercise_ids!r}")
        self.exercise_ids = exercise_ids
        self.skipped = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None or not issubclass(exc_type, NOT_YET):
            return False
        self.skipped = True
        names = ", ".join(f"`{e}`" for e in self.exercise_ids)
        print(f"(skipped: this experiment needs your answer to {names}; solve it above, then run this cell again)")
        return True
