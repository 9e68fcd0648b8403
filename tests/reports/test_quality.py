"""R1 from the demo database: the reference report's figures, correct this time; an objective that
falls short is said to fall short; a period with no data still builds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from sqlalchemy import select, text

from cchc_desktop.core import models as m
from cchc_desktop.core.db import Database
from cchc_desktop.core.defaults import seed_objectives
from cchc_desktop.core.formatting import plain
from cchc_desktop.core.periods import PeriodSpec
from cchc_desktop.reports.document import Document, Heading, block_text
from cchc_desktop.reports.docx_writer import write_docx
from cchc_desktop.reports.quality import build_quality_report

DECISIONS_2024 = (
    ("108/QĐ-UBND", "44/QĐ-SYT", None),
    ("165/QĐ-UBND", "63/QĐ-SYT", "504/SYT-TCHC"),
    ("390/QĐ-UBND", "85/QĐ-SYT", "592/SYT-TCHC"),
    ("880/QĐ-UBND", "223/QĐ-SYT", "1473/SYT-TCHC"),
    ("970/QĐ-UBND", "257/QĐ-SYT", "1607/SYT-TCHC"),
    ("1541/QĐ-UBND", "389/QĐ-SYT", "2636/SYT-TCHC"),
    ("1601/QĐ-UBND", "422/QĐ-SYT", "2770/SYT-TCHC"),
    ("2303/QĐ-UBND", "635/QĐ-SYT", "3948/SYT-TCHC"),
    ("2356/QĐ-UBND", "685/QĐ-SYT", "4217/SYT-TCHC"),
    ("2696/QĐ-UBND", "806/QĐ-SYT", "4772/SYT-TCHC"),
    ("3159/QĐ-UBND", "993/QĐ-SYT", "5740/SYT-TCHC"),
)


def docx_text(path: Path) -> str:
    word = docx.Document(str(path))
    lines = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            lines.extend(c.text for c in row.cells)
    return plain("\n".join(lines))


def section(document: Document, number: int) -> str:
    """The text of objective ``number``'s section."""
    out: list[str] = []
    inside = False
    for block in document.noi_dung:
        if isinstance(block, Heading):
            inside = block.number == f"{number}."
        if inside:
            out.extend(block_text(block))
    return "\n".join(out)


def test_demo_r1_has_the_reference_figures(r1_docx: Path) -> None:
    text = docx_text(r1_docx)
    for figure in ("3.807", "3.585", "99,94%", "77,99%", "95,31%", "48,69%", "87,69%", "117/117"):
        assert figure in text, figure
    # the sums the reference got wrong are right here
    assert "Tổng số hồ sơ tiếp nhận: 3.807 hồ sơ, gồm: 187 hồ sơ từ kỳ trước chuyển sang; 3.620 hồ sơ" in text
    assert "2.805" not in text and "16,67%" not in text
    assert (
        "93,85% (tăng so với 88,33% năm 2023) người được hỏi đánh giá là rất hài lòng; 6,15% người được hỏi "
        "đánh giá là hài lòng" in text
    )
    # a count of trips is said as one, not as an evaluation "01 lần"
    assert "93,85% (giảm so với 95% năm 2023) người được hỏi phải đi lại một lần" in text
    assert "01 lần" not in text


def test_demo_r1_lists_every_decision_with_its_iso_decision_and_letter(r1: Document) -> None:
    listing = section(r1, 3)
    lines = [line for line in listing.splitlines() if line.startswith("- Quyết định số")]
    assert len(lines) == 11
    for line, (ubnd, iso, letter) in zip(lines, DECISIONS_2024, strict=True):
        assert line.startswith(f"- Quyết định số {ubnd} ngày ")
        assert f"Quyết định số {iso} ngày" in line
        if letter:
            assert f"Công văn số {letter} ngày" in line
        else:
            assert "Công văn" not in line
    assert "UBND tỉnh ban hành 11 quyết định công bố với tổng cộng 92 TTHC" in listing


