"""Word writer: a ``Document`` → .docx in the format of Nghị định 30/2020/NĐ-CP (python-docx).

What python-docx has no API for is written through its XML layer: the footnotes part (real Word
footnotes), the PAGE field in the header from page 2 on, paragraph rules, the four font slots and the
language of every style, the repeating header row of data tables.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run as DocxRun

from ..core.formatting import NB_HYPHEN, keep_together
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
from .output import write_atomically

ALIGN = {
    Align.JUSTIFY: WD_ALIGN_PARAGRAPH.JUSTIFY,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Align.LEFT: WD_ALIGN_PARAGRAPH.LEFT,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
}
FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# Styles kept from python-docx's template; the others (about 150, all with theme fonts) are removed.
KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Header", "HeaderChar"}
FOOTNOTE_TEXT_STYLE = "FootnoteText"
FOOTNOTE_REF_STYLE = "FootnoteReference"
SETTINGS_AFTER_FOOTNOTE_PR = (
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "w:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)


COMPATIBILITY_MODE = "15"
APPLICATION = "cchc_desktop"


def _app_xml(company: str) -> bytes:
    """The extended properties: this application and the agency, nothing left from the template."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Template>Normal.dotm</Template><TotalTime>0</TotalTime><Application>{escape(APPLICATION)}</Application>"
        f"<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><Company>{escape(company)}</Company>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
        "</Properties>"
    ).encode()


def write_docx(document: Document, path: Path | str) -> Path:
    """Write ``document`` to ``path`` (temporary file, then replace; nothing partial on failure)."""
    return write_atomically(Path(path), lambda tmp: build_docx(document).save(str(tmp)))


def build_docx(document: Document) -> docx.document.Document:
    """The python-docx document, ready to save."""
    writer = _DocxWriter(document)
    return writer.build()


# --------------------------------------------------------------------------- XML helpers


def _el(tag: str, **attrs: str) -> BaseOxmlElement:
    element = cast(BaseOxmlElement, OxmlElement(tag))
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _twips(mm: float) -> str:
    return str(round(mm / 25.4 * 1440))


def _half_points(pt: float) -> str:
    return str(round(pt * 2))


