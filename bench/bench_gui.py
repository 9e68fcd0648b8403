"""GUI benchmark (issue 6 §11): cold start to the first shown window; opening the dossier page on the
1.000.000-dossier database; memory after that. Goals: ≤ 1,5 s, ≤ 0,5 s, ≤ 400 MB.

- cold start: a fresh ``python`` process from spawn until the main window's first show (the demo
  database), measured from outside; the floor is a bare PySide6 window in the same kind of process.
- dossier page: building ``DossiersPage`` on the synthetic database (count + the first 200 rows, the
  filters, the view) until the window has painted it; the peer reads every row the page could show
  (what a table filled up front would have to do).
- memory: the resident size of a process that opened the main window and the dossier page on the
  synthetic database.

Run with the harness (``python -m bench --only GUI``) or alone: ``python -m bench.bench_gui``.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import Case, Context, Peer, benchmark
from bench.synthetic import synthetic_database

ROOT = Path(__file__).resolve().parents[1]
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a server without a screen
COLD_START_GOAL = 1.5
PAGE_GOAL = 0.5
MEMORY_GOAL_MB = 400

BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setCentralWidget(QLabel("Tổng quan")); w.resize(1366, 768); w.show()
print("SHOWN", flush=True)
QTimer.singleShot(0, app.quit); app.exec()
"""


def _env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CCHC_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}


