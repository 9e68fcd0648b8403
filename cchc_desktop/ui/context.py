"""What every page shares: the open database, the current report period, and change notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from sqlalchemy import event, func, select

from ..core import models as m
from ..core.db import Database, data_dir
from ..core.periods import FamilyPeriods, PeriodSpec, periods_for
from .collation import fold, vi_sort_bytes


def settings() -> QSettings:
    """The app's own settings (window geometry, last database, last folders), kept in the data folder."""
    return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def register_sql_functions(db: Database) -> None:
    """SQLite: ``vi_fold(text)`` for diacritics-insensitive search, ``vi_key(text)`` for Vietnamese order."""
    if not db.is_sqlite:
        return

    def _register(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.create_function("vi_fold", 1, fold, deterministic=True)
        dbapi_connection.create_function("vi_key", 1, vi_sort_bytes, deterministic=True)

    if not event.contains(db.engine, "connect", _register):
        event.listen(db.engine, "connect", _register)


class AppContext(QObject):
    """The open database and the period the user is looking at; pages listen to its signals."""

    data_changed = Signal(str)  # table name of the entity that changed ("" = everything)
    period_changed = Signal(object)  # PeriodSpec
    database_replaced = Signal()

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        register_sql_functions(db)
        self._period = default_period(db)

    # ----------------------------------------------------------------- period

    @property
    def period(self) -> PeriodSpec:
        return self._period

    def set_period(self, spec: PeriodSpec) -> None:
        if spec != self._period:
            self._period = spec
            self.period_changed.emit(spec)

    def family_periods(self, spec: PeriodSpec | None = None) -> FamilyPeriods:
        with self.db.session() as session:
            return periods_for(session, spec or self._period)

    # ----------------------------------------------------------------- changes

    def notify(self, table: str = "") -> None:
        self.data_changed.emit(table)

    def replace_database(self, db: Database) -> None:
        old = self.db
        self.db = db
        register_sql_functions(db)
        self._period = default_period(db)
        old.close()
        self.database_replaced.emit()


def default_period(db: Database) -> PeriodSpec:
    """The latest year with quality objectives (the year the office reports on), else the year of the
    latest dossier, else this year; never a year in the future."""
    today = dt.date.today()
    try:
        with db.session() as session:
            year = session.scalar(select(func.max(m.ObjectiveYear.year)))
            if year is None:
                latest = session.scalar(select(func.max(m.Dossier.received_on)))
                year = latest.year if isinstance(latest, dt.date) else None
    except Exception:  # noqa: BLE001 - an empty or odd database still opens
        year = None
    return PeriodSpec.for_year(min(year or today.year, today.year))
