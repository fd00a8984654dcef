"""The course flows forward (issue 19): the graded release worked in order, one notebook at a time.

For k = 0..11, in a fresh graded release: notebooks 00..k-1 solved and saved (their answer cells filled with
the source notebooks' solutions, as a student types them; nothing run), notebook k blank, then notebook k
run top to bottom in a fresh kernel (``notebook_run.py``): every cell that waits on an answer is classified
by the exercise its skip line names (``exercise `id```; for a notebook's own "solve X first" line, the bank ids
it mentions) and where that exercise's answer cell is:

- *above* in notebook k: the only wait allowed while notebook k is blank;
- *below* in notebook k, or in a *later* notebook: a forward dependency (docs/course-flow.md, rule 1);
- in an *earlier* notebook: that answer was solved and saved, so the wait is a bug.

Any error output, text on stderr, empty figure (rendered axes without any artist), widget "Problem:" line
or skip line that names no exercise fails it too. Then the same with notebook k solved: nothing may skip.

The 24 runs (12 blank, 12 solved) are independent (each has its own notebooks folder; they share the
release's course_lib) and run side by side, one kernel per core.

The static test reads every ``cl.mine("id")`` and ``needs_answer("id")`` of the source notebooks: each id must
exist in the bank and name an exercise of an earlier notebook, or of the same notebook with its answer cell
above.

The v2 notebooks fail both; their findings are listed exactly (``KNOWN_*``) and marked xfail, so that CI stays
green until the notebooks are rewritten (v3): then the lists must be emptied, and a notebook that differs from
its list in any way fails.
"""

from __future__ import annotations

import ast
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from test_graded_release import SOURCES, fill_in

from course_lib.grading.exercises import bank
from course_lib.grading.release.build import release as make_release

RUNNER = Path(__file__).with_name("notebook_run.py")
STEMS = [p.stem for p in SOURCES]
WAITS = ("skip", "missing", "own wait")


def _answer_cells(nb) -> dict:
    """``{exercise id: index of its answer cell}`` of a notebook."""
    return {c.metadata["nbgrader"]["grade_id"]: k for k, c in enumerate(nb.cells)
            if c.metadata.get("nbgrader", {}).get("solution")}


ANSWER_CELLS = {p.stem: _answer_cells(nbformat.read(p, as_version=4)) for p in SOURCES}
EXERCISES = {e.id: e for e in bank.all_exercises()}


def where(exercise_id: str, k: int, cell: int) -> str:
    """Where exercise ``exercise_id`` is, seen from cell ``cell`` of notebook ``k``: above, below, earlier, later."""
    exercise = EXERCISES.get(exercise_id)
    if exercise is None:
        return "unknown"
    other = STEMS.index(exercise.notebook)
    if other != k:
        return "earlier" if other < k else "later"
    return "above" if ANSWER_CELLS[exercise.notebook].get(exercise_id, -1) < cell else "below"


def classify(k: int, result: dict, solved: bool) -> list:
    """One line per problem of notebook ``k``'s run (see the module docstring)."""
    problems = []
    for cell, found in sorted(result["cells"].items(), key=lambda item: int(item[0])):
        cell = int(cell)
        for finding in found:
            if finding["kind"] not in WAITS:
                problems.append(f"cell {cell}: {finding['kind']}: {finding['text'][:160]}")
                continue
            if finding["kind"] == "own wait":  # a notebook's own line: the bank ids it mentions
                finding["ids"] = [e for e in EXERCISES if re.search(rf"\b{re.escape(e)}\b", finding["text"])]
            if not finding["ids"]:
                problems.append(f"cell {cell}: a wait that names no exercise: {finding['text'][:160]}")
                continue
            for exercise_id in dict.fromkeys(finding["ids"]):
                place = where(exercise_id, k, cell)
                if place == "above" and not solved:
                    continue
                label = {"above": "a solved answer above", "below": "a cell below", "later": "a later notebook",
                         "earlier": "an earlier, solved notebook", "unknown": "an exercise not in the bank"}[place]
                notebook = EXERCISES[exercise_id].notebook[:2] if exercise_id in EXERCISES else "?"
                problems.append(f"cell {cell}: waits on {label}: {exercise_id} ({notebook})")
    return sorted(set(problems), key=lambda p: (int(p.split()[1].rstrip(":")), p))


