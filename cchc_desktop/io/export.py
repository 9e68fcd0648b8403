"""Export to .xlsx: every data table, Biểu 06a (SPEC §6.3), and the rejected rows of an import.

Cells are typed (dates as dates, counts as numbers); the header is styled, the columns sized, the
header frozen and filtered; data tables stream through XlsxWriter's constant-memory mode (Biểu 06a
and its styles through openpyxl). A text that begins with ``=``, ``+``, ``-`` or ``@`` is written as
text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..core import models as m
from ..core import services
from ..core.db import Database
from ..core.enums import DossierEventKind
from ..core.errors import CchcError
from ..core.files import atomic_path
from ..core.formatting import format_date_text
from ..core.indicators import DossierClasses, document_months, dossier_classes_by_field
from ..core.indicators.dossiers import dossier_handled_in
from ..core.indicators.tasks import task_handled_in
from ..core.labels import field_label, in_sentence
from ..core.periods import FamilyPeriods, PeriodSpec, periods_for
from .mapping import MAX_CRITERIA

AnySelect = Select[*tuple[Any, ...]]  # a SELECT of any columns

ProgressFn = Callable[[int, int, str], Any]
FORMULA_STARTS = ("=", "+", "-", "@")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(name="Times New Roman", bold=True)
BODY_FONT = Font(name="Times New Roman")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTH_SAMPLE = 200
CHUNK = 5_000


def excel_value(value: Any) -> Any:
    """A Python value as an Excel cell value: enums by label, booleans as Có/Không, text as NFC."""
    if isinstance(value, enum.Enum):
        return getattr(value, "label", value.value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, str):
        return services.nfc(value)
    return value


def _width(value: Any) -> int:
    value = excel_value(value)
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 11
    return min(len(str(value)), 60)


def write_table(
    path: Path | str,
    sheet_title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    total: int = 0,
    progress: ProgressFn | None = None,
) -> int:
    """Write one table with XlsxWriter in constant-memory mode (each row goes to disk as it is written),
    atomically (a temporary file renamed at the end). Each cell is written by its type: text always
    as text (``=``, ``+``, ``-``, ``@`` included: never a formula), numbers as numbers, dates and times
    with their format; the header styled, frozen and filtered, the columns sized from the first rows."""
    import xlsxwriter  # type: ignore[import-untyped]

    path = Path(path)
    iterator = iter(rows)
    sample: list[Sequence[Any]] = []
    for row in iterator:
        sample.append(row)
        if len(sample) >= WIDTH_SAMPLE:
            break
    count = 0
    with atomic_path(path) as tmp:  # a kill or a full disk never leaves a half .xlsx under the final name
        options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                   "strings_to_urls": False, "default_date_format": DATE_FORMAT}
        wb = xlsxwriter.Workbook(str(tmp), options)
        try:
            ws = wb.add_worksheet(_sheet_name(sheet_title))
            head = wb.add_format({"bold": True, "font_name": "Times New Roman", "bg_color": "#DDEBF7",
                                  "border": 1, "text_wrap": True, "valign": "vcenter", "align": "center"})
            for col, name in enumerate(headers):
                longest = max([len(name) // 2 + 2, *(_width(r[col]) for r in sample if col < len(r))])
                ws.set_column(col, col, max(8, min(longest + 2, 62)))
            ws.freeze_panes(1, 0)
            for col, name in enumerate(headers):
                ws.write_string(0, col, str(name), head)
            write = _CellWriter(wb, ws)
            write_row = write.row
            for row in itertools.chain(sample, iterator):
                count += 1
                write_row(count, row)
                if progress is not None and count % CHUNK == 0 and progress(
                        count, max(total, count), "Đang xuất Excel") is False:
                    raise CchcError("Đã hủy xuất Excel.")
            ws.autofilter(0, 0, count, max(len(headers), 1) - 1)
        finally:
            try:
                wb.close()  # also on a cancel: the half file stays a temporary one and is removed
            except xlsxwriter.exceptions.FileCreateError as exc:  # a full disk: the OSError inside
                cause = exc.__cause__ or exc.__context__
                raise (cause if isinstance(cause, OSError) else OSError(28, str(exc))) from exc
    return count


def _sheet_name(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    name = "".join("-" if ch in "[]:*?/\\" else ch for ch in title).strip("'")[:31]
    return name or "Bảng"


class _CellWriter:
    """Writes a row cell by cell through one method per type (what ``worksheet.write`` would find out
    with a chain of checks for each cell)."""

    def __init__(self, wb: Any, ws: Any) -> None:
        date = wb.add_format({"num_format": DATE_FORMAT})
        stamp = wb.add_format({"num_format": DATETIME_FORMAT})
        clock = wb.add_format({"num_format": "HH:MM"})
        string, number, when = ws.write_string, ws.write_number, ws.write_datetime
        nfc = services.nfc

        def text(r: int, c: int, v: str) -> None:
            string(r, c, v if v.isascii() else nfc(v))

        def enum_label(r: int, c: int, v: enum.Enum) -> None:
            text(r, c, str(getattr(v, "label", v.value)))

        self.by_type: dict[type, Callable[[int, int, Any], Any]] = {
            str: text,
            int: number,
            float: number,
            Decimal: lambda r, c, v: number(r, c, float(v)),
            bool: lambda r, c, v: string(r, c, "Có" if v else "Không"),
            dt.date: lambda r, c, v: when(r, c, v, date),
            dt.datetime: lambda r, c, v: when(r, c, v, stamp),
            dt.time: lambda r, c, v: when(r, c, v, clock),
        }
        self.fallback = (text, enum_label)

    def cell(self, r: int, c: int, value: Any) -> None:
        kind = type(value)
        handler = self.by_type.get(kind)
        if handler is None:
            if isinstance(value, enum.Enum):
                handler = self.by_type[kind] = self.fallback[1]
            else:
                self.fallback[0](r, c, str(value))
                return
        handler(r, c, value)

    def row(self, r: int, values: Sequence[Any]) -> None:
        by_type = self.by_type
        for c, value in enumerate(values):
            if value is None:
                continue
            handler = by_type.get(type(value))
            if handler is None:
                self.cell(r, c, value)
            else:
                handler(r, c, value)


def _save(wb: Workbook, path: Path) -> None:
    with atomic_path(path) as tmp:  # a kill or a full disk never leaves a half .xlsx under the final name
        wb.save(tmp)


# --------------------------------------------------------------------------- data tables


@dataclass(frozen=True)
class TableSpec:
    model: type[m.Base]
    title: str
    query: Callable[[], tuple[list[str], AnySelect]]


def _plain_columns(model: type[m.Base], skip: Sequence[str] = ()) -> list[Any]:
    return [c for c in model.__table__.columns if c.key not in services.SYSTEM_COLUMNS and c.key not in skip]  # type: ignore[attr-defined]


def _model_query(model: type[m.Base], fks: dict[str, tuple[str, Any]]) -> tuple[list[str], AnySelect]:
    """Every column, foreign keys replaced by the referenced record's name or code."""
    headers: list[str] = []
    cols: list[Any] = []
    joins: list[tuple[Any, Any]] = []
    table = model.__table__  # type: ignore[attr-defined]
    for col in _plain_columns(model):
        if col.key in fks:
            label, target = fks[col.key]
            alias = aliased(target[0])
            joins.append((alias, getattr(alias, "id") == col))  # noqa: B009
            headers.append(label)
            cols.append(getattr(alias, target[1]).label(col.key))
        else:
            headers.append(field_label(model, col.key))
            cols.append(col)
    stmt = select(*cols).select_from(table)
    for alias, cond in joins:
        stmt = stmt.outerjoin(alias, cond)
    return headers, stmt.order_by(table.c.id)


