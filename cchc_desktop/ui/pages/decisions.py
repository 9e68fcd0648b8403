"""Quyết định công bố: UBND announcement decisions with their TTHC, and the department's ISO decision."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from ...core import models as m
from ...core import services
from ...core.db import Database
from ...core.enums import AnnouncementAction
from ..choices import procedures
from ..dialogs.record_form import FieldSpec, RecordForm
from ..models.table import Column, TableSource
from ..theme import BAD_COLOUR, OK_COLOUR
from ..widgets.picker import find_folded, make_searchable
from .base import DataPage, combo

WITHIN = "Đạt"
NOT_WITHIN = "Không đạt"


def days_expr(db: Database) -> Any:
    d = m.AnnouncementDecision
    if db.is_sqlite:
        return cast(func.julianday(d.iso_date) - func.julianday(d.ubnd_date), Integer)
    return d.iso_date - d.ubnd_date


def decision_source(db: Database, deadline: int) -> TableSource:
    d = m.AnnouncementDecision
    items = (
        select(func.count(m.AnnouncementItem.id))
        .where(m.AnnouncementItem.decision_id == d.id)
        .correlate(d)
        .scalar_subquery()
    )
    days = days_expr(db)
    within = case((d.iso_date.is_(None), ""), (days <= deadline, WITHIN), else_=NOT_WITHIN)
    return TableSource(
        model=d,
        columns=[
            Column("ubnd", "QĐ UBND tỉnh", d.ubnd_number, width=115, searchable=True, tooltip="Quyết định công bố của UBND tỉnh"),
            Column("ubnd_date", "Ngày QĐ", d.ubnd_date, kind="date", width=88, indexed=True),
            Column("summary", "Trích yếu", d.summary, width=160, searchable=True, stretch=True),
            Column("items", "Số TTHC", items, kind="int", width=65),
            Column("iso", "QĐ ISO", d.iso_number, width=100, searchable=True, tooltip="Quyết định ban hành quy trình ISO của Sở"),
            Column("iso_date", "Ngày ISO", d.iso_date, kind="date", width=88),
            Column("days", "Số ngày", days, kind="int", width=70),
            Column("within", f"≤ {deadline} ngày", within, kind="status", width=80,
                   colours={WITHIN: OK_COLOUR, NOT_WITHIN: BAD_COLOUR}),  # fmt: skip
            Column("letter", "Công văn", d.letter_number, width=115, searchable=True, tooltip="Công văn đề nghị cập nhật CSDL TTHC"),
            Column("letter_date", "Ngày CV", d.letter_date, kind="date", width=88),
        ],
        default_order=[d.ubnd_date.desc()],
    )


DECISION_FIELDS = [
    FieldSpec("ubnd_number", placeholder="ví dụ 108/QĐ-UBND", width=220),
    FieldSpec("ubnd_date", "date"),
    FieldSpec("summary", "multiline", extra={"height": 56}),
    FieldSpec("iso_number", placeholder="ví dụ 44/QĐ-SYT", width=220),
    FieldSpec("iso_date", "date"),
    FieldSpec("letter_number", placeholder="ví dụ 504/SYT-TCHC", width=220),
    FieldSpec("letter_date", "date"),
]


class DecisionsPage(DataPage):
    title = "Quyết định công bố TTHC"
    hint = "Quyết định công bố của UBND tỉnh, các TTHC trong quyết định và quyết định ban hành quy trình ISO của Sở (mục tiêu số 3)."
    icon_name = "gavel"
    watches = ("announcement_decision", "announcement_item", "procedure", "organisation_profile")
    model_class = m.AnnouncementDecision
    import_kind = "decisions"
    export_kind = "decisions"
    count_noun = "quyết định"

    def make_source(self) -> TableSource:
        with self.ctx.db.session() as session:
            prof = services.profile(session)
        deadline = prof.iso_deadline_days if prof is not None else 30
        return decision_source(self.ctx.db, deadline)

    def add_filters(self, bar: QHBoxLayout) -> None:
        years = [(str(y), y) for y in self._years()]
        self.year_filter = combo(years, first="Mọi năm", min_chars=8)
        self.year_filter.currentIndexChanged.connect(self.apply_filters)
        bar.addWidget(self.year_filter)

    def _years(self) -> list[int]:
        with self.ctx.db.session() as session:
            dates = session.scalars(select(m.AnnouncementDecision.ubnd_date)).all()
        return sorted({d.year for d in dates if d}, reverse=True)

    def conditions(self) -> list[Any]:
        year = self.year_filter.currentData()
        if year is None:
            return []
        from datetime import date

        return [m.AnnouncementDecision.ubnd_date.between(date(year, 1, 1), date(year, 12, 31))]

    def open_form(self, record_id: int | None) -> RecordForm:
        return DecisionForm(self.ctx, record_id, parent=self)


class DecisionForm(RecordForm):
    """The decision and, in the same save, the TTHC it announces."""

    def __init__(self, ctx: Any, record_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, m.AnnouncementDecision, DECISION_FIELDS, record_id, parent=parent)
        self.setMinimumWidth(800)

    def build_extra(self, session: Session, current: dict[str, Any]) -> None:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(6)
        title = QLabel("Thủ tục hành chính trong quyết định")
        title.setObjectName("SectionTitle")
        layout.addWidget(title)
        pick_row = QHBoxLayout()
        self.proc_pick = QComboBox()
        self.proc_pick.setMinimumContentsLength(26)
        self.proc_pick.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for text, value in procedures(session):
            self.proc_pick.addItem(text, value)
        make_searchable(self.proc_pick)  # "cap giay phep" finds "Cấp giấy phép…"
        self.proc_pick.lineEdit().setPlaceholderText("Gõ mã hoặc tên thủ tục (không cần dấu)…")
        self.proc_pick.setCurrentIndex(-1)
        self.action_pick = combo([(a.label, a) for a in AnnouncementAction], first=None, min_chars=14)
        add = QPushButton("Thêm")
        add.setAutoDefault(False)
        add.clicked.connect(self._add_item)
        remove = QPushButton("Bỏ dòng chọn")
        remove.setAutoDefault(False)
        remove.clicked.connect(self._remove_items)
        pick_row.addWidget(self.proc_pick, 1)
        pick_row.addWidget(self.action_pick)
        pick_row.addWidget(add)
        pick_row.addWidget(remove)
        layout.addLayout(pick_row)
        self.items = QStandardItemModel(0, 3, self)
        self.items.setHorizontalHeaderLabels(["Mã TTHC", "Tên thủ tục", "Hình thức"])
        self.items_view = QTableView()
        self.items_view.setTabKeyNavigation(False)  # Tab moves on to the next control
        self.items_view.setModel(self.items)
        self.items_view.verticalHeader().hide()
        self.items_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.items_view.setColumnWidth(0, 90)
        self.items_view.setColumnWidth(2, 130)
        self.items_view.setMinimumHeight(230)
        layout.addWidget(self.items_view)
        self.items_error = QLabel()
        self.items_error.setObjectName("FieldError")
        self.items_error.hide()
        layout.addWidget(self.items_error)
        self.form.addRow(box)
        if self.record_id is not None:
            rows = session.execute(
                select(m.Procedure.id, m.Procedure.code, m.Procedure.name, m.AnnouncementItem.action)
                .join(m.Procedure, m.Procedure.id == m.AnnouncementItem.procedure_id)
                .where(m.AnnouncementItem.decision_id == self.record_id)
                .order_by(m.Procedure.code)
            ).all()
            for r in rows:
                self._append(r.id, r.code, r.name, r.action)

    def _append(self, proc_id: int, code: str, name: str, action: AnnouncementAction | str) -> None:
        action = AnnouncementAction(action)  # combo boxes hand str enums back as plain text
        cells = [QStandardItem(code), QStandardItem(name), QStandardItem(action.label)]
        cells[0].setData(proc_id, Qt.ItemDataRole.UserRole)
        cells[2].setData(action, Qt.ItemDataRole.UserRole)
        self.items.appendRow(cells)

    def item_ids(self) -> list[int]:
        return [self.items.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.items.rowCount())]

    def _add_item(self) -> None:
        index = find_folded(self.proc_pick, self.proc_pick.currentText())
        self.items_error.hide()
        if index < 0:
            self.items_error.setText("Chọn một thủ tục có trong danh mục.")
            self.items_error.show()
            return
        proc_id = self.proc_pick.itemData(index)
        if proc_id in self.item_ids():
            self.items_error.setText("Thủ tục này đã có trong danh sách.")
            self.items_error.show()
            return
        code, _sep, name = self.proc_pick.itemText(index).partition(" – ")
        self._append(proc_id, code, name, self.action_pick.currentData())
        self.proc_pick.setCurrentIndex(-1)
        self.proc_pick.setFocus()

    def _remove_items(self) -> None:
        rows = sorted({i.row() for i in self.items_view.selectionModel().selectedRows()}, reverse=True)
        for r in rows:
            self.items.removeRow(r)

    def store_extra(self, session: Session, obj: Any) -> None:
        wanted = {
            self.items.item(r, 0).data(Qt.ItemDataRole.UserRole): self.items.item(r, 2).data(Qt.ItemDataRole.UserRole)
            for r in range(self.items.rowCount())
        }
        existing = {
            item.procedure_id: item
            for item in session.scalars(select(m.AnnouncementItem).where(m.AnnouncementItem.decision_id == obj.id))
        }
        gone = [item.id for pid, item in existing.items() if pid not in wanted]
        if gone:
            services.delete(session, m.AnnouncementItem, gone)
        changed = bool(gone)
        for proc_id, action in wanted.items():
            if proc_id in existing:
                if existing[proc_id].action != action:
                    services.update(session, m.AnnouncementItem, existing[proc_id].id, {"action": action})
                    changed = True
            else:
                services.create(session, m.AnnouncementItem, {"decision_id": obj.id, "procedure_id": proc_id,
                                                               "action": action})  # fmt: skip
                changed = True
        if changed and self.record_id is not None:  # its version moves on: a save based on the older list is refused
            services.touch(session, obj)
