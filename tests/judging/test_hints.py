"""Generic hints that know where they are (issue 12), the judge's choice of hint, and the hint table.

The generic hints are tested on the bank's exercises with their own mistakes taken away, so
that the generic layer is what speaks (the bank may well describe these mistakes too): an
overflow hint only where there is an exponential, N only when the case has N examples, zero
everywhere never called a factor, swapped outputs, lists, state not returned, 0/0, cancellation.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

import course_lib
from course_lib.grading.check import check
from course_lib.grading.exercises import bank, model
from course_lib.grading.exercises.plain import describe as _short
from course_lib.grading.judging import hints, judge, mistakes, running
from course_lib.grading.judging.results import ExerciseResult
from course_lib.grading.judging.running import CaseReply
from course_lib.grading.reports import hint_table

ROOT = Path(__file__).resolve().parents[2]


def _bare(exercise_id: str) -> model.Exercise:
    """The bank's exercise without its own mistakes: only generic hints are left."""
    return dataclasses.replace(bank.get(exercise_id), mistakes=())


def _one_example_hinge(s, label):
    """The hinge loss of one score vector ``s`` (C,), correct class ``label``."""
    s = np.asarray(s, dtype=float)
    return float(np.maximum(0.0, s - s[label] + 1.0).sum() - 1.0)


# A single-example exercise (notebook 03 of workbook v3 has none: its loss is the batch's, of W), so that the
# hints' handling of a case without N is tested on one; no mistakes of its own, like _bare's.
SINGLE_HINGE = model.Exercise(
    id="hinge_of_one_example", notebook="03_multiclass_svm", answer="hinge_loss_one", points=1,
    reference=_one_example_hinge, family="hinge",
    public=(model.Case((np.array([3.2, 5.1, -1.7]), 0), "the cat image (2.9)"),
            model.Case((np.array([2.2, 2.5, -3.1]), 2), "the frog image (12.9)"),
            model.Case((np.array([1.3, 4.9, 2.0]), 1), "the car image (0)")))


def _verdict(exercise: model.Exercise, source: str) -> ExerciseResult:
    namespace = {"np": np, "cl": course_lib}
    exec(compile(source, "<answer cell>", "exec"), namespace)
    answer = namespace[exercise.answer]
    cases = exercise.cases(include_hidden=False)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        replies = [running.run_case(answer, model.resolve_args(c.args)) for c, _ in cases]
    return judge.judge(exercise, cases, replies)


def _told(exercise: model.Exercise, source: str) -> tuple:
    verdict = _verdict(exercise, source)
    assert any(not c.passed for c in verdict.cases), "the answer passes every public case"
    return (verdict.mistakes[0] if verdict.mistakes else ""), verdict.hint


ADAM = '''
def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    next_m = beta1 * m + (1 - beta1) * dw
    next_v = beta2 * v + (1 - beta2) * dw**2
    m_hat = next_m / (1 - beta1**TSTEP)
    v_hat = next_v / (1 - beta2**TSTEP)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), MOUT, next_v
'''

NUMERICAL = '''
def numerical_grad(f, x, h):
    h = STEP
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad
'''

HINGE_ONE = '''
def hinge_loss_one(s, label):
    margins = np.maximum(0, s - s[label] + 1)
    margins[label] = 0
    return REDUCE
'''

SVM = '''
def svm_loss_vectorized(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = np.maximum(0, scores - scores[rows, y][:, None] + 1)
    margins[rows, y] = 0
    mask = (margins > 0).astype(float)
    mask[rows, y] = -mask.sum(axis=1)
    return RETURN
'''

SOFTMAX = '''
def softmax_loss_vectorized(W, X, y):
    n = X.shape[0]
    scores = X @ W
    shifted = scores - SHIFT
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    probs = np.exp(log_p)
    probs[np.arange(n), y] -= 1
    return -log_p[np.arange(n), y].mean() + EXTRA, X.T @ probs / n
'''

