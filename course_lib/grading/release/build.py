"""The student release: ``python -m course_lib release --out DIR [--open] [--force]``.

Two modes:

- **graded** (the default, for a course that grades): the released ``course_lib`` holds no
  readable implementation of any graded exercise. In the source, each body that implements an
  exercise sits between ``### BEGIN REFERENCE <exercise id>`` and ``### END REFERENCE`` lines
  (optionally ``### BEGIN REFERENCE <id> -> <expression>``); the release replaces the region by a
  stub, at the region's indentation::

      from course_lib.answers import reference_answer
      answer = reference_answer("<exercise id>")
      return <expression>            # default: answer(<the enclosing function's parameters>)

  so that ``cl.svm_loss`` in a graded release runs the student's own hinge loss from notebook 03
  (see :mod:`course_lib.answers`), raises ``AnswerMissing`` with a one-line message while it is not
  solved, and ``ReferenceUnavailable`` inside the grader's sandbox. The data bank stores value
  answers hashed (see :mod:`course_lib.grading.exercises.databank`). ``course_lib/_release.json`` records
  the mode.
- **open** (``--open``, self-study): the full reference library, markers left as comments, and
  ``cl.mine`` returns the library's implementation.

:func:`package_files` gives the released package alone, as ``(relative path, bytes)``: the
grader's sandbox builds its answer-free course_lib from it.

Writes, under DIR:

- ``notebooks/``: every source notebook ``NN_*.ipynb`` as a student receives it: solution
  regions replaced by the ``# YOUR CODE HERE`` stub, hidden-test blocks removed, outputs,
  execution counts and widget state cleared, nbgrader metadata kept;
- ``course_lib/``: a copy of the package, course_lib staying the open reference library,
  except for the exercise bank (``course_lib/grading/exercises/bank/``), whose modules hold trusted
  references, near-solution mistakes and hidden cases: it is replaced by a *data* bank,
  ``bank/public_bank.json`` (the public cases with the outputs of the reference and of each
  mistake on them, see :mod:`course_lib.grading.exercises.databank`) and a loader ``bank/__init__.py``
  with the same API, so that ``check`` works unchanged;
- ``assets/``, ``README.md``, ``pyproject.toml`` (generated from the source's project metadata:
  the runtime dependencies, the bank JSON as package data, the ``course-lib`` console script) and
  ``requirements.txt`` (``.[lab]``: course_lib installed non-editable from DIR, with JupyterLab).

Nothing a student may have edited is overwritten: a file that differs from what the last
release wrote there (``.release-manifest.json`` keeps their hashes) is left as it is and
reported; with ``force`` it is first moved to ``.release-backups/<timestamp>/<path>.backup`` (outside
``notebooks/``, so that ``grade`` never takes a backup for a submission). A file the student
never touched is updated to the new release, or removed if the new release no longer has it.
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from course_lib._paths import check_folder
from course_lib.answers import RELEASE_MODES
from course_lib.grading.exercises import cells, databank

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"
MANIFEST = ".release-manifest.json"  # what the last release wrote, so that untouched files can be updated
BANK = "course_lib/grading/exercises/bank"  # code that never ships: replaced by a data bank
BACKUPS = ".release-backups"  # where --force moves the student's versions (grade never looks there)
BEGIN_REFERENCE = "### BEGIN REFERENCE"
END_REFERENCE = "### END REFERENCE"


# --- reference regions ----------------------------------------------------------------------

_BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN REFERENCE (?P<id>[A-Za-z0-9_-]+)(?:\s*->\s*(?P<expr>.+?))?\s*$")


def reference_regions(text: str):
    """The reference regions of a module's source: list of ``(exercise id, first line, last line)``.

    Lines are 0-based indices of the BEGIN and END marker lines. Raises ``ValueError`` for an
    unclosed or nested region.
    """
    regions, open_at = [], None
    for k, line in enumerate(text.splitlines()):
        if line.lstrip().startswith(BEGIN_REFERENCE):
            if open_at is not None or not _BEGIN.match(line):
                raise ValueError(f"line {k + 1}: a nested or malformed {BEGIN_REFERENCE!r} marker")
            open_at = (k, _BEGIN.match(line).group("id"))
        elif line.strip() == END_REFERENCE:
            if open_at is None:
                raise ValueError(f"line {k + 1}: {END_REFERENCE!r} without a {BEGIN_REFERENCE!r}")
            regions.append((open_at[1], open_at[0], k))
            open_at = None
    if open_at is not None:
        raise ValueError(f"line {open_at[0] + 1}: {BEGIN_REFERENCE!r} is never closed")
    return regions


def _enclosing_parameters(lines: list, at: int) -> str:
    """The parameter names of the ``def`` enclosing line ``at``, as a call's argument list."""
    import ast

    for k in range(at, -1, -1):
        if lines[k].lstrip().startswith("def "):
            header = "".join(lines[k:at])
            header = header[:header.index(":", header.index(")")) + 1] + " pass"
            args = ast.parse(textwrap.dedent(header)).body[0].args
            return ", ".join(a.arg for a in [*args.posonlyargs, *args.args])
    raise ValueError(f"line {at + 1}: a reference region outside a function")


