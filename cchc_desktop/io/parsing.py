"""Cell value parsers for imported spreadsheets: dates (day first), channels, online levels, yes/no,
Vietnamese numbers, resolution times. Each parser returns the typed value or raises ``CellError``
with a Vietnamese reason; an empty cell gives ``None``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from typing import Any

from ..core.enums import Channel, DossierOutcome, DurationUnit, OnlineLevel
from ..core.services import MAX_INTEGER, MAX_RESOLUTION_DAYS
from ..core.text import code_key
from ..core.text import fold as text_key

EXCEL_EPOCH = dt.date(1899, 12, 30)
_MIDNIGHT = dt.time(0, 0)
# Excel serials accepted as dates: 1950-01-01 .. 2099-12-31.
SERIAL_MIN, SERIAL_MAX = 18264, 73050
MAX_NUMBER = 1e15  # a number cell beyond this is a slip (or an attack), never a count of this office


class CellError(ValueError):
    """A cell value that cannot be read; ``str(err)`` is the Vietnamese reason."""


def fold(text: Any) -> str:
    """``core.text.fold`` with the blanks collapsed: the key for header and label matching."""
    return " ".join(text_key(str(text)).split())


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def clean_text(value: Any) -> str | None:
    """Text cell → NFC text without surrounding spaces; numbers written without a spurious ``.0``."""
    if type(value) is str:  # the common case first (a register has millions of text cells)
        text = value.strip()
        if not text:
            return None
        return text if text.isascii() else unicodedata.normalize("NFC", text)
    if is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value)).strip()


def parse_code(value: Any) -> str | None:
    """A code or number (dossier code, procedure code, decision number): ``clean_text`` then
    ``core.text.code_key`` (NFKC, invisible characters removed), so look-alike codes are one code."""
    if type(value) is str and value.isascii():
        text = value.strip()
        return (text if text.isprintable() and "  " not in text else code_key(text)) or None
    cleaned = clean_text(value)
    return None if cleaned is None else (code_key(cleaned) or None)


_DATE_RE = re.compile(
    r"^\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})"
    r"(?:[\sT,]+(\d{1,2})[:hH](\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(SA|CH|AM|PM)?)?\s*$",
    re.IGNORECASE,
)
_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*$")


def parse_datetime(value: Any) -> tuple[dt.date, dt.time | None] | None:
    """A date cell, an Excel serial or a text date (always day first) → (date, time or None)."""
    kind = type(value)
    if kind is str:
        text = value.strip()
        return _text_datetime(text) if text else None
    if kind is dt.datetime:
        time = value.time()
        if time == _MIDNIGHT:
            return value.date(), None
        return value.date(), (time.replace(microsecond=0) if time.microsecond else time)
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        time = value.time()
        return value.date(), (None if time == dt.time(0, 0) else time.replace(microsecond=0))
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, bool):
        raise CellError("không phải là ngày")
    if isinstance(value, int | float):
        if not SERIAL_MIN <= value <= SERIAL_MAX:
            raise CellError(f"số {value} không phải là ngày")
        day = EXCEL_EPOCH + dt.timedelta(days=int(value))
        seconds = round((float(value) - int(value)) * 86400)
        if seconds <= 0 or seconds >= 86400:
            return day, None
        return day, (dt.datetime.min + dt.timedelta(seconds=seconds)).time()
    return _text_datetime(str(value).strip())


@functools.lru_cache(maxsize=65_536)
def _text_datetime(text: str) -> tuple[dt.date, dt.time | None]:
    """A text date, day first (memoised: a register repeats the same days many times)."""
    match = _DATE_RE.match(text)
    if match:
        d, mo, y, hh, mm, ss, ampm = match.groups()
        year = int(y) + (2000 if len(y) == 2 else 0)
        day_, month = int(d), int(mo)
    else:
        match = _ISO_RE.match(text)
        if not match:
            raise CellError(f"“{text}” không phải là ngày (dd/mm/yyyy)")
        y, mo, d, hh, mm, ss = match.groups()
        ampm = None
        year, month, day_ = int(y), int(mo), int(d)
    try:
        date = dt.date(year, month, day_)
    except ValueError:
        raise CellError(f"“{text}” không phải là ngày hợp lệ (dd/mm/yyyy)") from None
    if hh is None:
        return date, None
    hour, minute, second = int(hh), int(mm), int(ss or 0)
    if ampm and ampm.upper() in ("CH", "PM") and hour < 12:
        hour += 12
    elif ampm and ampm.upper() in ("SA", "AM") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        raise CellError(f"“{text}” có giờ không hợp lệ")
    time = dt.time(hour, minute, second)
    return date, (None if time == dt.time(0, 0) else time)


def parse_date(value: Any) -> dt.date | None:
    kind = type(value)
    if kind is dt.date:  # the common cases first: a date cell, a text date
        return value
    if kind is str:
        text = value.strip()
        return _text_datetime(text)[0] if text else None
    found = parse_datetime(value)
    return None if found is None else found[0]


def parse_number(value: Any) -> float | None:
    """A number cell or Vietnamese text: "1.234" = 1234, "1.234,5" = 1234,5, "12,5" = 12,5."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellError("không phải là số")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise CellError(f"số {value} quá lớn") from None
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text) or re.fullmatch(r"-?\d+,\d+", text):
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
            text = text.replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"“{value}” không phải là số") from None
    if not math.isfinite(number):
        raise CellError(f"“{str(value).strip()}” không phải là số")
    if abs(number) > MAX_NUMBER:
        raise CellError(f"số {str(value).strip()} quá lớn")
    return number


