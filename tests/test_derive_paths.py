"""The checks and metrics computed on integer codes give what the plain pandas computations give.

Each reference below is the straightforward form (sort, drop duplicates, concatenate frames, sort
again); the package computes the same rows another way.  They are compared on random figure
tables with every kind of blank: report id, organ, year, layout, table, applicant, value, flag.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from transparency_stats import metrics, registry
from transparency_stats.schema import _select_sorted, coerce_figures, select_figures
from transparency_stats.vocabulary import APPLICANTS

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
        chosen = [cells[i] for i in np.flatnonzero(rng.random(len(cells)) < rng.uniform(0.3, 1.0))]
        chosen += [cells[i] for i in rng.integers(0, len(cells), len(chosen) // 5)]  # some cells twice
        for metric, applicant, table in chosen:
            records.append({**report, "table": table if rng.random() > 0.1 else pick(["narrative", None], 1)[0],
                            "metric": metric, "applicant": applicant if rng.random() > 0.03 else None,
                            "value": None if rng.random() < 0.1 else float(rng.integers(0, 12)),
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
