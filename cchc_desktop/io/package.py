"""Data packages: a subordinate unit sends its records of a period as one file; the department imports it
(issue 16). ``cchc-desktop export package`` / ``import package``.

Format (``.cchc``): a zip holding ``manifest.json`` and ``data.json`` (UTF-8). Why a zip of JSON and not a
small SQLite file: records travel by their natural codes, never by row ids, so the package does not depend
on either side's schema; JSON is read by any tool, an office can look inside; the zip adds compression and
a CRC per member, so a truncated file is detected even before the checksum. The manifest holds the format
version, the schema revision of the sender, the sending unit (name, one-stop code), the department it is
addressed to, the period, the time it was made, the records of each kind and the SHA-256 of ``data.json``.

``data.json`` holds, for the unit and the period, each kind under its natural key:

- ``procedures``: the procedure code;
- ``dossiers``: the dossier code; each carries its ``events``, keyed within the dossier on their kind and
  day — the one extension and the one end of a dossier on their kind alone (the unit may correct the day);
- ``tasks``: the assigning document's number and the content (with the lead unit: the sender);
- ``surveys``: the campaigns held in the period (``indicators.surveys.campaign_held_in``), keyed on the
  sending unit, the year and the title; each with its questionnaire (matched by name, criteria by their
  order, options by their rank; created or completed when missing, never changed), its respondent groups
  (by name), its forms (by number) with their answers (by criterion) or, for a campaign of totals, its
  count per option;
- ``documents``: the monthly document counts of the period's months (``document_months``): unit, year, month;
- ``report_texts``: the unit's report texts of the period: unit, report type, period key, section.

At the department, the campaigns, document counts and report texts a package brought carry the unit
(``unit_id``; NULL is the department's own): the survey and document indicators add them up with the
department's own, its reports never read the units' texts.

Ambiguous keys (two tasks of one document with the same content, two campaigns of a year with the same
title, two supplement requests of a dossier on the same day): the n-th record of the package with a key
matches the n-th record of the department with that key, in the order they were entered (id), so
re-sending the same records updates them one for one and never duplicates; one more in the package is new.

Import: one transaction; each record is new, unchanged, changed or conflicting. A record the department
edited since the package that last brought it (its ``version`` moved on, see ``PackageRecord``) — or
one the department entered itself — is a conflict: listed, never overwritten. A form and its answers (a
campaign of totals and its counts) make one line: conflicting when one part is, the other parts still
written. Sending the same package again changes nothing. A package that is not a zip, truncated, of a
newer schema, with a bad checksum or for another department is refused with one sentence and nothing
changed.
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

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..core import dossier_events as de
from ..core import models as m
from ..core import services
from ..core.db import Database, head_revision
from ..core.dossier_events import EVENT_FIELDS
from ..core.enums import (
    Channel,
    DossierEventKind,
    DossierOutcome,
    DurationUnit,
    OnlineLevel,
    ReportType,
    SurveyMode,
)
from ..core.errors import CchcError, ValidationError
from ..core.files import atomic_write_bytes
from ..core.indicators.documents import document_months
from ..core.indicators.dossiers import dossier_handled_in
from ..core.indicators.surveys import campaign_held_in
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


def _of_unit(column: Any, unit: m.Unit) -> Any:
    """Rows of the sending unit in a table whose ``unit_id`` is NULL for the organisation's own rows."""
    return or_(column == unit.id, column.is_(None)) if unit.is_department else column == unit.id


