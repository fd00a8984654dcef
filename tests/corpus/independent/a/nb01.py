"""Independent answers for 01_linear_classifier_recap, written from the exercise text only (authors: careful, beginner, terse, slides).

Only WRONG answers here: the exercise (hand_weights) is a designed answer whose correctness depends on the
three-modes data, which are drawn by course_lib (not readable under the brief's rules). Every entry below is
wrong whatever the data: wrong container/shape/keys, or a classifier whose accuracy is fixed by the text
(always class 0: 108/258 = 0.419; always class 1: the majority rule, 150/258 = 0.581 < 0.66; the shipped
trained classifier: 0.585 < 0.66).
"""
# ruff: noqa: E501
ENTRIES = [
    {"id": "nb01-hand_weights-w01", "exercise": "hand_weights", "name": "hand_weights",
     "author": "beginner", "correct": False,
     "mistake": "a tuple (W, b) instead of the dict {'W': W, 'b': b}",
     "note": "returns 'W and b' the way functions in the course return pairs",
     "source": "# {\"W\": W, \"b\": b}: W of shape (2, 2), column c = class c's weights on x1 and x2; b of shape (2,)\nhand_weights = None\n# YOUR CODE HERE\nW = np.array([[0.0, 0.0], [1.0, -1.0]])\nb = np.array([0.0, 0.5])\nhand_weights = (W, b)\n"},
    {"id": "nb01-hand_weights-w02", "exercise": "hand_weights", "name": "hand_weights",
     "author": "slides", "correct": False,
     "mistake": "folds the bias into W with the bias trick: W of shape (3, 2) and no 'b' key",
     "note": "applies notebook 01's bias-trick layout (rows x1, x2, bias), like the shipped W_blobs",
     "source": "hand_weights = None\n# YOUR CODE HERE\nhand_weights = {\"W\": np.array([[0.5, -0.5],\n                                [0.0, 0.0],\n                                [0.0, 0.3]])}\n"},
    {"id": "nb01-hand_weights-w03", "exercise": "hand_weights", "name": "hand_weights",
     "author": "terse", "correct": False,
     "mistake": "all weights and biases zero: every score ties, argmax picks class 0 for every point (108/258 = 0.419)",
     "note": "placeholder left in to 'see what the check says'",
     "source": "hand_weights = {\"W\": np.zeros((2, 2)), \"b\": np.zeros(2)}\n"},
    {"id": "nb01-hand_weights-w04", "exercise": "hand_weights", "name": "hand_weights",
     "author": "careful", "correct": False,
     "mistake": "only the bias decides: always class 1, the majority rule (0.581), below the required 0.66",
     "note": "reads 'the majority rule' as a safe baseline and thinks it is enough",
     "source": "hand_weights = None\n# YOUR CODE HERE\nhand_weights = {\"W\": np.zeros((2, 2)), \"b\": np.array([0.0, 1.0])}\n"},
    {"id": "nb01-hand_weights-w05", "exercise": "hand_weights", "name": "hand_weights",
     "author": "beginner", "correct": False,
     "mistake": "copies the shipped trained classifier for three modes (0.585), which the exercise asks to beat",
     "note": "uses what the notebook already computed; also reads pretrained weights through course_lib",
     "source": "hand_weights = None\n# YOUR CODE HERE\nW_set = cl.load_pretrained(\"hard_cases_W\")[1]\nhand_weights = {\"W\": W_set[:2], \"b\": W_set[2]}\n"},
    {"id": "nb01-hand_weights-w06", "exercise": "hand_weights", "name": "hand_weights",
     "author": "slides", "correct": False,
     "mistake": "b given as a column (2, 1) and W as nested lists in the lecture's (C, D) layout; wrong shapes/types",
     "note": "copies the lecture's f(x) = Wx + b with column vectors",
     "source": "hand_weights = {\"W\": [[1.0, 0.0], [-1.0, 0.0]], \"b\": np.array([[0.0], [0.2]])}\n"},
    {"id": "nb01-hand_weights-w07", "exercise": "hand_weights", "name": "hand_weights",
     "author": "terse", "correct": False,
     "mistake": "keys spelled differently ('w', 'bias') from the required {'W', 'b'}",
     "note": "lower-case naming habit",
     "source": "hand_weights = {\"w\": np.array([[1.0, -1.0], [0.0, 0.0]]), \"bias\": np.array([0.0, 0.0])}\n"},
]
