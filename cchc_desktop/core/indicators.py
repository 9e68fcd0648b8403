"""The indicator catalogue (SPEC §5): every figure the reports and the dashboard show, computed from
records with SQL aggregates (no Python loops over rows), each a ``Figure`` (numerator, denominator,
value; value ``None`` = "không phát sinh" when the denominator is 0).

Data flows one way: records → these functions → ``Figure``s → reports, dashboard, ``indicators``
command. Nothing downstream recomputes a figure.

Dossier classes for a period [start, end] (SPEC §4):
- carried over: received before start and not resolved/returned before start;
- received: start ≤ received ≤ end, split by channel;
- resolved: outcome "resolved", start ≤ resolved ≤ end; early / on time / late against the due date
  (``due_on``, or ``extended_due_on`` when the profile classifies against the extended date);
- returned: outcome "returned", start ≤ resolved ≤ end;
- in progress at end: received ≤ end and not closed by end; within deadline when due ≥ end.
Identity: carried over + received = resolved + returned + in progress.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from sqlalchemy import Date, Integer, and_, case, column, delete, func, insert, literal, or_, select, values
from sqlalchemy.orm import Session

from . import models as m
from .enums import Channel, Comparator, DossierOutcome, OnlineDenominator, OnlineLevel, SurveyMode
from .periods import FamilyPeriods, Period, PeriodSpec, periods_for

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# --------------------------------------------------------------------------- Figure


@dataclass(frozen=True)
class Figure:
    """A rate: numerator / denominator as a percentage; ``None`` when nothing happened."""

    numerator: int
    denominator: int

    @property
    def applicable(self) -> bool:
        return self.denominator > 0

    @property
    def value(self) -> Decimal | None:
        """Percentage quantized to 0,01 half-up; ``None`` = "không phát sinh"."""
        if self.denominator <= 0:
            return None
        return (Decimal(self.numerator) * HUNDRED / Decimal(self.denominator)).quantize(
            CENT, rounding=ROUND_HALF_UP
        )

    @property
    def ratio(self) -> float | None:
        """Unrounded share in [0, 1] for charts."""
        return self.numerator / self.denominator if self.denominator > 0 else None

    def __add__(self, other: Figure) -> Figure:
        return Figure(self.numerator + other.numerator, self.denominator + other.denominator)


NO_FIGURE = Figure(0, 0)


# --------------------------------------------------------------------------- dossiers


@dataclass(frozen=True)
class DossierClasses:
    carried_over: int = 0
    received: int = 0
    received_online: int = 0
    received_direct: int = 0
    received_postal: int = 0
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    in_progress_within: int = 0
    in_progress_overdue: int = 0
    returned: int = 0

    @property
    def on_time_figure(self) -> Figure:
        """(early + on time) / resolved — objective 1."""
        return Figure(self.early + self.on_time, self.resolved)

    @property
    def early_figure(self) -> Figure:
        return Figure(self.early, self.resolved)

    @property
    def on_time_only_figure(self) -> Figure:
        return Figure(self.on_time, self.resolved)

    @property
    def late_figure(self) -> Figure:
        return Figure(self.late, self.resolved)

    @property
    def total_handled(self) -> int:
        """Biểu 06a column 3: received in period + carried over."""
        return self.carried_over + self.received

    @property
    def received_direct_or_postal(self) -> int:
        """Biểu 06a column 5."""
        return self.received_direct + self.received_postal

    def bieu06a_columns(self) -> tuple[int, ...]:
        """Biểu 06a columns 3–13 of one row (SPEC §6.3), for the Excel form and the report page alike."""
        return (self.total_handled, self.received_online, self.received_direct_or_postal, self.carried_over,
                self.resolved, self.early, self.on_time, self.late,
                self.in_progress, self.in_progress_within, self.in_progress_overdue)  # fmt: skip

    @property
    def identity_holds(self) -> bool:
        return (
            self.carried_over + self.received == self.resolved + self.returned + self.in_progress
            and self.received == self.received_online + self.received_direct + self.received_postal
            and self.resolved == self.early + self.on_time + self.late
            and self.in_progress == self.in_progress_within + self.in_progress_overdue
        )

    def __add__(self, other: DossierClasses) -> DossierClasses:
        names = DossierClasses.__dataclass_fields__
        return DossierClasses(**{n: getattr(self, n) + getattr(other, n) for n in names})


@dataclass(frozen=True)
class FieldRow:
    field_id: int | None
    field_name: str
    classes: DossierClasses


@dataclass(frozen=True)
class UnitRow:
    unit_id: int | None
    unit_name: str
    classes: DossierClasses


@dataclass(frozen=True)
class MonthRow:
    year: int
    month: int
    received: int
    received_online: int
    early: int
    on_time: int
    late: int
    classes: DossierClasses | None = None  # every class of the month (carried over, in progress…)
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def resolved(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def online_figure(self) -> Figure:
        return Figure(self.received_online, self.received)


def dossiers_open_at(session: Session, day: dt.date) -> int:
    """Dossiers received by ``day`` and not closed by it, counted straight from the records."""
    d = m.Dossier
    return _int(
        session.scalar(
            select(func.count()).where(
                d.received_on <= day, or_(d.resolved_on.is_(None), d.resolved_on > day)
            )
        )
    )


# --------------------------------------------------------------------------- online uptake


@dataclass(frozen=True)
class OnlineUptake:
    overall: Figure
    full: Figure
    partial: Figure
    procedures_with_dossiers: int
    denominator_rule: OnlineDenominator = OnlineDenominator.ONLINE_PROCEDURES


# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True)
class TaskSummary:
    total: int = 0
    completed: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    extended: int = 0
    in_progress_not_due: int = 0
    in_progress_overdue: int = 0

    @property
    def in_progress(self) -> int:
        return self.in_progress_not_due + self.in_progress_overdue

    @property
    def figure(self) -> Figure:
        """(early + on time) / (completed + overdue at the end) — objective 5."""
        return Figure(self.early + self.on_time, self.completed + self.in_progress_overdue)


# --------------------------------------------------------------------------- survey


@dataclass(frozen=True)
class OptionResult:
    label: str
    rank: int
    count: int
    figure: Figure  # count / forms


@dataclass(frozen=True)
class CriterionResult:
    name: str
    short_name: str | None
    is_overall: bool
    options: list[OptionResult]

    @property
    def answered(self) -> int:
        return sum(o.count for o in self.options)

    def best(self, n: int = 1) -> Figure:
        """Share of forms answering with one of the ``n`` best options."""
        forms = self.options[0].figure.denominator if self.options else 0
        return Figure(sum(o.count for o in self.options[:n]), forms)


@dataclass(frozen=True)
class SurveySummary:
    campaigns: list[str]
    forms: int
    satisfaction: Figure
    previous_satisfaction: Figure | None
    criteria: list[CriterionResult]
    previous_criteria: list[CriterionResult]
    report_number: str | None = None
    report_date: dt.date | None = None
    groups: int = 0
    previous_campaigns: list[str] = field(default_factory=list)
    previous_forms: int = 0
    previous_year: int | None = None
    campaign_ids: tuple[int, ...] = ()
    previous_report_number: str | None = None
    previous_report_date: dt.date | None = None

    @property
    def return_time(self) -> CriterionResult | None:
        """The first criterion (return time vs appointment) — compared with the previous campaign."""
        return self.criteria[0] if self.criteria else None

    @property
    def previous_return_time(self) -> CriterionResult | None:
        return self.previous_criteria[0] if self.previous_criteria else None


# --------------------------------------------------------------------------- ISO


@dataclass(frozen=True)
class DecisionRow:
    ubnd_number: str
    ubnd_date: dt.date
    iso_number: str | None
    iso_date: dt.date | None
    letter_number: str | None
    letter_date: dt.date | None
    summary: str | None
    days: int | None
    procedures: int
    within: bool


@dataclass(frozen=True)
class IsoSummary:
    decisions: list[DecisionRow]
    figure: Figure
    deadline_days: int = 30

    @property
    def procedures_announced(self) -> int:
        return self.figure.denominator

    @property
    def within_deadline(self) -> int:
        return self.figure.numerator


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class DocumentSummary:
    outgoing: int = 0
    secret: int = 0
    electronic: int = 0  # outgoing sent electronically, decisions not included
    decisions: int = 0
    decisions_electronic: int = 0
    incoming: int = 0
    incoming_electronic: int = 0
    months: tuple[tuple[int, int], ...] = ()

    @property
    def figure(self) -> Figure:
        """(electronic + decisions electronic) / (outgoing + decisions − secret) — objective 6."""
        return Figure(
            self.electronic + self.decisions_electronic, self.outgoing + self.decisions - self.secret
        )

    @property
    def incoming_figure(self) -> Figure:
        return Figure(self.incoming_electronic, self.incoming)


# --------------------------------------------------------------------------- objectives & the set


@dataclass(frozen=True)
class ObjectiveResult:
    number: int
    title: str
    indicator: str
    comparator: Comparator
    target: Decimal
    figure: Figure
    met: bool | None  # None: not applicable ("không phát sinh")


@dataclass(frozen=True)
class IndicatorDef:
    key: str
    name: str  # Vietnamese
    family: str  # which data family's period it uses: dossiers, tasks, surveys, documents
    compute: Callable[[Session, FamilyPeriods], Figure]
    pick: Callable[[IndicatorSet], Figure]  # the same figure from an IndicatorSet already computed


@dataclass(frozen=True)
class IndicatorSet:
    spec: PeriodSpec
    periods: FamilyPeriods
    dossiers: DossierClasses
    by_field: list[FieldRow]
    by_month: list[MonthRow]
    online: OnlineUptake
    tasks: TaskSummary
    survey: SurveySummary
    iso: IsoSummary
    steps_match: Figure
    documents: DocumentSummary
    objectives: list[ObjectiveResult]
    settings: Settings | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``cchc-desktop indicators --json`` (issue 3 §6): counts as integers, rates as
        numbers with two decimals (null = "không phát sinh"), dates as ISO text."""
        d, o, t, sv, iso, doc = self.dossiers, self.online, self.tasks, self.survey, self.iso, self.documents
        period = self.periods.dossiers
        return {
            "period": {
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "label": period.label,
            },
            "dossiers": {name: getattr(d, name) for name in DOSSIER_JSON_KEYS},
            "online": {
                "received": o.overall.denominator,
                "received_online": o.overall.numerator,
                "rate": _rate(o.overall),
                "full": _figure_json(o.full),
                "partial": _figure_json(o.partial),
                "procedures_with_dossiers": o.procedures_with_dossiers,
            },
            "tasks": {
                **{name: getattr(t, name) for name in TASK_JSON_KEYS},
                "rate": _rate(t.figure),
            },
            "survey": {
                "campaigns": len(sv.campaigns),
                "forms": sv.forms,
                "satisfaction_rate": _rate(sv.satisfaction),
                "previous_satisfaction_rate": _rate(sv.previous_satisfaction),
                "criteria": [
                    {
                        "name": c.name,
                        "options": [
                            {"label": x.label, "count": x.count, "rate": _rate(x.figure)} for x in c.options
                        ],
                    }
                    for c in sv.criteria
                ],
            },
            "iso": {
                "procedures_announced": iso.procedures_announced,
                "within_deadline": iso.within_deadline,
                "rate": _rate(iso.figure),
                "decisions": [
                    {
                        "ubnd_number": x.ubnd_number,
                        "ubnd_date": x.ubnd_date.isoformat(),
                        "iso_number": x.iso_number,
                        "iso_date": x.iso_date.isoformat() if x.iso_date else None,
                        "days": x.days,
                        "procedures": x.procedures,
                    }
                    for x in iso.decisions
                ],
            },
            "steps_match": {
                "in_force": self.steps_match.denominator,
                "matching": self.steps_match.numerator,
                "rate": _rate(self.steps_match),
            },
            "documents": {
                "outgoing": doc.outgoing,
                "secret": doc.secret,
                "electronic": doc.electronic,
                "rate": _rate(doc.figure),
                "decisions": doc.decisions,
                "incoming": doc.incoming,
                "incoming_electronic": doc.incoming_electronic,
            },
            "objectives": [
                {
                    "number": x.number,
                    "title": x.title,
                    "indicator": x.indicator,
                    "comparator": x.comparator.value,
                    "target": float(x.target),
                    "numerator": x.figure.numerator,
                    "denominator": x.figure.denominator,
                    "value": _rate(x.figure),
                    "met": x.met,
                }
                for x in self.objectives
            ],
        }


