"""What an answer runs, measured while it runs: forbidden course_lib functions, and Python loops.

Both ``check()`` (in the student's kernel) and the grader's worker (in the sandbox) call the same
functions, on the same inputs, so that both reach the same verdict.

- :class:`Watch` records every course_lib function an exercise forbids that runs while the answer
  runs, by the *code* it runs (identity, or the same bytecode, names and constants), whatever name
  reached it: ``cl.penalty``, ``getattr(cl, "pen" + "alty")``, an alias, ``f.__code__ =
  penalty.__code__``. Calls made inside a trusted fixture the case passes in are not the answer's.
- :func:`measure_loops` decides "loop-free" from the answer's execution: it counts the Python-level
  events it causes (every call or generator resume of any Python function, and every line run by
  code outside numpy and course_lib) on two inputs of different sizes declared by the exercise.
  A Python loop over the data (``for``, a comprehension, recursion, ``map``/``filter``/``sorted``
  with a Python function, ``np.apply_along_axis``, ``np.vectorize``, ``iter(f, sentinel)``, code run by
  ``exec``) makes the count grow with the input; whole-array numpy (ufuncs, their ``reduce``,
  broadcasting) does not; nor do numpy's ``__array_function__`` dispatchers, generators that only list a
  call's array arguments (``np.choose(y, scores.T)`` resumes one per class). How the loop was written or
  bound (``exec``, ``globals()[name]``, a decorator, ``if True:``, a walrus) does not matter: only what
  runs is counted.

What the measurement cannot see (said in the README): a C-level function mapped over the data
(``list(map(max, rows))``, ``np.apply_along_axis(len, ...)``: no Python frame runs per row); a loop
of a fixed length that does not grow with the input; code that patches the interpreter from inside
its own process (``ctypes``, ``gc``), which any in-process measurement is exposed to: such use while
the answer runs, a switched-off tracer, or a thread running the notebook's own code (one a cell
started; a kernel's threads run installed code only) is reported as "could not be measured" (and a
loop-free exercise then earns nothing).
"""

from __future__ import annotations

import contextlib
import linecache
import os
import re
import sys
import threading
import types
from dataclasses import dataclass

from course_lib.grading.exercises.plain import resolve_target

GROWTH = 8  # Python-level events: a count that grows by at least this much between the two sizes is a loop
_COMPREHENSIONS = {"<listcomp>": "a list comprehension", "<setcomp>": "a set comprehension",
                   "<dictcomp>": "a dict comprehension", "<genexpr>": "a generator expression"}
# what calls a Python function once per element, named on the line that calls it (or defines it)
_PER_ELEMENT = ("apply_along_axis", "apply_over_axes", "vectorize", "frompyfunc", "piecewise", "fromiter",
                "starmap", "accumulate", "reduce", "filter", "map", "sorted", "iter", "min", "max")
_NUMPY_CONSTRUCTS = ("apply_along_axis", "apply_over_axes", "vectorize", "frompyfunc", "piecewise", "fromiter")
_NUMPY_CALLERS = {"_vectorize_call": "np.vectorize", "_vectorize_call_with_signature": "np.vectorize",
                  "apply_along_axis": "np.apply_along_axis", "apply_over_axes": "np.apply_over_axes",
                  "piecewise": "np.piecewise", "fromiter": "np.fromiter"}
# audit events that make an in-process measurement unreliable while the answer runs
_TAMPERING = ("sys.settrace", "sys.setprofile", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec",
              "os.system", "subprocess.Popen", "gc.get_objects", "gc.get_referrers", "gc.get_referents")

# captured at import, before any student code runs in this process: a student's `sys.settrace = ...`
# cannot change what the measurement calls
_settrace, _gettrace, _setprofile, _getprofile = sys.settrace, sys.gettrace, sys.setprofile, sys.getprofile
_thread_settrace, _current_frames = threading.settrace, sys._current_frames


def _package_dir(module_name: str) -> str:
    module = sys.modules.get(module_name)
    path = getattr(module, "__file__", None)
    return os.path.dirname(os.path.abspath(path)) + os.sep if path else "\0"


def _installed_dirs() -> tuple:
    """Folders of installed code (the standard library, site-packages, the import path but for the current
    folder): where a kernel's own threads and a library's (tqdm's monitor) run."""
    import sysconfig

    paths = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    here = os.path.abspath(os.getcwd())
    paths |= {p for p in sys.path if p and os.path.isabs(p) and os.path.isdir(p) and os.path.abspath(p) != here}
    return tuple(os.path.abspath(p).rstrip(os.sep) + os.sep for p in paths if p)


