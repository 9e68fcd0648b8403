"""Units over time: validity, earlier names, successors; a period lists each unit under the name it bore
then, and district offices are no longer expected after 01/7/2025."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.errors import ValidationError
from cchc_desktop.core.indicators import dossier_classes_by_unit
from cchc_desktop.core.periods import Period
from cchc_desktop.core.units import (
    DISTRICT_LEVEL_LAST_DAY,
    expected_senders,
    is_district_office,
    predecessors_of,
    rename_unit,
    succeed,
    units_in_period,
    units_not_sent,
)
from cchc_desktop.reports.common import unit_names

D = dt.date


@pytest.fixture
def units(db):
    with db.transaction() as s:
        dept = services.create(s, m.Unit, {"name": "Sở Y tế", "is_department": True})
        cc = services.create(s, m.Unit, {"name": "Chi cục Dân số - Kế hoạch hóa gia đình"})
        district = services.create(s, m.Unit, {"name": "UBND huyện Kim Bôi - Phòng Y tế",
                                               "valid_to": DISTRICT_LEVEL_LAST_DAY})  # fmt: skip
        a = services.create(s, m.Unit, {"name": "Trung tâm Kiểm nghiệm"})
        b = services.create(s, m.Unit, {"name": "Trung tâm Giám định y khoa"})
        merged = services.create(s, m.Unit, {"name": "Trung tâm Kiểm nghiệm và Giám định"})
        succeed(s, [a.id, b.id], merged.id, D(2025, 10, 1))
        rename_unit(s, cc.id, "Chi cục Dân số", D(2025, 9, 1))
        return {"dept": dept.id, "cc": cc.id, "district": district.id, "a": a.id, "b": b.id, "merged": merged.id}


def _names(db, start: D, end: D) -> list[str]:
    with db.session() as s:
        return [u.name for u in units_in_period(s, start, end)]


def test_each_period_names_the_units_as_they_were(db, units) -> None:
    assert _names(db, D(2024, 1, 1), D(2024, 12, 31)) == [
        "Sở Y tế", "Chi cục Dân số - Kế hoạch hóa gia đình", "UBND huyện Kim Bôi - Phòng Y tế",
        "Trung tâm Kiểm nghiệm", "Trung tâm Giám định y khoa",
    ]  # the merged centre did not exist yet
    assert _names(db, D(2026, 1, 1), D(2026, 12, 31)) == [
        "Sở Y tế", "Chi cục Dân số", "Trung tâm Kiểm nghiệm và Giám định",
    ]  # no district office after 01/7/2025, the merged centres only under their successor
    # a period across the changes: the rename is shown, both the old centres and the new one belong to it
    assert _names(db, D(2025, 1, 1), D(2025, 12, 31)) == [
        "Sở Y tế", "Chi cục Dân số (trước 01/09/2025: Chi cục Dân số - Kế hoạch hóa gia đình)",
        "UBND huyện Kim Bôi - Phòng Y tế", "Trung tâm Kiểm nghiệm", "Trung tâm Giám định y khoa",
        "Trung tâm Kiểm nghiệm và Giám định",
    ]
    with db.session() as s:  # the quality report's "bao gồm A, B và C" reads the same list
        assert unit_names(s, Period.between(D(2026, 1, 1), D(2026, 12, 31))) == _names(db, D(2026, 1, 1), D(2026, 12, 31))
        assert [u.name for u in predecessors_of(s, units["merged"])] == ["Trung tâm Kiểm nghiệm",
                                                                          "Trung tâm Giám định y khoa"]  # fmt: skip
        merged = s.get(m.Unit, units["merged"])
        assert merged.valid_from == D(2025, 10, 1)
        assert s.get(m.Unit, units["a"]).valid_to == D(2025, 9, 30)


def test_per_unit_table_uses_the_names_of_the_period(db, units) -> None:
    with db.session() as s:
        rows = dossier_classes_by_unit(s, Period.between(D(2024, 1, 1), D(2024, 12, 31)))
    assert [r.unit_name for r in rows][:2] == ["Sở Y tế", "Chi cục Dân số - Kế hoạch hóa gia đình"]


def test_a_rename_must_come_after_the_last_one(db, units) -> None:
    with db.session() as s, pytest.raises(ValidationError, match="phải sau ngày 01/09/2025"):
        rename_unit(s, units["cc"], "Chi cục Dân số tỉnh", D(2025, 8, 1))
    with db.session() as s:
        assert s.scalar(select(m.UnitName.name)) == "Chi cục Dân số - Kế hoạch hóa gia đình"


@pytest.mark.parametrize(
    ("name", "district"),
    [
        ("UBND huyện Kim Bôi - Phòng Y tế", True),
        ("Phòng Y tế huyện Lương Sơn", True),
        ("Phòng Y tế thị xã Ninh Hòa", True),
        ("Phòng Nghiệp vụ Y - Sở Y tế", False),
        ("Chi cục An toàn vệ sinh thực phẩm", False),
    ],
)
def test_district_offices_are_recognised(name: str, district: bool) -> None:
    assert is_district_office(name) is district


def _expected(db, start: D, end: D) -> list[str]:
    with db.session() as s:
        return [u.name for u in expected_senders(s, start, end)]


def test_units_expected_to_send_exist_on_the_last_day_and_are_not_the_department(db, units) -> None:
    h1 = ["Chi cục Dân số - Kế hoạch hóa gia đình", "UBND huyện Kim Bôi - Phòng Y tế", "Trung tâm Kiểm nghiệm",
          "Trung tâm Giám định y khoa"]  # fmt: skip
    assert _expected(db, D(2025, 1, 1), D(2025, 6, 30)) == h1  # the district office's last day: still expected
    assert _expected(db, D(2024, 12, 15), D(2025, 6, 14)) == h1
    after = ["Chi cục Dân số - Kế hoạch hóa gia đình", "Trung tâm Kiểm nghiệm", "Trung tâm Giám định y khoa"]
    assert _expected(db, D(2025, 6, 15), D(2025, 7, 1)) == after  # ends on 01/7/2025: no longer expected
    assert _expected(db, D(2025, 7, 1), D(2025, 8, 14)) == after
    # the merged centres ended on 30/9/2025: for the year only their successor is asked, under the new names
    assert _expected(db, D(2024, 12, 15), D(2025, 12, 14)) == [
        "Chi cục Dân số (trước 01/09/2025: Chi cục Dân số - Kế hoạch hóa gia đình)",
        "Trung tâm Kiểm nghiệm và Giám định",
    ]
    with db.transaction() as s:  # a unit that sent is no longer missing; a package for another period does not count
        for unit, start, end in (("cc", D(2025, 1, 1), D(2025, 6, 30)), ("a", D(2025, 1, 1), D(2025, 3, 31))):
            services.create(s, m.DataPackage, {
                "unit_id": units[unit], "period_key": "k", "period_start": start, "period_end": end,
                "sent_at": dt.datetime(2025, 7, 2, 9), "received_at": dt.datetime(2025, 7, 3, 9),
                "checksum": unit * 32, "schema_revision": "0008", "file_name": f"{unit}.cchc"})  # fmt: skip
    with db.session() as s:
        assert units_not_sent(s, D(2025, 1, 1), D(2025, 6, 30)) == h1[1:]
