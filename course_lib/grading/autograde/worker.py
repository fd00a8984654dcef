"""The process that runs a submission's code, inside the sandbox (:mod:`course_lib.grading.autograde.sandbox`).

Started as a plain script (``python -I -S worker.py CMD_FD RESULT_FD SETTINGS``) by bubblewrap,
or, without it, directly as its own unprivileged uid (:mod:`.isolation`), it reaches only the
Python runtime, numpy and the answer-free course_lib. Before reading any command it lowers its
own resource limits (hard limits: student code cannot raise them again) and, without
bubblewrap, confines itself (:func:`main`). Then it answers each command with exactly one
frame (:mod:`course_lib.grading.autograde.wire`) on ``RESULT_FD``:

- ``{"op": "exec", "statements": [source, ...], "filename": ...}`` runs one cell's kept
  statements in the submission's namespace, stopping at the first that raises:
  ``{"ok": true}`` or ``{"error": {...}, "statement": i}``;
- ``{"op": "case", "name": ..., "kind": "function" | "value", "args": [...]}`` calls the
  answer on one case (:func:`course_lib.grading.judging.running.run_case`): its reply, or
  ``{"missing": true}`` if the name is not defined;
- ``{"op": "quit"}``.

Cases arrive one at a time, so the process never holds a case it has not been given.
Student output goes to /dev/null (the sandbox's stdout and stderr).
"""

from __future__ import annotations

import json
import os
import sys


def _limit(resource, which: str, value: int) -> None:
    kind = getattr(resource, which)
    soft, hard = resource.getrlimit(kind)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    resource.setrlimit(kind, (value, value))


# modules that notebooks use for display and experiments, not in the sandbox: an import of one binds a
# no-op stand-in (graded answers use numpy only)
DISPLAY_MODULES = {"matplotlib", "IPython", "ipywidgets", "tqdm", "sklearn", "scipy", "threadpoolctl", "pandas",
                   "seaborn", "PIL", "time", "timeit"}


class _Unavailable:
    """Stands for a module the sandbox does not have (matplotlib, ipywidgets...): every use is a no-op.

    Graded answers use numpy only; display code around them (a plot in a helper's cell) then
    runs as in the student's kernel without drawing anything.
    """

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return _Unavailable(f"{self._name}.{attribute}")

    def __call__(self, *args, **kwargs):
        return self

    def __iter__(self):
        return iter(())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __getitem__(self, key):
        return self

    def __setitem__(self, key, value):
        pass

    def __repr__(self):
        return f"<{self._name}: not available while grading>"


def _stub_imports(source: str, namespace: dict) -> None:
    """Bind the names an import statement that failed would have bound to :class:`_Unavailable`."""
    import ast

    for node in ast.parse(source).body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                namespace[alias.asname or alias.name.split(".")[0]] = _Unavailable(alias.name)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    namespace[alias.asname or alias.name] = _Unavailable(f"{node.module}.{alias.name}")


def _serve(cmd_fd: int, result_fd: int) -> None:
    import builtins

    import numpy as np

    from course_lib.grading.autograde import wire
    from course_lib.grading.exercises import plain
    from course_lib.grading.judging import running

    def check(*args, **kwargs):  # the notebook's advisory check: silent here
        return None

    namespace = {"__name__": "__main__", "__builtins__": builtins, "check": check}
    np.random.seed(0)  # noqa: NPY002 (an answer using the legacy global generator gets the same numbers every run)
    buffer = bytearray()
    while True:
        command = wire.read_frame(cmd_fd, buffer)
        if command is None or command.get("op") == "quit":
            return
        op = command.get("op")
        if op == "exec":
            reply = {"ok": True}
            for number, source in enumerate(command.get("statements", [])):
                try:
                    exec(compile(source, command.get("filename", "<cell>"), "exec"), namespace)
                except ImportError as exc:
                    if ((getattr(exc, "name", "") or "").split(".")[0] not in DISPLAY_MODULES
                            or not source.lstrip().startswith(("import ", "from "))):
                        reply = {"error": running.describe_error(exc), "statement": number}
                        break
                    # a display module the sandbox does not have: a stand-in, as the student's kernel had it
                    reply.setdefault("unavailable", []).append(str(exc)[:200])
                    try:
                        _stub_imports(source, namespace)
                    except SyntaxError:
                        pass
                except BaseException as exc:  # the student's code may raise anything, SystemExit included
                    reply = {"error": running.describe_error(exc), "statement": number}
                    break
        elif op == "case":
            name = command.get("name")
            if name not in namespace:
                reply = {"missing": True}
            else:
                try:
                    args = tuple(plain.decode(a, fixture=plain.resolve_target) for a in command.get("args", []))
                    raw = running.run_case(namespace[name], args, command.get("kind", "function"))
                    raw.pop("_exception", None)
                    reply = {key: (plain.encode(value) if key == "value" else value) for key, value in raw.items()}
                except plain.PlainDataError as exc:
                    reply = {"not_plain": str(exc)[:200]}
                except BaseException as exc:  # a fixture failing, a hostile object: the case's error
                    reply = {"error": running.describe_error(exc)}
        else:
            reply = {"error": {"type": "ProtocolError", "message": f"unknown command {op!r}"}}
        try:
            wire.write_frame(result_fd, reply)
        except (ValueError, TypeError):  # an output JSON cannot hold
            wire.write_frame(result_fd, {"not_plain": "an output that cannot be sent"})


CONFINEMENT_FAILED = 97  # exit status when the plan cannot be applied (isolation.CONFINEMENT_FAILED)


def _confine_module():
    """:mod:`course_lib.grading.autograde.confine` loaded from this script's folder, standard library only:
    nothing of course_lib (not even its ``__init__``) runs before the worker is confined."""
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "confine.py")
    spec = importlib.util.spec_from_file_location("_course_lib_confine", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


def main(argv) -> None:
    """Start-up: hard rlimits, then (without bubblewrap) confinement, then the serving loop.

    ``argv`` is ``CMD_FD RESULT_FD SETTINGS``; ``SETTINGS`` is JSON with ``limits`` (``RLIMIT_*``
    name -> value), ``path`` (put first on ``sys.path``) and, in the confined fallback, ``plan``
    (a :class:`confine.Plan`). The grader started this process as the uid it must run as: it
    changes no uid itself, and exits with :data:`CONFINEMENT_FAILED` rather than run unconfined.
    """
    import resource

    cmd_fd, result_fd, settings = int(argv[0]), int(argv[1]), json.loads(argv[2])
    sys.path[:0] = settings["path"]
    os.environ["COURSE_LIB_SANDBOX"] = "1"
    for which, value in settings["limits"].items():  # lowered for good before any student code
        _limit(resource, which, int(value))
    if settings.get("plan") is not None:
        try:
            confine = _confine_module()
            confine.apply(confine.Plan.from_json(settings["plan"]))
        except Exception as exc:  # never serve unconfined
            print(f"worker: cannot confine itself: {exc}", file=sys.stderr)
            os._exit(CONFINEMENT_FAILED)
    try:
        _serve(cmd_fd, result_fd)
    finally:
        os._exit(0)  # skip interpreter teardown (and any atexit hook a student registered)


if __name__ == "__main__":
    main(sys.argv[1:])
