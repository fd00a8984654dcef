"""A test-only notebook for the autograder tests, its exercises, and hostile variants of it.

The notebook ``zz_grader_test`` has six exercises (registered in the bank only while a
test runs): three functions, a value, one that receives a trusted fixture, and a loop-free one
that may not run course_lib's ``l1_penalty`` (which the sandbox implements: no stub). A
*submission* is built from a list of cells; :data:`HOSTILE` maps a name to cells that
replace one exercise's answer with an attack, and the status that exercise must get.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import numpy as np

import course_lib
from course_lib.grading.exercises import bank
from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import Fixture

STEM = "zz_grader_test"
SECRET_LABEL = "secret-hidden-label-7731"
SECRET_NUMBER = 98765.4321  # appears only in a hidden case's input
COURSE_LIB_DIR = str(Path(course_lib.__file__).resolve().parent)
REUSE = "uses the reference implementation"
SOURCE_NOTEBOOK = str(Path(COURSE_LIB_DIR).parent / "notebooks" / "00_start_here.ipynb")

EXERCISES = (
    Exercise(id="double_it", notebook=STEM, answer="double_it", points=2, title="Double it",
             reference=lambda x: 2.0 * np.asarray(x, dtype=float),
             public=(Case((np.array([1.0, 2.5]),), "two numbers"),),
             hidden=(Case((np.array([[SECRET_NUMBER, -1.0]]),), SECRET_LABEL),
                     Case((np.arange(6.0).reshape(2, 3),), SECRET_LABEL + "-b")),
             mistakes=(Mistake("tripled", "you multiplied by 3, not 2", lambda x: 3.0 * np.asarray(x)),)),
    Exercise(id="add_them", notebook=STEM, answer="add_them", points=1, title="Add them",
             reference=lambda a, b: float(a + b),
             public=(Case((1.0, 2.0), "1 + 2"),), hidden=(Case((-4.0, 0.5), SECRET_LABEL),)),
    Exercise(id="magic_number", notebook=STEM, answer="magic_number", points=1, kind="value",
             title="The magic number", reference=lambda: 42.0, public=(Case((), "the number"),)),
    Exercise(id="l2_of", notebook=STEM, answer="l2_of", points=1, title="Softmax of each row",
             reference=lambda W: course_lib.softmax(W),
             public=(Case((np.array([[1.0, -2.0]]),), "a 1 x 2 matrix"),),
             hidden=(Case((np.array([3.0, 4.0]),), SECRET_LABEL),), forbidden=("softmax",)),
    Exercise(id="apply_softmax", notebook=STEM, answer="apply_softmax", points=1, title="Apply a function",
             reference=lambda f, s: f(s), public=(Case((Fixture("course_lib.grading.exercises.fixtures:shifted_bowl"),
                                                         np.array([[1.0, 2.0, 3.0]])), "a bowl at a point"),)),
    Exercise(id="row_sums", notebook=STEM, answer="row_sums", points=1, title="Row sums, without a Python loop",
             reference=lambda X: np.asarray(X, dtype=float).sum(axis=1),
             public=(Case((np.arange(6.0).reshape(2, 3),), "a 2 x 3 matrix"),),
             hidden=(Case((np.full((4, 2), SECRET_NUMBER),), SECRET_LABEL),), forbidden=("l1_penalty",),
             loop_free=True, loop_probe=(Case((np.arange(15.0).reshape(5, 3),), "5 rows, 3 columns"),
                                         Case((np.arange(650.0).reshape(50, 13),), "50 rows, 13 columns"))),
)
POINTS = {ex.id: float(ex.points) for ex in EXERCISES}
TOTAL = sum(POINTS.values())

GOOD_ANSWERS = {
    "double_it": "def double_it(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n",
    "add_them": "def add_them(a, b):\n    return a + b\n",
    "magic_number": "magic_number = 6 * 7\n",
    "l2_of": ("def l2_of(W):\n    e = np.exp(W - W.max(axis=-1, keepdims=True))\n"
              "    return e / e.sum(axis=-1, keepdims=True)\n"),
    "apply_softmax": "def apply_softmax(f, s):\n    return f(s)\n",
    "row_sums": "def row_sums(X):\n    return np.add.reduce(X, axis=1)\n",
}


@contextlib.contextmanager
def registered():
    """The bank with the test notebook's exercises added, for the duration of a ``with``."""
    original = bank._registry
    merged = {**original(), **{ex.id: ex for ex in EXERCISES}}
    bank._registry = lambda: merged
    try:
        yield
    finally:
        bank._registry = original


