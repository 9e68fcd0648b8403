"""Tổng quan: the period's objectives as tiles, the charts, what needs attention and the consistency checks.

The figures are the indicators' own ``Figure`` objects (computed off the GUI thread with their own
session); the dashboard formats them, it never recomputes one. Clicking a tile, a bar or an attention
line opens the records behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QMargins, QSize, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...core import models as m
from ...core.checks import Finding, Severity, consistency_findings
from ...core.db import Database
from ...core.enums import PeriodConvention
from ...core.formatting import format_count, format_date, format_percent, format_percent_short
from ...core.indicators import (
    DOSSIER_FIGURES,
    INDICATORS,
    Figure,
    IndicatorSet,
    ObjectiveResult,
    compute_all,
    dossier_status_condition,
    dossiers_due_between,
    online_by_month,
    outcome_rule,
    settings_for,
    task_status_condition,
    tasks_due_between,
)
from ...core.periods import PeriodSpec
from ...core.units import units_not_sent
from ...core.workdays import WorkCalendar
from .. import theme
from ..widgets.common import button, card, muted, section_title
from ..widgets.period_picker import PeriodPicker
from ..workers import Job, start_job
from .base import Page

ATTENTION_DAYS = 3  # "sắp đến hạn": due within this many working days

SHORT_TITLES = {
    "dossiers_on_time": "Hồ sơ đúng hạn",
    "dossiers_early": "Hồ sơ trước hạn",
    "survey_satisfaction": "Mức độ hài lòng",
    "iso_within_deadline": "Quy trình ISO kịp hạn",
    "steps_match": "ISO khớp một cửa",
    "tasks_on_time": "Nhiệm vụ đúng hạn",
    "documents_electronic": "Văn bản đi điện tử",
    "documents_incoming_electronic": "Văn bản đến điện tử",
    "online_uptake": "Hồ sơ trực tuyến",
    "online_uptake_full": "Trực tuyến toàn trình",
    "online_uptake_partial": "Trực tuyến một phần",
}


@dataclass
class Attention:
    dossiers_overdue: int = 0
    dossiers_due_soon: int = 0
    tasks_overdue: int = 0
    tasks_due_soon: int = 0
    soon_limit: dt.date | None = None
    procedures_review: int = 0
    units_not_sent: list[str] = field(default_factory=list)  # data packages missing for the period


@dataclass
class DashboardData:
    indicators: IndicatorSet
    findings: list[Finding]
    attention: Attention
    online_months: list[Figure] = field(default_factory=list)  # the tile's online share, month by month
    computed_at: dt.datetime = field(default_factory=dt.datetime.now)


def attention_counts(session: Session, today: dt.date, days: int = ATTENTION_DAYS) -> Attention:
    """"Cần chú ý": dossiers and tasks overdue today or due within ``days`` working days, by core's
    predicates (the same as the pages' status filters)."""
    limit = WorkCalendar.from_session(session).add_working_days(today, days)
    settings = settings_for(session)

    def count(condition: Any) -> int:
        return session.scalar(select(func.count()).where(condition)) or 0

    return Attention(
        dossiers_overdue=count(dossier_status_condition("overdue", today, settings)),
        dossiers_due_soon=count(dossiers_due_between(today, limit, settings)),
        tasks_overdue=count(task_status_condition("overdue", today)),
        tasks_due_soon=count(tasks_due_between(today, limit)),
        soon_limit=limit,
        procedures_review=count(m.Procedure.needs_review.is_(True)),
    )


def load_dashboard(db: Database, spec: PeriodSpec) -> DashboardData:
    """Everything the dashboard shows (runs in a worker thread with its own session)."""
    with db.session() as session:
        indicators = compute_all(session, spec)
        findings = consistency_findings(session, spec)
        attention = attention_counts(session, dt.date.today())
        online_months = online_by_month(session, indicators.periods.dossiers, settings=indicators.settings)
        period = indicators.periods.dossiers
        attention.units_not_sent = units_not_sent(session, period.start, period.end)
    return DashboardData(indicators, findings, attention, online_months)


# --------------------------------------------------------------------------- tiles


class ObjectiveTile(QFrame):
    """One quality objective: value, target, met or not (icon and words, not colour alone)."""

    clicked = Signal(object)

    def __init__(self, result: ObjectiveResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result = result
        self.setObjectName("Card")
        self.setCursor(QCursor(Qt.CursorShape.PointingHandCursor))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(136)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(2)
        head = QLabel(f"MT{result.number} · {SHORT_TITLES.get(result.indicator, _indicator_name(result.indicator))}")
        head.setObjectName("TileTitle")
        head.setWordWrap(True)
        head.setFixedHeight(head.fontMetrics().lineSpacing() * 2 + 2)
        head.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(head)
        value = QLabel(format_percent(result.figure.value) if result.figure.applicable else "Không phát sinh")
        value.setObjectName("TileValue")
        value.setFont(theme.scaled_font(1.6 if result.figure.applicable else 1.1, bold=True))
        # The same height whether it shows a percentage or "Không phát sinh": the tiles' lines stay level.
        value.setFixedHeight(QFontMetrics(theme.scaled_font(1.6, bold=True)).height())
        value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(value)
        fig = result.figure
        layout.addWidget(muted(f"{format_count(fig.numerator)}/{format_count(fig.denominator)}", wrap=False))
        layout.addWidget(muted(f"Mục tiêu {result.comparator.label} {format_percent_short(result.target)}", wrap=False))
        status = QHBoxLayout()
        status.setSpacing(4)
        icon = QLabel()
        if result.met is True:
            name, colour, text, obj = "check-circle", theme.OK_COLOUR, "Đạt", "TileMet"
        elif result.met is False:
            name, colour, text, obj = "close-circle", theme.BAD_COLOUR, "Chưa đạt", "TileNotMet"
        else:
            name, colour, text, obj = "minus-circle", theme.MUTED, "Không phát sinh", "TileNA"
        icon.setPixmap(theme.icon(name, colour).pixmap(QSize(16, 16)))
        status.addWidget(icon)
        status_text = QLabel(text)
        status_text.setObjectName(obj)
        status.addWidget(status_text)
        status.addStretch(1)
        layout.addLayout(status)
        self.status_text = text
        self.setToolTip(f"{result.title}\n{how_counted_text(result.figure)}")
        self.setAccessibleName(f"Mục tiêu {result.number}: {text}")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.result)
        super().mouseReleaseEvent(event)


def how_counted_text(figure: Figure) -> str:
    """The tooltip line saying how a figure was counted: its period basis and its outcome rule."""
    parts = []
    if figure.basis:
        parts.append(f"Kỳ số liệu: {PeriodConvention(figure.basis).label.lower()}")
    if figure.rule:
        parts.append(f"Quy tắc tính hồ sơ: {outcome_rule(figure.rule).name}")
    return "; ".join(parts) + "." if parts else ""


def _indicator_name(key: str) -> str:
    ind = INDICATORS.get(key)
    return ind.name if ind is not None else key


# --------------------------------------------------------------------------- charts


def _chart_view(title: str) -> Any:
    from PySide6.QtCharts import QChart, QChartView

    chart = QChart()
    chart.setTitle(title)
    title_font = QFont(theme.scaled_font(1.0, bold=True))
    chart.setTitleFont(title_font)
    chart.setBackgroundRoundness(6)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.legend().setFont(theme.scaled_font(0.9))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundVisible(False)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(250)
    view.setStyleSheet("background: transparent;")
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return view


def _style_axis_titles(*axes: Any) -> None:
    font = theme.scaled_font(0.85)
    for axis in axes:
        axis.setTitleFont(font)
        axis.setTitleBrush(QColor(theme.MUTED))


def _in_card(view: QWidget) -> QFrame:
    frame = card()
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(view)
    return frame


def month_labels(rows: list[Any]) -> list[str]:
    """"T1" … "T12"; with the year ("1/24") when the months span several years."""
    if len({r.year for r in rows}) <= 1:
        return [f"T{r.month}" for r in rows]
    return [f"{r.month}/{str(r.year)[2:]}" for r in rows]


class DashboardPage(Page):
    title = "Tổng quan"
    hint = ""
    icon_name = "view-dashboard-outline"
    watches = ()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.data: DashboardData | None = None
        self.job: Job | None = None
        self.period = PeriodPicker(ctx.period)
        self.period.changed.connect(ctx.set_period)
        ctx.period_changed.connect(self._on_ctx_period)
        self.header.add_right(self.period)
        refresh = button("", "refresh", tooltip="Tính lại (F5)")
        refresh.clicked.connect(self.refresh)
        self.header.add_right(refresh)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(0, 0, 6, 0)
        self.body.setSpacing(12)
        scroll.setWidget(body)
        self.layout_.addWidget(scroll, 1)

        self.tiles_box = QGridLayout()
        self.tiles_box.setSpacing(10)
        self.body.addLayout(self.tiles_box)
        self.loading = muted("Đang tính số liệu…")
        self.body.addWidget(self.loading)

        row1 = QHBoxLayout()
        row1.setSpacing(12)
        self.months_view = _chart_view("Hồ sơ giải quyết theo tháng")
        row1.addWidget(_in_card(self.months_view), 3)
        right = QVBoxLayout()
        right.setSpacing(12)
        self.attention_card = card()
        self.attention_card.setMinimumWidth(300)
        self.attention_layout = QVBoxLayout(self.attention_card)
        self.attention_layout.setContentsMargins(14, 12, 14, 12)
        self.attention_layout.setSpacing(6)
        right.addWidget(self.attention_card)
        self.findings_card = card()
        self.findings_layout = QVBoxLayout(self.findings_card)
        self.findings_layout.setContentsMargins(14, 12, 14, 12)
        self.findings_layout.setSpacing(6)
        right.addWidget(self.findings_card)
        right.addStretch(1)
        row1.addLayout(right, 2)
        row1.setAlignment(right, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(row1)

        row2 = QHBoxLayout()
        row2.setSpacing(12)
        self.online_view = _chart_view("Tỷ lệ hồ sơ nộp trực tuyến theo tháng")
        row2.addWidget(_in_card(self.online_view), 3)
        self.tasks_view = _chart_view("Nhiệm vụ theo tình trạng")
        row2.addWidget(_in_card(self.tasks_view), 2)
        self.body.addLayout(row2)
        self.refresh()

    # ----------------------------------------------------------------- loading

    def _on_ctx_period(self, spec: PeriodSpec) -> None:
        if spec != self.period.spec():
            self.period.set_spec(spec)
        self.refresh()

    def refresh(self) -> None:
        spec = self.ctx.period
        periods = self.ctx.family_periods(spec)
        p = periods.dossiers
        cut = " (chốt số liệu ngày 14)" if p.end.day == 14 and spec.kind != "range" else ""
        self.header.set_hint(
            f"Số liệu {spec.label}: hồ sơ, nhiệm vụ, khảo sát từ {format_date(p.start)} đến {format_date(p.end)}{cut}; "
            f"văn bản từ {format_date(periods.documents.start)} đến {format_date(periods.documents.end)}."
        )
        self.loading.show()
        db = self.ctx.db
        self.job = start_job(
            self, "Đang tính số liệu", lambda _progress: load_dashboard(db, spec), on_done=self._show,
            show_progress=False,
        )

    def _show(self, data: DashboardData) -> None:
        if data.indicators.spec != self.ctx.period:
            return  # an older request finished after a newer one started
        self.data = data
        self.loading.hide()
        self._show_tiles(data.indicators)
        self._show_months(data.indicators)
        self._show_online(data.indicators, data.online_months)
        self._show_tasks(data.indicators)
        self._show_attention(data)
        self._show_findings(data.findings)

    # ----------------------------------------------------------------- tiles

    def _show_tiles(self, ind: IndicatorSet) -> None:
        while self.tiles_box.count():
            item = self.tiles_box.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.tiles: list[ObjectiveTile] = []
        self._first_tile_row = 0 if ind.objectives_declared else 1
        if not ind.objectives_declared:  # the reports say the same and use the same default objectives
            self.tiles_box.addWidget(
                muted(f"Chưa khai báo mục tiêu chất lượng năm {ind.spec.year}; dưới đây là 7 mục tiêu mặc định. "
                      "Vào trang Mục tiêu chất lượng để khai báo."), 0, 0, 1, -1  # fmt: skip
            )
        for result in ind.objectives:
            tile = ObjectiveTile(result)
            tile.clicked.connect(self.open_objective)
            self.tiles.append(tile)
        self._place_tiles()

    def _tiles_per_row(self) -> int:
        """As many tiles side by side as fit at about 148 px each (7 at 1366 px, fewer when scaled up), or
        wider when a tile's words need it ("Không phát sinh"): never a clipped line."""
        width = self.width() - 60
        tiles = getattr(self, "tiles", [])
        count = len(tiles) or 1
        needed = max([148, *(t.minimumSizeHint().width() + 14 for t in tiles)])
        per_row = max(3, min(count, width // needed))
        rows = -(-count // per_row)
        return -(-count // rows)  # balance the rows: 7 tiles as 4 + 3, not 6 + 1

    def _place_tiles(self) -> None:
        tiles = getattr(self, "tiles", [])
        for tile in tiles:
            self.tiles_box.removeWidget(tile)
        per_row = self._tiles_per_row()
        for i, tile in enumerate(tiles):
            self.tiles_box.addWidget(tile, getattr(self, "_first_tile_row", 0) + i // per_row, i % per_row)
        self._placed_per_row = per_row

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if getattr(self, "tiles", None) and self._tiles_per_row() != getattr(self, "_placed_per_row", 0):
            self._place_tiles()

    def open_objective(self, result: ObjectiveResult) -> None:
        window = self.window()
        show = getattr(window, "show_page", None)
        if show is None:
            return
        spec = self.ctx.period
        key = result.indicator
        if key in DOSSIER_FIGURES:  # exactly the figure's numerator rows
            show("dossiers").show_filtered(figure=key, spec=spec)
        elif key == "tasks_on_time":  # exactly the figure's numerator rows
            show("tasks").show_filtered(figure=key, spec=spec)
        elif key == "iso_within_deadline":
            page = show("decisions")
            index = page.year_filter.findData(spec.year)
            page.year_filter.setCurrentIndex(max(index, 0))
        elif key == "steps_match":
            page = show("procedures")
            page.status_filter.setCurrentIndex(max(page.status_filter.findData("in_force"), 0))
        elif key == "survey_satisfaction":
            show("surveys").select_year(spec.year)
        elif key == "documents_electronic":
            show("documents").set_year(spec.year)

    # ----------------------------------------------------------------- charts

    def _show_months(self, ind: IndicatorSet) -> None:
        from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QStackedBarSeries, QValueAxis

        chart = self.months_view.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        rows = ind.by_month
        series = QStackedBarSeries()
        sets = []
        for label, attr, colour, status in (
            ("Trước hạn", "early", theme.SERIES[0], "early"),
            ("Đúng hạn", "on_time", theme.SERIES[1], "on_time"),
            ("Trễ hạn", "late", theme.SERIES[2], "late"),
        ):
            bar_set = QBarSet(label)
            bar_set.setColor(QColor(colour))
            bar_set.setBorderColor(QColor(colour))
            for row in rows:
                bar_set.append(getattr(row, attr))
            bar_set.clicked.connect(lambda index, s=status: self._open_month(index, s))
            series.append(bar_set)
            sets.append(bar_set)
        series.setBarWidth(0.7)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append(month_labels(rows))
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        top = max((r.resolved for r in rows), default=0)
        maximum, ticks = nice_axis(top)
        axis_y.setRange(0, maximum)
        axis_y.setLabelFormat("%d")
        axis_y.setTickCount(ticks)
        axis_y.setTitleText("Số hồ sơ")
        axis_x.setTitleText("Tháng")
        _style_axis_titles(axis_x, axis_y)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        total = ind.dossiers
        chart.setTitle(f"Hồ sơ giải quyết theo tháng ({format_count(total.resolved)} hồ sơ)")
        self.months_view.setToolTip("Bấm vào một cột để xem các hồ sơ của tháng đó")

    def _open_month(self, index: int, status: str) -> None:
        if self.data is None or not 0 <= index < len(self.data.indicators.by_month):
            return
        row = self.data.indicators.by_month[index]
        window = self.window()
        if hasattr(window, "show_page"):
            spec = PeriodSpec.range(row.start, row.end)
            window.show_page("dossiers").show_filtered(scope="resolved", status=status, spec=spec)

    def _show_online(self, ind: IndicatorSet, months: list[Figure]) -> None:
        """One online-share definition on the dashboard: each month is the objective-7 tile's figure."""
        from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QValueAxis

        chart = self.online_view.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        rows = ind.by_month
        series = QBarSeries()
        share = QBarSet("Tỷ lệ nộp trực tuyến (%)")
        share.setColor(QColor(theme.SERIES[0]))
        share.setBorderColor(QColor(theme.SERIES[0]))
        for figure in months:
            ratio = figure.ratio
            share.append(round(ratio * 100, 2) if ratio is not None else 0)
        series.append(share)
        series.setBarWidth(0.6)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        axis_x.append(month_labels(rows))
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis_x)
        axis_y = QValueAxis()
        axis_y.setRange(0, 100)
        axis_y.setLabelFormat("%d%%")
        axis_y.setTickCount(6)
        axis_y.setTitleText("Tỷ lệ")
        axis_x.setTitleText("Tháng")
        _style_axis_titles(axis_x, axis_y)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_y)
        chart.legend().hide()
        chart.setTitle(f"Tỷ lệ nộp trực tuyến theo tháng (cả kỳ {format_percent(ind.online.overall.value)})")
        share.clicked.connect(self._open_online_month)

    def _open_online_month(self, index: int) -> None:
        if self.data is None or not 0 <= index < len(self.data.indicators.by_month):
            return
        row = self.data.indicators.by_month[index]
        window = self.window()
        if hasattr(window, "show_page"):  # the month's online figure on the tile's denominator
            window.show_page("dossiers").show_filtered(
                figure="online_uptake", spec=PeriodSpec.range(row.start, row.end)
            )

    def _show_tasks(self, ind: IndicatorSet) -> None:
        from PySide6.QtCharts import QPieSeries

        chart = self.tasks_view.chart()
        chart.removeAllSeries()
        t = ind.tasks
        parts = [
            ("Trước hạn", t.early, theme.SERIES[0], "early"),
            ("Đúng hạn", t.on_time, theme.SERIES[1], "on_time"),
            ("Trễ hạn", t.late, theme.SERIES[2], "late"),
            ("Đang làm, chưa đến hạn", t.in_progress_not_due, theme.SERIES[3], "open"),
            ("Quá hạn", t.in_progress_overdue, theme.SERIES[5], "overdue"),
        ]
        series = QPieSeries()
        series.setHoleSize(0.45)
        for label, value, colour, status in parts:
            if value <= 0:
                continue
            sl = series.append(f"{label}: {format_count(value)}", value)
            sl.setColor(QColor(colour))
            sl.setBorderColor(QColor("#ffffff"))
            sl.clicked.connect(lambda s=status: self._open_tasks(s))
        chart.addSeries(series)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        if t.total:
            chart.setTitle(f"Nhiệm vụ theo tình trạng ({format_count(t.total)} nhiệm vụ)")
        else:
            chart.setTitle("Nhiệm vụ: không có nhiệm vụ trong kỳ")

    def _open_tasks(self, status: str) -> None:
        window = self.window()
        if hasattr(window, "show_page"):
            scope = "completed" if status in ("early", "on_time", "late") else "in_progress"
            window.show_page("tasks").show_filtered(scope=scope, status=status, spec=self.ctx.period)

    # ----------------------------------------------------------------- attention & findings

    def _clear(self, layout: QVBoxLayout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
            elif item.layout() is not None:
                self._clear(item.layout())  # type: ignore[arg-type]

    def _line(self, layout: QVBoxLayout, icon_name: str, colour: str, text: str, action: Any = None) -> QLabel:
        holder = QHBoxLayout()
        holder.setSpacing(8)
        icon = QLabel()
        icon.setPixmap(theme.icon(icon_name, colour).pixmap(QSize(18, 18)))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        holder.addWidget(icon)
        label = QLabel(f'<a href="#" style="color:{theme.TEXT}; text-decoration:none">{text}</a>' if action else text)
        label.setWordWrap(True)
        if action is not None:
            label.linkActivated.connect(lambda _l: action())
            label.setCursor(QCursor(Qt.CursorShape.PointingHandCursor))
        holder.addWidget(label, 1)
        layout.addLayout(holder)
        return label

    def _show_attention(self, data: DashboardData) -> None:
        layout = self.attention_layout
        self._clear(layout)
        layout.addWidget(section_title("Cần chú ý"))
        a = data.attention
        today = dt.date.today()
        soon = f"đến {format_date(a.soon_limit)}" if a.soon_limit else ""
        self.attention_lines: list[str] = []

        def add(icon_name: str, colour: str, text: str, action: Any = None) -> None:
            self.attention_lines.append(text)
            self._line(layout, icon_name, colour, text, action)

        if a.dossiers_overdue:
            add("alert-circle-outline", theme.BAD_COLOUR, f"{format_count(a.dossiers_overdue)} hồ sơ đã quá hạn trả",
                lambda: self._goto_dossiers("overdue"))  # fmt: skip
        if a.dossiers_due_soon:
            add("clock-alert-outline", theme.WARN_COLOUR,
                f"{format_count(a.dossiers_due_soon)} hồ sơ sắp đến hạn ({ATTENTION_DAYS} ngày làm việc, {soon})",
                lambda: self._goto_dossiers("open"))  # fmt: skip
        if a.tasks_overdue:
            add("alert-circle-outline", theme.BAD_COLOUR, f"{format_count(a.tasks_overdue)} nhiệm vụ đã quá hạn",
                lambda: self._goto_tasks("overdue"))  # fmt: skip
        if a.tasks_due_soon:
            add("clock-alert-outline", theme.WARN_COLOUR,
                f"{format_count(a.tasks_due_soon)} nhiệm vụ sắp đến hạn ({soon})", lambda: self._goto_tasks("open"))  # fmt: skip
        if not (a.dossiers_overdue or a.dossiers_due_soon or a.tasks_overdue or a.tasks_due_soon):
            add("check-circle", theme.OK_COLOUR,
                f"Không có hồ sơ, nhiệm vụ nào quá hạn hoặc sắp đến hạn (tính đến {format_date(today)}).")  # fmt: skip
        ind = data.indicators
        if ind.dossiers.late:
            add("alert-outline", theme.WARN_COLOUR, f"{format_count(ind.dossiers.late)} hồ sơ giải quyết trễ hạn trong kỳ",
                lambda: self.window().show_page("dossiers").show_filtered(scope="resolved", status="late",
                                                                          spec=self.ctx.period))  # fmt: skip
        for result in ind.objectives:
            if result.met is False:
                add("close-circle", theme.BAD_COLOUR, f"Mục tiêu {result.number} chưa đạt: "
                    f"{format_percent(result.figure.value)} so với {result.comparator.label} "
                    f"{format_percent_short(result.target)}", lambda r=result: self.open_objective(r))  # fmt: skip
        if a.units_not_sent:
            add("email-alert-outline", theme.WARN_COLOUR, f"{format_count(len(a.units_not_sent))} đơn vị chưa gửi số liệu "
                f"kỳ này: {', '.join(a.units_not_sent)}")  # fmt: skip
        if a.procedures_review:
            add("information-outline", theme.ACCENT, f"{format_count(a.procedures_review)} thủ tục cần bổ sung thông tin",
                self._goto_review)  # fmt: skip
        layout.addStretch(1)

    def _goto_dossiers(self, status: str) -> None:
        self.window().show_page("dossiers").show_filtered(scope="all", status=status)

    def _goto_tasks(self, status: str) -> None:
        self.window().show_page("tasks").show_filtered(scope="all", status=status)

    def _goto_review(self) -> None:
        page = self.window().show_page("procedures")
        page.status_filter.setCurrentIndex(max(page.status_filter.findData("review"), 0))

    def _show_findings(self, findings: list[Finding]) -> None:
        layout = self.findings_layout
        self._clear(layout)
        layout.addWidget(section_title("Kiểm tra số liệu"))
        ind = self.data.indicators if self.data else None
        if ind is not None:
            d = ind.dossiers
            identity = (
                f"Kỳ trước chuyển sang {format_count(d.carried_over)} + tiếp nhận {format_count(d.received)} = "
                f"giải quyết {format_count(d.resolved)} + đang giải quyết {format_count(d.in_progress)}"
            )
            if d.identity_holds:
                self._line(layout, "check-circle", theme.OK_COLOUR, f"Số liệu hồ sơ khớp: {identity}.")
        if not findings:
            self._line(layout, "check-circle", theme.OK_COLOUR, "Không phát hiện số liệu bất thường trong kỳ.")
        for finding in findings:
            icon_name, colour = {
                Severity.ERROR: ("close-circle", theme.BAD_COLOUR),
                Severity.WARNING: ("alert-outline", theme.WARN_COLOUR),
                Severity.INFO: ("information-outline", theme.ACCENT),
            }[finding.severity]
            self._line(layout, icon_name, colour, f"{finding.severity.label}: {finding.message}")


def nice_axis(top: float, max_intervals: int = 6) -> tuple[int, int]:
    """A count axis from 0 with round steps (1, 2, 5, 10, 20, 25, 50, 100 …): ``(maximum, tick count)``.

    3 → 0, 1, 2, 3; 120 → 0, 25, 50 … 125; never a label like 31 or a step that skips 4."""
    if top <= 0:
        return 5, 6
    magnitude = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            step = factor * magnitude
            if step != int(step):
                continue
            intervals = -(-int(top) // int(step))
            if intervals <= max_intervals:
                return int(step) * intervals, intervals + 1
        magnitude *= 10
