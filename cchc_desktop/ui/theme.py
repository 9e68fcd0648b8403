"""The look: Qt's Fusion style, a light palette with one accent colour, a small style sheet, and icons
from the Material Design icon font that qtawesome bundles (only that one font is loaded, for start-up).
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

ACCENT = "#1d6fb8"  # the one accent colour: a calm administrative blue
ACCENT_DARK = "#155a96"
ACCENT_LIGHT = "#e3effa"
TEXT = "#1f2933"
MUTED = "#5f6b7a"
BORDER = "#d5dbe3"
WINDOW = "#f4f6f9"
BASE = "#ffffff"
ALT_ROW = "#f7f9fc"
SIDEBAR = "#eaeef4"
OK_COLOUR = "#217a3c"
BAD_COLOUR = "#b3261e"
WARN_COLOUR = "#9a6400"
# Chart series: early / on time / late, online / direct, task states.
SERIES = ("#1d6fb8", "#5aa9e6", "#d9822b", "#7a8794", "#2e9e5b", "#b3261e")

ICON_SIZE = QSize(18, 18)


def light_palette() -> QPalette:
    pal = QPalette()
    colours = {
        QPalette.ColorRole.Window: WINDOW,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: BASE,
        QPalette.ColorRole.AlternateBase: ALT_ROW,
        QPalette.ColorRole.ToolTipBase: "#fffbe6",
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.PlaceholderText: "#8a94a3",
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: "#f9fafc",
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: ACCENT,
        QPalette.ColorRole.Light: "#ffffff",
        QPalette.ColorRole.Midlight: "#eef1f5",
        QPalette.ColorRole.Mid: "#c3cad4",
        QPalette.ColorRole.Dark: "#9aa4b1",
        QPalette.ColorRole.Shadow: "#6b7785",
    }
    for role, colour in colours.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#9aa4b1"))
    return pal


STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW}; }}
QToolTip {{ border: 1px solid {BORDER}; padding: 4px; }}

#Sidebar {{ background: {SIDEBAR}; border-right: 1px solid {BORDER}; }}
#SidebarTitle {{ font-weight: 600; color: {ACCENT_DARK}; padding: 14px 16px 2px 16px; }}
#SidebarSubtitle {{ color: {MUTED}; padding: 0px 16px 10px 16px; }}
#NavList {{ background: transparent; border: none; outline: 0; }}
#NavList::item {{ padding: 8px 12px; margin: 1px 8px; border-radius: 6px; color: {TEXT}; }}
#NavList::item:hover {{ background: #dde4ee; }}
#NavList::item:selected {{ background: {ACCENT}; color: white; }}

#PageTitle {{ font-weight: 600; color: {TEXT}; }}
#PageHint {{ color: {MUTED}; }}
#SectionTitle {{ font-weight: 600; color: {TEXT}; }}
#Muted {{ color: {MUTED}; }}
#FieldError {{ color: {BAD_COLOUR}; }}
#FormError {{ color: {BAD_COLOUR}; background: #fdecea; border: 1px solid #f3c1bc; border-radius: 4px;
              padding: 6px 8px; }}

#Card {{ background: {BASE}; border: 1px solid {BORDER}; border-radius: 8px; }}
#Card:hover {{ border-color: {ACCENT}; }}
#CardPlain {{ background: {BASE}; border: 1px solid {BORDER}; border-radius: 8px; }}
#TileValue {{ font-weight: 600; color: {TEXT}; }}
#TileTitle {{ color: {MUTED}; }}
#TileMet {{ color: {OK_COLOUR}; font-weight: 600; }}
#TileNotMet {{ color: {BAD_COLOUR}; font-weight: 600; }}
#TileNA {{ color: {MUTED}; font-weight: 600; }}

QPushButton {{ padding: 5px 12px; border: 1px solid #c3cad4; border-radius: 5px; background: #fbfcfd; }}
QPushButton:hover {{ border-color: {ACCENT}; background: {ACCENT_LIGHT}; }}
QPushButton:pressed {{ background: #d3e5f6; }}
QPushButton:disabled {{ color: #9aa4b1; border-color: #dde2e8; background: #f4f6f8; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border-color: {ACCENT_DARK}; }}
QPushButton[primary="true"]:hover {{ background: {ACCENT_DARK}; }}
QPushButton[primary="true"]:disabled {{ background: #9dbfdf; color: #eef4fa; }}
QToolButton {{ padding: 4px; border-radius: 4px; }}
QToolButton:hover {{ background: {ACCENT_LIGHT}; }}

QLineEdit, QPlainTextEdit, QTextEdit {{
    border: 1px solid #c3cad4; border-radius: 4px; padding: 3px 6px; background: {BASE};
    selection-background-color: {ACCENT};
}}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus {{ border-color: {ACCENT}; }}
QLineEdit:disabled, QPlainTextEdit:disabled {{ background: #f1f3f6; color: #8a94a3; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{ border-color: {BAD_COLOUR}; background: #fff7f6; }}
QComboBox[invalid="true"], QSpinBox[invalid="true"] {{ border: 1px solid {BAD_COLOUR}; }}
QComboBox, QSpinBox, QDoubleSpinBox {{ min-height: 22px; }}

QTableView {{ background: {BASE}; alternate-background-color: {ALT_ROW}; border: 1px solid {BORDER};
              gridline-color: #e6eaf0; selection-background-color: {ACCENT}; selection-color: white; }}
QHeaderView::section {{ background: #eef2f7; color: {TEXT}; padding: 5px 6px; border: none;
                        border-right: 1px solid {BORDER}; border-bottom: 1px solid {BORDER}; font-weight: 600; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; border-radius: 6px; background: {BASE}; top: -1px; }}
QTabBar::tab {{ padding: 6px 14px; border: 1px solid {BORDER}; border-bottom: none; background: #eef2f7;
                border-top-left-radius: 5px; border-top-right-radius: 5px; margin-right: 2px; }}
QTabBar::tab:selected {{ background: {BASE}; color: {ACCENT_DARK}; font-weight: 600; }}
QGroupBox {{ border: 1px solid {BORDER}; border-radius: 6px; margin-top: 14px; padding: 10px 8px 8px 8px;
             background: {BASE}; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {ACCENT_DARK};
                    font-weight: 600; }}
QStatusBar {{ background: {SIDEBAR}; border-top: 1px solid {BORDER}; }}
QStatusBar QLabel {{ padding: 0 8px; color: {MUTED}; }}
QProgressBar {{ border: 1px solid {BORDER}; border-radius: 4px; text-align: center; background: {BASE}; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 3px; }}
"""


