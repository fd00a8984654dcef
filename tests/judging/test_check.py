"""The in-notebook check: its report, its quiet result, hidden mode, and every hint.

The hint tests run over every exercise in the bank, so that each notebook's exercises are
covered as soon as their bank module lands.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter

from course_lib.grading import check
from course_lib.grading.check import CheckResult, generic_hint
from course_lib.grading.exercises import bank, model
from course_lib.grading.judging import hints, judge
from course_lib.grading.statuses import Status

EXERCISES = bank.all_exercises()
FUNCTION_EXERCISES = [ex for ex in EXERCISES if ex.kind == "function" and ex.judge is None]


def correct_class_scores(scores, y):
    return scores[np.arange(scores.shape[0]), y]


# --- the report -----------------------------------------------------------------------------

def test_a_right_answer_passes_every_public_case(capsys):
    result = check("correct_class_scores", correct_class_scores)
    out = capsys.readouterr().out
    public = len(bank.get("correct_class_scores").public)
    assert result.all_passed and result.passed == result.total == public
    assert out.count("✓") == public + 1 and "✗" not in out
    assert "advisory" in out and "autograder" in out


def test_a_stub_is_not_attempted_yet_without_a_traceback(capsys):
    def stub(scores, y):
        raise NotImplementedError()

    result = check("correct_class_scores", stub)
    captured = capsys.readouterr()
    assert "not attempted yet" in captured.out
    assert "Traceback" not in captured.out + captured.err and captured.err == ""
    assert not result.attempted and not result.all_passed and result.passed == 0


def test_a_value_exercise_left_at_none_is_not_attempted(capsys):
    result = check("cat_hinge_loss", None)
    assert "not attempted yet" in capsys.readouterr().out and not result.attempted


def test_an_error_is_one_line_naming_the_students_line(capsys):
    def broken(scores, y):
        picked = scores[y, 7]
        return picked

    result = check("correct_class_scores", broken)
    out = capsys.readouterr().out
    assert result.passed == 0 and "Traceback" not in out
    assert "IndexError" in out and "of your cell: `picked = scores[y, 7]`" in out


def test_a_wrong_answer_shows_expected_got_and_hint(capsys):
    result = check("correct_class_scores", lambda scores, y: scores[:, y])
    out = capsys.readouterr().out
    assert result.passed == 0 and not result
    assert "expected:" in out and "got:" in out and "takes whole columns or rows" in out


def test_calling_the_reference_earns_a_note(capsys):
    from course_lib import svm_loss

    def hinge(scores, y):
        return svm_loss(scores, y)

    exercise = next((ex for ex in EXERCISES if "svm_loss" in ex.forbidden and ex.kind == "function"), None)
    if exercise is None:
        pytest.skip("no exercise forbids svm_loss")
    check(exercise.id, hinge)
    assert "grader gives no points" in " ".join(capsys.readouterr().out.split())
    check("correct_class_scores", correct_class_scores)
    assert "no credit" not in capsys.readouterr().out


def test_a_non_function_answer_is_reported_not_raised(capsys):
    result = check("correct_class_scores", 3.0)
    assert result.passed == 0 and "expected a function" in capsys.readouterr().out


def test_an_unknown_exercise_id_is_a_value_error():
    with pytest.raises(ValueError, match="exercise_id"):
        check("no_such_exercise", correct_class_scores)


def test_the_report_is_deterministic(capsys):
    wrong = lambda scores, y: -correct_class_scores(scores, y)  # noqa: E731
    check("correct_class_scores", wrong)
    first = capsys.readouterr().out
    check("correct_class_scores", wrong)
    assert capsys.readouterr().out == first
    assert "0x" not in first


def test_warnings_from_the_answer_never_reach_stderr(capsys):
    def overflowing(scores, y):
        return np.exp(scores * 1e3)[np.arange(len(y)), y]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check("correct_class_scores", overflowing)
    captured = capsys.readouterr()
    assert captured.err == "" and "NaN or inf" in captured.out


# --- the returned value is quiet -----------------------------------------------------------

def test_the_result_displays_as_nothing_in_a_notebook(capsys):
    result = check("correct_class_scores", correct_class_scores)
    capsys.readouterr()
    assert isinstance(result, CheckResult) and not isinstance(result, (int, float))
    data, metadata = DisplayFormatter().format(result)
    assert data == {} and metadata == {}


# --- hidden mode ----------------------------------------------------------------------------

def test_hidden_mode_prints_one_line_for_a_right_answer(capsys):
    result = check("correct_class_scores", correct_class_scores, hidden=True)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and result.all_passed
    assert result.total == len(bank.get("correct_class_scores").public) + len(bank.get("correct_class_scores").hidden)


def test_hidden_mode_raises_without_revealing_hidden_cases(capsys):
    exercise = bank.get("correct_class_scores")
    only_public_right = {case.args[0].tobytes() for case in exercise.public}

    def right_on_public_only(scores, y):
        if scores.tobytes() in only_public_right:
            return correct_class_scores(scores, y)
        return np.zeros(len(y))

    with pytest.raises(AssertionError) as info:
        check("correct_class_scores", right_on_public_only, hidden=True)
    message = str(info.value)
    assert f"{len(exercise.hidden)} of" in message and "a hidden test" in message
    for case in exercise.hidden:
        assert case.label not in message


def test_hidden_mode_raises_for_a_stub():
    def stub(scores, y):
        raise NotImplementedError()

    with pytest.raises(AssertionError, match="not attempted"):
        check("correct_class_scores", stub, hidden=True)


# --- generic hints: each tested against the mistake it names, on every exercise ------------

def _first_array_arg(case):
    return next((a for a in case.args if isinstance(a, np.ndarray) and a.ndim >= 1), None)


def _parts(output):
    return list(output) if isinstance(output, tuple) else [output]


def _replace(output, index, value):
    if isinstance(output, tuple):
        return output[:index] + (value,) + output[index + 1:]
    return value


def _nonzero_part(output):
    """Index of the first part that is numeric and not all zero, or None."""
    for i, part in enumerate(_parts(output)):
        if isinstance(part, (int, float, np.ndarray)) and not isinstance(part, bool):
            values = np.asarray(part, dtype=float)
            if values.size and np.abs(values).max() > 1e-6:
                return i
    return None


SIGNATURES = {
    # name: (how to make the mistaken output from the expected part, words the hint must contain)
    "wrong_sign": (lambda e, n: -np.asarray(e, dtype=float), "wrong sign"),
    "not_divided_by_n": (lambda e, n: np.asarray(e, dtype=float) * n, "divide by the number of examples"),
    "log10": (lambda e, n: np.asarray(e, dtype=float) / math.log(10), "np.log is the natural log"),
    "nan_overflow": (lambda e, n: np.full(np.shape(e), np.nan), "NaN"),  # overflow or 0/0: see test_hints
    "plus_one": (lambda e, n: np.asarray(e, dtype=float) + 1.0, "exactly 1 too large"),
}


def _cases_for(exercise):
    return list(exercise.public + exercise.hidden)


@pytest.mark.parametrize("signature", sorted(SIGNATURES))
@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES, ids=lambda ex: ex.id)
def test_generic_hint_recognises_its_signature(exercise, signature):
    make, words = SIGNATURES[signature]
    if signature == "log10" and not hints.applies("generic:log_base", model.family_of(exercise)):
        pytest.skip(f"{exercise.id} takes no log: no log-base hint there")
    tried = 0
    for case in _cases_for(exercise):
        expected = model.expected_output(exercise, case)
        index = _nonzero_part(expected)
        n = hints.dimensions(exercise, case)[0] or 1  # N only where the case has examples
        if index is None or (signature == "not_divided_by_n" and n < 2):
            continue
        part = _parts(expected)[index]
        wrong_part = make(part, n)
        values = np.asarray(part, dtype=float)
        if signature not in ("wrong_sign", "nan_overflow") and np.allclose(wrong_part, -values, rtol=1e-6):
            continue  # also a sign flip (e.g. -0.5 + 1 = 0.5): ambiguous, the sign hint wins
        if signature not in ("plus_one", "nan_overflow") and np.allclose(wrong_part, values + 1, rtol=1e-6):
            continue  # also exactly 1 too large: ambiguous
        wrong_part = float(wrong_part) if np.ndim(part) == 0 else wrong_part
        actual = _replace(expected, index, wrong_part)
        if judge.judge_output(exercise, case, actual).passed:
            continue  # e.g. a sign flip of an output that is zero within tolerance
        tried += 1
        assert words in generic_hint(exercise, case, expected, actual), (case.label, signature)
    if tried == 0:
        pytest.skip(f"no case of {exercise.id} can show the {signature} signature")


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES, ids=lambda ex: ex.id)
def test_generic_hint_recognises_a_missing_return_and_a_column_shape(exercise):
    for case in _cases_for(exercise):
        expected = model.expected_output(exercise, case)
        assert "forget the `return`" in generic_hint(exercise, case, expected, None)
        for i, part in enumerate(_parts(expected)):
            if isinstance(part, np.ndarray) and part.ndim == 1 and part.size > 1:
                actual = _replace(expected, i, part[:, None])
                assert "broadcast silently" in generic_hint(exercise, case, expected, actual)


def test_generic_hints_on_scalars_without_a_bank():
    exercise = model.Exercise(id="demo", notebook="x", answer="f", points=1, reference=lambda s: float(s.sum()))
    case = model.Case((np.ones((4, 3)),))
    assert "wrong sign" in generic_hint(exercise, case, 12.0, -12.0)
    assert "exactly 1 too large" in generic_hint(exercise, case, 5.27, 6.27)
    assert "N = 4 times too large" in generic_hint(exercise, case, 3.0, 12.0)
    assert "N = 4 times too small" in generic_hint(exercise, case, 12.0, 3.0)
    assert "ln(10)" in generic_hint(exercise, case, 2.0, 2.0 / math.log(10))
    assert "ln(2)" in generic_hint(exercise, case, 2.0, 2.0 / math.log(2))
    assert "averaged over classes" in generic_hint(exercise, case, 6.0, 2.0) or \
        "average over classes" in generic_hint(exercise, case, 6.0, 2.0)
    assert "single number" in generic_hint(exercise, case, np.ones(4), 4.0)
    assert "transpose" in generic_hint(exercise, case, np.ones((2, 3)), np.ones((3, 2)))
    assert "broadcast" in generic_hint(exercise, case, np.ones((1, 3)), np.ones(3))
    assert "right number of entries" in generic_hint(exercise, case, np.ones((2, 6)), np.ones((3, 4)))
    assert "return a tuple of 2 values" in generic_hint(exercise, case, (1.0, np.ones(2)), 1.0)
    assert generic_hint(exercise, case, np.array([2.0, 4.0]), np.array([2.5, 5.0])) == (
        "your result is 1.25 times the expected value: a constant factor is off.")
    assert generic_hint(exercise, case, 2.0, 2.5) == ""  # two numbers are always proportional: no claim


def test_an_unrelated_difference_gets_no_misleading_generic_hint():
    exercise = model.Exercise(id="demo", notebook="x", answer="f", points=1, reference=lambda s: s)
    case = model.Case((np.ones((3, 2)),))
    assert generic_hint(exercise, case, np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0])) == ""


# --- exercise-specific hints: each Mistake in the bank shows its own hint ----------------------

MISTAKES = [(ex, m) for ex in EXERCISES for m in ex.mistakes]


def _mistaken_answer(exercise, mistake):
    return mistake.implementation() if exercise.kind == "value" else mistake.implementation


def _fails_public(exercise, answer) -> bool:
    _, verdict = judge.judge_answer(exercise, answer, exercise.cases(include_hidden=False))
    return not all(case.passed for case in verdict.cases)


@pytest.mark.parametrize("exercise, mistake", MISTAKES, ids=[f"{ex.id}-{m.name}" for ex, m in MISTAKES])
def test_every_bank_mistake_fails_the_full_tests(exercise, mistake, capsys):
    with pytest.raises(AssertionError):
        check(exercise.id, _mistaken_answer(exercise, mistake), hidden=True)


@pytest.mark.parametrize("exercise, mistake", MISTAKES, ids=[f"{ex.id}-{m.name}" for ex, m in MISTAKES])
def test_every_bank_mistake_seen_in_public_cases_gets_its_hint(exercise, mistake, capsys):
    answer = _mistaken_answer(exercise, mistake)
    if not _fails_public(exercise, answer):
        # Only a hidden case (a boundary, say) exposes it: the autograder catches it, no hint is shown.
        pytest.skip(f"{mistake.name} passes every public case of {exercise.id}")
    check(exercise.id, answer)
    out = " ".join(capsys.readouterr().out.split())
    assert " ".join(mistake.hint.split()[:6]) in out, f"the report does not show the hint of {mistake.name!r}"


VALUE_EXERCISES = [ex for ex in bank.all_exercises() if ex.kind == "value" and ex.judge is None]


@pytest.mark.parametrize("exercise", VALUE_EXERCISES, ids=lambda ex: ex.id)
def test_a_wrong_prediction_is_not_told_the_answer(exercise, capsys):
    expected = model.expected_output(exercise, exercise.public[0])
    if not isinstance(expected, float):
        pytest.skip("a non-scalar value exercise")
    result = check(exercise.id, expected + 0.123)
    out = capsys.readouterr().out
    assert not result.all_passed and "not the expected value" in out
    for shown in (f"{expected:.6g}", f"{expected:.4g}", f"{expected:.2f}"):
        assert shown not in out


LOOPED_SOFTMAX = '''
import numpy as np

def softmax_loss_vectorized(W, X, y):
    scores = X @ W
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    n = len(y)
    log_total = np.log(np.exp(shifted).sum(axis=1))
    loss = 0.0
    for i in range(n):
        loss -= shifted[i, y[i]] - log_total[i]
    probs[np.arange(n), y] -= 1
    return loss / n, X.T @ probs / n
'''


SVM_VECTORIZED_WITH_MAP = """
def svm_loss_vectorized(W, X, y):
    scores = X @ W
    n = scores.shape[0]
    rows = np.arange(n)
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    active = (margins > 0).astype(float)
    active[rows, y] = -active.sum(axis=1)
    return sum(map(lambda row: row.sum(), margins)) / n, X.T @ active / n
