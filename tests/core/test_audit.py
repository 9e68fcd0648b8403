"""Record safety (issue 12): versions refuse a lost update, the audit trail, the recycle bin, import
batches and their undo."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cchc_desktop.core import audit, dossier_events, services
from cchc_desktop.core import models as m
from cchc_desktop.core.db import Database
from cchc_desktop.core.errors import CchcError, ConflictError, ValidationError
from cchc_desktop.core.indicators import dossier_counts_drift
from cchc_desktop.io.importer import import_file
from tests.io.helpers import DOSSIERS, flat_rows, seed_catalogue, write_xlsx


def _seed(db: Database) -> tuple[int, int]:
    with db.transaction() as s:
        unit = services.create(s, m.Unit, {"name": "Sở Y tế"}, user="lan")
        proc = services.create(s, m.Procedure, {"code": "1.001", "name": "Cấp phép A", "unit_id": unit.id,
                                                "resolution_days": 5}, user="lan")
        dossier = services.create(s, m.Dossier, {"code": "HS-1", "procedure_id": proc.id,
                                                 "received_on": dt.date(2024, 3, 1)}, user="lan")
        dossier_events.add_event(s, dossier.id, {"kind": "supplement_requested", "occurred_on": dt.date(2024, 3, 4),
                                                 "note": "thiếu bản sao"}, user="lan")
        return proc.id, dossier.id


def _entries(s, **where) -> list[m.AuditEntry]:
    stmt = select(m.AuditEntry).order_by(m.AuditEntry.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(m.AuditEntry, key) == value)
    return list(s.scalars(stmt))


# --------------------------------------------------------------------------- 1. no lost update


def test_second_save_of_the_same_version_is_refused_and_names_the_change(db: Database) -> None:
    _, dossier_id = _seed(db)
    with db.session() as first, db.session() as second:  # two people open the same dossier
        v1 = services.get(first, m.Dossier, dossier_id).version
        v2 = services.get(second, m.Dossier, dossier_id).version
    assert v1 == v2
    with db.transaction() as s:
        services.update(s, m.Dossier, dossier_id, {"note": "Đã gọi điện"}, user="an", expected_version=v1)
    with pytest.raises(ConflictError) as refused:
        with db.transaction() as s:
            services.update(s, m.Dossier, dossier_id, {"note": "Chờ bổ sung"}, user="binh", expected_version=v2)
    message = refused.value.message
    assert "đã được người khác thay đổi" in message
    assert "an lúc" in message and "Ghi chú: (trống) → Đã gọi điện" in message and "Tải lại" in message
    with db.session() as s:
        dossier = s.get(m.Dossier, dossier_id)
        assert (dossier.note, dossier.version, dossier.updated_by) == ("Đã gọi điện", v1 + 1, "an")
        assert [e.user for e in _entries(s, action="update", table_name="dossier")] == ["lan", "an"]


def test_a_stale_object_in_a_session_cannot_overwrite(db: Database) -> None:
    """Without an explicit version: the ORM's version column refuses the UPDATE of a stale row."""
    _, dossier_id = _seed(db)
    with db.session() as stale:
        held = services.get(stale, m.Dossier, dossier_id)  # loaded, kept in the session
        stale.commit()
        with db.transaction() as other:
            services.update(other, m.Dossier, dossier_id, {"applicant": "Nguyễn Văn An"}, user="an")
        with pytest.raises(ConflictError, match="nộp: \\(trống\\) → Nguyễn Văn An"):
            with stale.begin():
                services.update(stale, m.Dossier, dossier_id, {"applicant": "Trần Bình"}, user="binh")
        assert held.id == dossier_id
    with db.session() as s:
        assert s.get(m.Dossier, dossier_id).applicant == "Nguyễn Văn An"


def test_saving_a_record_deleted_meanwhile_is_refused(db: Database) -> None:
    _, dossier_id = _seed(db)
    with db.transaction() as s:
        services.delete(s, m.Dossier, [dossier_id], user="an")
    with pytest.raises(ConflictError, match="đã bị người khác xóa"):
        with db.transaction() as s:
            services.update(s, m.Dossier, dossier_id, {"note": "x"}, expected_version=1)


