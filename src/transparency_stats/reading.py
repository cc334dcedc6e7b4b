"""Reading report files: bytes → normalised text plus the tables they hold.

Supported: plain text (.txt), Markdown (.md), HTML (.html/.htm), Word (.docx),
PDF (.pdf: text layer through pdfium; pages without one are recognised by OCR)
and scanned pages as images (.png, .jpg, .tif).  Every reader returns a :class:`Document` whose
``text`` keeps the block structure (one line per paragraph or table row) and
whose ``tables`` hold each data table as a grid of cell texts with row and
column spans expanded.  Both are normalised (see :mod:`.normalize`).

Failures raise :class:`ReadError` with a reason a person can act on.  What one
file may expand to is bounded by :data:`LIMITS` (see :class:`Limits`).

PDF pages and scans are read in :mod:`.paged`.  The text, HTML, DOCX and Markdown readers stay
together here (about 700 lines) because they share the byte decoding, the :class:`Limits` every
hostile-input bound reads, and the :class:`Document` they all return.
"""

from __future__ import annotations

import codecs
import contextvars
import dataclasses
import functools
import io
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ReadError
from .normalize import MASK, MojibakeSpan, normalize_text
from .paged import CJK_RE, image_pages, pdf_pages
from .schema import Issue

if TYPE_CHECKING:
    from .ocr import OcrLine
    from .ocr_geometry import OcrTable

#: Scanned pages as image files, read by OCR.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf") + IMAGE_SUFFIXES

_CELL_SEP = "\x1f"
_ROW_SEP = "\x1e"
_TABLE_SEP = "\x1d"


# --------------------------------------------------------------------------- limits

_ENV_PREFIX = "TRANSPARENCY_STATS_"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input file may cost; a file beyond one is an error row.

    Each field can be raised for a run with :func:`set_limits`, per call with
    ``read_document(path, limits=...)``, or through the environment variable
    ``TRANSPARENCY_STATS_<FIELD>`` (upper case; read at import, so it also
    reaches worker processes), e.g. ``TRANSPARENCY_STATS_MAX_TEXT_BYTES=50000000``.
    """

    #: Size of a text, Markdown or HTML file (HTML counted without inline ``data:`` images).
    max_text_bytes: int = 10_000_000
    #: Cells one HTML table may expand to once its rowspan/colspan are copied out.
    max_table_cells: int = 100_000
    #: Element nesting depth of an HTML page (deeper pages are refused, never cut short);
    #: at most 2,048, the HTML parser's own ceiling.
    max_html_depth: int = 2_000
    #: Decompressed size of all parts of a .docx together (a ZIP bomb stops here).
    max_docx_unpacked_bytes: int = 200_000_000
    #: Undecodable bytes replaced (and warned about) before a file counts as undecodable.
    max_decode_errors: int = 100

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """Defaults, overridden by ``TRANSPARENCY_STATS_<FIELD>`` variables."""
        environ = dict(os.environ if environ is None else environ)
        changes = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(_ENV_PREFIX + f.name.upper())
            if raw:
                try:
                    changes[f.name] = int(raw.replace("_", ""))
                except ValueError:
                    raise ValueError(f"{_ENV_PREFIX + f.name.upper()} must be an integer, not {raw!r}") from None
        return cls(**changes)


#: The limits in force; replace with :func:`set_limits`.
LIMITS = Limits.from_env()


def set_limits(**changes: int) -> Limits:
    """Change the limits in force for this process (e.g. ``set_limits(max_text_bytes=10**8)``)."""
    global LIMITS
    LIMITS = dataclasses.replace(LIMITS, **changes)
    return LIMITS


def _over_limit(what: str, name: str, value: int) -> ReadError:
    """The error for a file beyond a limit, naming the limit and how to raise it."""
    return ReadError(
        f"{what} exceeds the limit {name}={value:,} "
        f"(raise it with {_ENV_PREFIX}{name.upper()} or reading.set_limits({name}=...))"
    )


Grid = list[list[str]]


@dataclass
class Document:
    """A report's text and tables after decoding and normalisation.

    ``issues`` are warnings found while reading (undecodable bytes replaced, …);
    their ``source_file`` is the path read.
    """

    path: str
    kind: str
    text: str
    tables: list[Grid] = field(default_factory=list)
    encoding: str | None = None
    mojibake: list[MojibakeSpan] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    #: pages of a PDF or image file (0 for other kinds)
    pages: int = 0
    #: 1-based numbers of the pages read by OCR
    ocr_pages: list[int] = field(default_factory=list)
    #: line number of ``text`` → the recognised line it came from (OCR pages only)
    ocr_lines: dict[int, OcrLine] = field(default_factory=dict)
    #: index in ``tables`` → (1-based page, ruled table recognised there), for scanned pages
    ocr_tables: dict[int, tuple[int, OcrTable]] = field(default_factory=dict)
    #: the file's own metadata: HTML ``<meta name=… content=…>`` pairs, PDF ``pdf:CreationDate`` …
    metadata: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- bytes


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding).

    BOMs first (UTF-8, UTF-16), then strict UTF-8, then a declared charset, then
    charset-normalizer's best guess.  GBK and GB2312 are decoded as GB18030, their
    superset.  A few undecodable bytes (a stray byte, a file cut mid-character)
    are replaced with U+FFFD, and so are the digits touching them (see
    :func:`decode_report_bytes` for where).  Raises :class:`ReadError` for empty,
    binary or undecodable input.
    """
    text, encoding, _ = decode_report_bytes(data, declared=declared)
    return text, encoding


