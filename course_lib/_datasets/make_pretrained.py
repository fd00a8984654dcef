"""Make ``course_lib/_datasets/pretrained.npz``: the weights an early notebook shows before it can train.

Run ``python -m course_lib._datasets.make_pretrained [--out FOLDER]`` in the instructor's checkout (a
student release refuses: its course_lib has no reference code to train with). Every array is trained here
with course_lib's own references (the W-level losses, :func:`course_lib.regularization.regularized_objective`
and :func:`course_lib.optim.sgd_epochs`) by full-batch gradient descent from W = 0 at a constant
learning rate; the recipes (data, loss, lambda, penalty, learning rate, steps) are stored with them as
JSON in the 0-d string array ``recipes``. The checks below are asserted, and printed, each time it runs;
``tests/numerics/test_pretrained.py`` re-runs it into a temporary folder and compares every array, so
that the data and the script cannot drift apart.

Deterministic: no randomness beyond the data sets' fixed seeds, and one BLAS thread (set before numpy
loads; a test runs the script in a fresh interpreter for that reason).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from course_lib import data, losses, optim, regularization  # noqa: E402
from course_lib.linear import add_bias_column  # noqa: E402

HERE = Path(__file__).resolve().parent
FILE_NAME = "pretrained.npz"
LOSSES = {"softmax": losses.softmax_loss_W, "svm": losses.svm_loss_W}
HARD_CASES = (("ring", data.make_ring), ("three modes", data.make_three_modes),
              ("opposite quadrants", data.make_opposite_quadrants))

# name -> recipe (design docs/course-flow.md, section 2.4); "steps" is the number of gradient steps, or
# for hard_cases_W the cap of a run that stops once the loss changes by less than "tolerance" over "window" steps
RECIPES = {
    "digits_softmax_W": {"data": "load_digits(seed=0) training split (1,077), pixels in [0, 1] and a bias column",
                         "loss": "softmax", "reg": 1e-3, "kind": "l2", "penalize_bias": True,
                         "learning_rate": 3.0, "steps": 300},
    "digits_svm_W": {"data": "load_digits(seed=0) training split (1,077), pixels in [0, 1] and a bias column",
                     "loss": "svm", "reg": 1e-3, "kind": "l2", "penalize_bias": True,
                     "learning_rate": 0.1, "steps": 1500},  # 500 (the design's first guess) left a 3.1 % change
    "blobs_softmax_W": {"data": "make_blobs(n_per_class=40, num_classes=3, seed=0), rows x1, x2, 1",
                        "loss": "softmax", "reg": 1e-3, "kind": "l2", "penalize_bias": True,
                        "learning_rate": 0.5, "steps": 500},
    "hard_cases_W": {"data": "make_ring(seed=0), make_three_modes(seed=0), make_opposite_quadrants(seed=0), "
                             "in that order; rows x1, x2, 1; 2 classes",
                     "loss": "softmax", "reg": 1e-4, "kind": "l2", "penalize_bias": True,
                     "learning_rate": 0.05, "steps": 5000, "window": 100, "tolerance": 1e-5},
    "digits600_l2_W": {"data": "the first 600 of load_digits(seed=0)'s training split, bias column",
                       "loss": "svm", "reg": 0.01, "kind": "l2", "penalize_bias": True,
                       "learning_rate": 0.1, "steps": 300},
    "digits600_l1_W": {"data": "the first 600 of load_digits(seed=0)'s training split, bias column",
                       "loss": "svm", "reg": 0.01, "kind": "l1", "penalize_bias": True,
                       "learning_rate": 0.1, "steps": 300},
    "digits600_l2_free_bias_W": {"data": "the first 600 of load_digits(seed=0)'s training split, bias column",
                                 "loss": "svm", "reg": 0.01, "kind": "l2", "penalize_bias": False,
                                 "learning_rate": 0.1, "steps": 300},
}


def in_a_release() -> bool:
    """Whether this course_lib is a student release (a release writes ``_release.json`` into the package)."""
    return (HERE.parent / "_release.json").is_file()


def gradient_descent(recipe: dict, X, y, W0, steps: int):
    """``steps`` full-batch gradient steps on ``regularized_objective`` from ``W0``; returns ``(W, losses)``.

    Runs through :func:`course_lib.optim.sgd_epochs` with one batch of all N examples per epoch.
    """
    data_loss = LOSSES[recipe["loss"]]

    def objective(W, X_batch, y_batch):
        return regularization.regularized_objective(W, X_batch, y_batch, data_loss, recipe["reg"], recipe["kind"],
                                                    penalize_bias=recipe["penalize_bias"])

    rate = recipe["learning_rate"]
    orders = np.tile(np.arange(len(y)), (steps, 1))
    return optim.sgd_epochs(objective, lambda W, dW: W - rate * dW, W0, X, y, len(y), orders)


def accuracy(W, X, y) -> float:
    return float(np.mean(np.argmax(X @ W, axis=1) == y))


def objective_value(recipe: dict, W, X, y) -> float:
    return regularization.regularized_objective(W, X, y, LOSSES[recipe["loss"]], recipe["reg"], recipe["kind"],
                                                penalize_bias=recipe["penalize_bias"])[0]


def _digits():
    splits = data.load_digits(seed=0)
    return (add_bias_column(splits.X_train), splits.y_train, add_bias_column(splits.X_val), splits.y_val)


def make(report=print) -> dict:
    """Train every array of :data:`RECIPES`, assert the checks, and return ``{name: array}``."""
    X, y, X_val, y_val = _digits()
    arrays = {}

    for name in ("digits_softmax_W", "digits_svm_W"):
        recipe = RECIPES[name]
        W, history = gradient_descent(recipe, X, y, np.zeros((65, 10)), recipe["steps"])
        val = accuracy(W, X_val, y_val)
        last = objective_value(recipe, W, X, y)
        change = abs(history[-50] - last) / last  # over the last 50 steps
        report(f"{name}: training accuracy {accuracy(W, X, y):.3f}, validation accuracy {val:.3f}, "
               f"objective {history[0]:.4f} -> {last:.4f} (changed {change:.2%} over the last 50 steps)")
        assert val >= 0.93, f"{name}: validation accuracy {val:.3f} < 0.93"
        assert change < 0.01, f"{name}: the objective still changes by {change:.2%} over the last 50 steps"
        arrays[name] = W

    recipe = RECIPES["blobs_softmax_W"]
    Xb, yb = data.make_blobs(n_per_class=40, num_classes=3, seed=0)
    Xb = add_bias_column(Xb)
    W, history = gradient_descent(recipe, Xb, yb, np.zeros((3, 3)), recipe["steps"])
    blobs = accuracy(W, Xb, yb)
    report(f"blobs_softmax_W: training accuracy {blobs:.3f}, objective {history[0]:.4f} -> "
           f"{objective_value(recipe, W, Xb, yb):.4f}")
    assert blobs >= 0.95, f"blobs_softmax_W: training accuracy {blobs:.3f} < 0.95 on separable blobs"
    arrays["blobs_softmax_W"] = W

    recipe = RECIPES["hard_cases_W"]
    stack = []
    for label, make_set in HARD_CASES:
        Xh, yh = make_set(seed=0)
        Xh = add_bias_column(Xh)
        W, previous, steps = np.zeros((3, 2)), objective_value(recipe, np.zeros((3, 2)), Xh, yh), 0
        while steps < recipe["steps"]:
            W, _ = gradient_descent(recipe, Xh, yh, W, recipe["window"])
            steps += recipe["window"]
            now = objective_value(recipe, W, Xh, yh)
            if abs(previous - now) < recipe["tolerance"]:
                break
            previous = now
        majority = max(np.mean(yh), 1 - np.mean(yh))
        trained = accuracy(W, Xh, yh)
        report(f"hard_cases_W[{len(stack)}] ({label}): {steps} steps, training accuracy {trained:.3f} "
               f"(majority rule {majority:.3f}), objective {now:.5f}")
        assert steps < recipe["steps"], f"hard_cases_W ({label}): no convergence within {recipe['steps']} steps"
        stack.append(W)
    arrays["hard_cases_W"] = np.stack(stack)

    X600, y600 = X[:600], y[:600]
    for name in ("digits600_l2_W", "digits600_l1_W", "digits600_l2_free_bias_W"):
        recipe = RECIPES[name]
        W, history = gradient_descent(recipe, X600, y600, np.zeros((65, 10)), recipe["steps"])
        val = accuracy(W, X_val, y_val)
        small = float(np.mean(np.abs(W[:-1]) < 0.01))
        report(f"{name}: validation accuracy {val:.3f}, share of pixel weights with |w| < 0.01 {small:.3f}, "
               f"largest |w| {np.abs(W[:-1]).max():.3f}, largest |bias| {np.abs(W[-1]).max():.3f}")
        assert val >= 0.9, f"{name}: validation accuracy {val:.3f} < 0.9"
        arrays[name] = W
    l1_small = np.mean(np.abs(arrays["digits600_l1_W"][:-1]) < 0.01)
    l2_small = np.mean(np.abs(arrays["digits600_l2_W"][:-1]) < 0.01)
    assert l1_small > l2_small, "digits600: L1 should leave more pixel weights near 0 than L2"
    return arrays


def write(arrays: dict, folder: Path) -> Path:
    """Save ``arrays`` and the recipes as ``folder/pretrained.npz``; returns its path."""
    assert set(arrays) == set(RECIPES), sorted(set(arrays) ^ set(RECIPES))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    recipes = np.array(json.dumps(RECIPES, indent=1, sort_keys=True))
    np.savez_compressed(path, recipes=recipes, **{name: np.asarray(a, dtype=np.float64) for name, a in arrays.items()})
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib._datasets.make_pretrained",
                                     description="Train and write course_lib's pretrained weights.")
    parser.add_argument("--out", type=Path, default=HERE, help=f"folder to write {FILE_NAME} into (default: {HERE})")
    args = parser.parse_args(argv)
    if in_a_release():
        print("make_pretrained: this is a student release of course_lib (it has no reference code to train "
              "with); run it in the instructor's checkout", file=sys.stderr)
        return 2
    path = write(make(), args.out)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
