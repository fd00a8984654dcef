"""Loss explorer: drag one example's class scores and compare the hinge and softmax losses.

The lecture's question "what happens to the loss if the car score changes a bit?": the
hinge loss is flat once the correct class wins by the margin, the softmax loss never is.
Three panels: the scores with the margin line (correct score - 1) and each wrong class's
hinge term hatched above it, the softmax probabilities, and both losses
as the last-moved score sweeps its whole range (a dot marks where it is now).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course_lib._validation import as_float_array, as_labels
from course_lib.data import lecture_example
from course_lib.losses import softmax, softmax_loss, svm_loss
from course_lib.plots import CLASS_COLORS, COLORS, _class_names, plot_probabilities, restyle
from course_lib.widgets._common import (
    Demo,
    check_callable,
    checked_loss,
    fmt,
    per_row_losses,
    set_limits,
    slider,
    stable_top,
)

SCORE_LIMIT = 10.0
SCORE_STEP = 0.01   # fine enough that a score with two decimals (the lecture's 0.86) starts exactly where given
SWEEP = np.linspace(-SCORE_LIMIT, SCORE_LIMIT, 81)   # values the swept score takes in the right panel


class LossExplorer(Demo):
    """The loss explorer widget; build it with :func:`loss_explorer`.

    Attributes
    ----------
    scores : ndarray, shape (C,)
        The current example's scores as the sliders show them.
    numbers : dict
        ``hinge``, ``softmax`` (losses), ``probs`` (C,), ``sweep_hinge``, ``sweep_softmax`` (81,).
    """

    def __init__(self, scores, y, class_names, svm_loss_fn, softmax_loss_fn):
        num_classes = scores.shape[1]
        super().__init__(figsize=(11.5, 3.4))
        self.loss_fns = {"hinge": check_callable(svm_loss_fn, "svm_loss_fn") or svm_loss,
                         "softmax": check_callable(softmax_loss_fn, "softmax_loss_fn") or softmax_loss}
        self.examples, self.labels, self.class_names = scores, y, class_names
        self.numbers = {}
        self._syncing = False
        self.example = widgets.Dropdown(
            options=[(f"example {i} (correct: {class_names[y[i]]})", i) for i in range(len(y))],
            value=0, description="example")
        self.score_sliders = [slider(f"score of {name}", 0.0, -SCORE_LIMIT, SCORE_LIMIT, SCORE_STEP, width="280px")
                              for name in class_names]
        self.sweep = widgets.Dropdown(options=[(n, c) for c, n in enumerate(class_names)], value=0,
                                      description="sweep", layout=widgets.Layout(width="220px"))

        ax_scores, ax_probs, ax_sweep = self.figure.subplots(1, 3)
        self.ax_scores, self.ax_probs, self.ax_sweep = ax_scores, ax_probs, ax_sweep
        self.score_bars = ax_scores.bar(np.arange(num_classes), np.zeros(num_classes), edgecolor="black",
                                        color=[CLASS_COLORS[c % len(CLASS_COLORS)] for c in range(num_classes)])
        self.margin_line = ax_scores.axhline(0, color="black", ls="--", lw=1.2, label="correct score − 1")
        # a wrong class's hinge term, max(0, s_j - (s_y - 1)), as a hatched bar from the dashed line up
        self.term_bars = ax_scores.bar(np.arange(num_classes), np.zeros(num_classes), width=0.45,
                                       color="white", alpha=0.8, edgecolor="black", hatch="///", lw=1.2,
                                       label="hinge term (wrong class)")
        ax_scores.axhline(0, color="gray", lw=0.5)
        ax_scores.set_xticks(np.arange(num_classes), class_names)
        ax_scores.set_ylim(-SCORE_LIMIT, SCORE_LIMIT)
        ax_scores.set_ylabel("score")
        ax_scores.set_title("Scores and the margin line")
        ax_scores.legend(loc="lower right")
        self.probs = plot_probabilities(ax_probs, np.full(num_classes, 1 / num_classes), class_names)
        (self.sweep_hinge,) = ax_sweep.plot(SWEEP, np.zeros_like(SWEEP), color=COLORS["blue"], label="hinge")
        (self.sweep_softmax,) = ax_sweep.plot(SWEEP, np.zeros_like(SWEEP), color=COLORS["vermillion"], label="softmax")
        (self.now_hinge,) = ax_sweep.plot([0], [0], "o", color=COLORS["blue"], label="_now")
        (self.now_softmax,) = ax_sweep.plot([0], [0], "o", color=COLORS["vermillion"], label="_now")
        ax_sweep.set_xlim(-SCORE_LIMIT, SCORE_LIMIT)
        ax_sweep.set_ylim(0, 2)
        ax_sweep.set_ylabel("loss of this example")
        ax_sweep.legend(loc="upper right")
        restyle(self.figure)
        self.view.animate(*self.score_bars, *self.term_bars, self.margin_line, *self.probs.bars, *self.probs.labels,
                          self.sweep_hinge, self.sweep_softmax, self.now_hinge, self.now_softmax)

        for c, s in enumerate(self.score_sliders):
            s.observe(lambda change, c=c: self._on_score(c), names="value")
        self.sweep.observe(lambda change: self.guard(self.refresh), names="value")
        self.example.observe(lambda change: self.guard(self.load, change["new"]), names="value")
        self.children = [widgets.HBox([self.example, self.sweep]),
                         widgets.HBox(self.score_sliders[:3]), widgets.HBox(self.score_sliders[3:]),
                         self.view.image, self.status]
        self.guard(self.load, 0)

    def load(self, index) -> None:
        """Show example ``index``: its scores go to the sliders, its correct class is outlined."""
        y = int(self.labels[index])
        self._syncing = True
        try:
            for s, value in zip(self.score_sliders, self.examples[index]):
                s.value = float(np.clip(value, -SCORE_LIMIT, SCORE_LIMIT))
        finally:
            self._syncing = False
        names = [n + ("\n(correct)" if c == y else "") for c, n in enumerate(self.class_names)]
        for ax in (self.ax_scores, self.ax_probs):
            ax.set_xticks(np.arange(len(names)), names)
        for c, bar in enumerate([*self.score_bars, *self.probs.bars]):
            bar.set_linewidth(2.5 if c % len(names) == y else 0.5)
        self.view.invalidate()
        self.view.freeze_layout()
        self.refresh()

    @property
    def correct(self) -> int:
        return int(self.labels[self.example.value])

    def _on_score(self, c) -> None:
        if self._syncing:
            return
        if self.sweep.value != c:
            self.sweep.value = c          # its observer refreshes
        else:
            self.guard(self.refresh)

    def compute(self) -> None:
        """The losses of the current scores, and of the sweep over the chosen class's score."""
        self.scores = np.array([s.value for s in self.score_sliders])
        y = np.array([self.correct])
        numbers = {name: checked_loss(fn(self.scores[None, :], y), f"{name} loss")[0]
                   for name, fn in self.loss_fns.items()}
        numbers["probs"] = softmax(self.scores)
        sweep_scores = np.repeat(self.scores[None, :], len(SWEEP), axis=0)
        sweep_scores[:, self.sweep.value] = SWEEP
        for name, fn in self.loss_fns.items():
            numbers[f"sweep_{name}"] = per_row_losses(fn, sweep_scores, np.repeat(y, len(SWEEP)), f"{name} loss")
        self.numbers = numbers

    def refresh(self) -> None:
        self.compute()
        n, c, y = self.numbers, self.sweep.value, self.correct
        for bar, value in zip(self.score_bars, self.scores):
            bar.set_height(value)
        self.margin_line.set_ydata([self.scores[y] - 1.0] * 2)
        for j, bar in enumerate(self.term_bars):
            bar.set_y(self.scores[y] - 1.0)
            bar.set_height(0.0 if j == y else max(0.0, self.scores[j] - self.scores[y] + 1.0))
        self.probs.update(n["probs"])
        self.sweep_hinge.set_ydata(n["sweep_hinge"])
        self.sweep_softmax.set_ydata(n["sweep_softmax"])
        self.now_hinge.set_data([self.scores[c]], [n["hinge"]])
        self.now_softmax.set_data([self.scores[c]], [n["softmax"]])
        # zoom on the losses near the current score (the far ends are straight lines anyway)
        top = stable_top(self.ax_sweep.get_ylim()[1], max(2.0, 1.5 * max(n["hinge"], n["softmax"])))
        set_limits(self.view, self.ax_sweep, ylim=(0, top))
        title = f"Loss as the {self.class_names[c]} score moves"
        if self.ax_sweep.get_title() != title:
            self.ax_sweep.set_title(title, fontsize=self.ax_scores.title.get_fontsize())
            self.ax_sweep.set_xlabel(f"score of {self.class_names[c]}")
            self.view.invalidate()
        self.view.render()
        self.show_table([("hinge (SVM) loss", fmt(n["hinge"])), ("softmax loss", fmt(n["softmax"])),
                         (f"P({self.class_names[y]}) (correct class)", fmt(n["probs"][y]))])


