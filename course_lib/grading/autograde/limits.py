"""The resource limits of one submission's sandbox (see :mod:`course_lib.grading.autograde.sandbox`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission (defaults: 10 s per step, 60 s per submission, 1024 MB).

    Attributes
    ----------
    cell_timeout : float
        Seconds of the student's own time for one step (one cell, or one case): CPU time, or
        waiting the code chose; never waiting for a CPU (see :mod:`.sandbox`).
    timeout : float
        Seconds of the student's own time for the whole submission (its steps together).
    memory_mb : int
        Memory of the sandbox in MiB: the cgroup's limit (root) and each process's address space.
    max_restarts : int
        Fresh sandboxes started after a crash or a timeout, per submission.
    disk_mb : int
        Size of each tmpfs (``/tmp``, the home, ``/dev/shm``) in MiB; also the largest file.
    max_processes : int
        Processes the sandbox may have.
    max_retries : int
        Steps run again because the machine kept them from running (not charged), per submission;
        past it the submission is not graded ("the grading machine was too busy").
    """

    cell_timeout: float = 10.0
    timeout: float = 60.0
    memory_mb: int = 1024
    max_restarts: int = 3
    disk_mb: int = 16
    max_processes: int = 16
    max_retries: int = 3

    def __post_init__(self):
        for name in ("cell_timeout", "timeout", "memory_mb", "disk_mb", "max_processes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name}: expected a positive number, got {value!r}")
        for name in ("max_restarts", "max_retries"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name}: expected a non-negative integer, got {value!r}")
