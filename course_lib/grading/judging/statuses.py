"""The one set of statuses, for submissions and for exercises.

A submission is ``OK`` (graded) or one of the reasons it could not be: each of those
scores 0. An exercise is ``PASSED`` (full points) or one of the reasons it did not
pass: each scores 0. Code compares these constants, never message strings.
"""

# a submission
OK = "ok"
EMPTY = "empty"
NOT_A_NOTEBOOK = "not a notebook"
WRONG_VERSION = "wrong nbformat version"
WRONG_NOTEBOOK = "wrong notebook"
TOO_LARGE = "too large"
UNREADABLE = "unreadable"
DUPLICATE = "duplicate"  # a second file of the same notebook in one Gradescope submission
GRADER_ERROR = "grader error"
SUBMISSION_STATUSES = (OK, EMPTY, NOT_A_NOTEBOOK, WRONG_VERSION, WRONG_NOTEBOOK, TOO_LARGE, UNREADABLE, DUPLICATE,
                       GRADER_ERROR)

# an exercise
PASSED = "passed"
FAILED = "failed"
NOT_ATTEMPTED = "not attempted"
TIMEOUT = "timeout"
CRASHED = "crashed"
MEMORY = "memory limit"
ERROR = "error"
USES_REFERENCE = "uses the reference implementation"
FORBIDDEN = "forbidden code"
MISSING = "missing"
EXERCISE_STATUSES = (PASSED, FAILED, NOT_ATTEMPTED, TIMEOUT, CRASHED, MEMORY, ERROR, USES_REFERENCE, FORBIDDEN,
                     MISSING)

# how one case of an exercise went (the only detail a hidden case shows)
CASE_PASSED = "passed"
CASE_WRONG = "wrong value"
CASE_RAISED = "raised an exception"
CASE_NOT_PLAIN = "not numbers"
CASE_MUTATED = "modified its input"
CASE_NOT_RUN = "not run"
