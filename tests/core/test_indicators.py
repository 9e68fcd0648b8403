"""The indicator catalogue on hand-made records: every class at the period's edges, the settings,
the maintained daily counts, and each family's figure (SPEC §4, §5)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event, insert, select, text, update

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.db import migrations_dir, open_database
from cchc_desktop.core.enums import (
    Channel,
    Comparator,
    DossierOutcome,
    OnlineDenominator,
    PeriodConvention,
    SurveyMode,
)
from cchc_desktop.core.formatting import format_percent
from cchc_desktop.core.indicators import (
    INDICATORS,
    DossierClasses,
    Figure,
    Settings,
    compute_all,
    document_months,
    document_summary,
    dossier_classes,
    dossier_classes_by_field,
    dossier_classes_by_unit,
    dossier_classes_from_records,
    dossiers_by_month,
    evaluate_objectives,
    is_met,
    iso_summary,
    online_uptake,
    rebuild_dossier_counts,
    steps_match,
    survey_summary,
    task_summary,
)
from cchc_desktop.core.periods import Period, PeriodSpec
from tests.core.indicator_data import Records

D = dt.date
MARCH = Period.between(D(2024, 3, 1), D(2024, 3, 31))


# --------------------------------------------------------------------------- Figure


@pytest.mark.parametrize(
    ("num", "den", "value"),
    [
        (3585, 3587, Decimal("99.94")),
        (2, 3587, Decimal("0.06")),
        (2644, 3390, Decimal("77.99")),
        (2, 3, Decimal("66.67")),
        (1, 800, Decimal("0.13")),  # 0,125 → half-up
        (7, 7, Decimal("100.00")),
        (0, 5, Decimal("0.00")),
    ],
)
def test_figure_value_is_a_half_up_percentage(num: int, den: int, value: Decimal) -> None:
    assert Figure(num, den).value == value
    assert Figure(num, den).applicable


def test_figure_without_denominator_is_not_applicable() -> None:
    figure = Figure(0, 0)
    assert figure.value is None and not figure.applicable
    assert format_percent(figure.value) == "không phát sinh"


# --------------------------------------------------------------------------- dossier classes


def _edge_records(s) -> Records:
    r = Records(s)
    r.dossier(D(2024, 2, 20), D(2024, 3, 5), D(2024, 3, 1))  # carried over, resolved on the first day: early
    r.dossier(D(2024, 2, 20), D(2024, 3, 5), D(2024, 2, 29))  # closed before the period: nowhere
    r.dossier(
        D(2024, 3, 1), D(2024, 3, 10), D(2024, 3, 10), channel=Channel.ONLINE
    )  # first day; on the due date
    r.dossier(D(2024, 3, 31), D(2024, 4, 10), channel=Channel.POSTAL)  # last day: in progress, within
    r.dossier(D(2024, 3, 5), D(2024, 3, 8), D(2024, 3, 12))  # late
    r.dossier(D(2024, 2, 10), D(2024, 2, 20))  # carried over, still open, overdue
    r.dossier(D(2024, 3, 20), D(2024, 3, 31), channel=Channel.ONLINE)  # due on the last day: within
    # returned: ended without a result, resolved on time under the default rule (Biểu 06a)
    r.dossier(D(2024, 3, 3), D(2024, 3, 13), D(2024, 3, 4), outcome=DossierOutcome.RETURNED)
    r.dossier(D(2024, 4, 1), D(2024, 4, 10))  # after the period
    r.dossier(D(2024, 3, 15), D(2024, 3, 25), D(2024, 4, 2))  # resolved after the end: overdue at the end
    return r


EDGE_CLASSES = DossierClasses(
    carried_over=2,
    received=6,
    received_online=2,
    received_direct=3,
    received_postal=1,
    resolved=4,
    early=1,
    on_time=2,
    late=1,
    in_progress=4,
    in_progress_within=2,
    in_progress_overdue=2,
    ended_without_result=1,
)


def test_every_class_at_the_edges_of_the_period(db) -> None:
    with db.transaction() as s:
        _edge_records(s)
    with db.session() as s:
        classes = dossier_classes(s, MARCH)
        assert classes == EDGE_CLASSES
        assert classes.identity_holds
        assert classes.total_handled == 8 and classes.received_direct_or_postal == 4
        assert dossier_classes_from_records(s, MARCH) == EDGE_CLASSES
        assert classes.on_time_figure == Figure(3, 4)
        assert classes.late_figure.value == Decimal("25.00")


def test_an_empty_period_is_not_applicable(db) -> None:
    with db.transaction() as s:
        _edge_records(s)
    with db.session() as s:
        classes = dossier_classes(s, Period.between(D(2023, 1, 1), D(2023, 12, 31)))  # before any record
    assert classes.carried_over == 0 and classes.received == 0 and classes.resolved == 0
    assert classes.on_time_figure.value is None
    assert format_percent(classes.on_time_figure.value) == "không phát sinh"


def test_extended_due_date_setting(db) -> None:
    with db.transaction() as s:
        r = Records(s)
        r.dossier(D(2024, 3, 1), D(2024, 3, 10), D(2024, 3, 12), extended=D(2024, 3, 15))  # late / early
        r.dossier(D(2024, 3, 1), D(2024, 3, 10), D(2024, 3, 15), extended=D(2024, 3, 15))  # late / on time
        r.dossier(D(2024, 3, 20), D(2024, 3, 25), extended=D(2024, 4, 5))  # open: overdue / within
    with db.session() as s:
        original = dossier_classes(s, MARCH)
        extended = dossier_classes(s, MARCH, settings=Settings(classify_against_extended_due=True))
        records = dossier_classes_from_records(
            s, MARCH, settings=Settings(classify_against_extended_due=True)
        )
    assert (original.early, original.on_time, original.late, original.in_progress_overdue) == (0, 0, 2, 1)
    assert (extended.early, extended.on_time, extended.late, extended.in_progress_overdue) == (1, 1, 0, 0)
    assert records == extended


def test_filters_and_breakdowns_add_up(db) -> None:
    with db.transaction() as s:
        r = _edge_records(s)
        r.dossier(D(2024, 3, 2), D(2024, 3, 9), D(2024, 3, 3), proc=r.full, unit=r.other_unit)
        no_field = r.procedure("1.000009", None, r.offline.online_level)
        r.dossier(D(2024, 3, 2), D(2024, 3, 9), proc=no_field)
        field_ids = (r.clinics.id, r.drugs.id)
        unit_id = r.other_unit.id
    with db.session() as s:
        total = dossier_classes(s, MARCH)
        rows = dossier_classes_by_field(s, MARCH)
        assert [row.field_name for row in rows] == [
            "Khám bệnh, chữa bệnh",
            "Dược phẩm",
            "Chưa xác định lĩnh vực",
        ]
        assert sum((row.classes for row in rows), DossierClasses()) == total
        assert rows[0].classes == dossier_classes(s, MARCH, field_id=field_ids[0])
        assert rows[1].classes.received == 1 and rows[1].classes.early == 1
        units = dossier_classes_by_unit(s, MARCH)
        assert sum((row.classes for row in units), DossierClasses()) == total
        assert dossier_classes(s, MARCH, unit_id=unit_id).received == 1
        assert dossier_classes(s, MARCH, field_id=field_ids[1], unit_id=unit_id).early == 1


def test_months_partition_the_period(db) -> None:
    with db.transaction() as s:
        _edge_records(s)
    period = Period.between(D(2024, 2, 10), D(2024, 4, 5))
    with db.session() as s:
        months = dossiers_by_month(s, period)
        whole = dossier_classes(s, period)
        assert [(x.year, x.month, x.start, x.end) for x in months] == [
            (2024, 2, D(2024, 2, 10), D(2024, 2, 29)),
            (2024, 3, D(2024, 3, 1), D(2024, 3, 31)),
            (2024, 4, D(2024, 4, 1), D(2024, 4, 5)),
        ]
        assert months[1].classes == EDGE_CLASSES
        assert sum(x.received for x in months) == whole.received
        assert sum(x.early + x.on_time + x.late for x in months) == whole.resolved
        assert months[0].classes.carried_over == whole.carried_over
        assert months[-1].classes.in_progress == whole.in_progress
        for before, after in zip(months, months[1:], strict=False):
            assert after.classes.carried_over == before.classes.in_progress
        cut_off = PeriodSpec.parse("2024-Q1").resolve(PeriodConvention.CUT_OFF)
        assert [x.month for x in dossiers_by_month(s, cut_off)] == [1, 2, 3]


# --------------------------------------------------------------------------- the maintained counts


def _count_tables(s) -> tuple[set, set]:
    received = {tuple(r) for r in s.execute(text("SELECT * FROM dossier_received_day WHERE n <> 0"))}
    closed = {tuple(r) for r in s.execute(text("SELECT * FROM dossier_closed_day WHERE n <> 0"))}
    return received, closed


def test_triggers_follow_every_kind_of_write(db) -> None:
    with db.transaction() as s:
        r = _edge_records(s)
        ids = [d.id for d in s.scalars(select(m.Dossier).order_by(m.Dossier.id))]
        offline_id, drugs_id = r.offline.id, r.drugs.id
    with db.transaction() as s:
        services.update(
            s, m.Dossier, ids[3], {"resolved_on": D(2024, 4, 1), "outcome": DossierOutcome.RESOLVED}
        )
        services.update(s, m.Dossier, ids[4], {"channel": Channel.ONLINE, "extended_due_on": D(2024, 3, 20)})
        services.delete(s, m.Dossier, [ids[0]])
        services.update(s, m.Procedure, offline_id, {"field_id": drugs_id})  # moves its dossiers' field
        s.execute(
            update(m.Dossier)
            .where(m.Dossier.id == ids[5])
            .values(resolved_on=D(2024, 3, 2), outcome="resolved")
        )
        s.execute(delete(m.Dossier).where(m.Dossier.id == ids[8]))
    with db.transaction() as s:
        maintained = _count_tables(s)
        classes = dossier_classes(s, MARCH)
        rebuild_dossier_counts(s)
        assert _count_tables(s) == maintained
        assert dossier_classes_from_records(s, MARCH) == classes
        assert classes.carried_over == 1 and classes.late == 2


def test_migrated_database_has_the_count_triggers(db) -> None:
    """Regenerating the initial migration drops its hand-written trigger block: this says so."""
    with db.engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).scalars()
        found = sorted(re.sub(r"\s+", " ", sql) for sql in found)
    expected = sorted(re.sub(r"\s+", " ", sql) for sql in m.DOSSIER_COUNT_TRIGGERS["sqlite"])
    assert found == expected, "copy DOSSIER_COUNT_TRIGGERS back into the migration (see models.py)"
    path = next((Path(migrations_dir()) / "versions").glob("0001_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0001", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.DOSSIER_COUNT_TRIGGERS == m.DOSSIER_COUNT_TRIGGERS


def test_overdue_count_reads_only_the_partial_index(db) -> None:
    with db.transaction() as s:
        _edge_records(s)
    captured: list[tuple] = []

    def grab(conn_, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "resolved_on IS NULL OR dossier.resolved_on > dossier.due_on" in statement:
            captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        with db.session() as s:
            dossier_classes(s, MARCH)
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    assert captured
    statement, parameters = captured[0]
    with db.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    assert "ix_dossier_late_or_open" in " ".join(str(row) for row in plan)


@pytest.fixture(scope="module")
def scratch_db(tmp_path_factory: pytest.TempPathFactory):
    database = open_database(tmp_path_factory.mktemp("hyp") / "scratch.db")
    with database.transaction() as s:
        r = Records(s)
        procs = [r.full.id, r.partial.id, r.offline.id]
        fields = {r.full.id: r.drugs.id, r.partial.id: r.clinics.id, r.offline.id: r.clinics.id}
    yield database, procs, fields
    database.close()


dossier_rows = st.lists(
    st.tuples(
        st.integers(0, 90),  # received: day offset from 2024-01-01
        st.integers(0, 20),  # due after received
        st.one_of(st.none(), st.integers(0, 40)),  # closed after received
        st.booleans(),  # returned
        st.sampled_from(list(Channel)),
        st.integers(0, 2),  # procedure
        st.one_of(st.none(), st.integers(0, 10)),  # extension after due
    ),
    max_size=40,
)


def _oracle(rows: list[dict], start: D, end: D, extended: bool) -> DossierClasses:
    """SPEC §4 in plain Python, one dossier at a time."""
    c = dict.fromkeys(DossierClasses.__dataclass_fields__, 0)
    for d in rows:
        r, res, out = d["received_on"], d["resolved_on"], d["outcome"]
        due = (d["extended_due_on"] or d["due_on"]) if extended else d["due_on"]
        if r < start and (res is None or res >= start):
            c["carried_over"] += 1
        if start <= r <= end:
            c["received"] += 1
            c[
                "received_" + {"online": "online", "direct": "direct", "postal": "postal"}[d["channel"].value]
            ] += 1
        if res is not None and start <= res <= end:
            c["resolved"] += 1
            if out == DossierOutcome.RETURNED:  # the default rule: resolved on time
                c["ended_without_result"] += 1
                c["on_time"] += 1
            else:
                c["early" if res < due else "on_time" if res == due else "late"] += 1
        if r <= end and (res is None or res > end):
            c["in_progress"] += 1
            c["in_progress_within" if due >= end else "in_progress_overdue"] += 1
    return DossierClasses(**c)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dossier_rows, st.integers(0, 80), st.integers(0, 60), st.booleans())
def test_identity_holds_for_random_records(scratch_db, raw, start_offset, length, extended) -> None:
    database, procs, fields = scratch_db
    base = D(2024, 1, 1)
    rows = []
    for i, (rec, due, closed, returned, channel, p, ext) in enumerate(raw):
        received = base + dt.timedelta(days=rec)
        resolved = received + dt.timedelta(days=closed) if closed is not None else None
        outcome = (
            None if resolved is None else DossierOutcome.RETURNED if returned else DossierOutcome.RESOLVED
        )
        due_on = received + dt.timedelta(days=due)
        rows.append(
            {
                "code": f"R{i}",
                "procedure_id": procs[p],
                "field_id": fields[procs[p]],
                "unit_id": None,
                "channel": channel,
                "received_on": received,
                "due_on": due_on,
                "extended_due_on": due_on + dt.timedelta(days=ext) if ext is not None else None,
                "resolved_on": resolved,
                "outcome": outcome,
            }
        )
    start = base + dt.timedelta(days=start_offset)
    period = Period.between(start, start + dt.timedelta(days=length))
    setting = Settings(classify_against_extended_due=extended)
    with database.transaction() as s:
        s.execute(delete(m.Dossier))
        if rows:
            s.execute(insert(m.Dossier), rows)
    with database.session() as s:
        classes = dossier_classes(s, period, settings=setting)
        assert classes == _oracle(rows, period.start, period.end, extended)
        assert classes.identity_holds
        assert (
            sum((x.classes for x in dossier_classes_by_field(s, period, settings=setting)), DossierClasses())
            == classes
        )
        months = dossiers_by_month(s, period, settings=setting)
        assert sum(x.received for x in months) == classes.received
        assert months[-1].classes.in_progress == classes.in_progress


# --------------------------------------------------------------------------- online uptake


def test_online_uptake_overall_full_partial(db) -> None:
    with db.transaction() as s:
        r = Records(s)
        for channel in (Channel.ONLINE, Channel.ONLINE, Channel.ONLINE, Channel.DIRECT):
            r.dossier(D(2024, 3, 5), D(2024, 3, 15), proc=r.full, channel=channel)
        for channel in (Channel.ONLINE, Channel.DIRECT, Channel.POSTAL):
            r.dossier(D(2024, 3, 6), D(2024, 3, 15), proc=r.partial, channel=channel)
        r.dossier(D(2024, 3, 6), D(2024, 3, 15), proc=r.offline)
        r.dossier(D(2024, 2, 6), D(2024, 3, 15), proc=r.full, channel=Channel.ONLINE)  # before the period
        r.procedure("1.000004", r.drugs, r.full.online_level)  # offered online, no dossier
    with db.session() as s:
        uptake = online_uptake(s, MARCH)
        assert uptake.full == Figure(3, 4) and uptake.partial == Figure(1, 3)
        assert uptake.overall == Figure(4, 7) and uptake.overall.value == Decimal("57.14")
        assert uptake.procedures_with_dossiers == 2
        everything = online_uptake(s, MARCH, settings=Settings(online_denominator=OnlineDenominator.ALL))
        assert everything.overall == Figure(4, 8) and everything.full == uptake.full
        assert online_uptake(s, Period.between(D(2025, 1, 1), D(2025, 1, 31))).overall.value is None


# --------------------------------------------------------------------------- tasks


def test_task_classes(db) -> None:
    def task(
        assigned: D, due: D, completed: D | None = None, extended: D | None = None, approved: bool = False
    ):
        return m.Task(
            content="Nhiệm vụ",
            assigned_on=assigned,
            due_on=due,
            completed_on=completed,
            extended_due_on=extended,
            extension_approved=approved,
        )

    with db.transaction() as s:
        s.add_all(
            [
                task(D(2024, 2, 1), D(2024, 3, 10), D(2024, 3, 1)),  # early
                task(D(2024, 2, 1), D(2024, 3, 10), D(2024, 3, 10)),  # on time
                task(D(2024, 2, 1), D(2024, 3, 10), D(2024, 3, 12)),  # late
                task(
                    D(2024, 2, 1), D(2024, 3, 10), D(2024, 3, 12), D(2024, 3, 20), approved=True
                ),  # extended: early
                task(
                    D(2024, 2, 1), D(2024, 3, 10), D(2024, 3, 12), D(2024, 3, 20), approved=False
                ),  # not approved: late
                task(D(2024, 3, 1), D(2024, 4, 30)),  # open, not yet due
                task(D(2024, 3, 1), D(2024, 3, 31)),  # open, due on the last day: not yet due
                task(D(2024, 1, 1), D(2024, 2, 1)),  # open, overdue
                task(D(2024, 1, 1), D(2024, 2, 1), D(2024, 2, 1)),  # completed before the period
                task(D(2024, 4, 1), D(2024, 4, 30)),  # assigned after the period
                task(
                    D(2024, 3, 1), D(2024, 3, 20), D(2024, 4, 2), D(2024, 4, 5), approved=True
                ),  # open at end, extended
            ]
        )
    with db.session() as s:
        summary = task_summary(s, MARCH)
    assert (summary.completed, summary.early, summary.on_time, summary.late) == (5, 2, 1, 2)
    assert (summary.extended, summary.in_progress_not_due, summary.in_progress_overdue) == (2, 3, 1)
    assert summary.total == 9
    assert summary.figure == Figure(3, 6)


# --------------------------------------------------------------------------- survey


def _campaign(
    s, questionnaire: m.Questionnaire, title: str, held: D | None, year: int, mode: SurveyMode
) -> m.SurveyCampaign:
    camp = m.SurveyCampaign(
        title=title, year=year, held_on=held, questionnaire_id=questionnaire.id, mode=mode
    )
    s.add(camp)
    s.flush()
    return camp


def test_survey_forms_totals_and_previous_campaign(db) -> None:
    from cchc_desktop.core.defaults import seed_questionnaire

    with db.transaction() as s:
        q = seed_questionnaire(s)
        overall = next(c for c in q.criteria if c.is_overall)
        first = q.criteria[0]
        old = _campaign(s, q, "Khảo sát 2023", D(2023, 6, 1), 2023, SurveyMode.TOTALS)
        counts = {
            first.options[0].id: 9,
            first.options[1].id: 1,
            overall.options[0].id: 6,
            overall.options[2].id: 4,
        }
        services.set_option_counts(s, old.id, 10, counts)
        now = _campaign(s, q, "Khảo sát 2024", D(2024, 3, 10), 2024, SurveyMode.FORMS)
        s.add(m.RespondentGroup(campaign_id=now.id, name="Cá nhân"))
        answers = [(0, 0), (0, 1), (1, 2), (0, 3)]  # (return-time option, overall option) per form
        for n, (first_opt, overall_opt) in enumerate(answers, 1):
            form = m.SurveyForm(campaign_id=now.id, number=n)
            form.answers = [
                m.SurveyAnswer(criterion_id=first.id, option_id=first.options[first_opt].id),
                m.SurveyAnswer(criterion_id=overall.id, option_id=overall.options[overall_opt].id),
            ]
            s.add(form)
    with db.session() as s:
        summary = survey_summary(s, MARCH)
        assert summary.campaigns == ["Khảo sát 2024"] and summary.forms == 4 and summary.groups == 1
        assert summary.satisfaction == Figure(2, 4)  # "Rất hài lòng" + "Hài lòng"
        assert [o.count for o in summary.return_time.options] == [3, 1, 0]
        assert summary.return_time.options[0].figure.value == Decimal("75.00")
        assert summary.previous_satisfaction == Figure(6, 10)
        assert summary.previous_return_time.best() == Figure(9, 10)
        assert summary.previous_year == 2023 and summary.previous_forms == 10
        nothing = survey_summary(s, Period.between(D(2022, 1, 1), D(2022, 12, 31)))
        assert (
            nothing.forms == 0
            and nothing.satisfaction.value is None
            and nothing.previous_satisfaction is None
        )


# --------------------------------------------------------------------------- ISO, steps, documents


def test_iso_delay_per_decision(db) -> None:
    with db.transaction() as s:
        r = Records(s)
        procs = [r.full, r.partial, r.offline]
        for number, ubnd, iso, n in (
            ("1/QĐ-UBND", D(2024, 3, 1), D(2024, 3, 31), 2),  # 30 days: within
            ("2/QĐ-UBND", D(2024, 3, 2), D(2024, 4, 2), 1),  # 31 days: late
            ("3/QĐ-UBND", D(2024, 3, 20), None, 3),  # no ISO decision yet
            ("4/QĐ-UBND", D(2024, 4, 1), D(2024, 4, 2), 1),  # another period
        ):
            dec = m.AnnouncementDecision(
                ubnd_number=number, ubnd_date=ubnd, iso_number="x" if iso else None, iso_date=iso
            )
            dec.items = [m.AnnouncementItem(procedure_id=p.id) for p in procs[:n]]
            s.add(dec)
    with db.session() as s:
        iso = iso_summary(s, MARCH)
        assert [(x.ubnd_number, x.days, x.procedures, x.within) for x in iso.decisions] == [
            ("1/QĐ-UBND", 30, 2, True),
            ("2/QĐ-UBND", 31, 1, False),
            ("3/QĐ-UBND", None, 3, False),
        ]
        assert iso.figure == Figure(2, 6) and iso.procedures_announced == 6
        strict = iso_summary(s, MARCH, settings=Settings(iso_deadline_days=20))
        assert strict.figure == Figure(0, 6)


def test_steps_match_counts_procedures_in_force_at_the_end(db) -> None:
    with db.transaction() as s:
        r = Records(s)
        r.full.steps_match = True
        r.partial.steps_match = True
        r.partial.abolished_on = D(2024, 3, 31)  # abolished on the last day: no longer in force
        r.offline.abolished_on = D(2024, 4, 1)  # still in force at the end, steps not matching
    with db.session() as s:
        assert steps_match(s, MARCH) == Figure(1, 2)
        assert steps_match(s, Period.between(D(2024, 1, 1), D(2024, 1, 31))) == Figure(2, 3)


def test_document_months_rule() -> None:
    cut_year = PeriodSpec.parse("2024").resolve(PeriodConvention.CUT_OFF)
    assert document_months(cut_year) == [(2024, mo) for mo in range(1, 13)]
    assert document_months(PeriodSpec.parse("2024-Q2").resolve(PeriodConvention.CALENDAR)) == [
        (2024, 4),
        (2024, 5),
        (2024, 6),
    ]
    assert document_months(Period.between(D(2024, 3, 1), D(2024, 3, 10))) == []


def test_document_summary(db) -> None:
    with db.transaction() as s:
        for month in (12, 1, 2):
            year = 2023 if month == 12 else 2024
            s.add(
                m.DocumentCount(
                    year=year, month=month, outgoing=100, outgoing_secret=10, outgoing_electronic=88,
                    decisions=20, decisions_electronic=20, incoming=300, incoming_electronic=297,
                )
            )  # fmt: skip
    with db.session() as s:
        docs = document_summary(s, PeriodSpec.parse("2024-Q1").resolve(PeriodConvention.CALENDAR))
    assert (docs.outgoing, docs.secret, docs.electronic, docs.decisions) == (200, 20, 176, 40)
    assert docs.months == ((2024, 1), (2024, 2))
    assert docs.figure == Figure(216, 220) and docs.figure.value == Decimal("98.18")
    assert docs.incoming_figure == Figure(594, 600)


# --------------------------------------------------------------------------- objectives


@pytest.mark.parametrize(
    ("comparator", "value", "target", "met"),
    [
        (Comparator.GE, Decimal("87.00"), Decimal(87), True),
        (Comparator.GE, Decimal("86.99"), Decimal(87), False),
        (Comparator.GT, Decimal("95.00"), Decimal(95), False),
        (Comparator.GT, Decimal("95.01"), Decimal(95), True),
        (Comparator.EQ, Decimal("100.00"), Decimal(100), True),
        (Comparator.EQ, Decimal("99.99"), Decimal(100), False),
        (Comparator.GE, None, Decimal(50), None),
    ],
)
def test_comparators(
    comparator: Comparator, value: Decimal | None, target: Decimal, met: bool | None
) -> None:
    assert is_met(comparator, value, target) is met


def test_objectives_of_the_year(db) -> None:
    from cchc_desktop.core.defaults import seed_objectives

    with db.transaction() as s:
        r = Records(s)
        r.dossier(D(2024, 3, 1), D(2024, 3, 10), D(2024, 3, 5))
        r.dossier(D(2024, 3, 1), D(2024, 3, 10), D(2024, 3, 12))
        oy = seed_objectives(s, 2024)
        oy.objectives[0].indicator = "no_such_indicator"
        oy.objectives[1].indicator = "dossiers_on_time"
        oy.objectives[1].comparator = Comparator.GE
        oy.objectives[1].target = Decimal(50)
    with db.session() as s:
        results = evaluate_objectives(s, PeriodSpec.parse("2024"))
        full = compute_all(s, PeriodSpec.parse("2024"))
    assert [x.number for x in results] == [1, 2, 3, 4, 5, 6, 7]
    assert results[0].met is None and results[0].figure.value is None  # unknown indicator
    assert results[1].figure == Figure(1, 2) and results[1].met is True
    assert results[2].met is None  # no announcement decision: "không phát sinh"
    assert [(x.figure, x.met) for x in full.objectives] == [(x.figure, x.met) for x in results]


def test_catalogue_covers_the_default_objectives() -> None:
    from cchc_desktop.core.defaults import DEFAULT_OBJECTIVES

    assert {o.indicator for o in DEFAULT_OBJECTIVES} <= set(INDICATORS)
    assert all(
        ind.name and ind.family in {"dossiers", "tasks", "surveys", "documents"}
        for ind in INDICATORS.values()
    )
