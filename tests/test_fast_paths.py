"""Faster paths give what the plain ones give: first-character lookaheads, whitespace, NFKC."""

from __future__ import annotations

import random
import re

import pytest

from transparency_stats.prefilter import (
    Anchor,
    first_chars,
    has_literal_prefix,
    pattern_anchors,
    with_first_chars,
)
from transparency_stats.tables.labels import load_label_map, spelling_regex


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?P<a>甲乙)|(?P<b>(?:\(二\))?丙丁)", {"甲", "(", "丙"}),
        (r"[:：]?总计", {":", "：", "总"}),
        (r"(?<!\d)x+y", {"x"}),
        (r"a*b?c", {"a", "b", "c"}),
    ],
)
def test_first_chars(pattern: str, expected: set[str]) -> None:
    assert first_chars(re.compile(pattern)) == expected


@pytest.mark.parametrize("pattern", [r"a*", r"\d+件", r".x", r"[^a]b", r"(?i)ab", r"(a)\1|b?"])
def test_no_prefilter_when_unknown_or_empty(pattern: str) -> None:
    compiled = re.compile(pattern)
    assert first_chars(compiled) is None
    assert with_first_chars(compiled) is compiled


def test_label_patterns_match_as_before() -> None:
    labels = load_label_map("2021")
    rng = random.Random(7)
    for table in ("requests", "proactive", "review_litigation"):
        plain = re.compile("|".join(f"(?P<g{i}>{spelling_regex(s.raw_label)})"
                                    for i, s in enumerate(labels.spellings) if s.table == table))
        fast = with_first_chars(plain)
        assert fast is not plain
        alphabet = "".join(sorted({ch for s in labels.spellings if s.table == table for ch in s.raw_label}))
        alphabet += "0123456789 ()、.，"
        text = "".join(rng.choice(alphabet) for _ in range(20000))
        text += "".join(s.raw_label for s in labels.spellings if s.table == table)
        assert [(m.span(), m.lastgroup) for m in fast.finditer(text)] == [
            (m.span(), m.lastgroup) for m in plain.finditer(text)
        ]


def test_str_split_splits_on_what_regex_whitespace_matches() -> None:
    """Whitespace is dropped with ``"".join(text.split())`` where ``\\s`` was meant: the same characters."""
    whitespace = re.compile(r"\s")
    assert [c for c in range(0x110000) if chr(c).isspace()] == [
        c for c in range(0x110000) if whitespace.match(chr(c))
    ]


def test_common_compatibility_replacements_do_not_chain() -> None:
    """The characters replaced one after another before NFKC: no replacement holds one of them."""
    from transparency_stats.normalize import _COMMON_COMPAT

    assert all(not set(v) & set(_COMMON_COMPAT) for v in _COMMON_COMPAT.values())


def test_nfkc_of_mixed_text_is_unicodedata_nfkc() -> None:
    import unicodedata

    from transparency_stats.normalize import nfkc

    text = "甲、乙：（一）１２３，ＡＢＣ…　４５６％\u00a0丙﹣丁\u2003戊" * 50
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_pinyin_pattern_matches_as_the_bracket_first_form() -> None:
    """The pinyin pattern (one character class first) finds what its two-branch form finds."""
    from transparency_stats.normalize import _NUMBERED_SYLLABLE, _PINYIN_RE, _SYLLABLE

    reference = re.compile(
        rf"[(（\[【](?<=[\u3400-\u9fff\ufffd][(（\[【])({_SYLLABLE}|{_NUMBERED_SYLLABLE})[)）\]】]"
        rf"|[ \u3000][(（](?<=[\u3400-\u9fff\ufffd][ \u3000][(（])({_SYLLABLE})[)）]"
    )
    rng = random.Random(3)
    alphabet = "开放甲乙\ufffd(（[【)）]】 \u3000kaiāǎn15"
    text = "".join(rng.choice(alphabet) for _ in range(200_000))
    text += "開(kāi)開（kāi）開[kai1]開 (kāi)開\u3000（kāi）a(kāi)開  (kāi)"
    assert [(m.span(), m.groups()) for m in _PINYIN_RE.finditer(text)] == [
        (m.span(), m.groups()) for m in reference.finditer(text)
    ]


