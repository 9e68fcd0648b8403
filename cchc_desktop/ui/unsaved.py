"""Nothing typed is lost: what a form or page holds that is not saved yet, and the one way of asking about it.

``widget_state(root)`` is a snapshot of every input under ``root`` (texts, choices, ticks, numbers); a form
compares it with the snapshot taken when it was filled. ``confirm_leave`` asks "Lưu thay đổi?" (through
``prompts.save_changes``, so tests answer it) and then saves, discards or stays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from . import prompts


def widget_state(root: QWidget) -> tuple[Any, ...]:
    """The values of every input under ``root``, in a fixed order (comparable between two moments)."""
    state: list[Any] = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QComboBox):
            state.append(("combo", w.currentIndex(), w.currentText() if w.isEditable() else ""))
        elif isinstance(w, QLineEdit):
            if isinstance(w.parent(), (QComboBox, QAbstractSpinBox)):
                continue  # counted with its combo / spin box
            state.append(("line", w.text()))
        elif isinstance(w, QPlainTextEdit):
            state.append(("plain", w.toPlainText()))
        elif isinstance(w, QTextEdit):
            state.append(("text", w.toPlainText()))
        elif isinstance(w, QAbstractSpinBox):
            state.append(("spin", w.text()))
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            state.append(("check", w.isChecked()))
        elif isinstance(w, QAbstractItemView) and not _inside_combo(w, root):
            state.append(("items", _model_state(w.model())))
    return tuple(state)


def _inside_combo(w: QWidget, root: QWidget) -> bool:
    parent = w.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def _model_state(model: QAbstractItemModel | None, limit: int = 2000) -> tuple[Any, ...]:
    """The texts of a small list a form edits (its items, its events); large tables are not forms."""
    if model is None or model.rowCount() > limit:
        return ()
    return tuple(
        tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())
    )


def confirm_leave(
    parent: QWidget | None,
    text: str,
    save: Callable[[], bool],
    discard: Callable[[], object] | None = None,
) -> bool:
    """Ask "Lưu thay đổi?"; ``True`` when the caller may go on (saved, or discarded), ``False`` to stay
    (Hủy, or the save was refused — its message is already shown)."""
    answer = prompts.save_changes(parent, text)
    if answer == prompts.SAVE:
        return bool(save())
    if answer == prompts.DISCARD:
        if discard is not None:
            discard()
        return True
    return False