DOSSIER_JSON_KEYS = (
    "carried_over",
    "received",
    "received_online",
    "received_direct",
    "received_postal",
    "resolved",
    "early",
    "on_time",
    "late",
    "in_progress",
    "in_progress_within",
    "in_progress_overdue",
    "returned",
)
TASK_JSON_KEYS = (
    "total",
    "completed",
    "early",
    "on_time",
    "late",
    "extended",
    "in_progress_not_due",
    "in_progress_overdue",
)


def _rate(figure: Figure | None) -> float | None:
    """A rate for JSON: a number with two decimals, or null when not applicable."""
    if figure is None or figure.value is None:
        return None
    return float(figure.value)


def _figure_json(figure: Figure) -> dict[str, Any]:
    return {"received": figure.denominator, "received_online": figure.numerator, "rate": _rate(figure)}


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """The organisation profile's settings that change how figures are counted."""

    classify_against_extended_due: bool = False
    online_denominator: OnlineDenominator = OnlineDenominator.ONLINE_PROCEDURES
    iso_deadline_days: int = 30


def settings_for(session: Session) -> Settings:
    prof = session.scalar(select(m.OrganisationProfile).order_by(m.OrganisationProfile.id).limit(1))
    if prof is None:
        return Settings()
    return Settings(
        classify_against_extended_due=bool(prof.classify_against_extended_due),
        online_denominator=prof.online_denominator or OnlineDenominator.ONLINE_PROCEDURES,
        iso_deadline_days=prof.iso_deadline_days or 30,
    )


