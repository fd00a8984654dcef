"""A world for graders run as other users: copies anyone can read, a venv anyone can run, test users.

Used by ``test_red_team.py`` and ``test_fallback.py``: a grader run as an ordinary user (or a
confined worker's uid) cannot reach this checkout's venv, whose interpreter lives under a 0700
``/root``.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

_CLOSURE = """
import json, sys
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + '/tests')
import course_lib, course_lib.grading.autograde.grade, course_lib.grading.autograde.sandbox
import course_lib.grading.autograde.gradescope, course_lib.grading.autograde.batch, course_lib.cli
import matplotlib.pyplot  # bound into the sandbox (stand_ins.REAL_DISTRIBUTIONS)
import IPython.core.inputtransformer2  # the grader turns a cell into the Python a kernel runs
import tqdm.auto
from hostile import kit
site = sys.argv[2]
print(json.dumps(sorted({m.split('.')[0] for m, v in list(sys.modules.items())
                         if (getattr(v, '__file__', None) or '').startswith(site)})))
"""


def copy_tree(source: Path, dest: Path) -> None:
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"))


def make_readable(top: Path) -> None:
    """a+rX on a tree this test created (a CI clone may have been made with a private umask)."""
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                mode = os.stat(path).st_mode
                os.chmod(path, mode | stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
                         | ((stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH) if stat.S_ISDIR(mode) or mode & 0o100 else 0))
    os.chmod(top, 0o755)


def readable_python(base: Path, repo: Path) -> str:
    """A venv readable by anyone: Debian's interpreter of the same version, the packages the grader imports."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    system_python = Path(f"/usr/bin/python{version}")
    if not system_python.exists():
        pytest.skip(f"needs {system_python} (a world-readable Python {version})")
    venv = base / "venv"
    done = subprocess.run([str(system_python), "-m", "venv", "--without-pip", str(venv)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    import numpy

    site = Path(numpy.__file__).resolve().parents[1]
    names = json.loads(subprocess.run([sys.executable, "-c", _CLOSURE, str(repo), str(site)], capture_output=True,
                                      text=True, timeout=120, check=True).stdout)
    target = venv / "lib" / f"python{version}" / "site-packages"
    for name in names:
        if name.startswith(("_distutils_hack", "__editable__", "course_lib")):
            continue
        for entry in site.iterdir():
            if (entry.name in (name, name + ".py") or entry.name.startswith(name + ".")
                    or (entry.name.endswith(".dist-info") and entry.name.split("-")[0].lower() == name.lower())):
                if entry.is_dir():
                    copy_tree(entry, target / entry.name)
                else:
                    shutil.copy2(entry, target / entry.name)
    make_readable(venv)
    return str(venv / "bin" / "python")


def test_user(name: str) -> tuple[int, int]:
    """``(uid, gid)`` of the system user ``name``, created if absent (no home, no shell)."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", name], check=True, capture_output=True, timeout=60)
        entry = pwd.getpwnam(name)
    return entry.pw_uid, entry.pw_gid


test_user.__test__ = False  # a helper, not a test


class Listener:
    """A TCP listener on 127.0.0.1 recording what every connection sends (a student's code must reach none)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port, self.received, self._stop = self.sock.getsockname()[1], [], threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.received.append(conn.recv(4096) or b"<connected>")
                except OSError:
                    self.received.append(b"<connected>")

    def close(self):
        self._stop.set()
        self._thread.join(5)
        self.sock.close()
