"""The standard tables 二, 三 and 四 of gov2019 / gov2021 reports → figures.

Row and column labels are data: ``data/table_labels.csv`` holds one row per
spelling (``layout, table, kind, raw_label, metric``; layout ``*`` means both
standard layouts; kind ``row``, ``column`` or ``header`` for labels that carry
no value).  Labels are compared by :func:`label_key` (``normalize_label`` with a
leading ordinal such as ``(三)``, ``一、`` or ``2.`` removed).  Table 二 metrics
are ``<row>_<column>`` (``regulations`` × ``issued``), table 四 metrics
``<group>_<column>`` (``litigation_direct`` × ``upheld``); table 三 rows are
metric ids and its columns applicant ids.

Two kinds of input:

* grids (HTML, DOCX, Markdown): cells are read where the header puts them;
* text (PDF text layer, TXT): rows are found by their labels, the cells between
  one label and the next.  When cells ran together without separators the
  table's identities pick the split (a row of table 三 sums to its 总计; each
  column of table 三 satisfies 一+二 = (七)+四 and (七) = Σ results; each block
  of table 四 sums to its 总计).  A row is kept only when exactly one split fits;
  otherwise it is left out with a warning.

Blank cells give ``value=None`` (cell ``blank``), ``/ - — 无 不适用`` give
``not_applicable``, other words ``text``.  Block sums of table 三 and the
litigation totals are added as derived figures when all their parts are known.
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources

from .normalize import nfkc, normalize_label
from .numbers import parse_quantity
from .reading import Document, Grid
from .schema import Figure, Issue
from .vocabulary import (
    APPLICANTS,
    REVIEW_BLOCKS,
    REVIEW_COLUMNS,
    REVIEW_PARTS,
    STANDARD_LAYOUTS,
    TABLE3_BLOCK_SUMS,
    TABLE4_SUMS,
    TABLE_NUMERALS,
)
from .vocabulary import STANDARD_TABLES as TABLES

__all__ = ["extract_tables", "label_key", "load_label_map", "parse_cell", "LabelMap"]

LABELS_RESOURCE = "table_labels.csv"
# The table vocabulary (layouts, tables, columns, blocks, derived sums) is defined in ``vocabulary``.
#: Table 三 columns in print order (text input has no header to read them from).
REQUEST_COLUMNS = APPLICANTS
REVIEW_GROUPS = REVIEW_BLOCKS
REVIEW_FIELDS = REVIEW_PARTS
#: Derived block sums of table 三: metric → the leaf rows it adds up.
BLOCKS = TABLE3_BLOCK_SUMS
#: Derived sums over table 四.
REVIEW_SUMS = TABLE4_SUMS

NOT_APPLICABLE = frozenset({"/", "-", "—", "——", "--", "–", "无", "不适用", "\\", "//", "-/-"})

# --------------------------------------------------------------------------- labels

_ORDINAL_RE = re.compile(
    r"^\s*(?:[((][一二三四五六七八九十\d]{1,3}[))]|[一二三四五六七八九十]{1,3}\s*[、.,]|\d{1,2}\s*[、.,)]"
    r"|[\u2460-\u2473])\s*"
)


@functools.lru_cache(maxsize=16384)
def label_key(label: str) -> str:
    """Look-up key of a row or column label: ``normalize_label`` without its leading ordinal."""
    key = normalize_label(_ORDINAL_RE.sub("", nfkc(label).strip(), count=1))
    return key or normalize_label(label)


@dataclass(frozen=True)
class Spelling:
    """One printed spelling of a label."""

    table: str
    kind: str  # row | column | header
    raw_label: str
    metric: str


@dataclass
class LabelMap:
    """Label spellings of one layout, indexed for grid look-ups and text search."""

    layout: str
    spellings: list[Spelling]
    keys: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (table, kind) -> key -> metric
    fragments: dict[str, str] = field(default_factory=dict)  # table -> all keys joined (label debris test)
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)

    by_key: dict[str, list[Spelling]] = field(default_factory=dict)  # key -> spellings in any table

    def __post_init__(self) -> None:
        for s in self.spellings:
            self.keys.setdefault((s.table, s.kind), {})[label_key(s.raw_label)] = s.metric
            self.by_key.setdefault(label_key(s.raw_label), []).append(s)
        for table in TABLES:
            keys = [label_key(s.raw_label) for s in self.spellings if s.table == table]
            self.fragments[table] = "|".join(keys)

    def lookup(self, table: str, kind: str, label: str) -> str | None:
        """Metric (``""`` for a header) of a label, or None when unknown."""
        return self.keys.get((table, kind), {}).get(label_key(label))

    def known(self, table: str, label: str) -> bool:
        key = label_key(label)
        return any(key in self.keys.get((table, kind), {}) for kind in ("row", "column", "header"))

    def pattern(self, table: str) -> re.Pattern[str]:
        """Regex over whitespace-free text matching any spelling; group ``g<i>`` names spelling i."""
        if table not in self._patterns:
            alternatives = []
            for i, s in enumerate(self.spellings):
                if s.table == table:
                    alternatives.append((len(label_key(s.raw_label)), f"(?P<g{i}>{_spelling_regex(s.raw_label)})"))
            alternatives.sort(key=lambda item: -item[0])
            self._patterns[table] = re.compile("|".join(a for _, a in alternatives))
        return self._patterns[table]


_PUNCT = ":：,，、.．·•'\"“”‘’「」『』;；/"
_PUNCT_CLASS = "[" + re.escape(_PUNCT) + "]"
_LEAD_ORDINAL_RE = re.compile(
    r"^(?:(?P<paren>[((][一二三四五六七八九十]{1,3}[))])|(?P<cn>[一二三四五六七八九十]{1,3})[、.,]|(?P<num>\d{1,2})[、.,])"
)


def _spelling_regex(raw_label: str) -> str:
    """Regex for a printed label in whitespace-free text (punctuation optional, ordinal optional)."""
    label = re.sub(r"\s+", "", raw_label)
    ordinal = ""
    m = _LEAD_ORDINAL_RE.match(label)
    if m:
        if m.group("paren"):
            ordinal = r"\(" + re.escape(m.group("paren")[1:-1]) + r"\)"
        elif m.group("cn"):
            ordinal = re.escape(m.group("cn")) + "[、.,]?"
        else:
            ordinal = re.escape(m.group("num")) + "[、.,]"
        label = label[m.end():]
    parts = []
    for ch in label:
        if ch in _PUNCT:
            parts.append(_PUNCT_CLASS + "?")
        elif ch in "((":
            parts.append(r"\(")
        elif ch in "))":
            parts.append(r"\)?")  # a wrapped label may lose its closing bracket to the next line
        else:
            parts.append(re.escape(ch))
    body = "".join(parts)
    if not ordinal:
        return body
    if len(label_key(label)) <= 2:
        return ordinal + body  # short labels (3.其他, (七)总计) only with their ordinal
    return f"(?:{ordinal})?{body}"


@functools.lru_cache(maxsize=8)
def load_label_map(layout: str) -> LabelMap:
    """The label spellings that apply to ``layout`` (its own rows plus the ``*`` rows)."""
    text = resources.files("transparency_stats").joinpath("data", LABELS_RESOURCE).read_text(encoding="utf-8")
    spellings = [
        Spelling(row["table"], row["kind"], row["raw_label"], row["metric"] or "")
        for row in csv.DictReader(io.StringIO(text))
        if row["layout"] in ("*", layout)
    ]
    return LabelMap(layout, spellings)


@functools.lru_cache(maxsize=1)
def _registered_metrics() -> dict[str, frozenset[str]]:
    from .registry import metric_ids

    return {table: frozenset(metric_ids(table)) for table in TABLES}


# --------------------------------------------------------------------------- cells

_NUMBER_RE = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(万元|元|件|条|个|项|次|笔|宗)?")


@dataclass(frozen=True)
class Cell:
    """What one table cell holds."""

    kind: str  # number | zero | blank | not_applicable | text
    value: float | None = None
    unit: str = ""
    approximate: bool = False


@functools.lru_cache(maxsize=4096)
def parse_cell(text: str) -> Cell:
    """Classify and read one cell's text (already normalised)."""
    text = text.strip()
    if not text:
        return Cell("blank")
    compact = text
    if compact in NOT_APPLICABLE or re.fullmatch(r"[-—–/\\]+", compact):
        return Cell("not_applicable")
    m = _NUMBER_RE.fullmatch(compact)
    if m:
        value = float((m.group(1) or "") + m.group(2).replace(",", "") + (m.group(3) or ""))
        unit = m.group(4) or ""
        return Cell("zero" if value == 0 else "number", value, unit if unit in ("元", "万元") else "")
    if compact in ("零", "〇"):
        return Cell("zero", 0.0)
    quantity = parse_quantity(compact)
    if quantity is not None and not re.search(r"[^\d.,零〇一二两三四五六七八九十百千万亿余多约近元件条个项次笔宗]", compact):
        unit = quantity.unit if quantity.unit in ("元",) else ("万元" if compact.endswith("万元") else "")
        value = float(quantity.value)
        return Cell("zero" if value == 0 else "number", value, unit, quantity.approximate)
    return Cell("text")


