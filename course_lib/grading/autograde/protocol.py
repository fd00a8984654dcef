"""The commands the grader sends its sandboxed worker, and the one reply type each gets.

A command or a reply crosses the pipe as one frame (:mod:`.wire`) holding a JSON object:
``to_wire()`` makes it, ``command_from_wire`` / ``reply_from_wire`` read it back strictly (a frame
that is not what the command's reply type expects is a protocol error, never a half-read reply).

=====================  ==================================  =====================================
command                what the worker does                reply
=====================  ==================================  =====================================
(start)                loads numpy, then says it is ready  :class:`Ready`
:class:`RunCell`       runs one cell in the notebook's     :class:`CellReply`
                       namespace, as a kernel would
:class:`Describe`      says which names are defined and    :class:`Described`
                       what global names they read
:class:`RunCase`       calls an answer on one case         :class:`~course_lib.grading.judging.running.CaseReply`
:class:`MeasureLoops`  counts an answer's Python steps     :class:`LoopReply`
                       at two sizes
:class:`Quit`          ends                                (none)
=====================  ==================================  =====================================

Every command that runs student code carries ``cpu_seconds``: the worker interrupts the step, as
a kernel interrupt would, once it has used that much CPU time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from course_lib.grading.judging.conduct import LoopMeasure
from course_lib.grading.judging.running import CaseReply, Cut, ErrorInfo


class ProtocolError(ValueError):
    """A frame that is not the command or reply expected."""


# --- commands --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunCell:
    """Run one cell's (IPython-transformed) source; ``filename`` names it in tracebacks ("<cell 7>")."""

    source: str
    filename: str
    cpu_seconds: float
    op = "cell"


@dataclass(frozen=True)
class Describe:
    """Which of ``names`` are defined in the notebook's namespace, and what each one's code reads."""

    names: tuple
    op = "describe"


@dataclass(frozen=True)
class RunCase:
    """Call the answer ``name`` on one case (``args`` encoded plain data and fixtures), watching for
    the ``forbidden`` course_lib functions."""

    name: str
    kind: str
    args: tuple
    forbidden: tuple
    cpu_seconds: float
    op = "case"


@dataclass(frozen=True)
class MeasureLoops:
    """Count the Python steps of the answer ``name`` on a small and a large input (encoded args)."""

    name: str
    small: tuple
    large: tuple
    cpu_seconds: float
    op = "loops"


@dataclass(frozen=True)
class Quit:
    op = "quit"


_COMMANDS = {c.op: c for c in (RunCell, Describe, RunCase, MeasureLoops, Quit)}


def command_to_wire(command) -> dict:
    data = {"op": command.op}
    for name in command.__dataclass_fields__:
        value = getattr(command, name)
        data[name] = list(value) if isinstance(value, tuple) else value
    return data


def command_from_wire(data: dict):
    """The command a frame holds; ProtocolError if it is none."""
    kind = _COMMANDS.get(data.get("op"))
    if kind is None:
        raise ProtocolError(f"unknown command {data.get('op')!r}")
    try:
        values = {name: data[name] for name in kind.__dataclass_fields__}
    except KeyError as exc:
        raise ProtocolError(f"command {kind.op!r} without {exc.args[0]!r}") from None
    return kind(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


# --- replies ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ready:
    """The worker has started (numpy loaded, limits set) and waits for commands."""

    kind = "ready"

    def to_wire(self) -> dict:
        return {"reply": self.kind}

    @classmethod
    def from_wire(cls, data: dict) -> Ready:
        return cls()


class CellStop(str, Enum):
    """How a cell ended."""

    COMPLETED = "completed"
    RAISED = "raised"  # an exception stopped it (the rest of the cell did not run)
    INTERRUPTED = "interrupted"  # its time was up: interrupted as a kernel interrupt would (namespace kept)
    CUT = "cut"  # (the grader's) the sandbox died or was killed in it, or it never ran: see ``cut``


@dataclass(frozen=True)
class CellReply:
    """How one cell ended; ``error`` (with the cell's line where it stopped) if it raised or was
    interrupted; ``cut`` and ``detail`` if the grader cut it (never sent by the worker)."""

    stop: CellStop
    error: ErrorInfo | None = None
    cut: Cut | None = None
    detail: str = ""
    kind = "cell"

    def to_wire(self) -> dict:
        return {"reply": self.kind, "stop": self.stop.value, "error": self.error.to_wire() if self.error else None}

    @classmethod
    def from_wire(cls, data: dict) -> CellReply:
        stop = CellStop(data["stop"])
        error = ErrorInfo.from_wire(data["error"]) if data.get("error") is not None else None
        if stop == CellStop.CUT or (stop == CellStop.COMPLETED) != (error is None):
            raise ProtocolError("a cell reply whose error does not match how it ended")
        return cls(stop, error)


@dataclass(frozen=True)
class Described:
    """For each name asked: whether it is defined, and the global names its code reads (functions)."""

    defined: dict = field(default_factory=dict)  # name -> bool
    reads: dict = field(default_factory=dict)  # name -> tuple of global names its code (and its helpers') reads
    kind = "described"

    def to_wire(self) -> dict:
        return {"reply": self.kind, "defined": dict(self.defined), "reads": {k: list(v) for k, v in self.reads.items()}}

    @classmethod
    def from_wire(cls, data: dict) -> Described:
        defined = {str(k): v is True for k, v in dict(data["defined"]).items()}
        reads = {str(k): tuple(str(n)[:80] for n in v)[:2000] for k, v in dict(data["reads"]).items()}
        return cls(defined, reads)


@dataclass(frozen=True)
class LoopReply:
    """The loop-free rule's measurement, or that the step was interrupted (its time was up)."""

    measure: LoopMeasure | None
    interrupted: bool = False
    kind = "loops"

    def to_wire(self) -> dict:
        return {"reply": self.kind, "measure": self.measure.to_wire() if self.measure else None,
                "interrupted": self.interrupted}

    @classmethod
    def from_wire(cls, data: dict) -> LoopReply:
        measure = LoopMeasure.from_wire(data["measure"]) if data.get("measure") is not None else None
        return cls(measure, data.get("interrupted") is True)


class _CaseReplyWire:
    kind = "case"

    @staticmethod
    def from_wire(data: dict) -> CaseReply:
        return CaseReply.from_wire(data)


_REPLY_OF = {RunCell: CellReply, Describe: Described, RunCase: _CaseReplyWire, MeasureLoops: LoopReply}


def case_reply_to_wire(reply: CaseReply) -> dict:
    return {"reply": "case", **reply.to_wire()}


def reply_to_wire(reply) -> dict:
    return case_reply_to_wire(reply) if isinstance(reply, CaseReply) else reply.to_wire()


def reply_from_wire(data: dict, command=None):
    """The reply a frame holds, of the type ``command`` expects (None: a :class:`Ready`); ProtocolError if not."""
    expected = Ready if command is None else _REPLY_OF[type(command)]
    if data.get("reply") != expected.kind:
        raise ProtocolError(f"expected a {expected.kind!r} reply, got {str(data.get('reply'))[:40]!r}")
    try:
        return expected.from_wire(data)
    except ProtocolError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ProtocolError(f"a {expected.kind!r} reply that cannot be read ({type(exc).__name__})") from None
