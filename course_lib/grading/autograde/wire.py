"""The one wire format: plain data as JSON, in length-prefixed frames.

Used wherever answers' outputs or test inputs cross a boundary: between the grader and
its sandboxed worker, and in the released data bank.

- *Plain data* is None, bool, int, float, str, a real numeric or boolean ndarray, or a
  tuple of those. As JSON: scalars as themselves, ``{"t": [...]}`` for a tuple, ``{"l": [...]}`` for a list,
  ``{"a": base64 .npy}`` for an array (read with ``allow_pickle=False``), and
  ``{"f": "module:function"}`` for a fixture (a trusted callable named, not sent).
- A *frame* is an 8-byte big-endian length and one JSON object. Reading is strict:
  anything unexpected raises :class:`WireError`.
"""

from __future__ import annotations

import base64
import io
import json
import os
import struct

MAX_FRAME = 64 * 1024 * 1024  # bytes; a bigger frame is a protocol error
MAX_STR = 10_000  # characters of a string output
MAX_DEPTH = 8  # nesting of tuples
HEADER = struct.Struct(">Q")


class WireError(ValueError):
    """A frame or a value that is not valid plain data."""


def _real_numeric(dtype) -> bool:
    import numpy as np

    return dtype.kind == "b" or np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)


def encode(value, depth: int = 0):
    """Plain data (see the module docstring) to a JSON-able object."""
    import numpy as np

    if depth > MAX_DEPTH:
        raise WireError("tuples nested too deeply")
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is tuple:
        return {"t": [encode(v, depth + 1) for v in value]}
    if type(value).__name__ == "PlainList" and isinstance(value, tuple):
        return {"l": [encode(v, depth + 1) for v in value]}
    if type(value) is np.ndarray:
        if not _real_numeric(value.dtype):
            raise WireError(f"an array of dtype {value.dtype} (expected real numbers)")
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        return {"a": base64.b64encode(buffer.getvalue()).decode("ascii")}
    target = getattr(value, "target", None)
    if type(value).__name__ == "Fixture" and isinstance(target, str):
        return {"f": target}
    raise WireError(f"not plain data: {type(value).__name__}")


def _check_npy_header(payload: bytes) -> None:
    """Refuse an .npy payload whose header promises more data than it holds (before allocating)."""
    import numpy as np
    from numpy.lib import format as npy

    stream = io.BytesIO(payload)
    version = npy.read_magic(stream)
    shape, _, dtype = (npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0)(stream)
    if dtype.hasobject or not all(type(n) is int and n >= 0 for n in shape):
        raise WireError("an array header that is not plain numbers")
    if int(np.prod(shape, dtype=object)) * dtype.itemsize > len(payload):
        raise WireError("an array header larger than its data")


def decode(obj, depth: int = 0, fixture=None):
    """The inverse of :func:`encode`; ``fixture(target)`` turns ``{"f": target}`` into a value."""
    import numpy as np

    if depth > MAX_DEPTH:
        raise WireError("tuples nested too deeply")
    if obj is None or type(obj) in (bool, int, float):
        return obj
    if type(obj) is str:
        if len(obj) > MAX_STR:
            raise WireError(f"a string of {len(obj)} characters (at most {MAX_STR})")
        return obj
    if type(obj) is dict and len(obj) == 1:
        if type(obj.get("t")) is list:
            return tuple(decode(v, depth + 1, fixture) for v in obj["t"])
        if type(obj.get("l")) is list:
            from course_lib.grading.exercises.model import PlainList

            return PlainList(decode(v, depth + 1, fixture) for v in obj["l"])
        if type(obj.get("f")) is str and fixture is not None:
            return fixture(obj["f"])
        if type(obj.get("a")) is str:
            try:
                payload = base64.b64decode(obj["a"], validate=True)
                _check_npy_header(payload)
                array = np.load(io.BytesIO(payload), allow_pickle=False)
            except WireError:
                raise
            except Exception as exc:  # any malformed payload is the sender's fault, reported as such
                raise WireError(f"an unreadable array ({type(exc).__name__})") from None
            if type(array) is not np.ndarray or not _real_numeric(array.dtype):
                raise WireError(f"an array of dtype {getattr(array, 'dtype', '?')} (expected real numbers)")
            return array
    raise WireError(f"not plain data: {str(obj)[:60]}")


# --- frames -------------------------------------------------------------------------------

def pack(message: dict) -> bytes:
    """One frame: the header and the JSON text of ``message``."""
    data = json.dumps(message).encode("utf-8")
    return HEADER.pack(len(data)) + data


def write_frame(fd: int, message: dict) -> None:
    """Write one frame to a blocking file descriptor."""
    view = memoryview(pack(message))
    while view:
        view = view[os.write(fd, view):]


def take_frame(buffer: bytearray, limit: int = MAX_FRAME):
    """Remove and return the first complete frame of ``buffer`` (parsed), or None if incomplete."""
    if len(buffer) < HEADER.size:
        return None
    (length,) = HEADER.unpack_from(buffer)
    if length > limit:
        raise WireError(f"a frame of {length} bytes (at most {limit})")
    if len(buffer) < HEADER.size + length:
        return None
    raw = bytes(buffer[HEADER.size:HEADER.size + length])
    del buffer[:HEADER.size + length]
    try:
        message = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise WireError("a frame that is not JSON") from None
    if type(message) is not dict:
        raise WireError("a frame that is not a JSON object")
    return message


def read_frame(fd: int, buffer: bytearray, limit: int = MAX_FRAME):
    """Block until one whole frame is read from ``fd``; None at end of file."""
    while True:
        frame = take_frame(buffer, limit)
        if frame is not None:
            return frame
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return None
        buffer.extend(chunk)
