"""Decoding, normalisation and reading of every input kind."""

from pathlib import Path

import pytest

from transparency_stats import reading
from transparency_stats.meta import detect_agency, detect_year
from transparency_stats.normalize import find_mojibake, normalize_label, normalize_text, opencc_profile
from transparency_stats.reading import Limits, ReadError, decode_bytes, decode_report_bytes, read_document

SAMPLE = "本年报数据的统计期限是2020年1月1日到2020年12月31日为止。全年主动公开政府信息１２３条。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SAMPLE.encode("gb2312"), "gb18030"),
        (SAMPLE.encode("utf-16"), "utf-16"),
    ],
)
def test_decode_every_encoding(data: bytes, encoding: str) -> None:
    text, used = decode_bytes(data)
    assert text == SAMPLE
    assert used == encoding


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (bytes(range(256)) * 20, "binary"),
    ],
)
def test_bad_bytes_are_rejected_with_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        decode_bytes(data)


def test_normalisation_of_traditional_pinyin_fullwidth_and_radicals() -> None:
    raw = "全年主動(dòng)公開(kāi)政府信息２萬(wàn)六千餘條，⾏政（一）①項"
    text = normalize_text(raw).text
    assert text == "全年主动公开政府信息2万六千余条,行政(一)①项"


def test_mojibake_is_located_and_masked_not_repaired() -> None:
    raw = "區政府積極開展座談?dòng)懻摚檎冶∪醐h(huán)節和不足,全年主動公開信息12條"
    spans = find_mojibake(raw)
    assert len(spans) == 1
    assert spans[0].text.startswith("?dòng)懻摚")
    result = normalize_text(raw)
    assert "懻" not in result.text and "\ufffd" in result.text
    assert result.text.endswith("全年主动公开信息12条")
    assert result.mojibake[0].start == raw.index("?")


def test_plain_question_marks_are_not_mojibake() -> None:
    assert find_mojibake("see https://example.org/page?id=3 for details") == []


def test_normalize_label_folds_spacing_brackets_and_script() -> None:
    assert normalize_label("社会公益 组织") == "社会公益组织"
    assert normalize_label("（二）部分公開（區分處理的，只計這一情形）") == "(二)部分公开(区分处理的只计这一情形)"


HTML_PAGE = """<html><head><title>站点</title><style>td{color:red}</style>
<script>var x = "一、本年新收政府信息公开申请数量 99";</script></head>
<body><div class="nav">首页 &gt; 政务公开</div><!-- 注释 123 -->
<h1>某市某局2022年政府信息公开工作年度报告</h1>
<p>本报告统计期限从2022年1月1日到2022年12月31日。</p>
<table><tr><td rowspan="2">信息内容</td><td colspan="2">本年<br>制发件数</td></tr>
<tr><td>&nbsp;5&nbsp;</td><td><span>1</span><span>2</span></td></tr></table>
</body></html>"""


def test_html_keeps_blocks_and_tables_drops_scripts_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML_PAGE, encoding="gbk")
    doc = read_document(path)
    assert "99" not in doc.text and "注释" not in doc.text and "color" not in doc.text
    assert "某市某局2022年政府信息公开工作年度报告" in doc.text.splitlines()
    assert doc.text.splitlines()[0] == "站点", "the page title comes first"
    assert doc.tables == [
        [["信息内容", "本年制发件数", "本年制发件数"], ["信息内容", "5", "12"]],
    ]


def test_markdown_pipe_tables(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_text("# 标题\n\n| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 3 |\n", encoding="utf-8")
    doc = read_document(path)
    assert doc.tables == [[["信息内容", "本年制发件数"], ["规章", "3"]]]


def test_docx_tables_and_paragraphs(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("某县人民政府2021年政府信息公开工作年度报告")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "信息内容"
    table.cell(0, 1).text = "本年制发件数"
    table.cell(0, 2).text = "现行有效件数"
    table.cell(1, 1).text = "4"
    table.cell(1, 2).text = "９"
    path = tmp_path / "r.docx"
    document.save(path)
    doc = read_document(path)
    assert doc.kind == "docx"
    assert doc.tables == [[["信息内容", "本年制发件数", "现行有效件数"], ["信息内容", "4", "9"]]]
    assert doc.text.splitlines()[0] == "某县人民政府2021年政府信息公开工作年度报告"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("a.pdf", b"not a pdf at all", "not a PDF"),
        ("a.docx", b"plain text pretending", "not a .docx"),
        ("a.doc", b"\xd0\xcf\x11\xe0 old word", "legacy .doc"),
        ("a.xyz", b"data", "unsupported"),
    ],
)
def test_wrong_container_is_a_clear_error(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError, match=reason):
        read_document(path)