def test_deleting_a_record_changed_since_it_was_shown_is_refused_and_nothing_is_deleted(db: Database) -> None:
    proc_id, dossier_id = _seed(db)
    with db.session() as s:  # the page shows both, with their versions
        shown = {i: services.get(s, m.Procedure if i == proc_id else m.Dossier, i).version
                 for i in (proc_id, dossier_id)}
    with db.transaction() as s:
        services.update(s, m.Dossier, dossier_id, {"applicant": "Nguyễn Văn An"}, user="an")
    with pytest.raises(ConflictError) as refused, db.transaction() as s:
        services.delete(s, m.Dossier, [dossier_id], user="binh", expected_versions={dossier_id: shown[dossier_id]})
    message = refused.value.message
    assert message.startswith("Không xóa được: hồ sơ “HS-1” đã được người khác thay đổi sau khi trang được tải")
    assert "an lúc" in message and "nộp: (trống) → Nguyễn Văn An" in message and "Làm mới" in message
    with db.session() as s:
        assert s.get(m.Dossier, dossier_id) is not None
        assert _entries(s, action="delete") == []
    with db.transaction() as s:  # the version now shown: deleted, into the recycle bin as before
        version = services.get(s, m.Dossier, dossier_id).version
        assert services.delete(s, m.Dossier, [dossier_id], user="binh", expected_versions={dossier_id: version}) == 1
    with db.session() as s:
        assert s.get(m.Dossier, dossier_id) is None
        assert [(e.user, e.in_bin) for e in _entries(s, action="delete", table_name="dossier")] == [("binh", True)]


def test_deleting_records_of_which_one_went_meanwhile_is_refused_as_a_whole(db: Database) -> None:
    with db.transaction() as s:
        units = [services.create(s, m.Unit, {"name": name}, user="lan") for name in ("Phòng A", "Phòng B")]
        shown = {u.id: u.version for u in units}
    first, second = shown
    with db.transaction() as s:
        services.delete(s, m.Unit, [second], user="an")
    with pytest.raises(ConflictError, match="đã bị người khác xóa sau khi trang được tải .xem Thùng rác"), \
            db.transaction() as s:
        services.delete(s, m.Unit, [first, second], user="binh", expected_versions=shown)
    with db.session() as s:
        assert s.get(m.Unit, first) is not None
    with pytest.raises(CchcError, match="Không tìm thấy"), db.transaction() as s:  # without versions: as before
        services.delete(s, m.Unit, [second])


def test_migration_gives_existing_rows_version_1(db: Database) -> None:
    with db.engine.connect() as conn:
        conn.exec_driver_sql("INSERT INTO unit (name, is_department) VALUES ('Phòng A', 0)")
        assert conn.exec_driver_sql("SELECT version FROM unit").scalar() == 1
        conn.rollback()


# --------------------------------------------------------------------------- 2. audit trail


def test_create_update_delete_are_in_the_trail_with_who_and_values(db: Database) -> None:
    proc_id, dossier_id = _seed(db)
    with db.transaction() as s:
        services.update(s, m.Dossier, dossier_id, {"resolved_on": dt.date(2024, 3, 7)}, user="an")
    with db.session() as s:
        created = _entries(s, table_name="dossier", action="create")[0]
        assert (created.user, created.record_id, created.record_code, created.record_version) == (
            "lan", dossier_id, "HS-1", 1)
        assert json.loads(created.new_values)["received_on"] == "2024-03-01"
        event = _entries(s, table_name="dossier_event", action="create")[0]
        assert json.loads(event.new_values)["note"] == "thiếu bản sao"
        updated = _entries(s, table_name="dossier", action="update", user="an")[0]
        assert json.loads(updated.old_values) == {"resolved_on": None, "outcome": None}
        assert json.loads(updated.new_values) == {"resolved_on": "2024-03-07", "outcome": "resolved"}
        assert updated.record_version == 3
        assert "Ngày trả kết quả: (trống) → 07/03/2024" in audit.describe(s, updated)


def test_trail_is_written_in_the_same_transaction(db: Database) -> None:
    _seed(db)
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(m.AuditEntry))
    with pytest.raises(RuntimeError):
        with db.transaction() as s:
            services.create(s, m.Unit, {"name": "Trung tâm Y tế"})
            raise RuntimeError("power cut")
    with pytest.raises(ValidationError):
        with db.transaction() as s:
            services.create(s, m.Unit, {"name": "Sở Y tế"})  # duplicate: refused
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.AuditEntry)) == before


def test_log_filters_by_person_table_record_and_date(db: Database) -> None:
    _, dossier_id = _seed(db)
    with db.transaction() as s:
        services.update(s, m.Dossier, dossier_id, {"note": "a"}, user="an")
    with db.session() as s:
        today = s.scalar(select(func.max(m.AuditEntry.at))).date()  # the day the entries were written
        by_an = s.scalars(audit.log_select(user="an")).all()
        assert [(e.table_name, e.action) for e in by_an] == [("dossier", "update")]
        assert [e.action for e in s.scalars(audit.log_select(table_name="dossier", record="HS-1"))] == [
            "update", "update", "create"]  # newest first: an's note, the event's count, the creation
        day_before = s.scalar(select(func.min(m.AuditEntry.at))).date() - dt.timedelta(days=1)
        assert len(s.scalars(audit.log_select(start=day_before, end=today, table_name="procedure")).all()) == 1
        assert s.scalars(audit.log_select(end=day_before)).all() == []
        assert s.scalars(audit.log_select(start=today + dt.timedelta(days=1))).all() == []
        assert set(audit.users(s)) >= {"an", "lan"}


