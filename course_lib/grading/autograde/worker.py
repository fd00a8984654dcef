"""The process that runs a submission's code, inside the sandbox (:mod:`course_lib.grading.autograde.sandbox`).

Started as a plain script (``python -I -S worker.py CMD_FD RESULT_FD SETTINGS``) by bubblewrap,
or, without it, directly as its own unprivileged uid (:mod:`.isolation`), it reaches only the
Python runtime, numpy, matplotlib and the other real packages of
:data:`~course_lib.grading.autograde.stand_ins.REAL_DISTRIBUTIONS`, and the answer-free course_lib.
Before reading any command it lowers its own resource limits (hard limits: student code cannot
raise them again) and, without bubblewrap, confines itself (:func:`main`); then it says it is ready
and answers each command of :mod:`course_lib.grading.autograde.protocol` with exactly one frame on
``RESULT_FD``, within the grader's limits on a reply (:func:`~course_lib.grading.autograde.protocol.pack_reply`).

It runs the notebook as a kernel would: each cell in one namespace (``__name__ == "__main__"``),
stopping at the first statement that raises, its last expression's value kept in ``_`` and
``Out``, figures closed after the cell, ``get_ipython()`` and the front end's modules answered by
:mod:`.stand_ins`. A step that uses more CPU time than it is given is interrupted as a kernel
interrupt would be (``ITIMER_PROF``; also ``SIGINT`` from the grader, which measures time the step
spends waiting): :class:`~course_lib.grading.judging.running.Interrupted` is raised into the
student's code and the namespace survives.

Cases arrive one at a time, so the process never holds a case it has not been given.
Student output goes to /dev/null (the sandbox's stdout and stderr).
"""

from __future__ import annotations

import json
import os
import sys


def _limit(resource, which: str, value: int) -> None:
    kind = getattr(resource, which)
    soft, hard = resource.getrlimit(kind)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    resource.setrlimit(kind, (value, value))


class _StepTimer:
    """Runs student code with a CPU budget: ``ITIMER_PROF`` (and the grader's SIGINT) interrupt it."""

    def __init__(self, signal, interrupted):
        self.signal, self.interrupted, self.armed = signal, interrupted, False

    def _fire(self, signum, frame):
        if self.armed:
            raise self.interrupted()

    def call(self, action, cpu_seconds: float):
        """``(action(), False)``, or ``(None, True)`` when the step's time was up."""
        signal = self.signal
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
        except self.interrupted:
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


def _reads(value, namespace: dict, types) -> tuple:
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


