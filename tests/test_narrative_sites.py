"""Narrative wordings of sites the dev corpus does not hold: invented sentences and annexes."""

from __future__ import annotations

from transparency_stats.narrative import extract_text_figures
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
