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
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from openpyxl.xml import DEFUSEDXML  # type: ignore[import-untyped]

from ..core.errors import CchcError
from ..core.text import XML_INVALID

SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv"}
MAX_FILE_BYTES = 300 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024 * 1024  # all parts of an .xlsx once unzipped
MAX_COMPRESSION_RATIO = 200  # a part over BOMB_MIN_BYTES that unzips to more than this × is a bomb
BOMB_MIN_BYTES = 10 * 1024 * 1024
MAX_ROWS = 2_000_000
MAX_COLUMNS = 1_000
# Characters of cell text one import may read (size × count: a 1.000.000-row register has ~150 million).
TEXT_BUDGET = 300_000_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

__all__ = ["DEFUSEDXML", "BadRow", "Sheet", "check_file", "detect_encoding", "open_sheet"]

_XML_INVALID = XML_INVALID  # removed at input (core.text); undecoded bytes are caught before, as a BadRow
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes a CSV's encoding could not decode (surrogateescape)
_BAD_LINE = re.compile("^[^\n]*[\udc80-\udcff]", re.MULTILINE)


class BadRow(list[Any]):
    """A row the reader could not read faithfully: the importer rejects it with ``reason`` (the cells are
    kept, readable, for the rejects file). ``column`` is the 0-based column of the first bad cell."""

    def __init__(self, cells: list[Any], column: int, reason: str) -> None:
        super().__init__(cells)
        self.column = column
        self.reason = reason


def cell_too_long_error(name: str, row: int | None = None) -> CchcError:
    where = f"dòng {row} của tệp {name}" if row is not None else f"tệp {name}"
    return CchcError(
        f"Có ô ở {where} dài hơn {MAX_CELL_CHARS:,} ký tự (giới hạn của một ô Excel); ".replace(",", ".")
        + "hãy rút gọn ô đó rồi nhập lại."
    )


def text_budget_error(name: str) -> CchcError:
    limit = f"{TEXT_BUDGET // 1_000_000:,}".replace(",", ".")
    return CchcError(
        f"Tệp {name} chứa quá nhiều chữ trong các ô (hơn {limit} triệu ký tự cho một lần nhập, thường do một "
        "đoạn chữ rất dài lặp lại ở nhiều ô); hãy xóa các ô thừa hoặc chia nhỏ tệp rồi nhập lại."
    )


def clean_cell(value: str) -> str:
    """NFC, no-break spaces as spaces, characters XML cannot carry removed."""
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    if _XML_INVALID.search(value):
        value = _XML_INVALID.sub("", value)
    return value.replace("\u00a0", " ")


def _nfc(value: str) -> str:
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value.replace("\u00a0", " ")


BLOCK = 512  # rows _clean_rows looks at together
Row = tuple[int, list[Any]]


class RowStream:
    """A sheet's rows, produced by blocks: iterating gives them one by one (``next``), ``blocks`` gives
    what is left by blocks (lists of rows) — the importer's way, with no Python call per row. Both can be
    mixed: rows taken one by one (the header) are not given again by ``blocks``. ``close`` stops the
    reader (and ends an .xls child)."""

    def __init__(self, blocks: Generator[list[Row], None, None]) -> None:
        self._blocks = blocks
        self._block: list[Row] = []
        self._at = 0

    def __iter__(self) -> RowStream:
        return self

    def __next__(self) -> Row:
        while self._at >= len(self._block):
            self._block = next(self._blocks)  # StopIteration ends the rows
            self._at = 0
        item = self._block[self._at]
        self._at += 1
        return item

    def blocks(self) -> Iterator[list[Row]]:
        """The rows not taken yet, by blocks (none empty)."""
        rest = self._block[self._at :]
        self._block, self._at = [], 0
        if rest:
            yield rest
        yield from self._blocks

    def close(self) -> None:
        self._blocks.close()


def _clean_rows(
    path: Path, rows: Iterator[Row], failure: Callable[[BaseException], BaseException] | None = None
) -> RowStream:
    """The one pass every reader's rows go through: at most ``MAX_ROWS`` rows and ``MAX_COLUMNS``
    columns (refused with a sentence, never cut silently), at most ``TEXT_BUDGET`` characters of text in
    all (size × count), text cleaned by ``clean_cell``. Rows are looked at by blocks of ``BLOCK``: the
    block's text joined once, and a few C-level scans of it (length, budget, characters XML cannot carry,
    ASCII or already NFC) show that nothing is to be done — the common case; any other block goes row by
    row (``_clean_row``), so what is refused, and where, does not depend on the blocks: the rows before a
    refusal (or before the reader failed) come first. ``failure`` turns the reader's own exception into
    the one to raise (``CchcError`` passes unchanged)."""
    return RowStream(_clean_blocks(path, iter(rows), failure))


