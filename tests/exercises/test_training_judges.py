"""The training judges of notebooks 09-11 (``lr_regimes``, ``tuned_learning_rates``, ``capstone_recipe``).

Each trains linear classifiers on the digits with the student's own parts, taken through ``answers.mine``. Here
``mine`` gives W-level parts (course_lib's open W-level functions stand in for a student's answers, and a few
recording wrappers show which were called), so that the tests do not depend on which version of the bank's
references the checkout has. What is checked: the verdict follows the measured numbers and says them; a
malformed answer is reported, not crashed on, naming what is wrong; a missing or failing part is said so; a run
that overflows is judged the same whichever loss (the reference validates its input, a student's may not).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import course_lib as cl
from course_lib import answers, optim
from course_lib.grading.exercises import bank, databank, judges
from course_lib.grading.exercises.plain import NamedJudge
from course_lib.grading.judging import judge

REGIMES = bank.get("lr_regimes").public[0]
TUNING = bank.get("tuned_learning_rates").public[0]
CAPSTONE = bank.get("capstone_recipe")
RECIPE = {"loss": "softmax", "learning_rate": 0.3, "reg": 0.0, "epochs": 10, "batch_size": 256, "centre": True}


def _students_softmax(W, X, y):
    """A student's W-level softmax loss that does not validate W (a NaN W gives NaN, no error)."""
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(len(y)), y]))
    probs[np.arange(len(y)), y] -= 1
    return loss, X.T @ probs / len(y)


class Asked(list):
    """The exercise ids a judge asked ``mine`` for, in order; ``table`` maps an id to the part ``mine`` gives."""

    table: dict


def _another_softmax(W, X, y):
    """A correct W-level softmax loss that sums in another order (log-sum-exp, then X.T @ (P / N))."""
    scores = X @ W
    top = scores.max(axis=1)
    lse = np.log(np.sum(np.exp(scores - top[:, None]), axis=1)) + top
    probs = np.exp(scores - lse[:, None])
    probs[np.arange(len(y)), y] -= 1
    return np.mean(lse - scores[np.arange(len(y)), y]), X.T @ (probs / len(y))


@pytest.fixture
def parts(monkeypatch):
    """``mine`` gives W-level parts; returns the ids the judge asked for (an :class:`Asked`)."""
    asked = Asked()
    table = {"svm_vectorized": cl.svm_loss_W, "softmax_vectorized": cl.softmax_loss_W,
             "regularized_objective": cl.regularized_objective, "sgd_epochs": cl.sgd_epochs,
             "adam_step": optim._adam_step}

    def mine(exercise_id):
        asked.append(exercise_id)
        return table[exercise_id]

    monkeypatch.setattr(answers, "mine", mine)
    asked.table = table
    return asked


# --- lr_regimes -------------------------------------------------------------------------------------------

def test_a_trio_in_the_three_regimes_passes_and_the_note_says_what_was_measured(parts):
    from course_lib.grading.exercises.plain import to_plain

    assert judges.learning_rate_regimes(REGIMES, to_plain([0.1, 3.0, 30.0])).passed  # a list will do
    verdict = judges.learning_rate_regimes(REGIMES, (0.1, 3.0, 30.0))
    assert verdict.passed, verdict.message
    assert verdict.message.startswith("too_small 0.1: falls at every step, ends at 1.135 ✓; good 3: ends at 0.355 ✓")
    assert verdict.message.endswith("too_large 30: climbs to 33.31 times its starting loss within 10 steps ✓")
    assert {"softmax_vectorized", "regularized_objective", "sgd_epochs"} <= set(parts)


@pytest.mark.parametrize(("trio", "said"), [
    ((0.5, 3.0, 30.0), "too_small 0.5: falls at every step, ends at 0.487 (must end >= 1)"),
    ((0.1, 0.3, 30.0), "good 0.3: ends at 0.614 (must end <= 0.45)"),
    ((0.1, 3.0, 5.0), "too_large 5: climbs to 1.84 times its starting loss within 10 steps (must reach 2 times)"),
])
def test_a_rate_outside_its_regime_fails_and_the_note_says_which(parts, trio, said):
    verdict = judges.learning_rate_regimes(REGIMES, trio)
    assert not verdict.passed and said in verdict.message
    assert verdict.message.count("✓") == 2  # the other two are reported as passing


