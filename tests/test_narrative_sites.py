"""Narrative wordings of sites the dev corpus does not hold: invented sentences and annexes."""

from __future__ import annotations

from transparency_stats.narrative import extract_text_figures
from transparency_stats.numbers import Quantity, parse_quantity
from transparency_stats.reading import Document


def _text(text: str, layout: str = "narrative") -> dict[str, float | None]:
    figures, _ = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), layout)
    return {f.metric: f.value for f in figures}


_ANNEX = (
    "七、附表 指标名称 单位 2015年 历年累计 主动公开文件数 条 58 230 "
    "受理政府信息公开申请总数 条 3 9 行政复议数 件 0 1 行政诉讼数 件 0 0 "
    "{row} 件 {this_year} {cumulative}"
)


def test_annex_appeals_and_reports_row_is_the_complaints_total() -> None:
    for row in ("接受行政申诉、举报数", "行政申诉、举报数", "行政申诉数"):
        values = _text(_ANNEX.format(row=row, this_year=2, cumulative=5))
        assert values["complaints_total"] == 2, row
        assert values["proactive_items_total"] == 58


def test_annex_complaints_row_run_together() -> None:
    text = "附表 指标名称单位2016年历年累计主动公开文件数条4160行政复议数件00接受行政申诉、举报数件36"
    assert _text(text)["complaints_total"] == 3


def test_received_and_answered_in_one_verb() -> None:
    text = "三、依申请公开情况 2016年，本办通过电子邮件共收到并答复依申请公开政府信息4条。"
    assert _text(text)["requests_received"] == 4


def test_no_fee_from_citizens_legal_persons_or_other_organisations() -> None:
    text = "四、收费及减免情况 2014年度本委未向公民、法人或其他组织收取任何费用。"
    assert _text(text)["fees_collected_yuan"] == 0
    text = "四、收费及减免情况 本年度未向申请人、法人收取费用。"
    assert _text(text)["fees_collected_yuan"] == 0
    # A fee charged to them is no stated zero.
    assert "fees_collected_yuan" not in _text("四、收费情况 本年度向公民、法人收取工本费。")


def test_annex_total_contradicted_by_prose_takes_its_channels_and_answers_with_it() -> None:
    text = (
        "三、依申请公开情况 2014年，本站共收到依申请公开5件，均为网上申请，同意公开5件。"
        "七、附表 指标名称 计量单位 2014年度 主动公开信息数 条 27 受理依申请公开信息总数 条 0 "
        "其中：1.当面申请数 件 0 2.网上申请数 件 0 对申请的答复数 件 0 "
        "其中：1.同意公开答复数 件 0 2.同意部分公开答复数 件 0 3.否决公开答复数 件 0 行政复议数 件 0"
    )
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), "narrative")
    values = {f.metric: f.value for f in figures}
    assert values["proactive_items_total"] == 27
    assert values["reconsideration_total"] == 0
    for metric in ("requests_received", "requests_in_person", "requests_online", "results_total",
                   "results_partial", "results_denied_total"):
        assert metric not in values, metric
    assert any("requests_online" in issue.message for issue in issues)


def test_annex_total_agreeing_with_prose_keeps_its_rows() -> None:
    text = (
        "三、依申请公开情况 2014年，本站共收到依申请公开2件。"
        "七、附表 指标名称 计量单位 2014年度 受理依申请公开信息总数 条 2 "
        "其中：1.当面申请数 件 0 2.网上申请数 件 2 对申请的答复数 件 2 其中：1.同意公开答复数 件 2"
    )
    values = _text(text)
    assert values["requests_received"] == 2
    assert values["requests_online"] == 2
    assert values["results_total"] == 2
    assert values["results_granted"] == 2


def test_older_annex_template_rows() -> None:
    text = (
        "七、附表 指 标 名 称 计量单位 本年数量 主动公开信息数 条 31 正式受理政府信息公开申请数 件 6 "
        "其中：1．在办 件 1 2．办结 件 5 其中：1．同意提供 件 4 2．拒绝提供 件 1 "
        "其中：1．信息不存在 件 1 2．信息涉密 件 1 受理政府信息公开工作行政复议数 件 2"
    )
    values = _text(text)
    assert values["proactive_items_total"] == 31
    assert values["requests_received"] == 6
    assert values["results_granted"] == 4
    assert values["reconsideration_total"] == 2
    # 拒绝提供 counts 信息不存在 too: no contract id; 办结 is left to the 答复总数 row.
    assert "results_denied_total" not in values
    assert "results_total" not in values


def test_annex_total_of_requests_named_after_the_government_information() -> None:
    text = "六、统计表 指标名称 计量单位 2016年度 历年累计 主动公开文件数 条 80 900 受理政府信息依申请公开总数 条 3 12"
    assert _text(text)["requests_received"] == 3


def test_answered_count_named_as_a_number_of_cases() -> None:
    text = "（二）依申请公开办理情况 2017年度，已答复件数5件，已答复中“同意公开”的件数为4件。"
    values = _text(text)
    assert values["results_total"] == 5
    assert values["results_granted"] == 4


def test_rate_written_as_one_hundred_percent_in_words() -> None:
    assert parse_quantity("百分之百") == Quantity(1.0, "%", False)
    assert parse_quantity("百") is None  # alone it is no count
    text = "五、建议提案办理 本年度承办人大代表建议12件、政协提案9件，办结率和满意率均达百分之百。"
    values = _text(text)
    assert values["proposal_completion_rate"] == 1.0
    assert values["proposal_satisfaction_rate"] == 1.0


def test_run_together_annex_cut_left_only_by_order_needs_confirmation() -> None:
    # '30552' cuts as 30|552 or 305|52: cumulative ≥ this year keeps only the first, but a report
    # whose cumulative is below this year's count is published as it is; nothing here decides.
    annex = ("第六部分 附表 指标名称 计量单位 本年（2017年） 历年累计 主动公开文件数 条 30552 "
             "其中：1.政府网站公开数 条 30552 2.政府公报公开数 条 00")
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=annex), "narrative")
    values = {f.metric: f.value for f in figures}
    assert "proactive_items_total" not in values and "proactive_items_website" not in values
    assert values["proactive_items_gazette"] == 0
    assert any(i.kind == "ambiguous" and "30552" in i.message for i in issues)
    # The prose states this year's count: that cut is read, and the sums settle the website row.
    prose = "第二部分 主动公开情况 本局2017年主动公开政府信息305条。 "
    figures, _ = extract_text_figures(Document(path="inline.txt", kind="txt", text=prose + annex), "narrative")
    values = {f.metric: f.value for f in figures}
    assert values["proactive_items_total"] == 305
    assert values["proactive_items_website"] == 305
    assert values["proactive_items_gazette"] == 0
