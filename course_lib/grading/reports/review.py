"""The "What to review" list that ends a student's feedback: the mistakes recognised, across notebooks.

From a student's graded submissions (one or several notebooks), each mistake the grader told the
student about (:attr:`~course_lib.grading.judging.results.ExerciseResult.hint`: only hints of public
cases, never one from a hidden case) becomes one line: its hint, and where to reread it, the
section of the source notebook that holds the exercise (:func:`exercise_section`: its level-2
heading, the part of the lecture the exercise practises), when known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from course_lib.grading.judging.results import SubmissionResult

SOURCE_NOTEBOOKS = Path(__file__).resolve().parents[3] / "notebooks"  # the instructor's source notebooks
REVIEW_MAX = 8  # at most this many lines: a short list to act on, not a second copy of the feedback
_SECTION = re.compile(r"^##\s+(.+?)\s*#*\s*$", re.M)  # a notebook's sections are its level-2 headings


@dataclass(frozen=True)
class ReviewItem:
    """One thing to review: the hint, the notebook and section to reread ('' if unknown), the exercises."""

    hint: str
    notebook: str
    section: str
    exercises: tuple

    @property
    def where(self) -> str:
        """"the section “The margin” of 03_multiclass_svm.ipynb" (only the notebook when no section is known)."""
        notebook = f"{self.notebook}.ipynb" if self.notebook else "its notebook"
        return f"the section “{self.section}” of {notebook}" if self.section else notebook


@lru_cache(maxsize=None)
def _sections_of_answers(notebook: str) -> dict:
    """``{exercise id: the section (level-2 heading) holding its answer cell}`` in the source notebook (empty if
    unreadable): the part of the lecture the exercise practises, rather than the exercise's own heading."""
    from course_lib.grading.exercises.notebook import read_notebook

    try:
        parsed = read_notebook((SOURCE_NOTEBOOKS / f"{notebook}.ipynb").read_bytes())
    except OSError:
        return {}
    if parsed is None or parsed.status != "ok":
        return {}
    found, heading = {}, ""
    for cell in parsed.cells:
        if cell.cell_type == "markdown":
            titles = _SECTION.findall(cell.source)
            heading = titles[-1] if titles else heading
        for exercise_id in cell.ids:
            found.setdefault(exercise_id, heading)
    return found


def exercise_section(notebook: str, exercise_id: str) -> str:
    """The title of the section that holds an exercise's answer cell in its source notebook ('' if unknown)."""
    return re.sub(r"[*_`]", "", _sections_of_answers(notebook).get(exercise_id, "")).strip()


def _told_hints(exercise) -> list:
    """The hints the student was told for one exercise: its bank mistakes' hints, else its lead hint.

    An exercise without a lead hint told the student nothing (a mistake seen only on a hidden case is
    recorded for the instructor, never told).
    """
    if not exercise.hint:
        return []
    return [exercise.hints[m] for m in exercise.mistakes if m in exercise.hints] or [exercise.hint]


def review_items(results: list, limit: int = REVIEW_MAX) -> list:
    """What to review from a student's graded submissions, in notebook order, each hint once.

    Parameters
    ----------
    results : list of SubmissionResult
        One student's submissions (any order; those not graded are skipped).
    limit : int
        The most lines kept.

    Returns
    -------
    list of ReviewItem
    """
    graded = sorted((r for r in results if isinstance(r, SubmissionResult) and r.status == "ok"),
                    key=lambda r: r.notebook)
    items: dict = {}
    for result in graded:
        for exercise in result.exercises:
            for hint in _told_hints(exercise):
                if hint in items:
                    old = items[hint]
                    more = () if exercise.id in old.exercises else (exercise.id,)
                    items[hint] = ReviewItem(hint, old.notebook, old.section, (*old.exercises, *more))
                else:
                    items[hint] = ReviewItem(hint, result.notebook, exercise_section(result.notebook, exercise.id),
                                             (exercise.id,))
    return list(items.values())[:limit]


def review_markdown(items: list) -> list:
    """The feedback's closing "What to review" section as Markdown lines (none when there is nothing to review)."""
    if not items:
        return []
    lines = ["## What to review", ""]
    for item in items:
        names = ", ".join(f"`{e}`" for e in item.exercises)
        lines.append(f"- {item.hint} Reread {item.where} ({names}).")
    return lines + [""]
