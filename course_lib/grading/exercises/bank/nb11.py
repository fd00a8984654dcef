"""Exercises of ``11_capstone_digits.ipynb``: early stopping, the grid search, and a recipe with a target.

- ``early_stopping(run_epoch, evaluate, w0, max_epochs, patience)`` (design 4.3, item 25): train epoch by epoch
  (``w = run_epoch(w)``, in sequence, from a copy of ``w0``; ``run_epoch`` may change its argument in place),
  evaluate after each epoch (higher is better), keep a *copy* of the weights of the first epoch with the highest
  score, and stop after ``patience`` epochs in a row without a score strictly higher than the best so far,
  or after ``max_epochs``.
  Returns ``(best_w, best_epoch, scores)``: ``best_epoch`` counts from 1, ``scores`` holds every epoch's score, as
  an array. The fixtures' "weights" are ``[epoch, s_1, ..., s_K]``: ``run_epoch`` counts epochs in entry 0 and
  ``evaluate`` reads the score after epoch e from entry e, so that a case's arguments carry its score curve.
- ``grid_search(train_fn, learning_rates, regs)`` (item 26) calls ``train_fn(lr, reg)`` (train a model, return
  its validation accuracy) for every pair, learning rates in the outer loop; it returns the (L, R) grid of
  accuracies and the best pair, the first in loop order on a tie.
- ``capstone_recipe`` (item 27): a dict of training settings, graded by training it with the student's parts
  (:func:`course_lib.grading.exercises.judges.capstone_recipe`): validation accuracy on ``load_digits(seed=0)`` in
  public, test accuracy on it and on the other split ``load_digits(seed=1)`` hidden, within a budget of
  :data:`CAPSTONE_STEPS` Adam steps that no cell of the notebook's grid meets. The targets
  (:data:`CAPSTONE_TARGETS`) and the budget are measured by ``tests/benchmarks/capstone_thresholds.py``.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Fixture, NamedJudge

FIXTURES = "course_lib.grading.exercises.fixtures"  # the trusted callables passed to answers
IN_PLACE = Fixture(f"{FIXTURES}:run_epoch_in_place")
NEW_ARRAY = Fixture(f"{FIXTURES}:run_epoch_new")
SCORE = Fixture(f"{FIXTURES}:score_from_table")


# --- exercise 1: early stopping --------------------------------------------------------------------------

def early_stopping_reference(run_epoch, evaluate, w0, max_epochs, patience):
    """Train epoch by epoch, keep the best weights, stop after ``patience`` epochs without a strictly better score.

    Returns
    -------
    best_w : ndarray, shape of ``w0``
    best_epoch : int
        From 1.
    scores : ndarray, shape (epochs run,)
    """
    return _early_stopping(run_epoch, evaluate, w0, max_epochs, patience)


def _early_stopping(run_epoch, evaluate, w0, max_epochs, patience, *, better=lambda a, b: a > b, copy=True,
                    in_a_row=True, stop_after=None, first_epoch=1, restart=False, evaluate_start=False,
                    return_last=False):
    """The reference and, with one option changed, each classic mistake."""
    stop_after = patience if stop_after is None else stop_after
    w = np.array(w0, dtype=float)
    scores = [float(evaluate(w))] if evaluate_start else []
    best_w, best_epoch, best_score, waited = np.array(w), 0, -np.inf, 0
    for epoch in range(1, max_epochs + 1):
        w = run_epoch(np.array(w0, dtype=float) if restart else w)
        score = float(evaluate(w))
        scores.append(score)
        if better(score, best_score) or epoch == 1:
            best_w, best_epoch, best_score = (np.array(w) if copy else w), epoch, score
            waited = 0 if in_a_row else waited
        else:
            waited += 1
            if waited >= stop_after:
                break
    return (np.array(w) if return_last else best_w), best_epoch - 1 + first_epoch, np.array(scores)


def _start_as_epoch_one(run_epoch, evaluate, w0, max_epochs, patience):
    """w0 scored and counted as epoch 1, a candidate for the best; training epochs numbered from 2."""
    w = np.array(w0, dtype=float)
    scores = [float(evaluate(w))]
    best_w, best_epoch = np.array(w), 1
    for epoch in range(2, max_epochs + 2):
        w = run_epoch(w)
        scores.append(float(evaluate(w)))
        if scores[-1] > scores[best_epoch - 1]:
            best_w, best_epoch = np.array(w), epoch
        if epoch - best_epoch >= patience:
            break
    return best_w, best_epoch, np.array(scores)


# w0 scored with the epochs, as a baseline or as "epoch 1": one hint
_SCORES_AFTER_TRAINING = ("Evaluate after each epoch of training: `scores` has one entry per epoch run, the first "
                          "after epoch 1 (w0 itself is not scored).")


def _no_copy(run_epoch, evaluate, w0, max_epochs, patience):
    return _early_stopping(run_epoch, evaluate, w0, max_epochs, patience, copy=False)


def _epoch_from_zero(run_epoch, evaluate, w0, max_epochs, patience):
    return _early_stopping(run_epoch, evaluate, w0, max_epochs, patience, first_epoch=0)


def _ties_improve(run_epoch, evaluate, w0, max_epochs, patience):
    return _early_stopping(run_epoch, evaluate, w0, max_epochs, patience, better=lambda a, b: a >= b)


def _one_epoch_too_long(run_epoch, evaluate, w0, max_epochs, patience):
    return _early_stopping(run_epoch, evaluate, w0, max_epochs, patience, stop_after=patience + 1)


def _one_epoch_too_short(run_epoch, evaluate, w0, max_epochs, patience):
    return _early_stopping(run_epoch, evaluate, w0, max_epochs, patience, stop_after=max(patience - 1, 1))


def _counts_every_miss(run_epoch, evaluate, w0, max_epochs, patience):
    return _early_stopping(run_epoch, evaluate, w0, max_epochs, patience, in_a_row=False)


def _never_stops(run_epoch, evaluate, w0, max_epochs, patience):
    return _early_stopping(run_epoch, evaluate, w0, max_epochs, patience, stop_after=max_epochs + 1)


def _returns_last(run_epoch, evaluate, w0, max_epochs, patience):
    return _early_stopping(run_epoch, evaluate, w0, max_epochs, patience, return_last=True)


def _restarts_from_w0(run_epoch, evaluate, w0, max_epochs, patience):
    return _early_stopping(run_epoch, evaluate, w0, max_epochs, patience, restart=True)


def _evaluates_start(run_epoch, evaluate, w0, max_epochs, patience):
    return _early_stopping(run_epoch, evaluate, w0, max_epochs, patience, evaluate_start=True)


def _lower_is_better(run_epoch, evaluate, w0, max_epochs, patience):
    return _early_stopping(run_epoch, evaluate, w0, max_epochs, patience, better=lambda a, b: a < b)


def _curve(*scores):
    """The fixtures' weights: ``[0 epochs so far, s_1, ..., s_K]``."""
    return np.array([0.0, *scores])


