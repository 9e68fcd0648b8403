"""The new-database wizard: the organisation profile, the signer, then the file, seeded with the defaults
(fields, the survey questionnaire, the seven quality objectives of the year)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ...core import newdb
from ...core.errors import CchcError, ValidationError
from ...core.labels import in_sentence
from ...core.newdb import DEFAULT_RECIPIENTS_CCHC, DEFAULT_RECIPIENTS_QUALITY


class _FormPage(QWizardPage):
    """A wizard page of labelled line edits with an error line under each."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        # The fields sit in a scroll area: an error line appearing makes the page scroll, never squashes
        # a field (a 12 px high line edit after a refused "Tiếp tục").
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.form = QFormLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll)
        self._scroll, self._body = scroll, body
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(6)
        self.edits: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

    def add(self, key: str, label: str, widget: QWidget, hint: str = "") -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        if isinstance(widget, QLineEdit | QComboBox):
            widget.setMinimumHeight(widget.sizeHint().height())
        box.addWidget(widget)
        if hint:
            hint_label = QLabel(hint)
            hint_label.setObjectName("Muted")
            hint_label.setWordWrap(True)
            box.addWidget(hint_label)
        error = QLabel()
        error.setObjectName("FieldError")
        error.setWordWrap(True)
        error.hide()
        box.addWidget(error)
        caption = QLabel(label + ":")
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        caption.setContentsMargins(0, 5, 0, 0)  # level with the text of the input, whatever is below it
        self.form.addRow(caption, holder)
        # Tall enough for every field and hint as first shown; only error lines make it scroll.
        self._scroll.setMinimumHeight(min(self._body.sizeHint().height() + 6, 520))
        self.edits[key] = widget
        self.errors[key] = error
        return widget

    def value(self, key: str) -> str:
        w = self.edits[key]
        if isinstance(w, QLineEdit):
            return w.text().strip()
        if isinstance(w, QComboBox):
            return w.currentText().strip()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText().strip()
        return ""

    def show_error(self, key: str, message: str) -> None:
        self.errors[key].setText(message)
        self.errors[key].show()
        self.edits[key].setFocus()

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()

    def require(self, *keys: str) -> bool:
        self.clear_errors()
        for key in keys:
            if not self.value(key):
                label = self.form.labelForField(self.edits[key].parentWidget())
                name = in_sentence(label.text().rstrip(":")) if isinstance(label, QLabel) else key
                self.show_error(key, f"Vui lòng nhập {name}.")
                return False
        return True


class AgencyPage(_FormPage):
    def __init__(self) -> None:
        super().__init__("Thông tin cơ quan", "Dùng cho phần đầu của báo cáo (thể thức Nghị định 30/2020/NĐ-CP).")
        self.add("parent_agency", "Cơ quan chủ quản", QLineEdit(), "Viết hoa, ví dụ: UBND TỈNH HÀ TĨNH")
        self.add("agency", "Cơ quan ban hành", QLineEdit("SỞ Y TẾ"), "Viết hoa, ví dụ: SỞ Y TẾ")
        self.add("agency_short", "Tên cơ quan trong văn bản", QLineEdit("Sở Y tế"))
        self.add("symbol", "Chữ viết tắt tên cơ quan", QLineEdit("SYT"), "Dùng trong số ký hiệu: …/BC-SYT")
        self.add("place", "Địa danh", QLineEdit(), "Dùng ở dòng ngày tháng, ví dụ: Hà Tĩnh")

    def validatePage(self) -> bool:  # noqa: N802
        return self.require("parent_agency", "agency", "agency_short", "symbol", "place")


