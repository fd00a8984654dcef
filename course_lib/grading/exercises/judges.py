"""Outcome judges: exercises graded on what the answer achieves, named ``"course_lib.grading.exercises.judges:<name>"``.

Some exercises have many right answers: construct two score sets that two losses rank oppositely,
choose learning rates that show three regimes, a recipe that reaches an accuracy. Their judge is code
that measures the effect. A bank entry names it as a
:class:`~course_lib.grading.exercises.plain.NamedJudge`, so that the released data bank carries the name
and this module ships with the release: ``check`` in the student's kernel and the grader run the same
judge on the same plain data.

A judge implements no exercise. Where it needs a lecture function (a hinge or softmax loss, a
training loop), it takes it through :func:`course_lib.answers.mine`: in the student's kernel of a
graded release that is the student's own earlier answer (so "your number" is computed with your
code), in the grader's process (the instructor's checkout) the bank's reference. The test
``tests/release/test_judges_and_fixtures_leak.py`` checks that no function here refers to a course_lib
reference or returns a lecture loss.

Signature: ``judge(case, actual) -> Verdict``. ``actual`` is the student's value as plain data;
``case.args`` carries the judge's parameters (plain data: names, thresholds), so that one judge
serves several exercises. The verdict reports the measured effect ("hinge: A 0.50, B 0.40; A must be
lower by at least 0.01"), never a right answer.
"""

from __future__ import annotations

import inspect

import numpy as np

from course_lib import answers
from course_lib.data import load_digits
from course_lib.grading.exercises.plain import PlainList, Verdict
from course_lib.losses import loss_on_scores
from course_lib.optim import adam_steps, epoch_orders, rmsprop, sgd_momentum

# the lecture losses a judge may use, by the exercise whose answer computes them
LECTURE_LOSSES = {"hinge": "svm_vectorized", "softmax": "softmax_vectorized"}
LOSS_NAMES = ("hinge", "softmax", "squared_hinge")
MAX_CLASSES = 10


class _NotAvailable(Exception):
    """A lecture function the judge needs is not available (the student has not solved it yet)."""