def build_package(session: Session, unit_ref: str | None, period_text: str) -> tuple[dict[str, Any], bytes]:
    """(manifest, data.json bytes) of the unit's records for the period."""
    unit = _find_unit(session, unit_ref)
    spec = PeriodSpec.parse(period_text)
    periods = periods_for(session, spec)
    period = periods.dossiers
    start, end = period.start, period.end
    procs = list(session.scalars(select(m.Procedure).where(m.Procedure.unit_id == unit.id).order_by(m.Procedure.code)))
    fields = dict(session.execute(select(m.Field.id, m.Field.name)).all())
    codes = {p.id: p.code for p in session.scalars(select(m.Procedure))}
    d = m.Dossier
    dossiers = list(session.scalars(
        select(d).where(d.unit_id == unit.id, dossier_handled_in(start, end))
        .order_by(d.code)
    ))  # fmt: skip
    events: dict[int, list[dict[str, Any]]] = {}
    ids = [x.id for x in dossiers]
    for i in range(0, len(ids), 500):
        rows = session.scalars(select(m.DossierEvent).where(m.DossierEvent.dossier_id.in_(ids[i:i + 500]))
                               .order_by(m.DossierEvent.dossier_id, m.DossierEvent.occurred_on, m.DossierEvent.id))  # fmt: skip
        for e in rows:
            events.setdefault(e.dossier_id, []).append({k: _iso(getattr(e, k)) for k in EVENT_FIELDS})
    t = m.Task
    tasks = session.scalars(
        select(t).where(t.lead_unit_id == unit.id, task_handled_in(start, end)).order_by(t.assigned_on, t.id)
    )  # fmt: skip
    dc = m.DocumentCount
    months = [y * 12 + mo for y, mo in document_months(periods.documents)]
    documents: Any = session.scalars(select(dc).where(_of_unit(dc.unit_id, unit), (dc.year * 12 + dc.month).in_(months))
                                .order_by(dc.year, dc.month)) if months else []  # fmt: skip
    rt = m.ReportText
    texts = session.scalars(select(rt).where(_of_unit(rt.unit_id, unit), rt.period_key == spec.key)
                            .order_by(rt.report_type, rt.section_key))  # fmt: skip
    data = {
        "procedures": [
            {"code": p.code, "name": p.name, "field": fields.get(p.field_id or 0), "online_level": _iso(p.online_level),
             "resolution_days": p.resolution_days, "resolution_unit": _iso(p.resolution_unit),
             "abolished_on": _iso(p.abolished_on)}
            for p in procs
        ],
        "dossiers": [
            {k: _iso(getattr(x, k)) for k in DOSSIER_KEYS} | {"procedure_code": codes.get(x.procedure_id),
                                                              "events": events.get(x.id, [])}
            for x in dossiers
        ],
        "tasks": [{k: _iso(getattr(x, k)) for k in TASK_KEYS} for x in tasks],
        "surveys": _surveys(session, unit, periods.surveys),
        "documents": [{k: getattr(x, k) for k in DOCUMENT_KEYS} for x in documents],
        "report_texts": [{"report_type": _iso(x.report_type), "section_key": x.section_key, "body": x.body}
                         for x in texts],
    }  # fmt: skip
    body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    prof = session.scalar(select(m.OrganisationProfile))
    counts = {k: len(v) for k, v in data.items()}
    counts["events"] = sum(len(x["events"]) for x in data["dossiers"])
    counts["survey_forms"] = sum(len(c["forms"]) for c in data["surveys"])
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": head_revision(),
        "unit": {"name": unit.name, "code": unit.code},
        "addressed_to": prof.parent_agency if prof else "",
        "period": {"key": spec.key, "start": start.isoformat(), "end": end.isoformat(), "label": period.label},
        "sent_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        "checksum": hashlib.sha256(body).hexdigest(),
        "counts": counts,
    }
    return manifest, body


def _surveys(session: Session, unit: m.Unit, period: Any) -> list[dict[str, Any]]:
    """The unit's campaigns held in the period, each with its questionnaire (criteria and options by their
    order and rank), groups, forms and answers (or, for a campaign of totals, the counts per option)."""
    c = m.SurveyCampaign
    out = []
    for camp in session.scalars(select(c).where(_of_unit(c.unit_id, unit), campaign_held_in(period))
                                .order_by(c.year, c.held_on, c.id)):  # fmt: skip
        q = camp.questionnaire
        place: dict[int, tuple[int, int]] = {}  # option id → (criterion order, option rank)
        crit_order: dict[int, int] = {}
        criteria = []
        for cr in q.criteria:
            crit_order[cr.id] = cr.sort_order
            criteria.append({"sort_order": cr.sort_order, "name": cr.name, "short_name": cr.short_name,
                             "is_overall": cr.is_overall,
                             "options": [{"rank": o.rank, "label": o.label} for o in cr.options]})  # fmt: skip
            place.update({o.id: (cr.sort_order, o.rank) for o in cr.options})
        groups = {g.id: g.name for g in camp.groups}
        forms = session.scalars(select(m.SurveyForm).where(m.SurveyForm.campaign_id == camp.id)
                                .order_by(m.SurveyForm.number))  # fmt: skip
        counts = session.scalars(select(m.SurveyOptionCount).where(m.SurveyOptionCount.campaign_id == camp.id)
                                 .order_by(m.SurveyOptionCount.id))  # fmt: skip
        out.append({
            "title": camp.title, "year": camp.year, "held_on": _iso(camp.held_on),
            "report_number": camp.report_number, "report_date": _iso(camp.report_date), "mode": _iso(camp.mode),
            "total_forms": camp.total_forms,
            "questionnaire": {"name": q.name, "criteria": criteria},
            "groups": sorted(groups.values()),
            "forms": [{"number": f.number, "group": groups.get(f.group_id or 0), "filled_on": _iso(f.filled_on),
                       "answers": sorted([crit_order[a.criterion_id], place[a.option_id][1]] for a in f.answers)}
                      for f in forms],
            "option_counts": [[*place[x.option_id], x.count] for x in counts],
        })  # fmt: skip
    return out


