"""Report scorecards: publication dates, parts present, and each criterion met, failed and unknown."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import transparency_stats as ts
from transparency_stats import league, quality
from transparency_stats.extract import extract_report
from transparency_stats.published import publication_date
from transparency_stats.report_facts import report_facts, sections_present
from transparency_stats.schema import coerce_figures

FIXTURES = Path(__file__).parent / "fixtures" / "tidy"
ALL_PARTS = "overview|proactive|requests|fees|review_litigation|problems|other"
TEMPLATE_PARTS = "overview|proactive|requests|review_litigation|problems|other"  # the 2021 template's six

# An invented report: six numbered parts, fees and problems spoken of.
BODY = (
    "一、总体情况\n示例市人民政府坚持公开为常态。\n"
    "二、主动公开政府信息情况\n本年主动公开文件若干件。\n"
    "三、收到和处理政府信息公开申请情况\n本年收到申请若干件。\n"
    "四、政府信息公开行政复议、行政诉讼情况\n无。\n"
    "五、存在的主要问题及改进情况\n解读还不够深入，下一步将加强培训。\n"
    "六、其他需要报告的事项\n本年未收取信息处理费。\n"
)


# --------------------------------------------------------------------------- publication date


def test_publication_date_from_each_source():
    assert publication_date("x", {"PubDate": "2021-03-05 08:58"}) == (dt.date(2021, 3, 5), "html_meta:PubDate")
    header = "标题: 示例局2020年政府信息公开工作年度报告\n发布时间: 2021-01-28 09:00\n正文"
    assert publication_date(header) == (dt.date(2021, 1, 28), "header:发布时间")
    assert publication_date("正文", {"pdf:CreationDate": "D:20220115093000+08'00'"}) == (
        dt.date(2022, 1, 15), "pdf:CreationDate")
    signed = "正文……\n示例县民政局\n2020年1月20日\n"
    assert publication_date(signed, report_year=2019) == (dt.date(2020, 1, 20), "signature")
    assert publication_date(signed.replace("2020年1月20日", "二〇二〇年一月二十日"), report_year=2019)[0] == dt.date(
        2020, 1, 20)


def test_publication_date_is_blank_not_guessed():
    assert publication_date("正文，统计期限为2019年1月1日至12月31日。") == (None, None)
    # a date under the text that is not after the year reported on is not the publication date
    assert publication_date("正文\n2019年12月31日\n", report_year=2019) == (None, None)
    assert publication_date("正文\n2020年1月20日\n") == (None, None)  # year unknown: no signature rule
    assert publication_date("发布时间: 2021-02-30 10:00\n") == (None, None)  # no such day
    # the metadata wins over the header
    assert publication_date("发布时间: 2021-01-02\n", {"PubDate": "2021-01-05"})[1] == "html_meta:PubDate"


def test_sections_and_mentions():
    assert sections_present(BODY) == TEMPLATE_PARTS.split("|")
    shortened = BODY.split("六、")[0].replace("本年未收取信息处理费。", "")
    facts = report_facts(shortened.replace("下一步将加强培训", "").replace("存在的主要问题及改进情况", "工作展望"))
    assert "other" not in facts["sections_present"] and "problems" not in facts["sections_present"]
    assert facts["mentions_fees"] is False and facts["mentions_problems"] is False
    narrative = "（一）主动公开情况\n（二）依申请公开情况\n（三）政府信息公开的收费及减免情况\n"
    assert sections_present(narrative) == ["proactive", "requests", "fees"]


def test_heading_candidates_hold_every_place_a_heading_number_stands():
    """The places tried for headings hold every place where the number pattern matches, and the parts
    found there are those a search for each part's heading finds."""
    import random
    import re

    from transparency_stats.report_facts import _NUMBERED, _PART_RES, PARTS, _heading_candidates

    number = re.compile(_NUMBERED)
    rng = random.Random(7)
    pieces = ["一", "二", "十", "三十", "、", ".", ",", "(", ")", "1", "12", "123", "3.5", "第", "部分", "总体情况",
              "主动公开", "。", "五、", "(三)", "第二部分", "4、", "x", "\U0001d7d9", "\U000104a1", "\U0001f600",
              "收费", "行政复议", "其他需要报告", "存在的问题", "依申请公开"]
    texts = ["".join(rng.choice(pieces) for _ in range(60)) for _ in range(1000)] + ["", "1.", "(一)", "十一、"]
    for text in texts:
        expected = [i for i in range(len(text)) if number.match(text, i)]
        assert set(expected) <= set(_heading_candidates(text)), text
        assert sections_present(text, text) == [p for p in PARTS if _PART_RES[p].search(text)], text


