"""The workbook's command line: ``python -m course_lib <command> [options]`` (or ``course-lib``).

Two faces (:mod:`course_lib.grading.release.faces`): in the course repository every command; in a
student's install (a release) only the student's (``start``), and an instructor command named there
says in one line that it needs the instructor's checkout.

Each command lives in its own module, which provides ``add_arguments(parser)`` and
``run(args) -> int``; this module only dispatches, and turns a user's mistake (a ``ValueError``
naming the argument, or an ``OSError`` on a path) into one line on stderr and exit status 2,
and Ctrl+C into exit status 130, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS = {
    "start": ("course_lib.grading.release.start", "open your copy of the workbook in JupyterLab (made from the "
                                                  "course repository if absent)"),
    "release": ("course_lib.grading.release.build", "write the student version of the workbook"),
    "grade": ("course_lib.grading.autograde.batch", "grade submitted notebooks"),
    "gradescope": ("course_lib.grading.autograde.gradescope", "build a Gradescope autograder bundle"),
    "report": ("course_lib.grading.reports.class_report",
               "the class report (HTML and CSV) from a folder of grading results"),
    "draft-mistake": ("course_lib.grading.reports.draft_mistake",
                      "draft a bank Mistake from a group of the class report's unexplained wrong answers"),
    "grades-export": ("course_lib.grading.reports.lms_export",
                      "write the LMS's gradebook-import CSV (Canvas, Moodle) from a roster and grading results"),
    "hints": ("course_lib.grading.reports.hint_table",
              "write the instructors' table of hints per exercise (docs/hints.md)"),
    "execute": ("course_lib.notebooks", "re-run source notebooks and store their outputs (maintainers)"),
}
STUDENT_HELP = {"start": "open your copy of the workbook in JupyterLab"}


def _program_name() -> str:
    return "course-lib" if os.path.basename(sys.argv[0]).startswith("course-lib") else "python -m course_lib"


def main(argv=None) -> int:
    from course_lib.grading.release.faces import STUDENT_COMMANDS, student_install

    argv = sys.argv[1:] if argv is None else list(argv)
    program = _program_name()
    student = student_install()
    offered = {name: COMMANDS[name] for name in (STUDENT_COMMANDS if student else COMMANDS)}
    chosen = next((a for a in argv if not a.startswith("-")), None)
    if student and chosen in COMMANDS and chosen not in offered:
        print(f"error: `{program} {chosen}` is an instructor command: it needs the instructor's checkout of the "
              f"course repository (this course_lib is a student copy; `{program} start` opens your workbook)",
              file=sys.stderr)
        return 2
    description = ("Your copy of the workbook: the student's commands." if student
                   else __doc__.splitlines()[0])
    parser = argparse.ArgumentParser(prog=program, description=description)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    module = None
    for name, (module_name, help_text) in offered.items():
        help_text = STUDENT_HELP.get(name, help_text) if student else help_text
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:  # import only the command that runs: the others may be heavy
            module = importlib.import_module(module_name)
            module.add_arguments(command_parser)
    args = parser.parse_args(argv)
    try:
        return int(module.run(args) or 0)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"error: cannot use {exc.filename or 'a file'}: {exc.strerror or exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 2
