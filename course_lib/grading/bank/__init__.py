"""The exercise bank: every graded exercise of the workbook, defined once.

One module per notebook (``nb03.py`` for ``03_multiclass_svm.ipynb``), each with a tuple
``EXERCISES`` of :class:`course_lib.grading.spec.Exercise`. Hidden cases sit between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` lines, which the student release
removes (so the released course_lib has the public cases only).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache


@lru_cache(maxsize=1)
def _registry() -> dict:
    exercises = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for ex in getattr(module, "EXERCISES", ()):
            if ex.id in exercises:
                raise ValueError(f"exercise id {ex.id!r} is defined twice (in {info.name})")
            exercises[ex.id] = ex
    return exercises


def all_exercises() -> list:
    """Every exercise, in notebook order."""
    return list(_registry().values())


def get(exercise_id: str):
    """The exercise with this id; ``KeyError`` naming the known ids otherwise."""
    try:
        return _registry()[exercise_id]
    except KeyError:
        known = ", ".join(sorted(_registry())) or "none"
        raise KeyError(f"exercise_id: no exercise {exercise_id!r} (known: {known})") from None


def for_notebook(stem: str) -> list:
    """The exercises of one notebook, e.g. ``for_notebook("03_multiclass_svm")``."""
    return [ex for ex in _registry().values() if ex.notebook == stem]
