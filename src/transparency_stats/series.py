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

__all__ = ["cagr", "series_breaks", "series_values", "yoy_change"]


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
    keys = ["agency", "metric", "report_year"]
    # Each value meets the one of the year before by one merge (no search per row);
    # the frame is sorted by organ, metric and year, and the merge keeps that order.
    before = frame[[*keys, "value", "comparable_group"]].assign(report_year=frame["report_year"] + 1)
    pairs = frame.merge(before, on=keys, how="inner", suffixes=("", "_prev"))
    pairs = pairs[(pairs["comparable_group"] == pairs["comparable_group_prev"]).fillna(False).to_numpy(dtype=bool)]
    if pairs.empty:
        return empty_metrics()
    years = pairs["report_year"].astype(int).tolist()
    out = _typed(
        pd.DataFrame(
            {
                "report_id": pairs["report_id"].to_numpy(),
                "agency": pairs["agency"].to_numpy(),
                "report_year": years,
                "format_version": pairs["format_version"].to_numpy(),
                "metric": (pairs["metric"] + "__yoy").to_numpy(),
                "numerator": (pairs["value"] - pairs["value_prev"]).to_numpy(),
                "denominator": pairs["value_prev"].to_numpy(),
                "comparable_group": pairs["comparable_group"].to_numpy(),
                "note": [f"{year - 1}→{year}" for year in years],
            }
        )
    )
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
    keys = ["agency", "metric", "comparable_group"]
    frame = frame.sort_values([*keys, "report_year"], kind="stable")
    first = frame.drop_duplicates(keys, keep="first").reset_index(drop=True)
    last = frame.drop_duplicates(keys, keep="last").reset_index(drop=True)
    if last.empty:
        return empty_metrics()
    first_years = first["report_year"].astype(int).tolist()
    last_years = last["report_year"].astype(int).tolist()
    values = []
    for start, end, first_value, last_value in zip(first_years, last_years, first["value"], last["value"],
                                                   strict=True):
        span = end - start
        value: object = pd.NA
        if span > 0 and first_value > 0 and last_value >= 0:
            value = (float(last_value) / float(first_value)) ** (1.0 / span) - 1.0
        values.append(value)
    return _typed(
        pd.DataFrame(
            {
                "report_id": last["report_id"].to_numpy(),
                "agency": last["agency"].to_numpy(),
                "report_year": last_years,
                "format_version": last["format_version"].to_numpy(),
                "metric": (last["metric"] + "__cagr").to_numpy(),
                "numerator": last["value"].to_numpy(),
                "denominator": first["value"].to_numpy(),
                "value": values,
                "comparable_group": last["comparable_group"].to_numpy(),
                "note": [f"{start}–{end}" for start, end in zip(first_years, last_years, strict=True)],
            }
        )
    )


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


def series_values(metrics: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``metrics`` the series take: per organ, metric and year the first non-NA one.

    :func:`yoy_change` and :func:`cagr` give the same rows from this table as
    from ``metrics``, and from these rows of any split of ``metrics`` by report
    once concatenated in ``metrics``' order (organ, year, report, metric).
    """
    return _series_frame(metrics, None).reset_index(drop=True)
