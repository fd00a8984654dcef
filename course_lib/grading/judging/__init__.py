"""Judging one answer: the statuses, running an answer on a case, the one judge, hints, results.

- ``statuses``: the one set of statuses (enums) of a submission, an exercise and a case;
- ``running``: calling an answer on one case, the same way in a notebook and in the sandbox;
- ``program``: what a notebook's cells bind (and the slice ``cl.mine`` runs); IPython's transform of a cell;
- ``conduct``: what an answer runs, measured while it runs: the forbidden course_lib functions it
  reaches, and whether its Python steps grow with its input (the loop-free rule);
- ``mistakes`` and ``hints``: the exercise's own classic mistakes, and generic signatures;
- ``judge``: from an answer's replies to an :class:`~.results.ExerciseResult`, used by the
  notebook's ``check()`` and by the autograder alike;
- ``scoring``: from a judged exercise to its points (the policies, the one rounding rule);
- ``fingerprint``: a wrong output's behaviour fingerprint (which answers fail the same way);
- ``results``: the one result model (a case, an exercise, a submission), plain data.

May import: ``course_lib.grading.exercises`` and numpy.
"""
