"""The hint each wrong entry of the independent corpus should get (``tests/corpus/independent/``).

``LABELS[entry id]`` is the bank ``Mistake.name`` the judge should name, ``"generic:<signature>"`` for one of
:data:`course_lib.grading.judging.hints.GENERICS`, or None when no known mistake fits and the failing case's
own line (no hint) is the right feedback: a loop where the exercise forbids one, a construct the contract
excludes, a slip of the author's own. Each label was decided from the entry's plain-words ``mistake``
(what its author says it does), before the judge was asked; a label naming a mistake the bank did not yet
have says so in its comment (the mistake was then added for what its output does, not for the entry's code).
"""

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
}
