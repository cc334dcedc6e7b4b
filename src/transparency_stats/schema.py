"""The tidy figures table: one row per reported number, with its provenance.

The column set and meanings follow the extraction contract; every extractor
produces :class:`Figure` objects and :func:`figures_to_frame` turns them into a
DataFrame with pandas nullable dtypes (blank is NA, never 0).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields

import numpy as np
import pandas as pd

from .registry import figure_columns
from .vocabulary import APPLICANTS, CELL_KINDS, FORMAT_VERSIONS, TABLES

__all__ = [
    "APPLICANTS", "CELL_KINDS", "FIGURE_COLUMNS", "FIGURE_DTYPES", "FORMAT_VERSIONS", "ISSUE_COLUMNS", "READ_VIA",
    "TABLES", "Figure", "Issue", "ReportResult", "coerce_figures", "empty_figures", "figures_to_frame",
    "issues_to_frame", "select_figures",
]

#: The tidy table's columns in order, and their pandas dtypes, from the column registry
#: (``data/figure_columns.csv``, :func:`transparency_stats.registry.figure_columns`).
FIGURE_COLUMNS: list[str] = [c.column for c in figure_columns()]
FIGURE_DTYPES: dict[str, str] = {c.column: c.dtype for c in figure_columns()}

#: How a figure was read (column ``read_via``, added after the contract's columns).
READ_VIA = ("text", "html_table", "docx_table", "markdown_table", "pdf_text", "ocr", "figure_table")

#: Columns of the companion errors/warnings table.
ISSUE_COLUMNS: list[str] = ["source_file", "report_id", "severity", "kind", "message", "location"]



@dataclass
class Figure:
    """One reported (or derived) number and where it came from."""

    metric: str
    value: float | None
    table: str = "narrative"
    applicant: str = "total"
    cell: str = "number"
    approximate: bool = False
    derived: bool = False
    raw_label: str = ""
    raw_value: str = ""
    location: str = ""
    #: one of :data:`READ_VIA`; empty when not known
    read_via: str = ""
    #: recognition confidence in [0, 1] for OCR figures, else None
    confidence: float | None = None
    # Filled in by the report-level driver:
    source_file: str = ""
    report_id: str = ""
    agency: str | None = None
    report_year: int | None = None
    format_version: str = ""


@dataclass
class Issue:
    """A warning or error about one report (never silently dropped)."""

    source_file: str
    severity: str  # "error" (file failed) or "warning" (a value was left out / a check)
    kind: str
    message: str
    location: str = ""
    report_id: str = ""


_FIGURE_FIELDS = tuple(f.name for f in fields(Figure))
_FIGURE_FIELDS_OF = operator.attrgetter(*_FIGURE_FIELDS)
_ISSUE_FIELDS = tuple(f.name for f in fields(Issue))
_ISSUE_FIELDS_OF = operator.attrgetter(*_ISSUE_FIELDS)


@dataclass
class ReportResult:
    """Everything extracted from one report file."""

    source_file: str
    report_id: str = ""
    agency: str | None = None
    report_year: int | None = None
    format_version: str = ""
    figures: list[Figure] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    #: per-report facts for the reports table beside the figures (keyed by ``report_id``):
    #: e.g. ``published_on``, ``published_source``, ``cells_read``, ``cells_expected``, ``ocr_pages``.
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)

    def __reduce__(self) -> tuple:
        # Pickled (from worker processes, to Dask) with each figure and issue as a plain tuple of its
        # fields: a dataclass pickles its attribute dict key by key and unpickles through copyreg, some
        # 10 µs a figure, which made the main process of ``extract -j N`` spend 1 ms per report.
        return (_unpickled_result, (self.source_file, self.report_id, self.agency, self.report_year,
                                    self.format_version, list(map(_FIGURE_FIELDS_OF, self.figures)),
                                    list(map(_ISSUE_FIELDS_OF, self.issues)), self.facts))


def _unpickled_result(source_file: str, report_id: str, agency: str | None, report_year: int | None,
                      format_version: str, figures: list[tuple], issues: list[tuple],
                      facts: dict[str, object]) -> ReportResult:
    """The :class:`ReportResult` :meth:`ReportResult.__reduce__` pickled."""
    return ReportResult(source_file, report_id, agency, report_year, format_version,
                        _from_fields(Figure, _FIGURE_FIELDS, figures), _from_fields(Issue, _ISSUE_FIELDS, issues),
                        facts)


def _from_fields(kind: type, names: tuple[str, ...], rows: list[tuple]) -> list:
    """Instances of the dataclass ``kind`` whose fields ``names`` hold each row's values (no ``__init__``)."""
    instances = []
    new = object.__new__
    for row in rows:
        instance = new(kind)
        instance.__dict__.update(zip(names, row, strict=True))
        instances.append(instance)
    return instances


