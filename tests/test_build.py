"""The build helpers (build_scripts/build.py): version, slimming filter, installer checks.

Fast tests check pure logic only (no PyInstaller, NSIS or wine needed). The tests that really build the
frozen app or run the installer under wine are marked ``slow`` and run only with CCHC_SLOW=1.
"""

from __future__ import annotations

import importlib.util
import os
import re
import struct
import sys
import tomllib
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
    "libcrypto-3.dll",  # Python's _ssl/_hashlib on Windows (no system OpenSSL there)
    "libssl-3.dll",
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
    "libssl.so.3",  # Linux: the system's copy is used
    "libcrypto.so.3",
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


def _layout(root: Path) -> object:
    return build.Layout(
        "current user",
        root / "Programs" / "CCHC",
        root / "Start Menu" / "CCHC",
        root / "Desktop" / "CCHC.lnk",
        "user.reg",
    )


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x", encoding="utf-8")


WINE_REG_COMPLETE = WINE_REG.replace('"DisplayName"', '"Publisher"="cchc_desktop team"\n"DisplayName"')


def test_installed_check_passes_on_a_complete_install(tmp_path: Path) -> None:
    payload = build.make_old_payload(tmp_path / "payload")
    layout = _layout(tmp_path / "prefix")
    for rel in build.tree_files(payload) | {"uninstall.exe"}:
        _touch(layout.inst / rel)
    for link in ("CCHC.lnk", "Gỡ cài đặt CCHC.lnk"):
        _touch(layout.start_menu / link)
    _touch(layout.desktop_link)
    report = build.Report()
    build.check_installed(
        report, layout, build.parse_wine_reg(WINE_REG_COMPLETE), "0.1.0", "install", payload
    )
    assert report.ok, report.steps
    assert len(report.steps) == 3


def test_installed_check_names_missing_files_shortcuts_and_values(tmp_path: Path) -> None:
    payload = build.make_old_payload(tmp_path / "payload")
    layout = _layout(tmp_path / "prefix")
    for rel in build.tree_files(payload) - {build.STALE_FILE}:
        _touch(layout.inst / rel)
    _touch(layout.inst / "uninstall.exe")
    _touch(layout.inst / "_internal" / "left-over.dll")
    _touch(layout.start_menu / "CCHC.lnk")
    keys = build.parse_wine_reg(WINE_REG)  # no Publisher value
    report = build.Report()
    build.check_installed(report, layout, keys, "0.1.0", "upgrade", payload)
    files, links, key = report.steps
    assert not files.ok and build.STALE_FILE in files.detail and "_internal/left-over.dll" in files.detail
    assert not links.ok and "Gỡ cài đặt CCHC.lnk" in links.detail and "missing Gỡ" in links.detail
    assert not key.ok and "Publisher" in key.detail and key.name == "upgrade: HKCU uninstall key"


def test_installed_check_wants_the_new_version_after_an_upgrade(tmp_path: Path) -> None:
    report = build.Report()
    keys = build.parse_wine_reg(WINE_REG_COMPLETE)
    build.check_installed(report, _layout(tmp_path), keys, "0.2.0", "upgrade", tmp_path)
    assert not report.steps[2].ok and report.steps[2].detail == "DisplayVersion 0.1.0"


def test_makensis_defines_carry_version_and_payload(tmp_path: Path) -> None:
    defines = build.makensis_defines("1.2.3", tmp_path / "CCHC", tmp_path / "setup.exe", exe_suffix="")
    assert "-DVERSION=1.2.3" in defines
    assert "-DVERSION4=1.2.3.0" in defines
    assert f"-DPAYLOAD={tmp_path / 'CCHC'}" in defines
    assert "-DEXE_SUFFIX=" in defines


NSI = (ROOT / "build_scripts" / "installer.nsi").read_text(encoding="utf-8")


def test_every_define_build_py_passes_has_a_default_in_the_script(tmp_path: Path) -> None:
    """makensis by hand (README) works without -D, and build.py passes nothing the script ignores."""
    names = {d[2:].split("=", 1)[0] for d in build.makensis_defines("1.0", tmp_path, tmp_path / "s.exe")}
    for name in names:
        assert f"!ifndef {name}\n" in NSI and "${" + name + "}" in NSI, name


