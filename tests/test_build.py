"""The build helpers (build_scripts/build.py): version, slimming filter, installer checks.

Fast tests check pure logic only (no PyInstaller, NSIS or wine needed). The tests that really build the
frozen app or run the installer under wine are marked ``slow`` and run only with CCHC_SLOW=1.
"""

from __future__ import annotations

import importlib.util
import os
import struct
import sys
from importlib.metadata import version as dist_version
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SLOW = pytest.mark.skipif(os.environ.get("CCHC_SLOW") != "1", reason="builds the frozen app: set CCHC_SLOW=1")


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cchc_build_script", ROOT / "build_scripts" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is created
    spec.loader.exec_module(module)
    return module


build = _load_build()


# --------------------------------------------------------------------------- version


def test_version_is_read_from_pyproject(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\nversion = "2.3.4"\n', encoding="utf-8")
    assert build.read_version(pyproject) == "2.3.4"


def test_version_of_the_repository_is_the_installed_one() -> None:
    assert build.read_version() == dist_version("cchc-desktop")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2", (1, 2, 0, 0)),
        ("1.2.3rc1", (1, 2, 3, 0)),
        ("2025.1.7+local.5", (2025, 1, 7, 0)),
    ],
)
def test_windows_version_has_four_numbers(text: str, expected: tuple[int, int, int, int]) -> None:
    assert build.windows_version_tuple(text) == expected


# --------------------------------------------------------------------------- slimming filter

KEPT = [
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/plugins/platforms/qwindows.dll",
    "PySide6/plugins/platforms/qoffscreen.dll",
    "PySide6/plugins/styles/qmodernwindowsstyle.dll",
    "PySide6/Qt/lib/libQt6Core.so.6",
    "PySide6/Qt/lib/libQt6Gui.so.6",
    "PySide6/Qt/lib/libQt6Widgets.so.6",
    "PySide6/Qt/lib/libQt6Charts.so.6",
    "PySide6/Qt/lib/libQt6PrintSupport.so.6",
    "PySide6/Qt/lib/libQt6DBus.so.6",
    "PySide6/Qt/lib/libQt6OpenGLWidgets.so.6",
    "PySide6/Qt/lib/libQt6Svg.so.6",
    "PySide6/Qt6Core.dll",
    "PySide6/Qt6Charts.dll",
    "PySide6/Qt6PrintSupport.dll",
    "PySide6/Qt/plugins/imageformats/libqico.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/translations/qtbase_vi.qm",
    "babel/locale-data/vi.dat",
    "babel/locale-data/root.dat",
    "babel/global.dat",
    "qtawesome/fonts/materialdesignicons6-webfont-6.9.96.ttf",
    "cchc_desktop/core/migrations/versions/0001_initial_schema.py",
    "docx/templates/default.docx",
    "holidays/locale/vi/LC_MESSAGES/VN.mo",
    "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
    "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
    "libfontconfig.so.1",
]
DROPPED = [
    "PySide6/Qt/lib/libQt6Quick.so.6",
    "PySide6/Qt/lib/libQt6Qml.so.6",
    "PySide6/Qt/lib/libQt6QmlModels.so.6",
    "PySide6/Qt/lib/libQt6VirtualKeyboard.so.6",
    "PySide6/Qt/lib/libQt6WebEngineCore.so.6",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/plugins/platforms/libqwayland-egl.so",
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/imageformats/libqpdf.so",
    "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6/Qt6Quick.dll",
    "PySide6/Qt6Qml.dll",
    "PySide6/Qt6VirtualKeyboard.dll",
    "PySide6/Qt6WebEngineCore.dll",
    "PySide6/opengl32sw.dll",
    "PySide6/translations/qt_fr.qm",
    "babel/locale-data/de.dat",
    "qtawesome/fonts/fontawesome5-solid-webfont-5.15.4.ttf",
    "holidays/locale/de/LC_MESSAGES/DE.mo",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "libcairo.so.2",
]


@pytest.mark.parametrize("dest", KEPT)
def test_filter_keeps_what_the_app_loads(dest: str) -> None:
    assert build.keep_entry(dest)
    assert build.keep_entry(dest.replace("/", "\\"))  # Windows separators


@pytest.mark.parametrize("dest", DROPPED)
def test_filter_drops_quick_qml_virtual_keyboard_and_webengine(dest: str) -> None:
    assert not build.keep_entry(dest)
    assert not build.keep_entry(dest.replace("/", "\\"))


def test_filter_toc_keeps_tuples_whole() -> None:
    toc = [(KEPT[0], "/src/a", "BINARY"), (DROPPED[0], "/src/b", "BINARY")]
    assert build.filter_toc(toc) == [toc[0]]


# --------------------------------------------------------------------------- smoke-test helpers


def test_report_command_detected_in_help() -> None:
    help_text = (
        "usage: cchc-desktop [-h] ... LỆNH ...\n  LỆNH\n    demo      tạo\n    report    xuất báo cáo\n"
    )
    assert build.command_available(help_text, "report")
    assert not build.command_available(help_text.replace("report", "backup"), "report")
    assert build.command_available("{demo,check,report}", "report")


