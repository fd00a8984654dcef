"""Linear classifier playground: drag the weights of a 2D linear classifier, watch regions and losses.

``scores = X @ W + b`` with ``X`` (N, 2), ``W`` (2, C), ``b`` (C,). A slider per entry of W
and b; the plane is colored by the predicted class, with the borders between regions drawn
where two class scores are equal; the hinge and softmax losses of every point sit side by
side; a gradient step (or a run of them) moves the sliders. The hard sets (ring, three
modes, opposite quadrants) show what no line can separate.

With ``show_losses=False`` (notebook 01, before any loss is defined) it shows the regions, the
borders, the accuracy and a readout of W and b only: no loss panel, no penalty, no step button,
so that nothing in it runs a loss, a penalty or an update rule (in a graded release those are the
student's answers from later notebooks).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course_lib import data
from course_lib.losses import softmax_loss, svm_loss
from course_lib.optim import sgd
from course_lib.plots import CLASS_COLORS, COLORS, plot_decision_regions, restyle
from course_lib.regularization import penalty
from course_lib.widgets._common import (
    Demo,
    DemoError,
    check_callable,
    checked_array,
    checked_loss,
    fmt,
    nice_ceiling,
    per_row_losses,
    set_limits,
    slider,
    stable_top,
)

#: The data sets the playground offers: name -> (X, y, class names), all with fixed seeds.
DATASETS = {
    "blobs (3 classes)": lambda: (*data.make_blobs(n_per_class=15, spread=0.6, seed=0), ("A", "B", "C")),
    "ring (2 classes)": lambda: (*data.make_ring(n=120, seed=0), ("outside", "ring")),
    "three modes (2 classes)": lambda: (*data.make_three_modes(n=120, seed=0), ("background", "modes")),
    "opposite quadrants (2 classes)": lambda: (*data.make_opposite_quadrants(n=120, seed=0), ("even", "odd")),
}
WEIGHT_LIMIT = 5.0          # sliders span [-WEIGHT_LIMIT, WEIGHT_LIMIT]
HISTORY_LENGTH = 500        # steps kept in the loss-history plot
MAX_CLASSES = 3


class Playground(Demo):
    """The playground widget; build it with :func:`playground`.

    Attributes
    ----------
    W : ndarray, shape (2, C)
    b : ndarray, shape (C,)
    X, y : the current data set, (N, 2) and (N,)
    numbers : dict
        Last computed values: ``hinge``, ``softmax`` (data losses), ``penalty`` (R(W)),
        ``objective`` (training loss + reg * R), ``accuracy``, and per-point arrays
        ``hinge_per_point``, ``softmax_per_point``.
    history : list of float
        Objective after each gradient step (and at the start).
    show_losses : bool
        False: regions, accuracy and the W, b readout only (``numbers`` holds ``accuracy`` only).
    """

    def __init__(self, dataset, seed, svm_loss_fn, softmax_loss_fn, penalty_fn, update_fn, show_losses=True):
        super().__init__(figsize=(11.5, 3.6) if show_losses else (4.8, 3.9))
        self.show_losses = show_losses
        self.loss_fns = {"hinge": check_callable(svm_loss_fn, "svm_loss_fn") or svm_loss,
                         "softmax": check_callable(softmax_loss_fn, "softmax_loss_fn") or softmax_loss}
        self.penalty_fn = check_callable(penalty_fn, "penalty_fn") or penalty
        self.update_fn = check_callable(update_fn, "update_fn") or sgd
        self.rng = np.random.default_rng(seed)
        self.numbers, self.history, self.config = {}, [], {}
        self._syncing = False
        self.regions = None

        self.dataset = widgets.Dropdown(options=list(DATASETS), value=dataset, description="data")
        self.train_loss = widgets.ToggleButtons(options=["hinge", "softmax"], value="hinge",
                                                description="train with", style={"button_width": "70px"})
        self.regularization = widgets.Dropdown(options=["l2", "l1", "elastic_net"], value="l2",
                                               description="penalty", layout=widgets.Layout(width="200px"))
        self.reg = slider("λ (reg)", 0.01, 0.0, 0.5, 0.005, readout_format=".3f", width="260px")
        self.step_size = slider("step size", 0.1, -3, 1, 0.1, log=True, readout_format=".3g", width="260px")
        self.step_button = widgets.Button(description="gradient step", icon="step-forward")
        self.randomize_button = widgets.Button(description="randomize", icon="random")
        self.run = widgets.Play(value=0, min=0, max=10**6, interval=150, description="run / pause",
                                show_repeat=False)
        self.w_sliders = [[slider(f"W[{r},{c}]", 0.0, -WEIGHT_LIMIT, WEIGHT_LIMIT, 0.05, width="210px")
                           for c in range(MAX_CLASSES)] for r in range(2)]
        self.b_sliders = [slider(f"b[{c}]", 0.0, -WEIGHT_LIMIT, WEIGHT_LIMIT, 0.05, width="210px")
                          for c in range(MAX_CLASSES)]
        self.class_labels = [widgets.HTML() for _ in range(MAX_CLASSES)]
        self.columns = [widgets.VBox([self.class_labels[c], self.w_sliders[0][c], self.w_sliders[1][c],
                                      self.b_sliders[c]]) for c in range(MAX_CLASSES)]

        if not show_losses:
            self.ax_regions = self.figure.subplots(1, 1)
            self._connect()
            self.children = [widgets.HBox([self.dataset, self.randomize_button]), widgets.HBox(self.columns),
                             self.view.image, self.status]
            self.guard(self.load, dataset)
            return
        ax_regions, ax_points, ax_history = self.figure.subplots(1, 3, width_ratios=[1.1, 1.3, 1])
        self.ax_regions, self.ax_points, self.ax_history = ax_regions, ax_points, ax_history
        (self.hinge_points,) = ax_points.plot([], [], "o", ms=4, color=COLORS["blue"], label="hinge $L_i$")
        (self.softmax_points,) = ax_points.plot([], [], "^", ms=4, color=COLORS["vermillion"],
                                            label="softmax $L_i$")
        self.hinge_mean = ax_points.axhline(0, color=COLORS["blue"], lw=1.2, ls=":", label="hinge mean")
        self.softmax_mean = ax_points.axhline(0, color=COLORS["vermillion"], lw=1.2, ls=":",
                                              label="softmax mean")
        ax_points.set_xlabel("point index i")
        ax_points.set_ylabel("loss of point i")
        ax_points.set_title("Per-point loss (dotted: mean)")
        ax_points.legend(loc="upper right", ncols=2)
        (self.history_line,) = ax_history.plot([], [], ".-", lw=1.5, ms=3, color="black", label="objective")
        ax_history.set_xlim(0, 10)
        ax_history.set_xlabel("gradient step")
        ax_history.set_ylabel("training objective")
        ax_history.set_title("Loss history")
        self.view.animate(self.hinge_points, self.softmax_points, self.hinge_mean, self.softmax_mean,
                          self.history_line)

        for control in (self.train_loss, self.regularization, self.reg):
            control.observe(self._on_setting, names="value")
        self._connect()
        self.step_button.on_click(lambda _: self.guard(self.step))
        self.run.observe(lambda change: self.guard(self.step), names="value")

        self.children = [
            widgets.HBox([self.dataset, self.train_loss]),
            widgets.HBox([self.regularization, self.reg, self.step_size]),
            widgets.HBox([self.step_button, self.run, self.randomize_button]),
            widgets.HBox(self.columns),
            self.view.image,
            self.status,
        ]
        self.guard(self.load, dataset)

    def _connect(self) -> None:
        """The controls both forms share: the weight sliders, the data set, the randomize button."""
        for s in [*self.w_sliders[0], *self.w_sliders[1], *self.b_sliders]:
            s.observe(self._on_weight, names="value")
        self.dataset.observe(self._on_dataset, names="value")
        self.randomize_button.on_click(lambda _: self.guard(self.randomize))

    # --- state changes ------------------------------------------------------------------
    def load(self, name) -> None:
        """Switch to data set ``name``: new points, weights at a fixed starting point, history cleared."""
        self.X, self.y, self.class_names = DATASETS[name]()
        num_classes = len(self.class_names)
        for c in range(MAX_CLASSES):
            self.columns[c].layout.display = None if c < num_classes else "none"
            if c < num_classes:
                self.class_labels[c].value = (f"<b style='color:{CLASS_COLORS[c]}'>class {c}: "
                                              f"{self.class_names[c]}</b>")
        angles = 2 * np.pi * np.arange(num_classes) / num_classes + np.pi / 2
        W = 0.5 * np.vstack([np.cos(angles), np.sin(angles)])
        if self.regions is not None:
            self.view.forget(self.regions.image, *self.regions.border_lines, *self.regions.points)
        self.ax_regions.clear()
        self.regions = plot_decision_regions(self.ax_regions, W, np.zeros(num_classes), self.X, self.y,
                                             resolution=90, class_names=self.class_names)
        self.view.animate(self.regions.image, *self.regions.border_lines, *self.regions.points)
        # the regions image is animated (drawn over the static background), so a legend would hide under it
        self.ax_regions.set_title("Regions (black: borders)")
        restyle(self.figure)
        if self.show_losses:
            self.ax_points.set_xlim(-1, len(self.y))
        self.view.invalidate()
        self.config = {}
        self.set_weights(W, np.zeros(num_classes))
        self.history = [self.numbers["objective"]]
        self.view.freeze_layout()
        self.refresh()

    def set_weights(self, W, b) -> None:
        """Move the sliders to ``W`` (2, C) and ``b`` (C,) (clipped to the slider range), then recompute once."""
        num_classes = len(self.class_names)
        W = checked_array(W, "W", (2, num_classes))
        b = checked_array(b, "b", (num_classes,))
        self._syncing = True
        try:
            for c in range(num_classes):
                for r in range(2):
                    self.w_sliders[r][c].value = float(np.clip(W[r, c], -WEIGHT_LIMIT, WEIGHT_LIMIT))
                self.b_sliders[c].value = float(np.clip(b[c], -WEIGHT_LIMIT, WEIGHT_LIMIT))
        finally:
            self._syncing = False
        self.read_sliders()
        self.compute()

    def read_sliders(self) -> None:
        num_classes = len(self.class_names)
        self.W = np.array([[self.w_sliders[r][c].value for c in range(num_classes)] for r in range(2)])
        self.b = np.array([self.b_sliders[c].value for c in range(num_classes)])

    def randomize(self) -> None:
        """Draw new weights and biases from N(0, 1) and clear the history."""
        num_classes = len(self.class_names)
        self.config = {}
        self.set_weights(self.rng.standard_normal((2, num_classes)), self.rng.standard_normal(num_classes))
        self.history = [self.numbers["objective"]]
        self.refresh()

    def step(self) -> None:
        """One step of the update rule on ``train_loss + reg * R(W)`` (biases are not penalized)."""
        grad_W, grad_b = self.gradient()
        params = np.vstack([self.W, self.b])
        grads = np.vstack([grad_W, grad_b])
        self.config["learning_rate"] = self.step_size.value
        result = self.update_fn(params, grads, self.config)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise DemoError("update_fn: expected (next_w, config), as the rules in course_lib.optim return")
        new_params = checked_array(result[0], "update_fn's next_w", params.shape)
        self.config = dict(result[1] or {})
        clipped = np.abs(new_params).max() > WEIGHT_LIMIT
        self.set_weights(new_params[:2], new_params[2])
        self.history = (self.history + [self.numbers["objective"]])[-HISTORY_LENGTH:]
        self.refresh(note=f"a weight reached the slider limit ±{WEIGHT_LIMIT:g} and was clipped" if clipped else "")

    # --- numbers ------------------------------------------------------------------------
    def scores(self) -> np.ndarray:
        return self.X @ self.W + self.b

    def penalty_value(self):
        value, grad = checked_loss(self.penalty_fn(self.W, self.regularization.value), "penalty_fn", self.W.shape)
        return value, grad

    def gradient(self):
        """Gradient of the training objective with respect to W (2, C) and b (C,)."""
        scores = self.scores()
        loss_name = self.train_loss.value
        _, dscores = checked_loss(self.loss_fns[loss_name](scores, self.y), f"{loss_name} loss", scores.shape)
        _, dpenalty = self.penalty_value()
        return self.X.T @ dscores + self.reg.value * dpenalty, dscores.sum(axis=0)

    def compute(self) -> None:
        """Recompute every number shown, from the current W and b."""
        scores = self.scores()
        numbers = {"accuracy": float(np.mean(np.argmax(scores, axis=1) == self.y))}
        if not self.show_losses:  # no loss, no penalty: nothing that runs an answer
            self.numbers = {**numbers, "objective": 0.0}
            return
        for name, fn in self.loss_fns.items():
            numbers[name], _ = checked_loss(fn(scores, self.y), f"{name} loss")
            numbers[f"{name}_per_point"] = per_row_losses(fn, scores, self.y, f"{name} loss")
        numbers["penalty"], _ = self.penalty_value()
        numbers["objective"] = numbers[self.train_loss.value] + self.reg.value * numbers["penalty"]
        self.numbers = numbers

    # --- drawing ------------------------------------------------------------------------
    def readout(self) -> list:
        """The readout's rows for W and b: each class's weights and bias, as the sliders show them."""
        return [(f"class {c}: W[:, {c}], b[{c}]", f"[{self.W[0, c]:.2f}, {self.W[1, c]:.2f}], {self.b[c]:.2f}")
                for c in range(len(self.class_names))]

    def refresh(self, note="") -> None:
        """Move the artists to the current numbers, render, and update the readout."""
        n = self.numbers
        self.regions.update(self.W, self.b)
        if not self.show_losses:
            self.view.render()
            right = round(n["accuracy"] * len(self.y))
            self.show_table([("accuracy", f"{n['accuracy']:.1%} ({right} of {len(self.y)} points)"),
                             *self.readout()], note=note)
            return
        index = np.arange(len(self.y))
        self.hinge_points.set_data(index, n["hinge_per_point"])
        self.softmax_points.set_data(index, n["softmax_per_point"])
        self.hinge_mean.set_ydata([n["hinge"]] * 2)
        self.softmax_mean.set_ydata([n["softmax"]] * 2)
        top = stable_top(self.ax_points.get_ylim()[1] / 1.05,
                         max(n["hinge_per_point"].max(), n["softmax_per_point"].max()))
        set_limits(self.view, self.ax_points, ylim=(-0.05 * top, 1.05 * top))
        self.history_line.set_data(np.arange(len(self.history)), self.history)
        high = stable_top(self.ax_history.get_ylim()[1], max(self.history))
        set_limits(self.view, self.ax_history, xlim=(0, nice_ceiling(max(len(self.history) - 1, 10))),
                   ylim=(min(0.0, min(self.history)), high))
        self.view.render()
        reg = self.reg.value
        self.show_table([
            ("hinge (SVM) loss", fmt(n["hinge"])),
            ("softmax loss", fmt(n["softmax"])),
            (f"penalty R(W) ({self.regularization.value})", fmt(n["penalty"])),
            (f"objective: {self.train_loss.value} + {reg:g}·R(W)", fmt(n["objective"])),
            ("accuracy", f"{n['accuracy']:.1%}"),
            ("steps taken", str(len(self.history) - 1)),
            *self.readout(),
        ], note=note)

    # --- observers ----------------------------------------------------------------------
    def _on_weight(self, change) -> None:
        if not self._syncing:
            self.guard(self._weights_moved)

    def _weights_moved(self) -> None:
        self.read_sliders()
        self.compute()
        self.refresh()

    def _on_setting(self, change) -> None:
        self.guard(self._setting_changed)

    def _setting_changed(self) -> None:
        self.config = {}
        self.compute()
        self.history = [self.numbers["objective"]]
        self.refresh()

    def _on_dataset(self, change) -> None:
        self.guard(self.load, change["new"])


def playground(dataset="blobs (3 classes)", *, seed=0, svm_loss_fn=None, softmax_loss_fn=None,
               penalty_fn=None, update_fn=None, show_losses=True) -> Playground:
    """The linear classifier playground: sliders for W and b, regions, losses, gradient steps.

    Parameters
    ----------
    dataset : str
        One of :data:`DATASETS`: ``"blobs (3 classes)"`` (separable), ``"ring (2 classes)"``,
        ``"three modes (2 classes)"``, ``"opposite quadrants (2 classes)"`` (no line works).
    seed : int
        Seeds the "randomize" button.
    svm_loss_fn, softmax_loss_fn : callable, optional
        ``f(scores (N, C), y (N,)) -> (loss, dscores (N, C))``; default: course_lib's
        ``svm_loss`` and ``softmax_loss``. Pass your own to see it drive the demo.
    penalty_fn : callable, optional
        ``f(W (2, C), kind) -> (R, dR (2, C))`` with kind in "l2", "l1", "elastic_net";
        default ``course_lib.regularization.penalty``.
    update_fn : callable, optional
        An update rule ``f(w, dw, config) -> (next_w, config)`` as in ``course_lib.optim``
        (``config["learning_rate"]`` is set from the step-size slider); default ``sgd``.
        It is applied to W and b stacked into a (3, C) array.
    show_losses : bool
        False for the regions, the accuracy and the W, b readout only: no loss panels, penalty or
        step button, so that nothing runs a loss or an update rule (notebook 01). The four
        functions above cannot be given then.

    Returns
    -------
    Playground
        A widget (an ``ipywidgets.VBox``): display it, or drive it from code through its
        controls (``w_sliders``, ``b_sliders``, ``step_button.click()``, ...).
    """
    if dataset not in DATASETS:
        raise ValueError(f"dataset: expected one of {list(DATASETS)}, got {dataset!r}")
    if not isinstance(show_losses, bool):
        raise ValueError(f"show_losses: expected True or False, got {show_losses!r}")
    functions = {"svm_loss_fn": svm_loss_fn, "softmax_loss_fn": softmax_loss_fn, "penalty_fn": penalty_fn,
                 "update_fn": update_fn}
    given = [name for name, fn in functions.items() if fn is not None]
    if not show_losses and given:
        raise ValueError(f"{given[0]}: expected None with show_losses=False (the playground then computes no loss "
                         f"and takes no step), got {type(functions[given[0]]).__name__}")
    return Playground(dataset, seed, svm_loss_fn, softmax_loss_fn, penalty_fn, update_fn, show_losses)
