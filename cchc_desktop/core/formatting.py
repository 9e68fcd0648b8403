"""Vietnamese text for numbers, percentages, money and dates (SPEC §5) — the only place where a figure
becomes text. Counts use a dot for thousands (``3.807``), percentages two decimals with a comma,
rounded half-up (``99,94%``), money ``61.800.000 đồng``, dates ``05/02/2024`` in tables and
``ngày 05 tháng 02 năm 2024`` in text. A rate whose denominator is 0 is "không phát sinh".
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

LOCALE = "vi_VN"
NOT_APPLICABLE = "không phát sinh"
CENT = Decimal("0.01")

Number = int | float | Decimal


def _decimal(value: Number) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round_half_up(value: Number, places: int = 2) -> Decimal:
    """Round half-up (Babel and ``round`` both round half to even)."""
    return _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_count(value: int | None) -> str:
    """``3807`` → ``"3.807"``; ``None`` → ``"không phát sinh"``."""
    if value is None:
        return NOT_APPLICABLE
    return format_decimal(int(value), format="#,##0", locale=LOCALE)


def format_count_padded(value: int, width: int = 2) -> str:
    """``2`` → ``"02"`` (the reference writes "02 hồ sơ", "01 lần"); thousands keep their dot."""
    if 0 <= value < 10 ** (width - 1):
        return f"{value:0{width}d}"
    return format_count(value)


def format_decimal_vi(value: Number, places: int = 2) -> str:
    """A decimal number, Vietnamese style, rounded half-up: ``1234.5`` → ``"1.234,50"``."""
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return format_decimal(round_half_up(value, places), format=pattern, locale=LOCALE)


def format_percent(value: Number | None) -> str:
    """``Decimal("99.944")`` → ``"99,94%"`` (two decimals, half-up); ``None`` → ``"không phát sinh"``."""
    if value is None:
        return NOT_APPLICABLE
    return format_decimal_vi(value, 2) + "%"


def format_percent_short(value: Number | None) -> str:
    """``100`` → ``"100%"``, ``65`` → ``"65%"``; otherwise as few decimals as needed (at most two):
    ``87.5`` → ``"87,5%"``, ``87.69`` → ``"87,69%"``. Used in bullets as the reference writes them."""
    if value is None:
        return NOT_APPLICABLE
    rounded = round_half_up(value, 2)
    if rounded == rounded.to_integral_value():
        return format_decimal_vi(rounded, 0) + "%"
    if rounded * 10 == (rounded * 10).to_integral_value():
        return format_decimal_vi(rounded, 1) + "%"
    return format_decimal_vi(rounded, 2) + "%"


def format_money(value: Number) -> str:
    """``61800000`` → ``"61.800.000 đồng"`` (whole đồng, half-up)."""
    return format_decimal_vi(value, 0) + " đồng"


def format_date(day: dt.date | None) -> str:
    """In tables: ``05/02/2024``; an empty date is an empty string."""
    if day is None:
        return ""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def format_date_text(day: dt.date) -> str:
    """In running text and the date line: ``ngày 05 tháng 02 năm 2024``."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def format_date_short(day: dt.date) -> str:
    """Day and month without padding, as in "2844/BC-SYT ngày 11/7/2024"."""
    return f"{day.day}/{day.month}/{day.year}"


def format_document_ref(number: str | None, day: dt.date | None) -> str:
    """``"2844/BC-SYT ngày 11/7/2024"``; either part may be missing."""
    parts = [p for p in (number, f"ngày {format_date_short(day)}" if day else None) if p]
    return " ".join(parts)