def _time_to_shown(args: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning the process until it prints SHOWN."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    shown = None
    for line in proc.stdout:
        if line.startswith("SHOWN") and shown is None:
            shown = time.perf_counter() - started
    proc.wait(timeout=120)
    if shown is None:
        raise RuntimeError(f"the window was never shown: {proc.stderr.read() if proc.stderr else ''}")
    return shown


def _demo_db(folder: Path) -> Path:
    path = folder / "demo.db"
    if not path.exists():
        from cchc_desktop.core.db import open_database
        from cchc_desktop.core.demo import build_demo

        folder.mkdir(parents=True, exist_ok=True)
        db = open_database(path)
        build_demo(db)
        db.close()
    return path


# --------------------------------------------------------------------------- the probe (child process)


def _probe_args(db: Path, open_dossiers: bool = False) -> list[str]:
    args = [sys.executable, str(ROOT / "bench" / "gui_probe.py"), str(db)]
    return args + ["--open-dossiers"] if open_dossiers else args


# --------------------------------------------------------------------------- in-process page timing


class _PageBench:
    """Opens the dossier page on the synthetic database in this process."""

    def __init__(self, path: Path) -> None:
        from cchc_desktop.core.db import open_database
        from cchc_desktop.ui.app import create_application
        from cchc_desktop.ui.context import AppContext

        self.app = create_application()
        self.db = open_database(path)
        self.ctx = AppContext(self.db)

    def open_page(self) -> Any:
        from PySide6.QtWidgets import QApplication

        from cchc_desktop.ui.pages.dossiers import DossiersPage

        page = DossiersPage(self.ctx)
        page.resize(1160, 680)
        page.show()
        QApplication.processEvents()
        assert page.table_model.rowCount() > 0
        page.close()
        page.deleteLater()
        return page

    def read_everything(self) -> int:
        """The peer: every row the page lists, read up front."""
        con = sqlite3.connect(self.db.path)
        try:
            rows = con.execute(
                "SELECT d.id, d.code, p.name, f.name, d.applicant, d.channel, d.received_on, d.due_on, "
                "d.resolved_on, u.short_name FROM dossier d LEFT JOIN procedure p ON p.id = d.procedure_id "
                "LEFT JOIN field f ON f.id = d.field_id LEFT JOIN unit u ON u.id = d.unit_id "
                "ORDER BY d.received_on DESC, d.id DESC"
            ).fetchall()
        finally:
            con.close()
        return len(rows)

    def first_page_sql(self) -> int:
        """The floor: the two statements the page needs, in raw sqlite3."""
        con = sqlite3.connect(self.db.path)
        try:
            con.execute("SELECT count(*) FROM dossier").fetchone()
            rows = con.execute(
                "SELECT d.id, d.code, p.name FROM dossier d LEFT JOIN procedure p ON p.id = d.procedure_id "
                "ORDER BY d.received_on DESC, d.id DESC LIMIT 200"
            ).fetchall()
        finally:
            con.close()
        return len(rows)


# --------------------------------------------------------------------------- harness cases


@benchmark("GUI: cold start to the first window (demo data)")
def cold_start(ctx: Context) -> Case:
    folder = ROOT / "bench" / ".cache" / "gui"
    db = _demo_db(folder)
    env = _env(folder / "data")
    return Case(
        ours=lambda: _time_to_shown(_probe_args(db), env),
        peers=[Peer("bare PySide6 window", lambda: _time_to_shown([sys.executable, "-c", BARE_WINDOW], env), floor=True)],
        goal_seconds=COLD_START_GOAL,
    )


@benchmark("GUI: open the dossier page (synthetic dossiers)")
def dossier_page(ctx: Context) -> Case:
    path = synthetic_database(ctx.size)
    bench = _PageBench(path)
    rss = memory_after_dossier_page(path)
    print(f"    bộ nhớ sau khi mở cửa sổ và trang Hồ sơ ({ctx.size:,} hồ sơ): {rss:.0f} MB "
          f"(mục tiêu ≤ {MEMORY_GOAL_MB} MB)".replace(",", "."), file=sys.stderr, flush=True)  # fmt: skip
    return Case(
        ours=bench.open_page,
        peers=[
            Peer("read every row up front (sqlite3)", bench.read_everything),
            Peer("raw sqlite3: count + first 200 rows", bench.first_page_sql, floor=True),
        ],
        goal_seconds=PAGE_GOAL,
    )


def memory_after_dossier_page(path: Path) -> float:
    folder = ROOT / "bench" / ".cache" / "gui"
    out = subprocess.run(_probe_args(path, open_dossiers=True), capture_output=True, text=True,
                         env=_env(folder / "data-mem"), cwd=ROOT, timeout=300)  # fmt: skip
    for line in out.stdout.splitlines():
        if line.startswith("RSS "):
            return float(line.split()[1])
    raise RuntimeError(f"no memory figure: {out.stderr[-2000:]}")


def run(size: int = 1_000_000, repeat: int = 3) -> dict[str, float]:
    """The three figures of issue 6 §11, printed with their goals (no harness needed)."""
    folder = ROOT / "bench" / ".cache" / "gui"
    db = _demo_db(folder)
    env = _env(folder / "data")
    _time_to_shown(_probe_args(db), env)  # warm the file cache
    start = min(_time_to_shown(_probe_args(db), env) for _ in range(repeat))
    floor = min(_time_to_shown([sys.executable, "-c", BARE_WINDOW], env) for _ in range(repeat))
    path = synthetic_database(size)
    bench = _PageBench(path)
    bench.open_page()
    page = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        bench.open_page()
        page = min(page, time.perf_counter() - started)
    rss = memory_after_dossier_page(path)
    n = f"{size:,}".replace(",", ".")
    print(f"khởi động đến cửa sổ đầu tiên: {start:.3f} s (cửa sổ PySide6 trống: {floor:.3f} s; mục tiêu ≤ {COLD_START_GOAL} s)")
    print(f"mở trang Hồ sơ trên {n} hồ sơ: {page:.3f} s (mục tiêu ≤ {PAGE_GOAL} s)")
    print(f"bộ nhớ sau đó: {rss:.0f} MB (mục tiêu ≤ {MEMORY_GOAL_MB} MB)")
    return {"cold_start_s": start, "bare_window_s": floor, "dossier_page_s": page, "memory_mb": rss}


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.bench_gui")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    figures = run(args.size, args.repeat)
    ok = (figures["cold_start_s"] <= COLD_START_GOAL and figures["dossier_page_s"] <= PAGE_GOAL
          and figures["memory_mb"] <= MEMORY_GOAL_MB)  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
