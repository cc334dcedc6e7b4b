"""Standard tables read from text (PDF text layer, TXT): rows found by their labels."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ..compact_text import CompactText, blank_footers
from ..prefilter import with_first_chars
from .cells import parse_cell
from .collect import TABLE_ZH, Collector
from .labels import (
    columns_by_position,
    label_key,
    near_label,
    registered_metrics,
    row_at_position,
    spelling_regex,
)
from .splitting import (
    INT_RE,
    Part,
    Token,
    column_re,
    cut_parts,
    joined_digits,
    resolve_with_columns,
    row_sum_splits,
    split_columns,
    split_review,
)
from .template import NOT_APPLICABLE, REQUEST_COLUMNS, REVIEW_COLUMNS, proactive_columns, request_rows


def _heading(*words: str) -> re.Pattern[str]:
    """Pattern for any of the headings in whitespace-free text."""
    return with_first_chars(re.compile("|".join(spelling_regex(w) for w in words)))


_T2_HEADING = _heading("主动公开政府信息情况")
_T2_FIRST = _heading("第二十条第(一)项", "第二十条第一项")
_T2_INFO = _heading("信息内容")
_T3_HEADING = _heading("收到和处理政府信息公开申请情况")
_T3_FIRST = _heading("一、本年新收政府信息公开申请数量")
_T3_SECOND = _heading("二、上年结转政府信息公开申请数量")
_T3_LAST = _heading("结转下年度继续办理")
_T4_HEADING = _heading("政府信息公开行政复议、行政诉讼情况", "行政复议、行政诉讼情况")
_T4_FIRST = _heading("行政复议")
_T4_END = _heading("存在的主要问题", "主要问题及改进情况", "其他需要报告的事项", "五、")



def _tokens(region: str, offset: int) -> list[Token]:
    """Whitespace-separated tokens of a region, with their document offsets."""
    tokens = []
    for t in _TOKEN_RE.finditer(region):
        before = region.rfind("\n", 0, t.start())
        after = region.find("\n", t.end())
        alone = (
            before >= 0 and after >= 0
            and not region[before + 1: t.start()].strip() and not region[t.end(): after].strip()
        )
        tokens.append(Token(t.group(), offset + t.start(), alone))
    return tokens


@dataclass
class _TextRow:
    """A row label of a text table and the tokens after it."""

    label: str
    metric: str
    tokens: list[Token]
    location: str
    columns: list[tuple[str, str]] = field(default_factory=list)  # table 二: (suffix, header text)
    header: list[tuple[str | None, str]] = field(default_factory=list)  # table 二: every header cell, None: unknown
    by_identity: bool = False  # table 三: the row's place is its only label; read only when the identities hold


def read_text(text: str, out: Collector, tables: list[str]) -> None:
    """Find tables 二, 三 and 四 in the text by their headings and first and last rows, and read those asked for."""
    document = text
    text = blank_footers(text)
    compact = CompactText(text, round_brackets=True)
    first = compact.find(_T3_FIRST)
    if first is not None:
        heading = compact.rfind(_T3_HEADING, 0, first.start())
        t3_start = first.start()  # text between the heading and the first row is prose
    else:
        # the first row's label is garbled or missing: the table starts after its heading, before row 二
        second = compact.find(_T3_SECOND)
        heading = compact.rfind(_T3_HEADING, 0, second.start()) if second else None
        if second is None or heading is None:
            if "requests" in tables:
                out.warn("missing_table", "table 三 (收到和处理政府信息公开申请情况) not found")
            return
        first = second
        t3_start = heading.end()
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
        rows = _rows_by_position(_text_rows(text, compact, out, "requests", t3_start, t3_end), out)
        counted = [len(r.tokens) for r in rows]
        spaced = bool(counted) and sum(c == len(REQUEST_COLUMNS) for c in counted) * 2 >= len(counted)
        _text_requests(rows, out, spaced)
    if "proactive" in tables and t2_start is not None:
        rows = _rows_by_position(_text_rows(text, compact, out, "proactive", t2_start, t2_end), out, "proactive")
        _text_proactive(rows, out, spaced, _ProseCheck(document))  # as the prose is read: one compact view for both
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
    if _DIGITS_AND_SPACES_RE.fullmatch(region):
        return region  # most regions: nothing below matches without another character
    region = _PLACEHOLDER_RE.sub(lambda m: " " * len(m.group()), region)  # never a cell
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
_DIGITS_AND_SPACES_RE = re.compile(r"[\d\s]*")
#: Column names a PDF converter puts over a table it has no header for (``数据1``, ``列2``, ``Column3``).
_PLACEHOLDER_RE = re.compile(r"(?<!\S)(?:数据|列|Column|Col)\s?\d{1,2}(?!\S)", re.IGNORECASE)
_LABEL_PUNCT_RE = re.compile(r"[\s:：,，、.．·•'\"“”‘’「」『』]+")


def _text_rows(text: str, compact: CompactText, out: Collector, table: str, start: int, end: int) -> list[_TextRow]:
    """Data rows of one table in text: each known row label with the tokens up to the next label.

    Text that follows a header or column label and holds cells before the next
    label is kept as a row without a metric (its label was not recognised);
    :func:`_rows_by_position` decides by the template whether it is one.  For
    table 二, an unknown text between the column labels of a header is kept in
    ``header`` (metric None) so the template can place it.
    """
    labels = out.labels
    spellings = labels.spellings
    matches = list(labels.pattern(table).finditer(compact.text, start, end))
    rows: list[_TextRow] = []
    columns: list[tuple[str, str]] = []
    header: list[tuple[str | None, str]] = []  # the header's cells, unknown ones with metric None
    header_end = start  # where the last header or column label ends (compact)
    after_row = False
    fragments = labels.fragments[table]

    def header_gap(until: int) -> None:
        gap = compact.text[header_end:until]
        if label_key(gap) and not _HAS_DIGIT.search(gap):
            header.append((None, gap))

    for k, m in enumerate(matches):
        spelling = spellings[int(m.lastgroup[1:])]  # type: ignore[index]
        next_start = matches[k + 1].start() if k + 1 < len(matches) else end
        if spelling.kind in ("column", "header"):
            if spelling.kind == "column":
                if after_row:
                    columns, header = [], []
                    after_row = False
                header_gap(m.start())  # a gap holding cells (a row's) is none of the header's
                columns.append((spelling.metric, spelling.raw_label))
                header.append((spelling.metric, spelling.raw_label))
            elif table == "proactive" and spelling.raw_label.startswith("第二十条"):
                columns, header = [], []
                after_row = False
            header_end = m.end()
            unlabelled = _unlabelled_row(text, compact, m.end(), next_start, columns, header)
            if unlabelled is not None:
                rows.append(unlabelled)
                after_row = True
            continue
        if not after_row:
            header_gap(m.start())
        after_row = True
        region_start = compact.offset(m.end() - 1) + 1
        region_end = compact.offset(next_start)
        region = _clean_region(text[region_start:region_end], fragments)
        tokens = _tokens(region, region_start)
        label = text[compact.offset(m.start()): region_start]
        label = "".join(label.split())
        if not tokens:
            continue  # a block heading followed directly by its first sub-row
        rows.append(_TextRow(label, spelling.metric, tokens, f"char:{compact.offset(m.start())}", list(columns),
                             list(header)))
    return rows


def _unlabelled_row(text: str, compact: CompactText, start: int, end: int, columns: list[tuple[str, str]],
                    header: list[tuple[str | None, str]]) -> _TextRow | None:
    """Text and then cells between a header label and the next label: a row whose label is not known, or None."""
    if start >= end or not _HAS_DIGIT.search(compact.text, start, end):
        return None
    region_start = compact.offset(start - 1) + 1
    tokens = _tokens(text[region_start:compact.offset(end)], region_start)
    if not tokens:
        return None
    return _TextRow("", "", tokens, f"char:{tokens[0].start}", list(columns), list(header))


_CELLISH_RE = re.compile(r"[\d.,\-—–/]+(?:万元|元)?|无|不适用|零")


def _value_tokens(row: _TextRow, out: Collector, table: str, expected: int) -> list[Token]:
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
                         f"{TABLE_ZH[table]}: the cells after it are left out", f"char:{tok.start}")
            return tokens[:i]
    return tokens


def _may_split(spaced: bool | None, tokens: list[Token]) -> bool:
    """Whether a row's digits may be cut anywhere: in run-together text, or one bare token.

    In spaced text a row with the wrong number of cells is left out: merging
    tokens could as well join a page number or a stray figure to a cell.
    """
    return spaced is False or (spaced is None and len(tokens) == 1)


_NA_CHARS_RE = re.compile(r"[—/]+")


def _na_cells(tokens: list[Token], n: int) -> list[Part] | None:
    """n single-character not-applicable marks run together (``///////``), or None."""
    if not all(_NA_CHARS_RE.fullmatch(t.text) for t in tokens):
        return None
    parts = [Part(ch, t.start + k) for t in tokens for k, ch in enumerate(t.text)]
    return parts if len(parts) == n else None



# ----- table 三


_ORDINAL_PIECE_RE = re.compile(r"\d{1,2}[.、]")
_DIGITS_RE = re.compile(r"\d+")
_PIECE_RE = re.compile(r"[\d.,\-—–/]+(?:万元|元)?|[^\d.,\-—–/\s]+")


def _rows_by_position(rows: list[_TextRow], out: Collector, table: str = "requests") -> list[_TextRow]:
    """Rows whose label was not recognised (a typo, an OCR confusion), found by their place in the template.

    Two places hold such a row: the unknown text between two runs of cells
    (after the previous row's cells), and text with cells after a header label
    (a row without a metric from :func:`_text_rows`).  The text is read as the
    label of the template row that its place leaves (see :func:`row_at_position`, :func:`near_label`);
    the cells after it become that row's.  The first row of table 三 with an
    unreadable or missing label is kept for the identities to confirm
    (``by_identity``).  Anything else is left as it was (and reported).
    """
    order = _row_order(out.layout, table)
    zh = TABLE_ZH[table]
    result: list[_TextRow] = []
    for k, row in enumerate(rows):
        if row.metric and all(_DIGITS_RE.fullmatch(t.text) for t in row.tokens):
            result.append(row)  # whole numbers only: each token is one cell piece, no text to place
            continue
        pieces = [Token(m.group(), t.start + m.start(), t.alone) for t in row.tokens for m in _PIECE_RE.finditer(t.text)]
        kinds = [bool(_CELLISH_RE.fullmatch(p.text)) and not _ORDINAL_PIECE_RE.fullmatch(p.text) for p in pieces]
        if row.metric:
            first_text = next((i for i, cell in enumerate(kinds) if not cell), None)
            # a heading row (a block label such as (四)无法提供) has no cells of its own before the next label
            if first_text is None or (first_text == 0 and row.metric in order):
                result.append(row)
                continue
        else:
            first_text = 0
        end_text = next((i for i in range(first_text, len(kinds)) if kinds[i]), len(kinds))
        if end_text == len(kinds) or not all(kinds[end_text:]):
            if row.metric:
                result.append(row)
            continue
        between = pieces[first_text:end_text]
        # the label proper starts after the last ordinal (before it: debris of a wrapped label)
        last_ordinal = max((i for i, p in enumerate(between) if _ORDINAL_PIECE_RE.fullmatch(p.text)), default=0)
        label = "".join(p.text for p in between[last_ordinal:])
        after = next((r.metric for r in rows[k + 1:] if r.metric in order), None)
        before = next((r.metric for r in reversed(result + [row]) if r.metric in order), None)
        taken = {r.metric for r in rows} | {_row_of(table, key[1]) for key in out.seen if key[0] == table}
        metric = row_at_position(order, before, after, taken)
        near = metric is not None and near_label(out.labels, table, "row", metric, label)
        by_identity = not near and table == "requests" and metric == order[0] and before is None
        location = f"char:{pieces[end_text].start if not label else pieces[first_text].start}"
        if metric is None or not (near or by_identity):
            if row.metric:
                result.append(row)
            elif label:
                out.warn("unknown_label", f"unknown row label {label!r} in table {zh}: its cells are left out",
                         location)
            continue
        if near:
            out.warn("label_by_position", f"table {zh} row label {label!r} read as {metric} by its place in the "
                     "template", location)
        if row.metric:
            result.append(_TextRow(row.label, row.metric, pieces[:first_text], row.location, row.columns, row.header))
        result.append(_TextRow(label, metric, pieces[end_text:], location, row.columns, row.header, by_identity))
    return result


def _row_order(layout: str, table: str) -> tuple[str, ...]:
    """The template's rows of table 三 (metric ids) or table 二 (row prefixes) in print order."""
    if table == "requests":
        return request_rows(layout)
    return tuple(proactive_columns(layout))


def _row_of(table: str, metric: str) -> str:
    """The row a read cell belongs to: the metric itself (table 三) or its row prefix (table 二)."""
    if table == "requests":
        return metric
    return next((row for row in _TABLE2_ROW_PREFIXES if metric.startswith(row + "_")), metric)


_TABLE2_ROW_PREFIXES = ("normative_docs", "other_services", "regulations", "licensing", "penalty", "coercion", "fees",
                        "procurement")


def _keeps_token_ends(cuts: list[tuple[int, int]], tokens: list[Token]) -> bool:
    """Whether a cut of the tokens' joined digits ends a cell wherever a token ends (spaces separate cells)."""
    ends = {b for _, b in cuts}
    position = 0
    for tok in tokens[:-1]:
        position += len(tok.text)
        if position not in ends:
            return False
    return True


def _first_row_balances(candidates: dict[str, list[list[Part]]], first: str) -> bool:
    """Whether the rows read give 一 + 二 = (七)总计 + 四 in every column, each row read in one way."""
    rows = (first, "requests_carried_over", "results_total", "requests_carried_forward")
    options = [candidates.get(metric, []) for metric in rows]
    if any(len(o) != 1 or len(o[0]) != len(REQUEST_COLUMNS) for o in options):
        return False
    if not all(INT_RE.fullmatch(p.text) for o in options for p in o[0]):
        return False
    received, carried, total, forward = ([p.value for p in o[0]] for o in options)
    return all(a + b == c + d for a, b, c, d in zip(received, carried, total, forward, strict=True))


def _text_requests(rows: list[_TextRow], out: Collector, spaced: bool) -> None:
    """Table 三 from text rows: spaced rows as printed, run-together rows split by the identities."""
    n = len(REQUEST_COLUMNS)
    candidates: dict[str, list[list[Part]]] = {}  # rows of whole numbers: the identities apply
    fixed: dict[str, list[Part]] = {}  # rows with other cells, read as printed
    row_of: dict[str, _TextRow] = {}
    for row in rows:
        if row.metric in row_of:
            continue
        row_of[row.metric] = row
        tokens = _value_tokens(row, out, "requests", n)
        if not tokens:
            continue
        if spaced and len(tokens) == n:
            cells = [Part(t.text, t.start) for t in tokens]
            if all(INT_RE.fullmatch(p.text) for p in cells):
                candidates[row.metric] = [cells]
            else:
                fixed[row.metric] = cells
            continue
        na = _na_cells(tokens, n)
        if na is not None:
            fixed[row.metric] = na
            continue
        joined = joined_digits(tokens)
        if joined is None:
            out.warn("unsplittable_row", f"table 三 row {row.label!r}: cells {' '.join(t.text for t in tokens)!r} "
                     "cannot be told apart; left out", row.location)
            continue
        digits, offsets = joined
        # in spaced text a row with fewer tokens than cells has cells run together: its tokens may be cut,
        # never joined (a space is where one cell ends)
        cut_tokens = bool(spaced) and len(tokens) < n
        if not _may_split(spaced, tokens) and not cut_tokens:
            out.warn("unsplittable_row", f"table 三 row {row.label!r}: {len(tokens)} cells where 7 are printed; "
                     "left out", row.location)
            continue
        splits = row_sum_splits(digits, n)
        if cut_tokens:
            splits = [s for s in splits if _keeps_token_ends(s, tokens)]
        if not splits:
            out.warn("unsplittable_row", f"table 三 row {row.label!r}: no split of {digits!r} into "
                     "six columns and their 总计; left out", row.location)
            continue
        if len(splits) >= 64:
            out.warn("ambiguous_split", f"table 三 row {row.label!r}: too many splits of {digits!r}; left out",
                     row.location)
            continue
        candidates[row.metric] = [cut_parts(digits, offsets, s) for s in splits]
    resolve_with_columns(candidates)
    for metric, cells in fixed.items():
        candidates[metric] = [cells]
    for metric, row in row_of.items():
        if row.by_identity and metric in candidates and not _first_row_balances(candidates, metric):
            out.warn("unknown_label", f"table 三: the row {row.label or '(no label)'!r} before row 二 does not "
                     f"satisfy 一+二 = (七)+四 as {metric}; left out", row.location)
            del candidates[metric]
        elif row.by_identity and metric in candidates:
            out.warn("label_by_position", f"table 三 row {row.label or '(no label)'!r} read as {metric}: its place "
                     "is the first row and 一+二 = (七)+四 holds in every column", row.location)
    for metric, options in candidates.items():
        row = row_of[metric]
        if len(options) != 1:
            shown = "; ".join("|".join(p.text for p in o) for o in options[:4])
            out.warn("ambiguous_split", f"table 三 row {row.label!r}: {len(options)} splits fit ({shown}); "
                     "left out", row.location)
            continue
        for applicant, part in zip(REQUEST_COLUMNS, options[0], strict=True):
            out.add("requests", metric, applicant, parse_cell(part.text), row.label, part.text, f"char:{part.start}")



class _ProseCheck:
    """What the report's prose states for table 二 cells, read once and only when a row needs it."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._stated: dict[str, set[float]] | None = None

    def stated(self) -> dict[str, set[float]]:
        """Values the prose states, by metric (see :data:`..narrative.CHECK_METRICS`)."""
        if self._stated is None:
            from ..narrative import CHECK_METRICS, prose_statements

            self._stated = prose_statements(self._text, CHECK_METRICS)
        return self._stated


def _text_proactive(rows: list[_TextRow], out: Collector, spaced: bool | None, prose: _ProseCheck) -> None:
    """Table 二 from text rows: each row's cells under the column headers read before it."""
    metrics = registered_metrics()["proactive"]
    templates = proactive_columns(out.layout)
    warned: set[tuple[str, str]] = set()
    for row in rows:
        columns = _header_by_position(row, templates.get(row.metric, ()), out, warned)
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
        cells: list[Part | None] | None = None
        if len(tokens) == n and (spaced is not False or n == 1):
            cells = [Part(t.text, t.start) for t in tokens]
        elif _may_split(spaced, tokens) or (spaced and len(tokens) < n):
            # in spaced text fewer tokens than cells are cells run together: tokens are cut, never joined
            cells = _split_proactive(row, tokens, [s for s, _ in columns], prose, out, keep_spaces=bool(spaced))
        shown = " ".join(t.text for t in tokens)
        if cells is None or all(c is None for c in cells):
            out.warn("ambiguous_split", f"table 二 row {row.label!r}: {shown!r} "
                     f"does not split into {n} columns in exactly one way; left out", row.location)
            continue
        undecided = [header for (_, header), part in zip(columns, cells, strict=True) if part is None]
        if undecided:
            out.warn("ambiguous_split", f"table 二 row {row.label!r}: {shown!r} splits into {n} columns in "
                     f"several ways; {', '.join(undecided)} left out", row.location)
        for (suffix, header), part in zip(columns, cells, strict=True):
            if part is None:
                continue
            metric = f"{row.metric}_{suffix}"
            out.add("proactive", metric, "total", parse_cell(part.text), f"{row.label}/{header}", part.text,
                    f"char:{part.start}", header)


def _header_by_position(row: _TextRow, template: tuple[str, ...], out: Collector,
                        warned: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The columns over a table 二 row, with unknown header labels placed by the row's template.

    An unknown label counts when the template leaves it exactly one column
    and it is a near spelling of that column's label (:func:`columns_by_position`);
    otherwise the recognised columns are all there is.
    """
    recognised = [metric for metric, _ in row.header]
    if None not in recognised or not template:
        return row.columns
    texts = [text for _, text in row.header]
    placed = columns_by_position(out.labels, "proactive", [template], recognised, texts)
    if None in placed:
        return row.columns
    for (metric, text), suffix in zip(row.header, placed, strict=True):
        if metric is None and (text, suffix) not in warned:
            warned.add((text, suffix))  # type: ignore[arg-type]
            out.warn("label_by_position", f"table 二 column label {text!r} read as {suffix} by its place in the "
                     "template", row.location)
    return [(suffix, text) for suffix, (_, text) in zip(placed, row.header, strict=True)]  # type: ignore[misc]


#: More cuts of one table 二 row than this: too many to tell apart, the row is left out.
_MAX_SPLITS = 512


def _split_proactive(
    row: _TextRow, tokens: list[Token], suffixes: list[str], prose: _ProseCheck, out: Collector,
    keep_spaces: bool = False,
) -> list[Part | None] | None:
    """The cells of a run-together table 二 row, or None when it cannot be cut into its columns.

    One cut that fits the columns gives every cell.  When several fit, a value the
    report's prose states for a cell of the row (``本年度制发规范性文件12件``) keeps
    only the cuts that give it, and a cell is given when every cut kept agrees on
    it (the others are None); a prose value no cut gives contradicts the table and
    decides nothing.  Without such a statement the row is left out.  A space between
    digits ends a cell: with ``keep_spaces`` only the cuts that keep every space
    count, otherwise they are preferred when exactly one does.
    """
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
    splits = split_columns(joined, [column_re(s) for s in suffixes], cap=_MAX_SPLITS)
    if not splits or len(splits) >= _MAX_SPLITS:
        return None
    if (len(splits) > 1 or keep_spaces) and len(tokens) > 1:
        # a space between digits is where one cell ends: the cuts that keep every space, when one does
        ends = list(itertools.accumulate(len(t.text) for t in tokens))[:-1]
        kept = [cut for cut in splits if set(ends) <= set(cut)]
        if len(kept) == 1 or keep_spaces:
            splits = kept
        if not splits:
            return None
    cuts = [list(zip([0] + ends[:-1], ends, strict=True)) for ends in splits]
    if len(cuts) > 1:
        cuts = _cuts_the_prose_states(row, joined, cuts, suffixes, prose.stated(), out)
        if cuts is None:
            return None
    parts: list[Part | None] = []
    for k in range(len(suffixes)):
        spans = {cut[k] for cut in cuts}
        if len(spans) != 1:
            parts.append(None)
            continue
        a, b = spans.pop()
        parts.append(Part(joined[a:b] + (unit if k == len(suffixes) - 1 else ""), offsets[a]))
    return parts


def _cuts_the_prose_states(
    row: _TextRow, joined: str, cuts: list[list[tuple[int, int]]], suffixes: list[str],
    stated: dict[str, set[float]], out: Collector,
) -> list[list[tuple[int, int]]] | None:
    """The cuts that give every value the prose states for a cell of the row; None when it settles nothing."""

    def value(text: str) -> float | None:
        return float(text) if re.fullmatch(r"-?\d+(?:\.\d+)?", text) else None

    checks: list[tuple[int, set[float]]] = []
    for k, suffix in enumerate(suffixes):
        values = stated.get(f"{row.metric}_{suffix}")
        if not values:
            continue
        if any(value(joined[a:b]) in values for a, b in (cut[k] for cut in cuts)):
            checks.append((k, values))
        else:
            shown = ", ".join(f"{v:g}" for v in sorted(values))
            out.warn("ambiguous", f"table 二 row {row.label!r}: the prose states {shown} for "
                     f"{row.metric}_{suffix}, which no cut of {joined!r} gives", row.location)
    kept = [cut for cut in cuts if all(value(joined[cut[k][0]: cut[k][1]]) in values for k, values in checks)]
    return kept if checks and kept else None


# ----- table 四


def _review_without_header(text: str, compact: CompactText, out: Collector, start: int, end: int) -> None:
    """Table 四 under its heading but without its column header (a converter's ``数据1 … 数据15``).

    The fifteen cells are read in the template's order only when they are
    the first thing under the heading, all whole numbers, and each block's
    总计 is the sum of its four results; otherwise the table is left out.
    """
    region_start = compact.offset(start)
    region = _clean_region(text[region_start:compact.offset(end)], out.labels.fragments["review_litigation"])
    tokens = _tokens(region, region_start)
    cells = list(itertools.takewhile(lambda t: INT_RE.fullmatch(t.text) is not None, tokens))
    n = len(REVIEW_COLUMNS)
    values = [int(t.text) for t in cells[:n]]
    blocks = [values[k: k + 5] for k in range(0, len(values), 5)]
    if len(cells) < n or (len(cells) > n and not cells[n].alone) or any(sum(b[:4]) != b[4] for b in blocks):
        out.warn("missing_table", "table 四 (行政复议、行政诉讼) header not found")
        return
    out.warn("read_by_template", "table 四 has no column header: its 15 cells are read in the template's order "
             "(each block adds up to its 总计)", f"char:{cells[0].start}")
    for metric, tok in zip(REVIEW_COLUMNS, cells[:n], strict=True):
        out.add("review_litigation", metric, "total", parse_cell(tok.text), f"[{metric}]", tok.text, f"char:{tok.start}")


def _after_garbled_header_end(tokens: list[Token], n: int, out: Collector) -> list[Token]:
    """Table 四's cells after an unreadable last header label (``总汁`` for 总计), or the tokens as they were.

    A short text without digits between the header and the cells is the end of
    the header only when the fifteen cells after it are whole numbers and each
    block's 总计 is the sum of its four results.
    """
    lead = list(itertools.takewhile(lambda t: not _CELLISH_RE.fullmatch(t.text), tokens))
    rest = tokens[len(lead):]
    if not lead or len("".join(t.text for t in lead)) > 6 or any(_HAS_DIGIT.search(t.text) for t in lead):
        return tokens
    if len(rest) < n or not all(INT_RE.fullmatch(t.text) for t in rest[:n]):
        return tokens
    values = [int(t.text) for t in rest[:n]]
    if any(sum(values[k: k + 4]) != values[k + 4] for k in range(0, n, 5)):
        return tokens
    text = "".join(t.text for t in lead)
    out.warn("label_by_position", f"table 四: {text!r} before the cells is read as the end of the header "
             "(each block adds up to its 总计)", f"char:{lead[0].start}")
    return rest


def _text_review(text: str, compact: CompactText, out: Collector, start: int, end: int, spaced: bool | None) -> None:
    """Table 四 from text: the fifteen cells after its header, split by the block totals when run together."""
    matches = list(out.labels.pattern("review_litigation").finditer(compact.text, start, end))
    if not matches:
        _review_without_header(text, compact, out, start, end)
        return
    region_start = compact.offset(matches[-1].end() - 1) + 1
    region_end = compact.offset(end)
    region = _clean_region(text[region_start:region_end], out.labels.fragments["review_litigation"])
    row = _TextRow("行政复议/行政诉讼", "", _tokens(region, region_start), f"char:{region_start}")
    n = len(REVIEW_COLUMNS)
    row.tokens = _after_garbled_header_end(row.tokens, n, out)
    tokens = _value_tokens(row, out, "review_litigation", n)
    if not tokens:
        out.warn("missing_values", "table 四 has no values after its header", row.location)
        return
    if len(tokens) == n and spaced is not False:
        cells: list[Part | None] = [Part(t.text, t.start) for t in tokens]
    else:
        joined = joined_digits(tokens)
        if joined is None or not _may_split(spaced, tokens):
            out.warn("unsplittable_row", f"table 四: {len(tokens)} cells where 15 are printed; left out",
                     row.location)
            return
        digits, offsets = joined
        cells = split_review(digits, offsets)
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


