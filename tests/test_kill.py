"""kill -9 at several moments of ``demo --force``, ``report --pdf``, ``backup`` and ``restore`` leaves the old
data or the complete new state, never less (issue 12, acceptance). The process kills itself at a named
crash point (``CCHC_TEST_KILL_AT``, core/files.py): deterministic, no sleeps."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cchc_desktop.cli import main
from cchc_desktop.core.backup import list_backups
from cchc_desktop.core.db import open_database
from cchc_desktop.core.files import KILL_ENV

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX kill")


def _run_killed(args: list[str], at: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, KILL_ENV: at}
    proc = subprocess.run(
        [sys.executable, "-m", "cchc_desktop", *args], env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == -signal.SIGKILL, (at, proc.returncode, proc.stdout, proc.stderr)
    return proc


def _state(path: Path) -> tuple[str, int, int]:
    """(integrity, procedures, dossiers) read the way SQLite recovers a killed writer."""
    con = sqlite3.connect(path)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        procedures = con.execute("SELECT COUNT(*) FROM procedure").fetchone()[0]
        dossiers = con.execute("SELECT COUNT(*) FROM dossier").fetchone()[0]
    finally:
        con.close()
    return integrity, procedures, dossiers


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    from tests.io.helpers import seed_catalogue

    path = tmp_path / "cchc.db"
    db = open_database(path)
    seed_catalogue(db)
    db.close()
    return path


@pytest.mark.parametrize(
    ("at", "demo_in"),
    [("demo-after-backup", False), ("demo-copy-step:3", False), ("demo-copied", True)],
)
def test_demo_force_killed(small_db: Path, demo_db_file: Path, at: str, demo_in: bool) -> None:
    old = _state(small_db)
    _run_killed(["demo", "--force", "--db", str(small_db)], at)
    assert _state(small_db) == (_state(demo_db_file) if demo_in else old)
    assert _state(small_db)[0] == "ok"
    open_database(small_db, create=False).close()  # and the app opens it
    saved = [b for b in list_backups() if b.reason == "truoc-tao-mau"]
    assert len(saved) == 1 and _state(saved[0].path) == old  # the old data kept before anything else


def _complete(path: Path) -> bool:
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    with zipfile.ZipFile(path) as z:
        return z.testzip() is None and "word/document.xml" in z.namelist()


@pytest.mark.parametrize("at", ["before-replace:1", "before-replace:2"])
def test_report_pdf_killed(demo_db_file: Path, tmp_path: Path, at: str) -> None:
    db = tmp_path / "demo.db"
    shutil.copyfile(demo_db_file, db)
    docx, pdf = tmp_path / "bc.docx", tmp_path / "bc.pdf"
    docx.write_bytes(b"old docx")
    pdf.write_bytes(b"old pdf")
    _run_killed(["report", "quality", "--period", "2024", "--db", str(db), "--out", str(docx), "--pdf"], at)
    for path, old in ((docx, b"old docx"), (pdf, b"old pdf")):
        assert path.read_bytes() == old or _complete(path), path
    replaced = [p for p in (docx, pdf) if p.read_bytes() not in (b"old docx", b"old pdf")]
    assert len(replaced) == int(at[-1]) - 1  # killed before the k-th rename: k - 1 files are new


@pytest.mark.parametrize("at", ["backup-step:2", "backup-before-rename"])
def test_backup_killed(small_db: Path, tmp_path: Path, at: str) -> None:
    assert main(["check", "--db", str(small_db)]) in (0, 1)  # the day's automatic backup is taken now
    before = [b.path.name for b in list_backups()]
    out = tmp_path / "sao-luu.db"
    _run_killed(["backup", "--db", str(small_db), "--out", str(out)], at)
    assert not out.exists()  # never a half backup under the final name
    _run_killed(["backup", "--db", str(small_db)], at)
    assert [b.path.name for b in list_backups()] == before
    assert _state(small_db)[0] == "ok"


@pytest.mark.parametrize(("at", "restored"), [("restore-after-backup", False), ("restore-step:3", False), ("restore-done", True)])
def test_restore_killed(demo_db_file: Path, tmp_path: Path, at: str, restored: bool) -> None:
    target = tmp_path / "cchc.db"
    shutil.copyfile(demo_db_file, target)
    source = tmp_path / "cu.db"
    shutil.copyfile(demo_db_file, source)
    con = sqlite3.connect(source)
    con.execute("DELETE FROM dossier_event")
    con.execute("DELETE FROM dossier")
    con.commit()
    con.close()
    assert main(["check", "--db", str(target)]) in (0, 1)  # the day's automatic backup is taken now
    old, new = _state(target), _state(source)
    _run_killed(["restore", "--db", str(target), str(source)], at)
    assert _state(target) == (new if restored else old)
    open_database(target, create=False).close()
