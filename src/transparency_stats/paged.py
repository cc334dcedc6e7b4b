"""PDF and scanned pages: the text layer through pdfium, pages without one (and image files) by OCR.

A PDF page with fewer than :data:`MIN_PAGE_CJK` Chinese characters in its text layer and an image
on it is rendered and recognised (:mod:`.ocr`); ruled tables become grids (:mod:`.ocr_geometry`).
:func:`.reading.read_document` turns the :class:`Pages` read here into a ``Document``.
"""

from __future__ import annotations

import io
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import ReadError
from .ocr import RENDER_DPI, OcrLine, OcrPage
from .ocr_geometry import OcrTable, TextBox

#: Environment variable and default: a PDF with more pages is refused with an error row.
MAX_PDF_PAGES_ENV = "TRANSPARENCY_STATS_MAX_PDF_PAGES"
MAX_PDF_PAGES = 300
#: Environment variable and default: a file with more pages to recognise by OCR is refused.
MAX_OCR_PAGES_ENV = "TRANSPARENCY_STATS_MAX_OCR_PAGES"
MAX_OCR_PAGES = 100
#: A PDF page with fewer CJK characters in its text layer than this, and an image, is recognised by OCR.
MIN_PAGE_CJK = 10

CJK_RE = re.compile(r"[\u3400-\u9fff]")


def _cjk_count(text: str, enough: int) -> int:
    """How many CJK characters ``text`` holds, counted up to ``enough`` (a page's text need not be counted in full)."""
    return sum(1 for _ in itertools.islice(CJK_RE.finditer(text), enough))


def _limit(env: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(env, default)))
    except ValueError:
        return default


@dataclass
class Pages:
    """Raw text of a paged file, with the recognised lines behind its OCR part."""

    texts: list[str]
    ocr: dict[int, OcrPage]  # page index -> what was recognised (OCR pages only)
    #: the file's own metadata (``pdf:CreationDate``)
    metadata: dict[str, str] = field(default_factory=dict)

    def assemble(self) -> tuple[str, dict[int, OcrLine], list[tuple[int, OcrTable]]]:
        """Text of all pages, a map from its line numbers to OCR lines, and the ruled tables by page."""
        parts: list[str] = []
        lines: dict[int, OcrLine] = {}
        tables: list[tuple[int, OcrTable]] = []
        line_no = 0
        for i, text in enumerate(self.texts):
            if i in self.ocr:
                page_lines = _page_lines(self.ocr[i], i + 1)
                for ocr_line in page_lines:
                    lines[line_no] = ocr_line
                    line_no += 1
                text = "\n".join(ocr_line.text.replace("\n", " ") for ocr_line in page_lines)
                tables.extend((i + 1, table) for table in self.ocr[i].tables)
            else:
                line_no += text.count("\n") + 1
            parts.append(text)
        return "\n".join(parts), lines, tables


def _page_lines(page: OcrPage, number: int) -> list[OcrLine]:
    """A scanned page's lines, each ruled table's lines replaced by its grid rows (as HTML tables give text)."""
    out: list[OcrLine] = []
    emitted: set[int] = set()
    for line in page.lines:
        holder = next((k for k, table in enumerate(page.tables) if all(_inside(b, table.region) for b in line.boxes)),
                      None)
        if holder is None:
            out.append(line)
            continue
        if holder in emitted:
            continue
        emitted.add(holder)
        table = page.tables[holder]
        rows, cols = table.shape
        for r, row in enumerate(table.cells):
            cells = [c for c in row if c]
            if cells:
                boxes = [b for c in range(cols) for b in table.boxes_at(r, c)]
                text_boxes = [TextBox(" ".join(cells), min((b.confidence for b in boxes), default=0.0),
                                      *table.region)]
                out.append(OcrLine(number, boxes or text_boxes, " ".join(cells)))
    return out


