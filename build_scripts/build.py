"""Build the frozen app (PyInstaller onedir), smoke-test it, then package it.

    python build_scripts/build.py                    # build + smoke test + package (.tar.gz / NSIS setup)
    python build_scripts/build.py --measure          # ... and measure folder size and start time
    python build_scripts/build.py --installer-check  # compile installer.nsi around dist/CCHC and exercise
                                                     # it under wine (Linux; needs nsis, wine, wine32):
                                                     # install, upgrade, uninstall, all-users, data kept
    python build_scripts/build.py --make-icon        # regenerate resources/cchc.ico and resources/cchc.png

Linux produces dist/CCHC/ and dist/CCHC-<version>-linux-x86_64.tar.gz; Windows produces dist/CCHC/ and
dist/CCHC-<version>-setup.exe (needs makensis on PATH or in the usual NSIS folders).
The helpers here (version, binary filter, installer checks) are pure functions so tests/test_build.py can
check them without PyInstaller, NSIS or wine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "build_scripts" / "cchc_desktop.spec"
NSI = ROOT / "build_scripts" / "installer.nsi"
RESOURCES = ROOT / "resources"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
APP_DIR_NAME = "CCHC"
GUI_NAME = "CCHC"
CLI_NAME = "cchc-cli"
IS_WINDOWS = sys.platform == "win32"
EXE_SUFFIX = ".exe" if IS_WINDOWS else ""

ICON_COLOUR = "#1F6FB2"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


# --------------------------------------------------------------------------- project facts


def read_project(pyproject: Path = ROOT / "pyproject.toml") -> dict:
    with pyproject.open("rb") as fh:
        return tomllib.load(fh)["project"]


def read_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The version in pyproject.toml ([project] version)."""
    return str(read_project(pyproject)["version"])


def windows_version_tuple(version: str) -> tuple[int, int, int, int]:
    """'1.2.3' / '0.1.0rc1' / '2.0' -> a four-part numeric Windows file version (missing parts are 0)."""
    parts = [int(m) for m in re.findall(r"\d+", version.split("+", 1)[0])[:3]]
    while len(parts) < 4:
        parts.append(0)
    return parts[0], parts[1], parts[2], parts[3]


def read_publisher(pyproject: Path = ROOT / "pyproject.toml") -> str:
    authors = read_project(pyproject).get("authors") or [{}]
    return str(authors[0].get("name") or "cchc_desktop")


# --------------------------------------------------------------------------- icon


def _icon_png(size: int) -> bytes:
    """A rounded square in ICON_COLOUR with a white bold "CC", as PNG bytes (drawn with Qt)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    margin = size * 0.04
    rect = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    path = QPainterPath()
    path.addRoundedRect(rect, size * 0.2, size * 0.2)
    painter.fillPath(path, QColor(ICON_COLOUR))
    font = QFont("Liberation Sans")
    font.setBold(True)
    font.setPixelSize(max(6, round(size * 0.5)))
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 92)
    painter.setFont(font)
    painter.setPen(QColor("#FFFFFF"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "CC")
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def _dib_entry(size: int, png: bytes) -> bytes:
    """An ICO image entry in the classic BMP form (32-bit BGRA + AND mask) for sizes below 256."""
    from PySide6.QtGui import QImage

    image = QImage.fromData(png, "PNG").convertToFormat(QImage.Format.Format_ARGB32)
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for y in range(size - 1, -1, -1):  # bottom-up
        line = bytes(image.constScanLine(y))[: size * 4]  # little-endian ARGB32 = B G R A bytes
        rows.append(line)
    mask_row = ((size + 31) // 32) * 4
    return header + b"".join(rows) + b"\x00" * (mask_row * size)


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A multi-size .ico: PNG-compressed for 256 px, BMP entries for the smaller sizes."""
    entries = [(s, pngs[s] if s >= 256 else _dib_entry(s, pngs[s])) for s in sorted(pngs)]
    out = struct.pack("<HHH", 0, 1, len(entries))
    offset = 6 + 16 * len(entries)
    for s, data in entries:
        dim = 0 if s >= 256 else s
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(data for _, data in entries)