def _serve(cmd_fd: int, result_fd: int) -> None:
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

    namespace = {"__name__": "__main__", "__builtins__": builtins, "Out": {}}
    shell = stand_ins.install(namespace)
    timer = _StepTimer(signal, Interrupted)
    watches = {}
    count = [0]
    np.random.seed(0)  # noqa: NPY002 (an answer using the legacy global generator gets the same numbers every run)

    def label_of(filename: str) -> str:
        return filename[1:-1] if filename.startswith("<") and filename.endswith(">") else "a cell"

    def run_cell(command: protocol.RunCell) -> protocol.CellReply:
        filename, source = command.filename, command.source
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        shell.filename = filename
        count[0] += 1
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
                            namespace["Out"][count[0]] = value
                return protocol.CellReply(protocol.CellStop.COMPLETED)
            except Interrupted as exc:
                return protocol.CellReply(protocol.CellStop.INTERRUPTED,
                                          ErrorInfo("Interrupted", "its time was up", _stopped_at(exc, filename)))
            except BaseException as exc:  # the student's code may raise anything, SystemExit included
                return protocol.CellReply(protocol.CellStop.RAISED,
                                          running.describe_error(exc, _stopped_at(exc, filename)))

        reply, interrupted = timer.call(action, command.cpu_seconds)
        stand_ins.close_figures()
        if interrupted:  # the time ran out just as the cell ended
            return protocol.CellReply(protocol.CellStop.INTERRUPTED, ErrorInfo("Interrupted", "its time was up"))
        return reply

    def describe(command: protocol.Describe) -> protocol.Described:
        names = [str(n) for n in command.names][:100]
        return protocol.Described({n: n in namespace for n in names},
                                  {n: _reads(namespace[n], namespace, types) for n in names if n in namespace})

    def watch(forbidden: tuple):
        if forbidden not in watches:
            watches[forbidden] = conduct.Watch(forbidden)
        return watches[forbidden]

    def run_case(command: protocol.RunCase) -> CaseReply:
        if command.name not in namespace:
            return CaseReply.missing()
        watching = watch(tuple(command.forbidden))

        def action():
            try:
                args = tuple(plain.decode(a, fixture=plain.resolve_target) for a in command.args)
                return running.run_case(namespace[command.name], args, command.kind, watching)
            except plain.PlainDataError as exc:
                return CaseReply.not_plain(str(exc)[:200])
            except Interrupted:
                raise
            except BaseException as exc:  # a fixture failing, a hostile object: the case's error
                return CaseReply.raised(running.describe_error(exc))

        reply, interrupted = timer.call(action, command.cpu_seconds)
        return CaseReply.cut_short(Cut.TIMEOUT, "interrupted: its time was up") if interrupted else reply

    def measure_loops(command: protocol.MeasureLoops) -> protocol.LoopReply:
        answer = namespace.get(command.name)
        if not callable(answer):
            return protocol.LoopReply(conduct.LoopMeasure(problem="it is not a function"))

        def action():
            small = tuple(plain.decode(a, fixture=plain.resolve_target) for a in command.small)
            large = tuple(plain.decode(a, fixture=plain.resolve_target) for a in command.large)
            return conduct.measure_loops(answer, small, large, label_of)

        measure, interrupted = timer.call(action, command.cpu_seconds)
        return protocol.LoopReply(measure, interrupted)

    try:  # what nearly every notebook's first cell imports: loaded before the student's time starts (a spare
        import matplotlib.pyplot  # noqa: F401  sandbox does it while the grader judges the previous submission)
    except Exception:  # noqa: S110 (not bound into this sandbox: a notebook importing it gets the error then)
        pass
    handlers = {protocol.RunCell: run_cell, protocol.Describe: describe, protocol.RunCase: run_case,
                protocol.MeasureLoops: measure_loops}
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
        try:
            reply = handlers[type(command)](command)
        except Exception as exc:  # the worker's own failure: the step's error, never the whole sandbox's
            reply = _failed_reply(command, running.describe_error(exc), protocol, CaseReply)
        try:  # within the grader's limits on a reply (a larger value is sent as "too large")
            frame = protocol.pack_reply(reply)
        except (ValueError, TypeError, RecursionError):  # an output JSON cannot hold
            frame = protocol.pack_reply(CaseReply.not_plain("an output that cannot be sent"))
        except MemoryError:
            frame = protocol.pack_reply(CaseReply.too_large("an output too large to send"))
        wire.write_packed(result_fd, frame)


def _failed_reply(command, error, protocol, CaseReply):
    """The reply of a step whose handling failed in the worker's own code (reported as an error)."""
    if isinstance(command, protocol.RunCell):
        return protocol.CellReply(protocol.CellStop.RAISED, error)
    if isinstance(command, protocol.MeasureLoops):
        from course_lib.grading.judging.conduct import LoopMeasure

        return protocol.LoopReply(LoopMeasure(problem=f"the measurement failed ({error.text})", raised=True))
    if isinstance(command, protocol.Describe):
        return protocol.Described({name: False for name in command.names}, {})
    return CaseReply.raised(error)


CONFINEMENT_FAILED = 97  # exit status when the plan cannot be applied (isolation.CONFINEMENT_FAILED)


def _confine_module():
    """:mod:`course_lib.grading.autograde.confine` loaded from this script's folder, standard library only:
    nothing of course_lib (not even its ``__init__``) runs before the worker is confined."""
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "confine.py")
    spec = importlib.util.spec_from_file_location("_course_lib_confine", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


def main(argv) -> None:
    """Start-up: hard rlimits, then (without bubblewrap) confinement, then the serving loop.

    ``argv`` is ``CMD_FD RESULT_FD SETTINGS``; ``SETTINGS`` is JSON with ``limits`` (``RLIMIT_*``
    name -> value), ``path`` (put first on ``sys.path``) and, in the confined fallback, ``plan``
    (a :class:`confine.Plan`). The grader started this process as the uid it must run as: it
    changes no uid itself, and exits with :data:`CONFINEMENT_FAILED` rather than run unconfined.
    """
    import resource

    cmd_fd, result_fd, settings = int(argv[0]), int(argv[1]), json.loads(argv[2])
    sys.path[:0] = settings["path"]
    os.environ["COURSE_LIB_SANDBOX"] = "1"
    for which, value in settings["limits"].items():  # lowered for good before any student code
        _limit(resource, which, int(value))
    if settings.get("plan") is not None:
        try:
            confine = _confine_module()
            confine.apply(confine.Plan.from_json(settings["plan"]))
        except Exception as exc:  # never serve unconfined
            print(f"worker: cannot confine itself: {exc}", file=sys.stderr)
            os._exit(CONFINEMENT_FAILED)
    try:
        _serve(cmd_fd, result_fd)
    finally:
        os._exit(0)  # skip interpreter teardown (and any atexit hook a student registered)


if __name__ == "__main__":
    main(sys.argv[1:])
