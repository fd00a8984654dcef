"""Optimizer race: GD, SGD, momentum, RMSProp and Adam (and random search) on a 2D loss surface.

Every optimizer starts at the same point and runs the update rules of ``course_lib.optim``
(or yours); the step slider (or the play button) advances all of them together. SGD's
gradient gets Gaussian noise of standard deviation ``noise / sqrt(batch size)``, the way
a minibatch gradient is a noisy estimate of the full one. Trajectories are computed
lazily up to the step shown and cached until a setting changes. ``rules`` shows a subset
(notebook 09 races GD and SGD only, before notebook 10 defines the others).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np

from course_lib.optim import adam, rmsprop, sgd, sgd_momentum
from course_lib.widgets._common import (
    Demo,
    DemoError,
    check_callable,
    checked_array,
    checked_loss,
    fmt,
    set_limits,
    slider,
)

MAX_STEPS = 200
DIVERGED = 1e6          # a coordinate beyond this counts as diverged


@dataclass(frozen=True)
class Surface:
    """A 2D loss surface.

    Attributes
    ----------
    loss : callable
        ``loss(w (2,)) -> (value, gradient (2,))``.
    values : callable
        ``values(w1 (...), w2 (...)) -> (...)``: the loss on a grid, for the contours.
    extent : tuple (xmin, xmax, ymin, ymax)
    start : tuple of 2 floats
    learning_rates : dict
        A sensible learning rate per optimizer on this surface.
    """

    loss: object
    values: object
    extent: tuple
    start: tuple
    learning_rates: dict = field(default_factory=dict)


_ANGLE = np.pi / 6
_ROTATION = np.array([[np.cos(_ANGLE), -np.sin(_ANGLE)], [np.sin(_ANGLE), np.cos(_ANGLE)]])
_QUADRATIC = _ROTATION @ np.diag([1.0, 50.0]) @ _ROTATION.T     # curvatures 1 and 50, tilted 30 degrees


def _quadratic(w):
    g = _QUADRATIC @ w
    return 0.5 * float(w @ g), g


def _quadratic_grid(w1, w2):
    a, b, c = _QUADRATIC[0, 0], _QUADRATIC[0, 1], _QUADRATIC[1, 1]
    return 0.5 * (a * w1**2 + 2 * b * w1 * w2 + c * w2**2)


def _kinked(w):
    """``|w1 - 1| + 2 |w2| + 0.1 ||w||^2``: hinge-like kinks, minimum 0.1 at (1, 0)."""
    value = abs(w[0] - 1) + 2 * abs(w[1]) + 0.1 * float(w @ w)
    return value, np.array([np.sign(w[0] - 1), 2 * np.sign(w[1])]) + 0.2 * w


def _kinked_grid(w1, w2):
    return np.abs(w1 - 1) + 2 * np.abs(w2) + 0.1 * (w1**2 + w2**2)


def _rosenbrock(w):
    """``(1 - w1)^2 + 100 (w2 - w1^2)^2``: a curved valley, minimum 0 at (1, 1)."""
    x, y = w
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2, np.array([-2 * (1 - x) - 400 * x * (y - x * x),
                                                            200 * (y - x * x)])


def _rosenbrock_grid(w1, w2):
    return (1 - w1) ** 2 + 100 * (w2 - w1**2) ** 2


SURFACES = {
    "ill-conditioned quadratic": Surface(
        _quadratic, _quadratic_grid, (-3, 3, -2, 2), (-2.5, -1.2),
        {"GD": 0.035, "SGD": 0.02, "momentum": 0.005, "RMSProp": 0.05, "Adam": 0.1}),
    "kinked (hinge-like)": Surface(
        _kinked, _kinked_grid, (-3, 3, -2, 2), (-2.5, 1.5),
        {"GD": 0.05, "SGD": 0.05, "momentum": 0.01, "RMSProp": 0.03, "Adam": 0.1}),
    "Rosenbrock": Surface(
        _rosenbrock, _rosenbrock_grid, (-2, 2, -1, 3), (-1.2, 1.0),
        {"GD": 0.002, "SGD": 0.002, "momentum": 0.001, "RMSProp": 0.01, "Adam": 0.05}),
}
OPTIMIZERS = {"GD": sgd, "SGD": sgd, "momentum": sgd_momentum, "RMSProp": rmsprop, "Adam": adam}
COLORS = {"GD": "#4477AA", "SGD": "#66CCEE", "momentum": "#228833", "RMSProp": "#CCBB44", "Adam": "#EE6677",
          "random search": "#AA3377"}


@dataclass
class Run:
    """One optimizer's trajectory so far."""

    points: list
    losses: list
    config: dict
    diverged_at: int | None = None
    problem: str = ""


