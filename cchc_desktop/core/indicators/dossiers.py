"""Dossiers (SPEC §4, §5): the dossier classes of a period, defined ONCE here as SQL predicates, and the
fast counts of the same classes from the trigger-maintained daily tables.

Dossier classes for a period [start, end], under the settings (due date: the original one, or the
extended one when the profile says so) and the outcome rule preset (``common.OUTCOME_RULES``):
- counted: a dossier the preset does not exclude (OpenCPS-style: a withdrawn dossier is never received);
- closed by a day: resolved_on ≤ day, unless its outcome counts "in progress" (stopped, by default);
- carried over: received before start and not closed before start;
- received: start ≤ received ≤ end, split by channel;
- resolved: closed in [start, end]; a result, or an outcome the preset counts as resolved: early / on
  time / late against the due date, or on time whatever its date (the default for returned, withdrawn,
  refused — Biểu 06a);
- ended without a result: outcome other than "resolved", ended in [start, end] (informative: already in
  one of the columns above or below, never on top of them);
- in progress at end: received ≤ end and not closed by end; overdue when it is really still open, its due
  date is before the end and (by default) it is not waiting for supplements (a ``supplement_requested``
  event by the end and no later ``supplement_received``); within deadline otherwise.
Identity, in every table: carried over + received = resolved + in progress.

``dossier_condition`` gives each class as one SQL predicate over ``models.Dossier``: the records-path
counts (``dossier_classes_from_records``), every drill-down, the page filters and status columns and the
checks use it. ``dossier_classes`` and friends count the same classes from the daily tables (fast); the
tests prove both agree for every preset.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    and_,
    case,
    column,
    delete,
    false,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    true,
    values,
)
from sqlalchemy.orm import Session, aliased

from .. import models as m
from ..enums import Channel, DossierEventKind, DossierOutcome, OnlineDenominator, OnlineLevel
from ..periods import Period
from .common import NO_FIGURE, Figure, OutcomeColumn, OutcomeRule, Settings, _int, settings_for

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
    ended_without_result: int = 0  # informative: inside resolved or in progress, per the outcome rule

    @property
    def returned(self) -> int:
        """Old name of ``ended_without_result`` (returned, withdrawn, refused, stopped)."""
        return self.ended_without_result

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
        """(3) = (7) + (11), and every split adds up to its whole."""
        return not self.identity_breaks()

    def identity_breaks(self) -> list[str]:
        """The equalities of Biểu 06a that do not hold (Vietnamese, empty when all hold)."""
        out = []
        if self.carried_over + self.received != self.resolved + self.in_progress:
            out.append(
                f"kỳ trước chuyển sang ({self.carried_over}) + tiếp nhận ({self.received}) ≠ "
                f"đã giải quyết ({self.resolved}) + đang giải quyết ({self.in_progress})"
            )
        if self.received != self.received_online + self.received_direct + self.received_postal:
            out.append(f"tiếp nhận ({self.received}) ≠ trực tuyến + trực tiếp + bưu chính")
        if self.resolved != self.early + self.on_time + self.late:
            out.append(f"đã giải quyết ({self.resolved}) ≠ trước hạn + đúng hạn + trễ hạn")
        if self.in_progress != self.in_progress_within + self.in_progress_overdue:
            out.append(f"đang giải quyết ({self.in_progress}) ≠ trong hạn + quá hạn")
        return out

    def __add__(self, other: DossierClasses) -> DossierClasses:
        names = DossierClasses.__dataclass_fields__
        return DossierClasses(**{n: getattr(self, n) + getattr(other, n) for n in names})


# Every class a drill-down can ask for (the fields of DossierClasses but the informative sums).
DOSSIER_CLASS_NAMES = (
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
    "ended_without_result",
)


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
        """Received online / every dossier received in the month. Not objective 7's definition when the
        profile divides by the TTHC offered online: the dashboard charts ``online_by_month`` instead."""
        return Figure(self.received_online, self.received)


# --------------------------------------------------------------------------- online uptake


@dataclass(frozen=True)
class OnlineUptake:
    overall: Figure
    full: Figure
    partial: Figure
    procedures_with_dossiers: int
    denominator_rule: OnlineDenominator = OnlineDenominator.ONLINE_PROCEDURES


# --------------------------------------------------------------------------- the predicates (one home)

Day = dt.date | ColumnElement[Any]  # a date, or a date column (the month buckets of the charts)


def effective_due(settings: Settings) -> Any:
    """The due date the classes are measured against (SPEC §4: the original one by default)."""
    d = m.Dossier
    if settings.classify_against_extended_due:
        return func.coalesce(d.extended_due_on, d.due_on)
    return d.due_on


def _outcome_in(values_: list[str]) -> ColumnElement[bool]:
    return m.Dossier.outcome.in_(values_) if values_ else false()


def counted(rule: OutcomeRule) -> ColumnElement[bool]:
    """Dossiers the preset counts at all (not withdrawn under OpenCPS-style statistics)."""
    excluded = rule.outcomes(OutcomeColumn.EXCLUDED)
    if not excluded:
        return true()
    d = m.Dossier
    return or_(d.outcome.is_(None), d.outcome.not_in(excluded))


def waiting_for_supplements(day: Day) -> ColumnElement[bool]:
    """Open at ``day`` with a ``supplement_requested`` event by then and no later ``supplement_received``
    event by then (read from the dossier's events)."""
    d = m.Dossier
    asked, got = aliased(m.DossierEvent), aliased(m.DossierEvent)
    answered = (
        select(got.id)
        .where(
            # correlated to the request (not to ``dossier``: two levels down SQLAlchemy would not
            # correlate it and would join every dossier instead)
            got.dossier_id == asked.dossier_id,
            got.kind == DossierEventKind.SUPPLEMENT_RECEIVED,
            got.occurred_on >= asked.occurred_on,
            got.occurred_on <= day,
        )
        .correlate(asked)
        .exists()
    )
    pending = (
        select(asked.id)
        .where(
            asked.dossier_id == d.id,
            asked.kind == DossierEventKind.SUPPLEMENT_REQUESTED,
            asked.occurred_on <= day,
            not_(answered),
        )
        .exists()
    )
    return and_(or_(d.resolved_on.is_(None), d.resolved_on > day), pending)


def dossier_handled_in(start: Day, end: Day) -> ColumnElement[bool]:
    """The dossiers a period deals with, whatever the preset: received by its end and not closed before
    its start (the rows of an export or a unit package for the period; Biểu 06a's column 3 within them)."""
    d = m.Dossier
    return and_(d.received_on <= end, or_(d.resolved_on.is_(None), d.resolved_on >= start))


def _really_open_at(day: Day) -> ColumnElement[bool]:
    d = m.Dossier
    return and_(d.received_on <= day, or_(d.resolved_on.is_(None), d.resolved_on > day))


def closed_by(day: Day, rule: OutcomeRule, *, strictly_before: bool = False) -> ColumnElement[bool]:
    """Closed for the statistics on or before ``day`` (before it with ``strictly_before``): ended, with
    a result or an outcome the preset does not count as in progress."""
    d = m.Dossier
    when = d.resolved_on < day if strictly_before else d.resolved_on <= day
    still = rule.outcomes(OutcomeColumn.IN_PROGRESS)
    return and_(when, d.outcome.not_in(still)) if still else when


def _class_by_date(settings: Settings, kind: str) -> ColumnElement[bool]:
    """A closed dossier's class (early / on_time / late), whatever its period."""
    d, rule = m.Dossier, settings.outcome_rule
    due = effective_due(settings)
    dated = or_(d.outcome == DossierOutcome.RESOLVED, _outcome_in(rule.outcomes(OutcomeColumn.BY_DATE)))
    if kind == "early":
        return and_(dated, d.resolved_on < due)
    if kind == "late":
        return and_(dated, d.resolved_on > due)
    return or_(and_(dated, d.resolved_on == due), _outcome_in(rule.outcomes(OutcomeColumn.ON_TIME)))


def overdue_at(day: Day, settings: Settings) -> ColumnElement[bool]:
    """Really still open at ``day``, its due date passed, and not excused by the preset (waiting for
    supplements counts within its deadline by default). Only meaningful with ``in progress``."""
    parts = [_really_open_at(day), effective_due(settings) < day]
    if settings.outcome_rule.waiting_within:
        parts.append(not_(waiting_for_supplements(day)))
    return and_(*parts)


def dossier_conditions(start: Day, end: Day, settings: Settings) -> dict[str, ColumnElement[bool]]:
    """Every class of [start, end] as a predicate over ``models.Dossier`` (names of DOSSIER_CLASS_NAMES)."""
    d, rule = m.Dossier, settings.outcome_rule
    ok = counted(rule)
    received = and_(ok, d.received_on >= start, d.received_on <= end)
    closed_in = and_(ok, d.resolved_on >= start, closed_by(end, rule))
    in_progress = and_(ok, d.received_on <= end, not_(and_(d.resolved_on.is_not(None), closed_by(end, rule))))
    overdue = and_(in_progress, overdue_at(end, settings))
    return {
        "carried_over": and_(
            ok,
            d.received_on < start,
            not_(and_(d.resolved_on.is_not(None), closed_by(start, rule, strictly_before=True))),
        ),
        "received": received,
        "received_online": and_(received, d.channel == Channel.ONLINE),
        "received_direct": and_(received, d.channel == Channel.DIRECT),
        "received_postal": and_(received, d.channel == Channel.POSTAL),
        "resolved": closed_in,
        "early": and_(closed_in, _class_by_date(settings, "early")),
        "on_time": and_(closed_in, _class_by_date(settings, "on_time")),
        "late": and_(closed_in, _class_by_date(settings, "late")),
        "in_progress": in_progress,
        "in_progress_within": and_(in_progress, not_(overdue_at(end, settings))),
        "in_progress_overdue": overdue,
        "ended_without_result": and_(
            ok, d.resolved_on >= start, d.resolved_on <= end, d.outcome != DossierOutcome.RESOLVED
        ),
    }


def dossier_condition(name: str, period: Period, settings: Settings) -> ColumnElement[bool]:
    """One class of ``period`` as a predicate (the drill-down of the class's count)."""
    return dossier_conditions(period.start, period.end, settings)[name]


# A dossier's state on one day, for the page's status column and filter (and "Cần chú ý").
DOSSIER_STATUSES: dict[str, str] = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Trễ hạn",
    "open": "Đang giải quyết",
    "overdue": "Quá hạn",
    "waiting": "Chờ bổ sung",
    "ended": "Kết thúc, không có kết quả",
    "excluded": "Không thống kê",
}


