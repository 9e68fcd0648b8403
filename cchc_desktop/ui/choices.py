"""Lists the forms and filters offer (units, fields, procedures …), in Vietnamese order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import models as m
from .collation import vi_sort_key


def units(session: Session) -> list[tuple[str, Any]]:
    rows = session.execute(select(m.Unit.id, m.Unit.name, m.Unit.is_department)).all()
    rows.sort(key=lambda r: (not r.is_department, vi_sort_key(r.name)))
    return [(r.name, r.id) for r in rows]


def fields(session: Session) -> list[tuple[str, Any]]:
    rows = session.execute(select(m.Field.id, m.Field.name).order_by(m.Field.sort_order, m.Field.id)).all()
    return [(r.name, r.id) for r in rows]


def procedures(session: Session) -> list[tuple[str, Any]]:
    rows = session.execute(
        select(m.Procedure.id, m.Procedure.code, m.Procedure.name).order_by(m.Procedure.code)
    ).all()
    return [(f"{r.code} – {r.name}", r.id) for r in rows]


def questionnaires(session: Session) -> list[tuple[str, Any]]:
    rows = session.execute(select(m.Questionnaire.id, m.Questionnaire.name).order_by(m.Questionnaire.id)).all()
    return [(r.name, r.id) for r in rows]


def objective_years(session: Session) -> list[int]:
    return list(session.scalars(select(m.ObjectiveYear.year).order_by(m.ObjectiveYear.year.desc())))
