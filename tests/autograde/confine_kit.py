"""Helpers of the confinement tests: a world-readable runtime, the package folder, listeners, workers.

Used by ``test_confine.py`` and by ``gradescope_like.py`` (the grader stand-in under a
Docker-like filter), so that both start a worker the same way the sandbox will:
``python -I -S <package>/confine/confined_child.py REQUEST`` with :func:`confine.popen_kwargs`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import select
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CONFINE_SOURCE = REPO / "course_lib" / "grading" / "autograde" / "confine.py"
CHILD_SOURCE = HERE / "confined_child.py"
WORKER_TIMEOUT = 120  # seconds before a stuck worker fails its test (it should take about one)


def import_confine():
    """The module under test, imported from the checkout (the tests' own process)."""
    sys.path.insert(0, str(CONFINE_SOURCE.parent))
    try:
        import confine
    finally:
        sys.path.remove(str(CONFINE_SOURCE.parent))
    return confine


def make_readable(top: Path) -> None:
    """a+rX on a tree this test made (the test runner's umask may be private)."""
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                mode = os.stat(path).st_mode
                executable = stat.S_ISDIR(mode) or mode & stat.S_IXUSR
                os.chmod(path, mode | 0o444 | (0o111 if executable else 0))
    os.chmod(top, 0o755)


def world_readable_runtime(base: Path) -> tuple[str, str]:
    """A venv of Debian's Python (same version as this one) with a copy of this numpy, readable by every uid.

    Returns the venv's python and its numpy folder; None, reason if no such Python exists.
    """
    import numpy

    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    system_python = Path(f"/usr/bin/python{version}")
    if not system_python.exists():
        return None, f"needs {system_python}, a world-readable Python {version} for numpy {numpy.__version__}"
    venv = base / "venv"
    subprocess.run([str(system_python), "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True,
                   timeout=120)
    site = venv / "lib" / f"python{version}" / "site-packages"
    source = Path(numpy.__file__).resolve().parent
    for folder in (source, source.with_name("numpy.libs")):
        if folder.is_dir():
            shutil.copytree(folder, site / folder.name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    make_readable(base)
    return str(venv / "bin" / "python"), str(site / "numpy")


def _module_source(name: str) -> bytes:
    """A course_lib module's source, found where course_lib has it (wire: frames; plain: arrays in them)."""
    spec = importlib.util.find_spec(name)
    return Path(spec.origin).read_bytes()


def package_folder(confine, numpy_dir: str, parent: str | None = None) -> str:
    """The private package folder of a batch: confine.py, the worker stand-in, wire.py and plain.py, a program
    (``true``, not executable) and ``site/numpy`` (a link)."""
    return confine.private_package_folder(
        [("confine/confine.py", CONFINE_SOURCE.read_bytes()), ("confine/confined_child.py", CHILD_SOURCE.read_bytes()),
         ("confine/wire.py", _module_source("course_lib.grading.autograde.wire")),
         ("confine/plain.py", _module_source("course_lib.grading.exercises.plain")),
         ("confine/program", Path("/usr/bin/true").read_bytes())],
        links=[("site/numpy", numpy_dir)], parent=parent)


def worker_environment(scratch: str) -> dict:
    return {"PATH": "/usr/bin:/bin", "HOME": scratch, "TMPDIR": scratch, "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def worker_command(python: str, package: str, request: dict, prefix=()) -> list:
    request = {"path": [os.path.join(package, "site"), os.path.join(package, "confine")], **request}
    return [*prefix, python, "-I", "-S", os.path.join(package, "confine", "confined_child.py"), json.dumps(request)]


def run_worker(confine, python: str, package: str, scratch: str, request: dict, identity=None, prefix=()) -> dict:
    """Run the stand-in to its end; its one JSON line (AssertionError with its stderr if there is none)."""
    done = subprocess.run(worker_command(python, package, request, prefix), **confine.popen_kwargs(identity),
                          cwd=scratch, env=worker_environment(scratch), stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=WORKER_TIMEOUT, start_new_session=True)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, f"the worker failed ({done.returncode}): {done.stderr[-3000:]}"
    return json.loads(lines[-1])


def exchange(confine, wire, python: str, package: str, scratch: str, plan, messages, identity=None, prefix=()):
    """Start the stand-in in its ``serve`` mode on two inherited pipes; send ``messages``, return the replies."""
    cmd_read, cmd_write = os.pipe()
    result_read, result_write = os.pipe()
    request = {"plan": plan, "serve": [cmd_read, result_write]}
    try:
        process = subprocess.Popen(worker_command(python, package, request, prefix), pass_fds=(cmd_read, result_write),
                                   **confine.popen_kwargs(identity), cwd=scratch, env=worker_environment(scratch),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   start_new_session=True)
    finally:
        os.close(cmd_read)
        os.close(result_write)
    replies, buffer = [], bytearray()
    try:
        for message in messages:
            wire.write_frame(cmd_write, message)
            ready, _, _ = select.select([result_read], [], [], WORKER_TIMEOUT)
            replies.append(wire.read_frame(result_read, buffer) if ready else None)
    finally:
        os.close(cmd_write)
        os.close(result_read)
        try:
            process.wait(timeout=WORKER_TIMEOUT)
        finally:
            stop(process)
    assert process.returncode == 0, process.stderr.read()[-3000:]
    return replies


def start_victim(confine, python: str, package: str, scratch: str, plan, identity=None, prefix=()):
    """Another worker (or a process of the grader's uid), waiting until its stdin closes: (process, pid)."""
    process = subprocess.Popen(worker_command(python, package, {"plan": plan, "victim": True}, prefix),
                               **confine.popen_kwargs(identity), cwd=scratch, env=worker_environment(scratch),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    ready, _, _ = select.select([process.stdout], [], [], WORKER_TIMEOUT)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        raise AssertionError(f"the victim did not start: {process.communicate()[1][-3000:]}")
    return process, json.loads(line)["ready"]


def stop(process) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate()


class Listeners:
    """A TCP listener and a UDP socket on 127.0.0.1 and an abstract unix listener, all of this process."""

    def __init__(self, token: str):
        self.tcp = socket.socket()
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(8)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.unix_name = f"confine_test_{token}"
        self.unix.bind("\0" + self.unix_name)
        self.unix.listen(8)
        for sock in (self.tcp, self.udp, self.unix):
            sock.setblocking(False)

    def targets(self) -> dict:
        return {"tcp_port": self.tcp.getsockname()[1], "udp_port": self.udp.getsockname()[1],
                "unix_name": self.unix_name}

    def received(self) -> dict:
        """What reached each socket so far (connections wait in the backlog, datagrams in the buffer)."""
        got = {"tcp": [], "udp": [], "unix": []}
        for name, sock in (("tcp", self.tcp), ("unix", self.unix)):
            while True:
                try:
                    conn, _ = sock.accept()
                except BlockingIOError:
                    break
                with conn:
                    conn.settimeout(2)
                    try:
                        got[name].append(conn.recv(4096) or b"<connected>")
                    except OSError:
                        got[name].append(b"<connected>")
        while True:
            try:
                got["udp"].append(self.udp.recv(4096))
            except BlockingIOError:
                break
        return got

    def close(self) -> None:
        for sock in (self.tcp, self.udp, self.unix):
            sock.close()
