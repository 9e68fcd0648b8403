"""What the import wizard needs from the Excel package (``cchc_desktop/io``), in one place: reading the first
rows and the detected header, the fields of each kind, running the import with progress and cancel,
saving the rejected rows. No widgets here; the import itself runs in a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import CchcError

if TYPE_CHECKING:
    from ..io.importer import ImportResult

PREVIEW_ROWS = 60

# Kinds the wizard offers (value, Vietnamese label); a test keeps them equal to ``io.mapping.KINDS``.
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
    create_missing_procedures: bool = False,
    create_missing: bool = False,
    progress: Callable[[int, int, str], bool],
) -> ImportResult:
    """Run the io package's import of the whole file with the (corrected) mapping, in one transaction."""
    from ..io.importer import import_file

    header = preview.header
    header.mapping = dict(preview.mapping)
    return import_file(
        db,
        preview.kind,
        preview.path,
        header=header,
        all_or_nothing=all_or_nothing,
        create_missing_procedures=create_missing_procedures,
        create_missing=create_missing,
        progress=progress,
    )


def scan_catalogue(db: Any, preview: FilePreview) -> Any:
    """The units, fields and procedures of a dossier file the catalogue lacks, with their row counts
    (``io.catalogue.CatalogueGaps``), with the (corrected) mapping; writes nothing."""
    from ..io.catalogue import scan_file

    header = preview.header
    header.mapping = dict(preview.mapping)
    return scan_file(db, preview.path, header=header)


def save_rejects(result: ImportResult, path: Path) -> None:
    from ..io.importer import write_rejects

    write_rejects(result, path)
