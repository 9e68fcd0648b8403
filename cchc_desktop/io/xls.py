""".xls (BIFF) read by calamine in a child process whose memory and CPU time are capped.

Why a child: a corrupt .xls of a few kilobytes can make the reader panic (a Rust panic, which Python
sees as a ``BaseException``) or ask for tens of gigabytes (an allocation failure aborts the whole
program, no exception at all). Neither can be stopped inside the app's own process. The child (this
module run with ``-m``) sets ``RLIMIT_AS`` and ``RLIMIT_CPU`` where the OS has them, reads the sheet
and sends the rows back as pickles on its stdout, in chunks; the parent also stops it after
``WALL_SECONDS``. Any failure of the child — a panic, a refused allocation, a kill, a timeout — is
one Vietnamese sentence, and nothing else happens. An .xls has at most 65.536 rows, so a child that
reads it whole stays small; the parent streams the chunks.
"""

from __future__ import annotations

import datetime as dt
import pickle
import subprocess
import sys
import threading
import weakref
from collections.abc import Generator
from pathlib import Path
from typing import IO, Any

from ..core.errors import CchcError

MEMORY_BYTES = 768 << 20  # address space of the child (Python + calamine + the sheet)
CPU_SECONDS = 25
WALL_SECONDS = 60
CHUNK_ROWS = 2_000
_ALLOWED = (str, int, float, bool, dt.date, dt.datetime, dt.time, dt.timedelta, type(None))


class _Unpickler(pickle.Unpickler):
    """Only the plain values the child sends (no class from the file can be named)."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in ("date", "datetime", "time", "timedelta", "timezone"):
            return getattr(dt, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


def _corrupt(path: Path) -> CchcError:
    return CchcError(f"Tệp {path.name} bị hỏng hoặc không đọc được (định dạng Excel 97–2003, .xls).")


def xls_sheet(path: Path, sheet: str | int) -> Any:
    """The ``sheets.Sheet`` of an .xls, its rows streamed from the child (cleaned as every reader's)."""
    from .sheets import Sheet, _clean_rows

    if getattr(sys, "frozen", False):  # the packaged app: its own executable dispatches (__main__.py)
        command = [sys.executable, "--xls-child", str(path), repr(sheet)]
    else:
        command = [sys.executable, "-m", "cchc_desktop.io.xls", str(path), repr(sheet)]
    proc = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    timer = threading.Timer(WALL_SECONDS, proc.kill)
    timer.daemon = True
    timer.start()
    assert proc.stdout is not None
    stream = proc.stdout

    def finish() -> None:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        stream.close()

    try:
        head = _receive(stream)
    except BaseException:
        finish()
        raise
    if head is None or head[0] != "sheet":
        finish()
        if head is not None and head[0] == "missing":
            raise CchcError(f"Tệp {path.name} không có trang tính “{sheet}”.")
        raise _corrupt(path)
    _tag, name, merged, height = head

    def rows() -> Generator[tuple[int, list[Any]], None, None]:
        try:
            while True:
                message = _receive(stream)
                if message is None or message[0] == "error":
                    raise _corrupt(path)
                if message[0] == "end":
                    break
                yield from message[1]
            if proc.wait() != 0:
                raise _corrupt(path)
        finally:
            finish()

    found = Sheet(name, _clean_rows(path, rows()), merged, height)
    weakref.finalize(found, finish)  # a sheet dropped before its rows were read still ends the child
    return found


def _receive(stream: IO[bytes]) -> Any:
    """One message from the child, or None when it died (EOF or a truncated pickle)."""
    try:
        message = _Unpickler(stream).load()
    except (EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, IndexError):
        return None
    if not isinstance(message, tuple) or not message or not isinstance(message[0], str):
        return None
    if message[0] == "rows":
        for item in message[1]:
            if not all(isinstance(v, _ALLOWED) for v in item[1]):
                return None
    return message


def _cap() -> None:
    if sys.platform == "win32":
        _cap_windows()
        return
    try:
        import resource
    except ImportError:  # another OS without it: the parent's wall-clock timer is the bound
        return
    for limit, value in ((resource.RLIMIT_AS, MEMORY_BYTES), (resource.RLIMIT_CPU, CPU_SECONDS)):
        try:
            soft, hard = resource.getrlimit(limit)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(limit, (value, hard))
        except (ValueError, OSError):
            pass


def _cap_windows() -> None:
    """The same caps on Windows: the child puts itself in a job object limiting its committed memory and
    its CPU time. Any failure leaves the parent's wall-clock timer as the only bound."""
    if sys.platform != "win32":
        return
    import ctypes
    from ctypes import wintypes

    class BasicLimits(ctypes.Structure):
        _fields_ = [
            ("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
            ("LimitFlags", wintypes.DWORD), ("MinimumWorkingSetSize", ctypes.c_size_t),
            ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", wintypes.DWORD),
            ("Affinity", ctypes.c_size_t), ("PriorityClass", wintypes.DWORD), ("SchedulingClass", wintypes.DWORD),
        ]

    class IoCounters(ctypes.Structure):
        _fields_ = [(name, ctypes.c_ulonglong) for name in (
            "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
            "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]

    class ExtendedLimits(ctypes.Structure):
        _fields_ = [
            ("BasicLimitInformation", BasicLimits), ("IoInfo", IoCounters),
            ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
            ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t),
        ]

    process_time, process_memory, extended_information = 0x2, 0x100, 9
    try:
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        kernel32.GetCurrentProcess.restype = wintypes.HANDLE
        job = kernel32.CreateJobObjectW(None, None)
        if not job:
            return
        limits = ExtendedLimits()
        limits.BasicLimitInformation.LimitFlags = process_memory | process_time
        limits.BasicLimitInformation.PerProcessUserTimeLimit = CPU_SECONDS * 10_000_000  # 100 ns units
        limits.ProcessMemoryLimit = MEMORY_BYTES
        if kernel32.SetInformationJobObject(job, extended_information, ctypes.byref(limits), ctypes.sizeof(limits)):
            kernel32.AssignProcessToJobObject(job, kernel32.GetCurrentProcess())
    except (OSError, AttributeError, ValueError):
        return


def _child(path: str, sheet_text: str) -> int:
    import ast

    _cap()
    out = sys.stdout.buffer

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        sheet = ast.literal_eval(sheet_text)
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(path)
        try:
            if isinstance(sheet, str):
                ws = workbook.get_sheet_by_name(sheet)
            else:
                ws = workbook.get_sheet_by_index(sheet)
        except BaseException:  # noqa: BLE001
            send(("missing",))
            return 0
        first = ws.start[0] if ws.start else 0
        merged = [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in (ws.merged_cell_ranges or [])]
        send(("sheet", ws.name, merged, ws.height))
        chunk: list[tuple[int, list[Any]]] = []
        for index, cells in enumerate(ws.iter_rows(), first + 1):
            chunk.append((index, cells))
            if len(chunk) >= CHUNK_ROWS:
                send(("rows", chunk))
                chunk = []
        send(("rows", chunk))
        send(("end",))
    except BaseException:  # noqa: BLE001 - a panic or MemoryError: the parent says "corrupt"
        try:
            send(("error",))
        except BaseException:  # noqa: BLE001
            pass
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[2]))
