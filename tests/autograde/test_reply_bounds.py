"""Issue 23 item 3: what one reply, and one submission's replies, may cost the grader (no sandbox here).

A reply frame is refused past :data:`protocol.REPLY_BYTES` (told by its header) or past
:data:`protocol.REPLY_VALUES` JSON values (counted in its raw bytes, before parsing); the worker sends an
output that cannot fit as a "too large" case naming the limit; a submission's held case values stay under
:data:`held.MAX_HELD_BYTES`. The bank's own outputs are far inside every limit.
"""

from __future__ import annotations

import json
import struct
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.grading.autograde import grade, held, protocol, wire
from course_lib.grading.exercises import model, plain
from course_lib.grading.exercises.bank import all_exercises, get
from course_lib.grading.judging import judge
from course_lib.grading.judging.running import CaseReply, ErrorInfo, Outcome
from course_lib.grading.statuses import CaseOutcome, Status

CASE = protocol.RunCase("f", "function", (), (), 1.0)


def _frame(payload: bytes) -> bytearray:
    return bytearray(struct.pack(">Q", len(payload)) + payload)


def _values(obj) -> int:
    """The JSON values in a parsed JSON document, counted one by one (object keys included)."""
    if isinstance(obj, list):
        return 1 + sum(_values(v) for v in obj)
    if isinstance(obj, dict):
        return 1 + sum(1 + _values(v) for v in obj.values())
    return 1


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=3), inner,
                                                                                 max_size=5), max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(_JSON, st.booleans())
def test_the_values_bound_never_counts_fewer_values_than_a_document_holds(document, compact):
    text = json.dumps(document, separators=(",", ":") if compact else None).encode()
    assert wire.values_bound(text) >= _values(document)


def test_a_frame_longer_than_the_limit_is_refused_from_its_header_alone():
    buffer = bytearray(struct.pack(">Q", 15_000_000))  # none of its bytes has arrived
    with pytest.raises(wire.WireError, match=r"15,000,000 bytes \(at most 262,144\)"):
        wire.take_frame(buffer, protocol.REPLY_BYTES, protocol.REPLY_VALUES)


@pytest.mark.parametrize("element", [b"[]", b'{"l":[]}', b"0", b'"ab"'])
def test_a_frame_of_too_many_values_is_refused_before_it_is_parsed(element, monkeypatch):
    payload = b'{"reply":"case","outcome":"returned","value":[' + b",".join([element] * 12_000) + b"]}"
    assert len(payload) < protocol.REPLY_BYTES
    monkeypatch.setattr(wire.json, "loads", lambda *a: pytest.fail("the frame was parsed"))
    with pytest.raises(wire.WireError, match=r"values \(at most 10,000\)"):
        wire.take_frame(_frame(payload), protocol.REPLY_BYTES, protocol.REPLY_VALUES)


def test_a_frame_within_both_limits_is_read_and_removed_from_the_buffer():
    payload = json.dumps({"reply": "case", "outcome": "returned", "value": {"l": list(range(100))}}).encode()
    buffer = _frame(payload) + b"rest"
    message = wire.take_frame(buffer, protocol.REPLY_BYTES, protocol.REPLY_VALUES)
    assert message["value"]["l"] == list(range(100)) and buffer == b"rest"


def _filled(element: bytes) -> bytes:
    """A case reply whose value is as many ``element`` s as the limits let through."""
    head, tail = b'{"reply":"case","outcome":"returned","value":[', b"]}"
    low, high = 0, protocol.REPLY_BYTES
    while low < high:
        middle = (low + high + 1) // 2
        payload = head + b",".join([element] * middle) + tail
        if len(payload) <= protocol.REPLY_BYTES and wire.values_bound(payload) <= protocol.REPLY_VALUES:
            low = middle
        else:
            high = middle - 1
    return head + b",".join([element] * low) + tail


DENSE = [b"[]", b'{"l":[]}', b'{"a":{"b":[]}}', b"1.5", b"1" * 4000, b'"ab"', b'"' + b"x" * 5000 + b'"',
         '"\u00e9\U0001F600\u00e9"'.encode(), b'"\\ud83d\\ude00"']


@pytest.mark.parametrize("element", DENSE, ids=lambda e: e[:12].decode("utf-8", "replace"))
def test_reading_a_frame_within_the_limits_costs_at_most_two_bytes_per_byte_and_128_per_value(element):
    payload = _filled(element)
    buffer = _frame(payload)
    tracemalloc.start()
    try:
        message = wire.take_frame(buffer, protocol.REPLY_BYTES, protocol.REPLY_VALUES)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message is not None and len(payload) > protocol.REPLY_BYTES // 20  # (a frame that fills a limit)
    assert peak <= 2 * len(payload) + 128 * wire.values_bound(payload), (peak, len(payload))


TOO_LARGE = {
    "a huge array": (np.arange(1_500_000.0), "an array of shape (1500000,)"),
    "a long list": (plain.PlainList([0.5] * 3_000_000), "a list of 3,000,000 values"),
    "many empty lists": (plain.PlainList(plain.PlainList() for _ in range(200_000)), "a list of 200,000 values"),
    "long strings": (tuple("x" * 10_000 for _ in range(100)), "a tuple of 100 values"),
    "one long string": ("x" * 300_000, "a string of 300,000 characters"),
    "a wide dict": (plain.PlainDict((f"k{k}", 0.5) for k in range(20_000)), "a dict of 20,000 values"),
    "deep and wide": (plain.PlainList([plain.PlainList([(0.5, (1.0, "ab"))] * 100)] * 100), "a list of 100 values"),
    "just over the bytes": (np.zeros(200_000, dtype=np.uint8), "an array of shape (200000,)"),
}


