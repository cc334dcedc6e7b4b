"""Faster search with large alternations: a lookahead on the characters a match can start with.

Python's regex engine tries every branch of an alternation at every position
of the text; when the branches are named groups (label patterns), it cannot
skip a position by its first character.  :func:`with_first_chars` puts a
lookahead on the set of characters any match must start with in front of the
pattern, so a position that cannot start a match is left after one character
test.  The matches are the same: the lookahead only rejects positions where
the pattern could not match anyway.

:func:`pattern_anchors` finds the literal pieces every match of a pattern holds,
at a known distance from its start, so a prose rule is tried only around them.
Both read patterns with the standard library's own parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

try:  # the parser of the standard ``re`` module (``sre_parse`` before 3.11)
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

__all__ = ["Anchor", "first_chars", "pattern_anchors", "with_first_chars"]

#: A character range wider than this makes the first-character set too wide to be worth it.
_MAX_RANGE = 4096
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT) + ((_c.POSSESSIVE_REPEAT,) if hasattr(_c, "POSSESSIVE_REPEAT") else ())
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)


def _sequence(items: list) -> tuple[set[str], bool] | None:  # type: ignore[type-arg]
    """Characters a sequence can start with and whether it can match empty; None when unknown."""
    chars: set[str] = set()
    for op, av in items:
        item = _item(op, av)
        if item is None:
            return None
        first, nullable = item
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _item(op: object, av: object) -> tuple[set[str], bool] | None:
    """Characters one parsed item can start with and whether it can match empty; None when unknown."""
    if op is _c.LITERAL:
        return {chr(av)}, False  # type: ignore[arg-type]
    if op is _c.IN:
        chars: set[str] = set()
        for kind, value in av:  # type: ignore[attr-defined]
            if kind is _c.LITERAL:
                chars.add(chr(value))
            elif kind is _c.RANGE and value[1] - value[0] <= _MAX_RANGE:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:  # NEGATE, CATEGORY (\d, \s), wide ranges
                return None
        return chars, False
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, pattern = av  # type: ignore[misc]
        if add_flags & re.IGNORECASE:
            return None
        return _sequence(pattern.data)
    if op is _c.BRANCH:
        chars = set()
        nullable = False
        for branch in av[1]:  # type: ignore[index]
            sub = _sequence(branch.data)
            if sub is None:
                return None
            chars |= sub[0]
            nullable = nullable or sub[1]
        return chars, nullable
    if op in _REPEATS:
        low, _high, pattern = av  # type: ignore[misc]
        sub = _sequence(pattern.data)
        if sub is None:
            return None
        return sub[0], low == 0 or sub[1]
    if op in _ZERO_WIDTH:
        return set(), True  # consumes nothing: the first character comes after it
    return None  # any character, back-references, atomic groups, ...


def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Every character a match of ``pattern`` can start with, or None when not known or a match can be empty."""
    if pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return None
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unexpected parser change: no prefilter
        return None
    result = _sequence(list(parsed.data))
    if result is None or result[1] or not result[0]:
        return None
    return frozenset(result[0])


def _engine_skips_ahead(pattern: re.Pattern[str]) -> bool:
    """Whether the regex engine itself skips to a literal prefix or a first-character set of the pattern."""
    try:
        from re import _compiler  # type: ignore[attr-defined]

        parsed = _parser.parse(pattern.pattern, pattern.flags)
        prefix, _skip, _all = _compiler._get_literal_prefix(parsed, pattern.flags)
        return bool(prefix) or _compiler._get_charset_prefix(parsed, pattern.flags) is not None
    except Exception:  # noqa: BLE001 - another Python's internals: assume it does not
        return False


def has_literal_prefix(pattern: re.Pattern[str]) -> bool:
    """Whether every match of ``pattern`` starts with a literal the regex engine searches for itself
    (a scan about as fast as ``str.find``)."""
    try:
        from re import _compiler  # type: ignore[attr-defined]

        prefix, _skip, _all = _compiler._get_literal_prefix(_parser.parse(pattern.pattern, pattern.flags),
                                                            pattern.flags)
        return bool(prefix)
    except Exception:  # noqa: BLE001 - another Python's internals: assume it does not
        return False


