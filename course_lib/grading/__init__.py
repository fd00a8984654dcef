"""Exercises, in-notebook checks, the student release and the autograder.

- ``spec``: what an exercise is (cases, mistakes) and how an answer is judged;
- ``bank``: every exercise of the workbook, one module per notebook (in a student
  release: data only, made by ``databank``, without references or hidden cases);
- ``fixtures``: trusted functions that test cases pass to a student's function;
- ``cells``: the exercise cells' metadata and markers;
- ``check``: the advisory feedback a student gets below an exercise;
- ``release``: the student version of the workbook;
- ``grade`` (with ``matching``, ``sandbox``, ``_worker`` and ``report``) and
  ``gradescope``: the autograder and its Gradescope bundle.
"""

from .check import check

__all__ = ["check"]
