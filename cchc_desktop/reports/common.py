"""What every report builder shares: the export options (number, date, signer), the header and the
signature from the organisation profile, and small wording helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import models as m
from ..core import services
from ..core.enums import Comparator, ReportType
from ..core.formatting import (
    count_words,
    format_count,
    format_count_padded,
    format_percent_prose,
    format_percent_short,
)
from ..core.indicators import INDICATORS, Figure, ObjectiveResult
from ..core.periods import Period
from .document import KY_HIEU_BAO_CAO, Header, PageFormat, Signature

PLACEHOLDER_DOTS = "………"


@dataclass(frozen=True)
class ReportOptions:
    """What the user chooses at export time; anything left out comes from the organisation profile."""

    number: str | None = None  # "125" → "Số: 125/BC-SYT"; None leaves it for the clerk
    date: dt.date | None = None  # None leaves day and month blank
    signer_name: str | None = None
    signer_authority: str | None = None  # "KT. GIÁM ĐỐC"
    signer_title: str | None = None  # "PHÓ GIÁM ĐỐC"
    format: PageFormat | None = None


@dataclass(frozen=True)
class Organisation:
    """The profile's fields a report needs, with visible stand-ins when there is no profile yet."""

    parent_agency: str
    agency: str
    agency_short: str
    symbol: str
    place: str
    signer_authority: str
    signer_title: str | None
    signer_name: str
    recipients: tuple[str, ...]
    font_size: int
    signers: tuple[tuple[str, str, str | None], ...] = ()  # the organisation's list: name, authority, title

    @classmethod
    def load(cls, session: Session, report_type: ReportType) -> Organisation:
        p = services.profile(session)
        if p is None:
            return cls(
                parent_agency=f"UBND TỈNH {PLACEHOLDER_DOTS}",
                agency="SỞ Y TẾ",
                agency_short="Sở Y tế",
                symbol="SYT",
                place=PLACEHOLDER_DOTS,
                signer_authority="GIÁM ĐỐC",
                signer_title=None,
                signer_name="",
                recipients=("Như trên", "Lưu: VT"),
                font_size=14,
            )
        raw = p.recipients_quality if report_type == ReportType.QUALITY else p.recipients_cchc
        recipients = tuple(line for line in (raw or "").splitlines() if line.strip()) or ("Lưu: VT",)
        signers = session.scalars(
            select(m.Signer).where(m.Signer.active.is_(True)).order_by(m.Signer.is_default.desc(), m.Signer.id)
        ).all()
        default = next((x for x in signers if x.is_default), None)
        return cls(
            parent_agency=p.parent_agency,
            agency=p.agency,
            agency_short=p.agency_short or "Sở Y tế",
            symbol=p.symbol or "SYT",
            place=p.place or PLACEHOLDER_DOTS,
            signer_authority=default.authority if default else (p.signer_authority or "GIÁM ĐỐC"),
            signer_title=default.title if default else p.signer_title,
            signer_name=default.name if default else (p.signer_name or ""),
            recipients=recipients,
            font_size=p.report_font_size or 14,
            signers=tuple((x.name, x.authority, x.title) for x in signers),
        )

    def header(self, options: ReportOptions, year: int) -> Header:
        return Header(
            co_quan_chu_quan=self.parent_agency,
            co_quan_ban_hanh=self.agency,
            so=options.number,
            ky_hieu=f"{KY_HIEU_BAO_CAO}-{self.symbol}",
            dia_danh=self.place,
            ngay=options.date,
            nam=options.date.year if options.date else max(year, dt.date.today().year),
        )

    def signature(self, options: ReportOptions) -> Signature:
        """The signature block: what the user chose, else the chosen person's entry in the signers'
        list (a deputy's name never prints under "GIÁM ĐỐC"), else the default signer."""
        name = options.signer_name or self.signer_name
        if options.signer_authority:
            return Signature(quyen_han=options.signer_authority, chuc_vu=options.signer_title, nguoi_ky=name)
        if options.signer_name:
            known = next((s for s in self.signers if s[0].casefold() == options.signer_name.casefold()), None)
            if known is not None:
                return Signature(quyen_han=known[1], chuc_vu=known[2], nguoi_ky=known[0])
        return Signature(quyen_han=self.signer_authority, chuc_vu=self.signer_title, nguoi_ky=name)

    def page_format(self, options: ReportOptions) -> PageFormat:
        if options.format is not None:
            return options.format
        return PageFormat().with_body_size(self.font_size)


