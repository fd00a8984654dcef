"""The package's architecture, as its imports draw it: every import between course_lib's parts points one way.

Each module belongs to one part (see :data:`PART`); :data:`ALLOWED` lists, for each part, the parts it
may import (at the top of a module or inside a function alike). A new arrow is a design decision: add
it here, with the reason, or move the code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "course_lib"

# the longest matching prefix decides
PART = {
    "course_lib": "face",
    "course_lib.cli": "cli",
    "course_lib.__main__": "cli",
    "course_lib.answers": "answers",
    "course_lib.answer_store": "answers",  # the answers store that cl.mine reads and check() writes
    "course_lib.notebook_helpers": "answers",
    "course_lib.notebooks": "maintainer",
    "course_lib.grading": "check",
    "course_lib.grading.check": "check",
    "course_lib.grading.statuses": "statuses",
    "course_lib.grading.exercises": "exercises",
    "course_lib.grading.exercises.judges": "judges",
    "course_lib.grading.judging": "judging",
    "course_lib.grading.reports": "reports",
    "course_lib.grading.release": "release",
    "course_lib.grading.autograde": "autograde",
}
NUMERICS = "numerics"  # every other course_lib module: data, losses, optim, plots, widgets...

ALLOWED = {
    "face": set(),  # names load lazily, through importlib
    "numerics": {"numerics"},  # (a graded release's reference stubs import answers: generated, not source)
    "statuses": set(),
    "exercises": {"exercises", "statuses", "numerics"},  # the bank's trusted references are course_lib's numerics
    # outcome judges (decision 10.3 of docs/course-flow.md) use lecture functions only through answers.mine(): the
    # student's own answers in their kernel, the references in the grader's. Nothing imports judges: a bank entry
    # names a judge as "module:function", resolved when it judges, so this arrow closes no cycle.
    "judges": {"judges", "exercises", "statuses", "numerics", "answers"},
    "judging": {"judging", "exercises", "statuses"},
    "answers": {"answers", "exercises", "judging", "statuses"},  # a student's earlier answer, judged before use
    "check": {"check", "judging", "exercises", "statuses", "answers"},
    "reports": {"reports", "judging", "exercises", "statuses", "numerics"},  # the class report's figures
    "release": {"release", "exercises", "statuses", "answers", "numerics"},
    "autograde": {"autograde", "judging", "exercises", "statuses", "reports", "release", "answers", "numerics"},
    "maintainer": set(),
    "cli": {"release", "autograde", "reports", "numerics", "maintainer"},
}


def part_of(module: str) -> str:
    best = max((prefix for prefix in PART if module == prefix or module.startswith(prefix + ".")),
               key=len, default=None)
    if best == "course_lib" and module != "course_lib":
        return NUMERICS
    return PART[best] if best else NUMERICS


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every course_lib module ``path`` imports, anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "course_lib"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "course_lib":
                # ``from course_lib.grading import check``: the names may be sub-modules
                found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_imports_are_absolute():
    relative = [f"{p.relative_to(PACKAGE.parent)}:{line}" for p in MODULES for line, m in imports_of(p)
                if m.startswith(".")]
    assert not relative, relative


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_every_import_points_the_allowed_way(path):
    here = module_name(path)
    wrong = []
    for line, target in imports_of(path):
        there = part_of(target)
        if there != part_of(here) and there not in ALLOWED[part_of(here)]:
            wrong.append(f"line {line}: {here} ({part_of(here)}) imports {target} ({there})")
    assert not wrong, "\n".join(wrong)


def test_the_parts_have_no_cycle():
    edges = {part: set(allowed) - {part} for part, allowed in ALLOWED.items()}
    state: dict = {}

    def visit(part, path):
        if state.get(part) == "open":
            raise AssertionError("cycle: " + " -> ".join([*path, part]))
        if state.get(part) == "done":
            return
        state[part] = "open"
        for other in edges[part]:
            visit(other, [*path, part])
        state[part] = "done"

    for part in edges:
        visit(part, [])
