"""Workbook v3's grading conventions in the bank layer: outcome judges that ship, predictions graded for
commitment, derived values told right or wrong only (design 4.2 of docs/course-flow.md).

Each is tested on both sides: the instructor's bank (what the grader runs) and the released data bank
(what ``check`` runs in a student release), which must say the same.
"""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest

import course_lib as cl
from course_lib import answers
from course_lib.grading.exercises import bank, commitment, databank, judges, model, plain
from course_lib.grading.exercises.bank._predict import Question, commitment_exercise
from course_lib.grading.exercises.plain import NamedJudge, Verdict
from course_lib.grading.judging import judge
from course_lib.grading.judging.results import CaseResult, ExerciseResult, SubmissionResult
from course_lib.grading.judging.running import CaseReply
from course_lib.grading.reports.outputs import feedback_markdown
from course_lib.grading.statuses import Status

OPPOSITE = "course_lib.grading.exercises.judges:opposite_ranking"
check_module = importlib.import_module("course_lib.grading.check")  # the package's `check` is the function


def released(exercise: model.Exercise, tmp_path) -> model.Exercise:
    """The exercise as a student release carries it: through the data bank's JSON."""
    path = tmp_path / f"{exercise.id}.json"
    path.write_text(databank.bank_data([exercise]))
    return databank.DataBank(path).get(exercise.id)


def reported(exercise, answer, capsys) -> tuple:
    result = check_module._report(exercise, answer)
    return result, " ".join(capsys.readouterr().out.split())


def graded(exercise, answer):
    """The grader's verdict and the feedback a student reads, as grade.py builds them from the judgement."""
    cases = exercise.cases(include_hidden=True)
    verdict = judge.judge(exercise, cases, [CaseReply.returned(answer)] * len(cases))
    result = ExerciseResult(exercise.id, exercise.title, float(exercise.points), verdict.score, verdict.status,
                            verdict.message, verdict.hint,
                            [CaseResult(c.label, c.hidden, c.passed, c.message, c.outcome) for c in verdict.cases])
    submission = SubmissionResult(exercise.notebook, "ok", exercises=[result], max_score=float(exercise.points))
    return verdict, feedback_markdown("student", submission)


# --- outcome judges: named, shipped, using lecture functions only through mine() --------------------

RANK_SWAP = model.Exercise(
    id="rank_swap_demo", notebook="03_multiclass_svm", answer="rank_swap", points=2, kind="value",
    title="Scores the hinge and the squared hinge rank oppositely",
    reference=lambda: (np.array([[1.0, 0.5, 0.5, 0.5, 0.5]]), np.array([[1.0, 1.9, 0.0, 0.0, 0.0]]), np.array([0])),
    public=(model.Case(("hinge", "squared_hinge", 0.01, 10), "A better under the hinge, B under the squared hinge"),),
    judge=NamedJudge(OPPOSITE))

# the lecture's made-up pair of 03.21: four small violations (A) against one large one (B)
A_SMALL = np.array([[1.0, 0.5, 0.5, 0.5, 0.5]])   # four violations of 0.5: hinge 2.0, squared 1.0
B_LARGE = np.array([[1.0, 2.5, 0.0, 0.0, 0.0]])   # one violation of 2.5: hinge 2.5, squared 6.25


def test_a_named_judge_is_resolved_by_name_and_judges():
    assert NamedJudge(OPPOSITE).target == OPPOSITE
    verdict = NamedJudge(OPPOSITE)(RANK_SWAP.public[0], (B_LARGE, A_SMALL, np.array([0])))
    assert isinstance(verdict, Verdict) and not verdict.passed


def test_opposite_ranking_measures_both_losses_and_says_what_is_missing():
    case = RANK_SWAP.public[0]
    verdict = judges.opposite_ranking(case, (A_SMALL, B_LARGE, np.array([0])))
    assert not verdict.passed  # the hinge prefers A (2.0 < 2.5), but the squared hinge prefers A too
    assert verdict.message == ("hinge loss: A 2, B 2.5 ✓; squared hinge loss: A 1, B 6.25 "
                               "(B must be lower by at least 0.01)")
    B_MILD = np.array([[1.0, 2.2, 0.0, 0.0, 0.0]])   # one violation of 2.2: hinge 2.2, squared 4.84
    assert not judges.opposite_ranking(case, (A_SMALL, B_MILD, np.array([0]))).passed
    A_MANY = np.array([[2.0, 2.5, 2.5, 2.5, 2.5]])   # four violations of 1.5: hinge 6, squared 9
    B_ONE = np.array([[2.0, 4.5, 0.0, 0.0, 0.0]])    # one violation of 3.5: hinge 3.5, squared 12.25
    swapped = judges.opposite_ranking(case, (B_ONE, A_MANY, np.array([0])))
    assert swapped.passed and swapped.message.count("✓") == 2  # the note reports both measurements


