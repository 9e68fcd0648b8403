"""Mục tiêu chất lượng: the year's ISO quality objectives — wording, indicator, comparator, target —
with the establishing decision and plan, and "copy from the previous year"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)
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
    FieldSpec("publication_url", label="Địa chỉ công bố các quy trình ISO",
              placeholder="ví dụ https://syt.khanhhoa.gov.vn/…", hint="In ở mục tiêu 4 của báo cáo."),  # fmt: skip
]
QUALITY_DOCUMENT_FIELDS = [
    FieldSpec("kind", label="Loại văn bản", placeholder="Quyết định, Kế hoạch…", width=180),
    FieldSpec("number", label="Số, ký hiệu", placeholder="ví dụ 438/QĐ-SYT", width=220),
    FieldSpec("issued_on", "date", label="Ngày ban hành"),
    FieldSpec("description", "multiline", label="Trích yếu", extra={"height": 80},
              placeholder="về việc công bố Hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015"),  # fmt: skip
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
        self.documents_button = button("Văn bản hệ thống QLCL…", "file-document-outline",
                                       tooltip="Các văn bản ISO 9001:2015 của năm (in ở mục tiêu 4 của báo cáo)")  # fmt: skip
        self.documents_button.clicked.connect(self.edit_documents)
        for w in (self.new_year_button, self.copy_button, self.year_button, self.documents_button):
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
                decision = format_document_ref(oy.decision_number, oy.decision_date, table=True) or "chưa nhập"
                plan = format_document_ref(oy.plan_number, oy.plan_date, table=True) or "chưa nhập"
                self.year_text.setText(
                    f"Năm {oy.year}: Quyết định ban hành mục tiêu {decision}; Kế hoạch thực hiện {plan}."
                )
                enabled = True
        self.add_button.setEnabled(enabled)
        self.year_button.setEnabled(enabled)
        self.documents_button.setEnabled(enabled)
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
                shown = self.table_model.loaded_versions()
                if ids:  # as shown: one changed or added by someone else since (version 0: not shown) is kept
                    services.delete(session, m.QualityObjective, ids,
                                    expected_versions={i: shown.get(i, 0) for i in ids})  # fmt: skip
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

    def edit_documents(self) -> QualityDocumentsDialog | None:
        year = self.current_year()
        if year is None:
            return None
        dialog = QualityDocumentsDialog(self.ctx, year, self)
        prompts.run_dialog(dialog)
        return dialog

    def refresh(self) -> None:
        self._fill_years(self.current_year())
        super().refresh()


class QualityDocumentForm(RecordForm):
    def __init__(self, ctx: Any, year: int, record_id: int | None, parent: QWidget | None = None) -> None:
        self.year = year
        initial = None if record_id else {"year": year, "kind": "Quyết định"}
        super().__init__(ctx, m.QualityDocument, QUALITY_DOCUMENT_FIELDS, record_id, parent=parent, initial=initial,
                         title=f"Văn bản hệ thống quản lý chất lượng năm {year}")  # fmt: skip

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["year"] = self.year
        return values


class QualityDocumentsDialog(QDialog):
    """The year's quality-management documents (number, date, what it is), as R1 cites them."""

    def __init__(self, ctx: Any, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.year = ctx, year
        self.setWindowTitle(f"Văn bản hệ thống quản lý chất lượng (TCVN ISO 9001:2015) năm {year}")
        self.resize(720, 360)
        col = QVBoxLayout(self)
        col.addWidget(muted("Các văn bản này được liệt kê ở mục tiêu 4 của báo cáo kết quả thực hiện mục tiêu chất lượng."))
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(lambda _i: self.edit())
        col.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.add_button = button("Thêm", "plus")
        self.add_button.clicked.connect(lambda: self.edit(new=True))
        self.edit_button = button("Sửa", "pencil-outline")
        self.edit_button.clicked.connect(lambda: self.edit())
        self.delete_button = button("Xóa", "delete-outline")
        self.delete_button.clicked.connect(self.delete)
        close = button("Đóng", "close")
        close.clicked.connect(self.accept)
        for w in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(close)
        col.addLayout(row)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        with self.ctx.db.session() as session:
            docs = session.scalars(select(m.QualityDocument).where(m.QualityDocument.year == self.year)
                                   .order_by(m.QualityDocument.issued_on, m.QualityDocument.id)).all()  # fmt: skip
            for doc in docs:
                item = QListWidgetItem(f"{doc.kind} {format_document_ref(doc.number, doc.issued_on, table=True)} {doc.description}")
                item.setData(Qt.ItemDataRole.UserRole, doc.id)
                item.setData(Qt.ItemDataRole.UserRole + 1, doc.version)  # a deletion based on it
                self.list.addItem(item)

    def _current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def edit(self, new: bool = False) -> None:
        record_id = None if new else self._current_id()
        if not new and record_id is None:
            return
        form = QualityDocumentForm(self.ctx, self.year, record_id, parent=self)
        if prompts.run_dialog(form):
            self.ctx.notify("quality_document")
            self.reload()

    def delete(self) -> None:
        record_id = self._current_id()
        if record_id is None:
            return
        if not prompts.question(self, "Xóa văn bản", "Xóa văn bản này khỏi danh sách?", yes="Xóa", no="Không"):
            return
        item = self.list.currentItem()
        try:
            with self.ctx.db.transaction() as session:
                services.delete(session, m.QualityDocument, [record_id],
                                expected_versions={record_id: item.data(Qt.ItemDataRole.UserRole + 1)})
        except CchcError as exc:
            prompts.error(self, "Xóa văn bản", exc.message)
            return
        self.ctx.notify("quality_document")
        self.reload()


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
