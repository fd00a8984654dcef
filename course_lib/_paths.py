"""Paths the command line is given: one check, one message, for every command."""

from __future__ import annotations

from pathlib import Path


def check_folder(path, what: str) -> Path:
    """``path`` resolved, or ``ValueError`` naming ``what`` when it cannot be a folder (it is a file, or under one).

    Parameters
    ----------
    path : str or Path
    what : str
        How the user gave it (``"--out"``, ``"GRADES_DIR"``), for the message.
    """
    path = Path(path).expanduser().resolve()
    for candidate in (path, *path.parents):
        if candidate.exists():
            if not candidate.is_dir():
                where = "is a file" if candidate == path else f"is under the file {candidate}"
                raise ValueError(f"{what}: expected a folder, but {path} {where}")
            break
    return path
