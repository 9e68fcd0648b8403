"""Dossier events (SPEC §11): each change replays the dossier's events and keeps its columns equal to them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy import insert as sa_insert

from cchc_desktop.core import dossier_events as ev
from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.enums import DossierEventKind as K
from cchc_desktop.core.enums import DossierOutcome, DurationUnit
from cchc_desktop.core.errors import ValidationError
from cchc_desktop.core.workdays import WorkCalendar

D = dt.date


@pytest.fixture
def dossier_id(db) -> int:
    with db.transaction() as s:
        field = services.create(s, m.Field, {"name": "Dược phẩm"})
        proc = services.create(s, m.Procedure, {
            "code": "1.004616", "name": "Cấp chứng chỉ hành nghề dược", "field_id": field.id,
            "resolution_days": 10, "resolution_unit": DurationUnit.WORKING_DAYS})
        d = services.create(s, m.Dossier, {"code": "HS-1", "procedure_id": proc.id, "received_on": D(2024, 3, 1)})
        return d.id


def _dossier(db, dossier_id: int) -> m.Dossier:
    with db.session() as s:
        d = s.get(m.Dossier, dossier_id)
        s.expunge(d)
        return d


def _add(db, dossier_id: int, **values) -> m.DossierEvent:
    with db.transaction() as s:
        row = ev.add_event(s, dossier_id, values)
        s.flush()
        s.expunge(row)
        return row


def _refused(db, dossier_id: int, field: str, fragment: str, **values) -> None:
    before = _dossier(db, dossier_id)
    with pytest.raises(ValidationError) as err, db.transaction() as s:
        ev.add_event(s, dossier_id, values)
    assert err.value.field == field
    assert fragment in err.value.message
    after = _dossier(db, dossier_id)
    for key in ("due_on", "extended_due_on", "resolved_on", "outcome", "supplement_requests"):
        assert getattr(after, key) == getattr(before, key)


def _event_count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(m.DossierEvent))


def test_extension_sets_the_extended_due_date_and_letter(db, dossier_id) -> None:
    due = _dossier(db, dossier_id).due_on
    _add(db, dossier_id, kind="Gia hạn (thư xin lỗi, Mẫu 04)", occurred_on="14/03/2024",
         document_number="12/PXL-SYT", document_date="14/03/2024", new_due_on="22/03/2024")
    d = _dossier(db, dossier_id)
    assert (d.due_on, d.extended_due_on, d.apology_letter) == (due, D(2024, 3, 22), "12/PXL-SYT")


def test_extension_only_once_and_after_the_due_date(db, dossier_id) -> None:
    due = _dossier(db, dossier_id).due_on
    _refused(db, dossier_id, "new_due_on", "phải sau ngày hẹn trả", kind=K.EXTENDED, occurred_on=D(2024, 3, 10),
             new_due_on=due)
    _refused(db, dossier_id, "new_due_on", "Vui lòng nhập hạn giải quyết mới", kind=K.EXTENDED,
             occurred_on=D(2024, 3, 10))
    _add(db, dossier_id, kind=K.EXTENDED, occurred_on=D(2024, 3, 10), new_due_on=D(2024, 3, 25))
    _refused(db, dossier_id, "kind", "chỉ được gia hạn một lần", kind=K.EXTENDED, occurred_on=D(2024, 3, 12),
             new_due_on=D(2024, 3, 29))
    assert _event_count(db) == 1


def test_supplement_received_restarts_the_clock_and_keeps_the_first_due_date(db, dossier_id) -> None:
    first = _dossier(db, dossier_id).due_on
    _add(db, dossier_id, kind=K.SUPPLEMENT_REQUESTED, occurred_on=D(2024, 3, 4), document_number="05/YCBS")
    d = _dossier(db, dossier_id)
    assert (d.supplement_requests, d.due_on, d.resolved_on) == (1, first, None)  # waiting: still open
    received = _add(db, dossier_id, kind=K.SUPPLEMENT_RECEIVED, occurred_on=D(2024, 3, 11))
    expected = WorkCalendar().add_working_days(D(2024, 3, 11), 10)  # the procedure's 10 working days
    assert received.new_due_on == expected
    d = _dossier(db, dossier_id)
    assert (d.due_on, d.first_due_on, d.supplement_requests) == (expected, first, 1)
    with db.transaction() as s:  # removing the restart gives the first due date back
        ev.remove_event(s, received.id)
    d = _dossier(db, dossier_id)
    assert (d.due_on, d.first_due_on) == (first, None)


def test_supplement_received_needs_an_earlier_request(db, dossier_id) -> None:
    _refused(db, dossier_id, "kind", "Chưa có yêu cầu bổ sung", kind=K.SUPPLEMENT_RECEIVED,
             occurred_on=D(2024, 3, 5))
    _add(db, dossier_id, kind=K.SUPPLEMENT_REQUESTED, occurred_on=D(2024, 3, 6))
    _refused(db, dossier_id, "occurred_on", "phải sau ngày yêu cầu bổ sung", kind=K.SUPPLEMENT_RECEIVED,
             occurred_on=D(2024, 3, 5))
    _refused(db, dossier_id, "occurred_on", "đang chờ bổ sung", kind=K.SUPPLEMENT_REQUESTED,
             occurred_on=D(2024, 3, 7))
    _refused(db, dossier_id, "new_due_on", "không được trước ngày nhận", kind=K.SUPPLEMENT_RECEIVED,
             occurred_on=D(2024, 3, 8), new_due_on=D(2024, 3, 7))


def test_dates_before_receipt_or_beyond_a_year_are_refused(db, dossier_id) -> None:
    _refused(db, dossier_id, "occurred_on", "không được trước ngày tiếp nhận hồ sơ (01/03/2024)",
             kind=K.SUPPLEMENT_REQUESTED, occurred_on=D(2024, 2, 28))
    _refused(db, dossier_id, "document_date", "Ngày văn bản", kind=K.SUPPLEMENT_REQUESTED,
             occurred_on=D(2024, 3, 2), document_date=D(2024, 2, 1))
    far = dt.date.today() + dt.timedelta(days=400)
    _refused(db, dossier_id, "occurred_on", "vượt quá một năm", kind=K.STOPPED, occurred_on=far)
    _refused(db, dossier_id, "new_due_on", "không có hạn giải quyết mới", kind=K.STOPPED,
             occurred_on=D(2024, 3, 2), new_due_on=D(2024, 4, 2))
    assert _event_count(db) == 0


def test_ending_event_closes_the_dossier_and_nothing_comes_after(db, dossier_id) -> None:
    row = _add(db, dossier_id, kind="Trả lại hồ sơ", occurred_on=D(2024, 3, 8), note="Không đủ điều kiện")
    d = _dossier(db, dossier_id)
    assert (d.outcome, d.resolved_on) == (DossierOutcome.RETURNED, D(2024, 3, 8))
    _refused(db, dossier_id, "occurred_on", "Hồ sơ đã kết thúc ngày 08/03/2024", kind=K.EXTENDED,
             occurred_on=D(2024, 3, 9), new_due_on=D(2024, 4, 30))
    with db.transaction() as s:  # a withdrawal it was: the outcome follows the edited event
        ev.update_event(s, row.id, {"kind": K.WITHDRAWN, "occurred_on": D(2024, 3, 7)})
    d = _dossier(db, dossier_id)
    assert (d.outcome, d.resolved_on) == (DossierOutcome.WITHDRAWN, D(2024, 3, 7))
    with db.transaction() as s:  # removed: open again
        ev.remove_event(s, row.id)
    d = _dossier(db, dossier_id)
    assert (d.outcome, d.resolved_on) == (None, None)


def test_no_event_after_the_dossier_was_resolved(db, dossier_id) -> None:
    with db.transaction() as s:
        services.update(s, m.Dossier, dossier_id, {"resolved_on": D(2024, 3, 12)})
    _refused(db, dossier_id, "occurred_on", "không được sau ngày đó", kind=K.SUPPLEMENT_REQUESTED,
             occurred_on=D(2024, 3, 13))
    _refused(db, dossier_id, "kind", "đã có kết quả giải quyết", kind=K.STOPPED, occurred_on=D(2024, 3, 11))


def test_removal_that_breaks_the_rest_is_refused(db, dossier_id) -> None:
    req = _add(db, dossier_id, kind=K.SUPPLEMENT_REQUESTED, occurred_on=D(2024, 3, 4))
    _add(db, dossier_id, kind=K.SUPPLEMENT_RECEIVED, occurred_on=D(2024, 3, 6))
    with pytest.raises(ValidationError, match="Chưa có yêu cầu bổ sung"), db.transaction() as s:
        ev.remove_event(s, req.id)
    assert _event_count(db) == 2


def test_columns_written_by_services_become_events(db, dossier_id) -> None:
    """An older caller (or an import) setting the extension and an ending outcome as columns."""
    with db.transaction() as s:
        proc_id = s.get(m.Dossier, dossier_id).procedure_id
        d = services.create(s, m.Dossier, {
            "code": "HS-2", "procedure_id": proc_id, "received_on": D(2024, 3, 1), "due_on": D(2024, 3, 15),
            "extended_due_on": D(2024, 3, 29), "apology_letter": "07/PXL", "resolved_on": D(2024, 3, 20),
            "outcome": DossierOutcome.RETURNED, "supplement_requests": 2})
        new_id = d.id
    with db.session() as s:
        rows = ev.events_of(s, new_id)
        assert [(r.kind, r.occurred_on, r.new_due_on, r.document_number) for r in rows] == [
            (K.EXTENDED, D(2024, 3, 15), D(2024, 3, 29), "07/PXL"), (K.RETURNED, D(2024, 3, 20), None, None)]
        assert rows[0].note == ev.UNDATED_EXTENSION_NOTE
        assert s.get(m.Dossier, new_id).supplement_requests == 2  # undated requests: a count, no events
    # A column that contradicts a recorded event is refused, and the event stays the record.
    with pytest.raises(ValidationError) as err, db.transaction() as s:
        services.update(s, m.Dossier, new_id, {"extended_due_on": D(2024, 4, 5)})
    assert err.value.field == "extended_due_on" and "hãy sửa sự kiện gia hạn" in err.value.message
    with pytest.raises(ValidationError) as err, db.transaction() as s:
        services.update(s, m.Dossier, new_id, {"outcome": DossierOutcome.RESOLVED})
    assert err.value.field == "outcome"
    # Moving the receipt after a recorded event is refused beside the receipt date.
    with pytest.raises(ValidationError) as err, db.transaction() as s:
        services.update(s, m.Dossier, new_id, {"received_on": D(2024, 3, 21)})
    assert err.value.field in ("received_on", "due_on", "resolved_on")
    # Unrelated edits pass, and a dated request adds to the undated ones.
    with db.transaction() as s:
        services.update(s, m.Dossier, new_id, {"applicant": "Công ty A"})
    with db.session() as s:
        assert s.get(m.Dossier, new_id).applicant == "Công ty A"


def test_undated_requests_stay_counted_beside_dated_ones(db, dossier_id) -> None:
    with db.transaction() as s:
        services.update(s, m.Dossier, dossier_id, {"supplement_requests": 1})
    req = _add(db, dossier_id, kind=K.SUPPLEMENT_REQUESTED, occurred_on=D(2024, 3, 4))
    assert _dossier(db, dossier_id).supplement_requests == 2
    with pytest.raises(ValidationError) as err, db.transaction() as s:
        services.update(s, m.Dossier, dossier_id, {"supplement_requests": 0})
    assert err.value.field == "supplement_requests"
    with db.transaction() as s:
        ev.remove_event(s, req.id)
    assert _dossier(db, dossier_id).supplement_requests == 1


def test_closed_day_counts_follow_the_extension(db, dossier_id) -> None:
    """The day counts the indicators add up are maintained from the columns the events keep."""
    with db.transaction() as s:
        due = s.get(m.Dossier, dossier_id).due_on
        services.update(s, m.Dossier, dossier_id, {"resolved_on": due + dt.timedelta(days=2)})
    _add(db, dossier_id, kind=K.EXTENDED, occurred_on=due - dt.timedelta(days=1),
         new_due_on=due + dt.timedelta(days=3), document_number="01/PXL")
    with db.session() as s:
        rows = s.execute(select(m.DossierClosedDay.vs_due, m.DossierClosedDay.vs_extended)
                         .where(m.DossierClosedDay.n > 0)).all()
    assert rows == [(1, -1)]  # late against the due date, early against the extended one


def test_moving_a_receipt_recomputes_its_due_date_and_kind_and_day_are_required(db, dossier_id) -> None:
    _add(db, dossier_id, kind=K.SUPPLEMENT_REQUESTED, occurred_on=D(2024, 3, 4))
    received = _add(db, dossier_id, kind=K.SUPPLEMENT_RECEIVED, occurred_on=D(2024, 3, 6))
    with db.transaction() as s:
        ev.update_event(s, received.id, {"occurred_on": D(2024, 3, 8)})
    expected = WorkCalendar().add_working_days(D(2024, 3, 8), 10)
    assert _dossier(db, dossier_id).due_on == expected
    with db.transaction() as s:  # a typed new due date is kept
        ev.update_event(s, received.id, {"new_due_on": D(2024, 4, 30)})
    assert _dossier(db, dossier_id).due_on == D(2024, 4, 30)
    _refused(db, dossier_id, "kind", "Vui lòng chọn sự kiện", kind=None, occurred_on=D(2024, 3, 9))
    _refused(db, dossier_id, "occurred_on", "Vui lòng nhập ngày", kind=K.STOPPED, occurred_on="")
    _refused(db, dossier_id, "occurred_on", "không phải là ngày hợp lệ", kind=K.STOPPED, occurred_on="31/02/2024")


def test_a_removed_event_goes_to_the_bin_and_comes_back_with_its_effect(db, dossier_id) -> None:
    from cchc_desktop.core import audit
    from cchc_desktop.core.errors import CchcError

    due = _dossier(db, dossier_id).due_on
    row = _add(db, dossier_id, kind=K.EXTENDED, occurred_on=D(2024, 3, 8), new_due_on=due + dt.timedelta(days=7),
               document_number="03/PXL")
    with db.transaction() as s:
        ev.remove_event(s, row.id)
    assert _dossier(db, dossier_id).extended_due_on is None
    with db.session() as s:
        entry = s.scalar(select(m.AuditEntry).where(m.AuditEntry.table_name == "dossier_event",
                                                    m.AuditEntry.in_bin.is_(True)))
        entry_id = entry.id
    other = _add(db, dossier_id, kind=K.EXTENDED, occurred_on=D(2024, 3, 9), new_due_on=due + dt.timedelta(days=9))
    with pytest.raises(CchcError, match="chỉ được gia hạn một lần"), db.transaction() as s:
        audit.restore(s, entry_id)  # a second extension: refused, nothing restored
    with db.transaction() as s:
        ev.remove_event(s, other.id)
    with db.transaction() as s:
        audit.restore(s, entry_id)
    d = _dossier(db, dossier_id)
    assert (d.extended_due_on, d.apology_letter) == (due + dt.timedelta(days=7), "03/PXL")


def test_the_checks_find_dossiers_out_of_step_with_their_events(db, dossier_id) -> None:
    from sqlalchemy import update

    from cchc_desktop.core.checks import structural_findings

    _add(db, dossier_id, kind=K.EXTENDED, occurred_on=D(2024, 3, 8), new_due_on=D(2024, 4, 30))
    with db.session() as s:
        assert ev.out_of_step(s) == [] and not [f for f in structural_findings(s) if "sự kiện" in f.message]
    with db.transaction() as s:  # written around the services: the column no longer says what the event says
        s.execute(update(m.Dossier).where(m.Dossier.id == dossier_id).values(extended_due_on=D(2024, 5, 2)))
        proc_id = s.get(m.Dossier, dossier_id).procedure_id
        s.execute(sa_insert(m.Dossier).values(code="HS-RAW", procedure_id=proc_id, received_on=D(2024, 3, 1),
                                              due_on=D(2024, 3, 15), resolved_on=D(2024, 3, 5),
                                              outcome=DossierOutcome.RETURNED, supplement_requests=0,
                                              channel="direct"))
    with db.session() as s:
        raw = s.scalar(select(m.Dossier.id).where(m.Dossier.code == "HS-RAW"))
        assert ev.out_of_step(s) == sorted([dossier_id, raw])
        found = [f for f in structural_findings(s) if "không khớp với các sự kiện" in f.message]
        assert len(found) == 1 and found[0].message.startswith("2 hồ sơ") and set(found[0].record_ids) == {
            dossier_id, raw}


def test_an_event_note_edited_moves_the_dossier_version_on(db, dossier_id) -> None:
    """Only the note of an event changes: the dossier's columns stay, its version still moves on, so a save
    of the dossier by someone who read it before is refused (issue 12, no lost update)."""
    from cchc_desktop.core.errors import ConflictError

    requested = _add(db, dossier_id, kind=K.SUPPLEMENT_REQUESTED, occurred_on=D(2024, 3, 4), note="thiếu bản sao")
    before = _dossier(db, dossier_id)
    with db.transaction() as s:
        ev.update_event(s, requested.id, {"note": "thiếu bản sao có chứng thực"})  # the same person
    after = _dossier(db, dossier_id)
    assert after.due_on == before.due_on and after.supplement_requests == before.supplement_requests
    assert after.version == before.version + 1
    with pytest.raises(ConflictError, match="đã được người khác thay đổi"):
        with db.transaction() as s:
            services.update(s, m.Dossier, dossier_id, {"note": "Đã gọi"}, user="binh",
                            expected_version=before.version)
    with db.transaction() as s:  # an edit that changes nothing moves nothing
        ev.update_event(s, requested.id, {"note": "thiếu bản sao có chứng thực"})  # the same person
    assert _dossier(db, dossier_id).version == after.version