def _dossiers() -> tuple[list[str], AnySelect]:
    headers, stmt = _model_query(
        m.Dossier,
        {
            "procedure_id": ("Mã TTHC", (m.Procedure, "code")),
            "unit_id": ("Đơn vị", (m.Unit, "name")),
            "field_id": ("Lĩnh vực", (m.Field, "name")),
        },
    )
    return _with_event_columns(headers, stmt)


# The dossier events as columns named as the import reads them (io.event_columns): the extension, the stop,
# the last request and receipt of supplements. An export imported again brings the same events back.
_EVENT_COLUMNS: tuple[tuple[str, DossierEventKind, str, Any], ...] = (
    ("Ngày gia hạn", DossierEventKind.EXTENDED, "occurred_on", func.max),
    ("Ngày thư xin lỗi", DossierEventKind.EXTENDED, "document_date", func.max),
    ("Ngày yêu cầu bổ sung", DossierEventKind.SUPPLEMENT_REQUESTED, "occurred_on", func.max),
    ("Ngày nhận bổ sung", DossierEventKind.SUPPLEMENT_RECEIVED, "occurred_on", func.max),
    ("Ngày dừng", DossierEventKind.STOPPED, "occurred_on", func.max),
    ("Số thông báo dừng", DossierEventKind.STOPPED, "document_number", func.max),
)


