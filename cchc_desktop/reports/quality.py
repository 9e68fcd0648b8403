"""R1 — the yearly report on the quality objectives (SPEC §6.1), structured like the reference report:
the legal basis (establishing decision and plan, number of objectives), one numbered section per
objective with the computed facts as sentences and bullets and a sentence saying whether the target
was met, footnotes for the data period and the survey sample, and the closing sentence.

Every figure comes from ``core.indicators`` (one ``IndicatorSet``); this module only words them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import models as m
from ..core.enums import OnlineDenominator, ReportType
from ..core.formatting import format_date_prose as format_date
from ..core.indicators import (
    INDICATORS,
    CriterionResult,
    DecisionRow,
    Figure,
    IndicatorSet,
    ObjectiveResult,
    compute_all,
    rule_footnote,
)
from ..core.periods import PeriodSpec
from ..core.sections import QUALITY_SECTIONS
from ..core.sections import SectionDef as _Section
from .common import (
    Organisation,
    ReportOptions,
    big_count,
    conclusion,
    count_text,
    counted,
    join_vi,
    lower_first,
    pct,
    unit_names,
)
from .document import (
    TEN_LOAI_BAO_CAO,
    Block,
    BulletList,
    Document,
    FootnoteRef,
    Heading,
    Inline,
    Paragraph,
    Run,
    runs,
)
from .texts import (
    draft_note,
    fill_placeholders,
    load_texts,
    placeholder_values,
    section_blocks,
)


@dataclass
class _Context:
    ind: IndicatorSet
    org: Organisation
    units: list[str]
    texts: dict[str, str]
    values: dict[str, str]
    quality_documents: list[m.QualityDocument]
    publication_url: str | None
    dossier_note_done: bool = False

    @property
    def label(self) -> str:
        return self.ind.spec.label

    @property
    def agency(self) -> str:
        return self.org.agency_short


def build_quality_report(session: Session, spec: PeriodSpec, options: ReportOptions | None = None) -> Document:
    """R1 for ``spec`` (normally a year) from the records, the profile and the report texts."""
    options = options or ReportOptions()
    ind = compute_all(session, spec)
    org = Organisation.load(session, ReportType.QUALITY)
    texts = load_texts(session, ReportType.QUALITY, spec.key)
    year_row = session.scalar(select(m.ObjectiveYear).where(m.ObjectiveYear.year == spec.year))
    documents = list(
        session.scalars(
            select(m.QualityDocument)
            .where(m.QualityDocument.year == spec.year)
            .order_by(m.QualityDocument.issued_on, m.QualityDocument.id)
        )
    )
    url = year_row.publication_url if year_row is not None else None
    units = unit_names(session, ind.periods.dossiers)  # as they were called in the period (core.units)
    ctx = _Context(ind, org, units, texts, placeholder_values(ind, texts), documents, url)
    objectives, declared = _objectives(ind)

    blocks: list[Block] = [_legal_basis(ctx, year_row, len(objectives))]
    if not declared:
        blocks.append(
            draft_note(
                f"Chưa khai báo mục tiêu chất lượng năm {spec.year}; báo cáo dùng bộ 7 mục tiêu mặc định. "
                "Hãy khai báo tại trang Mục tiêu chất lượng"
            )
        )
    blocks.extend(section_blocks(texts, ctx.values, QUALITY_SECTIONS[0]))
    for obj in objectives:
        blocks.append(Heading(f"{obj.number}.", obj.title, level=2))
        extra = _Section(f"muc_tieu_{obj.number}", f"Mục tiêu {obj.number} (nội dung bổ sung)", required=False)
        blocks.extend(section_blocks(texts, ctx.values, extra))
        blocks.extend(SECTION_WRITERS.get(obj.indicator, _generic)(ctx, obj))
        blocks.append(Paragraph(runs(conclusion(obj, ctx.agency))))

    closing = texts.get("ket_luan", "").strip()
    if closing:
        closing = fill_placeholders(closing, ctx.values, "Câu kết")
    else:
        closing = (
            "Trên đây là nội dung đánh giá kết quả đạt được khi triển khai Kế hoạch thực hiện mục tiêu chất "
            f"lượng {ctx.label} của {ctx.agency}."
        )
    subject = f"Kết quả thực hiện mục tiêu chất lượng {ctx.label}"
    return Document(
        header=org.header(options, spec.year),
        ten_loai=TEN_LOAI_BAO_CAO,
        trich_yeu=subject,
        noi_dung=tuple(blocks),
        cau_ket=closing,
        noi_nhan=org.recipients,
        chu_ky=org.signature(options),
        format=org.page_format(options),
        title=f"Báo cáo {lower_first(subject)}",
    )


def _objectives(ind: IndicatorSet) -> tuple[list[ObjectiveResult], bool]:
    """The year's objectives as ``compute_all`` resolved them (the default seven when none are declared)."""
    return list(ind.objectives), ind.objectives_declared


