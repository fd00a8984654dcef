"""Measure the targets of notebook 01's ``hand_weights`` and the margins they leave.

Run by hand (not collected by pytest; deterministic, no timing)::

    .venv/bin/python tests/benchmarks/hand_weights_threshold.py

A two-class linear classifier ``argmax(x W + b)`` is a straight border with class 1 on one side. This
script enumerates every such border that classifies the shown points differently (720 directions x every
cut between two neighbouring points, plus a grid of cuts), scores each on the three samples of the bank
(``course_lib/grading/exercises/bank/nb01.py``: the 258 points shown in the notebook, a fresh sample for
the check, another for the grader) and prints:

- per family of directions, the range of each accuracy among the borders that pass the shown target;
- the margins: the lowest hidden accuracy of a border that passes both public targets (it must be at least
  the hidden target), and the highest fresh accuracy of a border that passes the shown target but not the
  fresh one (how far the lucky borders stay below).

The bank's targets are read from the bank module, so the script checks what the grader uses.
"""

from __future__ import annotations

import numpy as np

import course_lib as cl
from course_lib.grading.exercises.bank import nb01

DIRECTIONS = 720


def borders(X_shown):
    """Every direction u (2, K) and offset c (K,) of a border "class 1 where u . x > c" worth trying."""
    angles = np.linspace(0.0, 2 * np.pi, DIRECTIONS, endpoint=False)
    units, offsets = [], []
    for angle in angles:
        u = np.array([np.cos(angle), np.sin(angle)])
        along = np.sort(X_shown @ u)
        cuts = np.unique(np.concatenate([(along[1:] + along[:-1]) / 2, np.linspace(-4.5, 4.5, 181)]))
        units.append(np.repeat(u[:, None], len(cuts), axis=1))
        offsets.append(cuts)
    return np.hstack(units), np.concatenate(offsets)


def accuracies(U, c, X, y):
    """Accuracy (K,) of each border on points X (N, 2) with labels y (N,)."""
    return ((X @ U > c) == (y[:, None] == 1)).mean(axis=0)


def main() -> None:
    samples = {"shown": nb01.SHOWN, "fresh (check)": nb01.FRESH_PUBLIC, "fresh (grader)": nb01.FRESH_HIDDEN}
    U, c = borders(nb01.SHOWN[0])
    acc = {name: accuracies(U, c, *points) for name, points in samples.items()}
    trained = cl.load_pretrained("hard_cases_W")[1]
    print(f"{len(c):,} borders; targets: shown {nb01.SHOWN_TARGET}, fresh {nb01.FRESH_TARGET}")
    for name, (X, y) in samples.items():
        scores = X @ trained[:2] + trained[2]
        print(f"  {name:<15} {len(y):5d} points: best border {acc[name].max():.3f}, trained classifier "
              f"{np.mean(scores.argmax(axis=1) == y):.3f}, majority rule {np.bincount(y).max() / len(y):.3f}")

    shown_ok = acc["shown"] >= nb01.SHOWN_TARGET
    angle = np.degrees(np.arctan2(U[1], U[0])) % 360
    print("\nborders that pass the shown target, by direction of u (class 1 where u . x > c):")
    print(f"  {'direction':>12} {'borders':>8} {'fresh (check)':>16} {'fresh (grader)':>16}")
    for start in range(0, 360, 15):
        family = shown_ok & (angle >= start) & (angle < start + 15)
        if family.any():
            check, grader = acc["fresh (check)"][family], acc["fresh (grader)"][family]
            print(f"  {start:>5}-{start + 15:<3} deg {family.sum():8d} {check.min():8.3f}..{check.max():.3f}"
                  f" {grader.min():8.3f}..{grader.max():.3f}")

    both = shown_ok & (acc["fresh (check)"] >= nb01.FRESH_TARGET)
    lucky = shown_ok & ~both
    worst_passing = acc["fresh (grader)"][both].min()
    print(f"\n{both.sum():,} borders pass both public targets; the lowest of them on the grader's sample: "
          f"{worst_passing:.3f} (target {nb01.FRESH_TARGET}: margin {worst_passing - nb01.FRESH_TARGET:+.3f})")
    best_lucky = {name: acc[name][lucky].max() for name in ("fresh (check)", "fresh (grader)")}
    print(f"{lucky.sum():,} borders pass the shown target only; the highest of them on fresh points: "
          + ", ".join(f"{name} {value:.3f} (margin {nb01.FRESH_TARGET - value:+.3f})"
                      for name, value in best_lucky.items()))
    assert worst_passing >= nb01.FRESH_TARGET, "a border passes the check but not the grader"


if __name__ == "__main__":
    main()