def strip_references(text: str) -> str:
    """A module's source with every reference region replaced by the stub that calls the student's answer."""
    lines = text.splitlines(keepends=True)
    stubs = []
    for exercise_id, first, last in reference_regions(text):
        match = _BEGIN.match(lines[first].rstrip("\n"))
        indent = match.group("indent")
        expression = match.group("expr") or f"answer({_enclosing_parameters(lines, first)})"
        stubs.append((first, last, [
            f"{indent}# graded release: your own answer to {exercise_id!r} (course_lib.answers)\n",
            f"{indent}from course_lib.answers import reference_answer\n",
            f"{indent}answer = reference_answer({exercise_id!r})\n",
            f"{indent}return {expression}\n"]))
    out, k = [], 0
    for first, last, stub in stubs:
        out += lines[k:first] + stub
        k = last + 1
    return "".join(out + lines[k:])


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


def _backup_path(out: Path, relative: str, stamp: str) -> Path:
    """Where ``--force`` keeps the student's version of ``relative``: under ``.release-backups/<stamp>/``."""
    candidate = out / BACKUPS / stamp / f"{relative}.backup"  # not *.ipynb: grade never takes it
    k = 1
    while candidate.exists():
        candidate = out / BACKUPS / f"{stamp}-{k}" / f"{relative}.backup"
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
            backup = _backup_path(report.out_dir, relative, stamp)
            backup.parent.mkdir(parents=True, exist_ok=True)
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

Written by the release (see ``course_lib.grading.exercises.databank``); the instructors' bank, with
its reference code and hidden cases, is not part of the student copy.
"""

from pathlib import Path

from course_lib.grading.exercises.databank import DataBank

_BANK = DataBank(Path(__file__).with_name("public_bank.json"))
all_exercises, get, for_notebook = _BANK.all_exercises, _BANK.get, _BANK.for_notebook
'''


def _bank_data() -> str:
    """The data bank of the running course_lib's exercises (computed once per set of exercises)."""
    from course_lib.grading.exercises import bank

    exercises = bank.all_exercises()
    key = tuple(id(ex) for ex in exercises)
    if key not in _BANK_DATA:
        _BANK_DATA[key] = databank.bank_data(exercises)
    return _BANK_DATA[key]


_BANK_DATA: dict = {}  # identities of the exercises -> their data bank


def _bank_files():
    """The released bank: a loader and the data it loads, in place of the bank's modules."""
    yield f"{BANK}/__init__.py", RELEASED_BANK.encode()
    yield f"{BANK}/public_bank.json", _bank_data().encode()


def _check_mode(mode: str) -> str:
    if mode not in RELEASE_MODES:
        raise ValueError(f"mode: expected one of {', '.join(map(repr, RELEASE_MODES))}, got {mode!r}")
    return mode


