"""Outgoing and incoming documents (objective 6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import models as m
from ..periods import Period
from .common import Figure, _int

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
    out, secret, electronic, decisions, decisions_electronic, incoming, incoming_electronic = (
        _int(v) for v in row
    )
    return DocumentSummary(
        outgoing=out,
        secret=secret,
        electronic=electronic,
        decisions=decisions,
        decisions_electronic=decisions_electronic,
        incoming=incoming,
        incoming_electronic=incoming_electronic,
        months=tuple((y, mo) for y, mo in present),
    )
