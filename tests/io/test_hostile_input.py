"""Hostile input (issue 12 item 7): every file is generated here, small; each gets one Vietnamese
sentence (or a per-row rejection) and the database is left as the rules want it. Cases that would take
the process down before their fix run in a child process, so a regression cannot take pytest with it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select, text

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.db import Database
from cchc_desktop.core.errors import CchcError, ValidationError
from cchc_desktop.core.text import code_key
from cchc_desktop.io import readers, sheets
from cchc_desktop.io.importer import import_file
from cchc_desktop.io.readers import ImportFileError
from cchc_desktop.io.sheets import open_sheet

from .helpers import dossier_codes, seed_catalogue
from .test_reader_safety import FIXTURES, _cell, one_sentence, raw_xlsx, table_counts

CHILD_OPEN = """
import sys
from cchc_desktop.core.errors import CchcError
from cchc_desktop.io.sheets import open_sheet
try:
    for _row in open_sheet(sys.argv[1]).rows:
        pass
    print("ĐỌC XONG")
except CchcError as exc:
    print(exc.message)
"""


def open_in_child(path: Path) -> str:
    """What ``open_sheet`` says about ``path``, run in a child process (a crash is a failed assert)."""
    proc = subprocess.run([sys.executable, "-c", CHILD_OPEN, str(path)], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc.stdout.strip()


# --------------------------------------------------------------------------- .xlsx far cells


@pytest.mark.parametrize(
    "far",
    [
        "<c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c>",  # single quotes
        '<c t="inlineStr" r="XFD1048576"><is><t>x</t></is></c>',  # another attribute before r
        '<c s="0"\n r = "XFD1048576" t="inlineStr"><is><t>x</t></is></c>',  # blanks around "="
        "<c r='xfd1048576' t='inlineStr'><is><t>x</t></is></c>",  # lower case
    ],
    ids=["single-quotes", "t-before-r", "blanks", "lower-case"],
)
def test_a_far_cell_written_unusually_is_refused_not_a_crash(tmp_path: Path, far: str) -> None:
    sheet = (
        f"<sheetData><row r=\"1\">{_cell('A1', 'Số hồ sơ')}</row>"
        f"<row r='1048576'>{far}</row></sheetData></worksheet>"
    )
    path = raw_xlsx(tmp_path / "xa.xlsx", sheet)
    assert path.stat().st_size < 2048
    message = open_in_child(path)
    assert "có dữ liệu tới cột XFD" in message or "vượt giới hạn" in message, message


def test_a_reference_hidden_in_a_character_reference_is_refused(tmp_path: Path) -> None:
    sheet = (
        f"<sheetData><row r=\"1\">{_cell('A1', 'Số hồ sơ')}</row>"
        "<row r=\"2\"><c r=\"&#88;FD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData></worksheet>"
    )
    message = open_in_child(raw_xlsx(tmp_path / "ma.xlsx", sheet))
    assert "tham chiếu ô viết bằng mã ký tự" in message


def test_row_numbers_written_unusually_count_too(tmp_path: Path) -> None:
    sheet = (
        f"<sheetData><row r=\"1\">{_cell('A1', 'Số hồ sơ')}</row>"
        "<row spans='1:1' r='1048577'><c t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData></worksheet>"
    )
    with pytest.raises(ImportFileError, match="vượt giới hạn 1.048.576 dòng"):
        readers.check_xlsx(raw_xlsx(tmp_path / "dong.xlsx", sheet))


# --------------------------------------------------------------------------- corrupt .xls


def corrupt_xls(tmp_path: Path, patches: list[tuple[int, int]], name: str) -> Path:
    """The committed 5,5 KB .xls fixture with a few bytes changed (found by fuzzing python-calamine)."""
    data = bytearray((FIXTURES / "one_stop.xls").read_bytes())
    for offset, value in patches:
        data[offset] = value
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return path


def test_an_xls_that_makes_the_reader_panic_is_one_sentence(tmp_path: Path, db: Database) -> None:
    path = corrupt_xls(tmp_path, [(1567, 255)], "hoang.xls")  # a Rust panic: slice index out of range
    before = table_counts(db)
    with pytest.raises(CchcError, match="bị hỏng hoặc không đọc được") as info:
        import_file(db, "dossiers", path)
    one_sentence(info.value, "hoang.xls")
    assert table_counts(db) == before


def test_an_xls_that_asks_for_tens_of_gigabytes_is_one_sentence(tmp_path: Path) -> None:
    """Four bytes make calamine ask for 34 GB; the allocation failure aborts the reading process — the
    child's, not the app's."""
    path = corrupt_xls(tmp_path, [(3119, 127), (3150, 128), (1254, 101), (3121, 128)], "phinh.xls")
    assert "bị hỏng hoặc không đọc được" in open_in_child(path)


def test_the_xls_child_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A child that dies (here: killed by its wall-clock bound at once) is a sentence too, and a good
    .xls still reads through the child with its dates."""
    from cchc_desktop.io import xls

    good = open_sheet(FIXTURES / "one_stop.xls")
    assert dict(good.rows)[7][5] == dt.datetime(2024, 1, 15, 8, 30)
    monkeypatch.setattr(xls, "WALL_SECONDS", 0)
    with pytest.raises(CchcError, match="bị hỏng hoặc không đọc được"):
        list(open_sheet(FIXTURES / "one_stop.xls").rows)


