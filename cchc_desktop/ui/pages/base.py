"""The shape every data page shares: title and hint, a toolbar (add, edit, delete, import, export,
refresh), filters and a search box, the table, and a count of the rows shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core import services
from ...core.errors import CchcError
from ...core.formatting import format_count
from ...core.labels import entity_label
from .. import prompts, theme
from ..context import AppContext, settings
from ..models.sort_proxy import TypedSortProxy
from ..models.table import ID_ROLE, VERSION_ROLE, RecordTableModel, TableSource
from ..widgets.common import PageHeader, SearchBox, button
from ..widgets.picker import searchable_if_long


class Page(QWidget):
    """A page of the main window: a title, a hint and its content; ``refresh`` re-reads its data."""

    title = ""
    hint = ""
    icon_name = "circle-outline"
    # Tables whose changes make this page re-read (empty: every change).
    watches: tuple[str, ...] = ()
    status_message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = False
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(24, 18, 24, 14)
        self.layout_.setSpacing(10)
        self.header = PageHeader(self.title, self.hint)
        self.layout_.addWidget(self.header)
        ctx.data_changed.connect(self._on_data_changed)
        ctx.database_replaced.connect(self.on_database_replaced)

    def _on_data_changed(self, table: str) -> None:
        if not self.watches or not table or table in self.watches:
            if self.isVisible() and not self.has_unsaved_changes():  # never re-read over typed edits
                self.refresh()
            else:
                self._stale = True

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    def refresh(self) -> None:
        """Re-read the page's data."""

    def on_database_replaced(self) -> None:
        self.refresh()

    def new_record(self) -> None:
        """Ctrl+N on this page."""

    def focus_search(self) -> None:
        """Ctrl+F on this page."""

    # ----------------------------------------------------------------- unsaved edits

    def has_unsaved_changes(self) -> bool:
        """Pages that keep edits until "Lưu" (grids, settings, report texts) say so here."""
        return False

    def unsaved_text(self) -> str:
        return f"Trang “{self.title}” có thay đổi chưa lưu. Lưu trước khi rời trang?"

    def save_changes(self) -> bool:
        """Store the pending edits; ``False`` (with the message shown) when they are refused."""
        return True

    def discard_changes(self) -> None:
        """Drop the pending edits (re-read what is stored)."""
        self.refresh()

    def confirm_leave(self) -> bool:
        """Before the page is left or the window closed: ``True`` when nothing typed would be lost."""
        if not self.has_unsaved_changes():
            return True
        from ..unsaved import confirm_leave

        return confirm_leave(self, self.unsaved_text(), self.save_changes, self.discard_changes)


class RecordTableView(QTableView):
    """The table of a data page: rows selected whole, alternating colours, Enter opens, Delete deletes."""

    activated_record = Signal(int)
    delete_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the table for the next control (arrows move inside)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(30)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.stretch_column: int | None = None
        self.min_stretch = 160
        self.empty_text: Any = None  # a function giving the sentence shown in an empty table (why it is empty)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sectionResized.connect(self._on_section_resized)
        self._fitting = False
        header.setSectionsMovable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.doubleClicked.connect(self._activate)

    def setup_columns(self, columns: Sequence[Any]) -> None:
        """Widths from the column descriptions (never narrower than the header text); one column stretches."""
        metrics = self.horizontalHeader().fontMetrics()
        for i, col in enumerate(columns):
            needed = metrics.horizontalAdvance(col.header) + 24
            self.setColumnWidth(i, max(col.width, needed))
            self.setColumnHidden(i, col.hidden)
            if col.stretch:
                self.stretch_column = i
                self.min_stretch = col.width

    def fit_columns(self) -> None:
        """Give the stretching column whatever width the viewport has left."""
        col = self.stretch_column
        if col is None or self._fitting or self.isColumnHidden(col):
            return
        header = self.horizontalHeader()
        others = sum(header.sectionSize(i) for i in range(header.count()) if i != col and not header.isSectionHidden(i))
        width = max(self.min_stretch, self.viewport().width() - others)
        self._fitting = True
        try:
            header.resizeSection(col, width)
        finally:
            self._fitting = False

    def _on_section_resized(self, index: int, _old: int, _new: int) -> None:
        if index != self.stretch_column:
            self.fit_columns()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_columns()

    def paintEvent(self, event: Any) -> None:  # noqa: N802
        super().paintEvent(event)
        model = self.model()
        if self.empty_text is None or model is None or model.rowCount() > 0:
            return
        from PySide6.QtGui import QPainter

        painter = QPainter(self.viewport())
        painter.setPen(self.palette().placeholderText().color())
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(area, int(flags), self.empty_text())
        painter.end()

    def _header_menu(self, pos: QPoint) -> None:
        model = self.model()
        if model is None:
            return
        menu = QMenu(self)
        menu.addSection("Hiện cột")
        for i in range(model.columnCount()):
            act = menu.addAction(str(model.headerData(i, Qt.Orientation.Horizontal)))
            act.setCheckable(True)
            act.setChecked(not self.isColumnHidden(i))
            act.toggled.connect(lambda on, c=i: (self.setColumnHidden(c, not on), self.fit_columns()))
        menu.popup(self.horizontalHeader().mapToGlobal(pos))

    def _activate(self, index: QModelIndex) -> None:
        record_id = index.data(ID_ROLE)
        if record_id is not None:
            self.activated_record.emit(int(record_id))

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activate(self.currentIndex())
            return
        if event.key() == Qt.Key.Key_Delete:
            self.delete_requested.emit()
            return
        super().keyPressEvent(event)


