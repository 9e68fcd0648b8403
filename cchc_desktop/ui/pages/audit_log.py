"""Nhật ký thay đổi (the audit trail, read-only, with "Hoàn tác lần nhập") and Thùng rác (deleted records,
with "Khôi phục"): tables over ``audit_entry`` through the lazy table model; the rules live in core.audit."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu
from sqlalchemy import literal, select

from ...core import audit
from ...core import models as m
from ...core.backup import backup_before
from ...core.errors import CchcError
from ...core.formatting import format_count
from .. import prompts, theme
from ..models.table import Column, TableSource
from ..widgets.common import DateField, button
from .base import DataPage, combo

E = m.AuditEntry
SEP = "\x1f"


def _when(value: Any) -> str:
    return value.strftime("%d/%m/%Y %H:%M:%S") if isinstance(value, dt.datetime) else ""


def _changes(packed: Any, names: audit.Names | None = None) -> str:
    """The "Thay đổi" cell: table, action and the two JSON values packed in one SQL expression; the
    records they refer to named through ``names``."""
    if not packed:
        return ""
    table_name, action, old, new, children = (str(packed).split(SEP) + [""] * 5)[:5]
    entry = m.AuditEntry(table_name=table_name, action=action, old_values=old or None, new_values=new or None,
                         children=children or None)  # a create without values: an imported row changed since
    return audit.describe(None, entry, names=names)


def _packed() -> Any:
    parts: list[Any] = [E.table_name, E.action, E.old_values, audit.as_created_sql(E), E.children]
    expr: Any = None
    for part in parts:
        piece = part if part is E.table_name or part is E.action else _coalesce(part)
        expr = piece if expr is None else expr + literal(SEP) + piece
    return expr


def _coalesce(col: Any) -> Any:
    from sqlalchemy import func

    return func.coalesce(col, "")


def _table(value: Any) -> str:
    label = audit.table_label(str(value)) if value else ""
    return label[:1].upper() + label[1:]


def _action(value: Any) -> str:
    return audit.ACTION_LABELS.get(str(value), str(value or ""))


def log_source(names: audit.Names | None = None) -> TableSource:
    return TableSource(
        model=E,
        columns=[
            Column("at", "Thời điểm", E.at, width=155, indexed=True, fmt=_when),
            Column("user", "Người thực hiện", E.user, width=130, searchable=True),
            Column("action", "Thao tác", E.action, width=90, fmt=_action),
            Column("table", "Loại dữ liệu", E.table_name, width=130, fmt=_table),
            Column("code", "Bản ghi", E.record_code, width=210, searchable=True),
            Column("changes", "Thay đổi", _packed(), width=240, stretch=True,
                   fmt=functools.partial(_changes, names=names)),
            Column("batch", "Lần nhập", E.batch_id, kind="int", width=70),
        ],
        default_order=[E.id.desc()],
    )


class AuditLogPage(DataPage):
    title = "Nhật ký thay đổi"
    hint = ("Mọi lần thêm, sửa, xóa dữ liệu (từ biểu mẫu, nhập Excel hoặc dòng lệnh): ai, lúc nào, bản ghi nào, "
            "giá trị cũ và mới. Chỉ để xem; chọn một lần nhập để hoàn tác cả lần nhập đó.")
    icon_name = "history"
    model_class = E
    can_add = False
    count_noun = "thay đổi"
    empty_hint = ("Chưa có thay đổi nào được ghi. Từ nay mỗi lần thêm, sửa, xóa hay nhập dữ liệu đều được ghi tại "
                  "đây: ai làm, lúc nào, giá trị cũ và mới.")

    def make_source(self) -> TableSource:
        return log_source(self._name_of)

    def _name_of(self, table: str, record_id: Any) -> str | None:
        """A referenced record's name for the "Thay đổi" cells (procedure code, unit name): read once, kept
        until the page is refreshed (a cell is formatted at every repaint)."""
        names: dict[tuple[str, Any], str | None] = self.__dict__.setdefault("_names", {})
        key = (table, record_id)
        if key not in names:
            with self.ctx.db.session() as session:
                names[key] = audit.record_name(session, table, record_id)
        return names[key]


    def _build_toolbar(self) -> None:
        super()._build_toolbar()
        for w in (self.edit_button, self.delete_button):
            w.setVisible(False)
        self.undo_button = button("Hoàn tác lần nhập", "file-undo-outline",
                                  tooltip="Hoàn tác toàn bộ lần nhập Excel đang chọn ở bộ lọc “Lần nhập”")
        self.undo_button.clicked.connect(self.undo_batch)
        self.header.add_right(self.undo_button)

    def add_filters(self, bar: QHBoxLayout) -> None:
        self.start = DateField()
        self.end = DateField()
        bar.addWidget(QLabel("Từ ngày"))
        bar.addWidget(self.start)
        bar.addWidget(QLabel("đến"))
        bar.addWidget(self.end)
        self.user_filter = combo([], first="Mọi người", min_chars=12)
        self.table_filter = combo([], first="Mọi loại dữ liệu", min_chars=16)
        self.batch_filter = combo([], first="Mọi lần nhập", min_chars=28)
        self._fill_choices()
        row2 = self.second_filter_row()
        for w in (self.user_filter, self.table_filter):
            bar.addWidget(w)
        row2.addWidget(self.batch_filter)
        for w in (self.user_filter, self.table_filter, self.batch_filter):
            w.currentIndexChanged.connect(self.apply_filters)
        for d in (self.start, self.end):
            d.edit.editingFinished.connect(self.apply_filters)
        self.batch_filter.currentIndexChanged.connect(self._update_undo)
        self._update_undo()

    def _fill_choices(self) -> None:
        with self.ctx.db.session() as session:
            users = audit.users(session)
            tables = audit.tables(session)
            batches = session.scalars(audit.batches_select()).all()
        for box, items in (
            (self.user_filter, [(u, u) for u in users]),
            (self.table_filter, [(audit.table_label(t), t) for t in tables]),
            (self.batch_filter, [(self._batch_text(b), b.id) for b in batches]),
        ):
            keep = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for text, value in items:
                box.addItem(text, value)
            index = box.findData(keep) if keep is not None else 0
            box.setCurrentIndex(max(index, 0))
            box.blockSignals(False)

    @staticmethod
    def _batch_text(b: m.ImportBatch) -> str:
        text = (f"Lần nhập số {b.id}: {b.file_name} ({b.at.strftime('%d/%m/%Y %H:%M')}, {b.user}; "
                f"{format_count(b.n_new)} mới, {format_count(b.n_updated)} cập nhật)")
        return text + (" — đã hoàn tác" if b.undone_at else "")

    def conditions(self) -> list[Any]:
        if not hasattr(self, "batch_filter"):
            return []
        return audit.log_conditions(
            start=self.start.date(), end=self.end.date(), user=self.user_filter.currentData(),
            table_name=self.table_filter.currentData(), batch_id=self.batch_filter.currentData(),
        )

    def refresh(self) -> None:
        self.__dict__.pop("_names", None)  # names read again (a procedure's code may have changed)
        self._fill_choices()
        self._update_undo()
        super().refresh()

    def _update_undo(self, *_: Any) -> None:
        if hasattr(self, "undo_button"):
            self.undo_button.setEnabled(self.batch_filter.currentData() is not None)

    def edit_record(self, record_id: int) -> None:
        """Enter / double-click: the entry's values in full."""
        with self.ctx.db.session() as session:
            entry = session.get(E, record_id)
            if entry is None:
                return
            lines = [f"{c.label}: {c.old} → {c.new}" for c in audit.changes_of(session, entry)]
            if entry.action == "create":
                lines = [f"{c.label}: {c.new}" for c in audit.changes_of(session, entry)]
            title = (f"{_action(entry.action)} {audit.table_label(entry.table_name)} “{entry.record_code or ''}” — "
                     f"{entry.user}, {_when(entry.at)}")
        prompts.info(self, "Chi tiết thay đổi", title + "\n\n" + ("\n".join(lines) or audit.describe(None, entry)))

    def delete_selected(self) -> None:
        """The trail is read-only."""

    def _context_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        menu.addAction(theme.icon("content-copy"), "Sao chép dòng", self.copy_selection)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def show_batch(self, batch_id: int) -> None:
        self._fill_choices()
        index = self.batch_filter.findData(batch_id)
        if index >= 0:
            self.batch_filter.setCurrentIndex(index)

    def undo_batch(self) -> None:
        batch_id = self.batch_filter.currentData()
        if batch_id is None:
            return
        text = self.batch_filter.currentText()
        if not prompts.question(
            self, "Hoàn tác lần nhập",
            f"Hoàn tác {text[:1].lower()}{text[1:]}? Các bản ghi lần nhập đã tạo sẽ bị bỏ, các bản ghi đã "
            "cập nhật trở lại giá trị trước khi nhập.", yes="Hoàn tác", no="Không", destructive=True,
        ):
            return
        try:
            backup_before(self.ctx.db, "undo")  # refused (one sentence) when the copy cannot be written
            with self.ctx.db.transaction() as session:
                message = audit.undo_batch(session, batch_id)
        except CchcError as exc:
            prompts.warning(self, "Không hoàn tác được", exc.message)
            return
        self.ctx.notify("")
        self.refresh()
        self.status_message.emit(message)
        prompts.info(self, "Hoàn tác lần nhập", message)


