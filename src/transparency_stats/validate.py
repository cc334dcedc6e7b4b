"""Validating figure tables an analyst compiled (CSV or XLSX in the tidy layout).

A figure table is read as text and checked cell by cell against the column
registry (``data/figure_columns.csv``, :func:`registry.figure_columns`) with a
pandera schema, before any cell is converted:

* ``value`` and ``confidence``: a plain decimal number (``12``, ``-3.5``,
  ``1.2e3``), finite; no thousands separators (``12,000``), words (``abc``) or
  ``inf``; ``1e400`` overflows and is refused.  ``value`` must lie in the range
  the field registry gives the metric (``min_value``/``max_value`` in
  ``fields.csv``): counts are never negative, rates lie in [0, 1];
  ``confidence`` lies in [0, 1];
* ``report_year``: four digits between :data:`YEAR_MIN` and :data:`YEAR_MAX`;
* ``metric``: an id of the field registry that names a reported figure (not a
  computed metric); ``cell``, ``table``, ``applicant``, ``format_version`` and
  ``read_via``: one of their vocabulary's values; ``approximate`` and
  ``derived``: ``true``/``false`` (also ``1``/``0``, ``yes``/``no``, ``是``/``否``).

A blank cell is NA, as in every figure table.  A row with any invalid cell is
left out, and every invalid cell gives one warning naming the file, the row (as
a spreadsheet shows it: the header is row 1) and the column: never a silent
NA, never a value accepted as something else.  A file that cannot be read at all
(a corrupt or truncated ``.xlsx``, an undecodable CSV, a table without ``metric``
and ``value`` columns) raises :class:`FigureTableError`, which callers turn into
an error row; the batch goes on.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from . import registry
from .schema import READ_VIA, Issue, coerce_figures
from .vocabulary import APPLICANTS, CELL_KINDS, FORMAT_VERSIONS, TABLES

__all__ = ["FigureTableError", "YEAR_MAX", "YEAR_MIN", "read_figure_table", "validate_figure_table"]

#: Report years a figure table may name (the reports began in 2008; four digits, never a typo like 99999).
YEAR_MIN, YEAR_MAX = 1990, 2100

#: Required columns of a figure table.
REQUIRED = ("metric", "value")

_NUMBER_RE = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_YEAR_RE = r"\d{4}"
_TRUE = ("true", "1", "yes", "是")
_FALSE = ("false", "0", "no", "否")

_VALUE_SETS: dict[str, tuple[str, ...]] = {
    "format_versions": FORMAT_VERSIONS,
    "tables": TABLES,
    "applicants": APPLICANTS,
    "cell_kinds": CELL_KINDS,
    "read_via": READ_VIA,
}


class FigureTableError(ValueError):
    """A figure table that cannot be read at all (the message names the file and the reason)."""


# --------------------------------------------------------------------------- checks


def _as_number(series: pd.Series) -> pd.Series:
    """Float of each cell that is a plain decimal number, NaN otherwise (overflow gives inf)."""
    text = series.astype("string").str.strip()
    plain = text.str.fullmatch(_NUMBER_RE).fillna(False).astype(bool)
    return pd.to_numeric(text.where(plain), errors="coerce").astype(float)


def _is_number(series: pd.Series) -> pd.Series:
    return pd.Series(np.isfinite(_as_number(series).to_numpy()), index=series.index)


def _is_fraction(series: pd.Series) -> pd.Series:
    number = _as_number(series)
    return pd.Series(np.isfinite(number.to_numpy()), index=series.index) & number.between(0, 1)


def _is_year(series: pd.Series) -> pd.Series:
    text = series.astype("string").str.strip()
    digits = text.str.fullmatch(_YEAR_RE).fillna(False).astype(bool)
    year = pd.to_numeric(text.where(digits), errors="coerce")
    return digits & year.between(YEAR_MIN, YEAR_MAX)


def _is_bool(series: pd.Series) -> pd.Series:
    return series.astype("string").str.strip().str.lower().isin(_TRUE + _FALSE).fillna(False).astype(bool)


def _figure_metrics() -> frozenset[str]:
    fields = registry.fields()
    return frozenset(fields.loc[fields["table"] != "computed", "metric"])


def _column_check(kind: str):  # noqa: ANN202 - a pandera Check
    import pandera.pandas as pa

    if kind == "value":
        return pa.Check(_is_number, name="number",
                        error="not a finite plain number (no thousands separators, words, inf or overflow)")
    if kind == "fraction":
        return pa.Check(_is_fraction, name="fraction", error="not a number in [0, 1]")
    if kind == "year":
        return pa.Check(_is_year, name="year", error=f"not a year between {YEAR_MIN} and {YEAR_MAX}")
    if kind == "bool":
        return pa.Check(_is_bool, name="bool", error="not true or false")
    if kind == "metrics":
        known = _figure_metrics()
        return pa.Check(lambda s: s.astype("string").str.strip().isin(known), name="metric",
                        error="not a figure id of the field registry")
    values = _VALUE_SETS[kind]
    return pa.Check(lambda s: s.astype("string").str.strip().isin(values), name=kind,
                    error=f"not one of {', '.join(values)}")


def _value_in_range(frame: pd.DataFrame) -> pd.Series:
    """``value`` within the metric's registered range (rows without a number or known metric pass here)."""
    fields = registry.fields().set_index("metric")
    number = _as_number(frame["value"])
    metric = frame["metric"].astype("string").str.strip()
    low = pd.to_numeric(metric.map(fields["min_value"]).replace("", pd.NA), errors="coerce")
    high = pd.to_numeric(metric.map(fields["max_value"]).replace("", pd.NA), errors="coerce")
    below = low.notna() & (number < low)
    above = high.notna() & (number > high)
    return ~(below | above).fillna(False).astype(bool)


