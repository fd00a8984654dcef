"""``python -m course_lib start [--dir student] [--no-browser]``: open your copy of the workbook.

Makes the student copy (a graded release, see :mod:`course_lib.grading.release.build`) in ``student/``
at the repository root if that folder does not exist yet (an existing copy is never touched),
then runs JupyterLab there, opened at ``notebooks/00_start_here.ipynb``.

- **Which course_lib the notebooks use**: the copy's own (``student/course_lib``, answer-free, with
  the data bank), put first on the kernel's path with ``PYTHONPATH``. The clone's virtual
  environment already has every dependency, so a second environment would cost minutes and
  hundreds of MB for nothing; ``PYTHONPATH`` comes before site-packages (and before the editable
  install of the instructor's course_lib), so ``import course_lib`` in a student notebook is the
  student's. (A release handed out on its own installs its course_lib with ``pip install .``.)
- **No instructor UI**: the clone's environment has nbgrader (the tests validate the format with it);
  ``start`` hides its JupyterLab extension and server extensions from the student's JupyterLab with a
  small Jupyter config folder in the copy (``.jupyter-config/``, first on ``JUPYTER_CONFIG_PATH``).
- **From inside a copy** (the running course_lib is a release, or the folder given or the current
  folder is one), ``start`` reopens that copy instead of creating ``student/student/``.
- **Ctrl+C**: JupyterLab runs in its own session with no terminal input, so the terminal's Ctrl+C
  reaches ``start`` only. ``start`` then asks JupyterLab once to stop and waits for its own
  shutdown ("received signal 15, stopping", extensions and kernels shut down, its
  ``jpserver-*.json`` / ``-open.html`` runtime files removed). The signal is SIGTERM: Jupyter
  answers SIGINT with a y/n prompt on a terminal, and without a terminal with a bare
  ``KeyboardInterrupt`` that skips that cleanup (tried: its runtime files stay behind). A second
  Ctrl+C while it shuts down kills it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from course_lib._paths import check_folder
from course_lib.grading.release.build import MANIFEST, ROOT, release

FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
JUPYTER_CONFIG = ".jupyter-config"  # in the copy: what the student's JupyterLab leaves out
HIDDEN_LAB_EXTENSIONS = ("@jupyter/nbgrader",)
HIDDEN_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.validate_assignment",
                            "nbgrader.server_extensions.assignment_list", "nbgrader.server_extensions.course_list")


def is_copy(directory: Path) -> bool:
    """Whether ``directory`` is a student copy (a release wrote its manifest there)."""
    return (Path(directory) / MANIFEST).is_file()


def _enclosing_copy(path: Path):
    for folder in (path, *path.parents):
        if is_copy(folder):
            return folder
    return None


def student_dir(name) -> Path:
    """The student copy's folder.

    ``name`` itself if absolute; else, when running inside a copy (this course_lib is a release's,
    or the current folder is in one), that copy; else ``name`` relative to the repository root.
    """
    path = Path(name).expanduser()
    if path.is_absolute():
        return path
    inside = _enclosing_copy(ROOT) or _enclosing_copy(Path.cwd())
    if inside is not None:
        return inside
    return ROOT / path


def prepare(directory: Path) -> str:
    """Create the student copy in ``directory`` if it does not exist; say what happened."""
    directory = check_folder(directory, "--dir")
    if directory.exists():
        message = f"using your existing copy in {directory} (left as it is)"
        if not (directory / FIRST_NOTEBOOK).exists():
            message += (f"; it has no {FIRST_NOTEBOOK}: `python -m course_lib release --out {directory}` "
                        f"adds missing files without touching yours")
        return message
    if not (ROOT / "notebooks").is_dir():  # an installed release: nothing to make a copy from
        raise ValueError(f"--dir: no copy of the workbook in {directory}; run start from inside your copy "
                         f"(the folder with notebooks/ and {MANIFEST})")
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


def write_jupyter_config(directory: Path) -> Path:
    """The copy's Jupyter config folder: nbgrader's lab and server extensions disabled."""
    folder = Path(directory) / JUPYTER_CONFIG
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    (folder / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {name: True for name in HIDDEN_LAB_EXTENSIONS}}, indent=1) + "\n")
    (folder / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {name: False for name in HIDDEN_SERVER_EXTENSIONS}}}, indent=1) + "\n")
    return folder


def kernel_environment(directory: Path) -> dict:
    """The environment for JupyterLab and its kernels: the copy's own course_lib first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(directory), *filter(None, [env.get("PYTHONPATH")])])
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(Path(directory) / JUPYTER_CONFIG),
                                                  *filter(None, [env.get("JUPYTER_CONFIG_PATH")])])
    env["COURSE_LIB_NOTEBOOKS"] = str(directory / "notebooks")
    return env


def run_jupyter(command: list, directory: Path) -> int:
    """Run JupyterLab until it exits; Ctrl+C asks it once (SIGTERM) to shut down, and waits for that."""
    write_jupyter_config(directory)
    process = subprocess.Popen(command, cwd=directory, env=kernel_environment(directory),
                               stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        return process.wait()
    except KeyboardInterrupt:
        print("\nstopping JupyterLab (its kernels are shut down first) ...", flush=True)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait()
        except KeyboardInterrupt:
            process.kill()
            process.wait()
        return 0


def add_arguments(parser) -> None:
    parser.add_argument("--dir", default="student",
                        help="folder of your copy (default: student/ at the repository root, git-ignored)")
    parser.add_argument("--no-browser", action="store_true", help="start JupyterLab without opening a browser")


def run(args) -> int:
    directory = student_dir(args.dir)
    print(prepare(directory))
    directory = check_folder(directory, "--dir")
    command = jupyter_command(directory, open_browser=not args.no_browser)
    print("starting JupyterLab (stop it with Ctrl+C) ...", flush=True)
    return run_jupyter(command, directory)
