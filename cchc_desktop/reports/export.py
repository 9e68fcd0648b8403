"""Build a report and write it out (.docx, optionally PDF): a draft (an empty section or a failed
check) is marked "DỰ THẢO", gets a draft file name and is never recorded; an issued report (number and
date, nothing missing) is recorded in the register with its files, so reprinting reproduces it.

Used by the ``report`` command and the report page; both files are written to temporary files
first and moved into place together, so a failure leaves neither a partial file nor a half export.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import models as m
from ..core import services
from ..core.checks import consistency_findings
from ..core.enums import ReportType
from ..core.formatting import format_date_prose as format_date
from ..core.labels import in_sentence
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
    issued_id: int | None  # set only when the report was issued (a number, a date, nothing missing)
    draft_notes: int  # highlighted notes still in the draft
    draft_reasons: tuple[str, ...] = ()

    @property
    def is_draft(self) -> bool:
        return self.document.draft


DRAFT_SUFFIX = "-du-thao"


class NotIssuable(OutputError):
    """Issuing was asked for a report that is still a draft (or has no number or date)."""


def build_report(
    session: Session, report_type: ReportType, spec: PeriodSpec, options: ReportOptions | None = None
) -> Document:
    """The report as it would print now: marked "DỰ THẢO" while a section is empty or a check fails."""
    try:
        builder = BUILDERS[report_type]
    except KeyError:
        raise OutputError(f"Loại báo cáo “{report_type.label}” không xuất ra Word.") from None
    document = builder(session, spec, options)
    return replace(document, draft=bool(draft_reasons(session, spec, document)))


def count_draft_notes(document: Document) -> int:
    return sum(
        1
        for block in document.noi_dung
        if isinstance(block, Paragraph) and any(isinstance(p, Run) and p.draft_note for p in block.content)
    )


def draft_reasons(session: Session, spec: PeriodSpec, document: Document) -> list[str]:
    """Why a report is still a draft: its empty sections and the failed consistency checks."""
    reasons = []
    notes = count_draft_notes(document)
    if notes:
        reasons.append(f"còn {notes} mục chưa có nội dung (tô vàng)")
    failed = [f for f in consistency_findings(session, spec) if f.severity.is_error]
    reasons.extend(f.message.rstrip(".") for f in failed)
    return reasons


def draft_path(path: Path) -> Path:
    """ "Bao-cao-CCHC-2024-H1.docx" → "Bao-cao-CCHC-2024-H1-du-thao.docx" (a draft never looks issued)."""
    if path.stem.lower().endswith(DRAFT_SUFFIX):
        return path
    return path.with_name(f"{path.stem}{DRAFT_SUFFIX}{path.suffix}")


def export_report(
    session: Session,
    report_type: ReportType,
    spec: PeriodSpec,
    docx_path: Path | str,
    pdf_path: Path | str | None = None,
    options: ReportOptions | None = None,
    *,
    issue: bool = False,
) -> ExportResult:
    """Build and write the .docx (and the PDF). A draft gets the draft file name and is never
    recorded; ``issue`` (a number and a date given, nothing empty, no failed check) records the issued
    files in the register, so a reprint reproduces them."""
    options = options or ReportOptions()
    docx_path = Path(docx_path)
    pdf = Path(pdf_path) if pdf_path is not None else None
    if docx_path.suffix.lower() != ".docx":
        raise OutputError(f"Tệp Word “{docx_path.name}” phải có đuôi .docx.")
    if pdf is not None and pdf.suffix.lower() != ".pdf":
        raise OutputError(f"Tệp PDF “{pdf.name}” phải có đuôi .pdf.")
    if pdf is not None and pdf.resolve() == docx_path.resolve():
        raise OutputError("Tệp PDF và tệp Word phải khác nhau.")
    if issue and (not options.number or options.date is None):
        raise NotIssuable("Để ban hành báo cáo, hãy nhập số văn bản và ngày ban hành.")
    document = build_report(session, report_type, spec, options)
    reasons = tuple(draft_reasons(session, spec, document)) if document.draft else ()
    if issue and reasons:
        raise NotIssuable(f"Chưa ban hành được vì báo cáo còn là dự thảo: {'; '.join(reasons)}.")
    if issue:
        _refuse_duplicate_number(session, report_type, options, document)
    if document.draft:
        docx_path = draft_path(docx_path)
        pdf = draft_path(pdf) if pdf is not None else None
    for path in (docx_path, pdf):
        if path is not None:
            check_writable(path)
    word = build_docx(document)
    jobs: list[tuple[Path, Callable[[Path], None]]] = [(docx_path, lambda tmp: word.save(str(tmp)))]
    if pdf is not None:
        from .qt_writer import ensure_application, paint_pdf  # Qt only when a PDF is wanted

        ensure_application()
        jobs.append((pdf, lambda tmp: paint_pdf(document, tmp)))
    write_all_atomically(jobs)
    issued_id = None
    if issue:
        issued_id = record_issued(session, report_type, spec, options, document, docx_path, pdf).id
    return ExportResult(document, docx_path, pdf, issued_id, count_draft_notes(document), reasons)


def _refuse_duplicate_number(
    session: Session, report_type: ReportType, options: ReportOptions, document: Document
) -> None:
    number = full_number(options.number, document)
    year = options.date.year if options.date else dt.date.today().year
    taken = session.scalar(
        select(m.IssuedReport).where(
            m.IssuedReport.number == number,
            m.IssuedReport.issued_on >= dt.date(year, 1, 1),
            m.IssuedReport.issued_on <= dt.date(year, 12, 31),
        )
    )
    if taken is not None:
        raise NotIssuable(
            f"Số {number} đã được dùng cho báo cáo ban hành ngày {format_date(taken.issued_on)}; "
            "hãy lấy số khác (số văn bản đánh liên tục trong năm)."
        )


def full_number(number: str | None, document: Document) -> str | None:
    """ "125" → "125/BC-SYT" (the number as the register keeps it)."""
    if not number:
        return None
    number = number.strip()
    if number.isdigit() and len(number) == 1:
        number = f"0{number}"
    return f"{number}/{document.header.ky_hieu}"


def record_issued(
    session: Session,
    report_type: ReportType,
    spec: PeriodSpec,
    options: ReportOptions,
    document: Document,
    path: Path,
    pdf: Path | None = None,
) -> m.IssuedReport:
    """The register row of an issued report, with the issued files themselves."""
    period = periods_for(session, spec).dossiers
    content = path.read_bytes()
    sig = document.chu_ky
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
            "signer_name": sig.nguoi_ky or None,
            "signer_authority": sig.quyen_han or None,
            "signer_title": sig.chuc_vu or None,
            "file_path": str(path.resolve()),
            "docx_content": content,
            "pdf_content": pdf.read_bytes() if pdf is not None else None,
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )


def reprint_issued(
    session: Session, report_type: ReportType, spec: PeriodSpec, docx_path: Path | str, pdf_path: Path | str | None = None
) -> m.IssuedReport:
    """Write the last issued report of ``spec`` again, byte for byte as it was issued."""
    issued = session.scalar(
        select(m.IssuedReport)
        .where(m.IssuedReport.report_type == report_type, m.IssuedReport.period_key == spec.key,
               m.IssuedReport.docx_content.is_not(None))
        .order_by(m.IssuedReport.issued_on.desc(), m.IssuedReport.id.desc())
    )  # fmt: skip
    if issued is None or issued.docx_content is None:
        raise OutputError(f"Chưa có báo cáo {in_sentence(report_type.label)} {spec.label} nào được ban hành để in lại.")
    docx_bytes = issued.docx_content
    def writer(data: bytes) -> Callable[[Path], None]:
        def write(tmp: Path) -> None:
            tmp.write_bytes(data)

        return write

    jobs: list[tuple[Path, Callable[[Path], None]]] = [(Path(docx_path), writer(docx_bytes))]
    if pdf_path is not None:
        if issued.pdf_content is None:
            raise OutputError("Báo cáo này được ban hành không kèm bản PDF; hãy in lại bản Word.")
        pdf_bytes = issued.pdf_content
        jobs.append((Path(pdf_path), writer(pdf_bytes)))
    write_all_atomically(jobs)
    return issued
