"""Layout from the geometry of recognised text boxes: lines of a page and table grids.

An OCR engine gives boxes (four corner points, text, confidence).  Here they
become what the readers of text-layer documents consume:

* **lines**: boxes whose vertical centres lie within half a box height of each
  other are one visual line, read left to right (a slightly rotated scan is
  straightened first by the median slope of the wide boxes);
* **tokens**: a detected box that spans several table cells is cut where its
  characters stand apart, so a row reads ``规章 2 2 15`` as a text layer gives
  it, not ``规章2215``.

Nothing here reads numbers: that is left to the table and prose readers, which
then see the cells of a row in order, separated, as in a PDF's text layer.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TextBox:
    """One recognised piece of text: axis-aligned box (pixels), text and confidence in [0, 1]."""

    text: str
    confidence: float
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def location(self) -> str:
        return f"{self.x0:.0f},{self.y0:.0f},{self.x1:.0f},{self.y1:.0f}"


@dataclass
class Line:
    """Boxes on one visual line, left to right."""

    boxes: list[TextBox] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(b.text for b in self.boxes)

    @property
    def yc(self) -> float:
        return statistics.fmean(b.yc for b in self.boxes)


Quad = list[list[float]]
#: One engine result: the box's four corners, its text, its score, and per character (text, score, corners).
EngineBox = tuple[Quad, str, float, list[tuple[str, float, Quad]] | None]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff（）()《》“”，。、：；]")


def boxes_from_quads(results: list[EngineBox]) -> list[TextBox]:
    """Engine results → axis-aligned boxes, the page's slope removed, split where the characters part.

    A scan rotated by a degree or two has every line's boxes climbing or
    falling; the median slope of the top edges of wide boxes is undone around
    the page origin before the boxes are made axis-aligned.

    The detector often takes a whole table row as one box and the recogniser
    drops the spaces between its cells (``规章 2 2 15`` comes back as
    ``规章2215``).  Where the characters' positions are known, a box is split
    into tokens at every gap wider than a digit's pitch: more than 0.55 of the
    line height between two digits (digits of one number sit about 0.35
    apart), more than 0.9 between a Chinese character and a digit.  Each token
    keeps the lowest confidence of its characters.
    """
    slopes = []
    for quad, text, _, _ in results:
        (xa, ya), (xb, yb) = quad[0], quad[1]
        if xb - xa > 4 * max(1.0, abs(quad[3][1] - quad[0][1])) and len(text) >= 3:
            slopes.append(math.atan2(yb - ya, xb - xa))
    angle = statistics.median(slopes) if slopes else 0.0
    cos, sin = math.cos(-angle), math.sin(-angle)

    def straight(quad: Quad) -> tuple[float, float, float, float]:
        xs = [x * cos - y * sin for x, y in quad]
        ys = [x * sin + y * cos for x, y in quad]
        return min(xs), min(ys), max(xs), max(ys)

    boxes = []
    for quad, text, score, chars in results:
        if not text.strip():
            continue
        x0, y0, x1, y1 = straight(quad)
        if not chars or len(chars) != len(text):
            boxes.append(TextBox(text.strip(), float(score), x0, y0, x1, y1))
            continue
        boxes.extend(_split_box(chars, [straight(q) for _, _, q in chars], y0, y1))
    return boxes


def _split_box(chars: list[tuple[str, float, Quad]], rects: list[tuple[float, float, float, float]],
               y0: float, y1: float) -> list[TextBox]:
    """Tokens of one detected box, cut where the characters stand apart."""
    height = max(1.0, y1 - y0)
    centres = [(r[0] + r[2]) / 2 for r in rects]
    tokens: list[list[int]] = [[0]]
    for i in range(1, len(chars)):
        a, b = chars[i - 1][0], chars[i][0]
        gap = centres[i] - centres[i - 1]
        a_cjk, b_cjk = bool(_CJK.match(a)), bool(_CJK.match(b))
        if a.isspace() or b.isspace():
            cut = True
        elif a_cjk and b_cjk:
            cut = False
        elif a_cjk or b_cjk:
            cut = gap > 0.9 * height
        else:
            cut = gap > 0.55 * height
        if cut:
            tokens.append([i])
        else:
            tokens[-1].append(i)
    out = []
    for token in tokens:
        text = "".join(chars[i][0] for i in token).strip()
        if not text:
            continue
        out.append(TextBox(text, min(float(chars[i][1]) for i in token),
                           min(rects[i][0] for i in token), y0, max(rects[i][2] for i in token), y1))
    return out


def group_lines(boxes: list[TextBox]) -> list[Line]:
    """Visual lines, top to bottom: a box joins the line whose centre is within half its height."""
    lines: list[Line] = []
    for box in sorted(boxes, key=lambda b: (b.yc, b.x0)):
        if lines:
            line = lines[-1]
            tolerance = 0.5 * min(box.height, statistics.median(b.height for b in line.boxes))
            if abs(box.yc - line.yc) <= tolerance:
                line.boxes.append(box)
                continue
        lines.append(Line([box]))
    for line in lines:
        line.boxes.sort(key=lambda b: b.x0)
    return lines
