"""A stand-in for the grading worker: apply confine's plan, then try each attack and say what happened.

Run as ``python -I -S confined_child.py REQUEST`` (how the sandbox starts its worker), from the
private package folder, importing nothing but the standard library and ``confine``. ``REQUEST``
is JSON: ``path`` (put first on ``sys.path``), ``plan`` (a :class:`confine.Plan` as JSON, or null
for none), ``victim`` (then: apply, print ``{"ready": pid}``, wait for stdin to close) or
``serve`` (two inherited descriptors: answer course_lib's wire frames on them) or
``attacks`` (names of :data:`ATTACKS`) and their targets. Prints one JSON line:
``{"applied": [...], "uid": ..., "results": {name: {"ok": bool, "value" | "errno" + "error": ...}}}``
(the uid before the attacks: one of them may enter a user namespace).
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys

_PTRACE_ATTACH, _PTRACE_DETACH = 16, 17


def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def _check(result: int, what: str) -> int:
    if result == -1:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")
    return result


def tcp_connect(r):
    import socket

    with socket.create_connection(("127.0.0.1", r["tcp_port"]), timeout=5) as sock:
        sock.sendall(b"LEAK hidden inputs")
    return "connected and sent"


def udp_sendto(r):
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"LEAK hidden inputs", ("127.0.0.1", r["udp_port"]))
    return "sent"


def unix_abstract(r):
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect("\0" + r["unix_name"])
        sock.sendall(b"LEAK hidden inputs")
    return "connected and sent"


def socket_by_syscall(r):
    """socket(AF_INET, SOCK_STREAM, 0) through the raw system call, not Python's socket module."""
    import confine

    number = confine._SYSCALLS[confine._machine()]["socket"]
    fd = _check(_libc().syscall(ctypes.c_long(number), ctypes.c_long(2), ctypes.c_long(1), ctypes.c_long(0)),
                "socket")
    os.close(fd)
    return f"fd {fd}"


def io_uring(r):
    import confine

    number = confine._SYSCALLS[confine._machine()]["io_uring_setup"]
    params = ctypes.create_string_buffer(120)
    fd = _check(_libc().syscall(ctypes.c_long(number), ctypes.c_long(4), params), "io_uring_setup")
    os.close(fd)
    return f"fd {fd}"


def read_instructor_notebook(r):
    with open(r["instructor_file"]) as handle:
        return handle.read()


def read_classmate_submission(r):
    with open(r["classmate_file"]) as handle:
        return handle.read()


def stat_instructor_notebook(r):
    """The size of a file whose path the worker guesses (Landlock does not govern lookups)."""
    return os.stat(r["instructor_file"]).st_size


def read_base_site_packages(r):
    return sorted(os.listdir(r["base_site"]))[:5]


def list_home(r):
    return sorted(os.listdir("/home"))


def list_tmp(r):
    return sorted(os.listdir("/tmp"))[:5]


def list_root(r):
    return sorted(os.listdir("/"))


def read_grader_cmdline(r):
    with open(f"/proc/{r['grader_pid']}/cmdline", "rb") as handle:
        return handle.read().decode(errors="replace")


def read_grader_environ(r):
    with open(f"/proc/{r['grader_pid']}/environ", "rb") as handle:
        return handle.read().decode(errors="replace")[:200]


def read_own_status(r):
    with open("/proc/self/status") as handle:
        return handle.readline().strip()


def write_outside(r):
    path = os.path.join(r["open_dir"], f"planted_{os.getpid()}")
    with open(path, "w") as handle:
        handle.write("planted")
    return path


def write_scratch(r):
    path = os.path.join(os.getcwd(), "answer.txt")
    with open(path, "w") as handle:
        handle.write("42")
    with open(path) as handle:
        return handle.read()


def ptrace_victim(r):
    libc = _libc()
    _check(libc.ptrace(ctypes.c_long(_PTRACE_ATTACH), ctypes.c_long(r["victim_pid"]), None, None), "ptrace")
    libc.ptrace(ctypes.c_long(_PTRACE_DETACH), ctypes.c_long(r["victim_pid"]), None, None)
    return "attached"


class _IoVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def read_victim_memory(r):
    """process_vm_readv at an address of our own: EFAULT would mean the permission check passed."""
    buffer = ctypes.create_string_buffer(64)
    local = _IoVec(ctypes.cast(buffer, ctypes.c_void_p), 64)
    remote = _IoVec(ctypes.cast(buffer, ctypes.c_void_p), 64)
    libc = _libc()
    libc.process_vm_readv.restype = ctypes.c_ssize_t
    count = _check(libc.process_vm_readv(r["victim_pid"], ctypes.byref(local), ctypes.c_ulong(1), ctypes.byref(remote),
                                         ctypes.c_ulong(1), ctypes.c_ulong(0)), "process_vm_readv")
    return f"read {count} bytes"


def open_victim_mem(r):
    with open(f"/proc/{r['victim_pid']}/mem", "rb"):
        return "opened"


def signal_victim(r):
    os.kill(r["victim_pid"], 0)
    return "signal 0 allowed"


def terminate_victim(r):
    os.kill(r["victim_pid"], signal.SIGTERM)
    return "SIGTERM sent"


def numpy_computes(r):
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.normal(size=(50, 50)) + 50 * np.eye(50)
    x = np.linalg.solve(a, a @ np.arange(50.0))
    return [float(np.round(x[3], 6)), float(np.round(np.exp(np.log(2.0)), 6)), np.__version__]