def test_opposite_ranking_of_hinge_and_softmax_takes_two_score_vectors():
    case = model.Case(("hinge", "softmax", 0.01, 1), "")
    A = np.array([0.0] + [-1.0] * 9)           # every rival exactly at the margin: hinge 0, softmax ln(1 + 9/e)
    B = np.array([5.0, 5.5] + [-10.0] * 8)     # one rival ahead: hinge 1.5, softmax about ln(1 + e^0.5) = 0.974
    verdict = judges.opposite_ranking(case, (A, B, 0))
    assert verdict.passed
    assert verdict.message == (f"hinge loss: A 0, B 1.5 ✓; softmax loss: A {np.log(1 + 9 / np.e):.4g}, "
                               f"B {cl.softmax_loss(B[None], [0])[0]:.4g} ✓")
    assert not judges.opposite_ranking(case, (B, A, 0)).passed
    too_many = judges.opposite_ranking(case, (np.zeros(11), np.zeros(11), 0))
    assert "expected shape (C,) with 2 <= C <= 10" in too_many.message


@pytest.mark.parametrize(("actual", "problem"), [
    ((A_SMALL, B_LARGE), "expected a tuple of three values"),
    ((A_SMALL, B_LARGE[:, :4], np.array([0])), "scores B: expected the shape of scores A (1, 5)"),
    ((np.zeros((11, 3)), np.zeros((11, 3)), np.zeros(11, dtype=int)), "1 <= N <= 10"),
    ((np.zeros((2, 1)), np.zeros((2, 1)), np.array([0, 0])), "2 <= C <= 10"),
    ((A_SMALL, B_LARGE, np.array([5])), "expected labels in [0, 5)"),
    ((A_SMALL, B_LARGE, np.array([0.0])), "expected 1 int labels"),
    ((A_SMALL * np.nan, B_LARGE, np.array([0])), "scores A: expected finite scores"),
    ((np.array([1.0, 2.0]), np.array([2.0, 1.0]), True), "expected one int"),
])
def test_a_malformed_answer_is_reported_not_crashed_on(actual, problem):
    verdict = judges.opposite_ranking(RANK_SWAP.public[0], actual)
    assert not verdict.passed and problem in verdict.message


def test_the_judge_uses_the_students_own_losses_through_mine(monkeypatch):
    asked = []

    def mine(exercise_id):
        asked.append(exercise_id)
        return cl.svm_loss_W  # a W-level answer (workbook v3): run with X = the identity

    monkeypatch.setattr(answers, "mine", mine)
    verdict = judges.opposite_ranking(RANK_SWAP.public[0], (A_SMALL, B_LARGE, np.array([0])))
    assert asked == ["svm_vectorized"] and "hinge loss: A 2, B 2.5" in verdict.message
    monkeypatch.setattr(answers, "mine", lambda exercise_id: answers.Missing(exercise_id, "solve it first"))
    verdict = judges.opposite_ranking(RANK_SWAP.public[0], (A_SMALL, B_LARGE, np.array([0])))
    assert not verdict.passed and "this check measures your losses: solve it first" in verdict.message


def test_the_released_data_bank_carries_the_judge_by_name_and_no_answer(tmp_path, capsys):
    record = json.loads(databank.bank_data([RANK_SWAP]))["exercises"][0]
    assert record["judge"] == OPPOSITE and "fingerprints" not in record
    assert "expected" not in record["cases"][0] and databank.decode_args(record["cases"][0]["args"]) == \
        ("hinge", "squared_hinge", 0.01, 10)
    copy = released(RANK_SWAP, tmp_path)
    assert copy.judge == NamedJudge(OPPOSITE)
    for answer in ((A_SMALL, B_LARGE, np.array([0])), (np.array([[2.0, 4.5, 0, 0, 0]]),
                                                      np.array([[2.0, 2.5, 2.5, 2.5, 2.5]]), np.array([0]))):
        bank_side, released_side = judge.judge_answer(RANK_SWAP, answer, [(RANK_SWAP.public[0], False)])[1], \
            judge.judge_answer(copy, answer, [(copy.public[0], False)])[1]
        assert (bank_side.status, bank_side.cases[0].message) == (released_side.status, released_side.cases[0].message)
    _, out = reported(copy, (A_SMALL, B_LARGE, np.array([0])), capsys)
    assert "squared hinge loss: A 1, B 6.25 (B must be lower by at least 0.01)" in out


# --- predictions graded for commitment -------------------------------------------------------------

QUESTIONS = (Question("Q1", "the loss if the car score changes a bit", 0.0),
             Question("Q2", "the smallest loss", 0.0),
             Question("Q3", "is there a largest loss?", False),
             Question("Q4", "summing over all classes adds", 1.0))
