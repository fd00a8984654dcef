"""Exercises of ``08_gradients.ipynb``: the numerical gradient, the analytic gradients
of the hinge and softmax losses of a linear classifier with respect to its weights, and the
gradient check that compares the two at every coordinate (and finds a planted bug).

Model of the analytic exercises: ``scores = X @ W`` with ``X`` (N, D) and ``W`` (D, C);
objective ``data_loss(scores, y) + reg * sum(W ** 2)``, the data loss averaged over the N
examples, natural logs. A margin of exactly 0 counts as inactive (``> 0``), as in
``course_lib.losses``.
"""

from __future__ import annotations

import numpy as np

from course_lib.gradcheck import numerical_gradient
from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Fixture
from course_lib.losses import softmax_loss, svm_loss
from course_lib.regularization import l2_penalty

FIXTURES = "course_lib.grading.exercises.fixtures"  # the trusted callables passed to answers


# --- exercise 1: centred differences ----------------------------------------------------

def _forward_difference(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    base = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        grad[idx] = (f(x) - base) / h
        x[idx] = old
    return grad


def _not_restored(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = f(x)
        x[idx] = old - h
        grad[idx] = (plus - f(x)) / (2 * h)
    return grad


def _divided_by_h(f, x, h):
    return 2.0 * numerical_gradient(f, x, h)


def _step_too_small(f, x, h):
    return numerical_gradient(f, x, 1e-20)


_rng = np.random.default_rng(80)
_W_33 = _rng.normal(size=(3, 3))
_W_33b = _rng.normal(size=(3, 3))

NUMERICAL = Exercise(
    id="numerical_gradient_centred",
    notebook="08_gradients",
    answer="numerical_grad",
    points=2,
    title="Numerical gradient by centred differences",
    reference=numerical_gradient,
    public=(
        Case((Fixture(f"{FIXTURES}:wavy"), np.array([0.5, -1.0, 2.0]), 1e-1), "a smooth function, h = 0.1"),
        Case((Fixture(f"{FIXTURES}:wavy"), np.array([[0.3, -0.7], [1.1, 0.0]]), 1e-3), "a 2 x 2 input"),
        Case((Fixture(f"{FIXTURES}:toy_softmax_objective"), _W_33, 1e-5), "softmax loss of W, h = 1e-5"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((Fixture(f"{FIXTURES}:wavy"), np.array([1.7]), 0.25), "one coordinate, large h"),
        Case((Fixture(f"{FIXTURES}:wavy"), _rng.normal(size=(2, 3, 2)), 1e-2), "a 3-D input"),
        Case((Fixture(f"{FIXTURES}:toy_svm_loss"), _W_33b, 1e-4), "hinge loss of W"),
        Case((Fixture(f"{FIXTURES}:toy_softmax_objective"), 3.0 * _W_33b, 2e-2), "softmax loss, larger weights"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("forward_difference", "That is the one-sided difference (f(x + h) - f(x)) / h. Use the centred "
                "one, (f(x + h) - f(x - h)) / (2h): its error shrinks like h^2 instead of h.", _forward_difference),
        Mistake("not_restored", "Put each coordinate back to its old value after evaluating f(x - h): otherwise "
                "every later coordinate is measured at a shifted point.", _not_restored),
        Mistake("divided_by_h", "The two evaluation points are 2h apart: divide by 2 * h, not h.", _divided_by_h),
        Mistake("step_too_small", "Your gradient is (almost) zero: with a step that tiny, x + h rounds to x in "
                "floating point and f(x + h) - f(x - h) cancels. Use the h you are given.", _step_too_small),
    ),
    output_names=("grad",),
    rtol=1e-6,
    atol=1e-7,
    forbidden=("numerical_gradient", "grad_check_sparse"),
)


# --- exercises 2 and 3: analytic gradients with respect to W ---------------------------

def svm_objective(W, X, y, reg):
    """Mean hinge loss of ``X @ W`` plus ``reg * sum(W^2)``, and its gradient (D, C)."""
    loss, dscores = svm_loss(X @ W, y)
    penalty, dpenalty = l2_penalty(W)
    return loss + reg * penalty, X.T @ dscores + reg * dpenalty


def softmax_objective(W, X, y, reg):
    """Mean softmax loss of ``X @ W`` plus ``reg * sum(W^2)``, and its gradient (D, C)."""
    loss, dscores = softmax_loss(X @ W, y)
    penalty, dpenalty = l2_penalty(W)
    return loss + reg * penalty, X.T @ dscores + reg * dpenalty


def _hinge_margins(W, X, y):
    scores = X @ W
    rows = np.arange(len(y))
    margins = scores - scores[rows, y][:, None] + 1.0
    margins[rows, y] = 0.0
    return np.maximum(margins, 0.0), rows


def _svm_includes_correct_class(W, X, y, reg):
    loss, dW = svm_objective(W, X, y, reg)
    return loss + 1.0, dW  # the j = y_i term is max(0, 1) = 1 for every example; its gradient cancels


def _svm_includes_correct_class_everywhere(W, X, y, reg):
    scores = X @ W
    rows, n = np.arange(len(y)), len(y)
    margins = np.maximum(scores - scores[rows, y][:, None] + 1.0, 0.0)  # the j = y_i term (= 1) stays in
    dscores = (margins > 0).astype(float)
    dscores[rows, y] = -dscores.sum(axis=1)
    return margins.sum() / n + reg * np.sum(W * W), X.T @ dscores / n + 2 * reg * W


def _svm_mean_over_classes(W, X, y, reg):
    loss, dW = svm_objective(W, X, y, reg)
    c = W.shape[1]
    penalty, dpenalty = l2_penalty(W)
    return (loss - reg * penalty) / (c - 1) + reg * penalty, (dW - reg * dpenalty) / (c - 1) + reg * dpenalty


def _svm_squared(W, X, y, reg):
    margins, rows = _hinge_margins(W, X, y)
    n = len(y)
    dscores = 2.0 * margins
    dscores[rows, y] = -dscores.sum(axis=1)
    return (margins**2).sum() / n + reg * np.sum(W * W), X.T @ dscores / n + 2 * reg * W


def _svm_grad_not_divided(W, X, y, reg):
    loss, dW = svm_objective(W, X, y, reg)
    return loss, (dW - 2 * reg * W) * len(y) + 2 * reg * W


def _svm_no_correct_column(W, X, y, reg):
    margins, rows = _hinge_margins(W, X, y)
    active = (margins > 0).astype(float)
    loss = svm_objective(W, X, y, reg)[0]
    return loss, X.T @ active / len(y) + 2 * reg * W


def _svm_at_least_zero(W, X, y, reg):
    scores = X @ W
    rows = np.arange(len(y))
    margins = scores - scores[rows, y][:, None] + 1.0
    active = (margins >= 0).astype(float)
    active[rows, y] = 0.0
    active[rows, y] = -active.sum(axis=1)
    loss = svm_objective(W, X, y, reg)[0]
    return loss, X.T @ active / len(y) + 2 * reg * W


def _svm_no_margin(W, X, y, reg):
    scores = X @ W
    rows, n = np.arange(len(y)), len(y)
    margins = scores - scores[rows, y][:, None]
    margins[rows, y] = 0.0
    margins = np.maximum(margins, 0.0)
    dscores = (margins > 0).astype(float)
    dscores[rows, y] = -dscores.sum(axis=1)
    return margins.sum() / n + reg * np.sum(W * W), X.T @ dscores / n + 2 * reg * W


def _svm_divided_by_c(W, X, y, reg):
    loss, dW = svm_objective(W, X, y, reg)
    penalty = reg * np.sum(W * W)
    n, c = len(y), W.shape[1]
    return (loss - penalty) * n / c + penalty, (dW - 2 * reg * W) * n / c + 2 * reg * W


def _reg_without_2(objective):
    def wrong(W, X, y, reg):
        loss, dW = objective(W, X, y, reg)
        return loss, dW - reg * W
    return wrong


def _reg_forgotten_in_grad(objective):
    def wrong(W, X, y, reg):
        loss, dW = objective(W, X, y, reg)
        return loss, dW - 2 * reg * W
    return wrong


_rng = np.random.default_rng(81)
_LECTURE_W = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])  # scores = I @ W
_LECTURE_Y = np.array([0, 1, 2])


def _random_problem(n, d, c, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    W = scale * rng.normal(size=(d, c))
    X = rng.normal(size=(n, d))
    y = rng.integers(0, c, size=n)
    return W, X, y


_P1 = _random_problem(5, 4, 3, 1)
_P2 = _random_problem(8, 6, 4, 2)
_H1 = _random_problem(20, 10, 5, 3)
_H2 = _random_problem(1, 3, 4, 4)
_H3 = _random_problem(7, 5, 2, 5)
_H4 = _random_problem(6, 4, 3, 6, scale=300.0)

SVM = Exercise(
    id="svm_loss_grad_W",
    notebook="08_gradients",
    answer="svm_loss_grad",
    points=3,
    title="Hinge loss and its gradient with respect to W",
    reference=svm_objective,
    public=(
        Case((_LECTURE_W, np.eye(3), _LECTURE_Y, 0.0),
             "the lecture's cat/car/frog example (X = I, so scores = W): loss 5.27"),
        Case((*_P1, 0.1), "5 examples, 4 features, 3 classes, reg = 0.1"),
        Case((*_P2, 0.0), "8 examples, 6 features, 4 classes, no regularization"),
        Case((np.array([[2.0, 1.0, 0.0], [0.0, 1.25, 0.5]]), np.eye(2), np.array([0, 1]), 0.0),
             "a margin of exactly 0 (inactive) next to an active one"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((*_H1, 0.05), "20 examples, 10 features, 5 classes"),
        Case((*_H2, 0.2), "a single example"),
        Case((*_H3, 1e-3), "two classes"),
        Case((*_H4, 1e-4), "large scores"),
        Case((np.array([[0.5, 3.0, 1.5, 2.0], [-0.5, 2.0, 1.0, 1.0], [1.0, 1.0, -1.0, 0.0]]),
              np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]]),
              np.array([1, 3, 2, 0]), 0.0), "a margin of exactly 0 among larger scores"),
        Case((np.array([[5.0, 0.0], [0.0, 5.0]]), np.eye(2), np.array([0, 1]), 0.3), "every margin satisfied"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("includes_correct_class", "Your loss is 1 too large per example (6.27 instead of 5.27 on the "
                "lecture's example): the sum runs over j != y_i, skip the correct class.",
                _svm_includes_correct_class),
        Mistake("includes_correct_class_in_grad", "Your loss is 1 too large per example and column y_i of dW "
                "is off: the sum runs over j != y_i, so skip the correct class in the margins (set its margin "
                "to 0) before the loss and the gradient.", _svm_includes_correct_class_everywhere),
        Mistake("mean_over_classes", "Sum the margins over the classes j != y_i; only the average over the N "
                "examples is a mean.", _svm_mean_over_classes),
        Mistake("squared_hinge", "That is the squared hinge loss: use max(0, margin) itself, not its square.",
                _svm_squared),
        Mistake("grad_not_divided", "The loss is a mean over the N examples, so its gradient is divided by N too.",
                _svm_grad_not_divided),
        Mistake("no_correct_column", "Each active margin also pulls on the correct class: column y_i of dW gets "
                "-x_i once per active margin.", _svm_no_correct_column),
        Mistake("margin_at_least_zero", "A margin of exactly 0 contributes nothing (max(0, 0) = 0): count a "
                "margin as active only when it is > 0.", _svm_at_least_zero),
        Mistake("no_margin", "The margin is s_j - s_{y_i} + 1: without the + 1 a correct class that is only just "
                "ahead costs nothing (the lecture's example gives 5.27 with it).", _svm_no_margin),
        Mistake("divided_by_C", "Average over the N examples (rows of X), not over the C classes.", _svm_divided_by_c),
        Mistake("reg_grad_without_2", "The gradient of reg * sum(W^2) is 2 * reg * W.", _reg_without_2(svm_objective)),
        Mistake("reg_grad_forgotten", "Add the regularization gradient 2 * reg * W to dW.",
                _reg_forgotten_in_grad(svm_objective)),
    ),
    output_names=("loss", "dW"),
    forbidden=("svm_loss", "svm_loss_naive", "LinearClassifier", "l2_penalty", "penalty"),
)


def _softmax_no_shift(W, X, y, reg):
    scores = X @ W
    n = len(y)
    exp = np.exp(scores)
    probs = exp / exp.sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(n), y]).mean() + reg * np.sum(W * W)
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1.0
    return loss, X.T @ dscores / n + 2 * reg * W


