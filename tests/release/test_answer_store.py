"""An answer counts when its check passes (issue 19): the answers store, and how ``cl.mine`` chooses.

Written the way a student triggers them: a kernel (nbclient) runs cells of a graded release's notebook
in memory (checked, not saved: the file on disk stays as the release wrote it), then another process,
or the next notebook in a fresh kernel, asks for the answer. Scenarios on the store file itself (tampered,
stale, failing) run in a subprocess that imports the release's own course_lib.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import pytest
from notebook_run import ipc_kernel
from notebook_run import run as run_notebook
from test_graded_release import fill_in, run_released, solutions

from course_lib import answer_store
from course_lib.grading.exercises import bank
from course_lib.grading.release.build import release as make_release

SVM = "svm_vectorized"
NB03 = "03_multiclass_svm"
SETUP = "import numpy as np\nimport course_lib as cl\nfrom course_lib.grading import check\n"
LOOPED = '''import numpy as np

def svm_loss_vectorized(W, X, y):
    scores = X @ W
    n = scores.shape[0]
    loss, d = 0.0, np.zeros_like(scores)
    for i in range(n):
        for j in range(scores.shape[1]):
            if j != y[i] and scores[i, j] - scores[i, y[i]] + 1 > 0:
                loss += scores[i, j] - scores[i, y[i]] + 1
                d[i, j] += 1
                d[i, y[i]] -= 1
    return loss / n, X.T @ d / n
'''


@pytest.fixture()
def copy(tmp_path):
    out = tmp_path / "student"
    make_release(out)
    return out


def execute_cells(out: Path, sources: list) -> list:
    """Run ``sources`` as cells of an unsaved notebook in a fresh kernel of the copy ``out``; their outputs' text."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    env = {**os.environ, "PYTHONPATH": str(out), "COURSE_LIB_NOTEBOOKS": str(out / "notebooks")}
    env.pop("COURSE_LIB_SANDBOX", None)
    with ipc_kernel() as km:
        NotebookClient(nb, km=km, timeout=120, resources={"metadata": {"path": str(out / "notebooks")}}
                       ).execute(env=env)
    return ["".join(o.get("text", "") + "".join(o.get("data", {}).get("text/plain", "")) for o in c.outputs)
            for c in nb.cells]


def which(out: Path, exercise_id: str = SVM) -> dict:
    """``cl.which(exercise_id)`` in a fresh process of the copy: origin and note."""
    done = run_released(out, f"""
        import json
        from course_lib.answers import which
        found = which({exercise_id!r})
        print(json.dumps({{"origin": found.origin, "note": found.note, "callable": callable(found.answer)}}))
        """)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def svm_solution() -> str:
    return solutions(NB03)[SVM]


# --- checked, not saved -----------------------------------------------------------------------------------

def test_an_answer_checked_but_not_saved_is_used_by_the_next_notebook(copy):
    saved = (copy / "notebooks" / f"{NB03}.ipynb").read_bytes()
    assert "never checked" in which(copy)["note"]
    outputs = execute_cells(copy, [SETUP, svm_solution(), f'check("{SVM}", svm_loss_vectorized)'])
    assert f"✓ {SVM}: 3 of 3" in outputs[2], outputs[2]
    assert "cells that need this answer (here and in later notebooks) use it from now on" in outputs[2]
    assert "save the notebook too" in outputs[2]
    assert (copy / "notebooks" / f"{NB03}.ipynb").read_bytes() == saved  # not saved
    found = which(copy)
    assert found["origin"] == "checked" and found["callable"] and "checked at" in found["note"], found
    # a kernel that uses it is reminded once that the saved notebook does not hold it
    outputs = execute_cells(copy, [SETUP, f'f = cl.mine("{SVM}")', f'g = cl.mine("{SVM}")'])
    assert "checked at" in outputs[1] and "save that notebook too" in outputs[1], outputs[1]
    assert outputs[2] == "", outputs[2]
    # the next notebook, in a fresh kernel: no cell waits on the answer checked in 03
    result = run_notebook(copy / "notebooks" / "04_regularization.ipynb", copy)
    waits = [f for found in result["cells"].values() for f in found if SVM in f.get("ids", [])]
    assert waits == [], waits


