"""A table of records on ``QAbstractTableModel`` that fetches lazily (the template: Anki's browser model).

The model keeps the ids of the rows in the current order and the display values of the rows it has
loaded. Rows come from one SQL statement per page: when the order is one the database can follow on an
index (dates, codes, id) the ids arrive page by page with ``fetchMore`` — the dossier page opens on a
million rows after reading 200; for any other order (Vietnamese text, computed status) the sorted ids are
read once and the rows still load page by page as the view scrolls.

Filtering and the diacritics-insensitive search run in SQL too (``vi_fold`` on SQLite).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from ...core.db import Database
from ...core.formatting import format_count, format_date, format_percent
from ..collation import fold, vi_sort_key

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
VERSION_ROLE = Qt.ItemDataRole.UserRole + 3  # the record's version as read: a deletion based on it (issue 12)
ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column: what to select, how to show it, how it sorts."""

    key: str
    header: str
    expr: Any  # an SQLAlchemy column expression
    kind: str = "text"  # text | int | date | enum | bool | percent | status
    width: int = 120
    indexed: bool = False  # the database can order by it cheaply (an index)
    searchable: bool = False
    fmt: Callable[[Any], str] | None = None
    tooltip: str = ""
    colours: dict[str, str] = field(default_factory=dict)  # status value → text colour
    stretch: bool = False  # takes the width left over (the long text column)
    # Search a joined name through its small table: (foreign key, target id, target text) — the big
    # table is then filtered on an indexed id list instead of folding every row's joined text.
    search_via: tuple[Any, Any, Any] | None = None
    hidden: bool = False  # hidden until the user shows it (header's context menu)

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "percent")

    def display(self, value: Any) -> str:
        if self.fmt is not None:
            return self.fmt(value)
        if value is None:
            return ""
        if self.kind == "date" and isinstance(value, dt.date):
            return format_date(value)
        if self.kind == "int" and isinstance(value, int | Decimal):
            return format_count(int(value))
        if self.kind == "percent":
            return format_percent(value)
        if self.kind == "bool":
            return "Có" if value else "Không"
        label = getattr(value, "label", None)
        if isinstance(value, enum.Enum) and label:
            return str(label)
        return str(value)

    def sort_key(self, value: Any) -> Any:
        """A typed key: dates as dates, counts as numbers, text in Vietnamese order; empty values last."""
        if value is None:
            return (1, ())
        if self.kind in ("date", "int", "percent"):
            return (0, value)
        if self.kind == "bool":
            return (0, int(bool(value)))
        return (0, vi_sort_key(self.display(value)))


@dataclass
class TableSource:
    """What a table shows: the model, the columns, the joins and the default order."""

    model: Any
    columns: list[Column]
    joins: list[tuple[Any, Any]] = field(default_factory=list)  # (target, on clause) outer joins
    default_order: list[Any] = field(default_factory=list)  # order_by clauses
    base_where: list[Any] = field(default_factory=list)

    @property
    def search_needs_joins(self) -> bool:
        """A searchable column read from a joined table without a ``search_via`` shortcut."""
        own = self.model.__table__
        return any(
            c.searchable and c.search_via is None and getattr(c.expr, "table", own) is not own for c in self.columns
        )

    def column_index(self, key: str) -> int:
        for i, col in enumerate(self.columns):
            if col.key == key:
                return i
        raise KeyError(key)

    def _from(self, stmt: Select[Any]) -> Select[Any]:
        stmt = stmt.select_from(self.model)
        for target, onclause in self.joins:
            stmt = stmt.outerjoin(target, onclause)
        return stmt

    def rows_select(self) -> Select[Any]:
        """The id, the columns, and last the record's version (a stale deletion is refused)."""
        version = [self.model.version] if hasattr(self.model, "version") else []
        return self._from(select(self.model.id, *[c.expr for c in self.columns], *version))

    def ids_select(self) -> Select[Any]:
        return self._from(select(self.model.id))

    def count_select(self, *, joined: bool = False) -> Select[Any]:
        """COUNT(*) on the model alone (an index scan), with the joins only when a condition needs them."""
        if joined:
            return self._from(select(func.count()))
        return select(func.count()).select_from(self.model)


def _folded(db: Database, expr: Any) -> Any:
    if db.is_sqlite:
        return func.vi_fold(expr)
    src, dst = _TRANSLATE  # PostgreSQL: translate() the Vietnamese letters away
    return func.translate(func.lower(expr), src, dst)


def search_condition(db: Database, columns: Sequence[Column], text: str) -> ColumnElement[bool] | None:
    """The text (as a phrase) in one of the searchable columns, ignoring diacritics and case."""
    phrase = " ".join(fold(text).split())
    searchable = [c for c in columns if c.searchable]
    if not phrase or not searchable:
        return None
    pattern = "%" + phrase.replace("\\", "").replace("%", "").replace("_", "") + "%"
    conds = []
    for col in searchable:
        if col.search_via is not None:
            key, target_id, target_text = col.search_via
            conds.append(key.in_(select(target_id).where(_folded(db, target_text).like(pattern))))
        else:
            conds.append(_folded(db, col.expr).like(pattern))
    return or_(*conds)