def package_files(mode: str = "graded", *, root: Path = ROOT):
    """The released ``course_lib`` package: yields ``(relative path, bytes)``, paths like ``course_lib/losses.py``.

    Hidden-test blocks are removed, the exercise bank is replaced by data, ``_release.json``
    records the mode, and in ``"graded"`` mode every reference region is replaced by its stub (no
    implementation of a graded exercise remains). The data bank is computed by the running
    course_lib (the source's bank must be the same).

    Parameters
    ----------
    mode : {"graded", "open"}
    root : Path
        The source repository (holding ``course_lib/``).
    """
    _check_mode(mode)
    root = Path(root)
    package = root / "course_lib"
    for path in sorted(package.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        relative = path.relative_to(root).as_posix()
        if relative.startswith(f"{BANK}/") or path.name == "_release.json":
            continue
        data = path.read_bytes()
        if path.suffix == ".py":
            text = cells.strip_hidden_tests(data.decode("utf-8"))
            if mode == "graded":
                try:
                    text = strip_references(text)
                except ValueError as exc:
                    raise ValueError(f"{relative}: {exc}") from None
            compile(text, relative, "exec")  # a module must stay valid Python once stripped
            data = text.encode("utf-8")
        yield relative, data
    yield from _bank_files()
    yield "course_lib/_release.json", (json.dumps({"mode": mode}) + "\n").encode()


def _asset_files(root: Path):
    for path in sorted((root / "assets").rglob("*")):
        if path.is_file():
            yield path.relative_to(root).as_posix(), path.read_bytes()


# the optional dependencies a student adds to the runtime: JupyterLab. scikit-learn (the "compare" extra,
# about 200 MB with scipy) stays optional: notebook 11 compares with it when it is installed
STUDENT_EXTRAS = ("lab",)


def _metadata_from_distribution() -> dict:
    """The installed course_lib's project metadata (Python 3.10 without tomli): ``importlib.metadata``."""
    from importlib import metadata

    from packaging.requirements import Requirement

    meta = metadata.metadata("course_lib")
    extras = list(meta.get_all("Provides-Extra") or [])
    project = {"name": meta["Name"], "version": meta["Version"], "description": meta.get("Summary", ""),
               "requires-python": meta.get("Requires-Python", ">=3.10"), "dependencies": [],
               "optional-dependencies": {extra: [] for extra in extras}}
    for line in meta.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        marker, requirement.marker = requirement.marker, None
        if marker is None:
            project["dependencies"].append(str(requirement))
            continue
        for extra in extras:
            if marker.evaluate({"extra": extra}):
                project["optional-dependencies"][extra].append(str(requirement))
    return project


def project_metadata(root: Path = ROOT) -> dict:
    """The ``[project]`` table of the source's pyproject.toml (name, version, dependencies, extras).

    Read with ``tomllib`` (Python 3.11+) or ``tomli``; on Python 3.10 without tomli, from the
    installed distribution's metadata (``importlib.metadata``, parsed with ``packaging``), which
    is the same as long as course_lib was installed from this pyproject.toml.
    """
    try:
        import tomllib
    except ImportError:
        try:
            import tomli as tomllib
        except ImportError:
            tomllib = None
    path = Path(root) / "pyproject.toml"
    if tomllib is not None and path.is_file():
        project = dict(tomllib.loads(path.read_text(encoding="utf-8"))["project"])
        project.setdefault("optional-dependencies", {})
        return project
    return _metadata_from_distribution()


def _requirements(root: Path) -> str:
    """The release's requirements.txt: course_lib from this folder (non-editable) with JupyterLab."""
    return ("# What the workbook needs: course_lib from this folder (installed, not editable), its\n"
            "# runtime dependencies and JupyterLab (see pyproject.toml). Optional: `pip install scikit-learn`\n"
            "# for notebook 11's comparison with LogisticRegression.\n"
            f".[{','.join(STUDENT_EXTRAS)}]\n")


def _toml_list(values) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def _pyproject(root: Path) -> str:
    """The release's pyproject.toml, generated from the source's project metadata.

    Runtime dependencies and the student's extra only (no instructor or test tools), the data
    bank and ``_release.json`` as package data, and the ``course-lib`` console script.
    """
    project = project_metadata(root)
    extras = [f"{extra} = {_toml_list(project['optional-dependencies'].get(extra, []))}" for extra in STUDENT_EXTRAS]
    return "\n".join([
        "[build-system]",
        'requires = ["setuptools>=61"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f"name = {json.dumps(project['name'])}",
        f"version = {json.dumps(project['version'])}",
        f"description = {json.dumps(project.get('description', ''))}",
        'readme = "README.md"',
        f"requires-python = {json.dumps(project.get('requires-python', '>=3.10'))}",
        f"dependencies = {_toml_list(project['dependencies'])}",
        "",
        "[project.optional-dependencies]",
        *extras,
        "",
        "[project.scripts]",
        'course-lib = "course_lib.cli:main"',
        "",
        "[tool.setuptools.packages.find]",
        'include = ["course_lib*"]',
        "",
        "[tool.setuptools.package-data]",
        'course_lib = ["_release.json", "_datasets/*.npz"]',
        '"course_lib.grading.exercises.bank" = ["public_bank.json"]',
        "",
    ])


STUDENT_README = """\
# Loss functions and optimization: your workbook

This folder is your own copy of the workbook: the numbered notebooks in `notebooks/`, and `course_lib/`,
the small Python package they import (data, plots, the interactive demos, the tests behind each check
cell{library_kind}). Your edits stay here: getting a newer release never overwrites a notebook you
have changed.

## Set up once, then open the workbook

```bash
python3 -m venv .venv && .venv/bin/pip install -q -r requirements.txt
.venv/bin/course-lib start
```

`course-lib start` (or `.venv/bin/python -m course_lib start`) opens this copy in JupyterLab at notebook 00
and prints the folder it serves. It listens on 127.0.0.1, this computer only (`--ip` and `--port` change
that); Ctrl+C, or closing the terminal, stops JupyterLab and its kernels. `requirements.txt` installs this
folder's course_lib into `.venv`: after editing a file in `course_lib/`, run the install again. VS Code,
Notebook 7 and Colab work too: open the notebooks in `notebooks/` with a Python kernel where
`requirements.txt` is installed.

## How it works

- Work through the notebooks in order, `00_start_here` first, and run each one from top to bottom.
- An exercise is an answer cell, where you replace `# YOUR CODE HERE` / `raise NotImplementedError()`
  with your code, and a check cell right below it, `check("exercise_id", your_answer)`, which runs public
  tests and gives hints. The check is advisory: grades come only from the autograder, which runs hidden
  tests too and reads your *saved* notebooks. Do not delete, copy or move exercise cells: the autograder
  finds them by their metadata.
{library}
- **Skip lines.** A cell that needs an answer you have not written yet does not stop the notebook: it
  prints one line, ``(skipped: this cell needs your answer to exercise `id` (its notebook, the name to
  define): why; what to do)``, and the cells after it still run. It is not an error: solve that exercise,
  run its check cell, then run the skipped cell again.
- **Data.** Everything runs offline. The data ship inside course_lib, in `course_lib/_datasets/` (the 8×8
  handwritten digits: 1,797 images, the copy scikit-learn distributes); the small 2-D data sets are drawn by
  course_lib's functions from a fixed seed. Nothing is downloaded.

## Handing in

Save your notebooks, then hand in the `.ipynb` files in `notebooks/` as your instructor tells you.
"""


LIBRARY_KIND = {
    "graded": "; no solution of any exercise",
    "open": ", and a reference implementation of every loss, gradient and update rule the exercises ask for",
}

LIBRARY_TEXT = {
    "graded": """- **Your own code drives the later notebooks.** `course_lib` holds no solution: its losses,
  gradients and update rules, the demos and the capstone run *your* answers (`cl.svm_loss` is your hinge
  loss from notebook 03; `cl.mine("svm_vectorized")` is your function itself). An answer counts as soon as
  its check cell shows ✓, saved or not: the check keeps a copy in `notebooks/.answers/`, and the saved
  notebook is the fallback. Each graded answer must still stand on its own: it may not call another
  exercise's answer through `course_lib` (the autograder grades each notebook separately).""",
    "open": """- **course_lib is the open reference library** (self-study): its losses, gradients and update rules are
  reference implementations you can read, compare with and use in experiments, and later notebooks use
  them. An exercise answer that merely calls its reference implementation gets no credit. The few later
  cells that need one of your answers that the library does not implement use it as soon as its check
  cell shows ✓, saved or not (the check keeps a copy in `notebooks/.answers/`).""",
}


def student_readme(mode: str) -> str:
    """The release's README for ``mode`` ("graded" or "open")."""
    mode = _check_mode(mode)
    return STUDENT_README.replace("{library_kind}", LIBRARY_KIND[mode]).replace("{library}", LIBRARY_TEXT[mode])


def release(out_dir, force: bool = False, *, mode: str = "graded", root: Path = ROOT) -> ReleaseReport:
    """Write the student release into ``out_dir`` (created if needed).

    Parameters
    ----------
    out_dir : str or Path
        Target folder. Files already there with different content are left alone and
        reported in ``kept`` (or, with ``force``, moved to ``.release-backups/`` first).
    force : bool
    mode : {"graded", "open"}
        See the module docstring.
    root : Path
        The source repository (the one holding ``notebooks/`` and ``course_lib/``).

    Returns
    -------
    ReleaseReport
    """
    _check_mode(mode)
    out = check_folder(out_dir, "--out")
    source = Path(root).resolve()
    if out == source or out in source.parents:
        raise ValueError(f"--out: must not be the source repository or a folder above it, got {out}")
    if source in out.parents and out.relative_to(source).parts[0] in ("course_lib", "notebooks", "tests"):
        raise ValueError(f"--out: must not be inside the source's own course_lib/, notebooks/ or tests/, got {out}")
    report = ReleaseReport(out)
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    files = [*_notebook_files(source), *package_files(mode, root=source), *_asset_files(source),
             ("README.md", student_readme(mode).encode()),
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
    parser.add_argument("--open", action="store_true",
                        help="self-study release: ship the full reference library (default: graded, no "
                             "implementation of any exercise; later notebooks use the student's own answers)")
    parser.add_argument("--force", action="store_true",
                        help="replace files that differ from the release, keeping a backup of each in "
                             f"{BACKUPS}/")


def run(args) -> int:
    report = release(args.out, force=args.force, mode="open" if args.open else "graded")
    print(report.summary())
    return 0