def dossier_status_condition(key: str, day: Day, settings: Settings) -> ColumnElement[bool]:
    """Dossiers in state ``key`` on ``day``. With a period's class scope and its end as ``day``, the
    conjunction is exactly the class: resolved ∧ late = late, in progress ∧ overdue = overdue."""
    d, rule = m.Dossier, settings.outcome_rule
    ok = counted(rule)
    closed = and_(ok, d.resolved_on.is_not(None), closed_by(day, rule))
    open_ = and_(ok, d.received_on <= day, not_(and_(d.resolved_on.is_not(None), closed_by(day, rule))))
    if key in ("early", "on_time", "late"):
        return and_(closed, _class_by_date(settings, key))
    if key == "open":
        return and_(open_, not_(overdue_at(day, settings)))
    if key == "overdue":
        return and_(open_, overdue_at(day, settings))
    if key == "waiting":
        return and_(ok, d.received_on <= day, waiting_for_supplements(day))
    if key == "ended":
        return and_(ok, d.resolved_on <= day, d.outcome != DossierOutcome.RESOLVED)
    if key == "excluded":
        return not_(ok)
    raise KeyError(key)


def dossier_status_expr(day: dt.date, settings: Settings) -> Any:
    """The status column: the label of the dossier's state on ``day`` (an outcome without a result shows
    as such even when the preset counts it as on time)."""
    d = m.Dossier
    s = DOSSIER_STATUSES
    return case(
        (dossier_status_condition("excluded", day, settings), s["excluded"]),
        (and_(d.resolved_on <= day, d.outcome != DossierOutcome.RESOLVED), s["ended"]),
        (and_(d.received_on <= day, waiting_for_supplements(day)), s["waiting"]),
        (dossier_status_condition("overdue", day, settings), s["overdue"]),
        (or_(d.resolved_on.is_(None), d.resolved_on > day), s["open"]),
        (dossier_status_condition("early", day, settings), s["early"]),
        (dossier_status_condition("on_time", day, settings), s["on_time"]),
        else_=s["late"],
    )


