"""Nghị định 30/2020/NĐ-CP conformance of every generated .docx, read back with python-docx:
page, margins, fonts in all four slots, sizes, the header parts in order, title and subject, the page
number field from page 2, real footnotes, the end mark, "Nơi nhận" and the signature block."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Mm, Pt
from lxml import etree

from cchc_desktop.core.formatting import plain
from cchc_desktop.reports.document import QUOC_HIEU, TIEU_NGU, Document

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {"w": W_NS}
FONT = "Times New Roman"
SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")


@pytest.fixture(params=["r1", "r2"])
def report(request: pytest.FixtureRequest) -> tuple[Document, Path]:
    doc = request.getfixturevalue(request.param)
    path = request.getfixturevalue(f"{request.param}_docx")
    return doc, path


def _texts(cell: object) -> list[str]:
    return [plain(p.text) for p in cell.paragraphs]  # type: ignore[attr-defined]


def _all_xml(path: Path) -> dict[str, etree._Element]:
    word = docx.Document(str(path))
    parts = {str(word.part.partname): word.part.element}
    for rel in word.part.rels.values():
        if rel.is_external:
            continue
        part = rel.target_part
        if part.partname.endswith(".xml") and "word/" in part.partname:
            parts[str(part.partname)] = etree.fromstring(part.blob)
    return parts


def _has_no_border(tbl: etree._Element) -> bool:
    borders = tbl.find("w:tblPr/w:tblBorders", NS)
    return borders is not None and all(b.get(f"{W}val") in ("nil", "none") for b in borders)


def test_page_is_a4_portrait_with_the_decree_margins(report: tuple[Document, Path]) -> None:
    section = docx.Document(str(report[1])).sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    for value, mm in (
        (section.top_margin, 20),
        (section.bottom_margin, 20),
        (section.left_margin, 30),
        (section.right_margin, 15),
    ):
        assert abs(value - Mm(mm)) < Mm(0.1)


def test_times_new_roman_in_all_four_slots_of_every_style_and_no_theme_font(report: tuple[Document, Path]) -> None:
    word = docx.Document(str(report[1]))
    styles = word.styles.element
    default_fonts = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert {default_fonts.get(f"{W}{s}") for s in SLOTS} == {FONT}
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang.get(f"{W}val") == "vi-VN"
    style_elements = styles.findall("w:style", NS)
    assert len(style_elements) >= 5
    for style in style_elements:
        fonts = style.find("w:rPr/w:rFonts", NS)
        assert fonts is not None, style.get(f"{W}styleId")
        assert {fonts.get(f"{W}{s}") for s in SLOTS} == {FONT}, style.get(f"{W}styleId")
        assert style.find("w:rPr/w:lang", NS).get(f"{W}val") == "vi-VN"
    for name, root in _all_xml(report[1]).items():
        xml = etree.tostring(root, encoding="unicode")
        assert "Theme=" not in xml and "w:cstheme" not in xml, name
        for fonts in root.iter(f"{W}rFonts"):
            assert {fonts.get(f"{W}{s}") for s in SLOTS} <= {FONT, None}, name


def test_body_text_is_14pt_justified_indented_with_6pt_after(report: tuple[Document, Path]) -> None:
    word = docx.Document(str(report[1]))
    normal = word.styles["Normal"]
    assert normal.font.size == Pt(14)
    pf = normal.paragraph_format
    assert pf.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(pf.first_line_indent - Mm(12.7)) < Mm(0.1)
    assert pf.space_after == Pt(6)
    assert 1.0 <= pf.line_spacing <= 1.5
    body = [p for p in word.paragraphs if p.text.startswith(("Căn cứ", "Trên đây", "- "))]
    assert body
    for p in body:  # inherit the body format: no local size, no other alignment
        assert p.alignment in (None, WD_ALIGN_PARAGRAPH.JUSTIFY)
        assert all(run.font.size in (None, Pt(14)) for run in p.runs)


def test_header_parts_in_order_in_a_borderless_two_column_table(report: tuple[Document, Path]) -> None:
    doc, path = report
    word = docx.Document(str(path))
    header = word.tables[0]
    assert _has_no_border(header._tbl)
    assert len(header.columns) == 2
    left_top, right_top = header.rows[0].cells
    left_bottom, right_bottom = header.rows[1].cells
    assert _texts(left_top)[:2] == ["UBND TỈNH KHÁNH HÒA", "SỞ Y TẾ"]
    assert _texts(right_top)[:2] == [plain(QUOC_HIEU), TIEU_NGU]
    assert "VIỆT\u00a0NAM" in right_top.paragraphs[0].text  # the national name never wraps
    assert _texts(left_bottom) == ["Số: 125/BC-SYT"]
    assert _texts(right_bottom) == ["Khánh Hòa, ngày 20 tháng 12 năm 2024"]
    # cơ quan chủ quản regular, cơ quan ban hành bold, quốc hiệu and tiêu ngữ bold, date italic
    assert not any(r.bold for r in left_top.paragraphs[0].runs)
    assert all(r.bold for r in left_top.paragraphs[1].runs)
    assert all(r.bold for r in right_top.paragraphs[0].runs + right_top.paragraphs[1].runs)
    assert all(r.italic for r in right_bottom.paragraphs[0].runs)
    assert right_top.paragraphs[0].runs[0].font.size == Pt(12)
    assert right_top.paragraphs[1].runs[0].font.size == Pt(13)
    assert left_bottom.paragraphs[0].runs[0].font.size == Pt(13)
    # the rules: a bottom border under the agency name and under the motto
    for cell in (left_top, right_top):
        rule = cell.paragraphs[2]
        assert rule.text == ""
        assert rule._p.find("w:pPr/w:pBdr/w:bottom", NS).get(f"{W}val") == "single"


def test_title_and_subject_follow_the_header(report: tuple[Document, Path]) -> None:
    doc, path = report
    paragraphs = [p for p in docx.Document(str(path)).paragraphs if p.text.strip()]
    title, subject = paragraphs[0], paragraphs[1]
    assert title.text == "BÁO CÁO"
    assert subject.text == doc.trich_yeu
    for p in (title, subject):
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(r.bold for r in p.runs)
        assert p.runs[0].font.size == Pt(14)


def test_page_number_field_centred_at_the_top_from_page_two(report: tuple[Document, Path]) -> None:
    section = docx.Document(str(report[1])).sections[0]
    assert section.different_first_page_header_footer
    header = section.header
    assert not header.is_linked_to_previous
    p = header.paragraphs[0]
    assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
    instr = "".join(t.text for t in p._p.iter(f"{W}instrText"))
    assert instr.strip() == "PAGE"
    kinds = [f.get(f"{W}fldCharType") for f in p._p.iter(f"{W}fldChar")]
    assert kinds == ["begin", "separate", "end"]
    first = section.first_page_header
    assert not list(first._element.iter(f"{W}instrText"))


def test_real_word_footnotes(report: tuple[Document, Path]) -> None:
    doc, path = report
    word = docx.Document(str(path))
    part = word.part.part_related_by(RT.FOOTNOTES)
    assert part.content_type == CT.WML_FOOTNOTES
    root = etree.fromstring(part.blob)
    notes = root.findall("w:footnote", NS)
    separators = [n.get(f"{W}id") for n in notes if n.get(f"{W}type") in ("separator", "continuationSeparator")]
    assert separators == ["-1", "0"]
    real = [n for n in notes if n.get(f"{W}type") is None]
    texts = ["".join(t.text for t in n.iter(f"{W}t")).strip() for n in real]
    assert texts == doc.footnotes()
    refs = [r.get(f"{W}id") for r in word.element.body.iter(f"{W}footnoteReference")]
    assert refs == [n.get(f"{W}id") for n in real] == [str(i) for i in range(1, len(real) + 1)]
    settings = word.settings.element
    assert settings.find("w:footnotePr", NS) is not None
    # footnotePr must come before compat (CT_Settings is a sequence)
    tags = [etree.QName(e).localname for e in settings]
    assert tags.index("footnotePr") < tags.index("compat")


def test_closing_sentence_ends_with_the_end_mark(report: tuple[Document, Path]) -> None:
    doc, path = report
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]
    assert paragraphs[-1] == doc.closing_text
    assert paragraphs[-1].endswith("./.") and not paragraphs[-1].endswith("../.")


def test_recipients_and_signature_in_a_borderless_table(report: tuple[Document, Path]) -> None:
    doc, path = report
    word = docx.Document(str(path))
    closing = word.tables[-1]
    assert _has_no_border(closing._tbl)
    left, right = closing.rows[0].cells
    label = left.paragraphs[0]
    assert label.text == "Nơi nhận:"
    assert label.runs[0].bold and label.runs[0].italic and label.runs[0].font.size == Pt(12)
    lines = [p for p in left.paragraphs[1:]]
    assert [p.text for p in lines] == doc.noi_nhan_lines
    assert lines[-1].text.startswith("- Lưu:") and lines[-1].text.endswith(".")
    assert all(p.text.endswith(";") for p in lines[:-1])
    assert all(r.font.size == Pt(11) for p in lines for r in p.runs)
    signature = [p for p in right.paragraphs if p.text]
    assert [p.text for p in signature] == ["GIÁM ĐỐC", "Lê Văn Khoa"]
    assert all(r.bold for p in signature for r in p.runs)
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in signature)
    # the row never splits across pages
    assert closing.rows[0]._tr.find("w:trPr/w:cantSplit", NS) is not None


def test_data_table_has_grid_style_and_repeating_header(r2_docx: Path) -> None:
    word = docx.Document(str(r2_docx))
    data = [t for t in word.tables if t.style is not None and t.style.name == "Table Grid"]
    assert len(data) == 1
    table = data[0]
    assert table.rows[0]._tr.find("w:trPr/w:tblHeader", NS) is not None
    assert [c.text for c in table.rows[0].cells][:3] == ["STT", "Lĩnh vực", "Tiếp nhận"]
    total = table.rows[-1].cells
    assert total[1].text == "Tổng cộng" and all(r.bold for r in total[2].paragraphs[0].runs)


def test_no_stray_text_outside_the_model(report: tuple[Document, Path]) -> None:
    """Every paragraph of the file comes from the document model (nothing left from the template)."""
    doc, path = report
    expected = {plain(line) for line in doc.text().splitlines()}
    body_text = [plain(p.text) for p in docx.Document(str(path)).paragraphs if p.text.strip()]
    assert len(body_text) > 20
    assert [line for line in body_text if line not in expected] == []


# The orders of CT_PPr, CT_RPr, CT_TblPr, CT_TcPr and CT_SectPr in the WordprocessingML schema: Word
# (unlike LibreOffice) reports a file with children out of order as unreadable and offers a repair.
SCHEMA_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
    "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
    "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
    "vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark",
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
    "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid "
    "printerSettings sectPrChange",
}
REPEATABLE = {"headerReference", "footerReference"}


def test_xml_children_in_schema_order(report: tuple[Document, Path]) -> None:
    problems = []
    for name, root in _all_xml(report[1]).items():
        for tag, order in SCHEMA_ORDER.items():
            sequence = order.split()
            for element in root.iter(f"{W}{tag}"):
                kids = [etree.QName(k).localname for k in element if isinstance(k.tag, str)]
                ranks = [sequence.index(k) if k in sequence else -1 for k in kids]
                repeated = {k for k in kids if kids.count(k) > 1} - REPEATABLE
                if -1 in ranks or ranks != sorted(ranks) or repeated:
                    problems.append(f"{name} {tag}: {kids}")
    assert problems == []
