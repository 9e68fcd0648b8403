"""Hồ sơ: every dossier, lazily fetched (a million rows open at once), with the period classes of SPEC §4."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget
from sqlalchemy.orm import Session

from ...core import models as m
from ...core.enums import Channel, DossierOutcome
from ...core.errors import CchcError, ValidationError
from ...core.formatting import format_date
from ...core.indicators import (
    DOSSIER_SCOPES,
    DOSSIER_STATUSES,
    Settings,
    dossier_drilldown,
    dossier_status_expr,
    figure_condition,
    settings_for,
)
from ...core.services import compute_due_date
from ..choices import fields, procedures, units
from ..dialogs.record_form import FieldSpec, RecordForm, row
from ..models.table import Column, TableSource
from ..theme import BAD_COLOUR, MUTED, OK_COLOUR, WARN_COLOUR
from ..widgets.dossier_events import PREFIX as EVENT_PREFIX
from ..widgets.dossier_events import DossierEventsEditor
from ..widgets.period_picker import PeriodPicker
from .base import DataPage, combo

# The statuses and scopes are core's classes (core.indicators.dossiers): this page only names them.
S = DOSSIER_STATUSES
ST_EARLY, ST_ON_TIME, ST_LATE, ST_OPEN, ST_OVERDUE = S["early"], S["on_time"], S["late"], S["open"], S["overdue"]
ST_WAITING, ST_ENDED, ST_EXCLUDED = S["waiting"], S["ended"], S["excluded"]

SCOPES: list[tuple[str, str]] = [
    ("Mọi hồ sơ", "all"),
    ("Tiếp nhận trong kỳ", "received"),
    ("Giải quyết trong kỳ", "resolved"),
    ("Kỳ trước chuyển sang", "carried_over"),
    ("Đang giải quyết cuối kỳ", "in_progress"),
]
assert {key for _, key in SCOPES} - {"all"} == set(DOSSIER_SCOPES)
STATUSES: list[tuple[str, str]] = [(label, key) for key, label in DOSSIER_STATUSES.items()]


def dossier_source(settings: Settings | None = None, day: dt.date | None = None) -> TableSource:
    """The table; its status column is each dossier's state on ``day`` (today) under the profile's rules."""
    d = m.Dossier
    settings = settings or Settings()
    return TableSource(
        model=d,
        columns=[
            Column("code", "Mã hồ sơ", d.code, width=196, indexed=True, searchable=True),
            Column("procedure", "Thủ tục", m.Procedure.name, width=170, searchable=True, stretch=True,
                   search_via=(d.procedure_id, m.Procedure.id, m.Procedure.name)),
            Column("field", "Lĩnh vực", m.Field.name, width=120),
            Column("applicant", "Người nộp", d.applicant, width=125, searchable=True),
            Column("channel", "Hình thức", d.channel, kind="enum", width=86),
            Column("received", "Ngày nhận", d.received_on, kind="date", width=86, indexed=True),
            Column("due", "Hẹn trả", d.due_on, kind="date", width=86, indexed=True),
            Column("resolved", "Ngày trả", d.resolved_on, kind="date", width=86, indexed=True),
            Column("status", "Kết quả", dossier_status_expr(day or dt.date.today(), settings), kind="status", width=108,
                   colours={ST_EARLY: OK_COLOUR, ST_LATE: BAD_COLOUR, ST_OVERDUE: BAD_COLOUR,
                            ST_OPEN: WARN_COLOUR, ST_WAITING: WARN_COLOUR, ST_ENDED: MUTED,
                            ST_EXCLUDED: MUTED}),  # fmt: skip
            Column("unit", "Đơn vị", m.Unit.short_name, width=100, hidden=True),
        ],
        joins=[
            (m.Procedure, m.Procedure.id == d.procedure_id),
            (m.Field, m.Field.id == d.field_id),
            (m.Unit, m.Unit.id == d.unit_id),
        ],
        default_order=[d.received_on.desc()],
    )


class DossiersPage(DataPage):
    title = "Hồ sơ"
    hint = "Hồ sơ TTHC tiếp nhận qua Bộ phận Một cửa và dịch vụ công trực tuyến; lọc theo kỳ để xem số liệu của kỳ báo cáo."
    icon_name = "folder-account-outline"
    watches = ("dossier", "procedure", "field", "unit", "workday_exception", "organisation_profile")
    model_class = m.Dossier
    import_kind = "dossiers"
    export_kind = "dossiers"
    count_noun = "hồ sơ"

    def make_source(self) -> TableSource:
        # the status column is built for a day and a rule preset: remembered, so that a refresh after
        # midnight or after the preset changed in Cài đặt rebuilds it (see ``refresh``)
        self._source_basis = (dt.date.today(), self._settings())
        return dossier_source(self._source_basis[1], self._source_basis[0])

    def refresh(self) -> None:
        if self._source_basis != (dt.date.today(), self._settings()):
            self.source = self.make_source()
            self.table_model.source = self.source
        super().refresh()

    def _settings(self) -> Settings:
        with self.ctx.db.session() as session:
            return settings_for(session)

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.scope = combo(SCOPES, first=None, min_chars=18)
        self.period = PeriodPicker(self.ctx.period, label="")
        self.period.setVisible(False)
        bar.addWidget(self.scope)
        bar.addWidget(self.period)
        row2 = self.second_filter_row()
        with self.ctx.db.session() as session:
            self.field_filter = combo(fields(session), first="Mọi lĩnh vực", min_chars=18)
            self.unit_filter = combo(units(session), first="Mọi đơn vị", min_chars=14)
        self.channel_filter = combo([(c.label, c) for c in Channel], first="Mọi hình thức nộp", min_chars=14)
        self.status_filter = combo(STATUSES, first="Mọi kết quả", min_chars=12)
        for w in (self.field_filter, self.unit_filter, self.channel_filter, self.status_filter):
            row2.addWidget(w)
            w.currentIndexChanged.connect(self.apply_filters)
        self.figure_key: str | None = None  # a dashboard figure's rows (numerator), until the user filters
        for w in (self.scope, self.field_filter, self.unit_filter, self.channel_filter, self.status_filter):
            w.activated.connect(self._clear_figure)
        self.scope.currentIndexChanged.connect(self._on_scope)
        self.period.changed.connect(self._on_period)
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
        period = None
        if scope and scope != "all":
            period = self.ctx.family_periods(self.period.spec()).dossiers
        # the class of the period (and the status on its end): the very predicate its count uses
        settings = self._settings()
        out: list[Any] = list(
            dossier_drilldown(scope, self.status_filter.currentData(), period, settings, dt.date.today())
        )
        if self.figure_key is not None:
            figure_period = self.ctx.family_periods(self.period.spec()).dossiers
            condition = figure_condition(self.figure_key, "numerator", figure_period, settings)
            if condition is not None:
                out.append(condition)
        if (field_id := self.field_filter.currentData()) is not None:
            out.append(m.Dossier.field_id == field_id)
        if (unit_id := self.unit_filter.currentData()) is not None:
            out.append(m.Dossier.unit_id == unit_id)
        if (channel := self.channel_filter.currentData()) is not None:
            out.append(m.Dossier.channel == channel)
        return out

    def show_filtered(self, *, scope: str = "all", status: str | None = None, field_id: int | None = None,
                      channel: Channel | None = None, spec: Any = None,
                      figure: str | None = None) -> None:  # fmt: skip
        """Set the filters at once (the dashboard's drill-down); ``figure``: the rows of a dossier figure's
        numerator (core.indicators.figure_condition) for ``spec``."""
        self.figure_key = figure
        widgets = (self.scope, self.status_filter, self.field_filter, self.channel_filter, self.unit_filter)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.scope.setCurrentIndex(max(0, self.scope.findData(scope)))
            self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(status)) if status else 0)
            self.field_filter.setCurrentIndex(max(0, self.field_filter.findData(field_id)) if field_id else 0)
            self.channel_filter.setCurrentIndex(max(0, self.channel_filter.findData(channel)) if channel else 0)
            self.unit_filter.setCurrentIndex(0)
            if spec is not None:
                self.period.set_spec(spec)
            self.period.setVisible(scope != "all" or figure is not None)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self.search.clear()
        self.table_model.set_search("")
        self.apply_filters()

    def open_form(self, record_id: int | None) -> RecordForm:
        return DossierForm(self.ctx, record_id, parent=self)


DOSSIER_FIELDS = [
    FieldSpec("code", placeholder="ví dụ 000.00.31.H34-240115-0001"),
    FieldSpec("procedure_id", "fk", choices=procedures, optional=True, placeholder="— chọn thủ tục —",
              extra={"min_chars": 40}),  # fmt: skip
    FieldSpec("applicant"),
    FieldSpec("channel", "enum", enum=Channel, optional=False),
    FieldSpec("received_on", "date"),
    FieldSpec("received_time", "time", hint="Hồ sơ nhận sau giờ tiếp nhận muộn (mặc định 15:00) tính từ ngày làm việc sau."),
    FieldSpec("due_on", "date"),
    # The extension (Mẫu 04), supplements, stop and return are dated events: see the events list below.
    FieldSpec("resolved_on", "date", hint="Để trống khi hồ sơ đang giải quyết."),
    FieldSpec("outcome", "enum", enum=DossierOutcome, placeholder="— chưa có kết quả —"),
    FieldSpec("supplement_requests", "int",
              hint="Gồm cả các lần yêu cầu bổ sung đã ghi thành sự kiện; số dư là các lần không rõ ngày."),
    FieldSpec("note", "multiline", extra={"height": 56}),
]


class DossierForm(RecordForm):
    """The dossier form: the due date follows the procedure and the working-day calendar, and stays
    editable (a typed date is kept until the procedure or the receipt changes)."""

    def __init__(self, ctx: Any, record_id: int | None, parent: QWidget | None = None) -> None:
        self._auto_due: dt.date | None = None
        initial = {} if record_id else {"received_on": dt.date.today(), "supplement_requests": 0}
        super().__init__(ctx, m.Dossier, DOSSIER_FIELDS, record_id, parent=parent, initial=initial)

    def build_extra(self, session: Session, current: dict[str, Any]) -> None:
        due = self.widgets["due_on"]
        self.due_hint = QLabel()
        self.due_hint.setObjectName("Muted")
        self.due_hint.setWordWrap(True)
        self.recompute = QPushButton("Tính theo thủ tục")
        self.recompute.setAutoDefault(False)
        self.recompute.setToolTip("Tính lại ngày hẹn trả từ thời hạn giải quyết của thủ tục và lịch ngày làm việc")
        self.recompute.clicked.connect(lambda: self._compute_due(force=True))
        due.layout().insertWidget(1, row(self.recompute, self.due_hint))
        self._first_due: dt.date | None = current.get("first_due_on")
        if self._first_due is not None:  # the clock restarted: the due date follows the events
            self.input("due_on").setEnabled(False)
            self.recompute.setEnabled(False)
        self.events = DossierEventsEditor(session, self.record_id, self._trial_save)
        label = QLabel("Sự kiện của hồ sơ:")
        label.setToolTip("Yêu cầu và nhận bổ sung, gia hạn (Mẫu 04), dừng giải quyết (Mẫu 05), trả lại, rút, "
                         "từ chối — Nghị định 118/2025/NĐ-CP")
        self.form.addRow(label, self.events)

    def store_extra(self, session: Session, obj: Any) -> None:
        self.events.apply(session, obj.id)

    def _trial_save(self) -> None:
        """Save the whole form with the events in a transaction that is rolled back (raises the refusal)."""
        values = self.values()
        saved_id = self.saved_id
        with self.ctx.db.session() as session:
            try:
                session.begin()
                self.store(session, values)
            finally:
                session.rollback()
                self.saved_id = saved_id

    def show_error(self, error: ValidationError | CchcError) -> None:
        key = getattr(error, "field", None) or ""
        if key.startswith(EVENT_PREFIX):
            self.events.show_error(key, error.message)
            return
        super().show_error(error)

    def clear_errors(self) -> None:
        super().clear_errors()
        self.events.clear_error()

    def after_build(self) -> None:
        self.input("procedure_id").currentIndexChanged.connect(lambda _i: self._compute_due())
        self.input("received_on").changed.connect(self._compute_due)
        self.input("received_time").editingFinished.connect(self._compute_due)
        if self.record_id is None or self._first_due is not None:
            self._compute_due(force=True)

    def _compute_due(self, force: bool = False) -> None:
        if self._first_due is not None:
            self.due_hint.setText(f"Ngày hẹn trả ban đầu {format_date(self._first_due)}; đã tính lại khi nhận hồ "
                                  "sơ bổ sung (sửa trong danh sách sự kiện).")
            return
        proc_id = self.input("procedure_id").currentData()
        received = self.input("received_on").date()
        due_widget = self.input("due_on")
        if proc_id is None or received is None:
            self.due_hint.setText("")
            return
        try:
            time_value = self._time()
        except ValidationError:
            time_value = None
        with self.ctx.db.session() as session:
            proc = session.get(m.Procedure, proc_id)
            if proc is None:
                return
            try:
                due = compute_due_date(session, proc, received, time_value)
            except (CchcError, ValueError):
                due = None
            days, unit = proc.resolution_days, proc.resolution_unit
        if due is None:
            self.due_hint.setText("Thủ tục chưa có thời hạn giải quyết; vui lòng nhập ngày hẹn trả.")
            return
        self.due_hint.setText(f"Theo thủ tục: {days} {unit.label} → {format_date(due)}")
        current = due_widget.date()
        if force or current is None or current == self._auto_due:
            due_widget.set_value(due)
        self._auto_due = due

    def _time(self) -> dt.time | None:
        from ..dialogs.record_form import read_input

        return read_input(self.widgets["received_time"].spec, self.input("received_time"))