# The scopes of the dossier page: the period classes a user filters by.
DOSSIER_SCOPES = ("received", "resolved", "carried_over", "in_progress")


def dossier_drilldown(
    scope: str | None, status: str | None, period: Period | None, settings: Settings, today: dt.date
) -> list[ColumnElement[bool]]:
    """The conditions of the dossier page for a scope (a class of ``period``) and a status (on the period's
    end within a scope, else ``today``)."""
    out: list[ColumnElement[bool]] = []
    day: Day = today
    if scope and scope != "all" and period is not None:
        out.append(dossier_condition(scope, period, settings))
        day = period.end
    if status:
        out.append(dossier_status_condition(status, day, settings))
    return out


def dossiers_due_between(first: dt.date, last: dt.date, settings: Settings) -> ColumnElement[bool]:
    """Open on ``first`` (not overdue) with a due date in [first, last] — "sắp đến hạn"."""
    due = effective_due(settings)
    return and_(dossier_status_condition("open", first, settings), due >= first, due <= last)


def dossiers_in_class(
    session: Session, name: str, period: Period, *, settings: Settings | None = None
) -> list[int]:
    """The ids of a class's dossiers (the drill-down's rows), by id."""
    settings = settings or settings_for(session)
    d = m.Dossier
    return list(session.scalars(select(d.id).where(dossier_condition(name, period, settings)).order_by(d.id)))


