"""Cài đặt: the organisation profile, signers and recipients, period conventions, holidays and make-up
days, and the catalogues of units and fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import extract

from ...core import models as m
from ...core import services
from ...core.enums import OnlineDenominator, PeriodConvention, WorkdayKind
from ...core.errors import CchcError, ValidationError
from ...core.formatting import format_date
from ...core.indicators import OUTCOME_RULES
from ...core.labels import field_label
from ..choices import units
from ..dialogs.record_form import FieldSpec, FieldWidget, RecordForm, make_input, read_input, write_input
from ..models.table import Column, TableSource
from ..unsaved import widget_state
from ..widgets.common import button, muted
from .base import DataPage, Page


def font_sizes(_session: Any) -> list[tuple[str, Any]]:
    return [("13 pt", 13), ("14 pt", 14)]


def outcome_rules(_session: Any) -> list[tuple[str, Any]]:
    """The outcome rule presets of core.indicators (the default first)."""
    return [(rule.name, rule.key) for rule in OUTCOME_RULES.values()]


PROFILE_TABS: list[tuple[str, str, list[FieldSpec]]] = [
    (
        "Cơ quan",
        "Phần đầu văn bản theo Nghị định 30/2020/NĐ-CP: cơ quan chủ quản, cơ quan ban hành, số ký hiệu, địa danh.",
        [
            FieldSpec("parent_agency", hint="Viết hoa, ví dụ: UBND TỈNH KHÁNH HÒA"),
            FieldSpec("agency", hint="Viết hoa, ví dụ: SỞ Y TẾ"),
            FieldSpec("agency_short", hint="Dùng trong câu văn, ví dụ: Sở Y tế"),
            FieldSpec("symbol", width=160, hint="Số ký hiệu báo cáo: …/BC-SYT"),
            FieldSpec("place", width=260, hint="Dòng ngày tháng: Khánh Hòa, ngày … tháng … năm …"),
            FieldSpec("report_receiver", hint="Ô “Đơn vị nhận báo cáo” của Biểu số 06a"),
        ],
    ),
    (
        "Người ký, nơi nhận",
        "Người ký mặc định và nơi nhận của từng loại báo cáo (mỗi dòng một nơi nhận); có thể sửa khi lập báo cáo.",
        [
            FieldSpec("signer_authority", width=260, hint="GIÁM ĐỐC, hoặc KT. GIÁM ĐỐC khi Phó Giám đốc ký thay"),
            FieldSpec("signer_title", width=260, hint="Khi ký thay: PHÓ GIÁM ĐỐC"),
            FieldSpec("signer_name", width=320),
            FieldSpec("recipients_quality", "multiline", extra={"height": 130}),
            FieldSpec("recipients_cchc", "multiline", extra={"height": 130}),
        ],
    ),
    (
        "Quy ước số liệu",
        "Cách tính kỳ số liệu cho từng loại dữ liệu và các quy tắc tính chỉ số.",
        [
            FieldSpec("convention_dossiers", "enum", enum=PeriodConvention, optional=False),
            FieldSpec("convention_tasks", "enum", enum=PeriodConvention, optional=False),
            FieldSpec("convention_surveys", "enum", enum=PeriodConvention, optional=False),
            FieldSpec("convention_documents", "enum", enum=PeriodConvention, optional=False),
            FieldSpec("iso_deadline_days", "int", hint="Mục tiêu số 3: ban hành quy trình ISO trong bao nhiêu ngày."),
            FieldSpec("late_receipt_hour", "int", hint="Để trống để tắt quy tắc; mặc định 15 (sau 15:00 tính từ ngày làm việc sau)."),
            FieldSpec("classify_against_extended_due", "bool",
                      extra={"text": "Đánh giá trước/đúng/trễ hạn theo hạn đã gia hạn (mặc định: theo hạn ban đầu)"}),  # fmt: skip
            FieldSpec("online_denominator", "enum", enum=OnlineDenominator, optional=False, extra={"min_chars": 46}),
            FieldSpec("outcome_rule", "fk", choices=outcome_rules, optional=False, extra={"min_chars": 46},
                      hint="Hồ sơ trả lại, rút, từ chối, dừng giải quyết, chờ bổ sung tính vào cột nào của Biểu 06a; "
                           "báo cáo ghi chú khi không dùng quy tắc mặc định."),  # fmt: skip
            FieldSpec("report_font_size", "fk", choices=font_sizes, optional=False, width=100),
        ],
    ),
]


class ProfilePanel(QWidget):
    """The organisation profile's fields on several tabs, saved with one button."""

    def __init__(self, page: SettingsPage, tabs: QTabWidget) -> None:
        super().__init__()
        self.page = page
        self.widgets: dict[str, FieldWidget] = {}
        self.tab_of: dict[str, QWidget] = {}
        with page.ctx.db.session() as session:
            for title, hint, specs in PROFILE_TABS:
                tab = QWidget()
                outer = QVBoxLayout(tab)
                outer.setContentsMargins(16, 12, 16, 12)
                outer.addWidget(muted(hint))
                form = QFormLayout()
                form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                form.setHorizontalSpacing(14)
                form.setVerticalSpacing(8)
                form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
                for spec in specs:
                    widget = make_input(spec, session)
                    widget.setMaximumWidth(min(widget.maximumWidth(), 600))
                    fw = FieldWidget(spec, widget)
                    label = QLabel(field_label(m.OrganisationProfile, spec.key) + ":")
                    label.setWordWrap(True)
                    label.setMinimumWidth(250)
                    label.setMaximumWidth(280)
                    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                    label.setContentsMargins(0, 5, 0, 0)  # level with the text of the input
                    form.addRow(label, fw)
                    self.widgets[spec.key] = fw
                    self.tab_of[spec.key] = tab
                outer.addLayout(form)
                outer.addStretch(1)
                scroll = QScrollArea()
                scroll.setWidget(tab)
                scroll.setWidgetResizable(True)
                scroll.setFrameShape(QScrollArea.Shape.NoFrame)
                tabs.addTab(scroll, title)
                self.tab_of.update({k: scroll for k, v in self.tab_of.items() if v is tab})
        self.tabs = tabs
        self.load()

    def load(self) -> None:
        with self.page.ctx.db.session() as session:
            prof = services.profile(session)
            values = {c.key: getattr(prof, c.key) for c in m.OrganisationProfile.__table__.columns} if prof else {}
        self.version = values.get("version")  # a save based on an older read is refused (issue 12)
        for key, fw in self.widgets.items():
            fw.clear_error()
            write_input(fw.spec, fw.input, values.get(key))
        self._clean_state = self.edit_state()

    def edit_state(self) -> tuple[Any, ...]:
        return tuple(widget_state(fw) for fw in self.widgets.values())

    def has_unsaved_changes(self) -> bool:
        return self.edit_state() != self._clean_state

    def save(self) -> bool:
        for fw in self.widgets.values():
            fw.clear_error()
        try:
            values = {key: read_input(fw.spec, fw.input) for key, fw in self.widgets.items()}
            with self.page.ctx.db.transaction() as session:
                prof = services.profile(session)
                if prof is None:
                    services.create(session, m.OrganisationProfile, values)
                else:
                    services.update(session, m.OrganisationProfile, prof.id, values,
                                    expected_version=getattr(self, "version", None))
        except CchcError as exc:
            key = exc.field if isinstance(exc, ValidationError) else None
            if key in self.widgets:
                self.tabs.setCurrentWidget(self.tab_of[key])
                self.widgets[key].show_error(exc.message)
                self.widgets[key].setFocus()
            else:
                self.page.show_banner(exc.message)
            return False
        self.load()  # the saved values and their new version
        self.page.ctx.notify("organisation_profile")
        return True


