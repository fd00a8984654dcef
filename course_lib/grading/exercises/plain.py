"""Plain data: what crosses between an answer and the judge, and how two values of it compare.

*Plain data* is None, bool, int, float, str, a real numeric (or boolean) ndarray, a tuple of
those, a :class:`PlainList` (a list, kept apart from a tuple so that messages can say which it
was), or a :class:`PlainDict` (a dict with string keys: an answer such as ``{"W": W, "b": b}``). A
case's arguments may also hold a :class:`Fixture`: a trusted callable, named, not sent.

- :func:`to_plain` turns an answer's output into plain data, or says why it cannot;
- :func:`compare` compares two plain values (shape and type exactly, numbers within tolerance);
- :func:`encode` / :func:`decode`: plain data as JSON (scalars as themselves, ``{"t": [...]}`` a
  tuple, ``{"l": [...]}`` a list, ``{"d": {key: ...}}`` a dict, ``{"a": base64 .npy}`` an array read
  with ``allow_pickle=False``,
  ``{"f": "module:function"}`` a fixture), used by the sandbox's wire and the released data bank.
  Decoding is strict: anything unexpected raises :class:`PlainDataError`.
"""

from __future__ import annotations

import base64
import importlib
import io
from dataclasses import dataclass
from typing import Callable

import numpy as np


def resolve_target(target: str) -> Callable:
    """The object a ``"module:function"`` string names (the one place such names are resolved)."""
    module, sep, name = target.partition(":")
    if not sep or not module or not name:
        raise ValueError(f"target: expected 'module:function', got {target!r}")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Fixture:
    """A trusted callable passed as an argument, named as ``"module:function"``.

    Callables cannot cross a process boundary as plain data; a fixture is re-imported
    by name on the side that calls the student's function.
    """

    target: str

    def resolve(self) -> Callable:
        return resolve_target(self.target)


@dataclass(frozen=True)
class NamedJudge:
    """A judge that ships with the release, named as ``"module:function"`` (like a :class:`Fixture`).

    An exercise whose answer is judged by what it achieves (an outcome judge) names its judge this
    way, so that the released data bank can carry the name and the judge runs the same in the
    student's ``check`` and in the grader's process. The function has the judge's signature
    ``judge(case, actual) -> Verdict``; a value exercise's case arguments carry its parameters
    (thresholds, which losses), as plain data.
    """

    target: str

    def __call__(self, case, actual) -> Verdict:
        return resolve_target(self.target)(case, actual)


@dataclass(frozen=True)
class Verdict:
    """The result of judging one case: ``passed``, and if not, a one-line reason.

    A passed verdict may carry a message too: a note the check prints under the case and the grader
    shows as the exercise's message (a prediction's "3 of 7 right").
    """

    passed: bool
    message: str = ""


class PlainList(tuple):
    """A list in an answer's output, kept apart from a tuple so that messages can say which it was."""


class PlainDict(dict):
    """A dict with string keys in an answer's output (``{"W": W, "b": b}``), its values plain data."""


def to_plain(value):
    """Convert an answer's output to plain data, or raise ``TypeError`` saying why not.

    Plain data is a float/int/bool/str, a real numeric (or boolean) ndarray, or a tuple of
    those; a list becomes a :class:`PlainList`. Anything else (complex numbers, an object with a
    custom ``__eq__``, an ndarray subclass, a generator) is refused.
    """
    if value is None or type(value) in (bool, str):
        return value
    if type(value) in (int, float) or isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item() if isinstance(value, np.generic) else type(value)(value)
    if isinstance(value, (complex, np.complexfloating)):
        raise TypeError("a complex number (expected a real one)")
    if type(value) is np.ndarray:
        if np.issubdtype(value.dtype, np.complexfloating):
            raise TypeError(f"an array of complex numbers (dtype {value.dtype}; expected real numbers)")
        if not (np.issubdtype(value.dtype, np.integer) or np.issubdtype(value.dtype, np.floating)
                or value.dtype == bool):
            raise TypeError(f"an array of dtype {value.dtype} (expected numbers)")
        return np.array(value, copy=True)
    if isinstance(value, np.ndarray):
        raise TypeError(f"an array of type {type(value).__name__} (expected a plain numpy ndarray)")
    if type(value) is tuple or type(value) is PlainList:
        return type(value)(to_plain(v) for v in value)
    if type(value) is list:
        return PlainList(to_plain(v) for v in value)
    if type(value) is dict or type(value) is PlainDict:
        bad = next((key for key in value if type(key) is not str), None)
        if bad is not None:
            raise TypeError(f"a dict with the key {bad!r} (expected string keys)")
        return PlainDict((key, to_plain(v)) for key, v in value.items())
    raise TypeError(f"a value of type {type(value).__name__} (expected numbers, arrays or a tuple of them)")


