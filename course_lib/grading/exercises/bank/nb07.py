"""Exercises of ``07_finding_the_best_w.ipynb``: random search (Idea #2) and random local search
(between Idea #2 and Idea #3). (Idea #1's closed form, ``ridge_closed_form``, is notebook 04's exercise.)

Random search: one generator ``np.random.default_rng(seed)``, each try drawn as
``rng.normal(0.0, scale, size=shape)``; the first best try wins (strict ``<``).
Random local search: from ``w0``, each try proposes ``w + rng.normal(0.0, step_size, size=w.shape)``
around the current ``w`` (one generator), and moves there only if the loss is strictly lower;
``best_losses[k]`` is the loss of the current ``w`` after try ``k``.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Fixture
from course_lib.optim import random_search

FIXTURES = "course_lib.grading.exercises.fixtures"  # the losses passed to random search


# --- exercise 2: random search --------------------------------------------------------

def random_search_reference(loss_fn, shape, num_tries, scale, seed):
    """``(best_w, best_loss, losses)`` of ``course_lib.optim.random_search``."""
    return random_search(loss_fn, tuple(shape), num_tries=num_tries, scale=scale, seed=seed)


def _search_keeps_last(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(num_tries):
        w = rng.normal(0.0, scale, size=tuple(shape))
        losses.append(loss_fn(w))
    return w, losses[-1], np.array(losses)


def _search_keeps_worst(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    best_w, best, losses = None, -np.inf, []
    for _ in range(num_tries):
        w = rng.normal(0.0, scale, size=tuple(shape))
        losses.append(loss_fn(w))
        if losses[-1] > best:
            best_w, best = w, losses[-1]
    return best_w, best, np.array(losses)


def _search_new_generator_each_try(loss_fn, shape, num_tries, scale, seed):
    w = np.random.default_rng(seed).normal(0.0, scale, size=tuple(shape))
    loss = loss_fn(w)
    return w, loss, np.full(num_tries, loss)


def _search_records_best_so_far(loss_fn, shape, num_tries, scale, seed):
    best_w, best_loss, losses = random_search_reference(loss_fn, shape, num_tries, scale, seed)
    return best_w, best_loss, np.minimum.accumulate(losses)


def _search_unscaled(loss_fn, shape, num_tries, scale, seed):
    return random_search_reference(loss_fn, shape, num_tries, 1.0, seed)


def _search_uniform(loss_fn, shape, num_tries, scale, seed):
    rng = np.random.default_rng(seed)
    best_w, best, losses = None, np.inf, []
    for _ in range(num_tries):
        w = rng.uniform(-scale, scale, size=tuple(shape))
        losses.append(loss_fn(w))
        if losses[-1] < best:
            best_w, best = w, losses[-1]
    return best_w, best, np.array(losses)


RANDOM_SEARCH = Exercise(
    id="random_search_best",
    notebook="07_finding_the_best_w",
    answer="search_randomly",
    points=2,
    title="Idea #2: random search",
    reference=random_search_reference,
    public=(
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), (3,), 50, 1.0, 0), "a bowl in 3 dimensions, 50 tries"),
        Case((Fixture(f"{FIXTURES}:toy_svm_loss"), (3, 3), 200, 1.0, 1), "hinge loss of a 3 x 3 W, 200 tries"),
        Case((Fixture(f"{FIXTURES}:toy_softmax_loss"), (3, 3), 100, 0.5, 2), "softmax loss, scale 0.5"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), (2, 4), 300, 0.7, 7), "a bowl in 8 dimensions"),
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), (1,), 1, 2.0, 3), "a single try"),
        Case((Fixture(f"{FIXTURES}:toy_svm_loss"), (3, 3), 500, 0.1, 123), "small scale, 500 tries"),
        Case((Fixture(f"{FIXTURES}:toy_softmax_loss"), (3, 3), 40, 3.0, 9), "large scale"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("keeps_last", "Keep the best try seen so far (the lowest loss), not the last one.",
                _search_keeps_last),
        Mistake("keeps_worst", "Lower is better: keep a try when its loss is smaller than the best so far.",
                _search_keeps_worst),
        Mistake("new_generator_each_try", "Create the generator once, before the loop: a new "
                "default_rng(seed) each try draws the same w every time.", _search_new_generator_each_try),
        Mistake("uniform", "Draw each try from a Gaussian: rng.normal(0.0, scale, size=shape).", _search_uniform),
        Mistake("scale_ignored", "Scale each draw: rng.normal(0.0, scale, size=shape) has standard deviation "
                "`scale`; without it every entry has standard deviation 1.", _search_unscaled),
        Mistake("losses_best_so_far", "`losses` holds the loss of every try as it was drawn, not the best loss "
                "so far (that curve is drawn from it afterwards).", _search_records_best_so_far),
    ),
    output_names=("best_w", "best_loss", "losses"),
    forbidden=("random_search",),
)



# --- exercise 3: random local search ------------------------------------------------------

def local_search_reference(loss_fn, w0, num_tries, step_size, seed):
    """Random local search from ``w0``: keep a random nudge only if it lowers the loss.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(w) -> float``.
    w0 : ndarray, any shape
        Starting point (left unchanged).
    num_tries : int >= 1
    step_size : float > 0
        Standard deviation of each nudge.
    seed : int

    Returns
    -------
    w : ndarray, shape of ``w0``
        The final point.
    best_losses : ndarray, shape (num_tries,)
        Loss of the current point after each try.
    """
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    best = loss_fn(w)
    best_losses = np.empty(num_tries)
    for k in range(num_tries):
        candidate = w + rng.normal(0.0, step_size, size=w.shape)
        loss = loss_fn(candidate)
        if loss < best:
            w, best = candidate, loss
        best_losses[k] = best
    return w, best_losses


def _local_from_start(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    start = np.array(w0, dtype=float)
    w, best, out = start, loss_fn(start), np.empty(num_tries)
    for k in range(num_tries):
        candidate = start + rng.normal(0.0, step_size, size=start.shape)
        loss = loss_fn(candidate)
        if loss < best:
            w, best = candidate, loss
        out[k] = best
    return w, out


def _local_accepts_all(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    w, out = np.array(w0, dtype=float), np.empty(num_tries)
    for k in range(num_tries):
        w = w + rng.normal(0.0, step_size, size=w.shape)
        out[k] = loss_fn(w)
    return w, out


def _local_keeps_worse(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), np.empty(num_tries)
    for k in range(num_tries):
        candidate = w + rng.normal(0.0, step_size, size=w.shape)
        loss = loss_fn(candidate)
        if loss > best:
            w, best = candidate, loss
        out[k] = best
    return w, out


def _local_in_place(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), np.empty(num_tries)
    for k in range(num_tries):
        candidate = w
        candidate += rng.normal(0.0, step_size, size=w.shape)  # moves w too, kept or not
        loss = loss_fn(candidate)
        if loss < best:
            best = loss
        out[k] = best
    return w, out


def _local_new_generator(loss_fn, w0, num_tries, step_size, seed):
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), np.empty(num_tries)
    for k in range(num_tries):
        candidate = w + np.random.default_rng(seed).normal(0.0, step_size, size=w.shape)
        loss = loss_fn(candidate)
        if loss < best:
            w, best = candidate, loss
        out[k] = best
    return w, out


def _local_records_candidate(loss_fn, w0, num_tries, step_size, seed):
    rng = np.random.default_rng(seed)
    w = np.array(w0, dtype=float)
    best, out = loss_fn(w), np.empty(num_tries)
    for k in range(num_tries):
        candidate = w + rng.normal(0.0, step_size, size=w.shape)
        out[k] = loss_fn(candidate)
        if out[k] < best:
            w, best = candidate, out[k]
    return w, out


def _local_unscaled(loss_fn, w0, num_tries, step_size, seed):
    return local_search_reference(loss_fn, w0, num_tries, 1.0, seed)


def _local_variance(loss_fn, w0, num_tries, step_size, seed):
    return local_search_reference(loss_fn, w0, num_tries, step_size**2, seed)


LOCAL_SEARCH = Exercise(
    id="random_local_search",
    notebook="07_finding_the_best_w",
    answer="search_locally",
    points=3,
    title="Between guessing and the gradient: random local search",
    reference=local_search_reference,
    public=(
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), np.zeros(3), 60, 0.3, 0), "a bowl in 3 dimensions, 60 tries"),
        Case((Fixture(f"{FIXTURES}:toy_svm_loss"), np.zeros((3, 3)), 150, 0.5, 1),
             "hinge loss of a 3 x 3 W from W = 0, 150 tries"),
        Case((Fixture(f"{FIXTURES}:toy_softmax_loss"), np.full((3, 3), 0.2), 80, 0.25, 2),
             "softmax loss from a constant W, step 0.25"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), np.array([[2.0, -1.0], [0.5, 0.0]]), 200, 0.1, 5),
             "a 2 x 2 bowl, small steps"),
        Case((Fixture(f"{FIXTURES}:shifted_bowl"), np.array([0.7]), 1, 2.0, 3), "a single try"),
        Case((Fixture(f"{FIXTURES}:toy_svm_loss"), np.eye(3), 300, 0.05, 11), "hinge loss from W = I"),
        Case((Fixture(f"{FIXTURES}:toy_softmax_loss"), np.zeros((3, 3)), 40, 3.0, 9), "huge steps"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("nudges_the_start", "Each try nudges the *current* point, the best one found so far, not the "
                "starting point w0: that is what makes the search local.", _local_from_start),
        Mistake("accepts_every_nudge", "Move only when the nudged point has a lower loss; accepting every "
                "nudge is a random walk.", _local_accepts_all),
        Mistake("keeps_worse", "Lower is better: keep a nudge when its loss is smaller than the current one.",
                _local_keeps_worse),
        Mistake("nudged_in_place", "`candidate = w` does not copy: `candidate += ...` moves w as well, so a "
                "rejected nudge is kept anyway. Build the candidate as a new array, w + noise.", _local_in_place),
        Mistake("new_generator_each_try", "Create the generator once, before the loop: a new default_rng(seed) "
                "each try proposes the same nudge every time.", _local_new_generator),
        Mistake("records_candidate_loss", "best_losses[k] is the loss of the point you stand on after try k "
                "(it never goes up), not the loss of the candidate.", _local_records_candidate),
        Mistake("step_size_ignored", "Scale each nudge by step_size: it is the standard deviation of the "
                "Gaussian noise.", _local_unscaled),
        Mistake("step_size_as_variance", "step_size is the standard deviation of the nudge "
                "(rng.normal's scale), not its variance.", _local_variance),
    ),
    output_names=("w", "best_losses"),
    forbidden=("random_search",),
)

EXERCISES = (RANDOM_SEARCH, LOCAL_SEARCH)
