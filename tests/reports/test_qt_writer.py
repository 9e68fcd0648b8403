"""The Qt writer: the same document on A4 as PDF, print preview and printer, with the same content as
the Word file (every line, the footnotes on the page of their mark) and no Word or LibreOffice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget

from cchc_desktop.reports.document import Document
from cchc_desktop.reports.qt_writer import (
    Layout,
    _merge,
    _snap,
    print_document,
    print_preview_dialog,
    print_with_dialog,
    render_page_images,
    write_pdf,
)

pytestmark = pytest.mark.usefixtures("qapp")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", path.read_bytes()))


@pytest.fixture(scope="module")
def r1_layout(r1: Document, qapp: object) -> Layout:
    return Layout(r1)


def test_pdf_of_r1_has_every_page(r1: Document, r1_layout: Layout, tmp_path: Path) -> None:
    path = write_pdf(r1, tmp_path / "r1.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    assert pdf_pages(path) == len(r1_layout.pages) >= 3
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_pages_hold_the_same_text_as_the_document(r1: Document, r1_layout: Layout) -> None:
    pages = r1_layout.page_texts()
    # A paragraph may run on over a page break (wrapped at a space or after a "/"), with the page's
    # footnotes below it: leave the footnotes out and join the pages as they were cut.
    footnote = re.compile(r"^\d+ (Tính|Thực hiện)")
    body = squash(
        "".join("\n".join(line for line in page.split("\n") if not footnote.match(line)) for page in pages)
    )
    for line in r1.text().splitlines():
        if re.match(r"^\d+\. (Tính|Thực hiện)", line):  # footnotes, checked below
            continue
        assert squash(line) in body, line
    first = squash(pages[0])
    assert first.startswith("UBND TỈNH KHÁNH HÒA")
    assert "1 Tính từ ngày 15/12/2023 đến ngày 14/12/2024." in pages[0]  # the footnote sits with its mark
    assert "Lê Văn Khoa" in pages[-1] and "Nơi nhận:" in pages[-1]


def test_cuts_never_split_a_line_and_footnotes_fit(r1_layout: Layout) -> None:
    merged = _merge(sorted(r1_layout._forbidden()))
    height = r1_layout.page_height
    for page in r1_layout.pages[:-1]:
        assert not any(a + 0.5 < page.bottom < b - 0.5 for a, b in merged)
        used = page.bottom - page.top + r1_layout._footnote_height(page.footnotes)
        assert used <= height + 0.5
    tops = [p.top for p in r1_layout.pages]
    assert tops == sorted(tops) and tops[0] == 0


def test_snap_moves_a_cut_out_of_a_line_but_not_before_the_page_top() -> None:
    spans = _merge([(0, 10), (10, 20), (15, 30), (40, 50)])
    assert spans == [(0, 10), (10, 30), (40, 50)]
    assert _snap(0, 25, spans) == 10
    assert _snap(0, 35, spans) == 35
    assert _snap(10, 25, spans) == 25  # the interval starts at the page top: cut where the page ends


def test_page_images_for_the_live_preview(r1: Document, r1_layout: Layout) -> None:
    images = render_page_images(r1, dpi=48)
    assert len(images) == len(r1_layout.pages)
    image = images[0]
    assert abs(image.height() / image.width() - 297 / 210) < 0.01
    inked = sum(
        1
        for y in range(0, image.height(), 4)
        for x in range(0, image.width(), 4)
        if QColor(image.pixel(x, y)).lightness() < 128
    )
    assert inked > 100


def test_printing_to_a_pdf_printer(r1: Document, r1_layout: Layout, tmp_path: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_document(r1, printer)
    assert pdf_pages(tmp_path / "printed.pdf") == len(r1_layout.pages)


def test_print_dialog_cancelled_prints_nothing_accepted_prints(r1: Document, tmp_path: Path) -> None:
    assert print_with_dialog(r1, run_dialog=lambda dialog: False) is False

    def accept(dialog: object) -> bool:
        printer = dialog.printer()  # type: ignore[attr-defined]
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "dialog.pdf"))
        return True

    assert print_with_dialog(r1, run_dialog=accept) is True
    assert (tmp_path / "dialog.pdf").read_bytes().startswith(b"%PDF")


def test_print_preview_paints_without_blocking(r1: Document, qtbot: object) -> None:
    dialog = print_preview_dialog(r1)
    painted: list[QPrinter] = []
    dialog.paintRequested.connect(painted.append)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.windowTitle() == "Xem trước khi in"  # type: ignore[attr-defined]
    QTimer.singleShot(0, dialog.close)  # type: ignore[attr-defined]
    dialog.show()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(painted))  # type: ignore[attr-defined]
    preview = dialog.findChild(QPrintPreviewWidget)  # type: ignore[attr-defined]
    assert preview.pageCount() == len(Layout(r1).pages)
