"""Numbers and tables as a reader sees them: blank as —, thousands separators, rates with their parts.

Every function returns plain text or HTML in which text from the data (organ
names, metric ids, raw values) is escaped: data is shown as text, never
interpreted as Markdown or HTML.

* a blank (``None``, ``NaN``, ``pd.NA``) is :data:`BLANK` (—), never 0;
* counts get thousands separators (``26,000``), no spurious ``.0``;
* a rate reads ``50.0 % (1/2)``: the percentage, then numerator/denominator;
* an approximate value (``余``/``多`` in the report) is marked ``≈``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable

import pandas as pd

from . import registry

BLANK = "—"
APPROX = "≈"


def is_blank(value: object) -> bool:
    """True for None, NaN, ``pd.NA`` and ``pd.NaT`` (anything pandas calls missing)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are not blanks
        return False


def format_count(value: object, approximate: bool = False) -> str:
    """``26000.0`` → ``26,000``; ``12.5`` → ``12.5``; blank → ``—``; ``≈`` before approximate values."""
    if is_blank(value):
        return BLANK
    number = float(value)  # type: ignore[arg-type]
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    if number.is_integer():
        shown = f"{number:,.0f}"
    else:
        shown = f"{number:,.4f}".rstrip("0").rstrip(".")
    return (APPROX if approximate else "") + shown


def format_percent(value: object, decimals: int = 1) -> str:
    """A fraction as a percentage: ``0.4357`` → ``43.6 %``; blank → ``—``."""
    if is_blank(value):
        return BLANK
    return f"{float(value) * 100:,.{decimals}f} %"  # type: ignore[arg-type]


def format_rate(value: object, numerator: object = None, denominator: object = None) -> str:
    """``50.0 % (1/2)``: the rate with its numerator and denominator when both are known.

    A rate stated by a report has no parts and reads ``97.0 %``; a zero
    denominator gives ``— (0/0)``, never 100 %.
    """
    shown = format_percent(value)
    if is_blank(numerator) or is_blank(denominator):
        return shown
    return f"{shown} ({format_count(numerator)}/{format_count(denominator)})"


def format_metric_value(
    metric: str,
    value: object,
    numerator: object = None,
    denominator: object = None,
    approximate: bool = False,
) -> str:
    """One value of ``metric`` as text, by the unit the field registry gives it."""
    unit = registry.unit(metric) if metric else ""
    if unit == "fraction" or str(metric).endswith(("__yoy", "__cagr")):
        text = format_rate(value, numerator, denominator)
        return (APPROX + text) if approximate and text != BLANK else text
    return format_count(value, approximate)


def format_year(value: object) -> str:
    """A report year as an integer (``2021``), blank as —."""
    return BLANK if is_blank(value) else str(int(float(value)))  # type: ignore[arg-type]


def format_cell(value: object) -> str:
    """Any cell: blank → —, floats as counts, everything else as its text."""
    if is_blank(value):
        return BLANK
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_count(value)
    if hasattr(value, "item"):  # numpy scalars
        return format_cell(value.item())
    return str(value)


def escape(text: object) -> str:
    """HTML-escaped text of anything (quotes too)."""
    return html.escape("" if is_blank(text) else str(text), quote=True)


def html_table(
    frame: pd.DataFrame,
    headers: dict[str, str] | None = None,
    formatters: dict[str, Callable[[object], str]] | None = None,
    numeric: Iterable[str] = (),
    caption: str | None = None,
    index: bool = False,
    css_class: str = "data",
) -> str:
    """An HTML table whose every cell is escaped text.

    ``headers`` renames columns for display, ``formatters`` turn a column's
    values into text (default :func:`format_cell`), ``numeric`` columns are
    right-aligned.  Nothing in ``frame`` is ever interpreted as markup.
    """
    formatters = formatters or {}
    headers = headers or {}
    numeric = set(numeric)
    shown = frame.reset_index() if index else frame
    columns = list(shown.columns)
    head = "".join(f"<th scope=\"col\">{escape(headers.get(str(c), c))}</th>" for c in columns)
    rows = []
    for values in shown.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(columns, values, strict=True):
            formatter = formatters.get(str(column), format_cell)
            align = ' class="num"' if column in numeric else ""
            cells.append(f"<td{align}>{escape(formatter(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (
        f'<table class="{css_class}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
