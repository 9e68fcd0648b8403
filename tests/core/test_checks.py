"""Consistency checks (SPEC §5): each problem found with its severity, message and records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from cchc_desktop.cli import main
from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.checks import Severity, consistency_findings, structural_findings
from cchc_desktop.core.defaults import seed_objectives, seed_questionnaire
from cchc_desktop.core.enums import SurveyMode
from cchc_desktop.core.indicators import compute_all
from cchc_desktop.core.periods import PeriodSpec
from tests.core.indicator_data import Records

D = dt.date
YEAR = PeriodSpec.parse("2024")


def _messages(findings, severity: Severity | None = None) -> list[str]:
    return [f.message for f in findings if severity is None or f.severity is severity]


def test_the_demo_year_is_consistent(demo_db) -> None:
    with demo_db.session() as s:
        assert consistency_findings(s, YEAR) == []
        assert consistency_findings(s, YEAR, compute_all(s, YEAR)) == []  # figures already computed


def test_a_period_without_data(demo_db) -> None:
    with demo_db.session() as s:
        findings = consistency_findings(s, PeriodSpec.parse("2022-H1"))
    warnings = _messages(findings, Severity.WARNING)
    assert (
        "Chưa có hồ sơ nào trong kỳ 6 tháng đầu năm 2022 (từ ngày 15/12/2021 đến ngày 14/06/2022)."
        in warnings
    )
    assert "Chưa nhập số liệu văn bản nào trong kỳ 6 tháng đầu năm 2022." in warnings
    assert "Chưa khai báo mục tiêu chất lượng năm 2022." in warnings
    assert "Chưa có nhiệm vụ nào trong kỳ 6 tháng đầu năm 2022." in _messages(findings, Severity.INFO)
    assert not _messages(findings, Severity.ERROR)


def test_missing_document_months_are_named(db) -> None:
    with db.transaction() as s:
        Records(s).dossier(D(2024, 3, 1), D(2024, 3, 5))
        s.add(m.DocumentCount(year=2024, month=1, outgoing=10, outgoing_electronic=10))
        s.add(m.DocumentCount(year=2024, month=2, outgoing=10, outgoing_electronic=10))
    with db.session() as s:
        findings = consistency_findings(s, PeriodSpec.parse("2024-Q1"))
    assert "Chưa nhập số liệu văn bản các tháng: 3/2024." in _messages(findings, Severity.WARNING)


def test_broken_daily_counts_break_the_identity_until_repaired(demo_db) -> None:
    with demo_db.transaction() as s:
        s.execute(
            text("UPDATE dossier_received_day SET n = n + 5 WHERE day = '2024-03-01' AND channel = 'online'")
        )
    with demo_db.session() as s:
        errors = _messages(consistency_findings(s, YEAR), Severity.ERROR)
    assert any(e.startswith("Bảng đếm hồ sơ theo ngày lệch với dữ liệu hồ sơ") for e in errors)
    assert any(
        e.startswith("Số liệu hồ sơ năm 2024 không khớp") and "đếm trực tiếp: 220" in e for e in errors
    )
    assert main(["check", "--db", str(demo_db.path), "--period", "2024", "--repair"]) == 0
    with demo_db.session() as s:
        assert consistency_findings(s, YEAR) == []


def test_survey_totals_that_do_not_add_up(db) -> None:
    with db.transaction() as s:
        q = seed_questionnaire(s)
        first, overall = q.criteria[0], q.criteria[-1]
        camp = m.SurveyCampaign(
            title="Đợt 1", year=2024, held_on=D(2024, 3, 1), questionnaire_id=q.id, mode=SurveyMode.TOTALS
        )
        s.add(camp)
        s.flush()
        services.set_option_counts(s, camp.id, 10, {first.options[0].id: 10, overall.options[0].id: 10})
        # a later edit of the number of forms that the services would refuse, written directly:
        s.execute(text("UPDATE survey_campaign SET total_forms = 12 WHERE id = :id"), {"id": camp.id})
        forms = m.SurveyCampaign(title="Đợt 2", year=2024, held_on=D(2024, 4, 1), questionnaire_id=q.id)
        s.add(forms)
        s.flush()
        for n in (1, 2):
            form = m.SurveyForm(campaign_id=forms.id, number=n)
            if n == 1:  # the second form did not answer the overall criterion
                form.answers = [m.SurveyAnswer(criterion_id=overall.id, option_id=overall.options[0].id)]
            s.add(form)
        camp_id, forms_id = camp.id, forms.id
    with db.session() as s:
        findings = consistency_findings(s, YEAR)
    survey = [f for f in findings if f.where == "survey_campaign"]
    errors = [f for f in survey if f.severity is Severity.ERROR]
    assert {f.record_ids for f in errors} == {(camp_id,)}
    assert (
        "Khảo sát “Đợt 1”, tiêu chí “Thời gian trả kết quả”: tổng số phiếu theo các phương án (10) khác số phiếu (12)."
        in [f.message for f in errors]
    )
    warnings = [f for f in survey if f.severity is Severity.WARNING]
    assert "Khảo sát “Đợt 2”, tiêu chí “Mức độ hài lòng”: số phiếu trả lời (1) khác số phiếu (2)." in [
        f.message for f in warnings
    ]
    assert all(f.record_ids == (forms_id,) for f in warnings)


def test_a_part_larger_than_its_whole(db) -> None:
    with db.transaction() as s:
        q = seed_questionnaire(s)
        overall = q.criteria[-1]
        camp = m.SurveyCampaign(
            title="Đợt 1", year=2024, held_on=D(2024, 3, 1), questionnaire_id=q.id, mode=SurveyMode.TOTALS
        )
        s.add(camp)
        s.flush()
        services.set_option_counts(s, camp.id, 10, {overall.options[0].id: 6, overall.options[1].id: 4})
        s.execute(text("UPDATE survey_campaign SET total_forms = 8 WHERE id = :id"), {"id": camp.id})
    with db.session() as s:
        errors = _messages(consistency_findings(s, YEAR), Severity.ERROR)
    assert "Tỷ lệ hài lòng: phần (10) lớn hơn tổng (8)." in errors


def test_procedures_and_dossiers_needing_attention(db) -> None:
    with db.transaction() as s:
        r = Records(s)
        lonely = r.procedure("9.000001", None, r.offline.online_level)
        lonely.unit_id = None
        r.offline.abolished_on = D(2024, 2, 1)
        late = r.dossier(D(2024, 3, 1), D(2024, 3, 5))  # received after its procedure was abolished
        r.dossier(D(2024, 1, 10), D(2024, 1, 15))  # before: fine
        seed_objectives(s, 2024)
        s.flush()
        lonely_id, late_id = lonely.id, late.id
    with db.session() as s:
        findings = {f.where: f for f in structural_findings(s)}
        assert findings["procedure"].record_ids == (lonely_id,)
        assert findings["procedure"].message == "1 thủ tục chưa có đơn vị giải quyết hoặc lĩnh vực."
        assert findings["dossier"].record_ids == (late_id,)
        assert findings["dossier"].message == "1 hồ sơ được tiếp nhận sau ngày thủ tục của nó bị bãi bỏ."
        period = consistency_findings(s, YEAR)
    assert {f.message for f in findings.values()} <= {f.message for f in period}


def test_an_objective_with_an_unknown_indicator(db) -> None:
    with db.transaction() as s:
        Records(s).dossier(D(2024, 3, 1), D(2024, 3, 5))
        oy = seed_objectives(s, 2024)
        oy.objectives[3].indicator = "khong_co"
    with db.session() as s:
        errors = _messages(consistency_findings(s, YEAR), Severity.ERROR)
    assert errors == ["Mục tiêu 4: chỉ số “khong_co” không có trong danh mục chỉ số."]


def test_check_command_lists_the_findings(demo_db_file, capsys) -> None:
    assert main(["check", "--db", str(demo_db_file), "--period", "2022-H1"]) == 0  # warnings only
    out = capsys.readouterr().out
    assert "[Cảnh báo] Chưa có hồ sơ nào trong kỳ 6 tháng đầu năm 2022" in out
    assert "Không có lỗi; chỉ có lưu ý ở trên." in out
    assert main(["check", "--db", str(demo_db_file), "--period", "2024"]) == 0
    assert "Cơ sở dữ liệu tốt" in capsys.readouterr().out
    assert main(["check", "--db", str(demo_db_file), "--period", "2024-Q5"]) == 1
    assert "không hợp lệ" in capsys.readouterr().err
