"""``cchc-desktop export KIND --out F.xlsx [--period P]``: a data table or Biểu 06a to Excel."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.db import open_database
from ..core.errors import CchcError
from ..core.periods import PeriodSpec

# The kinds ``io.export.EXPORT_KINDS`` writes, spelt out so that building the command line (at every start,
# the window's too) does not load openpyxl; a test keeps the two equal.
EXPORT_KINDS = (
    "dossiers",
    "procedures",
    "decisions",
    "tasks",
    "documents",
    "survey_forms",
    "survey_totals",
    "bieu06a",
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", parents=[common], help="xuất một bảng dữ liệu hoặc Biểu 06a ra Excel")
    p.add_argument("kind", choices=(*EXPORT_KINDS, "package"), metavar="LOẠI",
                   help="loại: " + ", ".join(EXPORT_KINDS) + "; package: gói số liệu của một đơn vị (.cchc)")
    p.add_argument("--out", required=True, metavar="TỆP.xlsx", help="tệp Excel cần ghi (gói số liệu: TỆP.cchc)")
    p.add_argument("--unit", metavar="ĐƠN_VỊ", help="gói số liệu: đơn vị gửi (tên, mã); mặc định: đơn vị của cơ quan")
    p.add_argument(
        "--period",
        metavar="KỲ",
        help="kỳ báo cáo (bắt buộc với bieu06a), ví dụ 2024, 2024-Q3; với một bảng dữ liệu: chỉ xuất các dòng "
        "của kỳ (hồ sơ, nhiệm vụ đang hoặc đã giải quyết trong kỳ; quyết định công bố trong kỳ; …)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.kind == "package":
        from .package import run_export

        return run_export(args)
    from ..io.export import export_kind

    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".xlsx":
        raise CchcError("Tệp xuất phải có đuôi .xlsx.")
    if not out.parent.is_dir():
        raise CchcError(f"Thư mục {out.parent} không tồn tại.")
    if args.kind == "bieu06a" and not args.period:
        raise CchcError("Vui lòng cho biết kỳ báo cáo của Biểu 06a (--period, ví dụ 2024).")
    spec = PeriodSpec.parse(args.period) if args.period else None
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        export_kind(db, args.kind, out, spec=spec, only_period=spec is not None)
    finally:
        db.close()
    print(f"Đã xuất vào {out}")
    return 0