def dossiers_in_progress_at(session: Session, period: Period, *, settings: Settings | None = None) -> int:
    """In progress at the end of ``period``, counted straight from the records by the predicate."""
    settings = settings or settings_for(session)
    return _int(
        session.scalar(select(func.count()).where(dossier_condition("in_progress", period, settings)))
    )


def dossiers_open_at(session: Session, day: dt.date) -> int:
    """Dossiers received by ``day`` and not ended by it, counted straight from the records."""
    return _int(session.scalar(select(func.count()).where(_really_open_at(day))))


# --------------------------------------------------------------------------- the fast counts
#
# The counts come from the two daily tables the database triggers maintain (models.DossierReceivedDay,
# models.DossierClosedDay): received before the start − closed before the start = carried over;
# carried over + received − closed in the period = in progress at the end. Dossiers closed with an
# outcome the preset counts "in progress" are simply not subtracted; dossiers it excludes are read from
# the dossier table (a few rows) and subtracted from the received counts. Only the overdue split of the
# dossiers in progress reads the dossier table, through the small partial index of dossiers that are open
# or were closed late (models.LATE_OR_OPEN).

_Key = int | None  # a field or unit id; None = all / not set
_Group = Literal["field", "unit"] | None


def _group_key(table: Any, group: _Group) -> Any:
    return {"field": table.field_key, "unit": table.unit_key, None: literal(0)}[group]


def _dossier_key(group: _Group) -> Any:
    d = m.Dossier
    return {"field": func.coalesce(d.field_id, 0), "unit": func.coalesce(d.unit_id, 0), None: literal(0)}[
        group
    ]


