"""Autograder speed: 40 submissions of one notebook with 2 jobs, against a bare Jupyter kernel.

Run by hand (not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_grade.py [--notebook 03_multiclass_svm] [--n 40] [--jobs 2]

Both are measured in the same run, on the same machine, so that their ratio means
something even when other work shares the cores:

- the grader: ``grade_batch`` over N distinct copies of the notebook's source solution, run top
  to bottom in its sandbox (since grading v3, issue 22: every cell, matplotlib included)
  (each gets a different markdown cell, so no cache hit), ``--jobs`` in parallel; seconds
  per submission per core = wall time x jobs / N, and CPU seconds (grader + workers) per
  submission;
- the floor of kernel-based graders (nbgrader, otter): executing an EMPTY notebook in a
  fresh Jupyter kernel with nbclient, one after another; wall seconds per notebook.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from _machine import load_report  # noqa: E402  (the script's own folder is on sys.path)


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_grader(notebook: Path, n: int, jobs: int, folder: Path) -> tuple[float, float, float]:
    from course_lib.grading.autograde import batch

    source = json.loads(notebook.read_text())
    subs = folder / "submissions"
    subs.mkdir()
    for k in range(n):
        copy = dict(source, cells=source["cells"] + [{"cell_type": "markdown", "metadata": {},
                                                      "source": f"student {k}"}])
        (subs / f"student{k:03d}_{notebook.name}").write_text(json.dumps(copy))
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    rows = batch.grade_batch([subs], folder / "out", jobs=jobs, progress=False)
    wall = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    scores = {r.score for _, r in rows}
    bad = [(name, r.status, r.message) for name, r in rows if r.status != "ok"]
    assert len(rows) == n and not bad, f"every copy must be gradable: {bad[:3]}"
    retried = sum(getattr(r, "retried_steps", 0) for _, r in rows)
    print(f"graded by {batch.__file__.rsplit('/course_lib/', 1)[0]}; steps retried (starved): {retried}")
    return wall, cpu, max(scores)


def bench_kernel(repeats: int, folder: Path) -> float:
    import nbformat
    from nbclient import NotebookClient

    t0 = time.perf_counter()
    for _ in range(repeats):
        empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
        NotebookClient(empty, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return (time.perf_counter() - t0) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="03_multiclass_svm", help="stem of a source notebook with exercises")
    parser.add_argument("--n", type=int, default=40, help="number of submissions (default 40)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel jobs (default 2)")
    parser.add_argument("--kernel-repeats", type=int, default=5,
                        help="empty notebooks run in fresh kernels (0: skip the comparison)")
    args = parser.parse_args()
    notebook = ROOT / "notebooks" / f"{args.notebook}.ipynb"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        kernel = bench_kernel(args.kernel_repeats, tmp) if args.kernel_repeats > 0 else float("nan")
        wall, cpu, score = bench_grader(notebook, args.n, args.jobs, tmp)
    per_core = wall * args.jobs / args.n
    print(f"notebook {args.notebook}: {args.n} submissions, --jobs {args.jobs}, each scored {score:g}")
    print(f"{'what':48s} {'seconds':>8s} {'vs kernel':>10s}")
    print(f"{'grade: wall per submission per core':48s} {per_core:8.3f} {per_core / kernel:9.2f}x")
    print(f"{'grade: CPU per submission (grader + workers)':48s} {cpu / args.n:8.3f} {cpu / args.n / kernel:9.2f}x")
    print(f"{'grade: wall for the whole batch':48s} {wall:8.3f}")
    print(f"{'empty notebook in a fresh kernel (nbclient)':48s} {kernel:8.3f} {1.0:9.2f}x")
    print("target: <= 0.25 s per submission per core; nbgrader ~1.2 s, otter ~4 s on this machine (NOTES-grading)")
    print("(CPU counts the grader and the sandboxes it waited for; a pid namespace's processes may not all be counted)")


if __name__ == "__main__":
    with load_report():
        main()
