"""The figures and warnings of one document as its tables are read."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from ..schema import Figure, Issue
from ..vocabulary import TABLE_NUMERALS
from .cells import Cell, convert_unit
from .labels import LabelMap

TABLE_ZH = TABLE_NUMERALS

#: The first fields of :class:`Figure`, in order: table figures are made with positional
#: arguments (a call with ten keywords costs twice as much, and a report has hundreds).
FIGURE_FIELDS = ("metric", "value", "table", "applicant", "cell", "approximate", "derived", "raw_label", "raw_value",
                 "location", "read_via")
if tuple(f.name for f in fields(Figure))[: len(FIGURE_FIELDS)] != FIGURE_FIELDS:  # pragma: no cover
    raise ImportError(f"Figure's fields no longer start with {FIGURE_FIELDS}")


@dataclass
class Collector:
    """Figures and issues of one document, with the table 三 cells kept for block sums."""

    layout: str
    labels: LabelMap
    figures: list[Figure] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    seen: dict[tuple[str, str, str], float | None] = field(default_factory=dict)  # read values
    partial_rows: bool = False  # table 三 has columns besides the seven known ones
    via: str = ""  # how the cells being read are read (schema.READ_VIA)
    proactive_metrics: frozenset[str] = frozenset()  # the table 二 cells the layout prints

    def warn(self, kind: str, message: str, location: str = "") -> None:
        """Record a warning about the table being read."""
        self.issues.append(Issue("", "warning", kind, message, location))

    def add(self, table: str, metric: str, applicant: str, cell: Cell, raw_label: str, raw_value: str,
            location: str, header: str = "") -> None:
        """Record one cell as a figure; a cell read twice keeps its first value (a different second one is reported).

        A compound cell (``2个135000元``: a count and an amount) gives both figures
        where the template's row has both cells, the one it has otherwise.
        """
        if cell.count is not None:
            self._add_compound(table, metric, applicant, cell, raw_label, raw_value, location, header)
            return
        value = cell.value
        if value is not None and (cell.unit or header):  # no unit stated: nothing to convert
            value = convert_unit(metric, value, cell.unit, header)
        key = (table, metric, applicant)
        if key in self.seen:
            # a table printed twice keeps its first reading; a different second value is reported
            if self.seen[key] != value:
                self.warn("duplicate", f"{raw_label!r} ({applicant}) is printed again with {raw_value!r}; "
                          "the first reading is kept", location)
            return
        self.seen[key] = value
        self.figures.append(Figure(metric, value, table, applicant, cell.kind, cell.approximate, False, raw_label,
                                   raw_value, location, self.via))  # see FIGURE_FIELDS

    def _add_compound(self, table: str, metric: str, applicant: str, cell: Cell, raw_label: str, raw_value: str,
                      location: str, header: str) -> None:
        """A count-and-amount cell: the count to the row's count cell, the amount to its amount cell."""
        row = _row_prefix(metric)
        count_metric = f"{row}_items" if row else ""
        amount_metric = next((m for m in sorted(self.proactive_metrics) if row and m.startswith(f"{row}_amount_")), "")
        targets = [m for m in (count_metric, amount_metric) if m in self.proactive_metrics]
        if table != "proactive" or metric not in targets:
            self.warn("compound_cell", f"{raw_label!r}: {raw_value!r} holds a count and an amount where the "
                      "template has one number; left out", location)
            return
        count = Cell("zero" if cell.count == 0 else "number", cell.count, "", cell.approximate)
        amount = Cell("zero" if cell.value == 0 else "number", cell.value, cell.unit, cell.approximate)
        for target in targets:
            part = count if target == count_metric else amount
            self.add(table, target, applicant, part, raw_label, raw_value, location, header if target == metric else "")


def _row_prefix(metric: str) -> str:
    """The table 二 row of a metric id (``procurement_amount_yuan`` → ``procurement``)."""
    for suffix in ("_items", "_amount_yuan", "_amount_wan"):
        if metric.endswith(suffix):
            return metric[: -len(suffix)]
    return ""
