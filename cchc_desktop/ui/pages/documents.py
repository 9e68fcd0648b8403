"""Văn bản: the E-Office counts of one year as a 12-month grid, typed like a spreadsheet and saved at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QSpinBox, QTableView, QWidget
from sqlalchemy import func, select

from ...core import models as m
from ...core import services
from ...core.errors import CchcError, ValidationError
from ...core.formatting import format_count, format_percent
from ...core.indicators import DocumentSummary
from ...core.labels import field_label
from ..widgets.common import button, muted
from .base import Page

COUNT_KEYS = (
    "outgoing",
    "outgoing_secret",
    "outgoing_electronic",
    "decisions",
    "decisions_electronic",
    "incoming",
    "incoming_electronic",
)
HEADERS = {
    "outgoing": "Văn bản đi",
    "outgoing_secret": "Trong đó: mật",
    "outgoing_electronic": "Đi điện tử",
    "decisions": "Quyết định",
    "decisions_electronic": "QĐ điện tử",
    "incoming": "Văn bản đến",
    "incoming_electronic": "Đến xử lý điện tử",
}
ModelIndex = QModelIndex | QPersistentModelIndex
MAX_COUNT = 10_000_000  # documents in one month: anything larger is a typing slip


class DocumentGridModel(QAbstractTableModel):
    """Twelve months × seven counts, plus a total row; edits are kept until saved."""

    changed = Signal()
    refused = Signal(str)  # one sentence: why a typed value was not taken

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.year = dt.date.today().year
        self.values: list[dict[str, int | None]] = [dict.fromkeys(COUNT_KEYS) for _ in range(12)]
        self.ids: list[int | None] = [None] * 12
        self.versions: list[int | None] = [None] * 12
        self.dirty: set[int] = set()
        self.error_cell: tuple[int, int] | None = None
        self.sending_units = 0

    def load(self, session: Any, year: int) -> None:
        self.beginResetModel()
        self.year = year
        self.values = [dict.fromkeys(COUNT_KEYS) for _ in range(12)]
        self.ids = [None] * 12
        self.versions: list[int | None] = [None] * 12  # as read: a save over a newer one is refused
        self.dirty = set()
        self.error_cell = None
        dc = m.DocumentCount
        # the months units sent in their data packages: counted by the indicators, not edited here
        self.sending_units = session.scalar(
            select(func.count(dc.unit_id.distinct())).where(dc.year == year, dc.unit_id.is_not(None))) or 0
        for row in session.scalars(select(dc).where(dc.year == year, dc.unit_id.is_(None))):
            self.ids[row.month - 1] = row.id
            self.versions[row.month - 1] = row.version
            self.values[row.month - 1] = {k: getattr(row, k) for k in COUNT_KEYS}
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 13

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COUNT_KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COUNT_KEYS):
                return HEADERS[COUNT_KEYS[section]]
            if orientation == Qt.Orientation.Vertical and 0 <= section < 13:
                return f"Tháng {section + 1}" if section < 12 else "Cả năm"
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COUNT_KEYS):
            return field_label(m.DocumentCount, COUNT_KEYS[section])
        if role == Qt.ItemDataRole.FontRole and orientation == Qt.Orientation.Vertical and section == 12:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _total(self, key: str) -> int:
        return sum(v[key] or 0 for v in self.values)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < 13 and 0 <= index.column() < len(COUNT_KEYS)):
            return None
        key = COUNT_KEYS[index.column()]
        total_row = index.row() == 12
        value = self._total(key) if total_row else self.values[index.row()][key]
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if value is None else format_count(value)
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and total_row:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            if self.error_cell == (index.row(), index.column()):
                return QBrush(QColor("#fde2df"))
            if total_row:
                return QBrush(QColor("#eef2f7"))
            if index.row() in self.dirty:
                return QBrush(QColor("#fff8e1"))
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if index.row() == 12 else base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.row() >= 12:
            return False
        key = COUNT_KEYS[index.column()]
        text = str(value).strip().replace(".", "").replace(" ", "")
        if text == "":
            new: int | None = None
        elif text.isdigit() and int(text) <= MAX_COUNT:
            new = int(text)
        else:
            self.refused.emit(self._refusal(index.row(), key, str(value).strip()))
            return False
        if self.values[index.row()][key] == new:
            return False
        self.values[index.row()][key] = new
        self.dirty.add(index.row())
        self.error_cell = None
        self.dataChanged.emit(index, index)
        total = self.index(12, index.column())
        self.dataChanged.emit(total, total)
        self.changed.emit()
        return True

    @staticmethod
    def _refusal(row: int, key: str, text: str) -> str:
        where = f"Tháng {row + 1}, cột “{HEADERS[key]}”"
        if text.lstrip().startswith("-") and text.lstrip("- ").replace(".", "").isdigit():
            return f"{where}: số văn bản không được âm (“{text}”); vui lòng nhập 0 hoặc một số dương."
        if text.replace(".", "").replace(" ", "").isdigit():
            return f"{where}: “{text}” lớn quá mức cho phép ({format_count(MAX_COUNT)})."
        return f"{where}: “{text}” không phải là số; vui lòng chỉ nhập chữ số (ví dụ 1.250)."

    def summary(self) -> DocumentSummary:
        """The year's figures from what the grid holds now (saved or not), by the rule in core."""
        months = tuple((self.year, r + 1) for r in range(12)
                       if self.ids[r] is not None or any(v is not None for v in self.values[r].values()))  # fmt: skip
        return DocumentSummary(*(self._total(k) for k in COUNT_KEYS), months=months)

    def mark_error(self, row: int, key: str | None) -> None:
        self.error_cell = (row, COUNT_KEYS.index(key)) if key in COUNT_KEYS else None
        self.dataChanged.emit(self.index(0, 0), self.index(12, len(COUNT_KEYS) - 1))


