"""Long catalogue pickers (procedures, units, fields …): type any part of a name, with or without
diacritics ("cap giay phep" finds "Cấp giấy phép…"), and the list shown is wide enough for the names."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from ...core.text import fold

ModelIndex = QModelIndex | QPersistentModelIndex
SEARCHABLE_FROM = 15  # entries: a shorter list is simply opened and read


class _FoldFilter(QSortFilterProxyModel):
    """Rows whose text contains every typed word, compared without diacritics or case."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.words: list[str] = []

    def set_pattern(self, text: str) -> None:
        self.words = fold(text).split()
        self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: ModelIndex) -> bool:  # noqa: N802
        if not self.words:
            return True
        text = fold(str(self.sourceModel().index(row, 0, parent).data() or ""))
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
        source = proxy.mapToSource(index)
        if source.isValid():
            combo.setCurrentIndex(source.row())
            line.setCursorPosition(0)

    line.textEdited.connect(typed)
    completer.activated[QModelIndex].connect(picked)
    combo._fold_proxy = proxy  # type: ignore[attr-defined]  # kept alive with the combo
    widen_popup(combo)
    return combo


def widen_popup(combo: QComboBox) -> None:
    """The drop-down lists (the combo's own and the completer's) as wide as the longest entry, up to
    most of the screen, so near-identical names are not cut."""
    metrics = combo.fontMetrics()
    longest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
    screen = combo.screen().availableGeometry().width() if combo.screen() else 1366
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
