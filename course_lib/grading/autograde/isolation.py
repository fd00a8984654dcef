"""What isolates a submission's code: a fresh bubblewrap sandbox per worker (or the weaker fallback).

The boundary is the kernel, set up by bubblewrap (``bwrap``, the sandbox under Flatpak),
one sandbox per submission (and per restart after a crash), nothing shared between two:

- new user, pid, network, IPC, UTS and cgroup namespaces (``--unshare-all``): no network
  at all (only a loopback of its own), no signal or ptrace to any process outside, System V
  IPC of its own; ``--die-with-parent`` and the pid namespace end every process it started
  when it ends (daemons included); ``--new-session``; every capability dropped;
- a file system of read-only binds of exactly: ``/usr`` (libc and the loader), the Python
  runtime (its ``site-packages`` hidden), numpy, matplotlib and the few packages a notebook's code
  runs for real (:data:`course_lib.grading.autograde.stand_ins.REAL_DISTRIBUTIONS`), and the answer-free course_lib
  (:func:`answer_free_package`, the student release's, holding no implementation of a graded
  exercise); size-capped tmpfs for ``/tmp``, the home and ``/dev/shm``; a private ``/proc``.
  No bank, no checkout, no source notebooks, no submissions, no grading output;
- limits: as root, a memory and a pids cgroup (v1) around the whole sandbox; always, the
  worker's own hard rlimits (address space, CPU seconds, processes, file size, no core);
  wall-clock deadlines per step and per submission, enforced here by killing the sandbox.

The grader protects itself: every write to the worker and every read from it has a
deadline; exactly one reply frame of bounded size answers each command (anything else
ends the worker as "crashed").

Where bubblewrap cannot start (no ``bwrap``, or a container without user namespaces, as on
Gradescope), :func:`isolation` says so and the worker runs as a plain subprocess with the
same rlimits, as an unprivileged uid when the grader is root; see
:mod:`course_lib.grading.autograde.gradescope`. Not covered: kernel exploits; CPU time spread over
many processes is bounded only by the wall-clock limit; as an ordinary user there is no
cgroup, so memory is capped per process (``RLIMIT_AS``) and the tmpfs sizes.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path

from course_lib.answers import SANDBOX_VARIABLE
from course_lib.grading.autograde.limits import Limits

BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"
CGROUP_ROOT = "/sys/fs/cgroup"
HOME = "/home/student"
NOBODY = 65534
FALLBACK_UID = 65533  # the unprivileged uid of the fallback mode (grading as root without bwrap)


def _package_tree() -> list:
    """``(relative path, bytes)`` of the answer-free course_lib (the graded student release's)."""
    from course_lib.grading.release import build as release

    return list(release.package_files(mode="graded"))


_PACKAGE_LOCK = threading.Lock()


def _package_digest() -> tuple:
    from course_lib.grading.exercises.bank import all_exercises

    return _package_digest_of(tuple(ex.id for ex in all_exercises()))


@lru_cache(maxsize=4)
def _package_digest_of(exercise_ids: tuple) -> tuple:
    files = _package_tree()
    digest = hashlib.sha256()
    for relative, data in files:
        digest.update(relative.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()[:16], files


def answer_free_package() -> str:
    """A folder holding the answer-free ``course_lib/`` (built once per grader process, content-addressed,
    rebuilt if something removed it)."""
    digest, files = _package_digest()
    folder = Path(tempfile.gettempdir()) / f"course_lib_sandbox_{os.getuid()}_{digest}"
    if (folder / ".complete").exists():
        return str(folder)
    with _PACKAGE_LOCK:
        if not (folder / ".complete").exists():
            staging = Path(tempfile.mkdtemp(prefix=".course_lib_sandbox_", dir=tempfile.gettempdir()))
            for relative, data in files:
                target = staging / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            (staging / ".complete").write_text("")
            for path in [staging, *staging.rglob("*")]:
                path.chmod(0o755 if path.is_dir() else 0o644)
            try:
                staging.rename(folder)
            except OSError:  # another grader made it first
                shutil.rmtree(staging, ignore_errors=True)
    return str(folder)


@lru_cache(maxsize=1)
def _package_dirs() -> tuple:
    """The top-level folders and files (numpy's ``numpy/`` and ``numpy.libs/``, ``six.py``...) of the real
    packages a notebook's code may import in the sandbox
    (:data:`course_lib.grading.autograde.stand_ins.REAL_DISTRIBUTIONS`), as installed here."""
    from importlib import metadata

    from course_lib.grading.autograde.stand_ins import REAL_DISTRIBUTIONS

    found = set()
    for name in REAL_DISTRIBUTIONS:
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for file in distribution.files or ():
            top = file.parts[0] if file.parts else ""
            if not top or top in ("..", "__pycache__") or top.endswith((".dist-info", ".egg-info", ".pth")):
                continue
            path = str(distribution.locate_file(top))
            if os.path.exists(path):
                found.add(path)
    return tuple(sorted(found))


def _site_dirs() -> set:
    dirs = set(site.getsitepackages()) | {site.getusersitepackages()}
    dirs |= {p for p in sys.path if p.rstrip("/").endswith(("site-packages", "dist-packages"))}
    for pattern in ("/usr/lib/python3*/site-packages", "/usr/lib/python3*/dist-packages",
                    "/usr/local/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages"):
        dirs.update(glob.glob(pattern))
    return {os.path.realpath(d) for d in dirs if os.path.isdir(d)}


def _runtime() -> tuple[str, list]:
    """The real interpreter and the folders it needs (its prefix, when outside /usr)."""
    executable = os.path.realpath(sys.executable)
    trees = []
    for prefix in {os.path.realpath(sys.base_prefix), os.path.realpath(sys.base_exec_prefix)}:
        if not prefix.startswith("/usr/") and prefix != "/usr":
            trees.append(prefix)
    return executable, sorted(trees)


def bwrap_command(limits: Limits, python_args: list) -> list:
    """The bubblewrap command line that runs ``python_args`` in a fresh sandbox."""
    executable, trees = _runtime()
    size = str(int(limits.disk_mb) * 1024 * 1024)
    command = [BWRAP, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
               "--uid", str(NOBODY), "--gid", str(NOBODY), "--clearenv", "--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = f"/{name}"
        if os.path.islink(path):
            command += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            command += ["--ro-bind", path, path]
    if os.path.exists("/etc/ld.so.cache"):
        command += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for tree in trees:
        command += ["--ro-bind", tree, tree]
    bound = ["/usr", *trees] + [f"/{n}" for n in ("lib", "lib64", "bin") if not os.path.islink(f"/{n}")]
    for hidden in sorted(_site_dirs()):
        if any(hidden == b or hidden.startswith(b.rstrip("/") + "/") for b in bound):
            command += ["--tmpfs", hidden]  # site-packages of the runtime: not in the sandbox
    for path in _package_dirs():
        command += ["--ro-bind", path, f"/opt/site/{os.path.basename(path)}"]
    command += ["--ro-bind", answer_free_package(), "/opt/course",
                "--proc", "/proc", "--dev", "/dev",
                "--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", HOME,
                "--size", size, "--tmpfs", "/dev/shm", "--chdir", HOME]
    for name, value in _environment(HOME).items():
        command += ["--setenv", name, value]
    return command + ["--remount-ro", "/", executable, *python_args]


def _environment(home: str) -> dict:
    env = {"HOME": home, "TMPDIR": "/tmp", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", SANDBOX_VARIABLE: "1", "MPLBACKEND": "Agg"}
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # keep the machine's numpy workarounds
        if name in os.environ:
            env[name] = os.environ[name]
    return env


@lru_cache(maxsize=1)
def isolation() -> str:
    """``"bubblewrap"`` if a sandbox starts here, else what the fallback is and why."""
    if not os.path.exists(BWRAP):
        reason = "bubblewrap (bwrap) is not installed"
    else:
        try:
            done = subprocess.run([BWRAP, "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr",
                                   "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                                   "--symlink", "usr/lib64", "/lib64", "/usr/bin/true"],
                                  stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
            if done.returncode == 0:
                return "bubblewrap"
            reason = f"bubblewrap cannot start here ({done.stderr.decode(errors='replace').strip()[:120]})"
        except (OSError, subprocess.TimeoutExpired) as exc:
            reason = f"bubblewrap cannot start here ({exc})"
    who = f"an unprivileged uid ({FALLBACK_UID})" if os.geteuid() == 0 else "the grader's own user"
    return f"weaker: {reason}; student code runs as {who} with rlimits only"


# --- cgroups (as root) ------------------------------------------------------------------------------

class _Cgroup:
    """A memory and a pids cgroup (v1) for one sandbox, when the grader may create them."""

    def __init__(self, limits: Limits):
        self.dirs = []
        if os.geteuid() != 0:
            return
        name = f"course_lib_grade/{os.getpid()}_{threading.get_ident()}_{time.monotonic_ns()}"
        settings = {"memory": {"memory.limit_in_bytes": int(limits.memory_mb) * 1024 * 1024 * 2},
                    "pids": {"pids.max": int(limits.max_processes) + 4}}
        for controller, values in settings.items():
            base = os.path.join(CGROUP_ROOT, controller)
            if not os.access(base, os.W_OK):
                continue
            path = os.path.join(base, name)
            try:
                os.makedirs(path)
                for key, value in values.items():
                    with open(os.path.join(path, key), "w") as handle:
                        handle.write(str(value))
                self.dirs.append(path)
            except OSError:
                continue

    def wrap(self, command: list) -> list:
        """``command`` run from a shell that first moves itself into the cgroups."""
        if not self.dirs:
            return command
        moves = " && ".join(f'echo $$ > "{d}/cgroup.procs"' for d in self.dirs)
        return ["/bin/sh", "-c", f'{moves} && exec "$@"', "sh", *command]

    def oom_killed(self) -> bool:
        for path in self.dirs:
            try:
                with open(os.path.join(path, "memory.oom_control")) as handle:
                    for line in handle:
                        if line.startswith("oom_kill ") and int(line.split()[1]) > 0:
                            return True
                with open(os.path.join(path, "memory.failcnt")) as handle:
                    if int(handle.read().strip() or 0) > 0 and "memory" in path:
                        return True
            except (OSError, ValueError):
                continue
        return False

    def close(self) -> None:
        for path in self.dirs:
            for _ in range(50):
                try:
                    with open(os.path.join(path, "cgroup.procs")) as handle:
                        pids = [int(p) for p in handle.read().split()]
                except OSError:
                    pids = []
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                try:
                    os.rmdir(path)
                    break
                except OSError:
                    time.sleep(0.02)


# --- one sandboxed worker -----------------------------------------------------------------------------


def _local_site() -> str:
    """For the fallback: a folder with only the real packages in it (symlinks), put on the worker's path."""
    folder = Path(tempfile.gettempdir()) / f"course_lib_site_{os.getuid()}"
    folder.mkdir(exist_ok=True)
    for source in _package_dirs():
        link = folder / os.path.basename(source)
        if not link.exists():
            try:
                link.symlink_to(source)
            except FileExistsError:
                pass
    return str(folder)


def _kill_uid(uid: int) -> None:
    """Fallback mode as root: kill every process of the sandbox uid (run as that uid)."""
    subprocess.run(["/bin/sh", "-c", "kill -9 -1"], user=uid, group=uid, extra_groups=[],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/",
                   env={"PATH": "/usr/bin:/bin"}, check=False, timeout=10)


# --- a whole submission ------------------------------------------------------------------------------------


class Sandbox:
    """The worker's process, started in a fresh bubblewrap sandbox (or the fallback); ``close`` ends all of it.

    Parameters
    ----------
    limits : Limits
    rlimits : dict
        The worker's own hard rlimits (``RLIMIT_*`` name -> value), set by the worker before any student code.
    cmd_read, result_write : int
        The pipe ends the worker reads its commands from and writes its replies to (inherited).
    """

    def __init__(self, limits: Limits, rlimits: dict, cmd_read: int, result_write: int):
        self.cgroup = None
        self.process = None
        self.home = None
        sandboxed = isolation() == "bubblewrap"
        settings = {"limits": rlimits,
                    "path": ["/opt/site", "/opt/course"] if sandboxed else [_local_site(), answer_free_package()]}
        script = ("/opt/course/course_lib/grading/autograde/worker.py" if sandboxed
                  else os.path.join(answer_free_package(), "course_lib", "grading", "autograde", "worker.py"))
        python_args = ["-I", "-S", "-B", script, str(cmd_read), str(result_write), json.dumps(settings)]
        try:
            if sandboxed:
                self.cgroup = _Cgroup(limits)
                command = self.cgroup.wrap(bwrap_command(limits, python_args))
                self.process = subprocess.Popen(command, pass_fds=(cmd_read, result_write), stdin=subprocess.DEVNULL,
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/",
                                                env={"PATH": "/usr/bin:/bin"}, start_new_session=True)
            else:
                self.home = tempfile.mkdtemp(prefix="course_lib_grade_")
                if os.geteuid() == 0:  # the worker drops to this uid itself, after its imports
                    os.chown(self.home, FALLBACK_UID, FALLBACK_UID)
                    settings["uid"] = FALLBACK_UID
                    python_args[-1] = json.dumps(settings)
                self.process = subprocess.Popen([os.path.realpath(sys.executable), *python_args],
                                                pass_fds=(cmd_read, result_write), stdin=subprocess.DEVNULL,
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.home,
                                                env={**_environment(self.home), "TMPDIR": self.home},
                                                start_new_session=True)
        except BaseException:
            self.close()
            raise

    def oom_killed(self) -> bool:
        return self.cgroup is not None and self.cgroup.oom_killed()

    def close(self) -> None:
        """End the sandbox and everything in it."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.process.kill()
            except OSError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self.cgroup is not None:
            self.cgroup.close()
        if self.home:
            if os.geteuid() == 0 and isolation() != "bubblewrap":
                _kill_uid(FALLBACK_UID)
            shutil.rmtree(self.home, ignore_errors=True)
