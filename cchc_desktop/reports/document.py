"""The neutral report document (SPEC §6): what a report says and how its parts are named, with no
knowledge of Word or Qt. Builders (``quality``, ``cchc``) make a ``Document``; writers (``docx_writer``,
``qt_writer``) lay it out on A4 in the format of Nghị định 30/2020/NĐ-CP.

The parts carry the decree's names (Phụ lục I, Mẫu 1.4 "Văn bản có tên loại"): quốc hiệu, tiêu ngữ,
cơ quan chủ quản, cơ quan ban hành, số ký hiệu, địa danh ngày tháng, tên loại, trích yếu, nội dung,
nơi nhận, chức vụ (quyền hạn), người ký. Every format number (sizes, margins, indents, spacing) is in
``PageFormat`` — the one table both writers read.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from ..core.errors import ValidationError
from ..core.formatting import format_date_text

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\u00a0NAM"  # "VIỆT NAM" never wraps (no-break space)
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
TEN_LOAI_BAO_CAO = "BÁO CÁO"
KY_HIEU_BAO_CAO = "BC"  # Phụ lục III: Báo cáo → BC
NOI_NHAN_LABEL = "Nơi nhận:"
END_MARK = "./."  # the decree's end of the body text
DRAFT_MARK = "DỰ THẢO"  # top right of page 1 while a section is empty or a check fails
BLANK_NUMBER = "\u00a0" * 6  # "Số:       /BC-SYT" left for the clerk (Văn thư)
BLANK_DAY = "\u00a0" * 5
SHORT_TABLE_ROWS = 20  # header + rows: a table this short is kept on one page


# --------------------------------------------------------------------------- the format table


@dataclass(frozen=True)
class PageFormat:
    """Every number of the layout, in millimetres and points (NĐ 30/2020, Phụ lục I).

    Margins and the body size may be changed within the decree's ranges (``with_margins``,
    ``with_body_size``); the element sizes follow the decree's sample column.
    """

    # page: A4 portrait
    page_width_mm: float = 210.0
    page_height_mm: float = 297.0
    margin_top_mm: float = 20.0
    margin_bottom_mm: float = 20.0
    margin_left_mm: float = 30.0
    margin_right_mm: float = 15.0
    header_distance_mm: float = 10.0  # page number line inside the top margin
    # font
    font_name: str = "Times New Roman"
    language: str = "vi-VN"
    # body text
    body_pt: float = 14.0
    first_line_indent_mm: float = 12.7  # 1,27 cm
    space_after_pt: float = 6.0
    line_spacing: float = 1.0  # single (the decree allows 1 to 1,5)
    # header (thể thức): left column cơ quan, right column quốc hiệu
    co_quan_chu_quan_pt: float = 12.0
    co_quan_ban_hanh_pt: float = 12.0
    quoc_hieu_pt: float = 12.0
    tieu_ngu_pt: float = 13.0
    so_ky_hieu_pt: float = 13.0
    dia_danh_pt: float = 13.0
    header_left_mm: float = 65.0  # the right column takes the rest of the text width
    agency_rule_ratio: float = 0.4  # rule under the agency: 1/3 to 1/2 of its name
    rule_pt: float = 0.5
    # title
    ten_loai_pt: float = 14.0
    trich_yeu_pt: float = 14.0
    title_space_before_pt: float = 18.0
    # closing blocks
    noi_nhan_label_pt: float = 12.0
    noi_nhan_pt: float = 11.0
    chuc_vu_pt: float = 14.0
    nguoi_ky_pt: float = 14.0
    signature_left_mm: float = 80.0  # Nơi nhận column; the signature takes the rest
    signature_gap_pt: float = 72.0  # room for the signature and the seal
    # others
    page_number_pt: float = 13.0
    footnote_pt: float = 10.0
    table_pt: float = 12.0

    # ranges of NĐ 30/2020 (min, max)
    MARGIN_RANGES = {
        "top": (20.0, 25.0),
        "bottom": (20.0, 25.0),
        "left": (30.0, 35.0),
        "right": (15.0, 20.0),
    }
    BODY_SIZES = (13.0, 14.0)

    @property
    def text_width_mm(self) -> float:
        return self.page_width_mm - self.margin_left_mm - self.margin_right_mm

    @property
    def text_height_mm(self) -> float:
        return self.page_height_mm - self.margin_top_mm - self.margin_bottom_mm

    @property
    def header_right_mm(self) -> float:
        return self.text_width_mm - self.header_left_mm

    @property
    def signature_right_mm(self) -> float:
        return self.text_width_mm - self.signature_left_mm

    def with_margins(
        self, *, top: float | None = None, bottom: float | None = None, left: float | None = None,
        right: float | None = None,
    ) -> PageFormat:
        """The same format with other margins; a margin outside the decree's range is refused."""
        values = {"top": top, "bottom": bottom, "left": left, "right": right}
        names = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
        changes: dict[str, Any] = {}
        for side, value in values.items():
            if value is None:
                continue
            low, high = self.MARGIN_RANGES[side]
            if not low <= value <= high:
                raise ValidationError(
                    f"margin_{side}",
                    f"Lề {names[side]} phải từ {low:g} đến {high:g} mm theo Nghị định 30/2020/NĐ-CP "
                    f"(đã nhập {value:g} mm).",
                )
            changes[f"margin_{side}_mm"] = float(value)
        return replace(self, **changes)

    def with_body_size(self, size: float) -> PageFormat:
        if float(size) not in self.BODY_SIZES:
            raise ValidationError("report_font_size", "Cỡ chữ phần nội dung là 13 hoặc 14.")
        return replace(self, body_pt=float(size))


