"""What every demo shares: a figure rendered into an Image widget, a status line, guarded callbacks.

A demo builds its matplotlib figure once, moves artists when a control changes and calls
:meth:`FigureView.render`, which draws the figure to image bytes and hands them to an
``ipywidgets.Image``. That works with any backend (inline included) and in JupyterLab and
Notebook alike, and it never prints, so nothing leaks into a cell's stdout.

A student's callable can return anything: :func:`checked_loss` and friends turn a wrong
shape or a NaN into a :class:`DemoError` whose message the demo shows in its status line
(:meth:`Demo.guard`), instead of a traceback per slider tick.
"""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox, IdentityTransform

from course_lib.losses import softmax_loss, svm_loss


class DemoError(ValueError):
    """A value a demo cannot show (NaN, a diverging step, a callable's wrong output)."""


class FigureView:
    """A bare matplotlib Figure and the Image widget that shows it, redrawn by blitting.

    Artists registered with :meth:`animate` are left out of the full draw; the rest of the
    figure (axes, ticks, labels, static points) is drawn once into a cached background.
    :meth:`render` restores that background, draws only the animated artists and encodes
    the frame, which is what keeps a slider tick fast. Call :meth:`invalidate` after changing
    anything static (axis limits, titles) so the next render redraws everything.

    Parameters
    ----------
    figsize : tuple of float
        Width and height in inches.
    dpi : int
        Dots per inch of the rendered image (the widget shows it at its natural size).
    image_format : {"jpeg", "png"}
        Encoding of the live frames (see :meth:`frame`).
    """

    def __init__(self, figsize, dpi=80, image_format="jpeg"):
        if image_format not in ("jpeg", "png"):
            raise ValueError(f"image_format: expected 'jpeg' or 'png', got {image_format!r}")
        self.format = image_format
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.image = widgets.Image(format=image_format, layout=widgets.Layout(width="auto", max_width="100%"))
        self.animated = []
        self.background = None
        self.stale_axes = []  # axes whose static part changed since the background was cached
        self.drawn_boxes = {}  # axes -> display box its static part covered when last drawn
        self.renders = 0
        self.full_renders = 0

    def animate(self, *artists) -> None:
        """Register artists that change between renders (drawn on top of the background, by zorder)."""
        for artist in artists:
            artist.set_animated(True)
            self.animated.append(artist)
        self.animated.sort(key=lambda a: a.get_zorder())
        self.background = None

    def forget(self, *artists) -> None:
        """Unregister artists (e.g. before their axes are cleared)."""
        self.animated = [a for a in self.animated if all(a is not b for b in artists)]
        self.background = None

    def invalidate(self, ax=None) -> None:
        """Mark the static part of the figure (or of one axes) as changed.

        With ``ax``, the next render redraws only that axes (its ticks, labels and title
        included) into the cached background, which costs a fraction of a full redraw.
        """
        if ax is None or self.background is None:
            self.background = None
            self.stale_axes = []
        elif all(ax is not a for a in self.stale_axes):
            self.stale_axes.append(ax)

    def freeze_layout(self) -> None:
        """Run the constrained layout once, then keep the axes where they are.

        Laying out on every render would cost more than drawing; the demos only move
        artists inside fixed axes, so one layout pass at build time is enough.
        """
        if self.figure.get_layout_engine() is not None:
            self.figure.draw_without_rendering()
            self.figure.set_layout_engine("none")
        self.background = None

    def draw(self) -> None:
        """Draw the figure into the canvas buffer (background from cache when valid).

        Drawing runs under numpy's default error handling, whatever :meth:`Demo.guard` set
        for the numbers: only the demo's own computations turn overflow into errors.
        """
        with np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
            self._draw()

    def _draw(self) -> None:
        if self.background is None:
            self.canvas.draw()
            renderer = self.canvas.get_renderer()
            self.drawn_boxes = {ax: ax.get_tightbbox(renderer) for ax in self.figure.axes}
            self.background = self.canvas.copy_from_bbox(self.figure.bbox)
            self.full_renders += 1
        else:
            self.canvas.restore_region(self.background)
            if self.stale_axes:
                self._redraw_axes()
        for artist in self.animated:
            if artist.get_visible():
                self.figure.draw_artist(artist)

    def _redraw_axes(self) -> None:
        """Repaint each stale axes over the area it and its labels covered, then re-cache."""
        renderer = self.canvas.get_renderer()
        for ax in self.stale_axes:
            box = ax.get_tightbbox(renderer)
            old = self.drawn_boxes.get(ax)
            area = Bbox.union([box, old] if old is not None else [box]).padded(2)
            cover = Rectangle((area.x0, area.y0), area.width, area.height, transform=IdentityTransform(),
                              facecolor=self.figure.get_facecolor(), edgecolor="none", figure=self.figure)
            cover.draw(renderer)
            ax.draw(renderer)
            self.drawn_boxes[ax] = box
        self.stale_axes = []
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def snapshot(self) -> PIL.Image.Image:
        """The figure as it is shown now, as an RGB image."""
        self.draw()
        return PIL.Image.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba(),
                                    "raw", "RGBA", 0, 1).convert("RGB")

    def frame(self) -> bytes:
        """The figure encoded for the Image widget.

        JPEG at quality 90 without chroma subsampling keeps text and thin lines sharp and
        encodes about three times faster than PNG (whose row filtering dominates); these
        frames live for one slider tick. :meth:`save` writes lossless PNG.
        """
        buffer = io.BytesIO()
        if self.format == "png":
            self.snapshot().save(buffer, format="png", compress_level=1)
        else:
            self.snapshot().save(buffer, format="jpeg", quality=90, subsampling=0)
        return buffer.getvalue()

    def render(self) -> None:
        """Draw the figure and show it in the Image widget."""
        self.image.value = self.frame()
        self.renders += 1

    def save(self, path) -> None:
        """Write the figure as it is shown now to a new PNG file (an existing file is not replaced)."""
        with open(path, "xb") as f:
            self.snapshot().save(f, format="png")


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 5 times a power of ten that is >= ``x`` (for axis limits that rarely move)."""
    if x <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(x))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * power >= x * (1 - 1e-12):
            return m * power
    return 10.0 * power


def stable_top(current: float, needed: float) -> float:
    """An axis top that holds still: keep ``current`` while it fits ``needed`` without wasting
    more than a factor 5 of room, else jump to ``nice_ceiling(needed)``."""
    needed = nice_ceiling(needed)
    return current if needed <= current <= 5 * needed else needed


def set_limits(view: FigureView, ax, xlim=None, ylim=None) -> None:
    """Set axis limits only if they differ, invalidating the cached background when they do."""
    for current, wanted, setter in ((ax.get_xlim(), xlim, ax.set_xlim), (ax.get_ylim(), ylim, ax.set_ylim)):
        if wanted is not None and not np.allclose(current, wanted):
            setter(*wanted)
            view.invalidate(ax)


class Demo(widgets.VBox):
    """Base of the demos: a VBox holding controls, the figure and a status line.

    Subclasses build their controls and artists, then call :meth:`refresh` through
    :meth:`guard` from every observer. ``status`` shows numbers or the last problem.
    """

    def __init__(self, figsize, dpi=80, **kwargs):
        super().__init__(**kwargs)
        self.view = FigureView(figsize, dpi)
        self.figure = self.view.figure
        self.status = widgets.HTML()
        self.error = None

    def __repr__(self) -> str:
        # the text/plain twin of the widget view: short and free of model ids
        return f"{type(self).__name__}(interactive demo: shows as a widget in Jupyter)"

    def guard(self, action, *args) -> bool:
        """Run ``action(*args)``; on any exception show its message in the status line and return False.

        Floating-point overflow and invalid operations raise (and are reported) instead of
        warning, so a diverging step surfaces once, as a message, and the next valid input
        clears it.
        """
        self.error = None
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
                action(*args)
        except Exception as exc:  # anything a student's callable raises is reported
            self.show_error(exc)
            return False
        return True

    def show_error(self, exc, rows=()) -> None:
        """Show ``exc`` (an exception or a string) in the status line, keeping the last good picture.

        ``rows`` (pairs of label and value) are shown below the message.
        """
        if isinstance(exc, FloatingPointError):
            text = f"numbers blew up ({exc}); try a smaller step size or learning rate"
        elif isinstance(exc, DemoError):
            text = str(exc)
        elif isinstance(exc, Exception):
            text = f"{type(exc).__name__}: {exc}"
        else:
            text = str(exc)
        self.error = text
        self.status.value = (f'<div style="color:#b00020"><b>Problem:</b> {html.escape(text)}</div>'
                             + (table_html(rows) if rows else ""))

    def show_table(self, rows, note="") -> None:
        """Show ``rows`` (pairs of label and value) as a small HTML table, plus an optional note."""
        self.status.value = table_html(rows, note)


def table_html(rows, note="") -> str:
    """Pairs of label and value as a small HTML table (the demos' readout), plus an optional note."""
    cells = "".join(
        f"<tr><td style='padding:0 12px 0 0'>{html.escape(str(k))}</td>"
        f"<td style='text-align:right'><code>{html.escape(str(v))}</code></td></tr>"
        for k, v in rows
    )
    extra = f"<div>{html.escape(note)}</div>" if note else ""
    return f"<table class='course-lib-readout'>{cells}</table>{extra}"


def checked_loss(result, name, grad_shape=None):
    """Check what a loss callable returned: ``(finite float, finite gradient of grad_shape)``.

    Parameters
    ----------
    result : object
        The callable's return value; a bare number is accepted when ``grad_shape`` is None.
    name : str
        The callable's role, used in messages (e.g. "svm_loss_fn").
    grad_shape : tuple, optional
        Expected gradient shape; None means only the loss value is needed.

    Returns
    -------
    loss : float
    grad : ndarray of grad_shape, or None
    """
    if isinstance(result, tuple):
        if len(result) != 2:
            raise DemoError(f"{name}: expected (loss, gradient), got a tuple of {len(result)} items")
        value, grad = result
    else:
        value, grad = result, None
    value = checked_number(value, name)
    if grad_shape is None:
        return value, None
    if grad is None:
        raise DemoError(f"{name}: expected (loss, gradient), got only a loss")
    grad = np.asarray(grad, dtype=float)
    if grad.shape != tuple(grad_shape):
        raise DemoError(f"{name}: expected a gradient of shape {tuple(grad_shape)}, got shape {grad.shape}")
    if not np.isfinite(grad).all():
        raise DemoError(f"{name}: the gradient has NaN or inf entries")
    return value, grad


def per_row_losses(loss_fn, scores, y, name="loss") -> np.ndarray:
    """Each example's own loss: ``loss_fn(scores[i:i+1], y[i:i+1])`` for every row i.

    Works with any loss that averages over rows, so a student's function gives its own
    per-example losses (one call per row); course_lib's ``svm_loss`` and ``softmax_loss``
    take a vectorized shortcut with the same values.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(scores (n, C), y (n,)) -> loss`` or ``(loss, dscores)``.
    scores : ndarray, shape (N, C)
    y : ndarray of int, shape (N,)

    Returns
    -------
    ndarray, shape (N,)
    """
    rows = np.arange(len(y))
    if loss_fn is svm_loss:
        margins = np.maximum(scores - scores[rows, y][:, None] + 1.0, 0.0)
        return margins.sum(axis=1) - 1.0          # the correct class's own term is exactly 1
    if loss_fn is softmax_loss:
        top = scores.max(axis=1)
        return top + np.log(np.exp(scores - top[:, None]).sum(axis=1)) - scores[rows, y]
    return np.array([checked_loss(loss_fn(scores[i:i + 1], y[i:i + 1]), name)[0] for i in rows])


def checked_number(value, name) -> float:
    """Return ``value`` as a finite float, or raise DemoError naming ``name``."""
    try:
        value = float(np.asarray(value, dtype=float).item())
    except (TypeError, ValueError):
        raise DemoError(f"{name}: expected a single number, got {type(value).__name__}") from None
    if not np.isfinite(value):
        raise DemoError(f"{name}: got {value} (NaN or inf); try a smaller step size or check the function")
    return value


def checked_array(value, name, shape) -> np.ndarray:
    """Return ``value`` as a finite float array of ``shape``, or raise DemoError naming ``name``."""
    arr = np.asarray(value, dtype=float)
    if arr.shape != tuple(shape):
        raise DemoError(f"{name}: expected shape {tuple(shape)}, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise DemoError(f"{name}: got NaN or inf; try a smaller step size or learning rate")
    return arr


def check_callable(fn, name):
    """Accept None or a callable; anything else is a ValueError naming the argument."""
    if fn is not None and not callable(fn):
        raise ValueError(f"{name}: expected a callable or None, got {type(fn).__name__}")
    return fn


def slider(description, value, low, high, step, *, log=False, readout_format=".2f", width="300px"):
    """A float slider with the demos' common look (wide description, live updates)."""
    style = {"description_width": "initial"}
    layout = widgets.Layout(width=width)
    if log:
        return widgets.FloatLogSlider(value=value, base=10, min=low, max=high, step=step,
                                      description=description, readout_format=readout_format,
                                      continuous_update=True, style=style, layout=layout)
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               readout_format=readout_format, continuous_update=True, style=style,
                               layout=layout)


def fmt(x) -> str:
    """A number for a readout: 4 significant digits."""
    return f"{x:.4g}"