DOSSIER_KEYS = ("code", "channel", "received_on", "received_time", "due_on", "first_due_on", "extended_due_on",
                "apology_letter", "resolved_on", "outcome", "supplement_requests", "applicant", "note")  # fmt: skip
TASK_KEYS = ("document_number", "document_date", "content", "assigned_by", "assigned_on", "due_on",
             "extended_due_on", "extension_approved", "completed_on", "note")  # fmt: skip
DOCUMENT_KEYS = ("year", "month", "outgoing", "outgoing_secret", "outgoing_electronic", "decisions",
                 "decisions_electronic", "incoming", "incoming_electronic")  # fmt: skip


def contents(counts: dict[str, int]) -> str:
    """What a package holds, kind by kind, from its manifest's counts: "3 thủ tục, 14 hồ sơ (5 sự kiện hồ sơ),
    4 nhiệm vụ, 1 đợt khảo sát (7 phiếu khảo sát), 12 số liệu văn bản tháng, 2 nội dung báo cáo"."""
    def n(key: str) -> int:
        return int(counts.get(key) or 0)

    parts = [f"{n('procedures')} thủ tục", f"{n('dossiers')} hồ sơ ({n('events')} sự kiện hồ sơ)",
             f"{n('tasks')} nhiệm vụ", f"{n('surveys')} đợt khảo sát ({n('survey_forms')} phiếu khảo sát)",
             f"{n('documents')} số liệu văn bản tháng", f"{n('report_texts')} nội dung báo cáo"]  # fmt: skip
    return ", ".join(parts)


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

    def lines(self, limit: int | None = None) -> list[str]:
        """The summary, then each conflict (``limit``: at most that many, then how many more)."""
        if self.already:
            return [f"Gói số liệu của {self.unit} ({self.period}) đã được nhận trước đây; không có gì thay đổi."]
        head = (f"Gói số liệu của {self.unit} ({self.period}): {_by_kind(self.new)} mới, "
                f"{_by_kind(self.changed)} thay đổi, {self.unchanged} không đổi, {len(self.conflicts)} xung đột")  # fmt: skip
        out = [head + ("." if self.committed else " (xem trước, chưa lưu).")]
        shown = self.conflicts if limit is None else self.conflicts[:limit]
        out += [f"  Xung đột (giữ bản của Sở, không ghi đè): {c}" for c in shown]
        if len(shown) < len(self.conflicts):
            out.append(f"  … và {len(self.conflicts) - len(shown)} xung đột khác (cũng giữ bản của Sở).")
        return out


