"""Exercise of ``04_regularization``: the full objective, data loss + lambda R(W), and its gradient.

- ``regularized_objective(W, X, y, data_loss, reg, kind)``: with ``scores = X @ W`` and
  ``(L_data, dscores) = data_loss(scores, y)``, return ``L_data + reg * R(W)`` and
  ``X.T @ dscores + reg * dR/dW``, for ``kind`` ``"l2"`` (``R = sum W^2``, ``dR = 2W``) or
  ``"l1"`` (``R = sum |W|``, ``dR = sign(W)``, ``sign(0) = 0``).

``X`` (N, D) carries the bias trick's column of ones, so the last row of ``W`` (D, C) is the
bias; as in notebooks 07-11, the whole of ``W`` is penalized, bias row included. The data
loss is passed in (in the check: a smoothed hinge and a squared error on one-hot targets,
trusted fixtures that are no exercise's answer; in the notebook: the hinge loss), so the
exercise is about the two things notebook 04 adds: the penalty, and the chain from scores
back to W.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Fixture
from course_lib.linear import add_bias_column

FORBIDDEN = ("l2_penalty", "l1_penalty", "elastic_net_penalty", "penalty", "LinearClassifier")
# the data losses passed in: trusted fixtures that are not themselves exercises (see fixtures.py)
HINGE = Fixture("course_lib.grading.exercises.fixtures:smooth_hinge_loss")
SOFTMAX = Fixture("course_lib.grading.exercises.fixtures:onehot_squared_loss")


def _problem(seed, n, d, c, zeros=False, scale=1.0):
    """X (n, d + 1) with a last column of ones, W (d + 1, c), y (n,); about a third of W exactly 0 with ``zeros``."""
    rng = np.random.default_rng(seed)
    X = add_bias_column(rng.standard_normal((n, d)))
    W = scale * rng.standard_normal((d + 1, c))
    if zeros:
        W[rng.random(W.shape) < 1 / 3] = 0.0
    return X, rng.integers(0, c, size=n), W


def _case(seed, n, d, c, loss, reg, kind, label, **kw):
    X, y, W = _problem(seed, n, d, c, **kw)
    return Case((W, X, y, loss, reg, kind), label)


def _penalty(W, kind):
    if kind == "l2":
        return float(np.sum(W * W)), 2.0 * W
    if kind == "l1":
        return float(np.sum(np.abs(W))), np.sign(W)
    raise ValueError(f"kind: expected 'l2' or 'l1', got {kind!r}")


def regularized_objective_reference(W, X, y, data_loss, reg, kind="l2"):
    """Trusted reference: ``(data loss + reg * R(W), X.T @ dscores + reg * dR)``."""
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    loss, dscores = data_loss(X @ W, y)
    R, dR = _penalty(W, kind)
    return float(loss) + reg * R, X.T @ dscores + reg * dR


# --- classic mistakes, each a complete (wrong) answer --------------------------------------------

def _parts(W, X, y, data_loss, kind):
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    loss, dscores = data_loss(X @ W, y)
    return W, X, float(loss), dscores, *_penalty(W, kind)


def _reg_missing_in_gradient(W, X, y, data_loss, reg, kind="l2"):
    W, X, loss, dscores, R, dR = _parts(W, X, y, data_loss, kind)
    return loss + reg * R, X.T @ dscores


def _reg_missing_in_loss(W, X, y, data_loss, reg, kind="l2"):
    W, X, loss, dscores, R, dR = _parts(W, X, y, data_loss, kind)
    return loss, X.T @ dscores + reg * dR


def _data_gradient_missing(W, X, y, data_loss, reg, kind="l2"):
    W, X, loss, dscores, R, dR = _parts(W, X, y, data_loss, kind)
    return loss + reg * R, reg * dR


def _transposed_chain(W, X, y, data_loss, reg, kind="l2"):
    W, X, loss, dscores, R, dR = _parts(W, X, y, data_loss, kind)
    return loss + reg * R, dscores.T @ X + reg * dR.T


def _penalty_gradient_sign(W, X, y, data_loss, reg, kind="l2"):
    W, X, loss, dscores, R, dR = _parts(W, X, y, data_loss, kind)
    return loss + reg * R, X.T @ dscores - reg * dR


def _l2_no_factor_two(W, X, y, data_loss, reg, kind="l2"):
    W, X, loss, dscores, R, dR = _parts(W, X, y, data_loss, kind)
    return loss + reg * R, X.T @ dscores + reg * (dR / 2 if kind == "l2" else dR)


def _l2_half(W, X, y, data_loss, reg, kind="l2"):
    W, X, loss, dscores, R, dR = _parts(W, X, y, data_loss, kind)
    if kind == "l2":
        R, dR = R / 2, dR / 2
    return loss + reg * R, X.T @ dscores + reg * dR


def _l1_sign_of_zero(W, X, y, data_loss, reg, kind="l2"):
    W, X, loss, dscores, R, dR = _parts(W, X, y, data_loss, kind)
    if kind == "l1":
        dR = np.where(W >= 0, 1.0, -1.0)
    return loss + reg * R, X.T @ dscores + reg * dR


def _l1_without_abs(W, X, y, data_loss, reg, kind="l2"):
    W, X, loss, dscores, R, dR = _parts(W, X, y, data_loss, kind)
    if kind == "l1":
        R, dR = float(np.sum(W)), np.ones_like(W)
    return loss + reg * R, X.T @ dscores + reg * dR


def _kind_ignored(W, X, y, data_loss, reg, kind="l2"):
    return regularized_objective_reference(W, X, y, data_loss, reg, "l2")


def _bias_not_penalized(W, X, y, data_loss, reg, kind="l2"):
    W, X, loss, dscores, R, dR = _parts(W, X, y, data_loss, kind)
    R_bias, dR_bias = _penalty(W[-1:], kind)
    dR = dR.copy()
    dR[-1] = 0.0
    return loss + reg * (R - R_bias), X.T @ dscores + reg * dR


def _mean_instead_of_sum(W, X, y, data_loss, reg, kind="l2"):
    W, X, loss, dscores, R, dR = _parts(W, X, y, data_loss, kind)
    return loss + reg * R / W.size, X.T @ dscores + reg * dR / W.size


def _gradient_averaged_again(W, X, y, data_loss, reg, kind="l2"):
    W, X, loss, dscores, R, dR = _parts(W, X, y, data_loss, kind)
    return loss + reg * R, X.T @ dscores / X.shape[0] + reg * dR


MISTAKES = (
    Mistake("reg_missing_in_gradient",
            "The loss includes reg * R(W) but the gradient does not: dW needs reg * dR/dW as well, or "
            "training never feels the penalty.", _reg_missing_in_gradient),
    Mistake("reg_missing_in_loss",
            "The gradient has the penalty term but the loss does not: add reg * R(W) to the data loss.",
            _reg_missing_in_loss),
    Mistake("data_gradient_missing",
            "dW holds only the penalty's gradient: the data loss's gradient, carried back from the scores "
            "to W, is missing.", _data_gradient_missing),
    Mistake("transposed_chain",
            "dW has shape (C, D), the transpose of W: the chain rule for scores = X @ W gives a (D, C) "
            "gradient, the shape of W (work out which product of X and dscores has that shape).",
            _transposed_chain),
    Mistake("penalty_gradient_sign",
            "The penalty's gradient has the wrong sign: R grows as the weights grow, so dR/dW points away "
            "from zero (gradient descent then shrinks the weights).", _penalty_gradient_sign),
    Mistake("l2_gradient_missing_factor_two",
            "The L2 loss is right but its gradient is half of it: the derivative of W^2 is 2W.",
            _l2_no_factor_two),
    Mistake("l2_half_squared_norm",
            "You used 0.5 * sum(W^2) (a common textbook convention); the lecture's R(W) has no 1/2.",
            _l2_half),
    Mistake("l1_sign_of_zero",
            "At W = 0 the L1 gradient should be 0 (np.sign(0) is 0), not +1: a weight that is exactly zero "
            "is not pushed either way.", _l1_sign_of_zero),
    Mistake("l1_without_abs",
            "The L1 penalty sums |W|, not W: negative weights must add to the penalty, not cancel positive ones.",
            _l1_without_abs),
    Mistake("kind_ignored",
            "Your answer gives the L2 objective whatever kind says: with kind='l1' the penalty is sum |W| "
            "and its gradient sign(W).", _kind_ignored),
    Mistake("bias_not_penalized",
            "You left the last row (the bias) out of the penalty. That is a common convention, but this "
            "workbook folds the bias into W and penalizes all of W (see the text above the exercise).",
            _bias_not_penalized),
    Mistake("mean_instead_of_sum",
            "You divided the penalty by the number of weights: R(W) sums over every entry, it does not average.",
            _mean_instead_of_sum),
    Mistake("gradient_averaged_again",
            "The data part of dW is N times too small: the data loss's dscores is already averaged over the "
            "N examples, so do not divide by N again.", _gradient_averaged_again),
)


EXERCISES = (
    Exercise(
        id="regularized_objective",
        title="The full objective, data loss + lambda R(W), and its gradient with respect to W",
        notebook="04_regularization",
        answer="regularized_objective",
        points=3,
        reference=regularized_objective_reference,
        public=(
            _case(40, 5, 3, 4, HINGE, 0.1, "l2", "smooth hinge, L2, reg 0.1: 5 examples, 3 features + bias, 4 classes"),
            _case(41, 6, 4, 3, SOFTMAX, 0.5, "l1", "one-hot squared error, L1, reg 0.5: weights with exact zeros",
                  zeros=True),
            _case(42, 8, 2, 3, SOFTMAX, 2.0, "l2", "one-hot squared error, L2, reg 2: the penalty dominates"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            _case(43, 7, 3, 2, HINGE, 0.0, "l1", "reg 0: the data loss alone"),
            _case(44, 4, 5, 3, HINGE, 0.3, "l1", "smooth hinge, L1, with exact zeros", zeros=True),
            _case(45, 30, 64, 10, SOFTMAX, 1e-3, "l2", "digits-sized: 30 examples, 64 pixels + bias, 10 classes",
                  scale=1e-2),
            _case(46, 3, 2, 5, SOFTMAX, 10.0, "l1", "large reg, more classes than examples"),
            Case((np.zeros((3, 2)), add_bias_column(np.eye(2)), np.array([0, 1]), HINGE, 0.7, "l1"),
                 "all weights zero: no L1 push at all"),
            ### END HIDDEN TESTS
        ),
        mistakes=MISTAKES,
        output_names=("loss", "dW"),
        forbidden=FORBIDDEN,
    ),
)
