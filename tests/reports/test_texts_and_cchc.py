"""Report texts (placeholders, copy from the previous period) and R2 built from them."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from cchc_desktop.core import models as m
from cchc_desktop.core.db import Database
from cchc_desktop.core.enums import ReportType
from cchc_desktop.core.errors import CchcError, ConflictError
from cchc_desktop.core.periods import PeriodSpec
from cchc_desktop.reports.cchc import build_cchc_report
from cchc_desktop.reports.document import BulletList, Document, Heading, Paragraph, Run, Table
from cchc_desktop.reports.texts import (
    PlaceholderError,
    copy_from_previous,
    fill_placeholders,
    load_texts,
    load_versions,
    save_figure,
    save_texts,
    text_blocks,
    unknown_placeholders,
)

H2 = PeriodSpec.parse("2024-H2")


def draft_notes(doc: Document) -> list[str]:
    return [
        r.text
        for b in doc.noi_dung
        if isinstance(b, Paragraph)
        for r in b.content
        if isinstance(r, Run) and r.draft_note
    ]


def test_placeholders_are_filled_and_braces_can_be_escaped() -> None:
    values = {"ho_so.tiep_nhan": "3.620", "so_lieu.so_tin_bai": "167"}
    text = "Tiếp nhận {ho_so.tiep_nhan} hồ sơ; {so_lieu.so_tin_bai} tin, bài; {{giữ nguyên}}."
    assert fill_placeholders(text, values, "I.1") == "Tiếp nhận 3.620 hồ sơ; 167 tin, bài; {giữ nguyên}."


def test_an_unknown_placeholder_is_an_error_naming_it() -> None:
    with pytest.raises(PlaceholderError) as err:
        fill_placeholders("Đã tiếp nhận {ho_so.tiep_nhan} và {ho_so.khong_co} hồ sơ.", {"ho_so.tiep_nhan": "1"}, "I.3")
    assert err.value.names == ["ho_so.khong_co"]
    assert "Mục “I.3”" in err.value.message and "{ho_so.khong_co}" in err.value.message
    assert unknown_placeholders("{a} {b} {a}", {"b"}) == ["a"]


def test_typed_text_becomes_paragraphs_and_dash_bullets() -> None:
    blocks = text_blocks("Ban hành 03 kế hoạch:\n- Kế hoạch CCHC;\n- Kế hoạch tuyên truyền.\n\nĐoạn cuối.")
    assert [type(b) for b in blocks] == [Paragraph, BulletList, Paragraph]
    assert [item[0].text for item in blocks[1].items] == ["Kế hoạch CCHC;", "Kế hoạch tuyên truyền."]  # type: ignore[union-attr]


def test_r2_fills_computed_sections_and_flags_empty_ones(r2: Document) -> None:
    text = r2.text()
    assert r2.trich_yeu == "Công tác cải cách hành chính 6 tháng cuối năm 2024 của Sở Y tế"
    levels = [(h.number, h.level) for h in r2.noi_dung if isinstance(h, Heading)]
    assert levels == [("I.", 1)] + [(f"{n}.", 2) for n in range(1, 8)] + [("II.", 1), ("III.", 1)]
    # the tasks sentence does not read as "done on time / assigned"
    assert "Sở Y tế được giao 95 nhiệm vụ; đã hoàn thành 95 nhiệm vụ, tất cả đều đúng hoặc trước hạn" in text
    assert "không có nhiệm vụ quá hạn chưa hoàn thành" in text
    assert " 0 hồ sơ" not in text and ",00%" not in text
    assert "Tổng số hồ sơ tiếp nhận: 2.059 hồ sơ (kỳ trước chuyển sang 123 hồ sơ; tiếp nhận mới trong kỳ 1.936" in text
    assert "nộp trực tuyến 1.415 hồ sơ (tỷ lệ 77,66%)" in text
    assert "Lĩnh vực có nhiều hồ sơ tiếp nhận nhất: Dược phẩm (614 hồ sơ)" in text
    assert "ban hành 05 quyết định công bố 46 TTHC" in text
    assert "2.798 văn bản đi và 488 quyết định" in text
    table = next(b for b in r2.noi_dung if isinstance(b, Table))
    assert table.rows[-1][1:3] == ("Tổng cộng", "2.059")
    notes = draft_notes(r2)
    assert len(notes) == 7  # I.1, 2, 4, 5, 6, II, III: typed sections left empty
    assert all(n.startswith("[Chưa có nội dung mục") for n in notes)


def test_r2_uses_the_typed_sections_with_their_figures(demo_db: Database) -> None:
    with demo_db.transaction() as s:
        save_texts(
            s,
            ReportType.CCHC,
            H2.key,
            {
                "chi_dao_dieu_hanh": "Ban hành Kế hoạch CCHC; đăng tải {so_lieu.so_tin_bai} tin, bài.",
                "kho_khan": "- Nhân lực bộ phận một cửa còn mỏng ({ho_so.tiep_nhan} hồ sơ trong kỳ).",
            },
        )
        save_figure(s, ReportType.CCHC, H2.key, "so_tin_bai", "167")
    with demo_db.session() as s:
        doc = build_cchc_report(s, H2)
    text = doc.text()
    assert "Ban hành Kế hoạch CCHC; đăng tải 167 tin, bài." in text
    assert "- Nhân lực bộ phận một cửa còn mỏng (1.936 hồ sơ trong kỳ)." in text
    assert len(draft_notes(doc)) == 5


def test_r2_with_an_unknown_placeholder_refuses_to_build(demo_db: Database) -> None:
    with demo_db.transaction() as s:
        save_texts(s, ReportType.CCHC, H2.key, {"the_che": "Rà soát {van_ban.khong_ton_tai} văn bản."})
    with demo_db.session() as s, pytest.raises(PlaceholderError, match="văn_bản|van_ban.khong_ton_tai"):
        build_cchc_report(s, H2)


def test_copy_from_the_previous_period_fills_only_empty_sections(demo_db: Database) -> None:
    with demo_db.transaction() as s:  # start from no report text (the demo has some)
        s.execute(delete(m.ReportText))
    with demo_db.transaction() as s:
        save_texts(s, ReportType.CCHC, "2024-H1", {"the_che": "Rà soát 12 văn bản.", "kho_khan": "Thiếu người."})
        save_texts(s, ReportType.CCHC, H2.key, {"kho_khan": "Đã viết cho kỳ này."})
    with demo_db.transaction() as s:
        result = copy_from_previous(s, ReportType.CCHC, H2)
    assert (result.source_key, result.copied) == ("2024-H1", 1)
    with demo_db.session() as s:
        texts = load_texts(s, ReportType.CCHC, H2.key)
        assert texts == {"the_che": "Rà soát 12 văn bản.", "kho_khan": "Đã viết cho kỳ này."}
        assert s.scalar(select(func.count()).select_from(m.ReportText)) == 4  # 2 + 2, nothing duplicated


def test_copy_falls_back_to_the_last_edited_report_and_says_when_there_is_none(demo_db: Database) -> None:
    with demo_db.transaction() as s:  # start from no report text (the demo has some)
        s.execute(delete(m.ReportText))
    with demo_db.transaction() as s, pytest.raises(CchcError, match="Chưa có nội dung báo cáo của kỳ trước"):
        copy_from_previous(s, ReportType.CCHC, H2)
    with demo_db.transaction() as s:
        save_texts(s, ReportType.CCHC, "2023-Q4", {"the_che": "Quý IV."})
    with demo_db.transaction() as s:
        assert copy_from_previous(s, ReportType.CCHC, H2).source_key == "2023-Q4"


def test_r2_for_a_period_without_data_says_khong_phat_sinh(demo_db: Database) -> None:
    with demo_db.session() as s:
        doc = build_cchc_report(s, PeriodSpec.parse("2022-H1"))
    text = doc.text()
    assert "Nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao: trong kỳ không phát sinh." in text
    assert "Trong kỳ không phát sinh hồ sơ thủ tục hành chính." in text
    assert "tỷ lệ hồ sơ nộp trực tuyến không phát sinh" in text
    assert not any(isinstance(b, Table) for b in doc.noi_dung)


# --------------------------------------------------------------------------- issue 12: no lost update


def _body(db: Database, key: str) -> str | None:
    with db.session() as s:
        return s.scalar(select(m.ReportText.body).where(m.ReportText.report_type == ReportType.CCHC,
                                                        m.ReportText.period_key == H2.key,
                                                        m.ReportText.section_key == key))


def test_two_people_saving_the_same_text_the_second_is_refused_and_nothing_is_overwritten(db: Database) -> None:
    with db.transaction() as s:
        save_texts(s, ReportType.CCHC, H2.key, {"the_che": "Bản đầu."}, user="lan")
    with db.session() as first, db.session() as second:  # two people open the report page
        mine = load_versions(first, ReportType.CCHC, H2.key)
        theirs = load_versions(second, ReportType.CCHC, H2.key)
    assert mine == theirs == {"the_che": 1}
    with db.transaction() as s:
        saved = save_texts(s, ReportType.CCHC, H2.key, {"the_che": "Bản của An."}, user="an",
                           expected_versions=theirs)
    assert saved == {"the_che": 2}
    with pytest.raises(ConflictError) as refused, db.transaction() as s:
        save_texts(s, ReportType.CCHC, H2.key, {"the_che": "Bản của Bình."}, user="binh", expected_versions=mine)
    message = refused.value.message
    assert message.startswith("Không lưu được: mục “I.2. Cải cách thể chế” đã được người khác thay đổi")
    assert "an lúc" in message and "Nội dung: Bản đầu. → Bản của An." in message and "Tải lại" in message
    assert _body(db, "the_che") == "Bản của An."
    with db.transaction() as s:  # with the version as reloaded, the save goes through
        assert save_texts(s, ReportType.CCHC, H2.key, {"the_che": "Bản của Bình."}, user="binh",
                          expected_versions=saved) == {"the_che": 3}
    assert _body(db, "the_che") == "Bản của Bình."


def test_a_section_created_or_deleted_by_someone_else_meanwhile_is_not_overwritten(db: Database) -> None:
    with db.session() as s:
        seen = load_versions(s, ReportType.CCHC, H2.key)  # nothing typed yet
    with db.transaction() as s:
        save_texts(s, ReportType.CCHC, H2.key, {"kho_khan": "Thiếu người."}, user="an",
                   expected_versions={"kho_khan": seen.get("kho_khan")})
    with pytest.raises(ConflictError, match="an lúc .*Nội dung: Thiếu người.") as refused, db.transaction() as s:
        save_texts(s, ReportType.CCHC, H2.key, {"kho_khan": "Thiếu kinh phí."}, user="binh",
                   expected_versions={"kho_khan": seen.get("kho_khan")})
    assert "mục “II. Khó khăn, vướng mắc" in refused.value.message
    assert "thêm mới – Nội dung: Thiếu người." in refused.value.message  # not the section's key columns again
    assert "Kỳ báo cáo" not in refused.value.message
    assert _body(db, "kho_khan") == "Thiếu người."
    with db.session() as s:
        seen = load_versions(s, ReportType.CCHC, H2.key)
    with db.transaction() as s:
        s.execute(delete(m.ReportText))  # gone meanwhile (as the recycle bin would hold it)
    with pytest.raises(ConflictError, match="đã bị người khác xóa"), db.transaction() as s:
        save_texts(s, ReportType.CCHC, H2.key, {"kho_khan": "Thiếu kinh phí."}, expected_versions=seen)
    assert _body(db, "kho_khan") is None