def make_icon(folder: Path = RESOURCES) -> tuple[Path, Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - fonts need an app
    pngs = {s: _icon_png(s) for s in ICON_SIZES}
    folder.mkdir(parents=True, exist_ok=True)
    ico, png = folder / "cchc.ico", folder / "cchc.png"
    ico.write_bytes(ico_bytes(pngs))
    png.write_bytes(pngs[256])
    return ico, png


# --------------------------------------------------------------------------- what the frozen app carries

PACKAGE = ROOT / "cchc_desktop"


def package_data_patterns(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The package-data globs of pyproject.toml: the frozen app carries what the wheel carries."""
    with pyproject.open("rb") as fh:
        return list(tomllib.load(fh)["tool"]["setuptools"]["package-data"][PACKAGE.name])


def package_datas(package: Path = PACKAGE, patterns: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """(source file, destination folder in the bundle) for the package's data files, as Analysis(datas=).
    The app finds them through importlib.resources (resources.files("cchc_desktop.resources"),
    resources.files("cchc_desktop.core") / "migrations" for Alembic, which loads the scripts by path);
    in the frozen app those resolve inside _internal/cchc_desktop/."""
    out = []
    for pattern in package_data_patterns() if patterns is None else patterns:
        for src in sorted(package.glob(pattern)):
            if src.is_file() and "__pycache__" not in src.parts and src.suffix != ".pyc":
                dest = Path(package.name) / src.parent.relative_to(package)
                out.append((str(src), dest.as_posix()))
    return out


def version_strings(version: str, publisher: str, description: str, internal_name: str) -> dict[str, str]:
    """The StringFileInfo of the Windows version resource of one .exe (Explorer > Properties > Details)."""
    return {
        "CompanyName": publisher,
        "FileDescription": description,
        "FileVersion": version,
        "InternalName": internal_name,
        "LegalCopyright": f"© {publisher}",
        "OriginalFilename": internal_name + ".exe",
        "ProductName": "CCHC – Sở Y tế",
        "ProductVersion": version,
    }


# Python modules the app never imports (PyInstaller would otherwise follow optional imports into them).
EXCLUDES = [
    "PySide6.QtNetwork",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "PySide6.Qt3DCore",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtGraphs",
    "PySide6.QtDataVisualization",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtUiTools",
    "PySide6.QtTest",
    "PySide6.QtSql",
    "PySide6.QtBluetooth",
    "PySide6.QtPositioning",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "qtpy",
    "tkinter",
    "unittest",
    "pydoc",
    "xmlrpc",
    "lib2to3",
    "numpy",
    "pandas",
    "PIL",
    "matplotlib",
    "IPython",
    "pytest",
    "hypothesis",
    "psycopg",
    "psutil",
    # Python bindings QtCharts does not import at run time (their Qt libraries stay: QtCharts/QtGui link them)
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtDBus",
    # optional imports of mako (pygments) and lxml parts python-docx and openpyxl never use
    "pygments",
    "lxml.objectify",
    "lxml.isoschematron",
    "lxml.html",
    "lxml.cssselect",
    "mako.testing",
    "sqlalchemy.testing",
]

# Qt files the app never loads, matched against the destination path inside the bundle ("/" separators).
# Linux names: PySide6/Qt/lib/libQt6Quick.so.6, PySide6/Qt/plugins/platforms/libqxcb.so;
# Windows names: PySide6/Qt6Quick.dll, PySide6/plugins/platforms/qwindows.dll.
# Kept on purpose: Core/Gui/Widgets/Charts/PrintSupport/Svg/OpenGL(+Widgets, QtCharts links them)/DBus
# (QtGui links it on Linux), the xcb, offscreen and windows platform plugins, styles, gif/ico/jpeg/svg.
DROP_PATTERN = re.compile(
    r"""
      (^|/)(lib)?Qt6(Quick|Qml|VirtualKeyboard|Pdf|Network|Wayland|WlShell|EglFS|EglFs|WebEngine|WebChannel
                     |Multimedia|Positioning|Location|3D|ShaderTools|Graphs|DataVisualization|Designer|Help
                     |Sql|Test|UiTools|Bluetooth|Nfc|Sensors|SerialPort|TextToSpeech|Lottie|Labs)[^/]*$
    | (^|/)plugins/(platforminputcontexts|virtualkeyboard|wayland-[^/]+|egldeviceintegrations|networkinformation
                    |tls|generic|qmltooling|webview|multimedia|position|sensors|texttospeech|sqldrivers
                    |renderers|sceneparsers|geometryloaders|assetimporters)/
    | (^|/)plugins/platforms/(lib)?q(eglfs|minimalegl|vnc|linuxfb|wayland[^/]*|vkkhrdisplay|minimal|direct2d)
      \.(so|dll)$
    | (^|/)plugins/imageformats/(lib)?q(pdf|tga|tiff|wbmp|webp|icns|macheif|macjp2)\.(so|dll)$
    # OpenSSL on Linux only: Python's _ssl/_hashlib then load the system's libssl/libcrypto (asyncio, which
    # SQLAlchemy imports, imports ssl; both imports fall back when it is missing). Windows has no system
    # OpenSSL, so libssl-3.dll/libcrypto-3.dll stay there.
    | ^lib(crypto|ssl)\.so[.\d]*$
    | (^|/)opengl32sw\.dll$
    | (^|/)plugins/platformthemes/libqgtk3\.so$
    # Linux libraries only the GTK3 theme plugin needed (checked with readelf over the bundle); when a
    # system library wants one of them, the system copy is there.
    | ^lib(gio-2\.0|gobject-2\.0|gmodule-2\.0|cairo|cairo-gobject|pango-1\.0|pangoft2-1\.0|pangocairo-1\.0
         |gdk_pixbuf-2\.0|atk-1\.0|pixman-1|graphite2|fribidi|thai|datrie|harfbuzz|jpeg|mount|blkid|selinux
         |bsd|md|Xext|Xrender|Xdmcp|Xau)\.so[.\d]*$
    """,
    re.X,
)
# Qt ships no Vietnamese translation, so in practice every Qt .qm file is dropped.
KEEP_TRANSLATION = re.compile(r"/translations/qt(base)?_vi\.qm$")
# babel: only the locale data the app formats with (vi) and the root it inherits from.
KEEP_BABEL_LOCALE = re.compile(r"babel/locale-data/(root|vi|vi_VN)\.dat$")


def keep_entry(dest: str) -> bool:
    """Whether a PyInstaller TOC destination path stays in the bundle (the spec's slimming filter)."""
    d = dest.replace("\\", "/")
    if "PySide6/" in d and "/translations/" in d:
        return bool(KEEP_TRANSLATION.search(d))
    if "babel/locale-data/" in d:
        return bool(KEEP_BABEL_LOCALE.search(d))
    if d.startswith("holidays/locale/"):
        return d.endswith("/VN.mo")  # the app asks holidays for Vietnam only
    if d.startswith("qtawesome/fonts/"):
        return "materialdesignicons6" in d  # the only icon font the app loads (ui/theme.py)
    return not DROP_PATTERN.search(d)


def filter_toc(entries: Iterable[tuple]) -> list[tuple]:
    return [e for e in entries if keep_entry(e[0])]


# --------------------------------------------------------------------------- running things


@dataclass
class StepResult:
    name: str
    ok: bool
    detail: str = ""
    skipped: bool = False


@dataclass
class Report:
    steps: list[StepResult] = field(default_factory=list)

    def add(self, name: str, ok: bool, detail: str = "", skipped: bool = False) -> StepResult:
        step = StepResult(name, ok, detail, skipped)
        self.steps.append(step)
        mark = "SKIP" if skipped else ("ok  " if ok else "FAIL")
        print(f"  [{mark}] {name}" + (f": {detail}" if detail else ""), flush=True)
        return step

    @property
    def ok(self) -> bool:
        return all(s.ok or s.skipped for s in self.steps)


def run(
    cmd: Sequence[str | Path],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd],
        env=env,
        cwd=cwd,
        timeout=timeout,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
    )


def tail(text: str, lines: int = 6) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])


