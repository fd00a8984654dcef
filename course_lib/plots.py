"""Static plots the notebooks reuse, drawn with matplotlib's object-oriented API.

Functions that take an ``ax`` draw into it and return the artists they made, so that a
widget can move them later (``set_data``) instead of clearing and re-plotting. Functions
that make a whole figure create a bare :class:`matplotlib.figure.Figure` (not registered
with pyplot): show it by making it a cell's last expression or with ``display(fig)``.

Shapes follow course_lib: ``W`` is (D, C), ``b`` is (C,), points ``X`` are (N, 2) and
labels ``y`` are (N,) integers in ``[0, C)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from ._validation import as_float_array, as_labels, check_number

#: One colour and one marker per class (colour-blind friendly, print friendly).
CLASS_COLORS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE",
                "#AA3377", "#BBBBBB", "#000000", "#EE7733", "#009988")
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


def _class_names(class_names, num_classes: int) -> tuple:
    if class_names is None:
        return tuple(f"class {c}" for c in range(num_classes))
    names = tuple(str(n) for n in class_names)
    if len(names) != num_classes:
        raise ValueError(f"class_names: expected {num_classes} names (one per class), got {len(names)}")
    return names


def _check_extent(extent) -> tuple:
    ext = as_float_array(extent, "extent", shape=(4,))
    if not (ext[0] < ext[1] and ext[2] < ext[3]):
        raise ValueError(f"extent: expected (xmin, xmax, ymin, ymax) with xmin < xmax and ymin < ymax, "
                         f"got {tuple(ext)}")
    return tuple(float(v) for v in ext)


def zero_line_points(w, b, extent) -> tuple[np.ndarray, np.ndarray]:
    """End points of the line ``w[0] * x + w[1] * y + b = 0``, long enough to cross ``extent``.

    Parameters
    ----------
    w : ndarray, shape (2,)
        One class's weights (a column of W).
    b : float
        That class's bias.
    extent : tuple of 4 floats
        (xmin, xmax, ymin, ymax) of the view.

    Returns
    -------
    xs, ys : ndarray, shape (2,)
        The two end points; both NaN when ``w`` is zero (no line to draw).
    """
    norm2 = float(w @ w)
    if norm2 == 0.0:
        return np.full(2, np.nan), np.full(2, np.nan)
    foot = -b * w / norm2                      # the point of the line closest to the origin
    direction = np.array([-w[1], w[0]]) / np.sqrt(norm2)
    corners = np.array([[extent[0], extent[2]], [extent[1], extent[3]]])
    half = np.linalg.norm(corners - foot, axis=1).max() + 1.0
    ends = foot + np.outer([-half, half], direction)
    return ends[:, 0], ends[:, 1]


@dataclass
class DecisionRegions:
    """The artists of :func:`plot_decision_regions`; :meth:`update` redraws them for new weights.

    Attributes
    ----------
    ax : matplotlib Axes
    image : AxesImage
        The coloured argmax regions, an (resolution, resolution, 3) RGB image.
    zero_lines : list of Line2D, length C
        Line c is where class c's score is zero (empty list when ``zero_lines=False``).
    points : list of PathCollection
        One scatter per class present in ``y`` (empty without points).
    grid : ndarray, shape (resolution * resolution, 2)
        The pixel centres the regions are evaluated at.
    """

    ax: object
    image: object
    zero_lines: list
    points: list
    grid: np.ndarray
    extent: tuple
    resolution: int
    region_rgb: np.ndarray = field(repr=False)

    def update(self, W, b) -> None:
        """Recolour the regions and move the zero-score lines for new ``W`` (2, C) and ``b`` (C,)."""
        W, b = _check_weights(W, b, num_classes=self.region_rgb.shape[0])
        labels = np.argmax(self.grid @ W + b, axis=1)
        self.image.set_data(self.region_rgb[labels].reshape(self.resolution, self.resolution, 3))
        for c, line in enumerate(self.zero_lines):
            line.set_data(*zero_line_points(W[:, c], b[c], self.extent))


def _check_weights(W, b, num_classes=None):
    W = as_float_array(W, "W", shape=(2, num_classes))
    b = as_float_array(b, "b", shape=(W.shape[1],))
    return W, b


def plot_decision_regions(ax, W, b, X=None, y=None, *, extent=(-3, 3, -3, 3), resolution=150,
                          class_names=None, zero_lines=True, region_alpha=0.35) -> DecisionRegions:
    """Colour the plane by the class a 2D linear classifier predicts, with each class's zero-score line.

    Parameters
    ----------
    ax : matplotlib Axes
    W : array_like, shape (2, C)
        Weights; column c is class c's template.
    b : array_like, shape (C,)
        Biases.
    X : array_like, shape (N, 2), optional
        Points to draw on top, coloured and shaped by ``y``.
    y : array_like of int, shape (N,), optional
        Labels of ``X`` in ``[0, C)``; required with ``X``.
    extent : tuple (xmin, xmax, ymin, ymax)
        The region of the plane shown.
    resolution : int in [10, 1000]
        Pixels per side of the region image.
    class_names : sequence of str, length C, optional
        Legend entries; defaults to "class 0", "class 1", ...
    zero_lines : bool
        Draw the line ``s_c(x) = 0`` of each class, dashed, in the class colour.
    region_alpha : float in [0, 1]
        How strongly the class colour tints the background (0 = white).

    Returns
    -------
    DecisionRegions
        The artists; call ``.update(W, b)`` to redraw for new weights without re-plotting.
    """
    W, b = _check_weights(W, b)
    num_classes = W.shape[1]
    if num_classes > len(CLASS_COLORS):
        raise ValueError(f"W: expected at most {len(CLASS_COLORS)} classes (columns), got {num_classes}")
    extent = _check_extent(extent)
    resolution = check_number(resolution, "resolution", low=10, high=1000, integer=True)
    region_alpha = check_number(region_alpha, "region_alpha", low=0, high=1)
    names = _class_names(class_names, num_classes)
    if (X is None) != (y is None):
        raise ValueError("X, y: expected both (points and their labels) or neither")

    xs = np.linspace(extent[0], extent[1], resolution)
    ys = np.linspace(extent[2], extent[3], resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    # tinted class colours: alpha-blend towards white once, so an update is one lookup
    region_rgb = 1.0 - region_alpha * (1.0 - np.array([to_rgb(c) for c in CLASS_COLORS[:num_classes]]))
    image = ax.imshow(np.ones((resolution, resolution, 3)), origin="lower", extent=extent,
                      interpolation="nearest", aspect="auto", zorder=0)
    lines = []
    if zero_lines:
        for c in range(num_classes):
            (line,) = ax.plot([], [], "--", color=CLASS_COLORS[c], lw=1.5, zorder=2,
                              label=f"{names[c]}: score = 0")
            lines.append(line)
    points = []
    if X is not None:
        X = as_float_array(X, "X", shape=(None, 2))
        y = as_labels(y, "y", n=X.shape[0], num_classes=num_classes)
        for c in range(num_classes):
            mask = y == c
            if mask.any():
                points.append(ax.scatter(X[mask, 0], X[mask, 1], s=28, c=CLASS_COLORS[c],
                                         marker=CLASS_MARKERS[c], edgecolors="black", linewidths=0.6,
                                         zorder=3, label=names[c]))
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_autoscale_on(False)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title("Decision regions (argmax of the scores)")
    regions = DecisionRegions(ax, image, lines, points, grid, extent, resolution, region_rgb)
    regions.update(W, b)
    return regions


def plot_templates(W, image_shape, class_names, ncols=5, *, fig=None) -> Figure:
    """Show each class's weights (a column of W) as an image: the templates a linear classifier learns.

    Parameters
    ----------
    W : array_like, shape (D, C)
        Weights with ``D = prod(image_shape)`` (without the bias row).
    image_shape : tuple of int
        ``(H, W)`` for grey images (e.g. digits ``(8, 8)``) or ``(H, W, 3)`` for colour
        (CIFAR-10 ``(32, 32, 3)``).
    class_names : sequence of str, length C
    ncols : int >= 1
        Templates per row.
    fig : matplotlib Figure, optional
        Figure to draw into (it is cleared); a new bare Figure by default.

    Returns
    -------
    Figure
        Grey templates use a diverging map centred on 0 (red positive, blue negative, shared
        scale); colour templates are min-max scaled one by one to [0, 1], as is usual.
    """
    image_shape = tuple(int(s) for s in np.atleast_1d(np.asarray(image_shape)))
    if len(image_shape) not in (2, 3) or (len(image_shape) == 3 and image_shape[2] != 3):
        raise ValueError(f"image_shape: expected (H, W) or (H, W, 3), got {image_shape}")
    D = int(np.prod(image_shape))
    W = as_float_array(W, "W", ndim=2)
    if W.shape[0] != D:
        hint = " (drop the bias row first: W[:-1])" if W.shape[0] == D + 1 else ""
        raise ValueError(f"W: expected {D} rows (prod of image_shape {image_shape}){hint}, got shape {W.shape}")
    num_classes = W.shape[1]
    names = _class_names(class_names, num_classes)
    ncols = check_number(ncols, "ncols", low=1, integer=True)
    ncols = min(ncols, num_classes)
    nrows = -(-num_classes // ncols)
    if fig is None:
        fig = Figure(figsize=(1.6 * ncols, 1.8 * nrows + 0.4), layout="constrained")
    else:
        fig.clear()
    axes = fig.subplots(nrows, ncols, squeeze=False)
    limit = float(np.abs(W).max()) or 1.0
    image = None
    for c, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if c >= num_classes:
            continue
        template = W[:, c].reshape(image_shape)
        if len(image_shape) == 2:
            image = ax.imshow(template, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        else:
            low, high = template.min(), template.max()
            ax.imshow((template - low) / (high - low) if high > low else np.full(image_shape, 0.5),
                      interpolation="nearest")
        ax.set_title(names[c], fontsize=10)
    if len(image_shape) == 2:
        fig.colorbar(image, ax=axes, shrink=0.8, label="weight")
    fig.suptitle("Class templates (columns of W)")
    return fig


def moving_average(values, window: int) -> np.ndarray:
    """Trailing mean over the last ``window`` values (fewer at the start), same length as ``values``.

    Parameters
    ----------
    values : ndarray, shape (T,)
    window : int >= 1

    Returns
    -------
    ndarray, shape (T,)
    """
    cumsum = np.concatenate([[0.0], np.cumsum(values)])
    t = np.arange(1, len(values) + 1)
    start = np.maximum(t - window, 0)
    return (cumsum[t] - cumsum[start]) / (t - start)


def plot_loss_curve(ax, losses, label=None, smooth=None, *, logy=False) -> list:
    """Plot a loss history against the iteration number.

    Parameters
    ----------
    ax : matplotlib Axes
    losses : array_like, shape (T,)
        One finite loss per iteration.
    label : str, optional
        Legend entry.
    smooth : int >= 1, optional
        With a window, the raw curve is drawn faint and its trailing moving average on top
        (useful for noisy minibatch losses). ``None`` or 1 draws the raw curve only.
    logy : bool
        Log-scale the loss axis (losses must then be positive).

    Returns
    -------
    list of Line2D
        ``[raw]`` or ``[raw, smoothed]``.
    """
    losses = as_float_array(losses, "losses", ndim=1)
    if smooth is not None:
        smooth = check_number(smooth, "smooth", low=1, integer=True)
    if logy and (losses <= 0).any():
        raise ValueError(f"losses: expected positive values with logy=True, got minimum {losses.min()!r}")
    steps = np.arange(len(losses))
    lines = []
    if smooth is None or smooth == 1:
        lines += ax.plot(steps, losses, lw=1.5, label=label)
    else:
        (raw,) = ax.plot(steps, losses, lw=0.8, alpha=0.3)
        (smoothed,) = ax.plot(steps, moving_average(losses, smooth), lw=1.8, color=raw.get_color(),
                              label=None if label is None else f"{label} (mean of {smooth})")
        lines += [raw, smoothed]
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss")
    ax.set_title("Loss during training")
    if label is not None:
        ax.legend()
    return lines


@dataclass
class ProbabilityBars:
    """The artists of :func:`plot_probabilities`; :meth:`update` sets new bar heights and labels."""

    ax: object
    bars: object
    labels: list

    def update(self, probs) -> None:
        """Show new probabilities ``probs`` (C,) without re-plotting."""
        probs = _check_probs(probs, len(self.labels))
        for bar, text, p in zip(self.bars, self.labels, probs):
            bar.set_height(p)
            text.set_y(p)
            text.set_text(f"{p:.2f}")


def _check_probs(probs, num_classes=None) -> np.ndarray:
    probs = as_float_array(probs, "probs", shape=(num_classes,))
    if (probs < 0).any() or abs(probs.sum() - 1.0) > 1e-6:
        raise ValueError(f"probs: expected non-negative values summing to 1, got sum {probs.sum():.6g} "
                         f"and minimum {probs.min():.6g}")
    return probs


def plot_probabilities(ax, probs, class_names, correct=None) -> ProbabilityBars:
    """Bar chart of one example's class probabilities, the correct class outlined.

    Parameters
    ----------
    ax : matplotlib Axes
    probs : array_like, shape (C,)
        Non-negative, summing to 1 (e.g. ``course_lib.softmax(scores[i])``).
    class_names : sequence of str, length C
    correct : int in [0, C), optional
        The correct class: its bar gets a thick black outline and a "(correct)" tick label.

    Returns
    -------
    ProbabilityBars
        Call ``.update(probs)`` to change the heights in place.
    """
    probs = _check_probs(probs)
    num_classes = probs.shape[0]
    names = list(_class_names(class_names, num_classes))
    if correct is not None:
        correct = check_number(correct, "correct", low=0, high=num_classes - 1, integer=True)
        names[correct] += "\n(correct)"
    colors = [CLASS_COLORS[c % len(CLASS_COLORS)] for c in range(num_classes)]
    bars = ax.bar(np.arange(num_classes), probs, color=colors, edgecolor="black", linewidth=0.5)
    if correct is not None:
        bars[correct].set_linewidth(2.5)
    labels = [ax.text(c, p, f"{p:.2f}", ha="center", va="bottom", fontsize=9) for c, p in enumerate(probs)]
    ax.set_xticks(np.arange(num_classes), names)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("probability")
    ax.set_title("Softmax probabilities")
    return ProbabilityBars(ax, bars, labels)
