"""Cài đặt → Tên đơn vị khi nhập: the stored mapping of unit names (rooms of the department) is edited
in the window, and the next import reads it."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from cchc_desktop.core import models as m
from cchc_desktop.io.catalogue import Catalogue
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.pages.settings import SettingsPage
from tests.ui.conftest import Answers
from tests.ui.helpers import choose, set_text


def test_a_room_name_is_mapped_then_moved_to_another_unit(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    with ctx.db.session() as s:
        units = dict(s.execute(select(m.Unit.name, m.Unit.id)).all())

    def add(prompt: Any) -> int:
        form = prompt.dialog
        set_text(form.input("name"), "Phòng Nghiệp vụ Dược - Sở Y tế")
        set_text(form.input("code"), "000.01.31.H34")
        choose(form.input("unit_id"), units["Sở Y tế"])
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", add)
    page.unit_names.new_record()
    assert page.unit_names.table_model.total == 1
    with ctx.db.session() as s:
        alias = s.scalar(select(m.UnitAlias))
        assert (alias.name_key, alias.unit_id) == ("phong nghiep vu duoc so y te", units["Sở Y tế"])
        assert Catalogue(s).plan_unit("PHÒNG NGHIỆP VỤ DƯỢC - SỞ Y TẾ").unit_id == units["Sở Y tế"]
        alias_id = alias.id

    def move(prompt: Any) -> int:
        choose(prompt.dialog.input("unit_id"), units["Chi cục An toàn vệ sinh thực phẩm"])
        assert prompt.dialog.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", move)
    page.unit_names.edit_record(alias_id)
    with ctx.db.session() as s:
        cat = Catalogue(s)
        assert cat.plan_unit("Phòng Nghiệp vụ Dược - Sở Y tế").unit_id == units["Chi cục An toàn vệ sinh thực phẩm"]
        assert cat.plan_unit("000.01.31.H34 - Phòng NVD").unit_id == units["Chi cục An toàn vệ sinh thực phẩm"]


def test_dashboard_names_the_units_that_have_not_sent(qtbot: Any, tmp_path) -> None:
    import datetime as dt

    from cchc_desktop.core import services
    from cchc_desktop.core.db import open_database
    from cchc_desktop.core.newdb import create_database, default_profile
    from cchc_desktop.core.periods import PeriodSpec
    from cchc_desktop.ui.pages.dashboard import load_dashboard

    create_database(tmp_path / "so.db", default_profile("Khánh Hòa"), year=2024)
    db = open_database(tmp_path / "so.db")
    try:
        with db.transaction() as s:
            unit = services.create(s, m.Unit, {"name": "Chi cục An toàn vệ sinh thực phẩm"})
            services.create(s, m.DataPackage, {
                "unit_id": unit.id, "period_key": "2024-H1", "period_start": dt.date(2023, 12, 15),
                "period_end": dt.date(2024, 6, 14), "sent_at": dt.datetime(2024, 6, 20, 9), "checksum": "0" * 64,
                "received_at": dt.datetime(2024, 6, 21, 9), "schema_revision": "0007", "file_name": "h1.cchc"})  # fmt: skip
        data = load_dashboard(db, PeriodSpec.parse("2024"))
        assert data.attention.units_not_sent == ["Chi cục An toàn vệ sinh thực phẩm"]
        ctx = AppContext(db)
        from cchc_desktop.ui.pages.dashboard import DashboardPage

        page = DashboardPage(ctx)
        qtbot.addWidget(page)
        page._show_attention(data)
        assert "1 đơn vị chưa gửi số liệu kỳ này: Chi cục An toàn vệ sinh thực phẩm" in page.attention_lines
    finally:
        db.close()


def test_send_then_receive_a_package_from_the_data_menu(qtbot: Any, answers: Answers, tmp_path) -> None:
    from PySide6.QtGui import QAction
    from sqlalchemy import func

    from cchc_desktop.core.db import open_database
    from cchc_desktop.core.newdb import create_database, default_profile
    from cchc_desktop.core.periods import PeriodSpec
    from cchc_desktop.ui import packages
    from cchc_desktop.ui.main_window import MainWindow
    from tests.io.test_package import _unit_db

    unit_db = open_database(_unit_db(tmp_path, "CHI CỤC AN TOÀN VỆ SINH THỰC PHẨM", "000.20.31.H34", "1.1", 6))
    create_database(tmp_path / "so.db", default_profile("Khánh Hòa"), year=2024)
    dept_db = open_database(tmp_path / "so.db")
    try:
        unit_ctx = AppContext(unit_db)
        unit_ctx.set_period(PeriodSpec.for_year(2024))
        window = MainWindow(unit_ctx)
        qtbot.addWidget(window)
        labels = {a.text() for a in window.findChildren(QAction)}
        assert {"Gửi số liệu (gói của đơn vị)…", "Nhận số liệu đơn vị…"} <= labels
        out = tmp_path / "chicuc-2024.cchc"
        answers.expect("save_file", str(out))
        answers.expect("info")
        assert packages.send_package(window) == out and out.exists()
        assert "6 hồ sơ" in answers.seen[-1].text

        dept = MainWindow(AppContext(dept_db))
        qtbot.addWidget(dept)
        answers.expect("open_file", str(out))
        answers.expect("question", True)
        answers.expect("info")
        assert packages.receive_package(dept)
        question = next(p for p in answers.seen if p.kind == "question")
        assert ("37 (3 thủ tục, 6 hồ sơ, 5 sự kiện hồ sơ, 4 nhiệm vụ, 2 đợt khảo sát, 3 phiếu khảo sát, "
                "12 số liệu văn bản tháng, 2 nội dung báo cáo) mới") in question.text  # fmt: skip
        assert "xem trước" in question.text
        with dept_db.session() as s:
            assert s.scalar(select(func.count()).select_from(m.Dossier)) == 6
        window.close()
        dept.close()
    finally:
        unit_db.close()
        dept_db.close()


def test_received_packages_are_listed_with_what_they_brought(qtbot: Any, answers: Answers, tmp_path) -> None:
    from cchc_desktop.core.db import open_database
    from cchc_desktop.core.newdb import create_database, default_profile
    from cchc_desktop.core.periods import PeriodSpec
    from cchc_desktop.io.package import export_package, import_package
    from tests.io.test_package import _unit_db

    unit_db = open_database(_unit_db(tmp_path, "TRUNG TÂM GIÁM ĐỊNH Y KHOA", "000.21.31.H34", "1.2", 5))
    create_database(tmp_path / "so.db", default_profile("Khánh Hòa"), year=2024)
    dept_db = open_database(tmp_path / "so.db")
    try:
        export_package(unit_db, None, "2024", tmp_path / "gdyk.cchc")
        import_package(dept_db, tmp_path / "gdyk.cchc")
        page = SettingsPage(AppContext(dept_db))
        qtbot.addWidget(page)
        panel = page.packages
        assert panel.table_model.total == 1
        assert panel.table_model.index(0, 0).data() == "TRUNG TÂM GIÁM ĐỊNH Y KHOA"
        page.ctx.set_period(PeriodSpec.for_year(2024))  # who has sent for the period being viewed
        assert panel.status_text() == "Năm 2024: 1/1 đơn vị đã gửi số liệu."
        page.ctx.set_period(PeriodSpec.parse("2024-H1"))
        assert panel.status_text().endswith("0/1 đơn vị đã gửi số liệu; chưa gửi: TRUNG TÂM GIÁM ĐỊNH Y KHOA.")
        assert "chưa gửi: TRUNG TÂM GIÁM ĐỊNH Y KHOA" in panel.header.hint.text()
        with dept_db.session() as s:
            package_id = s.scalar(select(m.DataPackage.id))
        answers.expect("info")
        panel.edit_record(package_id)
        text = answers.seen[-1].text
        assert "5 hồ sơ" in text and "3 thủ tục hành chính" in text and "4 nhiệm vụ" in text
    finally:
        unit_db.close()
        dept_db.close()
