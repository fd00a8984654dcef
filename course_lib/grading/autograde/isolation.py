"""What isolates a submission's code: a fresh bubblewrap sandbox per worker, or the confined fallback.

Three modes, chosen once per grading run by :func:`choose` (see README, "What isolates student code"):

``bubblewrap`` (the kernel's namespaces, set up by ``bwrap``), one sandbox per worker:
  new user, pid, network, IPC, UTS and cgroup namespaces (no network at all, no process outside
  visible, every process ends with the sandbox), every capability dropped; a file system of
  read-only binds of ``/usr``, the interpreter and what it loads (:func:`runtime_binds`: never a
  ``site-packages`` or ``dist-packages`` folder, the base interpreter's of a venv included),
  numpy, matplotlib and the few packages a notebook's code runs for real
  (:data:`course_lib.grading.autograde.stand_ins.REAL_DISTRIBUTIONS`), and the answer-free package of this
  run; size-capped tmpfs for ``/tmp``, the home and
  ``/dev/shm``. As root, a memory and a pids cgroup around the sandbox.
``confined`` (where bubblewrap cannot start: Gradescope's containers, no ``bwrap``): the worker is
  started by this process directly as an unassigned uid of its own (a root grader; no Python code
  runs as root in the child), applies :mod:`.confine`'s seccomp filter and Landlock domain before
  any code of the package or of the student runs, and, where the kernel allows it, enters a user,
  network and mount namespace in which its one writable folder is a size-capped tmpfs.
  :func:`choose` takes it only where :func:`confine.assess` says it is a boundary.
``unsafe`` (``--unsafe-no-sandbox``): where neither is available, what the kernel offers is
  applied and the rest is said (:class:`Mode`'s ``summary``), never as root.

Always: the worker's own hard rlimits (address space, CPU seconds, processes, file size, no core)
and the grader's wall-clock deadlines (:mod:`.sandbox`).

Nothing is trusted by name: the answer-free package that every worker imports is written by this
process into a folder that ``mkdtemp`` made, verified on its descriptor
(:func:`confine.private_package_folder`), and removed at exit; each confined worker's home is a new
folder owned by its uid alone (:func:`confine.scratch_folder`).
"""

from __future__ import annotations

import atexit
import fcntl
import glob
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from course_lib.answers import SANDBOX_VARIABLE
from course_lib.grading.autograde import confine
from course_lib.grading.autograde.limits import Limits

BWRAP = shutil.which("bwrap")
CGROUP_ROOT = "/sys/fs/cgroup"
HOME = "/home/student"
NOBODY = 65534
UNSAFE_FLAG = "--unsafe-no-sandbox"
LEASES = "/run/course_lib_worker_uids"  # root-only lock files: one confined worker per uid, across graders
CONFINEMENT_FAILED = 97  # the worker's exit status when it could not confine itself (it never runs unconfined)


class IsolationRefused(ValueError):
    """Student code cannot be isolated here (the message says why, and what ``--unsafe-no-sandbox`` leaves open)."""


# --- the answer-free package, private to this grader process ------------------------------------------------

_PACKAGE: dict = {}
_PACKAGE_LOCK = threading.Lock()


def _package_files() -> list:
    """``(relative path, bytes)`` of the answer-free course_lib (the graded student release's)."""
    from course_lib.grading.release import build as release

    return list(release.package_files(mode="graded"))


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


def answer_free_package() -> str:
    """This process's private package folder (made on first use, removed at exit).

    Holds ``course/course_lib/`` (the graded release's package: no implementation of a graded
    exercise, no hidden test) and ``site/`` (links to numpy and the few packages a notebook runs for real,
    :func:`_package_dirs`, for the confined worker's ``sys.path``). Made by
    :func:`confine.private_package_folder` in ``TMPDIR``: a new
    folder from ``mkdtemp``, verified on its descriptor, files written with ``O_EXCL``; mode
    0711 (workers may read what they are told the name of, not list or change it). A folder
    someone else made is never used, whatever its name.
    """
    from course_lib.grading.exercises.bank import all_exercises

    key = (os.getpid(), tuple(ex.id for ex in all_exercises()))  # its data bank is the bank's of now
    with _PACKAGE_LOCK:
        folder = _PACKAGE.get(key)
        if folder is None or not os.path.isdir(folder):
            files = [(f"course/{relative}", data) for relative, data in _package_files()]
            links = [(f"site/{os.path.basename(d)}", d) for d in _package_dirs()]
            try:
                folder = confine.private_package_folder(files, links, prefix="course_lib_package_")
            except confine.ConfinementError as exc:
                raise IsolationRefused(f"TMPDIR: {exc}") from None
            _PACKAGE[key] = folder
        return folder


