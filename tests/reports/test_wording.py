"""Conformance of the wording on every generated document (issue 13): the decree's date line in every
month, zero counts in words, whole percentages without decimals, units and document symbols that never
break across lines in the Qt layout."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cchc_desktop.core.db import Database
from cchc_desktop.core.formatting import format_date_prose, format_date_text, keep_together, plain
from cchc_desktop.core.periods import PeriodSpec
from cchc_desktop.reports.cchc import build_cchc_report
from cchc_desktop.reports.common import ReportOptions
from cchc_desktop.reports.document import Document
from cchc_desktop.reports.quality import build_quality_report

EXPECTED_MONTH = {1: "01", 2: "02", **{m: str(m) for m in range(3, 13)}}
PRINTED_SYMBOL = re.compile(r"\d+(?:/\u2060[^\W_]+)+(?:-\u2060[^\W_]+)*")


@pytest.mark.parametrize("month", range(1, 13))
def test_date_line_follows_the_decree_in_every_month(month: int) -> None:
    for day, shown in ((5, "05"), (16, "16")):
        date = dt.date(2024, month, day)
        assert format_date_text(date) == f"ngày {shown} tháng {EXPECTED_MONTH[month]} năm 2024"
        assert format_date_prose(date) == f"{shown}/{EXPECTED_MONTH[month]}/2024"


@pytest.mark.parametrize("month", range(1, 13))
def test_every_report_header_carries_the_decree_date(demo_copy: Database, month: int) -> None:
    date = dt.date(2024, month, 9)
    with demo_copy.session() as s:
        doc = build_cchc_report(s, PeriodSpec.parse("2024-H1"), ReportOptions(number="7", date=date))
    assert doc.header.dia_danh_ngay_thang == f"Khánh Hòa, ngày 09 tháng {EXPECTED_MONTH[month]} năm 2024"
    assert doc.header.so_ky_hieu == "Số: 07/BC-SYT"


def _documents(demo_copy: Database) -> list[Document]:
    out = []
    with demo_copy.session() as s:
        out.append(build_quality_report(s, PeriodSpec.parse("2024"), ReportOptions()))
        for key in ("2024-H1", "2024-H2", "2024", "2024-Q3", "2021-H1"):
            out.append(build_cchc_report(s, PeriodSpec.parse(key), ReportOptions()))
    return out


def test_no_zero_count_and_no_decimals_after_a_whole_percentage(demo_copy: Database) -> None:
    for doc in _documents(demo_copy):
        text = doc.text()
        assert not re.search(r"(?<![\d.,])0 (hồ sơ|nhiệm vụ|TTHC|văn bản|quyết định|phiếu)", text), doc.trich_yeu
        assert not re.search(r"\d,00%", text), doc.trich_yeu
        assert "01 lần" not in text


def test_keep_together_joins_units_rates_and_symbols() -> None:
    printed = keep_together("Công văn 1607/SYT-TCHC; 99 TTHC (tỷ lệ 95,31%).")
    assert printed == "Công văn 1607/\u2060SYT\u2011TCHC; 99\u00a0TTHC (tỷ\u00a0lệ\u00a095,31%)."
    assert plain(printed) == "Công văn 1607/SYT-TCHC; 99 TTHC (tỷ lệ 95,31%)."


def test_no_symbol_unit_or_rate_is_split_by_a_line_break_in_the_qt_layout(demo_copy: Database, qapp: object) -> None:
    from cchc_desktop.reports.qt_writer import Layout

    checked = 0
    for doc in _documents(demo_copy)[:2]:
        layout = Layout(doc)
        block = layout.doc.begin()
        while block.isValid():
            text = block.text()
            lay = block.layout()
            breaks = {lay.lineAt(i).textStart() for i in range(1, lay.lineCount())}
            for pattern in (PRINTED_SYMBOL, re.compile(r"\d[\d.,]*\u00a0\w+"), re.compile(r"tỷ\u00a0lệ:?\u00a0[\d,]+%")):
                for match in pattern.finditer(text):
                    inside = set(range(match.start() + 1, match.end()))
                    assert not breaks & inside, (match.group(0), text)
                    checked += 1
            block = block.next()
    assert checked > 100  # R1 alone cites 33 document symbols


def test_draft_mark_exactly_when_a_section_is_empty_or_a_check_fails(
    demo_copy: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cchc_desktop.core.checks import Finding, Severity
    from cchc_desktop.core.enums import ReportType
    from cchc_desktop.reports import export
    from cchc_desktop.reports.docx_writer import build_docx

    with demo_copy.session() as s:
        r1 = export.build_report(s, ReportType.QUALITY, PeriodSpec.parse("2024"))
        empty = export.build_report(s, ReportType.CCHC, PeriodSpec.parse("2021-H2"))
        assert not r1.draft and export.count_draft_notes(r1) == 0
        assert empty.draft and export.count_draft_notes(empty) > 0
        assert empty.text().startswith("DỰ THẢO\n") and not r1.text().startswith("DỰ THẢO")
        assert build_docx(empty).paragraphs[0].text == "DỰ THẢO"
        assert build_docx(r1).paragraphs[0].text == ""
        failed = [Finding(Severity.ERROR, "Số liệu hồ sơ không khớp.")]
        monkeypatch.setattr(export, "consistency_findings", lambda *_a, **_k: failed)
        checked = export.build_report(s, ReportType.QUALITY, PeriodSpec.parse("2024"))
        assert checked.draft and export.draft_reasons(s, PeriodSpec.parse("2024"), checked) == [
            "Số liệu hồ sơ không khớp"
        ]
        warned = [Finding(Severity.WARNING, "Một thủ tục chưa có lĩnh vực.")]
        monkeypatch.setattr(export, "consistency_findings", lambda *_a, **_k: warned)
        assert not export.build_report(s, ReportType.QUALITY, PeriodSpec.parse("2024")).draft  # a warning is not a failure


def test_demo_r1_gives_the_reference_evidence(demo_copy: Database) -> None:
    with demo_copy.session() as s:
        text = build_quality_report(s, PeriodSpec.parse("2024"), ReportOptions()).text()
    assert "Bộ phận Một cửa Sở Y tế tại Trung tâm Phục vụ hành chính công tỉnh gồm 01 nhân viên" in text
    assert "Ngày 27/10/2023, Sở Y tế ban hành Quyết định số 745/QĐ-SYT" in text
    assert "Ngày 10/01/2024, Sở Y tế ban hành Kế hoạch số 110/KH-SYT" in text
    assert "Ngày 11/7/2024, Sở Y tế ban hành Quyết định số 438/QĐ-SYT về việc công bố Hệ thống" in text
    assert text.count("TCVN ISO 9001:2015") >= 4
    assert "tại địa chỉ: https://syt.khanhhoa.gov.vn/Default.aspx?ArticleId=3d626b71" in text
    # the reference's two slips are right here: 187 + 3.620 = 3.807, and "hài lòng" is 6,15%
    assert "3.807 hồ sơ" in text and "2.805" not in text and "16,67%" not in text


@pytest.mark.parametrize("key", ["2024-H1", "2024"])
def test_demo_r2_has_no_empty_section_and_plans_for_the_next_period(demo_copy: Database, key: str) -> None:
    from cchc_desktop.core.enums import ReportType
    from cchc_desktop.reports.export import build_report, count_draft_notes

    with demo_copy.session() as s:
        doc = build_report(s, ReportType.CCHC, PeriodSpec.parse(key), ReportOptions())
    assert count_draft_notes(doc) == 0 and not doc.draft
    text = doc.text()
    label, plan = {"2024-H1": ("6 THÁNG ĐẦU NĂM 2024", "6 THÁNG CUỐI NĂM 2024"), "2024": ("NĂM 2024", "NĂM 2025")}[key]
    assert f"I. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH {label}" in text
    assert f"III. KẾ HOẠCH {plan}" in text and "IV. ĐỀ XUẤT, KIẾN NGHỊ" in text
    assert doc.closing_text.endswith("xin báo cáo để UBND tỉnh và Sở Nội vụ được biết./.")
    assert "+ Kiểm tra việc niêm yết" in text  # second-level items keep their "+"
    assert "Số liệu văn bản tính theo kỳ dương lịch" in "\n".join(doc.footnotes())


def test_typed_narrative_keeps_two_levels_inline_styles_and_quoted_titles() -> None:
    from cchc_desktop.reports.document import BulletList, Paragraph
    from cchc_desktop.reports.texts import text_blocks

    blocks = text_blocks("Triển khai *Kế hoạch 118*:\n- Tuyên truyền **86 tin, bài**;\n+ trên Cổng “Thông tin điện tử”;\n- Kiểm tra.")
    assert [type(b) for b in blocks] == [Paragraph, BulletList, BulletList, BulletList]
    assert [(b.marker, b.level) for b in blocks[1:]] == [("-", 1), ("+", 2), ("-", 1)]  # type: ignore[union-attr]
    first = blocks[0].content  # type: ignore[union-attr]
    assert [(r.text, r.italic) for r in first] == [("Triển khai ", False), ("Kế hoạch 118", True), (":", False)]
    item = blocks[1].items[0]  # type: ignore[union-attr]
    assert [(r.text, r.bold) for r in item] == [("Tuyên truyền ", False), ("86 tin, bài", True), (";", False)]
    quoted = blocks[2].items[0]  # type: ignore[union-attr]
    assert [(r.text, r.italic) for r in quoted][1] == ("“Thông tin điện tử”", True)


def test_computed_blocks_are_placeholders_the_user_moves_or_removes() -> None:
    from cchc_desktop.reports.document import Paragraph, plain_text, runs
    from cchc_desktop.reports.texts import compose

    computed = {"nhiem_vu": [Paragraph(runs("TASKS"))], "ho_so": [Paragraph(runs("DOSSIERS"))]}

    def texts(body: str) -> list[str]:
        return [plain_text(b.content) for b in compose(body, computed, ("ho_so",), ("nhiem_vu",))]  # type: ignore[union-attr]

    assert texts("Typed.") == ["DOSSIERS", "Typed.", "TASKS"]  # default places
    assert texts("[[nhiem_vu]]\nTyped.") == ["DOSSIERS", "TASKS", "Typed."]  # moved
    assert texts("Typed.\n[[-nhiem_vu]]") == ["DOSSIERS", "Typed."]  # removed: never twice
    assert texts("[[khong_co]]") == ["DOSSIERS", "[[khong_co]]", "TASKS"]  # an unknown token stays visible


@pytest.mark.parametrize(
    ("key", "cited", "not_cited"),
    [
        ("2024-H1", "Nghị định số 61/2018/NĐ-CP", "118/2025"),
        ("2025-Q4", "Nghị định số 118/2025/NĐ-CP", "61/2018"),
        ("2026", "Nghị định số 118/2025/NĐ-CP", "61/2018"),
    ],
)
def test_r2_cites_the_one_stop_decree_in_force_for_the_period(
    demo_copy: Database, key: str, cited: str, not_cited: str
) -> None:
    with demo_copy.session() as s:
        text = build_cchc_report(s, PeriodSpec.parse(key), ReportOptions()).text()
    assert f"Thực hiện {cited}" in text and not_cited not in text


def test_a_period_across_the_change_cites_both_and_the_text_is_editable(demo_db: Database) -> None:
    from cchc_desktop.core.enums import ReportType
    from cchc_desktop.reports.legal import one_stop_basis
    from cchc_desktop.reports.texts import save_texts

    both = one_stop_basis(dt.date(2024, 12, 15), dt.date(2025, 12, 14))
    assert "61/2018/NĐ-CP" in both and "(đến hết ngày 30/06/2025)" in both and "118/2025/NĐ-CP" in both
    with demo_db.transaction() as s:
        save_texts(s, ReportType.CCHC, "2024-H1", {"can_cu_mot_cua": "Quyết định số 01/2023/QĐ-UBND của UBND tỉnh"})
    with demo_db.session() as s:
        text = build_cchc_report(s, PeriodSpec.parse("2024-H1"), ReportOptions()).text()
    assert "Thực hiện Quyết định số 01/2023/QĐ-UBND của UBND tỉnh, Sở Y tế tiếp tục tiếp nhận" in text
    assert "61/2018" not in text
