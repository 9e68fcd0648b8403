"""Working-day calendar: Monday–Friday, minus Vietnam's public holidays and days in lieu (the
``holidays`` package's VN calendar, which also knows the make-up working Saturdays), minus the
extra days off and plus the make-up days stored in the database (``WorkdayException``).

Deadlines in "ngày" count calendar days; in "ngày làm việc" count working days, day 1 being the
first working day after receipt; a dossier received after the late-receipt hour (15:00 by
default, a setting) starts counting from the next working day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models as m
from .enums import DurationUnit, WorkdayKind

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _vn_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    cal = holidays.country_holidays("VN", years=year, language="vi")
    return frozenset(cal.keys()), frozenset(d for d in cal.weekend_workdays if d.year == year)


def public_holiday_name(day: dt.date) -> str | None:
    cal = holidays.country_holidays("VN", years=day.year, language="vi")
    return cal.get(day)


class WorkCalendar:
    """A calendar of working days; ``extra_off`` and ``make_up`` override the built-in one."""

    def __init__(self, extra_off: Iterable[dt.date] = (), make_up: Iterable[dt.date] = ()) -> None:
        self.extra_off = frozenset(extra_off)
        self.make_up = frozenset(make_up)

    @classmethod
    def from_session(cls, session: Session) -> WorkCalendar:
        rows = session.execute(select(m.WorkdayException.day, m.WorkdayException.kind)).all()
        return cls(
            extra_off=[d for d, k in rows if k == WorkdayKind.DAY_OFF],
            make_up=[d for d, k in rows if k == WorkdayKind.MAKE_UP],
        )

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.make_up:
            return True
        if day in self.extra_off:
            return False
        off, weekend_work = _vn_year(day.year)
        if day in weekend_work:
            return True
        if day.weekday() >= 5:
            return False
        return day not in off

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        day = start
        for _ in range(days):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def due_date(
        self,
        received_on: dt.date,
        days: int,
        unit: DurationUnit,
        received_time: dt.time | None = None,
        late_receipt_hour: int | None = 15,
    ) -> dt.date:
        """Due date of a dossier for a legal resolution time of ``days`` ``unit``."""
        start = received_on
        if late_receipt_hour is not None and received_time is not None and received_time.hour >= late_receipt_hour:
            start = self.next_working_day(received_on)
        if unit == DurationUnit.CALENDAR_DAYS:
            return start + dt.timedelta(days=days)
        return self.add_working_days(start, days)


def due_date_for(
    session: Session, procedure: m.Procedure, received_on: dt.date, received_time: dt.time | None = None
) -> dt.date | None:
    """The due date of a dossier for ``procedure`` received on ``received_on``, per the settings."""
    if not procedure.resolution_days:
        return None
    prof = session.scalar(select(m.OrganisationProfile).limit(1))
    late_hour = prof.late_receipt_hour if prof is not None else 15
    return WorkCalendar.from_session(session).due_date(
        received_on, procedure.resolution_days, procedure.resolution_unit, received_time, late_hour
    )
