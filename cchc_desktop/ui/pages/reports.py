"""Báo cáo (placeholder until the reports package lands)."""

from __future__ import annotations

from .base import Page


class ReportsPage(Page):
    title = "Báo cáo"
    hint = "Lập báo cáo."
    icon_name = "printer-outline"
