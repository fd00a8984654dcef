"""Loss functions for a linear classifier, with their gradients.

Conventions (the lecture's, used throughout course_lib):

- ``scores`` is an (N, C) array: one row per example, one column per class.
- ``y`` is an (N,) integer array of correct classes in ``[0, C)``.
- Logarithms are natural logs.
- A loss is the *average* over the N examples; regularization is added elsewhere, once.
- Every loss returns ``(loss, gradient)``, the gradient having the shape of its first argument.

:func:`svm_loss_naive` loops over examples and classes exactly as the formula reads; the
vectorized losses give the same numbers with no Python loop.

The W-level losses :func:`svm_loss_W` and :func:`softmax_loss_W` take the weights instead of the scores,
as notebooks 03 and 05 of workbook v3 ask: ``W`` (D, C), ``X`` (N, D) (with the bias trick, a last
column of ones and the bias as W's last row), ``y`` (N,); they return ``(loss, dW)``. The scores-level
losses can run a W-level loss through :func:`loss_on_scores` (W = the scores, X = the identity).

Each body that implements a graded exercise sits between ``### BEGIN REFERENCE <exercise id>``
and ``### END REFERENCE``: a graded student release replaces it by a call to the student's own
answer (see :mod:`course_lib.grading.release.build` and :mod:`course_lib.answers`).
"""

from __future__ import annotations

import numpy as np

from course_lib._validation import as_float_array, as_linear_problem, as_scores_and_labels, check_number


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
    """Multiclass SVM (hinge) loss, vectorized. Same contract as :func:`svm_loss_naive`, with a margin > 0.

    It runs the W-level loss (notebook 03's exercise) on the scores, through :func:`with_margin`, which
    needs a positive margin.
    """
    scores, y = as_scores_and_labels(scores, y)
    return _svm_loss(scores, y, check_number(margin, "margin", low=0, low_inclusive=False))


def _svm_loss(scores, y, margin=1.0):
    """:func:`svm_loss` on inputs already validated (float64 (N, C) scores, int labels)."""
    return with_margin(_svm_on_scores, scores, y, margin)


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


