"""``cchc-desktop restore FILE``: replace the database by a backup — checked to be a database of this app
and not from a newer version; the current state is backed up first; the copy is one transaction."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.backup import check_backup_file, restore_backup
from ..core.db import open_database, resolve_location
from ..core.errors import CchcError
from .backup import print_backups


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "restore", parents=[common], help="khôi phục cơ sở dữ liệu từ một bản sao lưu (sao lưu hiện trạng trước)"
    )
    p.add_argument("file", nargs="?", metavar="TỆP", help="bản sao lưu (.db); bỏ trống cùng --list để xem danh sách")
    p.add_argument("--list", action="store_true", help="liệt kê các bản sao lưu trong thư mục dữ liệu")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.list or not args.file:
        if not args.list:
            raise CchcError("Hãy cho biết tệp sao lưu cần khôi phục (xem danh sách: cchc-desktop restore --list).")
        return print_backups()
    source = Path(args.file).expanduser()
    location = getattr(args, "db", None)
    _url, target = resolve_location(location)
    if target is None:
        raise CchcError(
            "Cơ sở dữ liệu dùng chung trên máy chủ PostgreSQL được khôi phục tại máy chủ (pg_restore); "
            "lệnh này chỉ khôi phục tệp SQLite."
        )
    check_backup_file(source)  # a foreign, broken or newer file is refused before anything is opened
    if target.exists() and target.stat().st_size > 0:
        # A healthy, known database only (a foreign or newer file is refused, untouched).
        open_database(target, create=False, upgrade=False).close()
    before = restore_backup(source, target)
    print(f"Đã khôi phục {target} từ {source}.")
    if before is not None:
        print(f"Dữ liệu trước khi khôi phục được lưu tại {before}")
    return 0
