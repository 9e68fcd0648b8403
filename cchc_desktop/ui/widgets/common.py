"""Small widgets every page uses: page header, search box, date field, buttons, cards."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from ...core.formatting import format_date
from .. import theme


class PageHeader(QWidget):
    """The page title, a short hint under it, and room on the right for the page's controls."""

    def __init__(self, title: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 4)
        outer.setSpacing(12)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.title = QLabel(title)
        self.title.setObjectName("PageTitle")
        self.title.setFont(theme.title_font(1.55))
        texts.addWidget(self.title)
        self.hint = QLabel(hint)
        self.hint.setObjectName("PageHint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        texts.addWidget(self.hint)
        outer.addLayout(texts, 1)
        self.right = QHBoxLayout()
        self.right.setSpacing(8)
        outer.addLayout(self.right)

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def add_right(self, widget: QWidget) -> None:
        self.right.addWidget(widget, 0, Qt.AlignmentFlag.AlignBottom)


def button(text: str, icon_name: str | None = None, *, primary: bool = False, tooltip: str = "") -> QPushButton:
    btn = QPushButton(text)
    if icon_name:
        btn.setIcon(theme.icon(icon_name, "#ffffff" if primary else theme.TEXT))
    if primary:
        btn.setProperty("primary", True)
    if tooltip:
        btn.setToolTip(tooltip)
    btn.setAutoDefault(False)
    return btn


def tool_button(icon_name: str, tooltip: str) -> QToolButton:
    btn = QToolButton()
    btn.setIcon(theme.icon(icon_name))
    btn.setToolTip(tooltip)
    btn.setAutoRaise(True)
    return btn


def muted(text: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName("Muted")
    label.setWordWrap(wrap)
    return label


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("SectionTitle")
    label.setFont(theme.scaled_font(1.12, bold=True))
    return label


def card(object_name: str = "CardPlain") -> QFrame:
    frame = QFrame()
    frame.setObjectName(object_name)
    frame.setFrameShape(QFrame.Shape.NoFrame)
    return frame


def hline() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setStyleSheet(f"color: {theme.BORDER};")
    return line


class SearchBox(QLineEdit):
    """A search field that waits until typing pauses, then emits ``search``; Esc clears it."""

    search = Signal(str)

    def __init__(self, placeholder: str = "Tìm kiếm (không cần gõ dấu)…", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.addAction(theme.icon("magnify", theme.MUTED), QLineEdit.ActionPosition.LeadingPosition)
        self.setMinimumWidth(260)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(lambda: self.search.emit(self.text()))
        self.textChanged.connect(lambda _t: self._timer.start())
        self.returnPressed.connect(self.flush)

    def flush(self) -> None:
        """Search now (Enter, or tests that do not want to wait)."""
        self._timer.stop()
        self.search.emit(self.text())

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.flush()
            return
        super().keyPressEvent(event)


class DateField(QWidget):
    """A date typed as dd/mm/yyyy or picked from a calendar; may be empty.

    ``value()`` is a ``date``, ``None`` (empty) or the text as typed when it is not a date — the services
    then refuse it with a message that names the field.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, allow_empty: bool = True) -> None:
        super().__init__(parent)
        self.allow_empty = allow_empty
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("dd/mm/yyyy")
        self.edit.setMaximumWidth(130)
        self.edit.setMinimumWidth(110)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        layout.addWidget(self.edit)
        self.pick = QToolButton()
        self.pick.setIcon(theme.icon("calendar-month-outline"))
        self.pick.setToolTip("Chọn ngày trên lịch")
        self.pick.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pick.clicked.connect(self._show_calendar)
        layout.addWidget(self.pick)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)
        self.edit.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_F4,) or (
                key == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier  # type: ignore[attr-defined]
            ):
                self._show_calendar()
                return True
        return super().eventFilter(obj, event)

    def value(self) -> dt.date | str | None:
        text = self.edit.text().strip()
        if not text:
            return None
        for fmt in ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        return text

    def date(self) -> dt.date | None:
        value = self.value()
        return value if isinstance(value, dt.date) else None

    def set_value(self, value: dt.date | None) -> None:
        self.edit.setText(format_date(value) if value else "")

    def _show_calendar(self) -> None:
        menu = QMenu(self)
        cal = QCalendarWidget()
        cal.setGridVisible(True)
        cal.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        current = self.date() or dt.date.today()
        cal.setSelectedDate(QDate(current.year, current.month, current.day))
        action = QWidgetAction(menu)
        action.setDefaultWidget(cal)
        menu.addAction(action)

        def chosen(qdate: QDate) -> None:
            self.set_value(dt.date(qdate.year(), qdate.month(), qdate.day()))
            menu.close()

        cal.clicked.connect(chosen)
        cal.activated.connect(chosen)
        menu.popup(self.pick.mapToGlobal(QPoint(0, self.pick.height())))


def shortcut_action(parent: QWidget, text: str, keys: QKeySequence | str, slot: Any) -> QAction:
    action = QAction(text, parent)
    action.setShortcut(QKeySequence(keys))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    parent.addAction(action)
    return action


def expanding() -> QSizePolicy:
    return QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
