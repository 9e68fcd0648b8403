"""``cchc-desktop report quality|cchc --period P --out F.docx [--pdf [F.pdf]] [--number N] [--date dd/mm/yyyy]
[--authority "KT. GIÁM ĐỐC" --position "PHÓ GIÁM ĐỐC"] [--signer NAME] [--issue | --reprint]``: the Word
report in the format of Nghị định 30/2020/NĐ-CP (and its PDF, drawn by Qt: no Word or LibreOffice needed).

A report with an empty section or a failed check is a draft: marked "DỰ THẢO", written under a draft
file name, never recorded, and the command exits with ``EXIT_DRAFT``. ``--issue`` (with a number and a
date) refuses a draft and records the issued files in the register; ``--reprint`` writes them again."""

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
EXIT_DRAFT = 3  # the file was written, but it is a draft (an empty section or a failed check)


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
    p.add_argument("--authority", metavar="QUYỀN_HẠN", help="quyền hạn người ký, ví dụ “KT. GIÁM ĐỐC”")
    p.add_argument("--position", metavar="CHỨC_VỤ", help="chức vụ dưới quyền hạn, ví dụ “PHÓ GIÁM ĐỐC”")
    p.add_argument("--signer", metavar="HỌ_TÊN", help="người ký (mặc định: người ký mặc định của cơ quan)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--issue", action="store_true",
        help="ban hành: cần --number và --date; từ chối khi còn mục trống hoặc số liệu chưa khớp; ghi vào sổ",
    )  # fmt: skip
    mode.add_argument("--reprint", action="store_true", help="in lại đúng bản đã ban hành của kỳ này")
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
    from ..reports.export import export_report, reprint_issued

    spec = PeriodSpec.parse(args.period)
    out = Path(args.out).expanduser()
    pdf = None
    if args.pdf is not None:
        pdf = Path(args.pdf).expanduser() if args.pdf else out.with_suffix(".pdf")
    if args.position and not args.authority:
        raise CchcError("Chức vụ (--position) đi kèm quyền hạn (--authority), ví dụ --authority \"KT. GIÁM ĐỐC\".")
    options = ReportOptions(
        number=parse_number(args.number) if args.number else None,
        date=parse_date(args.date) if args.date else None,
        signer_name=_text(args.signer),
        signer_authority=_text(args.authority),
        signer_title=_text(args.position),
    )
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        with db.transaction() as session:
            if args.reprint:
                issued = reprint_issued(session, KINDS[args.kind], spec, out, pdf)
                written = f"{out}" + (f" và {pdf}" if pdf else "")
                print(f"Đã in lại báo cáo số {issued.number} ({spec.label}) vào {written}, đúng bản đã ban hành.")
                return 0
            result = export_report(session, KINDS[args.kind], spec, out, pdf, options, issue=args.issue)
    finally:
        db.close()
    written = f"{result.docx}" + (f" và {result.pdf}" if result.pdf else "")
    if result.is_draft:
        print(f"Đã xuất bản DỰ THẢO báo cáo {spec.label} vào {written} (chưa ghi vào sổ báo cáo đã ban hành).")
        print(f"Chưa thể ban hành: {'; '.join(result.draft_reasons)}.")
        return EXIT_DRAFT
    if result.issued_id is not None:
        print(f"Đã ban hành báo cáo {spec.label} vào {written}; đã ghi vào sổ báo cáo đã ban hành.")
    else:
        print(
            f"Đã xuất báo cáo {spec.label} vào {written}. Bản này chưa được ghi sổ: để ban hành, chạy lại với "
            "--issue --number SỐ --date dd/mm/yyyy."
        )
    return 0


def _text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None
