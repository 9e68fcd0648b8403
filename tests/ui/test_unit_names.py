"""Cài đặt → Tên đơn vị khi nhập: the stored mapping of unit names (rooms of the department) is edited
in the window, and the next import reads it."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from cchc_desktop.core import models as m
from cchc_desktop.io.catalogue import Catalogue
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.pages.settings import SettingsPage
from tests.ui.conftest import Answers
from tests.ui.helpers import choose, set_text


def test_a_room_name_is_mapped_then_moved_to_another_unit(qtbot: Any, ctx: AppContext, answers: Answers) -> None:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    with ctx.db.session() as s:
        units = dict(s.execute(select(m.Unit.name, m.Unit.id)).all())

    def add(prompt: Any) -> int:
        form = prompt.dialog
        set_text(form.input("name"), "Phòng Nghiệp vụ Dược - Sở Y tế")
        set_text(form.input("code"), "000.01.31.H34")
        choose(form.input("unit_id"), units["Sở Y tế"])
        assert form.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", add)
    page.unit_names.new_record()
    assert page.unit_names.table_model.total == 1
    with ctx.db.session() as s:
        alias = s.scalar(select(m.UnitAlias))
        assert (alias.name_key, alias.unit_id) == ("phong nghiep vu duoc so y te", units["Sở Y tế"])
        assert Catalogue(s).plan_unit("PHÒNG NGHIỆP VỤ DƯỢC - SỞ Y TẾ").unit_id == units["Sở Y tế"]
        alias_id = alias.id

    def move(prompt: Any) -> int:
        choose(prompt.dialog.input("unit_id"), units["Chi cục An toàn vệ sinh thực phẩm"])
        assert prompt.dialog.save()
        return QDialog.DialogCode.Accepted

    answers.expect("dialog", move)
    page.unit_names.edit_record(alias_id)
    with ctx.db.session() as s:
        cat = Catalogue(s)
        assert cat.plan_unit("Phòng Nghiệp vụ Dược - Sở Y tế").unit_id == units["Chi cục An toàn vệ sinh thực phẩm"]
        assert cat.plan_unit("000.01.31.H34 - Phòng NVD").unit_id == units["Chi cục An toàn vệ sinh thực phẩm"]
