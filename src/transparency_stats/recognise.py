"""Recognising a report: is it an annual disclosure report, which layout, organ and year, is it whole.

The flow is read → normalise → **recognise** → extract.  A report is recognised by its
structure, not only by its title: the title words (``…信息公开工作年度报告``, also broken over
two lines or without 政府), the sections of the standard layout (一、总体情况 … 六、其他需要报告的
事项) or of the narrative one (概述, 主动公开, 依申请公开, 收费, 复议诉讼), and the standard
tables' own labels.  A notice about reports (``关于做好…年度报告…的通知``) or a budget report
names the words but has none of the structure, and is rejected.

The layout is decided from the labels and columns a report prints, never from its year —
except for a standard report cut before its tables, which has none: then the year decides
between the 2019 and 2021 templates, and the report carries a ``truncated`` warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .compact_text import spaceless
from .meta import detect_agency, detect_year
from .reading import Document, ReadError

# --------------------------------------------------------------------------- layout

# Column / row wording that exists in one standard layout only (normalised labels).
_GOV2021_MARKERS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
                    "申请人逾期未按收费通知要求缴纳费用")
_GOV2019_MARKERS = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量")
_STANDARD_MARKERS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "结转下年度继续办理")

# What normalize_label removes; the document text is already simplified and NFKC.
_DROP_RE = re.compile(r"[\s:：,，、.．·•'\"“”‘’「」『』]+")
#: The same less whitespace (str.split removes that: it splits on what \s matches).
_PUNCTUATION = ":：,，、.．·•'\"“”‘’「」『』"


def _key(doc: Document) -> str:
    """The document's text without whitespace and punctuation (what ``_DROP_RE`` removes)."""
    key = spaceless(doc.text)
    for mark in _PUNCTUATION:  # one fast search per mark: cheaper than a regex stopping at each
        if mark in key:
            key = key.replace(mark, "")
    return key


def detect_layout(doc: Document) -> str:
    """``gov2021``, ``gov2019`` or ``narrative`` for a normalised document (from its tables' labels)."""
    return _layout_from_key(_key(doc))


def _layout_from_key(key: str) -> str:
    hits_2021 = sum(marker in key for marker in _GOV2021_MARKERS)
    hits_2019 = sum(marker in key for marker in _GOV2019_MARKERS)
    standard = any(marker in key for marker in _STANDARD_MARKERS)
    if hits_2021 > hits_2019 and hits_2021:
        return "gov2021"
    if hits_2019 > hits_2021 and hits_2019:
        return "gov2019"
    if standard:
        # Table 三 without table 二: the 2021 version splits （六）其他处理 into three rows.
        if "申请人无正当理由逾期不补正" in key:
            return "gov2021"
        return "gov2019"
    return "narrative"


# --------------------------------------------------------------------------- structure

#: Section headings of the standard layout (text without spaces and punctuation).
STANDARD_SECTIONS: tuple[str, ...] = (
    "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项",
)
#: Sections that announce the standard tables (二, 三, 四).
_TABLE_SECTIONS = STANDARD_SECTIONS[1:4]
#: Topics of the narrative layout: each is a pattern over the text without spaces.
NARRATIVE_SECTIONS: tuple[tuple[str, ...], ...] = (
    (r"概述", r"概况", r"总体情况"), (r"主动公开",), (r"依申请公开",),
    (r"收费(?:及|和|与)?减免", r"收费情况", r"收取.{0,8}费"), (r"行政复议.{0,20}行政诉讼", r"复议.{0,4}诉讼"),
)

_NARRATIVE_SECTION_RES = tuple(tuple(re.compile(p) for p in topic) for topic in NARRATIVE_SECTIONS)

# A heading's number as it stands in the text without spaces and punctuation (一、 → 一, (一)).
_HEADING_NUMBER_ENDS = "一二三四五六七八九十0123456789)）"


def _has_heading(key: str, title: str) -> bool:
    """``title`` right after a heading number somewhere in ``key`` (a literal search, fast)."""
    at = key.find(title)
    while at > 0:
        if key[at - 1] in _HEADING_NUMBER_ENDS:
            return True
        at = key.find(title, at + 1)
    return False
# Titles vary: 政府信息公开工作年度报告, 政府信息公开年度工作报告, 年度政府信息公开工作报告,
# 年度信息公开报告, 政府信息公开年报, 关于2020年度政府信息公开工作情况的报告 …
_REPORT_WORDS_RE = re.compile(
    r"信息公开.{0,8}(?:年度|年)(?:工作)?报告|(?:年度|年)政府信息公开.{0,4}报告|年度信息公开.{0,4}报告"
    r"|信息公开(?:工作)?年报|政务公开.{0,6}年度报告|(?:19|20)\d{2}年度?.{0,12}信息公开.{0,10}报告"
)
_TOPICS = ("主动公开", "依申请公开", "政府信息公开")
#: A title line that says what the document is when it is not a report.
_NOT_REPORT_TITLE_RE = re.compile(r"(?:通知|通报|批复|意见|办法|方案|规定|公告|公示)$|预算|决算")


