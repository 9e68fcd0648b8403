"""Tasks the province assigned (SPEC §5, objective 5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
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


# --------------------------------------------------------------------------- the predicates (one home)

Day = dt.date | ColumnElement[Any]


def task_due() -> Any:
    """A task's due date: the extended one when the province approved the extension, else the original."""
    t = m.Task
    return case(
        (and_(t.extension_approved.is_(True), t.extended_due_on.is_not(None)), t.extended_due_on),
        else_=t.due_on,
    )


def _open_at(day: Day) -> ColumnElement[bool]:
    t = m.Task
    return and_(t.assigned_on <= day, or_(t.completed_on.is_(None), t.completed_on > day))


def _class_by_date(kind: str) -> ColumnElement[bool]:
    t, due = m.Task, task_due()
    return {"early": t.completed_on < due, "on_time": t.completed_on == due, "late": t.completed_on > due}[
        kind
    ]


TASK_CLASS_NAMES = (
    "assigned",
    "completed",
    "early",
    "on_time",
    "late",
    "extended",
    "in_progress",
    "in_progress_not_due",
    "in_progress_overdue",
)


def task_handled_in(start: Day, end: Day) -> ColumnElement[bool]:
    """The tasks a period deals with: assigned by its end and not completed before its start (the rows
    of an export or a unit package for the period)."""
    t = m.Task
    return and_(t.assigned_on <= end, or_(t.completed_on.is_(None), t.completed_on >= start))


def task_conditions(start: Day, end: Day) -> dict[str, ColumnElement[bool]]:
    """Every task class of [start, end] as a predicate over ``models.Task``."""
    t, due = m.Task, task_due()
    completed = and_(t.completed_on >= start, t.completed_on <= end)
    open_at_end = _open_at(end)
    return {
        "assigned": and_(t.assigned_on >= start, t.assigned_on <= end),
        "completed": completed,
        "early": and_(completed, _class_by_date("early")),
        "on_time": and_(completed, _class_by_date("on_time")),
        "late": and_(completed, _class_by_date("late")),
        "extended": and_(t.extension_approved.is_(True), or_(completed, open_at_end)),
        "in_progress": open_at_end,
        "in_progress_not_due": and_(open_at_end, due >= end),
        "in_progress_overdue": and_(open_at_end, due < end),
    }


def task_condition(name: str, period: Period) -> ColumnElement[bool]:
    return task_conditions(period.start, period.end)[name]


TASK_STATUSES: dict[str, str] = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Trễ hạn",
    "open": "Đang thực hiện",
    "overdue": "Quá hạn",
}


def task_status_condition(key: str, day: Day) -> ColumnElement[bool]:
    """Tasks in state ``key`` on ``day`` (with a scope of a period, ``day`` is its end)."""
    t, due = m.Task, task_due()
    if key in ("early", "on_time", "late"):
        return and_(t.completed_on <= day, _class_by_date(key))
    if key == "open":
        return and_(or_(t.completed_on.is_(None), t.completed_on > day), due >= day)
    if key == "overdue":
        return and_(or_(t.completed_on.is_(None), t.completed_on > day), due < day)
    raise KeyError(key)


def task_status_expr(day: dt.date) -> Any:
    s, t = TASK_STATUSES, m.Task
    return case(
        (task_status_condition("overdue", day), s["overdue"]),
        (or_(t.completed_on.is_(None), t.completed_on > day), s["open"]),
        (_class_by_date("early"), s["early"]),
        (_class_by_date("on_time"), s["on_time"]),
        else_=s["late"],
    )


TASK_SCOPES = ("assigned", "completed", "in_progress")


def task_drilldown(scope: str | None, status: str | None, period: Period | None, today: dt.date) -> list[Any]:
    out: list[Any] = []
    day: Day = today
    if scope and scope != "all" and period is not None:
        out.append(task_condition(scope, period))
        day = period.end
    if status:
        out.append(task_status_condition(status, day))
    return out


def tasks_due_between(first: dt.date, last: dt.date) -> ColumnElement[bool]:
    """Not done on ``first`` with a due date in [first, last] — "sắp đến hạn"."""
    due = task_due()
    return and_(task_status_condition("open", first), due >= first, due <= last)


# The task classes a period counts (TaskSummary's fields but its total), for the sums and the JSON.
TASK_COUNTED_CLASSES = (
    "completed",
    "early",
    "on_time",
    "late",
    "extended",
    "in_progress_not_due",
    "in_progress_overdue",
)


def task_summary(session: Session, period: Period) -> TaskSummary:
    """Tasks assigned by the province: completed in the period (early / on time / late against the
    extended due date when the extension was approved), and those still open at its end."""
    conds = task_conditions(period.start, period.end)
    names = TASK_COUNTED_CLASSES
    row = session.execute(select(*(func.sum(case((conds[n], 1), else_=0)).label(n) for n in names))).one()
    got = {n: _int(v) for n, v in row._mapping.items()}
    return TaskSummary(
        total=got["completed"] + got["in_progress_not_due"] + got["in_progress_overdue"], **got
    )


def task_figure_condition(part: str, period: Period) -> ColumnElement[bool]:
    """The tasks behind objective 5's figure: numerator (completed early or on time) or denominator
    (completed + overdue at the end)."""
    conds = task_conditions(period.start, period.end)
    if part == "numerator":
        return or_(conds["early"], conds["on_time"])
    return or_(conds["completed"], conds["in_progress_overdue"])
