"""Reports as other sites publish them: other wording, section titles, cell separators, page headers.

Every text here is invented (wording and numbers); the standard-layout
variants are the invented reports of ``fixtures/tables`` laid out as other
sites' PDF text dumps and crawlers give them.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from transparency_stats.extract import extract_report
from transparency_stats.narrative import extract_text_figures
from transparency_stats.normalize import normalize_text
from transparency_stats.reading import Document

TABLES = Path(__file__).parent / "fixtures" / "tables"
_spec = importlib.util.spec_from_file_location("make_fixtures_variants", TABLES / "make_fixtures.py")
assert _spec and _spec.loader
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)


def _prose(text: str) -> dict[str, float | None]:
    figures, _ = extract_text_figures(Document("inline.txt", "txt", normalize_text(text).text), "narrative")
    return {f.metric: f.value for f in figures}


# --------------------------------------------------------------------------- narrative wording


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本年度共受理各类政府信息公开申请25件。", {"requests_received": 25}),
        ("全年共收到群众政府信息公开申请8件。", {"requests_received": 8}),
        ("本年度无依申请公开事项。", {"requests_received": 0}),
        ("去年，我办没有接到依申请公开政府信息的情况。", {"requests_received": 0}),
        ("三、依申请公开情况 本年度我办受理依申请公开的数量为5条，历年累计受理依申请公开数9条。",
         {"requests_received": 5}),
        ("本年共答复申请4件，其中“予以公开”的件数是3件，“不予公开”的件数是1件，“部分公开”的件数是0件。",
         {"results_granted": 3, "results_partial": 0, "results_denied_total": 1}),
        ("依申请公开政府信息未收取检索、复制、邮寄等费用。", {"fees_collected_yuan": 0}),
        ("全年共收取信息公开费用0元。", {"fees_collected_yuan": 0}),
        ("四、收费及减免情况 本年度无收费及减免情况。", {"fees_collected_yuan": 0}),
        ("三、收费情况 本年度未收取任何费用。", {"fees_collected_yuan": 0}),  # the heading says which fees
        ("本年度，本局政府信息公开没有收费及减免。", {"fees_collected_yuan": 0}),
        ("全年未收到涉及政府信息公开的投诉举报。", {"complaints_total": 0}),
        ("本年度未收到任何针对我局政府信息公开工作的申诉、投诉或举报。", {"complaints_total": 0}),
        ("二、主动公开政府信息情况 2014年，本局共主动公开当年生成的各类政府信息52条，其中机构职责类4条。",
         {"proactive_items_total": 52}),
        ("五、支出与收费情况 公开工作中发生的费用从办公经费中开支，未向申请人、咨询人收取费用。", {"fees_collected_yuan": 0}),
        ("2014年，共收到群众提出的公开政府信息申请3条。", {"requests_received": 3}),
    ],
)
def test_narrative_wordings_of_other_sites(text: str, expected: dict[str, float]) -> None:
    assert _prose(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "本年度未收到依申请公开事项的投诉。",  # a complaint, not the requests
        "本年度无依申请公开申请3件以上的单位。",
        "本报告包括依申请公开情况、收费及减免情况、存在的问题等部分。",  # a table of contents
        "全年未收到涉及政府信息公开的投诉举报2件以外的其他事项。",
        "本年度无收费标准调整。",
        "三、行政事业性收费情况 本年度未收取任何费用。",  # other fees
        "本局各科室主动公开当年生成的政府信息12条。",  # a part: the departments
    ],
)
def test_wordings_that_state_no_figure(text: str) -> None:
    found = _prose(text)
    assert "requests_received" not in found and "fees_collected_yuan" not in found
    assert "complaints_total" not in found


def test_annex_titled_fubiao_is_read() -> None:
    text = ("某某县某某局2012年政府信息公开工作年度报告\n一、概述\n本年度本局主动公开政府信息12条。\n"
            "二、依申请公开情况\n本年度收到政府信息公开申请2件。\n"
            "八、附表：指标名称 单位 本年 累计数 主动公开文件数 条 12 40 其中：(1)政府网站公开数 条 12 38 "
            "(2)政府公报公开数 条 0 2 行政复议数 件 1 3 受理政府信息公开申请总数 条 2 5 其中：(1)网络申请数 条 2 4 "
            "(2)当面申请数 条 0 1 行政诉讼数 件 0 0\n")
    figures, _ = extract_text_figures(Document("x.txt", "txt", normalize_text(text).text), "narrative")
    values = {f.metric: f.value for f in figures}
    assert values["proactive_items_website"] == 12 and values["proactive_items_gazette"] == 0
    assert values["requests_online"] == 2 and values["requests_in_person"] == 0
    assert values["reconsideration_total"] == 1 and values["litigation_total"] == 0


# --------------------------------------------------------------------------- standard layouts as other sites print them


def _variant(layout: str, kind: str) -> str:
    lines = make_fixtures.spaced_lines(layout)
    if kind == "tabs":
        return "\n".join("\t".join(line.split(" ")) for line in lines)
    if kind == "spaces":
        return "\n".join("   ".join(line.split(" ")) for line in lines)
    if kind == "one_cell_per_line":
        return "\n".join(token for line in lines for token in line.split(" "))
    text = "\n".join(lines)
    if kind == "part_titles":
        for numeral, title in (("一", "总体情况"), ("二", "主动公开政府信息情况"), ("三", "收到和处理政府信息公开申请情况"),
                               ("四", "政府信息公开行政复议、行政诉讼情况")):
            text = text.replace(f"{numeral}、{title}", f"第{numeral}部分 {title}")
        return text
    if kind == "numbered_titles":
        for k, title in enumerate(("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                                   "政府信息公开行政复议、行政诉讼情况"), start=1):
            text = text.replace("一二三四"[k - 1] + "、" + title, f"{k}.{title}")
        return text
    if kind == "header_on_each_page":
        header = make_fixtures.NOTE + "\n申请人情况 自然人 法人或其他组织 总计\n商业企业 科研机构 社会公益组织 法律服务机构 其他"
        return text.replace("第 3 页", "第 3 页\n" + header)
    if kind == "units":
        rows = r"(?m)^(规章|行政规范性文件|规范性文件|行政许可|行政处罚|行政强制|2\.重复申请|1\.属于国家秘密) (.*)$"
        return re.sub(rows, lambda m: m.group(1) + " " + " ".join(
            t + "件" if t.isdigit() else t for t in m.group(2).split(" ")), text)
    raise ValueError(kind)


_KINDS = ("tabs", "spaces", "one_cell_per_line", "part_titles", "numbered_titles", "header_on_each_page", "units")


@pytest.mark.parametrize("kind", _KINDS)
@pytest.mark.parametrize("layout", ["gov2019", "gov2021"])
def test_standard_report_laid_out_as_other_sites_do(layout: str, kind: str, tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("\n".join(make_fixtures.spaced_lines(layout)), encoding="utf-8")
    variant = tmp_path / f"{kind}.txt"
    variant.write_text(_variant(layout, kind), encoding="utf-8")
    want = {(f.table, f.metric, f.applicant): f.value for f in extract_report(plain).figures if f.table != "narrative"}
    result = extract_report(variant)
    assert result.format_version == layout
    got = {(f.table, f.metric, f.applicant): f.value for f in result.figures if f.table != "narrative"}
    assert len(want) >= 200
    assert got == want


@pytest.mark.parametrize("mark", ["/", "—", "无", "-"])
def test_not_applicable_marks_in_table_three_are_no_zeros(mark: str, tmp_path: Path) -> None:
    """A dash, slash or 无 in a template cell is not applicable: no value, never 0 (blank ≠ zero)."""
    text = "\n".join(make_fixtures.spaced_lines("gov2021"))
    text = text.replace("2.重复申请 3 1 0 0 0 0 4", f"2.重复申请 3 1 {mark} {mark} 0 0 4")
    path = tmp_path / "marks.txt"
    path.write_text(text, encoding="utf-8")
    figures = {(f.metric, f.applicant): f for f in extract_report(path).figures}
    cell = figures[("results_not_processed_duplicate", "research")]
    assert cell.cell == "not_applicable" and cell.value is None
    assert figures[("results_not_processed_duplicate", "legal_services")].value == 0
    assert ("results_not_processed_total", "research") not in figures  # a sum over a mark is not derived
