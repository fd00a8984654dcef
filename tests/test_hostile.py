"""Hostile submissions: each attack costs at most the exercise it touches, with the right status.

All the submissions (one per attack, plus a clean one and broken files) are graded in ONE
batch with small limits and two jobs; each test then reads its row. The batch finishing at
all is the first guarantee (an attack that killed the grader would kill this test process).
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from course_lib.grading import grade, sandbox
from course_lib.grading.report import SubmissionResult

sys.path.insert(0, str(Path(__file__).parent))
from hostile import kit  # noqa: E402

ROOT = os.geteuid() == 0
LIMITS = sandbox.Limits(cell_timeout=2, timeout=20, memory_mb=512, max_restarts=4)
# without root these reach the grader's own user (its processes, its files)
NEEDS_ROOT = {"kill_parent", "kill_everyone", "write_grader_files", "escaped_background_process"}

BROKEN_FILES = {
    "binary_file": (bytes(range(256)) * 8, "not a notebook"),
    "empty_file": (b"", "empty"),
    "invalid_json": (b'{"cells": [ {"cell_type": "code", ', "not a notebook"),
    "json_list": (b"[1, 2, 3]", "not a notebook"),
    "nbformat_v3": (b'{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": '
                    b'[{"cell_type": "code", "input": "def double_it(x):\\n    return 2 * x", "outputs": []}]}]}',
                    "wrong nbformat version"),
    "other_assignment": (kit.notebook([kit.code("def fibonacci(n):\n    return n if n < 2 else fibonacci(n - 1)"),
                                       kit.markdown("# Homework 5")]), "wrong notebook"),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Grade every hostile submission once: ``(results by name, submissions dir, out dir, hashes)``."""
    base = tmp_path_factory.mktemp("hostile")
    submissions, out = base / "submissions", base / "out"
    submissions.mkdir()
    # a classmate's notebook that the sandbox uid could read, were it not for the audit hook
    shared = Path(tempfile.mkdtemp(prefix="classmates_"))
    shared.chmod(0o755)
    classmate = shared / "bob.ipynb"
    classmate.write_bytes(kit.notebook(kit.good_cells()))
    classmate.chmod(0o644)
    # the workers' home folders go to a private temp dir, so that other graders running on the
    # machine at the same time (another test process) cannot be mistaken for leftovers
    private_tmp = Path(tempfile.mkdtemp(prefix="hostile_tmp_"))
    private_tmp.chmod(0o755)
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, str(private_tmp)
    try:
        with kit.registered():
            attacks = kit.hostile_submissions(str(out), str(submissions), str(classmate))
            for name, (cells, _) in attacks.items():
                if ROOT or name not in NEEDS_ROOT:
                    (submissions / f"{name}.ipynb").write_bytes(kit.notebook(cells))
            (submissions / "aaa_good.ipynb").write_bytes(kit.notebook(kit.good_cells()))
            for name, (data, _) in BROKEN_FILES.items():
                (submissions / f"{name}.ipynb").write_bytes(data)
            before = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
                      for p in submissions.iterdir()}
            rows = grade.grade_batch([submissions], out, LIMITS, jobs=2, progress=False)
    finally:
        tempfile.tempdir = saved_tempdir
    shutil.rmtree(shared)
    leftovers = set(private_tmp.glob("course_lib_grade_*"))
    shutil.rmtree(private_tmp, ignore_errors=True)
    return dict(rows), submissions, out, before, attacks, leftovers


def test_the_clean_submission_gets_full_marks(batch):
    results = batch[0]
    assert results["aaa_good"].status == "ok"
    assert results["aaa_good"].score == kit.TOTAL


@pytest.mark.parametrize("name", sorted(kit.hostile_submissions("out", "subs")))
def test_an_attack_costs_only_its_exercise(batch, name):
    results, _, _, _, attacks, _ = batch
    if name not in results:
        pytest.skip("needs root: without it the sandbox runs as the grader's own user")
    result: SubmissionResult = results[name]
    expected = attacks[name][1]
    assert result.status == "ok", result.message
    by_id = {ex.id: ex for ex in result.exercises}
    assert set(by_id) == set(kit.POINTS)
    for exercise_id, ex in by_id.items():
        if exercise_id in expected:
            assert ex.status == expected[exercise_id], (ex.status, ex.message)
            if expected[exercise_id] != "passed":
                assert ex.score == 0
        else:
            assert ex.status == "passed", (exercise_id, ex.status, ex.message)
            assert ex.score == ex.points


@pytest.mark.parametrize("name", sorted(BROKEN_FILES))
def test_a_broken_file_gets_a_status_and_zero(batch, name):
    result = batch[0][name]
    assert result.status == BROKEN_FILES[name][1]
    assert result.score == 0 and result.exercises == []
    assert result.message


def test_grades_csv_has_a_row_per_file(batch):
    results, submissions, out, _, _, _ = batch
    with open(out / "grades.csv", newline="") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(results) == {p.stem for p in submissions.iterdir()}
    assert rows["aaa_good"]["score"] == f"{kit.TOTAL:g}"
    assert rows["binary_file"]["score"] == "0" and rows["binary_file"]["status"] == "not a notebook"