def build_frozen(dist: Path = DIST, work: Path = WORK) -> Path:
    """Run PyInstaller on the spec; returns the onedir folder."""
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        dist,
        "--workpath",
        work,
        SPEC,
    ]
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT)
    return dist / APP_DIR_NAME


def app_env(home: Path) -> dict[str, str]:
    """Environment for running the frozen app with Qt offscreen and a throw-away user profile under `home`.
    On Linux the app finds its data folder itself (platformdirs: $XDG_DATA_HOME/cchc_desktop), so the check
    sees where the frozen app really writes; Windows has no such variable: CCHC_DATA_DIR points there."""
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONUTF8="1", PYTHONIOENCODING="utf-8")
    for var in ("PYTHONPATH", "PYTHONHOME", "CCHC_DATA_DIR"):
        env.pop(var, None)
    if IS_WINDOWS:
        env["CCHC_DATA_DIR"] = str(home / "data")
    else:
        env.update(
            HOME=str(home),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_CACHE_HOME=str(home / ".cache"),
            XDG_STATE_HOME=str(home / ".local" / "state"),
        )
    return env


def expected_data_dir(home: Path) -> Path:
    """Where the app run with app_env(home) must keep its data (core/db.py data_dir())."""
    return home / "data" if IS_WINDOWS else home / ".local" / "share" / PACKAGE.name


def folder_snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """{relative path: (size, mtime_ns)} of everything under a folder (symlinks not followed)."""
    out = {}
    for p in folder.rglob("*"):
        st = p.lstat()
        out[p.relative_to(folder).as_posix()] = (st.st_size if p.is_file() else 0, st.st_mtime_ns)
    return out