def _inside(box: TextBox, region: tuple[int, int, int, int]) -> bool:
    cx, cy = (box.x0 + box.x1) / 2, box.yc
    return region[0] <= cx <= region[2] and region[1] <= cy <= region[3]


def _open_pdf(data: bytes) -> object:
    """A pdfium document; AES- or RC4-encrypted files open with the empty password, others fail."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data, password="")
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise ReadError("encrypted PDF that needs a password to open") from exc
        raise ReadError(f"unreadable PDF: {reason}") from exc


def _page_has_image(page: object) -> bool:
    import pypdfium2.raw as pdfium_c

    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))  # type: ignore[attr-defined]


def pdf_pages(data: bytes, label: str) -> Pages:
    """Text layer of each page (pdfium), and OCR of the pages that have an image but no usable text."""
    import threading

    pdf = _open_pdf(data)
    try:
        count = len(pdf)  # type: ignore[arg-type]
        limit = _limit(MAX_PDF_PAGES_ENV, MAX_PDF_PAGES)
        if count > limit:
            raise ReadError(f"PDF has {count} pages, more than the limit of {limit} "
                            f"(set {MAX_PDF_PAGES_ENV} to read longer files)")
        texts: list[str] = []
        scanned: list[int] = []
        for i in range(count):
            page = pdf[i]  # type: ignore[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            textpage.close()
            if _cjk_count(text, MIN_PAGE_CJK) < MIN_PAGE_CJK and _page_has_image(page):
                scanned.append(i)
            page.close()
            texts.append(text)
        ocr: dict[int, OcrPage] = {}
        if scanned:
            _check_ocr_pages(len(scanned))
            lock = threading.Lock()  # pdfium is not thread-safe: pages render one at a time

            def render(i: int) -> object:
                with lock:
                    page = pdf[i]  # type: ignore[index]
                    try:
                        return page.render(scale=RENDER_DPI / 72, grayscale=False).to_numpy()
                    finally:
                        page.close()

            ocr = _recognise(render, scanned, label)
        pages = Pages(texts, ocr)
        created = pdf.get_metadata_dict().get("CreationDate")  # type: ignore[attr-defined]
        if created:
            pages.metadata["pdf:CreationDate"] = str(created)
        return pages
    except ReadError:
        raise
    except Exception as exc:  # pdfium raises its own error type for damaged files
        if type(exc).__name__ == "PdfiumError":
            raise ReadError(f"unreadable PDF: {exc}") from exc
        raise
    finally:
        pdf.close()  # type: ignore[attr-defined]


def _check_ocr_pages(count: int) -> None:
    limit = _limit(MAX_OCR_PAGES_ENV, MAX_OCR_PAGES)
    if count > limit:
        raise ReadError(f"{count} scanned pages to recognise, more than the limit of {limit} "
                        f"(set {MAX_OCR_PAGES_ENV} to read longer scans)")


def _recognise(render: Callable[[int], object], pages: list[int], label: str) -> dict[int, OcrPage]:
    from .ocr import OcrUnavailable, recognise_pages

    try:
        return recognise_pages(render, pages, label)
    except OcrUnavailable as exc:
        raise ReadError(f"scanned pages need OCR: {exc}") from exc


def image_pages(data: bytes, label: str) -> Pages:
    """Every frame of an image file (PNG, JPEG, TIFF), recognised by OCR."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ReadError(f"unreadable image: {exc}") from exc
    _check_ocr_pages(frames)

    def render(i: int) -> object:
        import numpy as np

        image.seek(i)
        return np.asarray(image.convert("RGB"))

    # PIL frames are read one at a time: decode them first, then recognise in parallel
    try:
        images = [render(i) for i in range(frames)]
    except (OSError, ValueError) as exc:
        raise ReadError(f"unreadable image: {exc}") from exc
    ocr = _recognise(lambda i: images[i], list(range(frames)), label)
    return Pages([""] * frames, ocr)
