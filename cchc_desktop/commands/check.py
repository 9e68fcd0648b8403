"""``cchc-desktop check``: integrity check, required data, and the consistency findings."""

from __future__ import annotations

import argparse

from ..core.db import open_database
from ..core.health import default_check_period, run_health_checks
from ..core.indicators import rebuild_dossier_counts
from ..core.periods import PeriodSpec


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("check", parents=[common], help="kiểm tra cơ sở dữ liệu và tính nhất quán của số liệu")
    p.add_argument(
        "--period",
        metavar="KỲ",
        help="kỳ cần kiểm tra số liệu: 2024, 2024-H1, 2024-Q3, 2024-9M, 2024-05 hoặc 2023-12-15..2024-12-14 "
        "(mặc định: năm của hồ sơ mới nhất)",
    )
    p.add_argument("--repair", action="store_true", help="tính lại bảng đếm hồ sơ theo ngày trước khi kiểm tra")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    spec = PeriodSpec.parse(args.period) if getattr(args, "period", None) else None
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        if getattr(args, "repair", False):
            with db.transaction() as session:
                rebuild_dossier_counts(session)
            print("Đã tính lại bảng đếm hồ sơ theo ngày.")
        if spec is None:
            with db.session() as session:
                spec = default_check_period(session)
        findings = run_health_checks(db, spec)
    finally:
        db.close()
    errors = 0
    for finding in findings:
        print(f"[{finding.severity.label}] {finding.message}")
        errors += finding.severity.is_error
    if not findings:
        print("Cơ sở dữ liệu tốt: không phát hiện vấn đề.")
    elif not errors:
        print("Không có lỗi; chỉ có lưu ý ở trên.")
    return 1 if errors else 0
