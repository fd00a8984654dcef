"""The sandbox's walls, seen from one batch graded in this test process: each attack of
:mod:`hostile.kit` (writes to the host and the grader's output, reading hidden tests, fork bombs,
memory, time, signals) and each broken file costs at most the exercise it touches, with the right status.

All the submissions (one per attack, plus a clean one and broken files) are graded in ONE
batch with small limits and two jobs; each test then reads its row. The batch finishing at
all is the first guarantee (an attack that killed the grader would kill this test process).
The red team's attacks, with the grader as a process of its own in four modes, are
``test_red_team.py``'s.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hostile import kit  # noqa: E402

from course_lib.grading.autograde import batch as autograder
from course_lib.grading.autograde import grade, isolation, protocol, sandbox
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.judging.results import SubmissionResult
from course_lib.grading.judging.running import Outcome

ROOT = os.geteuid() == 0
LIMITS = Limits(cell_timeout=2, timeout=20, memory_mb=512, max_restarts=4)
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
            rows = autograder.grade_batch([submissions], out, LIMITS, jobs=2, progress=False)
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


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            return next(int(line.split()[1]) for line in handle if line.startswith("PPid:"))
    except (OSError, StopIteration):
        return 0


def _sandbox_processes() -> list:
    """Live sandbox processes of this test process: its descendants, or orphans running its package copy."""
    ours, found = isolation.answer_free_package().encode(), []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read()
        except OSError:
            continue
        if b"course_lib/grading/autograde/worker.py" not in cmdline:
            continue
        pid, ancestor = int(entry), int(entry)
        while ancestor > 1 and ancestor != os.getpid():
            ancestor = _parent(ancestor)
        if ancestor == os.getpid() or ours in cmdline:
            found.append(pid)
    return found


def _none_left(seconds: float = 5.0) -> list:
    """The sandbox processes still alive after up to ``seconds`` (a pid namespace is torn down asynchronously)."""
    deadline = time.monotonic() + seconds
    while _sandbox_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    return _sandbox_processes()


def test_no_sandbox_process_survives(batch):
    assert _none_left() == []


def test_a_needed_hostile_cell_cannot_touch_the_host(tmp_path):
    """A cell the answers need runs, in the sandbox: it cannot write the host's files or end the grader."""
    marker = tmp_path / "ran"
    cells = kit.good_cells() + [kit.code(f"try:\n    open({str(marker)!r}, 'w').write('x')\nexcept OSError:\n"
                                         "    pass\ndef _helper(x):\n    return x\n"
                                         "import os\ndouble_it = (lambda f: lambda x: 2 * f(x))(_helper)\n")]
    (tmp_path / "s.ipynb").write_bytes(kit.notebook(cells))
    with kit.registered():
        rows = autograder.grade_batch([tmp_path / "s.ipynb"], tmp_path / "out", LIMITS, jobs=1, progress=False)
    assert rows[0][1].score == kit.TOTAL  # the redefinition counts (the last one wins)
    assert not marker.exists()


