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

Organs are matched by :func:`canonical_agency`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .metrics import (
    APPLICANT_COLUMNS,
    DENIED_REASONS,
    NOT_PROCESSED_REASONS,
    OTHER_REASONS_2021,
    REVIEW_BLOCKS,
    STANDARD_VERSIONS,
    UNABLE_REASONS,
    select_figures,
)
from .organs import canonical_organ
from .schema import coerce_figures

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

# Table 三 rows (identity 2) and result rows (identity 3), by layout.
_RESULT_LEAVES_COMMON = (
    ["results_granted", "results_partial"]
    + [f"results_denied_{r}" for r in DENIED_REASONS]
    + [f"results_unable_{r}" for r in UNABLE_REASONS]
    + [f"results_not_processed_{r}" for r in NOT_PROCESSED_REASONS]
)
RESULT_LEAVES: dict[str, list[str]] = {
    "gov2019": _RESULT_LEAVES_COMMON + ["results_other_total"],
    "gov2021": _RESULT_LEAVES_COMMON + [f"results_other_{r}" for r in OTHER_REASONS_2021],
}
TABLE3_ROWS: dict[str, list[str]] = {
    version: ["requests_received", "requests_carried_over", *leaves, "results_total", "requests_carried_forward"]
    for version, leaves in RESULT_LEAVES.items()
}
ALL_COLUMNS = (*APPLICANT_COLUMNS, "total")
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


def identity_checks(figures: pd.DataFrame) -> pd.DataFrame:
    """Identities 1–4 for every gov2019/gov2021 report (see the module docstring).

    One row per report, identity and column (applicant column for 1 and 3,
    metric id for 2, block for 4) with ``left``, ``right``, ``difference`` =
    left − right and ``status`` ok / broken / incomplete.
    """
    figures = coerce_figures(figures)
    figures["report_id"] = figures["report_id"].fillna(figures["source_file"])
    standard = figures[figures["format_version"].isin(STANDARD_VERSIONS)]
    if standard.empty:
        return empty_checks()
    values = _value_table(standard)
    lookup = {(r, m, a): v for r, m, a, v in zip(values["report_id"], values["metric"], values["applicant"],
                                                  values["value"], strict=True)}
    rows: list[dict] = []
    info = standard.drop_duplicates("report_id").set_index("report_id")
    tables_of = standard.groupby("report_id")["table"].agg(lambda t: set(t.dropna()))
    requests = standard[standard["table"] == "requests"]
    applicants_of = requests.groupby("report_id")["applicant"].agg(lambda a: set(a.fillna("total")))
    for report_id, meta in info.iterrows():
        version = str(meta["format_version"])
        base = {
            "report_id": report_id,
            "source_file": meta["source_file"],
            "agency": canonical_agency(meta["agency"]),
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
            columns = [a for a in ALL_COLUMNS if a in applicants_of.get(report_id, set())]
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
                if not any((report_id, f"{block}_{part}", "total") in lookup
                           for part in ("upheld", "corrected", "other", "pending", "total")):
                    continue  # the block is absent, not blank
                add("4", block, get(f"{block}_total"),
                    _sum([get(f"{block}_{part}") for part in ("upheld", "corrected", "other", "pending")]),
                    "总计 = 维持+纠正+其他+尚未审结")
    return _typed(pd.DataFrame(rows)) if rows else empty_checks()


# --------------------------------------------------------------------------- cross-year


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
    lookup = {(r, m): v for r, m, v in zip(chosen["report_id"], chosen["metric"], chosen["value"], strict=True)}
    present = set(zip(chosen["report_id"], chosen["metric"], strict=True))
    info = figures.drop_duplicates("report_id")[["report_id", "source_file", "agency", "report_year",
                                                  "format_version"]].copy()
    info = info[info["report_year"].notna() & info["agency"].notna()]
    info["canonical"] = info["agency"].map(canonical_agency)
    rows: list[dict] = []
    for _, current in info.iterrows():
        previous = info[(info["canonical"] == current["canonical"])
                        & (info["report_year"] == current["report_year"] - 1)]
        for _, prev in previous.iterrows():
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


# --------------------------------------------------------------------------- both


def run_checks(figures: pd.DataFrame) -> pd.DataFrame:
    """Identity checks followed by cross-year checks, one table (:data:`CHECK_COLUMNS`)."""
    parts = [p for p in (identity_checks(figures), cross_year_checks(figures)) if not p.empty]
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
