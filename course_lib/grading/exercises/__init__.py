"""What an exercise is: the model, the bank of the workbook's exercises, their fixtures and cells.

- ``model``: :class:`~.model.Exercise`, :class:`~.model.Case`, :class:`~.model.Mistake`,
  :class:`~.model.Kind`; the trusted expected output of a case;
- ``plain``: plain data (numbers, real arrays, tuples, lists), how an answer's output becomes
  plain data, how two plain values compare, and their JSON encoding (used by the sandbox's wire
  and by the released data bank);
- ``bank``: every exercise of the workbook, one module per notebook (in a student release: data
  only, written by ``databank``); ``fixtures``: trusted callables that cases pass to answers;
- ``cells``: the exercise cells' metadata, markers and roles; ``notebook``: a notebook's cells
  read from its JSON, with their roles; ``commitment``: predictions graded for commitment; ``judges``:
  outcome judges; ``course_config``: a course's own settings (scoring overrides, assignments).

May import: numpy and course_lib's numerical modules (the bank's references). Nothing else of
``course_lib.grading``: every other part of grading builds on this one.
"""