def _set_fonts(rpr: BaseOxmlElement, fmt: PageFormat) -> None:
    """Times New Roman in all four slots, no theme font, language vi-VN."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _el("w:rFonts")
        rpr.insert(0, fonts)
    for slot in THEME_SLOTS:
        fonts.attrib.pop(qn(slot), None)
    for slot in FONT_SLOTS:
        fonts.set(qn(slot), fmt.font_name)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = _el("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), fmt.language)


def _get_or_add(parent: BaseOxmlElement, tag: str, *, first: bool = False) -> BaseOxmlElement:
    found = parent.find(qn(tag))
    if found is None:
        found = _el(tag)
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


def _border(side: str, size_eighths: int = 6) -> BaseOxmlElement:
    return _el(f"w:{side}", val="single", sz=str(size_eighths), space="1", color="000000")


TBL_PR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


def _no_borders(tbl_pr: BaseOxmlElement) -> None:
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="nil"))
    successor = tbl_pr.first_child_found_in(*TBL_PR_AFTER_BORDERS)
    if successor is not None:  # CT_TblPr is a sequence: Word refuses elements out of order
        successor.addprevious(borders)
    else:
        tbl_pr.append(borders)


def _fixed_widths(table: DocxTable, widths_mm: list[float]) -> None:
    """Fixed layout with explicit grid and cell widths (Word and LibreOffice agree only then)."""
    table.autofit = False
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    layout = _get_or_add(tbl_pr, "w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    width = _get_or_add(tbl_pr, "w:tblW")
    width.set(qn("w:w"), _twips(sum(widths_mm)))
    width.set(qn("w:type"), "dxa")
    for col, mm in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), _twips(mm))
    for row in table.rows:
        for cell, mm in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(mm)


# --------------------------------------------------------------------------- the writer


class _DocxWriter:
    def __init__(self, document: Document) -> None:
        self.doc = document
        self.fmt = document.format
        self.out = docx.Document()
        self.footnotes_root: BaseOxmlElement | None = None
        self.next_footnote = 1

    def build(self) -> docx.document.Document:
        self._styles()
        self._settings()
        self._page()
        self._header_table()
        self._title()
        for block in self.doc.noi_dung:
            self._block(block)
        closing = self._body_paragraph()
        self._add_runs(closing, (Run(self.doc.closing_text),))
        self._closing_table()
        self._properties()
        return self.out

    # ----------------------------------------------------------------- styles and settings

    def _styles(self) -> None:
        styles_el = self.out.styles.element
        for style in list(styles_el.findall(qn("w:style"))):
            if style.get(qn("w:styleId")) not in KEPT_STYLES:
                styles_el.remove(style)
        defaults = styles_el.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr, self.fmt)
        for tag, val in (("w:sz", self.fmt.body_pt), ("w:szCs", self.fmt.body_pt)):
            _get_or_add(rpr, tag).set(qn("w:val"), _half_points(val))
        ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = _get_or_add(ppr, "w:spacing")
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
        self._add_footnote_styles(styles_el)
        normal = self.out.styles["Normal"]
        normal.font.size = Pt(self.fmt.body_pt)
        pf = normal.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        pf.first_line_indent = Mm(self.fmt.first_line_indent_mm)
        pf.space_after = Pt(self.fmt.space_after_pt)
        pf.space_before = Pt(0)
        pf.line_spacing = self.fmt.line_spacing
        pf.widow_control = True
        # every style: the four font slots and the language, no theme font
        for style in styles_el.findall(qn("w:style")):
            rpr = style.find(qn("w:rPr"))
            if rpr is None:
                rpr = _el("w:rPr")
                # CT_Style is a sequence: rPr comes before the table parts of a table style
                successor = style.first_child_found_in("w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr")
                if successor is not None:
                    successor.addprevious(rpr)
                else:
                    style.append(rpr)
            _set_fonts(rpr, self.fmt)
        # Parts of python-docx's template this writer never uses: the Word 2010 copy of the styles
        # and the list definitions (bullets here are dashes in the text, as the decree's samples).
        # Both would keep the template's theme and Symbol fonts in the file.
        part = self.out.part
        for rel_id, rel in list(part.rels.items()):
            if rel.reltype.endswith(("/stylesWithEffects", "/numbering")):
                part.drop_rel(rel_id)

    def _add_footnote_styles(self, styles_el: BaseOxmlElement) -> None:
        size = _half_points(self.fmt.footnote_pt)
        styles_el.append(
            parse_xml(
                f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="{FOOTNOTE_TEXT_STYLE}">'
                '<w:name w:val="footnote text"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>'
                '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
                '<w:ind w:firstLine="0"/><w:jc w:val="both"/></w:pPr>'
                f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>'
            )
        )
        styles_el.append(
            parse_xml(
                f'<w:style {nsdecls("w")} w:type="character" w:styleId="{FOOTNOTE_REF_STYLE}">'
                '<w:name w:val="footnote reference"/><w:basedOn w:val="DefaultParagraphFont"/>'
                '<w:uiPriority w:val="99"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
            )
        )

    def _settings(self) -> None:
        settings = self.out.settings.element
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            for attr in ("w:val", "w:eastAsia"):
                lang.set(qn(attr), self.fmt.language)

    def _page(self) -> None:
        fmt = self.fmt
        section = self.out.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(fmt.page_width_mm)
        section.page_height = Mm(fmt.page_height_mm)
        section.top_margin = Mm(fmt.margin_top_mm)
        section.bottom_margin = Mm(fmt.margin_bottom_mm)
        section.left_margin = Mm(fmt.margin_left_mm)
        section.right_margin = Mm(fmt.margin_right_mm)
        section.header_distance = Mm(fmt.header_distance_mm)
        section.footer_distance = Mm(fmt.header_distance_mm)
        section.gutter = Mm(0)
        # page numbers top centre from page 2: the first page has its own, empty header
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False
        # the first page's header is empty and hairline-thin, so it never pushes the body down
        first = section.first_page_header.paragraphs[0]
        first.style = self.out.styles["Header"]
        first.paragraph_format.first_line_indent = Mm(0)
        first.paragraph_format.space_after = Pt(0)
        self._mark_size(first, 1.0)
        header = section.header
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.style = self.out.styles["Header"]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Mm(0)
        p.paragraph_format.space_after = Pt(0)
        self._page_field(p)

    def _page_field(self, paragraph: DocxParagraph) -> None:
        size = _half_points(self.fmt.page_number_pt)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
            run = paragraph.add_run()
            rpr = run._r.get_or_add_rPr()
            rpr.append(_el("w:sz", val=size))
            rpr.append(_el("w:szCs", val=size))
            if kind is not None:
                run._r.append(_el("w:fldChar", fldCharType=kind))
            elif text == " PAGE ":
                instr = _el("w:instrText")
                instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                run.text = text or ""

    # ----------------------------------------------------------------- paragraphs

    def _paragraph(
        self, container: object | None = None, *, align: Align = Align.CENTER, size: float | None = None,
        indent: bool = False, after: float = 0.0, before: float = 0.0,
    ) -> DocxParagraph:
        target = container if container is not None else self.out
        p = target.add_paragraph()  # type: ignore[attr-defined]
        pf = p.paragraph_format
        p.alignment = ALIGN[align]
        pf.first_line_indent = Mm(self.fmt.first_line_indent_mm) if indent else Mm(0)
        pf.space_after = Pt(after)
        pf.space_before = Pt(before)
        if size is not None:
            self._mark_size(p, size)
        return p

    def _body_paragraph(self, align: Align = Align.JUSTIFY, indent: bool = True) -> DocxParagraph:
        p = self.out.add_paragraph()
        if align != Align.JUSTIFY:
            p.alignment = ALIGN[align]
        if not indent:
            p.paragraph_format.first_line_indent = Mm(0)
        return p

    @staticmethod
    def _mark_size(p: DocxParagraph, size: float) -> None:
        """The size of the paragraph mark (an empty paragraph's height follows it)."""
        ppr = p._p.get_or_add_pPr()
        rpr = _get_or_add(ppr, "w:rPr")
        rpr.append(_el("w:sz", val=_half_points(size)))
        rpr.append(_el("w:szCs", val=_half_points(size)))

    @staticmethod
    def _run(p: DocxParagraph, text: str) -> DocxRun:
        """A run of printed text (``keep_together``): Word's own non-breaking hyphen element for the
        hyphens of document symbols."""
        pieces = keep_together(text).split(NB_HYPHEN)
        run = p.add_run(pieces[0])
        for piece in pieces[1:]:
            run._r.append(_el("w:noBreakHyphen"))
            if piece:
                run._r.add_t(piece)
        return run

    def _text(
        self, p: DocxParagraph, text: str, *, size: float | None = None, bold: bool = False,
        italic: bool = False,
    ) -> None:
        run = self._run(p, text)
        run.bold = bold or None
        run.italic = italic or None
        if size is not None:
            run.font.size = Pt(size)

    def _add_runs(self, p: DocxParagraph, parts: tuple[Inline, ...], *, size: float | None = None) -> None:
        for part in parts:
            if isinstance(part, FootnoteRef):
                self._footnote(p, part.text)
                continue
            run = self._run(p, part.text)
            run.bold = part.bold or None
            run.italic = (part.italic or part.draft_note) or None
            if size is not None:
                run.font.size = Pt(size)
            if part.draft_note:
                run._r.get_or_add_rPr().append(_el("w:highlight", val="yellow"))

    def _rule(self, container: object, width_mm: float, cell_width_mm: float) -> None:
        """A centred solid rule ``width_mm`` long: the bottom border of an empty, 2-point paragraph
        whose indents leave exactly that width."""
        p = self._paragraph(container, size=1.0, before=1.0)
        side = max((cell_width_mm - width_mm) / 2 - 1.9, 0.0)  # 1,9 mm: the cell's own padding
        pf = p.paragraph_format
        pf.left_indent = Mm(side)
        pf.right_indent = Mm(side)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(2)
        ppr = p._p.get_or_add_pPr()
        borders = _el("w:pBdr")
        borders.append(_border("bottom", max(2, round(self.fmt.rule_pt * 8))))
        # pBdr comes before spacing/ind/jc in CT_PPr
        anchor = ppr.find(qn("w:spacing"))
        if anchor is None:
            anchor = ppr.find(qn("w:ind"))
        if anchor is not None:
            anchor.addprevious(borders)
        else:
            ppr.append(borders)

    # ----------------------------------------------------------------- the header (thể thức)

    def _borderless_table(self, rows: int, widths_mm: list[float]) -> DocxTable:
        table = self.out.add_table(rows=rows, cols=len(widths_mm))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _no_borders(table._tbl.tblPr)
        _fixed_widths(table, widths_mm)
        return table

    def _header_table(self) -> None:
        fmt, h = self.fmt, self.doc.header
        # A hairline paragraph first: LibreOffice puts a full empty line above a table that opens
        # the document, which would push the header 8 mm down.
        if self.doc.draft:  # the draft mark takes the place of the hairline paragraph
            lead = self._paragraph(align=Align.RIGHT, size=fmt.so_ky_hieu_pt, after=3.0)
            self._text(lead, DRAFT_MARK, size=fmt.so_ky_hieu_pt, bold=True)
        else:
            lead = self._paragraph(size=1.0)
            lead.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            lead.paragraph_format.line_spacing = Pt(1)
        left_w, right_w = fmt.header_left_mm, fmt.header_right_mm
        table = self._borderless_table(2, [left_w, right_w])
        top_left, top_right = table.rows[0].cells
        bottom_left, bottom_right = table.rows[1].cells
        self._cell_lines(top_left, [(h.co_quan_chu_quan.upper(), fmt.co_quan_chu_quan_pt, False, False)])
        self._cell_add(top_left, h.co_quan_ban_hanh.upper(), fmt.co_quan_ban_hanh_pt, bold=True)
        widest = max(
            text_width_mm(h.co_quan_chu_quan.upper(), fmt.co_quan_chu_quan_pt),
            text_width_mm(h.co_quan_ban_hanh.upper(), fmt.co_quan_ban_hanh_pt, bold=True),
        )
        self._rule(top_left, widest * fmt.agency_rule_ratio, left_w)
        self._cell_lines(top_right, [(h.quoc_hieu, fmt.quoc_hieu_pt, True, False)])
        self._cell_add(top_right, h.tieu_ngu, fmt.tieu_ngu_pt, bold=True)
        self._rule(top_right, text_width_mm(h.tieu_ngu, fmt.tieu_ngu_pt, bold=True), right_w)
        self._cell_lines(bottom_left, [(h.so_ky_hieu, fmt.so_ky_hieu_pt, False, False)], before=6)
        self._cell_lines(bottom_right, [(h.dia_danh_ngay_thang, fmt.dia_danh_pt, False, True)], before=6)

    def _cell_lines(
        self, cell: _Cell, lines: list[tuple[str, float, bool, bool]], before: float = 0.0
    ) -> None:
        """Replace the cell's empty first paragraph with centred lines (text, size, bold, italic)."""
        first = cell.paragraphs[0]
        for i, (text, size, bold, italic) in enumerate(lines):
            p = first if i == 0 else cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            pf = p.paragraph_format
            pf.first_line_indent = Mm(0)
            pf.space_after = Pt(0)
            pf.space_before = Pt(before if i == 0 else 0)
            self._text(p, text, size=size, bold=bold, italic=italic)

    def _cell_add(self, cell: _Cell, text: str, size: float, *, bold: bool = False, italic: bool = False) -> None:
        p = self._paragraph(cell, size=size)
        self._text(p, text, size=size, bold=bold, italic=italic)

    # ----------------------------------------------------------------- title and body

    def _title(self) -> None:
        fmt = self.fmt
        p = self._paragraph(before=fmt.title_space_before_pt)
        p.paragraph_format.keep_with_next = True
        self._text(p, self.doc.ten_loai.upper(), size=fmt.ten_loai_pt, bold=True)
        p = self._paragraph()
        p.paragraph_format.keep_with_next = True
        self._text(p, self.doc.trich_yeu, size=fmt.trich_yeu_pt, bold=True)
        subject = min(text_width_mm(self.doc.trich_yeu, fmt.trich_yeu_pt, bold=True), fmt.text_width_mm)
        self._rule(self.out, subject * fmt.agency_rule_ratio, fmt.text_width_mm)
        spacer = self._paragraph(size=fmt.body_pt)
        spacer.paragraph_format.space_after = Pt(fmt.space_after_pt)

    def _block(self, block: object) -> None:
        if isinstance(block, Heading):
            p = self._body_paragraph()
            p.paragraph_format.keep_with_next = True
            self._text(p, block.display, bold=block.level <= 2, italic=block.level >= 3)
        elif isinstance(block, Paragraph):
            p = self._body_paragraph(block.align, block.first_line_indent)
            if block.keep_with_next:
                p.paragraph_format.keep_with_next = True
            self._add_runs(p, block.content)
        elif isinstance(block, BulletList):
            for item in block.items:
                p = self._body_paragraph()
                self._add_runs(p, (Run(f"{block.marker} "), *item))
        elif isinstance(block, Table):
            self._table(block)
        else:  # pragma: no cover - the model has no other block
            raise TypeError(f"unknown block {block!r}")

    def _table(self, block: Table) -> None:
        fmt = self.fmt
        if block.caption:
            p = self._body_paragraph(Align.RIGHT, indent=False)
            p.paragraph_format.keep_with_next = True
            self._text(p, block.caption, size=fmt.table_pt, italic=True)
        table = self.out.add_table(rows=1 + len(block.rows), cols=len(block.columns))
        table.style = self.out.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _fixed_widths(table, [c.width_mm for c in block.columns])
        header = table.rows[0]
        trpr = header._tr.get_or_add_trPr()
        trpr.append(_el("w:tblHeader"))  # repeated at the top of every page
        trpr.append(_el("w:cantSplit"))
        for cell, col in zip(header.cells, block.columns, strict=True):
            self._table_cell(cell, col.title, Align.CENTER, bold=True)
        for r, values in enumerate(block.rows, 1):
            row = table.rows[r]
            row._tr.get_or_add_trPr().append(_el("w:cantSplit"))
            bold = block.total_row and r == len(block.rows)
            for cell, col, value in zip(row.cells, block.columns, values, strict=True):
                self._table_cell(cell, value, col.align, bold=bold)
        # keep-with-next: the header with the first row always; a short table whole (every row but the
        # last), as the Qt writer paginates it
        last_kept = len(block.rows) - 1 if block.kept_whole else min(1, len(block.rows)) - 1
        for r in range(0, last_kept + 1):
            for cell in table.rows[r].cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True
        self._paragraph(size=fmt.body_pt // 2, after=fmt.space_after_pt)

    def _table_cell(self, cell: _Cell, text: str, align: Align, *, bold: bool) -> None:
        p = cell.paragraphs[0]
        p.alignment = ALIGN[align]
        pf = p.paragraph_format
        pf.first_line_indent = Mm(0)
        pf.space_after = Pt(2)
        pf.space_before = Pt(2)
        self._text(p, text, size=self.fmt.table_pt, bold=bold)

    # ----------------------------------------------------------------- nơi nhận and signature

    def _closing_table(self) -> None:
        fmt = self.fmt
        table = self._borderless_table(1, [fmt.signature_left_mm, fmt.signature_right_mm])
        row = table.rows[0]
        row._tr.get_or_add_trPr().append(_el("w:cantSplit"))
        left, right = row.cells
        label = left.paragraphs[0]
        label.alignment = WD_ALIGN_PARAGRAPH.LEFT
        label.paragraph_format.first_line_indent = Mm(0)
        label.paragraph_format.space_before = Pt(fmt.space_after_pt)
        label.paragraph_format.space_after = Pt(0)
        self._text(label, NOI_NHAN_LABEL, size=fmt.noi_nhan_label_pt, bold=True, italic=True)
        for line in self.doc.noi_nhan_lines:
            p = self._paragraph(left, align=Align.LEFT, size=fmt.noi_nhan_pt)
            self._text(p, line, size=fmt.noi_nhan_pt)
        sig = self.doc.chu_ky
        first = right.paragraphs[0]
        for i, line in enumerate(sig.title_lines):
            p = first if i == 0 else self._paragraph(right)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.first_line_indent = Mm(0)
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.space_before = Pt(fmt.space_after_pt if i == 0 else 0)
            self._text(p, line, size=fmt.chuc_vu_pt, bold=True)
        name = self._paragraph(right, before=fmt.signature_gap_pt)
        self._text(name, sig.nguoi_ky, size=fmt.nguoi_ky_pt, bold=True)
        # keep the closing sentence with the signature block
        body = self.out.element.body
        tables = body.findall(qn("w:tbl"))
        previous = tables[-1].getprevious()
        if previous is not None and previous.tag == qn("w:p"):
            DocxParagraph(previous, self.out._body).paragraph_format.keep_with_next = True

    # ----------------------------------------------------------------- footnotes

    def _footnotes_part(self) -> BaseOxmlElement:
        """Create word/footnotes.xml with the separator footnotes Word expects (ids -1 and 0)."""
        if self.footnotes_root is not None:
            return self.footnotes_root
        xml = (
            f'<w:footnotes {nsdecls("w", "r")}>'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
            'w:lineRule="auto"/><w:ind w:firstLine="0"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
            'w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/></w:pPr><w:r><w:continuationSeparator/>'
            "</w:r></w:p></w:footnote></w:footnotes>"
        )
        root = parse_xml(xml)
        part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, root, self.out.part.package)
        self.out.part.relate_to(part, RT.FOOTNOTES)
        settings = self.out.settings.element
        note_pr = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
        )
        successor = settings.first_child_found_in(*SETTINGS_AFTER_FOOTNOTE_PR)
        if successor is not None:
            successor.addprevious(note_pr)
        else:
            settings.append(note_pr)
        self.footnotes_root = root
        return root

    def _footnote(self, p: DocxParagraph, text: str) -> None:
        root = self._footnotes_part()
        note_id = str(self.next_footnote)
        self.next_footnote += 1
        ref_run = p.add_run()
        ref_rpr = ref_run._r.get_or_add_rPr()
        ref_rpr.insert(0, _el("w:rStyle", val=FOOTNOTE_REF_STYLE))
        ref_run._r.append(_el("w:footnoteReference", id=note_id))
        note = _el("w:footnote", id=note_id)
        para = _el("w:p")
        ppr = _el("w:pPr")
        ppr.append(_el("w:pStyle", val=FOOTNOTE_TEXT_STYLE))
        para.append(ppr)
        mark = _el("w:r")
        mark_rpr = _el("w:rPr")
        mark_rpr.append(_el("w:rStyle", val=FOOTNOTE_REF_STYLE))
        mark.append(mark_rpr)
        mark.append(_el("w:footnoteRef"))
        para.append(mark)
        body = _el("w:r")
        t = _el("w:t")
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = f" {text}"
        body.append(t)
        para.append(body)
        note.append(para)
        root.append(note)

    # ----------------------------------------------------------------- file properties

    def _properties(self) -> None:
        props = self.out.core_properties
        props.title = self.doc.title or f"{self.doc.ten_loai} {self.doc.trich_yeu}"
        props.subject = self.doc.trich_yeu
        props.author = self.doc.header.co_quan_ban_hanh
        props.last_modified_by = self.doc.header.co_quan_ban_hanh
        props.language = self.fmt.language
        props.comments = ""
        props.keywords = ""
        props.category = ""
        props.revision = 1
        now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
        props.created = now
        props.modified = now
        package = self.out.part.package
        for rel_id, rel in list(package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:  # the template's blank thumbnail
                package.rels.pop(rel_id)
            elif rel.reltype == RT.EXTENDED_PROPERTIES:  # not "Microsoft Macintosh Word" of 2013
                rel.target_part._blob = _app_xml(self.doc.header.co_quan_ban_hanh)
        # Word's current compatibility mode (15: Word 2013 and later), not the template's 14
        for setting in self.out.settings.element.iter(qn("w:compatSetting")):
            if setting.get(qn("w:name")) == "compatibilityMode":
                setting.set(qn("w:val"), COMPATIBILITY_MODE)
