"""One look on paper (issue 13): the Qt PDF prints at the point sizes of the .docx (±0,05 pt), the
.docx carries clean metadata, short tables are kept whole by both writers, and — where LibreOffice is
installed — Word's rendering of the .docx has the same number of pages as the Qt PDF."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from cchc_desktop.core.db import Database
from cchc_desktop.core.enums import ReportType
from cchc_desktop.core.periods import PeriodSpec
from cchc_desktop.reports.document import Document, Table
from cchc_desktop.reports.docx_writer import write_docx
from cchc_desktop.reports.export import build_report
from tests.reports.conftest import OPTIONS

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CASES = {"r1": (ReportType.QUALITY, "2024"), "r2": (ReportType.CCHC, "2024-H1")}


@pytest.fixture(scope="module", params=sorted(CASES))
def built(request: pytest.FixtureRequest, demo_copy: Database, tmp_path_factory: pytest.TempPathFactory,
          qapp: object) -> tuple[Document, Path, Path]:  # fmt: skip
    from cchc_desktop.reports.qt_writer import write_pdf

    kind, key = CASES[request.param]
    with demo_copy.session() as s:
        doc = build_report(s, kind, PeriodSpec.parse(key), OPTIONS)
    folder = tmp_path_factory.mktemp(request.param)
    return doc, write_docx(doc, folder / f"{request.param}.docx"), write_pdf(doc, folder / f"{request.param}.pdf")


def pdf_sizes(path: Path) -> Counter[float]:
    """Effective font size (Tf size × text matrix × CTM) of every piece of text, weighted by length;
    the footnote marks (superscript digits) are left out."""
    sizes: Counter[float] = Counter()
    for page in PdfReader(path).pages:
        def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
            shown = text.strip()
            if not shown:
                return
            scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
            effective = size * scale
            if shown.isdigit() and effective < 10:  # a footnote mark, drawn as a superscript
                return
            sizes[round(effective, 3)] += len(shown)

        page.extract_text(visitor_text=visit)
    return sizes


def docx_sizes(path: Path) -> set[float]:
    sizes = set()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(z.read(name))
                sizes |= {int(el.get(f"{W}val")) / 2 for el in root.iter(f"{W}sz")}
    return sizes


def test_qt_pdf_sizes_are_the_docx_sizes(built: tuple[Document, Path, Path]) -> None:
    doc, word, pdf = built
    allowed = docx_sizes(word)
    found = pdf_sizes(pdf)
    assert {14.0, 13.0, 12.0, 11.0, 10.0} <= allowed
    for size in found:
        assert min(abs(size - a) for a in allowed) <= 0.05, (size, sorted(allowed))
    body = max(found, key=lambda s: found[s])
    assert abs(body - 14.0) <= 0.05  # the body text: 14 pt, not 14,25
    assert any(abs(s - 13.0) <= 0.05 for s in found)  # số, ngày tháng, tiêu ngữ: 13 pt, not 12,75


def test_docx_metadata_is_clean(built: tuple[Document, Path, Path]) -> None:
    import datetime as dt

    doc, word, _pdf = built
    props = docx.Document(str(word)).core_properties
    assert props.title == doc.title and props.author == "SỞ Y TẾ"
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert props.created is not None and abs(props.created.replace(tzinfo=None) - now).days < 2
    with zipfile.ZipFile(word) as z:
        names = z.namelist()
        app = z.read("docProps/app.xml").decode()
        settings = z.read("word/settings.xml").decode()
    assert not any("thumbnail" in n for n in names)
    assert "Macintosh" not in app and "<Application>cchc_desktop</Application>" in app
    assert re.search(r'compatibilityMode"[^>]*w:val="15"', settings)


def test_short_tables_are_kept_whole_in_both_writers(built: tuple[Document, Path, Path], qapp: object) -> None:
    from cchc_desktop.reports.qt_writer import Layout

    doc, word, _pdf = built
    tables = [b for b in doc.noi_dung if isinstance(b, Table)]
    if not tables:
        pytest.skip("no data table in this report")
    assert all(t.kept_whole for t in tables)
    data = docx.Document(str(word)).tables[1]  # [0] is the header
    for row in data.rows[:-1]:
        assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
    layout = Layout(doc)
    for table in layout.built.tables_atomic[1:-1]:  # between the header and the signature
        rect = layout.layout.frameBoundingRect(table)
        assert any(p.top <= rect.top() and rect.bottom() <= p.bottom + 1 for p in layout.pages)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_paginates_the_docx_like_the_qt_pdf(built: tuple[Document, Path, Path], tmp_path: Path) -> None:
    doc, word, pdf = built
    run = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(word)],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    rendered = tmp_path / f"{word.stem}.pdf"
    assert run.returncode == 0 and rendered.exists(), run.stderr
    assert len(PdfReader(rendered).pages) == len(PdfReader(pdf).pages)
