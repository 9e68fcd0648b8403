"""Qt writer: the same ``Document`` on A4 with the same margins and fonts, for print preview, printing
and PDF, with no Word or LibreOffice needed (an offline PC prints at once).

The document is laid out as one ``QTextDocument`` the width of the text area, then cut into pages
here rather than by ``QTextDocument.print_``: Qt has no footnotes, so each page reserves room at its
foot for the footnotes whose marks fall on it, and cuts never split a line, a table row, a heading
from the line after it, or the closing sentence from the signature block. Page numbers are drawn
centred in the top margin from page 2 on (NĐ 30/2020).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextLength,
    QTextLine,
    QTextTable,
    QTextTableFormat,
)

from ..core.formatting import NB_HYPHEN, WORD_JOINER, keep_together, plain
from .document import (
    DRAFT_MARK,
    NOI_NHAN_LABEL,
    Align,
    BulletList,
    Document,
    FootnoteRef,
    Heading,
    Inline,
    PageFormat,
    Paragraph,
    Run,
    Table,
    text_width_mm,
)
from .output import OutputError, write_atomically

# The text is laid out for a 1200-dpi device: Qt turns a point size into whole device pixels, which at
# the screen's 96 dpi made 14 pt print as 14,25 pt (and 13 pt as 12,75 pt); at 1200 dpi the error is
# below 0,03 pt. The PDF is written at the same resolution, so it prints the layout unscaled, and the
# print preview and the screen preview scale the same layout (they show what the PDF shows).
LAYOUT_DPI = 1200
PDF_DPI = LAYOUT_DPI
ALIGN = {
    Align.JUSTIFY: Qt.AlignmentFlag.AlignJustify,
    Align.CENTER: Qt.AlignmentFlag.AlignHCenter,
    Align.LEFT: Qt.AlignmentFlag.AlignLeft,
    Align.RIGHT: Qt.AlignmentFlag.AlignRight,
}
BLACK = QColor(0, 0, 0)
DRAFT_NOTE_BACKGROUND = QColor(255, 255, 0)
FOOTNOTE_SEPARATOR_MM = 50.0
FOOTNOTE_GAP_MM = 3.0
CELL_PADDING_MM = 1.0


def ensure_application() -> QGuiApplication:
    """The Qt application the writer needs for fonts; created headless when none exists (the command
    line). A QApplication, so a later window or test can still use widgets."""
    app = QGuiApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication(["cchc-desktop"])


def printed(text: str) -> str:
    """``keep_together`` for Qt: Times New Roman (and Liberation Serif) have no U+2011 glyph, so a
    symbol's hyphen is an ordinary one held to the next letter by a word joiner."""
    return keep_together(text).replace(NB_HYPHEN, "-" + WORD_JOINER)


# --------------------------------------------------------------------------- building the QTextDocument


@dataclass
class _Built:
    doc: QTextDocument
    footnotes: list[tuple[int, str]]  # (character position of the mark, text)
    keep_ranges: list[tuple[int, int]]  # character ranges that must stay on one page
    tables_atomic: list[QTextTable]  # tables never cut (header, signature)
    tables_by_row: list[QTextTable]  # data tables: cut between rows only


def layout_dpi() -> float:
    """The resolution every report is laid out at (``LAYOUT_DPI``)."""
    return float(LAYOUT_DPI)


_LAYOUT_DEVICE: QImage | None = None


def layout_device() -> QImage:
    """A tiny image that tells Qt's text layout its resolution (fonts are resolved against it)."""
    global _LAYOUT_DEVICE
    if _LAYOUT_DEVICE is None:
        image = QImage(8, 8, QImage.Format.Format_RGB32)
        image.setDotsPerMeterX(round(LAYOUT_DPI / 0.0254))
        image.setDotsPerMeterY(round(LAYOUT_DPI / 0.0254))
        _LAYOUT_DEVICE = image
    return _LAYOUT_DEVICE


_FORMAT_SCALE: float | None = None


