"""``cchc-desktop import KIND FILE``: import a spreadsheet (.xlsx, .xls, .csv) in one transaction."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.db import Database, open_database

KINDS = ("dossiers", "procedures", "decisions", "tasks", "documents", "survey_forms", "survey_totals")
SHOWN_REASONS = 10


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("import", parents=[common], help="nhập dữ liệu từ tệp Excel hoặc CSV")
    p.add_argument("kind", choices=(*KINDS, "package"), metavar="LOẠI",
                   help="loại dữ liệu: " + ", ".join(KINDS) + "; package: gói số liệu (.cchc) của một đơn vị")
    p.add_argument("file", metavar="TỆP", help="tệp .xlsx, .xlsm, .xls hoặc .csv")
    p.add_argument("--mapping", metavar="M.json", help="tệp ánh xạ cột đã lưu")
    p.add_argument("--save-mapping", metavar="M.json", help="lưu ánh xạ cột đã dùng vào tệp này")
    p.add_argument("--all-or-nothing", action="store_true", help="chỉ lưu khi mọi dòng đều hợp lệ")
    p.add_argument("--rejects", metavar="OUT.xlsx", help="ghi các dòng bị từ chối (kèm lý do) ra tệp này")
    p.add_argument(
        "--create-missing",
        "--create-missing-procedures",  # the old name, kept
        dest="create_missing",
        action="store_true",
        help="tạo đơn vị, lĩnh vực và thủ tục chưa có trong danh mục (đánh dấu “cần bổ sung thông tin”); "
        "tên cũ --create-missing-procedures vẫn dùng được",
    )
    p.add_argument(
        "--preview",
        action="store_true",
        help="chỉ liệt kê đơn vị, lĩnh vực, thủ tục chưa có trong danh mục (kèm số dòng), không nhập; "
        "với gói số liệu: liệt kê bản ghi mới, thay đổi, xung đột mà không lưu",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..io.export import save_rejects
    from ..io.importer import import_file
    from ..io.mapping import save_mapping

    if args.kind == "package":
        from .package import run_import

        return run_import(args)
    path = Path(args.file).expanduser()
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    if args.preview:
        try:
            return _preview(db, args.kind, path, args.mapping)
        finally:
            db.close()
    try:
        result = import_file(
            db,
            args.kind,
            path,
            mapping=Path(args.mapping).expanduser() if args.mapping else None,
            all_or_nothing=args.all_or_nothing,
            create_missing=args.create_missing,
        )
    finally:
        db.close()
    print(result.summary())
    if result.committed and result.batch_id is not None:
        print(f"Lần nhập số {result.batch_id}; hoàn tác cả lần nhập: cchc-desktop undo-import {result.batch_id}")
    for reject in result.rejects[:SHOWN_REASONS]:
        column = f", cột “{reject.column}”" if reject.column else ""
        print(f"  Dòng {reject.row}{column}: {reject.reason}")
    if len(result.rejects) > SHOWN_REASONS:
        print(f"  … và {len(result.rejects) - SHOWN_REASONS} dòng khác.")
    if not args.create_missing and any("chưa có trong danh mục" in r.reason for r in result.rejects[:1000]):
        print("Có đơn vị, lĩnh vực hoặc thủ tục chưa có trong danh mục: xem danh sách bằng --preview, "
              "tạo tất cả bằng --create-missing.")
    if args.rejects and result.rejects:
        out = Path(args.rejects).expanduser()
        save_rejects(result, out)
        print(f"Đã ghi các dòng bị từ chối vào {out}")
    if args.save_mapping and result.header is not None:
        save_mapping(Path(args.save_mapping).expanduser(), args.kind, result.header)
    if not result.committed:
        return 1
    return 0 if not result.rejects else 2



def _preview(db: Database, kind: str, path: Path, mapping: str | None) -> int:
    """What the import would add to the catalogue (dossier files), with the number of rows of each."""
    from ..core.errors import CchcError
    from ..io.catalogue import scan_file

    if kind != "dossiers":
        raise CchcError("--preview chỉ dùng cho tệp hồ sơ (dossiers).")
    gaps = scan_file(db, path, mapping=Path(mapping).expanduser() if mapping else None)
    lines = gaps.lines()
    print(f"Tệp {path.name}: {gaps.rows} dòng dữ liệu.")
    print("\n".join(lines) if lines else "Mọi đơn vị, lĩnh vực và thủ tục trong tệp đã có trong danh mục.")
    if gaps.missing:
        print("Nhập kèm --create-missing để tạo tất cả (đánh dấu “cần bổ sung thông tin”).")
    return 0
