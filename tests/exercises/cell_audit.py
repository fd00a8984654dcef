"""The audit of a source notebook's exercise cells against the bank (what CI checks of every notebook).

A test helper, not part of course_lib: the student release ships course_lib, and this is the instructors'.
"""

from __future__ import annotations

import re

from course_lib.grading.exercises.cells import (
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    answer_metadata,
    cell_role,
    check_metadata,
    setup_metadata,
    strip_hidden_tests,
    strip_solutions,
    written_metadata,
)


def exercise_cell_problems(nb, exercises) -> list[str]:
    """Everything wrong with a notebook's exercise cells, against its bank exercises.

    Checks: every bank exercise has exactly one answer and one check cell, the check
    cell is a code cell right below its answer cell, nbgrader metadata equals what
    :func:`answer_metadata` / :func:`check_metadata` give (ids, points), solution and
    hidden-test markers are balanced and in the right kind of cell, the answer cell defines
    the bank's answer name at top level, and the check cell calls ``check`` on it. Returns
    an empty list if all is well.
    """
    problems = []
    by_id = {ex.id: ex for ex in exercises}
    seen: dict[tuple, list[int]] = {}
    for index, cell in enumerate(nb["cells"]):
        role = cell_role(cell)
        source = "".join(cell.get("source", ""))
        has_solution = BEGIN_SOLUTION in source
        has_hidden = BEGIN_HIDDEN in source
        written = cell.get("metadata", {}).get("course_lib", {})
        if isinstance(written, dict) and written.get("role") == "written":
            eid, meta = written.get("exercise", ""), cell["metadata"].get("nbgrader", {})
            try:
                ok = (cell.get("cell_type") == "markdown" and not has_solution and not has_hidden
                      and meta == written_metadata(eid, meta.get("points"))["nbgrader"])
            except ValueError:
                ok = False
            if not ok:
                problems.append(f"cell {index}: written question {eid!r} must be a markdown cell with "
                                f"written_metadata({eid!r}, points) and no markers")
            continue
        if isinstance(written, dict) and written.get("role") == "setup":
            meta = cell.get("metadata", {})
            want = setup_metadata()
            if cell.get("cell_type") != "code" or has_solution or has_hidden or any(
                    meta.get(key) != value for key, value in want.items()):
                problems.append(f"cell {index}: the setup cell must be a code cell with setup_metadata() "
                                "and no markers")
            continue
        if role is None:
            if "nbgrader" in cell.get("metadata", {}) or has_solution or has_hidden:
                problems.append(f"cell {index}: nbgrader metadata or markers but no course_lib exercise role")
            continue
        seen.setdefault(role, []).append(index)
        eid, kind = role
        if eid not in by_id:
            problems.append(f"cell {index}: exercise {eid!r} is not in the bank for this notebook")
            continue
        ex = by_id[eid]
        if cell.get("cell_type") != "code":
            problems.append(f"cell {index}: {kind} cell of {eid!r} must be a code cell")
        want = answer_metadata(eid) if kind == "answer" else check_metadata(eid, ex.points)
        if cell["metadata"].get("nbgrader") != want["nbgrader"]:
            problems.append(f"cell {index}: nbgrader metadata of {eid!r} {kind} cell is "
                            f"{cell['metadata'].get('nbgrader')}, expected {want['nbgrader']}")
        try:
            if kind == "answer":
                if not has_solution:
                    problems.append(f"cell {index}: answer cell of {eid!r} has no {BEGIN_SOLUTION} region")
                if has_hidden:
                    problems.append(f"cell {index}: hidden tests belong in the check cell, not the answer cell")
                if not re.search(rf"^(def\s+{re.escape(ex.answer)}\s*\(|{re.escape(ex.answer)}\s*=)", source, re.M):
                    problems.append(f"cell {index}: answer cell of {eid!r} must define {ex.answer!r} at top level "
                                    f"(`def {ex.answer}(...)` or `{ex.answer} = ...`)")
                strip_solutions(source)
            else:
                if has_solution:
                    problems.append(f"cell {index}: check cell of {eid!r} contains a solution region")
                if not has_hidden:
                    problems.append(f"cell {index}: check cell of {eid!r} has no hidden-test block")
                strip_hidden_tests(source)
                if not re.search(rf"check\(\s*['\"]{re.escape(eid)}['\"]\s*,\s*{re.escape(ex.answer)}\s*[,)]",
                                 source):
                    problems.append(f"cell {index}: check cell must call check({eid!r}, {ex.answer})")
        except ValueError as exc:
            problems.append(f"cell {index}: {exc}")
    for role, indexes in seen.items():
        if len(indexes) > 1:
            problems.append(f"exercise {role[0]!r}: {len(indexes)} {role[1]} cells (cells {indexes})")
    for eid in by_id:
        answer = seen.get((eid, "answer"))
        check = seen.get((eid, "check"))
        if not answer:
            problems.append(f"exercise {eid!r}: no answer cell in the notebook")
        if not check:
            problems.append(f"exercise {eid!r}: no check cell in the notebook")
        if answer and check and check[0] != answer[0] + 1:
            problems.append(f"exercise {eid!r}: check cell (cell {check[0]}) is not right below its answer "
                            f"cell (cell {answer[0]})")
    return problems


# --- removing solutions and hidden tests --------------------------------------------------
