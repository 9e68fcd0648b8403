"""The reader on files that are not what they claim, hostile or absurd: one clear sentence, nothing
changed, bounded memory and time; and the .xls format (a committed fixture made with xlwt)."""

from __future__ import annotations

import datetime as dt
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.core.db import Database
from cchc_desktop.core.errors import CchcError
from cchc_desktop.io import readers, sheets
from cchc_desktop.io.readers import ImportFileError
from cchc_desktop.io.sheets import open_sheet

from .helpers import flat_rows, write_xlsx

FIXTURES = Path(__file__).resolve().parent / "fixtures"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Hồ sơ" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def raw_xlsx(path: Path, sheet_xml: str | bytes, *, prolog: str = _SHEET_HEAD) -> Path:
    """A minimal workbook whose only worksheet is ``sheet_xml`` (the ``<sheetData>`` and what follows)."""
    body = sheet_xml if isinstance(sheet_xml, bytes) else (prolog + sheet_xml).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", body)
    return path


def rows_of(path: Path, **kwargs: object) -> list[list[object]]:
    return [cells for _n, cells in open_sheet(path, **kwargs).rows]  # type: ignore[arg-type]


def table_counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {
            model.__tablename__: s.scalar(select(func.count()).select_from(model)) or 0
            for model in (m.Dossier, m.Procedure, m.Field, m.Unit, m.Task, m.DocumentCount, m.AnnouncementDecision)
        }


def one_sentence(exc: CchcError, name: str) -> None:
    assert name in exc.message and "\n" not in exc.message and "Traceback" not in exc.message


# --------------------------------------------------------------------------- .xls


def test_xls_one_stop_export_is_read_with_merged_header_and_date_cells() -> None:
    sheet = open_sheet(FIXTURES / "one_stop.xls")
    assert sheet.name == "Hồ sơ"
    rows = dict(sheet.rows)
    assert ((3, 5), (3, 7)) in sheet.merged and ((3, 0), (4, 0)) in sheet.merged  # "Thời gian" over 3 columns
    assert rows[4][:6] == ["Số hồ sơ", "Mã TTHC", "Tên thủ tục", "Người nộp", "Kênh nộp", "Thời gian"]
    assert rows[5][5:] == ["Ngày nhận", "Hạn xử lý", "Ngày có kết quả"]
    assert rows[7][:2] == ["HS-X01", "1.001"]
    assert rows[7][5] == dt.datetime(2024, 1, 15, 8, 30)
    assert rows[7][6] == dt.date(2024, 1, 19)
    assert rows[8][5] == "16/01/2024"


def test_xls_imports_like_the_xlsx_export(db: Database) -> None:
    from cchc_desktop.io.importer import import_file, preview

    from .helpers import dossier_codes, seed_catalogue

    header, data = preview("dossiers", FIXTURES / "one_stop.xls")
    assert header.height == 2
    assert {"code", "procedure_code", "received", "due", "resolved"} <= set(header.mapping.values())
    assert [n for n, _ in data] == [7, 8, 9]  # the "(1) (2) …" numbering row (file row 6) is skipped
    seed_catalogue(db)
    result = import_file(db, "dossiers", FIXTURES / "one_stop.xls")
    assert (result.imported, result.updated, result.rejects) == (3, 0, [])
    assert dossier_codes(db) == ["HS-X01", "HS-X02", "HS-X03"]
    with db.session() as s:
        first = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-X01"))
        assert first is not None
        assert (first.received_on, first.received_time, first.due_on, first.resolved_on) == (
            dt.date(2024, 1, 15), dt.time(8, 30), dt.date(2024, 1, 19), dt.date(2024, 1, 18))  # fmt: skip


# --------------------------------------------------------------------------- not a spreadsheet


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(256)) * 40],
    ids=["pdf", "png", "binary"],
)
def test_non_spreadsheets_are_one_sentence(tmp_path: Path, db: Database, content: bytes) -> None:
    from cchc_desktop.io.importer import import_file

    path = tmp_path / "so-lieu.xlsx"  # the name lies; the content decides
    path.write_bytes(content)
    before = table_counts(db)
    with pytest.raises(CchcError, match="không phải là bảng tính") as info:
        import_file(db, "dossiers", path)
    one_sentence(info.value, "so-lieu.xlsx")
    assert table_counts(db) == before