def _with_event_columns(headers: list[str], stmt: AnySelect) -> tuple[list[str], AnySelect]:
    e = m.DossierEvent
    cols = [
        agg(case((e.kind == kind, getattr(e, attr)))).label(f"ev_{i}")
        for i, (_, kind, attr, agg) in enumerate(_EVENT_COLUMNS)
    ]
    events = select(e.dossier_id, *cols).group_by(e.dossier_id).subquery("ev")
    stmt = stmt.outerjoin(events, events.c.dossier_id == m.Dossier.id).add_columns(
        *(events.c[f"ev_{i}"] for i in range(len(_EVENT_COLUMNS))))
    return [*headers, *(name for name, *_ in _EVENT_COLUMNS)], stmt


def _procedures() -> tuple[list[str], AnySelect]:
    return _model_query(
        m.Procedure, {"field_id": ("Lĩnh vực", (m.Field, "name")), "unit_id": ("Đơn vị", (m.Unit, "name"))}
    )


def _decisions() -> tuple[list[str], AnySelect]:
    headers, stmt = _model_query(m.AnnouncementDecision, {})
    codes = (
        select(func.aggregate_strings(m.Procedure.code, ", "))  # group_concat / string_agg
        .join(m.AnnouncementItem, m.AnnouncementItem.procedure_id == m.Procedure.id)
        .where(m.AnnouncementItem.decision_id == m.AnnouncementDecision.id)
        .scalar_subquery()
    )
    return [*headers, "Mã TTHC"], stmt.add_columns(codes)


def _tasks() -> tuple[list[str], AnySelect]:
    return _model_query(m.Task, {"lead_unit_id": ("Đơn vị chủ trì", (m.Unit, "name"))})


def _documents() -> tuple[list[str], AnySelect]:
    headers, stmt = _model_query(m.DocumentCount, {})
    return headers, stmt.order_by(None).order_by(m.DocumentCount.year, m.DocumentCount.month)


def _survey_forms(criteria: int = MAX_CRITERIA) -> tuple[list[str], AnySelect]:
    """One row per form, as the import reads it back: campaign, number, group, date, then the chosen
    option of criterion 1, 2, … ``criteria`` (columns "Tiêu chí n")."""
    f = m.SurveyForm
    stmt = (
        select(m.SurveyCampaign.title, f.number, m.RespondentGroup.name, f.filled_on)
        .join(m.SurveyCampaign, m.SurveyCampaign.id == f.campaign_id)
        .outerjoin(m.RespondentGroup, m.RespondentGroup.id == f.group_id)
        .order_by(f.campaign_id, f.number)
    )
    headers = ["Đợt khảo sát", "Số phiếu", "Nhóm đối tượng", "Ngày khảo sát"]
    for n in range(1, min(criteria, MAX_CRITERIA) + 1):
        chosen = (
            select(m.CriterionOption.label)
            .join(m.SurveyAnswer, m.SurveyAnswer.option_id == m.CriterionOption.id)
            .join(m.Criterion, m.Criterion.id == m.SurveyAnswer.criterion_id)
            .where(m.SurveyAnswer.form_id == f.id, m.Criterion.sort_order == n)
            .scalar_subquery()
        )
        stmt = stmt.add_columns(chosen)
        headers.append(f"Tiêu chí {n}")
    return headers, stmt


def _survey_totals() -> tuple[list[str], AnySelect]:
    c, o, k = m.SurveyOptionCount, m.CriterionOption, m.Criterion
    stmt = (
        select(m.SurveyCampaign.title, k.name, o.label, c.count)
        .join(m.SurveyCampaign, m.SurveyCampaign.id == c.campaign_id)
        .join(o, o.id == c.option_id)
        .join(k, k.id == o.criterion_id)
        .order_by(m.SurveyCampaign.id, k.sort_order, o.rank)
    )
    return ["Đợt khảo sát", "Tiêu chí", "Phương án", "Số phiếu"], stmt


