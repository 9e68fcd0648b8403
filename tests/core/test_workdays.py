"""Working days: Vietnam's holidays, the editable extra days off and make-up days, deadlines (SPEC §4)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_desktop.core import models as m
from cchc_desktop.core.enums import DurationUnit, WorkdayKind
from cchc_desktop.core.workdays import WorkCalendar, due_date_for, public_holiday_name

D = dt.date
CAL = WorkCalendar()


def test_tet_2024_and_the_april_swap() -> None:
    assert not any(CAL.is_working_day(D(2024, 2, d)) for d in range(8, 15))  # Tết Giáp Thìn, 08–14/02
    assert CAL.is_working_day(D(2024, 2, 15))
    assert not CAL.is_working_day(D(2024, 4, 29))  # Monday off, swapped with…
    assert CAL.is_working_day(D(2024, 5, 4))  # …the make-up Saturday
    assert not CAL.is_working_day(D(2024, 5, 5))  # an ordinary Sunday
    assert public_holiday_name(D(2024, 9, 2)) is not None


def test_add_working_days_skips_tet() -> None:
    assert CAL.add_working_days(D(2024, 2, 7), 1) == D(2024, 2, 15)
    assert CAL.add_working_days(D(2024, 2, 7), 0) == D(2024, 2, 7)
    assert CAL.working_days_between(D(2024, 2, 7), D(2024, 2, 16)) == 2


def test_due_date_in_days_and_in_working_days() -> None:
    received = D(2024, 3, 1)  # a Friday
    assert CAL.due_date(received, 10, DurationUnit.CALENDAR_DAYS) == D(2024, 3, 11)
    assert CAL.due_date(received, 1, DurationUnit.WORKING_DAYS) == D(2024, 3, 4)
    assert CAL.due_date(received, 5, DurationUnit.WORKING_DAYS) == D(2024, 3, 8)


def test_received_after_three_pm_starts_the_next_working_day() -> None:
    received = D(2024, 3, 1)  # Friday
    late, early = dt.time(15, 30), dt.time(14, 59)
    assert CAL.due_date(received, 1, DurationUnit.WORKING_DAYS, late) == D(2024, 3, 5)
    assert CAL.due_date(received, 1, DurationUnit.WORKING_DAYS, early) == D(2024, 3, 4)
    assert CAL.due_date(received, 1, DurationUnit.WORKING_DAYS, late, late_receipt_hour=None) == D(2024, 3, 4)
    assert CAL.due_date(received, 1, DurationUnit.WORKING_DAYS, late, late_receipt_hour=16) == D(2024, 3, 4)


def test_extra_days_off_and_make_up_days_from_the_database(db) -> None:
    with db.transaction() as s:
        s.add(m.WorkdayException(day=D(2025, 2, 15), kind=WorkdayKind.MAKE_UP, note="Làm bù Tết 2025"))
        s.add(m.WorkdayException(day=D(2025, 3, 3), kind=WorkdayKind.DAY_OFF, note="Nghỉ thêm"))
        prof = m.OrganisationProfile(parent_agency="UBND", agency="SỞ Y TẾ", place="X")
        proc = m.Procedure(code="1.000001", name="Thủ tục", resolution_days=1)
        s.add_all([prof, proc])
        s.flush()
        prof.late_receipt_hour = None  # the rule switched off (on a new row the ORM default would win)
    with db.session() as s:
        cal = WorkCalendar.from_session(s)
        assert cal.is_working_day(D(2025, 2, 15)) and not CAL.is_working_day(D(2025, 2, 15))
        assert not cal.is_working_day(D(2025, 3, 3)) and CAL.is_working_day(D(2025, 3, 3))
        proc = s.get(m.Procedure, proc.id)
        # Friday 28/02, late receipt rule switched off in the profile: 1 working day → Tuesday (Monday off)
        assert due_date_for(s, proc, D(2025, 2, 28), dt.time(16, 0)) == D(2025, 3, 4)


days = st.dates(D(2010, 1, 1), D(2030, 12, 31))
extras = st.lists(days, max_size=6)


@settings(max_examples=150, deadline=None)
@given(days, st.integers(0, 60), extras, extras)
def test_working_days_between_inverts_add(start: D, n: int, off: list[D], make_up: list[D]) -> None:
    cal = WorkCalendar(extra_off=off, make_up=make_up)
    end = cal.add_working_days(start, n)
    assert cal.working_days_between(start, end) == n
    assert cal.working_days_between(end, start) == -n
    if n > 0:
        assert cal.is_working_day(end)
        assert end > start
        assert (end - start).days >= n


@settings(max_examples=150, deadline=None)
@given(days, st.integers(0, 40), st.integers(0, 40))
def test_adding_is_monotone_and_associative(start: D, a: int, b: int) -> None:
    first = CAL.add_working_days(start, a)
    assert CAL.add_working_days(first, b) == CAL.add_working_days(start, a + b)
    if a < b:
        assert CAL.add_working_days(start, a) < CAL.add_working_days(start, b)


@settings(max_examples=150, deadline=None)
@given(days, days, days)
def test_working_days_between_adds_up(a: D, b: D, c: D) -> None:
    assert CAL.working_days_between(a, b) + CAL.working_days_between(b, c) == CAL.working_days_between(a, c)


@settings(max_examples=150, deadline=None)
@given(days)
def test_a_working_day_is_a_weekday_or_a_make_up_saturday(day: D) -> None:
    if CAL.is_working_day(day) and day.weekday() >= 5:
        assert day.weekday() == 5  # only Saturdays are ever made up
    if day.weekday() < 5 and public_holiday_name(day) is None:
        assert CAL.is_working_day(day)


@settings(max_examples=100, deadline=None)
@given(days, st.integers(1, 60))
def test_calendar_day_deadlines_count_every_day(received: D, n: int) -> None:
    assert CAL.due_date(received, n, DurationUnit.CALENDAR_DAYS) == received + dt.timedelta(days=n)
    assert CAL.due_date(received, n, DurationUnit.WORKING_DAYS) >= received + dt.timedelta(days=n)
