"""Scanned pages through OCR: page images → lines of text with confidences, and the checks on what was read.

The engine is RapidOCR on ONNX Runtime (``rapidocr-onnxruntime``), whose wheel
carries the PP-OCR Chinese detection and recognition models: nothing is
downloaded at run time.  A page is recognised into :class:`~.ocr_geometry.TextBox`
es, grouped into visual lines (:func:`~.ocr_geometry.group_lines`); the lines
become the page's text, so the same table and prose readers as for text-layer
PDFs do the rest.  Each line keeps its boxes, so a figure read from it gets the
page, the box and the engine's confidence (:func:`apply_ocr_checks`).

Never a wrong number: a figure read from a line whose number boxes fall below
:data:`MIN_CONFIDENCE`, or one whose table row (table 三: six applicants = 总计;
table 四: each block's four results = 总计) does not add up, is left out with a
warning naming page and box.  Derived sums over a figure left out go too.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .ocr_geometry import OcrTable, TextBox, boxes_from_quads, group_lines, page_skew, ruled_tables
from .schema import Figure, Issue

log = logging.getLogger(__name__)

#: A number read with a lower engine confidence than this is left out with a warning.
MIN_CONFIDENCE = 0.90
#: Rendering resolution of scanned PDF pages (dots per inch).
RENDER_DPI = 150
#: Environment variable: number of pages recognised at once (threads; ONNX Runtime releases the GIL).
PAGE_WORKERS_ENV = "TRANSPARENCY_STATS_OCR_WORKERS"

_DIGIT_RE = re.compile(r"\d")
#: A value read as one of these alone may be the numeral one or a dash (blank) as printed: never taken.
_DASH_OR_ONE = {"一", "壹"}


class OcrUnavailable(Exception):
    """The OCR engine cannot be loaded (not installed on this Python)."""


@dataclass
class OcrLine:
    """One recognised visual line of a page."""

    page: int  # 1-based
    boxes: list[TextBox]
    #: the line's text when it is not its boxes joined (a ruled table's row of cells)
    row_text: str | None = None

    @property
    def text(self) -> str:
        return self.row_text if self.row_text is not None else " ".join(b.text for b in self.boxes)


_ENGINE_LOCK = threading.Lock()


def _engine() -> object:
    with _ENGINE_LOCK:  # page threads share one engine (ONNX Runtime sessions run concurrently)
        return _load_engine()


@functools.lru_cache(maxsize=1)
def _load_engine() -> object:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # declared for Python < 3.13; rapidocr-onnxruntime has no wheel beyond
        raise OcrUnavailable(f"OCR engine not installed (rapidocr-onnxruntime): {exc}") from exc
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    # one thread per page: pages (or files) run in parallel instead.  Boxes are recognised one at a time: in
    # a batch each is padded to the widest, and on a page of long prose lines beside short numbers that
    # padding was most of the recogniser's work.  A short box is still padded to 320 px, the width the model
    # reads best at (narrower, doubtful cells lose confidence)
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, rec_batch_num=1, rec_img_shape=[3, 48, 320])


def recognise_image(image: object) -> list[TextBox]:
    """Text boxes of one page image (a numpy array, RGB or grey), the page's slope removed."""
    return _recognise(_drop_red(image))[0]


def _recognise(array: object) -> tuple[list[TextBox], float]:
    """Text boxes of a page image as the engine sees it (:func:`_drop_red`), and the page's slope (radians)."""
    # upright pages: the 180° classifier is skipped
    result, _ = _engine()(array, use_cls=False, return_word_box=True)  # type: ignore[operator]
    entries = []
    for item in result or []:
        quad, text, score = item[0], item[1], item[2]
        chars = None
        if len(item) >= 6 and item[3] and len(item[3]) == len(item[4]) == len(item[5]):
            chars = list(zip(item[4], item[5], item[3], strict=True))
        entries.append((quad, text, score, chars))
    angle = page_skew(array)
    boxes = boxes_from_quads(entries, angle)
    return _reread_tokens(array, boxes, angle), angle


