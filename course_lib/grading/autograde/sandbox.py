"""Run a submission's code in its sandbox (:mod:`.isolation`), one command at a time, against deadlines.

The grader protects itself: every write to the worker and every read from it has a deadline; exactly
one reply frame of bounded size answers each command (anything else ends the worker as "crashed").
A step that times out or kills the worker costs only that step: a fresh sandbox replays the cells
that ran before it.
"""

from __future__ import annotations

import atexit
import os
import select
import signal
import subprocess
import threading
import time
from dataclasses import dataclass

from course_lib.grading.autograde import isolation, wire
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.judging import running

MAX_REPLY = 16 * 1024 * 1024  # bytes of one reply frame


class Died(Exception):
    """The worker is gone or unusable; ``status`` is "timeout", "crashed" or "memory"."""

    def __init__(self, status: str, detail: str):
        super().__init__(detail)
        self.status, self.detail = status, detail


# --- what the sandbox sees ------------------------------------------------------------------------


def _worker_limits(limits: Limits) -> dict:
    memory = int(limits.memory_mb) * 1024 * 1024
    return {"RLIMIT_AS": memory, "RLIMIT_CPU": int(limits.timeout) + 5, "RLIMIT_CORE": 0,
            "RLIMIT_FSIZE": int(limits.disk_mb) * 1024 * 1024, "RLIMIT_NPROC": int(limits.max_processes)}


class Worker:
    """One worker in its own sandbox: send a command, get its one reply, against a deadline."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.buffer = bytearray()
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

    def request(self, command: dict, deadline: float) -> dict:
        """Send one command and return its one reply; ``Died`` on timeout, crash or protocol error."""
        data = memoryview(wire.pack(command))
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Died("timeout", "time limit")
            _, ready, _ = select.select([], [self.cmd_write], [], remaining)
            if ready:
                try:
                    data = data[os.write(self.cmd_write, data):]
                except BlockingIOError:
                    continue
                except OSError:
                    raise self._death("the worker stopped reading its commands") from None
        while True:
            try:
                frame = wire.take_frame(self.buffer, MAX_REPLY)
            except wire.WireError as exc:
                raise Died("crashed", f"the worker sent {exc}") from None
            if frame is not None:
                if self.buffer:
                    raise Died("crashed", "the worker sent more than one reply (something else wrote to its pipe)")
                return frame
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Died("timeout", "time limit")
            ready, _, _ = select.select([self.result_read], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self.result_read, 1 << 20)
            if not chunk:
                raise self._death("the worker ended")
            self.buffer.extend(chunk)
            if len(self.buffer) > MAX_REPLY + wire.HEADER.size:
                raise Died("crashed", "the worker sent more than a reply's worth of data")

    def _death(self, what: str) -> Died:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return Died("crashed", what)
        if self.sandbox.oom_killed():
            return Died("memory", "the sandbox ran out of memory")
        signum = -code if code < 0 else code - 128 if 128 < code < 128 + 65 else 0
        if signum == signal.SIGXCPU:
            return Died("timeout", "CPU time limit")
        if signum > 0:
            try:
                name = signal.Signals(signum).name
            except ValueError:
                name = f"signal {signum}"
            return Died("crashed", f"the process was killed by {name}")
        return Died("crashed", f"{what} (exit code {code})")

    def close(self) -> None:
        """End the sandbox and everything in it."""
        self.sandbox.close()
        for fd in (self.cmd_write, self.result_read):
            try:
                os.close(fd)
            except OSError:
                pass


@dataclass
class Step:
    """One command to run: ``{"op": "exec", ...}`` or ``{"op": "case", ...}`` (see :mod:`.worker`)."""

    command: dict
    replay: bool = False  # re-run in a fresh sandbox after a crash (cells: yes; cases: no)


_SPARES: dict = {}  # (slot, limits, isolation, package) -> a fresh worker started ahead for the slot
_SPARES_LOCK = threading.Lock()


def _spare_key(limits: Limits, slot) -> tuple:
    return slot, limits, isolation.isolation(), isolation.answer_free_package()


def _fresh_worker(limits: Limits, slot) -> Worker:
    """A new sandbox for a submission: the slot's spare (started while the last one was judged), or a new one."""
    if slot is not None:
        with _SPARES_LOCK:
            spare = _SPARES.pop(_spare_key(limits, slot), None)
        if spare is not None and spare.process.poll() is None:
            return spare
        if spare is not None:
            spare.close()
    return Worker(limits)


def _start_spare(limits: Limits, slot) -> None:
    """Start the slot's next sandbox now, so that Python and numpy load while this submission is judged.

    It is as fresh as any: nothing of a submission enters it before it is used, and it is used once.
    """
    if slot is None:
        return
    try:
        worker = Worker(limits)
    except (OSError, Died):
        return
    with _SPARES_LOCK:
        old = _SPARES.pop(_spare_key(limits, slot), None)
        _SPARES[_spare_key(limits, slot)] = worker
    if old is not None:
        old.close()


def close_spares() -> None:
    """End the sandboxes started ahead (at the end of a batch; also at exit)."""
    with _SPARES_LOCK:
        spares = list(_SPARES.values())
        _SPARES.clear()
    for worker in spares:
        worker.close()


atexit.register(close_spares)


def run_steps(steps: list, limits: Limits, slot=None) -> list:
    """Run ``steps`` for one submission; one reply per step.

    With a ``slot`` (the grader's parallel lane), the first sandbox is the one started ahead for
    that slot, and the slot's next one starts as soon as this submission's steps are done.

    A step that times out or kills the worker gets ``{"killed": status, "detail": why}``; a
    fresh sandbox replays the ``replay`` steps that completed before it and goes on with the
    next step, at most ``limits.max_restarts`` times. Steps past the submission's time
    limit get ``{"killed": "timeout", "detail": "the submission's time limit"}``.
    """
    replies: list = [None] * len(steps)
    deadline = time.monotonic() + limits.timeout
    restarts, worker, position = 0, None, 0
    try:
        while position < len(steps):
            if time.monotonic() >= deadline:
                for k in range(position, len(steps)):
                    replies[k] = {"killed": "timeout", "detail": "the submission's time limit"}
                break
            try:
                if worker is None:
                    worker = _fresh_worker(limits, slot) if position == 0 and restarts == 0 else Worker(limits)
                    for k in range(position):  # replay the cells that ran before the failure
                        if steps[k].replay and "killed" not in replies[k]:
                            worker.request(steps[k].command, min(deadline, time.monotonic() + limits.cell_timeout))
                replies[position] = worker.request(steps[position].command,
                                                   min(deadline, time.monotonic() + limits.cell_timeout))
                if (replies[position].get("error") or {}).get("type") in running.MEMORY_ERRORS:
                    worker.close()  # memory the student's code still holds would starve the next steps
                    worker = None
            except Died as died:
                detail = died.detail
                if died.status == "timeout" and time.monotonic() >= deadline:
                    detail = "the submission's time limit"
                replies[position] = {"killed": died.status, "detail": detail}
                if worker is not None:
                    worker.close()
                worker = None
                restarts += 1
                if restarts > limits.max_restarts:
                    for k in range(position + 1, len(steps)):
                        replies[k] = {"killed": "crashed", "detail": "not run: the worker crashed too often"}
                    break
            position += 1
    finally:
        if worker is not None:
            try:
                worker.request({"op": "quit"}, time.monotonic() + 0.01)
            except Died:
                pass
            worker.close()
        _start_spare(limits, slot)
    return replies
