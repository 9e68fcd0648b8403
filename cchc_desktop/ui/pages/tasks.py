"""Nhiệm vụ: tasks the provincial People's Committee (or its chair) assigned to the department."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QMenu, QVBoxLayout, QWidget
from sqlalchemy import select

from ...core import models as m
from ...core import services
from ...core.enums import AssignedBy
from ...core.errors import CchcError
from ...core.formatting import format_count, format_date
from ...core.indicators import TASK_SCOPES as CORE_TASK_SCOPES
from ...core.indicators import TASK_STATUSES as TASK_STATUS_LABELS
from ...core.indicators import task_drilldown, task_figure_condition, task_status_expr
from .. import prompts, theme
from ..choices import units
from ..dialogs.record_form import FieldSpec, RecordForm
from ..models.table import Column, TableSource
from ..theme import BAD_COLOUR, OK_COLOUR, WARN_COLOUR
from ..widgets.common import DateField, button
from ..widgets.period_picker import PeriodPicker
from .base import DataPage, combo

# The statuses and scopes are core's classes (core.indicators.tasks): this page only names them.
T_EARLY, T_ON_TIME, T_LATE = TASK_STATUS_LABELS["early"], TASK_STATUS_LABELS["on_time"], TASK_STATUS_LABELS["late"]
T_OPEN, T_OVERDUE = TASK_STATUS_LABELS["open"], TASK_STATUS_LABELS["overdue"]

TASK_STATUSES = [(label, key) for key, label in TASK_STATUS_LABELS.items()]
TASK_SCOPES = [
    ("Mọi nhiệm vụ", "all"),
    ("Giao trong kỳ", "assigned"),
    ("Hoàn thành trong kỳ", "completed"),
    ("Đang thực hiện cuối kỳ", "in_progress"),
]
assert {key for _, key in TASK_SCOPES} - {"all"} == set(CORE_TASK_SCOPES)


def task_source(day: dt.date | None = None) -> TableSource:
    t = m.Task
    return TableSource(
        model=t,
        columns=[
            Column("doc", "Văn bản giao", t.document_number, width=120, searchable=True),
            Column("doc_date", "Ngày văn bản", t.document_date, kind="date", width=95, hidden=True),
            Column("content", "Nội dung nhiệm vụ", t.content, width=220, searchable=True, stretch=True),
            Column("by", "Cấp giao", t.assigned_by, kind="enum", width=110),
            Column("unit", "Đơn vị chủ trì", m.Unit.short_name, width=110),
            Column("assigned", "Ngày giao", t.assigned_on, kind="date", width=90, indexed=True),
            Column("due", "Hạn", t.due_on, kind="date", width=90, indexed=True),
            Column("extended", "Gia hạn đến", t.extended_due_on, kind="date", width=95),
            Column("completed", "Hoàn thành", t.completed_on, kind="date", width=95, indexed=True),
            Column("status", "Tình trạng", task_status_expr(day or dt.date.today()), kind="status", width=115,
                   colours={T_EARLY: OK_COLOUR, T_LATE: BAD_COLOUR, T_OVERDUE: BAD_COLOUR, T_OPEN: WARN_COLOUR}),  # fmt: skip
        ],
        joins=[(m.Unit, m.Unit.id == t.lead_unit_id)],
        default_order=[t.assigned_on.desc()],
    )


TASK_FIELDS = [
    FieldSpec("document_number", placeholder="ví dụ 1234/UBND-KGVX", width=240),
    FieldSpec("document_date", "date"),
    FieldSpec("content", "multiline", extra={"height": 90}),
    FieldSpec("assigned_by", "enum", enum=AssignedBy, optional=False),
    FieldSpec("lead_unit_id", "fk", choices=units),
    FieldSpec("assigned_on", "date"),
    FieldSpec("due_on", "date"),
    FieldSpec("extended_due_on", "date", hint="Chỉ khi có văn bản xin gia hạn."),
    FieldSpec("extension_approved", "bool", extra={"text": "UBND tỉnh đồng ý gia hạn"}),
    FieldSpec("completed_on", "date", hint="Để trống khi nhiệm vụ đang thực hiện."),
    FieldSpec("note", "multiline", extra={"height": 56}),
]


class TasksPage(DataPage):
    title = "Nhiệm vụ UBND tỉnh giao"
    hint = "Nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao: hạn, gia hạn và ngày hoàn thành (mục tiêu số 5)."
    icon_name = "clipboard-check-outline"
    watches = ("task", "unit")
    model_class = m.Task
    import_kind = "tasks"
    export_kind = "tasks"
    count_noun = "nhiệm vụ"

    def make_source(self) -> TableSource:
        self._source_day = dt.date.today()  # the status column is built for a day: rebuilt after midnight
        return task_source(self._source_day)

    def refresh(self) -> None:
        if self._source_day != dt.date.today():
            self.source = self.make_source()
            self.table_model.source = self.source
        super().refresh()

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.scope = combo(TASK_SCOPES, first=None, min_chars=18)
        self.period = PeriodPicker(self.ctx.period, label="")
        self.period.setVisible(False)
        with self.ctx.db.session() as session:
            self.unit_filter = combo(units(session), first="Mọi đơn vị", min_chars=14)
        self.status_filter = combo(TASK_STATUSES, first="Mọi tình trạng", min_chars=12)
        for w in (self.scope, self.period, self.unit_filter, self.status_filter):
            bar.addWidget(w)
        self.figure_key: str | None = None  # objective 5's rows from the dashboard, until the user filters
        for w in (self.scope, self.unit_filter, self.status_filter):
            w.activated.connect(self._clear_figure)
        self.scope.currentIndexChanged.connect(self._on_scope)
        self.period.changed.connect(self._on_period)
        self.unit_filter.currentIndexChanged.connect(self.apply_filters)
        self.status_filter.currentIndexChanged.connect(self.apply_filters)
        self.ctx.period_changed.connect(self._on_ctx_period)

    def _clear_figure(self, _index: int = 0) -> None:
        self.figure_key = None

    def _on_scope(self) -> None:
        self.period.setVisible(self.scope.currentData() != "all")
        self.apply_filters()

    def _on_period(self, spec: Any) -> None:
        self.ctx.set_period(spec)
        self.apply_filters()

    def _on_ctx_period(self, spec: Any) -> None:
        if spec != self.period.spec():
            self.period.set_spec(spec)
            if self.scope.currentData() != "all":
                self.apply_filters()

    def conditions(self) -> list[Any]:
        scope = self.scope.currentData()
        period = self.ctx.family_periods(self.period.spec()).tasks if scope and scope != "all" else None
        out = task_drilldown(scope, self.status_filter.currentData(), period, dt.date.today())
        if self.figure_key is not None:  # objective 5's numerator rows (the dashboard tile)
            out.append(task_figure_condition("numerator", self.ctx.family_periods(self.period.spec()).tasks))
        if (unit_id := self.unit_filter.currentData()) is not None:
            out.append(m.Task.lead_unit_id == unit_id)
        return out

    def show_filtered(
        self, *, scope: str = "all", status: str | None = None, spec: Any = None, figure: str | None = None
    ) -> None:
        self.figure_key = figure
        for w in (self.scope, self.status_filter, self.unit_filter):
            w.blockSignals(True)
        try:
            self.scope.setCurrentIndex(max(0, self.scope.findData(scope)))
            self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(status)) if status else 0)
            self.unit_filter.setCurrentIndex(0)
            if spec is not None:
                self.period.set_spec(spec)
            self.period.setVisible(scope != "all" or figure is not None)
        finally:
            for w in (self.scope, self.status_filter, self.unit_filter):
                w.blockSignals(False)
        self.apply_filters()

    def open_form(self, record_id: int | None) -> RecordForm:
        initial = {} if record_id else {"assigned_on": dt.date.today()}
        return RecordForm(self.ctx, m.Task, TASK_FIELDS, record_id, parent=self, initial=initial)

    # ----------------------------------------------------------------- "Đánh dấu hoàn thành"

    def _build_toolbar(self) -> None:
        super()._build_toolbar()
        self.done_button = button("Hoàn thành", "check-circle-outline",
                                  tooltip="Đánh dấu hoàn thành: ghi ngày hoàn thành cho các nhiệm vụ đang chọn "
                                          "(mặc định hôm nay)")  # fmt: skip
        self.done_button.clicked.connect(self.mark_done)
        self.header.right.insertWidget(2, self.done_button, 0, Qt.AlignmentFlag.AlignBottom)

    def _update_buttons(self, *args: Any) -> None:
        super()._update_buttons(*args)
        if hasattr(self, "done_button"):
            self.done_button.setEnabled(bool(self.selected_ids()))

    def extend_context_menu(self, menu: QMenu, ids: list[int]) -> None:
        done = menu.addAction(theme.icon("check-circle-outline"), "Đánh dấu hoàn thành…", self.mark_done)
        done.setEnabled(bool(ids))

    def mark_done(self) -> bool:
        """The selected open tasks get a completion date: today unless the user types another."""
        ids = self.selected_ids()
        with self.ctx.db.session() as session:
            # with the version read: a task completed (or changed) by someone else meanwhile is not overwritten
            versions = dict(session.execute(select(m.Task.id, m.Task.version)
                                            .where(m.Task.id.in_(ids), m.Task.completed_on.is_(None))).all())  # fmt: skip
        open_ids = list(versions)
        if not open_ids:
            self.status_message.emit("Các nhiệm vụ đang chọn đều đã có ngày hoàn thành.")
            return False
        dialog = CompletionDialog(len(open_ids), self)
        if prompts.run_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.day is None:
            return False
        try:
            with self.ctx.db.transaction() as session:
                for task_id in open_ids:
                    services.update(session, m.Task, task_id, {"completed_on": dialog.day},
                                    expected_version=versions[task_id])  # fmt: skip
        except CchcError as exc:
            prompts.warning(self, "Đánh dấu hoàn thành", exc.message)
            return False
        self.ctx.notify("task")
        self.refresh()
        self.status_message.emit(
            f"Đã ghi hoàn thành ngày {format_date(dialog.day)} cho {format_count(len(open_ids))} nhiệm vụ."
        )
        return True


class CompletionDialog(QDialog):
    """The completion date (today by default, editable) for the tasks being marked done."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Đánh dấu hoàn thành")
        self.day: dt.date | None = None
        layout = QVBoxLayout(self)
        what = "nhiệm vụ đang chọn" if count == 1 else f"{format_count(count)} nhiệm vụ đang chọn"
        layout.addWidget(QLabel(f"Ngày hoàn thành của {what}:"))
        self.date = DateField()
        self.date.set_value(dt.date.today())
        layout.addWidget(self.date)
        self.error = QLabel()
        self.error.setObjectName("FieldError")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        ok = buttons.addButton("Đánh dấu hoàn thành", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def confirm(self) -> None:
        value = self.date.value()
        if not isinstance(value, dt.date):
            self.error.setText("Vui lòng nhập ngày hoàn thành theo dạng dd/mm/yyyy.")
            self.error.show()
            return
        self.day = value
        self.accept()

