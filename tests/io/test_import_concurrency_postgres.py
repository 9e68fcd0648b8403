"""PostgreSQL with several users: an import never blocks readers, two imports of one file at once give no
duplicate and no error (issue 12 item 9). Against a throw-away cluster (tests/pg.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, func, select, text

from cchc_desktop.core import models as m
from cchc_desktop.io import importer
from cchc_desktop.io.importer import import_file
from tests import pg

from .helpers import one_stop_xlsx, seed_catalogue

pytestmark = pytest.mark.skipif(pg.server_bin() is None, reason="PostgreSQL server binaries not installed")
WAIT = 60  # a safety net against a hang, never a measured time


def _in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def test_a_bulk_import_does_not_block_readers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psycopg")
    from cchc_desktop.core.db import open_database

    monkeypatch.setattr(importer, "BULK_THRESHOLD", 0)  # the bulk path (count trigger suspended)
    with pg.temporary_cluster() as url:
        db = open_database(url)
        reader = create_engine(url)
        try:
            seed_catalogue(db)
            path = one_stop_xlsx(tmp_path / "os.xlsx")
            inside, release = threading.Event(), threading.Event()

            def progress(done: int, total: int, _text: str) -> bool:
                inside.set()  # rows written, transaction open
                assert release.wait(WAIT)
                return True

            thread, out = _in_thread(lambda: import_file(db, "dossiers", path, progress=progress))
            try:
                assert inside.wait(WAIT)
                with reader.connect() as conn:
                    conn.execute(text("SET lock_timeout = '5s'"))  # a blocked reader fails instead of waiting
                    assert conn.execute(text("SELECT COUNT(*) FROM dossier")).scalar() == 0
                    assert conn.execute(text("SELECT COUNT(*) FROM dossier_received_day")).scalar() == 0
            finally:
                release.set()
                thread.join(WAIT)
            assert "error" not in out, out.get("error")
            assert out["result"].imported == 4
            with db.session() as s:
                assert s.scalar(select(func.count()).select_from(m.Dossier)) == 4
        finally:
            reader.dispose()
            db.close()


def test_two_imports_of_one_file_at_once_give_no_duplicate(tmp_path: Path) -> None:
    """The second import asks for the import lock while the first holds it (seen on the second's own
    connection just before it asks), and gets it only once the first has committed (its rows are then
    visible to the second's next statement): handshakes through the engine's events, no waiting loop."""
    pytest.importorskip("psycopg")
    from cchc_desktop.core.db import advisory_key, open_database

    with pg.temporary_cluster() as url:
        first_db, second_db = open_database(url), open_database(url)
        try:
            seed_catalogue(first_db)
            path = one_stop_xlsx(tmp_path / "os.xlsx")
            inside, release, asked = threading.Event(), threading.Event(), threading.Event()
            seen: dict[str, Any] = {}
            key = advisory_key("import")

            def is_import_lock(statement: str, parameters: Any) -> bool:
                return "pg_advisory_xact_lock" in statement and key in dict(parameters or {}).values()

            def hold(done: int, total: int, _text: str) -> bool:
                inside.set()  # rows written, the first's transaction (and its lock) open
                assert release.wait(WAIT)
                return True

            def before(conn: Any, cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
                if is_import_lock(statement, parameters) and "free_when_asked" not in seen:
                    probe = conn.connection.dbapi_connection.cursor()
                    probe.execute("SELECT pg_try_advisory_xact_lock(%s)", (key,))
                    seen["free_when_asked"] = probe.fetchone()[0]
                    probe.close()
                    asked.set()

            def after(conn: Any, cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
                if is_import_lock(statement, parameters) and "rows_when_granted" not in seen:
                    probe = conn.connection.dbapi_connection.cursor()
                    probe.execute("SELECT COUNT(*) FROM dossier")
                    seen["rows_when_granted"] = probe.fetchone()[0]
                    probe.close()

            event.listen(second_db.engine, "before_cursor_execute", before)
            event.listen(second_db.engine, "after_cursor_execute", after)
            first, first_out = _in_thread(lambda: import_file(first_db, "dossiers", path, progress=hold))
            assert inside.wait(WAIT)
            second, second_out = _in_thread(lambda: import_file(second_db, "dossiers", path))
            try:
                assert asked.wait(WAIT)  # the second import is at the lock while the first still holds it
            finally:
                release.set()
                first.join(WAIT)
                second.join(WAIT)
            assert seen == {"free_when_asked": False, "rows_when_granted": 4}
            assert "error" not in first_out and "error" not in second_out, (first_out, second_out)
            a, b = first_out["result"], second_out["result"]
            assert (a.imported, a.rejects) == (4, [])
            assert (b.imported, b.updated, b.rejects) == (0, 4, [])
            with first_db.session() as s:
                codes = s.scalars(select(m.Dossier.code)).all()
            assert len(codes) == len(set(codes)) == 4
        finally:
            first_db.close()
            second_db.close()


def test_a_user_who_does_not_own_the_table_still_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bulk path disables the count trigger only when it may (the table's owner); otherwise the trigger
    keeps the day counts row by row and the import goes on."""
    pytest.importorskip("psycopg")
    from cchc_desktop.core.db import open_database
    from cchc_desktop.core.indicators import dossier_counts_drift

    monkeypatch.setattr(importer, "BULK_THRESHOLD", 0)
    with pg.temporary_cluster() as url:
        owner = open_database(url)
        try:
            seed_catalogue(owner)
            with owner.engine.begin() as conn:
                conn.execute(text("CREATE ROLE clerk LOGIN"))
                conn.execute(text("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO clerk"))
                conn.execute(text("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO clerk"))
        finally:
            owner.close()
        clerk = open_database(url.replace("postgres@", "clerk@"), upgrade=False)
        try:
            result = import_file(clerk, "dossiers", one_stop_xlsx(tmp_path / "os.xlsx"))
            assert (result.imported, result.rejects) == (4, [])
            with clerk.session() as s:
                assert dossier_counts_drift(s) == (4, 4, 3, 3)
        finally:
            clerk.close()
