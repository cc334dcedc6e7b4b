"""A whitespace-free view of a report's text, with every position mapped back to the text.

Printed labels break across lines and PDF layers put spaces inside words, so
labels are searched in the text without whitespace; what is found is then read
from the text itself through :meth:`CompactText.offset`.  Page footers
(``- 3 -``, ``第3页 共9页``, ``3/9`` alone on a line) are no part of the text.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["PAGE_FOOTER_RE", "CompactText", "blank_footers"]

#: A page footer alone on its line: ``- 3 -``, ``第 3 页``, ``第3页 共9页``, ``3/9``.
PAGE_FOOTER_RE = re.compile(
    r"(?m)^[ \t]*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3})[ \t]*$"
)

#: Square, lenticular and tortoise-shell brackets read as round ones.
ROUND_BRACKETS = str.maketrans({"[": "(", "]": ")", "〔": "(", "〕": ")", "【": "(", "】": ")", "﹙": "(", "﹚": ")"})


#: str.isspace and str.isdigit of every code point of the basic multilingual plane (every
#: whitespace character is there; digits beyond it are looked at one by one).
_BMP_END = 0xFFFF  # a noncharacter: neither space nor digit
_IS_SPACE = np.array([chr(c).isspace() for c in range(_BMP_END + 1)], dtype=bool)
_IS_DIGIT = np.array([chr(c).isdigit() for c in range(_BMP_END + 1)], dtype=bool)


def _is_digit(codes: np.ndarray) -> np.ndarray:
    """str.isdigit of each code point."""
    digit = _IS_DIGIT[np.minimum(codes, _BMP_END)]
    for i in np.flatnonzero(codes > _BMP_END):
        digit[i] = chr(codes[i]).isdigit()
    return digit


_SQUARE_BRACKETS_RE = re.compile("[" + re.escape("".join(map(chr, ROUND_BRACKETS))) + "]")


def _round_brackets(text: str) -> str:
    """``text.translate(ROUND_BRACKETS)``, faster where brackets are few (a lookup per bracket only)."""
    return _SQUARE_BRACKETS_RE.sub(lambda m: ROUND_BRACKETS[ord(m.group())], text)


def blank_footers(text: str) -> str:
    """The text with each page footer replaced by as many spaces (offsets stay valid)."""
    return PAGE_FOOTER_RE.sub(lambda m: " " * len(m.group()), text)


class CompactText:
    """Text without whitespace and page footers; ``offsets[i]`` is where character i stands in the text.

    ``digit_gaps``: a gap between two digits stays as one space (prose keeps ``3 4``
    apart); ``round_brackets``: ``[]``, ``〔〕``, ``【】`` become ``()``.
    """

    def __init__(self, text: str, *, digit_gaps: bool = False, round_brackets: bool = False) -> None:
        # Page footers become spaces (offsets unchanged); the rest is done on the array of code
        # points: which characters stay, where they stood, and where a digit gap leaves a space.
        if PAGE_FOOTER_RE.search(text):
            text = blank_footers(text)
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        positions = np.flatnonzero(~_IS_SPACE[np.minimum(codes, _BMP_END)])
        kept = codes[positions]
        if digit_gaps and len(positions) > 1:
            after = np.flatnonzero(np.diff(positions) > 1)  # a gap between kept characters k and k + 1
            after = after[_is_digit(kept[after]) & _is_digit(kept[after + 1])]
            if len(after):
                kept = np.insert(kept, after + 1, ord(" "))
                positions = np.insert(positions, after + 1, positions[after] + 1)
        joined = kept.tobytes().decode("utf-32-le", "surrogatepass")
        self.text = _round_brackets(joined) if round_brackets else joined
        self.offsets: list[int] = positions.tolist()
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
