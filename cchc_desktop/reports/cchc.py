"""R2 — the periodic report on administrative reform (SPEC §6.2), in the outline every Sở uses:
I. results (1. direction and management, 2. institutions, 3. administrative procedures,
4. organisation, 5. civil service, 6. public finance, 7. e-government / digital government),
II. difficulties, III. plan for the next period.

Sections I.1, I.3 and I.7 are filled with computed paragraphs; every other section comes from the
report texts of the period — an empty one shows a highlighted note in the draft instead of vanishing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..core.enums import ReportType
from ..core.indicators import (
    FieldRow,
    Figure,
    IndicatorSet,
    compute_all,
    field_extremes,
    fields_shown,
    rule_footnote,
)
from ..core.periods import ROMAN, PeriodSpec
from ..core.sections import CCHC_SECTIONS
from .common import Organisation, ReportOptions, big_count, counted, join_vi, lower_first, pct
from .document import (
    TEN_LOAI_BAO_CAO,
    Align,
    Block,
    BulletList,
    Column,
    Document,
    FootnoteRef,
    Heading,
    Paragraph,
    Table,
    runs,
)
from .texts import (
    fill_placeholders,
    load_texts,
    placeholder_values,
    section_blocks,
    section_with_blocks,
)

SECTION = {s.key: s for s in CCHC_SECTIONS}
FIELD_TABLE_COLUMNS = (
    Column("STT", 13, Align.CENTER),
    Column("Lĩnh vực", 50),
    Column("Tiếp nhận", 21, Align.RIGHT),
    Column("Đã giải quyết", 21, Align.RIGHT),
    Column("Trước hạn, đúng hạn", 22, Align.RIGHT),
    Column("Quá hạn", 17, Align.RIGHT),
    Column("Đang giải quyết", 21, Align.RIGHT),
)


def build_cchc_report(session: Session, spec: PeriodSpec, options: ReportOptions | None = None) -> Document:
    """R2 for ``spec`` (a quarter, a half, nine months or a year)."""
    options = options or ReportOptions()
    ind = compute_all(session, spec)
    org = Organisation.load(session, ReportType.CCHC)
    texts = load_texts(session, ReportType.CCHC, spec.key)
    values = placeholder_values(ind, texts)
    agency = org.agency_short

    def typed(key: str) -> list[Block]:
        return section_blocks(texts, values, SECTION[key])

    def mixed(key: str, computed: dict[str, list[Block]], before: tuple[str, ...], after: tuple[str, ...]) -> list[Block]:
        return section_with_blocks(texts, values, SECTION[key], computed, before, after)

    blocks: list[Block] = [
        Heading("I.", f"Kết quả thực hiện công tác cải cách hành chính {spec.label}", level=1),
        Heading("1.", "Công tác chỉ đạo, điều hành cải cách hành chính"),
        *mixed("chi_dao_dieu_hanh", {"nhiem_vu": _tasks(ind, agency)}, (), ("nhiem_vu",)),
        Heading("2.", "Cải cách thể chế"),
        *typed("the_che"),
        Heading("3.", "Cải cách thủ tục hành chính"),
        *mixed(
            "thu_tuc_hanh_chinh",
            {"can_cu": _one_stop_basis(ind, texts, values, agency), "ho_so": _dossiers(ind), "iso": _iso(ind, agency)},
            ("can_cu", "ho_so", "iso"), (),
        ),
        Heading("4.", "Cải cách tổ chức bộ máy hành chính nhà nước"),
        *typed("to_chuc_bo_may"),
        Heading("5.", "Cải cách chế độ công vụ"),
        *typed("che_do_cong_vu"),
        Heading("6.", "Cải cách tài chính công"),
        *typed("tai_chinh_cong"),
        Heading("7.", "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"),
        *mixed(
            "chinh_quyen_so", {"van_ban": _documents(ind, agency), "dich_vu_cong": _online(ind)},
            ("van_ban", "dich_vu_cong"), (),
        ),
        Heading("II.", "Khó khăn, vướng mắc, hạn chế và nguyên nhân", level=1),
        *typed("kho_khan"),
        Heading("III.", f"Kế hoạch {next_period_label(spec)}", level=1),
        *typed("phuong_huong"),
    ]
    proposals = typed("de_xuat")
    if proposals:
        blocks += [Heading("IV.", "Đề xuất, kiến nghị", level=1), *proposals]
    closing = texts.get("ket_luan", "").strip()
    if closing:
        closing = fill_placeholders(closing, values, "Câu kết")
    else:
        to = texts.get("bao_cao_de", "").strip() or addressees(org.recipients)
        ending = f", xin báo cáo để {to} được biết" if to else ""
        closing = f"Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính {spec.label} của {agency}{ending}."
    subject = f"Công tác cải cách hành chính {spec.label} của {agency}"
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


def next_period_label(spec: PeriodSpec) -> str:
    """What section III plans for: "6 tháng cuối năm 2024" after the first half, "năm 2025" after the
    second half or the year, the next quarter or month, "những tháng cuối năm" after nine months."""
    y, n = spec.year, spec.number or 0
    match spec.kind:
        case "half":
            return f"6 tháng cuối năm {y}" if n == 1 else f"năm {y + 1}"
        case "year":
            return f"năm {y + 1}"
        case "quarter":
            return f"quý {ROMAN[n + 1]} năm {y}" if n < 4 else f"quý I năm {y + 1}"
        case "nine_months":
            return f"những tháng cuối năm {y}"
        case "month":
            return f"tháng {n + 1} năm {y}" if n < 12 else f"tháng 01 năm {y + 1}"
    return "kỳ tới"


_INTERNAL = ("lưu", "lãnh đạo sở", "như trên", "các phòng", "ban chỉ đạo", "website", "cổng thông tin")


def addressees(recipients: tuple[str, ...]) -> str:
    """Whom the closing sentence reports to, from the Nơi nhận list: the outside recipients without
    their "(b/c)" notes — "UBND tỉnh, Sở Nội vụ"."""
    names = []
    for line in recipients:
        text = line.strip().lstrip("-–• ").rstrip(";.,").strip()
        text = text.split("(", 1)[0].strip()
        if text and not text.lower().startswith(_INTERNAL) and "thuộc sở" not in text.lower():
            names.append(text)
    return join_vi(names)


def _one_stop_basis(ind: IndicatorSet, texts: dict[str, str], values: dict[str, str], agency: str) -> list[Block]:
    """The decree the one-stop work follows in this period: typed by the user (section
    ``can_cu_mot_cua``), else the one in force (Nghị định 61/2018 + 107/2021 before 01/7/2025,
    Nghị định 118/2025 after)."""
    typed = texts.get("can_cu_mot_cua", "").strip()
    basis = fill_placeholders(typed, values, "Căn cứ pháp lý") if typed else values["can_cu.mot_cua"]
    return [
        Paragraph(
            runs(
                f"Thực hiện {basis.rstrip('.;')}, {agency} tiếp tục tiếp nhận, giải quyết thủ tục hành chính theo cơ "
                "chế một cửa, một cửa liên thông."
            )
        )
    ]


# --------------------------------------------------------------------------- I.1 tasks


def _tasks(ind: IndicatorSet, agency: str) -> list[Block]:
    t = ind.tasks
    if t.total == 0:
        return [Paragraph(runs("Nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao: trong kỳ không phát sinh."))]
    done = t.early + t.on_time
    completed = t.completed
    if completed == 0:
        result = "chưa có nhiệm vụ nào hoàn thành trong kỳ"
    elif t.late == 0:
        every = "tất cả đều" if completed > 1 else ""
        result = f"đã hoàn thành {counted(completed, 'nhiệm vụ')}, {every} đúng hoặc trước hạn".replace(",  ", ", ")
    else:
        result = (
            f"đã hoàn thành {counted(completed, 'nhiệm vụ')}, trong đó {counted(done, 'nhiệm vụ', 'không có nhiệm vụ')} "
            f"đúng hoặc trước hạn (tỷ lệ {pct(t.figure)}) và {counted(t.late, 'nhiệm vụ')} quá hạn"
        )
    pending = []
    if t.in_progress_not_due:
        pending.append(f"{counted(t.in_progress_not_due, 'nhiệm vụ')} đang thực hiện, chưa đến hạn")
    if t.in_progress_overdue:
        pending.append(f"{counted(t.in_progress_overdue, 'nhiệm vụ')} đã quá hạn nhưng chưa hoàn thành")
    else:
        pending.append("không có nhiệm vụ quá hạn chưa hoàn thành")
    return [
        Paragraph(
            runs(
                f"Thực hiện nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao: trong kỳ, {agency} được giao "
                f"{counted(t.total, 'nhiệm vụ')}; {result}; {'; '.join(pending)}."
            )
        )
    ]


# --------------------------------------------------------------------------- I.3 dossiers and ISO


def _extremes(rows: list[FieldRow]) -> str | None:
    """ "lĩnh vực có nhiều hồ sơ nhất là …; ít nhất là …" on the field table's own basis (its "Tiếp nhận"
    column, the fields it shows): ``core.indicators.field_extremes``."""
    found = field_extremes(rows)
    if found is None:
        return None
    return (
        f"Lĩnh vực có nhiều hồ sơ tiếp nhận nhất: {join_vi(list(found.most))} ({big_count(found.most_count)} hồ sơ); "
        f"lĩnh vực có ít hồ sơ tiếp nhận nhất: {join_vi(list(found.fewest))} ({big_count(found.fewest_count)} hồ sơ)."
    )


def _field_table(rows: list[FieldRow], total: FieldRow | None) -> Table:
    def cells(n: str, row: FieldRow) -> tuple[str, ...]:
        c = row.classes
        return (
            n,
            row.field_name,
            big_count(c.total_handled),
            big_count(c.resolved),
            big_count(c.early + c.on_time),
            big_count(c.late),
            big_count(c.in_progress),
        )

    body = [cells(str(i), row) for i, row in enumerate(rows, 1)]
    if total is not None:
        body.append(cells("", total))
    return Table(FIELD_TABLE_COLUMNS, tuple(body), total_row=total is not None, caption="Đơn vị tính: hồ sơ")


def _dossiers(ind: IndicatorSet) -> list[Block]:
    d, o = ind.dossiers, ind.online
    intro = Paragraph(
        runs(
            "Tình hình tiếp nhận, giải quyết hồ sơ thủ tục hành chính",
            FootnoteRef(f"Số liệu tính {ind.periods.dossiers.dates_text}."),
            *_rule_note(ind),
            ":",
        ),
        keep_with_next=True,
    )
    if d.total_handled == 0:
        return [intro, Paragraph(runs("Trong kỳ không phát sinh hồ sơ thủ tục hành chính."))]
    carried = f"kỳ trước chuyển sang {counted(d.carried_over, 'hồ sơ')}" if d.carried_over else (
        "không có hồ sơ kỳ trước chuyển sang"
    )
    new = f"tiếp nhận mới trong kỳ {counted(d.received, 'hồ sơ')}" if d.received else "không có hồ sơ tiếp nhận mới"
    if d.late:
        resolved = (
            f"trong đó trước hạn và đúng hạn {counted(d.early + d.on_time, 'hồ sơ', 'không có hồ sơ')} "
            f"(tỷ lệ {pct(d.on_time_figure)}), quá hạn {counted(d.late, 'hồ sơ')} (tỷ lệ {pct(d.late_figure)})"
        )
    else:
        resolved = f"tất cả đều trước hạn hoặc đúng hạn (tỷ lệ {pct(d.on_time_figure)}), không có hồ sơ quá hạn"
    if d.in_progress_overdue:
        pending = (
            f"trong đó trong hạn {counted(d.in_progress_within, 'hồ sơ', 'không có hồ sơ')}, "
            f"quá hạn {counted(d.in_progress_overdue, 'hồ sơ')}"
        )
    else:
        pending = "tất cả đều còn trong hạn"
    items = [
        runs(f"Tổng số hồ sơ tiếp nhận: {big_count(d.total_handled)} hồ sơ ({carried}; {new})."),
        runs(
            f"Hồ sơ của các TTHC có cung cấp dịch vụ công trực tuyến: {big_count(o.overall.denominator)} hồ sơ, "
            f"trong đó nộp trực tuyến {big_count(o.overall.numerator)} hồ sơ (tỷ lệ {pct(o.overall)})."
        ),
        runs(f"Đã giải quyết: {big_count(d.resolved)} hồ sơ, {resolved}."),
        runs(
            f"Đang giải quyết: {counted(d.in_progress, 'hồ sơ')}, {pending}."
            if d.in_progress
            else "Đến cuối kỳ, không còn hồ sơ đang giải quyết."
        ),
    ]
    if d.returned:
        items.append(runs(f"Trả lại hoặc tổ chức, cá nhân rút hồ sơ: {counted(d.returned, 'hồ sơ')}."))
    extremes = _extremes(ind.by_field)
    if extremes:
        items.append(runs(extremes))
    blocks: list[Block] = [intro, BulletList(tuple(items))]
    shown = fields_shown(ind.by_field)
    if shown:
        total = FieldRow(None, "Tổng cộng", d)
        blocks.append(Paragraph(runs("Chi tiết theo lĩnh vực:"), keep_with_next=True))
        blocks.append(_field_table(shown, total))
    return blocks


def _rule_note(ind: IndicatorSet) -> tuple[FootnoteRef, ...]:
    """A footnote naming the outcome rule when the dossier figures did not use the default one."""
    note = rule_footnote(ind.outcome_rule)
    return (FootnoteRef(note),) if note else ()


def _iso(ind: IndicatorSet, agency: str) -> list[Block]:
    iso = ind.iso
    if not iso.decisions:
        return [
            Paragraph(
                runs(
                    "Công bố TTHC và xây dựng quy trình nội bộ: trong kỳ, UBND tỉnh không ban hành quyết định công "
                    f"bố TTHC thuộc thẩm quyền giải quyết của {agency} (không phát sinh)."
                )
            )
        ]
    f = iso.figure
    return [
        Paragraph(
            runs(
                f"Công bố TTHC và xây dựng quy trình nội bộ: trong kỳ, UBND tỉnh ban hành "
                f"{counted(len(iso.decisions), 'quyết định')} công bố {big_count(f.denominator)} TTHC thuộc thẩm "
                f"quyền giải quyết của {agency}; {agency} đã ban hành quy trình nội bộ (ISO) trong thời hạn "
                f"{iso.deadline_days} ngày cho {big_count(f.numerator)}/{big_count(f.denominator)} TTHC "
                f"(tỷ lệ {pct(f)})."
            )
        )
    ]


# --------------------------------------------------------------------------- I.7 digital government


def _documents(ind: IndicatorSet, agency: str) -> list[Block]:
    doc = ind.documents
    if doc.outgoing + doc.decisions + doc.incoming == 0:
        return [Paragraph(runs("Văn bản đi, đến trên môi trường điện tử: trong kỳ chưa có số liệu (không phát sinh)."))]
    f = doc.figure
    sent = (
        f"tất cả văn bản đi (không mật) đều được gửi dưới dạng điện tử (tỷ lệ {pct(f)})"
        if f.denominator and f.numerator == f.denominator
        else f"số văn bản đi (không mật) được gửi dưới dạng điện tử là {big_count(f.numerator)}/"
        f"{big_count(f.denominator)} (tỷ lệ {pct(f)})"
    )
    incoming = (
        f"tất cả đều được xử lý trên môi trường điện tử (tỷ lệ {pct(doc.incoming_figure)})"
        if doc.incoming and doc.incoming_electronic == doc.incoming
        else f"trong đó {big_count(doc.incoming_electronic)} văn bản được xử lý trên môi trường điện tử "
        f"(tỷ lệ {pct(doc.incoming_figure)})"
    )
    docs, dossiers = ind.periods.documents, ind.periods.dossiers
    note: tuple[FootnoteRef, ...] = ()
    if (docs.start, docs.end) != (dossiers.start, dossiers.end):
        note = (
            FootnoteRef(
                f"Số liệu văn bản tính theo kỳ dương lịch, {docs.dates_text}; số liệu hồ sơ tính theo kỳ chốt "
                f"số liệu, {dossiers.dates_text}."
            ),
        )
    return [
        Paragraph(
            runs(
                "Văn bản đi, đến trên môi trường điện tử",
                *note,
                f": trong kỳ, {agency} phát hành {big_count(doc.outgoing)} văn bản đi và "
                f"{big_count(doc.decisions)} quyết định; {sent}; tiếp nhận {big_count(doc.incoming)} văn bản đến, "
                f"{incoming}.",
            )
        )
    ]


def _online(ind: IndicatorSet) -> list[Block]:
    o = ind.online
    if not o.overall.applicable:
        return [
            Paragraph(
                runs(
                    f"Dịch vụ công trực tuyến: tỷ lệ hồ sơ nộp trực tuyến {pct(Figure(0, 0))} (trong kỳ không có "
                    "hồ sơ của các TTHC trực tuyến)."
                )
            )
        ]
    return [
        Paragraph(
            runs(
                f"Dịch vụ công trực tuyến: {big_count(o.procedures_with_dossiers)} TTHC trực tuyến toàn trình, "
                f"một phần có phát sinh hồ sơ; tỷ lệ hồ sơ nộp trực tuyến đạt {pct(o.overall)} "
                f"({big_count(o.overall.numerator)}/{big_count(o.overall.denominator)} hồ sơ), trong đó TTHC "
                f"toàn trình {pct(o.full)}, TTHC một phần {pct(o.partial)}."
            )
        )
    ]
