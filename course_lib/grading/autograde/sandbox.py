"""Run a submission's code in its sandbox (:mod:`.isolation`), one command at a time, on the student's own time.

A :class:`Session` is one submission's sandbox: :meth:`Session.run` sends one command of
:mod:`.protocol` and returns its one reply (typed), or a reply saying why the step was cut.

**Time is the student's own.** A step's limit (``Limits.cell_timeout``, and the submission's
``Limits.timeout`` over all its steps) counts only what the student's code used:

- CPU time, inside the worker: an ``ITIMER_PROF`` of the step's budget interrupts it, as a kernel
  interrupt would (:mod:`.worker`);
- waiting it chose (``time.sleep``, I/O, a stopped process), here: a step's *charged* time is the
  wall time since its command was sent minus the time the worker's main thread spent runnable but
  waiting for a CPU (``/proc/<pid>/schedstat``), except the part of that wait the student's own
  other processes and threads account for (their CPU time, ``/proc/<pid>/stat``): a fork bomb's
  contention is its own. Processes an interrupted step leaves running end with its sandbox (a fresh
  one replays the cells). At the budget the worker gets ``SIGINT`` (the same
  interrupt); :data:`KILL_AFTER` seconds later it is killed, and a fresh sandbox replays the cells
  that ran before (not charged) so that only that step is lost;
- never the sandbox's start-up (a worker says it is ready before its first command) nor waiting
  for a CPU: a step whose wall time passes ``STARVED_AFTER`` times its budget while its charged
  time stays below it, or a sandbox that does not start within :data:`START_TIMEOUT`, is
  *starved*: it is retried in a fresh sandbox, not charged, at most ``Limits.max_retries`` times
  per submission (:attr:`Session.retried` counts them; past the limit the submission is not graded
  and says so). Where ``schedstat`` cannot be read, charged time is wall time.

The grader protects itself: every write to the worker and every read from it has a deadline;
exactly one reply frame answers each command, of the type the command expects, within
:data:`.protocol.REPLY_BYTES` bytes and :data:`.protocol.REPLY_VALUES` JSON values checked before it is
parsed (anything else ends the worker as "crashed").
"""

from __future__ import annotations

import atexit
import dataclasses
import os
import select
import signal
import subprocess
import threading
import time
from enum import Enum

from course_lib.grading.autograde import isolation, protocol, wire
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.judging import running
from course_lib.grading.judging.conduct import LoopMeasure
from course_lib.grading.judging.running import CaseReply, Cut

MAX_REPLY = protocol.REPLY_BYTES  # bytes of one reply frame
START_TIMEOUT = 60.0  # wall seconds for a sandbox to start (not charged; past it, the start is retried)
INTERRUPT_AFTER = 0.25  # charged seconds past the budget before SIGINT (the worker's CPU timer goes first)
KILL_AFTER = 2.0  # charged seconds past the budget before the sandbox is killed
STARVED_AFTER = 10.0  # a step waiting this many times its budget in wall time, under its budget in charged time
STARVED_MIN = 30.0  # ... and at least this many wall seconds past its budget: starved
TICK = 0.1  # seconds between two looks at the worker's time


class Death(str, Enum):
    """Why a worker is gone or unusable."""

    TIMEOUT = "timeout"  # its time was up and it could not be interrupted
    CRASHED = "crashed"
    MEMORY = "memory"
    STARVED = "starved"  # the machine kept it from running (not the student's doing)


class Died(Exception):
    """The worker is gone or unusable: ``reason``, ``detail``, and the student's time it used (``charged``)."""

    def __init__(self, reason: Death, detail: str, charged: float = 0.0):
        super().__init__(detail)
        self.reason, self.detail, self.charged = reason, detail, charged


_CUT_OF = {Death.TIMEOUT: Cut.TIMEOUT, Death.CRASHED: Cut.CRASHED, Death.MEMORY: Cut.MEMORY}


# --- the worker's time --------------------------------------------------------------------------------

def _children(pid: int) -> list:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as handle:
                        if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                            found.append(int(entry))
                except (OSError, ValueError, IndexError):
                    continue
        return found


def worker_pid(pid: int) -> int:
    """The worker's own process below ``pid`` (bubblewrap and its init, or a shell): the leaf of the
    process tree, read before any student code ran (then it is a chain)."""
    for _ in range(8):
        below = _children(pid)
        if len(below) != 1:
            return pid
        pid = below[0]
    return pid


def process_tree(pid: int) -> list:
    """``pid`` and every process below it (read from /proc; a process that ends meanwhile is skipped)."""
    found, stack = [], [pid]
    while stack and len(found) < 4096:
        current = stack.pop()
        found.append(current)
        stack += _children(current)
    return found


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """CPU seconds (user + system) of a process, all its threads (or of one ``thread``); 0 if it is gone."""
    path = f"/proc/{pid}/task/{thread}/stat" if thread else f"/proc/{pid}/stat"
    try:
        with open(path) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, ValueError, IndexError):
        return 0.0


