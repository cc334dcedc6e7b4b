"""Reading report files: bytes → normalised text plus the tables they hold.

Supported: plain text (.txt), Markdown (.md), HTML (.html/.htm), Word (.docx),
PDF (.pdf: text layer through pdfium; pages without one are recognised by OCR)
and scanned pages as images (.png, .jpg, .tif).  Every reader returns a :class:`Document` whose
``text`` keeps the block structure (one line per paragraph or table row) and
whose ``tables`` hold each data table as a grid of cell texts with row and
column spans expanded.  Both are normalised (see :mod:`.normalize`).

Failures raise :class:`ReadError` with a reason a person can act on.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .normalize import MojibakeSpan, normalize_text
from .ocr import RENDER_DPI, OcrLine, OcrPage
from .ocr_geometry import OcrTable, TextBox

#: Scanned pages as image files, read by OCR.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf") + IMAGE_SUFFIXES

_CELL_SEP = "\x1f"
_ROW_SEP = "\x1e"
_TABLE_SEP = "\x1d"


class ReadError(Exception):
    """A file that cannot be read as a report; the message says why."""


Grid = list[list[str]]


@dataclass
class Document:
    """A report's text and tables after decoding and normalisation."""

    path: str
    kind: str
    text: str
    tables: list[Grid] = field(default_factory=list)
    encoding: str | None = None
    mojibake: list[MojibakeSpan] = field(default_factory=list)
    #: pages of a PDF or image file (0 for other kinds)
    pages: int = 0
    #: 1-based numbers of the pages read by OCR
    ocr_pages: list[int] = field(default_factory=list)
    #: line number of ``text`` → the recognised line it came from (OCR pages only)
    ocr_lines: dict[int, OcrLine] = field(default_factory=dict)
    #: index in ``tables`` → (1-based page, ruled table recognised there), for scanned pages
    ocr_tables: dict[int, tuple[int, OcrTable]] = field(default_factory=dict)


# --------------------------------------------------------------------------- bytes


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding).

    BOMs first (UTF-8, UTF-16), then strict UTF-8, then a declared charset, then
    charset-normalizer's best guess.  GBK and GB2312 are decoded as GB18030, their
    superset.  Raises :class:`ReadError` for empty, binary or undecodable input.
    """
    if not data.strip():
        raise ReadError("empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _reject_binary(text)
        return text, "utf-8"
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM has a NUL in every other byte of ASCII text.
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text, encoding
        raise ReadError("binary file (NUL bytes; not a text report)")
    candidates = []
    if declared:
        candidates.append(_gb_superset(declared))
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        candidates.append(_gb_superset(best.encoding))
    candidates.append("gb18030")
    for encoding in dict.fromkeys(candidates):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_text(text):
            return text, encoding
    raise ReadError("undecodable bytes: not UTF-8, UTF-16 or GB18030 text")


def _gb_superset(encoding: str) -> str:
    name = encoding.lower().replace("_", "").replace("-", "")
    if name in ("gbk", "gb2312", "cp936", "euccn", "hz", "gb18030", "ms936"):
        return "gb18030"
    return encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReadError(f"undecodable bytes: invalid {encoding} at byte {exc.start}") from exc
    _reject_binary(text)
    return text


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    control = len(_CONTROL_RE.findall(text))
    return control / len(text) < 0.01


def _reject_binary(text: str) -> None:
    if not _looks_like_text(text):
        raise ReadError("binary file (control characters; not a text report)")


# --------------------------------------------------------------------------- HTML

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "hr",
    "tbody", "thead", "caption", "center", "form", "nav", "main", "aside", "title",
}
_DROP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "svg", "head"}
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


def _html_parts(html_text: str) -> tuple[str, list[list[list[str]]]]:
    """Raw (un-normalised) block text and table grids of an HTML page."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(html_text)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"unparsable HTML: {exc}") from exc
    lines: list[str] = []
    current: list[str] = []
    tables: list[list[list[str]]] = []

    def flush() -> None:
        line = "".join(current).strip()
        if line:
            lines.append(line)
        current.clear()

    def walk(element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag in _DROP_TAGS:
            # comments, processing instructions, scripts: drop, keep their tail
            if element.tail:
                current.append(element.tail)
            return
        if tag == "table" and not element.xpath(".//table"):
            flush()
            grid = _html_grid(element)
            if grid:
                tables.append(grid)
                for row in grid:
                    lines.append(" ".join(c for c in row if c))
            if element.tail:
                current.append(element.tail)
            return
        block = tag in _BLOCK_TAGS or tag in ("td", "th")
        if block:
            flush()
        if element.text:
            current.append(element.text)
        for child in element:
            walk(child)
        if tag in ("td", "th"):
            current.append(" ")
        if block:
            flush()
        if element.tail:
            current.append(element.tail)

    title = root.find("head/title")
    if title is not None and title.text and title.text.strip():
        lines.append(title.text.strip())  # the page title often is the report's title
    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return "\n".join(lines), tables


def _cell_text(cell: object) -> str:
    text = "".join(cell.itertext())  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip() or 1), 200))
    except ValueError:
        return 1


