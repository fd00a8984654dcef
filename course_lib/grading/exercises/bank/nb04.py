"""Exercises of ``04_regularization``: the margin's edge, the full objective, and ridge regression in closed form.

- ``lambda_margin_edge`` (a value): for the car image at scale c (scores 1.3c, 4.9c, 2.0c; correct: car)
  and the objective hinge loss + lambda c^2, the largest lambda for which the best c is still the
  margin's edge c = 1/2.9. Left of the edge only the frog term is active (slope -2.9), the penalty's
  slope there is 2 lambda / 2.9: the edge stays best while 2 lambda / 2.9 <= 2.9, up to 2.9^2 / 2 = 4.205.
- ``regularized_objective(W, X, y, data_loss, reg, kind="l2", beta=0.5, penalize_bias=True)``: with
  ``data_loss(W, X, y) -> (loss, dW)`` any W-level data loss, return ``loss + reg * R(W)`` and its
  gradient, R the lecture's L2 (sum W^2), L1 (sum |W|, slope 0 at exact zeros) or elastic net
  (sum beta W^2 + |W|); with ``penalize_bias=False`` the last row of W (the bias, with the bias trick)
  is left out of R.
- ``ridge_closed_form``: ``ridge_weights(X, t, reg)``, the exact minimiser of
  ``mean((X w - t)^2) + reg * sum(w^2)``, which solves ``(X^T X + N reg I) w = X^T t`` (moved here from
  notebook 07: notebook 04's polynomial needs it, 07 recalls it through ``cl.mine``).

The data losses passed to ``regularized_objective`` are fixtures that implement no lecture loss (a
smoothed hinge, a squared error on one-hot targets), so that the exercise is about what notebook 04
adds: the penalty, its gradient, and which rows it covers.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Fixture
from course_lib.regularization import regularized_objective

FORBIDDEN = ("l2_penalty", "l1_penalty", "elastic_net_penalty", "penalty", "LinearClassifier")
# W-level data losses passed in: trusted fixtures that are not themselves exercises (see fixtures.py)
HINGE = Fixture("course_lib.grading.exercises.fixtures:smooth_hinge_loss_W")
SQUARED = Fixture("course_lib.grading.exercises.fixtures:onehot_squared_loss_W")


# --- the margin's edge -----------------------------------------------------------------------------

CAR_GAPS = (4.9 - 1.3, 4.9 - 2.0)   # how far car beats cat and frog at scale 1: 3.6 and 2.9


def lambda_margin_edge_reference() -> float:
    """The largest lambda that keeps the best scale at the edge c = 1 / 2.9 (4.205)."""
    frog = CAR_GAPS[1]
    return frog**2 / 2


LAMBDA_MISTAKES = (
    Mistake("penalty_slope_without_two",
            "the slope of lambda c^2 is 2 lambda c, not lambda c: compare the two one-sided slopes at the edge "
            "again with the factor 2.",
            lambda: CAR_GAPS[1] ** 2),
    Mistake("cat_gap_instead_of_frog",
            "just left of the edge c = 1/2.9 only one hinge term is still active: which class is it, and "
            "what is its slope in c?",
            lambda: CAR_GAPS[0] ** 2 / 2),
    Mistake("penalty_slope_at_c_one",
            "the penalty's slope 2 lambda c depends on c: evaluate it at the edge c = 1/2.9, not at c = 1.",
            lambda: CAR_GAPS[1] / 2),
    Mistake("edge_instead_of_lambda",
            "that is the edge c itself; the question asks for the largest lambda that keeps the best c there.",
            lambda: 1 / CAR_GAPS[1]),
)


# --- the full objective --------------------------------------------------------------------------

def _problem(seed, n, d, c, zeros=False, scale=1.0):
    """W (d + 1, c), X (n, d + 1) with a last column of ones, y (n,); about a third of W exactly 0 with ``zeros``."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.standard_normal((n, d)), np.ones(n)])
    W = scale * rng.standard_normal((d + 1, c))
    if zeros:
        W[rng.random(W.shape) < 1 / 3] = 0.0
        W[-1, 0] = 0.0   # a zero in the bias row too
    return W, X, rng.integers(0, c, size=n)