# --------------------------------------------------------------------------- text budget


def shared_string_xlsx(path: Path, text: str, cells: int) -> Path:
    """A sheet whose ``cells`` cells all use one shared string ``text``."""
    rows = [f"<row r=\"1\">{_cell('A1', 'Số hồ sơ')}{_cell('B1', 'Ghi chú')}</row>"]
    rows += [f'<row r="{r}"><c r="B{r}" t="s"><v>0</v></c></row>' for r in range(2, cells + 2)]
    sheet = '<sheetData>' + "".join(rows) + "</sheetData></worksheet>"
    raw_xlsx(path, sheet)
    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="{cells}" uniqueCount="1"><si><t>{text}</t></si></sst>'
    )
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", shared)
    return path


def test_one_long_shared_string_in_many_cells_is_refused(tmp_path: Path) -> None:
    """32 KB × 40.000 cells: a 0,8 MB file that would be 1,3 billion characters (1,6 GB read, 1,3 GB stored)."""
    path = shared_string_xlsx(tmp_path / "lap.xlsx", "Chữ " * 8192, 40_000)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(ImportFileError, match="quá nhiều chữ trong các ô") as info:
        open_sheet(path)
    one_sentence(info.value, "lap.xlsx")


def test_much_shared_text_streams_and_the_budget_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = shared_string_xlsx(tmp_path / "vua.xlsx", "Ghi chú dài " * 100, 200)
    scan = readers.check_xlsx(path)
    assert scan.text_chars == 0 and not scan.needs_streaming  # small: no count, calamine reads it
    monkeypatch.setattr(readers, "CALAMINE_MAX_TEXT", 1_000)
    scan = readers.check_xlsx(path)
    assert scan.needs_streaming and scan.text_chars >= 200 * 1200  # counted: openpyxl keeps it once
    monkeypatch.setattr(sheets, "TEXT_BUDGET", 100_000)  # the budget while reading, whatever the reader
    with pytest.raises(CchcError, match="quá nhiều chữ"):
        list(open_sheet(path).rows)
    csv = tmp_path / "dai.csv"
    csv.write_text("Số hồ sơ;Ghi chú\n" + "".join(f"HS-{i};{'x' * 1000}\n" for i in range(200)), encoding="utf-8")
    with pytest.raises(CchcError, match="quá nhiều chữ"):
        list(open_sheet(csv).rows)


# --------------------------------------------------------------------------- CSV


def test_a_stray_byte_in_a_utf8_csv_is_a_row_error_not_mojibake(tmp_path: Path, db: Database) -> None:
    seed_catalogue(db)
    lines = [
        "Số hồ sơ;Mã TTHC;Người nộp;Ngày nhận;Ngày hẹn trả",
        "HS-1;1.001;Nguyễn Văn An;15/01/2024;19/01/2024",
        "HS-2;1.001;Trần Thị \xffBình;16/01/2024;22/01/2024",  # the stray byte, inside the encoding sample
        "HS-3;1.001;Lê Văn Cường;17/01/2024;24/01/2024",
    ]
    data = "\r\n".join(lines).encode("utf-8").replace("\xff".encode(), b"\xff")
    path = tmp_path / "le.csv"
    path.write_bytes(data)
    result = import_file(db, "dossiers", path)
    assert result.imported == 2
    [reject] = result.rejects
    assert (reject.row, reject.column) == (3, "Người nộp")
    assert reject.reason.startswith("Dòng có ký tự không đọc được theo bảng mã UTF-8")
    with db.session() as s:
        names = dict(s.execute(select(m.Dossier.code, m.Dossier.applicant)).all())
    assert names == {"HS-1": "Nguyễn Văn An", "HS-3": "Lê Văn Cường"}


def test_a_cp1258_csv_is_still_cp1258(tmp_path: Path) -> None:
    from .test_readers import to_cp1258

    path = tmp_path / "cu.csv"
    path.write_bytes(b"\r\n".join(to_cp1258(line) for line in ["Số hồ sơ;Người nộp", "HS-1;Nguyễn Văn An"]))
    assert [cells for _n, cells in open_sheet(path).rows] == [["Số hồ sơ", "Người nộp"], ["HS-1", "Nguyễn Văn An"]]


