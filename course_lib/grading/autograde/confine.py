"""Confine a grading worker where bubblewrap cannot start: seccomp, Landlock and an unprivileged uid.

Gradescope's containers (root without ``CAP_SYS_ADMIN``, new user namespaces refused by
Docker's seccomp profile) and machines without ``bwrap`` get this instead of a bubblewrap
sandbox. The grader calls :func:`probe` and :func:`assess` once, builds a private package
folder (:func:`private_package_folder`) and a scratch folder (:func:`scratch_folder`) per
worker, starts the worker with :func:`popen_kwargs`; the worker calls :func:`apply` before
any code of the package or of the student runs. This module imports nothing of course_lib
(the worker imports it from the package folder before anything else).

What is enforced, and by what
-----------------------------
- **uid** (the kernel's permission checks): a grader running as root starts each worker
  directly as an unassigned uid/gid of its own slot (65520 + slot), no supplementary groups,
  set by the C code of ``subprocess`` between fork and exec; no Python code of ours runs as
  root in the child. Two workers of one batch therefore cannot signal, trace or read each
  other, and nothing owned by the grader with mode 0700/0600 is reachable. An ordinary-user
  grader cannot change uid: its workers keep its uid and rely on the layers below.
- **seccomp** (a BPF filter checked by the kernel on every system call, inherited by every
  child, irrevocable under ``no_new_privs``): any other architecture's system call ABI
  (i386 ``int 0x80``, x32, AArch32) kills the process; ``socket`` and ``socketpair`` fail
  with ``EACCES`` for every address family (TCP, UDP, raw, netlink, unix, abstract unix);
  tracing and reading other processes, new namespaces, mounts, eBPF, perf events, kernel
  keyrings, userfaultfd, io_uring, file handles, System V and POSIX IPC and inotify watches
  fail with ``EPERM``; signals may be sent to the worker's own pid only. The list and the
  reasons are at :data:`_DENIED`.
- **Landlock** (an LSM, per process, inherited, irrevocable): reading beneath an explicit
  list only (the Python runtime without its ``site-packages``/``dist-packages``, the shared
  libraries, numpy, the package folder, the worker's own ``/proc/<pid>``), reading and
  writing beneath one private scratch folder, nothing else: no other ``/proc/<pid>``, no
  ``/home``, ``/root``, ``/tmp``, checkout, submissions; no ``execve`` at all (the execute
  right is granted nowhere; a program written to a memfd is refused too). With ABI 4 no
  TCP ``bind``/``connect`` (a second wall behind seccomp); with ABI 6 no signal and no
  abstract unix socket outside the worker's own Landlock domain. Landlock also refuses
  ``ptrace`` of any process outside the domain (every ABI).
- **user, network and mount namespaces**, when the kernel lets the worker create them (not in
  Docker): a network namespace of its own (only a loopback, down) behind the seccomp wall, and
  (``Plan.scratch_mb``) its one writable folder covered by a size-capped tmpfs that ends with it.
  Without them, what the worker writes is bounded per file only (``RLIMIT_FSIZE``).

Not covered
-----------
Kernel exploits (seccomp shrinks, but does not close, the kernel's attack surface);
side channels (CPU caches, timing, ``/proc/self`` counters) and covert channels between
workers through the CPU or memory pressure; the kernel's information that needs no path
(``uname``, ``sysinfo``, the CPU model through ``cpuid``); the metadata of a path whose
name the worker guesses (``stat``, ``readlink``, ``access``: Landlock governs opening,
listing, writing and executing, not looking up; the modes still apply); resources (CPU,
memory, file sizes, process counts: rlimits and the grader's deadlines, not this module);
files opened before :func:`apply` (the worker must inherit only its two pipes and
``/dev/null``); processes the worker forks can signal nothing, not even themselves. Where
the kernel lacks seccomp or Landlock, or the grader is root without ``CAP_SETUID``,
:func:`assess` says the fallback is no boundary and lists what is missing, for
``--unsafe-no-sandbox``.
"""

from __future__ import annotations

import ctypes
import enum
import errno
import grp
import json
import os
import platform
import pwd
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

# --- system calls ---------------------------------------------------------------------------------

# syscall numbers (x86_64: asm/unistd_64.h; aarch64: asm-generic/unistd.h); Landlock's are the same on both
_SYSCALLS = {
    "x86_64": {
        "socket": 41, "socketpair": 53, "connect": 42, "bind": 49, "listen": 50, "accept": 43, "accept4": 288,
        "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "pidfd_getfd": 438, "kcmp": 312,
        "unshare": 272, "setns": 308, "clone": 56, "clone3": 435, "mount": 165, "umount2": 166,
        "pivot_root": 155, "chroot": 161, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
        "fsmount": 432, "fspick": 433, "mount_setattr": 442, "bpf": 321, "perf_event_open": 298, "keyctl": 250,
        "add_key": 248, "request_key": 249, "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "open_by_handle_at": 304, "syslog": 103, "kill": 62, "tkill": 200,
        "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297, "pidfd_send_signal": 424, "fcntl": 72,
        "prctl": 157, "seccomp": 317, "landlock_create_ruleset": 444, "landlock_add_rule": 445,
        "landlock_restrict_self": 446, "shmget": 29, "shmat": 30, "shmctl": 31, "semget": 64, "semop": 65,
        "semctl": 66, "semtimedop": 220, "msgget": 68, "msgsnd": 69, "msgrcv": 70, "msgctl": 71, "mq_open": 240,
        "mq_unlink": 241, "inotify_add_watch": 254,
    },
    "aarch64": {
        "socket": 198, "socketpair": 199, "connect": 203, "bind": 200, "listen": 201, "accept": 202,
        "accept4": 242, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "pidfd_getfd": 438,
        "kcmp": 272, "unshare": 97, "setns": 268, "clone": 220, "clone3": 435, "mount": 40, "umount2": 39,
        "pivot_root": 41, "chroot": 51, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
        "fsmount": 432, "fspick": 433, "mount_setattr": 442, "bpf": 280, "perf_event_open": 241, "keyctl": 219,
        "add_key": 217, "request_key": 218, "userfaultfd": 282, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "open_by_handle_at": 265, "syslog": 116, "kill": 129, "tkill": 130,
        "tgkill": 131, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240, "pidfd_send_signal": 424, "fcntl": 25,
        "prctl": 167, "seccomp": 277, "landlock_create_ruleset": 444, "landlock_add_rule": 445,
        "landlock_restrict_self": 446, "shmget": 194, "shmat": 196, "shmctl": 195, "semget": 190, "semop": 193,
        "semctl": 191, "semtimedop": 192, "msgget": 186, "msgsnd": 189, "msgrcv": 188, "msgctl": 187,
        "mq_open": 180, "mq_unlink": 181, "inotify_add_watch": 27,
    },
}
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}  # seccomp_data.arch of the native ABI
_X32_BIT = 0x40000000  # x86_64: an x32 system call carries this bit in its number