def test_installer_is_unicode_lzma_solid_vietnamese_and_per_user() -> None:
    lines = {line.strip() for line in NSI.splitlines()}
    assert "Unicode true" in lines
    assert "SetCompressor /SOLID lzma" in lines
    assert '!include "MUI2.nsh"' in lines and '!insertmacro MUI_LANGUAGE "Vietnamese"' in lines
    assert "RequestExecutionLevel user" in lines
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_NAME}"' in lines
    # the official NSIS for Windows (choco, winget) ships x86 stubs only
    assert not any(line.startswith("Target ") for line in lines)
    assert "SetRegView 64" in lines and '$PROGRAMFILES64\\${APP_NAME}"' in NSI


def test_all_users_is_an_option_that_needs_admin() -> None:
    start = NSI.index("Function .onInit")
    init = NSI[start : NSI.index("FunctionEnd", start)]
    assert '${GetOptions} $R0 "/ALLUSERS" $R1' in init
    assert "UserInfo::GetAccountType" in init and "StrCpy $AllUsers 0" in init


def test_installer_registers_what_the_check_looks_for() -> None:
    assert build.nsi_define("UNINST_KEY") == build.UNINST_KEY
    for value in build.UNINST_VALUES:
        assert f'WriteRegStr SHCTX "${{UNINST_KEY}}" "{value}"' in NSI


def test_uninstaller_deletes_user_data_only_when_ticked() -> None:
    """The data section is unselected by default (/o), so a silent uninstall keeps the data."""
    data_lines = [line for line in NSI.splitlines() if "RMDir /r" in line and "DATA_DIR_NAME" in line]
    assert len(data_lines) == 1
    section = NSI[: NSI.index(data_lines[0])].rsplit("Section ", 1)[1]
    assert section.startswith('/o "un.')


def test_installer_data_folder_is_the_apps_data_folder() -> None:
    from cchc_desktop import APP_NAME

    assert build.nsi_define("DATA_DIR_NAME") == APP_NAME == build.PACKAGE.name