def figure_table_schema():  # noqa: ANN201 - pandera.DataFrameSchema, imported lazily
    """The pandera schema of a figure table read as text (see the module docstring)."""
    import pandera.pandas as pa

    columns = {}
    for spec in registry.figure_columns():
        checks = [_column_check(spec.values)] if spec.values else []
        columns[spec.column] = pa.Column(None, checks=checks, nullable=True, required=spec.column in REQUIRED,
                                         coerce=False)
    range_check = pa.Check(_value_in_range, name="value_range", error="outside the metric's range")
    return pa.DataFrameSchema(columns, checks=[range_check], strict=False)


# --------------------------------------------------------------------------- reading


def _read_text_table(path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() == ".xlsx":
            frame = pd.read_excel(path, dtype=str)
        else:
            frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    except (OSError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure (BadZipFile, UnicodeDecodeError, …) is an answer
        reason = str(exc).strip() or type(exc).__name__
        raise FigureTableError(f"{path}: cannot read figure table ({type(exc).__name__}: {reason})") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise FigureTableError(f"{path}: not a figure table (missing columns {', '.join(missing)})")
    # Blank cells (also whitespace-only ones) are NA; nothing else is touched before validation.
    return frame.map(lambda v: pd.NA if v is None or (isinstance(v, float) and math.isnan(v))
                     or (isinstance(v, str) and not v.strip()) else v)


def validate_figure_table(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[Issue]]:
    """Check a figure table read as text; return its valid rows (still text) and one warning per bad cell.

    ``frame`` has a default RangeIndex (row 0 is the first data row, row 2 of the file).
    """
    import pandera.errors as pa_errors

    frame = frame.reset_index(drop=True)
    try:
        figure_table_schema().validate(frame, lazy=True)
    except pa_errors.SchemaErrors as exc:
        failures = exc.failure_cases
    else:
        return frame, []
    issues: list[Issue] = []
    seen: set[tuple[int, str]] = set()
    for _, failure in failures.iterrows():
        index = failure["index"]
        if index is None or pd.isna(index):  # a table-level failure: the file is not a usable figure table
            raise FigureTableError(f"{source}: {failure['column']}: {failure['check']} ({failure['failure_case']})")
        row = int(index)
        table_level = failure["schema_context"] == "DataFrameSchema"
        column = "value" if table_level else str(failure["column"])
        if (row, column) in seen:  # a table-level check reports every column of the row
            continue
        seen.add((row, column))
        reason = _range_reason(frame, row) if table_level else str(failure["check"])
        issues.append(Issue(source, "warning", "invalid_cell",
                            f"row {row + 2}, column {column}: {str(frame.at[row, column])!r} is {reason}; "
                            "row left out", f"row:{row + 2} column:{column}"))
    issues.sort(key=lambda i: (int(i.location.split()[0][4:]), i.location))
    return frame.drop(index=sorted({row for row, _ in seen})), issues


def _range_reason(frame: pd.DataFrame, row: int) -> str:
    metric = str(frame.at[row, "metric"]).strip()
    fields = registry.fields().set_index("metric")
    low, high = fields.at[metric, "min_value"], fields.at[metric, "max_value"]
    return f"outside the range of {metric} [{low or '-inf'}, {high or 'inf'}]"


def read_figure_table(path: str | Path) -> tuple[pd.DataFrame, list[Issue]]:
    """A figure table as tidy figures (contract columns and dtypes), with a warning per invalid cell.

    Missing contract columns become NA; ``source_file`` defaults to the table's
    own path, ``applicant`` to ``total``, ``approximate``/``derived`` to false,
    ``read_via`` to ``figure_table``.  Raises :class:`FigureTableError` when the
    file cannot be read as a figure table at all.
    """
    path = Path(path)
    raw = _read_text_table(path)
    valid, issues = validate_figure_table(raw, str(path))
    frame = valid.copy()
    defaults = {"source_file": str(path), "applicant": "total", "approximate": "false", "derived": "false",
                "read_via": "figure_table"}
    for column, default in defaults.items():
        if column not in frame.columns:
            frame[column] = default
        frame[column] = frame[column].fillna(default)
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: v.strip() if isinstance(v, str) else v)
    return coerce_figures(frame), issues