def _html_grid(table: object) -> list[list[str]]:
    """Rows of cell texts with rowspan/colspan expanded (copies of the spanning text)."""
    grid: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows left, text)

    def fill_spanned(row: list[str], col: int) -> int:
        """Copy cells still spanning down from rows above, from ``col`` on; returns the next column."""
        while col in pending:
            left, text = pending[col]
            row.append(text)
            if left <= 1:
                del pending[col]
            else:
                pending[col] = (left - 1, text)
            col += 1
        return col

    for tr in table.iter("tr"):  # type: ignore[attr-defined]
        row: list[str] = []
        col = 0
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        for cell in cells:
            col = fill_spanned(row, col)
            text = _cell_text(cell)
            rowspan = _span(cell.get("rowspan"))
            for _ in range(_span(cell.get("colspan"))):
                row.append(text)
                if rowspan > 1:
                    pending[col] = (rowspan - 1, text)
                col += 1
        fill_spanned(row, col)
        if any(c for c in row):
            grid.append(row)
    return grid


# --------------------------------------------------------------------------- DOCX


def _docx_parts(data: bytes) -> tuple[str, list[list[list[str]]]]:
    import zipfile

    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise ReadError("python-docx is not installed") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"not a readable .docx file: {exc}") from exc
    lines: list[str] = []
    tables: list[list[list[str]]] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text.strip()
            if text:
                lines.append(text)
        elif tag == "tbl":
            table = Table(child, document)
            grid = []
            for row in table.rows:
                cells = [re.sub(r"\s+", " ", c.text).strip() for c in row.cells]
                if any(cells):
                    grid.append(cells)
            if grid:
                tables.append(grid)
                lines.extend(" ".join(c for c in row if c) for row in grid)
    return "\n".join(lines), tables


# --------------------------------------------------------------------------- PDF and scans

#: Environment variable and default: a PDF with more pages is refused with an error row.
MAX_PDF_PAGES_ENV = "TRANSPARENCY_STATS_MAX_PDF_PAGES"
MAX_PDF_PAGES = 300
#: Environment variable and default: a file with more pages to recognise by OCR is refused.
MAX_OCR_PAGES_ENV = "TRANSPARENCY_STATS_MAX_OCR_PAGES"
MAX_OCR_PAGES = 100
#: A PDF page with fewer CJK characters in its text layer than this, and an image, is recognised by OCR.
MIN_PAGE_CJK = 10

_CJK_RE = re.compile(r"[\u3400-\u9fff]")


def _limit(env: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(env, default)))
    except ValueError:
        return default


@dataclass
class _Pages:
    """Raw text of a paged file, with the recognised lines behind its OCR part."""

    texts: list[str]
    ocr: dict[int, OcrPage]  # page index -> what was recognised (OCR pages only)

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


def _pdf_pages(data: bytes, label: str) -> _Pages:
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
            if len(_CJK_RE.findall(text)) < MIN_PAGE_CJK and _page_has_image(page):
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
        return _Pages(texts, ocr)
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


def _image_pages(data: bytes, label: str) -> _Pages:
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
    return _Pages([""] * frames, ocr)


# --------------------------------------------------------------------------- Markdown