def _softmax_log_p_plus_eps(W, X, y, reg):
    scores = X @ W
    n = len(y)
    exp = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs = exp / exp.sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(n), y] + 1e-12).mean() + reg * np.sum(W * W)
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1.0
    return loss, X.T @ dscores / n + 2 * reg * W


def _softmax_log10(W, X, y, reg):
    loss, dW = softmax_objective(W, X, y, reg)
    data = loss - reg * np.sum(W * W)
    return data / np.log(10.0) + reg * np.sum(W * W), dW


def _softmax_grad_not_divided(W, X, y, reg):
    loss, dW = softmax_objective(W, X, y, reg)
    return loss, (dW - 2 * reg * W) * len(y) + 2 * reg * W


def _softmax_wrong_sign(W, X, y, reg):
    loss, dW = softmax_objective(W, X, y, reg)
    return loss, -(dW - 2 * reg * W) + 2 * reg * W


def _softmax_forgot_minus_one(W, X, y, reg):
    probs = np.exp(X @ W - (X @ W).max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    loss = softmax_objective(W, X, y, reg)[0]
    return loss, X.T @ probs / len(y) + 2 * reg * W


_S1 = _random_problem(5, 4, 3, 11)
_S2 = _random_problem(9, 3, 5, 12)
_SH1 = _random_problem(25, 8, 6, 13)
_SH2 = _random_problem(1, 4, 3, 14)
_SH3 = _random_problem(6, 5, 2, 15)


def _large_scores_problem(n, d, c, seed, offset):
    """Scores near ``offset`` for every class: exp overflows unless each row is shifted first."""
    W, X, y = _random_problem(n, d, c, seed)
    X[:, 0] = 1.0
    W[0, :] = offset
    return W, X, y


_SH4 = _large_scores_problem(4, 3, 3, 16, offset=2000.0)
_S3 = _large_scores_problem(3, 2, 3, 17, offset=1000.0)

SOFTMAX = Exercise(
    id="softmax_loss_grad_W",
    notebook="08_gradients",
    answer="softmax_loss_grad",
    points=3,
    title="Softmax loss and its gradient with respect to W",
    reference=softmax_objective,
    public=(
        Case((np.array([[-2.85, 0.86, 0.28]]), np.array([[1.0]]), np.array([2]), 0.0),
             "the lecture's example (one example, X = [[1]]): loss -ln(0.353) = 1.04"),
        Case((*_S1, 0.1), "5 examples, 4 features, 3 classes, reg = 0.1"),
        Case((*_S2, 0.0), "9 examples, 3 features, 5 classes, no regularization"),
        Case((*_S3, 0.0), "large scores (all near 1000)"),
        Case((np.array([[0.0, 500.0, 0.0]]), np.array([[1.0]]), np.array([0]), 0.0),
             "the correct class 500 behind: loss 500"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((*_SH1, 0.01), "25 examples, 8 features, 6 classes"),
        Case((*_SH2, 0.5), "a single example"),
        Case((*_SH3, 1e-3), "two classes"),
        Case((*_SH4, 1e-7), "scores near 2000"),
        Case((np.array([[0.0, 800.0, 3.0], [-400.0, 2.0, 390.0], [900.0, 0.5, 100.0]]), np.eye(3),
              np.array([1, 2, 0]), 0.0), "the correct class far ahead (scores spread over hundreds)"),
        Case((np.zeros((3, 4)), _rng.normal(size=(5, 3)), np.array([0, 1, 2, 3, 0]), 0.2),
             "W = 0: loss ln(C)"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("no_max_shift", "np.exp overflowed: subtract each row's largest score before exponentiating "
                "(the probabilities do not change).", _softmax_no_shift),
        Mistake("log_of_p_plus_eps", "A constant added inside the log caps the loss near -ln(1e-12) = 27.6: "
                "a correct class 500 behind must cost 500. Take the log of the shifted probabilities directly "
                "(log p = shifted score - log of the sum of exps).", _softmax_log_p_plus_eps),
        Mistake("log10", "Use the natural log np.log (the slide's 0.452 is -log10(0.353); in natural logs it "
                "is 1.04).", _softmax_log10),
        Mistake("grad_not_divided", "The loss is a mean over the N examples, so its gradient is divided by N too.",
                _softmax_grad_not_divided),
        Mistake("wrong_sign", "dL/ds_j = p_j - 1[j = y_i]: probabilities minus the one-hot label, not the "
                "other way round.", _softmax_wrong_sign),
        Mistake("forgot_minus_one", "Subtract 1 from the probability of the correct class in dL/ds.",
                _softmax_forgot_minus_one),
        Mistake("reg_grad_without_2", "The gradient of reg * sum(W^2) is 2 * reg * W.",
                _reg_without_2(softmax_objective)),
        Mistake("reg_grad_forgotten", "Add the regularization gradient 2 * reg * W to dW.",
                _reg_forgotten_in_grad(softmax_objective)),
    ),
    output_names=("loss", "dW"),
    forbidden=("softmax_loss", "softmax_loss_naive", "softmax", "LinearClassifier", "l2_penalty", "penalty"),
)



# --- exercise 4: the gradient check at every coordinate ------------------------------------

def gradient_check_reference(f_and_grad, x, h):
    """Relative error of ``f_and_grad``'s analytic gradient at every coordinate of ``x``.

    Parameters
    ----------
    f_and_grad : callable
        ``f_and_grad(x) -> (value, grad)``.
    x : ndarray, any shape
    h : float > 0
        Step of the centred differences.

    Returns
    -------
    errors : ndarray, shape of ``x``
        ``|a - n| / (|a| + |n|)`` with ``a`` the analytic and ``n`` the numerical partial
        derivative (0 where both are 0).
    """
    x = np.array(x, dtype=float)
    analytic = np.array(f_and_grad(x)[1], dtype=float)
    numeric = numerical_gradient(lambda z: f_and_grad(z)[0], x, h)
    denominator = np.abs(analytic) + np.abs(numeric)
    return np.abs(analytic - numeric) / np.maximum(denominator, 1e-300)


def _check_with(numeric_of, error_of):
    """A gradient check with one part done wrong: how the numerical gradient or the error is computed."""
    def wrong(f_and_grad, x, h):
        x = np.array(x, dtype=float)
        analytic = np.array(f_and_grad(x)[1], dtype=float)
        numeric = numeric_of(lambda z: f_and_grad(z)[0], x, h)
        return error_of(analytic, numeric)
    return wrong


def _relative(a, n):
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-300)


_check_forward = _check_with(_forward_difference, _relative)
_check_divided_by_h = _check_with(_divided_by_h, _relative)
_check_not_restored = _check_with(_not_restored, _relative)
_check_absolute = _check_with(numerical_gradient, lambda a, n: np.abs(a - n))
_check_max_denominator = _check_with(
    numerical_gradient, lambda a, n: np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), 1e-300))