@pytest.mark.parametrize(
    ("text", "year", "agency"),
    [
        ("标题: 某市2023年政府信息公开工作年度报告\n发布时间: 2024-01-05\n正文\n"
         "本报告统计期限:2022年1月1日起到2022年12月31日。", 2022, "某市人民政府"),
        ("发布机构: 某局\n生成日期: 2019-01-18\n2018年度南昌市某某区政府信息公开年度报告全文包括", 2018, "南昌市某某区人民政府"),
        ("某某市交通运输局\n2024 年政府信息公开工作年度报告\n统计期限 从 2024 年 1 月 1 日 到 2024 年 12 月 31 日",
         2024, "某某市交通运输局"),
        ("当前位置: 首页 年报 某某综合试验区2011年政府信息公开工作年度报告", 2011, "某某综合试验区"),
        ("某某县审计局2015年度政府信息公开年度工作报告\n全年主动公开信息20条", 2015, "某某县审计局"),
        ("某某市民政局2012年度信息公开报告", 2012, "某某市民政局"),
        ("某某区财政局2022年政府信息公开工作年度报告\n按照《关于做好2022年政府信息公开工作年度报告报送工作的通知》"
         "要求编制本报告。", 2022, "某某区财政局"),
        ("某某新区2021年度政府信息公开工作年度报告\n根据《某省政务公开办关于编制2021年政府信息公开"
         "工作年度报告的通知》, 我区编制2021年度政府信息公开工作年度报告。", 2021, "某某新区人民政府"),
        ("某某县水利局政府信息公开工作年度报告\n一、总体情况\n本表的统计时限从2020年1月1日到12月31日。",
         2020, "某某县水利局"),  # a title without its year
    ],
)
def test_year_and_agency_from_title_and_period(text: str, year: int, agency: str) -> None:
    assert detect_year(text) == year
    assert detect_agency(text) == agency


# --------------------------------------------------------------------------- undecodable bytes and limits


def test_stray_byte_is_replaced_and_touching_digits_masked() -> None:
    data = SAMPLE.encode("utf-8").replace("１２３".encode(), "１２".encode() + b"\x80" + "３".encode())
    offset = SAMPLE.encode("utf-8").index("３".encode())
    text, encoding, bad = decode_report_bytes(data)
    assert encoding == "utf-8"
    assert "信息\ufffd\ufffd\ufffd\ufffd条" in text  # １２, the bad byte and ３ are all masked
    [run] = bad
    assert run.raw == b"\x80" and run.byte_start == offset
    assert run.masked == "１２\ufffd３"


def test_clean_text_has_no_bad_bytes_and_gbk_is_not_taken_for_broken_utf8() -> None:
    assert decode_report_bytes(SAMPLE.encode("utf-8"))[2] == []
    text, encoding, bad = decode_report_bytes(SAMPLE.encode("gbk"))
    assert (text, encoding, bad) == (SAMPLE, "gb18030", [])


def test_utf16_cut_mid_character_is_read_but_a_shifted_one_is_not() -> None:
    data = SAMPLE.encode("utf-16")
    text, encoding, bad = decode_report_bytes(data[:-1])
    assert encoding == "utf-16" and text.startswith(SAMPLE[:-1]) and bad[0].byte_start == len(data) - 2
    with pytest.raises(ReadError, match="utf-16"):
        decode_report_bytes(data[:10] + b"\x00" + data[10:-2] + b"\xd8")  # misaligned, ends in a lone surrogate