@dataclass
class BadBytes:
    """A run of undecodable bytes replaced while decoding."""

    byte_start: int
    byte_end: int
    char_start: int  # where the masked text starts in the decoded text
    masked: str  # the decoded text that was masked (U+FFFD for the bytes, plus touching digits)
    raw: bytes


_BAD = "\U0010fffd"  # placeholder for a replaced byte run while decoding
_NUMBER_CHARS = "0-9０-９.,，．零〇一二三四五六七八九十百千万亿两"
_AROUND_BAD_RE = re.compile(rf"[{_NUMBER_CHARS}]*{_BAD}+[{_NUMBER_CHARS}]*")
_bad_runs: contextvars.ContextVar[tuple[list[tuple[int, int]], int]] = contextvars.ContextVar("_bad_runs")


class _TooManyBadBytes(Exception):
    pass


def _record_bad_bytes(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    runs, limit = _bad_runs.get()
    runs.append((exc.start, exc.end))
    if len(runs) > limit:
        raise _TooManyBadBytes
    return _BAD, exc.end


codecs.register_error("transparency_stats.record_bad_bytes", _record_bad_bytes)


def _decode_tolerant(data: bytes, encoding: str, limit: int, offset: int = 0) -> tuple[str, list[BadBytes]] | None:
    """Decode replacing undecodable byte runs; None when there are more than ``limit``.

    Each run becomes U+FFFD, and digits or numerals touching it are masked too
    (a number with a broken byte inside is no number).
    """
    runs: list[tuple[int, int]] = []
    token = _bad_runs.set((runs, limit))
    try:
        text = data.decode(encoding, "transparency_stats.record_bad_bytes")
    except (_TooManyBadBytes, LookupError):
        return None
    finally:
        _bad_runs.reset(token)
    if not runs:
        return text, []
    bad: list[BadBytes] = []
    pieces: list[str] = []
    last = 0
    run_iter = iter(runs)
    for match in _AROUND_BAD_RE.finditer(text):
        pieces.append(text[last : match.start()])
        masked = match.group().replace(_BAD, MASK)
        pieces.append(MASK * len(masked))
        last = match.end()
        for _ in range(match.group().count(_BAD)):
            start, end = next(run_iter)
            bad.append(BadBytes(start + offset, end + offset, match.start(), masked, data[start:end]))
    pieces.append(text[last:])
    return "".join(pieces), bad


def _decode_utf16(data: bytes, encoding: str) -> tuple[str, list[BadBytes]] | None:
    """UTF-16 strictly, or cut mid-character (one odd last byte); anything else is None.

    A stray byte inside UTF-16 shifts every character after it, so only a
    broken last character can be replaced safely.
    """
    decoded = _decode_tolerant(data, encoding, 1)
    if decoded is None or (decoded[1] and decoded[1][0].byte_end != len(data)):
        return None
    return decoded


def decode_report_bytes(
    data: bytes, *, declared: str | None = None, limits: Limits | None = None
) -> tuple[str, str, list[BadBytes]]:
    """:func:`decode_bytes` that also returns the undecodable byte runs it replaced.

    Strict decodings are tried first, in the order :func:`decode_bytes` gives,
    except that a file that is clearly UTF-8 apart from a few bad runs (ten
    valid non-ASCII characters per run) is taken as UTF-8 before any other
    charset is guessed.  When no strict decoding fits, the first candidate with
    at most ``limits.max_decode_errors`` bad runs is taken.
    """
    limits = limits or LIMITS
    limit = limits.max_decode_errors
    if not data.strip():
        raise ReadError("empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        decoded = _decode_tolerant(data[3:], "utf-8", limit, offset=3)
        if decoded is None:
            raise _over_limit("undecodable bytes: the number of invalid utf-8 places", "max_decode_errors", limit)
        _reject_binary(decoded[0])
        return decoded[0], "utf-8-sig", decoded[1]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        decoded = _decode_utf16(data, "utf-16")
        if decoded is None:
            raise ReadError("undecodable bytes: invalid utf-16 (a UTF-16 text with a broken or extra byte)")
        _reject_binary(decoded[0])
        return decoded[0], "utf-16", decoded[1]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _reject_binary(text, data)
        return text, "utf-8", []
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM has a NUL in every other byte of ASCII text.
        for encoding in ("utf-16-le", "utf-16-be"):
            decoded = _decode_utf16(data, encoding)
            if decoded is not None and _looks_like_text(decoded[0]):
                return decoded[0], encoding, decoded[1]
        raise ReadError("binary file (NUL bytes; not a text report)")
    utf8 = _decode_tolerant(data, "utf-8", limit)
    if utf8 is not None:
        non_ascii = sum(1 for ch in utf8[0] if ord(ch) > 127 and ch != MASK)
        if non_ascii >= 10 * len(utf8[1]) and _looks_like_text(utf8[0]):
            return utf8[0], "utf-8", utf8[1]
    candidates = []
    if declared:
        candidates.append(_gb_superset(declared))
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        candidates.append(_gb_superset(best.encoding))
    candidates.append("gb18030")
    candidates = list(dict.fromkeys(candidates))
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_text(text):
            return text, encoding, []
    for encoding in candidates:
        decoded = _decode_tolerant(data, encoding, limit)
        if decoded is not None and _looks_like_text(decoded[0]):
            return decoded[0], encoding, decoded[1]
    raise _over_limit("undecodable bytes: not UTF-8, UTF-16 or GB18030 text; the number of "
                      "undecodable places in each", "max_decode_errors", limit)


def _gb_superset(encoding: str) -> str:
    name = encoding.lower().replace("_", "").replace("-", "")
    if name in ("gbk", "gb2312", "cp936", "euccn", "hz", "gb18030", "ms936"):
        return "gb18030"
    return encoding


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


#: Every byte but the control characters of :data:`_CONTROL_RE` (deleted to count those).
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b >= 0x80 or not _CONTROL_RE.match(chr(b)))


def _looks_like_text(text: str, utf8: bytes | None = None) -> bool:
    """Fewer than 1 % control characters.  ``utf8``: the bytes ``text`` was decoded from as UTF-8
    (control characters are single bytes there, counted faster)."""
    if not text:
        return False
    if utf8 is not None:
        control = len(utf8.translate(None, _NOT_CONTROL_BYTES))
    else:
        control = len(_CONTROL_RE.findall(text))
    return control / len(text) < 0.01


def _reject_binary(text: str, utf8: bytes | None = None) -> None:
    if not _looks_like_text(text, utf8):
        raise ReadError("binary file (control characters; not a text report)")


# --------------------------------------------------------------------------- HTML

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "hr",
    "tbody", "thead", "caption", "center", "form", "nav", "main", "aside", "title",
}
_LINE_TAGS = tuple(sorted(_BLOCK_TAGS | {"td", "th"}))  # elements that start and end a line
_DROP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "svg", "head"}
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


