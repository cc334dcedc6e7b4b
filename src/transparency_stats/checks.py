"""Consistency checks on the tidy figures table.

Identity checks (report-formats.md, "Identities that hold by construction"),
run on every standard-layout report (gov2019 / gov2021) that has table 三 or
table 四 figures:

1. each applicant column of table 三: 一 + 二 = （七）总计 + 四;
2. each row of table 三: 总计 = the sum of the six applicant columns;
3. each applicant column: （七）总计 = （一）+（二）+ Σ（三）+ Σ（四）+ Σ（五）+ Σ（六）;
4. each block of table 四: 总计 = 维持 + 纠正 + 其他 + 尚未审结.

A check whose inputs include a blank or missing cell is ``incomplete``: a blank
is never read as 0, so it can neither pass nor fail.  Identity 3 sums the
sub-rows of （三）–（六） itself; subtotal rows marked ``derived`` are never
used.  Published values are never altered: a broken identity is reported, not
repaired.

Cross-year soft checks (warnings) compare reports of the same organ in
consecutive years: 上年结转(N) = 结转下年度(N−1), and, between two 2021-layout
reports, 现行有效(N) = 现行有效(N−1) + 制发(N) − 废止(N) for regulations and
normative documents.  Each report of year N meets one report of year N−1 (the
one kept among duplicates, below).

Duplicate reports (kind ``duplicate``, status ``warning``): the same organ and
year read from more than one file (a PDF and its text, a page saved twice).
One row per extra report names the one :func:`drop_duplicate_reports` keeps, by
:data:`DUPLICATE_PREFERENCE`.

Identity checks look at one report at a time; cross-year and duplicate checks
need only a few numbers per report (:func:`report_summaries`,
:func:`report_instances`), so ``build`` computes the figures' part bucket by
bucket of reports and the rest on those small tables.

Organs are matched by :func:`canonical_agency`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .organs import canonical_organ
from .schema import CHOICE_COLUMNS, best_rows, choice_rank, chosen_rows, coerce_figures, combined_codes
from .vocabulary import (
    APPLICANT_COLUMNS,
    APPLICANTS,
    REVIEW_BLOCKS,
    REVIEW_PARTS,
    STANDARD_LAYOUTS,
    parts,
    result_leaves,
    table3_rows,
)

CHECK_COLUMNS = [
    "report_id",
    "source_file",
    "agency",
    "report_year",
    "format_version",
    "kind",
    "identity",
    "column",
    "left",
    "right",
    "difference",
    "status",
    "detail",
]

#: Statuses: identities are ok / broken / incomplete; cross-year checks ok / warning / incomplete.
STATUSES = ("ok", "broken", "warning", "incomplete")
TOLERANCE = 1e-6

# Table 三 rows (identity 2) and result rows (identity 3), by layout (data/subtotals.csv).
RESULT_LEAVES: dict[str, tuple[str, ...]] = {layout: result_leaves(layout) for layout in STANDARD_LAYOUTS}
TABLE3_ROWS: dict[str, tuple[str, ...]] = {layout: table3_rows(layout) for layout in STANDARD_LAYOUTS}
VALID_ROLLFORWARD = ("regulations", "normative_docs")


# --------------------------------------------------------------------------- organs


def canonical_agency(name: object, aliases: str | Path | None = None) -> object:
    """The canonical name of an organ: :func:`.organs.canonical_organ` (one naming for the package).

    ``aliases`` replaces the alias table (``data/agency_aliases.csv``, columns
    ``alias,canonical``).  NA stays NA; a name that is no organ (``政府``) is NA.
    """
    organ = canonical_organ(name, aliases)
    return pd.NA if organ is None else organ


# --------------------------------------------------------------------------- identities


def _flags(report: np.ndarray, mask: np.ndarray, count: int) -> np.ndarray:
    """Per report (of ``count``): whether any row of it (``report``: each row's, -1 for none) is in ``mask``."""
    out = np.zeros(count, dtype=bool)
    where = report[mask]
    out[where[where >= 0]] = True
    return out


def _added(columns: list[np.ndarray]) -> np.ndarray:
    """Cells added left to right from 0.0 (NaN when any is blank or missing: a blank is never 0)."""
    total = np.zeros(len(columns[0]) if columns else 0, dtype=float)
    for column in columns:
        total = total + column
    return total


#: The figures' columns identity checks read.
_IDENTITY_COLUMNS = ["report_id", "source_file", "agency", "report_year", "format_version", "table", "metric",
                     "applicant", "value", "derived"]


def identity_checks(figures: pd.DataFrame) -> pd.DataFrame:
    """Identities 1–4 for every gov2019/gov2021 report (see the module docstring).

    One row per report, identity and column (applicant column for 1 and 3,
    metric id for 2, block for 4) with ``left``, ``right``, ``difference`` =
    left − right and ``status`` ok / broken / incomplete.  Computed column by
    column over all reports at once.
    """
    figures = coerce_figures(figures)[_IDENTITY_COLUMNS]  # the others would only be carried along
    figures["report_id"] = figures["report_id"].fillna(figures["source_file"])
    # Rows are read by integer codes; only the first row of each report is taken whole.
    # report: each standard row's report, numbered by first appearance (-1: no report id, or not standard)
    standard = figures["format_version"].isin(STANDARD_LAYOUTS).fillna(False).to_numpy(dtype=bool)
    ids = pd.factorize(figures["report_id"])[0]
    report = np.full(len(figures), -1, dtype=np.int64)
    known = standard & (ids >= 0)
    report[known] = pd.factorize(ids[known])[0]
    count = int(report.max(initial=-1)) + 1
    if not count:
        return empty_checks()
    first = np.full(count, len(figures), dtype=np.int64)
    np.minimum.at(first, report[known], np.flatnonzero(known))
    info = figures.take(first)
    tables = figures["table"]
    requests = standard & (tables == "requests").fillna(False).to_numpy(dtype=bool)
    review = standard & (tables == "review_litigation").fillna(False).to_numpy(dtype=bool)
    has_requests = _flags(report, requests, count)
    has_review = _flags(report, review, count)
    applicants = figures["applicant"].fillna("total")
    applicant_codes, applicant_names = pd.factorize(applicants)
    applicant_pos = pd.Index(APPLICANTS).get_indexer(applicant_names.astype(object))[applicant_codes]
    present = {a: _flags(report, requests & (applicant_pos == i), count) for i, a in enumerate(APPLICANTS)}

    # Every read value of tables 三 and 四 in one array: report × metric × applicant (NaN: blank or missing),
    # the one :func:`.schema.select_figures` chooses among the read (not derived) rows.
    metric_ids = list(dict.fromkeys([*(m for v in STANDARD_LAYOUTS for m in TABLE3_ROWS[v]),
                                     *(f"{b}_{p}" for b in REVIEW_BLOCKS for p in REVIEW_PARTS)]))
    metric_at = {m: i for i, m in enumerate(metric_ids)}
    applicant_at = {a: i for i, a in enumerate(APPLICANTS)}
    metric_codes, metric_names = pd.factorize(figures["metric"])
    metric_pos = np.append(pd.Index(metric_ids).get_indexer(metric_names.astype(object)), -1)[metric_codes]
    read = np.flatnonzero((requests | review) & ~figures["derived"].fillna(False).to_numpy(dtype=bool))
    group = combined_codes([report[read], metric_codes[read], applicant_codes[read]])
    chosen = read[best_rows(choice_rank(figures)[read], group)]
    report_pos, metric_pos, applicant_pos = report[chosen], metric_pos[chosen], applicant_pos[chosen]
    keep = (report_pos >= 0) & (metric_pos >= 0) & (applicant_pos >= 0)
    cube = np.full((count, len(metric_ids), len(APPLICANTS)), np.nan)
    exists = np.zeros(cube.shape, dtype=bool)
    index = (report_pos[keep], metric_pos[keep], applicant_pos[keep])
    cube[index] = figures["value"].to_numpy(dtype=float, na_value=np.nan)[chosen][keep]
    exists[index] = True

    def get(metric: str, applicant: str = "total") -> np.ndarray:
        return cube[:, metric_at[metric], applicant_at[applicant]]

    versions = info["format_version"].astype(str).to_numpy()
    found: list[tuple[np.ndarray, int, str, str, np.ndarray, np.ndarray, str]] = []

    def add(rows: np.ndarray, order: int, identity: str, column: str, left: np.ndarray, right: np.ndarray,
            detail: str) -> None:
        if rows.any():
            found.append((np.flatnonzero(rows), order, identity, column, left[rows], right[rows], detail))

    for a, applicant in enumerate(APPLICANTS):
        add(has_requests & present[applicant], a, "1", applicant,
            _added([get("requests_received", applicant), get("requests_carried_over", applicant)]),
            _added([get("results_total", applicant), get("requests_carried_forward", applicant)]),
            "一+二 = （七）总计+四")
    # Identity 2 needs the applicant columns: without any, one incomplete row per report.
    with_columns = np.logical_or.reduce([present[a] for a in APPLICANT_COLUMNS])
    none = np.full(count, np.nan)
    add(has_requests & ~with_columns, 100, "2", "*", none, none,
        "总计 = Σ 申请人列: the report has no applicant columns")
    for version in STANDARD_LAYOUTS:
        layout = has_requests & (versions == version)
        for m, metric in enumerate(TABLE3_ROWS[version]):
            add(layout & with_columns, 100 + m, "2", metric, get(metric),
                _added([get(metric, a) for a in APPLICANT_COLUMNS]), "总计 = Σ 申请人列")
        leaves = RESULT_LEAVES[version]
        for a, applicant in enumerate(APPLICANTS):
            add(layout & present[applicant], 200 + a, "3", applicant, get("results_total", applicant),
                _added([get(m, applicant) for m in leaves]), "（七）总计 = （一）+（二）+Σ（三）+Σ（四）+Σ（五）+Σ（六）")
        for b, block in enumerate(REVIEW_BLOCKS):
            # a block without any cell is absent, not blank
            shown = np.logical_or.reduce([exists[:, metric_at[f"{block}_{p}"], applicant_at["total"]]
                                          for p in REVIEW_PARTS])
            add(has_review & (versions == version) & shown, 300 + b, "4", block, get(f"{block}_total"),
                _added([get(p) for p in parts(f"{block}_total", version)]), "总计 = 维持+纠正+其他+尚未审结")
    if not found:
        return empty_checks()
    rows = np.concatenate([f[0] for f in found])
    left = np.concatenate([f[4] for f in found])
    right = np.concatenate([f[5] for f in found])
    difference, status = _status_arrays(left, right, "broken")
    sizes = [len(f[0]) for f in found]
    order = np.lexsort((np.repeat([f[1] for f in found], sizes), rows))  # report by report, in print order
    rows = rows[order]
    # string columns taken from one string per report or per batch of rows (not converted row by row)
    batch = np.repeat(np.arange(len(found)), sizes)[order]
    out = pd.DataFrame({
        "report_id": info["report_id"].array.take(rows),
        "source_file": info["source_file"].array.take(rows),
        "agency": pd.array(_canonical_names(info["agency"]).to_numpy(dtype=object), dtype="string").take(rows),
        "report_year": info["report_year"].array.take(rows),
        "format_version": pd.array(versions, dtype="string").take(rows),
        "kind": "identity",
        **{column: pd.array([f[i] for f in found], dtype="string").take(batch)
           for column, i in (("identity", 2), ("column", 3))},
        "left": pd.array(left[order], dtype="Float64"),
        "right": pd.array(right[order], dtype="Float64"),
        "difference": pd.array(difference[order], dtype="Float64"),
        "status": status[order],
        "detail": pd.array([f[6] for f in found], dtype="string").take(batch),
    })
    return _typed(out)


# --------------------------------------------------------------------------- cross-year

#: Total-column figures the cross-year checks compare: :func:`report_summaries` holds them per report.
CROSS_YEAR_METRICS = (
    "requests_carried_over",
    "requests_carried_forward",
    *(f"{kind}_{part}" for kind in VALID_ROLLFORWARD for part in ("valid", "issued", "repealed")),
)
SUMMARY_COLUMNS = ["report_id", "source_file", "agency", "report_year", "format_version"]


def _canonical_names(agency: pd.Series) -> pd.Series:
    """:func:`canonical_agency` of each name, each distinct name looked up once (object dtype)."""
    names = {a: canonical_agency(a) for a in agency.dropna().unique()}
    return pd.Series([names[a] if isinstance(a, str) else canonical_agency(a) for a in agency],
                     index=agency.index, dtype=object)


def report_summaries(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per report with what the cross-year checks compare (a small table: no figures).

    ``report_id`` (blank: the file name), then the first row's ``source_file``,
    ``agency`` (as written), ``report_year`` and ``format_version``; for each of
    :data:`CROSS_YEAR_METRICS` the chosen total value (column = metric id, as
    :func:`.schema.select_figures` chooses) and ``has_<metric>``, whether the
    report has a row for it at all.  A report's summary depends on its own rows
    only, so summaries of any split of the figures by report add up to those of
    the whole.
    """
    figures = coerce_figures(figures)
    figures["report_id"] = figures["report_id"].fillna(figures["source_file"])
    info = figures[SUMMARY_COLUMNS].drop_duplicates("report_id")
    info = info[info["report_id"].notna()].reset_index(drop=True)
    positions = pd.Index(info["report_id"].astype(object))
    wanted = figures["metric"].isin(CROSS_YEAR_METRICS).fillna(False).to_numpy(dtype=bool)
    chosen = chosen_rows(figures[list(CHOICE_COLUMNS)][wanted], "total", ["report_id", "metric", "value"])
    reports = positions.get_indexer(chosen["report_id"].astype(object))  # each chosen row's report
    metrics = chosen["metric"].to_numpy(dtype=object)
    values = chosen["value"].to_numpy(dtype=float, na_value=np.nan)
    for metric in CROSS_YEAR_METRICS:
        rows = metrics == metric
        where = reports[rows]
        found = where >= 0
        value = np.full(len(info), np.nan)
        value[where[found]] = values[rows][found]
        has = np.zeros(len(info), dtype=bool)
        has[where[found]] = True
        info[metric] = pd.array(value, dtype="Float64")
        info[f"has_{metric}"] = has
    return info


def _status_arrays(left: np.ndarray, right: np.ndarray, broken: str) -> tuple[np.ndarray, np.ndarray]:
    difference = left - right
    status = np.where(np.isnan(difference), "incomplete", np.where(np.abs(difference) <= TOLERANCE, "ok", broken))
    return difference, status


def cross_year_checks(figures: pd.DataFrame) -> pd.DataFrame:
    """Soft checks between consecutive reports of the same organ (status ok / warning / incomplete).

    * ``carried_over``: requests_carried_over(N) vs requests_carried_forward(N−1), total column;
    * ``valid_rollforward``: ``<x>_valid(N)`` vs ``<x>_valid(N−1) + <x>_issued(N) − <x>_repealed(N)``
      for regulations and normative documents, when both reports use the 2021 layout.

    Rows are reported on year N; ``detail`` names the report of year N−1.  Every
    report of year N is compared with one report of year N−1: the one
    :func:`drop_duplicate_reports` keeps when the organ has several (so the rows
    grow with the reports, never with pairs of duplicates).
    """
    return cross_year_checks_from(report_summaries(figures), report_instances(figures))


def cross_year_checks_from(summaries: pd.DataFrame, instances: pd.DataFrame) -> pd.DataFrame:
    """:func:`cross_year_checks` from the small per-report tables :func:`report_summaries` and
    :func:`report_instances` (of all reports, computed in any split by report).
    """
    info = summaries[summaries["report_year"].notna().to_numpy(dtype=bool)
                     & summaries["agency"].notna().to_numpy(dtype=bool)].reset_index(drop=True)
    info = info.assign(canonical=_canonical_names(info["agency"]), _order=np.arange(len(info)))
    info = info[info["canonical"].notna()]
    kept = _kept_reports(instances)
    if info.empty or kept.empty:
        return empty_checks()
    # The report of year N−1 each report is compared with: one merge on organ and year.
    previous = kept[["agency", "report_year", "report_id"]].merge(
        summaries.drop(columns=["agency", "report_year"]), on="report_id", how="inner")
    previous = previous.rename(columns=lambda c: c if c in ("agency", "report_year") else f"{c}_prev")
    previous = previous.assign(canonical=previous["agency"].astype(object),
                               report_year=previous["report_year"] + 1).drop(columns="agency")
    pairs = info.merge(previous, on=["canonical", "report_year"], how="inner")
    if pairs.empty:
        return empty_checks()
    pairs = pairs.sort_values("_order", kind="stable").reset_index(drop=True)

    def floats(column: str) -> np.ndarray:
        return pairs[column].to_numpy(dtype=float, na_value=np.nan)

    years = pairs["report_year"].to_numpy(dtype=int)
    previous_ids = pairs["report_id_prev"].to_numpy(dtype=object)
    found: list[tuple[np.ndarray, int, str, str, np.ndarray, np.ndarray, list[str]]] = []
    carried = (pairs["has_requests_carried_over"].to_numpy(dtype=bool)
               | pairs["has_requests_carried_forward_prev"].to_numpy(dtype=bool))
    rows = np.flatnonzero(carried)
    found.append((rows, 0, "carried_over", "requests_carried_over", floats("requests_carried_over")[rows],
                  floats("requests_carried_forward_prev")[rows],
                  [f"上年结转({years[i]}) vs 结转下年度({years[i] - 1}), report {previous_ids[i]}" for i in rows]))
    both_2021 = ((pairs["format_version"] == "gov2021").fillna(False).to_numpy(dtype=bool)
                 & (pairs["format_version_prev"] == "gov2021").fillna(False).to_numpy(dtype=bool))
    for k, kind in enumerate(VALID_ROLLFORWARD):
        rows = np.flatnonzero(both_2021 & pairs[f"has_{kind}_valid"].to_numpy(dtype=bool))
        right = (0.0 + floats(f"{kind}_valid_prev") + floats(f"{kind}_issued")) - floats(f"{kind}_repealed")
        found.append((rows, 1 + k, "valid_rollforward", f"{kind}_valid", floats(f"{kind}_valid")[rows],
                      right[rows], [f"现行有效(N) vs 现行有效(N−1)+制发(N)−废止(N), report {previous_ids[i]}"
                                    for i in rows]))
    found = [f for f in found if len(f[0])]
    if not found:
        return empty_checks()
    at = np.concatenate([f[0] for f in found])
    sizes = [len(f[0]) for f in found]
    order = np.lexsort((np.repeat([f[1] for f in found], sizes), at))
    at = at[order]
    difference, status = _status_arrays(np.concatenate([f[4] for f in found])[order],
                                        np.concatenate([f[5] for f in found])[order], "warning")
    out = pd.DataFrame({
        "report_id": pairs["report_id"].to_numpy(dtype=object)[at],
        "source_file": pairs["source_file"].to_numpy(dtype=object, na_value=pd.NA)[at],
        "agency": pairs["canonical"].to_numpy(dtype=object)[at],
        "report_year": years[at],
        "format_version": pairs["format_version"].to_numpy(dtype=object, na_value=pd.NA)[at],
        "kind": "cross_year",
        "identity": np.repeat([f[2] for f in found], sizes)[order],
        "column": np.repeat([f[3] for f in found], sizes)[order],
        "left": pd.array(np.concatenate([f[4] for f in found])[order], dtype="Float64"),
        "right": pd.array(np.concatenate([f[5] for f in found])[order], dtype="Float64"),
        "difference": pd.array(difference, dtype="Float64"),
        "status": status,
        "detail": np.array([d for f in found for d in f[6]], dtype=object)[order],
    })
    return _typed(out)


# --------------------------------------------------------------------------- duplicates

#: Which of several reports of one organ and year is kept, in order: the one with more
#: figures read from tables (table 二/三/四 cells, not derived), then the one with fewer
#: figures read by OCR (a text layer beats recognised pixels), then the first file name.
DUPLICATE_PREFERENCE = ("more figures read from tables", "fewer OCR figures", "file name")
_REPORT_KEY = ["report_id", "source_file"]


def report_instances(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per report read (``report_id`` and ``source_file``: identical files are two reports).

    Columns: report_id, source_file, agency (canonical), report_year, format_version,
    figures, table_figures, ocr_figures.  A row depends on its own report's figures
    only, so instances of any split of the figures by report add up to those of the whole.
    """
    figures = coerce_figures(figures)
    figures["report_id"] = figures["report_id"].fillna(figures["source_file"])
    figures["source_file"] = figures["source_file"].fillna(figures["report_id"])
    if figures.empty:
        return pd.DataFrame(columns=[*_REPORT_KEY, "agency", "report_year", "format_version", "figures",
                                     "table_figures", "ocr_figures"])
    figures["_table"] = (figures["table"].fillna("narrative") != "narrative") & ~figures["derived"].fillna(False)
    figures["_ocr"] = figures["read_via"].fillna("") == "ocr"
    grouped = figures.groupby(_REPORT_KEY, sort=False, dropna=False)
    out = grouped.agg(agency=("agency", "first"), report_year=("report_year", "first"),
                      format_version=("format_version", "first"), figures=("metric", "size"),
                      table_figures=("_table", "sum"), ocr_figures=("_ocr", "sum")).reset_index()
    out["agency"] = _canonical_names(out["agency"]).astype("string")
    return out


def _preferred_first(instances: pd.DataFrame) -> pd.DataFrame:
    """Instances with organ and year, each organ-year's reports in :data:`DUPLICATE_PREFERENCE` order."""
    known = instances[instances["agency"].notna().to_numpy(dtype=bool)
                      & instances["report_year"].notna().to_numpy(dtype=bool)]
    return known.sort_values(["agency", "report_year", "table_figures", "ocr_figures", "source_file"],
                             ascending=[True, True, False, True, True], kind="stable")


def _kept_reports(instances: pd.DataFrame) -> pd.DataFrame:
    """The one report of each organ and year that :func:`drop_duplicate_reports` keeps."""
    return _preferred_first(instances).drop_duplicates(["agency", "report_year"], keep="first")


def duplicates_of(instances: pd.DataFrame) -> pd.DataFrame:
    """:func:`duplicate_reports` from :func:`report_instances`."""
    reports = _preferred_first(instances)
    counts = reports.groupby(["agency", "report_year"])["report_id"].transform("size")
    dupes = reports[(counts > 1).to_numpy(dtype=bool)].copy()
    if dupes.empty:
        return dupes.assign(kept=pd.Series(dtype=bool))
    dupes["kept"] = ~dupes.duplicated(["agency", "report_year"], keep="first")
    return dupes.reset_index(drop=True)


def duplicate_reports(figures: pd.DataFrame) -> pd.DataFrame:
    """Reports of an organ and year read more than once, with ``kept`` true on the one preferred.

    The preference is :data:`DUPLICATE_PREFERENCE`; reports without organ or year
    are never grouped.  Empty when there are no duplicates.
    """
    return duplicates_of(report_instances(figures))


def drop_duplicate_reports(figures: pd.DataFrame) -> pd.DataFrame:
    """``figures`` with one report per organ and year (see :func:`duplicate_reports`)."""
    dupes = duplicate_reports(figures)
    dropped = dupes.loc[~dupes["kept"], _REPORT_KEY]
    if dropped.empty:
        return figures
    key = figures["report_id"].fillna(figures["source_file"]).astype(str) + "\x1f" + \
        figures["source_file"].fillna(figures["report_id"]).astype(str)
    drop = set(dropped["report_id"].astype(str) + "\x1f" + dropped["source_file"].astype(str))
    return figures[~key.isin(drop)].reset_index(drop=True)


def duplicate_checks(figures: pd.DataFrame) -> pd.DataFrame:
    """One ``duplicate`` warning row per extra report of an organ and year, naming the one kept."""
    return duplicate_checks_from(report_instances(figures))


def duplicate_checks_from(instances: pd.DataFrame) -> pd.DataFrame:
    """:func:`duplicate_checks` from :func:`report_instances` (of all reports)."""
    dupes = duplicates_of(instances)
    if dupes.empty:
        return empty_checks()
    groups = dupes.groupby(["agency", "report_year"], sort=False)
    size = groups["report_id"].transform("size").to_numpy(dtype=int)
    kept_file = groups["source_file"].transform("first").to_numpy(dtype=object)
    extra = ~dupes["kept"].to_numpy(dtype=bool)
    preference = ", then ".join(DUPLICATE_PREFERENCE)
    out = pd.DataFrame({
        "report_id": dupes["report_id"].to_numpy(dtype=object)[extra],
        "source_file": dupes["source_file"].to_numpy(dtype=object)[extra],
        "agency": dupes["agency"].to_numpy(dtype=object)[extra],
        "report_year": dupes["report_year"].to_numpy(dtype=object)[extra],
        "format_version": dupes["format_version"].to_numpy(dtype=object, na_value=pd.NA)[extra],
        "kind": "duplicate", "identity": "same_organ_year", "column": "report",
        "left": size[extra], "right": 1, "difference": size[extra] - 1, "status": "warning",
        "detail": [f"{n} reports of this organ and year; kept {k} (by {preference})"
                   for n, k in zip(size[extra], kept_file[extra], strict=True)],
    })
    return _typed(out)


# --------------------------------------------------------------------------- both


def run_checks(figures: pd.DataFrame) -> pd.DataFrame:
    """Identity, cross-year and duplicate checks, one table (:data:`CHECK_COLUMNS`)."""
    instances = report_instances(figures)
    parts = [identity_checks(figures), cross_year_checks_from(report_summaries(figures), instances),
             duplicate_checks_from(instances)]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty_checks()
    return _typed(pd.concat(parts, ignore_index=True))


def broken_reports(checks: pd.DataFrame) -> pd.DataFrame:
    """Which report breaks which identity: one row per report and identity with the count of broken rows."""
    broken = checks[checks["status"].isin(["broken", "warning"])]
    if broken.empty:
        return pd.DataFrame(columns=["report_id", "agency", "report_year", "identity", "broken_rows", "columns"])
    return (
        broken.groupby(["report_id", "agency", "report_year", "identity"], dropna=False)
        .agg(broken_rows=("status", "size"), columns=("column", lambda c: ", ".join(map(str, c))))
        .reset_index()
    )


def status_summary(checks: pd.DataFrame) -> pd.DataFrame:
    """Counts of check rows by kind, identity and status (one column per status)."""
    if checks.empty:
        return pd.DataFrame(columns=["kind", "identity", *STATUSES])
    table = checks.groupby(["kind", "identity", "status"]).size().unstack("status", fill_value=0)
    table = table.reindex(columns=list(STATUSES), fill_value=0).reset_index()
    table.columns.name = None
    return table


def empty_checks() -> pd.DataFrame:
    """An empty checks table with :data:`CHECK_COLUMNS`."""
    return _typed(pd.DataFrame(columns=CHECK_COLUMNS))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reindex(columns=CHECK_COLUMNS)
    for column in ("left", "right", "difference"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Float64")
    frame["report_year"] = pd.to_numeric(frame["report_year"], errors="coerce").astype("Int64")
    for column in CHECK_COLUMNS:
        if column not in ("left", "right", "difference", "report_year"):
            frame[column] = frame[column].astype("string")
    return frame.reset_index(drop=True)
