"""A look at an .xlsx before any library parses it (used by ``sheets.open_sheet``), and the historical
``readers.open_sheet`` entry point (the rows come from ``sheets``).

Why a look first: python-calamine allocates the sheet's whole used range at once, from its first to
its last cell. A workbook with two cells, A1 and XFD1048576, makes it ask for 17 billion cells and the
allocation failure *aborts the whole program* (a Rust ``handle_alloc_error``, no Python exception) —
the app would vanish in front of the user. A large honest register (1.000.000 rows) would need more
than half a gigabyte. So the worksheet's XML is streamed once, through ``zipfile`` (bounded by the
declared size, checked by CRC, so sizes that lie are caught), and its cell references give the real
used range — the declared ``<dimension>`` is never trusted. Then:

- a used range wider than ``MAX_COLUMNS`` or longer than Excel's own row limit is refused with one
  sentence naming the far cell;
- a range above ``CALAMINE_MAX_CELLS`` cells (or cells without references, whose position only a full
  parse can tell) is read by the streaming reader (openpyxl read-only, bounded memory) instead;
- references are found however XML lets them be written (other attributes first, single quotes,
  blanks, lower case, a prefix); one written with a character reference (``&#88;FD1``) is refused;
- text: the shared strings' sizes times the cells that use them are added up when they could be much
  (``CALAMINE_MAX_TEXT``): above ``sheets.TEXT_BUDGET`` the file is refused, above ``CALAMINE_MAX_TEXT``
  it is streamed (calamine copies a shared string into every cell); 256 KB of text without a tag (more
  than a cell can hold) is refused;
- zip bombs (a part that inflates more than ``MAX_RATIO`` ×, a total over ``MAX_UNCOMPRESSED``),
  archives with too many parts, encrypted entries and XML parts with a DOCTYPE/ENTITY declaration
  (entity expansion) are refused.

Each refusal is an ``ImportFileError`` (a ``CchcError``): one Vietnamese sentence, nothing changed.
The scan costs one inflate of the sheet (≈ 0,3 s for 100.000 rows) and keeps ~8 MB in memory.
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import CchcError
from .parsing import fold

MAX_UNCOMPRESSED = 4 << 30  # all parts of a workbook together
MAX_RATIO = 100  # a part over RATIO_MIN_BYTES that inflates more than 100 × is a zip bomb
RATIO_MIN_BYTES = 16 << 20
MAX_ZIP_ENTRIES = 10_000
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_COLUMNS = 1_000
CALAMINE_MAX_CELLS = 6_000_000  # used range read at once by calamine; larger sheets are streamed
# calamine copies a shared string into every cell that uses it; above this many characters of text the
# sheet is streamed by openpyxl, which keeps each shared string once.
CALAMINE_MAX_TEXT = 40_000_000
MAX_SHARED_STRINGS = 256 << 20  # bytes of xl/sharedStrings.xml (both readers keep the table in memory)
_CHUNK = 4 << 20

_CELL_COL = re.compile(rb'<c r="([A-Z]{1,4})')
_PLAIN_REF = re.compile(rb'<c r="([A-Z]{1,4})(\d{1,9})"')
# Any way XML allows a reference to be written: a namespace prefix, other attributes first, single
# quotes, blanks around "=", lower case, any length (calamine reads them all).
_ANY_REF = re.compile(rb"""<(?:[\w.-]+:)?c(?=[\s/>])[^>]*?\sr\s*=\s*["']([A-Za-z]+)(\d+)["']""")
_ANY_ROW = re.compile(rb"""<(?:[\w.-]+:)?row(?=[\s/>])[^>]*?\sr\s*=\s*["'](\d+)["']""")
# A cell or row tag not written as every writer does (``<c r="…`` / ``<row r="…``): looked at exactly.
_ODD_TAG = re.compile(rb'<(?:[\w.-]+:)?(?:c|row)(?=[\s/>])(?! r=")|<(?:[\w.-]+:)(?:c|row)(?=[\s/>])')
# The same question in two patterns that start with a literal (3 × faster on 4 MB than the one above):
# an odd unprefixed tag, or a prefixed one (any ":c"/":row" tag; then ``_ODD_TAG`` decides).
_ODD_PLAIN = re.compile(rb'<(?:c|row)(?:[\t\n\r\f\v/>]| (?!r="))')
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")


def _odd_tag(body: bytes) -> bool:
    """``_ODD_TAG.search(body)``, faster on the usual XML."""
    if _ODD_PLAIN.search(body):
        return True
    return _PREFIXED.search(body) is not None and _ODD_TAG.search(body) is not None
# A reference written with a character reference (&#65;1) would hide from the patterns: refused.
_ESCAPED_REF = re.compile(rb"""<(?:[\w.-]+:)?(?:c|row)(?=[\s/>])[^>]*?\sr\s*=\s*["'][^"'>]*&""")
_LONG_WINDOW = 262_144  # 256 KB without a tag: more text than a cell's 32.767 characters, even as &amp;


def _has_long_text(body: bytes) -> bool:
    """A window of ``_LONG_WINDOW`` bytes without any tag (a few C-level searches per chunk; a text of twice
    the window is always found, a shorter one is caught by the reader's own cell limit)."""
    last = len(body) - _LONG_WINDOW
    return any(body.find(b"<", at, at + _LONG_WINDOW) < 0 for at in range(0, last + 1, _LONG_WINDOW))


_SHARED_CELL = re.compile(rb"""<(?:[\w.-]+:)?c(?=[\s/>])[^>]*?\st\s*=\s*["']s["'][^>]*>\s*<(?:[\w.-]+:)?v>\s*(\d+)""")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _column_letter(index: int) -> str:
    """0 → "A", 26 → "AA"; any width (openpyxl's own stops at "XFD", and an absurd sheet goes further)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    """ "A" → 0, "AA" → 26: the inverse of ``_column_letter``."""
    value = 0
    for ch in letters.upper():
        value = value * 26 + (ord(ch) - 64)
    return value - 1


class ImportFileError(CchcError):
    """A file that cannot be read safely as a table; one sentence, nothing was changed."""


@dataclass
class XlsxScan:
    """What a look at a worksheet's XML found."""

    sheet: str = ""
    max_row: int = 0  # 1-based; 0 when the sheet has no cell
    max_col: int = -1  # 0-based; -1 when the sheet has no cell
    text_chars: int = 0  # characters of shared-string text the cells stand for (0 when not counted)
    stream_text: bool = False  # too much text for calamine's all-at-once read (a copy per cell)
    xml_bytes: int = 0  # size of the worksheet XML

    @property
    def dense_text(self) -> bool:
        """Much more XML than cells explain (inline strings of a few thousand cells filling a gigabyte):
        calamine would hold all that text at once."""
        return self.xml_bytes > CALAMINE_MAX_TEXT and self.xml_bytes > 200 * max(self.used_cells, 1)

    @property
    def used_cells(self) -> int:
        return self.max_row * (self.max_col + 1)

    @property
    def needs_streaming(self) -> bool:
        """True when calamine must not load this sheet at once."""
        return self.used_cells > CALAMINE_MAX_CELLS or self.stream_text or self.dense_text


@dataclass(frozen=True)
class WorkbookSheet:
    name: str
    part: str
    visible: bool


def _unsafe_xml(path: Path) -> ImportFileError:
    return ImportFileError(
        f"Tệp “{path.name}” chứa khai báo XML nguy hiểm (DOCTYPE/ENTITY); không đọc để đảm bảo an toàn."
    )


def _corrupt(path: Path) -> ImportFileError:
    return ImportFileError(f"Tệp “{path.name}” bị hỏng (dữ liệu nén không đúng); không đọc được.")


def check_zip(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse archives whose parts are too many, too large, encrypted or inflate like a bomb."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ImportFileError(
            f"Tệp “{path.name}” có quá nhiều thành phần bên trong; không đọc để đảm bảo an toàn."
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
            raise ImportFileError(
                f"Tệp “{path.name}” có dấu hiệu là “bom nén” (dữ liệu bung ra gấp {ratio:.0f} lần); không đọc để "
                "đảm bảo an toàn."
            )
        if info.flag_bits & 0x1:
            raise ImportFileError(
                f"Tệp “{path.name}” được bảo vệ bằng mật khẩu; hãy bỏ mật khẩu rồi nhập lại."
            )
    if total > MAX_UNCOMPRESSED:
        raise ImportFileError(
            f"Tệp “{path.name}” quá lớn khi giải nén ({total >> 20} MB); không đọc để đảm bảo an toàn."
        )


def _xml_root(archive: zipfile.ZipFile, part: str, path: Path) -> Any:
    import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
    from defusedxml import DefusedXmlException  # type: ignore[import-untyped]

    try:
        data = archive.read(part)
    except KeyError:
        return None
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, RuntimeError, EOFError):
        raise _corrupt(path) from None
    try:
        return SafeET.fromstring(data)
    except DefusedXmlException:
        raise _unsafe_xml(path) from None
    except SafeET.ParseError:
        raise ImportFileError(f"Tệp “{path.name}” bị hỏng (nội dung XML không hợp lệ).") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def xlsx_sheets(path: Path, archive: zipfile.ZipFile) -> list[WorkbookSheet]:
    """The worksheets in workbook order with their XML part (workbook.xml and its relationships)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        raise ImportFileError(f"Tệp “{path.name}” không phải là bảng tính Excel (.xlsx).")
    workbook = _xml_root(archive, "xl/workbook.xml", path)
    rels = _xml_root(archive, "xl/_rels/workbook.xml.rels", path)
    targets: dict[str, str] = {}
    for rel in rels if rels is not None else ():
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[rel.get("Id", "")] = re.sub(r"[^/]+/\.\./", "", target)
    out: list[WorkbookSheet] = []
    for node in workbook.iter():
        if _local(node.tag) != "sheet":
            continue
        rid = next((v for k, v in node.attrib.items() if _local(k) == "id"), "")
        part = targets.get(rid, "")
        if part in names and part.startswith("xl/worksheets/"):
            out.append(WorkbookSheet(node.get("name", ""), part, node.get("state", "visible") == "visible"))
    return out


def _choose(path: Path, sheets: list[WorkbookSheet], sheet: str | int | None) -> WorkbookSheet | None:
    if not sheets:
        return None
    if sheet is None:
        return sheets[0]
    if isinstance(sheet, int):
        return sheets[sheet] if 0 <= sheet < len(sheets) else None
    return next((s for s in sheets if s.name == sheet or fold(s.name) == fold(sheet)), None)


def _exact(body: bytes, scan: XlsxScan, pattern: re.Pattern[bytes], path: Path | None = None) -> None:
    """Every reference of the chunk, for the rare chunks where a cheap look is not enough."""
    for letters, digits in set(pattern.findall(body)):
        scan.max_col = max(scan.max_col, _column_index(letters.decode()))
        scan.max_row = max(scan.max_row, int(digits))
    if pattern is _ANY_REF:
        for digits in set(_ANY_ROW.findall(body)):
            scan.max_row = max(scan.max_row, int(digits))
        if path is not None and _ESCAPED_REF.search(body):
            raise ImportFileError(
                f"Tệp “{path.name}” có tham chiếu ô viết bằng mã ký tự (không phải tệp do Excel tạo); "
                "không đọc để đảm bảo an toàn."
            )


def _cheap(body: bytes, scan: XlsxScan) -> None:
    """Rows and cells in order (what every writer produces): the last row tag gives the row count, the
    last cells the width. Anything out of the ordinary (a reference beyond column Z or below row
    999.999) is looked at exactly by the caller."""
    at = body.rfind(b'<row r="')
    if at >= 0:
        end = body.find(b'"', at + 8)
        if body[at + 8 : end].isdigit():
            scan.max_row = max(scan.max_row, int(body[at + 8 : end]))
    last = set(_CELL_COL.findall(body[-65536:]))
    if last:
        scan.max_col = max(scan.max_col, _column_index(max(last).decode()))


def _shared_text(body: bytes, sizes: list[int]) -> int:
    """The characters the chunk's shared-string cells stand for (one regex pass, no object per cell but
    one per distinct index)."""
    total = 0
    count = len(sizes)
    for index, times in Counter(_SHARED_CELL.findall(body)).items():
        at = int(index)
        if at < count:
            total += sizes[at] * times
    return total


def scan_worksheet(archive: zipfile.ZipFile, part: str, path: Path, shared: list[int] | None = None) -> XlsxScan:
    """Stream the worksheet XML once and find the used range from its references. The cost is one
    inflate of the part plus one search that creates no object per cell (≈ 1 s for 100.000 rows on a
    slow office PC, a third of calamine's own read). With ``shared`` (the sizes of the shared strings)
    it also adds up the text the shared-string cells stand for (``text_chars``)."""
    scan = XlsxScan()
    tail = b""
    first = True
    try:
        with archive.open(part) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                data = tail + chunk
                if first:
                    if _DOCTYPE.search(data[:4096]):
                        raise _unsafe_xml(path)
                    prefixed = b':c r="' in data or b":row " in data
                first = False
                if chunk:  # keep a tag cut at the chunk's end for the next round
                    cut = data.rfind(b"<", max(len(data) - 256, 0))
                    cut = len(data) if cut < 0 else cut
                else:
                    cut = len(data)
                body, tail = data[:cut], data[cut:]
                if prefixed or _odd_tag(body) or b'r="&' in body:
                    _exact(body, scan, _ANY_REF, path)
                else:
                    _cheap(body, scan)
                    if _unusual(scan).search(body):
                        _exact(body, scan, _PLAIN_REF)
                if shared is not None:
                    scan.text_chars += _shared_text(body, shared)
                if _has_long_text(body):  # longer than any cell Excel can hold: an attack
                    from .sheets import cell_too_long_error

                    raise ImportFileError(cell_too_long_error(f"“{path.name}”").message)
                scan.xml_bytes += len(body)
                if not chunk:
                    break
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError):
        raise _corrupt(path) from None
    return scan


@functools.lru_cache(maxsize=16)
def _unusual_after(digits: int) -> re.Pattern[bytes]:
    return re.compile(rb'<c r="(?:[A-Z]{2}|[A-Z]\d{%d})' % digits)


def _unusual(scan: XlsxScan) -> re.Pattern[bytes]:
    """A cell beyond column Z, or whose row number has more digits than the highest row tag so far
    (rows out of order, or a cell placed far below its row): such a chunk is looked at exactly. What
    slips through (a cell below the last row with as many digits) stays under 10 × the rows seen."""
    return _unusual_after(min(len(str(max(scan.max_row, 1))) + 1, 7))


def shared_string_sizes(archive: zipfile.ZipFile, path: Path) -> list[int]:
    """The size of each shared string (bytes of its XML less the tags of a plain string: an upper bound
    of its characters), in table order; [] when the workbook has none."""
    try:
        info = archive.getinfo("xl/sharedStrings.xml")
    except KeyError:
        return []
    if info.file_size > MAX_SHARED_STRINGS:
        raise ImportFileError(
            f"Tệp “{path.name}” có bảng chữ dùng chung quá lớn ({info.file_size >> 20} MB); hãy chia nhỏ tệp "
            "rồi nhập từng phần."
        )
    try:
        data = archive.read(info)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, RuntimeError, EOFError):
        raise _corrupt(path) from None
    return [max(len(part) - 12, 0) for part in _SI_SPLIT.split(data)[1:]]


_SI_SPLIT = re.compile(rb"<(?:[\w.-]+:)?si(?=[\s>])")


def _check_text(path: Path, scan: XlsxScan) -> None:
    from .sheets import TEXT_BUDGET, text_budget_error

    if scan.text_chars > TEXT_BUDGET:
        raise ImportFileError(text_budget_error(f"“{path.name}”").message)
    scan.stream_text = scan.text_chars > CALAMINE_MAX_TEXT


def check_xlsx(path: str | Path, sheet: str | int | None = None) -> XlsxScan:
    """Check an .xlsx/.xlsm before parsing it: raises ``ImportFileError`` for what must not be read, and
    returns the scan of the chosen sheet (``needs_streaming`` tells whether calamine may load it).
    A sheet that does not exist is left for the reader to report."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportFileError(f"Tệp “{path.name}” bị hỏng hoặc không phải là bảng tính Excel.") from None
    with archive:
        check_zip(path, archive)
        for part in ("xl/sharedStrings.xml", "xl/styles.xml"):
            if part in archive.namelist():
                try:
                    with archive.open(part) as fh:
                        head = fh.read(4096)
                except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError):
                    raise _corrupt(path) from None
                if _DOCTYPE.search(head):
                    raise _unsafe_xml(path)
        chosen = _choose(path, xlsx_sheets(path, archive), sheet)
        if chosen is None:
            return XlsxScan()
        sizes = shared_string_sizes(archive, path)
        scan = scan_worksheet(archive, chosen.part, path)
        longest = max(sizes, default=0)
        if longest * scan.used_cells > CALAMINE_MAX_TEXT:  # could be much text: count it exactly
            scan = scan_worksheet(archive, chosen.part, path, sizes)
            _check_text(path, scan)
    scan.sheet = chosen.name
    if scan.max_col + 1 > MAX_COLUMNS:
        raise ImportFileError(
            f"Trang tính “{chosen.name}” có dữ liệu tới cột {_column_letter(scan.max_col)} (quá {MAX_COLUMNS} cột); "
            "hãy xóa các ô thừa ở bên phải rồi nhập lại."
        )
    if scan.max_row > MAX_ROWS:
        limit = f"{MAX_ROWS:,}".replace(",", ".")
        raise ImportFileError(
            f"Trang tính “{chosen.name}” có dữ liệu tới dòng {scan.max_row}, vượt giới hạn {limit} dòng của Excel; "
            "tệp không hợp lệ."
        )
    return scan


def open_sheet(path: str | Path, sheet: str | int | None = None, *, engine: str = "auto") -> Any:
    """The rows of a spreadsheet: see ``sheets.open_sheet`` (kept here for existing callers)."""
    from .sheets import open_sheet as open_rows

    return open_rows(path, sheet, engine=engine)
