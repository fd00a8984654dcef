"""The grader's own memory and CPU under issue 23's resource attacks (run by hand, not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_grader_bounds.py [--jobs 2] [--only NAME]

Each attack is the solved notebook 03 with attack cells added, graded by ``python -m course_lib grade``
in a fresh process; printed per attack: the submission's status (and the first exercise's), the grader
process's peak resident memory (its own ``ru_maxrss``: the sandboxed workers are bounded separately),
its CPU seconds and the wall-clock seconds. A baseline (the solved notebook alone) comes first.
Timings depend on the machine's load: compare attacks with the baseline of the same run.

- ``statements_45000``: 45,000 one-line statements in one cell;
- ``helpers_9000``: 9,000 chained helpers (in cells of 1,000), every answer calling the last;
- ``max_replies``: every answer returns the largest reply a worker may send, for every case;
- ``cells_520000``: 520,000 tiny cells (17 MB).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "notebooks" / "03_multiclass_svm.ipynb"

_RUN = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from course_lib.cli import main
start = time.monotonic()
code = main(["grade", *sys.argv[3:], "--out", sys.argv[2], "--force"])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"exit": code, "wall_s": time.monotonic() - start, "cpu_s": usage.ru_utime + usage.ru_stime,
                  "max_rss_mib": usage.ru_maxrss / 1024}))
"""


def _notebook() -> dict:
    return json.loads(SOURCE.read_text())


def _code_cell(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}


def _answer_names() -> list:
    sys.path.insert(0, str(REPO))
    from course_lib.grading.exercises.bank import for_notebook

    return [ex.answer for ex in for_notebook("03_multiclass_svm")]


def attacks() -> dict:
    """name -> notebook bytes."""
    out = {"baseline": json.dumps(_notebook()).encode()}
    nb = _notebook()
    nb["cells"].append(_code_cell("".join(f"a{k}=0\n" for k in range(45_000))))
    out["statements_45000"] = json.dumps(nb).encode()
    nb = _notebook()
    helpers = ["def h0(x):\n    return x\n"] + [f"def h{k}(x):\n    return h{k - 1}(x)\n" for k in range(1, 9000)]
    for start in range(0, 9000, 1000):  # cells of 1,000 helpers: each well under any per-cell size limit
        nb["cells"].append(_code_cell("".join(helpers[start:start + 1000])))
    nb["cells"].append(_code_cell("".join(f"def {name}(*args):\n    return h8999(args[0])\n"
                                          for name in _answer_names())))
    out["helpers_9000"] = json.dumps(nb).encode()
    nb = _notebook()
    big = "import numpy as _np\n_BIG = _np.arange(1_500_000, dtype=float)  # about 16 MB as a reply\n"
    big += "".join(f"def {name}(*args):\n    return _BIG\n" for name in _answer_names())
    nb["cells"].append(_code_cell(big))
    out["max_replies"] = json.dumps(nb).encode()
    cells = [{"cell_type": "code", "source": "x"}] * 520_000
    out["cells_520000"] = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells},
                                     separators=(",", ":")).encode()
    return out


def measure(name: str, data: bytes, jobs: int, copies: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench_bounds_"))
    try:
        subs = work / "subs"
        subs.mkdir()
        for k in range(copies):
            (subs / f"{name}_{k}.ipynb").write_bytes(data)
        done = subprocess.run([sys.executable, "-c", _RUN, str(REPO), str(work / "out"), str(subs), "--jobs",
                               str(jobs)], capture_output=True, text=True, timeout=3600)
        report = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {"error": done.stderr}
        results = sorted((work / "out" / "results").glob("*.json"))
        if results:
            first = json.loads(results[0].read_text())
            extra = first.get("extra_data", {}).get("course_lib", {})
            report["status"] = extra.get("status")
            report["message"] = (extra.get("message") or "")[:100]
            report["exercises"] = sorted({t["tags"][1] for t in first.get("tests", []) if len(t.get("tags", [])) > 1})
        report["file_mib"] = len(data) / 2**20
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--copies", type=int, default=None, help="copies of each attack (default: --jobs)")
    parser.add_argument("--only", action="append", help="attack names (default: all)")
    args = parser.parse_args()
    for name, data in attacks().items():
        if args.only and name not in args.only and name != "baseline":
            continue
        report = measure(name, data, args.jobs, args.copies or args.jobs)
        print(json.dumps({"attack": name, **report}), flush=True)


if __name__ == "__main__":
    main()
