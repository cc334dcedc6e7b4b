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
  otherwise it is left out with a warning.  A row of table 二 that fits several
  cuts is narrowed by what the report's prose states for its cells
  (``本年度制发规范性文件12件``): the cells every remaining cut agrees on are read.

Blank cells give ``value=None`` (cell ``blank``), ``/ - — 无 不适用`` give
``not_applicable``, other words ``text``.  Block sums of table 三 and the
litigation totals are added as derived figures when all their parts are known.

Modules: ``template`` (the tables' shape), ``labels``, ``cells``, ``collect``,
``grids``, ``text``, ``splitting`` (run-together digits), ``derived``.
"""

from __future__ import annotations

from ..reading import Document
from ..schema import Figure, Issue
from .cells import Cell, parse_cell
from .collect import Collector
from .completeness import table_completeness
from .derived import derive
from .grids import read_grids
from .labels import LabelMap, label_key, load_label_map
from .template import (
    BLOCKS,
    PROACTIVE_CELLS,
    REQUEST_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_SUMS,
    STANDARD_LAYOUTS,
    TABLES,
)
from .text import read_text

__all__ = [
    "BLOCKS", "REQUEST_COLUMNS", "REVIEW_COLUMNS", "REVIEW_SUMS", "Cell", "LabelMap",
    "extract_tables", "label_key", "load_label_map", "parse_cell", "table_completeness",
]

#: ``Figure.read_via`` of cells read from a grid, by document kind.
GRID_VIA = {"html": "html_table", "docx": "docx_table", "md": "markdown_table"}


def extract_tables(doc: Document, layout: str) -> tuple[list[Figure], list[Issue]]:
    """Figures of tables 二, 三 and 四 of a standard-layout report, and warnings.

    Grids are used where the document has them (HTML, DOCX, Markdown); a table
    not found among the grids is looked for in the text (PDF, TXT, or HTML whose
    table was flattened into paragraphs).  Narrative reports give nothing.
    """
    if layout not in STANDARD_LAYOUTS:
        return [], []
    proactive = frozenset(f"{row}_{col}" for row, col in PROACTIVE_CELLS[layout])
    out = Collector(layout, load_label_map(layout), proactive_metrics=proactive)
    out.via = GRID_VIA.get(doc.kind, "html_table")
    found = read_grids(doc, out)
    missing = [t for t in TABLES if t not in found]
    if missing:
        out.via = "pdf_text" if doc.kind == "pdf" else "text"
        read_text(doc.text, out, missing)
    derive(out)
    return out.figures, out.issues