def test_docx_detection(tmp_path: Path) -> None:
    import zipfile

    good, bad = tmp_path / "a.docx", tmp_path / "b.docx"
    with zipfile.ZipFile(good, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    bad.write_text("not a zip", encoding="utf-8")
    assert build.is_docx(good)
    assert not build.is_docx(bad)
    assert not build.is_docx(tmp_path / "missing.docx")


def test_report_ok_counts_skipped_steps_but_not_failures() -> None:
    report = build.Report()
    report.add("a", True)
    report.add("report quality", False, "not available yet", skipped=True)
    assert report.ok
    report.add("b", False, "exit 1")
    assert not report.ok


# --------------------------------------------------------------------------- installer check helpers

WINE_REG = r"""WINE REGISTRY Version 2
;; All keys relative to \\User\\S-1-5-21-0-0-0-1000

#arch=win64

[Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\CCHC] 1732350000
#time=1db3d
"DisplayIcon"="C:\\users\\root\\AppData\\Local\\Programs\\CCHC\\CCHC.exe,0"
"DisplayName"="CCHC \x2013 S\x1edf Y t\x1ebf"
"DisplayVersion"="0.1.0"
"EstimatedSize"=dword:00024000
"UninstallString"="\"C:\\users\\root\\AppData\\Local\\Programs\\CCHC\\uninstall.exe\""

[Software\\Wine] 1732350000
"Version"="win10"
"""


def test_wine_registry_parsed_into_keys_and_values() -> None:
    keys = build.parse_wine_reg(WINE_REG)
    key = keys[build.UNINST_KEY]
    assert key["DisplayVersion"] == '"0.1.0"'
    assert key["EstimatedSize"] == "dword:00024000"
    assert set(key) == {"DisplayIcon", "DisplayName", "DisplayVersion", "EstimatedSize", "UninstallString"}
    assert keys["Software\\Wine"] == {"Version": '"win10"'}


def test_missing_uninstall_values_fail_the_check(tmp_path: Path) -> None:
    report = build.Report()
    keys = build.parse_wine_reg(WINE_REG)  # no Publisher value
    build.check_installed(report, tmp_path, keys, "0.1.0", "install", ".exe")
    by_name = {s.name: s for s in report.steps}
    assert not by_name["install: HKCU uninstall key"].ok
    assert "Publisher" in by_name["install: HKCU uninstall key"].detail
    assert not by_name["install: files in %LOCALAPPDATA%\\Programs\\CCHC"].ok


def test_makensis_defines_carry_version_and_payload(tmp_path: Path) -> None:
    defines = build.makensis_defines("1.2.3", tmp_path / "CCHC", tmp_path / "setup.exe", exe_suffix="")
    assert "-DVERSION=1.2.3" in defines
    assert "-DVERSION4=1.2.3.0" in defines
    assert f"-DPAYLOAD={tmp_path / 'CCHC'}" in defines
    assert "-DEXE_SUFFIX=" in defines


def test_uninstaller_deletes_user_data_only_when_ticked() -> None:
    """The data section is unselected by default (/o), so a silent uninstall keeps the data."""
    nsi = (ROOT / "build_scripts" / "installer.nsi").read_text(encoding="utf-8")
    data_lines = [line for line in nsi.splitlines() if "RMDir /r" in line and "DATA_DIR_NAME" in line]
    assert len(data_lines) == 1
    section = nsi[: nsi.index(data_lines[0])].rsplit("Section ", 1)[1]
    assert section.startswith('/o "un.')
    assert "RequestExecutionLevel user" in nsi
    assert "$LOCALAPPDATA\\Programs\\${APP_NAME}" in nsi


def test_spec_builds_two_programs_in_one_slimmed_folder() -> None:
    spec = (ROOT / "build_scripts" / "cchc_desktop.spec").read_text(encoding="utf-8")
    assert "a.binaries = b.filter_toc(a.binaries)" in spec
    assert "a.datas = b.filter_toc(a.datas)" in spec
    assert spec.count("EXE(") == 2 and spec.count("COLLECT(") == 1
    assert "console=False" in spec and "console=True" in spec
    assert "upx=True" not in spec and spec.count("upx=False") == 3
    assert "excludes=b.EXCLUDES" in spec


def test_icon_has_the_sizes_windows_needs() -> None:
    data = (ROOT / "resources" / "cchc.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = {(data[6 + 16 * i] or 256) for i in range(count)}
    assert {16, 32, 48, 256} <= sizes


# --------------------------------------------------------------------------- real builds (slow)


@pytest.mark.slow
@SLOW
def test_frozen_app_builds_and_passes_its_smoke_test() -> None:
    app_dir = build.build_frozen()
    report = build.smoke_test(app_dir, build.read_version())
    assert report.ok, [s for s in report.steps if not s.ok]


@pytest.mark.slow
@SLOW
def test_installer_installs_upgrades_and_uninstalls_under_wine() -> None:
    app_dir = build.DIST / build.APP_DIR_NAME
    if not (app_dir / build.CLI_NAME).exists():
        app_dir = build.build_frozen()
    report = build.installer_check(app_dir, build.read_version())
    assert report.ok, [s for s in report.steps if not s.ok]
