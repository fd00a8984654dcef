"""Exercises of ``11_capstone_digits.ipynb``: the hyperparameter grid search, the learned
weights as class templates, and the confusion matrix.

- ``grid_search(train_fn, learning_rates, regs)`` calls ``train_fn(lr, reg)`` (which trains a
  model and returns its validation accuracy) for every pair, learning rates in the outer loop;
  it returns the (L, R) grid of accuracies and the best pair. Ties go to the first pair in
  that loop order (what ``np.argmax`` on the grid gives).
- ``class_templates(W, image_shape)`` turns the (D, C) weights into C images of
  ``image_shape``, each rescaled by its own minimum and maximum to [0, 1].
- ``confusion_matrix(y_true, y_pred, num_classes)`` counts, in entry [i, j], the examples of
  true class i predicted as class j.
"""

from __future__ import annotations

import numpy as np

from ..spec import Case, Exercise, Fixture, Mistake

FIXTURES = "course_lib.grading.fixtures"  # the trusted callables passed to answers


# --- exercise 1: grid search -------------------------------------------------------------

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


def _grid_index_pair(train_fn, learning_rates, regs):
    val_acc = np.array([[train_fn(lr, reg) for reg in regs] for lr in learning_rates], dtype=float)
    i, j = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, float(i), float(j)


SMOOTH = Fixture(f"{FIXTURES}:smooth_validation_accuracy")
PLATEAU = Fixture(f"{FIXTURES}:plateau_validation_accuracy")
SKEWED = Fixture(f"{FIXTURES}:skewed_validation_accuracy")

