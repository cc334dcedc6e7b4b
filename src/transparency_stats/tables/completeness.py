"""How much of a report's standard tables was read: the completeness figure of one report."""

from __future__ import annotations

from collections.abc import Iterable

from ..schema import Figure
from .template import STANDARD_LAYOUTS, template_cell_set


def table_completeness(figures: Iterable[Figure], layout: str) -> dict[str, object]:
    """Per-report facts on the standard tables (empty for a narrative report).

    Keys (for ``ReportResult.facts``):

    * ``cells_expected`` – cells the layout's tables 二, 三 and 四 print;
    * ``cells_read`` – of those, cells found in the report (as printed, derived ones not counted),
      whatever they hold;
    * ``cells_blank`` – of those read, blank cells;
    * ``cells_not_applicable`` – of those read, cells marked not applicable (``/``, ``—``, ``无``);
    * ``cells_text`` – of those read, cells holding words instead of a number;
    * ``cells_completeness`` – ``cells_read / cells_expected`` (0 to 1, rounded to 4 places).

    A report read only in part has ``cells_completeness`` below 1; its warnings say why.
    """
    if layout not in STANDARD_LAYOUTS:
        return {}
    expected = template_cell_set(layout)
    read: dict[tuple[str, str, str], str] = {}
    for f in figures:
        key = (f.table, f.metric, f.applicant)
        if not f.derived and key in expected:
            read.setdefault(key, f.cell)
    kinds = list(read.values())
    return {
        "cells_expected": len(expected),
        "cells_read": len(read),
        "cells_blank": kinds.count("blank"),
        "cells_not_applicable": kinds.count("not_applicable"),
        "cells_text": kinds.count("text"),
        "cells_completeness": round(len(read) / len(expected), 4) if expected else 0.0,
    }
