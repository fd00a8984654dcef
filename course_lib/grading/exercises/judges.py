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
from course_lib.grading.exercises.plain import PlainList, Verdict
from course_lib.losses import loss_on_scores

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