GRID_SEARCH = Exercise(
    id="grid_search",
    notebook="11_capstone_digits",
    answer="grid_search",
    points=2,
    title="Grid search over learning rate and regularization",
    reference=grid_search_reference,
    public=(
        Case((SMOOTH, np.array([1e-3, 1e-2, 1e-1]), np.array([1e-5, 1e-4, 1e-3, 1e-2])),
             "3 learning rates x 4 strengths, best inside the grid"),
        Case((SKEWED, np.array([1e-3, 3e-3, 1e-2, 3e-2, 1e-1]), np.array([1e-4, 1e-2])),
             "5 x 2 grid, best in a corner"),
        Case((PLATEAU, np.array([1e-3, 1e-2, 1e-1]), np.array([1e-4, 1e-3, 1e-2])),
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
        Mistake("last_tie", "On a tie keep the first best pair (learning rates in the outer loop): use a strict "
                "> when comparing, or np.argmax.", _grid_last_tie),
        Mistake("indices", "Return the best values themselves, learning_rates[i] and regs[j], not their "
                "positions.", _grid_index_pair),
    ),
    output_names=("val_acc", "best_lr", "best_reg"),
    forbidden=("LinearClassifier",),
)


# --- exercise 2: class templates ---------------------------------------------------------

def class_templates_reference(W, image_shape):
    """Columns of ``W`` as images rescaled to [0, 1], shape (C, *image_shape)."""
    templates = W.T.reshape(W.shape[1], *image_shape)
    axes = tuple(range(1, templates.ndim))
    low = templates.min(axis=axes, keepdims=True)
    high = templates.max(axis=axes, keepdims=True)
    return (templates - low) / (high - low)


def _templates_no_transpose(W, image_shape):
    return class_templates_reference(W.reshape(W.shape[1], -1).T, image_shape)


def _templates_global_scale(W, image_shape):
    templates = W.T.reshape(W.shape[1], *image_shape)
    return (templates - templates.min()) / (templates.max() - templates.min())


def _templates_raw(W, image_shape):
    return W.T.reshape(W.shape[1], *image_shape)


def _templates_divide_by_max(W, image_shape):
    templates = W.T.reshape(W.shape[1], *image_shape)
    axes = tuple(range(1, templates.ndim))
    return (templates - templates.min(axis=axes, keepdims=True)) / templates.max(axis=axes, keepdims=True)


def _weights(seed, d, c):
    return np.random.default_rng(seed).normal(size=(d, c))


TEMPLATES = Exercise(
    id="class_templates",
    notebook="11_capstone_digits",
    answer="class_templates",
    points=2,
    title="The learned weights as class templates",
    reference=class_templates_reference,
    public=(
        Case((np.array([[1.0, -2.0], [3.0, 0.0], [-1.0, 2.0], [0.0, 4.0]]), (2, 2)),
             "two classes of 2 x 2 images, by hand"),
        Case((_weights(1, 64, 10), (8, 8)), "10 classes of 8 x 8 digits"),
        Case((_weights(2, 12, 3), (3, 4)), "3 classes of 3 x 4 images"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((_weights(3, 48, 4), (4, 4, 3)), "colour images (4 x 4 x 3)"),
        Case((_weights(4, 6, 1), (2, 3)), "a single class"),
        Case((_weights(5, 20, 5) * 100 + 7, (5, 4)), "large weights with an offset"),
        Case((_weights(6, 4, 2), (4,)), "1-D 'images'"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("no_transpose", "Class c's template is *column* c of W (shape (D,)): take W.T before reshaping "
                "to (C, *image_shape).", _templates_no_transpose),
        Mistake("global_scale", "Rescale each template with its own minimum and maximum, so that every class "
                "uses the full range [0, 1].", _templates_global_scale),
        Mistake("not_rescaled", "Rescale each template to [0, 1]: (t - t.min()) / (t.max() - t.min()).",
                _templates_raw),
        Mistake("divide_by_max", "Divide by the range max - min, not by the maximum.", _templates_divide_by_max),
    ),
    output_names=("templates",),
    forbidden=("LinearClassifier",),
)


# --- exercise 3: confusion matrix ----------------------------------------------------------

def confusion_matrix_reference(y_true, y_pred, num_classes):
    """Counts, shape (C, C): entry [i, j] is how many examples of class i were predicted as j."""
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts


def _confusion_transposed(y_true, y_pred, num_classes):
    return confusion_matrix_reference(y_true, y_pred, num_classes).T


def _confusion_normalised(y_true, y_pred, num_classes):
    counts = confusion_matrix_reference(y_true, y_pred, num_classes).astype(float)
    return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)


def _confusion_from_labels(y_true, y_pred, num_classes):
    c = int(max(y_true.max(), y_pred.max())) + 1
    return confusion_matrix_reference(y_true, y_pred, c)


def _confusion_fancy_index(y_true, y_pred, num_classes):
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    counts[y_true, y_pred] += 1  # repeated pairs are counted once
    return counts


def _labels(seed, n, c, accuracy=0.7):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, c, size=n)
    wrong = rng.random(n) > accuracy
    y_pred = np.where(wrong, rng.integers(0, c, size=n), y_true)
    return y_true, y_pred


CONFUSION = Exercise(
    id="confusion_matrix",
    notebook="11_capstone_digits",
    answer="confusion_matrix",
    points=2,
    title="The confusion matrix",
    reference=confusion_matrix_reference,
    public=(
        Case((np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2]), 3), "six examples, by hand"),
        Case((*_labels(1, 50, 4), 5), "50 examples, 5 classes, class 4 never seen"),
        Case((*_labels(2, 200, 10, accuracy=0.9), 10), "200 examples, 10 classes"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((np.array([2]), np.array([0]), 3), "a single example"),
        Case((np.array([0, 1, 0, 1]), np.array([0, 0, 0, 0]), 4), "classes that never occur"),
        Case((*_labels(3, 30, 2, accuracy=0.5), 2), "two classes"),
        Case((*_labels(4, 300, 6, accuracy=0.3), 6), "300 examples, mostly wrong"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("transposed", "Rows are the true classes and columns the predicted ones: entry [i, j] counts "
                "examples of class i predicted as j.", _confusion_transposed),
        Mistake("normalised", "Return counts (integers), not fractions.", _confusion_normalised),
        Mistake("size_from_labels", "The matrix is num_classes x num_classes even when some class never appears.",
                _confusion_from_labels),
        Mistake("fancy_index_once", "counts[y_true, y_pred] += 1 adds 1 only once per distinct pair: loop over "
                "the examples, or use np.add.at.", _confusion_fancy_index),
    ),
    output_names=("counts",),
    forbidden=("LinearClassifier",),
)

EXERCISES = (GRID_SEARCH, TEMPLATES, CONFUSION)
