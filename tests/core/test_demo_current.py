"""The demo's current period: the trouble a real office has (late and overdue dossiers, overdue and open
tasks, an incomplete survey form, objectives not met), while 2024 stays the reference report."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, text

from cchc_desktop.core import models as m
from cchc_desktop.core.db import open_database
from cchc_desktop.core.demo import DEMO_TODAY, build_demo, current_statistical_year, demo_anchor
from cchc_desktop.core.indicators import compute_all
from cchc_desktop.core.periods import PeriodSpec
from tests.core.test_golden import assert_reference_figures

D = dt.date


def test_the_anchor_is_the_real_date_never_before_the_demo_today() -> None:
    assert demo_anchor(D(2025, 3, 1)) == DEMO_TODAY
    assert demo_anchor(D(2027, 5, 9)) == D(2027, 5, 9)
    assert current_statistical_year(D(2026, 12, 2)) == 2026
    assert current_statistical_year(D(2026, 12, 15)) == 2027  # the statistical year 2027 begins on 15/12/2026


def test_current_period_has_trouble_and_2024_is_unchanged(demo_db) -> None:
    year = current_statistical_year(demo_anchor())
    with demo_db.session() as s:
        assert_reference_figures(compute_all(s, PeriodSpec.parse("2024")))
        now = compute_all(s, PeriodSpec.for_year(year))
        today = dt.date.today()
        open_overdue = s.scalar(select(func.count()).where(m.Dossier.resolved_on.is_(None), m.Dossier.due_on < today))
        tasks_overdue = s.scalar(select(func.count()).where(m.Task.completed_on.is_(None), m.Task.due_on < today))
        tasks_open = s.scalar(select(func.count()).where(m.Task.completed_on.is_(None), m.Task.due_on >= today))
        incomplete = s.execute(text(
            "SELECT f.number FROM survey_form f JOIN survey_campaign c ON c.id = f.campaign_id "
            "WHERE c.year = :y AND (SELECT COUNT(*) FROM survey_answer a WHERE a.form_id = f.id) < "
            "(SELECT COUNT(*) FROM criterion k WHERE k.questionnaire_id = c.questionnaire_id)"), {"y": year}).all()
    d = now.dossiers
    assert (d.late, d.received) == (14, 393)
    assert d.carried_over + d.received == d.resolved + d.in_progress + d.returned  # the identity still holds
    assert open_overdue == 9
    assert (tasks_overdue, tasks_open) == (4, 3)
    assert now.tasks.late == 3
    assert [row.number for row in incomplete] == [24]
    not_met = {r.number for r in now.objectives if r.met is False}
    assert {1, 3, 5} <= not_met
    assert {r.number for r in now.objectives if r.met} >= {4, 6, 7}


def test_the_current_block_is_deterministic_for_a_day_and_follows_the_date(tmp_path) -> None:
    def build(name: str, today: D) -> list[tuple]:
        db = open_database(tmp_path / name)
        try:
            build_demo(db, today=today)
            with db.engine.connect() as conn:
                return conn.execute(text(
                    "SELECT code, received_on, due_on, resolved_on FROM dossier WHERE received_on > '2025-06-01' "
                    "ORDER BY code")).all()  # fmt: skip
        finally:
            db.close()

    first, again = build("a.db", DEMO_TODAY), build("b.db", DEMO_TODAY)
    assert first == again and len(first) == 393
    later = build("c.db", D(2027, 6, 10))
    assert len(later) == 393 and max(r[1] for r in later) < "2027-06-10" < max(r[2] for r in later)