def _int(value: Any) -> int:
    return int(value or 0)


# --------------------------------------------------------------------------- dossiers
#
# The counts come from the two daily tables the database triggers maintain (models.DossierReceivedDay,
# models.DossierClosedDay): received before the start − closed before the start = carried over;
# carried over + received − closed in the period = in progress at the end. Only the overdue split of
# the dossiers in progress reads the dossier table, through the small partial index of dossiers that
# are open or were closed late (models.LATE_OR_OPEN).

_Key = int | None  # a field or unit id; None = all / not set
_Group = Literal["field", "unit"] | None


def _group_key(table: Any, group: _Group) -> Any:
    return {"field": table.field_key, "unit": table.unit_key, None: literal(0)}[group]


def _filter_keys(stmt: Any, table: Any, field_id: _Key, unit_id: _Key) -> Any:
    if field_id is not None:
        stmt = stmt.where(table.field_key == field_id)
    if unit_id is not None:
        stmt = stmt.where(table.unit_key == unit_id)
    return stmt


def _sums_before(
    session: Session, table: Any, start: dt.date, group: _Group, field_id: _Key, unit_id: _Key
) -> dict[int, int]:
    """Σ n of the days before ``start`` (everything received / closed before the period)."""
    key = _group_key(table, group)
    stmt = _filter_keys(
        select(key.label("k"), func.sum(table.n)).where(table.day < start), table, field_id, unit_id
    )
    if group is not None:
        stmt = stmt.group_by(key)
    return {k: _int(n) for k, n in session.execute(stmt)}


def _received_counts(
    session: Session, period: Period, group: _Group, field_id: _Key, unit_id: _Key
) -> dict[int, dict[str, int]]:
    """Per key: received before the period, and in it per channel."""
    r = m.DossierReceivedDay
    key = _group_key(r, group)
    stmt = select(key.label("k"), r.channel, func.sum(r.n)).where(r.day.between(period.start, period.end))
    stmt = _filter_keys(stmt, r, field_id, unit_id).group_by(key, r.channel)
    out: dict[int, dict[str, int]] = {}
    for k, n in _sums_before(session, r, period.start, group, field_id, unit_id).items():
        out.setdefault(k, {})["before"] = n
    for k, channel, n in session.execute(stmt):
        out.setdefault(k, {})[channel] = _int(n)
    return out


def _closed_counts(
    session: Session, period: Period, group: _Group, field_id: _Key, unit_id: _Key, settings: Settings
) -> dict[int, dict[str, int]]:
    """Per key: closed before the period, and in it: early / on time / late (resolved) and returned."""
    c = m.DossierClosedDay
    key = _group_key(c, group)
    versus = c.vs_extended if settings.classify_against_extended_due else c.vs_due
    stmt = select(key.label("k"), c.outcome, versus, func.sum(c.n)).where(
        c.day.between(period.start, period.end)
    )
    stmt = _filter_keys(stmt, c, field_id, unit_id).group_by(key, c.outcome, versus)
    out: dict[int, dict[str, int]] = {}
    for k, n in _sums_before(session, c, period.start, group, field_id, unit_id).items():
        out.setdefault(k, {})["before"] = n
    for k, outcome, vs, n in session.execute(stmt):
        bucket, name = out.setdefault(k, {}), _closed_class(outcome, vs)
        bucket[name] = bucket.get(name, 0) + _int(n)
    return out


def _closed_class(outcome: str, versus: int) -> str:
    if outcome == DossierOutcome.RETURNED.value:
        return "returned"
    return "early" if versus < 0 else "on_time" if versus == 0 else "late"


def effective_due(settings: Settings) -> Any:
    """The due date the classes are measured against (SPEC §4: the original one by default)."""
    d = m.Dossier
    if settings.classify_against_extended_due:
        return func.coalesce(d.extended_due_on, d.due_on)
    return d.due_on


def _late_or_open() -> Any:
    """= models.LATE_OR_OPEN, written the same way so SQLite uses the partial index."""
    d = m.Dossier
    return or_(d.resolved_on.is_(None), d.resolved_on > d.due_on)