def stdlib_imports(r):
    import decimal
    import fractions
    import statistics

    return str(fractions.Fraction(1, 3) + fractions.Fraction(decimal.Decimal("0.5")) + statistics.mode([2, 2, 3]))


def execute_program(r):
    import subprocess

    return subprocess.run(["/usr/bin/id", "-u"], capture_output=True, text=True, timeout=10).stdout.strip()


def execute_memfd(r):
    """A program (the package folder's copy of ``true``, readable) written to a memfd and executed from there."""
    with open(r["program"], "rb") as handle:
        data = handle.read()
    fd = os.memfd_create("program", 0)
    os.write(fd, data)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.execve(fd, ["program"], {})
        except OSError as exc:
            os.write(write_end, str(exc.errno).encode())
        os._exit(127)
    os.close(write_end)
    failure = os.read(read_end, 16)
    os.waitpid(pid, 0)
    if failure:
        raise OSError(int(failure), "execve of a memfd")
    return "executed"


def new_user_namespace(r):
    _check(_libc().unshare(ctypes.c_int(0x10000000)), "unshare(CLONE_NEWUSER)")
    return "created"


def user_keyring(r):
    import confine

    number = confine._SYSCALLS[confine._machine()]["keyctl"]
    key = _check(_libc().syscall(ctypes.c_long(number), ctypes.c_long(0), ctypes.c_long(-4), ctypes.c_long(0)),
                 "keyctl(KEYCTL_GET_KEYRING_ID)")
    return f"keyring {key}"


def system_v_shared_memory(r):
    """A segment in the host's IPC namespace (removed at once if it was made)."""
    libc = _libc()
    segment = _check(libc.shmget(ctypes.c_int(0x5EC0FFEE), ctypes.c_size_t(4096), ctypes.c_int(0o1666)), "shmget")
    libc.shmctl(segment, 0, None)  # IPC_RMID
    return f"segment {segment}"


def watch_tmp(r):
    """An inotify watch on /tmp: the names of files others create there."""
    libc = _libc()
    fd = _check(libc.inotify_init1(0), "inotify_init1")
    try:
        return f"watch {_check(libc.inotify_add_watch(fd, b'/tmp', 0x100), 'inotify_add_watch')}"  # IN_CREATE
    finally:
        os.close(fd)


def write_dev_null(r):
    with open(os.devnull, "w") as handle:
        return handle.write("discarded")


def list_own_fds(r):
    return sorted(os.listdir("/proc/self/fd"))


def signal_self(r):
    """A handler run by a signal the worker sends itself (kill and tgkill to its own pid)."""
    got = []
    signal.signal(signal.SIGUSR1, lambda signum, frame: got.append(signum))
    os.kill(os.getpid(), 0)
    signal.raise_signal(signal.SIGUSR1)
    return got == [signal.SIGUSR1]


def start_thread(r):
    """A thread (glibc tries clone3, which the filter answers ENOSYS, then clone without CLONE_NEW*)."""
    import threading

    box = []
    thread = threading.Thread(target=lambda: box.append(sum(range(10))))
    thread.start()
    thread.join()
    return box[0]


def route_sigio(r):
    """fcntl(F_SETOWN) on a pipe: SIGIO would then go to the victim."""
    import fcntl

    read_end, write_end = os.pipe()
    try:
        fcntl.fcntl(read_end, fcntl.F_SETOWN, r["victim_pid"])
        return "owner set"
    finally:
        os.close(read_end)
        os.close(write_end)


ATTACKS = {f.__name__: f for f in (
    tcp_connect, udp_sendto, unix_abstract, socket_by_syscall, io_uring, read_instructor_notebook,
    read_classmate_submission, stat_instructor_notebook, read_base_site_packages, list_home, list_tmp, list_root,
    read_grader_cmdline, read_grader_environ, read_own_status, write_outside, write_scratch, ptrace_victim,
    read_victim_memory, open_victim_mem, signal_victim, terminate_victim, numpy_computes, stdlib_imports,
    execute_program, execute_memfd, new_user_namespace, user_keyring, system_v_shared_memory, watch_tmp,
    write_dev_null, list_own_fds, signal_self, start_thread, route_sigio)}


def _attempt(attack, request) -> dict:
    try:
        return {"ok": True, "value": attack(request)}
    except OSError as exc:
        import errno

        return {"ok": False, "errno": errno.errorcode.get(exc.errno, str(exc.errno)), "error": str(exc)[:300]}
    except Exception as exc:  # an attack that fails for another reason: reported, never mistaken for a block
        return {"ok": False, "errno": None, "error": f"{type(exc).__name__}: {exc}"[:300]}


def serve(cmd_fd: int, result_fd: int) -> None:
    """The worker's pipe protocol (course_lib's wire frames): each array received comes back as ``x @ x.T``."""
    import plain
    import wire

    buffer = bytearray()
    while (frame := wire.read_frame(cmd_fd, buffer)) is not None:
        x = plain.decode(frame["x"])
        wire.write_frame(result_fd, {"value": plain.encode(x @ x.T)})


def main(argv) -> None:
    request = json.loads(argv[0])
    sys.path[:0] = request["path"]
    import confine

    applied, uid = [], os.getuid()
    if request["plan"] is not None:
        applied = [layer.value for layer in confine.apply(confine.Plan.from_json(request["plan"])).layers]
    if request.get("serve"):
        serve(*request["serve"])
        return
    if request.get("victim"):
        print(json.dumps({"ready": os.getpid(), "applied": applied}), flush=True)
        sys.stdin.read()
        return
    results = {name: _attempt(ATTACKS[name], request) for name in request["attacks"]}
    print(json.dumps({"applied": applied, "uid": uid, "results": results}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
