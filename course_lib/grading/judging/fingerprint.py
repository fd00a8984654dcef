"""A wrong output's behaviour fingerprint: which answers fail the same way, without keeping what they returned.

The judge stores, for every case an answer fails, a short fingerprint of what it returned
(:func:`fingerprint`): a digest of the output's structure (tuple, list, dict keys, array shapes and
kinds) and of its numbers rounded to :data:`SIGNIFICANT` significant digits, so that two answers that
compute the same wrong thing (in a different order, with different rounding error) get the same
fingerprint. A case that returned nothing comparable (it raised, returned something that is not plain
data) is fingerprinted by what happened instead (:func:`outcome_fingerprint`). The digest is one-way
and covers only the student's own output: it reveals neither the expected value nor a hidden input.

The class report groups the failing answers that no known mistake explains by their fingerprints on
every case (:mod:`course_lib.grading.reports.class_summary`), and ``draft-mistake`` checks a drafted
mistake against a group with the same function.
"""

from __future__ import annotations

import hashlib

import numpy as np

from course_lib.grading.exercises.plain import PlainList

SIGNIFICANT = 4  # significant digits kept of each number before hashing
SNAP = 10  # digits a number is rounded to first (rounding error never reaches them)
DIGEST_CHARS = 12  # hex characters kept of the digest
SHOWN_CHARS = 90  # at most this many characters of a public output's summary


def _rounded(values: np.ndarray) -> np.ndarray:
    """Float64 ``values`` rounded to :data:`SNAP`, then :data:`SIGNIFICANT` significant digits; -0 as 0.

    Rounding to :data:`SNAP` digits first makes a value on a rounding midpoint (0.12345, as hand-made cases
    give) and the same value off by a last bit (another order of operations) round alike.
    """
    out = np.array(values, dtype=float)
    for digits in (SNAP, SIGNIFICANT):
        with np.errstate(all="ignore"):
            finite = np.isfinite(out) & (out != 0)
            step = 10.0 ** (np.floor(np.log10(np.abs(np.where(finite, out, 1.0)))) - digits + 1)
            snapped = np.round(out / step) * step
        out = np.where(finite & np.isfinite(snapped), snapped, out)
    out[out == 0] = 0.0
    return out


def _canonical(value) -> bytes:
    """One byte string per behaviour: the structure written out, each number rounded (:func:`_rounded`)."""
    if value is None or isinstance(value, (bool, str)):
        return f"{type(value).__name__}:{value!r}".encode("utf-8")
    if isinstance(value, (int, float)):
        return b"n:" + _rounded(np.array([value])).tobytes()
    if isinstance(value, np.ndarray):
        if value.dtype == bool:
            return f"ab{value.shape}:".encode() + np.packbits(value.ravel()).tobytes()
        return f"an{value.shape}:".encode() + _rounded(value.ravel()).tobytes()
    if isinstance(value, dict):
        return b"d{" + b",".join(repr(key).encode("utf-8") + b":" + _canonical(value[key]) for key in sorted(value)) \
            + b"}"
    if isinstance(value, tuple):
        kind = b"l" if isinstance(value, PlainList) else b"t"
        return kind + b"(" + b",".join(_canonical(v) for v in value) + b")"
    return f"?{type(value).__name__}".encode("utf-8")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]


def fingerprint(value) -> str:
    """The fingerprint of a plain output (:mod:`course_lib.grading.exercises.plain`).

    Parameters
    ----------
    value : plain data
        What the answer returned on one case.

    Returns
    -------
    str
        :data:`DIGEST_CHARS` hex characters; equal for outputs equal to :data:`SIGNIFICANT` digits.
    """
    return _digest(_canonical(value))


def outcome_fingerprint(outcome: str, detail: str = "") -> str:
    """The fingerprint of a case that returned no comparable output: what happened (``"raised
    IndexError"``), prefixed so that it never equals an output's."""
    return _digest(f"outcome:{outcome}:{detail}".encode("utf-8"))


def _short(value, depth: int = 0) -> str:
    """A cheap one-line summary: numbers to 4 digits, an array by its shape and first entries."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, np.ndarray):
        head = ", ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in value.ravel()[:4].tolist())
        return (f"[{head}] shape {value.shape}" if value.size <= 4 else
                f"array of shape {value.shape}, starting [{head}, ...]")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key!r}: {_short(v, depth + 1)}" for key, v in list(value.items())[:3]) + \
            (", ...}" if len(value) > 3 else "}")
    if isinstance(value, tuple) and depth < 2:
        body = ", ".join(_short(v, depth + 1) for v in value[:3]) + (", ..." if len(value) > 3 else "")
        return f"[{body}]" if isinstance(value, PlainList) else f"({body})"
    return repr(value) if not isinstance(value, tuple) else f"a {len(value)}-tuple"


def shown(value) -> str:
    """A short summary of a public case's output for the instructor's report (one line, no code)."""
    text = " ".join(_short(value).split())
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 3] + "..."
