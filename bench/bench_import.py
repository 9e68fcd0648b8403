"""Import benchmark (issue 5 §10): a deterministic 100.000-row dossier register, as .xlsx with date
cells and as .xlsx with text dates ("15/01/2024 08:30").

Ours: the whole import (read, header detection, map, parse, validate with the services' rules, upsert,
commit) into a fresh database. Peers in the same run:
- pandas ``read_excel(engine="calamine")`` + ``DataFrame.to_sql`` doing the floor's job (typed, into the
  dossier table; no validation): the goal is to be faster (ratio ≥ 1);
- the floor: a bare python-calamine read plus a raw ``sqlite3`` ``executemany`` of the same rows, typed
  with the least work possible (no validation, no lookups beyond a dict, count triggers dropped); goal
  ours ≤ 1,3 × the floor (shown as "ours ÷ floor");
- the same floor with the secondary indexes dropped and rebuilt after the load, as ours does for a
  large load: what is left of the ratio is our parsing and validation;
- pandas + calamine dumping the frame into a new bare table (no index, no typing: not the same job) and
  pandas with its default openpyxl engine, for comparison.

Run: ``python -m bench --only "import:"`` (``--size`` caps the rows, default 100.000; the 1.000.000-row
case runs with ``--size 1000000`` or more). Also prints the peak memory (RSS) of our import.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import Case, Context, Peer, benchmark

ROWS = 100_000
CACHE = Path(__file__).resolve().parent / ".cache"
PROCEDURES = 60
HEADER = ["Số hồ sơ", "Mã TTHC", "Người nộp", "Kênh nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả"]
CHANNELS = ("Trực tuyến", "Trực tiếp", "Bưu chính công ích")
CHANNEL_VALUES = {"Trực tuyến": "online", "Trực tiếp": "direct", "Bưu chính công ích": "postal"}


def _rows(n: int) -> list[list[object]]:
    rng = random.Random(20240115)
    start = dt.datetime(2023, 12, 15, 7, 30)
    out: list[list[object]] = []
    for i in range(n):
        received = start + dt.timedelta(days=rng.randrange(0, 360), minutes=rng.randrange(0, 9) * 60)
        if rng.random() < 0.3:
            received = received.replace(hour=0, minute=0)
        due = received.date() + dt.timedelta(days=rng.randrange(3, 20))
        resolved = None if rng.random() < 0.05 else received.date() + dt.timedelta(days=rng.randrange(0, 21))
        out.append([
            f"000.00.17.H33-{received:%y%m%d}-{i:06d}",
            f"1.{rng.randrange(PROCEDURES):06d}",
            f"Người nộp {i}",
            CHANNELS[rng.randrange(3)],
            received,
            due,
            resolved,
        ])
    return out


def make_register(n: int, text_dates: bool) -> Path:
    """The register as .xlsx (cached under bench/.cache: writing 100.000 rows takes a while)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"register-{n}-{'text' if text_dates else 'cells'}-v1.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hồ sơ")
    ws.append(HEADER)
    for row in _rows(n):
        received, due, resolved = row[4], row[5], row[6]
        if text_dates:
            assert isinstance(received, dt.datetime) and isinstance(due, dt.date)
            row[4] = received.strftime("%d/%m/%Y %H:%M") if received.hour else received.strftime("%d/%m/%Y")
            row[5] = due.strftime("%d/%m/%Y")
            row[6] = resolved.strftime("%d/%m/%Y") if isinstance(resolved, dt.date) else None
        ws.append(row)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.rename(path)
    return path


def make_empty_database(folder: Path) -> Path:
    """A database with the catalogue the register refers to (one field, one unit, the procedures)."""
    from cchc_desktop.core import models as m
    from cchc_desktop.core import services
    from cchc_desktop.core.db import open_database

    path = folder / "template.db"
    db = open_database(path)
    with db.transaction() as s:
        field = services.create(s, m.Field, {"name": "Dược phẩm"})
        unit = services.create(s, m.Unit, {"name": "Sở Y tế", "is_department": True})
        for i in range(PROCEDURES):
            services.create(
                s, m.Procedure, {"code": f"1.{i:06d}", "name": f"Thủ tục {i}", "field_id": field.id, "unit_id": unit.id}
            )
    db.close()
    return path


