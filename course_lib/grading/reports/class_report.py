"""The class report: ``python -m course_lib report GRADES_DIR [--out DIR] [--show-examples]``.

What the class got wrong, and which exercise may be unclear, from a folder of grading
results. It writes ``OUT/class_report.html`` (self-contained: figures embedded as PNG, a few
lines of inline JavaScript to sort tables, nothing fetched) and the same tables as CSV in
``OUT`` (default ``GRADES_DIR/report``).

Output (in ``OUT``)
-------------------
``class_report.html``; ``notebooks.csv`` and ``score_distribution.csv`` (per notebook);
``exercise_summary.csv`` (pass rate, statuses, points lost); ``mistakes.csv`` (count, share,
hint, example outcome); ``unexplained_groups.csv`` (failing answers no bank mistake explains, grouped
by the same outputs on the same cases: :func:`~.class_summary.behaviour_groups`, each with the
``draft-mistake`` command that drafts a bank mistake for it); ``cases.csv`` (failures per case, and
the flag); ``problems.csv``
(ungradable submissions; exercises that timed out, crashed, reused the reference...);
``progress.csv`` (per student and notebook); ``exercises.csv`` (the long table, one row per
submission and exercise: :func:`long_table`); ``unreadable_files.csv``.

Input
-----
Every ``*.json`` file below ``GRADES_DIR`` is read as one submission's results in Gradescope's
``results.json`` format, except that in a folder written by ``grade`` (it holds the grader's
marker file) only its ``results/`` folder is read; folders whose name starts with ``.``
(the grader's ``.cache``) and the output folder are skipped. So ``GRADES_DIR/results/*.json``
written by ``grade``, a folder merged from several runs (``run1/results/``,
``run2/results/``...), and a flat or per-submission export of Gradescope ``results.json``
files all work. The workbook's
grader adds ``extra_data`` (the exercise id, status, mistakes recognised, failed cases; the
submission's name, notebook and status); without it the report falls back on each test's
``tags``, ``name`` and ``status``. A file that is not valid JSON or not a results file is
counted and listed as damaged; it never stops the report. When one submission (same name
and notebook) appears in several files, the newest file (modification time) is used.

Definitions (stated in the report too)
--------------------------------------
- student: the part of the submission name before the first ``__`` (``grade`` names a
  submission ``<student>__<notebook file>`` when it grades a folder of per-student
  folders); a name without ``__`` is its own student.
- graded: a submission whose status is ``ok``; an exercise's **share** of a mistake is the
  number of graded submissions in which the grader recognised it, over the graded
  submissions of that exercise's notebook.
- partial attempts of an exercise: graded submissions whose exercise ran its cases (passed
  or failed) and did not fail every case (an answer failing them all says nothing about one
  case). A case is **flagged** ("check the exercise text or the case") when it fails for at
  least ``FLAG_MIN_RATE`` (30 %) of the partial attempts, for at least ``FLAG_MIN_FAILURES``
  of them, and at least ``FLAG_RATIO`` (2) times as often as the median of the exercise's
  other cases.

Mistake examples are anonymised: the most common outcome text among the submissions with
that mistake, with any submission or student name in it replaced by ``[student]``; the
submission it came from is shown only with ``--show-examples``. Student code is never shown.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from course_lib.grading.reports.class_report_html import render_html
from course_lib.grading.reports.class_summary import (
    ClassSummary,
    ReportError,
    read_results,
    summarise,
    tables,
    write_csv,
)
from course_lib.grading.reports.outputs import atomic_write

# --- the whole report ---------------------------------------------------------------------------

def build_report(grades_dir, out_dir=None, show_examples: bool = False) -> tuple[Path, ClassSummary]:
    """Read ``grades_dir``, write the HTML report and its CSV tables into ``out_dir``.

    Parameters
    ----------
    grades_dir : path
        A folder of results (see the module docstring).
    out_dir : path, optional
        Where to write ``class_report.html`` and the CSV files; default ``grades_dir/report``.
    show_examples : bool
        Name the submission each mistake example comes from.

    Returns
    -------
    (path of class_report.html, the summary)

    Raises
    ------
    ReportError
        No folder, no results file, or none of them readable.
    """
    out = Path(out_dir) if out_dir is not None else Path(grades_dir) / "report"
    results = read_results(grades_dir, exclude=out)
    if not results.submissions:
        path, reason = results.damaged[0]
        raise ReportError(f"GRADES_DIR: none of the {len(results.damaged)} results files in {grades_dir} could be "
                          f"read (first: {path}: {reason})")

    summary = summarise(results)
    out.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in tables(summary).items():
        write_csv(out / name, header, rows)
    page = out / "class_report.html"
    atomic_write(str(page), render_html(summary, show_examples=show_examples))
    return page, summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("grades_dir", type=Path, metavar="GRADES_DIR",
                        help="a grade --out folder, several merged, or a folder of Gradescope results.json files")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: GRADES_DIR/report)")
    parser.add_argument("--show-examples", action="store_true",
                        help="name the submission each mistake's example outcome comes from")


def run(args) -> int:
    page, summary = build_report(args.grades_dir, args.out, show_examples=args.show_examples)
    damaged = len(summary.results.damaged)
    print(f"class report of {len(summary.submissions)} submission(s): {page}"
          + (f" ({damaged} unreadable file(s) left out, listed in the report)" if damaged else ""))
    return 0
