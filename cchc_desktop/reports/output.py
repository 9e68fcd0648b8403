"""Writing an output file safely: to a temporary file in the same folder, then ``os.replace``.

A locked, read-only or missing target gives one clear Vietnamese sentence (``OutputError``) and never
leaves a partial file behind: the old file, if any, stays as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from ..core.errors import CchcError


class OutputError(CchcError):
    """An output file could not be written."""


def check_writable(path: Path) -> None:
    """Refuse early what cannot succeed: a missing folder, a folder given as the file, a read-only file."""
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"Thư mục “{folder}” không tồn tại; hãy chọn một thư mục có sẵn để lưu tệp.")
    if path.is_dir():
        raise OutputError(f"“{path}” là một thư mục, không phải tệp; hãy nhập tên tệp cần lưu.")
    if path.exists():
        mode = path.stat().st_mode
        # The permission bit, not os.access: an administrator may write anywhere, but a file the
        # user marked read-only is meant to stay as it is.
        if not mode & stat.S_IWUSR or not os.access(path, os.W_OK):
            raise OutputError(
                f"Tệp “{path.name}” đang ở chế độ chỉ đọc; hãy bỏ thuộc tính chỉ đọc hoặc lưu với tên khác."
            )


def _message(path: Path, exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM) or isinstance(exc, PermissionError):
        return (
            f"Không ghi được tệp “{path.name}”: tệp đang được mở trong chương trình khác (ví dụ Word) "
            "hoặc thư mục không cho phép ghi; hãy đóng tệp hoặc chọn thư mục khác rồi thử lại."
        )
    if exc.errno == errno.ENOSPC:
        return f"Không ghi được tệp “{path.name}”: ổ đĩa đã đầy."
    if exc.errno == errno.ENOENT:
        return f"Không ghi được tệp “{path.name}”: thư mục “{path.parent}” không còn tồn tại."
    return f"Không ghi được tệp “{path.name}”: {exc.strerror or exc}."


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on any error it is
    removed and ``path`` is left untouched."""
    path = Path(path)
    check_writable(path)
    # Created with open() rather than mkstemp so the file gets the user's usual permissions.
    tmp = path.with_name(f".{path.stem}-{secrets.token_hex(4)}{path.suffix}.tmp")
    try:
        with open(tmp, "xb"):
            pass
    except OSError as exc:
        raise OutputError(_message(path, exc)) from exc
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(_message(path, exc)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` then move the result onto ``path``."""
    with staged(path) as tmp:
        write(tmp)
    return Path(path)


def write_all_atomically(jobs: list[tuple[Path, Callable[[Path], None]]]) -> list[Path]:
    """Several files as one: every file is written to its temporary first, and only when all
    succeeded are they moved into place (a failed PDF leaves no new .docx either)."""
    for path, _write in jobs:
        check_writable(Path(path))
    with contextlib.ExitStack() as stack:
        for path, write in jobs:
            tmp = stack.enter_context(staged(Path(path)))
            write(tmp)
    return [Path(p) for p, _ in jobs]
