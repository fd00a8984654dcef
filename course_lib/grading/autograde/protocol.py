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

**Every reply fits in** :data:`REPLY_BYTES` **bytes and** :data:`REPLY_VALUES` **JSON values**
(:func:`.wire.values_bound`), so that reading one costs the grader a bounded amount of memory, whatever
the answer returned. The worker packs its replies with :func:`pack_reply`, which sends one that would
not fit as a smaller reply of its type (a case's value as :meth:`CaseReply.too_large
<course_lib.grading.judging.running.CaseReply.too_large>`, naming what it was and the limit); the
grader refuses a bigger frame before parsing it (a worker whose code was replaced can send one: the
step is then "crashed").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from course_lib.grading.autograde import wire
from course_lib.grading.exercises import plain
from course_lib.grading.judging.conduct import LoopMeasure
from course_lib.grading.judging.running import CaseReply, Cut, ErrorInfo, Outcome

# The largest reply: the bank's answers' largest is about 7 KB and 30 values (tests/autograde/test_reply_bounds.py).
REPLY_BYTES = 256 * 1024  # bytes of one reply frame's JSON
REPLY_VALUES = 10_000  # JSON values in one reply frame (counted before parsing: wire.values_bound)


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


# --- replies that fit ---------------------------------------------------------------------------------------

def fits(frame: bytes) -> bool:
    """Whether a packed reply frame is within :data:`REPLY_BYTES` and :data:`REPLY_VALUES`."""
    payload = frame[wire.HEADER.size:]
    return len(payload) <= REPLY_BYTES and wire.values_bound(payload) <= REPLY_VALUES


def describe_output(value) -> str:
    """What an answer's output was, in a few words ("an array of shape (1500000,)")."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"an array of shape {tuple(shape)}"
    if isinstance(value, str):
        return f"a string of {len(value):,} characters"
    for kind, name in ((plain.PlainList, "a list"), (tuple, "a tuple"), (dict, "a dict")):
        if isinstance(value, kind):
            return f"{name} of {len(value):,} values"
    return "an output"


def _surely_too_large(value) -> bool:
    """Whether an output cannot fit in a reply, told without encoding it: more than :data:`REPLY_VALUES`
    objects, or more than :data:`REPLY_BYTES` of array data or characters (looks at no more than that)."""
    count, size, stack = 0, 0, [value]
    while stack:
        current = stack.pop()
        count += 1
        if isinstance(current, str):
            size += len(current)
        elif hasattr(current, "shape"):  # an array: its data, before base64 makes it a third larger
            size += getattr(current, "nbytes", 0)
        if count > REPLY_VALUES or size > REPLY_BYTES:
            return True
        if isinstance(current, (tuple, list)):
            stack.extend(current[:REPLY_VALUES + 1])
        elif isinstance(current, dict):
            stack.extend(list(current.values())[:REPLY_VALUES + 1])
    return False


def _smaller(reply, frame: bytes | None):
    """The reply of the same type, within the limits, that stands for ``reply`` (packed as ``frame``; None:
    a case's output too large to be encoded at all)."""
    limit = f"the grader takes at most {REPLY_BYTES:,} bytes and {REPLY_VALUES:,} values of one case's output"
    if isinstance(reply, CaseReply):
        what = describe_output(reply.value) if reply.value is not None else "an output"
        if frame is not None:
            payload = frame[wire.HEADER.size:]
            limit = f"{len(payload):,} bytes and up to {wire.values_bound(payload):,} values as sent; {limit}"
        return CaseReply.too_large(f"{what}, too large to grade ({limit})", reply.mutated[:20], reply.calls[:20])
    if isinstance(reply, Described):  # only what the answers read can be long: fewer of those names
        return Described(reply.defined, {k: v[:100] for k, v in list(reply.reads.items())[:100]})
    if isinstance(reply, LoopReply):
        return LoopReply(LoopMeasure(problem="its measurement was too large to send", raised=True),
                         reply.interrupted)
    if isinstance(reply, CellReply):
        error = reply.error and ErrorInfo(reply.error.type[:60], reply.error.message[:300], reply.error.line)
        return CellReply(reply.stop, error)
    return reply


def pack_reply(reply) -> bytes:
    """``reply`` as one frame within :data:`REPLY_BYTES` and :data:`REPLY_VALUES` (the worker's side).

    A reply that would not fit is replaced by :func:`_smaller` 's (a Described one whose reads still do not
    fit loses them: which names are defined is all it then says).
    """
    if isinstance(reply, CaseReply) and reply.outcome == Outcome.RETURNED and _surely_too_large(reply.value):
        return wire.pack(reply_to_wire(_smaller(reply, None)))
    frame = wire.pack(reply_to_wire(reply))
    if fits(frame):
        return frame
    frame = wire.pack(reply_to_wire(_smaller(reply, frame)))
    if not fits(frame) and isinstance(reply, Described):
        frame = wire.pack(reply_to_wire(Described(dict(list(reply.defined.items())[:100]), {})))
    return frame
