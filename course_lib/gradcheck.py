"""Numerical gradients and the gradient check.

An analytic gradient is fast and exact but easy to get wrong; a numerical one is slow,
approximate and hard to get wrong. Comparing the two on a few coordinates is the
*gradient check*. Centred differences ``(f(x + h) - f(x - h)) / 2h`` have an error of
order ``h^2`` (one-sided differences: order ``h``).

How to read a relative error in float64: above 1e-2 the gradient is almost surely wrong;
below 1e-7 it is right; in between, look closer (a kink of max(0, .) near the point
makes the numerical gradient unreliable).

The centred difference is notebook 08's exercise: its bodies sit between
``### BEGIN REFERENCE numerical_gradient_centred`` / ``### END REFERENCE``, which a graded
release replaces by calls to the student's own answer (see :mod:`course_lib.answers`).
"""

from __future__ import annotations

import numpy as np

from course_lib._validation import as_float_array, check_number


def relative_error(a, b):
    """Largest elementwise relative error ``|a - b| / max(|a| + |b|, 1e-300)``.

    Parameters
    ----------
    a, b : array_like of the same shape
    """
    a = as_float_array(a, "a", allow_empty=True)
    b = as_float_array(b, "b", allow_empty=True)
    if a.shape != b.shape:
        raise ValueError(f"b: expected the shape of a {a.shape}, got shape {b.shape}")
    if a.size == 0:
        return 0.0
    denom = np.maximum(np.abs(a) + np.abs(b), 1e-300)
    return float((np.abs(a - b) / denom).max())


def _check_scalar_output(value):
    value = np.asarray(value, dtype=float)
    if value.shape != ():
        raise ValueError(f"f: expected f(x) to return a scalar, got shape {value.shape}")
    return float(value)


def _centred_difference(f, x, idx, h):
    """``(f(x + h e_idx) - f(x - h e_idx)) / 2h``; ``x`` is perturbed in place and restored."""
    ### BEGIN REFERENCE numerical_gradient_centred -> _along_one_coordinate(answer, f, x, idx, h)
    old = x[idx]
    x[idx] = old + h
    plus = _check_scalar_output(f(x))
    x[idx] = old - h
    minus = _check_scalar_output(f(x))
    x[idx] = old
    return (plus - minus) / (2 * h)
    ### END REFERENCE


def _along_one_coordinate(numerical_grad, f, x, idx, h):
    """The centred difference at ``x[idx]``, by ``numerical_grad`` of ``f`` restricted to that coordinate.

    How a graded release computes :func:`grad_check_sparse` with the student's own numerical
    gradient; ``x`` is restored afterwards.
    """
    saved = float(x[idx])

    def along(t):
        x[idx] = np.asarray(t, dtype=float).reshape(-1)[0]
        return _check_scalar_output(f(x))

    try:
        return float(np.asarray(numerical_grad(along, np.array([saved]), h), dtype=float).reshape(-1)[0])
    finally:
        x[idx] = saved


def numerical_gradient(f, x, h=1e-5):
    """Gradient of a scalar function by centred differences on every coordinate.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``. It is called on a perturbed copy of ``x``; ``x`` is not changed.
    x : array_like, any shape
        The point.
    h : float > 0
        The step.

    Returns
    -------
    grad : ndarray, shape of ``x``
    """
    h = check_number(h, "h", low=0, low_inclusive=False)
    x = as_float_array(x, "x").copy()
    ### BEGIN REFERENCE numerical_gradient_centred
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        grad[idx] = _centred_difference(f, x, idx, h)
    return grad
    ### END REFERENCE


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=0):
    """Compare an analytic gradient with centred differences on random coordinates.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.
    x : array_like, any shape
    analytic_grad : array_like, shape of ``x``
    num_checks : int >= 1
        How many coordinates to check (drawn with replacement).
    h : float > 0
    seed : int
        Seed for ``np.random.default_rng``.

    Returns
    -------
    errors : ndarray, shape (num_checks,)
        Relative error at each checked coordinate.
    """
    num_checks = check_number(num_checks, "num_checks", low=1, integer=True)
    h = check_number(h, "h", low=0, low_inclusive=False)
    x = as_float_array(x, "x").copy()
    analytic_grad = as_float_array(analytic_grad, "analytic_grad")
    if analytic_grad.shape != x.shape:
        raise ValueError(f"analytic_grad: expected the shape of x {x.shape}, got shape {analytic_grad.shape}")
    rng = np.random.default_rng(seed)
    errors = np.empty(num_checks)
    for k in range(num_checks):
        idx = tuple(int(rng.integers(s)) for s in x.shape)
        numeric = _centred_difference(f, x, idx, h)
        errors[k] = relative_error(np.array(numeric), np.array(analytic_grad[idx]))
    return errors
