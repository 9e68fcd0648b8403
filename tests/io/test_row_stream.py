"""The rows of a sheet by blocks (``sheets.RowStream``): the header taken row by row and the rest by
blocks give every row once, and a refusal or a broken reader comes after the rows before it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cchc_desktop.core.errors import CchcError
from cchc_desktop.io import sheets
from cchc_desktop.io.sheets import open_sheet


def _csv(path: Path, n: int) -> Path:
    lines = ["Số hồ sơ;Người nộp"] + [f"HS-{i:05d};Nguyễn Văn {i}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rows_then_blocks_give_every_row_once(tmp_path: Path) -> None:
    path = _csv(tmp_path / "ho-so.csv", 3 * sheets.BLOCK + 17)
    expected = list(open_sheet(path).rows)
    stream = open_sheet(path).rows
    head = list(itertools.islice(stream, 3))
    blocks = list(stream.blocks())
    assert all(blocks) and len(blocks) == 4  # what was left of the first block, then three more
    assert head + [row for block in blocks for row in block] == expected
    assert expected[1] == (2, ["HS-00000", "Nguyễn Văn 0"]) and len(expected) == 3 * sheets.BLOCK + 18


def test_too_many_rows_are_refused_after_the_rows_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheets, "MAX_ROWS", sheets.BLOCK + 100)  # in the middle of the second block
    seen: list[Any] = []
    with pytest.raises(CchcError, match="dòng; hãy chia nhỏ tệp"):
        for block in open_sheet(_csv(tmp_path / "ho-so.csv", 2 * sheets.BLOCK)).rows.blocks():
            seen.extend(block)
    assert len(seen) == sheets.BLOCK + 100


def test_a_broken_reader_gives_its_rows_then_the_sentence(tmp_path: Path) -> None:
    def reader() -> Iterator[tuple[int, list[Any]]]:
        yield from ((n, [f"HS-{n}"]) for n in range(1, 11))
        raise RuntimeError("panic in the reader")

    stream = sheets._clean_rows(tmp_path / "x.xlsx", reader(), lambda _exc: CchcError("Tệp x.xlsx bị hỏng."))
    seen: list[Any] = []
    with pytest.raises(CchcError, match="bị hỏng"):
        seen.extend(stream)
    assert [n for n, _ in seen] == list(range(1, 11))
