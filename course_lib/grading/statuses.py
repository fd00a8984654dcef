"""The one set of statuses: of a submission, of an exercise, of one case. Imports nothing.

A submission is ``SubmissionStatus.OK`` (graded) or one of the reasons it could not be: each of
those scores 0. An exercise is ``Status.PASSED`` or one of the reasons it did not pass; a case is
``CaseOutcome.PASSED`` or how it failed; a hidden case is only ever ``PASSED`` or ``FAILED``, so that
its outcome tells nothing about how it failed. Each is a ``str``
enum, so that it is written to JSON and CSV as its value and read back with ``Status(value)``.
"""

from __future__ import annotations

from enum import Enum


class SubmissionStatus(str, Enum):
    """Whether a submitted file could be graded, and if not why."""

    OK = "ok"
    EMPTY = "empty"
    NOT_A_NOTEBOOK = "not a notebook"
    WRONG_VERSION = "wrong nbformat version"
    WRONG_NOTEBOOK = "wrong notebook"
    TOO_LARGE = "too large"
    UNREADABLE = "unreadable"
    DUPLICATE = "duplicate"  # a second file of the same notebook in one Gradescope submission
    NOT_IN_ASSIGNMENT = "not in this assignment"  # a notebook an assignment's Gradescope bundle does not grade
    MISSING_NOTEBOOK = "missing notebook"  # a notebook of the assignment that the upload lacks (scores 0)
    GRADER_ERROR = "grader error"

    def __str__(self) -> str:
        return self.value


class Status(str, Enum):
    """How an exercise went; listed in the judge's order of precedence after ``PASSED``."""

    PASSED = "passed"
    USES_REFERENCE = "uses the reference implementation"
    NOT_ATTEMPTED = "not attempted"
    FORBIDDEN = "forbidden code"
    TIMEOUT = "timeout"
    MEMORY = "memory limit"
    CRASHED = "crashed"
    ERROR = "error"
    FAILED = "failed"
    MISSING = "missing"

    def __str__(self) -> str:
        return self.value


class CaseOutcome(str, Enum):
    """How one case went (a hidden case: ``PASSED`` or ``FAILED``, nothing else)."""

    PASSED = "passed"
    FAILED = "failed"
    WRONG = "wrong value"
    RAISED = "raised an exception"
    NOT_PLAIN = "not numbers"
    TOO_LARGE = "too large"  # an output larger than the grader takes from one case
    MUTATED = "modified its input"
    NOT_RUN = "not run"

    def __str__(self) -> str:
        return self.value
