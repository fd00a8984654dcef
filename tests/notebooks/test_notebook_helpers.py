"""course_lib.notebook_helpers.needs_answer: an unsolved answer skips the block with one line; nothing else hides."""

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


def test_a_name_a_skipped_block_would_have_made_skips_the_next_block(capsys, monkeypatch):
    from course_lib import notebook_helpers

    monkeypatch.setattr(notebook_helpers, "_skipped_so_far", False)
    with pytest.raises(NameError):          # nothing skipped yet: a NameError is a real error
        with needs_answer():
            undefined_result  # noqa: F821, B018
    with needs_answer():
        raise AnswerMissing("solve svm_vectorized first")
    with needs_answer() as later:
        undefined_result  # noqa: F821, B018
    assert later.skipped and "uses the results of one above" in capsys.readouterr().out
