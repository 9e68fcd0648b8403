"""Waiting for supplements is read from each dossier's own events (a regression: another dossier's
"supplement received" once made every waiting dossier overdue)."""

from __future__ import annotations

import datetime as dt

from cchc_desktop.core import models as m
from cchc_desktop.core.enums import DossierEventKind as K
from cchc_desktop.core.indicators import dossier_classes
from cchc_desktop.core.indicators.dossiers import dossiers_in_class
from cchc_desktop.core.periods import Period

from .indicator_data import Records

D = dt.date
MARCH = Period.between(D(2024, 3, 1), D(2024, 3, 31))


def test_a_waiting_dossier_stays_within_when_another_dossier_got_its_supplements(db) -> None:
    with db.transaction() as s:
        r = Records(s)
        waiting = r.dossier(D(2024, 3, 1), D(2024, 3, 10))  # due passed at the end, but waiting
        answered = r.dossier(D(2024, 3, 2), D(2024, 3, 12))  # its supplements came: overdue at the end
        for dossier, kind, day in ((waiting, K.SUPPLEMENT_REQUESTED, D(2024, 3, 4)),
                                   (answered, K.SUPPLEMENT_REQUESTED, D(2024, 3, 4)),
                                   (answered, K.SUPPLEMENT_RECEIVED, D(2024, 3, 6))):
            s.add(m.DossierEvent(dossier_id=dossier.id, kind=kind, occurred_on=day))
        waiting_id, answered_id = waiting.id, answered.id
    with db.session() as s:
        classes = dossier_classes(s, MARCH)
        overdue = dossiers_in_class(s, "in_progress_overdue", MARCH)
        within = dossiers_in_class(s, "in_progress_within", MARCH)
    assert (classes.in_progress, classes.in_progress_within, classes.in_progress_overdue) == (2, 1, 1)
    assert overdue == [answered_id] and within == [waiting_id]
