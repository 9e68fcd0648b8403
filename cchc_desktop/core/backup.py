"""Automatic and manual backups of the SQLite database, and restoring one.

Backups are consistent copies taken with SQLite's online backup API into ``backups/`` of the data folder,
named ``<database>-<YYYYmmdd-HHMMSS>-<reason>[-n].db`` (a name is never reused: the copy is linked onto its
final name, which fails rather than overwrite). One is taken at the first start of a day and before every
migration, import, restore, import-batch undo and ``demo --force`` (``backup_before(db, reason)``); old
ones are rotated: the newest ``KEEP_RECENT`` always, then the newest of each of the last 7 days, 4 weeks
and 12 months.

Restoring copies the chosen backup *into* the live database with the same backup API, in one write
transaction of the destination: a kill at any moment leaves the old data (SQLite rolls the unfinished
transaction back) or the complete restored state; other programs' locks are waited for (busy timeout).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CchcError, DatabaseError
from .files import crash_point, fsync_dir, fsync_file, temp_name, write_error_message

if TYPE_CHECKING:
    from .db import Database

log = logging.getLogger(__name__)

REASONS: dict[str, str] = {
    "hang-ngay": "Tự động đầu ngày",
    "thu-cong": "Sao lưu thủ công",
    "truoc-nang-cap": "Trước khi nâng cấp cấu trúc",
    "truoc-nhap": "Trước khi nhập dữ liệu",
    "truoc-khoi-phuc": "Trước khi khôi phục",
    "truoc-hoan-tac": "Trước khi hoàn tác đợt nhập",
    "truoc-tao-mau": "Trước khi tạo lại dữ liệu mẫu",
}
# What callers say → the slug in the file name.
REASON_ALIASES = {
    "daily": "hang-ngay",
    "manual": "thu-cong",
    "migration": "truoc-nang-cap",
    "import": "truoc-nhap",
    "restore": "truoc-khoi-phuc",
    "undo": "truoc-hoan-tac",
    "demo": "truoc-tao-mau",
}
KEEP_RECENT = 10
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<reason>[a-z-]+?)(?:-(?P<n>\d+))?\.db$")
BUSY_TIMEOUT_S = 10.0


class BackupError(CchcError):
    """A backup or a restore could not be done; the database is unchanged."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: dt.datetime
    reason: str  # slug, see REASONS
    size: int
    database: str  # the stem of the database it copies

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)


def backups_dir() -> Path:
    from .db import data_dir

    return data_dir() / "backups"


def _slug(reason: str) -> str:
    slug = REASON_ALIASES.get(reason, reason)
    if slug not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    return slug


# --------------------------------------------------------------------------- copying


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)


def copy_database(source: Path, target: Path, *, step: str | None = None) -> None:
    """Copy ``source`` onto ``target`` with the online backup API, as one write transaction of ``target``
    (``step`` names a crash point passed after every page, for the kill tests)."""
    src = _connect(source, readonly=True)
    try:
        dst = _connect(target)
        try:
            dst.execute("PRAGMA synchronous=FULL")
            progress: Callable[[int, int, int], object] | None = None
            pages = -1
            if step is not None and os.environ.get("CCHC_TEST_KILL_AT", "").startswith(step):
                pages = 1

                def progress(_status: int, _remaining: int, _total: int) -> None:
                    crash_point(step)

            src.backup(dst, pages=pages, progress=progress)
        finally:
            dst.close()
    finally:
        src.close()


