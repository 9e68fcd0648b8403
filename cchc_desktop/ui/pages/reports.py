"""Báo cáo: choose the report and the period, its number, date and signer, type the narrative sections in
place, watch the live preview drawn by the Qt writer, then export Word / PDF or print. The consistency
findings are shown beside it and asked about before anything is exported."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core import models as m
from ...core import services
from ...core.checks import Finding, Severity, consistency_findings
from ...core.enums import ReportType
from ...core.errors import CchcError, ConflictError
from ...core.formatting import format_count, format_date
from ...core.periods import PeriodSpec
from .. import prompts, theme
from ..context import settings
from ..file_actions import open_path
from ..widgets.common import DateField, button, muted
from ..widgets.period_picker import PeriodPicker
from ..workers import Job, start_job
from .base import Page, combo

REPORT_CHOICES = [
    ("R1 – Kết quả thực hiện mục tiêu chất lượng", ReportType.QUALITY),
    ("R2 – Công tác cải cách hành chính", ReportType.CCHC),
    ("Biểu số 06a – Tình hình giải quyết TTHC", ReportType.BIEU_06A),
]
PREVIEW_TITLES = {
    ReportType.QUALITY: "Báo cáo kết quả thực hiện mục tiêu chất lượng",
    ReportType.CCHC: "Báo cáo công tác cải cách hành chính",
}
FILE_STEMS = {
    ReportType.QUALITY: "Bao-cao-muc-tieu-chat-luong",
    ReportType.CCHC: "Bao-cao-CCHC",
    ReportType.BIEU_06A: "Bieu-06a",
}
PREVIEW_DPI = 70
BIEU_HEADERS = [
    "STT", "Lĩnh vực", "Tiếp\nnhận", "Trực\ntuyến", "Trực tiếp,\nBCCI", "Kỳ trước\nchuyển qua", "Đã giải\nquyết",
    "Trước\nhạn", "Đúng\nhạn", "Quá\nhạn", "Đang giải\nquyết", "Trong\nhạn", "Quá\nhạn",
]  # fmt: skip (short lines: the 13 columns fit in 1366×768)


@dataclass
class Preview:
    spec: PeriodSpec
    report_type: ReportType
    document: Any  # the R1/R2 document (None for Biểu 06a or on error)
    rows: list[list[str]]  # Biểu 06a rows
    findings: list[Finding]
    draft_notes: int
    error: str = ""
    images: list[Any] = field(default_factory=list)  # QImage pages, drawn on the GUI thread


def _options(number: str, date: dt.date | None, authority: str, title: str, name: str) -> Any:
    from ...reports.common import ReportOptions

    return ReportOptions(
        number=number.strip() or None,
        date=date,
        signer_name=name.strip() or None,
        signer_authority=authority.strip() or None,
        signer_title=title.strip() or None,
    )


def build_preview(db: Any, report_type: ReportType, spec: PeriodSpec, options: Any) -> Preview:
    """The findings and the report's document (or the Biểu 06a rows), in a worker thread with its own
    session. The pages are drawn from the document on the GUI thread (≈ 0,02 s): Qt's text layout stays
    off the worker threads."""
    with db.session() as session:
        findings = consistency_findings(session, spec)
        if report_type == ReportType.BIEU_06A:
            return Preview(spec, report_type, None, bieu06a_rows(session, spec), findings, 0)
        from ...reports.export import build_report, count_draft_notes

        try:
            document = build_report(session, report_type, spec, options)
        except CchcError as exc:
            return Preview(spec, report_type, None, [], findings, 0, exc.message)
    return Preview(spec, report_type, document, [], findings, count_draft_notes(document))


def bieu06a_rows(session: Any, spec: PeriodSpec) -> list[list[str]]:
    """Biểu 06a by field from the indicators (columns 1–13), with the total row."""
    from ...core.indicators import dossier_classes_by_field
    from ...core.periods import periods_for

    period = periods_for(session, spec).dossiers
    rows = []
    total = None
    for n, row in enumerate(dossier_classes_by_field(session, period), 1):
        c = row.classes
        total = c if total is None else total + c
        rows.append([str(n), row.field_name, *_bieu_cells(c)])
    if total is not None:
        rows.append(["", "Tổng cộng", *_bieu_cells(total)])
    return rows


def _bieu_cells(c: Any) -> list[str]:
    return [format_count(v) for v in c.bieu06a_columns()]


class PagesView(QScrollArea):
    """The report's pages as white sheets one under the other."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setStyleSheet(f"QScrollArea {{ background: #dfe3e8; border: 1px solid {theme.BORDER}; }}")
        self.holder = QWidget()
        self.holder.setStyleSheet("background: #dfe3e8;")
        self.column = QVBoxLayout(self.holder)
        self.column.setContentsMargins(16, 16, 16, 16)
        self.column.setSpacing(14)
        self.column.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self.holder)
        self.labels: list[QLabel] = []

    def show_pages(self, images: list[Any]) -> None:
        while self.column.count():
            item = self.column.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.labels = []
        for image in images:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet("background: white; border: 1px solid #b9c0c8;")
            label.setFixedSize(image.width() + 2, image.height() + 2)
            self.column.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.labels.append(label)


