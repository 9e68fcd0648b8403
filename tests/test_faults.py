"""Faults of the environment end in one clear Vietnamese sentence, the files untouched, no traceback, no
secret (issue 12 item 8)."""

from __future__ import annotations

import errno
import os
import shutil
import socket
import sqlite3
import zipfile
from pathlib import Path

import pytest

from cchc_desktop.cli import main
from cchc_desktop.core import db as core_db
from cchc_desktop.core import files
from cchc_desktop.core.db import data_dir, mask_url, open_database
from cchc_desktop.core.errors import DatabaseError

PASSWORD = "s3cr3t-Pw"


def _one_sentence(err: str) -> str:
    text = err.strip()
    assert text and "Traceback" not in text and "lỗi không mong muốn" not in text, text
    assert len(text.splitlines()) == 1, text
    return text


def _no_secret_anywhere(err: str) -> None:
    assert PASSWORD not in err
    for log in (data_dir() / "logs").glob("*"):
        assert PASSWORD not in log.read_text(encoding="utf-8", errors="replace")


def _refused_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now: connection refused
    return port


@pytest.mark.parametrize("command", [["check"], ["indicators", "--period", "2024"], ["backup"], ["demo", "--force"]])
def test_unreachable_postgresql_is_one_sentence_without_the_password(command: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("psycopg")
    url = f"postgresql+psycopg://cchc:{PASSWORD}@127.0.0.1:{_refused_port()}/cchc"
    assert main([*command, "--db", url]) == 1
    err = _one_sentence(capsys.readouterr().err)
    assert err.startswith("Không kết nối được máy chủ cơ sở dữ liệu postgresql+psycopg://cchc:***@127.0.0.1:")
    _no_secret_anywhere(err)


def test_passwords_are_masked_in_urls_and_dsns() -> None:
    assert mask_url(f"postgresql+psycopg://u:{PASSWORD}@h:5432/db") == "postgresql+psycopg://u:***@h:5432/db"
    assert mask_url(f"host=h password={PASSWORD} user=u") == "host=h password=*** user=u"
    assert mask_url("sqlite:////tmp/a.db") == "sqlite:////tmp/a.db"
    with pytest.raises(DatabaseError) as err:
        open_database(f"nosuchdriver://u:{PASSWORD}@h/db")
    assert PASSWORD not in err.value.message


def test_the_log_never_holds_a_password() -> None:
    from cchc_desktop.core.logs import log_unexpected

    path = log_unexpected(RuntimeError(f"could not connect to postgresql://u:{PASSWORD}@h/db"))
    text = path.read_text(encoding="utf-8")
    assert "postgresql://u:***@h/db" in text and PASSWORD not in text


def test_a_zero_byte_database_is_named_and_left_as_it_is(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cchc.db"
    path.write_bytes(b"")
    for command in (["check"], ["indicators", "--period", "2024"], ["backup"], ["export", "dossiers", "--out", str(tmp_path / "x.xlsx")]):
        assert main([*command, "--db", str(path)]) == 1
        err = _one_sentence(capsys.readouterr().err)
        assert "trống (0 byte)" in err
    assert path.read_bytes() == b""
    assert not (tmp_path / "x.xlsx").exists()


def test_an_absurd_period_is_refused(demo_db_file: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    for command in (["indicators"], ["check"]):
        assert main([*command, "--db", str(demo_db_file), "--period", "0001-01-01..9999-12-31"]) == 1
        err = _one_sentence(capsys.readouterr().err)
        assert "1990–2200" in err and "không quá 30 năm" in err


def test_export_on_a_full_disk_keeps_the_old_file(demo_db_file: Path, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "ho-so.xlsx"
    out.write_bytes(b"the old export")

    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    assert main(["export", "tasks", "--db", str(demo_db_file), "--out", str(out)]) == 1
    err = _one_sentence(capsys.readouterr().err)
    assert err == "Không ghi được tệp “ho-so.xlsx”: ổ đĩa đã đầy. Tệp cũ (nếu có) vẫn được giữ nguyên."
    assert out.read_bytes() == b"the old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ho-so.xlsx"]


def test_corrupt_zip_data_is_one_sentence_and_the_database_untouched(demo_db_file: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    db_path = tmp_path / "cchc.db"
    shutil.copyfile(demo_db_file, db_path)
    good = tmp_path / "good.xlsx"
    wb = Workbook()
    for i in range(200):
        wb.active.append([f"HS-{i:04d}", "1.001", "Công ty", "Trực tuyến", "02/01/2024", "05/01/2024", None])
    wb.save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
    raw = bytearray(bad.read_bytes())
    with zipfile.ZipFile(bad) as z:
        sheet = z.getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename) + len(sheet.extra)
    for i in range(start + 20, start + min(sheet.compress_size - 5, 220)):
        raw[i] ^= 0x5A  # the sheet's compressed bytes no longer inflate (or fail their CRC)
    bad.write_bytes(bytes(raw))
    before = sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM dossier").fetchone()[0]
    assert main(["import", "dossiers", str(bad), "--db", str(db_path)]) == 1
    _one_sentence(capsys.readouterr().err)
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT COUNT(*) FROM dossier").fetchone()[0] == before
    finally:
        con.close()


def _wal_database(folder: Path, demo_db_file: Path) -> Path:
    folder.mkdir()
    path = folder / "cchc.db"
    shutil.copyfile(demo_db_file, path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    con.close()
    return path


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write a read-only folder")
def test_a_healthy_database_in_a_read_only_folder_is_not_called_broken(demo_db_file: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _wal_database(tmp_path / "ro", demo_db_file)
    os.chmod(path.parent, 0o555)
    try:
        code = main(["check", "--db", str(path)])
        err = capsys.readouterr().err
    finally:
        os.chmod(path.parent, 0o755)
    if code != 0:  # SQLite may manage to read; if it cannot, it says why
        text = _one_sentence(err)
        assert "chỉ cho phép đọc" in text and "đã bị hỏng" not in text


def test_a_read_only_folder_is_said_as_such(demo_db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same case where the test runs as root (who may write anywhere): SQLite's answer simulated."""
    path = _wal_database(tmp_path / "ro", demo_db_file)
    real_connect = sqlite3.connect

    def connect(target: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        if isinstance(target, str) and "mode=ro" in target:
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(core_db.sqlite3, "connect", connect)
    with pytest.raises(DatabaseError) as err:
        open_database(path, create=False, upgrade=False)
    assert "chỉ cho phép đọc" in err.value.message and "Tệp không bị hỏng" in err.value.message
    assert "đã bị hỏng" not in err.value.message
