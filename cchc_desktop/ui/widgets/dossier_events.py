"""The dossier's events in the dossier form (SPEC §11): the list, a line to add one, a button to remove one.

Changes stay here until the form is saved; then ``apply`` records them through ``core.dossier_events`` in
the form's transaction, so the dossier and its events are saved together or not at all. The add button
checks the new event at once with a trial save that is rolled back (``check``), and shows the reason
under the event line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ...core import dossier_events
from ...core.enums import DossierEventKind
from ...core.errors import CchcError, ValidationError
from ...core.formatting import format_date
from ...core.labels import field_label
from ...core.models import DossierEvent
from .common import DateField

PREFIX = "event:"  # field names of the event line, apart from the dossier's own fields
COLUMNS = ("occurred_on", "kind", "document_number", "document_date", "new_due_on", "note")
HINTS = {
    DossierEventKind.SUPPLEMENT_REQUESTED: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: số và ngày phiếu.",
    DossierEventKind.SUPPLEMENT_RECEIVED: "Thời hạn tính lại từ ngày nhận đủ hồ sơ; để trống hạn mới để tự tính "
                                          "theo thủ tục.",
    DossierEventKind.EXTENDED: "Chỉ một lần, với thư xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): số, ngày thư "
                               "và hạn mới.",
    DossierEventKind.STOPPED: "Thông báo dừng giải quyết (Mẫu 05): số và ngày thông báo.",
    DossierEventKind.RETURNED: "Hồ sơ kết thúc: kết quả và ngày trả theo sự kiện này.",
    DossierEventKind.WITHDRAWN: "Hồ sơ kết thúc: kết quả và ngày trả theo sự kiện này.",
    DossierEventKind.REFUSED: "Hồ sơ kết thúc: kết quả và ngày trả theo sự kiện này.",
}


class EventFieldError(ValidationError):
    """A refusal that concerns the event line, not a field of the dossier."""


@dataclass
class Pending:
    values: dict[str, Any]
    event_id: int | None = None  # stored already


class DossierEventsEditor(QWidget):
    def __init__(self, session: Session, dossier_id: int | None, check: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = check  # a trial save of the whole form, rolled back; raises CchcError
        self.items: list[Pending] = []
        self.removed: list[int] = []
        if dossier_id is not None:
            for row in dossier_events.events_of(session, dossier_id):
                self.items.append(Pending({k: getattr(row, k) for k in COLUMNS}, row.id))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels([field_label(DossierEvent, k) for k in COLUMNS])
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setFixedHeight(120)
        layout.addWidget(self.view)

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        self.kind = QComboBox()
        for member in DossierEventKind:
            self.kind.addItem(member.label, member)
        self.occurred_on = DateField()
        self.document_number = QLineEdit()
        self.document_number.setPlaceholderText("ví dụ 12/PXL-SYT")
        self.document_date = DateField()
        self.new_due_on = DateField()
        self.note = QLineEdit()
        self.inputs: dict[str, QWidget] = {
            "kind": self.kind, "occurred_on": self.occurred_on, "document_number": self.document_number,
            "document_date": self.document_date, "new_due_on": self.new_due_on, "note": self.note,
        }
        for i, (key, widget) in enumerate(self.inputs.items()):
            label = QLabel(field_label(DossierEvent, key) + ":")
            label.setBuddy(widget.edit if isinstance(widget, DateField) else widget)
            grid.addWidget(label, i // 2, (i % 2) * 2, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(widget, i // 2, (i % 2) * 2 + 1)
        layout.addLayout(grid)
        self.hint = QLabel()
        self.hint.setObjectName("Muted")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.error = QLabel()
        self.error.setObjectName("FieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Thêm sự kiện")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_entry)
        self.remove_button = QPushButton("Xóa sự kiện đã chọn")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()
        self._refresh()

    # ----------------------------------------------------------------- entry

    def current_kind(self) -> DossierEventKind:
        return DossierEventKind(self.kind.currentData())  # Qt gives the str value back

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        self.new_due_on.setEnabled(kind in dossier_events.WITH_NEW_DUE)
        self.hint.setText(HINTS.get(kind, ""))

    def entry_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"kind": self.current_kind()}
        for key in ("occurred_on", "document_date", "new_due_on"):
            widget = self.inputs[key]
            assert isinstance(widget, DateField)
            values[key] = widget.value() if widget.isEnabled() else None
        values["document_number"] = self.document_number.text()
        values["note"] = self.note.text()
        if values["occurred_on"] is None:
            raise EventFieldError(PREFIX + "occurred_on", "Vui lòng nhập ngày của sự kiện.")
        return values

    def add_entry(self) -> bool:
        """Check the event line with the whole form, then keep it in the list (saved with the form)."""
        self.clear_error()
        try:
            pending = Pending(self.entry_values())
            self.items.append(pending)
            try:
                self.check()
            except CchcError:
                self.items.remove(pending)
                raise
        except CchcError as exc:
            self.show_error(getattr(exc, "field", None), exc.message)
            return False
        for key in ("occurred_on", "document_date", "new_due_on"):
            widget = self.inputs[key]
            assert isinstance(widget, DateField)
            widget.set_value(None)
        self.document_number.clear()
        self.note.clear()
        self._refresh()
        return True

    def remove_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            self.show_error(None, "Vui lòng chọn sự kiện cần xóa trong danh sách.")
            return
        self.clear_error()
        visible = self._visible()
        item = visible[rows[0].row()]
        self.items.remove(item)
        if item.event_id is not None:
            self.removed.append(item.event_id)
        self._refresh()

    # ----------------------------------------------------------------- saving

    def apply(self, session: Session, dossier_id: int) -> None:
        """Record the removals, then the new events, in the caller's transaction."""
        try:
            for event_id in self.removed:
                dossier_events.remove_event(session, event_id)
            for item in self.items:
                if item.event_id is None:
                    dossier_events.add_event(session, dossier_id, item.values)
        except ValidationError as exc:
            raise EventFieldError(PREFIX + (exc.field or ""), exc.message) from exc

    def show_error(self, key: str | None, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        field = (key or "").removeprefix(PREFIX)
        widget = self.inputs.get(field)
        if widget is not None:
            target = widget.edit if isinstance(widget, DateField) else widget
            target.setProperty("invalid", True)
            target.style().unpolish(target)
            target.style().polish(target)
            target.setFocus()

    def clear_error(self) -> None:
        self.error.clear()
        self.error.hide()
        for widget in self.inputs.values():
            target = widget.edit if isinstance(widget, DateField) else widget
            if target.property("invalid"):
                target.setProperty("invalid", False)
                target.style().unpolish(target)
                target.style().polish(target)

    # ----------------------------------------------------------------- list

    def _visible(self) -> list[Pending]:
        """The events in the order they happened (as ``core.dossier_events.ordered`` replays them)."""
        keyed = sorted(enumerate(self.items), key=lambda ie: (
            ie[1].values.get("occurred_on") or dt.date.min,
            dossier_events.day_order(ie[1].values.get("kind")), ie[0]))
        return [item for _, item in keyed]

    def _refresh(self) -> None:
        self.model.setRowCount(0)
        for item in self._visible():
            cells = []
            for key in COLUMNS:
                value = item.values.get(key)
                if isinstance(value, dt.date):
                    text = format_date(value)
                elif isinstance(value, DossierEventKind):
                    text = value.label
                else:
                    text = "" if value is None else str(value)
                cell = QStandardItem(text)
                if item.event_id is None:
                    cell.setToolTip("Chưa lưu: sự kiện được lưu cùng hồ sơ khi bấm Lưu.")
                cells.append(cell)
            self.model.appendRow(cells)
