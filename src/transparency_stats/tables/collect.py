"""The figures and warnings of one document as its tables are read."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Figure, Issue
from .cells import Cell, convert_unit
from .labels import LabelMap

TABLE_ZH = {"proactive": "二", "requests": "三", "review_litigation": "四"}


@dataclass
class Collector:
    """Figures and issues of one document, with the table 三 cells kept for block sums."""

    layout: str
    labels: LabelMap
    figures: list[Figure] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    seen: dict[tuple[str, str, str], float | None] = field(default_factory=dict)  # read values
    partial_rows: bool = False  # table 三 has columns besides the seven known ones

    def warn(self, kind: str, message: str, location: str = "") -> None:
        """Record a warning about the table being read."""
        self.issues.append(Issue("", "warning", kind, message, location))

    def add(self, table: str, metric: str, applicant: str, cell: Cell, raw_label: str, raw_value: str,
            location: str, header: str = "") -> None:
        """Record one cell as a figure; a cell read twice keeps its first value (a different second one is reported)."""
        value = cell.value
        if value is not None:
            value = convert_unit(metric, value, cell.unit, header)
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