# What the filter refuses, and why. A worker runs numpy and Python code over two inherited pipes:
# it never needs any of these.
_DENIED = {
    # the network, whatever the address family (inet, inet6, packet, raw, netlink, unix, abstract unix: the
    # last is per network namespace, so without one it reaches the host's listeners): no socket can exist
    "socket": errno.EACCES, "socketpair": errno.EACCES,
    # a socket inherited by mistake still cannot connect, serve or accept
    "connect": errno.EACCES, "bind": errno.EACCES, "listen": errno.EACCES, "accept": errno.EACCES,
    "accept4": errno.EACCES,
    # other processes' memory, descriptors and signals (another worker's inputs, the grader)
    "ptrace": errno.EPERM, "process_vm_readv": errno.EPERM, "process_vm_writev": errno.EPERM,
    "pidfd_getfd": errno.EPERM, "kcmp": errno.EPERM, "pidfd_send_signal": errno.EPERM,
    # namespaces: a new user namespace hands out capabilities over much kernel code; setns joins another's
    "unshare": errno.EPERM, "setns": errno.EPERM,
    # the file system's shape: Landlock governs paths, nothing may mount, move or re-root them
    "mount": errno.EPERM, "umount2": errno.EPERM, "pivot_root": errno.EPERM, "chroot": errno.EPERM,
    "open_tree": errno.EPERM, "move_mount": errno.EPERM, "fsopen": errno.EPERM, "fsconfig": errno.EPERM,
    "fsmount": errno.EPERM, "fspick": errno.EPERM, "mount_setattr": errno.EPERM,
    # kernel surface used by exploits, never by a worker: eBPF, perf counters (also a side channel),
    # the kernel keyrings (one per uid: shared with an ordinary-user grader), userfaultfd (holds a kernel
    # thread at will, to win races), io_uring (runs reads, writes and sockets outside this filter's view),
    # file handles (open_by_handle_at skips path checks), the kernel log
    "bpf": errno.EPERM, "perf_event_open": errno.EPERM, "keyctl": errno.EPERM, "add_key": errno.EPERM,
    "request_key": errno.EPERM, "userfaultfd": errno.EPERM, "io_uring_setup": errno.EPERM,
    "io_uring_enter": errno.EPERM, "io_uring_register": errno.EPERM, "open_by_handle_at": errno.EPERM,
    "syslog": errno.EPERM,
    # System V and POSIX IPC: one namespace for the whole host, governed by uid and mode only (Landlock does
    # not see them); segments and queues outlive the worker, a channel to the next submission of that uid
    "shmget": errno.EPERM, "shmat": errno.EPERM, "shmctl": errno.EPERM, "semget": errno.EPERM,
    "semop": errno.EPERM, "semctl": errno.EPERM, "semtimedop": errno.EPERM, "msgget": errno.EPERM,
    "msgsnd": errno.EPERM, "msgrcv": errno.EPERM, "msgctl": errno.EPERM, "mq_open": errno.EPERM,
    "mq_unlink": errno.EPERM,
    # inotify watches need only DAC read rights, not Landlock's: a watch on /tmp or an output folder
    # would show the names of the files the grader and other workers create there
    "inotify_add_watch": errno.EPERM,
}
# signals go to the worker's own pid only (first argument); fcntl may not route SIGIO/SIGURG elsewhere
_SIGNAL_SYSCALLS = ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")
_F_SETOWN, _F_SETOWN_EX = 8, 15
# clone with any CLONE_NEW* flag: the namespaces of unshare; clone3 passes its flags in memory the filter
# cannot read, so it reports ENOSYS and the C library falls back to clone
_CLONE_NEW_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_RET_KILL_PROCESS, _RET_ERRNO, _RET_ALLOW = 0x80000000, 0x00050000, 0x7FFF0000
_LD_ABS_W, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06  # classic BPF opcodes
_NR, _ARCH, _ARGS = 0, 4, 16  # offsets in struct seccomp_data (args[i] at 16 + 8 i, little-endian)

# Landlock (include/uapi/linux/landlock.h)
_LL_VERSION = 1  # LANDLOCK_CREATE_RULESET_VERSION
_LL_RULE_PATH_BENEATH = 1
_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE, _FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_MAKE_CHAR, _FS_MAKE_SOCK, _FS_MAKE_BLOCK = 1 << 6, 1 << 9, 1 << 11
_FS_REFER, _FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_FS_FOR_FILES = _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX, _SCOPE_SIGNAL = 1 << 0, 1 << 1

_CLONE_NEWUSER, _CLONE_NEWNET, _CLONE_NEWNS = 0x10000000, 0x40000000, 0x00020000
_CAP_SETGID, _CAP_SETUID = 6, 7

WORKER_UID_BASE = 65520  # slot k runs as uid/gid 65520 + k (Debian reserves 65000-65533; not systemd's range)
WORKER_SLOTS = 14  # 65520 ... 65533; 65534 is nobody


class ConfinementError(RuntimeError):
    """Confinement cannot be set up as asked; the message says what and what to do."""


def _machine() -> str | None:
    """``"x86_64"`` or ``"aarch64"`` for a 64-bit little-endian process there, else None."""
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    if machine in _SYSCALLS and struct.calcsize("P") == 8 and sys.byteorder == "little":
        return machine
    return None


def _require_machine() -> str:
    machine = _machine()
    if machine is None:
        raise ConfinementError(f"confine knows the system calls of 64-bit x86_64 and aarch64 only; this process "
                               f"is {platform.machine()} ({8 * struct.calcsize('P')}-bit, {sys.byteorder}-endian)")
    return machine


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _syscall(name: str, *args) -> int:
    """The raw system call ``name``; ``-errno`` on failure."""
    number = _SYSCALLS[_require_machine()][name]
    converted = [a if isinstance(a, (ctypes.c_void_p, ctypes.c_char_p)) or a is None else ctypes.c_long(a)
                 for a in args]
    result = _libc.syscall(ctypes.c_long(number), *converted)
    return -ctypes.get_errno() if result == -1 else result


def _strerror(code: int) -> str:
    return f"{errno.errorcode.get(code, code)}: {os.strerror(code)}"


# --- seccomp ------------------------------------------------------------------------------------------

