"""Dossier and procedure imports: validation per row, modes, re-import, transactions, crash safety."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.core.db import Database
from cchc_desktop.core.indicators import dossier_classes, dossier_counts_drift
from cchc_desktop.core.periods import Period
from cchc_desktop.io import importer
from cchc_desktop.io.export import save_rejects
from cchc_desktop.io.importer import import_file

from .helpers import (
    DOSSIERS,
    dossier_codes,
    flat_rows,
    one_stop_xlsx,
    schema,
    seed_catalogue,
    write_csv,
    write_xlsx,
)

BAD = [
    ("HS-101", "1.001", "", "A", "Trực tiếp", "20/01/2024", "18/01/2024", ""),  # due before received
    ("HS-102", "9.999", "", "B", "Trực tiếp", "20/01/2024", "25/01/2024", ""),  # unknown procedure
    ("HS-103", "1.001", "", "C", "Bồ câu", "20/01/2024", "25/01/2024", ""),  # unknown channel
    ("HS-104", "1.001", "", "D", "Trực tiếp", "32/01/2024", "25/01/2024", ""),  # impossible date
    ("HS-001", "1.001", "", "E", "Trực tiếp", "20/01/2024", "25/01/2024", ""),  # same code twice in a file
]


def _count(db: Database, model: type[m.Base] = m.Dossier) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_one_stop_export_imports_with_no_manual_mapping_and_reimport_updates(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    path = one_stop_xlsx(tmp_path / "os.xlsx")
    first = import_file(db, "dossiers", path)
    assert (first.imported, first.updated, len(first.rejects)) == (4, 0, 0)
    again = import_file(db, "dossiers", path)
    assert (again.imported, again.updated, len(again.rejects)) == (0, 4, 0)
    assert dossier_codes(db) == ["HS-001", "HS-002", "HS-003", "HS-004"]
    with db.session() as s:
        d1 = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-001"))
        assert (d1.received_on, d1.received_time, d1.due_on, d1.resolved_on) == (
            dt.date(2024, 1, 15), dt.time(8, 30), dt.date(2024, 1, 19), dt.date(2024, 1, 18))
        assert d1.channel.value == "online" and d1.outcome.value == "resolved" and d1.field.name == "Dược phẩm"
        d3 = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-003"))
        assert d3.channel.value == "postal" and d3.received_on == dt.date(2024, 1, 17)
        d4 = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-004"))
        assert d4.resolved_on is None and d4.outcome is None
        assert dossier_counts_drift(s) == (4, 4, 3, 3)


def test_a_changed_row_updates_the_record(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    import_file(db, "dossiers", write_xlsx(tmp_path / "a.xlsx", flat_rows()))
    rows = [list(r) for r in DOSSIERS]
    rows[3][7] = "24/01/2024"  # HS-004 now resolved
    result = import_file(db, "dossiers", write_xlsx(tmp_path / "b.xlsx", flat_rows(rows)))
    assert (result.imported, result.updated) == (0, 4)
    with db.session() as s:
        d4 = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-004"))
        assert d4.resolved_on == dt.date(2024, 1, 24)
        assert dossier_counts_drift(s) == (4, 4, 4, 4)


def test_bad_rows_listed_with_row_column_reason_and_rejects_file(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    path = write_xlsx(tmp_path / "bad.xlsx", flat_rows([*DOSSIERS, *BAD]))
    result = import_file(db, "dossiers", path)
    assert (result.imported, len(result.rejects)) == (4, 5)
    got = [(r.row, r.column) for r in result.rejects]
    assert got == [(7, "Kênh nộp"), (8, "Ngày nhận"), (10, "Số hồ sơ"), (6, "Hạn xử lý"), (7, "Mã TTHC")] or sorted(
        got
    ) == [(6, "Hạn xử lý"), (7, "Mã TTHC"), (8, "Kênh nộp"), (9, "Ngày nhận"), (10, "Số hồ sơ")]
    reasons = {r.row: r.reason for r in result.rejects}
    assert reasons[6] == "Ngày hẹn trả (18/01/2024) không được trước ngày tiếp nhận (20/01/2024)."
    assert "Mã TTHC “9.999” chưa có" in reasons[7]
    assert "hình thức nộp" in reasons[8]
    assert "32/01/2024" in reasons[9]
    assert reasons[10] == "Số hồ sơ “HS-001” trùng với dòng 2"
    out = tmp_path / "rejects.xlsx"
    save_rejects(result, out)
    ws = openpyxl.load_workbook(out).active
    table = list(ws.iter_rows(values_only=True))
    assert table[0][:4] == ("Dòng", "Cột", "Lý do", "Số hồ sơ")
    assert [r[0] for r in table[1:]] == [6, 7, 8, 9, 10]  # in the order of the file, whatever the checks found first
    assert {r[3] for r in table[1:]} == {"HS-101", "HS-102", "HS-103", "HS-104", "HS-001"}


def test_all_or_nothing_changes_nothing(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    path = write_xlsx(tmp_path / "bad.xlsx", flat_rows([*DOSSIERS, *BAD]))
    result = import_file(db, "dossiers", path, all_or_nothing=True)
    assert not result.committed and result.imported == 0 and len(result.rejects) == 5
    assert _count(db) == 0


def test_unknown_procedure_created_when_asked(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    rows = [("HS-201", "3.003", "Thủ tục mới", "A", "Trực tiếp", "20/01/2024", "25/01/2024", "")]
    result = import_file(db, "dossiers", write_xlsx(tmp_path / "n.xlsx", flat_rows(rows)),
                         create_missing_procedures=True)
    assert (result.imported, result.created_procedures, len(result.rejects)) == (1, 1, 0)
    with db.session() as s:
        proc = s.scalar(select(m.Procedure).where(m.Procedure.code == "3.003"))
        assert proc.name == "Thủ tục mới" and proc.needs_review is True


def test_headers_without_diacritics_csv_bom_and_code_page(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    path = write_csv(tmp_path / "f.csv", flat_rows(accents=False), "utf-8-sig")
    assert import_file(db, "dossiers", path).imported == 4
    assert import_file(db, "dossiers", write_csv(tmp_path / "g.csv", flat_rows(), "utf-8")).updated == 4


def test_failure_injected_at_row_n_rolls_back_everything(db: Database, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    seed_catalogue(db)
    import_file(db, "dossiers", write_xlsx(tmp_path / "a.xlsx", flat_rows(DOSSIERS[:2])))
    monkeypatch.setattr(importer, "CHUNK", 2)
    monkeypatch.setattr(importer, "BULK_THRESHOLD", 0)  # the trigger drop must roll back too
    real = importer._parse_cells
    seen = []

    def failing(header: object, cells: list[object]) -> object:
        seen.append(cells[0])
        if len(seen) == 3:  # after the first chunk of two rows was written
            raise RuntimeError("injected")
        return real(header, cells)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "_parse_cells", failing)
    with pytest.raises(RuntimeError, match="injected"):
        import_file(db, "dossiers", write_xlsx(tmp_path / "b.xlsx", flat_rows(
            [("HS-301", *DOSSIERS[0][1:]), ("HS-302", *DOSSIERS[0][1:]), *DOSSIERS])))
    assert dossier_codes(db) == ["HS-001", "HS-002"]
    with db.session() as s:
        triggers = s.scalars(select(func.count()).select_from(m.Base.metadata.tables["dossier"]))
        assert triggers is not None
        names = {r[0] for r in s.execute(select(func.lower(m.Base.metadata.tables["dossier"].c.code)))}
        assert names == {"hs-001", "hs-002"}
    _assert_triggers_work(db)


def _assert_triggers_work(db: Database) -> None:
    from cchc_desktop.core import services

    with db.transaction() as s:
        proc = s.scalar(select(m.Procedure).where(m.Procedure.code == "1.001"))
        services.create(s, m.Dossier, {"code": "HS-T", "procedure_id": proc.id, "received_on": dt.date(2024, 2, 1),
                                       "due_on": dt.date(2024, 2, 5)})
    with db.session() as s:
        n, counted, closed, counted_closed = dossier_counts_drift(s)
        assert (n, closed) == (counted, counted_closed)


def test_large_import_suspends_triggers_and_counts_stay_exact(db: Database, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seed_catalogue(db)
    monkeypatch.setattr(importer, "BULK_THRESHOLD", 0)
    result = import_file(db, "dossiers", one_stop_xlsx(tmp_path / "os.xlsx"))
    assert result.imported == 4
    with db.session() as s:
        assert dossier_counts_drift(s) == (4, 4, 3, 3)
        c = dossier_classes(s, Period.between(dt.date(2024, 1, 1), dt.date(2024, 1, 31)))
        assert (c.received, c.received_online, c.resolved, c.early, c.on_time, c.late, c.in_progress) == (
            4, 2, 3, 1, 1, 1, 1)
    _assert_triggers_work(db)


def test_progress_and_cancel(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_catalogue(db)
    monkeypatch.setattr(importer, "CHUNK", 2)
    calls: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, text: str) -> bool:
        calls.append((done, total, text))
        return len(calls) < 2

    result = import_file(db, "dossiers", one_stop_xlsx(tmp_path / "os.xlsx"), progress=progress)
    assert result.cancelled and not result.committed and result.imported == 0
    assert result.summary() == "Đã hủy nhập dữ liệu; cơ sở dữ liệu không thay đổi."
    assert calls[0][0] == 2 and "hồ sơ" in calls[0][2]
    assert _count(db) == 0


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from cchc_desktop.core.db import open_database
    from cchc_desktop.io import importer
    importer.CHUNK = 2
    importer.BULK_THRESHOLD = 0
    db = open_database(sys.argv[1], create=False, upgrade=False)

    suspended = []
    real_suspend = importer.DossierWriter.suspend

    def suspend(self):
        real_suspend(self)
        suspended.append(len(self.indexes) + len(self.triggers))

    importer.DossierWriter.suspend = suspend

    def progress(done, total, text):
        if done >= 2 and suspended and suspended[0] >= 8:  # rows written, indexes and triggers dropped
            os.kill(os.getpid(), signal.SIGKILL)
        sys.exit(3)

    importer.import_file(db, "dossiers", sys.argv[2], progress=progress)
    """
)