def _filter_keys(stmt: Any, table: Any, field_id: _Key, unit_id: _Key) -> Any:
    if field_id is not None:
        stmt = stmt.where(table.field_key == field_id)
    if unit_id is not None:
        stmt = stmt.where(table.unit_key == unit_id)
    return stmt


def _filter_dossiers(stmt: Any, field_id: _Key, unit_id: _Key) -> Any:
    d = m.Dossier
    if field_id is not None:
        stmt = stmt.where(d.field_id == field_id)
    if unit_id is not None:
        stmt = stmt.where(d.unit_id == unit_id)
    return stmt


def _sums_before(
    session: Session,
    table: Any,
    start: dt.date,
    group: _Group,
    field_id: _Key,
    unit_id: _Key,
    *,
    where: Any = None,
) -> dict[int, int]:
    """Σ n of the days before ``start`` (everything received / closed before the period)."""
    key = _group_key(table, group)
    stmt = select(key.label("k"), func.sum(table.n)).where(table.day < start)
    if where is not None:
        stmt = stmt.where(where)
    stmt = _filter_keys(stmt, table, field_id, unit_id)
    if group is not None:
        stmt = stmt.group_by(key)
    return {k: _int(n) for k, n in session.execute(stmt)}


def _excluded_received(
    session: Session, period: Period, group: _Group, field_id: _Key, unit_id: _Key, rule: OutcomeRule
) -> dict[int, dict[str, int]]:
    """Per key: dossiers the preset excludes, received before the period and in it per channel."""
    excluded = rule.outcomes(OutcomeColumn.EXCLUDED)
    if not excluded:
        return {}
    d = m.Dossier
    key = _dossier_key(group)
    slot = case((d.received_on < period.start, "before"), else_=d.channel)
    stmt = select(key.label("k"), slot.label("slot"), func.count()).where(
        d.outcome.in_(excluded), d.received_on <= period.end
    )
    stmt = _filter_dossiers(stmt, field_id, unit_id).group_by(key, slot)
    out: dict[int, dict[str, int]] = {}
    for k, name, n in session.execute(stmt):
        out.setdefault(k, {})[name] = _int(n)
    return out


def _received_counts(
    session: Session, period: Period, group: _Group, field_id: _Key, unit_id: _Key, rule: OutcomeRule
) -> dict[int, dict[str, int]]:
    """Per key: received before the period, and in it per channel (the excluded ones taken off)."""
    r = m.DossierReceivedDay
    key = _group_key(r, group)
    stmt = select(key.label("k"), r.channel, func.sum(r.n)).where(r.day.between(period.start, period.end))
    stmt = _filter_keys(stmt, r, field_id, unit_id).group_by(key, r.channel)
    out: dict[int, dict[str, int]] = {}
    for k, n in _sums_before(session, r, period.start, group, field_id, unit_id).items():
        out.setdefault(k, {})["before"] = n
    for k, channel, n in session.execute(stmt):
        out.setdefault(k, {})[channel] = _int(n)
    for k, taken in _excluded_received(session, period, group, field_id, unit_id, rule).items():
        bucket = out.setdefault(k, {})
        for name, n in taken.items():
            bucket[name] = bucket.get(name, 0) - n
    return out


def _closing(rule: OutcomeRule) -> Any:
    """The closed-day rows that close a dossier for the statistics under ``rule``."""
    c = m.DossierClosedDay
    kept = rule.outcomes(OutcomeColumn.IN_PROGRESS, OutcomeColumn.EXCLUDED)
    return c.outcome.not_in(kept) if kept else None


