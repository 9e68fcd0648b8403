"""Mục tiêu chất lượng: the year's ISO quality objectives — wording, indicator, comparator, target —
with the establishing decision and plan, and "copy from the previous year"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...core import models as m
from ...core import services
from ...core.defaults import seed_objectives
from ...core.enums import Comparator
from ...core.errors import CchcError
from ...core.formatting import format_document_ref, format_percent_short
from ...core.indicators import INDICATORS
from .. import prompts
from ..choices import objective_years
from ..dialogs.record_form import FieldSpec, RecordForm
from ..models.table import Column, TableSource
from ..widgets.common import button, card, muted
from .base import DataPage


def indicator_choices(_session: Session) -> list[tuple[str, Any]]:
    return [(ind.name, key) for key, ind in INDICATORS.items()]


OBJECTIVE_FIELDS = [
    FieldSpec("number", "int", width=80),
    FieldSpec("title", "multiline", extra={"height": 90}),
    FieldSpec("indicator", "fk", choices=indicator_choices, optional=False, extra={"min_chars": 44},
              hint="Chỉ số được tính tự động từ dữ liệu gốc."),  # fmt: skip
    FieldSpec("comparator", "enum", enum=Comparator, optional=False, width=80),
    FieldSpec("target", "decimal", placeholder="ví dụ 87", hint="Tỷ lệ phần trăm, từ 0 đến 100."),
]
YEAR_FIELDS = [
    FieldSpec("decision_number", placeholder="ví dụ 46/QĐ-SYT", width=220),
    FieldSpec("decision_date", "date"),
    FieldSpec("plan_number", placeholder="ví dụ 364/KH-SYT", width=220),
    FieldSpec("plan_date", "date"),
]


def objective_source() -> TableSource:
    q = m.QualityObjective
    indicator_name = q.indicator  # shown through fmt below
    return TableSource(
        model=q,
        columns=[
            Column("number", "STT", q.number, kind="int", width=50, indexed=True),
            Column("title", "Nội dung mục tiêu", q.title, width=360, searchable=True, stretch=True),
            Column("indicator", "Chỉ số đo", indicator_name, width=260,
                   fmt=lambda key: INDICATORS[key].name if key in INDICATORS else str(key or "")),  # fmt: skip
            Column("comparator", "So sánh", q.comparator, kind="enum", width=70),
            Column("target", "Chỉ tiêu", q.target, kind="percent", width=80,
                   fmt=lambda v: format_percent_short(v) if v is not None else ""),  # fmt: skip
        ],
        default_order=[q.number.asc()],
    )


class ObjectivesPage(DataPage):
    title = "Mục tiêu chất lượng"
    hint = "Mục tiêu chất lượng theo từng năm: nội dung, chỉ số đo và chỉ tiêu. Kết quả được tính tự động trên trang Tổng quan."
    icon_name = "bullseye-arrow"
    watches = ("quality_objective", "objective_year")
    model_class = m.QualityObjective
    count_noun = "mục tiêu"
    wrap_rows = True

    def make_source(self) -> TableSource:
        return objective_source()

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.search.hide()
        bar.addWidget(QLabel("Năm:"))
        self.year_box = QComboBox()
        self.year_box.setMinimumContentsLength(8)
        bar.addWidget(self.year_box)
        self.new_year_button = button("Thêm năm…", "calendar-blank-outline")
        self.new_year_button.clicked.connect(self.add_year)
        self.copy_button = button("Sao chép từ năm trước", "content-copy")
        self.copy_button.clicked.connect(self.copy_previous)
        self.year_button = button("Quyết định, kế hoạch…", "pencil-outline")
        self.year_button.clicked.connect(self.edit_year)
        for w in (self.new_year_button, self.copy_button, self.year_button):
            bar.addWidget(w)
        self.year_info = card()
        info = QHBoxLayout(self.year_info)
        info.setContentsMargins(12, 8, 12, 8)
        self.year_text = muted()
        info.addWidget(self.year_text, 1)
        self.layout_.addWidget(self.year_info)
        self._fill_years(self.ctx.period.year)
        self.year_box.currentIndexChanged.connect(self._on_year)

    def _fill_years(self, select_year: int | None) -> None:
        with self.ctx.db.session() as session:
            years = objective_years(session)
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for y in years:
            self.year_box.addItem(str(y), y)
        index = self.year_box.findData(select_year) if select_year is not None else 0
        self.year_box.setCurrentIndex(index if index >= 0 else 0)
        self.year_box.blockSignals(False)
        self._update_year_info()

    def current_year(self) -> int | None:
        return self.year_box.currentData()

    def _year_row(self, session: Session) -> m.ObjectiveYear | None:
        year = self.current_year()
        if year is None:
            return None
        return session.scalar(select(m.ObjectiveYear).where(m.ObjectiveYear.year == year))

    def _update_year_info(self) -> None:
        with self.ctx.db.session() as session:
            oy = self._year_row(session)
            if oy is None:
                self.year_text.setText("Chưa có năm nào. Bấm “Thêm năm…” để tạo bộ mục tiêu theo mẫu.")
                enabled = False
            else:
                decision = format_document_ref(oy.decision_number, oy.decision_date) or "chưa nhập"
                plan = format_document_ref(oy.plan_number, oy.plan_date) or "chưa nhập"
                self.year_text.setText(
                    f"Năm {oy.year}: Quyết định ban hành mục tiêu {decision}; Kế hoạch thực hiện {plan}."
                )
                enabled = True
        self.add_button.setEnabled(enabled)
        self.year_button.setEnabled(enabled)
        self.copy_button.setEnabled(enabled)

    def _on_year(self) -> None:
        self._update_year_info()
        self.apply_filters()

    def conditions(self) -> list[Any]:
        with self.ctx.db.session() as session:
            oy = self._year_row(session)
        return [m.QualityObjective.objective_year_id == (oy.id if oy is not None else -1)]

    def open_form(self, record_id: int | None) -> RecordForm | None:
        with self.ctx.db.session() as session:
            oy = self._year_row(session)
            if oy is None:
                return None
            next_number = (session.scalar(select(func.max(m.QualityObjective.number))
                                          .where(m.QualityObjective.objective_year_id == oy.id)) or 0) + 1  # fmt: skip
        initial = None if record_id else {"objective_year_id": oy.id, "number": next_number,
                                          "comparator": Comparator.GE}  # fmt: skip
        form = ObjectiveForm(self.ctx, oy.id, record_id, parent=self, initial=initial)
        return form

    # ----------------------------------------------------------------- years

    def add_year(self) -> None:
        year, ok = _ask_year(self)
        if not ok:
            return
        with self.ctx.db.session() as session:
            exists = session.scalar(select(m.ObjectiveYear.id).where(m.ObjectiveYear.year == year))
        if exists:
            prompts.info(self, "Thêm năm", f"Năm {year} đã có bộ mục tiêu.")
        else:
            try:
                with self.ctx.db.transaction() as session:
                    seed_objectives(session, year)
            except CchcError as exc:
                prompts.error(self, "Thêm năm", exc.message)
                return
            self.ctx.notify("objective_year")
        self._fill_years(year)
        self.apply_filters()

    def copy_previous(self) -> None:
        year = self.current_year()
        if year is None:
            return
        with self.ctx.db.session() as session:
            previous = session.scalar(
                select(m.ObjectiveYear).where(m.ObjectiveYear.year < year).order_by(m.ObjectiveYear.year.desc()).limit(1)
            )
            prev_year = previous.year if previous is not None else None
            prev_rows = [
                {"number": o.number, "title": o.title, "indicator": o.indicator, "comparator": o.comparator,
                 "target": o.target}  # fmt: skip
                for o in (previous.objectives if previous is not None else [])
            ]
        if prev_year is None:
            prompts.info(self, "Sao chép", f"Không có năm nào trước năm {year} để sao chép.")
            return
        if not prompts.question(
            self, "Sao chép từ năm trước",
            f"Thay các mục tiêu năm {year} bằng {len(prev_rows)} mục tiêu của năm {prev_year}?",
            yes="Sao chép", no="Không",
        ):  # fmt: skip
            return
        try:
            with self.ctx.db.transaction() as session:
                oy = self._year_row(session)
                assert oy is not None
                ids = [o.id for o in oy.objectives]
                if ids:
                    services.delete(session, m.QualityObjective, ids)
                for row in prev_rows:
                    services.create(session, m.QualityObjective, {"objective_year_id": oy.id, **row})
        except CchcError as exc:
            prompts.error(self, "Sao chép", exc.message)
            return
        self.ctx.notify("quality_objective")
        self.table_model.reload()
        self.status_message.emit(f"Đã sao chép {len(prev_rows)} mục tiêu từ năm {prev_year}.")

    def edit_year(self) -> None:
        with self.ctx.db.session() as session:
            oy = self._year_row(session)
        if oy is None:
            return
        form = RecordForm(self.ctx, m.ObjectiveYear, YEAR_FIELDS, oy.id, parent=self,
                          title=f"Quyết định và kế hoạch mục tiêu chất lượng năm {oy.year}")  # fmt: skip
        if prompts.run_dialog(form):
            self._update_year_info()

    def refresh(self) -> None:
        self._fill_years(self.current_year())
        super().refresh()


class ObjectiveForm(RecordForm):
    def __init__(self, ctx: Any, year_id: int, record_id: int | None, parent: QWidget | None = None,
                 initial: dict[str, Any] | None = None) -> None:  # fmt: skip
        self.year_id = year_id
        super().__init__(ctx, m.QualityObjective, OBJECTIVE_FIELDS, record_id, parent=parent, initial=initial)

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["objective_year_id"] = self.year_id
        return values



def _ask_year(parent: QWidget) -> tuple[int, bool]:
    year = prompts.ask_int(parent, "Thêm năm", "Năm của bộ mục tiêu mới (tạo theo 7 mục tiêu mẫu):",
                           dt.date.today().year, 2000, dt.date.today().year + 1, ok_text="Thêm")  # fmt: skip
    return (year, True) if year is not None else (0, False)
