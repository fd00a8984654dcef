"""Exercises of ``07_finding_the_best_w.ipynb``: random local search (between Idea #2 and Idea #3).

Random local search, ``search_locally(loss_fn, w0, nudges)``: stand at ``w0``; for each nudge in turn, try
the point you stand on plus the nudge, and move there only if its loss is strictly lower; ``losses[k]`` is
the loss where you stand after try ``k``. The randomness comes in as data (the nudges), so that the answer
is graded exactly without dictating how it draws random numbers.

Random search (Idea #2) is provided code in the notebook, not an exercise; Idea #1's closed form,
``ridge_closed_form``, is notebook 04's exercise (07 calls the student's answer through ``cl.mine``).
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Fixture

FIXTURES = "course_lib.grading.exercises.fixtures"  # the losses passed to the searches


# --- random local search, the nudges given as data ---------------------------------

def local_search_reference(loss_fn, w0, nudges):
    """Random local search from ``w0``: try each nudge from where you stand, move only if the loss drops.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(w) -> float``.
    w0 : ndarray, any shape
        Starting point (left unchanged).
    nudges : ndarray, shape (T, *w0.shape)
        The moves to try, in order.

    Returns
    -------
    w : ndarray, shape of ``w0``
        Where the search ends (a new array, even when no nudge was taken).
    losses : ndarray, shape (T,)
        The loss at the point you stand on after each try.
    """
    w = np.array(w0, dtype=float)
    current = loss_fn(w)
    losses = np.empty(len(nudges))
    for k, nudge in enumerate(nudges):
        candidate = w + nudge
        loss = loss_fn(candidate)
        if loss < current:
            w, current = candidate, loss
        losses[k] = current
    return w, losses


def _local(loss_fn, w0, nudges, *, base="current", accept=lambda new, old: new < old, record="current",
           update_loss=True, in_place=False):
    """Random local search with one classic mistake switched on (see the bank's mistakes)."""
    start = np.array(w0, dtype=float)
    w, current, reference_loss = start.copy(), loss_fn(start), loss_fn(start)
    losses = np.empty(len(nudges))
    for k, nudge in enumerate(nudges):
        before = current
        if in_place:
            candidate = w
            candidate += nudge  # moves w too, kept or not
        else:
            candidate = (start if base == "start" else w) + nudge
        loss = loss_fn(candidate)
        compared_with = current if update_loss else reference_loss
        if base == "always" or accept(loss, compared_with):
            w = candidate
            current = loss
        losses[k] = {"current": current, "candidate": loss, "before": before}[record]
    return w, losses


def _local_from_start(loss_fn, w0, nudges):
    return _local(loss_fn, w0, nudges, base="start")


def _local_accepts_all(loss_fn, w0, nudges):
    return _local(loss_fn, w0, nudges, base="always")


def _local_keeps_worse(loss_fn, w0, nudges):
    return _local(loss_fn, w0, nudges, accept=lambda new, old: new > old)


def _local_accepts_ties(loss_fn, w0, nudges):
    return _local(loss_fn, w0, nudges, accept=lambda new, old: new <= old)


def _local_in_place(loss_fn, w0, nudges):
    return _local(loss_fn, w0, nudges, in_place=True)


def _local_records_candidate(loss_fn, w0, nudges):
    return _local(loss_fn, w0, nudges, record="candidate")


def _local_records_before(loss_fn, w0, nudges):
    return _local(loss_fn, w0, nudges, record="before")


def _local_compares_with_start(loss_fn, w0, nudges):
    return _local(loss_fn, w0, nudges, update_loss=False)


def _nudges(seed, count, shape, scale):
    return np.random.default_rng(seed).normal(0.0, scale, size=(count, *shape))


# a bowl centred at (-1, 0, 1) (shifted_bowl), entered at loss 0.25: the first nudge leads to a point of the
# same loss (a tie: no move), the second to loss 0.0625, the last to another point of loss 0.0625
_TIE_START = np.array([-1.0, 0.5, 1.0])
_TIE_NUDGES = np.array([[0.0, -1.0, 0.0], [0.0, -0.25, 0.0], [0.5, 0.0, 0.0], [0.0, -0.5, 0.0]])

LOCAL_SEARCH = Exercise(
    id="random_local_search",
    notebook="07_finding_the_best_w",
    answer="search_locally",
    points=3,
    title="Between guessing and the gradient: random local search",
    reference=local_search_reference,
    public=(
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), np.zeros(3, dtype=int), _nudges(70, 8, (3,), 0.5)),
             "a bowl in 3 dimensions from the integer point (0, 0, 0), 8 nudges"),
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), _TIE_START, _TIE_NUDGES),
             "4 nudges, two of them to a point of the same loss as where you stand (a tie)"),
        Case((Fixture(f"{FIXTURES}:toy_kinked_loss"), np.zeros((3, 3)), _nudges(71, 40, (3, 3), 0.3)),
             "a kinked bowl of a 3 x 3 W from W = 0, 40 nudges"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), np.array([0.7]), np.array([[-0.2]])), "a single nudge"),
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), np.linspace(-1.0, 1.0, 4), _nudges(72, 5, (4,), 0.1)),
             "starting at the minimum: no nudge is taken"),
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), np.array([2, -1, 0]), _nudges(73, 10, (3,), 0.5)),
             "an integer starting point"),
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), np.array([[2.0, -1.0], [0.5, 0.0]]), _nudges(74, 30, (2, 2), 0.2)),
             "a 2 x 2 starting point, 30 nudges"),
        Case((Fixture(f"{FIXTURES}:toy_smooth_loss"), np.zeros((3, 3)), _nudges(75, 100, (3, 3), 0.05)),
             "a smooth loss of a 3 x 3 W, 100 small nudges"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("nudges_the_start", "Each nudge moves the point you stand on now (the best so far), not the "
                "starting point w0: that is what makes the search local.", _local_from_start),
        Mistake("accepts_every_nudge", "Move only when the nudged point's loss is lower than where you stand; taking "
                "every nudge is a random walk.", _local_accepts_all),
        Mistake("keeps_worse", "Lower is better: move when the nudged point's loss is smaller than the current one.",
                _local_keeps_worse),
        Mistake("accepts_ties", "Move only when the loss is strictly lower: a nudge to a point of the same loss "
                "is not taken.", _local_accepts_ties),
        Mistake("nudged_in_place", "The nudged point must be a new array: `candidate = w` then `candidate += "
                "nudge` moves w as well, so a rejected nudge is kept anyway.", _local_in_place),
        Mistake("records_candidate_loss", "losses[k] is the loss where you stand after try k (it never goes up), "
                "not the loss of the point you tried.", _local_records_candidate),
        Mistake("records_loss_before_try", "Record the loss after each try, once you have moved or not: your "
                "losses start with the loss at w0 and miss the last try.", _local_records_before),
        Mistake("compares_with_the_start", "After a move, the loss to beat is the new point's: compare each nudged "
                "point with where you stand now, not with the loss at w0.", _local_compares_with_start),
    ),
    output_names=("w", "losses"),
    forbidden=("random_search",),
)

EXERCISES = (LOCAL_SEARCH,)
