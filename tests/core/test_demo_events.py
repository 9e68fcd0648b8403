"""The demo's dossier events: realistic 2025-regime events, columns equal to them, reference figures kept
(tests/core/test_golden.py pins the figures)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from cchc_desktop.core import dossier_events as ev
from cchc_desktop.core import models as m
from cchc_desktop.core.db import open_database
from cchc_desktop.core.demo import PERIOD_END, PERIOD_START
from cchc_desktop.core.enums import DossierEventKind as K
from cchc_desktop.core.enums import DossierOutcome


def test_demo_events_match_the_columns(demo_db_file: Path) -> None:
    db = open_database(demo_db_file)
    try:
        with db.session() as s:
            dossiers = list(s.scalars(select(m.Dossier).where(m.Dossier.events.any())))
            kinds: Counter[K] = Counter()
            for d in dossiers:
                stored = [ev.Event.of(r) for r in d.events]
                state = ev.derive(s, ev.base_of(d.__dict__, stored, d.procedure), stored)
                assert all(getattr(d, k) == v for k, v in state.items()), d.code
                kinds.update(e.kind for e in stored)
            # every extension and every end without a result the columns show is a dated event
            implied = s.scalars(select(m.Dossier.code).where(
                ~m.Dossier.events.any(),
                (m.Dossier.extended_due_on.is_not(None)) | (m.Dossier.outcome != DossierOutcome.RESOLVED))).all()
            assert implied == []
            in_2024 = [d for d in dossiers if PERIOD_START <= d.received_on <= PERIOD_END]
            restarted = [d for d in in_2024 if d.first_due_on is not None]
            extended = [d for d in in_2024 if d.extended_due_on is not None]
    finally:
        db.close()
    # 11 requests of the event demo + the 12 dossiers still waiting for supplements at the 2024 cut-off
    assert kinds[K.SUPPLEMENT_REQUESTED] == 11 + 12 and kinds[K.SUPPLEMENT_RECEIVED] >= 10
    assert len(restarted) >= 10 and all(d.due_on > d.first_due_on for d in restarted)
    assert len(extended) == 5
    assert all(d.apology_letter and d.apology_letter.endswith("/PXL-SYT") for d in extended)
    assert kinds[K.RETURNED] >= 12