TABLES: dict[str, TableSpec] = {
    "dossiers": TableSpec(m.Dossier, "Hồ sơ", _dossiers),
    "procedures": TableSpec(m.Procedure, "Thủ tục hành chính", _procedures),
    "decisions": TableSpec(m.AnnouncementDecision, "Quyết định công bố", _decisions),
    "tasks": TableSpec(m.Task, "Nhiệm vụ", _tasks),
    "documents": TableSpec(m.DocumentCount, "Văn bản", _documents),
    "survey_forms": TableSpec(m.SurveyForm, "Phiếu khảo sát", _survey_forms),
    "survey_totals": TableSpec(m.SurveyOptionCount, "Tổng hợp khảo sát", _survey_totals),
}
EXPORT_KINDS = (*TABLES, "bieu06a")


def _in_period(kind: str, fp: FamilyPeriods) -> Any:
    """The rows of ``kind`` that belong to a period (``export --period``), by the period's convention
    for the data family: dossiers and tasks handled in it (the ones Biểu 06a and the task indicator
    count: received or assigned by its end and not closed before its start), decisions announced in
    it, the months of document counts it covers, the survey campaigns held in it."""
    if kind == "dossiers":
        return dossier_handled_in(fp.dossiers.start, fp.dossiers.end)
    if kind == "tasks":
        return task_handled_in(fp.tasks.start, fp.tasks.end)
    if kind == "decisions":
        return m.AnnouncementDecision.ubnd_date.between(fp.dossiers.start, fp.dossiers.end)
    if kind == "documents":
        dc = m.DocumentCount
        return (dc.year * 12 + dc.month).in_([y * 12 + mo for y, mo in document_months(fp.documents)] or [-1])
    if kind in ("survey_forms", "survey_totals"):
        c, p = m.SurveyCampaign, fp.surveys
        held = or_(c.held_on.between(p.start, p.end), and_(c.held_on.is_(None), c.year == p.spec.year))
        model = m.SurveyForm if kind == "survey_forms" else m.SurveyOptionCount
        return model.campaign_id.in_(select(c.id).where(held))
    raise CchcError(f"Bảng {in_sentence(TABLES[kind].title)} không chia theo kỳ; hãy xuất không kèm kỳ báo cáo.")


def export_table(session: Session, kind: str, path: Path | str, *, progress: ProgressFn | None = None,
                 period: PeriodSpec | None = None) -> int:
    """Write the ``kind`` table to ``path`` (only the rows of ``period`` when given, see ``_in_period``);
    returns the number of rows."""
    if kind not in TABLES:
        raise CchcError(f"Không xuất được “{kind}”; chọn một trong: {', '.join(EXPORT_KINDS)}.")
    spec = TABLES[kind]
    headers, stmt = spec.query()
    if kind == "survey_forms":  # as many answer columns as the longest questionnaire has criteria
        headers, stmt = _survey_forms(session.scalar(select(func.max(m.Criterion.sort_order))) or 0)
    if period is not None:
        wanted = _in_period(kind, periods_for(session, period))
        stmt = stmt.where(wanted)
        total = session.scalar(select(func.count()).select_from(spec.model).where(wanted)) or 0
    else:
        total = session.scalar(select(func.count()).select_from(spec.model)) or 0
    rows = session.execute(stmt.execution_options(yield_per=CHUNK))
    return write_table(path, spec.title, headers, (tuple(r) for r in rows), total=total, progress=progress)


def export_kind(
    db: Database, kind: str, path: Path | str, *, spec: PeriodSpec | str | None = None,
    progress: ProgressFn | None = None, only_period: bool = False,
) -> Path:
    """The GUI and CLI entry point: a data table (only the rows of ``spec`` with ``only_period``, else
    the whole table), or Biểu 06a for ``spec``."""
    path = Path(path)
    if isinstance(spec, str):
        spec = PeriodSpec.parse(spec)
    with db.session() as session:
        if kind == "bieu06a":
            if spec is None:
                raise CchcError("Vui lòng chọn kỳ báo cáo cho Biểu 06a.")
            export_bieu06a(session, spec, path)
        else:
            export_table(session, kind, path, progress=progress, period=spec if only_period else None)
    return path


