"""Writing an output file safely: to a temporary file in the same folder, then ``os.replace``.

A locked, read-only or missing target gives one clear Vietnamese sentence (``OutputError``) and never
leaves a partial file behind: the old file, if any, stays as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from ..core.errors import CchcError
from ..core.files import atomic_path


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


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is synced and replaces ``path``, on any
    error it is removed and ``path`` is left untouched (``core.files.atomic_path``)."""
    path = Path(path)
    check_writable(path)
    with atomic_path(path, error=OutputError) as tmp:
        yield tmp


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
