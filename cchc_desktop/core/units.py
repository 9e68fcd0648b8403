"""Units over time (SPEC §11): a unit exists from ``valid_from`` to ``valid_to`` (open-ended when empty),
bore earlier names (``UnitName``) and may have become another unit (``UnitSuccession``: provinces merged
on 12/6/2025, the district level ended on 01/7/2025).

One home for "which units belong to a period, under which name": the report's "bao gồm A, B và C", the
per-unit tables and the list of units expected to send their data (``expected_senders``) all read
``units_in_period``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models as m
from . import services
from .errors import ValidationError
from .formatting import format_date
from .text import name_key

# The last day of the district level (Phòng Y tế huyện): the default end of a district office that an
# import creates; stored on the unit, where the user can change it.
DISTRICT_LEVEL_LAST_DAY = dt.date(2025, 6, 30)
_DISTRICT_WORDS = ("huyen", "thi xa", "quan ")


def is_district_office(name: str) -> bool:
    """"UBND huyện Kim Bôi - Phòng Y tế", "Phòng Y tế huyện Lương Sơn", "Phòng Y tế thị xã …"."""
    key = name_key(name)
    return "phong y te" in key and any(w in key for w in _DISTRICT_WORDS)


@dataclass(frozen=True)
class UnitInPeriod:
    unit_id: int
    name: str  # the name it bore at the end of the period (or on its last day), with a rename noted
    is_department: bool
    valid_from: dt.date | None
    valid_to: dt.date | None


def _overlaps(start: dt.date, end: dt.date, valid_from: dt.date | None, valid_to: dt.date | None) -> bool:
    return (valid_from is None or valid_from <= end) and (valid_to is None or valid_to >= start)


def name_on(names: list[m.UnitName], current: str, day: dt.date) -> str:
    """The name a unit bore on ``day``: the earlier name whose span holds it, else the current one."""
    for n in names:
        if (n.valid_from is None or n.valid_from <= day) and day <= n.valid_to:
            return n.name
    return current


def units_in_period(session: Session, start: dt.date, end: dt.date) -> list[UnitInPeriod]:
    """The units that existed for at least a day of [start, end], the department first, each under the
    name it bore at the end of the period (or on its own last day); a name changed within the period
    reads "new (trước dd/mm/yyyy: old)"."""
    history: dict[int, list[m.UnitName]] = {}
    for n in session.scalars(select(m.UnitName).order_by(m.UnitName.valid_to)):
        history.setdefault(n.unit_id, []).append(n)
    out = []
    units = session.scalars(select(m.Unit).order_by(m.Unit.is_department.desc(), m.Unit.id))
    for u in units:
        if not _overlaps(start, end, u.valid_from, u.valid_to):
            continue
        last = min(end, u.valid_to) if u.valid_to else end
        names = history.get(u.id, [])
        then = name_on(names, u.name, last)
        before = name_on(names, u.name, max(start, u.valid_from) if u.valid_from else start)
        if before != then:
            change = next(n.valid_to for n in names if n.name == before) + dt.timedelta(days=1)
            then = f"{then} (trước {format_date(change)}: {before})"
        out.append(UnitInPeriod(u.id, then, u.is_department, u.valid_from, u.valid_to))
    return out


def rename_unit(session: Session, unit_id: int, new_name: str, first_day: dt.date, *, user: str | None = None) -> None:
    """From ``first_day`` the unit is called ``new_name``; the old name is kept for the days before."""
    unit = session.get(m.Unit, unit_id)
    if unit is None:
        raise ValidationError("unit_id", "Không tìm thấy đơn vị cần đổi tên.")
    earlier = [n.valid_to for n in session.scalars(select(m.UnitName).where(m.UnitName.unit_id == unit_id))]
    since = max(earlier) + dt.timedelta(days=1) if earlier else unit.valid_from
    if since is not None and first_day <= since:
        raise ValidationError("valid_from", f"Ngày đổi tên phải sau ngày {format_date(since)}.")
    services.create(session, m.UnitName, {"unit_id": unit_id, "name": unit.name, "valid_from": since,
                                          "valid_to": first_day - dt.timedelta(days=1)}, user=user)  # fmt: skip
    services.update(session, m.Unit, unit_id, {"name": new_name}, user=user)


def succeed(
    session: Session, predecessors: Iterable[int], successor_id: int, first_day: dt.date, *, user: str | None = None
) -> None:
    """The ``predecessors`` ended the day before ``first_day`` and became ``successor_id`` (a merger when
    several)."""
    for pid in predecessors:
        services.update(session, m.Unit, pid, {"valid_to": first_day - dt.timedelta(days=1)}, user=user)
        services.create(session, m.UnitSuccession,
                        {"predecessor_id": pid, "successor_id": successor_id, "on_date": first_day}, user=user)  # fmt: skip
    successor = session.get(m.Unit, successor_id)
    if successor is not None and successor.valid_from is None:
        services.update(session, m.Unit, successor_id, {"valid_from": first_day}, user=user)


def predecessors_of(session: Session, unit_id: int) -> list[m.Unit]:
    """The units that became this one (directly), oldest change first."""
    rows = session.scalars(
        select(m.Unit)
        .join(m.UnitSuccession, m.UnitSuccession.predecessor_id == m.Unit.id)
        .where(m.UnitSuccession.successor_id == unit_id)
        .order_by(m.UnitSuccession.on_date, m.Unit.id)
    )
    return list(rows)


def expected_senders(session: Session, start: dt.date, end: dt.date) -> list[UnitInPeriod]:
    """The units expected to send a data package for [start, end] — the one home of this rule: every
    subordinate unit (never the department itself) that still exists on the period's last day (a unit
    sends its package at the end of the period; one that ended before, e.g. a district office after
    30/6/2025, is not asked, its successor is), under the name it bore then."""
    return [u for u in units_in_period(session, start, end)
            if not u.is_department and (u.valid_to is None or u.valid_to >= end)]  # fmt: skip


def packages_received(session: Session, start: dt.date, end: dt.date) -> dict[int, dt.datetime]:
    """Unit id → when its last data package for exactly the period [start, end] arrived."""
    rows = session.execute(
        select(m.DataPackage.unit_id, func.max(m.DataPackage.received_at))
        .where(m.DataPackage.period_start == start, m.DataPackage.period_end == end)
        .group_by(m.DataPackage.unit_id)
    ).all()
    return {uid: at for uid, at in rows}


def send_status(session: Session, start: dt.date, end: dt.date) -> list[tuple[UnitInPeriod, dt.datetime | None]]:
    """"Who has sent what" for the period: each expected unit and when its last package for the period
    arrived (None: not sent)."""
    received = packages_received(session, start, end)
    return [(u, received.get(u.unit_id)) for u in expected_senders(session, start, end)]


def units_not_sent(session: Session, start: dt.date, end: dt.date) -> list[str]:
    """The expected units (``expected_senders``) that have not sent a package for [start, end], under the
    names they bore then (the dashboard's "Cần chú ý")."""
    return [u.name for u, at in send_status(session, start, end) if at is None]
