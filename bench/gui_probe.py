"""The child process of the GUI benchmark: starts the app as ``cchc-desktop --db DB`` does and prints
``SHOWN`` when the main window is first shown; with ``--open-dossiers`` it then opens the dossier page
and prints ``PAGE <seconds>`` and ``RSS <MB>``. Imports nothing but the app (the parent times it)."""

from __future__ import annotations

import sys
import time


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    from cchc_desktop.ui.app import AppController, create_application, install_exception_hook

    db_path, open_dossiers = argv[0], "--open-dossiers" in argv
    app = create_application()
    install_exception_hook()
    controller = AppController()

    def after_shown() -> None:
        print("SHOWN", flush=True)
        if open_dossiers:
            started = time.perf_counter()
            controller.window.show_page("dossiers")
            QApplication.processEvents()
            print(f"PAGE {time.perf_counter() - started:.4f}", flush=True)
            QThreadPool.globalInstance().waitForDone(60_000)
            QApplication.processEvents()
            import psutil

            print(f"RSS {psutil.Process().memory_info().rss / 2**20:.1f}", flush=True)
        QTimer.singleShot(0, app.quit)

    controller.open_location(db_path)
    controller.window.first_shown.connect(after_shown)
    app.exec()
    QThreadPool.globalInstance().waitForDone(60_000)
    controller.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