@pytest.mark.parametrize("name", TOO_LARGE)
def test_an_output_that_cannot_fit_is_sent_as_too_large_naming_the_limit(name):
    value, what = TOO_LARGE[name]
    frame = protocol.pack_reply(CaseReply.returned(value, mutated=("x",), calls=("svm_loss",)))
    assert protocol.fits(frame)
    reply = protocol.reply_from_wire(wire.take_frame(bytearray(frame), protocol.REPLY_BYTES, protocol.REPLY_VALUES),
                                     CASE)
    assert reply.outcome == Outcome.TOO_LARGE and reply.value is None
    assert reply.detail.startswith(what) and "262,144 bytes and 10,000 values" in reply.detail, reply.detail
    assert (reply.mutated, reply.calls) == (("x",), ("svm_loss",))  # what the judge reads besides the value


def test_a_reply_that_fits_is_sent_unchanged():
    value = (1.5, np.arange(12.0).reshape(3, 4), plain.PlainList([1, 2]))
    frame = protocol.pack_reply(CaseReply.returned(value))
    assert frame == wire.pack(protocol.reply_to_wire(CaseReply.returned(value)))


def test_a_described_reply_whose_reads_cannot_fit_keeps_which_names_are_defined():
    reads = tuple(f"name_{k}_" + "x" * 60 for k in range(2000))
    reply = protocol.Described({f"f{k}": True for k in range(10)}, {f"f{k}": reads for k in range(10)})
    frame = protocol.pack_reply(reply)
    assert protocol.fits(frame)
    back = protocol.reply_from_wire(json.loads(frame[wire.HEADER.size:]), protocol.Describe(()))
    assert back.defined == reply.defined and all(v == reads[:100] for v in back.reads.values())


def test_a_cell_reply_is_sent_whole():
    reply = protocol.CellReply(protocol.CellStop.RAISED, ErrorInfo("ValueError", "bad " * 75, 3))
    assert protocol.pack_reply(reply) == wire.pack(protocol.reply_to_wire(reply))


# --- what a submission holds --------------------------------------------------------------------------------

def test_held_replies_past_the_budget_are_held_as_too_large():
    budget = held.HeldReplies(budget=3 * held.held_bytes(np.arange(100.0)))
    replies = [budget.hold(CaseReply.returned(np.arange(100.0), calls=("svm_loss",))) for _ in range(5)]
    assert [r.outcome for r in replies] == [Outcome.RETURNED] * 3 + [Outcome.TOO_LARGE] * 2
    assert "bytes the grader holds of one submission" in replies[-1].detail and replies[-1].calls == ("svm_loss",)
    assert budget.hold(CaseReply.raised(ErrorInfo("ValueError"))).outcome == Outcome.RAISED  # holds no value


def test_held_bytes_counts_what_a_decoded_value_takes():
    array = np.arange(1000.0)
    assert held.held_bytes(array) >= array.nbytes
    assert held.held_bytes(plain.PlainList([array, array])) >= 2 * array.nbytes
    assert held.held_bytes(plain.PlainDict(a="x" * 5000)) >= 5000


def _bank_outputs():
    for ex in all_exercises():
        for index, (case, _) in enumerate(grade._cases(ex)):
            with np.errstate(all="ignore"):
                yield ex, index, plain.to_plain(model.expected_output(ex, case))


def test_every_output_the_bank_expects_fits_a_reply_eight_times_over():
    for ex, index, value in _bank_outputs():
        frame = protocol.pack_reply(CaseReply.returned(value))
        payload = frame[wire.HEADER.size:]
        assert len(payload) * 8 <= protocol.REPLY_BYTES, (ex.id, index, len(payload))
        assert wire.values_bound(payload) * 8 <= protocol.REPLY_VALUES, (ex.id, index)


def test_every_notebooks_expected_outputs_together_fit_the_held_budget_eight_times_over():
    totals = {}
    for ex, _, value in _bank_outputs():
        totals[ex.notebook] = totals.get(ex.notebook, 0) + held.held_bytes(value)
    assert max(totals.values()) * 8 <= held.MAX_HELD_BYTES, totals


# --- the judge ----------------------------------------------------------------------------------------------

def test_the_judge_fails_a_too_large_case_and_says_so():
    ex = get("svm_vectorized")
    cases = grade._cases(ex)
    replies = [CaseReply.too_large("an array of shape (1500000,), too large to grade (...)") for _ in cases]
    result = judge.judge(ex, cases, replies)
    public = [c for c in result.cases if not c.hidden]
    assert result.status == Status.FAILED and result.score == 0
    assert all(c.outcome == CaseOutcome.TOO_LARGE and c.message.startswith("returned an array of shape (1500000,)")
               for c in public)
    assert all(c.outcome == CaseOutcome.FAILED and c.message == "" for c in result.cases if c.hidden)


def test_a_too_large_case_that_ran_the_reference_still_uses_the_reference():
    ex = get("svm_vectorized")
    cases = grade._cases(ex)
    forbidden = sorted(ex.forbidden)[0]
    result = judge.judge(ex, cases, [CaseReply.too_large("an output", calls=(forbidden,)) for _ in cases])
    assert result.status == Status.USES_REFERENCE
