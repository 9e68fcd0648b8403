"""Automatic backups, rotation and restore (issue 12 item 3)."""

from __future__ import annotations

import datetime as dt
import errno
import shutil
import sqlite3
from pathlib import Path

import pytest

from cchc_desktop.cli import main
from cchc_desktop.core import backup, files
from cchc_desktop.core.backup import (
    BackupError,
    BackupInfo,
    backup_before,
    backups_dir,
    backups_to_keep,
    list_backups,
    restore_backup,
    write_backup,
)
from cchc_desktop.core.db import Database, open_database


def _count(path: Path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def _delete_dossiers(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("DELETE FROM dossier_event")
        con.execute("DELETE FROM dossier")
        con.commit()
    finally:
        con.close()


def test_backups_in_one_second_never_collide(db: Database) -> None:
    now = dt.datetime(2024, 12, 20, 8, 30, 0)
    folder = backups_dir()
    first = write_backup(db.path, folder, "import", now=now)
    second = write_backup(db.path, folder, "import", now=now)
    assert first.name == "test-20241220-083000-truoc-nhap.db"
    assert second.name == "test-20241220-083000-truoc-nhap-2.db"
    assert [b.reason_label for b in list_backups()] == ["Trước khi nhập dữ liệu"] * 2
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_rotation_keeps_recent_daily_weekly_monthly() -> None:
    start = dt.datetime(2023, 1, 1, 9, 0)
    days = [start + dt.timedelta(days=i) for i in range(500)]
    infos = [BackupInfo(Path(f"cchc-{t:%Y%m%d-%H%M%S}-hang-ngay.db"), t, "hang-ngay", 1, "cchc") for t in days]
    kept = sorted(b.created for b in infos if b.path in backups_to_keep(infos))
    newest = days[-1]
    assert days[-10:] == kept[-10:]  # the 10 most recent
    months = {(t.year, t.month) for t in kept}
    expected_months = {((newest.year * 12 + newest.month - 1 - k) // 12, (newest.month - 1 - k) % 12 + 1) for k in range(12)}
    assert expected_months <= months
    assert min(kept) >= newest - dt.timedelta(days=366)  # nothing older than the 12 months
    assert len(kept) <= 10 + 4 + 12


def test_rotate_deletes_only_what_rotation_drops(db: Database) -> None:
    folder = backups_dir()
    for i in range(25):
        write_backup(db.path, folder, "daily", now=dt.datetime(2024, 1, 1, 8) + dt.timedelta(days=i))
    other = write_backup(db.path, folder, "manual", now=dt.datetime(2024, 1, 1, 8))
    other = other.rename(other.with_name(other.name.replace("test-", "khac-")))
    removed = backup.rotate(folder, "test")
    assert len(list_backups(database="test")) == 25 - len(removed)
    assert 0 < len(removed) < 25
    assert other.exists()  # another database's backups are not touched


def test_import_is_preceded_by_a_backup(db: Database, tmp_path: Path) -> None:
    from cchc_desktop.io.importer import import_file
    from tests.io.helpers import one_stop_xlsx, seed_catalogue

    seed_catalogue(db)
    assert import_file(db, "dossiers", one_stop_xlsx(tmp_path / "a.xlsx")).imported == 4
    made = [b for b in list_backups() if b.reason == "truoc-nhap"]
    assert len(made) == 1
    assert _count(made[0].path, "dossier") == 0 and _count(made[0].path, "procedure") == 2


def test_import_refused_when_its_backup_cannot_be_written(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cchc_desktop.io.importer import import_file
    from tests.io.helpers import dossier_codes, one_stop_xlsx, seed_catalogue

    seed_catalogue(db)

    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "fsync_file", full)
    with pytest.raises(BackupError) as err:
        import_file(db, "dossiers", one_stop_xlsx(tmp_path / "a.xlsx"))
    assert "ổ đĩa đã đầy" in err.value.message and "không bị thay đổi" in err.value.message
    assert dossier_codes(db) == []
    assert list_backups() == [] and not [p for p in backups_dir().iterdir() if p.suffix == ".tmp"]


def test_a_server_database_is_not_backed_up_here(monkeypatch: pytest.MonkeyPatch) -> None:
    class _Server:
        path = None

    assert backup_before(_Server(), "import") is None  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        backup_before(_Server(), "no such reason")  # type: ignore[arg-type]


def test_the_first_command_of_the_day_backs_up(demo_db_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "cchc.db"
    shutil.copyfile(demo_db_file, path)
    assert main(["check", "--db", str(path)]) in (0, 1)
    assert [b.reason for b in list_backups()] == ["hang-ngay"]
    assert main(["check", "--db", str(path)]) in (0, 1)
    assert len(list_backups()) == 1  # once a day
    open_database(path).close()  # the library alone (tests, the GUI's own code paths) takes none
    assert len(list_backups()) == 1


def test_restore_backs_up_first_then_brings_the_data_back(demo_db_file: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cchc.db"
    shutil.copyfile(demo_db_file, path)
    dossiers = _count(path, "dossier")
    assert main(["backup", "--db", str(path)]) == 0
    saved = list_backups()[0].path
    _delete_dossiers(path)
    capsys.readouterr()
    assert main(["restore", "--db", str(path), str(saved)]) == 0
    out = capsys.readouterr().out
    assert "Đã khôi phục" in out
    assert _count(path, "dossier") == dossiers
    before = [b for b in list_backups() if b.reason == "truoc-khoi-phuc"]
    assert len(before) == 1 and _count(before[0].path, "dossier") == 0  # the state before is kept
    assert main(["restore", "--list"]) == 0
    assert "Trước khi khôi phục" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (b"", "không phải là bản sao lưu"),
        (b"hello, not a database" * 10, "không phải là bản sao lưu"),
        (None, "phiên bản mới hơn"),
        ("foreign", "không phải là bản sao lưu"),
    ],
)
def test_restore_refuses_what_is_not_our_backup(
    demo_db_file: Path, tmp_path: Path, capsys, content: bytes | str | None, sentence: str  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "cchc.db"
    shutil.copyfile(demo_db_file, path)
    bad = tmp_path / "bad.db"
    if content is None:
        shutil.copyfile(demo_db_file, bad)
        con = sqlite3.connect(bad)
        con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        con.commit()
        con.close()
    elif content == "foreign":
        con = sqlite3.connect(bad)
        con.execute("CREATE TABLE other (x)")
        con.commit()
        con.close()
    else:
        bad.write_bytes(content)
    before = path.read_bytes()
    assert main(["restore", "--db", str(path), str(bad)]) == 1
    err = capsys.readouterr().err
    assert sentence in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert path.read_bytes() == before
    assert list_backups() == []  # refused before anything was opened or written


def test_restore_waits_for_no_one_and_writes_nothing_on_a_full_disk(
    demo_db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cchc.db"
    shutil.copyfile(demo_db_file, path)
    source = tmp_path / "source.db"
    shutil.copyfile(demo_db_file, source)
    _delete_dossiers(source)
    before = path.read_bytes()

    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "fsync_file", full)  # the safety copy cannot be written
    with pytest.raises(BackupError, match="ổ đĩa đã đầy"):
        restore_backup(source, path)
    assert path.read_bytes() == before


def test_backup_command_on_a_full_disk_is_one_sentence(demo_db_file: Path, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    out = tmp_path / "b.db"
    assert main(["backup", "--db", str(demo_db_file), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        "Không ghi được bản sao lưu “b.db”: ổ đĩa đã đầy. Cơ sở dữ liệu không bị thay đổi; "
        "hãy giải phóng dung lượng rồi thử lại."
    )
    assert not out.exists() and not list(tmp_path.glob(".*tmp"))


def test_restoring_an_old_backup_that_rotation_would_drop(db: Database) -> None:
    """The safety copy taken before a restore must not rotate away the backup being restored."""
    folder = backups_dir()
    old = write_backup(db.path, folder, "daily", now=dt.datetime(2020, 1, 1, 8))  # far outside rotation
    for i in range(14):  # 14 later months: the 2020 copy is beyond 10 recent and 7/4/12 day/week/month
        write_backup(db.path, folder, "import", now=dt.datetime(2023, 1, 1, 8) + dt.timedelta(days=31 * i))
    before = restore_backup(old, db.path)
    assert before is not None and before.exists()
    assert not old.exists()  # rotated once the restore was done, not before
    assert db.path.exists() and _count(db.path, "unit") == 0
