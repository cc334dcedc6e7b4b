"""A whitespace-free view of a report's text, with every position mapped back to the text.

Printed labels break across lines and PDF layers put spaces inside words, so
labels are searched in the text without whitespace; what is found is then read
from the text itself through :meth:`CompactText.offset`.  Page footers
(``- 3 -``, ``第3页 共9页``, ``3/9`` alone on a line) are no part of the text.
"""

from __future__ import annotations

import functools
import re
from array import array

import numpy as np

__all__ = ["PAGE_FOOTER_RE", "CompactText", "blank_footers", "has_footer", "spaceless"]

#: A page footer alone on its line: ``- 3 -``, ``第 3 页``, ``第3页 共9页``, ``3/9``.
PAGE_FOOTER_RE = re.compile(
    r"(?m)^[ \t]*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3})[ \t]*$"
)

#: Square, lenticular and tortoise-shell brackets read as round ones.
ROUND_BRACKETS = str.maketrans({"[": "(", "]": ")", "〔": "(", "〕": ")", "【": "(", "】": ")", "﹙": "(", "﹚": ")"})


#: str.isspace and str.isdigit of every code point of the basic multilingual plane (every
#: whitespace character is there; digits beyond it are looked at one by one).  They are
#: indexed with ``take(codes, mode="clip")``: a code point beyond the plane reads the last
#: entry, U+FFFF, a noncharacter that is neither space nor digit.
_BMP_END = 0xFFFF
_IS_SPACE = np.array([chr(c).isspace() for c in range(_BMP_END + 1)], dtype=bool)
_NOT_SPACE = ~_IS_SPACE
_IS_DIGIT = np.array([chr(c).isdigit() for c in range(_BMP_END + 1)], dtype=bool)
#: Each code point of the plane as :data:`ROUND_BRACKETS` leaves it.
_ROUNDED = np.arange(_BMP_END + 1, dtype=np.uint32)
for _code, _round in ROUND_BRACKETS.items():
    _ROUNDED[_code] = ord(_round)


def _is_digit(codes: np.ndarray) -> np.ndarray:
    """str.isdigit of each code point."""
    digit = _IS_DIGIT.take(codes, mode="clip")
    for i in np.flatnonzero(codes > _BMP_END):
        digit[i] = chr(codes[i]).isdigit()
    return digit


def _round_brackets(codes: np.ndarray) -> np.ndarray:
    """The code points with square, lenticular and tortoise-shell brackets made round."""
    rounded = _ROUNDED.take(codes, mode="clip")
    if len(codes) and codes.max() > _BMP_END:
        rounded = np.where(codes > _BMP_END, codes, rounded)
    return rounded


#: A page footer after a line break: the footers :data:`PAGE_FOOTER_RE` finds past the text's
#: first character, found by a scan for line breaks (``^`` is tried at every position).
_FOOTER_AFTER_BREAK_RE = re.compile("\n" + PAGE_FOOTER_RE.pattern.removeprefix("(?m)^"), re.MULTILINE)


def has_footer(text: str) -> bool:
    """Whether the text has a page footer (``PAGE_FOOTER_RE.search(text)``, faster)."""
    return PAGE_FOOTER_RE.match(text) is not None or _FOOTER_AFTER_BREAK_RE.search(text) is not None


def blank_footers(text: str) -> str:
    """The text with each page footer replaced by as many spaces (offsets stay valid)."""
    if not has_footer(text):
        return text
    return PAGE_FOOTER_RE.sub(lambda m: " " * len(m.group()), text)


@functools.lru_cache(maxsize=2)
def spaceless(text: str) -> str:
    """The text without whitespace (``str.split`` splits on exactly what ``\\s`` matches).

    Recognition and the report facts both ask for it: the last texts' are kept.
    """
    return "".join(text.split())


#: The views built for the text read last, by (text, digit_gaps, round_brackets): the tables and
#: the prose of one report each ask for the same view (its offsets are never changed).
_RECENT: dict[tuple[str, bool, bool], tuple[str, array[int], int]] = {}
#: A longer text's views are not kept (they would hold its memory until the next text).
_RECENT_MAX_CHARS = 2_000_000


class CompactText:
    """Text without whitespace and page footers; ``offsets[i]`` is where character i stands in the text.

    ``digit_gaps``: a gap between two digits stays as one space (prose keeps ``3 4``
    apart); ``round_brackets``: ``[]``, ``〔〕``, ``【】`` become ``()``.
    """

    def __init__(self, text: str, *, digit_gaps: bool = False, round_brackets: bool = False) -> None:
        key = (text, digit_gaps, round_brackets)
        recent = _RECENT.get(key)
        if recent is not None:
            self.text, self.offsets, self._size = recent
            return
        self._build(text, digit_gaps, round_brackets)
        if len(text) <= _RECENT_MAX_CHARS:
            if any(other != text for other, _, _ in _RECENT):
                _RECENT.clear()  # views of one text only: the one being read
            _RECENT[key] = (self.text, self.offsets, self._size)

    def _build(self, text: str, digit_gaps: bool, round_brackets: bool) -> None:
        """Compute the view."""
        # Page footers become spaces (offsets unchanged); the rest is done on the array of code
        # points: which characters stay, where they stood, and where a digit gap leaves a space.
        text = blank_footers(text)
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        positions = np.flatnonzero(_NOT_SPACE.take(codes, mode="clip")).astype(np.int64, copy=False)
        kept = codes[positions]
        if round_brackets:
            kept = _round_brackets(kept)
        joined = kept.tobytes().decode("utf-32-le", "surrogatepass")
        if digit_gaps and len(positions) > 1:
            digit = _is_digit(kept)
            gap = (positions[1:] - positions[:-1]) > 1  # a gap between kept characters k and k + 1
            gap &= digit[1:]
            gap &= digit[:-1]
            after = np.flatnonzero(gap)
            if len(after):
                cuts = (after + 1).tolist()
                joined = " ".join([joined[a:b] for a, b in zip([0, *cuts], [*cuts, len(joined)], strict=True)])
                positions = np.insert(positions, after + 1, positions[after] + 1)
        self.text = joined
        #: an array of machine integers: made from the positions in one copy (a list takes an object each)
        self.offsets: array[int] = array("q", positions.tobytes())
        self._size = len(text)

    def offset(self, i: int) -> int:
        """Offset in the text of compact position i (the text's end for i past the end)."""
        return self.offsets[i] if i < len(self.offsets) else self._size

    def find(self, pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> re.Match[str] | None:
        """First match of pattern in the compact text between start and end."""
        return pattern.search(self.text, start, len(self.text) if end is None else end)

    def rfind(self, pattern: re.Pattern[str], start: int, end: int) -> re.Match[str] | None:
        """Last match of pattern in the compact text between start and end."""
        last = None
        for m in pattern.finditer(self.text, start, end):
            last = m
        return last