def format_scale() -> float:
    """How many layout pixels Qt makes of one unit of a block margin or a table width (the layout
    device's DPI over the screen's logical DPI: 12,5 on a 96-dpi screen), measured once."""
    global _FORMAT_SCALE
    if _FORMAT_SCALE is None:
        doc = new_text_document()
        doc.setTextWidth(1000)
        cursor = QTextCursor(doc)
        bf = QTextBlockFormat()
        bf.setBottomMargin(100)
        cursor.setBlockFormat(bf)
        cursor.insertText("x")
        cursor.insertBlock(QTextBlockFormat())
        cursor.insertText("x")
        first = doc.begin()
        gap = doc.documentLayout().blockBoundingRect(first.next()).top() - first.layout().lineAt(0).height()
        _FORMAT_SCALE = gap / 100 if gap > 0 else 1.0
    return _FORMAT_SCALE


def new_text_document() -> QTextDocument:
    """A QTextDocument laid out at ``LAYOUT_DPI`` (design metrics, no margin)."""
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(layout_device())
    doc.setUseDesignMetrics(True)
    doc.setDocumentMargin(0)
    return doc


class _Builder:
    """Lays the document out in the pixels of a ``LAYOUT_DPI`` device; painting scales to the device's
    resolution (1 for the PDF)."""

    def __init__(self, document: Document) -> None:
        self.src = document
        self.fmt: PageFormat = document.format
        self.dpi = layout_dpi()
        self.doc = new_text_document()
        self.doc.setUndoRedoEnabled(False)
        self.doc.setTextWidth(self.px(self.fmt.text_width_mm))
        self.doc.setDefaultFont(self.font(self.fmt.body_pt))
        self.cursor = QTextCursor(self.doc)
        self.footnotes: list[tuple[int, str]] = []
        self.keep: list[tuple[int, int]] = []
        self.atomic: list[QTextTable] = []
        self.by_row: list[QTextTable] = []
        self.reuse = True  # the cursor's block is empty and can take the next content

    def px(self, mm: float) -> float:
        return mm * self.dpi / 25.4

    def pt_px(self, pt: float) -> float:
        return pt * self.dpi / 72.0

    # Lengths inside text formats (margins, indents, column widths, borders, padding) are scaled by Qt
    # from the screen's logical DPI to the layout device; ``fx`` and ``fp`` give them in those units.
    def fx(self, mm: float) -> float:
        return self.px(mm) / format_scale()

    def fp(self, pt: float) -> float:
        return self.pt_px(pt) / format_scale()

    def font(self, size: float, *, bold: bool = False, italic: bool = False) -> QFont:
        font = QFont(self.fmt.font_name)
        font.setPointSizeF(size)
        font.setBold(bold)
        font.setItalic(italic)
        font.setStyleHint(QFont.StyleHint.Serif)
        return font

    def char(self, size: float, *, bold: bool = False, italic: bool = False) -> QTextCharFormat:
        cf = QTextCharFormat()
        cf.setFont(self.font(size, bold=bold, italic=italic))
        cf.setForeground(BLACK)
        return cf

    def block_format(
        self, align: Align = Align.JUSTIFY, *, indent: bool = False, after_pt: float = 0.0,
        before_pt: float = 0.0,
    ) -> QTextBlockFormat:
        bf = QTextBlockFormat()
        bf.setAlignment(ALIGN[align])
        bf.setTextIndent(self.px(self.fmt.first_line_indent_mm) if indent else 0.0)  # not scaled by Qt
        bf.setBottomMargin(self.fp(after_pt))
        bf.setTopMargin(self.fp(before_pt))
        if self.fmt.line_spacing != 1.0:
            bf.setLineHeight(self.fmt.line_spacing * 100, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        return bf

    def new_block(self, bf: QTextBlockFormat, cf: QTextCharFormat | None = None) -> None:
        """Start a block (or use the empty one the cursor is in: the document's first block, the
        block after a table)."""
        cf = cf or self.char(self.fmt.body_pt)
        if self.reuse:
            self.cursor.setBlockFormat(bf)
            self.cursor.setBlockCharFormat(cf)
            self.reuse = False
        else:
            self.cursor.insertBlock(bf, cf)

    def insert_table(self, rows: int, columns: int, tf: QTextTableFormat) -> QTextTable:
        """A table after the current block; an empty block left before it is made hairline-thin."""
        if self.reuse:
            bf = QTextBlockFormat()
            bf.setLineHeight(1.0, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
            self.cursor.setBlockFormat(bf)
            self.cursor.setBlockCharFormat(self.char(1.0))
            self.reuse = False
        return self.cursor.insertTable(rows, columns, tf)

    # ----------------------------------------------------------------- content

    def build(self) -> _Built:
        self.header()
        self.title()
        for block in self.src.noi_dung:
            self.block(block)
        self.new_block(self.body_format())
        start = self.cursor.block().position()
        self.inline((Run(self.src.closing_text),))
        self.closing()
        self.keep.append((start, self.cursor.position()))
        return _Built(self.doc, self.footnotes, self.keep, self.atomic, self.by_row)

    def body_format(self, align: Align = Align.JUSTIFY, indent: bool = True) -> QTextBlockFormat:
        return self.block_format(align, indent=indent, after_pt=self.fmt.space_after_pt)

    def inline(self, parts: tuple[Inline, ...], size: float | None = None) -> None:
        size = size or self.fmt.body_pt
        for part in parts:
            if isinstance(part, FootnoteRef):
                self.footnotes.append((self.cursor.position(), part.text))
                cf = self.char(size)
                cf.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
                self.cursor.insertText(str(len(self.footnotes)), cf)
                continue
            cf = self.char(size, bold=part.bold, italic=part.italic or part.draft_note)
            if part.draft_note:
                cf.setBackground(DRAFT_NOTE_BACKGROUND)
            self.cursor.insertText(printed(part.text), cf)

    def text(self, text: str, size: float, *, bold: bool = False, italic: bool = False) -> None:
        self.cursor.insertText(printed(text), self.char(size, bold=bold, italic=italic))

    def rule(self, width_mm: float) -> None:
        """A centred rule under the previous line (drawn by Qt's horizontal-ruler property)."""
        bf = self.block_format(Align.CENTER)
        bf.setProperty(
            QTextFormat.Property.BlockTrailingHorizontalRulerWidth,
            QTextLength(QTextLength.Type.FixedLength, self.fx(width_mm)),
        )
        self.new_block(bf, self.char(3.0))

    def borderless_table(
        self, rows: int, widths_mm: list[float], after_pt: float = 0.0, before_pt: float = 0.0
    ) -> QTextTable:
        tf = QTextTableFormat()
        tf.setBorder(0)
        tf.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_None)
        tf.setCellPadding(0)
        tf.setCellSpacing(0)
        tf.setMargin(0)
        # Qt ignores the top margin of the block after a table: the space goes under the table
        tf.setBottomMargin(self.fp(after_pt))
        tf.setTopMargin(self.fp(before_pt))
        tf.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        tf.setColumnWidthConstraints([QTextLength(QTextLength.Type.FixedLength, self.fx(w)) for w in widths_mm])
        return self.insert_table(rows, len(widths_mm), tf)

    def cell_lines(self, table: QTextTable, row: int, col: int, lines: list[tuple[str, float, bool, bool]]) -> None:
        self.cursor = table.cellAt(row, col).firstCursorPosition()
        for i, (text, size, bold, italic) in enumerate(lines):
            bf = self.block_format(Align.CENTER)
            if i == 0:
                self.cursor.setBlockFormat(bf)
                self.cursor.setBlockCharFormat(self.char(size))
            else:
                self.cursor.insertBlock(bf, self.char(size))
            self.text(text, size, bold=bold, italic=italic)

    def leave_table(self, table: QTextTable) -> None:
        self.cursor = table.lastCursorPosition()
        self.cursor.movePosition(QTextCursor.MoveOperation.NextBlock)
        self.reuse = True

    def header(self) -> None:
        fmt, h = self.fmt, self.src.header
        if self.src.draft:  # "DỰ THẢO" above the header, right (as the .docx)
            self.new_block(self.block_format(Align.RIGHT, after_pt=3.0), self.char(fmt.so_ky_hieu_pt))
            self.text(DRAFT_MARK, fmt.so_ky_hieu_pt, bold=True)
            self.cursor.insertBlock(self.block_format(Align.LEFT), self.char(fmt.so_ky_hieu_pt))
            self.reuse = True
        table = self.borderless_table(
            2, [fmt.header_left_mm, fmt.header_right_mm], after_pt=fmt.title_space_before_pt
        )
        self.atomic.append(table)
        self.cell_lines(table, 0, 0, [
            (h.co_quan_chu_quan.upper(), fmt.co_quan_chu_quan_pt, False, False),
            (h.co_quan_ban_hanh.upper(), fmt.co_quan_ban_hanh_pt, True, False),
        ])
        widest = max(
            text_width_mm(h.co_quan_chu_quan.upper(), fmt.co_quan_chu_quan_pt),
            text_width_mm(h.co_quan_ban_hanh.upper(), fmt.co_quan_ban_hanh_pt, bold=True),
        )
        self.rule(widest * fmt.agency_rule_ratio)
        self.cell_lines(table, 0, 1, [
            (h.quoc_hieu, fmt.quoc_hieu_pt, True, False),
            (h.tieu_ngu, fmt.tieu_ngu_pt, True, False),
        ])
        self.rule(text_width_mm(h.tieu_ngu, fmt.tieu_ngu_pt, bold=True))
        self.cell_lines(table, 1, 0, [(h.so_ky_hieu, fmt.so_ky_hieu_pt, False, False)])
        self._top_margin(6)
        self.cell_lines(table, 1, 1, [(h.dia_danh_ngay_thang, fmt.dia_danh_pt, False, True)])
        self._top_margin(6)
        self.leave_table(table)

    def _top_margin(self, pt: float) -> None:
        bf = self.cursor.blockFormat()
        bf.setTopMargin(self.fp(pt))
        self.cursor.setBlockFormat(bf)

    def title(self) -> None:
        fmt = self.fmt
        start = self.cursor.position()
        self.new_block(self.block_format(Align.CENTER))
        self.text(self.src.ten_loai.upper(), fmt.ten_loai_pt, bold=True)
        self.new_block(self.block_format(Align.CENTER))
        self.text(self.src.trich_yeu, fmt.trich_yeu_pt, bold=True)
        subject = min(text_width_mm(self.src.trich_yeu, fmt.trich_yeu_pt, bold=True), fmt.text_width_mm)
        self.rule(subject * fmt.agency_rule_ratio)
        self.new_block(self.block_format(Align.CENTER, after_pt=fmt.space_after_pt))
        self.keep.append((start, self.cursor.position()))

    def block(self, block: object) -> None:
        if isinstance(block, Heading):
            self.new_block(self.body_format())
            start = self.cursor.block().position()
            self.text(block.display, self.fmt.body_pt, bold=block.level <= 2, italic=block.level >= 3)
            # a heading stays with the first line that follows it
            self.keep.append((start, self.cursor.position() + 2))
        elif isinstance(block, Paragraph):
            self.new_block(self.body_format(block.align, block.first_line_indent))
            start = self.cursor.block().position()
            self.inline(block.content)
            if block.keep_with_next:  # stays with the first line of what follows
                self.keep.append((start, self.cursor.position() + 2))
        elif isinstance(block, BulletList):
            for item in block.items:
                self.new_block(self.body_format())
                self.inline((Run(f"{block.marker} "), *item))
        elif isinstance(block, Table):
            self.data_table(block)
        else:  # pragma: no cover - the model has no other block
            raise TypeError(f"unknown block {block!r}")

    def data_table(self, block: Table) -> None:
        fmt = self.fmt
        start = None
        if block.caption:
            self.new_block(self.body_format(Align.RIGHT, indent=False))
            start = self.cursor.block().position()
            self.text(block.caption, fmt.table_pt, italic=True)
        tf = QTextTableFormat()
        tf.setBorder(max(1.0, self.fp(0.5)))
        tf.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
        tf.setBorderBrush(BLACK)
        tf.setBorderCollapse(True)
        tf.setCellPadding(self.fx(CELL_PADDING_MM))
        tf.setCellSpacing(0)
        tf.setHeaderRowCount(1)
        tf.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        tf.setColumnWidthConstraints(
            [QTextLength(QTextLength.Type.FixedLength, self.fx(c.width_mm)) for c in block.columns]
        )
        table = self.insert_table(1 + len(block.rows), len(block.columns), tf)
        (self.atomic if block.kept_whole else self.by_row).append(table)
        if start is not None:  # the caption stays with the header row and the first row
            self.keep.append((start, table.cellAt(min(1, len(block.rows)), 0).firstPosition()))
        for c, col in enumerate(block.columns):
            self._table_cell(table, 0, c, col.title, Align.CENTER, bold=True)
        for r, values in enumerate(block.rows, 1):
            bold = block.total_row and r == len(block.rows)
            for c, (col, value) in enumerate(zip(block.columns, values, strict=True)):
                self._table_cell(table, r, c, value, col.align, bold=bold)
        self.leave_table(table)
        self.new_block(self.block_format(Align.LEFT, after_pt=fmt.space_after_pt), self.char(fmt.body_pt / 2))

    def _table_cell(self, table: QTextTable, row: int, col: int, text: str, align: Align, *, bold: bool) -> None:
        cursor = table.cellAt(row, col).firstCursorPosition()
        cursor.setBlockFormat(self.block_format(align))
        cursor.insertText(text, self.char(self.fmt.table_pt, bold=bold))

    def closing(self) -> None:
        fmt = self.fmt
        table = self.borderless_table(
            1, [fmt.signature_left_mm, fmt.signature_right_mm], before_pt=fmt.space_after_pt
        )
        self.atomic.append(table)
        self.cursor = table.cellAt(0, 0).firstCursorPosition()
        bf = self.block_format(Align.LEFT, before_pt=fmt.space_after_pt)
        self.cursor.setBlockFormat(bf)
        self.text(NOI_NHAN_LABEL, fmt.noi_nhan_label_pt, bold=True, italic=True)
        for line in self.src.noi_nhan_lines:
            self.cursor.insertBlock(self.block_format(Align.LEFT), self.char(fmt.noi_nhan_pt))
            self.text(line, fmt.noi_nhan_pt)
        self.cursor = table.cellAt(0, 1).firstCursorPosition()
        sig = self.src.chu_ky
        for i, line in enumerate(sig.title_lines):
            bf = self.block_format(Align.CENTER, before_pt=fmt.space_after_pt if i == 0 else 0.0)
            if i == 0:
                self.cursor.setBlockFormat(bf)
            else:
                self.cursor.insertBlock(bf)
            self.text(line, fmt.chuc_vu_pt, bold=True)
        self.cursor.insertBlock(self.block_format(Align.CENTER, before_pt=fmt.signature_gap_pt))
        self.text(sig.nguoi_ky, fmt.nguoi_ky_pt, bold=True)
        self.leave_table(table)


# --------------------------------------------------------------------------- pagination


@dataclass(frozen=True)
class PageSlice:
    top: float  # document coordinates (device pixels) of the page's first line
    bottom: float
    footnotes: tuple[tuple[int, str], ...]  # (number, text)


class Layout:
    """A ``Document`` laid out for one paint device and cut into A4 pages."""

    def __init__(self, document: Document) -> None:
        ensure_application()
        self.document = document
        self.fmt = document.format
        self.builder = _Builder(document)
        self.built = self.builder.build()
        self.doc = self.built.doc
        self.layout = self.doc.documentLayout()
        self.height = self.layout.documentSize().height()
        self.page_height = self.builder.px(self.fmt.text_height_mm)
        self.pages = self._paginate()

    # ----------------------------------------------------------------- measuring

    def _block_rect(self, position: int) -> QRectF:
        return self.layout.blockBoundingRect(self.doc.findBlock(position))

    def _line_interval(self, position: int) -> tuple[float, float]:
        block = self.doc.findBlock(position)
        rect = self.layout.blockBoundingRect(block)
        layout = block.layout()
        line = layout.lineForTextPosition(max(0, position - block.position()))
        if not line.isValid():
            return rect.top(), rect.bottom()
        return rect.top() + line.y(), rect.top() + line.y() + line.height()

    def _forbidden(self) -> list[tuple[float, float]]:
        """Intervals no page cut may fall strictly inside."""
        spans: list[tuple[float, float]] = []
        block = self.doc.begin()
        while block.isValid():
            rect = self.layout.blockBoundingRect(block)
            lay = block.layout()
            for i in range(lay.lineCount()):
                line = lay.lineAt(i)
                spans.append((rect.top() + line.y(), rect.top() + line.y() + line.height()))
            block = block.next()
        for table in self.built.tables_atomic:
            rect = self.layout.frameBoundingRect(table)
            spans.append((rect.top(), rect.bottom()))
        for table in self.built.tables_by_row:
            spans.extend(self._row_spans(table))
        for start, end in self.built.keep_ranges:
            top = self._line_interval(start)[0]
            end = min(end, self.doc.characterCount() - 1)
            spans.append((top, self._line_interval(end)[1]))
        return spans

    def _row_spans(self, table: QTextTable) -> list[tuple[float, float]]:
        spans = []
        for r in range(table.rows()):
            tops, bottoms = [], []
            for c in range(table.columns()):
                cell = table.cellAt(r, c)
                tops.append(self._block_rect(cell.firstPosition()).top())
                bottoms.append(self._block_rect(cell.lastPosition()).bottom())
            pad = self.builder.px(CELL_PADDING_MM) + 2
            spans.append((min(tops) - pad, max(bottoms) + pad))
        return spans

    def _footnote_doc(self, notes: tuple[tuple[int, str], ...]) -> QTextDocument:
        b = self.builder
        doc = new_text_document()
        doc.setTextWidth(b.px(self.fmt.text_width_mm))
        doc.setDefaultFont(b.font(self.fmt.footnote_pt))
        cursor = QTextCursor(doc)
        for i, (number, text) in enumerate(notes):
            bf = b.block_format(Align.JUSTIFY)
            if i == 0:
                cursor.setBlockFormat(bf)
            else:
                cursor.insertBlock(bf)
            mark = b.char(self.fmt.footnote_pt)
            mark.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
            cursor.insertText(str(number), mark)
            cursor.insertText(f" {text}", b.char(self.fmt.footnote_pt))
        return doc

    def _footnote_height(self, notes: tuple[tuple[int, str], ...]) -> float:
        if not notes:
            return 0.0
        doc = self._footnote_doc(notes)  # keep the document alive while its layout is asked
        return doc.documentLayout().documentSize().height() + self.builder.px(FOOTNOTE_GAP_MM)

    # ----------------------------------------------------------------- cutting

    def _paginate(self) -> list[PageSlice]:
        merged = _merge(sorted(self._forbidden()))
        marks = [
            (self._line_interval(pos)[1], n, text) for n, (pos, text) in enumerate(self.built.footnotes, 1)
        ]
        pages: list[PageSlice] = []
        top = 0.0
        while top < self.height - 0.5:
            cut = self._cut(top, merged, marks)
            notes = tuple((n, text) for y, n, text in marks if top < y <= cut)
            pages.append(PageSlice(top, cut, notes))
            top = cut
        return pages or [PageSlice(0.0, self.page_height, ())]

    def _cut(self, top: float, merged: list[tuple[float, float]], marks: list[tuple[float, int, str]]) -> float:
        room = self.page_height
        cut = top + room
        for _ in range(100):
            if cut >= self.height:
                cut = self.height
            else:
                cut = _snap(top, cut, merged)
            notes = tuple((n, text) for y, n, text in marks if top < y <= cut)
            allowed = top + room - self._footnote_height(notes)
            if cut <= allowed + 0.5:
                return cut
            cut = max(allowed, top + 1)
        return cut

    # ----------------------------------------------------------------- painting

    def paint(self, painter: QPainter) -> None:
        """Paint every page; the painter's device is at page 1 and ``newPage`` is called between pages."""
        device = painter.device()
        for index in range(len(self.pages)):
            if index:
                if not isinstance(device, QPagedPaintDevice) or not device.newPage():
                    raise OutputError("Không tạo được trang mới khi in báo cáo.")
            self.paint_page(painter, index)

    def paint_page(self, painter: QPainter, index: int) -> None:
        """Paint page ``index`` with the painter's origin at the sheet's top-left corner."""
        scale = painter.device().logicalDpiY() / self.builder.dpi
        painter.save()
        painter.scale(scale, scale)
        try:
            self._paint_page(painter, index)
        finally:
            painter.restore()

    def _paint_page(self, painter: QPainter, index: int) -> None:
        b, fmt = self.builder, self.fmt
        page = self.pages[index]
        origin = QPointF(0, 0)
        left, top = origin.x() + b.px(fmt.margin_left_mm), origin.y() + b.px(fmt.margin_top_mm)
        width = b.px(fmt.text_width_mm)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        palette = QPalette()
        for role in (QPalette.ColorRole.Text, QPalette.ColorRole.Dark, QPalette.ColorRole.WindowText):
            palette.setColor(role, BLACK)
        ctx.palette = palette
        painter.save()
        painter.translate(left, top - page.top)
        # A hair inside the cut, so a highlighted line just across it does not bleed onto this page.
        # Page 1 has nothing above it: no top clip at all.
        hair = 1.5
        clip_top = page.top + hair if index else page.top - self.page_height
        clip = QRectF(-b.px(2), clip_top, width + b.px(4), page.bottom - hair - clip_top)
        painter.setClipRect(clip)
        ctx.clip = clip
        self.layout.draw(painter, ctx)
        if index:
            self._redraw_first_lines(painter, page, clip.left(), clip.width(), hair)
        painter.restore()
        if page.footnotes:
            notes = self._footnote_doc(page.footnotes)
            height = notes.documentLayout().documentSize().height()
            y = top + self.page_height - height
            painter.save()
            pen = QPen(BLACK)
            pen.setWidthF(max(1.0, b.pt_px(0.5)))
            painter.setPen(pen)
            line_y = y - b.px(FOOTNOTE_GAP_MM) / 2
            painter.drawLine(QPointF(left, line_y), QPointF(left + b.px(FOOTNOTE_SEPARATOR_MM), line_y))
            painter.translate(left, y)
            note_ctx = QAbstractTextDocumentLayout.PaintContext()
            note_ctx.palette = palette
            notes.documentLayout().draw(painter, note_ctx)
            painter.restore()
        if index > 0:  # NĐ 30: page numbers centred in the top margin, from page 2 on
            number = new_text_document()
            number.setTextWidth(width)
            cursor = QTextCursor(number)
            cursor.setBlockFormat(b.block_format(Align.CENTER))
            cursor.insertText(str(index + 1), b.char(fmt.page_number_pt))
            painter.save()
            painter.translate(left, origin.y() + b.px(fmt.header_distance_mm))
            number_ctx = QAbstractTextDocumentLayout.PaintContext()
            number_ctx.palette = palette
            number.documentLayout().draw(painter, number_ctx)
            painter.restore()

    def _redraw_first_lines(self, painter: QPainter, page: PageSlice, left: float, width: float, hair: float) -> None:
        """Vietnamese marks above capitals (Ể, Ố, Ữ…) rise above the line box, so the page clip cuts
        them off the first line of a page. Draw those lines' glyphs once more, clipped to the band just
        above the cut (only they are drawn, so nothing of the previous page comes back)."""
        band = self.builder.pt_px(self.fmt.body_pt) * 0.6
        painter.save()
        painter.setClipRect(QRectF(left, page.top - band, width, band + hair + 1))
        for origin, line in self._lines_starting_at(page.top):
            line.draw(painter, origin)
        painter.restore()

    def _lines_starting_at(self, y: float) -> list[tuple[QPointF, QTextLine]]:
        found: list[tuple[QPointF, QTextLine]] = []
        block = self.doc.begin()
        while block.isValid():
            rect = self.layout.blockBoundingRect(block)
            if rect.top() - 1 <= y + 3 and rect.bottom() >= y:
                lay = block.layout()
                for i in range(lay.lineCount()):
                    line = lay.lineAt(i)
                    if abs(rect.top() + line.y() - y) <= 3:
                        found.append((rect.topLeft(), line))
            block = block.next()
        return found

    def page_texts(self) -> list[str]:
        """The text of each page (tests): body lines in the slice, then its footnotes."""
        marks = {pos for pos, _text in self.built.footnotes}  # the superscript numbers are not text
        texts = []
        for page in self.pages:
            parts = []
            block = self.doc.begin()
            while block.isValid():
                rect = self.layout.blockBoundingRect(block)
                lay = block.layout()
                text = block.text()
                lines = []
                for i in range(lay.lineCount()):
                    line = lay.lineAt(i)
                    mid = rect.top() + line.y() + line.height() / 2
                    if page.top <= mid < page.bottom:
                        start = line.textStart()
                        lines.append(
                            "".join(
                                ch
                                for k, ch in enumerate(text[start : start + line.textLength()], start)
                                if block.position() + k not in marks
                            )
                        )
                if lines:
                    parts.append("".join(lines))
                block = block.next()
            parts.extend(f"{n} {text}" for n, text in page.footnotes)
            texts.append(plain("\n".join(parts)))
        return texts


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for a, b in spans:
        if merged and a < merged[-1][1] - 0.01:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _snap(top: float, cut: float, merged: list[tuple[float, float]]) -> float:
    """Move ``cut`` up out of any interval it falls inside (unless the interval alone is taller than
    the page: then cut where the page ends)."""
    for a, b in merged:
        if a < cut < b:
            return a if a > top + 0.5 else cut
        if a >= cut:
            break
    return cut


# --------------------------------------------------------------------------- devices


def _a4_layout(fmt: PageFormat) -> QPageLayout:
    return QPageLayout(
        QPageSize(QSizeF(fmt.page_width_mm, fmt.page_height_mm), QPageSize.Unit.Millimeter, "A4"),
        QPageLayout.Orientation.Portrait,
        QMarginsF(0, 0, 0, 0),
        QPageLayout.Unit.Millimeter,
    )


def paint_pdf(document: Document, path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(_a4_layout(document.format))
    writer.setTitle(document.title or f"{document.ten_loai} {document.trich_yeu}")
    writer.setCreator("cchc_desktop")
    layout = Layout(document)
    painter = QPainter()
    if not painter.begin(writer):
        raise OutputError(f"Không ghi được tệp PDF “{path.name}”.")
    try:
        layout.paint(painter)
    finally:
        painter.end()


def write_pdf(document: Document, path: Path | str) -> Path:
    """The PDF of ``document`` (temporary file, then replace; nothing partial on failure)."""
    ensure_application()
    return write_atomically(Path(path), lambda tmp: paint_pdf(document, tmp))


def page_count(document: Document) -> int:
    return len(Layout(document).pages)


def _image_device(dpi: int, fmt: PageFormat | None = None) -> QImage:
    fmt = fmt or PageFormat()
    width = round(fmt.page_width_mm / 25.4 * dpi)
    height = round(fmt.page_height_mm / 25.4 * dpi)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(QColor(255, 255, 255))
    return image


def render_page_images(document: Document, dpi: int = 96) -> list[QImage]:
    """Every page as a white A4 image (the report page's live preview)."""
    ensure_application()
    layout = Layout(document)
    images = []
    for index in range(len(layout.pages)):
        image = _image_device(dpi, document.format)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        layout.paint_page(painter, index)
        painter.end()
        images.append(image)
    return images


# --------------------------------------------------------------------------- printing


def prepare_printer(printer: object, document: Document) -> None:
    """A4 portrait, the whole sheet addressable (our margins are drawn by us)."""
    from PySide6.QtPrintSupport import QPrinter

    assert isinstance(printer, QPrinter)
    printer.setFullPage(True)
    printer.setPageLayout(_a4_layout(document.format))
    printer.setDocName(document.title or document.trich_yeu)


def print_document(document: Document, printer: object) -> None:
    """Paint ``document`` on ``printer`` (a real printer, a PDF printer, or the preview's printer)."""
    from PySide6.QtPrintSupport import QPrinter

    assert isinstance(printer, QPrinter)
    if not printer.fullPage():
        prepare_printer(printer, document)
    layout = Layout(document)
    painter = QPainter()
    if not painter.begin(printer):
        raise OutputError("Không mở được máy in; hãy kiểm tra máy in rồi thử lại.")
    try:
        layout.paint(painter)
    finally:
        painter.end()


PREVIEW_TITLE = "Xem trước khi in"
PRINT_TITLE = "In báo cáo"


def print_preview_dialog(document: Document, parent: object | None = None) -> object:
    """A ``QPrintPreviewDialog`` showing ``document`` on A4 (not shown: the caller calls ``exec`` or
    ``show`` through its dialog helper)."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    prepare_printer(printer, document)
    dialog = QPrintPreviewDialog(printer, parent)  # type: ignore[arg-type]
    dialog.setWindowTitle(PREVIEW_TITLE)
    dialog.paintRequested.connect(lambda p: print_document(document, p))
    dialog._printer = printer  # type: ignore[attr-defined]  # keep it alive with the dialog
    return dialog


def print_dialog(document: Document, parent: object | None = None, printer: object | None = None) -> object:
    """A ``QPrintDialog`` for ``document`` (default printer preselected, A4); after the caller ran
    it and the user accepted, call ``print_document(document, dialog.printer())``."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QWidget

    chosen = printer if isinstance(printer, QPrinter) else QPrinter(QPrinter.PrinterMode.HighResolution)
    prepare_printer(chosen, document)
    dialog = QPrintDialog(chosen, parent if isinstance(parent, QWidget) else None)
    dialog.setWindowTitle(PRINT_TITLE)
    dialog._printer = chosen  # type: ignore[attr-defined]
    return dialog


def print_with_dialog(
    document: Document, parent: object | None = None, run_dialog: Callable[[object], bool] | None = None
) -> bool:
    """Ask for a printer and print; ``run_dialog(dialog) -> accepted`` lets the GUI (and tests) run
    the dialog through their helper. Returns whether it printed."""
    dialog = print_dialog(document, parent)
    accepted = run_dialog(dialog) if run_dialog is not None else bool(dialog.exec())  # type: ignore[attr-defined]
    if accepted:
        print_document(document, dialog.printer())  # type: ignore[attr-defined]
    return accepted
