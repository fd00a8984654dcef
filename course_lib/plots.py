"""Static plots the notebooks reuse, and the workbook's one plotting style.

Every figure of the workbook (notebooks and widgets) is drawn in one style:

- :data:`PALETTE`, the Okabe–Ito colors (distinguishable with the common color-vision
  deficiencies and in greyscale print), used for lines and for classes (:data:`CLASS_COLORS`);
- text no smaller than :data:`MIN_TEXT_PX` screen pixels at 100 % zoom (9 pt at 100 dpi);
- every line labeled (a legend or a direct label), a one-sentence caption below each figure.

Use it with ``use_style()`` once in a notebook's import cell, ``with style(): ...`` around code
that builds a figure, or ``restyle(fig)`` on a figure that was built without it (the widgets,
which render at their own dpi). ``small_texts(fig)`` lists the texts that would be too small.

Functions that take an ``ax`` draw into it and return the artists they made, so that a
widget can move them later (``set_data``) instead of clearing and re-plotting. Functions
that make a whole figure create a bare :class:`matplotlib.figure.Figure` (not registered
with pyplot): show it by making it a cell's last expression or with ``display(fig)``.

Shapes follow course_lib: ``W`` is (D, C), ``b`` is (C,), points ``X`` are (N, 2) and
labels ``y`` are (N,) integers in ``[0, C)``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from itertools import combinations

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from course_lib._validation import as_float_array, as_labels, check_number

#: Okabe–Ito, ordered for lines: blue, vermillion, bluish green, orange, reddish purple, sky blue,
#: yellow (light: for fills, not thin lines), black.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
#: Named entries of :data:`PALETTE`, for code that wants a color by its meaning.
COLORS = dict(zip(("blue", "vermillion", "green", "orange", "purple", "sky", "yellow", "black"), PALETTE))
#: Neutral color for reference lines (thresholds, margins, the truth).
GRAY = "#666666"
#: One color and one marker per class: the palette (without yellow and black, which make poor
#: markers on a tinted background), then two grays; the marker tells classes apart in print.
CLASS_COLORS = PALETTE[:6] + ("#882255", "#999999", "#000000", "#44AA99")
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")

#: The smallest text, in screen pixels at 100 % zoom (9 pt at 100 dpi is 12.5 px).
MIN_TEXT_PX = 12.0
_BASE_DPI = 100.0
#: Font sizes in points at 100 dpi; :func:`style` scales them for other dpi.
_FONT_PT = {"font.size": 10.0, "axes.titlesize": 11.0, "axes.labelsize": 10.0, "xtick.labelsize": 9.5,
            "ytick.labelsize": 9.5, "legend.fontsize": 9.5, "legend.title_fontsize": 9.5,
            "figure.titlesize": 12.0}


def rc_params(dpi: float = _BASE_DPI) -> dict:
    """The workbook's matplotlib settings, with font sizes that stay legible at ``dpi``.

    Parameters
    ----------
    dpi : float > 0
        Dots per inch the figure is rendered at (inline notebook figures: 100; widgets: 80).
        Fonts grow as ``dpi`` shrinks, so that no text is below :data:`MIN_TEXT_PX` on screen.

    Returns
    -------
    dict
        rcParams, for ``matplotlib.rc_context`` or ``rcParams.update``.
    """
    dpi = check_number(dpi, "dpi", low=1)
    scale = max(1.0, _BASE_DPI / dpi)
    rc = {key: round(size * scale, 1) for key, size in _FONT_PT.items()}
    rc.update({
        "figure.dpi": dpi, "savefig.dpi": dpi,
        "figure.constrained_layout.use": True,
        "axes.prop_cycle": cycler(color=PALETTE),
        "axes.spines.top": False, "axes.spines.right": False,
        "axes.grid": True, "grid.alpha": 0.25, "grid.linewidth": 0.6,
        "lines.linewidth": 2.0, "lines.markersize": 6.0,
        "legend.framealpha": 0.9, "legend.edgecolor": "#cccccc",
        "image.cmap": "cividis",
    })
    return rc


@contextlib.contextmanager
def style(dpi: float = _BASE_DPI):
    """Context manager: figures built inside use the workbook's style (see :func:`rc_params`).

    Examples
    --------
    >>> with style():
    ...     fig = Figure(figsize=(5, 3))
    ...     ax = fig.subplots()
    """
    with mpl.rc_context(rc_params(dpi)):
        yield


def use_style(dpi: float = _BASE_DPI) -> None:
    """Apply the workbook's style to every figure from now on (call once, in a notebook's import cell)."""
    mpl.rcParams.update(rc_params(dpi))


def restyle(fig, dpi: float | None = None):
    """Enforce the style's font sizes on an existing figure (titles, labels, ticks, legends, texts).

    For figures built outside :func:`style` (the widgets). Text that is already larger is kept.

    Parameters
    ----------
    fig : matplotlib Figure
    dpi : float, optional
        Defaults to the figure's own dpi.

    Returns
    -------
    fig
    """
    rc = rc_params(fig.dpi if dpi is None else dpi)
    for ax in fig.axes:
        ax.tick_params(labelsize=rc["xtick.labelsize"])
        for text, key in ((ax.title, "axes.titlesize"), (ax._left_title, "axes.titlesize"),
                          (ax._right_title, "axes.titlesize"), (ax.xaxis.label, "axes.labelsize"),
                          (ax.yaxis.label, "axes.labelsize")):
            text.set_fontsize(max(text.get_fontsize(), rc[key]))
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                text.set_fontsize(max(text.get_fontsize(), rc["legend.fontsize"]))
        for text in ax.texts:
            text.set_fontsize(max(text.get_fontsize(), rc["font.size"]))
    for text in fig.texts:
        text.set_fontsize(max(text.get_fontsize(), rc["figure.titlesize"]))
    return fig


def small_texts(fig, min_px: float = MIN_TEXT_PX) -> list:
    """The non-empty texts of ``fig`` (tick labels included) smaller than ``min_px`` on screen.

    Parameters
    ----------
    fig : matplotlib Figure
        Drawn once first, so that tick labels exist.
    min_px : float
        Smallest acceptable height of the font, in pixels at the figure's dpi.

    Returns
    -------
    list of (str, float)
        Each too-small text and its size in pixels; empty when everything is legible.
    """
    fig.draw_without_rendering()           # creates and sets the tick labels
    found = []
    for text in fig.findobj(mpl.text.Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        px = text.get_fontsize() * fig.dpi / 72.0
        if px < min_px - 1e-9:
            found.append((text.get_text(), round(px, 1)))
    return found


def unlabelled_lines(fig) -> list:
    """Lines of ``fig`` with data but no legend label (matplotlib's default ``_child`` labels)."""
    missing = []
    for ax in fig.axes:
        for line in ax.get_lines():
            if len(np.atleast_1d(line.get_xdata())) > 1 and line.get_label().startswith("_"):
                missing.append(line)
    return missing


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


def border_points(W, b, j, k, extent, samples=400) -> tuple[np.ndarray, np.ndarray]:
    """The border between the regions of classes ``j`` and ``k``: where their scores are equal and highest.

    On the line ``(w_j - w_k) . x + (b_j - b_k) = 0`` the two scores tie; the border is the part
    of it where no third class scores higher. Points off the border are NaN, so a Line2D drawn
    from them shows only the border (possibly nothing: two regions need not touch).

    Parameters
    ----------
    W : ndarray, shape (2, C)
    b : ndarray, shape (C,)
    j, k : int
        Two different classes.
    extent : tuple of 4 floats
        (xmin, xmax, ymin, ymax) of the view.
    samples : int
        Points along the line.

    Returns
    -------
    xs, ys : ndarray, shape (samples,)
    """
    xs, ys = zero_line_points(W[:, j] - W[:, k], b[j] - b[k], extent)
    if np.isnan(xs).any():
        return np.full(samples, np.nan), np.full(samples, np.nan)
    t = np.linspace(0.0, 1.0, samples)
    points = np.column_stack([xs[0] + t * (xs[1] - xs[0]), ys[0] + t * (ys[1] - ys[0])])
    scores = points @ W + b
    others = np.delete(scores, [j, k], axis=1)
    tie = np.maximum(scores[:, j], scores[:, k])
    if others.shape[1]:
        off = others.max(axis=1) > tie + 1e-9 * (1.0 + np.abs(tie))
        points[off] = np.nan
    return points[:, 0], points[:, 1]


@dataclass
class DecisionRegions:
    """The artists of :func:`plot_decision_regions`; :meth:`update` redraws them for new weights.

    Attributes
    ----------
    ax : matplotlib Axes
    image : AxesImage
        The colored argmax regions, an (resolution, resolution, 3) RGB image.
    zero_lines : list of Line2D, length C
        Line c is where class c's score is zero (empty list when ``zero_lines=False``).
    border_lines : list of Line2D, one per pair of classes
        Where two classes' scores are equal and highest: the borders between regions
        (empty list when ``borders=False``).
    points : list of PathCollection
        One scatter per class present in ``y`` (empty without points).
    grid : ndarray, shape (resolution * resolution, 2)
        The pixel centers the regions are evaluated at.
    """

    ax: object
    image: object
    zero_lines: list
    points: list
    grid: np.ndarray
    extent: tuple
    resolution: int
    region_rgb: np.ndarray = field(repr=False)
    border_lines: list = field(default_factory=list)

    def update(self, W, b) -> None:
        """Recolor the regions, move the borders and zero-score lines for new ``W`` (2, C) and ``b`` (C,)."""
        W, b = _check_weights(W, b, num_classes=self.region_rgb.shape[0])
        labels = np.argmax(self.grid @ W + b, axis=1)
        self.image.set_data(self.region_rgb[labels].reshape(self.resolution, self.resolution, 3))
        for c, line in enumerate(self.zero_lines):
            line.set_data(*zero_line_points(W[:, c], b[c], self.extent))
        pairs = combinations(range(W.shape[1]), 2)
        for (j, k), line in zip(pairs, self.border_lines):
            line.set_data(*border_points(W, b, j, k, self.extent))


def _check_weights(W, b, num_classes=None):
    W = as_float_array(W, "W", shape=(2, num_classes))
    b = as_float_array(b, "b", shape=(W.shape[1],))
    return W, b


def plot_decision_regions(ax, W, b, X=None, y=None, *, extent=(-3, 3, -3, 3), resolution=150,
                          class_names=None, borders=True, zero_lines=False,
                          region_alpha=0.35) -> DecisionRegions:
    """Color the plane by the class a 2D linear classifier predicts, with the borders between regions.

    Parameters
    ----------
    ax : matplotlib Axes
    W : array_like, shape (2, C)
        Weights; column c is class c's template.
    b : array_like, shape (C,)
        Biases.
    X : array_like, shape (N, 2), optional
        Points to draw on top, colored and shaped by ``y``.
    y : array_like of int, shape (N,), optional
        Labels of ``X`` in ``[0, C)``; required with ``X``.
    extent : tuple (xmin, xmax, ymin, ymax)
        The region of the plane shown.
    resolution : int in [10, 1000]
        Pixels per side of the region image.
    class_names : sequence of str, length C, optional
        Legend entries; defaults to "class 0", "class 1", ...
    borders : bool
        Draw the borders between regions (solid black): where two classes' scores are equal and
        no other class scores higher. One legend entry, "border: two scores equal".
    zero_lines : bool
        Also draw the line ``s_c(x) = 0`` of each class, dashed, in the class color (not a
        border: the predicted class compares scores with each other, not with 0).
    region_alpha : float in [0, 1]
        How strongly the class color tints the background (0 = white).

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
    # tinted class colors: alpha-blend towards white once, so an update is one lookup
    region_rgb = 1.0 - region_alpha * (1.0 - np.array([to_rgb(c) for c in CLASS_COLORS[:num_classes]]))
    image = ax.imshow(np.ones((resolution, resolution, 3)), origin="lower", extent=extent,
                      interpolation="nearest", aspect="auto", zorder=0)
    lines = []
    if zero_lines:
        for c in range(num_classes):
            (line,) = ax.plot([], [], "--", color=CLASS_COLORS[c], lw=1.5, zorder=2,
                              label=f"{names[c]}: score = 0")
            lines.append(line)
    border_lines = []
    if borders:
        for n, _ in enumerate(combinations(range(num_classes), 2)):
            (line,) = ax.plot([], [], "-", color="black", lw=1.8, zorder=2.5,
                              label="border: two scores equal" if n == 0 else "_border")
            border_lines.append(line)
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
    regions = DecisionRegions(ax, image, lines, points, grid, extent, resolution, region_rgb, border_lines)
    regions.update(W, b)
    return regions


def plot_templates(W, image_shape, class_names, ncols=5, *, fig=None) -> Figure:
    """Show each class's weights (a column of W) as an image: the templates a linear classifier learns.

    Parameters
    ----------
    W : array_like, shape (D, C)
        Weights with ``D = prod(image_shape)`` (without the bias row).
    image_shape : tuple of int
        ``(H, W)`` for gray images (e.g. digits ``(8, 8)``) or ``(H, W, 3)`` for color
        (CIFAR-10 ``(32, 32, 3)``).
    class_names : sequence of str, length C
    ncols : int >= 1
        Templates per row.
    fig : matplotlib Figure, optional
        Figure to draw into (it is cleared); a new bare Figure by default.

    Returns
    -------
    Figure
        Gray templates use a diverging map centered on 0 (red positive, blue negative, shared
        scale); color templates are min-max scaled one by one to [0, 1], as is usual.
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