def loss_explorer(scores=None, y=None, class_names=None, *, svm_loss_fn=None, softmax_loss_fn=None) -> LossExplorer:
    """Drag one example's class scores and watch the hinge and softmax losses and the probabilities.

    Parameters
    ----------
    scores : array_like, shape (N, C) or (C,), optional
        Examples to choose from (a dropdown picks the row); default: the lecture's three
        images (cat, car, frog) with scores for the classes cat, car, frog. The sliders move in
        steps of 0.01 from -10 to 10 and start at the given scores exactly (clipped to that range).
    y : array_like of int, shape (N,) or int, optional
        Correct class of each example; required with ``scores``.
    class_names : sequence of str, length C, optional
    svm_loss_fn, softmax_loss_fn : callable, optional
        ``f(scores (N, C), y (N,)) -> loss`` or ``(loss, dscores)``; default course_lib's.

    Returns
    -------
    LossExplorer
        A widget (an ``ipywidgets.VBox``); ``score_sliders`` drive it from code.
    """
    if scores is None:
        if y is not None:
            raise ValueError("y: expected None when scores is None (the lecture's example has its own labels)")
        example = lecture_example()
        scores, y, class_names = example.scores, example.y, example.class_names
    scores = as_float_array(scores, "scores", ndim=(1, 2))
    scores = scores[None, :] if scores.ndim == 1 else scores
    if y is None:
        raise ValueError("y: expected the correct class of each example, got None")
    y = as_labels(np.atleast_1d(y), "y", n=scores.shape[0], num_classes=scores.shape[1])
    if scores.shape[1] > 6:
        raise ValueError(f"scores: expected at most 6 classes (one slider each), got {scores.shape[1]}")
    return LossExplorer(scores, y, _class_names(class_names, scores.shape[1]), svm_loss_fn, softmax_loss_fn)