def _markdown_parts(text: str) -> tuple[str, list[list[list[str]]]]:
    """Markdown: pipe tables become grids; the rest is text."""
    tables: list[list[list[str]]] = []
    lines: list[str] = []
    grid: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            grid.append(cells)
            lines.append(" ".join(c for c in cells if c))
            continue
        if grid:
            tables.append(grid)
            grid = []
        lines.append(re.sub(r"^#{1,6}\s*|[*_`]{1,3}", "", line))
    if grid:
        tables.append(grid)
    return "\n".join(lines), tables


# --------------------------------------------------------------------------- entry


def _normalise(path: str, kind: str, raw_text: str, raw_tables: list[Grid], encoding: str | None) -> Document:
    """Normalise text and all table cells in one pass (OpenCC is called once)."""
    packed_tables = _TABLE_SEP.join(
        _ROW_SEP.join(_CELL_SEP.join(c.replace(_CELL_SEP, " ") for c in row) for row in grid)
        for grid in raw_tables
    )
    combined = raw_text + _TABLE_SEP + _TABLE_SEP + packed_tables
    normalized = normalize_text(combined)
    text, _, packed = normalized.text.partition(_TABLE_SEP + _TABLE_SEP)
    tables: list[Grid] = []
    if packed:
        for packed_grid in packed.split(_TABLE_SEP):
            tables.append([row.split(_CELL_SEP) for row in packed_grid.split(_ROW_SEP)])
        tables = [[[c.strip() for c in row] for row in grid] for grid in tables]
    spans = [s for s in normalized.mojibake if s.start < len(raw_text)]
    return Document(path, kind, text, tables, encoding, spans)


def _read_paged(path: Path, suffix: str, data: bytes) -> Document:
    """A PDF (text layer, scanned pages by OCR) or an image file (OCR)."""
    if suffix == ".pdf":
        if b"%PDF" not in data[:1024]:
            raise ReadError("not a PDF file (no %PDF header)")
        pages = _pdf_pages(data, path.name)
        kind = "pdf"
    else:
        pages = _image_pages(data, path.name)
        kind = "image"
    raw_text, lines, ocr_tables = pages.assemble()
    if not _CJK_RE.search(raw_text):
        if kind == "pdf" and not pages.ocr:
            raise ReadError("PDF has no Chinese text layer and no scanned page images")
        raise ReadError("no Chinese text found (text layer and OCR)")
    doc = _normalise(str(path), kind, raw_text, [table.cells for _, table in ocr_tables], None)
    doc.ocr_tables = dict(enumerate(ocr_tables))
    doc.pages = len(pages.texts)
    doc.ocr_pages = sorted(i + 1 for i in pages.ocr)
    if lines and doc.text.count("\n") != raw_text.count("\n"):
        # normalisation changed the line count: OCR figures could not be traced to their boxes and checked
        raise ReadError("OCR text could not be traced back to its page boxes")
    doc.ocr_lines = lines
    return doc


def read_document(path: str | Path) -> Document:
    """Read one report file into a normalised :class:`Document`.

    Raises :class:`ReadError` (missing, empty, binary, undecodable, unsupported
    or unparsable files) with the reason.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        if suffix == ".doc":
            raise ReadError("legacy .doc (Word 97-2003) is not supported; save it as .docx")
        raise ReadError(f"unsupported file type {suffix or '(none)'}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise ReadError("empty file")
    if suffix == ".pdf" or suffix in IMAGE_SUFFIXES:
        return _read_paged(path, suffix, data)
    if suffix == ".docx":
        if not data.startswith(b"PK"):
            raise ReadError("not a .docx file (not a ZIP container)")
        text, tables = _docx_parts(data)
        return _normalise(str(path), "docx", text, tables, None)
    declared = None
    if suffix in (".html", ".htm"):
        match = _CHARSET_RE.search(data[:4096])
        declared = match.group(1).decode("ascii", "ignore") if match else None
    text, encoding = decode_bytes(data, declared=declared)
    if suffix in (".html", ".htm"):
        body, tables = _html_parts(text)
        return _normalise(str(path), "html", body, tables, encoding)
    if suffix in (".md", ".markdown"):
        body, tables = _markdown_parts(text)
        return _normalise(str(path), "md", body, tables, encoding)
    return _normalise(str(path), "txt", text, [], encoding)
