"""The import wizard: a one-stop export with title rows is recognised without manual mapping, the mapping
can be corrected, a required column left out is refused beside the list, the preview shows the rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from cchc_desktop.ui import importing
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.dialogs.import_wizard import ImportWizard
from tests.ui.conftest import Answers


def one_stop_export(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["UBND TỈNH KHÁNH HÒA"])
    ws.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN"])
    ws.append([])
    ws.append(["STT", "Số hồ sơ", "Mã thủ tục", "Tên thủ tục", "Người nộp", "Kênh nộp", "Ngày nhận", "Hạn xử lý",
               "Ngày có kết quả"])  # fmt: skip
    for n, row in enumerate(rows, 1):
        ws.append([n, *row])
    wb.save(path)
    return path


def test_wizard_reads_maps_and_previews(
    qtbot: Any, ctx: AppContext, answers: Answers, tmp_path: Path
) -> None:
    path = one_stop_export(tmp_path / "hs.xlsx", [
        ["NEW-0001", "1.004626", "Cấp lại", "Nhà thuốc Hồng Đức", "Trực tuyến", "15/01/2024 08:30", "29/01/2024", "20/01/2024"],
        ["NEW-0002", "1.004626", "Cấp lại", "Quầy thuốc An Bình", "Trực tiếp", "16/01/2024", "30/01/2024", ""],
    ])  # fmt: skip
    wizard = ImportWizard(ctx, "dossiers")
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.file_page
    wizard.next()
    assert wizard.currentPage() is page and page.error.text() == "Vui lòng chọn tệp cần nhập."
    answers.expect("open_file", str(path))
    page.browse.click()
    wizard.next()
    mapping = wizard.mapping_page
    assert wizard.currentPage() is mapping
    assert mapping.combos["code"].currentText() == "B. Số hồ sơ"
    assert mapping.combos["received"].currentText() == "G. Ngày nhận"
    assert mapping.samples["applicant"].text() == "Nhà thuốc Hồng Đức"
    mapping.combos["code"].setCurrentIndex(0)  # drop a required column
    wizard.next()
    assert wizard.currentPage() is mapping
    assert mapping.error.text() == "Chưa chọn cột cho trường bắt buộc: “Số hồ sơ”."
    mapping.combos["code"].setCurrentIndex(mapping.combos["code"].findText("B. Số hồ sơ"))
    wizard.next()
    preview = wizard.preview_page
    assert wizard.currentPage() is preview
    model = preview.table.model()
    assert model.rowCount() == 2
    assert model.headerData(0, Qt.Orientation.Vertical) == "5"  # sheet row numbers on the left
    assert wizard.buttonText(QWizard.WizardButton.NextButton) == "Nhập"
    assert {model.index(0, c).data() for c in range(model.columnCount())} >= {
        "NEW-0001",
        "Nhà thuốc Hồng Đức",
    }
    wizard.back()
    wizard.reject()


def drive_to_result(qtbot: Any, wizard: ImportWizard, answers: Answers, path: Path) -> None:
    wizard.show()
    answers.expect("open_file", str(path))
    wizard.file_page.browse.click()
    wizard.next()
    wizard.next()
    wizard.next()  # "Nhập": the import runs in a worker thread
    assert wizard.currentPage() is wizard.result_page
    qtbot.waitUntil(lambda: wizard.result_page.isComplete(), timeout=30_000)


def test_wizard_imports_valid_rows_and_lists_the_rejected_ones(
    qtbot: Any, ctx: AppContext, answers: Answers, tmp_path: Path
) -> None:
    from sqlalchemy import func, select

    from cchc_desktop.core import models as m

    path = one_stop_export(tmp_path / "hs.xlsx", [
        ["NEW-0001", "1.004626", "Cấp lại", "Nhà thuốc Hồng Đức", "Trực tuyến", "15/01/2024 08:30", "29/01/2024", "20/01/2024"],
        ["NEW-0002", "9.999999", "Không có", "Quầy thuốc An Bình", "Trực tiếp", "16/01/2024", "30/01/2024", ""],
        ["NEW-0003", "1.004626", "Cấp lại", "Công ty B", "Trực tiếp", "31/02/2024", "30/01/2024", ""],
    ])  # fmt: skip
    changed: list[str] = []
    ctx.data_changed.connect(changed.append)
    wizard = ImportWizard(ctx, "dossiers")
    qtbot.addWidget(wizard)
    drive_to_result(qtbot, wizard, answers, path)
    page = wizard.result_page
    assert page.summary.text().startswith(
        "Đã nhập 1 bản ghi mới, cập nhật 0 bản ghi đã có; 2 dòng không nhập được"
    )
    model = page.table.model()
    rows = {model.index(r, 0).data(): model.index(r, 2).data() for r in range(model.rowCount())}
    assert set(rows) == {"6", "7"}  # sheet rows of NEW-0002 and NEW-0003
    assert "9.999999" in rows["6"]
    assert changed == ["dossier"]
    with ctx.db.session() as session:
        codes = set(session.scalars(select(m.Dossier.code).where(m.Dossier.code.like("NEW-%"))))
        assert codes == {"NEW-0001"}
    out = tmp_path / "tu-choi.xlsx"
    answers.expect("save_file", str(out))
    answers.expect("info")
    page.save_rejects.click()
    sheet = openpyxl.load_workbook(out).active
    assert sheet.max_row == 3 and sheet.cell(1, 3).value == "Lý do"
    # Importing the same file again updates, never duplicates.
    again = ImportWizard(ctx, "dossiers")
    qtbot.addWidget(again)
    drive_to_result(qtbot, again, answers, path)
    assert again.result_page.summary.text().startswith("Đã nhập 0 bản ghi mới, cập nhật 1 bản ghi đã có")
    with ctx.db.session() as session:
        assert session.scalar(select(func.count()).where(m.Dossier.code.like("NEW-%"))) == 1
    wizard.accept()
    again.accept()


def test_all_or_nothing_imports_nothing_when_a_row_is_bad(
    qtbot: Any, ctx: AppContext, answers: Answers, tmp_path: Path
) -> None:
    from sqlalchemy import func, select

    from cchc_desktop.core import models as m

    path = one_stop_export(tmp_path / "hs.xlsx", [
        ["AON-0001", "1.004626", "Cấp lại", "Nhà thuốc A", "Trực tuyến", "15/01/2024", "29/01/2024", ""],
        ["AON-0002", "1.004626", "Cấp lại", "Nhà thuốc B", "Trực tuyến", "không phải ngày", "29/01/2024", ""],
    ])  # fmt: skip
    wizard = ImportWizard(ctx, "dossiers")
    qtbot.addWidget(wizard)
    wizard.file_page.all_or_nothing.setChecked(True)
    drive_to_result(qtbot, wizard, answers, path)
    assert wizard.result_page.summary.text().startswith("Không nhập dòng nào vì có 1 dòng không hợp lệ")
    with ctx.db.session() as session:
        assert session.scalar(select(func.count()).where(m.Dossier.code.like("AON-%"))) == 0
    wizard.accept()


def test_menus_and_wizard_offer_exactly_the_kinds_the_importer_reads() -> None:
    from cchc_desktop.io.mapping import KINDS
    from cchc_desktop.ui.file_actions import IMPORT_KINDS

    assert {k for k, _ in importing.KIND_CHOICES} == {k for k, _ in IMPORT_KINDS} == set(KINDS)


def test_preview_lists_the_missing_catalogue_and_one_choice_creates_it(
    qtbot: Any, answers: Answers, tmp_path: Path
) -> None:
    """Day one: a fresh database, a register naming rooms, units and fields it lacks."""
    from sqlalchemy import func, select

    from cchc_desktop.core import models as m
    from cchc_desktop.core.db import open_database
    from cchc_desktop.core.newdb import create_database, default_profile
    from tests.io.one_stop_register import write_register

    create_database(tmp_path / "new.db", default_profile("Hòa Bình"))
    register = write_register(tmp_path / "so.xlsx", 60)
    db = open_database(tmp_path / "new.db")
    try:
        ctx = AppContext(db)
        wizard = ImportWizard(ctx, "dossiers")
        qtbot.addWidget(wizard)
        wizard.show()
        answers.expect("open_file", str(register.path))
        wizard.file_page.browse.click()
        wizard.next()
        wizard.next()
        page = wizard.preview_page
        assert wizard.currentPage() is page
        qtbot.waitUntil(lambda: page.found is not None, timeout=30_000)
        text = page.gaps.text()
        assert "Đơn vị chưa có trong danh mục (3):" in text
        kim_boi = register.unit_rows["UBND huyện Kim Bôi - Phòng Y tế"]
        assert f"UBND huyện Kim Bôi - Phòng Y tế (mã 000.00.05.H23): {kim_boi} dòng" in text
        assert "Phòng Nghiệp vụ Dược - Sở Y tế (→ Sở Y tế)" in text
        assert "Đào tạo" in text
        assert page.create_missing.isVisibleTo(wizard)
        page.create_missing.setChecked(True)
        wizard.next()
        qtbot.waitUntil(lambda: wizard.result_page.isComplete(), timeout=30_000)
        assert wizard.result_page.summary.text().startswith("Đã nhập 60 bản ghi mới")
        assert not wizard.result_page.table.isVisibleTo(wizard)  # nothing rejected
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(m.Dossier)) == 60
            assert s.scalar(select(func.count()).where(m.Unit.needs_review)) == 3
        wizard.accept()
    finally:
        db.close()