# --------------------------------------------------------------------------- rejects


def save_rejects(result: Any, path: Path | str) -> int:
    """The rejected rows of an import as .xlsx: row number, column, reason, then the row as read."""
    header = result.header
    names = list(header.names) if header is not None else []
    width = max([len(names), *(len(r.values) for r in result.rejects)]) if result.rejects else len(names)
    names += [""] * (width - len(names))
    headers = ["Dòng", "Cột", "Lý do", *[n or f"Cột {i + 1}" for i, n in enumerate(names)]]
    in_order = sorted(result.rejects, key=lambda r: r.row)  # as the file reads (checks find them out of order)
    rows = ([r.row, r.column, r.reason, *r.values, *[None] * (width - len(r.values))] for r in in_order)
    return write_table(path, "Dòng bị từ chối", headers, rows)


# --------------------------------------------------------------------------- Biểu 06a

BIEU_TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
BIEU_NUMBER = "Biểu số 06a/VPCP/KSTT"
TOTAL_LABEL = "Tổng cộng"


BLANK = "\u00a0" * 5


def reporting_unit(prof: m.OrganisationProfile | None) -> str:
    """ "Sở Y tế tỉnh Khánh Hòa": the agency with its province, from "UBND TỈNH KHÁNH HÒA"."""
    if prof is None:
        return ""
    agency = prof.agency_short or prof.agency
    parent = (prof.parent_agency or "").strip()
    for prefix in ("UBND ", "ỦY BAN NHÂN DÂN ", "UỶ BAN NHÂN DÂN "):
        if parent.upper().startswith(prefix):
            words = parent[len(prefix):].split()
            kind = 2 if [w.upper() for w in words[:2]] == ["THÀNH", "PHỐ"] else 1
            place = " ".join(w.capitalize() for w in words[kind:])
            return f"{agency} {' '.join(words[:kind]).lower()} {place}".strip()
    return f"{agency} tỉnh {prof.place}" if prof.place else agency


def _signer_name(session: Session, prof: m.OrganisationProfile | None) -> str:
    default = session.scalar(select(m.Signer.name).where(m.Signer.is_default.is_(True), m.Signer.active.is_(True)))
    return default or (prof.signer_name if prof else "") or ""


