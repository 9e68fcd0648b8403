"""Starting the desktop application (Qt only from here down)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from .. import APP_DISPLAY_NAME, __version__
from ..core.db import demo_database_path, open_database
from ..core.errors import CchcError


def run_app(db_location: str | None = None, demo: bool = False, smoke_test: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_DISPLAY_NAME)
    app.setStyle("Fusion")
    if demo:
        path = demo_database_path()
        if not path.exists():
            from ..core.demo import build_demo

            path.parent.mkdir(parents=True, exist_ok=True)
            db = open_database(path)
            build_demo(db)
            db.close()
        db_location = str(path)
    try:
        db = open_database(db_location)
    except CchcError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    window = QMainWindow()
    window.setWindowTitle(f"{APP_DISPLAY_NAME} {__version__} — {db.display_name}")
    window.setCentralWidget(QLabel(f"Cơ sở dữ liệu: {db.display_name}"))
    window.resize(1280, 800)
    window.show()
    if smoke_test:
        QTimer.singleShot(0, app.quit)
    code = app.exec()
    db.close()
    return code