class OptimizerRace(Demo):
    """The optimizer-race widget; build it with :func:`optimizer_race`.

    Attributes
    ----------
    runs : dict
        Optimizer name -> :class:`Run` (``points``: list of (2,) arrays, ``losses``), for each
        name shown: "GD", "SGD", "momentum", "RMSProp", "Adam" and "random search" by default.
    surfaces : dict
        Name -> :class:`Surface` (yours included as "your loss").
    names : tuple of str
        The optimizers shown, in :data:`COLORS` order.
    """

    def __init__(self, surfaces, update_rules, seed, names=tuple(COLORS)):
        super().__init__(figsize=(11, 4.2))
        self.surfaces, self.rules, self.seed, self.names = surfaces, update_rules, seed, tuple(names)
        self.runs, self.rngs = {}, {}
        self._syncing = False
        first = next(iter(surfaces))
        self.surface = widgets.Dropdown(options=list(surfaces), value=first, description="surface",
                                        layout=widgets.Layout(width="340px"))
        self.step = widgets.IntSlider(value=0, min=0, max=MAX_STEPS, description="step", continuous_update=True,
                                      layout=widgets.Layout(width="420px"))
        self.play = widgets.Play(value=0, min=0, max=MAX_STEPS, interval=120, show_repeat=False,
                                 description="run / pause")
        widgets.jslink((self.play, "value"), (self.step, "value"))
        self.reset_button = widgets.Button(description="reset", icon="undo")
        self.learning_rates = {name: slider(f"{name} lr", 0.01, -4, 0, 0.05, log=True, readout_format=".2g",
                                            width="260px") for name in OPTIMIZERS if name in self.names}
        self.noise = slider("SGD noise σ", 2.0, 0.0, 10.0, 0.1, width="260px")
        self.batch = widgets.IntSlider(value=4, min=1, max=64, description="SGD batch size",
                                       style={"description_width": "initial"}, layout=widgets.Layout(width="260px"))

        self.ax_surface, self.ax_loss = self.figure.subplots(1, 2, width_ratios=[1.2, 1])
        self.contours = None
        self.paths, self.heads, self.loss_lines = {}, {}, {}
        for name in self.names:
            color = COLORS[name]
            style = {"ls": ":", "lw": 1} if name == "random search" else {"lw": 1.6}
            (self.paths[name],) = self.ax_surface.plot([], [], color=color, label=name, zorder=3, **style)
            (self.heads[name],) = self.ax_surface.plot([], [], "o", color=color, mec="black", ms=6, zorder=4)
            (self.loss_lines[name],) = self.ax_loss.plot([], [], color=color, label=name, **style)
        (self.minimum,) = self.ax_surface.plot([], [], "*", color="white", mec="black", ms=14, zorder=2)
        self.ax_surface.set_xlabel("$w_1$")
        self.ax_surface.set_ylabel("$w_2$")
        self.ax_surface.legend(loc="lower right", ncols=2)
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_xlim(0, MAX_STEPS)
        self.ax_loss.set_ylim(1e-4, 1e2)
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("loss (log scale)")
        self.ax_loss.set_title("Loss per step")
        self.view.animate(*self.paths.values(), *self.heads.values(), *self.loss_lines.values())

        self.surface.observe(lambda change: self.guard(self.load, change["new"]), names="value")
        self.step.observe(lambda change: self.guard(self.refresh), names="value")
        for name, control in self.learning_rates.items():
            control.observe(lambda change, name=name: self._on_setting([name]), names="value")
        noisy = [self.noise, self.batch] if "SGD" in self.names else []
        for control in noisy:
            control.observe(lambda change: self._on_setting(["SGD"]), names="value")
        self.reset_button.on_click(lambda _: self.guard(self.reset))
        controls = [*self.learning_rates.values(), *noisy]
        rows = [widgets.HBox(controls[k:k + 3]) for k in range(0, len(controls), 3)]
        self.children = [widgets.HBox([self.surface, self.play, self.step, self.reset_button]), *rows,
                         self.view.image, self.status]
        self.guard(self.load, first)

    # --- settings -----------------------------------------------------------------------
    def load(self, name) -> None:
        """Switch surface: new contours, its suggested learning rates, the race restarted."""
        surface = self.surfaces[name]
        self._syncing = True
        try:
            for opt, lr in surface.learning_rates.items():
                if opt in self.learning_rates:
                    self.learning_rates[opt].value = lr
        finally:
            self._syncing = False
        if self.contours is not None:
            self.contours.remove()
        x0, x1, y0, y1 = surface.extent
        g0, g1 = np.meshgrid(np.linspace(x0, x1, 120), np.linspace(y0, y1, 100))
        values = np.asarray(surface.values(g0, g1), dtype=float)
        low = max(float(values.min()), 1e-3)
        levels = np.geomspace(low, max(float(values.max()), 10 * low), 14)
        self.contours = self.ax_surface.contourf(g0, g1, np.maximum(values, low), levels=levels, cmap="Greys_r",
                                                 norm="log", alpha=0.6, zorder=1)
        best = np.unravel_index(np.argmin(values), values.shape)
        self.minimum.set_data([g0[best]], [g1[best]])
        # the loss axis is fixed per surface (8 decades below the start), so the race never
        # rescales it: a rescale means a full redraw, ten times the cost of a tick
        start_loss, _ = checked_loss(surface.loss(np.array(surface.start, dtype=float)), "loss_fn", (2,))
        top = 10.0 ** np.ceil(np.log10(max(start_loss, 1e-6)) + 0.5)
        set_limits(self.view, self.ax_loss, ylim=(top * 1e-8, top))
        self.ax_surface.set_xlim(x0, x1)
        self.ax_surface.set_ylim(y0, y1)
        self.ax_surface.set_title(f"Trajectories on the {name} surface")
        self.view.freeze_layout()
        self.view.invalidate()
        self.restart()

    def restart(self, names=None) -> None:
        """Forget the trajectories of ``names`` (default: all); they are recomputed up to the current step.

        SGD and random search each draw from their own generator seeded with ``seed``, so
        restarting one run replays exactly the same noise.
        """
        surface = self.surfaces[self.surface.value]
        start = np.array(surface.start, dtype=float)
        loss, _ = checked_loss(surface.loss(start), "loss_fn", (2,))
        for name in self.names if names is None else names:
            self.runs[name] = Run([start], [loss], {})
            if name in ("SGD", "random search"):
                self.rngs[name] = np.random.default_rng([self.seed, list(COLORS).index(name)])
        self.refresh()

    def reset(self) -> None:
        """Back to step 0."""
        if self.step.value == 0:
            self.restart()
        else:
            self.step.value = 0          # its observer refreshes

    def _on_setting(self, names) -> None:
        if not self._syncing:
            self.guard(self.restart, names)

    # --- the race -----------------------------------------------------------------------
    def advance(self, steps) -> None:
        """Extend every run to ``steps`` steps (or until it diverges)."""
        surface = self.surfaces[self.surface.value]
        for name, run in self.runs.items():
            while len(run.points) <= steps and run.diverged_at is None:
                try:
                    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
                        w = self.next_point(name, run, surface)
                        if np.abs(w).max() > DIVERGED:
                            raise DemoError(f"|w| passed {DIVERGED:g}")
                        loss, _ = checked_loss(surface.loss(w), "loss_fn", (2,))
                except (DemoError, FloatingPointError) as exc:
                    run.diverged_at, run.problem = len(run.points), str(exc)
                    break
                run.points.append(w)
                run.losses.append(loss)

    def next_point(self, name, run, surface) -> np.ndarray:
        w = run.points[-1]
        if name == "random search":   # the lecture's idea #1: try random points, keep the best
            x0, x1, y0, y1 = surface.extent
            rng = self.rngs[name]
            trial = np.array([rng.uniform(x0, x1), rng.uniform(y0, y1)])
            trial_loss, _ = checked_loss(surface.loss(trial), "loss_fn", (2,))
            return trial if trial_loss < run.losses[-1] else w
        _, grad = checked_loss(surface.loss(w), "loss_fn", (2,))
        if name == "SGD":
            grad = grad + self.noise.value / np.sqrt(self.batch.value) * self.rngs[name].standard_normal(2)
        run.config["learning_rate"] = self.learning_rates[name].value
        result = self.rules[name](w, grad, run.config)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise DemoError(f"{name} update: expected (next_w, config)")
        run.config = dict(result[1] or {})
        return checked_array(result[0], f"{name} update's next_w", (2,))

    # --- drawing ------------------------------------------------------------------------
    def refresh(self) -> None:
        k = self.step.value
        self.advance(k)
        problems = []
        for name, run in self.runs.items():
            shown = min(k + 1, len(run.points))
            points = np.array(run.points[:shown])
            losses = np.array(run.losses[:shown])
            self.paths[name].set_data(points[:, 0], points[:, 1])
            self.heads[name].set_data(points[-1:, 0], points[-1:, 1])
            self.loss_lines[name].set_data(np.arange(shown), np.maximum(losses, 1e-300))
            if run.diverged_at is not None and run.diverged_at <= k:
                problems.append(f"{name} diverged at step {run.diverged_at} ({run.problem}): lower its lr")
        self.view.render()
        rows = [(f"{name} loss at step {min(k, len(run.losses) - 1)}", fmt(run.losses[min(k, len(run.losses) - 1)]))
                for name, run in self.runs.items()]
        if problems:
            self.show_error("; ".join(problems), rows)
        else:
            self.show_table(rows)


