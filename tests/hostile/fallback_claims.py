"""A grader process that runs one attack submission's code in its sandbox, and the same code unsandboxed.

``python fallback_claims.py REQUEST`` (REQUEST is JSON) is started by ``tests/autograde/test_isolation.py``
as root or, through ``setpriv``, as an ordinary user, with bubblewrap unavailable (no ``bwrap`` on
its PATH, or the Docker-like filter of ``gradescope_like.py``). It chooses the isolation as
``grade`` does (:func:`isolation.choose`), runs the attack code below in one worker
(:func:`sandbox.run_steps`), then, as a control, runs the same code in a plain subprocess with the
same answer-free package on its path: every attack must succeed there, so that its failure in the
sandbox means something. Prints one JSON line: the mode, this process's pid, both reports.

``REQUEST``: ``repo`` (the checkout to import), ``port`` (a TCP listener of the test),
``instructor`` (a 0644 copy of a source notebook outside the allowed paths), ``classmate``
(another student's 0644 submission), ``classmates`` (a folder holding a classmate's solved
``03_multiclass_svm.ipynb``, for ``cl.mine``), ``unsafe`` (pass ``--unsafe-no-sandbox``), and
``control`` (run the unsandboxed control too).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

ATTACK = r'''
import json, os, socket
import numpy as np
_report = {}

def _attempt(name, function):
    try:
        value = function()
        _report[name] = {"ok": True, "value": value[:1000] if isinstance(value, str) else value}
    except Exception as exc:
        _report[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}

def _tcp():
    with socket.create_connection(("127.0.0.1", PORT), timeout=3) as conn:
        conn.sendall(b"LEAK hidden inputs")
    return "sent"

def _read(path):
    with open(path, "rb") as handle:
        return handle.read(4096).decode("utf-8", "replace")

def _mine():
    os.environ["COURSE_LIB_SANDBOX"] = "0"  # what a submission can do to its own environment
    os.environ["COURSE_LIB_NOTEBOOKS"] = CLASSMATES
    import course_lib
    found = course_lib.mine("svm_vectorized")
    return {"usable": bool(found) and callable(found), "repr": repr(found)[:300]}

def _disk():
    written = 0
    try:
        for k in range(40):
            with open("fill_%d.bin" % k, "wb") as handle:
                handle.write(b"0" * (1 << 20))
            written += 1
    except OSError:
        pass
    return written

_attempt("tcp", _tcp)
_attempt("instructor", lambda: _read(INSTRUCTOR))
_attempt("classmate", lambda: _read(CLASSMATE))
_attempt("grader_cmdline", lambda: _read("/proc/%d/cmdline" % GRADER))
_attempt("grader_environ", lambda: _read("/proc/%d/environ" % GRADER))
_attempt("other_pids", lambda: [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()][:20])
_attempt("mine", _mine)
_attempt("uid", os.getuid)
_attempt("numpy", lambda: float(np.linalg.norm(np.ones(4))))
_attempt("disk_mib", _disk)
REPORT = json.dumps(_report)
'''


def attack_source(request: dict, grader_pid: int) -> str:
    constants = {"PORT": request["port"], "INSTRUCTOR": request["instructor"], "CLASSMATE": request["classmate"],
                 "CLASSMATES": request["classmates"], "GRADER": grader_pid}
    return "".join(f"{name} = {value!r}\n" for name, value in constants.items()) + ATTACK


def in_sandbox(source: str) -> dict:
    import sandbox_run

    from course_lib.grading.autograde.limits import Limits

    [report] = sandbox_run.values([source], ["REPORT"], Limits(cell_timeout=30, timeout=60))
    return json.loads(report) if isinstance(report, str) else {"replies": report}


def unsandboxed(source: str, package: str) -> dict:
    """The same code with the same package on its path, as a plain process of this grader's uid."""
    program = ("import sys, os\n"
               f"sys.path[:0] = [{os.path.join(package, 'site')!r}, {os.path.join(package, 'course')!r}]\n"
               "os.environ['COURSE_LIB_SANDBOX'] = '1'\n" + source + "print(REPORT)\n")
    work = tempfile.mkdtemp(prefix="fallback_control_")
    try:
        done = subprocess.run([sys.executable, "-I", "-c", program], capture_output=True, text=True, timeout=120,
                              cwd=work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {"stderr": done.stderr}


def main(argv) -> int:
    request = json.loads(argv[0])
    sys.path.insert(0, request["repo"])
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # sandbox_run
    from course_lib.grading.autograde import isolation

    out = {"grader_pid": os.getpid(), "uid": os.geteuid()}
    try:
        mode = isolation.choose(request.get("unsafe", False))
    except isolation.IsolationRefused as exc:
        out["refused"] = str(exc)
        print(json.dumps(out), flush=True)
        return 0
    out["mode"], out["mode_json"] = str(mode), mode.to_json()
    source = attack_source(request, os.getpid())
    out["sandboxed"] = in_sandbox(source)
    if request.get("control"):
        out["control"] = unsandboxed(source, isolation.answer_free_package())
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