def _overdue_rows(
    session: Session, period: Period, group: _Group, field_id: _Key, unit_id: _Key, settings: Settings
) -> dict[int, int]:
    """Dossiers still open at the end whose due date has passed (due < end)."""
    d = m.Dossier
    end = period.end
    key = {"field": func.coalesce(d.field_id, 0), "unit": func.coalesce(d.unit_id, 0), None: literal(0)}[
        group
    ]
    stmt = select(key.label("k"), func.count().label("n")).where(
        _late_or_open(),
        effective_due(settings) < end,
        or_(d.resolved_on.is_(None), d.resolved_on > end),
    )
    if field_id is not None:
        stmt = stmt.where(d.field_id == field_id)
    if unit_id is not None:
        stmt = stmt.where(d.unit_id == unit_id)
    if group is not None:
        stmt = stmt.group_by(key)
    return {row.k: _int(row.n) for row in session.execute(stmt)}


def _assemble(
    received: dict[str, int], closed: dict[str, int], overdue: int, carried: int | None = None
) -> DossierClasses:
    """Classes from the counts; ``carried`` overrides "received before − closed before"."""
    if carried is None:
        carried = received.get("before", 0) - closed.get("before", 0)
    got = {
        "received_online": received.get(Channel.ONLINE.value, 0),
        "received_direct": received.get(Channel.DIRECT.value, 0),
        "received_postal": received.get(Channel.POSTAL.value, 0),
    }
    done = {name: closed.get(name, 0) for name in ("early", "on_time", "late", "returned")}
    received_n = sum(got.values())
    resolved = done["early"] + done["on_time"] + done["late"]
    in_progress = carried + received_n - resolved - done["returned"]
    return DossierClasses(
        carried_over=carried,
        received=received_n,
        resolved=resolved,
        in_progress=in_progress,
        in_progress_within=in_progress - overdue,
        in_progress_overdue=overdue,
        **got,
        **done,
    )


def _classes_grouped(
    session: Session,
    period: Period,
    group: _Group,
    *,
    field_id: _Key = None,
    unit_id: _Key = None,
    settings: Settings | None = None,
) -> dict[int, DossierClasses]:
    settings = settings or settings_for(session)
    received = _received_counts(session, period, group, field_id, unit_id)
    closed = _closed_counts(session, period, group, field_id, unit_id, settings)
    overdue = _overdue_rows(session, period, group, field_id, unit_id, settings)
    keys = set(received) | set(closed) | set(overdue)
    return {k: _assemble(received.get(k, {}), closed.get(k, {}), overdue.get(k, 0)) for k in keys}


def dossier_classes(
    session: Session,
    period: Period,
    *,
    field_id: int | None = None,
    unit_id: int | None = None,
    settings: Settings | None = None,
) -> DossierClasses:
    """The dossier classes of ``period`` (optionally of one field and/or unit)."""
    found = _classes_grouped(session, period, None, field_id=field_id, unit_id=unit_id, settings=settings)
    return found.get(0, DossierClasses())


def dossier_classes_by_field(
    session: Session, period: Period, *, settings: Settings | None = None
) -> list[FieldRow]:
    """One row per field of the catalogue (by its sort order, Biểu 06a), then dossiers without a field
    when there are any."""
    classes = _classes_grouped(session, period, "field", settings=settings)
    fields = session.execute(
        select(m.Field.id, m.Field.name).order_by(m.Field.sort_order, m.Field.name)
    ).all()
    rows = [FieldRow(fid, name, classes.get(fid, DossierClasses())) for fid, name in fields]
    if classes.get(0, DossierClasses()) != DossierClasses():
        rows.append(FieldRow(None, NO_FIELD_LABEL, classes[0]))
    return rows


def dossier_classes_by_unit(
    session: Session, period: Period, *, settings: Settings | None = None
) -> list[UnitRow]:
    """One row per unit (the department first), then dossiers without a unit when there are any."""
    classes = _classes_grouped(session, period, "unit", settings=settings)
    units = session.execute(
        select(m.Unit.id, m.Unit.name).order_by(m.Unit.is_department.desc(), m.Unit.name)
    ).all()
    rows = [UnitRow(uid, name, classes.get(uid, DossierClasses())) for uid, name in units]
    if classes.get(0, DossierClasses()) != DossierClasses():
        rows.append(UnitRow(None, NO_UNIT_LABEL, classes[0]))
    return rows


NO_FIELD_LABEL = "Chưa xác định lĩnh vực"
NO_UNIT_LABEL = "Chưa xác định đơn vị"


def dossiers_by_month(
    session: Session, period: Period, *, settings: Settings | None = None
) -> list[MonthRow]:
    """The period month by month under its convention (the dashboard charts), every class of each
    month; the months add up to the period. A handful of queries whatever the number of months."""
    settings = settings or settings_for(session)
    months = period.month_periods()
    if not months:
        return []
    buckets = (
        values(column("i", Integer), column("s", Date), column("e", Date), name="months")
        .data([(i, mo.start, mo.end) for i, mo in enumerate(months)])
        .cte("months")
    )
    r, c, d = m.DossierReceivedDay, m.DossierClosedDay, m.Dossier
    versus = c.vs_extended if settings.classify_against_extended_due else c.vs_due
    received: list[dict[str, int]] = [{} for _ in months]
    closed: list[dict[str, int]] = [{} for _ in months]
    for i, channel, n in session.execute(
        select(buckets.c.i, r.channel, func.sum(r.n))
        .join(r, r.day.between(buckets.c.s, buckets.c.e))
        .group_by(buckets.c.i, r.channel)
    ):
        received[i][channel] = _int(n)
    for i, outcome, vs, n in session.execute(
        select(buckets.c.i, c.outcome, versus, func.sum(c.n))
        .join(c, c.day.between(buckets.c.s, buckets.c.e))
        .group_by(buckets.c.i, c.outcome, versus)
    ):
        name = _closed_class(outcome, vs)
        closed[i][name] = closed[i].get(name, 0) + _int(n)
    overdue = dict(
        session.execute(
            select(buckets.c.i, func.count())
            .join(
                d,
                and_(
                    _late_or_open(),
                    effective_due(settings) < buckets.c.e,
                    or_(d.resolved_on.is_(None), d.resolved_on > buckets.c.e),
                ),
            )
            .group_by(buckets.c.i)
        ).all()
    )
    carried = _sums_before(session, r, months[0].start, None, None, None).get(0, 0) - _sums_before(
        session, c, months[0].start, None, None, None
    ).get(0, 0)
    rows = []
    for i, month in enumerate(months):
        classes = _assemble(received[i], closed[i], _int(overdue.get(i)), carried=carried)
        carried = classes.in_progress
        rows.append(
            MonthRow(
                year=month.spec.year,
                month=month.spec.number or month.start.month,
                received=classes.received,
                received_online=classes.received_online,
                early=classes.early,
                on_time=classes.on_time,
                late=classes.late,
                classes=classes,
                start=month.start,
                end=month.end,
            )
        )
    return rows


