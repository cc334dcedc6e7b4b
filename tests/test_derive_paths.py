"""The checks and metrics computed on integer codes give what the plain pandas computations give.

Each reference below is the straightforward form (sort, drop duplicates, concatenate frames, sort
again); the package computes the same rows another way.  They are compared on random figure
tables with every kind of blank: report id, organ, year, layout, table, applicant, value, flag.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from transparency_stats import checks, metrics, registry
from transparency_stats.checks import (
    RESULT_LEAVES,
    TABLE3_ROWS,
    _added,
    _canonical_names,
    _status_arrays,
    _typed,
    empty_checks,
    identity_checks,
)
from transparency_stats.schema import _select_sorted, coerce_figures, select_figures
from transparency_stats.vocabulary import (
    APPLICANT_COLUMNS,
    APPLICANTS,
    REVIEW_BLOCKS,
    REVIEW_PARTS,
    STANDARD_LAYOUTS,
    parts,
)

_METRICS = [*registry.metric_ids("requests"), *registry.metric_ids("review_litigation"),
            *registry.metric_ids("proactive")[:6], *registry.metric_ids("narrative")[:10],
            *metrics.SUBTOTALS, "proactive_items_total", "unknown_metric"]


def random_figures(seed: int, reports: int = 30) -> pd.DataFrame:
    """A figures table of ``reports`` reports, most cells present, some twice, with blanks everywhere a
    blank can be; the reports' rows mostly together, a few out of place."""
    rng = np.random.default_rng(seed)

    def pick(options: list, size: int, blank: float = 0.0) -> list:
        out = [options[i] for i in rng.integers(0, len(options), size)]
        return [None if b else o for o, b in zip(out, rng.random(size) < blank, strict=True)]

    cells = [(m, a, t) for t in ("requests", "review_litigation") for m in registry.metric_ids(t)
             for a in (APPLICANTS if t == "requests" else ["total"])]
    cells += [(m, "total", "proactive") for m in ["proactive_items_total", *registry.metric_ids("proactive")[:8]]]
    cells += [(m, "total", "narrative") for m in [*registry.metric_ids("narrative")[:12], "unknown_metric"]]
    records = []
    for r in range(reports):
        report = {"source_file": f"f{r % (reports - 3):03d}.txt", "report_id": pick([f"r{r:03d}"], 1, 0.1)[0],
                  "agency": pick(["甲局", "乙局", "丙县人民政府", "政府", "丁委员会"], 1, 0.1)[0],
                  "report_year": pick([2019, 2020, 2021, 2022], 1, 0.1)[0],
                  "format_version": pick(["gov2019", "gov2021", "narrative"], 1, 0.1)[0]}
        chosen = [cells[i] for i in np.flatnonzero(rng.random(len(cells)) < (1.0 if r % 2 else rng.uniform(0.3, 1.0)))]
        chosen += [cells[i] for i in rng.integers(0, len(cells), len(chosen) // 5)]  # some cells twice
        for metric, applicant, table in chosen:
            records.append({**report, "table": table if rng.random() > 0.1 else pick(["narrative", None], 1)[0],
                            "metric": metric, "applicant": applicant if rng.random() > 0.03 else None,
                            "value": None if rng.random() < (0.005 if r % 2 else 0.1) else float(rng.integers(0, 12)),
                            "derived": pick([True, False, False, False, False], 1, 0.03)[0],
                            "read_via": pick(["ocr", "pdf_text", "html_table"], 1, 0.1)[0]})
    frame = pd.DataFrame(records)
    moved = rng.choice(len(frame), len(frame) // 50, replace=False)
    order = np.concatenate([np.delete(np.arange(len(frame)), moved), moved])
    return coerce_figures(frame.iloc[order].reset_index(drop=True))


SEEDS = range(6)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("applicant", [None, "total", "commercial"])
def test_select_figures_as_by_sorting(seed: int, applicant: str | None) -> None:
    figures = random_figures(seed)
    frame = figures.copy()
    frame["applicant"] = frame["applicant"].fillna("total")
    frame["report_id"] = frame["report_id"].fillna(frame["source_file"])
    if applicant is not None:
        frame = frame[frame["applicant"] == applicant]
    pd.testing.assert_frame_equal(select_figures(figures, applicant), _select_sorted(frame))
    # a sliced input (index with gaps) and a repeated index label give the same as before
    sliced = figures.iloc[::2]
    assert select_figures(sliced, applicant).equals(select_figures(sliced.reset_index(drop=True), applicant))
    repeated = figures.set_axis([0, *range(len(figures) - 1)])
    assert len(select_figures(repeated, None)) >= 1


def _compute_metrics_by_frames(figures: pd.DataFrame, keep_empty: bool = False) -> pd.DataFrame:
    """compute_metrics as the metric functions' frames concatenated, filtered and sorted."""
    wides = metrics._Wides(figures)
    if wides.figures.empty:
        return metrics.empty_metrics()
    parts = [f(wides) for f in (metrics.request_volume, metrics.applicant_mix, metrics.outcome_shares,
                                metrics.disclosure_rate, metrics.completion_rates, metrics.correction_rates,
                                metrics.on_time_rate, metrics.proposal_metrics, metrics.proactive_counts)]
    out = metrics._concat(parts)
    if not keep_empty:
        known = out[["numerator", "value"]].notna().any(axis=1)
        noted = out["note"].fillna("").str.len() > 0
        out = out[known | noted]
    return out.sort_values(["agency", "report_year", "report_id", "metric"], kind="stable").reset_index(drop=True)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("keep_empty", [False, True])
def test_compute_metrics_as_by_frames(seed: int, keep_empty: bool) -> None:
    figures = random_figures(seed)
    pd.testing.assert_frame_equal(metrics.compute_metrics(figures, keep_empty),
                                  _compute_metrics_by_frames(figures, keep_empty))


def test_compute_metrics_of_one_report_and_of_nothing() -> None:
    figures = random_figures(1)
    one = figures[figures["report_id"] == figures["report_id"].dropna().iloc[0]]
    pd.testing.assert_frame_equal(metrics.compute_metrics(one), _compute_metrics_by_frames(one))
    pd.testing.assert_frame_equal(metrics.compute_metrics(figures.iloc[:0]), metrics.empty_metrics())


def _value_table(figures: pd.DataFrame) -> pd.DataFrame:
    """Read (non-derived) values of tables 三 and 四, one per (report, metric, applicant)."""
    read = figures[figures["table"].isin(["requests", "review_litigation"]) & ~figures["derived"].fillna(False)]
    return select_figures(read, applicant=None)
def _report_flags(keys: pd.Series, positions: pd.Index, mask: np.ndarray) -> np.ndarray:
    """Per report of ``positions``: whether any row of ``keys`` (its report) is selected by ``mask``."""
    out = np.zeros(len(positions), dtype=bool)
    where = positions.get_indexer(keys[mask])
    out[where[where >= 0]] = True
    return out
def _identity_checks_by_frames(figures: pd.DataFrame) -> pd.DataFrame:
    """identity_checks as filtered frames: the standard rows, their first row per report, the chosen values."""
    figures = coerce_figures(figures)
    figures["report_id"] = figures["report_id"].fillna(figures["source_file"])
    standard = figures[figures["format_version"].isin(STANDARD_LAYOUTS).fillna(False).to_numpy(dtype=bool)]
    info = standard.drop_duplicates("report_id")
    info = info[info["report_id"].notna()]
    if info.empty:
        return empty_checks()
    positions = pd.Index(info["report_id"].astype(object))
    tables = standard["table"].to_numpy(dtype=object, na_value=None)
    has_requests = _report_flags(standard["report_id"], positions, tables == "requests")
    has_review = _report_flags(standard["report_id"], positions, tables == "review_litigation")
    requests = standard[tables == "requests"]
    request_applicants = requests["applicant"].fillna("total").to_numpy(dtype=object)
    present = {a: _report_flags(requests["report_id"], positions, request_applicants == a) for a in APPLICANTS}

    # Every read value of tables 三 and 四 in one array: report × metric × applicant (NaN: blank or missing).
    values = _value_table(standard)
    metric_ids = list(dict.fromkeys([*(m for v in STANDARD_LAYOUTS for m in TABLE3_ROWS[v]),
                                     *(f"{b}_{p}" for b in REVIEW_BLOCKS for p in REVIEW_PARTS)]))
    metric_at = {m: i for i, m in enumerate(metric_ids)}
    applicant_at = {a: i for i, a in enumerate(APPLICANTS)}
    report_pos = positions.get_indexer(values["report_id"].astype(object))
    metric_pos = pd.Index(metric_ids).get_indexer(values["metric"].astype(object))
    applicant_pos = pd.Index(APPLICANTS).get_indexer(values["applicant"].astype(object))
    keep = (report_pos >= 0) & (metric_pos >= 0) & (applicant_pos >= 0)
    cube = np.full((len(positions), len(metric_ids), len(APPLICANTS)), np.nan)
    exists = np.zeros(cube.shape, dtype=bool)
    index = (report_pos[keep], metric_pos[keep], applicant_pos[keep])
    cube[index] = values["value"].to_numpy(dtype=float, na_value=np.nan)[keep]
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
    none = np.full(len(positions), np.nan)
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
    organs = _canonical_names(info["agency"]).to_numpy(dtype=object)
    out = pd.DataFrame({
        "report_id": info["report_id"].to_numpy(dtype=object)[rows],
        "source_file": info["source_file"].to_numpy(dtype=object, na_value=pd.NA)[rows],
        "agency": organs[rows],
        "report_year": info["report_year"].to_numpy(dtype=object, na_value=pd.NA)[rows],
        "format_version": versions[rows],
        "kind": "identity",
        "identity": np.repeat([f[2] for f in found], sizes)[order],
        "column": np.repeat([f[3] for f in found], sizes)[order],
        "left": pd.array(left[order], dtype="Float64"),
        "right": pd.array(right[order], dtype="Float64"),
        "difference": pd.array(difference[order], dtype="Float64"),
        "status": status[order],
        "detail": np.repeat([f[6] for f in found], sizes)[order],
    })
    return _typed(out)


@pytest.mark.parametrize("seed", SEEDS)
def test_identity_checks_as_by_frames(seed: int) -> None:
    figures = random_figures(seed)
    pd.testing.assert_frame_equal(identity_checks(figures), _identity_checks_by_frames(figures))
    shuffled = figures.sample(frac=1.0, random_state=seed)
    pd.testing.assert_frame_equal(identity_checks(shuffled), _identity_checks_by_frames(shuffled))
    narrative = figures.assign(format_version="narrative")
    pd.testing.assert_frame_equal(identity_checks(narrative), _identity_checks_by_frames(narrative))


@pytest.mark.parametrize("seed", SEEDS)
def test_wide_tables_as_pivots(seed: int) -> None:
    figures = random_figures(seed)
    chosen = metrics._Wides(figures).chosen()
    for applicant in ("total", "commercial"):
        rows = chosen[(chosen["applicant"] == applicant).to_numpy(dtype=bool)].reset_index(drop=True)
        values, exists, derived = metrics._pivots(rows)
        pd.testing.assert_frame_equal(values, rows.pivot(index="report_id", columns="metric",
                                                         values="value").astype("Float64"))
        pd.testing.assert_frame_equal(exists, rows.assign(_one=True).pivot(
            index="report_id", columns="metric", values="_one").notna())
        pd.testing.assert_frame_equal(derived, rows.assign(_d=rows["derived"].fillna(False).astype(bool)).pivot(
            index="report_id", columns="metric", values="_d").fillna(False).astype(bool))
    with pytest.raises(ValueError, match="duplicate"):
        metrics._pivots(pd.concat([rows, rows.iloc[:1]], ignore_index=True))


def test_combined_codes_equal_exactly_where_all_codes_are() -> None:
    from transparency_stats.schema import combined_codes

    rng = np.random.default_rng(3)
    for high in (3, 2**31):  # wide ranges are renumbered before they overflow
        codes = [rng.integers(-1, 4, 2000) * (high // 4 + 1) for _ in range(4)]
        combined = combined_codes(codes)
        keys = list(zip(*codes, strict=True))
        first = {}
        for key, code in zip(keys, combined, strict=True):
            assert first.setdefault(key, code) == code
        assert len(set(combined.tolist())) == len(first)


def _report_summaries_by_frames(figures: pd.DataFrame) -> pd.DataFrame:
    """report_summaries with the values chosen by select_figures on every column, metric by metric."""
    figures = coerce_figures(figures)
    figures["report_id"] = figures["report_id"].fillna(figures["source_file"])
    info = figures.drop_duplicates("report_id")[checks.SUMMARY_COLUMNS]
    info = info[info["report_id"].notna()].reset_index(drop=True)
    positions = pd.Index(info["report_id"].astype(object))
    wanted = figures["metric"].isin(checks.CROSS_YEAR_METRICS).fillna(False).to_numpy(dtype=bool)
    chosen = select_figures(figures[wanted], "total")
    for metric in checks.CROSS_YEAR_METRICS:
        rows = chosen[(chosen["metric"] == metric).to_numpy(dtype=bool)]
        where = positions.get_indexer(rows["report_id"].astype(object))
        found = where >= 0
        value = np.full(len(info), np.nan)
        value[where[found]] = rows["value"].to_numpy(dtype=float, na_value=np.nan)[found]
        has = np.zeros(len(info), dtype=bool)
        has[where[found]] = True
        info[metric] = pd.array(value, dtype="Float64")
        info[f"has_{metric}"] = has
    return info


@pytest.mark.parametrize("seed", SEEDS)
def test_report_summaries_as_by_frames(seed: int) -> None:
    figures = random_figures(seed)
    summaries = checks.report_summaries(figures)
    assert summaries[[f"has_{m}" for m in checks.CROSS_YEAR_METRICS]].to_numpy().any()
    pd.testing.assert_frame_equal(summaries, _report_summaries_by_frames(figures))
    shuffled = figures.sample(frac=1.0, random_state=seed)
    pd.testing.assert_frame_equal(checks.report_summaries(shuffled), _report_summaries_by_frames(shuffled))
