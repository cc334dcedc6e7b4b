"""Figures stated in a report's prose and in the 统计表 annex of narrative reports.

``extract_text_figures(doc, layout)`` reads sentences such as
``本年主动公开政府信息共3千二百余条`` or ``办结率和满意率达100%`` and, for narrative
reports, the appended annex table (``主动公开信息数 条 318 1207``: this year, then
历年累计).  What it reads is driven by two data tables (see :mod:`.phrasings`), the prose
phrasings and the annex labels; the code only applies them.

It prefers leaving a figure out to stating a wrong one: a sentence about a part
(one department, one channel, a share ``占…%``) is not read as the total; two
readings that disagree give no figure but an ``ambiguous`` warning; a run of
annex digits without separators is split into this-year | cumulative only when a
single split is possible or the prose or the annex's sums confirm one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .compact_text import CompactText as _Compact
from .numbers import parse_quantity
from .phrasings import ANNEX_ROWS, MAX_NUMERAL, TEXT_RULES, Anchor, Rule, compiled_pattern
from .reading import Document
from .schema import FORMAT_VERSIONS, Figure, Issue

MASK = "\ufffd"

#: Ids this module adds to the contract's list (annex rows of narrative reports).
EXTRA_METRICS: dict[str, str] = {
    "proactive_items_website": "主动公开信息中经政府网站公开的条数 (annex 网站公开数)",
    "proactive_items_gazette": "主动公开信息中经政府公报公开的条数 (annex 政府公报公开数)",
}

#: Ids the standard tables give; in gov2019/gov2021 reports they are not read from the text.
TABLE_METRICS: frozenset[str] = frozenset({
    "requests_in_person", "requests_online", "requests_written", "requests_fax", "requests_email",
    "requests_other_channel", "requests_received", "results_granted", "results_partial",
    "results_denied_total", "results_total", "reconsideration_total", "litigation_total",
    "complaints_total",
})

#: Table 二 ids the prose is read for only to settle a run-together table row (``tables.text``):
#: never figures of their own, in any layout.
CHECK_METRICS: frozenset[str] = frozenset({
    "regulations_issued", "regulations_valid", "normative_docs_issued", "normative_docs_valid",
})

#: A sentence about totals since some earlier year is not this year's figure.
_SINCE = r"(?<!今年)(?<!年初)(?<!本年)以来|截至|截止|历年|累计至|到(?:目前|现在|年底|年末)|至今|迄今|目前累计"
#: …unless the figure's own clause says it is this year's (其中,本年度新增…).
_THIS_YEAR = r"本年度|本年|今年|全年|当年"
_SINCE_RE = re.compile(_SINCE)
_THIS_YEAR_RE = re.compile(_THIS_YEAR)

#: Annex rows that add up (both columns): total, then its parts.
ANNEX_SUMS: tuple[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], ...] = (
    (("proactive_items_total",), (("proactive_items_website",), ("proactive_items_gazette",))),
)

#: Where the annex starts: its title (…统计表, or 附表/附件 alone) before the 指标名称 header, or before 历年累计.
_ANNEX_START_RE = re.compile(r"(?:统计表|附表|附件\d?)(?=.{0,40}?指标名称)|统计表(?=.{0,120}?历年累计)")
#: What follows an annex title, and how far its first character can stand from the title's start at most.
_ANNEX_HEADERS = (("指标名称", 3 + 40), ("历年累计", 3 + 120))


def _annex_start(text: str) -> re.Match[str] | None:
    """``_ANNEX_START_RE.search(text)``, begun where the first match can start at the earliest: no
    earlier than the reach of its title before the first 指标名称 or 历年累计 (none: no annex)."""
    earliest = [at - reach for header, reach in _ANNEX_HEADERS if (at := text.find(header)) >= 0]
    return _ANNEX_START_RE.search(text, max(0, min(earliest))) if earliest else None


_ANNEX_UNIT = r"(?:条|件|个|次|元|项)"
# At most three numbers (more is no annex row); the compact text has one space between numbers.
_ANNEX_VALUE_RE = re.compile(rf"\s?{_ANNEX_UNIT}?\s?(?P<digits>\d+(?:\s\d+){{0,2}})(?!\s?\d)(?P<ordinal>[.．、])?")

_CLAUSE_END = "。;,:、!?()“”"
_SENTENCE_END = "。;!?"
_SHARE_AFTER_RE = re.compile(r"[,(]?占")


class _Candidate(NamedTuple):
    metric: str
    value: float
    cell: str
    approximate: bool
    raw_label: str
    raw_value: str
    offset: int  # in doc.text
    source: str  # "text" or "annex"


# --------------------------------------------------------------------------- compact text


_SPACES_RE = re.compile(r"\s+")


def _original(doc_text: str, compact: _Compact, start: int, end: int) -> str:
    """The doc.text span behind a compact span, whitespace collapsed."""
    if start >= end:
        return ""
    return _SPACES_RE.sub(" ", doc_text[compact.offsets[start]: compact.offsets[end - 1] + 1]).strip()


#: A sentence or clause is read back at most this far from its figure (bounds the work per match).
_MAX_LOOKBACK = 300


#: Everything up to the last clause (sentence) end: one backward scan, in C, over at most the lookback.
_UP_TO_LAST = {ends: re.compile(f"(?s:.*)[{re.escape(ends)}]") for ends in (_CLAUSE_END, _SENTENCE_END)}


def _clause_start(text: str, pos: int, ends: str) -> int:
    """Where the clause (sentence) holding ``pos`` starts: after the last of ``ends`` (``_CLAUSE_END``
    or ``_SENTENCE_END``) before ``pos``, and at most :data:`_MAX_LOOKBACK` characters back."""
    pattern = _UP_TO_LAST[ends]
    stop = max(0, pos - _MAX_LOOKBACK)
    found = pattern.match(text, stop, pos)
    return found.end() if found else stop


def _touches_mask(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1] == MASK) or (end < len(text) and text[end] == MASK)


# --------------------------------------------------------------------------- prose


#: A stretch longer than this without a sentence end is no prose (a table run together, a
#: dump): prose rules do not look at it, which bounds their work on hostile input.
_MAX_SENTENCE = 20_000
_SENTENCE_END_RE = re.compile(f"[{_SENTENCE_END}]")


def _prose_regions(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` the prose rules read: of an overlong sentence only its last part."""
    if len(text) <= _MAX_SENTENCE:  # no sentence in it can be overlong
        return [(0, len(text))] if text else []
    regions: list[tuple[int, int]] = []
    start = previous = 0
    for end in [m.end() for m in _SENTENCE_END_RE.finditer(text)] + [len(text)]:
        if end - previous > _MAX_SENTENCE:
            if previous > start:
                regions.append((start, previous))
            start = end - _MAX_SENTENCE
        previous = end
    if previous > start:
        regions.append((start, previous))
    return regions


