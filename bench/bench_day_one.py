"""Day one at full size: ``cchc-desktop init`` then the 100.000-row one-stop register (title rows,
unit codes, room names, fields and procedures the new catalogue lacks) imported with
``--create-missing`` — 0 rows may be rejected (checked on every run), in one transaction.

Peer: the same register imported into a database whose catalogue is already complete (the import
with nothing to create); the ratio shows what resolving and creating the catalogue costs.
The 2.000-row version of the same register is the test ``tests/io/test_day_one.py``.

``python -m bench --only "day one"`` (or ``python -m bench.bench_day_one [--rows N]`` alone).
"""

from __future__ import annotations

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
    from cchc_desktop.core.db import open_database
    from cchc_desktop.io.importer import import_file

    target = folder / "complete.db"
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    db = open_database(target, create=False, upgrade=False)
    try:
        import_file(db, "dossiers", path)
    finally:
        db.close()


def _complete_template(folder: Path, path: Path, rows: int) -> Path:
    """The catalogue the register needs, already there (the day-one database with its dossiers removed)."""
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
    return target


@benchmark("import: day one, 100.000-row one-stop register into a fresh init database (--create-missing)")
def import_day_one(ctx: Context) -> Case:
    rows = min(ctx.size, ROWS)
    folder = Path(tempfile.mkdtemp(prefix="bench-day-one-"))
    path = register(rows)
    template = _complete_template(folder, path, rows)
    return Case(
        ours=lambda: day_one(folder, path, rows),
        peers=[Peer("same register, catalogue already complete", lambda: with_complete_catalogue(template, folder, path))],
        note="0 rejected checked on every run",
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
