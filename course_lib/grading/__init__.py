"""Exercises, in-notebook checks, the student release and the autograder.

- ``spec``: what an exercise is (cases, mistakes) and how outputs compare; ``bank``: every
  exercise of the workbook, one module per notebook (in a student release: data only, made by
  ``databank``); ``fixtures``: trusted callables that cases pass to answers;
- ``wire``: the one wire format (plain data, frames); ``statuses``: the one set of statuses;
- ``program``: a notebook's cells as a program (what the answers need, what they run);
  ``running``: calling an answer on a case; ``hints`` and ``judge``: the one judge, used by
  ``check`` (the advisory feedback below an exercise) and by ``grade``;
- ``grade`` (with ``matching``, ``sandbox``, ``worker`` and ``report``) and ``gradescope``: the
  autograder and its Gradescope bundle; ``release`` and ``start``: the student version;
  ``cells``: the exercise cells' metadata and markers.
"""

from course_lib.grading.check import check

__all__ = ["check"]
