"""Packages and the day-one import on PostgreSQL (a throw-away cluster; skipped without the server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.core.db import open_database
from cchc_desktop.core.indicators import compute_all
from cchc_desktop.core.newdb import create_database, default_profile
from cchc_desktop.io.importer import import_file
from cchc_desktop.io.package import PackageError, import_package
from tests import pg

from .one_stop_register import write_register
from .test_package import (  # noqa: F401 - the fixture
    YEAR,
    _figures,
    _ints,
    _records_in,
    _snapshot,
    _sum,
    _survey_and_documents,
    _units_survey_and_documents,
    packages,
)

pytestmark = pytest.mark.skipif(pg.server_bin() is None, reason="PostgreSQL server binaries not installed")


def test_packages_and_day_one_on_postgresql(packages, tmp_path: Path) -> None:  # noqa: F811
    pytest.importorskip("psycopg")
    _folder, dbs, files = packages
    with pg.temporary_cluster() as url:
        create_database(url, default_profile("Khánh Hòa"), year=2024)
        db = open_database(url)
        try:
            for f in files:
                assert import_package(db, f).committed
            with db.session() as s:
                assert _ints(compute_all(s, YEAR).dossiers) == _sum([_figures(p)[0] for p in dbs])
            # the new kinds on PostgreSQL: events, surveys (forms and totals), document counts, report texts
            unit_survey, unit_documents = _units_survey_and_documents(dbs)
            survey, documents = _survey_and_documents(db)
            assert survey == unit_survey and survey["forms"] > 0
            assert documents == unit_documents and documents["outgoing"] > 0
            with db.session() as s:
                assert s.scalar(select(func.count()).select_from(m.PackageRecord)) == sum(_records_in(f) for f in files)
                assert s.scalar(select(func.count()).select_from(m.DossierEvent)) > 0
                assert s.scalar(select(func.count()).select_from(m.ReportText).where(m.ReportText.unit_id.is_not(None))) == 6
            before = _snapshot(db)
            assert all(import_package(db, f).already for f in files)
            truncated = tmp_path / "cut.cchc"
            truncated.write_bytes(files[0].read_bytes()[:300])
            with pytest.raises(PackageError):
                import_package(db, truncated)
            assert _snapshot(db) == before
            register = write_register(tmp_path / "so.xlsx", 300)
            result = import_file(db, "dossiers", register.path, create_missing=True)
            # the two centres came with their packages (matched by name); only the district office is new
            assert (result.imported, result.rejects, result.created_units) == (300, [], 1)
            with db.session() as s:
                assert s.scalar(select(func.count()).select_from(m.UnitAlias).where(m.UnitAlias.is_room)) == 3
        finally:
            db.close()