def empty_figures() -> pd.DataFrame:
    """An empty tidy table with the contract's columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in FIGURE_DTYPES.items()})


def coerce_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a tidy table the contract's column order and nullable dtypes."""
    frame = frame.copy()
    for column in FIGURE_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA
    frame = frame[FIGURE_COLUMNS + [c for c in frame.columns if c not in FIGURE_COLUMNS]]
    for column, dtype in FIGURE_DTYPES.items():
        if _has_dtype(frame[column], dtype):
            continue  # already as the contract says: converting again would only cost time
        if dtype == "boolean":
            frame[column] = frame[column].map(_to_bool).astype("boolean")
        elif dtype == "Int64":
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
        elif dtype == "Float64":
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Float64")
        else:
            frame[column] = frame[column].astype("string")
    return frame


def _has_dtype(column: pd.Series, dtype: str) -> bool:
    if dtype == "string":
        return column.dtype == pd.StringDtype()  # same storage and NA as ``astype("string")`` gives
    return str(column.dtype) == dtype


def _to_bool(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return pd.NA
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "1", "yes", "是"):
            return True
        if text in ("false", "0", "no", "否", ""):
            return False if text else pd.NA
        return pd.NA
    return bool(value)


def figures_to_frame(figures: Iterable[Figure]) -> pd.DataFrame:
    """Turn figures into the tidy DataFrame (contract columns, nullable dtypes)."""
    # column by column off the attributes: a Figure's fields are plain values, so asdict's recursive
    # deep copy (some 20 calls per field) would only cost time
    rows = list(map(_FIGURE_FIELDS_OF, figures))
    if not rows:
        return empty_figures()
    return coerce_figures(pd.DataFrame(columns_of(_FIGURE_FIELDS, rows)))


def columns_of(names: Iterable[str], rows: list[tuple]) -> dict[str, list]:
    """Rows of values (each in ``names`` order, at least one row) as one list per name: a DataFrame's columns."""
    return dict(zip(names, map(list, zip(*rows, strict=True)), strict=True))


def issues_to_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    """Turn issues into a DataFrame with :data:`ISSUE_COLUMNS`."""
    rows = [asdict(i) for i in issues]
    frame = pd.DataFrame(rows, columns=ISSUE_COLUMNS)
    return frame.astype("string")


def select_figures(figures: pd.DataFrame, applicant: str | None = "total") -> pd.DataFrame:
    """One row per (report, metric, applicant), chosen by rank.

    A row with a value beats a blank one; then a table row beats a narrative
    (text) row; then a read row beats a derived one; ties keep the input order.

    ``applicant=None`` keeps every applicant column; a missing applicant counts
    as ``total``.
    """
    frame = coerce_figures(figures)
    frame["applicant"] = frame["applicant"].fillna("total")
    frame["report_id"] = frame["report_id"].fillna(frame["source_file"])
    if applicant is not None:
        frame = frame[frame["applicant"] == applicant]
    if frame.empty:
        return frame.reset_index(drop=True)
    if not frame.index.is_unique or set(_RANK_COLUMNS) & set(frame.columns):
        return _select_sorted(frame)  # rows joined to their ranks by index label, as the sort below assumes
    return frame.take(_chosen_positions(frame)).reset_index(drop=True)