_PARSER_MAX_DEPTH = 2_048  # libxml2's nesting ceiling, even with huge_tree
_DATA_URI_RE = re.compile(rb";base64,[A-Za-z0-9+/=\s]{1024,}")


def _strip_data_uris(data: bytes) -> bytes:
    """Drop the payload of inline ``data:`` URIs (embedded images): they hold no report text."""
    if b";base64," not in data:
        return data
    return _DATA_URI_RE.sub(b";base64,", data)


def _html_parts(
    html_text: str, limits: Limits | None = None, metadata: dict[str, str] | None = None,
    utf8: bytes | None = None,
) -> tuple[str, list[list[list[str]]]]:
    """Raw (un-normalised) block text and table grids of an HTML page (named ``<meta>`` into ``metadata``).

    Deep pages are parsed in full (``huge_tree``) and read up to ``limits.max_html_depth``
    levels; each table may expand to at most ``limits.max_table_cells`` cells.  The text is
    written by a stylesheet (:func:`_marked_lines`, in C) or, for deep pages and pages holding its
    marker characters, by a Python walk (:func:`_walked_lines`); both give the same lines.
    ``utf8``: the page's bytes when ``html_text`` is their UTF-8 decoding (no BOM); the parser
    reads them instead, the same tree without converting the text back from Python's form.
    """
    from lxml import etree

    limits = limits or LIMITS
    # lxml refuses a str that opens with an XML encoding declaration, not the bytes: the str is read then
    source: str | bytes = html_text if utf8 is None or html_text.startswith("<?xml") else utf8
    try:
        # libxml2's HTML parser as lxml.html uses it, without lxml.html's element classes: a
        # Python class lookup for every element costs more than the parse and is never used here
        parser = etree.HTMLParser(huge_tree=True, encoding="utf-8" if type(source) is bytes else None)
        root = etree.fromstring(source, parser=parser)
        if root is None:
            raise etree.ParserError("Document is empty")
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"unparsable HTML: {exc}") from exc
    if any("Excessive depth" in error.message for error in parser.error_log):
        # libxml2 drops everything below its ceiling: refuse rather than read part of the page
        if limits.max_html_depth < _PARSER_MAX_DEPTH:
            raise _over_limit("HTML nesting depth", "max_html_depth", limits.max_html_depth)
        raise ReadError(f"HTML nested deeper than {_PARSER_MAX_DEPTH:,} levels, the HTML parser's ceiling "
                        "(max_html_depth cannot raise it)")
    lines: list[str] = []
    if metadata is not None:
        for meta in root.iter("meta"):
            name, content = (meta.get("name") or meta.get("property") or "").strip(), meta.get("content")
            if name and content and content.strip():
                metadata.setdefault(name, content.strip())
    title = root.find("head/title")
    if title is not None and title.text and title.text.strip():
        lines.append(title.text.strip())  # the page title often is the report's title
    body = root.find("body")
    start = body if body is not None else root
    tables: list[list[list[str]]] = []
    max_depth = limits.max_html_depth
    marked = _marked_lines(start, limits, tables, _may_hold_marks(source)) if max_depth >= 0 else None
    if marked is None:
        # deep pages (the walk finds the exact element beyond the limit, and so the same error)
        # and pages whose text holds a marker character
        tables.clear()
        marked = _walked_lines(start, limits, tables)
    lines.extend(marked)
    return "\n".join(lines), tables


