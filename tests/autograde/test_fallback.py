"""Issue 23, items 1 and 2: nothing trusted by name; without bubblewrap, a boundary or an honest refusal.

Graders run as processes of their own (``hostile/fallback_claims.py``) with bubblewrap made
unavailable, in three modes: ``root`` and ``user`` (``cl_fallback``, through ``setpriv``) with no
``bwrap`` on the PATH, and ``docker-like`` (root without ``CAP_SYS_ADMIN`` under a filter like
Docker's default seccomp profile, ``gradescope_like.py``, where bubblewrap fails by itself). Each
runs one attack in its sandbox and, as a control, the same code as a plain process with the same
package: each attack works there, and must not in the sandbox. They run a world-readable copy of
this checkout and a world-readable venv (``hostile/world.py``), since a worker uid cannot reach
``/root``.

The planted-folder attack needs a second local user (``cl_planter``): she fills a world-writable
TMPDIR with the folders the grader used to trust by name; graders as root (bubblewrap and
confined) and as a user then grade a blank notebook there.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hostile import kit, sandbox_run, world  # noqa: E402

from course_lib.cli import main
from course_lib.grading.autograde import batch, confine, isolation
from course_lib.grading.autograde.limits import Limits

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ROOT = os.geteuid() == 0
RUNNER, PLANTER = "cl_fallback", "cl_planter"  # a user of its own: test_red_team counts cl_redteam's processes
MODES = ("root", "user", "docker-like")
TIMEOUT = 300




@dataclasses.dataclass
class World:
    base: Path
    repo: Path
    python: str
    runner: tuple
    request: dict  # for fallback_claims.py
    runs: dict = dataclasses.field(default_factory=dict)


@pytest.fixture(scope="module")
def place():
    if not ROOT:
        pytest.skip("these modes need root: to drop to a test user and to simulate a container")
    if not shutil.which("setpriv") and not os.path.exists("/usr/bin/setpriv"):
        pytest.skip("needs setpriv (util-linux)")
    base = Path(tempfile.mkdtemp(prefix="cl_fallback_", dir="/tmp"))
    base.chmod(0o755)
    try:
        repo = base / "repo"
        for part in ("course_lib", "notebooks", "tests/hostile"):
            world.copy_tree(REPO / part, repo / part)
        world.make_readable(repo)
        python = world.readable_python(base, repo)
        instructor = base / "instructor" / "notebooks"  # a 0644 copy of the source notebooks, outside
        world.copy_tree(REPO / "notebooks", instructor)
        submissions = base / "submissions"
        submissions.mkdir()
        (submissions / "bob.ipynb").write_bytes(kit.notebook(kit.good_cells()))
        classmates = base / "classmates"  # a classmate's solved notebook, where cl.mine would look
        classmates.mkdir()
        shutil.copy(REPO / "notebooks" / "03_multiclass_svm.ipynb", classmates)
        world.make_readable(base)
        runner = world.test_user(RUNNER)
        for mode in MODES:
            tmp = base / f"tmp-{mode}"
            tmp.mkdir(mode=0o755)
            os.chown(tmp, *(runner if mode == "user" else (0, 0)))
        request = {"repo": str(repo), "instructor": str(instructor / "00_start_here.ipynb"),
                   "classmate": str(submissions / "bob.ipynb"), "classmates": str(classmates), "control": True}
        yield World(base, repo, python, runner, request)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _setpriv(ids: tuple) -> list:
    return [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={ids[0]}", f"--regid={ids[1]}",
            "--clear-groups", "--"]


def _env(tmp: Path, path: str = "/nonexistent") -> dict:
    return {"PATH": path, "HOME": str(tmp), "TMPDIR": str(tmp), "LANG": "C.UTF-8"}


def _claims_command(place: World, mode: str, request: dict) -> list:
    script = str(place.repo / "tests" / "hostile" / "fallback_claims.py")
    if mode == "docker-like":
        return [place.python, "-I", str(HERE / "gradescope_like.py"), "outer",
                json.dumps({"stage": "grader", "claims": request})]
    return [*(_setpriv(place.runner) if mode == "user" else []), place.python, "-I", script, json.dumps(request)]


def _last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def claims(place: World, mode: str) -> dict:
    """The attack run by a grader of ``mode`` (once per module): its report, and what the listener got."""
    if mode in place.runs:
        return place.runs[mode]
    listener = world.Listener()
    try:
        request = {**place.request, "port": listener.port}
        tmp = place.base / f"tmp-{mode}"
        env = _env(tmp, "/usr/bin:/bin" if mode == "docker-like" else "/nonexistent")
        done = subprocess.run(_claims_command(place, mode, request), env=env, cwd=str(tmp), capture_output=True,
                              text=True, timeout=TIMEOUT)
        assert done.returncode == 0, done.stderr[-3000:]
        report = _last_json(done.stdout)
        report["received"] = list(listener.received)
        if mode == "docker-like":
            report["container"] = json.loads(done.stdout.strip().splitlines()[0])["container"]
    finally:
        listener.close()
    place.runs[mode] = report
    return report


def _refused(entry: dict, why: str = "PermissionError") -> None:
    assert not entry["ok"], f"it worked: {entry.get('value')!r}"[:500]
    assert entry["error"].startswith(why), entry["error"]


# --- the confined fallback: each claim, against its control --------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_without_bubblewrap_the_fallback_is_confined_and_says_how(place, mode):
    report = claims(place, mode)
    assert "refused" not in report, report.get("refused")
    assert report["mode"].startswith("confined: "), report["mode"]
    layers = set(report["mode_json"]["layers"])
    assert {"seccomp", "landlock-fs"} <= layers and report["mode_json"]["bwrap"] is False
    assert ("distinct-uid" in layers) == (mode != "user")
    assert ("user-and-network-namespaces" in layers) == (mode != "docker-like")
    if mode == "docker-like":
        container = report["container"]
        assert container["uid"] == 0 and not container["cap_sys_admin"] and container["seccomp_mode"] == "2"
        assert "bubblewrap cannot start here" in report["mode"]
    else:
        assert "bubblewrap (bwrap) is not installed" in report["mode"]


@pytest.mark.parametrize("mode", MODES)
def test_the_control_shows_each_attack_works_outside_the_sandbox(place, mode):
    control = claims(place, mode)["control"]
    assert control["tcp"]["value"] == "sent"
    assert '"nbformat"' in control["instructor"]["value"] or "cells" in control["instructor"]["value"]
    assert "double_it" in control["classmate"]["value"]
    assert any(script in control["grader_cmdline"]["value"] for script in ("fallback_claims.py", "gradescope_like.py"))
    assert control["other_pids"]["ok"] and control["other_pids"]["value"]
    assert control["mine"]["value"]["usable"] is True, control["mine"]
    assert control["disk_mib"]["value"] == 40


@pytest.mark.parametrize("mode", MODES)
def test_no_network(place, mode):
    report = claims(place, mode)
    _refused(report["sandboxed"]["tcp"])
    assert report["received"] == [b"LEAK hidden inputs"]  # the control's connection, and only it


@pytest.mark.parametrize("mode", MODES)
def test_no_instructor_file_and_no_other_submission(place, mode):
    sandboxed = claims(place, mode)["sandboxed"]
    _refused(sandboxed["instructor"])
    _refused(sandboxed["classmate"])
    for path in (place.request["instructor"], place.request["classmate"]):
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o004  # readable by every uid: only Landlock stops it


@pytest.mark.parametrize("mode", MODES)
def test_no_proc_of_the_grader(place, mode):
    sandboxed = claims(place, mode)["sandboxed"]
    for name in ("grader_cmdline", "grader_environ", "other_pids"):
        _refused(sandboxed[name])


@pytest.mark.parametrize("mode", MODES)
def test_cl_mine_with_the_sandbox_variable_off_reads_no_classmate(place, mode):
    mine = claims(place, mode)["sandboxed"]["mine"]
    assert mine["ok"], mine
    assert mine["value"]["usable"] is False
    assert "could not be read" in mine["value"]["repr"], mine["value"]["repr"]


@pytest.mark.parametrize("mode", MODES)
def test_a_worker_runs_as_its_own_uid_and_computes(place, mode):
    sandboxed = claims(place, mode)["sandboxed"]
    uid = sandboxed["uid"]["value"]
    if mode == "user":
        assert uid == place.runner[0]
    else:
        assert confine.WORKER_UID_BASE <= uid < confine.WORKER_UID_BASE + confine.WORKER_SLOTS
    assert sandboxed["numpy"]["value"] == 2.0


@pytest.mark.parametrize("mode", MODES)
def test_disk_is_capped_where_namespaces_are_allowed_and_not_in_a_container(place, mode):
    """The worker's folder is a 16 MiB tmpfs in its own mount namespace; in Docker (no namespaces) it is a plain
    folder, bounded per file only (RLIMIT_FSIZE): what the README lists as not covered, shown for real."""
    written = claims(place, mode)["sandboxed"]["disk_mib"]["value"]
    assert written == (40 if mode == "docker-like" else Limits().disk_mb)


# --- the honest refusal and --unsafe-no-sandbox ------------------------------------------------------------

_WEAKER_KERNEL = """
import dataclasses, json, sys
request = json.loads(sys.argv[1])
sys.path[:0] = [request["repo"], request["repo"] + "/tests/hostile"]
from course_lib.grading.autograde import confine
real = confine.probe

