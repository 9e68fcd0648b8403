"""The neutral document model: the decree's small rules, and settable margins and body size."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from docx.shared import Mm, Pt

from cchc_desktop.core.errors import ValidationError
from cchc_desktop.reports.document import (
    QUOC_HIEU,
    Document,
    Header,
    PageFormat,
    Paragraph,
    Signature,
    recipient_lines,
    runs,
    text_width_mm,
    with_end_mark,
)
from cchc_desktop.reports.docx_writer import write_docx


def header(number: str | None = "5", day: dt.date | None = dt.date(2024, 2, 5)) -> Header:
    return Header("UBND TỈNH KHÁNH HÒA", "SỞ Y TẾ", number, "BC-SYT", "Khánh Hòa", day, 2024)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trên đây là báo cáo năm 2024.", "Trên đây là báo cáo năm 2024./."),
        ("Trên đây là báo cáo năm 2024", "Trên đây là báo cáo năm 2024./."),
        ("Trên đây là báo cáo./.", "Trên đây là báo cáo./."),
        ("Kết luận; ", "Kết luận./."),
    ],
)
def test_end_mark(text: str, expected: str) -> None:
    assert with_end_mark(text) == expected


def test_recipients_get_dashes_semicolons_and_a_final_full_stop() -> None:
    typed = ["- Lãnh đạo Sở (VBĐT)", "Ban chỉ đạo ISO (VBĐT);", "", "Lưu: VT, TCHC"]
    assert recipient_lines(typed) == ["- Lãnh đạo Sở (VBĐT);", "- Ban chỉ đạo ISO (VBĐT);", "- Lưu: VT, TCHC."]


def test_number_and_date_line() -> None:
    assert header().so_ky_hieu == "Số: 05/BC-SYT"
    assert header("125").so_ky_hieu == "Số: 125/BC-SYT"
    assert header().dia_danh_ngay_thang == "Khánh Hòa, ngày 05 tháng 02 năm 2024"
    blank = header(None, None)
    assert blank.so_ky_hieu.replace("\u00a0", " ").strip() == "Số:       /BC-SYT"
    assert blank.dia_danh_ngay_thang.replace("\u00a0", " ") == "Khánh Hòa, ngày     tháng     năm 2024"
    assert QUOC_HIEU.endswith("VIỆT\u00a0NAM")


def test_margins_within_the_decree_only() -> None:
    fmt = PageFormat().with_margins(top=25, left=35, right=20, bottom=22)
    assert (fmt.margin_top_mm, fmt.margin_left_mm, fmt.text_width_mm) == (25, 35, 155)
    with pytest.raises(ValidationError, match="Lề trái phải từ 30 đến 35 mm"):
        PageFormat().with_margins(left=25)
    with pytest.raises(ValidationError, match="13 hoặc 14"):
        PageFormat().with_body_size(12)


def test_text_width_measures_like_times_new_roman() -> None:
    # "Độc lập - Tự do - Hạnh phúc" in 13 pt bold is about 6 cm wide
    assert 55 < text_width_mm("Độc lập - Tự do - Hạnh phúc", 13, bold=True) < 65
    assert text_width_mm("SỞ Y TẾ", 12, bold=True) < text_width_mm("UBND TỈNH KHÁNH HÒA", 12)


def test_other_margins_and_13pt_reach_the_docx(tmp_path: Path) -> None:
    fmt = PageFormat().with_margins(top=25, left=35, right=20).with_body_size(13)
    doc = Document(
        header=header(),
        ten_loai="BÁO CÁO",
        trich_yeu="Thử",
        noi_dung=(Paragraph(runs("Nội dung.")),),
        cau_ket="Trên đây là báo cáo.",
        noi_nhan=("Lưu: VT",),
        chu_ky=Signature("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Bình"),
        format=fmt,
    )
    word = docx.Document(str(write_docx(doc, tmp_path / "t.docx")))
    section = word.sections[0]
    assert abs(section.top_margin - Mm(25)) < Mm(0.1) and abs(section.left_margin - Mm(35)) < Mm(0.1)
    assert word.styles["Normal"].font.size == Pt(13)
    signature = [p.text for p in word.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert signature == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Bình"]
    assert not [r for r in word.part.rels.values() if r.reltype.endswith("/footnotes")]  # no notes, no part
