"""Input validation at course_lib's public boundary (one place, scikit-learn style).

Every public function calls these helpers on what a student passes in, so that a
mistake surfaces as one clear ``ValueError`` naming the argument, what was expected
and what came instead, instead of silent broadcasting or a NaN three cells later.
Internal helpers trust their inputs.
"""

from __future__ import annotations

import numbers

import numpy as np


def _describe(x) -> str:
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    return f"{type(x).__name__} {x!r}" if np.ndim(x) == 0 else f"{type(x).__name__} of length {len(x)}"


def as_float_array(x, name: str, *, ndim: int | tuple[int, ...] | None = None,
                   shape: tuple | None = None, allow_empty: bool = False) -> np.ndarray:
    """Return ``x`` as a finite float64 array, or raise a ``ValueError`` that says why not.

    Parameters
    ----------
    x : array_like
        The value to check.
    name : str
        The argument's name, used in the error message.
    ndim : int or tuple of int, optional
        Accepted numbers of dimensions.
    shape : tuple, optional
        Expected shape; ``None`` entries match any length.
    allow_empty : bool
        Whether an array with zero elements is accepted.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise ValueError(f"{name}: expected a numeric array, got {_describe(x)}")
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{name}: expected a numeric array, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name}: expected real numbers, got dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name}: expected a {want} array, got shape {arr.shape}")
    if shape is not None:
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            raise ValueError(f"{name}: expected shape {want}, got shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name}: expected at least one element, got shape {arr.shape}")
    arr = arr.astype(np.float64, copy=False)
    if not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.isfinite(arr).sum())
        raise ValueError(f"{name}: expected finite values, got {bad} NaN or inf entries")
    return arr


def as_labels(y, name: str, *, n: int, num_classes: int) -> np.ndarray:
    """Return ``y`` as an (n,) int64 array of class indices in [0, num_classes)."""
    arr = np.asarray(y)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name}: expected integer class labels, got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"{name}: expected shape ({n},) (one label per example), got shape {arr.shape}")
    if n and (arr.min() < 0 or arr.max() >= num_classes):
        raise ValueError(
            f"{name}: expected labels in [0, {num_classes}), got values in [{arr.min()}, {arr.max()}]"
        )
    return arr.astype(np.int64, copy=False)


def as_scores_and_labels(scores, y) -> tuple[np.ndarray, np.ndarray]:
    """Validate an (N, C) score matrix and its (N,) labels together."""
    scores = as_float_array(scores, "scores", ndim=2)
    y = as_labels(y, "y", n=scores.shape[0], num_classes=scores.shape[1])
    return scores, y


def check_number(value, name: str, *, low: float | None = None, high: float | None = None,
                 low_inclusive: bool = True, integer: bool = False):
    """Check a scalar hyperparameter and return it as a Python number."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        want = "an integer" if integer else "a real number"
        raise ValueError(f"{name}: expected {want}, got {_describe(value)}")
    if not np.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ValueError(f"{name}: expected a value {op} {low}, got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{name}: expected a value <= {high}, got {value!r}")
    return int(value) if integer else float(value)


def check_choice(value, name: str, choices) -> str:
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name}: expected one of {sorted(choices)}, got {value!r}")
    return value