#: The columns :func:`select_figures` reads to choose.
CHOICE_COLUMNS = ("report_id", "source_file", "metric", "applicant", "value", "table", "derived")


def chosen_rows(figures: pd.DataFrame, applicant: str | None, columns: list[str]) -> pd.DataFrame:
    """``select_figures(figures, applicant)[columns]`` without carrying the other columns along.

    ``figures`` has the contract's dtypes (as :func:`coerce_figures` gives) in the
    columns :func:`select_figures` reads and in ``columns``.
    """
    if set(_RANK_COLUMNS) & set(figures.columns):
        return select_figures(figures, applicant)[columns]
    frame = figures[list(dict.fromkeys([*CHOICE_COLUMNS, *columns]))].copy()
    frame["applicant"] = frame["applicant"].fillna("total")
    frame["report_id"] = frame["report_id"].fillna(frame["source_file"])
    if applicant is not None:
        frame = frame[frame["applicant"] == applicant]
    if frame.empty:
        return frame[columns].reset_index(drop=True)
    if not frame.index.is_unique:
        return _select_sorted(frame)[columns]
    return frame[columns].take(_chosen_positions(frame)).reset_index(drop=True)


#: The rank of a row in :func:`select_figures`, most significant first (then the order of the input).
_RANK_COLUMNS = ("_no_value", "_text", "_derived", "_order")


def _chosen_positions(frame: pd.DataFrame) -> np.ndarray:
    """Positions of the rows :func:`select_figures` keeps, ascending: per (report, metric, applicant)
    the first row of the best rank, found on integer codes (no sort or take of the strings)."""
    return best_rows(choice_rank(frame), group_codes(frame, ["report_id", "metric", "applicant"]))


def choice_rank(frame: pd.DataFrame) -> np.ndarray:
    """Each row's rank in :func:`select_figures` (lower is better): blank value, then text, then derived."""
    return (frame["value"].isna().to_numpy(dtype=int) * 4
            + (frame["table"].fillna("narrative") == "narrative").to_numpy(dtype=int) * 2
            + frame["derived"].fillna(False).astype(bool).to_numpy(dtype=int))


def best_rows(rank: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Positions, ascending, of the first row of the lowest ``rank`` in each ``group``."""
    order = np.lexsort((rank, group))  # stable: equal ranks keep the input order
    ranked = group[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ranked[1:] != ranked[:-1]
    return np.sort(order[first])


def group_codes(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """One integer per row, equal where all ``keys`` are equal (NA equal to NA, as in ``duplicated``)."""
    return combined_codes([pd.factorize(frame[key], use_na_sentinel=False)[0] for key in keys])


def combined_codes(codes: list[np.ndarray]) -> np.ndarray:
    """One integer per row, equal where all ``codes`` (integers from -1 up) are equal, ordered as the
    codes taken left to right (renumbered only when the product of their ranges nears int64's)."""
    out = np.zeros(len(codes[0]) if codes else 0, dtype=np.int64)
    size = 1
    for column in codes:
        column = np.asarray(column, dtype=np.int64) + 1
        width = int(column.max(initial=0)) + 1
        if size * width >= 2**62:
            out = pd.factorize(out)[0].astype(np.int64, copy=False)
            size = int(out.max(initial=0)) + 1
        out = out * width + column
        size *= width
    return out


def _select_sorted(frame: pd.DataFrame) -> pd.DataFrame:
    rank = pd.DataFrame(
        {
            "_no_value": frame["value"].isna().astype(int),
            "_text": (frame["table"].fillna("narrative") == "narrative").astype(int),
            "_derived": frame["derived"].fillna(False).astype(bool).astype(int),
            "_order": np.arange(len(frame)),
        },
        index=frame.index,
    )
    ordered = frame.join(rank).sort_values(["_no_value", "_text", "_derived", "_order"], kind="stable")
    chosen = ordered.drop_duplicates(["report_id", "metric", "applicant"], keep="first")
    return chosen.sort_values("_order").drop(columns=list(rank.columns)).reset_index(drop=True)