def _case(seed, n, d, c, rest, label, **kw):
    W, X, y = _problem(seed, n, d, c, **kw)
    return Case((W, X, y, *rest), label)


def regularized_objective_reference(W, X, y, data_loss, reg, kind="l2", beta=0.5, penalize_bias=True):
    """course_lib's :func:`~course_lib.regularization.regularized_objective` (the reference)."""
    return regularized_objective(W, X, y, data_loss, reg, kind, beta, penalize_bias)


def _penalty(W, kind, beta):
    """R and dR of the whole array W (no bias rule), as a student writes them."""
    if kind == "l2":
        return float(np.sum(W * W)), 2.0 * W
    if kind == "l1":
        return float(np.sum(np.abs(W))), np.sign(W)
    return float(np.sum(beta * W * W + np.abs(W))), 2.0 * beta * W + np.sign(W)


def _objective(W, X, y, data_loss, reg, kind, beta, penalize_bias, penalty=_penalty, rows=None):
    """``(data loss, its dW, R, dR, rows)``: the parts a student adds up, R over ``rows`` of W.

    ``rows`` defaults to all of W, or all but the last row without ``penalize_bias``.
    """
    W = np.asarray(W, dtype=float)
    loss, dW = data_loss(W, X, y)
    if rows is None:
        rows = slice(None) if penalize_bias else slice(0, W.shape[0] - 1)
    R, dR = penalty(W[rows], kind, beta)
    return float(loss), np.array(dW, dtype=float), R, dR, rows


def _added(parts, reg, loss_has_penalty=True, gradient=("data", "penalty"), sign=1.0):
    """The objective from its parts: loss (+ reg R), and the chosen parts of the gradient."""
    loss, dW, R, dR, rows = parts
    grad = dW if "data" in gradient else np.zeros_like(dW)
    if "penalty" in gradient:
        grad[rows] += sign * reg * dR
    return loss + (reg * R if loss_has_penalty else 0.0), grad


def _answer(penalty=_penalty, rows=None, force_kind=None, force_bias=None, **added):
    """A whole answer with one classic mistake in it (see :data:`MISTAKES`)."""
    def answer(W, X, y, data_loss, reg, kind="l2", beta=0.5, penalize_bias=True):
        kind = force_kind or kind
        penalize_bias = penalize_bias if force_bias is None else force_bias
        chosen_rows = rows(penalize_bias) if rows is not None else None
        return _added(_objective(W, X, y, data_loss, reg, kind, beta, penalize_bias, penalty, chosen_rows),
                      reg, **added)
    return answer


def _bias_out_of_the_gradient_only(W, X, y, data_loss, reg, kind="l2", beta=0.5, penalize_bias=True):
    """The bias row left out of dR (its gradient row zeroed) but R summed over the whole of W."""
    loss, dW, _, dR, rows = _objective(W, X, y, data_loss, reg, kind, beta, penalize_bias)
    R_all, _ = _penalty(np.asarray(W, dtype=float), kind, beta)
    dW[rows] += reg * dR
    return loss + reg * R_all, dW


def _data_gradient_over_n(W, X, y, data_loss, reg, kind="l2", beta=0.5, penalize_bias=True):
    loss, dW, R, dR, rows = _objective(W, X, y, data_loss, reg, kind, beta, penalize_bias)
    dW /= np.shape(X)[0]
    dW[rows] += reg * dR
    return loss + reg * R, dW


def _first_rows(penalize_bias):
    return slice(None) if penalize_bias else slice(1, None)


def _l2_no_two(W, kind, beta):
    R, dR = _penalty(W, kind, beta)
    return (R, W) if kind == "l2" else (R, dR)