def run_queue_wait(pid: int | None) -> float:
    """Seconds the process's main thread has spent runnable but waiting for a CPU (0 if unknown)."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/schedstat") as handle:
            return int(handle.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


# --- one worker --------------------------------------------------------------------------------------------

def _worker_limits(limits: Limits) -> dict:
    memory = int(limits.memory_mb) * 1024 * 1024
    return {"RLIMIT_AS": memory, "RLIMIT_CPU": int(limits.timeout * 1.5) + 30, "RLIMIT_CORE": 0,
            "RLIMIT_FSIZE": int(limits.disk_mb) * 1024 * 1024, "RLIMIT_NPROC": int(limits.max_processes)}


class Worker:
    """One worker in its own sandbox: send a command, get its one reply, on the student's time."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.buffer = bytearray()
        self.pid = None  # the worker's own process, once it is ready (for its schedstat and SIGINT)
        self.chain = set()  # the sandbox's own processes (bubblewrap, its init, the worker)
        cmd_read, self.cmd_write = os.pipe()
        self.result_read, result_write = os.pipe()
        os.set_blocking(self.cmd_write, False)
        try:
            self.sandbox = isolation.Sandbox(limits, _worker_limits(limits), cmd_read, result_write)
        except BaseException:
            for fd in (self.cmd_write, self.result_read):
                os.close(fd)
            raise
        finally:
            os.close(cmd_read)
            os.close(result_write)
        self.process = self.sandbox.process

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Wait for the worker's :class:`~.protocol.Ready` (start-up is not charged: past ``timeout``, starved)."""
        if self.pid is not None:
            return
        deadline = time.monotonic() + timeout
        while True:
            frame = self._take()
            if frame is not None:
                try:
                    protocol.reply_from_wire(frame)
                except protocol.ProtocolError as exc:
                    raise Died(Death.CRASHED, f"the worker sent {exc}") from None
                self.pid = worker_pid(self.process.pid)
                self.chain = set(process_tree(self.process.pid))  # bubblewrap, its init, the worker: before any
                return  # student code, the whole tree
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Died(Death.STARVED, f"the sandbox did not start within {timeout:g} s")
            self._read(min(remaining, 1.0))

    def others(self) -> list:
        """Processes of the sandbox the student's code started (still running)."""
        return [pid for pid in process_tree(self.process.pid) if pid not in self.chain]

    def others_cpu(self) -> float:
        """CPU seconds used by what competes with the worker's main thread from inside the sandbox: the
        processes the student's code started, and the worker's other threads."""
        if self.pid is None:
            return 0.0
        own = cpu_seconds(self.pid) - cpu_seconds(self.pid, self.pid)
        return own + sum(cpu_seconds(pid) for pid in self.others())

    def _take(self):
        try:
            frame = wire.take_frame(self.buffer, MAX_REPLY, protocol.REPLY_VALUES)
        except wire.WireError as exc:
            raise Died(Death.CRASHED, f"the worker sent {exc}") from None
        if frame is not None and self.buffer:
            raise Died(Death.CRASHED, "the worker sent more than one reply (something else wrote to its pipe)")
        return frame

    def _read(self, timeout: float, write: bool = False) -> bool:
        """Wait up to ``timeout`` for the reply pipe (and, with ``write``, the command pipe); read what came.
        Returns whether the command pipe can be written."""
        ready, writable, _ = select.select([self.result_read], [self.cmd_write] if write else [], [], timeout)
        if ready:
            chunk = os.read(self.result_read, 1 << 20)
            if not chunk:
                raise self._death("the worker ended")
            self.buffer.extend(chunk)
            if len(self.buffer) > MAX_REPLY + wire.HEADER.size:
                raise Died(Death.CRASHED, f"the worker sent more than a reply's worth of data (at most {MAX_REPLY:,} "
                                          f"bytes)")
        return bool(writable)

    def request(self, command, budget: float):
        """Send one command, return ``(its reply, the student's seconds it used)``; ``Died`` otherwise.

        ``budget``: the step's seconds of the student's own time (see the module docstring).
        """
        self.wait_ready()
        pending = memoryview(wire.pack(protocol.command_to_wire(command)))
        start, waited, competing = time.monotonic(), run_queue_wait(self.pid), self.others_cpu()
        interrupted = False
        charged = 0.0
        while True:
            frame = self._take()
            if frame is not None:
                if pending:
                    raise Died(Death.CRASHED, "the worker replied before reading its command", charged)
                try:
                    return protocol.reply_from_wire(frame, command), charged
                except protocol.ProtocolError as exc:
                    raise Died(Death.CRASHED, f"the worker sent {exc}", charged) from None
            wall = time.monotonic() - start
            # waiting for a CPU is not charged, unless the student's own processes or threads took it
            wait = run_queue_wait(self.pid) - waited
            charged = max(0.0, wall - max(0.0, wait - (self.others_cpu() - competing)))
            if charged > budget + KILL_AFTER:
                raise Died(Death.TIMEOUT, f"its time ({budget:g} s) was up and it could not be interrupted", charged)
            if charged > budget + INTERRUPT_AFTER and not interrupted and self.pid is not None:
                interrupted = True
                try:
                    os.kill(self.pid, signal.SIGINT)
                except OSError:
                    pass
            if wall > max(STARVED_AFTER * budget, budget + STARVED_MIN):
                raise Died(Death.STARVED, f"the machine gave it {charged:.1f} s of {wall:.1f} s", charged)
            if self._read(TICK, write=bool(pending)) and pending:
                try:
                    pending = pending[os.write(self.cmd_write, pending):]
                except BlockingIOError:
                    continue
                except OSError:
                    raise self._death("the worker stopped reading its commands") from None

    def _death(self, what: str) -> Died:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return Died(Death.CRASHED, what)
        if self.sandbox.oom_killed():
            return Died(Death.MEMORY, "the sandbox ran out of memory")
        signum = -code if code < 0 else code - 128 if 128 < code < 128 + 65 else 0
        if signum == signal.SIGXCPU:
            return Died(Death.TIMEOUT, "the submission's CPU time limit")
        if signum > 0:
            try:
                name = signal.Signals(signum).name
            except ValueError:
                name = f"signal {signum}"
            return Died(Death.CRASHED, f"the process was killed by {name}")
        return Died(Death.CRASHED, f"{what} (exit code {code})")

    def close(self) -> None:
        """End the sandbox and everything in it."""
        self.sandbox.close()
        for fd in (self.cmd_write, self.result_read):
            try:
                os.close(fd)
            except OSError:
                pass


