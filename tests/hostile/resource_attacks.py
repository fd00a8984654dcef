"""Issue 23's resource attacks on the grader itself, each a notebook (the solved notebook 03 plus attack cells).

- ``statements_45000``: 45,000 one-line statements in one cell;
- ``helpers_9000``: 9,000 chained helpers (in cells of 1,000), every answer calling the last;
- ``max_replies``: every answer returns a 12 MB array for every case (about the largest reply a worker could
  send before replies were bounded);
- ``cells_520000``: 520,000 tiny cells (17 MB);
- ``list_replies``: every answer returns a list of 3,000,000 floats (a 12 MB reply, 96 MB once parsed);
- ``nested_replies``: every answer returns a list of 1,200,000 empty lists (13 MB, about 400 MB once parsed);
- ``string_replies``: every answer returns a tuple of 1,500 strings of 10,000 characters (15 MB);
- ``hijacked_replies``: the notebook replaces the worker's ``os.write``, so that every case reply it sends is
  a 15 MB frame of 5,000,000 empty JSON arrays (what a worker under the student's control can send);
- ``outputs_plots``: a cell prints 20 MB and draws 100 figures (output and figures stay in the sandbox).

Used by ``tests/benchmarks/bench_grader_bounds.py`` (time and memory, by hand) and
``tests/autograde/test_grader_bounds.py`` (statuses and a memory bound).
"""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "notebooks" / "03_multiclass_svm.ipynb"
STEM = "03_multiclass_svm"


def _notebook() -> dict:
    return json.loads(SOURCE.read_text())


def _code_cell(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}


def _answer_names() -> list:
    from course_lib.grading.exercises.bank import for_notebook

    return [ex.answer for ex in for_notebook(STEM)]


def _returning(setup: str) -> bytes:
    """The solved notebook, then a cell making every answer return ``_BIG`` (built by ``setup``) on every case."""
    nb = _notebook()
    nb["cells"].append(_code_cell(setup + "".join(f"def {name}(*args):\n    return _BIG\n"
                                                  for name in _answer_names())))
    return json.dumps(nb).encode()


# The worker writes its replies with os.write on the descriptor named in its argv: replaced, every case reply
# becomes one frame of 5,000,000 empty JSON arrays (the grader must refuse it before parsing it).
_HIJACK = """\
import os as _os, struct as _struct, sys as _sys
_FD, _REAL = int(_sys.argv[2]), _os.write
_DENSE = b'{"reply": "case", "outcome": "returned", "value": [' + b'[],' * 5_000_000 + b'[]]}'
_FRAME = _struct.pack(">Q", len(_DENSE)) + _DENSE
def _write(fd, data, _real=_REAL):
    if fd == _FD and bytes(data[8:24]) == b'{"reply": "case"':
        view = memoryview(_FRAME)
        while view:
            view = view[_real(fd, view):]
        return len(data)
    return _real(fd, data)
_os.write = _write
"""


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
    out["list_replies"] = _returning("_BIG = [0.5] * 3_000_000\n")
    out["nested_replies"] = _returning("_BIG = [[] for _ in range(1_200_000)]\n")
    out["string_replies"] = _returning("_BIG = tuple(str(k % 10) * 10_000 for k in range(1_500))\n")
    nb = _notebook()
    nb["cells"].append(_code_cell(_HIJACK))
    out["hijacked_replies"] = json.dumps(nb).encode()
    nb = _notebook()
    nb["cells"].append(_code_cell("import matplotlib.pyplot as _plt\nprint('x' * 20_000_000)\n"
                                  "for _k in range(100):\n    _plt.figure()\n    _plt.plot([0, 1], [1, _k])\n"))
    out["outputs_plots"] = json.dumps(nb).encode()
    cells = [{"cell_type": "code", "source": "x"}] * 520_000
    out["cells_520000"] = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells},
                                     separators=(",", ":")).encode()
    return out
