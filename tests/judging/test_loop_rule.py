"""What an answer runs, measured while it runs (issue 22): the loop-free rule and forbidden functions.

These run :mod:`course_lib.grading.judging.conduct` in this process, as ``check()`` does; the grader's
worker calls the same functions in its sandbox (``tests/hostile/attacks.py``'s loop cheats run there, as
root and as an ordinary user, and the student-style corpus compares both sides).
"""

from __future__ import annotations

import inspect
import linecache
import threading

import numpy as np
import pytest

import course_lib as cl
from course_lib.grading.judging import conduct

SMALL, LARGE = (np.arange(15.0).reshape(5, 3),), (np.arange(650.0).reshape(50, 13),)


def _function(source: str, name: str = "f", **names):
    """``name`` as ``source`` defines it (registered in linecache, as a notebook cell is)."""
    filename = f"<cell {abs(hash(source)) % 1000}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"np": np, "cl": cl, **names}
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


LOOPS = {
    "for": ("def f(X):\n    out = []\n    for r in X:\n        out.append(r.sum())\n    return np.array(out)\n",
            "a for loop"),
    "while": ("def f(X):\n    k, out = 0, []\n    while k < len(X):\n        out.append(X[k].sum())\n        k += 1\n"
              "    return np.array(out)\n", "a while loop"),
    "comprehension": ("def f(X):\n    return np.array([r.sum() for r in X])\n", "a list comprehension"),
    "generator": ("def f(X):\n    return np.fromiter((r.sum() for r in X), float)\n", "a generator expression"),
    "recursion": ("def f(X):\n    return np.zeros(0) if len(X) == 0 else np.concatenate([[X[0].sum()], f(X[1:])])\n",
                  "recursion"),
    "map_lambda": ("def f(X):\n    return np.array(list(map(lambda r: r.sum(), X)))\n", "map"),
    "apply_along_axis": ("def f(X):\n    return np.apply_along_axis(lambda r: r.sum(), 1, X)\n", "np.apply_along_axis"),
    "vectorize": ("g = np.vectorize(lambda v: v * 2.0)\ndef f(X):\n    return g(X).sum(axis=1) / 2\n", "np.vectorize"),
    "exec": ("def f(X):\n    scope = {'X': X, 'np': np}\n"
             "    exec('out = []\\nfor r in X:\\n    out.append(r.sum())', scope)\n"
             "    return np.array(scope['out'])\n", "exec"),
    "sorted_key": ("def f(X):\n    out = []\n    sorted(range(len(X)), key=lambda i: out.append(X[i].sum()) or i)\n"
                   "    return np.array(out)\n", "sorted"),
    "statistics": ("import statistics\ndef f(X):\n    return np.array([statistics.fmean(X[:, 0])] * 0 + "
                   "[statistics.fmean(r) for r in X])\n", "comprehension"),
}


@pytest.mark.parametrize("name", sorted(LOOPS))
def test_a_python_loop_over_the_input_grows_with_it(name):
    source, words = LOOPS[name]
    measure = conduct.measure_loops(_function(source), SMALL, LARGE)
    assert measure.loops and not measure.problem, measure
    assert measure.counts[1] - measure.counts[0] >= 45  # 45 more rows: well past the threshold
    assert words in measure.what, measure.what


WHOLE_ARRAY = {
    "sum": "def f(X):\n    return X.sum(axis=1)\n",
    "reduce": "def f(X):\n    return np.add.reduce(X, axis=1)\n",
    "logaddexp": "def f(X):\n    return np.logaddexp.reduce(X, axis=1)\n",
    "broadcasting": "def f(X):\n    return ((X - X.mean(axis=0, keepdims=True)) ** 2).sum(axis=1)\n",
    "einsum_where_take": ("def f(X):\n    idx = np.argmax(X, axis=1)\n"
                          "    top = np.take_along_axis(X, idx[:, None], axis=1)[:, 0]\n"
                          "    return np.where(top > 0, np.einsum('ij,ij->i', X, X), 0.0)\n"),
    "choose_over_columns": ("def f(X):\n    return np.choose(np.arange(len(X)) % X.shape[1], X.T)\n"),  # numpy's
    # dispatcher resumes once per column: numpy's own listing of its arguments, not the answer's loop
    "a_fixed_loop": ("def f(X):\n    total = 0\n    for k in range(3):\n        total = total + X.sum(axis=1)\n"
                     "    return total\n"),
}


@pytest.mark.parametrize("name", sorted(WHOLE_ARRAY))
def test_whole_array_numpy_counts_the_same_at_both_sizes(name):
    measure = conduct.measure_loops(_function(WHOLE_ARRAY[name]), SMALL, LARGE)
    assert not measure.loops and measure.counts[0] == measure.counts[1], measure