# Markers in the text :func:`_marked_lines` has libxslt write (private-use characters)
_LINE_MARK = "\ue000"  # a line break: a block element starts or ends
_GRID_MARK = "\ue001"  # after a line mark: a table's rows follow, up to the next line mark
_ROW_MARK = "\ue002"  # a row of that table
_CELL_MARK = "\ue003"  # a cell of that row: rowspan, field mark, colspan, field mark, text
_FIELD_MARK = "\ue004"
_FOUND_MARK = "\ue005"  # written first when the page's own text holds one of these marker characters
_DEEP_MARK = "\ue006"  # written for a node the walk would find nested too deep
_MARKS = (_LINE_MARK, _GRID_MARK, _ROW_MARK, _CELL_MARK, _FIELD_MARK, _FOUND_MARK, _DEEP_MARK)
#: Pages nested deeper are walked (the stylesheet recurses once per level).
_MARKED_MAX_DEPTH = 256
#: A character reference that may stand for a marker character (U+E000 … U+E006): any with a value from
#: 50,000 (decimal) or U+E000 (hex) up, however long (libxml2 caps what overflows).
_MARK_REFERENCE = r"&#(?:[xX]0*(?:[eEfF][0-9a-fA-F]{3}|[0-9a-fA-F]{5})|0*(?:[5-9][0-9]{4}|[0-9]{6}))"
_MARK_REFERENCE_RE = re.compile(_MARK_REFERENCE)
_MARK_REFERENCE_BYTES_RE = re.compile(_MARK_REFERENCE.encode("ascii"))
#: The first UTF-8 byte of every marker character (and few others: U+E000 … U+EFFF), then the first two.
_MARK_UTF8_FIRST = _LINE_MARK.encode("utf-8")[:1]
_MARK_UTF8_LEAD = _LINE_MARK.encode("utf-8")[:2]


