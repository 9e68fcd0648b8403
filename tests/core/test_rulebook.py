"""One rulebook (issue 11): every dossier class is one predicate; the fast counts, the drill-downs and a
plain-Python reading of SPEC §4 agree for random dossiers with random outcomes and supplement events,
under every outcome rule preset; every printed table satisfies carried over + received = resolved +
in progress."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from cchc_desktop.core import models as m
from cchc_desktop.core.checks import printed_tables, table_findings
from cchc_desktop.core.db import open_database
from cchc_desktop.core.enums import Channel, DossierEventKind, DossierOutcome
from cchc_desktop.core.indicators import (
    DOSSIER_CLASS_NAMES,
    OUTCOME_RULES,
    DossierClasses,
    OutcomeColumn,
    OutcomeRule,
    Settings,
    compute_all,
    dossier_classes,
    dossier_classes_by_field,
    dossier_classes_from_records,
    dossier_condition,
    dossiers_by_month,
    dossiers_in_class,
    figure_condition,
    online_uptake,
)
from cchc_desktop.core.periods import Period, PeriodSpec
from tests.core.indicator_data import Records

D = dt.date
BASE = D(2024, 1, 1)
PRESETS = sorted(OUTCOME_RULES)


@pytest.fixture(scope="module")
def scratch():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        database = open_database(Path(tmp) / "rules.db")
        with database.transaction() as s:
            r = Records(s)
            procs = [r.full.id, r.partial.id, r.offline.id]
            fields = {r.full.id: r.drugs.id, r.partial.id: r.clinics.id, r.offline.id: r.clinics.id}
        yield database, procs, fields
        database.close()


dossier_rows = st.lists(
    st.tuples(
        st.integers(0, 90),  # received: day offset from BASE
        st.integers(0, 20),  # due after received
        st.one_of(st.none(), st.integers(0, 40)),  # ended this many days after received
        st.sampled_from(list(DossierOutcome)),  # how it ended (when it did)
        st.sampled_from(list(Channel)),
        st.integers(0, 2),  # procedure
        st.one_of(st.none(), st.integers(0, 10)),  # extension after due
        st.one_of(st.none(), st.integers(0, 30)),  # supplement requested, days after received
        st.one_of(st.none(), st.integers(-5, 30)),  # supplement received, days after the request
    ),
    max_size=30,
)


def _waiting(d: dict, day: D) -> bool:
    """SPEC §11 / the team convention, in plain Python: open at ``day``, a request by then, no later
    receipt by then."""
    if d["resolved_on"] is not None and d["resolved_on"] <= day:
        return False
    for asked in d["asked"]:
        if asked <= day and not any(asked <= got <= day for got in d["got"]):
            return True
    return False


def oracle(rows: list[dict], start: D, end: D, setting: Settings) -> dict[str, set[int]]:
    """SPEC §4 with the preset, one dossier at a time: the ids of every class."""
    rule: OutcomeRule = setting.outcome_rule
    out: dict[str, set[int]] = {name: set() for name in DOSSIER_CLASS_NAMES}
    for d in rows:
        i, r, res, outcome = d["id"], d["received_on"], d["resolved_on"], d["outcome"]
        column = rule.column(outcome) if outcome is not None else None
        if column is OutcomeColumn.EXCLUDED:
            continue
        due = (d["extended_due_on"] or d["due_on"]) if setting.classify_against_extended_due else d["due_on"]

        def closed_by(day: D, strictly: bool = False, res: D | None = res, column=column) -> bool:
            if res is None or column is OutcomeColumn.IN_PROGRESS:
                return False
            return res < day if strictly else res <= day

        if r < start and not closed_by(start, strictly=True):
            out["carried_over"].add(i)
        if start <= r <= end:
            out["received"].add(i)
            out["received_" + d["channel"].value].add(i)
        if res is not None and start <= res <= end and outcome != DossierOutcome.RESOLVED:
            out["ended_without_result"].add(i)
        if res is not None and start <= res and closed_by(end):
            out["resolved"].add(i)
            if column is OutcomeColumn.ON_TIME:
                out["on_time"].add(i)
            else:
                out["early" if res < due else "on_time" if res == due else "late"].add(i)
        if r <= end and not closed_by(end):
            out["in_progress"].add(i)
            really_open = res is None or res > end
            excused = rule.waiting_within and _waiting(d, end)
            overdue = really_open and due < end and not excused
            out["in_progress_overdue" if overdue else "in_progress_within"].add(i)
    return out


def _store(database, procs, fields, raw) -> list[dict]:
    rows, events = [], []
    for i, (rec, due, ended, outcome, channel, p, ext, asked, got) in enumerate(raw, 1):
        received = BASE + dt.timedelta(days=rec)
        resolved = received + dt.timedelta(days=ended) if ended is not None else None
        due_on = received + dt.timedelta(days=due)
        row = {
            "id": i,
            "code": f"R{i}",
            "procedure_id": procs[p],
            "field_id": fields[procs[p]],
            "unit_id": None,
            "channel": channel,
            "received_on": received,
            "due_on": due_on,
            "extended_due_on": due_on + dt.timedelta(days=ext) if ext is not None else None,
            "resolved_on": resolved,
            "outcome": outcome if resolved is not None else None,
        }
        rows.append(row)
        asked_days, got_days = [], []
        if asked is not None:
            asked_on = received + dt.timedelta(days=asked)
            asked_days.append(asked_on)
            events.append(
                {"dossier_id": i, "kind": DossierEventKind.SUPPLEMENT_REQUESTED, "occurred_on": asked_on}
            )
            if got is not None:
                got_on = asked_on + dt.timedelta(days=got)
                got_days.append(got_on)
                events.append(
                    {"dossier_id": i, "kind": DossierEventKind.SUPPLEMENT_RECEIVED, "occurred_on": got_on}
                )
        row["asked"], row["got"] = asked_days, got_days
    with database.transaction() as s:
        s.execute(delete(m.DossierEvent))
        s.execute(delete(m.Dossier))
        if rows:
            s.execute(
                insert(m.Dossier), [{k: v for k, v in r.items() if k not in ("asked", "got")} for r in rows]
            )
        if events:
            s.execute(insert(m.DossierEvent), events)
    return rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dossier_rows, st.integers(0, 80), st.integers(0, 60), st.booleans(), st.sampled_from(PRESETS))
def test_counts_drilldowns_and_the_rules_agree(scratch, raw, start_offset, length, extended, preset) -> None:
    database, procs, fields = scratch
    rows = _store(database, procs, fields, raw)
    start = BASE + dt.timedelta(days=start_offset)
    period = Period.between(start, start + dt.timedelta(days=length))
    setting = Settings(classify_against_extended_due=extended, outcome_rule=OUTCOME_RULES[preset])
    expected = oracle(rows, period.start, period.end, setting)
    with database.session() as s:
        fast = dossier_classes(s, period, settings=setting)
        assert fast == DossierClasses(**{k: len(v) for k, v in expected.items()})
        assert dossier_classes_from_records(s, period, settings=setting) == fast
        for name in DOSSIER_CLASS_NAMES:  # each class's drill-down lists exactly its rows
            assert set(dossiers_in_class(s, name, period, settings=setting)) == expected[name], name
        assert fast.identity_holds, fast.identity_breaks()
        by_field = dossier_classes_by_field(s, period, settings=setting)
        assert all(row.classes.identity_holds for row in by_field)
        assert sum((row.classes for row in by_field), DossierClasses()) == fast
        months = dossiers_by_month(s, period, settings=setting)
        assert all(x.classes is not None and x.classes.identity_holds for x in months)
        assert sum((x.classes for x in months if x.classes), DossierClasses()).received == fast.received
        assert months[-1].classes is not None and months[-1].classes.in_progress == fast.in_progress
        assert months[0].classes is not None and months[0].classes.carried_over == fast.carried_over
        # the figures' drill-downs list exactly their numerators' rows
        online = online_uptake(s, period, settings=setting)
        for key, figure in (
            ("dossiers_on_time", fast.on_time_figure),
            ("dossiers_early", fast.early_figure),
            ("online_uptake", online.overall),
            ("online_uptake_full", online.full),
            ("online_uptake_partial", online.partial),
        ):
            for part, n in (("numerator", figure.numerator), ("denominator", figure.denominator)):
                condition = figure_condition(key, part, period, setting)
                assert condition is not None
                assert len(s.scalars(select(m.Dossier.id).where(condition)).all()) == n, (key, part)


@pytest.mark.parametrize("preset", PRESETS)
def test_every_printed_table_satisfies_the_identity_on_the_demo(demo_db, preset) -> None:
    with demo_db.transaction() as s:
        s.scalar(select(m.OrganisationProfile)).outcome_rule = preset  # type: ignore[union-attr]
    with demo_db.session() as s:
        for key in ("2024", "2024-H1", "2024-Q3"):
            ind = compute_all(s, PeriodSpec.parse(key))
            assert ind.outcome_rule.key == preset
            tables = printed_tables(s, ind)
            assert [t.name for t in tables] == ["Biểu 06a", "Bảng hồ sơ theo lĩnh vực (báo cáo CCHC)"]
            assert table_findings(tables) == []
            assert all(c.identity_holds for _, c in tables[0].rows)


def test_the_default_rule_on_dossiers_that_ended_without_a_result(db) -> None:
    """Biểu 06a: returned / withdrawn / refused = resolved on time; stopped and waiting for supplements =
    in progress within deadline, even past their due date. OpenCPS-style: withdrawn is not received."""
    march = Period.between(D(2024, 3, 1), D(2024, 3, 31))
    with db.transaction() as s:
        r = Records(s)
        r.dossier(D(2024, 3, 1), D(2024, 3, 5), D(2024, 3, 20), outcome=DossierOutcome.RETURNED)
        r.dossier(D(2024, 3, 1), D(2024, 3, 5), D(2024, 3, 20), outcome=DossierOutcome.WITHDRAWN)
        r.dossier(D(2024, 3, 1), D(2024, 3, 5), D(2024, 3, 20), outcome=DossierOutcome.REFUSED)
        r.dossier(D(2024, 3, 1), D(2024, 3, 5), D(2024, 3, 20), outcome=DossierOutcome.STOPPED)
        waiting = r.dossier(D(2024, 3, 1), D(2024, 3, 5))
        s.add(m.DossierEvent(dossier_id=waiting.id, kind=DossierEventKind.SUPPLEMENT_REQUESTED,
                             occurred_on=D(2024, 3, 4)))  # fmt: skip
        answered = r.dossier(D(2024, 3, 1), D(2024, 3, 5))
        for kind, day in ((DossierEventKind.SUPPLEMENT_REQUESTED, D(2024, 3, 2)),
                          (DossierEventKind.SUPPLEMENT_RECEIVED, D(2024, 3, 9))):  # fmt: skip
            s.add(m.DossierEvent(dossier_id=answered.id, kind=kind, occurred_on=day))
    with db.session() as s:
        default = dossier_classes(s, march, settings=Settings())
        assert (default.received, default.resolved, default.on_time, default.late) == (6, 3, 3, 0)
        assert (default.in_progress, default.in_progress_within, default.in_progress_overdue) == (3, 2, 1)
        assert default.ended_without_result == 4 and default.identity_holds
        waiting_ids = s.scalars(select(m.Dossier.id).where(
            dossier_condition("in_progress_within", march, Settings()))).all()  # fmt: skip
        assert waiting.id in waiting_ids and answered.id not in waiting_ids
        opencps = dossier_classes(s, march, settings=Settings(outcome_rule=OUTCOME_RULES["opencps"]))
        assert (opencps.received, opencps.resolved, opencps.late, opencps.in_progress) == (5, 2, 2, 3)
        strict = dossier_classes(s, march, settings=Settings(outcome_rule=OUTCOME_RULES["by_due_date"]))
        assert (strict.received, strict.resolved, strict.late, strict.in_progress_overdue) == (6, 4, 4, 2)


def test_the_checks_catch_a_table_off_the_identity_and_a_sentence_off_its_table() -> None:
    """The 06a of the old code: 12 returned dossiers in no column — (3) 3.807 ≠ (7) 3.587 + (11) 208."""
    from cchc_desktop.core.checks import Claim, PrintedTable, claim_findings

    broken = DossierClasses(
        carried_over=187, received=3620, received_online=2644, received_direct=976, resolved=3587,
        early=3585, on_time=2, in_progress=208, in_progress_within=208,
    )  # fmt: skip
    messages = [
        f.message for f in table_findings([PrintedTable("Biểu 06a", (("Dược phẩm", broken),), broken)])
    ]
    assert messages == [
        "Biểu 06a, dòng “Dược phẩm”: kỳ trước chuyển sang (187) + tiếp nhận (3620) ≠ đã giải quyết (3587) + "
        "đang giải quyết (208).",
        "Biểu 06a, dòng “Tổng cộng”: kỳ trước chuyển sang (187) + tiếp nhận (3620) ≠ đã giải quyết (3587) + "
        "đang giải quyết (208).",
    ]
    off = claim_findings(
        [Claim("Lĩnh vực nhiều hồ sơ nhất “Dược phẩm”", 484, 537), Claim("Tổng", 3807, 3807)]
    )
    assert [f.message for f in off] == [
        "Lĩnh vực nhiều hồ sơ nhất “Dược phẩm”: câu báo cáo ghi 484, bảng ghi 537."
    ]


@pytest.mark.parametrize("key", ["2024-H1", "2024"])
def test_r2_most_and_fewest_fields_sentence_agrees_with_its_table(demo_db, key: str) -> None:
    import re

    from cchc_desktop.core.checks import claim_findings, sentence_claims
    from cchc_desktop.reports.cchc import build_cchc_report
    from cchc_desktop.reports.document import Table

    with demo_db.session() as s:
        doc = build_cchc_report(s, PeriodSpec.parse(key))
        ind = compute_all(s, PeriodSpec.parse(key))
    table = next(b for b in doc.noi_dung if isinstance(b, Table))
    handled = {row[1]: int(row[2].replace(".", "")) for row in table.rows[:-1]}
    found = re.search(
        r"nhiều hồ sơ tiếp nhận nhất: (.+?) \(([\d.]+) hồ sơ\); lĩnh vực có ít hồ sơ tiếp nhận nhất: (.+?) \(([\d.]+) hồ sơ\)",
        doc.text(),
    )
    assert found is not None
    most, most_n, fewest, fewest_n = (
        found.group(1),
        int(found.group(2).replace(".", "")),
        found.group(3),
        int(found.group(4).replace(".", "")),
    )
    assert handled[most] == most_n == max(handled.values())
    assert handled[fewest] == fewest_n == min(handled.values())
    assert claim_findings(sentence_claims(ind)) == []
