"""Regression outliers: drag one point away and compare the line an L2 loss fits with an L1 fit.

Squared error grows with the square of a residual, so one far point pulls the L2 line
towards it; absolute error grows linearly and the L1 line barely moves. The right panel
shows each point's penalty on the two curves r^2 and |r|.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course_lib._validation import as_float_array
from course_lib.losses import l1_loss, l2_loss
from course_lib.plots import COLORS, restyle
from course_lib.widgets._common import (
    Demo,
    check_callable,
    checked_array,
    checked_loss,
    fmt,
    nice_ceiling,
    set_limits,
    slider,
    stable_top,
)

X_LIMIT, Y_LIMIT = 3.0, 8.0
FIT_STEPS = 100      # gradient steps per refresh when a student's loss drives the fit


def make_line_data(n=12, slope=0.8, intercept=0.5, noise=0.3, seed=0):
    """Points near a line: ``x`` evenly spread in [-2.5, 2.5], ``t = slope * x + intercept + noise``.

    Returns
    -------
    x, t : ndarray, shape (n,)
    """
    rng = np.random.default_rng(seed)
    x = np.linspace(-2.5, 2.5, n)
    return x, slope * x + intercept + noise * rng.standard_normal(n)


def fit_l2(x, t) -> np.ndarray:
    """Exact least-squares line ``(slope, intercept)``."""
    design = np.column_stack([x, np.ones_like(x)])
    return np.linalg.lstsq(design, t, rcond=None)[0]


def fit_l1(x, t) -> np.ndarray:
    """Exact least-absolute-deviations line ``(slope, intercept)``.

    An optimal L1 line passes through two of the points (a vertex of the linear program),
    so it is enough to try every pair: O(n^3) work, nothing for a dozen points.
    """
    i, j = np.triu_indices(len(x), k=1)
    keep = x[i] != x[j]
    i, j = i[keep], j[keep]
    slopes = (t[j] - t[i]) / (x[j] - x[i])
    intercepts = t[i] - slopes * x[i]
    costs = np.abs(t[None, :] - slopes[:, None] * x[None, :] - intercepts[:, None]).sum(axis=1)
    best = int(np.argmin(costs))
    return np.array([slopes[best], intercepts[best]])


def fit_by_gradient(loss_fn, x, t, start, name, steps=FIT_STEPS) -> np.ndarray:
    """Fit ``(slope, intercept)`` by (sub)gradient descent on ``loss_fn(pred, t)``, from ``start``.

    Steps shrink as ``0.3 / sqrt(k + 1)`` (which also settles a kinked loss such as L1);
    the best parameters seen are returned.
    """
    params = np.array(start, dtype=float)
    best, best_loss = params.copy(), np.inf
    for k in range(steps):
        loss, dpred = checked_loss(loss_fn(params[0] * x + params[1], t), name, x.shape)
        if loss < best_loss:
            best, best_loss = params.copy(), loss
        grad = np.array([dpred @ x, dpred.sum()])
        params = params - 0.3 / np.sqrt(k + 1) * grad
    return best


class RegressionOutliers(Demo):
    """The regression-outliers widget; build it with :func:`regression_outliers`.

    Attributes
    ----------
    x, t : ndarray, shape (N,)
        Current points (the dragged one included).
    fits : dict
        ``"L2"`` and ``"L1"`` -> ndarray (slope, intercept).
    numbers : dict
        ``l2_loss`` (L2 loss of the L2 fit), ``l1_loss`` (L1 loss of the L1 fit).
    """

    def __init__(self, x, t, l2_loss_fn, l1_loss_fn):
        super().__init__(figsize=(10, 3.6))
        self.loss_fns = {"L2": check_callable(l2_loss_fn, "l2_loss_fn"), "L1": check_callable(l1_loss_fn, "l1_loss_fn")}
        self.x0, self.t0 = x.copy(), t.copy()
        self.x, self.t = x.copy(), t.copy()
        self.clean_fits = {"L2": fit_l2(x, t), "L1": fit_l1(x, t)}
        self.fits = dict(self.clean_fits)
        self.numbers = {}
        self._syncing = False
        self.point = widgets.IntSlider(value=len(x) - 1, min=0, max=len(x) - 1, description="point",
                                       continuous_update=True)
        self.point_x = slider("its x", float(x[-1]), -X_LIMIT, X_LIMIT, 0.05)
        self.point_t = slider("its y", float(t[-1]), -Y_LIMIT, Y_LIMIT, 0.05)
        self.reset_button = widgets.Button(description="reset points", icon="undo")

        ax_fit, ax_pen = self.figure.subplots(1, 2, width_ratios=[1.3, 1])
        self.ax_fit, self.ax_pen = ax_fit, ax_pen
        (self.dots,) = ax_fit.plot(x, t, "o", color="#BBBBBB", mec="black", ms=6, label="points")
        (self.dragged,) = ax_fit.plot([], [], "o", color=COLORS["orange"], mec="black", ms=10, label="dragged point")
        line_x = np.array([-X_LIMIT, X_LIMIT])
        self.line_x = line_x
        (self.l2_line,) = ax_fit.plot(line_x, line_x, color=COLORS["blue"], lw=2, label="L2 fit")
        (self.l1_line,) = ax_fit.plot(line_x, line_x, color=COLORS["vermillion"], lw=2, ls="--", label="L1 fit")
        ax_fit.set_xlim(-X_LIMIT, X_LIMIT)
        ax_fit.set_ylim(-Y_LIMIT, Y_LIMIT)
        ax_fit.set_xlabel("x")
        ax_fit.set_ylabel("y")
        ax_fit.set_title("Line fits: squared (L2) vs absolute (L1)")
        ax_fit.legend(loc="upper left")
        r = np.linspace(-2 * Y_LIMIT, 2 * Y_LIMIT, 201)
        ax_pen.plot(r, r**2, color=COLORS["blue"], lw=1.5, label="$r^2$ (L2)")
        ax_pen.plot(r, np.abs(r), color=COLORS["vermillion"], lw=1.5, ls="--", label="$|r|$ (L1)")
        (self.l2_residuals,) = ax_pen.plot([], [], "o", color=COLORS["blue"], ms=5, label="points, L2 fit")
        (self.l1_residuals,) = ax_pen.plot([], [], "s", color=COLORS["vermillion"], ms=5, label="points, L1 fit")
        ax_pen.set_xlabel("residual r = y − prediction")
        ax_pen.set_ylabel("penalty of the point")
        ax_pen.set_title("Each point's share of the loss")
        ax_pen.legend(loc="upper center")
        restyle(self.figure)
        ax_pen.set_xlim(-10, 10)
        ax_pen.set_ylim(0, 100)
        self.view.animate(self.l2_line, self.l1_line, self.dots, self.dragged, self.l2_residuals, self.l1_residuals)

        self.point.observe(lambda change: self.guard(self.select, change["new"]), names="value")
        for s in (self.point_x, self.point_t):
            s.observe(self._on_drag, names="value")
        self.reset_button.on_click(lambda _: self.guard(self.reset))
        self.children = [widgets.HBox([self.point, self.point_x, self.point_t, self.reset_button]),
                         self.view.image, self.status]
        self.view.freeze_layout()
        self.guard(self.refresh)

    def select(self, index) -> None:
        """Pick which point the sliders move (they jump to its position)."""
        self._syncing = True
        try:
            self.point_x.value = float(self.x[index])
            self.point_t.value = float(self.t[index])
        finally:
            self._syncing = False
        self.refresh()

    def reset(self) -> None:
        """Put every point back where it started."""
        self.x, self.t = self.x0.copy(), self.t0.copy()
        self.select(self.point.value)

    def _on_drag(self, change) -> None:
        if not self._syncing:
            self.guard(self._dragged)

    def _dragged(self) -> None:
        i = self.point.value
        self.x[i], self.t[i] = self.point_x.value, self.point_t.value
        self.refresh()

    def compute(self) -> None:
        """Refit both lines and evaluate each loss at its own fit."""
        exact = {"L2": fit_l2, "L1": fit_l1}
        default = {"L2": l2_loss, "L1": l1_loss}
        for name, fn in self.loss_fns.items():
            if fn is None:
                self.fits[name] = exact[name](self.x, self.t)
            else:
                start = checked_array(self.fits[name], f"{name} fit", (2,))
                self.fits[name] = fit_by_gradient(fn, self.x, self.t, start, f"{name.lower()}_loss_fn")
        self.numbers = {}
        for name in ("L2", "L1"):
            fn = self.loss_fns[name] or default[name]
            slope, intercept = self.fits[name]
            self.numbers[f"{name.lower()}_loss"], _ = checked_loss(fn(slope * self.x + intercept, self.t),
                                                                   f"{name.lower()}_loss_fn")

    def refresh(self) -> None:
        self.compute()
        i = self.point.value
        self.dots.set_data(self.x, self.t)
        self.dragged.set_data([self.x[i]], [self.t[i]])
        residuals = {}
        for name, line, dots in (("L2", self.l2_line, self.l2_residuals), ("L1", self.l1_line, self.l1_residuals)):
            slope, intercept = self.fits[name]
            line.set_ydata(slope * self.line_x + intercept)
            residuals[name] = self.t - (slope * self.x + intercept)
            dots.set_data(residuals[name], residuals[name] ** 2 if name == "L2" else np.abs(residuals[name]))
        reach = stable_top(self.ax_pen.get_xlim()[1],
                           max(np.abs(residuals["L2"]).max(), np.abs(residuals["L1"]).max(), 2.0))
        set_limits(self.view, self.ax_pen, xlim=(-reach, reach), ylim=(0, nice_ceiling(reach**2)))
        self.view.render()
        rows = []
        for name in ("L2", "L1"):
            slope, intercept = self.fits[name]
            clean = self.clean_fits[name][0]
            rows.append((f"{name} fit: slope, intercept (slope before dragging)",
                         f"{slope:.3f}, {intercept:.3f} ({clean:.3f})"))
        rows += [("L2 loss of the L2 fit", fmt(self.numbers["l2_loss"])),
                 ("L1 loss of the L1 fit", fmt(self.numbers["l1_loss"]))]
        self.show_table(rows)


def regression_outliers(x=None, t=None, *, l2_loss_fn=None, l1_loss_fn=None) -> RegressionOutliers:
    """Drag one point of a 1D regression and compare the L2 and L1 line fits.

    Parameters
    ----------
    x, t : array_like, shape (N,), optional
        Inputs in [-3, 3] and targets in [-8, 8] (what the sliders cover); default
        :func:`make_line_data` (12 points near ``0.8 x + 0.5``).
    l2_loss_fn, l1_loss_fn : callable, optional
        ``f(pred (N,), target (N,)) -> (loss, dpred (N,))`` as ``course_lib.l2_loss``. By
        default the lines are exact fits; with your function, the line is fitted by
        gradient descent on it (warm-started, 100 steps per change, so it settles over a few changes).

    Returns
    -------
    RegressionOutliers
        A widget (an ``ipywidgets.VBox``); ``point``, ``point_x``, ``point_t`` drive it.
    """
    if (x is None) != (t is None):
        raise ValueError("x, t: expected both or neither")
    if x is None:
        x, t = make_line_data()
    x = as_float_array(x, "x", ndim=1)
    t = as_float_array(t, "t", shape=(len(x),))
    if len(x) < 3:
        raise ValueError(f"x: expected at least 3 points, got {len(x)}")
    if np.abs(x).max() > X_LIMIT or np.abs(t).max() > Y_LIMIT:
        raise ValueError(f"x, t: expected |x| <= {X_LIMIT} and |t| <= {Y_LIMIT} (the sliders' range), "
                         f"got max |x| = {np.abs(x).max():.3g}, max |t| = {np.abs(t).max():.3g}")
    return RegressionOutliers(x, t, l2_loss_fn, l1_loss_fn)
