"""The grader's program is the notebook run top to bottom (issue 22): it gets the values a kernel gets.

Each case below is a notebook whose value answer (``magic_number``, 42) is computed by cells the
static slicer of turn 2 got wrong or could not run, and by display code a kernel runs for real
(matplotlib) or answers with a front end (display, widgets, magics). Every one must get full marks;
the student-style corpus (``tests/corpus/students.py``) does the same on the real notebooks.
"""

from __future__ import annotations

import pytest
from hostile import kit  # noqa: E402

from course_lib.grading.autograde import batch
from course_lib.grading.autograde.limits import Limits

LIMITS = Limits(cell_timeout=3, timeout=40)

# name -> cells placed before the answer, and the answer cell (magic_number = ... reading them)
PATTERNS = {
    "a_helper_fills_its_argument": (["def _fill(table):\n    for i in range(len(table)):\n        table[i] = 14.0\n",
                                     "table = [0.0, 0.0, 0.0]\n", "_fill(table)\n"],
                                    "magic_number = sum(table)\n"),
    "maximum_with_out_in_its_own_cell": (["m = np.array([-5.0, 42.0])\n", "np.maximum(m, 0, out=m)\n"],
                                         "magic_number = float(m.sum())\n"),
    "append_and_assign_on_one_line": (["a = []\n", "a.append(21.0); b = 2 * len(a)\n"],
                                      "magic_number = a[0] * b\n"),
    "a_decorated_helper": (["REGISTRY = {}\ndef register(f):\n    REGISTRY[f.__name__] = f\n    return f\n",
                            "@register\ndef _half(x):\n    return x / 2\n@np.vectorize\ndef _twice(x):\n"
                            "    return 2 * x\n"],
                           "magic_number = float(_twice(REGISTRY['_half'](42.0)))\n"),
    "the_last_expression_is_underscore": (["6 * 7\n"], "magic_number = _\n"),
    "a_cell_that_raises_keeps_what_ran_before": (["a = 42.0\n1 / 0\na = 0.0\n"], "magic_number = a\n"),
    "an_interrupted_cell_keeps_its_namespace": (["count = 0\nwhile True:\n    count = 42\n"],
                                                "magic_number = float(count)\n"),
    "matplotlib_for_real": (["import matplotlib.pyplot as plt\nfig, (left, right) = plt.subplots(1, 2)\n"
                             "bars = left.bar([0, 1, 2], [3, 1, 2])\nbars[1].set_color('red')\n"
                             "line, = right.plot([1, 2, 3])\n"
                             "counts, edges, patches = right.hist([1, 2, 2, 3], bins=3)\n"
                             "plt.show()\n"],
                            "magic_number = 10.5 * float(counts.sum()) * len(bars) / 3\n"),
    "tqdm_iterated": (["from tqdm.auto import tqdm, trange\ntotal = 0\nfor k in tqdm(range(7)):\n    total += k\n"
                       "for k in trange(3):\n    total += 7\n"],
                      "magic_number = float(total)\n"),
    "interact_display_and_widgets": (["from ipywidgets import interact, interactive, interact_manual, FloatSlider\n"
                                      "from IPython.display import display, HTML, clear_output\n"
                                      "seen = []\ndef show(k=(0, 10), w=(0.0, 1.0), name=['a', 'b']):\n"
                                      "    seen.append((k, w, name))\ninteract(show)\n"
                                      "@interact(scale=FloatSlider(value=2.0, min=0, max=4))\n"
                                      "def scaled(scale):\n    seen.append(scale)\n"
                                      "box = interactive(lambda x: x * 3, x=(0, 8))\n"
                                      "interact_manual(lambda: seen.append('pressed'))\n"
                                      "display(HTML('<b>done</b>'))\nclear_output()\n"],
                                     "magic_number = float(seen[0][0] * 8 + seen[1] * box.result / 12 "
                                     "+ (seen[0][1:] != (0.5, 'a')) * 100 + (len(seen) - 2) * 100)\n"),
    "magics": (["%matplotlib inline\n%load_ext autoreload\nfiles = !ls\n!echo hello\n%time forty = 40\n"
                "%timeit scratch = 1\n", "%%capture out\nprint('hidden')\ntwo = 2\n"],
               "magic_number = forty + two + len(files) * 0 + ('scratch' in globals()) * 100\n"),
    "sklearn_and_friends_are_inert": (["from sklearn.linear_model import LogisticRegression\n"
                                       "from threadpoolctl import threadpool_limits\n"
                                       "with threadpool_limits(1):\n    model = LogisticRegression().fit([[0]], [0])\n"
                                       "print(f'{model.score([[0]], [0]):.3f}')\nafter = 42.0\n"],
                                      "magic_number = after\n"),
}


def _notebook(before: list, answer: str) -> list:
    cells = kit.good_cells({"magic_number": answer})
    at = next(k for k, c in enumerate(cells) if c["source"] == answer)
    return cells[:at] + [kit.code(source) for source in before] + cells[at:]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notebook_run")
    for name, (before, answer) in PATTERNS.items():
        (folder / f"{name}.ipynb").write_bytes(kit.notebook(_notebook(before, answer)))
    with kit.registered():
        return dict(batch.grade_batch([folder], folder / "out", LIMITS, jobs=2, progress=False))


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_a_notebook_run_top_to_bottom_gets_the_kernels_values(graded, name):
    result = graded[name]
    assert result.status == "ok", result.message
    assert result.score == kit.TOTAL, [(ex.id, ex.status, ex.message) for ex in result.exercises]
