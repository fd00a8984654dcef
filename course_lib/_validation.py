"""Input validation at course_lib's public boundary (one place, scikit-learn style).

Every public function calls these helpers on what a student passes in, so that a
mistake surfaces as one clear ``ValueError`` naming the argument, what was expected
and what came instead, instead of silent broadcasting or a NaN three cells later.
Internal helpers trust their inputs.
"""

from __future__ import annotations

import numbers

import numpy as np


def _describe(x) -> str:
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    return f"{type(x).__name__} {x!r}" if np.ndim(x) == 0 else f"{type(x).__name__} of length {len(x)}"


def as_float_array(x, name: str, *, ndim: int | tuple[int, ...] | None = None,
                   shape: tuple | None = None, allow_empty: bool = False) -> np.ndarray:
    """Return ``x`` as a finite float64 array, or raise a ``ValueError`` that says why not.

    Parameters
    ----------
    x : array_like
        The value to check.
    name : str
        The argument's name, used in the error message.
    ndim : int or tuple of int, optional
        Accepted numbers of dimensions.
    shape : tuple, optional
        Expected shape; ``None`` entries match any length.
    allow_empty : bool
        Whether an array with zero elements is accepted.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise ValueError(f"{name}: expected a numeric array, got {_describe(x)}")
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{name}: expected a numeric array, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name}: expected real numbers, got dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name}: expected a {want} array, got shape {arr.shape}")
    if shape is not None:
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            raise ValueError(f"{name}: expected shape {want}, got shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name}: expected at least one element, got shape {arr.shape}")
    arr = arr.astype(np.float64, copy=False)
    if not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.isfinite(arr).sum())
        raise ValueError(f"{name}: expected finite values, got {bad} NaN or inf entries")
    return arr


def as_labels(y, name: str, *, n: int, num_classes: int) -> np.ndarray:
    """Return ``y`` as an (n,) int64 array of class indices in [0, num_classes)."""
    arr = np.asarray(y)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name}: expected integer class labels, got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"{name}: expected shape ({n},) (one label per example), got shape {arr.shape}")
    if n and (arr.min() < 0 or arr.max() >= num_classes):
        raise ValueError(
            f"{name}: expected labels in [0, {num_classes}), got values in [{arr.min()}, {arr.max()}]"
        )
    return arr.astype(np.int64, copy=False)


def as_scores_and_labels(scores, y) -> tuple[np.ndarray, np.ndarray]:
    """Validate an (N, C) score matrix and its (N,) labels together."""
    scores = as_float_array(scores, "scores", ndim=2)
    y = as_labels(y, "y", n=scores.shape[0], num_classes=scores.shape[1])
    return scores, y


def as_linear_problem(W, X, y) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate weights (D, C), examples (N, D) and labels (N,) in [0, C) together (the W-level losses).

    Returns float64 ``W`` and ``X`` and int64 ``y``; the errors name the argument whose shape or range
    disagrees with the others.
    """
    X = as_float_array(X, "X", ndim=2)
    W = as_float_array(W, "W", ndim=2)
    if W.shape[0] != X.shape[1]:
        raise ValueError(f"W: expected {X.shape[1]} rows (one per column of X, whose shape is {X.shape}), "
                         f"got shape {W.shape}")
    y = as_labels(y, "y", n=X.shape[0], num_classes=W.shape[1])
    return W, X, y


def check_callable(fn, name: str):
    """Check that ``fn`` can be called, and return it."""
    if not callable(fn):
        raise ValueError(f"{name}: expected a function, got {_describe(fn)}")
    return fn


