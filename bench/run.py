"""Benchmark harness: ``python -m bench [--size N] [--only NAME] [--repeat R]`` (or ``python bench/run.py``).

Runs every registered benchmark and prints one table: what was measured, our time, the peer's time,
the ratio (peer ÷ ours: how many times faster we are), and the goal when the benchmark states one.
Times are the best of ``--repeat`` runs (a run slower than 2 s is not repeated) after one warm-up
run of our side. Not collected by pytest (the folder is outside ``tests/``, no ``test_`` names).

Registering a benchmark (other modules do exactly this):

1. Write a module ``bench/<topic>.py`` with a function decorated by ``@benchmark``::

       from bench.run import Case, Context, Peer, benchmark

       @benchmark("import: 10.000 dossiers from .xlsx")
       def import_xlsx(ctx: Context) -> Case:
           path = make_file(ctx.size)           # setup here is not timed
           return Case(
               ours=lambda: run_our_import(path),  # zero-argument callables, timed
               peers=[Peer("openpyxl + executemany", lambda: naive_import(path))],
               goal_seconds=2.0,                   # optional: ours must take at most this
               goal_ratio=3.0,                     # optional: the first peer ÷ ours at least this
           )

   A ``Peer`` with ``floor=True`` is a lower bound (e.g. computing on data already in memory):
   its row shows ours ÷ floor instead; its goal, if any, is ``at_most`` (ours ÷ floor at most that).
   ``Case.rounds`` runs ours and the floors in turn that many times (best of each), for ratios that
   do not depend on one run's luck.
2. Add the module's name to ``BENCH_MODULES`` below.

``--only`` keeps the benchmarks whose name contains the text; ``--size`` is passed on in
``Context.size`` (each benchmark decides what it means, e.g. the number of dossiers).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The modules that register benchmarks; add yours here.
BENCH_MODULES: list[str] = [
    "bench.indicators",
    "bench.bench_reports",
    "bench.bench_gui",
    "bench.bench_import",
    "bench.bench_export",
    "bench.bench_day_one",
]

DEFAULT_SIZE = 1_000_000
SLOW_SECONDS = 2.0


@dataclass(frozen=True)
class Context:
    size: int = DEFAULT_SIZE
    repeat: int = 3
    verbose: bool = True


@dataclass(frozen=True)
class Peer:
    label: str
    run: Callable[[], object]
    floor: bool = False  # a lower bound to compare with, not a competitor
    at_most: float | None = None  # a floor's goal: ours ÷ floor at most this


@dataclass(frozen=True)
class Case:
    ours: Callable[[], object]
    peers: Sequence[Peer] = ()
    goal_seconds: float | None = None
    goal_ratio: float | None = None
    note: str = ""
    # When > 0: ours and each floor run in turn this many rounds, however long they take, each keeping
    # its best — a ratio to a floor taken from one slow run of each swings with the machine's load.
    rounds: int = 0


@dataclass(frozen=True)
class Registered:
    name: str
    make: Callable[[Context], Case]


REGISTRY: list[Registered] = []


def benchmark(name: str) -> Callable[[Callable[[Context], Case]], Callable[[Context], Case]]:
    """Register ``make(ctx) -> Case`` under ``name`` (the text shown in the table)."""

    def register(make: Callable[[Context], Case]) -> Callable[[Context], Case]:
        REGISTRY.append(Registered(name, make))
        return make

    return register


def best_time(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs (one run only when it is slow)."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        gc.collect()
        started = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - started
        best = min(best, elapsed)
        if elapsed > SLOW_SECONDS:
            break
    return best


@dataclass
class Row:
    what: str
    ours: float
    peer: float | None = None
    peer_label: str = ""
    floor: bool = False
    goal: str = ""
    ok: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.peer is None:
            return None
        return self.ours / self.peer if self.floor else self.peer / self.ours


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def render(self) -> str:
        header = ("what", "ours", "peer", "ratio", "goal")
        lines = [header] + [
            (
                f"{r.what}" + (f" — {r.peer_label}" if r.peer_label else ""),
                _seconds(r.ours),
                _seconds(r.peer) if r.peer is not None else "—",
                _ratio(r),
                r.goal + ({True: " ✔", False: " ✘", None: ""}[r.ok] if r.goal else ""),
            )
            for r in self.rows
        ]
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        out = []
        for n, line in enumerate(lines):
            cells = [line[0].ljust(widths[0])] + [
                c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)
            ]
            out.append("  ".join(cells).rstrip())
            if n == 0:
                out.append("  ".join("-" * w for w in widths))
        return "\n".join(out)

    @property
    def all_goals_met(self) -> bool:
        return all(r.ok is not False for r in self.rows)


def _seconds(value: float) -> str:
    return f"{value:.3f} s"


def _ratio(row: Row) -> str:
    ratio = row.ratio
    if ratio is None:
        return "—"
    return f"ours ÷ floor {ratio:.1f}" if row.floor else f"{ratio:.1f} ×"


def run_case(name: str, case: Case, ctx: Context) -> list[Row]:
    case.ours()  # warm-up: caches, lazy imports
    paired: dict[int, float] = {}  # peer index → its best time, measured in turn with ours
    if case.rounds > 0:
        ours = float("inf")
        floors = [(i, peer) for i, peer in enumerate(case.peers) if peer.floor]
        for _ in range(case.rounds):
            ours = min(ours, best_time(case.ours, 1))
            for i, peer in floors:
                paired[i] = min(paired.get(i, float("inf")), best_time(peer.run, 1))
    else:
        ours = best_time(case.ours, ctx.repeat)
    rows: list[Row] = []
    time_goal = case.goal_seconds is not None
    own = Row(name, ours)
    if time_goal:
        own.goal = f"≤ {case.goal_seconds:g} s"
        own.ok = ours <= case.goal_seconds  # type: ignore[operator]
    if not case.peers:
        return [own]
    first = True
    for i, peer in enumerate(case.peers):
        elapsed = paired[i] if i in paired else best_time(peer.run, ctx.repeat)
        row = Row(name, ours, elapsed, peer.label, peer.floor)
        if peer.floor and peer.at_most is not None:
            row.goal = f"≤ {peer.at_most:g} ×"
            row.ok = row.ratio is not None and row.ratio <= peer.at_most
        if first and not peer.floor:
            goals = []
            oks = []
            if time_goal:
                goals.append(own.goal)
                oks.append(own.ok)
            if case.goal_ratio is not None:
                goals.append(f"≥ {case.goal_ratio:g} ×")
                oks.append(row.ratio is not None and row.ratio >= case.goal_ratio)
            row.goal, row.ok = ", ".join(goals), (all(oks) if oks else None)
            first = False
        rows.append(row)
    if first and time_goal:  # only floors: keep the time goal on the first row
        rows[0].goal, rows[0].ok = own.goal, own.ok
    return rows


def load_modules(names: Sequence[str] = BENCH_MODULES) -> None:
    for name in names:
        importlib.import_module(name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Đo tốc độ so với các cách làm khác."
    )
    parser.add_argument(
        "--size", type=int, default=DEFAULT_SIZE, help="cỡ dữ liệu (mặc định 1.000.000 hồ sơ)"
    )
    parser.add_argument("--only", default="", help="chỉ chạy các phép đo có tên chứa chuỗi này")
    parser.add_argument("--repeat", type=int, default=3, help="số lần chạy mỗi phép đo (lấy lần nhanh nhất)")
    args = parser.parse_args(argv)
    load_modules()
    ctx = Context(size=args.size, repeat=args.repeat)
    chosen = [r for r in REGISTRY if args.only.lower() in r.name.lower()]
    if not chosen:
        print(f"Không có phép đo nào khớp “{args.only}”.", file=sys.stderr)
        return 2
    report = Report()
    for reg in chosen:
        print(f"… {reg.name}", file=sys.stderr, flush=True)
        report.rows.extend(run_case(reg.name, reg.make(ctx), ctx))
    print(report.render())
    _print_memory()
    return 0 if report.all_goals_met else 1


def peak_rss_mb() -> float:
    """This process's own peak resident memory in MB. Not ``ru_maxrss``: on Linux it carries over the
    parent's peak through fork and exec, so a child started by a large bench process reports the parent's
    memory (the 1.050 MB once reported for a 200 MB import). ``VmHWM`` is the peak of this process's own
    address space; on Windows psutil's ``peak_wset``."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        pass
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is in the bench extra
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    info = psutil.Process().memory_info()
    return getattr(info, "peak_wset", info.rss) / 2**20


def _print_memory() -> None:
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is in the bench extra
        return
    rss = psutil.Process().memory_info().rss / 2**20
    print(f"\n(bộ nhớ của tiến trình: {rss:.0f} MiB)")


if __name__ == "__main__":
    # As a script this file is ``__main__``; the benchmark modules register into ``bench.run``.
    from bench.run import main as _main

    raise SystemExit(_main())