def probe(*args, **kwargs):  # a kernel without Landlock (as on Debian 11's 5.10)
    found = real(*args, **kwargs)
    return dataclasses.replace(found, landlock_abi=0, notes={**found.notes, "landlock": "ENOSYS (test)"})

confine.probe = probe
import fallback_claims
fallback_claims.main([json.dumps(request)])
"""


@pytest.mark.parametrize("unsafe", [False, True])
def test_without_landlock_grading_refuses_unless_unsafe_and_says_what_is_open(place, unsafe):
    """As an ordinary user on a kernel without Landlock: refused by default; with --unsafe-no-sandbox, graded
    with the seccomp filter only, and the files its uid can read are indeed open, as the summary says."""
    listener = world.Listener()
    try:
        request = {**place.request, "port": listener.port, "unsafe": unsafe, "control": False}
        tmp = place.base / "tmp-user"
        done = subprocess.run([*_setpriv(place.runner), place.python, "-I", "-c", _WEAKER_KERNEL,
                               json.dumps(request)], env=_env(tmp), cwd=str(tmp), capture_output=True, text=True,
                              timeout=TIMEOUT)
    finally:
        listener.close()
    assert done.returncode == 0, done.stderr[-3000:]
    report = _last_json(done.stdout)
    if not unsafe:
        assert "No Landlock" in report["refused"] and isolation.UNSAFE_FLAG in report["refused"]
        assert "mode" not in report
        return
    assert report["mode"].startswith("unsafe: ") and "No Landlock" in report["mode"]
    sandboxed = report["sandboxed"]
    assert "double_it" in sandboxed["classmate"]["value"]  # what "No Landlock" says: readable files are open
    _refused(sandboxed["tcp"])  # the seccomp filter still applies
    assert listener.received == []


@pytest.fixture
def no_bwrap(monkeypatch):
    """This process's isolation chosen afresh, with bubblewrap made unavailable."""
    monkeypatch.setattr(isolation, "_bwrap_problem", lambda: "bubblewrap made unavailable for this test")
    saved = list(isolation._CURRENT)
    isolation._detect.cache_clear()
    isolation._CURRENT.clear()
    yield
    isolation._detect.cache_clear()
    isolation._CURRENT[:] = saved


