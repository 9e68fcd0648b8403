"""Every file the app writes goes through here: a temporary name in the same folder, flushed and synced
to disk, then renamed onto the final name with ``os.replace`` (atomic on one file system).

So a kill, a power cut or a full disk never leaves a half-written file under the final name: the reader
finds either the old file (or none) or the complete new one. The temporary is removed on any error.

``atomic_write(path)`` yields an open binary (or text) file; ``atomic_path(path)`` yields the temporary's
path for writers that want a file name (openpyxl, python-docx, QPdfWriter, SQLite's backup API).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .errors import CchcError

KILL_ENV = "CCHC_TEST_KILL_AT"  # tests: the process SIGKILLs itself at the crash point of this name


class FileWriteError(CchcError):
    """A file could not be written; the old file (if any) is untouched."""


_crash_hits: dict[str, int] = {}


def crash_point(name: str) -> None:
    """A deterministic place for the kill tests: ``CCHC_TEST_KILL_AT=name`` (or ``name:k``, the k-th time
    the process passes it) makes the process SIGKILL itself there; does nothing otherwise."""
    wanted = os.environ.get(KILL_ENV)
    if not wanted:
        return
    target, _, count = wanted.partition(":")
    if target != name:
        return
    _crash_hits[name] = hits = _crash_hits.get(name, 0) + 1
    if hits == (int(count) if count.isdigit() else 1):
        sys.stdout.flush()
        sys.stderr.flush()
        kill = getattr(signal, "SIGKILL", None)
        if kill is None:  # pragma: no cover - Windows
            os._exit(137)
        os.kill(os.getpid(), kill)


def write_error_message(path: Path, exc: OSError) -> str:
    """One Vietnamese sentence for an OSError while writing ``path``."""
    if exc.errno == errno.ENOSPC or getattr(exc, "winerror", None) == 112:
        return f"Không ghi được tệp “{path.name}”: ổ đĩa đã đầy. Tệp cũ (nếu có) vẫn được giữ nguyên."
    if exc.errno in (errno.EACCES, errno.EPERM) or isinstance(exc, PermissionError):
        return (
            f"Không ghi được tệp “{path.name}”: tệp đang được mở trong chương trình khác (ví dụ Word) "
            "hoặc thư mục không cho phép ghi; hãy đóng tệp hoặc chọn thư mục khác rồi thử lại."
        )
    if exc.errno == errno.EROFS:
        return f"Không ghi được tệp “{path.name}”: ổ đĩa chỉ cho phép đọc."
    if exc.errno == errno.ENOENT:
        return f"Không ghi được tệp “{path.name}”: thư mục “{path.parent}” không còn tồn tại."
    return f"Không ghi được tệp “{path.name}”: {exc.strerror or exc}."


def temp_name(path: Path) -> Path:
    """A hidden name beside ``path`` that no other writer uses (never collides)."""
    return path.with_name(f".{path.stem}-{secrets.token_hex(4)}{path.suffix}.tmp")


def fsync_file(path: Path) -> None:
    """Push a written file's contents to the disk."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX; Windows has no directory handles to sync and needs none)."""
    if sys.platform == "win32":  # pragma: no cover
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def commit_temp(tmp: Path, path: Path) -> None:
    """fsync ``tmp`` and rename it onto ``path`` (the one step that makes the new file visible)."""
    fsync_file(tmp)
    crash_point("before-replace")
    os.replace(tmp, path)
    fsync_dir(path.parent)


@contextlib.contextmanager
def atomic_path(path: Path | str, *, error: type[CchcError] = FileWriteError) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; the caller writes the complete file there. On success it is
    synced and replaces ``path``; on any error it is removed and ``path`` is left as it was."""
    path = Path(path)
    tmp = temp_name(path)
    try:
        # Created with open() rather than mkstemp so the file gets the user's usual permissions.
        with open(tmp, "xb"):
            pass
    except OSError as exc:
        raise error(write_error_message(path, exc)) from exc
    try:
        yield tmp
        commit_temp(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise error(write_error_message(path, exc)) from exc
    except BaseException:
        _remove(tmp)
        raise


@contextlib.contextmanager
def atomic_write(
    path: Path | str,
    mode: str = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
    error: type[CchcError] = FileWriteError,
) -> Iterator[IO[Any]]:
    """Yield an open file to write ``path``'s new content; flushed, synced and renamed on success."""
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write writes whole files: mode 'w' or 'wb', not {mode!r}")
    if mode == "w" and encoding is None:
        encoding = "utf-8"
    with atomic_path(path, error=error) as tmp:
        with open(tmp, mode, encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def atomic_write_text(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    with atomic_write(path, "w", encoding=encoding) as fh:
        fh.write(text)
    return Path(path)


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)