def _describe(x) -> str:
    if isinstance(x, np.ndarray):
        if x.size <= 6:
            return f"array {np.array2string(x, precision=4, separator=', ')}"
        return f"an array of shape {x.shape}"
    if isinstance(x, float):
        return f"{x:.6g}"
    if isinstance(x, PlainList):
        return f"a list of {len(x)} values"
    if isinstance(x, dict):
        return f"a dict with the keys {sorted(x)}"
    if isinstance(x, tuple):
        return f"a tuple of {len(x)} values"
    return repr(x)


def distinct(e: float, a: float) -> tuple[str, str]:
    """``e`` and ``a`` printed with the fewest significant digits (at least 4) that tell them apart."""
    for digits in range(4, 18):
        left, right = f"{e:.{digits}g}", f"{a:.{digits}g}"
        if left != right:
            return left, right
    return repr(e), repr(a)


def compare(expected, actual, *, rtol=1e-6, atol=1e-8, names=(), where="", equal_nan=False) -> Verdict:
    """Compare plain data exactly in shape and type, and numbers within tolerance.

    No broadcasting: an (N,) array against an (N, 1) one is a failure that says so.
    ``equal_nan`` lets NaN and inf match themselves (used to recognise an overflowing
    mistake); otherwise a non-finite value where a finite one was expected fails. Where the expected
    value itself holds NaN or inf (a contract's "nan for an empty bin"), the actual value must hold
    them at the same places, and the finite entries are compared as usual.
    """
    label = where or "the result"
    if isinstance(expected, dict) or isinstance(actual, dict):
        if not (isinstance(expected, dict) and isinstance(actual, dict)):
            return Verdict(False, f"{label}: expected {_describe(expected)}, got {_describe(actual)}")
        if set(expected) != set(actual):
            missing, extra = sorted(set(expected) - set(actual)), sorted(set(actual) - set(expected))
            said = "; ".join(part for part in (f"missing the keys {missing}" if missing else "",
                                              f"unexpected keys {extra}" if extra else "") if part)
            return Verdict(False, f"{label}: {said}")
        for key in sorted(expected):
            v = compare(expected[key], actual[key], rtol=rtol, atol=atol, where=f"[{key!r}]", equal_nan=equal_nan)
            if not v.passed:
                return v
        return Verdict(True)
    if isinstance(expected, tuple):
        what = "list" if isinstance(expected, PlainList) else "tuple"
        if not isinstance(actual, tuple) or len(actual) != len(expected) or (
                isinstance(actual, PlainList) != isinstance(expected, PlainList)):
            return Verdict(False, f"{label}: expected a {what} of {len(expected)} values, got {_describe(actual)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            part = names[i] if i < len(names) else f"item {i}"
            v = compare(e, a, rtol=rtol, atol=atol, where=part, equal_nan=equal_nan)
            if not v.passed:
                return v
        return Verdict(True)
    if isinstance(expected, str) or isinstance(actual, str):
        ok = isinstance(actual, str) and isinstance(expected, str) and expected.strip() == actual.strip()
        return Verdict(ok, "" if ok else f"{label}: expected {expected!r}, got {actual!r}")
    if actual is None or isinstance(actual, tuple):
        return Verdict(False, f"{label}: expected {_describe(expected)}, got {_describe(actual)}")
    e = np.asarray(expected, dtype=float)
    try:
        a = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        return Verdict(False, f"{label}: expected numbers, got {_describe(actual)}")
    if e.shape != a.shape:
        kind = "a number" if e.shape == () else f"shape {e.shape}"
        got = "a number" if a.shape == () else f"shape {a.shape}"
        return Verdict(False, f"{label}: expected {kind}, got {got}")
    if equal_nan or not np.isfinite(e).all():  # where the expected value has NaN (an empty bin's mean), so must yours
        same_nonfinite = np.array_equal(np.isnan(a), np.isnan(e)) and np.array_equal(np.isinf(a), np.isinf(e))
        if not same_nonfinite:
            return Verdict(False, f"{label}: NaN or inf entries differ (NaN where a number is expected, or a "
                                  f"number where NaN is)")
        finite = np.isfinite(e)
        e, a = e[finite], a[finite]
    elif not np.isfinite(a).all() and np.isfinite(e).all():
        return Verdict(False, f"{label}: got NaN or inf where finite numbers were expected")
    if not np.allclose(a, e, rtol=rtol, atol=atol):
        if e.shape == ():
            left, right = distinct(float(e), float(a))
            return Verdict(False, f"{label}: expected {left}, got {right}")
        close = np.isclose(a, e, rtol=rtol, atol=atol)
        idx = tuple(int(i) for i in np.argwhere(~close)[0])
        left, right = distinct(float(e[idx]), float(a[idx]))
        count = int((~close).sum())
        return Verdict(False, f"{label}: {count} of {e.size} entries differ; the first at index {idx}: "
                              f"expected {left}, got {right}")
    return Verdict(True)


# --- JSON ----------------------------------------------------------------------------------

MAX_STR = 10_000  # characters of a string output
MAX_DEPTH = 8  # nesting of tuples
MAX_KEYS = 100  # keys of a dict


class PlainDataError(ValueError):
    """A JSON object (or an .npy payload in it) that is not valid plain data."""


def _real_numeric(dtype) -> bool:
    return dtype.kind == "b" or np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)