def _runs_notebook_code(frame, library: tuple) -> bool:
    """Whether a thread's stack holds a frame of code that is not installed code (a cell's, the student's)."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith("<frozen "):  # the interpreter's own frozen modules (importlib)
            pass
        elif filename.startswith("<") or not os.path.abspath(filename).startswith(library):
            return True
        frame = frame.f_back
    return False


def trusted_dirs() -> tuple:
    """Folders whose lines are not counted (numpy's Python wrappers, course_lib): their calls still are."""
    import numpy  # noqa: F401  (numpy's folder)

    return _package_dir("numpy"), _package_dir("course_lib")


# --- tampering -----------------------------------------------------------------------------------

class _Audit:
    """An audit hook (installed once per process: it cannot be removed) noting tampering while active."""

    installed = False
    active = False
    events: list = []

    @classmethod
    def install(cls) -> None:
        if cls.installed:
            return
        watched, events = frozenset(_TAMPERING), cls.events

        def hook(event, args, watched=watched, events=events, owner=cls):
            if owner.active and (event in watched or event.startswith("ctypes.")):
                events.append(event)

        sys.addaudithook(hook)
        cls.installed = True

    @classmethod
    @contextlib.contextmanager
    def watching(cls):
        cls.install()
        del cls.events[:]
        cls.active = True
        try:
            yield cls.events
        finally:
            cls.active = False


def _tampering_text(events: list) -> str:
    first = events[0]
    if first in ("sys.settrace", "sys.setprofile"):
        return f"it called {first} (switching the measurement off)"
    if first.startswith("ctypes."):
        return "it used ctypes"
    if first.startswith("gc."):
        return f"it called {first}"
    return "it started a process"


# --- forbidden functions --------------------------------------------------------------------------

_LIBRARY_MODULES = ("losses", "optim", "linear", "regularization", "gradcheck", "data", "estimator")


def _resolve(name: str):
    """The course_lib object called ``name``: an export of the package, or a name of one of its modules
    (resolved by name, as fixtures are: :func:`course_lib.grading.exercises.plain.resolve_target`)."""
    for target in (f"course_lib:{name}", *(f"course_lib.{module}:{name}" for module in _LIBRARY_MODULES)):
        try:
            return resolve_target(target)
        except (AttributeError, ImportError, ValueError):
            continue
    return None


def _codes_of(obj) -> list:
    """The code objects that run when ``obj`` (a function, a class, a method) is called."""
    import inspect

    codes, functions = [], []
    if isinstance(obj, type):
        for klass in obj.__mro__:
            if getattr(klass, "__module__", "").split(".")[0] != "course_lib":
                continue
            for value in vars(klass).values():
                if isinstance(value, (staticmethod, classmethod)):
                    value = value.__func__
                if isinstance(value, property):
                    functions += [f for f in (value.fget, value.fset) if f is not None]
                elif callable(value):
                    functions.append(value)
    elif callable(obj):
        functions.append(obj)
    for function in functions:
        try:
            function = inspect.unwrap(function)
        except ValueError:
            pass
        code = getattr(function, "__code__", None)
        stack = [code] if isinstance(code, types.CodeType) else []
        while stack:
            current = stack.pop()
            codes.append(current)
            stack += [c for c in current.co_consts if isinstance(c, types.CodeType)]
    return codes


def _content(code) -> tuple:
    return code.co_code, code.co_names, code.co_consts


class Watch:
    """Records the forbidden course_lib functions that run during a call (see the module docstring).

    Parameters
    ----------
    forbidden : iterable of str
        course_lib names the exercise forbids (``Exercise.forbidden``), resolved in this process's
        course_lib (the instructor's library, a release, or the sandbox's answer-free copy).
    """

    def __init__(self, forbidden):
        self.by_id, self.by_content, self.bytecodes, self._keep = {}, {}, set(), []
        for name in sorted(set(forbidden)):
            for code in _codes_of(_resolve(name)):
                self._keep.append(code)
                self.by_id[id(code)] = name
                self.by_content.setdefault(_content(code), name)
                self.bytecodes.add(code.co_code)

    def _name(self, code):
        name = self.by_id.get(id(code))
        if name is None and code.co_code in self.bytecodes:
            name = self.by_content.get(_content(code))
        return name

    @contextlib.contextmanager
    def watching(self, args: tuple = ()):
        """``with watch.watching(args) as seen:`` records the forbidden names run inside into ``seen``."""
        seen: list = []
        if not self.by_id:
            yield seen
            return
        trusted = {id(getattr(a, "__code__", None)) for a in args if isinstance(a, types.FunctionType)}
        depth = [0]
        name_of = self._name

        def hook(frame, event, arg):
            if event == "call":
                code = frame.f_code
                if id(code) in trusted:
                    depth[0] += 1
                elif not depth[0]:
                    name = name_of(code)
                    if name is not None and name not in seen:
                        seen.append(name)
            elif event == "return" and id(frame.f_code) in trusted:
                depth[0] -= 1

        previous = _getprofile()
        _setprofile(hook)
        try:
            yield seen
        finally:
            _setprofile(previous)


# --- loops ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoopMeasure:
    """The loop-free rule's measurement of one answer.

    Attributes
    ----------
    counts : tuple of int
        Python-level events at the small and at the large input (empty if not measured).
    what : str
        What grows with the input, in words ("a list comprehension (line 3 of cell 12, in `f`)").
    problem : str
        Why the answer could not be measured ("" when it was).
    raised : bool
        The problem is that the answer raised on a measurement input (it may fail its cases too).
    labels : tuple of str
        What the two inputs are ("5 examples, 3 classes").
    """

    counts: tuple = ()
    what: str = ""
    problem: str = ""
    raised: bool = False
    labels: tuple = ()

    @property
    def loops(self) -> bool:
        """Whether the answer loops in Python over its input (or could not be measured)."""
        return bool(self.problem) or (len(self.counts) == 2 and self.counts[1] - self.counts[0] >= GROWTH)

    @property
    def text(self) -> str:
        """The measurement in words: what grows, and the two counts."""
        if self.problem:
            return f"the loop-free rule could not be measured: {self.problem}"
        if len(self.counts) != 2:
            return ""
        small, large = self.labels if len(self.labels) == 2 else ("the small input", "the large input")
        return (f"{self.what}: its Python steps grow with the input ({self.counts[0]} on {small}, "
                f"{self.counts[1]} on {large})")

    def to_wire(self) -> dict:
        return {"counts": list(self.counts), "what": self.what, "problem": self.problem, "raised": self.raised}

    @classmethod
    def from_wire(cls, data) -> LoopMeasure:
        try:
            counts = tuple(int(c) for c in data.get("counts", ()))[:2]
            return cls(counts, str(data.get("what", ""))[:400], str(data.get("problem", ""))[:400],
                       data.get("raised") is True)
        except (AttributeError, TypeError, ValueError):
            return cls(problem="the measurement could not be read")


_GENERATOR = 0x20  # inspect.CO_GENERATOR


class _Trace:
    """Python-level events of one call: calls per code, lines per (code, line), calls per caller."""

    def __init__(self, skip: tuple):
        self.calls, self.lines, self.callers, self.codes = {}, {}, {}, {}
        self.skip = skip

    def tracer(self):
        calls, lines, callers, codes, skip = self.calls, self.lines, self.callers, self.codes, self.skip

        def local(frame, event, arg):
            if event == "line":
                key = (id(frame.f_code), frame.f_lineno)
                lines[key] = lines.get(key, 0) + 1
            return local

        def on_call(frame, event, arg):
            if event != "call":
                return None
            code = frame.f_code
            if code.co_flags & _GENERATOR and code.co_name.endswith("_dispatcher") and \
                    code.co_filename.startswith(skip[0]):
                return None  # numpy's __array_function__ dispatchers only list a call's array arguments
            key = id(code)
            if key not in codes:
                codes[key] = code
            calls[key] = calls.get(key, 0) + 1
            back = frame.f_back
            if back is not None:
                pair = (key, id(back.f_code), back.f_lineno)
                if pair[1] not in codes:
                    codes[pair[1]] = back.f_code
                callers[pair] = callers.get(pair, 0) + 1
            return None if code.co_filename.startswith(skip) else local

        return on_call

    @property
    def total(self) -> int:
        return sum(self.calls.values()) + sum(self.lines.values())

    def by_name(self) -> tuple[dict, dict, dict]:
        """Counts keyed by (file, qualified name, first line) instead of identity (exec compiles anew)."""
        name = {k: (c.co_filename, c.co_qualname, c.co_firstlineno) for k, c in self.codes.items()}
        calls, lines, callers = {}, {}, {}
        for k, n in self.calls.items():
            calls[name[k]] = calls.get(name[k], 0) + n
        for (k, line), n in self.lines.items():
            lines[(name[k], line)] = lines.get((name[k], line), 0) + n
        for (k, back, line), n in self.callers.items():
            key = (name[k], name[back], line)
            callers[key] = callers.get(key, 0) + n
        return calls, lines, callers


def _count(answer, args: tuple, skip: tuple) -> tuple[_Trace, str]:
    """Run ``answer(*args)`` traced: its events, and a problem ('' if none; raises what the answer raises)."""
    trace = _Trace(skip)
    tracer = trace.tracer()
    main = threading.get_ident()
    # a thread whose stack holds notebook code (one an earlier cell started) could do the answer's work where no
    # tracer sees it: its mere presence makes the measurement unreliable. A kernel's own threads (heartbeat,
    # IOPub, history, tqdm's monitor) run installed code only and do not count.
    library = _installed_dirs() + trusted_dirs()

    def notebook_threads() -> set:
        return {t for t, f in _current_frames().items() if t != main and _runs_notebook_code(f, library)}

    before = notebook_threads()
    _thread_settrace(tracer)
    _settrace(tracer)
    try:
        with _Audit.watching() as events:
            answer(*args)
        switched_off = _gettrace() is not tracer
    finally:
        _settrace(None)
        _thread_settrace(None)
    if switched_off:
        return trace, "it switched the measurement off"
    if events:
        return trace, _tampering_text(list(events))
    if before or notebook_threads():
        return trace, "another thread runs the notebook's code while it runs"
    return trace, ""


def measure_loops(answer, small: tuple, large: tuple, label_of=None, labels: tuple = ()) -> LoopMeasure:
    """Count the Python-level events of ``answer`` on a small and a large input (see the module docstring).

    Parameters
    ----------
    answer : callable
    small, large : tuple
        The two inputs (fresh arguments: the answer may change them), of the sizes the exercise
        declares (``Exercise.loop_probe``).
    label_of : callable, optional
        ``label_of(filename) -> str``: how a cell's code is named in the message ("cell 12").
    labels : tuple of str, optional
        What the two inputs are, for the message.

    Returns
    -------
    LoopMeasure
    """
    import copy
    import warnings

    import numpy as np

    from course_lib.grading.judging.running import Interrupted, describe_error

    skip = trusted_dirs()
    traces = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            answer(*copy.deepcopy(small))  # untraced: first-call work (lazy imports, caches) is not the answer's
        except (KeyboardInterrupt, Interrupted):
            raise
        except BaseException:  # noqa: S110 (an answer that raises is measured below, and says so there)
            pass
        for args in (small, large):
            try:
                trace, problem = _count(answer, copy.deepcopy(args), skip)
            except (KeyboardInterrupt, Interrupted):
                raise
            except BaseException as exc:
                return LoopMeasure(problem=f"it raised {describe_error(exc).text} on the measurement input",
                                   raised=True, labels=tuple(labels))
            if problem:
                return LoopMeasure(problem=problem, labels=tuple(labels))
            traces.append(trace)
    counts = (traces[0].total, traces[1].total)
    what = ""
    if counts[1] - counts[0] >= GROWTH:
        try:
            what = _what_grows(traces[0], traces[1], label_of or _default_label)
        except Exception:  # naming the loop must never change the verdict
            what = "a Python loop"
    return LoopMeasure(counts, what, labels=tuple(labels))


# --- what grows, in words -----------------------------------------------------------------------------

def _default_label(filename: str) -> str:
    return filename.strip("<>") if filename.startswith("<") else "a cell"


def _source_line(filename: str, line: int) -> str:
    return linecache.getline(filename, line).strip()


def _construct_on(text: str) -> str:
    """The per-element construct named on a line of source (``map``, ``np.vectorize``...), or ''."""
    for name in _PER_ELEMENT:
        if name in _NUMPY_CONSTRUCTS:
            if re.search(rf"(?:\b(?:np|numpy)\.|(?<![.\w])){name}\s*\(", text):
                return f"np.{name}"
        elif re.search(rf"(?<![.\w]){name}\s*\(", text):
            return name
    return ""


def _loop_line(code_key, lines_growth: dict) -> int | None:
    """The line of a ``for``/``while`` (else of the most grown line) in ``code_key`` whose count grew."""
    grown = sorted(((n, line) for (key, line), n in lines_growth.items() if key == code_key and n > 0), reverse=True)
    for _, line in grown:
        if re.match(r"(async\s+)?(for|while)\b", _source_line(code_key[0], line)):
            return line
    return grown[0][1] if grown else None


def _where(code_key, line, label_of) -> str:
    filename, qualname, _ = code_key
    function = qualname.split(".<locals>.")[-1] if qualname else ""
    inside = f", in `{function}`" if function and not function.startswith("<") else ""
    if filename == "<string>":
        return f" (code run by exec or eval{inside})"
    return f" (line {line} of {label_of(filename)}{inside})" if line else f" ({label_of(filename)}{inside})"


def _loop_kind(code_key, line) -> str:
    text = _source_line(code_key[0], line) if line else ""
    if re.match(r"(async\s+)?while\b", text):
        return "a while loop"
    if re.match(r"(async\s+)?for\b", text):
        return "a for loop"
    return "a Python loop"


def _what_grows(small: _Trace, large: _Trace, label_of) -> str:
    calls_s, lines_s, callers_s = small.by_name()
    calls_l, lines_l, callers_l = large.by_name()
    calls = {k: n - calls_s.get(k, 0) for k, n in calls_l.items()}
    lines = {k: n - lines_s.get(k, 0) for k, n in lines_l.items()}
    callers = {k: n - callers_s.get(k, 0) for k, n in callers_l.items()}
    line_growth = {}
    for (key, _), n in lines.items():
        line_growth[key] = line_growth.get(key, 0) + n
    trusted = trusted_dirs()

    def own(key) -> bool:
        return not key[0].startswith(trusted)

    def biggest(table):
        found = [k for k in table if own(k) and table[k] > 0]
        return max(found, key=lambda k: table[k], default=None)

    # a comprehension or generator of the student's whose work grows
    for key in sorted((k for k in set(calls) | set(line_growth) if own(k)),
                      key=lambda k: -(calls.get(k, 0) + line_growth.get(k, 0))):
        short = key[1].split(".")[-1]
        if short in _COMPREHENSIONS and calls.get(key, 0) + line_growth.get(key, 0) >= GROWTH:
            scopes = key[1].split(".<locals>.")
            outer = scopes[-2] if len(scopes) > 1 else ""
            return _COMPREHENSIONS[short] + _where((key[0], outer, 0), key[2], label_of)
    # a function called once per element: by itself (recursion), by numpy, or by a builtin on a line
    called = biggest(calls)
    if called is not None and calls[called] >= 2:
        name = called[1].split(".<locals>.")[-1]
        by = max((k for k in callers if k[0] == called and callers[k] > 0), key=lambda k: callers[k], default=None)
        caller, line = (by[1], by[2]) if by is not None else (None, 0)
        if caller == called:
            return f"recursion (`{name}` calls itself)" + _where(called, called[2], label_of)
        if caller is not None and any(k[0] == caller and k[1] == called and n > 0 for k, n in callers.items()):
            other = caller[1].split(".<locals>.")[-1]
            return f"recursion (`{name}` and `{other}` call each other)" + _where(called, called[2], label_of)
        if caller is not None and not own(caller):
            via = _NUMPY_CALLERS.get(caller[1].split(".")[-1], f"`{caller[1]}`")
            return f"{via} (a Python call of `{name}` per element)" + _where(called, called[2], label_of)
        construct = _construct_on(_source_line(called[0], called[2]))
        if construct in ("np.frompyfunc", "np.vectorize"):
            return f"{construct} (a Python call of `{name}` per element)" + _where(called, called[2], label_of)
        construct = caller and _construct_on(_source_line(caller[0], line))
        if construct:
            return f"{construct} (a Python call of `{name}` per element)" + _where(caller, line, label_of)
        if caller is not None and _loop_line(caller, lines) is not None:
            loop = _loop_line(caller, lines)
            return f"{_loop_kind(caller, loop)} calling `{name}`" + _where(caller, loop, label_of)
    # a library function called once per element from the student's code: name the student's line
    by_count = sorted(callers.items(), key=lambda item: (-item[1], item[0][0][1].startswith("_")))
    for (callee, caller, line), n in by_count:
        if n >= 2 and not own(callee) and own(caller):
            construct = _construct_on(_source_line(caller[0], line))
            if construct:
                callee_name = callee[1].split(".")[-1].lstrip("_").removesuffix("_dispatcher")
                return f"{construct} (a call of `{callee_name}` per element)" + _where(caller, line, label_of)
            loop = _loop_line(caller, lines)
            if loop is not None:
                return _loop_kind(caller, loop) + _where(caller, loop, label_of)
    grown = biggest(line_growth)
    if grown is not None:
        line = _loop_line(grown, lines)
        return _loop_kind(grown, line) + _where(grown, line, label_of)
    return "a Python loop"