def test_word_document_empty_and_missing_files(tmp_path: Path) -> None:
    docx = tmp_path / "bao-cao.xlsx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(CchcError, match="không phải là bảng tính Excel"):
        open_sheet(docx)
    empty = tmp_path / "rong.csv"
    empty.write_bytes(b"")
    with pytest.raises(CchcError, match="rỗng"):
        open_sheet(empty)
    with pytest.raises(CchcError, match="Không tìm thấy tệp"):
        open_sheet(tmp_path / "khong-co.xlsx")


def test_truncated_workbook_is_corrupt(tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "good.xlsx", flat_rows())
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CchcError, match="bị hỏng") as info:
        rows_of(bad)
    one_sentence(info.value, "bad.xlsx")


def test_password_protected_workbook(db: Database) -> None:
    """A real encrypted workbook (msoffcrypto-tool, password "matkhau"; see fixtures/make_fixtures.py)."""
    from cchc_desktop.io.importer import import_file

    before = table_counts(db)
    with pytest.raises(CchcError, match="được bảo vệ bằng mật khẩu") as info:
        import_file(db, "dossiers", FIXTURES / "password.xlsx")
    one_sentence(info.value, "password.xlsx")
    assert table_counts(db) == before


# --------------------------------------------------------------------------- hostile workbooks


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from cchc_desktop.io.importer import import_file

    # A real bomb inflates to gigabytes; the same test at a smaller scale with a lower threshold.
    monkeypatch.setattr(readers, "RATIO_MIN_BYTES", 1 << 20)
    filler = "<row r=\"2\"></row>" * 200_000  # ~3,4 MB that deflates to a few kilobytes
    path = raw_xlsx(tmp_path / "bom.xlsx",
                    f"<sheetData><row r=\"1\">{_cell('A1', 'Số hồ sơ')}</row>{filler}</sheetData></worksheet>")
    before = table_counts(db)
    with pytest.raises(CchcError, match="dấu hiệu là “bom nén”"):
        import_file(db, "dossiers", path)
    assert table_counts(db) == before