def _l2_half(W, kind, beta):
    R, dR = _penalty(W, kind, beta)
    return (R / 2, dR / 2) if kind == "l2" else (R, dR)


def _half_everywhere(W, kind, beta):
    """The 0.5 * sum(W^2) convention wherever a squared norm appears, the elastic net's too."""
    if kind == "elastic_net":
        return float(np.sum(0.5 * beta * W * W + np.abs(W))), beta * W + np.sign(W)
    return _l2_half(W, kind, beta)


# L2 whatever `kind` says, with or without heeding penalize_bias: one hint
_KIND_IGNORED = "Your answer uses the L2 penalty whatever `kind` says."

# the textbook's 0.5 * sum(W^2), in L2 only or in the elastic net's squared part too: one hint
_HALF_NORM = "You used 0.5 * sum(W^2) (a common textbook convention); the lecture's L2 is sum W^2, no 1/2."


def _l1_sign_of_zero(W, kind, beta):
    R, dR = _penalty(W, kind, beta)
    if kind == "l1":
        dR = np.where(W >= 0, 1.0, -1.0)
    elif kind == "elastic_net":
        dR = 2.0 * beta * W + np.where(W >= 0, 1.0, -1.0)
    return R, dR


def _l1_without_abs(W, kind, beta):
    return (float(np.sum(W)), np.ones_like(W)) if kind == "l1" else _penalty(W, kind, beta)


def _elastic_beta_on_abs(W, kind, beta):
    if kind == "elastic_net":
        return float(np.sum(W * W + beta * np.abs(W))), 2.0 * W + beta * np.sign(W)
    return _penalty(W, kind, beta)


def _elastic_beta_ignored(W, kind, beta):
    return _penalty(W, kind, 1.0 if kind == "elastic_net" else beta)


def _elastic_no_two(W, kind, beta):
    R, dR = _penalty(W, kind, beta)
    return (R, beta * W + np.sign(W)) if kind == "elastic_net" else (R, dR)


def _mean_instead_of_sum(W, kind, beta):
    R, dR = _penalty(W, kind, beta)
    return R / W.size, dR / W.size


MISTAKES = (
    Mistake("reg_missing_in_gradient",
            "The loss includes reg * R(W) but dW does not: add reg times R's gradient, or training never feels "
            "the penalty.", _answer(gradient=("data",))),
    Mistake("reg_missing_in_loss",
            "dW has the penalty's gradient but the loss has no reg * R(W): add it to the data loss.",
            _answer(loss_has_penalty=False)),
    Mistake("data_gradient_missing",
            "dW holds only the penalty's gradient: the data loss's own gradient (its second output) is part of "
            "the objective's gradient too.", _answer(gradient=("penalty",))),
    Mistake("penalty_gradient_sign",
            "The penalty's gradient has the wrong sign: R grows as a weight moves away from 0, so its slope "
            "points away from 0 (a step against the gradient then shrinks the weight).", _answer(sign=-1.0)),
    Mistake("data_gradient_divided_again",
            "The data part of dW is N times too small: data_loss already returns the gradient of a mean over "
            "the N examples.", _data_gradient_over_n),
    Mistake("l2_gradient_missing_factor_two",
            "The L2 loss is right but its gradient is half of it: the derivative of w^2 is 2w.",
            _answer(penalty=_l2_no_two)),
    Mistake("l2_half_squared_norm", _HALF_NORM, _answer(penalty=_l2_half)),
    Mistake("half_squared_norm_everywhere", _HALF_NORM, _answer(penalty=_half_everywhere)),
    Mistake("l1_sign_of_zero",
            "At a weight of exactly 0 the L1 slope must be 0 (the contract), not +1: a weight that is exactly "
            "zero is not pushed either way.", _answer(penalty=_l1_sign_of_zero)),
    Mistake("l1_without_abs",
            "L1 sums |W|, not W: negative weights add to the penalty, they do not cancel positive ones.",
            _answer(penalty=_l1_without_abs)),
    Mistake("elastic_net_beta_on_abs",
            "In the lecture's elastic net, beta weighs the squared part: R = sum(beta W^2 + |W|).",
            _answer(penalty=_elastic_beta_on_abs)),
    Mistake("elastic_net_beta_ignored",
            "Your elastic net ignores beta: R = sum(beta W^2 + |W|) with the beta passed in.",
            _answer(penalty=_elastic_beta_ignored)),
    Mistake("elastic_net_gradient_missing_factor_two",
            "The elastic net's loss is right but the gradient of beta W^2 is 2 beta W, not beta W.",
            _answer(penalty=_elastic_no_two)),
    Mistake("kind_ignored", _KIND_IGNORED, _answer(force_kind="l2")),
    Mistake("kind_and_bias_ignored", _KIND_IGNORED, _answer(force_kind="l2", force_bias=True)),
    Mistake("bias_always_penalized",
            "With penalize_bias=False the last row of W (the bias) stays out of R: out of the loss and out of "
            "the gradient.", _answer(force_bias=True)),
    Mistake("bias_never_penalized",
            "With penalize_bias=True (the default) the whole of W is penalized, its last row (the bias) "
            "included.", _answer(force_bias=False)),
    Mistake("bias_out_of_the_gradient_only",
            "With penalize_bias=False your gradient leaves the bias row alone, but R still sums over it: leave "
            "the last row of W out of the penalty in the loss too.", _bias_out_of_the_gradient_only),
    Mistake("first_row_left_out",
            "With the bias trick the bias is the *last* row of W (X's last column is the ones): leave that row "
            "out, not the first.", _answer(rows=_first_rows)),
    Mistake("mean_instead_of_sum",
            "You divided the penalty by the number of weights: R sums over every entry, it does not average.",
            _answer(penalty=_mean_instead_of_sum)),
)


