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
        "proactive_items_total": 734,
        "proactive_items_website": 700,
        "proactive_items_gazette": 34,
        "requests_received": 4,
        "requests_in_person": 1,
        "requests_fax": 0,
        "requests_email": 0,
        "requests_online": 3,
        "requests_written": 0,
        "requests_other_channel": 0,
        "results_total": 4,
        "results_granted": 3,
        "results_partial": 1,
        "results_denied_total": 0,
        "reconsideration_total": 0,
        "litigation_total": 0,
        "complaints_total": 0,
    }
    assert not _approximate(figures)


def test_run_together_annex_is_split_only_where_provable() -> None:
    figures, issues = extract_text_figures(read_document(FIXTURES / "crawler_runtogether_annex.txt"), "narrative")
    values = {f.metric: f.value for f in figures}
    assert values == {
        "proactive_items_total": 2045,  # '204518630': the prose states 2045
        "proactive_items_website": 2045,  # total minus 公报 0|0, both columns
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
        "三、依申请公开 本年办理有序。 "
        "统计表 指标名称计量单位2014年度历年累计主动公开文件数条17245033"
        "受理依申请公开信息总数条01"
    )
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), "narrative")
    values = {f.metric: f.value for f in figures}
    assert "proactive_items_total" not in values  # 1|7245033, 17|245033, 172|45033, 1724|5033 all fit
    assert values == {"requests_received": 0}
    assert any(i.kind == "ambiguous" and "17245033" in i.message for i in issues)


# --------------------------------------------------------------------------- standard layouts


def test_standard_report_reads_only_what_tables_cannot_give() -> None:
    figures = _figures(FIXTURES / "standard_pdf_text.txt", "gov2021")
    assert _values(figures) == {
        "proactive_items_total": 4100, "press_conferences": 5, "fees_collected_yuan": 8000, "on_time_rate": 1.0,
    }
    assert _approximate(figures) == {"proactive_items_total"}
    assert figures["fees_collected_yuan"].raw_value == "0.8 万元"


def test_standard_text_read_as_narrative_gives_request_counts() -> None:
    values = _values(_figures(FIXTURES / "standard_pdf_text.txt", "narrative"))
    assert values["requests_received"] == 860
    assert values["results_total"] == 845
    assert values["reconsideration_total"] == 37
    assert values["litigation_total"] == 14


# --------------------------------------------------------------------------- decoys and edge cases


@pytest.mark.parametrize(
    "text",
    [
        "2013年制作政府信息共计2264条,其中不予公开信息数1730。",
        "截至报告发布,共主动公开规范性文件47份。",
        "公开乡村振兴等重点领域信息1800余条,通过“某某在线”公众号发布信息318条。",
        "本年新增公开区政府及区政府办规范性文件 7 件。",
        "县直各单位主动公开政府信息1904条,占68%。",
        "其他应主动公开政府信息425条。",
        "《条例》施行以来,本县累计主动公开政府信息9万余条。",
        "设立服务窗口31个,全年共受理申请88215件。",
        "群众留言23条,已100%按时办结回复。",
        "共收到9310件咨询投诉件,已办结9188件。",
        "其中:予以公开及部分公开27件,不予公开3件。",
        "政府信息公开收费减免金额元00",
        "本年新增5个政府信息公开单位。",
        "全县行政复议机关共收到行政复议申请640件,其中涉及政府信息公开的18件。",
        "答复中,延期答复4件。",
    ],
)
def test_decoys_give_nothing(text: str) -> None:
    assert _text(text) == {}


def test_mojibake_is_never_part_of_a_number() -> None:
    assert _text("通过微信公众号发布信息\ufffd\ufffd3千余条。") == {}
    assert _text("全年主动公开政府信息共3\ufffd\ufffd条。") == {}


def test_shared_rate_applies_to_both_counts() -> None:
    values = _text("本年共承办人大代表建议一百六十件、政协委员提案九十四件,办结率和满意率均为百分之九十七。")
    assert values == {
        "npc_suggestions": 160,
        "cppcc_proposals": 94,
        "proposal_completion_rate": 0.97,
        "proposal_satisfaction_rate": 0.97,
    }


def test_rates_outside_proposals_are_not_proposal_rates() -> None:
    assert _text("便民热线办结率为96%。") == {}


def test_disagreeing_statements_give_no_figure() -> None:
    text = "本年主动公开政府信息4200条。门户网站主动公开政府信息3900条。"
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), "narrative")
    assert figures == []
    assert issues and issues[0].kind == "ambiguous" and issues[0].severity == "warning"


def test_statements_of_none() -> None:
    assert _text("本局本年未收取任何政府信息公开申请费用。") == {"fees_collected_yuan": 0}
    assert _text("2014年本乡未收到有关政府信息公开行政复议、行政诉讼的申请。") == {
        "reconsideration_total": 0,
        "litigation_total": 0,
    }
    assert _text("2022年,本机关无收取信息处理费情况。", "gov2021") == {"fees_collected_yuan": 0}