EPOCHS = '''
def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    w = np.array(w0, dtype=float)
    losses = []
    for order in orders:
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            loss, dw = loss_grad(w, X[batch], y[batch])
            losses.append(loss)
            w = step(w, dw)
    EXTRA
    return RETURN
'''


def _fill(source: str, **parts) -> str:
    for key, value in parts.items():
        assert key in source, key
        source = source.replace(key, value)
    return source


# --- the examples, through the judge ------------------------------------------------------

def test_adam_0_over_0_is_not_called_an_overflow():
    name, hint = _told(_bare("adam_step"), _fill(ADAM, TSTEP="(t - 1)", MOUT="next_m"))
    assert name == "generic:nan" and "0/0" in hint
    assert "exp" not in hint and "maximum score" not in hint


@pytest.mark.parametrize("returned", ["m", "None", "np.zeros_like(w)"])
def test_adam_state_not_returned_is_said_so_never_a_0_times_factor(returned):
    name, hint = _told(_bare("adam_step"), _fill(ADAM, TSTEP="t", MOUT=returned))
    assert name == "generic:state_not_returned", (name, hint)
    assert "`next_m`" in hint and "new state computed and returned" in hint
    assert "0 times" not in hint and "factor" not in hint


def test_a_tiny_step_is_cancellation_not_a_factor():
    name, hint = _told(_bare("numerical_gradient_centred"), _fill(NUMERICAL, STEP="1e-20"))
    assert name == "generic:cancellation" and "x + h" in hint
    assert "times" not in hint


def test_a_single_example_has_no_n():
    exercise = SINGLE_HINGE
    for reduce in ("margins.mean()", "margins.sum() / (len(s) - 1)"):
        name, hint = _told(exercise, _fill(HINGE_ONE, REDUCE=reduce))
        assert name == "generic:factor_c" and "number of classes" in hint, (reduce, hint)
        assert "N =" not in hint and "divide by N" not in hint
    assert hints.dimensions(exercise, exercise.public[0]) == (None, exercise.public[0].args[0].shape[0])


def test_swapped_outputs_are_recognised_as_swapped():
    name, hint = _told(_bare("svm_vectorized"), _fill(SVM, RETURN="X.T @ mask / n, margins.sum() / n"))
    assert name == "generic:swapped" and "wrong order" in hint and "(loss, dW)" in hint
    assert "sum or average" not in hint


def test_a_plus_one_outside_the_hinge_family_never_mentions_the_hinge():
    name, hint = _told(_bare("softmax_vectorized"), _fill(SOFTMAX, SHIFT="scores.max(axis=1, keepdims=True)",
                                                           EXTRA="1"))
    assert name == "generic:plus_one" and "exactly 1 too large" in hint
    assert "hinge" not in hint and "j = y_i" not in hint


def test_a_plus_one_in_the_hinge_family_names_the_j_equals_y_term():
    exercise = SINGLE_HINGE
    name, hint = _told(exercise, _fill(HINGE_ONE, REDUCE="margins.sum() + 1"))
    assert name == "generic:hinge_plus_one" and "j = y_i" in hint


def test_overflow_only_where_there_is_an_exponential():
    softmax = _bare("softmax_vectorized")
    big = next(c for c in softmax.public if np.abs(c.args[1] @ c.args[0]).max() > hints.OVERFLOW_INPUT)
    expected = model.expected_output(softmax, big)
    nan = (float("nan"), expected[1])
    assert hints.generic_diagnosis(softmax, big, expected, nan)[0] == "generic:overflow"
    for exercise_id in ("adam_step", "sgd_epochs", "correct_class_scores", "squared_error"):
        exercise = _bare(exercise_id)
        for case in exercise.public:
            expected = model.expected_output(exercise, case)
            first = expected[0] if isinstance(expected, tuple) else expected
            broken = np.full(np.shape(first), np.nan) if np.ndim(first) else float("nan")
            actual = (broken, *expected[1:]) if isinstance(expected, tuple) else broken
            found = hints.generic_diagnosis(exercise, case, expected, actual)
            assert found[0] == "generic:nan" and "exp" not in found[1], (exercise_id, found)


