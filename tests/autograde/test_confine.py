"""Confinement without bubblewrap (issue 23, items 1 and 2): every claim of ``confine.py`` tried for real.

Each worker is ``confined_child.py`` started as the sandbox will start its worker:
``python -I -S`` from a private package folder made by :func:`confine.private_package_folder`,
importing only ``confine``, applying a :class:`confine.Plan`, then trying attacks and printing
what happened. The interpreter is Debian's Python in a world-readable venv with a copy of this
numpy (``/root`` is 0700 here, so the test's own interpreter is out of a worker uid's reach).

Variants (``VARIANTS``): the grader as root (the worker as slot 0's uid) or as an ordinary user
(``cl_confine``, created here; the worker keeps its uid), with every layer or with one layer
alone, to show which layer stops what. The "victim" is another process started by the test:
slot 1's uid as root, the grader's own uid as an ordinary user (the harder case: same uid).
``gradescope_like.py`` repeats a full grading step under a Docker-like seccomp profile without
``CAP_SYS_ADMIN``, where bubblewrap cannot start.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import pwd
import re
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import confine_kit  # noqa: E402

from course_lib.grading.autograde import confine  # noqa: E402

ROOT = os.geteuid() == 0
# uids of this module's own workers, outside the graders' (WORKER_UID_BASE...): a grader running at the same
# time (another xdist worker) ends its slots' processes with kill(-1) as their uid, and this module does too
TEST_UID_BASE = confine.WORKER_UID_BASE - 120
TEST_USER = "cl_confine"
SECRET = "SOLUTION-7f3a"  # in the instructor's notebook and the classmate's submission


@functools.lru_cache(maxsize=1)
def probe() -> confine.Probe:
    """This machine's probe, once per test process."""
    return confine.probe()


NETWORK = ("tcp_connect", "udp_sendto", "unix_abstract", "socket_by_syscall", "io_uring")
FILES = ("read_instructor_notebook", "read_classmate_submission", "read_base_site_packages", "list_home", "list_tmp",
         "list_root", "read_grader_cmdline", "read_grader_environ", "write_outside", "execute_program", "execute_memfd")
VICTIM = ("ptrace_victim", "read_victim_memory", "open_victim_mem", "signal_victim", "terminate_victim",
          "route_sigio")
WORKS = ("read_own_status", "list_own_fds", "write_scratch", "write_dev_null", "numpy_computes", "stdlib_imports",
         "signal_self", "start_thread")
NOT_COVERED = ("stat_instructor_notebook",)
KERNEL = ("new_user_namespace", "user_keyring", "system_v_shared_memory", "watch_tmp")
ATTACKS = NETWORK + FILES + VICTIM + WORKS + KERNEL + NOT_COVERED
DENIED = ("EACCES", "EPERM")

# name -> (the grader, the layers the worker applies)
VARIANTS = {
    "root": ("root", {"seccomp", "landlock"}),
    "root-uid-only": ("root", set()),
    "user": ("user", {"seccomp", "landlock"}),
    "user-namespaces": ("user", {"seccomp", "landlock", "namespaces"}),
    "user-seccomp-only": ("user", {"seccomp"}),
    "user-landlock-only": ("user", {"landlock"}),
}
FULL = ("root", "user", "user-namespaces")


# --- the world: a runtime every uid can read, files that must stay out of reach, a test user ---------------

@dataclasses.dataclass
class World:
    base: Path
    python: str
    numpy_dir: str
    package: str
    user: tuple  # (uid, gid) of the ordinary-user grader
    targets: dict  # what the attacks aim at
    runs: dict = dataclasses.field(default_factory=dict)


def _test_user() -> tuple:
    if not ROOT:
        return os.getuid(), os.getgid()
    try:
        entry = pwd.getpwnam(TEST_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell",
                        "/usr/sbin/nologin", TEST_USER], check=True, capture_output=True, timeout=60)
        entry = pwd.getpwnam(TEST_USER)
    return entry.pw_uid, entry.pw_gid