def _closed_counts(
    session: Session, period: Period, group: _Group, field_id: _Key, unit_id: _Key, settings: Settings
) -> dict[int, dict[str, int]]:
    """Per key: closed before the period, and in it: early / on time / late, and ended without a result."""
    c = m.DossierClosedDay
    rule = settings.outcome_rule
    key = _group_key(c, group)
    versus = c.vs_extended if settings.classify_against_extended_due else c.vs_due
    stmt = select(key.label("k"), c.outcome, versus, func.sum(c.n)).where(
        c.day.between(period.start, period.end)
    )
    stmt = _filter_keys(stmt, c, field_id, unit_id).group_by(key, c.outcome, versus)
    out: dict[int, dict[str, int]] = {}
    before = _sums_before(session, c, period.start, group, field_id, unit_id, where=_closing(rule))
    for k, n in before.items():
        out.setdefault(k, {})["before"] = n
    for k, outcome, vs, n in session.execute(stmt):
        _add_closed(out.setdefault(k, {}), rule, outcome, vs, _int(n))
    return out


def _add_closed(bucket: dict[str, int], rule: OutcomeRule, outcome: str, versus: int, n: int) -> None:
    """Count ``n`` dossiers closed in the period with ``outcome`` under ``rule`` (the same classes as
    ``_class_by_date`` and ``dossier_conditions``)."""
    col = rule.column(outcome)
    if col is OutcomeColumn.EXCLUDED:
        return
    if col is not None:
        bucket["ended"] = bucket.get("ended", 0) + n
    if col is OutcomeColumn.IN_PROGRESS:
        return
    name = "on_time" if col is OutcomeColumn.ON_TIME else _versus_class(versus)
    bucket[name] = bucket.get(name, 0) + n


def _versus_class(versus: int) -> str:
    return "early" if versus < 0 else "on_time" if versus == 0 else "late"


def _late_or_open() -> Any:
    """= models.LATE_OR_OPEN, written the same way so SQLite uses the partial index."""
    d = m.Dossier
    return or_(d.resolved_on.is_(None), d.resolved_on > d.due_on)


def _overdue_where(end: Day, settings: Settings) -> list[Any]:
    """The overdue class at ``end`` (``overdue_at`` and counted), led by the partial-index condition."""
    d = m.Dossier
    parts = [
        _late_or_open(),
        effective_due(settings) < end,
        or_(d.resolved_on.is_(None), d.resolved_on > end),
        counted(settings.outcome_rule),
    ]
    if settings.outcome_rule.waiting_within:
        parts.append(not_(waiting_for_supplements(end)))
    return parts


