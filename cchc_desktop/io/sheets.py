"""Spreadsheet rows for the importer: .xlsx/.xlsm/.xls (python-calamine, openpyxl read-only as the
fallback) and .csv (UTF-8 with or without BOM, else the Windows code page cp1258).

A file is checked before it is read (size, signature, zip bomb, password protection, DOCTYPE in the
workbook XML); anything unreadable raises ``CchcError`` with one clear Vietnamese sentence. Rows stream
one at a time (``Sheet.rows`` yields (row number, cells)) so a very large sheet is read in bounded
memory; text is NFC; the sheet's declared dimensions are never trusted (rows are read until the data
ends; short rows are padded by the importer to the header width). openpyxl parses with defusedxml
when it is installed (``DEFUSEDXML`` below is checked by the tests).
"""

from __future__ import annotations

import codecs
import csv
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.xml import DEFUSEDXML

from ..core.errors import CchcError

SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv"}
MAX_FILE_BYTES = 300 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024 * 1024  # all parts of an .xlsx once unzipped
MAX_COMPRESSION_RATIO = 200  # a part over BOMB_MIN_BYTES that unzips to more than this × is a bomb
BOMB_MIN_BYTES = 10 * 1024 * 1024
MAX_ROWS = 2_000_000
MAX_COLUMNS = 1_000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

__all__ = ["DEFUSEDXML", "Sheet", "check_file", "detect_encoding", "open_sheet"]


