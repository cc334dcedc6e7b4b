"""Row and column labels of the standard tables: look-up keys, spellings, text patterns."""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources

from ..normalize import nfkc, normalize_label
from ..prefilter import with_first_chars
from .template import LABELS_RESOURCE, TABLES

_ORDINAL_RE = re.compile(
    r"^\s*(?:[((][一二三四五六七八九十\d]{1,3}[))]|[一二三四五六七八九十]{1,3}\s*[、.,]|\d{1,2}\s*[、.,)]"
    r"|[\u2460-\u2473])\s*"
)


@functools.lru_cache(maxsize=16384)
def label_key(label: str) -> str:
    """Look-up key of a row or column label: ``normalize_label`` without its leading ordinal."""
    key = normalize_label(_ORDINAL_RE.sub("", nfkc(label).strip(), count=1))
    return key or normalize_label(label)


@dataclass(frozen=True)
class Spelling:
    """One printed spelling of a label."""

    table: str
    kind: str  # row | column | header
    raw_label: str
    metric: str


@dataclass
class LabelMap:
    """Label spellings of one layout, indexed for grid look-ups and text search."""

    layout: str
    spellings: list[Spelling]
    keys: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (table, kind) -> key -> metric
    fragments: dict[str, str] = field(default_factory=dict)  # table -> all keys joined (label debris test)
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)

    by_key: dict[str, list[Spelling]] = field(default_factory=dict)  # key -> spellings in any table
    known_keys: dict[str, frozenset[str]] = field(default_factory=dict)  # table -> its row, column and header keys

    def __post_init__(self) -> None:
        """Index the spellings by (table, kind) and by key."""
        for s in self.spellings:
            self.keys.setdefault((s.table, s.kind), {})[label_key(s.raw_label)] = s.metric
            self.by_key.setdefault(label_key(s.raw_label), []).append(s)
        for table in TABLES:
            keys = [label_key(s.raw_label) for s in self.spellings if s.table == table]
            self.fragments[table] = "|".join(keys)
        for (table, kind), keys_of_kind in self.keys.items():
            if kind in ("row", "column", "header"):
                self.known_keys[table] = self.known_keys.get(table, frozenset()) | keys_of_kind.keys()

    def lookup(self, table: str, kind: str, label: str) -> str | None:
        """Metric (``""`` for a header) of a label, or None when unknown."""
        return self.keys.get((table, kind), {}).get(label_key(label))

    def known(self, table: str, label: str) -> bool:
        """Whether a label is any known row, column or header label of the table."""
        return label_key(label) in self.known_keys.get(table, frozenset())

    def pattern(self, table: str) -> re.Pattern[str]:
        """Regex over whitespace-free text matching any spelling; group ``g<i>`` names spelling i."""
        if table not in self._patterns:
            alternatives = []
            for i, s in enumerate(self.spellings):
                if s.table == table:
                    alternatives.append((len(label_key(s.raw_label)), f"(?P<g{i}>{spelling_regex(s.raw_label)})"))
            alternatives.sort(key=lambda item: -item[0])
            # a lookahead on the characters a label can start with: same matches, ~9x faster scan
            self._patterns[table] = with_first_chars(re.compile("|".join(a for _, a in alternatives)))
        return self._patterns[table]


_PUNCT = ":：,，、.．·•'\"“”‘’「」『』;；/"
_PUNCT_CLASS = "[" + re.escape(_PUNCT) + "]"
_LEAD_ORDINAL_RE = re.compile(
    r"^(?:(?P<paren>[((][一二三四五六七八九十]{1,3}[))])|(?P<cn>[一二三四五六七八九十]{1,3})[、.,]|(?P<num>\d{1,2})[、.,])"
)


def spelling_regex(raw_label: str) -> str:
    """Regex for a printed label in whitespace-free text (punctuation optional, ordinal optional)."""
    label = re.sub(r"\s+", "", raw_label)
    ordinal = ""
    m = _LEAD_ORDINAL_RE.match(label)
    if m:
        if m.group("paren"):
            ordinal = r"\(" + re.escape(m.group("paren")[1:-1]) + r"\)"
        elif m.group("cn"):
            ordinal = re.escape(m.group("cn")) + "[、.,]?"
        else:
            ordinal = re.escape(m.group("num")) + "[、.,]"
        label = label[m.end():]
    parts = []
    for ch in label:
        if ch in _PUNCT:
            parts.append(_PUNCT_CLASS + "?")
        elif ch in "((":
            parts.append(r"\(")
        elif ch in "))":
            parts.append(r"\)?")  # a wrapped label may lose its closing bracket to the next line
        else:
            parts.append(re.escape(ch))
    body = "".join(parts)
    if not ordinal:
        return body
    if len(label_key(label)) <= 2:
        return ordinal + body  # short labels (3.其他, (七)总计) only with their ordinal
    return f"(?:{ordinal})?{body}"


