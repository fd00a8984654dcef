"""Class report speed: 1,000 synthetic results (250 students x 4 notebooks), read and reported.

Run by hand (not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_report.py [--students 250] [--repeat 3]

Measured side by side in one run (median of ``--repeat``), so that the ratios mean something
even when other work shares the cores:

- the floor: ``json.loads`` of every results file, nothing else;
- reading (``read_results``: walk the folder, parse, validate, de-duplicate);
- aggregating (``summarise``) and the CSV tables;
- the whole command (``build_report``: all of the above plus figures and the HTML page).

The load average is printed before and after: a figure taken above 1.0 is not to be quoted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

NOTEBOOKS = ["03_multiclass_svm", "05_softmax_cross_entropy", "08_gradients", "10_update_rules"]


def timed(fn, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    from synthetic_results import synthetic_class, write_results

    from course_lib.grading.reports import class_report, class_summary

    with tempfile.TemporaryDirectory() as tmp:
        grades = Path(tmp) / "grades"
        paths = write_results(grades / "results", synthetic_class(args.students, NOTEBOOKS, seed=0))
        print(f"{len(paths)} results files, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB; "
              f"load average before: {os.getloadavg()[0]:.2f}")
        class_report.build_report(grades, Path(tmp) / "warm")   # imports, font cache

        floor, _ = timed(lambda: [json.loads(p.read_text(encoding="utf-8")) for p in paths], args.repeat)
        reading, results = timed(lambda: class_summary.read_results(grades), args.repeat)
        summarising, summary = timed(lambda: class_summary.summarise(results), args.repeat)
        tabling, _ = timed(lambda: class_summary.tables(summary), args.repeat)
        whole, _ = timed(lambda: class_report.build_report(grades, Path(tmp) / "report"), args.repeat)
        html_size = (Path(tmp) / "report" / "class_report.html").stat().st_size

    print(f"json.loads only (floor)   {floor:7.3f} s")
    print(f"read_results              {reading:7.3f} s   ({reading / floor:.1f}x the floor)")
    print(f"summarise                 {summarising:7.3f} s")
    print(f"tables                    {tabling:7.3f} s")
    print(f"build_report (everything) {whole:7.3f} s   for {len(results.submissions)} submissions, "
          f"page {html_size / 1e6:.2f} MB")
    print(f"load average after: {os.getloadavg()[0]:.2f} (1 min), {os.getloadavg()[1]:.2f} (5 min)")


if __name__ == "__main__":
    main()
