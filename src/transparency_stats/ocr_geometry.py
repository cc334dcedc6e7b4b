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
    #: confidence of each character of ``text``, where the engine gave them
    char_confidence: tuple[float, ...] | None = None

    def confidence_of(self, part: str) -> float:
        """Lowest confidence of the characters of ``part`` where it occurs in the text (else of the box)."""
        if self.char_confidence is None or len(self.char_confidence) != len(self.text) or not part:
            return self.confidence
        spans = [m.start() for m in re.finditer(re.escape(part), self.text)]
        if not spans:
            return self.confidence
        return min(min(self.char_confidence[i:i + len(part)]) for i in spans)

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


def boxes_from_quads(results: list[EngineBox], angle: float | None = None) -> list[TextBox]:
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
    if angle is None:
        angle = page_slope(results)
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


def page_skew(image: object, limit_degrees: float = 2.0) -> float:
    """The page's slope in radians from its print: the turn that makes its rows of ink sharpest.

    The ink (darker than mid grey, at half size) is turned by each angle within
    ``limit_degrees`` in steps of 0.1°, then 0.02° around the best; the best
    makes the row profile most peaked (largest sum of squared differences
    between neighbouring rows), as text lines and rules then fall on few rows.
    More precise than the slopes of detected boxes, whose corners are whole
    pixels.
    """
    import cv2
    import numpy as np

    array = np.asarray(image)
    gray = cv2.cvtColor(array, cv2.COLOR_RGB2GRAY) if array.ndim == 3 else array
    small = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)
    ink = (small < 128).astype(np.float32)
    if ink.sum() < 50:
        return 0.0
    h, w = ink.shape

    def sharpness(degrees: float) -> float:
        a = math.radians(degrees)
        matrix = np.array([[math.cos(a), math.sin(a), 0.0], [-math.sin(a), math.cos(a), 0.0]])
        turned = cv2.warpAffine(ink, matrix, (w, h), flags=cv2.INTER_NEAREST)
        profile = turned.sum(axis=1)
        return float(np.square(np.diff(profile)).sum())

    coarse = max(np.arange(-limit_degrees, limit_degrees + 1e-9, 0.1), key=sharpness)
    fine = max(np.arange(coarse - 0.1, coarse + 0.1 + 1e-9, 0.02), key=sharpness)
    return math.radians(float(fine))


def page_slope(results: list[EngineBox]) -> float:
    """The page's slope in radians: the median slope of the top edges of wide boxes (0 when none)."""
    slopes = []
    for quad, text, _, _ in results:
        (xa, ya), (xb, yb) = quad[0], quad[1]
        if xb - xa > 4 * max(1.0, abs(quad[3][1] - quad[0][1])) and len(text) >= 3:
            slopes.append(math.atan2(yb - ya, xb - xa))
    return statistics.median(slopes) if slopes else 0.0


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
        token = [i for i in token if not chars[i][0].isspace()]
        if not token:
            continue
        text = "".join(chars[i][0] for i in token)
        confidences = tuple(float(chars[i][1]) for i in token)
        out.append(TextBox(text, min(confidences), min(rects[i][0] for i in token), y0,
                           max(rects[i][2] for i in token), y1, confidences if len(text) == len(token) else None))
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


# --------------------------------------------------------------------------- ruled tables


@dataclass
class OcrTable:
    """A ruled table found on a page: merged regions of atomic cells, the boxes inside each, and its outline."""

    shape: tuple[int, int]  # rows, columns of atomic cells
    owner: dict[tuple[int, int], int]  # atomic cell -> region id (merged cells share one)
    rects: dict[int, tuple[int, int, int, int]]  # region id -> x0, y0, x1, y1 in pixels
    members: dict[int, list[TextBox]]  # region id -> boxes whose centre lies inside
    inked: set[int]  # regions with ink in them (text the engine may have missed)
    region: tuple[int, int, int, int]  # the table's outline in pixels

    @property
    def cells(self) -> list[list[str]]:
        """Rows of cell texts; a merged cell's text stands in every position it covers."""
        rows, cols = self.shape
        texts = {k: _cell_text(v) for k, v in self.members.items() if v}
        return [[texts.get(self.owner[(i, j)], "") for j in range(cols)] for i in range(rows)]

    def boxes_at(self, row: int, col: int) -> list[TextBox]:
        return self.members.get(self.owner.get((row, col), -1), [])

    def unread_at(self, row: int, col: int) -> bool:
        """True when the cell holds ink but no recognised text: it is not known to be blank."""
        region = self.owner.get((row, col), -1)
        return region in self.inked and not self.members.get(region)


