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
normative documents.

Duplicate reports (kind ``duplicate``, status ``warning``): the same organ and
year read from more than one file (a PDF and its text, a page saved twice).
One row per extra report names the one :func:`drop_duplicate_reports` keeps, by
:data:`DUPLICATE_PREFERENCE`.

Organs are matched by :func:`canonical_agency`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .organs import canonical_organ
from .schema import coerce_figures, select_figures
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


def _value_table(figures: pd.DataFrame) -> pd.DataFrame:
    """Read (non-derived) values of tables 三 and 四, one per (report, metric, applicant)."""
    read = figures[figures["table"].isin(["requests", "review_litigation"]) & ~figures["derived"].fillna(False)]
    return select_figures(read, applicant=None)


def _status(left: object, right: object, broken: str = "broken") -> tuple[object, str]:
    if left is pd.NA or right is pd.NA or pd.isna(left) or pd.isna(right):
        return pd.NA, "incomplete"
    difference = float(left) - float(right)
    return difference, ("ok" if abs(difference) <= TOLERANCE else broken)


def _sum(values: list[object]) -> object:
    total = 0.0
    for value in values:
        if value is None or value is pd.NA or pd.isna(value):
            return pd.NA
        total += float(value)
    return total


def _objects(column: pd.Series) -> list[object]:
    """A string column as Python objects (NA stays ``pd.NA``), converted at once rather than cell by cell."""
    return column.to_numpy(dtype=object, na_value=pd.NA).tolist()


def _sets(keys: pd.Series, items: pd.Series) -> dict[object, set]:
    """The set of non-blank ``items`` of each non-blank key, as a groupby would give it."""
    out: dict[object, set] = {}
    for key, item in zip(_objects(keys), _objects(items), strict=True):
        if key is pd.NA:
            continue
        group = out.setdefault(key, set())
        if item is not pd.NA:
            group.add(item)
    return out


def identity_checks(figures: pd.DataFrame) -> pd.DataFrame:
    """Identities 1–4 for every gov2019/gov2021 report (see the module docstring).

    One row per report, identity and column (applicant column for 1 and 3,
    metric id for 2, block for 4) with ``left``, ``right``, ``difference`` =
    left − right and ``status`` ok / broken / incomplete.
    """
    figures = coerce_figures(figures)
    figures["report_id"] = figures["report_id"].fillna(figures["source_file"])
    standard = figures[figures["format_version"].isin(STANDARD_LAYOUTS)]
    if standard.empty:
        return empty_checks()
    values = _value_table(standard)
    lookup = {(r, m, a): v for r, m, a, v in zip(_objects(values["report_id"]), _objects(values["metric"]),
                                                  _objects(values["applicant"]), values["value"], strict=True)}
    rows: list[dict] = []
    info = standard.drop_duplicates("report_id")
    organs = _canonical_names(info["agency"])
    tables_of = _sets(standard["report_id"], standard["table"])
    requests = standard[(standard["table"] == "requests").fillna(False)]
    applicants_of = _sets(requests["report_id"], requests["applicant"].fillna("total"))
    for meta, organ in zip(info.to_dict("records"), organs, strict=True):
        report_id = meta["report_id"]
        version = str(meta["format_version"])
        base = {
            "report_id": report_id,
            "source_file": meta["source_file"],
            "agency": organ,
            "report_year": meta["report_year"],
            "format_version": version,
            "kind": "identity",
        }

        def get(metric: str, applicant: str = "total", _rid: str = report_id) -> object:
            return lookup.get((_rid, metric, applicant), pd.NA)

        def add(identity: str, column: str, left: object, right: object, detail: str, _base: dict = base) -> None:
            difference, status = _status(left, right)
            rows.append({**_base, "identity": identity, "column": column, "left": left, "right": right,
                         "difference": difference, "status": status, "detail": detail})

        if "requests" in tables_of.get(report_id, set()):
            leaves = RESULT_LEAVES[version]
            # Columns the report has no row for at all are not checked (1, 3); identity 2
            # needs the applicant columns, so without any it is one incomplete row.
            columns = [a for a in APPLICANTS if a in applicants_of.get(report_id, set())]
            for applicant in columns:
                add("1", applicant,
                    _sum([get("requests_received", applicant), get("requests_carried_over", applicant)]),
                    _sum([get("results_total", applicant), get("requests_carried_forward", applicant)]),
                    "一+二 = （七）总计+四")
            if any(a in columns for a in APPLICANT_COLUMNS):
                for metric in TABLE3_ROWS[version]:
                    add("2", metric, get(metric, "total"), _sum([get(metric, a) for a in APPLICANT_COLUMNS]),
                        "总计 = Σ 申请人列")
            else:
                add("2", "*", pd.NA, pd.NA, "总计 = Σ 申请人列: the report has no applicant columns")
            for applicant in columns:
                add("3", applicant, get("results_total", applicant), _sum([get(m, applicant) for m in leaves]),
                    "（七）总计 = （一）+（二）+Σ（三）+Σ（四）+Σ（五）+Σ（六）")
        if "review_litigation" in tables_of.get(report_id, set()):
            for block in REVIEW_BLOCKS:
                if not any((report_id, f"{block}_{part}", "total") in lookup for part in REVIEW_PARTS):
                    continue  # the block is absent, not blank
                add("4", block, get(f"{block}_total"),
                    _sum([get(part) for part in parts(f"{block}_total", version)]),
                    "总计 = 维持+纠正+其他+尚未审结")
    return _typed(pd.DataFrame(rows)) if rows else empty_checks()