class ReportsPage(Page):
    title = "Báo cáo"
    hint = "Chọn báo cáo và kỳ, nhập số, ngày, người ký và nội dung tự viết; bản xem trước cập nhật ngay."
    icon_name = "printer-outline"
    watches = ()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.preview: Preview | None = None
        self.job: Job | None = None
        self.export_job: Job | None = None
        self.last_file: Path | None = None
        self._loading_texts = False
        self._shown_section: str | None = None  # the section whose text the editor holds
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}  # each stored section's version as loaded: a stale save is refused
        self._texts_for: tuple[ReportType, str] | None = None  # the report and period of ``texts``
        self._preview_timer = QTimer(self, singleShot=True, interval=450)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self._save_timer = QTimer(self, singleShot=True, interval=700)
        self._save_timer.timeout.connect(self.save_section)

        splitter = self.splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_controls())
        splitter.addWidget(self._build_preview())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([430, 700])
        self.layout_.addWidget(splitter, 1)
        ctx.period_changed.connect(self._on_ctx_period)
        self._load_signer()
        self._on_type()

    # ----------------------------------------------------------------- building

    def _build_controls(self) -> QWidget:
        scroll = self.controls = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(400)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        col = QVBoxLayout(body)
        col.setContentsMargins(0, 0, 10, 0)
        col.setSpacing(10)

        what = QGroupBox("Báo cáo")
        form = QFormLayout(what)
        self.report_type = combo(REPORT_CHOICES, first=None, min_chars=24)
        self.report_type.currentIndexChanged.connect(self._on_type)
        form.addRow("Loại:", self.report_type)
        self.period = PeriodPicker(self.ctx.period, label="")
        self.period.changed.connect(self.ctx.set_period)
        form.addRow("Kỳ:", self.period)
        self.period_dates = muted()
        form.addRow("", self.period_dates)
        col.addWidget(what)

        self.sign_box = QGroupBox("Số, ngày ban hành, người ký")
        sign = QFormLayout(self.sign_box)
        self.number = QLineEdit()
        self.number.setPlaceholderText("để trống: văn thư điền sau")
        self.number.setMaximumWidth(200)
        self.issued_on = DateField()
        self.authority = QComboBox()
        self.authority.setEditable(True)
        self.authority.addItems(["GIÁM ĐỐC", "KT. GIÁM ĐỐC", "Q. GIÁM ĐỐC", "TL. GIÁM ĐỐC"])
        self.signer_title = QLineEdit()
        self.signer_title.setPlaceholderText("khi ký thay: PHÓ GIÁM ĐỐC")
        self.signer = QLineEdit()
        self.signer_pick = QComboBox()  # the organisation's signers (model Signer)
        self.signer_pick.setToolTip("Chọn người ký trong danh sách của cơ quan")
        self.signer_pick.activated.connect(self._pick_signer)
        self.save_signer_button = button("Lưu người ký", "account-plus-outline",
                                         tooltip="Thêm người ký hiện tại vào danh sách người ký của cơ quan")  # fmt: skip
        self.save_signer_button.clicked.connect(self.save_signer)
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.signer_pick, 1)
        pick_row.addWidget(self.save_signer_button)
        sign.addRow("Danh sách:", pick_row)
        sign.addRow("Số:", self.number)
        sign.addRow("Ngày ban hành:", self.issued_on)
        sign.addRow("Thẩm quyền ký:", self.authority)
        sign.addRow("Chức vụ:", self.signer_title)
        sign.addRow("Người ký:", self.signer)
        for w in (self.number, self.signer_title, self.signer):
            w.textChanged.connect(self._schedule_preview)
        self.authority.currentTextChanged.connect(self._schedule_preview)
        self.issued_on.changed.connect(self._schedule_preview)
        col.addWidget(self.sign_box)

        self.text_box = QGroupBox("Nội dung tự viết của kỳ")
        tcol = QVBoxLayout(self.text_box)
        self.section = QComboBox()
        self.section.currentIndexChanged.connect(self._show_section)
        tcol.addWidget(self.section)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Gõ nội dung; mỗi dòng là một đoạn, dòng bắt đầu bằng “-” là gạch đầu dòng.")
        self.editor.setMinimumHeight(120)
        self.editor.textChanged.connect(self._on_text)
        tcol.addWidget(self.editor)
        row = QHBoxLayout()
        self.insert_button = button("Chèn số liệu", "playlist-plus", tooltip="Chèn một số liệu được tính tự động")
        self.insert_button.setMenu(self._placeholder_menu())
        self.copy_button = button("Sao chép từ kỳ trước", "content-copy")
        self.copy_button.clicked.connect(self.copy_previous)
        row.addWidget(self.insert_button)
        row.addWidget(self.copy_button)
        row.addStretch(1)
        tcol.addLayout(row)
        self.text_status = muted()
        tcol.addWidget(self.text_status)
        # a save refused because someone else saved the section meanwhile: what they changed, and the way back
        self.conflict_label = QLabel()
        self.conflict_label.setObjectName("FormError")
        self.conflict_label.setWordWrap(True)
        self.conflict_label.hide()
        tcol.addWidget(self.conflict_label)
        self.reload_button = button("Tải lại", "refresh",
                                    tooltip="Mở nội dung mới nhất của mục (những gì bạn vừa gõ sẽ bị bỏ)")  # fmt: skip
        self.reload_button.clicked.connect(self.reload_section)
        self.reload_button.hide()
        tcol.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignLeft)
        col.addWidget(self.text_box)
        # The narrative and its "Chèn số liệu" first, above the fold at 1366×768; number and signer below.
        col.insertWidget(col.indexOf(self.sign_box), self.text_box)

        self.check_box = QGroupBox("Kiểm tra số liệu trước khi xuất")
        self.check_layout = QVBoxLayout(self.check_box)
        self.check_layout.addWidget(muted("Đang kiểm tra…"))
        col.addWidget(self.check_box)

        self.issue_button = button("Ban hành", "check-decagram-outline",
                                   tooltip="Ban hành: cần số và ngày; ghi tệp Word vào sổ báo cáo đã ban hành")  # fmt: skip
        self.issue_button.clicked.connect(self.issue)
        self.word_button = button("Xuất Word", "file-word-outline", primary=True, tooltip="Xuất báo cáo ra tệp Word (.docx)")
        self.word_button.clicked.connect(lambda: self.export("docx"))
        self.pdf_button = button("Xuất PDF", "file-pdf-box", tooltip="Xuất báo cáo ra tệp PDF")
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.excel_button = button("Xuất Excel", "microsoft-excel", primary=True, tooltip="Xuất Biểu số 06a ra tệp Excel")
        self.excel_button.clicked.connect(self.export_bieu06a)
        self.print_button = button("In…", "printer-outline", tooltip="In trên máy in (khổ A4)")
        self.print_button.clicked.connect(self.print_report)
        self.preview_button = button("Xem trước khi in", "file-document-multiple-outline")
        self.preview_button.clicked.connect(self.print_preview)
        self.word_print_button = button("In bằng Word", "printer-outline", tooltip="In tệp Word vừa xuất bằng Microsoft Word")
        self.word_print_button.clicked.connect(self.print_with_word)
        self.word_print_button.setVisible(word_installed())
        self.folder_button = button("", "folder-open-outline", tooltip="Mở thư mục chứa tệp vừa xuất")
        self.folder_button.clicked.connect(self.open_folder)
        self.folder_button.setEnabled(False)
        for w in (self.issue_button, self.word_button, self.pdf_button, self.excel_button, self.print_button, self.preview_button,
                  self.word_print_button, self.folder_button):  # fmt: skip
            self.header.add_right(w)
        self.export_status = muted()
        col.addStretch(1)
        scroll.setWidget(body)
        return scroll

    def _build_preview(self) -> QWidget:
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(8, 0, 0, 0)
        self.preview_title = QLabel("Xem trước")
        self.preview_title.setObjectName("SectionTitle")
        self.preview_title.setWordWrap(True)
        col.addWidget(self.preview_title)
        self.preview_state = muted()  # under the title: "3 trang A4 – DỰ THẢO; còn 7 mục…" never squeezed
        col.addWidget(self.preview_state)
        col.addWidget(self.export_status)
        self.preview_error = QLabel()
        self.preview_error.setObjectName("FormError")
        self.preview_error.setWordWrap(True)
        self.preview_error.hide()
        col.addWidget(self.preview_error)
        self.preview_stack = QStackedWidget()
        self.pages = PagesView()
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab moves on to the next control
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.preview_stack.addWidget(self.pages)
        self.preview_stack.addWidget(self.table)
        col.addWidget(self.preview_stack, 1)
        return holder

    def _placeholder_menu(self) -> QMenu:
        from ...reports.texts import PLACEHOLDERS

        menu = QMenu(self)
        groups: dict[str, QMenu] = {}
        names = {"ky": "Kỳ báo cáo", "ho_so": "Hồ sơ", "truc_tuyen": "Dịch vụ công trực tuyến", "nhiem_vu": "Nhiệm vụ",
                 "khao_sat": "Khảo sát", "iso": "Quy trình ISO", "van_ban": "Văn bản"}  # fmt: skip
        for key, (what, _get) in PLACEHOLDERS.items():
            group = key.split(".", 1)[0]
            if group not in groups:
                groups[group] = menu.addMenu(names.get(group, group))
            groups[group].addAction(what, lambda k=key: self.editor.insertPlainText(f"{{{k}}}"))
        return menu

    # ----------------------------------------------------------------- state

    def current_type(self) -> ReportType:
        return ReportType(self.report_type.currentData())

    def choose_report(self, kind: str) -> None:
        index = self.report_type.findData(ReportType(kind))
        if index >= 0:
            self.report_type.setCurrentIndex(index)

    def _load_signer(self) -> None:
        from sqlalchemy import select

        with self.ctx.db.session() as session:
            prof = services.profile(session)
            rows = session.scalars(
                select(m.Signer).where(m.Signer.active.is_(True)).order_by(m.Signer.is_default.desc(), m.Signer.id)
            ).all()
            self.signers = [(r.authority, r.title or "", r.name) for r in rows]
        self.signer_pick.clear()
        for authority, title, name in self.signers:
            self.signer_pick.addItem(f"{name} – {authority}" + (f" / {title}" if title else ""))
        self.signer_pick.setEnabled(bool(self.signers))
        if self.signers:
            self._set_signer(*self.signers[0])
        elif prof is not None:
            self._set_signer(prof.signer_authority or "GIÁM ĐỐC", prof.signer_title or "", prof.signer_name or "")

    def _set_signer(self, authority: str, title: str, name: str) -> None:
        for w in (self.authority, self.signer_title, self.signer):
            w.blockSignals(True)
        self.authority.setCurrentText(authority)
        self.signer_title.setText(title)
        self.signer.setText(name)
        for w in (self.authority, self.signer_title, self.signer):
            w.blockSignals(False)

    def _pick_signer(self, index: int) -> None:
        if 0 <= index < len(self.signers):
            self._set_signer(*self.signers[index])
            self._schedule_preview()

    def save_signer(self) -> None:
        """Add the signer typed above to the organisation's list (kept for the next reports)."""
        from sqlalchemy import select

        name, authority = self.signer.text().strip(), self.authority.currentText().strip().upper()
        if not name or not authority:
            prompts.error(self, "Lưu người ký", "Hãy nhập họ tên và thẩm quyền ký trước khi lưu.")
            return
        with self.ctx.db.transaction() as session:
            exists = session.scalar(select(m.Signer).where(m.Signer.name == name, m.Signer.authority == authority))
            if exists is None:
                first = session.scalar(select(m.Signer.id).limit(1)) is None
                services.create(session, m.Signer, {"name": name, "authority": authority,
                                                    "title": self.signer_title.text().strip().upper() or None,
                                                    "is_default": first, "active": True})  # fmt: skip
        self._load_signer()
        self._set_signer(authority, self.signer_title.text(), name)

    def options(self) -> Any:
        return _options(self.number.text(), self.issued_on.date(), self.authority.currentText(),
                        self.signer_title.text(), self.signer.text())  # fmt: skip

    def _on_type(self) -> None:
        kind = self.current_type()
        is_table = kind == ReportType.BIEU_06A
        self.sign_box.setVisible(not is_table)
        self.text_box.setVisible(not is_table)
        for w in (self.word_button, self.pdf_button, self.print_button, self.preview_button):
            w.setVisible(not is_table)
        self.word_print_button.setVisible(not is_table and word_installed())
        self.excel_button.setVisible(is_table)
        self.preview_stack.setCurrentWidget(self.table if is_table else self.pages)
        # The 13 columns of Biểu 06a need the whole width: its few controls go above the table; the
        # narrative reports keep their controls beside the page preview.
        body = self.controls.widget()
        if is_table:
            self.splitter.setOrientation(Qt.Orientation.Vertical)
            self.controls.setMinimumWidth(0)
            body.setMaximumWidth(620)
            self._fit_table_mode()
        else:
            self.splitter.setOrientation(Qt.Orientation.Horizontal)
            # As wide as the controls need (never cut on the right), at least 400 px.
            scrollbar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
            width = max(400, body.minimumSizeHint().width() + scrollbar + 4)
            self.controls.setMinimumWidth(width)
            self.controls.setMinimumHeight(0)
            self.controls.setMaximumHeight(16_777_215)
            self.table.setMinimumHeight(0)
            body.setMaximumWidth(16_777_215)
            self.splitter.setSizes([width + 10, 10_000])
        self._fill_sections()
        self.refresh_preview()

    def _on_ctx_period(self, spec: PeriodSpec) -> None:
        if spec != self.period.spec():
            self.period.set_spec(spec)
        self._fill_sections()
        self._schedule_preview()

    def refresh(self) -> None:
        self._load_signer()
        self._fill_sections()
        self.refresh_preview()

    # ----------------------------------------------------------------- narrative sections

    def _fill_sections(self) -> None:
        from ...core.sections import sections_for
        from ...reports.texts import load_texts, load_versions

        if self.has_unsaved_changes() and not self.save_section():  # typed for the report and period shown
            # until now: stored there — or, refused (someone else saved the section), given back to copy
            refusal = self.conflict_label.text() if not self.conflict_label.isHidden() else self.text_status.text()
            prompts.warning(self, "Chưa lưu nội dung", f"{refusal}\n\nNội dung bạn đã gõ (chưa lưu; hãy sao chép "
                            f"nếu cần):\n{self.editor.toPlainText()}")  # fmt: skip
        kind = self.current_type()
        self._loading_texts = True
        try:
            current = self.section.currentData()
            self.section.clear()
            self._texts_for = None
            if kind == ReportType.BIEU_06A:
                return
            with self.ctx.db.session() as session:
                self.texts = load_texts(session, kind, self.ctx.period.key)
                self.versions = load_versions(session, kind, self.ctx.period.key)
            self._texts_for = (kind, self.ctx.period.key)
            self._hide_conflict()
            for section in sections_for(kind):
                filled = "✔ " if self.texts.get(section.key, "").strip() else ("• " if section.required else "")
                self.section.addItem(filled + section.title, section.key)
            index = self.section.findData(current)
            self.section.setCurrentIndex(index if index >= 0 else 0)
            self._show_section()
        finally:
            self._loading_texts = False
        p = self.ctx.family_periods().dossiers
        self.period_dates.setText(f"Số liệu hồ sơ từ {format_date(p.start)} đến {format_date(p.end)}")

    def _show_section(self) -> None:
        leaving = self._shown_section
        if not self._loading_texts and leaving and self._section_unsaved(leaving):
            if not self.save_section(leaving):  # refused (someone else saved it): stay, keep what was typed
                self.section.blockSignals(True)
                self.section.setCurrentIndex(self.section.findData(leaving))
                self.section.blockSignals(False)
                return
        self._hide_conflict()
        key = self.section.currentData()
        self._shown_section = key
        self._loading_texts = True
        try:
            self.editor.setPlainText(self.texts.get(key, "") if key else "")
        finally:
            self._loading_texts = False
        self.text_status.setText("")

    def _on_text(self) -> None:
        if self._loading_texts:
            return
        self.text_status.setText("Đang sửa…")
        self._save_timer.start()

    def _section_unsaved(self, key: str | None) -> bool:
        return bool(key) and self.texts.get(key, "") != self.editor.toPlainText()

    def has_unsaved_changes(self) -> bool:
        return self._texts_for is not None and self._section_unsaved(self._shown_section)

    def unsaved_text(self) -> str:
        return f"Nội dung mục “{self.section.currentText().lstrip('✔• ')}” đã sửa nhưng chưa lưu. Lưu trước khi rời đi?"

    def save_changes(self) -> bool:
        return self.save_section()

    def discard_changes(self) -> None:
        self._save_timer.stop()
        self._loading_texts = True
        try:
            self.editor.setPlainText(self.texts.get(self._shown_section or "", ""))
        finally:
            self._loading_texts = False
        self.text_status.setText("")

    def save_section(self, key: str | None = None) -> bool:
        """Store the section being edited (through the services) and refresh the preview."""
        from ...reports.texts import save_texts

        self._save_timer.stop()
        key = key or self._shown_section
        if not key or self._texts_for is None:
            return True
        kind, period_key = self._texts_for
        body = self.editor.toPlainText()
        if self.texts.get(key, "") == body:
            self.text_status.setText("Đã lưu.")
            return True
        try:
            with self.ctx.db.transaction() as session:
                saved = save_texts(session, kind, period_key, {key: body},
                                   expected_versions={key: self.versions.get(key)})  # fmt: skip
        except ConflictError as exc:  # nothing overwritten: say what the other person changed, offer theirs
            self.text_status.setText("Chưa lưu.")
            self.conflict_label.setText(exc.message)
            self.conflict_label.show()
            self.reload_button.show()
            return False
        except CchcError as exc:
            self.text_status.setText(exc.message)
            return False
        self.texts[key] = body
        self.versions.update(saved)
        self._hide_conflict()
        self.text_status.setText("Đã lưu.")
        self._mark_section(key, kind)
        self._schedule_preview()
        return True

    def _hide_conflict(self) -> None:
        self.conflict_label.hide()
        self.reload_button.hide()

    def reload_section(self) -> None:
        """After a refused save: the section as stored now (the other person's text) and its version; what
        was typed here is dropped."""
        from ...reports.texts import load_texts, load_versions

        if self._texts_for is None:
            return
        kind, period_key = self._texts_for
        self._save_timer.stop()
        with self.ctx.db.session() as session:
            self.texts = load_texts(session, kind, period_key)
            self.versions = load_versions(session, kind, period_key)
        self._hide_conflict()
        self.discard_changes()
        if self._shown_section:
            self._mark_section(self._shown_section, kind)
        self.text_status.setText("Đã tải nội dung mới nhất.")
        self._schedule_preview()

    def _mark_section(self, key: str, kind: ReportType) -> None:
        from ...core.sections import sections_for

        index = self.section.findData(key)
        section = next((s for s in sections_for(kind) if s.key == key), None)
        if index < 0 or section is None:
            return
        filled = "✔ " if self.texts.get(key, "").strip() else ("• " if section.required else "")
        self.section.setItemText(index, filled + section.title)

    def copy_previous(self) -> None:
        from ...reports.texts import copy_from_previous

        if not self.save_section():  # refused: what was typed stays in the editor, the refusal shown
            return
        try:
            with self.ctx.db.transaction() as session:
                result = copy_from_previous(session, self.current_type(), self.ctx.period)
        except CchcError as exc:
            prompts.info(self, "Sao chép từ kỳ trước", exc.message)
            return
        self._fill_sections()
        self.text_status.setText(
            f"Đã sao chép {result.copied} mục từ kỳ {PeriodSpec.parse(result.source_key).label}; "
            "các mục đã có nội dung được giữ nguyên."
        )
        self.refresh_preview()

    # ----------------------------------------------------------------- preview

    def _schedule_preview(self, *_: Any) -> None:
        self._preview_timer.start()

    def refresh_preview(self) -> None:
        self._preview_timer.stop()
        kind, spec, options, db = self.current_type(), self.ctx.period, self.options(), self.ctx.db
        self.preview_state.setText("Đang dựng bản xem trước…")
        self.job = start_job(self, "Đang dựng báo cáo", lambda _p: build_preview(db, kind, spec, options),
                             on_done=self._show_preview, show_progress=False)  # fmt: skip

    def _show_preview(self, preview: Preview) -> None:
        if preview.spec != self.ctx.period or preview.report_type != self.current_type():
            return
        self.preview = preview
        self.preview_error.setVisible(bool(preview.error))
        self.preview_error.setText(preview.error)
        if preview.report_type == ReportType.BIEU_06A:
            self._show_table(preview.rows)
            self.preview_title.setText(f"Biểu số 06a – {preview.spec.label}")
            self.preview_state.setText(f"{max(len(preview.rows) - 1, 0)} lĩnh vực")
        else:
            if preview.document is not None:
                from ...reports.qt_writer import render_page_images

                preview.images = render_page_images(preview.document, dpi=PREVIEW_DPI)
                self.pages.show_pages(preview.images)
            self.preview_title.setText(f"{PREVIEW_TITLES[preview.report_type]} {preview.spec.label}")
            note = f"; còn {preview.draft_notes} mục chưa có nội dung (tô vàng)" if preview.draft_notes else ""
            draft = preview.document is not None and preview.document.draft
            self.preview_state.setText(f"{len(preview.images)} trang A4{' – DỰ THẢO' if draft else ''}{note}")
        self._show_findings(preview.findings)

    def _show_table(self, rows: list[list[str]]) -> None:
        from PySide6.QtGui import QStandardItem, QStandardItemModel

        model = QStandardItemModel(len(rows), len(BIEU_HEADERS), self.table)
        model.setHorizontalHeaderLabels([f"({i})\n{h}" for i, h in enumerate(BIEU_HEADERS, 1)])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QStandardItem(value)
                if c >= 2 or c == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r == len(rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                item.setEditable(False)
                model.setItem(r, c, item)
        self.table.setModel(model)
        self._fit_table_mode()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def _fit_table_mode(self) -> None:
        """Biểu 06a: the controls above take what they need up to about a third of the page (they scroll
        beyond), the table keeps room for several rows — however many findings the check lists."""
        if self.current_type() != ReportType.BIEU_06A:
            return
        body = self.controls.widget()
        body.adjustSize()
        row = self.table.verticalHeader().defaultSectionSize()
        header = self.table.horizontalHeader().sizeHint().height()
        model = self.table.model()
        shown_rows = min(model.rowCount() if model is not None else 10, 14)
        table_needs = header + max(shown_rows, 6) * row + 8
        cap = max(150, self.splitter.height() - self.splitter.handleWidth() - table_needs, int(self.height() * 0.3))
        height = min(body.sizeHint().height(), cap)
        self.controls.setMinimumHeight(min(height, 150))
        self.controls.setMaximumHeight(height)
        self.table.setMinimumHeight(header + 6 * row + 4)
        self.splitter.setSizes([height, 10_000])

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_table_mode()

    def _show_findings(self, findings: list[Finding]) -> None:
        layout = self.check_layout
        while layout.count():
            item = layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        if not findings:
            layout.addWidget(self._finding_label("check-circle", theme.OK_COLOUR, "Số liệu của kỳ khớp nhau."))
        for f in findings[:6]:
            name, colour = {Severity.ERROR: ("close-circle", theme.BAD_COLOUR),
                            Severity.WARNING: ("alert-outline", theme.WARN_COLOUR)}.get(
                                f.severity, ("information-outline", theme.ACCENT))  # fmt: skip
            layout.addWidget(self._finding_label(name, colour, f.message))
        if len(findings) > 6:
            layout.addWidget(muted(f"… và {len(findings) - 6} điểm khác (menu Dữ liệu → Kiểm tra dữ liệu)."))
        self._fit_table_mode()

    def _finding_label(self, icon_name: str, colour: str, text: str) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        icon = QLabel()
        icon.setPixmap(theme.icon(icon_name, colour).pixmap(QSize(16, 16)))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(icon)
        label = QLabel(text)
        label.setWordWrap(True)
        row.addWidget(label, 1)
        return holder

    # ----------------------------------------------------------------- export & print

    def _go_on_despite_findings(self) -> bool:
        findings = [f for f in (self.preview.findings if self.preview else []) if f.severity != Severity.INFO]
        if not findings:
            return True
        listed = "\n".join(f"• {f.message}" for f in findings[:5])
        choice = prompts.choice(
            self, "Kiểm tra số liệu",
            f"Số liệu {self.ctx.period.label} có {len(findings)} điểm cần xem lại:\n{listed}\n\n"
            "Vẫn xuất báo cáo, hay quay lại sửa số liệu trước?",
            ["Vẫn xuất", "Sửa số liệu trước"], default=1,
        )  # fmt: skip
        return choice == 0

    def _suggested(self, suffix: str) -> str:
        folder = settings().value("reports/folder") or str(Path.home())
        return str(Path(str(folder)) / f"{FILE_STEMS[self.current_type()]}-{self.ctx.period.key}{suffix}")

    def export(self, kind: str) -> Job | None:
        """Xuất Word (``docx``) or Xuất PDF (``pdf``): findings first, then a file name, then a worker."""
        if not self.save_section() or not self._go_on_despite_findings():
            return None
        if kind == "docx":
            path = prompts.save_file(self, "Xuất báo cáo Word", "Tài liệu Word (*.docx)", self._suggested(".docx"), "docx")
        else:
            path = prompts.save_file(self, "Xuất báo cáo PDF", "Tài liệu PDF (*.pdf)", self._suggested(".pdf"), "pdf")
        if path is None:
            return None
        settings().setValue("reports/folder", str(path.parent))
        kind_type, spec, options, db = self.current_type(), self.ctx.period, self.options(), self.ctx.db

        def work(progress: Any) -> Any:
            from ...reports.export import build_report, draft_path, export_report

            progress(0, 2, "Đang dựng báo cáo…")
            if kind == "docx":
                with db.transaction() as session:
                    result = export_report(session, kind_type, spec, path, None, options)
                return result.document, result.docx
            with db.session() as session:  # the PDF itself is drawn on the GUI thread (Qt's text layout)
                document = build_report(session, kind_type, spec, options)
            return document, draft_path(path) if document.draft else path

        self.export_status.setText("Đang xuất…")
        self.export_job = start_job(self, "Đang xuất báo cáo", work,
                                    on_done=lambda r: self._exported(*r), on_error=self._export_failed)  # fmt: skip
        return self.export_job

    def issue(self) -> Job | None:
        """Ban hành: a number and a date, nothing empty, no failed check; the Word file is recorded in the
        register (a reprint reproduces it)."""
        if not self.save_section():
            return None
        if not self.number.text().strip() or self.issued_on.date() is None:
            prompts.error(self, "Ban hành báo cáo", "Để ban hành báo cáo, hãy nhập số văn bản và ngày ban hành.")
            return None
        if self.preview is not None and self.preview.document is not None and self.preview.document.draft:
            prompts.error(self, "Ban hành báo cáo", "Chưa ban hành được: báo cáo còn là dự thảo (có mục chưa có "
                          "nội dung hoặc số liệu chưa khớp). Hãy hoàn thiện trước khi ban hành.")  # fmt: skip
            return None
        path = prompts.save_file(self, "Ban hành báo cáo (tệp Word)", "Tài liệu Word (*.docx)", self._suggested(".docx"),
                                 "docx")  # fmt: skip
        if path is None:
            return None
        settings().setValue("reports/folder", str(path.parent))
        kind_type, spec, options, db = self.current_type(), self.ctx.period, self.options(), self.ctx.db

        def work(progress: Any) -> Any:
            from ...reports.export import export_report

            progress(0, 2, "Đang ban hành báo cáo…")
            with db.transaction() as session:
                result = export_report(session, kind_type, spec, path, None, options, issue=True)
            return result.document, result.docx

        self.export_status.setText("Đang ban hành…")
        self.export_job = start_job(self, "Đang ban hành báo cáo", work,
                                    on_done=lambda r: self._exported(*r, issued=True), on_error=self._export_failed)  # fmt: skip
        return self.export_job

    def _exported(self, document: Any, path: Path, issued: bool = False) -> None:
        from ...reports.export import count_draft_notes

        if path.suffix.lower() == ".pdf":
            from ...reports.qt_writer import write_pdf

            try:
                write_pdf(document, path)
            except CchcError as exc:
                self._export_failed(exc)
                return
        self.last_file = path
        self.folder_button.setEnabled(True)
        drafts = count_draft_notes(document)
        note = f" Bản dự thảo còn {drafts} mục chưa có nội dung (tô vàng)." if drafts else ""
        if issued:
            self.export_status.setText(f"Đã ban hành {path.name}; đã ghi vào sổ báo cáo đã ban hành.")
        elif document.draft:
            self.export_status.setText(f"Đã xuất bản DỰ THẢO {path.name} (chưa ban hành).{note}")
        else:
            self.export_status.setText(f"Đã xuất {path.name} (chưa ban hành).")
        self.ctx.notify("issued_report")
        from ..exporting import announce_export  # Word, PDF and Excel end with the same message

        title = "Xuất PDF" if path.suffix.lower() == ".pdf" else "Xuất Word"
        announce_export(self, title, path, self.export_status.text().removeprefix(f"Đã xuất {path.name}").strip(" ."))

    def _export_failed(self, exc: BaseException) -> None:
        from ..workers import report_error

        self.export_status.setText("Chưa xuất được.")
        report_error(self, exc)

    def export_bieu06a(self) -> Job | None:
        from ..exporting import export_table

        if not self._go_on_despite_findings():
            return None
        job = export_table(self, self.ctx, "bieu06a", None)
        return job

    def _document(self) -> Any:
        from ...reports.export import build_report

        with self.ctx.db.session() as session:
            return build_report(session, self.current_type(), self.ctx.period, self.options())

    def print_report(self) -> bool:
        from ...reports.qt_writer import print_with_dialog

        if not self.save_section() or not self._go_on_despite_findings():
            return False
        try:
            document = self._document()
            return print_with_dialog(
                document, self, run_dialog=lambda d: prompts.run_dialog(d) == QDialog.DialogCode.Accepted
            )
        except CchcError as exc:
            prompts.error(self, "In báo cáo", exc.message)
            return False

    def print_preview(self) -> None:
        from ...reports.qt_writer import print_preview_dialog

        if not self.save_section():
            return
        try:
            document = self._document()
        except CchcError as exc:
            prompts.error(self, "Xem trước khi in", exc.message)
            return
        dialog = print_preview_dialog(document, self)
        dialog.resize(1000, 720)
        prompts.run_dialog(dialog)

    def print_with_word(self) -> None:
        """Windows: print the exported .docx with Word (the shell's print verb)."""
        if self.last_file is None or self.last_file.suffix.lower() != ".docx":
            prompts.info(self, "In bằng Word", "Hãy bấm “Xuất Word” trước; sau đó tệp Word vừa xuất sẽ được in bằng Word.")
            return
        try:
            os.startfile(str(self.last_file), "print")  # type: ignore[attr-defined]
        except (OSError, AttributeError) as exc:
            prompts.error(self, "In bằng Word", f"Không in được bằng Word: {exc}")

    def open_folder(self) -> None:
        if self.last_file is not None:
            open_path(self.last_file.parent)


def word_installed() -> bool:
    """True on Windows when Microsoft Word is registered (for "In bằng Word")."""
    if sys.platform != "win32":
        return False
    try:
        import winreg

        winreg.CloseKey(winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Word.Application"))
        return True
    except OSError:
        return False
