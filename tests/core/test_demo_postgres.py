"""``demo --force`` on a shared PostgreSQL database: one transaction, and real data replaced only with an
explicit confirmation (issue 12 item 4)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cchc_desktop.cli import main
from cchc_desktop.core import models as m
from cchc_desktop.core.db import open_database
from cchc_desktop.core.demo import holds_only_demo_data
from tests import pg
from tests.io.helpers import seed_catalogue

pytestmark = pytest.mark.skipif(pg.server_bin() is None, reason="PostgreSQL server binaries not installed")


def _procedures(url: str) -> list[str]:
    db = open_database(url)
    try:
        with db.session() as s:
            return sorted(s.scalars(select(m.Procedure.code)))
    finally:
        db.close()


def test_demo_force_on_postgresql_needs_a_confirmation_for_real_data(capsys, demo_db_file) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("psycopg")
    with pg.temporary_cluster() as url:
        db = open_database(url)
        seed_catalogue(db)  # an office's own records
        db.close()
        assert main(["demo", "--force", "--db", url]) == 2
        err = capsys.readouterr().err
        assert "không phải dữ liệu mẫu; không xóa" in err and "--confirm-delete" in err
        assert _procedures(url) == ["1.001", "2.002"]
        assert main(["demo", "--force", "--confirm-delete", "--db", url]) == 0
        capsys.readouterr()
        demo = open_database(demo_db_file)
        db = open_database(url)
        try:
            with db.session() as s, demo.session() as d:
                for model in (m.Dossier, m.Unit, m.Procedure, m.Task):
                    count = select(func.count()).select_from(model)
                    assert s.scalar(count) == d.scalar(count)
                assert holds_only_demo_data(s)  # the next demo --force needs no confirmation
        finally:
            db.close()
            demo.close()
