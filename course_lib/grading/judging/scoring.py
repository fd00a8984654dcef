"""From a judged exercise to its points: the scoring policies, and the one rounding rule.

An exercise declares its policy in the bank (:class:`~course_lib.grading.exercises.model.Scoring`);
a course may override it (:mod:`course_lib.grading.exercises.course_config`), and the grader hands the judge
the rule in force as a :class:`~course_lib.grading.exercises.model.ScoringRule`.

- all-or-nothing: the exercise's points if its status is "passed", else 0;
- per-case: ``points * (weight of the passed cases) / (weight of all cases)``, a public case weighing
  ``public`` and a hidden one ``hidden``.

Under both, an answer that reuses the reference, loops where the exercise forbids it, is still the
stub or is missing earns 0 (:data:`ZEROING`).

Every score is rounded down to a hundredth of a point (:func:`round_points`), once, here: the feedback,
the grades CSV, Gradescope's results and the class report all show the number stored in the result, and
totals are sums of those numbers (:func:`total_points`). Rounding down means that a partial score
never shows as full marks.
"""

from __future__ import annotations

import math

from course_lib.grading.exercises.model import Scoring, ScoringRule
from course_lib.grading.statuses import Status

#: statuses that earn nothing whatever the policy: the rules of the exercise, not its cases
ZEROING = frozenset({Status.USES_REFERENCE, Status.FORBIDDEN, Status.NOT_ATTEMPTED, Status.MISSING})
HUNDREDTHS = 100


def round_points(points: float) -> float:
    """``points`` rounded down to a hundredth (the tiny epsilon absorbs float noise: 0.29 stays 0.29)."""
    return math.floor(points * HUNDREDTHS + 1e-9) / HUNDREDTHS


def total_points(scores) -> float:
    """The sum of rounded scores, itself a whole number of hundredths."""
    return round(math.fsum(scores), 2)


def case_fraction(passed: list, rule: ScoringRule) -> float:
    """The weighted share of passed cases: ``passed`` is a list of ``(hidden, passed)`` pairs."""
    total = sum(rule.hidden if hidden else rule.public for hidden, _ in passed)
    earned = sum(rule.hidden if hidden else rule.public for hidden, ok in passed if ok)
    return earned / total if total else 0.0


def exercise_score(points: float, status: str, cases: list, rule: ScoringRule) -> float:
    """The points an exercise earns.

    Parameters
    ----------
    points : float
        What the exercise is worth.
    status : str
        Its status (:class:`~course_lib.grading.statuses.Status`).
    cases : list of CaseResult
        Its judged cases (each with ``hidden`` and ``passed``).
    rule : ScoringRule

    Returns
    -------
    float
        Rounded by :func:`round_points`.
    """
    if status in ZEROING:
        return 0.0
    if status == Status.PASSED:
        return float(points)
    if rule.policy == Scoring.ALL_OR_NOTHING:
        return 0.0
    return round_points(points * case_fraction([(c.hidden, c.passed) for c in cases], rule))
