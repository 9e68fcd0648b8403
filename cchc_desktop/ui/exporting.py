"""Export buttons: a data table or Biểu 06a to an Excel file, written off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from . import prompts
from .context import AppContext, settings
from .workers import Job, start_job

EXPORT_NAMES = {
    "dossiers": "Ho-so",
    "procedures": "Thu-tuc-hanh-chinh",
    "decisions": "Quyet-dinh-cong-bo",
    "tasks": "Nhiem-vu",
    "survey_forms": "Phieu-khao-sat",
    "documents": "Van-ban",
    "bieu06a": "Bieu-06a",
}


def export_table(parent: QWidget, ctx: AppContext, kind: str, ids: Callable[[], list[int] | None] | None) -> Job | None:
    """Ask for a file name, then write the table (or Biểu 06a for the current period) in a worker."""
    from ..io import export as io_export

    folder = settings().value("export/folder") or str(Path.home())
    suffix = f"-{ctx.period.key}" if kind == "bieu06a" else ""
    suggested = str(Path(str(folder)) / f"{EXPORT_NAMES.get(kind, kind)}{suffix}.xlsx")
    path = prompts.save_file(parent, "Xuất ra Excel", "Bảng tính Excel (*.xlsx)", suggested, "xlsx")
    if path is None:
        return None
    settings().setValue("export/folder", str(path.parent))
    db, spec = ctx.db, ctx.period

    def work(progress: Any) -> Any:
        return io_export.export_kind(db, kind, path, spec=spec, progress=progress)

    return start_job(parent, "Đang xuất Excel", work, on_done=lambda _result: announce_export(parent, "Xuất Excel", path))


def announce_export(parent: QWidget, title: str, path: Path, note: str = "") -> None:
    """Every export (Excel, Word, PDF) ends the same way: the status bar and one message with the file."""
    if hasattr(parent, "status_message"):
        parent.status_message.emit(f"Đã xuất {path.name}")
    prompts.info(parent, title, f"Đã xuất vào tệp:\n{path}" + (f"\n\n{note}" if note else ""))