def export_bieu06a(session: Session, spec: PeriodSpec, path: Path | str, *, date: dt.date | None = None) -> Path:
    """Biểu 06a by field for the dossier period of ``spec`` (SPEC §6.3), with the printed form's place
    and date line and its two signatures (người lập biểu, thủ trưởng đơn vị); ``date`` left out leaves
    the day and month blank for the signer."""
    path = Path(path)
    period = periods_for(session, spec).dossiers
    rows = dossier_classes_by_field(session, period)
    prof = services.profile(session)
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 06a"
    bold = Font(name="Times New Roman", bold=True, size=12)
    normal = Font(name="Times New Roman", size=12)
    italic = Font(name="Times New Roman", italic=True, size=12)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def put(ref: str, value: Any, font: Font = normal, align: Alignment = center, merge: str | None = None) -> None:
        ws[ref] = value
        ws[ref].font = font
        ws[ref].alignment = align
        if merge:
            ws.merge_cells(merge)

    put("A1", BIEU_NUMBER, bold, Alignment(horizontal="left"), "A1:E1")
    put("I1", f"Đơn vị báo cáo: {reporting_unit(prof)}", normal, Alignment(horizontal="left"), "I1:M1")
    receiver = (prof.report_receiver if prof else None) or ""
    put("I2", f"Đơn vị nhận báo cáo: {receiver}", normal, Alignment(horizontal="left"), "I2:M2")
    put("A4", BIEU_TITLE, Font(name="Times New Roman", bold=True, size=14), center, "A4:M4")
    start, end = period.start.strftime("%d/%m/%Y"), period.end.strftime("%d/%m/%Y")
    put("A5", f"Kỳ báo cáo: {period.label} (Từ ngày {start} đến ngày {end})", italic, center, "A5:M5")
    put("A6", "Đơn vị tính: Số hồ sơ TTHC", italic, Alignment(horizontal="right"), "A6:M6")
    top = 8
    heads = [
        ("A", "A", 0, 2, "STT"),
        ("B", "B", 0, 2, "Lĩnh vực, công việc giải quyết theo cấp"),
        ("C", "F", 0, 0, "Số hồ sơ nhận giải quyết"),
        ("C", "C", 1, 2, "Tổng số"),
        ("D", "E", 1, 1, "Trong kỳ"),
        ("D", "D", 2, 2, "Trực tuyến"),
        ("E", "E", 2, 2, "Trực tiếp, dịch vụ bưu chính"),
        ("F", "F", 1, 2, "Từ kỳ trước"),
        ("G", "J", 0, 0, "Số hồ sơ đã giải quyết"),
        ("G", "G", 1, 2, "Tổng số"),
        ("H", "H", 1, 2, "Trước hạn"),
        ("I", "I", 1, 2, "Đúng hạn"),
        ("J", "J", 1, 2, "Quá hạn"),
        ("K", "M", 0, 0, "Số hồ sơ đang giải quyết"),
        ("K", "K", 1, 2, "Tổng số"),
        ("L", "L", 1, 2, "Trong hạn"),
        ("M", "M", 1, 2, "Quá hạn"),
    ]
    for c0, c1, r0, r1, label in heads:
        ref = f"{c0}{top + r0}"
        ws[ref] = label
        if (c0, r0) != (c1, r1):
            ws.merge_cells(f"{ref}:{c1}{top + r1}")
    numbers = top + 3
    for col in range(1, 14):
        ws.cell(numbers, col, f"({col})")
    first = numbers + 1
    total = DossierClasses()
    for i, row in enumerate(rows, 1):
        r = first + i - 1
        ws.cell(r, 1, i)
        name = ws.cell(r, 2, excel_value(row.field_name))
        if isinstance(name.value, str) and name.value.startswith(FORMULA_STARTS):
            name.data_type = "s"  # a field typed as "=…" is text, never a formula
        for j, value in enumerate(row.classes.bieu06a_columns(), 3):
            ws.cell(r, j, value)
        total = total + row.classes
    total_row = first + len(rows)
    ws.cell(total_row, 1, "")
    ws.cell(total_row, 2, TOTAL_LABEL)
    for j, value in enumerate(total.bieu06a_columns(), 3):
        ws.cell(total_row, j, value)
    for r in range(top, total_row + 1):
        for col in range(1, 14):
            cell = ws.cell(r, col)
            cell.border = BORDER
            is_head = r <= numbers
            cell.font = bold if is_head or r == total_row else normal
            if is_head:
                cell.alignment = center
                if r < numbers:
                    cell.fill = HEADER_FILL
            elif col == 2:
                cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
            else:
                cell.alignment = Alignment(horizontal="center" if col == 1 else "right", vertical="center")
                if col > 2:
                    cell.number_format = "#,##0"
    # place and date, then the two signatures of the printed form (columns A and I only: B stays empty)
    foot = total_row + 2
    place = (prof.place if prof and prof.place else "") or "………"
    when = format_date_text(date) if date else f"ngày{BLANK}tháng{BLANK}năm {max(period.end.year, dt.date.today().year)}"
    put(f"I{foot}", f"{place}, {when}", italic, center, f"I{foot}:M{foot}")
    put(f"A{foot + 1}", "NGƯỜI LẬP BIỂU", bold, center, f"A{foot + 1}:E{foot + 1}")
    put(f"I{foot + 1}", "THỦ TRƯỞNG ĐƠN VỊ", bold, center, f"I{foot + 1}:M{foot + 1}")
    put(f"A{foot + 2}", "(Ký, ghi rõ họ tên)", italic, center, f"A{foot + 2}:E{foot + 2}")
    put(f"I{foot + 2}", "(Ký tên, đóng dấu)", italic, center, f"I{foot + 2}:M{foot + 2}")
    name = _signer_name(session, prof)
    if name:
        put(f"I{foot + 7}", name, bold, center, f"I{foot + 7}:M{foot + 7}")
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 34
    for letter in "CDEFGHIJKLM":
        ws.column_dimensions[letter].width = 11
    ws.row_dimensions[top + 2].height = 45
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{top}:{numbers}"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_options.horizontalCentered = True
    ws.freeze_panes = f"C{first}"
    _save(wb, path)
    return path
