"""The kernel a sandboxed worker runs (:mod:`.worker` starts it, confined): one notebook's namespace and
the grader's commands on it.

It runs the notebook as a Jupyter kernel would: each cell in one namespace (``__name__ == "__main__"``),
stopping at the first statement that raises, its last expression's value kept in ``_`` and ``Out``, figures
closed after the cell, ``get_ipython()`` and the front end's modules answered by :mod:`.stand_ins`. A step
that uses more CPU time than it is given is interrupted as a kernel interrupt would be (``ITIMER_PROF``;
also ``SIGINT`` from the grader, which measures time the step spends waiting):
:class:`~course_lib.grading.judging.running.Interrupted` is raised into the student's code and the
namespace survives. Each command of :mod:`.protocol` gets exactly one reply frame, within the grader's
limits on a reply (:func:`~course_lib.grading.autograde.protocol.pack_reply`).
"""

from __future__ import annotations

import ast
import builtins
import linecache
import signal
import types

import numpy as np

from course_lib.grading.autograde import protocol, stand_ins, wire
from course_lib.grading.exercises import plain
from course_lib.grading.judging import conduct, running
from course_lib.grading.judging.running import CaseReply, Cut, ErrorInfo, Interrupted


class StepTimer:
    """Runs student code with a CPU budget: ``ITIMER_PROF`` (and the grader's SIGINT) interrupt it."""

    def __init__(self):
        self.armed = False

    def _fire(self, signum, frame):
        if self.armed:
            raise Interrupted()

    def call(self, action, cpu_seconds: float):
        """``(action(), False)``, or ``(None, True)`` when the step's time was up."""
        for signum in (signal.SIGPROF, signal.SIGINT):  # again each step: student code may have changed them
            signal.signal(signum, self._fire)
        self.armed = True
        signal.setitimer(signal.ITIMER_PROF, max(float(cpu_seconds), 0.01), 0.25)  # again every 0.25 s if caught
        try:
            try:
                return action(), False
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
                self.armed = False
        except Interrupted:
            return None, True