def _legal_basis(ctx: _Context, year: m.ObjectiveYear | None, count: int) -> Paragraph:
    agency = ctx.agency
    refs = []
    if year is not None and year.decision_number:
        when = f" ngày {format_date(year.decision_date)}" if year.decision_date else ""
        refs.append(
            f"Quyết định số {year.decision_number}{when} của {agency} về việc ban hành Mục tiêu chất lượng "
            f"của {agency} năm {ctx.ind.spec.year}"
        )
    if year is not None and year.plan_number:
        when = f" ngày {format_date(year.plan_date)}" if year.plan_date else ""
        refs.append(
            f"Kế hoạch số {year.plan_number}{when} của {agency} về thực hiện mục tiêu chất lượng "
            f"năm {ctx.ind.spec.year}"
        )
    if not refs:
        refs.append(f"Mục tiêu chất lượng năm {ctx.ind.spec.year} của {agency}")
    text = (
        f"Căn cứ {'; '.join(refs)}, với {count_text(count)} mục tiêu. "
        f"Trong {ctx.label}, kết quả triển khai đạt được như sau:"
    )
    return Paragraph(runs(text))


# --------------------------------------------------------------------------- sections


def _period_note(ctx: _Context) -> tuple[Inline, ...]:
    """Footnote 1: the data period (once, at the first figure that uses it)."""
    if ctx.dossier_note_done:
        return ()
    ctx.dossier_note_done = True
    notes = [FootnoteRef(f"Tính {ctx.ind.periods.dossiers.dates_text}.")]
    if (rule := rule_footnote(ctx.ind.outcome_rule)) is not None:  # a figure counted by a non-default rule
        notes.append(FootnoteRef(rule))
    return tuple(notes)


def _dossiers(ctx: _Context, obj: ObjectiveResult) -> list[Block]:
    d = ctx.ind.dossiers
    units = ""
    if len(ctx.units) > 1:
        units = f" (bao gồm {join_vi(ctx.units)})"
    intro = Paragraph(
        runs(
            f"{ctx.label[0].upper()}{ctx.label[1:]}, tình hình triển khai và kết quả thực hiện cơ chế một cửa, "
            f"cơ chế một cửa liên thông tại {ctx.agency}{units}",
            *_period_note(ctx),
            ", cụ thể như sau:",
        )
    )
    if d.total_handled == 0:
        return [intro, Paragraph(runs("Trong kỳ không phát sinh hồ sơ thủ tục hành chính."))]
    channels = [
        f"trực tuyến {big_count(d.received_online)} hồ sơ",
        f"trực tiếp {big_count(d.received_direct)} hồ sơ",
    ]
    if d.received_postal:
        channels.append(f"qua bưu chính công ích {big_count(d.received_postal)} hồ sơ")
    def resolved_part(n: int, how: str, figure: Figure) -> str:
        if n == 0:
            return f"không có hồ sơ giải quyết {how}"
        return f"{counted(n, 'hồ sơ')} giải quyết {how} (tỷ lệ {pct(figure)})"

    received = f"{counted(d.received, 'hồ sơ')} tiếp nhận trong kỳ ({'; '.join(channels)})" if d.received else (
        "không có hồ sơ tiếp nhận mới trong kỳ"
    )
    items = [
        runs(
            f"Tổng số hồ sơ tiếp nhận: {big_count(d.total_handled)} hồ sơ, gồm: "
            f"{counted(d.carried_over, 'hồ sơ')} từ kỳ trước chuyển sang; {received}."
        ),
        runs(
            f"Tổng số hồ sơ đã giải quyết trong kỳ: {big_count(d.resolved)} hồ sơ, trong đó: "
            f"{resolved_part(d.early, 'sớm hạn', d.early_figure)}; "
            f"{resolved_part(d.on_time, 'đúng hạn', d.on_time_only_figure)}; "
            f"{resolved_part(d.late, 'trễ hạn', d.late_figure)}."
        ),
    ]
    if d.returned:
        items.append(runs(f"Hồ sơ trả lại hoặc tổ chức, cá nhân rút hồ sơ: {count_text(d.returned)} hồ sơ."))
    if d.in_progress == 0:
        pending = "Đến cuối kỳ, không còn hồ sơ đang giải quyết."
    elif d.in_progress_overdue == 0:
        pending = f"Hồ sơ đang giải quyết đến cuối kỳ: {counted(d.in_progress, 'hồ sơ')}, tất cả đều còn trong hạn."
    else:
        pending = (
            f"Hồ sơ đang giải quyết đến cuối kỳ: {counted(d.in_progress, 'hồ sơ')}, trong đó "
            f"{counted(d.in_progress_within, 'hồ sơ', 'không có hồ sơ')} còn trong hạn, "
            f"{counted(d.in_progress_overdue, 'hồ sơ')} đã quá hạn."
        )
    items.append(runs(pending))
    return [intro, BulletList(tuple(items))]