# --------------------------------------------------------------------------- recycle bin


def test_deleted_dossier_with_its_events_is_restored_with_the_same_values(db: Database) -> None:
    _, dossier_id = _seed(db)
    with db.session() as s:
        d = s.get(m.Dossier, dossier_id)
        before = {c.key: getattr(d, c.key) for c in m.Dossier.__table__.columns if c.key not in audit.NOT_AUDITED}
        counts = dossier_counts_drift(s)
    with db.transaction() as s:
        services.delete(s, m.Dossier, [dossier_id], user="an")
    with db.session() as s:
        assert s.get(m.Dossier, dossier_id) is None
        assert s.scalar(select(func.count()).select_from(m.DossierEvent)) == 0
        binned = s.scalars(audit.bin_select()).all()
        assert [(e.table_name, e.record_code, e.user) for e in binned] == [("dossier", "HS-1", "an")]
    with db.transaction() as s:
        assert audit.restore(s, binned[0].id, user="an") == "Đã khôi phục hồ sơ “HS-1” cùng 1 dữ liệu kèm theo."
    with db.session() as s:
        d = s.get(m.Dossier, dossier_id)
        assert {c.key: getattr(d, c.key) for c in m.Dossier.__table__.columns
                if c.key not in audit.NOT_AUDITED} == before
        assert [(ev.kind.value, ev.note) for ev in d.events] == [("supplement_requested", "thiếu bản sao")]
        assert s.scalars(audit.bin_select()).all() == []
        assert dossier_counts_drift(s) == counts
        assert _entries(s, action="restore")[0].record_code == "HS-1"


def test_restore_refused_when_the_code_is_taken_or_the_parent_is_gone(db: Database) -> None:
    proc_id, dossier_id = _seed(db)
    with db.transaction() as s:
        services.delete(s, m.Dossier, [dossier_id])
        services.create(s, m.Dossier, {"code": "HS-1", "procedure_id": proc_id, "received_on": dt.date(2024, 4, 1)})
    with db.session() as s:
        entry_id = s.scalars(audit.bin_select()).one().id
    with pytest.raises(CchcError, match="^Không khôi phục được hồ sơ “HS-1”: mã hồ sơ “HS-1” nay đã được dùng"):
        with db.transaction() as s:
            audit.restore(s, entry_id)
    with db.transaction() as s:
        new_id = s.scalar(select(m.Dossier.id).where(m.Dossier.code == "HS-1"))
        services.delete(s, m.Dossier, [new_id])
        services.delete(s, m.Procedure, [proc_id])
    with pytest.raises(CchcError, match="thủ tục hành chính mà nó thuộc về đã bị xóa"):
        with db.transaction() as s:
            audit.restore(s, entry_id)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Dossier)) == 0


def test_restore_of_a_survey_form_brings_its_answers_back(db: Database) -> None:
    from cchc_desktop.core.defaults import seed_questionnaire

    with db.transaction() as s:
        q = seed_questionnaire(s)
        camp = services.create(s, m.SurveyCampaign, {"title": "Khảo sát 2024", "year": 2024, "questionnaire_id": q.id})
        form = services.create(s, m.SurveyForm, {"campaign_id": camp.id, "number": 1})
        for crit in q.criteria[:3]:
            services.create(s, m.SurveyAnswer, {"form_id": form.id, "criterion_id": crit.id,
                                                "option_id": crit.options[0].id})
        form_id = form.id
    with db.transaction() as s:
        services.delete(s, m.SurveyForm, [form_id])
    with db.transaction() as s:
        entry = s.scalars(audit.bin_select()).one()
        assert entry.record_code == "phiếu số 1"
        audit.restore(s, entry.id)
    with db.session() as s:
        assert len(s.get(m.SurveyForm, form_id).answers) == 3