PREDICTIONS = commitment_exercise(id="demo_predictions", title="Predict", notebook="03_multiclass_svm",
                                  answer="demo_predictions", points=1, questions=QUESTIONS)


@pytest.fixture(autouse=True)
def fresh_memory(monkeypatch):
    monkeypatch.setattr(commitment, "_first", {})


@pytest.mark.parametrize("side", ["bank", "release"])
def test_any_complete_answer_earns_the_point_and_only_the_count_is_told(side, tmp_path, capsys):
    exercise = PREDICTIONS if side == "bank" else released(PREDICTIONS, tmp_path)
    result, out = reported(exercise, (2.0, 0.0, True, 1.0), capsys)
    assert result.all_passed and "note: 2 of 4 right" in out
    for leak in ("Q1:", "Q3:", "slip", "too high", "too low", "not the expected"):
        assert leak not in out
    commitment._first.clear()  # a new kernel
    result, out = reported(exercise, (0.0, 0.0, False, 1.0), capsys)
    assert result.all_passed and "4 of 4 right" in out


@pytest.mark.parametrize("side", ["bank", "release"])
def test_an_incomplete_or_malformed_answer_fails_and_names_only_the_form(side, tmp_path, capsys):
    exercise = PREDICTIONS if side == "bank" else released(PREDICTIONS, tmp_path)
    result, out = reported(exercise, (0.0, 0.0, False), capsys)
    assert not result.all_passed and "expected a tuple of 4 answers (Q1, Q2, Q3, Q4), got a tuple of 3" in out
    result, out = reported(exercise, (0.0, "zero", 1, float("inf")), capsys)
    assert not result.all_passed
    assert "Q2: expected a number, got 'zero'; Q3: expected True or False, got 1; Q4: expected a finite number" in out
    result, _ = reported(exercise, None, capsys)
    assert result.status == Status.NOT_ATTEMPTED


def test_the_grader_gives_the_point_and_the_same_count_in_its_feedback():
    verdict, feedback = graded(PREDICTIONS, (2.0, 0.0, True, 1.0))
    assert verdict.status == Status.PASSED and verdict.score == 1.0
    assert verdict.message == "2 of 4 right" and "2 of 4 right" in feedback
    assert "Q1:" not in feedback and "slip" not in feedback and "first commitment" not in feedback


def test_a_changed_answer_gets_no_new_count_in_the_kernel_so_flipping_an_item_reveals_nothing(capsys):
    reported(PREDICTIONS, (2.0, 0.0, True, 1.0), capsys)
    for flipped in [(0.0, 0.0, True, 1.0), (2.0, 0.0, False, 1.0), (0.0, 0.0, False, 1.0)]:  # 3, 3 and 4 right
        result, out = reported(PREDICTIONS, flipped, capsys)
        assert result.all_passed and "changed since your first commitment (2 of 4 right then)" in out
        assert "3 of 4" not in out and "4 of 4" not in out
    _, out = reported(PREDICTIONS, (2.0, 0.0, True, 1.0), capsys)
    assert "2 of 4 right" in out and "changed" not in out  # back to the first answer
    verdict, _ = graded(PREDICTIONS, (0.0, 0.0, False, 1.0))  # the grader: each submission on its own
    assert verdict.message == "4 of 4 right"


def test_a_commitment_exercise_has_no_slip_mistakes_and_its_judge_checks_its_kinds():
    assert PREDICTIONS.mistakes == ()
    with pytest.raises(ValueError, match="kinds: expected one of"):
        commitment.commitment_judge("x", ("Q1",), ("text",), lambda k, v: True)


# --- derived values: right or wrong, never a direction ---------------------------------------------

def test_the_grader_tells_a_wrong_value_right_or_wrong_and_a_slips_hint_only():
    exercise = bank.get("cat_hinge_loss")
    verdict, feedback = graded(exercise, 3.9)   # the slip "includes the correct class"
    assert verdict.status == Status.FAILED
    assert verdict.cases[0].message == "not the expected value"
    assert "the correct class (cat) would add" in feedback
    verdict, feedback = graded(exercise, 2.5)   # no known slip
    for leak in ("2.9", "expected 2", "too high", "too low", "higher", "lower"):
        assert leak not in feedback
    assert "not the expected value" in feedback


@pytest.mark.parametrize("wrong", [2.5, 3.3])
def test_the_check_tells_a_wrong_value_no_direction(wrong, capsys):
    _, out = reported(bank.get("cat_hinge_loss"), wrong, capsys)
    assert "is not the expected value" in out
    for leak in ("2.9", "too high", "too low", "higher", "lower"):
        assert leak not in out


# --- answers as dicts (hand_weights, tuned_learning_rates, capstone_recipe) -----------------------------

