"""The workbook's command line: ``python -m course_lib <command> [options]``.

Each command lives in its own module, which provides ``add_arguments(parser)`` and
``run(args) -> int``; this file only dispatches.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "start": ("course_lib.grading.start", "make your student copy (if absent) and open it in JupyterLab"),
    "release": ("course_lib.grading.release", "write the student version of the workbook"),
    "grade": ("course_lib.grading.grade", "grade submitted notebooks"),
    "gradescope": ("course_lib.grading.gradescope", "build a Gradescope autograder bundle"),
    "execute": ("course_lib.notebooks", "re-run source notebooks and store their outputs (maintainers)"),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        modules[name] = module
        module.add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    return int(modules[args.command].run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