def with_first_chars(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` behind a lookahead on its first characters (same matches, same groups), or itself.

    A pattern the engine already searches by its literal prefix or first characters is
    returned as it is (the lookahead would hide them from the engine).
    """
    if _engine_skips_ahead(pattern):
        return pattern
    chars = first_chars(pattern)
    if chars is None:
        return pattern
    charset = "".join(re.escape(ch) for ch in sorted(chars))
    try:
        return re.compile(f"(?=[{charset}])(?:{pattern.pattern})", pattern.flags)
    except re.error:  # e.g. inline global flags at the pattern's start
        return pattern


# --------------------------------------------------------------------------- anchors


@dataclass(frozen=True)
class Anchor:
    """Literal text every match of a pattern holds: one of ``literals``, starting between
    ``before_min`` and ``before_max`` characters after the match's start."""

    literals: tuple[str, ...]
    before_min: int
    before_max: int


#: A prefix wider than this is no anchor (a match could start anywhere before the literal).
_MAX_ANCHOR_REACH = 200


def _literal_alternatives(op: object, av: object) -> tuple[str, ...] | None:
    """The literal strings one item of a parsed pattern matches, when it matches nothing else."""
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av  # type: ignore[misc]
        if add_flags & _c.SRE_FLAG_IGNORECASE:
            return None
        return _sequence_literals(sub.data)
    if op is _c.BRANCH:
        found: list[str] = []
        for branch in av[1]:  # type: ignore[index]
            literals = _sequence_literals(branch.data)
            if not literals:
                return None
            found += literals
        return tuple(found)
    if op is _c.IN and av and all(kind is _c.LITERAL for kind, _ in av):  # type: ignore[attr-defined]
        return tuple(chr(code) for _, code in av)  # type: ignore[attr-defined]
    return None


def _sequence_literals(data: list) -> tuple[str, ...] | None:  # type: ignore[type-arg]
    """The literal strings a sequence matches (each of its items matching literals only), or None.

    A sequence of several items gives at most :data:`_MAX_JOINED` strings.
    """
    if not data:
        return None
    found: tuple[str, ...] = ("",)
    for op, av in data:
        piece = (chr(av),) if op is _c.LITERAL else _literal_alternatives(op, av)  # type: ignore[call-overload]
        if not piece:
            return None
        found = _joined(found, piece)
        if len(found) > _MAX_JOINED and len(data) > 1:
            return None
    return found


def pattern_anchors(pattern: str) -> tuple[Anchor, ...]:
    """The anchors of ``pattern``: its top-level literal pieces (a run of characters, or a group
    of literal alternatives) with the width of what precedes them.

    Every match of the pattern holds each anchor at that distance from its start, so a match
    can only start where an anchor's literal stands that far ahead.  Empty for patterns that
    ignore case or refer back to groups (their widths are not known here).
    """
    if re.compile(pattern).flags & re.IGNORECASE or re.search(r"\\\d|\(\?P=|\(\?\(", pattern):
        return ()
    parsed = _parser.parse(pattern)
    items = list(parsed.data)
    anchors: list[Anchor] = []
    i = 0
    while i < len(items):
        literals, end = _literal_piece(items, i)
        if literals:
            # the pieces right after it join it: the longer literals stand more rarely
            while end < len(items):
                following, after = _literal_piece(items, end)
                joined = _joined(literals, following or ())
                if not following or len(joined) > _MAX_JOINED:
                    break
                literals, end = joined, after
            low, high = _parser.SubPattern(parsed.state, items[:i]).getwidth()
            if high <= _MAX_ANCHOR_REACH:
                anchors.append(Anchor(literals, low, high))
        i = end
    return tuple(anchors)


#: Literal pieces in a row are joined into one anchor while it has at most this many literals.
_MAX_JOINED = 8


def _joined(first: tuple[str, ...], then: tuple[str, ...]) -> tuple[str, ...]:
    """Each literal of ``first`` followed by each of ``then``, once each, in order."""
    return tuple(dict.fromkeys(a + b for a in first for b in then))


def _literal_piece(items: list, i: int) -> tuple[tuple[str, ...] | None, int]:  # type: ignore[type-arg]
    """The literals item ``i`` of a parsed pattern matches (a run of characters from there, or a group
    of literal alternatives), or None, and the index after the piece."""
    op, av = items[i]
    end = i + 1
    if op is _c.LITERAL:
        while end < len(items) and items[end][0] is _c.LITERAL:
            end += 1
        return ("".join(chr(code) for _, code in items[i:end]),), end
    literals = _literal_alternatives(op, av)
    return (literals if literals and all(literals) else None), end
