"""Keyboard work: Enter saves a form, Esc cancels it (nothing saved), F5 re-reads the page in front."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.main_window import MainWindow
from cchc_desktop.ui.pages.tasks import TasksPage
from tests.ui.conftest import Answers
from tests.ui.helpers import set_text, wait_jobs


def _task(ctx: AppContext) -> tuple[int, str]:
    with ctx.db.session() as session:
        row = session.execute(select(m.Task.id, m.Task.document_number).order_by(m.Task.id).limit(1)).one()
    return row.id, row.document_number


def test_enter_saves_the_form(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = TasksPage(ctx)
    qtbot.addWidget(page)
    task_id, _number = _task(ctx)

    def press_enter(prompt: Any) -> int:
        form = prompt.dialog
        form.show()
        number = form.input("document_number")
        set_text(number, "4321/UBND-KGVX")
        QTest.keyClick(number, Qt.Key.Key_Return)  # the default button "Lưu"
        assert form.saved_id == task_id or form.result() == 1
        return form.result()

    answers.expect("dialog", press_enter)
    page.edit_record(task_id)
    with ctx.db.session() as session:
        assert session.get(m.Task, task_id).document_number == "4321/UBND-KGVX"
    assert page.table_model.index(page.table_model.row_of(task_id), 0).data() == "4321/UBND-KGVX"


def test_escape_cancels_the_form_and_saves_nothing(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = TasksPage(ctx)
    qtbot.addWidget(page)
    task_id, number_before = _task(ctx)

    def press_escape(prompt: Any) -> int:
        form = prompt.dialog
        form.show()
        number = form.input("document_number")
        set_text(number, "8888/UBND-VX")
        answers.expect("save_changes", "discard")  # "Lưu thay đổi?" → Không lưu
        QTest.keyClick(number, Qt.Key.Key_Escape)
        assert not form.isVisible()
        return form.result()

    answers.expect("dialog", press_escape)
    page.edit_record(task_id)
    with ctx.db.session() as session:
        assert session.get(m.Task, task_id).document_number == number_before


def test_f5_rereads_the_page_in_front(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("tasks")
    wait_jobs(QApplication.instance())
    before = page.table_model.total
    # A change the page was not told about (another PC on the shared server, say).
    with ctx.db.transaction() as session:
        services.create(session, m.Task, {"document_number": "1/UBND-F5", "content": "Nhiệm vụ thêm từ máy khác",
                                               "assigned_on": dt.date(2024, 5, 2), "due_on": dt.date(2024, 5, 30)})
    assert page.table_model.total == before
    f5 = next(a for a in window.actions() if a.shortcut().toString() == "F5")
    f5.trigger()
    assert page.table_model.total == before + 1
    assert window.statusBar().currentMessage() == "Đã làm mới dữ liệu."
    wait_jobs(QApplication.instance())
    window.close()