class DocumentsPage(Page):
    title = "Văn bản"
    hint = "Số văn bản đi, đến theo tháng trên hệ thống quản lý văn bản điện tử (mục tiêu số 6). Gõ số như trong Excel rồi bấm Lưu."
    icon_name = "email-outline"
    watches = ("document_count",)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.year = QSpinBox()
        self.year.setRange(2000, dt.date.today().year + 1)
        self.year.setPrefix("Năm ")
        self.year.setGroupSeparatorShown(False)
        self.year.setValue(ctx.period.year)
        self.year.valueChanged.connect(self._on_year)
        self.header.add_right(self.year)
        self.save_button = button("Lưu", "content-save-outline", primary=True, tooltip="Lưu số liệu năm (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.discard_button = button("Hủy thay đổi", "backup-restore")
        self.discard_button.clicked.connect(self.refresh)
        self.import_button = button("Nhập Excel", "file-import-outline")
        self.import_button.clicked.connect(self._import)
        self.export_button = button("Xuất Excel", "microsoft-excel")
        self.export_button.clicked.connect(self._export)
        for w in (self.save_button, self.discard_button, self.import_button, self.export_button):
            self.header.add_right(w)
        self.grid = DocumentGridModel(self)
        self._error_is_typing = False
        self.grid.changed.connect(self._on_changed)
        self.grid.refused.connect(self._on_refused)
        self.view = QTableView()
        self.view.setModel(self.grid)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setDefaultSectionSize(28)
        self.view.verticalHeader().setMinimumWidth(80)
        self.layout_.addWidget(self.view, 1)
        self.error = QLabel()
        self.error.setObjectName("FormError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.layout_.addWidget(self.error)
        self.summary = muted()
        self.layout_.addWidget(self.summary)
        from PySide6.QtGui import QKeySequence, QShortcut

        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self.refresh()

    def _on_year(self, year: int) -> None:
        if self.grid.dirty:
            self.year.blockSignals(True)
            self.year.setValue(self.grid.year)  # the grid still shows that year
            self.year.blockSignals(False)
            if not self.confirm_leave():
                return
            self.year.blockSignals(True)
            self.year.setValue(year)
            self.year.blockSignals(False)
        self.refresh()

    # ----------------------------------------------------------------- unsaved edits

    def has_unsaved_changes(self) -> bool:
        return bool(self.grid.dirty)

    def unsaved_text(self) -> str:
        return f"Số liệu văn bản năm {self.grid.year} đã sửa nhưng chưa lưu. Lưu trước khi rời đi?"

    def save_changes(self) -> bool:
        return self.save()

    def set_year(self, year: int) -> None:
        self.year.setValue(year)

    def refresh(self) -> None:
        with self.ctx.db.session() as session:
            self.grid.load(session, self.year.value())
        self.error.hide()
        self._on_changed()

    def _on_changed(self) -> None:
        dirty = bool(self.grid.dirty)
        self.save_button.setEnabled(dirty)
        self.discard_button.setEnabled(dirty)
        if self.grid.error_cell is None and not self.error.isHidden() and self._error_is_typing:
            self.error.hide()  # a value taken after a refused one: the message has done its work
        self._show_summary()

    def _show_summary(self) -> None:
        """Updated as the user types: the figures of objective 6 for the year as the grid stands."""
        summary = self.grid.summary()
        f, fi = summary.figure, summary.incoming_figure
        year = self.grid.year
        unsaved = " (có số liệu chưa lưu)" if self.grid.dirty else ""
        if summary.months:
            self.summary.setText(
                f"Năm {year}{unsaved}: văn bản đi (kể cả quyết định, trừ văn bản mật) gửi điện tử "
                f"{format_count(f.numerator)}/{format_count(f.denominator)} = {format_percent(f.value)}; "
                f"văn bản đến xử lý điện tử {format_count(fi.numerator)}/{format_count(fi.denominator)} = "
                f"{format_percent(fi.value)}. Có số liệu {len(summary.months)}/12 tháng."
                + self._units_note()
            )
        else:
            self.summary.setText(f"Chưa có số liệu văn bản năm {year}." + self._units_note())

    def _units_note(self) -> str:
        n = self.grid.sending_units
        return (f" Chỉ số của Sở cộng thêm số liệu văn bản do {format_count(n)} đơn vị gửi về (gói số liệu), "
                "không hiện ở bảng này." if n else "")  # fmt: skip

    def _on_refused(self, message: str) -> None:
        self._error_is_typing = True
        self.error.setText(message)
        self.error.show()

    def save(self) -> bool:
        """Store the changed months in one transaction; a refused month is named and nothing is saved."""
        if not self.grid.dirty:
            return True
        self.error.hide()
        month = None
        try:
            with self.ctx.db.transaction() as session:
                for row in sorted(self.grid.dirty):
                    month = row + 1
                    values = {k: (v if v is not None else 0) for k, v in self.grid.values[row].items()}
                    record_id = self.grid.ids[row]
                    if record_id is None:
                        services.create(session, m.DocumentCount, {"year": self.grid.year, "month": month, **values})
                    else:
                        services.update(session, m.DocumentCount, record_id, values,
                                        expected_version=self.grid.versions[row])
        except CchcError as exc:
            key = exc.field if isinstance(exc, ValidationError) else None
            if month is not None:
                self.grid.mark_error(month - 1, key)
                if key in COUNT_KEYS:
                    self.view.setCurrentIndex(self.grid.index(month - 1, COUNT_KEYS.index(key)))
            self._error_is_typing = False
            self.error.setText(f"Tháng {month}: {exc.message} Chưa lưu tháng nào; hãy sửa rồi bấm Lưu lại.")
            self.error.show()
            return False
        self.ctx.notify("document_count")
        self.refresh()
        self.status_message.emit(f"Đã lưu số liệu văn bản năm {self.grid.year}.")
        return True

    def new_record(self) -> None:
        self.view.setFocus()
        self.view.setCurrentIndex(self.grid.index(0, 0))

    def _import(self) -> None:
        from ..dialogs.import_wizard import open_import_wizard

        open_import_wizard(self, self.ctx, "documents")

    def _export(self) -> None:
        from ..exporting import export_table

        export_table(self, self.ctx, "documents", None)

