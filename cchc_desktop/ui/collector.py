"""Python's cyclic garbage collector runs only on the GUI thread, at quiet moments.

Left automatic, the collector runs on whichever thread happens to allocate when a threshold is crossed —
a worker building a report included — and may then free Qt objects (widgets, text documents) from that
thread: a crash ("Segmentation fault") far from its cause. As GitFourchette and OpenCue's
GarbageCollector do, automatic collection is switched off and a timer on the GUI thread runs the same
generational collection (same thresholds) once a second, between events.
"""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GarbageCollector(QObject):
    """Disable automatic collection; collect the generations due, on the thread that owns this object."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> int:
        """Collect what the thresholds say is due (cheap when nothing is); returns objects freed."""
        return collect_due(self.thresholds)


def collect_due(thresholds: tuple[int, ...] | None = None) -> int:
    """The collection automatic gc would have done by now, run here (the GUI thread) instead."""
    assert threading.current_thread() is threading.main_thread(), "collect only on the GUI thread"
    t0, t1, t2 = thresholds or gc.get_threshold()
    c0, c1, c2 = gc.get_count()
    freed = 0
    if c0 > t0:
        generation = 0
        if c1 > t1:
            generation = 2 if c2 > t2 else 1
        freed = gc.collect(generation)
    return freed


def install(app: QObject) -> GarbageCollector:
    """One collector for the application (idempotent)."""
    existing = getattr(app, "_cchc_collector", None)
    if isinstance(existing, GarbageCollector):
        gc.disable()
        return existing
    collector = GarbageCollector(app)
    app._cchc_collector = collector  # type: ignore[attr-defined]
    return collector
