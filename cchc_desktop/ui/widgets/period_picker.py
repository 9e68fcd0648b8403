"""Choosing a report period: year, half, nine months, quarter, month or a date range (SPEC §4)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from ...core.errors import ValidationError
from ...core.periods import PeriodSpec
from .common import DateField

# (label, kind, number)
KINDS: list[tuple[str, str, int | None]] = [
    ("Cả năm", "year", None),
    ("6 tháng đầu năm", "half", 1),
    ("6 tháng cuối năm", "half", 2),
    ("9 tháng", "nine_months", None),
    ("Quý I", "quarter", 1),
    ("Quý II", "quarter", 2),
    ("Quý III", "quarter", 3),
    ("Quý IV", "quarter", 4),
    *[(f"Tháng {n}", "month", n) for n in range(1, 13)],
    ("Khoảng ngày…", "range", None),
]


class PeriodPicker(QWidget):
    """Emits ``changed(PeriodSpec)`` whenever the user picks another period."""

    changed = Signal(object)

    def __init__(self, spec: PeriodSpec | None = None, parent: QWidget | None = None, *, label: str = "Kỳ:") -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        if label:
            layout.addWidget(QLabel(label))
        self.kind = QComboBox()
        self.kind.setAccessibleName("Loại kỳ")
        for text, _kind, _n in KINDS:
            self.kind.addItem(text)
        self.kind.setMaxVisibleItems(len(KINDS))
        layout.addWidget(self.kind)
        self.year = QSpinBox()
        self.year.setAccessibleName("Năm")
        self.year.setRange(2000, dt.date.today().year + 1)
        self.year.setGroupSeparatorShown(False)
        self.year.setPrefix("năm ")
        layout.addWidget(self.year)
        self.start = DateField()
        self.end = DateField()
        self.dash = QLabel("–")
        for w in (self.start, self.dash, self.end):
            layout.addWidget(w)
            w.hide()
        self._spec = spec or PeriodSpec.for_year(dt.date.today().year)
        self.set_spec(self._spec)
        self.kind.currentIndexChanged.connect(self._on_edit)
        self.year.valueChanged.connect(self._on_edit)
        self.start.changed.connect(self._on_edit)
        self.end.changed.connect(self._on_edit)

    def spec(self) -> PeriodSpec:
        return self._spec

    def set_spec(self, spec: PeriodSpec) -> None:
        self._spec = spec
        blockers = [w.blockSignals(True) for w in (self.kind, self.year, self.start, self.end)]
        try:
            index = next(
                (i for i, (_t, k, n) in enumerate(KINDS) if k == spec.kind and (n == spec.number or k == "range")),
                0,
            )
            self.kind.setCurrentIndex(index)
            self.year.setValue(spec.year)
            if spec.kind == "range":
                self.start.set_value(spec.start)
                self.end.set_value(spec.end)
            self._show_range(spec.kind == "range")
        finally:
            for w, b in zip((self.kind, self.year, self.start, self.end), blockers, strict=True):
                w.blockSignals(b)

    def _show_range(self, on: bool) -> None:
        self.year.setVisible(not on)
        for w in (self.start, self.dash, self.end):
            w.setVisible(on)

    def _on_edit(self) -> None:
        _text, kind, number = KINDS[self.kind.currentIndex()]
        self._show_range(kind == "range")
        try:
            spec = self._build(kind, number)
        except ValidationError:
            return
        if spec is not None and spec != self._spec:
            self._spec = spec
            self.changed.emit(spec)

    def _build(self, kind: str, number: int | None) -> PeriodSpec | None:
        year = self.year.value()
        if kind == "year":
            return PeriodSpec.for_year(year)
        if kind == "half":
            return PeriodSpec.half(year, number or 1)
        if kind == "nine_months":
            return PeriodSpec.nine_months(year)
        if kind == "quarter":
            return PeriodSpec.quarter(year, number or 1)
        if kind == "month":
            return PeriodSpec.month(year, number or 1)
        start, end = self.start.date(), self.end.date()
        if start is None or end is None:
            if self._spec.kind != "range":  # prefill with the period shown so far
                self.start.blockSignals(True)
                self.end.blockSignals(True)
                bounds = self._spec.bounds(_calendar())
                self.start.set_value(bounds[0])
                self.end.set_value(bounds[1])
                self.start.blockSignals(False)
                self.end.blockSignals(False)
                return PeriodSpec.range(*bounds)
            return None
        return PeriodSpec.range(start, end)


def _calendar():  # type: ignore[no-untyped-def]
    from ...core.enums import PeriodConvention

    return PeriodConvention.CALENDAR