def dossier_classes_from_records(
    session: Session, period: Period, *, settings: Settings | None = None
) -> DossierClasses:
    """The same classes computed straight from the dossier table by their definitions (SPEC §4).
    Slow on a large table (one full scan): used by the consistency checks and the tests to prove
    the maintained daily counts right."""
    settings = settings or settings_for(session)
    d = m.Dossier
    s, e = period.start, period.end
    due = effective_due(settings)
    received = d.received_on.between(s, e)
    closed_in = d.resolved_on.between(s, e)
    resolved = and_(closed_in, d.outcome == DossierOutcome.RESOLVED.value)
    open_at_end = and_(d.received_on <= e, or_(d.resolved_on.is_(None), d.resolved_on > e))

    def count(cond: Any) -> Any:
        return func.sum(case((cond, 1), else_=0))

    row = session.execute(
        select(
            count(and_(d.received_on < s, or_(d.resolved_on.is_(None), d.resolved_on >= s))).label(
                "carried_over"
            ),
            count(received).label("received"),
            count(and_(received, d.channel == Channel.ONLINE.value)).label("received_online"),
            count(and_(received, d.channel == Channel.DIRECT.value)).label("received_direct"),
            count(and_(received, d.channel == Channel.POSTAL.value)).label("received_postal"),
            count(and_(resolved, d.resolved_on < due)).label("early"),
            count(and_(resolved, d.resolved_on == due)).label("on_time"),
            count(and_(resolved, d.resolved_on > due)).label("late"),
            count(and_(closed_in, d.outcome == DossierOutcome.RETURNED.value)).label("returned"),
            count(and_(open_at_end, due >= e)).label("in_progress_within"),
            count(and_(open_at_end, due < e)).label("in_progress_overdue"),
        )
    ).one()
    values = {k: _int(v) for k, v in row._mapping.items()}
    return DossierClasses(
        resolved=values["early"] + values["on_time"] + values["late"],
        in_progress=values["in_progress_within"] + values["in_progress_overdue"],
        **values,
    )


def rebuild_dossier_counts(session: Session) -> None:
    """Recompute the daily dossier counts from the dossiers (a repair; the triggers keep them)."""
    d, r, c = m.Dossier, m.DossierReceivedDay, m.DossierClosedDay
    session.execute(delete(r))
    session.execute(delete(c))
    field_key, unit_key = func.coalesce(d.field_id, 0), func.coalesce(d.unit_id, 0)
    session.execute(
        insert(r).from_select(
            ["day", "field_key", "unit_key", "channel", "n"],
            select(d.received_on, field_key, unit_key, d.channel, func.count()).group_by(
                d.received_on, field_key, unit_key, d.channel
            ),
        )
    )

    def versus(due: Any) -> Any:
        return case((d.resolved_on < due, -1), (d.resolved_on == due, 0), else_=1)

    vs_due, vs_ext = versus(d.due_on), versus(func.coalesce(d.extended_due_on, d.due_on))
    session.execute(
        insert(c).from_select(
            ["day", "field_key", "unit_key", "outcome", "vs_due", "vs_extended", "n"],
            select(d.resolved_on, field_key, unit_key, d.outcome, vs_due, vs_ext, func.count())
            .where(d.resolved_on.is_not(None))
            .group_by(d.resolved_on, field_key, unit_key, d.outcome, vs_due, vs_ext),
        )
    )


def dossier_counts_drift(session: Session) -> tuple[int, int, int, int]:
    """(dossiers, received counted, closed dossiers, closed counted): equal pairs when the daily
    counts are in step with the dossiers."""
    d = m.Dossier
    dossiers = _int(session.scalar(select(func.count()).select_from(d)))
    closed = _int(session.scalar(select(func.count()).where(d.resolved_on.is_not(None))))
    counted_in = _int(session.scalar(select(func.sum(m.DossierReceivedDay.n))))
    counted_out = _int(session.scalar(select(func.sum(m.DossierClosedDay.n))))
    return dossiers, counted_in, closed, counted_out


# --------------------------------------------------------------------------- online uptake


ONLINE_LEVELS = (OnlineLevel.FULL.value, OnlineLevel.PARTIAL.value)


def online_uptake(session: Session, period: Period, *, settings: Settings | None = None) -> OnlineUptake:
    """Dossiers received online / received, among TTHC offered online (full or partial), overall and
    per level; with the "all" setting the overall denominator is every dossier received."""
    settings = settings or settings_for(session)
    d, p = m.Dossier, m.Procedure
    # One index range per (procedure, channel): ix_dossier_procedure_channel_received.
    per_procedure = (
        select(d.procedure_id, d.channel, func.count().label("n"))
        .where(
            d.procedure_id.in_(select(p.id).where(p.online_level.in_(ONLINE_LEVELS))),
            d.channel.in_([c.value for c in Channel]),
            d.received_on.between(period.start, period.end),
        )
        .group_by(d.procedure_id, d.channel)
        .subquery()
    )
    online = per_procedure.c.channel == Channel.ONLINE.value
    rows = session.execute(
        select(
            p.online_level,
            func.sum(per_procedure.c.n).label("received"),
            func.sum(case((online, per_procedure.c.n), else_=0)).label("online"),
            func.count(func.distinct(per_procedure.c.procedure_id)).label("procedures"),
        )
        .join(p, p.id == per_procedure.c.procedure_id)
        .group_by(p.online_level)
    ).all()
    by_level = {OnlineLevel(row.online_level): Figure(_int(row.online), _int(row.received)) for row in rows}
    full = by_level.get(OnlineLevel.FULL, NO_FIGURE)
    partial = by_level.get(OnlineLevel.PARTIAL, NO_FIGURE)
    overall = full + partial
    if settings.online_denominator == OnlineDenominator.ALL:
        classes = dossier_classes(session, period, settings=settings)
        overall = Figure(classes.received_online, classes.received)
    return OnlineUptake(
        overall=overall,
        full=full,
        partial=partial,
        procedures_with_dossiers=sum(_int(row.procedures) for row in rows),
        denominator_rule=settings.online_denominator,
    )