def test_report_text_is_named_by_its_section_and_its_restore_respects_the_per_unit_key(db: Database) -> None:
    from cchc_desktop.core.enums import ReportType
    from cchc_desktop.reports.texts import load_texts, save_figure, save_texts

    with db.transaction() as s:
        unit = services.create(s, m.Unit, {"name": "Chi cục An toàn vệ sinh thực phẩm"})
        save_texts(s, ReportType.CCHC, "2024", {"the_che": "Bản của Sở"}, user="lan")
        # the unit's own text for the same section, brought by its data package (issue 16)
        services.create(s, m.ReportText, {"report_type": ReportType.CCHC, "period_key": "2024",
                                          "section_key": "the_che", "body": "Bản của Chi cục", "unit_id": unit.id})
        own_id = s.scalar(select(m.ReportText.id).where(m.ReportText.unit_id.is_(None)))
    with db.transaction() as s:
        services.delete(s, m.ReportText, [own_id], user="lan")
    with db.session() as s:
        entry = s.scalars(audit.bin_select()).one()
        # the trail and the bin name the section as the editor shows it, not its key
        assert entry.record_code == "I.2. Cải cách thể chế – kỳ 2024"
        entry_id = entry.id
    with db.transaction() as s:  # someone types the section again meanwhile
        save_texts(s, ReportType.CCHC, "2024", {"the_che": "Bản mới"}, user="binh")
    with pytest.raises(CchcError, match="^Không khôi phục được nội dung báo cáo “I.2. Cải cách thể chế – kỳ 2024”: "
                                         ".* nay đã được dùng cho một bản ghi khác"):
        with db.transaction() as s:
            audit.restore(s, entry_id)
    with db.session() as s:
        assert load_texts(s, ReportType.CCHC, "2024") == {"the_che": "Bản mới"}
        assert s.scalars(audit.bin_select()).one().id == entry_id  # still in the bin, nothing written
    with db.transaction() as s:  # the new text removed: the old one comes back, the unit's text is no clash
        services.delete(s, m.ReportText, [s.scalar(select(m.ReportText.id).where(
            m.ReportText.unit_id.is_(None)))], user="binh")
        assert audit.restore(s, entry_id).startswith("Đã khôi phục nội dung báo cáo “I.2. Cải cách thể chế")
    with db.session() as s:
        assert load_texts(s, ReportType.CCHC, "2024") == {"the_che": "Bản của Sở"}
        assert s.scalar(select(func.count()).select_from(m.ReportText)) == 2
    with db.transaction() as s:  # a cited figure is named as the editor's "Số liệu trích dẫn" list shows it
        save_figure(s, ReportType.CCHC, "2024", "so_tin_bai", "167")
    with db.session() as s:
        assert _entries(s, action="create")[-1].record_code == "số liệu trích dẫn so_tin_bai – kỳ 2024"


# --------------------------------------------------------------------------- import batches


def _import(db: Database, path: Path, rows: list[list[object]] | None = None):
    return import_file(db, "dossiers", write_xlsx(path, flat_rows(rows) if rows else flat_rows()), user="hoa")


def test_import_is_a_batch_with_hash_counts_and_entries(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    result = _import(db, tmp_path / "a.xlsx")
    with db.session() as s:
        batch = s.get(m.ImportBatch, result.batch_id)
        assert (batch.kind, batch.file_name, batch.user, batch.n_new, batch.n_updated, batch.n_rejected) == (
            "dossiers", "a.xlsx", "hoa", 4, 0, 0)
        assert batch.sha256 == audit.file_sha256(tmp_path / "a.xlsx")
        created = _entries(s, batch_id=batch.id)
        assert sorted(e.record_code for e in created) == ["HS-001", "HS-002", "HS-003", "HS-004"]
        assert all(e.new_values is None for e in created)  # no copy of an imported row's values
        assert audit.created_values(s, created[0])["received_on"].startswith("2024-01-1")


def test_undo_of_an_update_batch_gives_the_old_values_back(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    first = _import(db, tmp_path / "a.xlsx")
    rows = [list(r) for r in DOSSIERS]
    rows[3][7] = "24/01/2024"  # HS-004 now resolved
    rows[0][3] = "Nguyễn Văn Anh"
    second = _import(db, tmp_path / "b.xlsx", rows)
    assert second.updated == 4
    with db.session() as s:
        d4 = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-004"))
        assert d4.resolved_on == dt.date(2024, 1, 24) and d4.version == 2
        changed = _entries(s, batch_id=second.batch_id, action="update")
        assert sorted(e.record_code for e in changed) == ["HS-001", "HS-004"]
    with pytest.raises(CchcError, match="^Không hoàn tác được lần nhập số 1 .*: hồ sơ “HS-00[14]” đã được sửa sau"):
        with db.transaction() as s:
            audit.undo_batch(s, first.batch_id)
    with db.transaction() as s:
        assert "trả lại giá trị cũ cho 2 bản ghi" in audit.undo_batch(s, second.batch_id, user="hoa")
    with db.session() as s:
        d4 = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-004"))
        d1 = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-001"))
        assert (d4.resolved_on, d4.outcome, d1.applicant) == (None, None, "Nguyễn Văn An")
        assert dossier_counts_drift(s) == (4, 4, 3, 3)
    with pytest.raises(CchcError, match="đã được hoàn tác"):
        with db.transaction() as s:
            audit.undo_batch(s, second.batch_id)
    with db.transaction() as s:  # the first batch again has nothing newer on top of it
        assert "bỏ 4 bản ghi đã tạo" in audit.undo_batch(s, first.batch_id)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Dossier)) == 0
        assert dossier_counts_drift(s) == (0, 0, 0, 0)


