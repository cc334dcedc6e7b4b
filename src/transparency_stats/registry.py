"""The field registry: one row per metric id, with its unit and labels.

The registry lives in ``data/fields.csv`` (package data) with the columns
``metric, table, dtype, unit, label_zh, label_en, description, comparability,
min_value, max_value``.  Every chart and table label is taken from it, so a
label is fixed in one place.  ``min_value``/``max_value`` bound what a figure
may be (blank: unbounded): counts are never negative except the 2019 table's
``*_items_change`` (本年增/减); rates are fractions in [0, 1].

The columns of the figures table itself (name, dtype, the vocabulary their
values come from) are registered in ``data/figure_columns.csv``
(:func:`figure_columns`); :mod:`transparency_stats.schema` takes the column
order and dtypes from there and :mod:`transparency_stats.validate` the checks.

``comparability`` says which reports give the same quantity for a metric:

* ``layout`` – only reports of the same ``format_version`` (table 二 changed in 2021);
* ``era`` – narrative-era reports differ from the standard tables (2019 and 2021 agree);
* ``none`` – one series across all layouts.

Derived series ids take a suffix: ``<metric>__yoy`` (year-on-year change) and
``<metric>__cagr`` (compound annual growth); their labels are built from the base id.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

FIELDS_PATH = Path(__file__).resolve().parent / "data" / "fields.csv"
FIGURE_COLUMNS_PATH = Path(__file__).resolve().parent / "data" / "figure_columns.csv"
FIELD_COLUMNS = ["metric", "table", "dtype", "unit", "label_zh", "label_en", "description", "comparability",
                 "min_value", "max_value"]


class FigureColumn(NamedTuple):
    """One column of the figures table: its name, pandas dtype, value set and meaning."""

    column: str
    dtype: str
    #: what its values are checked against: ``year``, ``value``, ``fraction``, ``bool``, ``metrics``,
    #: or a vocabulary (``format_versions``, ``tables``, ``applicants``, ``cell_kinds``, ``read_via``); blank: free text
    values: str
    description: str


@lru_cache(maxsize=1)
def figure_columns() -> tuple[FigureColumn, ...]:
    """The columns of the tidy figures table, in order (``data/figure_columns.csv``)."""
    with FIGURE_COLUMNS_PATH.open(encoding="utf-8", newline="") as handle:
        return tuple(FigureColumn(r["column"], r["dtype"], r["values"], r["description"])
                     for r in csv.DictReader(handle))

UNIT_LABELS: dict[str, dict[str, str]] = {
    "count": {"zh": "件", "en": "count"},
    "items": {"zh": "条", "en": "items"},
    "yuan": {"zh": "元", "en": "CNY"},
    "wan_yuan": {"zh": "万元", "en": "CNY 10,000"},
    "fraction": {"zh": "比率", "en": "share"},
}

_SUFFIXES: dict[str, dict[str, str]] = {
    "__yoy": {"zh": "（同比变化）", "en": " (year-on-year change)"},
    "__cagr": {"zh": "（年均复合增长率）", "en": " (compound annual growth)"},
}

LANGS = ("zh", "en")


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    frame = pd.read_csv(FIELDS_PATH, dtype="string", keep_default_na=False, encoding="utf-8")
    return frame.set_index("metric", drop=False)


def fields() -> pd.DataFrame:
    """The data dictionary: one row per metric id with its table, unit, zh/en labels and description.

    Besides :data:`FIELD_COLUMNS`, ``unit_zh`` and ``unit_en`` give the unit's display label.
    """
    frame = _load().reset_index(drop=True).copy()
    for lang in LANGS:
        frame[f"unit_{lang}"] = frame["unit"].map(lambda code, _l=lang: UNIT_LABELS.get(code, {}).get(_l, code))
    return frame


def metric_ids(table: str | None = None) -> list[str]:
    """All registered metric ids, optionally only those of one ``table``."""
    frame = _load()
    if table is not None:
        frame = frame[frame["table"] == table]
    return frame["metric"].tolist()


def is_known(metric: str) -> bool:
    """True when ``metric`` (or its base id, for ``__yoy``/``__cagr``) is registered."""
    base, _ = _split_suffix(metric)
    return base in _load().index


def _split_suffix(metric: str) -> tuple[str, str]:
    for suffix in _SUFFIXES:
        if metric.endswith(suffix):
            return metric[: -len(suffix)], suffix
    return metric, ""


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")


def label(metric: str, lang: str = "zh") -> str:
    """The Chinese (``zh``) or English (``en``) label of ``metric``.

    Unknown ids come back unchanged, so a new id never breaks a chart; use
    :func:`unknown_metrics` to list them.
    """
    _check_lang(lang)
    base, suffix = _split_suffix(metric)
    frame = _load()
    if base not in frame.index:
        return metric
    text = str(frame.at[base, f"label_{lang}"])
    if suffix:
        text += _SUFFIXES[suffix][lang]
    return text


def unit(metric: str, lang: str | None = None) -> str:
    """The unit code of ``metric`` (``count``, ``items``, ``yuan``, ``wan_yuan``, ``fraction``).

    With ``lang`` the unit's display label in that language is returned instead.
    Year-on-year changes keep the base unit; compound growth is a ``fraction``.
    """
    base, suffix = _split_suffix(metric)
    frame = _load()
    code = str(frame.at[base, "unit"]) if base in frame.index else ""
    if suffix == "__cagr":
        code = "fraction"
    if lang is None:
        return code
    _check_lang(lang)
    return UNIT_LABELS.get(code, {}).get(lang, code)


def comparability(metric: str) -> str:
    """``layout``, ``era`` or ``none`` (see the module docstring); ``era`` for unknown ids."""
    base, _ = _split_suffix(metric)
    return _comparabilities().get(base, "era")


@lru_cache(maxsize=1)
def _comparabilities() -> dict[str, str]:
    """Each registered metric id's comparability (looked up per metric and layout for every metrics row)."""
    frame = _load()
    return {metric: str(frame.at[metric, "comparability"]) for metric in frame.index}


def comparable_group(metric: str, format_version: str | None) -> str:
    """The group of reports whose values of ``metric`` form one series.

    ``layout`` metrics: the format version itself; ``era`` metrics: ``narrative`` or
    ``standard`` (gov2019 and gov2021); ``none``: ``all``.
    """
    rule = comparability(metric)
    version = "" if format_version is None or format_version is pd.NA else str(format_version)
    if rule == "none":
        return "all"
    if rule == "layout":
        return version or "unknown"
    if version == "narrative":
        return "narrative"
    if version in ("gov2019", "gov2021"):
        return "standard"
    return version or "unknown"


def unknown_metrics(frame: pd.DataFrame) -> list[str]:
    """Metric ids used in ``frame`` that the registry does not know (sorted)."""
    if "metric" not in frame.columns:
        return []
    used = {str(m) for m in frame["metric"].dropna().unique()}
    return sorted(m for m in used if not is_known(m))
