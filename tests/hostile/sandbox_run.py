"""Run cells in one fresh sandbox and read values back, through whichever worker protocol this checkout has.

The grader's execution model is being rewritten (issue 23 runs alongside it): the step protocol
(``sandbox.Step``/``run_steps``) and the session protocol (``sandbox.Session`` with
``protocol.RunCell``/``RunCase``) give the same thing here: each cell run in order in one namespace,
then each name's value as plain data, or a dict saying why there is none.
"""

from __future__ import annotations


def values(cells: list, names: list, limits) -> list:
    """``[value or {"failed": why}, ...]`` for ``names`` after ``cells`` ran in one fresh sandbox."""
    from course_lib.grading.autograde import sandbox

    if hasattr(sandbox, "Session"):
        return _session(sandbox, cells, names, limits)
    steps = [sandbox.Step({"op": "exec", "statements": [source], "filename": f"<cell {k}>"}, replay=True)
             for k, source in enumerate(cells)]
    steps += [sandbox.Step({"op": "case", "name": name, "kind": "value", "args": []}) for name in names]
    replies = sandbox.run_steps(steps, limits)
    found = []
    for reply in replies[len(cells):]:
        if "value" in reply:
            from course_lib.grading.exercises import plain

            found.append(plain.decode(reply["value"]))
        else:
            found.append({"failed": repr(reply)[:500], "cells": repr(replies[:len(cells)])[:1000]})
    return found


def _session(sandbox, cells, names, limits) -> list:
    from course_lib.grading.autograde import protocol

    found, stops = [], []
    with sandbox.Session(limits) as session:
        for k, source in enumerate(cells):
            stops.append(repr(session.run(protocol.RunCell(source, f"<cell {k}>", limits.cell_timeout)))[:500])
        for name in names:
            reply = session.run(protocol.RunCase(name, "value", (), (), limits.cell_timeout))
            value = getattr(reply, "value", None)
            returned = str(getattr(reply, "outcome", "")).lower().endswith("returned")
            found.append(value if returned else {"failed": repr(reply)[:500], "cells": stops})
    return found