def _survey(ctx: _Context, obj: ObjectiveResult) -> list[Block]:
    s = ctx.ind.survey
    if s.forms == 0:
        return [
            Paragraph(
                runs(
                    f"Trong {ctx.label}, {ctx.agency} chưa có đợt khảo sát sự hài lòng nào được ghi nhận; "
                    "không phát sinh số liệu."
                )
            )
        ]
    groups = f"{count_text(s.groups)} nhóm đối tượng có liên quan đến các lĩnh vực thuộc thẩm quyền giải quyết " \
        f"của {ctx.agency} với " if s.groups else ""
    note = FootnoteRef(f"Thực hiện khảo sát {groups}tổng cộng {big_count(s.forms)} phiếu khảo sát tại Bộ phận Một cửa.")
    title = lower_first(s.campaigns[-1]) if s.campaigns else "khảo sát sự hài lòng của tổ chức, cá nhân"
    if s.report_number:
        when = f"Ngày {format_date(s.report_date)}, " if s.report_date else f"Trong {ctx.label}, "
        opening = f"{when}{ctx.agency} ban hành Báo cáo số {s.report_number} về kết quả {title}"
    else:
        opening = f"Trong {ctx.label}, {ctx.agency} tổ chức {title}"
    blocks: list[Block] = [
        Paragraph((Run(opening), note, Run(".")), keep_with_next=True),
        Paragraph(
            runs(
                "Theo đó, kết quả tổng hợp các phiếu đo lường sự hài lòng của tổ chức, cá nhân thu về, mức độ "
                "hài lòng được đánh giá như sau:"
            )
        ),
    ]
    previous = {c.name: c for c in s.previous_criteria}
    items = []
    for i, crit in enumerate(s.criteria):
        before = previous.get(crit.name) or (s.previous_criteria[i] if i < len(s.previous_criteria) else None)
        items.append(runs(_criterion_sentence(crit, before, s.previous_year)))
    blocks.append(BulletList(tuple(items)))
    sat = s.satisfaction
    compare = ""
    if s.previous_satisfaction is not None and s.previous_satisfaction.applicable and s.previous_year:
        compare = f" ({_trend(sat, s.previous_satisfaction)} {pct(s.previous_satisfaction)} năm {s.previous_year})"
    blocks.append(
        Paragraph(
            runs(
                f"Tỷ lệ tổ chức, cá nhân hài lòng và rất hài lòng với sự phục vụ: {big_count(sat.numerator)}/"
                f"{big_count(sat.denominator)} phiếu, đạt {pct(sat)}{compare}."
            )
        )
    )
    return blocks


def _trend(now: Figure, before: Figure) -> str:
    if now.value is None or before.value is None or now.value == before.value:
        return "bằng"
    return "tăng so với" if now.value > before.value else "giảm so với"


_TRIPS = re.compile(r"^(?:từ\s+)?0?(\d)\s+lần(.*)$", re.IGNORECASE)
_NUMBER_WORDS = {1: "một", 2: "hai", 3: "ba", 4: "bốn", 5: "năm"}