def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def seccomp_program(machine: str, own_pid: int) -> bytes:
    """The BPF program of the worker's filter (classic BPF, 8 bytes per instruction).

    Parameters
    ----------
    machine : str
        ``"x86_64"`` or ``"aarch64"``.
    own_pid : int
        The worker's pid: the only target its signals may have.
    """
    numbers = _SYSCALLS[machine]
    program = [_insn(_LD_ABS_W, 0, 0, _ARCH), _insn(_JEQ, 1, 0, _AUDIT_ARCH[machine]),
               _insn(_RET, 0, 0, _RET_KILL_PROCESS), _insn(_LD_ABS_W, 0, 0, _NR)]
    if machine == "x86_64":
        program += [_insn(_JGE, 0, 1, _X32_BIT), _insn(_RET, 0, 0, _RET_KILL_PROCESS)]
    for name, code in _DENIED.items():
        program += [_insn(_JEQ, 0, 1, numbers[name]), _insn(_RET, 0, 0, _RET_ERRNO | code)]
    program += [_insn(_JEQ, 0, 1, numbers["clone3"]), _insn(_RET, 0, 0, _RET_ERRNO | errno.ENOSYS)]
    program += [_insn(_JEQ, 0, 4, numbers["clone"]),  # flags are clone's first argument on both machines
                _insn(_LD_ABS_W, 0, 0, _ARGS),
                _insn(_JSET, 0, 1, _CLONE_NEW_FLAGS),
                _insn(_RET, 0, 0, _RET_ERRNO | errno.EPERM),
                _insn(_RET, 0, 0, _RET_ALLOW)]
    for name in _SIGNAL_SYSCALLS:  # the first argument, all 64 bits, must be this process's pid
        program += [_insn(_JEQ, 0, 6, numbers[name]),
                    _insn(_LD_ABS_W, 0, 0, _ARGS),
                    _insn(_JEQ, 0, 3, own_pid),
                    _insn(_LD_ABS_W, 0, 0, _ARGS + 4),
                    _insn(_JEQ, 0, 1, 0),
                    _insn(_RET, 0, 0, _RET_ALLOW),
                    _insn(_RET, 0, 0, _RET_ERRNO | errno.EPERM)]
    program += [_insn(_JEQ, 0, 5, numbers["fcntl"]),
                _insn(_LD_ABS_W, 0, 0, _ARGS + 8),  # the command: an unsigned int, the low word
                _insn(_JEQ, 2, 0, _F_SETOWN),
                _insn(_JEQ, 1, 0, _F_SETOWN_EX),
                _insn(_RET, 0, 0, _RET_ALLOW),
                _insn(_RET, 0, 0, _RET_ERRNO | errno.EPERM)]
    program.append(_insn(_RET, 0, 0, _RET_ALLOW))
    return b"".join(program)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _set_no_new_privs() -> None:
    if _libc.prctl(_PR_SET_NO_NEW_PRIVS, ctypes.c_ulong(1), ctypes.c_ulong(0), ctypes.c_ulong(0),
                   ctypes.c_ulong(0)) != 0:
        raise ConfinementError(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {_strerror(ctypes.get_errno())}")


def _load_seccomp(program: bytes) -> None:
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    result = _syscall("seccomp", _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC,
                      ctypes.c_void_p(ctypes.addressof(fprog)))
    if result != 0:
        raise ConfinementError(f"seccomp(SECCOMP_SET_MODE_FILTER) failed: "
                               f"{_strerror(-result) if result < 0 else f'thread {result} refused it'}")


def apply_seccomp() -> None:
    """Load the worker's filter in this process (sets ``no_new_privs``); ``ConfinementError`` if refused."""
    machine = _require_machine()
    _set_no_new_privs()
    _load_seccomp(seccomp_program(machine, os.getpid()))


# --- Landlock -----------------------------------------------------------------------------------------

def landlock_abi() -> int:
    """The kernel's Landlock ABI version (0: none; no side effect)."""
    if _machine() is None:
        return 0
    version = _syscall("landlock_create_ruleset", None, 0, _LL_VERSION)
    return max(version, 0)


def _handled_fs(abi: int) -> int:
    """Every file-system right of ABI 1-6 the kernel knows: what no rule grants is then denied."""
    return (1 << {1: 13, 2: 14, 3: 15, 4: 15}.get(abi, 16)) - 1


@dataclass(frozen=True)
class LandlockScope:
    """What one Landlock domain allows.

    Attributes
    ----------
    read : tuple of str
        Paths readable beneath (folders: read and list; files: read).
    write : tuple of str
        Folders readable and writable beneath (create, remove, rename inside; no devices, no sockets).
    devices : tuple of str
        Device files readable and writable (``/dev/null``).
    execute : bool
        Whether files beneath ``read`` may be executed (a worker never needs to).
    """

    read: tuple = ()
    write: tuple = ()
    devices: tuple = ()
    execute: bool = False


def _rule(ruleset: int, fd: int, access: int) -> None:
    attr = struct.pack("=Qi", access, fd)  # struct landlock_path_beneath_attr is packed: 12 bytes
    buffer = ctypes.create_string_buffer(attr, len(attr))
    result = _syscall("landlock_add_rule", ruleset, _LL_RULE_PATH_BENEATH, ctypes.c_void_p(ctypes.addressof(buffer)),
                      0)
    if result != 0:
        raise ConfinementError(f"landlock_add_rule failed: {_strerror(-result)}")


def apply_landlock(scope: LandlockScope, abi: int) -> tuple:
    """Restrict this process with one Landlock domain of ``abi`` (at most the kernel's).

    Needs ``no_new_privs`` (set here). Returns the paths of ``scope`` that did not exist (skipped:
    nothing is granted for them). ``ConfinementError`` if the kernel refuses.
    """
    _require_machine()
    abi = min(abi, landlock_abi())
    if abi < 1:
        raise ConfinementError("Landlock is not available in this kernel")
    handled = _handled_fs(abi)
    fields = [handled] + ([_NET_BIND_TCP | _NET_CONNECT_TCP] if abi >= 4 else []) \
        + ([_SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL] if abi >= 6 else [])
    attr = struct.pack(f"={len(fields)}Q", *fields)
    buffer = ctypes.create_string_buffer(attr, len(attr))
    ruleset = _syscall("landlock_create_ruleset", ctypes.c_void_p(ctypes.addressof(buffer)), len(attr), 0)
    if ruleset < 0:
        raise ConfinementError(f"landlock_create_ruleset failed: {_strerror(-ruleset)}")
    read = _FS_READ_FILE | _FS_READ_DIR | (_FS_EXECUTE if scope.execute else 0)
    write = handled & ~(_FS_EXECUTE | _FS_MAKE_CHAR | _FS_MAKE_BLOCK | _FS_MAKE_SOCK | _FS_IOCTL_DEV)
    device = _FS_READ_FILE | _FS_WRITE_FILE | (_FS_TRUNCATE if abi >= 3 else 0)
    skipped = []
    try:
        for paths, access in ((scope.read, read), (scope.write, write), (scope.devices, device)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    skipped.append(path)
                    continue
                try:
                    is_dir = stat.S_ISDIR(os.fstat(fd).st_mode)
                    _rule(ruleset, fd, (access if is_dir else access & _FS_FOR_FILES) & handled)
                finally:
                    os.close(fd)
        _set_no_new_privs()
        result = _syscall("landlock_restrict_self", ruleset, 0)
        if result != 0:
            raise ConfinementError(f"landlock_restrict_self failed: {_strerror(-result)}")
    finally:
        os.close(ruleset)
    return tuple(skipped)


# --- what the worker reads: the runtime without its site-packages ---------------------------------------

_SITE_NAMES = ("site-packages", "dist-packages")


def _hidden_beneath(root: str) -> list:
    """The package folders of interpreters beneath ``root`` (looked for where interpreters put them)."""
    found = []
    for base in (root, *(os.path.join(root, n) for n in _listdir(root) if n.startswith("python"))):
        for name in _SITE_NAMES:
            if os.path.isdir(os.path.join(base, name)):
                found.append(os.path.realpath(os.path.join(base, name)))
    return found


def _listdir(path: str) -> list:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []


def _beneath_except(root: str, hidden: list) -> list:
    """Paths whose union is everything beneath ``root`` except beneath each of ``hidden``.

    Symbolic links met on the way down are left out (their targets are granted or not on their
    own), so that a link cannot widen the grant to where it points.
    """
    root = os.path.realpath(root)
    inside = [h for h in hidden if h == root or h.startswith(root.rstrip("/") + "/")]
    if not inside:
        return [root]
    if root in inside:
        return []
    granted = []
    for name in _listdir(root):
        child = os.path.join(root, name)
        if not os.path.islink(child):
            granted += _beneath_except(child, inside)
    return granted


def _package_dirs(name: str) -> list:
    """The folder of the top-level package ``name`` on ``sys.path`` and its wheel's ``<name>.libs``."""
    import importlib.machinery

    spec = importlib.machinery.PathFinder.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = os.path.realpath(list(spec.submodule_search_locations)[0])
    libs = folder + ".libs"
    return [folder] + ([libs] if os.path.isdir(libs) else [])


def runtime_read_paths(modules=("numpy",)) -> list:
    """What this interpreter reads after start-up, without any ``site-packages``/``dist-packages``.

    The standard library's folder and ``lib-dynload``, the folders of the shared libraries
    mapped now and of the platform's (``/usr/lib/<multiarch>``), ``/etc/ld.so.cache``, and the
    folders of ``modules`` found on ``sys.path`` (numpy and ``numpy.libs``).
    """
    stdlib = os.path.dirname(os.path.realpath(os.__file__))
    roots = {stdlib}
    roots |= {os.path.realpath(p) for p in sys.path if os.path.basename(p.rstrip("/")) == "lib-dynload"}
    multiarch = getattr(sys.implementation, "_multiarch", None)
    if multiarch:
        roots |= {os.path.realpath(f"{prefix}/lib/{multiarch}") for prefix in ("/usr", "")}
    packages = [d for name in modules for d in _package_dirs(name)]
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split(None, 5)
                path = fields[5].strip() if len(fields) == 6 else ""
                if path.startswith("/") and ".so" in os.path.basename(path) and os.path.exists(path):
                    folder = os.path.dirname(os.path.realpath(path))
                    if not any(folder == d or folder.startswith(d + "/") for d in packages):
                        roots.add(folder)
    except OSError:
        pass
    hidden = sorted({h for root in roots | {os.path.dirname(r) for r in roots} for h in _hidden_beneath(root)})
    paths = [p for root in sorted(r for r in roots if os.path.isdir(r)) for p in _beneath_except(root, hidden)]
    if os.path.exists("/etc/ld.so.cache"):
        paths.append("/etc/ld.so.cache")
    return sorted(set(paths + packages))


def _fill_import_caches() -> None:
    """List every ``sys.path`` folder now: later imports find modules from these listings.

    Landlock grants the standard library entry by entry (to leave ``site-packages`` out), so
    the folder itself cannot be listed once confined; Python's path finders keep the listing
    until the folder's mtime changes.
    """
    import importlib.machinery

    importlib.machinery.PathFinder.find_spec("_confine_fills_the_import_caches_")


# --- namespaces ---------------------------------------------------------------------------------------

_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_REC, _MS_PRIVATE = 2, 4, 8, 1 << 14, 1 << 18


def _enter_user_and_network_namespace(scratch: str | None = None, scratch_bytes: int = 0) -> None:
    """A user namespace mapping only this uid and gid, and a network namespace with only a loopback.

    With ``scratch``, also a mount namespace of its own (no mount propagates out of it) in which a
    tmpfs of ``scratch_bytes`` covers ``scratch`` (mode 0700, no devices, no set-uid, no execution);
    the process then works in it. What it writes there is capped, and ends with it.
    """
    uid, gid = os.geteuid(), os.getegid()
    flags = _CLONE_NEWUSER | _CLONE_NEWNET | (_CLONE_NEWNS if scratch else 0)
    if _libc.unshare(ctypes.c_int(flags)) != 0:
        raise ConfinementError(f"unshare(CLONE_NEWUSER | CLONE_NEWNET{' | CLONE_NEWNS' if scratch else ''}) "
                               f"failed: {_strerror(ctypes.get_errno())}")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        try:
            with open(f"/proc/self/{name}", "w") as handle:
                handle.write(text)
        except OSError as exc:
            raise ConfinementError(f"the new user namespace's {name} cannot be written: {exc}") from None
    if scratch:
        _libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
        if _libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
            raise ConfinementError(f"making / private in the new mount namespace failed: "
                                   f"{_strerror(ctypes.get_errno())}")
        options = f"size={max(int(scratch_bytes), 4096)},mode=0700".encode()
        if _libc.mount(b"tmpfs", os.fsencode(scratch), b"tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, options) != 0:
            raise ConfinementError(f"a tmpfs over {scratch} failed: {_strerror(ctypes.get_errno())}")
        os.chdir(scratch)  # the tmpfs, not the folder beneath it


# --- the worker's side: apply a plan ------------------------------------------------------------------

class Layer(enum.Enum):
    """One protection of the fallback."""

    SECCOMP = "seccomp"
    LANDLOCK_FS = "landlock-fs"
    LANDLOCK_NET = "landlock-tcp"
    LANDLOCK_SCOPE = "landlock-scope"
    DISTINCT_UID = "distinct-uid"
    NAMESPACES = "user-and-network-namespaces"


@dataclass(frozen=True)
class Plan:
    """What a worker applies to itself (built by the grader, sent to the worker as JSON).

    Attributes
    ----------
    read : tuple of str
        Folders readable beneath, besides the runtime (the package folder).
    write : str
        The worker's one private folder, read-write beneath (its HOME and TMPDIR).
    landlock_abi : int
        Highest Landlock ABI to use; 0 for none.
    seccomp : bool
        Load the seccomp filter.
    namespaces : bool
        Enter a user and network namespace of its own (and a mount namespace, with ``scratch_mb``).
    grader_uid : int
        The grader's uid (the worker reports ``DISTINCT_UID`` when its own differs).
    modules : tuple of str
        Top-level packages on the worker's ``sys.path`` whose folders become readable.
    proc_self : bool
        Let the worker read its own ``/proc/<pid>``.
    scratch_mb : int
        With ``namespaces``: cover ``write`` with a tmpfs of this many MiB in a mount namespace of the
        worker's own (0: no tmpfs, ``write`` is the folder itself).
    """

    read: tuple
    write: str
    landlock_abi: int
    seccomp: bool
    namespaces: bool
    grader_uid: int
    modules: tuple = ("numpy",)
    proc_self: bool = True
    scratch_mb: int = 0

    def to_json(self) -> dict:
        return {"read": list(self.read), "write": self.write, "landlock_abi": self.landlock_abi,
                "seccomp": self.seccomp, "namespaces": self.namespaces, "grader_uid": self.grader_uid,
                "modules": list(self.modules), "proc_self": self.proc_self, "scratch_mb": self.scratch_mb}

    @classmethod
    def from_json(cls, data: dict) -> Plan:
        return cls(tuple(data["read"]), data["write"], int(data["landlock_abi"]), bool(data["seccomp"]),
                   bool(data["namespaces"]), int(data["grader_uid"]), tuple(data["modules"]),
                   bool(data["proc_self"]), int(data.get("scratch_mb", 0)))


def plan_for(found: Probe, read, write: str, modules=("numpy",), namespaces: bool = True,
             scratch_mb: int = 0) -> Plan:
    """The plan that applies every layer ``found`` offers: ``read`` (the package folder) and ``write``.

    ``namespaces=False`` leaves out the user and network namespace even where the kernel allows
    it (it is a second wall for the network only, and gives the worker capabilities inside its
    own namespace, over kernel code that the seccomp filter mostly keeps out of reach).
    ``scratch_mb``: where the namespaces are used, ``write`` becomes a tmpfs of that size.
    """
    namespaces = namespaces and found.namespaces
    return Plan(tuple(os.path.realpath(p) for p in read), os.path.realpath(write), found.landlock_abi,
                found.seccomp, namespaces, os.geteuid(), tuple(modules), True,
                int(scratch_mb) if namespaces else 0)


@dataclass(frozen=True)
class Applied:
    """What :func:`apply` put in place.

    Attributes
    ----------
    layers : tuple of Layer
        The protections now in force (``DISTINCT_UID`` when the worker's uid differs from the grader's).
    landlock_abi : int
        The Landlock ABI of the domain (0: none).
    readable : tuple of str
        Every path granted for reading.
    skipped : tuple of str
        Paths of the plan that did not exist (nothing granted for them).
    """

    layers: tuple
    landlock_abi: int
    readable: tuple = ()
    skipped: tuple = ()


# /proc/<pid> held open: Landlock's rule is on that inode, and an open descriptor keeps its dentry (and so the
# inode) from being evicted and looked up afresh as a new inode that no rule names
_kept_fds: list = []


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


def apply(plan: Plan) -> Applied:
    """Confine this process for good, before any code of the package or of the student runs.

    Order: the namespaces (needs a single thread), the import caches, ``no_new_privs``,
    Landlock, seccomp. Every layer the plan asks for is applied or ``ConfinementError`` is
    raised (the worker must then exit: it never runs unconfined). The process must be single-
    threaded (Landlock restricts the calling thread only) and must not be root.
    """
    _require_machine()
    if os.geteuid() == 0:
        raise ConfinementError("the worker runs as root: start it with popen_kwargs(worker_identity(slot)) "
                               "so that it never is")
    if _threads() != 1:
        raise ConfinementError(f"apply() needs a single-threaded process (Landlock confines the calling "
                               f"thread only); this one has {_threads()} threads")
    layers = []
    if plan.namespaces:
        _enter_user_and_network_namespace(plan.write if plan.scratch_mb else None, plan.scratch_mb << 20)
        layers.append(Layer.NAMESPACES)
    _fill_import_caches()
    _set_no_new_privs()
    readable, skipped, abi = (), (), 0
    if plan.landlock_abi > 0:
        readable = tuple(sorted(set(runtime_read_paths(plan.modules)) | set(plan.read)))
        if plan.proc_self:
            own = os.open("/proc/self", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)  # resolves to /proc/<pid>
            _kept_fds.append(own)
            readable += (f"/proc/{os.getpid()}",)
        devices = tuple(d for d in ("/dev/null",) if os.path.exists(d))
        skipped = apply_landlock(LandlockScope(readable, (plan.write,), devices), plan.landlock_abi)
        abi = min(plan.landlock_abi, landlock_abi())
        layers.append(Layer.LANDLOCK_FS)
        layers += [Layer.LANDLOCK_NET] if abi >= 4 else []
        layers += [Layer.LANDLOCK_SCOPE] if abi >= 6 else []
    if plan.seccomp:
        apply_seccomp()
        layers.append(Layer.SECCOMP)
    if os.getuid() != plan.grader_uid:
        layers.append(Layer.DISTINCT_UID)
    return Applied(tuple(layers), abi, readable, skipped)


# --- the grader's side: what the kernel offers -------------------------------------------------------------

@dataclass(frozen=True)
class Probe:
    """What this machine offers the fallback (from :func:`probe`).

    Attributes
    ----------
    machine : str or None
        ``"x86_64"``, ``"aarch64"``, or None where this module does not know the system calls.
    euid : int
        The grader's effective uid.
    can_setuid : bool
        The grader may start a worker as another uid (``CAP_SETUID`` and ``CAP_SETGID``).
    landlock_abi : int
        The Landlock ABI a worker gets (0: none).
    seccomp : bool
        A seccomp filter loads in a child and makes ``socket()`` fail.
    namespaces : bool
        A child may create a user and a network namespace.
    notes : dict
        Why a layer is unavailable (``"landlock"``, ``"seccomp"``, ``"namespaces"``): the kernel's error.
    """

    machine: str | None
    euid: int
    can_setuid: bool
    landlock_abi: int
    seccomp: bool
    namespaces: bool
    notes: dict = field(default_factory=dict)

    @property
    def layers(self) -> frozenset:
        """The :class:`Layer` values a worker gets here."""
        found = set()
        if self.seccomp:
            found.add(Layer.SECCOMP)
        if self.landlock_abi >= 1:
            found.add(Layer.LANDLOCK_FS)
        if self.landlock_abi >= 4:
            found.add(Layer.LANDLOCK_NET)
        if self.landlock_abi >= 6:
            found.add(Layer.LANDLOCK_SCOPE)
        if self.euid == 0 and self.can_setuid:
            found.add(Layer.DISTINCT_UID)
        if self.namespaces:
            found.add(Layer.NAMESPACES)
        return frozenset(found)

    def sentence(self) -> str:
        """One sentence for grading.json and Gradescope's results.json."""
        have = []
        if self.seccomp:
            have.append("a seccomp filter (no sockets of any kind, no ptrace, no namespaces, no mounts)")
        if self.landlock_abi:
            extra = []
            if self.landlock_abi >= 4:
                extra.append("no TCP bind or connect")
            if self.landlock_abi >= 6:
                extra.append("signals and abstract unix sockets scoped to the worker")
            have.append(f"Landlock ABI {self.landlock_abi} (reads only the Python runtime, numpy and the "
                        f"answer-free package, writes one private folder{', ' if extra else ''}"
                        f"{', '.join(extra)})")
        if self.euid == 0:
            have.append(f"a distinct unprivileged uid per worker ({WORKER_UID_BASE} + slot)" if self.can_setuid
                        else "NO uid change (root without CAP_SETUID)")
        else:
            have.append(f"the grader's own uid ({self.euid})")
        if self.namespaces:
            have.append("a user, network and mount namespace of its own (its one writable folder a size-capped "
                        "tmpfs)")
        missing = [f"{what} ({self.notes[key]})" for key, what in
                   (("seccomp", "seccomp"), ("landlock", "Landlock"), ("namespaces", "user namespaces"))
                   if key in self.notes]
        text = "Without bubblewrap, student code is confined by " + "; ".join(have) + "."
        if missing:
            text += " Not available here: " + "; ".join(missing) + "."
        return text

    def to_json(self) -> dict:
        return {"machine": self.machine, "euid": self.euid, "can_setuid": self.can_setuid,
                "landlock_abi": self.landlock_abi, "seccomp": self.seccomp, "namespaces": self.namespaces,
                "layers": sorted(layer.value for layer in self.layers), "notes": dict(self.notes),
                "sentence": self.sentence()}


def _capabilities() -> int:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("CapEff:"):
                    return int(line.split()[1], 16)
    except (OSError, ValueError):
        pass
    return 0


def probe(python: str | None = None, timeout: float = 30.0, identity: Identity | None = None,
          script: str | None = None) -> Probe:
    """What the kernel offers, tried in a child process (this process is left as it was).

    The child (``python -I -S confine.py --probe``) creates a user, network and mount namespace
    with a tmpfs over ``/tmp``, loads the worker's seccomp filter and checks that ``socket()``
    fails, then restricts itself with an empty Landlock domain and checks that ``/`` cannot be
    listed.

    Parameters
    ----------
    python : str, optional
        The interpreter the workers run (default: this one).
    identity : Identity, optional
        Run the child as the workers' uid (what an unprivileged uid may do is what counts).
    script : str, optional
        A copy of this module that ``identity`` can read (default: this file).
    """
    machine = _machine()
    caps = _capabilities()
    can_setuid = bool(caps >> _CAP_SETUID & 1 and caps >> _CAP_SETGID & 1)
    if machine is None:
        reason = f"unknown machine {platform.machine()}"
        return Probe(None, os.geteuid(), can_setuid, 0, False, False,
                     {"landlock": reason, "seccomp": reason, "namespaces": reason})
    try:
        done = subprocess.run([python or sys.executable, "-I", "-S", script or os.path.abspath(__file__), "--probe"],
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                              cwd="/", env={"PATH": "/usr/bin:/bin"}, **popen_kwargs(identity))
        if done.returncode != 0:
            detail = done.stderr.strip()[-300:]
            raise OSError(f"its child ended with {_ended(done.returncode)}" + (f": {detail}" if detail else ""))
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError) as exc:
        reason = f"the probe did not run: {exc}"
        return Probe(machine, os.geteuid(), can_setuid, 0, False, False,
                     {"landlock": reason, "seccomp": reason, "namespaces": reason})
    notes = {key: found[key] for key in ("landlock", "seccomp", "namespaces") if found[key] != "ok"}
    return Probe(machine, os.geteuid(), can_setuid, int(found["landlock_abi"]) if "landlock" not in notes else 0,
                 "seccomp" not in notes, "namespaces" not in notes, notes)


def _ended(returncode: int) -> str:
    """``exit 3`` or ``signal SIGKILL``, from a ``subprocess`` return code."""
    if returncode >= 0:
        return f"exit {returncode}"
    try:
        return f"signal {signal.Signals(-returncode).name}"
    except ValueError:
        return f"signal {-returncode}"


def _probe_child() -> dict:
    """Run by :func:`probe` in its child; each trial after the one before (the last confines the most)."""
    found = {"landlock_abi": landlock_abi()}
    try:
        _enter_user_and_network_namespace("/tmp" if os.path.isdir("/tmp") else None, 1 << 20)
        found["namespaces"] = "ok"
    except ConfinementError as exc:
        found["namespaces"] = str(exc)
    try:
        apply_seccomp()
        try:
            import socket

            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()
            found["seccomp"] = "the filter loaded but socket() still works"
        except PermissionError:
            found["seccomp"] = "ok"
    except ConfinementError as exc:
        found["seccomp"] = str(exc)
    try:
        if found["landlock_abi"] < 1:
            raise ConfinementError(f"landlock_create_ruleset(VERSION): "
                                   f"{_strerror(-_syscall('landlock_create_ruleset', None, 0, _LL_VERSION))}")
        apply_landlock(LandlockScope(), found["landlock_abi"])
        try:
            os.listdir("/")
            found["landlock"] = "the domain loaded but / can still be listed"
        except PermissionError:
            found["landlock"] = "ok"
    except ConfinementError as exc:
        found["landlock"] = str(exc)
    return found


# --- the honest refusal -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    """Whether the fallback is a boundary here.

    Attributes
    ----------
    boundary : bool
        seccomp and Landlock (a file-system rule set) apply, and a root grader can use a distinct uid.
    missing : tuple of str
        What is not covered, one sentence each (empty when ``boundary``).
    single_walls : tuple of str
        What is covered by one layer only (no second wall on this kernel).
    probe_failure : str
        Why the probe's child did not report (its layers then count as missing), or "".
    """

    boundary: bool
    missing: tuple
    single_walls: tuple = ()
    probe_failure: str = ""

    def message(self) -> str:
        """For ``--unsafe-no-sandbox``: what student code can reach here."""
        if self.boundary:
            return "The fallback confinement is a boundary here" + (
                " (one wall only: " + "; ".join(self.single_walls) + ")." if self.single_walls else ".")
        return ("Student code would run without a boundary: " + " ".join(self.missing)
                + " Always not covered: kernel exploits, side channels, resources beyond the rlimits."
                + (f" ({self.probe_failure})" if self.probe_failure else ""))


def assess(found: Probe) -> Verdict:
    """The honest verdict on the fallback, from :func:`probe`'s result."""
    missing, single = [], []
    if found.machine is None:
        missing.append("This module knows the system calls of x86_64 and aarch64 only: no seccomp filter and no "
                       "Landlock domain can be set up.")
    if not found.seccomp:
        missing.append("No seccomp filter: student code can open sockets (TCP and UDP to the network, the "
                       "host's abstract unix sockets), ptrace processes of its uid and create namespaces.")
    if found.landlock_abi < 1:
        missing.append("No Landlock: student code can read every file its uid can read (the instructor's "
                       "notebooks, other submissions, /proc of the grader) and write wherever its uid may.")
    if found.euid == 0 and not found.can_setuid:
        missing.append("The grader is root without CAP_SETUID: student code would run as root.")
    if not missing:
        if found.landlock_abi < 4:
            single.append("no TCP rule in Landlock (ABI < 4): sockets are refused by seccomp alone")
        if found.landlock_abi < 6:
            single.append("no Landlock scopes (ABI < 6): abstract unix sockets"
                          + ("" if found.euid == 0 else " and signals to processes of the grader's uid")
                          + " are refused by seccomp alone")
        if not found.namespaces:
            single.append("no network namespace: the network is refused by seccomp"
                          + (" and Landlock's TCP rule" if found.landlock_abi >= 4 else ""))
    failure = next((note for note in found.notes.values() if note.startswith("the probe did not run")), "")
    return Verdict(not missing, tuple(missing), tuple(single), failure)


# --- privilege: the worker's uid --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Identity:
    """The uid and gid one slot's workers run as (no supplementary groups)."""

    uid: int
    gid: int


def worker_identity(slot: int, found: Probe, base: int = WORKER_UID_BASE) -> Identity | None:
    """The identity of parallel slot ``slot`` (``base + slot``) for a root grader; None for an ordinary user.

    ``ConfinementError`` for a root grader without ``CAP_SETUID``/``CAP_SETGID`` (it never falls back
    to root), a slot out of range, or a uid/gid that belongs to someone (in ``/etc/passwd``/``group``).
    """
    if found.euid != 0:
        return None
    if not found.can_setuid:
        raise ConfinementError("the grader is root without CAP_SETUID/CAP_SETGID, so it cannot run student code "
                               "as an unprivileged uid; grade as an ordinary user instead (never as root)")
    if isinstance(slot, bool) or not isinstance(slot, int) or not 0 <= slot < WORKER_SLOTS:
        raise ConfinementError(f"slot: expected an integer in [0, {WORKER_SLOTS}), got {slot!r} "
                               f"(at most {WORKER_SLOTS} parallel workers as root without bubblewrap)")
    number = base + slot
    for kind, lookup in (("uid", pwd.getpwuid), ("gid", grp.getgrgid)):
        try:
            owner = lookup(number)
        except KeyError:
            continue
        raise ConfinementError(f"{kind} {number} for slot {slot} belongs to {owner[0]!r}; workers need unassigned "
                               f"ids (pass another base)")
    return Identity(number, number)


def popen_kwargs(identity: Identity | None) -> dict:
    """Keyword arguments of ``subprocess.Popen`` that start the worker as ``identity``.

    ``user``, ``group`` and ``extra_groups=[]`` are applied by the C code between fork and exec
    (``setgroups``, ``setregid``, ``setreuid``): no Python code runs as root in the child, and no
    ``preexec_fn`` (unsafe with the grader's threads). ``umask`` 077: what the worker creates is
    its own. None (an ordinary-user grader): only the umask.
    """
    kwargs = {"umask": 0o077}
    if identity is not None:
        kwargs.update(user=identity.uid, group=identity.gid, extra_groups=[])
    return kwargs


def _blocking(path: str, identity: Identity, need: int) -> str | None:
    """Why ``identity`` cannot reach ``path`` with ``need`` (``os.R_OK | os.X_OK`` bits), from mode bits."""
    def allowed(st, bits):
        if st.st_uid == identity.uid:
            shift = 6
        elif st.st_gid == identity.gid:
            shift = 3
        else:
            shift = 0
        return (st.st_mode >> shift) & bits == bits

    real = os.path.realpath(path)
    parts = real.strip("/").split("/")
    for depth in range(len(parts)):
        folder = "/" + "/".join(parts[:depth])
        st = os.stat(folder)
        if not allowed(st, os.X_OK):
            return f"{folder} ({stat.filemode(st.st_mode)}, owner uid {st.st_uid}) cannot be searched"
    try:
        st = os.stat(real)
    except OSError as exc:
        return f"{real}: {exc.strerror}"
    if not allowed(st, need):
        wanted = "read" + (" and searched" if stat.S_ISDIR(st.st_mode) else " and executed" if need & os.X_OK else "")
        return f"{real} ({stat.filemode(st.st_mode)}, owner uid {st.st_uid}) cannot be {wanted}"
    return None


_WHERE = """import importlib.util, json, os, sys
found = [os.path.realpath(os.__file__)]
for name in sys.argv[1:]:
    spec = importlib.util.find_spec(name)
    found += [os.path.realpath(p) for p in (spec.submodule_search_locations or []) if spec]
print(json.dumps(found))
"""


def runtime_check_paths(python: str | None = None, modules=("numpy",)) -> list:
    """``(path, need)`` a worker's uid must reach: the interpreter, its ``os.py``, the folders of ``modules``.

    ``python`` (default: this interpreter) is asked where they are, with its site-packages.
    """
    executable = os.path.realpath(python or sys.executable)
    done = subprocess.run([python or sys.executable, "-I", "-c", _WHERE, *modules], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL, cwd="/")
    if done.returncode != 0:
        raise ConfinementError(f"{python or sys.executable} cannot import {', '.join(modules)}: "
                               f"{done.stderr.strip()[-300:]}")
    stdlib_os, *folders = json.loads(done.stdout)
    return [(executable, os.R_OK | os.X_OK), (stdlib_os, os.R_OK)] + [(d, os.R_OK | os.X_OK) for d in folders]


def require_readable(identity: Identity | None, paths: list) -> None:
    """``ConfinementError`` naming the first folder that keeps ``identity`` from ``paths``.

    Parameters
    ----------
    identity : Identity or None
        The worker's uid (None: the grader's own, nothing to check).
    paths : list of (str, int)
        Paths and the access needed (``os.R_OK``, ``os.X_OK``), e.g. :func:`runtime_check_paths`.
        Mode bits only (ACLs are not read); the fallback never runs the worker as root instead.
    """
    if identity is None:
        return
    problems = [(path, why) for path, need in paths if (why := _blocking(path, identity, need))]
    if problems:
        path, why = problems[0]
        raise ConfinementError(
            f"the fallback runs student code as uid {identity.uid}, which cannot reach {path}: {why}. Install the "
            f"grader's Python and numpy where every user can read them (for example under /usr/local or /opt, or "
            f"`chmod o+rx` on each folder above them), or grade as an ordinary user; student code never runs as "
            f"root" + (f" ({len(problems) - 1} more path(s) blocked)" if len(problems) > 1 else ""))


def end_processes_of(identity: Identity, python: str | None = None) -> None:
    """Kill every process of ``identity`` (what a slot's last worker left), as that uid (``kill(-1)``)."""
    subprocess.run([os.path.realpath(python or sys.executable), "-I", "-S", "-c",
                    "import os, signal\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept ProcessLookupError:\n    pass"],
                   **popen_kwargs(identity), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, cwd="/", env={"PATH": "/usr/bin:/bin"}, check=False, timeout=30)


# --- private folders -------------------------------------------------------------------------------------------

def _check_parent(parent: str) -> None:
    st = os.stat(parent)
    if st.st_mode & stat.S_IWOTH and not st.st_mode & stat.S_ISVTX:
        raise ConfinementError(f"{parent} is writable by every user without the sticky bit: another user could "
                               f"replace a folder made there; use another TMPDIR")
    if st.st_uid not in (0, os.geteuid()):
        raise ConfinementError(f"{parent} belongs to uid {st.st_uid}, neither root nor this grader; use another "
                               f"TMPDIR")


def _open_verified(path: str) -> int:
    """An fd on the folder mkdtemp just made, verified: ours, mode 0700, a real folder, same inode as the name."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    st, by_name = os.fstat(fd), os.lstat(path)
    if (not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or stat.S_IMODE(st.st_mode) != 0o700
            or (st.st_dev, st.st_ino) != (by_name.st_dev, by_name.st_ino)):
        os.close(fd)
        raise ConfinementError(f"{path} is not the private folder just made (owner {st.st_uid}, mode "
                               f"{stat.filemode(st.st_mode)}): something replaced it")
    return fd


def _parts(relative: str) -> list:
    parts = relative.split("/")
    if relative.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ConfinementError(f"files: expected a relative path without '.', '..' or empty parts, "
                               f"got {relative!r}")
    return parts


def private_package_folder(files, links=(), parent: str | None = None, prefix: str = "course_lib_pkg_") -> str:
    """A new folder holding ``files``, owned by the grader, readable but not listable by workers.

    Parameters
    ----------
    files : iterable of (str, bytes)
        Relative paths (``"course_lib/__init__.py"``) and contents.
    links : iterable of (str, str)
        Relative paths and the absolute targets of symbolic links (``("site/numpy", numpy's folder)``:
        a ``sys.path`` folder holding numpy alone; Landlock grants the target, not the link).
    parent : str, optional
        Where to make it (default: ``tempfile.gettempdir()``); must not be writable by others
        unless sticky.

    Returns
    -------
    str
        The folder: mode 0711 (workers may traverse, not list or write), folders inside 0755,
        files 0644, all owned by the grader. Made by ``mkdtemp`` (never a folder found by name),
        verified on its descriptor; files written through that descriptor with ``O_EXCL |
        O_NOFOLLOW``.
    """
    parent = parent or tempfile.gettempdir()
    _check_parent(parent)
    path = tempfile.mkdtemp(prefix=prefix, dir=parent)
    made = {(): _open_verified(path)}

    def folder_of(parts: list) -> int:
        for depth in range(1, len(parts)):
            key = tuple(parts[:depth])
            if key not in made:
                os.mkdir(parts[depth - 1], 0o700, dir_fd=made[key[:-1]])
                made[key] = os.open(parts[depth - 1], os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                                    dir_fd=made[key[:-1]])
        return made[tuple(parts[:-1])]

    try:
        for relative, data in files:
            parts = _parts(relative)
            fd = os.open(parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                         dir_fd=folder_of(parts))
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.fchmod(fd, 0o644)
            finally:
                os.close(fd)
        for relative, target in links:
            parts = _parts(relative)
            if not os.path.isabs(target):
                raise ConfinementError(f"links: expected an absolute target for {relative!r}, got {target!r}")
            os.symlink(target, parts[-1], dir_fd=folder_of(parts))
        for key, fd in made.items():
            os.fchmod(fd, 0o755 if key else 0o711)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    finally:
        for fd in made.values():
            os.close(fd)
    return path


def scratch_folder(identity: Identity | None, parent: str | None = None, prefix: str = "course_lib_work_") -> str:
    """A new folder, mode 0700, owned by the worker's ``identity`` (or the grader): its HOME and TMPDIR.

    Made by ``mkdtemp``, verified on its descriptor, then given to ``identity`` with ``fchown``.
    """
    parent = parent or tempfile.gettempdir()
    _check_parent(parent)
    path = tempfile.mkdtemp(prefix=prefix, dir=parent)
    fd = _open_verified(path)
    try:
        if identity is not None:
            os.fchown(fd, identity.uid, identity.gid)
    finally:
        os.close(fd)
    return path


if __name__ == "__main__" and sys.argv[1:] == ["--probe"]:
    print(json.dumps(_probe_child()))