def test_a_dict_answer_is_plain_data_that_crosses_the_wire_and_compares_by_key():
    from course_lib.grading.exercises import plain

    answer = plain.to_plain({"W": np.array([[1.0, -1.0], [0.5, 0.0]]), "b": np.zeros(2), "note": "by hand"})
    assert isinstance(answer, plain.PlainDict) and isinstance(answer["W"], np.ndarray)
    wired = plain.decode(json.loads(json.dumps(plain.encode(answer))))
    assert isinstance(wired, plain.PlainDict) and plain.compare(answer, wired).passed
    assert plain.compare(answer, {**answer, "b": np.ones(2)}).message.startswith("['b']: 2 of 2 entries differ")
    assert plain.compare(answer, {"W": answer["W"]}).message == "the result: missing the keys ['b', 'note']"
    assert not plain.compare(answer, (1, 2)).passed
    with pytest.raises(TypeError, match="expected string keys"):
        plain.to_plain({1: 2.0})
    with pytest.raises(plain.PlainDataError):
        plain.decode({"d": {"x": {"unknown": 1}}})


def test_a_named_judge_gets_a_dict_answer_and_check_shows_it_short(capsys, monkeypatch):
    calls = []

    def keys_judge(case, actual):
        calls.append(actual)
        return Verdict(isinstance(actual, dict) and set(actual) == set(case.args), f"keys {sorted(actual)}")

    monkeypatch.setattr(judges, "keys_judge", keys_judge, raising=False)
    exercise = model.Exercise(id="dict_demo", notebook="01_linear_classifier_recap", answer="hand_weights",
                              points=1, kind="value", reference=lambda: {"W": np.eye(2), "b": np.zeros(2)},
                              public=(model.Case(("W", "b"), "your weights"),),
                              judge=NamedJudge("course_lib.grading.exercises.judges:keys_judge"))
    result, out = reported(exercise, {"W": np.eye(2), "b": np.zeros(2)}, capsys)
    assert result.all_passed and "note: keys ['W', 'b']" in out
    result, out = reported(exercise, {"W": np.eye(2)}, capsys)
    assert not result.all_passed and "got: {'W': [[1., 0.], [0., 1.]] shape (2, 2)}" in out  # whitespace joined


# --- NaN in an expected value (confidence_bins: an empty bin's mean is nan) -----------------------------

def test_nan_where_the_expected_value_has_nan_passes_and_nowhere_else():
    from course_lib.grading.exercises import plain

    expected = (np.array([np.nan, 0.5, 0.75]), np.array([0, 1, 2]))
    assert plain.compare(expected, (np.array([np.nan, 0.5, 0.75 + 1e-9]), np.array([0, 1, 2]))).passed
    zero = plain.compare(expected, (np.array([0.0, 0.5, 0.75]), np.array([0, 1, 2])), names=("confidence", "count"))
    assert not zero.passed and zero.message.startswith("confidence: NaN or inf entries differ")
    shifted = plain.compare(expected, (np.array([0.5, np.nan, 0.75]), np.array([0, 1, 2])))
    assert not shifted.passed
    finite_off = plain.compare(expected, (np.array([np.nan, 0.4, 0.75]), np.array([0, 1, 2])))
    assert not finite_off.passed and "expected 0.5, got 0.4" in finite_off.message
    # a finite expectation still refuses NaN, as before
    assert not plain.compare(np.array([1.0, 2.0]), np.array([1.0, np.nan])).passed


def test_confidence_bins_reports_an_empty_bin_as_nan_and_its_mistakes_by_their_effect():
    exercise = bank.get("confidence_bins")
    reference = exercise.reference
    confidence, accuracy, count = reference(*exercise.public[0].args)
    assert np.isnan(confidence[0]) and np.isnan(accuracy[0]) and count[0] == 0   # bin 0 of B = 4 is empty
    assert count.tolist() == [0, 1, 2, 3]              # 0.5 -> bin 1, 0.75 -> bin 2, 1.0 -> bin 3: edges go down
    zeros = next(m for m in exercise.mistakes if m.name == "empty_bins_zero").implementation
    verdict = judge.judge_answer(exercise, zeros, exercise.cases(include_hidden=False))[1]
    assert verdict.mistakes[:1] == ["empty_bins_zero"] and "nan" in verdict.hint


# --- a value answer's messages in the release: the student's value as check shows it ---------------------

def test_a_released_value_names_a_list_as_a_list_and_shows_a_float_as_check_does(tmp_path, capsys):
    exercise = released(bank.get("cat_hinge_loss"), tmp_path)
    _, out = reported(exercise, plain.PlainList([2.9, 0]), capsys)
    assert "expected a single value, got [2.9, 0] (a list)" in out and "tuple" not in out
    _, out = reported(exercise, 3.2 - 1.3, capsys)  # 1.9000000000000001: float noise
    assert "1.9 is not the expected value" in out and "1.90000000" not in out
