"""A simulated Gradescope run of a bundle: a clean Python 3.10, no bubblewrap, as root or as an ordinary user.

Gradescope unpacks the bundle into ``/autograder/source``, runs ``setup.sh`` once (as root, when the
autograder is built), then for each upload puts the student's files in ``/autograder/submission``, runs
``run_autograder`` and reads ``/autograder/results/results.json``. Here the same happens below a temporary
folder (``AUTOGRADER_ROOT``, never the real ``/autograder``):

- :func:`python310` copies a Python 3.10 build where any user can run it (pyenv's lives under a 0700
  ``/root``) and makes a venv of it with nothing but pip: ``setup.sh`` installs the bundle's requirements
  into it from the package index, as on Gradescope;
- the scripts see a ``PATH`` of that venv and a folder of the few tools they use (``bash``, ``id``,
  ``chmod``, ``dirname``...), without ``bwrap``: the grader must fall back to its confined mode;
- ``as_user``: ``run_autograder`` runs through ``setpriv`` as an ordinary user who owns the layout.

``python gradescope_py310.py BUNDLE.zip FILE.ipynb...`` runs it by hand (root, then a user) and prints each
results.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: hostile.world
from hostile import world  # noqa: E402

PYTHON310_CANDIDATES = ("/root/.pyenv/versions/3.10.13/bin/python3.10", "/usr/bin/python3.10",
                        "/usr/local/bin/python3.10")
TOOLS = ("bash", "sh", "id", "chmod", "dirname", "env", "cat", "ls", "uname", "mkdir", "rm")
TEST_USER = "cl_gradescope"


def find_python310() -> str | None:
    """A Python 3.10 interpreter on this machine (``COURSE_LIB_PYTHON310`` first), or None."""
    for candidate in (os.environ.get("COURSE_LIB_PYTHON310", ""), *PYTHON310_CANDIDATES):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _runpath_to_copy(binary: Path, old_lib: Path) -> None:
    """Point ``binary``'s RUNPATH (pyenv's absolute ``PREFIX/lib``, under /root) at its copy: ``$ORIGIN/../lib``,
    written over the old string and padded with NULs (the dynamic string table keeps its size)."""
    old = str(old_lib).encode() + b"\0"
    new = b"$ORIGIN/../lib"
    data = binary.read_bytes()
    if old in data and len(new) < len(old):
        binary.write_bytes(data.replace(old, new + b"\0" * (len(old) - len(new))))


def python310(base: Path, interpreter: str, copy: Path) -> Path:
    """A world-readable venv (with pip only) in ``base`` of a world-readable ``copy`` of ``interpreter``'s
    installation. ``copy`` must not be below /tmp: the confined worker mounts a tmpfs over /tmp, and the
    interpreter's standard library must still be there (on Gradescope it is /usr/lib/python3.10)."""
    prefix = Path(interpreter).resolve().parents[1]
    if str(prefix).startswith("/root/"):
        shutil.copytree(prefix, copy, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "test", "tests", "idlelib", "tkinter"))
        interpreter = str(copy / "bin" / Path(interpreter).name)
        _runpath_to_copy(Path(interpreter).resolve(), prefix / "lib")
    venv = base / "venv"
    subprocess.run([interpreter, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    world.make_readable(base)
    if copy.exists():
        world.make_readable(copy)
    return venv


def interpreter_folder() -> Path:
    """A new world-readable folder outside /tmp for the interpreter's copy (the caller removes it)."""
    folder = Path(tempfile.mkdtemp(prefix="course_lib_py310_", dir="/var/tmp"))
    folder.chmod(0o755)
    return folder / "python310"


def tools_folder(base: Path) -> Path:
    """A folder of links to the few tools the scripts use, without bwrap."""
    folder = base / "tools"
    folder.mkdir(exist_ok=True)
    for name in TOOLS:
        found = shutil.which(name)
        if found and not (folder / name).exists():
            (folder / name).symlink_to(found)
    world.make_readable(folder)
    return folder


def environment(venv: Path, tools: Path, root: Path, home: Path) -> dict:
    env = {"PATH": f"{venv / 'bin'}:{tools}", "HOME": str(home), "LANG": "C.UTF-8", "AUTOGRADER_ROOT": str(root),
           "TMPDIR": str(home)}
    env.update({k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")})
    return env


def layout(base: Path, bundle: Path, files: dict) -> Path:
    """``base/autograder/{source,submission,results}`` with the bundle unpacked (its file modes kept)."""
    root = base / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():
            mode = info.external_attr >> 16
            if mode:
                os.chmod(root / "source" / info.filename, mode)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for name, data in files.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_bytes(data)
    return root


def setup(root: Path, venv: Path, tools: Path, home: Path) -> subprocess.CompletedProcess:
    """``setup.sh``, as root (Gradescope builds the image so)."""
    return subprocess.run(["bash", str(root / "source" / "setup.sh")], env=environment(venv, tools, root, home),
                          capture_output=True, text=True, timeout=900, cwd=root / "source")


def run_autograder(root: Path, venv: Path, tools: Path, home: Path, as_user: bool) -> subprocess.CompletedProcess:
    """``run_autograder``: as root, or through setpriv as :data:`TEST_USER`, who then owns the layout."""
    prefix = []
    if as_user:
        uid, gid = world.test_user(TEST_USER)
        for folder in (root, home):
            for path in [folder, *folder.rglob("*")]:
                os.lchown(path, uid, gid)
        prefix = [shutil.which("setpriv"), f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"]
    return subprocess.run([*prefix, shutil.which("bash"), str(root / "source" / "run_autograder")],
                          env=environment(venv, tools, root, home), capture_output=True, text=True, timeout=600,
                          cwd=root, stdin=subprocess.DEVNULL)


def simulate(base: Path, venv: Path, bundle: Path, files: dict, as_user: bool, install: bool = True) -> tuple:
    """Lay out, set up (``install``) and run one upload; returns ``(setup, run, results or None)``."""
    base.mkdir(parents=True, exist_ok=True)
    base.chmod(0o755)
    home = base / "home"
    home.mkdir()
    home.chmod(0o755)
    tools = tools_folder(base.parent)
    root = layout(base, bundle, files)
    done_setup = setup(root, venv, tools, home) if install else None
    world.make_readable(venv)
    done = run_autograder(root, venv, tools, home, as_user)
    path = root / "results" / "results.json"
    return done_setup, done, (json.loads(path.read_text()) if path.exists() else None)


def main(argv: list) -> int:
    interpreter = find_python310()
    if interpreter is None:
        print("no Python 3.10 here (set COURSE_LIB_PYTHON310)", file=sys.stderr)
        return 2
    bundle, files = Path(argv[0]), {Path(p).name: Path(p).read_bytes() for p in argv[1:]}
    base = Path(tempfile.mkdtemp(prefix="course_lib_gs310_", dir="/tmp"))
    base.chmod(0o755)
    copy = interpreter_folder()
    try:
        venv = python310(base, interpreter, copy)
        for k, as_user in enumerate((False, True)):
            done_setup, done, results = simulate(base / ("user" if as_user else "root"), venv, bundle, files,
                                                 as_user, install=k == 0)
            print(f"== {'as ' + TEST_USER if as_user else 'as root'}: setup.sh "
                  f"{'(already done)' if done_setup is None else 'exit ' + str(done_setup.returncode)}, "
                  f"run_autograder exit {done.returncode}")
            print(done.stdout.strip(), done.stderr.strip()[-2000:], sep="\n")
            print(json.dumps(results, indent=1)[:6000] if results else "no results.json")
    finally:
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(copy.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
