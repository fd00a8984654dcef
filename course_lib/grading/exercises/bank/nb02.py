"""Exercises of ``02_loss_functions``: the squared error, and the best constant prediction.

- ``squared_error``: ``1/N sum_i sum_k (p_ik - t_ik)^2`` and its gradient with respect to the predictions;
- ``best_constant``: the constant c that minimises the mean squared or the mean absolute error of
  predicting c for every target, derived exactly (for the absolute error, the interval of minimisers).

Predictions and targets are (N,) or (N, K) arrays: examples in rows.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.losses import l2_loss


def _random_pair(shape, seed, scale=2.0):
    """Predictions and targets of the same ``shape``, with no two entries equal."""
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal(shape), scale * rng.standard_normal(shape)


# --- squared error: classic mistakes -----------------------------------------------------------


def _examples(pred):
    return np.shape(pred)[0]


def _l2_mean_all(pred, target):
    loss, grad = l2_loss(pred, target)
    k = np.size(pred) // _examples(pred)
    return loss / k, grad / k


def _l2_no_two(pred, target):
    loss, grad = l2_loss(pred, target)
    return loss, grad / 2.0


def _l2_sign(pred, target):
    loss, grad = l2_loss(pred, target)
    return loss, -grad


def _l2_not_averaged(pred, target):
    loss, grad = l2_loss(pred, target)
    n = _examples(pred)
    return loss * n, grad * n


def _l2_grad_not_averaged(pred, target):
    loss, grad = l2_loss(pred, target)
    return loss, grad * _examples(pred)


def _l2_root(pred, target):
    loss, grad = l2_loss(pred, target)
    return float(np.sqrt(loss)), grad


_SHARED_HINTS = {
    "mean_all": "You divided by N*K (np.mean over every entry): sum over the K outputs, average over the N examples.",
    "sign": "The gradient has the wrong sign: it is taken with respect to pred, so it grows when pred is too large.",
    "not_averaged": "Loss and gradient are N times too large: average over the N examples (rows).",
    "grad_not_averaged": "The loss is right but the gradient is N times too large: divide it by N as well.",
}


# --- best constant: reference and classic mistakes -------------------------------------------------

KINDS = ("squared", "absolute")


def best_constant_reference(targets, kind):
    """The mean (``"squared"``), or the (low, high) ends of the middle of the sorted targets (``"absolute"``)."""
    ordered = np.sort(np.asarray(targets, dtype=float))
    if kind == "squared":
        return float(ordered.mean())
    if kind == "absolute":
        n = len(ordered)
        return float(ordered[(n - 1) // 2]), float(ordered[n // 2])
    raise ValueError(f"kind: expected one of {KINDS}, got {kind!r}")


def _absolute_only(mistake):
    """A mistake in the absolute error's answer; the squared error's answer is right."""
    def answer(targets, kind):
        if kind == "squared":
            return best_constant_reference(targets, kind)
        return mistake(np.asarray(targets, dtype=float))
    answer.__name__ = mistake.__name__
    return answer


@_absolute_only
def _median_for_even(t):
    middle = float(np.median(t))
    return middle, middle


@_absolute_only
def _unsorted_middle(t):
    n = len(t)
    return float(t[(n - 1) // 2]), float(t[n // 2])


@_absolute_only
def _upper_pair_for_even(t):
    t, n = np.sort(t), len(t)
    return (float(t[n // 2]), float(t[min(n // 2 + 1, n - 1)])) if n % 2 == 0 else (float(t[n // 2]),) * 2


@_absolute_only
def _pair_for_odd(t):
    t, n = np.sort(t), len(t)
    return float(t[max(n // 2 - 1, 0)]), float(t[n // 2])


def _kinds_swapped(targets, kind):
    if kind == "squared":
        return float(np.median(targets))
    mean = float(np.mean(targets))
    return mean, mean


_rng = np.random.default_rng(2)


EXERCISES = (
    Exercise(
        id="squared_error",
        title="Squared error and its gradient",
        notebook="02_loss_functions",
        answer="squared_error_loss",
        points=1,
        reference=l2_loss,
        public=(
            Case((np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 4.0])), "three numbers (loss 5/3)"),
            Case(_random_pair((5, 3), seed=10), "5 examples with 3 outputs each"),  # (K = 2 would make
            # the mean over all N K entries look like a missing factor 2)
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case(_random_pair((1, 3), seed=11), "a single example with 3 outputs"),
            Case((np.array([3, -1, 4, 0]), np.array([1, 1, 4, 2])), "integer predictions and targets"),
            Case(_random_pair((12, 4), seed=12, scale=50.0), "large errors, 12 examples with 4 outputs"),
            Case((np.array([0.0, 1.0, -2.0, 100.0]), np.array([0.0, 1.0, -2.0, 0.0])),
                 "exact predictions and one outlier"),
            ### END HIDDEN TESTS
        ),
        mistakes=(
            Mistake("mean_over_all_entries", _SHARED_HINTS["mean_all"], _l2_mean_all),
            Mistake("gradient_missing_factor_2", "The derivative of e^2 is 2e: your gradient is half of it.",
                    _l2_no_two),
            Mistake("gradient_sign", _SHARED_HINTS["sign"], _l2_sign),
            Mistake("not_averaged", _SHARED_HINTS["not_averaged"], _l2_not_averaged),
            Mistake("gradient_not_averaged", _SHARED_HINTS["grad_not_averaged"], _l2_grad_not_averaged),
            Mistake("root_of_mean", "You took a square root (that is the RMSE): return the mean squared error.",
                    _l2_root),
        ),
        output_names=("loss", "dpred"),
        forbidden=("l2_loss",),
    ),
    Exercise(
        id="best_constant",
        title="The best constant prediction under each loss, derived",
        notebook="02_loss_functions",
        answer="best_constant",
        points=2,
        reference=best_constant_reference,
        public=(
            Case((np.array([1.0, 2.0, 4.0, 0.5, 9.0, 3.5]), "squared"), "six targets, squared error"),
            Case((np.array([100.0, 3.0, 1.0, 4.0, 2.0]), "absolute"), "five targets in no order, absolute error"),
            Case((np.array([7.0, 1.0, 4.0, 12.0, 2.0, 6.0]), "absolute"), "six targets (an even N), absolute error"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case((np.array([2.5]), "absolute"), "a single target, absolute error"),
            Case((np.array([-7.25]), "squared"), "a single target, squared error"),
            Case((np.array([3, 1, 3, 3, 8, 0]), "absolute"), "integer targets with repeated middle values"),
            Case(((_rng.standard_normal(101) * 3.0 + 1.0).round(4), "squared"), "101 targets, squared error"),
            Case(((_rng.standard_normal(50) * 3.0).round(4), "absolute"), "50 targets, absolute error"),
            ### END HIDDEN TESTS
        ),
        mistakes=(
            Mistake("median_for_even",
                    "For an even N, np.median averages the two middle targets, but every c between them gives the "
                    "same mean absolute error: return both ends of that interval, (low, high).",
                    _median_for_even),
            Mistake("unsorted_middle",
                    "The middle entry of the targets as they are given is not their middle value: sort them first.",
                    _unsorted_middle),
            Mistake("kinds_swapped",
                    "Your 'squared' and 'absolute' answers look swapped: set the slope of each mean loss with respect "
                    "to c to zero (or follow its sign) and see which c each one picks.",
                    _kinds_swapped),
            Mistake("upper_pair_for_even",
                    "Off by one: for an even N = 2k, the minimisers run from the k-th to the (k+1)-th smallest "
                    "target, which are 0-based indexes k - 1 and k of the sorted targets.",
                    _upper_pair_for_even),
            Mistake("pair_for_odd",
                    "For an odd N the minimiser is unique, the middle target: low and high are equal.",
                    _pair_for_odd),
        ),
        rtol=1e-9,
        atol=1e-9,
        output_names=("low", "high"),
    ),
)
