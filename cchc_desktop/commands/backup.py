"""``cchc-desktop backup``: a consistent copy of the SQLite database (online backup API)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from ..core.db import data_dir, open_database, sqlite_backup
from ..core.errors import CchcError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("backup", parents=[common], help="sao lưu cơ sở dữ liệu ra một tệp")
    p.add_argument("--out", metavar="TỆP", help="tệp sao lưu (mặc định: thư mục backups trong thư mục dữ liệu)")
    p.set_defaults(func=run)


def default_backup_path() -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return data_dir() / "backups" / f"cchc-{stamp}.db"


def backup_database(source: Path, out: Path) -> Path:
    """Write ``out`` atomically (temp file then rename); refuses to overwrite anything."""
    if out.exists():
        raise CchcError(f"Tệp {out} đã tồn tại; hãy chọn tên khác để không ghi đè.")
    if not out.parent.is_dir():
        raise CchcError(f"Thư mục {out.parent} không tồn tại.")
    tmp = out.with_name(out.name + ".tmp")
    try:
        sqlite_backup(source, tmp)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CchcError(f"Không ghi được tệp sao lưu {out}: {exc.strerror or exc}.") from exc
    except Exception:
        tmp.unlink(missing_ok=True)
        raise
    return out


def run(args: argparse.Namespace) -> int:
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        if db.path is None:
            raise CchcError(
                "Cơ sở dữ liệu dùng chung trên máy chủ PostgreSQL được sao lưu tại máy chủ (pg_dump); "
                "lệnh này chỉ sao lưu tệp SQLite."
            )
        out = Path(args.out).expanduser() if args.out else default_backup_path()
        if not args.out:
            out.parent.mkdir(parents=True, exist_ok=True)
        if out.resolve() == db.path.resolve():
            raise CchcError("Tệp sao lưu không được trùng với cơ sở dữ liệu đang dùng.")
        backup_database(db.path, out)
    finally:
        db.close()
    print(f"Đã sao lưu vào {out}")
    return 0
