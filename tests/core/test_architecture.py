"""The core and io layers never import Qt: they must run headless and from the command line."""

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


def test_core_and_io_never_import_qt() -> None:
    offenders = []
    for layer in ("core", "io"):
        for path in (PACKAGE / layer).rglob("*.py"):
            qt = [n for n in _imports(path) if n.split(".")[0] in {"PySide6", "shiboken6", "qtawesome"}]
            if qt:
                offenders.append(f"{path.relative_to(PACKAGE)}: {qt}")
    assert offenders == []


def test_the_check_finds_an_offender(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert "PySide6.QtCore" in _imports(bad)
