"""The "Sao lưu / Khôi phục" dialog: the backups listed with date, size and reason, "Sao lưu ngay", and a
confirmed restore that brings the data back and keeps the state before."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.core.backup import list_backups
from cchc_desktop.core.db import Database
from cchc_desktop.ui import file_actions
from cchc_desktop.ui.app import AppController
from cchc_desktop.ui.dialogs.backups import BackupsDialog
from tests.ui.conftest import Answers
from tests.ui.helpers import wait_jobs


def _tasks(controller: AppController) -> int:
    with controller.ctx.db.session() as session:
        return session.scalar(select(func.count()).select_from(m.Task)) or 0


def test_backup_now_then_restore_from_the_dialog(qtbot: Any, demo_db: Database, answers: Answers) -> None:
    from cchc_desktop.ui import app as app_module

    controller = AppController()
    app_module._controller = controller
    try:
        assert controller.open_location(str(demo_db.path))
        window = controller.window
        qtbot.addWidget(window)
        demo_tasks = _tasks(controller)
        assert demo_tasks > 0
        assert any(a.text() == "Sao lưu / Khôi phục…" for a in window.menuBar().actions()[0].menu().actions())
        seen: list[BackupsDialog] = []

        def use_dialog(prompt: Any) -> int:
            dialog = prompt.dialog
            seen.append(dialog)
            assert dialog.model.rowCount() == 0
            assert not dialog.empty.isHidden() and "Chưa có bản sao lưu nào" in dialog.empty.text()
            dialog.backup_button.click()
            assert dialog.model.rowCount() == 1 and dialog.empty.isHidden()
            row = [dialog.model.item(0, c).text() for c in range(4)]
            assert row[1].endswith(("KB", "MB")) and row[2] == "Sao lưu thủ công" and row[3].endswith("-thu-cong.db")
            with controller.ctx.db.transaction() as session:
                session.execute(m.Task.__table__.delete())
            answers.expect("question", False)  # the first time the user says no: nothing happens
            assert not dialog.restore_selected()
            assert _tasks(controller) == 0
            answers.expect("question", True)
            answers.expect("info")
            assert dialog.restore_selected()
            return dialog.result()

        answers.expect("dialog", use_dialog)
        file_actions.backups_dialog(window)
        assert seen and answers.seen[-2].details == {"yes": "Khôi phục", "no": "Không"}
        restored = controller.window
        qtbot.addWidget(restored)
        assert restored is not window
        assert _tasks(controller) == demo_tasks
        before = [b for b in list_backups() if b.reason == "truoc-khoi-phuc"]
        assert len(before) == 1 and before[0].path.name in answers.seen[-1].text
        wait_jobs(QApplication.instance())
        restored.close()
    finally:
        controller.close()
        app_module._controller = None


def test_a_refused_file_is_one_sentence_and_nothing_changes(qtbot: Any, demo_db: Database, answers: Answers, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from cchc_desktop.ui import app as app_module

    controller = AppController()
    app_module._controller = controller
    try:
        assert controller.open_location(str(demo_db.path))
        window = controller.window
        qtbot.addWidget(window)
        demo_tasks = _tasks(controller)
        bad = tmp_path / "khong-phai.db"
        bad.write_bytes(b"not a database at all" * 50)
        answers.expect("open_file", str(bad))
        answers.expect("question", True)
        answers.expect("error")
        file_actions.restore(window)
        assert "không phải là bản sao lưu" in answers.seen[-1].text
        assert controller.window is window and _tasks(controller) == demo_tasks
        assert list_backups() == []
        wait_jobs(QApplication.instance())
        window.close()
    finally:
        controller.close()
        app_module._controller = None
