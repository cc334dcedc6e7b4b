"""Standard tables read from grids (HTML, DOCX, Markdown): cells where the header puts them."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from ..reading import Document, Grid
from .cells import is_value, parse_cell
from .collect import TABLE_ZH, Collector
from .labels import LabelMap, columns_by_position, label_key, registered_metrics, row_by_position
from .template import PROACTIVE_CELLS, REQUEST_COLUMNS, TABLES, proactive_columns, request_rows


def _classify_grid(grid: Grid, labels: LabelMap) -> str | None:
    """Which standard table a grid holds (most distinct known row/column labels), or None.

    Table 二's headings (信息内容, 第二十条第(八)项) count too: a block under a
    placeholder header (``数据1``) has its row label and them only.
    """
    hits: dict[str, set[str]] = {table: set() for table in TABLES}
    reconsideration = False
    for key in {label_key(c) for c in set().union(*grid) if c and len(c) < 80}:  # each distinct cell once
        for s in labels.by_key.get(key, ()):
            if s.kind in ("row", "column") or (s.table == "proactive" and s.kind == "header"):
                hits[s.table].add(key)
                reconsideration = reconsideration or s.metric == "reconsideration"
    scores = {table: len(keys) for table, keys in hits.items()}
    if not reconsideration:
        scores["review_litigation"] = 0  # table 四 shares 总计 with table 三; it needs 行政复议
    best = max(scores, key=lambda t: scores[t])
    # a block of table 二 printed as its own small table has one row and one column label
    return best if scores[best] >= (2 if best == "proactive" else 3) else None


def read_grids(doc: Document, out: Collector) -> set[str]:
    """Read every grid that holds a standard table; returns the tables found."""
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



def _unknown_headers(out: Collector, table: str, header_rows: list[tuple[int, list[str]]], value_cols: Iterable[int],
                     gi: int) -> set[int]:
    """Warn about unknown header labels over value columns; returns those columns."""
    reported: set[str] = set()
    unknown: set[int] = set()
    for j in value_cols:
        for r, row in header_rows:
            text = row[j] if j < len(row) else ""
            if text and not out.labels.known(table, text) and not is_value(text):
                unknown.add(j)
                if text not in reported:
                    reported.add(text)
                    out.warn("unknown_label", f"unknown column label {text!r} in table {TABLE_ZH[table]}",
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
    size = len(row)

    def at(c: int) -> str:
        """The row's text in column c ('' past its end)."""
        return row[c] if c < size else ""

    if all(a == b or len({at(c) for c in range(a, b + 1)}) == 1 for a, b in spans):  # one column: one text
        return [(a, row[a] if a < size else "") for a, _ in spans]
    if any(b + 1 != a for (_, b), (a, _) in itertools.pairwise(spans)):
        return None  # columns between the header cells: no order to rely on
    runs: list[tuple[int, str]] = []
    for c in range(spans[0][0], spans[-1][1] + 1):
        if not runs or at(c) != runs[-1][1]:
            runs.append((c, at(c)))
    if len(runs) != len(spans) or any(parse_cell(text).kind == "text" for _, text in runs):
        return None
    return runs



