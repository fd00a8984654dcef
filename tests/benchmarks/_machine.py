"""How busy the machine was while a benchmark ran: load average and core count, at start and end.

Every benchmark script wraps its run in :func:`load_report`::

    with load_report():
        ...  # the measurements

It prints the load averages and the core count before and after, and says clearly when
the 1-minute load was above ``QUIET_PER_CORE`` per core at either end: figures measured
then are not to be quoted. The figure at the end includes the benchmark's own processes.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

QUIET_PER_CORE = 0.5


def load_line(when: str) -> tuple[str, bool]:
    """One line describing the load now, and whether it is above the quiet threshold."""
    cores = os.cpu_count() or 1
    if not hasattr(os, "getloadavg"):
        return f"[{when}] load average: not available on this platform ({cores} cores)", False
    one, five, fifteen = os.getloadavg()
    per_core = one / cores
    loaded = per_core > QUIET_PER_CORE
    verdict = f"LOADED (above {QUIET_PER_CORE} per core)" if loaded else "quiet"
    return (f"[{when}] load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min) on {cores} cores: "
            f"{per_core:.2f} per core, {verdict}"), loaded


@contextmanager
def load_report(stream=None):
    """Print the load at start and end of the ``with`` block, and a verdict on the figures."""
    stream = sys.stdout if stream is None else stream
    line, loaded_start = load_line("start")
    print(line, file=stream, flush=True)
    try:
        yield
    finally:
        line, loaded_end = load_line("end, including this benchmark")
        print(line, file=stream)
        if loaded_start or loaded_end:
            print(f"WARNING: the machine was loaded (1-minute load above {QUIET_PER_CORE} per core at the "
                  f"{'start' if loaded_start else 'end'}{' and the end' if loaded_start and loaded_end else ''}): "
                  "these figures are NOT to be quoted; rerun on a quiet machine.", file=stream, flush=True)
        else:
            print(f"The machine was quiet (at most {QUIET_PER_CORE} per core at start and end): the figures may be "
                  "quoted with the load above.", file=stream, flush=True)
