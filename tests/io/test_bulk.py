"""The dossier import's fast lane gives what ``services`` gives (same record, or the same field and
message), and a large load leaves the schema (indexes, triggers) and the day counts exactly as before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.db import Database
from cchc_desktop.core.enums import Channel, DossierOutcome, DurationUnit
from cchc_desktop.core.errors import ValidationError
from cchc_desktop.core.indicators import dossier_counts_drift
from cchc_desktop.io import importer
from cchc_desktop.io.bulk import COLUMNS, DossierRules
from cchc_desktop.io.importer import import_file

from .helpers import DOSSIERS, dossier_codes, flat_rows, schema, seed_catalogue, write_xlsx

_RULES = tuple(r for r in services.GENERIC_RULES if r is not services._rule_unique) + services.RULES[m.Dossier]


def reference(session: Any, values: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """What ``services`` does with the same values (normalise, merge, fill, every rule but unique)."""
    rec = services.normalise(m.Dossier, values)
    if old is not None:
        rec = {**{k: old[k] for k in COLUMNS}, **rec}
    else:
        rec = {**dict.fromkeys(COLUMNS), **rec}
        rec["channel"] = rec["channel"] or m.Dossier.__table__.c.channel.default.arg
        rec["supplement_requests"] = 0 if rec["supplement_requests"] is None else rec["supplement_requests"]
    services.FILLERS[m.Dossier](session, rec)
    for rule in _RULES:
        rule(session, m.Dossier, rec, None if old is None else old["id"])
    return rec


def outcome(fn: Any, *args: Any) -> tuple[str, Any]:
    try:
        return "ok", fn(*args)
    except ValidationError as exc:
        return "rejected", (exc.field, exc.message)


AHEAD = [dt.date.today() + dt.timedelta(days=n) for n in (366, 367, 400)]  # the limit is a year and a day
days = st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2024, 12, 31)), st.sampled_from(AHEAD))
texts = st.one_of(
    st.none(),
    st.text(st.sampled_from("aA0 -ếệ\u0301e"), min_size=1, max_size=12),
    st.just("x" * 81),
    st.just("Người nộp " + "ệ" * 300),
)


@st.composite
def dossier_values(draw: st.DrawFn, procedure_ids: list[int]) -> dict[str, Any]:
    values: dict[str, Any] = {"code": draw(st.sampled_from(["HS-1", "hs 2", " HS-3 ", "x" * 81, "Hồ sơ 4"]))}
    values["procedure_id"] = draw(st.sampled_from(procedure_ids))
    for key in ("received_on", "due_on", "extended_due_on", "resolved_on"):
        if draw(st.booleans()):
            values[key] = draw(days)
    values["received_time"] = draw(st.sampled_from([None, dt.time(8, 30), dt.time(16, 0)]))
    for key, options in (("channel", list(Channel)), ("outcome", list(DossierOutcome))):
        if draw(st.booleans()):
            values[key] = draw(st.sampled_from([None, *options]))
    if draw(st.booleans()):
        values["supplement_requests"] = draw(st.integers(-2, 3))
    for key in ("applicant", "apology_letter", "note"):
        if draw(st.booleans()):
            values[key] = draw(texts)
    return values


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fast_rules_match_services(db: Database, data: st.DataObject) -> None:
    if not dossier_codes(db):
        seed_catalogue(db)
        with db.transaction() as s:
            proc = s.scalar(select(m.Procedure).where(m.Procedure.code == "2.002"))
            services.update(s, m.Procedure, proc.id, {"resolution_days": 10,
                                                       "resolution_unit": DurationUnit.WORKING_DAYS})
            existing = services.create(s, m.Dossier, {"code": "HS-1", "procedure_id": proc.id,
                                                       "received_on": dt.date(2024, 1, 2),
                                                       "resolved_on": dt.date(2024, 1, 9)})
            assert existing.due_on is not None
    with db.session() as s:
        procedures = {p.id: p for p in s.scalars(select(m.Procedure))}
        old_row = dict(s.execute(select(m.Dossier.__table__)).mappings().one())
        values = data.draw(dossier_values(sorted(procedures)))
        old = data.draw(st.sampled_from([None, old_row]))
        fast = outcome(DossierRules(s, procedures).prepare, dict(values), old)
        slow = outcome(reference, s, dict(values), old)
    assert fast == slow


def test_large_load_rebuilds_indexes_triggers_and_counts(db: Database, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    seed_catalogue(db)
    before = schema(db)
    assert sum(1 for kind, _n, _s in before if kind == "index") >= 5 and sum(1 for k, *_ in before if k == "trigger") == 3
    monkeypatch.setattr(importer, "BULK_THRESHOLD", 0)
    monkeypatch.setattr(importer, "CHUNK", 2)
    assert import_file(db, "dossiers", write_xlsx(tmp_path / "a.xlsx", flat_rows())).imported == 4
    assert schema(db) == before
    with db.session() as s:
        assert dossier_counts_drift(s) == (4, 4, 3, 3)
        used = s.execute(text("EXPLAIN QUERY PLAN SELECT id FROM dossier WHERE received_on = '2024-01-15'")).all()
        assert "ix_dossier_received" in str(used)
    # a failure part-way through a large load: indexes and triggers are back as they were
    rows = [(f"HS-9{i}", *DOSSIERS[0][1:]) for i in range(6)]
    real = importer._parse_cells
    calls: list[int] = []

    def failing(header: Any, cells: list[Any]) -> Any:
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("injected")
        return real(header, cells)

    monkeypatch.setattr(importer, "_parse_cells", failing)
    with pytest.raises(RuntimeError, match="injected"):
        import_file(db, "dossiers", write_xlsx(tmp_path / "b.xlsx", flat_rows(rows)))
    assert schema(db) == before
    assert dossier_codes(db) == [r[0] for r in DOSSIERS]


def _counts(db: Database) -> tuple[list[Any], list[Any]]:
    with db.session() as s:
        received = s.execute(select(m.DossierReceivedDay.__table__).order_by(*m.DossierReceivedDay.__table__.c)).all()
        closed = s.execute(select(m.DossierClosedDay.__table__).order_by(*m.DossierClosedDay.__table__.c)).all()
    return received, closed


def _register(count: int, *, start: int = 0, resolved: str = "{d:02d}/02/2024") -> list[list[Any]]:
    rows = [(f"HS-{start + i:05d}", "1.001" if i % 3 else "2.002", "Cấp phép", f"Người nộp {i}",
             ("Trực tuyến", "Trực tiếp")[i % 2], f"{1 + i % 28:02d}/01/2024", f"{1 + i % 28:02d}/02/2024",
             "" if i % 5 == 0 else resolved.format(d=1 + i % 27)) for i in range(count)]
    return flat_rows(rows)


def test_day_counts_kept_chunk_by_chunk_are_the_rebuilt_ones(db: Database, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A large load adds each chunk's rows to the day counts as it writes them (``add_counts``); the
    counts are then exactly what a rebuild from the dossiers gives — also when a later large load
    changes rows (then the counts are rebuilt) — and the multi-row INSERT keeps every row."""
    from cchc_desktop.core.indicators import rebuild_dossier_counts
    from cchc_desktop.io import bulk

    seed_catalogue(db)
    monkeypatch.setattr(importer, "BULK_THRESHOLD", 0)
    monkeypatch.setattr(importer, "CHUNK", 100)  # several chunks, each long enough for the lane
    monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", 7)  # several statements a chunk
    added: list[int] = []
    real_add = bulk.DossierWriter.add_counts
    monkeypatch.setattr(bulk.DossierWriter, "add_counts", lambda self, above: (added.append(above), real_add(self, above)))
    result = import_file(db, "dossiers", write_xlsx(tmp_path / "a.xlsx", _register(350)))
    assert (result.imported, result.rejects) == (350, [])
    assert len(added) == 4  # one per chunk
    assert len(dossier_codes(db)) == 350
    kept = _counts(db)
    with db.transaction() as s:
        rebuild_dossier_counts(s)
    assert _counts(db) == kept and kept[0] and kept[1]
    with db.session() as s:
        assert dossier_counts_drift(s) == (350, 350, 280, 280)
    # a second large load: 300 rows changed (a later result date) and 100 new
    changed = _register(300, resolved="{d:02d}/03/2024")[1:] + _register(100, start=350)[1:]
    result = import_file(db, "dossiers", write_xlsx(tmp_path / "b.xlsx", [_register(0)[0], *changed]))
    assert (result.imported, result.updated, result.rejects) == (100, 300, [])
    kept = _counts(db)
    with db.transaction() as s:
        rebuild_dossier_counts(s)
    assert _counts(db) == kept
    with db.session() as s:
        assert dossier_counts_drift(s) == (450, 450, 360, 360)
        march = s.scalar(select(func.sum(m.DossierClosedDay.n)).where(m.DossierClosedDay.day >= dt.date(2024, 3, 1)))
        assert march == 240  # the changed rows with a result date are counted on their new day