def test_only_the_first_steps_of_a_too_large_rate_count_so_any_correct_loss_gives_the_same_verdict(parts):
    """After its first steps a too-large run is chaotic: the last loss of rate 30 differs between two correct
    implementations of the softmax loss (summed in another order), the verdict and its message do not."""
    X = cl.add_bias_column(cl.load_digits().X_train)
    y = cl.load_digits().y_train
    last = []
    for loss in (cl.softmax_loss_W, _another_softmax):
        _, losses = cl.sgd_epochs(lambda W, Xb, yb: cl.regularized_objective(W, Xb, yb, loss, 1e-3), # noqa: B023
                                  lambda w, dw: w - 30.0 * dw, np.zeros((65, 10)), X, y, len(y),
                                  np.tile(np.arange(len(y)), (100, 1)))
        last.append(losses[-1])
    assert abs(last[0] - last[1]) > 0.01  # chaos: the same correct computation, summed in another order
    reference = judges.learning_rate_regimes(REGIMES, (0.1, 3.0, 30.0))
    parts.table["softmax_vectorized"] = _another_softmax
    students = judges.learning_rate_regimes(REGIMES, (0.1, 3.0, 30.0))
    assert reference == students and reference.passed


def test_an_overflowing_rate_is_too_large_with_any_loss(parts):
    with_reference = judges.learning_rate_regimes(REGIMES, (0.1, 3.0, 1e6))   # softmax_loss_W refuses a NaN W
    parts.table["softmax_vectorized"] = _students_softmax                      # a student's would return NaN
    with_students = judges.learning_rate_regimes(REGIMES, (0.1, 3.0, 1e6))
    assert with_reference == with_students and with_reference.passed
    assert with_reference.message.endswith("too_large 1e+06: overflows ✓")


@pytest.mark.parametrize(("actual", "said"), [
    ((0.1, 3.0), "expected a tuple of three learning rates (too_small, good, too_large), got 2 values"),
    ({"too_small": 0.1}, "got PlainDict"),
    ((0.1, True, 30.0), "good: expected a learning rate (a number > 0), got True"),
    ((0.1, 3.0, float("nan")), "too_large: expected a learning rate (a number > 0), got nan"),
    ((-0.1, 3.0, 30.0), "too_small: expected a learning rate (a number > 0), got -0.1"),
    ((3.0, 0.1, 30.0), "expected too_small < good < too_large, got 3, 0.1, 30"),
])
def test_a_malformed_trio_is_reported(parts, actual, said):
    from course_lib.grading.exercises.plain import to_plain

    verdict = judges.learning_rate_regimes(REGIMES, to_plain(actual))
    assert not verdict.passed and said in verdict.message
    assert parts == []  # nothing was trained


def test_a_missing_or_failing_part_is_said_so(parts, monkeypatch):
    parts.table["sgd_epochs"] = answers.Missing("sgd_epochs", "solve exercise 'sgd_epochs' first")
    verdict = judges.learning_rate_regimes(REGIMES, (0.1, 3.0, 30.0))
    assert not verdict.passed
    assert verdict.message == "this check trains with your own parts: solve exercise 'sgd_epochs' first"

    def broken(loss_grad, step, w0, X, y, batch_size, orders):
        raise IndexError("index 1077 is out of bounds")

    parts.table["sgd_epochs"] = broken
    verdict = judges.learning_rate_regimes(REGIMES, (0.1, 3.0, 30.0))
    assert verdict.message == "training with your parts raised IndexError: index 1077 is out of bounds"


# --- tuned_learning_rates -----------------------------------------------------------------------------------

