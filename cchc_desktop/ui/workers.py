"""Long work off the GUI thread: imports, exports, report building.

``start_job(parent, title, work)`` runs ``work(progress)`` in the thread pool and shows a progress dialog
with a cancel button. The work never touches widgets and opens its own database session; it reports with
``progress(done, total, text)``, which returns ``False`` (and ``progress.cancelled`` becomes true) once the
user cancelled — the work then stops and raises ``JobCancelled`` or returns. Results and errors come back
to the GUI thread through queued signals.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..core.errors import CchcError


class JobCancelled(Exception):
    """Raised by work that stops because the user cancelled."""


class Progress:
    """Handed to the work: report progress, ask whether the user cancelled (thread-safe)."""

    def __init__(self, emit: Callable[[int, int, str], None]) -> None:
        self._emit = emit
        self._cancel = threading.Event()
        self._last = 0.0

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def __call__(self, done: int, total: int = 0, text: str = "") -> bool:
        now = time.monotonic()
        if now - self._last >= 0.05 or (total and done >= total):  # at most ~20 updates a second
            self._last = now
            self._emit(int(done), int(total or 0), text)
        return not self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise JobCancelled()


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: _Signals, progress: Progress) -> None:
        super().__init__()
        self.work = work
        self.signals = signals
        self.progress = progress
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work(self.progress)
        except JobCancelled:
            self._emit(self.signals.cancelled)
            return
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, which decides
            self._emit(self.signals.failed, exc)
            return
        if self.progress.cancelled:
            self._emit(self.signals.cancelled)
        else:
            self._emit(self.signals.finished, result)

    @staticmethod
    def _emit(signal: Any, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the page that asked was closed meanwhile: nobody to tell
            pass


class Job(QObject):
    """A running piece of work; ``done`` becomes true when it finished, failed or was cancelled."""

    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.was_cancelled = False
        self.work: Callable[[Progress], Any] | None = None
        self.signals = _Signals(self)
        self.progress = Progress(self.signals.progress.emit)
        self.signals.finished.connect(self._on_finished)
        self.signals.failed.connect(self._on_failed)
        self.signals.cancelled.connect(self._on_cancelled)

    def cancel(self) -> None:
        self.progress.cancel()

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        self.done, self.result = True, result
        self.finished.emit(result)

    @Slot(object)
    def _on_failed(self, exc: object) -> None:
        self.done = True
        self.error = exc if isinstance(exc, BaseException) else RuntimeError(str(exc))
        self.failed.emit(exc)

    @Slot()
    def _on_cancelled(self) -> None:
        self.done, self.was_cancelled = True, True
        self.cancelled.emit()


class ProgressDialog(QProgressDialog):
    """A Vietnamese progress dialog bound to a job: it follows the progress and cancels the job."""

    def __init__(self, parent: QWidget | None, title: str, job: Job) -> None:
        super().__init__(title, "Hủy", 0, 0, parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(400)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(420)
        self.job = job
        job.signals.progress.connect(self._on_progress)
        self.canceled.connect(self._on_cancel)
        for signal in (job.finished, job.failed, job.cancelled):
            signal.connect(self._close)
        self._title = title

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.setMaximum(total)
            self.setValue(min(done, total))
        self.setLabelText(text or self._title)

    @Slot()
    def _on_cancel(self) -> None:
        self.setLabelText("Đang dừng…")
        self.job.cancel()

    @Slot()
    def _close(self, *_: object) -> None:
        self.reset()
        self.hide()
        self.deleteLater()


def start_job(
    parent: QWidget | None,
    title: str,
    work: Callable[[Progress], Any],
    *,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
    show_progress: bool = True,
) -> Job:
    """Run ``work(progress)`` in the thread pool; callbacks run in the GUI thread."""
    job = Job(parent)
    # The Job (GUI thread) keeps the work alive too, so the last reference to anything the work holds —
    # Qt objects included — is never dropped in the worker when the runnable is deleted there.
    job.work = work
    if on_done is not None:
        job.finished.connect(on_done)
    if on_error is not None:
        job.failed.connect(on_error)
    else:
        job.failed.connect(lambda exc: report_error(parent, exc))
    if on_cancel is not None:
        job.cancelled.connect(on_cancel)
    if show_progress:
        ProgressDialog(parent, title, job)
    QThreadPool.globalInstance().start(_Runnable(work, job.signals, job.progress))
    return job


def report_error(parent: QWidget | None, exc: BaseException) -> None:
    """A domain error shows its Vietnamese sentence; anything else is logged and shown kindly."""
    from sqlalchemy.exc import OperationalError

    from . import prompts

    if isinstance(exc, OperationalError):  # the database's environment (server gone, disk full …)
        from ..core.db import translate_operational_error

        exc = translate_operational_error(exc)
    if isinstance(exc, CchcError):
        prompts.error(parent, "Không thực hiện được", exc.message)
        return
    from ..core.logs import log_unexpected, unexpected_message

    prompts.error(parent, "Lỗi không mong muốn", unexpected_message(log_unexpected(exc)))