def test_limits_come_from_the_environment_and_can_be_set() -> None:
    limits = Limits.from_env({"TRANSPARENCY_STATS_MAX_TABLE_CELLS": "5_000", "UNRELATED": "x"})
    assert limits.max_table_cells == 5000 and limits.max_text_bytes == Limits().max_text_bytes
    with pytest.raises(ValueError, match="TRANSPARENCY_STATS_MAX_TEXT_BYTES"):
        Limits.from_env({"TRANSPARENCY_STATS_MAX_TEXT_BYTES": "ten"})
    before = reading.LIMITS
    try:
        assert reading.set_limits(max_html_depth=50).max_html_depth == 50
        assert reading.LIMITS.max_html_depth == 50 and reading.LIMITS.max_table_cells == before.max_table_cells
    finally:
        reading.LIMITS = before


def test_table_spans_expand_up_to_the_cell_limit(tmp_path: Path) -> None:
    row = "<tr>" + '<td colspan="10" rowspan="3">甲</td>' * 3 + "</tr>"
    path = tmp_path / "spans.html"
    path.write_text(f"<html><body><table>{row}{row}{row}</table></body></html>", encoding="utf-8")
    doc = read_document(path, limits=Limits(max_table_cells=270))
    assert [len(r) for r in doc.tables[0]] == [30, 60, 90]  # each row also carries the spans from above
    with pytest.raises(ReadError, match="max_table_cells=179"):
        read_document(path, limits=Limits(max_table_cells=179))


def test_html_size_limit_ignores_inline_images(tmp_path: Path) -> None:
    image = '<img src="data:image/png;base64,' + "QUJD" * 300 + '">'
    path = tmp_path / "page.html"
    path.write_text(HTML_PAGE.replace("</body>", image + "</body>"), encoding="utf-8")
    small = Limits(max_text_bytes=len(HTML_PAGE.encode()) + 100)
    assert "某市某局2022年政府信息公开工作年度报告" in read_document(path, limits=small).text
    with pytest.raises(ReadError, match="max_text_bytes"):
        read_document(path, limits=Limits(max_text_bytes=100))
@pytest.mark.parametrize(
    ("text", "profile"),
    [
        ("政府資訊公開，透過網路申請", "tw2sp"),
        ("衞生局啓動綫上申請", "hk2s"),
        ("政府信息公開工作年度報告", "t2s"),
        ("資訊", "t2s"),  # one word is no evidence
    ],
)
def test_opencc_profile_follows_the_wording(text: str, profile: str) -> None:
    assert opencc_profile(text) == profile


def test_taiwan_and_hong_kong_wording_become_mainland_simplified() -> None:
    assert normalize_text("政府資訊公開申請共3宗，網路申請2宗").text == "政府信息公开申请共3宗,网络申请2宗"
    assert normalize_text("衞生局啓動綫上申請").text == "卫生局启动线上申请"


@pytest.mark.parametrize("text", ["開（kāi）放", "開[kai1]放", "開 (kāi)放", "開【kāi】放"])
def test_pinyin_in_other_forms_is_removed(text: str) -> None:
    assert normalize_text(text).text == "开放"


def test_nfkc_shortcut_gives_what_whole_text_nfkc_gives() -> None:
    """Full-width punctuation replaced first, then NFKC only if still needed: same text as NFKC of it all."""
    import random
    import unicodedata

    from transparency_stats import normalize

    def whole_text(text: str) -> str:
        if not normalize._PROTECTED_RE.search(text):
            return unicodedata.normalize("NFKC", text)
        protected = text.translate(normalize._PROTECT)
        return unicodedata.normalize("NFKC", protected).translate(normalize._UNPROTECT)

    rng = random.Random(11)
    pool = ([chr(c) for c in range(0x20, 0x250)] + [chr(c) for c in range(0x300, 0x370)]
            + list(normalize._COMMON_COMPAT) + normalize._PROTECTED
            + ["示", "例", "\n", "e", "\u0301", "\u0327", "\u212b", "\ufb01", "\u3099", "か", "\uff76", "\uff9e"])
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 24)))
        assert normalize.nfkc(text) == whole_text(text), repr(text)
    assert normalize.nfkc("共计１２件，其中：①") == "共计12件,其中:①"
