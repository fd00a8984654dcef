"""The autograder: a folder of submissions in, grades and feedback out.

- ``submission``: reading a submitted notebook safely, telling which notebook it is, its cells in
  run order;
- ``sandbox`` (with ``worker``, which runs inside it, ``protocol``, the typed commands and replies
  between them, ``wire``, their frames, and ``stand_ins``, what the worker gives a notebook's display
  code): running a submission's code in a fresh bubblewrap sandbox, one command at a time, on the
  student's own time;
- ``grade``: grading one notebook (run it top to bottom in the sandbox, call each answer on its
  cases, judge each answer);
- ``gradescope``: the Gradescope bundle.

May import: ``exercises``, ``judging``, ``reports`` and ``release`` (the answer-free package the
sandbox binds). Nothing imports it but the command line.
"""
