"""Unit data packages (issue 16): three unit databases → three packages → one department database whose
figures equal the units' sums; re-sending changes nothing; a department edit is a conflict, never
overwritten; broken packages are refused with the database unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cchc_desktop.cli import main
from cchc_desktop.core import dossier_events as de
from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.db import Database, open_database
from cchc_desktop.core.enums import Channel, ReportType, SurveyMode
from cchc_desktop.core.enums import DossierEventKind as K
from cchc_desktop.core.indicators import compute_all
from cchc_desktop.core.newdb import create_database, default_profile
from cchc_desktop.core.periods import PeriodSpec
from cchc_desktop.io.package import PackageError, import_package, read_package, senders
from cchc_desktop.reports.texts import load_texts, save_texts

D = dt.date
YEAR = PeriodSpec.parse("2024")
UNITS = (
    ("CHI CỤC AN TOÀN VỆ SINH THỰC PHẨM", "000.20.31.H34", "1.1", 14),
    ("TRUNG TÂM GIÁM ĐỊNH Y KHOA", "000.21.31.H34", "1.2", 9),
    ("TRUNG TÂM KIỂM SOÁT BỆNH TẬT", "000.22.31.H34", "1.3", 21),
)


def _unit_db(folder: Path, agency: str, code: str, prefix: str, n: int) -> Path:
    path = folder / f"{code}.db"
    create_database(path, default_profile("Khánh Hòa", parent_agency="SỞ Y TẾ KHÁNH HÒA", agency=agency), year=2024)
    db = open_database(path)
    try:
        with db.transaction() as s:
            unit = s.scalar(select(m.Unit))
            services.update(s, m.Unit, unit.id, {"code": code})
            field = s.scalar(select(m.Field).order_by(m.Field.sort_order))
            procs = [services.create(s, m.Procedure, {"code": f"{prefix}.{i:04d}", "name": f"Thủ tục {prefix}.{i}",
                                                        "field_id": field.id, "unit_id": unit.id,
                                                        "resolution_days": 10}) for i in range(3)]  # fmt: skip
            for i in range(n):
                received = D(2024, 1, 8) + dt.timedelta(days=7 * i)
                due = received + dt.timedelta(days=14)
                resolved = None if i % 5 == 4 else received + dt.timedelta(days=(16 if i % 7 == 3 else 5))
                dossier = services.create(s, m.Dossier, {
                    "code": f"{code}-{i:04d}", "procedure_id": procs[i % 3].id, "unit_id": unit.id,
                    "channel": Channel.ONLINE if i % 2 else Channel.DIRECT, "received_on": received, "due_on": due,
                    "resolved_on": None if i % 4 in (1, 2) else resolved, "applicant": f"Người nộp {i}",
                })  # fmt: skip
                _events(s, dossier, i, received, due, resolved)
            _surveys_documents_texts(s, agency, prefix, n)
            for i in range(4):
                assigned = D(2024, 3, 1) + dt.timedelta(days=30 * i)
                services.create(s, m.Task, {
                    "document_number": f"{100 + i}/UBND-VX", "content": f"Nhiệm vụ {i} của {agency}",
                    "lead_unit_id": unit.id, "assigned_on": assigned, "due_on": assigned + dt.timedelta(days=10),
                    "completed_on": assigned + dt.timedelta(days=8 if i else 12),
                })  # fmt: skip
    finally:
        db.close()
    return path


def _events(s, dossier: m.Dossier, i: int, received: dt.date, due: dt.date, resolved: dt.date | None) -> None:
    """Every fourth dossier waits for supplements (requested, received: the clock restarts), the next is
    extended with its apology letter; both are then resolved."""
    if i % 4 == 1:
        de.add_event(s, dossier.id, {"kind": K.SUPPLEMENT_REQUESTED, "occurred_on": received + dt.timedelta(days=2),
                                     "document_number": f"{i}/PYCBS"})  # fmt: skip
        de.add_event(s, dossier.id, {"kind": K.SUPPLEMENT_RECEIVED, "occurred_on": received + dt.timedelta(days=4)})
    elif i % 4 == 2:
        de.add_event(s, dossier.id, {"kind": K.EXTENDED, "occurred_on": received + dt.timedelta(days=3),
                                     "document_number": f"{i}/TXL", "document_date": received + dt.timedelta(days=3),
                                     "new_due_on": due + dt.timedelta(days=7)})  # fmt: skip
    else:
        return
    if resolved is not None:
        services.update(s, m.Dossier, dossier.id, {"resolved_on": resolved})


def _surveys_documents_texts(s, agency: str, prefix: str, n: int) -> None:
    """A campaign of forms (and, for the first unit, one of totals), twelve months of document counts and
    two report texts for 2024."""
    q = s.scalar(select(m.Questionnaire))
    criteria = q.criteria
    camp = services.create(s, m.SurveyCampaign, {"title": f"Khảo sát sự hài lòng {agency}", "year": 2024,
                                                  "held_on": D(2024, 6, 10), "questionnaire_id": q.id})  # fmt: skip
    group = services.create(s, m.RespondentGroup, {"campaign_id": camp.id, "name": "Người dân"})
    for number in range(1, n // 2 + 1):
        form = services.create(s, m.SurveyForm, {"campaign_id": camp.id, "number": number, "group_id": group.id,
                                                  "filled_on": D(2024, 6, 10)})  # fmt: skip
        for k, cr in enumerate(criteria):
            option = cr.options[(number + k) % len(cr.options)]
            services.create(s, m.SurveyAnswer, {"form_id": form.id, "criterion_id": cr.id, "option_id": option.id})
    if prefix == "1.1":
        totals = services.create(s, m.SurveyCampaign, {"title": "Khảo sát trực tuyến", "year": 2024,
                                                        "held_on": D(2024, 9, 2), "questionnaire_id": q.id,
                                                        "mode": SurveyMode.TOTALS, "total_forms": 10})  # fmt: skip
        for cr in criteria:
            for rank, option in enumerate(cr.options):
                services.create(s, m.SurveyOptionCount, {"campaign_id": totals.id, "option_id": option.id,
                                                          "count": 10 if rank == 0 else 0})  # fmt: skip
    for month in range(1, 13):
        out = n + month
        services.create(s, m.DocumentCount, {
            "year": 2024, "month": month, "outgoing": out, "outgoing_secret": 1, "outgoing_electronic": out - 2,
            "decisions": month, "decisions_electronic": month - 1, "incoming": 3 * out, "incoming_electronic": 2 * out,
        })  # fmt: skip
    save_texts(s, ReportType.CCHC, "2024", {"ket_qua": f"Kết quả của {agency}.", "ton_tai": "Còn chậm."})


def _export(db_path: Path, out: Path) -> Path:
    assert main(["export", "package", "--db", str(db_path), "--period", "2024", "--out", str(out)]) == 0
    return out


def _figures(path: Path):
    db = open_database(path, create=False)
    try:
        with db.session() as s:
            ind = compute_all(s, YEAR)
            return ind.dossiers, ind.tasks
    finally:
        db.close()


def _survey_and_documents(db: Database):
    """The survey and document figures as the indicators give them (forms, satisfaction, every option's
    count per criterion; the document summary's counts and objective 6)."""
    with db.session() as s:
        ind = compute_all(s, YEAR)
    sv, docs = ind.survey, ind.documents
    survey = {"forms": sv.forms, "satisfaction": (sv.satisfaction.numerator, sv.satisfaction.denominator),
              "options": {(c.name, o.rank): o.count for c in sv.criteria for o in c.options}}  # fmt: skip
    return survey, _ints(docs) | {"objective6": (docs.figure.numerator, docs.figure.denominator)}


def _added(items: list[dict]) -> dict:
    out: dict = {}
    for item in items:
        for k, v in item.items():
            if isinstance(v, dict):
                out[k] = _added([out.get(k, {}), v]) if k in out else dict(v)
            elif isinstance(v, tuple):
                out[k] = tuple(a + b for a, b in zip(out.get(k, (0,) * len(v)), v, strict=True))
            else:
                out[k] = out.get(k, 0) + v
    return out


def _units_survey_and_documents(paths: list[Path]) -> tuple[dict, dict]:
    """The sums, over the unit databases at ``paths``, of their own survey and document figures."""
    dbs = [open_database(p, create=False) for p in paths]
    try:
        parts = [_survey_and_documents(u) for u in dbs]
    finally:
        for u in dbs:
            u.close()
    return _added([p[0] for p in parts]), _added([p[1] for p in parts])


def _records_in(path: Path) -> int:
    """How many records the package brings (each is remembered with it)."""
    data = read_package(path)[1]
    surveys = data["surveys"]
    return (len(data["procedures"]) + len(data["dossiers"]) + sum(len(x["events"]) for x in data["dossiers"])
            + len(data["tasks"]) + len(surveys) + len(data["documents"]) + len(data["report_texts"])
            + sum(len(c["forms"]) + sum(len(f["answers"]) for f in c["forms"]) + len(c["option_counts"])
                  for c in surveys))  # fmt: skip


def _sum(items):
    first = items[0]
    values = {f.name: sum(getattr(x, f.name) for x in items) for f in dataclasses.fields(first)
              if isinstance(getattr(first, f.name), int) and not isinstance(getattr(first, f.name), bool)}
    return values


def _ints(obj):
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)
            if isinstance(getattr(obj, f.name), int) and not isinstance(getattr(obj, f.name), bool)}


