"""``cchc-desktop backup [--out F] [--list]``: a consistent copy of the SQLite database (online backup API),
by default into ``backups/`` of the data folder (rotated, see ``core.backup``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.backup import BackupError, list_backups, write_backup_to
from ..core.backup import backup_file as _backup_file
from ..core.db import open_database
from ..core.errors import CchcError
from ..core.formatting import format_count


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("backup", parents=[common], help="sao lưu cơ sở dữ liệu ra một tệp")
    p.add_argument("--out", metavar="TỆP", help="tệp sao lưu (mặc định: thư mục backups trong thư mục dữ liệu)")
    p.add_argument("--list", action="store_true", help="liệt kê các bản sao lưu trong thư mục dữ liệu")
    p.set_defaults(func=run)


def backup_database(source: Path, out: Path) -> Path:
    """Write ``out`` atomically (temp file, fsync, then a rename that never overwrites)."""
    return write_backup_to(Path(source), Path(out))


def print_backups() -> int:
    backups = list_backups()
    if not backups:
        print("Chưa có bản sao lưu nào trong thư mục dữ liệu.")
        return 0
    for b in backups:
        size = format_count(max(1, round(b.size / 1024)))
        print(f"{b.created:%d/%m/%Y %H:%M:%S}  {size:>10} KB  {b.reason_label:<32} {b.path}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.list:
        return print_backups()
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        if db.path is None:
            raise CchcError(
                "Cơ sở dữ liệu dùng chung trên máy chủ PostgreSQL được sao lưu tại máy chủ (pg_dump); "
                "lệnh này chỉ sao lưu tệp SQLite."
            )
        path = db.path
    finally:
        db.close()
    if args.out:
        out = backup_database(path, Path(args.out).expanduser())
    else:
        made = _backup_file(path, "manual")
        if made is None:
            raise BackupError(f"Cơ sở dữ liệu {path} còn trống; không có gì để sao lưu.")
        out = made
    print(f"Đã sao lưu vào {out}")
    return 0
