"""A new database: the organisation profile, the department as its first unit, and the default
catalogues (fields, the survey questionnaire, the year's seven quality objectives).

One function for the GUI's new-database wizard and for ``cchc-desktop init``, so both make the same
database. All or nothing: a failure leaves no half-made file behind.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models as m
from . import services
from .db import Database, open_database, resolve_location
from .defaults import seed_fields, seed_objectives, seed_questionnaire
from .errors import CchcError

DEFAULT_RECIPIENTS_QUALITY = "Lãnh đạo Sở;\nBan chỉ đạo ISO;\nCác phòng thuộc Sở;\nLưu: VT, VP."
DEFAULT_RECIPIENTS_CCHC = "UBND tỉnh (b/c);\nSở Nội vụ;\nLãnh đạo Sở;\nLưu: VT, VP."
_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


class DatabaseExistsError(CchcError):
    """The target already holds a database with data: never overwritten (exit code 2, like ``demo``)."""

    exit_code = 2


def default_profile(place: str, *, parent_agency: str | None = None, agency: str = "SỞ Y TẾ") -> dict[str, Any]:
    """The profile the wizard proposes for a province's department of health."""
    return {
        "parent_agency": parent_agency or f"UBND TỈNH {place.upper()}",
        "agency": agency,
        "agency_short": "Sở Y tế" if agency == "SỞ Y TẾ" else agency,
        "symbol": "SYT",
        "place": place,
        "signer_authority": "GIÁM ĐỐC",
        "recipients_quality": DEFAULT_RECIPIENTS_QUALITY,
        "recipients_cchc": DEFAULT_RECIPIENTS_CCHC,
    }


def seed_new_database(session: Session, profile: dict[str, Any], *, seed: bool = True, year: int | None = None) -> None:
    """Profile, department unit and (with ``seed``) the default catalogues, in ``session``'s transaction."""
    prof = services.create(session, m.OrganisationProfile, profile)
    services.create(
        session, m.Unit, {"name": prof.agency_short or prof.agency, "short_name": prof.symbol, "is_department": True}
    )
    if seed:
        seed_fields(session)
        seed_questionnaire(session)
        seed_objectives(session, year or dt.date.today().year)


def _has_data(db: Database) -> bool:
    with db.session() as session:
        for model in (m.OrganisationProfile, m.Unit, m.Procedure, m.Dossier):
            if session.scalar(select(func.count()).select_from(model)):
                return True
    return False


def create_database(
    location: str | os.PathLike[str],
    profile: dict[str, Any],
    *,
    seed: bool = True,
    year: int | None = None,
) -> str:
    """Create the database at ``location`` (an SQLite path or a server URL) and return its display
    name. An existing SQLite file, or a server database that already has data, is refused
    (``DatabaseExistsError``); a profile that fails validation raises ``ValidationError``."""
    _url, path = resolve_location(location)
    if path is not None and path.exists():
        raise DatabaseExistsError(f"Tệp {path} đã có; không ghi đè. Hãy chọn tên tệp khác.")
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(location)
    ok = False
    try:
        if path is None and _has_data(db):
            raise DatabaseExistsError(f"Cơ sở dữ liệu {db.display_name} đã có dữ liệu; không ghi đè.")
        with db.transaction() as session:
            seed_new_database(session, profile, seed=seed, year=year)
        ok = True
        return db.display_name
    finally:
        db.close()
        if not ok and path is not None:
            for suffix in _SQLITE_SUFFIXES:
                Path(str(path) + suffix).unlink(missing_ok=True)
