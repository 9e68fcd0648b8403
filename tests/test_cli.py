"""The command line: demo / check / backup behave as the foundation issue says."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from cchc_desktop.cli import main


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_demo_refuses_to_overwrite_then_force_rebuilds(tmp_path, capsys) -> None:
    path = tmp_path / "d.db"
    assert main(["demo", "--db", str(path)]) == 0
    dossiers = _rows(path, "dossier")
    assert main(["demo", "--db", str(path)]) == 2
    assert "--force" in capsys.readouterr().err
    assert _rows(path, "dossier") == dossiers
    assert main(["demo", "--db", str(path), "--force"]) == 0
    assert _rows(path, "dossier") == dossiers


def test_backup_copies_every_row(demo_db_file, tmp_path) -> None:
    out = tmp_path / "b.db"
    assert main(["backup", "--db", str(demo_db_file), "--out", str(out)]) == 0
    for table in ("dossier", "procedure", "survey_answer", "task"):
        assert _rows(out, table) == _rows(demo_db_file, table)
    assert main(["check", "--db", str(out)]) == 0


def test_backup_never_overwrites(demo_db_file, tmp_path, capsys) -> None:
    out = tmp_path / "b.db"
    out.write_text("keep me", encoding="utf-8")
    assert main(["backup", "--db", str(demo_db_file), "--out", str(out)]) != 0
    assert out.read_text(encoding="utf-8") == "keep me"
    assert "đã tồn tại" in capsys.readouterr().err


def test_check_on_missing_folder_creates_nothing(tmp_path, capsys) -> None:
    target = tmp_path / "nonexistent" / "dir" / "x.db"
    assert main(["--db", str(target), "check"]) != 0
    err = capsys.readouterr().err
    assert "không tồn tại" in err and "Traceback" not in err
    assert not (tmp_path / "nonexistent").exists()


def test_garbage_database_is_one_sentence_and_untouched(tmp_path, capsys) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(bytes(range(256)) * 20)
    before = _digest(path)
    assert main(["--db", str(path), "check"]) != 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "không phải là cơ sở dữ liệu" in err
    assert _digest(path) == before


def test_check_reports_missing_required_data(tmp_path, capsys) -> None:
    from cchc_desktop.core.db import open_database

    open_database(tmp_path / "empty.db").close()
    assert main(["--db", str(tmp_path / "empty.db"), "check"]) == 1
    assert "Chưa có thông tin cơ quan" in capsys.readouterr().out


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert "cchc-desktop" in capsys.readouterr().out


def test_unknown_command_is_refused_in_vietnamese(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["khong-co-lenh"])
    assert info.value.code == 2
    assert "lỗi" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["export"], "thiếu tham số bắt buộc: LOẠI, --out"),
        (["indicators", "--db", "x.db"], "thiếu tham số bắt buộc: --period"),
        (["backup", "--out", "b.db", "--bogus"], "tham số không hợp lệ: --bogus"),
    ],
)
def test_usage_errors_read_in_vietnamese(argv, expected, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("cách dùng: cchc-desktop")
    assert expected in err


def test_help_has_no_english_headings(capsys) -> None:
    for argv in (["--help"], ["report", "--help"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith("cách dùng: cchc-desktop")
        assert "tùy chọn:" in out and "hiện hướng dẫn này rồi thoát" in out
        for english in ("usage:", "options:", "positional arguments", "show this help"):
            assert english not in out


def test_demo_force_on_a_full_disk_keeps_the_old_data(tmp_path, capsys, monkeypatch) -> None:
    """Building the new demo fails (disk full): the old data is really still there, as the sentence says."""
    import sqlite3 as _sqlite3

    from sqlalchemy.exc import OperationalError

    from cchc_desktop.core import demo as core_demo

    path = tmp_path / "d.db"
    assert main(["demo", "--db", str(path)]) == 0
    con = _sqlite3.connect(path)
    con.execute("UPDATE organisation_profile SET signer_name = 'Người ký thật'")
    con.commit()
    con.close()
    dossiers = _rows(path, "dossier")

    def full(self) -> None:  # type: ignore[no-untyped-def]
        raise OperationalError("INSERT INTO task", {}, _sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(core_demo._DemoBuilder, "tasks", full)
    capsys.readouterr()
    assert main(["demo", "--db", str(path), "--force"]) == 1
    assert capsys.readouterr().err.strip() == (
        "Ổ đĩa đã đầy, không ghi được dữ liệu. Dữ liệu trước đó vẫn được giữ nguyên."
    )
    assert _rows(path, "dossier") == dossiers
    con = _sqlite3.connect(path)
    assert con.execute("SELECT signer_name FROM organisation_profile").fetchone()[0] == "Người ký thật"
    con.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # the half-built file is gone
