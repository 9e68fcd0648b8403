"""The dossier import's fast lane: the services' rules for one dossier prepared once per import, and
a bulk writer.

Why not call ``services.normalise`` / ``FILLERS`` / ``RULES`` for each row: they look the columns up
again for every record (≈ 65 µs a row, 6,5 s for a 100.000-row register, more than reading and
writing together). ``DossierRules`` runs the same checks from the column metadata read once, with
the same fields and messages, and calls ``services`` itself for everything not generic (the dossier
rules, the due-date computation); ``tests/io/test_bulk.py`` checks it against ``services`` on
generated records. Values arrive typed by ``io.parsing``; anything else goes through
``services.normalise`` unchanged.

``DossierWriter`` writes chunks in the import's transaction (on SQLite at the driver level, through
the session's connection: a few multi-row INSERT statements a chunk, ``insert_block``). For a load
that is large next to the table, ``suspend`` drops the day-count triggers and the secondary indexes
inside the transaction; the rows of each chunk are then added to the day counts as they are written
(``add_counts``), and ``restore`` recreates the indexes from their saved SQL (one sorted build instead
of 100.000 random inserts per index), rebuilds the day counts when rows were changed rather than
added, and recreates the triggers — still in the transaction, so a failure or a killed process leaves
the database exactly as it was.

``Overlap`` runs the SQL of one chunk (insert, audit entries, day counts) on a helper thread while
the importer reads and types the next chunk (see its docstring).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import enum
import itertools
import operator
import sqlite3
import sys
import unicodedata
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Date, Integer, String, Table, Text, bindparam, insert, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..core import models as m
from ..core import services
from ..core.enums import Channel, DossierOutcome
from ..core.errors import ValidationError
from ..core.indicators import add_dossier_counts, rebuild_dossier_counts
from ..core.labels import field_label, in_sentence

TABLE = cast(Table, m.Dossier.__table__)
CACHE_KIB = 64 * 1024
ROWS_PER_STATEMENT = 2_000  # a multi-row INSERT (SQLite): fewer, larger statements
_CHANNEL_DEFAULT = getattr(TABLE.c.channel.default, "arg", None)
COLUMNS = [c.key for c in TABLE.columns if c.key not in services.SYSTEM_COLUMNS]
# The exact types the parsers give each column (anything else goes through ``services.normalise``).
_TYPES: dict[str, type] = {
    "procedure_id": int,
    "unit_id": int,
    "field_id": int,
    "received_on": dt.date,
    "due_on": dt.date,
    "extended_due_on": dt.date,
    "resolved_on": dt.date,
    "received_time": dt.time,
    "supplement_requests": int,
    "channel": Channel,
    "outcome": DossierOutcome,
}


class DossierRules:
    """``services.normalise`` + ``_dossier_fill`` + the generic and dossier rules (without the unique
    rule: the importer matches codes itself), for typed values, with the columns read once."""

    def __init__(self, session: Session, procedures: dict[int, m.Procedure]) -> None:
        self.session = session
        self.procedures = procedures
        self.limit = dt.date.today() + services.MAX_FUTURE
        label = {c.key: field_label(m.Dossier, c.key) for c in TABLE.columns}
        self.lengths: dict[str, tuple[int, str]] = {}
        self.required: list[tuple[str, str, bool, bool]] = []  # key, message, no default at all, no default
        self.nonnegative: list[tuple[str, str]] = []
        self.labels = label
        self.dates: list[tuple[str, str]] = []
        for col in TABLE.columns:
            key = col.key
            length = getattr(col.type, "length", None)
            if isinstance(col.type, String | Text) and length:
                self.lengths[key] = (length, label[key])
            if key not in services.SYSTEM_COLUMNS and not col.nullable:
                message = f"Vui lòng nhập {in_sentence(label[key])}."
                no_default = col.default is None
                self.required.append((key, message, no_default and col.server_default is None, no_default))
            if key not in services.SYSTEM_COLUMNS and isinstance(col.type, Integer) and not col.foreign_keys:
                self.nonnegative.append((key, f"{label[key]} không được là số âm."))
            if isinstance(col.type, Date):
                self.dates.append((key, label[key]))

    def normalise(self, values: dict[str, Any]) -> dict[str, Any]:
        """``services.normalise`` for values typed by the parsers (text already NFC and stripped)."""
        types = _TYPES
        for key, value in values.items():
            kind = type(value)
            if kind is str:
                if (
                    not value
                    or value != value.strip()
                    or not (value.isascii() or unicodedata.is_normalized("NFC", value))
                    or not value.isprintable()  # control characters: services removes them
                    or (key in services.CODE_COLUMNS and not value.isascii())  # services gives the code key
                ):
                    return services.normalise(m.Dossier, values)
                limit = self.lengths.get(key)
                if limit is not None and len(value) > limit[0]:
                    raise ValidationError(key, f"{limit[1]}: dài quá {limit[0]} ký tự.")
            elif value is not None and types.get(key) is not kind:
                return services.normalise(m.Dossier, values)
        return values

    def fill(self, rec: dict[str, Any]) -> None:
        """``services._dossier_fill`` with the procedures at hand."""
        proc = self.procedures.get(rec.get("procedure_id") or 0)
        if proc is None:
            services.FILLERS[m.Dossier](self.session, rec)
            return
        if rec.get("unit_id") is None:
            rec["unit_id"] = proc.unit_id
        rec["field_id"] = proc.field_id
        if rec.get("due_on") is None and rec.get("received_on") is not None:
            rec["due_on"] = services.compute_due_date(
                self.session, proc, rec["received_on"], rec.get("received_time")
            )
        if rec.get("resolved_on") is not None and rec.get("outcome") is None:
            rec["outcome"] = DossierOutcome.RESOLVED
        if rec.get("due_on") is None and rec.get("received_on") is not None:
            raise ValidationError(
                "due_on", "Vui lòng nhập ngày hẹn trả (thủ tục chưa có thời hạn giải quyết để tự tính)."
            )

    def check(self, rec: dict[str, Any], own_id: int | None) -> None:
        """The generic rules (required, not negative, not beyond a year ahead) and the dossier rules."""
        for key, message, no_default_at_all, no_default in self.required:
            value = rec[key]
            if (value is None and no_default_at_all) or (value == "" and no_default):
                raise ValidationError(key, message)
        label_of = self.labels
        for key, message in self.nonnegative:
            value = rec[key]
            if isinstance(value, int) and (value < 0 or value > services.MAX_INTEGER):
                raise ValidationError(key, message if value < 0 else f"{label_of[key]} quá lớn ({value}).")
        limit = self.limit
        for key, label in self.dates:
            value = rec[key]
            if value is not None and value > limit:
                raise ValidationError(
                    key,
                    f"{label} ({services.fmt_date(value)}) vượt quá một năm kể từ hôm nay; vui lòng kiểm tra lại.",
                )
            if value is not None and value < services.MIN_DATE:
                raise ValidationError(
                    key, f"{label} ({services.fmt_date(value)}) trước năm 1900; vui lòng kiểm tra lại."
                )
        for rule in services.RULES[m.Dossier]:
            rule(self.session, m.Dossier, rec, own_id)

    def prepare(self, values: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        """The record to write for ``values`` (merged over ``old`` when the dossier exists), or
        ``ValidationError`` with the field and the Vietnamese reason."""
        rec = self.normalise(values)
        if old is not None:
            merged = {k: old[k] for k in COLUMNS}
            merged.update(rec)
            rec = merged
        else:
            rec = {**dict.fromkeys(COLUMNS), **rec}
            if rec["channel"] is None:
                rec["channel"] = _CHANNEL_DEFAULT
            if rec["supplement_requests"] is None:
                rec["supplement_requests"] = 0
        self.fill(rec)
        self.check(rec, None if old is None else old["id"])
        return rec


class DossierWriter:
    """Inserts and updates dossiers by chunks in the session's transaction."""

    def __init__(self, session: Session, user: str) -> None:
        self.session = session
        self.user = user
        self.conn = session.connection()
        self.dialect = self.conn.dialect
        self.sqlite = self.dialect.name == "sqlite"
        if self.sqlite:  # a page cache that holds the code index of a large register (default: 2 MB)
            self.conn.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.indexes: list[str] = []  # SQL recreating what ``suspend`` dropped
        self.triggers: list[str] = []
        self.counted = False  # add_counts kept the day counts in step with the rows inserted
        self.changed = False  # rows were updated while suspended: their counts need the rebuild
        cols = [*COLUMNS, "updated_by"]
        self.columns = cols
        self.processors = [
            (i, proc) for i, key in enumerate(cols) if (proc := self._converter(key)) is not None
        ]
        self.values_of = operator.itemgetter(*cols)
        marks = ", ".join("?" * len(cols))
        self.insert_sql = f"INSERT INTO dossier ({', '.join(cols)}) VALUES ({marks})"
        assigns = ", ".join(f"{k} = ?" for k in cols if k != "code")
        self.update_sql = f"UPDATE dossier SET {assigns}, updated_at = CURRENT_TIMESTAMP WHERE id = ?"

    def _converter(self, key: str) -> Callable[[Any], Any] | None:
        """SQLAlchemy's bind processor for the column, or a faster one that gives the same result."""
        proc = TABLE.c[key].type._cached_bind_processor(self.dialect)
        if proc is None:
            return None
        samples: list[Any]
        fast: Callable[[Any], Any]
        kind = _TYPES.get(key)
        if key in _TYPES and _TYPES[key] is dt.date:
            fast, samples = dt.date.isoformat, [dt.date(2024, 1, 5), dt.date(1999, 12, 31)]
        elif key in _TYPES and _TYPES[key] is dt.time:
            fast, samples = (
                operator.methodcaller("isoformat", "microseconds"),
                [dt.time(8, 30), dt.time(23, 59, 7, 12)],
            )
        elif key in _TYPES and issubclass(_TYPES[key], enum.Enum):
            assert kind is not None and issubclass(kind, enum.Enum)
            samples = list(kind)
            fast = {member: member.value for member in samples}.__getitem__  # Enum.value is a slow property
        else:
            return proc
        return fast if all(fast(v) == proc(v) for v in samples) else proc

    def _row(self, rec: dict[str, Any]) -> list[Any]:
        row = list(self.values_of(rec))
        for i, proc in self.processors:
            value = row[i]
            if value is not None:
                row[i] = proc(value)
        return row

    def insert(self, recs: list[dict[str, Any]]) -> None:
        for rec in recs:
            rec["updated_by"] = self.user
        if not self.sqlite:
            self.session.execute(insert(TABLE), recs)
            return
        row = self._row
        self.conn.exec_driver_sql(self.insert_sql, [tuple(row(r)) for r in recs])

    def driver_row(self, rec: dict[str, Any]) -> tuple[Any, ...]:
        """The row ``insert`` would send for ``rec`` (SQLite), in ``columns`` order."""
        rec["updated_by"] = self.user
        return tuple(self._row(rec))

    def insert_rows(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert driver rows (``driver_row``, or ``io.lane``'s) with one executemany (SQLite)."""
        self.conn.exec_driver_sql(self.insert_sql, rows)

    def insert_block(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert driver rows (SQLite) with multi-row INSERT statements: the same rows as ``insert_rows``
        in the same order, but each statement is one call into SQLite, which runs without Python's lock
        (an executemany takes the lock back between rows: on a helper thread it would crawl)."""
        width = len(self.columns)
        driver = cast(sqlite3.Connection, self.conn.connection.dbapi_connection)
        limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per = max(1, min(ROWS_PER_STATEMENT, limit // width))
        one = "(" + ", ".join("?" * width) + ")"
        head = self.insert_sql.split(" VALUES ", 1)[0] + " VALUES "
        for at in range(0, len(rows), per):
            block = rows[at : at + per]
            self.conn.exec_driver_sql(head + ", ".join([one] * len(block)), tuple(itertools.chain.from_iterable(block)))

    def update(self, recs: list[tuple[int, dict[str, Any]]]) -> None:
        """``recs``: (dossier id, whole record)."""
        if not self.sqlite:
            rows: list[dict[str, Any]] = []
            for dossier_id, rec in recs:
                row = {f"b_{k}": v for k, v in rec.items() if k != "code"}
                row["b_updated_by"] = self.user
                row["b_id"] = dossier_id
                rows.append(row)
            cols: dict[str, Any] = {k[2:]: bindparam(k) for k in rows[0] if k != "b_id"}
            cols["updated_at"] = dt.datetime.now()
            self.session.execute(update(TABLE).where(TABLE.c.id == bindparam("b_id")).values(cols), rows)
            return
        params = []
        for dossier_id, rec in recs:
            rec["updated_by"] = self.user
            values = self._row(rec)
            del values[self.columns.index("code")]
            params.append((*values, dossier_id))
        self.conn.exec_driver_sql(self.update_sql, params)

    # ------------------------------------------------------------------ large loads

    def suspend(self) -> None:
        """Drop the day-count triggers and the secondary indexes (SQLite; on PostgreSQL only disable the
        trigger) until ``restore``."""
        if self.sqlite:
            found = self.conn.exec_driver_sql(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'dossier' AND sql IS NOT NULL "
                "AND type IN ('trigger', 'index') ORDER BY type, name"
            ).all()
            for kind, name, sql in found:
                self.conn.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
                (self.triggers if kind == "trigger" else self.indexes).append(sql)
        elif self.dialect.name == "postgresql":
            # Not DROP TRIGGER: its ACCESS EXCLUSIVE lock would block every reader until the import commits.
            # DISABLE TRIGGER takes SHARE ROW EXCLUSIVE: readers go on, other writers of dossiers wait.
            try:
                with self.conn.begin_nested():  # not the table's owner: the trigger keeps counting per row
                    self.conn.exec_driver_sql("ALTER TABLE dossier DISABLE TRIGGER trg_dossier_counts")
            except DBAPIError:
                return
            self.triggers = ["ALTER TABLE dossier ENABLE TRIGGER trg_dossier_counts"]

    @property
    def suspended(self) -> bool:
        """Whether ``suspend`` took the day-count triggers off (SQLite: dropped; PostgreSQL: disabled)."""
        return bool(self.triggers)

    def add_counts(self, above_id: int) -> None:
        """While suspended: the rows just inserted (ids above ``above_id``) added to the day counts."""
        add_dossier_counts(self.session, above_id)
        self.counted = True

    def restore(self) -> None:
        """Recreate what ``suspend`` dropped and bring the day counts in step with the dossiers (rebuilt
        unless ``add_counts`` kept them and no row was changed)."""
        for sql in self.indexes:
            self.conn.exec_driver_sql(sql)
        if self.changed or not self.counted:
            rebuild_dossier_counts(self.session)
        for sql in self.triggers:
            self.conn.exec_driver_sql(sql)
        self.indexes, self.triggers = [], []


class Overlap:
    """One job at a time on a helper thread, so that the SQL of chunk k (insert, audit entries, day
    counts: statements that SQLite runs without Python's lock) overlaps the Python of chunk k+1
    (reading the sheet, typing the columns in ``io.lane``). The two threads never use the connection
    at once: the importer calls ``settle`` — wait for the job and raise what it raised — before any
    statement of its own, and ``close`` waits in every case before the transaction ends, so a
    failure in either thread rolls the whole import back as before. While it runs, Python's switch
    interval is short: a thread coming back from SQLite gets the lock in half a millisecond rather
    than five. SQLite only (one connection, serialized by the driver); no Qt object is involved."""

    SWITCH_INTERVAL = 0.0005

    def __init__(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="cchc-import-sql")
        self._pending: tuple[concurrent.futures.Future[None], Callable[[], None]] | None = None
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, self.SWITCH_INTERVAL))

    def submit(self, job: Callable[[], None], then: Callable[[], None]) -> None:
        """Run ``job`` on the helper thread; ``then`` runs on the caller's thread once it is done."""
        self.settle()
        self._pending = (self._pool.submit(job), then)

    def settle(self) -> None:
        """Wait for the job in progress; raise its exception, else run its ``then``."""
        if self._pending is None:
            return
        future, then = self._pending
        self._pending = None
        future.result()
        then()

    def close(self, *, failed: bool) -> None:
        """Wait for the job in progress (its error is raised unless the import ``failed`` already), then
        stop the thread and put the switch interval back."""
        try:
            if failed:
                if self._pending is not None:
                    concurrent.futures.wait([self._pending[0]])
                    self._pending = None
            else:
                self.settle()
        finally:
            self._pool.shutdown(wait=True)
            sys.setswitchinterval(self._interval)
