"""The screen a widget is on, asked without ``QWidget.screen()``.

PySide6 (6.11 seen) treats the ``QScreen`` that ``widget.screen()`` returns as a *child* of that widget
(shiboken's return-value heuristic). Once two windows have asked, collecting them can make Python delete
the application's one ``QScreen`` — Qt then reads freed memory at the next window it builds
("Segmentation fault" in ``QWidget`` constructors, far from the cause). The static ``QGuiApplication``
functions return the screen with no owner, so every place that needs a screen asks here.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

FALLBACK = QRect(0, 0, 1366, 768)  # the office laptop, when there is no screen at all


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The part of the screen under ``widget`` (its centre) the taskbar leaves; the primary screen's
    when the widget is not on any screen yet."""
    screen = None
    if widget is not None:
        screen = QGuiApplication.screenAt(widget.mapToGlobal(widget.rect().center()))
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    return QRect(screen.availableGeometry()) if screen is not None else QRect(FALLBACK)