def check_number(value, name: str, *, low: float | None = None, high: float | None = None,
                 low_inclusive: bool = True, integer: bool = False):
    """Check a scalar hyperparameter and return it as a Python number."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        want = "an integer" if integer else "a real number"
        raise ValueError(f"{name}: expected {want}, got {_describe(value)}")
    if not np.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ValueError(f"{name}: expected a value {op} {low}, got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{name}: expected a value <= {high}, got {value!r}")
    return int(value) if integer else float(value)


def check_choice(value, name: str, choices) -> str:
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name}: expected one of {sorted(choices)}, got {value!r}")
    return value


# -- an estimator's inputs (scikit-learn's conventions, and the wording its checks look for) ----------------------

def as_feature_matrix(X, name: str, *, n_features: int | None = None, owner: str = "the model") -> np.ndarray:
    """Return ``X`` as a finite float64 (N, D) array of examples in rows, or raise an error that says why not.

    Accepts what scikit-learn's estimators accept: lists, any real dtype, and an object array of
    numbers. Refuses sparse matrices, complex numbers, a 1-D array (with a hint to reshape it),
    zero features and, when ``n_features`` is given, another number of features than ``owner`` was
    fitted with.
    """
    if hasattr(X, "toarray") and hasattr(X, "nnz"):
        raise TypeError(f"{name}: sparse input is not supported, got a {type(X).__name__}; "
                        f"pass a dense array ({name}.toarray())")
    if X is None or isinstance(X, (str, bytes)):
        return as_float_array(X, name, ndim=2)  # refuses it with the usual message
    arr = np.asarray(X)
    if arr.dtype == object:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:  # e.g. "float() argument must be a string or a real number, not 'dict'"
            raise type(exc)(f"{name}: expected numbers, got an object array with an entry that is not one: {exc}") \
                from None
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name}: Complex data not supported; expected real numbers, got dtype {arr.dtype}")
    if arr.ndim == 1:
        raise ValueError(f"{name}: expected a 2-D array (one example per row), got shape {arr.shape}. Reshape "
                         f"your data: {name}.reshape(1, -1) if it is one example, {name}.reshape(-1, 1) if it is "
                         f"one feature")
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise ValueError(f"{name}: found array with 0 feature(s) (shape={arr.shape}) while a minimum of 1 is required: "
                         f"an example needs at least one feature")
    if n_features is not None and arr.ndim == 2 and arr.shape[1] != n_features:
        raise ValueError(f"{name} has {arr.shape[1]} features, but {owner} is expecting {n_features} features "
                         f"as input (got shape {arr.shape})")
    return as_float_array(arr, name, ndim=2)


def encode_labels(y, name: str, *, n: int, classes=None) -> tuple[np.ndarray, np.ndarray]:
    """Class labels as indices: ``(classes, indices)`` with ``classes[indices] == y``.

    Parameters
    ----------
    y : array_like, shape (n,)
        Labels of any sortable kind: integers, strings, floats with integer values.
    name : str
        The argument's name, used in error messages.
    n : int
        The number of examples (rows of X).
    classes : array_like, optional
        All the classes, when ``y`` may miss some (each label of ``y`` must be one of them);
        by default the distinct labels of ``y``. Either way there must be at least two.

    Returns
    -------
    classes : ndarray, shape (C,)
        Sorted, distinct.
    indices : ndarray of int64, shape (n,)
        Each label's position in ``classes``, in [0, C).
    """
    if y is None:
        raise ValueError(f"{name}: expected one class label per example; the classifier requires y to be passed, "
                         f"but the target y is None")
    arr = np.asarray(y)
    if arr.shape != (n,):
        raise ValueError(f"{name}: expected shape ({n},) (one label per example), got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name}: Complex data not supported; expected class labels, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating):
        if not np.isfinite(arr).all():
            bad = int(arr.size - np.isfinite(arr).sum())
            raise ValueError(f"{name}: expected finite class labels, got {bad} NaN or inf entries")
        fractional = arr[arr != np.round(arr)]
        if fractional.size:
            raise ValueError(f"{name}: expected class labels, got continuous values (such as "
                             f"{_plain(fractional[0])!r}); a classifier needs discrete labels")
    try:
        if classes is None:
            classes, indices = np.unique(arr, return_inverse=True)
            indices = indices.reshape(-1)
        else:
            classes = np.unique(np.asarray(classes))
            indices = np.searchsorted(classes, arr).clip(0, max(classes.size - 1, 0))
    except TypeError:  # labels that cannot be sorted together
        kinds = sorted({type(label).__name__ for label in arr.tolist()})
        raise ValueError(f"{name}: Unknown label type: expected labels of one kind that can be sorted, got "
                         f"{', '.join(kinds)}" + ("" if classes is None else f" against classes {classes!r}")) from None
    if classes.size < 2:
        found = f"{classes.size} class" + (f" ({_plain(classes[0])!r})" if classes.size else "")
        raise ValueError(f"{name}: expected labels of at least 2 classes, got {found}; a classifier needs examples "
                         f"of two classes or more")
    unknown = classes[indices] != arr
    if np.any(unknown):
        raise ValueError(f"{name}: expected labels among the classes {classes.tolist()}, "
                         f"got {_plain(arr[unknown][0])!r}")
    return classes, indices.astype(np.int64, copy=False)


def _plain(value):
    """A numpy scalar as the Python value it holds (``3``, not ``np.int64(3)``, in a message)."""
    return value.item() if isinstance(value, np.generic) else value
