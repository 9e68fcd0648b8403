"""The one-stop export's event columns become dossier events; importing the file again adds none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.db import Database
from cchc_desktop.core.enums import DossierEventKind as K
from cchc_desktop.core.enums import DossierOutcome
from cchc_desktop.io.importer import import_file
from tests import pg

from .helpers import seed_catalogue, write_xlsx

D = dt.date
HEADER = ["Số hồ sơ", "Mã TTHC", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả", "Trạng thái",
          "Số lần yêu cầu bổ sung", "Ngày yêu cầu bổ sung", "Ngày nhận bổ sung", "Ngày gia hạn", "Hạn sau gia hạn",
          "Số thư xin lỗi", "Ngày dừng"]
ROWS = [
    # extension with its apology letter, resolved on the extended date
    ["HS-GH", "1.001", "01/03/2024", "15/03/2024", "20/03/2024", "Đã giải quyết", 0, "", "", "13/03/2024",
     "20/03/2024", "05/PXL-SYT", ""],
    # supplements requested and received; the export shows the due date after the restart
    ["HS-BS", "1.001", "01/03/2024", "29/03/2024", "", "Đang giải quyết", 1, "04/03/2024", "15/03/2024", "", "",
     "", ""],
    # waiting for supplements
    ["HS-CHO", "1.001", "01/03/2024", "15/03/2024", "", "Chờ bổ sung", 1, "05/03/2024", "", "", "", "", ""],
    ["HS-RUT", "1.001", "01/03/2024", "15/03/2024", "06/03/2024", "Rút hồ sơ", 0, "", "", "", "", "", ""],
    ["HS-TC", "1.001", "01/03/2024", "15/03/2024", "07/03/2024", "Từ chối", 0, "", "", "", "", "", ""],
    ["HS-DUNG", "1.001", "01/03/2024", "15/03/2024", "", "Dừng giải quyết", 0, "", "", "", "", "", "08/03/2024"],
    # supplements received before they were asked for: rejected with its reason, nothing of it written
    ["HS-SAI", "1.001", "01/03/2024", "15/03/2024", "", "", 1, "10/03/2024", "05/03/2024", "", "", "", ""],
]


def _events(db: Database) -> dict[str, list[tuple]]:
    with db.session() as s:
        rows = s.execute(select(m.Dossier.code, m.DossierEvent.kind, m.DossierEvent.occurred_on,
                                m.DossierEvent.new_due_on, m.DossierEvent.document_number)
                         .join(m.DossierEvent.dossier).order_by(m.Dossier.code, m.DossierEvent.occurred_on)).all()
    out: dict[str, list[tuple]] = {}
    for code, *rest in rows:
        out.setdefault(code, []).append(tuple(rest))
    return out


def _state(db: Database, code: str) -> tuple:
    with db.session() as s:
        d = s.scalar(select(m.Dossier).where(m.Dossier.code == code))
        return d.due_on, d.first_due_on, d.extended_due_on, d.resolved_on, d.outcome, d.supplement_requests


def test_event_columns_become_events_and_reimport_adds_none(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    with db.transaction() as s:  # ten working days, to compute the first due date of HS-BS
        proc = s.scalar(select(m.Procedure).where(m.Procedure.code == "1.001"))
        services.update(s, m.Procedure, proc.id, {"resolution_days": 10})
    path = write_xlsx(tmp_path / "mot-cua.xlsx", [HEADER, *ROWS])
    result = import_file(db, "dossiers", path)
    assert result.imported == 6
    assert [(r.row, r.reason) for r in result.rejects] == [
        (8, "Ngày nhận hồ sơ bổ sung (05/03/2024) phải sau ngày yêu cầu bổ sung (10/03/2024).")]
    expected = {
        "HS-GH": [(K.EXTENDED, D(2024, 3, 13), D(2024, 3, 20), "05/PXL-SYT")],
        "HS-BS": [(K.SUPPLEMENT_REQUESTED, D(2024, 3, 4), None, None),
                  (K.SUPPLEMENT_RECEIVED, D(2024, 3, 15), D(2024, 3, 29), None)],
        "HS-CHO": [(K.SUPPLEMENT_REQUESTED, D(2024, 3, 5), None, None)],
        "HS-RUT": [(K.WITHDRAWN, D(2024, 3, 6), None, None)],
        "HS-TC": [(K.REFUSED, D(2024, 3, 7), None, None)],
        "HS-DUNG": [(K.STOPPED, D(2024, 3, 8), None, None)],
    }
    assert _events(db) == expected
    assert _state(db, "HS-GH") == (D(2024, 3, 15), None, D(2024, 3, 20), D(2024, 3, 20), DossierOutcome.RESOLVED, 0)
    # the first due date: ten working days from 01/03/2024
    assert _state(db, "HS-BS") == (D(2024, 3, 29), D(2024, 3, 15), None, None, None, 1)
    assert _state(db, "HS-CHO")[3:] == (None, None, 1)  # open, waiting for supplements
    assert _state(db, "HS-DUNG")[3:5] == (D(2024, 3, 8), DossierOutcome.STOPPED)

    again = import_file(db, "dossiers", path)
    assert again.updated == 6 and again.imported == 0
    assert _events(db) == expected
    assert _state(db, "HS-BS") == (D(2024, 3, 29), D(2024, 3, 15), None, None, None, 1)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.DossierEvent)) == 7


def test_dossiers_export_carries_the_events_and_imports_back(db: Database, tmp_path: Path) -> None:
    import openpyxl

    from cchc_desktop.core.db import open_database
    from cchc_desktop.io.export import export_kind

    seed_catalogue(db)
    with db.transaction() as s:
        proc = s.scalar(select(m.Procedure).where(m.Procedure.code == "1.001"))
        services.update(s, m.Procedure, proc.id, {"resolution_days": 10})
    import_file(db, "dossiers", write_xlsx(tmp_path / "mot-cua.xlsx", [HEADER, *ROWS]))
    out = export_kind(db, "dossiers", tmp_path / "ho-so.xlsx")
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    by_code = {r[head.index("Mã hồ sơ")]: r for r in rows[1:]}
    assert by_code["HS-GH"][head.index("Ngày gia hạn")] == dt.datetime(2024, 3, 13)
    assert by_code["HS-BS"][head.index("Ngày nhận bổ sung")] == dt.datetime(2024, 3, 15)
    assert by_code["HS-DUNG"][head.index("Ngày dừng")] == dt.datetime(2024, 3, 8)
    assert by_code["HS-BS"][head.index("Ngày hẹn trả ban đầu")] == dt.datetime(2024, 3, 15)

    other = open_database(tmp_path / "other.db")
    try:
        seed_catalogue(other)
        result = import_file(other, "dossiers", out)
        assert (result.imported, result.rejects) == (6, [])
        assert _events(other) == _events(db)
    finally:
        other.close()


@pytest.mark.skipif(pg.server_bin() is None, reason="PostgreSQL server binaries not installed")
def test_event_columns_and_form_events_on_postgresql(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    from cchc_desktop.core import dossier_events
    from cchc_desktop.core.db import open_database
    from cchc_desktop.io.export import export_kind

    with pg.temporary_cluster() as url:
        db = open_database(url)
        try:
            seed_catalogue(db)
            with db.transaction() as s:
                proc = s.scalar(select(m.Procedure).where(m.Procedure.code == "1.001"))
                services.update(s, m.Procedure, proc.id, {"resolution_days": 10})
            path = write_xlsx(tmp_path / "mot-cua.xlsx", [HEADER, *ROWS])
            assert import_file(db, "dossiers", path).imported == 6
            assert import_file(db, "dossiers", path).updated == 6
            assert _events(db)["HS-BS"][1] == (K.SUPPLEMENT_RECEIVED, D(2024, 3, 15), D(2024, 3, 29), None)
            with db.transaction() as s:
                cho = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-CHO"))
                dossier_events.add_event(s, cho.id, {"kind": K.SUPPLEMENT_RECEIVED, "occurred_on": D(2024, 3, 8)})
            assert _state(db, "HS-CHO")[:2] == (D(2024, 3, 22), D(2024, 3, 15))
            export_kind(db, "dossiers", tmp_path / "ho-so.xlsx")
        finally:
            db.close()


def test_undoing_the_import_removes_its_events_with_its_dossiers(db: Database, tmp_path: Path) -> None:
    from cchc_desktop.core import audit

    seed_catalogue(db)
    with db.transaction() as s:
        proc = s.scalar(select(m.Procedure).where(m.Procedure.code == "1.001"))
        services.update(s, m.Procedure, proc.id, {"resolution_days": 10})
    result = import_file(db, "dossiers", write_xlsx(tmp_path / "mot-cua.xlsx", [HEADER, *ROWS]))
    assert result.batch_id is not None and len(_events(db)) == 6
    with db.transaction() as s:
        audit.undo_batch(s, result.batch_id)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.DossierEvent)) == 0
        assert s.scalar(select(func.count()).select_from(m.Dossier)) == 0
