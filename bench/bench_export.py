"""Export benchmark (issue 15 §3): the dossier table of 100.000 dossiers to .xlsx.

Ours: ``io.export.export_kind`` (the query, XlsxWriter in constant-memory mode, the atomic rename).
Peer in the same run: openpyxl's write-only mode writing the same rows from the same query with the same
typed, styled cells (what the export did before: ``WriteOnlyCell`` per cell, date formats, header style,
frozen header, filter) — goal: ours in ≤ 0,5 × its time (shown as "2,0 ×" or more). The peak memory
(RSS) of a child process running our export alone is printed too.

Run: ``python -m bench --only export`` (``--size`` caps the rows, default 100.000).
"""

from __future__ import annotations

import datetime as dt
import enum
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_import import make_empty_database, make_register
from bench.bench_import import ours as import_register
from bench.run import Case, Context, Peer, benchmark

ROWS = 100_000


def _database(n: int) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    template = make_empty_database(folder)
    import_register(template, folder, make_register(n, text_dates=False))
    return folder / "ours.db"


def ours(db_path: Path, out: Path) -> None:
    from cchc_desktop.core.db import open_database
    from cchc_desktop.io.export import export_kind

    db = open_database(db_path, create=False, upgrade=False)
    try:
        export_kind(db, "dossiers", out)
    finally:
        db.close()


def openpyxl_write_only(db_path: Path, out: Path) -> None:
    """The same rows, query and typed styled cells through openpyxl's write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from cchc_desktop.core import services
    from cchc_desktop.core.db import open_database
    from cchc_desktop.io.export import DATE_FORMAT, DATETIME_FORMAT, FORMULA_STARTS, TABLES

    thin = Side(style="thin", color="000000")
    fill, font = PatternFill("solid", fgColor="DDEBF7"), Font(name="Times New Roman", bold=True)
    border, align = Border(left=thin, right=thin, top=thin, bottom=thin), Alignment(wrap_text=True)

    def cell(ws: Any, value: Any, header: bool = False) -> Any:
        if isinstance(value, enum.Enum):
            value = getattr(value, "label", value.value)
        elif isinstance(value, bool):
            value = "Có" if value else "Không"
        elif isinstance(value, str):
            value = services.nfc(value)
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            c.data_type = "s"
        elif isinstance(value, dt.datetime):
            c.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            c.number_format = DATE_FORMAT
        if header:
            c.font, c.fill, c.alignment, c.border = font, fill, align, border
        return c

    db = open_database(db_path, create=False, upgrade=False)
    try:
        with db.session() as session:
            headers, stmt = TABLES["dossiers"].query()
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("Hồ sơ")
            ws.freeze_panes = "A2"
            ws.append([cell(ws, h, True) for h in headers])
            count = 0
            for row in session.execute(stmt.execution_options(yield_per=5_000)):
                ws.append([cell(ws, v) for v in row])
                count += 1
            ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
            wb.save(out)
    finally:
        db.close()


def peak_rss_of_our_export(db_path: Path, out: Path) -> float:
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r});"
        " from bench.bench_export import ours; from pathlib import Path;"
        f" ours(Path({str(db_path)!r}), Path({str(out)!r}));"
        " from bench.run import peak_rss_mb; print(peak_rss_mb())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


@benchmark("export: 100.000 dossiers to .xlsx")
def export_dossiers(ctx: Context) -> Case:
    n = min(ctx.size, ROWS)
    db_path = _database(n)
    folder = db_path.parent
    note = ""
    if ctx.verbose:
        peak = peak_rss_of_our_export(db_path, folder / "peak.xlsx")
        note = f"peak RSS of our export {peak:.0f} MB; goal ours ≤ 0,5 × openpyxl write-only (≥ 2 ×)"
        print(f"  {n} rows: {note}", flush=True)
    return Case(
        ours=lambda: ours(db_path, folder / "ours.xlsx"),
        peers=[Peer("openpyxl write-only, same rows and typed styled cells",
                    lambda: openpyxl_write_only(db_path, folder / "openpyxl.xlsx"))],
        goal_ratio=2.0,
        note=note,
    )