def _grid_proactive(grid: Grid, gi: int, out: Collector) -> None:
    """Table 二 from a grid: row label × column header (a block may be its own small grid)."""
    labels = out.labels
    metrics = registered_metrics()["proactive"]
    columns: dict[int, tuple[str, str]] = {}  # column -> (metric suffix, header text)
    spans: list[tuple[int, int]] = []
    width = 0
    known = {r: p for r, row in enumerate(grid) for p in [_known_row(row, labels)] if p}
    for r, row in enumerate(grid):
        # a header row: column labels and no value (a row of values is no header: its labels are not looked up)
        mapped = {} if any(is_value(c) for c in row) else {
            j: m for j, c in enumerate(row) if c for m in [labels.lookup("proactive", "column", c)] if m}
        if mapped:
            placed = _proactive_header_by_position(row, mapped, out, f"table:{gi} row:{r}")
            mapped.update(placed)
            # colspan copies repeat the header text: only the first column of a span is read
            columns = {j: (mapped[j], row[j]) for j in sorted(mapped) if not (j - 1 in mapped and row[j - 1] == row[j])}
            spans = _header_spans(columns, dict(enumerate(row)))
            width = len(row)
            _unknown_headers(out, "proactive", [(r, row)],
                             [j for j in range(min(mapped), len(row)) if j not in placed], gi)
            continue
        first_value = min(columns) if columns else next((j for j, c in enumerate(row) if is_value(c)), len(row))
        lead = [c for c in row[:first_value] if c and labels.lookup("proactive", "header", c) is None]
        values = [c for c in row[first_value:] if c]
        if not lead:
            continue  # a block heading such as 第二十条第(一)项
        label = lead[-1]
        prefix = labels.lookup("proactive", "row", label)
        if prefix is None and values:
            prefix = _proactive_row_by_position(known, r, label, out)
            if prefix is not None:
                out.warn("label_by_position", f"table 二 row label {label!r} read as {prefix} by its place in the "
                         "template", f"table:{gi} row:{r} col:{row.index(label)}")
        if prefix is None:
            if values:
                out.warn("unknown_label", f"unknown row label {label!r} in table 二",
                         f"table:{gi} row:{r} col:{row.index(label)}")
            continue
        template = [col for row_prefix, col in PROACTIVE_CELLS[out.layout] if row_prefix == prefix]
        fits = bool(columns) and all(suffix in template for suffix, _ in columns.values())
        if not fits or (len(row) != width and not (len(row) > width and not any(row[width:]))):
            if values and _proactive_by_template(row, r, gi, label, prefix, template, out):
                continue
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


def _proactive_header_by_position(row: list[str], mapped: dict[int, str], out: Collector,
                                  location: str) -> dict[int, str]:
    """Columns of a table 二 header whose label is unknown, placed by the template: column → metric suffix.

    The header's cells after its first (信息内容) are laid against the
    layout's column sequences (:func:`columns_by_position`): an unknown label is
    read only where every sequence that fits the recognised labels puts one
    column, and the label is a near spelling of it.
    """
    labels = out.labels
    cells = [j for j, c in enumerate(row) if c and j > 0 and row[j - 1] != c
             and labels.lookup("proactive", "header", c) is None]
    if all(j in mapped for j in cells):
        return {}
    recognised = [mapped.get(j) for j in cells]
    templates = set(proactive_columns(out.layout).values())
    found = columns_by_position(labels, "proactive", templates, recognised, [row[j] for j in cells])
    placed: dict[int, str] = {}
    for j, before, after in zip(cells, recognised, found, strict=True):
        if before is None and after is not None:
            out.warn("label_by_position", f"table 二 column label {row[j]!r} read as {after} by its place in the "
                     "template", f"{location} col:{j}")
            placed.update({k: after for k in range(j, len(row)) if row[k] == row[j] and all(
                row[i] == row[j] for i in range(j, k + 1))})
    return placed


def _known_row(row: list[str], labels: LabelMap) -> str | None:
    """The table 二 row a grid row's label names, or None."""
    return next((p for c in row if c for p in [labels.lookup("proactive", "row", c)] if p), None)


def _proactive_row_by_position(known: dict[int, str], r: int, label: str, out: Collector) -> str | None:
    """The table 二 row an unrecognised label at grid row r stands for, by the recognised rows around it."""
    order = tuple(dict.fromkeys(row for row, _ in PROACTIVE_CELLS[out.layout]))
    before = next((known[k] for k in sorted(known, reverse=True) if k < r), None)
    after = next((known[k] for k in sorted(known) if k > r), None)
    read = {row for row in order for key in out.seen if key[0] == "proactive" and key[1].startswith(row + "_")}
    return row_by_position(out.labels, "proactive", order, before, after, label, set(known.values()) | read)