def optimizer_race(*, rules=tuple(COLORS), update_rules=None, loss_fn=None, extent=(-3, 3, -3, 3),
                   start=(-2.5, 2.5), seed=0) -> OptimizerRace:
    """Race GD, SGD, momentum, RMSProp, Adam and random search on a 2D loss surface.

    Parameters
    ----------
    rules : sequence of str
        The optimizers to show, among "GD", "SGD", "momentum", "RMSProp", "Adam", "random search"
        (default: all six); e.g. ``("GD", "SGD")``. Shown in that order whatever the order given.
    update_rules : dict, optional
        Optimizer name ("GD", "SGD", "momentum", "RMSProp", "Adam"), one of those shown -> your
        update rule ``f(w (2,), dw (2,), config) -> (next_w, config)`` as in ``course_lib.optim``
        (``config["learning_rate"]`` comes from the slider; ``course_lib.as_rule`` makes one from
        notebook 10's ``adam_step``). Names left out keep course_lib's.
    loss_fn : callable, optional
        Your own surface ``f(w (2,)) -> (loss, gradient (2,))``, added as "your loss" (first
        in the list) with the given ``extent`` (xmin, xmax, ymin, ymax) and ``start``.
    seed : int
        Seeds SGD's noise and random search.

    Returns
    -------
    OptimizerRace
        A widget (an ``ipywidgets.VBox``); ``step``, ``surface``, ``learning_rates[name]``,
        ``noise`` and ``batch`` drive it.
    """
    if isinstance(rules, str) or not all(isinstance(name, str) for name in rules):
        raise ValueError(f"rules: expected a sequence of names among {list(COLORS)}, got {rules!r}")
    unknown = [name for name in rules if name not in COLORS]
    if unknown or not rules:
        raise ValueError(f"rules: expected names among {list(COLORS)}, got {unknown[0] if unknown else 'none'!r}")
    names = tuple(name for name in COLORS if name in rules)
    chosen = dict(OPTIMIZERS)
    for name, fn in (update_rules or {}).items():
        if name not in OPTIMIZERS:
            raise ValueError(f"update_rules: expected keys among {list(OPTIMIZERS)}, got {name!r}")
        if name not in names:
            raise ValueError(f"update_rules: {name!r} is not raced (rules={names})")
        chosen[name] = check_callable(fn, f"update_rules[{name!r}]")
    surfaces = dict(SURFACES)
    if check_callable(loss_fn, "loss_fn") is not None:
        extent = tuple(float(v) for v in checked_array(extent, "extent", (4,)))
        start = tuple(float(v) for v in checked_array(start, "start", (2,)))
        if not (extent[0] < extent[1] and extent[2] < extent[3]):
            raise ValueError(f"extent: expected xmin < xmax and ymin < ymax, got {extent}")

        def grid_values(w1, w2):
            return np.array([checked_loss(loss_fn(np.array([a, b])), "loss_fn", (2,))[0]
                             for a, b in zip(w1.ravel(), w2.ravel())]).reshape(w1.shape)

        surfaces = {"your loss": Surface(loss_fn, grid_values, extent, start,
                                         {name: 0.01 for name in OPTIMIZERS}), **surfaces}
    return OptimizerRace(surfaces, chosen, seed, names)