def encode(value, depth: int = 0):
    """Plain data (see the module docstring) to a JSON-able object."""
    if depth > MAX_DEPTH:
        raise PlainDataError("tuples nested too deeply")
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is tuple:
        return {"t": [encode(v, depth + 1) for v in value]}
    if type(value) is PlainList:
        return {"l": [encode(v, depth + 1) for v in value]}
    if type(value) is PlainDict:
        if len(value) > MAX_KEYS:
            raise PlainDataError(f"a dict of {len(value)} keys (at most {MAX_KEYS})")
        return {"d": {key: encode(v, depth + 1) for key, v in value.items()}}
    if type(value) is np.ndarray:
        if not _real_numeric(value.dtype):
            raise PlainDataError(f"an array of dtype {value.dtype} (expected real numbers)")
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        return {"a": base64.b64encode(buffer.getvalue()).decode("ascii")}
    if type(value) is Fixture:
        return {"f": value.target}
    raise PlainDataError(f"not plain data: {type(value).__name__}")


def _check_npy_header(payload: bytes) -> None:
    """Refuse an .npy payload whose header promises more data than it holds (before allocating)."""
    from numpy.lib import format as npy

    stream = io.BytesIO(payload)
    version = npy.read_magic(stream)
    shape, _, dtype = (npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0)(stream)
    if dtype.hasobject or not all(type(n) is int and n >= 0 for n in shape):
        raise PlainDataError("an array header that is not plain numbers")
    if int(np.prod(shape, dtype=object)) * dtype.itemsize > len(payload):
        raise PlainDataError("an array header larger than its data")