def _proactive_by_template(row: list[str], r: int, gi: int, label: str, prefix: str, template: list[str],
                           out: Collector) -> bool:
    """A table 二 row under no usable header (``数据1``, another block's header): its cells by the template.

    The row is read when the cells after its label are exactly the template's
    cells of that row, each a number, zero or not-applicable mark; returns
    whether it was read.
    """
    start = row.index(label) + 1
    cells = [(j, row[j]) for j in range(start, len(row)) if row[j]]
    if out.via != "markdown_table" and any(a[1] == b[1] for a, b in itertools.pairwise(cells)):
        return False  # equal neighbours may be one cell spanning two columns
    if not template or len(cells) != len(template) or not all(is_value(text) for _, text in cells):
        return False
    out.warn("read_by_template", f"table 二 row {label!r} has no column header of its own: its {len(cells)} cells "
             "are read in the template's column order", f"table:{gi} row:{r}")
    for suffix, (j, text) in zip(template, cells, strict=True):
        if suffix.startswith("amount") and parse_cell(text).kind == "number" and not parse_cell(text).unit:
            out.warn("unknown_unit", f"table 二 row {label!r}: the amount {text!r} has no unit in its cell and no "
                     "header to give one; left out", f"table:{gi} row:{r} col:{j}")
            continue
        out.add("proactive", f"{prefix}_{suffix}", "total", parse_cell(text), f"{label}/[{suffix}]", text,
                f"table:{gi} row:{r} col:{j}")
    return True


def _grid_requests(
    grid: Grid, gi: int, out: Collector, previous: tuple[int, dict[int, str], list[tuple[int, int]]] | None
) -> tuple[int, dict[int, str], list[tuple[int, int]]] | None:
    """Table 三 from a grid; a continuation without its header reuses the previous grid's columns."""
    labels = out.labels
    columns: dict[int, str] = {}
    header_rows: list[tuple[int, list[str]]] = []
    data_start = 0
    for r, row in enumerate(grid):
        mapped = {j: labels.lookup("requests", "column", c) for j, c in enumerate(row) if c}
        applicants = {j: m for j, m in mapped.items() if m}
        if len(applicants) >= 2 and not any(is_value(c) for c in row):
            header_rows.append((r, row))
            columns.update(applicants)
            data_start = r + 1
        elif header_rows or any(is_value(c) for c in row):
            break
    if columns:
        placed = _applicant_header_by_position(header_rows, columns, out, gi)
        columns.update(placed)
        # colspan copies: keep the first column of each applicant
        seen: set[str] = set()
        every = dict(columns)
        columns = {j: a for j, a in sorted(columns.items()) if not (a in seen or seen.add(a))}
        spans = _header_spans(columns, every)
        width = max(len(row) for _, row in header_rows)
        if _unknown_headers(out, "requests", header_rows,
                            [j for j in range(min(columns), width) if j not in placed], gi):
            out.partial_rows = True  # a column the sum of the six applicants would miss
    elif previous is not None and previous[0] == max(len(row) for row in grid):
        width, columns, spans = previous  # the table continues after a page break without its header
    else:
        if not _requests_by_template(grid, gi, out):
            out.warn("unknown_label", "table 三 without a recognisable applicant header: left out", f"table:{gi}")
        return previous
    first = min(columns)
    rows: list[tuple[int, list[str], str, str | None]] = []  # (row, cells, label, metric or None)
    unlabelled_first: tuple[int, list[str]] | None = None
    for r in range(data_start, len(grid)):
        row = grid[r]
        label_cells = [c for c in row[:first] if c]
        values = [row[j] if j < len(row) else "" for j in columns]
        if not label_cells:
            if any(values) and not rows and unlabelled_first is None:
                unlabelled_first = (r, row)  # the first row: its place and the identities may name it
            elif any(values):
                out.warn("unknown_label", "table 三 row without a label", f"table:{gi} row:{r}")
            continue
        if not any(is_value(c) for c in row) and len(
            {labels.lookup("requests", "column", c) for c in row if c} - {None, ""}
        ) >= 2:
            continue  # a repeated header row (no values looked for first: a data row has them)
        label = label_cells[-1]
        metric = labels.lookup("requests", "row", label)
        if metric is None and (not any(values) or labels.lookup("requests", "header", label) is not None):
            continue  # a block heading such as (三)不予公开 with no cells of its own
        rows.append((r, row, label, metric))
    order = request_rows(out.layout)
    for k, (r, row, label, metric) in enumerate(rows):
        values = [row[j] if j < len(row) else "" for j in columns]
        if metric is None:
            before = next((m for _, _, _, m in reversed(rows[:k]) if m), None)
            after = next((m for _, _, _, m in rows[k + 1:] if m), None)
            taken = {m for _, _, _, m in rows if m} | {key[1] for key in out.seen if key[0] == "requests"}
            metric = row_by_position(labels, "requests", order, before, after, label, taken)
            if metric is None:
                out.warn("unknown_label", f"unknown row label {label!r} in table 三",
                         f"table:{gi} row:{r} col:{row.index(label)}")
                continue
            out.warn("label_by_position", f"table 三 row label {label!r} read as {metric} by its place in the "
                     "template", f"table:{gi} row:{r} col:{row.index(label)}")
        if len(row) != width and not (len(row) > width and not any(row[width:])):
            cells_after = [(j, c) for j, c in enumerate(row) if c and j > row.index(label)]
            if any(values) and not _request_row_by_template(cells_after, metric, label, r, gi, out):
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
    if unlabelled_first is not None:
        _first_row_by_identity(unlabelled_first, rows[0][3] if rows else None, columns, spans, gi, out)
    return width, columns, spans