def _base_site(python: str) -> str:
    """A package folder of the worker's base interpreter (``dist-packages`` on Debian)."""
    done = subprocess.run([python, "-I", "-c", "import site, sys; print('\\n'.join(site.getsitepackages()))"],
                          capture_output=True, text=True, timeout=60, check=True)
    real = os.path.realpath(sys.base_prefix)
    found = [p for p in done.stdout.split() if os.path.isdir(p) and not p.startswith(real)
             and "venv" not in p]
    return found[-1] if found else "/usr/lib/python3/dist-packages"


@pytest.fixture(scope="module")
def world():
    if probe().landlock_abi < 1 or not probe().seccomp:
        pytest.skip(f"this kernel lacks what the fallback needs: {probe().sentence()}")
    base = Path(tempfile.mkdtemp(prefix="cl_confine_test_", dir="/tmp"))
    base.chmod(0o755)
    try:
        python, numpy_dir = confine_kit.world_readable_runtime(base / "runtime")
        if python is None:
            pytest.skip(numpy_dir)
        for relative in ("instructor/notebooks/05_solutions.ipynb", "submissions/bob.ipynb"):
            path = base / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f'{{"cells": [], "answer": "{SECRET}"}}')
        (base / "open").mkdir()
        confine_kit.make_readable(base)
        package = confine_kit.package_folder(confine, numpy_dir)
        targets = {"instructor_file": str(base / "instructor/notebooks/05_solutions.ipynb"),
                   "classmate_file": str(base / "submissions/bob.ipynb"),
                   "base_site": _base_site(python), "grader_pid": os.getpid(),
                   "program": os.path.join(package, "confine", "program")}
        with open("/proc/self/cmdline", "rb") as handle:
            targets["expected_cmdline"] = handle.read().decode(errors="replace")
        yield World(base, python, numpy_dir, package, _test_user(), targets)
        shutil.rmtree(package, ignore_errors=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _plan(layers: set, read: str, write: str, grader_uid: int) -> dict:
    """The plan the sandbox would build (:func:`confine.plan_for`), keeping only ``layers``."""
    plan = confine.plan_for(probe(), [read], write)
    return dataclasses.replace(
        plan, landlock_abi=probe().landlock_abi if "landlock" in layers else 0, seccomp="seccomp" in layers,
        namespaces="namespaces" in layers and probe().namespaces, grader_uid=grader_uid).to_json()


@dataclasses.dataclass
class Launch:
    """How the grader of a variant starts its workers."""

    grader_uid: int
    prefix: list  # setpriv to the ordinary user, for the user variants
    attacker: confine.Identity | None  # the worker's identity (root variants), None: the grader's uid
    victim: confine.Identity | None


def launch(world: World, variant: str) -> Launch:
    grader, layers = VARIANTS[variant]
    if grader == "root" and not ROOT:
        pytest.skip("the root variants need the tests to run as root")
    if "namespaces" in layers and not probe().namespaces:
        pytest.skip(f"no user namespaces here: {probe().notes.get('namespaces')}")
    if grader == "root":
        return Launch(0, [], confine.worker_identity(0, probe(), base=TEST_UID_BASE),
                      confine.worker_identity(1, probe(), base=TEST_UID_BASE))
    uid, gid = world.user
    prefix = [shutil.which("setpriv"), f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"] if ROOT else []
    return Launch(uid, prefix, None, None)


def outcome(world: World, variant: str) -> dict:
    """Run ``variant`` once (cached): the worker's report, what the listeners got, whether the victim lives."""
    if variant in world.runs:
        return world.runs[variant]
    _, layers = VARIANTS[variant]
    how = launch(world, variant)
    attacker, victim, prefix, grader_uid = how.attacker, how.victim, how.prefix, how.grader_uid
    owner = attacker or confine.Identity(*world.user)
    scratch = confine.scratch_folder(owner, parent=str(world.base))
    victim_scratch = confine.scratch_folder(victim or confine.Identity(*world.user), parent=str(world.base))
    open_dir = world.base / "open" / variant
    open_dir.mkdir()
    open_dir.chmod(0o777)  # any uid may write here: only Landlock can stop it
    listeners = confine_kit.Listeners(secrets.token_hex(6))
    process = None
    try:
        plan = _plan(layers, world.package, scratch, grader_uid)
        process, victim_pid = confine_kit.start_victim(confine, world.python, world.package, victim_scratch, None,
                                                       victim, prefix)
        request = {"plan": plan, "attacks": list(ATTACKS), **world.targets, **listeners.targets(),
                   "victim_pid": victim_pid, "open_dir": str(open_dir)}
        report = confine_kit.run_worker(confine, world.python, world.package, scratch, request, attacker, prefix)
        result = {"report": report, "results": report["results"], "received": listeners.received(),
                  "victim_alive": process.poll() is None, "planted": os.listdir(open_dir)}
    finally:
        listeners.close()
        if process is not None:
            confine_kit.stop(process)
        for identity in (attacker, victim):
            if identity is not None:
                confine.end_processes_of(identity, world.python)
    world.runs[variant] = result
    return result


def _denied(result: dict, name: str, codes=DENIED) -> None:
    entry = result["results"][name]
    assert not entry["ok"], f"{name} succeeded: {entry.get('value')!r}"
    assert entry["errno"] in codes, f"{name} failed, but not by a refusal: {entry}"


def _worked(result: dict, name: str):
    entry = result["results"][name]
    assert entry["ok"], f"{name} failed: {entry}"
    return entry["value"]


# --- the network ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", FULL + ("user-seccomp-only",))
def test_no_socket_of_any_family(world, variant):
    result = outcome(world, variant)
    for name in ("tcp_connect", "udp_sendto", "unix_abstract", "socket_by_syscall"):
        _denied(result, name, ("EACCES",))  # socket() itself, refused by the seccomp filter
    _denied(result, "io_uring", ("EPERM",))
    assert result["received"] == {"tcp": [], "udp": [], "unix": []}


def test_landlock_alone_stops_tcp_and_abstract_unix_but_not_udp(world):
    """The reason seccomp is required: Landlock has rules for TCP (ABI 4) and abstract unix sockets (ABI 6) only."""
    if probe().landlock_abi < 6:
        pytest.skip(f"Landlock ABI {probe().landlock_abi} has no TCP rule or scopes")
    result = outcome(world, "user-landlock-only")
    _denied(result, "tcp_connect", ("EACCES",))
    _denied(result, "unix_abstract", ("EPERM",))
    assert _worked(result, "udp_sendto") == "sent"
    assert result["received"]["tcp"] == [] and result["received"]["unix"] == []
    assert result["received"]["udp"] == [b"LEAK hidden inputs"]


def test_a_distinct_uid_alone_leaves_the_network_and_0644_files_open(world):
    """The issue's finding, as a control: an unprivileged uid is no boundary by itself."""
    result = outcome(world, "root-uid-only")
    assert _worked(result, "tcp_connect") == "connected and sent"
    assert result["received"]["tcp"] == [b"LEAK hidden inputs"]
    assert SECRET in _worked(result, "read_instructor_notebook")
    assert SECRET in _worked(result, "read_classmate_submission")
    assert _worked(result, "read_grader_cmdline") == world.targets["expected_cmdline"]
    assert _worked(result, "execute_memfd") == "executed"


# --- files ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", FULL + ("user-landlock-only",))
def test_files_outside_the_allowed_list_are_out_of_reach(world, variant):
    result = outcome(world, variant)
    for name in FILES:
        _denied(result, name, ("EACCES",))  # Landlock; the modes allow all but the (root) grader's environ
    assert _worked(result, "read_own_status").startswith("Name:")  # /proc/self (its /proc/<pid>) is granted
    assert "0" in _worked(result, "list_own_fds")
    assert _worked(result, "write_scratch") == "42"
    assert _worked(result, "write_dev_null") == len("discarded")
    assert result["planted"] == []


@pytest.mark.parametrize("variant", FULL)
def test_not_covered_the_metadata_of_a_path_the_worker_guesses(world, variant):
    """What the module's docstring says is not covered: stat works where the modes allow it, open does not."""
    result = outcome(world, variant)
    assert _worked(result, "stat_instructor_notebook") == os.stat(world.targets["instructor_file"]).st_size
    _denied(result, "read_instructor_notebook", ("EACCES",))


def test_seccomp_alone_leaves_files_and_proc_open(world):
    """The reason Landlock is required: same uid, world-readable files, /proc/<pid>/mem of the grader's uid."""
    result = outcome(world, "user-seccomp-only")
    assert SECRET in _worked(result, "read_instructor_notebook")
    assert _worked(result, "read_grader_cmdline") == world.targets["expected_cmdline"]
    assert _worked(result, "open_victim_mem") == "opened"


# --- other processes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", FULL + ("root-uid-only", "user-landlock-only"))
def test_another_process_cannot_be_traced_read_or_signalled(world, variant):
    result = outcome(world, variant)
    for name in ("ptrace_victim", "read_victim_memory", "signal_victim", "terminate_victim"):
        _denied(result, name, ("EPERM",))
    _denied(result, "open_victim_mem", DENIED)
    assert result["victim_alive"]


def test_seccomp_alone_stops_ptrace_and_signals(world):
    result = outcome(world, "user-seccomp-only")
    for name in ("ptrace_victim", "read_victim_memory", "signal_victim", "terminate_victim", "route_sigio"):
        _denied(result, name, ("EPERM",))
    assert result["victim_alive"]


@pytest.mark.parametrize("variant", FULL + ("user-seccomp-only",))
def test_the_filter_refuses_namespaces_keyrings_ipc_inotify_and_sigio_routing(world, variant):
    result = outcome(world, variant)
    for name in (*KERNEL, "route_sigio"):
        _denied(result, name, ("EPERM",))


def test_landlock_alone_leaves_ipc_and_inotify_open(world):
    """Why these are in the seccomp filter: Landlock does not govern System V IPC or inotify watches."""
    result = outcome(world, "user-landlock-only")
    assert _worked(result, "system_v_shared_memory").startswith("segment")
    assert _worked(result, "watch_tmp").startswith("watch")


# --- what a worker needs still works -------------------------------------------------------------------------

@pytest.mark.parametrize("variant", list(VARIANTS))
def test_numpy_and_the_standard_library_work(world, variant):
    result = outcome(world, variant)
    x3, two, version = _worked(result, "numpy_computes")
    assert (x3, two) == (3.0, 2.0)
    assert _worked(result, "stdlib_imports") == "17/6"
    assert _worked(result, "signal_self") is True  # signals to its own pid pass the filter
    assert _worked(result, "start_thread") == 45


@pytest.mark.parametrize("variant", FULL)
def test_the_pipe_protocol_works_after_confinement(world, variant):
    """course_lib's wire frames on two inherited pipes, arrays through numpy's npy format, as the worker does."""
    import numpy as np

    from course_lib.grading.autograde import wire
    from course_lib.grading.exercises import plain

    how = launch(world, variant)
    scratch = confine.scratch_folder(how.attacker or confine.Identity(*world.user), parent=str(world.base))
    plan = _plan(VARIANTS[variant][1], world.package, scratch, how.grader_uid)
    arrays = [np.arange(6.0).reshape(2, 3), np.eye(3) * 0.5]
    try:
        replies = confine_kit.exchange(confine, wire, world.python, world.package, scratch, plan,
                                       [{"x": plain.encode(x)} for x in arrays], how.attacker, how.prefix)
    finally:
        if how.attacker is not None:
            confine.end_processes_of(how.attacker, world.python)
    assert all(reply is not None for reply in replies), replies
    for x, reply in zip(arrays, replies):
        np.testing.assert_array_equal(plain.decode(reply["value"]), x @ x.T)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_the_worker_reports_the_layers_it_applied(world, variant):
    grader, layers = VARIANTS[variant]
    report = outcome(world, variant)["report"]
    expected = {confine.Layer.SECCOMP.value} if "seccomp" in layers else set()
    if "landlock" in layers:
        expected |= {confine.Layer.LANDLOCK_FS.value}
        expected |= {confine.Layer.LANDLOCK_NET.value} if probe().landlock_abi >= 4 else set()
        expected |= {confine.Layer.LANDLOCK_SCOPE.value} if probe().landlock_abi >= 6 else set()
    if "namespaces" in layers:
        expected.add(confine.Layer.NAMESPACES.value)
    if grader == "root":
        expected.add(confine.Layer.DISTINCT_UID.value)
        assert report["uid"] == TEST_UID_BASE
    else:
        assert report["uid"] == world.user[0]
    assert set(report["applied"]) == expected


# --- Gradescope: no namespaces, root without CAP_SYS_ADMIN ----------------------------------------------------

@pytest.mark.skipif(not ROOT, reason="a Docker-like container is simulated as root (seccomp without no_new_privs)")
def test_in_a_gradescope_like_container_seccomp_and_landlock_still_apply(world):
    listeners = confine_kit.Listeners(secrets.token_hex(6))
    try:
        attack = {"attacks": ["tcp_connect", "unix_abstract", "read_instructor_notebook", "read_grader_cmdline",
                              "numpy_computes", "write_scratch"], **world.targets, **listeners.targets()}
        request = {"python": world.python, "numpy_dir": world.numpy_dir, "tmp": str(world.base), "attack": attack,
                   "uid_base": TEST_UID_BASE}
        done = subprocess.run([sys.executable, "-I", str(Path(__file__).with_name("gradescope_like.py")), "outer",
                               json.dumps(request)], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        report = json.loads(done.stdout.strip().splitlines()[-1])
        received = listeners.received()
    finally:
        listeners.close()
    assert report["uid"] == 0 and not report["cap_sys_admin"] and report["seccomp_mode"] == "2"
    if "bwrap" in report:
        assert report["bwrap"]["returncode"] != 0, "bubblewrap started: the simulation is not Docker-like"
    inside = report["probe"]
    assert inside["namespaces"] is False and "EPERM" in inside["notes"]["namespaces"]
    assert inside["seccomp"] and inside["landlock_abi"] == probe().landlock_abi and inside["can_setuid"]
    assert "Not available here: user namespaces" in inside["sentence"]
    assert report["verdict"]["boundary"] is True
    worker = report["worker"]
    assert worker["uid"] == TEST_UID_BASE
    assert confine.Layer.NAMESPACES.value not in worker["applied"]
    assert {confine.Layer.SECCOMP.value, confine.Layer.LANDLOCK_FS.value,
            confine.Layer.DISTINCT_UID.value} <= set(worker["applied"])
    results = worker["results"]
    for name in ("tcp_connect", "unix_abstract", "read_instructor_notebook", "read_grader_cmdline"):
        assert not results[name]["ok"] and results[name]["errno"] in DENIED, (name, results[name])
    assert results["numpy_computes"]["ok"] and results["write_scratch"]["value"] == "42"
    assert received == {"tcp": [], "udp": [], "unix": []}


# --- the probe ---------------------------------------------------------------------------------------------

def _status() -> dict:
    with open("/proc/self/status") as handle:
        return dict(line.rstrip("\n").split(":\t", 1) for line in handle if ":\t" in line)


def test_the_probe_matches_the_kernel_and_says_so():
    assert probe().landlock_abi == confine.landlock_abi()
    assert probe().machine == ("x86_64" if os.uname().machine == "x86_64" else "aarch64")
    if probe().landlock_abi:
        assert f"Landlock ABI {probe().landlock_abi}" in probe().sentence()
    assert ("seccomp filter" in probe().sentence()) == probe().seccomp
    assert set(probe().to_json()["layers"]) == {layer.value for layer in probe().layers}


def test_the_probe_leaves_the_caller_as_it_was():
    before, user_ns = _status(), os.readlink("/proc/self/ns/user")
    confine.probe()
    after = _status()
    for key in ("Seccomp", "Seccomp_filters", "NoNewPrivs", "CapEff", "Uid"):
        assert after.get(key) == before.get(key), key
    assert os.readlink("/proc/self/ns/user") == user_ns
    assert os.listdir("/")
    socket.socket().close()


# --- the seccomp filter's tables ------------------------------------------------------------------------------

HEADERS = {"x86_64": "/usr/include/x86_64-linux-gnu/asm/unistd_64.h", "aarch64": "/usr/include/asm-generic/unistd.h"}


@pytest.mark.parametrize("machine", sorted(HEADERS))
def test_the_system_call_numbers_are_the_kernel_headers(machine):
    if not os.path.exists(HEADERS[machine]):
        pytest.skip(f"{HEADERS[machine]} is not installed")
    text = Path(HEADERS[machine]).read_text()
    for name, number in confine._SYSCALLS[machine].items():
        found = re.search(rf"#define __NR(?:3264)?_{name}\s+(\d+)\b", text)
        assert found, name
        assert int(found.group(1)) == number, name


def test_the_runtime_is_readable_without_any_site_packages():
    """This interpreter's standard library, its libraries and numpy, but never a site-packages folder."""
    import sysconfig

    import numpy

    paths = confine.runtime_read_paths()
    numpy_dir = os.path.dirname(os.path.realpath(numpy.__file__))
    stdlib = os.path.dirname(os.path.realpath(os.__file__))

    def covered(path):
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in paths)

    assert covered(os.path.join(stdlib, "os.py")) and covered(os.path.join(stdlib, "json", "__init__.py"))
    assert covered(numpy.__file__) and numpy_dir in paths
    hidden = {os.path.realpath(p) for p in (sysconfig.get_path("purelib", vars={"base": sys.base_prefix}),
                                             os.path.join(stdlib, "site-packages")) if os.path.isdir(p)}
    assert hidden, "no site-packages folder to hide here"
    for folder in hidden:
        assert not covered(os.path.join(folder, "anything.py")), folder
    assert not covered(os.path.dirname(numpy_dir) + "/yaml/__init__.py")  # numpy's neighbours stay hidden


def test_the_filter_checks_the_architecture_first():
    program = confine.seccomp_program("x86_64", 1234)
    first = [program[i:i + 8] for i in range(0, 24, 8)]
    import struct

    assert struct.unpack("=HBBI", first[0]) == (0x20, 0, 0, 4)  # load seccomp_data.arch
    assert struct.unpack("=HBBI", first[1])[3] == 0xC000003E
    assert struct.unpack("=HBBI", first[2]) == (0x06, 0, 0, 0x80000000)  # anything else: kill the process


def test_another_machine_is_refused_clearly(monkeypatch):
    monkeypatch.setattr(confine.platform, "machine", lambda: "riscv64")
    with pytest.raises(confine.ConfinementError, match="x86_64 and aarch64 only; this process is riscv64"):
        confine.apply_seccomp()
    found = confine.probe()
    assert found.machine is None and found.landlock_abi == 0 and not found.seccomp
    verdict = confine.assess(found)
    assert not verdict.boundary and "x86_64 and aarch64" in verdict.message()


# --- the honest refusal -------------------------------------------------------------------------------------

def _probe(**changes) -> confine.Probe:
    full = confine.Probe("x86_64", 0, True, 6, True, False)
    return dataclasses.replace(full, **changes)


def test_the_fallback_is_a_boundary_with_seccomp_landlock_and_a_distinct_uid():
    verdict = confine.assess(_probe())
    assert verdict.boundary and verdict.missing == ()
    assert "boundary" in verdict.message()


@pytest.mark.parametrize("changes, words", [
    ({"seccomp": False}, "open sockets"),
    ({"landlock_abi": 0}, "instructor's notebooks, other submissions, /proc of the grader"),
    ({"can_setuid": False}, "would run as root"),
])
def test_without_a_layer_the_refusal_says_what_is_not_covered(changes, words):
    verdict = confine.assess(_probe(**changes))
    assert not verdict.boundary
    assert len(verdict.missing) == 1 and words in verdict.missing[0]
    assert words in verdict.message() and "kernel exploits" in verdict.message()


def test_an_old_landlock_is_a_boundary_with_one_wall_named():
    verdict = confine.assess(_probe(landlock_abi=3, euid=1000))
    assert verdict.boundary
    assert any("ABI < 4" in wall for wall in verdict.single_walls)
    assert any("ABI < 6" in wall for wall in verdict.single_walls)


# --- privilege ------------------------------------------------------------------------------------------------

def test_an_ordinary_user_keeps_its_uid():
    assert confine.worker_identity(0, _probe(euid=1000)) is None
    assert confine.popen_kwargs(None) == {"umask": 0o077}


def test_each_slot_gets_its_own_uid_and_no_groups():
    identities = [confine.worker_identity(slot, _probe()) for slot in range(3)]
    assert len({i.uid for i in identities}) == 3
    kwargs = confine.popen_kwargs(identities[1])
    assert kwargs == {"umask": 0o077, "user": identities[1].uid, "group": identities[1].gid, "extra_groups": []}
    assert "preexec_fn" not in kwargs


def test_a_root_grader_never_falls_back_to_root():
    with pytest.raises(confine.ConfinementError, match="never as root"):
        confine.worker_identity(0, _probe(can_setuid=False))
    with pytest.raises(confine.ConfinementError, match="slot: expected an integer in"):
        confine.worker_identity(confine.WORKER_SLOTS, _probe())
    nobody = pwd.getpwnam("nobody").pw_uid
    with pytest.raises(confine.ConfinementError, match="belongs to 'nobody'"):
        confine.worker_identity(0, _probe(), base=nobody)


@pytest.mark.skipif(not ROOT, reason="as an ordinary user no worker uid is used")
def test_a_runtime_the_worker_uid_cannot_read_is_refused_with_the_folder_named(world):
    private = world.base / "pyenv"  # like /root/.pyenv under a 0700 /root
    (private / "bin").mkdir(parents=True)
    (private / "bin" / "python3").write_text("")
    (private / "bin" / "python3").chmod(0o755)
    private.chmod(0o700)
    identity = confine.worker_identity(0, probe(), base=TEST_UID_BASE)
    with pytest.raises(confine.ConfinementError, match=rf"cannot reach {private}/bin/python3: {private} "
                                                      rf"\(drwx------, owner uid 0\) cannot be searched"):
        confine.require_readable(identity, [(str(private / "bin" / "python3"), os.R_OK | os.X_OK)])
    private.chmod(0o755)
    confine.require_readable(identity, [(str(private / "bin" / "python3"), os.R_OK | os.X_OK)])


@pytest.mark.skipif(not ROOT, reason="as an ordinary user no worker uid is used")
def test_the_readable_world_runtime_passes_the_check(world):
    identity = confine.worker_identity(0, probe(), base=TEST_UID_BASE)
    confine.require_readable(identity, confine.runtime_check_paths(world.python))
    own = os.path.realpath(sys.executable)
    if own.startswith("/root/") and not os.stat("/root").st_mode & stat.S_IXOTH:  # a pyenv under a 0700 /root
        with pytest.raises(confine.ConfinementError, match=f"cannot reach {own}: /root .* cannot be searched"):
            confine.require_readable(identity, confine.runtime_check_paths())


# --- private folders ------------------------------------------------------------------------------------------

def _mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_the_package_folder_is_new_private_and_read_only(tmp_path):
    tmp_path.chmod(0o755)
    files = [("course_lib/__init__.py", b"x = 1\n"), ("course_lib/grading/worker.py", b"pass\n")]
    first = confine.private_package_folder(files, links=[("site/numpy", "/nonexistent/numpy")], parent=str(tmp_path))
    second = confine.private_package_folder(files, parent=str(tmp_path))
    assert first != second
    top = Path(first)
    assert _mode(top) == 0o711 and os.lstat(top).st_uid == os.geteuid()
    assert _mode(top / "course_lib") == 0o755 and _mode(top / "course_lib" / "grading") == 0o755
    assert _mode(top / "course_lib" / "__init__.py") == 0o644
    assert (top / "course_lib" / "grading" / "worker.py").read_bytes() == b"pass\n"
    assert os.readlink(top / "site" / "numpy") == "/nonexistent/numpy"
    for path in [top, *top.rglob("*")]:
        assert os.lstat(path).st_uid == os.geteuid()


@pytest.mark.parametrize("relative", ["/etc/passwd", "../escape.py", "a/../../b.py", "a//b.py", "./a.py"])
def test_the_package_folder_refuses_paths_that_leave_it(tmp_path, relative):
    tmp_path.chmod(0o755)
    with pytest.raises(confine.ConfinementError, match="files: expected a relative path"):
        confine.private_package_folder([(relative, b"")], parent=str(tmp_path))
    assert list(tmp_path.iterdir()) == []  # the half-made folder is removed


def test_the_package_folder_never_overwrites_a_file_it_wrote(tmp_path):
    tmp_path.chmod(0o755)
    with pytest.raises(FileExistsError):
        confine.private_package_folder([("a.py", b"1"), ("a.py", b"2")], parent=str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_parent_anyone_can_write_without_the_sticky_bit_is_refused(tmp_path):
    tmp_path.chmod(0o777)
    with pytest.raises(confine.ConfinementError, match="writable by every user without the sticky bit"):
        confine.private_package_folder([("a.py", b"")], parent=str(tmp_path))
    with pytest.raises(confine.ConfinementError, match="writable by every user without the sticky bit"):
        confine.scratch_folder(None, parent=str(tmp_path))


@pytest.mark.skipif(not ROOT, reason="needs a worker uid")
def test_a_worker_uid_reads_the_package_but_cannot_list_or_change_it(world):
    identity = confine.worker_identity(2, probe(), base=TEST_UID_BASE)
    script = ("import os, sys\ntop = sys.argv[1]\nout = []\n"
              "out.append(open(os.path.join(top, 'confine', 'confine.py')).read(6))\n"
              "for act in (lambda: os.listdir(top), lambda: open(os.path.join(top, 'x'), 'w'),\n"
              "            lambda: open(os.path.join(top, 'confine', 'confine.py'), 'a')):\n"
              "    try:\n        act(); out.append('allowed')\n"
              "    except PermissionError:\n        out.append('denied')\n"
              "print(out)")
    done = subprocess.run([world.python, "-I", "-S", "-c", script, world.package], **confine.popen_kwargs(identity),
                          capture_output=True, text=True, timeout=60, cwd="/")
    assert done.stdout.strip() == "['\"\"\"Con', 'denied', 'denied', 'denied']", done.stderr


@pytest.mark.skipif(not ROOT, reason="needs a worker uid")
def test_the_scratch_folder_belongs_to_the_worker_alone(tmp_path):
    tmp_path.chmod(0o755)
    identity = confine.worker_identity(3, probe(), base=TEST_UID_BASE)
    scratch = confine.scratch_folder(identity, parent=str(tmp_path))
    st = os.lstat(scratch)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (identity.uid, identity.gid, 0o700)


@pytest.mark.skipif(not ROOT, reason="needs a worker uid")
def test_end_processes_of_leaves_no_process_of_the_slot(world):
    identity = confine.worker_identity(4, probe(), base=TEST_UID_BASE)
    process = subprocess.Popen([world.python, "-I", "-S", "-c", "import time; time.sleep(300)"],
                               **confine.popen_kwargs(identity), cwd="/", start_new_session=True)
    try:
        confine.end_processes_of(identity, world.python)
        assert process.wait(timeout=30) == -9
    finally:
        confine_kit.stop(process)


@pytest.mark.skipif(not ROOT, reason="needs root")
def test_apply_refuses_to_confine_root():
    with pytest.raises(confine.ConfinementError, match="runs as root"):
        confine.apply(confine.Plan((), "/nonexistent", 0, False, False, 0))


def test_apply_refuses_a_threaded_process(world):
    """Landlock confines the calling thread only: a second thread would run free."""
    script = ("import sys, threading; sys.path.insert(0, sys.argv[1]); import confine\n"
              "threading.Thread(target=threading.Event().wait, daemon=True).start()\n"
              "try:\n    confine.apply(confine.Plan((), '/nonexistent', 1, True, False, 0))\n"
              "except confine.ConfinementError as exc:\n    print(exc)\n")
    identity = confine.worker_identity(5, probe(), base=TEST_UID_BASE)
    done = subprocess.run([world.python, "-I", "-S", "-c", script, os.path.join(world.package, "confine")],
                          **confine.popen_kwargs(identity), capture_output=True, text=True, timeout=60, cwd="/")
    assert "needs a single-threaded process" in done.stdout and "has 2 threads" in done.stdout, done.stderr


def test_confine_imports_nothing_but_the_standard_library():
    """The worker imports it before anything of the package: no course_lib, no relative import, no numpy."""
    import ast

    tree = ast.parse(Path(confine.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module}
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level > 0]
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


def test_a_plan_survives_its_trip_to_the_worker():
    plan = confine.plan_for(_probe(landlock_abi=7, namespaces=True), ["/tmp"], "/tmp", namespaces=False)
    assert plan.namespaces is False and plan.landlock_abi == 7 and plan.grader_uid == os.geteuid()
    assert confine.Plan.from_json(json.loads(json.dumps(plan.to_json()))) == plan
