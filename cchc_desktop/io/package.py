"""Data packages: a subordinate unit sends its records of a period as one file; the department imports it
(issue 16). ``cchc-desktop export package`` / ``import package``.

Format (``.cchc``): a zip holding ``manifest.json`` and ``data.json`` (UTF-8). Why a zip of JSON and not a
small SQLite file: records travel by their natural codes (dossier code, procedure code, assigning document
and content), never by row ids, so the package does not depend on either side's schema; JSON is read
by any tool, an office can look inside; the zip adds compression and a CRC per member, so a truncated
file is detected even before the checksum. The manifest holds the format version, the schema revision
of the sender, the sending unit (name, one-stop code), the department it is addressed to, the period,
the time it was made, and the SHA-256 of ``data.json``.

Import: one transaction; each record is new, unchanged, changed or conflicting. A record the department
edited since the package that last brought it (its ``version`` moved on, see ``PackageRecord``) — or
one the department entered itself — is a conflict: listed, never overwritten. Sending the same package
again changes nothing. A package that is not a zip, truncated, of a newer schema, with a bad checksum or
for another department is refused with one sentence and nothing changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import models as m
from ..core import services
from ..core.db import Database, head_revision
from ..core.enums import Channel, DossierOutcome, DurationUnit, OnlineLevel
from ..core.errors import CchcError, ValidationError
from ..core.files import atomic_write_bytes
from ..core.indicators.dossiers import dossier_handled_in
from ..core.indicators.tasks import task_handled_in
from ..core.periods import PeriodSpec, periods_for
from ..core.text import name_key
from ..core.units import packages_received

FORMAT = "cchc-package"
FORMAT_VERSION = 1
SUFFIX = ".cchc"


class PackageError(CchcError):
    """A package refused as a whole (nothing changed)."""

    exit_code = 2


# --------------------------------------------------------------------------- export


def _find_unit(session: Session, ref: str | None) -> m.Unit:
    units = list(session.scalars(select(m.Unit)))
    if ref is None:
        own = [u for u in units if u.is_department]
        if own:
            return own[0]
    key = name_key(ref)
    for u in units:
        if ref in (u.code, str(u.id)) or key in (name_key(u.name), name_key(u.short_name)):
            return u
    raise CchcError(f"Không tìm thấy đơn vị “{ref}” trong cơ sở dữ liệu.")


def _iso(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


def build_package(session: Session, unit_ref: str | None, period_text: str) -> tuple[dict[str, Any], bytes]:
    """(manifest, data.json bytes) of the unit's records for the period."""
    unit = _find_unit(session, unit_ref)
    spec = PeriodSpec.parse(period_text)
    period = periods_for(session, spec).dossiers
    start, end = period.start, period.end
    procs = list(session.scalars(select(m.Procedure).where(m.Procedure.unit_id == unit.id).order_by(m.Procedure.code)))
    fields = dict(session.execute(select(m.Field.id, m.Field.name)).all())
    codes = {p.id: p.code for p in session.scalars(select(m.Procedure))}
    d = m.Dossier
    dossiers = session.scalars(
        select(d).where(d.unit_id == unit.id, dossier_handled_in(start, end))
        .order_by(d.code)
    )  # fmt: skip
    t = m.Task
    tasks = session.scalars(
        select(t).where(t.lead_unit_id == unit.id, task_handled_in(start, end)).order_by(t.assigned_on, t.id)
    )  # fmt: skip
    data = {
        "procedures": [
            {"code": p.code, "name": p.name, "field": fields.get(p.field_id or 0), "online_level": _iso(p.online_level),
             "resolution_days": p.resolution_days, "resolution_unit": _iso(p.resolution_unit),
             "abolished_on": _iso(p.abolished_on)}
            for p in procs
        ],
        "dossiers": [
            {k: _iso(getattr(x, k)) for k in DOSSIER_KEYS} | {"procedure_code": codes.get(x.procedure_id)}
            for x in dossiers
        ],
        "tasks": [{k: _iso(getattr(x, k)) for k in TASK_KEYS} for x in tasks],
    }  # fmt: skip
    body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    prof = session.scalar(select(m.OrganisationProfile))
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": head_revision(),
        "unit": {"name": unit.name, "code": unit.code},
        "addressed_to": prof.parent_agency if prof else "",
        "period": {"key": spec.key, "start": start.isoformat(), "end": end.isoformat(), "label": period.label},
        "sent_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        "checksum": hashlib.sha256(body).hexdigest(),
        "counts": {k: len(v) for k, v in data.items()},
    }
    return manifest, body


