"""Issue 23, items 1 and 4: each submission read once, safely, at collection; the cache and --out trusted only
if they are the grader's own."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from hostile import kit, world  # noqa: E402

from course_lib.cli import main
from course_lib.grading.autograde import batch, intake
from course_lib.grading.autograde.cache import CacheError, ResultCache
from course_lib.grading.autograde.limits import Limits
from course_lib.grading.exercises import notebook as notebook_io
from course_lib.grading.judging.results import SubmissionResult

LIMITS = Limits(cell_timeout=5, timeout=30)
ROOT = os.geteuid() == 0
GOOD = kit.notebook(kit.good_cells())
WRONG = kit.notebook(kit.good_cells({"double_it": "def double_it(x):\n    return x\n"}))


@pytest.fixture
def test_bank():
    with kit.registered():
        yield


def _grade(paths, out, **kwargs) -> dict:
    return dict(batch.grade_batch(paths, out, LIMITS, jobs=1, progress=False, **kwargs))


# --- reading once ------------------------------------------------------------------------------------------

def test_a_fifo_at_collection_gets_a_status_and_never_blocks(test_bank, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.ipynb").write_bytes(GOOD)
    os.mkfifo(subs / "bob.ipynb")  # nobody ever writes to it: an open() without O_NONBLOCK waits for ever
    rows = _grade([subs], tmp_path / "out")
    assert rows["alice"].score == kit.TOTAL
    assert rows["bob"].status == "unreadable" and "FIFO" in rows["bob"].message
    assert "bob" in (tmp_path / "out" / "grades.csv").read_text()


def test_a_fifo_swapped_in_after_collection_changes_nothing(test_bank, tmp_path, monkeypatch):
    """The file is replaced by a FIFO between collection and grading: it is graded as read, nothing hangs."""
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.ipynb").write_bytes(GOOD)
    (subs / "bob.ipynb").write_bytes(WRONG)
    real = intake.Intake
    swapped = []

    def collect_then_swap(found, *args, **kwargs):
        taken = real(found, *args, **kwargs)
        for _, _, path in found:
            path.unlink()
            os.mkfifo(path)
            swapped.append(path)
        return taken

    monkeypatch.setattr(batch, "Intake", collect_then_swap)
    rows = _grade([subs], tmp_path / "out")
    assert len(swapped) == 2 and all(stat.S_ISFIFO(os.stat(p).st_mode) for p in swapped)
    assert rows["alice"].score == kit.TOTAL
    assert {ex.id: ex.status for ex in rows["bob"].exercises}["double_it"] == "failed"
    assert rows["bob"].score == kit.TOTAL - kit.POINTS["double_it"]


def test_a_file_changed_after_collection_is_graded_as_read(test_bank, tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "bob.ipynb").write_bytes(WRONG)
    real = intake.Intake

    def collect_then_fix(found, *args, **kwargs):
        taken = real(found, *args, **kwargs)
        (subs / "bob.ipynb").write_bytes(GOOD)  # a late "correction" after the deadline
        return taken

    monkeypatch.setattr(batch, "Intake", collect_then_fix)
    assert _grade([subs], tmp_path / "out")["bob"].score == kit.TOTAL - kit.POINTS["double_it"]


def test_links_devices_and_folders_are_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("instructor only")
    (tmp_path / "link.ipynb").symlink_to(secret)
    (tmp_path / "folder.ipynb").mkdir()
    found = {name: intake.read_once(tmp_path / name) for name in ("link.ipynb", "folder.ipynb")}
    found["device"] = intake.read_once("/dev/zero")  # endless: a read to the end would never stop
    assert found["link.ipynb"][:2] == (None, "unreadable") and "symbolic link" in found["link.ipynb"][2]
    assert found["folder.ipynb"][0] is None and "a folder" in found["folder.ipynb"][2]
    assert found["device"][0] is None and "character device" in found["device"][2]


def test_the_size_is_checked_on_the_descriptor_before_reading(tmp_path):
    sparse = tmp_path / "huge.ipynb"
    with open(sparse, "wb") as handle:
        handle.truncate(notebook_io.MAX_BYTES + 1)  # a hole: nothing to read, but too large
    data, status, why = intake.read_once(sparse)
    assert data is None and status == "too large" and f"{notebook_io.MAX_BYTES:,}" in why


def test_beyond_the_memory_budget_submissions_wait_in_a_private_spool(tmp_path):
    for k in range(3):
        (tmp_path / f"s{k}.ipynb").write_bytes(GOOD + b" " * k)
    found = intake.collect([tmp_path], tmp_path / "out")
    taken = intake.Intake(found, memory_budget=len(GOOD) + 1)
    try:
        held = [e for e in taken.submissions if e._held is not None]
        spooled = [e for e in taken.submissions if e._spooled is not None]
        assert len(held) == 1 and len(spooled) == 2
        st = os.lstat(taken.spool)
        assert st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) == 0o700
        for entry in taken.submissions:
            (tmp_path / f"{entry.name}.ipynb").write_bytes(b"changed")  # the originals no longer matter
            assert taken.data(entry).startswith(GOOD)
        victim = os.path.join(taken.spool, spooled[0]._spooled)
        os.chmod(victim, 0o600)
        Path(victim).write_bytes(b"tampered")
        with pytest.raises(OSError, match="changed since it was read"):
            taken.data(spooled[0])
    finally:
        spool = taken.spool
        taken.close()
    assert not os.path.exists(spool)


def test_collection_lists_odd_entries_and_skips_checkpoints_and_the_output(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "nb.ipynb").write_bytes(GOOD)
    (tmp_path / "a" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "a" / ".ipynb_checkpoints" / "nb-checkpoint.ipynb").write_bytes(GOOD)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x.ipynb").write_bytes(GOOD)
    os.mkfifo(tmp_path / "pipe.ipynb")
    (tmp_path / "elsewhere").symlink_to(tmp_path / "a", target_is_directory=True)  # not entered
    names = [name for name, _, _ in intake.collect([tmp_path], tmp_path / "out")]
    assert names == ["a__nb", "pipe"]


# --- the cache ---------------------------------------------------------------------------------------------

def _entry_names(out: Path) -> list:
    return sorted(p.name for p in (out / ".cache").iterdir() if p.name.endswith(".json"))


def test_the_cache_folder_is_private_and_a_shared_one_is_refused(test_bank, tmp_path):
    (tmp_path / "s.ipynb").write_bytes(GOOD)
    out = tmp_path / "out"
    _grade([tmp_path / "s.ipynb"], out)
    cache = out / ".cache"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE((cache / "secret").stat().st_mode) == 0o600
    cache.chmod(0o777)  # someone else could now plant entries and a secret
    with pytest.raises(CacheError, match=r"must be private to this grader .*remove it"):
        _grade([tmp_path / "s.ipynb"], out)
    assert main(["grade", str(tmp_path / "s.ipynb"), "--out", str(out)]) == 2


def test_a_cache_planted_as_a_link_is_refused(test_bank, tmp_path):
    (tmp_path / "s.ipynb").write_bytes(GOOD)
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    _grade([tmp_path / "s.ipynb"], out)
    (out / ".cache").rename(elsewhere)
    (out / ".cache").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(CacheError, match="not a folder this grader can use"):
        _grade([tmp_path / "s.ipynb"], out)


def test_entries_that_are_links_fifos_or_too_large_are_ignored(tmp_path):
    cache = ResultCache(tmp_path / "cache", "v1")
    result = SubmissionResult("zz_grader_test", "ok", "", [], 6.0, "bubblewrap")
    digests = [cache.digest(bytes([k])) for k in range(3)]
    for digest in digests:
        cache.put(digest, result)
    assert all(cache.get(d) is not None for d in digests)
    folder = tmp_path / "cache"
    (folder / f"{digests[0]}.json").unlink()
    (folder / f"{digests[0]}.json").symlink_to(folder / f"{digests[1]}.json")
    (folder / f"{digests[1]}.json").unlink()
    os.mkfifo(folder / f"{digests[1]}.json")
    entry = json.loads((folder / f"{digests[2]}.json").read_text())
    entry["pad"] = "x" * (5 << 20)
    (folder / f"{digests[2]}.json").write_text(json.dumps(entry))
    assert [cache.get(d) for d in digests] == [None, None, None]
    cache.close()


@pytest.mark.skipif(not ROOT, reason="needs a second user to own the folder")
def test_an_output_folder_of_another_user_is_refused(test_bank, tmp_path):
    uid, gid = world.test_user("cl_planter")
    out = tmp_path / "theirs"
    out.mkdir()
    (out / ".course_lib_grades").write_text("")
    os.chown(out, uid, gid)
    (tmp_path / "s.ipynb").write_bytes(GOOD)
    with pytest.raises(ValueError, match=rf"--out: {out} belongs to uid {uid}, not to this grader"):
        _grade([tmp_path / "s.ipynb"], out)
    assert sorted(p.name for p in out.iterdir()) == [".course_lib_grades"]


def test_grading_never_waits_on_a_fifo_given_by_name(tmp_path, capsys):
    """A FIFO given on the command line: one row, no hang (the open does not wait for a writer)."""
    fifo = tmp_path / "given.ipynb"
    os.mkfifo(fifo)
    done = threading.Event()
    box = {}

    def run():
        with kit.registered():
            box["rows"] = dict(batch.grade_batch([fifo], tmp_path / "out", LIMITS, jobs=1, progress=False))
        done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(120)
    if not done.is_set():  # unblock the open with a writer, so that the test process can end
        with open(fifo, "wb"):
            pass
        thread.join(30)
    assert done.is_set(), "grading blocked on a FIFO"
    assert box["rows"]["given"].status == "unreadable"
