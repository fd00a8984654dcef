"""The autograder: a folder of submissions in, grades and feedback out.

- ``submission``: reading a submitted notebook safely, telling which notebook it is, its cells in
  run order;
- ``sandbox`` (with ``worker``, which runs inside it, and ``wire``, their frames): running a
  submission's code in a fresh bubblewrap sandbox, one command at a time;
- ``grade``: grading one notebook (plan the steps, run them, judge each answer);
- ``gradescope``: the Gradescope bundle.

May import: ``exercises``, ``judging``, ``reports`` and ``release`` (the answer-free package the
sandbox binds). Nothing imports it but the command line.
"""
