"""Identity and cross-year checks on real (宿迁市) and hand-written figures."""

from pathlib import Path

import pandas as pd
import pytest

from transparency_stats import checks
from transparency_stats.schema import coerce_figures

FIXTURES = Path(__file__).parent / "fixtures" / "tidy"


@pytest.fixture(scope="module")
def suqian() -> pd.DataFrame:
    return coerce_figures(pd.read_csv(FIXTURES / "suqian_2023_2024.csv"))


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return coerce_figures(pd.read_csv(FIXTURES / "sample_figures.csv"))


def rows(frame, report_id, identity, column=None):
    out = frame[(frame["report_id"] == report_id) & (frame["identity"] == identity)]
    if column is not None:
        out = out[out["column"] == column]
    return out


def test_real_tables_satisfy_every_identity(suqian):
    result = checks.identity_checks(suqian)
    for report_id in ("suqian2023", "suqian2024"):
        mine = result[result["report_id"] == report_id]
        # 7 columns × identities 1 and 3, 25 rows for identity 2, 3 blocks for identity 4
        assert mine.groupby("identity").size().to_dict() == {"1": 7, "2": 25, "3": 7, "4": 3}
        assert set(mine["status"]) == {"ok"}
    first = rows(result, "suqian2023", "1", "total").iloc[0]
    assert (first["left"], first["right"], first["difference"]) == (3511 + 96, 3486 + 121, 0)


def test_real_cross_year_checks(suqian):
    result = checks.cross_year_checks(suqian)
    carried = rows(result, "suqian2024", "carried_over").iloc[0]
    assert (carried["left"], carried["right"], carried["status"]) == (121, 121, "ok")
    regs = rows(result, "suqian2024", "valid_rollforward", "regulations_valid").iloc[0]
    assert (regs["left"], regs["right"], regs["status"]) == (12, 11 + 2 - 1, "ok")
    docs = rows(result, "suqian2024", "valid_rollforward", "normative_docs_valid").iloc[0]
    assert (docs["left"], docs["right"], docs["status"]) == (420, 597 + 50 - 227, "ok")


def test_broken_identity_is_reported_with_numbers(sample):
    result = checks.identity_checks(sample)
    broken = rows(result, "b2021", "3", "total").iloc[0]
    # results rows sum to 27 under a total of 21
    assert (broken["left"], broken["right"], broken["difference"], broken["status"]) == (21, 27, -6, "broken")
    review = rows(result, "b2021", "4", "reconsideration").iloc[0]
    assert (review["left"], review["right"], review["status"]) == (2, 1, "broken")
    assert rows(result, "b2021", "1", "total").iloc[0]["status"] == "ok"
    assert broken["agency"] == "测试<script>alert(1)</script>局"
    summary = checks.broken_reports(result)
    assert set(summary.loc[summary["report_id"] == "b2021", "identity"]) == {"3", "4"}


def test_blank_cell_makes_the_check_incomplete(sample, suqian):
    result = checks.identity_checks(sample)
    # a2023: results_denied_query_matter is blank for natural persons
    assert rows(result, "a2023", "3", "natural_person").iloc[0]["status"] == "incomplete"
    assert rows(result, "a2023", "2", "results_denied_query_matter").iloc[0]["status"] == "incomplete"
    assert rows(result, "a2023", "3", "total").iloc[0]["status"] == "ok"
    # blanking a real cell never turns into a pass or a failure
    blanked = suqian.copy()
    mask = ((blanked["report_id"] == "suqian2023") & (blanked["metric"] == "results_granted")
            & (blanked["applicant"] == "total"))
    blanked.loc[mask, "value"] = pd.NA
    blanked.loc[mask, "cell"] = "blank"
    result = checks.identity_checks(blanked)
    three = rows(result, "suqian2023", "3", "total").iloc[0]
    assert three["status"] == "incomplete" and pd.isna(three["difference"])
    assert rows(result, "suqian2023", "2", "results_granted").iloc[0]["status"] == "incomplete"


def test_derived_subtotals_are_never_used(suqian):
    noisy = pd.concat([suqian, coerce_figures(pd.DataFrame([{
        "source_file": "suqian_2023.pdf", "report_id": "suqian2023", "agency": "宿迁市人民政府",
        "report_year": 2023, "format_version": "gov2021", "table": "requests", "metric": "results_unable_total",
        "applicant": "total", "value": 5000, "derived": True, "cell": "number"}]))], ignore_index=True)
    result = checks.identity_checks(noisy)
    assert set(result["status"]) == {"ok"}
    assert not result["column"].isin(["results_unable_total", "results_denied_total"]).any()


