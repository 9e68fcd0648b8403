"""The Excel import wizard: file → column mapping → preview → result (rejected rows with reasons, saveable).

The file is read by the io package; the import runs in a worker thread with progress and cancel, in one
transaction (valid rows in, or nothing with "all or nothing"), then the pages re-read their tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ...core.errors import CchcError
from ...core.formatting import format_count
from .. import importing, prompts
from ..context import AppContext, settings
from ..workers import Job, start_job

if TYPE_CHECKING:
    from ...io.importer import ImportResult

FILE_FILTER = "Bảng tính (*.xlsx *.xlsm *.xls *.csv);;Mọi tệp (*)"
MAPPING_FILTER = "Cách ghép cột (*.json)"
TABLE_OF_KIND = {
    "dossiers": "dossier",
    "procedures": "procedure",
    "decisions": "announcement_decision",
    "tasks": "task",
    "survey_forms": "survey_form",
    "survey_totals": "survey_option_count",
    "documents": "document_count",
}


def _column_name(index: int, name: str) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}. {name}" if name else f"Cột {letters}"


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("FieldError")
    label.setWordWrap(True)
    label.hide()
    return label


class FilePage(QWizardPage):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.setTitle("Bước 1/4 – Chọn tệp")
        self.setSubTitle("Tệp .xlsx, .xls hoặc .csv xuất từ phần mềm một cửa, E-Office hoặc do đồng nghiệp lập.")
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.kind = QComboBox()
        for value, label in importing.KIND_CHOICES:
            self.kind.addItem(label, value)
        index = self.kind.findData(kind)
        self.kind.setCurrentIndex(max(index, 0))
        form.addRow("Loại dữ liệu:", self.kind)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("chưa chọn tệp")
        self.browse = QPushButton("Chọn tệp…")
        self.browse.setAutoDefault(False)
        self.browse.clicked.connect(self.choose_file)
        row.addWidget(self.path, 1)
        row.addWidget(self.browse)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        form.addRow("Tệp:", holder)
        self.error = _error_label()
        form.addRow("", self.error)
        self.all_or_nothing = QCheckBox("Tất cả hoặc không: chỉ cần một dòng sai là không nhập dòng nào")
        form.addRow("", self.all_or_nothing)
        note = QLabel("Nhập lại cùng một tệp sẽ cập nhật các bản ghi đã có (theo mã), không tạo bản trùng.")
        note.setObjectName("Muted")
        note.setWordWrap(True)
        form.addRow("", note)

    def choose_file(self) -> None:
        folder = settings().value("import/folder") or str(Path.home())
        path = prompts.open_file(self, "Chọn tệp cần nhập", FILE_FILTER, str(folder))
        if path is not None:
            self.path.setText(str(path))
            settings().setValue("import/folder", str(path.parent))

    def validatePage(self) -> bool:  # noqa: N802
        self.error.hide()
        if not self.path.text():
            self.error.setText("Vui lòng chọn tệp cần nhập.")
            self.error.show()
            return False
        try:
            preview = importing.read_preview(self.kind.currentData(), Path(self.path.text()))
        except CchcError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        wizard.preview = preview
        return True


class MappingPage(QWizardPage):
    """One line per field of the kind: which column of the file fills it (detected, correctable)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Bước 2/4 – Ghép cột")
        self.setSubTitle("Các cột đã được nhận ra theo tên tiêu đề; sửa lại nếu cần. Trường có dấu * là bắt buộc.")
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(6)
        scroll.setWidget(self.body)
        outer.addWidget(scroll, 1)
        self.error = _error_label()
        outer.addWidget(self.error)
        buttons = QHBoxLayout()
        self.load_button = QPushButton("Mở cách ghép đã lưu…")
        self.save_button = QPushButton("Lưu cách ghép…")
        for b in (self.load_button, self.save_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.load_button.clicked.connect(self.load_mapping)
        self.save_button.clicked.connect(self.save_mapping)
        self.combos: dict[str, QComboBox] = {}
        self.samples: dict[str, QLabel] = {}

    def preview(self) -> importing.FilePreview:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard) and wizard.preview is not None
        return wizard.preview

    def initializePage(self) -> None:  # noqa: N802
        preview = self.preview()
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.combos, self.samples = {}, {}
        for col, text in enumerate(("Trường dữ liệu", "Cột trong tệp", "Ví dụ (dòng đầu)")):
            head = QLabel(f"<b>{text}</b>")
            self.grid.addWidget(head, 0, col)
        column_of = {key: col for col, key in preview.mapping.items()}
        for r, info in enumerate(importing.fields(preview.kind), 1):
            self.grid.addWidget(QLabel(info.label + (" *" if info.required else "")), r, 0)
            combo = QComboBox()
            combo.addItem("— không nhập —", None)
            for c, name in enumerate(preview.names):
                combo.addItem(_column_name(c, name), c)
            combo.setCurrentIndex(max(combo.findData(column_of.get(info.key)), 0))
            combo.setMinimumContentsLength(24)
            combo.currentIndexChanged.connect(lambda _i, k=info.key: self._on_change(k))
            self.grid.addWidget(combo, r, 1)
            sample = QLabel()
            sample.setObjectName("Muted")
            self.grid.addWidget(sample, r, 2)
            self.combos[info.key] = combo
            self.samples[info.key] = sample
            self._show_sample(info.key)
        self.grid.setColumnStretch(2, 1)
        self.grid.setRowStretch(len(self.combos) + 1, 1)
        self.error.hide()

    def _show_sample(self, key: str) -> None:
        col = self.combos[key].currentData()
        text = ""
        if col is not None:
            for _n, cells in self.preview().rows:
                if col < len(cells) and cells[col] not in (None, ""):
                    text = importing.display(cells[col])
                    break
        self.samples[key].setText(text[:60])

    def _on_change(self, key: str) -> None:
        self._show_sample(key)
        self.current_mapping()

    def current_mapping(self) -> dict[int, str]:
        mapping: dict[int, str] = {}
        for key, combo in self.combos.items():
            col = combo.currentData()
            if col is not None:
                mapping[col] = key
        self.preview().mapping = mapping
        return mapping

    def validatePage(self) -> bool:  # noqa: N802
        chosen = [c.currentData() for c in self.combos.values() if c.currentData() is not None]
        if len(chosen) != len(set(chosen)):
            self.error.setText("Một cột trong tệp đang được ghép cho hai trường; mỗi cột chỉ ghép một trường.")
            self.error.show()
            return False
        self.current_mapping()
        missing = importing.missing_required(self.preview())
        if missing:
            names = ", ".join(f"“{f.label}”" for f in missing)
            self.error.setText(f"Chưa chọn cột cho trường bắt buộc: {names}.")
            self.error.show()
            self.combos[missing[0].key].setFocus()
            return False
        return True

    def load_mapping(self) -> None:
        path = prompts.open_file(self, "Mở cách ghép cột đã lưu", MAPPING_FILTER)
        if path is None:
            return
        try:
            importing.load_saved_mapping(self.preview(), path)
        except CchcError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        self.initializePage()

    def save_mapping(self) -> None:
        self.current_mapping()
        path = prompts.save_file(self, "Lưu cách ghép cột", MAPPING_FILTER, f"ghep-cot-{self.preview().kind}.json", "json")
        if path is not None:
            importing.save_mapping_file(self.preview(), path)


class PreviewPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Bước 3/4 – Xem trước")
        self.setSubTitle("Những dòng đầu của tệp theo cách ghép cột đã chọn. Bấm “Nhập” để nhập toàn bộ tệp.")
        layout = QVBoxLayout(self)
        self.info = QLabel()
        self.info.setObjectName("Muted")
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab moves on to the next control
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        layout.addWidget(self.table, 1)
        # Dossier files: what the catalogue lacks (units, fields, procedures) with its row counts, and the
        # one choice that creates it all.
        self.gaps = QLabel()
        self.gaps.setWordWrap(True)
        self.gaps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        gaps_scroll = QScrollArea()
        gaps_scroll.setWidgetResizable(True)
        gaps_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        gaps_scroll.setWidget(self.gaps)
        gaps_scroll.setMaximumHeight(150)
        self.gaps_scroll = gaps_scroll
        layout.addWidget(gaps_scroll)
        self.create_missing = QCheckBox(
            "Tạo mới tất cả đơn vị, lĩnh vực, thủ tục chưa có trong danh mục (đánh dấu “cần bổ sung thông tin”)"
        )
        layout.addWidget(self.create_missing)
        self.scan: Job | None = None
        self.found: Any = None  # io.catalogue.CatalogueGaps of the file

    def _scan_done(self, gaps: Any) -> None:
        self.found = gaps
        lines = gaps.lines()
        if not lines:
            self.gaps.setText("Mọi đơn vị, lĩnh vực và thủ tục trong tệp đã có trong danh mục.")
            return
        self.gaps.setText("\n".join(lines))
        self.create_missing.setVisible(gaps.missing)

    def _scan_failed(self, exc: BaseException) -> None:
        self.gaps.setText(exc.message if isinstance(exc, CchcError) else "Không kiểm tra được danh mục của tệp.")

    def _start_scan(self, wizard: ImportWizard) -> None:
        preview = wizard.preview
        dossiers = preview is not None and preview.kind == "dossiers"
        self.gaps_scroll.setVisible(dossiers)
        self.create_missing.setVisible(False)
        self.found = None
        if not dossiers or preview is None:
            return
        self.gaps.setText("Đang kiểm tra đơn vị, lĩnh vực, thủ tục trong tệp…")
        db = wizard.ctx.db
        self.scan = start_job(
            wizard, "Kiểm tra danh mục", lambda _progress: importing.scan_catalogue(db, preview),
            on_done=self._scan_done, on_error=self._scan_failed, show_progress=False,
        )  # fmt: skip

    def initializePage(self) -> None:  # noqa: N802
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard) and wizard.preview is not None
        preview = wizard.preview
        labels = {f.key: f.label for f in importing.fields(preview.kind)}
        columns = sorted(preview.mapping.items())
        model = QStandardItemModel(0, len(columns), self)
        model.setHorizontalHeaderLabels([labels.get(key, key) for _c, key in columns])
        shown = preview.rows[:20]
        for number, cells in shown:
            items = [QStandardItem(importing.display(cells[c]) if c < len(cells) else "") for c, _k in columns]
            model.appendRow(items)
            model.setHeaderData(model.rowCount() - 1, Qt.Orientation.Vertical, str(number))
        self.table.setModel(model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.info.setText(
            f"Tệp {preview.path.name}: tiêu đề cột nhận ra ở dòng {preview.rows[0][0] - 1 if preview.rows else '?'}; "
            f"hiển thị {len(shown)} dòng đầu (số thứ tự bên trái là số dòng trong tệp)."
        )
        wizard.setButtonText(QWizard.WizardButton.NextButton, "Nhập")
        self._start_scan(wizard)

    def cleanupPage(self) -> None:  # noqa: N802
        self.wizard().setButtonText(QWizard.WizardButton.NextButton, "Tiếp >")


class ResultPage(QWizardPage):
    """Runs the import in a worker thread, then shows what went in and every rejected row."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Bước 4/4 – Kết quả")
        self.setSubTitle("Các dòng không nhập được được liệt kê với số dòng và lý do; có thể lưu ra tệp Excel.")
        layout = QVBoxLayout(self)
        self.summary = QLabel("Đang nhập…")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab moves on to the next control
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.save_rejects = QPushButton("Lưu các dòng bị từ chối…")
        self.save_rejects.setAutoDefault(False)
        self.save_rejects.clicked.connect(self._save_rejects)
        self.save_rejects.hide()
        row.addWidget(self.save_rejects)
        row.addStretch(1)
        layout.addLayout(row)
        self.job: Job | None = None
        self.outcome: ImportResult | None = None

    def isComplete(self) -> bool:  # noqa: N802
        return self.job is not None and self.job.done

    def initializePage(self) -> None:  # noqa: N802
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard) and wizard.preview is not None
        preview, db = wizard.preview, wizard.ctx.db
        options = {
            "all_or_nothing": wizard.file_page.all_or_nothing.isChecked(),
            "create_missing": wizard.preview_page.create_missing.isChecked(),
        }
        self.summary.setText("Đang nhập…")
        self.outcome = None
        self.job = start_job(
            wizard, f"Đang nhập {preview.path.name}",
            lambda progress: importing.run_import(db, preview, progress=progress, **options),
            on_done=self._done, on_error=self._failed, on_cancel=self._cancelled,
        )  # fmt: skip
        self.completeChanged.emit()

    def _finish_job(self) -> None:
        self.completeChanged.emit()
        wizard = self.wizard()
        wizard.button(QWizard.WizardButton.BackButton).setEnabled(False)

    def _done(self, outcome: ImportResult) -> None:
        self.outcome = outcome
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        kind = wizard.preview.kind if wizard.preview else ""
        if outcome.cancelled:
            self.summary.setText("Đã dừng theo yêu cầu; không có dữ liệu nào thay đổi.")
        else:
            rejected = len(outcome.rejected)
            text = (f"Đã nhập {format_count(outcome.created)} bản ghi mới, cập nhật {format_count(outcome.updated)} "
                    f"bản ghi đã có")  # fmt: skip
            if rejected:
                if wizard.file_page.all_or_nothing.isChecked():
                    text = f"Không nhập dòng nào vì có {format_count(rejected)} dòng không hợp lệ (chế độ tất cả hoặc không)"
                else:
                    text += f"; {format_count(rejected)} dòng không nhập được (xem lý do bên dưới)"
            if outcome.committed and outcome.batch_id is not None:
                text += (f". Đây là lần nhập số {outcome.batch_id}: có thể hoàn tác cả lần nhập ở trang "
                         "“Nhật ký thay đổi” (nút “Hoàn tác lần nhập”)")
            self.summary.setText(text + ".")
            wizard.ctx.notify(TABLE_OF_KIND.get(kind, ""))
        model = QStandardItemModel(0, 3, self)
        model.setHorizontalHeaderLabels(["Dòng", "Cột", "Lý do"])
        for r in sorted(outcome.rejected, key=lambda r: r.row):
            number = QStandardItem(str(r.row))
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            model.appendRow([number, QStandardItem(r.column), QStandardItem(r.reason)])
        self.table.setModel(model)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setVisible(bool(outcome.rejected))
        self.save_rejects.setVisible(bool(outcome.rejected))
        self._finish_job()

    def _failed(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, CchcError) else "Đã xảy ra lỗi không mong muốn khi nhập; dữ liệu không thay đổi."
        if not isinstance(exc, CchcError):
            from ...core.logs import log_unexpected, unexpected_message

            message = unexpected_message(log_unexpected(exc))
        self.summary.setText(f"Không nhập được: {message}")
        self.table.hide()
        self._finish_job()

    def _cancelled(self) -> None:
        self.summary.setText("Đã dừng theo yêu cầu; không có dữ liệu nào thay đổi.")
        self.table.hide()
        self._finish_job()

    def _save_rejects(self) -> None:
        if self.outcome is None:
            return
        wizard = self.wizard()
        stem = wizard.preview.path.stem if wizard.preview else "nhap"
        folder = settings().value("import/folder") or str(Path.home())
        path = prompts.save_file(self, "Lưu các dòng bị từ chối", "Bảng tính Excel (*.xlsx)",
                                 str(Path(str(folder)) / f"{stem}-dong-bi-tu-choi.xlsx"), "xlsx")  # fmt: skip
        if path is None:
            return
        try:
            importing.save_rejects(self.outcome, path)
        except CchcError as exc:
            prompts.error(self, "Lưu các dòng bị từ chối", exc.message)
            return
        prompts.info(self, "Lưu các dòng bị từ chối", f"Đã lưu vào tệp:\n{path}")


class ImportWizard(QWizard):
    def __init__(self, ctx: AppContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview: importing.FilePreview | None = None
        self.setWindowTitle("Nhập dữ liệu từ Excel")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.BackButton, "< Quay lại")
        self.setButtonText(QWizard.WizardButton.NextButton, "Tiếp >")
        self.setButtonText(QWizard.WizardButton.FinishButton, "Đóng")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Hủy")
        self.file_page = FilePage(kind)
        self.mapping_page = MappingPage()
        self.preview_page = PreviewPage()
        self.result_page = ResultPage()
        for page in (self.file_page, self.mapping_page, self.preview_page, self.result_page):
            self.addPage(page)
        self.resize(860, 620)


def open_import_wizard(parent: QWidget, ctx: Any, kind: str) -> ImportWizard | None:
    wizard = ImportWizard(ctx, kind, parent)
    prompts.run_dialog(wizard)
    return wizard