def _children(value: Any) -> str:
    if not value:
        return ""
    try:
        rows = json.loads(value).get("rows", [])
    except (ValueError, AttributeError):
        return ""
    return f"{format_count(len(rows))} dữ liệu kèm theo" if rows else ""


def bin_source() -> TableSource:
    return TableSource(
        model=E,
        columns=[
            Column("at", "Xóa lúc", E.at, width=155, indexed=True, fmt=_when),
            Column("user", "Người xóa", E.user, width=120, searchable=True),
            Column("table", "Loại dữ liệu", E.table_name, width=160, fmt=_table),
            Column("code", "Bản ghi", E.record_code, width=200, searchable=True, stretch=True),
            Column("children", "Kèm theo", E.children, width=150, fmt=_children),
        ],
        default_order=[E.id.desc()],
        base_where=[E.in_bin.is_(True)],
    )


class RecycleBinPage(DataPage):
    title = "Thùng rác"
    hint = ("Các bản ghi đã xóa, cùng dữ liệu kèm theo (ví dụ sự kiện của hồ sơ, câu trả lời của phiếu): chọn rồi "
            "bấm “Khôi phục” để đưa trở lại đúng như trước khi xóa.")
    icon_name = "trash-can-outline"
    model_class = E
    can_add = False
    count_noun = "bản ghi đã xóa"
    empty_hint = ("Thùng rác trống. Bản ghi bị xóa ở các trang (hồ sơ, thủ tục, nhiệm vụ…) được chuyển vào đây, "
                  "cùng dữ liệu kèm theo, và có thể khôi phục lại.")

    def make_source(self) -> TableSource:
        return bin_source()

    def _build_toolbar(self) -> None:
        super()._build_toolbar()
        for w in (self.edit_button, self.delete_button):
            w.setVisible(False)
        self.restore_button = button("Khôi phục", "delete-restore", primary=True,
                                     tooltip="Đưa các bản ghi đang chọn trở lại")
        self.restore_button.clicked.connect(self.restore_selected)
        self.header.add_right(self.restore_button)

    def _update_buttons(self, *_: Any) -> None:
        super()._update_buttons()
        if hasattr(self, "restore_button"):
            self.restore_button.setEnabled(bool(self.selected_ids()))

    def edit_record(self, record_id: int) -> None:
        self.restore_selected()

    def delete_selected(self) -> None:
        """Nothing is deleted from the bin: it is the way back."""

    def _context_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        restore = menu.addAction(theme.icon("delete-restore"), "Khôi phục", self.restore_selected)
        restore.setEnabled(bool(self.selected_ids()))
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        done: list[str] = []
        tables: set[str] = set()
        for entry_id in sorted(ids):  # oldest deletion first: parents come back before their children
            try:
                with self.ctx.db.transaction() as session:
                    tables.add(session.scalar(select(E.table_name).where(E.id == entry_id)) or "")
                    done.append(audit.restore(session, entry_id))
            except CchcError as exc:
                prompts.warning(self, "Không khôi phục được", exc.message)
                break
        for table in tables:
            self.ctx.notify(table)
        self.table_model.reload()
        if done:
            self.status_message.emit(" ".join(done))
