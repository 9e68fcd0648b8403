"""The dossier import's column lane: a chunk of plain new dossiers typed, checked and turned into the
driver's rows column by column, with no per-cell Python call on the common path.

Why: after the reader, the time of a large import went into Python per cell and per row — parse each
cell (``importer._parse_cells``), build a dict of values, normalise and check it (``bulk.DossierRules``),
turn it into the driver's row (``bulk.DossierWriter``) — about 40 µs a row, twice the time of reading
and writing together. Most cells of a register repeat (60 procedure codes, 3 channels, a few hundred
days) or are plain text (ASCII codes, NFC names). So, per chunk:

- a column whose values repeat (procedure code, channel, dates, outcome, supplement count) is parsed
  and checked once per *distinct* cell value by the very parsers and rules the row path uses, kept in a
  cache for the whole import; a chunk's column is then one C-level ``map`` over that cache;
- a text column (dossier code, applicant, note) is checked for the whole chunk at once on its joined
  text (ASCII or NFC, printable, no surrounding blank, not too long — a few C-level scans); only a chunk
  that fails looks at its cells one by one;
- what involves two columns (due date not before the day received, an outcome needs its date) is one
  comparison a row over the chunk's typed columns;
- the rows are the columns zipped, in the writer's column order, ready for its executemany.

The lane never rejects anything and never decides a doubtful case. Any cell it is not sure of — empty
where the row path would compute or refuse, text the rules would change (NFKC, blanks, control
characters), a value out of bounds, a procedure not in the catalogue, an ending outcome that makes an
event — marks the row *slow*, and the row takes the row path (``importer``), which gives the record or
the reason exactly as before. So the rules keep one home (``io.parsing``, ``core.services`` through
``io.bulk``), and the lane only proves that a row is plain; ``tests/io/test_lane.py`` checks that every
row it takes gives the same driver row as the row path. Rows whose dossier code is already in the table
or earlier in the file are handed back to the row path by the importer (update or duplicate).

Used on SQLite for new dossiers when the mapped columns are ones the lane knows (``LANE_KEYS``) and the
due date is a column of the file (else it must be computed per row from the calendar); otherwise, and
on PostgreSQL, every row takes the row path (same result, today's speed).

Procedures and units: a procedure code not in the catalogue, or unit cells (``unit``, ``unit_code``)
whose resolution would write something (a unit, its code or an alias to record, ``io.catalogue``),
make the row slow; the row path then creates the procedure or records the unit, and from the next
chunk on the rows naming them take the lane (their slow verdict is asked again each chunk). So a
one-stop register with unit columns takes the lane for all its rows when the catalogue already has
what it names, and for all but its first chunk on day one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from ..core import services
from ..core.enums import DossierOutcome
from . import parsing as p
from .bulk import COLUMNS, TABLE, DossierWriter
from .catalogue import Catalogue
from .event_columns import ENDING
from .mapping import Header

SLOW = object()  # a cell (or row) the lane leaves to the row path
MIN_ROWS = 64  # a smaller chunk (a small file, its last rows) takes the row path: the lane's set-up would cost more

# Field keys the lane knows. "procedure_name" and "field" only serve to create a missing procedure
# (a row the lane leaves to the row path); for a known procedure they are not written. "unit" and
# "unit_code" give the dossier's unit when those cells resolve with nothing to write (``DossierLane._unit``).
TEXT_KEYS = {"applicant": "applicant", "note": "note", "apology_letter": "apology_letter"}
LANE_KEYS = frozenset({
    "code", "procedure_code", "procedure_name", "field", "unit", "unit_code", "channel", "received", "due",
    "resolved", "outcome", "supplement_requests", *TEXT_KEYS,
})
_NO_UNIT = object()  # unit cells empty: the dossier takes its procedure's unit


def usable(header: Header, writer: DossierWriter) -> bool:
    """Whether the lane can take rows of this mapping (see the module docstring)."""
    keys = set(header.mapping.values())
    return writer.sqlite and keys <= LANE_KEYS and {"code", "procedure_code", "received", "due"} <= keys


class _Distinct:
    """A column parsed once per distinct cell value: ``fn(cell)`` gives the lane's value or ``SLOW``
    (a ``CellError``, or any value the row path might treat otherwise). Text, dates and empty cells
    share one cache (no two of them are equal); numbers have one each, since 1, 1.0 and True are equal
    keys in a dict but not the same cell."""

    def __init__(self, fn: Callable[[Any], Any], *, retry: bool = False) -> None:
        self.fn = fn
        # retry: a slow value is asked again in each chunk — for what the row path may settle meanwhile
        # (a procedure or a unit this import creates or resolves), so that later rows take the lane.
        self.retry = retry
        self.caches: dict[type | None, dict[Any, Any]] = {}  # cell → fn(cell)
        self.splits: dict[type | None, list[dict[Any, Any]]] = {}  # cell → each part of fn(cell)

    def _value(self, cell: Any) -> Any:
        try:
            return self.fn(cell)
        except (p.CellError, services.ValidationError):
            return SLOW

    def column(self, cells: Sequence[Any], width: int = 1) -> tuple[list[list[Any]], bool]:
        """The ``width`` parts of ``fn``'s value for each cell (``SLOW`` in every part of a slow cell),
        one list a part, and whether any cell is slow."""
        numbers = set(map(type, cells)) & _NUMBERS
        if len(numbers) > 1:  # numbers of two kinds in one column: cell by cell (rare)
            found = [self._value(cell) for cell in cells]
            parts = [[SLOW if v is SLOW else v[k] for v in found] for k in range(width)]
            return parts, SLOW in found
        kind = numbers.pop() if numbers else None
        cache = self.caches.setdefault(kind, {})
        split = self.splits.setdefault(kind, [{} for _ in range(width)])
        distinct = set(cells)
        todo = distinct.difference(cache)
        if self.retry:
            todo.update(c for c in distinct if c in cache and cache[c] is SLOW)
        for cell in todo:
            value = cache[cell] = self._value(cell)
            for k in range(width):
                split[k][cell] = SLOW if value is SLOW else value[k]
        return [list(map(part.__getitem__, cells)) for part in split], any(cache[c] is SLOW for c in distinct)


_NUMBERS = frozenset({bool, int, float})


def _text_column(cells: Sequence[Any], limit: int | None, code: bool) -> tuple[list[Any], set[int]]:
    """A text column as ``parsing.clean_text`` (``parse_code`` for ``code``) then ``DossierRules.normalise``
    would leave it — only for text they leave unchanged; the indexes of the other cells are returned."""
    if set(map(type, cells)) == {str}:
        joined = "\n".join(cells)
        flat = "".join(cells)
        if (
            min(map(len, cells)) > 0
            and (limit is None or max(map(len, cells)) <= limit)
            and flat.isprintable()
            and not (joined.startswith(" ") or joined.endswith(" ") or "\n " in joined or " \n" in joined)
            and (flat.isascii() if code else (flat.isascii() or unicodedata.is_normalized("NFC", flat)))
            and not (code and "  " in joined)
        ):
            return list(cells), set()
    out: list[Any] = []
    slow: set[int] = set()
    for i, cell in enumerate(cells):
        value = _text_cell(cell, limit, code)
        if value is SLOW:
            slow.add(i)
        out.append(value)
    return out, slow


def _text_cell(cell: Any, limit: int | None, code: bool) -> Any:
    if cell is None:
        return SLOW if code else None
    if type(cell) is not str:
        return SLOW
    if not code and not cell.strip():
        return None  # clean_text: blank is empty
    if (
        not cell
        or cell != cell.strip()
        or not cell.isprintable()
        or (limit is not None and len(cell) > limit)
        or not (cell.isascii() or (not code and unicodedata.is_normalized("NFC", cell)))
        or (code and "  " in cell)
    ):
        return SLOW
    return cell


class DossierLane:
    """The lane for one import (its caches live as long as the import)."""

    def __init__(self, header: Header, writer: DossierWriter, procedures: dict[str, Any], user: str,
                 units: Catalogue) -> None:
        self.columns = {key: col for col, key in header.mapping.items()}
        self.units = units  # the importer's: the unit cells it resolved (and the units it created)
        self.width = max(header.mapping) + 1
        self.writer = writer
        self.procedures = procedures  # the importer's: code → Procedure (grows as procedures are created)
        self.user = user
        self.limit = dt.date.today() + services.MAX_FUTURE
        self.lengths = {c.key: getattr(c.type, "length", None) for c in TABLE.columns}
        self.convert = {writer.columns[i]: proc for i, proc in writer.processors}
        self.default_channel = self._out("channel", getattr(TABLE.c.channel.default, "arg", None))
        self.resolved_outcome = self._out("outcome", DossierOutcome.RESOLVED)
        self.procedure = _Distinct(self._procedure, retry=True)
        self.unit = _Distinct(self._unit, retry=True)
        self.received = _Distinct(self._received)
        self.due = _Distinct(self._due)
        self.resolved = _Distinct(self._resolved)
        self.channel = _Distinct(self._channel)
        self.outcome = _Distinct(self._outcome)
        self.supplements = _Distinct(self._supplements)
        self.order = list(writer.columns)

    # ------------------------------------------------------------------ one distinct cell value

    def _out(self, key: str, value: Any) -> Any:
        proc = self.convert.get(key)
        return value if value is None or proc is None else proc(value)

    def _in_bounds(self, day: dt.date) -> bool:
        return type(day) is dt.date and services.MIN_DATE <= day <= self.limit

    def _procedure(self, cell: Any) -> Any:
        code = p.parse_code(cell)
        proc = self.procedures.get(code) if code else None
        if proc is None:
            return SLOW
        return proc.id, proc.unit_id, proc.field_id

    def _unit(self, pair: tuple[Any, type, Any, type]) -> Any:
        """(unit cell, its type, unit code cell, its type) → (unit id,): only cells whose unit resolves
        with nothing to write (``Catalogue.settled_unit``: resolved earlier in this import, or a unit as
        the catalogue has it) — a unit, a code or an alias to record is the row path's; ``_NO_UNIT`` when
        both cells are empty (the procedure's unit)."""
        text, code = p.clean_text(pair[0]), p.clean_text(pair[2])
        if not text and not code:
            return (_NO_UNIT,)
        unit_id = self.units.settled_unit(text, code)
        return SLOW if unit_id is None else (unit_id,)

    def _received(self, cell: Any) -> Any:
        found = p.parse_datetime(cell)
        if found is None or not self._in_bounds(found[0]):
            return SLOW  # empty: the row path refuses it
        day, time = found
        if time is not None and type(time) is not dt.time:
            return SLOW
        return day, self._out("received_on", day), self._out("received_time", time)

    def _due(self, cell: Any) -> Any:
        day = p.parse_date(cell)
        if day is None or not self._in_bounds(day):
            return SLOW  # empty: computed from the calendar by the row path
        return day, self._out("due_on", day)

    def _resolved(self, cell: Any) -> Any:
        """(the day to compare, or the last day when empty; the driver's value; the outcome it implies)."""
        day = p.parse_date(cell)
        if day is None:
            return dt.date.max, None, None
        if not self._in_bounds(day):
            return SLOW
        return day, self._out("resolved_on", day), self.resolved_outcome

    def _channel(self, cell: Any) -> Any:
        channel = p.parse_channel(cell)
        return (self.default_channel if channel is None else self._out("channel", channel),)

    def _outcome(self, cell: Any) -> Any:
        outcome = p.parse_outcome(cell)
        if outcome in ENDING:  # an event of its own: the row path
            return SLOW
        return (self._out("outcome", outcome),)

    def _supplements(self, cell: Any) -> Any:
        count = p.parse_count(cell) or 0
        if type(count) is not int or not 0 <= count <= services.MAX_INTEGER:
            return SLOW
        return (self._out("supplement_requests", count),)

    # ------------------------------------------------------------------ one chunk

    def rows(self, chunk: Sequence[tuple[int, list[Any]]]) -> list[Any]:
        """For each row of the chunk, the driver's row (a tuple in the writer's column order) or ``SLOW``."""
        n = len(chunk)
        width = self.width
        cells_list = [cells for _, cells in chunk]
        slow: set[int] = set()
        if set(map(type, cells_list)) != {list}:  # a row the reader could not read faithfully
            slow.update(i for i, cells in enumerate(cells_list) if type(cells) is not list)
        if min(map(len, cells_list)) < width:  # short rows are padded, as the row path does
            cells_list = [c if len(c) >= width else [*c, *([None] * (width - len(c)))] for c in cells_list]
        by_column = list(zip(*cells_list, strict=False))
        col = self.columns
        values: dict[str, Any] = {}

        def distinct(key: str, parser: _Distinct, width: int) -> list[list[Any]]:
            parts, has_slow = parser.column(by_column[col[key]], width)
            if has_slow:
                slow.update(i for i, v in enumerate(parts[0]) if v is SLOW)
            return parts

        values["code"], bad = _text_column(by_column[col["code"]], self.lengths["code"], code=True)
        slow |= bad
        for key, dst in TEXT_KEYS.items():
            if key in col:
                values[dst], bad = _text_column(by_column[col[key]], self.lengths[dst], code=False)
                slow |= bad
        values["procedure_id"], values["unit_id"], values["field_id"] = distinct("procedure_code", self.procedure, 3)
        if "unit" in col or "unit_code" in col:  # the unit column wins over the procedure's unit, as in fill
            none = [None] * n
            names = by_column[col["unit"]] if "unit" in col else none
            codes = by_column[col["unit_code"]] if "unit_code" in col else none
            pairs = list(zip(names, map(type, names), codes, map(type, codes), strict=True))
            (unit_ids,), has_slow = self.unit.column(pairs, 1)
            if has_slow:
                slow.update(i for i, v in enumerate(unit_ids) if v is SLOW)
            values["unit_id"] = [
                own if u is _NO_UNIT else u for u, own in zip(unit_ids, values["unit_id"], strict=True)
            ]
        received_days, values["received_on"], values["received_time"] = distinct("received", self.received, 3)
        due_days, values["due_on"] = distinct("due", self.due, 2)
        if "resolved" in col:
            resolved_days, values["resolved_on"], implied = distinct("resolved", self.resolved, 3)
        else:
            resolved_days, values["resolved_on"], implied = [dt.date.max] * n, None, [None] * n
        values["channel"] = distinct("channel", self.channel, 1)[0] if "channel" in col else self.default_channel
        if "supplement_requests" in col:
            values["supplement_requests"] = distinct("supplement_requests", self.supplements, 1)[0]
        else:
            values["supplement_requests"] = self._out("supplement_requests", 0)
        if slow:  # harmless days in the slow rows, so that the comparisons below need no test
            day = dt.date(2000, 1, 1)
            received_days = [day if v is SLOW else v for v in received_days]
            due_days = [day if v is SLOW else v for v in due_days]
            resolved_days = [day if v is SLOW else v for v in resolved_days]
        # the rules between columns (services' dossier rules): not before the day received
        for days in (due_days, resolved_days):
            before = list(map(operator.lt, days, received_days))
            if True in before:
                slow.update(itertools.compress(range(n), before))
        if "outcome" in col:  # the status column: resolved when the row has a result date; a result needs its date
            stated = distinct("outcome", self.outcome, 1)[0]
            values["outcome"] = [i if o is None else o for o, i in zip(stated, implied, strict=True)]
            slow.update(
                i for i, (o, d) in enumerate(zip(stated, resolved_days, strict=True))
                if o is not None and o is not SLOW and d is dt.date.max
            )
        else:
            values["outcome"] = implied
        values["updated_by"] = self.user
        columns = []
        for key in self.order:
            value = values.get(key)
            columns.append(value if isinstance(value, list) else [value] * n)
        out: list[Any] = list(zip(*columns, strict=True))
        for i in slow:
            out[i] = SLOW
        return out


assert set(COLUMNS) >= {"code", "procedure_id", "unit_id", "field_id", "received_on", "due_on", "outcome"}
