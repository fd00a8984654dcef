"""The workbook's command line: ``python -m course_lib <command> [options]`` (or ``course-lib``).

Each command lives in its own module, which provides ``add_arguments(parser)`` and
``run(args) -> int``; this module only dispatches, and turns a user's mistake (a ``ValueError``
naming the argument, or an ``OSError`` on a path) into one line on stderr and exit status 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "start": ("course_lib.grading.release.start", "make your student copy (if absent) and open it in JupyterLab"),
    "release": ("course_lib.grading.release.build", "write the student version of the workbook"),
    "grade": ("course_lib.grading.autograde.batch", "grade submitted notebooks"),
    "gradescope": ("course_lib.grading.autograde.gradescope", "build a Gradescope autograder bundle"),
    "report": ("course_lib.grading.reports.class_report",
               "the class report (HTML and CSV) from a folder of grading results"),
    "hints": ("course_lib.grading.reports.hint_table",
              "write the instructors' table of hints per exercise (docs/hints.md)"),
    "execute": ("course_lib.notebooks", "re-run source notebooks and store their outputs (maintainers)"),
}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(prog="python -m course_lib", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = next((a for a in argv if not a.startswith("-")), None)
    module = None
    for name, (module_name, help_text) in COMMANDS.items():
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
    return 2
