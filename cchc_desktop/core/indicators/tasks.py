"""Tasks the province assigned (SPEC §5, objective 5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from .. import models as m
from ..periods import Period
from .common import Figure, _int

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