class DataPage(Page):
    """A page of one entity: table, filters, search, add / edit / delete, import / export."""

    model_class: Any = None
    import_kind: str | None = None  # kind name for the Excel import wizard
    export_kind: str | None = None
    count_noun = "bản ghi"
    can_add = True
    empty_hint = ""  # what an empty table means and how it fills (shown in the table when it has no row)
    wrap_rows = False  # small tables of long texts: rows grow to show the whole text

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.source = self.make_source()
        self._build_toolbar()
        self.filter_bar = QHBoxLayout()
        self.filter_bar.setSpacing(8)
        self.search = SearchBox()
        self.filter_bar.addWidget(self.search)
        self.layout_.addLayout(self.filter_bar)
        self.filter_bar2: QHBoxLayout | None = None
        self.add_filters(self.filter_bar)
        self.filter_bar.addStretch(1)
        if self.filter_bar2 is not None:
            self.filter_bar2.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("Muted")
        (self.filter_bar2 or self.filter_bar).addWidget(self.count_label)
        self.table_model = RecordTableModel(lambda: self.ctx.db, self.source, self, filters=self.conditions())
        self.search.search.connect(self.table_model.set_search)
        self.proxy = TypedSortProxy(self)
        self.proxy.setSourceModel(self.table_model)
        self.view = RecordTableView()
        self.view.setModel(self.proxy)
        self.view.activated_record.connect(self.edit_record)
        self.view.delete_requested.connect(self.delete_selected)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.view.setup_columns(self.source.columns)
        self.view.empty_text = self.empty_message
        if self.wrap_rows:
            self.view.setWordWrap(True)
            self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.layout_.addWidget(self.view, 1)
        self.below_table()
        self.table_model.busy.connect(self._on_busy)
        self.table_model.modelReset.connect(self._update_count)
        self.table_model.rowsInserted.connect(self._update_count)
        self._update_count()
        self._update_buttons()
        self._restore_header()

    def empty_message(self) -> str:
        """Why the table shows no row: nothing matches the search or the filters, or nothing is there yet."""
        if self.search.text().strip() or self.conditions():
            return f"Không có {self.count_noun} nào khớp từ khóa tìm kiếm hoặc bộ lọc đang chọn."
        return self.empty_hint or f"Chưa có {self.count_noun} nào."

    # ----------------------------------------------------------------- for subclasses

    def make_source(self) -> TableSource:
        raise NotImplementedError

    def add_filters(self, bar: QHBoxLayout) -> None:
        """Put filter widgets in the bar; call ``self.apply_filters()`` when they change."""

    def second_filter_row(self) -> QHBoxLayout:
        """A second row of filters under the search box (pages with many filters)."""
        if self.filter_bar2 is None:
            self.filter_bar2 = QHBoxLayout()
            self.filter_bar2.setSpacing(8)
            self.layout_.addLayout(self.filter_bar2)
        return self.filter_bar2

    def conditions(self) -> list[Any]:
        """SQL conditions for the current filters."""
        return []

    def open_form(self, record_id: int | None) -> Any:
        """The form dialog to add (``None``) or edit a record."""
        raise NotImplementedError

    def below_table(self) -> None:
        """Widgets under the table (detail panels)."""

    # ----------------------------------------------------------------- toolbar

    def _build_toolbar(self) -> None:
        noun = entity_label(self.model_class) if self.model_class is not None else ""
        self.add_button = button("Thêm", "plus", primary=True, tooltip=f"Thêm {noun} (Ctrl+N)")
        self.add_button.clicked.connect(self.new_record)
        self.add_button.setVisible(self.can_add)
        self.edit_button = button("Sửa", "pencil-outline", tooltip=f"Sửa {noun} đang chọn (Enter)")
        self.edit_button.clicked.connect(self._edit_current)
        self.delete_button = button("Xóa", "delete-outline", tooltip="Xóa các dòng đang chọn (Delete)")
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button = button("Nhập Excel", "file-import-outline", tooltip="Nhập dữ liệu từ tệp Excel/CSV")
        self.import_button.clicked.connect(self.import_excel)
        self.import_button.setVisible(self.import_kind is not None)
        self.export_button = button("Xuất Excel", "microsoft-excel", tooltip="Xuất bảng đang xem ra tệp Excel")
        self.export_button.clicked.connect(self.export_excel)
        self.export_button.setVisible(self.export_kind is not None)
        self.refresh_button = button("", "refresh", tooltip="Làm mới (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        for w in (self.add_button, self.edit_button, self.delete_button, self.import_button, self.export_button,
                  self.refresh_button):  # fmt: skip
            self.header.add_right(w)

    def _update_buttons(self, *_: Any) -> None:
        selected = len(self.selected_ids())
        self.edit_button.setEnabled(selected == 1)
        self.delete_button.setEnabled(selected > 0)

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.count_label.setText("Đang tìm trong dữ liệu lớn…")
            self.view.viewport().setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.view.viewport().unsetCursor()
            self._update_count()

    def _update_count(self, *_: Any) -> None:
        total = self.table_model.total
        shown = self.table_model.rowCount()
        text = f"{format_count(total)} {self.count_noun}"
        if shown < total:
            text = f"Đang hiển thị {format_count(shown)} / {text}"
        self.count_label.setText(text)

    # ----------------------------------------------------------------- actions

    def apply_filters(self) -> None:
        if hasattr(self, "table_model"):
            self.table_model.set_filters(self.conditions())

    def refresh(self) -> None:
        keep = self.selected_ids()
        self.table_model.reload()
        self.select_ids(keep)

    def new_record(self) -> None:
        if not self.can_add:
            return
        form = self.open_form(None)
        if form is not None and prompts.run_dialog(form) and getattr(form, "saved_id", None):
            self.after_save(form.saved_id)

    def edit_record(self, record_id: int) -> None:
        form = self.open_form(record_id)
        if form is not None and prompts.run_dialog(form):
            self.after_save(record_id)

    def after_save(self, record_id: int) -> None:
        """The record just saved is selected and scrolled to, wherever the current order puts it."""
        self.table_model.reload()
        if self.table_model.locate(record_id) is None and self.table_model.matches(record_id) is False:
            self.status_message.emit("Đã lưu. Bản ghi không thuộc bộ lọc hoặc từ khóa tìm kiếm đang dùng.")
            return
        self.select_ids([record_id])
        self.status_message.emit("Đã lưu.")

    def _edit_current(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.edit_record(ids[0])

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def selected_ids(self) -> list[int]:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        ids = [index.data(ID_ROLE) for index in rows]
        return [int(i) for i in ids if i is not None]

    def selected_versions(self) -> dict[int, int]:
        """The selected records' versions as the table read them (id → version)."""
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        pairs = ((index.data(ID_ROLE), index.data(VERSION_ROLE)) for index in rows)
        return {int(i): int(v) for i, v in pairs if i is not None and v is not None}

    def select_ids(self, ids: Sequence[int]) -> None:
        selection = self.view.selectionModel()
        selection.clearSelection()
        first = None
        for record_id in ids:
            row = self.table_model.row_of(record_id)
            if row is None:
                continue
            index = self.proxy.mapFromSource(self.table_model.index(row, 0))
            selection.select(
                index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            )
            first = first or index
        if first is not None:
            selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.view.scrollTo(first)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        noun = entity_label(self.model_class)
        what = f"{format_count(len(ids))} {noun} đã chọn" if len(ids) > 1 else f"{noun} đã chọn"
        if not prompts.question(
            self, "Xác nhận xóa", f"Xóa {what}? Bản ghi được chuyển vào Thùng rác, có thể khôi phục lại.", yes="Xóa", no="Không xóa",
            destructive=True,
        ):
            return
        try:
            with self.ctx.db.transaction() as session:
                self.delete_records(session, ids, self.selected_versions())
        except CchcError as exc:
            prompts.warning(self, "Không xóa được", exc.message)
            return
        self.ctx.notify(self.model_class.__tablename__)
        self.table_model.reload()
        self.status_message.emit(f"Đã xóa {what}.")

    def delete_records(self, session: Any, ids: list[int], versions: dict[int, int] | None = None) -> None:
        """Delete through the services; ``versions``: as the table showed them (a record changed or deleted
        by someone else since is not deleted: the whole deletion is refused, saying what changed)."""
        services.delete(session, self.model_class, ids, expected_versions=versions)

    def import_excel(self) -> None:
        from ..dialogs.import_wizard import open_import_wizard

        if self.import_kind:
            open_import_wizard(self, self.ctx, self.import_kind)

    def export_excel(self) -> None:
        from ..exporting import export_table

        if self.export_kind:
            export_table(self, self.ctx, self.export_kind, self.export_rows)

    def export_rows(self) -> list[int] | None:
        """The ids to export (None: the whole table as filtered by the io module)."""
        return None

    # ----------------------------------------------------------------- context menu & state

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        ids = self.selected_ids()
        if self.can_add:
            menu.addAction(theme.icon("plus"), "Thêm mới…", self.new_record)
        edit = menu.addAction(theme.icon("pencil-outline"), "Sửa…", self._edit_current)
        edit.setEnabled(len(ids) == 1)
        delete = menu.addAction(theme.icon("delete-outline"), "Xóa", self.delete_selected)
        delete.setEnabled(bool(ids))
        menu.addSeparator()
        copy = menu.addAction(theme.icon("content-copy"), "Sao chép dòng", self.copy_selection)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setEnabled(bool(ids))
        self.extend_context_menu(menu, ids)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def extend_context_menu(self, menu: QMenu, ids: list[int]) -> None:
        """Subclasses add their own entries."""

    def copy_selection(self) -> None:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        lines = []
        for r in rows:
            cells = [str(self.proxy.index(r, c).data() or "") for c in range(self.proxy.columnCount())]
            lines.append("\t".join(cells))
        QGuiApplication.clipboard().setText("\n".join(lines))

    def _settings_key(self) -> str:
        return f"tables/{type(self).__name__}"

    def _restore_header(self) -> None:
        state = settings().value(self._settings_key())
        if state is not None:
            self.view.horizontalHeader().restoreState(state)
        self.view.fit_columns()

    def save_state(self) -> None:
        settings().setValue(self._settings_key(), self.view.horizontalHeader().saveState())


def combo(items: Sequence[tuple[str, Any]], *, first: str | None = "Tất cả", min_chars: int = 12) -> QComboBox:
    """A filter drop-down with "Tất cả" first."""
    box = QComboBox()
    if first is not None:
        box.addItem(first, None)
    for text, value in items:
        box.addItem(text, value)
    box.setMinimumContentsLength(min_chars)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    searchable_if_long(box)  # a long catalogue (units, fields): type part of a name; the list as wide as the names
    return box


def labelled(text: str, widget: QWidget) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    layout.addWidget(QLabel(text))
    layout.addWidget(widget)
    return holder


def action(parent: QWidget, text: str, slot: Any, icon_name: str | None = None) -> QAction:
    act = QAction(text, parent)
    if icon_name:
        act.setIcon(theme.icon(icon_name))
    act.triggered.connect(slot)
    return act