def _clean_blocks(
    path: Path, rows: Iterator[Row], failure: Callable[[BaseException], BaseException] | None
) -> Generator[list[Row], None, None]:
    state = [TEXT_BUDGET, 0]  # characters left, rows seen
    while True:
        block: list[Row] = []
        try:
            block.extend(itertools.islice(rows, BLOCK))
        except BaseException as exc:  # the reader failed: the rows before it first, as one by one
            if block:
                yield from _clean_slowly(path, state, block)
            if failure is None or isinstance(exc, CchcError | KeyboardInterrupt | SystemExit | GeneratorExit):
                raise
            raise failure(exc) from None
        if not block:
            return
        cells_list = [cells for _, cells in block]
        texts = [v for cells in cells_list for v in cells if type(v) is str]
        joined = "\n".join(texts)
        size = len(joined) - len(texts) + 1 if texts else 0  # the characters of text, without separators
        if (
            state[1] + len(block) <= MAX_ROWS
            and max(map(len, cells_list)) <= MAX_COLUMNS
            and size <= state[0]
            and BadRow not in set(map(type, cells_list))
            and (len(joined) <= MAX_CELL_CHARS or max(map(len, texts)) <= MAX_CELL_CHARS)
            and (joined.isascii() or ("\u00a0" not in joined and unicodedata.is_normalized("NFC", joined)))
            and not _XML_INVALID.search(joined)
        ):
            state[0] -= size
            state[1] += len(block)
            yield block
            continue
        yield from _clean_slowly(path, state, block)


def _clean_slowly(path: Path, state: list[int], block: list[Row]) -> Generator[list[Row], None, None]:
    """``_clean_row`` for each row of the block: the rows before a refusal are given, then it is raised."""
    out: list[Row] = []
    try:
        for number, cells in block:
            out.append(_clean_row(path, state, number, cells))
    except CchcError:
        if out:
            yield out
        raise
    yield out


def _clean_row(path: Path, state: list[int], number: int, cells: list[Any]) -> tuple[int, list[Any]]:
    """One row of ``_clean_rows``; ``state`` is [characters of text left, rows seen]."""
    state[1] += 1
    if state[1] > MAX_ROWS:
        _too_many_rows(path)
    if len(cells) > MAX_COLUMNS:
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells = cells[:-1]
        if len(cells) > MAX_COLUMNS:
            limit = f"{MAX_COLUMNS:,}".replace(",", ".")
            raise CchcError(
                f"Dòng {number} của tệp {path.name} có {len(cells)} cột, quá {limit} cột; hãy xóa các cột "
                "thừa ở bên phải rồi nhập lại."
            )
    texts = [v for v in cells if type(v) is str]
    if texts:
        joined = "\n".join(texts)
        state[0] -= len(joined) - len(texts) + 1
        if state[0] < 0:
            raise text_budget_error(path.name)
        if len(joined) > MAX_CELL_CHARS and max(map(len, texts)) > MAX_CELL_CHARS:
            raise cell_too_long_error(path.name, number)
        if type(cells) is BadRow:
            pass
        elif _XML_INVALID.search(joined):  # rare: every text cell cleaned
            cells = [clean_cell(v) if type(v) is str else v for v in cells]
        elif not joined.isascii():  # ASCII text needs nothing
            cells = [_nfc(v) if type(v) is str and not v.isascii() else v for v in cells]
    return number, cells


