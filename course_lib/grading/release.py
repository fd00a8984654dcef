"""The student release: ``python -m course_lib release --out DIR [--force]``.

Writes, under DIR:

- ``notebooks/``: every source notebook ``NN_*.ipynb`` as a student receives it: solution
  regions replaced by the ``# YOUR CODE HERE`` stub, hidden-test blocks removed, outputs,
  execution counts and widget state cleared, nbgrader metadata kept;
- ``course_lib/``: a copy of the package, course_lib staying the open reference library,
  except for the exercise bank (``course_lib/grading/bank/``), whose modules hold trusted
  references, near-solution mistakes and hidden cases: it is replaced by a *data* bank,
  ``bank/public_bank.json`` (the public cases with the outputs of the reference and of each
  mistake on them, see :mod:`course_lib.grading.databank`) and a loader ``bank/__init__.py``
  with the same API, so that ``check`` works unchanged;
- ``assets/``, ``README.md``, ``pyproject.toml`` and ``requirements.txt`` (so that
  ``pip install -r requirements.txt`` works in DIR).

Nothing a student may have edited is overwritten: a file that differs from what the last
release wrote there (``.release-manifest.json`` keeps their hashes) is left as it is and
reported; with ``force`` it is first moved to a timestamped backup. A file the student
never touched is updated to the new release, or removed if the new release no longer has it.
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import cells, databank

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"
MANIFEST = ".release-manifest.json"  # what the last release wrote, so that untouched files can be updated
BANK = "course_lib/grading/bank"  # code that never ships: replaced by a data bank
_TEST_ONLY = {"pytest", "pytest-xdist", "hypothesis", "nbval", "nbgrader", "playwright", "ruff"}


# --- one notebook --------------------------------------------------------------------------

def student_notebook(nb):
    """The student version of a source notebook (a new object; ``nb`` is not modified).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A source notebook (nbformat 4).

    Returns
    -------
    nbformat.NotebookNode
        Solutions stubbed and hidden tests removed (in every cell that has the markers),
        code outputs and execution counts cleared, widget state and execution timings
        dropped; nbgrader and course_lib cell metadata unchanged.
    """
    if not isinstance(nb, dict) or "cells" not in nb:
        raise ValueError(f"nb: expected a notebook (a dict with 'cells'), got {type(nb).__name__}")
    out = copy.deepcopy(nb)
    out["metadata"].pop("widgets", None)
    for cell in out["cells"]:
        source = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "code":
            source = cells.strip_hidden_tests(cells.strip_solutions(source))
            cell["outputs"] = []
            cell["execution_count"] = None
        elif cells.BEGIN_SOLUTION in source or cells.BEGIN_HIDDEN in source:
            raise ValueError(f"nb: solution or hidden-test markers in a {cell.get('cell_type')} cell "
                             f"(only code cells may hold them)")
        cell["source"] = source
        cell.get("metadata", {}).pop("execution", None)
    return out


# --- writing files safely -------------------------------------------------------------------

@dataclass
class ReleaseReport:
    """What a release did, by path relative to its output folder."""

    out_dir: Path
    written: list = field(default_factory=list)       # new files
    updated: list = field(default_factory=list)       # replaced: untouched since the last release
    unchanged: list = field(default_factory=list)
    kept: list = field(default_factory=list)          # edited by the student: left alone
    backups: list = field(default_factory=list)       # (path, backup path) moved aside by --force
    removed: list = field(default_factory=list)       # no longer released, untouched: deleted

    def summary(self) -> str:
        lines = [f"student release in {self.out_dir}: {len(self.written)} files written, "
                 f"{len(self.updated)} updated, {len(self.unchanged)} already up to date"
                 + (f", {len(self.removed)} no longer released removed" if self.removed else "")]
        for path in self.kept:
            lines.append(f"  kept your version of {path} (it differs from the release; "
                         f"--force keeps a backup and replaces it)")
        for path, backup in self.backups:
            lines.append(f"  replaced {path}; your version is in {backup}")
        return "\n".join(lines)


def _backup_path(path: Path, stamp: str) -> Path:
    candidate = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    k = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.backup-{stamp}-{k}{path.suffix}")
        k += 1
    return candidate


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _read_manifest(out: Path) -> dict:
    """``{relative path: sha256}`` of the files the previous release wrote ({} if none)."""
    try:
        data = json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return data.get("files", {}) if isinstance(data, dict) else {}


def _write(report: ReleaseReport, relative: str, content: bytes, force: bool, stamp: str,
           manifest: dict) -> None:
    """Write one file, unless the student may have changed the one already there.

    A file identical to what the previous release wrote (per ``manifest``) is the
    release's own and is updated; any other differing file is kept (or, with ``force``,
    moved to a timestamped backup first).
    """
    path = report.out_dir / relative
    outcome = report.written
    if path.exists():
        current = path.read_bytes()
        if current == content:
            report.unchanged.append(relative)
            return
        if manifest.get(relative) == _digest(current):
            outcome = report.updated
        elif not force:
            report.kept.append(relative)
            return
        else:
            backup = _backup_path(path, stamp)
            path.replace(backup)
            report.backups.append((relative, str(backup.relative_to(report.out_dir))))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    outcome.append(relative)


def _remove_stale(report: ReleaseReport, relative: str, manifest: dict) -> None:
    """Delete a file an earlier release wrote and this one no longer has, if still untouched."""
    path = report.out_dir / relative
    if path.is_file() and manifest.get(relative) == _digest(path.read_bytes()):
        path.unlink()
        report.removed.append(relative)


# --- what goes into the release -------------------------------------------------------------

def _notebook_files(root: Path):
    import nbformat

    for path in sorted((root / "notebooks").glob(NOTEBOOK_PATTERN)):
        nb = student_notebook(nbformat.read(path, as_version=4))
        nbformat.validate(nb)
        yield f"notebooks/{path.name}", (nbformat.writes(nb) + "\n").encode()


RELEASED_BANK = '''"""The exercise bank of this workbook, as data: the public cases and their expected outputs.

