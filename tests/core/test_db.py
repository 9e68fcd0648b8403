"""Opening the database in the user's environment: network shares, locks, full disks."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from cchc_desktop.core import db as dbmod
from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.errors import DatabaseError

MOUNTS = [
    "/dev/vda1 / ext4 rw 0 0",
    "//server/share /mnt/office cifs rw 0 0",
    "server:/export /srv/nfs nfs4 rw 0 0",
]


@pytest.mark.parametrize(
    ("path", "network"),
    [("/home/user/cchc.db", False), ("/mnt/office/cchc.db", True), ("/srv/nfs/a/b.db", True),
     ("/mnt/officex/cchc.db", False)],
)
def test_network_mounts_are_recognised(path, network) -> None:
    assert dbmod._on_network_mount(path, MOUNTS) is network


def test_database_on_a_share_uses_delete_journal(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(dbmod, "_mount_table", lambda: [f"//server/share {tmp_path} cifs rw 0 0"])
    database = dbmod.open_database(tmp_path / "shared.db")
    try:
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
    finally:
        database.close()


def test_locked_database_gives_a_kind_message_and_keeps_data(tmp_path) -> None:
    path = tmp_path / "locked.db"
    database = dbmod.open_database(path, busy_timeout_ms=50)
    with database.transaction() as s:
        services.create(s, m.Unit, {"name": "Sở Y tế"})
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="đang được một chương trình khác sử dụng"):
            with database.transaction() as s:
                services.create(s, m.Unit, {"name": "Chi cục An toàn vệ sinh thực phẩm"})
    finally:
        other.execute("ROLLBACK")
        other.close()
    with database.session() as s:
        assert s.scalars(select(m.Unit.name)).all() == ["Sở Y tế"]
        assert s.scalar(select(func.count()).select_from(m.Unit)) == 1
    database.close()


def test_default_location_is_the_user_data_folder(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path))
    url, path = dbmod.resolve_location(None)
    assert path == tmp_path / "cchc.db" and url.startswith("sqlite:///")


def test_urls_and_paths_are_told_apart() -> None:
    assert dbmod.resolve_location("postgresql+psycopg://u@h/db")[1] is None
    assert dbmod.resolve_location("C:\\Users\\a\\cchc.db")[0].startswith("sqlite:///")
