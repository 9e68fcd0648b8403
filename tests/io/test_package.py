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
from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.db import Database, open_database
from cchc_desktop.core.enums import Channel
from cchc_desktop.core.indicators import compute_all
from cchc_desktop.core.newdb import create_database, default_profile
from cchc_desktop.core.periods import PeriodSpec
from cchc_desktop.io.package import PackageError, import_package, senders

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
                services.create(s, m.Dossier, {
                    "code": f"{code}-{i:04d}", "procedure_id": procs[i % 3].id, "unit_id": unit.id,
                    "channel": Channel.ONLINE if i % 2 else Channel.DIRECT, "received_on": received, "due_on": due,
                    "resolved_on": resolved, "applicant": f"Người nộp {i}",
                })  # fmt: skip
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
                for t in (m.Unit, m.Procedure, m.Dossier, m.Task, m.DataPackage, m.PackageRecord, m.Field)}


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
    assert provenance == sum(3 + u[3] + 4 for u in UNITS)  # every row remembers its package
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
        assert units_not_sent(s, D(2023, 12, 15), D(2024, 12, 14)) == []  # no package ever: no reminder
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