def _option_phrase(label: str) -> str:
    """What an answer says, as a sentence says it: "01 lần" → "đi lại một lần" (a count of trips is not
    an evaluation)."""
    match = _TRIPS.match(label.strip())
    if match:
        words = _NUMBER_WORDS.get(int(match.group(1)), match.group(1))
        prefix = "từ " if label.strip().lower().startswith("từ") else ""
        return f"phải đi lại {prefix}{words} lần{match.group(2)}"
    return f"đánh giá là {lower_first(label)}"


def _criterion_sentence(crit: CriterionResult, previous: CriterionResult | None, previous_year: int | None) -> str:
    answered = [o for o in crit.options if o.count > 0]
    missing = [_option_phrase(o.label) for o in crit.options if o.count == 0]
    parts = []
    for n, option in enumerate(answered):
        label = _option_phrase(option.label)
        compare = ""
        if n == 0 and previous is not None and previous_year:
            before = next((p for p in previous.options if p.rank == option.rank), None)
            if before is not None and before.figure.applicable:
                compare = f" ({_trend(option.figure, before.figure)} {pct(before.figure)} năm {previous_year})"
        parts.append(f"{pct(option.figure)}{compare} người được hỏi {label}")
    sentence = "; ".join(parts) if parts else "không có phiếu nào trả lời tiêu chí này"
    if parts and missing:
        sentence += f"; không có người nào {' hoặc '.join(m.removeprefix('đánh giá là ') if i else m for i, m in enumerate(missing))}"
    return f"{crit.name}: {sentence}."


def _decision_item(ctx: _Context, row: DecisionRow, deadline: int) -> tuple[Inline, ...]:
    about = f"{lower_first(row.summary)}; " if row.summary else ""
    text = f"Quyết định số {row.ubnd_number} ngày {format_date(row.ubnd_date)} ({about}{count_text(row.procedures)} TTHC)"
    if row.iso_number:
        when = f" ngày {format_date(row.iso_date)}" if row.iso_date else ""
        late = ""
        if row.days is not None:
            late = f"sau {row.days} ngày" if row.days else "trong ngày"
            if not row.within:
                late += f", quá thời hạn {deadline} ngày"
        text += f", đồng thời {ctx.agency} đã ban hành Quyết định số {row.iso_number}{when}"
        text += f" ({late})" if late else ""
    else:
        text += f"; {ctx.agency} chưa ban hành quyết định quy trình ISO"
    if row.letter_number:
        when = f" ngày {format_date(row.letter_date)}" if row.letter_date else ""
        text += f"; Công văn số {row.letter_number}{when}"
    return runs(text + ".")


def _iso(ctx: _Context, obj: ObjectiveResult) -> list[Block]:
    iso = ctx.ind.iso
    if not iso.decisions:
        return [
            Paragraph(
                runs(
                    f"Trong {ctx.label}, UBND tỉnh không ban hành quyết định công bố TTHC thuộc thẩm quyền giải "
                    f"quyết của {ctx.agency}; không phát sinh số liệu."
                )
            )
        ]
    f = iso.figure
    within = (
        f"{ctx.agency} đã ban hành quy trình nội bộ (ISO) cho tất cả {big_count(f.denominator)} TTHC trong thời "
        f"hạn {iso.deadline_days} ngày"
        if f.numerator == f.denominator
        else f"{big_count(f.numerator)}/{big_count(f.denominator)} TTHC được {ctx.agency} ban hành quy trình nội "
        f"bộ (ISO) trong thời hạn {iso.deadline_days} ngày"
    )
    intro = Paragraph(
        runs(
            f"Trong {ctx.label}, UBND tỉnh ban hành {count_text(len(iso.decisions))} quyết định công bố với tổng "
            f"cộng {big_count(f.denominator)} TTHC; {within} và ban hành Công văn đề nghị cập nhật cơ sở dữ liệu "
            "TTHC gửi Trung tâm Phục vụ hành chính công tỉnh theo quy định, chi tiết như sau:"
        )
    )
    items = tuple(_decision_item(ctx, row, iso.deadline_days) for row in iso.decisions)
    return [intro, BulletList(items)]


ISO_STANDARD = "TCVN ISO 9001:2015"


