"""The first start: no database yet — create one, open a file, or look at the demo data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ... import APP_DISPLAY_NAME, __version__
from ...core.db import default_database_path
from .. import prompts, theme
from ..file_actions import DB_FILTER

if TYPE_CHECKING:
    from ..app import AppController


class _Choice(QPushButton):
    def __init__(self, icon_name: str, title: str, text: str) -> None:
        super().__init__()
        self.setObjectName("WelcomeChoice")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(74)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(14)
        icon = QLabel()
        icon.setPixmap(theme.icon(icon_name, theme.ACCENT).pixmap(QSize(30, 30)))
        layout.addWidget(icon)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        head = QLabel(title)
        head.setFont(theme.scaled_font(1.1, bold=True))
        texts.addWidget(head)
        body = QLabel(text)
        body.setObjectName("Muted")
        body.setWordWrap(True)
        texts.addWidget(body)
        layout.addLayout(texts, 1)
        for label in (icon, head, body):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)


class WelcomeWindow(QWidget):
    first_shown = Signal()

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._shown = False
        self.setWindowTitle(f"{APP_DISPLAY_NAME} — Bắt đầu")
        self.setStyleSheet(
            f"#WelcomeChoice {{ text-align: left; background: white; border: 1px solid {theme.BORDER}; border-radius: 8px; }}"
            f"#WelcomeChoice:hover {{ border-color: {theme.ACCENT}; background: {theme.ACCENT_LIGHT}; }}"
        )
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 32, 40, 24)
        outer.addStretch(1)
        box = QFrame()
        box.setMaximumWidth(640)
        inner = QVBoxLayout(box)
        inner.setSpacing(12)
        title = QLabel("Chào mừng đến với ứng dụng báo cáo CCHC và mục tiêu chất lượng")
        title.setFont(theme.title_font(1.5))
        title.setWordWrap(True)
        inner.addWidget(title)
        intro = QLabel(
            "Ứng dụng tổng hợp hồ sơ TTHC, khảo sát sự hài lòng, nhiệm vụ và văn bản để tự tính các chỉ số "
            "cải cách hành chính, mục tiêu chất lượng ISO và lập báo cáo Word đúng thể thức. "
            "Chưa có cơ sở dữ liệu trên máy này — hãy chọn cách bắt đầu:"
        )
        intro.setObjectName("Muted")
        intro.setWordWrap(True)
        inner.addWidget(intro)
        inner.addSpacing(6)
        self.create_button = _Choice(
            "database-plus-outline",
            "Tạo cơ sở dữ liệu mới",
            "Khai báo thông tin cơ quan, người ký; danh mục lĩnh vực và mục tiêu chất lượng được tạo sẵn theo mẫu.",
        )
        self.open_button = _Choice(
            "folder-open-outline", "Mở tệp dữ liệu có sẵn…", "Tệp .db đã dùng trên máy này hoặc bản sao lưu từ máy khác."
        )
        self.demo_button = _Choice(
            "database-outline",
            "Xem dữ liệu mẫu",
            "Dữ liệu của Sở Y tế Khánh Hòa năm 2024 để làm quen với ứng dụng; không ảnh hưởng dữ liệu thật.",
        )
        for btn in (self.create_button, self.open_button, self.demo_button):
            inner.addWidget(btn)
        self.create_button.clicked.connect(self.create_database)
        self.open_button.clicked.connect(self.open_file)
        self.demo_button.clicked.connect(self.open_demo)
        version = QLabel(f"Phiên bản {__version__}")
        version.setObjectName("Muted")
        inner.addSpacing(8)
        inner.addWidget(version)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.resize(960, 640)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            QTimer.singleShot(0, self.first_shown.emit)

    def create_database(self) -> None:
        from .new_database import NewDatabaseWizard

        path = default_database_path()
        if path.exists():
            chosen = prompts.save_file(self, "Tạo cơ sở dữ liệu mới", DB_FILTER, str(path.with_name("cchc-moi.db")), "db")
            if chosen is None:
                return
            path = chosen
        wizard = NewDatabaseWizard(path, self)
        if prompts.run_dialog(wizard) and wizard.created_path is not None:
            self.controller.open_location(str(wizard.created_path))

    def open_file(self) -> None:
        path = prompts.open_file(self, "Mở cơ sở dữ liệu", DB_FILTER)
        if path is not None:
            self.controller.open_location(str(path))

    def open_demo(self) -> None:
        self.controller.open_demo(self)

    def sizeHint(self) -> Any:  # noqa: N802
        return QSize(960, 640)
