"""Shared pytest setup (the root conftest, so it covers tests/ and notebooks/ alike)."""

import os
import sys
from pathlib import Path

# tests/ holds shared helpers (corpus, hostile, synthetic_results) that tests in its sub-folders import
sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))

# One BLAS thread per process: the suite runs notebook kernels, sandboxed graders and a
# browser side by side on a small machine, where threaded BLAS on tiny matrices only
# contends (a 1077x65 @ 65x10 product took 8 ms threaded against 0.2 ms single-threaded).
# Kernels and graders started by the tests inherit these variables.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # the test process itself never opens a window (kernels keep the inline backend)


def pytest_configure(config):
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # numpy may already be loaded in this process: limit it too
    # Build matplotlib's font cache once, before any notebook kernel starts, so that its
    # first-use message never lands on a notebook's stderr.
    import matplotlib.font_manager  # noqa: F401
