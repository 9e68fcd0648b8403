"""Opening the database: SQLite file (default) or a SQLAlchemy URL (PostgreSQL for shared offices).

``open_database`` resolves the location, checks the file is ours and healthy, sets the SQLite
pragmas, and upgrades the schema with Alembic after writing a backup copy next to the file.
A database written by a newer version of the app is refused and left untouched.
"""

from __future__ import annotations

import ast
import contextlib
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from .. import APP_NAME
from .errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic itself (~0,15 s to import) is loaded only when a schema must change, never on an ordinary start.

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
NETWORK_FS_TYPES = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ncpfs", "davfs"}


def data_dir() -> Path:
    """The user's data folder (``%LOCALAPPDATA%\\cchc_desktop`` on Windows); overridable for tests."""
    override = os.environ.get("CCHC_DATA_DIR")
    if override:
        return Path(override)
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_database_path() -> Path:
    return data_dir() / "cchc.db"


def demo_database_path() -> Path:
    return data_dir() / "demo.db"


@dataclass
class Database:
    """An open database: engine, session factory and where it lives."""

    engine: Engine
    url: str
    path: Path | None = None  # the SQLite file, None for a server database
    sessions: sessionmaker[Session] = field(init=False)
    write_sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Write transactions begin with BEGIN IMMEDIATE on SQLite (see ``_make_engine``): the write lock is
        # taken first, so the busy timeout applies instead of a stale snapshot failing at the first write.
        self.write_sessions = sessionmaker(self.engine.execution_options(cchc_write=True), expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return str(self.path)
        return mask_url(self.url)

    def session(self) -> Session:
        return self.sessions()

    @contextlib.contextmanager
    def transaction(self, *, lock: str | None = None) -> Iterator[Session]:
        """One unit of work: commit on success, roll back everything on any error. With ``lock`` (e.g.
        "import"), transactions of the same lock run one after the other on PostgreSQL too (a
        transaction-level advisory lock; SQLite's BEGIN IMMEDIATE already serialises every writer)."""
        with self.write_sessions() as session:
            try:
                with session.begin():
                    if lock is not None and self.engine.dialect.name == "postgresql":
                        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_key(lock)})
                    yield session
            except OperationalError as exc:
                raise translate_operational_error(exc, self.display_name) from exc

    def close(self) -> None:
        self.engine.dispose()


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_xact_lock`` (the same in every process)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(f"cchc_desktop:{name}".encode()).digest()[:8], "big", signed=True)


_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][\w+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?P<at>@)")
_DSN_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<pw>'[^']*'|\S+)", re.IGNORECASE)


def mask_url(text: str) -> str:
    """``text`` with every password of a database URL (or a ``password=`` DSN part) shown as ***."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}***{m['at']}", text)
    return _DSN_PASSWORD.sub(lambda m: f"{m['head']}***", text)


# --------------------------------------------------------------------------- locating


def _looks_like_url(text: str) -> bool:
    return "://" in text and not (len(text) > 1 and text[1] == ":")  # not "C:\..."


def resolve_location(path_or_url: str | os.PathLike[str] | None) -> tuple[str, Path | None]:
    """Return (SQLAlchemy URL, SQLite path or None)."""
    if path_or_url is None:
        path = default_database_path()
        return f"sqlite:///{path}", path
    text = os.fspath(path_or_url)
    if _looks_like_url(text):
        try:
            url = make_url(text)
        except ArgumentError as exc:
            raise DatabaseError(f"Địa chỉ cơ sở dữ liệu không hợp lệ: {mask_url(text)}") from exc
        if url.get_backend_name() == "sqlite":
            db_path = url.database
            if not db_path or db_path == ":memory:":
                return text, None
            return text, Path(db_path)
        return text, None
    path = Path(text).expanduser()
    return f"sqlite:///{path}", path


def is_network_path(path: Path) -> bool:
    """True when the file lives on a network share (WAL is unsafe there)."""
    resolved = str(path.resolve() if path.exists() else path.parent.resolve())
    if sys.platform != "win32":
        return _on_network_mount(resolved, _mount_table())
    if resolved.startswith("\\\\"):  # UNC path: \\server\share
        return True
    try:
        import ctypes

        drive = os.path.splitdrive(resolved)[0] + "\\"
        return ctypes.windll.kernel32.GetDriveTypeW(drive) == 4  # type: ignore[attr-defined]  # DRIVE_REMOTE
    except (OSError, AttributeError):
        return False


def _mount_table() -> list[str]:
    try:
        return Path("/proc/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _on_network_mount(resolved: str, mounts: list[str]) -> bool:
    """True when the longest mount point containing ``resolved`` is a network file system."""
    best, fstype = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        if (resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")) and len(
            mount_point
        ) > len(best):
            best, fstype = mount_point, parts[2]
    return fstype in NETWORK_FS_TYPES


def _probe_sqlite(path: Path) -> None:
    """Read-only look at an existing file before anything writes to it (WAL switch, upgrade)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        msg = str(exc).lower()
        if "unable to open" in msg or "readonly" in msg or "read-only" in msg:
            raise DatabaseError(read_only_message(path)) from exc
        raise DatabaseError(f"Không mở được tệp {path}: {exc}.") from exc
    try:
        result = con.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise DatabaseError(f"Cơ sở dữ liệu {path} bị hỏng ({result}).")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        msg = str(exc).lower()
        if "locked" in msg or "busy" in msg:
            raise DatabaseError(
                "Cơ sở dữ liệu đang được một chương trình khác sử dụng. Vui lòng thử lại sau ít phút."
            ) from exc
        if "unable to open" in msg or "readonly" in msg or "read-only" in msg:
            raise DatabaseError(read_only_message(path)) from exc
        raise DatabaseError(f"Tệp {path} không phải là cơ sở dữ liệu của ứng dụng hoặc đã bị hỏng.") from exc
    finally:
        con.close()
    _refuse_foreign_revision(str(path), revision, tables)


