"""Screenshots of every page and main dialog on the demo database, offscreen, at 1366×768.

    python build_scripts/screenshots.py OUT_FOLDER [--db demo.db] [--size 1366x768]

Builds the demo database in a temporary folder when ``--db`` is not given, opens the app as a user
would, and saves one PNG per page and per dialog into OUT_FOLDER (numbered in the order of the menu).
Nothing touches the user's own data folder or settings, nor the ``--db`` file: the shots work on a copy
(they save a record a colleague changed meanwhile, delete one into the recycle bin, make a backup).
Message boxes are the app's own (``prompts.capturing``), so their wording is what users read.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _settle(app: Any, rounds: int = 4) -> None:
    from PySide6.QtCore import QThreadPool

    for _ in range(rounds):
        app.processEvents()
        QThreadPool.globalInstance().waitForDone(30_000)
        app.processEvents()


class Shooter:
    def __init__(self, out: Path, db_path: Path, size: tuple[int, int]) -> None:
        from cchc_desktop.ui import app as app_module
        from cchc_desktop.ui.app import AppController, create_application

        self.out = out
        self.size = size
        self.app = create_application()
        self.controller = AppController()
        app_module._controller = self.controller
        self.controller.open_location(str(db_path))
        self.window = self.controller.window
        self.window.showNormal()  # the first start is maximised; offscreen the "screen" is arbitrary
        self.window.resize(*size)
        _settle(self.app)
        self.count = 0
        self.saved: list[Path] = []

    def save(self, widget: Any, name: str) -> Path:
        self.count += 1
        path = self.out / f"{self.count:02d}-{name}.png"
        widget.grab().save(str(path))
        self.saved.append(path)
        return path

    def page(self, key: str, name: str, prepare: Callable[[Any], None] | None = None) -> Any:
        page = self.window.show_page(key)
        _settle(self.app)
        if prepare is not None:
            prepare(page)
            _settle(self.app)
        self.save(self.window, name)
        return page

    def dialog(self, dialog: Any, name: str, prepare: Callable[[Any], None] | None = None, width: int | None = None,
               height: int | None = None, keep: bool = False) -> None:  # fmt: skip
        """Show, grab and close ``dialog``; ``keep``: not deleted (the app still reads its answer)."""
        hint = dialog.sizeHint()
        dialog.resize(max(width or 0, hint.width()), height or min(hint.height(), self.size[1] - 40))
        dialog.show()
        _settle(self.app)
        if prepare is not None:
            prepare(dialog)
            _settle(self.app)
        self.save(dialog, name)
        dialog.reject()  # not close(): an edited form would ask "Lưu thay đổi?"
        if not keep:
            dialog.deleteLater()
        _settle(self.app)

    def prompts_shown(self, *names: str, files: Path | None = None, yes: bool = False) -> Any:
        """The app's own message boxes and dialogs, as the user sees them, grabbed in turn under ``names``
        (questions stay unanswered: no, cancel — ``yes``: questions answered yes, not shown); a file
        chooser answers ``files``."""
        from cchc_desktop.ui import prompts

        queue = list(names)

        def respond(prompt: Any) -> Any:
            if prompt.kind in ("open_file", "save_file"):
                return str(files) if files is not None else None
            if yes and prompt.kind == "question":
                return True
            return prompts.SHOW

        def capture(dialog: Any) -> None:
            self.dialog(dialog, queue.pop(0) if queue else "hop-thoai", width=520, keep=True)

        stack = contextlib.ExitStack()
        prompts.set_responder(respond)
        stack.callback(prompts.set_responder, None)
        stack.enter_context(prompts.capturing(capture))
        return stack


def shoot(out: Path, db_path: Path, size: tuple[int, int]) -> list[Path]:
    import datetime as dt

    from PySide6.QtWidgets import QMessageBox
    from sqlalchemy import select

    from cchc_desktop.core import models as m
    from cchc_desktop.ui.dialogs.findings import FindingsDialog
    from cchc_desktop.ui.dialogs.guide import GuideDialog
    from cchc_desktop.ui.dialogs.new_database import NewDatabaseWizard
    from cchc_desktop.ui.dialogs.welcome import WelcomeWindow
    from cchc_desktop.ui.main_window import about_text

    s = Shooter(out, db_path, size)
    ctx = s.window.ctx
    with ctx.db.session() as session:
        dossier_id = session.scalar(select(m.Dossier.id).where(m.Dossier.received_on == dt.date(2024, 3, 1)).limit(1))
        decision_id = session.scalar(select(m.AnnouncementDecision.id).order_by(m.AnnouncementDecision.ubnd_date.desc()))
        campaign_2024 = session.scalar(select(m.SurveyCampaign.id).where(m.SurveyCampaign.year == 2024))
        campaign_2023 = session.scalar(select(m.SurveyCampaign.id).where(m.SurveyCampaign.year == 2023))
        task_id = session.scalar(select(m.Task.id).order_by(m.Task.assigned_on.desc()))
        procedure_id = session.scalar(select(m.Procedure.id).order_by(m.Procedure.code))

    # ---------------------------------------------------------------- pages
    dash = s.page("dashboard", "tong-quan")
    dash.findChild(type(dash.layout_.itemAt(1).widget())).verticalScrollBar().setValue(10_000)
    _settle(s.app)
    s.save(s.window, "tong-quan-phan-duoi")
    dash.findChild(type(dash.layout_.itemAt(1).widget())).verticalScrollBar().setValue(0)
    from cchc_desktop.core.periods import PeriodSpec

    year_spec = ctx.period
    ctx.set_period(PeriodSpec.parse(f"{year_spec.year}-Q1"))
    _settle(s.app)
    s.save(s.window, "tong-quan-quy")
    ctx.set_period(year_spec)
    _settle(s.app)
    procedures = s.page("procedures", "thu-tuc-hanh-chinh")
    s.page("decisions", "quyet-dinh-cong-bo")
    dossiers = s.page("dossiers", "ho-so")

    def filtered(page: Any) -> None:
        page.show_filtered(scope="resolved", status="on_time", spec=ctx.period)

    s.page("dossiers", "ho-so-loc-theo-ky", filtered)
    s.page("surveys", "khao-sat-nhap-phieu", lambda p: p.select_ids([campaign_2024]))
    s.page("surveys", "khao-sat-nhap-tong", lambda p: p.select_ids([campaign_2023]))
    tasks = s.page("tasks", "nhiem-vu")
    s.page("documents", "van-ban")
    objectives = s.page("objectives", "muc-tieu-chat-luong")
    reports = s.page("reports", "bao-cao-r1")

    def r2(page: Any) -> None:
        page.choose_report("cchc")

    s.page("reports", "bao-cao-r2", r2)
    s.page("reports", "bao-cao-bieu-06a", lambda p: p.choose_report("bieu06a"))
    reports.choose_report("quality")
    settings = s.page("settings", "cai-dat-co-quan")
    for index, name in ((1, "cai-dat-nguoi-ky"), (2, "cai-dat-quy-uoc"), (3, "cai-dat-ngay-nghi"), (4, "cai-dat-don-vi"),
                        (5, "cai-dat-linh-vuc")):  # fmt: skip
        settings.tabs.setCurrentIndex(index)
        _settle(s.app)
        s.save(s.window, name)

    s.page("audit_log", "nhat-ky-thay-doi")
    s.page("recycle_bin", "thung-rac-trong")

    # ---------------------------------------------------------------- dialogs
    s.dialog(dossiers.open_form(None), "form-ho-so-moi", width=620)
    s.dialog(dossiers.open_form(dossier_id), "form-ho-so-sua", width=620)

    def refused(form: Any) -> None:
        form.input("due_on").set_value(dt.date(2024, 2, 1))
        form.save()

    s.dialog(dossiers.open_form(dossier_id), "form-ho-so-loi-ngay", refused, width=620)
    s.dialog(procedures.open_form(procedure_id), "form-thu-tuc", width=620)
    s.dialog(s.window.page("decisions").open_form(decision_id), "form-quyet-dinh-cong-bo", width=780)
    s.dialog(tasks.open_form(task_id), "form-nhiem-vu", width=620)
    s.dialog(s.window.page("surveys").open_form(campaign_2024), "form-dot-khao-sat", width=620)
    objectives.select_ids([objectives.table_model.id_at(0)])
    s.dialog(objectives.open_form(objectives.table_model.id_at(1)), "form-muc-tieu", width=640)
    s.dialog(FindingsDialog(ctx, s.window), "kiem-tra-du-lieu", width=640, height=420)
    s.dialog(GuideDialog(s.window), "huong-dan", width=780, height=600)
    box = QMessageBox(QMessageBox.Icon.Information, "Giới thiệu", about_text(), QMessageBox.StandardButton.NoButton, s.window)
    box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
    s.dialog(box, "gioi-thieu")
    s.window.show_page("tasks")
    tasks.select_ids([tasks.table_model.id_at(r) for r in range(3)])
    with s.prompts_shown("hoi-xoa"):  # the real question; unanswered, nothing deleted
        tasks.delete_selected()
    _shoot_record_safety(s, ctx, dossiers, tasks, reports, dossier_id)

    from cchc_desktop.reports.qt_writer import print_preview_dialog

    preview = print_preview_dialog(reports._document(), s.window)
    preview.resize(1100, 720)
    s.dialog(preview, "xem-truoc-khi-in", width=1100, height=720)

    welcome = WelcomeWindow(s.controller)
    welcome.resize(*size)
    welcome.show()
    _settle(s.app)
    s.save(welcome, "man-hinh-chao")
    wizard = NewDatabaseWizard(Path(tempfile.gettempdir()) / "cchc-moi.db", welcome)
    s.dialog(wizard, "tao-co-so-du-lieu", width=680)
    welcome.close()

    _shoot_import_wizard(s, ctx)
    s.window.close()
    _settle(s.app)
    return s.saved


def _shoot_record_safety(s: Shooter, ctx: Any, dossiers: Any, tasks: Any, reports: Any, dossier_id: int) -> None:
    """Issue 12 as the user meets it: a save and a deletion refused because a colleague changed the record
    meanwhile, a report text saved by two people, "Lưu thay đổi?", backups, unit packages, then the
    change log and the recycle bin with entries."""
    from cchc_desktop.core import models as m
    from cchc_desktop.core import services
    from cchc_desktop.core.enums import ReportType
    from cchc_desktop.reports.texts import save_texts
    from cchc_desktop.ui import file_actions, packages, prompts

    colleague = "nguyen.van.binh"

    def stale_save(form: Any) -> None:
        with ctx.db.transaction() as session:  # a colleague saves the same dossier on another PC
            services.update(session, m.Dossier, dossier_id, {"note": "Đã gọi điện nhắc bổ sung giấy tờ"},
                            user=colleague)  # fmt: skip
        form.input("applicant").setText("Công ty TNHH Dược phẩm Hòa Bình")
        form.save()

    s.dialog(dossiers.open_form(dossier_id), "form-ho-so-bi-nguoi-khac-sua", stale_save, width=620)

    task_id = tasks.table_model.id_at(0)
    with ctx.db.transaction() as session:  # the task changes after the page read it
        services.update(session, m.Task, task_id, {"note": "Đã xin gia hạn đến cuối quý"}, user=colleague)
    tasks.select_ids([task_id])
    with s.prompts_shown("xoa-bi-tu-choi", yes=True):  # "Xóa?" yes: refused, the colleague's change shown
        tasks.delete_selected()
    tasks.refresh()
    tasks.select_ids([task_id])
    with prompts.answering(lambda p: p.kind == "question"):  # this time deleted: into the recycle bin
        tasks.delete_selected()

    page = s.window.show_page("reports")
    reports.choose_report("cchc")
    reports.section.setCurrentIndex(reports.section.findData("kho_khan"))
    _settle(s.app)
    with ctx.db.transaction() as session:  # a colleague saves the same section first
        save_texts(session, ReportType.CCHC, ctx.period.key,
                   {"kho_khan": "Thiếu công chức tiếp nhận tại Bộ phận Một cửa."}, user=colleague)  # fmt: skip
    reports.editor.setPlainText("Phần mềm một cửa điện tử còn chậm vào giờ cao điểm.")
    reports.save_section()
    _settle(s.app)
    s.save(s.window, "bao-cao-luu-bi-tu-choi")
    with s.prompts_shown("luu-thay-doi"):  # leaving the page with the refused text: "Lưu thay đổi?" (Hủy)
        s.window.show_page("dashboard")
    reports.reload_section()
    reports.choose_report("quality")
    assert page is reports

    with s.prompts_shown("sao-luu-khoi-phuc-chua-co"):
        file_actions.backups_dialog(s.window)
    file_actions.backup_now(s.window)
    with s.prompts_shown("sao-luu-khoi-phuc"):
        file_actions.backups_dialog(s.window)
    package = Path(tempfile.mkdtemp(prefix="cchc-package-")) / f"goi-so-lieu-{ctx.period.key}.cchc"
    with s.prompts_shown("gui-so-lieu", files=package):
        packages.send_package(s.window)
    unit_package = _unit_package(package.parent)
    with s.prompts_shown("nhan-so-lieu-xem-truoc", files=unit_package):
        packages.receive_package(s.window)

    s.page("audit_log", "nhat-ky-thay-doi-co-muc")
    s.page("recycle_bin", "thung-rac")


def _unit_package(folder: Path) -> Path:
    """A package from a unit's own small database (one procedure, a few dossiers, one task)."""
    import datetime as dt

    from sqlalchemy import select

    from cchc_desktop.core import models as m
    from cchc_desktop.core import services
    from cchc_desktop.core.db import open_database
    from cchc_desktop.core.enums import Channel
    from cchc_desktop.core.newdb import create_database, default_profile
    from cchc_desktop.io.package import export_package

    path = folder / "trung-tam-giam-dinh-y-khoa.db"
    create_database(path, default_profile("Khánh Hòa", parent_agency="SỞ Y TẾ KHÁNH HÒA",
                                          agency="TRUNG TÂM GIÁM ĐỊNH Y KHOA"), year=2024)  # fmt: skip
    db = open_database(path)
    try:
        with db.transaction() as session:
            unit = session.scalar(select(m.Unit))
            services.update(session, m.Unit, unit.id, {"code": "000.21.31.H34"})
            field = session.scalar(select(m.Field).order_by(m.Field.sort_order))
            proc = services.create(session, m.Procedure, {"code": "1.2.0001", "name": "Khám giám định thương tật",
                                                           "field_id": field.id, "unit_id": unit.id,
                                                           "resolution_days": 10})  # fmt: skip
            for i in range(6):
                received = dt.date(2024, 2, 5) + dt.timedelta(days=14 * i)
                services.create(session, m.Dossier, {
                    "code": f"000.21.31.H34-2402{i:02d}-0001", "procedure_id": proc.id, "unit_id": unit.id,
                    "channel": Channel.ONLINE if i % 2 else Channel.DIRECT, "received_on": received,
                    "resolved_on": received + dt.timedelta(days=7), "applicant": f"Người nộp số {i + 1}",
                })  # fmt: skip
            services.create(session, m.Task, {
                "document_number": "215/UBND-VX", "content": "Rà soát hồ sơ giám định tồn đọng",
                "lead_unit_id": unit.id, "assigned_on": dt.date(2024, 3, 1), "due_on": dt.date(2024, 3, 30),
            })  # fmt: skip
    finally:
        db.close()
    out = folder / "goi-so-lieu-giam-dinh-y-khoa-2024.cchc"
    export_package(open_database(path), None, "2024", out)
    return out


