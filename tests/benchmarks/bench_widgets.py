"""Time every demo's callbacks headless, rendering included, and optionally save screenshots.

Run by hand (not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_widgets.py               # timing table
    .venv/bin/python tests/benchmarks/bench_widgets.py --screenshots assets/screenshots

Each row drives one control the way a student does (a slider tick, a button click):
setting ``.value`` runs the observer synchronously, which recomputes the numbers, moves
the artists and encodes the PNG the Image widget shows. Reported: median, 90th
percentile and max over the ticks (after two warm-up ticks), in milliseconds. The target
is a median under 50 ms and a max of at most 100 ms.

The last table compares, in the same run, the demos' blitted render with a full redraw
of the same figure (what re-plotting every tick would cost at least).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from _machine import load_report

from course_lib.widgets import (
    loss_explorer,
    optimizer_race,
    playground,
    regression_outliers,
    regularization_preferences,
)

TICKS = 40


def timed(demo, actions) -> tuple[list[float], int]:
    """Run each action; return the milliseconds each took and how many were full redraws.

    The first two actions are warm-up and not counted.
    """
    times, full = [], 0
    for k, act in enumerate(actions):
        before = demo.view.full_renders
        start = time.perf_counter()
        act()
        times.append(1e3 * (time.perf_counter() - start))
        full += k >= 2 and demo.view.full_renders > before
    return times[2:], int(full)


def setter(widget, value):
    def act():
        widget.value = value
    return act


def wave(low, high, n=TICKS + 2):
    """Slider values going back and forth, each different from the one before."""
    return [float(v) for v in np.round(low + (high - low) * (0.5 + 0.5 * np.sin(np.arange(n) * 0.7)), 3)]


def scenarios():
    """(demo name, control, demo, actions) for every benchmarked interaction."""
    pg = playground()
    yield "playground", "W[0,0] slider", pg, [setter(pg.w_sliders[0][0], v) for v in wave(-2, 2)]
    yield "playground", "gradient step button", pg, [pg.step_button.click for _ in range(TICKS + 2)]
    ring = playground("ring (2 classes)")
    yield "playground", "b[1] slider, ring (120 points)", ring, [setter(ring.b_sliders[1], v) for v in wave(-2, 2)]
    le = loss_explorer()
    yield "loss_explorer", "car score slider", le, [setter(le.score_sliders[1], v) for v in wave(-5, 8)]
    ro = regression_outliers()
    yield "regression_outliers", "point y slider", ro, [setter(ro.point_t, v) for v in wave(-7, 7)]
    from course_lib import l1_loss, l2_loss
    ro2 = regression_outliers(l2_loss_fn=l2_loss, l1_loss_fn=l1_loss)
    yield ("regression_outliers", "point y slider, losses passed as callables", ro2,
           [setter(ro2.point_t, v) for v in wave(-7, 7)])
    rp = regularization_preferences()
    yield "regularization_preferences", "λ slider", rp, [setter(rp.reg, v) for v in 10.0 ** np.array(wave(-7, 0))]
    yield "regularization_preferences", "mix slider a", rp, [setter(rp.mix, v) for v in wave(0, 1)]
    race = optimizer_race()
    yield "optimizer_race", "step slider, +1 per tick", race, [setter(race.step, k) for k in range(1, TICKS + 3)]
    race.step.value = 100
    yield ("optimizer_race", "Adam lr slider at step 100 (re-runs 100 steps)", race,
           [setter(race.learning_rates["Adam"], v) for v in 10.0 ** np.array(wave(-2.5, -0.5))])


def full_redraw_ms(demo, repeats=10) -> float:
    """Median time of a full draw + encode of the demo's figure (no cached background), as re-plotting costs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        demo.view.invalidate()
        demo.view.frame()
        times.append(1e3 * (time.perf_counter() - start))
    return statistics.median(times)


def blit_render_ms(demo, repeats=10) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        demo.view.frame()
        times.append(1e3 * (time.perf_counter() - start))
    return statistics.median(times)


def save_screenshots(folder: Path, force: bool) -> None:
    """Put each demo in an instructive state and write its figure to ``folder/<demo>.png``."""
    folder.mkdir(parents=True, exist_ok=True)
    pg = playground()
    pg.step_size.value = 1.0
    for _ in range(15):
        pg.step_button.click()
    le = loss_explorer()
    le.example.value = 1
    le.score_sliders[1].value = 4.5
    ro = regression_outliers()
    ro.point_t.value = -6.0
    rp = regularization_preferences()
    rp.reg.value = 1e-3
    rp.mix.value = 0.5
    race = optimizer_race()
    race.step.value = 80
    demos = {"playground": pg, "loss_explorer": le, "regression_outliers": ro,
             "regularization_preferences": rp, "optimizer_race": race}
    for name, demo in demos.items():
        path = folder / f"{name}.png"
        if path.exists():
            if not force:
                sys.exit(f"{path} exists; pass --force to replace it")
            os.remove(path)
        demo.view.save(path)
        print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screenshots", type=Path, help="folder to write one PNG per demo into")
    parser.add_argument("--force", action="store_true", help="replace existing screenshots")
    args = parser.parse_args()
    if args.screenshots:
        save_screenshots(args.screenshots, args.force)
        return
    print(f"{'demo':28} {'interaction':48} {'median':>7} {'p90':>7} {'max':>7} {'full':>5}"
          f"  (ms over {TICKS} ticks; full = ticks that redrew axes and text)")
    seen = {}
    for demo_name, control, demo, actions in scenarios():
        times, full = timed(demo, actions)
        if demo.error:
            print(f"  warning: {demo_name} reported a problem: {demo.error}")
        p90 = float(np.percentile(times, 90))
        print(f"{demo_name:28} {control:48} {statistics.median(times):7.1f} {p90:7.1f} {max(times):7.1f} {full:5d}")
        seen.setdefault(demo_name, demo)
    print(f"\n{'demo':28} {'blitted render':>15} {'full redraw':>12} {'ratio':>6}  (median ms, same run)")
    for demo_name, demo in seen.items():
        blit, full = blit_render_ms(demo), full_redraw_ms(demo)
        print(f"{demo_name:28} {blit:15.1f} {full:12.1f} {full / blit:6.1f}")


if __name__ == "__main__":
    with load_report():
        main()