def _overdue_rows(
    session: Session, period: Period, group: _Group, field_id: _Key, unit_id: _Key, settings: Settings
) -> dict[int, int]:
    """Dossiers in progress at the end whose due date has passed (due < end), not excused."""
    key = _dossier_key(group)
    stmt = select(key.label("k"), func.count().label("n")).where(*_overdue_where(period.end, settings))
    stmt = _filter_dossiers(stmt, field_id, unit_id)
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
    done = {name: closed.get(name, 0) for name in ("early", "on_time", "late")}
    received_n = sum(got.values())
    resolved = done["early"] + done["on_time"] + done["late"]
    in_progress = carried + received_n - resolved
    return DossierClasses(
        carried_over=carried,
        received=received_n,
        resolved=resolved,
        in_progress=in_progress,
        in_progress_within=in_progress - overdue,
        in_progress_overdue=overdue,
        ended_without_result=closed.get("ended", 0),
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
    received = _received_counts(session, period, group, field_id, unit_id, settings.outcome_rule)
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
    from ..units import units_in_period  # the units of the period, under the names they bore then

    classes = _classes_grouped(session, period, "unit", settings=settings)
    units = [(u.unit_id, u.name) for u in units_in_period(session, period.start, period.end)]
    listed = {uid for uid, _ in units}
    ended = session.execute(  # a unit outside its validity that still has dossiers of the period: shown too
        select(m.Unit.id, m.Unit.name).where(m.Unit.id.in_([k for k in classes if k and k not in listed]))
    ).all()
    rows = [UnitRow(uid, name, classes.get(uid, DossierClasses())) for uid, name in [*units, *ended]]
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
    rule = settings.outcome_rule
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
    excluded = rule.outcomes(OutcomeColumn.EXCLUDED)
    if excluded:
        for i, channel, n in session.execute(
            select(buckets.c.i, d.channel, func.count())
            .join(d, d.received_on.between(buckets.c.s, buckets.c.e))
            .where(d.outcome.in_(excluded))
            .group_by(buckets.c.i, d.channel)
        ):
            received[i][channel] = received[i].get(channel, 0) - _int(n)
    for i, outcome, vs, n in session.execute(
        select(buckets.c.i, c.outcome, versus, func.sum(c.n))
        .join(c, c.day.between(buckets.c.s, buckets.c.e))
        .group_by(buckets.c.i, c.outcome, versus)
    ):
        _add_closed(closed[i], rule, outcome, vs, _int(n))
    overdue: dict[int, int] = dict(
        session.execute(
            select(buckets.c.i, func.count())
            .join(d, and_(*_overdue_where(buckets.c.e, settings)))
            .group_by(buckets.c.i)
        ).all()
    )
    first = months[0].start
    carried_in = _received_counts(session, months[0], None, None, None, rule).get(0, {}).get("before", 0)
    carried = carried_in - _sums_before(session, c, first, None, None, None, where=_closing(rule)).get(0, 0)
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


def online_by_month(session: Session, period: Period, *, settings: Settings | None = None) -> list[Figure]:
    """The online share of each month of ``period`` on the dashboard tile's own definition (objective 7:
    ``online_uptake(...).overall``, whatever the profile's denominator), for the monthly chart."""
    settings = settings or settings_for(session)
    return [online_uptake(session, month, settings=settings).overall for month in period.month_periods()]


def dossier_classes_from_records(
    session: Session, period: Period, *, settings: Settings | None = None
) -> DossierClasses:
    """The same classes counted straight from the dossier table by their predicates (``dossier_conditions``).
    Slow on a large table (one full scan): used by the consistency checks and the tests to prove the
    maintained daily counts right."""
    settings = settings or settings_for(session)
    conds = dossier_conditions(period.start, period.end, settings)
    row = session.execute(
        select(*(func.sum(case((conds[name], 1), else_=0)).label(name) for name in DOSSIER_CLASS_NAMES))
    ).one()
    return DossierClasses(**{k: _int(v) for k, v in row._mapping.items()})


def _count_selects(where: Any) -> tuple[Any, Any]:
    """The daily counts of the dossiers matching ``where``, grouped as the count tables key them:
    (received per day, closed per day) — the triggers' rules, once for the rebuild and the bulk add."""
    d = m.Dossier
    field_key, unit_key = func.coalesce(d.field_id, 0), func.coalesce(d.unit_id, 0)
    received = select(d.received_on, field_key, unit_key, d.channel, func.count()).where(where).group_by(
        d.received_on, field_key, unit_key, d.channel
    )

    def versus(due: Any) -> Any:
        return case((d.resolved_on < due, -1), (d.resolved_on == due, 0), else_=1)

    vs_due, vs_ext = versus(d.due_on), versus(func.coalesce(d.extended_due_on, d.due_on))
    closed = (
        select(d.resolved_on, field_key, unit_key, d.outcome, vs_due, vs_ext, func.count())
        .where(where, d.resolved_on.is_not(None))
        .group_by(d.resolved_on, field_key, unit_key, d.outcome, vs_due, vs_ext)
    )
    return received, closed


_RECEIVED_KEY = ["day", "field_key", "unit_key", "channel"]
_CLOSED_KEY = ["day", "field_key", "unit_key", "outcome", "vs_due", "vs_extended"]


def rebuild_dossier_counts(session: Session) -> None:
    """Recompute the daily dossier counts from the dossiers (a repair; the triggers keep them)."""
    r, c = m.DossierReceivedDay, m.DossierClosedDay
    session.execute(delete(r))
    session.execute(delete(c))
    received, closed = _count_selects(true())
    session.execute(insert(r).from_select([*_RECEIVED_KEY, "n"], received))
    session.execute(insert(c).from_select([*_CLOSED_KEY, "n"], closed))


def add_dossier_counts(session: Session, above_id: int) -> None:
    """Add the dossiers with an id above ``above_id`` (rows just inserted while the count triggers were
    suspended) to the daily counts: two set-based upserts, the same grouping as the rebuild."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as upsert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert  # type: ignore[assignment]
    else:  # pragma: no cover - the app runs on SQLite and PostgreSQL only
        raise NotImplementedError(dialect)
    received, closed = _count_selects(m.Dossier.id > above_id)
    for table, key, rows in ((m.DossierReceivedDay, _RECEIVED_KEY, received), (m.DossierClosedDay, _CLOSED_KEY, closed)):
        stmt = upsert(table).from_select([*key, "n"], rows)
        stmt = stmt.on_conflict_do_update(index_elements=key, set_={"n": table.n + stmt.excluded.n})
        session.execute(stmt)


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
            counted(settings.outcome_rule),
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


# --------------------------------------------------------------------------- field table and its sentence


def fields_shown(rows: list[FieldRow]) -> list[FieldRow]:
    """The rows a field table prints (R2, the report page): fields that handled a dossier in the period."""
    return [r for r in rows if r.classes.total_handled > 0]


@dataclass(frozen=True)
class FieldExtremes:
    """The fields with the most and the fewest dossiers handled (Biểu 06a column 3 = the R2 table's
    "Tiếp nhận" column), over the rows the table prints — the sentence under the table says the same."""

    most: tuple[str, ...]
    most_count: int
    fewest: tuple[str, ...]
    fewest_count: int
    basis: str = "total_handled"


def field_extremes(rows: list[FieldRow]) -> FieldExtremes | None:
    """None with fewer than two fields shown (nothing to compare)."""
    shown = [(r.classes.total_handled, r.field_name) for r in fields_shown(rows)]
    if len(shown) < 2:
        return None
    most = max(n for n, _ in shown)
    fewest = min(n for n, _ in shown)
    return FieldExtremes(
        most=tuple(name for n, name in shown if n == most),
        most_count=most,
        fewest=tuple(name for n, name in shown if n == fewest),
        fewest_count=fewest,
    )


# --------------------------------------------------------------------------- figures' rows (drill-downs)


def _online_level_condition(levels: tuple[str, ...]) -> ColumnElement[bool]:
    p = m.Procedure
    return m.Dossier.procedure_id.in_(select(p.id).where(p.online_level.in_(levels)))


def figure_condition(key: str, part: str, period: Period, settings: Settings) -> ColumnElement[bool] | None:
    """The dossiers behind a dossier figure of the catalogue: ``part`` "numerator" or "denominator";
    None for a figure that does not count dossiers. The same predicates as the counts."""
    conds = dossier_conditions(period.start, period.end, settings)
    numerator = part == "numerator"
    if key in ("dossiers_on_time", "dossiers_early"):
        if not numerator:
            return conds["resolved"]
        return or_(conds["early"], conds["on_time"]) if key == "dossiers_on_time" else conds["early"]
    levels = {
        "online_uptake": ONLINE_LEVELS,
        "online_uptake_full": (OnlineLevel.FULL.value,),
        "online_uptake_partial": (OnlineLevel.PARTIAL.value,),
    }.get(key)
    if levels is None:
        return None
    if key == "online_uptake" and settings.online_denominator == OnlineDenominator.ALL:
        return conds["received_online"] if numerator else conds["received"]
    base = and_(conds["received"], _online_level_condition(levels))
    return and_(base, m.Dossier.channel == Channel.ONLINE) if numerator else base


DOSSIER_FIGURES = (
    "dossiers_on_time",
    "dossiers_early",
    "online_uptake",
    "online_uptake_full",
    "online_uptake_partial",
)