# --------------------------------------------------------------------------- cross-year


def _canonical_names(agency: pd.Series) -> pd.Series:
    """:func:`canonical_agency` of each name, each distinct name looked up once (object dtype)."""
    names = {a: canonical_agency(a) for a in agency.dropna().unique()}
    return pd.Series([names[a] if isinstance(a, str) else canonical_agency(a) for a in agency],
                     index=agency.index, dtype=object)


def _consecutive_pairs(info: pd.DataFrame) -> list[tuple[dict, dict]]:
    """(report of year N, report of the same organ in year N−1) pairs, in the order of ``info``.

    Pairs come from one merge on organ and year, never from comparing every report
    with every other; reports without a canonical organ are never paired.
    """
    known = info[info["canonical"].notna()]
    if known.empty:
        return []
    known = known.assign(_order=np.arange(len(known)))
    earlier = known.assign(report_year=known["report_year"] + 1)
    pairs = known.merge(earlier, on=["canonical", "report_year"], suffixes=("", "_prev"))
    pairs = pairs.sort_values(["_order", "_order_prev"], kind="stable")
    columns = ["report_id", "source_file", "agency", "report_year", "format_version", "canonical"]
    current = pairs[columns].to_dict("records")
    previous = pairs[[f"{c}_prev" for c in columns if c not in ("canonical", "report_year")]]
    previous = previous.rename(columns=lambda c: c.removesuffix("_prev"))
    previous = previous.assign(report_year=pairs["report_year"] - 1, canonical=pairs["canonical"])
    return list(zip(current, previous[columns].to_dict("records"), strict=True))


def cross_year_checks(figures: pd.DataFrame) -> pd.DataFrame:
    """Soft checks between consecutive reports of the same organ (status ok / warning / incomplete).

    * ``carried_over``: requests_carried_over(N) vs requests_carried_forward(N−1), total column;
    * ``valid_rollforward``: ``<x>_valid(N)`` vs ``<x>_valid(N−1) + <x>_issued(N) − <x>_repealed(N)``
      for regulations and normative documents, when both reports use the 2021 layout.

    Rows are reported on year N; ``detail`` names the report of year N−1.
    When an organ has several reports in one year, every pair is checked.
    """
    figures = coerce_figures(figures)
    figures["report_id"] = figures["report_id"].fillna(figures["source_file"])
    chosen = select_figures(figures, "total")
    if chosen.empty:
        return empty_checks()
    report_ids, metrics = _objects(chosen["report_id"]), _objects(chosen["metric"])
    lookup = {(r, m): v for r, m, v in zip(report_ids, metrics, chosen["value"], strict=True)}
    present = set(zip(report_ids, metrics, strict=True))
    info = figures.drop_duplicates("report_id")[["report_id", "source_file", "agency", "report_year",
                                                  "format_version"]].copy()
    info = info[info["report_year"].notna() & info["agency"].notna()]
    info["canonical"] = _canonical_names(info["agency"])
    rows: list[dict] = []
    for current, prev in _consecutive_pairs(info):
        base = {
            "report_id": current["report_id"],
            "source_file": current["source_file"],
            "agency": current["canonical"],
            "report_year": current["report_year"],
            "format_version": current["format_version"],
            "kind": "cross_year",
        }
        rid, pid = current["report_id"], prev["report_id"]
        if (rid, "requests_carried_over") in present or (pid, "requests_carried_forward") in present:
            left = lookup.get((rid, "requests_carried_over"), pd.NA)
            right = lookup.get((pid, "requests_carried_forward"), pd.NA)
            difference, status = _status(left, right, broken="warning")
            rows.append({**base, "identity": "carried_over", "column": "requests_carried_over",
                         "left": left, "right": right, "difference": difference, "status": status,
                         "detail": f"上年结转({int(current['report_year'])}) vs 结转下年度"
                                   f"({int(prev['report_year'])}), report {pid}"})
        if current["format_version"] == "gov2021" and prev["format_version"] == "gov2021":
            for kind in VALID_ROLLFORWARD:
                if (rid, f"{kind}_valid") not in present:
                    continue
                left = lookup.get((rid, f"{kind}_valid"), pd.NA)
                right = _sum([lookup.get((pid, f"{kind}_valid"), pd.NA),
                              lookup.get((rid, f"{kind}_issued"), pd.NA)])
                repealed = lookup.get((rid, f"{kind}_repealed"), pd.NA)
                right = pd.NA if right is pd.NA or pd.isna(repealed) else right - float(repealed)
                difference, status = _status(left, right, broken="warning")
                rows.append({**base, "identity": "valid_rollforward", "column": f"{kind}_valid",
                             "left": left, "right": right, "difference": difference, "status": status,
                             "detail": f"现行有效(N) vs 现行有效(N−1)+制发(N)−废止(N), report {pid}"})
    return _typed(pd.DataFrame(rows)) if rows else empty_checks()


