"""The process that runs a submission's code, inside the sandbox (:mod:`course_lib.grading.autograde.sandbox`).

Started as a plain script (``python -I -S worker.py CMD_FD RESULT_FD SETTINGS``) by bubblewrap,
or, without it, directly as its own unprivileged uid (:mod:`.isolation`), it reaches only the
Python runtime, numpy, matplotlib and the other real packages of
:data:`~course_lib.grading.autograde.stand_ins.REAL_DISTRIBUTIONS`, and the answer-free course_lib.
Before reading any command it lowers its own resource limits (hard limits: student code cannot
raise them again) and, without bubblewrap, confines itself (:func:`main`); then it serves the
grader's commands with :mod:`.kernel`, which runs the notebook as a Jupyter kernel would.

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
        from course_lib.grading.autograde import kernel  # (after the limits and the confinement)

        kernel.serve(cmd_fd, result_fd)
    finally:
        os._exit(0)  # skip interpreter teardown (and any atexit hook a student registered)


if __name__ == "__main__":
    main(sys.argv[1:])