def _convert_unit(metric: str, value: float, unit: str, header: str) -> float:
    """Money in the unit the metric id names (``_wan`` or ``_yuan``)."""
    stated = unit or ("万元" if "万元" in header else ("元" if "元" in header else ""))
    if metric.endswith("_wan") and stated == "元":
        return round(value / 10_000, 10)
    if metric.endswith("_yuan") and stated == "万元":
        return round(value * 10_000, 6)
    return value


# --------------------------------------------------------------------------- collection


@dataclass
class _Out:
    """Figures and issues of one document, with the table 三 cells kept for block sums."""

    layout: str
    labels: LabelMap
    figures: list[Figure] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    seen: dict[tuple[str, str, str], float | None] = field(default_factory=dict)  # read values
    partial_rows: bool = False  # table 三 has columns besides the seven known ones

    def warn(self, kind: str, message: str, location: str = "") -> None:
        self.issues.append(Issue("", "warning", kind, message, location))

    def add(self, table: str, metric: str, applicant: str, cell: Cell, raw_label: str, raw_value: str,
            location: str, header: str = "") -> None:
        value = cell.value
        if value is not None:
            value = _convert_unit(metric, value, cell.unit, header)
        key = (table, metric, applicant)
        if key in self.seen:
            # a table printed twice keeps its first reading; a different second value is reported
            if self.seen[key] != value:
                self.warn("duplicate", f"{raw_label!r} ({applicant}) is printed again with {raw_value!r}; "
                          "the first reading is kept", location)
            return
        self.seen[key] = value
        self.figures.append(Figure(
            metric=metric, value=value, table=table, applicant=applicant, cell=cell.kind,
            approximate=cell.approximate, raw_label=raw_label, raw_value=raw_value, location=location,
        ))


def extract_tables(doc: Document, layout: str) -> tuple[list[Figure], list[Issue]]:
    """Figures of tables 二, 三 and 四 of a standard-layout report, and warnings.

    Grids are used where the document has them (HTML, DOCX, Markdown); a table
    not found among the grids is looked for in the text (PDF, TXT, or HTML whose
    table was flattened into paragraphs).  Narrative reports give nothing.
    """
    if layout not in STANDARD_LAYOUTS:
        return [], []
    out = _Out(layout, load_label_map(layout))
    found = _from_grids(doc, out)
    missing = [t for t in TABLES if t not in found]
    if missing:
        _from_text(doc.text, out, missing)
    _derive(out)
    return out.figures, out.issues


# --------------------------------------------------------------------------- grids


def _classify_grid(grid: Grid, labels: LabelMap) -> str | None:
    """Which standard table a grid holds (most distinct known row/column labels), or None."""
    hits: dict[str, set[str]] = {table: set() for table in TABLES}
    reconsideration = False
    for key in {label_key(c) for row in grid for c in row if c and len(c) < 80}:
        for s in labels.by_key.get(key, ()):
            if s.kind in ("row", "column"):
                hits[s.table].add(key)
                reconsideration = reconsideration or s.metric == "reconsideration"
    scores = {table: len(keys) for table, keys in hits.items()}
    if not reconsideration:
        scores["review_litigation"] = 0  # table 四 shares 总计 with table 三; it needs 行政复议
    best = max(scores, key=lambda t: scores[t])
    # a block of table 二 printed as its own small table has one row and one column label
    return best if scores[best] >= (2 if best == "proactive" else 3) else None


