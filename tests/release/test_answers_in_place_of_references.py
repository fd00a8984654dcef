"""Workbook v3's references: every v3 id is claimed, and a graded release runs the student's answer in its place.

``svm_vectorized``, ``softmax_vectorized``, ``regularized_objective`` (notebooks 03, 04, 05) and ``sgd_epochs``
(notebook 09) changed contract in v3 (W-level functions, an epoch loop). :data:`SWITCHED` checks that a graded
release runs the student's answer in each function's place, and the scores-level ``cl.svm_loss`` /
``cl.softmax_loss`` run the student's W-level answers. The reference markers themselves (nested, unclosed)
are checked on small texts.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np
import pytest

import course_lib as cl
from course_lib import answers
from course_lib.grading.exercises import bank
from course_lib.grading.release import build as release

ROOT = Path(__file__).resolve().parents[2]

def released_module(text: str, name: str) -> types.ModuleType:
    """The graded release's version of a source text, imported as a fresh module."""
    module = types.ModuleType(name)
    sys.modules[name] = module  # for the dataclasses it defines; gone again once it is built
    try:
        exec(compile(release.strip_references(text), f"<released {name}>", "exec"), module.__dict__)
    finally:
        del sys.modules[name]
    return module


# --- every v3 id claimed --------------------------------------------------------------

V3_IDS = {"svm_vectorized", "softmax_vectorized", "regularized_objective", "sgd_epochs"}


def test_every_v3_id_is_claimed_by_a_reference_region():
    claimed = set()
    for path in sorted((ROOT / "course_lib").rglob("*.py")):
        claimed |= {region[0] for region in release.reference_regions(path.read_text())}
    assert V3_IDS <= claimed


def test_the_v3_functions_are_forbidden_in_answers():
    assert {"svm_loss_W", "softmax_loss_W", "regularized_objective", "sgd_epochs"} <= bank.reference_names()
    assert "svm_loss_W" in bank.get("crosses_kink").forbidden
    assert {"svm_loss_W", "sgd_epochs"} <= set(bank.get("sgd_epochs").forbidden)


def test_nested_or_unclosed_reference_regions_are_refused():
    nested = ("def f(x):\n    ### BEGIN REFERENCE a\n    ### BEGIN REFERENCE b\n    return x\n"
              "    ### END REFERENCE\n    ### END REFERENCE\n")
    with pytest.raises(ValueError, match="line 3: a nested or malformed"):
        release.strip_references(nested)
    with pytest.raises(ValueError, match="never closed"):
        release.reference_regions("def f():\n    ### BEGIN REFERENCE x\n    return 1\n")
    with pytest.raises(ValueError, match="without"):
        release.reference_regions("def f():\n    return 1\n    ### END REFERENCE\n")


# --- after the switch ---------------------------------------------------------------------------

def student_hinge_W(W, X, y):
    """A student's W-level hinge loss (loops and all): what the graded release finds with mine()."""
    scores = X @ W
    loss, dscores = 0.0, np.zeros_like(scores)
    for i in range(len(y)):
        for j in range(scores.shape[1]):
            if j != y[i] and scores[i, j] - scores[i, y[i]] + 1 > 0:
                loss += scores[i, j] - scores[i, y[i]] + 1
                dscores[i, j] += 1
                dscores[i, y[i]] -= 1
    return loss / len(y), X.T @ dscores / len(y)


def student_softmax_W(W, X, y):
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(len(y)), y]).mean()
    probs[np.arange(len(y)), y] -= 1
    return loss, X.T @ probs / len(y)


@pytest.fixture
def students_answers(monkeypatch):
    called = []
    answers_by_id = {"svm_vectorized": student_hinge_W, "softmax_vectorized": student_softmax_W}

    def reference_answer(exercise_id):
        called.append(exercise_id)
        return answers_by_id[exercise_id]

    monkeypatch.setattr(answers, "reference_answer", reference_answer)
    return called


