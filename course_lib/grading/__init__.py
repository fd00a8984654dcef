"""Exercises, in-notebook checks, the student release and the autograder.

- ``exercises``: what an exercise is (cases, mistakes, the bank, fixtures, the released data bank);
- ``judging``: running an answer on a case, what it runs (``conduct``), the one judge, hints, the
  one result model;
- ``check`` (with ``grader_view``, which compares the kernel with the saved notebook the grader
  runs): the advisory feedback below an exercise;
- ``autograde``: the autograder (one notebook run top to bottom in a sandbox, the batch, Gradescope);
- ``release``: the student version; ``reports``: outputs and the class report; ``statuses``.
"""

from course_lib.grading.check import check

__all__ = ["check"]