def test_icon_has_the_sizes_windows_needs() -> None:
    data = (ROOT / "resources" / "cchc.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = {(data[6 + 16 * i] or 256) for i in range(count)}
    assert {16, 32, 48, 256} <= sizes


# --------------------------------------------------------------------------- where the app writes


@pytest.mark.skipif(sys.platform == "win32", reason="XDG variables steer platformdirs on Linux only")
def test_app_keeps_data_logs_and_backups_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The environment build.py runs the frozen app with sends every default path of the app (database,
    demo, settings, logs, backups) to the user's data folder, none into the install (package) folder."""
    from cchc_desktop.core import db, logs
    from cchc_desktop.core.backup import backups_dir

    env = build.app_env(tmp_path / "home")
    assert "CCHC_DATA_DIR" not in env
    monkeypatch.delenv("CCHC_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", env["HOME"])
    monkeypatch.setenv("XDG_DATA_HOME", env["XDG_DATA_HOME"])
    data = build.expected_data_dir(tmp_path / "home")
    assert db.data_dir() == data
    paths = [
        db.default_database_path(),
        db.demo_database_path(),
        logs.log_path(),
        backups_dir(),
    ]
    for path in paths:
        assert path.is_relative_to(data), path
        assert not path.is_relative_to(build.PACKAGE), path


def test_snapshot_changes_see_new_changed_and_removed_files(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("1", encoding="utf-8")
    (tmp_path / "b").write_text("2", encoding="utf-8")
    before = build.folder_snapshot(tmp_path)
    assert build.snapshot_changes(before, build.folder_snapshot(tmp_path)) == []
    (tmp_path / "a").write_text("11", encoding="utf-8")
    (tmp_path / "b").unlink()
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "cchc.log").write_text("x", encoding="utf-8")
    assert build.snapshot_changes(before, build.folder_snapshot(tmp_path)) == [
        "a",
        "b",
        "logs",
        "logs/cchc.log",
    ]


# --------------------------------------------------------------------------- what the spec bundles


def test_package_data_is_what_the_wheel_carries_and_what_the_app_loads() -> None:
    datas = build.package_datas()
    bundled = {f"{dest}/{Path(src).name}" for src, dest in datas}
    assert "cchc_desktop/resources/guide.html" in bundled
    assert "cchc_desktop/core/migrations/env.py" in bundled
    assert "cchc_desktop/core/migrations/script.py.mako" in bundled
    migrations = build.PACKAGE / "core" / "migrations" / "versions"
    versions = {f"cchc_desktop/core/migrations/versions/{p.name}" for p in migrations.glob("*.py")}
    assert len(versions) >= 2 and versions <= bundled
    assert not any("__pycache__" in b or b.endswith(".pyc") for b in bundled)
    assert all(Path(src).is_file() for src, _ in datas)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert build.package_data_patterns() == pyproject["tool"]["setuptools"]["package-data"]["cchc_desktop"]


def test_bundled_data_check_finds_missing_and_changed_files(tmp_path: Path) -> None:
    app_dir = tmp_path / "CCHC"
    for src, dest in build.package_datas():
        target = app_dir / "_internal" / dest / Path(src).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(Path(src).read_bytes())
    assert build.bundled_data_problems(app_dir) == []
    (app_dir / "_internal/cchc_desktop/resources/guide.html").unlink()
    (app_dir / "_internal/cchc_desktop/core/migrations/env.py").write_text("# changed", encoding="utf-8")
    assert build.bundled_data_problems(app_dir) == [
        "missing cchc_desktop/resources/guide.html",
        "differs cchc_desktop/core/migrations/env.py",
    ]


SPEC = (ROOT / "build_scripts" / "cchc_desktop.spec").read_text(encoding="utf-8")


def test_spec_builds_two_programs_in_one_slimmed_folder() -> None:
    assert "a.binaries = b.filter_toc(a.binaries)" in SPEC
    assert "a.datas = b.filter_toc(a.datas)" in SPEC
    assert SPEC.count("EXE(") == 2 and SPEC.count("COLLECT(") == 1
    assert "console=False" in SPEC and "console=True" in SPEC
    assert "upx=True" not in SPEC and SPEC.count("upx=False") == 3
    assert "excludes=b.EXCLUDES" in SPEC
    assert "datas = b.package_datas()" in SPEC
    assert '"defusedxml"' in SPEC
    assert SPEC.count("icon=ICON") == 2 and SPEC.count("version=version_info(") == 2
    assert 'ICON = str(ROOT / "resources" / "cchc.ico")' in SPEC


def test_excludes_keep_webengine_qml_and_quick_out() -> None:
    for module in ("PySide6.QtWebEngineCore", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtNetwork"):
        assert module in build.EXCLUDES
    imported = {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtCharts", "defusedxml"}
    assert not imported & set(build.EXCLUDES)


def test_windows_version_strings_carry_the_pyproject_version() -> None:
    strings = build.version_strings(build.read_version(), build.read_publisher(), "CCHC", "CCHC")
    assert strings["ProductVersion"] == strings["FileVersion"] == dist_version("cchc-desktop")
    assert strings["CompanyName"] == "cchc_desktop team"
    assert strings["OriginalFilename"] == "CCHC.exe"


def test_windows_workflow_runs_build_py_and_uploads_its_installer() -> None:
    wf = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    assert "runs-on: windows-latest" in wf
    assert re.search(r'pip install "\.\[build[],]', wf)  # PyInstaller comes with the build extra
    assert f"dist/{build.APP_DIR_NAME}-*-setup.exe" in wf
    calls = re.findall(r"python build_scripts/build\.py((?: --[a-z-]+)*)", wf)
    assert calls
    options = {o for call in calls for o in call.split()}
    script = (ROOT / "build_scripts" / "build.py").read_text(encoding="utf-8")
    for option in options:
        assert f'"{option}"' in script, option


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
