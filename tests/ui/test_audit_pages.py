"""Record safety in the window (issue 12): a stale form is refused with what the other person changed and
offers “Tải lại”; a deleted record goes to Thùng rác and comes back with the same values; an import batch
is undone from Nhật ký thay đổi."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from cchc_desktop.core import audit, dossier_events, services
from cchc_desktop.core import models as m
from cchc_desktop.io.importer import import_file
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.pages.audit_log import AuditLogPage, RecycleBinPage
from cchc_desktop.ui.pages.dossiers import DossiersPage
from cchc_desktop.ui.pages.tasks import TasksPage
from tests.ui.conftest import Answers
from tests.ui.helpers import set_text


def _values(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key not in audit.NOT_AUDITED}


def test_stale_dossier_form_is_refused_shows_the_change_and_reloads(qtbot: Any, ctx: AppContext,
                                                                    answers: Answers) -> None:
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    with ctx.db.session() as s:
        dossier = s.scalar(select(m.Dossier).where(m.Dossier.resolved_on.is_not(None)).limit(1))
        dossier_id, before = dossier.id, dossier.applicant
    seen: dict[str, Any] = {}

    def edit(prompt: Any) -> int:
        form = prompt.dialog
        # meanwhile, a colleague saves the same dossier on another PC
        with ctx.db.transaction() as s:
            services.update(s, m.Dossier, dossier_id, {"note": "Đã liên hệ người nộp"}, user="dong_nghiep")
        set_text(form.input("applicant"), "Công ty Dược Hòa Bình")
        assert not form.save()
        seen["banner"] = form.banner.text()
        seen["reload"] = not form.reload_button.isHidden()
        form.reload_button.click()
        seen["note"] = form.input("note").toPlainText()
        seen["applicant"] = form.input("applicant").text()
        set_text(form.input("applicant"), "Công ty Dược Hòa Bình")
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", edit)
    page.edit_record(dossier_id)
    assert "đã được người khác thay đổi sau khi bạn mở" in seen["banner"]
    assert "dong_nghiep lúc" in seen["banner"] and "Ghi chú: (trống) → Đã liên hệ người nộp" in seen["banner"]
    assert seen["reload"] is True
    assert (seen["note"], seen["applicant"]) == ("Đã liên hệ người nộp", before or "")
    with ctx.db.session() as s:
        saved = s.get(m.Dossier, dossier_id)
        assert (saved.note, saved.applicant) == ("Đã liên hệ người nộp", "Công ty Dược Hòa Bình")


def test_deleted_task_goes_to_the_bin_and_is_restored_with_the_same_values(qtbot: Any, ctx: AppContext,
                                                                            answers: Answers) -> None:
    tasks = TasksPage(ctx)
    qtbot.addWidget(tasks)
    task_id = tasks.table_model.id_at(0)
    with ctx.db.session() as s:
        before = _values(s.get(m.Task, task_id))
        total = s.scalar(select(func.count()).select_from(m.Task))
    tasks.select_ids([task_id])
    answers.expect("question", True)
    tasks.delete_selected()
    assert "Thùng rác" in answers.seen[-1].text
    with ctx.db.session() as s:
        assert s.get(m.Task, task_id) is None
    bin_page = RecycleBinPage(ctx)
    qtbot.addWidget(bin_page)
    assert bin_page.table_model.total == 1
    code_col = bin_page.source.column_index("code")
    assert bin_page.proxy.index(0, code_col).data() == (before["document_number"] or before["content"][:80])
    bin_page.view.selectRow(0)
    assert bin_page.restore_button.isEnabled()
    bin_page.restore_selected()
    assert bin_page.table_model.total == 0
    with ctx.db.session() as s:
        assert _values(s.get(m.Task, task_id)) == before
        assert s.scalar(select(func.count()).select_from(m.Task)) == total
    tasks.refresh()
    assert tasks.table_model.row_of(task_id) is not None


def test_deleting_a_row_changed_by_someone_else_since_the_page_loaded_is_refused(qtbot: Any, ctx: AppContext,
                                                                                 answers: Answers) -> None:
    tasks = TasksPage(ctx)
    qtbot.addWidget(tasks)
    task_id = tasks.table_model.id_at(0)
    with ctx.db.transaction() as s:  # a colleague edits the task after this page read it
        services.update(s, m.Task, task_id, {"note": "Đã xin gia hạn"}, user="dong_nghiep")
    tasks.select_ids([task_id])
    answers.expect("question", True)
    answers.expect("warning")
    tasks.delete_selected()
    refusal = answers.seen[-1]
    assert refusal.title == "Không xóa được"
    assert refusal.text.startswith("Không xóa được: nhiệm vụ")
    assert "dong_nghiep lúc" in refusal.text and "→ Đã xin gia hạn" in refusal.text and "Làm mới" in refusal.text
    with ctx.db.session() as s:
        assert s.get(m.Task, task_id).note == "Đã xin gia hạn"
        assert s.scalar(select(func.count()).select_from(m.AuditEntry).where(m.AuditEntry.in_bin.is_(True))) == 0
    tasks.refresh()  # the newest version shown: now the deletion goes to the bin
    tasks.select_ids([task_id])
    answers.expect("question", True)
    tasks.delete_selected()
    with ctx.db.session() as s:
        assert s.get(m.Task, task_id) is None
        assert s.scalar(select(func.count()).select_from(m.AuditEntry).where(m.AuditEntry.in_bin.is_(True))) == 1


def test_report_text_saved_meanwhile_is_not_overwritten_and_the_editor_offers_to_reload(
    qtbot: Any, ctx: AppContext, answers: Answers
) -> None:
    from cchc_desktop.core.enums import ReportType
    from cchc_desktop.reports.texts import load_texts
    from cchc_desktop.ui.pages.reports import ReportsPage

    mine, theirs = ReportsPage(ctx), ReportsPage(ctx)  # two PCs on the same report
    for page in (mine, theirs):
        qtbot.addWidget(page)
        page.choose_report("cchc")
        page.section.setCurrentIndex(page.section.findData("kho_khan"))
    with ctx.db.session() as s:
        before = load_texts(s, ReportType.CCHC, "2024").get("kho_khan", "")
    set_text(theirs.editor, "Thiếu công chức một cửa.")
    assert theirs.save_section()
    set_text(mine.editor, "Phần mềm còn chậm.")
    assert not mine.save_section()
    assert not mine.conflict_label.isHidden() and not mine.reload_button.isHidden()
    shown = mine.conflict_label.text()
    assert shown.startswith("Không lưu được: mục “II. Khó khăn, vướng mắc")
    assert "→ Thiếu công chức một cửa." in shown and "Tải lại" in shown
    assert mine.has_unsaved_changes()  # what was typed is still there until the user chooses
    with ctx.db.session() as s:
        assert load_texts(s, ReportType.CCHC, "2024")["kho_khan"] == "Thiếu công chức một cửa."
    assert before != "Thiếu công chức một cửa."
    mine.reload_button.click()
    assert mine.editor.toPlainText() == "Thiếu công chức một cửa."
    assert mine.conflict_label.isHidden() and mine.reload_button.isHidden() and not mine.has_unsaved_changes()
    set_text(mine.editor, "Thiếu công chức một cửa; phần mềm còn chậm.")
    assert mine.save_section()  # based on the newest version: saved
    with ctx.db.session() as s:
        assert load_texts(s, ReportType.CCHC, "2024")["kho_khan"] == "Thiếu công chức một cửa; phần mềm còn chậm."
    # the other PC, now behind, types again and moves to another report: its refused text is given back
    set_text(theirs.editor, "Bản của máy kia.")
    assert not theirs.save_section()
    answers.expect("warning")
    theirs.choose_report("quality")
    assert "đã được người khác thay đổi" in answers.seen[-1].text and "Bản của máy kia." in answers.seen[-1].text
    with ctx.db.session() as s:
        assert load_texts(s, ReportType.CCHC, "2024")["kho_khan"] == "Thiếu công chức một cửa; phần mềm còn chậm."


def test_deleted_dossier_with_events_comes_back_from_the_bin(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    with ctx.db.transaction() as s:
        dossier = s.scalar(select(m.Dossier).where(m.Dossier.resolved_on > m.Dossier.received_on).limit(1))
        dossier_id = dossier.id
        dossier_events.add_event(s, dossier_id, {"kind": "supplement_requested",
                                                 "occurred_on": dossier.received_on, "note": "thiếu giấy phép"})
    with ctx.db.session() as s:
        dossier = s.get(m.Dossier, dossier_id)
        before = _values(dossier)
        events = [(e.kind, e.occurred_on, e.note) for e in dossier.events]
        assert events
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    with ctx.db.transaction() as s:
        services.delete(s, m.Dossier, [dossier_id], user="an")
    bin_page = RecycleBinPage(ctx)
    qtbot.addWidget(bin_page)
    bin_page.view.selectRow(0)
    bin_page.restore_selected()
    with ctx.db.session() as s:
        dossier = s.get(m.Dossier, dossier_id)
        assert _values(dossier) == before
        assert [(e.kind, e.occurred_on, e.note) for e in dossier.events] == events


def test_import_batch_is_undone_from_the_log_page(qtbot: Any, ctx: AppContext, answers: Answers,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "tthc.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã TTHC", "Tên thủ tục"])
    ws.append(["9.001", "Thủ tục thử một"])
    ws.append(["9.002", "Thủ tục thử hai"])
    wb.save(path)
    result = import_file(ctx.db, "procedures", path, user="hoa")
    assert result.imported == 2
    page = AuditLogPage(ctx)
    qtbot.addWidget(page)
    assert not page.undo_button.isEnabled()
    page.show_batch(result.batch_id)
    assert page.undo_button.isEnabled()
    assert page.table_model.total == 2
    code_col = page.source.column_index("code")
    assert sorted(page.proxy.index(r, code_col).data() for r in range(2)) == ["9.001", "9.002"]
    changes = page.proxy.index(0, page.source.column_index("changes")).data()
    assert "Tên thủ tục: Thủ tục thử" in changes
    answers.expect("question", True)
    answers.expect("info")
    page.undo_button.click()
    assert "bỏ 2 bản ghi đã tạo" in answers.seen[-1].text
    with ctx.db.session() as s:
        assert s.scalar(select(func.count()).where(m.Procedure.code.in_(["9.001", "9.002"]))) == 0
        assert s.get(m.ImportBatch, result.batch_id).undone_at is not None
    assert "đã hoàn tác" in page.batch_filter.currentText()
    answers.expect("question", True)
    answers.expect("warning")
    page.undo_button.click()
    assert "đã được hoàn tác" in answers.seen[-1].text


def test_document_grid_does_not_overwrite_a_month_saved_meanwhile(qtbot: Any, ctx: AppContext) -> None:
    from cchc_desktop.ui.pages.documents import COUNT_KEYS, DocumentsPage

    page = DocumentsPage(ctx)
    qtbot.addWidget(page)
    page.set_year(2024)
    incoming = COUNT_KEYS.index("incoming")
    assert page.grid.setData(page.grid.index(0, incoming), "900")
    with ctx.db.transaction() as s:  # another PC saves January first
        jan = s.scalar(select(m.DocumentCount).where(m.DocumentCount.year == 2024, m.DocumentCount.month == 1))
        services.update(s, m.DocumentCount, jan.id, {"incoming": jan.incoming + 1}, user="van_thu")
        theirs = jan.incoming
    assert not page.save()
    assert page.error.text().startswith("Tháng 1: Không lưu được: số liệu văn bản tháng “1/2024” đã được")
    assert "van_thu lúc" in page.error.text()
    with ctx.db.session() as s:
        jan = s.scalar(select(m.DocumentCount).where(m.DocumentCount.year == 2024, m.DocumentCount.month == 1))
        assert jan.incoming == theirs


def test_survey_grid_does_not_overwrite_answers_saved_meanwhile(qtbot: Any, ctx: AppContext) -> None:
    from cchc_desktop.ui.widgets.survey_grid import SurveyFormsModel

    with ctx.db.session() as s:
        form = s.scalar(select(m.SurveyForm).join(m.SurveyAnswer).limit(1))
        campaign_id, form_id = form.campaign_id, form.id
    mine, theirs = SurveyFormsModel(), SurveyFormsModel()
    with ctx.db.session() as s:
        mine.load(s, campaign_id)
        theirs.load(s, campaign_id)
    row = next(r for r, f in enumerate(theirs.rows) if f.id == form_id)
    crit = theirs.criteria[0]
    other = next(o[0] for o in crit.options if o[0] != theirs.rows[row].answers.get(crit.id))
    theirs.rows[row].answers[crit.id] = other
    theirs.dirty.add(row)
    with ctx.db.transaction() as s:  # a colleague changes one answer of the form and saves
        theirs.save(s)
    mine.rows[row].answers[theirs.criteria[1].id] = theirs.criteria[1].options[-1][0]
    mine.dirty.add(row)
    try:
        with ctx.db.transaction() as s:
            mine.save(s)
        raised = None
    except Exception as exc:  # noqa: BLE001 - the type is asserted below
        raised = exc
    assert type(raised).__name__ == "ConflictError"
    assert "phiếu khảo sát “phiếu số" in str(raised) and ": sửa câu trả lời" in str(raised)
    with ctx.db.session() as s:
        answers = dict(s.execute(select(m.SurveyAnswer.criterion_id, m.SurveyAnswer.option_id)
                                 .where(m.SurveyAnswer.form_id == form_id)).all())
        assert answers[crit.id] == other


def test_log_page_filters_by_person_table_record_and_date(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    import datetime as dt

    from tests.ui.helpers import choose

    with ctx.db.transaction() as s:
        task = s.scalar(select(m.Task).limit(1))
        services.update(s, m.Task, task.id, {"note": "Đã đôn đốc"}, user="an")
        dossier = s.scalar(select(m.Dossier).limit(1))
        services.update(s, m.Dossier, dossier.id, {"note": "Gọi lại"}, user="binh")
        code = dossier.code
    page = AuditLogPage(ctx)
    qtbot.addWidget(page)
    assert page.table_model.total == 2
    page.refresh()
    choose(page.user_filter, "an")
    assert page.table_model.total == 1
    assert "Ghi chú: (trống) → Đã đôn đốc" in page.proxy.index(0, page.source.column_index("changes")).data()
    choose(page.user_filter, None)
    choose(page.table_filter, "dossier")
    assert page.table_model.total == 1
    choose(page.table_filter, None)
    page.search.setText(code)
    page.search.flush()
    assert page.table_model.total == 1
    page.search.setText("")
    page.search.flush()
    with ctx.db.session() as s:  # the days the two entries were written
        first, last = s.execute(select(func.min(m.AuditEntry.at), func.max(m.AuditEntry.at))).one()
    page.start.set_value(last.date() + dt.timedelta(days=1))
    page.apply_filters()
    assert page.table_model.total == 0
    page.start.set_value(first.date())
    page.apply_filters()
    assert page.table_model.total == 2
    answers.expect("info")
    page.edit_record(page.table_model.id_at(0))
    assert "Gọi lại" in answers.seen[-1].text


# --------------------------------------------------------------------------- other write paths (issue 12)


def test_a_decisions_procedures_changed_meanwhile_are_not_overwritten(qtbot: Any, ctx: AppContext) -> None:
    from cchc_desktop.ui.pages.decisions import DecisionsPage

    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    with ctx.db.session() as s:
        decision_id = s.scalar(select(m.AnnouncementItem.decision_id).group_by(m.AnnouncementItem.decision_id)
                               .having(func.count() >= 2).limit(1))  # fmt: skip
        before = len(s.get(m.AnnouncementDecision, decision_id).items)
    with ctx.db.transaction() as s:  # last saved by this login: a save of the list alone changes no column
        services.update(s, m.AnnouncementDecision, decision_id, {})
    mine, theirs = page.open_form(decision_id), page.open_form(decision_id)  # two PCs open the decision
    for form in (mine, theirs):
        qtbot.addWidget(form)
    theirs.items.removeRow(0)  # the colleague takes one procedure off the decision and saves
    assert theirs.save()
    set_text(mine.input("summary"), "Công bố danh mục TTHC (sửa trích yếu)")
    assert not mine.save()  # my older list would bring the procedure back
    assert "đã được người khác thay đổi sau khi bạn mở" in mine.banner.text()
    assert "sửa " in mine.banner.text() and not mine.reload_button.isHidden()
    with ctx.db.session() as s:
        assert len(s.get(m.AnnouncementDecision, decision_id).items) == before - 1


def test_a_campaigns_groups_changed_meanwhile_are_not_overwritten(qtbot: Any, ctx: AppContext) -> None:
    from cchc_desktop.ui.pages.surveys import SurveysPage

    page = SurveysPage(ctx)
    qtbot.addWidget(page)
    with ctx.db.session() as s:
        campaign_id = s.scalar(select(m.RespondentGroup.campaign_id).limit(1))
    with ctx.db.transaction() as s:  # last saved by this login: a save of the groups alone changes no column
        services.update(s, m.SurveyCampaign, campaign_id, {})
    mine, theirs = page.open_form(campaign_id), page.open_form(campaign_id)
    for form in (mine, theirs):
        qtbot.addWidget(form)
    theirs.groups_edit.setPlainText(theirs.groups_edit.toPlainText() + "\nHộ kinh doanh")
    assert theirs.save()
    mine.groups_edit.setPlainText("Cá nhân")
    assert not mine.save()
    assert "đã được người khác thay đổi" in mine.banner.text()
    with ctx.db.session() as s:
        assert "Hộ kinh doanh" in s.scalars(select(m.RespondentGroup.name)
                                            .where(m.RespondentGroup.campaign_id == campaign_id)).all()


def test_marking_done_does_not_overwrite_a_completion_saved_meanwhile(qtbot: Any, ctx: AppContext,
                                                                      answers: Answers) -> None:
    import datetime as dt

    page = TasksPage(ctx)
    qtbot.addWidget(page)
    with ctx.db.session() as s:
        task = s.scalar(select(m.Task).where(m.Task.completed_on.is_(None)).limit(1))
        task_id, theirs, mine = task.id, task.assigned_on + dt.timedelta(days=1), task.assigned_on + dt.timedelta(days=2)
    page.select_ids([task_id])

    def answer(prompt: Any) -> int:
        with ctx.db.transaction() as s:  # while the date is being typed, a colleague completes the task
            services.update(s, m.Task, task_id, {"completed_on": theirs}, user="dong_nghiep")
        prompt.dialog.date.edit.setText(mine.strftime("%d/%m/%Y"))
        prompt.dialog.confirm()
        return prompt.dialog.result()

    answers.expect("dialog", answer)
    answers.expect("warning")
    assert not page.mark_done()
    assert "dong_nghiep lúc" in answers.seen[-1].text and theirs.strftime("%d/%m/%Y") in answers.seen[-1].text
    with ctx.db.session() as s:
        assert s.get(m.Task, task_id).completed_on == theirs


def test_deleting_a_quality_document_changed_meanwhile_is_refused(qtbot: Any, ctx: AppContext,
                                                                  answers: Answers) -> None:
    from cchc_desktop.ui.pages.objectives import ObjectivesPage

    page = ObjectivesPage(ctx)
    qtbot.addWidget(page)

    def manage(prompt: Any) -> int:
        dialog = prompt.dialog
        dialog.list.setCurrentRow(0)
        doc_id = dialog.list.currentItem().data(0x0100)
        with ctx.db.transaction() as s:
            services.update(s, m.QualityDocument, doc_id, {"description": "về việc ban hành Sổ tay chất lượng"},
                            user="dong_nghiep")
        answers.expect("question", True)
        answers.expect("error")
        dialog.delete()
        assert answers.seen[-1].text.startswith("Không xóa được:")
        with ctx.db.session() as s:
            assert s.get(m.QualityDocument, doc_id) is not None
        return QDialog.DialogCode.Rejected

    answers.expect("dialog", manage)
    page.edit_documents()


def test_an_empty_bin_or_log_says_why_it_is_empty(qtbot: Any, ctx: AppContext) -> None:
    bin_page = RecycleBinPage(ctx)
    qtbot.addWidget(bin_page)
    assert bin_page.table_model.total == 0
    assert bin_page.view.empty_text().startswith("Thùng rác trống.")
    bin_page.search.setText("HS-1")
    assert bin_page.view.empty_text() == "Không có bản ghi đã xóa nào khớp từ khóa tìm kiếm hoặc bộ lọc đang chọn."
    log = AuditLogPage(ctx)
    qtbot.addWidget(log)
    assert log.view.empty_text().startswith("Chưa có thay đổi nào được ghi.")
    log.resize(900, 500)
    log.show()
    log.view.viewport().repaint()  # drawn in the empty table without error


def test_copying_last_years_objectives_keeps_one_a_colleague_changed_meanwhile(qtbot: Any, ctx: AppContext,
                                                                               answers: Answers) -> None:
    from cchc_desktop.ui.pages.objectives import ObjectivesPage

    page = ObjectivesPage(ctx)
    qtbot.addWidget(page)
    assert page.current_year() == 2024
    changed = page.table_model.id_at(0)
    with ctx.db.transaction() as s:  # after the page read them, a colleague edits one of the year's objectives
        services.update(s, m.QualityObjective, changed, {"target": 95}, user="dong_nghiep")
    answers.expect("question", True)
    answers.expect("error")
    page.copy_previous()
    assert answers.seen[-1].text.startswith("Không xóa được: mục tiêu chất lượng")
    assert "dong_nghiep lúc" in answers.seen[-1].text
    with ctx.db.session() as s:
        assert s.get(m.QualityObjective, changed).target == 95
    page.refresh()  # the newest shown: now the copy goes through
    answers.expect("question", True)
    page.copy_previous()
    with ctx.db.session() as s:
        assert s.get(m.QualityObjective, changed) is None


def test_the_log_names_the_procedure_and_unit_of_an_imported_dossier(qtbot: Any, ctx: AppContext,
                                                                       tmp_path: Path) -> None:
    with ctx.db.session() as s:
        proc = s.scalar(select(m.Procedure).where(m.Procedure.unit_id.is_not(None)).order_by(m.Procedure.id.desc()))
        unit_name = s.get(m.Unit, proc.unit_id).name
        proc_code, proc_id = proc.code, proc.id
    path = tmp_path / "ho-so.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Số hồ sơ", "Mã TTHC", "Người nộp", "Ngày tiếp nhận", "Ngày hẹn trả"])
    ws.append(["HS-NK-1", proc_code, "Nguyễn Văn An", "15/01/2024", "19/01/2024"])
    wb.save(path)
    result = import_file(ctx.db, "dossiers", path, user="hoa")
    assert result.imported == 1
    page = AuditLogPage(ctx)
    qtbot.addWidget(page)
    page.show_batch(result.batch_id)
    assert page.table_model.total == 1
    changes = page.proxy.index(0, page.source.column_index("changes")).data()
    assert f"Thủ tục: {proc_code}" in changes and f"Đơn vị: {unit_name}" in changes
    assert f"Thủ tục: {proc_id};" not in changes
