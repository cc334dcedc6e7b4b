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

import re
import unicodedata
from collections.abc import Mapping

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
_PART_RES = {part: re.compile(rf"{_NUMBERED}[^。;:!?\d]{{0,12}}?(?:{words})") for part, words in PART_WORDS.items()}
#: Where a numbered heading can start: a part's pattern is tried at these places only (it
#: begins with the number, so it matches nowhere else), one scan instead of one per part.
#: A match is the number's first character, and the number is checked from it (a lookbehind
#: of that one character): a pattern that starts with a character class lets the regex
#: engine skip in C to the next character that can start a number.
_HEADING_START_RE = re.compile(rf"[一二三四五六七八九十(\d第](?<=(?={_NUMBERED}).)")
_FEES_RE = re.compile(r"收费|收取[^。;]{0,10}费|信息处理费|工本费|费用|减免")
_PROBLEMS_RE = re.compile(r"存在的[^。;]{0,6}问题|存在[^。;]{0,10}不足|不足之处|改进措施|改进情况|改进方向|下一步")


def _compact(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())  # str.split splits on what \s matches


def sections_present(text: str, compact: str | None = None) -> list[str]:
    """Parts of :data:`PARTS` with a numbered heading in ``text`` (``compact``: its compact form, if known)."""
    compact = _compact(text) if compact is None else compact
    missing = dict(_PART_RES)
    for start in _HEADING_START_RE.finditer(compact):
        for part, pattern in list(missing.items()):
            if pattern.match(compact, start.start()):
                del missing[part]
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