DEFAULT_FORMAT = PageFormat()


# --------------------------------------------------------------------------- inline content


@dataclass(frozen=True)
class Run:
    """A piece of text with one style. ``draft_note`` marks a visible note to the drafter
    (an empty section, a missing record) that must be dealt with before signing."""

    text: str
    bold: bool = False
    italic: bool = False
    draft_note: bool = False


@dataclass(frozen=True)
class FootnoteRef:
    """A footnote: the reference mark sits here, the text goes to the foot of the page.
    Writers number footnotes 1, 2, … in the order they appear."""

    text: str


Inline = Run | FootnoteRef


def runs(*parts: str | Inline) -> tuple[Inline, ...]:
    """Plain strings become plain runs."""
    return tuple(Run(p) if isinstance(p, str) else p for p in parts)


def plain_text(parts: tuple[Inline, ...]) -> str:
    return "".join(p.text for p in parts if isinstance(p, Run))


# --------------------------------------------------------------------------- blocks


class Align(Enum):
    JUSTIFY = "justify"
    CENTER = "center"
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: justified, first line indented (SPEC §6)."""

    content: tuple[Inline, ...]
    align: Align = Align.JUSTIFY
    first_line_indent: bool = True
    keep_with_next: bool = False


@dataclass(frozen=True)
class Heading:
    """A numbered heading: level 1 "I." (upper case, bold), level 2 "1." (bold), level 3 "a)" (italic)."""

    number: str
    text: str
    level: int = 2

    @property
    def display(self) -> str:
        text = self.text.upper() if self.level == 1 else self.text
        return f"{self.number} {text}".strip()


@dataclass(frozen=True)
class BulletList:
    """Items introduced by a dash, as Vietnamese administrative texts write them."""

    items: tuple[tuple[Inline, ...], ...]
    marker: str = "-"
    level: int = 1  # 2: the "+" sub-items under a "-" item


@dataclass(frozen=True)
class Column:
    title: str
    width_mm: float
    align: Align = Align.LEFT


@dataclass(frozen=True)
class Table:
    """A data table: grid borders, bold header row repeated on every page, optional total row."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    total_row: bool = False  # the last row is a total (bold)
    caption: str | None = None  # a line above the table (e.g. "Đơn vị tính: hồ sơ")

    @property
    def kept_whole(self) -> bool:
        """A short table never splits across pages (both writers: Word's keep-with-next on its rows, the
        Qt pagination's atomic tables), so Word, LibreOffice and the PDF paginate alike."""
        return len(self.rows) + 1 <= SHORT_TABLE_ROWS


Block = Paragraph | Heading | BulletList | Table


# --------------------------------------------------------------------------- the document


@dataclass(frozen=True)
class Header:
    """The header (thể thức) of page 1."""

    co_quan_chu_quan: str  # "UBND TỈNH KHÁNH HÒA"
    co_quan_ban_hanh: str  # "SỞ Y TẾ"
    so: str | None  # the number given by the clerk; None leaves it blank
    ky_hieu: str  # "BC-SYT"
    dia_danh: str  # "Khánh Hòa"
    ngay: dt.date | None  # None leaves day and month blank
    nam: int  # the year written when the date is left blank

    @property
    def quoc_hieu(self) -> str:
        return QUOC_HIEU

    @property
    def tieu_ngu(self) -> str:
        return TIEU_NGU

    @property
    def so_ky_hieu(self) -> str:
        """ "Số: 125/BC-SYT"; numbers below 10 get a leading zero ("Số: 05/BC-SYT")."""
        number = (self.so or "").strip()
        if number.isdigit() and len(number) == 1:
            number = f"0{number}"
        return f"Số: {number or BLANK_NUMBER}/{self.ky_hieu}"

    @property
    def dia_danh_ngay_thang(self) -> str:
        """ "Khánh Hòa, ngày 20 tháng 12 năm 2024" (italic in the header)."""
        if self.ngay is None:
            return f"{self.dia_danh}, ngày{BLANK_DAY}tháng{BLANK_DAY}năm {self.nam}"
        return f"{self.dia_danh}, {format_date_text(self.ngay)}"


