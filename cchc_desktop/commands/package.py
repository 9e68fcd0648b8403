"""``cchc-desktop export package --unit U --period P --out F.cchc`` and ``import package F.cchc
[--preview]``: a unit's data as one file, received at the department (``io.package``). Reached through
the ``export`` and ``import`` commands (kind ``package``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.db import open_database
from ..core.errors import CchcError


def run_export(args: argparse.Namespace) -> int:
    from ..io.package import SUFFIX, contents, export_package

    if not args.period:
        raise CchcError("Vui lòng cho biết kỳ của gói số liệu (--period, ví dụ 2024).")
    out = Path(args.out).expanduser()
    if out.suffix.lower() != SUFFIX:
        raise CchcError(f"Tệp gói số liệu phải có đuôi {SUFFIX}.")
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        manifest = export_package(db, args.unit, args.period, out)
    finally:
        db.close()
    print(f"Đã ghi gói số liệu của {manifest['unit']['name']} ({manifest['period']['label']}) vào {out}: "
          f"{contents(manifest['counts'])}.")  # fmt: skip
    return 0


def run_import(args: argparse.Namespace) -> int:
    from ..io.package import import_package

    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        result = import_package(db, Path(args.file).expanduser(), preview=args.preview)
    finally:
        db.close()
    print("\n".join(result.lines()))
    return 0
