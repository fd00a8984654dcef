"""Notebook 01's ``hand_weights``: a linear classifier set by hand, judged by what it achieves.

The outcome judge ``judges.linear_accuracy`` scores ``argmax(x W + b)`` on the case's points. Its wrong
answers have no single wrong value to match, so the judge itself names the classic ones: the classes on
the wrong sides of a good border, the lecture's layout (a row per class) for the code's (a column per
class), a border that misses the data. The released data bank must judge the same way.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.grading.exercises import bank, databank, judges, model
from course_lib.grading.exercises.bank import nb01
from course_lib.grading.exercises.plain import NamedJudge
from course_lib.grading.judging import judge
from course_lib.grading.statuses import Status

EXERCISE = bank.get("hand_weights")
SHOWN_CASE = EXERCISE.public[0]
ABOVE = {"W": np.array([[0.0, 0.0], [0.0, 3.0]]), "b": np.array([0.0, -4.0])}   # class 1 above x2 = 4/3


def verdict(answer, case=SHOWN_CASE):
    return judges.linear_accuracy(case, answer)


def test_a_border_above_the_upper_modes_passes_every_case_and_reports_its_count():
    _, judgement = judge.judge_answer(EXERCISE, ABOVE, EXERCISE.cases(include_hidden=True))
    assert judgement.status == Status.PASSED
    X, y = nb01.SHOWN
    count = int(np.sum((X[:, 1] > 4 / 3) == (y == 1)))
    assert judgement.cases[0].message == f"{count} of {len(y)} points right ({count / len(y):.3f}) ✓"


def test_the_trained_classifier_and_the_majority_rule_fail():
    trained = np.asarray(__import__("course_lib").load_pretrained("hard_cases_W")[1])
    result = verdict({"W": trained[:2], "b": trained[2]})
    assert not result.passed and "needed at least 0.66" in result.message
    everyone_in_class_1 = verdict({"W": np.zeros((2, 2)), "b": np.array([0.0, 1.0])})
    assert not everyone_in_class_1.passed
    assert everyone_in_class_1.message.endswith("every point is given class 1, so no border crosses the data")


def test_the_judge_names_swapped_sides_and_the_lectures_layout():
    swapped = verdict({"W": ABOVE["W"][:, ::-1], "b": ABOVE["b"][::-1]})
    assert not swapped.passed and "its sides are the wrong way round" in swapped.message
    lecture_layout = {"W": np.array([[0.0, 0.0], [-1.0, 1.0]]).T, "b": np.array([1.2, -1.2])}
    transposed = verdict(lecture_layout)
    assert not transposed.passed and "your W reads as the lecture's rows" in transposed.message


def test_a_border_that_wins_on_the_shown_points_by_luck_fails_on_fresh_points():
    # class 1 where 0.906 x1 - 0.423 x2 > 0.25: the lower right, with the bottom mode (see the benchmark)
    lucky = {"W": np.array([[0.0, 0.906], [0.0, -0.423]]), "b": np.array([0.0, -0.25])}
    assert verdict(lucky).passed and "(0.686)" in verdict(lucky).message   # as many as ABOVE gets
    on_fresh = verdict(lucky, EXERCISE.public[1])
    assert not on_fresh.passed and "needed at least 0.645" in on_fresh.message


@pytest.mark.parametrize(("answer", "problem"), [
    ((np.eye(2), np.zeros(2)), "expected a dict {'W': W, 'b': b}, got tuple"),
    ({"W": np.eye(2)}, "missing the keys ['b']"),
    ({"W": np.eye(2), "b": np.zeros(2), "c": 1.0}, "unexpected keys ['c']"),
    ({"W": np.eye(3)[:, :2], "b": np.zeros(2)}, "W: expected shape (2, 2)"),
    ({"W": np.eye(2), "b": np.zeros(3)}, "b: expected shape (2,)"),
    ({"W": np.eye(2) * np.nan, "b": np.zeros(2)}, "W: expected finite numbers"),
    ({"W": "by hand", "b": np.zeros(2)}, "W: expected numbers, got str"),
])
def test_a_malformed_answer_is_reported_not_crashed_on(answer, problem):
    result = verdict(answer)
    assert not result.passed and problem in result.message


def test_the_released_data_bank_judges_the_same_and_carries_no_answer(tmp_path):
    path = tmp_path / "bank.json"
    path.write_text(databank.bank_data([EXERCISE]))
    assert "fingerprints" not in path.read_text() and '"judge"' in path.read_text()
    released = databank.DataBank(path).get("hand_weights")
    assert released.judge == NamedJudge("course_lib.grading.exercises.judges:linear_accuracy")
    swapped = {"W": ABOVE["W"][:, ::-1], "b": ABOVE["b"][::-1]}
    for answer in (ABOVE, swapped, {"W": np.eye(2)}):
        ours = judge.judge_answer(EXERCISE, answer, EXERCISE.cases(include_hidden=False))[1]
        theirs = judge.judge_answer(released, answer, released.cases(include_hidden=False))[1]
        assert [(c.passed, c.message) for c in ours.cases] == [(c.passed, c.message) for c in theirs.cases]


def test_the_hidden_sample_is_another_draw_of_the_same_distribution():
    (hidden,) = EXERCISE.hidden
    X_check, X_hidden = EXERCISE.public[1].args[0], hidden.args[0]
    assert X_check.shape[1] == X_hidden.shape[1] == 2 and not np.array_equal(X_check[:10], X_hidden[:10])
    assert isinstance(EXERCISE, model.Exercise) and hidden.args[2] == EXERCISE.public[1].args[2]
