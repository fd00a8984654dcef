"""Calling an answer on one case, the same way in the notebook (``check``) and in the grader's worker.

:func:`run_case` gives a :class:`CaseReply`, plain data that the judge reads
(:mod:`course_lib.grading.judging.judge`): what the answer returned (as plain data), what it
raised, or why its output is not plain data; the arguments it changed; and the course_lib
functions it ran that the exercise forbids (watched by :class:`course_lib.grading.judging.conduct.Watch`).
The grader adds the replies of steps its sandbox cut short (:class:`Cut`) and of a name that is
not defined (``Outcome.MISSING``). A reply crosses the sandbox's pipe as JSON
(:meth:`CaseReply.to_wire`, :meth:`CaseReply.from_wire`).
"""

from __future__ import annotations

import copy
import inspect
import warnings
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from course_lib.grading.exercises import plain

MEMORY_ERRORS = ("MemoryError", "_ArrayMemoryError")  # numpy raises the second for a huge array


class Outcome(str, Enum):
    """What one case gave."""

    RETURNED = "returned"  # a value, as plain data
    RAISED = "raised"  # an exception
    NOT_PLAIN = "not plain"  # a value that is not plain data (a generator, a complex array...)
    TOO_LARGE = "too large"  # a value larger than the grader takes from one case (the grader's only)
    MISSING = "missing"  # the answer's name is not defined
    CUT = "cut"  # the sandbox cut the step short, or never ran it (see :class:`Cut`)


class Cut(str, Enum):
    """Why the sandbox gave no reply of the answer's own."""

    TIMEOUT = "timeout"  # interrupted (or killed) after its time
    CRASHED = "crashed"  # the worker died (a signal, os._exit, a protocol error)
    MEMORY = "memory"  # the sandbox ran out of memory
    NOT_RUN = "not run"  # never run: the submission's time ran out, or the worker crashed too often
    SUBMISSION_TIME = "submission time"  # never run: the submission's own time limit was reached


class Interrupted(BaseException):
    """A step's time is up: raised into the student's code by the grader's worker, as a kernel interrupt
    would be (a ``BaseException``, so that ``except Exception`` in the answer does not swallow it)."""


@dataclass(frozen=True)
class ErrorInfo:
    """An exception, as plain data: its type name, first line of message, and (a cell's) line."""

    type: str
    message: str = ""
    line: int | None = None

    @property
    def text(self) -> str:
        """``"Type: message"`` for feedback; ``sys.exit()`` said in words."""
        if self.type == "SystemExit":
            return "the code called sys.exit()"
        return f"{self.type}: {self.message}" if self.message else self.type

    def to_wire(self) -> dict:
        return {"type": self.type, "message": self.message, "line": self.line}

    @classmethod
    def from_wire(cls, data) -> ErrorInfo:
        if not isinstance(data, dict):
            return cls("ProtocolError", "an error that is not an object")
        line = data.get("line")
        return cls(str(data.get("type", "Error"))[:60], str(data.get("message", ""))[:300],
                   line if isinstance(line, int) and not isinstance(line, bool) else None)


@dataclass
class CaseReply:
    """One case's reply. Exactly what ``outcome`` says is set: ``value`` (RETURNED), ``error`` (RAISED),
    ``detail`` (NOT_PLAIN: why; TOO_LARGE: what it was and the limit; CUT: what happened) and ``cut`` (CUT).

    Attributes
    ----------
    mutated : tuple of str
        Names of the arguments the answer changed.
    calls : tuple of str
        The forbidden course_lib functions the answer ran (by code identity, whatever name reached them).
    exception : BaseException or None
        The exception itself, in the notebook only (``check`` shows where it was raised); never sent.
    """

    outcome: Outcome
    value: object = None
    error: ErrorInfo | None = None
    detail: str = ""
    cut: Cut | None = None
    mutated: tuple = ()
    calls: tuple = ()
    exception: BaseException | None = field(default=None, compare=False, repr=False)

    @classmethod
    def returned(cls, value, mutated=(), calls=()) -> CaseReply:
        return cls(Outcome.RETURNED, value=value, mutated=tuple(mutated), calls=tuple(calls))

    @classmethod
    def raised(cls, error: ErrorInfo, exception=None, calls=()) -> CaseReply:
        return cls(Outcome.RAISED, error=error, exception=exception, calls=tuple(calls))

    @classmethod
    def not_plain(cls, why: str, mutated=(), calls=()) -> CaseReply:
        return cls(Outcome.NOT_PLAIN, detail=why, mutated=tuple(mutated), calls=tuple(calls))

    @classmethod
    def too_large(cls, what: str, mutated=(), calls=()) -> CaseReply:
        """A value too large for the grader to take: ``what`` says what it was and the limit it passed."""
        return cls(Outcome.TOO_LARGE, detail=what, mutated=tuple(mutated), calls=tuple(calls))

    @classmethod
    def missing(cls) -> CaseReply:
        return cls(Outcome.MISSING)

    @classmethod
    def cut_short(cls, cut: Cut, detail: str = "") -> CaseReply:
        return cls(Outcome.CUT, cut=Cut(cut), detail=detail or Cut(cut).value)

    def to_wire(self) -> dict:
        """JSON-able data (the value with :func:`course_lib.grading.exercises.plain.encode`)."""
        out = {"outcome": self.outcome.value, "mutated": list(self.mutated), "calls": list(self.calls)}
        if self.outcome == Outcome.RETURNED:
            out["value"] = plain.encode(self.value)
        elif self.outcome == Outcome.RAISED:
            out["error"] = self.error.to_wire()
        elif self.outcome in (Outcome.NOT_PLAIN, Outcome.TOO_LARGE, Outcome.CUT):
            out["detail"] = self.detail
            if self.cut is not None:
                out["cut"] = self.cut.value
        return out

    @classmethod
    def from_wire(cls, data: dict) -> CaseReply:
        """The inverse of :meth:`to_wire`; anything unexpected is a NOT_PLAIN reply, never an exception."""
        try:
            outcome = Outcome(data["outcome"])
            names = tuple(str(n)[:80] for n in data.get("mutated", ()))[:20]
            calls = tuple(str(n)[:80] for n in data.get("calls", ()))[:20]
            if outcome == Outcome.RETURNED:
                return cls.returned(plain.decode(data["value"]), names, calls)
            if outcome == Outcome.RAISED:
                return cls.raised(ErrorInfo.from_wire(data["error"]), calls=calls)
            if outcome == Outcome.CUT:
                return cls.cut_short(Cut(data["cut"]), str(data.get("detail", ""))[:300])
            if outcome == Outcome.MISSING:
                return cls.missing()
            if outcome == Outcome.TOO_LARGE:
                return cls.too_large(str(data.get("detail", ""))[:300], names, calls)
            return cls.not_plain(str(data.get("detail", ""))[:200], names, calls)
        except (KeyError, ValueError, TypeError, AttributeError, plain.PlainDataError) as exc:
            return cls.not_plain(f"a reply that could not be read ({type(exc).__name__})")


