"""Report periods: the SPEC §9 syntax, both conventions (SPEC §4), labels and the previous period."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_desktop.core import models as m
from cchc_desktop.core.enums import PeriodConvention
from cchc_desktop.core.errors import ValidationError
from cchc_desktop.core.periods import PeriodSpec, periods_for

D = dt.date
CAL, CUT = PeriodConvention.CALENDAR, PeriodConvention.CUT_OFF


@pytest.mark.parametrize(
    ("text", "key", "label"),
    [
        ("2024", "2024", "năm 2024"),
        ("2022-H1", "2022-H1", "6 tháng đầu năm 2022"),
        ("2024-h2", "2024-H2", "6 tháng cuối năm 2024"),
        ("2024-Q3", "2024-Q3", "quý III năm 2024"),
        ("2024-9M", "2024-9M", "9 tháng năm 2024"),
        ("2024-05", "2024-05", "tháng 5 năm 2024"),
        ("2024-5", "2024-05", "tháng 5 năm 2024"),
        ("2023-12-15..2024-12-14", "2023-12-15..2024-12-14", "từ ngày 15/12/2023 đến ngày 14/12/2024"),
        (" 15/12/2023 .. 14/12/2024 ", "2023-12-15..2024-12-14", "từ ngày 15/12/2023 đến ngày 14/12/2024"),
    ],
)
def test_parse_key_and_label(text: str, key: str, label: str) -> None:
    spec = PeriodSpec.parse(text)
    assert spec.key == key
    assert spec.label == label
    assert PeriodSpec.parse(spec.key) == spec  # the key parses back to the same period


@pytest.mark.parametrize(
    ("text", "convention", "start", "end"),
    [
        ("2024", CUT, D(2023, 12, 15), D(2024, 12, 14)),
        ("2024", CAL, D(2024, 1, 1), D(2024, 12, 31)),
        ("2022-H1", CUT, D(2021, 12, 15), D(2022, 6, 14)),
        ("2022-H1", CAL, D(2022, 1, 1), D(2022, 6, 30)),
        ("2024-H2", CUT, D(2024, 6, 15), D(2024, 12, 14)),
        ("2024-Q1", CUT, D(2023, 12, 15), D(2024, 3, 14)),
        ("2024-Q3", CAL, D(2024, 7, 1), D(2024, 9, 30)),
        ("2024-9M", CUT, D(2023, 12, 15), D(2024, 9, 14)),
        ("2024-05", CUT, D(2024, 4, 15), D(2024, 5, 14)),
        ("2024-02", CAL, D(2024, 2, 1), D(2024, 2, 29)),
        ("2023-02", CAL, D(2023, 2, 1), D(2023, 2, 28)),
        ("2024-01", CUT, D(2023, 12, 15), D(2024, 1, 14)),
        ("2023-12-15..2024-12-14", CAL, D(2023, 12, 15), D(2024, 12, 14)),
        ("2024-03-01..2024-03-10", CUT, D(2024, 3, 1), D(2024, 3, 10)),  # a range is taken as written
    ],
)
def test_bounds_under_each_convention(text: str, convention: PeriodConvention, start: D, end: D) -> None:
    period = PeriodSpec.parse(text).resolve(convention)
    assert (period.start, period.end) == (start, end)
    assert period.contains(start) and period.contains(end)
    assert not period.contains(start - dt.timedelta(days=1)) and not period.contains(
        end + dt.timedelta(days=1)
    )


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("2024", "2023"),
        ("2024-H1", "2023-H2"),
        ("2024-H2", "2024-H1"),
        ("2024-Q1", "2023-Q4"),
        ("2024-Q3", "2024-Q2"),
        ("2024-9M", "2023-9M"),
        ("2024-01", "2023-12"),
        ("2024-05", "2024-04"),
        ("2024-03-11..2024-03-20", "2024-03-01..2024-03-10"),
    ],
)
def test_previous_period(text: str, previous: str) -> None:
    assert PeriodSpec.parse(text).previous().key == previous


@pytest.mark.parametrize(
    "text", ["", "20244", "2024-13", "2024-00", "2024-Q5", "2024-H3", "năm 2024", "2024-10M", "x..y"]
)
def test_unknown_period_is_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(ValidationError, match="không hợp lệ; hãy viết theo một trong các dạng"):
        PeriodSpec.parse(text)


def test_inverted_range_is_refused() -> None:
    with pytest.raises(ValidationError, match="ngày kết thúc 14/12/2023 trước ngày bắt đầu 15/12/2024"):
        PeriodSpec.parse("2024-12-15..2023-12-14")


def test_months_touched() -> None:
    period = PeriodSpec.parse("2024").resolve(CUT)
    assert period.months()[0] == (2023, 12) and period.months()[-1] == (2024, 12)
    assert len(period.months()) == 13


def test_month_periods_of_a_cut_off_year_are_its_twelve_statistical_months() -> None:
    months = PeriodSpec.parse("2024").resolve(CUT).month_periods()
    assert [(p.start, p.end) for p in months[:2]] == [
        (D(2023, 12, 15), D(2024, 1, 14)),
        (D(2024, 1, 15), D(2024, 2, 14)),
    ]
    assert [p.spec.number for p in months] == list(range(1, 13))
    assert months[-1].end == D(2024, 12, 14)


specs = st.one_of(
    st.builds(PeriodSpec.for_year, st.integers(2000, 2100)),
    st.builds(PeriodSpec.half, st.integers(2000, 2100), st.integers(1, 2)),
    st.builds(PeriodSpec.quarter, st.integers(2000, 2100), st.integers(1, 4)),
    st.builds(PeriodSpec.nine_months, st.integers(2000, 2100)),
    st.builds(PeriodSpec.month, st.integers(2000, 2100), st.integers(1, 12)),
    st.builds(
        lambda a, n: PeriodSpec.range(a, a + dt.timedelta(days=n)),
        st.dates(D(2000, 1, 1), D(2100, 1, 1)),
        st.integers(0, 800),
    ),
)


@given(specs, st.sampled_from([CAL, CUT]))
def test_month_periods_cover_the_period_exactly(spec: PeriodSpec, convention: PeriodConvention) -> None:
    period = spec.resolve(convention)
    parts = period.month_periods()
    assert parts[0].start == period.start and parts[-1].end == period.end
    for before, after in zip(parts, parts[1:], strict=False):
        assert after.start == before.end + dt.timedelta(days=1)
    assert sum(p.days for p in parts) == period.days


@given(specs, st.sampled_from([CAL, CUT]))
def test_previous_period_ends_where_this_one_starts(spec: PeriodSpec, convention: PeriodConvention) -> None:
    """Consecutive named periods of the same kind tile time (a year's previous ends the day before)."""
    if spec.kind == "nine_months":
        return  # 9 months of the previous year do not touch this one
    this, before = spec.resolve(convention), spec.previous().resolve(convention)
    assert before.end + dt.timedelta(days=1) == this.start


def test_periods_for_uses_the_organisation_conventions(db) -> None:
    spec = PeriodSpec.parse("2024")
    with db.transaction() as s:
        defaults = periods_for(
            s, spec
        )  # no profile yet: cut-off for dossiers/tasks/surveys, calendar for documents
        assert (defaults.dossiers.start, defaults.documents.start) == (D(2023, 12, 15), D(2024, 1, 1))
        assert defaults.tasks.end == defaults.surveys.end == D(2024, 12, 14)
        s.add(
            m.OrganisationProfile(
                parent_agency="UBND TỈNH X",
                agency="SỞ Y TẾ",
                place="X",
                convention_dossiers=PeriodConvention.CALENDAR,
                convention_documents=PeriodConvention.CUT_OFF,
            )
        )
    with db.session() as s:
        fp = periods_for(s, spec)
        assert (fp.dossiers.start, fp.dossiers.end) == (D(2024, 1, 1), D(2024, 12, 31))
        assert (fp.documents.start, fp.documents.end) == (D(2023, 12, 15), D(2024, 12, 14))
        assert fp.tasks.start == D(2023, 12, 15)
