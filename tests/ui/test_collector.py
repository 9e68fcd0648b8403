"""The garbage collector runs on the GUI thread only (issue 12 item 6)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QApplication

from cchc_desktop.ui import collector
from cchc_desktop.ui.app import create_application


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_the_application_switches_automatic_collection_off(qapp: QApplication) -> None:
    gc.enable()
    app = create_application()
    assert not gc.isenabled()
    assert isinstance(app._cchc_collector, collector.GarbageCollector)  # type: ignore[attr-defined]
    assert app._cchc_collector.timer.isActive()  # type: ignore[attr-defined]


def test_the_gui_thread_timer_frees_cycles(qapp: QApplication, qtbot) -> None:  # type: ignore[no-untyped-def]
    gc_obj = collector.GarbageCollector(interval_ms=10)
    gc_obj.thresholds = (0, 0, 0)  # every generation due at once
    node = _Node()
    gone = weakref.ref(node)
    del node
    assert gone() is not None  # not freed by reference counting, and no automatic collection
    qtbot.waitUntil(lambda: gone() is None)
    gc_obj.timer.stop()
    gc_obj.deleteLater()


def test_collect_due_refuses_a_worker_thread() -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            collector.collect_due((0, 0, 0))
        except AssertionError as exc:
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert len(errors) == 1


def test_a_worker_allocating_many_cycles_never_collects(qapp: QApplication) -> None:
    create_application()
    collected: list[str] = []

    def callback(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            collected.append(threading.current_thread().name)

    gc.callbacks.append(callback)
    try:
        def work() -> None:
            for _ in range(50_000):
                _Node()

        thread = threading.Thread(target=work, name="worker")
        thread.start()
        thread.join()
    finally:
        gc.callbacks.remove(callback)
    assert "worker" not in collected


def test_a_job_keeps_its_work_on_the_gui_thread(qapp: QApplication, qtbot) -> None:  # type: ignore[no-untyped-def]
    from cchc_desktop.ui.workers import start_job

    def work(_progress: object) -> int:
        return 42

    job = start_job(None, "Đang dựng báo cáo", work, show_progress=False)
    qtbot.waitUntil(lambda: job.done)
    assert job.result == 42 and job.work is work  # released with the Job, on the GUI thread
    job.deleteLater()
