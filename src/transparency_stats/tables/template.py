"""The shape of the standard tables: their columns, blocks and sums in print order."""

from __future__ import annotations

LABELS_RESOURCE = "table_labels.csv"
STANDARD_LAYOUTS = ("gov2019", "gov2021")
TABLES = ("proactive", "requests", "review_litigation")

#: Table 三 columns in print order (text input has no header to read them from).
REQUEST_COLUMNS = (
    "natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total",
)
REVIEW_GROUPS = ("reconsideration", "litigation_direct", "litigation_after_review")
REVIEW_FIELDS = ("upheld", "corrected", "other", "pending", "total")
#: Table 四 cells in print order.
REVIEW_COLUMNS = tuple(f"{g}_{f}" for g in REVIEW_GROUPS for f in REVIEW_FIELDS)

#: Derived block sums of table 三: metric → the leaf rows it adds up.
BLOCKS: dict[str, tuple[str, ...]] = {
    "results_denied_total": (
        "results_denied_state_secret", "results_denied_law_prohibited", "results_denied_security_stability",
        "results_denied_third_party", "results_denied_internal_affairs", "results_denied_process_info",
        "results_denied_enforcement_file", "results_denied_query_matter",
    ),
    "results_unable_total": (
        "results_unable_not_held", "results_unable_needs_creation", "results_unable_unclear",
    ),
    "results_not_processed_total": (
        "results_not_processed_petition", "results_not_processed_duplicate",
        "results_not_processed_publication", "results_not_processed_excessive",
        "results_not_processed_confirmation",
    ),
    "results_other_total": ("results_other_no_correction", "results_other_unpaid_fee", "results_other_misc"),
}
#: Derived sums over table 四.
REVIEW_SUMS: dict[str, tuple[str, ...]] = {
    "litigation_total": ("litigation_direct_total", "litigation_after_review_total"),
    "litigation_corrected": ("litigation_direct_corrected", "litigation_after_review_corrected"),
}

NOT_APPLICABLE = frozenset({"/", "-", "—", "——", "--", "–", "无", "不适用", "\\", "//", "-/-"})

#: Table 二 cells of each layout in print order (row prefix, column suffix).
PROACTIVE_CELLS: dict[str, tuple[tuple[str, str], ...]] = {
    "gov2019": (
        *((row, col) for row in ("regulations", "normative_docs") for col in ("issued", "published", "public_total")),
        *((row, col) for row in ("licensing", "other_services", "penalty", "coercion")
          for col in ("items_prev_year", "items_change", "decisions")),
        ("fees", "items_prev_year"), ("fees", "items_change"),
        ("procurement", "items"), ("procurement", "amount_yuan"),
    ),
    "gov2021": (
        *((row, col) for row in ("regulations", "normative_docs") for col in ("issued", "repealed", "valid")),
        ("licensing", "decisions"), ("penalty", "decisions"), ("coercion", "decisions"), ("fees", "amount_wan"),
    ),
}


def request_rows(layout: str) -> tuple[str, ...]:
    """Table 三 rows that carry cells in the layout, in print order (block totals are not printed rows)."""
    other = ("results_other_total",) if layout == "gov2019" else BLOCKS["results_other_total"]
    return (
        "requests_received", "requests_carried_over", "results_granted", "results_partial",
        *BLOCKS["results_denied_total"], *BLOCKS["results_unable_total"], *BLOCKS["results_not_processed_total"],
        *other, "results_total", "requests_carried_forward",
    )


def template_cells(layout: str) -> list[tuple[str, str, str]]:
    """Every cell the layout's tables 二, 三 and 四 print: (table, metric, applicant)."""
    cells = [("proactive", f"{row}_{col}", "total") for row, col in PROACTIVE_CELLS[layout]]
    cells += [("requests", metric, applicant) for metric in request_rows(layout) for applicant in REQUEST_COLUMNS]
    cells += [("review_litigation", metric, "total") for metric in REVIEW_COLUMNS]
    return cells
