"""Dữ liệu → "Gửi số liệu" (a unit writes its data package for the period being viewed) and "Nhận số liệu
đơn vị" (the department previews a package — new, changed, conflicting — then receives it), through
``io.package``. Packages are small (one unit, one period): the work runs on the GUI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.errors import CchcError
from . import prompts

PACKAGE_FILTER = "Gói số liệu (*.cchc);;Mọi tệp (*)"
SHOWN_CONFLICTS = 10  # a message box lists this many conflicts, then says how many more


def send_package(window: Any) -> Path | None:
    from ..io.package import contents, export_package

    ctx = window.ctx
    spec = ctx.period
    path = prompts.save_file(window, "Gửi số liệu", PACKAGE_FILTER, f"goi-so-lieu-{spec.key}.cchc", "cchc")
    if path is None:
        return None
    try:
        manifest = export_package(ctx.db, None, spec.key, path)
    except CchcError as exc:
        prompts.error(window, "Gửi số liệu", exc.message)
        return None
    prompts.info(window, "Gửi số liệu", f"Đã ghi gói số liệu của {manifest['unit']['name']} "
                 f"({manifest['period']['label']}): {contents(manifest['counts'])}.\n{path}")  # fmt: skip
    return path


def receive_package(window: Any) -> bool:
    from ..io.package import import_package

    ctx = window.ctx
    path = prompts.open_file(window, "Nhận số liệu đơn vị", PACKAGE_FILTER)
    if path is None:
        return False
    try:
        preview = import_package(ctx.db, path, preview=True)
        if preview.already:
            prompts.info(window, "Nhận số liệu đơn vị", "\n".join(preview.lines()))
            return False
        text = "\n".join(preview.lines(limit=SHOWN_CONFLICTS)) + "\n\nNhận gói số liệu này?"
        if not prompts.question(window, "Nhận số liệu đơn vị", text, yes="Nhận", no="Không nhận", default_yes=True):
            return False
        result = import_package(ctx.db, path)
    except CchcError as exc:
        prompts.error(window, "Nhận số liệu đơn vị", exc.message)
        return False
    ctx.notify()  # a package touches many tables (dossiers and events, surveys, documents, texts, units)
    prompts.info(window, "Nhận số liệu đơn vị", "\n".join(result.lines(limit=SHOWN_CONFLICTS)))
    return True
