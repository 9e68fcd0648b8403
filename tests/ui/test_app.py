"""The application shell: first start (welcome screen and new-database wizard), the main window, the
exception hook, Vietnamese dialogs that never block, and the --smoke-test start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton, QWizard
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.core.db import Database, default_database_path, open_database
from cchc_desktop.ui import prompts
from cchc_desktop.ui.app import AppController, handle_exception
from cchc_desktop.ui.context import AppContext, settings
from cchc_desktop.ui.dialogs.welcome import WelcomeWindow
from cchc_desktop.ui.main_window import PAGES, MainWindow
from tests.ui.conftest import Answers
from tests.ui.helpers import set_text, wait_jobs


def test_welcome_screen_creates_a_database(qtbot: Any, answers: Answers, tmp_path: Path) -> None:
    controller = AppController()
    assert not default_database_path().exists()
    controller.start(None, demo=False)
    welcome = controller.window
    assert isinstance(welcome, WelcomeWindow)
    qtbot.addWidget(welcome)

    def wizard(prompt: Any) -> int:
        wiz = prompt.dialog
        assert isinstance(wiz, QWizard)
        wiz.show()
        agency = wiz.agency
        wiz.next()
        assert wiz.currentPage() is agency  # required fields empty: stays, error beside the field
        assert agency.errors["parent_agency"].text() == "Vui lòng nhập cơ quan chủ quản."
        set_text(agency.edits["parent_agency"], "UBND TỈNH HÀ TĨNH")
        set_text(agency.edits["place"], "Hà Tĩnh")
        wiz.next()
        assert wiz.currentPage() is wiz.signer
        set_text(wiz.signer.edits["signer_name"], "Trần Văn Đức")
        wiz.next()
        assert wiz.currentPage() is wiz.finish
        wiz.button(QWizard.WizardButton.FinishButton).click()
        wiz.hide()
        return wiz.result()

    answers.expect("dialog", wizard)
    welcome.create_button.click()
    main = controller.window
    assert isinstance(main, MainWindow)
    qtbot.addWidget(main)
    db = open_database(default_database_path())
    try:
        with db.session() as session:
            prof = session.scalar(select(m.OrganisationProfile))
            assert (prof.parent_agency, prof.place, prof.signer_name) == ("UBND TỈNH HÀ TĨNH", "Hà Tĩnh", "Trần Văn Đức")
            assert session.scalar(select(func.count()).select_from(m.QualityObjective)) == 7
            assert session.scalar(select(func.count()).select_from(m.Field)) >= 9
            assert session.scalar(select(m.Unit.name)) == "Sở Y tế"
    finally:
        db.close()
    wait_jobs(QApplication.instance())
    main.close()
    controller.close()


def shortcut(window: MainWindow, keys: str) -> QAction:
    found = [a for a in window.actions() if a.shortcut().toString() == keys]
    assert found, f"no action for {keys}"
    return found[0]


def test_main_window_pages_shortcuts_and_remembered_geometry(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: "dashboard" in window.pages)
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "Tổng quan", "Thủ tục hành chính", "Quyết định công bố", "Hồ sơ", "Khảo sát", "Nhiệm vụ", "Văn bản",
        "Mục tiêu chất lượng", "Báo cáo", "Cài đặt", "Nhật ký thay đổi", "Thùng rác",
    ]  # fmt: skip
    assert len(PAGES) == 12  # + Nhật ký thay đổi, Thùng rác (no Ctrl+digit left for them)
    shortcut(window, "Ctrl+4").trigger()
    assert window.current_page() is window.pages.get("dossiers")
    answers.expect("dialog", lambda p: p.dialog.reject() or QDialog.DialogCode.Rejected)
    shortcut(window, QKeySequence(QKeySequence.StandardKey.New).toString()).trigger()  # Ctrl+N: the page's form
    assert answers.seen[-1].title == "Thêm hồ sơ"
    shortcut(window, "Ctrl+F").trigger()
    assert window.focusWidget() is window.pages["dossiers"].search
    assert "năm 2024" in window.period_label.text()
    assert window.windowTitle() == "demo.db — CCHC – Sở Y tế"  # the app's name once (the platform adds none)
    wait_jobs(QApplication.instance())
    window.resize(1200, 700)
    window.close()
    assert settings().value("window/geometry") is not None
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert again.size().height() == 700
    assert again._initial_page == "dossiers"
    wait_jobs(QApplication.instance())


def test_unexpected_error_is_logged_and_told_in_one_sentence(answers: Answers, tmp_path: Path) -> None:
    answers.expect("error")
    try:
        raise RuntimeError("lỗi thử nghiệm")
    except RuntimeError as exc:
        handle_exception(type(exc), exc, exc.__traceback__)
    prompt = answers.seen[-1]
    assert prompt.title == "Lỗi không mong muốn"
    assert prompt.text.startswith("Đã xảy ra lỗi không mong muốn. Chi tiết đã được ghi vào tệp nhật ký: ")
    log = Path(prompt.text.split(": ", 1)[1])
    assert log.exists()
    assert "lỗi thử nghiệm" in log.read_text(encoding="utf-8")
    assert "Traceback" not in prompt.text


def test_real_dialogs_speak_vietnamese_and_do_not_block(qapp: QApplication) -> None:
    """Without a responder the real message box appears (Vietnamese buttons) and is closed by a timer."""
    prompts.set_responder(None)
    seen: dict[str, Any] = {}

    def click_no() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen["buttons"] = sorted(b.text() for b in box.findChildren(QPushButton))
        next(b for b in box.findChildren(QPushButton) if b.text() == "Không").click()

    QTimer.singleShot(0, click_no)
    assert prompts.question(None, "Câu hỏi", "Tiếp tục?") is False
    assert seen["buttons"] == ["Có", "Không"]
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert sorted(b.text() for b in box.buttons()) == ["Hủy", "Đồng ý"]
    assert QApplication.activeModalWidget() is None


@pytest.mark.parametrize("with_db", [True, False])
def test_smoke_test_flag_exits_zero_after_the_first_window(demo_db_file: Path, tmp_path: Path, with_db: bool) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CCHC_DATA_DIR": str(tmp_path / "data")}
    args = [sys.executable, "-m", "cchc_desktop", "--smoke-test"]
    if with_db:
        args += ["--db", str(demo_db_file)]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_database_switch_keeps_one_context(qtbot: Any, demo_db: Database, answers: Answers) -> None:
    controller = AppController()
    assert controller.open_location(str(demo_db.path))
    first = controller.window
    qtbot.addWidget(first)
    assert controller.open_location(str(demo_db.path))
    second = controller.window
    qtbot.addWidget(second)
    assert first is not second and not first.isVisible()
    answers.expect("error")
    assert not controller.open_location(str(demo_db.path.with_name("khong-co.db")))
    assert answers.seen[-1].text.startswith("Không tìm thấy cơ sở dữ liệu")
    wait_jobs(QApplication.instance())
    second.close()
    controller.close()


def test_backup_then_restore_through_the_file_menu(qtbot: Any, demo_db: Database, answers: Answers, tmp_path: Path) -> None:
    from cchc_desktop.ui import app as app_module
    from cchc_desktop.ui import file_actions

    controller = AppController()
    app_module._controller = controller
    try:
        assert controller.open_location(str(demo_db.path))
        window = controller.window
        qtbot.addWidget(window)
        backup = tmp_path / "sao-luu.db"
        answers.expect("save_file", str(backup))
        answers.expect("info")
        file_actions.backup(window)
        assert backup.exists()
        with controller.ctx.db.transaction() as session:
            session.execute(m.Task.__table__.delete())
        answers.expect("open_file", str(backup))
        answers.expect("question", True)
        answers.expect("info")
        file_actions.restore(window)
        restored = controller.window
        qtbot.addWidget(restored)
        with controller.ctx.db.session() as session:
            assert session.scalar(select(func.count()).select_from(m.Task)) == 379
        assert "-truoc-khoi-phuc.db" in answers.seen[-1].text
        wait_jobs(QApplication.instance())
        restored.close()
    finally:
        controller.close()
        app_module._controller = None


def test_print_preview_toolbar_speaks_vietnamese(qapp: QApplication) -> None:
    """Qt draws the print preview itself and ships no Vietnamese: every toolbar entry is translated."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    dialog = QPrintPreviewDialog()
    try:
        texts = {a.text() for a in dialog.findChildren(QAction) if a.text()}
        assert dialog.windowTitle() == "Xem trước khi in"
        assert {"Trang sau", "Trang trước", "Phóng to", "Thu nhỏ", "Khổ dọc", "Khổ ngang", "In", "Thiết lập trang"} <= texts
        english = {"Next page", "Previous page", "Zoom in", "Zoom out", "Portrait", "Landscape", "Print", "Page setup",
                   "First page", "Last page", "Fit width", "Fit page", "Show single page", "Show facing pages",
                   "Show overview of all pages"}  # fmt: skip
        assert not texts & english
    finally:
        dialog.deleteLater()