def test_the_store_keeps_helpers_and_constants_from_other_cells_and_nothing_else(copy):
    helper = ("MARGIN = 1.0\n\n\ndef _violations(scores, y):\n"
              "    rows = np.arange(len(y))\n"
              "    v = np.maximum(0.0, scores - scores[rows, y][:, None] + MARGIN)\n"
              "    v[rows, y] = 0.0\n    return v\n")
    answer = ("def svm_loss_vectorized(W, X, y):\n    v = _violations(X @ W, y)\n    rows = np.arange(len(y))\n"
              "    d = (v > 0).astype(float)\n    d[rows, y] = -d.sum(axis=1)\n"
              "    return v.sum() / len(y), X.T @ d / len(y)\n")
    scratch = "print(svm_loss_vectorized(np.eye(3), np.eye(3), np.arange(3))[0])\nMARGIN_PLOT = 3"
    rerun = answer  # the answer cell run twice: one definition is kept
    outputs = execute_cells(copy, [SETUP, helper, answer, scratch, rerun, f'check("{SVM}", svm_loss_vectorized)'])
    assert f"✓ {SVM}" in outputs[-1], outputs[-1]
    entry = json.loads(answer_store.entry_path(copy / "notebooks", SVM).read_text())
    sources = [s["source"] for s in entry["statements"]]
    assert sources == ["import numpy as np", "MARGIN = 1.0", helper.split("\n\n\n")[1].strip(), answer.strip()]
    assert entry["answer"] == "svm_loss_vectorized" and entry["notebook"] == f"{NB03}.ipynb"
    assert entry["exercise"] == SVM and entry["public_tests"] == 3 and len(entry["sha256"]) == 64
    assert which(copy)["origin"] == "checked"


def test_a_failing_check_removes_nothing(copy):
    wrong = svm_solution().replace("/ n", "/ (2 * n)")
    outputs = execute_cells(copy, [SETUP, svm_solution(), f'check("{SVM}", svm_loss_vectorized)'])
    path = answer_store.entry_path(copy / "notebooks", SVM)
    before = path.read_bytes()
    outputs = execute_cells(copy, [SETUP, wrong, f'check("{SVM}", svm_loss_vectorized)'])
    assert f"✗ {SVM}" in outputs[-1] and "later notebooks" not in outputs[-1]
    assert path.read_bytes() == before
    assert which(copy)["origin"] == "checked"


def test_a_looping_answer_is_not_recorded_and_its_line_never_reads_as_done(copy):
    outputs = execute_cells(copy, [SETUP, LOOPED, f'check("{SVM}", svm_loss_vectorized)'])
    assert f"✗ {SVM}: 3 of 3" in outputs[-1], outputs[-1]  # the check itself: every case passes, the loop fails
    assert not answer_store.entry_path(copy / "notebooks", SVM).exists()
    fill_in(copy, NB03, {SVM: LOOPED})
    note = which(copy)["note"]
    assert "breaks the loop rule" in note and "a for loop" in note and "3 of 3" not in note, note
    assert note.index("loop rule") < note.index("public tests pass"), note
    assert "fix it, run its check cell" in note and "save the notebook" in note


# --- which answer mine() uses: the rules -----------------------------------------------------------------

RECORD = r"""
import sys, json
from pathlib import Path
import numpy as np
from course_lib import answer_store
from course_lib.grading.exercises import bank
exercise = bank.get({exercise_id!r})
namespace = {{}}
exec(compile({source!r}, "answer", "exec"), namespace)
history = [("input [1]", "import numpy as np"), ("input [2]", {source!r})]
path = answer_store.record(exercise, namespace[exercise.answer], history, Path("."))
print(path)
"""


def record(out: Path, source: str, exercise_id: str = SVM) -> Path:
    """Write a store entry as check() would (the kernel's history: one cell holding ``source``)."""
    done = run_released(out, RECORD.format(exercise_id=exercise_id, source=source))
    assert done.returncode == 0, done.stderr
    return out / "notebooks" / done.stdout.strip()


def set_times(path: Path, seconds_ago: float) -> None:
    stamp = time.time_ns() - int(seconds_ago * 1e9)
    os.utime(path, ns=(stamp, stamp))


