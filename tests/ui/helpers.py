"""Helpers for the GUI tests: typing as an input method does, waiting for worker threads."""

from __future__ import annotations

from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_ime(widget: QWidget, text: str) -> None:
    """Type ``text`` as a Vietnamese input method does: one committed string (qtbot.keyClicks aborts on
    accented characters offscreen)."""
    target = getattr(widget, "edit", widget)
    target.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(target, event)


def wait_jobs(qapp: QApplication) -> None:
    QThreadPool.globalInstance().waitForDone(10_000)
    for _ in range(3):
        qapp.processEvents()


def set_text(widget: QWidget, text: str) -> None:
    """Replace a field's text, typed through the input method (accents included)."""
    target = getattr(widget, "edit", widget)
    if hasattr(target, "clear"):
        target.clear()
    if text:
        type_ime(target, text)


def choose(combo: QWidget, data: object = None, *, text: str | None = None) -> None:
    """Pick the entry of a combo box by its data (or its text)."""
    index = combo.findText(text) if text is not None else combo.findData(data)  # type: ignore[attr-defined]
    assert index >= 0, f"no entry {text or data!r}"
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]


def tile_values(page: QWidget) -> dict[int, str]:
    """Objective number → value shown on the dashboard tile."""
    from PySide6.QtWidgets import QLabel

    out = {}
    for tile in page.tiles:  # type: ignore[attr-defined]
        value = next(w for w in tile.findChildren(QLabel) if w.objectName() == "TileValue")
        out[tile.result.number] = value.text()
    return out
