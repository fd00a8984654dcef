"""Issue 23, item 3: the grader bounds itself under the resource attacks (:mod:`hostile.resource_attacks`).

One batch grades the attacks, two copies each, with two jobs, in a process of its own; its peak
resident memory (``VmHWM`` of that process: the grader's own, the sandboxed workers are bounded by
their own limits; not ``ru_maxrss``, which Linux carries across ``execve`` from the pytest worker that
started it) must stay under :data:`BOUND_MIB` (stated in README), and each attack gets the status
that names what stopped it. No time is asserted (the machine is shared): ``bench_grader_bounds.py`` prints it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import resource_attacks  # noqa: E402

from course_lib.grading.autograde import held, protocol
from course_lib.grading.autograde.intake import MEMORY_BUDGET
from course_lib.grading.exercises.bank import for_notebook

REPO = Path(__file__).resolve().parents[2]
MIB = 2**20
JOBS = 2

# The stated bound (README, "The grader bounds itself"), from the limits that give it:
BASE_MIB = 100  # the grader process: Python, numpy, course_lib, the bank and its expected outputs (measured ~90)
NOTEBOOK_MIB = 100  # one notebook in flight: read, parsed and run (tests/exercises/test_notebook_limits.py)
REPLIES_MIB = (4 * protocol.REPLY_BYTES + 128 * protocol.REPLY_VALUES + held.MAX_HELD_BYTES) / MIB + 1  # per job:
# one reply being read (its bytes in the pipe's buffer, then 2 bytes per byte and 128 per value while it is parsed:
# test_reply_bounds.py, then its decoded value) and the case values held until the submission is judged; +1 MiB
# for the cases' other replies (a few hundred bytes each)


def bound_mib(jobs: int, held_submissions_mib: float) -> float:
    """The grader's peak: base + the submissions held in memory (at most intake.MEMORY_BUDGET) + per job in flight."""
    return BASE_MIB + min(held_submissions_mib, MEMORY_BUDGET / MIB) + jobs * (NOTEBOOK_MIB + REPLIES_MIB)


_RUN = """
import json, sys
sys.path.insert(0, sys.argv[1])
from course_lib.grading.autograde import batch
from course_lib.grading.autograde.limits import Limits
rows = batch.grade_batch([sys.argv[2]], sys.argv[3], Limits(cell_timeout=10, timeout=60), jobs=int(sys.argv[4]),
                         progress=False)
peak_kib = int(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))
print(json.dumps({"max_rss_mib": peak_kib / 1024,
                  "rows": {name: result.to_json() for name, result in rows}}))
"""


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("bounds")
    subs = base / "subs"
    subs.mkdir()
    size = 0
    for name, data in resource_attacks.attacks().items():
        for copy in range(2):
            (subs / f"{name}_{copy}.ipynb").write_bytes(data)
            size += len(data)
    done = subprocess.run([sys.executable, "-c", _RUN, str(REPO), str(subs), str(base / "out"), str(JOBS)],
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "submissions_mib": size / MIB}


def _rows(batch_run, attack: str) -> list:
    return [row for name, row in batch_run["rows"].items() if name.startswith(attack + "_")]


def test_the_baseline_is_graded_in_full(batch_run):
    full = sum(ex.points for ex in for_notebook(resource_attacks.STEM))
    for row in _rows(batch_run, "baseline"):
        assert row["status"] == "ok" and sum(ex["score"] for ex in row["exercises"]) == full


@pytest.mark.parametrize("attack, limit", [("statements_45000", "lines of code"), ("cells_520000", "JSON strings")])
def test_an_absurd_notebook_is_refused_naming_the_limit(batch_run, attack, limit):
    for row in _rows(batch_run, attack):
        assert row["status"] == "too large" and limit in row["message"], row["message"]


@pytest.mark.parametrize("attack", ["helpers_9000", "max_replies"])
def test_a_costly_submission_is_graded_and_scores_nothing_it_did_not_earn(batch_run, attack):
    for row in _rows(batch_run, attack):
        assert row["status"] == "ok", row["message"]
        assert all(ex["status"] != "passed" for ex in row["exercises"]), [e["status"] for e in row["exercises"]]


def _public_messages(row, kind: str | None = None) -> list:
    """The public cases' messages (of the exercises of ``kind``: "function" or "value")."""
    kinds = {ex.id: ex.kind.value for ex in for_notebook(resource_attacks.STEM)}
    return [case["message"] for ex in row["exercises"] if kind in (None, kinds[ex["id"]])
            for case in ex["cases"] if not case["hidden"]]


@pytest.mark.parametrize("attack", ["max_replies", "list_replies", "nested_replies", "string_replies"])
def test_an_output_too_large_fails_its_cases_naming_the_limit(batch_run, attack):
    for row in _rows(batch_run, attack):
        assert row["status"] == "ok" and all(ex["status"] == "failed" for ex in row["exercises"])
        messages = _public_messages(row, "function")  # (a value exercise's value is the attack's function)
        assert messages and all("too large to grade" in m and "262,144 bytes and 10,000 values" in m
                                for m in messages), messages


def test_a_worker_sending_an_oversized_frame_is_crashed_naming_the_limit(batch_run):
    for row in _rows(batch_run, "hijacked_replies"):
        assert row["status"] == "ok" and all(ex["status"] == "crashed" for ex in row["exercises"])
        assert any("(at most 262,144)" in m for m in _public_messages(row)), _public_messages(row)


def test_printing_and_plotting_cost_the_grader_nothing_and_the_answers_nothing(batch_run):
    baseline = _rows(batch_run, "baseline")[0]
    for row in _rows(batch_run, "outputs_plots"):
        assert row["status"] == "ok" and row["exercises"] == baseline["exercises"]


def test_the_graders_peak_memory_stays_under_the_bound(batch_run):
    """The peak resident memory of the process that graded the batch (its own VmHWM)."""
    bound = bound_mib(JOBS, batch_run["submissions_mib"])  # 100 + 35 + 2 x 107 MiB for this batch
    assert batch_run["max_rss_mib"] < bound, (batch_run["max_rss_mib"], bound)


def test_the_stated_bound_is_the_readmes():
    readme = " ".join((REPO / "README.md").read_text().split())
    assert (f"{BASE_MIB} MB + the submissions held in memory (at most {MEMORY_BUDGET // MIB} MiB) + "
            f"{NOTEBOOK_MIB + round(REPLIES_MIB)} MB per job") in readme