def test_a_list_is_named_a_list():
    name, hint = _told(_bare("sgd_epochs"), _fill(EPOCHS, EXTRA="pass", RETURN="w, losses"))
    assert name == "generic:container" and "a list of" in hint and "numpy array" in hint
    assert "tuple" not in hint


def test_one_loss_too_many_says_how_many_entries():
    exercise = _bare("sgd_epochs")
    name, hint = _told(exercise, _fill(EPOCHS, EXTRA="losses.append(loss_grad(w, X, y)[0])",
                                       RETURN="w, np.array(losses)"))
    orders, batch_size = exercise.public[0].args[6], exercise.public[0].args[5]
    want = len(orders) * -(-orders.shape[1] // batch_size)
    assert name == "generic:length" and f"{want + 1} entries instead of {want}" in hint, hint


def test_zero_everywhere_is_never_a_0_times_factor():
    exercise = _bare("correct_class_scores")
    case = exercise.public[0]
    expected = model.expected_output(exercise, case)
    name, hint = hints.generic_diagnosis(exercise, case, expected, np.zeros_like(expected))
    assert name == "generic:zero" and "zero everywhere" in hint and "times" not in hint


def test_n_and_c_from_the_case():
    kink = bank.get("crosses_kink")  # W (D, C), X (N, D), y (N,): N and C from the W-level arguments
    for case in kink.public:
        W, X, y = case.args[:3]
        assert hints.dimensions(kink, case) == (len(y), W.shape[1])
    softmax = bank.get("softmax_vectorized")
    for case in softmax.public:
        W, X, y = case.args
        assert hints.dimensions(softmax, case) == (len(y), W.shape[1])
    adam = bank.get("adam_step")
    assert hints.dimensions(adam, adam.public[0]) == (None, None)


def test_n_and_c_without_parameter_names_as_in_a_release():
    exercise = dataclasses.replace(bank.get("softmax_probs"), reference=lambda *args: None)
    case = next(c for c in exercise.public if c.args[0].shape[0] > 1)
    assert hints.dimensions(exercise, case) == case.args[0].shape  # one 2-D score array: (N, C)
    w_level = dataclasses.replace(bank.get("softmax_vectorized"), reference=lambda *args: None)
    W, X, y = w_level.public[2].args
    assert hints.dimensions(w_level, w_level.public[2]) == (len(y), None)  # W and X: which one is C's is unknown
    single = dataclasses.replace(SINGLE_HINGE, reference=lambda *args: None)
    assert hints.dimensions(single, single.public[0])[0] is None


def test_when_n_equals_c_the_hint_names_both():
    exercise = model.Exercise(id="demo", notebook="03_x", answer="f", points=1, reference=lambda scores, y: 1.0,
                             family="hinge")
    case = model.Case((np.ones((3, 3)), np.array([0, 1, 2])))
    name, hint = hints.generic_diagnosis(exercise, case, 2.0, 6.0)
    assert name == "generic:factor_n_or_c" and "number of examples" in hint and "classes" in hint


def test_every_generic_name_is_declared_and_every_exercise_has_a_family():
    assert set(model.FAMILIES) >= {"hinge", "softmax", "optimizer", "gradient"}
    for exercise in bank.all_exercises():
        family = model.family_of(exercise)
        assert family in model.FAMILIES or (family == "" and exercise.kind == "value"), (exercise.id, family)
    for name in hints.GENERICS:
        assert name.startswith("generic:")
    assert model.family_of(bank.get("crosses_kink")) == "hinge"
    assert model.family_of(bank.get("numerical_gradient_centred")) == "gradient"
    assert model.family_of(bank.get("adam_step")) == "optimizer"


# --- no family's generic hint in another family's exercise ---------------------------------------

SIGNATURES = {  # how to break one numeric part of the expected output
    "nan": lambda e: np.full(np.shape(e), np.nan),
    "plus_one": lambda e: np.asarray(e, dtype=float) + 1.0,
    "log10": lambda e: np.asarray(e, dtype=float) / math.log(10),
    "zero": lambda e: np.zeros(np.shape(e)),
}


@pytest.mark.parametrize("exercise", [ex for ex in bank.all_exercises() if ex.kind == "function" and ex.judge is None],
                         ids=lambda ex: ex.id)
def test_generic_hints_stay_in_their_families(exercise):
    family = model.family_of(exercise)
    markers = {"hinge": ("j = y_i",), "softmax": ("np.exp", "maximum score"), "gradient": ("x + h",),
               "optimizer": ("new state",)}
    for case in exercise.public + exercise.hidden:
        expected = model.expected_output(exercise, case)
        parts = list(expected) if isinstance(expected, tuple) else [expected]
        for index, part in enumerate(parts):
            if isinstance(part, (tuple, str, bool)) or part is None:
                continue
            for make in SIGNATURES.values():
                wrong = make(part)
                wrong = float(wrong) if np.ndim(part) == 0 else wrong
                actual = tuple(parts[:index] + [wrong] + parts[index + 1:]) if isinstance(expected, tuple) else wrong
                found = hints.generic_diagnosis(exercise, case, expected, actual)
                if found is None:
                    continue
                assert hints.applies(found[0], family), (found, family)
                for other, words in markers.items():
                    if other != family:
                        assert not any(w in found[1] for w in words), (exercise.id, family, found)
                assert "0 times" not in found[1]


# --- the judge ------------------------------------------------------------------------------------

def _double(x):
    return 2 * x


def _square(x):
    return x * x


def _plus_two(x):
    return x + 2


def test_the_judge_tells_the_mistake_that_explains_every_public_case():
    exercise = model.Exercise(
        id="demo", notebook="x", answer="f", points=1, reference=lambda x: x + 1.0,
        public=(model.Case((2.0,), "x = 2"), model.Case((3.0,), "x = 3")),
        mistakes=(model.Mistake("doubles", "you doubled", _double), model.Mistake("squares", "you squared", _square),
                  model.Mistake("adds_two", "you added 2", _plus_two)))
    cases = exercise.cases(False)
    # 2*2 = 2**2, but 3**2 = 9
    verdict = judge.judge(exercise, cases, [CaseReply.returned(4.0), CaseReply.returned(9.0)])
    assert verdict.mistakes[:1] == ["squares"] and verdict.hint == "you squared"
    assert [c.hint for c in verdict.cases] == ["you squared", "you squared"]
    verdict = judge.judge(exercise, cases, [CaseReply.returned(4.0), CaseReply.returned(6.0)])
    assert verdict.mistakes[:1] == ["doubles"]


def test_the_judge_records_generic_names_and_input_mutation():
    exercise = _bare("correct_class_scores")
    cases = exercise.cases(False)
    replies = [CaseReply.returned(-model.expected_output(exercise, c)) for c, _ in cases]
    assert judge.judge(exercise, cases, replies).mistakes == ["generic:sign"]
    replies = [CaseReply.returned(model.expected_output(exercise, c), mutated=("scores",)) for c, _ in cases]
    verdict = judge.judge(exercise, cases, replies)
    assert verdict.mistakes == [judge.MUTATES_INPUT] and "modifies its input" in verdict.hint


# --- numbers with enough digits -------------------------------------------------------------------

def test_values_shown_side_by_side_have_the_digits_that_differ():
    e, a = np.array([0.158912, 1.0]), np.array([0.158937, 1.0])
    assert _short(e, a) != _short(a, e) and "0.15891" in _short(e, a)
    assert _short(1.5100001, 1.51) != _short(1.51, 1.5100001)
    assert _short((1.23456789, e), (1.23456780, a)) != _short((1.23456780, a), (1.23456789, e))


def test_the_check_report_prints_expected_and_got_that_differ(capsys):
    check("correct_class_scores", lambda scores, y: scores[np.arange(len(y)), y] + 1e-5)
    lines = capsys.readouterr().out.splitlines()
    expected = next(line for line in lines if "expected:" in line).split("expected:")[1]
    got = next(line for line in lines if "got:" in line).split("got:")[1]
    assert expected.strip() != got.strip()


# --- the instructors' table -----------------------------------------------------------------------

def test_the_hint_table_in_the_docs_is_up_to_date():
    committed = (ROOT / "docs" / "hints.md").read_text(encoding="utf-8")
    assert committed == hint_table.generate(), "docs/hints.md is out of date: run `python -m course_lib hints`"


def test_the_hint_table_lists_every_mistake_and_generic_hint():
    text = hint_table.generate()
    for exercise in bank.all_exercises():
        assert f"### `{exercise.id}`" in text
        for mistake in exercise.mistakes:
            assert f"| `{mistake.name}` |" in text
    for name in hints.GENERICS:
        assert f"| `{name}` |" in text


def test_the_hints_command_checks_and_writes(tmp_path, capsys):
    from course_lib.cli import main

    out = tmp_path / "hints.md"
    assert main(["hints", "--out", str(out), "--check"]) == 1
    assert main(["hints", "--out", str(out)]) == 0 and out.read_text(encoding="utf-8") == hint_table.generate()
    assert main(["hints", "--out", str(out), "--check"]) == 0


def test_an_inference_needs_every_wrong_case_a_fact_does_not():
    exercise = model.Exercise(id="demo", notebook="x", answer="f", points=1,
                             reference=lambda x: np.array([x, x + 1.0]),
                             public=(model.Case((2.0,), "x = 2"), model.Case((3.0,), "x = 3")))
    cases = exercise.cases(False)
    # a sign flip on one case only
    coincidence = [CaseReply.returned(np.array([-2.0, -3.0])), CaseReply.returned(np.array([3.0, 5.0]))]
    verdict = judge.judge(exercise, cases, coincidence)
    assert verdict.mistakes == [] and verdict.hint == ""
    flipped = [CaseReply.returned(np.array([-2.0, -3.0])), CaseReply.returned(np.array([-3.0, -4.0]))]
    assert judge.judge(exercise, cases, flipped).mistakes == ["generic:sign"]
    one_nan = [CaseReply.returned(np.array([np.nan, 3.0])), CaseReply.returned(np.array([3.0, 5.0]))]
    assert judge.judge(exercise, cases, one_nan).mistakes == ["generic:nan"]


def test_dividing_by_c_instead_of_n_is_named():
    source = _fill(SVM, RETURN="margins.sum() / scores.shape[1], X.T @ mask / n")
    name, hint = _told(_bare("svm_vectorized"), source)
    assert name == "generic:c_for_n" and "divide by C where N was meant" in hint


def test_an_overflow_hint_also_names_the_log_of_an_underflowed_probability():
    source = ("def softmax_loss_vectorized(W, X, y):\n    n = X.shape[0]\n    scores = X @ W\n"
              "    z = scores - scores.max(axis=1, keepdims=True)\n"
              "    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)\n"
              "    d = p.copy()\n    d[np.arange(n), y] -= 1\n"
              "    return -np.log(p[np.arange(n), y]).mean(), X.T @ d / n\n")
    name, hint = _told(_bare("softmax_vectorized"), source)
    assert name == "generic:overflow" and "underflows to 0" in hint


def test_an_update_rule_stepping_uphill_is_told_so():
    source = _fill(ADAM, TSTEP="t", MOUT="next_m").replace("return w - learning_rate", "return w + learning_rate")
    name, hint = _told(_bare("adam_step"), source)
    assert name == "generic:step_sign" and "wrong way" in hint


def test_a_mistake_whose_output_is_zero_does_not_match_an_answer_that_is_merely_tiny():
    exercise = model.Exercise(id="demo", notebook="x", answer="f", points=1, reference=lambda x: x,
                             mistakes=(model.Mistake("zero", "is zero", lambda x: 0 * x),), atol=1e-7)
    case = model.Case((np.array([1.0, 2.0]),))
    assert mistakes.diagnose(exercise, case, np.zeros(2)) is not None
    assert mistakes.diagnose(exercise, case, np.array([1e-9, 2e-9])) is None


def test_the_released_bank_gives_the_same_hints_as_the_instructors():
    """A student's check (on the data bank) names the same generic mistake as the grader (on the bank)."""
    import json

    from course_lib.grading.exercises import bank, databank
    from course_lib.grading.judging import judge

    exercises = [ex for ex in bank.all_exercises() if ex.kind == "function" and ex.judge is None]
    document = json.loads(databank.bank_data(exercises))
    released = {r["id"]: databank.exercise_from_record(r) for r in document["exercises"]}
    compared = 0
    for ex in exercises:
        case = ex.public[0]
        expected = model.expected_output(ex, case)
        for wrong in _wrong_versions(expected):
            here = judge.judge(ex, [(case, False)], [CaseReply.returned(wrong)])
            there = judge.judge(released[ex.id], [(case, False)], [CaseReply.returned(wrong)])
            assert (here.hint, here.mistakes) == (there.hint, there.mistakes), ex.id
            compared += 1
    assert compared > 20


def _wrong_versions(expected):
    """The expected output scaled by 3, negated and shifted by one (plain data, tuples kept)."""
    def apply(value, f):
        if isinstance(value, tuple):
            return type(value)(apply(v, f) for v in value)
        if isinstance(value, (float, int)) and not isinstance(value, bool):
            return f(float(value))
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            return f(value)
        return value
    return [apply(expected, lambda v: 3 * v), apply(expected, lambda v: -v), apply(expected, lambda v: v + 1)]


# --- hints that generalise (issue 24): what a mistake does to the outputs, not the author's code ---------------

def _with_bank(exercise_id: str, source: str) -> tuple:
    """(first mistake name, hint) the judge gives an answer on the bank's exercise, its own mistakes included."""
    return _told(bank.get(exercise_id), source)


def test_a_mistake_made_in_its_own_way_is_recognised_by_the_part_it_changes():
    # the RMSE as the loss, with the RMSE's own gradient (the bank's version keeps the MSE's gradient)
    source = ("def squared_error_loss(pred, target):\n    e = pred - target\n    n = len(e)\n"
              "    loss = np.sqrt(np.sum(e ** 2) / n)\n    return float(loss), e / (n * loss)\n")
    assert _with_bank("squared_error", source)[0] == "root_of_mean"


def test_a_mistake_shown_in_one_part_and_right_in_the_other_is_told():
    # penalize_bias=False leaves the bias row out of the loss's penalty but not out of the gradient
    source = ('def regularized_objective(W, X, y, data_loss, reg, kind="l2", beta=0.5, penalize_bias=True):\n'
              '    loss, dW = data_loss(W, X, y)\n    P = W if penalize_bias else W[:-1]\n'
              '    if kind == "l2":\n        R, dR = np.sum(W * W), 2 * W\n'
              '        R = np.sum(P * P)\n'
              '    elif kind == "l1":\n        R, dR = np.sum(np.abs(P)), np.sign(W)\n'
              '    else:\n        R, dR = np.sum(beta * P * P + np.abs(P)), 2 * beta * W + np.sign(W)\n'
              '    return loss + reg * R, dW + reg * dR\n')
    assert _with_bank("regularized_objective", source)[0] == "bias_always_penalized"


def test_one_coincidence_is_no_evidence_against_cases_the_mistake_does_not_explain():
    # patience counted against the previous epoch, not the best so far: on one case it trains as long as
    # never_stops does, on another it stops elsewhere, and it is right where never_stops would be wrong
    source = ("def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):\n"
              "    w = np.array(w0, dtype=float)\n    scores, best_w, best_epoch, waited = [], w.copy(), 0, 0\n"
              "    for epoch in range(1, max_epochs + 1):\n        w = run_epoch(w)\n        s = evaluate(w)\n"
              "        if not scores or s > scores[best_epoch - 1]:\n            best_w, best_epoch = w.copy(), epoch\n"
              "        waited = 0 if not scores or s > scores[-1] else waited + 1\n        scores.append(s)\n"
              "        if waited >= patience:\n            break\n"
              "    return best_w, best_epoch, np.array(scores)\n")
    verdict = _verdict(bank.get("early_stopping"), source)
    assert any(not c.passed for c in verdict.cases)
    assert "never_stops" not in verdict.mistakes[:1]


def test_a_yes_or_no_answer_gets_no_arithmetic_hint_and_no_mistake_agreeing_by_chance():
    # every example's column c masked instead of its own class: wrong on some cases, True or False each time
    source = ("def crosses_kink(W, X, y, index, h):\n    d, c = index\n    ends = []\n    for shift in (-h, h):\n"
              "        V = np.array(W, dtype=float)\n        V[d, c] += shift\n        s = X @ V\n"
              "        m = s - s[np.arange(len(y)), y][:, None] + 1\n        m[:, c] = 0\n        ends.append(m > 0)\n"
              "    return bool((ends[0] != ends[1]).any())\n")
    for exercise in (bank.get("crosses_kink"), _bare("crosses_kink")):
        verdict = _verdict(exercise, source)
        assert any(not c.passed for c in verdict.cases)
        assert verdict.mistakes == [] and verdict.hint == "", (verdict.mistakes, verdict.hint)


def test_an_overflow_patched_to_zero_is_still_told_as_the_overflow():
    # the unshifted exp, its NaN replaced by 0: right on small scores, a row of zeros on scores of 1000
    source = ("def softmax_probabilities(scores):\n    e = np.exp(scores)\n"
              "    return np.nan_to_num(e / e.sum(axis=1, keepdims=True))\n")
    name, hint = _with_bank("softmax_probs", source)
    assert name == "no_max_subtraction" and "overflow" in hint
    name, hint = _told(_bare("softmax_probs"), source)  # without the bank's mistake: the generic signature
    assert name == "generic:overflow" and "right everywhere but on scores this large" in hint


def test_a_shape_with_no_known_cause_gets_no_guessed_one():
    # the "check your indexing" for a missing path: a shape the hints cannot explain says nothing more
    source = ("def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):\n    w = np.array(w0, dtype=float)\n"
              "    for order in orders:\n        for start in range(0, len(order), batch_size):\n"
              "            batch = order[start:start + batch_size]\n"
              "            w = step(w, loss_grad(w, X[batch], y[batch])[1])\n"
              "    return w, np.array([])\n")
    for exercise in (bank.get("sgd_epochs"), _bare("sgd_epochs")):
        verdict = _verdict(exercise, source)
        assert "indexing" not in verdict.hint and all("indexing" not in c.hint for c in verdict.cases)


def test_every_exercise_with_an_unshifted_exp_mistake_shows_it_on_a_public_case():
    # 08's softmax_loss_grad_W of workbook v2 accepted an unshifted softmax: no case had large scores
    for exercise in bank.all_exercises():
        for mistake in exercise.mistakes:
            if mistake.name == "no_max_subtraction":
                assert any(not mistakes.mistake_matches(exercise, mistake, case, model.expected_output(exercise, case))
                           for case in exercise.public), exercise.id


def test_a_mistake_that_covers_a_signature_keeps_it_in_the_released_bank():
    import json

    from course_lib.grading.exercises import databank

    exercise = bank.get("softmax_probs")
    record = json.loads(databank.bank_data([exercise]))["exercises"][0]
    released = databank.exercise_from_record(record)
    assert {m.name: m.covers for m in released.mistakes} == {m.name: m.covers for m in exercise.mistakes}
    assert any(m.covers for m in released.mistakes)
