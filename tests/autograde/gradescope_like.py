"""A grader stand-in in a Gradescope-like container: root, no CAP_SYS_ADMIN, no new namespaces.

``python gradescope_like.py outer REQUEST`` (as root) loads a filter like Docker's default
seccomp profile for a container without ``CAP_SYS_ADMIN`` (``unshare``, ``setns``, ``mount``
and ``clone`` with a ``CLONE_NEW*`` flag fail with EPERM, ``clone3`` with ENOSYS), then
executes itself through ``setpriv`` with ``CAP_SYS_ADMIN`` dropped from every set. The
``inner`` stage is the grader: it tries bubblewrap, runs :func:`confine.probe`, and grades one
"submission" (the attack stand-in) in a confined worker as uid ``REQUEST["uid_base"]``. It prints one
JSON line: the capabilities, bubblewrap's exit, the probe, the verdict and the worker's results.

With ``"stage": "grader"`` in REQUEST, the stage inside is course_lib's own grader instead:
``tests/hostile/fallback_claims.py`` with ``REQUEST["claims"]`` (the isolation ``grade`` chooses
here, an attack run in its sandbox); with ``"stage": "autograde"``, ``python -m course_lib
gradescope --autograde REQUEST["root"]`` (what ``run_autograder`` runs).
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import confine_kit  # noqa: E402

# Docker's profile, in the part that matters here (x86_64 / aarch64 numbers)
_NUMBERS = {"x86_64": {"unshare": 272, "setns": 308, "mount": 165, "clone": 56, "clone3": 435},
            "aarch64": {"unshare": 97, "setns": 268, "mount": 40, "clone": 220, "clone3": 435}}
_AUDIT = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_CLONE_NEW = 0x7E020000
_EPERM, _ENOSYS = 1, 38


def _docker_like_filter() -> bytes:
    machine = platform.machine()
    n = _NUMBERS[machine]

    def insn(code, jt, jf, k):
        return struct.pack("=HBBI", code, jt, jf, k)

    ld, jeq, jset, ret = 0x20, 0x15, 0x45, 0x06
    allow, errno_ret, kill = 0x7FFF0000, 0x00050000, 0x80000000
    program = [insn(ld, 0, 0, 4), insn(jeq, 1, 0, _AUDIT[machine]), insn(ret, 0, 0, kill), insn(ld, 0, 0, 0)]
    for name in ("unshare", "setns", "mount"):
        program += [insn(jeq, 0, 1, n[name]), insn(ret, 0, 0, errno_ret | _EPERM)]
    program += [insn(jeq, 0, 1, n["clone3"]), insn(ret, 0, 0, errno_ret | _ENOSYS)]
    program += [insn(jeq, 0, 3, n["clone"]), insn(ld, 0, 0, 16), insn(jset, 0, 1, _CLONE_NEW),
                insn(ret, 0, 0, errno_ret | _EPERM)]
    program.append(insn(ret, 0, 0, allow))
    return b"".join(program)


def outer(request_json: str) -> None:
    """As root with every capability: load the filter (no no_new_privs, as Docker), exec without CAP_SYS_ADMIN."""
    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    program = _docker_like_filter()
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = Fprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    prctl_seccomp = 22  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 2
    if libc.prctl(prctl_seccomp, ctypes.c_ulong(2), ctypes.byref(fprog), ctypes.c_ulong(0), ctypes.c_ulong(0)):
        raise SystemExit(f"the Docker-like filter did not load: {os.strerror(ctypes.get_errno())}")
    setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
    stage = json.loads(request_json).get("stage", "inner")
    os.execv(setpriv, [setpriv, "--bounding-set=-sys_admin", "--inh-caps=-sys_admin", "--", sys.executable, "-I",
                       os.path.abspath(__file__), stage, request_json])


def _status(field: str) -> str:
    with open("/proc/self/status") as handle:
        return next(line.split(":", 1)[1].strip() for line in handle if line.startswith(field + ":"))


def inner(request_json: str) -> None:
    """The grader, inside: what it finds, and one confined worker."""
    request = json.loads(request_json)
    confine = confine_kit.import_confine()
    report = {"uid": os.geteuid(), "cap_sys_admin": bool(int(_status("CapEff"), 16) >> 21 & 1),
              "seccomp_mode": _status("Seccomp")}
    bwrap = shutil.which("bwrap")
    if bwrap:
        done = subprocess.run([bwrap, "--unshare-all", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
                               "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin", "/usr/bin/true"],
                              capture_output=True, text=True, timeout=60)
        report["bwrap"] = {"returncode": done.returncode, "stderr": done.stderr.strip()[:300]}
    found = confine.probe()
    report["probe"] = found.to_json()
    verdict = confine.assess(found)
    report["verdict"] = {"boundary": verdict.boundary, "missing": list(verdict.missing),
                         "single_walls": list(verdict.single_walls)}
    identity = confine.worker_identity(0, found, base=request["uid_base"])  # the caller's own uids
    package = confine_kit.package_folder(confine, request["numpy_dir"], parent=request["tmp"])
    scratch = confine.scratch_folder(identity, parent=request["tmp"])
    try:
        plan = confine.plan_for(found, [package], scratch)
        report["worker"] = confine_kit.run_worker(confine, request["python"], package, scratch,
                                                  {"plan": plan.to_json(), **request["attack"]}, identity)
    finally:
        confine.end_processes_of(identity, request["python"])
        shutil.rmtree(package, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(report), flush=True)


def _caps() -> dict:
    return {"uid": os.geteuid(), "cap_sys_admin": bool(int(_status("CapEff"), 16) >> 21 & 1),
            "seccomp_mode": _status("Seccomp")}


def grader(request_json: str) -> None:
    """course_lib's grader in the container: the isolation it chooses and an attack in its sandbox."""
    request = json.loads(request_json)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "hostile"))
    print(json.dumps({"container": _caps()}), flush=True)
    import fallback_claims

    fallback_claims.main([json.dumps(request["claims"])])


def autograde(request_json: str) -> None:
    """What run_autograder runs, in the container."""
    request = json.loads(request_json)
    sys.path.insert(0, request["repo"])
    print(json.dumps({"container": _caps()}), flush=True)
    from course_lib.cli import main

    code = main(["gradescope", "--autograde", request["root"]] + (["--unsafe-no-sandbox"] if request.get("unsafe")
                                                                   else []))
    print(json.dumps({"exit": code}), flush=True)


if __name__ == "__main__":
    {"outer": outer, "inner": inner, "grader": grader, "autograde": autograde}[sys.argv[1]](sys.argv[2])
