"""Marking guides of the written questions (instructors only: the release does not ship the bank folder).

Written questions are markdown answer cells with nbgrader "manually graded answer" metadata
(:func:`course_lib.grading.exercises.cells.written_metadata`) and ids starting with ``written_``; they
are not exercises of the bank (nothing here is graded automatically). Each guide lists what
a full answer contains, one point per item unless said otherwise.
"""

from __future__ import annotations

WRITTEN = {
    "written_linear_limits": {
        "notebook": "01_linear_classifier_recap",
        "points": 2,
        "question": "Why can no linear classifier beat the majority rule on the ring, while one straight "
                    "border gets to about 0.7 on the opposite quadrants?",
        "guide": (
            "Each class region of a linear classifier is an intersection of half-planes: convex, in one "
            "piece. The ring class is not convex (its inside belongs to the other class), so any straight "
            "border that captures part of the ring also captures inside or outside points, and predicting "
            "'outside' everywhere (the majority) is already as good as it gets.",
            "On the opposite quadrants one half-plane can contain one of the two class-1 quadrants plus "
            "little else, so a line classifies about one quadrant's worth better than the majority rule "
            "(0.71 against 0.53), but it cannot take in both quadrants at once.",
        ),
    },
    "written_softmax_gradient": {
        "notebook": "05_softmax_cross_entropy",
        "points": 3,
        "question": "Derive dL_i/ds_k and dL/dW for the mean softmax loss of S = X W. Why is the gradient never "
                    "exactly zero for finite scores?",
        "guide": (
            "Per example: L_i = -s_{y_i} + ln sum_j e^{s_j}, so dL_i/ds_k = e^{s_k} / sum_j e^{s_j} - 1[k = y_i] "
            "= p_k - 1[k = y_i] (the first term from the log-sum-exp, the -1 only at the correct class).",
            "Chain rule through s_ik = sum_d X_id W_dk: dL/dW_dk = (1/N) sum_i X_id (p_ik - 1[k = y_i]), i.e. "
            "dL/dW = X^T (P - Y) / N with P the (N, C) probabilities and Y the one-hot labels; shape (D, C) "
            "(1 point for the chain rule with the 1/N, not only the score gradient).",
            "Never zero: for finite scores every p_k lies strictly between 0 and 1, so p_k - 1[k = y_i] is "
            "nonzero for every k (negative at the correct class, positive elsewhere); the loss keeps asking "
            "for a larger gap however well the example is classified.",
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
            "A test that separates them: repeat the check with a much smaller h, or at a slightly moved W (the "
            "kink case agrees again, a bug does not), or check whether any margin changes sign between w - h "
            "and w + h.",
        ),
    },
}
