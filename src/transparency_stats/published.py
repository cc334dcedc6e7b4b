"""When a report was published, and where that date was read.

Sources, first found wins (the source is kept with the date):

* ``html_meta:<name>``: the page's ``<meta name="PubDate" content="…">`` (also
  ``publishdate``, ``pubdate``, ``firstpublishedtime``, ``article:published_time``);
* ``header:发布时间`` / ``header:发布日期``: a crawler's or site's header line
  (``发布时间: 2031-02-03 08:09``); ``header:生成日期`` after them (the page's own
  date in 信息公开目录 pages);
* ``pdf:CreationDate``: the PDF's metadata;
* ``signature``: the date under the signature at the end of the text
  (``2020年1月20日`` on one of the last lines), taken only when it falls after
  the year reported on.

A date that is not a real calendar date is no date.  Nothing found: blank,
never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from .numbers import parse_numeral

_META_NAMES = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "published_time")
_HEADER_NAMES = ("发布时间", "发布日期", "生成日期")
_ISO_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_PDF_DATE_RE = re.compile(r"^D?:?((?:19|20)\d{2})(\d{2})(\d{2})")
_CN_DIGIT = "〇○零一二三四五六七八九十"
_SIGNATURE_RE = re.compile(
    rf"((?:19|20)\d{{2}}|[二][{_CN_DIGIT}]{{3}})\s*年\s*(\d{{1,2}}|[{_CN_DIGIT}]{{1,3}})\s*月"
    rf"\s*(\d{{1,2}}|[{_CN_DIGIT}]{{1,3}})\s*日\s*$"
)


def _date(year: object, month: object, day: object) -> dt.date | None:
    try:
        values = [int(v) if str(v).isdigit() else parse_numeral(str(v)) for v in (year, month, day)]
        if any(v is None for v in values):
            return None
        return dt.date(int(values[0]), int(values[1]), int(values[2]))
    except (ValueError, TypeError):
        return None


def _parse_iso(text: str) -> dt.date | None:
    match = _ISO_RE.search(text)
    return _date(*match.groups()) if match else None


def _from_metadata(metadata: Mapping[str, str]) -> tuple[dt.date, str] | None:
    lowered = {k.lower(): (k, v) for k, v in metadata.items()}
    for name in _META_NAMES:
        if name in lowered:
            key, value = lowered[name]
            found = _parse_iso(value)
            if found:
                return found, f"html_meta:{key}"
    return None


_HEADER_RES = tuple(
    (name, re.compile(rf"(?m)(?:^|\|)\s*{name}\s*[:|]\s*\|?\s*([^\n|]{{6,30}})")) for name in _HEADER_NAMES
)


def _from_headers(text: str) -> tuple[dt.date, str] | None:
    head = text[:3000]
    for name, pattern in _HEADER_RES:
        for match in pattern.finditer(head):
            found = _parse_iso(match.group(1))
            if found:
                return found, f"header:{name}"
    return None


def _from_pdf(metadata: Mapping[str, str]) -> tuple[dt.date, str] | None:
    value = metadata.get("pdf:CreationDate")
    match = _PDF_DATE_RE.match(value.strip()) if value else None
    found = _date(*match.groups()) if match else None
    return (found, "pdf:CreationDate") if found else None


def _last_lines(text: str, count: int) -> list[str]:
    """The last ``count`` lines of ``text`` that are not blank, stripped, last first (read from the end)."""
    lines: list[str] = []
    end = len(text)
    while end >= 0 and len(lines) < count:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        if line:
            lines.append(line)
        end = start - 1
    return lines


def _from_signature(text: str, report_year: int | None) -> tuple[dt.date, str] | None:
    if report_year is None:
        return None
    for line in _last_lines(text, 6):
        if len(line) > 60:  # a paragraph, no signature line
            continue
        match = _SIGNATURE_RE.search(line)
        if match:
            found = _date(*match.groups())
            if found and found.year > report_year:
                return found, "signature"
    return None


def publication_date(
    text: str, metadata: Mapping[str, str] | None = None, report_year: int | None = None
) -> tuple[dt.date | None, str | None]:
    """(publication date, source) of a report, or (None, None) when none is found."""
    metadata = metadata or {}
    for found in (_from_metadata(metadata), _from_headers(text), _from_pdf(metadata),
                  _from_signature(text, report_year)):
        if found:
            return found
    return None, None