KIND_WORDS = ("thủ tục", "hồ sơ", "sự kiện hồ sơ", "nhiệm vụ", "đợt khảo sát", "phiếu khảo sát",
              "số liệu văn bản tháng", "nội dung báo cáo")  # fmt: skip


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
        self.seen: dict[tuple[Any, ...], int] = {}  # ambiguous keys met so far (``_nth``)
        self.last: Any = None

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
                "due_on": _date(x["due_on"]), "first_due_on": _date(x.get("first_due_on")),
                "extended_due_on": _date(x.get("extended_due_on")),
                "apology_letter": x.get("apology_letter"), "resolved_on": _date(x.get("resolved_on")),
                "outcome": _enum(DossierOutcome, x["outcome"]) if x.get("outcome") else None,
                "supplement_requests": x.get("supplement_requests") or 0, "applicant": x.get("applicant"),
                "note": x.get("note"),
            }  # fmt: skip
            events = [_event(e) for e in x.get("events") or []]
            self._dossier(s.scalar(select(m.Dossier).where(m.Dossier.code == x["code"])), values, events)
        for t in self.data.get("tasks", []):
            values = {k: t.get(k) for k in TASK_KEYS}
            for k in ("document_date", "assigned_on", "due_on", "extended_due_on", "completed_on"):
                values[k] = _date(values[k])
            values["lead_unit_id"] = self.unit.id
            stmt = select(m.Task).where(m.Task.content == t["content"], m.Task.lead_unit_id == self.unit.id)
            number = t.get("document_number")
            stmt = stmt.where(m.Task.document_number == number if number else m.Task.document_number.is_(None))
            self._upsert(m.Task, self._nth(stmt, m.Task, ("task", number, t["content"])), values,
                         f"nhiệm vụ {number or t['content'][:40]}")
        for c in self.data.get("surveys", []):
            self._campaign(c)
        dc = m.DocumentCount
        for x in self.data.get("documents", []):
            values = {k: x.get(k) or 0 for k in DOCUMENT_KEYS} | {"unit_id": self.unit.id}
            existing = s.scalar(select(dc).where(dc.unit_id == self.unit.id, dc.year == x["year"], dc.month == x["month"]))
            self._upsert(dc, existing, values, f"số liệu văn bản tháng {x['month']}/{x['year']}")
        rt = m.ReportText
        for x in self.data.get("report_texts", []):
            kind = _enum(ReportType, x["report_type"])
            values = {"report_type": kind, "period_key": period["key"], "section_key": x["section_key"],
                      "body": x.get("body") or "", "unit_id": self.unit.id}  # fmt: skip
            text = s.scalar(select(rt).where(rt.unit_id == self.unit.id, rt.report_type == kind,
                                                 rt.period_key == period["key"], rt.section_key == x["section_key"]))  # fmt: skip
            self._upsert(rt, text, values, f"nội dung báo cáo {x['section_key']} ({kind.label})")

    def _nth(self, stmt: Any, model: Any, key: tuple[Any, ...]) -> Any:
        """The record a package row with an ambiguous key matches: the n-th row of the package with this key
        matches the n-th record of the department with it (by id), None when the department has fewer."""
        n = self.seen[key] = self.seen.get(key, -1) + 1
        return self.s.scalar(stmt.order_by(model.id).offset(n).limit(1))

    # ----------------------------------------------------------------- dossiers and their events

    def _dossier(self, existing: m.Dossier | None, values: dict[str, Any], events: list[de.Event]) -> None:
        code = values["code"]
        if existing is None:
            if not events:
                self._upsert(m.Dossier, None, values, f"hồ sơ {code}")
                return
            obj = services.create(self.s, m.Dossier, values, user=self.user, events=events)
            self.result.new.append(f"hồ sơ {code}")
            self._remember(m.Dossier, obj)
            for row in obj.events:
                self.result.new.append(_event_label(code, row))
                self._remember(m.DossierEvent, row)
            return
        last = self._last_version(m.Dossier, existing.id)
        clean = last == existing.version
        # a dossier the department entered itself is its own: the package's events are listed, not written
        if self._events(existing, events, write=last is not None) and clean:
            self.s.refresh(existing)
            self._remember(m.Dossier, existing)  # the columns the package's events moved are the package's
        self._upsert(m.Dossier, existing, values, f"hồ sơ {code}")

    def _events(self, dossier: m.Dossier, events: list[de.Event], *, write: bool = True) -> bool:
        """Each event of the package against the dossier's (``_event_key``; the n-th with a key matches the
        n-th); new ones added, changed ones updated through ``core.dossier_events`` (the columns follow),
        those edited at the department kept (all new or changed ones, when not ``write``). True when
        something was written."""
        stored: dict[tuple[Any, ...], list[m.DossierEvent]] = {}
        for row in de.events_of(self.s, dossier.id):
            stored.setdefault(_event_key(row), []).append(row)
        seen: dict[tuple[Any, ...], int] = {}
        wrote = False
        for ev in de.ordered(events):
            key = _event_key(ev)
            n = seen[key] = seen.get(key, -1) + 1
            rows = stored.get(key, [])
            match = rows[n] if n < len(rows) else None
            label = _event_label(dossier.code, ev)
            if match is None and not write:
                self.result.conflicts.append(label)
                continue
            if match is None:
                row = de.add_event(self.s, dossier.id, ev.values(), user=self.user)
                self.result.new.append(label)
            else:
                differs = {k: v for k, v in ev.values().items() if getattr(match, k) != v}
                if not differs:
                    self.result.unchanged += 1
                    continue
                if not write or self._last_version(m.DossierEvent, match.id) != match.version:
                    self.result.conflicts.append(label)
                    continue
                row = de.update_event(self.s, match.id, differs, user=self.user)
                self.result.changed.append(label)
            self._remember(m.DossierEvent, row)
            wrote = True
        return wrote

    # ----------------------------------------------------------------- surveys

    def _questionnaire(self, info: dict[str, Any]) -> tuple[int, dict[tuple[int, int], tuple[int, int]]]:
        """The questionnaire by its name (created when missing; criteria and options missing from it are
        added, never changed): its id and (criterion order, option rank) → (criterion id, option id)."""
        s = self.s
        q = s.scalar(select(m.Questionnaire).where(m.Questionnaire.name == info["name"]))
        if q is None:
            q = services.create(s, m.Questionnaire, {"name": info["name"]}, user=self.user)
        place: dict[tuple[int, int], tuple[int, int]] = {}
        have = {cr.sort_order: cr for cr in s.scalars(select(m.Criterion).where(m.Criterion.questionnaire_id == q.id))}
        for c in info.get("criteria", []):
            cr = have.get(c["sort_order"])
            if cr is None:
                cr = services.create(s, m.Criterion, {"questionnaire_id": q.id, "sort_order": c["sort_order"],
                                                      "name": c["name"], "short_name": c.get("short_name"),
                                                      "is_overall": bool(c.get("is_overall"))}, user=self.user)  # fmt: skip
            ranks = {o.rank: o.id for o in s.scalars(select(m.CriterionOption)
                                                    .where(m.CriterionOption.criterion_id == cr.id))}  # fmt: skip
            for o in c.get("options", []):
                if o["rank"] not in ranks:
                    ranks[o["rank"]] = services.create(s, m.CriterionOption, {
                        "criterion_id": cr.id, "rank": o["rank"], "label": o["label"]}, user=self.user).id  # fmt: skip
                place[(c["sort_order"], o["rank"])] = (cr.id, ranks[o["rank"]])
        return q.id, place

    def _campaign(self, c: dict[str, Any]) -> None:
        s, sc = self.s, m.SurveyCampaign
        qid, place = self._questionnaire(c["questionnaire"])
        values = {"title": c["title"], "year": c["year"], "held_on": _date(c.get("held_on")),
                  "report_number": c.get("report_number"), "report_date": _date(c.get("report_date")),
                  "questionnaire_id": qid, "mode": _enum(SurveyMode, c["mode"]), "total_forms": c.get("total_forms"),
                  "unit_id": self.unit.id}  # fmt: skip
        stmt = select(sc).where(sc.unit_id == self.unit.id, sc.year == c["year"], sc.title == c["title"])
        campaign_status = [self._status(sc, self._nth(stmt, sc, ("campaign", c["year"], c["title"])), values)]
        camp = self.last
        groups = {g.name: g.id for g in s.scalars(select(m.RespondentGroup).where(m.RespondentGroup.campaign_id == camp.id))}
        for name in c.get("groups", []):
            if name not in groups:
                groups[name] = services.create(s, m.RespondentGroup, {"campaign_id": camp.id, "name": name},
                                               user=self.user).id  # fmt: skip
        sf, sa = m.SurveyForm, m.SurveyAnswer
        for f in c.get("forms", []):
            label = f"phiếu khảo sát {c['title']} số {f['number']}"
            values = {"campaign_id": camp.id, "number": f["number"], "group_id": groups.get(f.get("group") or ""),
                      "filled_on": _date(f.get("filled_on"))}  # fmt: skip
            existing = s.scalar(select(sf).where(sf.campaign_id == camp.id, sf.number == f["number"]))
            statuses = [self._status(sf, existing, values)]
            form = self.last
            for order, rank in f.get("answers", []):
                criterion_id, option_id = _placed(place, order, rank)
                answer = s.scalar(select(sa).where(sa.form_id == form.id, sa.criterion_id == criterion_id))
                statuses.append(self._status(sa, answer, {"form_id": form.id, "criterion_id": criterion_id,
                                                          "option_id": option_id}))  # fmt: skip
            self._tally(statuses, label)
        oc = m.SurveyOptionCount
        for order, rank, count in c.get("option_counts", []):  # a campaign of totals: part of the campaign
            _criterion, option_id = _placed(place, order, rank)
            count_row = s.scalar(select(oc).where(oc.campaign_id == camp.id, oc.option_id == option_id))
            campaign_status.append(self._status(oc, count_row, {"campaign_id": camp.id, "option_id": option_id,
                                                                "count": count}))  # fmt: skip
        self._tally(campaign_status, f"đợt khảo sát {c['title']}")

    def _tally(self, statuses: list[str], label: str) -> None:
        """One line for a record and its parts (a form and its answers, a campaign and its counts per
        option): conflicting when any part is, else new, changed or unchanged."""
        if "conflict" in statuses:
            self.result.conflicts.append(label)
        elif statuses[0] == "new":
            self.result.new.append(label)
        elif "changed" in statuses or "new" in statuses:
            self.result.changed.append(label)
        else:
            self.result.unchanged += 1

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

    def _upsert(self, model: Any, existing: Any, values: dict[str, Any], label: str) -> Any:
        """Create, update or keep one record (its line in the result); returns the record."""
        status = self._status(model, existing, values)
        {"new": self.result.new, "changed": self.result.changed, "conflict": self.result.conflicts}.get(
            status, []).append(label)  # fmt: skip
        if status == "unchanged":
            self.result.unchanged += 1
        return self.last

    def _status(self, model: Any, existing: Any, values: dict[str, Any]) -> str:
        """Write one record unless the department edited it since the last package that brought it (or
        entered it itself): "new", "changed", "unchanged" or "conflict"; the record is ``self.last``."""
        self.last = existing
        if existing is None:
            obj = self.last = services.create(self.s, model, values, user=self.user)
            self._remember(model, obj)
            return "new"
        differs = {k: v for k, v in values.items() if getattr(existing, k) != v}
        if not differs:
            return "unchanged"
        if self._last_version(model, existing.id) != existing.version:
            return "conflict"  # edited at the department since (or entered there): kept
        obj = self.last = services.update(self.s, model, existing.id, differs, user=self.user)
        self._remember(model, obj)
        return "changed"

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


