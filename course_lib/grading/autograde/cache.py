"""The batch's cache of finished results, in ``OUT/.cache``: trusted only if this grader wrote it.

The folder must be the grader's own and private (owner, mode 0700, a real folder: checked on the
descriptor that every later access goes through, so a folder swapped in by name is never used).
Each entry is named by the SHA-256 of the submission and the grader's version and signed (HMAC) with
a secret kept in the folder (``secret``, 0600, checked likewise); an entry that is not a regular file,
is too large, or whose signature does not match is ignored and the submission regraded.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat

from course_lib.grading.judging.results import SubmissionResult

MAX_ENTRY = 4 * 1024 * 1024  # bytes of one entry; a larger file is not read
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class CacheError(ValueError):
    """The cache folder is not this grader's private folder (the message says what to do)."""


def _read_small(name: str, dir_fd: int, limit: int, private: bool = False) -> bytes | None:
    """A regular file's bytes (at most ``limit``) through ``dir_fd``, or None; ``private``: owned by us, 0600."""
    try:
        fd = os.open(name, _OPEN_FILE, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        if private and (st.st_uid != os.geteuid() or stat.S_IMODE(st.st_mode) & 0o077):
            return None
        return os.read(fd, limit + 1)[:limit]
    finally:
        os.close(fd)


def _write_atomically(name: str, data: bytes, dir_fd: int) -> None:
    temporary = f".tmp_{secrets.token_hex(8)}_{name}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dir_fd)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        try:
            os.unlink(temporary, dir_fd=dir_fd)
        except OSError:
            pass
        raise


class ResultCache:
    """Signed results in ``folder`` (made 0700 if absent); :class:`CacheError` if it is not ours and private.

    Parameters
    ----------
    folder : str or Path
        ``OUT/.cache``.
    version : str
        The grader's version (:func:`batch.grader_version`): part of every key.
    """

    def __init__(self, folder, version: str):
        self.version = version
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        try:
            self.fd = os.open(folder, _OPEN_DIR)
        except OSError as exc:
            raise CacheError(f"--out: {folder} is not a folder this grader can use ({exc.strerror or exc})") from None
        st = os.fstat(self.fd)
        if st.st_uid != os.geteuid() or stat.S_IMODE(st.st_mode) & 0o077:
            os.close(self.fd)
            raise CacheError(f"--out: {folder} belongs to uid {st.st_uid} with mode {stat.filemode(st.st_mode)}; "
                             f"the cache must be private to this grader (uid {os.geteuid()}, 0700): remove it")
        self.key = self._secret()

    def _secret(self) -> bytes:
        text = _read_small("secret", self.fd, 256, private=True)
        try:
            key = bytes.fromhex(text.decode("ascii").strip()) if text else b""
        except (UnicodeDecodeError, ValueError):
            key = b""
        if len(key) < 32:
            key = secrets.token_bytes(32)
            _write_atomically("secret", key.hex().encode(), self.fd)
        return key

    def digest(self, data: bytes) -> str:
        """The entry name of a submission's bytes."""
        return hashlib.sha256(data + self.version.encode()).hexdigest()

    def _mac(self, digest: str, body: str) -> str:
        return hmac.new(self.key, (digest + body).encode(), "sha256").hexdigest()

    def get(self, digest: str) -> SubmissionResult | None:
        """The signed result stored under ``digest``, or None (absent, damaged, forged, too large)."""
        raw = _read_small(f"{digest}.json", self.fd, MAX_ENTRY)
        if raw is None:
            return None
        try:
            entry = json.loads(raw)
            body = json.dumps(entry["result"], sort_keys=True)
            if hmac.compare_digest(entry["mac"], self._mac(digest, body)):
                return SubmissionResult.from_json(entry["result"])
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            pass
        return None

    def put(self, digest: str, result: SubmissionResult) -> None:
        """Store ``result`` signed (an entry that cannot be written only costs a regrade next time)."""
        body = json.dumps(result.to_json(), sort_keys=True)
        text = json.dumps({"mac": self._mac(digest, body), "result": json.loads(body)})
        try:
            _write_atomically(f"{digest}.json", text.encode(), self.fd)
        except OSError:
            pass

    def close(self) -> None:
        os.close(self.fd)
