"""Health of a database: integrity, schema version, required data, then consistency findings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models as m
from .checks import Finding, Severity, consistency_findings, structural_findings
from .db import Database, current_revision, head_revision
from .periods import PeriodSpec


def default_check_period(session: Session) -> PeriodSpec:
    """The year of the latest dossier received (the current year when there is none)."""
    latest = session.scalar(select(func.max(m.Dossier.received_on)))
    return PeriodSpec.for_year((latest or dt.date.today()).year)


def run_health_checks(db: Database, spec: PeriodSpec | None = None) -> list[Finding]:
    """Integrity, schema, required data, then the structural findings; with ``spec`` every
    consistency finding of that period instead (``cchc-desktop check`` passes
    ``default_check_period`` when no period is given)."""
    findings: list[Finding] = []
    if db.is_sqlite:
        with db.engine.connect() as conn:
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if rows != ["ok"]:
            findings.append(Finding(Severity.ERROR, "Kiểm tra toàn vẹn thất bại: " + "; ".join(rows[:5]), "database"))
        if fk:
            findings.append(Finding(Severity.ERROR, f"{len(fk)} bản ghi tham chiếu tới dữ liệu không còn tồn tại.", "database"))
    revision = current_revision(db.engine)
    if revision != head_revision():
        findings.append(
            Finding(
                Severity.ERROR,
                "Cấu trúc cơ sở dữ liệu không khớp phiên bản ứng dụng "
                f"(đang là {revision or 'trống'}, cần {head_revision()}). Hãy mở bằng ứng dụng để nâng cấp.",
                "database",
            )
        )
        return findings
    with db.session() as session:
        if session.scalar(select(func.count()).select_from(m.OrganisationProfile)) == 0:
            findings.append(Finding(Severity.ERROR, "Chưa có thông tin cơ quan (tên cơ quan, người ký).", "organisation_profile"))
        if session.scalar(select(func.count()).select_from(m.Unit)) == 0:
            findings.append(Finding(Severity.ERROR, "Chưa có đơn vị nào.", "unit"))
        if session.scalar(select(func.count()).select_from(m.Field)) == 0:
            findings.append(Finding(Severity.ERROR, "Chưa có lĩnh vực nào.", "field"))
        if session.scalar(select(func.count()).select_from(m.ObjectiveYear)) == 0:
            findings.append(Finding(Severity.WARNING, "Chưa khai báo mục tiêu chất lượng cho năm nào.", "objective_year"))
        if spec is None:
            findings.extend(structural_findings(session))
        else:
            findings.extend(consistency_findings(session, spec))
    return findings