def snapshot_changes(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    """Paths added, removed or modified between two folder snapshots."""
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def command_available(help_text: str, command: str) -> bool:
    """Whether `cchc-cli --help` lists a sub-command (the report command may land later)."""
    return re.search(rf"(^|[{{,\s]){re.escape(command)}([,}}\s]|$)", help_text, re.M) is not None


def is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "word/document.xml" in zf.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def bundled_data_problems(app_dir: Path) -> list[str]:
    """Package data files missing from the frozen app's _internal/ or different from the source."""
    internal = app_dir / "_internal"
    problems = []
    for src, dest in package_datas():
        target = internal / dest / Path(src).name
        if not target.is_file():
            problems.append(f"missing {dest}/{target.name}")
        elif target.read_bytes() != Path(src).read_bytes():
            problems.append(f"differs {dest}/{target.name}")
    return problems


def smoke_test(app_dir: Path, version: str) -> Report:
    """Exercise the frozen app: CLI version, demo database, indicators JSON, Word report, backup, GUI window;
    every run starts in the app folder (as a Windows shortcut does), which must stay unchanged."""
    report = Report()
    cli = app_dir / (CLI_NAME + EXE_SUFFIX)
    gui = app_dir / (GUI_NAME + EXE_SUFFIX)
    before = folder_snapshot(app_dir)

    problems = bundled_data_problems(app_dir)
    report.add(
        "package data in _internal (guide.html, Alembic migrations)",
        not problems,
        "; ".join(problems[:5]) or f"{len(package_datas())} files",
    )
    with tempfile.TemporaryDirectory(prefix="cchc-smoke-") as tmp_name:
        tmp = Path(tmp_name)
        home = tmp / "home"
        env = app_env(home)
        data = expected_data_dir(home)
        db = tmp / "demo.db"

        def app(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
            return run(args, env=env, timeout=timeout, cwd=app_dir)

        r = app(cli, "--version", timeout=120)
        report.add(
            "cchc-cli --version",
            r.returncode == 0 and version in r.stdout + r.stderr,
            tail(r.stdout + r.stderr, 2),
        )

        r = app(cli, "demo", "--db", db)
        report.add("cchc-cli demo --db", r.returncode == 0 and db.exists(), tail(r.stdout + r.stderr, 2))

        r = app(cli, "indicators", "--period", "2024", "--json", "--db", db)
        detail = tail(r.stderr, 3)
        ok = r.returncode == 0
        if ok:
            try:
                indicators = json.loads(r.stdout)
                detail = f"JSON {type(indicators).__name__} with {len(indicators)} entries"
                ok = bool(indicators)
            except json.JSONDecodeError as exc:
                ok, detail = False, f"not JSON: {exc}"
        report.add("cchc-cli indicators --period 2024 --json", ok, detail)

        help_text = app(cli, "--help", timeout=120).stdout
        if not command_available(help_text, "report"):
            report.add(
                "cchc-cli report quality", False, "not available yet (no 'report' command)", skipped=True
            )
        else:
            out = tmp / "r1.docx"
            r = app(cli, "report", "quality", "--period", "2024", "--out", out, "--db", db)
            report.add(
                "cchc-cli report quality --out r1.docx",
                r.returncode == 0 and is_docx(out),
                f"{out.stat().st_size} bytes" if out.exists() else tail(r.stdout + r.stderr, 3),
            )

        r = app(cli, "backup", "--db", db)
        backups = sorted((data / "backups").glob("*.db")) if (data / "backups").is_dir() else []
        report.add(
            "cchc-cli backup: the copy lands in the user's data folder",
            r.returncode == 0 and len(backups) == 1,
            str(backups[0].relative_to(home)) if backups else tail(r.stdout + r.stderr, 3),
        )

        t0 = time.perf_counter()
        r = app(gui, "--demo", "--smoke-test", timeout=180)
        elapsed = time.perf_counter() - t0
        report.add(
            f"{GUI_NAME} --demo --smoke-test (offscreen): window shown, exit 0",
            r.returncode == 0,
            f"exit {r.returncode} after {elapsed:.1f} s" + (f"; {tail(r.stderr, 3)}" if r.returncode else ""),
        )
        report.add(
            f"{GUI_NAME} --demo: the demo database lands in the user's data folder",
            (data / "demo.db").is_file(),
            str((data / "demo.db").relative_to(home)),
        )
    changed = snapshot_changes(before, folder_snapshot(app_dir))
    report.add("nothing written into the app folder", not changed, ", ".join(changed[:5]))
    return report


# --------------------------------------------------------------------------- measuring


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, number of files) of a folder, symlinks not followed."""
    total = count = 0
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
            count += 1
    return total, count


def measure_start(app_dir: Path, runs: int = 5) -> list[float]:
    """Seconds from spawning `CCHC --demo --smoke-test` until it has shown its main window and exited
    (an upper bound of the time to the first window), after one warm-up run that builds the demo."""
    gui = app_dir / (GUI_NAME + EXE_SUFFIX)
    times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="cchc-start-") as tmp:
        env = app_env(Path(tmp))
        run([gui, "--demo", "--smoke-test"], env=env, timeout=300).check_returncode()
        for _ in range(runs):
            t0 = time.perf_counter()
            run([gui, "--demo", "--smoke-test"], env=env, timeout=120).check_returncode()
            times.append(time.perf_counter() - t0)
    return times


def _x11_viewable_windows(display: str) -> Callable[[], int]:
    """A function counting the viewable top-level windows on an X display (libX11 through ctypes)."""
    import ctypes
    import ctypes.util

    class XWindowAttributes(ctypes.Structure):
        _fields_ = [
            ("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int), ("height", ctypes.c_int),
            ("border_width", ctypes.c_int), ("depth", ctypes.c_int), ("visual", ctypes.c_void_p),
            ("root", ctypes.c_ulong), ("c_class", ctypes.c_int), ("bit_gravity", ctypes.c_int),
            ("win_gravity", ctypes.c_int), ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
            ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int), ("colormap", ctypes.c_ulong),
            ("map_installed", ctypes.c_int), ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
            ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
            ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p),
        ]  # fmt: skip

    name = ctypes.util.find_library("X11")
    if name is None:
        raise OSError("libX11 not found")
    x11 = ctypes.CDLL(name)
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                               ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                               ctypes.POINTER(ctypes.c_uint)]  # fmt: skip
    x11.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(XWindowAttributes)]
    x11.XFree.argtypes = [ctypes.c_void_p]
    dpy = x11.XOpenDisplay(display.encode())
    if not dpy:
        raise OSError(f"cannot open display {display}")
    root = x11.XDefaultRootWindow(dpy)

    def count() -> int:
        r, p = ctypes.c_ulong(), ctypes.c_ulong()
        children, n = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
        if not x11.XQueryTree(
            dpy, root, ctypes.byref(r), ctypes.byref(p), ctypes.byref(children), ctypes.byref(n)
        ):
            return 0
        seen = 0
        attrs = XWindowAttributes()
        for i in range(n.value):
            if x11.XGetWindowAttributes(dpy, children[i], ctypes.byref(attrs)):
                if attrs.map_state == 2 and not attrs.override_redirect and attrs.width >= 300:  # IsViewable
                    seen += 1
        if children:
            x11.XFree(children)
        return seen

    return count


def measure_first_window(
    app_dir: Path, runs: int = 5, display: str = ":77"
) -> tuple[list[float], list[float]]:
    """Seconds from spawning `CCHC --demo` until its main window is mapped on an Xvfb display (xcb, as on a
    desktop), polled every 2 ms, after one warm-up run. Returns (wall seconds, CPU seconds the process had
    used at that moment): the CPU time does not depend on what else the machine is doing."""
    gui = app_dir / (GUI_NAME + EXE_SUFFIX)
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    times: list[float] = []
    cpu: list[float] = []
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                count = _x11_viewable_windows(display)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with tempfile.TemporaryDirectory(prefix="cchc-start-") as tmp:
            env = app_env(Path(tmp))
            env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display)
            run([gui, "--demo", "--smoke-test"], env=env, timeout=300).check_returncode()  # builds the demo
            for _ in range(runs):
                before = count()
                t0 = time.perf_counter()
                proc = subprocess.Popen([str(gui), "--demo", "--smoke-test"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
                shown = None
                while proc.poll() is None and time.perf_counter() - t0 < 60:
                    if count() > before:
                        shown = time.perf_counter() - t0
                        cpu.append(process_cpu_seconds(proc.pid))
                        break
                    time.sleep(0.002)
                proc.wait(timeout=120)
                if shown is None:
                    raise RuntimeError("the main window was never mapped")
                times.append(shown)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=30)
    return times, cpu


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running Linux process (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- packaging


def package_tar(app_dir: Path, version: str, dist: Path = DIST) -> Path:
    out = dist / f"{APP_DIR_NAME}-{version}-linux-x86_64.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(app_dir, arcname=f"{APP_DIR_NAME}-{version}")
    return out


def find_makensis() -> str | None:
    found = shutil.which("makensis")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles")):
        if base and (Path(base) / "NSIS" / "makensis.exe").exists():
            return str(Path(base) / "NSIS" / "makensis.exe")
    return None


def makensis_defines(version: str, payload: Path, outfile: Path, exe_suffix: str = ".exe") -> list[str]:
    return [
        f"-DVERSION={version}",
        f"-DVERSION4={'.'.join(str(n) for n in windows_version_tuple(version))}",
        f"-DPUBLISHER={read_publisher()}",
        f"-DPAYLOAD={payload}",
        f"-DOUTFILE={outfile}",
        f"-DICON={RESOURCES / 'cchc.ico'}",
        f"-DEXE_SUFFIX={exe_suffix}",
    ]


def compile_installer(version: str, payload: Path, outfile: Path, exe_suffix: str = ".exe") -> Path:
    makensis = find_makensis()
    if makensis is None:
        raise SystemExit("makensis not found (Debian: apt-get install nsis; Windows: choco install nsis)")
    outfile.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        makensis,
        "-V2",
        "-INPUTCHARSET",
        "UTF8",
        *makensis_defines(version, payload, outfile, exe_suffix),
        str(NSI),
    ]
    print("$ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    return outfile


# --------------------------------------------------------------------------- installer check (wine)

UNINST_KEY = r"Software\Microsoft\Windows\CurrentVersion\Uninstall\CCHC"
UNINST_VALUES = ("DisplayName", "DisplayVersion", "Publisher", "DisplayIcon", "UninstallString")
OLD_VERSION = "0.0.1"  # the "previous version" the check upgrades from
STALE_FILE = "_internal/stale-from-old-version.txt"  # only the previous version has it
USER_FILE = "giu-lai.txt"  # planted in the user's data folder; must survive upgrade and uninstall
MANIFEST_AS_INVOKER = b'requestedExecutionLevel level="asInvoker"'


def nsi_define(name: str, nsi: Path = NSI) -> str:
    """The value of a plain `!define NAME "value"` in installer.nsi."""
    m = re.search(rf'^!define {re.escape(name)} "([^"]*)"', nsi.read_text(encoding="utf-8"), re.M)
    if m is None:
        raise KeyError(name)
    return m.group(1)


def parse_wine_reg(text: str) -> dict[str, dict[str, str]]:
    """A wine user.reg/system.reg file -> {key path with single backslashes: {value name: raw value}}."""
    keys: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        m = re.match(r"^\[(.+?)\]( \d+)?$", line)
        if m:
            current = keys.setdefault(m.group(1).replace("\\\\", "\\"), {})
            continue
        m = re.match(r'^"((?:[^"\\]|\\.)*)"=(.*)$', line)
        if m and current is not None:
            current[m.group(1)] = m.group(2)
    return keys


def find_wine() -> str | None:
    """`wine` runs both the 32-bit NSIS installer (needs Debian's wine32) and 64-bit programs."""
    return shutil.which("wine")


def tree_files(folder: Path) -> set[str]:
    """Relative paths of the files under a folder, symlinks followed (NSIS copies a link's target)."""
    out = set()
    for dirpath, _dirs, files in os.walk(folder, followlinks=True):
        for name in files:
            out.add((Path(dirpath) / name).relative_to(folder).as_posix())
    return out


def make_old_payload(folder: Path) -> Path:
    """A tiny stand-in for the previous version's program folder (with a file the new one lacks)."""
    for rel in (GUI_NAME, CLI_NAME, "_internal/base_library.zip", STALE_FILE):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{OLD_VERSION}: {rel}\n", encoding="utf-8")
    return folder


@dataclass
class Layout:
    """Where one install mode puts things inside a wine prefix."""

    label: str
    inst: Path  # program folder
    start_menu: Path  # Start-menu folder of the shortcuts
    desktop_link: Path
    reg_file: str  # user.reg (HKCU) or system.reg (HKLM)


class WinePrefix:
    """A throw-away wine prefix with its own HOME (nothing lands in the real user's folders or menus)."""

    def __init__(self, root: Path, wine: str) -> None:
        self.root, self.wine = root, wine
        self.prefix = root / "prefix"
        (root / "home").mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ)
        for var in ("XDG_DESKTOP_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "DISPLAY", "WAYLAND_DISPLAY"):
            self.env.pop(var, None)
        self.env.update(
            WINEPREFIX=str(self.prefix),
            WINEARCH="win64",
            HOME=str(root / "home"),
            XDG_CONFIG_HOME=str(root / "home" / ".config"),
            XDG_DATA_HOME=str(root / "home" / ".local" / "share"),
            WINEDEBUG="-all",
            WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d",
        )
        self.wineserver = shutil.which("wineserver") or "/usr/lib/wine/wineserver64"

    def run(self, *args: str | Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        r = run([self.wine, *args], env=self.env, timeout=timeout)
        self.wait()  # the NSIS uninstaller copies itself to %TEMP% and returns at once
        return r

    def wait(self) -> None:
        run([self.wineserver, "-w"], env=self.env, timeout=900)

    def kill(self) -> None:
        run([self.wineserver, "-k"], env=self.env, timeout=60)

    @property
    def drive_c(self) -> Path:
        return self.prefix / "drive_c"

    def user_dir(self) -> Path:
        users = [p for p in (self.drive_c / "users").iterdir() if p.name.lower() != "public"]
        return users[0]

    def user_data_dir(self) -> Path:
        """%LOCALAPPDATA%\\<DATA_DIR_NAME>: where the app keeps databases, settings, logs and backups."""
        return self.user_dir() / "AppData" / "Local" / nsi_define("DATA_DIR_NAME")

    def layout(self, all_users: bool) -> Layout:
        if all_users:
            return Layout(
                "all users",
                self.drive_c / "Program Files" / APP_DIR_NAME,
                self.drive_c / "ProgramData/Microsoft/Windows/Start Menu/Programs" / APP_DIR_NAME,
                self.drive_c / "users" / "Public" / "Desktop" / "CCHC.lnk",
                "system.reg",
            )
        user = self.user_dir()
        return Layout(
            "current user",
            user / "AppData" / "Local" / "Programs" / APP_DIR_NAME,
            user / "AppData/Roaming/Microsoft/Windows/Start Menu/Programs" / APP_DIR_NAME,
            user / "Desktop" / "CCHC.lnk",
            "user.reg",
        )

    def registry(self, reg_file: str) -> dict[str, dict[str, str]]:
        return parse_wine_reg((self.prefix / reg_file).read_text(encoding="utf-8", errors="replace"))


def check_installed(
    report: Report,
    layout: Layout,
    reg: dict[str, dict[str, str]],
    version: str,
    label: str,
    payload: Path,
) -> None:
    """Files (exactly the payload + uninstaller), shortcuts and the "Apps & features" key of one install."""
    expected = tree_files(payload) | {"uninstall.exe"}
    found = tree_files(layout.inst) if layout.inst.exists() else set()
    missing, extra = sorted(expected - found), sorted(found - expected)
    report.add(
        f"{label}: program files in {layout.inst.name} ({layout.label})",
        not missing and not extra,
        f"missing {missing[:5]}; unexpected {extra[:5]}" if missing or extra else f"{len(found)} files",
    )
    links = [layout.start_menu / "CCHC.lnk", layout.start_menu / "Gỡ cài đặt CCHC.lnk", layout.desktop_link]
    absent = [p.name for p in links if not p.exists()]
    report.add(
        f"{label}: Start-menu and desktop shortcuts",
        not absent,
        "missing " + ", ".join(absent) if absent else ", ".join(p.name for p in links),
    )
    key = reg.get(UNINST_KEY, {})
    lacking = [v for v in UNINST_VALUES if v not in key]
    shown_version = key.get("DisplayVersion", "").strip('"')
    hive = "HKLM" if layout.reg_file == "system.reg" else "HKCU"
    report.add(
        f"{label}: {hive} uninstall key",
        not lacking and shown_version == version,
        f"lacks {lacking}" if lacking else f"DisplayVersion {shown_version}",
    )


def check_removed(
    report: Report, wp: WinePrefix, layout: Layout, label: str, r: subprocess.CompletedProcess
) -> None:
    leftovers = [
        p.name for p in (layout.inst, layout.start_menu, layout.desktop_link) if p.exists() or p.is_symlink()
    ]
    key_left = UNINST_KEY in wp.registry(layout.reg_file)
    report.add(
        f"{label}: program, shortcuts and uninstall key removed ({layout.label})",
        r.returncode == 0 and not leftovers and not key_left,
        f"exit {r.returncode}; left: {leftovers}; key left: {key_left}",
    )


def installer_check(app_dir: Path, version: str, dist: Path = DIST) -> Report:
    """Compile installer.nsi around the (Linux) onedir folder and exercise it under wine in a throw-away
    prefix: install a previous version, upgrade it silently with this one, check files, shortcuts and the
    uninstall key, uninstall silently, then the same for an all-users install; the user's data survives."""
    report = Report()
    wine = find_wine()
    if find_makensis() is None or wine is None:
        report.add(
            "installer check", False, "needs makensis and wine (apt-get install nsis wine wine32 wine64)"
        )
        return report
    with tempfile.TemporaryDirectory(prefix="cchc-wine-") as tmp_name:
        tmp = Path(tmp_name)
        old_payload = make_old_payload(tmp / "old-payload")
        old_setup = compile_installer(OLD_VERSION, old_payload, tmp / "old-setup.exe", exe_suffix="")
        setup = dist / f"{APP_DIR_NAME}-{version}-setup-linuxpayload.exe"
        t0 = time.perf_counter()
        compile_installer(version, app_dir, setup, exe_suffix="")
        head = b""
        if setup.exists():
            with setup.open("rb") as fh:
                head = fh.read(1_000_000)  # the stub with its manifest comes first
        report.add(
            "makensis installer.nsi (Unicode, LZMA solid; asks for no admin rights)",
            setup.exists() and head[:2] == b"MZ" and MANIFEST_AS_INVOKER in head,
            f"{setup.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t0:.0f} s"
            if setup.exists()
            else "",
        )

        wp = WinePrefix(tmp / "wine", wine)
        try:
            wp.run("wineboot", "--init")
            data = wp.user_data_dir()
            data.mkdir(parents=True, exist_ok=True)
            (data / USER_FILE).write_text("dữ liệu của người dùng\n", encoding="utf-8")
            mine, everyone = wp.layout(all_users=False), wp.layout(all_users=True)

            r = wp.run(old_setup, "/S")
            report.add(
                f"silent install of version {OLD_VERSION} (/S)", r.returncode == 0, f"exit {r.returncode}"
            )
            check_installed(report, mine, wp.registry(mine.reg_file), OLD_VERSION, "old version", old_payload)

            t0 = time.perf_counter()
            r = wp.run(setup, "/S")
            report.add(
                f"silent upgrade {OLD_VERSION} -> {version} (/S)",
                r.returncode == 0,
                f"exit {r.returncode}, {time.perf_counter() - t0:.1f} s",
            )
            check_installed(report, mine, wp.registry(mine.reg_file), version, "upgrade", app_dir)
            report.add(
                "per-user install wrote nothing for all users (no Program Files folder, no HKLM key)",
                not everyone.inst.exists() and UNINST_KEY not in wp.registry("system.reg"),
            )
            report.add(
                "upgrade: user data kept", (data / USER_FILE).exists(), str(data.relative_to(wp.drive_c))
            )

            r = wp.run(mine.inst / "uninstall.exe", "/S")
            check_removed(report, wp, mine, "silent uninstall (/S)", r)
            report.add(
                "uninstall: user data folder survived",
                (data / USER_FILE).exists(),
                str(data.relative_to(wp.drive_c)),
            )

            r = wp.run(setup, "/S", "/ALLUSERS")  # wine's user is an administrator
            report.add("silent all-users install (/S /ALLUSERS)", r.returncode == 0, f"exit {r.returncode}")
            check_installed(report, everyone, wp.registry(everyone.reg_file), version, "all users", app_dir)
            r = wp.run(everyone.inst / "uninstall.exe", "/S")
            check_removed(report, wp, everyone, "all users: silent uninstall", r)
            report.add("all users: user data kept", (data / USER_FILE).exists())
        finally:
            wp.kill()
    return report


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-build", action="store_true", help="use the existing dist/CCHC")
    parser.add_argument("--no-package", action="store_true", help="build and smoke-test only")
    parser.add_argument(
        "--measure", action="store_true", help="measure folder size and start time (median of 5)"
    )
    parser.add_argument(
        "--installer-check",
        action="store_true",
        help="compile installer.nsi around dist/CCHC and exercise it under wine (Linux)",
    )
    parser.add_argument(
        "--make-icon", action="store_true", help="regenerate resources/cchc.ico/.png and exit"
    )
    args = parser.parse_args(argv)

    if args.make_icon:
        for p in make_icon():
            print(p)
        return 0
    version = read_version()
    app_dir = DIST / APP_DIR_NAME
    if not args.skip_build:
        app_dir = build_frozen()
    if not (app_dir / (CLI_NAME + EXE_SUFFIX)).exists():
        print(f"no frozen app in {app_dir}", file=sys.stderr)
        return 1

    print(f"smoke test of {app_dir} (version {version})", flush=True)
    smoke = smoke_test(app_dir, version)
    if not smoke.ok:
        print("smoke test FAILED: nothing packaged", file=sys.stderr)
        return 1

    if args.measure:
        size, files = folder_size(app_dir)
        times = measure_start(app_dir)
        print(
            f"onedir: {size / 1e6:.1f} MB, {files} files; start to first window and exit (offscreen): median "
            f"{statistics.median(times):.2f} s ({min(times):.2f}–{max(times):.2f}) over {len(times)} runs",
            flush=True,
        )
        if not IS_WINDOWS and shutil.which("Xvfb"):
            shown, cpu = measure_first_window(app_dir)
            print(
                f"start to main window mapped (Xvfb, xcb): median {statistics.median(shown):.2f} s "
                f"({min(shown):.2f}–{max(shown):.2f}) over {len(shown)} runs; CPU time used by then: median "
                f"{statistics.median(cpu):.2f} s ({min(cpu):.2f}–{max(cpu):.2f}); load {os.getloadavg()[0]:.1f}",
                flush=True,
            )

    if not args.no_package:
        if IS_WINDOWS:
            out = compile_installer(version, app_dir, DIST / f"{APP_DIR_NAME}-{version}-setup.exe")
        else:
            out = package_tar(app_dir, version)
        print(f"package: {out} ({out.stat().st_size / 1e6:.1f} MB)", flush=True)

    if args.installer_check:
        print("installer check (makensis + wine)", flush=True)
        check = installer_check(app_dir, version)
        if not check.ok:
            print("installer check FAILED", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