def test_sizes_that_lie_in_the_zip_directory(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", flat_rows())
    data = bytearray(path.read_bytes())
    # Shrink the declared uncompressed size of the worksheet in the central directory.
    at = data.rfind(b"xl/worksheets/sheet1.xml")
    header = at - 46  # central directory file header: the name follows its 46 fixed bytes
    assert data[header : header + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, header + 24, 100)
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(bytes(data))
    with pytest.raises(ImportFileError, match="bị hỏng"):
        open_sheet(liar)


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    path = raw_xlsx(tmp_path / "lol.xlsx", f"<sheetData><row r=\"1\">{_cell('A1', '&lol2;')}</row></sheetData></worksheet>",
                    prolog=laughs)  # fmt: skip
    with pytest.raises(ImportFileError, match="khai báo XML nguy hiểm"):
        open_sheet(path)


def test_a_cell_far_to_the_right_is_refused(tmp_path: Path) -> None:
    sheet = f"<sheetData><row r=\"1\">{_cell('A1', 'Số hồ sơ')}{_cell('AZZ1', 'x')}</row></sheetData></worksheet>"
    with pytest.raises(ImportFileError, match="có dữ liệu tới cột AZZ .*xóa các ô thừa"):
        open_sheet(raw_xlsx(tmp_path / "wide.xlsx", sheet))


@pytest.mark.parametrize(
    ("cells", "used"),
    [
        ([(1, "A1"), (1, "B1"), (2, "A2"), (3, "B3")], (3, 1)),  # rows and cells in order
        ([(50, "C50"), (3, "A3")], (50, 2)),  # rows out of order
        ([(1, "A1"), (2, "B900000")], (900_000, 1)),  # a cell placed far below its row tag
        ([(1, "A1"), (7, "AB7")], (7, 27)),  # beyond column Z
    ],
)
def test_the_used_range_comes_from_the_cells(tmp_path: Path, cells: list[tuple[int, str]], used: tuple[int, int]) -> None:
    rows = "".join(f'<row r="{r}">{_cell(ref, "x")}</row>' for r, ref in cells)
    scan = readers.check_xlsx(raw_xlsx(tmp_path / "s.xlsx", f'<dimension ref="A1"/><sheetData>{rows}</sheetData></worksheet>'))
    assert (scan.max_row, scan.max_col) == used


SPARSE_SCRIPT = """
import sys
from cchc_desktop.core.errors import CchcError
from cchc_desktop.io.sheets import open_sheet
try:
    open_sheet(sys.argv[1])
except CchcError as exc:
    print(exc.message)
"""


def test_absurd_used_range_does_not_crash_the_process(tmp_path: Path) -> None:
    """Two cells, A1 and XFD1048576: calamine would allocate 17 billion cells and abort the whole
    program; the scan refuses it first. Run in a child process so a regression cannot take pytest down."""
    sheet = (
        f"<sheetData><row r=\"1\">{_cell('A1', 'Số hồ sơ')}</row>"
        f"<row r=\"1048576\">{_cell('XFD1048576', 'x')}</row></sheetData></worksheet>"
    )
    path = raw_xlsx(tmp_path / "sparse.xlsx", sheet)
    proc = subprocess.run([sys.executable, "-c", SPARSE_SCRIPT, str(path)], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "có dữ liệu tới cột XFD" in proc.stdout


def test_large_used_range_streams_instead_of_loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the cell budget the rows stream through openpyxl (bounded memory) with the same content."""
    path = write_xlsx(tmp_path / "big.xlsx", flat_rows())
    scan = readers.check_xlsx(path)
    assert (scan.max_row, scan.max_col, scan.needs_streaming) == (5, 7, False)
    loaded = rows_of(path)
    monkeypatch.setattr(readers, "CALAMINE_MAX_CELLS", 10)
    assert readers.check_xlsx(path).needs_streaming
    calls: list[str] = []
    real = sheets._openpyxl_sheet
    monkeypatch.setattr(sheets, "_openpyxl_sheet", lambda *a: calls.append("openpyxl") or real(*a))
    streamed = rows_of(path)
    assert calls == ["openpyxl"]

    def same(rows: list[list[object]]) -> list[list[object]]:
        return [[None if v == "" else v for v in r] + [None] * (8 - len(r)) for r in rows]

    assert same(streamed) == same(loaded)


def test_cells_without_references_are_read_in_order(tmp_path: Path) -> None:
    """References are optional in the format; cells without them are placed one after the other."""
    sheet = (
        "<sheetData><row><c t=\"inlineStr\"><is><t>Số hồ sơ</t></is></c><c t=\"inlineStr\"><is><t>Mã TTHC</t>"
        "</is></c></row><row><c t=\"inlineStr\"><is><t>HS-1</t></is></c><c><v>2</v></c></row></sheetData></worksheet>"
    )
    path = raw_xlsx(tmp_path / "noref.xlsx", sheet)
    assert rows_of(path) == [["Số hồ sơ", "Mã TTHC"], ["HS-1", 2]]


def test_csv_with_a_broken_byte_in_the_middle(tmp_path: Path) -> None:
    lines = ["Số hồ sơ;Mã TTHC;Ngày nhận"] + [f"HS-{i};1.001;15/01/2024" for i in range(20_000)]  # past the encoding sample
    data = "\r\n".join(lines).encode("utf-8") + b"\r\nHS-x;1.001;15/01/2024 \xff\xfe\r\n"
    path = tmp_path / "hong.csv"
    path.write_bytes(data)
    rows = list(open_sheet(path).rows)  # the encoding is decided for the whole file: UTF-8
    assert rows[0] == (1, ["Số hồ sơ", "Mã TTHC", "Ngày nhận"]) and len(rows) == 20_002
    number, last = rows[-1]
    assert number == 20_002 and isinstance(last, sheets.BadRow)  # the importer rejects this row alone
    assert (last.column, last[2]) == (2, "15/01/2024 \ufffd\ufffd") and "ký tự không đọc được" in last.reason
