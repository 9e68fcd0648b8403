"""Vietnamese numbers, percentages, money and dates (SPEC §5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cchc_desktop.core.formatting import (
    NOT_APPLICABLE,
    format_count,
    format_count_padded,
    format_date,
    format_date_text,
    format_document_ref,
    format_money,
    format_percent,
    format_percent_short,
    round_half_up,
)


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0"), (12, "12"), (3807, "3.807"), (33732, "33.732"), (1234567, "1.234.567")]
)
def test_counts_use_a_dot_for_thousands(value: int, text: str) -> None:
    assert format_count(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(0, "00"), (2, "02"), (9, "09"), (10, "10"), (65, "65"), (1066, "1.066")]
)
def test_padded_counts_as_the_reference_writes_them(value: int, text: str) -> None:
    assert format_count_padded(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("99.94"), "99,94%"),
        (Decimal("99.945"), "99,95%"),  # half-up (Babel alone would round half to even: 99,94)
        (Decimal("0.125"), "0,13%"),
        (Decimal("0.124999"), "0,12%"),
        (Decimal(100), "100,00%"),
        (Decimal("77.99"), "77,99%"),
        (0, "0,00%"),
        (12.5, "12,50%"),
        (Decimal("1234.5"), "1.234,50%"),
    ],
)
def test_percentages_two_decimals_half_up(value: Decimal, text: str) -> None:
    assert format_percent(value) == text


def test_not_applicable() -> None:
    assert format_percent(None) == NOT_APPLICABLE == "không phát sinh"
    assert format_percent_short(None) == "không phát sinh"
    assert format_count(None) == "không phát sinh"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal(100), "100%"),
        (Decimal("65.00"), "65%"),
        (Decimal("87.5"), "87,5%"),
        (Decimal("87.69"), "87,69%"),
        (Decimal("91.666"), "91,67%"),
    ],
)
def test_short_percentages(value: Decimal, text: str) -> None:
    assert format_percent_short(value) == text


def test_money() -> None:
    assert format_money(61_800_000) == "61.800.000 đồng"
    assert format_money(Decimal("1500.5")) == "1.501 đồng"


def test_dates_in_tables_and_in_text() -> None:
    day = dt.date(2024, 2, 5)
    assert format_date(day) == "05/02/2024"
    assert format_date_text(day) == "ngày 05 tháng 02 năm 2024"
    assert format_date_text(dt.date(2024, 12, 14)) == "ngày 14 tháng 12 năm 2024"
    assert format_date(None) == ""


def test_document_reference() -> None:
    assert format_document_ref("2844/BC-SYT", dt.date(2024, 7, 11)) == "2844/BC-SYT ngày 11/7/2024"
    assert format_document_ref("108/QĐ-UBND", None) == "108/QĐ-UBND"


def test_round_half_up() -> None:
    assert round_half_up(Decimal("2.675")) == Decimal("2.68")
    assert round_half_up(2.675) == Decimal("2.68")  # the float's repr, not its binary value
    assert round_half_up(Decimal("-0.005")) == Decimal("-0.01")
