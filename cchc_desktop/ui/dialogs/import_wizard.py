"""Excel import wizard (placeholder until the io package lands)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from .. import prompts


def open_import_wizard(parent: QWidget, ctx: Any, kind: str) -> None:
    prompts.info(parent, "Nhập Excel", "Chức năng nhập Excel chưa có trong bản cài đặt này.")