def _quality_document_item(ctx: _Context, doc: m.QualityDocument) -> tuple[Inline, ...]:
    """ "Ngày 11/7/2024, Sở Y tế ban hành Quyết định số 438/QĐ-SYT về việc công bố …"."""
    when = f"Ngày {format_date(doc.issued_on)}, " if doc.issued_on else ""
    subject = ctx.agency if when else f"{ctx.agency[0].upper()}{ctx.agency[1:]}"
    about = doc.description.strip().rstrip(".")
    return runs(f"{when}{subject} ban hành {doc.kind} số {doc.number} {about}.")


def _steps(ctx: _Context, obj: ObjectiveResult) -> list[Block]:
    """Objective 4: the year's quality-management documents (TCVN ISO 9001:2015), the procedures
    whose ISO steps match the one-stop software, and where they are published."""
    f = ctx.ind.steps_match
    items = [_quality_document_item(ctx, doc) for doc in ctx.quality_documents]
    if not f.applicable:
        items.append(runs("Chưa có TTHC nào đang có hiệu lực trong cơ sở dữ liệu; không phát sinh số liệu."))
        return [BulletList(tuple(items))]
    what = (
        "TTHC đang có hiệu lực đã có các bước thiết lập trong quy trình ISO (Hệ thống quản lý chất lượng theo "
        f"Tiêu chuẩn quốc gia {ISO_STANDARD}) thống nhất với các bước trên phần mềm một cửa"
    )
    if f.numerator == f.denominator:
        text = f"Tất cả {f.numerator}/{f.denominator} {what} (tỷ lệ {pct(f)})"
    else:
        text = (
            f"Có {f.numerator}/{f.denominator} {what} (tỷ lệ {pct(f)}); còn "
            f"{counted(f.denominator - f.numerator, 'TTHC')} chưa thống nhất, cần rà soát, điều chỉnh"
        )
    if ctx.publication_url:
        text += f"; các quy trình được công bố áp dụng Hệ thống quản lý chất lượng tại địa chỉ: {ctx.publication_url}"
    items.append(runs(text + "."))
    return [BulletList(tuple(items))]


def _tasks(ctx: _Context, obj: ObjectiveResult) -> list[Block]:
    t = ctx.ind.tasks
    if t.total == 0:
        return [Paragraph(runs(f"Trong {ctx.label}, không phát sinh nhiệm vụ UBND tỉnh giao."))]
    base = t.figure.denominator

    def share(n: int) -> str:
        return pct(Figure(n, base))

    intro = Paragraph(
        runs(
            f"Trong {ctx.label}, {ctx.agency} được UBND tỉnh, Chủ tịch UBND tỉnh giao {big_count(t.total)} nhiệm "
            "vụ (theo dõi trên phần mềm nhắc việc), trong đó:"
        )
    )
    def done(label: str, n: int) -> tuple[Inline, ...]:
        if n == 0:
            return runs(f"Không có nhiệm vụ {lower_first(label)};")
        return runs(f"{label}: {counted(n, 'nhiệm vụ')} (tỷ lệ {share(n)});")

    items = [
        done("Hoàn thành sớm hạn", t.early),
        done("Hoàn thành đúng hạn", t.on_time),
        done("Hoàn thành quá hạn", t.late),
    ]
    if t.in_progress_not_due:
        items.append(runs(f"Đang thực hiện, chưa đến hạn: {counted(t.in_progress_not_due, 'nhiệm vụ')};"))
    items.append(
        runs(f"Quá hạn chưa hoàn thành: {counted(t.in_progress_overdue, 'nhiệm vụ')};")
        if t.in_progress_overdue
        else runs("Không có nhiệm vụ quá hạn chưa hoàn thành;")
    )
    items.append(
        runs(f"Được gia hạn: {counted(t.extended, 'nhiệm vụ')}.")
        if t.extended
        else runs("Không có nhiệm vụ xin gia hạn.")
    )
    return [intro, BulletList(tuple(items))]


