"""Each data page: add → edit → delete through its form dialog, the table and the dashboard figure change;
Vietnamese typed as an input method types it reaches the database in NFC; refused values are shown beside
their field and nothing is saved."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.core.enums import Channel
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.pages.dashboard import DashboardPage
from cchc_desktop.ui.pages.decisions import DecisionsPage
from cchc_desktop.ui.pages.dossiers import DossiersPage
from cchc_desktop.ui.pages.procedures import ProceduresPage
from cchc_desktop.ui.pages.tasks import TasksPage
from tests.ui.conftest import Answers
from tests.ui.helpers import choose, set_text, tile_values

D = dt.date


def dashboard(qtbot: Any, ctx: AppContext) -> DashboardPage:
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.job is not None and page.job.done and page.data is not None, timeout=10_000)
    return page


def refresh_dashboard(qtbot: Any, page: DashboardPage) -> dict[int, str]:
    page.data = None
    page.refresh()
    qtbot.waitUntil(lambda: page.job.done and page.data is not None, timeout=10_000)
    return tile_values(page)


def select_record(page: Any, record_id: int) -> None:
    page.select_ids([record_id])
    assert page.selected_ids() == [record_id]


def shown_codes(page: Any, column: str = "code") -> list[str]:
    col = page.source.column_index(column)
    return [page.proxy.index(r, col).data() for r in range(page.proxy.rowCount())]


# --------------------------------------------------------------------------- procedures


def test_procedure_add_edit_delete_with_vietnamese_input(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    dash = dashboard(qtbot, ctx)
    assert tile_values(dash)[4] == "100,00%"  # 117/117 in force with matching steps
    page = ProceduresPage(ctx)
    qtbot.addWidget(page)
    before = page.table_model.total
    decomposed = unicodedata.normalize("NFD", "Cấp giấy phép thử nghiệm Đặc biệt")

    def fill(prompt: Any) -> int:
        form = prompt.dialog
        set_text(form.input("code"), "9.000001")
        set_text(form.input("name"), decomposed)  # an IME that sends decomposed characters
        choose(form.input("field_id"), text="Dược phẩm")
        set_text(form.input("resolution_days"), "15")
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", fill)
    page.new_record()
    assert page.table_model.total == before + 1
    assert "9.000001" in shown_codes(page)
    with ctx.db.session() as session:
        proc = session.scalar(select(m.Procedure).where(m.Procedure.code == "9.000001"))
        assert proc.name == unicodedata.normalize("NFC", decomposed)
        assert proc.resolution_days == 15
        proc_id = proc.id
    # The new procedure is in force without matching steps: objective 4 drops to 117/118.
    assert refresh_dashboard(qtbot, dash)[4] == "99,15%"

    def edit(prompt: Any) -> int:
        form = prompt.dialog
        assert form.input("name").toPlainText() == unicodedata.normalize("NFC", decomposed)
        form.input("steps_match").setChecked(True)
        set_text(form.input("name"), "Thủ tục đã sửa")
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", edit)
    page.edit_record(proc_id)
    assert refresh_dashboard(qtbot, dash)[4] == "100,00%"
    with ctx.db.session() as session:
        assert session.get(m.Procedure, proc_id).name == "Thủ tục đã sửa"

    select_record(page, proc_id)
    answers.expect("question", True)
    page.delete_selected()
    assert page.table_model.total == before
    assert "9.000001" not in shown_codes(page)
    assert answers.seen[-1].text.startswith("Xóa thủ tục hành chính đã chọn?")


def test_refused_value_is_shown_beside_its_field_and_nothing_is_saved(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = ProceduresPage(ctx)
    qtbot.addWidget(page)
    before = page.table_model.total
    seen: dict[str, Any] = {}

    def fill(prompt: Any) -> int:
        form = prompt.dialog
        set_text(form.input("code"), "1.004616")  # already in the catalogue? use one that is
        existing = page.proxy.index(0, page.source.column_index("code")).data()
        set_text(form.input("code"), existing)
        set_text(form.input("name"), "Trùng mã")
        assert not form.save()
        seen["error"] = form.widgets["code"].error.text()
        seen["visible"] = not form.widgets["code"].error.isHidden()
        seen["existing"] = existing
        set_text(form.input("resolution_days"), "12,5%")
        set_text(form.input("code"), "9.123456")
        assert not form.save()
        seen["days"] = form.widgets["resolution_days"].error.text()
        assert form.widgets["code"].error.isHidden()
        form.reject()
        return QDialog.DialogCode.Rejected

    answers.expect("dialog", fill)
    page.new_record()
    assert seen["visible"]
    assert seen["error"] == f"Mã TTHC “{seen['existing']}” đã tồn tại."
    assert "không nhập tỷ lệ phần trăm" in seen["days"]
    assert page.table_model.total == before
    with ctx.db.session() as session:
        assert session.scalar(select(func.count()).where(m.Procedure.code == "9.123456")) == 0


# --------------------------------------------------------------------------- dossiers


def test_dossier_form_computes_due_date_and_changes_the_dashboard(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    dash = dashboard(qtbot, ctx)
    assert tile_values(dash)[1] == "100,00%"
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    with ctx.db.session() as session:
        proc = session.scalar(
            select(m.Procedure).where(m.Procedure.resolution_days == 10, m.Procedure.resolution_unit == "working_days")
            .limit(1)
        )
        proc_id, proc_code = proc.id, proc.code
    info: dict[str, Any] = {}

    def fill(prompt: Any) -> int:
        form = prompt.dialog
        set_text(form.input("code"), "TEST-0001")
        set_text(form.input("applicant"), "Nhà thuốc Hồng Đức")
        combo = form.input("procedure_id")
        combo.setCurrentIndex(combo.findData(proc_id))
        form.input("received_on").set_value(D(2024, 3, 1))  # a Friday
        # 10 working days after Friday 01/03/2024: Friday 15/03/2024.
        info["due"] = form.input("due_on").date()
        info["hint"] = form.due_hint.text()
        choose(form.input("channel"), Channel.ONLINE)
        form.input("resolved_on").set_value(D(2024, 3, 20))  # late
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", fill)
    page.new_record()
    assert info["due"] == D(2024, 3, 15)
    assert "10 ngày làm việc → 15/03/2024" in info["hint"]
    page.search.setText("test-0001")
    page.search.flush()
    assert shown_codes(page) == ["TEST-0001"]
    values = refresh_dashboard(qtbot, dash)
    assert values[1] == "99,97%"  # 3.587 on time of 3.588 resolved
    with ctx.db.session() as session:
        dossier = session.scalar(select(m.Dossier).where(m.Dossier.code == "TEST-0001"))
        assert dossier.applicant == "Nhà thuốc Hồng Đức"
        assert dossier.field_id == session.get(m.Procedure, proc_id).field_id
        dossier_id = dossier.id

    def edit(prompt: Any) -> int:
        form = prompt.dialog
        assert form.input("due_on").date() == D(2024, 3, 15)  # kept as stored
        form.input("resolved_on").set_value(D(2024, 3, 14))
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", edit)
    page.edit_record(dossier_id)
    assert refresh_dashboard(qtbot, dash)[1] == "100,00%"

    assert page.table_model.total == 1
    page.view.selectRow(0)
    answers.expect("question", True)
    page.delete_selected()
    assert page.table_model.total == 0
    with ctx.db.session() as session:
        assert session.get(m.Dossier, dossier_id) is None
    assert proc_code  # the procedure stays


def test_dossier_due_date_before_receipt_is_refused_beside_the_field(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    before = page.table_model.total
    seen: dict[str, str] = {}

    def fill(prompt: Any) -> int:
        form = prompt.dialog
        set_text(form.input("code"), "TEST-BAD")
        form.input("procedure_id").setCurrentIndex(1)
        form.input("received_on").set_value(D(2024, 5, 10))
        form.input("due_on").set_value(D(2024, 5, 2))
        assert not form.save()
        seen["due"] = form.widgets["due_on"].error.text()
        set_text(form.input("received_time"), "25:99")
        assert not form.save()
        seen["time"] = form.widgets["received_time"].error.text()
        form.reject()
        return QDialog.DialogCode.Rejected

    answers.expect("dialog", fill)
    page.new_record()
    assert seen["due"] == "Ngày hẹn trả (02/05/2024) không được trước ngày tiếp nhận (10/05/2024)."
    assert "hh:mm" in seen["time"]
    page.refresh()
    assert page.table_model.total == before


def test_dossier_filters_follow_the_period_classes(qtbot: Any, ctx: AppContext) -> None:
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    from cchc_desktop.core.periods import PeriodSpec

    page.show_filtered(scope="received", spec=PeriodSpec.for_year(2024))
    assert page.table_model.total == 3620
    page.show_filtered(scope="carried_over", spec=PeriodSpec.for_year(2024))
    assert page.table_model.total == 187
    page.show_filtered(scope="received", channel=Channel.ONLINE, spec=PeriodSpec.for_year(2024))
    assert page.table_model.total == 2644 + 0  # online receipts of the year (all procedures are online-level)
    page.show_filtered(scope="resolved", status="on_time", spec=PeriodSpec.for_year(2024))
    assert page.table_model.total == 2


def test_dossier_status_column_follows_a_changed_setting(qtbot: Any, ctx: AppContext) -> None:
    """Cài đặt changes how a dossier is classed (here: against the extended due date): the page's status
    column shows the new class at its next refresh, without reopening the page."""
    from cchc_desktop.core import services
    from cchc_desktop.core.enums import DossierOutcome
    from cchc_desktop.core.indicators.dossiers import DOSSIER_STATUSES

    with ctx.db.transaction() as session:
        proc = session.scalar(select(m.Procedure).order_by(m.Procedure.id).limit(1))
        assert proc is not None
        services.create(session, m.Dossier, {
            "code": "KT-GIAHAN-0001", "procedure_id": proc.id, "received_on": dt.date(2024, 3, 1),
            "due_on": dt.date(2024, 3, 5), "extended_due_on": dt.date(2024, 3, 20), "apology_letter": "12/XL",
            "resolved_on": dt.date(2024, 3, 10), "outcome": DossierOutcome.RESOLVED,
        })  # fmt: skip
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    status = page.source.column_index("status") + 1

    def shown() -> str:
        page.table_model.set_search("KT-GIAHAN-0001")
        assert page.table_model.rowCount() == 1
        return str(page.table_model.row_values(0)[status])

    assert shown() == DOSSIER_STATUSES["late"]  # resolved after the original due date
    with ctx.db.transaction() as session:
        prof = session.scalar(select(m.OrganisationProfile))
        assert prof is not None
        services.update(session, m.OrganisationProfile, prof.id, {"classify_against_extended_due": True})
    ctx.notify("organisation_profile")
    page.refresh()
    assert shown() == DOSSIER_STATUSES["early"]  # well before the extended one


# --------------------------------------------------------------------------- tasks & decisions


def test_task_add_edit_delete(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    dash = dashboard(qtbot, ctx)
    assert tile_values(dash)[5] == "100,00%"
    page = TasksPage(ctx)
    qtbot.addWidget(page)
    before = page.table_model.total

    def fill(prompt: Any) -> int:
        form = prompt.dialog
        set_text(form.input("document_number"), "999/UBND-VX")
        set_text(form.input("content"), "Rà soát, đơn giản hóa thủ tục lĩnh vực dược")
        form.input("assigned_on").set_value(D(2024, 6, 3))
        form.input("due_on").set_value(D(2024, 6, 28))
        form.input("completed_on").set_value(D(2024, 7, 2))  # late
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", fill)
    page.new_record()
    assert page.table_model.total == before + 1
    assert refresh_dashboard(qtbot, dash)[5] == "99,47%"  # 186 of 187
    with ctx.db.session() as session:
        task_id = session.scalar(select(m.Task.id).where(m.Task.document_number == "999/UBND-VX"))

    def edit(prompt: Any) -> int:
        form = prompt.dialog
        form.input("completed_on").set_value(D(2024, 6, 27))
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", edit)
    page.edit_record(task_id)
    assert refresh_dashboard(qtbot, dash)[5] == "100,00%"
    select_record(page, task_id)
    answers.expect("question", True)
    page.delete_selected()
    assert page.table_model.total == before


def test_decision_with_its_procedures(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    dash = dashboard(qtbot, ctx)
    assert tile_values(dash)[3] == "100,00%"
    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    before = page.table_model.total
    with ctx.db.session() as session:
        procs = session.execute(select(m.Procedure.id, m.Procedure.code).order_by(m.Procedure.code).limit(2)).all()

    def fill(prompt: Any) -> int:
        form = prompt.dialog
        set_text(form.input("ubnd_number"), "9999/QĐ-UBND")
        form.input("ubnd_date").set_value(D(2024, 8, 1))
        set_text(form.input("summary"), "Công bố thủ tục thử nghiệm")
        set_text(form.input("iso_number"), "999/QĐ-SYT")
        form.input("iso_date").set_value(D(2024, 9, 20))  # 50 days: too late
        for proc_id, _code in procs:
            form.proc_pick.setCurrentIndex(form.proc_pick.findData(proc_id))
            form._add_item()
        assert form.item_ids() == [p.id for p in procs]
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", fill)
    page.new_record()
    assert page.table_model.total == before + 1
    with ctx.db.session() as session:
        decision = session.scalar(select(m.AnnouncementDecision).where(m.AnnouncementDecision.ubnd_number == "9999/QĐ-UBND"))
        assert sorted(i.procedure_id for i in decision.items) == sorted(p.id for p in procs)
        decision_id = decision.id
    days_col = page.source.column_index("days")
    row = page.table_model.row_of(decision_id)
    assert page.table_model.index(row, days_col).data() == "50"
    assert page.table_model.index(row, page.source.column_index("within")).data() == "Không đạt"
    assert refresh_dashboard(qtbot, dash)[3] == "97,87%"  # 92 of 94

    def edit(prompt: Any) -> int:
        form = prompt.dialog
        form.items_view.selectionModel().select(
            form.items.index(0, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        )
        form._remove_items()
        form.input("iso_date").set_value(D(2024, 8, 20))
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", edit)
    page.edit_record(decision_id)
    with ctx.db.session() as session:
        assert len(session.get(m.AnnouncementDecision, decision_id).items) == 1
    assert refresh_dashboard(qtbot, dash)[3] == "100,00%"
    select_record(page, decision_id)
    answers.expect("question", False)
    page.delete_selected()
    assert page.table_model.total == before + 1  # "Không xóa" keeps it
    answers.expect("question", True)
    page.delete_selected()
    assert page.table_model.total == before


def test_deleting_a_procedure_in_use_is_refused_kindly(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = ProceduresPage(ctx)
    qtbot.addWidget(page)
    with ctx.db.session() as session:
        used = session.scalar(select(m.Dossier.procedure_id).limit(1))
    select_record(page, used)
    answers.expect("question", True)
    answers.expect("warning")
    page.delete_selected()
    assert answers.seen[-1].title == "Không xóa được"
    assert "còn dữ liệu khác đang dùng đến" in answers.seen[-1].text
    with ctx.db.session() as session:
        assert session.get(m.Procedure, used) is not None


def test_multi_select_delete_asks_once_for_all(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = TasksPage(ctx)
    qtbot.addWidget(page)
    before = page.table_model.total
    ids = [page.table_model.id_at(r) for r in range(3)]
    page.select_ids(ids)
    answers.expect("question", True)
    page.delete_selected()
    assert answers.seen[-1].text.startswith("Xóa 3 nhiệm vụ đã chọn?")
    assert page.table_model.total == before - 3
    QApplication.processEvents()
    assert Qt  # keep the import honest for type checkers
