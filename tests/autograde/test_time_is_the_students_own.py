"""Time is the student's own (issue 22): a step's limit counts what the student's code used, never waiting
for a CPU or for the sandbox to start; a starved step is retried, not charged, and grading.json says so.

The load test grades every source notebook with ``--jobs 2`` beside more CPU-burning processes than cores
and asserts the grades (no wall-clock assert).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from hostile import kit  # noqa: E402

from course_lib.grading.autograde import batch, grade, protocol, sandbox
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.exercises import bank
from course_lib.grading.judging.running import Cut, Outcome

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
TIGHT = Limits(cell_timeout=2, timeout=30)


def _burners(count: int) -> list:
    """``count`` processes that burn a CPU each, started by this test (ended by their pids)."""
    return [subprocess.Popen([sys.executable, "-c", "while True:\n    pass\n"]) for _ in range(count)]


def _stop(processes: list) -> None:
    for process in processes:
        process.kill()
        process.wait()


def test_correct_notebooks_keep_full_marks_beside_more_cpu_burners_than_cores(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    stems = [p.stem for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) if bank.for_notebook(p.stem)]
    for stem in stems:
        (folder / f"{stem}.ipynb").write_bytes((NOTEBOOKS / f"{stem}.ipynb").read_bytes())
    burners = _burners((os.cpu_count() or 2) + 2)
    try:
        rows = dict(batch.grade_batch([folder], tmp_path / "out", TIGHT, jobs=2, progress=False))
    finally:
        _stop(burners)
    assert sorted(rows) == stems
    for stem, result in rows.items():
        assert result.status == "ok", (stem, result.message)
        assert result.score == result.max_score, (stem, [(ex.id, ex.status, ex.message) for ex in result.exercises])
    report = json.loads((tmp_path / "out" / "grading.json").read_text())
    assert report["retried_steps"] == sum(r.retried_steps for r in rows.values())


def test_waiting_the_code_chose_counts_and_is_interrupted_like_a_kernel():
    """time.sleep is the student's own time: the step is interrupted at its limit; the namespace survives."""
    with sandbox.Session(Limits(cell_timeout=1, timeout=20)) as session:
        slow = session.run(protocol.RunCell("import time\nbefore = 1\ntime.sleep(30)\nafter = 1\n", "<cell 1>", 1))
        kept = session.run(protocol.Describe(("before", "after")))
    assert slow.stop == protocol.CellStop.INTERRUPTED and slow.error.line == 3
    assert kept.defined == {"before": True, "after": False}
    assert 1 <= session.charged < 20


def test_a_step_that_cannot_be_interrupted_costs_only_itself():
    """Student code that swallows the interrupt is killed; a fresh sandbox replays the cells before it."""
    swallow = "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass\n"
    with sandbox.Session(Limits(cell_timeout=1, timeout=30)) as session:
        first = session.run(protocol.RunCell("x = 41\n", "<cell 1>", 1))
        stuck = session.run(protocol.RunCell(swallow, "<cell 2>", 1))
        after = session.run(protocol.RunCell("y = x + 1\n", "<cell 3>", 1))
        value = session.run(protocol.RunCase("y", "value", (), (), 1))
    assert first.stop == after.stop == protocol.CellStop.COMPLETED
    assert stuck.stop == protocol.CellStop.CUT and stuck.cut == Cut.TIMEOUT
    assert value.outcome == Outcome.RETURNED and value.value == 42  # x came back with the replayed cell


def test_a_starved_step_is_retried_not_charged_and_reported(tmp_path, monkeypatch):
    """A step the machine keeps from running is run again; past max_retries the submission is not graded
    (and not cached: the next run grades it)."""
    monkeypatch.setattr(sandbox, "STARVED_AFTER", 0.0)  # every step counts as starved at once
    monkeypatch.setattr(sandbox, "STARVED_MIN", -1000.0)
    path = tmp_path / "s.ipynb"
    path.write_bytes(kit.notebook(kit.good_cells()))
    limits = Limits(cell_timeout=2, timeout=20, max_retries=2)
    with kit.registered():
        rows = batch.grade_batch([path], tmp_path / "out", limits, jobs=1, progress=False)
    result = rows[0][1]
    assert result.status == grade.GRADER_ERROR and "too busy" in result.message
    assert result.retried_steps == 3 and result.score == 0
    assert json.loads((tmp_path / "out" / "grading.json").read_text())["retried_steps"] == 3
    assert not list((tmp_path / "out" / ".cache").glob("*.json"))


def test_the_run_queue_wait_is_read_for_the_worker_process():
    """The worker's own process is found below the sandbox's, and its run-queue wait can be read."""
    with sandbox.Session(Limits(cell_timeout=2, timeout=20)) as session:
        session.run(protocol.RunCell("x = 1\n", "<cell 1>", 2))
        worker = session.worker
        with open(f"/proc/{worker.pid}/cmdline", "rb") as handle:
            assert b"worker.py" in handle.read()
        start = sandbox.run_queue_wait(worker.pid)
        time.sleep(0.05)
        assert sandbox.run_queue_wait(worker.pid) >= start >= 0.0


def test_ignoring_the_interrupt_signals_does_not_escape_the_limit():
    """Signals ignored by the cell itself: the grader kills the sandbox at the limit; later cells still run."""
    ignore = ("import signal, time\nsignal.signal(signal.SIGPROF, signal.SIG_IGN)\n"
              "signal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.01)\n")
    with sandbox.Session(Limits(cell_timeout=1, timeout=20)) as session:
        stuck = session.run(protocol.RunCell(ignore, "<cell 1>", 1))
        later = session.run(protocol.RunCell("import time\nwhile True:\n    time.sleep(0.01)\n", "<cell 2>", 1))
    assert stuck.stop == protocol.CellStop.CUT and stuck.cut == Cut.TIMEOUT
    assert later.stop == protocol.CellStop.INTERRUPTED  # a fresh sandbox: the handlers are the worker's again
