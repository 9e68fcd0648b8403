"""Consistency checks (SPEC §5): each finding has a severity, a Vietnamese message and where it is."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import models as m
from .enums import SurveyMode
from .formatting import format_count
from .indicators import (
    INDICATORS,
    DossierClasses,
    IndicatorSet,
    compute_all,
    document_months,
    dossier_classes_by_field,
    dossier_counts_drift,
    dossiers_in_progress_at,
    field_extremes,
    fields_shown,
    survey_of_campaign,
)
from .periods import PeriodSpec


class Severity(enum.Enum):
    ERROR = ("error", "Lỗi")
    WARNING = ("warning", "Cảnh báo")
    INFO = ("info", "Thông tin")

    def __init__(self, key: str, label: str) -> None:
        self.key = key
        self.label = label

    @property
    def is_error(self) -> bool:
        return self is Severity.ERROR


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str
    where: str = ""  # entity name, e.g. "procedure"
    record_ids: tuple[int, ...] = field(default_factory=tuple)


def structural_findings(session: Session) -> list[Finding]:
    """Checks that do not depend on a period."""
    findings: list[Finding] = []
    no_unit = session.scalars(
        select(m.Procedure.id).where((m.Procedure.unit_id.is_(None)) | (m.Procedure.field_id.is_(None)))
    ).all()
    if no_unit:
        findings.append(
            Finding(
                Severity.WARNING,
                f"{format_count(len(no_unit))} thủ tục chưa có đơn vị giải quyết hoặc lĩnh vực.",
                "procedure",
                tuple(no_unit),
            )
        )
    abolished = session.scalars(
        select(m.Dossier.id)
        .join(m.Procedure, m.Dossier.procedure_id == m.Procedure.id)
        .where(m.Procedure.abolished_on.is_not(None), m.Dossier.received_on > m.Procedure.abolished_on)
    ).all()
    if abolished:
        findings.append(
            Finding(
                Severity.WARNING,
                f"{format_count(len(abolished))} hồ sơ được tiếp nhận sau ngày thủ tục của nó bị bãi bỏ.",
                "dossier",
                tuple(abolished),
            )
        )
    findings += _dossier_event_findings(session)
    needs_review = session.scalar(select(func.count()).where(m.Procedure.needs_review.is_(True)))
    if needs_review:
        findings.append(
            Finding(
                Severity.INFO,
                f"{format_count(needs_review)} thủ tục được tạo khi nhập hồ sơ, cần bổ sung thông tin.",
                "procedure",
            )
        )
    return findings


def _dossier_event_findings(session: Session) -> list[Finding]:
    """Dossiers whose due date, extension or outcome is not what their events say (core.dossier_events)."""
    from .dossier_events import out_of_step

    ids = out_of_step(session)
    if not ids:
        return []
    return [Finding(
        Severity.WARNING,
        f"{format_count(len(ids))} hồ sơ có ngày hẹn trả, gia hạn hoặc kết quả không khớp với các sự kiện của hồ "
        "sơ (yêu cầu bổ sung, gia hạn, dừng, trả lại…); hãy mở hồ sơ để kiểm tra.",
        "dossier",
        tuple(ids),
    )]


# --------------------------------------------------------------------------- period checks (SPEC §5)


def consistency_findings(
    session: Session, spec: PeriodSpec, indicators: IndicatorSet | None = None
) -> list[Finding]:
    """Everything the dashboard and the export warn about for ``spec``: the dossier identity, survey
    totals, parts larger than their wholes, a period without data, and the structural checks
    (procedures without unit or field, dossiers of abolished procedures). Pass the ``indicators``
    already computed for ``spec`` to save computing them again."""
    if indicators is None or indicators.spec != spec:
        indicators = compute_all(session, spec)
    findings: list[Finding] = []
    findings += _identity_findings(session, indicators)
    findings += table_findings(printed_tables(session, indicators))
    findings += claim_findings(sentence_claims(indicators))
    findings += _survey_findings(session, indicators)
    findings += _part_findings(indicators)
    findings += _empty_period_findings(session, indicators)
    findings += _objective_findings(indicators)
    findings += structural_findings(session)
    return findings


def _identity_findings(session: Session, ind: IndicatorSet) -> list[Finding]:
    findings: list[Finding] = []
    dossiers, counted_in, closed, counted_out = dossier_counts_drift(session)
    if (dossiers, closed) != (counted_in, counted_out):
        findings.append(
            Finding(
                Severity.ERROR,
                f"Bảng đếm hồ sơ theo ngày lệch với dữ liệu hồ sơ ({format_count(counted_in)} so với "
                f"{format_count(dossiers)} hồ sơ); hãy chạy “cchc-desktop check --repair” để tính lại.",
                "dossier",
            )
        )
    d = ind.dossiers
    period = ind.periods.dossiers
    open_now = dossiers_in_progress_at(session, period, settings=ind.settings)
    if not d.identity_holds or d.in_progress != open_now:
        findings.append(
            Finding(
                Severity.ERROR,
                f"Số liệu hồ sơ {period.label} không khớp: kỳ trước chuyển sang ({format_count(d.carried_over)}) "
                f"+ tiếp nhận ({format_count(d.received)}) phải bằng đã giải quyết ({format_count(d.resolved)}) "
                f"+ đang giải quyết ({format_count(d.in_progress)}; đếm trực tiếp: {format_count(open_now)}).",
                "dossier",
            )
        )
    return findings


# --------------------------------------------------------------------------- printed tables and sentences


@dataclass(frozen=True)
class PrintedTable:
    """A dossier table the app prints: its name and its rows (label, classes), the total row last."""

    name: str
    rows: tuple[tuple[str, DossierClasses], ...]
    total: DossierClasses


@dataclass(frozen=True)
class Claim:
    """A figure a sentence prints and the same figure in the table printed with it."""

    what: str
    sentence: int
    table: int | None  # None: the table has no such row


def printed_tables(session: Session, ind: IndicatorSet) -> list[PrintedTable]:
    """Every dossier table the reports print for ``ind``: Biểu 06a (by field, as the Excel form and the
    report page build it) and the R2 field table (the fields shown, then the total)."""
    period = ind.periods.dossiers
    bieu = dossier_classes_by_field(session, period, settings=ind.settings)
    shown = fields_shown(ind.by_field)
    return [
        PrintedTable(
            "Biểu 06a",
            tuple((r.field_name, r.classes) for r in bieu),
            sum((r.classes for r in bieu), DossierClasses()),
        ),
        PrintedTable(
            "Bảng hồ sơ theo lĩnh vực (báo cáo CCHC)",
            tuple((r.field_name, r.classes) for r in shown),
            ind.dossiers,
        ),
    ]


def table_findings(tables: list[PrintedTable]) -> list[Finding]:
    """Every row and the total row satisfy (3) = (7) + (11) and its splits; the rows add up to the total."""
    findings: list[Finding] = []
    for table in tables:
        for label, classes in (*table.rows, ("Tổng cộng", table.total)):
            for broken in classes.identity_breaks():
                findings.append(
                    Finding(Severity.ERROR, f"{table.name}, dòng “{label}”: {broken}.", "dossier")
                )
        summed = sum((c for _, c in table.rows), DossierClasses())
        if table.rows and summed != table.total:
            findings.append(
                Finding(
                    Severity.ERROR,
                    f"{table.name}: các dòng cộng lại ({format_count(summed.total_handled)} hồ sơ) khác dòng tổng "
                    f"cộng ({format_count(table.total.total_handled)} hồ sơ).",
                    "dossier",
                )
            )
    return findings


def sentence_claims(ind: IndicatorSet) -> list[Claim]:
    """The figures the report sentences print next to a table that prints them too: R2's totals against
    its field table's total row, its most/fewest-fields sentence against the fields' rows, and R1's
    objectives against the indicator they name."""
    d = ind.dossiers
    shown = fields_shown(ind.by_field)
    table_total = sum((r.classes for r in shown), DossierClasses())
    claims = [
        Claim("Tổng số hồ sơ tiếp nhận", d.total_handled, table_total.total_handled),
        Claim("Hồ sơ đã giải quyết", d.resolved, table_total.resolved),
        Claim(
            "Hồ sơ giải quyết trước hạn, đúng hạn",
            d.early + d.on_time,
            table_total.early + table_total.on_time,
        ),
        Claim("Hồ sơ giải quyết quá hạn", d.late, table_total.late),
        Claim("Hồ sơ đang giải quyết", d.in_progress, table_total.in_progress),
    ]
    by_name = {r.field_name: r.classes.total_handled for r in shown}
    extremes = field_extremes(ind.by_field)
    if extremes is not None:
        for name in extremes.most:
            claims.append(
                Claim(f"Lĩnh vực nhiều hồ sơ nhất “{name}”", extremes.most_count, by_name.get(name))
            )
        for name in extremes.fewest:
            claims.append(Claim(f"Lĩnh vực ít hồ sơ nhất “{name}”", extremes.fewest_count, by_name.get(name)))
    for obj in ind.objectives:
        ind_def = INDICATORS.get(obj.indicator)
        if ind_def is not None:
            claims.append(
                Claim(f"Mục tiêu {obj.number} (tử số)", obj.figure.numerator, ind_def.pick(ind).numerator)
            )
            claims.append(
                Claim(
                    f"Mục tiêu {obj.number} (mẫu số)", obj.figure.denominator, ind_def.pick(ind).denominator
                )
            )
    return claims


def claim_findings(claims: list[Claim]) -> list[Finding]:
    return [
        Finding(
            Severity.ERROR,
            f"{c.what}: câu báo cáo ghi {format_count(c.sentence)}, bảng ghi "
            f"{format_count(c.table) if c.table is not None else 'không có dòng này'}.",
            "indicator",
        )
        for c in claims
        if c.sentence != c.table
    ]


def _survey_findings(session: Session, ind: IndicatorSet) -> list[Finding]:
    """Per campaign of the period and criterion: the answers must add up to the number of forms."""
    findings: list[Finding] = []
    for campaign_id in ind.survey.campaign_ids:
        campaign = session.get(m.SurveyCampaign, campaign_id)
        if campaign is None:  # pragma: no cover - just read
            continue
        summary = survey_of_campaign(session, campaign_id)
        for crit in summary.criteria:
            answered = crit.answered
            if answered == summary.forms:
                continue
            totals = campaign.mode == SurveyMode.TOTALS
            if totals and answered == 0:
                continue  # a criterion left empty in the totals is allowed (not asked)
            what = "tổng số phiếu theo các phương án" if totals else "số phiếu trả lời"
            findings.append(
                Finding(
                    Severity.ERROR if totals or answered > summary.forms else Severity.WARNING,
                    f"Khảo sát “{campaign.title}”, tiêu chí “{crit.short_name or crit.name}”: {what} "
                    f"({format_count(answered)}) khác số phiếu ({format_count(summary.forms)}).",
                    "survey_campaign",
                    (campaign_id,),
                )
            )
    return findings


def _part_findings(ind: IndicatorSet) -> list[Finding]:
    """Every rate's numerator must not exceed its denominator (a part larger than its whole)."""
    figures = {
        "Tỷ lệ hồ sơ trực tuyến": ind.online.overall,
        "Tỷ lệ hồ sơ trực tuyến (toàn trình)": ind.online.full,
        "Tỷ lệ hồ sơ trực tuyến (một phần)": ind.online.partial,
        "Tỷ lệ nhiệm vụ đúng hạn": ind.tasks.figure,
        "Tỷ lệ hài lòng": ind.survey.satisfaction,
        "Tỷ lệ văn bản đi điện tử": ind.documents.figure,
        "Tỷ lệ văn bản đến xử lý điện tử": ind.documents.incoming_figure,
    }
    findings = [
        Finding(
            Severity.ERROR,
            f"{name}: phần ({format_count(fig.numerator)}) lớn hơn tổng ({format_count(fig.denominator)}).",
            "indicator",
        )
        for name, fig in figures.items()
        if fig.numerator > fig.denominator
    ]
    doc = ind.documents
    if doc.secret > doc.outgoing:
        findings.append(
            Finding(
                Severity.ERROR,
                f"Số văn bản mật ({format_count(doc.secret)}) lớn hơn số văn bản đi ({format_count(doc.outgoing)}).",
                "document_count",
            )
        )
    return findings


