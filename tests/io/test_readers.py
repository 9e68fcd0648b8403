"""Readers and header detection on the files real offices send."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
import zipfile
from pathlib import Path

import pytest

from cchc_desktop.core.errors import CchcError
from cchc_desktop.io.importer import preview
from cchc_desktop.io.mapping import load_mapping, match_header, save_mapping

from .helpers import DOSSIERS, flat_rows, one_stop_xlsx, write_csv, write_xlsx

TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: tone marks as combining characters after the base letter."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = [c for c in parts if c in TONES]
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += base.encode("cp1258") + "".join(tones).encode("cp1258")
    return out


EXPECTED_MAPPING = {
    0: "code", 1: "procedure_code", 2: "procedure_name", 3: "applicant", 4: "channel",
    5: "received", 6: "due", 7: "resolved",
}


def test_one_stop_export_title_rows_merged_two_row_header(tmp_path: Path) -> None:
    header, rows = preview("dossiers", one_stop_xlsx(tmp_path / "os.xlsx"))
    assert (header.first_row, header.height) == (3, 2)  # header on sheet rows 4–5, under the titles
    assert header.mapping == EXPECTED_MAPPING
    assert [n for n, _ in rows] == [7, 8, 9, 10]  # the "(1) (2) …" numbering row is skipped
    assert rows[0][1][:2] == ["HS-001", "1.001"]


def test_date_cells_give_dates_and_datetimes(tmp_path: Path) -> None:
    path = one_stop_xlsx(tmp_path / "dates.xlsx", date_cells=True)
    _, rows = preview("dossiers", path)
    assert rows[0][1][5] == dt.datetime(2024, 1, 15, 8, 30)
    assert rows[1][1][5] == dt.date(2024, 1, 16)  # calamine: a plain date at 00:00


def test_headers_without_diacritics_and_synonyms(tmp_path: Path) -> None:
    header, _ = preview("dossiers", write_xlsx(tmp_path / "plain.xlsx", flat_rows(accents=False)))
    assert header.mapping == EXPECTED_MAPPING
    assert match_header("dossiers", "Hạn giải quyết (dd/mm/yyyy)") == "due"
    assert match_header("dossiers", "NGÀY HOÀN THÀNH") == "resolved"
    assert match_header("procedures", "Mức độ DVC") == "online_level"
    assert match_header("procedures", "Thời hạn giải quyết") == "duration"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
def test_csv_encodings_are_detected_and_nfc(tmp_path: Path, encoding: str) -> None:
    rows = flat_rows()
    if encoding == "cp1258":
        path = tmp_path / "f.csv"
        path.write_bytes(b"\r\n".join(b";".join(to_cp1258(str(c)) for c in r) for r in rows))
    else:
        path = write_csv(tmp_path / "f.csv", rows, encoding)
    header, data = preview("dossiers", path)
    assert header.mapping == EXPECTED_MAPPING
    applicant = data[0][1][3]
    assert applicant == "Nguyễn Văn An" and unicodedata.is_normalized("NFC", applicant)


def test_short_rows_are_padded(tmp_path: Path, db: object) -> None:
    rows = flat_rows()
    rows[2] = rows[2][:6]  # trailing cells empty: shorter than the header
    header, data = preview("dossiers", write_xlsx(tmp_path / "short.xlsx", rows))
    assert header.mapping == EXPECTED_MAPPING
    assert data[1][1][:2] == ["HS-002", "1.001"]


def test_declared_dimension_is_not_trusted(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "dim.xlsx", flat_rows())
    patched = tmp_path / "dim2.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:H5"/>' in data
                data = data.replace(b'<dimension ref="A1:H5"/>', b'<dimension ref="A1:B2"/>')
            dst.writestr(item, data)
    header, data = preview("dossiers", patched)
    assert header.mapping == EXPECTED_MAPPING
    assert [n for n, _ in data] == [2, 3, 4, 5] and len(data[3][1]) == 8


def test_mapping_saved_and_reused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "odd.xlsx", [["Số hồ sơ", "Mã TTHC", "Ngày nhận", "Cột lạ"], ["A", "1", "01/01/2024", "x"]])
    header, _ = preview("dossiers", path)
    header.mapping[3] = "note"
    save_mapping(tmp_path / "m.json", "dossiers", header)
    saved = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert saved == {"kind": "dossiers", "columns": {"Số hồ sơ": "code", "Mã TTHC": "procedure_code",
                                                     "Ngày nhận": "received", "Cột lạ": "note"}}
    again, _ = preview("dossiers", path, mapping=tmp_path / "m.json")
    assert again.mapping[3] == "note"
    with pytest.raises(CchcError, match="dành cho loại dữ liệu khác"):
        load_mapping(tmp_path / "m.json", "tasks")


def test_no_header_is_one_clear_sentence(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", [["a", "b"], [1, 2]])
    with pytest.raises(CchcError, match="Không tìm thấy dòng tiêu đề cột"):
        preview("dossiers", path)


def test_missing_required_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", [["Số hồ sơ", "Người nộp", "Kênh nộp"], ["A", "B", "Trực tiếp"]])
    with pytest.raises(CchcError, match="thiếu cột bắt buộc “Mã TTHC”, “Ngày tiếp nhận”"):
        preview("dossiers", path)


def test_dossier_rows_fixture_is_consistent() -> None:
    assert len({r[0] for r in DOSSIERS}) == len(DOSSIERS)


def test_openpyxl_parses_with_defusedxml() -> None:
    from cchc_desktop.io.sheets import DEFUSEDXML

    assert DEFUSEDXML is True
