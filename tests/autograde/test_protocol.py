"""The grader's typed protocol with its worker: one reply type per command, read back strictly."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.grading.autograde import protocol, submission
from course_lib.grading.exercises import notebook as notebook_io
from course_lib.grading.judging.conduct import LoopMeasure
from course_lib.grading.judging.running import CaseReply, Cut, ErrorInfo, Outcome, run_case

COMMANDS = [protocol.RunCell("x = 1\n", "<cell 3>", 2.0), protocol.Describe(("f", "g")),
            protocol.RunCase("f", "function", ({"t": [1, 2]},), ("svm_loss",), 2.0),
            protocol.MeasureLoops("f", (1,), (2,), 2.0), protocol.Quit()]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: type(c).__name__)
def test_every_command_round_trips(command):
    assert protocol.command_from_wire(protocol.command_to_wire(command)) == command


def test_an_unknown_or_incomplete_command_is_a_protocol_error():
    with pytest.raises(protocol.ProtocolError, match="unknown command"):
        protocol.command_from_wire({"op": "shell"})
    with pytest.raises(protocol.ProtocolError, match="without 'filename'"):
        protocol.command_from_wire({"op": "cell", "source": "x", "cpu_seconds": 1})


REPLIES = [(COMMANDS[0], protocol.CellReply(protocol.CellStop.RAISED, ErrorInfo("ValueError", "bad", 2))),
           (COMMANDS[0], protocol.CellReply(protocol.CellStop.COMPLETED)),
           (COMMANDS[1], protocol.Described({"f": True, "g": False}, {"f": ("np", "helper")})),
           (COMMANDS[2], CaseReply.returned((1.5, np.arange(3.0)), mutated=("scores",), calls=("svm_loss",))),
           (COMMANDS[2], CaseReply.raised(ErrorInfo("NameError", "name 'h' is not defined"))),
           (COMMANDS[2], CaseReply.not_plain("a generator")),
           (COMMANDS[2], CaseReply.missing()),
           (COMMANDS[3], protocol.LoopReply(LoopMeasure((33, 33)))),
           (COMMANDS[3], protocol.LoopReply(None, interrupted=True))]


@pytest.mark.parametrize("command, reply", REPLIES, ids=lambda x: type(x).__name__)
def test_every_reply_round_trips_as_its_commands_type(command, reply):
    back = protocol.reply_from_wire(protocol.reply_to_wire(reply), command)
    if isinstance(reply, CaseReply) and reply.outcome == Outcome.RETURNED:
        assert back.value[0] == reply.value[0] and np.array_equal(back.value[1], reply.value[1])
        assert (back.mutated, back.calls) == (reply.mutated, reply.calls)
    else:
        assert back == reply


def test_a_reply_of_another_type_or_shape_is_a_protocol_error():
    cell_reply = protocol.reply_to_wire(protocol.CellReply(protocol.CellStop.COMPLETED))
    with pytest.raises(protocol.ProtocolError, match="expected a 'case' reply"):
        protocol.reply_from_wire(cell_reply, COMMANDS[2])
    with pytest.raises(protocol.ProtocolError, match="does not match"):  # raised, but no error
        protocol.reply_from_wire({"reply": "cell", "stop": "raised", "error": None}, COMMANDS[0])
    with pytest.raises(protocol.ProtocolError, match="does not match"):  # only the grader cuts a cell
        protocol.reply_from_wire({"reply": "cell", "stop": "cut", "error": None}, COMMANDS[0])
    with pytest.raises(protocol.ProtocolError, match="expected a 'ready' reply"):
        protocol.reply_from_wire(cell_reply)


def test_a_case_reply_that_cannot_be_read_is_not_plain_never_an_exception():
    assert CaseReply.from_wire({"outcome": "returned", "value": {"a": "not base64"}}).outcome == Outcome.NOT_PLAIN
    assert CaseReply.from_wire({"outcome": "???"}).outcome == Outcome.NOT_PLAIN
    assert CaseReply.cut_short(Cut.TIMEOUT).detail == "timeout"


def test_run_case_reports_the_mutated_argument_and_what_was_raised():
    def in_place(scores, y):
        scores -= 1
        return float(scores.sum())

    reply = run_case(in_place, (np.ones(3), np.zeros(3)))
    assert reply.outcome == Outcome.RETURNED and reply.mutated == ("scores",)
    failing = run_case(lambda x: 1 / 0, (1,))
    assert failing.outcome == Outcome.RAISED and failing.error.type == "ZeroDivisionError"
    assert isinstance(failing.exception, ZeroDivisionError)


def test_run_order_entries_say_where_each_cell_comes_from():
    def cell(index, source, metadata=None, cell_id=""):
        return notebook_io.NotebookCell(index, "code", source, metadata or {}, cell_id)

    locked = {"nbgrader": {"locked": True, "grade": False, "solution": False}}
    answer = {"course_lib": {"role": "answer", "exercise": "f"}, "nbgrader": {"solution": True, "grade_id": "f"}}
    check = {"course_lib": {"role": "check", "exercise": "f"}}
    source = [cell(0, "import numpy as np", locked, "a"), cell(1, "data = 1", {}, "b"),
              cell(2, "def f(): ...", answer, "c"), cell(3, "check('f', f)", check, "d")]
    submitted = [cell(0, "import os  # edited", locked, "a"), cell(1, "def f(): return data", answer, "c"),
                 cell(2, "check('f', f)", check, "d"), cell(3, "scratch = 2", {}, "e")]
    entries = submission.run_order(submitted, source)
    assert [(e.origin, e.source) for e in entries] == [
        (submission.Origin.SETUP, "import numpy as np"),  # as the instructor wrote it
        (submission.Origin.PROVIDED, "data = 1"),  # deleted by the student: put back
        (submission.Origin.STUDENT, "def f(): return data"),
        (submission.Origin.STUDENT, "scratch = 2")]
    assert entries[1].index is None and "put back" in entries[1].label and entries[3].label == "cell 3"