def test_undo_refused_when_a_row_changed_after_the_import(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    result = _import(db, tmp_path / "a.xlsx")
    with db.transaction() as s:
        d2 = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-002"))
        services.update(s, m.Dossier, d2.id, {"note": "gọi lại"}, user="an")
    with pytest.raises(CchcError, match="hồ sơ “HS-002” đã được sửa sau lần nhập \\(bởi an lúc"):
        with db.transaction() as s:
            audit.undo_batch(s, result.batch_id)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Dossier)) == 4


def test_undo_refused_when_a_newer_record_uses_a_created_one(db: Database, tmp_path: Path) -> None:
    result = import_file(db, "procedures", _procedures_xlsx(tmp_path / "tthc.xlsx"), user="hoa")
    with db.transaction() as s:
        proc_id = s.scalar(select(m.Procedure.id).where(m.Procedure.code == "1.001"))
        services.create(s, m.Dossier, {"code": "HS-9", "procedure_id": proc_id, "received_on": dt.date(2024, 3, 1),
                                       "due_on": dt.date(2024, 3, 8)})
    with pytest.raises(CchcError, match="^Không hoàn tác được lần nhập số 1 .*: hồ sơ “HS-9” mới hơn dùng đến (lĩnh vực “Dược phẩm”|thủ tục hành chính “1.001”) do lần nhập"):
        with db.transaction() as s:
            audit.undo_batch(s, result.batch_id)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Procedure)) == 2


def _procedures_xlsx(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã TTHC", "Tên thủ tục", "Lĩnh vực"])
    ws.append(["1.001", "Cấp phép A", "Dược phẩm"])
    ws.append(["1.002", "Cấp phép B", "Dược phẩm"])
    wb.save(path)
    return path


def test_row_by_row_import_is_a_batch_too(db: Database, tmp_path: Path) -> None:
    result = import_file(db, "procedures", _procedures_xlsx(tmp_path / "tthc.xlsx"), user="hoa")
    assert result.imported == 2
    with db.session() as s:
        tables = sorted({e.table_name for e in _entries(s, batch_id=result.batch_id)})
        assert tables == ["field", "procedure"]
    with db.transaction() as s:
        audit.undo_batch(s, result.batch_id)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Procedure)) == 0
        assert s.scalar(select(func.count()).select_from(m.Field)) == 0


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="module")
def pg_url():
    from tests import pg

    if pg.server_bin() is None:
        pytest.skip("PostgreSQL server binaries not installed")
    pytest.importorskip("psycopg")
    with pg.temporary_cluster() as url:
        yield url