#: Matching is tried only at the starts an anchor allows when they number fewer than the
#: region's characters divided by this (a scan tries every position, but in C).
_ANCHOR_GAIN = 16
#: The same for a pattern that starts with a literal: the engine skips to it about as fast as ``str.find``.
_PREFIX_GAIN = 400


def _matches(pattern: re.Pattern[str], anchors: tuple[Anchor, ...], region: _Region) -> Iterator[re.Match[str]]:
    """The matches ``pattern.finditer(text, start, end)`` gives over ``region``, found faster.

    A match starts only where one of a rule's anchors (literal text every match holds) stands
    at the anchor's distance ahead; with the rarest anchor, the pattern is tried at those
    starts alone, in order, going on after each match's end as ``finditer`` does.  The
    region's counts of literals and their places are filled here and used again by other rules.
    """
    text, start, end, counts = region.text, region.start, region.end, region.counts
    best: tuple[int, Anchor] | None = None
    for anchor in anchors:
        count = 0
        for literal in anchor.literals:
            found = counts.get(literal)
            if found is None:
                found = counts[literal] = text.count(literal, start, end)
            count += found
        cost = count * (anchor.before_max - anchor.before_min + 1)
        if best is None or cost < best[0]:
            best = (cost, anchor)
    if best is None or best[0] * _ANCHOR_GAIN > end - start:
        yield from pattern.finditer(text, start, end)
        return
    yield from _anchored_matches(pattern, best[1], region)


