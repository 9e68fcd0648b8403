"""The report page: live preview, narrative sections typed in place, findings asked about before export,
Word and PDF exports written off the GUI thread, print and print preview through the dialog helper."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import docx
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.core import services
from cchc_desktop.core.enums import ReportType
from cchc_desktop.core.formatting import plain
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.pages.reports import ReportsPage
from tests.ui.conftest import Answers
from tests.ui.helpers import set_text, wait_jobs


def report_page(qtbot: Any, ctx: AppContext) -> ReportsPage:
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.preview is not None, timeout=20_000)
    return page


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return plain("\n".join(parts))


def test_preview_shows_the_pages_and_the_findings(qtbot: Any, ctx: AppContext) -> None:
    page = report_page(qtbot, ctx)
    assert page.preview.report_type == ReportType.QUALITY
    assert len(page.pages.labels) == len(page.preview.images) >= 3
    assert page.preview_state.text().startswith(f"{len(page.preview.images)} trang A4")
    assert page.preview.findings == []
    page.choose_report("bieu06a")
    qtbot.waitUntil(lambda: page.preview.report_type == ReportType.BIEU_06A, timeout=20_000)
    model = page.table.model()
    total_row = model.rowCount() - 1
    assert model.index(total_row, 1).data() == "Tổng cộng"
    assert model.index(total_row, 2).data() == "3.807"  # column 3: carried over + received
    assert model.index(total_row, 6).data() == "3.587"  # column 7: resolved


def test_narrative_section_typed_in_place_reaches_the_word_file(
    qtbot: Any, ctx: AppContext, answers: Answers, tmp_path: Path
) -> None:
    page = report_page(qtbot, ctx)
    page.choose_report("cchc")
    qtbot.waitUntil(lambda: page.preview.report_type == ReportType.CCHC, timeout=20_000)
    index = page.section.findData("kho_khan")
    page.section.setCurrentIndex(index)
    set_text(page.editor, "Một số đơn vị còn chậm cập nhật hồ sơ lên hệ thống: {ho_so.tiep_nhan} hồ sơ")
    assert page.save_section()
    assert page.section.itemText(index).startswith("✔ ")
    with ctx.db.session() as session:
        body = session.scalar(
            select(m.ReportText.body).where(m.ReportText.section_key == "kho_khan", m.ReportText.period_key == "2024")
        )
    assert body.endswith("{ho_so.tiep_nhan} hồ sơ")
    set_text(page.number, "125")
    out = tmp_path / "r2.docx"
    answers.expect("save_file", str(out))
    answers.expect("info")  # "Đã xuất vào tệp: …", as for Excel
    job = page.export("docx")
    qtbot.waitUntil(lambda: job.done, timeout=30_000)
    assert job.error is None, job.error
    wait_jobs(QApplication.instance())
    text = docx_text(out)  # the demo's 2024 narrative is complete: not a draft
    assert "Một số đơn vị còn chậm cập nhật hồ sơ lên hệ thống: 3.620 hồ sơ" in text
    assert "125/BC-SYT" in text and "DỰ THẢO" not in text
    assert page.folder_button.isEnabled()
    assert "chưa ban hành" in page.export_status.text()
    with ctx.db.session() as session:  # exported is not issued
        assert session.scalar(select(func.count()).select_from(m.IssuedReport)) == 0
    # "Ban hành" needs a date, then records the issued file
    answers.expect("error", None)
    assert page.issue() is None
    assert "ngày ban hành" in answers.seen[-1].text
    page.issued_on.set_value(dt.date(2024, 12, 20))
    issued_path = tmp_path / "r2-ban-hanh.docx"
    answers.expect("save_file", str(issued_path))
    answers.expect("info")
    job = page.issue()
    qtbot.waitUntil(lambda: job.done, timeout=30_000)
    assert job.error is None, job.error
    wait_jobs(QApplication.instance())
    assert page.export_status.text().startswith("Đã ban hành r2-ban-hanh.docx")
    with ctx.db.session() as session:
        issued = session.scalar(select(m.IssuedReport).order_by(m.IssuedReport.id.desc()))
        assert (issued.report_type, issued.number, issued.period_key) == (ReportType.CCHC, "125/BC-SYT", "2024")
        assert issued.docx_content == issued_path.read_bytes()
    # a section emptied again makes it a draft, which "Ban hành" refuses
    set_text(page.editor, "")
    assert page.save_section()
    page.refresh_preview()
    qtbot.waitUntil(lambda: page.preview is not None and page.preview.document is not None
                    and page.preview.document.draft, timeout=20_000)  # fmt: skip
    set_text(page.number, "126")
    answers.expect("error", None)
    assert page.issue() is None
    assert "còn là dự thảo" in answers.seen[-1].text


def test_unknown_placeholder_is_shown_in_the_preview(qtbot: Any, ctx: AppContext) -> None:
    page = report_page(qtbot, ctx)
    page.section.setCurrentIndex(page.section.findData("mo_dau"))
    set_text(page.editor, "Theo {khong_co} số liệu")
    page.save_section()
    qtbot.waitUntil(lambda: bool(page.preview and page.preview.error), timeout=20_000)
    assert "{khong_co}" in page.preview_error.text()
    assert not page.preview_error.isHidden()


def test_export_pdf_and_the_findings_question(qtbot: Any, ctx: AppContext, answers: Answers, tmp_path: Path) -> None:
    with ctx.db.transaction() as session:
        services.create(session, m.Procedure, {"code": "9.888888", "name": "Thủ tục chưa có đơn vị", "field_id": None})
    page = report_page(qtbot, ctx)
    assert any("chưa có đơn vị giải quyết" in f.message for f in page.preview.findings)
    answers.expect("choice", 1)  # "Sửa số liệu trước"
    assert page.export("pdf") is None
    assert "Vẫn xuất báo cáo" in answers.seen[-1].text
    out = tmp_path / "r1.pdf"
    word = out.with_suffix(".docx")
    word.write_bytes(b"the user's own Word file")  # a PDF export must not touch it
    answers.expect("choice", 0)  # "Vẫn xuất"
    answers.expect("save_file", str(out))
    answers.expect("info")
    job = page.export("pdf")
    qtbot.waitUntil(lambda: job.done, timeout=30_000)
    assert job.error is None, job.error
    assert out.read_bytes().startswith(b"%PDF")
    assert word.read_bytes() == b"the user's own Word file"
    assert page.export_status.text().startswith("Đã xuất r1.pdf")
    wait_jobs(QApplication.instance())
    assert answers.seen[-1].kind == "info" and str(out) in answers.seen[-1].text  # one way for every export


def test_print_and_print_preview_go_through_the_dialog_helper(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = report_page(qtbot, ctx)
    seen: dict[str, Any] = {}

    def preview(prompt: Any) -> int:
        seen["preview"] = prompt.dialog.windowTitle()
        return QDialog.DialogCode.Rejected

    answers.expect("dialog", preview)
    page.print_preview()
    assert seen["preview"] == "Xem trước khi in"

    def printer(prompt: Any) -> int:
        seen["print"] = prompt.dialog.windowTitle()
        return QDialog.DialogCode.Rejected  # the user closes the printer dialog

    answers.expect("dialog", printer)
    assert page.print_report() is False
    assert seen["print"] == "In báo cáo"
    with ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(m.IssuedReport)) == 0


def test_bieu06a_and_table_exports_write_excel_files(qtbot: Any, ctx: AppContext, answers: Answers, tmp_path: Path) -> None:
    import openpyxl

    from cchc_desktop.ui.pages.tasks import TasksPage

    page = report_page(qtbot, ctx)
    page.choose_report("bieu06a")
    qtbot.waitUntil(lambda: page.preview.report_type == ReportType.BIEU_06A, timeout=20_000)
    out = tmp_path / "bieu06a.xlsx"
    answers.expect("save_file", str(out))
    answers.expect("info")
    job = page.export_bieu06a()
    qtbot.waitUntil(lambda: job.done, timeout=30_000)
    wait_jobs(QApplication.instance())
    values = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row]
    assert 3807 in values and 3587 in values  # the total row: columns 3 and 7
    tasks = TasksPage(ctx)
    qtbot.addWidget(tasks)
    out2 = tmp_path / "nhiem-vu.xlsx"
    answers.expect("save_file", str(out2))
    answers.expect("info")
    tasks.export_excel()
    qtbot.waitUntil(lambda: out2.exists() and answers.queue == [], timeout=30_000)
    wait_jobs(QApplication.instance())
    assert openpyxl.load_workbook(out2).active.max_row == 380  # header + 379 tasks
