"""A generated one-stop register as a province's software exports it on day one: title rows above
the header, the handling unit written as a room of the department, a subordinate unit or a district
office — with the one-stop unit code in the same cell, in a column of its own, or missing — and fields
the default catalogue lacks. Deterministic for a seed; used by tests/io/test_day_one.py and by
bench/bench_day_one.py (the 100.000-row run)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

# (name as the software writes it, its one-stop code, the unit it means after import)
UNITS: tuple[tuple[str, str, str], ...] = (
    ("Phòng Nghiệp vụ Dược - Sở Y tế", "000.01.17.H23", "Sở Y tế"),
    ("Phòng Kế hoạch - Tài chính - Sở Y tế", "000.02.17.H23", "Sở Y tế"),
    ("Văn phòng Sở", "000.03.17.H23", "Sở Y tế"),
    ("Chi cục An toàn vệ sinh thực phẩm", "000.20.17.H23", "Chi cục An toàn vệ sinh thực phẩm"),
    ("Trung tâm Giám định y khoa - Sở Y tế", "000.21.17.H23", "Trung tâm Giám định y khoa"),
    ("UBND huyện Kim Bôi - Phòng Y tế", "000.00.05.H23", "UBND huyện Kim Bôi - Phòng Y tế"),
)
# Fields: two of the default catalogue, two it lacks ("Tổ chức cán bộ" is a default one).
FIELDS = ("Dược phẩm", "An toàn thực phẩm và dinh dưỡng", "Đào tạo", "Tổ chức cán bộ", "Nghiên cứu khoa học")
NEW_FIELDS = ("Đào tạo", "Nghiên cứu khoa học")
PROCEDURES = 40
HEADER = ["STT", "Số hồ sơ", "Mã TTHC", "Tên thủ tục hành chính", "Lĩnh vực", "Đơn vị xử lý", "Mã đơn vị",
          "Người nộp", "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả"]  # fmt: skip
CHANNELS = ("Trực tuyến", "Trực tiếp", "Bưu chính công ích")


@dataclass
class Register:
    path: Path
    rows: int
    unit_rows: Counter[str] = field(default_factory=Counter)  # by UNITS name
    procedures: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # code → name, field, unit name


def write_register(path: Path, rows: int, seed: int = 14) -> Register:
    rng = random.Random(seed)
    reg = Register(path, rows)
    procs = []
    for i in range(PROCEDURES):
        code = f"1.{4600 + i:06d}"
        unit = UNITS[i % len(UNITS)]
        fld = FIELDS[i % len(FIELDS)]
        procs.append((code, f"Thủ tục thử nghiệm số {i + 1}", fld, unit))
        reg.procedures[code] = (f"Thủ tục thử nghiệm số {i + 1}", fld, unit[2])
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách hồ sơ")
    ws.append(["UBND TỈNH HÒA BÌNH"])
    ws.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN VÀ GIẢI QUYẾT (Từ ngày 15/12/2023 đến ngày 14/12/2024)"])
    ws.append([])
    ws.append(HEADER)
    start = dt.date(2023, 12, 15)
    for n in range(1, rows + 1):
        code, name, fld, (unit_name, unit_code, _meaning) = procs[rng.randrange(PROCEDURES)]
        received = start + dt.timedelta(days=rng.randrange(300))
        due = received + dt.timedelta(days=rng.randrange(3, 20))
        resolved = received + dt.timedelta(days=rng.randrange(1, 20)) if rng.random() < 0.9 else None
        style = n % 3
        if style == 0:  # the code inside the unit cell
            unit_cell, code_cell = f"{unit_code} - {unit_name}", None
        elif style == 1:  # in a column of its own
            unit_cell, code_cell = unit_name, unit_code
        else:  # no code at all
            unit_cell, code_cell = unit_name, None
        reg.unit_rows[unit_name] += 1
        ws.append([
            n, f"H23.17-{received:%y%m%d}-{n:06d}", code, name, fld, unit_cell, code_cell,
            f"Người nộp {n}", CHANNELS[n % 3], received.strftime("%d/%m/%Y") + " 08:30",
            due.strftime("%d/%m/%Y"), resolved.strftime("%d/%m/%Y") if resolved else None,
        ])  # fmt: skip
    wb.save(path)
    return reg
