"""Issue 23's resource attacks on the grader itself, each a notebook (the solved notebook 03 plus attack cells).

- ``statements_45000``: 45,000 one-line statements in one cell;
- ``helpers_9000``: 9,000 chained helpers (in cells of 1,000), every answer calling the last;
- ``max_replies``: every answer returns about the largest reply a worker may send, for every case;
- ``cells_520000``: 520,000 tiny cells (17 MB).

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
