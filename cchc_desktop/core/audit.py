"""Record safety (issue 12): the audit trail, the recycle bin (Thùng rác) and import batches.

Every create / update / delete of an editable record (a model with ``TimestampMixin``) made through the
ORM — the services, hence the forms, the CLI and the row-by-row imports — is written to ``audit_entry``
by two session hooks, in the same flush and so in the same transaction: who, when, which table and
record (id and natural code), its version after the change, and the old and new values as JSON. The
dossier import's bulk lane writes its entries set-based (``record_bulk_created``: one INSERT … SELECT a
chunk; ``record_bulk_updated``: one executemany a chunk).

The entry of a row an import created holds no copy of its values (``new_values`` NULL): they are the
row as the import stored it, which the trail gives back exactly (``created_values``: the row as it is
now, or as its deletion kept it, with the old values of every later entry put back). A copy would be
most of the database: 360 bytes of JSON a dossier, 36 MB for a 100.000-row register (twice the
dossiers themselves), copied again into every backup.

A deletion keeps the record's full values and the rows the database deletes with it (ON DELETE
CASCADE children: a dossier's events, a survey form's answers), so ``restore`` can put them back. An
import is one ``import_batch``; its entries carry the batch id and ``undo_batch`` reverts the whole
import while nothing newer depends on it.

Sessions that must not be audited (the demo builder) set ``session.info[SKIP] = True``.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    Numeric,
    Table,
    Text,
    Time,
    UniqueConstraint,
    bindparam,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.sqltypes import Enum as SAEnum

from . import models as m
from .errors import CchcError
from .labels import entity_label, field_label, in_sentence

SKIP = "audit_skip"  # session.info key: no audit for this session
USER = "audit_user"  # session.info key: who deletes / restores (creates and updates use updated_by)
BATCH = "audit_batch"  # session.info key: the import batch the changes belong to
_PENDING = "audit_pending"

NOT_AUDITED = frozenset({"id", "created_at", "updated_at", "updated_by", "version"})
ACTION_LABELS = {
    "create": "Thêm",
    "update": "Sửa",
    "delete": "Xóa",
    "restore": "Khôi phục",
    "undo": "Hoàn tác nhập",
}
AUDIT: Table = m.AuditEntry.__table__  # type: ignore[assignment]
# A row an import created, shown where no session can give its values back (the trail's list: only
# for a row changed since; an unchanged one is shown with its values, see ``as_created_sql``).
AS_IMPORTED = "Thêm khi nhập từ tệp; bấm đúp để xem giá trị lúc thêm"


def _user(session: Session) -> str:
    from .services import current_user

    return session.info.get(USER) or current_user()


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


# --------------------------------------------------------------------------- values


def encode(value: Any, *, full: bool = False) -> Any:
    """A column value as JSON: dates and times in ISO form, decimals as text, enums by value; file
    contents (bytes) by size and digest — whole (base64) only with ``full`` (a deletion, to restore)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        if full:
            return {"$base64": base64.b64encode(data).decode("ascii")}
        return {"$bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def decode(table: Table, key: str, raw: Any) -> Any:
    """The Python value of column ``key`` from its JSON form (the inverse of ``encode``)."""
    if raw is None:
        return None
    ctype = table.c[key].type
    if isinstance(ctype, LargeBinary):
        return base64.b64decode(raw["$base64"]) if isinstance(raw, dict) and "$base64" in raw else None
    if isinstance(ctype, SAEnum) and ctype.enum_class is not None:
        return ctype.enum_class(raw)
    if isinstance(ctype, Boolean):
        return bool(raw)
    if isinstance(ctype, DateTime):
        return dt.datetime.fromisoformat(str(raw))
    if isinstance(ctype, Date):
        return dt.date.fromisoformat(str(raw)[:10])
    if isinstance(ctype, Time):
        return dt.time.fromisoformat(str(raw))
    if isinstance(ctype, Numeric):
        return Decimal(str(raw))
    if isinstance(ctype, Integer):
        return int(raw)
    return raw


def _row_values(table: Table, row: Mapping[str, Any], *, full: bool = False) -> dict[str, Any]:
    return {c.key: encode(row[c.key], full=full) for c in table.columns if c.key not in NOT_AUDITED and c.key in row}


def _obj_values(obj: Any, *, full: bool = False) -> dict[str, Any]:
    return {c.key: encode(getattr(obj, c.key), full=full) for c in obj.__table__.columns
            if c.key not in NOT_AUDITED}


def natural_code(table_name: str, values: Mapping[str, Any]) -> str | None:
    """The code a person knows the record by (dossier number, procedure code, decision number …)."""
    v = values
    if table_name == "document_count" and v.get("month") is not None:
        return f"{v['month']}/{v.get('year')}"
    if table_name == "survey_form" and v.get("number") is not None:
        return f"phiếu số {v['number']}"
    if table_name == "quality_objective" and v.get("number") is not None:
        return f"mục tiêu {v['number']}"
    if table_name == "report_text" and v.get("section_key"):
        return _report_text_code(v)
    if table_name == "task":
        found = v.get("document_number") or (v.get("content") or "")[:80]
        return str(found) if found else None
    for key in ("code", "ubnd_number", "name", "title", "section_key", "day", "year", "number", "label", "kind"):
        if v.get(key) not in (None, ""):
            return str(v[key])[:300]
    return None


def _report_text_code(v: Mapping[str, Any]) -> str:
    """A report text by its section's title and period (“I.2. Cải cách thể chế – kỳ 2024”), not its key."""
    from .enums import ReportType
    from .sections import section_title

    try:
        report_type: ReportType | None = ReportType(str(v.get("report_type")))
    except ValueError:
        report_type = None
    title = section_title(report_type, str(v["section_key"]))
    period = v.get("period_key")
    return (f"{title} – kỳ {period}" if period else title)[:300]


def _audited(obj: Any) -> bool:
    return isinstance(obj, m.TimestampMixin)


_MODELS: dict[str, type[m.Base]] = {}


def model_of(table_name: str) -> type[m.Base] | None:
    if not _MODELS:
        for mapper in m.Base.registry.mappers:
            _MODELS[mapper.local_table.name] = mapper.class_  # type: ignore[attr-defined]
    return _MODELS.get(table_name)


def table_of(table_name: str) -> Table:
    return m.Base.metadata.tables[table_name]


def table_label(table_name: str) -> str:
    model = model_of(table_name)
    return entity_label(model) if model is not None else table_name


def _dependants(table: Table) -> list[tuple[Table, Any, str | None]]:
    """(child table, its foreign-key column, ON DELETE rule) of every foreign key pointing at ``table``."""
    out = []
    for child in m.Base.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table:
                out.append((child, fk.parent, (fk.ondelete or "").upper() or None))
    return out


def _table_order() -> dict[str, int]:
    return {t.name: i for i, t in enumerate(m.Base.metadata.sorted_tables)}


def _collect_children(conn: Any, table: Table, record_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows the database deletes with (``table``, ``record_id``), parents first, and the rows whose
    reference to one of them it sets to NULL."""
    seen: set[tuple[str, int]] = {(table.name, record_id)}
    children: list[dict[str, Any]] = []
    nulled: list[dict[str, Any]] = []
    todo = [(table, record_id)]
    while todo:
        parent, pid = todo.pop()
        for child, column, rule in _dependants(parent):
            if rule == "CASCADE":
                for row in conn.execute(select(child).where(column == pid)).mappings():
                    key = (child.name, row["id"])
                    if key in seen:
                        continue
                    seen.add(key)
                    values = _row_values(child, row, full=True)
                    children.append({"table": child.name, "id": row["id"], "values": values})
                    todo.append((child, row["id"]))
            elif rule == "SET NULL":
                for (cid,) in conn.execute(select(child.c.id).where(column == pid)):
                    nulled.append({"table": child.name, "id": cid, "column": column.key, "value": pid})
    order = _table_order()
    children.sort(key=lambda c: order.get(c["table"], 0))
    return children, nulled


# --------------------------------------------------------------------------- session hooks


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if session.info.get(SKIP):
        return
    updates: list[tuple[Any, dict[str, Any], dict[str, Any]]] = []
    for obj in session.dirty:
        if not _audited(obj) or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for col in obj.__table__.columns:
            if col.key in NOT_AUDITED:
                continue
            hist = state.attrs[col.key].history
            if not hist.has_changes():
                continue
            before = encode(hist.deleted[0]) if hist.deleted else None
            after = encode(hist.added[0]) if hist.added else None
            if before != after:
                old[col.key], new[col.key] = before, after
        if new:
            updates.append((obj, old, new))
    deletes: list[dict[str, Any]] = []
    deleted = [obj for obj in session.deleted if _audited(obj)]
    if deleted:
        conn = session.connection()
        descendants: set[tuple[str, int]] = set()
        for obj in deleted:
            children, nulled = _collect_children(conn, obj.__table__, obj.id)
            descendants.update((c["table"], c["id"]) for c in children)
            deletes.append({"obj": obj, "values": _obj_values(obj, full=True), "version": obj.version,
                            "children": children, "nulled": nulled})
        in_session = {(d["obj"].__tablename__, d["obj"].id) for d in deletes}
        for d in deletes:
            d["root"] = (d["obj"].__tablename__, d["obj"].id) not in descendants
        # rows deleted by the database only (ON DELETE CASCADE): an entry each, for their own history
        extra: dict[tuple[str, int], dict[str, Any]] = {}
        for d in deletes:
            for c in d["children"]:
                key = (c["table"], c["id"])
                if key not in in_session:
                    extra.setdefault(key, c)
        deletes.extend({"obj": None, "child": c, "root": False} for c in extra.values())
    session.info[_PENDING] = (updates, deletes)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context: Any) -> None:
    if session.info.get(SKIP):
        return
    updates, deletes = session.info.pop(_PENDING, ([], []))
    at = now()
    batch = session.info.get(BATCH)
    deleter = _user(session) if deletes else ""
    rows: list[dict[str, Any]] = []

    def entry(action: str, table: str, rid: int, code: str | None, version: int | None, user: str | None,
              old: Any = None, new: Any = None, children: Any = None, in_bin: bool = False) -> None:
        rows.append({
            "at": at, "user": user or _user(session), "action": action, "table_name": table, "record_id": rid,
            "record_code": code, "record_version": version,
            "old_values": None if old is None else json.dumps(old, ensure_ascii=False),
            "new_values": None if new is None else json.dumps(new, ensure_ascii=False),
            "children": None if children is None else json.dumps(children, ensure_ascii=False),
            "in_bin": in_bin, "batch_id": batch,
        })

    for obj in session.new:
        if _audited(obj):
            values = _obj_values(obj)
            entry("create", obj.__tablename__, obj.id, natural_code(obj.__tablename__, values), obj.version,
                  obj.updated_by, new=values)
    for obj, old, new in updates:
        values = _obj_values(obj)
        entry("update", obj.__tablename__, obj.id, natural_code(obj.__tablename__, values), obj.version,
              obj.updated_by, old=old, new=new)
    for d in deletes:
        if d["obj"] is None:
            c = d["child"]
            entry("delete", c["table"], c["id"], natural_code(c["table"], c["values"]), None, deleter,
                  old=c["values"])
            continue
        obj = d["obj"]
        payload = None
        if d["root"] and (d["children"] or d["nulled"]):
            payload = {"rows": d["children"], "nulled": d["nulled"]}
        entry("delete", obj.__tablename__, obj.id, natural_code(obj.__tablename__, d["values"]), d["version"],
              deleter, old=d["values"], children=payload, in_bin=d["root"] and batch is None)
    if rows:
        session.connection().execute(insert(AUDIT), rows)


# --------------------------------------------------------------------------- bulk lane (dossier import)


def _json_object_sql(dialect: str, table: Table) -> str:
    """The audited columns of a row of ``table`` as the database's JSON text."""
    keys = [c.key for c in table.columns if c.key not in NOT_AUDITED]
    args = ", ".join(f"'{k}', {table.name}.{k}" for k in keys)
    if dialect == "sqlite":
        return f"json_object({args})"
    return f"CAST(json_build_object({args}) AS TEXT)"


class _RowJson(ColumnElement[str]):
    """``_json_object_sql`` as an SQL expression, written for the dialect it runs on."""

    inherit_cache = False
    type = Text()

    def __init__(self, table: Table) -> None:
        self.table = table


@compiles(_RowJson)
def _compile_row_json(element: _RowJson, compiler: Any, **kw: Any) -> str:
    return _json_object_sql(compiler.dialect.name, element.table)


BULK_CREATED = ("dossier",)  # tables whose imported rows get entries without a copy (record_bulk_created)


def as_created_sql(entry: Any) -> Any:
    """SQL giving the values of an entry of ``AUDIT`` (alias ``entry``) as the trail's list shows them:
    its own copy, else — a row an import created and nobody changed since (same version) — the row's
    JSON; NULL otherwise (``describe`` then says how to see them)."""
    whens = []
    for name in BULK_CREATED:
        table = table_of(name)
        row = (select(_RowJson(table)).select_from(table)
               .where(table.c.id == entry.record_id, table.c.version == entry.record_version).scalar_subquery())
        whens.append(((entry.table_name == name) & (entry.action == "create"), row))
    return func.coalesce(entry.new_values, case(*whens, else_=None))


def last_id(session: Session, table: Any) -> int:
    """The highest id of ``table`` now (before a bulk insert: the rows above it are the new ones)."""
    return int(session.scalar(select(func.max(table.c.id))) or 0)


def record_bulk_created(session: Session, table: Any, since_id: int, user: str) -> None:
    """Entries for the rows of ``table`` just inserted (ids above ``since_id``: the import holds the write
    lock, so they are its own): one INSERT … SELECT over the id range, without a copy of the values
    (see the module docstring and ``created_values``)."""
    if session.info.get(SKIP):
        return
    conn = session.connection()
    sql = (
        "INSERT INTO audit_entry (at, \"user\", action, table_name, record_id, record_code, record_version, "
        "in_bin, batch_id) "
        f"SELECT :at, :user, 'create', '{table.name}', id, code, version, :in_bin, :batch "
        f"FROM {table.name} WHERE id > :since"
    )
    stmt = text(sql).bindparams(bindparam("at", type_=DateTime()), bindparam("in_bin", type_=Boolean()))
    conn.execute(stmt, {"at": now(), "user": user, "since": since_id, "in_bin": False,
                        "batch": session.info.get(BATCH)})


def record_bulk_updated(
    session: Session, table: Any, changes: Iterable[tuple[int, Mapping[str, Any], Mapping[str, Any]]], user: str
) -> None:
    """Entries for rows of ``table`` updated in bulk — (id, old row, new record) — and their versions
    incremented (one executemany each)."""
    rows: list[dict[str, Any]] = []
    bumps: list[dict[str, Any]] = []
    at = now()
    batch = session.info.get(BATCH)
    for record_id, old_row, new_rec in changes:
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for key, value in new_rec.items():
            if key in NOT_AUDITED or key not in old_row:
                continue
            before, after = encode(old_row[key]), encode(value)
            if before != after:
                old[key], new[key] = before, after
        if not new:  # rewritten with the same values: not a change
            continue
        version = (old_row.get("version") or 1) + 1
        bumps.append({"b_id": record_id})
        if session.info.get(SKIP):
            continue
        rows.append({
            "at": at, "user": user, "action": "update", "table_name": table.name, "record_id": record_id,
            "record_code": natural_code(table.name, {**_row_values(table, old_row), **new}),
            "record_version": version, "old_values": json.dumps(old, ensure_ascii=False),
            "new_values": json.dumps(new, ensure_ascii=False), "children": None, "in_bin": False,
            "batch_id": batch,
        })
    if bumps:
        session.execute(update(table).where(table.c.id == bindparam("b_id"))
                        .values(version=table.c.version + 1), bumps)
    if rows:
        session.connection().execute(insert(AUDIT), rows)


def _row_json(session: Session, table: Table, record_id: int) -> dict[str, Any] | None:
    """The audited values of one row as the trail writes them (the database's own JSON of the row, as
    ``record_bulk_created`` would have copied it), None when the row is not there."""
    sql = f"SELECT {_json_object_sql(session.get_bind().dialect.name, table)} FROM {table.name} WHERE id = :id"
    raw = session.execute(text(sql), {"id": record_id}).scalar()
    return None if raw is None else dict(json.loads(raw))


def created_values(session: Session, entry: m.AuditEntry) -> dict[str, Any]:
    """The values a create entry stands for. Its own copy when it has one; else (a row an import created)
    the row as it is now — or as its deletion kept it — with the old values of every later entry of
    the record put back, newest first: an update gives back what it changed, a deletion (or the undo
    of the import that created it) the whole row; before a create or a restore the record was not
    there. An undo that gave an update's values back needs nothing: the update it reverted comes
    next and gives back the same keys."""
    if entry.new_values is not None or entry.action != "create":
        return json.loads(entry.new_values) if entry.new_values else {}
    table = table_of(entry.table_name)
    later = session.scalars(select(m.AuditEntry).where(
        m.AuditEntry.table_name == entry.table_name, m.AuditEntry.record_id == entry.record_id,
        m.AuditEntry.id > entry.id).order_by(m.AuditEntry.id.desc())).all()
    state = _row_json(session, table, entry.record_id)
    for e in later:
        old = json.loads(e.old_values) if e.old_values else None
        if e.action in ("create", "restore"):
            state = None
        elif e.action in ("delete", "undo") and old is not None:
            state = dict(old)
        elif e.action == "update" and old and state is not None:
            state.update(old)
    return state or {}


def update_where(session: Session, table: Any, condition: Any, values: Mapping[str, Any], *, user: str) -> int:
    """A set-based UPDATE of the rows matching ``condition``, with their versions incremented and one
    entry each (old → new) in the trail; returns the number of rows changed."""
    session.flush()
    rows = session.execute(select(table).where(condition)).mappings().all()
    if not rows:
        return 0
    changes: list[tuple[int, Mapping[str, Any], Mapping[str, Any]]] = [
        (r["id"], dict(r), {**dict(r), **values}) for r in rows]
    record_bulk_updated(session, table, changes, user)
    session.execute(update(table).where(table.c.id.in_([r["id"] for r in rows])).values(**values))
    return len(rows)


def record_touch(session: Session, obj: Any) -> None:
    """An entry for a record whose child rows changed (``services.touch``): its new version, no values."""
    if session.info.get(SKIP):
        return
    values = _obj_values(obj)
    session.connection().execute(insert(AUDIT).values(
        at=now(), user=obj.updated_by or _user(session), action="update", table_name=obj.__tablename__,
        record_id=obj.id, record_code=natural_code(obj.__tablename__, values), record_version=obj.version,
        old_values="{}", new_values="{}", children=None, in_bin=False, batch_id=session.info.get(BATCH),
    ))


def _children_label(table_name: str) -> str:
    names = [table_label(child.name) for child, _col, rule in _dependants(table_of(table_name)) if rule == "CASCADE"]
    return ", ".join(dict.fromkeys(names)) or "dữ liệu kèm theo"


# --------------------------------------------------------------------------- reading the trail


@dataclass(frozen=True)
class Change:
    """One field's change as a person reads it."""

    label: str
    old: str
    new: str


Names = Callable[[str, Any], str | None]  # (table, id) → the record's name (``record_name``), e.g. cached


def record_name(session: Session, table_name: str, record_id: Any) -> str | None:
    """How the trail names a referenced record: its natural code (a procedure's code, a unit's name),
    else its id; ``None`` when there is no such record."""
    table = m.Base.metadata.tables[table_name]
    row = session.execute(select(table).where(table.c.id == record_id)).mappings().first()
    if row is None:
        return None
    return natural_code(table_name, dict(row)) or str(record_id)


def display_value(session: Session | None, table_name: str, key: str, raw: Any, names: Names | None = None) -> str:
    """A stored JSON value as the user reads it: labels of enums, Có/Không, dd/mm/yyyy, a referenced
    record's code instead of its id (through ``session``, else through ``names``)."""
    if raw is None or raw == "":
        return "(trống)"
    if isinstance(raw, dict):  # file contents
        size = raw.get("$bytes", len(raw.get("$base64", "")) * 3 // 4)
        return f"(tệp {size:,} byte)".replace(",", ".")
    table = m.Base.metadata.tables.get(table_name)
    if table is None or key not in table.c:
        return str(raw)
    col = table.c[key]
    try:
        value = decode(table, key, raw)
    except (ValueError, TypeError):
        return str(raw)
    if col.foreign_keys and session is not None:
        names = functools.partial(record_name, session)
    if col.foreign_keys and names is not None:
        found = names(next(iter(col.foreign_keys)).column.table.name, value)
        return f"#{value}" if found is None else found
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, enum.Enum):
        return str(getattr(value, "label", value.value))
    if isinstance(value, dt.datetime):
        return value.strftime("%H:%M %d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, str) and len(value) > 120:
        return value[:117] + "…"
    return str(value)


def changes_of(session: Session | None, entry: m.AuditEntry, names: Names | None = None) -> list[Change]:
    old = json.loads(entry.old_values) if entry.old_values else {}
    if entry.action == "create" and entry.new_values is None and session is not None:
        new = created_values(session, entry)  # a row an import created: no copy kept
    else:
        new = json.loads(entry.new_values) if entry.new_values else {}
    model = model_of(entry.table_name)
    out = []
    for key in list(dict.fromkeys([*old, *new])):
        if old.get(key) == new.get(key):
            continue
        label = field_label(model, key) if model is not None else key
        out.append(Change(label, display_value(session, entry.table_name, key, old.get(key), names),
                          display_value(session, entry.table_name, key, new.get(key), names)))
    return out


def describe(session: Session | None, entry: m.AuditEntry, limit: int = 6, names: Names | None = None) -> str:
    """The changes of an entry in one line: “Ghi chú: a → b; Ngày hẹn trả: … → …” (referenced records
    named through ``session``, else ``names``, else by id)."""
    if entry.action in ("delete", "restore", "undo"):
        if entry.action == "delete":
            return "Đã xóa" + (" (cùng các dữ liệu kèm theo)" if entry.children else "")
        if entry.action == "restore":
            return "Khôi phục từ Thùng rác"
        return "Hoàn tác lần nhập"
    changes = changes_of(session, entry, names)
    if entry.action == "create" and entry.new_values is None and session is None:
        return AS_IMPORTED
    if entry.action == "create":
        parts = [f"{c.label}: {c.new}" for c in changes if c.new != "(trống)"]
    else:
        parts = [f"{c.label}: {c.old} → {c.new}" for c in changes]
    if not parts and entry.action == "update":
        return f"Sửa {_children_label(entry.table_name)}"
    text_ = "; ".join(parts[:limit])
    if len(parts) > limit:
        text_ += f"; … (thêm {len(parts) - limit} thay đổi)"
    return text_


def history(session: Session, table_name: str, record_id: int) -> list[m.AuditEntry]:
    return list(session.scalars(select(m.AuditEntry).where(
        m.AuditEntry.table_name == table_name, m.AuditEntry.record_id == record_id).order_by(m.AuditEntry.id)))


def _identity_labels(model: type[m.Base]) -> set[str]:
    """The labels of the columns that together name a record (a composite unique key: a report text's
    report, period and section); a conflict message names the record already."""
    table: Table = model.__table__  # type: ignore[assignment]
    keys = {c.key for con in table.constraints if isinstance(con, UniqueConstraint) and len(con.columns) > 1
            for c in con.columns}  # fmt: skip
    # a key kept per unit is a pair of partial unique indexes (the department's own rows, the units' rows)
    keys |= {c.key for ix in table.indexes if ix.unique and len(ix.columns) > 1 for c in ix.columns
             if c.key != "unit_id"}  # fmt: skip
    return {field_label(model, key) for key in keys}


def conflict_message(
    session: Session, model: type[m.Base], record_id: int, version: int, *, name: str | None = None,
    deleting: bool = False,
) -> str:
    """Why a save (or, ``deleting``, a deletion) based on ``version`` is refused: what the others changed
    since, who and when. ``name``: how the user knows the record, when its code says little (a report
    text's section title)."""
    table_name = model.__tablename__
    entries = list(session.scalars(select(m.AuditEntry).where(
        m.AuditEntry.table_name == table_name, m.AuditEntry.record_id == record_id,
        m.AuditEntry.record_version > version).order_by(m.AuditEntry.id)))
    what = entity_label(model)
    code = entries[-1].record_code if entries else None
    if name is None:
        name = f"{what} “{code}”" if code else what
    verb = "xóa" if deleting else "lưu"
    since = "khi trang được tải" if deleting else "khi bạn mở"
    head = f"Không {verb} được: {name} đã được người khác thay đổi sau {since}"
    tail = ("Bấm “Làm mới” (F5) để xem bản mới nhất, rồi xóa lại nếu vẫn cần xóa." if deleting
            else "Bấm “Tải lại” để mở bản mới nhất rồi nhập lại thay đổi của bạn.")
    if not entries:
        return f"{head}. {tail}"
    lines = []
    for e in entries:
        when = e.at.strftime("%H:%M %d/%m/%Y")
        if e.action == "update":
            changes = "; ".join(f"{c.label}: {c.old} → {c.new}" for c in changes_of(session, e)) or (
                f"sửa {_children_label(e.table_name)}")
        elif e.action == "create":  # created meanwhile (a report text typed by the other person first)
            typed = [f"{c.label}: {c.new}" for c in changes_of(session, e)
                     if c.label not in _identity_labels(model) and c.new != "(trống)"]  # fmt: skip
            changes = f"thêm mới – {'; '.join(typed) or describe(session, e)}"
        else:  # deleted, restored or undone meanwhile
            changes = describe(session, e)
        lines.append(f"– {e.user} lúc {when}: {changes}")
    return head + ":\n" + "\n".join(lines) + "\n" + tail


def log_select(
    *, start: dt.date | None = None, end: dt.date | None = None, user: str | None = None,
    table_name: str | None = None, record: str | None = None, batch_id: int | None = None,
) -> Any:
    """The trail's entries, newest first, filtered by date range, person, table and record (id or code)."""
    stmt = select(m.AuditEntry).order_by(m.AuditEntry.id.desc())
    return stmt.where(*log_conditions(start=start, end=end, user=user, table_name=table_name, record=record,
                                      batch_id=batch_id))


def log_conditions(
    *, start: dt.date | None = None, end: dt.date | None = None, user: str | None = None,
    table_name: str | None = None, record: str | None = None, batch_id: int | None = None,
) -> list[Any]:
    e = m.AuditEntry
    out: list[Any] = []
    if start is not None:
        out.append(e.at >= dt.datetime.combine(start, dt.time()))
    if end is not None:
        out.append(e.at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    if user:
        out.append(e.user == user)
    if table_name:
        out.append(e.table_name == table_name)
    if record:
        record = record.strip()
        if record.isdigit():
            out.append((e.record_id == int(record)) | (e.record_code == record))
        else:
            out.append(func.lower(e.record_code).contains(record.lower()))
    if batch_id is not None:
        out.append(e.batch_id == batch_id)
    return out


def users(session: Session) -> list[str]:
    return list(session.scalars(select(m.AuditEntry.user).distinct().order_by(m.AuditEntry.user)))


def tables(session: Session) -> list[str]:
    return list(session.scalars(select(m.AuditEntry.table_name).distinct().order_by(m.AuditEntry.table_name)))


# --------------------------------------------------------------------------- recycle bin


def bin_select() -> Any:
    return select(m.AuditEntry).where(m.AuditEntry.in_bin.is_(True)).order_by(m.AuditEntry.id.desc())


def _insert_row(conn: Any, table: Table, values: Mapping[str, Any], record_id: int | None, *,
                version: int | None, user: str) -> int:
    row = {k: decode(table, k, v) for k, v in values.items() if k in table.c}
    row["updated_by"] = user
    if version is not None:
        row["version"] = version
    if record_id is not None:
        row["id"] = record_id
    result = conn.execute(insert(table).values(**row))
    return int(result.inserted_primary_key[0])


def _unique_sets(table: Table) -> list[tuple[list[str], set[str]]]:
    """The column sets no two rows may share, each with the columns compared NULL-safely: a key kept per
    unit is a pair of partial unique indexes (``unit_id IS NULL`` / ``IS NOT NULL``, migration 0008), which
    together say the key with its ``unit_id`` — NULL, the organisation's own row, included — is unique."""
    out: list[tuple[list[str], set[str]]] = [([c.key], set()) for c in table.columns if c.unique]
    for cons in table.constraints:
        if isinstance(cons, UniqueConstraint):
            out.append(([c.key for c in cons.columns], set()))
    for ix in table.indexes:
        if not ix.unique:
            continue
        clause = ix.dialect_options["sqlite"].get("where")
        if clause is None:
            clause = ix.dialect_options["postgresql"].get("where")
        where = "" if clause is None else str(clause)
        scoped = {c.key for c in table.columns if where and re.search(rf"\b{c.name}\b", where)}
        keys = [c.key for c in ix.columns]
        if keys:  # an index on expressions names no column to compare
            out.append((keys + sorted(scoped - set(keys)), scoped))
    return out


def restore(session: Session, entry_id: int, *, user: str | None = None) -> str:
    """Put a deleted record (and the rows deleted with it) back; returns a Vietnamese sentence. Refused
    with one sentence when its code is now taken by another record or a record it belongs to is gone."""
    user = user or _user(session)
    entry = session.get(m.AuditEntry, entry_id, with_for_update=True)  # two restores at once: one waits
    if entry is None or not entry.in_bin:
        raise CchcError("Bản ghi này không còn trong Thùng rác (đã được khôi phục hoặc không tồn tại).")
    table = m.Base.metadata.tables[entry.table_name]
    name = f"{table_label(entry.table_name)} “{entry.record_code}”" if entry.record_code else table_label(
        entry.table_name)
    values: dict[str, Any] = json.loads(entry.old_values or "{}")
    extra = json.loads(entry.children) if entry.children else {"rows": [], "nulled": []}
    rows: list[tuple[Table, int, dict[str, Any]]] = [(table, entry.record_id, values)]
    rows += [(m.Base.metadata.tables[c["table"]], c["id"], c["values"]) for c in extra["rows"]]
    conn = session.connection()
    restoring = {(t.name, rid) for t, rid, _ in rows}
    # checks first: nothing is written when the restore is refused
    for t, _rid, vals in rows:
        for keys, null_safe in _unique_sets(t):
            if not all(k in vals and (vals[k] is not None or k in null_safe) for k in keys):
                continue
            fk_keys = [k for k in keys if t.c[k].foreign_keys and vals[k] is not None]
            if fk_keys and any((next(iter(t.c[k].foreign_keys)).column.table.name, vals[k]) in restoring
                               for k in fk_keys):
                continue  # scoped by a parent restored now
            cond = [t.c[k].is_(None) if vals[k] is None else t.c[k] == decode(t, k, vals[k]) for k in keys]
            if conn.execute(select(func.count()).select_from(t).where(*cond)).scalar():
                named = [k for k in keys if vals[k] is not None]
                what = ", ".join(in_sentence(field_label(model_of(t.name) or m.Base, k)) for k in named)
                shown = ", ".join(display_value(session, t.name, k, vals[k]) for k in named)
                raise CchcError(
                    f"Không khôi phục được {name}: {what} “{shown}” nay đã được dùng cho một bản ghi khác; "
                    "hãy đổi hoặc xóa bản ghi đó trước."
                )
        for col in t.columns:
            if not col.foreign_keys or vals.get(col.key) is None:
                continue
            target = next(iter(col.foreign_keys)).column.table
            ref = decode(t, col.key, vals[col.key])
            if (target.name, ref) in restoring:
                continue
            if not conn.execute(select(func.count()).select_from(target).where(target.c.id == ref)).scalar():
                raise CchcError(
                    f"Không khôi phục được {name}: {table_label(target.name)} mà nó thuộc về đã bị xóa; "
                    f"hãy khôi phục {table_label(target.name)} đó trước."
                )
    new_ids: dict[tuple[str, int], int] = {}
    for i, (t, rid, vals) in enumerate(rows):
        vals = dict(vals)
        for col in t.columns:
            if col.foreign_keys and vals.get(col.key) is not None:
                target = next(iter(col.foreign_keys)).column.table
                mapped = new_ids.get((target.name, int(vals[col.key])))
                if mapped is not None:
                    vals[col.key] = mapped
        taken = conn.execute(select(func.count()).select_from(t).where(t.c.id == rid)).scalar()
        version = (entry.record_version or 1) + 1 if i == 0 else None
        new_ids[(t.name, rid)] = _insert_row(conn, t, vals, None if taken else rid, version=version, user=user)
    for link in extra.get("nulled", []):
        t = m.Base.metadata.tables[link["table"]]
        target_id = new_ids.get((entry.table_name, link["value"]), link["value"])
        conn.execute(update(t).where(t.c.id == link["id"], t.c[link["column"]].is_(None))
                     .values({link["column"]: target_id, "version": t.c.version + 1}))
    conn.execute(update(AUDIT).where(AUDIT.c.id == entry.id).values(in_bin=False))
    new_id = new_ids[(table.name, entry.record_id)]
    conn.execute(insert(AUDIT).values(
        at=now(), user=user, action="restore", table_name=table.name, record_id=new_id,
        record_code=entry.record_code, record_version=(entry.record_version or 1) + 1, old_values=None,
        new_values=entry.old_values, children=entry.children, in_bin=False, batch_id=None,
    ))
    session.expire_all()
    _resync_dossiers(session, rows, user)
    n = len(rows) - 1
    return f"Đã khôi phục {name}" + (f" cùng {n} dữ liệu kèm theo." if n else ".")


def _resync_dossiers(session: Session, rows: list[tuple[Table, int, dict[str, Any]]], user: str) -> None:
    """A restored dossier event: its dossier's columns follow its events again (``core.dossier_events``),
    or the restore is refused when the events no longer hold together (e.g. a second extension)."""
    from .dossier_events import resync

    for dossier_id in sorted({int(v["dossier_id"]) for t, _rid, v in rows if t.name == "dossier_event"}):
        if session.get(m.Dossier, dossier_id) is not None:
            resync(session, dossier_id, user=user)


# --------------------------------------------------------------------------- import batches


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def start_batch(session: Session, path: Path | str, kind: str, user: str) -> int:
    """Record the import of ``path`` as a batch; the session's changes from now on belong to it."""
    batch = m.ImportBatch(at=now(), user=user, kind=kind, file_name=Path(path).name[:500],
                          sha256=file_sha256(path), n_new=0, n_updated=0, n_rejected=0)
    session.add(batch)
    session.flush()
    session.info[BATCH] = batch.id
    return batch.id


def finish_batch(session: Session, batch_id: int, *, new: int, updated: int, rejected: int) -> None:
    session.info.pop(BATCH, None)
    session.execute(update(m.ImportBatch).where(m.ImportBatch.id == batch_id)
                    .values(n_new=new, n_updated=updated, n_rejected=rejected))


def batches_select() -> Any:
    return select(m.ImportBatch).order_by(m.ImportBatch.id.desc())


def _batch_name(batch: m.ImportBatch) -> str:
    return f"lần nhập số {batch.id} (tệp {batch.file_name}, {batch.at.strftime('%H:%M %d/%m/%Y')})"


def undo_batch(session: Session, batch_id: int, *, user: str | None = None) -> str:
    """Revert an import as a whole: created rows removed, updated rows given their values back, deleted
    rows put back. Refused with one sentence when something newer depends on it (a row changed or
    deleted after the import, a newer record that uses a created row)."""
    user = user or _user(session)
    batch = session.get(m.ImportBatch, batch_id, with_for_update=True)  # two undos at once: one waits
    if batch is None:
        raise CchcError(f"Không có lần nhập số {batch_id}.")
    if batch.undone_at is not None:
        name = _batch_name(batch)
        raise CchcError(f"{name[:1].upper()}{name[1:]} đã được hoàn tác lúc "
                        f"{batch.undone_at.strftime('%H:%M %d/%m/%Y')}.")
    e = m.AuditEntry
    conn = session.connection()
    last = session.scalar(select(func.max(e.id)).where(e.batch_id == batch_id))
    if last is None:
        _mark_undone(session, batch, user)
        return f"Đã hoàn tác {_batch_name(batch)}: lần nhập không thay đổi dữ liệu nào."
    touched = list(session.scalars(select(e.table_name).where(e.batch_id == batch_id).distinct()))
    order = _table_order()
    touched.sort(key=lambda t: order.get(t, 0))
    for tname in touched:
        later = session.scalars(select(e).where(
            e.id > last, e.table_name == tname,
            e.record_id.in_(select(e.record_id).where(e.batch_id == batch_id, e.table_name == tname)),
            # entries of batches undone since (their changes and their undo) cancel out
            e.batch_id.is_(None) | e.batch_id.not_in(
                select(m.ImportBatch.id).where(m.ImportBatch.undone_at.is_not(None) | (m.ImportBatch.id == batch_id))),
        ).order_by(e.id).limit(1)).first()
        if later is not None:
            what = f"{table_label(tname)} “{later.record_code or later.record_id}”"
            verb = "bị xóa" if later.action == "delete" else "được sửa"
            raise CchcError(
                f"Không hoàn tác được {_batch_name(batch)}: {what} đã {verb} sau lần nhập "
                f"(bởi {later.user} lúc {later.at.strftime('%H:%M %d/%m/%Y')}); hãy xử lý thay đổi đó trước."
            )
        table = m.Base.metadata.tables[tname]
        # a change not in the trail (another program): the version moved on
        latest = select(func.max(e.id)).where(
            e.table_name == tname,
            e.record_id.in_(select(e.record_id).where(e.batch_id == batch_id, e.table_name == tname)),
        ).group_by(e.record_id)
        moved = conn.execute(select(e.record_code, e.record_id).join(table, table.c.id == e.record_id).where(
            e.id.in_(latest), e.action != "delete", table.c.version != e.record_version).limit(1)).first()
        if moved is not None:
            raise CchcError(
                f"Không hoàn tác được {_batch_name(batch)}: {table_label(tname)} “{moved[0] or moved[1]}” "
                "đã được thay đổi sau lần nhập."
            )
    created = {t: select(e.record_id).where(e.batch_id == batch_id, e.table_name == t, e.action == "create")
               for t in touched}
    for tname in touched:
        for child, column, _rule in _dependants(m.Base.metadata.tables[tname]):
            cond = [column.in_(created[tname])]
            if child.name in created:
                cond.append(child.c.id.not_in(created[child.name]))
            found = conn.execute(select(child).where(*cond).limit(1)).mappings().first()
            if found is not None:
                code = natural_code(child.name, dict(found))
                parent = conn.execute(select(table_of(tname)).where(
                    table_of(tname).c.id == found[column.key])).mappings().first()
                parent_code = natural_code(tname, dict(parent)) if parent is not None else None
                raise CchcError(
                    f"Không hoàn tác được {_batch_name(batch)}: {table_label(child.name)}"
                    + (f" “{code}”" if code else "") + " mới hơn dùng đến " + table_label(tname)
                    + (f" “{parent_code}”" if parent_code else "")
                    + " do lần nhập này tạo; hãy xóa hoặc chuyển dữ liệu đó trước."
                )
    deleted = session.scalars(select(e).where(e.batch_id == batch_id, e.action == "delete")).all()
    created_in_batch = {(t, rid) for t in touched for rid in conn.execute(created[t]).scalars()} if deleted else set()
    for entry in deleted:
        if (entry.table_name, entry.record_id) in created_in_batch:
            continue  # its id was used again by a row of the same import (removed in step 1)
        table = table_of(entry.table_name)
        created_again = conn.execute(select(func.count()).select_from(table).where(table.c.id == entry.record_id))
        if created_again.scalar():
            raise CchcError(
                f"Không hoàn tác được {_batch_name(batch)}: {table_label(entry.table_name)} "
                f"“{entry.record_code or entry.record_id}” do lần nhập xóa nay đã có bản ghi khác thay chỗ."
            )
    at = now()
    # 1. rows the import created go, children first (set-based)
    for tname in reversed(touched):
        table = m.Base.metadata.tables[tname]
        conn.execute(insert(AUDIT).from_select(
            ["at", "user", "action", "table_name", "record_id", "record_code", "record_version", "old_values",
             "in_bin", "batch_id"],
            select(bindparam("at", at, type_=DateTime()), bindparam("u", user), text("'undo'"), e.table_name,
                   e.record_id, e.record_code, e.record_version, _values_as_created(table, e),
                   bindparam("f", False), bindparam("b", batch_id))
            .where(e.batch_id == batch_id, e.table_name == tname, e.action == "create"),
        ))
        conn.execute(delete(table).where(table.c.id.in_(created[tname])))
    # 2. rows it updated or deleted get their values from before the import
    created_ids = {(t, rid) for t in touched for rid in conn.execute(created[t]).scalars()}
    # the first action of the import on each record it did not create: the values from before it
    first_create: dict[tuple[str, int], int] = {
        (t, r): i for t, r, i in session.execute(select(e.table_name, e.record_id, func.min(e.id)).where(
            e.batch_id == batch_id, e.action == "create").group_by(e.table_name, e.record_id))}
    entries = session.scalars(select(e).where(
        e.batch_id == batch_id, e.action.in_(("update", "delete"))).order_by(e.id)).all()
    before: dict[tuple[str, int], dict[str, Any]] = {}
    first_action: dict[tuple[str, int], m.AuditEntry] = {}
    for entry in entries:
        key = (entry.table_name, entry.record_id)
        if key in first_create and first_create[key] < entry.id:
            continue  # a row this import created (and then changed): removed in step 1
        first_action.setdefault(key, entry)
        for k, v in (json.loads(entry.old_values) if entry.old_values else {}).items():
            before.setdefault(key, {}).setdefault(k, v)
    audit_rows = []
    for key in sorted(first_action, key=lambda k: order.get(k[0], 0)):
        entry = first_action[key]
        table = m.Base.metadata.tables[key[0]]
        vals = before.get(key, {})
        if entry.action == "delete":
            _insert_row(conn, table, vals, key[1], version=None, user=user)
            new_values = entry.old_values
        else:
            row = {k: decode(table, k, v) for k, v in vals.items()}
            conn.execute(update(table).where(table.c.id == key[1])
                         .values(**row, updated_by=user, version=table.c.version + 1))
            new_values = json.dumps(vals, ensure_ascii=False)
        version = conn.execute(select(table.c.version).where(table.c.id == key[1])).scalar()
        audit_rows.append({"at": at, "user": user, "action": "undo", "table_name": key[0], "record_id": key[1],
                           "record_code": entry.record_code, "record_version": version, "old_values": None,
                           "new_values": new_values, "children": None, "in_bin": False, "batch_id": batch_id})
    if audit_rows:
        conn.execute(insert(AUDIT), audit_rows)
    _mark_undone(session, batch, user)
    session.expire_all()
    return (f"Đã hoàn tác {_batch_name(batch)}: bỏ {len(created_ids)} bản ghi đã tạo, "
            f"trả lại giá trị cũ cho {len(first_action)} bản ghi.")


def _values_as_created(table: Table, e: Any) -> Any:
    """The create entry's values, or (no copy kept) the row's own JSON: the row as the import stored it,
    since an undo is refused once a row changed after the import."""
    row = select(_RowJson(table)).select_from(table).where(table.c.id == e.record_id).scalar_subquery()
    return func.coalesce(e.new_values, row)


def _mark_undone(session: Session, batch: m.ImportBatch, user: str) -> None:
    session.execute(update(m.ImportBatch).where(m.ImportBatch.id == batch.id)
                    .values(undone_at=now(), undone_by=user))
