"""Unusual-but-correct answers for ``01_linear_classifier_recap``.

``hand_weights`` is graded on what it achieves (the outcome judge ``linear_accuracy``), so it has no
bank mistakes to name: its wrong answers (classes on the wrong sides, the lecture's row layout, a border
outside the data) are recognised by the judge's own message, tested in ``tests/exercises/test_hand_weights.py``.
"""

CORRECT = {
    "hand_weights": [
        # slider values as the playground's readout shows them: class 1 above x2 = 1.2
        "hand_weights = {'W': np.array([[0.00, 0.00], [-0.50, 0.50]]), 'b': np.array([0.60, -0.60])}\n",
        # both classes weighted, lists instead of arrays
        "hand_weights = {'W': [[0.1, -0.1], [-1.0, 1.5]], 'b': [1.0, -2.0]}\n",
        # a tilted border that leaves out the upper-left mode and keeps the other two
        "W = np.zeros((2, 2))\nW[:, 1] = [1.0, 0.35]\nhand_weights = {'W': W, 'b': np.array([0.0, 1.8])}\n",
    ],
}