def test_extract_report_sets_the_facts(tmp_path):
    text = ("标题: 示例市人民政府2020年政府信息公开工作年度报告\n发布时间: 2021-03-02 10:00\n"
            "示例市人民政府2020年政府信息公开工作年度报告\n统计期限为2020年1月1日至12月31日。\n" + BODY)
    crawler = tmp_path / "page.txt"
    crawler.write_text(text, encoding="utf-8")
    facts = extract_report(crawler).facts
    assert facts["published_on"] == "2021-03-02" and facts["published_source"] == "header:发布时间"
    assert facts["sections_present"] == TEMPLATE_PARTS and facts["mentions_fees"] and facts["mentions_problems"]
    page = tmp_path / "page.html"
    body = "".join(f"<p>{line}</p>" for line in text.split("\n")[2:])
    page.write_text(f'<html><head><meta name="PubDate" content="2021-03-04 08:00"></head><body>{body}</body></html>',
                    encoding="utf-8")
    facts = extract_report(page).facts
    assert (facts["published_on"], facts["published_source"]) == ("2021-03-04", "html_meta:PubDate")


# --------------------------------------------------------------------------- scorecards


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    """Two consecutive gov2021 reports of one organ whose tables hold every identity."""
    return coerce_figures(pd.read_csv(FIXTURES / "suqian_2023_2024.csv"))


def facts(report_id: str, published_on: str | None, **more) -> dict:
    row = {"report_id": report_id, "published_on": published_on, "published_source": "header:发布时间",
           "sections_present": ALL_PARTS, "mentions_fees": True, "mentions_problems": True}
    return {**row, **more}


def status(cards: pd.DataFrame, report_id: str) -> dict:
    mine = cards[(cards["report_id"] == report_id) & (cards["criterion"] != "total")]
    return dict(zip(mine["criterion"], mine["status"], strict=True))


def total(cards: pd.DataFrame, report_id: str) -> float:
    return float(cards[(cards["report_id"] == report_id) & (cards["criterion"] == "total")]["score"].iloc[0])


def test_every_criterion_met(figures):
    reports = pd.DataFrame([facts("suqian2023", "2024-03-20"), facts("suqian2024", "2025-03-28")])
    cards = quality.scorecard(figures, reports)
    assert list(cards.columns) == quality.SCORECARD_COLUMNS
    got = status(cards, "suqian2024")
    assert got == {"on_time": "met", "parts_present": "met", "cells_filled": "met", "fees_text": "met",
                   "problems_text": "met", "identities": "met", "prose_vs_table": "cannot_tell",
                   "carried_over": "met", "no_jumps": "met"}
    row = cards[(cards["report_id"] == "suqian2024") & (cards["criterion"] == "on_time")].iloc[0]
    assert row["value"] == -3 and "2025-03-31" in row["detail"]  # people's government: 31 March
    assert (row["organ"], row["organ_kind"]) == ("宿迁市人民政府", "peoples_government")
    weights = quality.load_weights()
    assert total(cards, "suqian2024") == round(100 * (sum(weights.values()) - weights["prose_vs_table"])
                                               / sum(weights.values()), 1)
    assert status(cards, "suqian2023")["no_jumps"] == "cannot_tell"  # no report of the year before
    assert ts.scorecard is quality.scorecard


def test_every_criterion_failed(figures):
    broken = figures.copy()
    second = broken["report_id"] == "suqian2024"
    received = second & (broken["metric"] == "requests_received") & (broken["applicant"] == "natural_person")
    broken.loc[received, "value"] += 1  # identities 1 and 2 break
    over = second & (broken["metric"] == "requests_carried_over")
    broken.loc[over & (broken["applicant"] == "total"), "value"] = 120  # ≠ last year's 121 carried forward
    pending = second & (broken["metric"] == "reconsideration_pending")
    broken.loc[pending, ["value", "cell"]] = [pd.NA, "blank"]
    jump = second & (broken["metric"] == "regulations_issued")
    broken.loc[jump, "value"] = broken.loc[jump, "value"] * 10 + 5
    reports = pd.DataFrame([facts("suqian2023", "2024-03-20"),
                            facts("suqian2024", "2025-04-02", sections_present="overview|proactive|requests",
                                  mentions_fees=False, mentions_problems=False)])
    warnings = pd.DataFrame([{"report_id": "suqian2024", "kind": "ambiguous", "location": "char:10",
                              "message": "requests_received: the annex's breakdown contradicts the prose (x); left out"}])
    cards = quality.scorecard(broken, reports, warnings=warnings)
    got = status(cards, "suqian2024")
    assert got == {criterion: "not_met" for criterion in got}
    failed = league.failures(cards)
    identity = failed[failed["criterion"] == "identities"].iloc[0]
    assert "identity 1 natural_person" in identity["detail"] and identity["location"]
    late = cards[(cards["report_id"] == "suqian2024") & (cards["criterion"] == "on_time")].iloc[0]
    assert late["value"] == 2
    assert total(cards, "suqian2024") == 0
    assert league.criteria_failed(cards).set_index("criterion").loc["identities", "not_met"] == 1