Written by the release (see ``course_lib.grading.databank``); the instructors' bank, with
its reference code and hidden cases, is not part of the student copy.
"""

from pathlib import Path

from ..databank import DataBank

_BANK = DataBank(Path(__file__).with_name("public_bank.json"))
all_exercises, get, for_notebook = _BANK.all_exercises, _BANK.get, _BANK.for_notebook
'''


@lru_cache(maxsize=1)
def _bank_data() -> str:
    """The data bank of the running course_lib's exercises (computed once per process)."""
    from . import bank

    return databank.bank_data(bank.all_exercises())


def _bank_files():
    """The released bank: a loader and the data it loads, in place of the bank's modules."""
    yield f"{BANK}/__init__.py", RELEASED_BANK.encode()
    yield f"{BANK}/public_bank.json", _bank_data().encode()


def _package_files(root: Path):
    """course_lib's files as released: hidden-test blocks removed, the bank replaced by data.

    The data bank is computed by the running course_lib (the source's bank must be the same).
    """
    package = root / "course_lib"
    for path in sorted(package.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        relative = path.relative_to(root).as_posix()
        if relative.startswith(f"{BANK}/"):
            continue
        data = path.read_bytes()
        if path.suffix == ".py":
            text = cells.strip_hidden_tests(data.decode("utf-8"))
            compile(text, relative, "exec")  # a module must stay valid Python without its hidden-test blocks
            data = text.encode("utf-8")
        yield relative, data
    yield from _bank_files()


def _asset_files(root: Path):
    for path in sorted((root / "assets").rglob("*")):
        if path.is_file():
            yield path.relative_to(root).as_posix(), path.read_bytes()


def _requirements(root: Path) -> str:
    keep = ["# What the workbook needs (installs course_lib from this folder, editable).", "-e ."]
    for line in (root / "requirements.txt").read_text().splitlines():
        requirement = re.split(r"\s+#", line, maxsplit=1)[0].strip()  # pip's inline comments
        name = re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower()
        if name and not requirement.startswith(("#", "-")) and name not in _TEST_ONLY:
            keep.append(requirement)
    return "\n".join(keep) + "\n"


def _pyproject(root: Path) -> str:
    """The repository's pyproject.toml without its tool sections for tests and linting.

    Line-based (a table lasts until the next ``[header]``), so that it needs no TOML parser
    on Python 3.10.
    """
    keep, out = True, []
    for line in (root / "pyproject.toml").read_text().splitlines():
        header = re.match(r"^\[([^\[\]]+)\]\s*$", line.strip())
        if header:
            name = header.group(1).strip()
            keep = name in ("build-system", "project") or name.startswith(("project.", "tool.setuptools"))
        if keep:
            out.append(line)
    return "\n".join(out).strip() + "\n"


STUDENT_README = """\
# Loss functions and optimization: your workbook

This folder is your own copy of the workbook. Your edits stay here: getting a newer release never
overwrites a notebook you have changed.

## Set up once, then open the workbook

```bash
python3 -m venv .venv && .venv/bin/pip install -q -r requirements.txt
.venv/bin/jupyter lab notebooks/00_start_here.ipynb
```

(If you made this copy with `python -m course_lib start` from the course repository, that command set up
and opened everything already; run it again to reopen.) VS Code, Notebook 7 and Colab work too: open the
notebooks in `notebooks/` with a Python kernel where `requirements.txt` is installed.

## How it works

- Work through the notebooks in order, `00_start_here` first, and run each one from top to bottom.
- An exercise is an answer cell, where you replace `# YOUR CODE HERE` / `raise NotImplementedError()`
  with your code, and a check cell right below it, `check("exercise_id", your_answer)`, which runs public
  tests and gives hints. The check is advisory: grades come only from the autograder, which runs hidden
  tests too. Do not delete, copy or move exercise cells: the autograder finds them by their metadata.
- `course_lib/` is the workbook's open reference library: read it, compare with it, use it in experiments.
  An exercise answer that merely calls its reference implementation gets no credit.
- Everything runs offline.

## Handing in

Hand in the notebooks in `notebooks/` as your instructor tells you (the `.ipynb` files themselves).
"""


def release(out_dir, force: bool = False, *, root: Path = ROOT) -> ReleaseReport:
    """Write the student release into ``out_dir`` (created if needed).

    Parameters
    ----------
    out_dir : str or Path
        Target folder. Files already there with different content are left alone and
        reported in ``kept`` (or, with ``force``, moved to a timestamped backup first).
    force : bool
    root : Path
        The source repository (the one holding ``notebooks/`` and ``course_lib/``).

    Returns
    -------
    ReleaseReport
    """
    out = Path(out_dir).resolve()
    source = Path(root).resolve()
    if out == source or out in source.parents:
        raise ValueError(f"out_dir: must not be the source repository or a folder above it, got {out}")
    if out.exists() and not out.is_dir():
        raise ValueError(f"out_dir: expected a folder, got the file {out}")
    report = ReleaseReport(out)
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    files = [*_notebook_files(source), *_package_files(source), *_asset_files(source),
             ("README.md", STUDENT_README.encode()),
             ("pyproject.toml", _pyproject(source).encode()),
             ("requirements.txt", _requirements(source).encode())]
    out.mkdir(parents=True, exist_ok=True)
    previous = _read_manifest(out)
    manifest = dict(previous)
    for relative, content in files:
        _write(report, relative, content, force, stamp, previous)
        if relative not in report.kept:
            manifest[relative] = _digest(content)
    for relative in sorted(set(previous) - {relative for relative, _ in files}):
        _remove_stale(report, relative, previous)
        manifest.pop(relative)
    (out / MANIFEST).write_text(json.dumps({"files": manifest}, indent=1, sort_keys=True) + "\n")
    return report


# --- command line --------------------------------------------------------------------------

def add_arguments(parser) -> None:
    parser.add_argument("--out", required=True, type=Path, help="folder to write the student release into")
    parser.add_argument("--force", action="store_true",
                        help="replace files that differ from the release, keeping a timestamped backup of each")


def run(args) -> int:
    try:
        report = release(args.out, force=args.force)
    except ValueError as exc:
        print(f"release: {exc}")
        return 2
    print(report.summary())
    return 0