def test_fees_in_yuan() -> None:
    assert _text("本年收取政府信息公开信息处理费2760元。", "gov2019") == {"fees_collected_yuan": 2760}


def test_unknown_layout_is_an_error() -> None:
    with pytest.raises(ValueError):
        extract_text_figures(Document(path="inline.txt", kind="txt", text=""), "gov2030")


# --------------------------------------------------------------------------- wording seen in more reports


def test_cumulative_to_date_is_not_the_year() -> None:
    assert _text("本所到目前累计主动公开政府信息215条。") == {}
    assert _text("全乡至今主动公开政府信息900余条。") == {}
    text = "本县到年底累计主动公开政府信息6350条,全文电子化率达97%,其中,本年度新增主动公开政府信息1120条。"
    assert _text(text) == {"proactive_items_total": 1120}


def test_proactive_count_in_jian() -> None:
    assert _text("2015年度我镇主动公开政府信息件数为64件。") == {"proactive_items_total": 64}


def test_request_counts_with_shu_labels() -> None:
    text = (
        "2013年本县共接到有关信息公开的申请二十七条,其中当面申请数15条,网上申请数12条;"
        "对依申请公开的答复总数27条,其中同意公开答复数22条,同意部分公开答复数4条,否决公开答复数1条。"
    )
    assert _text(text) == {
        "requests_received": 27,
        "requests_in_person": 15,
        "requests_online": 12,
        "results_total": 27,
        "results_granted": 22,
        "results_partial": 4,
        "results_denied_total": 1,
    }


def test_department_requests_are_not_the_total() -> None:
    assert _text("其中县直各单位共收到有关政府信息公开的申请8条。") == {}


def test_statements_of_none_in_other_wordings() -> None:
    assert _text("本年,未产生针对本办政府信息公开工作的行政复议与行政诉讼。") == {
        "reconsideration_total": 0,
        "litigation_total": 0,
    }
    assert _text("全年未发生涉及本中心政府信息公开事项的行政复议案、行政诉讼案。") == {
        "reconsideration_total": 0,
        "litigation_total": 0,
    }
    assert _text("2011年没有针对本乡政府信息公开申请而提起行政复议或行政诉讼的情形。") == {
        "reconsideration_total": 0,
        "litigation_total": 0,
    }
    assert _text("2014年本社区没有接到群众要求公开政府信息的申请。") == {"requests_received": 0}
    assert _text("本办从未收取过与信息公开申请相关的任何费用。") == {"fees_collected_yuan": 0}
    assert _text("本年本乡没有因政府信息公开而产生的收费,亦无减免。") == {"fees_collected_yuan": 0}


@pytest.mark.parametrize(
    "text",
    [
        "没有针对政府信息公开的行政复议、行政诉讼3件。",
        "2013年用于制作公开栏等产生的政府信息公开费用3万元。",
        "未收取行政审批申请的任何费用。",
        "本局无政府信息公开收费标准。",
    ],
)
def test_more_decoys_give_nothing(text: str) -> None:
    assert _text(text) == {}


def test_prose_review_count_against_annex_zero_is_left_out() -> None:
    text = (
        "三、依申请公开 本年度未收到有关政府信息公开的申请,收到3份有关政府信息公开行政复议申请。"
        " 统计表 指标名称 单位 2012年 历年累计 受理依申请公开信息总数 条 0 2"
        " 行政复议数 件 0 1 行政诉讼数 件 0 0"
    )
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), "narrative")
    values = {f.metric: f.value for f in figures}
    assert "reconsideration_total" not in values
    assert values["litigation_total"] == 0
    assert any(i.kind == "ambiguous" and "reconsideration_total" in i.message for i in issues)


def test_annex_channels_contradicted_by_prose_are_left_out_unless_the_prose_settles_them() -> None:
    # the prose's channels (2 + 4) make up its 6 requests: it leaves 0 for every other channel,
    # so the annex's 0 for 当面 and 传真 agrees with it; its 3 for 电子邮件 does not
    text = (
        "本年共接到有关信息公开的申请6条,网上申请数2条,信函申请数4条。"
        " 统计表 指标名称 单位 2012年 历年累计 受理依申请公开信息总数 条 6 25"
        " 1、当面申请数 条 0 3 2、传真申请数 条 0 1 3、电子邮件申请数 条 3 8 4、网上申请数 条 4 10"
        " 5、信函申请数 条 0 3"
    )
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), "narrative")
    values = {f.metric: f.value for f in figures}
    assert values == {"requests_received": 6, "requests_in_person": 0, "requests_fax": 0}
    assert any(i.kind == "ambiguous" and "requests_email" in i.message for i in issues)


