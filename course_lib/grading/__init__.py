"""Exercises, in-notebook checks, the student release and the autograder.

- ``spec``: what an exercise is (cases, mistakes) and how an answer is judged;
- ``bank``: every exercise of the workbook, one module per notebook;
- ``check``: the advisory feedback a student gets below an exercise;
- ``release``: the student version of the workbook;
- ``grade`` and ``gradescope``: the autograder and its Gradescope bundle.
"""

from .check import check

__all__ = ["check"]