def _may_hold_marks(source: str | bytes) -> bool:
    """Whether the page's text could hold a marker character: the source holds one or a reference to one.

    False means none can be in the parsed page (a cheap scan of the source instead of the page's text);
    True may be wrong (a marker in a script, a reference to another private-use character).
    """
    if type(source) is bytes:
        # a one-byte search is a memchr; a two-byte one is slow in UTF-8 Chinese text (0x80 is everywhere)
        return (_MARK_UTF8_FIRST in source and _MARK_UTF8_LEAD in source) or (
            _MARK_REFERENCE_BYTES_RE.search(source) is not None)
    return any(mark in source for mark in _MARKS) or _MARK_REFERENCE_RE.search(source) is not None


def _marked_stylesheet(levels: int, check_marks: bool = True) -> str:
    """The stylesheet of :func:`_marked_lines` (see there), for pages nested at most ``levels`` deep.

    ``check_marks``: first write :data:`_FOUND_MARK` when the page's text holds a marker character.
    """
    line = "|".join(sorted(_LINE_TAGS))
    drop = "|".join(sorted(_DROP_TAGS))
    found = " or ".join(f"contains($text, '&#x{ord(mark):X};')" for mark in _MARKS)
    check = f"""<xsl:variable name="text" select="string(.)"/><xsl:if test="{found}"
 >&#xE005;</xsl:if>""" if check_marks else ""
    # the start element is the document's element: the nodes more than ``levels`` below it
    parent = "/*" + "/*" * levels
    deep = f"{parent}/*|{parent}/comment()|{parent}/processing-instruction()"
    return f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="/">{check}<xsl:apply-templates select="*[1]"/></xsl:template>
<xsl:template match="{deep}" priority="9">&#xE006;</xsl:template>
<xsl:template match="{line}">&#xE000;<xsl:apply-templates/>&#xE000;</xsl:template>
<xsl:template match="{drop}"/>
<xsl:template match="table[not(.//table)]">&#xE000;&#xE001;<xsl:for-each select=".//tr">&#xE002;<xsl:for-each
 select="td|th">&#xE003;<xsl:value-of select="@rowspan"/>&#xE004;<xsl:value-of select="@colspan"/>&#xE004;<xsl:value-of
 select="."/></xsl:for-each></xsl:for-each>&#xE000;</xsl:template>
