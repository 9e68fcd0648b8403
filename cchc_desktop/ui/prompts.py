"""Every question, message, file chooser and modal dialog the app shows goes through this module.

So tests can answer them: ``with answering(responder):`` routes each prompt to ``responder(prompt)``
instead of showing a window, and the value it returns is the user's answer (``True``/``False`` for a
question, a path or ``None`` for a file chooser; for ``run_dialog`` the responder gets the dialog, can
fill it and click its buttons, and the dialog's result code is returned). When a test installs the
strict responder, a prompt nobody expected fails the test instead of blocking it forever.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from .. import APP_DISPLAY_NAME


@dataclass
class Prompt:
    """What the app is about to ask; ``kind`` is one of question, info, warning, error, open_file,
    save_file, folder, dialog."""

    kind: str
    title: str
    text: str = ""
    dialog: QDialog | None = None
    filters: str = ""
    suggested: str = ""
    details: dict[str, Any] = field(default_factory=dict)


Responder = Callable[[Prompt], Any]
_responder: Responder | None = None
history: list[Prompt] = []  # every prompt shown while a responder was installed (tests read it)


@contextlib.contextmanager
def answering(responder: Responder) -> Iterator[list[Prompt]]:
    """Answer every prompt with ``responder`` inside the block (tests)."""
    global _responder
    previous = _responder
    _responder = responder
    history.clear()
    try:
        yield history
    finally:
        _responder = previous


def set_responder(responder: Responder | None) -> None:
    global _responder
    _responder = responder


SHOW = object()  # a responder's answer meaning "show the real box" (the screenshots capture it)
_capture: Callable[[QDialog], None] | None = None


@contextlib.contextmanager
def capturing(capture: Callable[[QDialog], None]) -> Iterator[None]:
    """Inside the block a box or dialog about to run is handed to ``capture`` (shown, grabbed, closed by
    it) instead of waiting for the user: the screenshots show the real messages. A question so shown
    counts as unanswered (no, cancel)."""
    global _capture
    previous = _capture
    _capture = capture
    try:
        yield
    finally:
        _capture = previous


def _exec(dialog: QDialog) -> int:
    if _capture is not None:
        _capture(dialog)
        return dialog.result()
    return dialog.exec()


def _answer(prompt: Prompt) -> tuple[bool, Any]:
    if _responder is None:
        return False, None
    history.append(prompt)
    value = _responder(prompt)
    return (False, None) if value is SHOW else (True, value)


# --------------------------------------------------------------------------- messages


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, details: str = "") -> QMessageBox:
    box = QMessageBox(icon, title or APP_DISPLAY_NAME, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(_text_format(text))
    if details:
        box.setDetailedText(details)
    return box


def _text_format(text: str) -> Any:
    from PySide6.QtCore import Qt

    return Qt.TextFormat.RichText if text.lstrip().startswith("<") else Qt.TextFormat.PlainText


def question(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    yes: str = "Có",
    no: str = "Không",
    default_yes: bool = False,
    destructive: bool = False,
) -> bool:
    """A yes/no question with Vietnamese buttons; ``True`` for yes."""
    handled, value = _answer(Prompt("question", title, text, details={"yes": yes, "no": no}))
    if handled:
        return bool(value)
    box = _box(parent, QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question, title, text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(yes_button if default_yes else no_button)
    box.setEscapeButton(no_button)
    _exec(box)
    return box.clickedButton() is yes_button


def choice(parent: QWidget | None, title: str, text: str, options: list[str], default: int = 0) -> int | None:
    """Several buttons; the index of the one clicked, ``None`` when closed with Esc (last option = cancel)."""
    handled, value = _answer(Prompt("choice", title, text, details={"options": options}))
    if handled:
        return value
    box = _box(parent, QMessageBox.Icon.Question, title, text)
    buttons = [box.addButton(o, QMessageBox.ButtonRole.AcceptRole) for o in options]
    box.setDefaultButton(buttons[default])
    box.setEscapeButton(buttons[-1])
    _exec(box)
    clicked = box.clickedButton()
    return buttons.index(clicked) if clicked in buttons else None


SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def save_changes(parent: QWidget | None, text: str = "") -> str:
    """"Lưu thay đổi?" with Lưu / Không lưu / Hủy; returns ``SAVE``, ``DISCARD`` or ``CANCEL`` (Esc = Hủy).

    Every place that could lose typed edits (closing the window, leaving a page, Esc in a form) asks this."""
    text = text or "Có thay đổi chưa lưu. Lưu trước khi tiếp tục?"
    handled, value = _answer(Prompt("save_changes", "Lưu thay đổi?", text, details={"options": [SAVE, DISCARD, CANCEL]}))
    if handled:
        return value if value in (SAVE, DISCARD) else CANCEL
    box = _box(parent, QMessageBox.Icon.Question, "Lưu thay đổi?", text)
    save = box.addButton("Lưu", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Không lưu", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("Hủy", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    _exec(box)
    clicked = box.clickedButton()
    return SAVE if clicked is save else DISCARD if clicked is discard else CANCEL


def info(parent: QWidget | None, title: str, text: str) -> None:
    handled, _ = _answer(Prompt("info", title, text))
    if handled:
        return
    box = _box(parent, QMessageBox.Icon.Information, title, text)
    box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
    _exec(box)


def warning(parent: QWidget | None, title: str, text: str) -> None:
    handled, _ = _answer(Prompt("warning", title, text))
    if handled:
        return
    box = _box(parent, QMessageBox.Icon.Warning, title, text)
    box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
    _exec(box)


def error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    handled, _ = _answer(Prompt("error", title, text, details={"details": details}))
    if handled:
        return
    box = _box(parent, QMessageBox.Icon.Critical, title, text, details)
    box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
    _exec(box)


# --------------------------------------------------------------------------- files


def _file_dialog(parent: QWidget | None, title: str, directory: str, filters: str) -> QFileDialog:
    dlg = QFileDialog(parent, title, directory, filters)
    dlg.setLabelText(QFileDialog.DialogLabel.LookIn, "Tìm trong:")
    dlg.setLabelText(QFileDialog.DialogLabel.FileName, "Tên tệp:")
    dlg.setLabelText(QFileDialog.DialogLabel.FileType, "Loại tệp:")
    dlg.setLabelText(QFileDialog.DialogLabel.Reject, "Hủy")
    return dlg


def open_file(parent: QWidget | None, title: str, filters: str, directory: str = "") -> Path | None:
    handled, value = _answer(Prompt("open_file", title, filters=filters, suggested=directory))
    if handled:
        return Path(value) if value else None
    dlg = _file_dialog(parent, title, directory, filters)
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
    dlg.setLabelText(QFileDialog.DialogLabel.Accept, "Mở")
    if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.selectedFiles():
        return None
    return Path(dlg.selectedFiles()[0])


def save_file(
    parent: QWidget | None, title: str, filters: str, suggested: str = "", default_suffix: str = ""
) -> Path | None:
    handled, value = _answer(Prompt("save_file", title, filters=filters, suggested=suggested))
    if handled:
        return Path(value) if value else None
    dlg = _file_dialog(parent, title, suggested, filters)
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dlg.setFileMode(QFileDialog.FileMode.AnyFile)
    dlg.setLabelText(QFileDialog.DialogLabel.Accept, "Lưu")
    if default_suffix:
        dlg.setDefaultSuffix(default_suffix)
    if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.selectedFiles():
        return None
    return Path(dlg.selectedFiles()[0])


def choose_folder(parent: QWidget | None, title: str, directory: str = "") -> Path | None:
    handled, value = _answer(Prompt("folder", title, suggested=directory))
    if handled:
        return Path(value) if value else None
    dlg = _file_dialog(parent, title, directory, "")
    dlg.setFileMode(QFileDialog.FileMode.Directory)
    dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dlg.setLabelText(QFileDialog.DialogLabel.Accept, "Chọn")
    if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.selectedFiles():
        return None
    return Path(dlg.selectedFiles()[0])


def ask_int(
    parent: QWidget | None, title: str, label: str, value: int, minimum: int, maximum: int, *, ok_text: str = "Đồng ý"
) -> int | None:
    """A whole number, or ``None`` when cancelled."""
    handled, answer = _answer(Prompt("int", title, label, details={"value": value}))
    if handled:
        return None if answer is None else int(answer)
    from PySide6.QtWidgets import QInputDialog

    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setIntRange(minimum, maximum)
    dialog.setIntValue(value)
    dialog.setOkButtonText(ok_text)
    dialog.setCancelButtonText("Hủy")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.intValue()


# --------------------------------------------------------------------------- our own dialogs


def run_dialog(dialog: QDialog) -> int:
    """Show a modal dialog of ours (a form, a wizard) and return its result code.

    Under a responder the dialog is not executed: the responder fills it and clicks its buttons, then
    whatever the dialog's ``result()`` is comes back (``Rejected`` when the responder did nothing)."""
    handled, value = _answer(Prompt("dialog", dialog.windowTitle(), dialog=dialog))
    if handled:
        if isinstance(value, int) and not isinstance(value, bool) and dialog.result() == 0 and value:
            return value
        return dialog.result()
    return _exec(dialog)