"""


def test_a_python_loop_fails_a_loop_free_exercise(tmp_path, capsys, monkeypatch):
    module = tmp_path / "looped_answer.py"  # a real file, so that inspect can read the source
    module.write_text(LOOPED_SOFTMAX)
    monkeypatch.syspath_prepend(str(tmp_path))
    from looped_answer import softmax_loss_vectorized

    result = check("softmax_vectorized", softmax_loss_vectorized)
    out = " ".join(capsys.readouterr().out.split())  # undo the report's line wrapping
    assert result.passed == result.total and not result.all_passed
    assert "uses a for loop (line 11 of a cell, in `softmax_loss_vectorized`)" in out and "no points" in out
    assert "steps grow with the input" in out
    with pytest.raises(AssertionError, match="uses a for loop"):
        check("softmax_vectorized", softmax_loss_vectorized, hidden=True)


def test_the_loop_rule_counts_what_the_function_runs():
    """Through check(): the same measurement as the grader's (tests/judging/test_loop_rule.py has the rest)."""
    exercise = bank.get("svm_vectorized")
    namespace = {"np": np}
    exec(compile(SVM_VECTORIZED_WITH_MAP, "<map answer>", "exec"), namespace)
    result = check("svm_vectorized", namespace["svm_loss_vectorized"])
    assert result.passed == result.total and not result.loop_free and result.status == Status.FORBIDDEN
    assert exercise.loop_free