class _Region:
    """One region of a text and where literals stand in it (each looked for once)."""

    def __init__(self, text: str, start: int, end: int, estimate: bool = True) -> None:
        self.text, self.start, self.end = text, start, end
        self._found: dict[str, Sequence[int]] = {}
        self.counts: dict[str, int] = {}  # occurrences of literals, when counted (see _matches)
        # anchors chosen by estimates (:class:`_AnchorChoice`), or by counting each literal
        self._choice: list[tuple[int, int]] | None | bool = False if estimate else None

    @property
    def choice(self) -> list[tuple[int, int]] | None:
        """:meth:`_AnchorChoice.choose` for this region (computed when first asked for)."""
        if self._choice is False:
            chosen = _anchor_choice().choose(self.text, self.start, self.end)
            if chosen is None:
                self._choice = None
            else:
                self._choice, absent = chosen
                self._found.update(dict.fromkeys(absent, ()))
        return self._choice  # type: ignore[return-value]

    def starts(self, literal: str) -> Sequence[int]:
        """Every position where ``literal`` stands whole inside the region, in order."""
        found = self._found.get(literal)
        if found is None:
            text, end = self.text, self.end
            found = []
            at = text.find(literal, self.start, end)
            while at >= 0:
                found.append(at)
                at = text.find(literal, at + 1, end)
            self._found[literal] = found
        return found