# --- sandboxes started ahead ----------------------------------------------------------------------------

_SPARES: dict = {}  # (limits, isolation, package) -> fresh workers started ahead by the batch's lanes
_SPARES_LOCK = threading.Lock()


def _spare_key(limits: Limits) -> tuple:
    return limits, isolation.isolation(), isolation.answer_free_package()


def _fresh_worker(limits: Limits, slot) -> Worker:
    """A new sandbox for a submission: one a lane started ahead (while its last one was judged), or a new one."""
    if slot is not None:
        with _SPARES_LOCK:
            ready = _SPARES.get(_spare_key(limits), [])
            spare = ready.pop() if ready else None
        if spare is not None and spare.process.poll() is None:
            return spare
        if spare is not None:
            spare.close()
    return Worker(limits)


def _start_spare(limits: Limits, slot) -> None:
    """Start a lane's next sandbox now, so that Python and numpy load while this submission is judged.

    It is as fresh as any: nothing of a submission enters it before it is used, and it is used once,
    by whichever lane takes the next submission.
    """
    if slot is None:
        return
    try:
        worker = Worker(limits)
    except (OSError, Died):
        return
    with _SPARES_LOCK:
        _SPARES.setdefault(_spare_key(limits), []).append(worker)


def close_spares() -> None:
    """End the sandboxes started ahead (at the end of a batch; also at exit)."""
    with _SPARES_LOCK:
        spares = [worker for ready in _SPARES.values() for worker in ready]
        _SPARES.clear()
    for worker in spares:
        worker.close()


atexit.register(close_spares)


# --- one submission -------------------------------------------------------------------------------------

def _is_memory_error(reply) -> bool:
    error = getattr(reply, "error", None)
    return error is not None and error.type in running.MEMORY_ERRORS


