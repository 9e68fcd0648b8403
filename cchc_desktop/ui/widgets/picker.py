"""Long catalogue pickers (procedures, units, fields …): type any part of a name, with or without
diacritics ("cap giay phep" finds "Cấp giấy phép…"), and the list shown is wide enough for the names."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from ...core.text import fold
from ..screens import available_geometry

ModelIndex = QModelIndex | QPersistentModelIndex
SEARCHABLE_FROM = 15  # entries: a shorter list is simply opened and read


class _FoldFilter(QSortFilterProxyModel):
    """Rows containing what was typed, compared without diacritics or case: the words as one phrase
    when some entry has it, otherwise every word anywhere ("giay phep cap" still finds "Cấp giấy phép")."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.words: list[str] = []
        self.phrase = ""

    def set_pattern(self, text: str) -> None:
        words = fold(text).split()
        phrase = " ".join(words)
        source = self.sourceModel()
        texts = [self._text(r) for r in range(source.rowCount())] if source is not None else []
        if hasattr(self, "beginFilterChange"):  # Qt ≥ 6.9 (invalidateFilter is deprecated there)
            self.beginFilterChange()
        self.words = words
        self.phrase = phrase if any(phrase in t for t in texts) else ""
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self.invalidateFilter()

    def _text(self, row: int, parent: ModelIndex | None = None) -> str:
        index = self.sourceModel().index(row, 0, parent or QModelIndex())
        return " ".join(fold(str(index.data() or "")).split())

    def filterAcceptsRow(self, row: int, parent: ModelIndex) -> bool:  # noqa: N802
        if not self.words:
            return True
        text = self._text(row, parent)
        if self.phrase:
            return self.phrase in text
        return all(w in text for w in self.words)


def make_searchable(combo: QComboBox) -> QComboBox:
    """Turn ``combo`` into a picker one can type into; the entry picked becomes its current index."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    proxy = _FoldFilter(combo)
    proxy.setSourceModel(combo.model())
    completer = QCompleter(proxy, combo)
    completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)  # the proxy filters
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    combo.setCompleter(completer)
    line = combo.lineEdit()

    def typed(text: str) -> None:
        proxy.set_pattern(text)
        if text.strip():
            completer.complete()

    def picked(index: QModelIndex) -> None:
        if index.model() is completer.completionModel():  # Qt hands the popup's own index
            index = completer.completionModel().mapToSource(index)
        if index.model() is proxy:
            index = proxy.mapToSource(index)
        if index.isValid():
            combo.setCurrentIndex(index.row())
            line.setCursorPosition(0)

    def chosen(row: int) -> None:
        if row >= 0 and combo.itemData(row) is None:  # the "none" entry: an empty box with its hint
            line.setPlaceholderText(combo.itemText(row))
            line.clear()

    line.textEdited.connect(typed)
    completer.activated[QModelIndex].connect(picked)
    combo.currentIndexChanged.connect(chosen)
    chosen(combo.currentIndex())
    combo._fold_proxy = proxy  # type: ignore[attr-defined]  # kept alive with the combo
    widen_popup(combo)
    return combo


def widen_popup(combo: QComboBox) -> None:
    """The drop-down lists (the combo's own and the completer's) as wide as the longest entry, up to
    most of the screen, so near-identical names are not cut."""
    metrics = combo.fontMetrics()
    longest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
    screen = available_geometry(combo).width()
    width = min(longest + 48, int(screen * 0.85))
    combo.view().setMinimumWidth(max(width, combo.width()))
    completer = combo.completer()
    if completer is not None:
        completer.popup().setMinimumWidth(width)


def find_folded(combo: QComboBox, text: str) -> int:
    """The index of the entry whose text is ``text`` (compared without diacritics or case); -1 if none,
    or when several entries fold to the same text."""
    wanted = fold(text.strip())
    if not wanted:
        return -1
    exact = combo.findText(text.strip(), Qt.MatchFlag.MatchFixedString)
    if exact >= 0:
        return exact
    hits = [i for i in range(combo.count()) if fold(combo.itemText(i)) == wanted]
    if len(hits) == 1:
        return hits[0]
    matching = [i for i in range(combo.count()) if all(w in fold(combo.itemText(i)) for w in wanted.split())]
    return matching[0] if len(matching) == 1 else -1


def searchable_if_long(combo: QComboBox, parent: QWidget | None = None) -> QComboBox:
    if combo.count() > SEARCHABLE_FROM:
        make_searchable(combo)
    else:
        widen_popup(combo)
    return combo
