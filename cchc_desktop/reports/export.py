"""Build a report and write it out (.docx, optionally PDF), recording it as an issued report.

Used by the ``report`` command and the report page; both files are written to temporary files
first and moved into place together, so a failure leaves neither a partial file nor a half export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from ..core import models as m
from ..core import services
from ..core.enums import ReportType
from ..core.periods import PeriodSpec, periods_for
from .cchc import build_cchc_report
from .common import ReportOptions
from .document import Document, Paragraph, Run
from .docx_writer import build_docx
from .output import OutputError, check_writable, write_all_atomically
from .quality import build_quality_report

Builder = Callable[[Session, PeriodSpec, ReportOptions | None], Document]

BUILDERS: dict[ReportType, Builder] = {
    ReportType.QUALITY: build_quality_report,
    ReportType.CCHC: build_cchc_report,
}


@dataclass(frozen=True)
class ExportResult:
    document: Document
    docx: Path
    pdf: Path | None
    issued_id: int | None
    draft_notes: int  # highlighted notes still in the draft


def build_report(
    session: Session, report_type: ReportType, spec: PeriodSpec, options: ReportOptions | None = None
) -> Document:
    try:
        builder = BUILDERS[report_type]
    except KeyError:
        raise OutputError(f"Loại báo cáo “{report_type.label}” không xuất ra Word.") from None
    return builder(session, spec, options)


def count_draft_notes(document: Document) -> int:
    return sum(
        1
        for block in document.noi_dung
        if isinstance(block, Paragraph) and any(isinstance(p, Run) and p.draft_note for p in block.content)
    )


def export_report(
    session: Session,
    report_type: ReportType,
    spec: PeriodSpec,
    docx_path: Path | str,
    pdf_path: Path | str | None = None,
    options: ReportOptions | None = None,
    *,
    record: bool = True,
) -> ExportResult:
    """Build, write the .docx (and the PDF), then record the issued report in ``session``."""
    options = options or ReportOptions()
    docx_path = Path(docx_path)
    pdf = Path(pdf_path) if pdf_path is not None else None
    if docx_path.suffix.lower() != ".docx":
        raise OutputError(f"Tệp Word “{docx_path.name}” phải có đuôi .docx.")
    if pdf is not None and pdf.suffix.lower() != ".pdf":
        raise OutputError(f"Tệp PDF “{pdf.name}” phải có đuôi .pdf.")
    if pdf is not None and pdf.resolve() == docx_path.resolve():
        raise OutputError("Tệp PDF và tệp Word phải khác nhau.")
    for path in (docx_path, pdf):
        if path is not None:
            check_writable(path)
    document = build_report(session, report_type, spec, options)
    word = build_docx(document)
    jobs: list[tuple[Path, Callable[[Path], None]]] = [(docx_path, lambda tmp: word.save(str(tmp)))]
    if pdf is not None:
        from .qt_writer import ensure_application, paint_pdf  # Qt only when a PDF is wanted

        ensure_application()
        jobs.append((pdf, lambda tmp: paint_pdf(document, tmp)))
    write_all_atomically(jobs)
    issued_id = record_issued(session, report_type, spec, options, document, docx_path).id if record else None
    return ExportResult(document, docx_path, pdf, issued_id, count_draft_notes(document))


def full_number(number: str | None, document: Document) -> str | None:
    """ "125" → "125/BC-SYT" (the number as the register keeps it)."""
    if not number:
        return None
    return f"{number.strip()}/{document.header.ky_hieu}"


def record_issued(
    session: Session,
    report_type: ReportType,
    spec: PeriodSpec,
    options: ReportOptions,
    document: Document,
    path: Path,
) -> m.IssuedReport:
    period = periods_for(session, spec).dossiers
    return services.create(
        session,
        m.IssuedReport,
        {
            "report_type": report_type,
            "number": full_number(options.number, document),
            "issued_on": options.date or dt.date.today(),
            "period_key": spec.key,
            "period_start": period.start,
            "period_end": period.end,
            "signer_name": document.chu_ky.nguoi_ky or None,
            "file_path": str(path.resolve()),
        },
    )
