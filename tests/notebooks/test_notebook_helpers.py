"""course_lib.notebook_helpers.needs_answer: an unsolved answer skips the block with one line; nothing else hides."""

import subprocess
import sys

import numpy as np
import pytest
from corpus.students import VECTORIZED_SELF_CONTAINED

from course_lib import AnswerMissing
from course_lib.notebook_helpers import needs_answer


def unsolved(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("error, named", [(NotImplementedError(), "`objective`"),
                                          (AnswerMissing("solve svm_vectorized first"), "svm_vectorized")])
def test_an_unsolved_answer_stops_the_block_with_one_line_on_stdout(error, named, capsys):
    ran = []
    with needs_answer("objective") as guard:
        ran.append("before")
        raise error
    assert guard.skipped and ran == ["before"]
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 1 and named in out


def test_a_solved_answer_runs_through_and_other_errors_still_raise(capsys):
    with needs_answer("objective") as guard:
        value = 1 + 1
    assert value == 2 and not guard.skipped
    with pytest.raises(ZeroDivisionError):
        with needs_answer("objective"):
            _ = 1 / 0
    assert capsys.readouterr().out == ""


def test_a_claim_failing_with_a_students_answer_is_one_line_in_a_student_copy_and_raises_here(capsys, monkeypatch):
    """In the course repository a failing assert raises (CI must see a claim the solutions break); in a
    student's copy it is the student's answer that is wrong: one line naming the exercise, the notebook goes on."""
    from course_lib import notebook_helpers

    with pytest.raises(AssertionError):
        with needs_answer("best_constant"):
            assert 1 + 1 == 3
    assert capsys.readouterr().out == ""
    monkeypatch.setattr(notebook_helpers, "release_mode", lambda: "graded")
    with needs_answer("best_constant") as guard:
        assert 1 + 1 == 3
    out = capsys.readouterr().out
    assert guard.skipped and guard.waits_on == ("best_constant",)
    assert out.startswith("(skipped:") and out.count("\n") == 1 and "exercise `best_constant`" in out, out
    with pytest.raises(AssertionError):  # without an exercise to blame, an assert is the notebook's own
        with needs_answer():
            assert 1 + 1 == 3


def test_an_answer_this_kernel_has_not_defined_is_one_line_saying_to_run_its_cell(capsys, monkeypatch):
    """After a kernel restart the answer cell has not run: the block says so, naming the exercise; any other
    undefined name is still an error."""
    from course_lib import notebook_helpers

    monkeypatch.setattr(notebook_helpers, "_skipped_so_far", ())  # restored after the test
    with needs_answer("svm_vectorized") as guard:
        svm_loss_vectorized(None, None, None)  # noqa: F821 (the point: this kernel has not defined it)
    out = capsys.readouterr().out
    assert guard.skipped and guard.waits_on == ("svm_vectorized",)
    assert out.startswith("(skipped:") and "`svm_loss_vectorized`" in out and "run its answer cell" in out, out
    notebook_helpers._skipped_so_far = ()  # (no skipped cell above could explain it)
    with pytest.raises(NameError):
        with needs_answer("svm_vectorized"):
            not_an_answer_name  # noqa: B018, F821


def test_without_ids_the_note_is_the_missing_answer_s_own_message(capsys):
    with needs_answer():
        raise AnswerMissing("solve exercise 'svm_vectorized' in 03_multiclass_svm.ipynb first")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "svm_vectorized" in out and "03_multiclass_svm" in out
    with needs_answer():
        raise NotImplementedError()
    assert "an exercise above" in capsys.readouterr().out


def test_exercise_ids_must_be_strings():
    with pytest.raises(ValueError, match="exercise_ids"):
        needs_answer("")


def test_a_name_a_skipped_block_would_have_made_skips_the_next_block_naming_its_exercise(capsys, monkeypatch):
    from course_lib import notebook_helpers

    monkeypatch.setattr(notebook_helpers, "_skipped_so_far", ())
    with pytest.raises(NameError):          # nothing skipped yet: a NameError is a real error
        with needs_answer():
            undefined_result  # noqa: F821, B018
    with needs_answer():
        raise AnswerMissing("exercise `svm_vectorized` (03_multiclass_svm.ipynb, `svm_loss_vectorized`): not written")
    with needs_answer() as later:
        undefined_result  # noqa: F821, B018
    out = capsys.readouterr().out.splitlines()[-1]
    assert later.skipped and later.waits_on == ("svm_vectorized",)
    assert out.startswith("(skipped: this cell uses the results of a skipped cell above") and \
        "exercise `svm_vectorized`" in out


def test_a_stub_that_raises_is_named_by_its_exercise_from_the_traceback(capsys):
    def svm_loss_vectorized(scores, y):  # the release's blank answer: the name is the bank's
        raise NotImplementedError()

    def experiment():
        return svm_loss_vectorized(None, None)

    with needs_answer() as guard:
        experiment()
    out = capsys.readouterr().out
    assert guard.waits_on == ("svm_vectorized",)
    assert out.startswith("(skipped: this cell runs your `svm_loss_vectorized` (exercise `svm_vectorized`, "
                          "03_multiclass_svm.ipynb), which is still the stub; write it and run its check cell")
    with needs_answer("softmax_vectorized", "svm_vectorized") as guard:  # of several ids, the one that raised
        experiment()
    assert guard.waits_on == ("svm_vectorized",) and "exercise `softmax_vectorized`" not in capsys.readouterr().out


def test_every_skip_line_starts_the_same_and_names_its_exercises(capsys):
    from course_lib.notebook_helpers import SKIPPED

    for error in (NotImplementedError(), AnswerMissing("exercise `adam_step` (10_update_rules.ipynb, `adam_step`): x")):
        with needs_answer("adam_step"):
            raise error
        out = capsys.readouterr().out
        assert out.startswith(SKIPPED) and "exercise `adam_step`" in out and out.count("\n") == 1


def test_a_missing_result_names_only_the_exercise_of_the_skipped_cell_that_assigns_it(tmp_path):
    # three cells in a real IPython shell: two skipped experiments, then one that uses the second's result
    script = tmp_path / "cells.py"
    script.write_text(r'''
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
cells = [
    "from course_lib.notebook_helpers import needs_answer\nfrom course_lib import AnswerMissing",
    "with needs_answer():\n    curve = 1\n"
    "    raise AnswerMissing('exercise `early_stopping` (11_capstone_digits.ipynb): not written')",
    "with needs_answer():\n    raise AnswerMissing('exercise `grid_search` (11_capstone_digits.ipynb): not written')\n"
    "    best, val_acc = 1, 2",
    "with needs_answer():\n    print(val_acc)",
    "with needs_answer():\n    print(never_assigned)",
]
for cell in cells:
    shell.run_cell(cell, store_history=True)
''')
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("(skipped:")]
    assert len(lines) == 4, done.stdout + done.stderr
    assert "exercise `grid_search`" in lines[2] and "early_stopping" not in lines[2], lines[2]
    assert "exercise `early_stopping`, exercise `grid_search`" in lines[3], lines[3]  # no skipped cell assigned it


