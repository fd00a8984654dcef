"""The autograder: a folder of submissions in, grades and feedback out.

- ``batch``: the ``grade`` command: submissions found and read (``intake``), graded in parallel, results
  cached (``cache``, trusted only if this grader wrote it) and written (:mod:`..reports.outputs`);
- ``grade``: grading one notebook (run it top to bottom in the sandbox, call each answer on its cases,
  judge each answer), holding its case replies within ``held``'s bound;
- ``submission``: which workbook notebook a submission is, its code cells in run order;
- ``sandbox``: running a submission's code one command at a time on the student's own time, within
  ``limits``; ``isolation`` builds what isolates it (bubblewrap, or the ``confine`` fallback: seccomp,
  Landlock, an unprivileged uid);
- ``worker`` (started inside the sandbox: rlimits, confinement) and ``kernel`` (the notebook's namespace
  and the commands on it), ``stand_ins`` (what display code meets there); ``protocol``, the typed
  commands and replies, and ``wire``, their frames;
- ``gradescope``: the Gradescope bundle.

May import: ``exercises``, ``judging``, ``reports`` and ``release`` (the answer-free package the
sandbox binds). Nothing imports it but the command line.
"""
