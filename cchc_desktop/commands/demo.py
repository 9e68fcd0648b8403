"""``cchc-desktop demo``: build the deterministic demo database (SPEC §10)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.db import demo_database_path, open_database, resolve_location
from ..core.errors import CchcError


class RefusedError(CchcError):
    exit_code = 2


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help="tạo cơ sở dữ liệu mẫu (Sở Y tế Khánh Hòa 2024)")
    p.add_argument("--force", action="store_true", help="xóa dữ liệu đang có và tạo lại")
    p.set_defaults(func=run)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            candidate.unlink()


def run(args: argparse.Namespace) -> int:
    from ..core.demo import build_demo, database_is_empty, wipe_all

    location = getattr(args, "db", None) or demo_database_path()
    _url, path = resolve_location(location)
    if path is not None and not path.parent.exists() and location == demo_database_path():
        path.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(location)
    try:
        with db.session() as session:
            empty = database_is_empty(session)
        if not empty:
            if not args.force:
                raise RefusedError(
                    f"Cơ sở dữ liệu {db.display_name} đã có dữ liệu; không ghi đè. "
                    "Dùng --force nếu muốn xóa và tạo lại dữ liệu mẫu."
                )
            if path is not None:
                db.close()
                _remove_sqlite(path)
                db = open_database(location)
            else:
                with db.transaction() as session:
                    wipe_all(session)
        summary = build_demo(db)
    finally:
        db.close()
    print(f"Đã tạo dữ liệu mẫu trong {db.display_name}: {summary}")
    return 0