def _sample_export(path: Path) -> Path:
    """A one-stop export as offices get it: title rows, then the header, one bad date and one unknown code."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["UBND TỈNH KHÁNH HÒA"])
    ws.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN THÁNG 01/2025"])
    ws.append([])
    ws.append(["STT", "Số hồ sơ", "Mã thủ tục", "Tên thủ tục", "Người nộp", "Kênh nộp", "Ngày nhận", "Hạn xử lý",
               "Ngày có kết quả"])  # fmt: skip
    names = ["Nhà thuốc Hồng Đức", "Quầy thuốc An Bình", "Phòng khám Đa khoa Sài Gòn", "Công ty TNHH Dược Minh Tâm"]
    for n in range(1, 25):
        code, received = "1.004626", f"{n:02d}/01/2025 08:{n:02d}"
        if n == 7:
            received = "32/01/2025"
        if n == 12:
            code = "9.999999"
        ws.append([n, f"000.00.31.H34-2501{n:02d}-9001", code, "Cấp lại giấy phép hành nghề", names[n % 4],
                   "Trực tuyến" if n % 3 else "Trực tiếp", received, f"{n + 5:02d}/02/2025", ""])  # fmt: skip
    wb.save(path)
    return path


def _shoot_import_wizard(s: Shooter, ctx: Any) -> None:
    from PySide6.QtWidgets import QWizard

    from cchc_desktop.ui import prompts
    from cchc_desktop.ui.dialogs.import_wizard import ImportWizard

    sample = _sample_export(Path(tempfile.mkdtemp(prefix="cchc-import-")) / "ho-so-thang-01.xlsx")
    wizard = ImportWizard(ctx, "dossiers", s.window)
    wizard.resize(900, 640)
    wizard.show()
    _settle(s.app)
    prompts.set_responder(lambda prompt: str(sample) if prompt.kind == "open_file" else None)
    try:
        wizard.file_page.browse.click()
    finally:
        prompts.set_responder(None)
    _settle(s.app)
    s.save(wizard, "nhap-excel-1-chon-tep")
    for name in ("nhap-excel-2-ghep-cot", "nhap-excel-3-xem-truoc"):
        wizard.next()
        _settle(s.app)
        s.save(wizard, name)
    wizard.next()
    while not wizard.result_page.isComplete():
        _settle(s.app, 1)
    _settle(s.app)
    s.save(wizard, "nhap-excel-4-ket-qua")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    _settle(s.app)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="screenshots.py", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="thư mục lưu ảnh")
    parser.add_argument("--db", type=Path, help="cơ sở dữ liệu (mặc định: tạo dữ liệu mẫu tạm)")
    parser.add_argument("--size", default="1366x768")
    args = parser.parse_args(argv)
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="cchc-shots-"))
    os.environ["CCHC_DATA_DIR"] = str(work / "data")  # fresh settings: the default window state
    args.out.mkdir(parents=True, exist_ok=True)
    db_path = args.db
    if db_path is None:
        from cchc_desktop.core.db import open_database
        from cchc_desktop.core.demo import build_demo

        db_path = work / "demo.db"
        db = open_database(db_path)
        build_demo(db)
        db.close()
    else:  # the screenshots change records (a refused save, a deletion): never the user's own file
        db_path = Path(shutil.copy2(db_path, work / db_path.name))
    width, height = (int(x) for x in args.size.lower().split("x"))
    saved = shoot(args.out, db_path, (width, height))
    print(f"Đã lưu {len(saved)} ảnh vào {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
