"""The same code runs on PostgreSQL: migrations, services, the demo database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.errors import ValidationError
from tests import pg

pytestmark = pytest.mark.skipif(pg.server_bin() is None, reason="PostgreSQL server binaries not installed")


@pytest.fixture(scope="module")
def pg_db():
    pytest.importorskip("psycopg")
    from cchc_desktop.core.db import open_database
    from cchc_desktop.core.demo import build_demo

    with pg.temporary_cluster() as url:
        db = open_database(url)
        build_demo(db)
        yield db
        db.close()


def test_demo_builds_on_postgresql(pg_db) -> None:
    with pg_db.session() as s:
        assert s.scalar(select(func.count()).where(m.Procedure.abolished_on.is_(None))) == 117
        received = s.scalar(
            select(func.count()).where(m.Dossier.received_on.between(dt.date(2023, 12, 15), dt.date(2024, 12, 14)))
        )
        assert received == 3620


def test_validation_on_postgresql(pg_db) -> None:
    with pytest.raises(ValidationError, match="đã tồn tại"):
        with pg_db.transaction() as s:
            services.create(s, m.Unit, {"name": "Sở Y tế"})
    with pg_db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Unit)) == 3
