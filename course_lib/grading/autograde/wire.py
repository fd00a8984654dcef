"""Frames: how the grader and its sandboxed worker exchange messages over a pipe.

A *frame* is an 8-byte big-endian length and one JSON object (whose plain-data values are encoded by
:func:`course_lib.grading.exercises.plain.encode`). Reading is strict: anything unexpected raises
:class:`WireError`.
"""

from __future__ import annotations

import json
import os
import struct

MAX_FRAME = 64 * 1024 * 1024  # bytes; a bigger frame is a protocol error
HEADER = struct.Struct(">Q")


class WireError(ValueError):
    """A frame that is not valid: too long, not JSON, not a JSON object."""


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