class Session:
    """One submission's sandbox: ``with Session(limits, slot) as session: session.run(command)``.

    A step that crashes the worker or cannot be interrupted costs only itself: a fresh sandbox
    replays the cells that ran before it (those that completed or raised; not charged) and the
    next step runs there, at most ``limits.max_restarts`` times. A starved step is retried (see
    the module docstring). With a ``slot`` (the submission runs in a lane of a batch), the first
    sandbox is one a lane started ahead, if any, and the next one starts when the session ends if
    ``more()`` (default: always) says that a submission waits without one.

    Attributes
    ----------
    charged : float
        The student's own seconds used so far (against ``limits.timeout``).
    retried : int
        Steps run again because the machine starved them.
    too_busy : bool
        The machine starved more steps than ``limits.max_retries``: the rest did not run.
    """

    def __init__(self, limits: Limits, slot=None, more=None):
        self.limits, self.slot, self.more = limits, slot, more
        self.worker = None
        self.replay: list = []  # cell commands to run again in a fresh sandbox
        self.charged, self.retried, self.restarts = 0.0, 0, 0
        self.too_busy = self.broken = False
        self._first = True

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.worker is not None:
            try:  # Quit has no reply; the sandbox is ended right after anyway
                os.write(self.worker.cmd_write, wire.pack(protocol.command_to_wire(protocol.Quit())))
            except OSError:
                pass
            self._drop()
        if self.more is None or self.more():
            _start_spare(self.limits, self.slot)

    def _drop(self) -> None:
        if self.worker is not None:
            self.worker.close()
            self.worker = None

    def _new_worker(self) -> Worker:
        """A ready worker with the cells replayed (a replay is not charged)."""
        while True:
            worker = _fresh_worker(self.limits, self.slot) if self._first else Worker(self.limits)
            self._first = False
            try:
                worker.wait_ready()
                for k, cell in enumerate(list(self.replay)):
                    try:
                        worker.request(cell, self.limits.cell_timeout)
                    except Died as died:
                        if died.reason == Death.STARVED:
                            raise
                        self.replay.remove(cell)  # it no longer runs as it did: it is not replayed again
                        self._count_restart()
                        raise _ReplayFailed(k) from None
                return worker
            except _ReplayFailed:
                worker.close()
                if self.broken:
                    raise Died(Death.CRASHED, "the worker crashed too often") from None
            except BaseException:
                worker.close()
                raise

    def _count_restart(self) -> None:
        self.restarts += 1
        if self.restarts > self.limits.max_restarts:
            self.broken = True

    def run(self, command):
        """Run one command; its reply, or a reply of its type saying why it was cut."""
        if self.too_busy:
            return _cut_reply(command, Cut.NOT_RUN, "not run: the grading machine was too busy")
        if self.broken:
            return _cut_reply(command, Cut.NOT_RUN, "not run: the worker crashed too often")
        student_code = hasattr(command, "cpu_seconds")  # (a Describe runs none: it is never charged or cut)
        remaining = self.limits.timeout - self.charged if student_code else self.limits.cell_timeout
        if remaining <= 0:
            return _cut_reply(command, Cut.SUBMISSION_TIME, "not run: the submission's time limit was reached")
        budget = min(self.limits.cell_timeout, remaining)
        if student_code:
            command = dataclasses.replace(command, cpu_seconds=budget)
        while True:
            try:
                if self.worker is None:
                    self.worker = self._new_worker()
                reply, charged = self.worker.request(command, budget)
            except Died as died:
                self._drop()
                if died.reason == Death.STARVED:
                    self.retried += 1
                    if self.retried > self.limits.max_retries:
                        self.too_busy = True
                        return _cut_reply(command, Cut.NOT_RUN, "not run: the grading machine was too busy")
                    continue  # the same step again, in a fresh sandbox: the machine's doing, not charged
                self.charged += died.charged
                self._count_restart()
                cut = _CUT_OF.get(died.reason, Cut.CRASHED)
                if cut == Cut.TIMEOUT and budget < self.limits.cell_timeout:
                    cut = Cut.SUBMISSION_TIME
                return _cut_reply(command, cut, died.detail)
            self.charged += charged if student_code else 0.0
            if budget < self.limits.cell_timeout and _interrupted(reply):
                reply = _cut_reply(command, Cut.SUBMISSION_TIME, "the submission's time limit was reached")
            if isinstance(command, protocol.RunCell) and getattr(reply, "stop", None) in (
                    protocol.CellStop.COMPLETED, protocol.CellStop.RAISED):
                self.replay.append(command)
            if _is_memory_error(reply):
                self._drop()  # memory the student's code still holds would starve the next steps
            elif _interrupted(reply) and self.worker is not None and self.worker.others():
                self._drop()  # processes an interrupted step left running would take the next steps' CPU
                self._count_restart()
            return reply


class _ReplayFailed(Exception):
    pass


def _interrupted(reply) -> bool:
    return (getattr(reply, "stop", None) == protocol.CellStop.INTERRUPTED
            or getattr(reply, "interrupted", False)
            or (isinstance(reply, CaseReply) and reply.cut == Cut.TIMEOUT))


def _cut_reply(command, cut: Cut, detail: str):
    """The reply a cut step gets, of the type its command expects."""
    if isinstance(command, protocol.RunCell):
        return protocol.CellReply(protocol.CellStop.CUT, cut=cut, detail=detail)
    if isinstance(command, protocol.RunCase):
        return CaseReply.cut_short(cut, detail)
    if isinstance(command, protocol.MeasureLoops):
        return protocol.LoopReply(LoopMeasure(problem=f"it could not be measured ({detail})", raised=True),
                                  interrupted=cut in (Cut.TIMEOUT, Cut.SUBMISSION_TIME))
    if isinstance(command, protocol.Describe):
        return protocol.Described({name: False for name in command.names}, {})
    raise TypeError(f"command: no reply for {type(command).__name__}")