def test_submissions_are_never_modified(batch):
    _, submissions, _, before, _, _ = batch
    after = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
             for p in submissions.iterdir()}
    assert after == before


def test_student_code_cannot_write_the_grader_output(batch):
    _, _, out, _, _, _ = batch
    for path in out.rglob("*"):
        if path.is_file():
            assert b"HACKED" not in path.read_bytes(), path


def test_hidden_tests_never_reach_feedback(batch):
    _, _, out, _, _, _ = batch
    for path in list((out / "feedback").iterdir()) + list((out / "results").iterdir()):
        text = path.read_text()
        assert kit.SECRET_LABEL not in text, path
        assert "98765" not in text, path


def test_worker_folders_are_removed(batch):
    assert batch[5] == set()


@pytest.mark.skipif(not ROOT, reason="sandbox uids exist only when grading as root")
def test_no_sandbox_process_survives(batch):
    for slot in range(2):
        assert sandbox._processes_of(sandbox.sandbox_uid(slot)) == []


def test_hostile_cells_are_not_run_when_not_answer_cells(tmp_path):
    """A cell that defines no answer (a plot, a test, an attack) never runs, whatever it does."""
    marker = tmp_path / "ran"
    cells = kit.good_cells() + [kit.code(f"open({str(marker)!r}, 'w').write('x')\nimport os\nos._exit(1)")]
    (tmp_path / "s.ipynb").write_bytes(kit.notebook(cells))
    with kit.registered():
        rows = grade.grade_batch([tmp_path / "s.ipynb"], tmp_path / "out", LIMITS, jobs=1, progress=False)
    assert rows[0][1].score == kit.TOTAL
    assert not marker.exists()


def test_grading_from_the_command_line_survives_the_attacks(batch, tmp_path):
    """The same batch through ``python -m course_lib.grading.grade`` in a separate process."""
    _, submissions, _, _, _, _ = batch
    some = [submissions / f"{n}.ipynb" for n in ("binary_file", "segfault", "os_exit", "memory_numpy")]
    program = ("import sys; sys.path.insert(0, sys.argv[1]); from hostile import kit\n"
               "from course_lib.grading import grade\n"
               "with kit.registered():\n    sys.exit(grade.main(sys.argv[2:]))\n")
    done = subprocess.run([sys.executable, "-c", program, str(Path(__file__).parent), *map(str, some),
                           "--out", str(tmp_path / "out"), "--jobs", "2", "--cell-timeout", "2", "--timeout", "20",
                           "--memory", "512"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "graded 4 submission(s)" in done.stdout
    assert done.stderr == ""


def test_a_dead_fork_server_is_replaced():
    """If the zygote that forks the workers dies, the next submission starts a new one."""
    steps = [sandbox.ExecStep("def f(x):\n    return x + 1\n", "<cell>"), sandbox.EvalStep("f", "function", ([1],))]
    assert sandbox.run_steps(steps, LIMITS)[1].cases == [{"value": 2}]
    zygote = sandbox._Zygote._running[()]
    zygote.process.kill()
    zygote.process.wait()
    assert sandbox.run_steps(steps, LIMITS)[1].cases == [{"value": 2}]


def test_per_submission_time_limit_cuts_the_rest(tmp_path):
    slow = "import time\ndef {name}(*args):\n    time.sleep(1.5)\n    return 0.0\n"
    cells = kit.good_cells({"double_it": slow.format(name="double_it"), "add_them": slow.format(name="add_them"),
                            "l2_of": slow.format(name="l2_of")})
    with kit.registered():
        result = grade.grade_bytes(kit.notebook(cells), "x.ipynb", sandbox.Limits(cell_timeout=5, timeout=2.5))
    assert {ex.status for ex in result.exercises} >= {"timeout"}
    assert result.score <= kit.POINTS["magic_number"]
    assert "time limit" in result.message


def test_without_root_a_pid_namespace_keeps_signals_from_other_processes(monkeypatch):
    """The non-root path: even ctypes (past the audit hook) cannot signal a process outside."""
    monkeypatch.setattr(sandbox, "_running_as_root", lambda: False)
    bystander = subprocess.Popen(["sleep", "30"])
    try:
        attack = f"import ctypes, os\nresult = ctypes.CDLL(None).kill({bystander.pid}, 9)\nme = os.getpid()\n"
        steps = [sandbox.ExecStep(attack, "<cell>"), sandbox.EvalStep("result", "value", ([],)),
                 sandbox.EvalStep("me", "value", ([],)), sandbox.ExecStep("import os\nos.fork()", "<cell>")]
        outcomes = sandbox.run_steps(steps, LIMITS)
        assert outcomes[1].cases == [{"value": -1}]  # no such process, seen from inside
        assert outcomes[2].cases == [{"value": 1}]  # the worker is the first process of its namespace
        assert outcomes[3].error["type"] == "PermissionError"  # no fork without a process cap
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()
