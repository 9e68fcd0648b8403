"""Migrations produce exactly the models' schema; newer databases are refused untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from cchc_desktop.core.db import head_revision, open_database
from cchc_desktop.core.errors import DatabaseError
from cchc_desktop.core.models import Base


def test_migrated_schema_equals_models(db) -> None:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_every_model_table_exists(db) -> None:
    with db.engine.connect() as conn:
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(Base.metadata.tables) <= tables


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    db = open_database(path)
    db.close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    before = _digest(path)
    with pytest.raises(DatabaseError, match="phiên bản mới hơn"):
        open_database(path)
    assert _digest(path) == before
    from cchc_desktop.core.backup import backups_dir

    assert not list(tmp_path.glob("*truoc-nang-cap*")) and not list(backups_dir().glob("*"))


def test_older_database_is_backed_up_then_upgraded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database at an older revision gets a backup copy next to it, then the upgrade."""
    import shutil

    from cchc_desktop.core import db as dbmod
    from cchc_desktop.core import models as m
    from cchc_desktop.core import services

    path = tmp_path / "old.db"
    db = open_database(path)
    with db.transaction() as s:
        services.create(s, m.Unit, {"name": "Sở Y tế"})
    db.close()

    shipped_head = head_revision()
    # A newer app version: the shipped migrations plus one more revision.
    newer = tmp_path / "migrations"
    shutil.copytree(dbmod.migrations_dir(), newer, ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "versions" / "0099_probe.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\n"
        f"revision = '0099'\ndown_revision = {shipped_head!r}\nbranch_labels = None\ndepends_on = None\n"
        "def upgrade():\n    op.create_table('probe', sa.Column('id', sa.Integer, primary_key=True))\n"
        "def downgrade():\n    op.drop_table('probe')\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(dbmod, "migrations_dir", lambda: newer)

    db = open_database(path)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0099"
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM probe").scalar() == 0
            assert conn.exec_driver_sql("SELECT name FROM unit").scalar() == "Sở Y tế"
    finally:
        db.close()
    from cchc_desktop.core.backup import backups_dir

    backups = list(backups_dir().glob("old-*-truoc-nang-cap.db"))
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == shipped_head
        assert con.execute("SELECT name FROM unit").fetchone()[0] == "Sở Y tế"
    finally:
        con.close()


def test_tables_without_revision_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "foreign.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE keep_me (x INTEGER)")
    con.execute("INSERT INTO keep_me VALUES (42)")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(DatabaseError, match="không phải là cơ sở dữ liệu"):
        open_database(path)
    assert _digest(path) == before


def test_garbage_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not a database at all" * 100)
    before = _digest(path)
    with pytest.raises(DatabaseError, match="không phải là cơ sở dữ liệu"):
        open_database(path)
    assert _digest(path) == before


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "nonexistent" / "dir" / "x.db"
    with pytest.raises(DatabaseError, match="không tồn tại"):
        open_database(target)
    assert not (tmp_path / "nonexistent").exists()


def test_sqlite_pragmas(db) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def _fixture_dumps() -> list[Path]:
    return sorted((Path(__file__).parents[1] / "fixtures").glob("schema_*.sql"))


@pytest.mark.parametrize("dump", _fixture_dumps(), ids=lambda p: p.stem)
def test_every_historical_schema_upgrades_to_the_models(dump: Path, tmp_path: Path) -> None:
    path = tmp_path / f"{dump.stem}.db"
    con = sqlite3.connect(path)
    con.executescript(dump.read_text(encoding="utf-8"))
    con.close()
    db = open_database(path)
    try:
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(ctx, Base.metadata) == []
            assert ctx.get_current_revision() == head_revision()
    finally:
        db.close()


def test_head_read_from_the_files_is_alembics_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ordinary start reads the head from the migration files without Alembic; it must agree."""
    import shutil

    from alembic.script import ScriptDirectory

    from cchc_desktop.core import db as dbmod

    def alembic_head() -> str | None:
        return ScriptDirectory.from_config(dbmod.alembic_config()).get_current_head()

    assert dbmod._head_from_files() == alembic_head() == head_revision()
    # Two revisions after the shipped head, the second with a typed annotation as Alembic writes it.
    copy = tmp_path / "migrations"
    shutil.copytree(dbmod.migrations_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    shipped = head_revision()
    for rev, down in (("9002", shipped), ("9003", "9002")):
        (copy / "versions" / f"{rev}_x.py").write_text(
            f'revision: str = "{rev}"\ndown_revision: str | None = "{down}"\n'
            "def upgrade():\n    pass\ndef downgrade():\n    pass\n",
            encoding="utf-8",
        )
    monkeypatch.setattr(dbmod, "migrations_dir", lambda: copy)
    assert dbmod._head_from_files() == alembic_head() == "9003"
    # Two heads: the files do not say which one; Alembic is asked (and refuses a branched history).
    (copy / "versions" / "0004_branch.py").write_text(
        'revision = "9004"\ndown_revision = "9002"\ndef upgrade():\n    pass\ndef downgrade():\n    pass\n',
        encoding="utf-8",
    )
    assert dbmod._head_from_files() is None