def fresh_copy(template: Path, folder: Path, name: str) -> Path:
    """``folder/name`` as a copy of ``template`` (its journal files from an earlier run removed)."""
    target = folder / name
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return target


def ours(template: Path, folder: Path, register: Path) -> None:
    from cchc_desktop.core.db import open_database
    from cchc_desktop.io.importer import import_file

    db = open_database(fresh_copy(template, folder, "ours.db"), create=False, upgrade=False)
    try:
        result = import_file(db, "dossiers", register)
    finally:
        db.close()
    if result.rejects or result.imported == 0:
        raise RuntimeError(f"import rejected rows: {result.rejects[:3]}")


def _day(value: object) -> str | None:
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return f"{text[6:10]}-{text[3:5]}-{text[0:2]}"


FLOOR_COLUMNS = ("code, procedure_id, unit_id, field_id, applicant, channel, received_on, due_on, resolved_on, "
                 "outcome, supplement_requests")


def _typed(rows: list[list[object]], procedures: dict[str, int]) -> list[tuple[object, ...]]:
    """The register's rows typed with the least work possible (no validation)."""
    typed = []
    for code, pcode, applicant, channel, received, due, resolved in rows:
        resolved_on = _day(resolved)
        typed.append((
            code, procedures[pcode], 1, 1, applicant, CHANNEL_VALUES[channel], _day(received), _day(due),
            resolved_on, "resolved" if resolved_on else None, 0,
        ))
    return typed