def test_a_csv_wider_than_1000_columns_is_refused_not_cut(tmp_path: Path) -> None:
    path = tmp_path / "rong.csv"
    path.write_text("Số hồ sơ;" + ";".join(f"C{i}" for i in range(1200)) + "\nHS-1;x\n", encoding="utf-8")
    with pytest.raises(CchcError, match="có 1201 cột, quá 1.000 cột") as info:
        list(open_sheet(path).rows)
    one_sentence(info.value, "rong.csv")


def test_control_characters_are_removed_at_input(tmp_path: Path, db: Database) -> None:
    seed_catalogue(db)
    path = tmp_path / "dieu-khien.csv"
    path.write_text(
        "Số hồ sơ;Mã TTHC;Người nộp;Ngày nhận;Ngày hẹn trả;Ghi chú\n"
        "HS-1;1.001;Nguyễn\x01 Văn\x0b An;15/01/2024;19/01/2024;ghi\x1b chú\x07\n",
        encoding="utf-8",
    )
    result = import_file(db, "dossiers", path)
    assert (result.imported, result.rejects) == (1, [])
    with db.session() as s:
        row = s.execute(select(m.Dossier.applicant, m.Dossier.note)).one()
    assert tuple(row) == ("Nguyễn Văn An", "ghi chú")
    with db.transaction() as s:  # forms and the CLI go through services: the same
        unit = services.create(s, m.Unit, {"name": "Phòng\x00 Một\x1f cửa\ufffe"})
        assert unit.name == "Phòng Một cửa"


# --------------------------------------------------------------------------- bounds


def test_a_huge_count_is_a_row_rejection(tmp_path: Path, db: Database) -> None:
    seed_catalogue(db)
    path = tmp_path / "so.csv"
    path.write_text(
        "Số hồ sơ;Mã TTHC;Ngày nhận;Ngày hẹn trả;Số lần bổ sung\n"
        "HS-1;1.001;15/01/2024;19/01/2024;99999999999999999999\n"
        "HS-2;1.001;15/01/2024;19/01/2024;2\n",
        encoding="utf-8",
    )
    result = import_file(db, "dossiers", path)
    assert result.imported == 1
    [reject] = result.rejects
    assert (reject.row, reject.column) == (2, "Số lần bổ sung") and "quá lớn" in reject.reason
    docs = tmp_path / "vb.csv"
    docs.write_text("Năm;Tháng;Văn bản đi\n2024;1;99999999999999999999\n2024;2;12\n", encoding="utf-8")
    result = import_file(db, "documents", docs)
    assert result.imported == 1 and [r.row for r in result.rejects] == [2]
    with db.transaction() as s, pytest.raises(ValidationError, match="quá lớn"):
        services.create(s, m.DocumentCount, {"year": 2024, "month": 3, "outgoing": 10**20})


def test_a_resolution_time_of_99999999_days_is_refused(tmp_path: Path, db: Database) -> None:
    path = tmp_path / "tt.csv"
    path.write_text(
        "Mã TTHC;Tên TTHC;Thời hạn giải quyết\n3.003;Cấp phép C;99999999 ngày\n4.004;Cấp phép D;10 ngày làm việc\n",
        encoding="utf-8",
    )
    result = import_file(db, "procedures", path)
    assert result.imported == 1
    [reject] = result.rejects
    assert reject.row == 2 and "quá dài (tối đa 730 ngày)" in reject.reason
    with db.transaction() as s, pytest.raises(ValidationError, match="quá dài \\(tối đa 730 ngày\\)"):
        services.create(s, m.Procedure, {"code": "5.005", "name": "E", "resolution_days": 99_999_999})


def test_a_stored_absurd_resolution_time_breaks_only_its_own_rows(tmp_path: Path, db: Database) -> None:
    seed_catalogue(db)
    with db.transaction() as s:  # stored before the bound existed
        s.execute(text("UPDATE procedure SET resolution_days = 99999999 WHERE code = '2.002'"))
    path = tmp_path / "hs.csv"
    path.write_text(
        "Số hồ sơ;Mã TTHC;Ngày nhận\nHS-1;2.002;15/01/2024\nHS-2;1.001;15/01/2024\n", encoding="utf-8"
    )
    with db.transaction() as s:
        s.execute(text("UPDATE procedure SET resolution_days = 5 WHERE code = '1.001'"))
    result = import_file(db, "dossiers", path)
    assert result.imported == 1
    [reject] = result.rejects
    assert reject.row == 2 and "thời hạn giải quyết 99999999 ngày" in reject.reason