def _anchored_matches(pattern: re.Pattern[str], anchor: Anchor, region: _Region) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer`` over ``region``, tried only at the starts ``anchor`` allows."""
    start, low, high = region.start, anchor.before_min, anchor.before_max
    if len(anchor.literals) == 1 and low == high:
        candidates: list[int] = [at - low for at in region.starts(anchor.literals[0]) if at - low >= start]
    else:
        starts: set[int] = set()
        for literal in anchor.literals:
            for at in region.starts(literal):
                starts.update(range(max(start, at - high), at - low + 1))
        candidates = sorted(starts)
    text, end = region.text, region.end
    position = start
    for candidate in candidates:
        if candidate < position:
            continue
        match = pattern.match(text, candidate, end)
        if match:
            yield match
            position = max(match.end(), candidate + 1)


_NO_ANCHOR = 1 << 40
#: Characters counted at a time (bounds the memory for a long region).
_BLOCK = 1 << 16


class _AnchorChoice:
    """Which anchor of each of ``rules`` likely stands least often in a region, for all rules at once.

    A literal stands at most as often as its rarest pair of adjacent characters (or, for one
    character, exactly as often as it): one count of the region's characters and character
    pairs bounds every literal, instead of one scan of the region per literal.  Which anchor
    is taken changes no match, only how many starts are tried.
    """

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        literals = sorted({lit for rule in rules for anchor in rule.anchors for lit in anchor.literals})
        chars = sorted({ch for lit in literals for ch in lit})
        pairs = sorted({lit[i: i + 2] for lit in literals for i in range(len(lit) - 1)})
        # U+FFFF stands for every character beyond the basic plane, and 0 for every other one
        self.usable = all(ord(ch) < 0xFFFF for ch in chars) and len(chars) < 0xFFFF and len(pairs) < 0xFFFF
        self.size = size = len(chars) + 1
        number = {ch: i for i, ch in enumerate(chars, start=1)}
        self.char_ids = np.zeros(0x10000, dtype=np.intp)
        self.char_ids[[ord(ch) for ch in chars]] = np.arange(1, size)
        self.pair_ids = np.zeros(size * size, dtype=np.intp)  # 0: a pair no literal holds
        self.pair_ids[[number[a] * size + number[b] for a, b in pairs]] = np.arange(1, len(pairs) + 1)
        self.pairs = len(pairs) + 1
        pair_number = {pair: i for i, pair in enumerate(pairs, start=1)}
        width = max([len(lit) - 1 for lit in literals] + [1])
        literal_rows = []
        for lit in literals:  # indexes into: character counts, then pair counts
            ids = ([number[lit]] if len(lit) == 1
                   else [size + pair_number[lit[i: i + 2]] for i in range(len(lit) - 1)])
            literal_rows.append(ids + ids[:1] * (width - len(ids)))
        self.literal_rows = np.array(literal_rows, dtype=np.intp).reshape(len(literals), width)
        self.literals = literals
        literal_id = {lit: i for i, lit in enumerate(literals)}
        anchor_rows: list[list[int]] = []
        widths: list[int] = []
        rule_rows: list[list[int]] = []
        for rule in rules:
            rule_rows.append([])
            for anchor in rule.anchors:
                rule_rows[-1].append(len(anchor_rows))
                anchor_rows.append([literal_id[lit] for lit in anchor.literals])
                widths.append(anchor.before_max - anchor.before_min + 1)
        most = max([len(row) for row in anchor_rows] + [1])
        self.anchor_rows = np.array([row + [len(literals)] * (most - len(row)) for row in anchor_rows],
                                    dtype=np.intp).reshape(len(anchor_rows), most)
        self.widths = np.array(widths, dtype=np.int64)
        most = max([len(row) for row in rule_rows] + [1])
        self.rule_rows = np.array([row + [len(anchor_rows)] * (most - len(row)) for row in rule_rows],
                                  dtype=np.intp).reshape(len(rule_rows), most)
        self.rule_range = np.arange(len(rule_rows))

    def choose(self, text: str, start: int, end: int) -> tuple[list[tuple[int, int]], list[str]] | None:
        """(estimated starts, anchor index) for each rule, and the literals absent from the region.

        The estimate is ``_NO_ANCHOR`` for a rule without anchors.  None when the literals do
        not allow the estimate.
        """
        if not self.usable:
            return None
        counts = np.zeros(self.size + self.pairs, dtype=np.intp)
        for block in range(start, max(start + 1, end), _BLOCK):  # a block and the next one's first character
            codes = np.frombuffer(text[block: min(end, block + _BLOCK + 1)].encode("utf-32-le", "surrogatepass"),
                                  dtype=np.uint32)
            ids = self.char_ids.take(codes, mode="clip")  # beyond the basic plane: as U+FFFF
            pairs = self.pair_ids.take(ids[:-1] * self.size + ids[1:])
            counts += np.concatenate((np.bincount(ids[:_BLOCK], minlength=self.size),
                                      np.bincount(pairs, minlength=self.pairs)))
        literal_counts = np.append(counts.take(self.literal_rows).min(axis=1), 0)
        absent = [self.literals[i] for i in np.flatnonzero(literal_counts[:-1] == 0).tolist()]
        anchor_costs = np.append(literal_counts.take(self.anchor_rows).sum(axis=1) * self.widths, _NO_ANCHOR)
        rule_costs = anchor_costs.take(self.rule_rows)
        best = rule_costs.argmin(axis=1)
        return list(zip(rule_costs[self.rule_range, best].tolist(), best.tolist(), strict=True)), absent


@functools.cache
def _anchor_choice() -> _AnchorChoice:
    return _AnchorChoice(TEXT_RULES)


def _rule_matches(index: int, rule: Rule, region: _Region) -> Iterator[re.Match[str]]:
    """The matches of rule ``index`` of :data:`TEXT_RULES` in ``region`` (see :func:`_matches`)."""
    choice = region.choice
    if choice is not None:
        estimate, anchor = choice[index]
        if not estimate:
            return iter(())  # an anchor of the rule is nowhere in the region
        if rule.literal_prefix and estimate * _PREFIX_GAIN > region.end - region.start:
            return rule.compiled.finditer(region.text, region.start, region.end)  # the engine's own scan
        if estimate < _NO_ANCHOR and estimate * _ANCHOR_GAIN <= region.end - region.start:
            return _anchored_matches(rule.compiled, rule.anchors[anchor], region)
    # the estimate is too coarse (or there is none): count the literals themselves
    return _matches(rule.compiled, rule.anchors, region)


_FEW_RULES = 8


def _prose_candidates(doc_text: str, compact: _Compact, limit: int, allowed: set[str]) -> list[_Candidate]:
    text = compact.text[:limit]
    rules = _rules_for(frozenset(allowed))
    # for a few rules, counting their literals costs less than estimating every rule's
    regions = [_Region(text, start, end, len(rules) > _FEW_RULES) for start, end in _prose_regions(text)]
    found: list[_Candidate] = []
    for index, rule, metrics in rules:
        for region in regions:
            for match in _rule_matches(index, rule, region):
                found += _match_candidates(doc_text, compact, text, rule, metrics, match)
    return found


@functools.lru_cache(maxsize=16)
def _rules_for(allowed: frozenset[str]) -> tuple[tuple[int, Rule, tuple[str, ...]], ...]:
    """The rules of :data:`TEXT_RULES` that state any of ``allowed``: (index, rule, metrics among ``allowed``)."""
    chosen = ((index, rule, tuple(m for m in rule.metrics if m in allowed)) for index, rule in enumerate(TEXT_RULES))
    return tuple(entry for entry in chosen if entry[2])


def _match_candidates(
    doc_text: str, compact: _Compact, text: str, rule: Rule, metrics: tuple[str, ...], match: re.Match[str],
) -> list[_Candidate]:
    """What one match of ``rule`` states (nothing when its sentence or clause rules it out)."""
    sentence = text[_clause_start(text, match.start(), _SENTENCE_END): match.end()]
    if rule.context and not compiled_pattern(rule.context).search(sentence):
        return []
    clause_start = _clause_start(text, match.start(), _CLAUSE_END)
    clause = text[clause_start: match.start()]
    if "n" in match.groupdict() and _SINCE_RE.search(sentence) and not _this_year_clause(clause):
        return []
    if rule.exclude and compiled_pattern(rule.exclude).search(clause + match.group(0)[: _label_end(match)]):
        return []
    label = _original(doc_text, compact, clause_start, match.end())
    if "n" not in match.groupdict():
        value, approximate = rule.stated, False
        cell = "zero" if value == 0 else "number"
        raw_value, at = _original(doc_text, compact, match.start(), match.end()), match.start()
    else:
        start, end = match.span("n")
        if _touches_mask(text, start, end):
            return []
        if rule.share_is_part and _SHARE_AFTER_RE.match(text, match.end()):
            return []
        unit = match.groupdict().get("u") or ""
        quantity = parse_quantity(match.group("n") + unit)
        if quantity is None:
            return []
        value, approximate = quantity.value, quantity.approximate
        if metrics[0].endswith("_rate") and not 0 <= value <= 1:
            return []
        cell = "zero" if value == 0 else "number"
        raw_value, at = _original(doc_text, compact, start, match.end()), start
    return [_Candidate(metric, value, cell, approximate, label, raw_value, compact.offsets[at], "text")
            for metric in metrics]


def _this_year_clause(clause: str) -> bool:
    """A clause that itself says "this year" (其中,本年度新增…) and names no earlier period."""
    return bool(_THIS_YEAR_RE.search(clause)) and not _SINCE_RE.search(clause)


def _label_end(match: re.Match[str]) -> int:
    """Length of the label part of a match (before its number)."""
    return match.start("n") - match.start() if "n" in match.groupdict() else len(match.group(0))


# --------------------------------------------------------------------------- annex


def _year_splits(digits: str) -> list[tuple[int, int]]:
    """Possible (this year, cumulative) readings of a run of digits.

    A cut is possible when neither part has a leading zero.  Cumulative ≥ this year
    narrows them, but a report that breaks that order is not read by it: when it
    is the order alone that leaves one cut, every possible cut is returned, and
    the prose or the annex's sums must confirm one.
    """
    if len(digits) > 2 * MAX_NUMERAL:
        return []  # no pair of counts is that long
    cuts = []
    for cut in range(1, len(digits)):
        year, cumulative = digits[:cut], digits[cut:]
        if (year.startswith("0") and year != "0") or (cumulative.startswith("0") and cumulative != "0"):
            continue
        cuts.append((int(year), int(cumulative)))
    ordered = [(year, cumulative) for year, cumulative in cuts if cumulative >= year]
    if len(ordered) == 1 and len(cuts) > 1:
        return cuts
    return ordered


@dataclass
class _AnnexRow:
    metrics: tuple[str, ...]
    label: str
    raw_label: str
    raw_value: str
    offset: int
    options: list[tuple[int, int | None]]  # possible (this year, cumulative) readings

    @property
    def resolved(self) -> bool:
        return len(self.options) == 1


def _annex_rows(doc_text: str, compact: _Compact, start: int) -> list[_AnnexRow]:
    """Every mapped row of the annex with its possible readings."""
    text = compact.text
    two_columns = "累计" in text[start: start + 160]
    rows: list[_AnnexRow] = []
    annex = text[start:]
    for metrics, label in ANNEX_ROWS:
        for match in compiled_pattern(label).finditer(annex):
            value_match = _ANNEX_VALUE_RE.match(text, start + match.end())
            if not value_match:
                continue
            digits, digits_end = value_match.group("digits"), value_match.end("digits")
            if value_match.group("ordinal"):
                # "…条002、网上申请数": the last digit is the next row's number.
                if digits[-1] not in "123456789":
                    continue
                digits = digits[:-1].rstrip()
                digits_end = value_match.start("digits") + len(digits)
                if not digits:
                    continue
            tokens = digits.split()
            if any(len(t) > 2 * MAX_NUMERAL for t in tokens):
                continue
            options: list[tuple[int, int | None]] = []
            if not two_columns and len(tokens) == 1:
                options = [(int(tokens[0]), None)]
            elif two_columns and len(tokens) == 2:
                options = [(int(tokens[0]), int(tokens[1]))]
            elif two_columns and len(tokens) == 1:
                options = list(_year_splits(tokens[0]))
            if not options:
                continue
            rows.append(_AnnexRow(
                metrics, match.group(0),
                _original(doc_text, compact, start + match.start(), digits_end),
                tokens[0] if len(tokens) == 2 else digits,
                compact.offsets[value_match.start("digits")], options,
            ))
    return rows


def _resolve_by_sums(rows: list[_AnnexRow]) -> None:
    """Pin down run-together rows with the annex's own sums (both columns must add up)."""
    changed = True
    while changed:
        changed = False
        for total_key, part_keys in ANNEX_SUMS:
            totals = [r for r in rows if r.metrics == total_key]
            parts = [[r for r in rows if r.metrics == key] for key in part_keys]
            if len(totals) != 1 or any(len(p) != 1 for p in parts):
                continue
            members = [totals[0]] + [p[0] for p in parts]
            open_rows = [r for r in members if not r.resolved]
            if len(open_rows) != 1 or any(r.options[0][1] is None for r in members if r.resolved):
                continue
            target, total = open_rows[0], totals[0]
            known = [r.options[0] for r in members if r is not target and r is not total]
            year_sum, cumulative_sum = sum(y for y, _ in known), sum(c or 0 for _, c in known)
            if target is total:
                want = (year_sum, cumulative_sum)
            else:
                year, cumulative = total.options[0]
                want = (year - year_sum, (cumulative or 0) - cumulative_sum)
            if want in target.options:
                target.options = [want]
                changed = True


