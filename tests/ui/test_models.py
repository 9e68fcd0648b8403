"""The table models: Qt's model contract, lazy fetching, SQL and in-memory sorting, diacritics-free search."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from cchc_desktop.core import models as m
from cchc_desktop.ui.collation import fold, vi_sort_bytes, vi_sort_key
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.models.sort_proxy import TypedSortProxy
from cchc_desktop.ui.models.table import RecordTableModel
from cchc_desktop.ui.pages.decisions import decision_source
from cchc_desktop.ui.pages.documents import DocumentGridModel
from cchc_desktop.ui.pages.dossiers import dossier_source
from cchc_desktop.ui.pages.objectives import objective_source
from cchc_desktop.ui.pages.procedures import procedure_source
from cchc_desktop.ui.pages.surveys import campaign_source
from cchc_desktop.ui.pages.tasks import task_source
from cchc_desktop.ui.widgets.survey_grid import SurveyFormsModel


def test_vietnamese_order_and_folding() -> None:
    words = ["Zô", "Đà Nẵng", "Dược", "Eo", "Ăn", "An", "Âu", "Ba", "ưa", "ua", "Ơn", "On", "Ôn"]
    expected = ["An", "Ăn", "Âu", "Ba", "Dược", "Đà Nẵng", "Eo", "On", "Ôn", "Ơn", "ua", "ưa", "Zô"]
    assert sorted(words, key=vi_sort_key) == expected
    assert sorted(words, key=vi_sort_bytes) == expected
    assert fold("Hồ sơ ĐĂNG KÝ kinh doanh") == "ho so dang ky kinh doanh"
    assert fold("Hồ sơ") == fold("Ho\u0302\u0300 so\u031b")  # decomposed input folds the same


def _sources(ctx: AppContext) -> list[Any]:
    return [dossier_source(), procedure_source(), task_source(), decision_source(ctx.db, 30), campaign_source(),
            objective_source()]  # fmt: skip


def test_every_table_model_passes_qtmodeltester(qtmodeltester: Any, ctx: AppContext) -> None:
    for source in _sources(ctx):
        model = RecordTableModel(lambda: ctx.db, source)
        qtmodeltester.check(model)
        proxy = TypedSortProxy()
        proxy.setSourceModel(model)
        qtmodeltester.check(proxy)


def test_grid_models_pass_qtmodeltester(qtmodeltester: Any, ctx: AppContext) -> None:
    docs = DocumentGridModel()
    with ctx.db.session() as session:
        docs.load(session, 2024)
        campaign = session.scalar(select(m.SurveyCampaign.id).where(m.SurveyCampaign.year == 2024))
        forms = SurveyFormsModel()
        forms.load(session, campaign)
    qtmodeltester.check(docs)
    qtmodeltester.check(forms)
    assert docs.index(12, 0).data() == "6.103"  # the total row: the demo's 2024 outgoing documents
    assert forms.rowCount() == 65


def test_dossier_table_fetches_lazily_and_sorts_in_sql(ctx: AppContext) -> None:
    model = RecordTableModel(lambda: ctx.db, dossier_source())
    with ctx.db.session() as session:
        total = session.scalar(select(func.count()).select_from(m.Dossier))
    assert total > RecordTableModel.IN_MEMORY_LIMIT
    assert model.total == total
    assert model.rowCount() == RecordTableModel.PAGE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * RecordTableModel.PAGE
    # Default order: newest receipt first.
    received = dossier_source().column_index("received")
    first = model.row_values(0)[received + 1]
    last = model.row_values(model.rowCount() - 1)[received + 1]
    assert first >= last
    # Sorting by code happens in SQL over every row, not over the fetched pages.
    proxy = TypedSortProxy()
    proxy.setSourceModel(model)
    code = dossier_source().column_index("code")
    proxy.sort(code, Qt.SortOrder.AscendingOrder)
    with ctx.db.session() as session:
        smallest = session.scalar(select(func.min(m.Dossier.code)))
    assert proxy.index(0, code).data() == smallest
    assert model.rowCount() == RecordTableModel.PAGE


def test_small_table_sorts_in_memory_with_vietnamese_collation(ctx: AppContext) -> None:
    model = RecordTableModel(lambda: ctx.db, procedure_source())
    assert model.fully_loaded
    proxy = TypedSortProxy()
    proxy.setSourceModel(model)
    field = procedure_source().column_index("field")
    proxy.sort(field, Qt.SortOrder.AscendingOrder)
    names = [proxy.index(r, field).data() for r in range(proxy.rowCount())]
    assert names == sorted(names, key=vi_sort_key)
    # "Dân số …" and "Dược phẩm" come before "Giám định y khoa"; code-point order would put "Y tế" before "Đ…".
    firsts = list(dict.fromkeys(names))
    assert firsts.index("Dược phẩm") < firsts.index("Giám định y khoa") < firsts.index("Y tế dự phòng")
    # Typed keys: resolution days sort as numbers (5 < 10 < 30), not as text.
    days = procedure_source().column_index("days")
    proxy.sort(days, Qt.SortOrder.AscendingOrder)
    values = [model.row_values(proxy.mapToSource(proxy.index(r, days)).row())[days + 1] for r in range(proxy.rowCount())]
    numbers = [v for v in values if v is not None]
    assert numbers == sorted(numbers)


@pytest.mark.parametrize("query", ["ho kinh doanh", "HỘ KINH DOANH", "Hộ kinh doanh", "Ho\u0302\u0323 kinh doanh"])
def test_search_ignores_diacritics_and_case(ctx: AppContext, query: str) -> None:
    model = RecordTableModel(lambda: ctx.db, dossier_source())
    model.set_search(query)
    source = dossier_source()
    searchable = [source.column_index(c.key) + 1 for c in source.columns if c.searchable]
    assert model.total > 0
    for row in range(model.rowCount()):
        values = model.row_values(row)
        assert any("ho kinh doanh" in fold(values[i]) for i in searchable)
    with ctx.db.session() as session:
        applicants = session.scalar(select(func.count()).where(m.Dossier.applicant.like("Hộ kinh doanh%")))
    assert model.total >= applicants > 0
    model.set_search("")
    with ctx.db.session() as session:
        assert model.total == session.scalar(select(func.count()).select_from(m.Dossier))


def test_settings_catalogue_and_form_models_pass_qtmodeltester(qtmodeltester: Any, qtbot: Any, ctx: AppContext) -> None:
    """The rest of the app's models: the settings catalogues (units, fields, days off), the decision form's
    list of procedures and the Biểu 06a preview table."""
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from cchc_desktop.ui.pages.decisions import DecisionForm
    from cchc_desktop.ui.pages.reports import ReportsPage
    from cchc_desktop.ui.pages.settings import SettingsPage

    settings_page = SettingsPage(ctx)
    qtbot.addWidget(settings_page)
    panels = [settings_page.units, settings_page.fields, settings_page.workdays]
    assert [p.table_model.total for p in panels[:2]] == [3, 9]  # the demo's units and fields
    for panel in panels:
        qtmodeltester.check(panel.table_model)
        qtmodeltester.check(panel.proxy)
    with ctx.db.session() as session:
        decision_id = session.scalar(
            select(m.AnnouncementDecision.id).where(m.AnnouncementDecision.ubnd_number == "3159/QĐ-UBND")
        )
    form = DecisionForm(ctx, decision_id)
    qtbot.addWidget(form)
    assert form.items.rowCount() == 8  # 3159/QĐ-UBND announces 8 TTHC
    qtmodeltester.check(form.items)
    reports = ReportsPage(ctx)
    qtbot.addWidget(reports)
    reports.choose_report("bieu06a")
    qtbot.waitUntil(lambda: reports.table.model() is not None and reports.table.model().rowCount() == 10, timeout=10_000)
    qtmodeltester.check(reports.table.model())
    QThreadPool.globalInstance().waitForDone(10_000)
    QApplication.processEvents()
