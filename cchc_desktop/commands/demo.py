"""``cchc-desktop demo [--force [--confirm-delete]]``: build the deterministic demo database (SPEC §10).

``--force`` never destroys first. On SQLite the current file is backed up into the data folder, the demo
is built into a new file beside it, and that file is copied in with SQLite's backup API as one write
transaction (a kill or a full disk at any moment leaves the old data or the complete demo, never less).
On PostgreSQL the wipe and the build are one transaction, and a database holding anything but demo
data is replaced only with ``--confirm-delete``.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
from pathlib import Path

from ..core.backup import backup_before, copy_database
from ..core.db import Database, demo_database_path, open_database, resolve_location
from ..core.errors import CchcError
from ..core.files import crash_point, temp_name


class RefusedError(CchcError):
    exit_code = 2


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help="tạo cơ sở dữ liệu mẫu (Sở Y tế Khánh Hòa 2024)")
    p.add_argument(
        "--force", action="store_true", help="thay dữ liệu đang có bằng dữ liệu mẫu (dữ liệu cũ được sao lưu trước)"
    )
    p.add_argument(
        "--confirm-delete",
        action="store_true",
        help="xác nhận xóa dữ liệu thật trên máy chủ PostgreSQL khi dùng --force",
    )
    p.set_defaults(func=run)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink(missing_ok=True)


def _rebuild_sqlite(db: Database, path: Path) -> str:
    """Back the old file up, build the demo beside it, then copy it in as one transaction."""
    from ..core.demo import build_demo

    backup_before(db, "demo")
    db.close()
    crash_point("demo-after-backup")
    fresh = temp_name(path)  # beside the database: same disk, and no other program opens it
    try:
        new = open_database(fresh)
        try:
            summary = build_demo(new)
        finally:
            new.close()
        crash_point("demo-built")
        copy_database(fresh, path, step="demo-copy-step")
        crash_point("demo-copied")
    except OSError as exc:
        from ..core.files import write_error_message

        raise CchcError(write_error_message(fresh, exc) + " Dữ liệu trước đó vẫn được giữ nguyên.") from exc
    except sqlite3.Error as exc:  # the copy in: locked by another program past the timeout, disk full …
        text = str(exc).lower()
        reason = (
            "cơ sở dữ liệu đang được một chương trình khác ghi; hãy đóng chương trình đó rồi thử lại"
            if "locked" in text or "busy" in text
            else ("ổ đĩa đã đầy" if "full" in text else str(exc))
        )
        raise CchcError(f"Không thay được dữ liệu mẫu: {reason}. Dữ liệu trước đó vẫn được giữ nguyên.") from exc
    finally:
        _remove_sqlite(fresh)
    return summary


def _rebuild_server(db: Database, confirmed: bool) -> str:
    from ..core.demo import build_demo, holds_only_demo_data

    with db.session() as session:
        only_demo = holds_only_demo_data(session)
    if not only_demo and not confirmed:
        raise RefusedError(
            f"Cơ sở dữ liệu dùng chung {db.display_name} có dữ liệu không phải dữ liệu mẫu; không xóa. "
            "Nếu thật sự muốn thay toàn bộ bằng dữ liệu mẫu, hãy sao lưu máy chủ (pg_dump) rồi chạy lại với "
            "--force --confirm-delete."
        )
    return build_demo(db, wipe=True)  # the wipe and the build in one transaction


def run(args: argparse.Namespace) -> int:
    from ..core.demo import build_demo, database_is_empty

    location = getattr(args, "db", None) or demo_database_path()
    _url, path = resolve_location(location)
    if path is not None and not path.parent.exists() and location == demo_database_path():
        path.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(location)
    try:
        with db.session() as session:
            empty = database_is_empty(session)
        if empty:
            summary = build_demo(db)
        elif not args.force:
            raise RefusedError(
                f"Cơ sở dữ liệu {db.display_name} đã có dữ liệu; không ghi đè. "
                "Dùng --force nếu muốn thay bằng dữ liệu mẫu (dữ liệu cũ được sao lưu trước)."
            )
        elif path is not None:
            summary = _rebuild_sqlite(db, path)
        else:
            summary = _rebuild_server(db, args.confirm_delete)
    finally:
        db.close()
    print(f"Đã tạo dữ liệu mẫu trong {db.display_name}: {summary}")
    return 0
