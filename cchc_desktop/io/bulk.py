"""The dossier import's fast lane: the services' rules for one dossier prepared once per import, and
a bulk writer.

Why not call ``services.normalise`` / ``FILLERS`` / ``RULES`` for each row: they look the columns up
again for every record (≈ 65 µs a row, 6,5 s for a 100.000-row register, more than reading and
writing together). ``DossierRules`` runs the same checks from the column metadata read once, with
the same fields and messages, and calls ``services`` itself for everything not generic (the dossier
rules, the due-date computation); ``tests/io/test_bulk.py`` checks it against ``services`` on
generated records. Values arrive typed by ``io.parsing``; anything else goes through
``services.normalise`` unchanged.

``DossierWriter`` writes chunks with one executemany each (on SQLite at the driver level, through
the session's connection, so in the import's transaction). For a load that is large next to the
table, ``suspend`` drops the day-count triggers and the secondary indexes inside the transaction;
``restore`` recreates the indexes from their saved SQL (one sorted build instead of 100.000 random
inserts per index), rebuilds the day counts and recreates the triggers — still in the transaction,
so a failure or a killed process leaves the database exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import enum
import operator
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
from ..core.indicators import rebuild_dossier_counts
from ..core.labels import field_label, in_sentence

TABLE = cast(Table, m.Dossier.__table__)
CACHE_KIB = 64 * 1024
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

    def restore(self) -> None:
        """Recreate what ``suspend`` dropped and bring the day counts in step with the dossiers."""
        for sql in self.indexes:
            self.conn.exec_driver_sql(sql)
        rebuild_dossier_counts(self.session)
        for sql in self.triggers:
            self.conn.exec_driver_sql(sql)
        self.indexes, self.triggers = [], []
