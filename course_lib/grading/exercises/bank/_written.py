"""Marking guides of the written questions (instructors only: the release does not ship the bank folder).

Written questions are markdown answer cells with nbgrader "manually graded answer" metadata
(:func:`course_lib.grading.exercises.cells.written_metadata`) and ids starting with ``written_``; they
are not exercises of the bank (nothing here is graded automatically). Each guide lists what
a full answer contains, one point per item unless said otherwise.
"""

from __future__ import annotations

WRITTEN = {
    "written_softmax_gradient": {
        "notebook": "05_softmax_cross_entropy",
        "points": 3,
        "question": "Derive dL_i/ds_k and dL/dW for the mean softmax loss of S = X W. Why is dL_i/ds_k never "
                    "exactly zero for finite scores?",
        "guide": (
            "Per example: L_i = -s_{y_i} + ln sum_j e^{s_j}, so dL_i/ds_k = e^{s_k} / sum_j e^{s_j} - 1[k = y_i] "
            "= p_k - 1[k = y_i] (the first term from the log-sum-exp, the -1 only at the correct class).",
            "Chain rule through s_ik = sum_d X_id W_dk: dL/dW_dk = (1/N) sum_i X_id (p_ik - 1[k = y_i]), i.e. "
            "dL/dW = X^T (P - Y) / N with P the (N, C) probabilities and Y the one-hot labels; shape (D, C) "
            "(1 point for the chain rule with the 1/N, not only the score gradient).",
            "Never zero: for finite scores every p_k lies strictly between 0 and 1, so p_k - 1[k = y_i] is "
            "nonzero for every k (negative at the correct class, positive elsewhere); the loss keeps asking "
            "for a larger gap however well the example is classified. (Full marks do not need it, but note "
            "that dL/dW, a sum over examples, can still be zero when their pulls cancel.)",
        ),
    },
    "written_svm_gradient": {
        "notebook": "03_multiclass_svm",
        "points": 3,
        "question": "Derive dL/dW of the multiclass SVM loss L(W) = (1/N) sum_i sum_{j != y_i} max(0, x_i.w_j - "
                    "x_i.w_{y_i} + 1): first dL_i/ds_j (j != y_i) and dL_i/ds_{y_i}, then dL/dS with the 1/N, then "
                    "the chain rule through S = XW. What do you use where a margin is exactly 0?",
        "guide": (
            "Per example: dL_i/ds_j = 1[s_j - s_{y_i} + 1 > 0] for j != y_i (the slope of max(0, u) is 1 for "
            "u > 0 and 0 for u < 0), and dL_i/ds_{y_i} = -(number of wrong classes j with s_j - s_{y_i} + 1 > 0), "
            "since s_{y_i} appears with a minus sign in every term.",
            "dL/dS is the (N, C) array M of these slopes divided by N (the mean); s_ij = x_i . w_j depends on "
            "column j of W only, with ds_ij/dW_kj = X_ik, so dL/dW_kj = sum_i X_ik M_ij: dL/dW = X^T M, shape "
            "(D, N) (N, C) = (D, C), the shape of W.",
            "At a violation s_j - s_{y_i} + 1 of exactly 0 the max has a kink: the one-sided slopes are 0 and 1, "
            "and any value in [0, 1] is a subgradient; the workbook takes 0 (an inactive term), which the "
            "exercise's contract states. Full marks need the three steps and a correct treatment of the kink "
            "(1 point each).",
        ),
    },
    "written_margin_lambda": {
        "notebook": "04_regularization",
        "points": 2,
        "question": "Why does training with margin 1 and lambda, or with margin Delta and some other lambda', "
                    "give the same predictions? Which lambda' for the L2 penalty?",
        "guide": (
            "With W' = Delta W the hinge loss with margin Delta of W' equals Delta times the hinge loss with "
            "margin 1 of W, and R(W') = Delta^2 R(W) for L2; so the objective for W' is Delta times the "
            "objective for W when lambda' = lambda / Delta (Delta L1(W) + lambda' Delta^2 R(W)).",
            "Multiplying an objective by a positive constant does not move its minimiser, so the best W' is "
            "Delta times the best W: every score is scaled by Delta, the argmax (the prediction) is "
            "unchanged. The margin only fixes the units of W; lambda is the knob that matters.",
        ),
    },
    "written_gradient_check_kink": {
        "notebook": "08_gradients",
        "points": 2,
        "question": "A gradient check of a hinge loss on 200 images reports relative errors below 1e-8 at 649 of 650 "
                    "weights and 0.2 at one. Give an explanation that means the gradient is wrong and one that "
                    "does not, and one experiment that tells them apart.",
        "guide": (
            "Two explanations: a real bug that touches only that weight (a term of one class or pixel handled "
            "differently), and no bug at all: a margin of some example lies within h of 0 at that weight, so "
            "w - h and w + h fall on both sides of the hinge's kink and the centred difference averages two "
            "slopes (any value between them is a valid subgradient).",
            "A test that separates them: run `crosses_kink` at that weight (a kink between w - h and w + h "
            "explains the error, no kink leaves only a bug), or repeat the check with a much smaller h or at a "
            "slightly moved W (the kink case agrees again, a bug does not).",
        ),
    },
}
