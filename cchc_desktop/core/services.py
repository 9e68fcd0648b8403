"""Domain services: create / update / delete for every entity, with SPEC §3 validation.

The GUI, the importer and the command line go through these functions, never through raw
sessions. Values are normalised (text to NFC, enums from value or label, counts as integers),
checked as a whole record, and only then written; a refused record raises ``ValidationError``
with the attribute and a Vietnamese message, and nothing of it is flushed.

Callers own the transaction: ``with db.transaction() as s: services.create(s, Dossier, {...})``.

Every change is written to the audit trail in the same flush (``core.audit``). ``update`` and ``delete``
take the version the caller read (``expected_version``): a save based on an older read is refused with
``ConflictError`` saying what the other person changed, and nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
import enum
import getpass
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, Text, Time, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.sqltypes import Enum as SAEnum

from . import audit
from . import models as m
from .enums import DossierOutcome
from .errors import ConflictError, NotFoundError, ValidationError
from .formatting import format_count as fmt_count
from .labels import entity_label, field_label, in_sentence
from .text import XML_INVALID, code_key, name_key

T = TypeVar("T", bound=m.Base)
Record = dict[str, Any]
Rule = Callable[[Session, type[m.Base], Record, int | None], None]

SYSTEM_COLUMNS = {"id", "created_at", "updated_at", "updated_by", "version"}
MAX_FUTURE = dt.timedelta(days=366)
MIN_DATE = dt.date(1900, 1, 1)  # no record of this office is older; earlier years are typing slips
MAX_INTEGER = 2_147_483_647  # counts and numbers: what a 32-bit INTEGER column (PostgreSQL) holds
CODE_COLUMNS = frozenset({"code", "ubnd_number", "iso_number", "letter_number", "iso_process_number",
                          "document_number"})
MAX_RESOLUTION_DAYS = 730  # a legal resolution time longer than two years is a slip (99999999 ngày)


def current_user() -> str:
    """The OS login name, recorded as who changed a record last."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some services, containers)
        return "không rõ"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fmt_date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


# --------------------------------------------------------------------------- coercion


def _columns(model: type[m.Base]) -> dict[str, Any]:
    return {c.key: c for c in model.__table__.columns}  # type: ignore[attr-defined]


def _coerce(model: type[m.Base], key: str, column: Any, value: Any) -> Any:
    label = field_label(model, key)
    if isinstance(value, str):
        value = nfc(value).strip()
        if value == "" and not isinstance(column.type, String | Text):
            value = None
        elif value == "" and column.nullable:
            value = None
    if value is None:
        return None
    ctype = column.type
    if isinstance(ctype, SAEnum):
        enum_cls = ctype.enum_class
        if enum_cls is not None and isinstance(value, enum_cls):
            return value
        if isinstance(value, enum.Enum):
            value = value.value
        for member in enum_cls:  # type: ignore[union-attr]
            if value in (member.value, getattr(member, "label", None)):
                return member
        raise ValidationError(key, f"{label}: giá trị “{value}” không hợp lệ.")
    if isinstance(ctype, Boolean):
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return bool(value)
        raise ValidationError(key, f"{label}: vui lòng chọn Có hoặc Không.")
    if isinstance(ctype, Integer):
        return _coerce_int(key, label, value)
    if isinstance(ctype, Numeric):
        try:
            return Decimal(str(value).replace(",", ".").rstrip("%").strip())
        except InvalidOperation as exc:
            raise ValidationError(key, f"{label}: “{value}” không phải là số.") from exc
    if isinstance(ctype, DateTime):
        if isinstance(value, dt.datetime):
            return value
        raise ValidationError(key, f"{label}: thời điểm không hợp lệ.")
    if isinstance(ctype, Date):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            return _parse_date(key, label, value)
        raise ValidationError(key, f"{label}: ngày không hợp lệ.")
    if isinstance(ctype, Time):
        if isinstance(value, dt.time):
            return value
        raise ValidationError(key, f"{label}: giờ không hợp lệ.")
    if isinstance(ctype, String | Text):
        text = nfc(str(value)).strip()
        if key in CODE_COLUMNS:  # look-alike codes are one code (NFKC, no invisible character)
            text = code_key(text)
        if not text.isprintable():
            text = XML_INVALID.sub("", text)
        length = getattr(ctype, "length", None)
        if length and len(text) > length:
            raise ValidationError(key, f"{label}: dài quá {length} ký tự.")
        return text
    return value