def _first_row_by_identity(first: tuple[int, list[str]], next_metric: str | None, columns: dict[int, str],
                           spans: list[tuple[int, int]], gi: int, out: Collector) -> None:
    """A table 三 row without a label before row 二: row 一 when 一+二 = (七)+四 holds in every column.

    Its place (the template's first row, right before 二) names it; the identity
    with the rows read confirms it, else it is left out with a warning.
    """
    r, row = first
    cells = _aligned(row, spans)
    parsed = [parse_cell(text) for _, text in cells] if cells is not None else []

    def balances() -> bool:
        if next_metric != "requests_carried_over" or any(key[1] == "requests_received" for key in out.seen):
            return False
        for applicant, cell in zip(columns.values(), parsed, strict=True):
            others = [out.seen.get(("requests", m, applicant)) for m in
                      ("requests_carried_over", "results_total", "requests_carried_forward")]
            if cell.kind not in ("number", "zero") or cell.value is None or any(v is None for v in others):
                return False
            if cell.value + others[0] != others[1] + others[2]:  # type: ignore[operator]
                return False
        return True

    if cells is None or not balances():
        out.warn("unknown_label", "table 三 row without a label (not read as row 一: 一+二 = (七)+四 does not "
                 "confirm it)", f"table:{gi} row:{r}")
        return
    out.warn("label_by_position", "table 三 row without a label read as requests_received: its place is the "
             "first row and 一+二 = (七)+四 holds in every column", f"table:{gi} row:{r}")
    for applicant, (j, text), cell in zip(columns.values(), cells, parsed, strict=True):
        out.add("requests", "requests_received", applicant, cell, "", text, f"table:{gi} row:{r} col:{j}")


def _applicant_header_by_position(header_rows: list[tuple[int, list[str]]], columns: dict[int, str], out: Collector,
                                  gi: int) -> dict[int, str]:
    """Applicant columns of table 三 whose header label is unknown, placed by the template: column → applicant.

    The value columns (right of the row labels) are grouped by their path
    through the header rows; with exactly the template's seven groups, an
    unknown label (the lowest one of its path) is read where the recognised
    labels leave one applicant and it is a near spelling of that applicant.
    """
    labels = out.labels
    width = max(len(row) for _, row in header_rows)

    def path(j: int) -> tuple[str, ...]:
        return tuple(row[j] if j < len(row) else "" for _, row in header_rows)

    lead = 0
    while lead < width and path(lead) == path(0):
        lead += 1
    groups: list[list[int]] = []
    for j in range(lead, width):
        if groups and path(j) == path(groups[-1][0]):
            groups[-1].append(j)
        else:
            groups.append([j])
    recognised = [next((columns[j] for j in group if j in columns), None) for group in groups]
    if None not in recognised or len(groups) != len(REQUEST_COLUMNS):
        return {}
    texts = [next((t for t in reversed(path(g[0])) if t and labels.lookup("requests", "header", t) is None), "")
             for g in groups]
    found = columns_by_position(labels, "requests", [REQUEST_COLUMNS], recognised, texts)
    placed: dict[int, str] = {}
    for group, before, after, text in zip(groups, recognised, found, texts, strict=True):
        if before is None and after is not None:
            out.warn("label_by_position", f"table 三 column label {text!r} read as {after} by its place in the "
                     "template", f"table:{gi} col:{group[0]}")
            placed.update(dict.fromkeys(group, after))
    return placed


