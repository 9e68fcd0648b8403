"""Golden figures: the demo database reproduces the reference report of 2024 (SPEC §10) through the
indicator catalogue, the JSON of ``cchc-desktop indicators`` and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from cchc_desktop.cli import main
from cchc_desktop.core.db import open_database
from cchc_desktop.core.formatting import format_count, format_percent
from cchc_desktop.core.indicators import (
    DossierClasses,
    Figure,
    IndicatorSet,
    compute_all,
    dossier_classes_from_records,
)
from cchc_desktop.core.periods import PeriodSpec
from tests import pg

D = dt.date
YEAR = PeriodSpec.parse("2024")

EXPECTED_DOSSIERS = DossierClasses(
    carried_over=187,
    received=3620,
    received_online=2644,
    received_direct=860,
    received_postal=116,
    resolved=3587,
    early=3585,
    on_time=2,
    late=0,
    in_progress=220,
    in_progress_within=220,
    in_progress_overdue=0,
    ended_without_result=0,
)


@pytest.fixture
def year(demo_db) -> IndicatorSet:
    with demo_db.session() as s:
        return compute_all(s, YEAR)


def assert_reference_figures(ind: IndicatorSet) -> None:
    """Every figure SPEC §10 names for 2024."""
    p = ind.periods
    assert (p.dossiers.start, p.dossiers.end) == (D(2023, 12, 15), D(2024, 12, 14))
    assert (p.documents.start, p.documents.end) == (D(2024, 1, 1), D(2024, 12, 31))
    d = ind.dossiers
    assert (d.carried_over, d.received, d.resolved, d.early, d.on_time, d.late) == (
        187,
        3620,
        3587,
        3585,
        2,
        0,
    )
    # the 12 dossiers waiting for supplements at the cut-off are in progress within deadline (default rule)
    assert (d.ended_without_result, d.in_progress, d.in_progress_within, d.in_progress_overdue) == (0, 220, 220, 0)
    assert d.identity_holds
    assert d.early_figure.value == Decimal("99.94") and d.on_time_only_figure.value == Decimal("0.06")
    o = ind.online
    assert o.overall == Figure(2644, 3390) and o.overall.value == Decimal("77.99")
    assert o.full == Figure(2031, 2131) and o.full.value == Decimal("95.31")
    assert o.partial == Figure(613, 1259) and o.partial.value == Decimal("48.69")
    assert o.procedures_with_dossiers == 99
    sv = ind.survey
    assert sv.forms == 65 and sv.groups == 4 and len(sv.campaigns) == 1
    assert [o.count for o in sv.return_time.options] == [57, 8, 0]
    assert [o.figure.value for o in sv.return_time.options[:2]] == [Decimal("87.69"), Decimal("12.31")]
    distributions = {c.short_name: [o.count for o in c.options] for c in sv.criteria}
    assert distributions["Công khai thủ tục"][:2] == [61, 4]
    assert distributions["Thái độ cán bộ"][:2] == [61, 4]
    assert distributions["Cơ sở vật chất"][:2] == [62, 3]
    assert distributions["Số lần đi lại"][:2] == [61, 4]
    assert distributions["Mức độ hài lòng"][:2] == [61, 4]
    assert sv.satisfaction == Figure(65, 65)
    assert sv.previous_year == 2023 and sv.previous_forms == 60
    assert sv.previous_return_time.options[0].count == 55
    assert sv.previous_return_time.options[0].figure.value == Decimal("91.67")
    iso = ind.iso
    assert len(iso.decisions) == 11 and iso.figure == Figure(92, 92)
    assert all(x.within and x.days is not None and x.days <= 30 for x in iso.decisions)
    assert ind.steps_match == Figure(117, 117)
    t = ind.tasks
    assert (t.total, t.early, t.on_time, t.late, t.extended) == (186, 121, 65, 0, 0)
    assert t.figure.value == Decimal("100.00")
    doc = ind.documents
    assert (doc.outgoing, doc.secret, doc.decisions, doc.incoming) == (6103, 0, 1066, 33732)
    assert doc.figure.value == Decimal("100.00") and doc.incoming_figure.value == Decimal("100.00")
    assert [x.number for x in ind.objectives] == [1, 2, 3, 4, 5, 6, 7]
    assert all(x.met is True for x in ind.objectives)


def test_reference_report_figures_of_2024(year: IndicatorSet) -> None:
    assert_reference_figures(year)
    assert year.dossiers == EXPECTED_DOSSIERS


def test_figures_as_the_report_prints_them(year: IndicatorSet) -> None:
    d = year.dossiers
    assert format_count(d.received) == "3.620" and format_count(d.resolved) == "3.587"
    assert format_percent(d.early_figure.value) == "99,94%"
    assert format_percent(d.on_time_only_figure.value) == "0,06%"
    assert format_percent(year.online.overall.value) == "77,99%"


def test_breakdowns_add_up_to_the_year(demo_db, year: IndicatorSet) -> None:
    assert sum((row.classes for row in year.by_field), DossierClasses()) == year.dossiers
    assert len(year.by_month) == 12
    assert sum(x.received for x in year.by_month) == 3620
    assert sum(x.early for x in year.by_month) == 3585
    assert year.by_month[0].classes.carried_over == 187 and year.by_month[-1].classes.in_progress == 220
    with demo_db.session() as s:
        assert dossier_classes_from_records(s, year.periods.dossiers) == year.dossiers


def test_objective_values_match_their_figures(year: IndicatorSet) -> None:
    by_indicator = {x.indicator: x for x in year.objectives}
    assert by_indicator["online_uptake"].figure.value == Decimal("77.99")
    assert by_indicator["documents_electronic"].figure == Figure(7169, 7169)
    assert by_indicator["survey_satisfaction"].target == Decimal(87)


def test_first_half_of_2022_uses_the_cut_off_dates(demo_db) -> None:
    with demo_db.session() as s:
        ind = compute_all(s, PeriodSpec.parse("2022-H1"))
    assert (ind.periods.dossiers.start, ind.periods.dossiers.end) == (D(2021, 12, 15), D(2022, 6, 14))
    assert ind.periods.dossiers.label == "6 tháng đầu năm 2022"
    assert ind.dossiers.on_time_figure.value is None  # no dossiers then: "không phát sinh"


# --------------------------------------------------------------------------- the command line


def test_indicators_json_command(demo_db_file, capsys) -> None:
    assert main(["indicators", "--period", "2024", "--json", "--db", str(demo_db_file)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "period", "dossiers", "online", "tasks", "survey", "iso", "steps_match", "documents", "objectives",
        "objectives_declared", "outcome_rule", "figures",
    ]  # fmt: skip
    assert data["period"] == {"start": "2023-12-15", "end": "2024-12-14", "label": "năm 2024"}
    assert data["dossiers"] == {k: getattr(EXPECTED_DOSSIERS, k) for k in data["dossiers"]}
    assert len(data["dossiers"]) == 13
    assert data["online"] == {
        "received": 3390,
        "received_online": 2644,
        "rate": 77.99,
        "full": {"received": 2131, "received_online": 2031, "rate": 95.31},
        "partial": {"received": 1259, "received_online": 613, "rate": 48.69},
        "procedures_with_dossiers": 99,
    }
    assert data["tasks"] == {
        "total": 186, "completed": 186, "early": 121, "on_time": 65, "late": 0, "extended": 0,
        "in_progress_not_due": 0, "in_progress_overdue": 0, "rate": 100.0,
    }  # fmt: skip
    survey = data["survey"]
    assert (survey["campaigns"], survey["forms"], survey["satisfaction_rate"]) == (1, 65, 100.0)
    assert survey["criteria"][0]["options"][0] == {"label": "Sớm hẹn", "count": 57, "rate": 87.69}
    assert set(survey) == {
        "campaigns",
        "forms",
        "satisfaction_rate",
        "previous_satisfaction_rate",
        "criteria",
    }
    iso = data["iso"]
    assert (iso["procedures_announced"], iso["within_deadline"], iso["rate"]) == (92, 92, 100.0)
    assert len(iso["decisions"]) == 11
    assert set(iso["decisions"][0]) == {
        "ubnd_number",
        "ubnd_date",
        "iso_number",
        "iso_date",
        "days",
        "procedures",
    }
    assert data["steps_match"] == {"in_force": 117, "matching": 117, "rate": 100.0}
    assert data["documents"] == {
        "outgoing": 6103, "secret": 0, "electronic": 6103, "rate": 100.0, "decisions": 1066,
        "incoming": 33732, "incoming_electronic": 33732,
    }  # fmt: skip
    assert [o["met"] for o in data["objectives"]] == [True] * 7
    assert set(data["objectives"][0]) == {
        "number", "title", "indicator", "comparator", "target", "numerator", "denominator", "value", "met",
        "rule", "basis",
    }  # fmt: skip
    # every figure names how it was counted: the default outcome rule for dossier figures, its period basis
    assert data["outcome_rule"]["key"] == "bieu06a" and data["outcome_rule"]["default"] is True
    assert data["figures"]["dossiers_on_time"] == {
        "numerator": 3587, "denominator": 3587, "value": 100.0, "rule": "bieu06a", "basis": "cut_off",
    }  # fmt: skip
    assert data["figures"]["documents_electronic"]["rule"] is None
    assert data["figures"]["documents_electronic"]["basis"] == "calendar"
    assert data["objectives"][0]["rule"] == "bieu06a" and data["objectives"][0]["basis"] == "cut_off"
    assert data["objectives"][6]["comparator"] == ">=" and data["objectives"][5]["comparator"] == ">"


def test_indicators_table_command(demo_db_file, capsys) -> None:
    assert main(["indicators", "--period", "2022-H1", "--db", str(demo_db_file)]) == 0
    out = capsys.readouterr().out
    assert "Hồ sơ thủ tục hành chính (từ ngày 15/12/2021 đến ngày 14/06/2022)" in out
    assert main(["indicators", "--period", "2024", "--db", str(demo_db_file)]) == 0
    out = capsys.readouterr().out
    assert "3.620" in out and "99,94%" in out and "77,99%" in out and out.count("Đạt") == 7


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2024-13", "Kỳ báo cáo “2024-13” không hợp lệ"),
        ("2024-12-14..2023-12-15", "Khoảng thời gian không hợp lệ"),
    ],
)
def test_indicators_command_refuses_a_bad_period(demo_db_file, capsys, period: str, message: str) -> None:
    assert main(["indicators", "--period", period, "--db", str(demo_db_file)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_indicators_command_on_an_empty_database(tmp_path, capsys) -> None:
    path = tmp_path / "empty.db"
    open_database(path).close()
    assert main(["indicators", "--period", "2024", "--db", str(path)]) == 1
    err = capsys.readouterr().err
    assert "chưa có số liệu nào" in err and len(err.strip().splitlines()) == 1


# --------------------------------------------------------------------------- PostgreSQL


@pytest.mark.skipif(pg.server_bin() is None, reason="PostgreSQL server binaries not installed")
def test_reference_figures_on_postgresql() -> None:
    """The triggers and every query give the same figures on PostgreSQL."""
    pytest.importorskip("psycopg")
    from cchc_desktop.core.demo import build_demo

    with pg.temporary_cluster() as url:
        db = open_database(url)
        try:
            build_demo(db)
            with db.session() as s:
                ind = compute_all(s, YEAR)
                assert dossier_classes_from_records(s, ind.periods.dossiers) == ind.dossiers
            assert_reference_figures(ind)
        finally:
            db.close()
