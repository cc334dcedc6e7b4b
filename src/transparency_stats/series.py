"""Series over the years, computed from a metrics table (:data:`metrics.METRIC_COLUMNS`).

Each organ's values of one metric form a series, one value per year (the first
non-NA one when an organ has several reports in a year).  Only values in the
same ``comparable_group`` (from the field registry) are compared: across a
layout change, or a missing year, no change is computed, and
:func:`series_breaks` lists where a series changes group so charts can draw
separate segments.
"""

from __future__ import annotations

import pandas as pd

from . import registry
from .metrics import _ratio, _typed, empty_metrics

__all__ = ["cagr", "series_breaks", "yoy_change"]


def _series_frame(metrics: pd.DataFrame, metric: str | None) -> pd.DataFrame:
    frame = metrics.copy()
    if "comparable_group" not in frame.columns:
        frame["comparable_group"] = [
            registry.comparable_group(m, v) for m, v in zip(frame["metric"], frame.get("format_version"), strict=False)
        ]
    if metric is not None:
        frame = frame[frame["metric"] == metric]
    frame = frame[frame["report_year"].notna()]
    # One value per organ, metric and year: the first non-NA one.
    frame = frame.assign(_na=frame["value"].isna().astype(int)).sort_values(
        ["agency", "metric", "report_year", "_na"], kind="stable"
    )
    return frame.drop_duplicates(["agency", "metric", "report_year"]).drop(columns="_na")


def yoy_change(metrics: pd.DataFrame, metric: str | None = None) -> pd.DataFrame:
    """Year-on-year change of each organ's series (``<metric>__yoy``).

    ``numerator`` = value(N) − value(N−1), ``denominator`` = value(N−1),
    ``value`` = relative change.  Only consecutive years in the same
    ``comparable_group`` are compared: across a layout change, or a missing
    year, the change is not computed (no row).
    """
    frame = _series_frame(metrics, metric)
    rows = []
    for (agency, name), series in frame.groupby(["agency", "metric"], sort=True, dropna=False):
        by_year = series.set_index("report_year")
        for year, row in by_year.iterrows():
            prev_year = int(year) - 1
            if prev_year not in by_year.index:
                continue
            prev = by_year.loc[prev_year]
            if prev["comparable_group"] != row["comparable_group"]:
                continue
            rows.append(
                {
                    "report_id": row["report_id"],
                    "agency": agency,
                    "report_year": int(year),
                    "format_version": row["format_version"],
                    "metric": f"{name}__yoy",
                    "numerator": row["value"] - prev["value"],
                    "denominator": prev["value"],
                    "comparable_group": row["comparable_group"],
                    "note": f"{prev_year}→{int(year)}",
                }
            )
    if not rows:
        return empty_metrics()
    out = _typed(pd.DataFrame(rows))
    out["value"] = _ratio(out["numerator"], out["denominator"])
    return out


def cagr(metrics: pd.DataFrame, metric: str | None = None) -> pd.DataFrame:
    """Compound annual growth of each organ's series within one ``comparable_group``.

    Uses the first and last years with a value: ``value`` =
    (last / first) ** (1 / (last_year − first_year)) − 1, with ``numerator`` =
    last value, ``denominator`` = first value and the span in ``note``.  A first
    value ≤ 0 or a single year gives NA.  ``report_year`` is the last year.
    """
    frame = _series_frame(metrics, metric)
    frame = frame[frame["value"].notna()]
    rows = []
    for (agency, name, group), series in frame.groupby(
        ["agency", "metric", "comparable_group"], sort=True, dropna=False
    ):
        series = series.sort_values("report_year")
        first, last = series.iloc[0], series.iloc[-1]
        span = int(last["report_year"]) - int(first["report_year"])
        value: object = pd.NA
        if span > 0 and first["value"] > 0 and last["value"] >= 0:
            value = (float(last["value"]) / float(first["value"])) ** (1.0 / span) - 1.0
        rows.append(
            {
                "report_id": last["report_id"],
                "agency": agency,
                "report_year": int(last["report_year"]),
                "format_version": last["format_version"],
                "metric": f"{name}__cagr",
                "numerator": last["value"],
                "denominator": first["value"],
                "value": value,
                "comparable_group": group,
                "note": f"{int(first['report_year'])}–{int(last['report_year'])}",
            }
        )
    if not rows:
        return empty_metrics()
    return _typed(pd.DataFrame(rows))


def series_breaks(metrics: pd.DataFrame) -> pd.DataFrame:
    """Where an organ's series of a metric changes ``comparable_group`` between reports.

    Columns: agency, metric, year_before, group_before, year_after, group_after.
    Charts draw such series as separate segments.
    """
    frame = _series_frame(metrics, None).sort_values(["agency", "metric", "report_year"])
    rows = []
    for (agency, name), series in frame.groupby(["agency", "metric"], sort=True, dropna=False):
        previous = None
        for _, row in series.iterrows():
            if previous is not None and previous["comparable_group"] != row["comparable_group"]:
                rows.append(
                    {
                        "agency": agency,
                        "metric": name,
                        "year_before": int(previous["report_year"]),
                        "group_before": previous["comparable_group"],
                        "year_after": int(row["report_year"]),
                        "group_after": row["comparable_group"],
                    }
                )
            previous = row
    columns = ["agency", "metric", "year_before", "group_before", "year_after", "group_after"]
    return pd.DataFrame(rows, columns=columns)