def test_grading_from_the_command_line_survives_the_attacks(batch, tmp_path):
    """The same batch through the command line (``python -m course_lib grade``) in a separate process."""
    _, submissions, _, _, _, _ = batch
    some = [submissions / f"{n}.ipynb" for n in ("binary_file", "segfault", "os_exit", "memory_numpy")]
    program = ("import sys; sys.path.insert(0, sys.argv[1]); from hostile import kit\n"
               "from course_lib.cli import main\n"
               "with kit.registered():\n    sys.exit(main(['grade', *sys.argv[2:]]))\n")
    done = subprocess.run([sys.executable, "-c", program, str(Path(__file__).resolve().parents[1]), *map(str, some),
                           "--out", str(tmp_path / "out"), "--jobs", "2", "--cell-timeout", "2", "--timeout", "20",
                           "--memory", "512"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "graded 4 submission(s)" in done.stdout
    assert done.stderr == ""


def _values(cells: list, names: list, limits=LIMITS) -> list:
    """Run ``cells`` in one fresh sandbox, then read the values of ``names`` (plain data)."""
    with sandbox.Session(limits) as session:
        for k, source in enumerate(cells):
            reply = session.run(protocol.RunCell(source, f"<cell {k}>", limits.cell_timeout))
            assert reply.stop == protocol.CellStop.COMPLETED, reply
        replies = [session.run(protocol.RunCase(name, "value", (), (), limits.cell_timeout)) for name in names]
    assert all(r.outcome == Outcome.RETURNED for r in replies), replies
    return [r.value for r in replies]


def test_nothing_survives_from_one_sandbox_to_the_next():
    """Files in /tmp, the home and /dev/shm, and processes, end with their sandbox."""
    write = ("import os\nfor d in ('/tmp', '/dev/shm', os.environ['HOME']):\n    open(d + '/left', 'w').write('x')\n"
             "if os.fork() == 0:\n    os.setsid()\n    import time\n    time.sleep(60)\n")
    look = ("import os\nfound = [d for d in ('/tmp', '/dev/shm', os.environ['HOME']) if os.path.exists(d + '/left')]\n"
            "others = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n")
    assert _values([write], []) == []
    found, others = _values([look], ["found", "others"])
    assert list(found) == []
    assert len(others) <= 3  # bubblewrap's init, the worker (and nothing left from before)
    assert _none_left() == []


def test_per_submission_time_limit_cuts_the_rest(tmp_path):
    slow = "import time\ndef {name}(*args):\n    time.sleep(1.5)\n    return 0.0\n"
    cells = kit.good_cells({"double_it": slow.format(name="double_it"), "add_them": slow.format(name="add_them"),
                            "l2_of": slow.format(name="l2_of")})
    with kit.registered():
        result = grade.grade_bytes(kit.notebook(cells), "x.ipynb", Limits(cell_timeout=5, timeout=2.5))
    assert {ex.status for ex in result.exercises} >= {"timeout"}
    assert result.score <= kit.POINTS["magic_number"]
    assert "time limit" in result.message


def test_the_sandbox_cannot_see_or_signal_other_processes():
    """Even through ctypes (past any Python-level check), a process outside is out of reach."""
    bystander = subprocess.Popen(["sleep", "30"])
    try:
        attack = (f"import ctypes, os\nresult = ctypes.CDLL(None).kill({bystander.pid}, 9)\nme = os.getpid()\n"
                  f"visible = os.path.exists('/proc/{bystander.pid}')\n")
        result, me, visible = _values([attack], ["result", "me", "visible"])
        assert result == -1  # no such process, seen from inside
        assert me <= 3  # a process of its own pid namespace
        assert visible is False
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_a_full_disk_while_writing_one_submission_costs_only_that_row(tmp_path, monkeypatch):
    """ENOSPC on one submission's feedback: that row says so, the others and grades.csv are written."""
    import errno

    from course_lib.grading.reports import outputs as report

    real = report.atomic_write

    def full_for_bob(path, text):
        if "bob" in os.path.basename(path) and "feedback" in path:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, text)

    monkeypatch.setattr(report, "atomic_write", full_for_bob)
    for name in ("alice", "bob"):
        (tmp_path / f"{name}.ipynb").write_bytes(kit.notebook(kit.good_cells()))
    with kit.registered():
        rows = dict(autograder.grade_batch([tmp_path / "alice.ipynb", tmp_path / "bob.ipynb"], tmp_path / "out", LIMITS,
                                      jobs=2, progress=False))
    assert rows["alice"].score == kit.TOTAL
    assert rows["bob"].status == "grader error" and "No space left" in rows["bob"].message
    table = (tmp_path / "out" / "grades.csv").read_text()
    assert "alice" in table and "bob" in table and "grader error" in table