def _reread_tokens(image: object, boxes: list[TextBox], angle: float) -> list[TextBox]:
    """Boxes with each doubtful number among them read again on its own (:func:`read_numbers`).

    A token that looks like a number but was read below :data:`MIN_CONFIDENCE`
    (often a lone ``0`` among others, taken for ``o``) is cut out of the page,
    with a quarter of its height around it and only the print whose middle is
    inside the token, and read again; the new reading replaces it only when it is the same text with
    a confidence of at least :data:`MIN_CONFIDENCE` (a letter ``o`` read again as
    ``0`` counts as the same).  Box coordinates are
    straightened by the page's slope ``angle``; the cut is made where the token
    lies on the page as scanned.
    """
    import math

    import numpy as np

    array = np.asarray(image)
    height, width = array.shape[:2]
    doubtful = [k for k, b in enumerate(boxes)
                if b.confidence < MIN_CONFIDENCE and _NUMERIC_RE.fullmatch(b.text) and len(b.text) <= 12]
    if not doubtful:
        return boxes
    cos, sin = math.cos(angle), math.sin(angle)
    crops = []
    for k in doubtful:
        b = boxes[k]
        cx, cy = (b.x0 + b.x1) / 2, b.yc
        x, y = cx * cos - cy * sin, cx * sin + cy * cos  # back onto the page as scanned
        margin = 0.25 * b.height
        x0, x1 = int(max(0, x - (b.x1 - b.x0) / 2 - margin)), int(min(width, x + (b.x1 - b.x0) / 2 + margin + 1))
        y0, y1 = int(max(0, y - b.height / 2 - margin)), int(min(height, y + b.height / 2 + margin + 1))
        middle = (x - (b.x1 - b.x0) / 2 - x0, x + (b.x1 - b.x0) / 2 - x0)
        crops.append(_ink_crop(array[y0:y1, x0:x1], middle) if x1 > x0 and y1 > y0 else None)
    wanted = [(k, crop) for k, crop in zip(doubtful, crops, strict=True) if crop is not None]
    out = list(boxes)
    if not wanted:
        return out
    for (k, _), (text, score) in zip(wanted, read_numbers([crop for _, crop in wanted]), strict=True):
        b = boxes[k]
        if text == b.text.translate(_LOOKALIKE_TO_DIGIT) and score >= MIN_CONFIDENCE:
            out[k] = TextBox(text, score, b.x0, b.y0, b.x1, b.y1, (score,) * len(text))
    return out


@dataclass
class OcrPage:
    """What was recognised on one page: its lines top to bottom, and its ruled tables."""

    lines: list[OcrLine]
    tables: list[OcrTable]


def recognise_page(image: object, page: int) -> OcrPage:
    """Lines and ruled tables of one page image (``page`` is its 1-based number)."""
    image = _drop_red(image)
    boxes, angle = _recognise(image)
    lines = [OcrLine(page, line.boxes) for line in group_lines(boxes)]
    image = _straighten(image, angle)  # rules level with the boxes, which are straightened already
    try:
        tables = ruled_tables(image, boxes)
    except ImportError:  # pragma: no cover - OpenCV comes with the OCR engine
        tables = []
    for table in tables:
        _reread_cells(image, table, boxes)
    return OcrPage(lines, tables)


def _straighten(image: object, angle: float) -> object:
    """The page image turned by ``-angle`` about its origin, as :func:`.boxes_from_quads` turns the boxes."""
    import math

    import cv2
    import numpy as np

    if abs(angle) < math.radians(0.05):
        return image
    array = np.asarray(image)
    cos, sin = math.cos(angle), math.sin(angle)
    matrix = np.array([[cos, sin, 0.0], [-sin, cos, 0.0]])
    return cv2.warpAffine(array, matrix, (array.shape[1], array.shape[0]), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))


#: A first reading worth a second look: digits, signs and what a lone zero is often taken for.
_NUMERIC_RE = re.compile(r"[\d.,/\-—–oO〇○。]+")
#: What a second reading of a cell must give to be taken: a number, or a slash alone (printed for "none").
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?|/")


