"""Submissions found, then each read once, safely, at collection: the batch grades what was read.

:func:`collect` finds the files; :func:`read_once` reads one: opened with ``O_NOFOLLOW |
O_NONBLOCK`` (a symbolic link is not followed, a FIFO does not block the open), checked on the
open descriptor (a regular file, its size at most :data:`notebook.MAX_BYTES`: no FIFO, device,
socket or folder), read to its end. :class:`Intake` holds what was read: in memory up to
:data:`MEMORY_BUDGET` bytes for the whole batch, beyond that in a private spool folder this run
made (``mkdtemp``, 0700, verified on its descriptor; files ``O_EXCL``, read back by the digest
taken at collection). A file replaced, changed or swapped for a FIFO after collection changes
nothing: it is graded as read.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from course_lib.grading.autograde import confine
from course_lib.grading.exercises import notebook as notebook_io
from course_lib.grading.statuses import SubmissionStatus

MEMORY_BUDGET = 128 * 1024 * 1024  # bytes of submissions held in memory per batch; the rest is spooled
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


# --- finding ------------------------------------------------------------------------------------------------

def _walk(folder: Path, skip: Path) -> list:
    """``*.ipynb`` entries below ``folder`` that are not folders (symbolic links to folders are not entered)."""
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d != ".ipynb_checkpoints" and Path(top, d).resolve() != skip)
        found += [Path(top, name) for name in files if name.endswith(".ipynb")]
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def collect(paths: list, out_dir: Path) -> list[tuple[str, str, Path]]:
    """``(name, file, path)`` of every submission: files as given, ``*.ipynb`` found under folders.

    ``file`` is the path below the folder given (or the file's name); ``name`` is it with ``/``
    as ``__``, without ``.ipynb``, other characters than letters, digits, ``.``, ``_`` and ``-``
    replaced, made unique. The output folder and checkpoints are skipped; a FIFO, a link or
    another odd entry named ``*.ipynb`` is listed (and gets a status when read), never dropped.
    """
    found = []
    skip = Path(out_dir).resolve()
    for given in paths:
        given = Path(given)
        if given.is_dir() and not given.is_symlink():
            found += [("/".join(path.relative_to(given).parts), path) for path in _walk(given, skip)]
        else:
            found.append((given.name, given))
    names, out = set(), []
    for raw, path in found:
        stem = (raw[:-6] if raw.endswith(".ipynb") else raw).replace("/", "__")
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", stem)
        base = base.lstrip("-.") or "submission"
        name, k = base, 1
        while name in names:
            k += 1
            name = f"{base}-{k}"
        names.add(name)
        out.append((name, raw, path))
    return out


# --- reading ------------------------------------------------------------------------------------------------

def read_once(path) -> tuple[bytes | None, SubmissionStatus | None, str]:
    """``(bytes, None, "")``, or ``(None, status, why)`` for a file that is not read.

    Never blocks on a FIFO and never follows a symbolic link; the type and size are those of the
    descriptor that is read, so a name swapped between the check and the read cannot pass.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if os.path.islink(path):
            return None, SubmissionStatus.UNREADABLE, "a symbolic link (not followed)"
        return None, SubmissionStatus.UNREADABLE, f"{type(exc).__name__}: {exc.strerror or exc}"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
            return None, SubmissionStatus.UNREADABLE, f"{kind}, not a regular file (not read)"
        limit = notebook_io.MAX_BYTES
        if st.st_size > limit:
            return None, SubmissionStatus.TOO_LARGE, f"{st.st_size:,} bytes (at most {limit:,})"
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while being read
            return None, SubmissionStatus.TOO_LARGE, f"more than {limit:,} bytes"
        return b"".join(chunks), None, ""
    except OSError as exc:
        return None, SubmissionStatus.UNREADABLE, f"{type(exc).__name__}: {exc.strerror or exc}"
    finally:
        os.close(fd)


@dataclass
class Submission:
    """One submission as read at collection.

    Attributes
    ----------
    name, file : str
        As :func:`collect` names them.
    status : SubmissionStatus or None
        Why it was not read (None: it was).
    problem : str
        The detail of ``status``.
    digest : str
        SHA-256 of the bytes read ("" when not read).
    size : int
        Bytes read.
    """

    name: str
    file: str
    status: SubmissionStatus | None = None
    problem: str = ""
    digest: str = ""
    size: int = 0
    _held: bytes | None = None
    _spooled: str | None = None


class Intake:
    """The submissions of one batch, each read once at construction; :meth:`data` gives the bytes read.

    Parameters
    ----------
    found : list of (str, str, Path)
        :func:`collect`'s rows.
    memory_budget : int
        Bytes held in memory; later files go to the private spool folder.
    """

    def __init__(self, found: list, memory_budget: int = MEMORY_BUDGET):
        self.spool = None
        self.submissions = []
        held = 0
        try:
            for name, file, path in found:
                data, status, problem = read_once(path)
                entry = Submission(name, file, status, problem)
                if data is not None:
                    entry.digest, entry.size = hashlib.sha256(data).hexdigest(), len(data)
                    if held + len(data) <= memory_budget:
                        entry._held, held = data, held + len(data)
                    else:
                        entry._spooled = self._spool(entry.digest, data)
                self.submissions.append(entry)
        except BaseException:
            self.close()
            raise

    def _spool(self, digest: str, data: bytes) -> str:
        if self.spool is None:
            self.spool = confine.scratch_folder(None, prefix="course_lib_spool_")
        name = f"{len(os.listdir(self.spool))}_{digest[:16]}"
        fd = os.open(os.path.join(self.spool, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                     | os.O_CLOEXEC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        return name

    def data(self, entry: Submission) -> bytes | None:
        """The bytes read at collection (None if it was not read); a spooled copy is checked by its digest."""
        if entry.status is not None:
            return None
        if entry._held is not None:
            return entry._held
        fd = os.open(os.path.join(self.spool, entry._spooled), os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(entry.size + 1)
        if hashlib.sha256(data).hexdigest() != entry.digest:
            raise OSError(f"the spooled copy of {entry.file} changed since it was read")
        return data

    def close(self) -> None:
        """Remove the spool folder."""
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)
            self.spool = None