@dataclass(frozen=True)
class Signature:
    """Quyền hạn (e.g. "KT. GIÁM ĐỐC"), chức vụ ("PHÓ GIÁM ĐỐC", under KT./TL./…), người ký."""

    quyen_han: str
    chuc_vu: str | None
    nguoi_ky: str

    @property
    def title_lines(self) -> list[str]:
        lines = [self.quyen_han.strip().upper()]
        if self.chuc_vu and self.chuc_vu.strip():
            lines.append(self.chuc_vu.strip().upper())
        return [line for line in lines if line]


@dataclass(frozen=True)
class Document:
    header: Header
    ten_loai: str  # "BÁO CÁO"
    trich_yeu: str  # the subject line under the title
    noi_dung: tuple[Block, ...]
    cau_ket: str  # the closing sentence; the end mark "./." is added by ``closing_text``
    noi_nhan: tuple[str, ...]
    chu_ky: Signature
    format: PageFormat = field(default_factory=PageFormat)
    title: str = ""  # file properties (Word: Title)
    draft: bool = False  # "DỰ THẢO" in the header area; never issued

    @property
    def closing_text(self) -> str:
        return with_end_mark(self.cau_ket)

    @property
    def noi_nhan_lines(self) -> list[str]:
        return recipient_lines(self.noi_nhan)

    def footnotes(self) -> list[str]:
        """Footnote texts in the order the writers number them."""
        notes: list[str] = []
        for block in self.noi_dung:
            for parts in _inline_groups(block):
                notes.extend(p.text for p in parts if isinstance(p, FootnoteRef))
        return notes

    def text(self) -> str:
        """Everything a reader sees, as plain text (tests, search, the command line)."""
        h = self.header
        lines = [DRAFT_MARK] if self.draft else []
        lines += [
            h.co_quan_chu_quan, h.co_quan_ban_hanh, h.so_ky_hieu, h.quoc_hieu, h.tieu_ngu,
            h.dia_danh_ngay_thang, self.ten_loai, self.trich_yeu,
        ]
        for block in self.noi_dung:
            lines.extend(block_text(block))
        lines.append(self.closing_text)
        lines.append(NOI_NHAN_LABEL)
        lines.extend(self.noi_nhan_lines)
        lines.extend(self.chu_ky.title_lines)
        lines.append(self.chu_ky.nguoi_ky)
        lines.extend(f"{n}. {t}" for n, t in enumerate(self.footnotes(), 1))
        return "\n".join(lines)


def _inline_groups(block: Block) -> list[tuple[Inline, ...]]:
    if isinstance(block, Paragraph):
        return [block.content]
    if isinstance(block, BulletList):
        return list(block.items)
    return []


def block_text(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [plain_text(block.content)]
    if isinstance(block, Heading):
        return [block.display]
    if isinstance(block, BulletList):
        return [f"{block.marker} {plain_text(item)}" for item in block.items]
    lines = [block.caption] if block.caption else []
    lines.append(" | ".join(c.title for c in block.columns))
    lines.extend(" | ".join(row) for row in block.rows)
    return lines


def with_end_mark(text: str) -> str:
    """The closing sentence ending with the decree's mark: "… năm 2024./."."""
    body = text.rstrip()
    if body.endswith(END_MARK):
        return body
    body = body.rstrip(".;: ")
    return f"{body}{END_MARK}"


def recipient_lines(recipients: tuple[str, ...] | list[str]) -> list[str]:
    """ "- Lãnh đạo Sở (VBĐT);" … "- Lưu: VT, TCHC." whatever punctuation the user typed."""
    cleaned = []
    for raw in recipients:
        text = raw.strip()
        if text.startswith(("-", "–", "•")):
            text = text[1:].strip()
        text = text.rstrip(";.,").strip()
        if text:
            cleaned.append(text)
    return [f"- {text}{'.' if i == len(cleaned) - 1 else ';'}" for i, text in enumerate(cleaned)]


# --------------------------------------------------------------------------- text widths

# Advance widths of Times New Roman (Liberation Serif has the same metrics), 1/1000 em, for the
# characters 32..126. Used to size the rules under the agency name and the motto.
_TIMES_REGULAR = (
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611, 556, 722,
    722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333,
    278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500,
    500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
)
_TIMES_BOLD = (
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667, 611, 778,
    778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667, 333,
    278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500,
    556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520,
)
_BASE_LETTER = {"Đ": "D", "đ": "d", "\u00a0": " "}


def text_width_mm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """Approximate printed width of ``text`` in Times New Roman (Vietnamese letters are measured
    by their base letter)."""
    table = _TIMES_BOLD if bold else _TIMES_REGULAR
    units = 0
    for ch in text:
        base = _BASE_LETTER.get(ch) or unicodedata.normalize("NFD", ch)[0]
        code = ord(base)
        units += table[code - 32] if 32 <= code <= 126 else 500
    return units / 1000 * size_pt * 25.4 / 72
