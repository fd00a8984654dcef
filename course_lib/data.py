"""Data for the workbook: the lecture's numbers, toy 2D sets, digits and CIFAR-10.

Everything is offline. Examples are in rows: ``X`` is (N, D), labels ``y`` are (N,)
integers in ``[0, C)``. The slides print scores with one *column* per image; here each
image is a *row* of the (N, C) score matrix.
"""

from __future__ import annotations

import math
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_lib._validation import check_number

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")


@dataclass(frozen=True)
class ScoreExample:
    """Class scores for a few examples, as printed on a slide.

    Attributes
    ----------
    scores : ndarray, shape (N, C)
        Row i holds the C class scores of example i.
    y : ndarray of int, shape (N,)
        Correct class of each example.
    class_names : tuple of str, length C
    """

    scores: np.ndarray
    y: np.ndarray
    class_names: tuple


def lecture_example() -> ScoreExample:
    """The 3 x 3 cat/car/frog worked example: 3 images, 3 classes (hinge loss 5.27)."""
    scores = np.array([[3.2, 5.1, -1.7],    # cat image
                       [1.3, 4.9, 2.0],     # car image
                       [2.2, 2.5, -3.1]])   # frog image
    return ScoreExample(scores, np.array([0, 1, 2]), ("cat", "car", "frog"))


def cifar10_scores_example() -> ScoreExample:
    """The slide's table of 10 CIFAR-10 class scores for three images (a cat, a car, a frog)."""
    table = np.array([  # one row per class, one column per image, as on the slide
        [-3.45, -0.51, 3.42], [-8.87, 6.04, 4.64], [0.09, 5.31, 2.65], [2.9, -4.22, 5.1],
        [4.48, -4.19, 2.64], [8.02, 3.58, 5.55], [3.78, 4.49, -4.34], [1.06, -4.37, -1.5],
        [-0.36, -2.09, -4.79], [-0.72, -2.93, 6.14],
    ])
    return ScoreExample(table.T.copy(), np.array([3, 1, 6]), CIFAR10_CLASSES)


def hinge_vs_softmax_example() -> ScoreExample:
    """One example's scores [-2.85, 0.86, 0.28], correct class 2 (hinge 1.58, softmax 1.04)."""
    return ScoreExample(np.array([[-2.85, 0.86, 0.28]]), np.array([2]), ("class 0", "class 1", "class 2"))


# --- toy 2D sets ---------------------------------------------------------------------

def make_blobs(n_per_class=50, num_classes=3, spread=0.5, seed=0):
    """Linearly separable Gaussian blobs on a circle of radius 2.

    Returns
    -------
    X : ndarray, shape (n_per_class * num_classes, 2)
    y : ndarray of int, shape (n_per_class * num_classes,)
    """
    n_per_class = check_number(n_per_class, "n_per_class", low=1, integer=True)
    num_classes = check_number(num_classes, "num_classes", low=2, integer=True)
    spread = check_number(spread, "spread", low=0)
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(num_classes) / num_classes + np.pi / 2
    centres = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    y = np.repeat(np.arange(num_classes), n_per_class)
    X = centres[y] + spread * rng.standard_normal((y.size, 2))
    return X, y


def make_ring(n=300, seed=0):
    """Points in the square [-3, 3]^2; class 1 where 1 <= ||x|| <= 2, class 0 elsewhere.

    No single hyperplane separates a ring from its inside and outside.
    """
    n = check_number(n, "n", low=1, integer=True)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, size=(n, 2))
    r = np.linalg.norm(X, axis=1)
    return X, ((r >= 1) & (r <= 2)).astype(np.int64)


def make_three_modes(n=300, spread=0.35, seed=0):
    """Class 1 is three separate clusters; class 0 is everything else (uniform background)."""
    n = check_number(n, "n", low=3, integer=True)
    spread = check_number(spread, "spread", low=0)
    rng = np.random.default_rng(seed)
    modes = np.array([[-2.0, 2.0], [2.0, 2.0], [0.0, -2.0]])
    n_pos = n // 2
    pos = modes[rng.integers(0, 3, n_pos)] + spread * rng.standard_normal((n_pos, 2))
    neg = rng.uniform(-3, 3, size=(n - n_pos, 2))
    near = np.min(np.linalg.norm(neg[:, None, :] - modes[None], axis=2), axis=1) < 3 * spread
    neg = neg[~near]
    X = np.vstack([pos, neg])
    y = np.concatenate([np.ones(len(pos), np.int64), np.zeros(len(neg), np.int64)])
    return X, y


