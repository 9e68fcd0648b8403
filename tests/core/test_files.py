"""Atomic file writes: the final name holds the old file or the complete new one, never a half file."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_desktop.core import files
from cchc_desktop.core.files import FileWriteError, atomic_path, atomic_write, atomic_write_text


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.txt"
    target.write_text("cũ", encoding="utf-8")
    with atomic_write(target, "w") as fh:
        fh.write("mới")
        assert target.read_text(encoding="utf-8") == "cũ"  # nothing visible until the rename
    assert target.read_text(encoding="utf-8") == "mới"
    assert _leftovers(tmp_path) == []


def test_an_error_while_writing_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.txt"
    target.write_text("cũ", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("một nửa", encoding="utf-8")
        raise RuntimeError("writer failed")
    assert target.read_text(encoding="utf-8") == "cũ"
    assert _leftovers(tmp_path) == []


def test_full_disk_is_one_sentence_and_the_old_file_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "xuat.xlsx"
    target.write_bytes(b"old")

    def full(*_args: object, **_kw: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(FileWriteError) as err:
        atomic_write_text(target, "new")
    assert err.value.message == "Không ghi được tệp “xuat.xlsx”: ổ đĩa đã đầy. Tệp cũ (nếu có) vẫn được giữ nguyên."
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_a_missing_folder_is_refused_in_vietnamese(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError, match="không còn tồn tại"):
        atomic_write_text(tmp_path / "khong-co" / "a.txt", "x")


def test_crash_point_counts_its_hits(monkeypatch: pytest.MonkeyPatch) -> None:
    killed: list[int] = []
    monkeypatch.setenv(files.KILL_ENV, "buoc:2")
    monkeypatch.setattr(files.os, "kill", lambda pid, sig: killed.append(sig))
    monkeypatch.setattr(files, "_crash_hits", {})
    files.crash_point("khac")
    files.crash_point("buoc")
    assert killed == []
    files.crash_point("buoc")
    assert killed == [signal.SIGKILL]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX kill")
def test_kill_just_before_the_rename_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("cũ", encoding="utf-8")
    code = f"from cchc_desktop.core.files import atomic_write_text; atomic_write_text({str(target)!r}, 'mới' * 1000)"
    env = {**os.environ, files.KILL_ENV: "before-replace"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=False)
    assert proc.returncode == -signal.SIGKILL
    assert target.read_text(encoding="utf-8") == "cũ"
