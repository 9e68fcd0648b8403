"""The GUI slips a new user met in the first week (issue 14), each pinned by what the user sees."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.main_window import MainWindow
from cchc_desktop.ui.pages.dashboard import nice_axis
from cchc_desktop.ui.pages.documents import COUNT_KEYS, DocumentsPage
from cchc_desktop.ui.pages.dossiers import DossiersPage
from cchc_desktop.ui.pages.surveys import SurveysPage
from cchc_desktop.ui.screens import available_geometry
from tests.ui.conftest import Answers
from tests.ui.helpers import wait_jobs


def test_procedure_picker_finds_names_typed_without_diacritics(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    seen: dict[str, Any] = {}

    def search(prompt: Any) -> int:
        form = prompt.dialog
        form.show()
        combo = form.input("procedure_id")
        completer = combo.completer()
        combo.lineEdit().setFocus()
        QTest.keyClicks(combo.lineEdit(), "phong kham da khoa (truong hop cap lan dau")
        popup = completer.completionModel()
        seen["found"] = [popup.index(r, 0).data() for r in range(popup.rowCount())]
        # Picking the entry makes it the form's value.
        completer.activated[QModelIndex].emit(popup.index(0, 0))
        seen["value"] = combo.currentData()
        seen["popup_width"] = completer.popup().minimumWidth()
        seen["longest"] = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
        seen["screen"] = available_geometry(combo).width()
        combo.lineEdit().clear()
        QTest.keyClicks(combo.lineEdit(), "giay phep cap")  # the words in another order
        seen["any_order"] = [popup.index(r, 0).data() for r in range(popup.rowCount())]
        form.discard()
        return QDialog.DialogCode.Rejected

    answers.expect("dialog", search)
    page.new_record()
    assert seen["any_order"] and all("giấy phép" in t.lower() and "cấp" in t.lower() for t in seen["any_order"])
    assert seen["found"] == ["1.004782 – Cấp giấy phép hoạt động đối với phòng khám đa khoa (trường hợp cấp lần đầu)"]
    with ctx.db.session() as session:
        assert seen["value"] == session.scalar(select(m.Procedure.id).where(m.Procedure.code == "1.004782"))
    assert seen["popup_width"] >= min(seen["longest"], int(seen["screen"] * 0.85) - 48)


def test_a_procedure_typed_without_diacritics_is_saved(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    from cchc_desktop.ui.dialogs.record_form import read_input

    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    seen: dict[str, Any] = {}

    def typed(prompt: Any) -> int:
        form = prompt.dialog
        combo = form.input("procedure_id")
        combo.setEditText("1.004652 – cap giay phep hoat dong doi voi phong kham da khoa")
        seen["value"] = read_input(form.widgets["procedure_id"].spec, combo)
        form.discard()
        return QDialog.DialogCode.Rejected

    answers.expect("dialog", typed)
    page.new_record()
    with ctx.db.session() as session:
        assert seen["value"] == session.scalar(select(m.Procedure.id).where(m.Procedure.code == "1.004652"))


def test_dashboard_count_axis_has_round_ticks() -> None:
    assert nice_axis(3) == (3, 4)  # 0, 1, 2, 3
    assert nice_axis(5) == (5, 6)  # 0 … 5, never 0, 1, 2, 3, 5
    assert nice_axis(124) == (125, 6)  # 0, 25, 50, 75, 100, 125 — never 0, 31, 62
    assert nice_axis(374) == (400, 5)
    assert nice_axis(0) == (5, 6)


def test_window_starts_maximised_with_the_app_name_once(qtbot: Any, ctx: AppContext) -> None:
    window = MainWindow(ctx)  # a fresh settings folder: the first start
    qtbot.addWidget(window)
    assert window.windowState() & Qt.WindowState.WindowMaximized
    assert window.windowTitle().count("CCHC – Sở Y tế") == 1
    wait_jobs(QApplication.instance())


def test_document_grid_refuses_letters_and_negatives_with_a_message(qtbot: Any, ctx: AppContext) -> None:
    page = DocumentsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.set_year(2024)
    grid = page.grid
    col = COUNT_KEYS.index("outgoing")
    before = grid.index(0, col).data()
    assert not grid.setData(grid.index(0, col), "abc")
    assert not page.error.isHidden()
    assert page.error.text() == "Tháng 1, cột “Văn bản đi”: “abc” không phải là số; vui lòng chỉ nhập chữ số (ví dụ 1.250)."
    assert not grid.setData(grid.index(2, col), "-5")
    assert page.error.text().startswith("Tháng 3, cột “Văn bản đi”: số văn bản không được âm")
    assert grid.index(0, col).data() == before and not grid.dirty
    assert grid.setData(grid.index(0, col), "1.000")  # a thousands dot is a number
    assert page.error.isHidden()


def test_document_summary_follows_the_typing_before_saving(qtbot: Any, ctx: AppContext) -> None:
    page = DocumentsPage(ctx)
    qtbot.addWidget(page)
    page.set_year(2024)
    assert "7.169/7.169 = 100,00%" in page.summary.text()
    grid = page.grid
    assert grid.setData(grid.index(0, COUNT_KEYS.index("outgoing_electronic")), "445")  # was 545
    assert "7.069/7.169 = 98,61%" in page.summary.text()
    assert "chưa lưu" in page.summary.text()
    page.discard_changes()
    assert "7.169/7.169 = 100,00%" in page.summary.text()


def _campaign(ctx: AppContext, year: int) -> int:
    with ctx.db.session() as session:
        return session.scalar(select(m.SurveyCampaign.id).where(m.SurveyCampaign.year == year))


def test_incomplete_survey_form_is_highlighted_and_not_saved(qtbot: Any, ctx: AppContext) -> None:
    page = SurveysPage(ctx)
    qtbot.addWidget(page)
    page.select_ids([_campaign(ctx, 2024)])
    grid = page.forms_model
    row = grid.add_row()
    grid.pick(row, 2, 1)
    grid.pick(row, 3, 1)  # four of six criteria left blank
    assert not grid.is_missing(row, 3) and grid.is_missing(row, 4) and grid.is_missing(row, 7)
    assert grid.index(row, 4).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert not page.save_details()
    assert page.detail_error.text().startswith("Phiếu số 66 (dòng 66) chưa trả lời 4 tiêu chí")
    assert grid.error_cell == (row, 4)
    with ctx.db.session() as session:
        assert session.scalar(select(func.count()).where(m.SurveyForm.campaign_id == _campaign(ctx, 2024))) == 65
    for col in range(4, grid.columnCount()):
        grid.pick(row, col, 1)
    assert page.save_details()


def test_survey_grid_headers_are_not_cut(qtbot: Any, ctx: AppContext) -> None:
    page = SurveysPage(ctx)
    qtbot.addWidget(page)
    page.resize(1160, 700)
    page.show()
    page.select_ids([_campaign(ctx, 2024)])
    view, grid = page.forms_view, page.forms_model
    metrics = view.horizontalHeader().fontMetrics()
    for c in range(grid.columnCount()):
        lines = str(grid.headerData(c, Qt.Orientation.Horizontal)).splitlines()
        assert len(lines) <= 2
        assert view.columnWidth(c) >= max(metrics.horizontalAdvance(line) for line in lines) + 10, lines


def test_tab_leaves_a_record_table(qtbot: Any, ctx: AppContext) -> None:
    from cchc_desktop.ui.pages.tasks import TasksPage

    page = TasksPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.view.setFocus()
    page.view.setCurrentIndex(page.proxy.index(0, 0))
    assert not page.view.tabKeyNavigation()
    QTest.keyClick(page.view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not page.view


def test_edit_menu_shows_the_page_keys_and_acts_on_the_page(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("tasks")
    wait_jobs(QApplication.instance())
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Sửa")
    entries = {a.text().split("\t")[0]: (a.shortcut().toString() or a.text().partition("\t")[2])
               for a in menu.actions() if not a.isSeparator()}  # fmt: skip
    assert entries == {"Thêm mới…": "Ctrl+N", "Sửa dòng đang chọn…": "Enter", "Xóa các dòng đang chọn": "Delete",
                       "Tìm kiếm": "Ctrl+F", "Làm mới": "F5"}  # fmt: skip
    delete = next(a for a in menu.actions() if a.text().startswith("Xóa"))
    assert delete.shortcut().isEmpty()  # Delete stays with the table, the fields and the grids
    page.select_ids([page.table_model.id_at(0)])
    answers.expect("question", False)  # "Xóa …?" → Không xóa
    delete.trigger()
    assert answers.seen[-1].title == "Xác nhận xóa"
    window.find_action.trigger()
    assert window.focusWidget() is page.search
    wait_jobs(QApplication.instance())
    window.close()


def test_mark_tasks_done_with_today_or_another_date(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    import datetime as dt

    from cchc_desktop.core import services
    from cchc_desktop.ui.pages.tasks import TasksPage

    with ctx.db.transaction() as session:
        ids = [services.create(session, m.Task, {"document_number": f"{n}/UBND-HT", "content": "Báo cáo thử",
                                                  "assigned_on": dt.date(2024, 5, 2), "due_on": dt.date(2024, 6, 30)})
               for n in (1, 2)]  # fmt: skip
        session.flush()
        ids = [t.id for t in ids]
    page = TasksPage(ctx)
    qtbot.addWidget(page)
    page.select_ids(ids)
    assert page.done_button.isEnabled()
    seen: dict[str, Any] = {}

    def answer(prompt: Any) -> int:
        dialog = prompt.dialog
        seen["default"] = dialog.date.value()
        dialog.date.edit.setText("28/06/2024")
        dialog.confirm()
        return dialog.result()

    answers.expect("dialog", answer)
    assert page.mark_done()
    assert seen["default"] == dt.date.today()
    with ctx.db.session() as session:
        assert {session.get(m.Task, i).completed_on for i in ids} == {dt.date(2024, 6, 28)}


def test_a_record_just_saved_is_selected_and_scrolled_to(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    import datetime as dt

    from cchc_desktop.core.enums import Channel

    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    assert page.table_model.rowCount() < page.table_model.total  # a large table: only its first page is read

    def fill(prompt: Any) -> int:
        form = prompt.dialog
        form.input("code").setText("CU-2023-0001")
        combo = form.input("procedure_id")
        combo.setCurrentIndex(2)
        form.input("received_on").set_value(dt.date(2023, 12, 18))  # an old one: far down the default order
        form.input("channel").setCurrentIndex(form.input("channel").findData(Channel.DIRECT))
        assert form.save(), form.banner.text()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", fill)
    page.new_record()
    with ctx.db.session() as session:
        new_id = session.scalar(select(m.Dossier.id).where(m.Dossier.code == "CU-2023-0001"))
    assert page.selected_ids() == [new_id]
    index = page.view.currentIndex()
    assert index.data(Qt.ItemDataRole.DisplayRole) is not None
    assert page.view.viewport().rect().intersects(page.view.visualRect(index))  # on screen


def test_a_form_shows_every_refused_field_at_once(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    from cchc_desktop.ui.pages.procedures import ProceduresPage

    page = ProceduresPage(ctx)
    qtbot.addWidget(page)
    seen: dict[str, str] = {}

    def fill(prompt: Any) -> int:
        form = prompt.dialog
        form.input("resolution_days").setText("1.000")
        form.input("abolished_on").edit.setText("31/02/2024")
        assert not form.save()  # one try: every message under its field
        seen.update({k: fw.error.text() for k, fw in form.widgets.items() if not fw.error.isHidden()})
        form.discard()
        return QDialog.DialogCode.Rejected

    answers.expect("dialog", fill)
    page.new_record()
    assert set(seen) == {"code", "name", "resolution_days", "abolished_on"}
    assert seen["resolution_days"].startswith("Thời hạn giải quyết 1.000 ngày quá dài")
    assert "31/02/2024" in seen["abolished_on"]


def test_bieu06a_table_keeps_its_rows_when_the_check_has_findings(qtbot: Any, ctx: AppContext) -> None:
    from cchc_desktop.core.checks import Finding, Severity
    from cchc_desktop.core.enums import ReportType
    from cchc_desktop.ui.pages.reports import ReportsPage

    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1160, 700)  # the page area of a 1366×768 window
    page.show()
    page.choose_report("bieu06a")
    qtbot.waitUntil(lambda: page.preview is not None and page.preview.report_type == ReportType.BIEU_06A,
                    timeout=20_000)  # fmt: skip
    findings = [Finding(Severity.WARNING, f"Điểm cần xem lại số {n}: một câu khá dài để xuống dòng " * 2)
                for n in range(8)]  # fmt: skip
    page._show_findings(findings)
    QApplication.processEvents()
    rows_visible = page.table.viewport().height() // page.table.verticalHeader().defaultSectionSize()
    assert rows_visible >= 6  # not shrunk to its header row
    assert page.controls.height() <= int(page.height() * 0.4)


def test_narrative_editor_and_insert_button_are_above_the_fold(qtbot: Any, ctx: AppContext) -> None:
    from cchc_desktop.ui.pages.reports import ReportsPage

    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1160, 700)
    page.show()
    page.choose_report("cchc")
    wait_jobs(QApplication.instance())
    QApplication.processEvents()
    viewport = page.controls.viewport()
    for widget in (page.editor, page.insert_button):
        bottom = widget.mapTo(viewport, widget.rect().bottomLeft()).y()
        assert 0 < bottom <= viewport.height(), widget


def test_first_run_wizard_keeps_its_fields_full_height_after_an_error(qtbot: Any, tmp_path: Any) -> None:
    from PySide6.QtWidgets import QLineEdit

    from cchc_desktop.ui.dialogs.new_database import NewDatabaseWizard

    wizard = NewDatabaseWizard(tmp_path / "moi.db")
    qtbot.addWidget(wizard)
    wizard.resize(680, 520)
    wizard.show()
    page = wizard.currentPage()
    heights = {k: w.height() for k, w in page.edits.items() if isinstance(w, QLineEdit)}
    assert not page.validatePage()  # nothing typed: refused with a message under the field
    QApplication.processEvents()
    assert any(not e.isHidden() for e in page.errors.values())
    for key, w in page.edits.items():
        if isinstance(w, QLineEdit):
            assert w.height() >= min(heights[key], w.sizeHint().height()), key
    wizard.reject()


def test_wizard_labels_are_level_with_their_fields(qtbot: Any, tmp_path: Any) -> None:
    from cchc_desktop.ui.dialogs.new_database import NewDatabaseWizard

    wizard = NewDatabaseWizard(tmp_path / "moi.db")
    qtbot.addWidget(wizard)
    wizard.resize(680, 560)
    wizard.show()
    signer = next(wizard.page(i) for i in wizard.pageIds() if wizard.page(i).title() == "Người ký và nơi nhận")
    wizard.setStartId(wizard.pageIds()[0])
    signer.show()
    QApplication.processEvents()
    for key, widget in signer.edits.items():
        label = signer.form.labelForField(widget.parentWidget())
        top_label = label.mapTo(signer, label.rect().topLeft()).y() + label.contentsMargins().top()
        top_field = widget.mapTo(signer, widget.rect().topLeft()).y()
        assert abs(top_label - top_field) <= 8, key
    wizard.reject()


def test_the_objectives_page_writes_dates_dd_mm_yyyy(qtbot: Any, ctx: AppContext) -> None:
    import re

    from cchc_desktop.ui.pages.objectives import ObjectivesPage

    page = ObjectivesPage(ctx)
    qtbot.addWidget(page)
    text = page.year_text.text()
    dates = re.findall(r"ngày (\d{1,2}/\d{1,2}/\d{4})", text)
    assert dates and all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) for d in dates), text
