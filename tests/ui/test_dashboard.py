"""The dashboard: tiles show value, target and met-or-not in words; charts have data; clicking a tile or a
bar opens the records behind it; the period picker changes every figure."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from cchc_desktop.core.periods import PeriodSpec
from cchc_desktop.ui.context import AppContext
from cchc_desktop.ui.main_window import MainWindow
from tests.ui.helpers import tile_values, wait_jobs


def window_on_dashboard(qtbot: Any, ctx: AppContext) -> tuple[MainWindow, Any]:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    dash = window.show_page("dashboard")
    qtbot.waitUntil(lambda: dash.data is not None, timeout=20_000)
    return window, dash


def test_tiles_say_met_in_words_and_charts_have_the_months(qtbot: Any, ctx: AppContext) -> None:
    window, dash = window_on_dashboard(qtbot, ctx)
    assert tile_values(dash) == {1: "100,00%", 2: "100,00%", 3: "100,00%", 4: "100,00%", 5: "100,00%",
                                 6: "100,00%", 7: "77,99%"}  # fmt: skip
    assert [t.status_text for t in dash.tiles] == ["Đạt"] * 7
    chart = dash.months_view.chart()
    series = chart.series()[0]
    early = series.barSets()[0]
    assert early.label() == "Trước hạn"
    assert sum(early.at(i) for i in range(early.count())) == 3585
    assert "3.587 hồ sơ" in chart.title()
    assert dash.online_view.chart().series()[0].barSets()[0].count() == 12
    # The demo's current period (2026) has open trouble today: what needs attention is listed.
    assert dash.attention_lines[0] == "9 hồ sơ đã quá hạn trả"
    assert "4 nhiệm vụ đã quá hạn" in dash.attention_lines
    wait_jobs(QApplication.instance())
    window.close()


def test_clicking_a_tile_or_a_bar_opens_the_records_behind_it(qtbot: Any, ctx: AppContext) -> None:
    window, dash = window_on_dashboard(qtbot, ctx)
    dash.tiles[0].clicked.emit(dash.tiles[0].result)  # MT1: dossiers resolved in the period
    page = window.current_page()
    assert page is window.pages["dossiers"]
    assert page.table_model.total == 3587 + 0  # resolved in 2024 (returned ones are not "resolved")
    dash = window.show_page("dashboard")
    dash._open_month(1, "on_time")  # February's on-time bar
    row = dash.data.indicators.by_month[1]
    assert page.table_model.total == row.on_time == 1
    dash.tiles[6].clicked.emit(dash.tiles[6].result)  # MT7: online receipts of the year
    assert page.table_model.total == 2644
    dash = window.show_page("dashboard")
    dash.tiles[4].clicked.emit(dash.tiles[4].result)  # MT5: tasks completed in the year
    assert window.current_page() is window.pages["tasks"]
    assert window.pages["tasks"].table_model.total == 186
    wait_jobs(QApplication.instance())
    window.close()


def test_the_period_picker_changes_the_figures(qtbot: Any, ctx: AppContext) -> None:
    window, dash = window_on_dashboard(qtbot, ctx)
    dash.period.set_spec(PeriodSpec.for_year(2023))
    dash.period.changed.emit(PeriodSpec.for_year(2023))
    qtbot.waitUntil(lambda: dash.data is not None and dash.data.indicators.spec.year == 2023, timeout=20_000)
    assert ctx.period == PeriodSpec.for_year(2023)
    assert "năm 2023" in window.period_label.text()
    assert dash.data.indicators.survey.forms == 60  # the 2023 campaign (totals)
    assert dash.data.indicators.dossiers.received != 3620
    wait_jobs(QApplication.instance())
    window.close()


def test_attention_names_an_expected_unit_until_its_package_arrives(qtbot: Any, answers: Any, tmp_path) -> None:
    """"Cần chú ý" lists every subordinate unit expected for the period (core.units.expected_senders) that
    has not sent its package, also when no unit ever sent one; receiving the package removes it."""
    import datetime as dt

    from cchc_desktop.core import models as m
    from cchc_desktop.core import services
    from cchc_desktop.core.db import open_database
    from cchc_desktop.core.newdb import create_database, default_profile
    from cchc_desktop.io.package import export_package
    from cchc_desktop.ui import packages
    from tests.io.test_package import _unit_db

    unit_db = open_database(_unit_db(tmp_path, "TRUNG TÂM GIÁM ĐỊNH Y KHOA", "000.21.31.H34", "1.2", 4))
    try:
        export_package(unit_db, None, "2024", tmp_path / "gdyk.cchc")
    finally:
        unit_db.close()
    create_database(tmp_path / "so.db", default_profile("Khánh Hòa"), year=2024)
    db = open_database(tmp_path / "so.db")
    try:
        with db.transaction() as s:  # the department's catalogue: the centre, and an office that ended before
            services.create(s, m.Unit, {"name": "Trung tâm Giám định y khoa", "code": "000.21.31.H34"})
            services.create(s, m.Unit, {"name": "Phòng Y tế huyện Kim Bôi", "valid_to": dt.date(2023, 12, 31)})
        ctx = AppContext(db)
        ctx.set_period(PeriodSpec.for_year(2024))
        window, dash = window_on_dashboard(qtbot, ctx)
        missing = "1 đơn vị chưa gửi số liệu kỳ này: Trung tâm Giám định y khoa"
        assert missing in dash.attention_lines  # not the department, not the office that no longer exists
        answers.expect("open_file", str(tmp_path / "gdyk.cchc"))
        answers.expect("question", True)
        answers.expect("info")
        shown = dash.data
        assert packages.receive_package(window)
        qtbot.waitUntil(lambda: dash.data is not shown, timeout=20_000)
        assert not any("chưa gửi số liệu" in line for line in dash.attention_lines)
        wait_jobs(QApplication.instance())
        window.close()
    finally:
        db.close()