def apply_theme(app: QApplication, base_point_size: float | None = None) -> None:
    """Fusion, the light palette (dark mode is not followed: the reports are black on white) and our QSS."""
    app.setStyle("Fusion")
    app.setPalette(light_palette())
    font = QFont(app.font())
    size = base_point_size or max(font.pointSizeF(), 9.5)
    font.setPointSizeF(size)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)


def title_font(scale: float = 1.6) -> QFont:
    font = QFont(QGuiApplication.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setWeight(QFont.Weight.DemiBold)
    return font


def scaled_font(scale: float, bold: bool = False) -> QFont:
    font = QFont(QGuiApplication.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    return font


# --------------------------------------------------------------------------- icons

ICON_FONT_FILE = "materialdesignicons6-webfont-6.9.96.ttf"
ICON_CHARMAP_FILE = "materialdesignicons6-webfont-charmap-6.9.96.json"


@lru_cache(maxsize=1)
def _icon_font() -> tuple[str, dict[str, str]]:
    """The Material Design icon font that qtawesome ships, loaded straight from its folder (importing
    qtawesome itself would pull in qtpy and every font: a third of a second at start-up)."""
    import importlib.util
    import json
    from pathlib import Path

    from PySide6.QtGui import QFontDatabase

    spec = importlib.util.find_spec("qtawesome")
    if spec is None or not spec.submodule_search_locations:
        return "", {}
    fonts = Path(list(spec.submodule_search_locations)[0]) / "fonts"
    font_id = QFontDatabase.addApplicationFont(str(fonts / ICON_FONT_FILE))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    charmap = json.loads((fonts / ICON_CHARMAP_FILE).read_text(encoding="utf-8"))
    return (families[0] if families else ""), charmap


class GlyphIconEngine(QIconEngine):
    """Paints one glyph of the icon font in the colour of the icon's state."""

    def __init__(self, char: str, family: str, colours: dict[str, str]) -> None:
        super().__init__()
        self.char, self.family, self.colours = char, family, colours

    def _colour(self, mode: QIcon.Mode) -> QColor:
        if mode == QIcon.Mode.Disabled:
            return QColor(self.colours["disabled"])
        if mode in (QIcon.Mode.Active, QIcon.Mode.Selected):
            return QColor(self.colours.get("active") or self.colours["normal"])
        return QColor(self.colours["normal"])

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        font = QFont(self.family)
        font.setPixelSize(max(1, round(min(rect.width(), rect.height()) * 0.92)))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(font)
        painter.setPen(self._colour(mode))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.char)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pm = QPixmap(size)
        pm.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pm)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pm

    def clone(self) -> QIconEngine:
        return GlyphIconEngine(self.char, self.family, dict(self.colours))


@lru_cache(maxsize=256)
def icon(name: str, color: str = TEXT, active: str | None = None) -> QIcon:
    """A Material Design icon by its mdi name, e.g. ``icon("home")``; an empty icon if unknown."""
    family, charmap = _icon_font()
    code = charmap.get(name)
    if not family or code is None:
        return QIcon()
    colours = {"normal": color, "disabled": "#b4bcc6", "active": active or ""}
    return QIcon(GlyphIconEngine(chr(int(code, 16)), family, colours))
