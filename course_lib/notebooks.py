"""Regenerate the stored outputs of the workbook's notebooks (a maintainer command).

``python -m course_lib execute [NOTEBOOK ...]`` runs each notebook top to bottom in a
fresh kernel of this environment, in the notebook's own folder, and stores the outputs
(and widget state) in place, so that nbval can compare them in CI. Only volatile
metadata is left out: execution timings. A notebook that raises is not written.
"""

from __future__ import annotations

import sys
from pathlib import Path

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def execute_notebook(path: Path, timeout: int = 300) -> None:
    """Execute ``path`` in place, keeping outputs and widget state, dropping timings."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
        record_timing=False, store_widget_state=True,
    )
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata.get("language_info", {}).pop("version", None)
    nbformat.validate(nb)
    tmp = path.with_suffix(".ipynb.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(path)


def add_arguments(parser) -> None:
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to execute (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")


def run(args) -> int:
    paths = args.notebooks or sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
    failed = 0
    for path in paths:
        try:
            execute_notebook(Path(path), timeout=args.timeout)
            print(f"executed {path}")
        except Exception as exc:  # report and go on with the next notebook
            failed += 1
            print(f"FAILED {path}: {type(exc).__name__}: {str(exc).splitlines()[-1] if str(exc) else ''}",
                  file=sys.stderr)
    return 1 if failed else 0
