"""The hint each wrong entry of the independent corpus should get (``tests/corpus/independent/``).

``LABELS[entry id]`` is the bank ``Mistake.name`` the judge should name (a tuple: any of them, when the
author describes two problems at once), ``"generic:<signature>"`` for one of
:data:`course_lib.grading.judging.hints.GENERICS`, or None when no known mistake fits and the failing case's
own line (no hint) is the right feedback: a loop where the exercise forbids one, a construct the contract
excludes, a slip of the author's own. Each label was decided from the entry's plain-words ``mistake``
(what its author says it does), before the judge was asked; a label naming a mistake the bank did not yet
have says so in its comment (the mistake was then added for what its output does, not for the entry's code).
``"commitment"`` marks a wrong prediction in an exercise graded for commitment: by design it earns its point
with "k of n right" and no hint (design 4.2 of docs/course-flow.md), and that is what it must get.

``AUTHOR_ERRORS[entry id]`` lists the entries their author marked correct that break the contract, each with
the hand computation that shows it (done without the judge); they are measured as wrong answers, with
their label in ``LABELS``. The entries themselves are copied unchanged.
"""

# Labels changed after the judge was asked, each with its first value and the reason (checked by hand or
# in the bank's hint text, never by the judge's say-so). The figures are reported with these revisions.
RELABELLED = {
    "nb00-correct_class_scores-w06": ("generic:shape", "the bank's whole_columns hint names scores[y] itself "
                                                       "(whole rows, one per label)"),
    "nb03-svm_vectorized-w01": ("includes_correct_class", "the author's gradient is right: M[i, y_i] = 1 - (k + 1) = "
                                                          "-k for k violations, so only the loss has the extra 1 "
                                                          "(includes_correct_class_in_loss)"),
}

RELABELLED["nb08-numgrad-w03"] = ("copy_keeps_integers", "its author names two problems, x changed in place and an "
                                                        "integer x truncating the step: a hint on either is right")

AUTHOR_ERRORS = {
    # (nb06-disagree-c03 was one, B = [4, -20, 3, -20, -20]: both losses preferred A; its author has since
    # corrected its score to 3.1, which makes it right: softmax A 0.79, B ln(1 + e^0.1) = 0.74)
}


