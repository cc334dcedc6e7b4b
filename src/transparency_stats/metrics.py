"""Metrics over the tidy figures table.

Every function here is pure (it never changes its input) and returns a long
DataFrame with :data:`METRIC_COLUMNS`: one row per report and metric, holding
the ``numerator``, the ``denominator`` and the ``value`` so any figure can be
audited.  Conventions:

* **NA propagates.**  A blank or missing input gives an NA result, never 0.
* **A zero (or negative) denominator gives NA**, never 100 %.
* **Counts** (``requests_volume``, proposal counts, proactive items) put the
  count in ``numerator`` and ``value``; ``denominator`` is NA.
* **Rates stated by the report** (``on_time_rate``, proposal rates) are passed
  through in ``value`` with NA numerator and denominator and a ``note``.
* Only ``applicant == "total"`` rows are used, except by :func:`applicant_mix`.

Choosing among several rows for one metric of one report follows
:func:`transparency_stats.schema.select_figures`: a row with a value beats a
blank one; then a table row beats a narrative (text) row; then a read row beats
a derived one; ties keep the order of the input.

Subtotals (``results_denied_total``, ``results_unable_total``,
``results_not_processed_total``, ``results_other_total``, ``litigation_total``,
``litigation_corrected``) are taken as printed or stated when the chosen row is
not derived; a derived subtotal is recomputed from its sub-rows whenever the
report has any sub-row (a blank sub-row makes the subtotal NA), and kept as
given only when the report has no sub-rows at all.

``comparable_group`` (from the field registry) names the set of reports whose
values form one series.  Series over the years (year-on-year change, compound
growth, where a series crosses a layout change) are computed from this table
in :mod:`transparency_stats.series`; ``metrics.yoy_change``, ``metrics.cagr``
and ``metrics.series_breaks`` are kept as names for them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from . import registry
from .schema import chosen_rows, coerce_figures, select_figures  # noqa: F401  (select_figures: imported from here)
from .vocabulary import (
    APPLICANT_COLUMNS,
    DENIED_REASONS,
    REVIEW_BLOCKS,
    STANDARD_LAYOUTS,
    derived_sums,
    parts,
)

#: Totals the tables do not print (table 三 block sums, litigation totals), from ``data/subtotals.csv``.
SUBTOTALS: tuple[str, ...] = (*derived_sums("requests"), *derived_sums("review_litigation"))

REPORT_KEYS = ["report_id", "agency", "report_year", "format_version"]
METRIC_COLUMNS = [
    "report_id",
    "agency",
    "report_year",
    "format_version",
    "metric",
    "numerator",
    "denominator",
    "value",
    "comparable_group",
    "note",
]

NOTE_STATED = "stated in the report"
NOTE_ON_TIME_STANDARD = "not stated; the standard tables (gov2019/gov2021) cannot give an on-time rate"
NOTE_NOT_STATED = "not stated in the report"


# --------------------------------------------------------------------------- selection


def reports(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per report: report_id, agency (canonical), report_year, format_version, source_file."""
    frame = coerce_figures(figures)
    frame["report_id"] = frame["report_id"].fillna(frame["source_file"])
    out = frame[REPORT_KEYS + ["source_file"]].drop_duplicates("report_id")
    out["agency"] = _canonical(out["agency"])
    return out.set_index("report_id", drop=False)


def _canonical(agency: pd.Series) -> pd.Series:
    """Canonical organ names, each distinct name looked up once."""
    from .checks import canonical_agency

    names = {a: canonical_agency(a) for a in agency.dropna().unique()}
    return pd.Series([names[a] if isinstance(a, str) else a for a in agency], index=agency.index,
                     dtype=object).astype("string")


def report_wide(figures: pd.DataFrame, applicant: str = "total") -> pd.DataFrame:
    """The figures of one applicant column as one row per report, one column per metric.

    Index is ``report_id``; the report keys come first, then one Float64 column
    per metric id present.  Subtotals are resolved as described in the module
    docstring.
    """
    return _Wides(figures).wide(applicant)


