"""Test configuration: Qt offscreen before anything loads Qt; an isolated data folder per test."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# As in the application (ui/collector.py): no automatic collection, which could run in a worker thread and
# free Qt objects there; the fixture below collects on the main (GUI) thread between tests.
gc.disable()

import pytest  # noqa: E402

from cchc_desktop.core.db import Database, open_database  # noqa: E402


@pytest.fixture(autouse=True)
def _collect_on_the_main_thread() -> object:
    yield
    gc.disable()  # a library may have switched it back on
    from cchc_desktop.ui.collector import collect_due

    collect_due()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Nothing a test does touches the real user data folder."""
    path = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("CCHC_DATA_DIR", str(path))
    return path


@pytest.fixture
def db(tmp_path: Path) -> Database:
    """A fresh, empty database at the current schema."""
    database = open_database(tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture(scope="session")
def demo_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, built once per test run (read-only use: copy it to change it)."""
    from cchc_desktop.core.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(path)
    build_demo(database)
    database.close()
    return path


@pytest.fixture
def demo_db(demo_db_file: Path, tmp_path: Path) -> Database:
    """A private copy of the demo database for a test that may change it."""
    target = tmp_path / "demo.db"
    shutil.copyfile(demo_db_file, target)
    database = open_database(target)
    yield database
    database.close()