</xsl:stylesheet>"""


_stylesheets = threading.local()  # one compiled stylesheet per thread


def _marked_lines(
    start: object, limits: Limits, tables: list[list[list[str]]], check_marks: bool = True
) -> list[str] | None:
    """The lines of :func:`_walked_lines`, written by libxslt instead of a Python walk; None when it cannot.

    A stylesheet writes the text below ``start`` (the same text nodes the walk reads) with a line mark
    where each block element starts and ends, dropped elements and comments left out, and each table
    without tables inside as its rows and cells (rowspan, colspan, text).  The walk's lines follow
    from splitting at the marks.  None when the page's text holds a marker character itself, when a
    cell's rowspan or colspan does (its cell then lacks or has extra field marks), and when an element,
    comment or instruction the walk would reach lies more than ``limits.max_html_depth`` (at most
    :data:`_MARKED_MAX_DEPTH`) levels below ``start`` (the stylesheet does not go deeper).
    ``check_marks=False`` skips looking for marker characters in the page's text (the caller
    knows there are none: :func:`_may_hold_marks`).
    """
    from lxml import etree

    levels = min(limits.max_html_depth, _MARKED_MAX_DEPTH)
    compiled = _stylesheets.__dict__.setdefault("marked", {})
    transform = compiled.get((levels, check_marks))
    if transform is None:
        transform = compiled[levels, check_marks] = etree.XSLT(etree.XML(_marked_stylesheet(levels, check_marks)))
    text = str(transform(start))
    tail = start.tail  # type: ignore[attr-defined]
    if _FOUND_MARK in text or _DEEP_MARK in text or (tail and any(mark in tail for mark in _MARKS)):
        return None
    if tail:
        text += tail  # the walk reads the start element's tail too
    # a table is the piece after a line mark and a grid mark, up to the next line mark; each other
    # piece between two line marks is a line unless blank
    first, *tables_on = (_LINE_MARK + text).split(_LINE_MARK + _GRID_MARK)
    lines = [line for line in map(str.strip, first.split(_LINE_MARK)) if line]
    for chunk in tables_on:
        piece, _, after = chunk.partition(_LINE_MARK)
        cells = _marked_rows(piece)
        if cells is None:
            return None
        grid = _expand_grid(cells, limits.max_table_cells, len(tables) + 1)
        if grid:
            tables.append(grid)
            lines.extend(" ".join(filter(None, row)) for row in grid)
        lines.extend(line for line in map(str.strip, after.split(_LINE_MARK)) if line)
    return lines


def _marked_rows(piece: str) -> list[list[tuple[str, str, str]]] | None:
    """Each row's cells (text, rowspan, colspan) of a table as :func:`_marked_lines` has it written (after its
    grid mark); None when the marks are not where the stylesheet writes them (the page's text or a span holds one)."""
    rows = piece.split(_ROW_MARK)
    if rows[0]:
        return None
    cells = []
    for row in rows[1:]:
        if row and row[0] != _CELL_MARK:
            return None
        try:
            cells.append([(" ".join(text.split()), rowspan, colspan)
                          for rowspan, colspan, text in (cell.split(_FIELD_MARK) for cell in row.split(_CELL_MARK)[1:])])
        except ValueError:  # a cell without its two field marks, or with more
            return None
    return cells


def _walked_lines(start: object, limits: Limits, tables: list[list[list[str]]]) -> list[str]:
    """Block lines of the page below ``start``, element by element; leaf tables' grids into ``tables``.

    A block element starts and ends a line; a table without tables inside becomes its grid rows;
    comments and dropped elements keep only their tails.  Walked without recursion, up to
    ``limits.max_html_depth`` levels.
    """
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = "".join(current).strip()
        if line:
            lines.append(line)
        current.clear()

    def leave(element: object, block: bool, cell: bool) -> None:
        if cell:
            current.append(" ")
        if block:
            flush()
        if element.tail:  # type: ignore[attr-defined]
            current.append(element.tail)  # type: ignore[attr-defined]

    # An explicit stack instead of recursion: an element to enter, or (element, block, cell) to leave.
    # ``depth`` is the entered element's nesting level: one more for each element entered and not yet left.
    stack: list = [start]
    depth = 0
    max_depth = limits.max_html_depth
    while stack:
        element = stack.pop()
        if type(element) is tuple:
            depth -= 1
            leave(*element)
            continue
        if depth > max_depth:
            raise _over_limit("HTML nesting depth", "max_html_depth", max_depth)
        tag = element.tag
        if type(tag) is not str or not tag or tag in _DROP_TAGS:
            # comments, processing instructions, scripts: drop, keep their tail
            if element.tail:
                current.append(element.tail)
            continue
        if tag == "table" and next(element.iterdescendants("table"), None) is None:
            flush()
            grid = _html_grid(element, limits.max_table_cells, len(tables) + 1)
            if grid:
                tables.append(grid)
                for row in grid:
                    lines.append(" ".join(c for c in row if c))
            if element.tail:
                current.append(element.tail)
            continue
        cell = tag == "td" or tag == "th"
        block = cell or tag in _BLOCK_TAGS
        if block:
            flush()
        if element.text:
            current.append(element.text)
        stack.append((element, block, cell))
        depth += 1
        if len(element):
            stack.extend(reversed(element))

    flush()
    return lines


def _cell_text(cell: object) -> str:
    """A cell's text (every descendant's) with each run of whitespace as one space, trimmed."""
    from lxml import etree

    # the text serialiser gives what itertext() joins in one C call; str.split() splits on exactly the
    # characters \s matches (no-break space included)
    return " ".join(etree.tostring(cell, method="text", encoding="unicode", with_tail=False).split())


def _span(value: str | None) -> int:
    """A rowspan or colspan attribute's value: 1 to 200, 1 when absent or not a number."""
    if not value:
        return 1
    return _span_of(value)


@functools.lru_cache(maxsize=256)
def _span_of(value: str) -> int:
    try:
        return max(1, min(int(str(value).strip() or 1), 200))
    except ValueError:
        return 1


def _html_grid(table: object, max_cells: int | None = None, number: int = 1) -> list[list[str]]:
    """Rows of cell texts with rowspan/colspan expanded (copies of the spanning text).

    Raises :class:`ReadError` when the expanded grid would hold more than
    ``max_cells`` cells (``LIMITS.max_table_cells`` by default); ``number`` names
    the table in that message.
    """
    rows = (  # read row by row: a table beyond the limit is refused before all its cells are read
        [(_cell_text(c), c.get("rowspan"), c.get("colspan"))
         for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        for tr in table.iter("tr")  # type: ignore[attr-defined]
    )
    return _expand_grid(rows, LIMITS.max_table_cells if max_cells is None else max_cells, number)


def _expand_grid(
    rows: Iterable[list[tuple[str, str | None, str | None]]], max_cells: int, number: int
) -> list[list[str]]:
    """:func:`_html_grid` from each row's cells as (text, rowspan attribute, colspan attribute)."""
    grid: list[list[str]] = []
    cells_so_far = 0
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

    for cells in rows:
        row: list[str] = []
        col = 0
        for text, rowspan_value, colspan_value in cells:
            if col in pending:
                col = fill_spanned(row, col)
            if rowspan_value or colspan_value:
                rowspan, colspan = _span(rowspan_value), _span(colspan_value)
            else:
                rowspan = colspan = 1  # most cells: no span attribute
            if rowspan == colspan == 1:
                row.append(text)
                col += 1
            else:
                for _ in range(colspan):
                    row.append(text)
                    if rowspan > 1:
                        pending[col] = (rowspan - 1, text)
                    col += 1
            if cells_so_far + len(row) > max_cells:
                raise _over_limit(
                    f"HTML table {number} expanded by its rowspan/colspan", "max_table_cells", max_cells
                )
        if col in pending:
            fill_spanned(row, col)
        cells_so_far += len(row)
        if any(row):
            grid.append(row)
    return grid


# --------------------------------------------------------------------------- DOCX


def _check_unpacked_size(data: bytes, limit: int) -> None:
    """Refuse a ZIP container whose parts declare more than ``limit`` decompressed bytes together.

    The declared sizes are enough: :mod:`zipfile` never inflates a part beyond
    its declared size (a part whose header lies fails its CRC check instead).
    """
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ReadError(f"not a readable .docx file: {exc}") from exc
    if unpacked > limit:
        raise _over_limit(f"decompressed size of the .docx parts ({unpacked:,} bytes)",
                          "max_docx_unpacked_bytes", limit)


def _docx_parts(data: bytes, limits: Limits | None = None) -> tuple[str, list[list[list[str]]]]:
    import zipfile

    _check_unpacked_size(data, (limits or LIMITS).max_docx_unpacked_bytes)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise ReadError("python-docx is not installed") from exc
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        # XMLSyntaxError includes lxml's own resource limits (a text node of over 10 MB, …)
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
    packed_tables = _TABLE_SEP.join(_ROW_SEP.join(_CELL_SEP.join(row) for row in grid) for grid in raw_tables)
    if packed_tables.count(_CELL_SEP) != sum(len(row) - 1 for grid in raw_tables for row in grid if row):
        # a cell holds the cell separator itself: it becomes a space
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
            tables.append([list(map(str.strip, row.split(_CELL_SEP))) for row in packed_grid.split(_ROW_SEP)])
    spans = [s for s in normalized.mojibake if s.start < len(raw_text)]
    return Document(path, kind, text, tables, encoding, spans)


def _read_paged(path: Path, suffix: str, data: bytes) -> Document:
    """A PDF (text layer, scanned pages by OCR) or an image file (OCR)."""
    if suffix == ".pdf":
        if b"%PDF" not in data[:1024]:
            raise ReadError("not a PDF file (no %PDF header)")
        pages = pdf_pages(data, path.name)
        kind = "pdf"
    else:
        pages = image_pages(data, path.name)
        kind = "image"
    raw_text, lines, ocr_tables = pages.assemble()
    if not CJK_RE.search(raw_text):
        if kind == "pdf" and not pages.ocr:
            raise ReadError("PDF has no Chinese text layer and no scanned page images")
        raise ReadError("no Chinese text found (text layer and OCR)")
    doc = _normalise(str(path), kind, raw_text, [table.cells for _, table in ocr_tables], None)
    doc.ocr_tables = dict(enumerate(ocr_tables))
    doc.metadata = pages.metadata
    doc.pages = len(pages.texts)
    doc.ocr_pages = sorted(i + 1 for i in pages.ocr)
    if lines and doc.text.count("\n") != raw_text.count("\n"):
        # normalisation changed the line count: OCR figures could not be traced to their boxes and checked
        raise ReadError("OCR text could not be traced back to its page boxes")
    doc.ocr_lines = lines
    return doc


def read_document(path: str | Path, *, limits: Limits | None = None) -> Document:
    """Read one report file into a normalised :class:`Document`.

    Raises :class:`ReadError` (missing, empty, binary, undecodable, unsupported,
    unparsable or beyond :data:`LIMITS`) with the reason.  ``limits`` replaces
    :data:`LIMITS` for this call.
    """
    limits = limits or LIMITS
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        if suffix == ".doc":
            raise ReadError("legacy .doc (Word 97-2003) is not supported; save it as .docx")
        raise ReadError(f"unsupported file type {suffix or '(none)'}")
    text_kind = suffix not in (".pdf", ".docx")
    try:
        # refuse an oversized text file before reading it (an HTML page may hold inline images)
        size = path.stat().st_size
        if text_kind and size > limits.max_text_bytes * (10 if suffix in (".html", ".htm") else 1):
            raise _over_limit(f"file size {size:,} bytes", "max_text_bytes", limits.max_text_bytes)
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
        text, tables = _docx_parts(data, limits)
        return _normalise(str(path), "docx", text, tables, None)
    declared = None
    html = suffix in (".html", ".htm")
    if html:
        data = _strip_data_uris(data)
        match = _CHARSET_RE.search(data[:4096])
        declared = match.group(1).decode("ascii", "ignore") if match else None
    if len(data) > limits.max_text_bytes:
        raise _over_limit(f"file size {len(data):,} bytes", "max_text_bytes", limits.max_text_bytes)
    text, encoding, bad = decode_report_bytes(data, declared=declared, limits=limits)
    if html:
        metadata: dict[str, str] = {}
        body, tables = _html_parts(text, limits, metadata, data if encoding == "utf-8" and not bad else None)
        doc = _normalise(str(path), "html", body, tables, encoding)
        doc.metadata = metadata
    elif suffix in (".md", ".markdown"):
        body, tables = _markdown_parts(text)
        doc = _normalise(str(path), "md", body, tables, encoding)
    else:
        doc = _normalise(str(path), "txt", text, [], encoding)
    if bad:
        # spans of nothing but replacement characters are the bytes just reported, not mojibake
        doc.mojibake = [s for s in doc.mojibake if s.text.strip(MASK)]
        doc.issues.extend(_bad_bytes_issues(str(path), bad, encoding))
    return doc


def _bad_bytes_issues(source: str, bad: list[BadBytes], encoding: str) -> list[Issue]:
    """One ``decode`` warning per undecodable byte run, located by its byte offset."""
    issues = []
    for run in bad:
        masked = f"; {run.masked!r} left out of extraction" if run.masked != MASK else ""
        issues.append(Issue(
            source, "warning", "decode",
            f"undecodable bytes {run.raw!r} in {encoding} text replaced with U+FFFD{masked}",
            f"byte:{run.byte_start}",
        ))
    return issues
