"""Report periods (SPEC §4): what the user asked for (``PeriodSpec``), and its dates under a convention
(``Period``).

Two conventions, chosen per data family in the organisation profile:

- calendar: 2024 = 01/01/2024–31/12/2024;
- statistical cut-off (NĐ 09/2019/NĐ-CP): the period ends on the 14th of its last month and starts on the
  15th of the month before its first month (year 2024 = 15/12/2023–14/12/2024).

An explicit range (``2023-12-15..2024-12-14``) is taken as written, whatever the convention.
This module is the one place where a period's bounds are computed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import models as m
from .enums import PeriodConvention
from .errors import ValidationError

PeriodKind = Literal["year", "half", "quarter", "nine_months", "month", "range"]

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
CUT_OFF_START_DAY = 15
CUT_OFF_END_DAY = 14
MIN_YEAR, MAX_YEAR = 1990, 2200
MAX_RANGE_YEARS = 30  # a longer custom range is a typo (0001-01-01..9999-12-31), not a report period

_YEAR = r"(?P<year>\d{4})"
_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    ("year", re.compile(rf"^{_YEAR}$")),
    ("half", re.compile(rf"^{_YEAR}-?H(?P<number>[12])$", re.IGNORECASE)),
    ("quarter", re.compile(rf"^{_YEAR}-?Q(?P<number>[1-4])$", re.IGNORECASE)),
    ("nine_months", re.compile(rf"^{_YEAR}-?9M$", re.IGNORECASE)),
    ("month", re.compile(rf"^{_YEAR}-(?P<number>\d{{1,2}})$")),
)
_RANGE = re.compile(r"^(?P<a>[^.]+?)\s*\.\.\s*(?P<b>[^.]+)$")
_FORMATS_HELP = "2024, 2024-H1, 2024-H2, 2024-Q3, 2024-9M, 2024-05 hoặc 2023-12-15..2024-12-14"


def _parse_day(text: str) -> dt.date | None:
    """An ISO date (2024-12-14) or a Vietnamese one (14/12/2024)."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _format_day(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