def _from_grids(doc: Document, out: _Out) -> set[str]:
    found: set[str] = set()
    request_columns: tuple[int, dict[int, str], list[tuple[int, int]]] | None = None
    for gi, grid in enumerate(doc.tables):
        table = _classify_grid(grid, out.labels)
        if table is None:
            continue
        found.add(table)
        if table == "proactive":
            _grid_proactive(grid, gi, out)
        elif table == "requests":
            request_columns = _grid_requests(grid, gi, out, request_columns)
        else:
            _grid_review(grid, gi, out)
    return found


def _is_value(text: str) -> bool:
    return parse_cell(text).kind in ("number", "zero", "not_applicable")


def _unknown_headers(out: _Out, table: str, header_rows: list[tuple[int, list[str]]], value_cols: Iterable[int],
                     gi: int) -> set[int]:
    """Warn about unknown header labels over value columns; returns those columns."""
    reported: set[str] = set()
    unknown: set[int] = set()
    for j in value_cols:
        for r, row in header_rows:
            text = row[j] if j < len(row) else ""
            if text and not out.labels.known(table, text) and not _is_value(text):
                unknown.add(j)
                if text not in reported:
                    reported.add(text)
                    out.warn("unknown_label", f"unknown column label {text!r} in table {_TABLE_ZH[table]}",
                             f"table:{gi} row:{r} col:{j}")
    return unknown


def _header_spans(firsts: Iterable[int], same: dict[int, str]) -> list[tuple[int, int]]:
    """Column span of each header cell: its first column and the colspan copies right of it.

    ``same`` gives, for every column under the header, what identifies its header
    cell (its text or metric); a span ends where that changes or the next header
    cell starts.
    """
    starts = sorted(firsts)
    spans = []
    for j in starts:
        end = j
        while end + 1 in same and same[end + 1] == same[j] and end + 1 not in starts:
            end += 1
        spans.append((j, end))
    return spans


def _aligned(row: list[str], spans: list[tuple[int, int]]) -> list[tuple[int, str]] | None:
    """(column, text) of the data cell under each header span, or None when they cannot be told.

    The grid repeats a spanning cell's text in every column it covers.  When a
    row's cells span other columns than the header's (a value spread over two
    columns under a one-column heading, and the next one under a two-column
    heading), the columns under one header cell hold different texts.  Such a
    row is read by its distinct cells, in order, when there are exactly as many
    as header cells; otherwise it is left out.
    """
    def at(c: int) -> str:
        return row[c] if c < len(row) else ""

    if all(len({at(c) for c in range(a, b + 1)}) == 1 for a, b in spans):
        return [(a, at(a)) for a, b in spans]
    if any(b + 1 != a for (_, b), (a, _) in itertools.pairwise(spans)):
        return None  # columns between the header cells: no order to rely on
    runs: list[tuple[int, str]] = []
    for c in range(spans[0][0], spans[-1][1] + 1):
        if not runs or at(c) != runs[-1][1]:
            runs.append((c, at(c)))
    if len(runs) != len(spans) or any(parse_cell(text).kind == "text" for _, text in runs):
        return None
    return runs


_TABLE_ZH = TABLE_NUMERALS


def _grid_proactive(grid: Grid, gi: int, out: _Out) -> None:
    labels = out.labels
    metrics = _registered_metrics()["proactive"]
    columns: dict[int, tuple[str, str]] = {}  # column -> (metric suffix, header text)
    spans: list[tuple[int, int]] = []
    width = 0
    for r, row in enumerate(grid):
        mapped = {j: labels.lookup("proactive", "column", c) for j, c in enumerate(row) if c}
        mapped = {j: m for j, m in mapped.items() if m}
        if mapped and not any(_is_value(c) for c in row):
            # colspan copies repeat the header text: only the first column of a span is read
            columns = {j: (mapped[j], row[j]) for j in sorted(mapped) if not (j - 1 in mapped and row[j - 1] == row[j])}
            spans = _header_spans(columns, dict(enumerate(row)))
            width = len(row)
            _unknown_headers(out, "proactive", [(r, row)], range(min(mapped), len(row)), gi)
            continue
        first_value = min(columns) if columns else next((j for j, c in enumerate(row) if _is_value(c)), len(row))
        lead = [c for c in row[:first_value] if c and labels.lookup("proactive", "header", c) is None]
        values = [c for c in row[first_value:] if c]
        if not lead:
            continue  # a block heading such as 第二十条第(一)项
        label = lead[-1]
        prefix = labels.lookup("proactive", "row", label)
        if prefix is None:
            if values:
                out.warn("unknown_label", f"unknown row label {label!r} in table 二",
                         f"table:{gi} row:{r} col:{row.index(label)}")
            continue
        if not columns or (len(row) != width and not (len(row) > width and not any(row[width:]))):
            if values:
                out.warn("unknown_label", f"table 二 row {label!r} does not line up with a column header; left out",
                         f"table:{gi} row:{r}")
            continue
        cells = _aligned(row, spans)
        if cells is None:
            out.warn("misaligned_row", f"table 二 row {label!r}: its cells do not line up with the column header; "
                     "left out", f"table:{gi} row:{r}")
            continue
        for (suffix, header), (j, text) in zip(columns.values(), cells, strict=True):
            metric = f"{prefix}_{suffix}"
            if metric not in metrics:
                if text:
                    out.warn("unknown_label", f"no metric for {label!r} × {header!r} in table 二",
                             f"table:{gi} row:{r} col:{j}")
                continue
            out.add("proactive", metric, "total", parse_cell(text), f"{label}/{header}", text,
                    f"table:{gi} row:{r} col:{j}", header)


