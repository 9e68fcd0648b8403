"""What every indicator shares: the ``Figure`` (numerator, denominator, value) and the organisation
profile's settings that change how figures are counted."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import models as m
from ..enums import OnlineDenominator

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# --------------------------------------------------------------------------- Figure


@dataclass(frozen=True)
class Figure:
    """A rate: numerator / denominator as a percentage; ``None`` when nothing happened."""

    numerator: int
    denominator: int

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
        return Figure(self.numerator + other.numerator, self.denominator + other.denominator)


NO_FIGURE = Figure(0, 0)


def _rate(figure: Figure | None) -> float | None:
    """A rate for JSON: a number with two decimals, or null when not applicable."""
    if figure is None or figure.value is None:
        return None
    return float(figure.value)


def _figure_json(figure: Figure) -> dict[str, Any]:
    return {"received": figure.denominator, "received_online": figure.numerator, "rate": _rate(figure)}


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """The organisation profile's settings that change how figures are counted."""

    classify_against_extended_due: bool = False
    online_denominator: OnlineDenominator = OnlineDenominator.ONLINE_PROCEDURES
    iso_deadline_days: int = 30


def settings_for(session: Session) -> Settings:
    prof = session.scalar(select(m.OrganisationProfile).order_by(m.OrganisationProfile.id).limit(1))
    if prof is None:
        return Settings()
    return Settings(
        classify_against_extended_due=bool(prof.classify_against_extended_due),
        online_denominator=prof.online_denominator or OnlineDenominator.ONLINE_PROCEDURES,
        iso_deadline_days=prof.iso_deadline_days or 30,
    )


def _int(value: Any) -> int:
    return int(value or 0)
