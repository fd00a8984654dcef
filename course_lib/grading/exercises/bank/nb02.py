"""Exercises of ``02_loss_functions``: the dataset loss and the squared error.

- ``dataset_loss``: ``L = 1/N sum_i L_i(f_i, y_i)`` for a given per-example loss;
- ``squared_error``: ``1/N sum_i sum_k (p_ik - t_ik)^2`` and its gradient.

Predictions and targets are (N,) or (N, K) arrays: examples in rows.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Fixture
from course_lib.losses import l2_loss

FIXTURES = "course_lib.grading.exercises.fixtures"  # the per-example losses passed to dataset_loss


def _random_pair(shape, seed, scale=2.0):
    """Predictions and targets of the same ``shape``, with no two entries equal."""
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal(shape), scale * rng.standard_normal(shape)


def _random_scores(n, c, seed):
    """Random (n, c) class scores and (n,) labels."""
    rng = np.random.default_rng(seed)
    return 2.0 * rng.standard_normal((n, c)), rng.integers(0, c, size=n)


def dataset_loss_reference(per_example_loss, outputs, targets):
    """Mean of ``per_example_loss(outputs[i], targets[i])`` over the N rows."""
    losses = [per_example_loss(o, t) for o, t in zip(outputs, targets)]
    return float(np.mean(losses))


def _dataset_sum(per_example_loss, outputs, targets):
    return dataset_loss_reference(per_example_loss, outputs, targets) * len(outputs)


def _dataset_n_minus_1(per_example_loss, outputs, targets):
    return _dataset_sum(per_example_loss, outputs, targets) / (len(outputs) - 1)


def _dataset_max(per_example_loss, outputs, targets):
    return float(max(per_example_loss(o, t) for o, t in zip(outputs, targets)))


def _dataset_first_only(per_example_loss, outputs, targets):
    return float(per_example_loss(outputs[0], targets[0]))


def _dataset_last_skipped(per_example_loss, outputs, targets):
    n = len(outputs)
    return float(sum(per_example_loss(outputs[i], targets[i]) for i in range(n - 1)) / n)


_LECTURE_SCORES = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
_LECTURE_Y = np.array([0, 1, 2])

# --- squared and absolute error: classic mistakes ---------------------------------------------


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

EXERCISES = (
    Exercise(
        id="dataset_loss",
        title="The loss over a dataset is the average of per-example losses",
        notebook="02_loss_functions",
        answer="dataset_loss",
        points=1,
        reference=dataset_loss_reference,
        public=(
            Case((Fixture(f"{FIXTURES}:one_squared_hinge"), _LECTURE_SCORES, _LECTURE_Y),
                 "the lecture's cat/car/frog example with the squared hinge loss (30.55)"),
            Case((Fixture(f"{FIXTURES}:one_squared_error"), np.array([1.0, 2.0, 4.0, 0.5]),
                  np.array([1.5, 2.0, 1.0, 0.0])), "squared error of 4 numbers"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case((Fixture(f"{FIXTURES}:one_misclassified"), _LECTURE_SCORES, _LECTURE_Y),
                 "0-1 loss on the lecture's example"),
            Case((Fixture(f"{FIXTURES}:one_squared_error"), *_random_pair((6, 3), seed=21)),
                 "squared error, 6 examples with 3 outputs each"),
            Case((Fixture(f"{FIXTURES}:one_squared_hinge"), np.array([[0.5, -1.0, 2.0, 0.1]]),
                  np.array([2])), "a single example (N = 1)"),
            Case((Fixture(f"{FIXTURES}:one_squared_hinge"), *_random_scores(9, 4, seed=22)),
                 "squared hinge loss, 9 random examples"),
            ### END HIDDEN TESTS
        ),
        mistakes=(
            Mistake("sum_not_mean", "You summed the per-example losses: the dataset loss is their average.",
                    _dataset_sum),
            Mistake("divided_by_n_minus_1", "Divide by N, the number of examples, not N - 1.", _dataset_n_minus_1),
            Mistake("max_not_mean", "You took the worst example: the dataset loss averages all of them.",
                    _dataset_max),
            Mistake("first_example_only", "That is the first example's loss alone: average over all N examples.",
                    _dataset_first_only),
            Mistake("last_example_skipped", "The last example is missing from the sum (check the loop's range: "
                                            "it must visit all N examples).", _dataset_last_skipped),
        ),
        output_names=("loss",),
    ),
    Exercise(
        id="squared_error",
        title="Squared error (L2) and its gradient",
        notebook="02_loss_functions",
        answer="squared_error_loss",
        points=2,
        reference=l2_loss,
        public=(
            Case((np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 4.0])), "three numbers (loss 5/3)"),
            Case(_random_pair((5, 2), seed=10), "5 examples with 2 outputs each"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case(_random_pair((1,), seed=11), "a single example"),
            Case(_random_pair((12, 4), seed=12, scale=50.0), "large errors, 12 examples with 4 outputs"),
            Case((np.array([0.0, 1.0, -2.0, 100.0]), np.array([0.0, 1.0, -2.0, 0.0])),
                 "exact predictions and one outlier"),
            Case(_random_pair((30,), seed=13, scale=0.1), "30 small errors"),
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
)
