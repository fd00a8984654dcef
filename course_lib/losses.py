"""Loss functions for a linear classifier, with their gradients.

Conventions (the lecture's, used throughout course_lib):

- ``scores`` is an (N, C) array: one row per example, one column per class.
- ``y`` is an (N,) integer array of correct classes in ``[0, C)``.
- Logarithms are natural logs.
- A loss is the *average* over the N examples; regularization is added elsewhere, once.
- Every loss returns ``(loss, gradient)``, the gradient having the shape of its first argument.

The ``*_naive`` versions loop over examples and classes exactly as the formulas read;
the vectorized ones give the same numbers with no Python loop.

Each body that implements a graded exercise sits between ``### BEGIN REFERENCE <exercise id>``
and ``### END REFERENCE``: a graded student release replaces it by a call to the student's own
answer (see :mod:`course_lib.grading.release.build` and :mod:`course_lib.answers`).
"""

from __future__ import annotations

import numpy as np

from course_lib._validation import as_float_array, as_scores_and_labels, check_number


def svm_loss_naive(scores, y, margin=1.0):
    """Multiclass SVM (hinge) loss, computed with explicit loops.

    ``L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + margin)``, averaged over examples.

    Parameters
    ----------
    scores : array_like, shape (N, C)
        Class scores, one row per example.
    y : array_like of int, shape (N,)
        Correct class of each example, in ``[0, C)``.
    margin : float
        The safety margin Delta (1 in the lecture).

    Returns
    -------
    loss : float
        Mean hinge loss over the N examples.
    dscores : ndarray, shape (N, C)
        Gradient of ``loss`` with respect to ``scores``.
    """
    scores, y = as_scores_and_labels(scores, y)
    margin = check_number(margin, "margin", low=0)
    ### BEGIN REFERENCE svm_loop -> with_margin(answer, scores, y, margin)
    n, c = scores.shape
    loss = 0.0
    dscores = np.zeros_like(scores)
    for i in range(n):
        correct = scores[i, y[i]]
        for j in range(c):
            if j == y[i]:
                continue
            m = scores[i, j] - correct + margin
            if m > 0:
                loss += m
                dscores[i, j] += 1.0
                dscores[i, y[i]] -= 1.0
    return loss / n, dscores / n
    ### END REFERENCE


def svm_loss(scores, y, margin=1.0):
    """Multiclass SVM (hinge) loss, vectorized. Same contract as :func:`svm_loss_naive`."""
    scores, y = as_scores_and_labels(scores, y)
    return _svm_loss(scores, y, check_number(margin, "margin", low=0))


def _svm_loss(scores, y, margin=1.0):
    """:func:`svm_loss` on inputs already validated (float64 (N, C) scores, int labels)."""
    ### BEGIN REFERENCE svm_vectorized -> with_margin(answer, scores, y, margin)
    n = scores.shape[0]
    rows = np.arange(n)
    margins = scores - scores[rows, y][:, None] + margin
    margins[rows, y] = 0.0
    np.maximum(margins, 0.0, out=margins)
    active = (margins > 0).astype(np.float64)
    active[rows, y] = -active.sum(axis=1)
    return margins.sum() / n, active / n
    ### END REFERENCE


def with_margin(hinge_loss, scores, y, margin):
    """A hinge loss with margin 1, ``hinge_loss(scores, y)``, evaluated at another margin.

    For a margin Delta > 0, ``max(0, s_j - s_y + Delta) = Delta * max(0, s_j / Delta - s_y / Delta + 1)``:
    the loss scales by Delta and the gradient is the one at ``scores / Delta``. A graded release runs
    your own hinge loss through this for :func:`svm_loss` and :func:`svm_loss_naive`.
    """
    if margin == 1.0:
        return hinge_loss(scores, y)
    if margin <= 0:
        raise ValueError(f"margin: expected a margin > 0 where the hinge loss is your own, got {margin}")
    loss, dscores = hinge_loss(scores / margin, y)
    return margin * loss, np.asarray(dscores, dtype=float)


def softmax(scores):
    """Row-wise softmax probabilities, stable for scores of any magnitude.

    Parameters
    ----------
    scores : array_like, shape (N, C) or (C,)

    Returns
    -------
    probs : ndarray, same shape as ``scores``; each row is non-negative and sums to 1.
    """
    scores = as_float_array(scores, "scores", ndim=(1, 2))
    ### BEGIN REFERENCE softmax_probs -> answer(scores[None])[0] if scores.ndim == 1 else answer(scores)
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)
    ### END REFERENCE


def softmax_loss_naive(scores, y):
    """Softmax (cross-entropy) loss, computed with explicit loops.

    ``L_i = -ln( exp(s_{y_i}) / sum_j exp(s_j) )``, averaged over examples. Each row is
    shifted by its maximum first, which changes no probability but keeps ``exp`` finite.

    Parameters
    ----------
    scores : array_like, shape (N, C)
    y : array_like of int, shape (N,)

    Returns
    -------
    loss : float
    dscores : ndarray, shape (N, C)
    """
    scores, y = as_scores_and_labels(scores, y)
    ### BEGIN REFERENCE softmax_loop
    n, c = scores.shape
    loss = 0.0
    dscores = np.zeros_like(scores)
    for i in range(n):
        top = max(scores[i])
        exps = [np.exp(scores[i, j] - top) for j in range(c)]
        total = sum(exps)
        loss += -(scores[i, y[i]] - top - np.log(total))
        for j in range(c):
            dscores[i, j] = exps[j] / total - (1.0 if j == y[i] else 0.0)
    return loss / n, dscores / n
    ### END REFERENCE


def softmax_loss(scores, y):
    """Softmax (cross-entropy) loss, vectorized. Same contract as :func:`softmax_loss_naive`."""
    scores, y = as_scores_and_labels(scores, y)
    return _softmax_loss(scores, y)


def _softmax_loss(scores, y):
    """:func:`softmax_loss` on inputs already validated (float64 (N, C) scores, int labels)."""
    ### BEGIN REFERENCE softmax_vectorized
    n = scores.shape[0]
    rows = np.arange(n)
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    loss = np.log(total[:, 0]).sum() - shifted[rows, y].sum()
    dscores = exp / total
    dscores[rows, y] -= 1.0
    return loss / n, dscores / n
    ### END REFERENCE


def _regression_pair(pred, target):
    pred = as_float_array(pred, "pred", ndim=(1, 2))
    target = as_float_array(target, "target", ndim=(1, 2))
    if pred.shape != target.shape:
        raise ValueError(f"target: expected the shape of pred {pred.shape}, got shape {target.shape}")
    return pred, target


def l2_loss(pred, target):
    """Squared error, summed over outputs and averaged over examples.

    Parameters
    ----------
    pred, target : array_like, shape (N,) or (N, K)
        Predictions and targets; the shapes must match exactly (no broadcasting).

    Returns
    -------
    loss : float
        ``mean_i sum_k (pred_ik - target_ik)^2``.
    dpred : ndarray, shape of ``pred``
    """
    pred, target = _regression_pair(pred, target)
    ### BEGIN REFERENCE squared_error
    diff = pred - target
    n = pred.shape[0]
    return float((diff**2).sum() / n), 2.0 * diff / n
    ### END REFERENCE


def l1_loss(pred, target):
    """Absolute error, summed over outputs and averaged over examples.

    Same shapes as :func:`l2_loss`. The gradient uses ``sign(0) = 0``.
    """
    pred, target = _regression_pair(pred, target)
    error = pred - target
    return float(np.abs(error).sum() / len(error)), np.sign(error) / len(error)