@dataclass
class Sheet:
    """One worksheet: ``rows`` yields (row number as the spreadsheet shows it, cells);
    ``merged`` lists merged ranges ((r0, c0), (r1, c1)), zero-based, inclusive."""

    name: str
    rows: Iterator[tuple[int, list[Any]]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    total_rows: int = 0  # an estimate for the progress bar, never trusted for the data


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        if not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
        return value.replace("\u00a0", " ")
    return value


def check_file(path: Path) -> str:
    """Refuse what is not a readable spreadsheet; returns "xlsx", "xls" or "csv"."""
    if not path.is_file():
        raise CchcError(f"Không tìm thấy tệp {path}.")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise CchcError(f"Tệp {path.name} không phải là bảng tính (.xlsx, .xls hoặc .csv).")
    size = path.stat().st_size
    if size == 0:
        raise CchcError(f"Tệp {path.name} rỗng.")
    if size > MAX_FILE_BYTES:
        raise CchcError(f"Tệp {path.name} quá lớn ({size // (1024 * 1024)} MB) để nhập.")
    with path.open("rb") as fh:
        head = fh.read(8)
    if suffix == ".csv":
        if b"\x00" in head or head.startswith((ZIP_MAGIC, OLE_MAGIC)):
            raise CchcError(f"Tệp {path.name} không phải là tệp văn bản CSV.")
        return "csv"
    if head.startswith(ZIP_MAGIC):
        _check_zip(path)
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        if _is_encrypted_ooxml(path):
            raise CchcError(
                f"Tệp {path.name} được bảo vệ bằng mật khẩu; hãy mở bằng Excel, bỏ mật khẩu rồi nhập lại."
            )
        return "xls"
    raise CchcError(f"Tệp {path.name} không phải là bảng tính Excel (nội dung không đúng định dạng).")


def _is_encrypted_ooxml(path: Path) -> bool:
    """A password-protected .xlsx is an OLE container holding an "EncryptionInfo" stream."""
    marker = "EncryptionInfo".encode("utf-16-le")
    with path.open("rb") as fh:
        data = fh.read(min(path.stat().st_size, 4 * 1024 * 1024))
    return marker in data


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise CchcError(f"Tệp {path.name} không phải là bảng tính Excel.")
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if total > MAX_UNCOMPRESSED_BYTES or (info.file_size > BOMB_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO):
                    raise CchcError(
                        f"Tệp {path.name} giải nén ra quá lớn (nghi là tệp độc hại); không nhập tệp này."
                    )
            with zf.open("xl/workbook.xml") as fh:
                if b"<!DOCTYPE" in fh.read(4096).upper().replace(b"<!doctype", b"<!DOCTYPE"):
                    raise CchcError(f"Tệp {path.name} chứa khai báo XML không an toàn; không nhập tệp này.")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise CchcError(f"Tệp {path.name} bị hỏng, không đọc được.") from None


def open_sheet(path: Path | str, sheet: str | int | None = None, *, engine: str = "auto") -> Sheet:
    """Open one sheet (name or 0-based index; the first by default) for streaming.
    ``engine``: "auto" (calamine, openpyxl if calamine fails on an .xlsx), "calamine" or "openpyxl"."""
    path = Path(path)
    kind = check_file(path)
    sheet = 0 if sheet is None else sheet
    if kind == "csv":
        return _csv_sheet(path)
    used_rows = 0
    if kind == "xlsx":
        # Before calamine allocates the used range (an absurd one aborts the process): see readers.py.
        from .readers import check_xlsx

        scan = check_xlsx(path, sheet)
        used_rows = scan.max_row
        if scan.needs_streaming and engine == "auto":
            engine = "openpyxl"
    if engine in ("auto", "calamine") or kind == "xls":
        try:
            return _calamine_sheet(path, sheet)
        except CchcError:
            raise
        except Exception:  # noqa: BLE001 - any parser failure is "corrupt" to the user
            if engine == "calamine" or kind == "xls":
                raise CchcError(f"Tệp {path.name} bị hỏng hoặc không đọc được.") from None
    streamed = _openpyxl_sheet(path, sheet)
    streamed.total_rows = used_rows  # the scan's count (openpyxl read-only does not know it)
    return streamed


def _too_many_rows(path: Path) -> None:
    limit = f"{MAX_ROWS:,}".replace(",", ".")
    raise CchcError(f"Trang tính của tệp {path.name} có hơn {limit} dòng; hãy chia nhỏ tệp rồi nhập từng phần.")


def _limited(path: Path, rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    for count, (number, cells) in enumerate(rows, 1):
        if count > MAX_ROWS:
            _too_many_rows(path)
        yield number, cells[:MAX_COLUMNS] if len(cells) > MAX_COLUMNS else cells


def _calamine_sheet(path: Path, sheet: str | int) -> Sheet:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    try:
        ws = workbook.get_sheet_by_name(sheet) if isinstance(sheet, str) else workbook.get_sheet_by_index(sheet)
    except Exception:  # noqa: BLE001
        raise CchcError(f"Tệp {path.name} không có trang tính “{sheet}”.") from None
    first = ws.start[0] if ws.start else 0
    merged = [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in (ws.merged_cell_ranges or [])]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for index, cells in enumerate(ws.iter_rows()):
                if index >= MAX_ROWS:
                    _too_many_rows(path)
                if len(cells) > MAX_COLUMNS:
                    cells = cells[:MAX_COLUMNS]
                # ASCII text (codes, numbers as text, dates as text) needs no normalising
                yield first + index + 1, [v if type(v) is not str or v.isascii() else _nfc(v) for v in cells]
        except CchcError:
            raise
        except Exception:  # noqa: BLE001
            raise CchcError(f"Tệp {path.name} bị hỏng, không đọc hết được.") from None

    return Sheet(ws.name, rows(), merged, ws.height)


def _openpyxl_sheet(path: Path, sheet: str | int) -> Sheet:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001
        raise CchcError(f"Tệp {path.name} bị hỏng hoặc không đọc được.") from None
    try:
        ws = workbook[sheet] if isinstance(sheet, str) else workbook.worksheets[sheet]
    except (KeyError, IndexError):
        workbook.close()
        raise CchcError(f"Tệp {path.name} không có trang tính “{sheet}”.") from None
    ws.reset_dimensions()  # never trust the declared dimension

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for row in ws.iter_rows():
                cells = [c for c in row if getattr(c, "row", None) is not None]
                if not cells:
                    continue
                out: list[Any] = []
                for c in cells:
                    out.extend([""] * (c.column - 1 - len(out)))
                    out.append("" if c.value is None else _nfc(c.value))
                yield cells[0].row, out
        except CchcError:
            raise
        except Exception:  # noqa: BLE001
            raise CchcError(f"Tệp {path.name} bị hỏng, không đọc hết được.") from None
        finally:
            workbook.close()

    return Sheet(ws.title, _limited(path, rows()))


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else the Vietnamese Windows code page cp1258."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return "cp1258"
    return "utf-8"


def _csv_sheet(path: Path) -> Sheet:
    with path.open("rb") as fh:
        sample = fh.read(256 * 1024)
    encoding = detect_encoding(sample)
    text_sample = sample.decode(encoding, errors="replace")
    try:
        dialect: Any = csv.Sniffer().sniff(text_sample[:20000], ",;\t|")
    except csv.Error:
        dialect = csv.excel

    def rows() -> Iterator[tuple[int, list[Any]]]:
        with open(path, encoding=encoding, errors="strict", newline="") as fh:
            try:
                for number, cells in enumerate(csv.reader(fh, dialect), 1):
                    yield number, [_nfc(c) for c in cells]
            except UnicodeDecodeError:
                raise CchcError(f"Tệp {path.name} có ký tự không đọc được theo bảng mã {encoding}.") from None
            except csv.Error:
                raise CchcError(f"Tệp {path.name} không đúng định dạng CSV.") from None

    return Sheet(path.stem, _limited(path, rows()))
