"""Command line: no sub-command opens the window; sub-commands run headless jobs (SPEC §9)."""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence

from . import __version__
from .commands import COMMAND_MODULES
from .core.errors import CchcError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_REFUSED = 2


# argparse's own English messages, as the user reads them in Vietnamese.
_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (.+)"), "thiếu tham số bắt buộc: {0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "tham số không hợp lệ: {0}"),
    (
        re.compile(r"argument (.+?): invalid choice: (.+?) \(choose from (.+)\)"),
        "{0}: không có lựa chọn {1} (chọn một trong: {2})",
    ),
    (re.compile(r"argument (.+?): expected one argument"), "{0} cần một giá trị"),
    (re.compile(r"argument (.+?): invalid (\w+) value: (.+)"), "{0}: giá trị {2} không hợp lệ"),
    (re.compile(r"argument (.+?): not allowed with argument (.+)"), "không dùng {0} cùng với {1}"),
    (re.compile(r"argument (.+?): (.+)"), "{0}: {1}"),
)


class _VietnameseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "cách dùng: " if prefix is None else prefix)


class VietnameseArgumentParser(argparse.ArgumentParser):
    """argparse with its help and its errors in Vietnamese (exit code 2 on a usage error, like argparse)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", _VietnameseHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")

    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, template in _ARGPARSE_MESSAGES:
            match = pattern.fullmatch(message)
            if match:
                message = template.format(*match.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(EXIT_REFUSED, f"{self.prog}: lỗi: {message}\n")


def _common_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="ĐƯỜNG_DẪN_HOẶC_URL",
        help="tệp SQLite hoặc URL SQLAlchemy (postgresql+psycopg://…); mặc định: thư mục dữ liệu người dùng",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_parser()
    parser = VietnameseArgumentParser(
        prog="cchc-desktop",
        description="Báo cáo cải cách hành chính và mục tiêu chất lượng ISO cho Sở Y tế.",
        parents=[common],
    )
    parser.add_argument(
        "--version", action="version", version=f"cchc-desktop {__version__}", help="in số phiên bản rồi thoát"
    )
    parser.add_argument("--demo", action="store_true", help="mở cơ sở dữ liệu mẫu (tạo mới nếu chưa có)")
    parser.add_argument(
        "--smoke-test", action="store_true", help="mở cửa sổ chính rồi tự thoát (kiểm tra bản cài đặt)"
    )
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=VietnameseArgumentParser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"cchc_desktop.commands.{name}")
        module.register(sub, common)
    return parser


def _run_gui(args: argparse.Namespace) -> int:
    from .ui.app import run_app  # Qt only when a window is wanted

    return run_app(db_location=getattr(args, "db", None), demo=args.demo, smoke_test=args.smoke_test)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "func", None) or _run_gui
    try:
        from .core.backup import daily_backups

        with daily_backups():  # the day's first opening of a database backs it up
            return int(handler(args) or EXIT_OK)
    except CchcError as exc:
        print(exc.message, file=sys.stderr)
        return getattr(exc, "exit_code", EXIT_ERROR)
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading: not an error
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the database's environment (server gone, disk …): one sentence
        from sqlalchemy.exc import OperationalError

        if not isinstance(exc, OperationalError):
            return _unexpected(exc)
        from .core.db import translate_operational_error

        print(translate_operational_error(exc).message, file=sys.stderr)
        return EXIT_ERROR


def _unexpected(exc: BaseException) -> int:
    """The last line of defence: never a traceback, the details go to the log."""
    from .core.logs import log_unexpected, unexpected_message

    print(unexpected_message(log_unexpected(exc)), file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
