"""Guard against Qt bindings that lose references to None (PySide6 6.12.0 on Python 3.11).

Such a build lowers None's reference count on every Qt method that returns nothing, and the
interpreter aborts ("none_dealloc") after a few thousand calls — a crash in the middle of the day.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from PySide6.QtCore import QObject


def test_void_qt_calls_keep_none_alive() -> None:
    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(2000):
        obj.setObjectName("cchc")
    assert sys.getrefcount(None) - before > -100


_SCREEN_SURVIVES = r"""
import gc, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
gc.disable()
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from cchc_desktop.ui.widgets.picker import widen_popup
app = QApplication([])
gone = []
QGuiApplication.primaryScreen().destroyed.connect(lambda: gone.append(True))
for _ in range(3):
    combos = []
    for _ in range(2):  # two windows asking for their screen, each in a reference cycle, as pages are
        combo = QComboBox()
        combo.addItems(["Cấp giấy phép hoạt động đối với phòng khám đa khoa", "Cấp chứng chỉ hành nghề"])
        combo.me = combo
        widen_popup(combo)
        combos.append(combo)
    del combos, combo
    gc.collect()
QWidget().show()  # a new window reads the screen list
print("screen deleted" if gone else "screen kept", QGuiApplication.primaryScreen().availableGeometry().width())
"""


def test_asking_for_the_screen_never_lets_python_delete_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``QWidget.screen()`` makes the application's QScreen a child of the widget in PySide6: collecting two
    such widgets deleted it, and the next window crashed (the suite's intermittent "Segmentation fault").
    Screens are asked through ``ui.screens`` instead; run apart, so a regression fails here, not later."""
    import subprocess

    script = tmp_path / "screen.py"
    script.write_text(_SCREEN_SURVIVES, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          cwd=str(Path(__file__).resolve().parents[2]))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[:2] == ["screen", "kept"]


def test_no_code_asks_a_widget_for_its_screen() -> None:
    root = Path(__file__).resolve().parents[2] / "cchc_desktop"
    offenders = [f"{p.relative_to(root)}:{n}" for p in root.rglob("*.py") if p.name != "screens.py"
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\.screen\(\)", line.split("#")[0])]  # fmt: skip
    assert offenders == []