def _run(notebook: Path, release: Path) -> dict:
    out = notebook.with_suffix(".findings.json")
    done = subprocess.run([sys.executable, str(RUNNER), str(notebook), str(release), str(out)],
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"{notebook.name}: the runner failed:\n{done.stderr[-3000:]}")
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def progressive(tmp_path_factory):
    """``{(k, "blank" | "solved"): runner result}`` for every notebook, and the wall time of the 24 runs."""
    base = tmp_path_factory.mktemp("progressive")
    release = base / "release"
    make_release(release)
    jobs = {}
    for k, stem in enumerate(STEMS):
        for phase, solved in (("blank", k), ("solved", k + 1)):
            copy = base / f"{stem}-{phase}"
            shutil.copytree(release / "notebooks", copy / "notebooks")
            for earlier in STEMS[:solved]:
                fill_in(copy, earlier)
            jobs[(k, phase)] = copy / "notebooks" / f"{stem}.ipynb"
    started = time.monotonic()
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = {key: pool.submit(_run, path, release) for key, path in jobs.items()}
        results = {key: future.result() for key, future in futures.items()}
    (base / "timing.txt").write_text(f"{len(jobs)} runs, {workers} at a time: {time.monotonic() - started:.0f} s\n")
    return results


# What a notebook is known to do wrong, exactly: (notebook index) -> problems of the blank run, then of the
# solved run (cell numbers are indexes among all the notebook's cells). Workbook v3 has none: keep them empty.
KNOWN_BLANK: dict = {}
KNOWN_SOLVED: dict = {}


@pytest.mark.parametrize("k", range(len(STEMS)), ids=STEMS)
def test_each_notebook_run_in_order_waits_on_nothing_below_or_later(progressive, k):
    found = {"blank": classify(k, progressive[(k, "blank")], solved=False),
             "solved": classify(k, progressive[(k, "solved")], solved=True)}
    known = {"blank": KNOWN_BLANK.get(k, []), "solved": KNOWN_SOLVED.get(k, [])}
    assert found == known, json.dumps(found, indent=1)
    if known["blank"] or known["solved"]:
        pytest.xfail(f"{STEMS[k]} (v2) waits on later notebooks or cells below: " + "; ".join(
            [*known["blank"], *(f"solved: {p}" for p in known["solved"])]))


# --- the static rule ------------------------------------------------------------------------------------

def named_answers(nb) -> list:
    """``(cell index, call, exercise id)`` for every ``mine("id")`` / ``needs_answer("id", ...)`` in code cells."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines())
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("mine", "which", "needs_answer"):
                found += [(index, name, arg.value) for arg in node.args
                          if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    return found


def static_problems(k: int, nb) -> list:
    problems = []
    for cell, call, exercise_id in named_answers(nb):
        place = where(exercise_id, k, cell)
        if place in ("earlier", "above"):
            continue
        what = {"unknown": "an exercise that is not in the bank", "below": "an exercise whose answer cell is below",
                "later": "an exercise of a later notebook"}[place]
        problems.append(f"cell {cell}: {call}({exercise_id!r}) names {what}")
    return problems


# v2's stale ids (docs/course-flow.md, section 2.1): all go with the v3 cells
KNOWN_STATIC: dict = {}


@pytest.mark.parametrize("k", range(len(STEMS)), ids=STEMS)
def test_every_named_answer_is_earlier_and_exists(k):
    found = static_problems(k, nbformat.read(SOURCES[k], as_version=4))
    known = KNOWN_STATIC.get(k, [])
    assert found == known, json.dumps(found, indent=1)
    if known:
        pytest.xfail(f"{STEMS[k]} (v2): " + "; ".join(known))
