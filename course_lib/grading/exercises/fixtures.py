"""Trusted functions that exercises pass as arguments to a student's answer.

Some answers take a function: ``numerical_grad`` the function to differentiate, ``search_randomly``
a loss to minimise, ``sgd_epochs`` a loss with its gradient and a step, ``early_stopping`` an epoch of
training and a score, ``grid_search`` a stand-in for "train and return the validation accuracy". The
exercise bank names them as :class:`course_lib.grading.exercises.plain.Fixture` s
(``"course_lib.grading.exercises.fixtures:wavy"``), so that the sandboxed grader can import them by name.

They are test helpers, not answers, and live here in the open so that the student release,
which carries no exercise bank code, still has them. They are self-contained (numpy only): in a
graded release course_lib's losses run the student's own answers, and in the grader's sandbox
they are not available at all. None of them is an exercise's answer, and none implements a lecture
loss or gradient (the hinge, the softmax, the squared error of notebook 02): where an exercise needs
"a loss" it gets a smooth or kinked function of the same shape that the lecture does not define
(log-cosh, softplus, a kinked bowl). ``tests/release/test_graded_release.py`` runs every released
function on every exercise's public cases, and ``tests/release/test_judges_and_fixtures_leak.py``
checks that no fixture returns a lecture loss.
"""

from __future__ import annotations

import numpy as np

# --- data losses of a batch, with their gradient (regularized_objective, notebook 04) ----------
# Deliberately neither the hinge nor the softmax loss (those are exercises): any (loss, dscores)
# of the scores will do to test how an answer adds the penalty and carries dscores back to W.


def smooth_hinge_loss(scores, y):
    """A smoothed hinge: mean over examples of ``sum_{j != y_i} ln(1 + exp(s_j - s_{y_i} + 1))``, and its gradient.

    Parameters
    ----------
    scores : ndarray, shape (N, C)
    y : ndarray of int, shape (N,)

    Returns
    -------
    loss : float
    dscores : ndarray, shape (N, C)
    """
    s = np.asarray(scores, dtype=float)
    picked = (np.arange(len(s)), y)
    gaps = s - s[picked].reshape(-1, 1) + 1.0
    softplus = np.logaddexp(0.0, gaps)
    softplus[picked] = 0.0
    sigmoid = 0.5 * (1.0 + np.tanh(0.5 * gaps))          # the logistic function, without overflow
    sigmoid[picked] = 0.0
    sigmoid[picked] = -sigmoid.sum(axis=1)
    return float(softplus.sum() / len(s)), sigmoid / len(s)


def onehot_squared_loss(scores, y):
    """Mean over examples of ``sum_c (s_c - [c == y_i])^2``, and its gradient; shapes as :func:`smooth_hinge_loss`."""
    s = np.asarray(scores, dtype=float)
    residual = s - np.eye(s.shape[1])[y]
    return float(np.einsum("ic,ic->", residual, residual) / len(s)), residual * (2.0 / len(s))


# --- losses to minimise by random search (notebook 07) --------------------------------------


def shifted_bowl(w):
    """A bowl centred away from 0: ``sum((w - c)^2)``, ``c`` evenly spaced in [-1, 1].

    Parameters
    ----------
    w : ndarray, any shape

    Returns
    -------
    float
    """
    w = np.asarray(w, dtype=float)
    centre = np.linspace(-1.0, 1.0, w.size).reshape(w.shape)
    return float(np.sum((w - centre) ** 2))


