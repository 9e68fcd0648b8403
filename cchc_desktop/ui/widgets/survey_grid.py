"""Typing paper survey forms fast: one row per form, one column per criterion; a digit picks the option
(1 = the best), Enter moves on, Insert starts a new form; unanswered criteria are highlighted and a form
is saved only when complete. And the totals editor: counts per option,
checked against the number of forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...core import models as m
from ...core import services
from ...core.errors import ValidationError
from ...core.formatting import format_count

ModelIndex = QModelIndex | QPersistentModelIndex
FIXED_COLUMNS = 2  # number, group


@dataclass
class CriterionInfo:
    id: int
    name: str
    short: str
    options: list[tuple[int, int, str]]  # (option id, rank, label)

    def option_by_rank(self, rank: int) -> tuple[int, int, str] | None:
        return next((o for o in self.options if o[1] == rank), None)

    def label_of(self, option_id: int | None) -> str:
        return next((f"{o[1]}. {o[2]}" for o in self.options if o[0] == option_id), "")

    def legend(self) -> str:
        return " · ".join(f"{rank} = {label}" for _id, rank, label in self.options)


@dataclass
class FormRow:
    id: int | None
    number: int | None
    group_id: int | None
    answers: dict[int, int | None] = field(default_factory=dict)  # criterion id → option id
    version: int | None = None  # as read: a save over someone else's newer save is refused


def two_lines(text: str) -> str:
    """A header on two balanced lines (criteria names are long; the columns are not)."""
    words = text.split()
    if len(words) < 2:
        return text
    best = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def load_criteria(session: Session, questionnaire_id: int) -> list[CriterionInfo]:
    q = session.get(m.Questionnaire, questionnaire_id)
    if q is None:
        return []
    return [
        CriterionInfo(c.id, c.name, c.short_name or c.name, [(o.id, o.rank, o.label) for o in c.options])
        for c in q.criteria
    ]


class SurveyFormsModel(QAbstractTableModel):
    """The forms of one campaign, edited in memory and saved in one transaction."""

    changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.campaign_id: int | None = None
        self.criteria: list[CriterionInfo] = []
        self.groups: list[tuple[int, str]] = []
        self.rows: list[FormRow] = []
        self.dirty: set[int] = set()  # row indexes
        self.deleted: list[int] = []  # form ids
        self.error_cell: tuple[int, int] | None = None

    # ----------------------------------------------------------------- loading & saving

    def load(self, session: Session, campaign_id: int | None) -> None:
        self.beginResetModel()
        self.campaign_id = campaign_id
        self.rows, self.dirty, self.deleted, self.error_cell = [], set(), [], None
        self.versions: dict[int, int] = {}
        self.criteria, self.groups = [], []
        if campaign_id is not None:
            camp = session.get(m.SurveyCampaign, campaign_id)
            if camp is not None:
                self.criteria = load_criteria(session, camp.questionnaire_id)
                self.groups = [(g.id, g.name) for g in sorted(camp.groups, key=lambda g: g.id)]
                forms = session.scalars(
                    select(m.SurveyForm).where(m.SurveyForm.campaign_id == campaign_id).order_by(m.SurveyForm.number)
                ).all()
                answers: dict[int, dict[int, int]] = {}
                for form_id, crit_id, option_id in session.execute(
                    select(m.SurveyAnswer.form_id, m.SurveyAnswer.criterion_id, m.SurveyAnswer.option_id)
                    .join(m.SurveyForm, m.SurveyForm.id == m.SurveyAnswer.form_id)
                    .where(m.SurveyForm.campaign_id == campaign_id)
                ):
                    answers.setdefault(form_id, {})[crit_id] = option_id
                self.rows = [FormRow(f.id, f.number, f.group_id, answers.get(f.id, {}), f.version) for f in forms]
                self.versions = {f.id: f.version for f in forms}
        self.endResetModel()

    def save(self, session: Session) -> None:
        """Store the changed forms; raises ValidationError naming the row (``field`` = "row:col")."""
        assert self.campaign_id is not None
        seen: dict[int, int] = {}
        for r, row in enumerate(self.rows):
            if row.id is None and not any(row.answers.values()):
                continue
            if row.number is None:
                raise ValidationError(f"{r}:0", f"Phiếu ở dòng {r + 1} chưa có số phiếu.")
            if row.number in seen:
                raise ValidationError(f"{r}:0", f"Số phiếu {row.number} bị trùng (dòng {seen[row.number] + 1} và {r + 1}).")
            seen[row.number] = r
        for r in sorted(self.dirty):
            row = self.rows[r] if 0 <= r < len(self.rows) else None
            if row is None or (row.id is None and not any(row.answers.values())):
                continue
            missing = [c for c in range(len(self.criteria)) if row.answers.get(self.criteria[c].id) is None]
            if missing:
                names = ", ".join(f"“{self.criteria[c].short}”" for c in missing)
                raise ValidationError(
                    f"{r}:{missing[0] + FIXED_COLUMNS}",
                    f"Phiếu số {row.number} (dòng {r + 1}) chưa trả lời {len(missing)} tiêu chí: {names}. "
                    "Phiếu chưa đủ làm sai tỷ lệ hài lòng (mục tiêu số 2): hãy nhập đủ hoặc xóa phiếu.",
                )
        if self.deleted:
            services.delete(session, m.SurveyForm, self.deleted,
                            expected_versions={i: self.versions[i] for i in self.deleted if i in self.versions})
            session.flush()
        for r in sorted(self.dirty):
            row = self.rows[r]
            if row.number is None or (row.id is None and not any(row.answers.values())):
                continue  # a blank row the grid grew at the end
            values = {"campaign_id": self.campaign_id, "number": row.number, "group_id": row.group_id}
            if row.id is None:
                form = services.create(session, m.SurveyForm, values)
            else:
                form = services.update(session, m.SurveyForm, row.id, values, expected_version=row.version)
            session.flush()
            existing = {
                a.criterion_id: a for a in session.scalars(select(m.SurveyAnswer).where(m.SurveyAnswer.form_id == form.id))
            }
            answers_changed = False
            for crit in self.criteria:
                option_id = row.answers.get(crit.id)
                old = existing.get(crit.id)
                answers_changed = answers_changed or option_id != (old.option_id if old is not None else None)
                if option_id is None and old is not None:
                    services.delete(session, m.SurveyAnswer, [old.id])
                elif option_id is not None and old is None:
                    services.create(session, m.SurveyAnswer, {"form_id": form.id, "criterion_id": crit.id,
                                                              "option_id": option_id})  # fmt: skip
                elif option_id is not None and old is not None and old.option_id != option_id:
                    services.update(session, m.SurveyAnswer, old.id, {"option_id": option_id})
            if answers_changed and row.id is not None:
                services.touch(session, form)  # its answers changed: the form's version moves on

    # ----------------------------------------------------------------- editing

    def add_row(self) -> int:
        numbers = [r.number for r in self.rows if r.number is not None]
        number = (max(numbers) + 1) if numbers else 1
        group = self.rows[-1].group_id if self.rows else (self.groups[0][0] if self.groups else None)
        r = len(self.rows)
        self.beginInsertRows(QModelIndex(), r, r)
        self.rows.append(FormRow(None, number, group, {}))
        self.dirty.add(r)
        self.endInsertRows()
        self.changed.emit()
        return r

    def remove_rows(self, rows: list[int]) -> None:
        for r in sorted(set(rows), reverse=True):
            if not 0 <= r < len(self.rows):
                continue
            self.beginRemoveRows(QModelIndex(), r, r)
            row = self.rows.pop(r)
            if row.id is not None:
                self.deleted.append(row.id)
            self.dirty = {d - 1 if d > r else d for d in self.dirty if d != r}
            self.endRemoveRows()
        self.changed.emit()

    def pick(self, row: int, column: int, digit: int) -> bool:
        """A digit typed on a cell: the option of that rank (criteria) or the group of that number."""
        if not 0 <= row < len(self.rows):
            return False
        if column == 1:
            if not 1 <= digit <= len(self.groups):
                return False
            self.rows[row].group_id = self.groups[digit - 1][0]
        elif column >= FIXED_COLUMNS:
            crit = self.criteria[column - FIXED_COLUMNS]
            option = crit.option_by_rank(digit)
            if option is None:
                return False
            self.rows[row].answers[crit.id] = option[0]
        else:
            return False
        self._touched(row, column)
        return True

    def clear_cell(self, row: int, column: int) -> None:
        if column >= FIXED_COLUMNS and 0 <= row < len(self.rows):
            self.rows[row].answers[self.criteria[column - FIXED_COLUMNS].id] = None
            self._touched(row, column)

    def _touched(self, row: int, column: int) -> None:
        self.dirty.add(row)
        self.error_cell = None
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        self.changed.emit()

    # ----------------------------------------------------------------- Qt API

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else FIXED_COLUMNS + len(self.criteria)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "Số\nphiếu"
            if section == 1:
                return "Nhóm\nđối tượng"
            return two_lines(self.criteria[section - FIXED_COLUMNS].short)
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == 1:
                return " · ".join(f"{i} = {name}" for i, (_id, name) in enumerate(self.groups, 1))
            if section >= FIXED_COLUMNS:
                crit = self.criteria[section - FIXED_COLUMNS]
                return f"{crit.name}\n{crit.legend()}"
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows) and 0 <= index.column() < self.columnCount()):
            return None
        row, col = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == 0:
                return "" if row.number is None else (str(row.number) if role == Qt.ItemDataRole.EditRole
                                                       else format_count(row.number))  # fmt: skip
            if col == 1:
                return next((f"{i}. {name}" for i, (gid, name) in enumerate(self.groups, 1) if gid == row.group_id), "")
            crit = self.criteria[col - FIXED_COLUMNS]
            return crit.label_of(row.answers.get(crit.id))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if self.error_cell == (index.row(), col):
                return QBrush(QColor("#f8c9c3"))
            if self.is_missing(index.row(), col):
                return QBrush(QColor("#fde2df"))
            if index.row() in self.dirty:
                return QBrush(QColor("#fff8e1"))
        if role == Qt.ItemDataRole.ToolTipRole and self.is_missing(index.row(), col):
            return "Chưa trả lời tiêu chí này (gõ chữ số của phương án)"
        return None

    def is_missing(self, row: int, col: int) -> bool:
        """A criterion left unanswered on a form that has other answers (or is stored)."""
        if col < FIXED_COLUMNS or not 0 <= row < len(self.rows):
            return False
        form = self.rows[row]
        if form.id is None and not any(form.answers.values()):
            return False  # a fresh, still blank form
        return form.answers.get(self.criteria[col - FIXED_COLUMNS].id) is None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 0 else base

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != 0:
            return False
        text = str(value).strip().replace(".", "")
        if text and not text.isdigit():
            return False
        self.rows[index.row()].number = int(text) if text else None
        self._touched(index.row(), 0)
        return True

    def has_unsaved_changes(self) -> bool:
        """Forms added, changed or removed since loading (a blank row the grid grew does not count)."""
        if self.deleted:
            return True
        return any(
            0 <= r < len(self.rows) and (self.rows[r].id is not None or any(self.rows[r].answers.values()))
            for r in self.dirty
        )

    def incomplete_rows(self) -> int:
        return sum(1 for r in self.rows if any(r.answers.get(c.id) is None for c in self.criteria))


class SurveyFormsView(QTableView):
    """Digits pick, Enter moves right then down, Delete clears; Insert adds a form (the last cell of the
    last form says so instead of starting a blank one)."""

    resized = Signal()
    last_form_done = Signal()  # Enter or an answer on the last cell of the last form

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.resized.emit()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.verticalHeader().setDefaultSectionSize(26)
        self.setAlternatingRowColors(True)

    def grid(self) -> SurveyFormsModel:
        model = self.model()
        assert isinstance(model, SurveyFormsModel)
        return model

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        index = self.currentIndex()
        grid = self.grid()
        text = event.text()
        if index.isValid() and text.isdigit() and index.column() >= 1:
            if grid.pick(index.row(), index.column(), int(text)):
                self.move_next()
            return
        if index.isValid() and text.isdigit() and index.column() == 0:
            self.edit(index)
            editor = self.indexWidget(index) or self.focusWidget()
            if editor is not None and editor is not self:
                from PySide6.QtWidgets import QLineEdit

                if isinstance(editor, QLineEdit):
                    editor.setText(text)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.move_next()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and index.isValid():
            grid.clear_cell(index.row(), index.column())
            return
        if event.key() == Qt.Key.Key_Insert:
            self.add_form()
            return
        super().keyPressEvent(event)

    def move_next(self) -> None:
        grid = self.grid()
        index = self.currentIndex()
        if not index.isValid():
            if grid.rowCount() == 0:
                grid.add_row()
            self.setCurrentIndex(grid.index(0, FIXED_COLUMNS if grid.columnCount() > FIXED_COLUMNS else 0))
            return
        row, col = index.row(), index.column() + 1
        if col >= grid.columnCount():
            row, col = row + 1, FIXED_COLUMNS
            if row >= grid.rowCount():  # the last form is done: a new one only on request (Insert)
                self.last_form_done.emit()
                return
        self.setCurrentIndex(grid.index(row, col))

    def add_form(self) -> None:
        grid = self.grid()
        row = grid.add_row()
        self.setCurrentIndex(grid.index(row, FIXED_COLUMNS if grid.columnCount() > FIXED_COLUMNS else 0))
        self.setFocus()
