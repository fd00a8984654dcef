"""``course-lib start [--dir COPY] [--ip IP] [--port PORT] [--no-browser]``: open your copy of the workbook.

**Which copy.** ``--dir`` (relative to the current folder) is served exactly: an existing copy (a folder a
release wrote, with its ``.release-manifest.json``), or, in the course repository, a new copy made there (a
graded release, see :mod:`course_lib.grading.release.build`). Without ``--dir``: the copy you are in (the
current folder or one above it), else the copy this course_lib was installed into, else, in the course
repository, ``student/`` at its root (made if absent; an existing copy is never touched). ``start``
refuses, in one line, rather than serve a copy you did not ask for: a ``--dir`` that is not a copy, a copy
without its own ``course_lib/``, or being inside one copy with another copy's ``course-lib``. It says
which copy it serves.

**Which course_lib the notebooks use**: the copy's own (``COPY/course_lib``, answer-free, with the data
bank), first on the kernels' ``PYTHONPATH``, and its notebooks folder in ``COURSE_LIB_NOTEBOOKS`` (where
``cl.mine`` looks). In the course repository the clone's environment has every dependency, so no second
environment is made. nbgrader's JupyterLab and server extensions, installed in the clone for the tests,
are hidden from the student's JupyterLab by a small Jupyter config folder in the copy
(``.jupyter-config/``, first on ``JUPYTER_CONFIG_PATH``).

**Address**: ``--ip`` (default 127.0.0.1: this computer only) and ``--port`` (default: JupyterLab's, 8888
or the next free one). A port you name must be free: ``start`` says so in one line instead of serving
elsewhere (JupyterLab is told not to look further, ``ServerApp.port_retries=0``).

**Stopping**: JupyterLab runs in its own session, so that a terminal's signals reach ``start`` only.
On SIGINT (Ctrl+C), SIGTERM (a process manager, ``timeout``) or SIGHUP (the terminal closed), ``start``
sends JupyterLab SIGTERM, which jupyter_server answers with its own clean shutdown (kernels and
terminals shut down, its ``jpserver-*`` runtime files removed, the port freed), and waits for it. (Jupyter
answers SIGINT with a y/n prompt on a terminal, and without one with a bare ``KeyboardInterrupt`` that
skips that cleanup.) A second signal while it stops kills JupyterLab; its kernels then exit on their own
(they watch their parent, ``JPY_PARENT_PID``). On Linux, JupyterLab also gets SIGTERM if ``start`` itself is
killed (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import errno
import ipaddress
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from course_lib._paths import check_folder
from course_lib.grading.release.build import MANIFEST, ROOT, release

FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"
DEFAULT_COPY = "student"  # in the course repository: the copy at its root (git-ignored)
DEFAULT_IP = "127.0.0.1"
JUPYTER_CONFIG = ".jupyter-config"  # in the copy: what the student's JupyterLab leaves out
HIDDEN_LAB_EXTENSIONS = ("@jupyter/nbgrader",)
HIDDEN_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.validate_assignment",
                            "nbgrader.server_extensions.assignment_list", "nbgrader.server_extensions.course_list")
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def is_copy(directory: Path) -> bool:
    """Whether ``directory`` is a student copy (a release wrote its manifest there)."""
    return (Path(directory) / MANIFEST).is_file()


def enclosing_copy(path: Path):
    """The copy that holds ``path`` (``path`` itself or a folder above it), or None."""
    path = Path(path).resolve()
    for folder in (path, *path.parents):
        if is_copy(folder):
            return folder
    return None


def _is_source_checkout() -> bool:
    """Whether this course_lib runs from the course repository (it can make a copy)."""
    return (ROOT / "notebooks").is_dir() and not is_copy(ROOT)


def choose_copy(asked, cwd: Path | None = None) -> Path:
    """The copy to serve (see the module docstring); ``ValueError`` naming ``--dir`` when there is none to serve.

    Parameters
    ----------
    asked : str or Path or None
        ``--dir`` as given (None: not given).
    cwd : Path, optional
        The current folder (default: the process's).
    """
    cwd = Path.cwd() if cwd is None else Path(cwd)
    if asked is not None:
        directory = check_folder(cwd / Path(asked).expanduser(), "--dir")
        if directory.exists() and not is_copy(directory) and any(directory.iterdir()):
            raise ValueError(f"--dir: {directory} is not a copy of the workbook (it has no {MANIFEST}); "
                             f"give your copy's folder" + (", or a new folder to make a copy in"
                                                           if _is_source_checkout() else ""))
        if (not directory.exists() or not any(directory.iterdir())) and not _is_source_checkout():
            raise ValueError(f"--dir: there is no copy of the workbook in {directory}; give your copy's folder "
                             f"(the one with notebooks/ and {MANIFEST})")
        return directory
    here, own = enclosing_copy(cwd), enclosing_copy(ROOT)
    if here is not None and own is not None and here != own:
        raise ValueError(f"--dir: you are in the copy {here}, but this course-lib belongs to the copy {own}; "
                         f"run that copy's own course-lib, or pass --dir to say which copy to serve")
    if here is not None or own is not None:
        return here or own
    if _is_source_checkout():
        return check_folder(ROOT / DEFAULT_COPY, "--dir")
    raise ValueError(f"--dir: no copy of the workbook here ({cwd}); run start from inside your copy (the folder "
                     f"with notebooks/ and {MANIFEST}), or pass --dir")


def prepare(directory: Path) -> str:
    """Make the copy in ``directory`` if there is none yet; say which copy is served."""
    if is_copy(directory):
        if not (directory / "course_lib" / "__init__.py").is_file():
            raise ValueError(f"--dir: the copy {directory} has no course_lib/ of its own, so its notebooks would "
                             f"run another copy's; put it back (reinstall the release) before starting")
        message = f"serving your copy of the workbook in {directory} (its notebooks and its own course_lib)"
        if not (directory / FIRST_NOTEBOOK).exists():
            message += f"; it has no {FIRST_NOTEBOOK}"
        return message
    report = release(directory)
    return (f"made your copy of the workbook in {directory} ({len(report.written)} files); serving it "
            f"(its notebooks and its own course_lib)")


def check_ip(ip: str) -> str:
    """``ip`` if it is an IP address or ``localhost``; else ``ValueError`` naming ``--ip``."""
    if ip == "localhost":
        return ip
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        raise ValueError(f"--ip: expected an IP address such as 127.0.0.1 (this computer only) or 0.0.0.0 "
                         f"(every network interface), got {ip!r}") from None
    return ip


def check_port(port, ip: str):
    """``port`` as an int that ``ip`` can listen on now (None stays None); else ``ValueError`` naming ``--port``.

    The test binds the port as jupyter_server does (``tornado.netutil.bind_sockets``) and lets it go.
    """
    if port is None:
        return None
    try:
        number = int(port)
    except (TypeError, ValueError):
        number = -1
    if not 1 <= number <= 65535:
        raise ValueError(f"--port: expected a whole number from 1 to 65535, got {port!r}")
    from tornado.netutil import bind_sockets

    try:
        sockets = bind_sockets(number, ip)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ValueError(f"--port: {number} is already in use on {ip} (another JupyterLab? `jupyter server "
                             f"list` shows yours); choose another port, or leave --port out to let JupyterLab pick "
                             f"a free one") from None
        raise ValueError(f"--port: cannot listen on {ip}:{number} ({exc.strerror or exc})") from None
    for sock in sockets:
        sock.close()
    return number


def jupyter_command(directory: Path, open_browser: bool = True, ip: str = DEFAULT_IP, port=None) -> list:
    """The command that runs JupyterLab on the student copy, opened at notebook 00."""
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={directory}", f"--ServerApp.ip={ip}"]
    if port is not None:
        command += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
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
    env.pop("COURSE_LIB_SANDBOX", None)
    return env


def _say(text: str) -> None:
    """Print a line; after SIGHUP the terminal may be gone, which must not stop the shutdown."""
    try:
        print(text, flush=True)
    except OSError:
        pass


def _stop_with_parent() -> None:
    """In JupyterLab's process, before it runs: get SIGTERM when ``start`` dies (Linux), however it dies."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_jupyter(command: list, directory: Path) -> int:
    """Run JupyterLab until it exits; SIGINT, SIGTERM or SIGHUP ask it once (SIGTERM) to shut down, and wait."""
    write_jupyter_config(directory)
    process = subprocess.Popen(command, cwd=directory, env=kernel_environment(directory), stdin=subprocess.DEVNULL,
                               start_new_session=True,
                               preexec_fn=_stop_with_parent if sys.platform.startswith("linux") else None)
    received = []

    def stop(signum, _frame):
        received.append(signum)
        if len(received) == 1:
            _say(f"\nstopping JupyterLab ({signal.Signals(signum).name}): its kernels are shut down first ...")
            process.send_signal(signal.SIGTERM)
        else:
            process.kill()

    previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        code = process.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if received:
        _say("JupyterLab stopped.")
        return 0
    return code


def add_arguments(parser) -> None:
    parser.add_argument("--dir", default=None,
                        help="your copy's folder (default: the copy you are in"
                             + (f"; in the course repository, {DEFAULT_COPY}/ at its root, made if absent)"
                                if _is_source_checkout() else ")"))
    parser.add_argument("--ip", default=DEFAULT_IP,
                        help=f"address to serve on (default {DEFAULT_IP}: this computer only)")
    parser.add_argument("--port", default=None,
                        help="port to serve on (default: 8888, or the next free one); a port you name must be free")
    parser.add_argument("--no-browser", action="store_true", help="start JupyterLab without opening a browser")


def run(args) -> int:
    ip = check_ip(args.ip)
    port = check_port(args.port, ip)
    directory = choose_copy(args.dir)
    _say(prepare(directory))
    if not ipaddress.ip_address("127.0.0.1" if ip == "localhost" else ip).is_loopback:
        _say(f"note: --ip {ip} lets other computers on your network reach JupyterLab (its token protects it)")
    command = jupyter_command(directory, open_browser=not args.no_browser, ip=ip, port=port)
    _say(f"starting JupyterLab on {ip}" + (f":{port}" if port else "") + " (stop it with Ctrl+C) ...")
    return run_jupyter(command, directory)