def _runs(profile: object, min_len: int) -> list[tuple[int, int]]:
    """Start and end index of each run of True in a 1-D boolean array at least ``min_len`` long."""
    import numpy as np

    flags = np.asarray(profile, dtype=bool)
    runs = []
    start = None
    for i, flag in enumerate(np.append(flags, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= min_len:
                runs.append((start, i - 1))
            start = None
    return runs


def _centres(positions: list[int], gap: int, widest: int | None = None) -> list[int]:
    """Cluster sorted pixel positions closer than ``gap``; the middle of each cluster.

    With ``widest``, a cluster broader than that is no rule (a seal's ring
    stroke, many pixels thick) and is dropped.
    """
    groups: list[list[int]] = []
    for p in sorted(positions):
        if groups and p - groups[-1][-1] <= gap:
            groups[-1].append(p)
        else:
            groups.append([p])
    return [(g[0] + g[-1]) // 2 for g in groups if widest is None or g[-1] - g[0] <= widest]


def ruled_tables(image: object, boxes: list[TextBox]) -> list[OcrTable]:
    """Tables drawn with rules: cells from the horizontal and vertical lines, text from the boxes inside.

    Lines are found by morphological opening of the inked pixels with long thin
    kernels.  Rows run between consecutive horizontal rules and columns between
    the vertical ones; a cell with no rule between it and its neighbour spans
    both (merged cells), and its text is copied into every position it covers,
    as the HTML reader does with ``rowspan``/``colspan``.  A box belongs to the
    cell that holds its centre; a cell's text is its boxes, line by line.
    """
    import cv2
    import numpy as np

    array = np.asarray(image)
    gray = cv2.cvtColor(array, cv2.COLOR_RGB2GRAY) if array.ndim == 3 else array
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    h, w = ink.shape
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 25), 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, h // 60))))
    rules = cv2.dilate(horizontal | vertical, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(rules)
    text_ink = (ink > 0) & ~(rules > 0)
    tables = []
    for k in range(1, count):
        x, y, bw, bh, _ = stats[k]
        if bw < w // 4 or bh < 20:
            continue
        table = _table_in(horizontal[y:y + bh, x:x + bw] > 0, vertical[y:y + bh, x:x + bw] > 0, x, y, boxes,
                          text_ink)
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda t: t.region[1])
    return tables


def _table_in(hmask: object, vmask: object, ox: int, oy: int, boxes: list[TextBox],
              text_ink: object) -> OcrTable | None:
    import numpy as np

    hm = np.asarray(hmask)
    vm = np.asarray(vmask)
    bh, bw = hm.shape
    # rules are thin: a few pixels, more on a page turned by a fraction of a degree
    ys = _centres([y for y in range(bh) if hm[y].sum() > bw * 0.05], 4, max(8, bw // 100))
    xs = _centres([x for x in range(bw) if vm[:, x].sum() > bh * 0.02], 4, max(8, bw // 100))
    if len(ys) < 3 or len(xs) < 2:
        return None

    def vline(x: int, y0: int, y1: int) -> bool:
        band = vm[y0 + 2:y1 - 1, max(0, x - 3):x + 4].any(axis=1)
        return band.size > 0 and band.mean() > 0.7

    def hline(y: int, x0: int, x1: int) -> bool:
        band = hm[max(0, y - 3):y + 4, x0 + 2:x1 - 1].any(axis=0)
        return band.size > 0 and band.mean() > 0.7

    # a table narrower than the rules' extent: outer vertical rules bound it
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i in range(nr):
        for j in range(nc):
            if j + 1 < nc and not vline(xs[j + 1], ys[i], ys[i + 1]):
                parent[find(i * nc + j)] = find(i * nc + j + 1)
            if i + 1 < nr and not hline(ys[i + 1], xs[j], xs[j + 1]):
                parent[find(i * nc + j)] = find((i + 1) * nc + j)
    owner = {(i, j): find(i * nc + j) for i in range(nr) for j in range(nc)}
    rects: dict[int, tuple[int, int, int, int]] = {}
    for (i, j), root in owner.items():
        x0, y0, x1, y1 = ox + xs[j], oy + ys[i], ox + xs[j + 1], oy + ys[i + 1]
        if root in rects:
            a0, b0, a1, b1 = rects[root]
            x0, y0, x1, y1 = min(x0, a0), min(y0, b0), max(x1, a1), max(y1, b1)
        rects[root] = (x0, y0, x1, y1)
    members: dict[int, list[TextBox]] = {}
    for box in boxes:
        cx, cy = (box.x0 + box.x1) / 2 - ox, box.yc - oy
        if not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
            continue
        i = max(0, min(nr - 1, int(np.searchsorted(ys, cy)) - 1))
        j = max(0, min(nc - 1, int(np.searchsorted(xs, cx)) - 1))
        members.setdefault(owner[(i, j)], []).append(box)
    if not members:
        return None
    ink = np.asarray(text_ink)
    inked = set()
    for root, (x0, y0, x1, y1) in rects.items():
        inner = ink[y0 + 4:y1 - 3, x0 + 4:x1 - 3]
        if inner.size and int(inner.sum()) >= 12:
            inked.add(root)
    return OcrTable((nr, nc), owner, rects, members, inked, (ox + xs[0], oy + ys[0], ox + xs[-1], oy + ys[-1]))


def _cell_text(boxes: list[TextBox]) -> str:
    """A cell's boxes line by line; pieces of one number or word are joined without a space."""
    lines = group_lines(boxes)
    return "".join("".join(b.text for b in line.boxes) for line in lines)
