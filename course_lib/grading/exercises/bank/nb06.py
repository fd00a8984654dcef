"""Exercises of ``06_hinge_vs_softmax``: predict, then verify; each answer is a value.

- ``growth_losses``: the slide's example (scores -2.85, 0.86, 0.28; the third class is
  correct) after the correct score rises to 2.0: ``(hinge loss, softmax loss)``;
- ``which_loss_moves``: the lecture's car image already beats every other class by more
  than the margin; its car score rises from 4.9 to 6.0. Which loss changes:
  ``"hinge"``, ``"softmax"``, ``"both"`` or ``"neither"``?

Students type their numbers to three decimals, so the numeric answers are compared with an
absolute tolerance of 0.0006 (0.283 passes for 0.28341; 0.282, or 0.28 to two decimals, do not).
Each exercise has its own judge so that a wrong prediction is told *which* part is off and
in which direction, never the expected value itself: the student verifies it in the next cell.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Verdict
from course_lib.losses import softmax_loss, svm_loss

FORBIDDEN = ("svm_loss", "svm_loss_naive", "softmax_loss", "softmax")
THREE_DECIMALS = 6e-4  # absolute tolerance for answers typed with three decimals

SLIDE_SCORES = np.array([[-2.85, 0.86, 0.28]])
SLIDE_Y = np.array([2])
CAR_SCORES = np.array([[1.3, 4.9, 2.0]])
CAR_Y = np.array([1])


def _both_losses(scores, y):
    return float(svm_loss(scores, y)[0]), float(softmax_loss(scores, y)[0])


def growth_losses():
    """(hinge, softmax) for the slide's example with the correct score raised to 2.0."""
    grown = SLIDE_SCORES.copy()
    grown[0, 2] = 2.0
    return _both_losses(grown, SLIDE_Y)


def which_loss_moves():
    """Name the loss(es) that change when the car score rises from 4.9 to 6.0."""
    raised = CAR_SCORES.copy()
    raised[0, 1] = 6.0
    before, after = _both_losses(CAR_SCORES, CAR_Y), _both_losses(raised, CAR_Y)
    hinge_moves, softmax_moves = (not np.isclose(b, a) for b, a in zip(before, after))
    names = {(True, True): "both", (True, False): "hinge", (False, True): "softmax", (False, False): "neither"}
    return names[(hinge_moves, softmax_moves)]


OPTIONS = ("hinge", "softmax", "both", "neither")


def _numbers_judge(reference, names):
    """A judge for a tuple of predicted numbers: says which one is off and which way, not by how much."""
    def judge(case, actual):
        expected = reference()
        if (not isinstance(actual, tuple) or len(actual) != len(expected)
                or not all(isinstance(a, (int, float)) and not isinstance(a, bool) for a in actual)):
            return Verdict(False, f"expected a tuple of {len(expected)} numbers ({', '.join(names)}), "
                                  f"got {actual!r}")
        for name, e, a in zip(names, expected, actual):
            if not np.isfinite(a):
                return Verdict(False, f"{name}: got {a}, expected a finite number")
            if abs(a - e) > THREE_DECIMALS:
                return Verdict(False, f"{name}: {a:.3f} is too {'high' if a > e else 'low'} "
                                      f"(three decimals, natural log)")
        return Verdict(True)
    return judge


def _option_judge(reference):
    """A judge for a one-word answer among OPTIONS (case and spaces ignored); never names the right one."""
    def judge(case, actual):
        word = actual.strip().lower() if isinstance(actual, str) else None
        if word not in OPTIONS:
            return Verdict(False, f"expected one of {', '.join(repr(o) for o in OPTIONS)}, got {actual!r}")
        if word != reference():
            return Verdict(False, f"{actual!r} is not it: run the verification cell below and look again")
        return Verdict(True)
    return judge


EXERCISES = (
    Exercise(
        id="growth_losses",
        title="Predict: both losses after the correct score grows",
        notebook="06_hinge_vs_softmax",
        answer="losses_after_growth",
        points=1,
        kind="value",
        reference=growth_losses,
        public=(Case((), "scores -2.85, 0.86, 2.0 (correct: the third)"),),
        mistakes=(
            Mistake("unchanged",
                    "These are the losses before the change (1.58 and 1.04): recompute with the correct score 2.0.",
                    lambda: _both_losses(SLIDE_SCORES, SLIDE_Y)),
            Mistake("softmax_zero",
                    "The hinge loss is indeed 0 (every margin holds), but softmax never reaches 0 for finite "
                    "scores: the other classes keep some probability.",
                    lambda: (0.0, 0.0)),
            Mistake("log_base_10",
                    "Your softmax loss uses a base-10 log; the workbook uses the natural log (np.log).",
                    lambda: (0.0, growth_losses()[1] / np.log(10.0))),
            Mistake("includes_correct_class",
                    "The hinge sum skips j = y_i; including it adds max(0, 1) = 1.",
                    lambda: (1.0, growth_losses()[1])),
        ),
        output_names=("hinge loss", "softmax loss"),
        rtol=0.0,
        atol=THREE_DECIMALS,
        forbidden=FORBIDDEN,
        judge=_numbers_judge(growth_losses, ("hinge loss", "softmax loss")),
    ),
    Exercise(
        id="which_loss_moves",
        title="Predict: which loss notices a change in a well-classified example?",
        notebook="06_hinge_vs_softmax",
        answer="which_changes",
        points=1,
        kind="value",
        reference=which_loss_moves,
        public=(Case((), "the car image, car score 4.9 -> 6.0"),),
        mistakes=(
            Mistake("both",
                    "The hinge loss is already 0 and stays 0 while every margin holds: only one loss moves.",
                    lambda: "both"),
            Mistake("hinge",
                    "The hinge loss was already 0 (car beats cat and frog by more than 1); it cannot go lower.",
                    lambda: "hinge"),
            Mistake("neither",
                    "Softmax always wants more: a higher correct score raises p(car), so its loss shrinks.",
                    lambda: "neither"),
        ),
        output_names=("answer",),
        forbidden=FORBIDDEN,
        judge=_option_judge(which_loss_moves),
    ),
)