# --------------------------------------------------------------------------- tasks


def task_summary(session: Session, period: Period) -> TaskSummary:
    """Tasks assigned by the province: completed in the period (early / on time / late against the
    extended due date when the extension was approved), and those still open at its end."""
    t = m.Task
    s, e = period.start, period.end
    due = case(
        (and_(t.extension_approved.is_(True), t.extended_due_on.is_not(None)), t.extended_due_on),
        else_=t.due_on,
    )
    completed = t.completed_on.between(s, e)
    open_at_end = and_(t.assigned_on <= e, or_(t.completed_on.is_(None), t.completed_on > e))
    extended = and_(t.extension_approved.is_(True), or_(completed, open_at_end))

    def count(cond: Any) -> Any:
        return func.sum(case((cond, 1), else_=0))

    row = session.execute(
        select(
            count(completed).label("completed"),
            count(and_(completed, t.completed_on < due)).label("early"),
            count(and_(completed, t.completed_on == due)).label("on_time"),
            count(and_(completed, t.completed_on > due)).label("late"),
            count(extended).label("extended"),
            count(and_(open_at_end, due >= e)).label("not_due"),
            count(and_(open_at_end, due < e)).label("overdue"),
        )
    ).one()
    completed_n = _int(row.completed)
    not_due, overdue = _int(row.not_due), _int(row.overdue)
    return TaskSummary(
        total=completed_n + not_due + overdue,
        completed=completed_n,
        early=_int(row.early),
        on_time=_int(row.on_time),
        late=_int(row.late),
        extended=_int(row.extended),
        in_progress_not_due=not_due,
        in_progress_overdue=overdue,
    )


# --------------------------------------------------------------------------- survey


@dataclass(frozen=True)
class _Campaign:
    id: int
    title: str
    year: int
    held_on: dt.date | None
    report_number: str | None
    report_date: dt.date | None
    questionnaire_id: int
    forms: int

    @property
    def order(self) -> tuple[dt.date, int]:
        return (self.held_on or dt.date(self.year, 12, 31), self.id)


def _campaigns(session: Session, where: Any) -> list[_Campaign]:
    c = m.SurveyCampaign
    counted = select(func.count()).where(m.SurveyForm.campaign_id == c.id).correlate(c).scalar_subquery()
    forms = case((c.mode == SurveyMode.TOTALS.value, func.coalesce(c.total_forms, 0)), else_=counted)
    rows = session.execute(
        select(
            c.id,
            c.title,
            c.year,
            c.held_on,
            c.report_number,
            c.report_date,
            c.questionnaire_id,
            forms.label("forms"),
        ).where(where)
    ).all()
    found = [_Campaign(*row[:7], forms=_int(row.forms)) for row in rows]
    return sorted(found, key=lambda x: x.order)


def _criteria(session: Session, campaigns: list[_Campaign]) -> list[CriterionResult]:
    """Distribution of the answers per criterion over ``campaigns`` (forms or totals)."""
    if not campaigns:
        return []
    ids = [c.id for c in campaigns]
    forms_by_questionnaire: dict[int, int] = {}
    for camp in campaigns:
        forms_by_questionnaire[camp.questionnaire_id] = (
            forms_by_questionnaire.get(camp.questionnaire_id, 0) + camp.forms
        )
    a, f, oc = m.SurveyAnswer, m.SurveyForm, m.SurveyOptionCount
    from_forms = (
        select(a.option_id.label("option_id"), func.count().label("n"))
        .join(f, f.id == a.form_id)
        .join(m.SurveyCampaign, m.SurveyCampaign.id == f.campaign_id)
        .where(f.campaign_id.in_(ids), m.SurveyCampaign.mode == SurveyMode.FORMS.value)
        .group_by(a.option_id)
    )
    from_totals = (
        select(oc.option_id.label("option_id"), func.sum(oc.count).label("n"))
        .join(m.SurveyCampaign, m.SurveyCampaign.id == oc.campaign_id)
        .where(oc.campaign_id.in_(ids), m.SurveyCampaign.mode == SurveyMode.TOTALS.value)
        .group_by(oc.option_id)
    )
    counts: dict[int, int] = {}
    for stmt in (from_forms, from_totals):
        for option_id, n in session.execute(stmt):
            counts[option_id] = counts.get(option_id, 0) + _int(n)
    cr, op = m.Criterion, m.CriterionOption
    rows = session.execute(
        select(cr.id, cr.questionnaire_id, cr.name, cr.short_name, cr.is_overall, op.id, op.label, op.rank)
        .join(op, op.criterion_id == cr.id)
        .where(cr.questionnaire_id.in_(list(forms_by_questionnaire)))
        .order_by(cr.questionnaire_id, cr.sort_order, op.rank)
    ).all()
    results: list[CriterionResult] = []
    current: int | None = None
    for crit_id, q_id, name, short, overall, option_id, label, rank in rows:
        if crit_id != current:
            results.append(CriterionResult(name, short, bool(overall), []))
            current = crit_id
        n = counts.get(option_id, 0)
        results[-1].options.append(OptionResult(label, rank, n, Figure(n, forms_by_questionnaire[q_id])))
    return results


def _satisfaction(criteria: list[CriterionResult], forms: int) -> Figure:
    """Forms answering the overall criterion with one of its two best options / forms."""
    for crit in criteria:
        if crit.is_overall:
            return Figure(sum(o.count for o in crit.options if o.rank <= 2), forms)
    return Figure(0, forms if forms == 0 else 0)