def test_after_the_switch_the_scores_losses_run_the_students_W_level_answers(students_answers, monkeypatch):
    text = (ROOT / "course_lib/losses.py").read_text()
    # each id claimed once, svm_vectorized and softmax_vectorized now by the W-level functions
    assert sorted(region[0] for region in release.reference_regions(text)) == [
        "softmax_probs", "softmax_vectorized", "squared_error", "svm_vectorized"]
    assert '"""\n    ### BEGIN REFERENCE svm_vectorized\n    n = X.shape[0]' in text  # _svm_loss_W's body
    module = released_module(text, "released_losses_switched")
    rng = np.random.default_rng(0)
    scores, y = 3.0 * rng.standard_normal((300, 4)), rng.integers(0, 4, 300)   # two identity blocks
    for released, direct in ((module.svm_loss, cl.svm_loss), (module.softmax_loss, cl.softmax_loss)):
        loss, dscores = released(scores, y)
        want_loss, want = direct(scores, y)
        assert loss == pytest.approx(want_loss, rel=1e-12)
        np.testing.assert_allclose(dscores, want, rtol=1e-10, atol=1e-18)
    assert module.svm_loss(scores, y, margin=2.0)[0] == pytest.approx(cl.svm_loss(scores, y, margin=2.0)[0])
    assert students_answers.count("svm_vectorized") >= 4 and "softmax_vectorized" in students_answers
    # a LinearClassifier of that release trains with them (it looks the private losses up at fit time)
    import course_lib.linear

    monkeypatch.setattr(course_lib.linear, "losses", module)
    X, labels = cl.make_blobs(n_per_class=20, seed=1)
    model = cl.LinearClassifier(loss="svm", num_iters=60, learning_rate=0.05).fit(X, labels)
    assert model.score(X, labels) > 0.9


# the switched ids: (file, function, arguments, the number of arguments the student's answer gets)
SWITCHED = {
    "svm_vectorized": ("course_lib/losses.py", "svm_loss_W",
                       (np.ones((2, 3)), np.ones((4, 2)), np.array([0, 1, 2, 0])), 3),
    "softmax_vectorized": ("course_lib/losses.py", "softmax_loss_W",
                           (np.ones((2, 3)), np.ones((4, 2)), np.array([0, 1, 2, 0])), 3),
    "regularized_objective": ("course_lib/regularization.py", "regularized_objective",
                              (np.ones((2, 3)), np.ones((4, 2)), np.array([0, 1, 2, 0]), cl.svm_loss_W, 0.1), 8),
    "sgd_epochs": ("course_lib/optim.py", "sgd_epochs",
                   (lambda w, X, y: (0.0, w), lambda w, dw: w, np.zeros(2), np.ones((3, 1)), np.zeros(3), 2,
                    np.array([[0, 1, 2]])), 7),
}


@pytest.mark.parametrize("exercise_id", sorted(SWITCHED))
def test_a_switched_id_runs_the_students_answer_in_a_graded_release(exercise_id, monkeypatch):
    path, function, arguments, count = SWITCHED[exercise_id]
    text = (ROOT / path).read_text()
    assert exercise_id in {region[0] for region in release.reference_regions(text)}
    module = released_module(text, f"released_{exercise_id}")
    seen = []
    monkeypatch.setattr(answers, "reference_answer", lambda i: lambda *args: seen.append((i, len(args))) or "mine")
    assert getattr(module, function)(*arguments) == "mine"
    assert seen == [(exercise_id, count)]
    assert answers._LIBRARY[exercise_id] == f"{path[:-3].replace('/', '.')}:{function}"


def test_a_switched_function_still_validates_its_input_before_the_students_answer(monkeypatch):
    module = released_module((ROOT / "course_lib/optim.py").read_text(), "released_optim")
    monkeypatch.setattr(answers, "reference_answer", lambda i: pytest.fail("the answer ran on bad input"))
    _, _, arguments, _ = SWITCHED["sgd_epochs"]
    with pytest.raises(ValueError, match="orders: expected each row to be a permutation"):
        module.sgd_epochs(*arguments[:-1], np.array([[0, 1, 1]]))


def test_the_open_library_entries_resolve_to_the_v3_functions():
    from course_lib.grading.exercises.plain import resolve_target

    for exercise_id in V3_IDS:
        function = resolve_target(answers._LIBRARY[exercise_id])
        assert function.__module__.startswith("course_lib.") and callable(function), exercise_id