def _grid_requests(
    grid: Grid, gi: int, out: _Out, previous: tuple[int, dict[int, str], list[tuple[int, int]]] | None
) -> tuple[int, dict[int, str], list[tuple[int, int]]] | None:
    labels = out.labels
    columns: dict[int, str] = {}
    header_rows: list[tuple[int, list[str]]] = []
    data_start = 0
    for r, row in enumerate(grid):
        mapped = {j: labels.lookup("requests", "column", c) for j, c in enumerate(row) if c}
        applicants = {j: m for j, m in mapped.items() if m}
        if len(applicants) >= 2 and not any(_is_value(c) for c in row):
            header_rows.append((r, row))
            columns.update(applicants)
            data_start = r + 1
        elif header_rows or any(_is_value(c) for c in row):
            break
    if columns:
        # colspan copies: keep the first column of each applicant
        seen: set[str] = set()
        every = dict(columns)
        columns = {j: a for j, a in sorted(columns.items()) if not (a in seen or seen.add(a))}
        spans = _header_spans(columns, every)
        width = max(len(row) for _, row in header_rows)
        if _unknown_headers(out, "requests", header_rows, range(min(columns), width), gi):
            out.partial_rows = True  # a column the sum of the six applicants would miss
    elif previous is not None and previous[0] == max(len(row) for row in grid):
        width, columns, spans = previous  # the table continues after a page break without its header
    else:
        out.warn("unknown_label", "table 三 without a recognisable applicant header: left out", f"table:{gi}")
        return previous
    first = min(columns)
    for r in range(data_start, len(grid)):
        row = grid[r]
        label_cells = [c for c in row[:first] if c]
        values = [row[j] if j < len(row) else "" for j in columns]
        if not label_cells:
            if any(values):
                out.warn("unknown_label", "table 三 row without a label", f"table:{gi} row:{r}")
            continue
        if len({labels.lookup("requests", "column", c) for c in row if c} - {None, ""}) >= 2 and not any(
            _is_value(c) for c in row
        ):
            continue  # a repeated header row
        label = label_cells[-1]
        metric = labels.lookup("requests", "row", label)
        if metric is None:
            if any(values) and labels.lookup("requests", "header", label) is None:
                out.warn("unknown_label", f"unknown row label {label!r} in table 三",
                         f"table:{gi} row:{r} col:{row.index(label)}")
            continue
        if len(row) != width and not (len(row) > width and not any(row[width:])):
            if any(values):
                out.warn("unknown_label", f"table 三 row {label!r} has {len(row)} cells, its header {width}; "
                         "left out", f"table:{gi} row:{r}")
            continue
        if not any(values):
            continue  # a block heading such as (三)不予公开 with no cells of its own
        cells = _aligned(row, spans)
        if cells is None:
            out.warn("misaligned_row", f"table 三 row {label!r}: its cells do not line up with the applicant "
                     "columns; left out", f"table:{gi} row:{r}")
            continue
        for applicant, (j, text) in zip(columns.values(), cells, strict=True):
            out.add("requests", metric, applicant, parse_cell(text), label, text, f"table:{gi} row:{r} col:{j}")
    return width, columns, spans


def _grid_review(grid: Grid, gi: int, out: _Out) -> None:
    labels = out.labels
    metrics = _registered_metrics()["review_litigation"]
    header_rows: list[tuple[int, list[str]]] = []
    data_rows: list[tuple[int, list[str]]] = []
    for r, row in enumerate(grid):
        known = sum(1 for c in row if c and labels.known("review_litigation", c))
        if known >= 2 and not any(_is_value(c) for c in row):
            if data_rows:
                break
            header_rows.append((r, row))
        elif header_rows and any(_is_value(c) for c in row):
            data_rows.append((r, row))
    if not data_rows:
        out.warn("missing_values", "table 四 has no row of values", f"table:{gi}")
        return
    width = max(len(row) for _, row in header_rows)
    columns: dict[int, tuple[str, str]] = {}
    for j in range(width):
        parts: list[str] = []
        path: list[str] = []
        for _, row in header_rows:
            text = row[j] if j < len(row) else ""
            if not text or (path and path[-1] == text):
                continue
            path.append(text)
            part = labels.lookup("review_litigation", "column", text)
            if part:
                parts.append(part)
        if not path:
            continue
        metric = "_".join(parts)
        if metric not in metrics:
            if parts or not all(labels.known("review_litigation", t) for t in path):
                out.warn("unknown_label", f"no metric for table 四 column {'/'.join(path)!r}",
                         f"table:{gi} col:{j}")
            continue
        columns[j] = (metric, "/".join(path))
    kept: dict[int, tuple[str, str]] = {}
    for j in sorted(columns):
        if j - 1 in columns and columns[j - 1][0] == columns[j][0]:
            continue
        kept[j] = columns[j]
    spans = _header_spans(kept, {j: m for j, (m, _) in columns.items()})
    r, row = data_rows[0]
    if len(data_rows) > 1:
        out.warn("unexpected_row", f"table 四 has {len(data_rows)} rows of values; the first is read",
                 f"table:{gi} row:{data_rows[1][0]}")
    cells = _aligned(row, spans)
    if cells is None:
        out.warn("misaligned_row", "table 四: its cells do not line up with the column header; left out",
                 f"table:{gi} row:{r}")
        return
    for (metric, path), (j, text) in zip(kept.values(), cells, strict=True):
        out.add("review_litigation", metric, "total", parse_cell(text), path, text, f"table:{gi} row:{r} col:{j}")


# --------------------------------------------------------------------------- text

_FOOTER_RE = re.compile(
    r"(?m)^[ \t]*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})[ \t]*$"
)
_BRACKETS = str.maketrans({"[": "(", "]": ")", "〔": "(", "〕": ")", "【": "(", "】": ")", "﹙": "(", "﹚": ")"})


