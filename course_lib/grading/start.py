"""``python -m course_lib start [--dir student] [--no-browser]``: open your copy of the workbook.

Makes the student copy (the release, see :mod:`course_lib.grading.release`) in ``student/``
at the repository root if that folder does not exist yet (an existing copy is never
touched), then runs JupyterLab there, opened at ``notebooks/00_start_here.ipynb``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .release import ROOT, release

FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"


def student_dir(name) -> Path:
    """The student copy's folder: ``name`` itself if absolute, else relative to the repository root."""
    path = Path(name)
    return path if path.is_absolute() else ROOT / path


def prepare(directory: Path) -> str:
    """Create the student copy in ``directory`` if it does not exist; say what happened."""
    if directory.exists():
        message = f"using your existing copy in {directory} (left as it is)"
        if not (directory / FIRST_NOTEBOOK).exists():
            message += (f"; it has no {FIRST_NOTEBOOK}: `python -m course_lib release --out {directory}` "
                        f"adds missing files without touching yours")
        return message
    report = release(directory)
    return f"created your copy of the workbook in {directory} ({len(report.written)} files)"


def jupyter_command(directory: Path, open_browser: bool = True) -> list:
    """The command that runs JupyterLab on the student copy, opened at notebook 00."""
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={directory}"]
    if not open_browser:
        command.append("--no-browser")
    if getattr(os, "geteuid", lambda: 1)() == 0:  # containers often run as root; Jupyter refuses without this
        command.append("--allow-root")
    if (directory / FIRST_NOTEBOOK).exists():  # the page the browser (or the printed link) opens
        command.append(f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}")
    return command


def add_arguments(parser) -> None:
    parser.add_argument("--dir", default="student",
                        help="folder of your copy (default: student/ at the repository root, git-ignored)")
    parser.add_argument("--no-browser", action="store_true", help="start JupyterLab without opening a browser")


def run(args) -> int:
    directory = student_dir(args.dir)
    try:
        print(prepare(directory))
    except ValueError as exc:
        print(f"start: {exc}")
        return 2
    command = jupyter_command(directory, open_browser=not args.no_browser)
    print("starting JupyterLab (stop it with Ctrl+C) ...", flush=True)
    try:
        return subprocess.call(command, cwd=directory)
    except KeyboardInterrupt:
        return 0