def test_pinyin_stripping_tried_at_the_hints_is_the_whole_text_substitution() -> None:
    """Pinyin is removed exactly where the pattern run over the whole text removes it."""
    from transparency_stats.normalize import _PINYIN_RE, strip_pinyin

    rng = random.Random(4)
    alphabet = ["开", "甲", "\ufffd", "(", "（", "[", "【", ")", "）", "]", "】", " ", "\u3000", "k", "ā", "i", "1", "w.",
                "(kāi)", "（kai1）", " (kāi)"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert strip_pinyin(text) == _PINYIN_RE.sub("", text), repr(text)


def test_space_folding_is_every_run_as_one_space() -> None:
    from transparency_stats.normalize import _SPACES_TO_FOLD_RE

    runs = re.compile(r"[ \t\u00a0\u3000\u2002-\u200a\u202f\u205f]+")
    rng = random.Random(5)
    text = "".join(rng.choice("甲1 \t\u00a0\u3000\u2003\u202f\n") for _ in range(100_000))
    assert _SPACES_TO_FOLD_RE.sub(" ", text) == runs.sub(" ", text)


def test_opencc_profile_scans_stand_for_the_evidence() -> None:
    """The profile's checks count distinct forms only while Hong Kong evidence is distinct single characters."""
    from transparency_stats.normalize import HONG_KONG_EVIDENCE, opencc_profile

    assert all(len(ch) == 1 for ch in HONG_KONG_EVIDENCE)
    assert len(set(HONG_KONG_EVIDENCE)) == len(HONG_KONG_EVIDENCE)
    assert opencc_profile("甲" + HONG_KONG_EVIDENCE[0] * 5 + HONG_KONG_EVIDENCE[1]) == "t2s"
    assert opencc_profile("甲乙着" * 100) == "t2s"
    assert opencc_profile("甲" + "".join(HONG_KONG_EVIDENCE[:3])) == "hk2s"


@pytest.mark.parametrize("pattern", ["主动公开情况", "甲乙|丙丁", "[甲乙]丙", "(?:甲|乙)丙"])
def test_patterns_the_engine_skips_through_stay_as_they_are(pattern: str) -> None:
    compiled = re.compile(pattern)
    assert with_first_chars(compiled) is compiled


def test_literal_pieces_in_a_row_make_one_anchor() -> None:
    """Adjacent literal pieces join into longer literals (each combination once); a sequence of pieces
    inside a group counts as one piece; too many combinations leave the pieces apart."""
    assert pattern_anchors(r"\d{1,3}(?P<u>个|名)政府(?:甲|乙)") == (Anchor(("个政府甲", "个政府乙", "名政府甲", "名政府乙"), 1, 3),)
    assert pattern_anchors(r"(?:办结率[和、]满意率|满意率与办结率)(?:为)?\d") == (
        Anchor(("办结率和满意率", "办结率、满意率", "满意率与办结率"), 0, 0),)
    assert pattern_anchors(r"[甲乙丙][丁戊己]") == (Anchor(("甲", "乙", "丙"), 0, 0), Anchor(("丁", "戊", "己"), 1, 1))

@pytest.mark.parametrize(("pattern", "expected"), [("主动公开.{0,3}条", True), ("(?<!a)主动", False),
                                                   ("(?:甲|乙)丙", False), ("甲?乙", False)])
def test_literal_prefix(pattern: str, expected: bool) -> None:
    assert has_literal_prefix(re.compile(pattern)) is expected


def test_last_lines_read_from_the_end_are_the_last_lines_of_the_split() -> None:
    from transparency_stats.published import _last_lines

    rng = random.Random(1)
    for _ in range(5000):
        text = "".join(rng.choice(["甲", "b", " ", "\n", "\u3000", "\r", "\n\n"]) for _ in range(rng.randint(0, 30)))
        for count in (1, 3, 6):
            lines = [line.strip() for line in text.rstrip().split("\n") if line.strip()]
            assert _last_lines(text, count) == lines[::-1][:count]


def test_titles_tried_at_the_years_are_the_titles_a_scan_finds() -> None:
    """Titles with a year, tried only where ``<year>年`` stands (or at its line's start), are what
    ``finditer`` over the whole text gives."""
    from transparency_stats import meta

    rng = random.Random(7)
    words = ["2022", "2021", "二〇二二", "二○二一", "12", "年", "年度", " ", "  ", "\u3000", "\t", "\n", "某某市", "某某局", "关于",
             "政府信息公开", "工作", "年度报告", "报告", "信息公开", "情况的", "。", "20", "1", "二"]
    for _ in range(3000):
        body = "".join(rng.choice(words) for _ in range(rng.randint(0, 25)))
        starts = meta._year_starts(body)
        year = re.compile(rf"{meta._YEAR}{meta._S}年")
        assert starts == [i for i in range(len(body)) if year.match(body, i)], body
        for pattern, found in ((meta._TITLE_TAIL_RE, meta._matches_at(meta._TITLE_TAIL_RE, body, starts)),
                               (meta._TITLE_YEAR_FIRST_RE, meta._matches_at(meta._TITLE_YEAR_FIRST_RE, body, starts)),
                               (meta._TITLE_YEAR_ONLY_RE,
                                meta._matches_at(meta._TITLE_YEAR_ONLY_RE, body, meta._line_starts(body, starts)))):
            assert [m.span() for m in found] == [m.span() for m in pattern.finditer(body)], body


def test_document_key_is_the_text_without_what_drop_removes() -> None:
    from transparency_stats.reading import Document
    from transparency_stats.recognise import _DROP_RE, _key

    rng = random.Random(3)
    pieces = list(":：,，、.．·•'\"“”‘’「」『』") + [" ", "\n", "\u3000", "甲", "乙", "1", "a", ";"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert _key(Document("x.txt", "txt", text)) == _DROP_RE.sub("", text)


def test_annex_start_searched_from_its_headers_is_the_first_match() -> None:
    from transparency_stats.narrative import _ANNEX_START_RE, _annex_start

    rng = random.Random(11)
    pieces = ["统计表", "附表", "附件", "附件2", "指标名称", "历年累计", "统", "计", "甲" * 30, "乙", "\n", "1"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        expected, found = _ANNEX_START_RE.search(text), _annex_start(text)
        assert (expected and expected.span()) == (found and found.span()), text


def _csv_module_lines(rows: list[tuple[object, ...]]) -> str:
    """What the plain ``csv`` writer writes for the rows, each cell passed through ``_csv_value``."""
    import csv
    import io

    from transparency_stats.store import _csv_value

    buffer = io.StringIO()
    csv.writer(buffer).writerows([_csv_value(v) for v in row] for row in rows)
    return buffer.getvalue()


def test_figure_lines_are_what_the_csv_module_writes() -> None:
    from transparency_stats.store import figure_lines

    rng = random.Random(7)
    texts = ["", "公开", "a,b", 'say "x"', "line\nbreak", "cr\rhere", "=SUM(A1)", "+3.5", "-5", "@x", "\ttab",
             "-1e3", "'quoted", "\x00=", "中,文", "plain"]
    others = [None, True, False, 0, 7, -3, 2.0, 2.5, float("nan"), float("inf"), 1e20, -0.0]
    for _ in range(300):
        width = rng.randint(1, 6)
        # each column all text, all of one other type, or mixed, as columns of real figure rows are
        kinds = [rng.choice(["text", "float", "int", "bool", "none", "mixed"]) for _ in range(width)]
        pools = {"text": texts, "float": [v for v in others if isinstance(v, float)],
                 "int": [0, 7, -3, 10**30], "bool": [True, False], "none": [None], "mixed": texts + others}
        rows = [tuple(rng.choice(pools[kind]) for kind in kinds) for _ in range(rng.randint(0, 8))]
        assert figure_lines(rows) == _csv_module_lines(rows), rows
