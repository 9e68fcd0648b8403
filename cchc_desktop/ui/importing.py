"""What the import wizard needs from the Excel package (``cchc_desktop/io``), in one place: reading the first
rows and the detected header, the fields of each kind, running the import with progress and cancel,
saving the rejected rows. No widgets here; the import itself runs in a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import CchcError

PREVIEW_ROWS = 60

# Kinds the wizard offers (value, Vietnamese label); an io that lacks one simply does not list it.
KIND_CHOICES: tuple[tuple[str, str], ...] = (
    ("dossiers", "Hồ sơ (tệp xuất từ phần mềm một cửa)"),
    ("procedures", "Thủ tục hành chính"),
    ("decisions", "Quyết định công bố"),
    ("tasks", "Nhiệm vụ UBND tỉnh giao"),
    ("survey_forms", "Phiếu khảo sát (mỗi dòng một phiếu)"),
    ("survey_totals", "Tổng hợp khảo sát theo phương án"),
    ("documents", "Số liệu văn bản theo tháng (E-Office)"),
)


@dataclass(frozen=True)
class FieldInfo:
    key: str
    label: str
    required: bool


@dataclass
class FilePreview:
    kind: str
    path: Path
    names: list[str]  # column headers as read
    mapping: dict[int, str]  # column index → field key (detected, then corrected by the user)
    rows: list[tuple[int, list[Any]]]  # (sheet row number, cells) of the first data rows
    header: Any = None


@dataclass
class Rejected:
    row: int
    column: str
    reason: str


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    cancelled: bool = False
    raw: Any = None  # the io package's own result (for saving the rejects)


def available_kinds() -> list[tuple[str, str]]:
    from ..io.mapping import KINDS

    return [(k, label) for k, label in KIND_CHOICES if k in KINDS]


def fields(kind: str) -> list[FieldInfo]:
    from ..io.mapping import KINDS

    return [FieldInfo(s.key, s.label, s.required) for s in KINDS[kind]]


def read_preview(kind: str, path: Path) -> FilePreview:
    """The first rows of the file and the header the io package detects."""
    from ..io.mapping import detect_header
    from ..io.readers import open_sheet

    sheet = open_sheet(path)
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in sheet.rows:
        rows.append((number, list(cells)))
        if len(rows) >= PREVIEW_ROWS:
            break
    if not rows:
        raise CchcError(f"Tệp {path.name} không có dữ liệu.")
    header = detect_header(kind, [cells for _n, cells in rows], sheet.merged, rows[0][0])
    data = rows[header.data_start :]
    return FilePreview(kind, path, list(header.names), dict(header.mapping), data, header)


def load_saved_mapping(preview: FilePreview, path: Path) -> None:
    from ..io.mapping import apply_mapping, load_mapping

    header = preview.header
    header.mapping = dict(preview.mapping)
    preview.mapping = dict(apply_mapping(header, load_mapping(path, preview.kind)).mapping)


def save_mapping_file(preview: FilePreview, path: Path) -> None:
    from ..io.mapping import save_mapping

    header = preview.header
    header.mapping = dict(preview.mapping)
    save_mapping(path, preview.kind, header)


def display(value: Any) -> str:
    """A cell as the preview shows it (numbers without a spurious ".0", dates as dd/mm/yyyy)."""
    from ..io.parsing import clean_text

    return clean_text(value) or ""


def missing_required(preview: FilePreview) -> list[FieldInfo]:
    mapped = set(preview.mapping.values())
    return [f for f in fields(preview.kind) if f.required and f.key not in mapped]


def run_import(
    db: Any,
    preview: FilePreview,
    *,
    all_or_nothing: bool,
    create_missing_procedures: bool,
    progress: Callable[[int, int, str], bool],
) -> ImportOutcome:
    """Run the io package's import of the whole file with the (corrected) mapping, in one transaction."""
    from ..io import importer  # type: ignore[attr-defined]

    header = preview.header
    header.mapping = dict(preview.mapping)
    result = importer.import_file(
        db,
        preview.kind,
        preview.path,
        header=header,
        all_or_nothing=all_or_nothing,
        create_missing_procedures=create_missing_procedures,
        progress=progress,
    )
    return ImportOutcome(
        created=getattr(result, "created", 0),
        updated=getattr(result, "updated", 0),
        rejected=[Rejected(r.row, getattr(r, "column", "") or "", r.reason) for r in getattr(result, "rejected", [])],
        cancelled=bool(getattr(result, "cancelled", False)),
        raw=result,
    )


def save_rejects(outcome: ImportOutcome, path: Path) -> None:
    from ..io import importer  # type: ignore[attr-defined]

    importer.write_rejects(outcome.raw, path)