def test_lost_update_refused_and_import_undone_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    from cchc_desktop.core.db import open_database

    db = open_database(pg_url)
    try:
        seed_catalogue(db)
        result = _import(db, tmp_path / "a.xlsx")
        with db.session() as s:
            entries = _entries(s, batch_id=result.batch_id)
            assert sorted(e.record_code for e in entries) == ["HS-001", "HS-002", "HS-003", "HS-004"]
            assert entries[0].new_values is None
            assert audit.created_values(s, entries[0])["received_on"].startswith("2024-01-1")
            dossier_id = s.scalar(select(m.Dossier.id).where(m.Dossier.code == "HS-001"))
        with db.session() as first, db.session() as second:  # two PCs open the same dossier
            v1 = services.get(first, m.Dossier, dossier_id).version
            v2 = services.get(second, m.Dossier, dossier_id).version
        with db.transaction() as s:
            services.update(s, m.Dossier, dossier_id, {"note": "PC 1"}, user="an", expected_version=v1)
        with pytest.raises(ConflictError, match="an lúc .*Ghi chú: \\(trống\\) → PC 1"):
            with db.transaction() as s:
                services.update(s, m.Dossier, dossier_id, {"note": "PC 2"}, user="binh", expected_version=v2)
        with db.session() as stale:  # a row read, then changed and committed by the other PC
            held = services.get(stale, m.Dossier, dossier_id)
            stale.commit()
            with db.transaction() as other:
                services.update(other, m.Dossier, dossier_id, {"applicant": "Lê Văn C"}, user="an")
            with pytest.raises(ConflictError):
                with stale.begin():
                    services.update(stale, m.Dossier, dossier_id, {"applicant": "X"}, user="binh")
            assert held.id == dossier_id
        with pytest.raises(CchcError, match="đã được sửa sau lần nhập"):
            with db.transaction() as s:
                audit.undo_batch(s, result.batch_id)
        rows = [list(r) for r in DOSSIERS]
        rows[1][3] = "Trần Thị Bích"
        second_import = _import(db, tmp_path / "b.xlsx", rows)
        with db.transaction() as s:
            audit.undo_batch(s, second_import.batch_id)
        with db.session() as s:
            d2 = s.scalar(select(m.Dossier).where(m.Dossier.code == "HS-002"))
            assert (d2.applicant, d2.note) == ("Trần Thị Bình", None)
            assert s.get(m.Dossier, dossier_id).note == "PC 1"
        with db.transaction() as s:  # the recycle bin on PostgreSQL: a dossier with its event
            dossier_events.add_event(s, dossier_id, {"kind": "supplement_requested",
                                                     "occurred_on": dt.date(2024, 1, 16)})
        with db.transaction() as s:
            services.delete(s, m.Dossier, [dossier_id], user="an")
        with db.transaction() as s:
            assert "cùng 1 dữ liệu kèm theo" in audit.restore(s, s.scalars(audit.bin_select()).one().id)
        with db.session() as s:
            restored = s.get(m.Dossier, dossier_id)
            assert restored.note == "PC 1" and [e.kind.value for e in restored.events] == ["supplement_requested"]
            assert dossier_counts_drift(s) == (4, 4, 3, 3)
    finally:
        db.close()


# --------------------------------------------------------------------------- command line


