"""Workbook v3's references, prepared but not claimed yet, and the switch that claims them.

course_lib's W-level losses and ``regularized_objective`` carry ``### REFERENCE PENDING <id>`` regions
(``sgd_epochs`` had one until notebook 09's v3 bank claimed it): the v2 bank still defines ``svm_vectorized`` and
``softmax_vectorized`` on scores and ``regularized_objective`` on a scores-level data loss, so no region may claim
those ids yet. A graded
release does not ship a pending region's code (it raises ``ReferenceUnavailable``). :data:`SWITCHES`
is the edit a notebook author makes with the v3 bank, per id, written as code so that this test
fails as soon as the instructions no longer apply to the source; the switched source, released,
runs the student's own W-level answer behind the scores-level ``cl.svm_loss`` and ``cl.softmax_loss``.
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

# the scores-level regions v2 claims, which the switch replaces by a call through the W-level function
SVM_V2_REGION = '''    ### BEGIN REFERENCE svm_vectorized -> with_margin(answer, scores, y, margin)
    n = scores.shape[0]
    rows = np.arange(n)
    margins = scores - scores[rows, y][:, None] + margin
    margins[rows, y] = 0.0
    np.maximum(margins, 0.0, out=margins)
    active = (margins > 0).astype(np.float64)
    active[rows, y] = -active.sum(axis=1)
    return margins.sum() / n, active / n
    ### END REFERENCE
'''
SOFTMAX_V2_REGION = '''    ### BEGIN REFERENCE softmax_vectorized
    n = scores.shape[0]
    rows = np.arange(n)
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    loss = np.log(total[:, 0]).sum() - shifted[rows, y].sum()
    dscores = exp / total
    dscores[rows, y] -= 1.0
    return loss / n, dscores / n
    ### END REFERENCE
'''


def _claim(text: str, exercise_id: str) -> str:
    """Turn the pending region of ``exercise_id`` into a reference region (the markers only)."""
    begin = f"### REFERENCE PENDING {exercise_id}\n"
    assert text.count(begin) == 1, exercise_id
    head, tail = text.split(begin)
    assert tail.count("### END REFERENCE PENDING\n") >= 1
    return head + f"### BEGIN REFERENCE {exercise_id}\n" + tail.replace("### END REFERENCE PENDING\n",
                                                                         "### END REFERENCE\n", 1)


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old[:60]
    return text.replace(old, new)


# (file, edit, the answers._LIBRARY entry the open release then uses)
SWITCHES = {
    "svm_vectorized": ("course_lib/losses.py", lambda text: _replace(
        _claim(text, "svm_vectorized"), SVM_V2_REGION, "    return with_margin(_svm_on_scores, scores, y, margin)\n"),
        "course_lib.losses:svm_loss_W"),
    "softmax_vectorized": ("course_lib/losses.py", lambda text: _replace(
        _claim(text, "softmax_vectorized"), SOFTMAX_V2_REGION, "    return _softmax_on_scores(scores, y)\n"),
        "course_lib.losses:softmax_loss_W"),
    "regularized_objective": ("course_lib/regularization.py", lambda text: _claim(text, "regularized_objective"),
                              "course_lib.regularization:regularized_objective"),
}
# switched for real (the v3 bank claims them): sgd_epochs (notebook 09), see test_the_switched_ids_...


def switched(path: str, ids) -> str:
    text = (ROOT / path).read_text()
    for exercise_id in ids:
        assert SWITCHES[exercise_id][0] == path
        text = SWITCHES[exercise_id][1](text)
    return text


def released_module(text: str, name: str) -> types.ModuleType:
    """The graded release's version of a source text, imported as a fresh module."""
    module = types.ModuleType(name)
    sys.modules[name] = module  # for the dataclasses it defines; gone again once it is built
    try:
        exec(compile(release.strip_references(text), f"<released {name}>", "exec"), module.__dict__)
    finally:
        del sys.modules[name]
    return module


# --- today: pending regions claim nothing and do not ship ------------------------------------

def test_the_pending_regions_are_the_v3_ids_and_claim_nothing():
    pending, claimed = {}, set()
    for path in sorted((ROOT / "course_lib").rglob("*.py")):
        text = path.read_text()
        claimed |= {region[0] for region in release.reference_regions(text)}
        for exercise_id, _, _ in release.pending_regions(text):
            pending[exercise_id] = path.relative_to(ROOT).as_posix()
    assert pending == {exercise_id: path for exercise_id, (path, _, _) in SWITCHES.items()}
    # no region is claimed twice; v2 still claims svm_vectorized and softmax_vectorized on scores
    assert {"svm_vectorized", "softmax_vectorized", "sgd_epochs"} <= claimed
    assert not {"regularized_objective"} & claimed


