"""Services validate whole records with Vietnamese messages and never leave half-saved rows."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.enums import Channel, DossierOutcome, DurationUnit, OnlineLevel
from cchc_desktop.core.errors import ValidationError

D = dt.date


@pytest.fixture
def proc_id(db) -> int:
    with db.transaction() as s:
        unit = services.create(s, m.Unit, {"name": "Sở Y tế", "is_department": True})
        field = services.create(s, m.Field, {"name": "Dược phẩm"})
        proc = services.create(
            s,
            m.Procedure,
            {
                "code": "1.004616",
                "name": "Cấp chứng chỉ hành nghề dược",
                "field_id": field.id,
                "unit_id": unit.id,
                "online_level": "Toàn trình",
                "resolution_days": 10,
                "resolution_unit": DurationUnit.WORKING_DAYS,
            },
        )
        return proc.id


def _count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_create_copies_unit_and_field_and_parses_labels(db, proc_id) -> None:
    with db.transaction() as s:
        d = services.create(
            s,
            m.Dossier,
            {"code": "HS-1", "procedure_id": proc_id, "channel": "Trực tuyến", "received_on": "15/01/2024",
             "due_on": D(2024, 1, 29)},
        )
        assert d.channel is Channel.ONLINE
        assert d.unit_id is not None and d.field_id is not None
        assert d.received_on == D(2024, 1, 15)
    with db.session() as s:
        proc = s.get(m.Procedure, proc_id)
        assert proc.online_level is OnlineLevel.FULL


def test_due_date_computed_from_working_days(db, proc_id) -> None:
    # Received Friday 02/02/2024; Tết 08–14/02/2024 is off: 10 working days end on 23/02/2024.
    with db.transaction() as s:
        d = services.create(s, m.Dossier, {"code": "HS-2", "procedure_id": proc_id, "received_on": D(2024, 2, 2)})
        assert d.due_on == D(2024, 2, 23)


@pytest.mark.parametrize(
    ("values", "field", "fragment"),
    [
        ({"due_on": D(2024, 1, 10)}, "due_on", "không được trước ngày tiếp nhận"),
        ({"resolved_on": D(2024, 1, 1)}, "resolved_on", "không được trước ngày tiếp nhận"),
        ({"received_on": dt.date.today() + dt.timedelta(days=400), "due_on": dt.date.today() + dt.timedelta(days=420)},
         "received_on", "vượt quá một năm"),
        ({"code": ""}, "code", "Vui lòng nhập mã hồ sơ"),
        ({"supplement_requests": "12,5%"}, "supplement_requests", "không nhập tỷ lệ phần trăm"),
        ({"channel": "fax"}, "channel", "không hợp lệ"),
        ({"outcome": DossierOutcome.RESOLVED}, "resolved_on", "ngày trả kết quả"),
    ],
)
def test_dossier_validation(db, proc_id, values, field, fragment) -> None:
    base = {"code": "HS-3", "procedure_id": proc_id, "received_on": D(2024, 1, 15), "due_on": D(2024, 1, 29)}
    base.update(values)
    with db.transaction() as s, pytest.raises(ValidationError) as info:
        services.create(s, m.Dossier, base)
    assert info.value.field == field
    assert fragment in info.value.message
    assert _count(db, m.Dossier) == 0


def test_duplicate_code_refused_and_first_kept(db, proc_id) -> None:
    rec = {"code": "HS-4", "procedure_id": proc_id, "received_on": D(2024, 1, 15), "due_on": D(2024, 1, 29)}
    with db.transaction() as s:
        services.create(s, m.Dossier, rec)
    with pytest.raises(ValidationError, match="đã tồn tại"):
        with db.transaction() as s:
            services.create(s, m.Dossier, {**rec, "applicant": "Người khác"})
    with db.session() as s:
        assert s.scalars(select(m.Dossier.applicant)).all() == [None]


def test_failed_update_leaves_record_unchanged(db, proc_id) -> None:
    with db.transaction() as s:
        d = services.create(s, m.Dossier, {"code": "HS-5", "procedure_id": proc_id, "received_on": D(2024, 1, 15),
                                           "due_on": D(2024, 1, 29)})
        dossier_id = d.id
    with pytest.raises(ValidationError):
        with db.transaction() as s:
            services.update(s, m.Dossier, dossier_id, {"applicant": "Mới", "resolved_on": D(2023, 1, 1)})
    with db.session() as s:
        d = s.get(m.Dossier, dossier_id)
        assert d.applicant is None and d.resolved_on is None


def test_text_is_stored_nfc(db) -> None:
    decomposed = unicodedata.normalize("NFD", "Khám bệnh, chữa bệnh")
    assert decomposed != "Khám bệnh, chữa bệnh"
    with db.transaction() as s:
        services.create(s, m.Field, {"name": decomposed})
    with db.session() as s:
        assert s.scalar(select(m.Field.name)) == "Khám bệnh, chữa bệnh"


def test_document_parts_cannot_exceed_wholes(db) -> None:
    with pytest.raises(ValidationError, match="lớn hơn văn bản đi") as info:
        with db.transaction() as s:
            services.create(s, m.DocumentCount, {"year": 2024, "month": 3, "outgoing": 100, "outgoing_secret": 120})
    assert info.value.field == "outgoing_secret"
    assert _count(db, m.DocumentCount) == 0


def test_delete_of_a_referenced_procedure_is_refused_whole(db, proc_id) -> None:
    with db.transaction() as s:
        services.create(s, m.Dossier, {"code": "HS-6", "procedure_id": proc_id, "received_on": D(2024, 1, 15),
                                       "due_on": D(2024, 1, 29)})
    with pytest.raises(ValidationError, match="Không xóa được thủ tục"):
        with db.transaction() as s:
            services.delete(s, m.Procedure, [proc_id])
    assert _count(db, m.Procedure) == 1


def test_upsert_updates_by_key(db, proc_id) -> None:
    rec = {"code": "HS-7", "procedure_id": proc_id, "received_on": D(2024, 1, 15), "due_on": D(2024, 1, 29)}
    with db.transaction() as s:
        _, created = services.upsert(s, m.Dossier, "code", rec)
        assert created
        _, created = services.upsert(s, m.Dossier, "code", {**rec, "resolved_on": D(2024, 1, 20)})
        assert not created
    with db.session() as s:
        d = s.scalar(select(m.Dossier))
        assert d.resolved_on == D(2024, 1, 20) and d.outcome is DossierOutcome.RESOLVED
    assert _count(db, m.Dossier) == 1


def test_survey_totals_must_add_up_to_forms(db) -> None:
    from cchc_desktop.core.defaults import seed_questionnaire

    with db.transaction() as s:
        q = seed_questionnaire(s)
        campaign = services.create(s, m.SurveyCampaign, {"title": "Khảo sát 2024", "year": 2024,
                                                         "questionnaire_id": q.id, "mode": "totals"})
        first = q.criteria[0].options
        with pytest.raises(ValidationError, match=r"\(64\) khác tổng số phiếu \(65\)"):
            services.set_option_counts(s, campaign.id, 65, {first[0].id: 57, first[1].id: 7})
        services.set_option_counts(s, campaign.id, 65, {first[0].id: 57, first[1].id: 8})
    assert _count(db, m.SurveyOptionCount) == 2


def test_who_changed_it_last_is_recorded(db) -> None:
    with db.transaction() as s:
        unit = services.create(s, m.Unit, {"name": "Sở Y tế"}, user="nguyenvana")
        services.update(s, m.Unit, unit.id, {"short_name": "SYT"}, user="tranthib")
    with db.session() as s:
        row = s.scalar(select(m.Unit))
        assert row.updated_by == "tranthib" and row.created_at is not None and row.updated_at is not None


def test_every_refused_field_is_told_at_once(db) -> None:
    import datetime as _dt

    from cchc_desktop.core import models as _m
    from cchc_desktop.core import services as _services
    from cchc_desktop.core.errors import ValidationError as _VE

    with db.transaction() as session:
        try:
            _services.create(session, _m.Task, {"document_number": "", "assigned_on": _dt.date(2024, 5, 2),
                                                 "due_on": _dt.date(2024, 5, 1)})  # fmt: skip
        except _VE as exc:
            fields = [f for f, _msg in exc.errors]
            assert exc.field == fields[0]  # the first refusal stays the error's own (import reasons unchanged)
            assert exc.message == exc.errors[0][1]
        else:  # pragma: no cover
            raise AssertionError("refused task saved")
    assert {"content", "due_on"} <= set(fields)  # content missing and due before assigned, together
    assert len(fields) == len(set(fields))  # one message per field


def test_one_thousand_days_is_refused(db) -> None:
    from cchc_desktop.core import models as _m
    from cchc_desktop.core import services as _services
    from cchc_desktop.core.errors import ValidationError as _VE

    with db.transaction() as session:
        try:
            _services.create(session, _m.Procedure, {"code": "9.000001", "name": "Thủ tục thử", "resolution_days": "1.000"})
        except _VE as exc:
            assert exc.field == "resolution_days"
            assert exc.message == "Thời hạn giải quyết 1.000 ngày quá dài (tối đa 730 ngày); vui lòng kiểm tra lại."
        else:  # pragma: no cover
            raise AssertionError("1.000 days accepted")