def test_what_the_rule_cannot_see_a_c_function_mapped_over_rows():
    """Said in the README: no Python frame runs per row, so nothing grows."""
    measure = conduct.measure_loops(_function("def f(X):\n    return np.array(list(map(max, X)))\n"), SMALL, LARGE)
    assert not measure.loops


@pytest.mark.parametrize("trick, problem", [
    ("import sys\ndef f(X):\n    sys.settrace(None)\n    return np.array([r.sum() for r in X])\n", "switched"),
    ("import ctypes\ndef f(X):\n    ctypes.CDLL(None).getpid()\n    return X.sum(axis=1)\n", "ctypes"),
    ("import gc\ndef f(X):\n    gc.get_objects()\n    return X.sum(axis=1)\n", "gc.get_objects"),
])
def test_switching_the_measurement_off_makes_the_answer_unmeasurable(trick, problem):
    measure = conduct.measure_loops(_function(trick), SMALL, LARGE)
    assert measure.loops and problem in measure.problem, measure


def test_a_thread_running_python_code_makes_the_answer_unmeasurable():
    import queue

    jobs, done = queue.Queue(), queue.Queue()
    namespace = {"np": np, "jobs": jobs, "done": done}
    # defined in a notebook cell (the filename a grader's or a kernel's cell has), started by an earlier cell
    exec(compile("def worker():\n    while True:\n        rows = jobs.get()\n        if rows is None:\n"
                 "            return\n        done.put(np.array([r.sum() for r in rows]))\n", "<cell 3>", "exec"),
         namespace)
    worker = namespace["worker"]

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        answer = _function("def f(X):\n    jobs.put(X)\n    return done.get()\n", jobs=jobs, done=done)
        measure = conduct.measure_loops(answer, SMALL, LARGE)
    finally:
        jobs.put(None)
        thread.join(5)
    assert measure.loops and "thread" in measure.problem, measure


def test_an_answer_raising_on_the_measurement_input_says_so():
    measure = conduct.measure_loops(_function("def f(X):\n    raise ValueError('no')\n"), SMALL, LARGE)
    assert measure.loops and measure.raised and "ValueError" in measure.problem


# --- forbidden functions, by the code that runs ------------------------------------------------------

def _seen(watch, answer, *args):
    with watch.watching(args) as seen:
        try:
            answer(*args)
        except NameError:  # a copied code object runs with the student's globals: it may fail after it ran
            pass
    return list(seen)


@pytest.mark.parametrize("source", [
    "def f(W):\n    return cl.l2_penalty(W)\n",
    "def f(W):\n    return getattr(cl, 'l2_' + 'pen' + 'alty')(W)\n",
    "alias = cl.l2_penalty\ndef f(W):\n    return alias(W)\n",
    "def mine(W):\n    return 0.0\nmine.__code__ = cl.l2_penalty.__code__\ndef f(W):\n    return mine(W)\n",
    "def f(W):\n    return cl.penalty(W, 'l2')\n",  # reaches l2_penalty through a function it dispatches to
])
def test_a_forbidden_function_is_seen_whatever_name_reaches_it(source):
    watch = conduct.Watch(("l2_penalty",))
    assert _seen(watch, _function(source), np.ones((2, 2))) == ["l2_penalty"]


def test_a_copy_of_a_forbidden_functions_source_is_seen():
    import course_lib.regularization as regularization

    source = inspect.getsource(regularization.l2_penalty)
    copied = _function(source, "l2_penalty", as_float_array=regularization.as_float_array, _l2=regularization._l2)
    watch = conduct.Watch(("l2_penalty",))
    assert _seen(watch, copied, np.ones((2, 2))) == ["l2_penalty"]


def test_calls_inside_a_trusted_fixture_are_not_the_answers():
    def fixture(W):  # stands for an exercise's fixture that happens to use a forbidden function
        return cl.l2_penalty(W)

    watch = conduct.Watch(("l2_penalty",))
    answer = _function("def f(g, W):\n    return g(W)\n")
    assert _seen(watch, answer, fixture, np.ones((2, 2))) == []
    assert _seen(watch, _function("def f(g, W):\n    g(W)\n    return cl.l2_penalty(W)\n"), fixture,
                 np.ones((2, 2))) == ["l2_penalty"]


def test_a_thread_running_installed_code_only_does_not_disturb_the_measurement():
    """A kernel's own threads (heartbeat, IOPub, history) run installed code: a correct answer stays measurable."""
    stop = threading.Event()
    library_thread = threading.Thread(target=stop.wait, daemon=True)  # threading.py all the way down
    library_thread.start()
    try:
        measure = conduct.measure_loops(_function("def f(X):\n    return X.sum(axis=1)\n"), SMALL, LARGE)
    finally:
        stop.set()
        library_thread.join(5)
    assert not measure.loops and not measure.problem, measure
