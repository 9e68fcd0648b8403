"""Long work runs off the GUI thread with progress and cancel; the window keeps repainting meanwhile;
a big table's slow search arrives later instead of freezing the window."""

from __future__ import annotations

import csv
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.ui import importing
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.models.table import RecordTableModel
from cchc_desktop.ui.pages.dossiers import DossiersPage
from cchc_desktop.ui.workers import JobCancelled, Progress, start_job


def test_job_runs_in_another_thread_reports_progress_and_returns(qtbot: Any) -> None:
    seen: dict[str, Any] = {"progress": []}
    main = threading.get_ident()

    def work(progress: Progress) -> int:
        seen["thread"] = threading.get_ident()
        for i in range(1, 4):
            progress(i, 3, f"bước {i}")
        return 42

    job = start_job(None, "Thử", work, on_done=lambda r: seen.setdefault("result", r), show_progress=False)
    job.signals.progress.connect(lambda d, t, text: seen["progress"].append((d, t, text)))
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    assert seen["result"] == 42
    assert seen["thread"] != main


def test_cancel_stops_the_work(qtbot: Any) -> None:
    started = threading.Event()
    cancelled: list[bool] = []

    def work(progress: Progress) -> None:
        started.set()
        while True:
            if not progress(1, 10):
                raise JobCancelled()

    job = start_job(None, "Thử", work, on_cancel=lambda: cancelled.append(True), show_progress=False)
    assert started.wait(5)
    job.cancel()
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    assert job.was_cancelled and cancelled == [True]
    assert job.result is None


@pytest.mark.slow  # the io import of 100.000 rows takes 25–45 s on 2 cores today
def test_the_window_repaints_during_a_100000_row_import(qtbot: Any, ctx: AppContext, tmp_path: Path) -> None:
    """A 100.000-row one-stop export imported through the wizard's path (io import in a worker thread,
    its own session); the GUI thread's timer keeps ticking and a label keeps repainting meanwhile."""
    with ctx.db.session() as session:
        code = session.scalar(select(m.Procedure.code).where(m.Procedure.abolished_on.is_(None)).limit(1))
    path = tmp_path / "ho-so.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Số hồ sơ", "Mã thủ tục", "Kênh nộp", "Ngày nhận", "Hạn xử lý"])
        for n in range(100_000):
            out.writerow([f"IMPORT-{n:06d}", code, "Trực tuyến", "02/05/2024", "16/05/2024"])
    preview = importing.read_preview("dossiers", path)
    db = ctx.db
    label = QLabel("0")
    qtbot.addWidget(label)
    label.show()
    ticks: list[int] = []
    paints: list[int] = []
    original = label.paintEvent

    def paint(event: Any) -> None:
        paints.append(1)
        original(event)

    label.paintEvent = paint  # type: ignore[method-assign]
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: (ticks.append(1), label.setText(str(len(ticks)))))
    timer.start()
    job = start_job(None, "Đang nhập", lambda progress: importing.run_import(
        db, preview, all_or_nothing=False, create_missing_procedures=False, progress=progress), show_progress=False)  # fmt: skip
    qtbot.waitUntil(lambda: job.done, timeout=180_000)
    timer.stop()
    assert job.error is None, job.error
    assert job.result.created == 100_000 and not job.result.rejected
    assert len(ticks) >= 3, "the GUI thread was blocked during the import"
    assert len(paints) >= 2
    with ctx.db.session() as session:
        assert session.scalar(select(func.count()).where(m.Dossier.code.like("IMPORT-%"))) == 100_000


def test_a_slow_search_on_a_big_table_arrives_without_freezing(qtbot: Any, ctx: AppContext, monkeypatch: Any) -> None:
    monkeypatch.setattr(RecordTableModel, "ASYNC_ROWS", 1_000)  # the demo's 6.777 dossiers count as "big"
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    states: list[bool] = []
    page.table_model.busy.connect(states.append)
    page.table_model.set_search("ho kinh doanh")
    assert states == [True]
    assert page.count_label.text() == "Đang tìm trong dữ liệu lớn…"
    qtbot.waitUntil(lambda: states == [True, False], timeout=20_000)
    assert 0 < page.table_model.total < 7_170
    assert "hồ sơ" in page.count_label.text()
    # A newer request supersedes an older one that is still running.
    page.table_model.set_search("nha thuoc")
    page.table_model.set_search("")
    assert states == [True, False, True, False]  # the plain list is read at once; the search is dropped
    assert page.table_model.total == 7_170
    QThreadPool.globalInstance().waitForDone(20_000)
    QApplication.processEvents()
    assert page.table_model.total == 7_170  # the late search result did not overwrite the newer list
