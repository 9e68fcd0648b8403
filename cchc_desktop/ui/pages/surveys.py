"""Khảo sát: satisfaction survey campaigns, their forms typed fast in a grid, or their totals per option."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ...core import models as m
from ...core import services
from ...core.enums import SurveyMode
from ...core.errors import CchcError, ValidationError
from ...core.formatting import format_count
from .. import theme
from ..choices import questionnaires
from ..dialogs.record_form import FieldSpec, RecordForm
from ..models.table import Column, TableSource
from ..widgets.common import button, muted, section_title
from ..widgets.survey_grid import FIXED_COLUMNS, SurveyFormsModel, SurveyFormsView, load_criteria
from .base import DataPage, combo

CAMPAIGN_FIELDS = [
    FieldSpec("title", "multiline", extra={"height": 56}),
    FieldSpec("year", "int", width=90),
    FieldSpec("held_on", "date"),
    FieldSpec("report_number", placeholder="ví dụ 2844/BC-SYT", width=220),
    FieldSpec("report_date", "date"),
    FieldSpec("questionnaire_id", "fk", choices=questionnaires, optional=False),
    FieldSpec("mode", "enum", enum=SurveyMode, optional=False,
              hint="Nhập từng phiếu khi có phiếu giấy; nhập tổng khi chỉ có bảng tổng hợp."),  # fmt: skip
]


def campaign_source() -> TableSource:
    c = m.SurveyCampaign
    counted = select(func.count(m.SurveyForm.id)).where(m.SurveyForm.campaign_id == c.id).correlate(c).scalar_subquery()
    forms = case((c.mode == SurveyMode.TOTALS, func.coalesce(c.total_forms, 0)), else_=counted)
    groups = select(func.count(m.RespondentGroup.id)).where(m.RespondentGroup.campaign_id == c.id).correlate(c).scalar_subquery()
    return TableSource(
        model=c,
        columns=[
            Column("title", "Đợt khảo sát", c.title, width=260, searchable=True, stretch=True),
            Column("year", "Năm", c.year, kind="int", width=60, fmt=lambda v: str(v or "")),
            Column("held_on", "Ngày khảo sát", c.held_on, kind="date", width=100),
            Column("report", "Báo cáo kết quả", c.report_number, width=115, searchable=True),
            Column("report_date", "Ngày báo cáo", c.report_date, kind="date", width=100),
            Column("mode", "Cách nhập", c.mode, kind="enum", width=170),
            Column("forms", "Số phiếu", forms, kind="int", width=75),
            Column("groups", "Nhóm", groups, kind="int", width=60),
            # a campaign a unit's data package brought; empty: the organisation's own
            Column("unit", "Đơn vị gửi", m.Unit.name, width=200, searchable=True),
        ],
        joins=[(m.Unit, m.Unit.id == c.unit_id)],
        default_order=[c.year.desc()],
    )


class CampaignForm(RecordForm):
    """The campaign with its respondent groups (one per line)."""

    def __init__(self, ctx: Any, record_id: int | None, parent: QWidget | None = None) -> None:
        import datetime as dt

        initial = None if record_id else {"year": dt.date.today().year, "mode": SurveyMode.FORMS}
        super().__init__(ctx, m.SurveyCampaign, CAMPAIGN_FIELDS, record_id, parent=parent, initial=initial)

    def build_extra(self, session: Session, current: dict[str, Any]) -> None:
        self.groups_edit = QPlainTextEdit()
        self.groups_edit.setTabChangesFocus(True)
        self.groups_edit.setFixedHeight(90)
        self.groups_edit.setPlaceholderText("Mỗi dòng một nhóm, ví dụ:\nCá nhân hành nghề\nCơ sở kinh doanh dược")
        if self.record_id is not None:
            names = session.scalars(
                select(m.RespondentGroup.name).where(m.RespondentGroup.campaign_id == self.record_id)
                .order_by(m.RespondentGroup.id)
            ).all()
            self.groups_edit.setPlainText("\n".join(names))
        label = QLabel("Nhóm đối tượng:")
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.addRow(label, self.groups_edit)

    def store_extra(self, session: Session, obj: Any) -> None:
        wanted = [n.strip() for n in self.groups_edit.toPlainText().splitlines() if n.strip()]
        existing = {g.name: g for g in session.scalars(select(m.RespondentGroup).where(m.RespondentGroup.campaign_id == obj.id))}
        gone = [g.id for name, g in existing.items() if name not in wanted]
        if gone:
            services.delete(session, m.RespondentGroup, gone)
        added = [name for name in wanted if name not in existing]
        for name in added:
            services.create(session, m.RespondentGroup, {"campaign_id": obj.id, "name": name})
        if (gone or added) and self.record_id is not None:  # a save based on the older list is refused
            services.touch(session, obj)


class TotalsEditor(QWidget):
    """Counts per answer option, each criterion checked against the number of forms as you type."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.campaign_id: int | None = None
        self.spins: dict[int, QSpinBox] = {}
        self._loaded: tuple[int, dict[int, int]] = (0, {})
        self.checks: list[tuple[list[QSpinBox], QLabel]] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("Tổng số phiếu:"))
        self.total = QSpinBox()
        self.total.setRange(0, 1_000_000)
        self.total.valueChanged.connect(self._check)
        top.addWidget(self.total)
        top.addStretch(1)
        outer.addLayout(top)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        scroll.setWidget(self.body)
        outer.addWidget(scroll, 1)

    def values(self) -> tuple[int, dict[int, int]]:
        return self.total.value(), {option_id: spin.value() for option_id, spin in self.spins.items()}

    def has_unsaved_changes(self) -> bool:
        return self.campaign_id is not None and self.values() != self._loaded

    def load(self, session: Session, campaign_id: int) -> None:
        self.campaign_id = campaign_id
        _clear_layout(self.grid)
        self.spins, self.checks = {}, []
        camp = session.get(m.SurveyCampaign, campaign_id)
        assert camp is not None
        self.version: int | None = camp.version  # as read: totals saved by someone else since are refused
        self.total.blockSignals(True)
        self.total.setValue(camp.total_forms or 0)
        self.total.blockSignals(False)
        counts = dict(session.execute(
            select(m.SurveyOptionCount.option_id, m.SurveyOptionCount.count).where(m.SurveyOptionCount.campaign_id == campaign_id)
        ).all())  # fmt: skip
        row = 0
        for crit in load_criteria(session, camp.questionnaire_id):
            head = QHBoxLayout()
            head.setContentsMargins(0, 10 if row else 2, 0, 0)  # air between criteria
            title = QLabel(f"<b>{crit.short}</b> — {crit.name}")
            title.setWordWrap(True)
            head.addWidget(title, 1)
            check = QLabel()
            head.addWidget(check)
            self.grid.addLayout(head, row, 0)
            row += 1
            line = QHBoxLayout()
            line.setSpacing(6)
            spins = []
            for option_id, rank, label in crit.options:
                text = QLabel(f"{rank}. {label}")
                spin = QSpinBox()
                spin.setRange(0, 1_000_000)
                spin.setFixedWidth(86)
                spin.setValue(counts.get(option_id, 0))
                spin.setAccessibleName(f"{crit.short}: {label}")
                spin.valueChanged.connect(self._check)
                line.addWidget(text)
                line.addWidget(spin)
                line.addSpacing(14)
                self.spins[option_id] = spin
                spins.append(spin)
            line.addStretch(1)
            self.grid.addLayout(line, row, 0)
            self.checks.append((spins, check))
            row += 1
        self.grid.setRowStretch(row, 1)
        self._loaded = self.values()
        self._check()

    def _check(self) -> None:
        total = self.total.value()
        for spins, label in self.checks:
            s = sum(sp.value() for sp in spins)
            if s == total:
                label.setText(f"✔ {format_count(s)}/{format_count(total)}")
                label.setStyleSheet(f"color: {theme.OK_COLOUR};")
            else:
                label.setText(f"✘ {format_count(s)}/{format_count(total)} phiếu")
                label.setStyleSheet(f"color: {theme.BAD_COLOUR};")

    def save(self, session: Session) -> None:
        assert self.campaign_id is not None
        total, counts = self.values()
        services.set_option_counts(session, self.campaign_id, total, counts,
                                   expected_version=getattr(self, "version", None))  # fmt: skip


