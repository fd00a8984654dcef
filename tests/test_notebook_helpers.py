"""course_lib.notebook_helpers.needs_answer: an unsolved answer skips the block with one line; nothing else is hidden."""

import pytest

from course_lib import AnswerMissing
from course_lib.notebook_helpers import needs_answer


def unsolved(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("error", [NotImplementedError(), AnswerMissing("solve svm_vectorized first")])
def test_an_unsolved_answer_stops_the_block_with_one_line_on_stdout(error, capsys):
    ran = []
    with needs_answer("objective") as guard:
        ran.append("before")
        raise error
    assert guard.skipped and ran == ["before"]
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 1 and "`objective`" in out


def test_a_solved_answer_runs_through_and_other_errors_still_raise(capsys):
    with needs_answer("objective") as guard:
        value = 1 + 1
    assert value == 2 and not guard.skipped
    with pytest.raises(ZeroDivisionError):
        with needs_answer("objective"):
            1 / 0
    assert capsys.readouterr().out == ""


def test_needs_answer_names_at_least_one_exercise():
    with pytest.raises(ValueError, match="exercise_ids"):
        needs_answer()
