"""Run one notebook of a student copy top to bottom in a fresh kernel and list what a student would see go wrong.

Used by the progressive test (``test_progressive.py``), one process per notebook so that several run at once:
``python notebook_run.py NOTEBOOK RELEASE OUT.json``. The kernel imports the release's own course_lib
(``PYTHONPATH``) and reads the student's answers from the notebook's own folder (``COURSE_LIB_NOTEBOOKS``).

Before the notebook's first cell, a setup cell that is not part of the notebook (its outputs are dropped)
makes every figure that is rendered (inline, ``display(fig)``, or saved into a widget) report, on stderr
with the marker :data:`EMPTY_MARK`, the visible axes that hold no artist (no line, collection, patch or image).

What it writes, per code cell of the notebook (its index among all the notebook's cells), every one of:

- ``skip``: a line starting ``(skipped:`` (``course_lib.notebook_helpers``) with the exercise ids it names;
- ``missing``: any other text naming a missing answer (an ``AnswerMissing`` shown by a widget, a ``Missing``
  printed), with its ids;
- ``own wait``: a notebook's own "solve ... first" line (the test finds the exercise ids it names);
- ``error``: an error output (``ename: evalue``);
- ``stderr``: text on stderr (a warning), markers aside;
- ``empty figure``: a rendered figure with empty axes;
- ``widget problem``: a widget's status line saying "Problem:".

Outputs of widgets (``Output`` widgets' captured outputs, ``HTML``/``Label`` values) count for the cell that
displayed the widget.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

EMPTY_MARK = "@@progressive-empty-figure@@"
SKIP = re.compile(r"^\(skipped:.*$", re.M)
IDS = re.compile(r"exercise `([A-Za-z0-9_-]+)`")
MISSING = re.compile(r"(AnswerMissing|ReferenceUnavailable|<missing answer)")
OWN_WAIT = re.compile(r"\bsolve\b.*\bfirst\b", re.I)  # a notebook's own "solve X first" print
PROBLEM = re.compile(r"Problem:")

SETUP = r"""
import json as _json, sys as _sys
from matplotlib.backend_bases import FigureCanvasBase as _Canvas

def _report_empty_axes(render):
    def print_figure(self, *args, **kwargs):
        axes = [ax for ax in self.figure.axes if ax.get_visible() and ax.axison]
        empty = [ax.get_title() or f"axes {k}" for k, ax in enumerate(axes) if not ax.has_data()]
        if empty:
            print(%r, _json.dumps({"axes": len(axes), "empty": empty}), file=_sys.stderr)
        return render(self, *args, **kwargs)
    return print_figure

_Canvas.print_figure = _report_empty_axes(_Canvas.print_figure)
del _report_empty_axes
""" % EMPTY_MARK


def _texts(output) -> list:
    """``(stream, text)`` pairs of one output: stdout/stderr streams, and text or HTML of displayed data."""
    kind = output.get("output_type")
    if kind == "stream":
        return [(output.get("name", "stdout"), "".join(output.get("text", "")))]
    if kind in ("display_data", "execute_result"):
        data = output.get("data", {})
        return [("data", "".join(data[key])) for key in ("text/plain", "text/html") if key in data]
    return []


def _widget_models(outputs: list, state: dict) -> list:
    """The widget models a cell's outputs display, with every model they reference (children, outputs)."""
    found, stack = [], [o["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] for o in outputs
                        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    while stack:
        model_id = stack.pop()
        model = state.get(model_id)
        if model is None or model_id in {m for m, _ in found}:
            continue
        found.append((model_id, model))
        stack.extend(re.findall(r"IPY_MODEL_([0-9a-f]+)", json.dumps(model.get("state", {}))))
    return found


def findings_of_cell(outputs: list, state: dict) -> list:
    """What went wrong in one executed code cell (see the module docstring)."""
    texts, found = [], []
    for output in outputs:
        if output.get("output_type") == "error":
            found.append({"kind": "error", "text": f"{output['ename']}: {output['evalue'].splitlines()[0][:200]}"
                          if output.get("evalue") else output["ename"]})
        texts += _texts(output)
    for _, model in _widget_models(outputs, state):
        body = model.get("state", {})
        for output in body.get("outputs", []) or []:
            if output.get("output_type") == "error":
                found.append({"kind": "error", "text": f"(in a widget) {output['ename']}: {output.get('evalue', '')}"})
            texts += _texts(output)
        if isinstance(body.get("value"), str) and model.get("model_name") in ("HTMLModel", "HTMLMathModel",
                                                                               "LabelModel"):
            texts.append(("widget", body["value"]))
    for stream, text in texts:
        for line in text.splitlines():
            if line.startswith(EMPTY_MARK):
                found.append({"kind": "empty figure", "text": line[len(EMPTY_MARK):].strip()})
            elif SKIP.match(line):
                found.append({"kind": "skip", "text": line, "ids": IDS.findall(line)})
            elif MISSING.search(line):
                found.append({"kind": "missing", "text": line[:300], "ids": IDS.findall(line)})
            elif OWN_WAIT.search(line):
                found.append({"kind": "own wait", "text": line[:300], "ids": IDS.findall(line)})
            elif stream == "widget" and PROBLEM.search(line):
                found.append({"kind": "widget problem", "text": re.sub(r"<[^>]+>", "", line)[:300]})
            elif stream == "stderr" and line.strip():
                found.append({"kind": "stderr", "text": line[:300]})
    return found


@contextlib.contextmanager
def ipc_kernel():
    """A python3 kernel manager whose channels are Unix sockets in a folder of its own, not TCP ports.

    jupyter_client picks TCP ports by binding port 0 and letting it go before the kernel binds it: kernels
    that tests start at the same moment (24 here, nbval's, a JupyterLab's) can be handed the same port
    ("Address already in use", seen at load). Socket files in a private folder cannot collide.
    """
    from jupyter_client import KernelManager

    folder = tempfile.mkdtemp(prefix="kernel-")  # short: a socket path has at most 107 bytes
    try:
        yield KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(folder, "ipc"),
                            connection_file=os.path.join(folder, "connection.json"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(path: Path, release: Path, timeout: int = 600) -> dict:
    """Execute ``path`` with ``release``'s course_lib; ``{"cells": {index: [finding, ...]}, "skips": n}``."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(SETUP))
    env = {**os.environ, "PYTHONPATH": str(release), "COURSE_LIB_NOTEBOOKS": str(path.parent)}
    for name in ("COURSE_LIB_SANDBOX", "MPLBACKEND", "JPY_SESSION_NAME"):
        env.pop(name, None)
    with ipc_kernel() as km:
        client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=True, store_widget_state=True,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute(env=env)
    setup_errors = [o for o in nb.cells[0].outputs if o.get("output_type") == "error"]
    if setup_errors:
        raise RuntimeError(f"the setup cell failed: {setup_errors[0]['ename']}: {setup_errors[0]['evalue']}")
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    cells = {}
    for index, cell in enumerate(nb.cells[1:]):
        if cell.cell_type == "code":
            found = findings_of_cell(cell.get("outputs", []), state)
            if found:
                cells[index] = found
    return {"notebook": path.name, "cells": cells}


if __name__ == "__main__":
    notebook, release_dir, out = map(Path, sys.argv[1:4])
    out.write_text(json.dumps(run(notebook, release_dir)))
