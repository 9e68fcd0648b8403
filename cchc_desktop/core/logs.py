"""Logging to a rotating file in the user's data folder (never in the install folder)."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from .db import data_dir, mask_url

_configured: Path | None = None


class MaskingFormatter(logging.Formatter):
    """No secret in the log: a database URL's password (in a message or a traceback) is written as ***."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_url(super().format(record))


def log_path() -> Path:
    return data_dir() / "logs" / "cchc.log"


def setup_logging(level: int = logging.INFO) -> Path:
    """Attach the file handler once; returns the log file's path."""
    global _configured
    path = log_path()
    if _configured == path:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    _configured = path
    return path


def log_unexpected(exc: BaseException) -> Path:
    """Write an unexpected error with its traceback to the log; returns the log's path."""
    path = setup_logging()
    logging.getLogger("cchc_desktop").error("Unexpected error", exc_info=exc)
    return path


def unexpected_message(path: Path) -> str:
    return f"Đã xảy ra lỗi không mong muốn. Chi tiết đã được ghi vào tệp nhật ký: {path}"
