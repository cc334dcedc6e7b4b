"""Which organ a report is from and which year it covers.

The year comes from the statistics-period sentence (``统计期限自2022年1月1日至12月31日``)
or the report's title; never from the publication date or a crawler's header
lines (``发布时间:``, ``标题:`` …).  The organ comes from the title
(``XX市XX局2022年政府信息公开工作年度报告`` or ``2018年度XX区政府信息公开年度报告``).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from typing import NamedTuple

from .numbers import parse_numeral
from .organs import SELF_REFERENCE_RE, canonical_organ

# Every alternative starts with one character (not a group): the regex engine then skips to the
# next 1, 2 or 二 in C instead of trying the pattern at every position.
_YEAR = r"(19\d{2}|20\d{2}|二[〇○零][一二三四五六七八九〇○零]{2})"
# A gap inside a title or date: a few spaces or one line break (bounded, so patterns stay linear).
_S = r"\s{0,3}"
_HEADER_LINE_RE = re.compile(
    r"^\s*(标题|发布时间|发布日期|原文链接|本地目录|生成日期|成文日期|发布机构|索引号|来源|"
    r"主题分类|文件编号|文号|栏目|页面链接|公开范围|公开方式|有效性)\s*[:|]"
)
_PERIOD_RE = re.compile(
    rf"统计(?:期限|时限|期间|时间|区间|范围){_S}(?:为|是|:)?{_S}(?:自|从)?{_S}{_YEAR}{_S}年{_S}1{_S}月{_S}1{_S}日"
    rf"{_S}(?:起)?{_S}(?:至|到|-|—|~){_S}(?:{_YEAR}{_S}年)?{_S}12{_S}月{_S}31{_S}日"
)
_REPORT_WORDS = (
    rf"(?:政府{_S})?信息{_S}(?:工作{_S})?公开{_S}(?:工作{_S})?(?:情{_S}况{_S}的?{_S}|年{_S}度{_S}(?:工作{_S})?|年{_S})?报{_S}告"
)
_ORG_CHARS = "\u3400-\u9fffA-Za-z()()"
_ORG = rf"[{_ORG_CHARS}]{{2,40}}?"
_ORG_CHAR_RE = re.compile(rf"[{_ORG_CHARS}]")
#: The end of an organ-first title (``…2022年政府信息公开工作年度报告``): searched first, the
#: organ is then read backwards from it (a pattern starting with the organ would try every
#: position of the text 40 times).
_TITLE_TAIL_RE = re.compile(rf"{_YEAR}{_S}年{_S}度?{_S}{_REPORT_WORDS}")
_TITLE_YEAR_FIRST_RE = re.compile(rf"{_YEAR}{_S}年{_S}度?{_S}({_ORG}){_S}{_REPORT_WORDS}")
_TITLE_YEAR_ONLY_RE = re.compile(rf"(?:^|\n)[ \t]*{_YEAR}{_S}年{_S}度?{_S}{_REPORT_WORDS}")
#: A title line without a year (``某某局政府信息公开工作年度报告``): the organ, when no title has a year.
_TITLE_NO_YEAR_RE = re.compile(rf"(?m)^[ \t]*([{_ORG_CHARS}]{{2,40}}?)[ \t]{{0,3}}{_REPORT_WORDS}[ \t]*$")

# Words that end a breadcrumb or sentence in front of the organ's name.
_ORG_PREFIX_RE = re.compile(
    r"^.*(?:年报|当前位置|首页|位置|关于|印发|发布|公布|现将|编制|根据|本报告|"
    r"政务公开|信息公开|政府信息公开专栏|做好|报送|开展|做实|完成)"
)


def _year_value(text: str) -> int | None:
    value = parse_numeral(text)
    if value is None or not 1990 <= value <= 2100:
        return None
    return int(value)


@functools.lru_cache(maxsize=8)  # organ and year are read from the same head of a text
def _body(text: str) -> str:
    """The text without crawler/site header lines (kept as blank lines: offsets stay)."""
    lines = text.split("\n")
    return "\n".join("" if _HEADER_LINE_RE.match(line) else line for line in lines)


@functools.lru_cache(maxsize=8)
def _title_lines(text: str) -> str:
    """A crawler's ``标题:`` header lines: the page title, a last resort for organ and year."""
    return "\n".join(m.group(1) for m in re.finditer(r"(?m)^[ \t]*标题[ \t]*[:|][ \t]*(.+)$", text))


#: What every title with a year starts with (the year of an organ-first title): ``2022年``, ``二〇二二 年``,
#: found from its 年 (a literal the regex engine skips to): a year has four characters, so each gap
#: before 年 is a fixed-width lookbehind, and group ``y<gap>`` is where the year starts.
_YEAR_NIAN_RE = re.compile(
    "年(?:" + "|".join(rf"(?<=(?P<y{gap}>{_YEAR.replace('(', '(?:', 1)})\s{{{gap}}}年)" for gap in range(4)) + ")"
)


