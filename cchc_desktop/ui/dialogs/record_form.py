"""The form dialog for one record: fields built from a short description, saved through core/services.py.

A refused value comes back as ``ValidationError(field, message)``; the message appears under that field,
the field is outlined and focused, and nothing is saved (the whole save is one transaction).
Enter saves (Ctrl+Enter in a multi-line field), Esc cancels.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ...core import services
from ...core.errors import CchcError, ConflictError, ValidationError
from ...core.labels import entity_label, field_label
from ..context import AppContext
from ..screens import available_geometry
from ..unsaved import confirm_leave, widget_state
from ..widgets.common import DateField
from ..widgets.picker import find_folded, searchable_if_long

Choices = Callable[[Session], Sequence[tuple[str, Any]]]


@dataclass
class FieldSpec:
    """One field of a form: ``kind`` is text, multiline, int, decimal, date, time, enum, fk or bool."""

    key: str
    kind: str = "text"
    label: str | None = None
    enum: type[enum.Enum] | None = None
    choices: Choices | None = None
    optional: bool = True  # fk/enum: offer an empty choice
    hint: str = ""
    placeholder: str = ""
    read_only: bool = False
    width: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class FieldWidget(QWidget):
    """The input of one field with its error line below it."""

    def __init__(self, spec: FieldSpec, input_widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.input = input_widget
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        if input_widget.maximumWidth() < 10_000:  # a narrow input: keep the hint and error lines wide
            line = QHBoxLayout()
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(input_widget, 1)  # grows up to its maximum width, the rest stays empty
            line.addStretch(0)
            layout.addLayout(line)
        else:
            layout.addWidget(input_widget)
        if spec.hint:
            hint = QLabel(spec.hint)
            hint.setObjectName("Muted")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        self.error = QLabel()
        self.error.setObjectName("FieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.setFocusProxy(input_widget)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self._mark(True)

    def clear_error(self) -> None:
        self.error.clear()
        self.error.hide()
        self._mark(False)

    def _mark(self, invalid: bool) -> None:
        target = self.input.edit if isinstance(self.input, DateField) else self.input
        target.setProperty("invalid", invalid)
        target.style().unpolish(target)
        target.style().polish(target)


def make_input(spec: FieldSpec, session: Session) -> QWidget:
    kind = spec.kind
    if kind == "multiline":
        w: QWidget = QPlainTextEdit()
        w.setTabChangesFocus(True)
        w.setFixedHeight(spec.extra.get("height", 72))
    elif kind == "date":
        w = DateField()
    elif kind == "bool":
        w = QCheckBox(spec.extra.get("text", ""))
    elif kind in ("enum", "fk"):
        w = QComboBox()
        if spec.optional:
            w.addItem(spec.placeholder or "— chưa chọn —", None)
        if kind == "enum" and spec.enum is not None:
            for member in spec.enum:
                w.addItem(getattr(member, "label", str(member.value)), member)
        elif spec.choices is not None:
            for text, value in spec.choices(session):
                w.addItem(text, value)
        searchable_if_long(w)  # long catalogues: type part of a name, diacritics optional
        w.setMinimumContentsLength(spec.extra.get("min_chars", 24))
        w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    else:
        w = QLineEdit()
        if spec.placeholder:
            w.setPlaceholderText(spec.placeholder)
        if kind in ("int", "decimal"):
            w.setAlignment(Qt.AlignmentFlag.AlignRight)
            w.setMaximumWidth(spec.width or 140)
        elif kind == "time":
            w.setPlaceholderText(spec.placeholder or "hh:mm")
            w.setMaximumWidth(90)
    if spec.read_only:
        w.setEnabled(False)
    if spec.width and kind not in ("int", "decimal"):
        w.setMaximumWidth(spec.width)
    return w


def read_input(spec: FieldSpec, w: QWidget) -> Any:
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText()
    if isinstance(w, DateField):
        return w.value()
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QComboBox):
        if w.isEditable():
            index = find_folded(w, w.currentText())
            if index < 0 and w.currentText().strip():
                return _Unmatched(w.currentText())
            return w.itemData(index) if index >= 0 else None
        return w.currentData()
    if isinstance(w, QLineEdit):
        text = w.text()
        if spec.kind == "time":
            return _parse_time(spec.key, text)
        return text
    raise TypeError(type(w))


class _Unmatched(str):
    """Text typed in a searchable list that matches no entry."""


def _parse_time(key: str, text: str) -> dt.time | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%H:%M", "%H:%M:%S", "%Hh%M", "%H"):
        try:
            return dt.datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise ValidationError(key, f"Giờ “{text}” không hợp lệ; vui lòng nhập theo dạng hh:mm (ví dụ 14:30).")


def write_input(spec: FieldSpec, w: QWidget, value: Any) -> None:
    if isinstance(w, QPlainTextEdit):
        w.setPlainText(value or "")
    elif isinstance(w, DateField):
        w.set_value(value)
    elif isinstance(w, QCheckBox):
        w.setChecked(bool(value))
    elif isinstance(w, QComboBox):
        index = next(
            (i for i in range(w.count())
             if w.itemData(i) == value or (isinstance(w.itemData(i), enum.Enum) and w.itemData(i).value == value)),
            0,
        )  # fmt: skip
        w.setCurrentIndex(index)
        if w.isEditable():
            w.lineEdit().setCursorPosition(0)  # long entries show their beginning (the code)
    elif isinstance(w, QLineEdit):
        if value is None:
            w.setText("")
        elif isinstance(value, dt.time):
            w.setText(value.strftime("%H:%M"))
        elif isinstance(value, Decimal):
            w.setText(_decimal_text(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            w.setText(str(value))
        else:
            w.setText(str(value))


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


class RecordForm(QDialog):
    """Add or edit one record of ``model`` through the services, with errors beside the fields."""

    def __init__(
        self,
        ctx: AppContext,
        model: Any,
        fields: Sequence[FieldSpec],
        record_id: int | None = None,
        *,
        title: str | None = None,
        initial: dict[str, Any] | None = None,
        parent: QWidget | None = None,
        intro: str = "",
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = model
        self.record_id = record_id
        self.saved_id: int | None = None
        self.specs = list(fields)
        self.widgets: dict[str, FieldWidget] = {}
        what = entity_label(model)
        self.setWindowTitle(title or (f"Sửa {what}" if record_id else f"Thêm {what}"))
        self.setModal(True)
        self.setMinimumWidth(560)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 16, 18, 14)
        outer.setSpacing(10)
        if intro:
            label = QLabel(intro)
            label.setObjectName("Muted")
            label.setWordWrap(True)
            outer.addWidget(label)
        self.banner = QLabel()
        self.banner.setObjectName("FormError")
        self.banner.setWordWrap(True)
        self.banner.hide()
        outer.addWidget(self.banner)
        # a save refused because someone else changed the record meanwhile: reload the newest version
        self.reload_button = QPushButton("Tải lại")
        self.reload_button.setToolTip("Mở bản mới nhất của bản ghi (những gì bạn vừa nhập sẽ bị bỏ)")
        self.reload_button.clicked.connect(self.reload_record)
        self.reload_button.hide()
        outer.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignLeft)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        self.form = QFormLayout()
        body_layout.addLayout(self.form)
        body_layout.addStretch(1)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(8)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        with ctx.db.session() as session:
            current = self._load(session)
            for spec in self.specs:
                self._add_field(spec, session)
            self.build_extra(session, current)
        for key, value in {**current, **(initial or {})}.items():
            if key in self.widgets:
                write_input(self.widgets[key].spec, self.widgets[key].input, value)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll, 1)
        self._body = body

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Lưu", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setProperty("primary", True)
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.cancel_button.clicked.connect(self.discard)  # an explicit "Hủy": leave without asking
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self.after_build()
        scrollbar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        self.setMinimumWidth(max(self.minimumWidth(), body.minimumSizeHint().width() + 50 + scrollbar))
        if self.specs:
            self.widgets[self.specs[0].key].setFocus()
        self.mark_clean()

    def sizeHint(self) -> Any:  # noqa: N802
        hint = super().sizeHint()
        body = self._body.sizeHint()
        screen = available_geometry(self)
        max_h = int(screen.height() * 0.9)
        hint.setHeight(min(max_h, body.height() + 140))
        max_w = int(screen.width() * 0.9)
        scrollbar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        hint.setWidth(max(hint.width(), min(max_w, body.width() + 60 + scrollbar)))
        return hint

    # ----------------------------------------------------------------- building

    def _load(self, session: Session) -> dict[str, Any]:
        if self.record_id is None:  # a new record starts from the model's defaults
            return {
                c.key: c.default.arg
                for c in self.model.__table__.columns
                if c.default is not None and getattr(c.default, "is_scalar", False)
            }
        obj = services.get(session, self.model, self.record_id)
        self.loaded_version: int | None = getattr(obj, "version", None)  # a save based on it, or refused
        return {c.key: getattr(obj, c.key) for c in self.model.__table__.columns}

    def reload_record(self) -> None:
        """After a refused save: read the record again (the other person's values) and its version."""
        try:
            with self.ctx.db.session() as session:
                current = self._load(session)
        except CchcError as exc:  # deleted meanwhile
            self.banner.setText(exc.message)
            self.banner.show()
            self.reload_button.hide()
            return
        for key, value in current.items():
            if key in self.widgets:
                write_input(self.widgets[key].spec, self.widgets[key].input, value)
        self.clear_errors()
        self.mark_clean()

    def _add_field(self, spec: FieldSpec, session: Session) -> None:
        input_widget = make_input(spec, session)
        fw = FieldWidget(spec, input_widget)
        self.widgets[spec.key] = fw
        label = QLabel((spec.label or field_label(self.model, spec.key)) + ":")
        label.setBuddy(input_widget if not isinstance(input_widget, DateField) else input_widget.edit)
        label.setWordWrap(True)
        label.setMinimumWidth(190)
        label.setMaximumWidth(240)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        label.setContentsMargins(0, 5, 0, 0)  # level with the text of the input, whatever is below it
        self.form.addRow(label, fw)

    def build_extra(self, session: Session, current: dict[str, Any]) -> None:
        """Subclasses add widgets beyond the plain fields (lists of items …)."""

    def after_build(self) -> None:
        """Subclasses connect signals once every widget exists."""

    def input(self, key: str) -> Any:
        return self.widgets[key].input

    # ----------------------------------------------------------------- unsaved edits

    def mark_clean(self) -> None:
        """What the form holds now counts as "nothing changed" (taken when filled and when first shown)."""
        self._clean_state = self.edit_state()

    def edit_state(self) -> tuple[Any, ...]:
        """Every input of the form; subclasses with item lists (tables …) add theirs."""
        return widget_state(self._body)

    def has_unsaved_changes(self) -> bool:
        return self.result() != QDialog.DialogCode.Accepted and self.edit_state() != self._clean_state

    def showEvent(self, event: Any) -> None:  # noqa: N802
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            self.mark_clean()  # values a page filled in after building the form are not the user's edits
        super().showEvent(event)

    def may_close(self) -> bool:
        """With edits, ask "Lưu thay đổi?": ``True`` when the form may close (saved — then it is already
        accepted — or discarded), ``False`` to stay (Hủy, or a refused save with its message shown)."""
        if not self.has_unsaved_changes():
            return True
        what = entity_label(self.model)
        return confirm_leave(self, f"{what[:1].upper()}{what[1:]} có thay đổi chưa lưu. Lưu trước khi đóng?",
                             self.save)  # fmt: skip

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            if self.may_close() and self.result() != QDialog.DialogCode.Accepted:
                self.reject()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        """The window's close box asks like Esc."""
        if self.result() != QDialog.DialogCode.Accepted and self.isVisible() and not self.may_close():
            event.ignore()
            return
        super().closeEvent(event)

    def discard(self) -> None:
        """Close without saving and without asking (the "Hủy" button)."""
        self.reject()

    # ----------------------------------------------------------------- saving

    def values(self) -> dict[str, Any]:
        """What the fields hold; every field that cannot be read is refused at once."""
        out: dict[str, Any] = {}
        refused: list[ValidationError] = []
        for key, fw in self.widgets.items():
            if fw.spec.read_only:
                continue
            try:
                value = read_input(fw.spec, fw.input)
            except ValidationError as exc:
                refused.append(exc)
                continue
            if isinstance(value, _Unmatched):
                refused.append(ValidationError(
                    key, f"Không tìm thấy “{value}” trong danh sách; vui lòng chọn một mục có sẵn."))  # fmt: skip
                continue
            out[key] = value
        if refused:
            raise ValidationError.combine(refused)
        return out

    def clear_errors(self) -> None:
        self.banner.hide()
        self.reload_button.hide()
        for fw in self.widgets.values():
            fw.clear_error()

    def show_error(self, error: ValidationError | CchcError) -> None:
        """Each refused field gets its message under it (all at once); the first is focused."""
        pairs = error.errors if isinstance(error, ValidationError) else [(None, error.message)]
        banner: list[str] = []
        focused = False
        for key, message in pairs:
            if key and key in self.widgets:
                self.widgets[key].show_error(message)
                if not focused:
                    self.widgets[key].setFocus()
                    focused = True
            else:
                banner.append(message)
        if banner:
            self.banner.setText("\n".join(banner))
            self.banner.show()

    def save(self) -> bool:
        """Validate and store; on a refusal show the message and keep the dialog open."""
        self.clear_errors()
        try:
            values = self.values()
            with self.ctx.db.transaction() as session:
                self.store(session, values)
        except ConflictError as exc:  # someone else saved first: nothing overwritten, offer the newest
            self.banner.setText(exc.message)
            self.banner.show()
            self.reload_button.show()
            self.reload_button.setFocus()
            return False
        except CchcError as exc:
            self.show_error(exc)
            return False
        self.ctx.notify(self.model.__tablename__)
        self.accept()
        return True

    def store(self, session: Session, values: dict[str, Any]) -> None:
        if self.record_id is None:
            obj = services.create(session, self.model, values)
        else:
            obj = services.update(session, self.model, self.record_id, values,
                                  expected_version=getattr(self, "loaded_version", None))
        session.flush()
        self.saved_id = obj.id
        self.store_extra(session, obj)

    def store_extra(self, session: Session, obj: Any) -> None:
        """Subclasses save related rows in the same transaction."""


def fill_text(widget: QWidget, text: str) -> None:
    """Set a line edit's text as typed by the user (tests and programmatic fills)."""
    if isinstance(widget, QLineEdit):
        widget.setText(text)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)


def row(*widgets: QWidget, stretch: bool = True) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    for w in widgets:
        layout.addWidget(w)
    if stretch:
        layout.addStretch(1)
    return holder
