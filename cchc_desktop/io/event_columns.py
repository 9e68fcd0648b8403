"""The one-stop export's event columns of a dossier row → dossier events (SPEC §11).

A row may state: the day supplements were requested ("Ngày yêu cầu bổ sung") and received ("Ngày nhận bổ
sung"), the extension ("Ngày gia hạn", "Hạn sau gia hạn", "Số thư xin lỗi", "Ngày thư xin lỗi"), the stop
("Ngày dừng", "Số thông báo dừng") and a status ("Trả lại", "Rút hồ sơ", "Từ chối", "Dừng giải quyết").
``RowEvents`` turns them into events checked by ``core.dossier_events`` exactly as the form's are; events
already recorded are skipped, so importing the same file again adds none.

Kept apart from the dossier bulk lane (``io.bulk``): only rows with event data, or dossiers that already
have events, pass through here, and the events are inserted after their chunk's dossiers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import dossier_events as de
from ..core import models as m
from ..core import services
from ..core.enums import DossierEventKind as K
from ..core.enums import DossierOutcome

# Field keys of the import's event columns (see io.mapping) and their parsers' kind.
DATE_KEYS = ("supplement_requested_on", "supplement_received_on", "extended_on", "apology_date", "stopped_on")
TEXT_KEYS = ("stop_notice",)
# Columns the dossier itself has that imply an event (an extension, an ending outcome).
IMPLYING = ("extended_due", "outcome")
ENDING = tuple(de.OUTCOME_KIND)


def has_event_data(parsed: dict[str, Any]) -> bool:
    if any(parsed.get(k) is not None for k in (*DATE_KEYS, *TEXT_KEYS, "extended_due")):
        return True
    return parsed.get("outcome") in ENDING


def adjust_values(parsed: dict[str, Any], values: dict[str, Any]) -> None:
    """Before the dossier's rules: a stop date closes the dossier as stopped on that day (the status column
    may say so, or say nothing)."""
    stopped = parsed.get("stopped_on")
    if stopped is None:
        return
    if values.get("outcome") in (None, DossierOutcome.STOPPED):
        values["outcome"] = DossierOutcome.STOPPED
        if values.get("resolved_on") is None:
            values["resolved_on"] = stopped


def row_events(session: Session, parsed: dict[str, Any], rec: dict[str, Any]) -> list[de.Event]:
    """The events a row states (without those its dossier columns imply, which the core adds).

    Supplements received: when the row's due date falls on or after that day, the export shows the due date
    after the restart (the one-stop software re-appoints); the first due date is then computed from the
    receipt, if the procedure has a resolution time. Otherwise the new due date is computed from the day
    the supplements came."""
    out: list[de.Event] = []
    if parsed.get("supplement_requested_on") is not None:
        out.append(de.Event(K.SUPPLEMENT_REQUESTED, parsed["supplement_requested_on"]))
    received = parsed.get("supplement_received_on")
    if received is not None:
        due = rec.get("due_on")
        if due is not None and due >= received and rec.get("first_due_on") is None:
            out.append(de.Event(K.SUPPLEMENT_RECEIVED, received, new_due_on=due))
            proc = session.get(m.Procedure, rec["procedure_id"]) if rec.get("procedure_id") else None
            first = (services.compute_due_date(session, proc, rec["received_on"], rec.get("received_time"))
                     if proc is not None else None)
            if first is not None and first < due:
                rec["first_due_on"] = first
        else:
            out.append(de.Event(K.SUPPLEMENT_RECEIVED, received))
    if parsed.get("extended_on") is not None and rec.get("extended_due_on") is not None:
        out.append(de.Event(K.EXTENDED, parsed["extended_on"], document_number=rec.get("apology_letter"),
                            document_date=parsed.get("apology_date"), new_due_on=rec["extended_due_on"]))
    kind = de.OUTCOME_KIND.get(rec.get("outcome"))  # type: ignore[arg-type]
    if kind is not None and rec.get("resolved_on") is not None:
        number = parsed.get("stop_notice") if kind == K.STOPPED else None
        out.append(de.Event(kind, rec["resolved_on"], document_number=number))
    return out


class RowEvents:
    """The events of one dossier import: checked row by row, inserted after each chunk's dossiers."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pending: list[tuple[str, list[dict[str, Any]]]] = []  # dossier code, event rows

    def with_events(self, dossier_ids: Iterable[int]) -> set[int]:
        """The dossiers among ``dossier_ids`` that already have events (one query per chunk)."""
        ids = list(dossier_ids)
        if not ids:
            return set()
        stmt = select(m.DossierEvent.dossier_id).where(m.DossierEvent.dossier_id.in_(ids)).distinct()
        return set(self.session.scalars(stmt))

    def check(self, parsed: dict[str, Any], rec: dict[str, Any], own_id: int | None, user: str) -> None:
        """Replay the row's events over its dossier (``rec``, as it will be written); sets ``rec``'s state
        columns; raises ``ValidationError`` for the row's reject reason."""
        extra = row_events(self.session, parsed, rec)
        rows = de.reconcile_record(self.session, rec, own_id, extra, count_given="supplement_requests" in parsed)
        if rows:
            values = [{**{k: getattr(r, k) for k in de.EVENT_FIELDS}, "updated_by": user} for r in rows]
            self.pending.append((rec["code"], values))

    def write(self, ids: dict[str, int]) -> int:
        """Insert the checked events of the chunk whose dossiers now exist (``ids``: code → id) — as ORM rows:
        few next to the dossiers, and so written to the audit trail with the import's batch (its undo
        removes them with the dossiers)."""
        rows = [m.DossierEvent(**v, dossier_id=ids[code]) for code, values in self.pending for v in values]
        self.pending = []
        if rows:
            self.session.add_all(rows)
            self.session.flush()
        return len(rows)
