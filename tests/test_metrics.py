"""Metric values checked by hand against the tidy fixtures."""

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transparency_stats import metrics
from transparency_stats.schema import coerce_figures

FIXTURES = Path(__file__).parent / "fixtures" / "tidy"


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return coerce_figures(pd.read_csv(FIXTURES / "sample_figures.csv"))


@pytest.fixture(scope="module")
def computed(sample) -> pd.DataFrame:
    return metrics.compute_metrics(sample)


def one(frame: pd.DataFrame, report_id: str, metric: str) -> pd.Series:
    rows = frame[(frame["report_id"] == report_id) & (frame["metric"] == metric)]
    assert len(rows) == 1, (report_id, metric, rows)
    return rows.iloc[0]


def tidy(rows: list[tuple], report_id="r1", version="gov2021") -> pd.DataFrame:
    """A tiny tidy table from (metric, value[, applicant[, table[, derived]]]) tuples."""
    records = []
    for row in rows:
        metric, value, applicant, table, derived = (*row, "total", "requests", False)[:5]
        records.append({"source_file": f"{report_id}.txt", "report_id": report_id, "agency": "某局",
                        "report_year": 2022, "format_version": version, "table": table, "metric": metric,
                        "applicant": applicant, "value": value, "derived": derived,
                        "cell": "blank" if value is None else "number"})
    return coerce_figures(pd.DataFrame(records))


def test_disclosure_rate_by_hand(computed):
    row = one(computed, "a2019", "disclosure_rate")
    # (20 granted + 5 partial) / 38 results; the text figure 41 loses to the table's 38
    assert (row["numerator"], row["denominator"]) == (25, 38)
    assert row["value"] == pytest.approx(25 / 38)
    assert row["comparable_group"] == "standard"
    assert one(computed, "a2018", "disclosure_rate")["value"] == pytest.approx(17 / 20)
    assert one(computed, "a2018", "disclosure_rate")["comparable_group"] == "narrative"


def test_derived_subtotal_is_recomputed_not_trusted(computed):
    row = one(computed, "a2019", "share_denied")
    # the fixture carries a derived results_denied_total of 99; the eight reasons sum to 5
    assert (row["numerator"], row["denominator"]) == (5, 38)


def test_outcome_shares_and_rates(computed):
    assert one(computed, "a2021", "share_other")["numerator"] == 2 + 0 + 4  # three 2021 rows
    assert one(computed, "a2020", "share_other")["numerator"] == 2  # one 2019 row
    assert one(computed, "a2021", "share_unable")["value"] == pytest.approx(12 / 89)
    completion = one(computed, "a2021", "completion_rate")
    assert (completion["numerator"], completion["denominator"]) == (89, 94)
    assert one(computed, "a2021", "carry_forward_rate")["value"] == pytest.approx(5 / 94)
    assert one(computed, "a2020", "requests_volume")["value"] == 62
    assert one(computed, "a2019", "applicant_share_natural_person")["value"] == pytest.approx(30 / 40)
    assert one(computed, "a2019", "applicant_share_commercial")["value"] == pytest.approx(10 / 40)


def test_correction_rates_over_concluded_cases(computed):
    recon = one(computed, "a2019", "reconsideration_correction_rate")
    # total 4, pending 1 → 3 concluded, 1 corrected
    assert (recon["numerator"], recon["denominator"]) == (1, 3)
    assert one(computed, "a2021", "reconsideration_correction_rate")["value"] == pytest.approx(1 / 5)
    assert one(computed, "a2021", "litigation_direct_correction_rate")["value"] == pytest.approx(1 / 2)
    pooled = one(computed, "a2021", "litigation_correction_rate")
    assert (pooled["numerator"], pooled["denominator"]) == (1, 3)


def test_zero_denominator_is_na_not_100_percent(computed):
    # 2 cases, both pending: nothing concluded
    recon = one(computed, "a2023", "reconsideration_correction_rate")
    assert recon["denominator"] == 0 and pd.isna(recon["value"])
    # no litigation at all
    assert pd.isna(one(computed, "a2020", "litigation_direct_correction_rate")["value"])
    frame = tidy([("results_granted", 0), ("results_partial", 0), ("results_total", 0)])
    assert pd.isna(metrics.disclosure_rate(frame)["value"].iloc[0])