def test_a_failure_on_the_sql_thread_rolls_the_import_back(db: Database, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The SQL of a chunk runs on a helper thread (``bulk.Overlap``): its failure reaches the caller,
    nothing of the import stays, the schema is whole, and no thread or switch interval is left behind."""
    import sys
    import threading

    from cchc_desktop.io import bulk

    seed_catalogue(db)
    before = schema(db)
    monkeypatch.setattr(importer, "BULK_THRESHOLD", 0)
    monkeypatch.setattr(importer, "CHUNK", 100)
    real = bulk.DossierWriter.insert_block
    calls: list[str] = []

    def failing(self: Any, rows: list[Any]) -> None:
        calls.append(threading.current_thread().name)
        if len(calls) == 3:
            raise RuntimeError("disk gone")
        real(self, rows)

    monkeypatch.setattr(bulk.DossierWriter, "insert_block", failing)
    interval = sys.getswitchinterval()
    with pytest.raises(RuntimeError, match="disk gone"):
        import_file(db, "dossiers", write_xlsx(tmp_path / "a.xlsx", _register(350)))
    assert all(name.startswith("cchc-import-sql") for name in calls)
    assert dossier_codes(db) == [] and schema(db) == before
    assert sys.getswitchinterval() == interval
    assert not [t for t in threading.enumerate() if t.name.startswith("cchc-import-sql")]
    # a cancel while a chunk's SQL is running: nothing stays either
    monkeypatch.setattr(bulk.DossierWriter, "insert_block", real)
    result = import_file(db, "dossiers", write_xlsx(tmp_path / "a.xlsx", _register(350)),
                         progress=lambda done, total, text: done < 200)
    assert result.cancelled and dossier_codes(db) == [] and schema(db) == before


@pytest.mark.parametrize("enabled", [True, False])
def test_automatic_collection_is_held_off_during_an_import_and_left_as_found(
    db: Database, tmp_path: Path, enabled: bool
) -> None:
    import gc

    seed_catalogue(db)
    path = write_xlsx(tmp_path / "ho-so.xlsx", flat_rows())
    during: list[bool] = []
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        result = import_file(db, "dossiers", path, progress=lambda *_: during.append(gc.isenabled()))
        after = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert result.imported == len(DOSSIERS) and during and not any(during)
    assert after is enabled  # the app's collector (ui.collector) keeps it off: never switched back on