def _year_starts(body: str) -> list[int]:
    """Where ``<year>年`` (a gap of up to three spaces between) stands in ``body``: the only places a title with a year can start (or, for a
    title alone on its line, follow the line's start).

    Each 年 ends at most one of them (the gap before it is all the spaces there), and two of them
    never overlap (a year is followed by a gap or 年, never by another year's characters): one scan
    of the 年 finds them all, in order.
    """
    return [m.start(m.lastgroup) for m in _YEAR_NIAN_RE.finditer(body)]  # type: ignore[arg-type]


def _matches_at(pattern: re.Pattern[str], body: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(body)`` for a pattern every match of which starts at one of ``starts`` (in order)."""
    end = 0
    for start in starts:
        if start >= end:
            match = pattern.match(body, start)
            if match:
                yield match
                end = max(match.end(), start + 1)


def _line_starts(body: str, starts: list[int]) -> list[int]:
    """For each of ``starts`` alone on its line after spaces or tabs: where its line starts (its line break,
    or the text's start); :data:`_TITLE_YEAR_ONLY_RE` matches only there."""
    found = []
    for start in starts:
        line = body.rfind("\n", 0, start)
        if not body[line + 1: start].strip(" \t"):
            found.append(max(line, 0))
    return found


def _org_first_titles(body: str, starts: list[int]) -> Iterator[tuple[str, str, int]]:
    """(organ, year, start) of each ``<organ><year>年…报告`` title: at most 40 organ characters.

    ``starts``: :func:`_year_starts` of ``body``.
    """
    previous_end = 0
    for m in _matches_at(_TITLE_TAIL_RE, body, starts):
        end = m.start()
        gap = 0
        while end > previous_end and gap < 3 and body[end - 1].isspace():
            end -= 1
            gap += 1
        if body.endswith("关于", previous_end, end):  # 某某委员会关于2022年度…工作情况的报告
            end -= 2
        start = end
        while start > max(previous_end, end - 40) and _ORG_CHAR_RE.match(body[start - 1]):
            start -= 1
        if end - start >= 2:
            yield body[start:end], m.group(1), start
            previous_end = m.end()


class _Titles(NamedTuple):
    """The titles of a text: each kind found by one scan, shared by the organ and the year."""

    organ_first: tuple[tuple[str, str, int], ...]  # (organ, year, start) of <organ><year>年…报告
    year_first: tuple[tuple[str, str, int], ...]  # (year, organ, start) of <year>年<organ>…报告
    year_only: tuple[tuple[str, int], ...]  # (year, start) of a line <year>年…报告


@functools.lru_cache(maxsize=8)
def _titles(body: str) -> _Titles:
    starts = _year_starts(body)  # every kind of title with a year is tried at these places only
    return _Titles(
        tuple(_org_first_titles(body, starts)),
        tuple((m.group(1), m.group(2), m.start()) for m in _matches_at(_TITLE_YEAR_FIRST_RE, body, starts)),
        tuple((m.group(1), m.start()) for m in _matches_at(_TITLE_YEAR_ONLY_RE, body, _line_starts(body, starts))),
    )


#: Titles and the period sentence stand near the start, the signature at the end: only these
#: parts are searched (bounds the work on very long texts).
_HEAD_CHARS = 30_000
_TAIL_CHARS = 600


def _head(text: str) -> str:
    return text[:_HEAD_CHARS]


_DATE_RE = re.compile(
    r"(19\d{2}|20\d{2}|二[〇○零][一二三四五六七八九〇○零]{2})\s{0,2}年\s{0,2}"
    r"([01]?\d|十[一二]?|[一二三四五六七八九])\s{0,2}月\s{0,2}[0-3一二三]?[\d一二三四五六七八九十]\s{0,2}日"
)
_PUBLISHED_RE = re.compile(r"(?m)^[ \t]*(?:发布时间|发布日期|生成日期|成文日期)[ \t]*[:|][ \t]*((?:19|20)\d{2})[-/.年]")


def _publication_year(text: str) -> int | None:
    """Year of the signature date at the report's end, else of a 发布时间 header line."""
    dates = list(_DATE_RE.finditer(text[-_TAIL_CHARS:]))
    if dates:
        return _year_value(dates[-1].group(1))
    header = _PUBLISHED_RE.search(_head(text))
    return _year_value(header.group(1)) if header else None


def detect_year(text: str) -> int | None:
    """Report year: the statistics-period sentence, the title, a crawler's title line, and last
    the publication date (a report is published early in the year after the one it covers)."""
    head = _head(text)
    year = _detect_year(_body(head))
    if year is None:
        year = _detect_year(_title_lines(head))
    if year is None:
        published = _publication_year(text)
        year = published - 1 if published else None
    return year


def _detect_year(body: str) -> int | None:
    match = _PERIOD_RE.search(body)
    if match:
        return _year_value(match.group(1))
    years: Counter[int] = Counter()
    titles = _titles(body)
    found = [year for _, year, _ in titles.organ_first]
    found += [year for year, _, _ in titles.year_first]
    for group in found:
        year = _year_value(group)
        if year:
            years[year] += 1
    for group, _ in titles.year_only:
        year = _year_value(group)
        if year:
            years[year] += 1
    if not years:
        return None
    return years.most_common(1)[0][0]


def clean_agency(name: str) -> str | None:
    """Canonical organ name from a title fragment, or None if it is not one.

    Breadcrumb and sentence words in front of the name are cut here; the naming
    itself is :func:`.organs.canonical_organ`.
    """
    name = _ORG_PREFIX_RE.sub("", name.strip())
    name = re.sub(r"^[()()\s]+|[\s]+$", "", name)
    return canonical_organ(name)


#: How an organ's name ends (for a signature line, which has no title words around it).
_ORGAN_END_RE = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|委员会|管理委员会|管委会|局|委|办|厅|署|中心|街道办事处|办事处|院|所|站|队)$"
)
#: Characters OCR and typists confuse; a name differing from the report's other mentions of
#: itself in one such character is read as those mentions.
LOOKALIKES: tuple[str, ...] = ("己已巳", "未末", "土士", "日曰", "人入八", "天夭", "府俯腑", "局居", "区巨",
                               "县昙", "市币", "乡多", "镇填", "委萎", "办力", "厅斤", "水永")