@pytest.mark.parametrize(
    "prose",
    [
        "本年共接到有关信息公开的申请7条,网上申请数2条,信函申请数4条。",  # one request by an unnamed channel
        "依申请公开方面,网上申请数2条,信函申请数4条。",  # no whole stated in the prose
    ],
)
def test_annex_channels_stay_out_when_the_prose_parts_do_not_make_up_its_whole(prose: str) -> None:
    text = (
        prose + " 统计表 指标名称 单位 2012年 历年累计 受理依申请公开信息总数 条 7 25"
        " 1、当面申请数 条 0 3 2、传真申请数 条 0 1 3、电子邮件申请数 条 3 8 4、网上申请数 条 4 10"
        " 5、信函申请数 条 0 3"
    )
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), "narrative")
    channels = {f.metric for f in figures if f.metric.startswith("requests_") and f.metric != "requests_received"}
    assert channels == set()
    assert any(i.kind == "ambiguous" and "requests_in_person" in i.message for i in issues)


def test_numbered_fax_row_of_the_annex_is_read() -> None:
    text = (
        "统计表 指标名称 单位 2011年 历年累计 受理依申请公开信息总数 条 0 4"
        " 其中:1、当面申请数 条 0 1 2、传真申请数 条 0 1 3、信函、传真申请数 条 0 2"
    )
    values = _text(text)
    assert values["requests_fax"] == 0 and values["requests_in_person"] == 0


def test_annex_proactive_rows_contradicted_by_prose_are_left_out() -> None:
    text = (
        "二、主动公开 2012年主动公开政府信息1930条。"
        " 统计表 指标名称 单位 2012年 历年累计 主动公开信息数 条 40800 52100"
        " 其中:1、网站公开 条 40800 52100 2、政府公报公开 条 0 0"
    )
    figures, issues = extract_text_figures(Document(path="inline.txt", kind="txt", text=text), "narrative")
    assert figures == []
    assert any(i.kind == "ambiguous" and "proactive_items_website" in i.message for i in issues)


# --------------------------------------------------------------------------- figures stated in words


@pytest.mark.parametrize(
    ("text", "layout", "expected"),
    [
        ("本年度本所没有收到政府信息公开申请。", "narrative", {"requests_received": 0}),
        ("2013年我乡没有接到公民、法人和其他组织的信息公开申请。", "narrative", {"requests_received": 0}),
        ("本年受理政府信息公开申请0宗。", "narrative", {"requests_received": 0}),
        ("全年共主动发布各类政府信息2760条。", "gov2021", {"proactive_items_total": 2760}),
        ("六、其他需要报告的事项 本机关本年度未发生收费情况。", "gov2021", {"fees_collected_yuan": 0}),
        ("本年共收到政府信息公开申请31件,均在法定期限内予以答复。", "gov2019", {"on_time_rate": 1.0}),
        ("依申请公开的14件申请全部按期答复。", "gov2021", {"on_time_rate": 1.0}),
        ("本年办理人大建议11件、政协提案19件,办结率100%。", "gov2021",
         {"npc_suggestions": 11, "cppcc_proposals": 19, "proposal_completion_rate": 1.0}),
    ],
)
def test_figures_stated_in_words(text: str, layout: str, expected: dict[str, float]) -> None:
    assert _text(text, layout) == expected


@pytest.mark.parametrize(
    "text",
    [
        "本年收到政府信息公开申请20件,其中18件均在法定期限内答复。",  # a part, not all requests
        "部分申请延期答复,其余均在法定期限内答复。",
        "来信来访均已答复。",  # no time stated
        "本年没有收到针对政府信息公开的行政复议申请。",  # review, not requests
        "本年度未发生收费标准调整。",
    ],
)
def test_statements_that_do_not_cover_the_whole_give_nothing(text: str) -> None:
    assert _text(text, "gov2021") == {}


def test_taiwan_wording_is_converted_with_its_profile() -> None:
    figures = _figures(FIXTURES / "taiwan_wording.txt")
    assert _values(figures) == {
        "proactive_items_total": 1250,
        "requests_received": 17,
        "requests_online": 9,
        "fees_collected_yuan": 0,
        "reconsideration_total": 0,
        "litigation_total": 0,
    }


def test_statements_of_none_under_their_section_headings() -> None:
    assert _text("三、依申请公开情况 本所全年没有接到申请公开政府信息的情况。") == {"requests_received": 0}
    assert _text("四、行政复议和诉讼情况 本所全年没有发生行政复议和行政诉讼案件。") == {
        "reconsideration_total": 0,
        "litigation_total": 0,
    }
    assert _text("全年没有发生行政复议和行政诉讼案件。") == {}  # no sign it concerns disclosure


