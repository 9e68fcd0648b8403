"""The special forms: the survey fast grid and totals, the 12-month document grid, the yearly objectives,
and the settings (organisation profile)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.pages.documents import COUNT_KEYS, DocumentsPage
from cchc_desktop.ui.pages.objectives import ObjectivesPage
from cchc_desktop.ui.pages.settings import SettingsPage
from cchc_desktop.ui.pages.surveys import SurveysPage
from tests.ui.conftest import Answers
from tests.ui.helpers import choose, set_text, tile_values
from tests.ui.test_pages import dashboard, refresh_dashboard


def _campaign(ctx: AppContext, year: int) -> int:
    with ctx.db.session() as session:
        return session.scalar(select(m.SurveyCampaign.id).where(m.SurveyCampaign.year == year))


def test_survey_forms_are_typed_with_digits_and_enter(qtbot: Any, ctx: AppContext) -> None:
    dash = dashboard(qtbot, ctx)
    assert tile_values(dash)[2] == "100,00%"
    page = SurveysPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.select_ids([_campaign(ctx, 2024)])
    grid, view = page.forms_model, page.forms_view
    assert page.detail_stack.currentWidget() is view
    assert grid.rowCount() == 65
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Insert)
    assert grid.rowCount() == 66
    assert grid.rows[-1].number == 66
    # Six criteria: early, clear, friendly, good facilities, one trip, "Bình thường" (not satisfied).
    for digit in "121113":
        QTest.keyClick(view, digit)
    assert grid.rowCount() == 66  # the last answer of the last form starts no blank form …
    assert "bấm Insert" in page.detail_status.text()  # … and says how to start one
    assert grid.index(65, 2).data() == "1. Sớm hẹn"
    assert grid.index(65, 7).data() == "3. Bình thường"
    QTest.keyClick(view, Qt.Key.Key_Up)
    QTest.keyClick(view, "9")  # no option 9: nothing changes
    assert page.save_details()
    with ctx.db.session() as session:
        forms = session.scalar(select(func.count()).where(m.SurveyForm.campaign_id == _campaign(ctx, 2024)))
    assert forms == 66
    assert refresh_dashboard(qtbot, dash)[2] == "98,48%"  # 65 of 66 satisfied
    # Remove it again.
    page.forms_view.setCurrentIndex(grid.index(65, 0))
    page._remove_forms()
    assert page.save_details()
    assert refresh_dashboard(qtbot, dash)[2] == "100,00%"


def test_survey_duplicate_form_number_is_refused_and_nothing_saved(qtbot: Any, ctx: AppContext) -> None:
    page = SurveysPage(ctx)
    qtbot.addWidget(page)
    page.select_ids([_campaign(ctx, 2024)])
    grid = page.forms_model
    row = grid.add_row()
    grid.setData(grid.index(row, 0), "3")
    grid.pick(row, 2, 1)
    assert not page.save_details()
    assert "Số phiếu 3 bị trùng" in page.detail_error.text()
    assert grid.error_cell == (row, 0)
    with ctx.db.session() as session:
        assert session.scalar(select(func.count()).where(m.SurveyForm.campaign_id == _campaign(ctx, 2024))) == 65


def test_survey_totals_must_add_up_to_the_forms(qtbot: Any, ctx: AppContext) -> None:
    page = SurveysPage(ctx)
    qtbot.addWidget(page)
    page.select_ids([_campaign(ctx, 2023)])
    totals = page.totals
    assert page.detail_stack.currentWidget() is totals
    assert totals.total.value() == 60
    first_spin = next(iter(totals.spins.values()))
    first_spin.setValue(first_spin.value() + 1)
    assert "✘" in totals.checks[0][1].text()
    assert not page.save_details()
    assert "khác tổng số phiếu (60)" in page.detail_error.text()
    first_spin.setValue(first_spin.value() - 1)
    assert "✔" in totals.checks[0][1].text()
    assert page.save_details()


def test_campaign_add_with_groups_then_delete(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = SurveysPage(ctx)
    qtbot.addWidget(page)

    def fill(prompt: Any) -> int:
        form = prompt.dialog
        set_text(form.input("title"), "Khảo sát thử năm 2025")
        set_text(form.input("year"), "2025")
        form.groups_edit.setPlainText("Cá nhân\nDoanh nghiệp")
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", fill)
    page.new_record()
    with ctx.db.session() as session:
        camp = session.scalar(select(m.SurveyCampaign).where(m.SurveyCampaign.year == 2025))
        assert sorted(g.name for g in camp.groups) == ["Cá nhân", "Doanh nghiệp"]
        camp_id = camp.id
    assert page.table_model.total == 4  # 2023, 2024, the current period's campaign (2026) and this one

    def edit(prompt: Any) -> int:
        form = prompt.dialog
        assert form.groups_edit.toPlainText() == "Cá nhân\nDoanh nghiệp"
        set_text(form.input("title"), "Khảo sát sự hài lòng năm 2025")
        form.groups_edit.setPlainText("Cá nhân\nDoanh nghiệp\nHộ kinh doanh")
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", edit)
    page.edit_record(camp_id)
    row = page.table_model.row_of(camp_id)
    assert page.table_model.index(row, page.source.column_index("title")).data() == "Khảo sát sự hài lòng năm 2025"
    with ctx.db.session() as session:
        assert len(session.get(m.SurveyCampaign, camp_id).groups) == 3
    page.select_ids([camp_id])
    answers.expect("question", True)
    page.delete_selected()
    assert page.table_model.total == 3
    with ctx.db.session() as session:
        assert session.get(m.SurveyCampaign, camp_id) is None


def test_document_grid_saves_a_year_and_refuses_parts_larger_than_the_whole(qtbot: Any, ctx: AppContext) -> None:
    dash = dashboard(qtbot, ctx)
    assert tile_values(dash)[6] == "100,00%"
    page = DocumentsPage(ctx)
    qtbot.addWidget(page)
    page.set_year(2024)
    grid = page.grid
    electronic = COUNT_KEYS.index("outgoing_electronic")
    assert grid.index(0, electronic).data() == "545"
    assert grid.setData(grid.index(0, electronic), "445")
    assert grid.index(12, electronic).data() == "6.003"  # the total row follows
    assert page.save()
    assert refresh_dashboard(qtbot, dash)[6] == "98,61%"  # 7.069 of 7.169
    secret = COUNT_KEYS.index("outgoing_secret")
    grid.setData(grid.index(1, secret), "9999")
    assert not page.save()
    assert page.error.text().startswith("Tháng 2: Trong đó: văn bản mật (9999) lớn hơn văn bản đi (592).")
    assert grid.error_cell == (1, secret)
    page.refresh()
    with ctx.db.session() as session:
        feb = session.scalar(select(m.DocumentCount).where(m.DocumentCount.year == 2024, m.DocumentCount.month == 2))
        assert feb.outgoing_secret == 0
    # A new year starts empty and saves the months typed.
    page.set_year(2027)  # (2026 is the demo's current period)
    assert grid.index(0, 0).data() == ""
    grid.setData(grid.index(0, 0), "10")
    grid.setData(grid.index(0, electronic), "10")
    assert page.save()
    with ctx.db.session() as session:
        assert session.scalar(select(m.DocumentCount.outgoing).where(m.DocumentCount.year == 2027)) == 10


def test_document_grid_keeps_to_the_departments_months_and_names_the_units_counts(qtbot: Any, ctx: AppContext) -> None:
    from cchc_desktop.core import services
    from cchc_desktop.core.indicators import compute_all
    from cchc_desktop.core.periods import PeriodSpec

    with ctx.db.transaction() as session:  # a unit's January as a data package brings it (io.package)
        unit = services.create(session, m.Unit, {"name": "Trung tâm Kiểm nghiệm"})
        services.create(session, m.DocumentCount, {"year": 2024, "month": 1, "outgoing": 40, "outgoing_electronic": 40,
                                                    "unit_id": unit.id})  # fmt: skip
        total = compute_all(session, PeriodSpec.parse("2024")).documents.outgoing
    page = DocumentsPage(ctx)
    qtbot.addWidget(page)
    page.set_year(2024)
    own = [page.grid.values[r]["outgoing"] or 0 for r in range(12)]
    assert sum(own) == total - 40  # the grid: the department's own months only
    assert "do 1 đơn vị gửi về (gói số liệu)" in page.summary.text()
    page.set_year(2023)
    assert "đơn vị gửi về" not in page.summary.text()


def test_objectives_add_edit_delete_and_copy_from_previous_year(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    dash = dashboard(qtbot, ctx)
    assert sorted(tile_values(dash)) == [1, 2, 3, 4, 5, 6, 7]
    page = ObjectivesPage(ctx)
    qtbot.addWidget(page)
    assert page.current_year() == 2024
    assert page.table_model.total == 7

    def fill(prompt: Any) -> int:
        form = prompt.dialog
        assert form.input("number").text() == "8"
        set_text(form.input("title"), "Đảm bảo tỷ lệ hồ sơ giải quyết trước hạn đạt tối thiểu 90%")
        choose(form.input("indicator"), "dossiers_early")
        set_text(form.input("target"), "90")
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", fill)
    page.new_record()
    assert page.table_model.total == 8
    with ctx.db.session() as session:
        obj = session.scalar(select(m.QualityObjective).where(m.QualityObjective.number == 8))
        assert obj.target == Decimal("90")
        obj_id = obj.id
    # The dashboard gets an eighth tile: 3.585 early of 3.587 resolved, against 90%.
    assert refresh_dashboard(qtbot, dash)[8] == "99,94%"
    assert _tile(dash, 8).status == "Đạt"

    def edit(prompt: Any) -> int:
        form = prompt.dialog
        set_text(form.input("target"), "120")
        assert not form.save()
        assert form.widgets["target"].error.text() == "Chỉ tiêu phải là tỷ lệ phần trăm từ 0 đến 100."
        set_text(form.input("target"), "92,5")
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", edit)
    page.edit_record(obj_id)
    with ctx.db.session() as session:
        assert session.get(m.QualityObjective, obj_id).target == Decimal("92.5")
    refresh_dashboard(qtbot, dash)
    assert _tile(dash, 8).target == "Mục tiêu ≥ 92,5%"
    page.select_ids([obj_id])
    answers.expect("question", True)
    page.delete_selected()
    assert page.table_model.total == 7
    assert sorted(refresh_dashboard(qtbot, dash)) == [1, 2, 3, 4, 5, 6, 7]
    # 2024 back to the seven of 2023.
    answers.expect("question", True)
    page.copy_previous()
    assert answers.seen[-1].text == "Thay các mục tiêu năm 2024 bằng 7 mục tiêu của năm 2023?"
    assert page.table_model.total == 7
    # A new year from the default set.
    answers.expect("int", 2027)  # (2026, the demo's current period, has its objectives)
    page.add_year()
    assert page.current_year() == 2027
    assert page.table_model.total == 7


def test_settings_profile_saves_nfc_and_refuses_a_bad_value_beside_it(qtbot: Any, ctx: AppContext) -> None:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    name = page.profile.widgets["signer_name"].input
    set_text(name, unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung"))
    assert page.save()
    with ctx.db.session() as session:
        prof = session.scalar(select(m.OrganisationProfile))
        assert prof.signer_name == "Nguyễn Thị Hồng Nhung"
    deadline = page.profile.widgets["iso_deadline_days"]
    set_text(deadline.input, "-5")
    assert not page.save()
    assert deadline.error.text() == "Thời hạn ban hành quy trình ISO (ngày) không được là số âm."
    assert page.tabs.currentIndex() == 2  # the tab of the refused field is brought to front
    with ctx.db.session() as session:
        assert session.scalar(select(m.OrganisationProfile)).iso_deadline_days == 30


def test_settings_catalogues_add_a_unit_and_a_make_up_day(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    import datetime as dt

    page = SettingsPage(ctx)
    qtbot.addWidget(page)

    def unit(prompt: Any) -> int:
        form = prompt.dialog
        set_text(form.input("name"), "Trung tâm Kiểm soát bệnh tật")
        set_text(form.input("short_name"), "CDC")
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", unit)
    page.units.new_record()
    assert "Trung tâm Kiểm soát bệnh tật" in [
        page.units.proxy.index(r, 0).data() for r in range(page.units.proxy.rowCount())
    ]
    with ctx.db.session() as session:
        unit_id = session.scalar(select(m.Unit.id).where(m.Unit.short_name == "CDC"))

    def rename(prompt: Any) -> int:
        form = prompt.dialog
        set_text(form.input("short_name"), "TT KSBT")
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", rename)
    page.units.edit_record(unit_id)
    assert page.units.table_model.index(page.units.table_model.row_of(unit_id), 1).data() == "TT KSBT"
    page.units.select_ids([unit_id])
    answers.expect("question", True)
    page.units.delete_selected()
    assert page.units.table_model.total == 3

    def makeup(prompt: Any) -> int:
        form = prompt.dialog
        form.input("day").set_value(dt.date(2024, 5, 4))
        choose(form.input("kind"), "make_up")
        set_text(form.input("note"), "Làm bù cho ngày nghỉ 29/4")
        assert form.save()
        return QDialog.DialogCode.Accepted

    page.workdays.year.setValue(2024)
    answers.expect("dialog", makeup)
    page.workdays.new_record()
    assert page.workdays.table_model.total >= 1
    with ctx.db.session() as session:
        assert session.scalar(select(m.WorkdayException).where(m.WorkdayException.day == dt.date(2024, 5, 4))).kind == "make_up"


def _tile(dash: Any, number: int) -> Any:
    """The texts of one dashboard tile: its target line and its met / not met word."""
    from types import SimpleNamespace

    from PySide6.QtWidgets import QLabel

    tile = next(t for t in dash.tiles if t.result.number == number)
    texts = [w.text() for w in tile.findChildren(QLabel)]
    return SimpleNamespace(target=next(t for t in texts if t.startswith("Mục tiêu")),
                           status=next(t for t in texts if t in ("Đạt", "Chưa đạt", "Không phát sinh")))  # fmt: skip


def test_quality_documents_are_entered_on_the_objectives_page(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    from cchc_desktop.core.periods import PeriodSpec
    from cchc_desktop.reports.quality import build_quality_report

    page = ObjectivesPage(ctx)
    qtbot.addWidget(page)
    assert page.current_year() == 2024

    def manage(prompt: Any) -> int:
        dialog = prompt.dialog
        assert dialog.list.count() == 3  # the demo's three TCVN ISO 9001:2015 documents

        def fill(form_prompt: Any) -> int:
            form = form_prompt.dialog
            set_text(form.input("number"), "900/QĐ-SYT")
            set_text(form.input("description"), "về việc kiện toàn Ban chỉ đạo ISO của Sở Y tế")
            assert form.save()
            return QDialog.DialogCode.Accepted

        answers.expect("dialog", fill)
        dialog.edit(new=True)
        assert dialog.list.count() == 4
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", manage)
    page.edit_documents()
    with ctx.db.session() as session:
        doc = session.scalar(select(m.QualityDocument).where(m.QualityDocument.number == "900/QĐ-SYT"))
        assert (doc.year, doc.kind) == (2024, "Quyết định")
        text = build_quality_report(session, PeriodSpec.parse("2024")).text()
    assert "Sở Y tế ban hành Quyết định số 900/QĐ-SYT về việc kiện toàn Ban chỉ đạo ISO của Sở Y tế." in text