DOSSIER_KEYS = ("code", "channel", "received_on", "received_time", "due_on", "extended_due_on", "apology_letter",
                "resolved_on", "outcome", "supplement_requests", "applicant", "note")  # fmt: skip
TASK_KEYS = ("document_number", "document_date", "content", "assigned_by", "assigned_on", "due_on",
             "extended_due_on", "extension_approved", "completed_on", "note")  # fmt: skip


def export_package(db: Database, unit_ref: str | None, period_text: str, out: Path | str) -> dict[str, Any]:
    """Write the package file (atomically); returns its manifest."""
    with db.session() as session:
        manifest, body = build_package(session, unit_ref, period_text)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        zf.writestr("data.json", body)
    atomic_write_bytes(out, buffer.getvalue())
    return manifest


# --------------------------------------------------------------------------- reading and refusing


def read_package(path: Path | str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(manifest, data), or ``PackageError`` with the one sentence the user reads."""
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            body = zf.read("data.json")
    except FileNotFoundError:
        raise PackageError(f"Không tìm thấy tệp {path}.") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        raise PackageError(f"Tệp {name} không phải gói số liệu hợp lệ hoặc đã bị cắt ngắn; không có gì thay đổi.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackageError(f"Tệp {name} không phải gói số liệu của ứng dụng; không có gì thay đổi.")
    theirs, ours = str(manifest.get("schema_revision", "")), head_revision()
    if manifest.get("format_version", 0) > FORMAT_VERSION or _revision_number(theirs) > _revision_number(ours):
        raise PackageError(
            f"Gói {name} được tạo bởi phiên bản ứng dụng mới hơn (lược đồ {theirs}); hãy cập nhật ứng dụng rồi nhận lại."
        )
    if hashlib.sha256(body).hexdigest() != manifest.get("checksum"):
        raise PackageError(f"Gói {name} có mã kiểm tra không khớp (tệp bị sửa hoặc hỏng); không có gì thay đổi.")
    try:
        data = json.loads(body)
    except ValueError:
        raise PackageError(f"Gói {name} có dữ liệu không đọc được; không có gì thay đổi.") from None
    return manifest, data


def _revision_number(revision: str) -> int:
    head = revision.split("_", 1)[0]
    return int(head) if head.isdigit() else 10**9  # an unknown revision is treated as newer


def _addressed_here(manifest: dict[str, Any], profile: m.OrganisationProfile | None) -> bool:
    """The package names this department: its addressee mentions our agency and our place."""
    if profile is None:
        return False
    to = name_key(manifest.get("addressed_to") or "")
    return name_key(profile.agency) in to and name_key(profile.place) in to


# --------------------------------------------------------------------------- import


@dataclass
class PackageResult:
    unit: str
    period: str
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    committed: bool = False
    already: bool = False

    def lines(self) -> list[str]:
        if self.already:
            return [f"Gói số liệu của {self.unit} ({self.period}) đã được nhận trước đây; không có gì thay đổi."]
        head = (f"Gói số liệu của {self.unit} ({self.period}): {_by_kind(self.new)} mới, "
                f"{_by_kind(self.changed)} thay đổi, {self.unchanged} không đổi, {len(self.conflicts)} xung đột")  # fmt: skip
        out = [head + ("." if self.committed else " (xem trước, chưa lưu).")]
        out += [f"  Xung đột (giữ bản của Sở, không ghi đè): {c}" for c in self.conflicts]
        return out


KIND_WORDS = ("thủ tục", "hồ sơ", "nhiệm vụ")


def _by_kind(labels: list[str]) -> str:
    """"9 (3 thủ tục, 6 hồ sơ)": the count and, when there are any, how many of each kind."""
    parts = [f"{n} {k}" for k in KIND_WORDS if (n := sum(label.startswith(k + " ") for label in labels))]
    return f"{len(labels)} ({', '.join(parts)})" if parts else str(len(labels))


class _Preview(Exception):
    """Rolls the transaction back after a preview."""


def import_package(db: Database, path: Path | str, *, preview: bool = False, user: str | None = None) -> PackageResult:
    manifest, data = read_package(path)
    unit_info = manifest.get("unit") or {}
    period = manifest.get("period") or {}
    result = PackageResult(str(unit_info.get("name") or "?"), str(period.get("label") or period.get("key") or "?"))
    user = user or services.current_user()
    try:
        with db.transaction() as session:
            if not _addressed_here(manifest, session.scalar(select(m.OrganisationProfile))):
                raise PackageError(
                    f"Gói {Path(path).name} gửi cho “{manifest.get('addressed_to')}”, không phải cơ quan này; "
                    "không có gì thay đổi."
                )
            if session.scalar(select(func.count()).where(m.DataPackage.checksum == manifest["checksum"])):
                result.already = True
                return result
            _Importer(session, manifest, data, result, user, Path(path).name).run()
            if preview:
                raise _Preview
    except _Preview:
        return result
    except ValidationError as exc:
        raise PackageError(f"Gói {Path(path).name} có bản ghi không hợp lệ: {exc.message} Không có gì thay đổi.") from None
    result.committed = True
    return result


class _Importer:
    def __init__(self, session: Session, manifest: dict[str, Any], data: dict[str, Any], result: PackageResult,
                 user: str, file_name: str) -> None:  # fmt: skip
        self.s, self.manifest, self.data, self.result, self.user = session, manifest, data, result, user
        self.file_name = file_name

    def run(self) -> None:
        s, man = self.s, self.manifest
        self.unit = self._unit(man["unit"])
        period = man["period"]
        self.package = services.create(s, m.DataPackage, {
            "unit_id": self.unit.id, "period_key": period["key"], "period_start": dt.date.fromisoformat(period["start"]),
            "period_end": dt.date.fromisoformat(period["end"]), "sent_at": dt.datetime.fromisoformat(man["sent_at"]),
            "received_at": dt.datetime.now().replace(microsecond=0), "checksum": man["checksum"],
            "schema_revision": man["schema_revision"], "file_name": self.file_name[:300],
        }, user=self.user)  # fmt: skip
        fields = {name_key(n): i for i, n in s.execute(select(m.Field.id, m.Field.name))}
        for p in self.data.get("procedures", []):
            fid = fields.get(name_key(p.get("field"))) if p.get("field") else None
            if p.get("field") and fid is None:
                fid = services.create(s, m.Field, {"name": p["field"], "needs_review": True}, user=self.user).id
                fields[name_key(p["field"])] = fid
            values = {"code": p["code"], "name": p["name"], "field_id": fid, "unit_id": self.unit.id,
                      "online_level": _enum(OnlineLevel, p["online_level"]), "resolution_days": p.get("resolution_days"),
                      "resolution_unit": _enum(DurationUnit, p["resolution_unit"]),
                      "abolished_on": _date(p.get("abolished_on"))}  # fmt: skip
            self._upsert(m.Procedure, s.scalar(select(m.Procedure).where(m.Procedure.code == p["code"])), values,
                         f"thủ tục {p['code']}")
        procs = dict(s.execute(select(m.Procedure.code, m.Procedure.id)).all())
        for x in self.data.get("dossiers", []):
            values = {
                "code": x["code"], "procedure_id": procs.get(x.get("procedure_code")), "unit_id": self.unit.id,
                "channel": _enum(Channel, x["channel"]), "received_on": _date(x["received_on"]),
                "received_time": dt.time.fromisoformat(x["received_time"]) if x.get("received_time") else None,
                "due_on": _date(x["due_on"]), "extended_due_on": _date(x.get("extended_due_on")),
                "apology_letter": x.get("apology_letter"), "resolved_on": _date(x.get("resolved_on")),
                "outcome": _enum(DossierOutcome, x["outcome"]) if x.get("outcome") else None,
                "supplement_requests": x.get("supplement_requests") or 0, "applicant": x.get("applicant"),
                "note": x.get("note"),
            }  # fmt: skip
            self._upsert(m.Dossier, s.scalar(select(m.Dossier).where(m.Dossier.code == x["code"])), values,
                         f"hồ sơ {x['code']}")
        for t in self.data.get("tasks", []):
            values = {k: t.get(k) for k in TASK_KEYS}
            for k in ("document_date", "assigned_on", "due_on", "extended_due_on", "completed_on"):
                values[k] = _date(values[k])
            values["lead_unit_id"] = self.unit.id
            stmt = select(m.Task).where(m.Task.content == t["content"], m.Task.lead_unit_id == self.unit.id)
            number = t.get("document_number")
            stmt = stmt.where(m.Task.document_number == number if number else m.Task.document_number.is_(None))
            self._upsert(m.Task, s.scalar(stmt.limit(1)), values, f"nhiệm vụ {number or t['content'][:40]}")

    def _unit(self, info: dict[str, Any]) -> m.Unit:
        s = self.s
        unit = s.scalar(select(m.Unit).where(m.Unit.code == info["code"])) if info.get("code") else None
        if unit is None:
            key = name_key(info["name"])
            unit = next((u for u in s.scalars(select(m.Unit)) if name_key(u.name) == key), None)
        if unit is None:
            unit = services.create(s, m.Unit, {"name": info["name"], "code": info.get("code")}, user=self.user)
        return unit

    def _last_version(self, model: type[m.Base], record_id: int) -> int | None:
        """The version the record had right after the last package that brought it (None: never one)."""
        return self.s.scalar(
            select(m.PackageRecord.record_version)
            .where(m.PackageRecord.table_name == model.__tablename__, m.PackageRecord.record_id == record_id)
            .order_by(m.PackageRecord.id.desc()).limit(1)
        )  # fmt: skip

    def _upsert(self, model: Any, existing: Any, values: dict[str, Any], label: str) -> None:
        if existing is None:
            obj = services.create(self.s, model, values, user=self.user)
            self.result.new.append(label)
            self._remember(model, obj)
            return
        differs = {k: v for k, v in values.items() if getattr(existing, k) != v}
        if not differs:
            self.result.unchanged += 1
            return
        if self._last_version(model, existing.id) != existing.version:
            self.result.conflicts.append(label)  # edited at the department since (or entered there): kept
            return
        obj = services.update(self.s, model, existing.id, differs, user=self.user)
        self.result.changed.append(label)
        self._remember(model, obj)

    def _remember(self, model: Any, obj: Any) -> None:
        self.s.flush()
        services.create(self.s, m.PackageRecord, {"package_id": self.package.id, "table_name": model.__tablename__,
                                                   "record_id": obj.id, "record_version": obj.version},
                        user=self.user)  # fmt: skip


def _enum(kind: Any, value: Any) -> Any:
    """An enum member from its stored value (the enums carry a Vietnamese label beside the value)."""
    for member in kind:
        if member.value == value:
            return member
    raise ValidationError("", f"Giá trị “{value}” không hợp lệ.")


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def senders(session: Session, start: dt.date, end: dt.date) -> dict[int, dt.datetime]:
    """Unit id → when its last package for the period arrived (``core.units.packages_received``)."""
    return packages_received(session, start, end)
