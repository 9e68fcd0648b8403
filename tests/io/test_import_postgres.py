"""The dossier import on PostgreSQL: the bulk path (count trigger dropped and rebuilt), updates, rollback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from cchc_desktop.core import models as m
from cchc_desktop.core.indicators import dossier_classes, dossier_counts_drift
from cchc_desktop.core.periods import Period
from cchc_desktop.io import importer
from cchc_desktop.io.export import export_kind
from cchc_desktop.io.importer import import_file
from tests import pg

from .helpers import DOSSIERS, dossier_codes, flat_rows, one_stop_xlsx, seed_catalogue, write_xlsx

pytestmark = pytest.mark.skipif(pg.server_bin() is None, reason="PostgreSQL server binaries not installed")


def test_import_on_postgresql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psycopg")
    from cchc_desktop.core.db import open_database

    with pg.temporary_cluster() as url:
        db = open_database(url)
        try:
            seed_catalogue(db)
            monkeypatch.setattr(importer, "BULK_THRESHOLD", 0)
            path = one_stop_xlsx(tmp_path / "os.xlsx")
            assert import_file(db, "dossiers", path).imported == 4
            again = import_file(db, "dossiers", path)
            assert (again.imported, again.updated, again.rejects) == (0, 4, [])
            with db.session() as s:
                assert dossier_counts_drift(s) == (4, 4, 3, 3)
                c = dossier_classes(s, Period.between(dt.date(2024, 1, 1), dt.date(2024, 1, 31)))
                assert (c.received, c.received_online, c.resolved, c.early, c.on_time, c.late) == (4, 2, 3, 1, 1, 1)
            monkeypatch.setattr(importer, "CHUNK", 1)
            real = importer._parse_cells
            calls: list[int] = []

            def failing(header: object, cells: list[object]) -> object:
                calls.append(1)
                if len(calls) == 3:
                    raise RuntimeError("injected")
                return real(header, cells)  # type: ignore[arg-type]

            monkeypatch.setattr(importer, "_parse_cells", failing)
            with pytest.raises(RuntimeError, match="injected"):
                import_file(db, "dossiers", write_xlsx(tmp_path / "b.xlsx", flat_rows(
                    [(f"HS-7{i}", *DOSSIERS[0][1:]) for i in range(4)])))
            assert dossier_codes(db) == [r[0] for r in DOSSIERS]
            with db.transaction() as s:  # the count trigger is back
                proc = s.scalar(select(m.Procedure).where(m.Procedure.code == "1.001"))
                from cchc_desktop.core import services

                services.create(s, m.Dossier, {"code": "HS-T", "procedure_id": proc.id,
                                               "received_on": dt.date(2024, 2, 1), "due_on": dt.date(2024, 2, 5)})
            with db.session() as s:
                assert dossier_counts_drift(s) == (5, 5, 3, 3)
            # A decision with its TTHC codes, exported with them listed in one cell (string_agg here).
            decisions = write_xlsx(tmp_path / "d.xlsx", [
                ["Số quyết định", "Ngày quyết định", "Trích yếu", "Mã TTHC"],
                ["108/QĐ-UBND", "15/01/2024", "Công bố TTHC", "1.001; 2.002"],
            ])  # fmt: skip
            assert import_file(db, "decisions", decisions).imported == 1
            out = export_kind(db, "decisions", tmp_path / "d-out.xlsx")
            sheet = load_workbook(out, read_only=True).active
            header, row = list(sheet.iter_rows(max_row=2, values_only=True))
            assert row[header.index("Mã TTHC")] in ("1.001, 2.002", "2.002, 1.001")
        finally:
            db.close()
