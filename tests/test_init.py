"""``cchc-desktop init``: the wizard's database from the command line, never over an existing one."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from cchc_desktop.cli import main
from cchc_desktop.core import models as m
from cchc_desktop.core.db import open_database
from cchc_desktop.core.defaults import DEFAULT_CRITERIA, DEFAULT_FIELDS, DEFAULT_OBJECTIVES


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_init_makes_the_wizard_database(tmp_path: Path, capsys) -> None:
    path = tmp_path / "office" / "cchc.db"
    assert main(["init", "--db", str(path), "--place", "Hà Tĩnh", "--year", "2027"]) == 0
    assert "Đã tạo cơ sở dữ liệu" in capsys.readouterr().out
    db = open_database(path, create=False)
    try:
        with db.session() as s:
            prof = s.scalar(select(m.OrganisationProfile))
            assert (prof.parent_agency, prof.agency, prof.agency_short, prof.place) == (
                "UBND TỈNH HÀ TĨNH", "SỞ Y TẾ", "Sở Y tế", "Hà Tĩnh"
            )
            assert "Lưu: VT, VP." in prof.recipients_cchc
            unit = s.scalar(select(m.Unit))
            assert (unit.name, unit.is_department, _count(s, m.Unit)) == ("Sở Y tế", True, 1)
            assert sorted(s.scalars(select(m.Field.name))) == sorted(DEFAULT_FIELDS)
            assert _count(s, m.Criterion) == len(DEFAULT_CRITERIA)
            year = s.scalar(select(m.ObjectiveYear))
            assert year.year == 2027 and len(year.objectives) == len(DEFAULT_OBJECTIVES)
            assert _count(s, m.Dossier) == 0
    finally:
        db.close()


def test_init_refuses_an_existing_database(tmp_path: Path, capsys) -> None:
    path = tmp_path / "cchc.db"
    assert main(["init", "--db", str(path), "--place", "Khánh Hòa", "--parent", "UBND TỈNH KHÁNH HÒA"]) == 0
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    capsys.readouterr()
    assert main(["init", "--db", str(path), "--place", "Hà Tĩnh"]) == 2
    err = capsys.readouterr().err
    assert "đã có; không ghi đè" in err and "Traceback" not in err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_init_needs_the_place_and_leaves_no_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "cchc.db"
    assert main(["init", "--db", str(path)]) == 2
    assert "--place" in capsys.readouterr().err
    assert not path.exists()


def test_init_leaves_nothing_when_the_profile_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "cchc.db"
    assert main(["init", "--db", str(path), "--place", "Hà Tĩnh", "--agency", "x" * 300]) != 0
    assert "Cơ quan ban hành" in capsys.readouterr().err
    assert not path.exists()