def _stopped_at(exc: BaseException, filename: str):
    """The line of the cell's top-level statement that was running when ``exc`` was raised (or None)."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == filename and code.co_name == "<module>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _reads(value, namespace: dict) -> tuple:
    """The global names ``value``'s code reads, and its notebook helpers' code, recursively."""
    names, seen, stack = set(), set(), [value]
    while stack and len(seen) < 500:
        function = stack.pop()
        code = getattr(function, "__code__", None)
        if not isinstance(code, types.CodeType) or id(function) in seen:
            continue
        seen.add(id(function))
        codes = [code]
        while codes:
            current = codes.pop()
            names.update(current.co_names)
            codes += [c for c in current.co_consts if isinstance(c, types.CodeType)]
        stack += [v for v in map(namespace.get, names) if isinstance(v, types.FunctionType)
                  and v.__globals__ is namespace and id(v) not in seen]
    return tuple(sorted(names))[:2000]


def _label_of(filename: str) -> str:
    return filename[1:-1] if filename.startswith("<") and filename.endswith(">") else "a cell"


def _decode(args) -> tuple:
    return tuple(plain.decode(a, fixture=plain.resolve_target) for a in args)


class Kernel:
    """One notebook's namespace, with a handler per command of :mod:`.protocol`."""

    def __init__(self):
        self.namespace = {"__name__": "__main__", "__builtins__": builtins, "Out": {}}
        self.shell = stand_ins.install(self.namespace)
        self.timer = StepTimer()
        self.watches = {}  # forbidden names -> conduct.Watch, made once
        self.count = 0  # cells run: the execution count of ``Out``
        self.handlers = {protocol.RunCell: self.run_cell, protocol.Describe: self.describe,
                         protocol.RunCase: self.run_case, protocol.MeasureLoops: self.measure_loops}

    def run_cell(self, command: protocol.RunCell) -> protocol.CellReply:
        filename, source, namespace = command.filename, command.source, self.namespace
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        self.shell.filename = filename
        self.count += 1
        try:
            tree = ast.parse(source, filename)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:  # a kernel runs nothing of it
            return protocol.CellReply(protocol.CellStop.RAISED, running.describe_error(exc, getattr(exc, "lineno", 1)))
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None

        def action():
            try:
                exec(compile(tree, filename, "exec"), namespace)  # noqa: S102 (the student's code, sandboxed)
                if last is not None:
                    value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)  # noqa: S307
                    if value is not None:  # the kernel's display hook: _, __, ___, Out[n]
                        namespace["___"], namespace["__"] = namespace.get("__"), namespace.get("_")
                        namespace["_"] = value
                        if isinstance(namespace.get("Out"), dict):
                            namespace["Out"][self.count] = value
                return protocol.CellReply(protocol.CellStop.COMPLETED)
            except Interrupted as exc:
                return protocol.CellReply(protocol.CellStop.INTERRUPTED,
                                          ErrorInfo("Interrupted", "its time was up", _stopped_at(exc, filename)))
            except BaseException as exc:  # the student's code may raise anything, SystemExit included
                return protocol.CellReply(protocol.CellStop.RAISED,
                                          running.describe_error(exc, _stopped_at(exc, filename)))

        reply, interrupted = self.timer.call(action, command.cpu_seconds)
        stand_ins.close_figures()
        if interrupted:  # the time ran out just as the cell ended
            return protocol.CellReply(protocol.CellStop.INTERRUPTED, ErrorInfo("Interrupted", "its time was up"))
        return reply

    def describe(self, command: protocol.Describe) -> protocol.Described:
        names = [str(n) for n in command.names][:100]
        return protocol.Described({n: n in self.namespace for n in names},
                                  {n: _reads(self.namespace[n], self.namespace) for n in names if n in self.namespace})

    def _watch(self, forbidden: tuple) -> conduct.Watch:
        if forbidden not in self.watches:
            self.watches[forbidden] = conduct.Watch(forbidden)
        return self.watches[forbidden]

    def run_case(self, command: protocol.RunCase) -> CaseReply:
        if command.name not in self.namespace:
            return CaseReply.missing()
        answer, watching = self.namespace[command.name], self._watch(tuple(command.forbidden))

        def action():
            try:
                return running.run_case(answer, _decode(command.args), command.kind, watching)
            except plain.PlainDataError as exc:
                return CaseReply.not_plain(str(exc)[:200])
            except Interrupted:
                raise
            except BaseException as exc:  # a fixture failing, a hostile object: the case's error
                return CaseReply.raised(running.describe_error(exc))

        reply, interrupted = self.timer.call(action, command.cpu_seconds)
        return CaseReply.cut_short(Cut.TIMEOUT, "interrupted: its time was up") if interrupted else reply

    def measure_loops(self, command: protocol.MeasureLoops) -> protocol.LoopReply:
        answer = self.namespace.get(command.name)
        if not callable(answer):
            return protocol.LoopReply(conduct.LoopMeasure(problem="it is not a function"))

        def action():
            return conduct.measure_loops(answer, _decode(command.small), _decode(command.large), _label_of)

        measure, interrupted = self.timer.call(action, command.cpu_seconds)
        return protocol.LoopReply(measure, interrupted)

    def reply_to(self, command) -> bytes:
        """The packed reply frame to one command (the worker's own failure is the step's error)."""
        try:
            reply = self.handlers[type(command)](command)
        except Exception as exc:  # the worker's own failure: the step's error, never the whole sandbox's
            reply = _failed_reply(command, running.describe_error(exc))
        try:  # within the grader's limits on a reply (a larger value is sent as "too large")
            return protocol.pack_reply(reply)
        except (ValueError, TypeError, RecursionError):  # an output JSON cannot hold
            return protocol.pack_reply(CaseReply.not_plain("an output that cannot be sent"))
        except MemoryError:
            return protocol.pack_reply(CaseReply.too_large("an output too large to send"))


def _failed_reply(command, error: ErrorInfo):
    """The reply of a step whose handling failed in the worker's own code (reported as an error)."""
    if isinstance(command, protocol.RunCell):
        return protocol.CellReply(protocol.CellStop.RAISED, error)
    if isinstance(command, protocol.MeasureLoops):
        return protocol.LoopReply(conduct.LoopMeasure(problem=f"the measurement failed ({error.text})", raised=True))
    if isinstance(command, protocol.Describe):
        return protocol.Described({name: False for name in command.names}, {})
    return CaseReply.raised(error)


def serve(cmd_fd: int, result_fd: int) -> None:
    """Say ready, then answer each command read from ``cmd_fd`` with one frame on ``result_fd`` until Quit."""
    kernel = Kernel()
    np.random.seed(0)  # noqa: NPY002 (an answer using the legacy global generator gets the same numbers every run)
    try:  # what nearly every notebook's first cell imports: loaded before the student's time starts (a spare
        import matplotlib.pyplot  # noqa: F401  sandbox does it while the grader judges the previous submission)
    except Exception:  # noqa: S110 (not bound into this sandbox: a notebook importing it gets the error then)
        pass
    wire.write_frame(result_fd, protocol.Ready().to_wire())
    buffer = bytearray()
    while True:
        data = wire.read_frame(cmd_fd, buffer)
        if data is None:
            return
        try:
            command = protocol.command_from_wire(data)
        except protocol.ProtocolError:
            return  # the grader sees the worker end: a protocol error costs the step, never a guess
        if isinstance(command, protocol.Quit):
            return
        wire.write_packed(result_fd, kernel.reply_to(command))
