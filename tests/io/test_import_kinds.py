"""Procedures, announcement decisions (with their TTHC codes), tasks and monthly document counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.core.db import Database
from cchc_desktop.core.enums import AssignedBy, DurationUnit, OnlineLevel
from cchc_desktop.io.importer import import_file

from .helpers import seed_catalogue, write_xlsx

PROCEDURES = [
    ["DANH MỤC THỦ TỤC HÀNH CHÍNH"],
    [],
    ["STT", "Mã thủ tục", "Tên thủ tục hành chính", "Lĩnh vực", "Mức độ DVC", "Thời hạn giải quyết"],
    [1, "1.004616", "Cấp giấy phép hoạt động", "Khám bệnh, chữa bệnh", "Toàn trình", "10 ngày làm việc"],
    [2, "2.000123", "Cấp chứng chỉ hành nghề dược", "Dược phẩm mới", "Mức độ 3", "30 ngày"],
    [3, "", "Thiếu mã", "Dược phẩm", "", ""],
    [4, "1.000001", "Sai mức độ", "Dược phẩm", "Mức độ lạ", ""],
]


def test_procedures_import_and_update(db: Database, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", PROCEDURES)
    result = import_file(db, "procedures", path)
    assert (result.imported, result.updated) == (2, 0)
    assert sorted((r.row, r.column) for r in result.rejects) == [(6, "Mã thủ tục"), (7, "Mức độ DVC")]
    with db.session() as s:
        p1 = s.scalar(select(m.Procedure).where(m.Procedure.code == "1.004616"))
        assert (p1.online_level, p1.resolution_days, p1.resolution_unit) == (
            OnlineLevel.FULL, 10, DurationUnit.WORKING_DAYS)
        assert p1.field.name == "Khám bệnh, chữa bệnh"
        p2 = s.scalar(select(m.Procedure).where(m.Procedure.code == "2.000123"))
        assert (p2.online_level, p2.resolution_unit, p2.field.name) == (
            OnlineLevel.PARTIAL, DurationUnit.CALENDAR_DAYS, "Dược phẩm mới")
    again = import_file(db, "procedures", path)
    assert (again.imported, again.updated) == (0, 2)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Procedure)) == 2
        assert s.scalar(select(func.count()).select_from(m.Field)) == 2  # rejected rows created no field


def test_decisions_with_their_procedure_codes(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    rows = [
        ["Số quyết định", "Ngày quyết định", "Trích yếu", "Mã TTHC", "Số QĐ ISO", "Ngày QĐ ISO"],
        ["108/QĐ-UBND", "15/01/2024", "Công bố TTHC", "1.001; 2.002", "44/QĐ-SYT", "05/02/2024"],
        ["109/QĐ-UBND", "20/01/2024", "Công bố", "9.999", "", ""],
        ["110/QĐ-UBND", "20/01/2024", "ISO trước UBND", "", "45/QĐ-SYT", "10/01/2024"],
    ]
    path = write_xlsx(tmp_path / "d.xlsx", rows)
    result = import_file(db, "decisions", path)
    assert result.imported == 1
    reasons = {r.row: (r.column, r.reason) for r in result.rejects}
    assert reasons[3] == ("Mã TTHC", "Mã TTHC “9.999” chưa có trong danh mục thủ tục hành chính")
    assert reasons[4][0] == "Ngày QĐ ISO" and "không được trước ngày quyết định UBND" in reasons[4][1]
    with db.session() as s:
        d = s.scalar(select(m.AnnouncementDecision).where(m.AnnouncementDecision.ubnd_number == "108/QĐ-UBND"))
        assert d.iso_date == dt.date(2024, 2, 5)
        assert sorted(i.procedure.code for i in d.items) == ["1.001", "2.002"]
        # the failed row 3 left no half-written decision behind
        assert s.scalar(select(func.count()).select_from(m.AnnouncementDecision)) == 1
    again = import_file(db, "decisions", path, create_missing_procedures=True)
    assert (again.imported, again.updated, again.created_procedures) == (1, 1, 1)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.AnnouncementItem)) == 3


def test_tasks_and_documents(db: Database, tmp_path: Path) -> None:
    tasks = [
        ["Số văn bản", "Ngày văn bản", "Nội dung nhiệm vụ", "Cơ quan giao", "Đơn vị chủ trì", "Hạn hoàn thành",
         "Ngày hoàn thành"],
        ["12/UBND-VX", "02/01/2024", "Báo cáo CCHC quý I", "Chủ tịch UBND tỉnh", "Văn phòng Sở", "15/03/2024",
         "10/03/2024"],
        ["13/UBND-VX", "03/01/2024", "Rà soát TTHC", "UBND tỉnh", "Văn phòng Sở", "01/01/2024", ""],
    ]
    result = import_file(db, "tasks", write_xlsx(tmp_path / "t.xlsx", tasks))
    assert result.imported == 1 and [(r.row, r.column) for r in result.rejects] == [(3, "Hạn hoàn thành")]
    assert import_file(db, "tasks", write_xlsx(tmp_path / "t.xlsx", tasks)).updated == 1
    with db.session() as s:
        t = s.scalar(select(m.Task))
        assert (t.assigned_by, t.assigned_on, t.completed_on, t.lead_unit.name) == (
            AssignedBy.CHAIRMAN, dt.date(2024, 1, 2), dt.date(2024, 3, 10), "Văn phòng Sở")
    docs = [
        ["SỐ LIỆU VĂN BẢN NĂM 2024"],
        ["Năm", "Tháng", "Văn bản đi", "Văn bản mật", "Văn bản đi điện tử", "Văn bản đến", "Văn bản đến điện tử"],
        [2024, 1, "1.234", 4, "1.230", 3000, 3000],
        [2024, 2, 10, 0, 12, 5, 5],  # electronic > outgoing
        [2024, 3, "99,5%", 0, 0, 0, 0],  # a percentage typed instead of a count
    ]
    result = import_file(db, "documents", write_xlsx(tmp_path / "v.xlsx", docs))
    assert result.imported == 1
    reasons = {r.row: (r.column, r.reason) for r in result.rejects}
    assert reasons[4][0] == "Văn bản đi điện tử" and "lớn hơn" in reasons[4][1]
    assert reasons[5] == ("Văn bản đi", "“99,5%” là tỷ lệ phần trăm, cần nhập số lượng")
    with db.session() as s:
        row = s.scalar(select(m.DocumentCount))
        assert (row.outgoing, row.outgoing_electronic, row.incoming) == (1234, 1230, 3000)


def test_survey_totals_per_option(db: Database, tmp_path: Path) -> None:
    from cchc_desktop.core import services
    from cchc_desktop.core.defaults import seed_questionnaire
    from cchc_desktop.core.enums import SurveyMode

    with db.transaction() as s:
        q = seed_questionnaire(s)
        services.create(s, m.SurveyCampaign, {"title": "Khảo sát năm 2024", "year": 2024, "questionnaire_id": q.id})
        criteria = [(c.short_name, [o.label for o in c.options]) for c in q.criteria]
    rows: list[list[object]] = [["Đợt khảo sát", "Tiêu chí", "Phương án", "Số phiếu"]]
    for short, labels in criteria:
        split = [57, 8] + [0] * (len(labels) - 2)
        rows += [["Khảo sát năm 2024", short, label, n] for label, n in zip(labels, split, strict=True)]
    rows.append(["Khảo sát năm 2024", "Tiêu chí lạ", "Có", 1])
    result = import_file(db, "survey_totals", write_xlsx(tmp_path / "k.xlsx", rows))
    assert result.imported == len(rows) - 2
    assert [(r.row, r.column) for r in result.rejects] == [(len(rows), "Tiêu chí")]
    with db.session() as s:
        camp = s.scalar(select(m.SurveyCampaign))
        assert (camp.total_forms, camp.mode) == (65, SurveyMode.TOTALS)
        counts = s.scalars(select(m.SurveyOptionCount.count)).all()
        assert sum(counts) == 65 * len(criteria)
    rows[1][3] = 58  # first criterion now adds up to 66 ≠ 65 for the others
    bad = import_file(db, "survey_totals", write_xlsx(tmp_path / "k2.xlsx", rows[:-1]))
    assert bad.imported == 0 and len(bad.rejects) == len(rows) - 2
    assert "khác tổng số phiếu" in bad.rejects[0].reason


def test_survey_forms_one_row_per_form(db: Database, tmp_path: Path) -> None:
    from cchc_desktop.core import services
    from cchc_desktop.core.defaults import DEFAULT_CRITERIA, seed_questionnaire
    from cchc_desktop.core.enums import SurveyMode

    with db.transaction() as s:
        q = seed_questionnaire(s)
        services.create(s, m.SurveyCampaign, {"title": "Khảo sát năm 2024", "year": 2024, "questionnaire_id": q.id,
                                              "mode": SurveyMode.TOTALS})
    # headers as the survey tool writes them: the questions' wording, without diacritics for one
    header = ["PHIẾU KHẢO SÁT ĐÃ THU"], ["Đợt khảo sát", "Phiếu số", "Đối tượng", "Ngày khảo sát",
                                          *[c.name for c in DEFAULT_CRITERIA[:5]], "Ket qua phuc vu"]
    rows: list[list[object]] = [*header,
        ["Khảo sát năm 2024", 1, "Người dân", "10/06/2024", "Đúng hẹn", "Rõ ràng, dễ hiểu", "Rất nhiệt tình",
         "Tốt", "01 lần", "Rất hài lòng"],
        ["Khảo sát năm 2024", 2, "Doanh nghiệp", "11/06/2024", 1, "rat ro rang, chi tiet, de hieu", 2, 2, 1, 2],
        ["Khảo sát năm 2024", 3, "Người dân", "", "Đúng hẹn", "", "", "", "", "Không hài lòng"],
        ["Khảo sát năm 2024", 1, "Người dân", "", "Đúng hẹn", "", "", "", "", "Hài lòng"],  # form 1 again
        ["Khảo sát năm 2024", 4, "", "", "Trễ hẹn", "", "", "", "", "Tuyệt vời"],  # not an option
        ["Khảo sát 2023", 5, "", "", "Trễ hẹn", "", "", "", "", "Hài lòng"],  # no such campaign
    ]
    path = write_xlsx(tmp_path / "phieu.xlsx", rows)
    result = import_file(db, "survey_forms", path)
    assert (result.imported, result.updated) == (3, 0)
    assert [(r.row, r.column, r.reason) for r in result.rejects] == [
        (6, "Phiếu số", "Phiếu số 1 trùng với dòng 3"),
        (7, "Ket qua phuc vu", "Phương án “Tuyệt vời” không có trong tiêu chí “Mức độ hài lòng”"),
        (8, "Đợt khảo sát", "Không tìm thấy đợt khảo sát “Khảo sát 2023”"),
    ]

    def answers() -> dict[int, list[tuple[int, int]]]:
        with db.session() as s:
            got = s.execute(
                select(m.SurveyForm.number, m.Criterion.sort_order, m.CriterionOption.rank)
                .join(m.SurveyAnswer, m.SurveyAnswer.form_id == m.SurveyForm.id)
                .join(m.CriterionOption, m.CriterionOption.id == m.SurveyAnswer.option_id)
                .join(m.Criterion, m.Criterion.id == m.SurveyAnswer.criterion_id)
                .order_by(m.SurveyForm.number, m.Criterion.sort_order)
            ).all()
        out: dict[int, list[tuple[int, int]]] = {}
        for number, order, rank in got:
            out.setdefault(number, []).append((order, rank))
        return out

    assert answers() == {1: [(1, 2), (2, 2), (3, 1), (4, 2), (5, 1), (6, 1)],
                         2: [(1, 1), (2, 1), (3, 2), (4, 2), (5, 1), (6, 2)],
                         3: [(1, 2), (6, 4)]}
    with db.session() as s:
        camp = s.scalar(select(m.SurveyCampaign))
        assert camp.mode == SurveyMode.FORMS  # forms now count, not the old totals
        assert sorted(g.name for g in camp.groups) == ["Doanh nghiệp", "Người dân"]
        form2 = s.scalar(select(m.SurveyForm).where(m.SurveyForm.number == 2))
        assert form2.filled_on == dt.date(2024, 6, 11) and form2.group_id is not None
    # the same file again: same forms, updated; a changed answer and a cleared cell are applied
    rows[3][9] = "Bình thường"
    rows[3][5] = ""
    again = import_file(db, "survey_forms", write_xlsx(tmp_path / "phieu2.xlsx", rows))
    assert (again.imported, again.updated, len(again.rejects)) == (0, 3, 3)
    assert answers()[2] == [(1, 1), (3, 2), (4, 2), (5, 1), (6, 3)]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.SurveyForm)) == 3
        assert s.scalar(select(func.count()).select_from(m.RespondentGroup)) == 2


def test_survey_forms_export_imports_back_unchanged(demo_db: Database, tmp_path: Path) -> None:
    """The exported forms (one column per criterion) read back as the same forms: all updated, none new."""
    import openpyxl

    from cchc_desktop.io.export import export_kind

    def answers() -> list[tuple[object, ...]]:
        with demo_db.session() as s:
            return [tuple(r) for r in s.execute(
                select(m.SurveyForm.campaign_id, m.SurveyForm.number, m.SurveyAnswer.criterion_id,
                       m.SurveyAnswer.option_id)
                .join(m.SurveyAnswer, m.SurveyAnswer.form_id == m.SurveyForm.id)
                .order_by(m.SurveyForm.campaign_id, m.SurveyForm.number, m.SurveyAnswer.criterion_id))]

    before = answers()
    path = export_kind(demo_db, "survey_forms", tmp_path / "phieu.xlsx")
    header = [c.value for c in next(openpyxl.load_workbook(path).active.iter_rows(max_row=1))]
    assert header == ["Đợt khảo sát", "Số phiếu", "Nhóm đối tượng", "Ngày khảo sát", *[f"Tiêu chí {n}" for n in range(1, 7)]]
    with demo_db.session() as s:
        forms = s.scalar(select(func.count()).select_from(m.SurveyForm))
    result = import_file(demo_db, "survey_forms", path)
    assert (result.imported, result.updated, result.rejects) == (0, forms, [])
    assert forms > 0 and answers() == before