def _coerce_int(key: str, label: str, value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    text = str(value).strip()
    if "%" in text or re.fullmatch(r"\d+[,.]\d{1,2}", text):
        raise ValidationError(key, f"{label}: vui lòng nhập số lượng (số nguyên), không nhập tỷ lệ phần trăm.")
    digits = text.replace(".", "").replace(" ", "")
    if re.fullmatch(r"-?\d+", digits):
        return int(digits)
    raise ValidationError(key, f"{label}: “{text}” không phải là số nguyên.")


def _parse_date(key: str, label: str, text: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(key, f"{label}: “{text}” không phải là ngày hợp lệ (dd/mm/yyyy).")


# --------------------------------------------------------------------------- generic rules


def _rule_required(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    missing: list[ValidationError] = []
    for key, col in _columns(model).items():
        if key in SYSTEM_COLUMNS or col.nullable:
            continue
        empty = rec.get(key) is None and col.default is None and col.server_default is None
        if empty or (isinstance(rec.get(key), str) and rec[key] == "" and col.default is None):
            missing.append(ValidationError(key, f"Vui lòng nhập {in_sentence(field_label(model, key))}."))
    if missing:
        raise ValidationError.combine(missing)


def _rule_unique(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    for key, col in _columns(model).items():
        if not col.unique or rec.get(key) is None:
            continue
        stmt = select(func.count()).select_from(model).where(getattr(model, key) == rec[key])
        if own_id is not None:
            stmt = stmt.where(model.id != own_id)  # type: ignore[attr-defined]
        if session.scalar(stmt):
            value = rec[key].strftime("%d/%m/%Y") if isinstance(rec[key], dt.date) else rec[key]
            raise ValidationError(key, f"{field_label(model, key)} “{value}” đã tồn tại.")


def _rule_not_far_future(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    limit = dt.date.today() + MAX_FUTURE
    for key, col in _columns(model).items():
        value = rec.get(key)
        if isinstance(col.type, Date) and isinstance(value, dt.date) and value > limit:
            raise ValidationError(
                key,
                f"{field_label(model, key)} ({fmt_date(value)}) vượt quá một năm kể từ hôm nay; "
                "vui lòng kiểm tra lại.",
            )
        if isinstance(col.type, Date) and isinstance(value, dt.date) and value < MIN_DATE:
            raise ValidationError(
                key, f"{field_label(model, key)} ({fmt_date(value)}) trước năm 1900; vui lòng kiểm tra lại."
            )


def _rule_nonnegative(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    for key, col in _columns(model).items():
        value = rec.get(key)
        if key not in SYSTEM_COLUMNS and isinstance(col.type, Integer) and not col.foreign_keys:
            if isinstance(value, int) and value < 0:
                raise ValidationError(key, f"{field_label(model, key)} không được là số âm.")
            if isinstance(value, int) and value > MAX_INTEGER:
                raise ValidationError(key, f"{field_label(model, key)} quá lớn ({value}).")


def _not_before(rec: Record, later: str, earlier: str, message: str) -> None:
    a, b = rec.get(later), rec.get(earlier)
    if a is not None and b is not None and a < b:
        raise ValidationError(later, message.format(later=fmt_date(a), earlier=fmt_date(b)))


def _part_of(model: type[m.Base], rec: Record, part: str, whole: str, extra: str | None = None) -> None:
    p, w = rec.get(part) or 0, rec.get(whole) or 0
    if extra:
        p += rec.get(extra) or 0
    if p > w:
        what = field_label(model, part)
        if extra:
            what = f"{what} cộng {in_sentence(field_label(model, extra))}"
        raise ValidationError(part, f"{what} ({p}) lớn hơn {in_sentence(field_label(model, whole))} ({w}).")


# --------------------------------------------------------------------------- per-entity rules


def _dossier_rules(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    _not_before(rec, "due_on", "received_on", "Ngày hẹn trả ({later}) không được trước ngày tiếp nhận ({earlier}).")
    _not_before(
        rec, "resolved_on", "received_on", "Ngày trả kết quả ({later}) không được trước ngày tiếp nhận ({earlier})."
    )
    _not_before(
        rec, "extended_due_on", "due_on", "Ngày hẹn trả sau gia hạn ({later}) phải sau ngày hẹn trả ({earlier})."
    )
    if rec.get("outcome") is not None and rec.get("resolved_on") is None:
        raise ValidationError("resolved_on", "Vui lòng nhập ngày trả kết quả cho hồ sơ đã có kết quả.")


def _dossier_fill(session: Session, rec: Record) -> None:
    """Copy unit and field from the procedure; compute the due date; default the outcome."""
    proc = session.get(m.Procedure, rec["procedure_id"]) if rec.get("procedure_id") else None
    if rec.get("procedure_id") and proc is None:
        raise ValidationError("procedure_id", "Thủ tục đã chọn không tồn tại.")
    if proc is not None:
        if rec.get("unit_id") is None:
            rec["unit_id"] = proc.unit_id
        rec["field_id"] = proc.field_id
        if rec.get("due_on") is None and rec.get("received_on") is not None:
            rec["due_on"] = compute_due_date(session, proc, rec["received_on"], rec.get("received_time"))
    if rec.get("resolved_on") is not None and rec.get("outcome") is None:
        rec["outcome"] = DossierOutcome.RESOLVED
    if rec.get("due_on") is None and rec.get("received_on") is not None:
        raise ValidationError(
            "due_on", "Vui lòng nhập ngày hẹn trả (thủ tục chưa có thời hạn giải quyết để tự tính)."
        )


def compute_due_date(session: Session, procedure: m.Procedure, received_on: dt.date, received_time: Any) -> dt.date | None:
    """The due date from the procedure's legal resolution time and the working-day calendar."""
    if not procedure.resolution_days:
        return None
    if procedure.resolution_days > MAX_RESOLUTION_DAYS:  # stored before the bound existed
        raise ValidationError(
            "due_on",
            f"Thủ tục {procedure.code} có thời hạn giải quyết {procedure.resolution_days} ngày (quá "
            f"{MAX_RESOLUTION_DAYS} ngày) nên không tự tính được ngày hẹn trả; hãy sửa thời hạn của thủ tục.",
        )
    from .workdays import due_date_for  # local: the calendar loads the holiday tables lazily

    return due_date_for(session, procedure, received_on, received_time)


def _task_rules(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    _not_before(rec, "due_on", "assigned_on", "Hạn hoàn thành ({later}) không được trước ngày giao ({earlier}).")
    _not_before(
        rec, "completed_on", "assigned_on", "Ngày hoàn thành ({later}) không được trước ngày giao ({earlier})."
    )
    _not_before(rec, "extended_due_on", "due_on", "Hạn sau gia hạn ({later}) phải sau hạn ban đầu ({earlier}).")


def _document_rules(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    month = rec.get("month")
    if month is not None and not 1 <= month <= 12:
        raise ValidationError("month", "Tháng phải từ 1 đến 12.")
    _part_of(model, rec, "outgoing_secret", "outgoing")
    _part_of(model, rec, "outgoing_electronic", "outgoing", extra="outgoing_secret")
    _part_of(model, rec, "decisions_electronic", "decisions")
    _part_of(model, rec, "incoming_electronic", "incoming")
    unit = rec.get("unit_id")  # one row per unit and month; NULL: the organisation's own
    stmt = select(m.DocumentCount.id).where(
        m.DocumentCount.year == rec.get("year"), m.DocumentCount.month == month,
        m.DocumentCount.unit_id == unit if unit is not None else m.DocumentCount.unit_id.is_(None),
    )
    other = session.scalar(stmt)
    if other is not None and other != own_id:
        raise ValidationError("month", f"Đã có số liệu văn bản tháng {month}/{rec.get('year')}.")


def _decision_rules(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    _not_before(rec, "iso_date", "ubnd_date", "Ngày quyết định ISO ({later}) không được trước ngày quyết định UBND ({earlier}).")
    _not_before(rec, "letter_date", "ubnd_date", "Ngày công văn ({later}) không được trước ngày quyết định UBND ({earlier}).")


def _objective_rules(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    target = rec.get("target")
    if target is not None and not Decimal(0) <= target <= Decimal(100):
        raise ValidationError("target", "Chỉ tiêu phải là tỷ lệ phần trăm từ 0 đến 100.")
    stmt = select(m.QualityObjective.id).where(
        m.QualityObjective.objective_year_id == rec.get("objective_year_id"),
        m.QualityObjective.number == rec.get("number"),
    )
    other = session.scalar(stmt)
    if other is not None and other != own_id:
        raise ValidationError("number", f"Đã có mục tiêu số {rec.get('number')} trong năm này.")


def _procedure_rules(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    days = rec.get("resolution_days")
    if days is not None and days <= 0:
        raise ValidationError("resolution_days", "Thời hạn giải quyết phải lớn hơn 0.")
    if days is not None and days > MAX_RESOLUTION_DAYS:  # "1.000" is one thousand: a slip, not a deadline
        raise ValidationError(
            "resolution_days",
            f"Thời hạn giải quyết {fmt_count(days)} ngày quá dài (tối đa {MAX_RESOLUTION_DAYS} ngày); "
            "vui lòng kiểm tra lại.",
        )


def _profile_rules(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    if rec.get("report_font_size") not in (None, 13, 14):
        raise ValidationError("report_font_size", "Cỡ chữ báo cáo là 13 hoặc 14.")
    if (rec.get("iso_deadline_days") or 1) <= 0:
        raise ValidationError("iso_deadline_days", "Thời hạn ban hành quy trình ISO phải lớn hơn 0.")
    hour = rec.get("late_receipt_hour")
    if hour is not None and not 0 <= hour <= 23:
        raise ValidationError("late_receipt_hour", "Giờ tiếp nhận muộn phải từ 0 đến 23.")


def _issued_rules(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    _not_before(rec, "period_end", "period_start", "Ngày kết thúc kỳ ({later}) không được trước ngày bắt đầu ({earlier}).")


def _campaign_rules(session: Session, model: type[m.Base], rec: Record, own_id: int | None) -> None:
    year = rec.get("year")
    if year is not None and not 2000 <= year <= dt.date.today().year + 1:
        raise ValidationError("year", f"Năm khảo sát {year} không hợp lệ.")


GENERIC_RULES: tuple[Rule, ...] = (_rule_required, _rule_nonnegative, _rule_not_far_future, _rule_unique)
RULES: dict[type[m.Base], tuple[Rule, ...]] = {
    m.Dossier: (_dossier_rules,),
    m.Task: (_task_rules,),
    m.DocumentCount: (_document_rules,),
    m.AnnouncementDecision: (_decision_rules,),
    m.QualityObjective: (_objective_rules,),
    m.Procedure: (_procedure_rules,),
    m.OrganisationProfile: (_profile_rules,),
    m.IssuedReport: (_issued_rules,),
    m.SurveyCampaign: (_campaign_rules,),
}
def _unit_alias_fill(session: Session, rec: Record) -> None:
    rec["name_key"] = name_key(rec.get("name"))  # what imports match a unit cell on (io.catalogue)


FILLERS: dict[type[m.Base], Callable[[Session, Record], None]] = {
    m.Dossier: _dossier_fill,
    m.UnitAlias: _unit_alias_fill,
}


# --------------------------------------------------------------------------- public API


def normalise(model: type[m.Base], values: Mapping[str, Any]) -> Record:
    """Coerce raw values (text, labels, numbers) into the column types; unknown keys are refused."""
    rec, refused = _normalise(model, values)
    if refused:
        raise ValidationError.combine(refused)
    return rec


def _normalise(model: type[m.Base], values: Mapping[str, Any]) -> tuple[Record, list[ValidationError]]:
    """The coerced values, and the refusal of each value that could not be read (every one, not the first)."""
    cols = _columns(model)
    rec: Record = {}
    refused: list[ValidationError] = []
    for key, value in values.items():
        if key not in cols or key in SYSTEM_COLUMNS - {"updated_by"}:
            raise ValidationError(key, f"Thuộc tính “{key}” không có trong {entity_label(model)}.")
        try:
            rec[key] = _coerce(model, key, cols[key], value)
        except ValidationError as exc:
            refused.append(exc)
    return rec, refused


def validate(
    session: Session, model: type[m.Base], rec: Record, own_id: int | None = None,
    unreadable: Sequence[ValidationError] = (),
) -> None:
    """Every rule runs; the refusals come back together (``ValidationError.errors``), the first one as
    the error's own field and message. ``unreadable``: values refused before (told first, and their
    field not also called missing)."""
    refused: list[ValidationError] = list(unreadable)
    for rule in GENERIC_RULES + RULES.get(model, ()):
        try:
            rule(session, model, rec, own_id)
        except ValidationError as exc:
            refused.append(exc)
    if refused:
        raise ValidationError.combine(refused)


def _apply_defaults(model: type[m.Base], rec: Record) -> None:
    for key, col in _columns(model).items():
        if key in SYSTEM_COLUMNS or key in rec:
            continue
        default = col.default
        if default is not None and getattr(default, "is_scalar", False):
            rec[key] = default.arg


def _flush(session: Session, model: type[m.Base], read: tuple[int, int] | None = None) -> None:
    """Flush inside a savepoint; ``read``: (id, version) of the record as the caller read it, to say
    what changed when the row turns out to be stale."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise ValidationError(None, _integrity_message(model, exc)) from exc
    except StaleDataError as exc:  # the row changed (or went) between our read and our write
        record_id, version = read if read is not None else (None, None)
        message = (
            f"Không lưu được: {entity_label(model)} đã được người khác thay đổi hoặc xóa sau khi bạn mở. "
            "Bấm “Tải lại” để mở bản mới nhất."
        )
        if record_id is not None and version is not None:
            with Session(session.get_bind()) as fresh:  # this transaction is failed; read what was committed
                message = audit.conflict_message(fresh, model, record_id, version)
        raise ConflictError(message, table=model.__tablename__, record_id=record_id) from exc


def check_version(
    session: Session, model: type[m.Base], obj: Any, expected_version: int | None, *, name: str | None = None,
    deleting: bool = False,
) -> None:
    """Refuse a change (``deleting``: a deletion) based on an older read of ``obj`` (``expected_version``:
    the version read); ``name``: how the message calls the record (``audit.conflict_message``)."""
    if expected_version is None or obj.version == expected_version:
        return
    raise ConflictError(
        audit.conflict_message(session, model, obj.id, expected_version, name=name, deleting=deleting),
        table=model.__tablename__, record_id=obj.id,
    )


def _integrity_message(model: type[m.Base], exc: IntegrityError) -> str:
    text = str(exc.orig).lower()
    name = entity_label(model)
    if "unique" in text or "duplicate" in text:
        return f"Dữ liệu {name} bị trùng với bản ghi đã có."
    if "foreign key" in text:
        return f"Không lưu được {name}: có dữ liệu liên quan đang dùng hoặc không còn tồn tại."
    if "check" in text:
        return f"Không lưu được {name}: giá trị không hợp lệ ({exc.orig})."
    return f"Không lưu được {name}: {exc.orig}"


def create(session: Session, model: type[T], values: Mapping[str, Any], *, user: str | None = None,
           events: Sequence[Any] = ()) -> T:
    """Validate and add one record; raises ``ValidationError`` with nothing flushed. ``events``: a new
    dossier's dated events as its sender recorded them (``dossier_events.Event``; a unit's data package),
    replayed with it — its columns imply no event of their own then, and its supplement count includes
    the dated requests."""
    rec, unreadable = _normalise(model, values)
    _apply_defaults(model, rec)
    if model in FILLERS and not unreadable:
        FILLERS[model](session, rec)
    validate(session, model, rec, unreadable=unreadable)
    implied = _implied_events(session, model, rec, None, events)
    obj = model(**rec)
    obj.updated_by = user or current_user()  # type: ignore[attr-defined]
    for event in implied:
        event.updated_by = obj.updated_by  # type: ignore[attr-defined]
        obj.events.append(event)  # type: ignore[attr-defined]
    session.add(obj)
    try:
        _flush(session, model)
    except ValidationError:
        session.expunge(obj)
        raise
    return obj


def _implied_events(session: Session, model: type[m.Base], rec: Record, own_id: int | None,
                    events: Sequence[Any] = ()) -> list[m.DossierEvent]:
    """A dossier's columns kept equal to its events (``core.dossier_events``): the events its columns imply
    (an extension, an ending outcome) to attach, and ``rec``'s state columns as the events say."""
    if model is not m.Dossier:
        return []
    from .dossier_events import reconcile_record

    return reconcile_record(session, rec, own_id, events, count_given=bool(events))


def get(session: Session, model: type[T], record_id: int) -> T:
    obj = session.get(model, record_id)
    if obj is None:
        raise NotFoundError(f"Không tìm thấy {entity_label(model)} (mã số {record_id}).")
    return obj


def update(
    session: Session,
    model: type[T],
    record_id: int,
    values: Mapping[str, Any],
    *,
    user: str | None = None,
    expected_version: int | None = None,
) -> T:
    """Validate the whole record as it would be after the change, then apply it. With
    ``expected_version`` (the version the form read) a record changed since is refused (``ConflictError``)."""
    try:
        obj = get(session, model, record_id)
    except NotFoundError as exc:
        if expected_version is None:
            raise
        raise ConflictError(
            f"Không lưu được: {entity_label(model)} này đã bị người khác xóa sau khi bạn mở "
            "(xem Thùng rác).", table=model.__tablename__, record_id=record_id,
        ) from exc
    check_version(session, model, obj, expected_version)
    changes, unreadable = _normalise(model, values)
    rec = {k: getattr(obj, k) for k in _columns(model) if k not in SYSTEM_COLUMNS}
    rec.update(changes)
    if model in FILLERS and not unreadable:
        FILLERS[model](session, rec)
    validate(session, model, rec, own_id=record_id, unreadable=unreadable)
    implied = _implied_events(session, model, rec, record_id)
    before = {k: getattr(obj, k) for k in rec}
    read = (obj.id, obj.version)  # type: ignore[attr-defined]
    for key, value in rec.items():
        if before[key] != value:
            setattr(obj, key, value)
    obj.updated_by = user or current_user()  # type: ignore[attr-defined]
    for event in implied:
        event.updated_by = obj.updated_by  # type: ignore[attr-defined]
        obj.events.append(event)  # type: ignore[attr-defined]
    try:
        _flush(session, model, read)
    except ValidationError:
        for key, value in before.items():
            setattr(obj, key, value)
        for event in implied:
            obj.events.remove(event)  # type: ignore[attr-defined]
        raise
    if model is m.Procedure and ("field_id" in changes or "unit_id" in changes):
        _sync_dossiers_with_procedure(session, obj)  # type: ignore[arg-type]
    return obj


def touch(session: Session, obj: Any) -> None:
    """A record whose child rows changed (a survey form's answers): its version moves on, so a save based
    on an older read of it is refused (``expected_version``)."""
    obj.updated_at = func.current_timestamp()
    _flush(session, type(obj), (obj.id, obj.version))
    audit.record_touch(session, obj)


def _sync_dossiers_with_procedure(session: Session, proc: m.Procedure) -> None:
    """The dossiers' copy of the procedure's field follows it (versions and audit trail included)."""
    table = m.Dossier.__table__
    audit.update_where(
        session, table, (table.c.procedure_id == proc.id) & table.c.field_id.is_distinct_from(proc.field_id),  # type: ignore[attr-defined]
        {"field_id": proc.field_id}, user=proc.updated_by or current_user(),
    )


def delete(
    session: Session,
    model: type[m.Base],
    record_ids: Iterable[int],
    *,
    user: str | None = None,
    expected_versions: Mapping[int, int] | None = None,
) -> int:
    """Delete records; all or none (a record still referenced stops the whole deletion). Each record
    goes to the recycle bin with the rows deleted with it (``core.audit``). ``expected_versions``: the
    version of each record as the caller showed it; one changed or deleted since refuses the whole
    deletion (``ConflictError``), nothing deleted."""
    ids = list(record_ids)
    versions = expected_versions or {}
    objs = []
    for record_id in ids:
        try:
            objs.append(get(session, model, record_id))
        except NotFoundError as exc:
            if record_id not in versions:
                raise
            raise ConflictError(
                f"Không xóa được: {entity_label(model)} này đã bị người khác xóa sau khi trang được tải "
                "(xem Thùng rác). Bấm “Làm mới” (F5) để xem danh sách mới nhất.",
                table=model.__tablename__, record_id=record_id,
            ) from exc
    for obj in objs:
        check_version(session, model, obj, versions.get(obj.id), deleting=True)  # type: ignore[attr-defined]
    previous = session.info.get(audit.USER)
    session.info[audit.USER] = user or previous or current_user()
    try:
        with session.begin_nested():
            for obj in objs:
                session.delete(obj)
            session.flush()
    except StaleDataError as exc:
        raise ConflictError(
            f"Không xóa được: {entity_label(model)} đã được người khác thay đổi sau khi trang được tải. "
            "Bấm “Làm mới” (F5) để xem bản mới nhất.", table=model.__tablename__,
        ) from exc
    except IntegrityError as exc:
        raise ValidationError(
            None,
            f"Không xóa được {entity_label(model)} vì còn dữ liệu khác đang dùng đến "
            "(ví dụ hồ sơ thuộc thủ tục). Hãy xóa hoặc chuyển các dữ liệu đó trước.",
        ) from exc
    finally:
        if previous is None:
            session.info.pop(audit.USER, None)
        else:
            session.info[audit.USER] = previous
    return len(objs)


def upsert(
    session: Session, model: type[T], key: str, values: Mapping[str, Any], *, user: str | None = None
) -> tuple[T, bool]:
    """Create, or update the record whose ``key`` column equals ``values[key]``; returns (obj, created)."""
    rec = normalise(model, {key: values[key]})
    existing = session.scalar(select(model).where(getattr(model, key) == rec[key]))
    if existing is None:
        return create(session, model, values, user=user), True
    return update(session, model, existing.id, values, user=user), False  # type: ignore[attr-defined]


def profile(session: Session) -> m.OrganisationProfile | None:
    """The organisation profile (there is at most one)."""
    return session.scalar(select(m.OrganisationProfile).order_by(m.OrganisationProfile.id).limit(1))


def set_option_counts(
    session: Session, campaign_id: int, total_forms: int, counts: Mapping[int, int], *, user: str | None = None,
    expected_version: int | None = None,
) -> None:
    """Store a campaign's totals per answer option; each criterion's counts must add up to the forms.
    ``expected_version``: the campaign's version when the totals were read; totals saved by someone else
    since are refused (``ConflictError``), and a change here moves the campaign's version on."""
    campaign = get(session, m.SurveyCampaign, campaign_id)
    check_version(session, m.SurveyCampaign, campaign, expected_version)
    if total_forms < 0:
        raise ValidationError("total_forms", "Tổng số phiếu không được là số âm.")
    options = {
        o.id: o
        for c in campaign.questionnaire.criteria
        for o in c.options
    }
    per_criterion: dict[int, int] = {}
    for option_id, count in counts.items():
        if option_id not in options:
            raise ValidationError("option_id", "Phương án trả lời không thuộc bộ câu hỏi của đợt khảo sát.")
        if count < 0:
            raise ValidationError("count", "Số phiếu không được là số âm.")
        crit = options[option_id].criterion
        per_criterion[crit.id] = per_criterion.get(crit.id, 0) + count
    for crit in campaign.questionnaire.criteria:
        total = per_criterion.get(crit.id, 0)
        if total not in (0, total_forms):
            raise ValidationError(
                "count",
                f"Tiêu chí “{crit.short_name or crit.name}”: tổng số phiếu theo các phương án ({total}) "
                f"khác tổng số phiếu ({total_forms}).",
            )
    existing = {
        row.option_id: row
        for row in session.scalars(select(m.SurveyOptionCount).where(m.SurveyOptionCount.campaign_id == campaign_id))
    }
    changed = False
    for option_id, count in counts.items():
        row = existing.get(option_id)
        if row is None:
            session.add(m.SurveyOptionCount(campaign_id=campaign_id, option_id=option_id, count=count, updated_by=user))
            changed = True
        elif row.count != count:
            row.count = count
            changed = True
    _flush(session, m.SurveyOptionCount)
    if campaign.total_forms != total_forms:
        campaign.total_forms = total_forms
        campaign.updated_by = user or current_user()
        _flush(session, m.SurveyCampaign, (campaign.id, campaign.version))
    elif changed:  # only the counts changed: the campaign's version still moves on
        touch(session, campaign)
