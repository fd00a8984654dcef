"""Weight penalties R(W) and their gradients.

The full objective is ``data_loss + reg * R(W)``: each function here returns ``R(W)`` and
``dR/dW`` *without* the strength ``reg``, which the caller multiplies in once; they penalize
whatever array they are given (with the bias trick, the bias row too). Notebook 04's exercise is
the whole objective (``regularized_objective``, data loss + reg * R(W) and its gradient), not a
penalty alone, so these stay the open library's own in every release.

:func:`regularized_objective` is that objective in workbook v3's form: a W-level data loss
``data_loss(W, X, y) -> (loss, dW)``, the three penalties of the lecture's slide, and the bias row
(W's last row, with the bias trick) penalized or not. It is notebook 04's exercise ``regularized_objective``:
its body is a reference region, which a graded release replaces by the student's own answer.
"""

from __future__ import annotations

import numpy as np

from course_lib._validation import as_float_array, as_linear_problem, check_callable, check_choice, check_number


def l2_penalty(W):
    """L2 penalty ``R(W) = sum_kl W_kl^2``.

    Parameters
    ----------
    W : array_like, any shape

    Returns
    -------
    penalty : float
    dW : ndarray, shape of ``W``
    """
    return _l2(as_float_array(W, "W"))


def _l2(W):
    return float((W * W).sum()), 2.0 * W


def l1_penalty(W):
    """L1 penalty ``R(W) = sum_kl |W_kl|``; its gradient uses ``sign(0) = 0``."""
    return _l1(as_float_array(W, "W"))


def _l1(W):
    return float(np.abs(W).sum()), np.sign(W)


def elastic_net_penalty(W, beta=0.5):
    """Elastic net ``R(W) = sum_kl beta * W_kl^2 + |W_kl|`` (the lecture's form).

    Parameters
    ----------
    W : array_like, any shape
    beta : float >= 0
        Weight of the squared term relative to the absolute term.
    """
    return _elastic_net(as_float_array(W, "W"), check_number(beta, "beta", low=0))


def _elastic_net(W, beta=0.5):
    return float(beta * (W * W).sum() + np.abs(W).sum()), 2.0 * beta * W + np.sign(W)


PENALTIES = {"l2": l2_penalty, "l1": l1_penalty, "elastic_net": elastic_net_penalty}
# the same on validated input, for training loops (internals trust their inputs)
_TRUSTED_PENALTIES = {"l2": _l2, "l1": _l1, "elastic_net": _elastic_net}


def penalty(W, kind="l2", **kwargs):
    """Dispatch to a penalty by name: ``"l2"``, ``"l1"`` or ``"elastic_net"`` (takes ``beta``)."""
    check_choice(kind, "kind", PENALTIES)
    return PENALTIES[kind](W, **kwargs)


def regularized_objective(W, X, y, data_loss, reg, kind="l2", beta=0.5, penalize_bias=True):
    """The full objective ``data_loss(W, X, y) + reg * R(W)`` and its gradient with respect to W.

    Parameters
    ----------
    W : array_like, shape (D, C)
        Weights; with the bias trick the last row is the bias.
    X : array_like, shape (N, D)
    y : array_like of int, shape (N,)
        Class labels in ``[0, C)``.
    data_loss : callable
        ``data_loss(W, X, y) -> (loss, dW)`` with ``dW`` of W's shape: any data loss with the
        lecture's conventions (:func:`course_lib.losses.svm_loss_W`, :func:`course_lib.losses.softmax_loss_W`).
    reg : float >= 0
        The strength lambda.
    kind : {"l2", "l1", "elastic_net"}
        R as on the lecture's slide: ``sum W^2``, ``sum |W|``, ``sum beta W^2 + |W|``. At a weight of
        exactly 0 the L1 slope is 0.
    beta : float >= 0
        Elastic net's weight of the squared term.
    penalize_bias : bool
        False leaves the last row of W (the bias) out of R.

    Returns
    -------
    loss : float
    dW : ndarray, shape (D, C)

    Raises
    ------
    ValueError
        For a negative ``reg`` or ``beta``, an unknown ``kind``, shapes that disagree, or a
        ``data_loss`` that does not return ``(loss, dW)`` of W's shape.
    """
    W, X, y = as_linear_problem(W, X, y)
    check_callable(data_loss, "data_loss")
    reg = check_number(reg, "reg", low=0)
    check_choice(kind, "kind", PENALTIES)
    beta = check_number(beta, "beta", low=0)
    if not isinstance(penalize_bias, (bool, np.bool_)):
        raise ValueError(f"penalize_bias: expected True or False, got {penalize_bias!r}")
    return _regularized_objective(W, X, y, _checked_data_loss(data_loss, W.shape), reg, kind, beta,
                                  bool(penalize_bias))


def _checked_data_loss(data_loss, shape):
    """``data_loss`` with its output checked once per call: a number and a gradient of W's shape."""
    def checked(W, X, y):
        result = data_loss(W, X, y)
        if not isinstance(result, tuple) or len(result) != 2:
            got = f"a tuple of {len(result)} values" if isinstance(result, tuple) else type(result).__name__
            raise ValueError(f"data_loss: expected it to return (loss, dW), got {got}")
        loss, dW = result
        if np.ndim(loss) != 0:
            raise ValueError(f"data_loss: expected loss to be a number, got shape {np.shape(loss)}")
        if np.shape(dW) != shape:
            raise ValueError(f"data_loss: expected dW of shape {shape} (the shape of W), got shape {np.shape(dW)}")
        return float(loss), np.asarray(dW, dtype=np.float64)
    return checked


def _regularized_objective(W, X, y, data_loss, reg, kind, beta, penalize_bias):
    """:func:`regularized_objective` on validated inputs."""
    ### BEGIN REFERENCE regularized_objective
    loss, dW = data_loss(W, X, y)
    rows = W.shape[0] if penalize_bias else W.shape[0] - 1
    if kind == "elastic_net":
        penalty, dpenalty = _elastic_net(W[:rows], beta)
    else:
        penalty, dpenalty = _TRUSTED_PENALTIES[kind](W[:rows])
    grad = np.array(dW, dtype=np.float64)
    grad[:rows] += reg * dpenalty
    return float(loss) + reg * penalty, grad
    ### END REFERENCE