def test_cli_log_imports_undo_import_trash_and_undelete(db: Database, tmp_path: Path, capsys) -> None:
    from cchc_desktop.cli import main

    seed_catalogue(db)
    path = write_xlsx(tmp_path / "a.xlsx", flat_rows())
    db_arg = ["--db", str(db.path)]
    assert main(["import", *db_arg, "dossiers", str(path)]) in (0, 2)
    out = capsys.readouterr().out
    assert "Lần nhập số 1; hoàn tác cả lần nhập: cchc-desktop undo-import 1" in out
    assert main(["imports", *db_arg]) == 0
    assert "a.xlsx" in capsys.readouterr().out
    assert main(["log", *db_arg, "--table", "dossier", "--batch", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all("Thêm hồ sơ “HS-00" in line and "[lần nhập 1]" in line for line in lines)
    with db.transaction() as s:
        d1 = s.scalar(select(m.Dossier.id).where(m.Dossier.code == "HS-001"))
        services.delete(s, m.Dossier, [d1], user="an")
    assert main(["undo-import", *db_arg, "1"]) == 1
    assert "hồ sơ “HS-001” đã bị xóa sau lần nhập" in capsys.readouterr().err
    assert main(["trash", *db_arg]) == 0
    entry = capsys.readouterr().out.split(":")[0]
    assert main(["undelete", *db_arg, entry]) == 0
    assert "Đã khôi phục hồ sơ “HS-001”" in capsys.readouterr().out
    assert main(["undo-import", *db_arg, "1"]) == 1  # the restore is newer than the import
    capsys.readouterr()
    assert main(["log", *db_arg, "--record", "HS-001", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "Khôi phục hồ sơ “HS-001”" in out and "an  Xóa hồ sơ “HS-001”" in out


def test_a_procedure_field_change_reaches_its_dossiers_in_the_trail(db: Database) -> None:
    proc_id, dossier_id = _seed(db)
    with db.transaction() as s:
        field = services.create(s, m.Field, {"name": "Dược phẩm"})
        services.update(s, m.Procedure, proc_id, {"field_id": field.id}, user="an")
        field_id = field.id
    with db.session() as s:
        dossier = s.get(m.Dossier, dossier_id)
        entry = _entries(s, table_name="dossier", action="update", user="an")[-1]
        assert dossier.field_id == field_id and entry.record_version == dossier.version
        assert json.loads(entry.new_values) == {"field_id": field_id}
        assert "Lĩnh vực: (trống) → Dược phẩm" in audit.describe(s, entry)


def test_file_contents_are_kept_by_digest_and_restored_whole(db: Database) -> None:
    content = bytes(range(256)) * 400  # a 100 KB report file
    with db.transaction() as s:
        report = services.create(s, m.IssuedReport, {
            "report_type": "cchc", "number": "12/BC-SYT", "issued_on": dt.date(2024, 6, 14), "period_key": "2024-H1",
            "period_start": dt.date(2023, 12, 15), "period_end": dt.date(2024, 6, 14), "docx_content": content})
        report_id = report.id
    with db.session() as s:
        created = _entries(s, table_name="issued_report")[0]
        assert len(created.new_values) < 2_000  # size and digest, not the file
        assert json.loads(created.new_values)["docx_content"]["$bytes"] == len(content)
    with db.transaction() as s:
        services.delete(s, m.IssuedReport, [report_id])
    with db.transaction() as s:
        audit.restore(s, s.scalars(audit.bin_select()).one().id)
    with db.session() as s:
        assert s.get(m.IssuedReport, report_id).docx_content == content


def test_undo_of_a_survey_import_brings_replaced_answers_back(db: Database, tmp_path: Path) -> None:
    from cchc_desktop.core.defaults import DEFAULT_CRITERIA, seed_questionnaire

    with db.transaction() as s:
        q = seed_questionnaire(s)
        services.create(s, m.SurveyCampaign, {"title": "Khảo sát năm 2024", "year": 2024, "questionnaire_id": q.id})
    header = ["Đợt khảo sát", "Phiếu số", *[c.name for c in DEFAULT_CRITERIA[:4]]]

    def answers() -> list[tuple[int, int]]:
        with db.session() as s:
            return [tuple(r) for r in s.execute(select(m.Criterion.sort_order, m.CriterionOption.rank)
                             .join(m.SurveyAnswer, m.SurveyAnswer.criterion_id == m.Criterion.id)
                             .join(m.CriterionOption, m.CriterionOption.id == m.SurveyAnswer.option_id)
                             .order_by(m.Criterion.sort_order)).all()]

    first = import_file(db, "survey_forms", write_xlsx(tmp_path / "p1.xlsx", [header, ["Khảo sát năm 2024", 1, 1, 1, 1, ""]]))
    assert first.imported == 1 and answers() == [(1, 1), (2, 1), (3, 1)]
    # the last answer (highest id) goes and a new one comes: SQLite may give the new one the same id
    second = import_file(db, "survey_forms", write_xlsx(tmp_path / "p2.xlsx", [header, ["Khảo sát năm 2024", 1, 2, 1, "", 2]]))
    assert second.updated == 1 and answers() == [(1, 2), (2, 1), (4, 2)]
    with db.transaction() as s:
        audit.undo_batch(s, second.batch_id)
    assert answers() == [(1, 1), (2, 1), (3, 1)]
    with db.transaction() as s:
        audit.undo_batch(s, first.batch_id)
    assert answers() == []
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.SurveyForm)) == 0


def test_survey_totals_saved_meanwhile_are_refused_and_kept(db: Database) -> None:
    from cchc_desktop.core.defaults import seed_questionnaire

    with db.transaction() as s:
        q = seed_questionnaire(s)
        campaign = services.create(s, m.SurveyCampaign, {"title": "Khảo sát 2024", "year": 2024,
                                                         "questionnaire_id": q.id, "mode": "totals"}, user="lan")
        first = [o.id for o in q.criteria[0].options]
        services.set_option_counts(s, campaign.id, 10, {first[0]: 10}, user="lan")
        campaign_id, read = campaign.id, campaign.version  # both people read the totals now
    with db.transaction() as s:  # only the counts change: the campaign's version still moves on
        services.set_option_counts(s, campaign_id, 10, {first[0]: 7, first[1]: 3}, user="an", expected_version=read)
        assert services.get(s, m.SurveyCampaign, campaign_id).version == read + 1
    with pytest.raises(ConflictError, match="đợt khảo sát .*đã được người khác thay đổi"), db.transaction() as s:
        services.set_option_counts(s, campaign_id, 10, {first[0]: 9, first[1]: 1}, user="binh", expected_version=read)
    with db.session() as s:
        counts = dict(s.execute(select(m.SurveyOptionCount.option_id, m.SurveyOptionCount.count)).all())
        assert (counts[first[0]], counts[first[1]]) == (7, 3)


def test_a_survey_import_changing_a_forms_answers_moves_its_version_on(db: Database, tmp_path: Path) -> None:
    """A survey grid opened before the import holds the form's older version: its save is refused."""
    from cchc_desktop.core.defaults import DEFAULT_CRITERIA, seed_questionnaire

    with db.transaction() as s:
        q = seed_questionnaire(s)
        services.create(s, m.SurveyCampaign, {"title": "Khảo sát năm 2024", "year": 2024, "questionnaire_id": q.id})
    header = ["Đợt khảo sát", "Phiếu số", *[c.name for c in DEFAULT_CRITERIA[:3]]]
    import_file(db, "survey_forms", write_xlsx(tmp_path / "p1.xlsx", [header, ["Khảo sát năm 2024", 1, 1, 1, 1]]))
    with db.session() as s:
        form = s.scalar(select(m.SurveyForm))
        form_id, read = form.id, form.version  # the grid shows the form
    again = import_file(db, "survey_forms", write_xlsx(tmp_path / "p2.xlsx", [header, ["Khảo sát năm 2024", 1, 2, 1, 1]]))
    assert again.updated == 1
    with pytest.raises(ConflictError, match="(?s)“phiếu số 1”.*: sửa câu trả lời"), db.transaction() as s:
        services.update(s, m.SurveyForm, form_id, {"number": 1}, user="binh", expected_version=read)


def _copies(s, entries: list[m.AuditEntry]) -> dict[int, dict]:
    """What a copy of each created row's values, taken right after its import, would hold."""
    table = audit.table_of("dossier")
    return {e.id: audit._row_json(s, table, e.record_id) for e in entries}


def test_an_imported_row_keeps_its_created_values_through_every_later_change(db: Database, tmp_path: Path) -> None:
    """An import's create entries hold no copy of the values (a copy was twice the dossiers' size);
    the trail gives them back exactly: after form edits, a later import's updates, a deletion to the
    bin and its restore, the undo of a later import, and an id used again by a new import."""
    seed_catalogue(db)
    first = _import(db, tmp_path / "a.xlsx")
    with db.session() as s:
        created = _entries(s, batch_id=first.batch_id, action="create")
        copies = _copies(s, created)
        assert all(e.new_values is None for e in created) and len(copies) == 4
        assert copies[created[0].id]["applicant"] == "Nguyễn Văn An"
        ids = {e.record_code: e.record_id for e in created}
    with db.transaction() as s:  # a form edit, then a later import that changes two rows
        services.update(s, m.Dossier, ids["HS-001"], {"note": "gọi lại"}, user="an")
    rows = [list(r) for r in DOSSIERS]
    rows[3][7], rows[0][3] = "24/01/2024", "Nguyễn Văn Anh"
    second = _import(db, tmp_path / "b.xlsx", rows)
    with db.transaction() as s:  # HS-002 to the bin and back
        services.delete(s, m.Dossier, [ids["HS-002"]], user="an")
        binned = _entries(s, action="delete", record_id=ids["HS-002"])
        audit.restore(s, binned[-1].id, user="an")
        services.update(s, m.Dossier, ids["HS-002"], {"applicant": "Trần Thị B"}, user="an")
    with db.session() as s:
        assert {e.id: audit.created_values(s, e) for e in created} == copies
        # the trail's list (no session): an unchanged row shows its values, a changed one says where to look
        listed = dict(s.execute(select(m.AuditEntry.record_code, audit.as_created_sql(m.AuditEntry))
                                .where(m.AuditEntry.batch_id == first.batch_id)).all())
        assert json.loads(listed["HS-003"]) == copies[next(e.id for e in created if e.record_code == "HS-003")]
        assert listed["HS-001"] is None and listed["HS-002"] is None
        entry = next(e for e in created if e.record_code == "HS-001")
        assert audit.describe(None, entry) == audit.AS_IMPORTED
        assert "cá nhân nộp: Nguyễn Văn An;" in audit.describe(s, entry)  # the value as imported, not “Anh”
    with db.transaction() as s:
        audit.undo_batch(s, second.batch_id, user="hoa")
    with db.session() as s:
        assert {e.id: audit.created_values(s, e) for e in created} == copies
    # a batch undone at once: its undo entries keep the rows; the ids come again with a new import
    third = _import(db, tmp_path / "c.xlsx", [(f"HS-1{i}", *DOSSIERS[i][1:]) for i in range(4)])
    with db.session() as s:
        undone = _entries(s, batch_id=third.batch_id, action="create")
        undone_copies = _copies(s, undone)
    with db.transaction() as s:
        audit.undo_batch(s, third.batch_id, user="hoa")
    with db.session() as s:
        undo_entries = _entries(s, batch_id=third.batch_id, action="undo")
        assert sorted(json.loads(e.old_values)["code"] for e in undo_entries) == ["HS-10", "HS-11", "HS-12", "HS-13"]
    fourth = _import(db, tmp_path / "d.xlsx", [(f"HS-2{i}", *DOSSIERS[i][1:]) for i in range(4)])
    with db.session() as s:
        again = _entries(s, batch_id=fourth.batch_id, action="create")
        assert {e.record_id for e in again} == {e.record_id for e in undone}  # SQLite gave the ids again
        assert {e.id: audit.created_values(s, e) for e in undone} == undone_copies
        assert [audit.created_values(s, e)["code"] for e in again] == [e.record_code for e in again]
        assert {e.id: audit.created_values(s, e) for e in created} == copies
