"""Loop versions of the lecture's losses, written as the formulas read: test oracles only.

course_lib ships no loop version of an exercise's loss (in a release it would be an open answer to
notebook 03's ``svm_vectorized`` or 05's ``softmax_vectorized``); the tests compare the vectorized functions
with these.
"""

from __future__ import annotations

import numpy as np


def hinge_with_loops(scores, y, margin=1.0):
    """``(mean_i sum_{j != y_i} max(0, s_ij - s_iy_i + margin), dscores)`` with loops; a margin of 0 is inactive."""
    scores = np.asarray(scores, dtype=float)
    n, c = scores.shape
    loss, dscores = 0.0, np.zeros_like(scores)
    for i in range(n):
        for j in range(c):
            violation = scores[i, j] - scores[i, y[i]] + margin
            if j != y[i] and violation > 0:
                loss += violation
                dscores[i, j] += 1.0
                dscores[i, y[i]] -= 1.0
    return loss / n, dscores / n


def softmax_loss_loops(scores, y):
    """The softmax loss read literally, one example and one class at a time (a test oracle, no shortcut)."""
    scores = np.asarray(scores, dtype=float)
    n, c = scores.shape
    loss, dscores = 0.0, np.zeros((n, c))
    for i in range(n):
        top = max(scores[i])
        total = sum(np.exp(scores[i, j] - top) for j in range(c))
        loss += np.log(total) - (scores[i, y[i]] - top)
        for j in range(c):
            dscores[i, j] = np.exp(scores[i, j] - top) / total - (j == y[i])
    return loss / n, dscores / n
