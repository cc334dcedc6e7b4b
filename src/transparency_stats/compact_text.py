"""A whitespace-free view of a report's text, with every position mapped back to the text.

Printed labels break across lines and PDF layers put spaces inside words, so
labels are searched in the text without whitespace; what is found is then read
from the text itself through :meth:`CompactText.offset`.  Page footers
(``- 3 -``, ``第3页 共9页``, ``3/9`` alone on a line) are no part of the text.
"""

from __future__ import annotations

import re

__all__ = ["PAGE_FOOTER_RE", "CompactText", "blank_footers"]

#: A page footer alone on its line: ``- 3 -``, ``第 3 页``, ``第3页 共9页``, ``3/9``.
PAGE_FOOTER_RE = re.compile(
    r"(?m)^[ \t]*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3})[ \t]*$"
)

#: Square, lenticular and tortoise-shell brackets read as round ones.
ROUND_BRACKETS = str.maketrans({"[": "(", "]": ")", "〔": "(", "〕": ")", "【": "(", "】": ")", "﹙": "(", "﹚": ")"})


#: A run of characters that are not whitespace (``\s`` is exactly :meth:`str.isspace`).
_RUN_RE = re.compile(r"\S+")


def blank_footers(text: str) -> str:
    """The text with each page footer replaced by as many spaces (offsets stay valid)."""
    return PAGE_FOOTER_RE.sub(lambda m: " " * len(m.group()), text)


class CompactText:
    """Text without whitespace and page footers; ``offsets[i]`` is where character i stands in the text.

    ``digit_gaps``: a gap between two digits stays as one space (prose keeps ``3 4``
    apart); ``round_brackets``: ``[]``, ``〔〕``, ``【】`` become ``()``.
    """

    def __init__(self, text: str, *, digit_gaps: bool = False, round_brackets: bool = False) -> None:
        # Page footers become spaces (offsets unchanged); the compact text is then the runs of
        # non-space characters, joined, each run's offsets one range: no loop per character.
        if PAGE_FOOTER_RE.search(text):
            text = blank_footers(text)
        pieces: list[str] = []
        offsets: list[int] = []
        previous_end = -1
        for run in _RUN_RE.finditer(text):
            piece = run.group()
            start = run.start()
            if (digit_gaps and pieces and start > previous_end and piece[0].isdigit()
                    and pieces[-1][-1].isdigit()):
                pieces.append(" ")
                offsets.append(previous_end)
            pieces.append(piece)
            previous_end = run.end()
            offsets.extend(range(start, previous_end))
        joined = "".join(pieces)
        self.text = joined.translate(ROUND_BRACKETS) if round_brackets else joined
        self.offsets = offsets
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
