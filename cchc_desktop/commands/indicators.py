"""``cchc-desktop indicators --period P [--json]``: every figure of a period, as a readable Vietnamese
table or as JSON (issue 3 §6: counts as integers, rates as numbers with two decimals, null when
"không phát sinh")."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import models as m
from ..core.db import open_database
from ..core.errors import CchcError
from ..core.formatting import NOT_APPLICABLE, format_count, format_date, format_percent, format_percent_short
from ..core.indicators import Figure, IndicatorSet, compute_all
from ..core.labels import in_sentence
from ..core.periods import PeriodSpec

DATA_TABLES = (m.Dossier, m.Task, m.SurveyCampaign, m.DocumentCount, m.AnnouncementDecision)
MET_LABELS = {True: "Đạt", False: "Không đạt", None: NOT_APPLICABLE}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("indicators", parents=[common], help="tính các chỉ số của một kỳ báo cáo")
    p.add_argument(
        "--period",
        required=True,
        metavar="KỲ",
        help="2024, 2024-H1, 2024-H2, 2024-Q3, 2024-9M (9 tháng), 2024-05 hoặc 2023-12-15..2024-12-14",
    )
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    spec = PeriodSpec.parse(args.period)
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        with db.session() as session:
            _refuse_empty(session)
            indicators = compute_all(session, spec)
    finally:
        db.close()
    if args.json:
        print(json.dumps(indicators.to_json(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(render_table(indicators)))
    return 0


def _refuse_empty(session: Session) -> None:
    for model in DATA_TABLES:
        if session.scalar(select(func.count()).select_from(model)):
            return
    raise CchcError(
        "Cơ sở dữ liệu chưa có số liệu nào (hồ sơ, nhiệm vụ, khảo sát, văn bản, quyết định công bố) để tính "
        "chỉ số; hãy nhập dữ liệu hoặc tạo dữ liệu mẫu bằng lệnh “cchc-desktop demo”."
    )


# --------------------------------------------------------------------------- the readable table

WIDTH = 46


def _line(label: str, value: str = "", rate: str = "", indent: int = 1) -> str:
    text = "  " * indent + label
    return f"{text:<{WIDTH}}{value:>12}{rate:>18}".rstrip()


def _rate(figure: Figure) -> str:
    return format_percent(figure.value)


def _ratio_line(label: str, figure: Figure, indent: int = 1) -> str:
    value = f"{format_count(figure.numerator)}/{format_count(figure.denominator)}"
    return _line(label, value, _rate(figure), indent)


def render_table(ind: IndicatorSet) -> list[str]:
    p = ind.periods
    lines = [f"CHỈ SỐ {ind.spec.label.upper()}", ""]
    lines += _dossier_lines(ind, p.dossiers.dates_text)
    lines += _online_lines(ind)
    lines += _task_lines(ind, p.tasks.dates_text)
    lines += _survey_lines(ind, p.surveys.dates_text)
    lines += _iso_lines(ind)
    lines += _document_lines(ind, p.documents.dates_text)
    lines += _objective_lines(ind)
    return lines


def _dossier_lines(ind: IndicatorSet, dates: str) -> list[str]:
    d = ind.dossiers
    return [
        f"Hồ sơ thủ tục hành chính ({dates})",
        _line("Kỳ trước chuyển sang", format_count(d.carried_over)),
        _line("Tiếp nhận trong kỳ", format_count(d.received)),
        _line("trực tuyến", format_count(d.received_online), indent=2),
        _line("trực tiếp", format_count(d.received_direct), indent=2),
        _line("bưu chính công ích", format_count(d.received_postal), indent=2),
        _line("Đã giải quyết", format_count(d.resolved)),
        _line("trước hạn", format_count(d.early), _rate(d.early_figure), indent=2),
        _line("đúng hạn", format_count(d.on_time), _rate(d.on_time_only_figure), indent=2),
        _line("quá hạn", format_count(d.late), _rate(d.late_figure), indent=2),
        _line("Đang giải quyết", format_count(d.in_progress)),
        _line("trong hạn", format_count(d.in_progress_within), indent=2),
        _line("quá hạn", format_count(d.in_progress_overdue), indent=2),
        _line("Kết thúc không có kết quả (đã tính ở trên)", format_count(d.ended_without_result)),
        _line("Tỷ lệ giải quyết trước và đúng hạn", "", _rate(d.on_time_figure)),
        f"Quy tắc tính: {ind.outcome_rule.name}" + ("" if ind.outcome_rule.is_default else " (không mặc định)"),
        "",
    ]


def _online_lines(ind: IndicatorSet) -> list[str]:
    o = ind.online
    return [
        f"Tiếp nhận trực tuyến — mẫu số: {in_sentence(o.denominator_rule.label)}",
        _ratio_line("Chung", o.overall),
        _ratio_line("TTHC toàn trình", o.full),
        _ratio_line("TTHC một phần", o.partial),
        _line("Số TTHC có hồ sơ", format_count(o.procedures_with_dossiers)),
        "",
    ]


def _task_lines(ind: IndicatorSet, dates: str) -> list[str]:
    t = ind.tasks
    return [
        f"Nhiệm vụ UBND tỉnh giao ({dates})",
        _line("Tổng số", format_count(t.total)),
        _line("Hoàn thành trong kỳ", format_count(t.completed)),
        _line("trước hạn", format_count(t.early), indent=2),
        _line("đúng hạn", format_count(t.on_time), indent=2),
        _line("quá hạn", format_count(t.late), indent=2),
        _line("Được gia hạn", format_count(t.extended)),
        _line("Đang thực hiện, chưa đến hạn", format_count(t.in_progress_not_due)),
        _line("Quá hạn chưa hoàn thành", format_count(t.in_progress_overdue)),
        _line("Tỷ lệ hoàn thành đúng hạn", "", _rate(t.figure)),
        "",
    ]


def _survey_lines(ind: IndicatorSet, dates: str) -> list[str]:
    sv = ind.survey
    lines = [
        f"Khảo sát sự hài lòng ({dates})",
        _line("Số đợt khảo sát", format_count(len(sv.campaigns))),
        _line("Số phiếu", format_count(sv.forms)),
        _line("Tỷ lệ hài lòng", "", _rate(sv.satisfaction)),
    ]
    if sv.previous_satisfaction is not None:
        lines.append(_line(f"Đợt trước (năm {sv.previous_year})", "", _rate(sv.previous_satisfaction)))
    for crit in sv.criteria:
        lines.append(_line(crit.short_name or crit.name))
        lines += [_line(o.label, format_count(o.count), _rate(o.figure), indent=2) for o in crit.options]
    return [*lines, ""]


def _iso_lines(ind: IndicatorSet) -> list[str]:
    iso = ind.iso
    lines = [
        f"Quy trình ISO theo quyết định công bố TTHC (trong {format_count(iso.deadline_days)} ngày)",
        _ratio_line("TTHC đúng hạn / TTHC được công bố", iso.figure),
    ]
    for x in iso.decisions:
        iso_text = (
            f"{x.iso_number} ngày {format_date(x.iso_date)}" if x.iso_number else "chưa có quyết định ISO"
        )
        days = f"{x.days} ngày" if x.days is not None else "—"
        lines.append(
            _line(
                f"{x.ubnd_number} ngày {format_date(x.ubnd_date)} → {iso_text}",
                f"{x.procedures} TTHC",
                days,
                2,
            )
        )
    lines.append(_ratio_line("TTHC có quy trình ISO thống nhất với phần mềm một cửa", ind.steps_match))
    return [*lines, ""]


def _document_lines(ind: IndicatorSet, dates: str) -> list[str]:
    doc = ind.documents
    return [
        f"Văn bản điện tử ({dates})",
        _line("Văn bản đi", format_count(doc.outgoing)),
        _line("trong đó văn bản mật", format_count(doc.secret), indent=2),
        _line("gửi điện tử", format_count(doc.electronic), indent=2),
        _line("Quyết định", format_count(doc.decisions)),
        _line("ban hành điện tử", format_count(doc.decisions_electronic), indent=2),
        _ratio_line("Tỷ lệ văn bản đi (không mật) điện tử", doc.figure),
        _ratio_line("Văn bản đến xử lý điện tử", doc.incoming_figure),
        "",
    ]


def _objective_lines(ind: IndicatorSet) -> Iterable[str]:
    if not ind.objectives:
        return [f"Chưa khai báo mục tiêu chất lượng năm {ind.spec.year}."]
    lines = [f"Mục tiêu chất lượng năm {ind.spec.year}"]
    for obj in ind.objectives:
        target = f"mục tiêu {obj.comparator.label} {format_percent_short(obj.target)}"
        lines.append(f"  {obj.number}. {obj.title}")
        lines.append(_line(f"{_rate(obj.figure)} ({target})", "", MET_LABELS[obj.met], indent=2))
    return lines