# --------------------------------------------------------------------------- catalogues


class _Embedded(DataPage):
    """A data page shown inside a settings tab (smaller margins)."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.layout_.setContentsMargins(12, 10, 12, 8)
        self.header.title.setFont(self.header.hint.font())
        self.header.title.hide()


class UnitsPanel(_Embedded):
    title = "Đơn vị"
    hint = "Sở và các đơn vị trực thuộc có giải quyết TTHC (hồ sơ và thủ tục thuộc một đơn vị)."
    model_class = m.Unit
    watches = ("unit",)
    count_noun = "đơn vị"

    def make_source(self) -> TableSource:
        u = m.Unit
        return TableSource(
            model=u,
            columns=[
                Column("name", "Tên đơn vị", u.name, width=300, searchable=True, stretch=True),
                Column("short", "Tên viết tắt", u.short_name, width=160, searchable=True),
                Column("code", "Mã đơn vị (một cửa)", u.code, width=140, searchable=True),
                Column("dept", "Là cơ quan Sở", u.is_department, kind="bool", width=120),
                Column("review", "Cần bổ sung thông tin", u.needs_review, kind="bool", width=150),
            ],
            default_order=[u.is_department.desc(), u.name.asc()],
        )

    def open_form(self, record_id: int | None) -> RecordForm:
        return RecordForm(self.ctx, m.Unit, [FieldSpec("name"), FieldSpec("short_name", width=240),
                                             FieldSpec("code", width=200, placeholder="ví dụ 000.00.17.H23"),
                                             FieldSpec("is_department", "bool", extra={"text": "Là cơ quan Sở"}),
                                             FieldSpec("needs_review", "bool", extra={"text": "Cần bổ sung thông tin"})],
                          record_id, parent=self)  # fmt: skip


class UnitNamesPanel(_Embedded):
    """How imports read the unit cells of one-stop exports: a name (and code) → a unit (``io.catalogue``)."""

    title = "Tên đơn vị trong tệp nhập"
    hint = ("Tên (và mã một cửa) mà tệp nhập dùng cho một đơn vị, ví dụ các phòng thuộc Sở được ghép vào Sở; "
            "sửa đơn vị ở đây thì các lần nhập sau dùng theo.")  # fmt: skip
    model_class = m.UnitAlias
    watches = ("unit_alias", "unit")
    count_noun = "tên"

    def make_source(self) -> TableSource:
        a = m.UnitAlias
        return TableSource(
            model=a,
            columns=[
                Column("name", "Tên trong tệp nhập", a.name, width=320, searchable=True, stretch=True),
                Column("code", "Mã đơn vị (một cửa)", a.code, width=140, searchable=True),
                Column("unit", "Ghép vào đơn vị", m.Unit.name, width=260),
                Column("room", "Là phòng thuộc Sở", a.is_room, kind="bool", width=130),
            ],
            joins=[(m.Unit, m.Unit.id == a.unit_id)],
            default_order=[a.name.asc()],
        )

    def open_form(self, record_id: int | None) -> RecordForm:
        return RecordForm(self.ctx, m.UnitAlias, [
            FieldSpec("name"), FieldSpec("code", width=200), FieldSpec("unit_id", "fk", choices=units, optional=False),
            FieldSpec("is_room", "bool", extra={"text": "Là phòng thuộc Sở"}),
        ], record_id, parent=self)  # fmt: skip


class PackagesPanel(_Embedded):
    """The data packages received from the units (provenance): who sent which period, when; Enter on a row
    tells which records it brought."""

    title = "Gói số liệu đã nhận"
    hint = "Các gói số liệu đơn vị gửi về (Dữ liệu → Nhận số liệu đơn vị); mỗi bản ghi nhớ gói đã mang nó đến."
    model_class = m.DataPackage
    watches = ("data_package", "unit")
    count_noun = "gói"
    can_add = False

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.edit_button.hide()
        self.delete_button.hide()
        ctx.period_changed.connect(lambda _spec: self.show_status())
        self.show_status()

    def refresh(self) -> None:
        super().refresh()
        self.show_status()

    def status_text(self) -> str:
        """Who has sent what for the period being viewed (``core.units.send_status``)."""
        from ...core.units import send_status

        spec = self.ctx.period
        period = self.ctx.family_periods(spec).dossiers
        with self.ctx.db.session() as session:
            status = send_status(session, period.start, period.end)
        label = spec.label[:1].upper() + spec.label[1:]
        if not status:
            return f"{label}: không có đơn vị trực thuộc nào phải gửi số liệu."
        missing = [u.name for u, at in status if at is None]
        head = f"{label}: {len(status) - len(missing)}/{len(status)} đơn vị đã gửi số liệu"
        return head + (f"; chưa gửi: {', '.join(missing)}." if missing else ".")

    def show_status(self) -> None:
        self.header.set_hint(f"{self.hint}\n{self.status_text()}")

    def make_source(self) -> TableSource:
        p = m.DataPackage
        return TableSource(
            model=p,
            columns=[
                Column("unit", "Đơn vị gửi", m.Unit.name, width=280, searchable=True, stretch=True),
                Column("period", "Kỳ", p.period_key, width=90),
                Column("end", "Đến ngày", p.period_end, kind="date", width=100),
                Column("sent", "Lập lúc", p.sent_at, width=150),
                Column("received", "Nhận lúc", p.received_at, width=150),
                Column("file", "Tệp", p.file_name, width=200),
            ],
            joins=[(m.Unit, m.Unit.id == p.unit_id)],
            default_order=[p.received_at.desc()],
        )

    def open_form(self, record_id: int | None) -> None:
        from sqlalchemy import func, select

        from ...core.labels import entity_label
        from .. import prompts

        if record_id is None:
            return
        with self.ctx.db.session() as session:
            rows = session.execute(
                select(m.PackageRecord.table_name, func.count())
                .where(m.PackageRecord.package_id == record_id).group_by(m.PackageRecord.table_name)
            ).all()  # fmt: skip
        labels = {t.__tablename__: entity_label(t) for t in m.ALL_MODELS}
        text = ", ".join(f"{n} {labels.get(t, t)}" for t, n in rows) or "không có bản ghi nào mới hoặc thay đổi"
        prompts.info(self, "Gói số liệu", f"Gói này đã thêm hoặc cập nhật: {text}.")


class FieldsPanel(_Embedded):
    title = "Lĩnh vực"
    hint = "Danh mục lĩnh vực TTHC; thứ tự dùng cho Biểu số 06a và báo cáo."
    model_class = m.Field
    watches = ("field",)
    count_noun = "lĩnh vực"

    def make_source(self) -> TableSource:
        f = m.Field
        return TableSource(
            model=f,
            columns=[
                Column("order", "Thứ tự", f.sort_order, kind="int", width=70),
                Column("name", "Tên lĩnh vực", f.name, width=300, searchable=True, stretch=True),
            ],
            default_order=[f.sort_order.asc()],
        )

    def open_form(self, record_id: int | None) -> RecordForm:
        return RecordForm(self.ctx, m.Field, [FieldSpec("name"), FieldSpec("sort_order", "int")], record_id, parent=self)


class WorkdaysPanel(_Embedded):
    title = "Ngày nghỉ, ngày làm bù"
    hint = ("Ngày nghỉ lễ, Tết theo Bộ luật Lao động được tính sẵn. Thêm ở đây các ngày nghỉ bù, nghỉ thêm do "
            "Chính phủ công bố và các ngày thứ Bảy làm bù.")  # fmt: skip
    model_class = m.WorkdayException
    watches = ("workday_exception",)
    count_noun = "ngày"

    def make_source(self) -> TableSource:
        w = m.WorkdayException
        return TableSource(
            model=w,
            columns=[
                Column("day", "Ngày", w.day, kind="date", width=110, indexed=True),
                Column("kind", "Loại", w.kind, kind="enum", width=150),
                Column("note", "Ghi chú", w.note, width=300, searchable=True, stretch=True),
            ],
            default_order=[w.day.desc()],
        )

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.year = QSpinBox()
        self.year.setRange(2000, dt.date.today().year + 2)
        self.year.setPrefix("Năm ")
        self.year.setGroupSeparatorShown(False)
        self.year.setValue(self.ctx.period.year)
        self.year.valueChanged.connect(self._on_year)
        bar.addWidget(self.year)

    def below_table(self) -> None:
        self.holidays = muted()
        self.layout_.addWidget(self.holidays)
        self._show_holidays()

    def _on_year(self) -> None:
        self.apply_filters()
        self._show_holidays()

    def _show_holidays(self) -> None:
        import holidays

        cal = holidays.country_holidays("VN", years=self.year.value(), language="vi")
        items = [f"{format_date(d)} {name}" for d, name in sorted(cal.items())]
        self.holidays.setText(f"Nghỉ lễ, Tết năm {self.year.value()} (tự động): " + "; ".join(items) + ".")

    def conditions(self) -> list[Any]:
        return [extract("year", m.WorkdayException.day) == self.year.value()]

    def open_form(self, record_id: int | None) -> RecordForm:
        fields = [FieldSpec("day", "date"), FieldSpec("kind", "enum", enum=WorkdayKind, optional=False),
                  FieldSpec("note")]  # fmt: skip
        return RecordForm(self.ctx, m.WorkdayException, fields, record_id, parent=self)


class SettingsPage(Page):
    title = "Cài đặt"
    hint = "Thông tin cơ quan, người ký, quy ước số liệu, ngày nghỉ và các danh mục dùng chung."
    icon_name = "cog-outline"
    watches = ("organisation_profile",)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.save_button = button("Lưu cài đặt", "content-save-outline", primary=True, tooltip="Lưu (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.reset_button = button("Hủy thay đổi", "backup-restore")
        self.reset_button.clicked.connect(self.refresh)
        self.header.add_right(self.save_button)
        self.header.add_right(self.reset_button)
        self.banner = QLabel()
        self.banner.setObjectName("FormError")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.layout_.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.profile = ProfilePanel(self, self.tabs)
        self.workdays = WorkdaysPanel(ctx)
        self.tabs.addTab(self.workdays, "Ngày nghỉ, làm bù")
        self.units = UnitsPanel(ctx)
        self.tabs.addTab(self.units, "Đơn vị")
        self.unit_names = UnitNamesPanel(ctx)
        self.tabs.addTab(self.unit_names, "Tên đơn vị khi nhập")
        self.packages = PackagesPanel(ctx)
        self.tabs.addTab(self.packages, "Gói số liệu đã nhận")
        self.fields = FieldsPanel(ctx)
        self.tabs.addTab(self.fields, "Lĩnh vực")
        self.tabs.currentChanged.connect(self._on_tab)
        self.layout_.addWidget(self.tabs, 1)
        from PySide6.QtGui import QKeySequence, QShortcut

        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self._on_tab(0)

    def _on_tab(self, index: int) -> None:
        on_profile = index < len(PROFILE_TABS)
        self.save_button.setVisible(on_profile)
        self.reset_button.setVisible(on_profile)

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def save(self) -> bool:
        self.banner.hide()
        ok = self.profile.save()
        if ok:
            self.status_message.emit("Đã lưu cài đặt.")
        return ok

    def refresh(self) -> None:
        self.banner.hide()
        self.profile.load()

    def has_unsaved_changes(self) -> bool:
        return self.profile.has_unsaved_changes()

    def unsaved_text(self) -> str:
        return "Thông tin trong Cài đặt đã sửa nhưng chưa lưu. Lưu trước khi rời trang?"

    def save_changes(self) -> bool:
        return self.save()

    def new_record(self) -> None:
        widget = self.tabs.currentWidget()
        if isinstance(widget, DataPage):
            widget.new_record()

