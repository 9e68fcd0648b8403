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
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Date, Integer, and_, case, column, delete, func, insert, literal, or_, select, values
from sqlalchemy.orm import Session

from .. import models as m
from ..enums import Channel, DossierOutcome, OnlineDenominator, OnlineLevel
from ..periods import Period
from .common import NO_FIGURE, Figure, Settings, _int, settings_for

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
