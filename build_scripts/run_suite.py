"""Run the whole test suite N times in a row and count passes, failures and crashes.

    python build_scripts/run_suite.py 20 [-- extra pytest arguments]

Each run is a fresh ``python -m pytest`` process, so a crash (a signal such as SIGSEGV or SIGABRT, a
"Fatal Python error", or a non-pytest exit code) ends only that run and is counted as a crash; the tail
of its output is kept in ``build/suite-runs/run-K.log``. Exit code 0 only when every run passed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST_CODES = {0: "passed", 1: "failed", 2: "interrupted", 3: "internal error", 4: "usage error", 5: "no tests"}


def classify(code: int, output: str) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"crash ({name})"
    if "Fatal Python error" in output or "Segmentation fault" in output:
        return "crash (Fatal Python error)"
    if code in (134, 139):  # a shell's 128 + SIGABRT / SIGSEGV
        return f"crash (exit {code})"
    return PYTEST_CODES.get(code, f"crash (exit {code})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", type=int, help="how many runs in a row")
    parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (after --)")
    args = parser.parse_args(argv)
    logs = ROOT / "build" / "suite-runs"
    logs.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONFAULTHANDLER": "1"}
    tally: dict[str, int] = {}
    for k in range(1, args.runs + 1):
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args.pytest_args]
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, errors="replace", check=False)
        output = proc.stdout + proc.stderr
        verdict = classify(proc.returncode, output)
        tally[verdict] = tally.get(verdict, 0) + 1
        (logs / f"run-{k}.log").write_text(output[-20_000:], encoding="utf-8")
        last = next((line for line in reversed(proc.stdout.splitlines()) if line.strip()), "")
        print(f"run {k}/{args.runs}: {verdict} — {last}", flush=True)
    passed = tally.get("passed", 0)
    crashes = sum(n for v, n in tally.items() if v.startswith("crash"))
    print(f"\n{passed} passed, {args.runs - passed - crashes} failed, {crashes} crashed, of {args.runs} runs")
    for verdict, n in sorted(tally.items()):
        print(f"  {verdict}: {n}")
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    raise SystemExit(main())