def test_killed_process_leaves_database_as_before(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    import_file(db, "dossiers", write_xlsx(tmp_path / "a.xlsx", flat_rows(DOSSIERS[:1])))
    assert db.path is not None
    before = db.path.read_bytes()
    before_schema = schema(db)
    db.close()
    path = write_xlsx(tmp_path / "b.xlsx", flat_rows([("HS-401", *DOSSIERS[0][1:]), *DOSSIERS[1:]]))
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(db.path), str(path)], capture_output=True,
                          timeout=120, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    copy = tmp_path / "after.db"
    shutil.copyfile(db.path, copy)
    for suffix in ("-journal", "-wal"):
        if Path(f"{db.path}{suffix}").exists():
            shutil.copyfile(f"{db.path}{suffix}", f"{copy}{suffix}")
    from cchc_desktop.core.db import open_database

    reopened = open_database(copy, create=False, upgrade=False)
    try:
        assert dossier_codes(reopened) == ["HS-001"]
        assert schema(reopened) == before_schema  # the dropped indexes and triggers are back
        _assert_triggers_work(reopened)
    finally:
        reopened.close()
    assert before  # the original file existed and was not truncated
    assert os.path.getsize(db.path) > 0


def test_cli_saved_mapping_is_reused(db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Columns the detection cannot name are mapped once (JSON, as the wizard saves it) and reused with
    ``--mapping``; ``--save-mapping`` writes the mapping an import used."""
    import json

    from cchc_desktop.cli import main

    seed_catalogue(db)
    assert db.path is not None
    url = str(db.path)
    db.close()
    path = write_xlsx(tmp_path / "odd.xlsx", [
        ["Số hồ sơ", "Mã TTHC", "Ngày nhận", "Hẹn ngày", "Xong ngày"],
        ["HS-501", "1.001", "15/01/2024", "19/01/2024", "18/01/2024"],
        ["HS-502", "1.001", "16/01/2024", "22/01/2024", ""],
    ])
    assert main(["import", "dossiers", str(path), "--db", url, "--all-or-nothing"]) == 1
    out = capsys.readouterr().out
    assert "Dòng 2, cột “Ngày hẹn trả”: Vui lòng nhập ngày hẹn trả" in out  # "Hẹn ngày" was not recognised
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"kind": "dossiers", "columns": {"Hẹn ngày": "due", "Xong ngày": "resolved"}},
                                  ensure_ascii=False), encoding="utf-8")
    used = tmp_path / "used.json"
    assert main(["import", "dossiers", str(path), "--db", url, "--mapping", str(mapping),
                 "--save-mapping", str(used)]) == 0
    assert "Đã nhập 2 mới, cập nhật 0, từ chối 0 dòng." in capsys.readouterr().out
    assert json.loads(used.read_text(encoding="utf-8"))["columns"] == {
        "Số hồ sơ": "code", "Mã TTHC": "procedure_code", "Ngày nhận": "received", "Hẹn ngày": "due",
        "Xong ngày": "resolved"}
    from cchc_desktop.core.db import open_database

    again = open_database(url, create=False, upgrade=False)
    try:
        with again.session() as s:
            got = s.execute(select(m.Dossier.code, m.Dossier.due_on, m.Dossier.resolved_on).order_by(m.Dossier.code))
            assert got.all() == [("HS-501", dt.date(2024, 1, 19), dt.date(2024, 1, 18)),
                                 ("HS-502", dt.date(2024, 1, 22), None)]
        assert main(["import", "dossiers", str(path), "--db", url, "--mapping", str(used)]) == 0
        assert "Đã nhập 0 mới, cập nhật 2, từ chối 0 dòng." in capsys.readouterr().out
        assert dossier_codes(again) == ["HS-501", "HS-502"]
    finally:
        again.close()


def test_codes_repeated_across_chunks_name_the_first_row(db: Database, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same code later in the file is rejected naming the row that wrote it, whether that row
    inserted or updated the dossier and however far apart they are; a row rejected for another
    reason does not claim its code."""
    seed_catalogue(db)
    import_file(db, "dossiers", write_xlsx(tmp_path / "a.xlsx", flat_rows(DOSSIERS[:1])))  # HS-001 exists
    monkeypatch.setattr(importer, "CHUNK", 2)
    ok = DOSSIERS[1][1:]
    rows = [
        ("HS-001", *ok),  # row 2: updates the existing dossier
        ("HS-601", *ok),  # row 3: new
        ("HS-602", "1.001", "", "", "Trực tiếp", "20/01/2024", "18/01/2024", ""),  # row 4: bad due date
        ("HS-601", *ok),  # row 5: again, next chunk
        ("HS-602", *ok),  # row 6: its first row was rejected, so this one goes in
        ("HS-001", *ok),  # row 7: again
        ("HS-603", *ok), ("HS-603", *ok),  # rows 8, 9: twice in one chunk
    ]
    result = import_file(db, "dossiers", write_xlsx(tmp_path / "b.xlsx", flat_rows(rows)))
    assert (result.imported, result.updated) == (3, 1)
    assert [(r.row, r.reason) for r in result.rejects] == [
        (4, "Ngày hẹn trả (18/01/2024) không được trước ngày tiếp nhận (20/01/2024)."),
        (5, "Số hồ sơ “HS-601” trùng với dòng 3"),
        (7, "Số hồ sơ “HS-001” trùng với dòng 2"),
        (9, "Số hồ sơ “HS-603” trùng với dòng 8"),
    ]
    assert dossier_codes(db) == ["HS-001", "HS-601", "HS-602", "HS-603"]


def test_rows_of_inserts_whose_ids_are_not_consecutive(db: Database) -> None:
    from cchc_desktop.core import services

    seed_catalogue(db)
    written = importer._Written(first_id=1)
    with db.transaction() as s:
        proc = s.scalar(select(m.Procedure).where(m.Procedure.code == "1.001"))

        def add(code: str) -> None:
            services.create(s, m.Dossier, {"code": code, "procedure_id": proc.id, "received_on": dt.date(2024, 1, 2),
                                           "due_on": dt.date(2024, 1, 5)})

        add("HS-1")
        add("HS-2")
        written.add_inserted(s, [2, 3], ["HS-1", "HS-2"])  # ids 1, 2: kept in the array
        add("HS-X")  # id 3, not from the file
        add("HS-3")
        written.add_inserted(s, [9], ["HS-3"])  # id 4 does not follow the array: looked up by code
        assert [written.row_of(i) for i in (1, 2, 3, 4)] == [2, 3, None, 9]
        assert len(written.inserted) == 2
