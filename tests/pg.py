"""A throw-away PostgreSQL cluster for tests, on a Unix socket in a temp folder (no network).

Uses the server binaries of the machine (Debian's postgresql package); as root, the cluster runs
as the ``postgres`` system user because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def server_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextmanager
def temporary_cluster() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a fresh, empty database; the cluster is removed afterwards."""
    bindir = server_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found")
    root = Path(tempfile.mkdtemp(prefix="cchc-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    run = lambda cmd: subprocess.run(_as_postgres(cmd), check=True, capture_output=True, timeout=120)  # noqa: E731
    try:
        run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--locale=C.UTF-8"])
        run([str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "-o",
             f"-k {sock} -c listen_addresses='' -c fsync=off", "start"])
        try:
            run([str(bindir / "createdb"), "-h", str(sock), "-U", "postgres", "cchc"])
            yield f"postgresql+psycopg://postgres@/cchc?host={sock}"
        finally:
            run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
    finally:
        shutil.rmtree(root, ignore_errors=True)