# --------------------------------------------------------------------------- duplicates

#: Which of several reports of one organ and year is kept, in order: the one with more
#: figures read from tables (table 二/三/四 cells, not derived), then the one with fewer
#: figures read by OCR (a text layer beats recognised pixels), then the first file name.
DUPLICATE_PREFERENCE = ("more figures read from tables", "fewer OCR figures", "file name")
_REPORT_KEY = ["report_id", "source_file"]


def report_instances(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per report read (``report_id`` and ``source_file``: identical files are two reports).

    Columns: report_id, source_file, agency (canonical), report_year, format_version,
    figures, table_figures, ocr_figures.
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


def duplicate_reports(figures: pd.DataFrame) -> pd.DataFrame:
    """Reports of an organ and year read more than once, with ``kept`` true on the one preferred.

    The preference is :data:`DUPLICATE_PREFERENCE`; reports without organ or year
    are never grouped.  Empty when there are no duplicates.
    """
    reports = report_instances(figures)
    reports = reports[reports["agency"].notna() & reports["report_year"].notna()]
    counts = reports.groupby(["agency", "report_year"])["report_id"].transform("size")
    dupes = reports[counts > 1].copy()
    if dupes.empty:
        return dupes.assign(kept=pd.Series(dtype=bool))
    dupes = dupes.sort_values(["agency", "report_year", "table_figures", "ocr_figures", "source_file"],
                              ascending=[True, True, False, True, True], kind="stable")
    dupes["kept"] = ~dupes.duplicated(["agency", "report_year"], keep="first")
    return dupes.reset_index(drop=True)


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
    dupes = duplicate_reports(figures)
    if dupes.empty:
        return empty_checks()
    rows = []
    for (agency, year), group in dupes.groupby(["agency", "report_year"], sort=True):
        kept = group[group["kept"]].iloc[0]
        for _, extra in group[~group["kept"]].iterrows():
            rows.append({
                "report_id": extra["report_id"], "source_file": extra["source_file"], "agency": agency,
                "report_year": year, "format_version": extra["format_version"], "kind": "duplicate",
                "identity": "same_organ_year", "column": "report", "left": len(group), "right": 1,
                "difference": len(group) - 1, "status": "warning",
                "detail": f"{len(group)} reports of this organ and year; kept {kept['source_file']} "
                          f"(by {', then '.join(DUPLICATE_PREFERENCE)})",
            })
    return _typed(pd.DataFrame(rows))


# --------------------------------------------------------------------------- both


def run_checks(figures: pd.DataFrame) -> pd.DataFrame:
    """Identity, cross-year and duplicate checks, one table (:data:`CHECK_COLUMNS`)."""
    parts = [p for p in (identity_checks(figures), cross_year_checks(figures), duplicate_checks(figures))
             if not p.empty]
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