@pytest.mark.parametrize("day", ["01/01/0001", "1000-06-15", "31/12/1899"])
def test_dates_before_1900_are_refused_per_row(tmp_path: Path, db: Database, day: str) -> None:
    seed_catalogue(db)
    path = tmp_path / "ngay.csv"
    path.write_text(
        f"Số hồ sơ;Mã TTHC;Ngày nhận;Ngày hẹn trả\nHS-1;1.001;{day};19/01/2024\nHS-2;1.001;15/01/2024;19/01/2024\n",
        encoding="utf-8",
    )
    result = import_file(db, "dossiers", path)
    assert dossier_codes(db) == ["HS-2"]
    [reject] = result.rejects
    assert reject.row == 2 and "trước năm 1900" in reject.reason


def test_dates_beyond_a_year_ahead_are_refused_per_row(tmp_path: Path, db: Database) -> None:
    seed_catalogue(db)
    later = (dt.date.today() + dt.timedelta(days=400)).strftime("%d/%m/%Y")
    path = tmp_path / "xa.csv"
    path.write_text(
        f"Số hồ sơ;Mã TTHC;Ngày nhận;Ngày hẹn trả\nHS-1;1.001;{later};{later}\nHS-2;1.001;15/01/2024;19/01/2024\n",
        encoding="utf-8",
    )
    result = import_file(db, "dossiers", path)
    assert dossier_codes(db) == ["HS-2"]
    assert [r.row for r in result.rejects] == [2] and "vượt quá một năm" in result.rejects[0].reason
    with db.transaction() as s, pytest.raises(ValidationError, match="trước năm 1900"):
        services.create(s, m.Task, {"content": "Việc", "assigned_on": dt.date(1899, 1, 1), "due_on": dt.date(2024, 1, 1)})


# --------------------------------------------------------------------------- look-alike codes


def test_codes_that_only_look_different_are_duplicates(tmp_path: Path, db: Database) -> None:
    seed_catalogue(db)
    path = tmp_path / "ma.csv"
    path.write_text(
        "Số hồ sơ;Mã TTHC;Ngày nhận;Ngày hẹn trả\n"
        "HS-001;1.001;15/01/2024;19/01/2024\n"
        "HS\u200b-001;1.001;15/01/2024;19/01/2024\n"  # zero-width space
        "HS\u00ad-001;1.001;15/01/2024;19/01/2024\n"  # soft hyphen
        "ＨＳ－００１;1.001;15/01/2024;19/01/2024\n"  # full-width letters
        "HS-002;1\u200b.001\u2060;15/01/2024;19/01/2024\n",  # the procedure code is found all the same
        encoding="utf-8",
    )
    result = import_file(db, "dossiers", path)
    assert dossier_codes(db) == ["HS-001", "HS-002"]
    assert [(r.row, r.reason) for r in result.rejects] == [
        (n, "Số hồ sơ “HS-001” trùng với dòng 2") for n in (3, 4, 5)
    ]
    assert code_key("ＨＳ\u200b－\u00ad１\ufeff") == code_key("HS-1") == "HS-1"
    with db.transaction() as s, pytest.raises(ValidationError, match="đã tồn tại"):
        services.create(s, m.Procedure, {"code": "1.00\u200b1", "name": "Trùng"})


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path: Path) -> None:
    huge = f"<sheetData><row r=\"1\">{_cell('A1', 'Số hồ sơ')}{_cell('B1', 'x' * 600_000)}</row></sheetData></worksheet>"
    with pytest.raises(ImportFileError, match="dài hơn 32.767 ký tự"):
        readers.check_xlsx(raw_xlsx(tmp_path / "dai.xlsx", huge))
    csv = tmp_path / "dai.csv"
    csv.write_text("Số hồ sơ;Ghi chú\nHS-1;" + "x" * 40_000 + "\n", encoding="utf-8")
    with pytest.raises(CchcError, match="dòng 2 của tệp dai.csv dài hơn 32.767 ký tự"):
        list(open_sheet(csv).rows)


def test_inline_text_far_beyond_the_cells_streams(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "".join(f"<row r=\"{r}\">{_cell(f'A{r}', 'chữ ' * 2000)}</row>" for r in range(1, 40))
    path = raw_xlsx(tmp_path / "day.xlsx", f"<sheetData>{rows}</sheetData></worksheet>")
    assert not readers.check_xlsx(path).needs_streaming
    monkeypatch.setattr(readers, "CALAMINE_MAX_TEXT", 10_000)
    scan = readers.check_xlsx(path)
    assert scan.dense_text and scan.needs_streaming