def _translate_table() -> tuple[str, str]:
    letters = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    return letters, "".join(fold(ch) for ch in letters)


_TRANSLATE = _translate_table()


_ReadResult = tuple[int, list[int], dict[int, tuple[Any, ...]], bool]


def _read(
    session: Session, source: TableSource, where: list[Any], order: list[Any], cheap: bool, joined: bool
) -> _ReadResult:
    """The count, the ids in order and the first rows: (total, ids, rows by id, ids complete)."""
    total = int(session.scalar(source.count_select(joined=joined).where(*where)) or 0)
    ids: list[int] = []
    rows: dict[int, tuple[Any, ...]] = {}
    if total <= RecordTableModel.IN_MEMORY_LIMIT or cheap:
        limit = (total or 1) if total <= RecordTableModel.IN_MEMORY_LIMIT else RecordTableModel.PAGE
        for row in session.execute(source.rows_select().where(*where).order_by(*order).limit(limit)).all():
            ids.append(row[0])
            rows[row[0]] = tuple(row)
        return total, ids, rows, total <= RecordTableModel.IN_MEMORY_LIMIT
    ids = list(session.scalars(source.ids_select().where(*where).order_by(*order)))
    first = ids[: RecordTableModel.PAGE]
    for start in range(0, len(first), 500):
        chunk = first[start : start + 500]
        for row in session.execute(source.rows_select().where(source.model.id.in_(chunk))).all():
            rows[row[0]] = tuple(row)
    return total, ids, rows, True