def make_opposite_quadrants(n=300, seed=0):
    """XOR: class 1 in the first and third quadrants, class 0 in the second and fourth."""
    n = check_number(n, "n", low=1, integer=True)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)


# --- real data -----------------------------------------------------------------------

@dataclass(frozen=True)
class Splits:
    """Train / validation / test splits of an image classification set.

    Attributes
    ----------
    X_train, X_val, X_test : ndarray, shape (N_split, D)
        Flattened images as float64.
    y_train, y_val, y_test : ndarray of int, shape (N_split,)
    class_names : tuple of str
    image_shape : tuple of int
        Shape to reshape one row of X into for display, e.g. (8, 8) or (32, 32, 3).
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple
    image_shape: tuple


DIGITS_FILE = Path(__file__).with_name("_datasets") / "digits.npz"
_DEFAULT_SPLIT = (0.2, 0.2, 0)


def load_digits(val_fraction=0.2, test_fraction=0.2, seed=0) -> Splits:
    """The 8 x 8 handwritten digits (1,797 images, 10 classes), split and scaled.

    The images are UCI's "Optical Recognition of Handwritten Digits" (CC BY 4.0) as
    scikit-learn ships them, stored in ``course_lib/_datasets/digits.npz`` with the default
    split, so that course_lib needs no scikit-learn. Pixels are scaled from 0..16 to 0..1. The
    split is stratified (every class keeps its share in each part) and fixed by ``seed``: the
    defaults give 1,077 / 360 / 360 train / val / test images, the split scikit-learn's
    ``train_test_split`` made, stored with the images; other fractions or seeds are split here, with
    numpy only (:func:`_stratified_split`), into parts of the same sizes.

    Parameters
    ----------
    val_fraction, test_fraction : float in (0, 0.5]
        The shares of all images in the validation and test parts.
    seed : int
        0 with the default fractions: the stored split; anything else: a new stratified split.

    Returns
    -------
    Splits
        ``X_*`` of shape (n, 64) in [0, 1], ``y_*`` of shape (n,) in 0..9.
    """
    val_fraction = check_number(val_fraction, "val_fraction", low=0, low_inclusive=False, high=0.5)
    test_fraction = check_number(test_fraction, "test_fraction", low=0, low_inclusive=False, high=0.5)
    with np.load(DIGITS_FILE) as stored:
        X, y = stored["images"] / 16.0, stored["labels"].astype(np.int64)
        if (val_fraction, test_fraction, seed) == _DEFAULT_SPLIT:
            train, val, test = (stored[name].astype(np.intp) for name in ("train", "val", "test"))
        else:
            train, val, test = _stratified_split(y, val_fraction, test_fraction, seed)
    return Splits(X[train], y[train], X[val], y[val], X[test], y[test],
                  tuple(str(d) for d in range(10)), (8, 8))


PRETRAINED_FILE = Path(__file__).with_name("_datasets") / "pretrained.npz"


def _pretrained_names(stored) -> list:
    return sorted(name for name in stored.files if name != "recipes")


def load_pretrained(name):
    """Weights trained ahead of time, for a notebook that shows a trained classifier before it can train one.

    Made by ``python -m course_lib._datasets.make_pretrained`` (full-batch gradient descent from W = 0 on
    course_lib's own objective; see :func:`pretrained_recipe` for each array's data and settings) and
    stored in ``course_lib/_datasets/pretrained.npz``. With the bias trick, a digits W is (65, 10): 64
    pixel rows and the bias as the last row.

    Parameters
    ----------
    name : str
        ``"digits_softmax_W"``, ``"digits_svm_W"`` (65, 10); ``"blobs_softmax_W"`` (3, 3);
        ``"hard_cases_W"`` (3, 3, 2): ring, three modes, opposite quadrants; ``"digits600_l2_W"``,
        ``"digits600_l1_W"``, ``"digits600_l2_free_bias_W"`` (65, 10).

    Returns
    -------
    ndarray of float64
        A fresh copy (change it freely).

    Raises
    ------
    ValueError
        For an unknown name; the message lists the known ones.
    """
    with np.load(PRETRAINED_FILE, allow_pickle=False) as stored:
        known = _pretrained_names(stored)
        if not isinstance(name, str) or name not in known:
            raise ValueError(f"name: expected one of {known}, got {name!r}")
        return np.array(stored[name], dtype=np.float64)


def pretrained_recipe(name) -> dict:
    """How :func:`load_pretrained`'s array ``name`` was trained: data, loss, reg, kind, penalize_bias,
    learning_rate, steps (a dict; the same names as ``make_pretrained.RECIPES``)."""
    import json

    with np.load(PRETRAINED_FILE, allow_pickle=False) as stored:
        known = _pretrained_names(stored)
        if not isinstance(name, str) or name not in known:
            raise ValueError(f"name: expected one of {known}, got {name!r}")
        return json.loads(str(stored["recipes"]))[name]


def _stratified_split(y, val_fraction, test_fraction, seed):
    """Train / val / test indices, stratified by class, with numpy only (a student install has no scikit-learn).

    The sizes are those of two stratified ``train_test_split`` calls: ``ceil(test_fraction * N)`` test
    images, then ``ceil(val_fraction / (1 - test_fraction) * rest)`` validation images. Each class gives
    each part its share of that part's size (the largest remainders settle the rounding). One generator,
    ``np.random.default_rng(seed)``, permutes each class's examples (test first, then validation, the rest
    for training) and then each part, so that no part is sorted by class.

    Returns
    -------
    train, val, test : ndarray of int
        Indices into ``y``; together a partition of ``range(len(y))``.
    """
    rng = np.random.default_rng(seed)
    n = len(y)
    n_test = math.ceil(test_fraction * n)
    n_val = math.ceil(val_fraction / (1 - test_fraction) * (n - n_test))
    classes, counts = np.unique(y, return_counts=True)
    test_counts = _apportion(counts, n_test)
    val_counts = _apportion(counts - test_counts, n_val)
    train, val, test = [], [], []
    for label, k_test, k_val in zip(classes, test_counts, val_counts):
        members = rng.permutation(np.flatnonzero(y == label))
        test.append(members[:k_test])
        val.append(members[k_test:k_test + k_val])
        train.append(members[k_test + k_val:])
    return tuple(rng.permutation(np.concatenate(part)) for part in (train, val, test))


def _apportion(counts, total):
    """``total`` split over the classes in proportion to ``counts``, by largest remainders (ints summing to total)."""
    exact = counts * total / counts.sum()
    shares = np.floor(exact).astype(np.int64)
    short = int(total - shares.sum())
    shares[np.argsort(-(exact - shares), kind="stable")[:short]] += 1
    return shares


def _read_cifar_batch(path: Path):
    with open(path, "rb") as f:
        batch = pickle.load(f, encoding="bytes")  # the user's own file, in the format CIFAR-10 ships
    try:
        data, labels = batch[b"data"], batch[b"labels"]
    except (KeyError, TypeError):
        raise ValueError(f"{path}: not a CIFAR-10 python batch (expected the keys b'data' and b'labels')") from None
    data = np.asarray(data, dtype=np.uint8)
    if data.ndim != 2 or data.shape[1] != 3072 or len(labels) != len(data):
        raise ValueError(f"{path}: expected data of shape (N, 3072) with N labels, "
                         f"got {data.shape} and {len(labels)} labels")
    # rows hold 1024 red, 1024 green, then 1024 blue values: reorder to height x width x channel
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).reshape(len(data), -1)
    return images, np.asarray(labels, dtype=np.int64)


def load_cifar10(root, num_val=1000, seed=0) -> Splits:
    """Read CIFAR-10 from the standard python-pickle batches in a folder you already have.

    Parameters
    ----------
    root : str or Path
        Folder holding ``data_batch_1`` .. ``data_batch_5`` and ``test_batch`` (as in the
        ``cifar-10-batches-py`` archive). Nothing is downloaded.
    num_val : int
        How many training images to hold out for validation (chosen with ``seed``).
    seed : int

    Returns
    -------
    Splits with X of shape (N, 3072), pixels scaled to 0..1, ``image_shape=(32, 32, 3)``.
    """
    root = Path(root)
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    missing = [n for n in names if not (root / n).is_file()]
    if missing:
        raise FileNotFoundError(
            f"root: CIFAR-10 batches not found in {root} (missing: {', '.join(missing)}). "
            "Download and unpack 'CIFAR-10 python version' (cifar-10-python.tar.gz) by hand "
            "and pass the folder 'cifar-10-batches-py'."
        )
    parts = [_read_cifar_batch(root / n) for n in names[:5]]
    X = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    X_test, y_test = _read_cifar_batch(root / "test_batch")
    num_val = check_number(num_val, "num_val", low=0, high=len(X) - 1, integer=True)
    order = np.random.default_rng(seed).permutation(len(X))
    val, train = order[:num_val], order[num_val:]
    scale = np.float64(1 / 255)
    return Splits(X[train] * scale, y[train], X[val] * scale, y[val], X_test * scale, y_test,
                  CIFAR10_CLASSES, (32, 32, 3))