def parse_count(value: Any) -> int | None:
    """A count (whole number ≥ 0); a percentage or a fraction is refused."""
    if isinstance(value, str) and "%" in value:
        raise CellError(f"“{value.strip()}” là tỷ lệ phần trăm, cần nhập số lượng")
    number = parse_number(value)
    if number is None:
        return None
    if not number.is_integer():
        raise CellError(f"“{value}” không phải là số nguyên")
    if number < 0:
        raise CellError(f"“{value}” là số âm")
    if number > MAX_INTEGER:
        raise CellError(f"số {str(value).strip()} quá lớn (tối đa {MAX_INTEGER:,})".replace(",", "."))
    return int(number)


_YES = {"co", "x", "yes", "y", "true", "1", "dat", "da", "roi", "v", "✓", "✔"}
_NO = {"khong", "k", "no", "n", "false", "0", "chua", "khong dat"}


def parse_bool(value: Any) -> bool | None:
    """Vietnamese yes/no: "Có"/"Không", "x", "Đã"/"Chưa", 1/0."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = fold(str(value))
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(f"“{str(value).strip()}” không phải là Có/Không")


def parse_channel(value: Any) -> Channel | None:
    """ "Trực tuyến", "Qua mạng", "DVC trực tuyến" → online; "Trực tiếp" → direct; "Bưu chính" → postal."""
    return _parse_channel_text(value) if isinstance(value, str) else _parse_channel_any(value)


@functools.lru_cache(maxsize=4_096)
def _parse_channel_text(value: str) -> Channel | None:
    return _parse_channel_any(value)


def _parse_channel_any(value: Any) -> Channel | None:
    """ "Trực tuyến", "Qua mạng", "DVC trực tuyến" → online; "Trực tiếp" → direct; "Bưu chính" → postal."""
    if is_empty(value):
        return None
    key = fold(str(value))
    if any(w in key for w in ("buu chinh", "bcci", "buu dien", "postal")):
        return Channel.POSTAL
    if any(
        w in key for w in ("truc tuyen", "qua mang", "online", "dvc", "cong dich vu", "dien tu", "internet")
    ):
        return Channel.ONLINE
    if any(w in key for w in ("truc tiep", "mot cua", "tai quay", "direct", "bo phan")):
        return Channel.DIRECT
    raise CellError(
        f"“{str(value).strip()}” không phải là hình thức nộp (trực tuyến / trực tiếp / bưu chính)"
    )


def parse_online_level(value: Any) -> OnlineLevel | None:
    """ "Toàn trình" / "Mức độ 4" → full; "Một phần" / "Mức độ 3" → partial; "Mức độ 1/2", "Không" → none."""
    if is_empty(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value) if isinstance(value, int) or not value.is_integer() else str(int(value))
    key = fold(str(value))
    if "toan trinh" in key or "full" in key:
        return OnlineLevel.FULL
    if "mot phan" in key or "partial" in key:
        return OnlineLevel.PARTIAL
    digits = re.findall(r"\d", key)
    if digits and ("muc" in key or key.strip() in "1234" or key.startswith("md")):
        level = max(int(d) for d in digits)
        if level == 4:
            return OnlineLevel.FULL
        if level == 3:
            return OnlineLevel.PARTIAL
        if level in (1, 2):
            return OnlineLevel.NONE
    if key in ("khong", "khong truc tuyen", "none", "-", "khong co"):
        return OnlineLevel.NONE
    raise CellError(f"“{str(value).strip()}” không phải là mức độ dịch vụ công (toàn trình / một phần)")


def parse_outcome(value: Any) -> DossierOutcome | None:
    """ "Đã giải quyết" / "Hoàn thành" → resolved; "Trả lại" → returned, "Rút hồ sơ" → withdrawn, "Từ chối"
    → refused, "Dừng giải quyết" → stopped; "Đang xử lý" → None."""
    return _parse_outcome_text(value) if isinstance(value, str) else _parse_outcome_any(value)


@functools.lru_cache(maxsize=4_096)
def _parse_outcome_text(value: str) -> DossierOutcome | None:
    return _parse_outcome_any(value)


def _parse_outcome_any(value: Any) -> DossierOutcome | None:
    if is_empty(value):
        return None
    key = fold(str(value))
    if any(w in key for w in ("dung giai quyet", "dung xu ly", "tam dung", "stopped")):
        return DossierOutcome.STOPPED
    if any(w in key for w in ("rut", "withdraw")):
        return DossierOutcome.WITHDRAWN
    if any(w in key for w in ("tu choi", "refused")):
        return DossierOutcome.REFUSED
    if any(w in key for w in ("tra lai", "returned")):
        return DossierOutcome.RETURNED
    if any(w in key for w in ("da giai quyet", "hoan thanh", "da tra", "co ket qua", "resolved", "da xu ly")):
        return DossierOutcome.RESOLVED
    if any(w in key for w in ("dang", "chua", "cho")):
        return None
    raise CellError(f"“{str(value).strip()}” không phải là kết quả giải quyết")


def parse_duration(value: Any) -> tuple[int, DurationUnit] | None:
    """ "10 ngày làm việc" → (10, working days); "30 ngày" → (30, calendar days); 10 → working days."""
    if is_empty(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not (isinstance(value, int) or value.is_integer()) or not 0 < value < 10_000:
            raise CellError(f"“{value}” không phải là thời hạn (số ngày)")
        if value > MAX_RESOLUTION_DAYS:
            raise CellError(f"thời hạn {int(value)} ngày quá dài (tối đa {MAX_RESOLUTION_DAYS} ngày)")
        return int(value), DurationUnit.WORKING_DAYS
    key = fold(str(value))
    match = re.match(r"^(\d{1,12})\s*(.*)$", key)
    if not match or int(match[1]) <= 0:
        raise CellError(f"“{str(value).strip()}” không phải là thời hạn (ví dụ “10 ngày làm việc”)")
    if int(match[1]) > MAX_RESOLUTION_DAYS:
        raise CellError(f"thời hạn {int(match[1])} ngày quá dài (tối đa {MAX_RESOLUTION_DAYS} ngày)")
    rest = match[2]
    unit = (
        DurationUnit.CALENDAR_DAYS
        if rest.startswith("ngay") and "lam viec" not in rest
        else DurationUnit.WORKING_DAYS
    )
    return int(match[1]), unit