def test_a_reveal_waits_for_the_commitment_and_then_runs(capsys):
    from course_lib.notebook_helpers import committed

    svm_predictions, shown = None, []
    with needs_answer("svm_predictions") as guard:
        committed(svm_predictions)
        shown.append("the answers")
    line = capsys.readouterr().out
    assert guard.skipped and shown == [] and guard.waits_on == ("svm_predictions",)
    assert line.startswith("(skipped: this cell reveals the answers to exercise `svm_predictions`: commit")
    svm_predictions = (0.0, True)
    with needs_answer("svm_predictions") as guard:
        committed(svm_predictions)
        shown.append("the answers")
    assert not guard.skipped and shown == ["the answers"] and capsys.readouterr().out == ""


# --- why an earlier answer is not used: mine()'s note and the skip line say exactly why (issue 24) ------------

SVM, NB03 = "svm_vectorized", "03_multiclass_svm"
RIGHT = VECTORIZED_SELF_CONTAINED  # a right answer cell, as a student leaves it
LOOPED = '''import numpy as np

def svm_loss_vectorized(W, X, y):
    scores = X @ W
    loss, d = 0.0, np.zeros_like(scores)
    for i in range(len(y)):
        for j in range(scores.shape[1]):
            if j != y[i] and scores[i, j] - scores[i, y[i]] + 1 > 0:
                loss += scores[i, j] - scores[i, y[i]] + 1
                d[i, j] += 1
                d[i, y[i]] -= 1
    return loss / len(y), X.T @ d / len(y)
'''
# (the answer cell's source, or None to drop the cell, or "" for no notebook) -> what the note and the line say
REASONS = {
    "the loop rule": (LOOPED, ["breaks the loop rule", "a for loop", "though its 3 public tests pass"]),
    "a failing case": (RIGHT.replace("X.T @ active / len(y)", "X.T @ active / (2 * len(y))"),
                       ["its check passes 0 of 3 public tests: it fails “the lecture's three images", "and 2 more"]),
    "one failing case": (RIGHT.replace("active = (margins > 0).astype(float)",  # a margin of 0 counted active
                                       "active = (scores - scores[rows, y][:, None] + 1 >= 0).astype(float)\n"
                                       "    active[rows, y] = 0"),
                         ["its check passes 2 of 3 public tests: it fails “two violations of exactly 0"]),
    "an exception": ("def svm_loss_vectorized(W, X, y):\n    return W[len(y) + 5], W\n",
                     ["it raises IndexError", "(on the lecture's three images"]),
    "a syntax error": ("def svm_loss_vectorized(W, X, y):\n    loss = 0.0\n      return loss, W\n",
                       ["does not run: IndentationError on line 3"]),
    "the stub": ("def svm_loss_vectorized(W, X, y):\n    raise NotImplementedError()\n",
                 ["not written in the saved 03_multiclass_svm.ipynb and never checked"]),
    "no answer cell": (None, ["its answer cell was not found in the saved 03_multiclass_svm.ipynb"]),
    "no notebook": ("", ["not found: there is no 03_multiclass_svm.ipynb in"]),
}


