"""A sort proxy on typed keys (dates as dates, counts as numbers, text in Vietnamese order).

When the table under it holds every row, the proxy sorts them in memory by ``SORT_ROLE``; when it holds
only the first pages of a large result, sorting is handed to the table, which re-reads in SQL order —
sorting the few fetched rows would be wrong.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from .table import SORT_ROLE, RecordTableModel


class TypedSortProxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)
        self._column = -1
        self._order = Qt.SortOrder.AscendingOrder

    def setSourceModel(self, model: Any) -> None:  # noqa: N802
        old = self.sourceModel()
        if old is not None:
            old.modelReset.disconnect(self._after_reset)
        super().setSourceModel(model)
        model.modelReset.connect(self._after_reset)

    def _table(self) -> RecordTableModel | None:
        src = self.sourceModel()
        return src if isinstance(src, RecordTableModel) else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._column, self._order = column, order
        table = self._table()
        if table is None:
            super().sort(column, order)
            return
        table.remember_order(column, order == Qt.SortOrder.DescendingOrder)
        if table.fully_loaded:
            super().sort(column, order)
        else:
            super().sort(-1)
            table.reload()

    def _after_reset(self) -> None:
        table = self._table()
        if table is None or self._column < 0:
            return
        if table.fully_loaded:
            super().sort(self._column, self._order)
        elif self.sortColumn() != -1:
            super().sort(-1)

    def lessThan(self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        a = left.data(SORT_ROLE)
        b = right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)