def _snapshot(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t))
                for t in (m.Unit, m.Procedure, m.Dossier, m.Task, m.DataPackage, m.PackageRecord, m.Field,
                          m.DossierEvent, m.SurveyCampaign, m.RespondentGroup, m.SurveyForm, m.SurveyAnswer,
                          m.SurveyOptionCount, m.Questionnaire, m.Criterion, m.CriterionOption, m.DocumentCount,
                          m.ReportText)}  # fmt: skip


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("units")
    dbs = [_unit_db(folder, *u) for u in UNITS]
    return folder, dbs, [_export(p, folder / f"{p.stem}.cchc") for p in dbs]


@pytest.fixture
def department(tmp_path: Path) -> Database:
    path = tmp_path / "so.db"
    create_database(path, default_profile("Khánh Hòa"), year=2024)
    db = open_database(path)
    yield db
    db.close()


def test_department_figures_equal_the_units_sums(packages, department: Database, capsys) -> None:
    _folder, dbs, files = packages
    for f in files:
        result = import_package(department, f)
        assert result.committed and not result.conflicts
    units = [_figures(p) for p in dbs]
    with department.session() as s:
        ind = compute_all(s, YEAR)
        sent = senders(s, D(2023, 12, 15), D(2024, 12, 14))
        names = dict(s.execute(select(m.Unit.id, m.Unit.name)).all())
        provenance = s.scalar(select(func.count()).select_from(m.PackageRecord))
    assert _ints(ind.dossiers) == _sum([d for d, _t in units])
    assert _ints(ind.tasks) == _sum([t for _d, t in units])
    assert ind.dossiers.received == sum(u[3] for u in UNITS)
    assert sorted(names[uid] for uid in sent) == sorted(a for a, *_ in UNITS)
    assert provenance == sum(_records_in(f) for f in files)  # every row remembers its package
    # the survey and document figures too: the department's are the units' sums, by the same indicators
    unit_survey, unit_documents = _units_survey_and_documents(dbs)
    survey, documents = _survey_and_documents(department)
    assert survey == unit_survey and survey["forms"] == sum(u[3] // 2 for u in UNITS) + 10
    assert documents == unit_documents and documents["outgoing"] == sum(12 * u[3] + 78 for u in UNITS)
    with department.session() as s:
        events = s.scalar(select(func.count()).select_from(m.DossierEvent))
        assert events == sum(sum(len(x["events"]) for x in read_package(f)[1]["dossiers"]) for f in files) > 0
        assert load_texts(s, ReportType.CCHC, "2024") == {}  # the units' texts are theirs, not the department's
        texts = s.scalars(select(m.ReportText.body).where(m.ReportText.unit_id.is_not(None))).all()
        assert sorted(texts) == sorted([f"Kết quả của {a}." for a, *_ in UNITS] + ["Còn chậm."] * 3)
    # sending each package again changes nothing
    before = _snapshot(department)
    capsys.readouterr()
    for f in files:
        assert main(["import", "package", str(f), "--db", str(department.path)]) == 0
        assert "đã được nhận trước đây; không có gì thay đổi" in capsys.readouterr().out
    assert _snapshot(department) == before


def test_an_edit_at_the_department_is_a_conflict_never_overwritten(packages, department: Database, tmp_path) -> None:
    _folder, dbs, files = packages
    import_package(department, files[0])
    code = f"{UNITS[0][1]}-0001"
    other = f"{UNITS[0][1]}-0002"
    with department.transaction() as s:  # the department corrects a dossier
        d = s.scalar(select(m.Dossier).where(m.Dossier.code == code))
        services.update(s, m.Dossier, d.id, {"applicant": "Tên đã sửa ở Sở"})
    unit_copy = tmp_path / "unit.db"
    unit_copy.write_bytes(dbs[0].read_bytes())
    unit = open_database(unit_copy)
    try:  # the unit changes both dossiers, then sends a newer package
        with unit.transaction() as s:
            for c in (code, other):
                d = s.scalar(select(m.Dossier).where(m.Dossier.code == c))
                services.update(s, m.Dossier, d.id, {"applicant": "Tên mới ở đơn vị"})
    finally:
        unit.close()
    newer = _export(unit_copy, tmp_path / "newer.cchc")
    preview = import_package(department, newer, preview=True)
    assert (preview.conflicts, preview.changed, preview.committed) == ([f"hồ sơ {code}"], [f"hồ sơ {other}"], False)
    result = import_package(department, newer)
    assert result.conflicts == [f"hồ sơ {code}"] and result.changed == [f"hồ sơ {other}"]
    with department.session() as s:
        applicants = dict(s.execute(select(m.Dossier.code, m.Dossier.applicant)
                                    .where(m.Dossier.code.in_([code, other]))).all())  # fmt: skip
        assert applicants == {code: "Tên đã sửa ở Sở", other: "Tên mới ở đơn vị"}
        assert s.scalar(select(func.count()).where(m.Dossier.code.like(f"{UNITS[0][1]}-%"))) == UNITS[0][3]


def _unit_copy(src: Path, tmp_path: Path, change) -> Path:
    """A copy of the unit's database changed by ``change(session)``, and its newer package."""
    tmp_path.mkdir(exist_ok=True)
    copy = tmp_path / "unit.db"
    copy.write_bytes(src.read_bytes())
    unit = open_database(copy)
    try:
        with unit.transaction() as s:
            change(s)
    finally:
        unit.close()
    return _export(copy, tmp_path / "newer.cchc")


def test_a_newer_package_matches_every_record_by_its_natural_key(packages, department: Database, tmp_path) -> None:
    _folder, dbs, files = packages
    import_package(department, files[0])
    before = _snapshot(department)

    def change(s) -> None:
        task = s.scalar(select(m.Task).order_by(m.Task.id))
        services.update(s, m.Task, task.id, {"note": "Đã báo cáo"})

    newer = _unit_copy(dbs[0], tmp_path, change)
    result = import_package(department, newer)
    assert (result.new, result.changed, result.conflicts) == ([], ["nhiệm vụ 100/UBND-VX"], [])
    # every other record of every kind is found again: dossiers and events, campaigns, forms (with their
    # answers), counts per option, monthly document counts, report texts
    data = read_package(newer)[1]
    forms = sum(len(c["forms"]) for c in data["surveys"])
    lines = (len(data["procedures"]) + len(data["dossiers"]) + sum(len(x["events"]) for x in data["dossiers"])
             + len(data["tasks"]) + len(data["surveys"]) + forms + len(data["documents"]) + len(data["report_texts"]))  # fmt: skip
    assert result.unchanged == lines - 1
    after = _snapshot(department)
    assert after == before | {"data_package": before["data_package"] + 1, "package_record": before["package_record"] + 1}


def test_records_with_the_same_key_are_matched_in_order(packages, department: Database, tmp_path) -> None:
    """Two tasks of one document with the same content (an ambiguous key): the n-th of the package matches
    the n-th of the department, so a re-send updates the right one and never adds a third."""
    _folder, dbs, _files = packages
    twin = {"document_number": "7/UBND-VX", "content": "Rà soát thủ tục", "assigned_on": D(2024, 5, 2),
            "due_on": D(2024, 5, 30)}  # fmt: skip

    def two(s) -> None:
        unit = s.scalar(select(m.Unit))
        for note in ("lần 1", "lần 2"):
            services.create(s, m.Task, twin | {"lead_unit_id": unit.id, "note": note})

    first = _unit_copy(dbs[0], tmp_path / "a", two)
    assert import_package(department, first).committed

    def second_done(s) -> None:
        task = s.scalars(select(m.Task).where(m.Task.document_number == "7/UBND-VX").order_by(m.Task.id)).all()[1]
        services.update(s, m.Task, task.id, {"completed_on": D(2024, 5, 20)})

    result = import_package(department, _unit_copy(tmp_path / "a" / "unit.db", tmp_path / "b", second_done))
    assert (result.new, result.changed, result.conflicts) == ([], ["nhiệm vụ 7/UBND-VX"], [])
    with department.session() as s:
        rows = s.execute(select(m.Task.note, m.Task.completed_on).where(m.Task.document_number == "7/UBND-VX")
                         .order_by(m.Task.id)).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [("lần 1", None), ("lần 2", D(2024, 5, 20))]


def test_events_of_a_dossier_the_department_entered_itself_are_listed_not_written(packages, department) -> None:
    _folder, _dbs, files = packages
    code = f"{CODE}-0002"  # extended at the unit (``_events``)
    with department.transaction() as s:
        unit = services.create(s, m.Unit, {"name": UNITS[0][0], "code": UNITS[0][1]})
        field = s.scalar(select(m.Field).order_by(m.Field.sort_order))
        proc = services.create(s, m.Procedure, {"code": "1.1.0002", "name": "Thủ tục 1.1.2", "field_id": field.id,
                                                 "unit_id": unit.id, "resolution_days": 10})  # fmt: skip
        services.create(s, m.Dossier, {"code": code, "procedure_id": proc.id, "unit_id": unit.id,
                                       "received_on": D(2024, 1, 22), "due_on": D(2024, 2, 5)})  # fmt: skip
    result = import_package(department, files[0])
    extension = f"sự kiện hồ sơ {code}: {K.EXTENDED.label.lower()} {D(2024, 1, 25):%d/%m/%Y}"
    assert f"hồ sơ {code}" in result.conflicts and extension in result.conflicts
    with department.session() as s:
        d = s.scalar(select(m.Dossier).where(m.Dossier.code == code))
        assert (d.extended_due_on, d.events) == (None, [])


def _event_of(s, code: str, kind: K) -> m.DossierEvent:
    return s.scalar(select(m.DossierEvent).join(m.Dossier).where(m.Dossier.code == code, m.DossierEvent.kind == kind))


def _campaign(s, title_part: str) -> m.SurveyCampaign:
    return s.scalar(select(m.SurveyCampaign).where(m.SurveyCampaign.title.contains(title_part)))


def _answer(s, number: int) -> m.SurveyAnswer:
    camp = _campaign(s, "hài lòng")
    form = s.scalar(select(m.SurveyForm).where(m.SurveyForm.campaign_id == camp.id, m.SurveyForm.number == number))
    return s.scalar(select(m.SurveyAnswer).where(m.SurveyAnswer.form_id == form.id).order_by(m.SurveyAnswer.criterion_id))


def _other_option(s, answer: m.SurveyAnswer, step: int) -> int:
    options = s.scalars(select(m.CriterionOption.id).where(m.CriterionOption.criterion_id == answer.criterion_id)
                        .order_by(m.CriterionOption.rank)).all()  # fmt: skip
    return options[(options.index(answer.option_id) + step) % len(options)]


def _month(s, month: int) -> m.DocumentCount:
    return s.scalar(select(m.DocumentCount).where(m.DocumentCount.month == month, m.DocumentCount.year == 2024))


def _text(s, key: str) -> m.ReportText:
    return s.scalar(select(m.ReportText).where(m.ReportText.section_key == key))


CODE = UNITS[0][1]
TITLE = f"Khảo sát sự hài lòng {UNITS[0][0]}"
# kind: (edit one record (1: at the department, 2: at the unit) or the other (3: at the unit only), read the
# value, the result's line of the first record, of the other)
KINDS = {
    "events": (
        lambda s, who, rec: de.update_event(s, _event_of(s, f"{CODE}-{rec:04d}", K.SUPPLEMENT_REQUESTED).id,
                                            {"note": f"sửa ở {who}"}),
        lambda s, rec: _event_of(s, f"{CODE}-{rec:04d}", K.SUPPLEMENT_REQUESTED).note,
        "sự kiện hồ sơ {}-{:04d}: yêu cầu bổ sung", (1, 5),
    ),
    "surveys": (
        lambda s, who, rec: services.update(s, m.SurveyCampaign, _campaign(s, ("hài lòng", "trực tuyến")[rec]).id,
                                            {"report_number": f"1/BC-{who}"}),
        lambda s, rec: _campaign(s, ("hài lòng", "trực tuyến")[rec]).report_number,
        "đợt khảo sát", (0, 1),
    ),
    "survey_forms": (
        lambda s, who, rec: services.update(s, m.SurveyAnswer, _answer(s, rec).id,
                                            {"option_id": _other_option(s, _answer(s, rec), 1 if who == "Sở" else 2)}),
        lambda s, rec: _answer(s, rec).option_id,
        "phiếu khảo sát", (1, 2),
    ),
    "survey_totals": (
        lambda s, who, rec: services.update(s, m.SurveyOptionCount, s.scalars(select(m.SurveyOptionCount)
                                            .order_by(m.SurveyOptionCount.id)).all()[rec].id,
                                            {"count": 7 if who == "Sở" else 8}),
        lambda s, rec: s.scalars(select(m.SurveyOptionCount.count).order_by(m.SurveyOptionCount.id)).all()[rec],
        "đợt khảo sát Khảo sát trực tuyến", (0, None),
    ),
    "documents": (
        lambda s, who, rec: services.update(s, m.DocumentCount, _month(s, rec).id,
                                            {"incoming": _month(s, rec).incoming + (1 if who == "Sở" else 2)}),
        lambda s, rec: _month(s, rec).incoming,
        "số liệu văn bản tháng {}/2024", (3, 4),
    ),
    "report_texts": (
        lambda s, who, rec: services.update(s, m.ReportText, _text(s, ("ket_qua", "ton_tai")[rec]).id,
                                            {"body": f"Viết lại ở {who}."}),
        lambda s, rec: _text(s, ("ket_qua", "ton_tai")[rec]).body,
        "nội dung báo cáo {} (Báo cáo công tác cải cách hành chính)", (0, 1),
    ),
}


def _line(template: str, kind: str, rec: int) -> str:
    if kind == "events":  # requested two days after receipt (``_events``)
        day = D(2024, 1, 8) + dt.timedelta(days=7 * rec + 2)
        return template.format(CODE, rec) + f" hồ sơ {day:%d/%m/%Y}"
    if kind == "surveys":
        return f"đợt khảo sát {(TITLE, 'Khảo sát trực tuyến')[rec]}"
    if kind == "survey_forms":
        return f"phiếu khảo sát {TITLE} số {rec}"
    if kind == "report_texts":
        return template.format(("ket_qua", "ton_tai")[rec])
    return template.format(rec)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_department_edit_of_each_kind_is_a_conflict_never_overwritten(
    packages, department: Database, tmp_path, kind: str
) -> None:
    edit, read, template, (first, other) = KINDS[kind]
    _folder, dbs, files = packages
    import_package(department, files[0])
    with department.transaction() as s:  # the department corrects one record
        edit(s, "Sở", first)
    with department.session() as s:
        kept = read(s, first)
        other_before = read(s, other) if other is not None else None

    def change(s) -> None:  # the unit changes that record and another one of the kind, then sends again
        edit(s, "đơn vị", first)
        if other is not None:
            edit(s, "đơn vị", other)

    newer = _unit_copy(dbs[0], tmp_path, change)
    before = _snapshot(department)
    preview = import_package(department, newer, preview=True)
    assert preview.conflicts == [_line(template, kind, first)] and not preview.committed
    assert _snapshot(department) == before
    result = import_package(department, newer)
    assert result.conflicts == [_line(template, kind, first)]
    assert result.changed == ([_line(template, kind, other)] if other is not None else [])
    assert result.new == []
    after = _snapshot(department)
    with department.session() as s:
        assert read(s, first) == kept  # the department's value stays
        if other is not None:
            assert read(s, other) != other_before  # the unit's change of the other record came in
    grown = {"data_package", "package_record"}
    assert {k: v for k, v in after.items() if k not in grown} == {k: v for k, v in before.items() if k not in grown}
    assert f"  Xung đột (giữ bản của Sở, không ghi đè): {_line(template, kind, first)}" in result.lines()


def _rewrite(src: Path, out: Path, *, manifest: dict | None = None, data: bytes | None = None) -> Path:
    with zipfile.ZipFile(src) as zf:
        man = json.loads(zf.read("manifest.json"))
        body = zf.read("data.json")
    man.update(manifest or {})
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("manifest.json", json.dumps(man))
        zf.writestr("data.json", data if data is not None else body)
    return out


@pytest.mark.parametrize(
    ("breakage", "sentence"),
    [
        ("newer", "phiên bản ứng dụng mới hơn"),
        ("checksum", "mã kiểm tra không khớp"),
        ("truncated", "đã bị cắt ngắn"),
        ("not_a_zip", "không phải gói số liệu hợp lệ"),
    ],
)
def test_broken_packages_are_refused_and_nothing_changes(packages, department, tmp_path, breakage, sentence) -> None:
    good = packages[2][0]
    bad = tmp_path / "bad.cchc"
    if breakage == "newer":
        _rewrite(good, bad, manifest={"schema_revision": "0099"})
    elif breakage == "checksum":
        with zipfile.ZipFile(good) as zf:
            body = zf.read("data.json").replace(b"Ng\xc6\xb0\xe1\xbb\x9di n\xe1\xbb\x99p 1", b"Ai do")
        _rewrite(good, bad, data=body)
    elif breakage == "truncated":
        raw = good.read_bytes()
        bad.write_bytes(raw[: len(raw) // 2])
    else:
        bad.write_text("không phải zip", encoding="utf-8")
    before = _snapshot(department)
    with pytest.raises(PackageError, match=sentence):
        import_package(department, bad)
    assert _snapshot(department) == before


def test_a_package_for_another_department_is_refused(packages, tmp_path, capsys) -> None:
    path = tmp_path / "ha-tinh.db"
    create_database(path, default_profile("Hà Tĩnh"))
    capsys.readouterr()
    assert main(["import", "package", str(packages[2][0]), "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "không phải cơ quan này" in err and "Traceback" not in err
    db = open_database(path)
    try:
        assert _snapshot(db)["dossier"] == 0 and _snapshot(db)["data_package"] == 0
    finally:
        db.close()


def test_units_that_have_not_sent_for_the_period_are_named(packages, department: Database, tmp_path) -> None:
    from cchc_desktop.core.units import units_not_sent

    _folder, dbs, files = packages
    with department.session() as s:
        assert units_not_sent(s, D(2023, 12, 15), D(2024, 12, 14)) == []  # no subordinate unit known yet
    for f in files[:2]:
        import_package(department, f)
    h1 = tmp_path / "h1.cchc"
    assert main(["export", "package", "--db", str(dbs[2]), "--period", "2024-H1", "--out", str(h1)]) == 0
    import_package(department, h1)  # the third unit sent only its first half-year
    with department.session() as s:
        assert units_not_sent(s, D(2023, 12, 15), D(2024, 12, 14)) == ["TRUNG TÂM KIỂM SOÁT BỆNH TẬT"]
        assert units_not_sent(s, D(2023, 12, 15), D(2024, 6, 14)) == [
            "CHI CỤC AN TOÀN VỆ SINH THỰC PHẨM", "TRUNG TÂM GIÁM ĐỊNH Y KHOA"]


def test_a_long_list_of_conflicts_is_cut_with_how_many_more() -> None:
    from cchc_desktop.io.package import PackageResult

    result = PackageResult("TRUNG TÂM A", "năm 2024", conflicts=[f"hồ sơ HS-{i}" for i in range(12)])
    shown = result.lines(limit=10)
    assert len(shown) == 12 and shown[-2].endswith("hồ sơ HS-9")
    assert shown[-1] == "  … và 2 xung đột khác (cũng giữ bản của Sở)."
    assert len(result.lines()) == 13  # the command line lists every one
