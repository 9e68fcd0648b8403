"""Write transactions take SQLite's write lock first (BEGIN IMMEDIATE), so the busy timeout applies: an
import that meets another program's write waits and succeeds, or ends in the Vietnamese "locked" sentence."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from cchc_desktop.core.db import Database, open_database
from cchc_desktop.core.errors import DatabaseError
from cchc_desktop.io.importer import import_file
from tests.io.helpers import dossier_codes, one_stop_xlsx, seed_catalogue

WAIT = 60  # a safety net against a hang, never a measured time
LOCKED = "Cơ sở dữ liệu đang được một chương trình khác sử dụng. Vui lòng thử lại sau ít phút."


def _other_program_writing(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE unit SET short_name = 'SYT'")
    return con


def test_an_import_waits_for_another_writer_then_succeeds(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    source = one_stop_xlsx(tmp_path / "a.xlsx")
    other = _other_program_writing(db.path)
    about_to_write = threading.Event()
    snapshot_taken = threading.Event()
    first_read = {"seen": False}

    # Release the other writer at the moment that decides the outcome: when the import asks for the write
    # lock (BEGIN IMMEDIATE) — or, with a deferred BEGIN, right after the import's first read took its
    # snapshot (a later write then fails at once with SQLITE_BUSY, whatever the timeout).
    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            about_to_write.set()

    def after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and not first_read["seen"]:
            first_read["seen"] = True
            about_to_write.set()
            snapshot_taken.wait(WAIT)

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    out: dict[str, Any] = {}

    def work() -> None:
        try:
            out["result"] = import_file(db, "dossiers", source)
        except BaseException as exc:  # noqa: BLE001
            out["error"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    try:
        assert about_to_write.wait(WAIT)
        other.execute("COMMIT")
    finally:
        snapshot_taken.set()
        thread.join(WAIT)
        other.close()
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
    assert "error" not in out, out.get("error")
    assert out["result"].imported == 4
    assert len(dossier_codes(db)) == 4


def test_an_import_gives_the_locked_sentence_after_the_timeout(db: Database, tmp_path: Path) -> None:
    seed_catalogue(db)
    source = one_stop_xlsx(tmp_path / "a.xlsx")
    impatient = open_database(db.path, busy_timeout_ms=50)
    other = _other_program_writing(db.path)
    try:
        with pytest.raises(DatabaseError) as err:
            import_file(impatient, "dossiers", source)
    finally:
        other.execute("ROLLBACK")
        other.close()
        impatient.close()
    assert err.value.message == LOCKED
    assert dossier_codes(db) == []


def test_readers_begin_deferred_and_writers_immediate(db: Database) -> None:
    seen: list[str] = []
    listener = lambda conn, cursor, statement, *a: seen.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with db.session() as s:
            s.connection().exec_driver_sql("SELECT 1")
        with db.transaction() as s:
            s.connection().exec_driver_sql("SELECT 1")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert [x for x in seen if x.startswith("BEGIN")] == ["BEGIN", "BEGIN IMMEDIATE"]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
