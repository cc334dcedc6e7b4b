"""Run-together cells: the cuts of a digit run that the table identities allow."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .template import BLOCKS, REQUEST_COLUMNS, REVIEW_COLUMNS, REVIEW_FIELDS, REVIEW_GROUPS


@dataclass
class Token:
    """One whitespace-separated piece of a text row."""

    text: str
    start: int  # offset in the document text
    alone: bool = False  # the only thing on its line



@dataclass(frozen=True)
class Part:
    """One cell cut from a row: its text and where it starts in the document."""

    text: str
    start: int  # offset in the document text

    @property
    def value(self) -> float:
        """The cell's number."""
        return float(self.text)


INT_RE = re.compile(r"0|[1-9]\d*")


def joined_digits(tokens: list[Token]) -> tuple[str, list[int]] | None:
    """Joined digits of integer tokens and each digit's document offset."""
    chars: list[str] = []
    offsets: list[int] = []
    for tok in tokens:
        if not tok.text.isdigit():
            return None
        chars.extend(tok.text)
        offsets.extend(range(tok.start, tok.start + len(tok.text)))
    return "".join(chars), offsets


def _split_sum(digits: str, lo: int, hi: int, n: int, target: int, cap: int) -> list[list[tuple[int, int]]]:
    """Ways to cut digits[lo:hi] into n integers (no leading zeros) that add up to target."""
    results: list[list[tuple[int, int]]] = []
    max_len = len(str(target))
    parts: list[tuple[int, int]] = []

    def walk(pos: int, left: int, remaining: int) -> None:
        """Depth-first search over the cuts from pos on."""
        if len(results) >= cap:
            return
        if left == 0:
            if pos == hi and remaining == 0:
                results.append(list(parts))
            return
        span = hi - pos
        if span < left or span > left * max_len:
            return
        longest = -(-span // left)  # some part has at least this many digits (no leading zeros)
        if longest > 1 and 10 ** (longest - 1) > remaining:
            return
        if remaining >= left * 10 ** (span - left + 1):
            return  # even one part taking all spare digits cannot reach the sum
        for length in range(1, min(max_len, span - left + 1) + 1):
            end = pos + length
            piece = digits[pos:end]
            if length > 1 and piece[0] == "0":
                break
            value = int(piece)
            if value > remaining:
                break
            parts.append((pos, end))
            walk(end, left - 1, remaining - value)
            parts.pop()

    walk(lo, n, target)
    return results


def row_sum_splits(digits: str, n: int, cap: int = 64) -> list[list[tuple[int, int]]]:
    """Cuts of digits into n-1 numbers followed by their sum (a table 三 row: six columns, 总计)."""
    found: list[list[tuple[int, int]]] = []
    size = len(digits)
    if size == n and cap > 0 and digits.isascii():
        # one digit a cell, the only cut there is (most run-together rows: single-digit cells)
        values = [int(d) for d in digits]
        return [[(i, i + 1) for i in range(n)]] if sum(values[:-1]) == values[-1] else []
    for k in range(1, min(size - (n - 1), 12) + 1):
        start = size - k
        total = digits[start:]
        if not INT_RE.fullmatch(total):
            continue
        for parts in _split_sum(digits, 0, start, n - 1, int(total), cap - len(found)):
            found.append(parts + [(start, size)])
        if len(found) >= cap:
            break
    return found


def cut_parts(digits: str, offsets: list[int], cuts: list[tuple[int, int]]) -> list[Part]:
    """The cells of one split of a digit run."""
    return [Part(digits[a:b], offsets[a]) for a, b in cuts]



def _column_identities(present: set[str]) -> list[dict[str, int]]:
    """Linear identities (metric → coefficient, = 0) over the rows of table 三 that are present."""
    identities = [{"requests_received": 1, "requests_carried_over": 1, "results_total": -1,
                   "requests_carried_forward": -1}]
    results: dict[str, int] = {"results_total": -1, "results_granted": 1, "results_partial": 1}
    for block, leaves in BLOCKS.items():
        if all(leaf in present for leaf in leaves):
            results.update(dict.fromkeys(leaves, 1))
        else:
            results[block] = 1
    identities.append(results)
    return identities


def resolve_with_columns(candidates: dict[str, list[list[Part]]]) -> None:
    """Narrow ambiguous rows by the column identities (a candidate stays if some assignment fits)."""
    identities = _column_identities(set(candidates))
    changed = True
    while changed:
        changed = False
        for identity in identities:
            if not all(m in candidates and candidates[m] for m in identity):
                continue
            open_rows = [m for m in identity if len(candidates[m]) > 1]
            if not open_rows:
                continue
            sizes = [len(candidates[m]) for m in open_rows]
            if _product(sizes) > 4096:
                continue
            fixed = [0.0] * len(REQUEST_COLUMNS)
            for m, coef in identity.items():
                if len(candidates[m]) == 1:
                    for c, part in enumerate(candidates[m][0]):
                        fixed[c] += coef * part.value
            keep: dict[str, set[int]] = {m: set() for m in open_rows}
            for choice in itertools.product(*(range(s) for s in sizes)):
                total = list(fixed)
                for m, idx in zip(open_rows, choice, strict=True):
                    coef = identity[m]
                    for c, part in enumerate(candidates[m][idx]):
                        total[c] += coef * part.value
                if all(abs(t) < 1e-9 for t in total):
                    for m, idx in zip(open_rows, choice, strict=True):
                        keep[m].add(idx)
            if not any(keep.values()):
                continue  # the identity does not hold as published: it cannot decide anything
            for m in open_rows:
                if len(keep[m]) < len(candidates[m]):
                    candidates[m] = [candidates[m][i] for i in sorted(keep[m])]
                    changed = True


def _product(values: Iterable[int]) -> int:
    """Product of the values (the number of combinations to try)."""
    result = 1
    for v in values:
        result *= v
    return result


# ----- table 二

_AMOUNT_RE = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?|[—/]")
_CHANGE_RE = re.compile(r"-?(?:0|[1-9]\d*)|[—/]")
_COUNT_RE = re.compile(r"0|[1-9]\d*|[—/]")


def column_re(suffix: str) -> re.Pattern[str]:
    """A cell of a table 二 column in run-together text (a '-' sign only where a change is printed)."""
    if suffix.startswith("amount"):
        return _AMOUNT_RE
    if suffix == "items_change":
        return _CHANGE_RE
    return _COUNT_RE


def split_columns(text: str, res: list[re.Pattern[str]], cap: int = 2) -> list[list[int]]:
    """Ways to cut text into len(res) pieces each matching its column's pattern (end positions)."""
    found: list[list[int]] = []
    last = len(res) - 1

    def walk(pos: int, k: int, ends: list[int]) -> None:
        """Depth-first search over the cuts from pos on."""
        if len(found) >= cap:
            return
        if k == len(res):
            if pos == len(text):
                found.append(list(ends))
            return
        if k == last:  # the last piece is the rest of the text: one pattern match, not one per end
            if pos < len(text) and res[k].fullmatch(text, pos, len(text)):
                found.append([*ends, len(text)])
            return
        for end in range(pos + 1, len(text) + 1):
            if res[k].fullmatch(text, pos, end):
                ends.append(end)
                walk(end, k + 1, ends)
                ends.pop()

    walk(0, 0, [])
    return found



def split_review(digits: str, offsets: list[int], cap: int = 256) -> list[Part | None] | None:
    """Cut digits into three blocks of (four numbers, their sum); cells all fitting splits agree on."""
    solutions: list[list[tuple[int, int]]] = []
    size = len(digits)

    def valid(a: int, b: int) -> bool:
        """Whether digits[a:b] is a plausible cell (no leading zero, at most nine digits)."""
        return (b - a == 1 or digits[a] != "0") and b - a <= 9

    def block(pos: int, done: int, parts: list[tuple[int, int]]) -> None:
        """Cut the next block of table 四 from pos on."""
        if len(solutions) >= cap:
            return
        if done == len(REVIEW_GROUPS):
            if pos == size:
                solutions.append(list(parts))
            return
        cells_left = (len(REVIEW_GROUPS) - done) * len(REVIEW_FIELDS)
        if size - pos < cells_left:
            return

        def inner(p: int, k: int, total: int) -> None:
            """Cut the k-th cell of the current block; the last one must equal the block's sum."""
            if len(solutions) >= cap:
                return
            if k == len(REVIEW_FIELDS) - 1:
                s = str(total)
                if digits.startswith(s, p) and valid(p, p + len(s)):
                    parts.append((p, p + len(s)))
                    block(p + len(s), done + 1, parts)
                    parts.pop()
                return
            for length in range(1, 10):
                e = p + length
                if e > size or size - e < cells_left - k - 1:
                    break
                if not valid(p, e):
                    if length > 1 and digits[p] == "0":
                        break
                    continue
                parts.append((p, e))
                inner(e, k + 1, total + int(digits[p:e]))
                parts.pop()

        inner(pos, 0, 0)

    block(0, 0, [])
    if not solutions or len(solutions) >= cap:
        return None
    cells: list[Part | None] = []
    for c in range(len(REVIEW_COLUMNS)):
        texts = {digits[s[c][0]: s[c][1]] for s in solutions}
        if len(texts) == 1:
            a, b = solutions[0][c]
            cells.append(Part(digits[a:b], offsets[a]))
        else:
            cells.append(None)
    # a block is kept only when all five of its cells are decided
    for g in range(len(REVIEW_GROUPS)):
        block_cells = cells[g * 5: g * 5 + 5]
        if any(c is None for c in block_cells):
            cells[g * 5: g * 5 + 5] = [None] * 5
    return cells