def test_anchored_matching_finds_what_a_full_scan_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prose rules tried only at their anchors' starts give exactly the matches of a full scan."""
    import random

    from transparency_stats import narrative
    from transparency_stats.compact_text import CompactText
    from transparency_stats.narrative import _matches, _Region
    from transparency_stats.phrasings import TEXT_RULES

    monkeypatch.setattr(narrative, "_ANCHOR_GAIN", 0)  # always anchored, however common the anchor

    rng = random.Random(3)
    words = ["本年", "主动公开政府信息", "共", "条", "收到", "政府信息公开申请", "件", "行政复议", "行政诉讼",
             "未", "没有", "收取", "费用", "答复", "办结率", "满意率", "100%", "12", "3", "4567", "三百余",
             "规范性文件", "规章", "制发", "现行有效", "。", ",", "、", "其中", "微博", "微信", "发布", "信息",
             "主动公开政府信息共35条", "收到政府信息公开申请12件", "未收到政府信息公开申请", "满意率100%"]
    texts = [CompactText(p.read_text(encoding="utf-8"), digit_gaps=True).text
             for p in sorted(FIXTURES.glob("*.txt"))]
    texts += ["".join(rng.choice(words) for _ in range(400)) for _ in range(20)]
    checked = 0
    for text in texts:
        for rule in TEXT_RULES:
            for start, end in ((0, len(text)), (len(text) // 3, 2 * len(text) // 3)):
                expected = [m.span() for m in rule.compiled.finditer(text, start, end)]
                found = _matches(rule.compiled, rule.anchors, _Region(text, start, end, estimate=False))
                assert [m.span() for m in found] == expected
                checked += len(expected)
    assert checked > 200


def test_anchors_chosen_by_character_counts_find_what_a_full_scan_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules tried at the anchor the character and pair counts choose (and skipped when an anchor is
    absent) give exactly the matches of a full scan, also where a literal holds a pair twice."""
    import random

    from transparency_stats import narrative
    from transparency_stats.compact_text import CompactText
    from transparency_stats.narrative import _anchor_choice, _Region, _rule_matches
    from transparency_stats.phrasings import TEXT_RULES

    monkeypatch.setattr(narrative, "_ANCHOR_GAIN", 0)  # always anchored, however common the anchor
    rng = random.Random(5)
    words = ["本年", "主动公开政府信息", "共", "条", "收到", "受理", "政府信息公开申请", "件", "行政复议", "行政诉讼",
             "未", "没有", "无", "收取", "费用", "答复", "规范性文件", "制发", "现行有效", "。", ",", "、", "其中",
             "信息公开", "信息", "公开", "开政", "12", "3", "三百余", "\U0001f600", "\ufffd",
             "主动公开政府信息共35条", "收到政府信息公开申请12件", "未收到政府信息公开申请", "满意率100%"]
    texts = [CompactText(p.read_text(encoding="utf-8"), digit_gaps=True).text for p in sorted(FIXTURES.glob("*.txt"))]
    texts += ["".join(rng.choice(words) for _ in range(300)) for _ in range(20)] + [""]
    checked = 0
    for block in (narrative._BLOCK, 7, 1):  # characters are counted a block at a time
        monkeypatch.setattr(narrative, "_BLOCK", block)
        for text in texts:
            for start, end in ((0, len(text)), (len(text) // 3, 2 * len(text) // 3)):
                region = _Region(text, start, end)
                _, absent = _anchor_choice().choose(text, start, end)
                assert not [lit for lit in absent if text.find(lit, start, end) >= 0]
                for index, rule in enumerate(TEXT_RULES):
                    expected = [m.span() for m in rule.compiled.finditer(text, start, end)]
                    assert [m.span() for m in _rule_matches(index, rule, region)] == expected
                    checked += len(expected)
    assert checked > 600


def test_prose_regions_leave_out_only_the_start_of_overlong_sentences(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regions are the text but for what precedes the last _MAX_SENTENCE characters of an overlong
    sentence; a text no longer than that is one region."""
    import random

    from transparency_stats import narrative

    def reference(text: str, longest: int) -> list[tuple[int, int]]:
        regions: list[tuple[int, int]] = []
        start = previous = 0
        for end in [i + 1 for i, ch in enumerate(text) if ch in narrative._SENTENCE_END] + [len(text)]:
            if end - previous > longest:
                if previous > start:
                    regions.append((start, previous))
                start = end - longest
            previous = end
        if previous > start:
            regions.append((start, previous))
        return regions

    rng = random.Random(2)
    for longest in (1, 3, 8, 20):
        monkeypatch.setattr(narrative, "_MAX_SENTENCE", longest)
        for _ in range(300):
            text = "".join(rng.choice("一二三。;!?") for _ in range(rng.randrange(0, 40)))
            assert narrative._prose_regions(text) == reference(text, longest), (longest, text)
