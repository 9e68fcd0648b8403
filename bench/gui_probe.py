"""The child process of the GUI benchmark: starts the app as ``cchc-desktop --db DB`` does and prints
``SHOWN`` when the main window is first shown; with ``--open-dossiers`` it then opens the dossier page
and prints ``PAGE <seconds>`` and ``RSS <MB>``. Imports nothing but the app (the parent times it)."""

from __future__ import annotations

import os
import sys
import time


def main(argv: list[str]) -> int:
    # The app's own import first, as ``cchc-desktop`` does (cli → ui.app), then Qt.
    from cchc_desktop.ui.app import AppController, create_application, install_exception_hook  # isort: skip
    from PySide6.QtCore import QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    db_path, open_dossiers = argv[0], "--open-dossiers" in argv
    app = create_application()
    install_exception_hook()
    controller = AppController()

    def after_shown() -> None:
        print("SHOWN", flush=True)
        if not open_dossiers:
            # Cold start ends here: the parent times the process, so leave at once (no shutdown counted).
            sys.stderr.flush()
            os._exit(0)
        try:
            if open_dossiers:
                started = time.perf_counter()
                controller.window.show_page("dossiers")
                QApplication.processEvents()
                print(f"PAGE {time.perf_counter() - started:.4f}", flush=True)
                QThreadPool.globalInstance().waitForDone(60_000)
                QApplication.processEvents()
                print(f"RSS {resident_mb():.1f}", flush=True)
        except BaseException as exc:  # noqa: BLE001 - never a modal error box in a child nobody sees
            print(f"ERROR {exc!r}", file=sys.stderr, flush=True)
        QTimer.singleShot(0, app.quit)

    controller.open_location(db_path)
    controller.window.first_shown.connect(after_shown)
    app.exec()
    QThreadPool.globalInstance().waitForDone(60_000)
    controller.close()
    return 0


def resident_mb() -> float:
    """The process's resident memory in MB (psutil when installed, else the kernel's own figures)."""
    try:
        import psutil
    except ImportError:
        try:
            with open("/proc/self/status", encoding="ascii") as fh:
                kb = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
            return kb / 1024
        except OSError:
            import resource  # no /proc: the peak, close enough after the page opened

            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return psutil.Process().memory_info().rss / 2**20


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