def test_cannot_tell_without_what_a_criterion_needs(figures):
    narrative = pd.DataFrame({
        "report_id": ["n1"] * 2, "source_file": ["n1.txt"] * 2, "agency": ["示例县某某镇人民政府"] * 2,
        "report_year": [2020] * 2, "format_version": ["narrative"] * 2, "table": ["narrative"] * 2,
        "metric": ["requests_received", "proactive_items"], "applicant": ["total"] * 2, "value": [3, 40],
        "cell": ["number"] * 2,
    })
    cards = quality.scorecard(pd.concat([figures, narrative]))  # no reports table: no facts
    for report_id in ("suqian2023", "suqian2024"):
        got = status(cards, report_id)
        for criterion in ("on_time", "parts_present", "fees_text", "problems_text"):
            assert got[criterion] == "cannot_tell", (report_id, criterion)
    got = status(cards, "n1")
    assert got["identities"] == got["cells_filled"] == got["carried_over"] == "not_applicable"
    assert got["no_jumps"] == "cannot_tell"
    # a township's report under the 2019 regulation has no statutory deadline in the data
    cards = quality.scorecard(narrative, pd.DataFrame([facts("n1", "2021-02-01")]))
    on_time = cards[(cards["report_id"] == "n1") & (cards["criterion"] == "on_time")].iloc[0]
    assert on_time["status"] == "cannot_tell" and "township" in on_time["detail"]
    # nothing missing counts as met: a report known only by its facts table meets nothing it cannot show
    cards = quality.scorecard(figures.iloc[0:0], pd.DataFrame([{"report_id": "x", "agency": "示例市财政局"}]))
    assert "met" not in set(cards["status"].dropna())


def test_reports_without_figures_and_custom_weights(figures):
    reports = pd.DataFrame([facts("r9", "2020-01-15", agency="示例市财政局", report_year=2019,
                                  format_version="gov2019", sections_present="overview|proactive")])
    cards = quality.scorecard(figures, reports)
    got = status(cards, "r9")
    assert got["on_time"] == "met" and got["parts_present"] == "not_met" and got["fees_text"] == "not_applicable"
    weights = pd.DataFrame({"criterion": ["on_time", "parts_present"], "weight": [3, 1]})
    cards = quality.scorecard(figures, reports, weights=weights)
    assert set(cards["criterion"]) == {"on_time", "parts_present", "total"}
    assert total(cards, "r9") == 75.0
    with pytest.raises(ValueError, match="weights"):
        quality.scorecard(figures, reports, weights=pd.DataFrame({"criterion": ["on_time"], "weight": ["x"]}))


def test_deadlines_are_the_regulations():
    assert quality.deadline_for(2018, "department")[0] == dt.date(2019, 3, 31)
    assert quality.deadline_for(2019, "department")[0] == dt.date(2020, 1, 31)
    assert quality.deadline_for(2019, "peoples_government")[0] == dt.date(2020, 3, 31)
    assert quality.deadline_for(2019, "township") is None


def test_league_table_ranks_within_peer_groups(figures, tmp_path):
    reports = pd.DataFrame([facts("suqian2023", "2024-03-20"), facts("suqian2024", "2025-04-20"),
                            facts("d1", "2025-01-10", agency="宿迁市财政局", report_year=2024,
                                  format_version="gov2021")])
    cards = quality.scorecard(figures, reports)
    table = league.league_table(cards)
    assert set(table["rank"]) == {1}  # each organ-year alone in its peer group
    assert table["peer_group"].nunique() == 2
    written = league.export_scorecards(cards, tmp_path)
    assert [p.name for p in written] == ["scorecards.csv", "scorecards.xlsx"]
    assert (tmp_path / "scorecards.csv").read_bytes().startswith(b"\xef\xbb\xbf")
