"""Import a spreadsheet of one kind (dossiers, procedures, decisions, tasks, document counts).

One import is one transaction: every row is parsed (io.parsing), normalised and validated by the
rules of ``core.services`` (nothing duplicated here), and written; a bad row is rejected with its
row number, column and a Vietnamese reason. Mode "valid rows" (default) writes the good rows;
"all or nothing" writes nothing when any row is bad. Any exception, a cancel, or a killed process
leaves the database as it was. Re-importing updates records by their key (dossier code, procedure
code, decision number, task document + content, year + month), never duplicates.

Dossiers go in bulk (SQLAlchemy Core executemany per chunk); for a large file the day-count
triggers are dropped inside the same transaction and the counts rebuilt once at the end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from ..core import models as m
from ..core import services
from ..core.db import Database
from ..core.enums import AssignedBy, DossierOutcome, SurveyMode
from ..core.errors import CchcError, ValidationError
from ..core.indicators import rebuild_dossier_counts
from . import parsing as p
from .mapping import HEADER_SCAN_ROWS, KIND_LABELS, KINDS, Header, apply_mapping, detect_header, load_mapping
from .sheets import open_sheet

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
    committed: bool = True
    cancelled: bool = False
    header: Header | None = None

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
        if self.created_procedures:
            text += f"; tạo {self.created_procedures} thủ tục cần bổ sung thông tin"
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
    rows: Iterator[tuple[int, list[Any]]]
    estimate: int


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
    numbered = iter(sh.rows)  # the reader gives NFC text
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

    def rows() -> Iterator[tuple[int, list[Any]]]:
        first = True
        try:
            for number, cells in _chain(rest, numbered):
                if all(p.is_empty(c) for c in cells):
                    continue
                if first and _is_numbering_row(cells):
                    first = False
                    continue
                first = False
                yield number, cells
        finally:
            numbered.close()

    estimate = max((sh.total_rows or 0) - header.data_start, 0)
    return _Source(header, rows(), estimate)


def _chain(first: list[tuple[int, list[Any]]], more: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    yield from first
    yield from more


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
    "received": p.parse_datetime,
    "due": p.parse_date,
    "extended_due": p.parse_date,
    "resolved": p.parse_date,
    "channel": p.parse_channel,
    "outcome": p.parse_outcome,
    "supplement_requests": p.parse_count,
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
}


def _parse_cells(header: Header, cells: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    width = len(cells)
    for col, key in header.mapping.items():
        raw = cells[col] if col < width else None  # short rows are padded
        parser = _PARSERS.get(key, p.clean_text)
        try:
            out[key] = parser(raw)
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
    progress: ProgressFn | None = None,
    sheet: str | int | None = None,
    user: str | None = None,
    header: Header | None = None,
) -> ImportResult:
    """Import ``path`` as ``kind`` in one transaction; see the module docstring. ``header`` is a header
    the user corrected (e.g. in the import wizard), else it is detected. A cancel through ``progress``
    returns a result with ``cancelled`` set and nothing changed."""
    src = open_source(kind, path, mapping, sheet=sheet, header=header)
    result = ImportResult(kind, header=src.header)
    user = user or services.current_user()
    importer = _IMPORTERS[kind]
    try:
        with db.transaction() as session:
            importer(session, src, result, _Options(create_missing_procedures, progress, user, kind))
            if all_or_nothing and result.rejects:
                raise _AllOrNothing
    except _AllOrNothing:
        result.committed = False
        result.imported = result.updated = result.created_procedures = 0
    except ImportCancelled:
        result.committed = False
        result.cancelled = True
        result.imported = result.updated = result.created_procedures = 0
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
_DOSSIER_RULES = tuple(r for r in services.GENERIC_RULES if r is not services._rule_unique) + services.RULES[m.Dossier]
_DOSSIER_COLUMNS = [c.key for c in m.Dossier.__table__.columns if c.key not in services.SYSTEM_COLUMNS]


def _dossier_values(parsed: dict[str, Any], procedures: dict[str, m.Procedure], units: dict[str, int]) -> dict[str, Any]:
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
    if parsed.get("unit"):
        unit_id = units.get(p.fold(parsed["unit"]))
        if unit_id is None:
            raise RowError("unit", f"đơn vị “{parsed['unit']}” chưa có trong danh mục đơn vị")
        values["unit_id"] = unit_id
    if "outcome" in parsed:
        outcome = parsed["outcome"]
        if outcome is None and parsed.get("resolved") is not None:
            outcome = DossierOutcome.RESOLVED
        values["outcome"] = outcome
    if values.get("channel") is None and "channel" in values:
        del values["channel"]
    return values


def _create_review_procedure(session: Session, code: str, name: str | None, user: str) -> m.Procedure:
    return services.create(
        session, m.Procedure, {"code": code, "name": name or f"Thủ tục {code}", "needs_review": True}, user=user
    )


def _suspend_triggers(session: Session) -> str:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        names = session.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'dossier'")
        ).scalars().all()
        for name in names:
            session.execute(text(f'DROP TRIGGER "{name}"'))
    elif dialect == "postgresql":
        session.execute(text("DROP TRIGGER IF EXISTS trg_dossier_counts ON dossier"))
    return dialect


def _restore_triggers(session: Session, dialect: str) -> None:
    rebuild_dossier_counts(session)
    for statement in m.DOSSIER_COUNT_TRIGGERS.get(dialect, ()):
        session.execute(text(statement))


def _import_dossiers(session: Session, src: _Source, result: ImportResult, opt: _Options) -> None:
    header = src.header
    procedures: dict[str, m.Procedure] = {pr.code: pr for pr in session.scalars(select(m.Procedure))}
    units = {p.fold(name): uid for uid, name in session.execute(select(m.Unit.id, m.Unit.name))}
    bulk = src.estimate >= BULK_THRESHOLD
    dialect = _suspend_triggers(session) if bulk else ""
    seen: dict[str, int] = {}
    chunk: list[tuple[int, list[Any]]] = []
    done = 0
    for item in src.rows:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            _dossier_chunk(session, chunk, procedures, units, seen, result, opt, header)
            done += len(chunk)
            chunk = []
            opt.report(done, src.estimate)
    if chunk:
        _dossier_chunk(session, chunk, procedures, units, seen, result, opt, header)
        done += len(chunk)
        opt.report(done, src.estimate)
    if bulk:
        _restore_triggers(session, dialect)


def _dossier_chunk(
    session: Session,
    chunk: list[tuple[int, list[Any]]],
    procedures: dict[str, m.Procedure],
    units: dict[str, int],
    seen: dict[str, int],
    result: ImportResult,
    opt: _Options,
    header: Header,
) -> None:
    kind = "dossiers"
    parsed_rows: list[tuple[int, list[Any], dict[str, Any]]] = []
    for number, cells in chunk:
        result.rows += 1
        try:
            parsed = _parse_cells(header, cells)
        except RowError as exc:
            _reject(result, header, kind, number, exc.key, exc.reason, cells)
            continue
        code = parsed.get("code")
        if not code:
            _reject(result, header, kind, number, "code", "thiếu số hồ sơ", cells)
            continue
        if code in seen:
            _reject(result, header, kind, number, "code", f"số hồ sơ “{code}” trùng với dòng {seen[code]}", cells)
            continue
        seen[code] = number
        pcode = parsed.get("procedure_code")
        if pcode and pcode not in procedures and opt.create_missing_procedures:
            procedures[pcode] = _create_review_procedure(session, pcode, parsed.get("procedure_name"), opt.user)
            result.created_procedures += 1
        parsed_rows.append((number, cells, parsed))
    if not parsed_rows:
        return
    codes = [r[2]["code"] for r in parsed_rows]
    table = m.Dossier.__table__
    existing = {
        row["code"]: dict(row)
        for row in session.execute(select(table).where(table.c.code.in_(codes))).mappings()
    }
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for number, cells, parsed in parsed_rows:
        try:
            values = _dossier_values(parsed, procedures, units)
            rec = services.normalise(m.Dossier, values)
            old = existing.get(rec["code"])
            if old is not None:
                merged = {k: old[k] for k in _DOSSIER_COLUMNS}
                merged.update(rec)
                rec = merged
            else:
                for key in _DOSSIER_COLUMNS:
                    rec.setdefault(key, None)
                if rec["channel"] is None:
                    rec["channel"] = m.Dossier.__table__.c.channel.default.arg
                if rec["supplement_requests"] is None:
                    rec["supplement_requests"] = 0
            services.FILLERS[m.Dossier](session, rec)
            for rule in _DOSSIER_RULES:
                rule(session, m.Dossier, rec, None if old is None else old["id"])
        except RowError as exc:
            _reject(result, header, "dossiers", number, exc.key, exc.reason, cells)
            continue
        except ValidationError as exc:
            key = _DOSSIER_KEYS.get(exc.field or "", exc.field or "")
            _reject(result, header, "dossiers", number, key, exc.message, cells)
            continue
        rec["updated_by"] = opt.user
        if old is None:
            inserts.append(rec)
        else:
            row = {f"b_{k}": v for k, v in rec.items() if k != "code"}
            row["b_id"] = old["id"]
            updates.append(row)
    if inserts:
        session.execute(insert(table), inserts)
        result.imported += len(inserts)
    if updates:
        cols: dict[str, Any] = {k[2:]: bindparam(k) for k in updates[0] if k != "b_id"}
        cols["updated_at"] = dt.datetime.now()
        session.execute(update(table).where(table.c.id == bindparam("b_id")).values(cols), updates)
        result.updated += len(updates)


# --------------------------------------------------------------------------- row-by-row kinds


def _lookup_or_create(session: Session, model: type[m.Field] | type[m.Unit], name: str, user: str) -> int:
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
    values = {k: parsed[k] for k in ("ubnd_number", "ubnd_date", "summary", "iso_number", "iso_date",
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
    codes = [c.strip() for c in _CODE_SPLIT.split(parsed.get("procedure_codes") or "") if c.strip()]
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
    values = {k: parsed[k] for k in ("document_number", "document_date", "content", "assigned_on", "due_on",
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
        m.DocumentCount.year == values.get("year"), m.DocumentCount.month == values.get("month")))
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
        campaign = session.get(m.SurveyCampaign, campaign_id)
        assert campaign is not None
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


_PROCEDURE_KEYS = {"field_id": "field", "unit_id": "unit", "resolution_days": "duration", "resolution_unit": "duration"}
_TASK_KEYS = {"lead_unit_id": "lead_unit"}

_IMPORTERS: dict[str, Callable[[Session, _Source, ImportResult, _Options], None]] = {
    "dossiers": _import_dossiers,
    "procedures": lambda s, src, r, o: _row_by_row(s, src, r, o, _save_procedure, _PROCEDURE_KEYS),
    "decisions": lambda s, src, r, o: _row_by_row(s, src, r, o, _save_decision, {}),
    "tasks": lambda s, src, r, o: _row_by_row(s, src, r, o, _save_task, _TASK_KEYS),
    "documents": lambda s, src, r, o: _row_by_row(s, src, r, o, _save_documents, {}),
    "survey_totals": _import_survey_totals,
}