@dataclass(frozen=True)
class PeriodSpec:
    """What the user asked for: "năm 2024", "quý III năm 2024", or an explicit range."""

    kind: PeriodKind
    year: int
    number: int | None = None  # half 1/2, quarter 1-4, month 1-12
    start: dt.date | None = None  # only for "range"
    end: dt.date | None = None

    # ----------------------------------------------------------------- constructors

    @classmethod
    def parse(cls, text: str) -> PeriodSpec:
        """Parse the SPEC §9 syntax; a clear Vietnamese ``ValidationError`` otherwise."""
        raw = (text or "").strip()
        for kind, pattern in _PATTERNS:
            match = pattern.match(raw)
            if match:
                year = int(match["year"])
                number = int(match["number"]) if "number" in pattern.groupindex else None
                if kind == "month" and not (number is not None and 1 <= number <= 12):
                    break
                return cls._checked(kind, year, number)
        match = _RANGE.match(raw)
        if match:
            start, end = _parse_day(match["a"]), _parse_day(match["b"])
            if start is not None and end is not None:
                if not (MIN_YEAR <= start.year and end.year <= MAX_YEAR) or end.year - start.year >= MAX_RANGE_YEARS:
                    raise ValidationError(
                        None,
                        f"Khoảng thời gian {_format_day(start)}–{_format_day(end)} không hợp lệ: hãy chọn các ngày "
                        f"trong các năm {MIN_YEAR}–{MAX_YEAR}, cách nhau không quá {MAX_RANGE_YEARS} năm.",
                    )
                return cls.range(start, end)
        raise ValidationError(
            None, f"Kỳ báo cáo “{raw}” không hợp lệ; hãy viết theo một trong các dạng: {_FORMATS_HELP}."
        )

    @classmethod
    def _checked(cls, kind: PeriodKind, year: int, number: int | None) -> PeriodSpec:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationError(None, f"Năm {year} nằm ngoài khoảng cho phép ({MIN_YEAR}–{MAX_YEAR}).")
        return cls(kind, year, number)

    @classmethod
    def for_year(cls, year: int) -> PeriodSpec:
        return cls._checked("year", year, None)

    @classmethod
    def half(cls, year: int, number: int) -> PeriodSpec:
        return cls._checked("half", year, number)

    @classmethod
    def quarter(cls, year: int, number: int) -> PeriodSpec:
        return cls._checked("quarter", year, number)

    @classmethod
    def nine_months(cls, year: int) -> PeriodSpec:
        return cls._checked("nine_months", year, None)

    @classmethod
    def month(cls, year: int, number: int) -> PeriodSpec:
        return cls._checked("month", year, number)

    @classmethod
    def range(cls, start: dt.date, end: dt.date) -> PeriodSpec:
        if end < start:
            raise ValidationError(
                None,
                f"Khoảng thời gian không hợp lệ: ngày kết thúc {_format_day(end)} "
                f"trước ngày bắt đầu {_format_day(start)}.",
            )
        return cls("range", end.year, None, start, end)

    # ----------------------------------------------------------------- views

    @property
    def key(self) -> str:
        """The canonical text: "2024", "2024-H1", "2024-Q3", "2024-9M", "2024-05", "A..B"."""
        match self.kind:
            case "year":
                return f"{self.year}"
            case "half":
                return f"{self.year}-H{self.number}"
            case "quarter":
                return f"{self.year}-Q{self.number}"
            case "nine_months":
                return f"{self.year}-9M"
            case "month":
                return f"{self.year}-{self.number:02d}"
        assert self.start is not None and self.end is not None
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        """Vietnamese: "năm 2024", "6 tháng đầu năm 2022", "quý III năm 2024", …"""
        match self.kind:
            case "year":
                return f"năm {self.year}"
            case "half":
                return f"6 tháng {'đầu' if self.number == 1 else 'cuối'} năm {self.year}"
            case "quarter":
                return f"quý {ROMAN[self.number or 1]} năm {self.year}"
            case "nine_months":
                return f"9 tháng năm {self.year}"
            case "month":
                return f"tháng {self.number} năm {self.year}"
        assert self.start is not None and self.end is not None
        return f"từ ngày {_format_day(self.start)} đến ngày {_format_day(self.end)}"

    def month_span(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """First and last (year, month) of a named period (not for a range)."""
        y, n = self.year, self.number or 0
        match self.kind:
            case "year":
                return (y, 1), (y, 12)
            case "half":
                return (y, 6 * n - 5), (y, 6 * n)
            case "quarter":
                return (y, 3 * n - 2), (y, 3 * n)
            case "nine_months":
                return (y, 1), (y, 9)
            case "month":
                return (y, n), (y, n)
        raise ValueError("an explicit range has no month span")

    def bounds(self, convention: PeriodConvention) -> tuple[dt.date, dt.date]:
        if self.kind == "range":
            assert self.start is not None and self.end is not None
            return self.start, self.end
        (fy, fm), (ly, lm) = self.month_span()
        if convention == PeriodConvention.CUT_OFF:
            sy, sm = _add_months(fy, fm, -1)
            return dt.date(sy, sm, CUT_OFF_START_DAY), dt.date(ly, lm, CUT_OFF_END_DAY)
        return dt.date(fy, fm, 1), _last_day(ly, lm)

    def resolve(self, convention: PeriodConvention) -> Period:
        start, end = self.bounds(convention)
        return Period(start=start, end=end, label=self.label, spec=self, convention=convention)

    def previous(self) -> PeriodSpec:
        """The previous period of the same kind (2024 → 2023, 2024-H1 → 2023-H2, Q1 → previous Q4…)."""
        y, n = self.year, self.number or 0
        match self.kind:
            case "year" | "nine_months":
                return PeriodSpec(self.kind, y - 1, self.number)
            case "half":
                return PeriodSpec("half", y - 1, 2) if n == 1 else PeriodSpec("half", y, 1)
            case "quarter":
                return PeriodSpec("quarter", y - 1, 4) if n == 1 else PeriodSpec("quarter", y, n - 1)
            case "month":
                py, pm = _add_months(y, n, -1)
                return PeriodSpec("month", py, pm)
        assert self.start is not None and self.end is not None
        length = self.end - self.start
        new_end = self.start - dt.timedelta(days=1)
        return PeriodSpec.range(new_end - length, new_end)

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class Period:
    """A period's dates under one convention."""

    start: dt.date
    end: dt.date
    label: str
    spec: PeriodSpec
    convention: PeriodConvention = field(default=PeriodConvention.CALENDAR, compare=False)

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> Period:
        """An explicit range as a Period (tests, ad-hoc queries)."""
        return PeriodSpec.range(start, end).resolve(PeriodConvention.CALENDAR)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def dates_text(self) -> str:
        """ "từ ngày 15/12/2023 đến ngày 14/12/2024"."""
        return f"từ ngày {_format_day(self.start)} đến ngày {_format_day(self.end)}"

    def month_periods(self) -> list[Period]:
        """The period cut into its months under the same convention (a cut-off year gives twelve
        15th→14th months); an explicit range is cut at calendar month ends. Together they cover the
        period exactly, so monthly figures add up to the period's."""
        if self.spec.kind != "range":
            (fy, fm), (ly, lm) = self.spec.month_span()
            count = (ly - fy) * 12 + lm - fm + 1
            out = []
            for i in range(count):
                y, mo = _add_months(fy, fm, i)
                out.append(PeriodSpec("month", y, mo).resolve(self.convention))
            return out
        parts = []
        for y, mo in self.months():
            start = max(self.start, dt.date(y, mo, 1))
            end = min(self.end, _last_day(y, mo))
            parts.append(
                Period(
                    start, end, PeriodSpec("month", y, mo).label, PeriodSpec("month", y, mo), self.convention
                )
            )
        return parts

    def months(self) -> list[tuple[int, int]]:
        """Every (year, month) the period touches, in order."""
        out: list[tuple[int, int]] = []
        y, mo = self.start.year, self.start.month
        while (y, mo) <= (self.end.year, self.end.month):
            out.append((y, mo))
            y, mo = _add_months(y, mo, 1)
        return out


@dataclass(frozen=True)
class FamilyPeriods:
    """One period resolved for each data family, per the organisation's conventions."""

    spec: PeriodSpec
    dossiers: Period
    tasks: Period
    surveys: Period
    documents: Period


@dataclass(frozen=True)
class Conventions:
    dossiers: PeriodConvention = PeriodConvention.CUT_OFF
    tasks: PeriodConvention = PeriodConvention.CUT_OFF
    surveys: PeriodConvention = PeriodConvention.CUT_OFF
    documents: PeriodConvention = PeriodConvention.CALENDAR


def conventions_for(session: Session) -> Conventions:
    """The conventions of the organisation profile (defaults when there is none)."""
    prof = session.scalar(select(m.OrganisationProfile).order_by(m.OrganisationProfile.id).limit(1))
    if prof is None:
        return Conventions()
    return Conventions(
        dossiers=prof.convention_dossiers or PeriodConvention.CUT_OFF,
        tasks=prof.convention_tasks or PeriodConvention.CUT_OFF,
        surveys=prof.convention_surveys or PeriodConvention.CUT_OFF,
        documents=prof.convention_documents or PeriodConvention.CALENDAR,
    )


def periods_for(session: Session, spec: PeriodSpec) -> FamilyPeriods:
    """Resolve ``spec`` for each data family using the organisation profile's conventions."""
    return family_periods(spec, conventions_for(session))


def family_periods(spec: PeriodSpec, conventions: Conventions | None = None) -> FamilyPeriods:
    conv = conventions or Conventions()
    return FamilyPeriods(
        spec=spec,
        dossiers=spec.resolve(conv.dossiers),
        tasks=spec.resolve(conv.tasks),
        surveys=spec.resolve(conv.surveys),
        documents=spec.resolve(conv.documents),
    )