def test_one_good_rate_per_rule_passes_and_uses_the_students_adam_step(parts):
    called = []

    def adam_step(*args):
        called.append(args[4])  # the step number t
        return optim._adam_step(*args)

    parts.table["adam_step"] = adam_step
    verdict = judges.tuned_learning_rates(TUNING, {"sgd": 1.0, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.03})
    assert verdict.passed, verdict.message
    assert verdict.message == ("mean of the last minibatch losses: sgd 1: 0.360 ✓; momentum 0.1: 0.354 ✓; "
                               "rmsprop 0.01: 0.365 ✓; adam 0.03: 0.359 ✓")
    assert called == list(range(1, 18 * 17 + 1))  # 18 epochs of 17 batches, t counting from 1


def test_one_rate_for_all_rules_fails_naming_the_rules_it_does_not_suit(parts):
    verdict = judges.tuned_learning_rates(TUNING, {"sgd": 0.01, "momentum": 0.01, "rmsprop": 0.01, "adam": 0.01})
    assert not verdict.passed
    assert "sgd 0.01: 1.798 (must be <= 0.42); momentum 0.01: 0.606 (must be <= 0.42)" in verdict.message
    overflowing = judges.tuned_learning_rates(TUNING, {"sgd": 1e6, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.03})
    assert "sgd 1e+06: diverged (the weights overflowed) (must be <= 0.42)" in overflowing.message


@pytest.mark.parametrize(("actual", "said"), [
    ({"sgd": 1.0, "momentum": 0.1, "rmsprop": 0.01}, "expected a dict with the keys ['sgd', 'momentum', 'rmsprop', "
                                                     "'adam'], got ['momentum', 'rmsprop', 'sgd']"),
    ((1.0, 0.1, 0.01, 0.03), "got tuple"),
    ({"sgd": 1.0, "momentum": 0.1, "rmsprop": "0.01", "adam": 0.03}, "['rmsprop']: expected a learning rate"),
])
def test_a_malformed_dict_is_reported(parts, actual, said):
    verdict = judges.tuned_learning_rates(TUNING, actual)
    assert not verdict.passed and said in verdict.message and parts == []


# --- capstone_recipe ----------------------------------------------------------------------------------------

def test_a_recipe_is_trained_as_the_capstone_trains_and_scored_on_each_part(parts):
    assert [case.args for case, _ in CAPSTONE.cases(include_hidden=True)] == [
        (0, "val", 0.95, 70), (0, "test", 0.935, 70), (1, "test", 0.93, 70)]
    messages = [judges.capstone_recipe(case, RECIPE) for case, _ in CAPSTONE.cases(include_hidden=True)]
    assert [v.message for v in messages] == ["validation accuracy 0.967 (348 of 360) ✓",
                                             "test accuracy 0.958 (345 of 360) ✓",
                                             "test accuracy 0.958 (345 of 360) ✓"]
    # the pipeline is the notebook's: W from 0, the recipe's loss plus reg * sum W^2, Adam, orders from seed 0
    splits = cl.load_digits(seed=0)
    mean = splits.X_train.mean(axis=0)
    X = cl.add_bias_column(splits.X_train - mean)
    W, _ = cl.sgd_epochs(lambda W, Xb, yb: cl.regularized_objective(W, Xb, yb, cl.softmax_loss_W, 0.0),
                         cl.adam_steps(optim._adam_step, 0.3), np.zeros((65, 10)), X, splits.y_train, 256,
                         cl.epoch_orders(len(splits.y_train), 10, 0))
    trained, _ = judges.train_recipe(RECIPE, 0)
    np.testing.assert_array_equal(trained, W)


@pytest.mark.parametrize(("epochs", "batch_size", "steps"), [(10, 64, 170), (5, 64, 85), (10, 256, 50), (1, 16, 68)])
def test_a_recipe_over_the_step_budget_is_refused_untrained_and_one_at_the_budget_is_trained(
        parts, epochs, batch_size, steps):
    recipe = dict(RECIPE, epochs=epochs, batch_size=batch_size)
    verdicts = [judges.capstone_recipe(case, recipe) for case, _ in CAPSTONE.cases(include_hidden=True)]
    if steps > 70:
        assert all(not v.passed and v.message.startswith(f"your recipe takes {steps} Adam steps") and
                   v.message.endswith("; the budget is 70") for v in verdicts)
        assert parts == []  # refused before any training
    else:
        assert all("accuracy" in v.message for v in verdicts) and parts != []


