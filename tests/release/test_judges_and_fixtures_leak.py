"""The release ships fixtures.py and judges.py: neither may hand out a lecture loss or gradient (design 2.3).

A fixture is a trusted helper a case passes to an answer; a judge measures what an answer achieves. Both
ship with every release, in the open, so both are read here the way a student could use them:

- statically: neither refers to a course_lib function that implements an exercise (a reference, see
  :func:`course_lib.grading.exercises.bank.reference_names`); judges.py reaches lecture functions only
  through ``answers.mine``;
- by behaviour: no function of theirs, called the way a loss is called (``f(W, X, y)`` or
  ``f(scores, y)``), returns the hinge or softmax loss, or their gradient, of a lecture-sized problem.
"""

from __future__ import annotations

import ast
import inspect
import warnings
from pathlib import Path

import numpy as np
import pytest

import course_lib as cl
from course_lib.grading.exercises import bank, fixtures, judges

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = {"fixtures": ROOT / "course_lib/grading/exercises/fixtures.py",
           "judges": ROOT / "course_lib/grading/exercises/judges.py"}


def names_used(path: Path) -> set:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    used |= {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    return used


@pytest.mark.parametrize("name", SHIPPED)
def test_no_shipped_helper_refers_to_a_course_lib_reference(name):
    assert not names_used(SHIPPED[name]) & bank.reference_names()


def test_judges_reach_lecture_functions_only_through_mine():
    tree = ast.parse(SHIPPED["judges"].read_text(encoding="utf-8"))
    imported = {(n.module, a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names
                if (n.module or "").startswith("course_lib") or a.name == "answers"}
    assert imported == {("course_lib", "answers"), ("course_lib.grading.exercises.plain", "PlainList"),
                        ("course_lib.grading.exercises.plain", "Verdict"), ("course_lib.losses", "loss_on_scores"),
                        ("course_lib.data", "load_digits"), ("course_lib.optim", "adam_steps"),
                        ("course_lib.optim", "epoch_orders"), ("course_lib.optim", "rmsprop"),
                        ("course_lib.optim", "sgd_momentum")}
    # the training judges' open helpers: data, the orders, the wrapper that runs an adam_step it is given, and
    # momentum and RMSProp (no exercise since workbook v3); none of them is a reference
    assert not {"load_digits", "adam_steps", "epoch_orders", "rmsprop", "sgd_momentum"} & bank.reference_names()
    calls = {ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Attribute) and ast.unparse(n.func.value) == "answers"}
    assert calls == {"answers.mine"}


def _problem(seed):
    """A small problem; seed 0 has W = 0, where a loss plus a weight penalty equals the loss (and its gradient)."""
    rng = np.random.default_rng(seed)
    W, X, y = rng.standard_normal((3, 4)), rng.standard_normal((5, 3)), rng.integers(0, 4, 5)
    return (0.0 * W if seed == 0 else W), X, y


def _lecture_values(W, X, y):
    """The numbers a leak would return: the hinge and softmax losses and their W- and score-gradients.

    At W = 0 every hinge term is exactly 1, where the hinge's value equals the squared hinge's (and
    any sum of ones): only the gradients and the softmax loss tell a leak there.
    """
    out = []
    for loss in (cl.svm_loss_W, cl.softmax_loss_W):
        value, dW = loss(W, X, y)
        out += [value, dW] if (loss is cl.softmax_loss_W or W.any()) else [dW]
    for loss in (cl.svm_loss, cl.softmax_loss):
        value, dscores = loss(X @ W, y)
        out += [value, dscores] if (loss is cl.softmax_loss or W.any()) else [dscores]
    return out


def _matches_any(result, lecture) -> bool:
    parts = result if isinstance(result, tuple) else (result,)
    for part in parts:
        try:
            part = np.asarray(part, dtype=float)
        except (TypeError, ValueError):
            continue
        for value in lecture:
            value = np.asarray(value)
            if part.shape == value.shape and np.allclose(part, value, rtol=1e-6, atol=1e-9):
                return True
    return False


def _shipped_functions():
    for module in (fixtures, judges):
        for name, function in vars(module).items():
            if inspect.isfunction(function) and function.__module__ == module.__name__:
                yield f"{module.__name__.rsplit('.', 1)[1]}:{name}", function


@pytest.mark.parametrize(("name", "function"), list(_shipped_functions()), ids=lambda value: value
                         if isinstance(value, str) else "")
def test_no_shipped_helper_returns_a_lecture_loss_or_gradient(name, function):
    for seed in (0, 1, 2):
        W, X, y = _problem(seed)
        lecture = _lecture_values(W, X, y)
        for args in ((W, X, y), (X @ W, y), (X @ W, y[0])):
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    result = function(*args)
            except Exception:  # noqa: BLE001 - a helper that cannot run as a loss is no leak
                continue
            assert not _matches_any(result, lecture), (name, len(args))


def test_the_audit_covers_every_shipped_helper():
    names = {name for name, _ in _shipped_functions()}
    assert {"fixtures:log_cosh_objective", "fixtures:toy_kinked_loss", "fixtures:toy_smooth_loss",
            "fixtures:centroid_loss", "judges:opposite_ranking", "judges:learning_rate_regimes",
            "judges:tuned_learning_rates", "judges:capstone_recipe"} <= names


@pytest.mark.parametrize("name", ["log_cosh_objective", "smooth_hinge_loss_W", "onehot_squared_loss_W"])
def test_the_new_fixtures_gradients_match_numerical_gradients(name):
    function = getattr(fixtures, name)
    W, X, y = _problem(1)
    loss, dW = function(W, X, y)
    numerical = cl.numerical_gradient(lambda V: function(V, X, y)[0], W, h=1e-6)
    assert np.isfinite(loss) and cl.relative_error(dW, numerical) < 1e-6


def test_the_toy_stand_ins_keep_their_roles():
    centre = np.linspace(-1.0, 1.0, 9).reshape(3, 3)
    assert fixtures.toy_kinked_loss(centre) == 0.0 and fixtures.toy_kinked_loss(centre + 0.25) > 0
    # a kink where an entry of W - c is 1/2: the one-sided slopes differ
    slope = [(fixtures.toy_kinked_loss(centre + np.eye(3) * (0.5 + s)) - fixtures.toy_kinked_loss(centre + np.eye(3)
             * 0.5)) / s for s in (1e-6, -1e-6)]
    assert abs(slope[0] - slope[1]) > 1.0
    W = np.random.default_rng(3).standard_normal((3, 3))
    assert fixtures.toy_smooth_objective(W) == pytest.approx(fixtures.toy_smooth_loss(W) + 0.1 * np.sum(W * W))
    assert fixtures.toy_smooth_loss(W) > 0
