"""The same figure everywhere (issue 11): under every outcome rule preset, objective 1 on the dashboard
tile, in the R1 and R2 sentences, in Biểu 06a's cells and in ``indicators --json`` is one number; the
tile's tooltip and the JSON say how it was counted, and a report footnotes a non-default rule."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtWidgets import QLabel
from sqlalchemy import select, update

from cchc_desktop.cli import main
from cchc_desktop.core import models as m
from cchc_desktop.core.db import Database
from cchc_desktop.core.enums import DossierOutcome
from cchc_desktop.core.formatting import format_percent
from cchc_desktop.core.indicators import OUTCOME_RULES, Figure, compute_all
from cchc_desktop.core.periods import PeriodSpec
from cchc_desktop.io.export import export_kind
from cchc_desktop.reports.cchc import build_cchc_report
from cchc_desktop.reports.common import big_count, pct
from cchc_desktop.reports.quality import build_quality_report
from cchc_desktop.ui.pages.dashboard import ObjectiveTile

YEAR = PeriodSpec.parse("2024")


def _returned_late(db: Database, preset: str) -> None:
    """Three 2024 dossiers returned a day after their due date, and the preset chosen in the profile."""
    with db.transaction() as s:
        ids = s.scalars(
            select(m.Dossier.id)
            .where(
                m.Dossier.received_on.between("2024-03-01", "2024-03-31"), m.Dossier.resolved_on.is_not(None)
            )
            .order_by(m.Dossier.id)
            .limit(3)
        ).all()
        for i in ids:
            d = s.get(m.Dossier, i)
            assert d is not None
            s.execute(
                update(m.Dossier)
                .where(m.Dossier.id == i)
                .values(outcome=DossierOutcome.RETURNED, resolved_on=d.due_on + dt.timedelta(days=1))
            )
        profile = s.scalar(select(m.OrganisationProfile))
        assert profile is not None
        profile.outcome_rule = preset


@pytest.mark.parametrize("preset", sorted(OUTCOME_RULES))
def test_objective_1_is_one_number_everywhere(
    qtbot: Any, capsys: Any, demo_db: Database, tmp_path: Path, preset: str
) -> None:
    _returned_late(demo_db, preset)
    with demo_db.session() as s:
        ind = compute_all(s, YEAR)
        r1 = build_quality_report(s, YEAR).text()
        r2 = build_cchc_report(s, YEAR).text()
    d = ind.dossiers
    objective = ind.objectives[0]
    assert objective.indicator == "dossiers_on_time" and objective.figure == d.on_time_figure
    late = 0 if preset == "bieu06a" else 3  # returned: on time by Biểu 06a, by its date otherwise
    assert (d.resolved, d.late) == (3587, late)
    shown = format_percent(objective.figure.value)
    assert shown == ("100,00%" if late == 0 else "99,92%")

    tile = ObjectiveTile(objective)
    qtbot.addWidget(tile)
    assert next(w for w in tile.findChildren(QLabel) if w.objectName() == "TileValue").text() == shown
    assert OUTCOME_RULES[preset].name in tile.toolTip() and "chốt số liệu" in tile.toolTip().lower()

    # R1's conclusion and R2's resolved sentence print the same rate, worded as reports word rates
    assert f"đạt {pct(objective.figure)}" in r1
    assert f"Đã giải quyết: {big_count(d.resolved)} hồ sơ" in r2 and f"(tỷ lệ {pct(d.on_time_figure)})" in r2
    footnote = "không phải quy tắc mặc định của Biểu 06a"
    assert (footnote in r1, footnote in r2) == (preset != "bieu06a",) * 2

    bieu = export_kind(demo_db, "bieu06a", tmp_path / "bieu.xlsx", spec=YEAR)
    ws = openpyxl.load_workbook(bieu).active
    total = next(r for r in ws.iter_rows(min_row=12, values_only=True) if r[1] == "Tổng cộng")
    resolved, early, on_time, late_cell = total[6:10]
    assert format_percent(Figure(early + on_time, resolved).value) == shown and late_cell == late

    assert main(["indicators", "--period", "2024", "--json", "--db", str(demo_db.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    figure = data["figures"]["dossiers_on_time"]
    assert (figure["numerator"], figure["denominator"]) == (objective.figure.numerator, resolved)
    assert format_percent(Decimal(str(figure["value"])).quantize(Decimal("0.01"))) == shown
    assert (figure["rule"], figure["basis"]) == (preset, "cut_off")


def test_late_on_the_page_is_late_in_the_figures_with_the_extended_due_date(
    qtbot: Any, demo_db: Database
) -> None:
    """The issue's first finding: with "classify against the extended due date" on, the page's late
    dossiers are the indicator's late dossiers (both read core's predicate)."""
    from cchc_desktop.ui.context import AppContext
    from cchc_desktop.ui.pages.dossiers import DossiersPage

    year = PeriodSpec.parse("2023")
    counts = {}
    for extended in (False, True):
        with demo_db.transaction() as s:
            profile = s.scalar(select(m.OrganisationProfile))
            assert profile is not None
            profile.classify_against_extended_due = extended
        with demo_db.session() as s:
            counts[extended] = compute_all(s, year).dossiers.late
        ctx = AppContext(demo_db)
        page = DossiersPage(ctx)
        qtbot.addWidget(page)
        page.show_filtered(scope="resolved", status="late", spec=year)
        assert page.table_model.total == counts[extended]
    assert counts[False] > 0 and counts[True] < counts[False]  # the demo's late 2023 dossiers had extensions


def test_the_outcome_rule_is_chosen_in_the_settings(qtbot: Any, demo_db: Database) -> None:
    from cchc_desktop.ui.context import AppContext
    from cchc_desktop.ui.pages.settings import SettingsPage
    from tests.ui.helpers import choose

    page = SettingsPage(AppContext(demo_db))
    qtbot.addWidget(page)
    combo = page.profile.widgets["outcome_rule"].input
    assert combo.currentData() == "bieu06a"
    choose(combo, text=OUTCOME_RULES["opencps"].name)
    assert page.save()
    with demo_db.session() as s:
        assert compute_all(s, YEAR).outcome_rule.key == "opencps"


def test_the_monthly_online_chart_uses_the_tiles_denominator(demo_db: Database) -> None:
    """One online share per dashboard: the months of the chart add up to objective 7's tile (77,99% of
    the dossiers of TTHC offered online), not to the share of every dossier (73,04%)."""
    from cchc_desktop.core.indicators import Figure as F
    from cchc_desktop.ui.pages.dashboard import load_dashboard

    data = load_dashboard(demo_db, YEAR)
    total = sum(data.online_months, F(0, 0))
    tile = next(o for o in data.indicators.objectives if o.indicator == "online_uptake")
    assert len(data.online_months) == 12
    assert total == tile.figure == F(2644, 3390) and format_percent(total.value) == "77,99%"
    every = sum((r.online_figure for r in data.indicators.by_month), F(0, 0))
    assert format_percent(every.value) == "73,04%"  # the other definition, no longer charted