def test_demo_r1_structure_follows_the_reference(r1: Document) -> None:
    first = r1.noi_dung[0]
    basis = "".join(p.text for p in first.content)  # type: ignore[union-attr]
    assert basis.startswith("Căn cứ Quyết định số 46/QĐ-SYT ngày 24/01/2024")
    assert "Kế hoạch số 364/KH-SYT ngày 25/01/2024" in basis and "với 07 mục tiêu" in basis
    headings = [b for b in r1.noi_dung if isinstance(b, Heading)]
    assert [h.number for h in headings] == [f"{n}." for n in range(1, 8)]
    assert r1.footnotes() == [
        "Tính từ ngày 15/12/2023 đến ngày 14/12/2024.",
        "Thực hiện khảo sát 04 nhóm đối tượng có liên quan đến các lĩnh vực thuộc thẩm quyền giải quyết của "
        "Sở Y tế với tổng cộng 65 phiếu khảo sát tại Bộ phận Một cửa.",
    ]
    conclusions = [section(r1, n).splitlines()[-1] for n in range(1, 8)]
    assert conclusions[0] == (
        "Nhìn chung, Sở Y tế đã đảm bảo 100% hồ sơ giải quyết đúng thời gian quy định theo cơ chế một cửa, "
        "một cửa liên thông."
    )
    assert len(set(conclusions)) == 7  # varied, as a person writes them
    for n, sentence in enumerate(conclusions, 1):
        assert "chưa đạt" not in sentence and ",00%" not in sentence, n
    assert r1.closing_text.endswith("năm 2024 của Sở Y tế./.")
    assert r1.trich_yeu == "Kết quả thực hiện mục tiêu chất lượng năm 2024"


def test_objective_seven_falling_short_is_said_so(demo_db: Database) -> None:
    with demo_db.transaction() as s:
        # 1.200 of the 2.644 online dossiers of the year become counter dossiers: 1.444/3.390 = 42,60%
        ids = s.scalars(
            select(m.Dossier.id)
            .where(m.Dossier.channel == "online", m.Dossier.received_on.between(dt.date(2023, 12, 15), dt.date(2024, 12, 14)))
            .order_by(m.Dossier.id)
            .limit(1200)
        ).all()
        s.execute(text(f"UPDATE dossier SET channel = 'direct' WHERE id IN ({','.join(map(str, ids))})"))
    with demo_db.session() as s:
        doc = build_quality_report(s, PeriodSpec.parse("2024"))
    seven = section(doc, 7)
    assert "1.444 hồ sơ tiếp nhận trực tuyến, đạt tỷ lệ 42,60%" in seven
    assert (
        "Mục tiêu này chưa đạt: tỷ lệ hồ sơ TTHC tiếp nhận trực tuyến chỉ đạt 42,60%, "
        "chưa đạt chỉ tiêu tối thiểu 50%, còn thiếu 7,40 điểm phần trăm" in seven
    )
    assert "đã hoàn thành mục tiêu" not in seven
    assert "Nhìn chung, Sở Y tế đã đảm bảo 100% hồ sơ" in section(doc, 1)  # the others are unchanged


def test_a_year_without_data_still_builds_and_says_khong_phat_sinh(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.transaction() as s:
        seed_objectives(s, 2019)
    with demo_db.session() as s:
        doc = build_quality_report(s, PeriodSpec.parse("2019"))
    path = write_docx(doc, tmp_path / "r1-2019.docx")
    text = docx_text(path)
    assert text.count("không phát sinh") >= 7
    assert "Trong kỳ không phát sinh hồ sơ thủ tục hành chính." in text
    # six objectives count events of the year; objective 4 is a state (TTHC in force), still measured
    assert text.count("Trong kỳ không phát sinh số liệu để đánh giá mục tiêu này") == 6
    assert "Có 117/125 TTHC đang có hiệu lực" in text
    assert "đã đạt mục tiêu" not in text


def test_an_empty_database_builds_with_default_objectives_and_a_visible_note(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        doc = build_quality_report(s, PeriodSpec.parse("2024"))
    notes = [b for b in doc.noi_dung if any(getattr(r, "draft_note", False) for r in getattr(b, "content", ()))]
    assert len(notes) == 1 and "Chưa khai báo mục tiêu chất lượng năm 2024" in notes[0].content[0].text  # type: ignore[union-attr]
    assert len([b for b in doc.noi_dung if isinstance(b, Heading)]) == 7
    assert doc.header.co_quan_ban_hanh == "SỞ Y TẾ"
    path = write_docx(doc, tmp_path / "empty.docx")
    assert "không phát sinh" in docx_text(path)


@pytest.mark.parametrize("size", [13, 14])
def test_body_size_follows_the_profile(demo_db: Database, size: int) -> None:
    with demo_db.transaction() as s:
        profile = s.scalar(select(m.OrganisationProfile))
        profile.report_font_size = size
    with demo_db.session() as s:
        doc = build_quality_report(s, PeriodSpec.parse("2024"))
    assert doc.format.body_pt == size
