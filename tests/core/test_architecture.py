"""The layers: core, io and reports never import Qt (they run headless and from the command line), except
the one Qt report writer (reports/qt_writer.py); the GUI never imports the command-line layer."""

from __future__ import annotations

import ast
from pathlib import Path

import cchc_desktop

PACKAGE = Path(cchc_desktop.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


QT = {"PySide6", "shiboken6", "qtawesome"}
QT_ALLOWED = {Path("reports/qt_writer.py")}


def _absolute_imports(path: Path) -> set[str]:
    """The modules ``path`` imports, relative imports resolved against its package (``cchc_desktop.…``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["cchc_desktop", *path.relative_to(PACKAGE).parent.parts]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_core_io_and_reports_never_import_qt() -> None:
    offenders = []
    for layer in ("core", "io", "reports"):
        for path in (PACKAGE / layer).rglob("*.py"):
            if path.relative_to(PACKAGE) in QT_ALLOWED:
                continue
            qt = [n for n in _imports(path) if n.split(".")[0] in QT]
            if qt:
                offenders.append(f"{path.relative_to(PACKAGE)}: {qt}")
    assert offenders == []


def test_the_gui_never_imports_the_command_line_layer() -> None:
    offenders = []
    for path in (PACKAGE / "ui").rglob("*.py"):
        bad = sorted(
            n
            for n in _absolute_imports(path)
            if n == "cchc_desktop.commands" or n.startswith("cchc_desktop.commands.")
        )
        if bad:
            offenders.append(f"{path.relative_to(PACKAGE)}: {bad}")
    assert offenders == []


def test_the_import_resolver_sees_relative_imports() -> None:
    page = PACKAGE / "ui" / "pages" / "dossiers.py"
    assert "cchc_desktop.core.indicators" in _absolute_imports(page)
    assert any(n.startswith("cchc_desktop.ui.") for n in _absolute_imports(page))


def test_the_check_finds_an_offender(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert "PySide6.QtCore" in _imports(bad)
