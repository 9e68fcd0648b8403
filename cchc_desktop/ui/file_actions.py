"""What the Tệp, Dữ liệu and Trợ giúp menus do: databases, backups, import/export entry points, help."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from ..core.db import data_dir, demo_database_path
from ..core.errors import CchcError
from . import prompts

if TYPE_CHECKING:
    from .main_window import MainWindow

DB_FILTER = "Cơ sở dữ liệu (*.db *.sqlite *.sqlite3);;Mọi tệp (*)"

IMPORT_KINDS: tuple[tuple[str, str], ...] = (
    ("dossiers", "Hồ sơ…"),
    ("procedures", "Thủ tục hành chính…"),
    ("decisions", "Quyết định công bố…"),
    ("tasks", "Nhiệm vụ…"),
    ("survey_forms", "Phiếu khảo sát…"),
    ("survey_totals", "Tổng hợp khảo sát theo phương án…"),
    ("documents", "Số liệu văn bản theo tháng…"),
)
EXPORT_KINDS: tuple[tuple[str, str], ...] = (
    ("dossiers", "Hồ sơ…"),
    ("procedures", "Thủ tục hành chính…"),
    ("decisions", "Quyết định công bố…"),
    ("tasks", "Nhiệm vụ…"),
    ("survey_forms", "Phiếu khảo sát…"),
    ("documents", "Số liệu văn bản…"),
    ("bieu06a", "Biểu số 06a (theo kỳ đang chọn)…"),
)


def _controller():  # type: ignore[no-untyped-def]
    from .app import controller

    return controller()


def _may_leave(window: QWidget | None) -> bool:
    """Before another database replaces this one: unsaved edits are saved, dropped, or kept (Hủy)."""
    confirm = getattr(window, "confirm_close", None)
    return confirm() if confirm is not None else True


def create_database(window: QWidget) -> None:
    if not _may_leave(window):
        return
    path = prompts.save_file(window, "Tạo cơ sở dữ liệu mới", DB_FILTER, str(data_dir() / "cchc-moi.db"), "db")
    if path is None:
        return
    if path.exists():
        prompts.warning(window, "Tạo cơ sở dữ liệu", f"Tệp {path} đã có. Hãy chọn một tên khác để không ghi đè dữ liệu.")
        return
    from .dialogs.new_database import NewDatabaseWizard

    wizard = NewDatabaseWizard(path, window)
    if prompts.run_dialog(wizard) and wizard.created_path is not None:
        _controller().open_location(str(wizard.created_path))


def open_database_file(window: QWidget) -> None:
    if not _may_leave(window):
        return
    path = prompts.open_file(window, "Mở cơ sở dữ liệu", DB_FILTER, str(data_dir()))
    if path is not None:
        _controller().open_location(str(path))


def open_demo(window: QWidget | None) -> None:
    if not _may_leave(window):
        return
    _controller().open_demo(window)


def backups_dialog(window: MainWindow) -> None:
    from .dialogs.backups import BackupsDialog

    prompts.run_dialog(BackupsDialog(window))


def backup_now(window: MainWindow) -> Path | None:
    """A backup into the data folder's backups/ (rotated like the automatic ones)."""
    from ..core.backup import backup_file

    db = window.ctx.db
    if db.path is None:
        prompts.info(window, "Sao lưu", "Cơ sở dữ liệu dùng chung trên máy chủ được sao lưu tại máy chủ.")
        return None
    try:
        made = backup_file(db.path, "manual")
    except CchcError as exc:
        prompts.error(window, "Sao lưu", exc.message)
        return None
    if made is None:
        prompts.info(window, "Sao lưu", "Cơ sở dữ liệu còn trống; không có gì để sao lưu.")
        return None
    window.show_message(f"Đã sao lưu vào {made}")
    return made


def backup(window: MainWindow) -> None:
    """A backup to a file the user chooses (never overwriting one)."""
    db = window.ctx.db
    if db.path is None:
        prompts.info(window, "Sao lưu", "Cơ sở dữ liệu dùng chung trên máy chủ được sao lưu tại máy chủ.")
        return
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    folder = data_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    target = prompts.save_file(window, "Sao lưu cơ sở dữ liệu", DB_FILTER, str(folder / f"cchc-{stamp}.db"), "db")
    if target is None:
        return
    from ..core.backup import write_backup_to

    try:
        write_backup_to(db.path, target)
    except CchcError as exc:
        prompts.error(window, "Sao lưu", exc.message)
        return
    window.show_message(f"Đã sao lưu vào {target}")
    prompts.info(window, "Sao lưu", f"Đã sao lưu cơ sở dữ liệu vào tệp:\n{target}")


def confirm_restore(parent: QWidget, source: Path) -> bool:
    return prompts.question(
        parent,
        "Khôi phục",
        f"Thay toàn bộ dữ liệu hiện tại bằng bản sao lưu {source.name}?\n"
        "Dữ liệu hiện tại sẽ được sao lưu tự động trước khi thay.",
        yes="Khôi phục",
        no="Không",
        destructive=True,
    )


def restore(window: MainWindow) -> None:
    """Choose a backup file, confirm, restore."""
    db = window.ctx.db
    if db.path is None:
        prompts.info(window, "Khôi phục", "Cơ sở dữ liệu dùng chung trên máy chủ được khôi phục tại máy chủ.")
        return
    source = prompts.open_file(window, "Chọn bản sao lưu để khôi phục", DB_FILTER, str(data_dir() / "backups"))
    if source is None or not confirm_restore(window, source):
        return
    restore_from(window, source)


def restore_from(window: MainWindow, source: Path) -> bool:
    """Check ``source``, back the current state up, copy it in (one transaction), reopen the window."""
    from ..core.backup import check_backup_file, restore_backup

    target = window.ctx.db.path
    assert target is not None
    try:
        check_backup_file(source)
        window.ctx.db.close()  # no connection of ours is left while the data is replaced
        before = restore_backup(source, target)
    except CchcError as exc:
        prompts.error(window, "Khôi phục", exc.message)
        return False
    _controller().open_location(str(target))
    where = f" Bản dữ liệu trước đó được lưu tại:\n{before}" if before is not None else ""
    prompts.info(None, "Khôi phục", f"Đã khôi phục từ {source.name}.{where}")
    return True


def import_kind(window: MainWindow, kind: str) -> None:
    from .dialogs.import_wizard import open_import_wizard

    open_import_wizard(window, window.ctx, kind)


def export_kind(window: MainWindow, kind: str) -> None:
    from .exporting import export_table

    export_table(window, window.ctx, kind, None)


def check_data(window: MainWindow) -> None:
    from .dialogs.findings import FindingsDialog

    prompts.run_dialog(FindingsDialog(window.ctx, window))


def show_guide(window: QWidget) -> None:
    from .dialogs.guide import GuideDialog

    prompts.run_dialog(GuideDialog(window))


def open_data_folder(window: QWidget) -> None:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    open_path(folder)


def open_path(path: Path) -> bool:
    """Open a file or folder with the system's program (Explorer, Word …)."""
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return False  # nothing to show a folder on (tests, screenshots)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_about(window: QWidget) -> None:
    from .main_window import about_text

    prompts.info(window, "Giới thiệu", about_text())


def demo_path() -> Path:
    return demo_database_path()