class _Wides:
    """The wide tables of one figures table, each built once (the metrics share them)."""

    def __init__(self, figures: pd.DataFrame) -> None:
        self.figures = coerce_figures(figures)
        self._info: pd.DataFrame | None = None
        self._chosen: pd.DataFrame | None = None
        self._wide: dict[str, pd.DataFrame] = {}

    def info(self) -> pd.DataFrame:
        if self._info is None:
            self._info = reports(self.figures)
        return self._info

    def chosen(self) -> pd.DataFrame:
        if self._chosen is None:
            # One selection for every applicant column: the choice is made per
            # (report, metric, applicant), so filtering afterwards gives the same rows.
            self._chosen = chosen_rows(self.figures, None, ["report_id", "metric", "applicant", "value", "derived"])
        return self._chosen

    def wide(self, applicant: str = "total") -> pd.DataFrame:
        if applicant not in self._wide:
            chosen = self.chosen()
            chosen = chosen[(chosen["applicant"] == applicant).to_numpy(dtype=bool)].reset_index(drop=True)
            self._wide[applicant] = _wide_of(self.info(), chosen)
        return self._wide[applicant]

    def by_applicant(self, metric: str, index: pd.Index) -> pd.DataFrame:
        """One (not subtotal) metric's chosen values, one column per applicant column, rows on ``index``.

        The same values as ``wide(column)[metric]`` for each column, from one pivot.
        """
        chosen = self.chosen()
        rows = chosen[((chosen["metric"] == metric) & chosen["applicant"].isin(APPLICANT_COLUMNS))
                      .to_numpy(dtype=bool)]
        if rows.empty:
            return pd.DataFrame(index=index)
        values = rows.pivot(index="report_id", columns="applicant", values="value").astype("Float64")
        return values.reindex(index)


