"""Numbers read like numbers, data stays text, charts compare organs honestly."""

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from transparency_stats import plotting  # noqa: E402
from transparency_stats.cli import build_parser  # noqa: E402
from transparency_stats.formatting import (  # noqa: E402
    format_count,
    format_metric_value,
    format_rate,
    html_table,
    is_blank,
)


@pytest.mark.parametrize("blank", [None, np.nan, pd.NA, pd.NaT, float("nan")])
def test_blank_is_a_dash_never_zero(blank):
    assert is_blank(blank)
    assert format_count(blank) == "—"
    assert format_rate(blank) == "—"


def test_counts_rates_and_approximate_values():
    assert format_count(26000.0) == "26,000"
    assert format_count(12.5) == "12.5"
    assert format_count(0) == "0"
    assert format_count(1200, approximate=True) == "≈1,200"
    assert format_rate(0.5, 1, 2) == "50.0 % (1/2)"
    assert format_rate(0.435743, 2600, 5967) == "43.6 % (2,600/5,967)"
    assert format_rate(pd.NA, 0, 0) == "— (0/0)"
    assert format_rate(0.97) == "97.0 %"  # a rate stated by the report has no parts
    assert format_metric_value("disclosure_rate", 0.25, 1, 4) == "25.0 % (1/4)"
    assert format_metric_value("requests_volume", 3607.0) == "3,607"


def test_table_cells_are_text_never_markup():
    frame = pd.DataFrame({"metric": ["[x](javascript:alert(1))", "<script>alert(1)</script>"],
                          "value": [pd.NA, 5.0]}).astype({"value": "Float64"})
    markup = html_table(frame)
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "href" not in markup and "[x](javascript:alert(1))" in markup
    assert "<td>—</td>" in markup and "&lt;NA&gt;" not in markup


def series(agency, points, metric="requests_volume"):
    return [{"report_id": f"{agency}{y}", "agency": agency, "report_year": y, "format_version": "gov2021",
             "metric": metric, "numerator": v, "denominator": pd.NA, "value": v, "comparable_group": "standard",
             "note": pd.NA} for y, v in points]


def test_trend_keeps_one_point_organs_out_of_the_chart_and_draws_math_names_as_text():
    metrics = pd.DataFrame(series("$\\alpha$局", [(2019, 3), (2020, 4)]) + series("单点局", [(2021, 9)]))
    trend = plotting.trend_chart(metrics, "requests_volume", "en")
    assert trend.organs == ["$\\alpha$局"]
    assert list(trend.single["agency"]) == ["单点局"]
    assert "$\\alpha$局" in trend.alt_text("en") and "2019" in trend.source_line("en")
    trend.figure.savefig(io.BytesIO(), format="png")  # mathtext off: no parse error
    legend = [t.get_text() for t in trend.figure.axes[0].get_legend().get_texts()]
    assert legend == ["$\\alpha$局"]  # only organs drawn


def test_sizes_far_apart_get_one_panel_per_organ_and_integer_years():
    metrics = pd.DataFrame(series("大局", [(2019, 90000), (2020, 120000)]) + series("小局", [(2019, 3), (2021, 5)]))
    trend = plotting.trend_chart(metrics, "requests_volume", "zh")
    assert trend.small_multiples and len([a for a in trend.figure.axes if a.get_visible()]) == 2
    for ax in trend.figure.axes:
        assert all(float(t).is_integer() for t in ax.get_xticks())


def test_palette_is_keyed_by_organ():
    one = plotting.organ_palette(["乙", "甲", "丙"])
    two = plotting.organ_palette(["丙", "乙", "甲", "甲"])
    assert one == two and len({(s.color, s.marker) for s in one.values()}) == 3


def test_report_options():
    args = build_parser().parse_args(["report", "--lang", "en", "--organs", "甲局,乙局", "--years", "2019,2021-2023"])
    assert args.lang == "en" and args.organs == ["甲局", "乙局"] and args.years == [2019, 2021, 2022, 2023]
    assert build_parser().parse_args(["report"]).lang == "both"


def test_report_checks_its_inputs_before_writing(tmp_path, capsys):
    from transparency_stats.cli import main

    code = main(["report", "--processed", str(tmp_path / "missing"), "--out", str(tmp_path / "out")])
    assert code == 2 and not (tmp_path / "out").exists()
    assert "not found" in capsys.readouterr().err
