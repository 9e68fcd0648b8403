"""Exports: typed data tables, formula injection, Biểu 06a totals equal to the indicators, the CLI."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from cchc_desktop.cli import main
from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.db import Database
from cchc_desktop.core.errors import CchcError
from cchc_desktop.core.indicators import dossier_classes
from cchc_desktop.core.periods import PeriodSpec, periods_for
from cchc_desktop.io.export import TABLES, export_bieu06a, export_kind, write_table
from cchc_desktop.io.importer import import_file

from .helpers import DOSSIERS, one_stop_xlsx, seed_catalogue

FIRST_DATA_ROW = 12


def _bieu_rows(path: Path) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(path).active
    return [r for r in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True) if r[1]]


def test_text_starting_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    values = ["=1+1", "+84 912", "-5 ngày", "@SUM(A1)", '=HYPERLINK("http://x")']
    path = tmp_path / "f.xlsx"
    write_table(path, "T", ["Giá trị", "Số"], [(v, 1) for v in values])
    with zipfile.ZipFile(path) as zf:
        sheet_xml = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    ws = openpyxl.load_workbook(path).active
    assert [ws.cell(r, 1).value for r in range(2, 7)] == values
    assert all(ws.cell(r, 1).data_type == "s" for r in range(2, 7))
    assert ws.cell(2, 2).data_type == "n"


def test_dossier_table_is_typed_styled_frozen_filtered(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    import_file(db, "dossiers", one_stop_xlsx(tmp_path / "os.xlsx"))
    with db.transaction() as s:
        d = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-004"))
        services.update(s, m.Dossier, d.id, {"applicant": "=cmd|' /C calc'!A0"})
    out = export_kind(db, "dossiers", tmp_path / "hs.xlsx")
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header[:2] == ["Mã hồ sơ", "Mã TTHC"] and ws["A1"].font.b
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}5"
    col = {name: i for i, name in enumerate(header)}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [r[0] for r in DOSSIERS]
    first = rows[0]
    assert first[col["Ngày tiếp nhận"]] == dt.datetime(2024, 1, 15)  # a date cell
    assert ws.cell(2, col["Ngày tiếp nhận"] + 1).number_format == "DD/MM/YYYY"
    assert first[col["Hình thức nộp"]] == "Trực tuyến" and first[col["Số lần yêu cầu bổ sung"]] == 0
    assert rows[3][col["Tổ chức, cá nhân nộp"]] == "=cmd|' /C calc'!A0"
    assert ws.cell(5, col["Tổ chức, cá nhân nộp"] + 1).data_type == "s"
    assert ws.column_dimensions["A"].width >= 8


def test_every_table_exports(demo_db: Database, tmp_path: Path) -> None:
    counts = {}
    for kind in TABLES:
        out = export_kind(demo_db, kind, tmp_path / f"{kind}.xlsx")
        wb = openpyxl.load_workbook(out, read_only=True)
        counts[kind] = sum(1 for _ in wb.active.iter_rows()) - 1
        wb.close()
    with demo_db.session() as s:
        assert counts["dossiers"] == len(s.scalars(select(m.Dossier.id)).all())
        assert counts["procedures"] == len(s.scalars(select(m.Procedure.id)).all())
        assert counts["decisions"] == len(s.scalars(select(m.AnnouncementDecision.id)).all()) >= 11
        assert counts["tasks"] == len(s.scalars(select(m.Task.id)).all()) >= 186
    assert counts["survey_forms"] + counts["survey_totals"] > 0


def _check_bieu_against_indicators(db: Database, spec: PeriodSpec, path: Path) -> list[int]:
    export_bieu06a_path = export_kind(db, "bieu06a", path, spec=spec)
    rows = _bieu_rows(export_bieu06a_path)
    assert rows[-1][1] == "Tổng cộng"
    total = list(rows[-1][2:13])
    with db.session() as s:
        expected = list(dossier_classes(s, periods_for(s, spec).dossiers).bieu06a_columns())
    assert total == expected
    body = [list(r[2:13]) for r in rows[:-1]]
    assert [sum(col) for col in zip(*body, strict=True)] == total
    for r in [*body, total]:  # columns 3 = 4+5+6, 7 = 8+9+10, 11 = 12+13
        assert r[0] == r[1] + r[2] + r[3] and r[4] == r[5] + r[6] + r[7] and r[8] == r[9] + r[10]
    return total


def test_bieu06a_total_row_equals_indicators_after_an_import(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    import_file(db, "dossiers", one_stop_xlsx(tmp_path / "os.xlsx"))
    total = _check_bieu_against_indicators(
        db, PeriodSpec.parse("2024-01-01..2024-01-31"), tmp_path / "b.xlsx"
    )
    assert total == [4, 2, 2, 0, 3, 1, 1, 1, 1, 0, 1]  # HS-004 overdue on 31/01


def test_bieu06a_demo_2024(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "bieu.xlsx"
    total = _check_bieu_against_indicators(demo_db, PeriodSpec.parse("2024"), path)
    assert total[3] == 187 and total[0] == 187 + 3620  # SPEC §10: carried over + received
    assert total[4:8] == [3587, 3585, 2, 0]
    ws = openpyxl.load_workbook(path).active
    assert ws["A4"].value.startswith("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC")
    assert ws["A5"].value.endswith("(Từ ngày 15/12/2023 đến ngày 14/12/2024)")
    assert [ws.cell(11, c).value for c in (1, 7, 13)] == ["(1)", "(7)", "(13)"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"C8:F8", "G8:J8", "K8:M8", "D9:E9", "A8:A10"} <= merged
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.cell(FIRST_DATA_ROW, 3).border.left.style == "thin"
    assert isinstance(ws.cell(FIRST_DATA_ROW, 3).value, int)


def test_cli_import_and_export(db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_catalogue(db)
    assert db.path is not None
    url = str(db.path)
    db.close()
    src = one_stop_xlsx(
        tmp_path / "os.xlsx",
        [*DOSSIERS, ("HS-9", "9.9", "", "", "Trực tiếp", "20/01/2024", "25/01/2024", "")],
    )
    rejects = tmp_path / "rej.xlsx"
    code = main(["import", "dossiers", str(src), "--db", url, "--rejects", str(rejects)])
    out = capsys.readouterr().out
    assert code == 2
    assert "Đã nhập 4 mới, cập nhật 0, từ chối 1 dòng." in out
    assert "Dòng 11, cột “Mã TTHC”: Mã TTHC “9.9” chưa có trong danh mục thủ tục hành chính" in out
    assert rejects.exists()
    assert main(["import", "dossiers", str(src), "--db", url, "--all-or-nothing"]) == 1
    assert "không có dòng nào được lưu" in capsys.readouterr().out
    assert (
        main(
            [
                "export",
                "bieu06a",
                "--period",
                "2024-01-01..2024-01-31",
                "--out",
                str(tmp_path / "b.xlsx"),
                "--db",
                url,
            ]
        )
        == 0
    )
    assert main(["export", "dossiers", "--out", str(tmp_path / "d.xlsx"), "--db", url]) == 0
    assert _bieu_rows(tmp_path / "b.xlsx")[-1][2] == 4
    assert main(["export", "bieu06a", "--out", str(tmp_path / "c.xlsx"), "--db", url]) != 0
    assert "kỳ báo cáo" in capsys.readouterr().err


def test_export_bieu06a_direct(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    with db.transaction() as s:
        services.create(s, m.Field, {"name": '=HYPERLINK("http://x")', "sort_order": 3})
    with db.session() as s:
        path = export_bieu06a(s, PeriodSpec.parse("2024"), tmp_path / "x.xlsx")
    rows = _bieu_rows(path)
    assert [r[1] for r in rows] == [
        "Dược phẩm",
        "Khám bệnh, chữa bệnh",
        '=HYPERLINK("http://x")',
        "Tổng cộng",
    ]
    assert list(rows[-1][2:13]) == [0] * 11
    with zipfile.ZipFile(path) as zf:
        assert "<f>" not in zf.read("xl/worksheets/sheet1.xml").decode()  # the field name stays text


def test_export_a_table_for_a_period(demo_db: Database, tmp_path: Path) -> None:
    """``export KIND --period P``: the dossiers Biểu 06a counts (carried over + received: 187 + 3.620), the
    months of document counts; a table without periods is one clear sentence."""

    def rows(kind: str) -> list[tuple[object, ...]]:
        out = export_kind(demo_db, kind, tmp_path / f"{kind}.xlsx", spec="2024", only_period=True)
        return list(openpyxl.load_workbook(out).active.iter_rows(min_row=2, values_only=True))

    dossiers = rows("dossiers")
    assert len(dossiers) == 187 + 3620
    with demo_db.session() as s:
        assert len(dossiers) < len(s.scalars(select(m.Dossier.id)).all())
        months = {(d.year, d.month) for d in s.scalars(select(m.DocumentCount))}
    documents = rows("documents")
    assert [(r[0], r[1]) for r in documents] == [(2024, mo) for mo in range(1, 13)]
    assert {(2024, mo) for mo in range(1, 13)} < months  # other years exist and were left out
    with pytest.raises(CchcError, match="không chia theo kỳ"):
        rows("procedures")


def test_command_line_offers_every_export_kind() -> None:
    from cchc_desktop.commands import export as command
    from cchc_desktop.io.export import EXPORT_KINDS

    assert command.EXPORT_KINDS == EXPORT_KINDS


def test_bieu06a_has_the_printed_forms_place_date_and_signatures(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session() as s:
        path = export_bieu06a(s, PeriodSpec.parse("2024"), tmp_path / "b.xlsx", date=dt.date(2024, 12, 16))
    ws = openpyxl.load_workbook(path).active
    assert ws["I1"].value == "Đơn vị báo cáo: Sở Y tế tỉnh Khánh Hòa"
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "Khánh Hòa, ngày 16 tháng 12 năm 2024" in values
    assert values.index("NGƯỜI LẬP BIỂU") < values.index("THỦ TRƯỞNG ĐƠN VỊ") < values.index("Lê Văn Khoa")
    assert "(Ký, ghi rõ họ tên)" in values and "(Ký tên, đóng dấu)" in values
    assert _bieu_rows(path)[-1][1] == "Tổng cộng"  # the signature lines are not data rows
