"""The two faces of the command line and ``start`` (issue 19), run as a student runs them.

A student's install is a release's course_lib: the command line runs with the release first on
``PYTHONPATH`` (what ``start`` gives the kernels, and what ``pip install .`` of the release gives), so
``python -m course_lib`` there is the student's ``course-lib``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from course_lib.cli import COMMANDS
from course_lib.grading.release import start
from course_lib.grading.release.build import ROOT
from course_lib.grading.release.build import release as make_release

INSTRUCTOR_COMMANDS = sorted(set(COMMANDS) - {"start"})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded") / "student"
    make_release(out)
    return out


def student_cli(copy: Path, args, cwd=None, env=None, **kwargs) -> subprocess.CompletedProcess:
    """``course-lib ARGS`` of the student's install ``copy``, run from ``cwd`` (default: the copy)."""
    environment = {**os.environ, "PYTHONPATH": str(copy), **(env or {})}
    for name in ("COURSE_LIB_NOTEBOOKS", "COURSE_LIB_SANDBOX"):
        environment.pop(name, None)
    return subprocess.run([sys.executable, "-m", "course_lib", *args], cwd=cwd or copy, env=environment,
                          capture_output=True, text=True, timeout=120, **kwargs)


def listed_commands(help_text: str) -> set:
    """The command names a ``--help`` lists (the lines indented by four under "positional arguments")."""
    block = help_text.split("positional arguments:")[1].split("options:")[0]
    return set(re.findall(r"^    (\S+)", block, re.M))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the two faces ---------------------------------------------------------------------------------------

def test_the_student_face_lists_start_only(graded):
    done = student_cli(graded, ["--help"])
    assert done.returncode == 0, done.stderr
    assert listed_commands(done.stdout) == {"start"}, done.stdout
    instructor = subprocess.run([sys.executable, "-m", "course_lib", "--help"], cwd=ROOT, capture_output=True,
                                text=True, timeout=60)
    assert listed_commands(instructor.stdout) == set(COMMANDS), instructor.stdout


