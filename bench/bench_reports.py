"""Reports benchmark (issue 4 §8): R1 (quality objectives, year 2024) built from the demo database and
written as .docx — goal ≤ 1 s — and the same report drawn as PDF by the Qt writer.

Peer (a floor, not a competitor): python-docx writing the same text as plain paragraphs with no
format at all, i.e. the cost of the words alone; the ratio shows what the Nghị định 30 layout adds.

Run with the harness (``python -m bench --only report``) or on its own: ``python bench/bench_reports.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from functools import cache
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python bench/bench_reports.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import Case, Context, Peer, benchmark
from cchc_desktop.core.db import open_database
from cchc_desktop.core.demo import build_demo
from cchc_desktop.core.periods import PeriodSpec
from cchc_desktop.reports.docx_writer import write_docx
from cchc_desktop.reports.quality import build_quality_report

YEAR = PeriodSpec.parse("2024")


@cache
def demo_database() -> Path:
    """The demo database, built once per run in a temporary folder (not timed)."""
    folder = Path(tempfile.mkdtemp(prefix="cchc-bench-reports-"))
    path = folder / "demo.db"
    db = open_database(path)
    try:
        build_demo(db)
    finally:
        db.close()
    return path


def build_and_write(db_path: Path, out: Path) -> Path:
    """What ``cchc-desktop report quality --period 2024 --out r1.docx`` does, minus the register."""
    db = open_database(db_path, create=False, upgrade=False)
    try:
        with db.session() as session:
            document = build_quality_report(session, YEAR)
    finally:
        db.close()
    return write_docx(document, out)


def build_and_pdf(db_path: Path, out: Path) -> Path:
    from cchc_desktop.reports.qt_writer import write_pdf

    db = open_database(db_path, create=False, upgrade=False)
    try:
        with db.session() as session:
            document = build_quality_report(session, YEAR)
    finally:
        db.close()
    return write_pdf(document, out)


def plain_docx(text: str, out: Path) -> None:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    d.save(str(out))


@benchmark("report: R1 năm 2024 từ dữ liệu mẫu → .docx")
def r1_docx(ctx: Context) -> Case:
    db_path = demo_database()
    out = db_path.with_name("r1.docx")
    db = open_database(db_path, create=False, upgrade=False)
    with db.session() as session:
        text = build_quality_report(session, YEAR).text()
    db.close()
    return Case(
        ours=lambda: build_and_write(db_path, out),
        peers=[Peer("python-docx, cùng chữ, không định dạng", lambda: plain_docx(text, out.with_name("p.docx")), floor=True)],
        goal_seconds=1.0,
    )


@benchmark("report: R1 năm 2024 từ dữ liệu mẫu → PDF (Qt)")
def r1_pdf(ctx: Context) -> Case:
    from cchc_desktop.reports.qt_writer import ensure_application

    ensure_application()
    db_path = demo_database()
    return Case(ours=lambda: build_and_pdf(db_path, db_path.with_name("r1.pdf")), goal_seconds=2.0)


def run(repeat: int = 3) -> dict[str, float]:
    """Self-contained run (no harness): best time of each case, in seconds."""
    results = {}
    for name, make in (("r1_docx", r1_docx), ("r1_pdf", r1_pdf)):
        case = make(Context(repeat=repeat))
        case.ours()
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            case.ours()
            best = min(best, time.perf_counter() - started)
        results[name] = best
    return results


if __name__ == "__main__":
    for name, seconds in run().items():
        print(f"{name}: {seconds:.3f} s")