def _wide_of(info: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    if chosen.empty:
        return info.copy()
    values, exists, derived = _pivots(chosen)
    versions = info["format_version"].reindex(values.index)
    layouts = [None if pd.isna(v) else str(v) for v in versions]
    layout_rows = {layout: np.array([v == layout for v in layouts], dtype=bool) for layout in dict.fromkeys(layouts)}
    floats: dict[str, np.ndarray] = {}  # each column of values as floats, read once (a subtotal once resolved)

    def column(metric: str) -> np.ndarray:
        if metric not in floats:
            floats[metric] = _floats(values, metric)
        return floats[metric]

    for subtotal in SUBTOTALS:
        given = column(subtotal)
        if subtotal in derived.columns:
            read = exists[subtotal].to_numpy(dtype=bool) & ~derived[subtotal].to_numpy(dtype=bool)
        else:
            read = np.zeros(len(values), dtype=bool)
        resolved = given.copy()
        for layout, rows in layout_rows.items():
            leaves = parts(subtotal, layout)
            has_leaf = np.zeros(len(values), dtype=bool)
            total = np.zeros(len(values), dtype=float)  # summed leaf by leaf, as printed order
            for leaf in leaves:
                if leaf in exists.columns:
                    has_leaf |= exists[leaf].to_numpy(dtype=bool)
                total = total + column(leaf)
            keep = (read & ~np.isnan(given)) | ~has_leaf
            recompute = rows & ~keep
            resolved[recompute] = total[recompute]
        values[subtotal] = pd.array(resolved, dtype="Float64")
        floats[subtotal] = _floats(values, subtotal)
    values.columns.name = None
    return info.join(values, how="left")


def _pivots(chosen: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The chosen rows (one per report and metric) as three report × metric tables: the value
    (Float64, NA where no row), whether a row exists, and whether it is derived.

    What ``chosen.pivot(index="report_id", columns="metric", ...)`` gives for each, placed by codes
    (one factorization) when neither key is blank; else by those pivots.
    """
    reports, report_ids = pd.factorize(chosen["report_id"], sort=True)
    metrics, metric_ids = pd.factorize(chosen["metric"], sort=True)
    if (reports < 0).any() or (metrics < 0).any():
        return (chosen.pivot(index="report_id", columns="metric", values="value").astype("Float64"),
                chosen.assign(_one=True).pivot(index="report_id", columns="metric", values="_one").notna(),
                chosen.assign(_d=chosen["derived"].fillna(False).astype(bool))
                .pivot(index="report_id", columns="metric", values="_d").fillna(False).astype(bool))
    shape = (len(metric_ids), len(report_ids))
    exists = np.zeros(shape, dtype=bool)
    exists[metrics, reports] = True
    if exists.sum() < len(chosen):
        chosen.pivot(index="report_id", columns="metric", values="value")  # raises on a repeated cell, as it does
    value = chosen["value"].astype("Float64").array
    data = np.zeros(shape)
    data[metrics, reports] = value.to_numpy(dtype=float, na_value=0.0)
    blank = np.ones(shape, dtype=bool)
    blank[metrics, reports] = value.isna()
    derived = np.zeros(shape, dtype=bool)
    derived[metrics, reports] = chosen["derived"].fillna(False).astype(bool).to_numpy(dtype=bool)
    index = pd.Index(report_ids, name="report_id")
    columns = pd.Index(metric_ids, name="metric")

    def table(arrays: list) -> pd.DataFrame:
        frame = pd.DataFrame(dict(zip(range(len(arrays)), arrays, strict=True)), index=index)
        frame.columns = columns
        return frame

    return (table([pd.arrays.FloatingArray(data[m], blank[m]) for m in range(shape[0])]),
            table(list(exists)), table(list(derived)))


def _wides(figures: pd.DataFrame | _Wides) -> _Wides:
    """The shared wide tables of ``figures`` (the metric functions also take them directly)."""
    return figures if isinstance(figures, _Wides) else _Wides(figures)


def _floats(values: pd.DataFrame, metric: str) -> np.ndarray:
    """One column of the wide values as floats (NaN for blank or missing)."""
    if metric not in values.columns:
        return np.full(len(values), np.nan)
    return values[metric].to_numpy(dtype=float, na_value=np.nan)


def _col(wide: pd.DataFrame, metric: str) -> pd.Series:
    if metric in wide.columns:
        return wide[metric].astype("Float64")
    return pd.Series(pd.NA, index=wide.index, dtype="Float64")


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = numerator.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    den = denominator.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / den, np.nan)
    return pd.Series(out, index=numerator.index, dtype="Float64")


class _Part(NamedTuple):
    """One metric of every report of a wide table, before it becomes rows (see :func:`_rows`)."""

    metric: str
    numerator: pd.Series
    denominator: pd.Series | None = None
    value: pd.Series | None = None
    note: pd.Series | str = ""


def _measures(wide: pd.DataFrame, part: _Part) -> tuple[pd.Series, pd.Series, pd.Series]:
    """A part's numerator, denominator and value as the rows hold them (Float64)."""
    numerator, denominator, value = part.numerator.astype("Float64"), part.denominator, part.value
    if denominator is None:
        denominator = pd.Series(pd.NA, index=wide.index, dtype="Float64")
        if value is None:
            value = numerator
    elif value is None:
        value = _ratio(numerator, denominator)
    return numerator, denominator.astype("Float64"), value.astype("Float64")


def _float_arrays(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``values`` as Float64 holds them: the floats (NaN where NA) and where they are NA."""
    array = values.astype("Float64").array
    return array.to_numpy(dtype=float, na_value=np.nan), np.asarray(array.isna(), dtype=bool)


def _measure_arrays(part: _Part, size: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`_measures` of a part as (floats, NA flags) pairs, without making Series."""
    numerator = _float_arrays(part.numerator)
    if part.denominator is None:
        denominator = (np.full(size, np.nan), np.ones(size, dtype=bool))
        value = numerator if part.value is None else _float_arrays(part.value)
    else:
        denominator = _float_arrays(part.denominator)
        if part.value is None:  # as _ratio: NA unless the denominator is positive
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(denominator[0] > 0, numerator[0] / denominator[0], np.nan)
            value = (ratio, np.isnan(ratio))
        else:
            value = _float_arrays(part.value)
    return [numerator, denominator, value]


def _layouts(wide: pd.DataFrame) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray, pd.Index]:
    """The wide table's format versions as strings, their codes (-1: blank) and distinct values."""
    versions = wide["format_version"].astype("string").array
    codes, layouts = pd.factorize(versions)  # each layout's group looked up once
    return versions, codes, layouts


def _groups(metric: str, layouts: pd.Index) -> list[object]:
    """``comparable_group`` of ``metric`` for each of ``layouts``, then for a blank layout."""
    return [*(registry.comparable_group(metric, v) for v in layouts), registry.comparable_group(metric, pd.NA)]


def _rows(
    wide: pd.DataFrame,
    metric: str,
    numerator: pd.Series,
    denominator: pd.Series | None = None,
    value: pd.Series | None = None,
    note: pd.Series | str = "",
) -> pd.DataFrame:
    numerator, denominator, value = _measures(wide, _Part(metric, numerator, denominator, value, note))
    # Every column is built with its final dtype (as :func:`_typed` gives), in METRIC_COLUMNS order.
    versions, codes, layouts = _layouts(wide)
    groups = np.array(_groups(metric, layouts), dtype=object)[codes]
    size = len(wide)
    notes = note.to_numpy(dtype=object) if isinstance(note, pd.Series) else [note] * size
    return pd.DataFrame(
        {
            "report_id": wide["report_id"].astype("string").array,
            "agency": wide["agency"].astype("string").array,
            "report_year": wide["report_year"].astype("Int64").array,
            "format_version": versions,
            "metric": pd.array([metric] * size, dtype="string"),
            "numerator": numerator.array,
            "denominator": denominator.array,
            "value": value.array,
            "comparable_group": pd.array(groups, dtype="string"),
            "note": pd.array(notes, dtype="string"),
        }
    )


def _sort_codes(values: pd.api.extensions.ExtensionArray) -> np.ndarray:
    """Integers ordered as ``sort_values`` orders ``values`` (NA last, equal values equal)."""
    codes, uniques = pd.factorize(values, sort=True)
    return np.where(codes < 0, len(uniques), codes)


def _parts_rows(wide: pd.DataFrame, parts: list[_Part], keep_empty: bool) -> pd.DataFrame:
    """What :func:`compute_metrics` makes of ``parts``: their rows (:func:`_rows`) concatenated, less
    those with neither numerator, value nor note unless ``keep_empty``, sorted by organ, year, report
    and metric.  Built column by column from each part's arrays, not frame by frame.
    """
    size, count = len(wide), len(parts)
    # numerator, denominator and value of every part: floats (NaN where NA) and NA flags, part by part
    data = np.empty((3, count, size))
    blank = np.empty((3, count, size), dtype=bool)
    for p, part in enumerate(parts):
        for m, (floats, na) in enumerate(_measure_arrays(part, size)):
            data[m, p], blank[m, p] = floats, na
    # notes: a constant note is stored once, a per-report note once per report
    note_arrays, note_at, noted = [], np.zeros((count, size), dtype=np.int64), np.zeros((count, size), dtype=bool)
    first_with: dict[str, int] = {}  # each constant note's first part
    offset = 0
    for p, part in enumerate(parts):
        if isinstance(part.note, str) and part.note in first_with:
            note_at[p], noted[p] = note_at[first_with[part.note]], noted[first_with[part.note]]
            continue
        if isinstance(part.note, pd.Series):
            notes = pd.array(part.note.to_numpy(dtype=object), dtype="string")
            note_at[p] = offset + np.arange(size)
        else:
            notes = pd.array([part.note], dtype="string")
            note_at[p] = offset
            if isinstance(part.note, str):
                first_with[part.note] = p
        note_arrays.append(notes)
        noted[p] = (pd.Series(notes).fillna("").str.len() > 0).to_numpy(dtype=bool)[note_at[p] - offset]
        offset += len(notes)
    keep = np.ones(count * size, dtype=bool) if keep_empty else (
        ~blank[0].ravel() | ~blank[2].ravel() | noted.ravel())
    flat = np.flatnonzero(keep)
    part_of, row_of = np.divmod(flat, size)
    names = pd.array([part.metric for part in parts], dtype="string")
    # a stable sort of the kept rows (taken in concatenation order) by organ, year, report and metric
    order = np.lexsort((_sort_codes(names)[part_of], _sort_codes(wide["report_id"].astype("string").array)[row_of],
                        _sort_codes(wide["report_year"].astype("Int64").array)[row_of],
                        _sort_codes(wide["agency"].astype("string").array)[row_of]))
    flat, part_of, row_of = flat[order], part_of[order], row_of[order]
    versions, codes, layouts = _layouts(wide)
    groups = pd.array([g for part in parts for g in _groups(part.metric, layouts)], dtype="string")
    layout_at = np.where(codes < 0, len(layouts), codes)
    return pd.DataFrame(
        {
            "report_id": wide["report_id"].astype("string").array.take(row_of),
            "agency": wide["agency"].astype("string").array.take(row_of),
            "report_year": wide["report_year"].astype("Int64").array.take(row_of),
            "format_version": versions.take(row_of),
            "metric": names.take(part_of),
            **{column: pd.arrays.FloatingArray(data[m].ravel()[flat], blank[m].ravel()[flat])
               for m, column in enumerate(("numerator", "denominator", "value"))},
            "comparable_group": groups.take(part_of * (len(layouts) + 1) + layout_at[row_of]),
            "note": type(note_arrays[0])._concat_same_type(note_arrays).take(note_at.ravel()[flat]),
        }
    )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reindex(columns=METRIC_COLUMNS)
    for column in ("report_id", "agency", "format_version", "metric", "comparable_group", "note"):
        frame[column] = frame[column].astype("string")
    frame["report_year"] = frame["report_year"].astype("Int64")
    for column in ("numerator", "denominator", "value"):
        frame[column] = frame[column].astype("Float64")
    return frame.reset_index(drop=True)


def empty_metrics() -> pd.DataFrame:
    """An empty metrics table with :data:`METRIC_COLUMNS`."""
    return _typed(pd.DataFrame(columns=METRIC_COLUMNS))


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty_metrics()
    return _typed(pd.concat(parts, ignore_index=True))


# --------------------------------------------------------------------------- requests


def _frame(wide: pd.DataFrame, parts: list[_Part]) -> pd.DataFrame:
    """The rows of several parts of one wide table, one after another (:data:`METRIC_COLUMNS`)."""
    return _concat([_rows(wide, *part) for part in parts])


def _volume(wides: _Wides) -> list[_Part]:
    wide = wides.wide()
    volume = _col(wide, "requests_received") + _col(wide, "requests_carried_over")
    return [_Part("requests_volume", volume)]


def request_volume(figures: pd.DataFrame | _Wides) -> pd.DataFrame:
    """``requests_volume`` = requests_received + requests_carried_over (a count).

    NA when either part is blank or missing.
    """
    wides = _wides(figures)
    return _rows(wides.wide(), *_volume(wides)[0])


def _mix(wides: _Wides) -> list[_Part]:
    total = wides.wide("total")
    received = wides.by_applicant("requests_received", total.index)
    return [_Part(f"applicant_share_{column}", _col(received, column), _col(total, "requests_received"))
            for column in APPLICANT_COLUMNS]


def applicant_mix(figures: pd.DataFrame | _Wides) -> pd.DataFrame:
    """``applicant_share_<column>``: new requests of one applicant column / new requests total.

    The denominator is the published 总计 column of 一、本年新收; whether the
    columns add up to it is identity 2 of :mod:`transparency_stats.checks`.
    """
    wides = _wides(figures)
    return _frame(wides.wide("total"), _mix(wides))


def _shares(wides: _Wides) -> list[_Part]:
    wide = wides.wide()
    total = _col(wide, "results_total")
    pairs = [
        ("share_granted", "results_granted"),
        ("share_partial", "results_partial"),
        ("share_denied", "results_denied_total"),
        *[(f"share_denied_{r}", f"results_denied_{r}") for r in DENIED_REASONS],
        ("share_unable", "results_unable_total"),
        ("share_not_processed", "results_not_processed_total"),
        ("share_other", "results_other_total"),
    ]
    return [_Part(metric, _col(wide, source), total) for metric, source in pairs]


def outcome_shares(figures: pd.DataFrame | _Wides) -> pd.DataFrame:
    """Shares of ``results_total`` (（七）总计) by outcome.

    ``share_granted``, ``share_partial``, ``share_denied`` (total) and
    ``share_denied_<reason>`` for the eight reasons, ``share_unable``,
    ``share_not_processed``, ``share_other``.  Narrative-era reports give these
    only where the text states both parts; their ``comparable_group`` is
    ``narrative``.
    """
    wides = _wides(figures)
    return _frame(wides.wide(), _shares(wides))


def _disclosure(wides: _Wides) -> list[_Part]:
    wide = wides.wide()
    granted = _col(wide, "results_granted") + _col(wide, "results_partial")
    return [_Part("disclosure_rate", granted, _col(wide, "results_total"))]


def disclosure_rate(figures: pd.DataFrame | _Wides) -> pd.DataFrame:
    """公开率 = (results_granted + results_partial) / results_total."""
    wides = _wides(figures)
    return _rows(wides.wide(), *_disclosure(wides)[0])


def _completion(wides: _Wides) -> list[_Part]:
    wide = wides.wide()
    workload = _col(wide, "requests_received") + _col(wide, "requests_carried_over")
    return [_Part("completion_rate", _col(wide, "results_total"), workload),
            _Part("carry_forward_rate", _col(wide, "requests_carried_forward"), workload)]


def completion_rates(figures: pd.DataFrame | _Wides) -> pd.DataFrame:
    """Completion and carry-forward rates over the year's workload.

    ``completion_rate`` = results_total / (requests_received + requests_carried_over);
    ``carry_forward_rate`` = requests_carried_forward / (requests_received + requests_carried_over).
    """
    wides = _wides(figures)
    return _frame(wides.wide(), _completion(wides))


# --------------------------------------------------------------------------- review and litigation


def _corrections(wides: _Wides) -> list[_Part]:
    wide = wides.wide()
    parts = []
    concluded_all = []
    corrected_all = []
    for block in REVIEW_BLOCKS:
        concluded = _col(wide, f"{block}_total") - _col(wide, f"{block}_pending")
        corrected = _col(wide, f"{block}_corrected")
        parts.append(_Part(f"{block}_correction_rate", corrected, concluded))
        if block != "reconsideration":
            concluded_all.append(concluded)
            corrected_all.append(corrected)
    parts.append(_Part("litigation_correction_rate", corrected_all[0] + corrected_all[1],
                       concluded_all[0] + concluded_all[1]))
    return parts


def correction_rates(figures: pd.DataFrame | _Wides) -> pd.DataFrame:
    """Correction rates of reconsideration and litigation over **concluded** cases.

    For each block of table 四 (``reconsideration``, ``litigation_direct``,
    ``litigation_after_review``): ``<block>_correction_rate`` =
    ``<block>_corrected / (<block>_total − <block>_pending)``, i.e. cases whose
    result was corrected divided by cases concluded that year (total minus
    those still pending).  ``litigation_correction_rate`` pools both litigation
    blocks the same way.  No concluded cases (denominator 0) gives NA.
    """
    wides = _wides(figures)
    return _frame(wides.wide(), _corrections(wides))


# --------------------------------------------------------------------------- narrative-era figures


def _stated_part(wides: _Wides, metric: str, standard_note: str = "", other_note: str = "") -> _Part:
    wide = wides.wide()
    value = _col(wide, metric)
    standard = wide["format_version"].isin(STANDARD_LAYOUTS).fillna(False)
    missing_note = np.where(standard, standard_note, other_note)
    note = pd.Series(np.where(value.isna(), missing_note, NOTE_STATED), index=wide.index)
    na = pd.Series(pd.NA, index=wide.index, dtype="Float64")
    return _Part(metric, na, na, value, note)


def _stated(
    figures: pd.DataFrame | _Wides, metric: str, standard_note: str = "", other_note: str = ""
) -> pd.DataFrame:
    wides = _wides(figures)
    return _rows(wides.wide(), *_stated_part(wides, metric, standard_note, other_note))


def _on_time(wides: _Wides) -> list[_Part]:
    return [_stated_part(wides, "on_time_rate", NOTE_ON_TIME_STANDARD, NOTE_NOT_STATED)]


def on_time_rate(figures: pd.DataFrame | _Wides) -> pd.DataFrame:
    """按时答复率 exactly as stated by the report (narrative era), never computed.

    The standard tables have no on-time column, so a gov2019/gov2021 report that
    does not state the rate in its text gets NA with a note saying so; the value
    is never filled in from other figures.
    """
    wides = _wides(figures)
    return _rows(wides.wide(), *_on_time(wides)[0])


def _proposals(wides: _Wides) -> list[_Part]:
    wide = wides.wide()
    parts = [_Part(m, _col(wide, m)) for m in ("npc_suggestions", "cppcc_proposals")]
    return parts + [_stated_part(wides, m) for m in ("proposal_completion_rate", "proposal_satisfaction_rate")]


def proposal_metrics(figures: pd.DataFrame | _Wides) -> pd.DataFrame:
    """NPC suggestions and CPPCC proposals handled, with their stated completion and satisfaction rates.

    ``npc_suggestions`` and ``cppcc_proposals`` are counts;
    ``proposal_completion_rate`` and ``proposal_satisfaction_rate`` are passed
    through as stated (one stated rate often covers both counts).
    """
    wides = _wides(figures)
    return _frame(wides.wide(), _proposals(wides))


def _proactive(wides: _Wides) -> list[_Part]:
    wide = wides.wide()
    ids = ["proactive_items_total", *registry.metric_ids("proactive")]
    return [_Part(m, _col(wide, m)) for m in ids if m in wide.columns]


def proactive_counts(figures: pd.DataFrame | _Wides) -> pd.DataFrame:
    """Proactive-disclosure counts: ``proactive_items_total`` and every table 二 id.

    Table 二 ids carry ``comparable_group`` = the layout, because the 2019 and
    2021 tables count different things.
    """
    wides = _wides(figures)
    return _frame(wides.wide(), _proactive(wides))


# --------------------------------------------------------------------------- everything

#: The metric functions' parts, in the order :func:`compute_metrics` concatenates them.
_ALL_PARTS = (_volume, _mix, _shares, _disclosure, _completion, _corrections, _on_time, _proposals, _proactive)


def compute_metrics(figures: pd.DataFrame, keep_empty: bool = False) -> pd.DataFrame:
    """All metrics of all reports as one long table (:data:`METRIC_COLUMNS`).

    Rows where both numerator and value are NA are dropped (a denominator alone
    says nothing about the metric) unless they carry a note (e.g. the on-time
    rate a standard table cannot give) or ``keep_empty`` is true.
    """
    wides = _Wides(figures)
    if wides.figures.empty:
        return empty_metrics()
    return _parts_rows(wides.wide(), [part for parts in _ALL_PARTS for part in parts(wides)], keep_empty)


_SERIES = ("yoy_change", "cagr", "series_breaks")


def __getattr__(name: str):  # the series functions live in .series, which imports this module
    if name in _SERIES:
        from . import series

        return getattr(series, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SERIES))
