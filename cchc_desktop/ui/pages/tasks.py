"""Nhiệm vụ: tasks the provincial People's Committee (or its chair) assigned to the department."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QHBoxLayout
from sqlalchemy import and_, case, func, or_

from ...core import models as m
from ...core.enums import AssignedBy
from ..choices import units
from ..dialogs.record_form import FieldSpec, RecordForm
from ..models.table import Column, TableSource
from ..theme import BAD_COLOUR, OK_COLOUR, WARN_COLOUR
from ..widgets.period_picker import PeriodPicker
from .base import DataPage, combo

T_EARLY = "Trước hạn"
T_ON_TIME = "Đúng hạn"
T_LATE = "Trễ hạn"
T_OPEN = "Đang thực hiện"
T_OVERDUE = "Quá hạn"

TASK_STATUSES = [(T_EARLY, "early"), (T_ON_TIME, "on_time"), (T_LATE, "late"), (T_OPEN, "open"),
                 (T_OVERDUE, "overdue")]  # fmt: skip
TASK_SCOPES = [
    ("Mọi nhiệm vụ", "all"),
    ("Giao trong kỳ", "assigned"),
    ("Hoàn thành trong kỳ", "completed"),
    ("Đang thực hiện cuối kỳ", "in_progress"),
]


def effective_due() -> Any:
    t = m.Task
    return func.coalesce(case((t.extension_approved.is_(True), t.extended_due_on), else_=None), t.due_on)


def task_status_expr(today: dt.date) -> Any:
    t = m.Task
    due = effective_due()
    return case(
        (and_(t.completed_on.is_(None), due < today), T_OVERDUE),
        (t.completed_on.is_(None), T_OPEN),
        (t.completed_on < due, T_EARLY),
        (t.completed_on == due, T_ON_TIME),
        else_=T_LATE,
    )


def task_status_condition(key: str, today: dt.date) -> Any:
    t = m.Task
    due = effective_due()
    done = t.completed_on.is_not(None)
    return {
        "early": and_(done, t.completed_on < due),
        "on_time": and_(done, t.completed_on == due),
        "late": and_(done, t.completed_on > due),
        "open": and_(t.completed_on.is_(None), due >= today),
        "overdue": and_(t.completed_on.is_(None), due < today),
    }[key]


def task_scope_condition(scope: str, start: dt.date, end: dt.date) -> Any:
    t = m.Task
    if scope == "assigned":
        return t.assigned_on.between(start, end)
    if scope == "completed":
        return t.completed_on.between(start, end)
    if scope == "in_progress":
        return and_(t.assigned_on <= end, or_(t.completed_on.is_(None), t.completed_on > end))
    return None


def task_source() -> TableSource:
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
            Column("status", "Tình trạng", task_status_expr(dt.date.today()), kind="status", width=115,
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
        return task_source()

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.scope = combo(TASK_SCOPES, first=None, min_chars=18)
        self.period = PeriodPicker(self.ctx.period, label="")
        self.period.setVisible(False)
        with self.ctx.db.session() as session:
            self.unit_filter = combo(units(session), first="Mọi đơn vị", min_chars=14)
        self.status_filter = combo(TASK_STATUSES, first="Mọi tình trạng", min_chars=12)
        for w in (self.scope, self.period, self.unit_filter, self.status_filter):
            bar.addWidget(w)
        self.scope.currentIndexChanged.connect(self._on_scope)
        self.period.changed.connect(self._on_period)
        self.unit_filter.currentIndexChanged.connect(self.apply_filters)
        self.status_filter.currentIndexChanged.connect(self.apply_filters)
        self.ctx.period_changed.connect(self._on_ctx_period)

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
        out: list[Any] = []
        scope = self.scope.currentData()
        if scope and scope != "all":
            p = self.ctx.family_periods(self.period.spec()).tasks
            out.append(task_scope_condition(scope, p.start, p.end))
        if (unit_id := self.unit_filter.currentData()) is not None:
            out.append(m.Task.lead_unit_id == unit_id)
        if (status := self.status_filter.currentData()) is not None:
            out.append(task_status_condition(status, dt.date.today()))
        return out

    def show_filtered(self, *, scope: str = "all", status: str | None = None, spec: Any = None) -> None:
        for w in (self.scope, self.status_filter, self.unit_filter):
            w.blockSignals(True)
        try:
            self.scope.setCurrentIndex(max(0, self.scope.findData(scope)))
            self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(status)) if status else 0)
            self.unit_filter.setCurrentIndex(0)
            if spec is not None:
                self.period.set_spec(spec)
            self.period.setVisible(scope != "all")
        finally:
            for w in (self.scope, self.status_filter, self.unit_filter):
                w.blockSignals(False)
        self.apply_filters()

    def open_form(self, record_id: int | None) -> RecordForm:
        initial = {} if record_id else {"assigned_on": dt.date.today()}
        return RecordForm(self.ctx, m.Task, TASK_FIELDS, record_id, parent=self, initial=initial)
