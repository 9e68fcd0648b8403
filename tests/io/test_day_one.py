"""Day one: ``init`` then a one-stop register with title rows, unit codes and room names imported with
``--create-missing`` → nothing rejected, the catalogue it needs created (marked for review), rooms of the
department mapped to it by a stored, editable mapping, all in one transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cchc_desktop.cli import main
from cchc_desktop.core import models as m
from cchc_desktop.core.db import open_database
from cchc_desktop.io.catalogue import Catalogue, scan_file, split_unit_cell
from cchc_desktop.io.importer import import_file

from .one_stop_register import NEW_FIELDS, UNITS, write_register

ROWS = 2_000


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory):
    return write_register(tmp_path_factory.mktemp("register") / "so-dang-ky.xlsx", ROWS)


def _init(path: Path) -> None:
    assert main(["init", "--db", str(path), "--place", "Hòa Bình"]) == 0


@pytest.mark.parametrize(
    ("cell", "code_cell", "expected"),
    [
        ("000.00.17.H23 - Phòng Nghiệp vụ Dược - Sở Y tế", None, ("000.00.17.H23", "Phòng Nghiệp vụ Dược - Sở Y tế")),
        ("Phòng Nghiệp vụ Dược (000.01.17.H23)", None, ("000.01.17.H23", "Phòng Nghiệp vụ Dược")),
        ("[000.20.17.H23] Chi cục An toàn vệ sinh thực phẩm", "", ("000.20.17.H23", "Chi cục An toàn vệ sinh thực phẩm")),
        ("Chi cục An toàn vệ sinh thực phẩm", " 000.20.17.H23 ", ("000.20.17.H23", "Chi cục An toàn vệ sinh thực phẩm")),
        ("UBND huyện Kim Bôi - Phòng Y tế", None, (None, "UBND huyện Kim Bôi - Phòng Y tế")),
    ],
)
def test_unit_cell_splits_code_and_name(cell, code_cell, expected) -> None:
    assert split_unit_cell(cell, code_cell) == expected


def test_preview_lists_every_unknown_with_its_rows(tmp_path: Path, register, capsys) -> None:
    path = tmp_path / "cchc.db"
    _init(path)
    db = open_database(path, create=False)
    try:
        gaps = scan_file(db, register.path)
    finally:
        db.close()
    assert gaps.rows == ROWS
    units = {g.label: g.rows for g in gaps.units}
    rooms = {g.label: g.rows for g in gaps.rooms}
    expected_units = {"Chi cục An toàn vệ sinh thực phẩm", "Trung tâm Giám định y khoa", "UBND huyện Kim Bôi - Phòng Y tế"}
    assert set(units) == expected_units
    assert units["UBND huyện Kim Bôi - Phòng Y tế"] == register.unit_rows["UBND huyện Kim Bôi - Phòng Y tế"]
    # the rooms of the department are not unknown units: they map to the department
    assert {g.detail for g in gaps.rooms} == {"→ Sở Y tế"}
    assert sum(rooms.values()) == sum(register.unit_rows[n] for n, _c, meaning in UNITS if meaning == "Sở Y tế")
    assert {g.label for g in gaps.fields} == set(NEW_FIELDS)
    assert len(gaps.procedures) == len(register.procedures)
    assert sum(g.rows for g in gaps.procedures) == ROWS
    capsys.readouterr()
    assert main(["import", "dossiers", str(register.path), "--db", str(path), "--preview"]) == 0
    out = capsys.readouterr().out
    assert "Lĩnh vực chưa có trong danh mục (2):" in out and "Đào tạo" in out
    assert "Đơn vị chưa có trong danh mục (3):" in out
    with open_database(path, create=False).session() as s:  # the preview wrote nothing
        assert s.scalar(select(func.count()).select_from(m.Dossier)) == 0
        assert s.scalar(select(func.count()).select_from(m.Unit)) == 1


def test_day_one_import_creates_the_catalogue_and_rejects_nothing(tmp_path: Path, register, capsys) -> None:
    path = tmp_path / "cchc.db"
    _init(path)
    capsys.readouterr()
    assert main(["import", "dossiers", str(register.path), "--db", str(path), "--create-missing"]) == 0
    out = capsys.readouterr().out
    assert f"Đã nhập {ROWS} mới, cập nhật 0, từ chối 0 dòng" in out
    assert "tạo 3 đơn vị, 2 lĩnh vực, 40 thủ tục (cần bổ sung thông tin)" in out
    db = open_database(path, create=False)
    try:
        with db.session() as s:
            units = {u.name: u for u in s.scalars(select(m.Unit))}
            assert set(units) == {"Sở Y tế", "Chi cục An toàn vệ sinh thực phẩm", "Trung tâm Giám định y khoa",
                                  "UBND huyện Kim Bôi - Phòng Y tế"}  # fmt: skip
            assert not units["Sở Y tế"].needs_review
            assert all(u.needs_review for n, u in units.items() if n != "Sở Y tế")
            # one-stop codes are kept on the unit (also when written in the name cell)
            assert units["Chi cục An toàn vệ sinh thực phẩm"].code == "000.20.17.H23"
            assert units["Trung tâm Giám định y khoa"].code == "000.21.17.H23"
            assert units["UBND huyện Kim Bôi - Phòng Y tế"].code == "000.00.05.H23"
            # a district office: no longer expected after the end of the district level (SPEC §11)
            assert units["UBND huyện Kim Bôi - Phòng Y tế"].valid_to == dt.date(2025, 6, 30)
            assert units["Chi cục An toàn vệ sinh thực phẩm"].valid_to is None
            rooms = {a.name: (a.unit.name, a.code, a.is_room) for a in s.scalars(select(m.UnitAlias)) if a.is_room}
            assert rooms == {
                "Phòng Nghiệp vụ Dược - Sở Y tế": ("Sở Y tế", "000.01.17.H23", True),
                "Phòng Kế hoạch - Tài chính - Sở Y tế": ("Sở Y tế", "000.02.17.H23", True),
                "Văn phòng Sở": ("Sở Y tế", "000.03.17.H23", True),
            }
            per_unit = dict(s.execute(select(m.Unit.name, func.count(m.Dossier.id)).join(m.Dossier.unit)
                                      .group_by(m.Unit.name)).all())  # fmt: skip
            expected: dict[str, int] = {}
            for name, _code, meaning in UNITS:
                expected[meaning] = expected.get(meaning, 0) + register.unit_rows[name]
            assert per_unit == expected
            fields = {f.name: f.needs_review for f in s.scalars(select(m.Field))}
            assert fields["Đào tạo"] and fields["Nghiên cứu khoa học"] and not fields["Tổ chức cán bộ"]
            procs = list(s.scalars(select(m.Procedure)))
            assert len(procs) == 40 and all(p.needs_review for p in procs)
            for p in procs:
                name, field_name, unit_name = register.procedures[p.code]
                assert (p.name, p.field.name, p.unit.name) == (name, field_name, unit_name)
            assert s.scalar(select(func.count()).where(m.Dossier.field_id.is_(None))) == 0
    finally:
        db.close()
    # Sent again: updates, never duplicates, and the stored mapping creates nothing new.
    capsys.readouterr()
    assert main(["import", "dossiers", str(register.path), "--db", str(path), "--create-missing"]) == 0
    out = capsys.readouterr().out
    assert f"Đã nhập 0 mới, cập nhật {ROWS}, từ chối 0 dòng." in out


def test_the_old_flag_is_an_alias(tmp_path: Path, register, capsys) -> None:
    path = tmp_path / "cchc.db"
    _init(path)
    assert main(["import", "dossiers", str(register.path), "--db", str(path), "--create-missing-procedures"]) == 0
    assert "từ chối 0 dòng" in capsys.readouterr().out


def test_without_the_choice_rows_are_rejected_and_the_cli_says_how(tmp_path: Path, register, capsys) -> None:
    path = tmp_path / "cchc.db"
    _init(path)
    capsys.readouterr()
    assert main(["import", "dossiers", str(register.path), "--db", str(path)]) == 2
    out = capsys.readouterr().out
    assert f"Đã nhập 0 mới, cập nhật 0, từ chối {ROWS} dòng." in out
    assert "chưa có trong danh mục thủ tục hành chính" in out and "--create-missing" in out
    with open_database(path, create=False).session() as s:
        assert s.scalar(select(func.count()).select_from(m.Unit)) == 1


def test_catalogue_goes_in_the_same_transaction(tmp_path: Path, register) -> None:
    """All or nothing with one bad row: no dossier, and no unit, field, alias or procedure either."""
    import openpyxl

    broken = tmp_path / "broken.xlsx"
    wb = openpyxl.load_workbook(register.path)
    ws = wb.active
    ws.cell(ws.max_row, 10, "31/02/2024")  # an impossible received date on the last row
    wb.save(broken)
    path = tmp_path / "cchc.db"
    _init(path)
    db = open_database(path, create=False)
    try:
        result = import_file(db, "dossiers", broken, create_missing=True, all_or_nothing=True)
        assert not result.committed and len(result.rejects) == 1
        with db.session() as s:
            for model, count in ((m.Dossier, 0), (m.Unit, 1), (m.UnitAlias, 0), (m.Procedure, 0)):
                assert s.scalar(select(func.count()).select_from(model)) == count
            assert s.scalar(select(func.count()).where(m.Field.needs_review)) == 0
    finally:
        db.close()


def test_the_stored_mapping_is_editable_and_reused(tmp_path: Path, register) -> None:
    path = tmp_path / "cchc.db"
    _init(path)
    db = open_database(path, create=False)
    try:
        assert import_file(db, "dossiers", register.path, create_missing=True).rejects == []
        with db.transaction() as s:  # the user decides the pharmacy room's dossiers belong to the Chi cục
            chi_cuc = s.scalar(select(m.Unit).where(m.Unit.name == "Chi cục An toàn vệ sinh thực phẩm"))
            alias = s.scalar(select(m.UnitAlias).where(m.UnitAlias.name == "Phòng Nghiệp vụ Dược - Sở Y tế"))
            alias.unit_id = chi_cuc.id
        result = import_file(db, "dossiers", register.path, create_missing=True)
        assert (result.imported, result.updated, result.rejects, result.created_units) == (0, ROWS, [], 0)
        with db.session() as s:
            moved = s.scalar(select(func.count()).select_from(m.Dossier).join(m.Dossier.unit)
                             .where(m.Unit.name == "Chi cục An toàn vệ sinh thực phẩm"))  # fmt: skip
            assert moved == (register.unit_rows["Phòng Nghiệp vụ Dược - Sở Y tế"]
                             + register.unit_rows["Chi cục An toàn vệ sinh thực phẩm"])  # fmt: skip
            # the catalogue reads the mapping back: code first, then the name
            cat = Catalogue(s)
            assert cat.plan_unit("000.01.17.H23 - Phòng gì đó").unit_id == chi_cuc.id
            assert cat.plan_unit("phong nghiep vu duoc - so y te").unit_id == chi_cuc.id
    finally:
        db.close()
