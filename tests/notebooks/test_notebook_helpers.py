"""course_lib.notebook_helpers.needs_answer: an unsolved answer skips the block with one line; nothing else hides."""

import subprocess
import sys

import pytest

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