# --- ridge regression in closed form ----------------------------------------------------------------

def ridge_reference(X, t, reg):
    """Minimiser of ``mean((X @ w - t)^2) + reg * sum(w^2)``: solves ``(X^T X + N reg I) w = X^T t``.

    Parameters
    ----------
    X : ndarray, shape (N, D)
    t : ndarray, shape (N,)
    reg : float >= 0

    Returns
    -------
    w : ndarray, shape (D,)
    """
    n, d = X.shape
    return np.linalg.solve(X.T @ X + n * reg * np.eye(d), X.T @ t)


def _ridge_reg_not_scaled(X, t, reg):
    return np.linalg.solve(X.T @ X + reg * np.eye(X.shape[1]), X.T @ t)


def _ridge_no_reg(X, t, reg):
    return np.linalg.lstsq(X, t, rcond=None)[0]


def _ridge_half_reg(X, t, reg):
    n, d = X.shape
    return np.linalg.solve(X.T @ X + 0.5 * n * reg * np.eye(d), X.T @ t)


def _ridge_double_reg(X, t, reg):
    n, d = X.shape
    return np.linalg.solve(X.T @ X + 2 * n * reg * np.eye(d), X.T @ t)


def _regression(n, d, seed, noise=0.3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    t = X @ rng.normal(size=d) + noise * rng.normal(size=n)
    return X, t


_LINE_X = np.column_stack([np.linspace(0.0, 4.0, 5), np.ones(5)])  # a slope and an intercept
_LINE_T = np.array([1.1, 2.9, 5.2, 6.8, 9.1])


EXERCISES = (
    Exercise(
        id="lambda_margin_edge",
        title="The largest lambda that keeps the margin's edge",
        notebook="04_regularization",
        answer="lambda_margin_edge",
        points=2,
        kind="value",
        reference=lambda_margin_edge_reference,
        public=(Case((), "the car image at scale c, hinge loss + lambda c^2"),),
        mistakes=LAMBDA_MISTAKES,
        rtol=0.0,
        atol=6e-4,
        forbidden=("svm_loss", "svm_loss_W"),
    ),
    Exercise(
        id="regularized_objective",
        title="The full objective, data loss + lambda R(W), and its gradient with respect to W",
        notebook="04_regularization",
        answer="regularized_objective",
        points=3,
        reference=regularized_objective_reference,
        public=(
            _case(40, 5, 3, 4, (HINGE, 0.1, "l2"),
                  "smoothed hinge, L2, reg 0.1: 5 examples, 3 features + bias, 4 classes"),
            _case(41, 6, 4, 3, (SQUARED, 0.5, "l1"), "one-hot squared error, L1, reg 0.5: weights with exact zeros",
                  zeros=True),
            _case(42, 8, 2, 3, (SQUARED, 2.0, "elastic_net", 0.3, False),
                  "elastic net with beta 0.3, reg 2, the bias row not penalized"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            _case(43, 7, 3, 2, (HINGE, 0.0, "l1"), "reg 0: the data loss alone"),
            _case(44, 4, 5, 3, (HINGE, 0.3, "l1", 0.5, False), "L1 with exact zeros, the bias row not penalized",
                  zeros=True),
            _case(45, 30, 64, 10, (SQUARED, 1e-3, "elastic_net"), "digits-sized elastic net with the default beta",
                  scale=1e-2),
            Case((np.array([[0.7, -1.2, 0.4]]), np.ones((3, 1)), np.array([0, 2, 1]), HINGE, 5.0, "l2", 0.5, False),
                 "W of one row (the bias only), not penalized: the penalty is 0"),
            _case(46, 3, 2, 5, (SQUARED, 10.0, "l2", 0.5, False), "large reg, more classes than examples, bias free"),
            Case((np.zeros((3, 2)), np.column_stack([np.eye(2), np.ones(2)]), np.array([0, 1]), HINGE, 0.7, "l1"),
                 "all weights zero: no L1 push at all"),
            ### END HIDDEN TESTS
        ),
        mistakes=MISTAKES,
        output_names=("loss", "dW"),
        forbidden=FORBIDDEN,
    ),
    Exercise(
        id="ridge_closed_form",
        title="Regularized least squares in closed form",
        notebook="04_regularization",
        answer="ridge_weights",
        points=2,
        reference=ridge_reference,
        public=(
            Case((_LINE_X, _LINE_T, 0.0), "a line through five points, no regularization"),
            Case((*_regression(30, 3, 1), 0.1), "30 examples, 3 features, reg = 0.1"),
            Case((*_regression(12, 4, 2), 2.0), "strong regularization, reg = 2"),
        ),
        hidden=(
            ### BEGIN HIDDEN TESTS
            Case((*_regression(4, 4, 3), 0.05), "as many examples as features"),
            Case((*_regression(3, 6, 4), 0.5), "fewer examples than features (only the penalty makes it unique)"),
            Case((*_regression(50, 1, 5), 0.3), "one feature"),
            Case((*_regression(8, 2, 6), 1e3), "huge reg: w close to 0"),
            Case((*_regression(1, 3, 7), 0.2), "a single example"),
            ### END HIDDEN TESTS
        ),
        mistakes=(
            Mistake("reg_not_scaled_by_N", "The data term is a mean over N examples: when you set the gradient to "
                    "zero and clear the 2/N, the penalty's term is scaled by N too.", _ridge_reg_not_scaled),
            Mistake("reg_ignored", "The penalty is missing: with reg > 0 the system is not X^T X w = X^T t.",
                    _ridge_no_reg),
            Mistake("reg_halved", "The gradient of reg * sum(w^2) is 2 reg w, with the same factor 2 as the data "
                    "term's: they cancel together.", _ridge_half_reg),
            Mistake("reg_doubled", "The penalty's term is twice too large: its gradient 2 reg w and the data "
                    "term's (2/N) X^T (X w - t) share their factor 2.", _ridge_double_reg),
        ),
        output_names=("w",),
        rtol=1e-6,
        atol=1e-8,
        forbidden=(),
    ),
)