def softmax_loss(scores, y):
    """Softmax (cross-entropy) loss of given scores, and its gradient with respect to the scores.

    ``L_i = -ln( exp(s_{y_i}) / sum_j exp(s_j) )``, natural logs, averaged over examples; exact for
    finite scores of any size. Computed by the W-level :func:`softmax_loss_W` with X = the identity
    (:func:`loss_on_scores`), so that in a graded release it runs the student's notebook-05 answer.

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
    return _softmax_loss(scores, y)


def _softmax_loss(scores, y):
    """:func:`softmax_loss` on inputs already validated (float64 (N, C) scores, int labels)."""
    return _softmax_on_scores(scores, y)


# --- the losses as functions of W (workbook v3) -------------------------------------------
# Each body below is a ``### BEGIN REFERENCE <id>`` region of a v3 exercise (``svm_vectorized``,
# ``softmax_vectorized``): a graded release replaces it by a call to the student's own answer.


def svm_loss_W(W, X, y):
    """Multiclass SVM (hinge) loss of a linear classifier, as a function of its weights, and its gradient.

    ``L = (1/N) sum_i sum_{j != y_i} max(0, s_ij - s_iy_i + 1)`` with the scores ``S = X @ W``. A margin
    of exactly 0 counts as met (its term is inactive: gradient 0). No Python loop.

    Parameters
    ----------
    W : array_like, shape (D, C)
        Weights, one column per class (with the bias trick, the bias is the last row).
    X : array_like, shape (N, D)
        Examples in rows (with the bias trick, a last column of ones).
    y : array_like of int, shape (N,)
        Correct class of each example, in ``[0, C)``.

    Returns
    -------
    loss : float
        Mean hinge loss over the N examples (no regularization).
    dW : ndarray, shape (D, C)
        Gradient of ``loss`` with respect to ``W``.
    """
    return _svm_loss_W(*as_linear_problem(W, X, y))


def _svm_loss_W(W, X, y):
    """:func:`svm_loss_W` on validated inputs."""
    ### BEGIN REFERENCE svm_vectorized
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    violations = scores - scores[rows, y, None] + 1.0
    violations[rows, y] = 0.0
    active = violations > 0.0
    weights = active.astype(np.float64)
    weights[rows, y] = -active.sum(axis=1)
    return float(violations[active].sum() / n), X.T @ weights / n
    ### END REFERENCE


def softmax_loss_W(W, X, y):
    """Softmax (cross-entropy) loss of a linear classifier, as a function of its weights, and its gradient.

    ``L = (1/N) sum_i -ln( exp(s_iy_i) / sum_j exp(s_ij) )`` with ``S = X @ W``, natural logs,
    computed as a log-sum-exp: exact for finite scores of any size (a correct class 500 below the
    others costs 500, not ``inf``). No Python loop.

    Parameters
    ----------
    W : array_like, shape (D, C)
    X : array_like, shape (N, D)
    y : array_like of int, shape (N,)
        As for :func:`svm_loss_W`.

    Returns
    -------
    loss : float
        Mean cross-entropy over the N examples (no regularization).
    dW : ndarray, shape (D, C)
        ``X.T @ (P - Y) / N``, P the probabilities and Y the one-hot labels.
    """
    return _softmax_loss_W(*as_linear_problem(W, X, y))


def _softmax_loss_W(W, X, y):
    """:func:`softmax_loss_W` on validated inputs.

    The arithmetic is the scores-level loss's of workbook v2, step for step: with X the identity and at
    most 256 rows, ``cl.softmax_loss`` gives the same bits as before the switch (stored outputs hold).
    """
    ### BEGIN REFERENCE softmax_vectorized
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    centred = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(centred)
    total = exp.sum(axis=1, keepdims=True)
    loss = np.log(total[:, 0]).sum() - centred[rows, y].sum()
    dscores = exp / total
    dscores[rows, y] -= 1.0
    return float(loss / n), X.T @ dscores / n
    ### END REFERENCE


IDENTITY_BLOCK = 256  # rows per call of a W-level loss in :func:`loss_on_scores`


def loss_on_scores(loss_W, scores, y, block=IDENTITY_BLOCK):
    """A W-level loss evaluated on given scores: ``loss_W(W=scores, X=identity, y)``, block by block.

    With ``X`` the identity, ``X @ W`` is ``W`` itself and ``dW`` is the gradient with respect to the
    scores, so that a W-level loss (notebook 03's and 05's answers in workbook v3) serves wherever
    course_lib needs ``(loss, dscores)`` of an (N, C) score array: the widgets, :class:`LinearClassifier`,
    ``cl.svm_loss``. Blocks of at most ``block`` rows keep the identity small (``block`` x ``block``);
    each block's mean is weighted by its share of the N rows.

    Parameters
    ----------
    loss_W : callable
        ``loss_W(W (B, C), X (B, B), y (B,)) -> (loss, dW (B, C))``, a mean over the B rows.
    scores : ndarray, shape (N, C)
        Validated float64 scores (this is an internal helper: the public losses validate).
    y : ndarray of int, shape (N,)
    block : int >= 1

    Returns
    -------
    loss : float
        The mean over all N rows.
    dscores : ndarray, shape (N, C)
    """
    n = scores.shape[0]
    total, dscores = 0.0, np.empty_like(scores)
    identity = np.eye(min(n, block))
    for start in range(0, n, block):
        rows = slice(start, min(start + block, n))
        size = rows.stop - start
        X = identity if size == identity.shape[0] else np.eye(size)
        loss, dW = loss_W(scores[rows], X, y[rows])
        dW = np.asarray(dW, dtype=np.float64)
        if dW.shape != (size, scores.shape[1]):
            raise ValueError(f"loss_W: expected dW of shape {(size, scores.shape[1])} (the shape of W), "
                             f"got shape {dW.shape}")
        total += float(loss) * (size / n)
        dscores[rows] = dW * (size / n)
    return total, dscores


def _svm_on_scores(scores, y):
    """The hinge loss of validated scores through the W-level :func:`_svm_loss_W` (see :func:`loss_on_scores`).

    :func:`svm_loss` returns ``with_margin(_svm_on_scores, scores, y, margin)``, so that in a graded release
    ``cl.svm_loss`` runs the student's W-level answer (notebook 03's ``svm_vectorized``).
    """
    return loss_on_scores(_svm_loss_W, scores, y)


def _softmax_on_scores(scores, y):
    """The softmax loss of validated scores through the W-level :func:`_softmax_loss_W` (as :func:`_svm_on_scores`)."""
    return loss_on_scores(_softmax_loss_W, scores, y)


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