class _Compact:
    """Whitespace-free view of a text that maps each of its positions back to the text."""

    def __init__(self, text: str) -> None:
        chunks = list(re.finditer(r"\S+", text))
        self.text = "".join(m.group() for m in chunks).translate(_BRACKETS)
        self._starts: list[int] = []  # compact start of each chunk
        self._origins: list[int] = []  # its start in the text
        pos = 0
        for m in chunks:
            self._starts.append(pos)
            self._origins.append(m.start())
            pos += m.end() - m.start()
        self._size = len(text)

    def offset(self, i: int) -> int:
        """Offset in the text of compact position i (the text's end for i past the end)."""
        if i >= len(self.text):
            return self._size
        k = bisect.bisect_right(self._starts, i) - 1
        return self._origins[k] + i - self._starts[k]

    def find(self, pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> re.Match[str] | None:
        return pattern.search(self.text, start, len(self.text) if end is None else end)

    def rfind(self, pattern: re.Pattern[str], start: int, end: int) -> re.Match[str] | None:
        last = None
        for m in pattern.finditer(self.text, start, end):
            last = m
        return last


def _heading(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(_spelling_regex(w) for w in words))


_T2_HEADING = _heading("主动公开政府信息情况")
_T2_FIRST = _heading("第二十条第(一)项", "第二十条第一项")
_T2_INFO = _heading("信息内容")
_T3_HEADING = _heading("收到和处理政府信息公开申请情况")
_T3_FIRST = _heading("一、本年新收政府信息公开申请数量")
_T3_LAST = _heading("结转下年度继续办理")
_T4_HEADING = _heading("政府信息公开行政复议、行政诉讼情况", "行政复议、行政诉讼情况")
_T4_FIRST = _heading("行政复议")
_T4_END = _heading("存在的主要问题", "主要问题及改进情况", "其他需要报告的事项", "五、")


@dataclass
class _Token:
    text: str
    start: int  # offset in the document text
    alone: bool = False  # the only thing on its line


def _tokens(region: str, offset: int) -> list[_Token]:
    tokens = []
    for t in _TOKEN_RE.finditer(region):
        before = region.rfind("\n", 0, t.start())
        after = region.find("\n", t.end())
        alone = (
            before >= 0 and after >= 0
            and not region[before + 1: t.start()].strip() and not region[t.end(): after].strip()
        )
        tokens.append(_Token(t.group(), offset + t.start(), alone))
    return tokens


@dataclass
class _TextRow:
    label: str
    metric: str
    tokens: list[_Token]
    location: str
    columns: list[tuple[str, str]] = field(default_factory=list)  # table 二: (suffix, header text)


def _from_text(text: str, out: _Out, tables: list[str]) -> None:
    text = _FOOTER_RE.sub(lambda m: " " * len(m.group()), text)
    compact = _Compact(text)
    first = compact.find(_T3_FIRST)
    if first is None:
        if "requests" in tables:
            out.warn("missing_table", "table 三 (收到和处理政府信息公开申请情况) not found")
        return
    heading = compact.rfind(_T3_HEADING, 0, first.start())
    t3_start = first.start()  # text between the heading and the first row is prose
    last = compact.find(_T3_LAST, first.end())
    t4_heading = compact.find(_T4_HEADING, last.end() if last else first.end())
    if t4_heading is not None:
        t4_start = t4_heading.end()
    else:
        t4_first = compact.find(_T4_FIRST, last.end() if last else first.end())
        t4_start = t4_first.start() if t4_first else len(compact.text)
    t3_end = t4_heading.start() if t4_heading else t4_start
    end = compact.find(_T4_END, t4_start)
    t4_end = end.start() if end else min(len(compact.text), t4_start + 1500)
    t2_end = heading.start() if heading else t3_start
    t2_first = compact.rfind(_T2_FIRST, 0, t2_end)
    t2_start: int | None = t2_first.start() if t2_first else None
    if t2_start is None:
        t2_heading = compact.rfind(_T2_HEADING, 0, t2_end)
        t2_info = compact.find(_T2_INFO, t2_heading.end(), t2_end) if t2_heading else None
        t2_start = t2_info.start() if t2_info else None

    spaced: bool | None = None
    if "requests" in tables:
        rows = _text_rows(text, compact, out, "requests", t3_start, t3_end)
        counted = [len(r.tokens) for r in rows]
        spaced = bool(counted) and sum(c == len(REQUEST_COLUMNS) for c in counted) * 2 >= len(counted)
        _text_requests(rows, out, spaced)
    if "proactive" in tables and t2_start is not None:
        rows = _text_rows(text, compact, out, "proactive", t2_start, t2_end)
        _text_proactive(rows, out, spaced)
    if "review_litigation" in tables and t4_start < len(compact.text):
        _text_review(text, compact, out, t4_start, t4_end, spaced)


_CJK_RUN_RE = re.compile(r"[\u3400-\u9fff][\u3400-\u9fff、,，。“”\"()（）:：]*(?:\s+[\u3400-\u9fff、,，。“”\"()（）:：]+)*")
_DEBRIS_ORDINAL_RE = re.compile(r"[((][一二三四五六七八九十]{1,2}[))][\u3400-\u9fff]*|[一二三四五六七八九十]{1,2}、")
_TRAILING_ORDINAL_RE = re.compile(r"(?:\d{1,2}\s*[.、]|[((]\s*\d{1,2}\s*[))]|[\u2460-\u2473])\s*$")
_TOKEN_RE = re.compile(r"\S+")


def _clean_region(region: str, fragments: str) -> str:
    """Cell text between two labels, without pieces of wrapped labels and stray ordinals.

    A piece of a label is dropped only before or after the cells: text between
    two runs of digits may be a row whose label is not known, and stays.
    """
    spans = [m.span() for m in _DEBRIS_ORDINAL_RE.finditer(region)]
    for m in _CJK_RUN_RE.finditer(region):
        joined = _LABEL_PUNCT_RE.sub("", m.group())  # the region is normalised already
        if joined and joined not in NOT_APPLICABLE and len(joined) >= 2 and joined in fragments:
            spans.append(m.span())
    m = _TRAILING_ORDINAL_RE.search(region)
    if m:
        spans.append(m.span())
    if not spans:
        return region
    chars = list(region)
    for a, b in spans:
        if _HAS_DIGIT.search(region, 0, a) and _HAS_DIGIT.search(region, b):
            continue
        chars[a:b] = " " * (b - a)
    return re.sub(r"(?<!\S)[()（）,，、:：]+(?!\S)", lambda m: " " * len(m.group()), "".join(chars))


_HAS_DIGIT = re.compile(r"\d")
_LABEL_PUNCT_RE = re.compile(r"[\s:：,，、.．·•'\"“”‘’「」『』]+")


def _text_rows(text: str, compact: _Compact, out: _Out, table: str, start: int, end: int) -> list[_TextRow]:
    """Data rows of one table in text: each known row label with the tokens up to the next label."""
    labels = out.labels
    spellings = labels.spellings
    matches = list(labels.pattern(table).finditer(compact.text, start, end))
    rows: list[_TextRow] = []
    columns: list[tuple[str, str]] = []
    after_row = False
    fragments = labels.fragments[table]
    for k, m in enumerate(matches):
        spelling = spellings[int(m.lastgroup[1:])]  # type: ignore[index]
        if spelling.kind == "column":
            if after_row:
                columns = []
                after_row = False
            columns.append((spelling.metric, spelling.raw_label))
            continue
        if spelling.kind == "header":
            if table == "proactive" and spelling.raw_label.startswith("第二十条"):
                columns = []
                after_row = False
            continue
        after_row = True
        region_start = compact.offset(m.end() - 1) + 1
        region_end = compact.offset(matches[k + 1].start() if k + 1 < len(matches) else end)
        region = _clean_region(text[region_start:region_end], fragments)
        tokens = _tokens(region, region_start)
        label = text[compact.offset(m.start()): region_start]
        label = re.sub(r"\s+", "", label)
        if not tokens:
            continue  # a block heading followed directly by its first sub-row
        rows.append(_TextRow(label, spelling.metric, tokens, f"char:{compact.offset(m.start())}", list(columns)))
    return rows


_CELLISH_RE = re.compile(r"[\d.,\-—–/]+(?:万元|元)?|无|不适用|零")


def _value_tokens(row: _TextRow, out: _Out, table: str, expected: int) -> list[_Token]:
    """The row's cell tokens: all of them when they are exactly the cells, else those before any text."""
    tokens = row.tokens
    if len(tokens) == expected + 1 and tokens[-1].alone and re.fullmatch(r"\d{1,3}", tokens[-1].text):
        tokens = tokens[:-1]  # a bare page number on its own line after the row
    if len(tokens) == expected:
        return tokens
    for i, tok in enumerate(tokens):
        if not _CELLISH_RE.fullmatch(tok.text):
            rest = tokens[i:]
            if i == 0 or any(_CELLISH_RE.fullmatch(t.text) for t in rest):
                out.warn("unknown_label", f"unknown text {tok.text!r} after row {row.label!r} in table "
                         f"{_TABLE_ZH[table]}: the cells after it are left out", f"char:{tok.start}")
            return tokens[:i]
    return tokens


def _may_split(spaced: bool | None, tokens: list[_Token]) -> bool:
    """Whether a row's digits may be cut anywhere: in run-together text, or one bare token.

    In spaced text a row with the wrong number of cells is left out: merging
    tokens could as well join a page number or a stray figure to a cell.
    """
    return spaced is False or (spaced is None and len(tokens) == 1)


_NA_CHARS_RE = re.compile(r"[—/]+")


def _na_cells(tokens: list[_Token], n: int) -> list[_Part] | None:
    """n single-character not-applicable marks run together (``///////``), or None."""
    if not all(_NA_CHARS_RE.fullmatch(t.text) for t in tokens):
        return None
    parts = [_Part(ch, t.start + k) for t in tokens for k, ch in enumerate(t.text)]
    return parts if len(parts) == n else None


# ----- splitting run-together digits


@dataclass(frozen=True)
class _Part:
    text: str
    start: int  # offset in the document text

    @property
    def value(self) -> float:
        return float(self.text)


_INT_RE = re.compile(r"0|[1-9]\d*")


def _digits(tokens: list[_Token]) -> tuple[str, list[int]] | None:
    """Joined digits of integer tokens and each digit's document offset."""
    chars: list[str] = []
    offsets: list[int] = []
    for tok in tokens:
        if not tok.text.isdigit():
            return None
        chars.extend(tok.text)
        offsets.extend(range(tok.start, tok.start + len(tok.text)))
    return "".join(chars), offsets


def _split_sum(digits: str, lo: int, hi: int, n: int, target: int, cap: int) -> list[list[tuple[int, int]]]:
    """Ways to cut digits[lo:hi] into n integers (no leading zeros) that add up to target."""
    results: list[list[tuple[int, int]]] = []
    max_len = len(str(target))
    parts: list[tuple[int, int]] = []

    def walk(pos: int, left: int, remaining: int) -> None:
        if len(results) >= cap:
            return
        if left == 0:
            if pos == hi and remaining == 0:
                results.append(list(parts))
            return
        span = hi - pos
        if span < left or span > left * max_len:
            return
        longest = -(-span // left)  # some part has at least this many digits (no leading zeros)
        if longest > 1 and 10 ** (longest - 1) > remaining:
            return
        if remaining >= left * 10 ** (span - left + 1):
            return  # even one part taking all spare digits cannot reach the sum
        for length in range(1, min(max_len, span - left + 1) + 1):
            end = pos + length
            piece = digits[pos:end]
            if length > 1 and piece[0] == "0":
                break
            value = int(piece)
            if value > remaining:
                break
            parts.append((pos, end))
            walk(end, left - 1, remaining - value)
            parts.pop()

    walk(lo, n, target)
    return results


def _row_sum_splits(digits: str, n: int, cap: int = 64) -> list[list[tuple[int, int]]]:
    """Cuts of digits into n-1 numbers followed by their sum (a table 三 row: six columns, 总计)."""
    found: list[list[tuple[int, int]]] = []
    size = len(digits)
    for k in range(1, min(size - (n - 1), 12) + 1):
        start = size - k
        total = digits[start:]
        if not _INT_RE.fullmatch(total):
            continue
        for parts in _split_sum(digits, 0, start, n - 1, int(total), cap - len(found)):
            found.append(parts + [(start, size)])
        if len(found) >= cap:
            break
    return found


def _parts(digits: str, offsets: list[int], cuts: list[tuple[int, int]]) -> list[_Part]:
    return [_Part(digits[a:b], offsets[a]) for a, b in cuts]


# ----- table 三


def _text_requests(rows: list[_TextRow], out: _Out, spaced: bool) -> None:
    n = len(REQUEST_COLUMNS)
    candidates: dict[str, list[list[_Part]]] = {}  # rows of whole numbers: the identities apply
    fixed: dict[str, list[_Part]] = {}  # rows with other cells, read as printed
    row_of: dict[str, _TextRow] = {}
    for row in rows:
        if row.metric in row_of:
            continue
        row_of[row.metric] = row
        tokens = _value_tokens(row, out, "requests", n)
        if not tokens:
            continue
        if spaced and len(tokens) == n:
            cells = [_Part(t.text, t.start) for t in tokens]
            if all(_INT_RE.fullmatch(p.text) for p in cells):
                candidates[row.metric] = [cells]
            else:
                fixed[row.metric] = cells
            continue
        na = _na_cells(tokens, n)
        if na is not None:
            fixed[row.metric] = na
            continue
        joined = _digits(tokens)
        if joined is None:
            out.warn("unsplittable_row", f"table 三 row {row.label!r}: cells {' '.join(t.text for t in tokens)!r} "
                     "cannot be told apart; left out", row.location)
            continue
        digits, offsets = joined
        if not _may_split(spaced, tokens):
            out.warn("unsplittable_row", f"table 三 row {row.label!r}: {len(tokens)} cells where 7 are printed; "
                     "left out", row.location)
            continue
        splits = _row_sum_splits(digits, n)
        if not splits:
            out.warn("unsplittable_row", f"table 三 row {row.label!r}: no split of {digits!r} into "
                     "six columns and their 总计; left out", row.location)
            continue
        if len(splits) >= 64:
            out.warn("ambiguous_split", f"table 三 row {row.label!r}: too many splits of {digits!r}; left out",
                     row.location)
            continue
        candidates[row.metric] = [_parts(digits, offsets, s) for s in splits]
    _resolve_with_columns(candidates)
    for metric, cells in fixed.items():
        candidates[metric] = [cells]
    for metric, options in candidates.items():
        row = row_of[metric]
        if len(options) != 1:
            shown = "; ".join("|".join(p.text for p in o) for o in options[:4])
            out.warn("ambiguous_split", f"table 三 row {row.label!r}: {len(options)} splits fit ({shown}); "
                     "left out", row.location)
            continue
        for applicant, part in zip(REQUEST_COLUMNS, options[0], strict=True):
            out.add("requests", metric, applicant, parse_cell(part.text), row.label, part.text, f"char:{part.start}")


def _column_identities(present: set[str]) -> list[dict[str, int]]:
    """Linear identities (metric → coefficient, = 0) over the rows of table 三 that are present."""
    identities = [{"requests_received": 1, "requests_carried_over": 1, "results_total": -1,
                   "requests_carried_forward": -1}]
    results: dict[str, int] = {"results_total": -1, "results_granted": 1, "results_partial": 1}
    for block, leaves in BLOCKS.items():
        if all(leaf in present for leaf in leaves):
            results.update(dict.fromkeys(leaves, 1))
        else:
            results[block] = 1
    identities.append(results)
    return identities


def _resolve_with_columns(candidates: dict[str, list[list[_Part]]]) -> None:
    """Narrow ambiguous rows by the column identities (a candidate stays if some assignment fits)."""
    identities = _column_identities(set(candidates))
    changed = True
    while changed:
        changed = False
        for identity in identities:
            if not all(m in candidates and candidates[m] for m in identity):
                continue
            open_rows = [m for m in identity if len(candidates[m]) > 1]
            if not open_rows:
                continue
            sizes = [len(candidates[m]) for m in open_rows]
            if _product(sizes) > 4096:
                continue
            fixed = [0.0] * len(REQUEST_COLUMNS)
            for m, coef in identity.items():
                if len(candidates[m]) == 1:
                    for c, part in enumerate(candidates[m][0]):
                        fixed[c] += coef * part.value
            keep: dict[str, set[int]] = {m: set() for m in open_rows}
            for choice in itertools.product(*(range(s) for s in sizes)):
                total = list(fixed)
                for m, idx in zip(open_rows, choice, strict=True):
                    coef = identity[m]
                    for c, part in enumerate(candidates[m][idx]):
                        total[c] += coef * part.value
                if all(abs(t) < 1e-9 for t in total):
                    for m, idx in zip(open_rows, choice, strict=True):
                        keep[m].add(idx)
            if not any(keep.values()):
                continue  # the identity does not hold as published: it cannot decide anything
            for m in open_rows:
                if len(keep[m]) < len(candidates[m]):
                    candidates[m] = [candidates[m][i] for i in sorted(keep[m])]
                    changed = True


def _product(values: Iterable[int]) -> int:
    result = 1
    for v in values:
        result *= v
    return result


# ----- table 二

_AMOUNT_RE = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?|[—/]")
_CHANGE_RE = re.compile(r"-?(?:0|[1-9]\d*)|[—/]")
_COUNT_RE = re.compile(r"0|[1-9]\d*|[—/]")


def _column_re(suffix: str) -> re.Pattern[str]:
    """A cell of a table 二 column in run-together text (a '-' sign only where a change is printed)."""
    if suffix.startswith("amount"):
        return _AMOUNT_RE
    if suffix == "items_change":
        return _CHANGE_RE
    return _COUNT_RE


def _split_columns(text: str, res: list[re.Pattern[str]], cap: int = 2) -> list[list[int]]:
    """Ways to cut text into len(res) pieces each matching its column's pattern (end positions)."""
    found: list[list[int]] = []

    def walk(pos: int, k: int, ends: list[int]) -> None:
        if len(found) >= cap:
            return
        if k == len(res):
            if pos == len(text):
                found.append(list(ends))
            return
        for end in range(pos + 1, len(text) + 1):
            if res[k].fullmatch(text, pos, end):
                ends.append(end)
                walk(end, k + 1, ends)
                ends.pop()

    walk(0, 0, [])
    return found


def _text_proactive(rows: list[_TextRow], out: _Out, spaced: bool | None) -> None:
    metrics = _registered_metrics()["proactive"]
    for row in rows:
        columns = row.columns
        if not columns:
            out.warn("unknown_label", f"table 二 row {row.label!r} has no column header; left out", row.location)
            continue
        bad = [h for s, h in columns if f"{row.metric}_{s}" not in metrics]
        if bad:
            out.warn("unknown_label", f"no metric for {row.label!r} × {bad[0]!r} in table 二", row.location)
            continue
        n = len(columns)
        tokens = _value_tokens(row, out, "proactive", n)
        if not tokens:
            continue
        cells: list[_Part] | None = None
        if len(tokens) == n and (spaced is not False or n == 1):
            cells = [_Part(t.text, t.start) for t in tokens]
        elif _may_split(spaced, tokens):
            cells = _split_proactive(row, tokens, [s for s, _ in columns])
        if cells is None:
            out.warn("ambiguous_split", f"table 二 row {row.label!r}: {' '.join(t.text for t in tokens)!r} "
                     f"does not split into {n} columns in exactly one way; left out", row.location)
            continue
        for (suffix, header), part in zip(columns, cells, strict=True):
            metric = f"{row.metric}_{suffix}"
            out.add("proactive", metric, "total", parse_cell(part.text), f"{row.label}/{header}", part.text,
                    f"char:{part.start}", header)


def _split_proactive(row: _TextRow, tokens: list[_Token], suffixes: list[str]) -> list[_Part] | None:
    unit = ""
    chars: list[str] = []
    offsets: list[int] = []
    for i, tok in enumerate(tokens):
        text = tok.text
        m = re.search(r"(万元|元)$", text)
        if m and i == len(tokens) - 1:
            unit, text = m.group(), text[: m.start()]
        if not re.fullmatch(r"[-\d.—/]+", text):
            return None
        chars.extend(text)
        offsets.extend(range(tok.start, tok.start + len(text)))
    joined = "".join(chars)
    splits = _split_columns(joined, [_column_re(s) for s in suffixes])
    if len(splits) != 1:
        return None
    parts, pos = [], 0
    for k, end in enumerate(splits[0]):
        text = joined[pos:end] + (unit if k == len(suffixes) - 1 else "")
        parts.append(_Part(text, offsets[pos]))
        pos = end
    return parts


# ----- table 四


def _text_review(text: str, compact: _Compact, out: _Out, start: int, end: int, spaced: bool | None) -> None:
    matches = list(out.labels.pattern("review_litigation").finditer(compact.text, start, end))
    if not matches:
        out.warn("missing_table", "table 四 (行政复议、行政诉讼) header not found")
        return
    region_start = compact.offset(matches[-1].end() - 1) + 1
    region_end = compact.offset(end)
    region = _clean_region(text[region_start:region_end], out.labels.fragments["review_litigation"])
    row = _TextRow("行政复议/行政诉讼", "", _tokens(region, region_start), f"char:{region_start}")
    n = len(REVIEW_COLUMNS)
    tokens = _value_tokens(row, out, "review_litigation", n)
    if not tokens:
        out.warn("missing_values", "table 四 has no values after its header", row.location)
        return
    if len(tokens) == n and spaced is not False:
        cells: list[_Part | None] = [_Part(t.text, t.start) for t in tokens]
    else:
        joined = _digits(tokens)
        if joined is None or not _may_split(spaced, tokens):
            out.warn("unsplittable_row", f"table 四: {len(tokens)} cells where 15 are printed; left out",
                     row.location)
            return
        digits, offsets = joined
        cells = _split_review(digits, offsets)
        if cells is None:
            out.warn("unsplittable_row", f"table 四: no split of {digits!r} fits the block totals; left out",
                     row.location)
            return
    headers = [f"{g}/{f}" for g in ("行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉")
               for f in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
    undecided = []
    for metric, header, part in zip(REVIEW_COLUMNS, headers, cells, strict=True):
        if part is None:
            undecided.append(metric)
            continue
        out.add("review_litigation", metric, "total", parse_cell(part.text), header, part.text, f"char:{part.start}")
    if undecided:
        out.warn("ambiguous_split", f"table 四: several splits fit for {', '.join(undecided)}; left out",
                 row.location)


def _split_review(digits: str, offsets: list[int], cap: int = 256) -> list[_Part | None] | None:
    """Cut digits into three blocks of (four numbers, their sum); cells all fitting splits agree on."""
    solutions: list[list[tuple[int, int]]] = []
    size = len(digits)

    def valid(a: int, b: int) -> bool:
        return (b - a == 1 or digits[a] != "0") and b - a <= 9

    def block(pos: int, done: int, parts: list[tuple[int, int]]) -> None:
        if len(solutions) >= cap:
            return
        if done == len(REVIEW_GROUPS):
            if pos == size:
                solutions.append(list(parts))
            return
        cells_left = (len(REVIEW_GROUPS) - done) * len(REVIEW_FIELDS)
        if size - pos < cells_left:
            return

        def inner(p: int, k: int, total: int) -> None:
            if len(solutions) >= cap:
                return
            if k == len(REVIEW_FIELDS) - 1:
                s = str(total)
                if digits.startswith(s, p) and valid(p, p + len(s)):
                    parts.append((p, p + len(s)))
                    block(p + len(s), done + 1, parts)
                    parts.pop()
                return
            for length in range(1, 10):
                e = p + length
                if e > size or size - e < cells_left - k - 1:
                    break
                if not valid(p, e):
                    if length > 1 and digits[p] == "0":
                        break
                    continue
                parts.append((p, e))
                inner(e, k + 1, total + int(digits[p:e]))
                parts.pop()

        inner(pos, 0, 0)

    block(0, 0, [])
    if not solutions or len(solutions) >= cap:
        return None
    cells: list[_Part | None] = []
    for c in range(len(REVIEW_COLUMNS)):
        texts = {digits[s[c][0]: s[c][1]] for s in solutions}
        if len(texts) == 1:
            a, b = solutions[0][c]
            cells.append(_Part(digits[a:b], offsets[a]))
        else:
            cells.append(None)
    # a block is kept only when all five of its cells are decided
    for g in range(len(REVIEW_GROUPS)):
        block_cells = cells[g * 5: g * 5 + 5]
        if any(c is None for c in block_cells):
            cells[g * 5: g * 5 + 5] = [None] * 5
    return cells


# --------------------------------------------------------------------------- derived


def _derive(out: _Out) -> None:
    read: dict[tuple[str, str], Figure] = {}
    for f in out.figures:
        read.setdefault((f.metric, f.applicant), f)
    _derive_request_totals(out, read)
    for block, leaves in BLOCKS.items():
        for applicant in REQUEST_COLUMNS:
            if (block, applicant) in read:
                continue
            parts = [read.get((leaf, applicant)) for leaf in leaves]
            _add_sum(out, "requests", block, applicant, parts, f"sum of {len(leaves)} rows")
    for metric, names in REVIEW_SUMS.items():
        if (metric, "total") not in read:
            parts = [read.get((name, "total")) for name in names]
            _add_sum(out, "review_litigation", metric, "total", parts, "direct + after review")


def _derive_request_totals(out: _Out, read: dict[tuple[str, str], Figure]) -> None:
    """A blank (or missing) 总计 cell with all six applicant cells known: their sum, marked derived."""
    if out.partial_rows:
        return
    metrics = {f.metric for f in out.figures if f.table == "requests"}
    for metric in sorted(metrics):
        total = read.get((metric, "total"))
        if total is not None and total.cell != "blank":
            continue
        parts = [read.get((metric, a)) for a in REQUEST_COLUMNS[:-1]]
        label = next((p.raw_label for p in parts if p is not None), metric)
        figure = _add_sum(out, "requests", metric, "total", parts, f"{label} [总计 blank: sum of applicant columns]",
                          replace=True)
        if figure is not None:
            read[(metric, "total")] = figure


def _add_sum(out: _Out, table: str, metric: str, applicant: str, parts: Sequence[Figure | None], note: str,
             replace: bool = False) -> Figure | None:
    if not parts or any(p is None or p.value is None or p.cell not in ("number", "zero") for p in parts):
        return None
    value = sum(p.value for p in parts)  # type: ignore[misc]
    figure = Figure(
        metric=metric, value=value, table=table, applicant=applicant, cell="zero" if value == 0 else "number",
        derived=True, raw_label=note if replace else f"derived: {note}",
        raw_value="+".join(_fmt(p.value) for p in parts),  # type: ignore[union-attr, arg-type]
        location=parts[0].location,  # type: ignore[union-attr]
    )
    out.figures.append(figure)
    return figure



def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)