def read_only_message(path: Path) -> str:
    return (
        f"Không mở được cơ sở dữ liệu {path} để ghi: tệp hoặc thư mục “{path.parent}” chỉ cho phép đọc "
        "(ứng dụng cần ghi nhật ký giao dịch bên cạnh tệp). Tệp không bị hỏng; hãy cấp quyền ghi "
        "hoặc chép tệp sang một thư mục khác."
    )


def folder_is_read_only(path: Path) -> bool:
    folder = path.parent
    return folder.is_dir() and not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


def _refuse_foreign_revision(name: str, revision: str | None, tables: set[str]) -> None:
    if revision is not None and revision != head_revision() and revision not in _known_revisions():
        raise DatabaseError(
            "Cơ sở dữ liệu này được tạo bởi phiên bản mới hơn của ứng dụng. "
            "Vui lòng cài phiên bản mới nhất để mở; dữ liệu không bị thay đổi."
        )
    if revision is None and tables - {"alembic_version"}:
        raise DatabaseError(f"Tệp {name} không phải là cơ sở dữ liệu của ứng dụng.")


def _check_sqlite_file(path: Path, create: bool) -> None:
    if path.exists():
        if path.is_dir():
            raise DatabaseError(f"{path} là một thư mục, không phải tệp cơ sở dữ liệu.")
        size = path.stat().st_size
        if size == 0:
            if not create:
                raise DatabaseError(
                    f"Tệp {path} trống (0 byte), không chứa dữ liệu nào: đây không phải là cơ sở dữ liệu của "
                    "ứng dụng. Hãy mở đúng tệp, hoặc khôi phục từ một bản sao lưu."
                )
            return
        try:
            with path.open("rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise DatabaseError(f"Không đọc được tệp {path}: {exc.strerror or exc}.") from exc
        if header != SQLITE_HEADER:
            raise DatabaseError(f"Tệp {path} không phải là cơ sở dữ liệu của ứng dụng.")
        return
    if not path.parent.is_dir():
        raise DatabaseError(f"Thư mục {path.parent} không tồn tại.")
    if not create:
        raise DatabaseError(f"Không tìm thấy cơ sở dữ liệu {path}.")


# --------------------------------------------------------------------------- engine


def _make_engine(url: str, path: Path | None, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    if make_url(url).get_backend_name() != "sqlite":
        try:
            return create_engine(url, pool_pre_ping=True)
        except (ArgumentError, ImportError, SQLAlchemyError) as exc:
            raise DatabaseError(f"Không kết nối được cơ sở dữ liệu {mask_url(url)}: {mask_url(str(exc))}") from exc

    journal = "DELETE" if path is not None and is_network_path(path) else "WAL"
    if path is None:
        journal = "MEMORY"
    engine = create_engine(
        url,
        poolclass=NullPool if path is not None else None,
        connect_args={"timeout": busy_timeout_ms / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cur.execute(f"PRAGMA journal_mode={journal}")
        # FULL: in WAL mode the log is synced at every commit (NORMAL would lose the last commits on a
        # power cut); in rollback-journal mode FULL is SQLite's default, set here for clarity.
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        # Readers BEGIN (deferred: they never block); ``Database.transaction`` takes the write lock first.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("cchc_write") else "BEGIN")

    return engine


_SERVER_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "connection failed",
    "could not translate host name",
    "name or service not known",
    "timeout expired",
    "timed out",
    "no route to host",
    "network is unreachable",
    "server closed the connection",
    "connection to server",
)


def translate_operational_error(exc: OperationalError, name: str | None = None) -> DatabaseError:
    """Sort the environment's errors (SQLite's and the server's) into a kind Vietnamese sentence; no
    password ever appears in it."""
    text = str(exc.orig if exc.orig is not None else exc).lower()
    where = f" {mask_url(name)}" if name else ""
    if "password authentication failed" in text or "authentication failed" in text:
        return DatabaseError(f"Máy chủ cơ sở dữ liệu{where} từ chối đăng nhập: sai tên đăng nhập hoặc mật khẩu.")
    if "does not exist" in text and "database" in text:
        return DatabaseError(f"Máy chủ không có cơ sở dữ liệu{where}; hãy kiểm tra tên cơ sở dữ liệu trong địa chỉ.")
    if any(marker in text for marker in _SERVER_UNREACHABLE):
        return DatabaseError(
            f"Không kết nối được máy chủ cơ sở dữ liệu{where}: máy chủ không trả lời hoặc từ chối kết nối. "
            "Hãy kiểm tra địa chỉ, cổng, mạng và máy chủ PostgreSQL rồi thử lại."
        )
    if "locked" in text or "busy" in text:
        return DatabaseError(
            "Cơ sở dữ liệu đang được một chương trình khác sử dụng. Vui lòng thử lại sau ít phút."
        )
    if "disk is full" in text or "database or disk is full" in text:
        return DatabaseError("Ổ đĩa đã đầy, không ghi được dữ liệu. Dữ liệu trước đó vẫn được giữ nguyên.")
    if "readonly" in text or "read-only" in text:
        return DatabaseError(
            "Cơ sở dữ liệu chỉ cho phép đọc (tệp hoặc thư mục không cho phép ghi), không ghi được thay đổi; "
            "dữ liệu không bị hỏng."
        )
    if "not a database" in text or "malformed" in text:
        return DatabaseError("Tệp cơ sở dữ liệu bị hỏng hoặc không phải cơ sở dữ liệu của ứng dụng.")
    if "unable to open" in text:
        return DatabaseError("Không mở được tệp cơ sở dữ liệu (kiểm tra đường dẫn và quyền truy cập).")
    return DatabaseError(mask_url(f"Lỗi cơ sở dữ liệu: {exc.orig if exc.orig is not None else exc}"))


# --------------------------------------------------------------------------- migrations


def migrations_dir() -> Path:
    return Path(str(resources.files("cchc_desktop.core") / "migrations"))


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


def _head_from_files() -> str | None:
    """The single head read from the migration files' ``revision`` / ``down_revision`` lines, or None
    when they do not read simply (then Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (migrations_dir() / "versions").glob("*.py"):
        fields = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        if "revision" not in fields:
            continue
        try:
            revision = ast.literal_eval(fields["revision"])
            down = ast.literal_eval(fields.get("down_revision", "None"))
        except (ValueError, SyntaxError):
            return None
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple):
            parents.update(down)
        elif down is not None:
            return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def head_revision() -> str:
    head = _head_from_files()
    if head is None:
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision stored in the database (None for an empty one)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:
        raise DatabaseError("Cơ sở dữ liệu ghi nhiều phiên bản cấu trúc cùng lúc; không thể mở an toàn.")
    return rows[0] if rows else None


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _upgrade(db: Database, *, backup: bool) -> None:
    engine = db.engine
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    _refuse_foreign_revision(db.display_name, current, set(inspect(engine).get_table_names()))
    if current is not None and backup and db.path is not None:
        from .backup import backup_before

        backup_before(db, "migration")
    from alembic import command

    cfg = alembic_config()
    with engine.execution_options(cchc_write=True).begin() as conn:  # BEGIN IMMEDIATE on SQLite
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


# --------------------------------------------------------------------------- entry point


def open_database(
    path_or_url: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    upgrade: bool = True,
    backup: bool = True,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> Database:
    """Open (and with ``create`` make) the database, checked and at the current schema."""
    url, path = resolve_location(path_or_url)
    if path is not None:
        _check_sqlite_file(path, create)
        _probe_sqlite(path)
        from .backup import daily_backup, daily_backups_enabled

        if daily_backups_enabled():
            daily_backup(path)
    engine = _make_engine(url, path, busy_timeout_ms)
    db = Database(engine=engine, url=url, path=path)
    try:
        if db.is_sqlite:
            with engine.connect() as conn:
                result = conn.exec_driver_sql("PRAGMA quick_check").scalar()
            if result != "ok":
                raise DatabaseError(f"Cơ sở dữ liệu {db.display_name} bị hỏng ({result}).")
        else:
            with engine.connect():  # an unreachable server is said now, in one sentence
                pass
        if upgrade:
            _upgrade(db, backup=backup)
    except OperationalError as exc:
        engine.dispose()
        if path is not None and folder_is_read_only(path):
            raise DatabaseError(read_only_message(path)) from exc
        raise translate_operational_error(exc, db.display_name) from exc
    except sqlite3.DatabaseError as exc:  # pragma: no cover - raised outside SQLAlchemy wrappers
        engine.dispose()
        raise DatabaseError(f"Tệp {db.display_name} không phải là cơ sở dữ liệu của ứng dụng.") from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        orig = getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.DatabaseError):
            raise DatabaseError(f"Tệp {db.display_name} không phải là cơ sở dữ liệu của ứng dụng.") from exc
        raise DatabaseError(mask_url(f"Không mở được cơ sở dữ liệu {db.display_name}: {orig or exc}")) from exc
    except DatabaseError:
        engine.dispose()
        raise
    return db
