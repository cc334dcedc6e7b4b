"""Recognising reports by their structure, and their organ and year (invented texts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from transparency_stats.extract import extract_report
from transparency_stats.reading import Document, ReadError
from transparency_stats.recognise import check_report, recognise

NARRATIVE_BODY = (
    "一、概述\n本年度按条例要求推进公开工作。\n"
    "二、主动公开政府信息情况\n本年主动公开政府信息418条。\n"
    "三、依申请公开政府信息情况\n本年收到政府信息公开申请6件。\n"
    "四、收费及减免情况\n本年未收取任何费用。\n"
    "五、因政府信息公开申请提起行政复议、行政诉讼情况\n本年无行政复议和行政诉讼。\n"
)

STANDARD_BODY = (
    "一、总体情况\n本年主动公开各类信息2650条。\n"
    "二、主动公开政府信息情况\n第二十条第(一)项 信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 3\n"
    "三、收到和处理政府信息公开申请情况\n申请人情况 自然人 法人或其他组织 总计\n"
    "一、本年新收政府信息公开申请数量 9 1 0 0 0 0 10\n"
    "四、政府信息公开行政复议、行政诉讼情况\n"
    "五、存在的主要问题及改进情况\n个别栏目更新不及时。\n"
    "六、其他需要报告的事项\n本年未收取信息处理费。\n"
)


def _doc(text: str) -> Document:
    return Document(path="inline.txt", kind="txt", text=text)


@pytest.mark.parametrize(
    ("text", "agency", "year"),
    [
        # a bureau's title without 政府
        ("某某市林业局2020年度信息公开工作年度报告\n" + NARRATIVE_BODY, "某某市林业局", 2020),
        # a title broken over two lines
        ("某某县文化和旅游局2021年度政府信息公开\n工作年度报告\n" + STANDARD_BODY, "某某县文化和旅游局", 2021),
        # a commission's own wording
        ("某某市发展和改革委员会关于2022年度政府信息公开工作情况的报告\n" + STANDARD_BODY,
         "某某市发展和改革委员会", 2022),
        # an office's report naming itself 我办 in the text
        ("某某区人民政府办公室2016年政府信息公开工作年度报告\n我办2016年政府信息公开工作年度报告如下。\n"
         + NARRATIVE_BODY, "某某区人民政府办公室", 2016),
    ],
)
def test_reports_with_other_titles_are_recognised(text: str, agency: str, year: int) -> None:
    recognition = recognise(_doc(text))
    assert (recognition.agency, recognition.year) == (agency, year)


@pytest.mark.parametrize("body", [NARRATIVE_BODY, STANDARD_BODY])
def test_a_report_without_title_is_recognised_by_its_sections(body: str) -> None:
    check_report(_doc(body))


def test_self_references_are_never_organ_names() -> None:
    text = "我街道2019年政府信息公开工作年度报告\n" + NARRATIVE_BODY
    assert recognise(_doc(text)).agency is None


@pytest.mark.parametrize(
    "text",
    [
        "关于报送2021年度政府信息公开工作年度报告的通知\n各街道、各部门:\n"
        "请于1月底前报送本单位政府信息公开工作年度报告,说明主动公开、依申请公开等情况。\n",
        "某某局2021年部门预算\n一、概述\n主动公开预算信息,依申请公开事项见政府信息公开指南。\n",
        "某某镇召开政府信息公开培训会\n会议要求做好主动公开和依申请公开工作。\n",
    ],
)
def test_notices_and_budgets_are_not_reports(text: str) -> None:
    with pytest.raises(ReadError, match="not a government information disclosure annual report"):
        check_report(_doc(text))


def test_standard_report_cut_before_its_tables_is_flagged(tmp_path: Path) -> None:
    text = (
        "某某县水利局2022年政府信息公开工作年度报告\n"
        "一、总体情况\n(一)主动公开\n本年主动公开政府信息560条。\n(二)依申请公开\n本年受理政府信息公开申请14件。\n"
        "二、主动公开政府信息情况\n"
    )
    path = tmp_path / "cut.txt"
    path.write_text(text, encoding="utf-8")
    result = extract_report(path)
    assert result.format_version == "gov2021"
    assert [i.severity for i in result.issues if i.kind == "truncated"] == ["warning"]
    metrics = {f.metric: f.value for f in result.figures}
    assert metrics == {"proactive_items_total": 560}  # requests belong to the missing table


def test_organ_and_year_from_the_signature_when_the_title_is_missing() -> None:
    text = NARRATIVE_BODY + "\n某某县农业农村局\n2019年2月14日\n"
    recognition = recognise(_doc(text))
    assert (recognition.agency, recognition.year) == ("某某县农业农村局", 2018)


def test_year_from_the_period_sentence_wins_over_the_publication_date() -> None:
    text = "本报告统计期限为2017年1月1日至2017年12月31日。\n" + NARRATIVE_BODY + "\n某某县农业农村局\n2019年2月14日\n"
    assert recognise(_doc(text)).year == 2017


def test_ocr_lookalike_in_the_title_is_resolved_by_the_other_mentions() -> None:
    text = (
        "某某昙人民政府2018年政府信息公开工作年度报告\n" + NARRATIVE_BODY
        + "某某县人民政府办公室负责本报告。某某县人民政府网站设有公开专栏。\n"
    )
    assert recognise(_doc(text)).agency == "某某县人民政府"


def test_a_lone_name_is_kept_as_written() -> None:
    text = "某某昙人民政府2018年政府信息公开工作年度报告\n" + NARRATIVE_BODY
    assert recognise(_doc(text)).agency == "某某昙人民政府"


def test_a_report_without_any_readable_figure_gets_an_error_row(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("某某县档案馆2012年政府信息公开工作年度报告\n" + NARRATIVE_BODY.replace("418", "若干").replace("6件", "若干件")
                    .replace("本年未收取任何费用。", "").replace("本年无行政复议和行政诉讼。", ""), encoding="utf-8")
    result = extract_report(path)
    assert not result.figures
    assert [i.kind for i in result.issues if i.severity == "error"] == ["no_figures"]


def test_key_drops_what_the_label_normaliser_drops() -> None:
    """The text's key (read by layout and structure) has no whitespace and none of ``_DROP_RE``'s punctuation."""
    import random

    from transparency_stats.recognise import _DROP_RE, _key

    rng = random.Random(11)
    pieces = [" ", "\t", "\n", "\u3000", "\xa0", "\x1c", "\u2028", ":", "：", ",", "，", "、", ".", "．", "·", "•",
              "'", '"', "“", "”", "‘", "’", "「", "」", "『", "』", "主动公开", "12", "(一)", "本年", "-", "。"]
    for _ in range(200):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 60)))
        assert _key(Document(path="x", kind="text", text=text)) == _DROP_RE.sub("", text)
