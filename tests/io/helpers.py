"""Fixture files the io tests generate: one-stop exports with title rows, merged two-row headers,
text dates, .xls-like variants, CSV in UTF-8 (BOM) and the Windows code page."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.db import Database

TITLE = "DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT"
SUB = ("Số hồ sơ", "Mã TTHC", "Tên thủ tục", "Người nộp", "Kênh nộp")
GROUP = "Thời gian"
DATES = ("Ngày nhận", "Hạn xử lý", "Ngày có kết quả")

# code, procedure code, name, applicant, channel, received, due, resolved
DOSSIERS: list[tuple[Any, ...]] = [
    ("HS-001", "1.001", "Cấp phép A", "Nguyễn Văn An", "Trực tuyến", "15/01/2024 08:30", "19/01/2024", "18/01/2024"),
    ("HS-002", "1.001", "Cấp phép A", "Trần Thị Bình", "Trực tiếp", "16/01/2024", "22/01/2024", "22/01/2024"),
    ("HS-003", "2.002", "Cấp phép B", "Lê Văn Cường", "Bưu chính công ích", "17-01-2024", "24/01/2024", "26/01/2024"),
    ("HS-004", "2.002", "Cấp phép B", "=HYPERLINK(\"x\")", "Qua mạng", "18/01/2024", "25/01/2024", ""),
]


def seed_catalogue(db: Database) -> None:
    """Two fields, one unit and the procedures 1.001 and 2.002."""
    with db.transaction() as s:
        f1 = services.create(s, m.Field, {"name": "Dược phẩm", "sort_order": 1})
        f2 = services.create(s, m.Field, {"name": "Khám bệnh, chữa bệnh", "sort_order": 2})
        unit = services.create(s, m.Unit, {"name": "Sở Y tế", "is_department": True})
        services.create(s, m.Procedure, {"code": "1.001", "name": "Cấp phép A", "field_id": f1.id, "unit_id": unit.id})
        services.create(s, m.Procedure, {"code": "2.002", "name": "Cấp phép B", "field_id": f2.id, "unit_id": unit.id})


def one_stop_xlsx(path: Path, rows: Sequence[Sequence[Any]] = DOSSIERS, *, date_cells: bool = False) -> Path:
    """A one-stop export: two title rows, a blank row, a merged two-row header, a numbering row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws["A1"] = "SỞ Y TẾ"
    ws["A2"] = TITLE
    ws.merge_cells("A2:H2")
    top = 4
    for col, name in enumerate(SUB, 1):
        ws.cell(top, col, name)
        ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
    ws.cell(top, 6, GROUP)
    ws.merge_cells(start_row=top, start_column=6, end_row=top, end_column=8)
    for i, name in enumerate(DATES):
        ws.cell(top + 1, 6 + i, name)
    for col in range(1, 9):
        ws.cell(top + 2, col, f"({col})")
    for r, row in enumerate(rows, top + 3):
        for c, value in enumerate(row, 1):
            if date_cells and c >= 6 and isinstance(value, str) and value:
                from cchc_desktop.io.parsing import parse_datetime

                day, time = parse_datetime(value)  # type: ignore[misc]
                value = dt.datetime.combine(day, time) if time else day
            if value != "":
                ws.cell(r, c, value)
    wb.save(path)
    return path


def flat_rows(rows: Sequence[Sequence[Any]] = DOSSIERS, *, accents: bool = True) -> list[list[Any]]:
    header = ["Số hồ sơ", "Mã TTHC", "Tên thủ tục", "Người nộp", "Kênh nộp", "Ngày nhận", "Hạn xử lý",
              "Ngày có kết quả"]
    if not accents:
        header = ["So ho so", "MA THU TUC", "Ten thu tuc", "Nguoi nop", "Hinh thuc nop", "Ngay tiep nhan",
                  "Ngay hen tra", "Ngay tra ket qua"]
    return [header, *[list(r) for r in rows]]


def write_csv(path: Path, rows: list[list[Any]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def dossier_codes(db: Database) -> list[str]:
    from sqlalchemy import select

    with db.session() as s:
        return list(s.scalars(select(m.Dossier.code).order_by(m.Dossier.code)))


def schema(db: Database) -> list[tuple[str, str, str]]:
    """The dossier table's definition, indexes and triggers as SQLite stores them."""
    from sqlalchemy import text

    with db.session() as s:
        return [tuple(r) for r in s.execute(text(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'dossier' ORDER BY type, name"))]