def _annex_candidates(
    doc_text: str, compact: _Compact, start: int, allowed: set[str], prose: dict[str, set[float]],
    issues: list[Issue], source: str,
) -> list[_Candidate]:
    rows = _annex_rows(doc_text, compact, start)
    for row in rows:
        if not row.resolved:
            confirmed = [o for o in row.options if any(o[0] in prose.get(m, set()) for m in row.metrics)]
            if len(confirmed) == 1:
                row.options = confirmed
    _resolve_by_sums(rows)
    found: list[_Candidate] = []
    for row in rows:
        location = f"char:{row.offset}"
        if not row.resolved:
            issues.append(Issue(source, "warning", "ambiguous",
                                f"annex row {row.label} '{row.raw_value}': this year's value cannot be told "
                                f"from the cumulative one; left out", location))
            continue
        value = row.options[0][0]
        if len(row.metrics) > 1 and value != 0:
            continue  # a combined count (信函、传真) says nothing about each channel unless it is 0
        for metric in row.metrics:
            if metric in allowed:
                found.append(_Candidate(metric, float(value), "zero" if value == 0 else "number", False,
                                        row.raw_label, row.raw_value, row.offset, "annex"))
    return found


# --------------------------------------------------------------------------- public


#: Annex rows that break one quantity down; when the prose contradicts one of them,
#: the annex's other rows of the breakdown are not trusted either.
ANNEX_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"proactive_items_total", "proactive_items_website", "proactive_items_gazette"}),
    frozenset({"requests_in_person", "requests_online", "requests_written", "requests_fax", "requests_email",
               "requests_other_channel"}),
    frozenset({"results_granted", "results_partial", "results_denied_total"}),
)