# --- building notebooks -----------------------------------------------------------------------------

def answer_cell(exercise_id: str, source: str, metadata: bool = True) -> dict:
    meta = {}
    if metadata:
        meta = {"nbgrader": {"grade": False, "solution": True, "locked": False, "grade_id": exercise_id,
                             "schema_version": 3}, "course_lib": {"exercise": exercise_id, "role": "answer"}}
    return {"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": [], "source": source}


def check_cell(exercise_id: str, answer: str, source: str | None = None) -> dict:
    meta = {"nbgrader": {"grade": True, "solution": False, "locked": True, "grade_id": exercise_id + "_check",
                         "points": POINTS[exercise_id], "schema_version": 3},
            "course_lib": {"exercise": exercise_id, "role": "check"}}
    if source is None:
        source = (f'check("{exercise_id}", {answer})\n### BEGIN HIDDEN TESTS\n'
                  f'check("{exercise_id}", {answer}, hidden=True)\n### END HIDDEN TESTS')
    return {"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": [], "source": source}


def code(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}


def markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def notebook(cells: list) -> bytes:
    document = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3"}},
                "cells": [{**cell, "id": f"c{i}"} if cell["cell_type"] != "raw" else cell
                          for i, cell in enumerate(cells)]}
    return json.dumps(document, indent=1).encode()


def good_cells(replace: dict | None = None) -> list:
    """The full-marks notebook; ``replace`` maps an exercise id to other answer-cell source."""
    answers = {**GOOD_ANSWERS, **(replace or {})}
    cells = [markdown("# A test notebook"), code("import numpy as np\nfrom course_lib.grading import check")]
    for ex in EXERCISES:
        cells += [markdown(f"## {ex.title}"), answer_cell(ex.id, answers[ex.id]), check_cell(ex.id, ex.answer),
                  code(f"print({ex.answer!r})")]
    return cells


# --- hostile submissions --------------------------------------------------------------------------------
# name -> (cells, {exercise id: expected status}); every other exercise must still pass.

def _replace(exercise_id: str, source: str) -> list:
    return good_cells({exercise_id: source})


