"""Issue 23, item 3 (reading): a notebook of absurd shape is refused with a status that names the limit, and
reading one costs memory in proportion to its file, whatever it holds.

Memory is measured in a fresh process (its peak resident size before and after reading), so that
nothing else of the test run counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib.grading.exercises import notebook as notebook_io
from course_lib.grading.statuses import SubmissionStatus

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _document(cells: list) -> bytes:
    document = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    return json.dumps(document, separators=(",", ":")).encode()


def _code(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}


def tiny_cells(count: int = 520_000) -> bytes:
    """The issue's attack: many tiny cells (520,000 in about 17 MB)."""
    return _document([{"cell_type": "code", "source": "x"}] * count)


def just_inside() -> bytes:
    """Small objects, short strings and floats, each near its limit: the most objects a file that is read
    can make ``json.loads`` build."""
    objects = notebook_io.MAX_JSON_CONTAINERS - 100
    strings = notebook_io.MAX_JSON_STRINGS - objects - 1000
    numbers = notebook_io.MAX_JSON_SEPARATORS - 2 * objects - strings - 1000
    metadata = {"o": [{"k": 1.5}] * objects, "s": ["ab"] * strings, "n": [1.5] * numbers}
    return _document([{**_code("x = 1"), "metadata": metadata}])


ATTACKS = {
    "tiny_cells": (tiny_cells, "JSON strings"),
    "one_line_statements": (lambda: _document([_code("".join(f"x{k} = {k}\n" for k in range(45_000)))]),
                            "lines of code"),
    "many_cells": (lambda: _document([_code("x = 1")] * (notebook_io.MAX_CELLS + 1)), "cells"),
    "long_code": (lambda: _document([_code("#" * (notebook_io.MAX_CODE_CHARS + 1))]), "characters of code"),
    "many_strings": (lambda: _document([_code(["a\n"] * 1_100_000)]), "JSON strings"),
    "many_numbers": (lambda: _document([{**_code("x = 1"), "metadata": {"n": [1.5] * 2_100_000}}]),
                     "JSON separators"),
    "too_many_bytes": (lambda: _document([_code("x = 1"), {"cell_type": "raw", "source": "y" * (21 << 20)}]),
                       "bytes"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_an_absurd_shape_is_refused_naming_its_limit(name):
    build, limit = ATTACKS[name]
    notebook = notebook_io.read_notebook(build())
    assert notebook.status == SubmissionStatus.TOO_LARGE
    assert limit in notebook.message and "at most" in notebook.message, notebook.message
    assert notebook.cells == []


def test_deep_nesting_is_refused_not_a_crash():
    deep = b'{"nbformat": 4, "cells": [], "metadata": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_000 + b"}"
    notebook = notebook_io.read_notebook(deep)
    assert notebook.status == SubmissionStatus.TOO_LARGE or "nested too deeply" in notebook.message


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_workbook_notebook_is_far_inside_the_limits(path):
    data = path.read_bytes()
    assert notebook_io.read_notebook(data).status == SubmissionStatus.OK
    code = [c.source for c in notebook_io.read_notebook(data).cells if c.cell_type == "code"]
    assert 10 * sum(map(len, code)) < notebook_io.MAX_CODE_CHARS
    assert 10 * sum(s.count("\n") + 1 for s in code) < notebook_io.MAX_CODE_LINES
    assert 10 * data.count(b"{") < notebook_io.MAX_JSON_CONTAINERS


_MEASURE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from course_lib.grading.exercises import notebook as notebook_io
data = open(sys.argv[2], 'rb').read()
# VmHWM (KiB), not ru_maxrss: Linux carries a parent's ru_maxrss across execve
peak = lambda: int(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))
before = peak()
notebook = notebook_io.read_notebook(data)
after = peak()
print(json.dumps({"status": notebook.status, "growth_mib": (after - before) / 1024, "file_mib": len(data) / 2**20}))
"""


def _peak_growth(tmp_path, data: bytes) -> dict:
    path = tmp_path / "attack.ipynb"
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(Path(__file__).resolve().parents[2]), str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("shape", ["tiny_cells", "just_inside"])
def test_reading_costs_memory_in_proportion_to_the_file(tmp_path, shape):
    """520,000 tiny cells (the issue measured 782 MB) and a file just inside every JSON limit: at most a few
    times the file's size, never the hundreds of MB that parsing the attack would take."""
    if shape == "tiny_cells":
        data = tiny_cells()
    else:  # about as many small objects, strings and numbers as the limits allow, in one file
        data = just_inside()
    measured = _peak_growth(tmp_path, data)
    assert measured["file_mib"] < notebook_io.MAX_BYTES / 2**20
    assert measured["growth_mib"] < 64 + 8 * measured["file_mib"], measured
