"""The red team's attacks (:mod:`hostile.attacks`): each gains nothing and costs at most its own exercise.

Four modes, each one run shared by a test class (``TestRoot``, ``TestUser``, ``TestRootConfined``,
``TestUserConfined``: xdist's ``loadscope`` may run two at once): ``root`` (the grader as root, as this
machine and CI run it) and ``user`` (the grader as an ordinary user created for the test, ``cl_redteam``
(``cl_redteam_c`` when confined), through ``setpriv``, with a world-readable copy of the interpreter's venv,
since the one under /root is out of that user's reach), each with bubblewrap and ``-confined``: bubblewrap
made unavailable (the grader's PATH has no ``bwrap``), so that the confined fallback (issue 23: seccomp, Landlock, a
uid per worker as root) must hold against the same attacks; it runs the world-readable venv as
root too (a worker uid cannot reach /root). In each mode the grader is a process of its own
(``hostile/run_as_user.py``, ``--out`` and the submissions in its command line, as with the real
command) that grades:

- every attack of :mod:`hostile.attacks` in ONE ``grade_batch`` call (two jobs);
- the attacks on neighbours in a second call, one job, in order: the first submissions leave
  files, shared memory and a daemon behind; the later ones look for them and must be graded
  normally.

Each test then reads what came out: statuses and scores, every output file (no secret, nothing
written by student code), the processes left on the machine, what a listener on 127.0.0.1
received, the grader's memory and ``oom_score_adj``. The Gradescope runtime, the cache's
authentication and grades.csv's cells are tested in this process.
"""

from __future__ import annotations

import csv
import ctypes
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hostile import attacks, kit, world  # noqa: E402

from course_lib.grading.autograde import batch as autograder
from course_lib.grading.autograde import gradescope
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.exercises import bank

REPO = Path(__file__).resolve().parents[2]
ROOT = os.geteuid() == 0
# a test user per ordinary-user mode, this module's alone: a run counts (and kills) its user's processes, and
# xdist may run two modes at once
TEST_USERS = {"user": "cl_redteam", "user-confined": "cl_redteam_c"}
LIMITS = {"cell_timeout": 2, "timeout": 20, "memory_mb": 512, "max_restarts": 4}
MAIN_TIMEOUT, NEIGHBOURS_TIMEOUT = 240, 150  # seconds before a stuck batch is killed (it should take < 60)
# the hidden label; the hidden input SECRET_NUMBER printed two ways; its expected output 2x and the mistake's 3x
SECRETS = (kit.SECRET_LABEL, "98765", "87654321", "197530", "1.97530", "296296", "2.96296")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SIZE_WORDS = r"too (large|long|big)|at most|characters|bytes|\bMi?B\b|size"
MAX_GRADER_RSS_MIB = 512  # a grader with numpy needs ~100: big cells and frame floods must not add more
_NAMES = attacks.suite(attacks.Context("0" * 12, "/out", "/subs", "/classmate", 1, "/repo"))  # names only
MAIN_ATTACKS, NEIGHBOUR_ATTACKS = sorted(_NAMES.main), sorted(_NAMES.neighbours)
del _NAMES


# --- one mode's run -------------------------------------------------------------------------------

@dataclass
class Batch:
    """One ``grade_batch`` call in its own process, and what it left."""

    out: Path
    finished: bool = False
    returncode: int | None = None
    stderr: str = ""
    report: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)  # name -> SubmissionResult.to_json()
    leftovers: list = field(default_factory=list)  # (pid, cmdline) of sandbox processes still alive


@dataclass
class Run:
    mode: str
    ctx: attacks.Context
    suite: attacks.Suite
    main: Batch
    neighbours: Batch
    received: list  # what the 127.0.0.1 listener got
    host_files: list  # leftover paths that exist on the host after the batches
    host_shm: bool  # the System V segment exists in the host's IPC namespace




def _test_user(mode: str) -> tuple[int, int]:
    return world.test_user(TEST_USERS[mode])