def _event(x: dict[str, Any]) -> de.Event:
    return de.Event(_enum(DossierEventKind, x["kind"]), dt.date.fromisoformat(x["occurred_on"]),
                    x.get("document_number"), _date(x.get("document_date")), _date(x.get("new_due_on")),
                    x.get("note"))  # fmt: skip


def _event_key(ev: Any) -> tuple[Any, ...]:
    """An event's natural key within its dossier: the one extension and the one end by their kind alone
    (their day may be corrected), a supplement request or receipt by its kind and day."""
    if ev.kind == DossierEventKind.EXTENDED or ev.kind in de.ENDING_OUTCOME:
        return (ev.kind,)
    return (ev.kind, ev.occurred_on)


def _event_label(code: str, ev: Any) -> str:
    return f"sự kiện hồ sơ {code}: {ev.kind.label.lower()} {de.fmt(ev.occurred_on)}"


def _placed(place: dict[tuple[int, int], tuple[int, int]], order: int, rank: int) -> tuple[int, int]:
    if (order, rank) not in place:
        raise ValidationError("", f"Phiếu khảo sát có câu trả lời cho tiêu chí {order}, phương án {rank} không có "
                                  "trong bộ câu hỏi.")  # fmt: skip
    return place[(order, rank)]


def senders(session: Session, start: dt.date, end: dt.date) -> dict[int, dt.datetime]:
    """Unit id → when its last package for the period arrived (``core.units.packages_received``)."""
    return packages_received(session, start, end)