def _reread_cells(image: object, table: OcrTable, boxes: list[TextBox]) -> None:
    """Read again, on its own, each small cell that has ink but no text, or only a doubtful number.

    The detector misses lone characters (a ``0`` in a cell of its own) and the
    recogniser, seeing a ring with no context, spreads its belief over ``0``,
    ``o``, ``O`` and ``〇`` (a stroke over ``1``, ``I`` and ``l``).  Cut out of
    its cell, each such cell is read by :func:`read_numbers` with those
    look-alikes as one digit; the new reading is taken only when it is a number
    (or ``/``) with a confidence of at least :data:`MIN_CONFIDENCE`, and when
    the first reading, if it was a number, said the same.  A cell with no ink is never
    read: blank stays blank, never ``0``.  The row and block identities of
    :func:`apply_ocr_checks` then guard what was taken.
    """
    import numpy as np

    heights = sorted(b.height for b in boxes) or [20.0]
    line_height = heights[len(heights) // 2]
    array = np.asarray(image)
    todo: list[tuple[int, tuple[int, int, int, int], list[TextBox]]] = []
    for region, rect in table.rects.items():
        x0, y0, x1, y1 = rect
        members = table.members.get(region, [])
        if members:
            if not all(_NUMERIC_RE.fullmatch(b.text) for b in members):
                continue
            if min(b.confidence for b in members) >= MIN_CONFIDENCE:
                continue
        elif region not in table.inked:
            continue
        todo.append((region, rect, members))
    crops = [_ink_crop(array[y0 + 5:y1 - 4, x0 + 5:x1 - 4]) for _, (x0, y0, x1, y1), _ in todo]
    # print of more than one line (a label that wraps) is no single number to read
    wanted = [(item, crop) for item, crop in zip(todo, crops, strict=True)
              if crop is not None and crop.shape[0] <= 1.5 * line_height]  # type: ignore[attr-defined]
    if not wanted:
        return
    readings = read_numbers([crop for _, crop in wanted])
    for ((region, (x0, y0, x1, y1), members), _), (text, score) in zip(wanted, readings, strict=True):
        if not _NUMBER_RE.fullmatch(text) or score < MIN_CONFIDENCE:
            continue
        first = "".join(b.text for b in members)
        if first and _NUMBER_RE.fullmatch(first) and first != text:
            continue  # the two passes disagree: the cell stays doubtful
        if score > min((b.confidence for b in members), default=0.0):
            table.members[region] = [TextBox(text, score, x0, y0, x1, y1)]


def _ink_crop(cell: object, columns: tuple[float, float] | None = None) -> object | None:
    """The inked part of a cell image, grey, cut to its print (None when blank).

    Ink is anything darker than light grey, so the faint anti-aliased strokes
    of small print stay whole; specks of a few pixels and pieces of rules
    along the edge (a turned page) are not print.  With ``columns`` (x from,
    x to), only print whose middle lies between them counts (a neighbour's
    glyph reaching into the cut does not).
    """
    import cv2
    import numpy as np

    array = np.asarray(cell)
    if array.size == 0:
        return None
    gray = (array[:, :, :3].mean(axis=2) if array.ndim == 3 else array.astype(float)).astype(np.uint8)
    ink = (gray < 200).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = gray.shape
    keep = []
    for k in range(1, count):
        x, y, bw, bh, area = stats[k]
        touches = x == 0 or y == 0 or x + bw == w or y + bh == h
        if area < 4 or (touches and (bw > 0.8 * w or bh > 0.8 * h)):
            continue
        if columns is not None and not columns[0] <= x + bw / 2 <= columns[1]:
            continue
        keep.append((x, y, x + bw, y + bh, area))
    if sum(k[4] for k in keep) < 12:
        return None
    x0, y0 = min(k[0] for k in keep), min(k[1] for k in keep)
    x1, y1 = max(k[2] for k in keep), max(k[3] for k in keep)
    return gray[y0:y1, x0:x1]


#: Characters the recogniser gives for a printed digit beside the digit itself (full-width forms, a lone
#: zero taken for a letter o, a lone one for a letter I or l): in a cell that holds a number they are one class.
DIGIT_LOOKALIKES = {0: "oO〇○Ｏｏ", 1: "Il|丨ｌＩ"}
_LOOKALIKE_TO_DIGIT = str.maketrans({c: str(d) for d, chars in DIGIT_LOOKALIKES.items() for c in chars})
#: Characters it gives for a minus sign.
MINUS_LOOKALIKES = "-－—一"


@functools.lru_cache(maxsize=1)
def _digit_classes() -> tuple[object, list[list[int]]]:
    """The recogniser and, for 0–9, ``-`` and ``/``, the indexes of its output classes that mean that character."""
    engine = _engine()
    recogniser = engine.text_rec  # type: ignore[attr-defined]
    index = {c: i for i, c in enumerate(recogniser.postprocess_op.character)}
    groups = [[index[c] for c in str(d) + chr(0xFF10 + d) + DIGIT_LOOKALIKES.get(d, "") if c in index]
              for d in range(10)]
    groups.append([index[c] for c in MINUS_LOOKALIKES if c in index])
    groups.append([index[c] for c in "/／" if c in index])
    return recogniser, groups


#: A first view read with at least this confidence is taken without a second view.
SURE_CONFIDENCE = 0.97


def read_numbers(crops: list[object]) -> list[tuple[str, float]]:
    """Numbers in small grey images of single cells: ``(text, confidence)`` each, ``("", 0.0)`` when not a number.

    Only the recognition model runs, in batches.  Each crop is read with a
    margin of a third of its height; at each step of the recogniser's output
    the probabilities of the classes that mean one digit (``0`` and its
    look-alikes ``o O 〇``, see :data:`DIGIT_LOOKALIKES`) are added up, any
    other class counts against, and the steps are decoded greedily (CTC).  A
    reading below :data:`SURE_CONFIDENCE` is read again enlarged twice and
    kept only when both views agree, with the mean of their lowest
    per-character confidences.
    """
    import cv2
    import numpy as np

    recogniser, groups = _digit_classes()
    grays = [np.asarray(crop, dtype=np.uint8) for crop in crops]
    first = [np.pad(g, max(3, g.shape[0] // 3), constant_values=255) for g in grays]
    out = [_decode_digits(p, groups) for p in _recognise_batch(recogniser, first)]
    unsure = [k for k, (text, score) in enumerate(out) if text and score < SURE_CONFIDENCE]
    second = []
    for k in unsure:
        big = cv2.resize(grays[k], None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        second.append(np.pad(big, max(6, big.shape[0] // 3), constant_values=255))  # a wider margin: 0 looks like 。
    for k, (text, score) in zip(unsure, (_decode_digits(p, groups) for p in _recognise_batch(recogniser, second)),
                                strict=True):
        a, ca = out[k]
        out[k] = (a, (ca + score) / 2) if text == a else ("", 0.0)
    return [(text, round(score, 4)) for text, score in out]


def _recognise_batch(recogniser: object, images: list[object], batch: int = 16) -> list[object]:
    """Per-step class probabilities of the recognition model for each grey image (as PP-OCR feeds it)."""
    import math

    import cv2
    import numpy as np

    height = 48
    order = sorted(range(len(images)), key=lambda i: images[i].shape[1] / images[i].shape[0])  # type: ignore[attr-defined]
    results: dict[int, object] = {}
    for start in range(0, len(order), batch):
        chunk = order[start:start + batch]
        widths = [max(1, math.ceil(height * images[i].shape[1] / images[i].shape[0])) for i in chunk]  # type: ignore[attr-defined]
        full = max(320, *widths)
        tensor = np.zeros((len(chunk), 3, height, full), dtype=np.float32)
        for row, (i, w) in enumerate(zip(chunk, widths, strict=True)):
            resized = cv2.resize(np.asarray(images[i]), (w, height)).astype(np.float32) / 127.5 - 1.0
            tensor[row, :, :, :w] = resized[None]
        probs = recogniser.session(tensor)[0]  # type: ignore[attr-defined]
        for row, i in enumerate(chunk):
            results[i] = probs[row]
    return [results[i] for i in range(len(images))]


def _decode_digits(probs: object, groups: list[list[int]]) -> tuple[str, float]:
    """Greedy CTC decoding over the classes blank, 0–9, minus, slash and 'anything else' → (text, lowest confidence)."""
    import numpy as np

    p = np.asarray(probs)
    columns = [p[:, 0]] + [p[:, g].sum(axis=1) for g in groups]
    grouped = np.stack(columns, axis=1)
    other = np.clip(1.0 - grouped.sum(axis=1), 0.0, 1.0)
    grouped = np.concatenate([grouped, other[:, None]], axis=1)
    labels = [""] + [str(d) for d in range(10)] + ["-", "/", "?"]
    text: list[str] = []
    confidence: list[float] = []
    previous = 0
    for step, best in enumerate(grouped.argmax(axis=1)):
        if best != 0:
            if best != previous:
                text.append(labels[best])
                confidence.append(float(grouped[step, best]))
            else:
                confidence[-1] = max(confidence[-1], float(grouped[step, best]))
        previous = int(best)
    joined = "".join(text)
    if not text or "?" in joined:
        return "", 0.0
    return joined, min(confidence)


def _drop_red(image: object) -> object:
    """The page as the engine sees it: the red channel in all three, so red seals fade and black text stays.

    Official reports are stamped with a red seal, often over a table; in the red
    channel the seal is nearly white while black (and blue) print stays dark.
    """
    import numpy as np

    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] >= 3:
        red = array[:, :, 0]
        return np.ascontiguousarray(np.stack([red, red, red], axis=2))
    if array.ndim == 2:
        return np.ascontiguousarray(np.stack([array, array, array], axis=2))
    return array


_page_workers_override: int | None = None


def page_workers() -> int:
    """Pages recognised at once: set by :func:`page_workers_set`, else ``$TRANSPARENCY_STATS_OCR_WORKERS``, else 1."""
    if _page_workers_override is not None:
        return _page_workers_override
    try:
        return max(1, int(os.environ.get(PAGE_WORKERS_ENV, "1")))
    except ValueError:
        return 1


@contextlib.contextmanager
def page_workers_set(workers: int) -> Iterator[None]:
    """Recognise ``workers`` pages at once inside the ``with`` block."""
    global _page_workers_override
    previous = _page_workers_override
    _page_workers_override = max(1, workers)
    try:
        yield
    finally:
        _page_workers_override = previous


def recognise_pages(render: Callable[[int], object], pages: list[int], label: str) -> dict[int, OcrPage]:
    """Recognise ``pages`` (0-based indexes; ``render(i)`` gives the image) → what was read, by page index.

    Pages run on :func:`page_workers` threads.  Progress: a bar on a terminal
    for files of more than two pages, otherwise a log line every 10 seconds.
    """
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int) -> tuple[int, OcrPage]:
        return i, recognise_page(render(i), i + 1)

    bar = None
    if len(pages) > 2 and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(pages), desc=f"OCR {label}", unit="page", leave=False)
    out: dict[int, OcrPage] = {}
    last = time.monotonic()
    workers = min(page_workers(), len(pages)) or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done, (i, lines) in enumerate(pool.map(one, pages), 1):
            out[i] = lines
            if bar is not None:
                bar.update()
            elif time.monotonic() - last > 10:
                last = time.monotonic()
                print(f"{label}: OCR page {done}/{len(pages)}", file=sys.stderr)
    if bar is not None:
        bar.close()
    return out


# --------------------------------------------------------------------------- checks after extraction

_CHAR_RE = re.compile(r"^char:(\d+)$")


def _line_index(text: str) -> list[int]:
    """Offsets at which each line of ``text`` starts."""
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def _source_boxes(line: OcrLine, raw_value: str) -> list[TextBox]:
    """The boxes of ``line`` that hold ``raw_value`` (else every box with a digit, else all)."""
    from .normalize import nfkc

    wanted = re.sub(r"\s+", "", nfkc(raw_value))
    if wanted:
        exact = [b for b in line.boxes if wanted in nfkc(b.text).split()]
        if exact:
            return exact
        holding = [b for b in line.boxes if wanted in re.sub(r"\s+", "", nfkc(b.text))]
        if holding:
            return holding
    digits = [b for b in line.boxes if _DIGIT_RE.search(b.text)]
    return digits or line.boxes


def _union(boxes: list[TextBox]) -> str:
    return (f"{min(b.x0 for b in boxes):.0f},{min(b.y0 for b in boxes):.0f},"
            f"{max(b.x1 for b in boxes):.0f},{max(b.y1 for b in boxes):.0f}")


#: Table rows that add up: table 三 applicants → 总计; table 四 blocks → their 总计.
def _row_groups(figures: Iterable[Figure]) -> dict[tuple[str, str], list[Figure]]:
    groups: dict[tuple[str, str], list[Figure]] = {}
    for f in figures:
        if f.derived:
            continue
        if f.table == "requests":
            groups.setdefault(("requests", f.metric), []).append(f)
        elif f.table == "review_litigation" and f.metric.rsplit("_", 1)[-1] in (
            "upheld", "corrected", "other", "pending", "total"
        ):
            groups.setdefault(("review_litigation", f.metric.rsplit("_", 1)[0]), []).append(f)
    return groups


def _row_breaks(table: str, members: list[Figure]) -> bool:
    """True when a complete row read as numbers does not add up to its 总计."""
    if any(f.value is None for f in members):
        return False  # a blank or text cell: nothing to check
    if table == "requests":
        total = [f for f in members if f.applicant == "total"]
        parts = [f for f in members if f.applicant != "total"]
        if len(total) != 1 or len(parts) != 6:
            return False
    else:
        total = [f for f in members if f.metric.endswith("_total")]
        parts = [f for f in members if not f.metric.endswith("_total")]
        if len(total) != 1 or len(parts) != 4:
            return False
    return abs(sum(f.value for f in parts) - total[0].value) > 1e-6  # type: ignore[misc, operator]


_CELL_RE = re.compile(r"^table:(\d+) row:(\d+) col:(\d+)$")


def _locate(f: Figure, text: str, starts: list[int], ocr_lines: dict[int, OcrLine],
            ocr_tables: dict[int, tuple[int, OcrTable]]) -> tuple[int, list[TextBox]] | None:
    """Page and boxes a figure was read from, when they were recognised by OCR."""
    import bisect

    m = _CHAR_RE.match(f.location)
    if m:
        line = ocr_lines.get(bisect.bisect_right(starts, int(m.group(1))) - 1)
        return (line.page, _source_boxes(line, f.raw_value)) if line is not None else None
    m = _CELL_RE.match(f.location)
    if m and int(m.group(1)) in ocr_tables:
        page, table = ocr_tables[int(m.group(1))]
        row, col = int(m.group(2)), int(m.group(3))
        boxes = table.boxes_at(row, col)
        if boxes:
            return page, boxes
        x0, y0, x1, y1 = table.rects.get(table.owner.get((row, col), -1), table.region)
        # a cell with no ink is blank for sure; one with ink but nothing read is not known (confidence 0)
        return page, [TextBox("", 0.0 if table.unread_at(row, col) else 1.0, x0, y0, x1, y1)]
    return None


def apply_ocr_checks(
    text: str, ocr_lines: dict[int, OcrLine], figures: list[Figure], issues: list[Issue],
    ocr_tables: dict[int, tuple[int, OcrTable]] | None = None,
) -> list[Figure]:
    """Mark figures read from OCR lines, and leave out those that cannot be trusted.

    ``ocr_lines`` maps a line number of ``text`` (the document's normalised
    text) to the recognised line it came from, ``ocr_tables`` a grid index of
    the document to the page and ruled table it came from.  A figure located in such a line
    gets ``read_via="ocr"``, the confidence of its boxes and a location
    ``page:P box:x0,y0,x1,y1 char:N``.  Figures below :data:`MIN_CONFIDENCE`, rows
    that break their table identity, and derived sums over either are left out;
    each leaves a warning in ``issues``.
    """
    starts = _line_index(text)
    ruled_pages = {page for page, _ in (ocr_tables or {}).values()}
    ocr_figures: list[Figure] = []
    from_lines: set[int] = set()
    for f in figures:
        found = _locate(f, text, starts, ocr_lines, ocr_tables or {})
        if found is None:
            continue
        page, boxes = found
        in_line = bool(_CHAR_RE.match(f.location))
        if in_line and page in ruled_pages and f.table != "narrative":
            from_lines.add(id(f))
        f.read_via = "ocr"
        wanted = f.raw_value.strip() if in_line and not f.derived else ""
        f.confidence = round(min(b.confidence_of(wanted) for b in boxes), 4)
        f.location = f"page:{page} box:{_union(boxes)} {f.location}"
        ocr_figures.append(f)
    if not ocr_figures:
        return figures
    dropped: set[int] = set()

    def drop(f: Figure, why: str) -> None:
        if id(f) in dropped:
            return
        dropped.add(id(f))
        issues.append(Issue("", "warning", "ocr", f"{f.table} {f.metric} ({f.applicant}) read as "
                            f"{f.raw_value!r} by OCR: {why}; left out", f.location))

    for f in ocr_figures:
        if id(f) in from_lines:
            # a page with ruled tables: its wrapped labels stand above and below their numbers, so lines cannot
            # tell which row a number belongs to; only the grid is trusted there
            drop(f, "a table cell on a ruled page read from text lines, not from its grid")
        if not f.derived and f.cell == "text":
            drop(f, "a value cell read as words")
        if not f.derived and f.raw_value.strip() in _DASH_OR_ONE:
            drop(f, "a lone 一 may be a printed dash")
        if not f.derived and (f.confidence or 0) < MIN_CONFIDENCE:  # a blank or / misread is as wrong
            drop(f, f"confidence {f.confidence:.2f} below {MIN_CONFIDENCE:.2f}")
    for (table, row), members in _row_groups(ocr_figures).items():
        if _row_breaks(table, members):
            for f in members:
                drop(f, f"its row {row} does not add up to its total")
    lost = {(f.table, f.metric, f.applicant) for f in figures if id(f) in dropped}
    for f in figures:
        if f.derived and id(f) not in dropped and _derived_from_lost(f, lost):
            drop(f, "a part of this sum was left out")
    return [f for f in figures if id(f) not in dropped]


def _derived_from_lost(f: Figure, lost: set[tuple[str, str, str]]) -> bool:
    from .tables import BLOCKS, REVIEW_SUMS

    if f.table == "requests":
        parts = BLOCKS.get(f.metric)
        if parts is None:  # a 总计 derived from the six applicant cells
            return any((f.table, f.metric, a) in lost for a in ("natural_person", "commercial", "research",
                                                                  "social_welfare", "legal_services", "other_org"))
        return any((f.table, p, f.applicant) in lost for p in parts)
    parts = REVIEW_SUMS.get(f.metric, ())
    return any((f.table, p, f.applicant) in lost for p in parts)


def annotate(figures: list[Figure], read_via: str) -> None:
    """Set ``read_via`` on figures that have none yet."""
    for f in figures:
        if not f.read_via:
            f.read_via = read_via


__all__ = [
    "MIN_CONFIDENCE", "RENDER_DPI", "OcrLine", "OcrUnavailable", "apply_ocr_checks", "recognise_image",
    "recognise_page", "OcrPage", "recognise_pages", "page_workers", "page_workers_set",
]
