"""The resource limits of one submission's sandbox (see :mod:`course_lib.grading.autograde.sandbox`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission (defaults: 10 s per cell, 60 s, 1024 MB).

    Attributes
    ----------
    cell_timeout : float
        Wall-clock seconds for one step (one cell, or one case).
    timeout : float
        Wall-clock seconds for the whole submission, restarts included.
    memory_mb : int
        Memory of the sandbox in MiB: the cgroup's limit (root) and each process's address space.
    max_restarts : int
        Fresh sandboxes started after a crash or a timeout, per submission.
    disk_mb : int
        Size of each tmpfs (``/tmp``, the home, ``/dev/shm``) in MiB; also the largest file.
    max_processes : int
        Processes the sandbox may have.
    """

    cell_timeout: float = 10.0
    timeout: float = 60.0
    memory_mb: int = 1024
    max_restarts: int = 3
    disk_mb: int = 16
    max_processes: int = 16

    def __post_init__(self):
        for name in ("cell_timeout", "timeout", "memory_mb", "disk_mb", "max_processes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name}: expected a positive number, got {value!r}")
        if not isinstance(self.max_restarts, int) or self.max_restarts < 0:
            raise ValueError(f"max_restarts: expected a non-negative integer, got {self.max_restarts!r}")
