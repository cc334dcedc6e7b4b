"""Figures read from report prose and from the 统计表 annex of narrative reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from transparency_stats.narrative import extract_text_figures
from transparency_stats.reading import Document, read_document
from transparency_stats.schema import Figure

FIXTURES = Path(__file__).parent / "fixtures" / "narrative"
SEED = Path(__file__).parents[1] / "data" / "raw" / "000_4c0351ed7b07ef03.txt"


def _figures(path: Path, layout: str = "narrative") -> dict[str, Figure]:
    figures, _ = extract_text_figures(read_document(path), layout)
    metrics = [f.metric for f in figures]
    assert len(metrics) == len(set(metrics)), "one figure per metric"
    return {f.metric: f for f in figures}


def _text(text: str, layout: str = "narrative") -> dict[str, float | None]:
    figures, _ = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), layout)
    return {f.metric: f.value for f in figures}


def _values(figures: dict[str, Figure]) -> dict[str, float | None]:
    return {metric: f.value for metric, f in figures.items()}


def _approximate(figures: dict[str, Figure]) -> set[str]:
    return {metric for metric, f in figures.items() if f.approximate}


# --------------------------------------------------------------------------- the seed report


def test_seed_gives_exactly_its_seventeen_figures(seed_path, seed_figures, seed_approximate) -> None:
    figures = _figures(seed_path)
    assert _values(figures) == seed_figures
    assert _approximate(figures) == seed_approximate
    assert figures["fees_collected_yuan"].cell == "zero"
    assert figures["reconsideration_total"].cell == "zero"
    assert figures["litigation_total"].cell == "zero"
    assert figures["proactive_items_total"].raw_value == "2万六千余条"


def test_figures_carry_provenance() -> None:
    doc = read_document(SEED)
    figures, _ = extract_text_figures(doc, "narrative")
    for figure in figures:
        assert figure.table == "narrative" and figure.applicant == "total"
        offset = int(figure.location.removeprefix("char:"))
        assert doc.text[offset] == figure.raw_value[0]
        assert figure.raw_value in figure.raw_label


# --------------------------------------------------------------------------- narrative fixtures


def test_traditional_text_with_pinyin_and_chinese_numerals() -> None:
    figures = _figures(FIXTURES / "traditional_pinyin.txt")
    assert _values(figures) == {
        "new_media_items": 3000,
        "disclosure_units": 28,
        "proactive_items_total": 12000,
        "wechat_posts": 800,
        "weibo_posts": 2000,
        "press_conferences": 6,
        "npc_suggestions": 52,
        "cppcc_proposals": 108,
        "proposal_completion_rate": 1.0,
        "proposal_satisfaction_rate": 1.0,
        "requests_received": 9,
        "requests_written": 4,
        "requests_online": 5,
        "on_time_rate": 1.0,
        "fees_collected_yuan": 0,
        "reconsideration_total": 0,
        "litigation_total": 0,
    }
    assert _approximate(figures) == {"new_media_items", "proactive_items_total", "wechat_posts", "weibo_posts"}
    assert figures["fees_collected_yuan"].raw_value == "未收取信息公开申请任何费用"


def test_crawler_dump_with_spaced_annex_takes_this_year_column() -> None:
    figures = _figures(FIXTURES / "crawler_spaced_annex.txt")
    assert _values(figures) == {
        "proactive_items_total": 612,
        "proactive_items_website": 600,
        "proactive_items_gazette": 12,
        "requests_received": 3,
        "requests_in_person": 1,
        "requests_fax": 0,
        "requests_email": 0,
        "requests_online": 2,
        "requests_written": 0,
        "requests_other_channel": 0,
        "results_total": 3,
        "results_granted": 2,
        "results_partial": 1,
        "results_denied_total": 0,
        "reconsideration_total": 0,
        "litigation_total": 0,
    }
    assert not _approximate(figures)


def test_run_together_annex_is_split_only_where_provable() -> None:
    figures, issues = extract_text_figures(read_document(FIXTURES / "crawler_runtogether_annex.txt"), "narrative")
    values = {f.metric: f.value for f in figures}
    assert values == {
        "proactive_items_total": 3127,  # '312727807': the prose states 3127
        "proactive_items_website": 3127,  # total minus 公报 0|0, both columns
        "proactive_items_gazette": 0,
        "requests_received": 0,
        "requests_in_person": 0,  # '条002、' : the 2 is the next row's number
        "requests_online": 0,
        "requests_written": 0,  # '信函、传真' together 0: each is 0
        "requests_fax": 0,
        "results_total": 0,
        "results_granted": 0,
        "results_partial": 0,
        "results_denied_total": 0,
        "fees_collected_yuan": 0,
        "reconsideration_total": 0,
    }
    # The annex's 行政诉讼数 '12' (1 this year) contradicts the prose (none): left out, with a warning.
    assert "litigation_total" not in values
    assert any(i.kind == "ambiguous" and "litigation_total" in i.message for i in issues)


def test_run_together_annex_without_proof_is_left_out() -> None:
    text = (
        "三、政府信息依申请公开工作情况 全年办理顺利。 "
        "政府信息公开情况统计表 指标名称计量单位2014年度历年累计主动公开文件数条18236011"
        "受理依申请公开信息总数条01"
    )
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), "narrative")
    values = {f.metric: f.value for f in figures}
    assert "proactive_items_total" not in values  # 1|8236011, 18|236011, 182|36011, 1823|6011 all fit
    assert values == {"requests_received": 0}
    assert any(i.kind == "ambiguous" and "18236011" in i.message for i in issues)


# --------------------------------------------------------------------------- standard layouts


def test_standard_report_reads_only_what_tables_cannot_give() -> None:
    figures = _figures(FIXTURES / "standard_pdf_text.txt", "gov2021")
    assert _values(figures) == {"proactive_items_total": 3200, "press_conferences": 8, "fees_collected_yuan": 12000}
    assert _approximate(figures) == {"proactive_items_total"}
    assert figures["fees_collected_yuan"].raw_value == "1.2 万元"


def test_standard_text_read_as_narrative_gives_request_counts() -> None:
    values = _values(_figures(FIXTURES / "standard_pdf_text.txt", "narrative"))
    assert values["requests_received"] == 1210
    assert values["results_total"] == 1188
    assert values["reconsideration_total"] == 96
    assert values["litigation_total"] == 21


# --------------------------------------------------------------------------- decoys and edge cases


@pytest.mark.parametrize(
    "text",
    [
        "2011年制作政府信息总数1873条,其中不予公开信息数1402。",
        "截至发文之日,共主动公开政策性文件90份。",
        "公开科技创新等重点领域信息2000余条,通过“某某发布”公众号发布信息672条。",
        "全年新增公开市政府及市政府办政策性文件 11 件。",
        "区直各部门主动公开政府信息2275条,占77%。",
        "其他应主动公开政府信息856条。",
        "自《条例》实施以来,累计主动公开政府信息15万余条。",
        "开设窗口24个,共受理申请136437件。",
        "网友留言11条,已100%及时整改并按时办结回复。",
        "共收到15564件咨询投诉件,已办结15042件。",
        "其中:予以公开及部分公开42件,不予公开5件。",
        "政府信息公开收费减免金额元00",
        "全年新增3个政府信息公开单位。",
        "全市行政复议机关共收到行政复议申请1200件,其中涉及政府信息公开的45件。",
        "在答复中,延期答复2件。",
    ],
)
def test_decoys_give_nothing(text: str) -> None:
    assert _text(text) == {}


def test_mojibake_is_never_part_of_a_number() -> None:
    assert _text("通过微信公众号发布信息\ufffd\ufffd3千余条。") == {}
    assert _text("全年主动公开政府信息共3\ufffd\ufffd条。") == {}


def test_shared_rate_applies_to_both_counts() -> None:
    values = _text("全年共办理人大代表建议两百件、政协委员提案一百零八件,办结率和满意率均为百分之九十五。")
    assert values == {
        "npc_suggestions": 200,
        "cppcc_proposals": 108,
        "proposal_completion_rate": 0.95,
        "proposal_satisfaction_rate": 0.95,
    }


def test_rates_outside_proposals_are_not_proposal_rates() -> None:
    assert _text("12345热线办结率为98%。") == {}


def test_disagreeing_statements_give_no_figure() -> None:
    text = "全年主动公开政府信息3000条。门户网站主动公开政府信息2800条。"
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), "narrative")
    assert figures == []
    assert issues and issues[0].kind == "ambiguous" and issues[0].severity == "warning"


def test_statements_of_none() -> None:
    assert _text("全年未收取任何政府信息公开申请费用。") == {"fees_collected_yuan": 0}
    assert _text("2015年未收到有关政府信息公开行政复议、提起行政诉讼的申请。") == {
        "reconsideration_total": 0,
        "litigation_total": 0,
    }
    assert _text("2021年,无收取信息处理费情况。", "gov2021") == {"fees_collected_yuan": 0}


def test_fees_in_yuan() -> None:
    assert _text("全年收取政府信息公开信息处理费3940元。", "gov2019") == {"fees_collected_yuan": 3940}


def test_unknown_layout_is_an_error() -> None:
    with pytest.raises(ValueError):
        extract_text_figures(Document(path="inline.txt", kind="txt", text=""), "gov2030")


# --------------------------------------------------------------------------- wording seen in more reports


def test_cumulative_to_date_is_not_the_year() -> None:
    assert _text("本单位到目前累计主动公开政府信息340条。") == {}
    assert _text("全镇至今主动公开政府信息1200余条。") == {}
    text = "本区到年底累计主动公开政府信息8100条,全文电子化率达95%,其中,本年度新增主动公开政府信息1460条。"
    assert _text(text) == {"proactive_items_total": 1460}


def test_proactive_count_in_jian() -> None:
    assert _text("2016年度我乡主动公开政府信息件数为86件。") == {"proactive_items_total": 86}


def test_request_counts_with_shu_labels() -> None:
    text = (
        "2014年全市共收到有关政府信息公开的申请三十四条,其中当面申请数20条,网上申请数14条;"
        "对依申请公开的答复总数34条,其中同意公开答复数30条,同意部分公开答复数3条,否决公开答复数1条。"
    )
    assert _text(text) == {
        "requests_received": 34,
        "requests_in_person": 20,
        "requests_online": 14,
        "results_total": 34,
        "results_granted": 30,
        "results_partial": 3,
        "results_denied_total": 1,
    }


def test_department_requests_are_not_the_total() -> None:
    assert _text("其中区直各部门共收到有关政府信息公开的申请12条。") == {}


def test_statements_of_none_in_other_wordings() -> None:
    assert _text("本年度,未产生针对本局政府信息公开的行政复议与行政诉讼。") == {
        "reconsideration_total": 0,
        "litigation_total": 0,
    }
    assert _text("全年未发生涉及本委有关政府信息公开事务的行政复议案、行政诉讼案。") == {
        "reconsideration_total": 0,
        "litigation_total": 0,
    }
    assert _text("2012年没有针对我镇政府信息公开申请而提起行政复议或行政诉讼的情况发生。") == {
        "reconsideration_total": 0,
        "litigation_total": 0,
    }
    assert _text("2015年我街道没有接到公民要求公开政府信息的申请。") == {"requests_received": 0}
    assert _text("本局未收取与政府信息公开申请有关的任何费用。") == {"fees_collected_yuan": 0}
    assert _text("本年度我镇没有因政府信息公开而产生的收费,也无减免。") == {"fees_collected_yuan": 0}


@pytest.mark.parametrize(
    "text",
    [
        "没有针对政府信息公开的行政复议、行政诉讼2件。",
        "2014年用于设立公开栏等产生的政府信息公开费用2万元。",
        "未收取行政审批申请的任何费用。",
        "本局无政府信息公开收费标准。",
    ],
)
def test_more_decoys_give_nothing(text: str) -> None:
    assert _text(text) == {}


def test_prose_review_count_against_annex_zero_is_left_out() -> None:
    text = (
        "三、依申请公开情况 全年未收到有关政府信息公开的申请,收到2份有关政府信息公开行政复议申请。"
        " 政府信息公开情况统计表 指标名称 计量单位 2013年度 历年累计 受理依申请公开信息总数 条 0 0"
        " 行政复议数 件 0 0 行政诉讼数 件 0 0"
    )
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), "narrative")
    values = {f.metric: f.value for f in figures}
    assert "reconsideration_total" not in values
    assert values["litigation_total"] == 0
    assert any(i.kind == "ambiguous" and "reconsideration_total" in i.message for i in issues)


def test_annex_channels_contradicted_by_prose_are_all_left_out() -> None:
    text = (
        "全年共收到有关政府信息公开的申请9条,网上申请数4条,信函申请数5条。"
        " 政府信息公开情况统计表 指标名称 计量单位 2013年度 历年累计 受理依申请公开信息总数 条 9 30"
        " 1、当面申请数 条 0 2 2、传真申请数 条 0 0 3、电子邮件申请数 条 4 9 4、网上申请数 条 5 12"
        " 5、信函申请数 条 0 7"
    )
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), "narrative")
    values = {f.metric: f.value for f in figures}
    assert values == {"requests_received": 9}
    assert any(i.kind == "ambiguous" and "requests_email" in i.message for i in issues)


def test_numbered_fax_row_of_the_annex_is_read() -> None:
    text = (
        "政府信息公开情况统计表 指标名称 计量单位 2012年度 历年累计 受理依申请公开信息总数 条 0 0"
        " 其中:1、当面申请数 条 0 0 2、传真申请数 条 0 0 3、信函、传真申请数 条 0 0"
    )
    values = _text(text)
    assert values["requests_fax"] == 0 and values["requests_in_person"] == 0


def test_annex_proactive_rows_contradicted_by_prose_are_left_out() -> None:
    text = (
        "二、主动公开政府信息情况 2013年主动公开政府信息2480条。"
        " 政府信息公开情况统计表 指标名称 计量单位 2013年度 历年累计 主动公开信息数 条 51200 60310"
        " 其中:1、网站公开 条 51200 60310 2、政府公报公开 条 0 0"
    )
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), "narrative")
    assert figures == []
    assert any(i.kind == "ambiguous" and "proactive_items_website" in i.message for i in issues)