def _no_kernel_layers(*args, **kwargs):
    return confine.Probe("x86_64", 1000, False, 0, False, False,
                         {"landlock": "ENOSYS (test)", "seccomp": "EINVAL (test)", "namespaces": "EPERM (test)"})


def test_grade_refuses_in_one_line_and_writes_nothing(no_bwrap, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(confine, "probe", _no_kernel_layers)
    (tmp_path / "s.ipynb").write_bytes(kit.notebook(kit.good_cells()))
    assert main(["grade", str(tmp_path / "s.ipynb"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: bubblewrap made unavailable for this test, and nothing else isolates")
    assert "No seccomp filter" in err and "No Landlock" in err and isolation.UNSAFE_FLAG in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()
    with pytest.raises(isolation.IsolationRefused, match="nothing else isolates"):
        batch.grade_batch([tmp_path / "s.ipynb"], tmp_path / "out2", progress=False)
    assert not (tmp_path / "out2").exists()


def test_a_root_grader_without_setuid_is_refused_even_unsafe(no_bwrap, monkeypatch):
    monkeypatch.setattr(confine, "probe", lambda *a, **k: confine.Probe("x86_64", 0, False, 6, True, False))
    for unsafe in (False, True):
        with pytest.raises(isolation.IsolationRefused, match="never as root"):
            isolation.choose(unsafe)


@pytest.mark.skipif(not ROOT, reason="the worker uid check applies to a root grader")
def test_a_root_grader_whose_interpreter_a_worker_cannot_read_is_refused_with_the_folder_named(no_bwrap):
    executable = os.path.realpath(sys.executable)
    blocked = confine._blocking(executable, confine.Identity(confine.WORKER_UID_BASE, confine.WORKER_UID_BASE),
                                os.R_OK | os.X_OK)
    if blocked is None:
        pytest.skip(f"{executable} is readable by every uid here")
    with pytest.raises(isolation.IsolationRefused, match=r"cannot reach .* cannot be searched.*never runs as root"):
        isolation.choose(True)


# --- nothing trusted by name ---------------------------------------------------------------------------------

def test_the_package_folder_is_made_by_this_process_and_private():
    folder = isolation.answer_free_package()
    st = os.lstat(folder)
    assert stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) == 0o711
    assert os.path.dirname(folder) == tempfile.gettempdir()
    assert os.path.basename(folder).startswith("course_lib_package_")
    worker = Path(folder, "course", "course_lib", "grading", "autograde", "worker.py")
    assert stat.S_IMODE(worker.stat().st_mode) == 0o644 and worker.stat().st_uid == os.geteuid()
    bank = Path(folder, "course", "course_lib", "grading", "exercises", "bank")
    assert not bank.exists() or not list(bank.glob("nb*.py"))  # the data bank only: no hidden test, no reference
    numpy_dir = next(d for d in isolation._package_dirs() if os.path.basename(d) == "numpy")
    assert os.readlink(Path(folder, "site", "numpy")) == numpy_dir


def test_a_second_package_folder_is_new_whatever_exists(monkeypatch, tmp_path):
    tmp_path.chmod(0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(isolation, "_PACKAGE", {})
    first = isolation.answer_free_package()
    isolation._PACKAGE.clear()
    second = isolation.answer_free_package()
    assert first != second and Path(first).is_dir()
    isolation._remove_package()
    assert not Path(second).exists()
    shutil.rmtree(first)


def test_a_tmpdir_anyone_can_replace_folders_in_is_refused(monkeypatch, tmp_path):
    tmp_path.chmod(0o777)  # world-writable without the sticky bit
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(isolation, "_PACKAGE", {})
    with pytest.raises(isolation.IsolationRefused, match="TMPDIR: .* writable by every user without the sticky bit"):
        isolation.answer_free_package()


def _old_package_names(uids) -> list:
    """The names the grader used to trust in TMPDIR: ``course_lib_sandbox_<uid>_<digest of the release>``
    (computed from the student release, which everyone has) and ``course_lib_site_<uid>``."""
    from course_lib.grading.release import build as release

    names = []
    for registered in (False, True):
        with kit.registered() if registered else _nothing():
            digest = hashlib.sha256()
            for relative, data in release.package_files(mode="graded"):
                digest.update(relative.encode() + b"\0" + hashlib.sha256(data).digest())
        names += [f"course_lib_sandbox_{uid}_{digest.hexdigest()[:16]}" for uid in uids]
    return sorted(set(names + [f"course_lib_site_{uid}" for uid in uids]))


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_PLANT = """
import json, os, sys
tmp, names, marker = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
payload = ("import os\\nwith open(%r + '_' + str(os.getuid()), 'w') as f:\\n    f.write('planted code ran')\\n"
           "os._exit(0)\\n" % marker)
for name in names:
    top = os.path.join(tmp, name)
    for relative in ("course_lib/grading/autograde/worker.py", "course_lib/__init__.py", "numpy/__init__.py",
                     "course/course_lib/grading/autograde/worker.py", ".complete"):
        path = os.path.join(top, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(payload)
    for folder, dirs, files in os.walk(top):
        os.chmod(folder, 0o777)
        for f in files:
            os.chmod(os.path.join(folder, f), 0o777)
print("planted", len(names))
"""


@pytest.mark.parametrize("mode", ["root-bubblewrap", "root-confined", "user-confined"])
def test_a_planted_package_folder_is_never_used(place, mode):
    """Another local user plants the folders the grader used to trust by name, with her own worker, numpy and
    course_lib; a blank notebook graded there scores 0 and none of her code runs."""
    planter = world.test_user(PLANTER)
    tmp = place.base / f"planted-{mode}"
    tmp.mkdir()
    tmp.chmod(0o1777)  # like /tmp: anyone may create folders there
    marker = str(tmp / "planted_ran")
    names = _old_package_names([0, place.runner[0], planter[0]])
    done = subprocess.run([*_setpriv(planter), "/usr/bin/python3", "-I", "-c", _PLANT, str(tmp), json.dumps(names),
                           marker], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "planted" in done.stdout, done.stderr
    before = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*"))
    submissions = tmp / f"subs-{secrets.token_hex(4)}"
    submissions.mkdir()
    stubs = {ex.id: f"def {ex.answer}(*a):\n    raise NotImplementedError()\n" if ex.kind == "function"
             else f"{ex.answer} = None  # YOUR CODE HERE\n" for ex in kit.EXERCISES}
    (submissions / "blank.ipynb").write_bytes(kit.notebook(kit.good_cells(stubs)))
    world.make_readable(submissions)
    job = place.base / f"job-{mode}"  # the grader's own folder: its --out and its report
    job.mkdir(mode=0o755)
    grader = place.runner if mode == "user-confined" else (0, 0)
    os.chown(job, *grader)
    out, result = job / "out", job / "result.json"
    command = [place.python if mode != "root-bubblewrap" else sys.executable,
               str(place.repo / "tests" / "hostile" / "run_as_user.py"), str(submissions), "--out", str(out),
               "--result", str(result), "--jobs", "2", "--limits", json.dumps({"cell_timeout": 5, "timeout": 30})]
    if mode == "user-confined":
        command = _setpriv(grader) + command
    env = _env(tmp, "/usr/bin:/bin" if mode == "root-bubblewrap" else "/nonexistent")
    done = subprocess.run(command, env=env, cwd=str(tmp), capture_output=True, text=True, timeout=TIMEOUT)
    report = json.loads(result.read_text()) if result.exists() else {}
    assert done.returncode == 0 and "rows" in report, (done.stderr[-2000:], report.get("error"))
    [(name, row)] = report["rows"]
    assert row["status"] == "ok" and sum(ex["score"] for ex in row["exercises"]) == 0
    assert {ex["status"] for ex in row["exercises"]} <= {"not attempted", "failed", "missing"}
    assert row["isolation"] == "bubblewrap" if mode == "root-bubblewrap" else row["isolation"].startswith("confined")
    assert not [p for p in tmp.iterdir() if p.name.startswith("planted_ran")], "the planted code ran"
    assert sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if not p.is_relative_to(submissions)
                  and not str(p.relative_to(tmp)).startswith(("course_lib_package_", "course_lib_worker_",
                                                                 "course_lib_spool_"))) == before


# --- bubblewrap: only what the runtime needs -------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _package_folders_outside() -> dict:
    """Folders of this machine where scipy, yaml and IPython are installed (the venv's and its base's)."""
    import site
    import sysconfig

    found = {}
    for folder in {*site.getsitepackages(), sysconfig.get_path("purelib", vars={"base": sys.base_prefix})}:
        for name in ("scipy", "yaml", "IPython"):
            if os.path.isdir(os.path.join(folder, name)):
                found.setdefault(name, []).append(folder)
    return found


def test_bubblewrap_shows_no_package_folder_of_the_runtime():
    """A venv on a pyenv/conda Python: neither the venv's nor the base interpreter's site-packages is in the
    sandbox, whatever student code adds to sys.path."""
    if isolation.mode().name != "bubblewrap":
        pytest.skip(f"bubblewrap cannot start here: {isolation.isolation()}")
    outside = _package_folders_outside()
    if not outside:
        pytest.skip("none of scipy, yaml, IPython is installed here")
    base_site = os.path.realpath(os.path.join(sys.base_prefix, "lib", f"python{sys.version_info.major}."
                                                                      f"{sys.version_info.minor}", "site-packages"))
    folders = sorted({f for fs in outside.values() for f in fs} | {base_site})
    source = ("import importlib, sys\n"
              f"sys.path[:0] = {folders!r}\n"
              f"outside = {folders!r}\n"
              "imported = []\n"
              "for name in ('scipy', 'yaml', 'IPython'):  # the real package, not a stand-in the sandbox may give\n"
              "    try:\n        module = importlib.import_module(name)\n"
              "    except ImportError:\n        module = None\n"
              "    where = str(getattr(module, '__file__', None) or '')\n"
              "    imported.append(1.0 if any(where.startswith(f) for f in outside) else 0.0)\n"
              "import numpy\nnumpy_works = float(numpy.ones(3).sum())\n")
    imported, numpy_works = sandbox_run.values([source], ["imported", "numpy_works"],
                                               Limits(cell_timeout=20, timeout=60))
    assert list(imported) == [0.0, 0.0, 0.0], imported
    assert numpy_works == 3.0
    binds, hidden = isolation.runtime_binds(os.path.realpath(sys.executable))
    if os.path.isdir(base_site):
        assert base_site in hidden
    assert not [b for b in binds if os.path.basename(b) in ("site-packages", "dist-packages")]



# --- Gradescope ---------------------------------------------------------------------------------------------

def _autograder_root(place: World, name: str, notebook: Path) -> Path:
    root = place.base / name
    (root / "submission").mkdir(parents=True)
    (root / "results").mkdir()
    shutil.copy(notebook, root / "submission" / notebook.name)
    world.make_readable(root)
    return root


def test_gradescope_in_a_docker_like_container_grades_confined_and_says_so(place):
    root = _autograder_root(place, "autograder", REPO / "notebooks" / "00_start_here.ipynb")
    request = {"stage": "autograde", "repo": str(place.repo), "root": str(root)}
    tmp = place.base / "tmp-docker-like"
    done = subprocess.run([place.python, "-I", str(HERE / "gradescope_like.py"), "outer", json.dumps(request)],
                          env=_env(tmp, "/usr/bin:/bin"), cwd=str(tmp), capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert done.returncode == 0 and '"exit": 0' in done.stdout, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    from course_lib.grading.exercises.bank import for_notebook

    assert results["score"] == sum(ex.points for ex in for_notebook("00_start_here"))
    isolation_report = results["extra_data"]["isolation"]
    assert isolation_report["mode"] == "confined" and not isolation_report["bwrap"]
    assert {"seccomp", "landlock-fs", "distinct-uid"} <= set(isolation_report["layers"])
    assert "user-and-network-namespaces" not in isolation_report["layers"]
    assert "(isolation: confined: bubblewrap cannot start here" in results["output"]


def test_gradescope_where_nothing_isolates_grades_nothing_and_says_why(no_bwrap, monkeypatch, tmp_path):
    from course_lib.grading.autograde import gradescope

    monkeypatch.setattr(confine, "probe", _no_kernel_layers)
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "results").mkdir()
    shutil.copy(REPO / "notebooks" / "00_start_here.ipynb", root / "submission")
    results = gradescope.autograde(root)
    assert results["score"] == 0 and results["tests"] == []
    assert results["output"].startswith("Not graded: the autograder could not isolate student code")
    assert "No Landlock" in results["output"] and results["extra_data"]["isolation"]["mode"] == "refused"
    assert json.loads((root / "results" / "results.json").read_text()) == results


def test_a_bundle_built_unsafe_says_so_in_its_run_autograder(tmp_path):
    import zipfile

    from course_lib.grading.autograde import gradescope

    safe = gradescope.build_bundle(tmp_path / "safe.zip")
    unsafe = gradescope.build_bundle(tmp_path / "unsafe.zip", unsafe=True)
    scripts = {path.stem: zipfile.ZipFile(path).read("run_autograder").decode() for path in (safe, unsafe)}
    assert scripts["safe"].rstrip().endswith('gradescope --autograde "$ROOT" --config "$HERE/course.json"')
    assert scripts["unsafe"].rstrip().endswith('gradescope --autograde "$ROOT" --config "$HERE/course.json" '
                                               '--unsafe-no-sandbox')


# --- privilege: dropped by the grader, before anything of the package runs ------------------------------------

def test_a_confined_worker_is_started_as_its_uid_by_the_grader(monkeypatch, tmp_path):
    """As root, ``Popen`` itself starts the worker as the leased uid (``user``, ``group``, ``extra_groups``:
    set between fork and exec); the worker's settings carry no uid to switch to, and it has no code to do so."""
    if not ROOT:
        pytest.skip("a root grader's worker uid")
    found = confine.Probe("x86_64", 0, True, 6, True, False)
    monkeypatch.setattr(isolation, "mode", lambda: isolation.Mode("confined", "test", found, "/usr/bin/python3"))
    monkeypatch.setattr(isolation, "LEASES", str(tmp_path / "leases"))
    started = {}

    class Popen:
        def __init__(self, command, **kwargs):
            started.update(kwargs, command=command)
            self.pid = os.getpid()

        def poll(self):
            return 0

    monkeypatch.setattr(isolation.subprocess, "Popen", Popen)
    monkeypatch.setattr(isolation, "_Cgroup", lambda limits: type("NoCgroup", (), {"add": lambda s, p: None,
                                                                                    "oom_killed": lambda s: False,
                                                                                    "close": lambda s: None})())
    monkeypatch.setattr(confine, "end_processes_of", lambda identity, python=None: None)
    box = isolation.Sandbox(Limits(), {}, 0, 1)
    try:
        uid = started["user"]
        assert confine.WORKER_UID_BASE <= uid < confine.WORKER_UID_BASE + confine.WORKER_SLOTS
        assert started["group"] == uid and started["extra_groups"] == [] and "preexec_fn" not in started
        settings = json.loads(started["command"][-1])
        assert "uid" not in settings and settings["plan"]["grader_uid"] == 0
        assert os.stat(box.scratch).st_uid == uid
    finally:
        box.close()
    import ast

    tree = ast.parse((REPO / "course_lib" / "grading" / "autograde" / "worker.py").read_text())
    calls = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not calls & {"setuid", "setgid", "setgroups", "setresuid", "setreuid", "seteuid"}


def test_the_fallbacks_probe_runs_as_a_uid_no_other_grader_holds(monkeypatch, tmp_path):
    """The probe as a worker's uid takes a lease like a worker: another grader's cleanup (``kill(-1)`` as its
    workers' uids) must not kill it (seen at load: a concurrent batch killed the probe, and the grader refused)."""
    if not ROOT:
        pytest.skip("a root grader's worker uid")
    monkeypatch.setattr(isolation, "LEASES", str(tmp_path / "leases"))
    first = confine.Probe("x86_64", 0, True, 6, True, False)
    probed_as = []

    def fake_probe(python=None, timeout=30.0, identity=None, script=None):
        probed_as.append(identity)
        return first

    monkeypatch.setattr(confine, "probe", fake_probe)
    monkeypatch.setattr(confine, "require_readable", lambda identity, paths: None)
    other = [isolation._UidLease(first) for _ in range(2)]  # another grader's two live workers
    try:
        mode = isolation._fallback(False, "bubblewrap cannot start here (test)")
    finally:
        for lease in other:
            lease.release()
    assert mode.name == "confined"
    assert probed_as[0] is None and probed_as[1].uid not in {lease.identity.uid for lease in other}
    assert probed_as[1].uid == confine.WORKER_UID_BASE + 2
    assert isolation._UidLease(first).identity.uid == confine.WORKER_UID_BASE  # the probe's lease was returned


def test_a_probe_that_did_not_run_says_why_in_the_refusal(monkeypatch):
    killed = subprocess.CompletedProcess([], -9, "", "")
    monkeypatch.setattr(confine.subprocess, "run", lambda *args, **kwargs: killed)
    found = confine.probe()
    assert not found.seccomp and found.landlock_abi == 0
    message = confine.assess(found).message()
    assert message.startswith("Student code would run without a boundary: No seccomp filter")
    assert message.endswith("(the probe did not run: its child ended with signal SIGKILL)"), message


def test_every_worker_uid_busy_is_a_refusal_that_says_so(monkeypatch):
    if not ROOT:
        pytest.skip("a root grader's worker uid")
    found = confine.Probe("x86_64", 0, True, 6, True, False)
    monkeypatch.setattr(confine, "probe", lambda *args, **kwargs: found)
    monkeypatch.setattr(confine, "require_readable", lambda identity, paths: None)

    def busy(_found):
        raise OSError(f"all {confine.WORKER_SLOTS} worker uids are busy (other graders on this machine)")

    monkeypatch.setattr(isolation, "_UidLease", busy)
    with pytest.raises(isolation.IsolationRefused, match=r"^bwrap fails, and the fallback cannot start: all 14 "):
        isolation._fallback(False, "bwrap fails")
