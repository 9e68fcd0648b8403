"""Sao lưu / Khôi phục: the backups of the open database (date, size, reason), "Sao lưu ngay", "Khôi phục…".

Every question goes through ``prompts`` (tests answer them); the copying itself is ``core.backup``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from ...core.backup import BackupInfo, backups_dir, list_backups
from ...core.formatting import format_decimal_vi
from .. import theme

if TYPE_CHECKING:
    from ..main_window import MainWindow

HEADERS = ("Thời điểm", "Dung lượng", "Lý do", "Tệp")


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{format_decimal_vi(size / (1024 * 1024), 1)} MB"
    return f"{format_decimal_vi(max(size, 1) / 1024, 0)} KB"


class BackupsDialog(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Sao lưu / Khôi phục")
        self.setMinimumSize(760, 420)
        db = window.ctx.db
        self.database = db.path.stem if db.path is not None else None
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Ứng dụng tự sao lưu vào thư mục dữ liệu lần đầu mở trong ngày và trước mỗi lần nâng cấp, nhập dữ "
            "liệu, khôi phục, hoàn tác và tạo lại dữ liệu mẫu; giữ 10 bản mới nhất và một bản mỗi ngày (7 ngày), "
            f"mỗi tuần (4 tuần), mỗi tháng (12 tháng). Thư mục: {backups_dir()}"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels(list(HEADERS))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.empty = QLabel("Chưa có bản sao lưu nào của cơ sở dữ liệu này. Bấm “Sao lưu ngay” để tạo bản đầu tiên; "
                            "từ nay ứng dụng cũng tự sao lưu như trên.")
        self.empty.setObjectName("Muted")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        self.backup_button = QPushButton(theme.icon("content-save-outline"), "Sao lưu ngay")
        self.backup_button.clicked.connect(self.backup_now)
        self.save_as_button = QPushButton("Sao lưu ra tệp khác…")
        self.save_as_button.clicked.connect(self.backup_to_file)
        self.restore_button = QPushButton(theme.icon("backup-restore"), "Khôi phục…")
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton("Khôi phục từ tệp khác…")
        self.restore_file_button.clicked.connect(self.restore_from_file)
        for button in (self.backup_button, self.save_as_button, self.restore_button, self.restore_file_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox()
        close = buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        server = db.path is None
        for button in (self.backup_button, self.save_as_button, self.restore_button, self.restore_file_button):
            button.setEnabled(not server)
        if server:
            intro.setText("Cơ sở dữ liệu dùng chung trên máy chủ PostgreSQL được sao lưu và khôi phục tại máy chủ.")
        self.refresh()

    def refresh(self) -> None:
        self.backups: list[BackupInfo] = list_backups(database=self.database) if self.database else []
        self.model.removeRows(0, self.model.rowCount())
        for b in self.backups:
            cells = [
                QStandardItem(f"{b.created:%d/%m/%Y %H:%M:%S}"),
                QStandardItem(format_size(b.size)),
                QStandardItem(b.reason_label),
                QStandardItem(b.path.name),
            ]
            cells[1].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells[3].setToolTip(str(b.path))
            self.model.appendRow(cells)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.empty.setVisible(not self.backups and self.database is not None)
        if self.backups:
            self.table.selectRow(0)
        self.restore_button.setEnabled(bool(self.backups) and self.database is not None)

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def backup_now(self) -> Path | None:
        from .. import file_actions

        made = file_actions.backup_now(self.window_)
        self.refresh()
        return made

    def backup_to_file(self) -> None:
        from .. import file_actions

        file_actions.backup(self.window_)
        self.refresh()

    def restore_selected(self) -> bool:
        chosen = self.selected()
        if chosen is None:
            return False
        return self._restore(chosen.path)

    def restore_from_file(self) -> bool:
        from .. import file_actions, prompts

        source = prompts.open_file(self, "Chọn bản sao lưu để khôi phục", file_actions.DB_FILTER, str(backups_dir()))
        return source is not None and self._restore(source)

    def _restore(self, source: Path) -> bool:
        from .. import file_actions

        if not file_actions.confirm_restore(self, source):
            return False
        self.accept()  # the window (our parent) is replaced once the data is restored
        return file_actions.restore_from(self.window_, source)