def floor(template: Path, folder: Path, register: Path, *, rebuild_indexes: bool = False) -> None:
    """calamine read + raw sqlite3 executemany of typed rows into the dossier table (no validation, the
    count triggers dropped); with ``rebuild_indexes`` the secondary indexes too, recreated after the load."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(register)).get_sheet_by_index(0).to_python()
    con = sqlite3.connect(fresh_copy(template, folder, "floor.db"))
    procedures = dict(con.execute("SELECT code, id FROM procedure"))
    floor_load(con, lambda: _typed(rows[1:], procedures), rebuild_indexes=rebuild_indexes)


def floor_load(con: sqlite3.Connection, typed: Callable[[], list[tuple[object, ...]]], *,
               rebuild_indexes: bool) -> None:
    """The floors' write: in one transaction, the count triggers dropped (and the secondary indexes,
    rebuilt after the load, with ``rebuild_indexes``), the ``typed`` rows (``FLOOR_COLUMNS``) in one
    executemany, one commit; the connection is closed."""
    con.execute("BEGIN")
    kinds = "('trigger', 'index')" if rebuild_indexes else "('trigger')"
    dropped = con.execute(
        f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'dossier' AND sql IS NOT NULL AND type IN {kinds}"
    ).fetchall()
    for kind, name, _sql in dropped:
        con.execute(f"DROP {kind} {name}")
    con.executemany(f"INSERT INTO dossier ({FLOOR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", typed())
    for kind, _name, sql in dropped:
        if kind == "index":
            con.execute(sql)
    con.commit()
    con.close()


def pandas_to_sql(template: Path, folder: Path, register: Path, *, engine: str = "calamine",
                  bare_table: bool = False) -> None:
    """pandas ``read_excel`` + ``DataFrame.to_sql``. By default the same job as the floor: the columns
    typed and renamed, procedure codes joined to ids, appended to the dossier table (count triggers
    dropped). ``bare_table``: the frame as read, dumped into a new table with no index, no constraint
    and no typing — not the same job, shown for comparison only."""
    import pandas as pd

    frame = pd.read_excel(register, engine=engine, dtype={HEADER[0]: str, HEADER[1]: str})
    con = sqlite3.connect(fresh_copy(template, folder, "pandas.db"))
    if bare_table:
        frame.to_sql("dossier_import", con, if_exists="replace", index=False)
        con.commit()
        con.close()
        return
    procedures = pd.read_sql("SELECT code, id AS procedure_id FROM procedure", con)
    frame.columns = ["code", "pcode", "applicant", "channel", "received", "due", "resolved"]
    frame = frame.merge(procedures, left_on="pcode", right_on="code", suffixes=("", "_p"))

    def day(column: pd.Series) -> pd.Series:
        if not pd.api.types.is_datetime64_any_dtype(column):
            column = pd.to_datetime(column, dayfirst=True, format="mixed")
        return column.dt.strftime("%Y-%m-%d")

    resolved = day(frame["resolved"])
    out = pd.DataFrame({
        "code": frame["code"], "procedure_id": frame["procedure_id"], "unit_id": 1, "field_id": 1,
        "applicant": frame["applicant"], "channel": frame["channel"].map(CHANNEL_VALUES),
        "received_on": day(frame["received"]), "due_on": day(frame["due"]), "resolved_on": resolved,
        "outcome": resolved.notna().map({True: "resolved", False: None}), "supplement_requests": 0,
    })
    con.execute("BEGIN")
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        con.execute(f"DROP TRIGGER {name}")
    out.to_sql("dossier", con, if_exists="append", index=False)
    con.commit()
    con.close()


def peak_rss_of_our_import(template: Path, folder: Path, register: Path) -> float:
    """Peak RSS (MB) of a child process running our import (its own peak: ``run.peak_rss_mb``)."""
    import subprocess

    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r}); from bench.bench_import import ours; from pathlib import Path;"
        f" ours(Path({str(template)!r}), Path({str(folder)!r}), Path({str(register)!r}));"
        " from bench.run import peak_rss_mb; print(peak_rss_mb())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _case(ctx: Context, text_dates: bool) -> Case:
    n = min(ctx.size, ROWS)
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    register = make_register(n, text_dates)
    template = make_empty_database(folder)
    note = ""
    if ctx.verbose:
        peak = peak_rss_of_our_import(template, folder, register)
        goal = 300 if n <= 100_000 else 500  # issue 15: ≤ 300 MB at 100.000 rows, ≤ 500 MB at 1.000.000
        note = f"peak RSS of our import {peak:.0f} MB (goal ≤ {goal} MB); goal ours ÷ floor ≤ 1,3"
        print(f"  {n} rows, {'text dates' if text_dates else 'date cells'}: {note}", flush=True)
    return Case(
        ours=lambda: ours(template, folder, register),
        peers=[
            Peer("pandas read_excel(calamine) + to_sql into the dossier table",
                 lambda: pandas_to_sql(template, folder, register)),
            Peer("floor: calamine + sqlite3 executemany", lambda: floor(template, folder, register), floor=True),
            Peer("floor with the indexes rebuilt after the load (what ours does)",
                 lambda: floor(template, folder, register, rebuild_indexes=True), floor=True, at_most=1.3),
            Peer("pandas read_excel(calamine) + to_sql into a new bare table (not the same job)",
                 lambda: pandas_to_sql(template, folder, register, bare_table=True)),
            Peer("pandas read_excel(openpyxl) + to_sql into the dossier table",
                 lambda: pandas_to_sql(template, folder, register, engine="openpyxl")),
        ],
        goal_ratio=1.0,
        note=note,
        rounds=3,
    )


@benchmark("import: 100.000 dossiers from .xlsx (date cells)")
def import_date_cells(ctx: Context) -> Case:
    return _case(ctx, text_dates=False)


@benchmark("import: 100.000 dossiers from .xlsx (text dates)")
def import_text_dates(ctx: Context) -> Case:
    return _case(ctx, text_dates=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.bench_import --rows 1000000``: our import alone on a large register (date
    cells), its time and peak memory — the bounded-memory check (a sheet that large is streamed)."""
    import argparse
    import time

    parser = argparse.ArgumentParser(prog="python -m bench.bench_import")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--text-dates", action="store_true")
    args = parser.parse_args(argv)
    register = make_register(args.rows, args.text_dates)
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    template = make_empty_database(folder)
    started = time.perf_counter()
    peak = peak_rss_of_our_import(template, folder, register)
    print(f"{args.rows:,} rows: {time.perf_counter() - started:.1f} s, peak RSS {peak:.0f} MB (goal ≤ 500 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