_check_signed = _check_with(numerical_gradient, lambda a, n: (a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-300))
_check_tiny_h = _check_with(lambda f, x, h: numerical_gradient(f, x, 1e-20), _relative)


def _check_analytic_at_shifted_point(f_and_grad, x, h):
    x = np.array(x, dtype=float)
    errors = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = f_and_grad(x)[0]
        x[idx] = old - h
        minus, analytic = f_and_grad(x)
        x[idx] = old
        errors[idx] = _relative(analytic[idx], (plus - minus) / (2 * h))
    return errors


_X_3 = np.array([0.5, -1.0, 2.0])
_X_23 = np.array([[0.3, -0.7, 1.1], [0.0, 0.9, -0.4]])

GRADIENT_CHECK = Exercise(
    id="gradient_check",
    notebook="08_gradients",
    answer="gradient_check",
    points=3,
    title="The gradient check: a relative error at every coordinate",
    reference=gradient_check_reference,
    public=(
        Case((Fixture(f"{FIXTURES}:wavy_with_gradient"), _X_3, 1e-4), "a right gradient: every error tiny"),
        Case((Fixture(f"{FIXTURES}:wavy_with_planted_bug"), _X_3, 1e-4), "a planted bug in coordinate 1"),
        Case((Fixture(f"{FIXTURES}:quartic_with_halved_column"), _X_23, 1e-3),
             "a 2 x 3 input, last column's gradient halved"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((Fixture(f"{FIXTURES}:quartic_with_gradient"), _X_23, 1e-5), "a right gradient, 2 x 3"),
        Case((Fixture(f"{FIXTURES}:wavy_with_planted_bug"), np.array([[1.0, 2.0], [-0.5, 0.25]]), 1e-5),
             "a planted bug in a 2 x 2 input"),
        Case((Fixture(f"{FIXTURES}:quartic_with_gradient"), np.array([1.0, 0.0]), 1e-4),
             "a coordinate where the gradient is exactly 1 and one where it is -1"),
        Case((Fixture(f"{FIXTURES}:quartic_with_halved_column"), _rng.normal(size=(4, 2)), 1e-4), "4 x 2"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("forward_difference", "Compute the numerical gradient with centred differences, "
                "(f(x + h) - f(x - h)) / (2h): the one-sided quotient alone gives errors around h.", _check_forward),
        Mistake("divided_by_h", "The two evaluation points are 2h apart: divide by 2 * h, not h.",
                _check_divided_by_h),
        Mistake("not_restored", "Put each coordinate back after evaluating at x - h: otherwise every later "
                "coordinate is measured at a shifted point.", _check_not_restored),
        Mistake("signed_error", "Take the absolute value of the difference: an error is never negative.",
                _check_signed),
        Mistake("absolute_error", "Divide by |a| + |n|: an absolute difference depends on how large the "
                "gradient is, a relative error does not.", _check_absolute),
        Mistake("max_denominator", "This workbook's relative error divides by the sum |a| + |n| "
                "(some texts use the max; the bands 1e-7 and 1e-2 are for the sum).", _check_max_denominator),
        Mistake("step_too_small", "Your numerical gradient is zero: with a step that tiny x + h rounds to x. "
                "Use the h you are given.", _check_tiny_h),
        Mistake("analytic_at_shifted_point", "Take the analytic gradient once, at x itself, before any "
                "coordinate is moved; the one returned at x - h belongs to another point.",
                _check_analytic_at_shifted_point),
    ),
    output_names=("errors",),
    rtol=1e-4,
    atol=1e-7,
    forbidden=("numerical_gradient", "grad_check_sparse", "relative_error"),
)

EXERCISES = (NUMERICAL, SVM, SOFTMAX, GRADIENT_CHECK)
