"""A deterministic synthetic database for the benchmarks: ``size`` dossiers (1.000.000 by default)
on 300 procedures in 9 fields and 3 units, received between 01/11/2023 and 31/01/2025 — so that
the statistical year 2024 (15/12/2023–14/12/2024) holds about 80 % of them: the pessimistic case
where the year's figures must look at nearly every row.

Built once and cached under ``bench/.cache/`` (git-ignored); the file name carries the size, the
generator version and the schema revision, so a schema change rebuilds it. The rows go in with one
``executemany`` per table inside one transaction (≈ 30 s for 1.000.000 on a laptop).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import random
import sqlite3
import time
from pathlib import Path

from sqlalchemy import text

from cchc_desktop.core.db import head_revision, migrations_dir, open_database
from cchc_desktop.core.defaults import DEFAULT_FIELDS
from cchc_desktop.core.indicators import rebuild_dossier_counts
from cchc_desktop.core.models import DOSSIER_COUNT_TRIGGERS
from cchc_desktop.core.workdays import WorkCalendar

GENERATOR_VERSION = 2
SEED = 20240101
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
FIRST_DAY = dt.date(2023, 11, 1)
LAST_DAY = dt.date(2025, 1, 31)
PROCEDURES = 300
UNITS = (("Sở Y tế", "SYT", 1), ("Chi cục An toàn vệ sinh thực phẩm", "Chi cục ATVSTP", 0),
         ("Trung tâm Giám định y khoa", "TT GĐYK", 0))  # fmt: skip
LEVELS = ("full", "partial", "none")
ONLINE_SHARE = {"full": 0.93, "partial": 0.48, "none": 0.0}


def schema_fingerprint() -> str:
    """The head revision and a digest of the migration files (the initial one is edited in place)."""
    versions = Path(migrations_dir()) / "versions"
    digest = hashlib.sha1()
    for path in sorted(versions.glob("*.py")):
        digest.update(path.read_bytes())
    return f"{head_revision()}-{digest.hexdigest()[:8]}"


def cache_path(size: int) -> Path:
    return CACHE_DIR / f"dossiers-{size}-g{GENERATOR_VERSION}-{schema_fingerprint()}.db"


def synthetic_database(size: int, *, verbose: bool = True) -> Path:
    """The cached synthetic database of ``size`` dossiers (built when missing)."""
    path = cache_path(size)
    if path.exists():
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    if verbose:
        print(f"Đang tạo cơ sở dữ liệu thử {size:,} hồ sơ (chỉ lần đầu)…".replace(",", "."), flush=True)
    db = open_database(tmp)
    db.close()
    con = sqlite3.connect(tmp, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=DELETE")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("BEGIN")
        # A bulk load: the count triggers are dropped, the counts rebuilt once, the triggers restored.
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            con.execute(f"DROP TRIGGER {name}")
        _fill(con, size)
        con.execute("COMMIT")
    finally:
        con.close()
    db = open_database(tmp)
    try:
        with db.transaction() as session:
            rebuild_dossier_counts(session)
            for statement in DOSSIER_COUNT_TRIGGERS["sqlite"]:
                session.execute(text(statement))
            session.execute(text("ANALYZE"))
    finally:
        db.close()
    tmp.rename(path)
    if verbose:
        print(f"… xong sau {time.perf_counter() - started:.1f} s: {path}", flush=True)
    return path


def _fill(con: sqlite3.Connection, size: int) -> None:
    rng = random.Random(SEED)
    con.execute(
        "INSERT INTO organisation_profile (parent_agency, agency, agency_short, symbol, place, signer_authority,"
        " signer_name, recipients_quality, recipients_cchc, convention_dossiers, convention_tasks,"
        " convention_surveys, convention_documents, iso_deadline_days, classify_against_extended_due,"
        " late_receipt_hour, online_denominator, report_font_size) VALUES ('UBND TỈNH THỬ', 'SỞ Y TẾ',"
        " 'Sở Y tế', 'SYT', 'Thử', 'GIÁM ĐỐC', '', '', '', 'cut_off', 'cut_off', 'cut_off', 'calendar', 30,"
        " 0, 15, 'online_procedures', 14)"
    )
    con.executemany("INSERT INTO unit (id, name, short_name, is_department) VALUES (?, ?, ?, ?)",
                    [(i, *u) for i, u in enumerate(UNITS, 1)])  # fmt: skip
    con.executemany("INSERT INTO field (id, name, sort_order) VALUES (?, ?, ?)",
                    [(i, name, i) for i, name in enumerate(DEFAULT_FIELDS, 1)])  # fmt: skip
    procs = []
    for pid in range(1, PROCEDURES + 1):
        field_id = 1 + (pid - 1) % len(DEFAULT_FIELDS)
        unit_id = 2 if field_id == 4 else 3 if field_id == 7 else 1
        level = rng.choices(LEVELS, weights=(3, 4, 3))[0]
        days = rng.choice((5, 7, 10, 15, 20, 30))
        abolished = "2024-06-30" if pid % 50 == 0 else None
        procs.append((pid, f"1.{pid:06d}", f"Thủ tục thử số {pid}", field_id, unit_id, level, days,
                      "working_days", abolished, 1, 1, 0))  # fmt: skip
    con.executemany(
        "INSERT INTO procedure (id, code, name, field_id, unit_id, online_level, resolution_days,"
        " resolution_unit, abolished_on, steps_match, published_in_qms, needs_review)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        procs,
    )
    con.executemany("INSERT INTO dossier (code, procedure_id, unit_id, field_id, channel, received_on, due_on,"
                    " extended_due_on, resolved_on, outcome, supplement_requests)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _dossiers(rng, procs, size))  # fmt: skip


def _dossiers(rng: random.Random, procs: list[tuple], size: int):  # type: ignore[no-untyped-def]
    cal = WorkCalendar()
    horizon = LAST_DAY + dt.timedelta(days=120)
    workdays = [d for d in _days(FIRST_DAY, horizon) if cal.is_working_day(d)]
    receipt_days = [d for d in workdays if d <= LAST_DAY]
    iso = {d: d.isoformat() for d in _days(FIRST_DAY, horizon)}
    weights = [1.0 + 0.6 * (i % 7 == 0) for i in range(len(procs))]  # some procedures are busier
    chosen = rng.choices(procs, weights=weights, k=size)
    for n, proc in enumerate(chosen):
        pid, _code, _name, field_id, unit_id, level, days = proc[:7]
        received = receipt_days[rng.randrange(len(receipt_days))]
        pos = bisect.bisect_right(workdays, received)
        due = workdays[min(pos + days - 1, len(workdays) - 1)]
        roll = rng.random()
        channel = "online" if roll < ONLINE_SHARE[level] else ("postal" if roll > 0.97 else "direct")
        extended = None
        outcome = "resolved"
        kind = rng.random()
        if kind < 0.88:  # early
            resolved = workdays[min(pos + rng.randrange(max(days - 1, 1)), len(workdays) - 1)]
            resolved = min(resolved, due - dt.timedelta(days=1)) if resolved >= due else resolved
            resolved = max(resolved, received)
        elif kind < 0.95:  # on time
            resolved = due
        elif kind < 0.98:  # late, some with an extension
            resolved = due + dt.timedelta(days=rng.randrange(1, 20))
            if rng.random() < 0.4:
                extended = iso[due + dt.timedelta(days=rng.randrange(1, 15))]
        else:  # returned to the applicant
            resolved = min(received + dt.timedelta(days=rng.randrange(0, 4)), due)
            outcome = "returned"
        resolved_text: str | None = iso[resolved]
        if resolved > LAST_DAY:  # still in progress when the data ends
            resolved_text, outcome = None, None
        yield (f"H34-{received:%y%m%d}-{n:07d}", pid, unit_id, field_id, channel, iso[received], iso[due],
               extended, resolved_text, outcome, 0)  # fmt: skip


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