LABELS = {
    # --- 00_start_here -------------------------------------------------------------------------------
    "nb00-correct_class_scores-w01": "whole_columns",  # scores[:, y], (N, N)
    "nb00-correct_class_scores-w02": None,  # a list comprehension: the loop rule's line
    "nb00-correct_class_scores-w03": "row_maxima",
    "nb00-correct_class_scores-w04": "indices_swapped",  # scores[y, rows]: the (C, N) layout (new mistake)
    "nb00-correct_class_scores-w05": None,  # np.choose: at most 64 classes (fails the hidden 70-class case)
    "nb00-correct_class_scores-w06": "whole_columns",  # scores[y]: whole rows (the bank hint names scores[y])
    "nb00-correct_class_scores-w07": "column_not_vector",  # (N, 1)
    "nb00-cat_hinge_loss-w01": "includes_correct_class",
    "nb00-cat_hinge_loss-w02": "difference_reversed",
    "nb00-cat_hinge_loss-w03": "forgot_clamp",  # the positive term clamped or not, the same value
    "nb00-cat_hinge_loss-w04": None,  # another image's scores: no known slip
    "nb00-cat_hinge_loss-w05": "averaged_over_classes",
    # --- 01_linear_classifier_recap (an outcome judge: its message, no mistake hint) -------------------
    "nb01-hand_weights-w01": None,
    "nb01-hand_weights-w02": None,
    "nb01-hand_weights-w03": None,
    "nb01-hand_weights-w04": None,
    "nb01-hand_weights-w05": None,
    "nb01-hand_weights-w06": None,
    "nb01-hand_weights-w07": None,
    # --- 02_loss_functions -------------------------------------------------------------------------------
    "nb02-squared_error-w01": "mean_over_all_entries",
    "nb02-squared_error-w02": "gradient_missing_factor_2",
    "nb02-squared_error-w03": "gradient_sign",
    "nb02-squared_error-w04": "gradient_not_averaged",
    "nb02-squared_error-w05": "generic:mutates_input",  # pred -= target
    "nb02-squared_error-w06": "generic:shape",  # per-example losses (N,) where one number is asked
    "nb02-squared_error-w07": "root_of_mean",
    "nb02-best_constant-w01": "median_for_even",
    "nb02-best_constant-w02": "unsorted_middle",
    "nb02-best_constant-w03": "upper_pair_for_even",
    "nb02-best_constant-w04": None,  # an unknown kind returns None instead of raising
    "nb02-best_constant-w05": "kinds_swapped",
    "nb02-best_constant-w06": None,  # a grid of candidates: close, not exact
    "nb02-best_constant-w07": "generic:tuple",  # one float for the pair (low, high)
    "nb02-best_constant-w08": "generic:mutates_input",  # targets.sort()
    # --- 06_hinge_vs_softmax -----------------------------------------------------------------------------
    "nb06-predictions-w01": "commitment",
    "nb06-predictions-w02": "commitment",
    "nb06-predictions-w03": "commitment",
    "nb06-predictions-w04": "commitment",
    "nb06-predictions-w05": "commitment",
    "nb06-predictions-w06": "commitment",
    "nb06-predictions-w07": "commitment",
    "nb06-disagree-w01": None,  # an outcome judge: its measured message is the feedback
    "nb06-disagree-w02": None,
    "nb06-disagree-w03": None,
    "nb06-disagree-w04": None,
    "nb06-disagree-w05": None,
    "nb06-disagree-w06": None,
    "nb06-disagree-w07": None,
    "nb06-confbins-w01": "lower_edge_closed",  # np.digitize right=False, 1.0 clipped into the last bin
    "nb06-confbins-w02": "lower_edge_closed",  # floor(c * B) clipped: an edge goes one bin up, 1.0 kept
    "nb06-confbins-w03": "empty_bins_zero",
    "nb06-confbins-w04": "true_class_probability",
    "nb06-confbins-w05": None,  # a tie predicted as the last tied class: no known mistake
    "nb06-confbins-w06": "accuracy_over_all",
    "nb06-confbins-w07": "generic:swapped",
    "nb06-confbins-w08": "lower_edge_closed",  # np.histogram over [0, 1]: closed on the left, 1.0 kept
    # --- 03_multiclass_svm (written_svm_gradient is marked by hand: not measured) -----------------------
    "nb03-svm_predictions-w01": "commitment",
    "nb03-svm_predictions-w02": "commitment",
    "nb03-svm_predictions-w03": "commitment",
    "nb03-svm_predictions-w04": "commitment",
    "nb03-svm_predictions-w05": None,  # six answers for seven: incomplete, the judge's own message
    "nb03-svm_predictions-w06": "commitment",
    "nb03-svm_vectorized-w01": "includes_correct_class_in_loss",  # RELABELLED: its gradient is right
    "nb03-svm_vectorized-w02": "gradient_not_averaged",
    "nb03-svm_vectorized-w03": "boundary_counted",
    "nb03-svm_vectorized-w04": "correct_class_counted_once",
    "nb03-svm_vectorized-w05": "transposed_gradient",
    "nb03-svm_vectorized-w06": None,  # a Python loop over the examples: the loop rule's line
    "nb03-svm_vectorized-w07": None,  # violations counted per class (axis 0): no known mistake
    "nb03-svm_vectorized-w08": "gradient_uses_margins",  # margin values for the 0/1 slopes (new mistake)
    "nb03-rank_swap_pair-w01": None,  # an outcome judge: its measured message is the feedback
    "nb03-rank_swap_pair-w02": None,
    "nb03-rank_swap_pair-w03": None,
    "nb03-rank_swap_pair-w04": None,
    "nb03-rank_swap_pair-w05": None,
    "nb03-rank_swap_pair-w06": None,
    # --- 07_finding_the_best_w ---------------------------------------------------------------------------
    "nb07-local_search-w01": "generic:mutates_input",  # w = w0; w += nudge
    "nb07-local_search-w02": "accepts_ties",
    "nb07-local_search-w03": "nudges_the_start",
    "nb07-local_search-w04": "records_candidate_loss",
    "nb07-local_search-w05": "generic:length",  # T + 1 losses, the start's in front
    "nb07-local_search-w06": "compares_with_the_start",
    "nb07-local_search-w07": None,  # an integer array when no nudge is taken: no known mistake
    "nb07-local_search-w08": None,  # w0 itself returned when no nudge is taken: no known mistake
    "nb07-local_search-w09": None,  # steps by the nudge's sign times a fixed step: no known mistake
    "nb07-local_search-w10": None,  # stops at the first nudge that does not help: fewer losses, no known mistake
    # --- 04_regularization (written_margin_lambda is marked by hand) -------------------------------------
    "nb04-lambda_margin_edge-w01": "penalty_slope_without_two",
    "nb04-lambda_margin_edge-w02": "cat_gap_instead_of_frog",
    "nb04-lambda_margin_edge-w03": "penalty_slope_at_c_one",
    "nb04-lambda_margin_edge-w04": None,  # both hinge slopes added: no known slip
    "nb04-lambda_margin_edge-w05": None,  # rounded to one decimal: "not the expected value" is right
    "nb04-lambda_margin_edge-w06": "edge_instead_of_lambda",
    "nb04-regularized_objective-w01": "l2_gradient_missing_factor_two",
    "nb04-regularized_objective-w02": "l2_half_squared_norm",
    "nb04-regularized_objective-w03": "generic:mutates_input",  # the caller's last row zeroed
    "nb04-regularized_objective-w04": "first_row_left_out",
    "nb04-regularized_objective-w05": "elastic_net_beta_on_abs",
    "nb04-regularized_objective-w06": None,  # an unknown kind falls back to L2: no case asks
    "nb04-regularized_objective-w07": "l1_sign_of_zero",
    "nb04-regularized_objective-w08": "bias_always_penalized",  # the bias row left in the gradient
    "nb04-ridge_closed_form-w01": "reg_not_scaled_by_N",  # (X^T X + reg I) w = X^T t
    "nb04-ridge_closed_form-w02": None,  # np.linalg.inv: right values
    "nb04-ridge_closed_form-w03": None,  # reg added to every entry: no known mistake
    "nb04-ridge_closed_form-w04": None,  # reg / N: no known mistake
    "nb04-ridge_closed_form-w05": "reg_ignored",
    "nb04-ridge_closed_form-w06": "reg_doubled",
    "nb04-ridge_closed_form-w07": "generic:shape",  # (N,) dual coefficients for (D,)
    # --- 08_gradients (written_gradient_check_kink is marked by hand) -----------------------------------
    "nb08-numgrad-w01": "forward_difference",
    "nb08-numgrad-w02": "divided_by_h",
    "nb08-numgrad-w03": ("copy_keeps_integers", "generic:mutates_input"),  # RELABELLED: both named by its author
    "nb08-numgrad-w04": None,  # two nested loops: fails on a 1-D x with its own error
    "nb08-numgrad-w05": None,  # an integer grad array: no known mistake
    "nb08-numgrad-w06": "all_coordinates_at_once",  # x + h, x - h: one directional derivative (new mistake)
    "nb08-numgrad-w07": "not_restored",
    "nb08-numgrad-w08": "one_point_twice",  # x_plus = x_minus = x: f at one point twice, zero (new mistake)
    "nb08-kink-w01": "zero_margin_active",
    "nb08-kink-w02": None,  # only the terms of class c: no known mistake
    "nb08-kink-w03": "one_side_only",
    "nb08-kink-w04": "generic:mutates_input",
    "nb08-kink-w05": "counts_active_terms",
    "nb08-kink-w06": "margin_within_h",
    "nb08-kink-w07": "margin_within_h",  # the weight moved as if it were a score (no X[i, d])
    "nb08-kink-w08": None,  # column c masked for every example: no known mistake
    # --- 05_softmax_cross_entropy (written_softmax_gradient is marked by hand) ----------------------------
    "nb05-softmax_probs-w01": "no_max_subtraction",
    "nb05-softmax_probs-w02": "one_max_for_all_rows",  # the whole array's max: 0/0 in a low row (new mistake)
    "nb05-softmax_probs-w03": "wrong_axis",
    "nb05-softmax_probs-w04": "generic:mutates_input",
    "nb05-softmax_probs-w05": "missing_keepdims",
    "nb05-softmax_probs-w06": "one_sum_for_all_rows",
    "nb05-softmax_probs-w07": "no_max_subtraction",  # the row minimum: overflows all the same
    "nb05-softmax_probs-w08": "no_max_subtraction",  # unshifted, NaN patched to 0
    "nb05-softmax_predictions-w01": "commitment",
    "nb05-softmax_predictions-w02": "commitment",
    "nb05-softmax_predictions-w03": "commitment",
    "nb05-softmax_predictions-w04": "commitment",
    "nb05-softmax_predictions-w05": "commitment",
    "nb05-softmax_predictions-w06": None,  # five answers, one a string: incomplete, the judge's own message
    "nb05-softmax_vectorized-w01": "log_of_underflowed_probability",
    "nb05-softmax_vectorized-w02": "no_max_subtraction",
    "nb05-softmax_vectorized-w03": "gradient_not_averaged",
    "nb05-softmax_vectorized-w04": "gradient_sign",
    "nb05-softmax_vectorized-w05": "generic:transposed",
    "nb05-softmax_vectorized-w06": "gradient_onehot_missing",
    "nb05-softmax_vectorized-w07": "log_base_10",
    "nb05-softmax_vectorized-w08": None,  # a Python loop: the loop rule's line
    # --- 09_gradient_descent -----------------------------------------------------------------------------
    "nb09-sgd_epochs-w01": "balanced_batches",
    "nb09-sgd_epochs-w02": "drops_last_batch",
    "nb09-sgd_epochs-w03": "generic:mutates_input",  # w = w0, and a step that updates in place
    "nb09-sgd_epochs-w04": "mixes_epochs",
    "nb09-sgd_epochs-w05": "ignores_orders",
    "nb09-sgd_epochs-w06": "subtracts_the_step",
    "nb09-sgd_epochs-w07": "epoch_means",
    "nb09-sgd_epochs-w08": "labels_in_stored_order",  # X[idx] with y[start:end] (new mistake)
    "nb09-sgd_epochs-w09": "ignores_orders",  # its own shuffle
    "nb09-sgd_epochs-w10": "loss_after_step",
    "nb09-lr_regimes-w01": None,  # an outcome judge: its measured message is the feedback
    "nb09-lr_regimes-w02": None,
    "nb09-lr_regimes-w03": None,
    "nb09-lr_regimes-w04": None,
    "nb09-lr_regimes-w05": None,
    "nb09-lr_regimes-w06": None,
    "nb09-lr_regimes-w07": None,
    # --- 10_update_rules ---------------------------------------------------------------------------------
    "nb10-adam-w01": "no_bias_correction",
    "nb10-adam-w02": "returns_corrected",
    "nb10-adam-w03": "step_off_by_one",
    "nb10-adam-w04": "eps_inside_sqrt",
    "nb10-adam-w05": "generic:mutates_input",
    "nb10-adam-w06": "weights_swapped",  # beta and 1 - beta swapped (new mistake)
    "nb10-adam-w07": "old_averages",
    "nb10-adam-w08": None,  # the paper's folded step with the plain epsilon: no known mistake
    "nb10-adam-w09": "second_average_not_squared",  # v of dw, not dw**2 (new mistake)
    "nb10-tuned-w01": None,  # an outcome judge: its measured message is the feedback
    "nb10-tuned-w02": None,
    "nb10-tuned-w03": None,
    "nb10-tuned-w04": None,
    "nb10-tuned-w05": None,
    "nb10-tuned-w06": None,
    "nb10-tuned-w07": None,
    # --- 11_capstone_digits ------------------------------------------------------------------------------
    "nb11-early-w01": "no_copy",
    "nb11-early-w02": "ties_improve",
    "nb11-early-w03": "epoch_from_zero",
    "nb11-early-w04": "one_epoch_too_long",
    "nb11-early-w05": "generic:mutates_input",  # w0 itself handed to an in-place run_epoch
    "nb11-early-w06": None,  # compared with the previous epoch, not the best: no known mistake
    "nb11-early-w07": "returns_last",
    "nb11-early-w08": "evaluates_start",
    "nb11-grid-w01": "transposed",
    "nb11-grid-w02": "last_tie",  # regs outside: a tie resolved in the other loop order
    "nb11-grid-w03": "last_tie",
    "nb11-grid-w04": None,  # the flat argmax divided by the wrong count: no known mistake
    "nb11-grid-w05": "indices",
    "nb11-grid-w06": None,  # every pair trained twice: no known mistake
    "nb11-grid-w07": None,  # the best rate and strength chosen apart: no known mistake
    "nb11-recipe-w01": None,  # an outcome judge: its measured message is the feedback
    "nb11-recipe-w02": None,
    "nb11-recipe-w03": None,
    "nb11-recipe-w04": None,
    "nb11-recipe-w05": None,
    "nb11-recipe-w06": None,
    "nb11-recipe-w07": None,
    "nb11-recipe-w08": None,
}