EARLY_STOPPING = Exercise(
    id="early_stopping",
    notebook="11_capstone_digits",
    answer="early_stopping",
    points=3,
    title="Early stopping: keep the best epoch's weights, stop when patience runs out",
    reference=early_stopping_reference,
    public=(
        Case((IN_PLACE, SCORE, _curve(0.80, 0.85, 0.90, 0.88, 0.89, 0.87, 0.95), 7, 2),
             "rises, then falls: it stops 2 epochs after the best (run_epoch changes w in place)"),
        Case((NEW_ARRAY, SCORE, _curve(0.5, 0.7, 0.6, 0.7, 0.65, 0.6, 0.62), 7, 3),
             "a tie is no improvement: the first of two equal scores stays the best"),
        Case((IN_PLACE, SCORE, _curve(0.6, 0.5, 0.7, 0.65, 0.8, 0.7, 0.6, 0.9), 8, 2),
             "a better epoch starts the count again (patience 2)"),
        Case((NEW_ARRAY, SCORE, _curve(0.9, 0.8, 0.95), 3, 1), "the best is the first epoch; patience 1"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((IN_PLACE, SCORE, _curve(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), 5, 2), "no early stop: max_epochs ends it"),
        Case((NEW_ARRAY, SCORE, _curve(0.3, 0.2, 0.25, 0.1), 4, 10), "patience longer than max_epochs"),
        Case((IN_PLACE, SCORE, _curve(0.7, 0.7, 0.7, 0.7, 0.7), 5, 3), "every score equal"),
        Case((IN_PLACE, SCORE, _curve(0.50, 0.62, 0.61, 0.66, 0.64, 0.65, 0.63, 0.67, 0.60, 0.58, 0.57, 0.70, 0.71),
              12, 4), "a long noisy curve, patience 4"),
        Case((NEW_ARRAY, SCORE, _curve(0.4, 0.3, 0.5, 0.45, 0.6), 5, 2), "the best is the last epoch"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("no_copy", "best_w changed after its epoch: run_epoch may change its argument in place, so keep "
                "a copy of the weights of the best epoch, not the array training goes on with.", _no_copy),
        Mistake("epoch_from_zero", "Epochs count from 1: the first epoch's score is epoch 1.", _epoch_from_zero),
        Mistake("ties_improve", "Only a strictly higher score is an improvement: on a tie, the earlier epoch stays "
                "the best and the count of epochs without improvement goes on.", _ties_improve),
        Mistake("one_epoch_too_long", "Stop as soon as `patience` epochs in a row have not improved: you train one "
                "epoch more.", _one_epoch_too_long),
        Mistake("one_epoch_too_short", "Stop only when `patience` epochs in a row have not improved: you stop one "
                "epoch early.", _one_epoch_too_short),
        Mistake("counts_every_miss", "Patience counts epochs *in a row* without improvement: an improvement starts "
                "the count again.", _counts_every_miss),
        Mistake("never_stops", "Stop early once `patience` epochs in a row have not improved; you train to "
                "max_epochs.", _never_stops),
        Mistake("returns_last", "Return the best epoch's weights, not the last ones.", _returns_last),
        Mistake("restarts_from_w0", "Each epoch continues from the weights the previous one returned: call "
                "run_epoch on them in sequence, not on w0 every time.", _restarts_from_w0),
        Mistake("evaluates_start", _SCORES_AFTER_TRAINING, _evaluates_start),
        Mistake("start_as_epoch_one", _SCORES_AFTER_TRAINING, _start_as_epoch_one),
        Mistake("lower_is_better", "A higher score is better (it is a validation accuracy).", _lower_is_better),
    ),
    output_names=("best_w", "best_epoch", "scores"),
    forbidden=("LinearClassifier",),
    family="optimizer",  # a training loop (notebook 11's default family is the data's)
)


# --- exercise 2: grid search (contract only) -------------------------------------------------------

def grid_search_reference(train_fn, learning_rates, regs):
    """Validation accuracy over the grid, and the best pair.

    Returns
    -------
    val_acc : ndarray, shape (L, R)
        ``val_acc[i, j] = train_fn(learning_rates[i], regs[j])``.
    best_lr, best_reg : float
    """
    val_acc = np.array([[train_fn(lr, reg) for reg in regs] for lr in learning_rates], dtype=float)
    i, j = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, float(learning_rates[i]), float(regs[j])


def _grid_transposed(train_fn, learning_rates, regs):
    val_acc = np.array([[train_fn(lr, reg) for lr in learning_rates] for reg in regs], dtype=float)
    j, i = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, float(learning_rates[i]), float(regs[j])


def _grid_argmin(train_fn, learning_rates, regs):
    val_acc = np.array([[train_fn(lr, reg) for reg in regs] for lr in learning_rates], dtype=float)
    i, j = np.unravel_index(np.argmin(val_acc), val_acc.shape)
    return val_acc, float(learning_rates[i]), float(regs[j])


def _grid_swapped_pair(train_fn, learning_rates, regs):
    val_acc, best_lr, best_reg = grid_search_reference(train_fn, learning_rates, regs)
    return val_acc, best_reg, best_lr


def _grid_last_tie(train_fn, learning_rates, regs):
    val_acc = np.array([[train_fn(lr, reg) for reg in regs] for lr in learning_rates], dtype=float)
    flat = val_acc.size - 1 - np.argmax(val_acc.ravel()[::-1])
    i, j = np.unravel_index(flat, val_acc.shape)
    return val_acc, float(learning_rates[i]), float(regs[j])


def _grid_regs_outside(train_fn, learning_rates, regs):
    """The loops the other way round (regs outside): on a tie, the first pair in that order wins."""
    by_reg = np.array([[train_fn(lr, reg) for lr in learning_rates] for reg in regs], dtype=float)
    j, i = np.unravel_index(np.argmax(by_reg), by_reg.shape)
    return by_reg.T.copy(), float(learning_rates[i]), float(regs[j])


def _grid_index_pair(train_fn, learning_rates, regs):
    val_acc = np.array([[train_fn(lr, reg) for reg in regs] for lr in learning_rates], dtype=float)
    i, j = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, float(i), float(j)


def _grid_swapped_arguments(train_fn, learning_rates, regs):
    val_acc = np.array([[train_fn(reg, lr) for reg in regs] for lr in learning_rates], dtype=float)
    i, j = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, float(learning_rates[i]), float(regs[j])


# a later tie kept, or the loops run the other way round: one hint
_FIRST_TIE = ("On a tie keep the first best pair, in the order of the loop (learning rates outside): a later pair "
              "only wins with a strictly higher accuracy.")

SMOOTH = Fixture(f"{FIXTURES}:smooth_validation_accuracy")
PLATEAU = Fixture(f"{FIXTURES}:plateau_validation_accuracy")
SKEWED = Fixture(f"{FIXTURES}:skewed_validation_accuracy")

GRID_SEARCH = Exercise(
    id="grid_search",
    notebook="11_capstone_digits",
    answer="grid_search",
    points=1,
    title="Grid search over learning rate and regularization",
    reference=grid_search_reference,
    public=(
        Case((SMOOTH, np.array([1e-3, 1e-2, 1e-1]), np.array([1e-5, 1e-4, 1e-3, 1e-2])),
             "3 learning rates x 4 strengths, best inside the grid"),
        Case((SKEWED, np.array([1e-3, 3e-3, 1e-2, 3e-2, 1e-1]), np.array([1e-4, 1e-2])),
             "5 x 2 grid, best in a corner"),
        # ties at (0, 1), (1, 0), (1, 1) and more: the first in the loop's order (learning rates outside) is
        # (0, 1), regs outside find (1, 0) first, and the last tie is (1, 2)
        Case((PLATEAU, np.array([3e-3, 1e-2, 1e-1]), np.array([2e-2, 1e-4, 1e-3])),
             "ties: keep the first best pair"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((SMOOTH, np.array([0.03]), np.array([1e-4])), "a single pair"),
        Case((SMOOTH, np.array([1e-4, 1e-3, 1e-2, 1e-1, 1.0]), np.array([1e-3])), "one regularization strength"),
        Case((PLATEAU, np.array([3e-3, 1e-2, 3e-2, 1e-1]), np.array([1e-5, 1e-4, 1e-3, 1e-2, 1e-1])),
             "4 x 5 grid with ties"),
        Case((SKEWED, np.array([1e-2, 1e-3]), np.array([1e-1, 1e-3, 1e-5])), "values not in increasing order"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("transposed", "Row i of the grid is learning_rates[i] and column j is regs[j]: the grid has "
                "shape (len(learning_rates), len(regs)).", _grid_transposed),
        Mistake("argmin", "The best pair has the *highest* validation accuracy.", _grid_argmin),
        Mistake("swapped_pair", "Return the best learning rate first, then the best regularization strength.",
                _grid_swapped_pair),
        Mistake("last_tie", _FIRST_TIE, _grid_last_tie),
        Mistake("regs_outside", _FIRST_TIE, _grid_regs_outside),
        Mistake("swapped_arguments", "Call train_fn(learning_rate, reg), in that order: the learning rate is "
                "the first argument.", _grid_swapped_arguments),
        Mistake("indices", "Return the best values themselves, learning_rates[i] and regs[j], not their "
                "positions.", _grid_index_pair),
    ),
    output_names=("val_acc", "best_lr", "best_reg"),
    forbidden=("LinearClassifier",),
)


# --- exercise 3: a recipe that reaches a target on held-out data (outcome judge) ----------------------------

# (validation of split 0: public; test of split 0; test of split 1), measured by tests/benchmarks/capstone_thresholds.py
CAPSTONE_TARGETS = (0.95, 0.935, 0.93)
# at most this many Adam steps (epochs x batches per epoch): the notebook's grid takes 170, so none of its cells
# passes as it is; the student trades epochs, batch size and learning rate for the budget
CAPSTONE_STEPS = 70


def _recipe_example():
    return {"loss": "softmax", "learning_rate": 0.3, "reg": 0.0, "epochs": 4, "batch_size": 64, "centre": True}


CAPSTONE = Exercise(
    id="capstone_recipe",
    notebook="11_capstone_digits",
    answer="capstone_recipe",
    points=4,
    kind="value",
    title="A training recipe that reaches the targets on held-out digits",
    reference=_recipe_example,
    public=(Case((0, "val", CAPSTONE_TARGETS[0], CAPSTONE_STEPS),
                 "your recipe through your pipeline, on the validation set, within the step budget"),),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((0, "test", CAPSTONE_TARGETS[1], CAPSTONE_STEPS), "the test set"),
        Case((1, "test", CAPSTONE_TARGETS[2], CAPSTONE_STEPS), "another split of the digits: its test set"),
        ### END HIDDEN TESTS
    ),
    judge=NamedJudge("course_lib.grading.exercises.judges:capstone_recipe"),
)

EXERCISES = (EARLY_STOPPING, GRID_SEARCH, CAPSTONE)