def _documents(ctx: _Context, obj: ObjectiveResult) -> list[Block]:
    doc = ctx.ind.documents
    period = ctx.ind.periods.documents
    if doc.outgoing + doc.decisions + doc.incoming == 0:
        return [Paragraph(runs(f"Trong {ctx.label}, chưa có số liệu văn bản đi, đến; không phát sinh số liệu."))]
    secret = f", trong đó {count_text(doc.secret)} văn bản mật" if doc.secret else ""
    f = doc.figure
    if f.denominator and f.numerator == f.denominator:
        sent = (
            "tất cả văn bản đi (không mật), kể cả quyết định, đều được gửi dưới dạng văn bản điện tử trên hệ "
            f"thống quản lý văn bản và điều hành (E-Office) (tỷ lệ {pct(f)})"
        )
    else:
        sent = (
            "số văn bản đi (không mật), kể cả quyết định, được gửi dưới dạng văn bản điện tử trên hệ thống "
            f"quản lý văn bản và điều hành (E-Office) là {big_count(f.numerator)}/{big_count(f.denominator)} "
            f"văn bản (tỷ lệ {pct(f)})"
        )
    inc = doc.incoming_figure
    if doc.incoming and doc.incoming_electronic == doc.incoming:
        incoming = f"tất cả văn bản đến đều được xử lý trên môi trường điện tử (tỷ lệ {pct(inc)})"
    else:
        incoming = (
            f"trong đó {big_count(doc.incoming_electronic)} văn bản được xử lý trên môi trường điện tử "
            f"(tỷ lệ {pct(inc)})"
        )
    text = (
        f"Trong {ctx.label}, tính đến hết ngày {format_date(period.end)}, {ctx.agency} có: "
        f"{big_count(doc.outgoing)} văn bản đi và {big_count(doc.decisions)} quyết định đi{secret}; {sent}; "
        f"{big_count(doc.incoming)} văn bản đến, {incoming}."
    )
    return [Paragraph(runs(text))]


def _online(ctx: _Context, obj: ObjectiveResult) -> list[Block]:
    o = ctx.ind.online
    if not o.overall.applicable:
        return [
            Paragraph(
                runs(
                    f"Trong {ctx.label}, không phát sinh hồ sơ của các TTHC được công bố mức độ toàn trình, một phần."
                )
            )
        ]
    base = (
        "tính trên tổng số hồ sơ tiếp nhận"
        if o.denominator_rule == OnlineDenominator.ALL
        else "tính trên tổng số hồ sơ của các TTHC này"
    )
    intro = Paragraph(
        runs(
            f"Tỷ lệ hồ sơ tiếp nhận trực tuyến của các TTHC được công bố mức độ toàn trình, một phần ({base}): trong "
            f"{ctx.label}, {big_count(o.procedures_with_dossiers)} TTHC có phát sinh hồ sơ",
            *_period_note(ctx),
            f", tổng số hồ sơ tiếp nhận là {big_count(o.overall.denominator)} hồ sơ, trong đó "
            f"{big_count(o.overall.numerator)} hồ sơ tiếp nhận trực tuyến, đạt tỷ lệ {pct(o.overall)}, bao gồm:",
        )
    )
    items = (
        runs(
            f"Hồ sơ trực tuyến mức toàn trình: {big_count(o.full.numerator)} hồ sơ/"
            f"{big_count(o.full.denominator)} hồ sơ (tỷ lệ {pct(o.full)})."
        ),
        runs(
            f"Hồ sơ trực tuyến mức độ một phần: {big_count(o.partial.numerator)} hồ sơ/"
            f"{big_count(o.partial.denominator)} hồ sơ (tỷ lệ {pct(o.partial)})."
        ),
    )
    return [intro, BulletList(items)]


def _generic(ctx: _Context, obj: ObjectiveResult) -> list[Block]:
    f = obj.figure
    ind = INDICATORS.get(obj.indicator)
    name = ind.name if ind is not None else f"Chỉ số “{obj.indicator}”"
    if ind is None:
        return [draft_note(f"Chỉ số “{obj.indicator}” của mục tiêu {obj.number} không có trong danh mục chỉ số")]
    return [Paragraph(runs(f"{name}: {big_count(f.numerator)}/{big_count(f.denominator)} (tỷ lệ {pct(f)})."))]


SECTION_WRITERS: dict[str, Callable[[_Context, ObjectiveResult], list[Block]]] = {
    "dossiers_on_time": _dossiers,
    "dossiers_early": _dossiers,
    "survey_satisfaction": _survey,
    "iso_within_deadline": _iso,
    "steps_match": _steps,
    "tasks_on_time": _tasks,
    "documents_electronic": _documents,
    "documents_incoming_electronic": _documents,
    "online_uptake": _online,
    "online_uptake_full": _online,
    "online_uptake_partial": _online,
}