def _title_line(doc: Document) -> str:
    """The document's first line of text (or the crawler's 标题 header), without spaces."""
    header = re.search(r"(?m)^[ \t]*标题[ \t]*[:|][ \t]*(.{1,200})$", doc.text[:5000])
    if header:
        return _DROP_RE.sub("", header.group(1))
    for line in doc.text[:5000].split("\n"):
        line = _DROP_RE.sub("", line)
        if line:
            return line[:200]
    return ""


@dataclass(frozen=True)
class Structure:
    """What of a report's structure a document shows."""

    titled: bool  # the title words of an annual report
    topics: int  # of 主动公开 / 依申请公开 / 政府信息公开
    standard_sections: int  # of STANDARD_SECTIONS, as headings
    narrative_sections: int  # of NARRATIVE_SECTIONS
    table_labels: bool  # labels of the standard tables
    not_report_title: bool  # the first line names a notice, a budget…

    @property
    def is_report(self) -> bool:
        if self.table_labels:
            return True
        if self.not_report_title:
            return False
        if self.standard_sections >= 4:
            return True
        if self.titled and self.topics >= 2:
            return True
        return self.narrative_sections >= 5 and self.topics >= 2


def structure(doc: Document, key: str | None = None) -> Structure:
    """Title words, sections and table labels a document shows."""
    key = _key(doc) if key is None else key
    head = key[:20_000]
    return Structure(
        titled=bool(_REPORT_WORDS_RE.search(head)),
        topics=sum(t in key for t in _TOPICS),
        standard_sections=sum(_has_heading(key, s) for s in STANDARD_SECTIONS),
        narrative_sections=sum(any(p.search(key) for p in topic) for topic in _NARRATIVE_SECTION_RES),
        table_labels=any(m in key for m in _STANDARD_MARKERS + _GOV2019_MARKERS + _GOV2021_MARKERS),
        not_report_title=bool(_NOT_REPORT_TITLE_RE.search(_title_line(doc))),
    )


def check_report(doc: Document, key: str | None = None) -> None:
    """Raise :class:`ReadError` with the reason when ``doc`` is not an annual disclosure report."""
    if not structure(doc, key).is_report:
        raise ReadError(
            "not a government information disclosure annual report "
            "(no 政府信息公开…年度报告 title or its usual sections found)"
        )


# --------------------------------------------------------------------------- completeness


def truncation(doc: Document, layout: str) -> str | None:
    """Why a standard report looks cut off, or None."""
    if layout == "narrative":
        return None
    compact = spaceless(doc.text)  # the text without whitespace is made once per text (it is kept)
    if "本年新收政府信息公开申请数量" in compact and "结转下年度继续办理" not in compact:
        return "table 三 ends before its last row (结转下年度继续办理): the file looks truncated"
    if "结转下年度继续办理" in compact and not re.search(r"行政复议.{0,80}尚未审结", compact):
        return "table 四 (行政复议、行政诉讼) is missing after table 三: the file looks truncated"
    return None


def _cut_before_tables(key: str) -> bool:
    """Standard sections announcing tables, but none of the tables' labels."""
    announced = sum(_has_heading(key, s) for s in _TABLE_SECTIONS)
    has_overview = _has_heading(key, "总体情况")
    return has_overview and announced >= 1 and _layout_from_key(key) == "narrative"


@dataclass
class Recognition:
    """What recognition found: layout, organ, year and why the report is incomplete (if it is)."""

    layout: str
    agency: str | None
    year: int | None
    truncated: str | None = None
    truncated_severity: str = "error"


def recognise(doc: Document) -> Recognition:
    """Layout, organ, year and completeness of a report; :class:`ReadError` if it is not one."""
    key = _key(doc)
    check_report(doc, key)
    layout = _layout_from_key(key)
    agency, year = detect_agency(doc.text), detect_year(doc.text)
    if _cut_before_tables(key):
        layout = "gov2021" if year is not None and year >= 2021 else "gov2019"
        return Recognition(layout, agency, year,
                           "the report's sections announce the standard tables, but none follows: "
                           "the file looks truncated; only its prose was read", "warning")
    return Recognition(layout, agency, year, truncation(doc, layout))
