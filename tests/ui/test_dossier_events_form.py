"""The dossier form lists the dossier's events and records a new one with the dossier, in one save."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.enums import DossierEventKind, DossierOutcome
from cchc_desktop.core.indicators import Settings, dossier_classes
from cchc_desktop.core.periods import Period
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.pages.dossiers import DossierForm
from tests.ui.helpers import choose, set_text

D = dt.date
PERIOD = Period.between(D(2025, 3, 1), D(2025, 3, 31))
BY_EXTENSION = Settings(classify_against_extended_due=True)


def _late_dossier(ctx: AppContext) -> tuple[int, dt.date]:
    with ctx.db.transaction() as s:
        proc = s.scalar(select(m.Procedure).where(m.Procedure.resolution_days.is_not(None)).limit(1))
        d = services.create(s, m.Dossier, {"code": "HS-GIA-HAN", "procedure_id": proc.id,
                                           "received_on": D(2025, 3, 3), "due_on": D(2025, 3, 10),
                                           "resolved_on": D(2025, 3, 12)})
        return d.id, d.due_on


def _classes(ctx: AppContext, settings: Settings) -> tuple[int, int, int]:
    with ctx.db.session() as s:
        c = dossier_classes(s, PERIOD, settings=settings)
        return c.early, c.on_time, c.late


def test_extension_added_in_the_form_is_saved_and_changes_the_class(qtbot: Any, ctx: AppContext) -> None:
    dossier_id, due = _late_dossier(ctx)
    early, on_time, late = _classes(ctx, BY_EXTENSION)
    form = DossierForm(ctx, dossier_id)
    qtbot.addWidget(form)
    editor = form.events
    assert editor.model.rowCount() == 0
    choose(editor.kind, DossierEventKind.EXTENDED)
    assert editor.new_due_on.isEnabled()
    set_text(editor.occurred_on, "07/03/2025")
    set_text(editor.document_number, "15/PXL-SYT")
    set_text(editor.document_date, "07/03/2025")
    set_text(editor.new_due_on, "10/03/2025")  # not after the due date: refused under the event line
    editor.add_button.click()
    assert not editor.error.isHidden()
    assert "phải sau ngày hẹn trả (10/03/2025)" in editor.error.text()
    assert editor.model.rowCount() == 0
    set_text(editor.new_due_on, "12/03/2025")
    set_text(editor.note, "Chờ ý kiến thẩm định của đơn vị phối hợp")
    editor.add_button.click()
    assert editor.error.isHidden(), editor.error.text()
    assert editor.model.rowCount() == 1
    assert editor.model.item(0, 1).text() == DossierEventKind.EXTENDED.label
    with ctx.db.session() as s:  # nothing stored before the form is saved
        assert s.get(m.Dossier, dossier_id).extended_due_on is None
    assert form.save()
    with ctx.db.session() as s:
        d = s.get(m.Dossier, dossier_id)
        assert (d.due_on, d.extended_due_on, d.apology_letter) == (due, D(2025, 3, 12), "15/PXL-SYT")
        assert [(e.kind, e.document_date) for e in d.events] == [(DossierEventKind.EXTENDED, D(2025, 3, 7))]
    # Classed against the extended date it is now on time; against the original date it stays late.
    assert _classes(ctx, BY_EXTENSION) == (early, on_time + 1, late - 1)
    assert _classes(ctx, Settings())[2] == late


def test_return_and_its_removal_through_the_form(qtbot: Any, ctx: AppContext) -> None:
    with ctx.db.transaction() as s:
        proc = s.scalar(select(m.Procedure).where(m.Procedure.resolution_days.is_not(None)).limit(1))
        dossier_id = services.create(s, m.Dossier, {"code": "HS-TRA", "procedure_id": proc.id,
                                                    "received_on": D(2025, 3, 3)}).id
    form = DossierForm(ctx, dossier_id)
    qtbot.addWidget(form)
    choose(form.events.kind, DossierEventKind.RETURNED)
    assert not form.events.new_due_on.isEnabled()
    set_text(form.events.occurred_on, "05/03/2025")
    form.events.add_button.click()
    assert form.save()
    with ctx.db.session() as s:
        d = s.get(m.Dossier, dossier_id)
        assert (d.outcome, d.resolved_on) == (DossierOutcome.RETURNED, D(2025, 3, 5))
    again = DossierForm(ctx, dossier_id)
    qtbot.addWidget(again)
    assert again.events.model.rowCount() == 1
    again.events.view.selectRow(0)
    again.events.remove_selected()
    assert again.events.model.rowCount() == 0
    assert again.save()
    with ctx.db.session() as s:
        d = s.get(m.Dossier, dossier_id)
        assert (d.outcome, d.resolved_on, len(d.events)) == (None, None, 0)


def test_restarted_clock_shows_the_first_due_date_and_locks_the_due_date(qtbot: Any, ctx: AppContext) -> None:
    from cchc_desktop.core import dossier_events

    with ctx.db.transaction() as s:
        proc = s.scalar(select(m.Procedure).where(m.Procedure.resolution_days.is_not(None)).limit(1))
        d = services.create(s, m.Dossier, {"code": "HS-BS", "procedure_id": proc.id, "received_on": D(2025, 3, 3),
                                           "due_on": D(2025, 3, 14)})
        dossier_events.add_event(s, d.id, {"kind": DossierEventKind.SUPPLEMENT_REQUESTED,
                                           "occurred_on": D(2025, 3, 4)})
        dossier_events.add_event(s, d.id, {"kind": DossierEventKind.SUPPLEMENT_RECEIVED,
                                           "occurred_on": D(2025, 3, 6), "new_due_on": D(2025, 3, 20)})
        dossier_id = d.id
    form = DossierForm(ctx, dossier_id)
    qtbot.addWidget(form)
    assert not form.input("due_on").isEnabled()
    assert "Ngày hẹn trả ban đầu 14/03/2025" in form.due_hint.text()
    assert form.input("due_on").date() == D(2025, 3, 20)
    assert [form.events.model.item(r, 1).text() for r in range(2)] == [
        DossierEventKind.SUPPLEMENT_REQUESTED.label, DossierEventKind.SUPPLEMENT_RECEIVED.label]
    assert form.save()  # saved unchanged: the events still decide the due date
    with ctx.db.session() as s:
        assert s.get(m.Dossier, dossier_id).due_on == D(2025, 3, 20)