def test_published_values_are_never_altered(sample):
    before = sample.copy()
    checks.run_checks(sample)
    pd.testing.assert_frame_equal(sample, before)


def test_cross_year_warnings(sample):
    result = checks.cross_year_checks(sample)
    carried = rows(result, "a2021", "carried_over").iloc[0]
    assert (carried["left"], carried["right"], carried["difference"], carried["status"]) == (4, 5, -1, "warning")
    assert rows(result, "a2020", "carried_over").iloc[0]["status"] == "ok"
    # 2022 report missing: 2023 has nothing to compare with
    assert rows(result, "a2023", "carried_over").empty
    # 示例县政府 (2022) and 示例县人民政府 (2021) are one organ
    assert rows(result, "c2022", "carried_over").iloc[0]["status"] == "ok"
    docs = rows(result, "c2022", "valid_rollforward", "normative_docs_valid").iloc[0]
    assert (docs["left"], docs["right"], docs["status"]) == (33, 30 + 5 - 3, "warning")
    assert set(result["kind"]) == {"cross_year"}
    assert "broken" not in set(result["status"])  # soft checks only warn


def test_canonical_agency(tmp_path):
    assert checks.canonical_agency("宿迁市政府") == "宿迁市人民政府"
    assert checks.canonical_agency(" 宿迁市 人民政府 ") == "宿迁市人民政府"
    assert checks.canonical_agency("宿迁市政府办公室") == "宿迁市人民政府办公室"
    assert checks.canonical_agency("宿迁市府办") == "宿迁市人民政府办公室"  # alias table
    assert checks.canonical_agency("数字政府建设中心") == "数字政府建设中心"
    assert checks.canonical_agency("示例区人民政府（全区汇总）") == "示例区人民政府(全区汇总)"
    assert pd.isna(checks.canonical_agency(pd.NA))
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,canonical\n某某局,某某市某某局\n", encoding="utf-8")
    assert checks.canonical_agency("某某局", aliases=aliases) == "某某市某某局"


def test_status_summary(sample):
    summary = checks.status_summary(checks.run_checks(sample)).set_index(["kind", "identity"])
    assert summary.loc[("identity", "3"), "broken"] == 1
    assert summary.loc[("cross_year", "carried_over"), "warning"] == 1


# --------------------------------------------------------------------------- duplicate reports


def _report(source, report_id, table, n, read_via="pdf_text", agency="某县人民政府", year=2022):
    metrics = ["requests_received", "requests_carried_over", "results_granted", "results_total"][:n]
    return pd.DataFrame({
        "source_file": source, "report_id": report_id, "agency": agency, "report_year": year,
        "format_version": "gov2021", "table": table, "metric": metrics, "applicant": "total",
        "value": range(1, n + 1), "derived": False, "read_via": read_via,
    })


def test_same_organ_and_year_twice_is_a_warning_naming_the_one_kept():
    figures = coerce_figures(pd.concat([
        _report("b_text.txt", "t1", "narrative", 4),              # prose only
        _report("c_tables.pdf", "p1", "requests", 3),             # three cells read from table 三
        _report("a_scan.pdf", "o1", "requests", 3, read_via="ocr"),  # as many, but by OCR
        _report("other.pdf", "x1", "requests", 2, agency="某市人民政府"),
    ], ignore_index=True))
    dupes = checks.duplicate_reports(figures)
    assert set(dupes["source_file"]) == {"b_text.txt", "c_tables.pdf", "a_scan.pdf"}
    assert dupes.loc[dupes["kept"], "source_file"].tolist() == ["c_tables.pdf"]
    rows = checks.run_checks(figures)
    rows = rows[rows["kind"] == "duplicate"]
    assert sorted(rows["source_file"]) == ["a_scan.pdf", "b_text.txt"]
    assert set(rows["status"]) == {"warning"} and rows["detail"].str.contains("kept c_tables.pdf").all()
    kept = checks.drop_duplicate_reports(figures)
    assert set(kept["source_file"]) == {"c_tables.pdf", "other.pdf"}
    assert len(kept) == 3 + 2


def test_equal_reports_fall_back_to_the_file_name():
    figures = coerce_figures(pd.concat([_report("z.txt", "same", "requests", 2),
                                        _report("m.txt", "same", "requests", 2)], ignore_index=True))
    assert checks.duplicate_reports(figures).query("kept")["source_file"].tolist() == ["m.txt"]
    assert set(checks.drop_duplicate_reports(figures)["source_file"]) == {"m.txt"}


def test_no_duplicates_no_rows(sample):
    assert checks.duplicate_checks(sample).empty
    assert checks.drop_duplicate_reports(sample).equals(sample)