def _clear_layout(layout: Any) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            _clear_layout(item.layout())


class SurveysPage(DataPage):
    title = "Khảo sát sự hài lòng"
    hint = "Đợt khảo sát, nhóm đối tượng và phiếu trả lời (mục tiêu số 2). Chọn một đợt để nhập phiếu bên dưới."
    icon_name = "emoticon-happy-outline"
    watches = ("survey_campaign", "respondent_group", "survey_form", "survey_option_count")
    model_class = m.SurveyCampaign
    import_kind = "survey_forms"
    export_kind = "survey_forms"
    count_noun = "đợt khảo sát"

    def make_source(self) -> TableSource:
        return campaign_source()

    def add_filters(self, bar: QHBoxLayout) -> None:
        with self.ctx.db.session() as session:
            years = sorted(set(session.scalars(select(m.SurveyCampaign.year))), reverse=True)
        self.year_filter = combo([(str(y), y) for y in years], first="Mọi năm", min_chars=8)
        self.year_filter.currentIndexChanged.connect(self.apply_filters)
        bar.addWidget(self.year_filter)

    def conditions(self) -> list[Any]:
        year = self.year_filter.currentData()
        return [m.SurveyCampaign.year == year] if year is not None else []

    def open_form(self, record_id: int | None) -> RecordForm:
        return CampaignForm(self.ctx, record_id, parent=self)

    def select_year(self, year: int) -> None:
        with self.ctx.db.session() as session:
            found = session.scalar(select(m.SurveyCampaign.id).where(m.SurveyCampaign.year == year).limit(1))
        if found is not None:
            self.select_ids([found])

    # ----------------------------------------------------------------- detail panel

    def below_table(self) -> None:
        self.layout_.removeWidget(self.view)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.view)
        detail = QWidget()
        layout = QVBoxLayout(detail)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        head = QHBoxLayout()
        self.detail_title = section_title("Chọn một đợt khảo sát để nhập phiếu")
        head.addWidget(self.detail_title, 1)
        self.add_form_button = button("Thêm phiếu", "playlist-plus", tooltip="Thêm một phiếu (Insert)")
        self.add_form_button.clicked.connect(lambda: self.forms_view.add_form())
        self.remove_form_button = button("Xóa phiếu", "delete-outline")
        self.remove_form_button.clicked.connect(self._remove_forms)
        self.save_detail = button("Lưu phiếu", "content-save-outline", primary=True, tooltip="Lưu (Ctrl+S)")
        self.save_detail.clicked.connect(self.save_details)
        for w in (self.add_form_button, self.remove_form_button, self.save_detail):
            head.addWidget(w)
        layout.addLayout(head)
        self.legend = muted()
        layout.addWidget(self.legend)
        self.detail_stack = QStackedWidget()
        self.forms_model = SurveyFormsModel(self)
        self.forms_view = SurveyFormsView()
        self.forms_view.setModel(self.forms_model)
        self.forms_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.forms_view.horizontalHeader().setStretchLastSection(False)
        self.forms_view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.forms_view.resized.connect(self._size_columns)
        self.forms_model.changed.connect(self._detail_changed)
        self.forms_view.last_form_done.connect(self._last_form_done)
        self.forms_view.verticalHeader().hide()
        header = self.forms_view.horizontalHeader()
        header.setMinimumHeight(header.fontMetrics().lineSpacing() * 2 + 12)  # two-line headers, never cut
        self.totals = TotalsEditor()
        self.empty = muted("Chưa chọn đợt khảo sát.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.empty, self.forms_view, self.totals):
            self.detail_stack.addWidget(w)
        layout.addWidget(self.detail_stack, 1)
        self.detail_error = QLabel()
        self.detail_error.setObjectName("FormError")
        self.detail_error.setWordWrap(True)
        self.detail_error.hide()
        layout.addWidget(self.detail_error)
        self.detail_status = muted()
        layout.addWidget(self.detail_status)
        splitter.addWidget(detail)
        splitter.setSizes([170, 460])
        self.layout_.addWidget(splitter, 1)
        self._detail_campaign: int | None = None
        self.view.selectionModel().selectionChanged.connect(self._on_campaign_selected)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save_details)
        self._load_detail()

    def _on_campaign_selected(self, *_: Any) -> None:
        """Another campaign chosen: the forms typed for the one shown are saved, dropped, or kept (Hủy)."""
        ids = self.selected_ids()
        wanted = ids[0] if len(ids) == 1 else None
        if wanted == self._detail_campaign:
            return
        if self.has_unsaved_changes():
            if wanted is None:
                return  # nothing chosen instead (or a selection being rebuilt): the typed forms stay shown
            previous = self._detail_campaign
            if not self.confirm_leave():
                self.view.selectionModel().blockSignals(True)
                self.select_ids([previous] if previous is not None else [])
                self.view.selectionModel().blockSignals(False)
                self.view.viewport().update()
                return
        self._load_detail()

    # ----------------------------------------------------------------- unsaved edits

    def _detail_widget_unsaved(self) -> bool:
        widget = self.detail_stack.currentWidget()
        if widget is self.forms_view:
            return self.forms_model.has_unsaved_changes()
        if widget is self.totals:
            return self.totals.has_unsaved_changes()
        return False

    def has_unsaved_changes(self) -> bool:
        return self._detail_widget_unsaved()

    def unsaved_text(self) -> str:
        return f"Phiếu khảo sát của đợt “{self.detail_title.text()}” đã nhập nhưng chưa lưu. Lưu trước khi rời đi?"

    def save_changes(self) -> bool:
        return self.save_details()

    def discard_changes(self) -> None:
        self._load_detail()

    def refresh(self) -> None:
        super().refresh()
        self._load_detail()

    def _load_detail(self, *_: Any) -> None:
        ids = self.selected_ids()
        campaign_id = ids[0] if len(ids) == 1 else None
        self._detail_campaign = campaign_id
        self.detail_error.hide()
        with self.ctx.db.session() as session:
            camp = session.get(m.SurveyCampaign, campaign_id) if campaign_id else None
            if camp is None:
                self.detail_stack.setCurrentWidget(self.empty)
                self.detail_title.setText("Chọn một đợt khảo sát để nhập phiếu")
                self.legend.setText("")
                self.detail_status.setText("")
                for w in (self.add_form_button, self.remove_form_button, self.save_detail):
                    w.setEnabled(False)
                return
            title = camp.title
            if camp.mode == SurveyMode.TOTALS:
                self.totals.load(session, camp.id)
                self.detail_stack.setCurrentWidget(self.totals)
                self.legend.setText("Nhập số phiếu theo từng phương án; tổng mỗi tiêu chí phải bằng tổng số phiếu.")
                self.detail_status.setText("")
                mode_forms = False
            else:
                self.forms_model.load(session, camp.id)
                self.detail_stack.setCurrentWidget(self.forms_view)
                self._size_columns()
                self.legend.setText(
                    "Gõ chữ số để chọn phương án (1 = tốt nhất), Enter sang ô kế tiếp, Delete để xóa, "
                    "Insert để thêm phiếu. Rê chuột lên tiêu đề cột để xem các phương án."
                )
                mode_forms = True
        self.detail_title.setText(title)
        self.add_form_button.setVisible(mode_forms)
        self.remove_form_button.setVisible(mode_forms)
        for w in (self.add_form_button, self.remove_form_button):
            w.setEnabled(True)
        self.save_detail.setEnabled(True)
        self._detail_changed()

    def _size_columns(self) -> None:
        """Number and group narrow; the criteria share the rest of the width (at least 110 px each)."""
        view = self.forms_view
        metrics = view.horizontalHeader().fontMetrics()
        grid = self.forms_model

        def header_width(c: int) -> int:  # the widest line of the (two-line) header, with the sort margin
            text = str(grid.headerData(c, Qt.Orientation.Horizontal) or "")
            return max((metrics.horizontalAdvance(line) for line in text.splitlines()), default=0) + 22

        number = max(64, header_width(0))
        group = max(150, header_width(1))
        view.setColumnWidth(0, number)
        view.setColumnWidth(1, group)
        n = grid.columnCount() - FIXED_COLUMNS
        if n > 0:
            share = (view.viewport().width() - number - group) // n
            for c in range(FIXED_COLUMNS, FIXED_COLUMNS + n):
                view.setColumnWidth(c, max(110, header_width(c), share))

    def _detail_changed(self) -> None:
        if self.detail_stack.currentWidget() is self.forms_view:
            grid = self.forms_model
            text = f"{format_count(len(grid.rows))} phiếu"
            missing = grid.incomplete_rows()
            if missing:
                text += f"; {format_count(missing)} phiếu chưa trả lời đủ {len(grid.criteria)} tiêu chí"
            if grid.dirty or grid.deleted:
                text += " · có thay đổi chưa lưu"
            self.detail_status.setText(text)

    def _last_form_done(self) -> None:
        self.detail_status.setText(
            self.detail_status.text().split(" · Phiếu cuối")[0]
            + " · Phiếu cuối đã nhập xong: bấm Insert (hoặc “Thêm phiếu”) để nhập phiếu mới, Ctrl+S để lưu."
        )

    def _remove_forms(self) -> None:
        rows = sorted({i.row() for i in self.forms_view.selectionModel().selectedIndexes()})
        if rows:
            self.forms_model.remove_rows(rows)

    def save_details(self) -> bool:
        widget = self.detail_stack.currentWidget()
        if widget is self.empty:
            return False
        self.detail_error.hide()
        try:
            with self.ctx.db.transaction() as session:
                if widget is self.totals:
                    self.totals.save(session)
                else:
                    self.forms_model.save(session)
        except CchcError as exc:
            self._show_detail_error(exc)
            return False
        table = "survey_option_count" if widget is self.totals else "survey_form"
        self.ctx.notify(table)
        self._load_detail()
        self.status_message.emit("Đã lưu phiếu khảo sát.")
        return True

    def _show_detail_error(self, exc: CchcError) -> None:
        key = exc.field if isinstance(exc, ValidationError) else None
        if key and ":" in key:
            r, c = (int(x) for x in key.split(":"))
            self.forms_model.error_cell = (r, c)
            self.forms_view.setCurrentIndex(self.forms_model.index(r, c))
        self.detail_error.setText(exc.message + " Chưa lưu gì; hãy sửa rồi bấm Lưu phiếu.")
        self.detail_error.show()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(1100, 700)
