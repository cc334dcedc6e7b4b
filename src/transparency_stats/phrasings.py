"""The phrasings prose figures are read with, and the annex's row labels, loaded from data.

``data/prose_phrasings.csv`` holds one way of stating a figure per row (metrics, pattern,
unit, context, exclude, share_is_part, stated); ``data/annex_rows.csv`` the labels of the
统计表 annex of narrative reports.  Patterns name the building blocks of :data:`BLOCKS`.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from .prefilter import Anchor, has_literal_prefix, pattern_anchors

# --------------------------------------------------------------------------- prose rules

# Building blocks.  ``_N`` is a quantity (Arabic, Chinese or mixed numeral with
# 余/多/近/约… markers), ``_R`` a rate written with % or 百分之.
#
# Every pattern runs in time linear in its input: a numeral is one character class repeated
# at most ``MAX_NUMERAL`` times (no nested repetition to backtrack through), it never starts
# inside another numeral, and every gap between a label and its number is bounded.  A run of
# digits longer than any count a report states (a run-together table row) is no number.
_NUMERAL_CHARS = "0-9零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億兩陸"
MAX_NUMERAL = 24
_QUANTITY = (
    r"(?:超过|将近|大约|接近|约|近|逾)?"
    rf"(?<![{_NUMERAL_CHARS}.,])[{_NUMERAL_CHARS}](?:[{_NUMERAL_CHARS}]|,(?=\d{{3}})|\.(?=\d)){{0,{MAX_NUMERAL}}}"
    rf"(?![{_NUMERAL_CHARS}])(?:余|多|以上|左右)?"
)
_N = rf"(?P<n>{_QUANTITY})"
_R = rf"(?P<n>{_QUANTITY}%|百分之{_QUANTITY})"
_TO_BE = r"(?:共|共计|总计|合计|累计)?(?:为|达|达到|是)?"


@dataclass(frozen=True)
class Rule:
    """One way a report states one or more figures.

    ``pattern`` has a group ``n`` (the number, optionally followed by a unit group
    ``u``) or none: then it states the figures in words, as ``stated`` (0 for a
    statement of none, 1.0 for "all requests answered on time").  ``context`` must occur
    in the sentence; ``exclude`` must not occur in the clause before the match (it
    marks a part of the whole: one department, one channel).
    """

    metrics: tuple[str, ...]
    pattern: str
    context: str = ""
    exclude: str = ""
    share_is_part: bool = False  # "…215条,占64.2%": a count followed by its share is a part
    stated: float = 0.0

    @property
    def compiled(self) -> re.Pattern[str]:
        return compiled_pattern(self.pattern)

    @property
    def anchors(self) -> tuple[Anchor, ...]:
        return _anchors(self.pattern)

    @property
    def literal_prefix(self) -> bool:
        """Whether the regex engine finds this pattern's candidates itself by a literal it starts with."""
        return _literal_prefix(self.pattern)


@functools.cache
def compiled_pattern(pattern: str) -> re.Pattern[str]:
    """``re.compile(pattern)``, kept for the life of the process (the ``re`` module's cache is small)."""
    return re.compile(pattern)


@functools.cache
def _anchors(pattern: str) -> tuple[Anchor, ...]:
    return pattern_anchors(pattern)


@functools.cache
def _literal_prefix(pattern: str) -> bool:
    return has_literal_prefix(compiled_pattern(pattern))


_PART = (r"各(?:部门|乡镇|街道|单位|县区|区县|科室)|[区县市]直|乡镇|其中.{0,6}(?:部门|单位)|其他|应主动公开"
         r"|微信|微博|公众号|新媒体|客户端")
_PROPOSALS = r"建议|提案"
_REQUESTS = r"依申请|信息公开|政府信息"
_FEES = r"申请|信息公开|政府信息|信息处理费|(?<!事业性)收费(?:及|和|与)?(?:减免)?情况"
_CAUSE = (r"(?:因|涉及)?(?:政府)?信息公开(?:申请)?(?:而)?(?:引起的|引发的|相关的?|方面的?|的)?"
          r"(?:被)?(?:申请|提起)?(?:的)?")
_WHO = r"(?:(?:我|全|本)[区市县省局委办]?)?(?:各级|各类)?(?:单位|部门|机关)?"
_REQ = r"(?:依申请公开|申请)(?:信息)?(?:数)?"
_NONE = r"(?:无(?![法论需须])|未(?:收到|发生|出现|产生|有)|没有(?:发生|出现|产生|收到)?)"
_NO_GAP = r",;:。、!?()\d"  # a statement of none stays inside one clause and names no number

#: Building blocks a phrasing may name as ``{NAME}`` (``{U}`` is the phrasing's unit column).
BLOCKS: dict[str, str] = {
    "N": _N, "R": _R, "QUANTITY": _QUANTITY, "TO_BE": _TO_BE, "WHO": _WHO, "REQ": _REQ, "CAUSE": _CAUSE,
    "NONE": _NONE, "NO_GAP": _NO_GAP, "PART": _PART, "PROPOSALS": _PROPOSALS, "REQUESTS": _REQUESTS,
    "FEES": _FEES,
}
_BLOCK_RE = re.compile(r"\{([A-Z_]+)\}")
PHRASINGS_CSV = files("transparency_stats") / "data" / "prose_phrasings.csv"


def _expand(template: str, unit: str) -> str:
    blocks = {**BLOCKS, "U": f"(?P<u>{unit})"}
    return _BLOCK_RE.sub(lambda m: blocks[m.group(1)], template)


def load_rules(path: Traversable | Path = PHRASINGS_CSV) -> tuple[Rule, ...]:
    """The prose phrasings (``data/prose_phrasings.csv``): metrics, pattern, unit, context, exclude.

    ``metrics`` are space-separated ids the phrasing states at once; ``pattern`` uses the
    :data:`BLOCKS` and ``{U}`` for the unit alternatives of ``unit``; a pattern without
    ``{N}``/``{R}`` states its figures in words: ``stated`` (default 0).  Each pattern is compiled here, so a
    bad row fails at import with its line number.
    """
    rules = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            unit = row["unit"]
            try:
                rule = Rule(
                    tuple(row["metrics"].split()), _expand(row["pattern"], unit),
                    context=_expand(row["context"], unit), exclude=_expand(row["exclude"], unit),
                    share_is_part=row["share_is_part"] == "yes", stated=float(row["stated"] or 0),
                )
                re.compile(rule.pattern)
            except (KeyError, re.error) as exc:
                raise ValueError(f"{path}, line {line}: bad phrasing: {exc}") from exc
            rules.append(rule)
    return tuple(rules)


TEXT_RULES: tuple[Rule, ...] = load_rules()

# --------------------------------------------------------------------------- annex rows

#: Annex (统计表) row labels of narrative reports → metric ids (``data/annex_rows.csv``).  A label
#: naming two channels at once is read only when its count is 0 (then each channel is 0).
ANNEX_ROWS_CSV = files("transparency_stats") / "data" / "annex_rows.csv"


def load_annex_rows(path: Traversable | Path = ANNEX_ROWS_CSV) -> tuple[tuple[tuple[str, ...], str], ...]:
    """(metric ids, label pattern) of each annex row; a bad pattern fails with its line."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = []
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                re.compile(row["label"])
            except re.error as exc:
                raise ValueError(f"{path}, line {line}: bad label pattern: {exc}") from exc
            rows.append((tuple(row["metrics"].split()), row["label"]))
    return tuple(rows)


ANNEX_ROWS: tuple[tuple[tuple[str, ...], str], ...] = load_annex_rows()
