"""Derived figures: block sums of table 三, blank 总计 cells, litigation totals."""

from __future__ import annotations

from collections.abc import Sequence

from ..schema import Figure
from ..vocabulary import parts as subtotal_parts
from .collect import Collector
from .template import BLOCKS, REQUEST_COLUMNS, REVIEW_FIELDS, REVIEW_GROUPS, REVIEW_SUMS


def derive(out: Collector) -> None:
    """Add the derived figures: blank 总计 cells, block sums of table 三, litigation totals.

    A total row or cell that is missing (not printed, or its label or cells
    could not be read) is derived from its parts when all of them were read;
    a total that was read is never replaced.
    """
    read: dict[tuple[str, str], Figure] = {}
    for f in out.figures:
        read.setdefault((f.metric, f.applicant), f)
    _derive_request_totals(out, read)
    for block, leaves in BLOCKS.items():
        for applicant in REQUEST_COLUMNS:
            if (block, applicant) in read:
                continue
            parts = [read.get((leaf, applicant)) for leaf in leaves]
            figure = _add_sum(out, "requests", block, applicant, parts, f"sum of {len(leaves)} rows")
            if figure is not None:
                read[(block, applicant)] = figure
    for applicant in REQUEST_COLUMNS:
        # (七)总计 missing or unreadable: the results it totals, when all of them are known
        if ("results_total", applicant) not in read:
            cells = [read.get((m, applicant)) for m in subtotal_parts("results_total", out.layout)]
            _add_sum(out, "requests", "results_total", applicant, cells, "sum of the results (一)–(六)")
    for group in REVIEW_GROUPS:
        # a block of table 四 whose 总计 cell is missing: its four results
        if (f"{group}_total", "total") not in read:
            parts = [read.get((f"{group}_{f}", "total")) for f in REVIEW_FIELDS[:-1]]
            figure = _add_sum(out, "review_litigation", f"{group}_total", "total", parts, "sum of the four results")
            if figure is not None:
                read[(f"{group}_total", "total")] = figure
    for metric, names in REVIEW_SUMS.items():
        if (metric, "total") not in read:
            parts = [read.get((name, "total")) for name in names]
            _add_sum(out, "review_litigation", metric, "total", parts, "direct + after review")


def _derive_request_totals(out: Collector, read: dict[tuple[str, str], Figure]) -> None:
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


def _add_sum(out: Collector, table: str, metric: str, applicant: str, parts: Sequence[Figure | None], note: str,
             replace: bool = False) -> Figure | None:
    """Add the sum of parts as a derived figure when every part is a number; returns it or None."""
    values: list[float] = []
    for p in parts:
        if p is None or p.value is None or p.cell not in ("number", "zero"):
            return None
        values.append(p.value)
    if not values:
        return None
    value = sum(values)
    first = parts[0]
    figure = Figure(  # positional: see FIGURE_FIELDS
        metric, value, table, applicant, "zero" if value == 0 else "number", False, True,
        note if replace else f"derived: {note}", "+".join([_fmt(v) for v in values]),
        first.location, first.read_via,  # type: ignore[union-attr]
    )
    out.figures.append(figure)
    return figure



def _fmt(value: float) -> str:
    """A value as printed in a derived figure's raw_value (integers without '.0')."""
    return str(int(value)) if float(value).is_integer() else repr(value)
