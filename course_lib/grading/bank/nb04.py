"""Exercises of ``04_regularization``: three weight penalties and their gradients.

- ``l2_reg``: ``R(W) = sum_kl W_kl^2`` and ``dR/dW = 2 W``;
- ``l1_reg``: ``R(W) = sum_kl |W_kl|`` and ``dR/dW = sign(W)`` (with ``sign(0) = 0``);
- ``elastic_net_reg``: ``R(W) = sum_kl beta W_kl^2 + |W_kl|`` and its gradient.

Each answer takes a weight array ``W`` of any shape (the lecture's (C, D) matrix, or one
weight vector) and returns ``(penalty, dW)``, ``dW`` having the shape of ``W``. The
strength lambda is not part of R: the caller multiplies it in once.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.spec import Case, Exercise, Mistake
from course_lib.regularization import elastic_net_penalty, l1_penalty, l2_penalty

# The lecture's preference example: same score w^T x = 1 for x = [1, 1, 1, 1].
W1 = np.array([1.0, 0.0, 0.0, 0.0])
W2 = np.array([0.25, 0.25, 0.25, 0.25])

FORBIDDEN = ("l2_penalty", "l1_penalty", "elastic_net_penalty", "penalty")


def _random_weights(seed, *shape, scale=1.0):
    """Non-degenerate weights of ``shape`` (both signs, no zeros), fixed by ``seed``."""
    return scale * np.random.default_rng(seed).standard_normal(shape)


def _with_zeros(seed, *shape):
    """Random weights with about a third of the entries exactly 0 (sign(0) matters for L1)."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal(shape)
    W[rng.random(shape) < 1 / 3] = 0.0
    return W


def _as_array(W):
    return np.asarray(W, dtype=float)


# --- L2 ----------------------------------------------------------------------------------

def _l2_no_factor_two(W):
    W = _as_array(W)
    return float((W**2).sum()), W.copy()


def _l2_half(W):
    W = _as_array(W)
    return float(0.5 * (W**2).sum()), W.copy()


def _l2_norm(W):
    W = _as_array(W)
    norm = float(np.sqrt((W**2).sum()))
    return norm, W / norm if norm > 0 else np.zeros_like(W)


def _l2_mean(W):
    penalty, dW = l2_penalty(W)
    return penalty / np.size(W), dW / np.size(W)


def _l2_grad_sign(W):
    penalty, dW = l2_penalty(W)
    return penalty, -dW


L2_MISTAKES = (
    Mistake("gradient_missing_factor_two",
            "The penalty is right but the gradient is half of it: the derivative of W^2 is 2W.",
            _l2_no_factor_two),
    Mistake("half_squared_norm",
            "You used 0.5 * sum(W^2) (a common textbook convention); the lecture's R(W) has no 1/2, "
            "so R = sum(W^2) and dR/dW = 2W.",
            _l2_half),
    Mistake("norm_not_squared",
            "You computed the length ||W|| = sqrt(sum W^2); the L2 penalty is its square, sum(W^2).",
            _l2_norm),
    Mistake("mean_instead_of_sum",
            "You divided by the number of weights: R(W) sums over every entry, it does not average.",
            _l2_mean),
    Mistake("gradient_sign",
            "The gradient has the wrong sign: dR/dW = +2W points away from zero (the penalty grows there).",
            _l2_grad_sign),
)


# --- L1 ----------------------------------------------------------------------------------

def _l1_no_abs(W):
    W = _as_array(W)
    return float(W.sum()), np.ones_like(W)


def _l1_sign_zero_is_one(W):
    W = _as_array(W)
    return float(np.abs(W).sum()), np.where(W >= 0, 1.0, -1.0)


def _l1_grad_abs(W):
    W = _as_array(W)
    return float(np.abs(W).sum()), np.abs(W)


def _l1_mean(W):
    penalty, dW = l1_penalty(W)
    return penalty / np.size(W), dW / np.size(W)


def _l1_grad_sign(W):
    penalty, dW = l1_penalty(W)
    return penalty, -dW


L1_MISTAKES = (
    Mistake("sign_of_zero",
            "At W = 0 the gradient should be 0 (np.sign(0) is 0), not +1: a zero weight is not pushed either way.",
            _l1_sign_zero_is_one),
    Mistake("no_absolute_value",
            "You summed the weights themselves: negative weights cancel positive ones. Use |W|.",
            _l1_no_abs),
    Mistake("gradient_is_abs",
            "The gradient of |w| is sign(w) (+1, -1 or 0), not |w|.",
            _l1_grad_abs),
    Mistake("mean_instead_of_sum",
            "You divided by the number of weights: R(W) sums over every entry, it does not average.",
            _l1_mean),
    Mistake("gradient_sign",
            "The gradient has the wrong sign: dR/dw = +1 for a positive weight, -1 for a negative one.",
            _l1_grad_sign),
)


# --- elastic net -------------------------------------------------------------------------

def _en_beta_on_l1(W, beta):
    W = _as_array(W)
    return float((W**2).sum() + beta * np.abs(W).sum()), 2.0 * W + beta * np.sign(W)


