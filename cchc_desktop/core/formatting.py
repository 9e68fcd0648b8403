"""Vietnamese text for numbers, percentages, money and dates (SPEC §5) — the only place where a figure
becomes text. Counts use a dot for thousands (``3.807``), percentages two decimals with a comma,
rounded half-up (``99,94%``; in prose a whole percentage has no decimals: ``100%``), money
``61.800.000 đồng``, dates ``05/02/2024`` in tables and, in the date line and running text, the rule of
Nghị định 30/2020 (Phụ lục I): a day below 10 and the months 1 and 2 take a leading zero, other months
do not (``ngày 05 tháng 02 năm 2024``, ``ngày 16 tháng 6 năm 2022``). A rate whose denominator is 0 is
"không phát sinh".
"""

from __future__ import annotations

import datetime as dt
import re
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


def format_percent_prose(value: Number | None) -> str:
    """In running text (SPEC §5): a whole percentage without decimals (``100%``, ``0%``), any other
    with two (``99,94%``, ``87,50%``)."""
    if value is None:
        return NOT_APPLICABLE
    rounded = round_half_up(value, 2)
    if rounded == rounded.to_integral_value():
        return format_decimal_vi(rounded, 0) + "%"
    return format_decimal_vi(rounded, 2) + "%"


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


def _decree_day(day: dt.date) -> str:
    return f"{day.day:02d}"


def _decree_month(day: dt.date) -> str:
    """Nghị định 30/2020, Phụ lục I: the months 1 and 2 take a leading zero, the others do not."""
    return f"{day.month:02d}" if day.month <= 2 else f"{day.month}"


def format_date_text(day: dt.date) -> str:
    """The date line and running text: ``ngày 05 tháng 02 năm 2024``, ``ngày 16 tháng 6 năm 2024``."""
    return f"ngày {_decree_day(day)} tháng {_decree_month(day)} năm {day.year}"


def format_date_prose(day: dt.date) -> str:
    """A date inside a sentence, by the same rule: ``24/01/2024``, ``11/7/2024``, ``09/11/2024``."""
    return f"{_decree_day(day)}/{_decree_month(day)}/{day.year}"


def format_date_short(day: dt.date) -> str:
    """The date as documents cite one another ("2844/BC-SYT ngày 11/7/2024"), by the decree's rule."""
    return format_date_prose(day)


# --------------------------------------------------------------------------- prose


NBSP = "\u00a0"  # no-break space: a number and its unit stay on one line
WORD_JOINER = "\u2060"  # no line break after the "/" of a document symbol
NB_HYPHEN = "\u2011"  # a hyphen inside a document symbol that never ends a line


def count_words(value: int, unit: str, zero: str | None = None) -> str:
    """A count with its unit in prose: ``3.620 hồ sơ``, ``02 hồ sơ`` (the reference pads 1–9), and zero
    in words: ``không có hồ sơ`` (or the given ``zero`` phrase)."""
    if value == 0:
        return zero if zero is not None else f"không có {unit}"
    return f"{format_count_padded(value)} {unit}"


def format_document_ref(number: str | None, day: dt.date | None, *, table: bool = False) -> str:
    """``"2844/BC-SYT ngày 11/7/2024"`` (the decree's rule, in documents); ``table=True``: the app's own
    screens, dd/mm/yyyy (``"2844/BC-SYT ngày 11/07/2024"``). Either part may be missing."""
    when = (format_date(day) if table else format_date_short(day)) if day else None
    parts = [p for p in (number, f"ngày {when}" if when else None) if p]
    return " ".join(parts)


_UNITS = (
    "hồ sơ", "TTHC", "thủ tục", "nhiệm vụ", "văn bản", "quyết định", "công văn", "phiếu", "ngày", "lần",
    "mục tiêu", "công việc", "nhóm", "đồng", "tin", "bài", "đơn vị", "lượt", "người", "cuộc", "kế hoạch",
    "lĩnh vực", "điểm",
)
_NUMBER_UNIT = re.compile(r"(\d)[ \u00a0](?=(?:" + "|".join(re.escape(u) for u in _UNITS) + r")(?!\w))")
_RATE = re.compile(r"\b(tỷ|tỉ) lệ(:?) (?=\d)")
_SYMBOL = re.compile(r"\d+(?:/[^\W_]+)+(?:-[^\W_]+)*")


def _symbol(match: re.Match[str]) -> str:
    return match.group(0).replace("/", "/" + WORD_JOINER).replace("-", NB_HYPHEN)


def keep_together(text: str) -> str:
    """The printed form of a sentence: a number and its unit joined by a no-break space ("99 TTHC"),
    "tỷ lệ 95,31%" on one line, and document symbols unbreakable ("1607/SYT-TCHC": a word joiner after
    each "/", non-breaking hyphens). Both writers print through this; plain text keeps ordinary spaces."""
    text = _SYMBOL.sub(_symbol, text)
    text = _NUMBER_UNIT.sub(lambda m: m.group(1) + NBSP, text)
    return _RATE.sub(lambda m: f"{m.group(1)}{NBSP}lệ{m.group(2)}{NBSP}", text)


def plain(text: str) -> str:
    """Undo ``keep_together`` (search, tests, the plain-text view)."""
    return text.replace(WORD_JOINER, "").replace(NB_HYPHEN, "-").replace(NBSP, " ")
