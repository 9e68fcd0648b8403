"""Cell parsers: day-first dates in every form, channels, online levels, yes/no, Vietnamese numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_desktop.core.enums import Channel, DurationUnit, OnlineLevel
from cchc_desktop.io import parsing as p


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15/01/2024", (dt.date(2024, 1, 15), None)),
        ("15/01/2024 08:30", (dt.date(2024, 1, 15), dt.time(8, 30))),
        ("15-01-2024", (dt.date(2024, 1, 15), None)),
        ("05.02.2024", (dt.date(2024, 2, 5), None)),
        ("2024-01-15", (dt.date(2024, 1, 15), None)),
        ("01/02/2024 2:05 CH", (dt.date(2024, 2, 1), dt.time(14, 5))),
        (dt.date(2024, 1, 15), (dt.date(2024, 1, 15), None)),  # calamine's plain date at 00:00
        (dt.datetime(2024, 1, 15, 0, 0), (dt.date(2024, 1, 15), None)),
        (dt.datetime(2024, 1, 15, 16, 45), (dt.date(2024, 1, 15), dt.time(16, 45))),
        (45306, (dt.date(2024, 1, 15), None)),  # Excel serial
        (45306.5, (dt.date(2024, 1, 15), dt.time(12, 0))),
        ("", None),
        (None, None),
    ],
)
def test_dates_day_first(raw: object, expected: object) -> None:
    assert p.parse_datetime(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2024", "15/13/2024", "hôm qua", "12", 5, True, "15/01/2024 25:00"])
def test_bad_dates_have_a_reason(raw: object) -> None:
    with pytest.raises(p.CellError, match="ngày|giờ"):
        p.parse_datetime(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Trực tuyến", Channel.ONLINE),
        ("DVC trực tuyến", Channel.ONLINE),
        ("Qua mạng", Channel.ONLINE),
        ("truc tiep", Channel.DIRECT),
        ("Trực tiếp tại Bộ phận một cửa", Channel.DIRECT),
        ("Bưu chính công ích", Channel.POSTAL),
        ("BCCI", Channel.POSTAL),
    ],
)
def test_channels(raw: str, expected: Channel) -> None:
    assert p.parse_channel(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Toàn trình", OnlineLevel.FULL),
        ("Mức độ 4", OnlineLevel.FULL),
        ("Mức độ 3/4", OnlineLevel.FULL),
        ("Mức độ 3", OnlineLevel.PARTIAL),
        ("Một phần", OnlineLevel.PARTIAL),
        ("MỨC ĐỘ 2", OnlineLevel.NONE),
        (3, OnlineLevel.PARTIAL),
        ("Không", OnlineLevel.NONE),
    ],
)
def test_online_levels(raw: object, expected: OnlineLevel) -> None:
    assert p.parse_online_level(raw) is expected


def test_yes_no_numbers_durations() -> None:
    assert [p.parse_bool(v) for v in ("Có", "không", "x", "Đã", "Chưa", 1, 0)] == [
        True, False, True, True, False, True, False,
    ]
    with pytest.raises(p.CellError, match="Có/Không"):
        p.parse_bool("có lẽ")
    assert p.parse_number("1.234") == 1234
    assert p.parse_number("1.234,5") == 1234.5
    assert p.parse_number("12,5") == 12.5
    assert p.parse_count("3.807") == 3807
    with pytest.raises(p.CellError, match="phần trăm"):
        p.parse_count("99,94%")
    with pytest.raises(p.CellError, match="số nguyên"):
        p.parse_count("12,5")
    assert p.parse_duration("10 ngày làm việc") == (10, DurationUnit.WORKING_DAYS)
    assert p.parse_duration("30 ngày") == (30, DurationUnit.CALENDAR_DAYS)
    assert p.parse_duration(15) == (15, DurationUnit.WORKING_DAYS)


def test_fold_is_accent_and_case_insensitive() -> None:
    assert p.fold("  Ngày  TIẾP nhận ") == p.fold("ngay tiep nhan") == "ngay tiep nhan"
    assert p.fold("Đơn vị") == "don vi"


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.sampled_from(["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]),
       st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))))
def test_fuzz_dates_round_trip(day: dt.date, fmt: str, time: dt.time | None) -> None:
    text = day.strftime(fmt) + (f" {time:%H:%M}" if time is not None else "")
    expected_time = None if time in (None, dt.time(0, 0)) else time
    assert p.parse_datetime(text) == (day, expected_time)
    serial = (day - p.EXCEL_EPOCH).days
    assert p.parse_date(serial) == day


@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
                 st.dates(), st.datetimes()))
def test_fuzz_parsers_never_crash(value: object) -> None:
    """Any cell gives a value, None, or a CellError with a Vietnamese reason — never another exception."""
    for parser in (p.parse_datetime, p.parse_number, p.parse_count, p.parse_bool, p.parse_channel,
                   p.parse_online_level, p.parse_outcome, p.parse_duration, p.clean_text):
        try:
            parser(value)
        except p.CellError as exc:
            assert str(exc)


@given(st.integers(min_value=0, max_value=10**12))
def test_fuzz_vietnamese_thousands(n: int) -> None:
    text = f"{n:,}".replace(",", ".")
    if n <= p.MAX_INTEGER:
        assert p.parse_count(text) == n
    else:  # beyond what a count column holds: a row error, never a failed import
        with pytest.raises(p.CellError, match="quá lớn"):
            p.parse_count(text)


@pytest.mark.parametrize("value", [10**400, float("inf"), float("nan"), -(10**30)])
def test_extreme_numbers_are_refused_cleanly(value: object) -> None:
    for parser in (p.parse_number, p.parse_count, p.parse_online_level, p.parse_duration, p.parse_datetime):
        try:
            parser(value)
        except p.CellError:
            pass
