"""Reading report files: bytes → normalised text plus the tables they hold.

Supported: plain text (.txt), Markdown (.md), HTML (.html/.htm), Word (.docx)
and PDF (.pdf, text layer).  Every reader returns a :class:`Document` whose
``text`` keeps the block structure (one line per paragraph or table row) and
whose ``tables`` hold each data table as a grid of cell texts with row and
column spans expanded.  Both are normalised (see :mod:`.normalize`).

Failures raise :class:`ReadError` with a reason a person can act on.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .normalize import MojibakeSpan, normalize_text

SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")

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
    #: the file's own metadata: HTML ``<meta name=… content=…>`` pairs, PDF ``pdf:CreationDate`` …
    metadata: dict[str, str] = field(default_factory=dict)


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


def _html_parts(html_text: str, metadata: dict[str, str] | None = None) -> tuple[str, list[list[list[str]]]]:
    """Raw (un-normalised) block text and table grids of an HTML page (named ``<meta>`` into ``metadata``)."""
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

    if metadata is not None:
        for meta in root.iter("meta"):
            name, content = (meta.get("name") or meta.get("property") or "").strip(), meta.get("content")
            if name and content and content.strip():
                metadata.setdefault(name, content.strip())
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


# --------------------------------------------------------------------------- PDF


def _pdf_text(data: bytes, metadata: dict[str, str] | None = None) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
        if metadata is not None and info.get("/CreationDate"):
            metadata["pdf:CreationDate"] = str(info["/CreationDate"])
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ReadError(f"unreadable PDF: {exc}") from exc
    text = "\n".join(pages)
    if not re.search(r"[\u3400-\u9fff]", text):
        raise ReadError("PDF has no Chinese text layer (scanned image?); OCR is not supported")
    return text


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
    if suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise ReadError("not a PDF file (no %PDF header)")
        metadata: dict[str, str] = {}
        doc = _normalise(str(path), "pdf", _pdf_text(data, metadata), [], None)
        doc.metadata = metadata
        return doc
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
        metadata = {}
        body, tables = _html_parts(text, metadata)
        doc = _normalise(str(path), "html", body, tables, encoding)
        doc.metadata = metadata
        return doc
    if suffix in (".md", ".markdown"):
        body, tables = _markdown_parts(text)
        return _normalise(str(path), "md", body, tables, encoding)
    return _normalise(str(path), "txt", text, [], encoding)
