"""One table cell's text → what it holds (number, zero, blank, not applicable, text)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..normalize import nfkc
from ..numbers import parse_quantity
from .template import NOT_APPLICABLE

_NUMBER_RE = re.compile(r"([+-]?)\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(万元|元|件|条|个|项|次|笔|宗)?")
#: A count and an amount in one cell: ``2个135000元``, ``3项, 1.2万元``.
_COMPOUND_RE = re.compile(
    r"(\d{1,3}(?:,\d{3})+|\d+)\s*(?:个|项|笔|次|宗|件)\s*[,、/;]?\s*(?:共|金额|计|合计)?\s*"
    r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(万元|元)"
)
#: Minus and plus signs that NFKC leaves alone.
_SIGNS = str.maketrans({"\u2212": "-", "\ufe63": "-", "\u2013": "-"})


@dataclass(frozen=True)
class Cell:
    """What one table cell holds."""

    kind: str  # number | zero | blank | not_applicable | text
    value: float | None = None
    unit: str = ""
    approximate: bool = False
    count: float | None = None  # a compound cell's count (``2个135000元``: count 2, value 135000 元)


@functools.lru_cache(maxsize=4096)
def parse_cell(text: str) -> Cell:
    """Classify and read one cell's text.

    Full-width digits and signs, thousands separators (``1,234``), a sign
    (``+9``, ``-4``), a unit after the number (``5件``, ``1.5万元``), Chinese
    numerals (``十二``) and compound cells (``2个135000元``: :attr:`Cell.count`
    holds the count, :attr:`Cell.value` the amount) are read.
    """
    text = nfkc(text).translate(_SIGNS).strip()
    if not text:
        return Cell("blank")
    compact = text
    if compact in NOT_APPLICABLE or re.fullmatch(r"[-—–/\\]+", compact):
        return Cell("not_applicable")
    m = _NUMBER_RE.fullmatch(compact)
    if m:
        value = float((m.group(1) or "") + m.group(2).replace(",", "") + (m.group(3) or ""))
        unit = m.group(4) or ""
        return Cell("zero" if value == 0 else "number", value, unit if unit in ("元", "万元") else "")
    m = _COMPOUND_RE.fullmatch(compact)
    if m:
        amount = float(m.group(2).replace(",", "") + (m.group(3) or ""))
        return Cell("zero" if amount == 0 else "number", amount, m.group(4), count=float(m.group(1).replace(",", "")))
    if compact in ("零", "〇"):
        return Cell("zero", 0.0)
    quantity = parse_quantity(compact)
    if quantity is not None and not re.search(r"[^\d.,零〇一二两三四五六七八九十百千万亿余多约近元件条个项次笔宗]", compact):
        unit = quantity.unit if quantity.unit in ("元",) else ("万元" if compact.endswith("万元") else "")
        value = float(quantity.value)
        return Cell("zero" if value == 0 else "number", value, unit, quantity.approximate)
    return Cell("text")


def convert_unit(metric: str, value: float, unit: str, header: str) -> float:
    """Money in the unit the metric id names (``_wan`` or ``_yuan``)."""
    stated = unit or ("万元" if "万元" in header else ("元" if "元" in header else ""))
    if metric.endswith("_wan") and stated == "元":
        return round(value / 10_000, 10)
    if metric.endswith("_yuan") and stated == "万元":
        return round(value * 10_000, 6)
    return value



def is_value(text: str) -> bool:
    """Whether a cell holds a value (a number, a zero or a not-applicable mark)."""
    return parse_cell(text).kind in ("number", "zero", "not_applicable")
