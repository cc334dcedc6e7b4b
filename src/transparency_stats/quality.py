"""Report quality: a scorecard per report (is it on time, complete and consistent?), ``ts.scorecard``.

:func:`scorecard` returns one row per report and criterion, plus one ``total``
row per report.  Criteria and their weights are data
(``data/scorecard_weights.csv``, columns ``criterion,weight,…``; pass another
table to change them):

========================  =====================================================================
``on_time``               published by the deadline in force for the report year and organ kind
                          (``data/report_deadlines.csv``); ``value`` = days late (< 0: early)
``parts_present``         every part the rules ask for has a heading (``data/report_parts.csv``:
                          the 2019/2021 templates, 2008 条例 art. 32, 2019 条例 art. 50)
``cells_filled``          no blank cell in the template tables (the reports table's
                          ``cells_expected/read/blank/not_applicable`` facts; else the cells of
                          tables 三 and 四 from the figures' ``cell`` column)
``fees_text``             the text speaks of fees (narrative reports and the 2021 template)
``problems_text``         the text speaks of problems and improvements
``identities``            identities 1–4 of tables 三 and 四 (:func:`.checks.identity_checks`)
``prose_vs_table``        a number stated both in the prose and in a table is the same
``carried_over``          上年结转 = last year's 结转下年度 (:func:`.checks.cross_year_checks`)
``no_jumps``              no figure ten times last year's (when it is ≥ 10 and last year's > 0)
========================  =====================================================================

Statuses: ``met``, ``not_met``, ``cannot_tell`` (``detail`` says why: a fact not
read, no previous report, a blank input …) and ``not_applicable`` (the rules do
not ask for it).  Nothing missing counts as met: ``cannot_tell`` earns no
points.  The ``total`` row's ``score`` = 100 × Σ weight of met criteria / Σ
weight of applicable criteria.

Columns (:data:`SCORECARD_COLUMNS`): the report (``report_id``, ``source_file``,
``agency`` as named, ``organ`` canonical, ``organ_kind``, ``level``,
``province``, ``city``, ``county``, ``peer_group``, ``report_year``,
``format_version``, ``published_on``, ``published_source``), then
``criterion``, ``status``, ``weight``, ``points`` (weight if met, else 0),
``score`` (total rows only), ``value`` (days late for on_time, counts for the
others), ``detail`` and ``location`` (where in the report a failed check sits).

Per-report facts come from the reports table (``ReportResult.facts`` keyed by
``report_id``: ``published_on``, ``sections_present``, ``mentions_fees`` …, see
:mod:`.report_facts`); without it those criteria are ``cannot_tell``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .checks import TABLE3_ROWS, cross_year_checks, identity_checks
from .organs import ORGAN_COLUMNS, organ_table
from .schema import coerce_figures, select_figures
from .vocabulary import APPLICANTS as ALL_COLUMNS
from .vocabulary import REVIEW_BLOCKS, REVIEW_PARTS
from .vocabulary import STANDARD_LAYOUTS as STANDARD_VERSIONS

DATA = Path(__file__).resolve().parent / "data"
WEIGHTS_PATH = DATA / "scorecard_weights.csv"
DEADLINES_PATH = DATA / "report_deadlines.csv"
PARTS_PATH = DATA / "report_parts.csv"

STATUSES = ("met", "not_met", "cannot_tell", "not_applicable")
REPORT_COLUMNS = ["report_id", "source_file", "agency", *ORGAN_COLUMNS, "report_year", "format_version",
                  "published_on", "published_source"]
SCORECARD_COLUMNS = [*REPORT_COLUMNS, "criterion", "status", "weight", "points", "score", "value", "detail",
                     "location"]
#: ``no_jumps``: this year's figure at least ``JUMP_RATIO`` times last year's (> 0) and at least ``JUMP_FLOOR``.
JUMP_RATIO = 10.0
JUMP_FLOOR = 10.0
_FACT_COLUMNS = ("published_on", "published_source", "sections_present", "mentions_fees", "mentions_problems",
                 "cells_expected", "cells_read", "cells_blank", "cells_not_applicable")


# --------------------------------------------------------------------------- data tables


def load_weights(weights: str | Path | pd.DataFrame | None = None) -> dict[str, float]:
    """Criterion → weight, from ``data/scorecard_weights.csv``, a CSV path or a DataFrame."""
    table = weights if isinstance(weights, pd.DataFrame) else pd.read_csv(weights or WEIGHTS_PATH, encoding="utf-8")
    if not {"criterion", "weight"} <= set(table.columns):
        raise ValueError("scorecard weights need the columns criterion, weight")
    values = pd.to_numeric(table["weight"], errors="coerce")
    if values.isna().any() or (values < 0).any():
        raise ValueError("scorecard weights must be numbers ≥ 0")
    return dict(zip(table["criterion"].astype(str), values.astype(float), strict=True))


@lru_cache(maxsize=2)
def _deadlines(path: str) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8", dtype={"last_report_year": "Int64"})


@lru_cache(maxsize=2)
def _parts(path: str) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8")


def deadline_for(report_year: int, organ_kind: str | None) -> tuple[dt.date, str] | None:
    """(deadline, rule) for a report year and organ kind, or None when no rule sets one."""
    table = _deadlines(str(DEADLINES_PATH))
    rows = table[(table["organ_kind"] == organ_kind) & (table["first_report_year"] <= report_year)
                 & (table["last_report_year"].isna() | (table["last_report_year"] >= report_year))]
    if rows.empty:
        return None
    row = rows.iloc[0]
    when = dt.date(report_year + 1, int(row["deadline_month"]), int(row["deadline_day"]))
    return when, f"{row['regulation']} {row['article']}"


def required_parts(format_version: str | None, report_year: int | None) -> tuple[str, list[str]] | None:
    """(regime, parts) a report must have: its template's, else the regulation's for its year."""
    if format_version in STANDARD_VERSIONS:
        regime = str(format_version)
    elif report_year is None:
        return None
    else:
        regime = "reg2008" if report_year <= 2018 else "reg2019"
    table = _parts(str(PARTS_PATH))
    return regime, list(table.loc[table["regime"] == regime, "part"])


def _part_labels() -> dict[str, str]:
    table = _parts(str(PARTS_PATH))
    return dict(zip(table["part"], table["label_zh"], strict=False))


# --------------------------------------------------------------------------- helpers


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value) or (
        isinstance(value, str) and value.strip() == "")


def _flag(value: object) -> bool | None:
    if _blank(value):
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _row(criterion: str, status: str, detail: str, value: object = pd.NA, location: str = "") -> dict:
    return {"criterion": criterion, "status": status, "detail": detail, "value": value, "location": location}


def _reports(figures: pd.DataFrame, reports: pd.DataFrame | None) -> pd.DataFrame:
    """One row per report: identity from the figures and/or the reports table, with its facts."""
    info = figures.drop_duplicates("report_id")[["report_id", "source_file", "agency", "report_year",
                                                 "format_version"]]
    if reports is not None and len(reports):
        reports = reports.copy()
        reports["report_id"] = reports["report_id"].astype("string")
        facts = reports.drop_duplicates("report_id").set_index("report_id")
        extra = facts[~facts.index.isin(info["report_id"])].reset_index()
        extra = extra.reindex(columns=info.columns)
        info = pd.concat([info, extra], ignore_index=True) if len(extra) else info
        for column in _FACT_COLUMNS:
            if column in facts.columns:
                info[column] = info["report_id"].map(facts[column])
        for column in ("agency", "report_year", "format_version", "source_file"):
            if column in facts.columns:
                info[column] = info[column].where(info[column].notna(), info["report_id"].map(facts[column]))
    for column in _FACT_COLUMNS:
        if column not in info.columns:
            info[column] = pd.NA
    info["report_year"] = pd.to_numeric(info["report_year"], errors="coerce").astype("Int64")
    organs = organ_table(info["agency"].astype("object"), info["report_year"].astype("object"))
    info = pd.concat([info.reset_index(drop=True), organs.reset_index(drop=True)], axis=1)
    info["organ"] = info["organ"].fillna(info["agency"])
    return info.reset_index(drop=True)


# --------------------------------------------------------------------------- criteria


def _on_time(report: pd.Series) -> dict:
    published, year, kind = report["published_on"], report["report_year"], report["organ_kind"]
    if _blank(published):
        return _row("on_time", "cannot_tell", "no publication date found (page metadata, header, PDF, signature)")
    if pd.isna(year):
        return _row("on_time", "cannot_tell", "report year not known")
    if _blank(kind):
        return _row("on_time", "cannot_tell", "organ kind not known")
    rule = deadline_for(int(year), str(kind))
    if rule is None:
        return _row("on_time", "cannot_tell", f"no deadline in data/report_deadlines.csv for {kind} in {int(year)}")
    deadline, source = rule
    published_on = dt.date.fromisoformat(str(published)[:10])
    if published_on <= dt.date(int(year), 12, 31):
        return _row("on_time", "cannot_tell",
                    f"published {published_on} is before the year reported on ended: not the report's date")
    late = (published_on - deadline).days
    where = f"published {published_on} ({report['published_source']}); deadline {deadline} ({source})"
    if late <= 0:
        return _row("on_time", "met", f"{-late} days early: {where}", late)
    return _row("on_time", "not_met", f"{late} days late: {where}", late, str(report["published_source"]))


def _parts_present(report: pd.Series) -> dict:
    year = None if pd.isna(report["report_year"]) else int(report["report_year"])
    rule = required_parts(report["format_version"] if not _blank(report["format_version"]) else None, year)
    if rule is None:
        return _row("parts_present", "cannot_tell", "neither the template nor the report year is known")
    if _blank(report["sections_present"]) and not isinstance(report["sections_present"], str):
        return _row("parts_present", "cannot_tell", "report text not read (no sections_present fact)")
    regime, required = rule
    present = set(str(report["sections_present"]).split("|")) - {""}
    labels = _part_labels()
    missing = [p for p in required if p not in present]
    if not missing:
        return _row("parts_present", "met", f"all {len(required)} parts of {regime}", 0)
    return _row("parts_present", "not_met", f"{regime}: no heading for " + "、".join(labels.get(p, p) for p in missing),
                len(missing), "headings: " + ", ".join(missing))


def _cells_filled(report: pd.Series, figures: pd.DataFrame) -> dict:
    expected, read, blank = report["cells_expected"], report["cells_read"], report["cells_blank"]
    if not _blank(expected) and not _blank(read):
        blank_count = 0 if _blank(blank) else int(float(blank))
        na = 0 if _blank(report["cells_not_applicable"]) else int(float(report["cells_not_applicable"]))
        detail = f"{int(float(read))} of {int(float(expected))} cells read, {blank_count} blank, {na} not applicable"
        if blank_count:
            return _row("cells_filled", "not_met", detail, blank_count)
        if int(float(read)) + na >= int(float(expected)):
            return _row("cells_filled", "met", detail, 0)
        return _row("cells_filled", "cannot_tell", detail + ": some cells not read")
    version = report["format_version"]
    if _blank(version):
        return _row("cells_filled", "cannot_tell", "layout not known")
    if version not in STANDARD_VERSIONS:
        return _row("cells_filled", "not_applicable", "narrative report: no template tables")
    mine = figures[(figures["report_id"] == report["report_id"]) & ~figures["derived"].fillna(False)
                   & figures["table"].isin(["requests", "review_litigation"])]
    if mine.empty:
        return _row("cells_filled", "cannot_tell", "tables 三 and 四 not read")
    cells = {(m, a): (c, loc) for m, a, c, loc in zip(mine["metric"], mine["applicant"].fillna("total"),
                                                      mine["cell"], mine["location"], strict=True)}
    keys = [(m, a) for m in TABLE3_ROWS[str(version)] for a in ALL_COLUMNS]
    keys += [(f"{b}_{p}", "total") for b in REVIEW_BLOCKS for p in REVIEW_PARTS]
    blanks = [k for k in keys if k in cells and cells[k][0] == "blank"]
    unread = [k for k in keys if k not in cells or cells[k][0] == "text"]
    detail = f"tables 三/四: {len(keys) - len(unread) - len(blanks)} of {len(keys)} cells filled, {len(blanks)} blank"
    if blanks:
        where = "; ".join(f"{m}/{a} {cells[(m, a)][1] or ''}".strip() for m, a in blanks[:10])
        return _row("cells_filled", "not_met", detail, len(blanks), where)
    if unread:
        return _row("cells_filled", "cannot_tell", f"{detail}, {len(unread)} not read", len(unread))
    return _row("cells_filled", "met", detail, 0)


def _text_flag(report: pd.Series, criterion: str, column: str, what: str) -> dict:
    if criterion == "fees_text" and report["format_version"] == "gov2019":
        return _row(criterion, "not_applicable", "the 2019 template asks for no text about fees")
    flag = _flag(report[column])
    if flag is None:
        return _row(criterion, "cannot_tell", f"report text not read (no {column} fact)")
    return _row(criterion, "met" if flag else "not_met", f"{what} {'found' if flag else 'not found'} in the text")


def _identities(report: pd.Series, checks: pd.DataFrame, locate) -> dict:
    if report["format_version"] not in STANDARD_VERSIONS:
        if _blank(report["format_version"]):
            return _row("identities", "cannot_tell", "layout not known")
        return _row("identities", "not_applicable", "narrative report: no template tables")
    mine = checks[checks["report_id"] == report["report_id"]]
    if mine.empty:
        return _row("identities", "cannot_tell", "tables 三 and 四 not read")
    broken = mine[mine["status"] == "broken"]
    if len(broken):
        detail = "; ".join(f"identity {i} {c}: {left:g} vs {right:g}" for i, c, left, right in
                           zip(broken["identity"], broken["column"], broken["left"], broken["right"], strict=True))
        where = "; ".join(dict.fromkeys(locate(report["report_id"], i, c) for i, c in
                                        zip(broken["identity"], broken["column"], strict=True)))
        return _row("identities", "not_met", detail, len(broken), where)
    incomplete = int((mine["status"] == "incomplete").sum())
    if incomplete:
        return _row("identities", "cannot_tell", f"{incomplete} of {len(mine)} identities have a blank or missing input",
                    incomplete)
    return _row("identities", "met", f"all {len(mine)} identities hold", 0)


#: Extraction warnings that say the prose and a table (annex) of one report disagree.
PROSE_CONFLICT_MARKERS = ("contradicts the prose",)


def _prose_vs_table(report: pd.Series, figures: pd.DataFrame, conflicts: pd.DataFrame) -> dict:
    mine = figures[(figures["report_id"] == report["report_id"]) & ~figures["derived"].fillna(False)
                   & figures["value"].notna()]
    prose = mine[mine["table"] == "narrative"]
    table = mine[mine["table"] != "narrative"]
    table_values = {(m, a): (v, loc) for m, a, v, loc in zip(table["metric"], table["applicant"].fillna("total"),
                                                             table["value"], table["location"], strict=True)}
    pairs, differ = 0, []
    for m, a, v, loc in zip(prose["metric"], prose["applicant"].fillna("total"), prose["value"], prose["location"],
                            strict=True):
        if (m, a) in table_values:
            pairs += 1
            tv, tloc = table_values[(m, a)]
            if abs(float(v) - float(tv)) > 1e-9:
                differ.append((f"{m}: prose {float(v):g}, table {float(tv):g}", f"{loc or 'text'} / {tloc or 'table'}"))
    warned = conflicts[conflicts["report_id"] == report["report_id"]]
    differ += [(str(message), str(location)) for message, location in
               zip(warned["message"], warned["location"].fillna(""), strict=True)]
    if differ:
        return _row("prose_vs_table", "not_met", "; ".join(d for d, _ in differ), len(differ),
                    "; ".join(w for _, w in differ))
    if not pairs:
        return _row("prose_vs_table", "cannot_tell", "no number stated both in the prose and in a table was kept")
    return _row("prose_vs_table", "met", f"{pairs} numbers agree", 0)


def _carried_over(report: pd.Series, cross: pd.DataFrame) -> dict:
    if report["format_version"] not in STANDARD_VERSIONS:
        if _blank(report["format_version"]):
            return _row("carried_over", "cannot_tell", "layout not known")
        return _row("carried_over", "not_applicable", "narrative report: no carried-over requests in a table")
    mine = cross[(cross["report_id"] == report["report_id"]) & (cross["identity"] == "carried_over")]
    if mine.empty:
        return _row("carried_over", "cannot_tell", "no report of the year before for this organ, or no carried-over row")
    if (mine["status"] == "warning").any():
        row = mine[mine["status"] == "warning"].iloc[0]
        return _row("carried_over", "not_met", f"{row['left']:g} carried over vs {row['right']:g} carried forward "
                    f"({row['detail']})", float(row["difference"]), "table 三 row 二 (上年结转)")
    if (mine["status"] == "ok").any():
        return _row("carried_over", "met", str(mine["detail"].iloc[0]), 0)
    return _row("carried_over", "cannot_tell", "a carried-over or carried-forward cell is blank or missing")


def _no_jumps(report: pd.Series, info: pd.DataFrame, totals: dict[str, dict[str, float]]) -> dict:
    if pd.isna(report["report_year"]) or _blank(report["organ"]):
        return _row("no_jumps", "cannot_tell", "organ or report year not known")
    previous = info[(info["organ"] == report["organ"]) & (info["report_year"] == report["report_year"] - 1)]
    previous = [rid for rid in previous["report_id"] if totals.get(rid)]
    if not previous:
        return _row("no_jumps", "cannot_tell", "no report of the year before for this organ")
    before = max((totals[rid] for rid in previous), key=len)
    now = totals.get(report["report_id"], {})
    common = [m for m in now if m in before]
    if not common:
        return _row("no_jumps", "cannot_tell", "no figure in common with the year before")
    jumps = []
    for metric in common:
        a, b = before[metric], now[metric]
        if a > 0 and b >= JUMP_FLOOR and b / a >= JUMP_RATIO:
            jumps.append(f"{metric}: {a:g} → {b:g}")
    if jumps:
        return _row("no_jumps", "not_met", "; ".join(jumps), len(jumps), ", ".join(j.split(":")[0] for j in jumps))
    return _row("no_jumps", "met", f"{len(common)} figures compared with the year before", 0)


# --------------------------------------------------------------------------- the table


def scorecard(
    figures: pd.DataFrame,
    reports: pd.DataFrame | None = None,
    weights: str | Path | pd.DataFrame | None = None,
    warnings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The tidy scorecard (:data:`SCORECARD_COLUMNS`; see the module docstring).

    ``figures``: the tidy figures table; ``reports``: the reports table (one row
    per ``report_id`` with its facts; reports without figures get a scorecard
    too); ``weights``: criterion weights (default ``data/scorecard_weights.csv``);
    ``warnings``: the extraction warnings (``report_id, kind, message, location``),
    whose prose-versus-annex contradictions fail ``prose_vs_table``.
    """
    weight_of = load_weights(weights)
    figures = coerce_figures(figures)
    figures["report_id"] = figures["report_id"].fillna(figures["source_file"])
    info = _reports(figures, reports)
    if info.empty:
        return pd.DataFrame(columns=SCORECARD_COLUMNS)
    checks = identity_checks(figures)
    cross = cross_year_checks(figures)
    conflicts = pd.DataFrame(columns=["report_id", "message", "location"])
    if warnings is not None and len(warnings):
        said = warnings["message"].astype(str)
        conflicts = warnings[said.map(lambda m: any(k in m for k in PROSE_CONFLICT_MARKERS))]
    locations = {(r, m, a): loc for r, m, a, loc in zip(figures["report_id"], figures["metric"],
                                                        figures["applicant"].fillna("total"), figures["location"],
                                                        strict=True) if isinstance(loc, str) and loc}

    def locate(report_id: str, identity: str, column: str) -> str:
        metric, applicant = {"1": ("requests_received", column), "2": (column, "total"),
                             "3": ("results_total", column), "4": (f"{column}_total", "total")}.get(
                                 identity, (column, "total"))
        return locations.get((report_id, metric, applicant), f"identity {identity}, {column}")

    chosen = select_figures(figures[~figures["derived"].fillna(False) & figures["value"].notna()], "total")
    totals: dict[str, dict[str, float]] = {}
    for rid, metric, value in zip(chosen["report_id"], chosen["metric"], chosen["value"], strict=True):
        totals.setdefault(rid, {})[metric] = float(value)
    rows: list[dict] = []
    for _, report in info.iterrows():
        judged = [
            _on_time(report),
            _parts_present(report),
            _cells_filled(report, figures),
            _text_flag(report, "fees_text", "mentions_fees", "text about fees"),
            _text_flag(report, "problems_text", "mentions_problems", "text about problems and improvements"),
            _identities(report, checks, locate),
            _prose_vs_table(report, figures, conflicts),
            _carried_over(report, cross),
            _no_jumps(report, info, totals),
        ]
        base = {c: report.get(c, pd.NA) for c in REPORT_COLUMNS}
        applicable = points = 0.0
        counts = dict.fromkeys(STATUSES, 0)
        for row in judged:
            if row["criterion"] not in weight_of:
                continue
            weight = weight_of[row["criterion"]]
            earned = weight if row["status"] == "met" else 0.0
            counts[row["status"]] += 1
            if row["status"] != "not_applicable":
                applicable += weight
                points += earned
            rows.append({**base, **row, "weight": weight, "points": earned, "score": pd.NA})
        rows.append({**base, "criterion": "total", "status": pd.NA, "weight": applicable, "points": points,
                     "score": round(100 * points / applicable, 1) if applicable else pd.NA,
                     "value": pd.NA, "location": "",
                     "detail": ", ".join(f"{k} {v}" for k, v in counts.items() if v)})
    return _typed(pd.DataFrame(rows))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reindex(columns=SCORECARD_COLUMNS)
    for column in ("weight", "points", "score", "value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Float64")
    frame["report_year"] = pd.to_numeric(frame["report_year"], errors="coerce").astype("Int64")
    for column in SCORECARD_COLUMNS:
        if column not in ("weight", "points", "score", "value", "report_year"):
            frame[column] = frame[column].astype("string")
    return frame.reset_index(drop=True)