@atexit.register
def _remove_package() -> None:
    """Remove this process's package folders (not those a parent process made before a fork)."""
    for key in [k for k in _PACKAGE if k[0] == os.getpid()]:
        shutil.rmtree(_PACKAGE.pop(key), ignore_errors=True)


# --- bubblewrap: the runtime it binds -------------------------------------------------------------------

_RUNTIME_PROBE = r"""
import json, os, sys
import _ctypes, _json, _struct, math, select, zlib  # what a worker loads before numpy
libraries = set()
with open('/proc/self/maps') as maps:
    for line in maps:
        fields = line.split(None, 5)
        if len(fields) == 6 and fields[5].startswith('/') and '.so' in os.path.basename(fields[5].strip()):
            libraries.add(os.path.realpath(fields[5].strip()))
print(json.dumps({"executable": os.path.realpath(sys.executable),
                  "stdlib": os.path.dirname(os.path.realpath(os.__file__)),
                  "dynload": [os.path.realpath(p) for p in sys.path if os.path.basename(p) == "lib-dynload"],
                  "libraries": sorted(libraries)}))
"""

_SITE_PATTERNS = ("{site}", "python*/{site}", "lib/python*/{site}", "local/lib/python*/{site}")


def _beneath(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def hidden_package_folders(trees) -> list:
    """Every ``site-packages``/``dist-packages`` folder where an interpreter keeps them beneath ``trees``."""
    found = set()
    for tree in trees:
        for pattern in _SITE_PATTERNS:
            for site in ("site-packages", "dist-packages"):
                found.update(os.path.realpath(p) for p in glob.glob(os.path.join(tree, pattern.format(site=site)))
                             if os.path.isdir(p))
    return sorted(p for p in found if any(_beneath(p, tree) for tree in trees))


@lru_cache(maxsize=4)
def runtime_binds(python: str) -> tuple:
    """``(files and folders to bind read-only, folders to hide)`` for ``python`` in a sandbox.

    What a bare ``python -I -S`` loads (asked of a child, not this process, which has loaded far
    more): the interpreter's file, the standard library, ``lib-dynload``, and the folders of its
    shared libraries outside ``/usr`` (a pyenv's or conda's ``lib``). Every package folder
    beneath them is hidden (:func:`hidden_package_folders`), ``/usr``'s included: a venv's base
    interpreter keeps its own packages there.
    """
    done = subprocess.run([python, "-I", "-S", "-c", _RUNTIME_PROBE], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, cwd="/", env={"PATH": "/usr/bin:/bin"})
    if done.returncode != 0:
        raise IsolationRefused(f"the interpreter {python} does not start: {done.stderr.strip()[-300:]}")
    found = json.loads(done.stdout)
    folders = {found["stdlib"], *found["dynload"]}
    folders |= {os.path.dirname(library) for library in found["libraries"]}
    folders = {f for f in folders if not _beneath(f, "/usr")}
    folders = sorted(f for f in folders if not any(f != g and _beneath(f, g) for g in folders))
    binds = [found["executable"]] if not any(_beneath(found["executable"], f) for f in ["/usr", *folders]) else []
    return tuple(binds + folders), tuple(hidden_package_folders(["/usr", *folders]))


def bwrap_command(limits: Limits, python_args: list) -> list:
    """The bubblewrap command line that runs ``python_args`` in a fresh sandbox."""
    executable = os.path.realpath(sys.executable)
    binds, hidden = runtime_binds(executable)
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
    for path in binds:
        command += ["--ro-bind", path, path]
    for folder in hidden:
        command += ["--tmpfs", folder]  # an empty folder over it: nothing of it is in the sandbox
    for folder in _package_dirs():
        command += ["--ro-bind", folder, f"/opt/site/{os.path.basename(folder)}"]
    command += ["--ro-bind", os.path.join(answer_free_package(), "course"), "/opt/course",
                "--proc", "/proc", "--dev", "/dev",
                "--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", HOME,
                "--size", size, "--tmpfs", "/dev/shm", "--chdir", HOME]
    for name, value in _environment(HOME).items():
        command += ["--setenv", name, value]
    return command + ["--remount-ro", "/", executable, *python_args]


def _environment(home: str) -> dict:
    env = {"HOME": home, "TMPDIR": "/tmp" if home == HOME else home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
           "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", SANDBOX_VARIABLE: "1", "MPLBACKEND": "Agg"}
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # keep the machine's numpy workarounds
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _bwrap_problem() -> str:
    """Why bubblewrap cannot start here, or '' if it can."""
    if BWRAP is None:
        return "bubblewrap (bwrap) is not installed"
    try:
        done = subprocess.run([BWRAP, "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr",
                               "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                               "--symlink", "usr/lib64", "/lib64", "/usr/bin/true"],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap cannot start here ({exc})"
    if done.returncode != 0:
        return f"bubblewrap cannot start here ({done.stderr.decode(errors='replace').strip()[:160]})"
    return ""


# --- the mode ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mode:
    """How student code is isolated in this run.

    Attributes
    ----------
    name : str
        ``"bubblewrap"``, ``"confined"`` or ``"unsafe"``.
    summary : str
        What enforces what (and, for ``"unsafe"``, what is not covered), for grading.json, results and
        the command line.
    probe : confine.Probe or None
        What the kernel offers the fallback (None in bubblewrap mode).
    python : str
        The interpreter the workers run.
    """

    name: str
    summary: str
    probe: confine.Probe | None = None
    python: str = ""

    def __str__(self) -> str:
        return self.name if self.name == "bubblewrap" else f"{self.name}: {self.summary}"

    def to_json(self) -> dict:
        return {"mode": self.name, "summary": self.summary,
                "layers": sorted(layer.value for layer in self.probe.layers) if self.probe else [],
                "bwrap": self.name == "bubblewrap"}


def _fallback(allow_unsafe: bool, bwrap_problem: str) -> Mode:
    """The confined mode where it is a boundary, else the unsafe one if allowed, else a refusal."""
    python = os.path.realpath(sys.executable)
    script = os.path.join(answer_free_package(), "course", "course_lib", "grading", "autograde", "confine.py")
    found = confine.probe(python, script=script)
    try:
        sample = confine.worker_identity(0, found)  # never root: a root grader without CAP_SETUID is refused
        if sample is not None:  # what the workers' uid may do is what counts: probe as one of them
            confine.require_readable(sample, confine.runtime_check_paths(sys.executable))
            lease = _UidLease(found)  # leased like a worker's uid: another grader's cleanup kills its processes
            try:
                found = confine.probe(python, identity=lease.identity, script=script)
            finally:
                lease.release()
    except (confine.ConfinementError, OSError) as exc:  # OSError: every worker uid busy (other graders)
        raise IsolationRefused(f"{bwrap_problem}, and the fallback cannot start: {exc}") from None
    verdict = confine.assess(found)
    if verdict.boundary:
        return Mode("confined", f"{bwrap_problem}. {found.sentence()}", found, python)
    if not allow_unsafe:
        raise IsolationRefused(f"{bwrap_problem}, and nothing else isolates student code here. "
                               f"{verdict.message()} Grade on a machine where bubblewrap runs, or pass "
                               f"{UNSAFE_FLAG} to grade with only what is available.")
    return Mode("unsafe", f"{bwrap_problem}. {verdict.message()} What is applied: {found.sentence()}", found, python)


@lru_cache(maxsize=2)
def _detect(allow_unsafe: bool) -> Mode:
    problem = _bwrap_problem()
    if not problem:
        return Mode("bubblewrap", "bubblewrap: kernel namespaces (no network, no process outside), read-only "
                                  "binds of the runtime and the answer-free package, size-capped tmpfs")
    return _fallback(allow_unsafe, problem)


_CURRENT: list = []  # the mode chosen last in this process


def choose(allow_unsafe: bool = False) -> Mode:
    """Decide how this run isolates student code (probed once per process and flag).

    :class:`IsolationRefused` if nothing isolates it here and ``allow_unsafe`` is false.
    """
    chosen = _detect(bool(allow_unsafe))
    _CURRENT[:] = [chosen]
    return chosen


def mode() -> Mode:
    """The mode of this run (:func:`choose` without ``--unsafe-no-sandbox`` unless a run chose already)."""
    return _CURRENT[0] if _CURRENT else choose(False)


def isolation() -> str:
    """``"bubblewrap"``, or ``"confined: ..."`` / ``"unsafe: ..."`` with what enforces what."""
    return str(mode())


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

    def add(self, pid: int) -> None:
        """Move the process ``pid`` (started by this grader, before it is sent any command) into the cgroups."""
        for path in self.dirs:
            with open(os.path.join(path, "cgroup.procs"), "w") as handle:
                handle.write(str(pid))

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


# --- the confined fallback: one uid per live worker (root) ----------------------------------------------------

def _lease_folder() -> str | None:
    """Root's folder of uid lock files (made 0700 if absent, verified on its descriptor), or None."""
    try:
        os.mkdir(LEASES, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    fd = os.open(LEASES, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if st.st_uid != 0 or stat.S_IMODE(st.st_mode) & 0o077:
            raise IsolationRefused(f"{LEASES} is not root's private folder (owner {st.st_uid}, mode "
                                   f"{stat.filemode(st.st_mode)}); remove it")
    finally:
        os.close(fd)
    return LEASES


_LOCAL_LEASES: set = set()
_LEASE_LOCK = threading.Lock()


class _UidLease:
    """An unassigned uid held by one worker for its whole life: no other live worker, of this grader or
    another one on the machine, runs as it (lock files in :data:`LEASES`; in this process only if /run is
    not writable)."""

    def __init__(self, found: confine.Probe, wait: float = 30.0):
        self.identity, self.fd = None, None
        folder = _lease_folder()
        deadline = time.monotonic() + wait
        while self.identity is None:
            for slot in range(confine.WORKER_SLOTS):
                identity = confine.worker_identity(slot, found)
                if identity is None:  # (a probe of another uid than this root grader's)
                    raise IsolationRefused("the grader is root but its probe is not: student code never runs as root")
                with _LEASE_LOCK:
                    if identity.uid in _LOCAL_LEASES:
                        continue
                    fd = None
                    if folder is not None:
                        fd = os.open(os.path.join(folder, str(identity.uid)),
                                     os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
                        try:
                            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        except BlockingIOError:
                            os.close(fd)
                            continue
                    _LOCAL_LEASES.add(identity.uid)
                    self.identity, self.fd = identity, fd
                    break
            if self.identity is None:
                if time.monotonic() > deadline:
                    raise OSError(f"all {confine.WORKER_SLOTS} worker uids are busy (other graders on this machine)")
                time.sleep(0.05)

    def release(self) -> None:
        with _LEASE_LOCK:
            _LOCAL_LEASES.discard(self.identity.uid)
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None


# --- one worker ---------------------------------------------------------------------------------------------

class Sandbox:
    """The worker's process, started in a fresh bubblewrap sandbox (or confined); ``close`` ends all of it.

    Parameters
    ----------
    limits : Limits
    rlimits : dict
        The worker's own hard rlimits (``RLIMIT_*`` name -> value), set by the worker before any student code.
    cmd_read, result_write : int
        The pipe ends the worker reads its commands from and writes its replies to (inherited).
    """

    def __init__(self, limits: Limits, rlimits: dict, cmd_read: int, result_write: int):
        self.cgroup = self.process = self.scratch = self.lease = None
        self.mode = mode()
        package = answer_free_package()
        try:
            if self.mode.name == "bubblewrap":
                self._start_bubblewrap(limits, rlimits, cmd_read, result_write)
            else:
                self._start_confined(limits, package, rlimits, cmd_read, result_write)
        except BaseException:
            self.close()
            raise

    def _start_bubblewrap(self, limits, rlimits, cmd_read, result_write) -> None:
        settings = {"limits": rlimits, "path": ["/opt/site", "/opt/course"]}
        python_args = ["-I", "-S", "-B", "/opt/course/course_lib/grading/autograde/worker.py", str(cmd_read),
                       str(result_write), json.dumps(settings)]
        self.cgroup = _Cgroup(limits)
        command = self.cgroup.wrap(bwrap_command(limits, python_args))
        self.process = subprocess.Popen(command, pass_fds=(cmd_read, result_write), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/",
                                        env={"PATH": "/usr/bin:/bin"}, start_new_session=True)

    def _start_confined(self, limits, package, rlimits, cmd_read, result_write) -> None:
        found = self.mode.probe
        if os.geteuid() == 0:
            self.lease = _UidLease(found)  # ConfinementError without CAP_SETUID: never as root
        identity = self.lease.identity if self.lease else None
        self.scratch = confine.scratch_folder(identity, prefix="course_lib_worker_")
        settings = {"limits": rlimits, "path": [os.path.join(package, "site"), os.path.join(package, "course")]}
        if found.machine is not None:  # (unsafe mode on a machine whose system calls confine does not know: none)
            # the package folder, and the real packages its site/ links point to (numpy, matplotlib...)
            settings["plan"] = confine.plan_for(found, [package, *_package_dirs()], self.scratch,
                                                scratch_mb=limits.disk_mb).to_json()
        script = os.path.join(package, "course", "course_lib", "grading", "autograde", "worker.py")
        self.process = subprocess.Popen(
            [self.mode.python, "-I", "-S", "-B", script, str(cmd_read), str(result_write), json.dumps(settings)],
            pass_fds=(cmd_read, result_write), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, cwd=self.scratch, env=_environment(self.scratch), start_new_session=True,
            **confine.popen_kwargs(identity))
        self.cgroup = _Cgroup(limits)  # as root outside a container: memory and pids of the whole tree
        self.cgroup.add(self.process.pid)

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
        if self.lease is not None:  # every process of the uid, a daemon that left the session included
            try:
                confine.end_processes_of(self.lease.identity, self.mode.python)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self.lease.release()
            self.lease = None
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None