_LOOKALIKE = {ch: group for group in LOOKALIKES for ch in group}


def _signature_organ(text: str) -> str | None:
    """The organ on the line above the closing date (the report's signature)."""
    tail = text[-_TAIL_CHARS:]
    dates = list(_DATE_RE.finditer(tail))
    if not dates:
        return None
    before = tail[: dates[-1].start()].rstrip().rsplit("\n", 1)[-1].strip()
    if re.fullmatch(r"[\u3400-\u9fff()()]{3,30}", before) and _ORGAN_END_RE.search(before):
        name = clean_agency(before)
        if name and not SELF_REFERENCE_RE.match(name):
            return name
    return None


def _resolve_lookalikes(name: str, text: str) -> str:
    """``name`` as the report's other mentions spell it, when they differ in one look-alike."""
    mentions: dict[int, str] = {}  # start → spelling (a mention is counted once)
    for i, ch in enumerate(name):
        group = _LOOKALIKE.get(ch)
        if not group:
            continue
        pattern = re.escape(name[:i]) + f"[{group}]" + re.escape(name[i + 1:])
        mentions.update((m.start(), m.group()) for m in re.finditer(pattern, text))
    counts = Counter(mentions.values())
    if not counts:
        return name
    best, best_count = counts.most_common(1)[0]
    return best if best != name and best_count > counts[name] else name


def detect_agency(text: str) -> str | None:
    """The reporting organ: the title's, else the crawler's title line's, else the signature's.

    Normalised, and spelt as the report's other mentions spell it where the title has a
    look-alike character wrong (an OCR confusion).
    """
    head = _head(text)
    agency = _detect_agency(_body(head))
    if agency is None:
        agency = _detect_agency(_title_lines(head))
    if agency is None:
        agency = _signature_organ(text)
    return _resolve_lookalikes(agency, head) if agency else None


#: How any organ's name ends; a title fragment ending otherwise (现向社会公开…) is no organ.
_ORGAN_NAME_END_RE = re.compile(
    r"(?:政府|办公室|办公厅|委员会|管委会|局|委|办|厅|署|中心|处|街道|院|所|站|队|区|县|市|省|镇|乡|州|盟|旗"
    r"|会|室|公司|集团|部|社|馆|场)$"
)


def _is_organ_name(name: str) -> bool:
    return bool(_ORGAN_NAME_END_RE.search(name)) and not SELF_REFERENCE_RE.match(name)


def _detect_agency(body: str) -> str | None:
    candidates: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    organs: dict[str, str | None] = {}  # a title fragment → its organ name (a title is often repeated)

    def organ_name(fragment: str) -> str | None:
        if fragment not in organs:
            name = clean_agency(fragment)
            organs[fragment] = name if name and _is_organ_name(name) else None
        return organs[fragment]

    titles = _titles(body)
    found = [(organ, start) for organ, _, start in titles.organ_first]
    found += [(organ, start) for _, organ, start in titles.year_first]
    for organ, start in found:
        name = organ_name(organ)
        if name:
            candidates[name] += 1
            first_seen.setdefault(name, start)
    # A title split over two lines: organ on its own line above "2024 年政府信息公开工作年度报告".
    for _, at in titles.year_only:
        before = body[max(0, at - 200) : at].rstrip().rsplit("\n", 1)[-1].strip()
        if re.fullmatch(r"[\u3400-\u9fff()()]{2,40}", before):
            name = organ_name(before)
            if name:
                candidates[name] += 1
                first_seen.setdefault(name, at)
    if not candidates:
        for m in _TITLE_NO_YEAR_RE.finditer(body):
            name = organ_name(m.group(1))
            if name:
                candidates[name] += 1
                first_seen.setdefault(name, m.start())
    if not candidates:
        return None
    best = max(candidates.items(), key=lambda item: (item[1], -first_seen[item[0]]))
    return best[0]
