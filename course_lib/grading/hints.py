"""Hints: what a wrong output suggests about the mistake behind it.

Two layers, both reading plain data only: the exercise's own
:class:`~course_lib.grading.spec.Mistake` s (a known wrong implementation whose output
matches the answer's), then generic signatures of the difference between the expected and
the actual output (see :func:`generic_hint`). Used by the one judge
(:mod:`course_lib.grading.judge`), so that ``check`` and the grader give the same hint.
"""

from __future__ import annotations

import math

import numpy as np

from . import spec

_RTOL = 1e-6  # tolerance for recognising a signature (relative, on top of the exercise's)


def _first_array(args: tuple):
    for a in args:
        if isinstance(a, np.ndarray) and a.ndim >= 1:
            return a
    return None


def _failing_part(exercise: spec.Exercise, expected, actual):
    """The first (name, expected, actual) part of a tuple output that differs, else the whole."""
    names = exercise.output_names
    if isinstance(expected, tuple) and isinstance(actual, tuple) and len(expected) == len(actual):
        for i, (e, a) in enumerate(zip(expected, actual)):
            if not spec.compare(e, a, rtol=exercise.rtol, atol=exercise.atol).passed:
                return (names[i] if i < len(names) else f"item {i}"), e, a
    return "", expected, actual


def _scale_factor(e: np.ndarray, a: np.ndarray):
    """r with a == r * e (within tolerance), or None; needs some entry of e clearly nonzero."""
    if e.shape != a.shape or not np.isfinite(a).all() or not np.isfinite(e).all():
        return None
    scale = float(np.abs(e).max()) if e.size else 0.0
    if scale < 1e-9:
        return None
    r = float(np.dot(a.ravel(), e.ravel()) / np.dot(e.ravel(), e.ravel()))
    if not np.allclose(a, r * e, rtol=_RTOL, atol=1e-9 * scale):
        return None
    return r


def _near(r: float, target: float) -> bool:
    return math.isclose(r, target, rel_tol=1e-5)


def generic_hint(exercise: spec.Exercise, case: spec.Case, expected, actual) -> str:
    """A hint from the shape of the difference between ``expected`` and ``actual``, or ''.

    Signatures, in order: ``None`` (no ``return``), a tuple of the wrong length, a shape
    mismatch (an (N,) vs (N, 1) one would broadcast silently), NaN/inf where numbers were
    expected (overflow in ``exp``), ``actual = -expected`` (sign), ``actual = expected + 1``
    (the hinge's j = y_i term), then ``actual = r * expected`` with
    N or 1/N (division by N), 1/ln 10 or 1/ln 2 (log base), 1/C or 1/(C-1) (averaged over
    classes), C or C-1.
    """
    if actual is None:
        return "your function returned None: did you forget the `return` statement?"
    if isinstance(expected, tuple) and (not isinstance(actual, tuple) or len(actual) != len(expected)):
        names = ", ".join(exercise.output_names) if exercise.output_names else f"{len(expected)} values"
        return f"return a tuple of {len(expected)} values ({names}), e.g. `return loss, grad`."
    part, e, a = _failing_part(exercise, expected, actual)
    if a is None:
        return f"{part or 'a part of your result'} is None: did you forget to compute or return it?"
    if isinstance(e, (str, tuple)) or isinstance(a, (str, tuple)):
        return ""
    e, a = np.asarray(e, dtype=float), np.asarray(a, dtype=float)
    what = f"`{part}`" if part else "your result"
    if e.shape != a.shape:
        squeezed = tuple(d for d in a.shape if d != 1) == tuple(d for d in e.shape if d != 1)
        if squeezed and e.size > 1:
            return (f"{what} has shape {a.shape} but should have shape {e.shape}. Such arrays broadcast "
                    f"silently (an (N,) array minus an (N, 1) one gives (N, N)): use .reshape or [:, None] "
                    f"deliberately, or keepdims=True only where you need it.")
        if a.ndim == 2 and a.shape == e.shape[::-1]:
            return (f"{what} has shape {a.shape}, the transpose of {e.shape}: a missing or extra .T? "
                    f"(the gradient of a quantity has the quantity's shape)")
        if e.size == a.size:
            return f"{what} has the right number of entries but shape {a.shape} instead of {e.shape}."
        if a.ndim == 0 and e.ndim > 0:
            return f"{what} is a single number but should have shape {e.shape}: did you sum or average too much?"
        if e.ndim == 0:
            return f"{what} should be a single number, not shape {a.shape}: did you forget to sum or average?"
        return f"{what} has shape {a.shape} but should have shape {e.shape}: check each axis of your indexing."
    if not np.isfinite(a).all() and np.isfinite(e).all():
        return (f"{what} contains NaN or inf. np.exp overflows for scores above ~709: subtract each row's "
                f"maximum score before exponentiating (it leaves softmax unchanged).")
    r = _scale_factor(e, a)
    if r is not None and _near(r, -1.0):
        return f"{what} has the right size but the wrong sign: check the direction of each term (or the minus)."
    if e.size and np.allclose(a - e, 1.0, rtol=0.0, atol=1e-6 * max(1.0, float(np.abs(e).max()))):
        return (f"{what} is exactly 1 too large: an extra term of 1? (In the hinge loss, the j = y_i term "
                f"adds max(0, s_y - s_y + 1) = 1 per example: the sum skips j = y_i.)")
    if r is None or _near(r, 1.0):
        return ""
    proportional = e.size > 1  # any two numbers are proportional: only arrays show a general factor
    x = _first_array(case.args)
    n = x.shape[0] if x is not None else None
    c = x.shape[1] if x is not None and x.ndim == 2 else None
    if n and n > 1 and _near(r, n):
        return f"{what} is N = {n} times too large: did you forget to divide by the number of examples N?"
    if n and n > 1 and _near(r, 1 / n):
        return f"{what} is N = {n} times too small: did you divide by N twice, or average where you should sum?"
    if _near(r, 1 / math.log(10)):
        return f"{what} is off by a factor ln(10): np.log is the natural log; np.log10 is base 10."
    if _near(r, 1 / math.log(2)) or _near(r, math.log(2)):
        return f"{what} is off by a factor ln(2): np.log is the natural log; np.log2 is base 2."
    if c and c > 1 and (_near(r, 1 / c) or (c > 2 and _near(r, 1 / (c - 1)))):
        return f"{what} is too small by the number of classes: did you average over classes instead of summing?"
    if c and c > 1 and (_near(r, c) or (c > 2 and _near(r, c - 1))):
        return f"{what} is too large by the number of classes: did you sum where you should average?"
    if proportional:
        return f"{what} is {r:.4g} times the expected value: a constant factor is off."
    return ""


def hint_for(exercise: spec.Exercise, case: spec.Case, expected, actual) -> str:
    """The exercise's own hint if a known mistake matches, else a generic one, else ''."""
    mistake = spec.diagnose(exercise, case, actual)
    if mistake is not None:
        return mistake.hint
    try:
        return generic_hint(exercise, case, expected, actual)
    except Exception:  # a hint must never break the report
        return ""