class SignerPage(_FormPage):
    def __init__(self) -> None:
        super().__init__("Người ký và nơi nhận", "Có thể đổi lại trong Cài đặt và cho từng báo cáo.")
        authority = QComboBox()
        authority.setEditable(True)
        authority.addItems(["GIÁM ĐỐC", "KT. GIÁM ĐỐC", "Q. GIÁM ĐỐC", "TL. GIÁM ĐỐC"])
        self.add("signer_authority", "Thẩm quyền ký", authority)
        self.add("signer_title", "Chức vụ người ký", QLineEdit(), "Khi ký thay: PHÓ GIÁM ĐỐC; để trống khi Giám đốc ký")
        self.add("signer_name", "Họ tên người ký", QLineEdit())
        recipients = QPlainTextEdit(DEFAULT_RECIPIENTS_QUALITY)
        recipients.setFixedHeight(84)
        recipients.setTabChangesFocus(True)
        self.add("recipients_quality", "Nơi nhận (báo cáo ISO)", recipients, "Mỗi dòng một nơi nhận")
        recipients2 = QPlainTextEdit(DEFAULT_RECIPIENTS_CCHC)
        recipients2.setFixedHeight(84)
        recipients2.setTabChangesFocus(True)
        self.add("recipients_cchc", "Nơi nhận (báo cáo CCHC)", recipients2)

    def validatePage(self) -> bool:  # noqa: N802
        return self.require("signer_authority")


class FinishPage(QWizardPage):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.setTitle("Tạo cơ sở dữ liệu")
        self.setSubTitle("Kiểm tra lại rồi bấm Hoàn tất.")
        layout = QVBoxLayout(self)
        self.path_label = QLabel(f"Tệp dữ liệu: <b>{path}</b>")
        self.path_label.setWordWrap(True)
        layout.addWidget(self.path_label)
        year = dt.date.today().year
        self.seed = QCheckBox(
            f"Tạo sẵn danh mục lĩnh vực, bộ câu hỏi khảo sát và 7 mục tiêu chất lượng năm {year} (theo mẫu)"
        )
        self.seed.setChecked(True)
        layout.addWidget(self.seed)
        self.banner = QLabel()
        self.banner.setObjectName("FormError")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        layout.addStretch(1)


class NewDatabaseWizard(QWizard):
    """Creates the database file with the profile; ``created_path`` is set on success."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.created_path: Path | None = None
        self.setWindowTitle("Tạo cơ sở dữ liệu mới")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.BackButton, "< Quay lại")
        self.setButtonText(QWizard.WizardButton.NextButton, "Tiếp >")
        self.setButtonText(QWizard.WizardButton.FinishButton, "Hoàn tất")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Hủy")
        self.agency = AgencyPage()
        self.signer = SignerPage()
        self.finish = FinishPage(path)
        for page in (self.agency, self.signer, self.finish):
            self.addPage(page)
        self.resize(680, 560)

    def profile_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for page in (self.agency, self.signer):
            for key in page.edits:
                values[key] = page.value(key)
        return values

    def validateCurrentPage(self) -> bool:  # noqa: N802
        if not super().validateCurrentPage():
            return False
        if self.currentPage() is self.finish:
            return self._create()
        return True

    def _create(self) -> bool:
        self.finish.banner.hide()
        if self.path.exists():
            self.finish.banner.setText(f"Tệp {self.path} đã có; hãy chọn tên khác để không ghi đè dữ liệu.")
            self.finish.banner.show()
            return False
        try:
            create_database(self.path, self.profile_values(), seed=self.finish.seed.isChecked())
        except ValidationError as exc:
            for page in (self.agency, self.signer):
                if exc.field in page.edits:
                    while self.currentPage() is not page:
                        self.back()
                    page.show_error(exc.field, exc.message)
                    return False
            self.finish.banner.setText(exc.message)
            self.finish.banner.show()
            return False
        except CchcError as exc:
            self.finish.banner.setText(exc.message)
            self.finish.banner.show()
            return False
        self.created_path = self.path
        return True


def create_database(path: Path, profile: dict[str, Any], *, seed: bool = True, year: int | None = None) -> None:
    """Create the file with the profile and the department as its first unit; all or nothing
    (``core.newdb``, shared with ``cchc-desktop init``)."""
    newdb.create_database(path, profile, seed=seed, year=year)
