"""Per-report facts read from the text during extraction: publication date and parts present.

:func:`report_facts` returns the keys it sets in ``ReportResult.facts``:

* ``published_on``: ISO date the report was published, or None (see :mod:`.published`);
* ``published_source``: where that date was read (``html_meta:PubDate``,
  ``header:发布时间``, ``pdf:CreationDate``, ``signature``), or None;
* ``sections_present``: the report parts (:data:`PARTS`) that have a numbered
  heading in the text (``一、总体情况``, ``（三）政府信息公开的收费及减免情况`` …),
  joined by ``|`` in :data:`PARTS` order ("" when none);
* ``mentions_fees``: whether the text speaks of fees (收费, 信息处理费, 减免 …);
* ``mentions_problems``: whether it speaks of problems and improvements
  (存在的主要问题, 不足, 改进 …).

Which parts a report must have is data (``data/report_parts.csv``), used by
:mod:`.scorecard`; here every known part is looked for.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping

import numpy as np

from .compact_text import spaceless
from .published import publication_date

_NUMBERED = (
    r"(?:[一二三四五六七八九十]{1,3}[、.,]|\([一二三四五六七八九十]{1,3}\)|(?<![\d.])\d{1,2}[、.](?!\d)"
    r"|第[一二三四五六七八九十]{1,3}部分)"
)
#: Report parts and the words of their heading (after a number such as 一、 or (三)).
PART_WORDS: dict[str, str] = {
    "overview": r"总体情况|概述|总体工作情况|基本情况|工作概况|概况",
    "proactive": r"主动公开",
    "requests": r"依申请公开|收到和处理[^。;]{0,8}申请|政府信息公开申请",
    "fees": r"收费|信息处理费|费用",
    "review_litigation": r"行政复议|行政诉讼|复议[^。;]{0,4}诉讼",
    "problems": r"存在的[^。;]{0,4}问题|问题[^。;]{0,6}改进|不足[^。;]{0,6}改进|改进[^。;]{0,4}措施",
    "other": r"其他需要报告|其他需要说明|其他事项",
}
PARTS = tuple(PART_WORDS)
_NUMBER_RE = re.compile(_NUMBERED)
#: Between a heading's number and its part's words.
_AFTER_NUMBER = r"[^。;:!?\d]{0,12}?"
#: A numbered heading of each part, one pattern per part: what :func:`sections_present` finds
#: (through one scan of the number's places and :func:`_headings_after_number`, not part by part).
_PART_RES = {part: re.compile(f"{_NUMBERED}{_AFTER_NUMBER}(?:{words})") for part, words in PART_WORDS.items()}


@functools.lru_cache(maxsize=256)
def _headings_after_number(parts: tuple[str, ...]) -> re.Pattern[str]:
    """What follows the number in a heading of any of ``parts``; group ``<part>`` names the part matched.

    A heading number ends at one place only, so a part's pattern matches where a number starts
    exactly when this matches right after the number with that part's group.
    """
    return re.compile(_AFTER_NUMBER + "(?:" + "|".join(f"(?P<{part}>{PART_WORDS[part]})" for part in parts) + ")")


#: Where a heading number can start (its first character), as a bit, and which characters, as bits,
#: end such a number how far after its start: ``一、`` ``十一.`` ``二,`` (ends 1 to 3 characters on),
#: ``(三)`` (2 to 4), ``12、`` ``3.`` (1 to 2), ``第二部分`` (3 to 5).
_NUMERAL, _BRACKET, _DIGIT, _PART_WORD = 1, 2, 4, 8
_BMP_END = 0xFFFF
_STARTS = np.zeros(_BMP_END + 1, dtype=np.uint8)  # indexed with mode="clip": U+FFFF stands for the rest
_ENDS = np.zeros(_BMP_END + 1, dtype=np.uint8)
for _chars, _bit in (("一二三四五六七八九十", _NUMERAL), ("(", _BRACKET), ("第", _PART_WORD)):
    _STARTS[[ord(ch) for ch in _chars]] = _bit
_STARTS[[code for code in range(_BMP_END) if chr(code).isdecimal()]] = _DIGIT  # what \d matches
for _chars, _bit in (("、.,", _NUMERAL), (")", _BRACKET), ("、.", _DIGIT), ("分", _PART_WORD)):
    _ENDS[[ord(ch) for ch in _chars]] |= _bit


def _heading_candidates(compact: str) -> list[int]:
    """Every place where :data:`_NUMBERED` can match (and a few more): a character that starts a
    heading number with a character that can end that number at its distance after it."""
    codes = np.frombuffer(compact.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    starts = _STARTS.take(codes, mode="clip")
    if len(codes) and codes.max() > _BMP_END:  # decimal digits beyond the basic plane
        for i in np.flatnonzero(codes > _BMP_END).tolist():
            starts[i] = _DIGIT if compact[i].isdecimal() else 0
    ends = np.concatenate((_ENDS.take(codes, mode="clip"), np.zeros(6, dtype=np.uint8)))
    n = len(codes)
    after = [ends[k: k + n] for k in range(6)]  # after[k][i]: the end bits of character i + k
    one_two = after[1] | after[2]
    near = ((one_two | after[3]) & _NUMERAL) | ((after[2] | after[3] | after[4]) & _BRACKET)
    near |= (one_two & _DIGIT) | ((after[3] | after[4] | after[5]) & _PART_WORD)
    return np.flatnonzero(near & starts).tolist()


_FEES_RE = re.compile(r"收费|收取[^。;]{0,10}费|信息处理费|工本费|费用|减免")
_PROBLEMS_RE = re.compile(r"存在的[^。;]{0,6}问题|存在[^。;]{0,10}不足|不足之处|改进措施|改进情况|改进方向|下一步")


def _compact(text: str) -> str:
    return spaceless(unicodedata.normalize("NFKC", text))  # recognition's, when the text is in NFKC already


def sections_present(text: str, compact: str | None = None) -> list[str]:
    """Parts of :data:`PARTS` with a numbered heading in ``text`` (``compact``: its compact form, if known)."""
    compact = _compact(text) if compact is None else compact
    missing = PARTS
    for start in _heading_candidates(compact):
        number = _NUMBER_RE.match(compact, start)
        while number and missing:
            heading = _headings_after_number(missing).match(compact, number.end())
            if heading is None:
                break
            missing = tuple(part for part in missing if part != heading.lastgroup)
        if not missing:
            break
    return [part for part in PARTS if part not in missing]


def report_facts(text: str, metadata: Mapping[str, str] | None = None, report_year: int | None = None) -> dict:
    """The facts this module documents, for one report's normalised text."""
    published_on, source = publication_date(text, metadata, report_year)
    compact = _compact(text)
    return {
        "published_on": published_on.isoformat() if published_on else None,
        "published_source": source,
        "sections_present": "|".join(sections_present(text, compact)),
        "mentions_fees": bool(_FEES_RE.search(compact)),
        "mentions_problems": bool(_PROBLEMS_RE.search(compact)),
    }
