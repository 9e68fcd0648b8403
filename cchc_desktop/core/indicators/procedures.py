"""Procedures: ISO processes of announced TTHC and steps matching the one-stop software (objectives 3, 4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from .. import models as m
from ..periods import Period
from .common import Figure, Settings, _int, settings_for

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
    decisions: list[DecisionRow] = []
    for row in rows:
        days = (row.iso_date - row.ubnd_date).days if row.iso_date is not None else None
        within = days is not None and days <= settings.iso_deadline_days
        decisions.append(
            DecisionRow(
                row.ubnd_number,
                row.ubnd_date,
                row.iso_number,
                row.iso_date,
                row.letter_number,
                row.letter_date,
                row.summary,
                days=days,
                procedures=_int(row.procedures),
                within=within,
            )
        )
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
