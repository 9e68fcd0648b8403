"""Starting the desktop application (Qt only from here down).

``run_app`` sets up Qt (Fusion, light palette, Vietnamese texts), installs the exception hook, opens the
database — or, on the very first start, the welcome screen — and shows the main window. With
``smoke_test`` it quits with 0 as soon as the first window has been shown (the installer checks that).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from .. import APP_DISPLAY_NAME, APP_NAME, __version__
from ..core.db import Database, default_database_path, demo_database_path, open_database
from ..core.errors import CchcError

_controller: AppController | None = None


def create_application() -> QApplication:
    """The QApplication with our look and Vietnamese texts (reused when one exists, as in tests)."""
    app = QApplication.instance()
    if app is None:
        QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    from .collector import install as install_collector

    install_collector(app)  # the garbage collector runs on the GUI thread only
    if not getattr(app, "_cchc_ready", False):
        from . import theme
        from .i18n import install_translator

        install_translator(app)
        theme.apply_theme(app)
        app.setWindowIcon(theme.icon("file-document-multiple-outline", theme.ACCENT))
        app._cchc_ready = True  # type: ignore[attr-defined]
    return app


# --------------------------------------------------------------------------- errors


def handle_exception(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Log an unexpected error and show one Vietnamese sentence with the log's path."""
    from ..core.logs import log_unexpected, unexpected_message
    from . import prompts

    if issubclass(exc_type, KeyboardInterrupt):
        QApplication.quit()
        return
    exc = exc.with_traceback(tb) if tb is not None and exc.__traceback__ is None else exc
    parent = QApplication.activeWindow()
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, OperationalError):
        from ..core.db import translate_operational_error

        exc = translate_operational_error(exc)
    if isinstance(exc, CchcError):  # the user's environment (locked, full disk …): said kindly
        prompts.error(parent, "Không thực hiện được", exc.message)
        return
    path = log_unexpected(exc)
    prompts.error(parent, "Lỗi không mong muốn", unexpected_message(path))


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    from ..core.logs import log_unexpected

    if args.exc_value is not None:
        log_unexpected(args.exc_value)


def install_exception_hook() -> None:
    sys.excepthook = handle_exception
    threading.excepthook = _thread_hook


# --------------------------------------------------------------------------- controller


class AppController(QObject):
    """Which window is up: the welcome screen or the main window on an open database."""

    def __init__(self, smoke_test: bool = False) -> None:
        super().__init__()
        self.smoke_test = smoke_test
        self.window: QWidget | None = None
        self.ctx: Any = None

    def start(self, location: str | None, demo: bool) -> bool:
        if demo:
            return self.open_demo(None)
        if location is None:
            from .context import settings

            last = settings().value("database/last")
            if last and Path(str(last)).exists():
                location = str(last)
            elif default_database_path().exists():
                location = str(default_database_path())
            else:
                self.show_welcome()
                return True
        if not self.open_location(location):
            self.show_welcome()
        return True

    def open_location(self, location: str) -> bool:
        from . import prompts

        try:
            db = open_database(location, create=False)
        except CchcError as exc:
            prompts.error(self.window, "Không mở được cơ sở dữ liệu", exc.message)
            return False
        self.show_main(db)
        return True

    def open_demo(self, parent: QWidget | None) -> bool:
        path = demo_database_path()
        if not path.exists():
            self._build_demo(path)
        return self.open_location(str(path))

    def _build_demo(self, path: Path) -> None:
        from PySide6.QtWidgets import QApplication as _App

        from ..core.demo import build_demo
        from ..core.files import commit_temp

        _App.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".dang-tao")
            tmp.unlink(missing_ok=True)
            db = open_database(tmp)
            try:
                build_demo(db)
            finally:
                db.close()
            commit_temp(tmp, path)  # synced, then renamed: never a half demo under the final name
        finally:
            _App.restoreOverrideCursor()

    def show_main(self, db: Database) -> None:
        from .context import AppContext, settings
        from .main_window import MainWindow

        old_window = self.window
        if self.ctx is not None:
            self.ctx.db.close()
        self.ctx = AppContext(db)
        window = MainWindow(self.ctx)
        self._set_window(window)
        if db.path is not None:
            settings().setValue("database/last", str(db.path))
        if old_window is not None:
            old_window.close()
            old_window.deleteLater()

    def show_welcome(self) -> None:
        from .dialogs.welcome import WelcomeWindow

        old = self.window
        window = WelcomeWindow(self)
        self._set_window(window)
        if old is not None:
            old.close()
            old.deleteLater()

    def _set_window(self, window: QWidget) -> None:
        self.window = window
        if self.smoke_test:
            first = getattr(window, "first_shown", None)
            if first is not None:
                first.connect(QApplication.quit)
            else:
                QTimer.singleShot(0, QApplication.quit)
        window.show()

    def close(self) -> None:
        if self.ctx is not None:
            self.ctx.db.close()
            self.ctx = None


def controller() -> AppController:
    global _controller
    if _controller is None:
        _controller = AppController()
    return _controller


def run_app(db_location: str | None = None, demo: bool = False, smoke_test: bool = False) -> int:
    """Open the window on ``db_location`` (or the demo, or the welcome screen); returns the exit code."""
    global _controller
    app = create_application()
    install_exception_hook()
    _controller = AppController(smoke_test=smoke_test)
    try:
        _controller.start(db_location, demo)
    except CchcError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    code = app.exec()
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)  # no worker outlives the application
    _controller.close()
    return int(code)
