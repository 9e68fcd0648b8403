"""Day one at full size: ``cchc-desktop init`` then the 100.000-row one-stop register (title rows,
unit codes, room names, fields and procedures the new catalogue lacks) imported with
``--create-missing`` — 0 rows may be rejected (checked on every run), in one transaction.

Peer: the same register imported into a database whose catalogue is already complete (the import
with nothing to create); the ratio shows what resolving and creating the catalogue costs. A second
benchmark times that everyday import (catalogue complete) against its floor: calamine read, typing by
dict lookups, one executemany, indexes rebuilt (goal ≤ 1,3 ×, issue 15).
The 2.000-row version of the same register is the test ``tests/io/test_day_one.py``.

``python -m bench --only "day one"`` (or ``python -m bench.bench_day_one [--rows N]`` alone).
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

from bench.run import Case, Context, Peer, benchmark

ROWS = 100_000
CACHE = Path(__file__).resolve().parent / ".cache"


def register(rows: int) -> Path:
    from tests.io.one_stop_register import write_register

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"day-one-register-{rows}-v1.xlsx"
    if not path.exists():
        tmp = path.with_suffix(".tmp.xlsx")
        write_register(tmp, rows)
        tmp.rename(path)
    return path


def _fresh_init(folder: Path, name: str) -> Path:
    from cchc_desktop.core.newdb import create_database, default_profile

    target = folder / name
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    create_database(target, default_profile("Hòa Bình"))
    return target


def day_one(folder: Path, path: Path, rows: int, *, name: str = "day-one.db") -> Path:
    from cchc_desktop.core.db import open_database
    from cchc_desktop.io.importer import import_file

    target = _fresh_init(folder, name)
    db = open_database(target, create=False, upgrade=False)
    try:
        result = import_file(db, "dossiers", path, create_missing=True)
    finally:
        db.close()
    if result.rejects or result.imported != rows:
        raise AssertionError(f"day one: {result.summary()}")
    return target


def with_complete_catalogue(template: Path, folder: Path, path: Path) -> None:
    from bench.bench_import import fresh_copy
    from cchc_desktop.core.db import open_database
    from cchc_desktop.io.importer import import_file

    db = open_database(fresh_copy(template, folder, "complete.db"), create=False, upgrade=False)
    try:
        import_file(db, "dossiers", path)
    finally:
        db.close()


def _complete_template(folder: Path, path: Path, rows: int) -> Path:
    """The catalogue the register needs, already there (the day-one database with its dossiers removed,
    vacuumed: the trail of day one stays)."""
    from sqlalchemy import delete

    from cchc_desktop.core import models as m
    from cchc_desktop.core.db import open_database

    target = day_one(folder, path, rows, name="template.db")
    db = open_database(target, create=False, upgrade=False)
    try:
        with db.transaction() as s:
            s.execute(delete(m.Dossier))
    finally:
        db.close()
    import sqlite3

    con = sqlite3.connect(target)  # without the 50 MB of free pages the deleted dossiers left
    con.execute("VACUUM")
    con.close()
    return target


def _unit_ids(template: Path, path: Path) -> dict[tuple[object, object], int]:
    """Unit id by (unit cell, unit code cell) for every pair of the register, resolved once, untimed —
    the floor's "lookup" is then one dict access a row."""
    from python_calamine import CalamineWorkbook

    from cchc_desktop.core.db import open_database
    from cchc_desktop.io.catalogue import Catalogue
    from cchc_desktop.io.parsing import clean_text

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    pairs = {(r[5], r[6]) for r in rows[_data_start(rows):]}
    db = open_database(template, create=False, upgrade=False)
    try:
        with db.session() as s:
            units = Catalogue(s)
            found = {pair: units.unit(clean_text(pair[0]), clean_text(pair[1])) for pair in pairs}
    finally:
        db.close()
    assert None not in found.values()
    return found  # type: ignore[return-value]


def _data_start(rows: list[list[object]]) -> int:
    from tests.io.one_stop_register import HEADER

    return next(i for i, r in enumerate(rows) if list(r[: len(HEADER)]) == HEADER) + 1


def floor(template: Path, folder: Path, path: Path, units: dict[tuple[object, object], int]) -> None:
    """The same job with the least work: calamine read, each row typed with dict lookups (procedure,
    unit pair, channel) and date slicing, no validation, one executemany into the dossier table with
    the count triggers and secondary indexes dropped, the indexes rebuilt, one commit."""
    import sqlite3

    from python_calamine import CalamineWorkbook

    from bench.bench_import import CHANNEL_VALUES, _day, floor_load, fresh_copy

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    con = sqlite3.connect(fresh_copy(template, folder, "floor.db"))
    procedures = {code: (pid, fid) for code, pid, fid in con.execute("SELECT code, id, field_id FROM procedure")}

    def typed() -> list[tuple[object, ...]]:
        out = []
        for row in rows[_data_start(rows):]:
            pid, fid = procedures[row[2]]
            resolved = _day(row[11])
            out.append((row[1], pid, units[(row[5], row[6])], fid, row[7], CHANNEL_VALUES[row[8]], _day(row[9]),
                        _day(row[10]), resolved, "resolved" if resolved else None, 0))
        return out

    floor_load(con, typed, rebuild_indexes=True)


@functools.lru_cache(maxsize=2)
def _prepared(rows: int) -> tuple[Path, Path, Path, dict[tuple[object, object], int]]:
    """(folder, register, complete-catalogue template, unit ids) — made once for both benchmarks
    (the template is a day-one import of the whole register)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-day-one-"))
    path = register(rows)
    template = _complete_template(folder, path, rows)
    return folder, path, template, _unit_ids(template, path)


@benchmark("import: day one, 100.000-row one-stop register into a fresh init database (--create-missing)")
def import_day_one(ctx: Context) -> Case:
    rows = min(ctx.size, ROWS)
    folder, path, template, units = _prepared(rows)
    return Case(
        ours=lambda: day_one(folder, path, rows),
        peers=[
            Peer("same register, catalogue already complete", lambda: with_complete_catalogue(template, folder, path)),
            Peer("floor: calamine + typing by dicts + executemany, indexes rebuilt (catalogue complete)",
                 lambda: floor(template, folder, path, units), floor=True),
        ],
        note="0 rejected checked on every run",
    )


@benchmark("import: 100.000-row one-stop register, catalogue complete (the CLI's everyday import)")
def import_one_stop(ctx: Context) -> Case:
    rows = min(ctx.size, ROWS)
    folder, path, template, units = _prepared(rows)
    return Case(
        ours=lambda: with_complete_catalogue(template, folder, path),
        peers=[Peer("floor: calamine + typing by dicts + executemany, indexes rebuilt",
                    lambda: floor(template, folder, path, units), floor=True, at_most=1.3)],
        rounds=3,
    )


def main(argv: list[str] | None = None) -> int:
    import argparse
    import time

    parser = argparse.ArgumentParser(prog="python -m bench.bench_day_one")
    parser.add_argument("--rows", type=int, default=ROWS)
    args = parser.parse_args(argv)
    path = register(args.rows)
    folder = Path(tempfile.mkdtemp(prefix="bench-day-one-"))
    started = time.perf_counter()
    day_one(folder, path, args.rows)
    print(f"day one: {args.rows:,} rows, 0 rejected, {time.perf_counter() - started:.1f} s (init + import)")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
