"""``cchc-desktop report quality|cchc --period P --out F.docx [--pdf [F.pdf]] [--number N] [--date dd/mm/yyyy]
[--signer NAME]``: the Word report in the format of Nghị định 30/2020/NĐ-CP (and its PDF, drawn by Qt:
no Word or LibreOffice needed), recorded as an issued report."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

from ..core.db import open_database
from ..core.enums import ReportType
from ..core.errors import CchcError
from ..core.periods import PeriodSpec

KINDS = {"quality": ReportType.QUALITY, "cchc": ReportType.CCHC}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "report",
        parents=[common],
        help="xuất báo cáo Word (và PDF) đúng thể thức Nghị định 30/2020/NĐ-CP",
        description="quality: báo cáo kết quả thực hiện mục tiêu chất lượng (R1); "
        "cchc: báo cáo công tác cải cách hành chính (R2).",
    )
    p.add_argument("kind", choices=sorted(KINDS), metavar="LOẠI", help="quality hoặc cchc")
    p.add_argument(
        "--period",
        required=True,
        metavar="KỲ",
        help="2024, 2024-H1, 2024-H2, 2024-Q3, 2024-9M (9 tháng), 2024-05 hoặc 2023-12-15..2024-12-14",
    )
    p.add_argument("--out", required=True, metavar="TỆP.docx", help="tệp Word cần ghi")
    p.add_argument(
        "--pdf",
        nargs="?",
        const="",
        default=None,
        metavar="TỆP.pdf",
        help="ghi thêm bản PDF (mặc định: cùng tên với tệp Word)",
    )
    p.add_argument("--number", metavar="SỐ", help="số văn bản, ví dụ 125 (để trống: văn thư điền sau)")
    p.add_argument("--date", metavar="dd/mm/yyyy", help="ngày ban hành (để trống: để trống ngày, tháng)")
    p.add_argument("--signer", metavar="HỌ_TÊN", help="người ký (mặc định: theo thông tin cơ quan)")
    p.set_defaults(func=run)


def parse_date(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise CchcError(f"Ngày “{text}” không hợp lệ; hãy viết theo dạng dd/mm/yyyy, ví dụ 20/12/2024.") from None


def parse_number(text: str) -> str:
    number = text.strip().split("/", 1)[0]
    if not re.fullmatch(r"\d{1,6}", number):
        raise CchcError(f"Số văn bản “{text}” không hợp lệ; hãy nhập số thứ tự, ví dụ 125.")
    return number


def run(args: argparse.Namespace) -> int:
    from ..reports.common import ReportOptions  # the report stack loads only for this command
    from ..reports.export import export_report

    spec = PeriodSpec.parse(args.period)
    out = Path(args.out).expanduser()
    pdf = None
    if args.pdf is not None:
        pdf = Path(args.pdf).expanduser() if args.pdf else out.with_suffix(".pdf")
    options = ReportOptions(
        number=parse_number(args.number) if args.number else None,
        date=parse_date(args.date) if args.date else None,
        signer_name=args.signer.strip() if args.signer and args.signer.strip() else None,
    )
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        with db.transaction() as session:
            result = export_report(session, KINDS[args.kind], spec, out, pdf, options)
    finally:
        db.close()
    written = f"{result.docx}" + (f" và {result.pdf}" if result.pdf else "")
    print(f"Đã xuất báo cáo {spec.label} vào {written}; đã ghi vào sổ báo cáo đã ban hành.")
    if result.draft_notes:
        print(
            f"Lưu ý: bản dự thảo còn {result.draft_notes} mục chưa có nội dung (được tô vàng); "
            "hãy nhập nội dung trước khi trình ký."
        )
    return 0