def _empty_period_findings(session: Session, ind: IndicatorSet) -> list[Finding]:
    findings: list[Finding] = []
    p = ind.periods
    d = ind.dossiers
    if d.received == 0 and d.carried_over == 0:
        findings.append(
            Finding(
                Severity.WARNING,
                f"Chưa có hồ sơ nào trong kỳ {p.dossiers.label} ({p.dossiers.dates_text}).",
                "dossier",
            )
        )
    if ind.tasks.total == 0:
        findings.append(Finding(Severity.INFO, f"Chưa có nhiệm vụ nào trong kỳ {p.tasks.label}.", "task"))
    if not ind.survey.campaigns:
        findings.append(
            Finding(Severity.INFO, f"Chưa có đợt khảo sát nào trong kỳ {p.surveys.label}.", "survey_campaign")
        )
    wanted = document_months(p.documents)
    missing = [f"{mo}/{y}" for y, mo in wanted if (y, mo) not in set(ind.documents.months)]
    if wanted and len(missing) == len(wanted):
        findings.append(
            Finding(
                Severity.WARNING,
                f"Chưa nhập số liệu văn bản nào trong kỳ {p.documents.label}.",
                "document_count",
            )
        )
    elif missing:
        findings.append(
            Finding(
                Severity.WARNING,
                f"Chưa nhập số liệu văn bản các tháng: {', '.join(missing)}.",
                "document_count",
            )
        )
    year = ind.spec.year
    if session.scalar(select(func.count()).where(m.ObjectiveYear.year == year)) == 0:
        findings.append(
            Finding(Severity.WARNING, f"Chưa khai báo mục tiêu chất lượng năm {year}.", "objective_year")
        )
    return findings


def _objective_findings(ind: IndicatorSet) -> list[Finding]:
    return [
        Finding(
            Severity.ERROR,
            f"Mục tiêu {obj.number}: chỉ số “{obj.indicator}” không có trong danh mục chỉ số.",
            "quality_objective",
        )
        for obj in ind.objectives
        if obj.indicator not in INDICATORS
    ]