def test_a_recipe_below_the_target_fails_and_a_diverging_one_is_said_so(parts):
    weak = dict(RECIPE, learning_rate=1e-4, epochs=1)
    verdict = judges.capstone_recipe(CAPSTONE.public[0], weak)
    assert not verdict.passed and verdict.message.endswith("; the target is >= 0.95")
    diverging = judges.capstone_recipe(CAPSTONE.public[0], dict(RECIPE, learning_rate=1e308))
    assert not diverging.passed and diverging.message.startswith("training diverged (the weights overflowed)")


@pytest.mark.parametrize(("change", "said"), [
    ({"loss": "hinge"}, "['loss']: expected \"softmax\" or \"svm\", got 'hinge'"),
    ({"learning_rate": 0}, "['learning_rate']: expected a number > 0, got 0"),
    ({"reg": -1e-3}, "['reg']: expected a number >= 0, got -0.001"),
    ({"epochs": 51}, "['epochs']: expected a whole number from 1 to 50, got 51"),
    ({"epochs": 10.0}, "['epochs']: expected a whole number from 1 to 50, got 10.0"),
    ({"batch_size": 8}, "['batch_size']: expected a whole number from 16 to 1077, got 8"),
    ({"centre": 1}, "['centre']: expected True or False, got 1"),
    ({"shuffle": True}, "unexpected keys ['shuffle']"),
])
def test_a_recipe_outside_the_ranges_is_refused_naming_the_key(parts, change, said):
    verdict = judges.capstone_recipe(CAPSTONE.public[0], {**RECIPE, **change})
    assert not verdict.passed and said in verdict.message and parts == []
    missing = {key: value for key, value in RECIPE.items() if key != "centre"}
    assert judges.recipe_problem(missing) == "missing the keys ['centre']"


# --- shipped by name ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("exercise_id", ["lr_regimes", "tuned_learning_rates", "capstone_recipe"])
def test_the_released_data_bank_names_the_judge_and_holds_no_answer(exercise_id, parts):
    exercise = bank.get(exercise_id)
    assert isinstance(exercise.judge, NamedJudge)
    record = json.loads(databank.bank_data([exercise]))["exercises"][0]
    assert record["judge"] == exercise.judge.target and "fingerprints" not in record
    assert all("expected" not in case for case in record["cases"])
    example = exercise.reference()
    verdict = judge.judge_answer(exercise, example, exercise.cases(include_hidden=False))[1]
    assert verdict.status == "passed", verdict.message


def test_in_a_graded_release_check_measures_a_value_with_the_students_earlier_answers(monkeypatch, capsys):
    """check() closes course_lib's stubs while an answer *runs*; a value answer does not run, so its judge may
    reach the student's earlier answers through mine() (regression: every training judge failed in a kernel)."""
    from course_lib.grading.check import check

    table = {"softmax_vectorized": _another_softmax, "regularized_objective": cl.regularized_objective,
             "sgd_epochs": cl.sgd_epochs, "adam_step": optim._adam_step}
    monkeypatch.setattr(answers, "release_mode", lambda: "graded")
    monkeypatch.setattr(answers, "_students_answer",
                        lambda exercise: answers.Found(exercise.id, "checked", table[exercise.id], "yours"))
    result = check("lr_regimes", (0.1, 3.0, 30.0))
    out = capsys.readouterr().out
    assert result.all_passed and "too_large 30: climbs to 33.31 times" in out, out
    # while a function answer runs, mine() is still closed to it
    def sneaky(loss_grad, step, w0, X, y, batch_size, orders):
        return cl.mine("sgd_epochs")(loss_grad, step, w0, X, y, batch_size, orders)
    assert not check("sgd_epochs", sneaky).all_passed
