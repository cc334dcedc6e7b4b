"""The shape of the standard tables as the readers use it: names from :mod:`..vocabulary`, cells in print order.

The vocabulary (tables, applicant columns, blocks, subtotal hierarchy) is
defined once in ``vocabulary``; this module only gives it the short names the
readers use and lists the cells each layout prints.
"""

from __future__ import annotations

import functools

from ..vocabulary import (
    APPLICANTS,
    REVIEW_BLOCKS,
    REVIEW_COLUMNS,
    REVIEW_PARTS,
    STANDARD_LAYOUTS,
    TABLE2_METRICS,
    TABLE3_BLOCK_SUMS,
    TABLE4_SUMS,
    table3_rows,
)
from ..vocabulary import STANDARD_TABLES as TABLES

__all__ = [
    "BLOCKS", "LABELS_RESOURCE", "NOT_APPLICABLE", "PROACTIVE_CELLS", "REQUEST_COLUMNS", "REVIEW_COLUMNS",
    "REVIEW_FIELDS", "REVIEW_GROUPS", "REVIEW_SUMS", "STANDARD_LAYOUTS", "TABLES", "proactive_columns", "request_rows",
    "template_cells",
]

LABELS_RESOURCE = "table_labels.csv"
#: Table 三 columns in print order (text input has no header to read them from).
REQUEST_COLUMNS = APPLICANTS
REVIEW_GROUPS = REVIEW_BLOCKS
REVIEW_FIELDS = REVIEW_PARTS
#: Derived block sums of table 三: metric → the leaf rows it adds up.
BLOCKS = TABLE3_BLOCK_SUMS
#: Derived sums over table 四.
REVIEW_SUMS = TABLE4_SUMS

NOT_APPLICABLE = frozenset({"/", "-", "—", "——", "--", "–", "无", "不适用", "\\", "//", "-/-"})

#: Table 二 row prefixes (``<row>_<column>`` metric ids), longest first so ``other_services`` wins over others.
_TABLE2_ROWS = ("normative_docs", "other_services", "procurement", "regulations", "licensing", "coercion", "penalty",
                "fees")


def _split_table2(metric: str) -> tuple[str, str]:
    """``licensing_items_change`` → (``licensing``, ``items_change``)."""
    for row in _TABLE2_ROWS:
        if metric.startswith(row + "_"):
            return row, metric[len(row) + 1:]
    raise ValueError(f"not a table 二 metric: {metric!r}")


#: Table 二 cells of each layout in print order (row prefix, column suffix).
PROACTIVE_CELLS: dict[str, tuple[tuple[str, str], ...]] = {
    layout: tuple(_split_table2(m) for m in metrics) for layout, metrics in TABLE2_METRICS.items()
}


def proactive_columns(layout: str) -> dict[str, tuple[str, ...]]:
    """Table 二 column suffixes of each row in print order (``licensing`` → (``decisions``,) in gov2021)."""
    return dict(_proactive_columns(layout))


@functools.lru_cache(maxsize=8)
def _proactive_columns(layout: str) -> dict[str, tuple[str, ...]]:
    columns: dict[str, tuple[str, ...]] = {}
    for row, col in PROACTIVE_CELLS[layout]:
        columns[row] = (*columns.get(row, ()), col)
    return columns


@functools.lru_cache(maxsize=8)
def request_rows(layout: str) -> tuple[str, ...]:
    """Table 三 rows that carry cells in the layout, in print order (block totals are not printed rows)."""
    return table3_rows(layout)


def template_cells(layout: str) -> list[tuple[str, str, str]]:
    """Every cell the layout's tables 二, 三 and 四 print: (table, metric, applicant)."""
    return list(_template_cells(layout))


@functools.lru_cache(maxsize=8)
def _template_cells(layout: str) -> tuple[tuple[str, str, str], ...]:
    cells = [("proactive", f"{row}_{col}", "total") for row, col in PROACTIVE_CELLS[layout]]
    cells += [("requests", metric, applicant) for metric in request_rows(layout) for applicant in REQUEST_COLUMNS]
    cells += [("review_litigation", metric, "total") for metric in REVIEW_COLUMNS]
    return tuple(cells)


@functools.lru_cache(maxsize=8)
def template_cell_set(layout: str) -> frozenset[tuple[str, str, str]]:
    """:func:`template_cells` as a set (computed once per layout)."""
    return frozenset(_template_cells(layout))
