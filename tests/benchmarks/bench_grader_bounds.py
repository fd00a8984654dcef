"""The grader's own memory and CPU under issue 23's resource attacks (run by hand, not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_grader_bounds.py [--jobs 2] [--only NAME]

Each attack is the solved notebook 03 with attack cells added, graded by ``python -m course_lib grade``
in a fresh process; printed per attack: the submission's status (and the first exercise's), the grader
process's peak resident memory (its own ``VmHWM``: the sandboxed workers are bounded separately),
its CPU seconds and the wall-clock seconds. A baseline (the solved notebook alone) comes first.
Timings depend on the machine's load: compare attacks with the baseline of the same run.

The attacks are :mod:`hostile.resource_attacks`'s.
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
sys.path.insert(0, str(REPO / "tests"))
from hostile.resource_attacks import attacks  # noqa: E402

_RUN = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from course_lib.cli import main
start = time.monotonic()
code = main(["grade", *sys.argv[3:], "--out", sys.argv[2], "--force"])
# peak memory: VmHWM, not ru_maxrss (Linux carries a parent's ru_maxrss across execve)
usage = resource.getrusage(resource.RUSAGE_SELF)
peak_kib = int(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))
print(json.dumps({"exit": code, "wall_s": time.monotonic() - start, "cpu_s": usage.ru_utime + usage.ru_stime,
                  "max_rss_mib": peak_kib / 1024}))
"""


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