@functools.lru_cache(maxsize=8)
def load_label_map(layout: str) -> LabelMap:
    """The label spellings that apply to ``layout`` (its own rows plus the ``*`` rows)."""
    text = resources.files("transparency_stats").joinpath("data", LABELS_RESOURCE).read_text(encoding="utf-8")
    spellings = [
        Spelling(row["table"], row["kind"], row["raw_label"], row["metric"] or "")
        for row in csv.DictReader(io.StringIO(text))
        if row["layout"] in ("*", layout)
    ]
    return LabelMap(layout, spellings)


@functools.lru_cache(maxsize=1)
def registered_metrics() -> dict[str, frozenset[str]]:
    """Metric ids of each standard table in the field registry."""
    from ..registry import metric_ids

    return {table: frozenset(metric_ids(table)) for table in TABLES}



def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of a and b, or limit + 1 once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def typo_limit(key: str) -> int:
    """How many wrong, dropped or doubled characters a label of this length may carry (OCR, typos)."""
    return 1 if len(key) <= 8 else 2


def _near(key: str, target: str) -> bool:
    """Whether ``key`` differs from ``target`` by at most :func:`typo_limit` wrong, dropped or doubled characters."""
    limit = typo_limit(target)
    return len(key) >= 3 and len(target) >= 3 and edit_distance(key, target, limit) <= limit


def near_label(labels: LabelMap, table: str, kind: str, metric: str, label: str) -> bool:
    """Whether ``label`` is a near spelling of ``metric`` and of no other label of that kind in the table.

    A few wrong, dropped or doubled characters (typos, OCR look-alikes) are
    tolerated; a label as near to another metric's spelling is not read.
    """
    key = label_key(label)
    near = {s.metric for s in labels.spellings
            if s.table == table and s.kind == kind and _near(key, label_key(s.raw_label))}
    return near == {metric}


def row_by_position(labels: LabelMap, table: str, order: Sequence[str], before: str | None, after: str | None,
                    label: str, taken: Iterable[str]) -> str | None:
    """The template row an unrecognised label stands for, decided by its place in the table.

    ``before`` and ``after`` are the recognised rows around it (None at the
    table's edge).  The label is read as a row only when the template's row
    order leaves exactly one row between them that has not been read yet, and
    the label differs from one of that row's spellings by a few wrong, dropped
    or doubled characters (and is no such near spelling of another row);
    otherwise None.
    """
    metric = row_at_position(order, before, after, taken)
    if metric is None or not near_label(labels, table, "row", metric, label):
        return None
    return metric


def row_at_position(order: Sequence[str], before: str | None, after: str | None,
                    taken: Iterable[str]) -> str | None:
    """The one template row not read yet between ``before`` and ``after``, or None (none, several, no anchor)."""
    if (before is not None and before not in order) or (after is not None and after not in order):
        return None
    lo = order.index(before) + 1 if before is not None else 0
    hi = order.index(after) if after is not None else len(order)
    taken = set(taken)
    candidates = [m for m in order[lo:hi] if m not in taken]
    if len(candidates) != 1 or (before is None and after is None):
        return None
    return candidates[0]


def columns_by_position(labels: LabelMap, table: str, templates: Iterable[Sequence[str]],
                        recognised: Sequence[str | None], texts: Sequence[str]) -> list[str | None]:
    """Column metrics of a header whose labels were not all recognised, decided by the template.

    ``recognised`` holds each header cell's metric in print order (None where
    the label is unknown) and ``texts`` the printed labels.  The templates that
    fit (as many columns, the same metric at every recognised place) must all
    put one metric at an unknown place, and the label there must be a near
    spelling of it (:func:`near_label`); otherwise that place stays None.
    """
    fitting = [tuple(t) for t in templates
               if len(t) == len(recognised) and all(r is None or r == m for r, m in zip(recognised, t, strict=True))]
    result = list(recognised)
    if not fitting:
        return result
    for i, metric in enumerate(recognised):
        if metric is not None:
            continue
        options = {t[i] for t in fitting}
        if len(options) == 1 and near_label(labels, table, "column", next(iter(options)), texts[i]):
            result[i] = options.pop()
    return result
