"""Acronyms keep their capitals inside messages: "số quyết định UBND", never "số quyết định ubnd"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.errors import ValidationError
from cchc_desktop.core.labels import in_sentence
from cchc_desktop.io.importer import import_file
from tests.io.helpers import write_xlsx


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Số quyết định UBND", "số quyết định UBND"),
        ("Mã TTHC", "mã TTHC"),
        ("Số quyết định quy trình ISO", "số quyết định quy trình ISO"),
        ("Số công văn đề nghị cập nhật CSDL", "số công văn đề nghị cập nhật CSDL"),
        ("Mức độ DVC trực tuyến", "mức độ DVC trực tuyến"),
        ("Đã công bố trong HTQLCL", "đã công bố trong HTQLCL"),
        ("TTHC trong quyết định công bố", "TTHC trong quyết định công bố"),
        ("Cơ quan chủ quản", "cơ quan chủ quản"),
        ("Biểu số 06a/VPCP/KSTT", "biểu số 06a/VPCP/KSTT"),
        ("Chỉ hồ sơ của TTHC có cung cấp DVC trực tuyến", "chỉ hồ sơ của TTHC có cung cấp DVC trực tuyến"),
    ],
)
def test_in_sentence_keeps_acronyms(label: str, expected: str) -> None:
    assert in_sentence(label) == expected


def test_form_message_keeps_ubnd_and_tthc(db) -> None:
    with db.session() as s, pytest.raises(ValidationError) as caught:
        services.create(s, m.AnnouncementDecision, {"ubnd_number": "", "ubnd_date": dt.date(2024, 3, 1)})
    assert caught.value.message == "Vui lòng nhập số quyết định UBND."
    with db.session() as s, pytest.raises(ValidationError) as caught:
        services.create(s, m.Procedure, {"code": "", "name": "Cấp phép"})
    assert caught.value.message == "Vui lòng nhập mã TTHC."


def test_import_reason_keeps_ubnd(db, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "qd.xlsx",
        [["Số quyết định", "Ngày quyết định", "Trích yếu"], ["109/QĐ-UBND", "", "Công bố TTHC"],
         ["108/QĐ-UBND", "02/03/2024", "Công bố"]],
    )
    result = import_file(db, "decisions", path)
    assert result.imported == 1
    assert [r.reason for r in result.rejects] == ["Vui lòng nhập ngày quyết định UBND."]
