"""CSV cells that a spreadsheet would run as formulas are neutralised (the OWASP rule).

Excel, LibreOffice and Google Sheets treat a cell beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula: a file named
``=1+1.txt`` or an organ name ``=HYPERLINK(…)`` would run when the CSV is
opened.  Every CSV the package writes passes its text cells through
:func:`safe_cell`, which prefixes such a cell with ``'`` (shown as text, not
evaluated).  Numbers stay numbers: numeric columns are never touched, and a
text cell that is a plain number (``-5``, ``+3.5``, ``-1e3``) is left as it is,
since a spreadsheet reads it as that number and nothing else.

Reading such a CSV back gives the text with its leading ``'``; the Parquet and
XLSX outputs hold the text unchanged.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "safe_cell", "safe_frame"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """``value`` unchanged unless it is text a spreadsheet would evaluate; then ``'`` + text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER_RE.fullmatch(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`safe_cell` applied to every text column (numbers untouched)."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if pd.api.types.is_datetime64_any_dtype(series):
            continue
        text = series.astype("string")
        risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
        if risky.any():
            out[column] = series.astype(object).map(safe_cell)
    return out
