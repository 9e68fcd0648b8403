"""Kiểm tra dữ liệu: the database's health and the consistency findings of the current period."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core.checks import Finding, Severity, consistency_findings
from ...core.health import run_health_checks
from .. import theme
from ..widgets.common import section_title

SEVERITY_ICONS = {
    Severity.ERROR: ("close-circle", theme.BAD_COLOUR),
    Severity.WARNING: ("alert-outline", theme.WARN_COLOUR),
    Severity.INFO: ("information-outline", theme.ACCENT),
}


def findings_list(findings: list[Finding], empty_text: str) -> QWidget:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    if not findings:
        findings = []
        row = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(theme.icon("check-circle", theme.OK_COLOUR).pixmap(QSize(18, 18)))
        row.addWidget(icon)
        text = QLabel(empty_text)
        text.setWordWrap(True)
        row.addWidget(text, 1)
        layout.addLayout(row)
    for finding in findings:
        name, colour = SEVERITY_ICONS[finding.severity]
        row = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(theme.icon(name, colour).pixmap(QSize(18, 18)))
        row.addWidget(icon)
        text = QLabel(f"<b>{finding.severity.label}:</b> {finding.message}")
        text.setWordWrap(True)
        row.addWidget(text, 1)
        layout.addLayout(row)
    return holder


class FindingsDialog(QDialog):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Kiểm tra dữ liệu")
        self.setMinimumSize(640, 420)
        layout = QVBoxLayout(self)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(section_title("Cơ sở dữ liệu"))
        self.health = run_health_checks(ctx.db)
        inner.addWidget(findings_list(self.health, "Cơ sở dữ liệu nguyên vẹn, đủ thông tin bắt buộc."))
        inner.addSpacing(8)
        inner.addWidget(section_title(f"Số liệu {ctx.period.label}"))
        with ctx.db.session() as session:
            self.findings = consistency_findings(session, ctx.period)
        inner.addWidget(findings_list(self.findings, "Số liệu của kỳ khớp nhau, không phát hiện bất thường."))
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll, 1)
        buttons = QDialogButtonBox()
        close = buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
