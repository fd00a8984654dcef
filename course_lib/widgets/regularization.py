"""Regularization preferences: what a penalty makes the model prefer.

Left: a polynomial fitted to a dozen noisy points with an L2 penalty of strength λ; a tiny
λ lets a high degree chase the noise, a larger one gives a simpler curve that does better
on held-out points. Middle and right: the lecture's ``x = [1, 1, 1, 1]``, ``w1 = [1, 0, 0, 0]``
and ``w2 = [0.25] * 4`` give the same score ``w @ x = 1``; L2 prefers the spread-out w2,
L1 cannot tell them apart, elastic net sits in between. The right panel follows the
whole path ``w = (1 - a) w1 + a w2``, which keeps the score at 1.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from numpy.polynomial import legendre

from course_lib.plots import COLORS, restyle
from course_lib.regularization import penalty
from course_lib.widgets._common import Demo, check_callable, checked_loss, fmt, set_limits, slider, stable_top

W1 = np.array([1.0, 0.0, 0.0, 0.0])
W2 = np.array([0.25, 0.25, 0.25, 0.25])
PATH = np.linspace(0.0, 1.0, 41)
KINDS = (("L2", "l2"), ("L1", "l1"), ("elastic net", "elastic_net"))
KIND_COLORS = {"l2": COLORS["blue"], "l1": COLORS["vermillion"], "elastic_net": COLORS["green"]}
CURVE_X = np.linspace(-1, 1, 200)


def make_curve_data(n_train=12, n_val=60, noise=0.25, seed=0):
    """Noisy samples of ``sin(2.5 x)`` on [-1, 1]: a small training set and a validation set.

    Returns
    -------
    x_train, t_train : ndarray, shape (n_train,)
    x_val, t_val : ndarray, shape (n_val,)
    """
    rng = np.random.default_rng(seed)
    x_train = np.sort(rng.uniform(-1, 1, n_train))
    x_val = np.sort(rng.uniform(-1, 1, n_val))
    return (x_train, np.sin(2.5 * x_train) + noise * rng.standard_normal(n_train),
            x_val, np.sin(2.5 * x_val) + noise * rng.standard_normal(n_val))


def ridge_polynomial(x, t, degree, reg) -> np.ndarray:
    """Legendre coefficients (degree + 1,) minimizing ``mean (p(x) - t)^2 + reg * sum_{k>=1} c_k^2``.

    The constant term is not penalized (like a bias). Legendre polynomials keep the
    normal equations well conditioned on [-1, 1].
    """
    design = legendre.legvander(x, degree)
    ridge = reg * np.eye(degree + 1)
    ridge[0, 0] = 0.0
    lhs = design.T @ design / len(x) + ridge
    return np.linalg.lstsq(lhs, design.T @ t / len(x), rcond=None)[0]


class RegularizationPreferences(Demo):
    """The regularization-preferences widget; build it with :func:`regularization_preferences`.

    Attributes
    ----------
    coefficients : ndarray, shape (degree + 1,)
        The current polynomial fit (Legendre basis).
    numbers : dict
        ``train_mse``, ``val_mse``; ``penalties``: kind -> (R(w1), R(w2)); ``path``: kind -> (41,)
        penalties along ``(1 - a) w1 + a w2``; ``path_now``: kind -> R at the current a.
    """

    def __init__(self, penalty_fn, seed):
        super().__init__(figsize=(12, 3.5))
        self.penalty_fn = check_callable(penalty_fn, "penalty_fn") or penalty
        self.x_train, self.t_train, self.x_val, self.t_val = make_curve_data(seed=seed)
        self.numbers = {}
        self.reg = slider("λ", 1e-6, -8, 1, 0.25, log=True, readout_format=".1e")
        self.degree = widgets.IntSlider(value=9, min=1, max=11, description="degree", continuous_update=True)
        self.beta = slider("elastic-net β", 0.5, 0.0, 2.0, 0.05)
        self.mix = slider("a: w = (1−a)·w1 + a·w2", 0.0, 0.0, 1.0, 0.025, width="360px")

        ax_fit, ax_bars, ax_path = self.figure.subplots(1, 3, width_ratios=[1.3, 1, 1])
        self.ax_fit, self.ax_bars, self.ax_path = ax_fit, ax_bars, ax_path
        ax_fit.plot(self.x_val, self.t_val, ".", color="#999999", label="validation points")
        ax_fit.plot(self.x_train, self.t_train, "o", color="black", ms=5, label="training points")
        (self.fit_line,) = ax_fit.plot(CURVE_X, np.zeros_like(CURVE_X), color=COLORS["blue"], lw=2, label="fit")
        ax_fit.set_xlim(-1.05, 1.05)
        ax_fit.set_ylim(-2.5, 2.5)
        ax_fit.set_xlabel("x")
        ax_fit.set_ylabel("y")
        ax_fit.set_title("Polynomial fit, L2 penalty λ·R(w)")
        ax_fit.legend(loc="lower right")
        offsets = np.arange(len(KINDS))
        self.bars_w1 = ax_bars.bar(offsets - 0.2, np.zeros(3), width=0.38, color=COLORS["orange"], edgecolor="black",
                                   label="w1 = [1, 0, 0, 0]")
        self.bars_w2 = ax_bars.bar(offsets + 0.2, np.zeros(3), width=0.38, color=COLORS["sky"], edgecolor="black",
                                   hatch="..", label="w2 = [.25, .25, .25, .25]")
        ax_bars.set_xticks(offsets, [label for label, _ in KINDS])
        ax_bars.set_ylim(0, 2.0)
        ax_bars.set_ylabel("penalty R(w)")
        ax_bars.set_title("Same score w·x = 1: penalties")
        ax_bars.legend(loc="upper right")
        self.path_lines, self.path_dots = {}, {}
        for label, kind in KINDS:
            (self.path_lines[kind],) = ax_path.plot(PATH, np.zeros_like(PATH), color=KIND_COLORS[kind], label=label)
            (self.path_dots[kind],) = ax_path.plot([0], [0], "o", color=KIND_COLORS[kind], label="_now")
        ax_path.set_xlim(0, 1)
        ax_path.set_ylim(0, 2.0)
        ax_path.set_xlabel("a (0: w1, 1: w2)")
        ax_path.set_ylabel("penalty R(w)")
        ax_path.set_title("Along w = (1−a)·w1 + a·w2")
        ax_path.legend(loc="upper right")
        restyle(self.figure)
        self.view.animate(self.fit_line, *self.bars_w1, *self.bars_w2, *self.path_lines.values(),
                          *self.path_dots.values())

        for control in (self.reg, self.degree, self.beta, self.mix):
            control.observe(lambda change: self.guard(self.refresh), names="value")
        self.children = [widgets.HBox([self.degree, self.reg]), widgets.HBox([self.beta, self.mix]),
                         self.view.image, self.status]
        self.view.freeze_layout()
        self.guard(self.refresh)

    def penalty_of(self, w, kind) -> float:
        kwargs = {"beta": self.beta.value} if kind == "elastic_net" else {}
        return checked_loss(self.penalty_fn(w, kind, **kwargs), f"penalty_fn(w, {kind!r})")[0]

    def compute(self) -> None:
        self.coefficients = ridge_polynomial(self.x_train, self.t_train, self.degree.value, self.reg.value)
        numbers = {
            "train_mse": float(np.mean((legendre.legval(self.x_train, self.coefficients) - self.t_train) ** 2)),
            "val_mse": float(np.mean((legendre.legval(self.x_val, self.coefficients) - self.t_val) ** 2)),
            "penalties": {}, "path": {}, "path_now": {},
        }
        a = self.mix.value
        for _, kind in KINDS:
            numbers["penalties"][kind] = (self.penalty_of(W1, kind), self.penalty_of(W2, kind))
            numbers["path"][kind] = np.array([self.penalty_of((1 - m) * W1 + m * W2, kind) for m in PATH])
            numbers["path_now"][kind] = self.penalty_of((1 - a) * W1 + a * W2, kind)
        self.numbers = numbers

    def refresh(self) -> None:
        self.compute()
        n = self.numbers
        self.fit_line.set_ydata(legendre.legval(CURVE_X, self.coefficients))
        top = 0.0
        for i, (_, kind) in enumerate(KINDS):
            r1, r2 = n["penalties"][kind]
            self.bars_w1[i].set_height(r1)
            self.bars_w2[i].set_height(r2)
            self.path_lines[kind].set_ydata(n["path"][kind])
            self.path_dots[kind].set_data([self.mix.value], [n["path_now"][kind]])
            top = max(top, r1, r2, n["path"][kind].max())
        limit = stable_top(self.ax_bars.get_ylim()[1], 1.15 * top)
        set_limits(self.view, self.ax_bars, ylim=(0, limit))
        set_limits(self.view, self.ax_path, ylim=(0, limit))
        self.view.render()
        rows = [("training MSE", fmt(n["train_mse"])), ("validation MSE", fmt(n["val_mse"])),
                ("sum of squared coefficients", fmt(float(self.coefficients[1:] @ self.coefficients[1:])))]
        rows += [(f"{label}: R(w1), R(w2)", f"{fmt(n['penalties'][kind][0])}, {fmt(n['penalties'][kind][1])}")
                 for label, kind in KINDS]
        self.show_table(rows)


def regularization_preferences(*, penalty_fn=None, seed=0) -> RegularizationPreferences:
    """λ on a polynomial fit, and which of two equally good weight vectors each penalty prefers.

    Parameters
    ----------
    penalty_fn : callable, optional
        ``f(w, kind, beta=...) -> R`` or ``(R, dR)`` with kind in "l2", "l1", "elastic_net"
        (``beta`` only for elastic net), as ``course_lib.regularization.penalty`` (the default).
    seed : int
        Seeds the noisy training and validation points.

    Returns
    -------
    RegularizationPreferences
        A widget (an ``ipywidgets.VBox``); ``reg``, ``degree``, ``beta``, ``mix`` drive it.
    """
    return RegularizationPreferences(penalty_fn, seed)
