"""``cchc-desktop log``, ``undo-import``, ``trash`` and ``undelete``: the audit trail, import batches and
the recycle bin from the command line (the rules live in ``core.audit``)."""

from __future__ import annotations

import argparse
import datetime as dt

from sqlalchemy import select

from ..core import audit
from ..core import models as m
from ..core.db import open_database
from ..core.errors import CchcError


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("log", parents=[common], help="xem nhật ký thay đổi dữ liệu (ai, lúc nào, giá trị cũ → mới)")
    p.add_argument("--table", metavar="BẢNG", help="chỉ một loại dữ liệu, theo tên bảng (ví dụ dossier, procedure)")
    p.add_argument("--user", metavar="NGƯỜI", help="chỉ thay đổi của người này (tên đăng nhập)")
    p.add_argument("--record", metavar="MÃ", help="chỉ bản ghi có mã (hoặc số ID) này")
    p.add_argument("--since", metavar="NGÀY", help="từ ngày dd/mm/yyyy")
    p.add_argument("--batch", metavar="SỐ", type=int, help="chỉ các thay đổi của lần nhập này")
    p.add_argument("--limit", metavar="N", type=int, default=50, help="số dòng tối đa (mặc định 50)")
    p.set_defaults(func=run_log)
    p = sub.add_parser("imports", parents=[common], help="liệt kê các lần nhập dữ liệu (số, tệp, mã băm, kết quả)")
    p.set_defaults(func=run_imports)
    p = sub.add_parser("undo-import", parents=[common], help="hoàn tác toàn bộ một lần nhập dữ liệu")
    p.add_argument("batch_id", metavar="SỐ_LẦN_NHẬP", type=int, help="số của lần nhập (xem lệnh imports)")
    p.set_defaults(func=run_undo)
    p = sub.add_parser("trash", parents=[common], help="liệt kê các bản ghi đã xóa trong Thùng rác")
    p.set_defaults(func=run_trash)
    p = sub.add_parser("undelete", parents=[common], help="khôi phục một bản ghi từ Thùng rác")
    p.add_argument("entry_id", metavar="SỐ", type=int, help="số của bản ghi trong Thùng rác (xem lệnh trash)")
    p.set_defaults(func=run_undelete)


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CchcError(f"Ngày “{text}” không hợp lệ; vui lòng nhập theo dạng dd/mm/yyyy.")


def run_log(args: argparse.Namespace) -> int:
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        with db.session() as session:
            stmt = audit.log_select(start=_date(args.since), user=args.user, table_name=args.table,
                                    record=args.record, batch_id=args.batch).limit(max(args.limit, 1))
            entries = session.scalars(stmt).all()
            for e in entries:
                what = f"{audit.table_label(e.table_name)} “{e.record_code or e.record_id}”"
                batch = f" [lần nhập {e.batch_id}]" if e.batch_id else ""
                print(f"{e.at.strftime('%d/%m/%Y %H:%M:%S')}  {e.user}  {audit.ACTION_LABELS.get(e.action, e.action)} "
                      f"{what}{batch}: {audit.describe(session, e)}")
            if not entries:
                print("Không có thay đổi nào khớp điều kiện.")
    finally:
        db.close()
    return 0


def run_imports(args: argparse.Namespace) -> int:
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        with db.session() as session:
            batches = session.scalars(audit.batches_select()).all()
            for b in batches:
                undone = f"; đã hoàn tác {b.undone_at.strftime('%d/%m/%Y %H:%M')}" if b.undone_at else ""
                print(f"{b.id}: {b.at.strftime('%d/%m/%Y %H:%M')}  {b.user}  {b.kind}  {b.file_name}  "
                      f"SHA-256 {b.sha256[:16]}…  {b.n_new} mới, {b.n_updated} cập nhật, {b.n_rejected} từ chối{undone}")
            if not batches:
                print("Chưa có lần nhập nào.")
    finally:
        db.close()
    return 0


def run_undo(args: argparse.Namespace) -> int:
    from ..core.backup import backup_before

    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        backup_before(db, "undo")
        with db.transaction() as session:
            print(audit.undo_batch(session, args.batch_id))
    finally:
        db.close()
    return 0


def run_trash(args: argparse.Namespace) -> int:
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        with db.session() as session:
            entries = session.scalars(audit.bin_select()).all()
            for e in entries:
                print(f"{e.id}: {e.at.strftime('%d/%m/%Y %H:%M')}  {e.user}  "
                      f"{audit.table_label(e.table_name)} “{e.record_code or e.record_id}”")
            if not entries:
                print("Thùng rác trống.")
    finally:
        db.close()
    return 0


def run_undelete(args: argparse.Namespace) -> int:
    db = open_database(getattr(args, "db", None), create=False, upgrade=False)
    try:
        with db.transaction() as session:
            if session.scalar(select(m.AuditEntry.id).where(m.AuditEntry.id == args.entry_id)) is None:
                raise CchcError(f"Không có bản ghi số {args.entry_id} trong Thùng rác.")
            print(audit.restore(session, args.entry_id))
    finally:
        db.close()
    return 0