#: Breakdowns that are whole: every request came by exactly one channel, so the channels add up
#: to the requests received.
ANNEX_WHOLES: dict[frozenset[str], str] = {ANNEX_GROUPS[1]: "requests_received"}


#: Annex rows that count the requests an annex row's total counts: when the prose contradicts
#: that total, the annex counted other requests than the prose, so none of these rows is trusted.
ANNEX_DEPENDENTS: dict[str, frozenset[str]] = {
    "requests_received": ANNEX_GROUPS[1] | ANNEX_GROUPS[2] | {"results_total"},
}


def _prose_leaves_nothing(members: frozenset[str], by_metric: dict[str, list[_Candidate]]) -> bool:
    """Whether the parts the prose states add up to the whole it states (the parts it names none of are 0).

    The whole must be read without contradiction and each part the prose names with one value.
    """
    whole = ANNEX_WHOLES.get(members)
    group = by_metric.get(whole or "", [])
    if not any(c.source == "text" for c in group) or len({c.value for c in group}) != 1:
        return False
    stated = 0.0
    for metric in members:
        values = {c.value for c in by_metric.get(metric, []) if c.source == "text"}
        if len(values) > 1:
            return False
        stated += sum(values)
    return stated == group[0].value


def _distrust_contradicted_annex_groups(
    by_metric: dict[str, list[_Candidate]], issues: list[Issue], source: str,
) -> None:
    """Drop annex-only members of a breakdown whose annex rows the prose contradicts.

    When the breakdown is whole and the parts the prose states add up to the whole it
    states, the prose says every other part is 0: an annex row that says 0 as well is kept.
    """
    contradicted = {m for m, group in by_metric.items() if len({c.value for c in group}) > 1
                    and {c.source for c in group} == {"text", "annex"}}
    distrusted: dict[str, str] = {}
    for members in ANNEX_GROUPS:
        if not members & contradicted:
            continue
        prose_says_zero = _prose_leaves_nothing(members, by_metric)
        for metric in sorted(members - contradicted):
            group = by_metric.get(metric, [])
            if prose_says_zero and group and all(c.value == 0 for c in group):
                continue
            distrusted.setdefault(metric, ", ".join(sorted(members & contradicted)))
    for whole, dependents in ANNEX_DEPENDENTS.items():
        if whole in contradicted:
            for metric in sorted(dependents - contradicted):
                distrusted.setdefault(metric, whole)
    for metric, reason in sorted(distrusted.items()):
        group = by_metric.get(metric, [])
        if group and all(c.source == "annex" for c in group):
            del by_metric[metric]
            issues.append(Issue(source, "warning", "ambiguous",
                                f"{metric}: the annex's breakdown contradicts the prose ({reason}); left out",
                                f"char:{group[0].offset}"))


