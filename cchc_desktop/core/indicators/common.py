"""What every indicator shares: the ``Figure`` (numerator, denominator, value) and the organisation
profile's settings that change how figures are counted."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import models as m
from ..enums import DossierOutcome, OnlineDenominator

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# --------------------------------------------------------------------------- Figure


@dataclass(frozen=True)
class Figure:
    """A rate: numerator / denominator as a percentage; ``None`` when nothing happened."""

    numerator: int
    denominator: int
    # How it was counted (issue 11 §4): the outcome rule preset (key of ``OUTCOME_RULES``; "" when no
    # preset changes this figure) and the period basis ("cut_off" or "calendar"; "" when not stamped).
    # Not part of equality: the same counts are the same figure.
    rule: str = field(default="", compare=False)
    basis: str = field(default="", compare=False)

    @property
    def applicable(self) -> bool:
        return self.denominator > 0

    @property
    def value(self) -> Decimal | None:
        """Percentage quantized to 0,01 half-up; ``None`` = "không phát sinh"."""
        if self.denominator <= 0:
            return None
        return (Decimal(self.numerator) * HUNDRED / Decimal(self.denominator)).quantize(
            CENT, rounding=ROUND_HALF_UP
        )

    @property
    def ratio(self) -> float | None:
        """Unrounded share in [0, 1] for charts."""
        return self.numerator / self.denominator if self.denominator > 0 else None

    def __add__(self, other: Figure) -> Figure:
        return Figure(
            self.numerator + other.numerator,
            self.denominator + other.denominator,
            rule=self.rule or other.rule,
            basis=self.basis or other.basis,
        )

    def counted(self, rule: str, basis: str) -> Figure:
        """The same figure, stamped with how it was counted."""
        return Figure(self.numerator, self.denominator, rule=rule, basis=basis)

    @property
    def uses_default_rule(self) -> bool:
        return self.rule in ("", DEFAULT_OUTCOME_RULE)


NO_FIGURE = Figure(0, 0)


def _rate(figure: Figure | None) -> float | None:
    """A rate for JSON: a number with two decimals, or null when not applicable."""
    if figure is None or figure.value is None:
        return None
    return float(figure.value)


def _figure_json(figure: Figure) -> dict[str, Any]:
    return {"received": figure.denominator, "received_online": figure.numerator, "rate": _rate(figure)}


# --------------------------------------------------------------------------- outcome rules


class OutcomeColumn(enum.Enum):
    """Where a dossier that ended without a result is counted (SPEC §4: never dropped)."""

    ON_TIME = "on_time"  # resolved, on time, whatever its date
    BY_DATE = "by_date"  # resolved, early / on time / late against its due date like a result
    IN_PROGRESS = "in_progress"  # still in progress, within its deadline, from the day it ended
    EXCLUDED = "excluded"  # not a dossier of the statistics at all (not received, never carried over)


@dataclass(frozen=True)
class OutcomeRule:
    """A named rule preset: the column each outcome without a result counts in, and whether a dossier
    waiting for supplements counts as in progress within its deadline (whatever its due date)."""

    key: str
    name: str  # Vietnamese, as shown in Cài đặt and in a report's footnote
    columns: tuple[tuple[DossierOutcome, OutcomeColumn], ...]
    waiting_within: bool

    def column(self, outcome: DossierOutcome | str) -> OutcomeColumn | None:
        """None for a result (``resolved``): classed by its date."""
        value = outcome.value if isinstance(outcome, DossierOutcome) else outcome
        for o, col in self.columns:
            if o.value == value:
                return col
        return None

    def outcomes(self, *cols: OutcomeColumn) -> list[str]:
        return [o.value for o, col in self.columns if col in cols]

    @property
    def is_default(self) -> bool:
        return self.key == DEFAULT_OUTCOME_RULE


_ENDED = (DossierOutcome.RETURNED, DossierOutcome.WITHDRAWN, DossierOutcome.REFUSED)
DEFAULT_OUTCOME_RULE = "bieu06a"
OUTCOME_RULES: dict[str, OutcomeRule] = {
    rule.key: rule
    for rule in (
        OutcomeRule(
            "bieu06a",
            "Biểu 06a của hệ thống một cửa cấp tỉnh: hồ sơ trả lại, rút, từ chối tính là giải quyết đúng hạn; "
            "hồ sơ chờ bổ sung, dừng giải quyết tính là đang giải quyết trong hạn",
            (
                *((o, OutcomeColumn.ON_TIME) for o in _ENDED),
                (DossierOutcome.STOPPED, OutcomeColumn.IN_PROGRESS),
            ),
            waiting_within=True,
        ),
        OutcomeRule(
            "opencps",
            "Thống kê kiểu OpenCPS: hồ sơ rút không tính là tiếp nhận; hồ sơ trả lại, từ chối xếp loại theo "
            "ngày hẹn trả; hồ sơ chờ bổ sung, dừng giải quyết tính là đang giải quyết trong hạn",
            (
                (DossierOutcome.RETURNED, OutcomeColumn.BY_DATE),
                (DossierOutcome.WITHDRAWN, OutcomeColumn.EXCLUDED),
                (DossierOutcome.REFUSED, OutcomeColumn.BY_DATE),
                (DossierOutcome.STOPPED, OutcomeColumn.IN_PROGRESS),
            ),
            waiting_within=True,
        ),
        OutcomeRule(
            "by_due_date",
            "Theo ngày hẹn trả: mọi hồ sơ kết thúc (kể cả trả lại, rút, từ chối, dừng) xếp loại theo ngày "
            "hẹn trả; hồ sơ chờ bổ sung xếp loại theo hạn như hồ sơ đang giải quyết",
            tuple((o, OutcomeColumn.BY_DATE) for o in (*_ENDED, DossierOutcome.STOPPED)),
            waiting_within=False,
        ),
    )
}


def outcome_rule(key: str | None) -> OutcomeRule:
    """The preset of ``key``; the default one for an empty or unknown key."""
    return OUTCOME_RULES.get(key or "", OUTCOME_RULES[DEFAULT_OUTCOME_RULE])


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """The organisation profile's settings that change how figures are counted."""

    classify_against_extended_due: bool = False
    online_denominator: OnlineDenominator = OnlineDenominator.ONLINE_PROCEDURES
    iso_deadline_days: int = 30
    outcome_rule: OutcomeRule = field(default_factory=lambda: OUTCOME_RULES[DEFAULT_OUTCOME_RULE])


def settings_for(session: Session) -> Settings:
    prof = session.scalar(select(m.OrganisationProfile).order_by(m.OrganisationProfile.id).limit(1))
    if prof is None:
        return Settings()
    return Settings(
        classify_against_extended_due=bool(prof.classify_against_extended_due),
        online_denominator=prof.online_denominator or OnlineDenominator.ONLINE_PROCEDURES,
        iso_deadline_days=prof.iso_deadline_days or 30,
        outcome_rule=outcome_rule(prof.outcome_rule),
    )


def _int(value: Any) -> int:
    return int(value or 0)


def rule_footnote(rule: OutcomeRule) -> str | None:
    """The footnote a report adds to its dossier figures when they were not counted by the default rule
    (SPEC §4); None under the default."""
    if rule.is_default:
        return None
    return f"Số liệu hồ sơ tính theo quy tắc “{rule.name}” (không phải quy tắc mặc định của Biểu 06a)."
