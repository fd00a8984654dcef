"""The hint each wrong entry of the independent corpus should get (``tests/corpus/independent/``).

``LABELS[entry id]`` is the bank ``Mistake.name`` the judge should name, ``"generic:<signature>"`` for one of
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

AUTHOR_ERRORS = {
    "nb06-disagree-c03": "A = [1.8, 1.8, 3, 1.8, 1.8], B = [4, -20, 3, -20, -20], label 2: hinge A 0, B 2; softmax "
                         "A ln(1 + 4e^-1.2) = 0.79, B ln(1 + e + 3e^-23) = 1.31: both losses prefer A",
}


LABELS = {
    # --- 00_start_here -------------------------------------------------------------------------------
    "nb00-correct_class_scores-w01": "whole_columns",  # scores[:, y], (N, N)
    "nb00-correct_class_scores-w02": None,  # a list comprehension: the loop rule's line
    "nb00-correct_class_scores-w03": "row_maxima",
    "nb00-correct_class_scores-w04": "indices_swapped",  # scores[y, rows]: the (C, N) layout (new mistake)
    "nb00-correct_class_scores-w05": None,  # np.choose: right values, limited C (the loop rule's line)
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
    "nb06-disagree-c03": None,  # an author error (AUTHOR_ERRORS): the judge's measured message
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
}