def _link_no_clobber(tmp: Path, target: Path) -> None:
    """Give ``tmp`` the name ``target``, failing with FileExistsError rather than replace a file."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT): rename, which on Windows refuses too
        if target.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.rename(tmp, target)
        return
    tmp.unlink()


def write_backup(source: Path, folder: Path, reason: str, *, now: dt.datetime | None = None) -> Path:
    """A new backup of ``source`` in ``folder``; never overwrites another (the name gets a counter)."""
    slug = _slug(reason)
    stamp = (now or dt.datetime.now()).strftime(STAMP)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            f"Không tạo được thư mục sao lưu {folder}: {exc.strerror or exc}. Cơ sở dữ liệu không bị thay đổi."
        ) from exc
    base = f"{source.stem}-{stamp}-{slug}"
    tmp = temp_name(folder / f"{base}.db")
    try:
        with open(tmp, "xb"):
            pass
        copy_database(source, tmp, step="backup-step")
        fsync_file(tmp)
        crash_point("backup-before-rename")
        n = 1
        while True:
            target = folder / (f"{base}.db" if n == 1 else f"{base}-{n}.db")
            try:
                _link_no_clobber(tmp, target)
                break
            except FileExistsError:
                n += 1
        fsync_dir(folder)
    except OSError as exc:
        _remove(tmp)
        raise BackupError(_backup_message(folder / f"{base}.db", exc)) from exc
    except sqlite3.Error as exc:
        _remove(tmp)
        raise BackupError(_sqlite_message(exc, "Không sao lưu được cơ sở dữ liệu")) from exc
    except BaseException:
        _remove(tmp)
        raise
    log.info("Backup (%s) written to %s", slug, target)
    return target


def write_backup_to(source: Path, out: Path) -> Path:
    """A backup at a path the user chose (``backup --out``): refuses to overwrite anything."""
    if out.exists():
        raise BackupError(f"Tệp {out} đã tồn tại; hãy chọn tên khác để không ghi đè.")
    if not out.parent.is_dir():
        raise BackupError(f"Thư mục {out.parent} không tồn tại.")
    if out.resolve() == source.resolve():
        raise BackupError("Tệp sao lưu không được trùng với cơ sở dữ liệu đang dùng.")
    tmp = temp_name(out)
    try:
        with open(tmp, "xb"):
            pass
        copy_database(source, tmp, step="backup-step")
        fsync_file(tmp)
        crash_point("backup-before-rename")
        _link_no_clobber(tmp, out)
        fsync_dir(out.parent)
    except FileExistsError as exc:
        _remove(tmp)
        raise BackupError(f"Tệp {out} đã tồn tại; hãy chọn tên khác để không ghi đè.") from exc
    except OSError as exc:
        _remove(tmp)
        raise BackupError(_backup_message(out, exc)) from exc
    except sqlite3.Error as exc:
        _remove(tmp)
        raise BackupError(_sqlite_message(exc, "Không sao lưu được cơ sở dữ liệu")) from exc
    except BaseException:
        _remove(tmp)
        raise
    return out


def _backup_message(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return (
            f"Không ghi được bản sao lưu “{path.name}”: ổ đĩa đã đầy. "
            "Cơ sở dữ liệu không bị thay đổi; hãy giải phóng dung lượng rồi thử lại."
        )
    return write_error_message(path, exc).replace("Không ghi được tệp", "Không ghi được bản sao lưu", 1)


def _sqlite_message(exc: sqlite3.Error, prefix: str) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return f"{prefix}: cơ sở dữ liệu đang được một chương trình khác ghi; vui lòng thử lại sau ít phút."
    if "full" in text:
        return f"{prefix}: ổ đĩa đã đầy. Dữ liệu không bị thay đổi."
    if "readonly" in text or "read-only" in text:
        return f"{prefix}: tệp hoặc thư mục chỉ cho phép đọc."
    return f"{prefix}: {exc}."


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- listing and rotation


def parse_backup_name(path: Path) -> tuple[str, dt.datetime, str] | None:
    match = _NAME.match(path.name)
    if not match:
        return None
    try:
        created = dt.datetime.strptime(match["stamp"], STAMP)
    except ValueError:
        return None
    return match["stem"], created, match["reason"]


def list_backups(folder: Path | None = None, database: str | None = None) -> list[BackupInfo]:
    """Backups in ``folder`` (default: the data folder's), newest first; only ``database``'s if given."""
    folder = folder or backups_dir()
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    for path in folder.glob("*.db"):
        parsed = parse_backup_name(path)
        if parsed is None or (database is not None and parsed[0] != database):
            continue
        with contextlib.suppress(OSError):
            found.append(BackupInfo(path, parsed[1], parsed[2], path.stat().st_size, parsed[0]))
    found.sort(key=lambda b: (b.created, b.path.name), reverse=True)
    return found


def backups_to_keep(backups: list[BackupInfo]) -> set[Path]:
    """The newest KEEP_RECENT, and the newest of each of the last 7 days, 4 ISO weeks and 12 months."""
    ordered = sorted(backups, key=lambda b: (b.created, b.path.name), reverse=True)
    keep = {b.path for b in ordered[:KEEP_RECENT]}
    buckets: list[tuple[int, Callable[[dt.datetime], object]]] = [
        (KEEP_DAILY, lambda t: t.date()),
        (KEEP_WEEKLY, lambda t: t.isocalendar()[:2]),
        (KEEP_MONTHLY, lambda t: (t.year, t.month)),
    ]
    for limit, key in buckets:
        seen: list[object] = []
        for b in ordered:
            k = key(b.created)
            if k in seen:
                continue
            if len(seen) >= limit:
                break
            seen.append(k)
            keep.add(b.path)
    return keep


def rotate(folder: Path | None = None, database: str | None = None) -> list[Path]:
    """Delete the backups rotation no longer keeps (per database); returns what was removed."""
    removed: list[Path] = []
    backups = list_backups(folder)
    names = {b.database for b in backups} if database is None else {database}
    for name in names:
        mine = [b for b in backups if b.database == name]
        keep = backups_to_keep(mine)
        for b in mine:
            if b.path not in keep:
                with contextlib.suppress(OSError):
                    b.path.unlink()
                    removed.append(b.path)
    return removed


# --------------------------------------------------------------------------- entry points


def backup_file(path: Path, reason: str, *, folder: Path | None = None, rotation: bool = True) -> Path | None:
    """Back up the SQLite file ``path`` (nothing when it does not exist or is empty), then rotate."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    folder = folder or backups_dir()
    made = write_backup(path, folder, reason)
    if rotation:
        _rotate_quietly(folder, path.stem)
    return made


def _rotate_quietly(folder: Path, database: str) -> None:
    try:
        rotate(folder, database)
    except OSError:  # pragma: no cover - rotation never blocks the work it protects
        log.warning("Backup rotation failed", exc_info=True)


def backup_before(db: Database, reason: str) -> Path | None:
    """The backup to take before a risky step (``import``, ``undo``, ``restore``, ``demo``, ``migration``).
    A server database (PostgreSQL) is backed up on the server: nothing is written here. Raises
    ``BackupError`` when the copy cannot be written — the caller then does not start the step."""
    _slug(reason)
    if db.path is None:
        return None
    return backup_file(db.path, reason)


def daily_backup_due(path: Path, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return not any(b.created.date() == today for b in list_backups(database=path.stem))


def daily_backup(path: Path) -> Path | None:
    """At the first start of a day: a backup, unless one of today's exists. Never blocks opening."""
    try:
        if not daily_backup_due(path):
            return None
        return backup_file(path, "daily")
    except (BackupError, OSError, sqlite3.Error) as exc:
        log.warning("Daily backup of %s not written: %s", path, exc)
        return None


_daily_enabled = False


@contextlib.contextmanager
def daily_backups() -> Iterator[None]:
    """While active (the CLI's commands, the window), ``open_database`` takes the day's first backup."""
    global _daily_enabled
    previous = _daily_enabled
    _daily_enabled = True
    try:
        yield
    finally:
        _daily_enabled = previous


def daily_backups_enabled() -> bool:
    return _daily_enabled


# --------------------------------------------------------------------------- restore


def check_backup_file(source: Path) -> None:
    """Refuse a file that is not a healthy database of this app, or one from a newer version."""
    from .db import SQLITE_HEADER, _refuse_foreign_revision

    if not source.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {source}.")
    try:
        with source.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BackupError(f"Không đọc được tệp {source.name}: {exc.strerror or exc}.") from exc
    if header != SQLITE_HEADER:
        raise BackupError(f"Tệp {source.name} không phải là bản sao lưu cơ sở dữ liệu của ứng dụng.")
    try:
        con = _connect(source, readonly=True)
        try:
            if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"Bản sao lưu {source.name} bị hỏng; không khôi phục.")
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Tệp {source.name} không phải là bản sao lưu cơ sở dữ liệu của ứng dụng.") from exc
    if revision is None or "dossier" not in tables:
        raise BackupError(f"Tệp {source.name} không phải là bản sao lưu cơ sở dữ liệu của ứng dụng.")
    try:
        _refuse_foreign_revision(source.name, revision, tables)
    except DatabaseError as exc:
        raise BackupError(exc.message) from exc


def restore_backup(source: Path, target: Path) -> Path | None:
    """Replace the database ``target`` by the backup ``source``: checked first, the current state backed
    up, then copied in as one transaction. Returns the backup of the state before."""
    source, target = Path(source), Path(target)
    check_backup_file(source)
    if target.exists() and source.resolve() == target.resolve():
        raise BackupError("Bản sao lưu và cơ sở dữ liệu đang dùng là cùng một tệp.")
    # No rotation until the copy is done: it could delete the very backup being restored.
    before = backup_file(target, "restore", rotation=False) if target.exists() else None
    crash_point("restore-after-backup")
    try:
        if not target.exists():
            if not target.parent.is_dir():
                raise BackupError(f"Thư mục {target.parent} không tồn tại.")
            write_backup_to(source, target)
        else:
            copy_database(source, target, step="restore-step")
    except sqlite3.Error as exc:
        raise BackupError(_sqlite_message(exc, "Không khôi phục được")) from exc
    except OSError as exc:
        raise BackupError(_backup_message(target, exc)) from exc
    crash_point("restore-done")
    _rotate_quietly(backups_dir(), target.stem)
    log.info("Database %s restored from %s (state before: %s)", target, source, before)
    return before
