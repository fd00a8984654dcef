"""What the grader holds of one submission's case replies until it judges them: at most :data:`MAX_HELD_BYTES`.

An exercise is judged once all its cases ran, and every public case of every exercise runs before any
hidden one (:mod:`.grade`), so a submission's case replies wait in the grader's memory. Each is already
within the limits of one reply (:data:`.protocol.REPLY_BYTES`, :data:`.protocol.REPLY_VALUES`); together
their values are kept under :data:`MAX_HELD_BYTES`: a value that would pass it is held as a
:meth:`~course_lib.grading.judging.running.CaseReply.too_large` reply naming the limit (its case fails).
The bank's expected outputs take at most about 150 KB for a whole notebook (``tests/autograde/test_reply_bounds.py``).
"""

from __future__ import annotations

import sys

from course_lib.grading.autograde.protocol import describe_output
from course_lib.grading.judging.running import CaseReply, Outcome

MAX_HELD_BYTES = 4 * 1024 * 1024  # bytes of decoded case values held per submission


def held_bytes(value) -> int:
    """The memory ``value`` (decoded plain data: numbers, strings, arrays, tuples, lists, dicts) takes, in
    bytes: ``sys.getsizeof`` of every object in it (an array's own data included; a shared object counted
    each time it is reached, so never less than what is held)."""
    total, stack = 0, [value]
    while stack:
        current = stack.pop()
        total += sys.getsizeof(current)
        if isinstance(current, (tuple, list)):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.keys())
            stack.extend(current.values())
    return total


class HeldReplies:
    """The running total of one submission's held case values: :meth:`hold` each reply as it arrives."""

    def __init__(self, budget: int = MAX_HELD_BYTES):
        self.budget, self.held = budget, 0

    def hold(self, reply: CaseReply) -> CaseReply:
        """``reply``, or, if its value would take the submission past the budget, a too-large reply instead."""
        if reply.outcome != Outcome.RETURNED:
            return reply
        size = held_bytes(reply.value)
        if self.held + size > self.budget:
            return CaseReply.too_large(f"{describe_output(reply.value)}, too large to grade: this submission's "
                                       f"outputs together pass the {self.budget:,} bytes the grader holds of one "
                                       f"submission", reply.mutated, reply.calls)
        self.held += size
        return reply
