"""Run a submission's answer cells in a resource-limited worker process, step by step.

The grader (the parent) drives one worker per submission (:mod:`._worker`, a plain Python
process with numpy preloaded, no Jupyter kernel) through a list of steps: execute a cell,
or evaluate an exercise's answer on its cases. Everything the worker says is data: frames
on a dedicated pipe, decoded strictly, judged later in the parent.

Workers are forked by a fork server (the *zygote*: ``_worker.py --zygote``), which imports
numpy once; a small monitor process between them reports each worker's pid and exit
status on a status pipe. No student code ever runs in the zygote or the monitors.

Isolation:

- a wall-clock limit per step (``cell_timeout``) and per submission (``timeout``),
  enforced by the parent, which kills the worker's process group on expiry;
- ``RLIMIT_AS`` (``memory_mb``), ``RLIMIT_CPU``, ``RLIMIT_FSIZE``, ``RLIMIT_CORE = 0`` and,
  as root, ``RLIMIT_NPROC``; a new session; stdin, stdout and stderr on /dev/null;
- as root, the worker drops to an unprivileged uid of its own (one per parallel slot and
  grader process, with no account) in a private temporary folder: the kernel keeps it
  from signalling the grader or writing the grader's files; after each submission every
  process of that uid is killed (a fork bomb's escaped children too);
- an audit hook in the worker (see ``_worker._Blocker``) refuses course_lib, files
  outside the interpreter's and system folders, writes outside its folder, signals,
  subprocesses (and ``fork`` when not root);
- a worker that dies, is killed or runs out of memory costs only the step it was on: a
  fresh worker replays the cells that ran before, skips the bad one and goes on (at most
  ``max_restarts`` times).

Not root: the worker runs as the grader's own user, in new user and pid namespaces when
the kernel permits them (then it cannot signal any process outside, even through ctypes,
and everything it started dies with it); ``fork`` is refused by the audit hook (no
``RLIMIT_NPROC`` that would not also count the grader's own processes). The residual
risk: code that goes around Python (ctypes calling libc) could write wherever the
grader's user can. Grade as root (or in a container, as Gradescope does) for the
kernel-enforced boundary on files too.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

from . import _worker

WORKER_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_worker.py")
SANDBOX_UID_BASE = 0x60000000  # uids with no account: 256 per grader process, one per slot (root only)
_SLOTS_PER_GRADER = 256
_STARTUP_SECONDS = 20.0  # a worker that is not ready by then is considered crashed
# no user site-packages; no script folder on sys.path (-P exists from Python 3.11; the worker also drops it)
_PYTHON_FLAGS = ("-s", "-P") if sys.version_info >= (3, 11) else ("-s",)


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission (defaults: 10 s per cell, 60 s, 1024 MB).

    Attributes
    ----------
    cell_timeout : float
        Wall-clock seconds for one step (one cell, or one exercise's cases).
    timeout : float
        Wall-clock seconds for the whole submission, restarts included.
    memory_mb : int
        Address-space cap of the worker (``RLIMIT_AS``), in MiB.
    max_restarts : int
        Fresh workers started after a crash or a timeout, per submission.
    file_size_mb : int
        Largest file the student code may write (``RLIMIT_FSIZE``), in MiB.
    max_processes : int
        Processes the sandbox uid may have (``RLIMIT_NPROC``; root only).
    """

    cell_timeout: float = 10.0
    timeout: float = 60.0
    memory_mb: int = 1024
    max_restarts: int = 3
    file_size_mb: int = 16
    max_processes: int = 16

    def __post_init__(self):
        for name in ("cell_timeout", "timeout", "memory_mb", "file_size_mb", "max_processes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name}: expected a positive number, got {value!r}")
        if not isinstance(self.max_restarts, int) or self.max_restarts < 0:
            raise ValueError(f"max_restarts: expected a non-negative integer, got {self.max_restarts!r}")


# --- steps and their outcomes ----------------------------------------------------------------

@dataclass(frozen=True)
class ExecStep:
    """Execute one cell's source in the submission's namespace."""

    source: str
    filename: str


@dataclass(frozen=True)
class EvalStep:
    """Evaluate ``answer`` on encoded case arguments (one list per case; ``{"f": target}`` = fixture)."""

    answer: str
    kind: str
    cases: tuple


@dataclass
class StepOutcome:
    """What happened to one step.

    ``status`` is ``"ok"`` (ran; an exec step may still carry the cell's ``error``),
    ``"timeout"``, ``"crashed"`` (the worker died or broke the protocol), ``"skipped"``
    (not run: time or restarts used up) ; ``cases`` holds one dict per reported case:
    ``{"value": plain}``, ``{"error": {"type", "message"}}`` or ``{"not_plain": why}``.
    """

    status: str = "skipped"
    error: dict | None = None
    detail: str = ""
    cases: list = field(default_factory=list)
    missing: bool = False
    blocked: int = 0


