"""``cchc-desktop report``: files written, the export recorded as an issued report, and one clear
sentence with no partial file when the output cannot be written."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from cchc_desktop.cli import main
from cchc_desktop.commands.report import EXIT_DRAFT
from cchc_desktop.core import models as m
from cchc_desktop.core.db import Database, open_database
from cchc_desktop.core.enums import ReportType
from cchc_desktop.core.formatting import plain
from cchc_desktop.core.periods import PeriodSpec
from cchc_desktop.reports import output
from cchc_desktop.reports.common import ReportOptions
from cchc_desktop.reports.export import export_report


@pytest.fixture
def demo_path(demo_db: Database) -> Path:
    assert demo_db.path is not None
    demo_db.close()
    return demo_db.path


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """An output folder of its own (the demo database lives in ``tmp_path``)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def issued(path: Path) -> list[m.IssuedReport]:
    db = open_database(path)
    try:
        with db.session() as s:
            return list(s.scalars(select(m.IssuedReport).order_by(m.IssuedReport.id)))
    finally:
        db.close()


def test_report_quality_writes_docx_and_pdf_and_records_it(
    demo_path: Path, outdir: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    out = outdir / "r1.docx"
    argv = ["report", "quality", "--db", str(demo_path), "--period", "2024", "--out", str(out), "--pdf"]
    argv += ["--number", "125", "--date", "20/12/2024", "--signer", "Nguyễn Văn An", "--issue"]
    assert main(argv) == 0
    assert "Đã ban hành báo cáo năm 2024" in capsys.readouterr().out
    assert (outdir / "r1.pdf").read_bytes().startswith(b"%PDF")
    word = docx.Document(str(out))
    assert plain(word.tables[0].rows[1].cells[0].text) == "Số: 125/BC-SYT"
    assert word.tables[-1].rows[0].cells[1].paragraphs[-1].text == "Nguyễn Văn An"
    [row] = issued(demo_path)
    assert (row.report_type, row.number, row.issued_on, row.period_key) == (
        ReportType.QUALITY, "125/BC-SYT", dt.date(2024, 12, 20), "2024"
    )
    assert (row.period_start, row.period_end) == (dt.date(2023, 12, 15), dt.date(2024, 12, 14))
    assert row.signer_name == "Nguyễn Văn An" and row.file_path == str(out.resolve())
    assert row.docx_content == out.read_bytes() and row.pdf_content == (outdir / "r1.pdf").read_bytes()
    assert sorted(p.name for p in outdir.iterdir()) == ["r1.docx", "r1.pdf"]
    # reprinting gives the issued files back, byte for byte
    again = outdir / "again.docx"
    argv = ["report", "quality", "--db", str(demo_path), "--period", "2024", "--out", str(again), "--reprint"]
    assert main([*argv, "--pdf"]) == 0
    assert again.read_bytes() == out.read_bytes()
    assert (outdir / "again.pdf").read_bytes() == (outdir / "r1.pdf").read_bytes()
    # the same number is not issued twice in a year
    argv = ["report", "quality", "--db", str(demo_path), "--period", "2024", "--out", str(outdir / "x.docx")]
    assert main([*argv, "--number", "125", "--date", "21/12/2024", "--issue"]) == 1
    assert "Số 125/BC-SYT đã được dùng" in capsys.readouterr().err
    assert len(issued(demo_path)) == 1


def test_a_deputy_signs_under_kt_giam_doc(demo_path: Path, outdir: Path) -> None:
    out = outdir / "r1.docx"
    argv = ["report", "quality", "--db", str(demo_path), "--period", "2024", "--out", str(out)]
    argv += ["--authority", "KT. GIÁM ĐỐC", "--position", "Phó Giám đốc", "--signer", "Trần Thị Bình"]
    assert main(argv) == 0
    signature = [p.text for p in docx.Document(str(out)).tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert signature == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Bình"]
    assert issued(demo_path) == []  # exported, not issued


def test_report_cchc_without_number_leaves_it_blank_and_warns_about_empty_sections(
    demo_path: Path, outdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = outdir / "r2.docx"
    argv = ["report", "cchc", "--db", str(demo_path), "--period", "2021-H2", "--out", str(out)]
    assert main(argv) == EXIT_DRAFT
    printed = capsys.readouterr().out
    assert "DỰ THẢO" in printed and "mục chưa có nội dung" in printed
    draft = outdir / "r2-du-thao.docx"
    assert [p.name for p in outdir.iterdir()] == [draft.name]  # a draft never looks issued
    word = docx.Document(str(draft))
    assert word.paragraphs[0].text == "DỰ THẢO"
    number = plain(word.tables[0].rows[1].cells[0].text)
    assert number.startswith("Số:") and number.endswith("/BC-SYT") and not any(c.isdigit() for c in number)
    assert issued(demo_path) == []  # never recorded as issued
    # issuing a draft is refused, with the reason, and writes nothing
    argv += ["--number", "130", "--date", "05/01/2022", "--issue"]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Chưa ban hành được vì báo cáo còn là dự thảo: còn") and len(err.splitlines()) == 1
    assert [p.name for p in outdir.iterdir()] == [draft.name] and issued(demo_path) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--date", "31/02/2024"], "Ngày “31/02/2024” không hợp lệ"),
        (["--number", "abc"], "Số văn bản “abc” không hợp lệ"),
        (["--period", "2024-H3"], "Kỳ báo cáo “2024-H3” không hợp lệ"),
    ],
)
def test_bad_arguments_give_one_sentence(
    demo_path: Path, outdir: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    argv = ["report", "quality", "--db", str(demo_path), "--period", "2024", "--out", str(outdir / "r.docx")]
    assert main(argv + extra) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert list(outdir.iterdir()) == [] and issued(demo_path) == []


def test_missing_folder_is_one_sentence(demo_path: Path, outdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = outdir / "khong-co" / "r1.docx"
    assert main(["report", "quality", "--db", str(demo_path), "--period", "2024", "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"Thư mục “{out.parent}” không tồn tại; hãy chọn một thư mục có sẵn để lưu tệp."
    assert issued(demo_path) == []


def test_read_only_file_is_left_untouched(demo_path: Path, outdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = outdir / "r1.docx"
    out.write_bytes(b"old report")
    out.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        assert main(["report", "quality", "--db", str(demo_path), "--period", "2024", "--out", str(out)]) == 1
        assert "đang ở chế độ chỉ đọc" in capsys.readouterr().err
        assert out.read_bytes() == b"old report"
        assert [p.name for p in outdir.iterdir()] == ["r1.docx"]
    finally:
        out.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_locked_file_leaves_no_partial_file_and_no_record(
    demo_db: Database, outdir: Path, monkeypatch: pytest.MonkeyPatch, qapp: object
) -> None:
    """Word keeps the file open (Windows refuses the replace): nothing new is left behind."""
    docx_path, pdf_path = outdir / "r1.docx", outdir / "r1.pdf"
    docx_path.write_bytes(b"open in Word")

    def locked(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == docx_path:
            raise PermissionError(13, "Permission denied")
        os.rename(src, dst)

    monkeypatch.setattr(output.os, "replace", locked)
    with demo_db.transaction() as s, pytest.raises(output.OutputError) as err:
        export_report(s, ReportType.QUALITY, PeriodSpec.parse("2024"), docx_path, pdf_path, ReportOptions())
    assert "đang được mở trong chương trình khác" in err.value.message
    assert docx_path.read_bytes() == b"open in Word"
    leftovers = sorted(p.name for p in outdir.iterdir())
    assert all(not name.endswith(".tmp") for name in leftovers)
    with demo_db.session() as s:
        assert s.scalars(select(m.IssuedReport)).all() == []


def test_writer_failure_removes_the_temporary_file(outdir: Path) -> None:
    target = outdir / "r.docx"

    def fail(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        output.write_atomically(target, fail)
    assert list(outdir.iterdir()) == []