def decode(obj, depth: int = 0, fixture=None):
    """The inverse of :func:`encode`; ``fixture(target)`` turns ``{"f": target}`` into a value."""
    if depth > MAX_DEPTH:
        raise PlainDataError("tuples nested too deeply")
    if obj is None or type(obj) in (bool, int, float):
        return obj
    if type(obj) is str:
        if len(obj) > MAX_STR:
            raise PlainDataError(f"a string of {len(obj)} characters (at most {MAX_STR})")
        return obj
    if type(obj) is dict and len(obj) == 1:
        if type(obj.get("t")) is list:
            return tuple(decode(v, depth + 1, fixture) for v in obj["t"])
        if type(obj.get("l")) is list:
            return PlainList(decode(v, depth + 1, fixture) for v in obj["l"])
        if type(obj.get("d")) is dict and len(obj["d"]) <= MAX_KEYS and all(
                type(key) is str and len(key) <= MAX_STR for key in obj["d"]):
            return PlainDict((key, decode(v, depth + 1, fixture)) for key, v in obj["d"].items())
        if type(obj.get("f")) is str and fixture is not None:
            return fixture(obj["f"])
        if type(obj.get("a")) is str:
            try:
                payload = base64.b64decode(obj["a"], validate=True)
                _check_npy_header(payload)
                array = np.load(io.BytesIO(payload), allow_pickle=False)
            except PlainDataError:
                raise
            except Exception as exc:  # any malformed payload is the sender's fault, reported as such
                raise PlainDataError(f"an unreadable array ({type(exc).__name__})") from None
            if type(array) is not np.ndarray or not _real_numeric(array.dtype):
                raise PlainDataError(f"an array of dtype {getattr(array, 'dtype', '?')} (expected real numbers)")
            return array
    raise PlainDataError(f"not plain data: {str(obj)[:60]}")


# --- one line for a person ---------------------------------------------------------------------

def _digits(x, other) -> int:
    """Significant digits (at least 4) that tell every differing entry of ``x`` from ``other``'s."""
    try:
        a, b = np.asarray(x, dtype=float), np.asarray(other, dtype=float)
    except (TypeError, ValueError):
        return 4
    if a.shape != b.shape:
        return 4
    differ = np.flatnonzero(~((a == b) | (np.isnan(a) & np.isnan(b))))[:64]
    needed = [len(distinct(float(a.flat[i]), float(b.flat[i]))[0].lstrip("-").replace(".", "")
                  .split("e")[0].lstrip("0")) for i in differ]
    return min(max([4, *needed]), 17)


def _float_text(v, digits: int) -> str:
    """An array's float entry with ``digits`` significant digits, a whole one with numpy's trailing point ("0.")."""
    text = f"{v:.{digits}g}"
    return text + "." if text.lstrip("-").isdigit() else text


def describe(x, other=None) -> str:
    """A one-line description of plain data, at most about 90 characters.

    With ``other`` (the value it is shown next to), numbers get the digits that tell them apart
    from ``other``'s (the rule of :func:`distinct`), so "expected 1.51, got 1.51" cannot happen.
    """
    if x is None:
        return "None"
    if isinstance(x, tuple):
        kind = "list" if isinstance(x, PlainList) else "tuple"
        if len(x) > 3:
            return f"a {kind} of {len(x)} values"
        pairs = other if isinstance(other, tuple) and len(other) == len(x) else (None,) * len(x)
        body = ", ".join(describe(v, o) for v, o in zip(x, pairs))
        return f"[{body}]  (a list)" if kind == "list" else f"({body})"
    if isinstance(x, dict):
        if len(x) > 3:
            return f"a dict with the keys {sorted(x)}"
        others = other if isinstance(other, dict) else {}
        return "{" + ", ".join(f"{key!r}: {describe(value, others.get(key))}" for key, value in x.items()) + "}"
    if isinstance(x, np.ndarray):
        digits = _digits(x, other) if other is not None else 4
        style = {"float_kind": lambda v: _float_text(v, digits)}
        if x.size <= 8:
            body = np.array2string(x, separator=", ", formatter=style).replace("\n", "")
            return f"{body}  shape {x.shape}"
        first = np.array2string(x.ravel()[:4], separator=", ", formatter=style)
        return f"array of shape {x.shape}, starting {first[:-1]}, ...]"
    if isinstance(x, float):
        if isinstance(other, (int, float)) and not isinstance(other, bool) and other != x:
            return distinct(x, float(other))[0] if _digits(x, other) > 6 else f"{x:.6g}"
        return f"{x:.6g}"
    return repr(x)