def test_a_graded_release_stubs_pending_regions_and_raises_reference_unavailable():
    text = (ROOT / "course_lib/losses.py").read_text()
    stripped = release.strip_references(text)
    assert "X.T @ weights / n" in text and "X.T @ weights / n" not in stripped
    assert release.pending_regions(stripped) == [] and release.reference_regions(stripped) == []
    module = released_module(text, "released_losses_today")
    with pytest.raises(cl.ReferenceUnavailable, match="svm_vectorized"):
        module.svm_loss_W(np.zeros((2, 3)), np.eye(2), np.array([0, 1]))
    # the scores-level loss of today's release still runs the v2 (scores) answer
    assert "reference_answer('svm_vectorized')" in stripped


def test_pending_functions_are_forbidden_in_answers():
    assert {"svm_loss_W", "softmax_loss_W", "regularized_objective", "sgd_epochs"} <= bank.reference_names()
    assert "svm_loss_W" in bank.get("svm_loss_grad_W").forbidden


def test_a_pending_region_inside_a_reference_region_is_refused():
    text = ("def f(x):\n    ### BEGIN REFERENCE a\n    ### REFERENCE PENDING b\n    return x\n"
            "    ### END REFERENCE PENDING\n    ### END REFERENCE\n")
    with pytest.raises(ValueError, match="overlaps"):
        release.strip_references(text)
    with pytest.raises(ValueError, match="never closed"):
        release.pending_regions("def f():\n    ### REFERENCE PENDING x\n    return 1\n")


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
    text = switched("course_lib/losses.py", ["svm_vectorized", "softmax_vectorized"])
    assert release.pending_regions(text) == []
    # each id claimed once, svm_vectorized and softmax_vectorized now by the W-level functions
    assert sorted(region[0] for region in release.reference_regions(text)) == [
        "softmax_loop", "softmax_probs", "softmax_vectorized", "squared_error", "svm_loop", "svm_vectorized"]
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


@pytest.mark.parametrize(("exercise_id", "function", "arguments"), [
    ("regularized_objective", "regularized_objective",
     (np.ones((2, 3)), np.ones((4, 2)), np.array([0, 1, 2, 0]), cl.svm_loss_W, 0.1)),
])
def test_after_the_switch_the_other_ids_call_the_students_answer(exercise_id, function, arguments, monkeypatch):
    path = SWITCHES[exercise_id][0]
    module = released_module(switched(path, [exercise_id]), f"released_{exercise_id}")
    seen = []
    monkeypatch.setattr(answers, "reference_answer", lambda i: lambda *args: seen.append((i, len(args))) or "mine")
    assert getattr(module, function)(*arguments) == "mine"
    assert seen == [(exercise_id, {"regularized_objective": 8}[exercise_id])]


def test_the_switched_ids_run_the_students_answer_in_a_graded_release(monkeypatch):
    """sgd_epochs is claimed: the released optim calls the student's loop (after validating the inputs)."""
    text = (ROOT / "course_lib/optim.py").read_text()
    assert release.pending_regions(text) == [] and "### BEGIN REFERENCE sgd_epochs" in text
    module = released_module(text, "released_optim")
    seen = []
    monkeypatch.setattr(answers, "reference_answer", lambda i: lambda *args: seen.append((i, len(args))) or "mine")
    arguments = (lambda w, X, y: (0.0, w), lambda w, dw: w, np.zeros(2), np.ones((3, 1)), np.zeros(3), 2,
                 np.array([[0, 1, 2]]))
    assert module.sgd_epochs(*arguments) == "mine"
    assert seen == [("sgd_epochs", 7)]
    with pytest.raises(ValueError, match="orders"):  # validation stays course_lib's
        module.sgd_epochs(*arguments[:-1], np.array([[0, 1, 1]]))
    assert bank.get("sgd_epochs").answer == "sgd_epochs"


def test_the_open_library_entries_the_switch_adds_resolve_to_the_v3_functions():
    from course_lib.grading.exercises.plain import resolve_target

    for exercise_id, (_, _, target) in SWITCHES.items():
        function = resolve_target(target)
        assert function.__module__.startswith("course_lib.") and callable(function), exercise_id
    assert answers._LIBRARY["sgd_epochs"] == "course_lib.optim:sgd_epochs"