def test_blank_propagates_as_na():
    frame = tidy([("results_granted", None), ("results_partial", 3), ("results_total", 10)])
    row = metrics.disclosure_rate(frame).iloc[0]
    assert pd.isna(row["numerator"]) and pd.isna(row["value"]) and row["denominator"] == 10
    # one blank reason makes the recomputed subtotal NA, not a smaller number
    leaves = [(f"results_denied_{r}", 1) for r in metrics.DENIED_REASONS[:-1]]
    frame = tidy([*leaves, ("results_denied_query_matter", None), ("results_total", 20)])
    assert pd.isna(metrics.outcome_shares(frame).set_index("metric").loc["share_denied", "value"])


def test_selection_prefers_table_read_rows_with_a_value():
    frame = tidy([
        ("results_total", 41, "total", "narrative", False),
        ("results_total", 39, "total", "requests", True),
        ("results_total", 38, "total", "requests", False),
        ("results_granted", None, "total", "requests", False),
        ("results_granted", 20, "total", "narrative", False),
    ])
    chosen = metrics.select_figures(frame).set_index("metric")["value"]
    assert chosen["results_total"] == 38
    assert chosen["results_granted"] == 20  # a blank cell does not hide a stated figure


def test_on_time_rate_only_where_stated(computed):
    stated = one(computed, "a2018", "on_time_rate")
    assert stated["value"] == pytest.approx(0.98) and pd.isna(stated["numerator"])
    standard = one(computed, "a2021", "on_time_rate")
    assert pd.isna(standard["value"])
    assert "standard tables" in standard["note"]


def test_proposals_and_proactive_counts(computed):
    assert one(computed, "a2017", "npc_suggestions")["value"] == 5
    assert one(computed, "a2017", "cppcc_proposals")["value"] == 8
    assert one(computed, "a2017", "proposal_completion_rate")["value"] == 1.0
    assert one(computed, "a2017", "proposal_satisfaction_rate")["value"] == pytest.approx(0.95)
    assert one(computed, "a2018", "cppcc_proposals")["value"] == 0  # a stated zero stays zero
    assert one(computed, "a2018", "proactive_items_total")["value"] == 1500
    lic19 = one(computed, "a2019", "licensing_decisions")
    lic21 = one(computed, "a2021", "licensing_decisions")
    assert (lic19["comparable_group"], lic21["comparable_group"]) == ("gov2019", "gov2021")
    assert one(computed, "a2019", "licensing_items_change")["value"] == -2


def test_yoy_and_cagr(computed):
    yoy = metrics.yoy_change(computed, "requests_volume")
    row = one(yoy, "a2020", "requests_volume__yoy")
    assert (row["numerator"], row["denominator"]) == (22, 40)
    assert row["value"] == pytest.approx(22 / 40)
    # 2022 is missing: no change for 2023
    assert yoy[yoy["report_id"] == "a2023"].empty
    rate = metrics.yoy_change(computed, "disclosure_rate")
    # narrative 2018 → standard 2019 is a layout change: not compared
    assert rate[(rate["agency"] == "示例市测试局") & (rate["report_year"] == 2019)].empty
    growth = one(metrics.cagr(computed, "requests_volume"), "a2023", "requests_volume__cagr")
    assert growth["value"] == pytest.approx((106 / 40) ** (1 / 4) - 1)
    assert growth["note"] == "2019–2023"


def test_series_breaks(computed):
    breaks = metrics.series_breaks(computed)
    found = {(r.metric, r.year_before, r.year_after) for r in breaks.itertuples()}
    assert ("disclosure_rate", 2018, 2019) in found
    assert ("licensing_decisions", 2020, 2021) in found
    assert not any(m == "requests_volume" for m, _, _ in found)


def test_functions_do_not_change_their_input(sample):
    before = sample.copy()
    metrics.compute_metrics(sample)
    pd.testing.assert_frame_equal(sample, before)


def test_empty_input():
    out = metrics.compute_metrics(coerce_figures(pd.DataFrame(columns=["metric"])))
    assert out.empty and list(out.columns) == metrics.METRIC_COLUMNS


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 1000))
def test_disclosure_rate_property(granted, partial, total):
    frame = tidy([("results_granted", granted), ("results_partial", partial), ("results_total", total)])
    value = metrics.disclosure_rate(frame)["value"].iloc[0]
    if total == 0:
        assert pd.isna(value)
    else:
        assert value == pytest.approx((granted + partial) / total)