def _status_uid(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("PPid:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descends_from(pid: int, ancestor: int) -> bool:
    for _ in range(64):
        if pid == ancestor:
            return True
        if pid <= 1:
            return False
        pid = _parent(pid)
    return False


def _sandbox_processes(ctx: attacks.Context, uid: int | None) -> list:
    """Processes of this run still alive: named with its token or its course_lib, or of the test user."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or _descends_from(int(entry), os.getpid()):
            continue  # this test process's own children (a zygote of an in-process test) are not the run's
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if ctx.token in cmdline or ctx.course_lib_dir in cmdline or (uid is not None and _status_uid(entry) == uid):
            found.append((int(entry), cmdline[:300]))
    return found


def _settled_leftovers(ctx, uid) -> list:
    """The run's processes still alive once they had time to exit (a pid namespace is torn down
    asynchronously: seconds on a loaded machine; a clean run returns at once)."""
    deadline = time.monotonic() + 15.0
    while True:
        found = _sandbox_processes(ctx, uid)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _results_from_output(out: Path) -> dict:
    """What a killed batch left: rows rebuilt from ``results/<name>.json`` (Gradescope format)."""
    rows = {}
    for path in sorted((out / "results").glob("*.json")) if (out / "results").is_dir() else []:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        exercises = [{"id": t["tags"][0], "status": t["tags"][1], "score": t["score"], "points": t["max_score"],
                      "message": t.get("output", "")} for t in data.get("tests", []) if len(t.get("tags", [])) >= 2]
        rows[path.stem] = {"status": "ok" if exercises else "not graded", "message": data.get("output", ""),
                           "exercises": exercises, "max_score": sum(e["points"] for e in exercises)}
    return rows


def _run_batch(command_prefix: list, python: str, repo: Path, submissions: Path, out: Path, env: dict,
               timeout: float, jobs: int, ctx, uid) -> Batch:
    batch = Batch(out)
    result = out.parent / "result.json"
    command = [*command_prefix, python, str(repo / "tests" / "hostile" / "run_as_user.py"), str(submissions),
               "--out", str(out), "--result", str(result), "--jobs", str(jobs), "--limits", json.dumps(LIMITS)]
    process = subprocess.Popen(command, env=env, cwd=str(out.parent), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _, batch.stderr = process.communicate(timeout=timeout)
        batch.finished = True
    except subprocess.TimeoutExpired:
        for sig in (signal.SIGCONT, signal.SIGKILL):  # the grader's own process group, started here
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
        _, batch.stderr = process.communicate()
    batch.returncode = process.returncode
    if result.exists():
        batch.report = json.loads(result.read_text())
        batch.results = {name: row for name, row in batch.report.get("rows", [])}
    if not batch.results:
        batch.results = _results_from_output(out)
    batch.leftovers = _settled_leftovers(ctx, uid)
    return batch


def _write_submissions(folder: Path, suite: dict, extra_names=()) -> None:
    folder.mkdir(parents=True)
    for name, attack in suite.items():
        (folder / f"{name}.ipynb").write_bytes(kit.notebook(attack.cells))
    for name in extra_names:
        (folder / name).write_bytes(kit.notebook(kit.good_cells()))
    world.make_readable(folder)


def _shm_exists(key: int) -> bool:
    return ctypes.CDLL(None, use_errno=True).shmget(key, 0, 0) >= 0


def _remove_shm(key: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    segment = libc.shmget(key, 0, 0)
    if segment >= 0:
        libc.shmctl(segment, 0, None)  # IPC_RMID


@pytest.fixture(scope="class")
def run(request):
    mode = request.cls.MODE
    grader, confined = mode.split("-")[0], mode.endswith("-confined")
    if grader == "root" and not ROOT:
        pytest.skip("the root mode needs the grader to run as root")
    if grader == "user" and ROOT and not shutil.which("setpriv"):
        pytest.skip("the ordinary-user mode needs setpriv (util-linux) to drop to the test user")
    token = secrets.token_hex(6)
    base = Path(tempfile.mkdtemp(prefix=f"cl_redteam_{token}_", dir="/tmp"))
    base.chmod(0o755)
    listener = world.Listener()
    uid = None
    runner_ids = (os.getuid(), os.getgid())
    ctx = None
    try:
        repo = base / "repo"  # this checkout's code, where the test user can read it; its path marks the workers
        world.copy_tree(REPO / "course_lib", repo / "course_lib")
        world.copy_tree(REPO / "notebooks", repo / "notebooks")
        world.copy_tree(REPO / "tests" / "hostile", repo / "tests" / "hostile")
        world.make_readable(repo)
        if grader == "user":
            python = world.readable_python(base, repo) if ROOT else sys.executable
            if ROOT:
                runner_ids = _test_user(mode)
                uid = runner_ids[0]
            prefix = ([shutil.which("setpriv"), f"--reuid={runner_ids[0]}", f"--regid={runner_ids[1]}",
                       "--clear-groups", "--"] if ROOT else [])
        else:
            python, prefix = (world.readable_python(base, repo) if confined else sys.executable), []
        classmates = base / "classmates"  # another student's solved notebook, world-readable, outside
        classmates.mkdir()
        (classmates / "bob.ipynb").write_bytes(attacks.classmate_notebook())
        world.make_readable(classmates)
        work = base / "work"
        for sub in ("main", "neighbours", "home", "tmp"):
            (work / sub).mkdir(parents=True)
        ctx = attacks.Context(token, str(work / "main" / "out"), str(work / "main" / "submissions"),
                              str(classmates / "bob.ipynb"), listener.port, str(repo))
        ctx_n = attacks.Context(token, str(work / "neighbours" / "out"), str(work / "neighbours" / "submissions"),
                                ctx.classmate, listener.port, str(repo))
        suite = attacks.suite(ctx)
        suite.neighbours = attacks.suite(ctx_n).neighbours
        _write_submissions(Path(ctx.submissions_dir), suite.main, attacks.ODD_FILE_NAMES)
        _write_submissions(Path(ctx_n.submissions_dir), suite.neighbours)
        for folder in (work, work / "main", work / "neighbours", work / "home", work / "tmp"):
            os.chown(folder, *runner_ids)
        for folder in (work / "home", work / "tmp"):
            folder.chmod(0o755)  # as root the grader makes each worker's folder here, for another uid
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(work / "home"), "TMPDIR": str(work / "tmp"),
               "LANG": "C.UTF-8"}
        env.update({k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")})
        if confined:
            env["PATH"] = "/nonexistent"  # bubblewrap made unavailable: the grader finds no bwrap
        main = _run_batch(prefix, python, repo, Path(ctx.submissions_dir), Path(ctx.out_dir), env, MAIN_TIMEOUT,
                          2, ctx, uid)
        neighbours = _run_batch(prefix, python, repo, Path(ctx_n.submissions_dir), Path(ctx_n.out_dir), env,
                                NEIGHBOURS_TIMEOUT, 1, ctx, uid)
        listener.close()
        host_files = [p for p in ctx.leftover_paths if os.path.lexists(p)]
        host_files += [str(p) for folder in ("/tmp", "/dev/shm") for p in Path(folder).glob(f"fill_{token}_*")]
        yield Run(mode, ctx, suite, main, neighbours, list(listener.received), host_files,
                  _shm_exists(ctx.shm_key))
    finally:
        listener.close()
        if ctx is not None:
            for pid, _ in _sandbox_processes(ctx, uid):  # only this run's processes, each by its pid
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            _remove_shm(ctx.shm_key)
            for path in ctx.leftover_paths:
                if os.path.lexists(path):
                    os.unlink(path)
            for folder in ("/tmp", "/dev/shm"):
                for path in Path(folder).glob(f"fill_{token}_*"):
                    path.unlink()
        shutil.rmtree(base, ignore_errors=True)


# --- the checks of one mode's run: its batches, what reached the outputs and the host, grades.csv ----

def _batches(run: Run):
    return (("main", run.main), ("neighbours", run.neighbours))


def _assert_gained_nothing(results: dict, name: str, attack: attacks.Attack, clean: str) -> None:
    """The attacked exercises get an expected status (0 points unless passed); every other one fares as in
    the clean submission ``clean`` of the same batch (full marks, unless the grader fails it for everyone)."""
    assert name in results, f"{name}: no result (the batch did not finish?)"
    baseline = {ex["id"]: ex for ex in results.get(clean, {}).get("exercises", [])}
    row = results[name]
    score = sum(ex["score"] for ex in row["exercises"])
    if attack.whole_submission and row["status"] != "ok":
        assert row["message"], "a submission refused without a reason"
        assert score == 0
        return
    assert row["status"] == "ok", row["message"]
    by_id = {ex["id"]: ex for ex in row["exercises"]}
    assert set(by_id) == set(kit.POINTS)
    for exercise_id, ex in by_id.items():
        if exercise_id in attack.expected:
            assert ex["status"] in attack.expected[exercise_id], (exercise_id, ex["status"], ex["message"])
            if ex["status"] != "passed":
                assert ex["score"] == 0
        elif not attack.whole_submission:
            reference = baseline.get(exercise_id, {"status": "passed", "score": ex["points"]})
            assert (ex["status"], ex["score"]) == (reference["status"], reference["score"]), \
                (exercise_id, ex["status"], ex["message"])


def _output_files(run: Run):
    for _, batch in _batches(run):
        if batch.out.is_dir():
            yield from (p for p in batch.out.rglob("*") if p.is_file())


def _csv_rows(path: Path) -> list:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


class RedTeamChecks:
    """Every check of one mode's run (:func:`run`); a subclass per mode, so that xdist's ``loadscope``
    may give each mode's run to another worker."""

    MODE = ""

    def test_both_batches_finish(self, run):
        for label, batch in _batches(run):
            assert batch.finished, f"{label} batch stuck, killed after its deadline: {batch.stderr[-2000:]}"
            assert batch.returncode == 0, f"{label}: {batch.report.get('error') or batch.stderr[-2000:]}"
            expected = (len(run.suite.main) + len(attacks.ODD_FILE_NAMES) if label == "main"
                        else len(run.suite.neighbours))
            assert len(batch.results) == expected

    def test_the_grader_ran_as_intended(self, run):
        report = run.main.report
        assert report, "no report from the grader process"
        assert report["course_lib"] == run.ctx.course_lib_dir
        assert (report["uid"] == 0) == run.mode.startswith("root")

    def test_the_sandbox_is_the_modes(self, run):
        """bubblewrap where it can start; where it cannot, the confined fallback (never an unconfined one)."""
        row = run.main.results.get("aaa_good")
        assert row is not None, "the clean submission was not graded"
        if run.mode.endswith("-confined"):
            assert row.get("isolation", "").startswith("confined: bubblewrap (bwrap) is not installed"), \
                row["isolation"]
            assert "seccomp filter" in row["isolation"] and "Landlock ABI" in row["isolation"]
        else:
            assert row.get("isolation") == "bubblewrap", row.get("isolation")

    def test_clean_submissions_get_full_marks(self, run):
        rows = {**run.main.results, **run.neighbours.results}
        clean = ["aaa_good", "zzz_good", "b2_good", "b3_good"]
        for name in clean:
            assert name in rows, f"{name}: not graded"
            row = rows[name]
            assert row["status"] == "ok", row["message"]
            assert sum(ex["score"] for ex in row["exercises"]) == kit.TOTAL, [(e["id"], e["status"]) for e in
                                                                              row["exercises"]]

    @pytest.mark.parametrize("name", MAIN_ATTACKS)
    def test_an_attack_gains_nothing(self, run, name):
        _assert_gained_nothing(run.main.results, name, run.suite.main[name], "aaa_good")

    @pytest.mark.parametrize("name", NEIGHBOUR_ATTACKS)
    def test_a_neighbour_gains_nothing_and_loses_nothing(self, run, name):
        _assert_gained_nothing(run.neighbours.results, name, run.suite.neighbours[name], "b2_good")

    def test_big_cells_are_refused_with_a_reason(self, run):
        for name in ("big_cell_2mb", "big_cell_17mb"):
            row = run.main.results.get(name)
            assert row is not None, f"{name}: not graded"
            if row["status"] == "ok":
                ex = {e["id"]: e for e in row["exercises"]}["double_it"]
                assert ex["status"] != "passed", (name, ex["status"], ex["message"])
                message = ex["message"]
            else:
                message = row["message"]
            assert re.search(SIZE_WORDS, message, re.IGNORECASE), f"{name}: no word of its size: {message!r}"

    def test_no_secret_in_any_output_file(self, run):
        files = list(_output_files(run))
        assert files
        for path in files:
            text = path.read_bytes().decode("utf-8", "replace")
            for secret in SECRETS:
                assert secret not in text, f"{secret!r} in {path.relative_to(path.parents[2])}"

    def test_hidden_tests_show_only_their_number_and_outcome(self, run):
        for path in (run.main.out / "feedback").glob("*.md"):
            for line in path.read_text().splitlines():
                if "hidden test" in line:
                    assert "LEAK" not in line and "expected" not in line and "got " not in line, (path.name, line)

    def test_student_code_writes_nothing_into_the_grader_output(self, run):
        for path in _output_files(run):
            data = path.read_bytes()
            assert b"HACKED" not in data and b'"forged": true' not in data, path
            assert path.name != "forged-entry.json", path

    def test_nothing_reached_the_listener(self, run):
        assert run.received == []

    def test_no_sandbox_process_survives(self, run):
        for label, batch in _batches(run):
            assert batch.leftovers == [], f"after the {label} batch: {batch.leftovers}"

    def test_the_host_has_no_leftover_files_or_shared_memory(self, run):
        assert run.host_files == []
        assert not run.host_shm, "the first student's System V segment is in the host's IPC namespace"

    def test_the_graders_oom_score_adj_is_untouched(self, run):
        report = run.main.report
        assert report, "no report from the grader process"
        assert report["oom_score_adj_after"] == report["oom_score_adj_before"]

    def test_the_graders_memory_stays_bounded(self, run):
        report = run.main.report
        assert report, "no report from the grader process"
        assert report["max_rss_mib"] < MAX_GRADER_RSS_MIB

    def test_grades_csv_cells_are_never_formulas(self, run):
        for _, batch in _batches(run):
            for row in _csv_rows(batch.out / "grades.csv"):
                for cell in row:
                    assert not cell.startswith(FORMULA_STARTS), (cell, row[:3])

    def test_grades_csv_rows_have_unique_ids_and_their_original_file_names(self, run):
        rows = _csv_rows(run.main.out / "grades.csv")[1:]
        ids = [row[0] for row in rows]
        assert len(ids) == len(set(ids))
        for name in attacks.ODD_FILE_NAMES:  # the name as given, perhaps prefixed (') or as a path
            holding = [row for row in rows if any(cell.lstrip("'").split("/")[-1] == name for cell in row)]
            assert len(holding) == 1, (name, [row[:2] for row in rows if "ob" in row[0] or "cmd" in row[0]])


class TestRoot(RedTeamChecks):
    MODE = "root"


class TestUser(RedTeamChecks):
    MODE = "user"


class TestRootConfined(RedTeamChecks):
    MODE = "root-confined"


class TestUserConfined(RedTeamChecks):
    MODE = "user-confined"


# --- in this process: the cache, Gradescope -------------------------------------------------------------

IN_PROCESS_LIMITS = Limits(**LIMITS)
WRONG_DOUBLE = kit.notebook(kit.good_cells({"double_it": "def double_it(x):\n    return x\n"}))


def _cache_entries(out: Path) -> list:
    entries = []
    for path in sorted((out / ".cache").rglob("*")) if (out / ".cache").is_dir() else []:
        if path.is_file() and b"double_it" in path.read_bytes():
            entries.append(path)
    return entries


def _full_marks(obj):
    if isinstance(obj, dict):
        obj = {k: _full_marks(v) for k, v in obj.items()}
        if "points" in obj and "score" in obj:
            obj["score"] = obj["points"]
        if obj.get("status") in attacks.NOT_PASSED:
            obj["status"] = "passed"
        if obj.get("passed") is False:
            obj["passed"] = True
        return obj
    if isinstance(obj, list):
        return [_full_marks(v) for v in obj]
    return obj


def _grade_one(folder: Path, name: str, data: bytes, out: Path) -> dict:
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    with kit.registered():
        return dict(autograder.grade_batch([folder], out, IN_PROCESS_LIMITS, jobs=1, progress=False))


def _double_it(result) -> str:
    return {ex.id: ex for ex in result.exercises}["double_it"].status


def test_a_cache_entry_forged_by_hand_is_rejected(tmp_path):
    first = _grade_one(tmp_path / "subs", "bob.ipynb", WRONG_DOUBLE, tmp_path / "out")["bob"]
    assert _double_it(first) == "failed"
    entries = _cache_entries(tmp_path / "out")
    assert entries, "no cache entry written"
    for path in entries:
        path.write_text(json.dumps(_full_marks(json.loads(path.read_text()))))
    again = _grade_one(tmp_path / "subs", "bob.ipynb", WRONG_DOUBLE, tmp_path / "out")["bob"]
    assert again.status == "ok" and _double_it(again) == "failed"
    assert again.score == first.score


def test_a_cache_entry_replayed_from_another_submission_is_rejected(tmp_path):
    """Alice's genuine entry copied over Bob's, in the same output folder (signed with the same key)."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    (subs / "alice.ipynb").write_bytes(kit.notebook(kit.good_cells()))
    with kit.registered():
        first = dict(autograder.grade_batch([subs], out, IN_PROCESS_LIMITS, jobs=1, progress=False))
    bad = _grade_one(subs, "bob.ipynb", WRONG_DOUBLE, out)["bob"]
    assert _double_it(first["alice"]) == "passed" and _double_it(bad) == "failed"
    entries = _cache_entries(out)
    bobs = [path for path in entries if b'"failed"' in path.read_bytes()]
    alices = [path for path in entries if path not in bobs]
    assert len(bobs) == 1 and len(alices) == 1, entries
    bobs[0].write_bytes(alices[0].read_bytes())
    again = _grade_one(subs, "bob.ipynb", WRONG_DOUBLE, out)["bob"]
    assert again.status == "ok" and _double_it(again) == "failed"
    assert again.score == bad.score


def _autograde(tmp_path: Path, files: dict) -> tuple[dict, str]:
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "results").mkdir()
    for name, data in files.items():
        (root / "submission" / name).write_bytes(data)
    gradescope.autograde(root)
    text = (root / "results" / "results.json").read_text()
    return json.loads(text), text


def _points(stem: str) -> float:
    return float(sum(ex.points for ex in bank.for_notebook(stem)))


def test_gradescope_two_copies_of_a_notebook_score_once(tmp_path):
    solved = (REPO / "notebooks" / "03_multiclass_svm.ipynb").read_bytes()
    results, text = _autograde(tmp_path, {"03_multiclass_svm.ipynb": solved,
                                          "03_multiclass_svm_copy.ipynb": solved})
    full = _points("03_multiclass_svm")
    assert results["score"] == full  # not 2 * full
    assert sum(test["max_score"] for test in results["tests"]) == full
    # both files named in what the student reads: the graded one and the one reported, not counted
    assert "03_multiclass_svm_copy" in results["output"]
    assert re.search(r"03_multiclass_svm(?!_copy)", results["output"])


def test_gradescope_a_renamed_notebook_does_not_score_for_the_one_it_is_named_after(tmp_path):
    solved_00 = (REPO / "notebooks" / "00_start_here.ipynb").read_bytes()
    results, text = _autograde(tmp_path, {"03_multiclass_svm.ipynb": solved_00})
    ids_03 = {ex.id for ex in bank.for_notebook("03_multiclass_svm")}
    assert not [t for t in results["tests"] if set(t.get("tags", [])) & ids_03 and t["score"] > 0]
    assert results["score"] <= _points("00_start_here")
    assert "03_multiclass_svm" in text


def test_gradescope_a_complex_answer_scores_nothing(tmp_path):
    cells = kit.good_cells({"double_it": "def double_it(x):\n    return (2 * x).astype(complex)\n"})
    with kit.registered():
        results, _ = _autograde(tmp_path, {"zz_grader_test.ipynb": kit.notebook(cells)})
    double = [t for t in results["tests"] if "double_it" in t.get("tags", [])]
    assert double, f"not graded: {results['output']}"
    assert double[0]["score"] == 0
    assert results["score"] <= kit.TOTAL - kit.POINTS["double_it"]