def test_start_help_speaks_of_the_course_repository_only_in_the_course_repository(graded):
    student = student_cli(graded, ["start", "--help"])
    assert student.returncode == 0 and "--dir" in student.stdout, student.stderr
    assert "course repository" not in student.stdout
    instructor = subprocess.run([sys.executable, "-m", "course_lib", "start", "--help"], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
    assert "course repository" in " ".join(instructor.stdout.split())


@pytest.mark.parametrize("command", INSTRUCTOR_COMMANDS)
def test_an_instructor_command_in_a_student_install_says_it_needs_the_checkout(graded, command, tmp_path):
    done = student_cli(graded, [command, "--out", str(tmp_path / "x")])
    assert done.returncode == 2 and done.stdout == "", done.stdout
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"`python -m course_lib {command}` is an instructor command" in done.stderr
    assert "instructor's checkout" in done.stderr
    assert not (tmp_path / "x").exists()


def test_student_mistakes_are_one_line_naming_the_argument(graded, tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    (tmp_path / "empty").mkdir()
    (tmp_path / "not_a_copy").mkdir()
    (tmp_path / "not_a_copy" / "notes.txt").write_text("mine")
    with socket.create_server(("127.0.0.1", 0)) as busy:
        taken = busy.getsockname()[1]
        cases = [
            (["start", "--port", "abc"], "--port: expected a whole number from 1 to 65535, got 'abc'"),
            (["start", "--port", "0"], "--port: expected a whole number"),
            (["start", "--port", "70000"], "--port: expected a whole number"),
            (["start", "--port", str(taken)], f"--port: {taken} is already in use on 127.0.0.1"),
            (["start", "--ip", "my laptop"], "--ip: expected an IP address such as 127.0.0.1"),
            (["start", "--dir", str(tmp_path / "missing")], "--dir: there is no copy of the workbook in"),
            (["start", "--dir", str(tmp_path / "empty")], "--dir: there is no copy of the workbook in"),
            (["start", "--dir", str(a_file)], f"--dir: expected a folder, but {a_file} is a file"),
            (["start", "--dir", str(tmp_path / "not_a_copy")], f"--dir: {tmp_path / 'not_a_copy'} is not a copy"),
        ]
        for args, message in cases:
            done = student_cli(graded, [*args, "--no-browser"])
            assert done.returncode == 2, (args, done.stdout, done.stderr)
            assert done.stderr.startswith(f"error: {message}"), (args, done.stderr)
            assert done.stderr.count("\n") == 1 and "Traceback" not in done.stdout + done.stderr, (args, done.stderr)
            assert "JupyterLab" not in done.stdout, (args, done.stdout)  # nothing started
    assert list((tmp_path / "empty").iterdir()) == [] and not (tmp_path / "missing").exists()


def test_start_inside_another_copy_refuses(graded, tmp_path):
    other = tmp_path / "other"
    make_release(other)
    done = student_cli(graded, ["start", "--no-browser"], cwd=other / "notebooks")
    assert done.returncode == 2, done.stderr
    assert f"error: --dir: you are in the copy {other}, but this course-lib belongs to the copy {graded}" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert start.choose_copy(str(other), cwd=graded) == other  # what --dir names is what is served


def test_start_outside_any_copy_with_an_installed_course_lib_refuses(tmp_path, monkeypatch):
    monkeypatch.setattr(start, "ROOT", tmp_path / "site-packages")  # course_lib installed outside any copy
    with pytest.raises(ValueError, match=r"^--dir: no copy of the workbook here"):
        start.choose_copy(None, cwd=tmp_path)


def test_argument_errors_are_argparse_usage_never_a_traceback(graded):
    for args in (["start", "--bogus"], [], ["nonsense"]):
        done = student_cli(graded, args)
        assert done.returncode == 2 and "usage:" in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)


def test_which_copy_start_chooses_in_the_course_repository(tmp_path):
    assert start.choose_copy("mine", cwd=tmp_path) == tmp_path / "mine"  # --dir is relative to where you are
    assert start.choose_copy(None, cwd=tmp_path) == ROOT / start.DEFAULT_COPY
    copy = tmp_path / "copy"
    make_release(copy)
    assert start.choose_copy(None, cwd=copy / "notebooks") == copy
    (copy / "course_lib").rename(copy / "moved_away")
    with pytest.raises(ValueError, match="has no course_lib/ of its own"):
        start.prepare(copy)


# --- serving and stopping --------------------------------------------------------------------------------

def _descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            return True
    except OSError:
        return False


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.skipif(importlib.util.find_spec("jupyterlab") is None, reason="JupyterLab is not installed")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_start_serves_the_copy_and_a_stop_signal_leaves_no_process_and_frees_the_port(graded, tmp_path, signum):
    import psutil

    runtime = tmp_path / "runtime"
    port = free_port()
    environment = {**os.environ, "PYTHONPATH": str(graded), "JUPYTER_RUNTIME_DIR": str(runtime)}
    environment.pop("COURSE_LIB_NOTEBOOKS", None)
    process = subprocess.Popen([sys.executable, "-m", "course_lib", "start", "--no-browser", "--port", str(port)],
                               cwd=graded / "notebooks", env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        info = json.loads(_wait_for(lambda: next(iter(runtime.glob("jpserver-*.json")), None), 90,
                                    "JupyterLab to start").read_text())
        assert info["port"] == port and info["root_dir"] == str(graded)
        # jupyter_server writes its runtime file before its event loop binds the port: wait for the port too
        _wait_for(lambda: _accepts(port), 60, f"JupyterLab to listen on port {port}")
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/kernels?token={info['token']}", data=b"{}",
                                         method="POST")
        with urllib.request.urlopen(request, timeout=60) as reply:
            assert reply.status == 201
            kernel = json.loads(reply.read())["id"]

        from jupyter_client import BlockingKernelClient

        client = BlockingKernelClient(connection_file=str(_wait_for(
            lambda: next(iter(runtime.glob(f"kernel-{kernel}.json")), None), 60, "the kernel's connection file")))
        client.load_connection_file()
        client.hb_channel.time_to_dead = 30.0  # a heartbeat missed on a loaded machine is not a dead kernel
        client.start_channels()
        try:
            client.wait_for_ready(timeout=90)  # as a browser tab would: the kernel answers
        finally:
            client.stop_channels()
        processes = _descendants(process.pid)  # JupyterLab and its kernel
        assert len(processes) >= 2, processes
        process.send_signal(signum)
        output = process.communicate(timeout=90)[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    assert output.startswith(f"serving your copy of the workbook in {graded} "), output[:300]
    assert f"stopping JupyterLab ({signum.name})" in output and "received signal 15, stopping" in output, output
    assert "Traceback" not in output, output
    gone, alive = psutil.wait_procs(processes, timeout=30)
    assert alive == [], [p.pid for p in alive]
    assert not list(runtime.glob("jpserver-*")), "JupyterLab left its runtime files behind"
    with socket.create_server(("127.0.0.1", port)):
        pass  # the port is free again
    assert "nbgrader" not in output.lower()  # no instructor extension in the student's JupyterLab