def rewrite(entry: Path, change, rehash: bool) -> None:
    data = json.loads(entry.read_text())
    data.pop("sha256")
    change(data)
    if rehash:
        data["sha256"] = answer_store._digest(data)
    else:
        data["sha256"] = json.loads(entry.read_text())["sha256"]
    entry.write_text(json.dumps(data))


def test_the_newer_of_two_passing_answers_wins(copy):
    notebook = copy / "notebooks" / f"{NB03}.ipynb"
    fill_in(copy, NB03)
    entry = record(copy, svm_solution().replace("return", "return  ", 1))  # an edit the notebook does not hold
    set_times(notebook, 60)  # saved a minute before the check
    assert which(copy)["origin"] == "checked"
    fill_in(copy, NB03)  # saved again after the check: the saved answer is newer
    assert which(copy)["origin"] == "saved"
    assert entry.exists()  # kept: a later check or a broken save may need it


def test_the_same_code_checked_after_a_save_is_the_saved_answer_and_asks_for_no_save(copy):
    """Run All on a saved, unchanged notebook records its answers after the file's last save: nothing to save."""
    notebook = copy / "notebooks" / f"{NB03}.ipynb"
    fill_in(copy, NB03)
    record(copy, svm_solution())
    set_times(notebook, 60)  # saved a minute before the check, the same code
    found = which(copy)
    assert found["origin"] == "saved" and "newer than the saved" not in found["note"], found


def test_a_passing_check_outlives_a_broken_save(copy):
    record(copy, svm_solution())
    wrong = svm_solution().replace("/ n", "/ (2 * n)")
    fill_in(copy, NB03, {SVM: wrong})  # saved after the check, and failing
    found = which(copy)
    assert found["origin"] == "checked", found
    assert "passes 0 of 3" in found["note"], found["note"]  # and it says why the saved one is not used


def test_a_tampered_entry_is_ignored_and_named(copy):
    blank = (copy / "notebooks" / f"{NB03}.ipynb").read_bytes()
    entry = record(copy, svm_solution())
    fill_in(copy, NB03)
    set_times(copy / "notebooks" / f"{NB03}.ipynb", 60)  # the entry is the newer one
    rewrite(entry, lambda d: d["statements"][-1].update(source=d["statements"][-1]["source"].replace("/ n", "/ 3")),
            rehash=False)
    assert which(copy)["origin"] == "saved"  # never beats a passing saved answer
    (copy / "notebooks" / f"{NB03}.ipynb").write_bytes(blank)
    found = which(copy)
    assert found["origin"] == "missing" and "changed outside check()" in found["note"], found


def test_an_entry_that_fails_on_its_own_is_ignored_even_with_a_valid_digest(copy):
    blank = (copy / "notebooks" / f"{NB03}.ipynb").read_bytes()
    entry = record(copy, svm_solution())
    rewrite(entry, lambda d: d["statements"][-1].update(source=d["statements"][-1]["source"].replace("/ n", "/ 3")),
            rehash=True)
    fill_in(copy, NB03)
    set_times(copy / "notebooks" / f"{NB03}.ipynb", 60)
    assert which(copy)["origin"] == "saved"
    (copy / "notebooks" / f"{NB03}.ipynb").write_bytes(blank)
    note = which(copy)["note"]
    assert "fails when run on its own" in note, note


# --- the one line when nothing is usable -------------------------------------------------------------------

def test_each_reason_is_one_line_naming_the_exercise_and_what_to_do(copy):
    notebook = copy / "notebooks" / f"{NB03}.ipynb"
    cases = []
    note = which(copy)["note"]
    cases.append(("never checked", note, ["not written in the saved", "never checked", "run its check cell",
                                          "save the notebook"]))
    fill_in(copy, NB03, {SVM: svm_solution().replace("/ n", "/ (2 * n)")})
    cases.append(("fails", which(copy)["note"], ["its check passes 0 of 3 public tests: it fails “the lecture's "
                                                 "three images", "” and 2 more (the answer in the saved",
                                                 "run its check cell"]))
    fill_in(copy, NB03, {SVM: "def svm_loss_vectorized(W, X, y):\n    return W[len(y) + 5], W\n"})
    cases.append(("raises", which(copy)["note"], ["raises IndexError", "run its check cell"]))
    fill_in(copy, NB03, {SVM: "def svm_loss_vectorized(W, X, y):\n    loss = 0.0\n      return loss, W\n"})
    cases.append(("syntax", which(copy)["note"], ["does not run: IndentationError on line 3", "fix it"]))
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != SVM]
    nbformat.write(nb, notebook)
    cases.append(("no cell", which(copy)["note"], ["answer cell was not found", "run its check cell"]))
    notebook.unlink()
    cases.append(("no notebook", which(copy)["note"], ["not found: there is no 03_multiclass_svm.ipynb"]))
    for label, note, phrases in cases:
        assert "\n" not in note and note.startswith(f"exercise `{SVM}` ({NB03}.ipynb, `svm_loss_vectorized`): "), \
            (label, note)
        for phrase in phrases:
            assert phrase in note, (label, phrase, note)