def _en_gradient_missing_two(W, beta):
    penalty, _ = elastic_net_penalty(W, beta)
    W = _as_array(W)
    return penalty, beta * W + np.sign(W)


def _en_l2_only(W, beta):
    W = _as_array(W)
    return float(beta * (W**2).sum()), 2.0 * beta * W


def _en_l1_gradient_missing(W, beta):
    penalty, _ = elastic_net_penalty(W, beta)
    return penalty, 2.0 * beta * _as_array(W)


def _en_mixture(W, beta):
    W = _as_array(W)
    return (float(beta * (W**2).sum() + (1 - beta) * np.abs(W).sum()),
            2.0 * beta * W + (1 - beta) * np.sign(W))


EN_MISTAKES = (
    Mistake("beta_on_wrong_term",
            "beta multiplies the squared term in the lecture's form: R = sum(beta * W^2 + |W|).",
            _en_beta_on_l1),
    Mistake("gradient_missing_factor_two",
            "The derivative of beta * W^2 is 2 * beta * W: the factor 2 is missing.",
            _en_gradient_missing_two),
    Mistake("l1_part_missing",
            "The |W| part is missing: elastic net adds both penalties, sum(beta * W^2 + |W|).",
            _en_l2_only),
    Mistake("l1_gradient_missing",
            "The penalty is right but the gradient lacks sign(W), the derivative of the |W| part.",
            _en_l1_gradient_missing),
    Mistake("convex_mixture",
            "You used beta * L2 + (1 - beta) * L1 (scikit-learn's mixing form); the lecture's form is "
            "sum(beta * W^2 + |W|), with no (1 - beta).",
            _en_mixture),
)


EXERCISES = (
    Exercise(
        id="l2_reg",
        title="The L2 penalty and its gradient",
        notebook="04_regularization",
        answer="l2_regularization",
        points=1,
        reference=l2_penalty,
        public=(
            Case((W1,), "w1 = [1, 0, 0, 0] from the lecture (R = 1)"),
            Case((W2,), "w2 = [0.25, 0.25, 0.25, 0.25] from the lecture (R = 0.25)"),
            Case((_random_weights(40, 3, 5),), "a random 3 x 5 weight matrix"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case((np.zeros((2, 3)),), "all weights zero"),
            Case((np.array([[-2.5]]),), "a single negative weight"),
            Case((_random_weights(41, 10, 65, scale=1e-3),), "small weights, digits-sized 10 x 65"),
            Case((_random_weights(42, 4, 7, scale=30.0),), "large weights"),
            Case((_with_zeros(43, 6, 2),), "weights with exact zeros"),
            ### END HIDDEN TESTS
        ),
        mistakes=L2_MISTAKES,
        output_names=("penalty", "dW"),
        forbidden=FORBIDDEN,
    ),
    Exercise(
        id="l1_reg",
        title="The L1 penalty and its gradient",
        notebook="04_regularization",
        answer="l1_regularization",
        points=1,
        reference=l1_penalty,
        public=(
            Case((W1,), "w1 = [1, 0, 0, 0] from the lecture (R = 1)"),
            Case((W2,), "w2 = [0.25, 0.25, 0.25, 0.25] from the lecture (R = 1)"),
            Case((_random_weights(50, 3, 5),), "a random 3 x 5 weight matrix"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case((np.zeros((3, 2)),), "all weights zero (gradient 0)"),
            Case((_with_zeros(51, 5, 4),), "weights with exact zeros"),
            Case((np.array([[-0.75]]),), "a single negative weight"),
            Case((_random_weights(52, 10, 65, scale=1e-3),), "small weights, digits-sized 10 x 65"),
            Case((_random_weights(53, 2, 9, scale=50.0),), "large weights"),
            ### END HIDDEN TESTS
        ),
        mistakes=L1_MISTAKES,
        output_names=("penalty", "dW"),
        forbidden=FORBIDDEN,
    ),
    Exercise(
        id="elastic_net_reg",
        title="The elastic-net penalty and its gradient",
        notebook="04_regularization",
        answer="elastic_net_regularization",
        points=1,
        reference=elastic_net_penalty,
        public=(
            Case((W2, 0.5), "w2 from the lecture, beta = 0.5"),
            Case((_random_weights(60, 3, 5), 0.5), "a random 3 x 5 matrix, beta = 0.5"),
            Case((_random_weights(61, 4, 3), 2.0), "a random 4 x 3 matrix, beta = 2"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case((_with_zeros(62, 5, 5), 0.3), "weights with exact zeros, beta = 0.3"),
            Case((_random_weights(63, 3, 4), 0.0), "beta = 0 (pure L1)"),
            Case((np.array([[-1.5, 0.0, 2.0]]), 1.0), "one row, beta = 1"),
            Case((_random_weights(64, 10, 65, scale=1e-2), 5.0), "small weights, beta = 5"),
            Case((_random_weights(65, 2, 6, scale=20.0), 0.1), "large weights, beta = 0.1"),
            ### END HIDDEN TESTS
        ),
        mistakes=EN_MISTAKES,
        output_names=("penalty", "dW"),
        forbidden=FORBIDDEN,
    ),
)