def _toy_classification():
    """Twelve fixed examples of three classes, class c pushed along feature c."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(12, 3))
    y = np.arange(12) % 3
    X[np.arange(12), y] += 2.0
    return X, y


def toy_kinked_loss(W):
    """A kinked bowl of a (3, 3) W: ``sum max(|D| / 2, D^2)``, ``D = W - c``, ``c`` as in :func:`shifted_bowl`.

    Piecewise smooth with kinks where an entry of D is 0 or +-1/2 (a stand-in for a loss with kinks;
    not a lecture loss). A value only, no gradient: what random search and the numerical gradient need.

    Parameters
    ----------
    W : ndarray, shape (3, 3)

    Returns
    -------
    float
    """
    W = np.asarray(W, dtype=float)
    gap = W - np.linspace(-1.0, 1.0, W.size).reshape(W.shape)
    return float(np.sum(np.maximum(0.5 * np.abs(gap), gap * gap)))


def toy_smooth_loss(W):
    """Mean log-cosh error of the twelve toy examples' scores ``X @ W`` against one-hot targets.

    ``mean_i sum_c log cosh(s_ic - [c == y_i])``: smooth and convex, coupled through the data (a
    stand-in for a smooth classification loss; not a lecture loss). A value only.

    Parameters
    ----------
    W : ndarray, shape (3, 3)

    Returns
    -------
    float
    """
    X, y = _toy_classification()
    return _mean_log_cosh(X @ np.asarray(W, dtype=float) - np.eye(3)[y])


def _mean_log_cosh(residual):
    """``mean_i sum_c log cosh(r_ic)``, without overflow (``log cosh r = |r| + log1p(exp(-2|r|)) - log 2``)."""
    a = np.abs(residual)
    return float((a + np.log1p(np.exp(-2.0 * a)) - np.log(2.0)).sum() / len(residual))


# --- functions to differentiate numerically (notebook 08) -----------------------------------


def wavy(x):
    """A smooth function of any shape with coupled coordinates.

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    float
        ``sum(sin(3 x) + x^3 / 3) + (sum x)^2 / 2``.
    """
    x = np.asarray(x, dtype=float)
    return float(np.sum(np.sin(3.0 * x) + x**3 / 3.0) + 0.5 * np.sum(x) ** 2)


def lopsided(x):
    """A smooth function of any shape in which every coordinate plays its own part.

    ``sum_k (k + 1) sin(x_k) + x_first * x_last + sum(x^2) / 2`` over the flat entries of x: swapping
    two coordinates changes the value (unlike :func:`wavy`), so a gradient written to the wrong place shows.

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    float
    """
    flat = np.asarray(x, dtype=float).ravel()
    weights = np.arange(1.0, flat.size + 1.0)
    return float(np.sum(weights * np.sin(flat)) + flat[0] * flat[-1] + 0.5 * np.sum(flat**2))


def toy_smooth_objective(W):
    """:func:`toy_smooth_loss` plus ``0.1 * sum(W^2)``: a smooth objective of a (3, 3) W.

    Parameters
    ----------
    W : ndarray, shape (3, 3)

    Returns
    -------
    float
    """
    return toy_smooth_loss(W) + 0.1 * float(np.sum(W * W))


# --- an objective to descend (notebook 09) --------------------------------------------------


def log_cosh_objective(W, X, y):
    """A smooth classification objective that is no lecture loss: mean log-cosh against one-hot targets, + L2.

    ``mean_i sum_c log cosh(s_ic - [c == y_i]) + 1e-3 * sum(W^2)`` with ``S = X @ W``, and its gradient
    ``X.T @ tanh(S - Y) / N + 2e-3 W``. Convex and smooth; its minimiser classifies (argmax of the
    scores), so a training loop can be graded on it without handing out the softmax or hinge loss.

    Parameters
    ----------
    W : ndarray, shape (D, C)
    X : ndarray, shape (N, D)
    y : ndarray of int, shape (N,)

    Returns
    -------
    loss : float
    dW : ndarray, shape (D, C)
    """
    W, X = np.asarray(W, dtype=float), np.asarray(X, dtype=float)
    residual = X @ W - np.eye(W.shape[1])[np.asarray(y)]
    n = X.shape[0]
    return (_mean_log_cosh(residual) + 1e-3 * float(np.sum(W * W)),
            X.T @ np.tanh(residual) / n + 2e-3 * W)




# --- W-level data losses with their gradient (regularized_objective, workbook v3's notebook 04) ---------
# ``data_loss(W, X, y) -> (loss, dW)``; neither the hinge nor the softmax loss (those are exercises).


def smooth_hinge_loss_W(W, X, y):
    """:func:`smooth_hinge_loss` of the scores ``X @ W``, and its gradient with respect to W.

    Parameters
    ----------
    W : ndarray, shape (D, C)
    X : ndarray, shape (N, D)
    y : ndarray of int, shape (N,)

    Returns
    -------
    loss : float
    dW : ndarray, shape (D, C)
    """
    X = np.asarray(X, dtype=float)
    loss, dscores = smooth_hinge_loss(X @ np.asarray(W, dtype=float), np.asarray(y))
    return loss, X.T @ dscores


def onehot_squared_loss_W(W, X, y):
    """:func:`onehot_squared_loss` of the scores ``X @ W``, and its gradient with respect to W; shapes as above."""
    X = np.asarray(X, dtype=float)
    loss, dscores = onehot_squared_loss(X @ np.asarray(W, dtype=float), np.asarray(y))
    return loss, X.T @ dscores


# --- stand-ins for "train a model, return its validation accuracy" (notebook 11) ------------


def smooth_validation_accuracy(learning_rate, reg):
    """A smooth, lopsided bump peaking near learning rate 0.02 and reg 1e-4, like the digits grid.

    Parameters
    ----------
    learning_rate, reg : float > 0

    Returns
    -------
    float
    """
    a, b = np.log10(learning_rate) + 1.7, np.log10(reg) + 4.2
    return float(0.97 - 0.04 * a**2 - 0.02 * b**2 - 0.01 * a * b)


def plateau_validation_accuracy(learning_rate, reg):
    """Accuracy counted on 20 validation images: a plateau of ties at 0.95.

    Parameters
    ----------
    learning_rate, reg : float > 0

    Returns
    -------
    float
    """
    raw = 0.97 - 0.03 * abs(np.log10(learning_rate) + 2.0) - 0.05 * max(0.0, np.log10(reg) + 2.0)
    return float(np.floor(raw * 20) / 20)


def skewed_validation_accuracy(learning_rate, reg):
    """Best at the largest reg and the smallest learning rate: a corner of the grid.

    Parameters
    ----------
    learning_rate, reg : float > 0

    Returns
    -------
    float
    """
    return float(0.6 + 0.1 * np.log10(reg) - 0.05 * np.log10(learning_rate) + 0.001 * learning_rate)


# --- functions with an analytic gradient, some with a planted bug (notebook 08: gradient_check) --
# Each returns ``(value, gradient)``; none is an exercise's answer (smooth test functions only).


def _wavy_gradient(x):
    return 3.0 * np.cos(3.0 * x) + x**2 + np.sum(x)


def wavy_with_gradient(x):
    """:func:`wavy` and its exact gradient.

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    value : float
    grad : ndarray, shape of ``x``
    """
    x = np.asarray(x, dtype=float)
    return wavy(x), _wavy_gradient(x)


def wavy_with_planted_bug(x):
    """:func:`wavy` and a gradient that is wrong in one coordinate (flat index 1: the
    coupling term ``sum(x)`` is missing there).

    Parameters
    ----------
    x : ndarray, any shape, at least 2 entries

    Returns
    -------
    value : float
    grad : ndarray, shape of ``x``
    """
    x = np.asarray(x, dtype=float)
    grad = _wavy_gradient(x)
    grad.flat[1] -= np.sum(x)
    return wavy(x), grad


def quartic_with_gradient(x):
    """``sum((x - 1)^4) / 4 + sum(x^2) / 2`` and its exact gradient ``(x - 1)^3 + x``.

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    value : float
    grad : ndarray, shape of ``x``
    """
    x = np.asarray(x, dtype=float)
    return float(np.sum((x - 1.0) ** 4) / 4.0 + np.sum(x**2) / 2.0), (x - 1.0) ** 3 + x


def quartic_with_halved_column(x):
    """:func:`quartic_with_gradient` with the last column's gradient halved (a planted bug).

    Parameters
    ----------
    x : ndarray, shape (R, K)

    Returns
    -------
    value : float
    grad : ndarray, shape of ``x``
    """
    value, grad = quartic_with_gradient(x)
    grad[..., -1] *= 0.5
    return value, grad


# --- the epoch loop (notebook 09: sgd_epochs) -----------------------------------------------


def centroid_loss(w, X, y):
    """A loss whose value records which examples its batch holds: ``mean_i (1 + y_i) ||w - x_i||^2 / 2``.

    Its minimiser is the weighted mean of the rows of X (no lecture loss). The weights ``1 + y_i`` make
    the labels count, so that a batch of the right rows with the wrong labels gives another value.

    Parameters
    ----------
    w : ndarray, shape (D,)
    X : ndarray, shape (B, D)
    y : ndarray of int >= 0, shape (B,)

    Returns
    -------
    loss : float
    dw : ndarray, shape (D,)
        ``mean_i (1 + y_i) (w - x_i)``.
    """
    w, X = np.asarray(w, dtype=float), np.asarray(X, dtype=float)
    if X.ndim != 2 or w.shape != X.shape[1:]:
        raise ValueError(f"w: expected shape {X.shape[1:]} (a row of X), got shape {w.shape}")
    weight = 1.0 + np.asarray(y, dtype=float)
    residual = w - X
    return (float(weight @ np.sum(residual**2, axis=1)) / (2 * len(weight)),
            weight @ residual / len(weight))


def step_in_place(w, dw):
    """``w -= 0.5 * dw``, changing its argument, then ``return w``: a step that works in place.

    Parameters
    ----------
    w : ndarray of float
        Changed in place.
    dw : ndarray, shape of w

    Returns
    -------
    ndarray
        ``w`` itself.
    """
    w -= 0.5 * np.asarray(dw, dtype=float)
    return w


# --- early stopping (notebook 11) --------------------------------------------------------------
# The "weights" are ``[epoch, s_1, ..., s_K]``: training counts epochs in entry 0 and the validation
# score after epoch e is read from entry e, so that a case's arguments hold its whole score curve.


def run_epoch_in_place(w):
    """One more "epoch": adds 1 to ``w[0]`` in place and returns ``w`` itself.

    Parameters
    ----------
    w : ndarray of float, shape (1 + K,)
        ``[epochs so far, s_1, ..., s_K]``; changed in place.

    Returns
    -------
    ndarray
        ``w``.
    """
    w[0] += 1.0
    return w


def run_epoch_new(w):
    """One more "epoch": a new array with ``w[0] + 1``; ``w`` is left as it was.

    Parameters
    ----------
    w : ndarray, shape (1 + K,)

    Returns
    -------
    ndarray of float, shape (1 + K,)
    """
    out = np.array(w, dtype=float)
    out[0] += 1.0
    return out


def score_from_table(w):
    """The validation score after ``w[0]`` epochs: ``w[w[0]]`` for 1 <= w[0] <= K, NaN otherwise.

    Parameters
    ----------
    w : ndarray, shape (1 + K,)

    Returns
    -------
    float
    """
    w = np.asarray(w, dtype=float)
    epoch = int(round(w[0]))
    return float(w[epoch]) if 1 <= epoch < w.size else float("nan")


# --- an update step handed to a training loop (notebook 09) -------------------------------------
# ``step(w, dw) -> next_w``; plain steps with a fixed learning rate (no exercise's answer).


def plain_step_half(w, dw):
    """``w - 0.5 * dw``.

    Parameters
    ----------
    w, dw : ndarray of the same shape

    Returns
    -------
    ndarray, shape of ``w``
    """
    return np.asarray(w, dtype=float) - 0.5 * np.asarray(dw, dtype=float)
