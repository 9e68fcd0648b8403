"""Thủ tục hành chính: the TTHC catalogue."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout
from sqlalchemy import case

from ...core import models as m
from ...core.enums import DurationUnit, OnlineLevel
from ..choices import fields, units
from ..dialogs.record_form import FieldSpec, RecordForm
from ..models.table import Column, TableSource
from ..theme import BAD_COLOUR, WARN_COLOUR
from .base import DataPage, combo

STATUS_IN_FORCE = "Đang hiệu lực"
STATUS_ABOLISHED = "Đã bãi bỏ"
STATUS_REVIEW = "Cần bổ sung thông tin"

PROCEDURE_FIELDS = [
    FieldSpec("code", placeholder="ví dụ 1.004616", width=200),
    FieldSpec("name", "multiline"),
    FieldSpec("field_id", "fk", choices=fields),
    FieldSpec("unit_id", "fk", choices=units),
    FieldSpec("online_level", "enum", enum=OnlineLevel, optional=False),
    FieldSpec("resolution_days", "int", hint="Để trống nếu chưa rõ; khi có, ngày hẹn trả của hồ sơ được tự tính."),
    FieldSpec("resolution_unit", "enum", enum=DurationUnit, optional=False),
    FieldSpec("abolished_on", "date", hint="Để trống khi thủ tục còn hiệu lực."),
    FieldSpec("iso_process_number", placeholder="ví dụ 44/QĐ-SYT", width=220),
    FieldSpec("iso_process_date", "date"),
    FieldSpec("steps_match", "bool", extra={"text": "Các bước trong quy trình ISO khớp phần mềm một cửa"}),
    FieldSpec("steps_checked_on", "date"),
    FieldSpec("published_in_qms", "bool", extra={"text": "Đã công bố trong hệ thống quản lý chất lượng"}),
    FieldSpec("needs_review", "bool", extra={"text": "Cần bổ sung thông tin (thủ tục tạo khi nhập hồ sơ)"}),
]


def procedure_source() -> TableSource:
    status = case(
        (m.Procedure.abolished_on.is_not(None), STATUS_ABOLISHED),
        (m.Procedure.needs_review.is_(True), STATUS_REVIEW),
        else_=STATUS_IN_FORCE,
    )
    return TableSource(
        model=m.Procedure,
        columns=[
            Column("code", "Mã TTHC", m.Procedure.code, width=100, indexed=True, searchable=True),
            Column("name", "Tên thủ tục", m.Procedure.name, width=220, searchable=True, stretch=True),
            Column("field", "Lĩnh vực", m.Field.name, width=140, searchable=True),
            Column("unit", "Đơn vị", m.Unit.short_name, width=95),
            Column("online", "Mức độ DVC", m.Procedure.online_level, kind="enum", width=110),
            Column("days", "Thời hạn", m.Procedure.resolution_days, kind="int", width=70),
            Column("days_unit", "Tính theo", m.Procedure.resolution_unit, kind="enum", width=110, hidden=True),
            Column("iso", "Quy trình ISO", m.Procedure.iso_process_number, width=100, searchable=True),
            Column("match", "Khớp một cửa", m.Procedure.steps_match, kind="bool", width=90),
            Column("status", "Trạng thái", status, kind="status", width=115,
                   colours={STATUS_ABOLISHED: BAD_COLOUR, STATUS_REVIEW: WARN_COLOUR}),  # fmt: skip
        ],
        joins=[(m.Field, m.Field.id == m.Procedure.field_id), (m.Unit, m.Unit.id == m.Procedure.unit_id)],
        default_order=[m.Procedure.code.asc()],
    )


class ProceduresPage(DataPage):
    title = "Thủ tục hành chính"
    hint = "Danh mục TTHC của Sở: mã, lĩnh vực, đơn vị giải quyết, mức độ dịch vụ công trực tuyến và quy trình ISO."
    icon_name = "file-document-multiple-outline"
    watches = ("procedure", "field", "unit", "announcement_decision")
    model_class = m.Procedure
    import_kind = "procedures"
    export_kind = "procedures"
    count_noun = "thủ tục"

    def make_source(self) -> TableSource:
        return procedure_source()

    def add_filters(self, bar: QHBoxLayout) -> None:
        with self.ctx.db.session() as session:
            self.field_filter = combo(fields(session), first="Mọi lĩnh vực", min_chars=16)
            self.unit_filter = combo(units(session), first="Mọi đơn vị", min_chars=14)
        self.level_filter = combo([(lv.label, lv) for lv in OnlineLevel], first="Mọi mức độ", min_chars=12)
        self.status_filter = combo(
            [(STATUS_IN_FORCE, "in_force"), (STATUS_ABOLISHED, "abolished"), (STATUS_REVIEW, "review")],
            first="Mọi trạng thái",
            min_chars=14,
        )
        for w in (self.field_filter, self.unit_filter, self.level_filter, self.status_filter):
            w.currentIndexChanged.connect(self.apply_filters)
            bar.addWidget(w)

    def conditions(self) -> list[Any]:
        out: list[Any] = []
        if (field_id := self.field_filter.currentData()) is not None:
            out.append(m.Procedure.field_id == field_id)
        if (unit_id := self.unit_filter.currentData()) is not None:
            out.append(m.Procedure.unit_id == unit_id)
        if (level := self.level_filter.currentData()) is not None:
            out.append(m.Procedure.online_level == level)
        status = self.status_filter.currentData()
        if status == "in_force":
            out.append(m.Procedure.abolished_on.is_(None))
        elif status == "abolished":
            out.append(m.Procedure.abolished_on.is_not(None))
        elif status == "review":
            out.append(m.Procedure.needs_review.is_(True))
        return out

    def open_form(self, record_id: int | None) -> RecordForm:
        return RecordForm(self.ctx, m.Procedure, PROCEDURE_FIELDS, record_id, parent=self)

    def show_records(self, ids: list[int]) -> None:
        """Used by the dashboard: show only these procedures."""
        self.status_filter.setCurrentIndex(0)
        self.table_model.set_filters([m.Procedure.id.in_(ids)] if ids else [])

