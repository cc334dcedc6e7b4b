"""The table vocabulary: one definition of every table term the package uses.

Layouts, tables, the applicant columns of table 三, its result blocks and rows,
the blocks of table 四, the rows of table 二 per layout, and the subtotal
hierarchy all live here; extraction (``tables``), metrics, checks and the
figures schema import them from this module and define none of their own.

The subtotal hierarchy is data: ``data/subtotals.csv`` holds one row per edge
``table, total, layout, part, total_printed``:

* ``layout`` is ``*`` (every layout) or one layout; a total with rows for a
  specific layout has those parts only in that layout.  A row with an empty
  ``part`` says the total is printed as a single row in that layout (the 2019
  table prints （六）其他处理 as one row), i.e. it is a leaf there.
* ``total_printed`` is ``yes`` when the report prints the total itself (（七）总计,
  the 总计 of each block of table 四): identities check such totals against
  their parts.  ``no`` marks a total the tables do not print (the block sums of
  （三）–（六）, litigation totals): extraction derives it from its parts and
  metrics recompute it.

A CSV beside ``fields.csv`` and ``table_labels.csv`` rather than a literal in
this module: the hierarchy is reference data an analyst can read and compare
with the published table without reading Python, and a test checks every id in
it against the field registry.  The id tuples below (applicants, reasons,
blocks) stay literals: they fix print order, which code depends on.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources
from typing import NamedTuple

__all__ = [
    "APPLICANTS",
    "APPLICANT_COLUMNS",
    "CELL_KINDS",
    "DENIED_REASONS",
    "FORMAT_VERSIONS",
    "NOT_PROCESSED_REASONS",
    "OTHER_REASONS_2021",
    "REVIEW_BLOCKS",
    "REVIEW_COLUMNS",
    "REVIEW_PARTS",
    "STANDARD_LAYOUTS",
    "STANDARD_TABLES",
    "TABLE2_METRICS",
    "TABLE3_BLOCK_SUMS",
    "TABLE4_SUMS",
    "TABLES",
    "TABLE_NUMERALS",
    "UNABLE_REASONS",
    "Edge",
    "derived_sums",
    "leaves",
    "parts",
    "result_leaves",
    "subtotal_edges",
    "table3_rows",
]

SUBTOTALS_RESOURCE = "subtotals.csv"

# --------------------------------------------------------------------------- layouts and tables

#: Report layouts (column ``format_version``): prose until 2018, standard tables 2019 and 2021.
FORMAT_VERSIONS = ("narrative", "gov2019", "gov2021")
#: Layouts with the standard tables 二, 三 and 四.
STANDARD_LAYOUTS = ("gov2019", "gov2021")
#: Values of the column ``table``: ``narrative`` for figures read from prose.
TABLES = ("narrative", "proactive", "requests", "review_litigation")
#: The standard tables (二 proactive, 三 requests, 四 review and litigation).
STANDARD_TABLES = ("proactive", "requests", "review_litigation")
#: The numeral each standard table carries in the report.
TABLE_NUMERALS = {"proactive": "二", "requests": "三", "review_litigation": "四"}

#: What a source cell held (column ``cell``).
CELL_KINDS = ("number", "zero", "blank", "not_applicable", "text")

# --------------------------------------------------------------------------- table 三

#: The six applicant columns of table 三, in print order (without 总计).
APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org")
#: Values of the column ``applicant``: the six columns and ``total`` (总计), in print order.
APPLICANTS = (*APPLICANT_COLUMNS, "total")

#: Reasons of （三）不予公开, （四）无法提供, （五）不予处理 and, in the 2021 layout, （六）其他处理.
DENIED_REASONS = (
    "state_secret",
    "law_prohibited",
    "security_stability",
    "third_party",
    "internal_affairs",
    "process_info",
    "enforcement_file",
    "query_matter",
)
UNABLE_REASONS = ("not_held", "needs_creation", "unclear")
NOT_PROCESSED_REASONS = ("petition", "duplicate", "publication", "excessive", "confirmation")
OTHER_REASONS_2021 = ("no_correction", "unpaid_fee", "misc")

# --------------------------------------------------------------------------- table 四

#: The three blocks of table 四, in print order.
REVIEW_BLOCKS = ("reconsideration", "litigation_direct", "litigation_after_review")
#: The cells of each block, in print order (总计 last).
REVIEW_PARTS = ("upheld", "corrected", "other", "pending", "total")
#: Table 四 metric ids in print order.
REVIEW_COLUMNS = tuple(f"{block}_{part}" for block in REVIEW_BLOCKS for part in REVIEW_PARTS)

# --------------------------------------------------------------------------- table 二

_ITEMS_2019 = ("items_prev_year", "items_change")
#: Table 二 metric ids per layout (``<row>_<column>``): the two layouts count different things.
TABLE2_METRICS: dict[str, tuple[str, ...]] = {
    "gov2019": (
        "regulations_issued", "regulations_published", "regulations_public_total",
        "normative_docs_issued", "normative_docs_published", "normative_docs_public_total",
        *(f"licensing_{c}" for c in _ITEMS_2019), "licensing_decisions",
        *(f"other_services_{c}" for c in _ITEMS_2019), "other_services_decisions",
        *(f"penalty_{c}" for c in _ITEMS_2019), "penalty_decisions",
        *(f"coercion_{c}" for c in _ITEMS_2019), "coercion_decisions",
        *(f"fees_{c}" for c in _ITEMS_2019),
        "procurement_items", "procurement_amount_yuan",
    ),
    "gov2021": (
        "regulations_issued", "regulations_repealed", "regulations_valid",
        "normative_docs_issued", "normative_docs_repealed", "normative_docs_valid",
        "licensing_decisions", "penalty_decisions", "coercion_decisions",
        "fees_amount_wan",
    ),
}

# --------------------------------------------------------------------------- subtotal hierarchy


class Edge(NamedTuple):
    """One row of ``data/subtotals.csv``."""

    table: str
    total: str
    layout: str
    part: str
    total_printed: bool


@functools.lru_cache(maxsize=1)
def subtotal_edges() -> tuple[Edge, ...]:
    """Every edge of the subtotal hierarchy, in file order (see the module docstring)."""
    text = resources.files("transparency_stats").joinpath("data", SUBTOTALS_RESOURCE).read_text("utf-8")
    edges = []
    for row in csv.DictReader(io.StringIO(text)):
        layout = row["layout"].strip()
        if layout != "*" and layout not in FORMAT_VERSIONS:
            raise ValueError(f"{SUBTOTALS_RESOURCE}: unknown layout {layout!r}")
        edges.append(Edge(row["table"].strip(), row["total"].strip(), layout, row["part"].strip(),
                          row["total_printed"].strip() == "yes"))
    return tuple(edges)


def _applies(edge_layout: str, layout: str | None) -> bool:
    """An edge of ``edge_layout`` holds in ``layout``; an unknown or narrative layout takes every edge."""
    if edge_layout == "*" or layout not in STANDARD_LAYOUTS:
        return True
    return edge_layout == layout


def parts(total: str, layout: str | None = None) -> tuple[str, ...]:
    """The direct parts of ``total`` in ``layout`` (empty: ``total`` is a printed leaf there).

    ``layout=None`` (or a non-standard layout) gives the parts of every layout.
    """
    out: list[str] = []
    for edge in subtotal_edges():
        if edge.total == total and _applies(edge.layout, layout) and edge.part and edge.part not in out:
            out.append(edge.part)
    return tuple(out)


def leaves(total: str, layout: str | None = None) -> tuple[str, ...]:
    """The rows ``total`` adds up in ``layout``, expanded down to printed rows, in print order."""
    direct = parts(total, layout)
    if not direct:
        return (total,)
    return tuple(leaf for part in direct for leaf in leaves(part, layout))


def derived_sums(table: str, layout: str | None = None) -> dict[str, tuple[str, ...]]:
    """Totals of ``table`` the report does not print: total → its direct parts."""
    totals = dict.fromkeys(e.total for e in subtotal_edges() if e.table == table and not e.total_printed)
    out = {total: parts(total, layout) for total in totals}
    return {total: p for total, p in out.items() if p}


def result_leaves(layout: str) -> tuple[str, ...]:
    """The rows （七）总计 adds up in ``layout``: （一）, （二） and every sub-row of （三）–（六）."""
    return leaves("results_total", layout)


def table3_rows(layout: str) -> tuple[str, ...]:
    """The value rows of table 三 in ``layout``, in print order (block sums excluded)."""
    return ("requests_received", "requests_carried_over", *result_leaves(layout), "results_total",
            "requests_carried_forward")


#: Derived block sums of table 三 (any layout): total → the rows it adds up.
TABLE3_BLOCK_SUMS: dict[str, tuple[str, ...]] = derived_sums("requests")
#: Derived sums over table 四: total → the block cells it adds up.
TABLE4_SUMS: dict[str, tuple[str, ...]] = derived_sums("review_litigation")
