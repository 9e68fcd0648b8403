"""``cchc-desktop check``: integrity check, required data, and the consistency findings."""

from __future__ import annotations

import argparse

from ..core.db import open_database
from ..core.health import run_health_checks


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("check", parents=[common], help="kiểm tra cơ sở dữ liệu và tính nhất quán của số liệu")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        findings = run_health_checks(db)
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
