"""What a student reads is true in both kinds of release (graded and ``--open``), issue 19 point 4.

The student README, ``mine()``'s and the skip lines, and ``ReferenceUnavailable``'s message: what course_lib is,
where the data come from, what a skip line means, and nothing about grading where nothing is being graded.
"""

from __future__ import annotations

import pytest
from test_answer_store import execute_cells

from course_lib.grading.release.build import release as make_release
from course_lib.grading.release.build import student_readme


@pytest.fixture(scope="module", params=["graded", "open"])
def copy(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param) / "student"
    make_release(out, mode=request.param)
    return request.param, out


SAID_IN_BOTH = ["`course_lib/_datasets/`", "Nothing is downloaded", "course-lib start", "(skipped:",
                "It is not an error", "run its check cell", "127.0.0.1", "reads your *saved* notebooks",
                "Save your notebooks"]
SAID_IN = {"graded": ["holds no solution", "run *your* answers", "notebooks/.answers/", "no solution of any exercise"],
           "open": ["open reference library", "reference implementation", "notebooks/.answers/"]}
NOT_SAID_IN = {"graded": ["reference library", "reference implementation", "scikit-learn's digits ship"],
               "open": ["holds no solution", "no solution of any exercise", "run *your* answers"]}


@pytest.mark.parametrize("mode", ["graded", "open"])
def test_the_student_readme_is_true_in_its_mode(mode):
    text = student_readme(mode)
    for phrase in SAID_IN_BOTH + SAID_IN[mode]:
        assert phrase in text, (mode, phrase)
    for phrase in NOT_SAID_IN[mode]:
        assert phrase not in text, (mode, phrase)


def test_the_release_writes_its_modes_readme(copy):
    mode, out = copy
    assert (out / "README.md").read_text() == student_readme(mode)


CELLS = [
    "import numpy as np\nimport course_lib as cl\nfrom course_lib.grading import check\n"
    "from course_lib.notebook_helpers import needs_answer",
    'print(cl.mine("early_stopping").reason)',
    'with needs_answer():\n    cl.mine("early_stopping")(None)',
    "def svm_loss_vectorized(W, X, y):\n    loss, dscores = cl.svm_loss(X @ W, y)\n    return loss, X.T @ dscores",
    'check("svm_vectorized", svm_loss_vectorized)',
]


def test_the_lines_a_student_reads_name_the_exercise_and_never_grading(copy):
    mode, out = copy
    outputs = execute_cells(out, CELLS)
    mine, skip, checked = outputs[1].strip(), outputs[2].strip(), " ".join(outputs[4].split())
    assert mine.startswith("exercise `early_stopping` (11_capstone_digits.ipynb, `early_stopping`): ")
    assert "never checked" in mine and "run its check cell" in mine and "\n" not in mine
    assert skip.startswith("(skipped: this cell needs your answer to exercise `early_stopping`")
    assert skip.endswith("then run this cell again)") and "\n" not in skip
    assert "while grading" not in "".join(outputs)
    assert checked.startswith("✗ svm_vectorized"), checked  # course_lib's own svm_loss_W is not an answer
    if mode == "graded":  # the stub of course_lib's svm_loss_W, inside the student's own check
        assert "this course_lib function runs your answer to exercise 'svm_vectorized', which an answer may not " \
               "use" in checked, checked
    else:  # the open library implements it: no stub, no missing answer
        assert "ReferenceUnavailable" not in checked and "runs course_lib's `svm_loss`" in checked, checked