@pytest.fixture()
def graded_copy(tmp_path, monkeypatch):
    """This course_lib as a graded release would run it: mine() reads the notebooks in ``tmp_path``."""
    from course_lib import answers, notebook_helpers

    monkeypatch.setattr(answers, "release_mode", lambda: "graded")
    for cache in ("_FAST", "_CACHE"):
        monkeypatch.setattr(answers, cache, {})
    monkeypatch.setattr(notebook_helpers, "_skipped_so_far", ())
    monkeypatch.setenv("COURSE_LIB_NOTEBOOKS", str(tmp_path))
    monkeypatch.delenv("COURSE_LIB_SANDBOX", raising=False)
    return tmp_path


def save_answer(folder, source) -> None:
    """The source notebook 03 saved in ``folder`` with ``source`` as the answer to svm_vectorized."""
    import nbformat

    from course_lib.grading.autograde.grade import SOURCE_DIR

    if source == "":
        return
    nb = nbformat.read(SOURCE_DIR / f"{NB03}.ipynb", as_version=4)
    answer = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == SVM]
    assert len(answer) == 1
    if source is None:
        nb.cells.remove(answer[0])
    else:
        answer[0].source = source
    nbformat.write(nb, folder / f"{NB03}.ipynb")


@pytest.mark.parametrize("reason", list(REASONS))
def test_mine_and_the_skip_line_say_exactly_why_an_answer_is_not_used(reason, graded_copy, capsys):
    from course_lib.answers import mine, which

    source, phrases = REASONS[reason]
    save_answer(graded_copy, source)
    note = which(SVM).note
    assert which(SVM).origin == "missing", (reason, note)
    assert "\n" not in note and note.startswith(f"exercise `{SVM}` ({NB03}.ipynb, `svm_loss_vectorized`): "), note
    for phrase in phrases:
        assert phrase in note, (reason, phrase, note)
    if reason == "the loop rule":  # its cases pass, but it is not "done"
        assert "3 of 3" not in note and note.index("loop rule") < note.index("public tests pass"), note
    with needs_answer() as guard:
        mine(SVM)(np.eye(3), np.eye(3), np.arange(3))
    line = capsys.readouterr().out
    assert guard.skipped and guard.waits_on == (SVM,)
    assert line == f"(skipped: this cell needs your answer to {note}; then run this cell again)\n", line


def test_a_passing_saved_answer_is_used_and_no_cell_is_skipped(graded_copy, capsys):
    from course_lib.answers import mine, which

    save_answer(graded_copy, RIGHT)
    assert which(SVM).origin == "saved"
    with needs_answer() as guard:
        loss, _ = mine(SVM)(np.zeros((3, 3)), np.eye(3), np.arange(3))
    assert not guard.skipped and loss == pytest.approx(2.0) and capsys.readouterr().out == ""