def survey_summary(session: Session, period: Period) -> SurveySummary:
    """The campaigns held in the period (by their date, else their year), every criterion's
    distribution, the satisfaction rate, and the previous campaign for comparison."""
    c = m.SurveyCampaign
    in_period = or_(
        c.held_on.between(period.start, period.end),
        and_(c.held_on.is_(None), c.year == period.spec.year),
    )
    campaigns = _campaigns(session, in_period)
    forms = sum(x.forms for x in campaigns)
    criteria = _criteria(session, campaigns)
    groups = 0
    if campaigns:
        groups = _int(
            session.scalar(
                select(func.count()).where(m.RespondentGroup.campaign_id.in_([x.id for x in campaigns]))
            )
        )
    previous = _previous_campaign(session, campaigns, period)
    previous_criteria = _criteria(session, [previous]) if previous else []
    last = campaigns[-1] if campaigns else None
    return SurveySummary(
        campaigns=[x.title for x in campaigns],
        forms=forms,
        satisfaction=_satisfaction(criteria, forms),
        previous_satisfaction=_satisfaction(previous_criteria, previous.forms) if previous else None,
        criteria=criteria,
        previous_criteria=previous_criteria,
        report_number=last.report_number if last else None,
        report_date=last.report_date if last else None,
        groups=groups,
        previous_campaigns=[previous.title] if previous else [],
        previous_forms=previous.forms if previous else 0,
        previous_year=previous.year if previous else None,
        campaign_ids=tuple(x.id for x in campaigns),
        previous_report_number=previous.report_number if previous else None,
        previous_report_date=previous.report_date if previous else None,
    )


def survey_of_campaign(session: Session, campaign_id: int) -> SurveySummary:
    """One campaign on its own (forms, distributions, satisfaction), e.g. for the survey page."""
    found = _campaigns(session, m.SurveyCampaign.id == campaign_id)
    forms = sum(x.forms for x in found)
    criteria = _criteria(session, found)
    return SurveySummary(
        campaigns=[x.title for x in found],
        forms=forms,
        satisfaction=_satisfaction(criteria, forms),
        previous_satisfaction=None,
        criteria=criteria,
        previous_criteria=[],
        report_number=found[0].report_number if found else None,
        report_date=found[0].report_date if found else None,
        campaign_ids=tuple(x.id for x in found),
    )


def _previous_campaign(session: Session, campaigns: list[_Campaign], period: Period) -> _Campaign | None:
    """The latest campaign held before the period's first campaign (before the period when it has none)."""
    c = m.SurveyCampaign
    if campaigns:
        first = campaigns[0]
        ids = [x.id for x in campaigns]
        limit = first.held_on or dt.date(first.year, 1, 1)
        where = and_(c.id.not_in(ids), or_(c.held_on < limit, and_(c.held_on.is_(None), c.year < limit.year)))
    else:
        where = or_(c.held_on < period.start, and_(c.held_on.is_(None), c.year < period.start.year))
    earlier = _campaigns(session, where)
    return earlier[-1] if earlier else None


# --------------------------------------------------------------------------- ISO


def iso_summary(session: Session, period: Period, *, settings: Settings | None = None) -> IsoSummary:
    """Announcement decisions of the period, each with its ISO decision and the days between; the
    figure counts the TTHC whose ISO process came within the deadline (30 days by default)."""
    settings = settings or settings_for(session)
    a, i = m.AnnouncementDecision, m.AnnouncementItem
    items = select(func.count()).where(i.decision_id == a.id).correlate(a).scalar_subquery()
    rows = session.execute(
        select(
            a.ubnd_number,
            a.ubnd_date,
            a.iso_number,
            a.iso_date,
            a.letter_number,
            a.letter_date,
            a.summary,
            items.label("procedures"),
        )
        .where(a.ubnd_date.between(period.start, period.end))
        .order_by(a.ubnd_date, a.id)
    ).all()
    decisions = []
    for row in rows:
        days = (row.iso_date - row.ubnd_date).days if row.iso_date is not None else None
        within = days is not None and days <= settings.iso_deadline_days
        decisions.append(DecisionRow(*row[:7], days=days, procedures=_int(row.procedures), within=within))
    figure = Figure(sum(x.procedures for x in decisions if x.within), sum(x.procedures for x in decisions))
    return IsoSummary(decisions=decisions, figure=figure, deadline_days=settings.iso_deadline_days)


# --------------------------------------------------------------------------- steps match


def steps_match(session: Session, period: Period) -> Figure:
    """TTHC in force at the end of the period whose ISO steps match the one-stop software / in force."""
    p = m.Procedure
    in_force = or_(p.abolished_on.is_(None), p.abolished_on > period.end)
    row = session.execute(
        select(func.count(), func.sum(case((p.steps_match.is_(True), 1), else_=0))).where(in_force)
    ).one()
    return Figure(_int(row[1]), _int(row[0]))


# --------------------------------------------------------------------------- documents


DOCUMENT_MONTH_DAY = 14


def document_months(period: Period) -> list[tuple[int, int]]:
    """The months whose counts belong to ``period``: a month counts when its 14th lies in the
    period. A calendar period gets exactly its months; a cut-off period (15th → 14th) gets the
    months it ends in (15/12/2023–14/12/2024 → January–December 2024, not December 2023)."""
    return [(y, mo) for y, mo in period.months() if period.contains(dt.date(y, mo, DOCUMENT_MONTH_DAY))]


def document_summary(session: Session, period: Period) -> DocumentSummary:
    months = document_months(period)
    if not months:
        return DocumentSummary()
    dc = m.DocumentCount
    index = dc.year * 12 + dc.month
    wanted = [y * 12 + mo for y, mo in months]
    row = session.execute(
        select(
            func.sum(dc.outgoing),
            func.sum(dc.outgoing_secret),
            func.sum(dc.outgoing_electronic),
            func.sum(dc.decisions),
            func.sum(dc.decisions_electronic),
            func.sum(dc.incoming),
            func.sum(dc.incoming_electronic),
        ).where(index.in_(wanted))
    ).one()
    present = session.execute(
        select(dc.year, dc.month).where(index.in_(wanted)).order_by(dc.year, dc.month)
    ).all()
    return DocumentSummary(*(_int(v) for v in row), months=tuple((y, mo) for y, mo in present))