class RecordTableModel(QAbstractTableModel):
    """Rows of one entity, fetched lazily; filters and search in SQL; sorting in SQL or by the proxy."""

    PAGE = 200
    IN_MEMORY_LIMIT = 3000  # up to this many rows are loaded at once and sorted by the proxy
    ASYNC_ROWS = 50_000  # above this, slow reads (search, computed order) run off the GUI thread
    busy = Signal(bool)
    COLLATED_SORT_LIMIT = 100_000  # text sorts in Vietnamese order in SQL up to this many rows

    def __init__(
        self, db: Callable[[], Database], source: TableSource, parent: Any = None, *, filters: Sequence[Any] = ()
    ) -> None:
        super().__init__(parent)
        self._db = db
        self.source = source
        self._filters: list[Any] = list(filters)
        self._search = ""
        self._order_column: int | None = None
        self._order_desc = False
        self._ids: list[int] = []
        self._rows: dict[int, tuple[Any, ...]] = {}
        self._total = 0
        self._ids_complete = True
        self._highlight: Callable[[tuple[Any, ...]], str | None] | None = None
        self._fetching = False
        self._generation = 0
        self._busy = False
        self._largest = 0  # the most rows seen: a big table stays "big" while a search narrows it
        self._job: Any = None
        self.reload()

    # ----------------------------------------------------------------- configuration

    def set_filters(self, conditions: Sequence[Any]) -> None:
        self._filters = list(conditions)
        self.reload()

    def set_search(self, text: str) -> None:
        if text.strip() != self._search:
            self._search = text.strip()
            self.reload()

    def set_row_colour(self, fn: Callable[[tuple[Any, ...]], str | None]) -> None:
        self._highlight = fn

    def set_order(self, column: int, descending: bool) -> None:
        if self.remember_order(column, descending):
            self.reload()

    def remember_order(self, column: int, descending: bool) -> bool:
        """Take the order for the next reads; ``True`` when it changed."""
        new = (column if column >= 0 else None), descending
        if new == (self._order_column, self._order_desc):
            return False
        self._order_column, self._order_desc = new
        return True

    @property
    def total(self) -> int:
        return self._total

    @property
    def fully_loaded(self) -> bool:
        return self._ids_complete and len(self._ids) == self._total and len(self._rows) >= self._total

    # ----------------------------------------------------------------- SQL

    def _where(self) -> list[Any]:
        where = list(self.source.base_where) + list(self._filters)
        if self._search:
            cond = search_condition(self._db(), self.source.columns, self._search)
            if cond is not None:
                where.append(cond)
        return where

    def _order_by(self) -> list[Any]:
        model_id = self.source.model.id
        if self._order_column is None:
            return list(self.source.default_order) + [model_id.desc()]
        col = self.source.columns[self._order_column]
        expr = col.expr
        vietnamese = col.kind in ("text", "enum", "status") and not col.indexed and self._db().is_sqlite
        if vietnamese and self._total <= self.COLLATED_SORT_LIMIT:
            expr = func.vi_key(expr)  # Vietnamese order; beyond the limit the database's own (fast) order
        if self._order_desc:
            return [expr.desc().nulls_last(), model_id.desc()]
        return [expr.asc().nulls_last(), model_id.asc()]

    def _cheap_order(self) -> bool:
        if self._order_column is None:
            return True
        return self.source.columns[self._order_column].indexed

    def _session(self) -> Session:
        return self._db().session()

    def reload(self) -> None:
        """Count, then read the first page (or everything when small). On a large table a search or an
        order the database cannot follow on an index takes seconds: it then runs in a worker thread
        and the rows arrive when ready (``busy`` tells the page), so the window never freezes."""
        self._generation += 1
        plan = self._plan()
        if max(self._total, self._largest) > self.ASYNC_ROWS and (self._search or not plan[2]):
            self._reload_async(plan)
            return
        self.beginResetModel()
        try:
            with self._session() as session:
                self._apply_result(_read(session, self.source, *plan))
        finally:
            self.endResetModel()
        self._set_busy(False)  # an older background read, if any, is now obsolete

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy.emit(busy)

    def _plan(self) -> tuple[list[Any], list[Any], bool, bool]:
        joined = bool(self._search) and self.source.search_needs_joins
        return self._where(), self._order_by(), self._cheap_order(), joined

    def _apply_result(self, result: _ReadResult) -> None:
        self._total, self._ids, self._rows, self._ids_complete = result
        self._largest = max(self._largest, self._total)

    def _reload_async(self, plan: tuple[list[Any], list[Any], bool, bool]) -> None:
        from ..workers import report_error, start_job

        generation = self._generation
        db, source = self._db(), self.source

        def work(_progress: Any) -> _ReadResult:
            with db.session() as session:
                return _read(session, source, *plan)

        def done(result: _ReadResult) -> None:
            if generation != self._generation:
                return  # a newer search or sort superseded this one
            self.beginResetModel()
            self._apply_result(result)
            self.endResetModel()
            self._set_busy(False)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._set_busy(False)
                report_error(None, exc)

        self._set_busy(True)
        self._job = start_job(None, "", work, on_done=done, on_error=failed, show_progress=False)

    def _load_ids(self, session: Session, ids: Sequence[int]) -> None:
        wanted = [i for i in ids if i not in self._rows]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            stmt = self.source.rows_select().where(self.source.model.id.in_(chunk))
            for row in session.execute(stmt).all():
                self._rows[row[0]] = tuple(row)

    # ----------------------------------------------------------------- lazy fetching

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid():
            return False
        return not self._ids_complete and not self._fetching

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or self._ids_complete or self._fetching:
            return
        self._fetching = True
        try:
            self._fetch_page()
        finally:
            self._fetching = False

    def _fetch_page(self) -> None:
        start = len(self._ids)
        with self._session() as session:
            stmt = (
                self.source.rows_select()
                .where(*self._where())
                .order_by(*self._order_by())
                .offset(start)
                .limit(self.PAGE)
            )
            rows = session.execute(stmt).all()
        if not rows:
            self._total = start
            self._ids_complete = True
            return
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        for row in rows:
            self._ids.append(row[0])
            self._rows[row[0]] = tuple(row)
        if len(self._ids) >= self._total:
            self._ids_complete = True
        self.endInsertRows()

    # ----------------------------------------------------------------- Qt model API

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.source.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.source.columns):
            return None
        col = self.source.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip or col.header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if col.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def row_values(self, row: int) -> tuple[Any, ...] | None:
        if not 0 <= row < len(self._ids):
            return None
        record_id = self._ids[row]
        values = self._rows.get(record_id)
        if values is None:
            with self._session() as session:
                self._load_ids(session, self._ids[row : row + self.PAGE])
            values = self._rows.get(record_id)
        return values

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self.source.columns):
            return None
        values = self.row_values(index.row())
        if values is None:
            return None
        col = self.source.columns[index.column()]
        value = values[index.column() + 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.display(value)
        if role == SORT_ROLE:
            return col.sort_key(value)
        if role == ID_ROLE:
            return values[0]
        if role == VERSION_ROLE:
            return values[len(self.source.columns) + 1] if len(values) > len(self.source.columns) + 1 else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if col.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col.kind == "text":
            text = col.display(value)
            return text if len(text) > 40 else None
        if role == Qt.ItemDataRole.ForegroundRole:
            shown = col.display(value)
            if col.colours and shown in col.colours:
                return QColor(col.colours[shown])
            if self._highlight is not None:
                colour = self._highlight(values)
                return QColor(colour) if colour else None
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.set_order(column, order == Qt.SortOrder.DescendingOrder)

    # ----------------------------------------------------------------- ids

    def loaded_versions(self) -> dict[int, int]:
        """The version of every row read so far (id → version), as the user sees them."""
        n = len(self.source.columns) + 1
        return {record_id: row[n] for record_id, row in self._rows.items() if len(row) > n}

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: int) -> int | None:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return None

    def matches(self, record_id: int) -> bool:
        """Whether the record is among the rows of the current filters and search (loaded or not)."""
        where, _order, _cheap, joined = self._plan()
        with self._session() as session:
            stmt = self.source.count_select(joined=joined).where(*where, self.source.model.id == record_id)
            return bool(session.scalar(stmt))

    def locate(self, record_id: int, max_rows: int = 50_000) -> int | None:
        """The row of a record that matches the filters, fetching further pages until it is loaded."""
        row = self.row_of(record_id)
        while row is None and not self._ids_complete and len(self._ids) < max_rows and self.matches(record_id):
            before = len(self._ids)
            self.fetchMore()
            if len(self._ids) == before:
                break
            row = self.row_of(record_id)
        return row
