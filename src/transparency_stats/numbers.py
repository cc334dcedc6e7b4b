"""One quantity parser for Arabic, full-width, Chinese and mixed numerals.

``parse_quantity("2万六千余条")`` → ``Quantity(26000, "条", approximate=True)``.

Handles 十/百/千/万/亿 multipliers (``一百零八``, ``两万``, ``1.5万``, ``2万六千``),
positional Chinese digits (``二〇一八``), decimals, thousands separators,
percentages (``100%``, ``百分之九十``; value returned as a fraction) and the
approximation markers 余/多/近/约/以上/左右/逾/超过.  Anything it cannot read
unambiguously gives ``None`` rather than a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CHINESE_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "O": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "两": 2, "贰": 2, "兩": 2,
    "三": 3, "叁": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
LARGE_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

APPROX_PREFIXES = ("超过", "将近", "大约", "接近", "约", "近", "逾", "超", "达")
APPROX_SUFFIXES = ("以上", "左右", "余", "多", "来")
# "达" ("reached") is not an approximation: it is stripped but does not set the flag.
_NON_APPROX_PREFIXES = {"达", "超"}

#: Units that follow quantities in the reports (longest first when matching).
UNITS: tuple[str, ...] = (
    "人次", "批次", "个百分点",
    "条", "件", "例", "次", "个", "元", "份", "场", "期", "家", "人", "篇", "项", "起",
    "批", "部", "本", "所", "类", "天", "日", "名", "户", "宗", "%", "‰",
)

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN_CHARS = "零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億兩陸"


@dataclass(frozen=True)
class Quantity:
    """A parsed number: value, unit (may be empty) and whether it is approximate."""

    value: float
    unit: str = ""
    approximate: bool = False


def _tokenise(text: str) -> list[tuple[str, float]] | None:
    """Split a numeral into ('num', v) / ('small', m) / ('large', m) / ('zero', 0) tokens."""
    tokens: list[tuple[str, float]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        match = re.match(_ARABIC, text[i:])
        if match:
            tokens.append(("num", float(match.group().replace(",", ""))))
            i += match.end()
            continue
        if ch in ("零", "〇", "○"):
            tokens.append(("zero", 0))
        elif ch in CHINESE_DIGITS:
            tokens.append(("num", float(CHINESE_DIGITS[ch])))
        elif ch in SMALL_UNITS:
            tokens.append(("small", float(SMALL_UNITS[ch])))
        elif ch in LARGE_UNITS:
            tokens.append(("large", float(LARGE_UNITS[ch])))
        else:
            return None
        i += 1
    return tokens


def _positional(tokens: list[tuple[str, float]]) -> float | None:
    """二〇一八 → 2018: Chinese digits written one per position."""
    digits = []
    for kind, value in tokens:
        if kind not in ("num", "zero") or (kind == "num" and value not in range(10)):
            return None
        digits.append(str(int(value)))
    return float("".join(digits))


def parse_numeral(text: str) -> float | None:
    """Value of a bare numeral (no unit, no markers), or None when ambiguous."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None
    tokens = _tokenise(text)
    if not tokens:
        return None
    kinds = [k for k, _ in tokens]
    if "small" not in kinds and "large" not in kinds:
        numbers = [v for k, v in tokens if k == "num"]
        if len(tokens) == 1 and numbers:
            return numbers[0]
        # Several bare numbers in a row: only Chinese positional digits qualify.
        if not all(c in CHINESE_DIGITS for c in text):
            return None
        return _positional(tokens)

    total = 0.0  # completed 亿 sections
    section = 0.0  # completed 万 section
    small = 0.0  # below 万
    current: float | None = None
    last_multiplier: float | None = None
    saw_zero = False
    previous_large = float("inf")
    for kind, value in tokens:
        if kind == "num":
            if current is not None:
                return None  # two numbers with no multiplier between them
            current = value
        elif kind == "zero":
            if current is not None:
                return None
            saw_zero = True
        elif kind == "small":
            if current is None and (value != 10 or (last_multiplier or 1e9) < 1e4):
                return None  # 百 / 百十 / 千百: only 十 may stand without a digit
            small += (current if current is not None else 1) * value
            current = None
            last_multiplier = value
            saw_zero = False
        else:  # large
            if value >= previous_large and value != 10_000:
                return None
            block = small + (current or 0)
            if block == 0:
                return None  # 万 / 亿万 with no digits before
            if value == 100_000_000:
                total = (total + section + block) * value
                section = 0.0
            else:
                if section:
                    return None  # 万…万
                section = block * value
            small = 0.0
            current = None
            last_multiplier = value
            previous_large = value
            saw_zero = False
    if current is not None:
        if (
            last_multiplier is not None
            and not saw_zero
            and current < 10
            and current.is_integer()
            and last_multiplier >= 100
            and not re.search(r"\d", text[-1])
        ):
            # Colloquial 一百五 = 150, 三万五 = 35000 (a trailing Chinese digit only).
            current *= last_multiplier / 10
        small += current
    return total + section + small


def parse_quantity(text: str) -> Quantity | None:
    """Parse ``"约2万六千余条"`` style text into a :class:`Quantity`, or None.

    Percentages are returned as fractions (``"100%"`` → 1.0, unit ``"%"``).
    """
    text = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not text:
        return None
    approximate = False
    percent = False
    if text.startswith("百分之"):
        percent = True
        text = text[3:]
    for prefix in APPROX_PREFIXES:
        if text.startswith(prefix):
            approximate = approximate or prefix not in _NON_APPROX_PREFIXES
            text = text[len(prefix):]
            break
    unit = ""
    for candidate in UNITS:
        if text.endswith(candidate) and len(text) > len(candidate):
            unit = candidate
            text = text[: -len(candidate)]
            break
    for suffix in APPROX_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            approximate = True
            text = text[: -len(suffix)]
            break
    if not unit:
        for candidate in UNITS:
            if text.endswith(candidate) and len(text) > len(candidate):
                unit = candidate
                text = text[: -len(candidate)]
                break
    # 百分之百: 百 alone is no numeral (百 needs a digit before it), but as a share it is 100.
    value = 100.0 if percent and text in ("百", "佰") else parse_numeral(text)
    if value is None:
        return None
    if unit in ("%", "‰") or percent:
        value = value / (1000 if unit == "‰" else 100)
        unit = "%"
    return Quantity(round(value, 10), unit, approximate)