def describe_error(exc: BaseException, line: int | None = None) -> ErrorInfo:
    """An exception as :class:`ErrorInfo`, robust to hostile ``__str__`` s."""
    kind = type(exc).__name__
    for base, name in ((MemoryError, "MemoryError"), (SystemExit, "SystemExit"),
                       (NotImplementedError, "NotImplementedError"), (KeyboardInterrupt, "KeyboardInterrupt")):
        if isinstance(exc, base):
            kind = name
    if type(exc).__name__ == "ReferenceUnavailable":
        kind = "ReferenceUnavailable"
    try:
        text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    except BaseException:  # a hostile __str__
        text = ""
    return ErrorInfo(str(kind)[:60], text, line)


def parameter_names(function) -> list:
    """The positional parameter names of ``function`` ([] when it has no readable signature)."""
    try:
        return [p.name for p in inspect.signature(function).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return []


def _argument_names(answer, count: int) -> list:
    names = parameter_names(answer)
    return [names[i] if i < len(names) else f"argument {i + 1}" for i in range(count)]


def _changed(before, after) -> bool:
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and after.shape == before.shape and after.dtype == before.dtype
                    and np.array_equal(after, before, equal_nan=before.dtype.kind in "fc"))
    if isinstance(before, (list, dict)):
        try:
            return bool(before != after)
        except Exception:  # an array inside a list: compare element-wise
            return True
    return False


def run_case(answer, args: tuple, kind: str = "function", watch=None) -> CaseReply:
    """Call ``answer(*args)`` (or take the value), quietly: no warnings reach stderr.

    Parameters
    ----------
    answer : callable or value
    args : tuple
        Used as given (pass fresh copies: the answer may change them); arrays are compared with
        copies taken before the call to detect an answer that modifies its input.
    kind : {"function", "value"}
    watch : conduct.Watch, optional
        Records the forbidden course_lib functions the call runs (see :mod:`.conduct`).
    """
    if kind == "value":
        raw, mutated, calls = answer, (), ()
    else:
        if not callable(answer):
            return CaseReply.raised(ErrorInfo("TypeError", f"expected a function, got {type(answer).__name__}"))
        before = [copy.deepcopy(a) if isinstance(a, (np.ndarray, list, dict)) else None for a in args]
        calls = ()
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                if watch is None:
                    raw = answer(*args)
                else:
                    with watch.watching(args) as seen:
                        try:
                            raw = answer(*args)
                        finally:
                            calls = tuple(seen)
        except BaseException as exc:  # any error in student code becomes data, SystemExit included
            if isinstance(exc, (KeyboardInterrupt, Interrupted)):
                raise  # the step's own interruption (the worker, or the kernel, answers it)
            return CaseReply.raised(describe_error(exc), exc, calls)
        names = _argument_names(answer, len(args))
        mutated = tuple(names[i] for i, (b, a) in enumerate(zip(before, args)) if b is not None and _changed(b, a))
    try:
        return CaseReply.returned(plain.to_plain(raw), mutated, calls)
    except TypeError as exc:
        return CaseReply.not_plain(str(exc)[:200], mutated, calls)
    except BaseException as exc:  # a hostile object raising from __len__, __iter__...
        return CaseReply.not_plain(f"a value that could not be read ({type(exc).__name__})", mutated, calls)
