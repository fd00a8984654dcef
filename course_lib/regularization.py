"""Weight penalties R(W) and their gradients.

The full objective is ``data_loss + reg * R(W)``: each function here returns ``R(W)`` and
``dR/dW`` *without* the strength ``reg``, which the caller multiplies in once; they penalize
whatever array they are given (with the bias trick, the bias row too). Notebook 04's exercise is
the whole objective (``regularized_objective``, data loss + reg * R(W) and its gradient), not a
penalty alone, so these stay the open library's own in every release.
"""

from __future__ import annotations

import numpy as np

from course_lib._validation import as_float_array, check_choice, check_number


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
