"""``io.lane`` only proves rows plain: every row it takes gives exactly the driver row the row path
(``importer._parse_cells`` → ``_dossier_values`` → ``bulk.DossierRules.prepare`` → the writer) gives,
on registers full of doubtful cells — and the rows naming a procedure or a unit the row path settles
take the lane from the next chunk on."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.db import Database
from cchc_desktop.io import importer, sheets
from cchc_desktop.io.bulk import DossierRules, DossierWriter
from cchc_desktop.io.catalogue import Catalogue
from cchc_desktop.io.lane import SLOW, DossierLane, usable

from .helpers import write_xlsx

HEADER = ["Số hồ sơ", "Mã TTHC", "Đơn vị xử lý", "Mã đơn vị", "Người nộp", "Hình thức nộp", "Ngày tiếp nhận",
          "Ngày hẹn trả", "Ngày trả kết quả", "Trạng thái", "Số lần bổ sung", "Ghi chú"]  # fmt: skip
TODAY = dt.date.today()
UNIT_CELLS = [  # (unit cell, unit code cell)
    (None, None), ("Sở Y tế", None), ("Chi cục An toàn vệ sinh thực phẩm", "000.20.17.H23"),
    (None, "000.20.17.H23"), ("Phòng Nghiệp vụ Dược - Sở Y tế", "000.01.17.H23"), ("Trung tâm Mới", None),
    ("  Sở Y tế ", None), (12.0, None), ("Chi cục An toàn vệ sinh thực phẩm", "000.99.17.H23"),
]
TEXTS = [None, "Nguyễn Văn An", "Trần Thị Bình", " Lê Văn Cường", "Ngô\u00a0Thị Dung", "Nguye\u0302\u0303n", "",
         "x" * 301, "=HYPERLINK(\"x\")", "Hồ sơ\tcó tab", 42]  # fmt: skip
CHANNELS = [None, "Trực tuyến", "Trực tiếp", "Bưu chính công ích", "Qua mạng", "Fax", ""]
OUTCOMES = [None, None, None, "Đã giải quyết", "Trả lại", "Rút hồ sơ", "Không rõ"]
SUPPLEMENTS = [None, 0, 1, 2.0, -1, "3", "ba", True]


def _day(rng: random.Random) -> Any:
    """A date cell, a datetime, a text date in several forms, or something doubtful."""
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(400))
    return rng.choice([
        day, dt.datetime.combine(day, dt.time(rng.randrange(7, 18), 30)), day.strftime("%d/%m/%Y"),
        day.strftime("%d-%m-%Y"), f"{day:%d/%m/%Y} 08:30", "31/02/2024", "", None, TODAY + dt.timedelta(days=400),
        dt.date(1899, 12, 31), 45000.0,
    ])  # fmt: skip


def _register(rows: int, seed: int) -> list[list[Any]]:
    """Data rows, in memory (a file could not carry some of the cells a reader may still give)."""
    rng = random.Random(seed)
    out: list[list[Any]] = []
    for i in range(rows):
        received = _day(rng)
        due, resolved = _day(rng), rng.choice([None, None, _day(rng)])
        if rng.random() < 0.6 and isinstance(received, dt.date):  # mostly plausible rows
            base = received if type(received) is dt.date else received.date()
            due = base + dt.timedelta(days=rng.randrange(-1, 15))
            resolved = rng.choice([None, base + dt.timedelta(days=rng.randrange(-1, 20))])
        unit, unit_code = rng.choice(UNIT_CELLS)
        if rng.random() < 0.4:  # a plain row
            day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(400))
            out.append([f"HS-{seed}-{i:05d}", rng.choice(["1.001", "2.002"]), *rng.choice(UNIT_CELLS[:5]),
                        f"Nguyễn Văn {i}", rng.choice(CHANNELS[:4]), day, day + dt.timedelta(days=7),
                        rng.choice([None, day + dt.timedelta(days=rng.randrange(10))]), None, rng.choice([0, 1]),
                        None])  # fmt: skip
            continue
        out.append([
            rng.choice([f"HS-{seed}-{i:05d}", f"HS-{i}", f" HS-{i}", f"HS–{i}", f"Hồ-{i}", "", None, f"HS  {i}"]),
            rng.choice(["1.001", "1.001", "2.002", "3.003", " 1.001", "9.999", None, 1.001]),
            unit, unit_code, rng.choice(TEXTS), rng.choice(CHANNELS), received, due, resolved,
            rng.choice(OUTCOMES), rng.choice(SUPPLEMENTS), rng.choice([None, None, "ghi chú", "ý kiến\x07"]),
        ])  # fmt: skip
    return out


def _catalogue(db: Database) -> None:
    with db.transaction() as s:
        f1 = services.create(s, m.Field, {"name": "Dược phẩm", "sort_order": 1})
        dept = services.create(s, m.Unit, {"name": "Sở Y tế", "is_department": True})
        food = services.create(s, m.Unit, {"name": "Chi cục An toàn vệ sinh thực phẩm", "code": "000.20.17.H23"})
        for code, unit, days in (("1.001", dept, 5), ("2.002", food, None)):
            services.create(s, m.Procedure, {"code": code, "name": f"Thủ tục {code}", "field_id": f1.id,
                                             "unit_id": unit.id, "resolution_days": days})  # fmt: skip


def _row_path(rules: DossierRules, writer: DossierWriter, header: Any, procedures: dict[str, Any],
              units: Catalogue, cells: list[Any]) -> Any:
    """The driver row the row path gives for a new dossier, or the reason it refuses the row."""
    try:
        parsed = importer._parse_cells(header, cells)
        if not parsed.get("code"):
            return "thiếu số hồ sơ"
        values = importer._dossier_values(parsed, procedures, units)
        return writer.driver_row(rules.prepare(values, None))
    except (importer.RowError, services.ValidationError) as exc:
        return ("refused", str(exc))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_row_the_lane_takes_is_the_row_paths_row(db: Database, tmp_path: Path, seed: int) -> None:
    _catalogue(db)
    src = importer.open_source("dossiers", write_xlsx(tmp_path / "ho-so.xlsx", [HEADER, ["HS-0"]]))
    rows = list(sheets._clean_rows(tmp_path / "ho-so.xlsx", enumerate(_register(600, seed), 2)))  # as read
    with db.transaction() as s:
        procedures = {pr.code: pr for pr in s.query(m.Procedure)}
        units = Catalogue(s, "kiem-thu", create=True)
        rules = DossierRules(s, {pr.id: pr for pr in procedures.values()})
        writer = DossierWriter(s, "kiem-thu")
        assert usable(src.header, writer)
        lane = DossierLane(src.header, writer, procedures, "kiem-thu", units)
        taken: list[int] = []
        for _round in range(2):  # the second time, the units the row path resolved take the lane
            lane_rows = lane.rows(rows)
            taken.append(sum(row is not SLOW for row in lane_rows))
            for (number, cells), row in zip(rows, lane_rows, strict=True):
                expected = _row_path(rules, writer, src.header, procedures, units, cells)
                if row is not SLOW:
                    assert row == expected, (number, cells)
        s.rollback()
    # Neither all slow nor all taken: the lane takes the plain rows and leaves the doubtful ones.
    assert 0 < taken[0] < taken[1] < len(rows)


def test_a_day_one_register_takes_the_lane_once_units_and_procedures_exist(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the importer: the units and procedures the first chunk creates, later chunks reuse
    from the lane, and known units take it at once; the dossiers are the row path's (unit of the cell,
    else the procedure's)."""
    _catalogue(db)
    out: list[list[Any]] = [HEADER]
    for i in range(300):
        unit, code = UNIT_CELLS[1 + i % 4]
        out.append([f"HS-{i:04d}", ["1.001", "4.004"][i % 2], unit, code, f"Người nộp {i}", "Trực tiếp",
                    dt.date(2024, 3, 1), dt.date(2024, 3, 8), None, None, None, None])  # fmt: skip
    path = write_xlsx(tmp_path / "ngay-dau.xlsx", out)
    parsed: list[int] = []
    real = importer._parse_cells

    def counting(header: Any, cells: list[Any]) -> dict[str, Any]:
        parsed.append(1)
        return real(header, cells)

    monkeypatch.setattr(importer, "_parse_cells", counting)
    monkeypatch.setattr(importer, "CHUNK", 100)
    result = importer.import_file(db, "dossiers", path, create_missing=True)
    assert (result.imported, result.rejects, result.created_procedures) == (300, [], 1)
    # The first chunk's rows naming the new procedure (odd rows) or a room not yet recorded as an alias
    # (i % 4 == 3, odd too) took the row path; its rows naming known units as they are took the lane,
    # and so did every later row.
    assert len(parsed) == 50
    with db.session() as s:
        food = s.query(m.Unit).filter_by(code="000.20.17.H23").one()
        dept = s.query(m.Unit).filter_by(is_department=True).one()
        by_code = {d.code: d.unit_id for d in s.query(m.Dossier)}
    assert by_code["HS-0000"] == dept.id  # ("Sở Y tế", no code)
    assert by_code["HS-0101"] == food.id and by_code["HS-0102"] == food.id  # the unit cells, not the procedure's
    assert by_code["HS-0103"] == dept.id  # a room of the department is the department
