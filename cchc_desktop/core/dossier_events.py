"""Dossier events of the 2025 regime (SPEC §11; Nghị định 118/2025/NĐ-CP, forms of Thông tư 03/2025/TT-VPCP).

The events are the record; six dossier columns are its current state, kept equal to the events here, in
the same transaction, so the counting rules read one row per dossier:

- ``due_on``: the due date after the last restart of the clock (a ``supplement_received`` event's new due
  date, computed from the procedure's resolution time and the working-day calendar when not given);
  ``first_due_on`` keeps the due date given at receipt once the clock has restarted (NULL before);
- ``extended_due_on`` / ``apology_letter``: the one extension allowed and its apology letter (Mẫu 04);
- ``resolved_on`` / ``outcome``: an ending event (returned, withdrawn, refused, stopped) sets its outcome
  and the day it ended; a dossier resolved with a result keeps its own resolved date (no event);
- ``supplement_requests``: the undated requests (a count imported or kept from before events existed,
  see migration 0003) + the dated ``supplement_requested`` events.

Every change replays the whole list of events against the dossier (``derive``), so a rule is checked in
one place whatever the entry: the dossier form's list of events, ``services.create``/``update`` of a
dossier whose columns imply an event (an import, an older caller), or the import's event columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import models as m
from .enums import DossierEventKind as K
from .enums import DossierOutcome
from .errors import ValidationError
from .labels import field_label

ENDING_OUTCOME: dict[K, DossierOutcome] = {
    K.RETURNED: DossierOutcome.RETURNED,
    K.WITHDRAWN: DossierOutcome.WITHDRAWN,
    K.REFUSED: DossierOutcome.REFUSED,
    K.STOPPED: DossierOutcome.STOPPED,
}
OUTCOME_KIND: dict[DossierOutcome, K] = {v: k for k, v in ENDING_OUTCOME.items()}
# Same-day order: a request before its receipt, the extension after a restart, the end last.
_DAY_ORDER = {K.SUPPLEMENT_REQUESTED: 0, K.SUPPLEMENT_RECEIVED: 1, K.EXTENDED: 2}
WITH_NEW_DUE = (K.SUPPLEMENT_RECEIVED, K.EXTENDED)
EVENT_FIELDS = ("kind", "occurred_on", "document_number", "document_date", "new_due_on", "note")
# An extension given only as a column (an import's "Hạn sau gia hạn", an older caller) has no date.
UNDATED_EXTENSION_NOTE = "Không rõ ngày gia hạn: ghi tạm theo ngày hẹn trả ban đầu."


def fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass
class Event:
    """One event as replayed; ``row`` is the stored row (None for a new one)."""

    kind: K
    occurred_on: dt.date
    document_number: str | None = None
    document_date: dt.date | None = None
    new_due_on: dt.date | None = None
    note: str | None = None
    row: m.DossierEvent | None = field(default=None, compare=False)

    @classmethod
    def of(cls, row: m.DossierEvent) -> Event:
        return cls(row.kind, row.occurred_on, row.document_number, row.document_date, row.new_due_on,
                   row.note, row)

    def values(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in EVENT_FIELDS}


@dataclass
class Base:
    """What a dossier says by itself, without its events."""

    received_on: dt.date
    first_due: dt.date  # the due date given at receipt
    resolved_on: dt.date | None  # resolved with a result (outcome RESOLVED)
    undated_requests: int
    apology_letter: str | None  # the column, when no extension event stands behind it
    procedure: m.Procedure | None


@dataclass
class State:
    """The dossier columns the events decide."""

    due_on: dt.date
    first_due_on: dt.date | None
    extended_due_on: dt.date | None
    apology_letter: str | None
    supplement_requests: int
    resolved_on: dt.date | None
    outcome: DossierOutcome | None

    def items(self) -> Iterable[tuple[str, Any]]:
        return self.__dict__.items()


def base_of(cols: Mapping[str, Any], stored: Sequence[Event], procedure: m.Procedure | None) -> Base:
    """The dossier's own data from its columns (``cols``: a record or a dossier's attributes)."""
    requested = sum(e.kind == K.SUPPLEMENT_REQUESTED for e in stored)
    has_extension = any(e.kind == K.EXTENDED for e in stored)
    return Base(
        received_on=cols["received_on"],
        first_due=cols.get("first_due_on") or cols["due_on"],
        resolved_on=cols["resolved_on"] if cols.get("outcome") == DossierOutcome.RESOLVED else None,
        undated_requests=max(0, (cols.get("supplement_requests") or 0) - requested),
        apology_letter=None if has_extension else cols.get("apology_letter"),
        procedure=procedure,
    )


def day_order(kind: Any) -> int:
    """Rank of an event among those of the same day."""
    return _DAY_ORDER.get(kind, 3)


def ordered(events: Iterable[Event]) -> list[Event]:
    indexed = list(enumerate(events))
    indexed.sort(key=lambda ie: (ie[1].occurred_on, day_order(ie[1].kind), ie[0]))
    return [e for _, e in indexed]


def derive(session: Session, base: Base, events: Iterable[Event]) -> State:
    """Replay ``events`` over ``base``: the dossier's state, or ``ValidationError`` naming the event field
    and the reason. A receipt of supplements without a new due date gets the computed one (stored)."""
    from .services import MAX_FUTURE, compute_due_date

    limit = dt.date.today() + MAX_FUTURE
    due = base.first_due
    pending: Event | None = None
    extension: Event | None = None
    end: Event | None = None
    restarted = False
    requests = 0
    events = ordered(events)
    for i, ev in enumerate(events):
        label = ev.kind.label
        for key in ("occurred_on", "document_date", "new_due_on"):
            value = getattr(ev, key)
            if value is not None and value > limit:
                raise ValidationError(key, f"{field_label(m.DossierEvent, key)} ({fmt(value)}) vượt quá một "
                                           "năm kể từ hôm nay; vui lòng kiểm tra lại.")
        if ev.occurred_on < base.received_on:
            raise ValidationError("occurred_on", f"Ngày “{label}” ({fmt(ev.occurred_on)}) không được trước "
                                                 f"ngày tiếp nhận hồ sơ ({fmt(base.received_on)}).")
        if ev.document_date is not None and ev.document_date < base.received_on:
            raise ValidationError("document_date", f"Ngày văn bản ({fmt(ev.document_date)}) không được trước "
                                                   f"ngày tiếp nhận hồ sơ ({fmt(base.received_on)}).")
        if end is not None:
            raise ValidationError("occurred_on", f"Hồ sơ đã kết thúc ngày {fmt(end.occurred_on)} "
                                                 f"({end.kind.label.lower()}): không ghi thêm “{label}” sau đó.")
        if base.resolved_on is not None and ev.kind in ENDING_OUTCOME:
            raise ValidationError("kind", f"Hồ sơ đã có kết quả giải quyết ngày {fmt(base.resolved_on)}: không "
                                          f"ghi “{label}” được; hãy bỏ ngày trả kết quả trước.")
        if base.resolved_on is not None and ev.occurred_on > base.resolved_on:
            raise ValidationError("occurred_on", f"Hồ sơ đã có kết quả giải quyết ngày {fmt(base.resolved_on)}: "
                                                 f"“{label}” ({fmt(ev.occurred_on)}) không được sau ngày đó.")
        if ev.new_due_on is not None and ev.kind not in WITH_NEW_DUE:
            raise ValidationError("new_due_on", f"“{label}” không có hạn giải quyết mới: chỉ gia hạn hoặc nhận "
                                                "hồ sơ bổ sung mới có hạn mới.")
        if ev.kind == K.SUPPLEMENT_REQUESTED:
            if pending is not None:
                raise ValidationError("occurred_on", f"Hồ sơ đang chờ bổ sung theo yêu cầu ngày "
                                                     f"{fmt(pending.occurred_on)}: hãy ghi ngày nhận hồ sơ bổ sung "
                                                     "trước khi yêu cầu bổ sung lần nữa.")
            pending = ev
            requests += 1
        elif ev.kind == K.SUPPLEMENT_RECEIVED:
            if pending is None:
                later = next((e for e in events[i + 1:] if e.kind == K.SUPPLEMENT_REQUESTED), None)
                if later is not None:
                    raise ValidationError("occurred_on", f"Ngày nhận hồ sơ bổ sung ({fmt(ev.occurred_on)}) phải "
                                                         f"sau ngày yêu cầu bổ sung ({fmt(later.occurred_on)}).")
                raise ValidationError("kind", f"Chưa có yêu cầu bổ sung nào đến ngày {fmt(ev.occurred_on)}: hãy "
                                              "ghi sự kiện yêu cầu bổ sung trước.")
            pending = None
            if ev.new_due_on is None:  # the clock restarts from the complete dossier's receipt
                computed = (compute_due_date(session, base.procedure, ev.occurred_on, None)
                            if base.procedure is not None else None)
                if computed is None:
                    raise ValidationError("new_due_on", "Vui lòng nhập hạn giải quyết mới (thủ tục chưa có thời "
                                                        "hạn giải quyết để tự tính).")
                ev.new_due_on = computed
            if ev.new_due_on < ev.occurred_on:
                raise ValidationError("new_due_on", f"Hạn giải quyết mới ({fmt(ev.new_due_on)}) không được trước "
                                                    f"ngày nhận hồ sơ bổ sung ({fmt(ev.occurred_on)}).")
            if extension is not None and extension.new_due_on is not None and ev.new_due_on > extension.new_due_on:
                raise ValidationError("new_due_on", f"Hạn giải quyết mới ({fmt(ev.new_due_on)}) muộn hơn hạn đã "
                                                    f"gia hạn ({fmt(extension.new_due_on)}): hãy sửa sự kiện gia "
                                                    "hạn trước.")
            due, restarted = ev.new_due_on, True
        elif ev.kind == K.EXTENDED:
            if extension is not None:
                raise ValidationError("kind", f"Hồ sơ chỉ được gia hạn một lần (đã gia hạn ngày "
                                              f"{fmt(extension.occurred_on)}).")
            if ev.new_due_on is None:
                raise ValidationError("new_due_on", "Vui lòng nhập hạn giải quyết mới sau gia hạn.")
            if ev.new_due_on <= due:
                raise ValidationError("new_due_on", f"Hạn giải quyết mới sau gia hạn ({fmt(ev.new_due_on)}) phải "
                                                    f"sau ngày hẹn trả ({fmt(due)}).")
            extension = ev
        else:
            end = ev
    if end is not None:
        resolved_on: dt.date | None = end.occurred_on
        outcome: DossierOutcome | None = ENDING_OUTCOME[end.kind]
    else:
        resolved_on = base.resolved_on
        outcome = DossierOutcome.RESOLVED if resolved_on is not None else None
    return State(
        due_on=due,
        first_due_on=base.first_due if restarted else None,
        extended_due_on=extension.new_due_on if extension is not None else None,
        apology_letter=extension.document_number if extension is not None else base.apology_letter,
        supplement_requests=base.undated_requests + requests,
        resolved_on=resolved_on,
        outcome=outcome,
    )


# --------------------------------------------------------------------------- the form's list of events


def _stored(session: Session, dossier_id: int) -> list[m.DossierEvent]:
    stmt = select(m.DossierEvent).where(m.DossierEvent.dossier_id == dossier_id).order_by(
        m.DossierEvent.occurred_on, m.DossierEvent.id)
    return list(session.scalars(stmt))


def _event_values(values: Mapping[str, Any]) -> dict[str, Any]:
    from .services import normalise

    rec = normalise(m.DossierEvent, {k: v for k, v in values.items() if k != "dossier_id"})
    if rec.get("kind") is None and "kind" in values:
        raise ValidationError("kind", "Vui lòng chọn sự kiện.")
    if rec.get("occurred_on") is None and "occurred_on" in values:
        raise ValidationError("occurred_on", "Vui lòng nhập ngày của sự kiện.")
    return rec


def _dossier_cols(dossier: m.Dossier) -> dict[str, Any]:
    return {k: getattr(dossier, k) for k in ("received_on", "due_on", "first_due_on", "resolved_on", "outcome",
                                               "supplement_requests", "apology_letter")}


def _save(session: Session, dossier: m.Dossier, rows: list[m.DossierEvent], events: list[Event],
          user: str | None) -> None:
    """Replay ``events`` (the dossier's whole new list), then write events and columns together."""
    from .services import _integrity_message, current_user, touch

    stored = [Event.of(r) for r in rows]
    state = derive(session, base_of(_dossier_cols(dossier), stored, dossier.procedure), events)
    who = user or current_user()
    try:
        with session.begin_nested():
            kept = {id(e.row) for e in events if e.row is not None}
            changed = False  # any event added, removed or edited
            for row in rows:
                if id(row) not in kept:
                    session.delete(row)
                    changed = True
            for ev in events:
                target = ev.row
                if target is None:
                    target = ev.row = m.DossierEvent(dossier_id=dossier.id)
                    session.add(target)
                if target.id is None or any(getattr(target, k) != v for k, v in ev.values().items()):
                    for k, v in ev.values().items():
                        setattr(target, k, v)
                    target.updated_by = who
                    changed = True
            for key, value in state.items():
                if getattr(dossier, key) != value:
                    setattr(dossier, key, value)
            dossier.updated_by = who
            bumped = session.is_modified(dossier)  # its own columns changed: the flush moves its version on
            session.flush()
            if changed and not bumped:
                # only an event changed (its note, say): the dossier's version moves on all the same, so a
                # save of the dossier based on an older read of its events is refused
                touch(session, dossier)
    except IntegrityError as exc:
        raise ValidationError(None, _integrity_message(m.DossierEvent, exc)) from exc
    session.expire(dossier, ["events"])


def add_event(session: Session, dossier_id: int, values: Mapping[str, Any], *, user: str | None = None
              ) -> m.DossierEvent:
    """Record one event of a dossier; its columns follow. Raises ``ValidationError`` with nothing saved."""
    from .services import get

    dossier = get(session, m.Dossier, dossier_id)
    rec = _event_values({"kind": None, "occurred_on": None, **values})
    rows = _stored(session, dossier_id)
    new = Event(**rec)
    _save(session, dossier, rows, [*(Event.of(r) for r in rows), new], user)
    assert new.row is not None
    return new.row


def update_event(session: Session, event_id: int, values: Mapping[str, Any], *, user: str | None = None
                 ) -> m.DossierEvent:
    """Change one event (the whole list is checked again); its dossier's columns follow."""
    from .services import get

    row = get(session, m.DossierEvent, event_id)
    dossier = get(session, m.Dossier, row.dossier_id)
    rec = _event_values(values)
    rows = _stored(session, dossier.id)
    events = []
    for r in rows:
        ev = Event.of(r)
        if r.id == event_id:
            moved = "occurred_on" in rec and rec["occurred_on"] != ev.occurred_on
            for k, v in rec.items():
                setattr(ev, k, v)
            if "new_due_on" not in rec and (ev.kind not in WITH_NEW_DUE
                                            or (moved and ev.kind == K.SUPPLEMENT_RECEIVED)):
                ev.new_due_on = None  # not this kind's, or computed again from the new day
        events.append(ev)
    _save(session, dossier, rows, events, user)
    return row


def remove_event(session: Session, event_id: int, *, user: str | None = None) -> None:
    """Remove one event (an entry made by mistake); the dossier's columns go back to what the others say.
    Refused when the remaining events no longer hold (e.g. the request before a receipt)."""
    from .services import get

    row = get(session, m.DossierEvent, event_id)
    dossier = get(session, m.Dossier, row.dossier_id)
    rows = _stored(session, dossier.id)
    _save(session, dossier, rows, [Event.of(r) for r in rows if r.id != event_id], user)


def resync(session: Session, dossier_id: int, *, user: str | None = None) -> None:
    """Bring a dossier's columns in step with its events after they were written outside these functions
    (a record restored from the recycle bin); ``ValidationError`` when the events no longer hold together."""
    from .services import get

    dossier = get(session, m.Dossier, dossier_id)
    session.refresh(dossier)
    rows = _stored(session, dossier_id)
    _save(session, dossier, rows, [Event.of(r) for r in rows], user)


def out_of_step(session: Session) -> list[int]:
    """Dossiers whose columns are not what their events say (written around the services: another
    program, an older import path), or whose events no longer hold together — for the checks. Two
    queries and a replay in memory per dossier with events (a small share of all dossiers)."""
    d = m.Dossier
    state_cols = ("received_on", "due_on", "first_due_on", "resolved_on", "outcome", "supplement_requests",
                  "apology_letter", "extended_due_on")
    implied = select(d.id).where(~d.events.any(), (d.extended_due_on.is_not(None)) | (
        d.outcome.in_(list(OUTCOME_KIND))))
    bad = set(session.scalars(implied))
    by_dossier: dict[int, list[Event]] = {}
    for row in session.scalars(select(m.DossierEvent).order_by(m.DossierEvent.dossier_id, m.DossierEvent.id)):
        by_dossier.setdefault(row.dossier_id, []).append(Event.of(row))
    if by_dossier:
        cols = session.execute(select(d.id, *(getattr(d, k) for k in state_cols))
                               .where(d.id.in_(list(by_dossier)))).all()
        for dossier_id, *values in cols:
            rec = dict(zip(state_cols, values, strict=True))
            events = by_dossier[dossier_id]
            try:
                state = derive(session, base_of(rec, events, None), events)
            except ValidationError:
                bad.add(dossier_id)
                continue
            if any(rec[k] != v for k, v in state.items()):
                bad.add(dossier_id)
    return sorted(bad)


def events_of(session: Session, dossier_id: int) -> list[m.DossierEvent]:
    """The dossier's events in the order they happened."""
    return [e.row for e in ordered(Event.of(r) for r in _stored(session, dossier_id)) if e.row is not None]


# --------------------------------------------------------------------------- dossiers written by the services


_EVENT_TO_DOSSIER_FIELD = {"occurred_on": "received_on", "new_due_on": "due_on", "kind": "outcome",
                           "document_date": None}


def reconcile_record(session: Session, rec: dict[str, Any], own_id: int | None, extra: Sequence[Event] = (),
                     *, count_given: bool = False) -> list[m.DossierEvent]:
    """For ``services.create``/``update`` of a dossier (and the import): the events its columns imply and
    it has not got yet (an extension, an ending outcome), with the ``extra`` events an import row states
    (those already recorded are skipped, so a re-import adds nothing), returned as new rows to attach;
    ``rec``'s state columns are set to what the events say. A column that contradicts a recorded event
    is refused (edit the event instead). ``count_given``: ``rec``'s supplement count came with the dated
    requests (an import row), so it includes them rather than adding to them."""
    if rec.get("received_on") is None or rec.get("due_on") is None:
        return []  # the generic rules refuse the record
    stored = [Event.of(r) for r in _stored(session, own_id)] if own_id is not None else []
    new = [e for e in extra if not any(_same(e, s) for s in stored)]
    implied = _implied(rec, [*stored, *new])
    procedure = session.get(m.Procedure, rec["procedure_id"]) if rec.get("procedure_id") else None
    end = next((e for e in stored if e.kind in ENDING_OUTCOME), None)
    if end is not None and (rec.get("outcome") != ENDING_OUTCOME[end.kind] or rec.get("resolved_on") != end.occurred_on):
        raise ValidationError("outcome", f"Hồ sơ đã kết thúc bằng sự kiện “{end.kind.label}” ngày "
                                         f"{fmt(end.occurred_on)}: hãy sửa sự kiện đó trong danh sách sự kiện.")
    base = base_of(rec, stored, procedure)
    if any(e.kind == K.EXTENDED for e in [*implied, *new]):
        base.apology_letter = None
    events = [*stored, *new, *implied]
    if count_given:
        dated = sum(e.kind == K.SUPPLEMENT_REQUESTED for e in events)
        base.undated_requests = max(0, (rec.get("supplement_requests") or 0) - dated)
    try:
        state = derive(session, base, events)
    except ValidationError as exc:
        key = _EVENT_TO_DOSSIER_FIELD.get(exc.field or "", exc.field)
        raise ValidationError(key, exc.message) from exc
    restarted_now = any(e.kind == K.SUPPLEMENT_RECEIVED for e in new)
    _check_contradictions(rec, stored, state, due=not restarted_now, count=not count_given)
    rec.update(state.items())
    return [m.DossierEvent(**e.values()) for e in [*new, *implied]]


def _same(a: Event, b: Event) -> bool:
    """The same event recorded again (a re-import): same kind and day; the one extension or the one end
    of the same kind whatever its recorded day (an undated extension was dated by rule)."""
    if a.kind != b.kind:
        return False
    if a.kind == K.EXTENDED:
        return a.new_due_on in (None, b.new_due_on)
    return a.occurred_on == b.occurred_on or a.kind in ENDING_OUTCOME


def _implied(rec: Mapping[str, Any], stored: Sequence[Event]) -> list[Event]:
    out: list[Event] = []
    extended = rec.get("extended_due_on")
    if extended is not None and not any(e.kind == K.EXTENDED for e in stored):
        on = rec["due_on"]
        if rec.get("resolved_on") is not None and rec["resolved_on"] < on:
            on = rec["resolved_on"]
        out.append(Event(K.EXTENDED, on, document_number=rec.get("apology_letter"), new_due_on=extended,
                         note=UNDATED_EXTENSION_NOTE))
    kind = OUTCOME_KIND.get(rec.get("outcome"))  # type: ignore[arg-type]
    if kind is not None and rec.get("resolved_on") is not None and not any(
            e.kind in ENDING_OUTCOME for e in stored):
        out.append(Event(kind, rec["resolved_on"]))
    return out


def _check_contradictions(rec: Mapping[str, Any], stored: Sequence[Event], state: State, *, due: bool = True,
                          count: bool = True) -> None:
    ext = next((e for e in stored if e.kind == K.EXTENDED), None)
    if ext is not None and (rec.get("extended_due_on") != state.extended_due_on
                            or rec.get("apology_letter") != state.apology_letter):
        key = "extended_due_on" if rec.get("extended_due_on") != state.extended_due_on else "apology_letter"
        raise ValidationError(key, f"Gia hạn của hồ sơ đã ghi thành sự kiện ngày {fmt(ext.occurred_on)}: hãy sửa "
                                   "sự kiện gia hạn trong danh sách sự kiện của hồ sơ.")
    restart = [e for e in stored if e.kind == K.SUPPLEMENT_RECEIVED]
    if due and restart and rec.get("due_on") != state.due_on:
        raise ValidationError("due_on", f"Ngày hẹn trả đã được tính lại khi nhận hồ sơ bổ sung ngày "
                                        f"{fmt(restart[-1].occurred_on)}: hãy sửa sự kiện đó.")
    requested = sum(e.kind == K.SUPPLEMENT_REQUESTED for e in stored)
    if count and (rec.get("supplement_requests") or 0) < requested:
        raise ValidationError("supplement_requests", f"Số lần yêu cầu bổ sung ({rec.get('supplement_requests') or 0}) "
                                                     f"ít hơn số yêu cầu bổ sung đã ghi thành sự kiện ({requested}).")
