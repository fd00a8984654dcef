"""Grade a folder of test-notebook submissions in one ``grade_batch`` call, in a process of its own.

``python run_as_user.py SUBMISSIONS --out OUT --result RESULT.json --jobs N --limits '{"cell_timeout": 2}'``

Run by tests/autograde/test_red_team.py, as root or (through ``setpriv``) as an ordinary user: the
grader then is a process of its own, with ``--out`` and the submissions in its command line as
with the real command, so that attacks can look for it. RESULT.json holds every row
(``SubmissionResult.to_json()``), the process's peak memory and its ``oom_score_adj`` before and
after the batch.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/: `from hostile import kit`
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))  # the repository this copy of the tests belongs to


def _oom_score_adj() -> str:
    with open("/proc/self/oom_score_adj") as handle:
        return handle.read().strip()


def _peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss carries the parent's peak across execve)."""
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmHWM:")) / 1024


def _as_json(result) -> dict:
    to_json = getattr(result, "to_json", None)
    return to_json() if to_json else dataclasses.asdict(result)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions")
    parser.add_argument("--out", required=True)
    parser.add_argument("--result", required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limits", default="{}")
    args = parser.parse_args(argv)

    import course_lib
    from course_lib.grading.autograde import batch
    from course_lib.grading.autograde.limits import Limits
    from hostile import kit

    report = {"course_lib": os.path.dirname(os.path.abspath(course_lib.__file__)), "uid": os.getuid(),
              "oom_score_adj_before": _oom_score_adj()}
    start = time.monotonic()
    try:
        with kit.registered():
            rows = batch.grade_batch([args.submissions], args.out, Limits(**json.loads(args.limits)),
                                     jobs=args.jobs, progress=False)
        report["rows"] = [[name, _as_json(result)] for name, result in rows]
    except BaseException:  # the test reports it; the batch itself must never fail
        report["error"] = traceback.format_exc()
    report["seconds"] = time.monotonic() - start
    report["max_rss_mib"] = _peak_rss_mib()
    report["oom_score_adj_after"] = _oom_score_adj()
    tmp = args.result + ".tmp"
    with open(tmp, "w") as handle:
        json.dump(report, handle)
    os.replace(tmp, args.result)
    return 1 if "error" in report else 0


if __name__ == "__main__":
    sys.exit(main())
