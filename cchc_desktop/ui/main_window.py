"""The main window: navigation on the left, the pages on the right, menus, status bar, shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import APP_DISPLAY_NAME, __version__
from ..core import services
from ..core.formatting import format_date
from . import theme
from .context import AppContext, settings
from .pages.base import Page
from .screens import available_geometry


@dataclass(frozen=True)
class PageEntry:
    key: str
    title: str
    icon_name: str
    factory: Callable[[AppContext], Page]


def _lazy(module: str, cls: str) -> Callable[[AppContext], Page]:
    def make(ctx: AppContext) -> Page:
        import importlib

        return getattr(importlib.import_module(f"cchc_desktop.ui.pages.{module}"), cls)(ctx)

    return make


PAGES: tuple[PageEntry, ...] = (
    PageEntry("dashboard", "Tổng quan", "view-dashboard-outline", _lazy("dashboard", "DashboardPage")),
    PageEntry("procedures", "Thủ tục hành chính", "file-document-multiple-outline", _lazy("procedures", "ProceduresPage")),
    PageEntry("decisions", "Quyết định công bố", "gavel", _lazy("decisions", "DecisionsPage")),
    PageEntry("dossiers", "Hồ sơ", "folder-account-outline", _lazy("dossiers", "DossiersPage")),
    PageEntry("surveys", "Khảo sát", "emoticon-happy-outline", _lazy("surveys", "SurveysPage")),
    PageEntry("tasks", "Nhiệm vụ", "clipboard-check-outline", _lazy("tasks", "TasksPage")),
    PageEntry("documents", "Văn bản", "email-outline", _lazy("documents", "DocumentsPage")),
    PageEntry("objectives", "Mục tiêu chất lượng", "bullseye-arrow", _lazy("objectives", "ObjectivesPage")),
    PageEntry("reports", "Báo cáo", "printer-outline", _lazy("reports", "ReportsPage")),
    PageEntry("settings", "Cài đặt", "cog-outline", _lazy("settings", "SettingsPage")),
    PageEntry("audit_log", "Nhật ký thay đổi", "history", _lazy("audit_log", "AuditLogPage")),
    PageEntry("recycle_bin", "Thùng rác", "trash-can-outline", _lazy("audit_log", "RecycleBinPage")),
)


class MainWindow(QMainWindow):
    """Owns the pages; a page is built the first time it is shown (start-up stays fast)."""

    first_shown = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pages: dict[str, Page] = {}
        self._shown_once = False
        self.setMinimumSize(QSize(1024, 640))
        self._build()
        self._build_menus()
        self._build_status_bar()
        self._update_title()
        ctx.period_changed.connect(lambda _spec: self._update_status())
        ctx.database_replaced.connect(self._on_database_replaced)
        ctx.data_changed.connect(self._on_data_changed)
        self._restore_state()

    # ----------------------------------------------------------------- layout

    def _build(self) -> None:
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        sidebar = QFrame()
        sidebar.setObjectName("Sidebar")
        sidebar.setFixedWidth(204)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(0, 4, 0, 8)
        side.setSpacing(0)
        title = QLabel("CCHC · ISO")
        title.setObjectName("SidebarTitle")
        title.setFont(theme.scaled_font(1.35, bold=True))
        side.addWidget(title)
        self.org_label = QLabel()
        self.org_label.setObjectName("SidebarSubtitle")
        self.org_label.setWordWrap(True)
        side.addWidget(self.org_label)
        self.nav = QListWidget()
        self.nav.setObjectName("NavList")
        self.nav.setIconSize(theme.ICON_SIZE)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for number, entry in enumerate(PAGES, 1):
            item = QListWidgetItem(theme.icon(entry.icon_name, theme.TEXT, active="#ffffff"), entry.title)
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            item.setToolTip(f"{entry.title} (Ctrl+{number % 10})" if number <= 10 else entry.title)
            item.setSizeHint(QSize(200, 38))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._on_nav)
        side.addWidget(self.nav, 1)
        layout.addWidget(sidebar)

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._placeholders: dict[str, QWidget] = {}
        for entry in PAGES:
            holder = QLabel("Đang tải…")
            holder.setObjectName("Muted")
            holder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._placeholders[entry.key] = holder
            self.stack.addWidget(holder)

    def _on_nav(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.show_page(PAGES[row].key)

    def page(self, key: str) -> Page:
        """The page (built now if it was not yet)."""
        if key not in self.pages:
            entry = next(e for e in PAGES if e.key == key)
            page = entry.factory(self.ctx)
            page.status_message.connect(self.show_message)
            index = self.stack.indexOf(self._placeholders[key])
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(self._placeholders[key])
            self._placeholders[key].deleteLater()
            self.pages[key] = page
        return self.pages[key]

    def show_page(self, key: str) -> Page:
        """Bring page ``key`` to the front; when the page being left has unsaved edits and the user chooses
        "Hủy", it stays in front (and is returned)."""
        current = self.current_page()
        if current is not None and current is not self.pages.get(key) and not current.confirm_leave():
            key = next(k for k, p in self.pages.items() if p is current)
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        row = next(i for i, e in enumerate(PAGES) if e.key == key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        return page

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    # ----------------------------------------------------------------- menus

    def _action(self, text: str, slot: Callable[[], Any], keys: str | QKeySequence | None = None,
                icon_name: str | None = None) -> QAction:  # fmt: skip
        act = QAction(text, self)
        if icon_name:
            act.setIcon(theme.icon(icon_name))
        if keys is not None:
            act.setShortcut(QKeySequence(keys))
        act.triggered.connect(slot)
        self.addAction(act)
        return act

    def _build_menus(self) -> None:
        from . import file_actions as fa
        from . import packages

        bar = self.menuBar()
        m_file = bar.addMenu("&Tệp")
        m_file.addAction(self._action("Tạo cơ sở dữ liệu mới…", lambda: fa.create_database(self), None,
                                      "database-plus-outline"))  # fmt: skip
        m_file.addAction(self._action("Mở cơ sở dữ liệu…", lambda: fa.open_database_file(self), "Ctrl+O",
                                      "folder-open-outline"))  # fmt: skip
        m_file.addAction(self._action("Mở dữ liệu mẫu", lambda: fa.open_demo(self), None, "database-outline"))
        m_file.addSeparator()
        m_file.addAction(self._action("Sao lưu / Khôi phục…", lambda: fa.backups_dialog(self), None,
                                      "backup-restore"))  # fmt: skip
        m_file.addAction(self._action("Sao lưu ngay", lambda: fa.backup_now(self), None, "content-save-outline"))
        m_file.addSeparator()
        m_file.addAction(self._action("Thoát", self.close, "Ctrl+Q", "exit-to-app"))

        # The page in front: its keys shown where a newcomer looks for them.
        m_edit = bar.addMenu("&Sửa")
        self.new_action = self._action("Thêm mới…", self._new_record, QKeySequence.StandardKey.New, "plus")
        m_edit.addAction(self.new_action)
        m_edit.addAction(self._hint_action("Sửa dòng đang chọn…", "Enter", self._edit_current, "pencil-outline"))
        m_edit.addAction(self._hint_action("Xóa các dòng đang chọn", "Delete", self._delete_current,
                                           "delete-outline"))  # fmt: skip
        m_edit.addSeparator()
        self.find_action = self._action("Tìm kiếm", self._focus_search, QKeySequence.StandardKey.Find, "magnify")
        m_edit.addAction(self.find_action)
        m_edit.addAction(self._action("Làm mới", self._refresh, "F5", "refresh"))

        m_data = bar.addMenu("&Dữ liệu")
        m_import = m_data.addMenu(theme.icon("file-import-outline"), "Nhập từ Excel")
        m_export = m_data.addMenu(theme.icon("microsoft-excel"), "Xuất ra Excel")
        for kind, label in fa.IMPORT_KINDS:
            m_import.addAction(self._action(label, lambda _checked=False, k=kind: fa.import_kind(self, k)))
        for kind, label in fa.EXPORT_KINDS:
            m_export.addAction(self._action(label, lambda _checked=False, k=kind: fa.export_kind(self, k)))
        m_data.addSeparator()
        m_data.addAction(self._action("Gửi số liệu (gói của đơn vị)…", lambda: packages.send_package(self), None,
                                      "email-arrow-right-outline"))  # fmt: skip
        m_data.addAction(self._action("Nhận số liệu đơn vị…", lambda: packages.receive_package(self), None,
                                      "email-arrow-left-outline"))  # fmt: skip
        m_data.addSeparator()
        m_data.addAction(self._action("Kiểm tra dữ liệu", lambda: fa.check_data(self), None, "check-decagram"))

        m_report = bar.addMenu("&Báo cáo")
        m_report.addAction(self._action("Báo cáo kết quả mục tiêu chất lượng (R1)",
                                        lambda: self._open_report("quality"), None, "file-word-outline"))  # fmt: skip
        m_report.addAction(self._action("Báo cáo công tác CCHC định kỳ (R2)", lambda: self._open_report("cchc"),
                                        None, "file-word-outline"))  # fmt: skip
        m_report.addAction(self._action("Biểu số 06a/VPCP/KSTT", lambda: self._open_report("bieu06a"), None,
                                        "microsoft-excel"))  # fmt: skip

        m_help = bar.addMenu("Trợ &giúp")
        m_help.addAction(self._action("Hướng dẫn sử dụng", lambda: fa.show_guide(self), "F1", "help-circle-outline"))
        m_help.addAction(self._action("Thư mục dữ liệu và nhật ký", lambda: fa.open_data_folder(self), None,
                                      "folder-outline"))  # fmt: skip
        m_help.addSeparator()
        m_help.addAction(self._action("Giới thiệu", lambda: fa.show_about(self), None, "information-outline"))

        # Shortcuts that act on the page in front (Ctrl+N, Ctrl+F and F5 are in the Sửa menu).
        if QKeySequence(QKeySequence.StandardKey.Refresh).toString() not in ("", "F5"):
            self._action("Làm mới", self._refresh, QKeySequence.StandardKey.Refresh)
        for number, entry in enumerate(PAGES[:10], 1):  # Ctrl+1 … Ctrl+0: the first ten pages
            self._action(entry.title, lambda _checked=False, k=entry.key: self.show_page(k), f"Ctrl+{number % 10}")

    def _open_report(self, kind: str) -> None:
        page = self.show_page("reports")
        chooser = getattr(page, "choose_report", None)
        if chooser is not None:
            chooser(kind)

    def _hint_action(self, text: str, keys: str, slot: Callable[[], Any], icon_name: str) -> QAction:
        """A menu entry that shows its key without taking it: Enter and Delete stay with the table (and
        with the text fields and grids, where they edit)."""
        act = QAction(f"{text}\t{keys}", self)
        act.setIcon(theme.icon(icon_name))
        act.triggered.connect(slot)
        return act

    def _edit_current(self) -> None:
        page = self.current_page()
        editor = getattr(page, "_edit_current", None)
        if editor is not None:
            editor()

    def _delete_current(self) -> None:
        page = self.current_page()
        deleter = getattr(page, "delete_selected", None)
        if deleter is not None:
            deleter()

    def _new_record(self) -> None:
        page = self.current_page()
        if page is not None:
            page.new_record()

    def _focus_search(self) -> None:
        page = self.current_page()
        if page is not None:
            page.focus_search()

    def _refresh(self) -> None:
        page = self.current_page()
        if page is not None:
            page.refresh()
            self.show_message("Đã làm mới dữ liệu.")

    # ----------------------------------------------------------------- status bar

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(True)
        self.db_label = QLabel()
        self.period_label = QLabel()
        bar.addPermanentWidget(self.period_label)
        bar.addPermanentWidget(self.db_label)
        self._update_status()

    def _update_status(self) -> None:
        db = self.ctx.db
        self.db_label.setText(f"Cơ sở dữ liệu: {db.path.name if db.path else db.display_name}")
        self.db_label.setToolTip(db.display_name)
        spec = self.ctx.period
        periods = self.ctx.family_periods(spec)
        p = periods.dossiers
        self.period_label.setText(f"Kỳ: {spec.label} (hồ sơ {format_date(p.start)} – {format_date(p.end)})")

    def show_message(self, text: str, timeout_ms: int = 6000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def _update_title(self) -> None:
        db = self.ctx.db
        name = db.path.name if db.path is not None else db.display_name
        # Ends with the app's name, so the platform does not append it a second time.
        self.setWindowTitle(f"{name} — {APP_DISPLAY_NAME}")
        with db.session() as session:
            prof = services.profile(session)
        if prof is not None:
            self.org_label.setText(f"{prof.agency_short or prof.agency} {prof.place}".strip())
        else:
            self.org_label.setText("Chưa có thông tin cơ quan")

    def _on_database_replaced(self) -> None:
        self._update_title()
        self._update_status()

    def _on_data_changed(self, table: str) -> None:
        if table in ("", "organisation_profile"):
            self._update_title()
            self._update_status()

    # ----------------------------------------------------------------- state

    def _restore_state(self) -> None:
        store = settings()
        geometry = store.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:  # the first start: the whole screen the taskbar leaves (1366×768 laptops above all)
            self.setGeometry(available_geometry(self))
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        state = store.value("window/state")
        if state is not None:
            self.restoreState(state)
        key = store.value("window/page", "dashboard")
        self._initial_page = key if any(e.key == key for e in PAGES) else "dashboard"

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            # The window appears at once with its navigation; the first page is built right after.
            row = next(i for i, e in enumerate(PAGES) if e.key == self._initial_page)
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
            QTimer.singleShot(0, self.first_shown.emit)
            QTimer.singleShot(0, self._show_initial_page)

    def _show_initial_page(self) -> None:
        if self.current_page() is None:  # nobody asked for another page meanwhile
            self.show_page(self._initial_page)

    def confirm_close(self) -> bool:
        """Every page with unsaved edits asks "Lưu thay đổi?" (the page in front first)."""
        current = self.current_page()
        pages = sorted(self.pages.values(), key=lambda p: p is not current)
        for page in pages:
            if page.has_unsaved_changes():
                if page is not current:
                    self.show_page(next(k for k, p in self.pages.items() if p is page))
                if not page.confirm_leave():
                    return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.confirm_close():
            event.ignore()
            return
        store = settings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/state", self.saveState())
        page = self.current_page()
        key = next((k for k, p in self.pages.items() if p is page), "dashboard")
        store.setValue("window/page", key)
        for p in self.pages.values():
            saver = getattr(p, "save_state", None)
            if saver is not None:
                saver()
        store.sync()
        super().closeEvent(event)


def about_text() -> str:
    return (
        f"<b>{APP_DISPLAY_NAME}</b> – phiên bản {__version__}<br><br>"
        "Ứng dụng tổng hợp số liệu cải cách hành chính và mục tiêu chất lượng ISO 9001:2015, "
        "lập báo cáo đúng thể thức Nghị định 30/2020/NĐ-CP.<br>"
        "Mọi số liệu được tính từ dữ liệu gốc (hồ sơ, khảo sát, nhiệm vụ, văn bản), không nhập tay."
    )

