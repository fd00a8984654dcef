"""Frames: how the grader and its sandboxed worker exchange messages over a pipe.

A *frame* is an 8-byte big-endian length and one JSON object (whose plain-data values are encoded by
:func:`course_lib.grading.exercises.plain.encode`). Reading is strict: anything unexpected raises
:class:`WireError`.

What reading a frame may cost is bounded before it is parsed: its length (from the header, before its
bytes are read) and, with ``max_values``, the JSON values it can hold, counted in its raw bytes
(:func:`values_bound`). Reading a frame of ``n`` bytes and at most ``v`` values takes at most
``2 n + 128 v`` bytes of Python objects at its peak (its text, and per value at most a small container or a
string whose characters its bytes already count), whatever its nesting (``tests/autograde/test_reply_bounds.py``).
"""

from __future__ import annotations

import json
import os
import struct

MAX_FRAME = 64 * 1024 * 1024  # bytes; a bigger frame is a protocol error
HEADER = struct.Struct(">Q")


class WireError(ValueError):
    """A frame that is not valid: too long, too many values, not JSON, not a JSON object."""


# --- frames -------------------------------------------------------------------------------

def pack(message: dict) -> bytes:
    """One frame: the header and the JSON text of ``message``."""
    data = json.dumps(message).encode("utf-8")
    return HEADER.pack(len(data)) + data


def values_bound(data: bytes) -> int:
    """An upper bound on the JSON values (containers, strings, numbers, literals) in the JSON text ``data``.

    Every value but the outermost is an array's element (an array of ``k`` elements has ``k - 1``
    commas: at most one more element than commas per ``[``) or an object member's key or value (two
    per colon). Commas, brackets and colons inside strings only make the bound larger.
    """
    return 1 + data.count(b",") + data.count(b"[") + 2 * data.count(b":")


def write_frame(fd: int, message: dict) -> None:
    """Write one frame to a blocking file descriptor."""
    write_packed(fd, pack(message))


def write_packed(fd: int, frame: bytes) -> None:
    """Write one packed frame (:func:`pack`) to a blocking file descriptor."""
    view = memoryview(frame)
    while view:
        view = view[os.write(fd, view):]


def take_frame(buffer: bytearray, limit: int = MAX_FRAME, max_values: int | None = None):
    """Remove and return the first complete frame of ``buffer`` (parsed), or None if incomplete.

    A frame longer than ``limit`` bytes (told by its header, before its bytes arrive), or holding more
    than ``max_values`` JSON values (:func:`values_bound`, before it is parsed), raises :class:`WireError`.
    """
    if len(buffer) < HEADER.size:
        return None
    (length,) = HEADER.unpack_from(buffer)
    if length > limit:
        raise WireError(f"a frame of {length:,} bytes (at most {limit:,})")
    if len(buffer) < HEADER.size + length:
        return None
    with memoryview(buffer) as view:
        raw = view[HEADER.size:HEADER.size + length].tobytes()
    del buffer[:HEADER.size + length]
    if max_values is not None:
        values = values_bound(raw)
        if values > max_values:
            raise WireError(f"a frame of up to {values:,} JSON values (at most {max_values:,})")
    try:
        text = raw.decode("utf-8")
        del raw  # (only the text is parsed: the frame's bytes are not held twice while it is)
        message = json.loads(text)
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
