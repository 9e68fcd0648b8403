"""The real message boxes (no responder): run modally, or handed to ``prompts.capturing`` (screenshots)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from cchc_desktop.ui import prompts


def test_boxes_run_modally_without_a_responder(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def exec_(box: QMessageBox) -> int:
        ran.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    prompts.set_responder(None)
    prompts.info(None, "Gửi số liệu", "Đã ghi gói số liệu.")
    assert prompts.save_changes(None, "Lưu trước khi rời đi?") == prompts.CANCEL  # closed: Hủy
    assert ran == ["Đã ghi gói số liệu.", "Lưu trước khi rời đi?"]


def test_capturing_hands_over_the_real_box_and_a_responder_may_let_it_show() -> None:
    seen: list[Any] = []

    def capture(box: QDialog) -> None:
        seen.append((box.windowTitle(), box.text(), [b.text() for b in box.buttons()]))  # type: ignore[attr-defined]

    prompts.set_responder(lambda prompt: "x.cchc" if prompt.kind == "save_file" else prompts.SHOW)
    with prompts.capturing(capture):
        assert str(prompts.save_file(None, "Gửi số liệu", "*.cchc")) == "x.cchc"  # answered, not shown
        assert prompts.question(None, "Xác nhận xóa", "Xóa?", yes="Xóa", no="Không xóa") is False
    assert seen == [("Xác nhận xóa", "Xóa?", ["Xóa", "Không xóa"])]