@dataclass
class Sheet:
    """One worksheet: ``rows`` yields (row number as the spreadsheet shows it, cells);
    ``merged`` lists merged ranges ((r0, c0), (r1, c1)), zero-based, inclusive."""

    name: str
    rows: RowStream
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    total_rows: int = 0  # an estimate for the progress bar, never trusted for the data




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
    ``engine``: "auto" (calamine, openpyxl if calamine fails on an .xlsx), "calamine" or "openpyxl".
    An .xls is read by calamine in a child process with its memory and time capped (``io.xls``)."""
    path = Path(path)
    kind = check_file(path)
    sheet = 0 if sheet is None else sheet
    if kind == "csv":
        return _csv_sheet(path)
    if kind == "xls":
        from .xls import xls_sheet

        return cast(Sheet, xls_sheet(path, sheet))
    # Before calamine allocates the used range (an absurd one aborts the process): see readers.py.
    from .readers import check_xlsx

    scan = check_xlsx(path, sheet)
    if scan.needs_streaming and engine == "auto":
        engine = "openpyxl"
    if engine in ("auto", "calamine"):
        try:
            return _calamine_sheet(path, sheet)
        except CchcError:
            raise
        except BaseException as exc:  # a Rust panic is a BaseException; any failure is "corrupt" to the user
            if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
                raise
            if engine == "calamine":
                raise CchcError(f"Tệp {path.name} bị hỏng hoặc không đọc được.") from None
    streamed = _openpyxl_sheet(path, sheet)
    streamed.total_rows = scan.max_row  # the scan's count (openpyxl read-only does not know it)
    return streamed


def _too_many_rows(path: Path) -> None:
    limit = f"{MAX_ROWS:,}".replace(",", ".")
    raise CchcError(f"Trang tính của tệp {path.name} có hơn {limit} dòng; hãy chia nhỏ tệp rồi nhập từng phần.")


def _calamine_sheet(path: Path, sheet: str | int) -> Sheet:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    try:
        ws = workbook.get_sheet_by_name(sheet) if isinstance(sheet, str) else workbook.get_sheet_by_index(sheet)
    except Exception:  # noqa: BLE001
        raise CchcError(f"Tệp {path.name} không có trang tính “{sheet}”.") from None
    first = ws.start[0] if ws.start else 0
    merged = [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in (ws.merged_cell_ranges or [])]

    def broken(_exc: BaseException) -> CchcError:  # any failure of the reader, a Rust panic included
        return CchcError(f"Tệp {path.name} bị hỏng, không đọc hết được.")

    return Sheet(ws.name, _clean_rows(path, enumerate(ws.iter_rows(), first + 1), broken), merged, ws.height)


def _openpyxl_sheet(path: Path, sheet: str | int) -> Sheet:
    import openpyxl  # type: ignore[import-untyped]

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
                    out.append("" if c.value is None else c.value)
                yield cells[0].row, out
        except CchcError:
            raise
        except Exception:  # noqa: BLE001
            raise CchcError(f"Tệp {path.name} bị hỏng, không đọc hết được.") from None
        finally:
            workbook.close()

    return Sheet(ws.title, _clean_rows(path, rows()))


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else the Vietnamese Windows code page cp1258.
    ``data`` is the whole file (or all of it there is): a stray byte does not make UTF-8 text cp1258."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    counter = _Utf8Count()
    counter.feed(data, final=True)
    return counter.verdict()


class _Utf8Count:
    """Valid non-ASCII UTF-8 characters against undecodable bytes, fed chunk by chunk."""

    def __init__(self) -> None:
        self.decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self.valid = 0
        self.bad = 0
        self.lines = 0
        self.bad_lines = 0

    def feed(self, chunk: bytes, final: bool = False) -> None:
        text = self.decoder.decode(chunk, final)
        self.lines += text.count("\n")
        if text.isascii():
            return
        bad = len(_UNDECODED.findall(text))
        if bad:
            self.bad += bad
            self.bad_lines += len(_BAD_LINE.findall(text))
        self.valid += len(text) - len(text.encode("ascii", "ignore")) - bad

    def verdict(self) -> str:
        """UTF-8 unless undecodable bytes outnumber the valid UTF-8 characters and sit on many lines (text
        in cp1258 almost never forms valid UTF-8 sequences, and Vietnamese has diacritics on most lines).
        UTF-8 text with a few stray bytes stays UTF-8: the rows holding them are rejected, one by one."""
        if self.bad == 0 or self.valid > self.bad:
            return "utf-8"
        return "cp1258" if self.bad_lines * 20 >= max(self.lines, 1) else "utf-8"


def _csv_encoding(path: Path) -> str:
    """The encoding of the whole file (one streamed pass, 1 MB at a time)."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        counter = _Utf8Count()
        chunk = head
        while chunk:
            counter.feed(chunk)
            chunk = fh.read(1 << 20)
        counter.feed(b"", final=True)
    return counter.verdict()


def _csv_sheet(path: Path) -> Sheet:
    encoding = _csv_encoding(path)
    with path.open("rb") as fh:
        sample = fh.read(256 * 1024)
    text_sample = sample.decode(encoding, errors="replace")
    dialect: Any
    try:
        dialect = csv.Sniffer().sniff(text_sample[:20000], ",;\t|")
    except csv.Error:  # rows of unequal width: the separator the first line uses most
        first = text_sample.split("\n", 1)[0]
        dialect = type("Sniffed", (csv.excel,), {"delimiter": max(",;\t|", key=first.count)})
    shown = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16", "cp1258": "Windows-1258"}[encoding]
    reason = (
        f"Dòng có ký tự không đọc được theo bảng mã {shown} của tệp (có thể do lỗi khi lưu tệp); "
        "hãy sửa lại dòng này"
    )

    def rows() -> Iterator[tuple[int, list[Any]]]:
        with open(path, encoding=encoding, errors="surrogateescape", newline="") as fh:
            try:
                for number, cells in enumerate(csv.reader(fh, dialect), 1):
                    if cells and _UNDECODED.search("\n".join(cells)):
                        column = next(i for i, c in enumerate(cells) if _UNDECODED.search(c))
                        shown_cells = [_UNDECODED.sub("\ufffd", c) for c in cells]
                        yield number, BadRow([clean_cell(c) for c in shown_cells], column, reason)
                        continue
                    yield number, cells
            except UnicodeError:
                raise CchcError(f"Tệp {path.name} có ký tự không đọc được theo bảng mã {shown}.") from None
            except csv.Error:
                raise CchcError(f"Tệp {path.name} không đúng định dạng CSV.") from None

    return Sheet(path.stem, _clean_rows(path, rows()))
