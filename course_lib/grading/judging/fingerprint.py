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

from course_lib.grading.exercises.plain import PlainList, describe

SIGNIFICANT = 4  # significant digits kept of each number before hashing
SNAP = 10  # digits a number is rounded to first (rounding error never reaches them)
DIGEST_CHARS = 12  # hex characters kept of the digest
SHOWN_CHARS = 90  # at most this many characters of a public output's summary


def _number_text(x: float) -> str:
    """A number rounded to SIGNIFICANT digits, -0 as 0, NaN and infinities by name.

    It is first rounded to :data:`SNAP` digits, so that a value on a rounding midpoint (0.12345, as hand-made
    cases give) and the same value off by a last bit (another order of operations) round alike.
    """
    if x != x:
        return "nan"
    text = f"{float(f'{x:.{SNAP}g}'):.{SIGNIFICANT}g}"
    return "0" if text in ("-0", "0") else text


def _canonical(value) -> str:
    """One text per behaviour: the structure written out, each number rounded (:func:`_number_text`)."""
    if value is None or isinstance(value, (bool, str)):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, (int, float)):
        return f"n:{_number_text(float(value))}"
    if isinstance(value, np.ndarray):
        kind = "b" if value.dtype == bool else "n"
        numbers = value.astype(float).ravel().tolist() if value.dtype != bool else value.ravel().tolist()
        body = ",".join(str(v) if kind == "b" else _number_text(v) for v in numbers)
        return f"a{kind}{value.shape}:[{body}]"
    if isinstance(value, dict):
        return "d{" + ",".join(f"{key!r}:{_canonical(value[key])}" for key in sorted(value)) + "}"
    if isinstance(value, tuple):
        kind = "l" if isinstance(value, PlainList) else "t"
        return f"{kind}(" + ",".join(_canonical(v) for v in value) + ")"
    return f"?{type(value).__name__}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_CHARS]


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
    return _digest(f"outcome:{outcome}:{detail}")


def shown(value) -> str:
    """A short summary of a public case's output for the instructor's report (one line, no code)."""
    text = " ".join(describe(value).split())
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 3] + "..."