def unit_names(session: Session, period: Period | None = None) -> list[str]:
    """The department first, then the subordinate units (for "bao gồm A, B và C"); for a period, the
    units that existed then, under the names they bore (``core.units``)."""
    if period is not None:
        from ..core.units import units_in_period

        return [u.name for u in units_in_period(session, period.start, period.end)]
    rows = session.execute(select(m.Unit.name, m.Unit.is_department).order_by(m.Unit.is_department.desc(), m.Unit.id))
    return [name for name, _ in rows]


# --------------------------------------------------------------------------- wording


def count_text(n: int) -> str:
    """Counts as the reference writes them: "0", "02", "12", "3.807"."""
    return "0" if n == 0 else format_count_padded(n)


def big_count(n: int) -> str:
    return format_count(n)


def pct(figure: Figure) -> str:
    """A rate in prose: ``99,94%``, a whole one without decimals (``100%``, ``0%``)."""
    return format_percent_prose(figure.value)


def counted(n: int, unit: str, zero: str | None = None) -> str:
    """``3.620 hồ sơ``, ``02 hồ sơ``, zero in words (``không có hồ sơ``)."""
    return count_words(n, unit, zero)


def lower_first(text: str) -> str:
    """ "Sớm hẹn" → "sớm hẹn"; keeps acronyms ("TTHC …") and numbers as they are."""
    if not text:
        return text
    first_word = text.split(" ", 1)[0]
    if len(first_word) > 1 and first_word.isupper():
        return text
    return text[0].lower() + text[1:]


def join_vi(items: list[str]) -> str:
    """ "A", "A và B", "A, B và C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def target_phrase(comparator: Comparator, target: Decimal) -> str:
    value = format_percent_short(target)
    if comparator == Comparator.GT:
        return f"trên {value}"
    if comparator == Comparator.GE and target < 100:
        return f"tối thiểu {value}"
    return value


def measure_name(indicator: str) -> str:
    ind = INDICATORS.get(indicator)
    return lower_first(ind.name) if ind is not None else f"chỉ số “{indicator}”"


def _goal(title: str) -> str | None:
    """The objective's own words as a verb phrase ("đảm bảo 100% hồ sơ …"), when it has one."""
    text = title.strip().rstrip(".")
    if text.lower().startswith(("đảm bảo", "bảo đảm")):
        return lower_first(text)
    return None


def conclusion(obj: ObjectiveResult, agency: str) -> str:
    """The sentence that closes an objective's section: met, not met, or nothing to judge. The wording
    changes from one objective to the next, as a person writes it (the facts stay the same)."""
    measure = measure_name(obj.indicator)
    target = target_phrase(obj.comparator, obj.target)
    value = pct(obj.figure)
    if obj.met is None:
        return "Trong kỳ không phát sinh số liệu để đánh giá mục tiêu này; mục tiêu được tiếp tục theo dõi trong kỳ sau."
    if obj.met:
        above = obj.figure.value is not None and obj.figure.value > obj.target
        reach = f"vượt chỉ tiêu {target}" if above else "bằng chỉ tiêu đề ra"
        goal = _goal(obj.title)
        variants = [
            f"Nhìn chung, {agency} đã {goal}." if goal else f"Nhìn chung, {agency} đã đạt mục tiêu đề ra: {measure} {value}.",
            f"Như vậy, mục tiêu này đã đạt: {measure} là {value}, {reach}.",
            f"Với kết quả trên, {agency} đã hoàn thành mục tiêu thứ {obj.number} ({measure} {value}, "
            f"chỉ tiêu {target}).",
            f"Kết quả đạt {value}, {reach}; mục tiêu được hoàn thành.",
        ]
        return variants[(obj.number - 1) % len(variants)]
    gap = ""
    if obj.figure.value is not None and obj.figure.value < obj.target:
        gap = f", còn thiếu {format_percent_prose(obj.target - obj.figure.value).removesuffix('%')} điểm phần trăm"
    return (
        f"Mục tiêu này chưa đạt: {measure} chỉ đạt {value}, "
        f"chưa đạt chỉ tiêu {target}{gap}; {agency} cần làm rõ nguyên nhân và có giải pháp khắc phục trong kỳ tới."
    )