def _loss_of_scores(name: str):
    """``loss(scores (N, C), y (N,)) -> float``, the mean loss ``name`` of given scores.

    The hinge and softmax losses come from :func:`course_lib.answers.mine` (a W-level answer,
    ``f(W, X, y)``, runs with X = the identity; a scores-level one, ``f(scores, y)``, as it is); the
    squared hinge, which is no exercise, is computed here.
    """
    if name == "squared_hinge":
        return _squared_hinge
    exercise_id = LECTURE_LOSSES[name]
    function = answers.mine(exercise_id)
    if not function:
        raise _NotAvailable(getattr(function, "reason", f"{exercise_id} is not available"))
    try:  # W-level answers take three arguments (W, X, y); v2's scores-level ones two (scores, y)
        required = [p for p in inspect.signature(function).parameters.values()
                    if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        w_level = len(required) == 3
    except (TypeError, ValueError):
        w_level = False

    def loss(scores, y) -> float:
        value = loss_on_scores(function, scores, y)[0] if w_level else function(scores, y)[0]
        return float(value)
    return loss


def _squared_hinge(scores, y) -> float:
    """Mean over the rows of ``sum_{j != y_i} max(0, s_j - s_{y_i} + 1)^2`` (the lecture's squared hinge)."""
    rows = np.arange(len(y))
    violations = np.maximum(0.0, scores - scores[rows, y][:, None] + 1.0)
    violations[rows, y] = 0.0
    return float((violations**2).sum() / len(y))


def _score_sets(actual, max_rows: int):
    """``(A, B, y)`` as (N, C), (N, C), (N,) arrays from ``(A, B, labels)``, or a Verdict saying what is malformed.

    Accepts two score vectors (C,) with one label (an int), or two score arrays (N, C) with N labels.
    """
    if not isinstance(actual, tuple) or isinstance(actual, PlainList) or len(actual) != 3:
        got = f"{len(actual)} values" if isinstance(actual, tuple) else type(actual).__name__
        return Verdict(False, f"expected a tuple of three values (scores A, scores B, the correct class), got {got}")
    first, second, labels = actual
    arrays = []
    for which, value in (("A", first), ("B", second)):
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return Verdict(False, f"scores {which}: expected numbers, got {type(value).__name__}")
        if array.ndim not in (1, 2) or not np.isfinite(array).all():
            problem = f"shape {array.shape}" if array.ndim not in (1, 2) else "NaN or inf"
            return Verdict(False, f"scores {which}: expected finite scores of shape (C,) or (N, C), got {problem}")
        arrays.append(array)
    A, B = arrays
    if A.shape != B.shape:
        return Verdict(False, f"scores B: expected the shape of scores A {A.shape}, got shape {B.shape}")
    single = A.ndim == 1
    A, B = (A[None], B[None]) if single else (A, B)
    n, c = A.shape
    if not 2 <= c <= MAX_CLASSES or not 1 <= n <= max_rows:
        want = f"(C,) with 2 <= C <= {MAX_CLASSES}" if single else \
            f"(N, C) with 1 <= N <= {max_rows} and 2 <= C <= {MAX_CLASSES}"
        return Verdict(False, f"scores A: expected shape {want}, got shape {A.shape[1:] if single else A.shape}")
    y = np.asarray([labels] if single else labels)
    if y.dtype == bool or not np.issubdtype(y.dtype, np.integer) or y.shape != (n,):
        want = "one int (the correct class)" if single else f"{n} int labels, shape ({n},)"
        return Verdict(False, f"the correct class: expected {want}, got {labels!r}"[:200])
    if y.min() < 0 or y.max() >= c:
        return Verdict(False, f"the correct class: expected labels in [0, {c}), got {y.tolist()}"[:200])
    return A, B, y.astype(np.int64)


def opposite_ranking(case, actual) -> Verdict:
    """Two score sets that two losses rank oppositely, each by a clear gap.

    ``case.args = (first, second, gap, max_rows)``: ``first`` and ``second`` are loss names
    (``"hinge"``, ``"softmax"``, ``"squared_hinge"``), ``gap`` a number > 0, ``max_rows`` the largest N.
    ``actual = (A, B, labels)``: two score vectors (C,) and the correct class (an int), or two score
    arrays (N, C) and N labels, with 2 <= C <= 10. It passes when ``first``'s mean loss of A is lower
    than of B by at least ``gap`` while ``second``'s mean loss of B is lower than of A by at least
    ``gap``. (Notebook 03's ``rank_swap_pair``: hinge against squared hinge; 06's ``disagreeing_pair``:
    hinge against softmax.)
    """
    first, second, gap, max_rows = case.args
    parsed = _score_sets(actual, max_rows)
    if isinstance(parsed, Verdict):
        return parsed
    A, B, y = parsed
    try:
        losses = {name: _loss_of_scores(name) for name in (first, second)}
        values = {name: (loss(A, y), loss(B, y)) for name, loss in losses.items()}
    except _NotAvailable as exc:
        return Verdict(False, f"this check measures your losses: {exc}")
    except Exception as exc:  # the student's earlier answer failed on these scores
        return Verdict(False, f"computing the losses of your scores raised {type(exc).__name__}: {exc}"[:300])
    lines, passed = [], True
    for name, lower in ((first, "A"), (second, "B")):
        a, b = values[name]
        margin = (b - a) if lower == "A" else (a - b)
        ok = bool(margin >= gap)
        passed &= ok
        lines.append(f"{name.replace('_', ' ')} loss: A {a:.4g}, B {b:.4g} "
                     + ("✓" if ok else f"({lower} must be lower by at least {gap:g})"))
    return Verdict(passed, "; ".join(lines))


# --- a linear classifier set by hand (notebook 01's hand_weights) --------------------------------

def _hand_classifier(actual):
    """``(W (2, C), b (C,))`` as float arrays from ``{"W": W, "b": b}``, or a Verdict saying what is malformed."""
    if not isinstance(actual, dict):
        return Verdict(False, f"expected a dict {{'W': W, 'b': b}}, got {type(actual).__name__}")
    missing, extra = sorted({"W", "b"} - set(actual)), sorted(set(actual) - {"W", "b"})
    if missing or extra:
        said = "; ".join(part for part in (f"missing the keys {missing}" if missing else "",
                                          f"unexpected keys {extra}" if extra else "") if part)
        return Verdict(False, f"expected a dict with the keys 'W' and 'b': {said}")
    arrays = {}
    for key, shape, what in (("W", (2, 2), "rows x1, x2; column c holds class c's weights"),
                             ("b", (2,), "one bias per class")):
        try:
            array = np.asarray(actual[key], dtype=np.float64)
        except (TypeError, ValueError):
            return Verdict(False, f"{key}: expected numbers, got {type(actual[key]).__name__}")
        if array.shape != shape:
            return Verdict(False, f"{key}: expected shape {shape} ({what}), got shape {array.shape}")
        if not np.isfinite(array).all():
            return Verdict(False, f"{key}: expected finite numbers, got NaN or inf")
        arrays[key] = array
    return arrays["W"], arrays["b"]


def _right(W, b, X, y) -> int:
    """How many points ``argmax(x W + b)`` classifies as their label."""
    return int(np.sum(np.argmax(X @ W + b, axis=1) == y))


def linear_accuracy(case, actual) -> Verdict:
    """A two-class linear classifier ``argmax(x W + b)`` given by hand, scored on points.

    ``case.args = (X, y, target)``: the points (N, 2), their labels (N,) in {0, 1}, and the accuracy
    to reach. ``actual = {"W": W, "b": b}`` with ``W`` (2, 2) (column c: class c's weights on x1, x2)
    and ``b`` (2,). It passes when the fraction of points whose highest score is their label is at
    least ``target``. A failing verdict says the accuracy reached and, when it explains the miss, what
    the answer looks like: the classes on the wrong sides of the border (the columns swapped would
    pass), the lecture's layout (W transposed would pass), or every point given one class.
    (Notebook 01's ``hand_weights``: beat the trained classifier on the three modes by hand.)
    """
    X, y, target = case.args
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    parsed = _hand_classifier(actual)
    if isinstance(parsed, Verdict):
        return parsed
    W, b = parsed
    count = _right(W, b, X, y)
    said = f"{count} of {len(y)} points right ({count / len(y):.3f})"
    if count >= target * len(y):
        return Verdict(True, f"{said} ✓")
    why = ""
    swapped = _right(W[:, ::-1], b[::-1], X, y) / len(y)
    transposed = _right(W.T, b, X, y) / len(y)
    predicted = np.unique(np.argmax(X @ W + b, axis=1))
    if swapped >= target:
        why = (f": your border is good but its sides are the wrong way round (with the two classes' columns of W "
               f"and entries of b exchanged it gets {swapped:.3f})")
    elif transposed >= target and not np.allclose(W, W.T):
        why = (f": column c of W holds class c's weights on x1 and x2 (the code's (D, C) layout); your W reads "
               f"as the lecture's rows (transposed it gets {transposed:.3f})")
    elif len(predicted) == 1:
        why = f": every point is given class {int(predicted[0])}, so no border crosses the data"
    return Verdict(False, f"{said}; needed at least {target:g}{why}")
# --- training judges: the student's own pipeline on the digits (notebooks 09, 10 and 11) ----------------
# Each trains linear classifiers on the digits with the parts the lecture's exercises built, all taken
# through answers.mine: in the student's kernel their loss, objective, epoch loop and Adam step, in the
# grader the bank's references. A part that is missing fails the verdict with mine()'s reason.

def _part(exercise_id: str):
    function = answers.mine(exercise_id)
    if not function:
        raise _NotAvailable(getattr(function, "reason", f"{exercise_id} is not available"))
    return function


def _objective(loss_name: str, reg: float):
    """``loss_grad(W, X, y) -> (loss, dW)``: the data loss ``loss_name`` plus ``reg`` times ``sum W^2`` (every row)."""
    data_loss = _part(LECTURE_LOSSES[loss_name])
    objective = _part("regularized_objective")

    def loss_grad(W, X, y):
        return objective(W, X, y, data_loss, reg, "l2", 0.5, True)
    return loss_grad


def _with_bias(X):
    return np.hstack([X, np.ones((X.shape[0], 1))])


def _digits(split_seed: int, centre: bool = False) -> dict:
    """``load_digits(seed=split_seed)``'s parts as ``{"train": (X, y), "val": ..., "test": ...}``, each X with a
    column of ones; pixels in [0, 1], or minus the mean training image if ``centre``."""
    splits = load_digits(seed=split_seed)
    mean = splits.X_train.mean(axis=0) if centre else 0.0
    return {part: (_with_bias(getattr(splits, f"X_{part}") - mean), getattr(splits, f"y_{part}"))
            for part in ("train", "val", "test")}


class _Overflow(Exception):
    """A step left the weights not finite: the run has diverged (the judge stops it there)."""


def _finite(step):
    """``step`` that raises :class:`_Overflow` when the weights it returns are not all finite."""
    def checked(w, dw):
        next_w = step(w, dw)
        if not np.isfinite(next_w).all():
            raise _Overflow
        return next_w
    return checked


def _plain_step(learning_rate: float):
    def step(w, dw):
        return w - learning_rate * np.asarray(dw, dtype=np.float64)
    return _finite(step)


def _rule_step(rule, config: dict):
    """A stateful ``step(w, dw)`` from one of course_lib's open rules ``rule(w, dw, config) -> (w, config)``."""
    state = {"config": dict(config)}

    def step(w, dw):
        next_w, state["config"] = rule(w, dw, state["config"])
        return next_w
    return _finite(step)


def _train(loss_grad, step, w0, X, y, batch_size: int, orders):
    """``sgd_epochs`` (the student's, through mine) with numpy's warnings silenced: a run may overflow on purpose."""
    import warnings

    epoch_loop = _part("sgd_epochs")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        w, losses = epoch_loop(loss_grad, step, w0, X, y, batch_size, orders)
    return np.asarray(w, dtype=np.float64), np.asarray(losses, dtype=np.float64)


def _positive_numbers(values, names) -> str:
    """'' if every value is a finite number > 0 (not a bool), else what is wrong, naming the item."""
    for name, value in zip(names, values):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
            return f"{name}: expected a learning rate (a number > 0), got {value!r}"[:200]
    return ""


def _ran(function, *args):
    """``function(*args)``, or a Verdict saying which part is missing or what the student's code raised."""
    try:
        return function(*args)
    except _NotAvailable as exc:
        return Verdict(False, f"this check trains with your own parts: {exc}")
    except Exception as exc:  # the student's earlier answer failed inside the training
        return Verdict(False, f"training with your parts raised {type(exc).__name__}: {exc}"[:300])


def learning_rate_regimes(case, actual) -> Verdict:
    """Three learning rates that show gradient descent's three regimes (notebook 09's ``lr_regimes``).

    ``case.args = (steps, reg, small_floor, good_ceiling, rise_within, rise_factor)``; ``actual =
    (too_small, good, too_large)``, numbers > 0 in increasing order. Each runs ``steps`` full-batch steps
    (batch = N, every epoch in the examples' order) of ``w - lr * dw`` from W = 0 on the digits softmax
    objective (raw pixels with a bias column, ``reg`` times the L2 penalty). It passes when *too_small*'s
    loss falls at every step and its last recorded loss is at least ``small_floor``; *good*'s last loss is at
    most ``good_ceiling``; *too_large*'s loss climbs to at least ``rise_factor`` times the starting loss within
    the first ``rise_within`` steps, or the weights overflow. (Only the first steps of a too-large run are
    measured: later it is chaotic, and two correct implementations end far apart.)
    """
    steps, reg, small_floor, good_ceiling, rise_within, rise_factor = case.args
    names = ("too_small", "good", "too_large")
    if not isinstance(actual, tuple) or len(actual) != 3:
        got = f"{len(actual)} values" if isinstance(actual, tuple) else type(actual).__name__
        return Verdict(False, f"expected a tuple of three learning rates (too_small, good, too_large), got {got}")
    problem = _positive_numbers(actual, names)
    if problem:
        return Verdict(False, problem)
    if not actual[0] < actual[1] < actual[2]:
        return Verdict(False, f"expected too_small < good < too_large, got {actual[0]:g}, {actual[1]:g}, {actual[2]:g}")
    X, y = _digits(0)["train"]
    orders = np.tile(np.arange(len(y)), (steps, 1))

    def curve(loss_grad, learning_rate):
        try:
            return _train(loss_grad, _plain_step(learning_rate), np.zeros((X.shape[1], 10)), X, y, len(y), orders)[1]
        except _Overflow:  # the weights overflowed: the run stops there, its loss is not finite
            return np.array([np.inf])

    def curves():
        loss_grad = _objective("softmax", reg)
        return [curve(loss_grad, lr) for lr in actual]
    measured = _ran(curves)
    if isinstance(measured, Verdict):
        return measured
    small, good, large = measured
    finite = bool(np.isfinite(large[:rise_within]).all())
    peak = float(np.max(large[:rise_within])) if finite else np.inf
    checks = [
        (bool(np.isfinite(small).all() and np.all(np.diff(small) < 0)) and small[-1] >= small_floor,
         f"too_small {actual[0]:g}: " + ("falls at every step" if np.all(np.diff(small) < 0) else
                                         f"rises at step {int(np.argmax(np.diff(small) >= 0)) + 1}")
         + f", ends at {small[-1]:.3f} (must end >= {small_floor:g})"),
        (bool(good[-1] <= good_ceiling), f"good {actual[1]:g}: ends at {good[-1]:.3f} (must end <= {good_ceiling:g})"),
        ((not finite) or peak >= rise_factor * large[0],
         f"too_large {actual[2]:g}: " + ("overflows" if not finite else
                                         f"climbs to {peak / large[0]:.2f} times its starting loss within "
                                         f"{rise_within} steps (must reach {rise_factor:g} times)")),
    ]
    message = "; ".join(text.split(" (must")[0] + " ✓" if ok else text for ok, text in checks)
    return Verdict(all(ok for ok, _ in checks), message)


RULE_NAMES = ("sgd", "momentum", "rmsprop", "adam")


def _rule_steps(rule: str, learning_rate: float):
    if rule == "sgd":
        return _plain_step(learning_rate)
    if rule == "momentum":
        return _rule_step(sgd_momentum, {"learning_rate": learning_rate, "momentum": 0.9})
    if rule == "rmsprop":
        return _rule_step(rmsprop, {"learning_rate": learning_rate, "decay_rate": 0.99, "epsilon": 1e-8})
    return _finite(adam_steps(_part("adam_step"), learning_rate, 0.9, 0.999, 1e-8))


def tuned_learning_rates(case, actual) -> Verdict:
    """One learning rate per update rule, each good enough on the digits (notebook 10's ``tuned_learning_rates``).

    ``case.args = (epochs, batch_size, reg, last, ceiling, seed)``; ``actual = {"sgd": lr, "momentum": lr,
    "rmsprop": lr, "adam": lr}``. Each rule (momentum 0.9; RMSProp decay 0.99, epsilon 1e-8; Adam 0.9 / 0.999 /
    1e-8, the student's ``adam_step``) trains the digits softmax classifier from W = 0 through ``sgd_epochs``
    (raw pixels with a bias column, ``reg`` times the L2 penalty, ``epoch_orders(N, epochs, seed)``); it passes
    when, for every rule, the mean of the last ``last`` minibatch losses is at most ``ceiling``.
    """
    epochs, batch_size, reg, last, ceiling, seed = case.args
    if not isinstance(actual, dict) or set(actual) != set(RULE_NAMES):
        keys = sorted(actual) if isinstance(actual, dict) else type(actual).__name__
        return Verdict(False, f"expected a dict with the keys {list(RULE_NAMES)}, got {keys}"[:200])
    problem = _positive_numbers([actual[name] for name in RULE_NAMES], [f"[{name!r}]" for name in RULE_NAMES])
    if problem:
        return Verdict(False, problem)
    X, y = _digits(0)["train"]
    orders = epoch_orders(len(y), epochs, seed)

    def end(loss_grad, name):
        try:
            return np.mean(_train(loss_grad, _rule_steps(name, actual[name]), np.zeros((X.shape[1], 10)), X, y,
                                  batch_size, orders)[1][-last:])
        except _Overflow:
            return np.inf

    def ends():
        loss_grad = _objective("softmax", reg)
        return [end(loss_grad, name) for name in RULE_NAMES]
    measured = _ran(ends)
    if isinstance(measured, Verdict):
        return measured
    parts = []
    for name, value in zip(RULE_NAMES, measured):
        ok = bool(np.isfinite(value) and value <= ceiling)
        shown = f"{value:.3f}" if np.isfinite(value) else "diverged (the weights overflowed)"
        parts.append(f"{name} {actual[name]:g}: {shown}" + (" ✓" if ok else f" (must be <= {ceiling:g})"))
    return Verdict(all(p.endswith("✓") for p in parts), "mean of the last minibatch losses: " + "; ".join(parts))


# the recipe the capstone asks for: key -> (what it is, a test of a value)
RECIPE_KEYS = {
    "loss": ('"softmax" or "svm"', lambda v: v in ("softmax", "svm")),
    "learning_rate": ("a number > 0", lambda v: not isinstance(v, bool) and isinstance(v, (int, float))
                      and bool(np.isfinite(v)) and v > 0),
    "reg": ("a number >= 0", lambda v: not isinstance(v, bool) and isinstance(v, (int, float))
            and bool(np.isfinite(v)) and v >= 0),
    "epochs": ("a whole number from 1 to 50", lambda v: type(v) is int and 1 <= v <= 50),
    "batch_size": ("a whole number from 16 to 1077", lambda v: type(v) is int and 16 <= v <= 1077),
    "centre": ("True or False", lambda v: type(v) is bool),
}
SVM_OR_SOFTMAX = {"softmax": "softmax", "svm": "hinge"}


def recipe_problem(recipe) -> str:
    """'' for a well-formed capstone recipe, else what is wrong with it, naming the key."""
    if not isinstance(recipe, dict):
        return f"expected a dict with the keys {list(RECIPE_KEYS)}, got {type(recipe).__name__}"
    missing, extra = [k for k in RECIPE_KEYS if k not in recipe], sorted(set(recipe) - set(RECIPE_KEYS))
    if missing or extra:
        return "; ".join(part for part in (f"missing the keys {missing}" if missing else "",
                                           f"unexpected keys {extra}" if extra else "") if part)
    for key, (want, ok) in RECIPE_KEYS.items():
        if not ok(recipe[key]):
            return f"[{key!r}]: expected {want}, got {recipe[key]!r}"[:200]
    return ""


def train_recipe(recipe: dict, split_seed: int = 0):
    """The capstone's pipeline: W trained by ``recipe`` on ``load_digits(seed=split_seed)``'s training part.

    Centring (if asked) with that part's mean image, a bias column, W0 = 0, the recipe's loss plus ``reg``
    times the L2 penalty of every row, Adam (0.9, 0.999, 1e-8; the student's ``adam_step``), the student's
    ``sgd_epochs`` with ``epoch_orders(N, epochs, 0)``.

    Returns
    -------
    W : ndarray, shape (65, 10)
    parts : dict
        ``{"train": (X, y), "val": (X, y), "test": (X, y)}``, prepared as for training.
    """
    parts = _digits(split_seed, recipe["centre"])
    X, y = parts["train"]
    loss_grad = _objective(SVM_OR_SOFTMAX[recipe["loss"]], float(recipe["reg"]))
    step = _finite(adam_steps(_part("adam_step"), float(recipe["learning_rate"]), 0.9, 0.999, 1e-8))
    try:
        W, _ = _train(loss_grad, step, np.zeros((X.shape[1], 10)), X, y, recipe["batch_size"],
                      epoch_orders(len(y), recipe["epochs"], 0))
    except _Overflow:
        W = np.full((X.shape[1], 10), np.nan)  # diverged: it classifies nothing
    return W, parts


def capstone_recipe(case, actual) -> Verdict:
    """A training recipe that reaches an accuracy target on held-out digits (notebook 11's ``capstone_recipe``).

    ``case.args = (split_seed, part, target, max_steps)``: a recipe that takes more than ``max_steps`` Adam steps
    (epochs times batches per epoch) is refused untrained; else :func:`train_recipe` on
    ``load_digits(seed=split_seed)``, then the accuracy of argmax(X W) on its ``part`` ("val" or "test") must be at
    least ``target``. ``actual`` is the recipe: ``{"loss", "learning_rate", "reg", "epochs", "batch_size",
    "centre"}`` (see :data:`RECIPE_KEYS`).
    """
    split_seed, part, target, max_steps = case.args
    problem = recipe_problem(actual)
    if problem:
        return Verdict(False, problem)
    images = len(_digits(split_seed)["train"][1])
    per_epoch = -(-images // actual["batch_size"])  # the last batch holds what is left
    if actual["epochs"] * per_epoch > max_steps:
        return Verdict(False, f"your recipe takes {actual['epochs'] * per_epoch} Adam steps ({actual['epochs']} "
                              f"epochs of {per_epoch} batches of at most {actual['batch_size']} of {images} "
                              f"images); the budget is {max_steps}")
    trained = _ran(train_recipe, actual, split_seed)
    if isinstance(trained, Verdict):
        return trained
    W, parts = trained
    X, y = parts[part]
    where = {"val": "validation", "test": "test"}[part]
    if not np.isfinite(W).all():
        return Verdict(False, f"training diverged (the weights overflowed): no {where} accuracy; "
                              f"the target is >= {target:g}")
    correct = int(np.sum(np.argmax(X @ W, axis=1) == y))
    accuracy = correct / len(y)
    ok = accuracy >= target
    return Verdict(ok, f"{where} accuracy {accuracy:.3f} ({correct} of {len(y)})"
                       + (" ✓" if ok else f"; the target is >= {target:g}"))
