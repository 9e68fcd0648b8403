"""Nothing typed is lost: Esc in a form, leaving a page or closing the window with unsaved edits asks
"Lưu thay đổi?" — Lưu saves, Không lưu discards, Hủy stays where the edits are."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.ui import prompts
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.main_window import MainWindow
from cchc_desktop.ui.pages.documents import COUNT_KEYS
from cchc_desktop.ui.pages.tasks import TasksPage
from tests.ui.conftest import Answers
from tests.ui.helpers import set_text, wait_jobs


def _task(ctx: AppContext) -> tuple[int, str]:
    with ctx.db.session() as session:
        row = session.execute(select(m.Task.id, m.Task.document_number).order_by(m.Task.id).limit(1)).one()
    return row.id, row.document_number


@pytest.mark.parametrize("answer", [prompts.SAVE, prompts.DISCARD, prompts.CANCEL])
def test_escape_in_an_edited_form_asks_before_closing(qtbot: Any, ctx: AppContext, answers: Answers, answer: str) -> None:
    page = TasksPage(ctx)
    qtbot.addWidget(page)
    task_id, number_before = _task(ctx)
    still_open: list[bool] = []

    def press_escape(prompt: Any) -> int:
        form = prompt.dialog
        form.show()
        set_text(form.input("document_number"), "8888/UBND-VX")
        answers.expect("save_changes", answer)
        QTest.keyClick(form.input("document_number"), Qt.Key.Key_Escape)
        assert answers.seen[-1].title == "Lưu thay đổi?"
        still_open.append(form.isVisible())
        if form.isVisible():
            assert form.input("document_number").text() == "8888/UBND-VX"  # Hủy: the typing is still there
            form.discard()
        return form.result()

    answers.expect("dialog", press_escape)
    page.edit_record(task_id)
    with ctx.db.session() as session:
        stored = session.get(m.Task, task_id).document_number
    assert stored == ("8888/UBND-VX" if answer == prompts.SAVE else number_before)
    assert still_open == [answer == prompts.CANCEL]


def test_escape_in_an_untouched_form_closes_without_asking(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = TasksPage(ctx)
    qtbot.addWidget(page)
    task_id, _ = _task(ctx)

    def press_escape(prompt: Any) -> int:
        form = prompt.dialog
        form.show()
        QTest.keyClick(form.input("document_number"), Qt.Key.Key_Escape)
        assert not form.isVisible()
        return form.result()

    answers.expect("dialog", press_escape)
    page.edit_record(task_id)
    assert [p.kind for p in answers.seen] == ["dialog"]


def test_a_refused_save_keeps_the_form_open(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = TasksPage(ctx)
    qtbot.addWidget(page)
    task_id, number_before = _task(ctx)

    def press_escape(prompt: Any) -> int:
        form = prompt.dialog
        form.show()
        set_text(form.input("document_number"), "9999/UBND-VX")
        set_text(form.input("due_on"), "31/02/2024")  # no such day: the save is refused
        answers.expect("save_changes", prompts.SAVE)
        QTest.keyClick(form.input("document_number"), Qt.Key.Key_Escape)
        assert form.isVisible()
        assert not form.widgets["due_on"].error.isHidden()
        form.discard()
        return form.result()

    answers.expect("dialog", press_escape)
    page.edit_record(task_id)
    with ctx.db.session() as session:
        assert session.get(m.Task, task_id).document_number == number_before


def _window(qtbot: Any, ctx: AppContext) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "dashboard" in window.pages)
    wait_jobs(QApplication.instance())
    return window


def _january_outgoing(ctx: AppContext) -> int:
    with ctx.db.session() as session:
        return session.scalar(
            select(m.DocumentCount.outgoing).where(m.DocumentCount.year == 2024, m.DocumentCount.month == 1)
        )


@pytest.mark.parametrize("answer", [prompts.SAVE, prompts.DISCARD, prompts.CANCEL])
def test_leaving_the_document_grid_with_edits_asks(qtbot: Any, ctx: AppContext, answers: Answers, answer: str) -> None:
    window = _window(qtbot, ctx)
    page = window.show_page("documents")
    page.set_year(2024)
    before = _january_outgoing(ctx)
    grid = page.grid
    assert grid.setData(grid.index(0, COUNT_KEYS.index("outgoing")), str(before + 5))
    answers.expect("save_changes", answer)
    window.nav.setCurrentRow(0)  # Tổng quan
    assert answers.seen[-1].kind == "save_changes"
    if answer == prompts.CANCEL:
        assert window.current_page() is page
        assert window.nav.currentRow() == 6
        assert grid.index(0, 0).data() == str(before + 5)  # still typed, still unsaved
        assert _january_outgoing(ctx) == before
        page.discard_changes()
    else:
        assert window.current_page() is window.pages["dashboard"]
        assert _january_outgoing(ctx) == (before + 5 if answer == prompts.SAVE else before)
    wait_jobs(QApplication.instance())
    window.close()  # nothing unsaved any more: no question
    assert not window.isVisible()


def test_changing_the_year_of_an_edited_document_grid_asks(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    window = _window(qtbot, ctx)
    page = window.show_page("documents")
    page.set_year(2024)
    grid = page.grid
    grid.setData(grid.index(0, 0), "1")
    answers.expect("save_changes", prompts.CANCEL)
    page.set_year(2023)
    assert page.year.value() == 2024 and grid.year == 2024 and grid.dirty
    answers.expect("save_changes", prompts.DISCARD)
    page.set_year(2023)
    assert grid.year == 2023 and not grid.dirty
    wait_jobs(QApplication.instance())
    window.close()


def _forms_2024(ctx: AppContext) -> int:
    with ctx.db.session() as session:
        camp = session.scalar(select(m.SurveyCampaign.id).where(m.SurveyCampaign.year == 2024))
        return session.scalar(select(func.count()).where(m.SurveyForm.campaign_id == camp))


def _type_a_survey_form(page: Any) -> None:
    with page.ctx.db.session() as session:
        camp = session.scalar(select(m.SurveyCampaign.id).where(m.SurveyCampaign.year == 2024))
    page.select_ids([camp])
    grid = page.forms_model
    row = grid.add_row()
    for col in range(2, grid.columnCount()):
        grid.pick(row, col, 1)


@pytest.mark.parametrize("answer", [prompts.SAVE, prompts.DISCARD, prompts.CANCEL])
def test_closing_the_window_with_a_typed_survey_form_asks(qtbot: Any, ctx: AppContext, answers: Answers, answer: str) -> None:
    window = _window(qtbot, ctx)
    page = window.show_page("surveys")
    _type_a_survey_form(page)
    answers.expect("save_changes", answer)
    window.close()
    assert window.isVisible() == (answer == prompts.CANCEL)
    assert _forms_2024(ctx) == (66 if answer == prompts.SAVE else 65)
    if answer == prompts.CANCEL:
        assert page.forms_model.rowCount() == 66  # the typed form is still in the grid
        page.discard_changes()
        wait_jobs(QApplication.instance())
        window.close()
        assert not window.isVisible()


def test_choosing_another_campaign_with_typed_forms_asks(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    window = _window(qtbot, ctx)
    page = window.show_page("surveys")
    _type_a_survey_form(page)
    shown = page._detail_campaign
    with ctx.db.session() as session:
        other = session.scalar(select(m.SurveyCampaign.id).where(m.SurveyCampaign.year == 2023))
    answers.expect("save_changes", prompts.CANCEL)
    page.select_ids([other])
    assert page._detail_campaign == shown and page.selected_ids() == [shown]
    assert page.forms_model.rowCount() == 66
    answers.expect("save_changes", prompts.SAVE)
    page.select_ids([other])
    assert page._detail_campaign == other
    assert _forms_2024(ctx) == 66
    wait_jobs(QApplication.instance())
    window.close()


@pytest.mark.parametrize("answer", [prompts.SAVE, prompts.DISCARD, prompts.CANCEL])
def test_leaving_edited_settings_asks(qtbot: Any, ctx: AppContext, answers: Answers, answer: str) -> None:
    window = _window(qtbot, ctx)
    page = window.show_page("settings")
    with ctx.db.session() as session:
        before = services.profile(session).place
    set_text(page.profile.widgets["place"].input, "Ninh Thuận")
    answers.expect("save_changes", answer)
    window.show_page("tasks")
    with ctx.db.session() as session:
        stored = services.profile(session).place
    assert stored == ("Ninh Thuận" if answer == prompts.SAVE else before)
    assert (window.current_page() is page) == (answer == prompts.CANCEL)
    if answer == prompts.CANCEL:
        assert page.profile.widgets["place"].input.text() == "Ninh Thuận"
        page.discard_changes()
    assert not page.has_unsaved_changes()
    wait_jobs(QApplication.instance())
    window.close()


def _stored_text(ctx: AppContext, key: str) -> str | None:
    from cchc_desktop.core.enums import ReportType

    with ctx.db.session() as session:
        return session.scalar(select(m.ReportText.body).where(
            m.ReportText.section_key == key, m.ReportText.report_type == ReportType.CCHC,
            m.ReportText.period_key == ctx.period.key))  # fmt: skip


@pytest.mark.parametrize("answer", [prompts.SAVE, prompts.DISCARD, prompts.CANCEL])
def test_leaving_a_report_text_being_typed_asks(qtbot: Any, ctx: AppContext, answers: Answers, answer: str) -> None:
    window = _window(qtbot, ctx)
    page = window.show_page("reports")
    page.choose_report("cchc")
    wait_jobs(QApplication.instance())
    page.section.setCurrentIndex(page.section.findData("kho_khan"))
    before = _stored_text(ctx, "kho_khan")
    set_text(page.editor, "Còn chậm cập nhật hồ sơ")  # the automatic save has not run yet
    answers.expect("save_changes", answer)
    window.show_page("dashboard")
    assert _stored_text(ctx, "kho_khan") == ("Còn chậm cập nhật hồ sơ" if answer == prompts.SAVE else before)
    assert (window.current_page() is page) == (answer == prompts.CANCEL)
    if answer == prompts.CANCEL:
        assert page.editor.toPlainText() == "Còn chậm cập nhật hồ sơ"
        page.discard_changes()
    wait_jobs(QApplication.instance())
    window.close()


def test_report_text_follows_its_section_when_another_is_chosen(qtbot: Any, ctx: AppContext) -> None:
    window = _window(qtbot, ctx)
    page = window.show_page("reports")
    page.choose_report("cchc")
    wait_jobs(QApplication.instance())
    page.section.setCurrentIndex(page.section.findData("kho_khan"))
    set_text(page.editor, "Khó khăn của kỳ")
    page.section.setCurrentIndex(page.section.findData("mo_dau") if page.section.findData("mo_dau") >= 0 else 0)
    assert _stored_text(ctx, "kho_khan") == "Khó khăn của kỳ"
    assert page.editor.toPlainText() != "Khó khăn của kỳ"
    wait_jobs(QApplication.instance())
    window.close()


def test_a_procedure_added_to_a_decision_counts_as_an_edit(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    from cchc_desktop.ui.pages.decisions import DecisionsPage

    page = DecisionsPage(ctx)
    qtbot.addWidget(page)
    decision_id = page.table_model.id_at(0)
    seen: dict[str, Any] = {}

    def add_item(prompt: Any) -> int:
        form = prompt.dialog
        form.show()
        seen["before"] = form.has_unsaved_changes()
        count = form.items.rowCount()
        form.proc_pick.setCurrentIndex(next(i for i in range(form.proc_pick.count())
                                            if form.proc_pick.itemData(i) not in form.item_ids()))  # fmt: skip
        form._add_item()
        form.proc_pick.setCurrentIndex(-1)
        seen["added"] = form.items.rowCount() == count + 1
        seen["after"] = form.has_unsaved_changes()
        answers.expect("save_changes", prompts.DISCARD)
        QTest.keyClick(form, Qt.Key.Key_Escape)
        return form.result()

    answers.expect("dialog", add_item)
    page.edit_record(decision_id)
    assert seen == {"before": False, "added": True, "after": True}