# --- where nothing is recorded ------------------------------------------------------------------------------

def test_the_instructors_copy_and_the_sandbox_record_nothing(tmp_path, monkeypatch, capsys):
    from course_lib.answers import record_checked
    from course_lib.grading import check

    exercise = bank.get(SVM)
    monkeypatch.chdir(tmp_path)
    assert record_checked(exercise, exercise.reference, [("input [1]", "def f(): pass")]) == ""
    check(SVM, exercise.reference)
    assert "later notebooks" not in capsys.readouterr().out
    assert not list(tmp_path.rglob("*.json"))


def test_in_the_sandbox_nothing_is_recorded(copy):
    done = run_released(copy, f"""
        from course_lib.answers import record_checked
        from course_lib.grading.exercises import bank
        exercise = bank.get({SVM!r})
        print(repr(record_checked(exercise, print, [("input [1]", "def svm_loss_vectorized(s, y): pass")])))
        """, env={"COURSE_LIB_SANDBOX": "1"})
    assert done.returncode == 0 and done.stdout.strip() == "''", done.stderr
    assert not (copy / "notebooks" / answer_store.FOLDER).exists()


def test_a_passed_value_exercise_is_not_kept_but_reminds_to_save(copy):
    done = run_released(copy, """
        from course_lib.answers import record_checked
        from course_lib.grading.exercises import bank
        exercise = bank.get("cat_hinge_loss")
        print(repr(record_checked(exercise, 2.9, [("input [1]", "cat_hinge_loss = 2.9")])))
        """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr("  save the notebook: the autograder grades the saved .ipynb")
    assert not (copy / "notebooks" / answer_store.FOLDER).exists()


def test_an_open_release_records_the_answers_its_library_does_not_have(tmp_path):
    out = tmp_path / "open"
    make_release(out, mode="open")
    stopping = solutions("11_capstone_digits")["early_stopping"]
    outputs = execute_cells(out, [SETUP, stopping, 'check("early_stopping", early_stopping)'])
    assert "cells that need this answer (here and in later notebooks) use it from now on" in outputs[-1], outputs[-1]
    assert which(out, "early_stopping")["origin"] == "checked"
    assert which(out, SVM)["origin"] == "library"


def test_read_refuses_damaged_foreign_and_oversized_files(tmp_path):
    path = answer_store.entry_path(tmp_path, SVM)
    path.parent.mkdir()
    assert answer_store.read(path, SVM) == (None, "")
    path.write_text("{not json")
    assert "damaged" in answer_store.read(path, SVM)[1]
    path.write_text(json.dumps({"format": 1, "exercise": "other"}))
    assert "not a recorded answer of this exercise" in answer_store.read(path, SVM)[1]
    path.write_text(" " * (answer_store.MAX_BYTES + 1))
    assert "too large" in answer_store.read(path, SVM)[1]


def test_a_replaced_definition_is_dropped_only_when_nothing_used_it():
    history = [("input [1]", "import numpy as np"),
               ("input [2]", "def f(x):\n    return x"),
               ("input [3]", "K = f(2)"),              # uses the first f: both stay
               ("input [4]", "def f(x):\n    return x + K"),
               ("input [5]", "def f(x):\n    return x + K + 1")]  # replaces the second before any use
    kept = [source for _, source in answer_store.needed_statements(history, "f")]
    assert kept == ["def f(x):\n    return x", "K = f(2)", "def f(x):\n    return x + K + 1"]
    assert answer_store.needed_statements(history, "g") == []
