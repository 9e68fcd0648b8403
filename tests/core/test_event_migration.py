"""Migration 0003 moves the dossier columns of older databases into events, without loss."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy import select

from cchc_desktop.core import dossier_events as ev
from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.db import open_database
from cchc_desktop.core.enums import DossierEventKind as K
from cchc_desktop.core.enums import DossierOutcome

D = dt.date
FIXTURE = Path(__file__).parents[1] / "fixtures" / "schema_0001.sql"
COLUMNS = ("code", "due_on", "extended_due_on", "apology_letter", "resolved_on", "outcome", "supplement_requests")

# code, received, due, extended, apology letter, resolved, outcome, supplement requests
OLD_DOSSIERS = [
    ("HS-EXT", "2024-03-01", "2024-03-15", "2024-03-29", "07/PXL-SYT ngày 14/3/2024", "2024-03-28", "resolved", 0),
    ("HS-EXT-OPEN", "2024-03-01", "2024-03-15", "2024-04-10", None, None, None, 0),
    ("HS-EXT-EARLY", "2024-03-01", "2024-03-15", "2024-03-20", "08/PXL", "2024-03-12", "resolved", 0),
    ("HS-RET", "2024-03-02", "2024-03-16", None, None, "2024-03-05", "returned", 1),
    ("HS-SUPP", "2024-03-03", "2024-03-17", None, None, None, None, 2),
    ("HS-PLAIN", "2024-03-04", "2024-03-18", None, None, "2024-03-10", "resolved", 0),
]


def _old_database(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript(FIXTURE.read_text(encoding="utf-8"))
    con.execute("INSERT INTO field (id, name, sort_order) VALUES (1, 'Dược phẩm', 0)")
    con.execute("INSERT INTO procedure (id, code, name, field_id, online_level, resolution_days, resolution_unit, "
                "steps_match, published_in_qms, needs_review) VALUES (1, '1.004616', 'Cấp CCHN dược', 1, 'none', "
                "10, 'working_days', 0, 0, 0)")
    for code, received, due, ext, letter, resolved, outcome, supp in OLD_DOSSIERS:
        con.execute(
            "INSERT INTO dossier (code, procedure_id, field_id, channel, received_on, due_on, extended_due_on, "
            "apology_letter, resolved_on, outcome, supplement_requests) VALUES (?, 1, 1, 'direct', ?, ?, ?, ?, ?, ?, ?)",
            (code, received, due, ext, letter, resolved, outcome, supp))
    con.commit()
    con.close()


def _snapshot(path: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    con = sqlite3.connect(path)
    try:
        dossiers = con.execute(f"SELECT {', '.join(COLUMNS)} FROM dossier ORDER BY code").fetchall()
        closed = con.execute("SELECT day, outcome, vs_due, vs_extended, n FROM dossier_closed_day WHERE n > 0 "
                             "ORDER BY 1, 2, 3, 4").fetchall()
        received = con.execute("SELECT day, channel, n FROM dossier_received_day WHERE n > 0 ORDER BY 1").fetchall()
        return dossiers, closed, received
    finally:
        con.close()


def test_old_columns_become_events_and_counts_stay(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_database(path)
    before = _snapshot(path)
    db = open_database(path)  # upgrades to the head
    try:
        with db.session() as s:
            ids = dict(s.execute(select(m.Dossier.code, m.Dossier.id)).all())
            events = {
                code: [(e.kind, e.occurred_on, e.new_due_on, e.document_number) for e in ev.events_of(s, ids[code])]
                for code in ids
            }
    finally:
        db.close()
    assert _snapshot(path) == before  # the columns and the day counts are untouched
    assert events == {
        "HS-EXT": [(K.EXTENDED, D(2024, 3, 15), D(2024, 3, 29), "07/PXL-SYT ngày 14/3/2024")],
        "HS-EXT-OPEN": [(K.EXTENDED, D(2024, 3, 15), D(2024, 4, 10), None)],
        "HS-EXT-EARLY": [(K.EXTENDED, D(2024, 3, 12), D(2024, 3, 20), "08/PXL")],  # capped at the closing day
        "HS-RET": [(K.RETURNED, D(2024, 3, 5), None, None)],
        "HS-SUPP": [],  # two undated requests: the count stays, no invented dates
        "HS-PLAIN": [],
    }


def test_moved_events_replay_to_the_same_columns(tmp_path: Path) -> None:
    """After the move, the services' replay of each dossier's events gives back exactly its columns, and
    a new event can be recorded on a moved dossier."""
    path = tmp_path / "old.db"
    _old_database(path)
    db = open_database(path)
    try:
        with db.session() as s:
            for d in s.scalars(select(m.Dossier)):
                stored = [ev.Event.of(r) for r in d.events]
                state = ev.derive(s, ev.base_of(d.__dict__, stored, d.procedure), stored)
                assert all(getattr(d, k) == v for k, v in state.items()), d.code
        with db.transaction() as s:
            hs = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-SUPP"))
            ev.add_event(s, hs.id, {"kind": K.SUPPLEMENT_REQUESTED, "occurred_on": D(2024, 3, 4)})
            assert hs.supplement_requests == 3
            ret = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-RET"))
            services.update(s, m.Dossier, ret.id, {"note": "đã kiểm tra"})
            assert (ret.outcome, ret.resolved_on) == (DossierOutcome.RETURNED, D(2024, 3, 5))
    finally:
        db.close()
