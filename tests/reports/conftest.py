"""Reports from the demo database, built once per test module (read-only use)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cchc_desktop.core.db import Database, open_database
from cchc_desktop.core.periods import PeriodSpec
from cchc_desktop.reports.cchc import build_cchc_report
from cchc_desktop.reports.common import ReportOptions
from cchc_desktop.reports.document import Document
from cchc_desktop.reports.docx_writer import write_docx
from cchc_desktop.reports.quality import build_quality_report

OPTIONS = ReportOptions(number="125", date=dt.date(2024, 12, 20))


@pytest.fixture(scope="module")
def demo_copy(demo_db_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The demo database for a whole module; tests must not change it (use ``demo_db`` for that)."""
    target = tmp_path_factory.mktemp("reports") / "demo.db"
    shutil.copyfile(demo_db_file, target)
    database = open_database(target)
    yield database
    database.close()


@pytest.fixture(scope="module")
def r1(demo_copy: Database) -> Document:
    with demo_copy.session() as session:
        return build_quality_report(session, PeriodSpec.parse("2024"), OPTIONS)


@pytest.fixture(scope="module")
def r2(demo_copy: Database) -> Document:
    with demo_copy.session() as session:
        return build_cchc_report(session, PeriodSpec.parse("2024-H2"), OPTIONS)


@pytest.fixture(scope="module")
def r1_docx(r1: Document, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_docx(r1, tmp_path_factory.mktemp("docx") / "r1.docx")


@pytest.fixture(scope="module")
def r2_docx(r2: Document, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_docx(r2, tmp_path_factory.mktemp("docx") / "r2.docx")
