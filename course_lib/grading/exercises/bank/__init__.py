"""The exercise bank: every graded exercise of the workbook, defined once.

One module per notebook (``nb03.py`` for ``03_multiclass_svm.ipynb``), each with a tuple
``EXERCISES`` of :class:`course_lib.grading.exercises.model.Exercise`. Hidden cases sit between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` lines, which the student release
removes (so the released course_lib has the public cases only).

Every exercise's ``forbidden`` names include course_lib's reference implementations of all
exercises (:func:`reference_names`): a graded release and the grader's sandbox have only stubs
of them, so an answer may not call any of them, whichever exercise they belong to.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import pkgutil
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3]


@lru_cache(maxsize=1)
def reference_names() -> frozenset:
    """course_lib's public functions and classes that are, or use, a reference implementation.

    A top-level function holding a ``### BEGIN REFERENCE`` region is one; so is any
    top-level function or class of course_lib that refers to one (``LinearClassifier`` trains with the
    losses).
    """
    defs = {}
    for path in sorted(PACKAGE.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.split("\n")
        for node in ast.parse(source).body:
            names = [node.name] if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else [
                t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]  # TABLE = {"sgd": sgd}
            body = "\n".join(lines[node.lineno - 1:node.end_lineno])
            used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            used |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
            for name in names:
                defs[name] = ("### BEGIN REFERENCE" in body, used - {name})
    found = {name for name, (marked, _) in defs.items() if marked}
    grown = True
    while grown:
        more = {name for name, (_, used) in defs.items() if used & found} - found
        found |= more
        grown = bool(more)
    return frozenset(name for name in found if not name.startswith("_"))


@lru_cache(maxsize=1)
def _registry() -> dict:
    exercises = {}
    references = reference_names()
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for ex in getattr(module, "EXERCISES", ()):
            if ex.id in exercises:
                raise ValueError(f"exercise id {ex.id!r} is defined twice (in {info.name})")
            exercises[ex.id] = dataclasses.replace(ex, forbidden=tuple(sorted(set(ex.forbidden) | references)))
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