def _request_row_by_template(cells: list[tuple[int, str]], metric: str, label: str, r: int, gi: int,
                             out: Collector) -> bool:
    """A table 三 row whose cells do not line up with a header: read in the template's column order.

    Only in Markdown (no spanning cells), only when the row has exactly the
    template's seven cells, all whole numbers, and its six applicant cells add
    up to its 总计; returns whether it was read.
    """
    if out.via != "markdown_table" or len(cells) != len(REQUEST_COLUMNS):
        return False
    parsed = [parse_cell(text) for _, text in cells]
    if not all(c.kind in ("number", "zero") and c.value is not None and c.value.is_integer() for c in parsed):
        return False
    if sum(c.value for c in parsed[:-1]) != parsed[-1].value:  # type: ignore[misc]
        out.warn("read_by_template", f"table 三 row {label!r}: its cells do not add up to its 总计, so their "
                 "columns cannot be told; left out", f"table:{gi} row:{r}")
        return True
    for applicant, (j, text), cell in zip(REQUEST_COLUMNS, cells, parsed, strict=True):
        out.add("requests", metric, applicant, cell, label, text, f"table:{gi} row:{r} col:{j}")
    return True


def _requests_by_template(grid: Grid, gi: int, out: Collector) -> bool:
    """Table 三 in Markdown without its applicant header (``数据1 … 数据6``, or none): rows by the template.

    A row is its label and the cells after it; labels printed on rows of their
    own followed by as many rows of bare cells are paired in order.  Each row
    is read by :func:`_request_row_by_template`.  Returns whether any row was.
    """
    if out.via != "markdown_table":
        return False
    labels = out.labels
    order = request_rows(out.layout)
    pending: list[tuple[int, str, str]] = []  # label-only rows waiting for their cells
    bare: list[tuple[int, list[tuple[int, str]]]] = []
    read = False

    def pair() -> None:
        nonlocal read
        if pending and bare:
            if len(pending) == len(bare):
                for (r, label, metric), (_, cells) in zip(pending, bare, strict=True):
                    read = _request_row_by_template(cells, metric, label, r, gi, out) or read
            else:
                out.warn("read_by_template", f"table 三: {len(pending)} row labels printed before {len(bare)} rows "
                         "of cells; left out", f"table:{gi} row:{bare[0][0]}")
        if bare:
            pending.clear()
            bare.clear()

    for r, row in enumerate(grid):
        label_at = next((j for j, c in enumerate(row) if c and not is_value(c)), None)
        cells = [(j, c) for j, c in enumerate(row) if c and (label_at is None or j > label_at)]
        metric = labels.lookup("requests", "row", row[label_at]) if label_at is not None else None
        if label_at is not None and metric is None:
            continue  # a heading or an unknown label: nothing to pair
        if label_at is None:
            bare.append((r, cells))
            continue
        pair()
        if cells:
            pending.clear()  # labels without cells before a complete row pair with nothing
            read = _request_row_by_template(cells, metric, row[label_at], r, gi, out) or read  # type: ignore[arg-type]
        elif metric in order:
            pending.append((r, row[label_at], metric))  # type: ignore[arg-type]
    pair()
    return read


def _grid_review(grid: Grid, gi: int, out: Collector) -> None:
    """Table 四 from a grid: the column path through the header rows names each cell of the value row."""
    labels = out.labels
    metrics = registered_metrics()["review_litigation"]
    header_rows: list[tuple[int, list[str]]] = []
    data_rows: list[tuple[int, list[str]]] = []
    for r, row in enumerate(grid):
        values = any(is_value(c) for c in row)
        if not values and sum(1 for c in row if c and labels.known("review_litigation", c)) >= 2:
            if data_rows:
                break
            header_rows.append((r, row))
        elif header_rows and values:
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

