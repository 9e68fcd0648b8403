"""Import a spreadsheet of one kind (dossiers, procedures, decisions, tasks, document counts, survey
forms, survey totals).

One import is one transaction: every row is parsed (io.parsing), normalised and validated by the
rules of ``core.services`` (for dossiers prepared once per import by ``io.bulk``, checked against
``services`` by a test), and written; a bad row is rejected with its
row number, column and a Vietnamese reason. Mode "valid rows" (default) writes the good rows;
"all or nothing" writes nothing when any row is bad. Any exception, a cancel, or a killed process
leaves the database as it was. Re-importing updates records by their key (dossier code, procedure
code, decision number, task document + content, year + month, campaign + form number), never
duplicates.

Dossiers go in bulk, by chunks of ``CHUNK`` rows (``io.bulk``: the services' rules prepared once,
a few multi-row INSERTs per chunk); for a load that is large next to the table the day-count triggers
and the secondary indexes are dropped inside the same transaction, each chunk's rows are added to
the day counts as they are written, and the indexes are rebuilt once at the end. On SQLite the SQL of
a chunk runs on a helper thread while the next chunk is read and typed (``bulk.Overlap``). Memory
stays bounded: rows stream from the reader, and what is kept per row is four bytes (``_Written``).
Survey forms: one row per form (campaign, form number, the chosen option per criterion).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import operator
import re
from array import array
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..core import audit, services
from ..core import models as m
from ..core.backup import backup_before
from ..core.db import Database
from ..core.enums import AssignedBy, DossierOutcome, SurveyMode
from ..core.errors import CchcError, ValidationError
from . import lane
from . import parsing as p
from .bulk import DossierRules, DossierWriter, Overlap
from .catalogue import Catalogue
from .event_columns import RowEvents, adjust_values, has_event_data
from .lane import SLOW, DossierLane
from .mapping import (
    HEADER_SCAN_ROWS,
    KIND_LABELS,
    KINDS,
    Header,
    apply_mapping,
    criterion_order,
    detect_header,
    load_mapping,
)
from .sheets import BadRow, RowStream, open_sheet

# progress(done, total, text) -> False to cancel (the GUI's Progress object fits).
ProgressFn = Callable[[int, int, str], Any]
CHUNK = 5_000
BULK_THRESHOLD = 2_000  # from this many rows, dossier count triggers are suspended during the load
MAX_REJECTS_KEPT = 100_000


class ImportCancelled(CchcError):
    def __init__(self) -> None:
        super().__init__("Đã hủy nhập dữ liệu; cơ sở dữ liệu không thay đổi.")


class _AllOrNothing(Exception):
    """Raised inside the transaction to roll it back when a row was rejected."""


@dataclass(frozen=True)
class Reject:
    row: int  # row number as the spreadsheet shows it
    column: str  # the column's header in the file (or the field's Vietnamese name)
    reason: str
    values: tuple[Any, ...] = ()


@dataclass
class ImportResult:
    kind: str
    imported: int = 0
    updated: int = 0
    rejects: list[Reject] = field(default_factory=list)
    rows: int = 0
    created_procedures: int = 0
    created_units: int = 0
    created_fields: int = 0
    committed: bool = True
    cancelled: bool = False
    header: Header | None = None
    batch_id: int | None = None  # the import batch (audit trail), None when nothing was committed

    @property
    def rejected(self) -> list[Reject]:
        """The rejected rows (same list as ``rejects``)."""
        return self.rejects

    @property
    def created(self) -> int:
        return self.imported

    def summary(self) -> str:
        if self.cancelled:
            return "Đã hủy nhập dữ liệu; cơ sở dữ liệu không thay đổi."
        text = f"Đã nhập {self.imported} mới, cập nhật {self.updated}, từ chối {len(self.rejects)} dòng"
        created = [f"{n} {what}" for n, what in ((self.created_units, "đơn vị"), (self.created_fields, "lĩnh vực"),
                                                 (self.created_procedures, "thủ tục")) if n]
        if created:
            text += f"; tạo {', '.join(created)} (cần bổ sung thông tin)"
        if not self.committed:
            text += " — chế độ “tất cả hoặc không”: không có dòng nào được lưu"
        return text + "."


class RowError(Exception):
    def __init__(self, key: str, reason: str) -> None:
        super().__init__(reason)
        self.key = key
        self.reason = reason


# --------------------------------------------------------------------------- reading


@dataclass
class _Source:
    header: Header
    rows: RowStream  # the data rows (empty ones left out), one by one or by blocks
    estimate: int


def _has_value(cells: list[Any]) -> bool:
    """Whether a row has a cell that is not empty or blank."""
    return any(c is not None and (type(c) is not str or c.strip()) for c in cells)


def _is_numbering_row(cells: list[Any]) -> bool:
    """The "(1) (2) (3) …" row many forms put under the header."""
    values = [c for c in cells if not p.is_empty(c)]
    if len(values) < 3:
        return False
    for i, v in enumerate(values, 1):
        t = str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip().strip("()")
        if t != str(i):
            return False
    return True


def open_source(kind: str, path: Path | str, mapping: dict[str, str] | Path | str | None = None, *,
                sheet: str | int | None = None, header: Header | None = None) -> _Source:
    """Open the file, find the header and its mapping; the rows after the header stream."""
    if kind not in KINDS:
        raise CchcError(f"Loại dữ liệu “{kind}” không nhập được; chọn một trong: {', '.join(KINDS)}.")
    sh = open_sheet(path, sheet)
    merged = sh.merged
    numbered = sh.rows  # a generator (closed below); the reader gives NFC text
    head: list[tuple[int, list[Any]]] = []
    for item in numbered:
        head.append(item)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    if not head:
        raise CchcError(f"Tệp {Path(path).name} không có dữ liệu.")
    try:
        if header is None:
            header = detect_header(kind, [r for _, r in head], merged, head[0][0])
        if mapping is not None:
            saved = mapping if isinstance(mapping, dict) else load_mapping(mapping, kind)
            header = apply_mapping(header, saved)
        missing = header.missing(kind)
        if missing:
            names = ", ".join(f"“{s.label}”" for s in missing)
            raise CchcError(
                f"Tệp {Path(path).name} thiếu cột bắt buộc {names}; hãy chọn cột tương ứng trong ánh xạ cột."
            )
    except CchcError:
        numbered.close()
        raise
    rest = head[header.data_start:]

    def blocks() -> Generator[list[tuple[int, list[Any]]], None, None]:
        first = True
        try:
            for block in itertools.chain([rest], numbered.blocks()):
                # Empty rows left out: a first cell with a value decides at once (the usual row).
                kept = [
                    item for item in block
                    if ((cells := item[1]) and (c := cells[0]) is not None and (type(c) is not str or (c and not c.isspace())))
                    or _has_value(cells)
                ]
                if first and kept:
                    first = False
                    if _is_numbering_row(kept[0][1]):
                        del kept[0]
                if kept:
                    yield kept
        finally:
            numbered.close()

    estimate = max((sh.total_rows or 0) - header.data_start, 0)
    return _Source(header, RowStream(blocks()), estimate)


def preview(kind: str, path: Path | str, limit: int = 20, mapping: Any = None) -> tuple[Header, list[tuple[int, list[Any]]]]:
    """The detected header and the first data rows, for the import wizard."""
    src = open_source(kind, path, mapping)
    out = []
    for item in src.rows:
        out.append(item)
        if len(out) >= limit:
            break
    return src.header, out


# --------------------------------------------------------------------------- cell parsing

_PARSERS: dict[str, Callable[[Any], Any]] = {
    "code": p.parse_code,
    "procedure_code": p.parse_code,
    "ubnd_number": p.parse_code,
    "iso_number": p.parse_code,
    "letter_number": p.parse_code,
    "iso_process_number": p.parse_code,
    "document_number": p.parse_code,
    "received": p.parse_datetime,
    "due": p.parse_date,
    "extended_due": p.parse_date,
    "resolved": p.parse_date,
    "channel": p.parse_channel,
    "outcome": p.parse_outcome,
    "supplement_requests": p.parse_count,
    "extended_on": p.parse_date,
    "apology_date": p.parse_date,
    "supplement_requested_on": p.parse_date,
    "supplement_received_on": p.parse_date,
    "stopped_on": p.parse_date,
    "online_level": p.parse_online_level,
    "duration": p.parse_duration,
    "abolished_on": p.parse_date,
    "iso_process_date": p.parse_date,
    "steps_checked_on": p.parse_date,
    "steps_match": p.parse_bool,
    "published_in_qms": p.parse_bool,
    "ubnd_date": p.parse_date,
    "iso_date": p.parse_date,
    "letter_date": p.parse_date,
    "document_date": p.parse_date,
    "assigned_on": p.parse_date,
    "due_on": p.parse_date,
    "extended_due_on": p.parse_date,
    "completed_on": p.parse_date,
    "extension_approved": p.parse_bool,
    "year": p.parse_count,
    "month": p.parse_count,
    "outgoing": p.parse_count,
    "outgoing_secret": p.parse_count,
    "outgoing_electronic": p.parse_count,
    "decisions": p.parse_count,
    "decisions_electronic": p.parse_count,
    "incoming": p.parse_count,
    "incoming_electronic": p.parse_count,
    "count": p.parse_count,
    "number": p.parse_count,
    "filled_on": p.parse_date,
}


def _plan(header: Header) -> list[tuple[int, str, Callable[[Any], Any]]]:
    """(column, field, parser) for the mapped columns, made once per mapping."""
    cached = header.plan
    if cached is not None and cached[0] is header.mapping:
        return cached[1]
    plan = [(col, key, _PARSERS.get(key, p.clean_text)) for col, key in header.mapping.items()]
    header.plan = (header.mapping, plan)
    return plan


def _parse_cells(header: Header, cells: list[Any]) -> dict[str, Any]:
    if type(cells) is BadRow:  # a row the reader could not read faithfully (e.g. a stray byte in a CSV)
        raise RowError(header.mapping.get(cells.column, ""), cells.reason)
    out: dict[str, Any] = {}
    width = len(cells)
    key = ""
    try:
        for col, key, parser in _plan(header):
            out[key] = parser(cells[col] if col < width else None)  # short rows are padded
    except p.CellError as exc:
        raise RowError(key, str(exc)) from None
    return out


def _column_name(header: Header, kind: str, key: str) -> str:
    for col, k in header.mapping.items():
        if k == key and col < len(header.names) and header.names[col]:
            return " ".join(header.names[col].split())
    for spec in KINDS[kind]:
        if spec.key == key:
            return spec.label
    return key


# --------------------------------------------------------------------------- entry point


def import_file(
    db: Database,
    kind: str,
    path: Path | str,
    *,
    mapping: dict[str, str] | Path | str | None = None,
    all_or_nothing: bool = False,
    create_missing_procedures: bool = False,
    create_missing: bool = False,
    progress: ProgressFn | None = None,
    sheet: str | int | None = None,
    user: str | None = None,
    header: Header | None = None,
) -> ImportResult:
    """Import ``path`` as ``kind`` in one transaction; see the module docstring. ``header`` is a header
    the user corrected (e.g. in the import wizard), else it is detected. A cancel through ``progress``
    returns a result with ``cancelled`` set and nothing changed. ``create_missing`` creates the units,
    fields and procedures the catalogue lacks (``io.catalogue``), ``create_missing_procedures`` only the
    procedures."""
    with _collection_paused():
        return _import(db, kind, path, mapping, all_or_nothing, create_missing_procedures, create_missing,
                       progress, sheet, user, header)


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Python's automatic garbage collection held off while a file is imported: the rows make millions of
    short-lived lists and tuples, none in a cycle, and each collection they set off walks every object of
    the process (≈ 0,3 s of a 100.000-row import). In the app the collector is already off outside the
    GUI thread's timer (``ui.collector``): nothing is changed there, and nothing is switched back on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _import(
    db: Database, kind: str, path: Path | str, mapping: dict[str, str] | Path | str | None, all_or_nothing: bool,
    create_missing_procedures: bool, create_missing: bool, progress: ProgressFn | None, sheet: str | int | None,
    user: str | None, header: Header | None,
) -> ImportResult:
    src = open_source(kind, path, mapping, sheet=sheet, header=header)
    result = ImportResult(kind, header=src.header)
    user = user or services.current_user()
    importer = _IMPORTERS[kind]
    backup_before(db, "import")  # refused (BackupError) when the copy cannot be written: nothing imported
    try:
        with db.transaction(lock="import") as session:  # two imports at once run one after the other
            result.batch_id = audit.start_batch(session, path, kind, user)
            opt = _Options(
                create_missing_procedures or create_missing, progress, user, kind, create_missing=create_missing
            )
            importer(session, src, result, opt)
            if all_or_nothing and result.rejects:
                raise _AllOrNothing
            audit.finish_batch(session, result.batch_id, new=result.imported, updated=result.updated,
                               rejected=len(result.rejects))
    except _AllOrNothing:
        result.committed = False
        result.batch_id = None
        result.imported = result.updated = result.created_procedures = 0
        result.created_units = result.created_fields = 0
    except ImportCancelled:
        result.committed = False
        result.batch_id = None
        result.cancelled = True
        result.imported = result.updated = result.created_procedures = 0
        result.created_units = result.created_fields = 0
    return result


def write_rejects(result: ImportResult, path: Path | str) -> int:
    """The rejected rows as an .xlsx with a reason column (see ``export.save_rejects``)."""
    from .export import save_rejects

    return save_rejects(result, path)


@dataclass
class _Options:
    create_missing_procedures: bool
    progress: ProgressFn | None
    user: str
    kind: str
    row: int = 0  # the sheet row being saved (row-by-row kinds)
    create_missing: bool = False  # units and fields too (io.catalogue)

    def report(self, done: int, total: int) -> None:
        if self.progress is None:
            return
        label = KIND_LABELS.get(self.kind, self.kind)
        if self.progress(done, max(total, done), f"Đang nhập {label}: {done} dòng") is False:
            raise ImportCancelled


def _reject(result: ImportResult, header: Header, kind: str, number: int, key: str | None, reason: str,
            cells: list[Any]) -> None:
    if len(result.rejects) >= MAX_REJECTS_KEPT:
        return
    column = _column_name(header, kind, key) if key else ""
    reason = reason[:1].upper() + reason[1:]  # each reason reads as a sentence of its own
    result.rejects.append(Reject(number, column, reason, tuple(cells)))


# --------------------------------------------------------------------------- dossiers (bulk)

_DOSSIER_KEYS = {
    "received_on": "received",
    "received_time": "received",
    "due_on": "due",
    "extended_due_on": "extended_due",
    "resolved_on": "resolved",
    "procedure_id": "procedure_code",
    "unit_id": "unit",
}


def _dossier_values(parsed: dict[str, Any], procedures: dict[str, m.Procedure], units: Catalogue) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "code" in parsed:
        values["code"] = parsed["code"]
    if parsed.get("procedure_code") is not None:
        code = parsed["procedure_code"]
        proc = procedures.get(code)
        if proc is None:
            raise RowError("procedure_code", f"mã TTHC “{code}” chưa có trong danh mục thủ tục hành chính")
        values["procedure_id"] = proc.id
    if "received" in parsed:
        found = parsed["received"]
        values["received_on"], values["received_time"] = found if found else (None, None)
    for src, dst in (("due", "due_on"), ("extended_due", "extended_due_on"), ("resolved", "resolved_on")):
        if src in parsed:
            values[dst] = parsed[src]
    for key in ("applicant", "channel", "apology_letter", "note"):
        if key in parsed:
            values[key] = parsed[key]
    if "supplement_requests" in parsed:
        values["supplement_requests"] = parsed["supplement_requests"] or 0
    if parsed.get("unit") or parsed.get("unit_code"):
        unit_id = units.unit(parsed.get("unit"), parsed.get("unit_code"))
        if unit_id is None:
            raise RowError("unit", f"đơn vị “{parsed.get('unit') or parsed.get('unit_code')}” chưa có trong danh mục đơn vị")
        values["unit_id"] = unit_id
    if "outcome" in parsed:
        outcome = parsed["outcome"]
        if outcome is None and parsed.get("resolved") is not None:
            outcome = DossierOutcome.RESOLVED
        values["outcome"] = outcome
    if values.get("channel") is None and "channel" in values:
        del values["channel"]
    return values


def _create_review_procedure(session: Session, code: str, name: str | None, user: str,
                             **values: Any) -> m.Procedure:
    return services.create(
        session, m.Procedure, {"code": code, "name": name or f"Thủ tục {code}", "needs_review": True, **values},
        user=user,
    )


class _Written:
    """The sheet row that wrote each dossier of this import, to name it when a code comes again — in
    four bytes a row (a dict of a million codes would take 130 MB): inserted dossiers get consecutive
    ids, so their rows sit in an array by id; updated ones, and inserts whose ids were not consecutive
    (not expected), in dicts by id."""

    def __init__(self, first_id: int) -> None:
        self.first_id = first_id
        self.inserted = array("l")
        self.other: dict[int, int] = {}

    def row_of(self, dossier_id: int) -> int | None:
        at = dossier_id - self.first_id
        if 0 <= at < len(self.inserted):
            return self.inserted[at]
        return self.other.get(dossier_id)

    def add_inserted(self, session: Session, rows: list[int], codes: list[str]) -> None:
        last = session.scalar(select(func.max(m.Dossier.id))) or 0
        if last - len(rows) + 1 == self.first_id + len(self.inserted):
            self.inserted.extend(rows)
            return
        ids = _ids_of(session, codes)
        self.other.update((ids[code], row) for code, row in zip(codes, rows, strict=True))


def _ids_of(session: Session, codes: list[str]) -> dict[str, int]:
    """Dossier id by code, for the codes that exist (one query; on SQLite the codes go as one JSON array)."""
    if not codes:
        return {}
    if session.get_bind().dialect.name == "sqlite":
        try:
            found = session.connection().exec_driver_sql(
                "SELECT code, id FROM dossier WHERE code IN (SELECT value FROM json_each(?))", (json.dumps(codes),)
            ).all()
            return dict(found)
        except OperationalError:  # an SQLite built without JSON (before 3.38): the portable query
            pass
    found = session.execute(select(m.Dossier.code, m.Dossier.id).where(m.Dossier.code.in_(codes))).all()
    return dict(found)


@dataclass
class _DossierLoad:
    """What one dossier import keeps between chunks."""

    session: Session
    header: Header
    result: ImportResult
    opt: _Options
    procedures: dict[str, m.Procedure]
    units: Catalogue
    rules: DossierRules
    writer: DossierWriter
    written: _Written
    events: RowEvents
    lane: DossierLane | None = None  # io.lane, when it can take this mapping
    lane_code: int = 0  # where the dossier code sits in a lane row
    overlap: Overlap | None = None  # SQLite: a chunk's SQL runs while the next chunk is read (io.bulk)

    def settle(self) -> None:
        """Before any statement of the importer's own: the previous chunk's SQL done."""
        if self.overlap is not None:
            self.overlap.settle()


def _import_dossiers(session: Session, src: _Source, result: ImportResult, opt: _Options) -> None:
    procedures: dict[str, m.Procedure] = {pr.code: pr for pr in session.scalars(select(m.Procedure))}
    units = Catalogue(session, opt.user, create=opt.create_missing)
    existing = session.scalar(select(func.count()).select_from(m.Dossier)) or 0
    last_id = session.scalar(select(func.max(m.Dossier.id))) or 0
    load = _DossierLoad(
        session, src.header, result, opt, procedures, units,
        DossierRules(session, {pr.id: pr for pr in procedures.values()}),
        DossierWriter(session, opt.user), _Written(last_id + 1), RowEvents(session),
    )
    if lane.usable(src.header, load.writer):
        load.lane = DossierLane(src.header, load.writer, procedures, opt.user, units)
        load.lane_code = load.writer.columns.index("code")
    # A load that is large next to the table: counts and indexes are rebuilt once at the end.
    bulk = src.estimate >= BULK_THRESHOLD and src.estimate >= existing
    if bulk:
        load.writer.suspend()
    if load.writer.sqlite:
        load.overlap = Overlap()
    failed = True
    try:
        chunk: list[tuple[int, list[Any]]] = []
        done = 0
        for block in src.rows.blocks():
            chunk.extend(block)
            while len(chunk) >= CHUNK:
                part, chunk = chunk[:CHUNK], chunk[CHUNK:]
                _dossier_chunk(load, part)
                done += len(part)
                opt.report(done, src.estimate)
        if chunk:
            _dossier_chunk(load, chunk)
            done += len(chunk)
            opt.report(done, src.estimate)
        failed = False
    finally:
        if load.overlap is not None:
            load.overlap.close(failed=failed)
            load.overlap = None
    if bulk:
        load.writer.restore()
    result.created_units += units.created_units
    result.created_fields += units.created_fields


def _dossier_chunk(load: _DossierLoad, chunk: list[tuple[int, list[Any]]]) -> None:
    """Parse, match, validate and write one chunk. A code met again (earlier in the file, or earlier in
    this chunk) is rejected naming the row that wrote it; a row rejected for another reason claims no code.
    The rows ``io.lane`` proves plain come typed and checked; the others take the row path below."""
    session, header, result, opt, written = load.session, load.header, load.result, load.opt, load.written
    procedures = load.procedures
    kind = "dossiers"
    lane_rows = load.lane.rows(chunk) if load.lane is not None and len(chunk) >= lane.MIN_ROWS else None
    load.settle()  # from here on the importer's own statements (lookups, created procedures, units)
    if lane_rows is not None and SLOW not in lane_rows and _all_new(load, chunk, lane_rows):
        return
    parsed_rows: list[tuple[int, list[Any], dict[str, Any] | None, Any]] = []
    codes: list[str] = []
    code_at = load.lane_code
    for at, (number, cells) in enumerate(chunk):
        result.rows += 1
        if lane_rows is not None and (row := lane_rows[at]) is not SLOW:
            parsed_rows.append((number, cells, None, row))
            codes.append(row[code_at])
            continue
        try:
            parsed = _parse_cells(header, cells)
        except RowError as exc:
            _reject(result, header, kind, number, exc.key, exc.reason, cells)
            continue
        code = parsed.get("code")
        if not code:
            _reject(result, header, kind, number, "code", "thiếu số hồ sơ", cells)
            continue
        pcode = parsed.get("procedure_code")
        if pcode and pcode not in procedures and opt.create_missing_procedures:
            extra = load.units.procedure_values(parsed) if opt.create_missing else {}
            proc = _create_review_procedure(session, pcode, parsed.get("procedure_name"), opt.user, **extra)
            procedures[pcode] = load.rules.procedures[proc.id] = proc
            result.created_procedures += 1
        parsed_rows.append((number, cells, parsed, None))
        codes.append(code)
    if not parsed_rows:
        return
    table = m.Dossier.__table__
    ids = _ids_of(session, codes)
    before = [i for i in ids.values() if written.row_of(i) is None]
    existing: dict[int, dict[str, Any]] = {}
    if before:  # dossiers that were in the table before this import: the whole record, typed
        existing = {row["id"]: dict(row) for row in session.execute(select(table).where(table.c.id.in_(before))).mappings()}
    with_events = load.events.with_events(ids.values())
    accepted: dict[str, int] = {}
    inserts: list[tuple[Any, ...]] = []
    insert_rows: list[int] = []
    insert_codes: list[str] = []
    inserted_recs: list[dict[str, Any]] = []  # the row path's new records (not on SQLite: the writer's dicts)
    updates: list[tuple[int, dict[str, Any]]] = []
    prepare = load.rules.prepare
    units = load.units
    sqlite = load.writer.sqlite
    for (number, cells, maybe_parsed, row), code in zip(parsed_rows, codes, strict=True):
        if row is not None:
            if code not in ids and code not in accepted:  # a new dossier, typed and checked by the lane
                accepted[code] = number
                inserts.append(row)
                insert_rows.append(number)
                insert_codes.append(code)
                continue
            try:  # an update or a duplicate: the row path decides
                maybe_parsed = _parse_cells(header, cells)
            except RowError as exc:  # not expected: the lane read every cell of the row
                _reject(result, header, kind, number, exc.key, exc.reason, cells)
                continue
        assert maybe_parsed is not None
        parsed = maybe_parsed
        dossier_id = ids.get(code)
        first = accepted.get(code) or (written.row_of(dossier_id) if dossier_id is not None else None)
        if first is not None:
            _reject(result, header, kind, number, "code", f"số hồ sơ “{code}” trùng với dòng {first}", cells)
            continue
        old = existing.get(dossier_id) if dossier_id is not None else None
        try:
            values = _dossier_values(parsed, procedures, units)
            events = has_event_data(parsed) or dossier_id in with_events
            if events:
                adjust_values(parsed, values)
            rec = prepare(values, old)
            if events:  # the row's events, checked with the dossier before anything is written
                load.events.check(parsed, rec, None if old is None else old["id"], opt.user)
        except RowError as exc:
            _reject(result, header, kind, number, exc.key, exc.reason, cells)
            continue
        except ValidationError as exc:
            key = _DOSSIER_KEYS.get(exc.field or "", exc.field or "")
            _reject(result, header, kind, number, key, exc.message, cells)
            continue
        accepted[code] = number
        if old is None:
            if sqlite:
                inserts.append(load.writer.driver_row(rec))
            else:
                inserted_recs.append(rec)
            insert_rows.append(number)
            insert_codes.append(rec["code"])
        else:
            updates.append((old["id"], rec))
            written.other[old["id"]] = number
    if insert_rows:
        _write_new(load, inserts, inserted_recs, insert_rows, insert_codes)
    if updates or load.events.pending:
        load.settle()
    if updates:
        if load.writer.suspended:  # their day counts are only right after the rebuild
            load.writer.changed = True
        load.writer.update(updates)
        audit.record_bulk_updated(session, table, [(i, existing[i], rec) for i, rec in updates], opt.user)
        result.updated += len(updates)
    if load.events.pending:
        load.events.write(_ids_of(session, [code for code, _ in load.events.pending]))


def _all_new(load: _DossierLoad, chunk: list[tuple[int, list[Any]]], rows: list[Any]) -> bool:
    """A chunk the lane took whole: when its codes are all new (not in the table, none twice in the
    chunk), it is written as it is, with no step per row, and True is returned; else the chunk takes
    the general path (updates, duplicates), which decides each row."""
    codes = list(map(operator.itemgetter(load.lane_code), rows))
    if len(set(codes)) != len(codes) or _ids_of(load.session, codes):
        return False
    load.result.rows += len(chunk)
    _write_new(load, rows, [], [number for number, _ in chunk], codes)
    return True


def _write_new(load: _DossierLoad, rows: list[tuple[Any, ...]], recs: list[dict[str, Any]],
               numbers: list[int], codes: list[str]) -> None:
    """Insert a chunk's new dossiers — driver ``rows`` on SQLite, ``recs`` elsewhere — with their audit
    entries and day counts (on the overlap's thread when there is one), then note their sheet rows."""
    session, writer, written, result, user = load.session, load.writer, load.written, load.result, load.opt.user
    table = m.Dossier.__table__
    since = audit.last_id(session, table)
    sqlite = writer.sqlite

    def write() -> None:  # on the overlap's thread (SQLite), else here
        if sqlite:
            writer.insert_block(rows)
        else:
            writer.insert(recs)
        audit.record_bulk_created(session, table, since, user)
        if writer.suspended and sqlite:
            writer.add_counts(since)

    def written_down() -> None:
        written.add_inserted(session, numbers, codes)
        result.imported += len(numbers)

    if load.overlap is not None:
        load.overlap.submit(write, written_down)
    else:
        write()
        written_down()


# --------------------------------------------------------------------------- row-by-row kinds


def _lookup_or_create(session: Session, model: type[m.Field] | type[m.Unit], name: str, user: str) -> int:
    if model is m.Unit:  # a room of the department is the department; one-stop codes match first
        unit_id = Catalogue(session, user, create=True).unit(name)
        assert unit_id is not None
        return unit_id
    folded = p.fold(name)
    for rid, rname in session.execute(select(model.id, model.name)):
        if p.fold(rname) == folded:
            return rid
    return services.create(session, model, {"name": name}, user=user).id


def _row_by_row(
    session: Session,
    src: _Source,
    result: ImportResult,
    opt: _Options,
    save: Callable[[Session, dict[str, Any], _Options, ImportResult], bool],
    field_keys: dict[str, str],
) -> None:
    done = 0
    for number, cells in src.rows:
        result.rows += 1
        done += 1
        opt.row = number
        try:
            parsed = _parse_cells(src.header, cells)
            with session.begin_nested():
                created = save(session, parsed, opt, result)
        except RowError as exc:
            _reject(result, src.header, opt.kind, number, exc.key, exc.reason, cells)
            continue
        except ValidationError as exc:
            key = field_keys.get(exc.field or "", exc.field or "")
            _reject(result, src.header, opt.kind, number, key, exc.message, cells)
            continue
        if created:
            result.imported += 1
        else:
            result.updated += 1
        if done % 500 == 0:
            opt.report(done, src.estimate)
    opt.report(done, src.estimate)


def _upsert(session: Session, model: type[m.Base], existing_id: int | None, values: dict[str, Any], user: str) -> bool:
    if existing_id is None:
        services.create(session, model, values, user=user)
        return True
    services.update(session, model, existing_id, values, user=user)
    return False


def _save_procedure(session: Session, parsed: dict[str, Any], opt: _Options, result: ImportResult) -> bool:
    values: dict[str, Any] = {k: parsed[k] for k in (
        "code", "name", "online_level", "abolished_on", "iso_process_number", "iso_process_date",
        "steps_match", "steps_checked_on", "published_in_qms") if k in parsed and parsed[k] is not None}
    if parsed.get("duration"):
        values["resolution_days"], values["resolution_unit"] = parsed["duration"]
    if parsed.get("field"):
        values["field_id"] = _lookup_or_create(session, m.Field, parsed["field"], opt.user)
    if parsed.get("unit"):
        values["unit_id"] = _lookup_or_create(session, m.Unit, parsed["unit"], opt.user)
    if not values.get("code"):
        raise RowError("code", "thiếu mã TTHC")
    existing = session.scalar(select(m.Procedure.id).where(m.Procedure.code == values["code"]))
    if existing is not None:
        values["needs_review"] = False
    return _upsert(session, m.Procedure, existing, values, opt.user)


_CODE_SPLIT = re.compile(r"[,;\n]+")


def _save_decision(session: Session, parsed: dict[str, Any], opt: _Options, result: ImportResult) -> bool:
    values: dict[str, Any] = {k: parsed[k] for k in ("ubnd_number", "ubnd_date", "summary", "iso_number", "iso_date",
                                      "letter_number", "letter_date") if k in parsed}
    if not values.get("ubnd_number"):
        raise RowError("ubnd_number", "thiếu số quyết định")
    existing = session.scalar(
        select(m.AnnouncementDecision.id).where(m.AnnouncementDecision.ubnd_number == values["ubnd_number"])
    )
    created = _upsert(session, m.AnnouncementDecision, existing, values, opt.user)
    decision_id = session.scalar(
        select(m.AnnouncementDecision.id).where(m.AnnouncementDecision.ubnd_number == values["ubnd_number"])
    )
    codes = [c for c in map(p.parse_code, _CODE_SPLIT.split(parsed.get("procedure_codes") or "")) if c]
    for code in codes:
        proc_id = session.scalar(select(m.Procedure.id).where(m.Procedure.code == code))
        if proc_id is None:
            if not opt.create_missing_procedures:
                raise RowError("procedure_codes", f"mã TTHC “{code}” chưa có trong danh mục thủ tục hành chính")
            proc_id = _create_review_procedure(session, code, None, opt.user).id
            result.created_procedures += 1
        linked = session.scalar(select(m.AnnouncementItem.id).where(
            m.AnnouncementItem.decision_id == decision_id, m.AnnouncementItem.procedure_id == proc_id))
        if linked is None:
            services.create(session, m.AnnouncementItem, {"decision_id": decision_id, "procedure_id": proc_id},
                            user=opt.user)
    return created


def _save_task(session: Session, parsed: dict[str, Any], opt: _Options, result: ImportResult) -> bool:
    values: dict[str, Any] = {k: parsed[k] for k in ("document_number", "document_date", "content", "assigned_on", "due_on",
                                      "extended_due_on", "extension_approved", "completed_on", "note")
              if k in parsed and parsed[k] is not None}
    if parsed.get("assigned_by"):
        values["assigned_by"] = (
            AssignedBy.CHAIRMAN if "chu tich" in p.fold(parsed["assigned_by"]) else AssignedBy.PROVINCE
        )
    if parsed.get("lead_unit"):
        values["lead_unit_id"] = _lookup_or_create(session, m.Unit, parsed["lead_unit"], opt.user)
    if values.get("assigned_on") is None:
        values["assigned_on"] = values.get("document_date")
    if values.get("assigned_on") is None:
        raise RowError("assigned_on", "thiếu ngày giao (hoặc ngày văn bản giao)")
    stmt = select(m.Task.id).where(m.Task.content == services.nfc(values.get("content") or ""))
    number = values.get("document_number")
    stmt = stmt.where(m.Task.document_number == number) if number else stmt.where(m.Task.document_number.is_(None))
    existing = session.scalar(stmt.limit(1))
    return _upsert(session, m.Task, existing, values, opt.user)


def _save_documents(session: Session, parsed: dict[str, Any], opt: _Options, result: ImportResult) -> bool:
    values = {k: v for k, v in parsed.items() if v is not None}
    existing = session.scalar(select(m.DocumentCount.id).where(
        m.DocumentCount.year == values.get("year"), m.DocumentCount.month == values.get("month"),
        m.DocumentCount.unit_id.is_(None)))
    return _upsert(session, m.DocumentCount, existing, values, opt.user)


def _import_survey_totals(session: Session, src: _Source, result: ImportResult, opt: _Options) -> None:
    """Counts per answer option of existing campaigns; each campaign is stored whole by
    ``services.set_option_counts`` (every criterion must add up to the same number of forms)."""
    header = src.header
    campaigns = list(session.scalars(select(m.SurveyCampaign)))
    per_campaign: dict[int, list[tuple[int, list[Any], int, int]]] = {}
    for number, cells in src.rows:
        result.rows += 1
        try:
            parsed = _parse_cells(header, cells)
            campaign = _find_campaign(campaigns, parsed.get("campaign"))
            option_id = _find_option(campaign, parsed.get("criterion"), parsed.get("option"))
            if parsed.get("count") is None:
                raise RowError("count", "thiếu số phiếu")
        except RowError as exc:
            _reject(result, header, opt.kind, number, exc.key, exc.reason, cells)
            continue
        per_campaign.setdefault(campaign.id, []).append((number, cells, option_id, parsed["count"]))
    for campaign_id, rows in per_campaign.items():
        counts: dict[int, int] = {}
        for _number, _cells, option_id, count in rows:
            counts[option_id] = counts.get(option_id, 0) + count
        found = session.get(m.SurveyCampaign, campaign_id)
        assert found is not None
        campaign = found
        per_criterion: dict[int, int] = {}
        for crit in campaign.questionnaire.criteria:
            per_criterion[crit.id] = sum(counts.get(o.id, 0) for o in crit.options)
        total_forms = max(per_criterion.values(), default=0)
        existing = session.scalar(select(func.count()).select_from(m.SurveyOptionCount).where(
            m.SurveyOptionCount.campaign_id == campaign_id)) or 0
        try:
            with session.begin_nested():
                services.set_option_counts(session, campaign_id, total_forms, counts, user=opt.user)
                if campaign.mode != SurveyMode.TOTALS:
                    services.update(session, m.SurveyCampaign, campaign_id, {"mode": SurveyMode.TOTALS}, user=opt.user)
        except ValidationError as exc:
            for number, cells, _o, _c in rows:
                _reject(result, header, opt.kind, number, "count", exc.message, cells)
            continue
        if existing:
            result.updated += len(rows)
        else:
            result.imported += len(rows)
    opt.report(result.rows, src.estimate)


def _find_campaign(campaigns: list[m.SurveyCampaign], value: Any) -> m.SurveyCampaign:
    if value is None:
        raise RowError("campaign", "thiếu đợt khảo sát")
    key = p.fold(str(value))
    for c in campaigns:
        if p.fold(c.title) == key:
            return c
    by_year = [c for c in campaigns if str(c.year) == key]
    if len(by_year) == 1:
        return by_year[0]
    raise RowError("campaign", f"không tìm thấy đợt khảo sát “{value}”")


def _find_option(campaign: m.SurveyCampaign, criterion: Any, option: Any) -> int:
    ckey = p.fold(str(criterion or ""))
    crit = next((c for c in campaign.questionnaire.criteria
                 if ckey in (p.fold(c.name), p.fold(c.short_name or ""), str(c.sort_order))), None)
    if crit is None:
        raise RowError("criterion", f"tiêu chí “{criterion}” không có trong bộ câu hỏi của đợt khảo sát")
    okey = p.fold(str(option or ""))
    found = next((o for o in crit.options if okey in (p.fold(o.label), str(o.rank))), None)
    if found is None:
        raise RowError("option", f"phương án “{option}” không có trong tiêu chí “{crit.short_name or crit.name}”")
    return found.id


class _SurveyFormSaver:
    """One row = one returned form: campaign, form number, group, date and the chosen option of each
    criterion (its label or its rank). Key: campaign + form number; the row replaces the form's answers."""

    def __init__(self, session: Session) -> None:
        self.campaigns = list(session.scalars(select(m.SurveyCampaign)))
        self.seen: dict[tuple[int, int], int] = {}

    def __call__(self, session: Session, parsed: dict[str, Any], opt: _Options, result: ImportResult) -> bool:
        campaign = _find_campaign(self.campaigns, parsed.get("campaign"))
        number = parsed.get("number")
        if not number:
            raise RowError("number", "thiếu số phiếu (số phiếu phải từ 1 trở lên)")
        if (campaign.id, number) in self.seen:
            raise RowError("number", f"phiếu số {number} trùng với dòng {self.seen[campaign.id, number]}")
        criteria = {c.sort_order: c for c in campaign.questionnaire.criteria}
        answers: dict[int, int] = {}
        for key, value in parsed.items():
            order = criterion_order(key)
            if order is None or value is None:
                continue
            crit = criteria.get(order)
            if crit is None:
                raise RowError(key, f"bộ câu hỏi của đợt khảo sát “{campaign.title}” không có tiêu chí {order}")
            answers[crit.id] = _option_of(crit, value, key)
        if not answers:
            raise RowError(next((k for k in parsed if criterion_order(k)), "number"), "phiếu không có câu trả lời nào")
        values: dict[str, Any] = {"campaign_id": campaign.id, "number": number}
        if parsed.get("filled_on") is not None:
            values["filled_on"] = parsed["filled_on"]
        if parsed.get("group"):
            values["group_id"] = self._group(session, campaign.id, parsed["group"], opt.user)
        existing = session.scalar(select(m.SurveyForm.id).where(
            m.SurveyForm.campaign_id == campaign.id, m.SurveyForm.number == number))
        created = _upsert(session, m.SurveyForm, existing, values, opt.user)
        form_id = existing if existing is not None else session.scalar(select(m.SurveyForm.id).where(
            m.SurveyForm.campaign_id == campaign.id, m.SurveyForm.number == number))
        old = {a.criterion_id: a for a in session.scalars(select(m.SurveyAnswer).where(m.SurveyAnswer.form_id == form_id))}
        gone = [a.id for cid, a in old.items() if cid not in answers]
        if gone:
            services.delete(session, m.SurveyAnswer, gone)
        answered = bool(gone)
        for criterion_id, option_id in answers.items():
            before = old.get(criterion_id)
            if before is None:
                services.create(session, m.SurveyAnswer, {"form_id": form_id, "criterion_id": criterion_id,
                                                          "option_id": option_id}, user=opt.user)
                answered = True
            elif before.option_id != option_id:
                services.update(session, m.SurveyAnswer, before.id, {"option_id": option_id}, user=opt.user)
                answered = True
        if answered and existing is not None:  # its answers changed: a grid holding the older ones is refused
            services.touch(session, services.get(session, m.SurveyForm, existing))
        if campaign.mode != SurveyMode.FORMS:
            services.update(session, m.SurveyCampaign, campaign.id, {"mode": SurveyMode.FORMS}, user=opt.user)
        self.seen[campaign.id, number] = opt.row
        return created

    @staticmethod
    def _group(session: Session, campaign_id: int, name: str, user: str) -> int:
        folded = p.fold(name)
        for gid, gname in session.execute(select(m.RespondentGroup.id, m.RespondentGroup.name).where(
                m.RespondentGroup.campaign_id == campaign_id)):
            if p.fold(gname) == folded:
                return gid
        return services.create(session, m.RespondentGroup, {"campaign_id": campaign_id, "name": name}, user=user).id


def _option_of(crit: m.Criterion, value: Any, key: str) -> int:
    """The option a cell names: its label (accent- and case-insensitive) or its rank (1 = best)."""
    text = p.fold(str(value))
    for option in crit.options:
        if text in (p.fold(option.label), str(option.rank)):
            return option.id
    raise RowError(key, f"phương án “{value}” không có trong tiêu chí “{crit.short_name or crit.name}”")


_PROCEDURE_KEYS = {"field_id": "field", "unit_id": "unit", "resolution_days": "duration", "resolution_unit": "duration"}
_TASK_KEYS = {"lead_unit_id": "lead_unit"}

_IMPORTERS: dict[str, Callable[[Session, _Source, ImportResult, _Options], None]] = {
    "dossiers": _import_dossiers,
    "procedures": lambda s, src, r, o: _row_by_row(s, src, r, o, _save_procedure, _PROCEDURE_KEYS),
    "decisions": lambda s, src, r, o: _row_by_row(s, src, r, o, _save_decision, {}),
    "tasks": lambda s, src, r, o: _row_by_row(s, src, r, o, _save_task, _TASK_KEYS),
    "documents": lambda s, src, r, o: _row_by_row(s, src, r, o, _save_documents, {}),
    "survey_forms": lambda s, src, r, o: _row_by_row(s, src, r, o, _SurveyFormSaver(s), {"group_id": "group"}),
    "survey_totals": _import_survey_totals,
}
