"""Consistency checks (SPEC §5): each finding has a severity, a Vietnamese message and where it is."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models as m


class Severity(enum.Enum):
    ERROR = ("error", "Lỗi")
    WARNING = ("warning", "Cảnh báo")
    INFO = ("info", "Thông tin")

    def __init__(self, key: str, label: str) -> None:
        self.key = key
        self.label = label

    @property
    def is_error(self) -> bool:
        return self is Severity.ERROR


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str
    where: str = ""  # entity name, e.g. "procedure"
    record_ids: tuple[int, ...] = field(default_factory=tuple)


def structural_findings(session: Session) -> list[Finding]:
    """Checks that do not depend on a period."""
    findings: list[Finding] = []
    no_unit = session.scalars(
        select(m.Procedure.id).where((m.Procedure.unit_id.is_(None)) | (m.Procedure.field_id.is_(None)))
    ).all()
    if no_unit:
        findings.append(
            Finding(
                Severity.WARNING,
                f"{len(no_unit)} thủ tục chưa có đơn vị giải quyết hoặc lĩnh vực.",
                "procedure",
                tuple(no_unit),
            )
        )
    abolished = session.scalars(
        select(m.Dossier.id)
        .join(m.Procedure, m.Dossier.procedure_id == m.Procedure.id)
        .where(m.Procedure.abolished_on.is_not(None), m.Dossier.received_on > m.Procedure.abolished_on)
    ).all()
    if abolished:
        findings.append(
            Finding(
                Severity.WARNING,
                f"{len(abolished)} hồ sơ được tiếp nhận sau ngày thủ tục của nó bị bãi bỏ.",
                "dossier",
                tuple(abolished),
            )
        )
    needs_review = session.scalar(select(func.count()).where(m.Procedure.needs_review.is_(True)))
    if needs_review:
        findings.append(
            Finding(
                Severity.INFO,
                f"{needs_review} thủ tục được tạo khi nhập hồ sơ, cần bổ sung thông tin.",
                "procedure",
            )
        )
    return findings