def _allowed_metrics(layout: str) -> set[str]:
    metrics = {m for rule in TEXT_RULES for m in rule.metrics} | {m for ms, _ in ANNEX_ROWS for m in ms}
    if layout != "narrative":
        metrics -= TABLE_METRICS
    return metrics - CHECK_METRICS


def prose_statements(text: str, metrics: Iterable[str]) -> dict[str, set[float]]:
    """Values the prose of ``text`` states for each of ``metrics`` (by the prose phrasings).

    Used to check other readings (a run-together table row), never as figures: a
    metric stated with two different values has both.
    """
    compact = _Compact(text, digit_gaps=True)  # the view is kept for the prose, read next
    stated: dict[str, set[float]] = {}
    for c in _prose_candidates(text, compact, len(compact.text), set(metrics)):
        stated.setdefault(c.metric, set()).add(c.value)
    return stated


def extract_text_figures(doc: Document, layout: str) -> tuple[list[Figure], list[Issue]]:
    """Figures a report states in its text (and, for narrative reports, its 统计表 annex).

    ``layout`` is ``narrative``, ``gov2019`` or ``gov2021``; for the standard layouts
    only ids their tables cannot give are read.  Returns one figure per metric, or
    none plus an ``ambiguous`` warning when the readings disagree.
    """
    if layout not in FORMAT_VERSIONS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {FORMAT_VERSIONS}")
    allowed = _allowed_metrics(layout)
    compact = _Compact(doc.text, digit_gaps=True)
    issues: list[Issue] = []
    annex = _annex_start(compact.text) if layout == "narrative" else None
    limit = annex.start() if annex else len(compact.text)
    candidates = _prose_candidates(doc.text, compact, limit, allowed)
    if annex:
        prose: dict[str, set[float]] = {}
        for c in candidates:
            prose.setdefault(c.metric, set()).add(c.value)
        candidates += _annex_candidates(doc.text, compact, annex.start(), allowed, prose, issues, doc.path)

    by_metric: dict[str, list[_Candidate]] = {}
    for c in candidates:
        by_metric.setdefault(c.metric, []).append(c)
    _distrust_contradicted_annex_groups(by_metric, issues, doc.path)
    figures: list[Figure] = []
    for metric, group in by_metric.items():
        values = {c.value for c in group}
        if len(values) > 1:
            readings = "; ".join(f"{c.raw_value} ({c.raw_label}) at char:{c.offset}" for c in group)
            issues.append(Issue(doc.path, "warning", "ambiguous",
                                f"{metric}: the report states different values, left out: {readings}",
                                f"char:{group[0].offset}"))
            continue
        best = min(group, key=lambda c: (c.source != "text", c.offset))
        figures.append(Figure(
            metric=metric, value=best.value, table="narrative", applicant="total", cell=best.cell,
            approximate=best.approximate, raw_label=best.raw_label, raw_value=best.raw_value,
            location=f"char:{best.offset}",
        ))
    figures.sort(key=lambda f: int(f.location.split(":")[1]))
    return figures, issues