class _Died(Exception):
    """The worker is gone or unusable; ``status`` says how."""

    def __init__(self, status: str, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


# --- one worker process --------------------------------------------------------------------------

def sandbox_uid(slot: int) -> int:
    """The uid a worker of ``slot`` runs as (when grading as root); distinct per grader process,
    so that two graders running at once never kill each other's workers."""
    return SANDBOX_UID_BASE + (os.getpid() % 65536) * _SLOTS_PER_GRADER + slot % _SLOTS_PER_GRADER


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _worker_env(home: str) -> dict:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TMPDIR": home, "LANG": "C.UTF-8",
           "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # keep the machine's numpy workarounds
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _processes_of(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as status:
                    for line in status:
                        if line.startswith("Uid:"):
                            if int(line.split()[1]) == uid:
                                pids.append(int(entry))
                            break
            except OSError:
                continue
    return pids


def kill_uid(uid: int, rounds: int = 5) -> None:
    """Kill every process of ``uid`` (run as that uid: ``kill -9 -1``), until none is left."""
    for _ in range(rounds):
        if not _processes_of(uid):
            return
        subprocess.run(["/bin/sh", "-c", "kill -9 -1"], user=uid, group=uid, extra_groups=[],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cwd="/", env={"PATH": "/usr/bin:/bin"}, check=False)


class _Zygote:
    """The fork server (``_worker.py --zygote``): numpy is imported once, each worker is a fork.

    One per grader process and set of fixtures (the trusted callables some exercises
    pass to the answer, resolved once in the zygote), started on first use, shared by all
    slots (requests are serialised); restarted if it dies. It runs as the grader's user
    and never runs student code: each fork drops to the sandbox uid before the first
    student cell.
    """

    _lock = threading.Lock()
    _running: dict = {}

    def __init__(self, fixtures: tuple):
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [sys.executable, *_PYTHON_FLAGS, WORKER_SCRIPT, "--zygote", str(theirs.fileno()), *fixtures],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, cwd="/", env=_worker_env("/"), start_new_session=True)
        finally:
            theirs.close()

    @classmethod
    def spawn(cls, request: dict, fds: tuple, fixtures: tuple) -> None:
        """Ask the zygote for ``fixtures`` for a worker using ``fds`` (command, result, status pipes)."""
        with cls._lock:
            for _attempt in range(2):
                zygote = cls._running.get(fixtures)
                if zygote is None or zygote.process.poll() is not None:
                    zygote = cls._running[fixtures] = cls(fixtures)
                    atexit.register(zygote.close)
                try:
                    socket.send_fds(zygote.sock, [json.dumps(request).encode()], list(fds))
                    if zygote.sock.recv(16) == b"ok":
                        return
                except OSError:
                    pass
                zygote.close()
                del cls._running[fixtures]
        raise _Died("crashed", "the worker could not be started")

    @classmethod
    def shutdown(cls) -> None:
        """Stop the zygotes (they reap their monitors first); the next worker starts a new one."""
        with cls._lock:
            for zygote in cls._running.values():
                zygote.close()
            cls._running.clear()

    def close(self) -> None:
        self.sock.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Worker:
    """One worker process: start it, send steps, read its frames against a deadline."""

    def __init__(self, limits: Limits, slot: int, fixtures: tuple):
        self.limits = limits
        self.uid = sandbox_uid(slot) if _running_as_root() else None
        self.home = tempfile.mkdtemp(prefix="course_lib_grade_")
        self.buffer = bytearray()
        self.blocked = 0
        self.pid = None
        self.returncode = None
        self.status_buffer = b""
        if self.uid is not None:
            os.chown(self.home, self.uid, self.uid)
        cmd_read, self.cmd_write = os.pipe()
        self.result_read, result_write = os.pipe()
        self.status_read, status_write = os.pipe()
        try:
            try:
                request = {"home": self.home, "limits": self._limits(), "namespaces": self.uid is None}
                _Zygote.spawn(request, (cmd_read, result_write, status_write), tuple(fixtures))
            finally:
                for fd in (cmd_read, result_write, status_write):
                    os.close(fd)
            deadline = time.monotonic() + _STARTUP_SECONDS
            while self.pid is None:
                self._read_status(deadline)
            # the worker drops to ``uid`` itself, once the fixtures are loaded: the interpreter
            # may live where that uid cannot read (a pyenv under /root, say)
            self.send({"fixtures": list(fixtures), "uid": self.uid})
            frame = self._next_frame(time.monotonic() + _STARTUP_SECONDS)
            if frame.get("type") != "ready":
                error = _clean_error(frame.get("error"))
                raise _Died("crashed", f"the worker did not start ({error['type']}: {error['message']})")
        except BaseException:
            self.close()
            raise

    def _limits(self) -> list:
        lim = self.limits
        memory = int(lim.memory_mb) * 1024 * 1024
        cpu = int(lim.timeout) + 5
        size = int(lim.file_size_mb) * 1024 * 1024
        settings = [(resource.RLIMIT_AS, memory, memory), (resource.RLIMIT_CPU, cpu, cpu + 5),
                    (resource.RLIMIT_FSIZE, size, size), (resource.RLIMIT_CORE, 0, 0)]
        if self.uid is not None:
            settings.append((resource.RLIMIT_NPROC, lim.max_processes, lim.max_processes))
        return settings

    def _read_status(self, deadline: float) -> None:
        """Read the monitor's pid / exit-code messages (4 bytes each), waiting until ``deadline``."""
        ready, _, _ = select.select([self.status_read], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            if self.pid is None:
                raise _Died("crashed", "the worker did not start")
            return
        chunk = os.read(self.status_read, 64)
        if not chunk:  # the monitor is gone without a word
            if self.pid is None:
                raise _Died("crashed", "the worker did not start")
            if self.returncode is None:
                self.returncode = -signal.SIGKILL
            return
        self.status_buffer += chunk
        while len(self.status_buffer) >= 4:
            (value,) = struct.unpack(">i", self.status_buffer[:4])
            self.status_buffer = self.status_buffer[4:]
            if self.pid is None:
                self.pid = value
            else:
                self.returncode = value

    def send(self, message: dict) -> None:
        try:
            _worker.write_frame(self.cmd_write, message)
        except OSError:
            raise _Died("crashed", "the worker stopped reading its commands") from None

    def _next_frame(self, deadline: float) -> dict:
        """The next frame, or ``_Died`` (timeout at the deadline; crashed if the worker died)."""
        while True:
            if time.monotonic() > deadline:  # even while frames keep coming
                raise _Died("timeout", "time limit")
            try:
                frames = _worker.parse_frames(self.buffer)
            except _worker.WireError as exc:
                raise _Died("crashed", f"the worker sent {exc}") from None
            if frames:
                for extra in reversed(frames[1:]):  # keep the rest for later calls
                    self._unread(extra)
                frame = frames[0]
                blocked = frame.get("blocked")
                if type(blocked) is int and blocked > self.blocked:
                    self.blocked = blocked
                return frame
            if self.returncode is not None:
                raise _Died(*self._death())
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Died("timeout", "time limit")
            ready, _, _ = select.select([self.result_read, self.status_read], [], [], remaining)
            if self.result_read in ready:
                chunk = os.read(self.result_read, 1 << 20)
                if chunk:
                    self.buffer.extend(chunk)
                    continue
                # end of file: the worker is gone; learn how
                self._read_status(time.monotonic() + 2.0)
                if self.returncode is None:
                    raise _Died("crashed", "the worker closed its result pipe")
            elif self.status_read in ready:
                self._read_status(time.monotonic())
                if self.returncode is not None:
                    # a last frame may still be in the pipe
                    while select.select([self.result_read], [], [], 0)[0]:
                        chunk = os.read(self.result_read, 1 << 20)
                        if not chunk:
                            break
                        self.buffer.extend(chunk)

    def _unread(self, frame: dict) -> None:
        data = json.dumps(frame).encode("utf-8")
        self.buffer[0:0] = _worker._HEADER.pack(len(data)) + data

    def _death(self) -> tuple[str, str]:
        code = self.returncode
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            if -code == signal.SIGXCPU:
                return "timeout", "CPU time limit"
            return "crashed", f"the process was killed by {name}"
        return "crashed", f"the process exited with code {code}"

    def close(self) -> None:
        """Kill the worker and everything it started; remove its folder."""
        if self.pid is not None and self.returncode is None:
            for kill, target in ((os.killpg, self.pid), (os.kill, self.pid)):
                try:
                    kill(target, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            deadline = time.monotonic() + 5.0
            while self.returncode is None and time.monotonic() < deadline:
                self._read_status(deadline)
        if self.uid is not None:
            kill_uid(self.uid)
        for fd in (self.cmd_write, self.result_read, self.status_read):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.home, ignore_errors=True)


def shutdown() -> None:
    """Stop the fork server (started again on demand); benchmarks use it to count its CPU time."""
    _Zygote.shutdown()


# --- a whole submission -------------------------------------------------------------------------

def _run_step(worker: Worker, index: int, step, deadline: float) -> StepOutcome:
    outcome = StepOutcome(status="ok")
    before = worker.blocked
    try:
        if isinstance(step, ExecStep):
            worker.send({"op": "exec", "step": index, "source": step.source, "filename": step.filename})
        else:
            worker.send({"op": "eval", "step": index, "answer": step.answer, "kind": step.kind,
                         "cases": list(step.cases)})
        while True:
            frame = worker._next_frame(deadline)
            if frame.get("step") != index:
                continue  # a stray frame (from student code writing to the pipe): ignore it
            kind = frame.get("type")
            if kind == "exec":
                error = frame.get("error")
                outcome.error = _clean_error(error) if error is not None else None
                break
            if kind == "case":
                outcome.cases.append(_clean_case(frame))
            elif kind == "eval_done":
                outcome.missing = frame.get("missing") is True
                break
    except _Died as died:
        outcome.status, outcome.detail = died.status, died.detail
        raise _StepFailed(outcome) from None
    finally:
        outcome.blocked = worker.blocked - before
    return outcome


class _StepFailed(Exception):
    def __init__(self, outcome: StepOutcome):
        super().__init__(outcome.detail)
        self.outcome = outcome


def _clean_error(error) -> dict:
    if type(error) is not dict:
        return {"type": "Error", "message": ""}
    kind, message = error.get("type"), error.get("message")
    kind = "".join(ch for ch in str(kind)[:60] if ch.isalnum() or ch in "_.") or "Error"
    return {"type": kind, "message": str(message)[:300] if isinstance(message, str) else ""}


def _clean_case(frame: dict) -> dict:
    if "error" in frame:
        return {"error": _clean_error(frame["error"])}
    if "not_plain" in frame:
        return {"not_plain": str(frame["not_plain"])[:200]}
    try:
        return {"value": _worker.decode_plain(frame.get("value"))}
    except _worker.WireError as exc:
        return {"not_plain": str(exc)}


def _ran_out_of_memory(outcome: StepOutcome) -> bool:
    errors = [outcome.error] + [case.get("error") for case in outcome.cases]
    return any(error and error.get("type") in ("MemoryError", "_ArrayMemoryError") for error in errors)


def run_steps(steps: list, limits: Limits, slot: int = 0, fixtures: tuple = ()) -> list[StepOutcome]:
    """Run ``steps`` (ExecStep / EvalStep) for one submission; one outcome per step.

    A step that times out or kills the worker gets that status; a fresh worker replays the
    exec steps that completed before it and goes on with the next step, at most
    ``limits.max_restarts`` times. Steps past the submission's time limit are ``"timeout"``.
    """
    outcomes = [StepOutcome() for _ in steps]
    deadline = time.monotonic() + limits.timeout
    restarts, worker, position = 0, None, 0
    try:
        while position < len(steps):
            if time.monotonic() >= deadline:
                for outcome in outcomes[position:]:
                    outcome.status, outcome.detail = "timeout", "the submission's time limit"
                break
            if worker is None:
                try:
                    worker = Worker(limits, slot, fixtures)
                    for index in range(position):  # replay the cells that ran before the failure
                        if (isinstance(steps[index], ExecStep) and outcomes[index].status == "ok"
                                and not _ran_out_of_memory(outcomes[index])):
                            _run_step(worker, index, steps[index], min(deadline, time.monotonic()
                                                                       + limits.cell_timeout))
                except (_Died, _StepFailed) as exc:
                    status = exc.status if isinstance(exc, _Died) else exc.outcome.status
                    detail = exc.detail if isinstance(exc, _Died) else exc.outcome.detail
                    for outcome in outcomes[position:]:
                        outcome.status, outcome.detail = status, f"not run: replaying the cells failed ({detail})"
                    break
            step_deadline = min(deadline, time.monotonic() + limits.cell_timeout)
            try:
                outcomes[position] = _run_step(worker, position, steps[position], step_deadline)
                if _ran_out_of_memory(outcomes[position]):
                    # memory the student's code still holds would starve the next steps
                    worker.close()
                    worker = None
            except _StepFailed as failed:
                outcomes[position] = failed.outcome
                if failed.outcome.status == "timeout" and time.monotonic() >= deadline:
                    failed.outcome.detail = "the submission's time limit"
                worker.close()
                worker = None
                restarts += 1
                if restarts > limits.max_restarts:
                    for outcome in outcomes[position + 1:]:
                        outcome.status, outcome.detail = "skipped", "not run: the worker crashed too often"
                    break
            position += 1
    finally:
        if worker is not None:
            worker.close()
    return outcomes
