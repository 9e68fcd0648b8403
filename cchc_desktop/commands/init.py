"""``cchc-desktop init``: a new, empty database with the default catalogue (SPEC §9) — the same
database the GUI's new-database wizard makes (``core.newdb``)."""

from __future__ import annotations

import argparse

from ..core.errors import CchcError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "init",
        parents=[common],
        help="tạo cơ sở dữ liệu mới, trống (kèm danh mục lĩnh vực, bộ câu hỏi khảo sát, mục tiêu chất lượng)",
    )
    p.add_argument("--place", metavar="ĐỊA_DANH", help="địa danh ở dòng ngày tháng, ví dụ: “Hà Tĩnh” (bắt buộc)")
    p.add_argument("--parent", metavar="CƠ_QUAN", help="cơ quan chủ quản; mặc định: UBND TỈNH <ĐỊA DANH>")
    p.add_argument("--agency", metavar="CƠ_QUAN", default="SỞ Y TẾ", help="cơ quan ban hành; mặc định: SỞ Y TẾ")
    p.add_argument("--year", type=int, metavar="NĂM", help="năm của bộ mục tiêu chất lượng; mặc định: năm nay")
    p.add_argument("--no-seed", action="store_true", help="không tạo sẵn danh mục và mục tiêu theo mẫu")
    p.set_defaults(func=run)


class MissingArgumentError(CchcError):
    exit_code = 2


def run(args: argparse.Namespace) -> int:
    from ..core.db import default_database_path
    from ..core.newdb import create_database, default_profile

    place = (args.place or "").strip()
    if not place:
        raise MissingArgumentError(
            "Vui lòng cho biết địa danh của cơ quan bằng --place, ví dụ: --place \"Hà Tĩnh\"."
        )
    profile = default_profile(place, parent_agency=(args.parent or "").strip() or None, agency=args.agency.strip())
    location = getattr(args, "db", None) or default_database_path()
    name = create_database(location, profile, seed=not args.no_seed, year=args.year)
    print(
        f"Đã tạo cơ sở dữ liệu {name} cho {profile['agency']} – {profile['parent_agency']}. "
        "Có thể sửa thông tin cơ quan, người ký trong Cài đặt."
    )
    return 0