def hostile_submissions(out_dir: str, submissions_dir: str, classmate: str = "/nonexistent") -> dict:
    """``classmate``: a world-readable notebook of another student, which no answer may read."""
    out_file = os.path.join(out_dir, "grades.csv")
    victim = os.path.join(submissions_dir, "aaa_good.ipynb")
    cases = {
        # a cell that defines no answer is not needed by any: skipped, the answer is missing
        "infinite_loop_in_cell": (_replace("double_it", "while True:\n    pass\n"), {"double_it": "missing"}),
        "infinite_loop_in_function": (_replace("double_it", "def double_it(x):\n    while True:\n        x = x + 1\n"),
                                      {"double_it": "timeout"}),
        "sys_exit": (_replace("double_it", "import sys\ndef double_it(x):\n    sys.exit(3)\n"),
                     {"double_it": "error"}),
        "sys_exit_in_cell": (_replace("double_it", "import sys\nsys.exit(0)\ndef double_it(x):\n    return 2 * x\n"),
                             {"double_it": "error"}),
        "os_exit": (_replace("double_it", "import os\ndef double_it(x):\n    os._exit(0)\n"),
                    {"double_it": "crashed"}),
        "os_exit_in_cell": (_replace("double_it", "import os\nos._exit(1)\n"), {"double_it": "missing"}),
        "os_exit_before_the_answer": (_replace("double_it", "import os\nos._exit(1)\ndef double_it(x):\n"
                                                            "    return 2 * x\n"), {"double_it": "crashed"}),
        "segfault": (_replace("double_it", "import ctypes\ndef double_it(x):\n    return ctypes.string_at(0)\n"),
                     {"double_it": "crashed"}),
        "memory_numpy": (_replace("double_it", "def double_it(x):\n    return np.ones((1 << 40,))\n"),
                         {"double_it": "memory limit"}),
        "memory_list": (_replace("double_it", "big = []\nwhile True:\n    big.append(np.empty(1 << 22))\n"),
                        {"double_it": "missing"}),
        "memory_before_the_answer": (_replace("double_it", "big = []\nwhile True:\n    big.append(np.ones(1 << 22))\n"
                                                           "def double_it(x):\n    return 2 * x\n"),
                                     {"double_it": "memory limit"}),
        "output_flood": (_replace("double_it", "import os, sys\ndef double_it(x):\n"
                                  "    for _ in range(300):\n        print('spam' * 5000)\n"
                                  "        sys.stderr.write('warn' * 5000)\n        os.write(1, b'z' * 20000)\n"
                                  "    return 2 * x\n"), {"double_it": "passed"}),
        "fork_bomb": (_replace("double_it", "import os\ndef double_it(x):\n    while True:\n        try:\n"
                               "            os.fork()\n        except OSError:\n            pass\n"),
                      {"double_it": "timeout"}),
        "escaped_background_process": (_replace("double_it", "import os, time\ndef double_it(x):\n"
                                                "    if os.fork() == 0:\n        os.setsid()\n"
                                                "        time.sleep(600)\n    return 2 * x\n"),
                                       {"double_it": "passed"}),
        "huge_file": (_replace("double_it", "def double_it(x):\n    with open('big.bin', 'wb') as f:\n"
                                            "        f.write(b'0' * (64 << 20))\n    return 2 * x\n"),
                      {"double_it": "error"}),
        "reads_stdin": (_replace("double_it", "def double_it(x):\n    return float(input())\n"),
                        {"double_it": "error"}),
        "garbage_on_the_result_pipe": (_replace("double_it", "import os, struct\ndef double_it(x):\n"
                                                "    junk = struct.pack('>Q', 200000) + b'[' * 200000\n"
                                                "    for fd in range(3, 64):\n        try:\n"
                                                "            os.write(fd, junk)\n        except OSError:\n"
                                                "            pass\n    return 2 * x\n"),
                                       {"double_it": "crashed"}),
        "redefine_check": (_replace("double_it", "def check(*args, **kwargs):\n    return True\n"
                                    "def double_it(x):\n    return x\n"), {"double_it": "failed"}),
        "patch_numpy": (_replace("double_it", "np.allclose = lambda *a, **k: True\n"
                                 "np.isclose = lambda *a, **k: np.array(True)\n"
                                 "np.array_equal = lambda *a, **k: True\n"
                                 "def double_it(x):\n    return x\n"), {"double_it": "failed"}),
        "always_equal": (_replace("double_it", "class Yes(float):\n    def __eq__(self, other):\n        return True\n"
                                  "    __hash__ = float.__hash__\n"
                                  "class Anything:\n    def __eq__(self, other):\n        return True\n"
                                  "    def __array__(self, *a, **k):\n        return np.zeros(2)\n"
                                  "def double_it(x):\n    return Anything()\n"), {"double_it": "failed"}),
        "non_plain_generator": (_replace("double_it", "def double_it(x):\n    return (v for v in x)\n"),
                                {"double_it": "failed"}),
        "ndarray_subclass": (_replace("double_it", "class A(np.ndarray):\n    def __eq__(self, o):\n"
                                      "        return True\ndef double_it(x):\n    return np.zeros(3).view(A)\n"),
                             {"double_it": "failed"}),
        "calls_reference": (_replace("l2_of", "from course_lib import softmax\n"
                                     "def l2_of(W):\n    return softmax(W)\n"),
                            {"l2_of": "uses the reference implementation"}),
        "calls_reference_inside": (_replace("l2_of", "def l2_of(W):\n    import course_lib.losses as r\n"
                                            "    return r.softmax(W)\n"),
                                   {"l2_of": "uses the reference implementation"}),
        "import_by_importlib": (_replace("l2_of", "import importlib\ndef l2_of(W):\n"
                                         "    m = importlib.import_module('course_' + 'lib')\n"
                                         "    return m.softmax(W)\n"), {"l2_of": REUSE}),
        "import_by_dunder": (_replace("l2_of", "def l2_of(W):\n    m = __import__('course_lib')\n"
                                      "    return m.softmax(W)\n"), {"l2_of": REUSE}),
        "import_by_sys_path": (_replace("l2_of", "import sys\n"
                                        f"sys.path.insert(0, {str(Path(COURSE_LIB_DIR).parent)!r})\n"
                                        "from losses import softmax\n"
                                        "def l2_of(W):\n    return softmax(W)\n"),
                               {"l2_of": "error"}),  # the host's files are not in the sandbox
        # eval is no reference: an answer computed with it is the student's own
        "eval_answer": (_replace("add_them", "def add_them(a, b):\n    return eval('a + b')\n"),
                        {"add_them": "passed"}),
        "reference_by_path": (_replace("l2_of", "def l2_of(W):\n"
                                       f"    src = open({COURSE_LIB_DIR!r} + '/losses.py').read()\n"
                                       "    return 0.0\n"), {"l2_of": "error"}),  # not in the sandbox
        "reference_by_fixture_globals": (_replace("apply_softmax", "def apply_softmax(f, s):\n"
                                                  "    return f.__globals__['softmax'](s)\n"),
                                         {"apply_softmax": "error"}),  # a fixture holds no reference
        "kill_parent": (_replace("double_it", "import os, signal\ndef double_it(x):\n"
                                 "    for sig in (signal.SIGKILL, signal.SIGTERM):\n"
                                 "        try:\n            os.kill(os.getppid(), sig)\n        except OSError:\n"
                                 "            pass\n        try:\n"
                                 "            os.killpg(os.getpgid(os.getppid()), sig)\n"
                                 "        except OSError:\n            pass\n    return x\n"),
                        {"double_it": "failed"}),
        "kill_everyone": (_replace("double_it", "import os\ndef double_it(x):\n    os.kill(-1, 9)\n"),
                          {"double_it": "error"}),
        "write_grader_files": (_replace("double_it", "def double_it(x):\n    for path in ("
                                        f"{out_file!r}, {victim!r}):\n        try:\n"
                                        "            open(path, 'w').write('HACKED')\n        except OSError:\n"
                                        "            pass\n    return x\n"), {"double_it": "failed"}),
        "reads_the_instructors_notebook": (_replace("double_it", "def double_it(x):\n"
                                                    f"    open({SOURCE_NOTEBOOK!r}).read()\n    return 2 * x\n"),
                                           {"double_it": "error"}),
        "reads_a_classmates_submission": (_replace("double_it", "def double_it(x):\n"
                                                   f"    open({classmate!r}).read()\n    return 2 * x\n"),
                                          {"double_it": "error"}),
        "tampered_check_cell": ([
            *good_cells({"double_it": "def double_it(x):\n    return x\n"})[:4],
            check_cell("double_it", "double_it", "check = lambda *a, **k: True\nprint('all tests passed')\n"
                                                 "assert True\n"),
            *good_cells()[5:]], {"double_it": "failed"}),
        "stub_left": (_replace("double_it", "def double_it(x):\n    # YOUR CODE HERE\n"
                                            "    raise NotImplementedError()\n"), {"double_it": "not attempted"}),
        "syntax_error": (_replace("double_it", "def double_it(x)\n    return 2 * x\n"), {"double_it": "error"}),
        "deleted": ([c for c in good_cells() if "double_it" not in c["source"]], {"double_it": "missing"}),
    }
    return cases
