"""The compact text (whitespace and page footers removed, offsets kept) against a character-by-character reading."""

from __future__ import annotations

import random

from transparency_stats.compact_text import PAGE_FOOTER_RE, ROUND_BRACKETS, CompactText, has_footer


def _reference(text: str, digit_gaps: bool, round_brackets: bool) -> tuple[str, list[int]]:
    """The compact text and offsets, one character at a time (the definition)."""
    skip = [False] * len(text)
    for match in PAGE_FOOTER_RE.finditer(text):
        for i in range(match.start(), match.end()):
            skip[i] = True
    chars: list[str] = []
    offsets: list[int] = []
    gap_at: int | None = None
    for i, ch in enumerate(text):
        if skip[i] or ch.isspace():
            if gap_at is None:
                gap_at = i
            continue
        if digit_gaps and gap_at is not None and chars and chars[-1].isdigit() and ch.isdigit():
            chars.append(" ")
            offsets.append(gap_at)
        gap_at = None
        chars.append(ch)
        offsets.append(i)
    joined = "".join(chars)
    return (joined.translate(ROUND_BRACKETS) if round_brackets else joined), offsets


def test_compact_text_matches_the_character_by_character_definition() -> None:
    rng = random.Random(2)
    pool = list("0123456789 \t\n\u3000\u00a0\u2028示例件条【】[]〔〕-—/第页共") + [
        "\n- 3 -\n", "\n第 2 页 共 9 页\n", "\n3/9\n", "- 4 -\n", "12/13", " 第5页",
        "²", "①", "\U0001d7ce", "\U00020000", "\x85", "\x1c", "١",
    ]
    for _ in range(1500):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 60)))
        for digit_gaps in (False, True):
            for round_brackets in (False, True):
                compact = CompactText(text, digit_gaps=digit_gaps, round_brackets=round_brackets)
                assert (compact.text, list(compact.offsets)) == _reference(text, digit_gaps, round_brackets), repr(text)
        assert has_footer(text) == (PAGE_FOOTER_RE.search(text) is not None), repr(text)


def test_digit_gap_and_footer() -> None:
    compact = CompactText("共 12 34 件\n- 2 -\n【一】 5", digit_gaps=True, round_brackets=True)
    assert compact.text == "共12 34件(一)5"
    assert compact.offsets[3] == 4 and compact.offset(len(compact.text)) == len("共 12 34 件\n- 2 -\n【一】 5")


def test_a_view_asked_for_again_is_the_same() -> None:
    texts = ["共 12 34 件\n- 2 -\n【一】 5", "收到 3 件", "共 12 34 件\n- 2 -\n【一】 5"]
    for text in texts * 2:
        for digit_gaps in (False, True):
            for round_brackets in (False, True):
                compact = CompactText(text, digit_gaps=digit_gaps, round_brackets=round_brackets)
                again = CompactText(text, digit_gaps=digit_gaps, round_brackets=round_brackets)
                expected = _reference(text, digit_gaps, round_brackets)
                assert (compact.text, list(compact.offsets)) == expected == (again.text, list(again.offsets))
                assert compact.offset(len(compact.text)) == len(text)
