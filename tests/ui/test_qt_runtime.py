"""Guard against Qt bindings that lose references to None (PySide6 6.12.0 on Python 3.11).

Such a build lowers None's reference count on every Qt method that returns nothing, and the
interpreter aborts ("none_dealloc") after a few thousand calls — a crash in the middle of the day.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_qt_calls_keep_none_alive() -> None:
    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(2000):
        obj.setObjectName("cchc")
    assert sys.getrefcount(None) - before > -100