# --------------------------------------------------------------------------- catalogue


def _family(fp: FamilyPeriods, family: str) -> Period:
    return getattr(fp, family)


INDICATORS: dict[str, IndicatorDef] = {
    ind.key: ind
    for ind in (
        IndicatorDef(
            "dossiers_on_time",
            "Tỷ lệ hồ sơ giải quyết trước và đúng hạn",
            "dossiers",
            lambda s, fp: dossier_classes(s, fp.dossiers).on_time_figure,
            lambda x: x.dossiers.on_time_figure,
        ),
        IndicatorDef(
            "dossiers_early",
            "Tỷ lệ hồ sơ giải quyết trước hạn",
            "dossiers",
            lambda s, fp: dossier_classes(s, fp.dossiers).early_figure,
            lambda x: x.dossiers.early_figure,
        ),
        IndicatorDef(
            "survey_satisfaction",
            "Mức độ hài lòng của tổ chức, cá nhân",
            "surveys",
            lambda s, fp: survey_summary(s, fp.surveys).satisfaction,
            lambda x: x.survey.satisfaction,
        ),
        IndicatorDef(
            "iso_within_deadline",
            "Tỷ lệ TTHC được xây dựng quy trình ISO đúng thời hạn",
            "dossiers",
            lambda s, fp: iso_summary(s, fp.dossiers).figure,
            lambda x: x.iso.figure,
        ),
        IndicatorDef(
            "steps_match",
            "Tỷ lệ TTHC có quy trình ISO thống nhất với phần mềm một cửa",
            "dossiers",
            lambda s, fp: steps_match(s, fp.dossiers),
            lambda x: x.steps_match,
        ),
        IndicatorDef(
            "tasks_on_time",
            "Tỷ lệ nhiệm vụ UBND tỉnh giao hoàn thành đúng hạn",
            "tasks",
            lambda s, fp: task_summary(s, fp.tasks).figure,
            lambda x: x.tasks.figure,
        ),
        IndicatorDef(
            "documents_electronic",
            "Tỷ lệ văn bản đi (không mật) gửi dưới dạng điện tử",
            "documents",
            lambda s, fp: document_summary(s, fp.documents).figure,
            lambda x: x.documents.figure,
        ),
        IndicatorDef(
            "documents_incoming_electronic",
            "Tỷ lệ văn bản đến được xử lý trên môi trường điện tử",
            "documents",
            lambda s, fp: document_summary(s, fp.documents).incoming_figure,
            lambda x: x.documents.incoming_figure,
        ),
        IndicatorDef(
            "online_uptake",
            "Tỷ lệ hồ sơ TTHC tiếp nhận trực tuyến",
            "dossiers",
            lambda s, fp: online_uptake(s, fp.dossiers).overall,
            lambda x: x.online.overall,
        ),
        IndicatorDef(
            "online_uptake_full",
            "Tỷ lệ hồ sơ trực tuyến của TTHC toàn trình",
            "dossiers",
            lambda s, fp: online_uptake(s, fp.dossiers).full,
            lambda x: x.online.full,
        ),
        IndicatorDef(
            "online_uptake_partial",
            "Tỷ lệ hồ sơ trực tuyến của TTHC một phần",
            "dossiers",
            lambda s, fp: online_uptake(s, fp.dossiers).partial,
            lambda x: x.online.partial,
        ),
    )
}


def is_met(comparator: Comparator, value: Decimal | None, target: Decimal) -> bool | None:
    """Compare a rate with its target; ``None`` when the rate is not applicable."""
    if value is None:
        return None
    target = Decimal(target)
    if comparator == Comparator.GT:
        return value > target
    if comparator == Comparator.EQ:
        return value == target
    return value >= target


def _objective_rows(session: Session, year: int) -> list[m.QualityObjective]:
    oy = session.scalar(select(m.ObjectiveYear).where(m.ObjectiveYear.year == year))
    return list(oy.objectives) if oy is not None else []


def _evaluate(
    objectives: list[m.QualityObjective], figure_of: Callable[[str], Figure | None]
) -> list[ObjectiveResult]:
    results = []
    for obj in objectives:
        figure = figure_of(obj.indicator)
        comparator = Comparator(obj.comparator)
        target = Decimal(obj.target)
        results.append(
            ObjectiveResult(
                number=obj.number,
                title=obj.title,
                indicator=obj.indicator,
                comparator=comparator,
                target=target,
                figure=figure or NO_FIGURE,
                met=is_met(comparator, figure.value, target) if figure is not None else None,
            )
        )
    return results


def evaluate_objectives(session: Session, spec: PeriodSpec) -> list[ObjectiveResult]:
    """The quality objectives of ``spec``'s year, each with its figure for ``spec`` and whether it
    was met (None: not applicable, or an indicator the catalogue does not know)."""
    periods = periods_for(session, spec)

    def figure_of(key: str) -> Figure | None:
        ind = INDICATORS.get(key)
        return ind.compute(session, periods) if ind is not None else None

    return _evaluate(_objective_rows(session, spec.year), figure_of)


def compute_all(session: Session, spec: PeriodSpec) -> IndicatorSet:
    """Every figure of ``spec``, each data family on its own period (organisation conventions)."""
    periods = periods_for(session, spec)
    settings = settings_for(session)
    dp = periods.dossiers
    by_field = dossier_classes_by_field(session, dp, settings=settings)
    partial = IndicatorSet(
        spec=spec,
        periods=periods,
        dossiers=sum((row.classes for row in by_field), DossierClasses()),
        by_field=by_field,
        by_month=dossiers_by_month(session, dp, settings=settings),
        online=online_uptake(session, dp, settings=settings),
        tasks=task_summary(session, periods.tasks),
        survey=survey_summary(session, periods.surveys),
        iso=iso_summary(session, dp, settings=settings),
        steps_match=steps_match(session, dp),
        documents=document_summary(session, periods.documents),
        objectives=[],
        settings=settings,
    )

    def figure_of(key: str) -> Figure | None:
        ind = INDICATORS.get(key)
        return ind.pick(partial) if ind is not None else None

    objectives = _evaluate(_objective_rows(session, spec.year), figure_of)
    return replace(partial, objectives=objectives)
