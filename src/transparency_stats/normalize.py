"""Text normalisation: one canonical form for every report before extraction.

Order matters and is fixed:

1. mojibake spans are found and masked with U+FFFD (reported with their
   location, never "repaired"; a masked span can never produce a number);
2. traditional → simplified with the OpenCC profile the wording calls for
   (``tw2sp`` for Taiwan wording such as 資訊, ``hk2s`` for Hong Kong forms, else ``t2s``);
3. pinyin annotations after characters are removed (``開(kāi)``, ``開（kāi）``,
   ``開[kai1]``, ``開 (kāi)`` → 开);
4. NFKC (full-width digits, letters and brackets; Kangxi radicals), with
   circled numbers and superscripts protected so they cannot turn into digits;
5. CJK radical-supplement look-alikes → ordinary characters; zero-width
   characters dropped; runs of spaces folded (line breaks kept).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

import opencc

MASK = "\ufffd"

_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A pinyin syllable has at most six letters: bounded repeats keep the pattern linear.
_SYLLABLE = rf"[a-zü{_TONE_VOWELS}]{{0,5}}[{_TONE_VOWELS}][a-zü{_TONE_VOWELS}]{{0,5}}"
# One character class comes first (a bracket, or the space before one) so the search skips to
# those characters in C; the lookbehinds then check it and the character before it.
_NUMBERED_SYLLABLE = r"[a-zü]{1,6}[1-5]"  # kai1: tone as a digit
_PINYIN_RE = re.compile(
    rf"[(（\[【 \u3000](?:(?<=[\u3400-\u9fff\ufffd][(（\[【])({_SYLLABLE}|{_NUMBERED_SYLLABLE})[)）\]】]"
    rf"|(?<=[\u3400-\u9fff\ufffd][ \u3000])[(（]({_SYLLABLE})[)）])"
)
#: What every pinyin annotation holds: one of these opening brackets, then a letter a syllable starts with.
_PINYIN_BRACKETS = "(（[【"
_PINYIN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzü" + _TONE_VOWELS)
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH_RE = re.compile(f"[{_ZERO_WIDTH}]")
_SPACE = r"[ \t\u00a0\u3000\u2002-\u200a\u202f\u205f]"
#: What folding changes: a run of two or more spaces, or one space that is not a plain one (a lone
#: plain space is left alone). One character class first: the search skips to spaces in C.
_SPACES_TO_FOLD_RE = re.compile(rf"{_SPACE}(?:{_SPACE}+|(?<=[\t\u00a0\u3000\u2002-\u200a\u202f\u205f]))")

# Characters NFKC would turn into ASCII digits or letters that read as numbers
# (①, ⑴, ², ㎡ ...): kept out of NFKC by a round trip through the private use area.
_PROTECTED = (
    [chr(c) for c in range(0x2460, 0x2500)]
    + [chr(c) for c in range(0x3251, 0x3260)]
    + [chr(c) for c in range(0x32B1, 0x32C0)]
    + [chr(c) for c in range(0x3380, 0x3400)]
    + ["¹", "²", "³", "¼", "½", "¾"]
)
_PROTECT = {ord(ch): 0xF0000 + i for i, ch in enumerate(_PROTECTED)}
_UNPROTECT = {v: k for k, v in _PROTECT.items()}
_PROTECTED_RE = re.compile("[" + "".join(map(re.escape, _PROTECTED)) + "]")
#: Compatibility characters common in reports (full-width ASCII, ideographic and other spaces,
#: the ellipsis, full-width currency signs) → their NFKD (see :func:`_nfkc_part`).
_COMMON_COMPAT_CHARS = (
    [chr(c) for c in range(0xFF01, 0xFF5F)] + [chr(c) for c in range(0xFFE0, 0xFFE7)]
    + ["\u3000", "\u00a0", "\u2026"] + [chr(c) for c in range(0x2002, 0x200B)]
)
_COMMON_COMPAT = {ch: unicodedata.normalize("NFKD", ch) for ch in _COMMON_COMPAT_CHARS}
_COMMON_COMPAT_RE = re.compile("[" + "".join(map(re.escape, _COMMON_COMPAT_CHARS)) + "]")

# CJK Radicals Supplement forms that stand in for ordinary characters (NFKC
# already maps the Kangxi radicals block U+2F00–U+2FD5).
RADICAL_LOOKALIKES = {
    "⺠": "民", "⻓": "长", "⻔": "门", "⻅": "见", "⻢": "马", "⻋": "车", "⻚": "页",
    "⻛": "风", "⻜": "飞", "⻝": "食", "⻉": "贝", "⻄": "西", "⻤": "鬼", "⻨": "麦",
    "⻩": "黄", "⻬": "齐", "⻮": "齿", "⻰": "龙", "⻳": "龟", "⻆": "角", "⻘": "青",
    "⻣": "骨", "⺟": "母", "⺁": "厂", "⺇": "几", "⺈": "刀", "⺌": "小", "⺍": "小",
    "⺕": "彐", "⺩": "王", "⺮": "竹", "⺶": "羊", "⻌": "辶", "⻍": "辶", "⻏": "阝",
    "⻖": "阝", "⻗": "雨", "⻟": "食", "⻠": "食", "⻧": "麦", "⻦": "鸟", "⻥": "鱼",
}
_RADICALS = str.maketrans(RADICAL_LOOKALIKES)
_RADICALS_RE = re.compile("[" + "".join(RADICAL_LOOKALIKES) + "]")


@dataclass
class MojibakeSpan:
    """A run of garbled characters, located in the decoded (pre-normalisation) text."""

    start: int
    end: int
    text: str


@dataclass
class NormalizedText:
    text: str
    mojibake: list[MojibakeSpan] = field(default_factory=list)


#: Wording only Taiwan's usage has (資訊 for 信息, 網路, 軟體 …): convert with ``tw2sp``,
#: which also turns these phrases into mainland ones.
TAIWAN_EVIDENCE: tuple[str, ...] = ("資訊", "網路", "軟體", "資料庫", "伺服器", "線上申請", "臺灣", "臺北")
#: Characters in Hong Kong's standard forms (衞, 綫, 啓 …): convert with ``hk2s``.
HONG_KONG_EVIDENCE: tuple[str, ...] = ("衞", "綫", "啓", "僱", "峯", "麪", "裏", "爲", "着")


@functools.lru_cache(maxsize=4)
def _converter(profile: str = "t2s") -> opencc.OpenCC:
    return opencc.OpenCC(profile)


def opencc_profile(text: str) -> str:
    """The OpenCC profile the text's own wording calls for: ``tw2sp``, ``hk2s`` or ``t2s``.

    Taiwan wording needs two distinct pieces of evidence, Hong Kong forms three, so one
    stray word does not switch the profile.
    """
    head = text[:200_000]
    # the words' first characters first: most texts hold none of them (a search for one
    # character is a fast scan, a regex character class is not)
    if any(ch in head for ch in _TAIWAN_FIRST) and sum(word in head for word in TAIWAN_EVIDENCE) >= 2:
        return "tw2sp"
    if sum(form in head for form in HONG_KONG_EVIDENCE) >= 3:  # distinct forms present
        return "hk2s"
    return "t2s"


_TAIWAN_FIRST = sorted({word[0] for word in TAIWAN_EVIDENCE})


def to_simplified(text: str, profile: str | None = None) -> str:
    """Traditional → simplified Chinese with the OpenCC profile the text calls for (or ``profile``)."""
    return _converter(profile or opencc_profile(text)).convert(text)


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


_DEBRIS_RE = re.compile(rf"{_SYLLABLE}[)]")
_MARK_RE = re.compile("[?\ufffd]")


def _suspicious(ch: str) -> bool:
    """A character that rarely appears in a real report but often in mojibake."""
    if ch in "?\ufffd":
        return True
    if ch.isascii():
        return ch.isalpha()
    if _CJK_RE.match(ch):
        return not _in_gb2312(ch)
    category = unicodedata.category(ch)
    return category.startswith("S") or category in ("Co", "Cn")


def find_mojibake(text: str) -> list[MojibakeSpan]:
    """Spans of mojibake: a '?' or U+FFFD glued to CJK text followed by garbled characters.

    A span starts at a replacement mark next to a CJK character, takes the pinyin
    debris right after it (``dòng)``), then extends over suspicious characters
    (outside GB2312, symbols, stray Latin letters), bridging at most two
    ordinary characters between suspicious ones.  It stops at a line break or
    an opening bracket.
    """
    spans: list[MojibakeSpan] = []
    if "?" not in text and MASK not in text:
        return spans  # no mark: nothing starts a span (two fast scans, where _MARK_RE is a slow one)
    n = len(text)
    marks = _MARK_RE.finditer(text)
    i = 0
    while True:
        mark = next((m for m in marks if m.start() >= i), None)
        if mark is None:
            break
        i = mark.start()
        ch = text[i]
        before = text[i - 1] if i else ""
        debris = _DEBRIS_RE.match(text, i + 1)
        end = debris.end() if debris else i + 1
        after = text[end] if end < n else ""
        if ch == "?" and not debris and not (
            _CJK_RE.match(before) and (_CJK_RE.match(after) or _suspicious(after))
        ):
            i += 1
            continue
        if ch == "\ufffd" and not (debris or _CJK_RE.match(before) or _CJK_RE.match(after)):
            i += 1
            continue
        j = end
        while j < n:
            window = text[j : j + 3]
            k = next((m for m, c in enumerate(window) if c in "\n(（" or _suspicious(c)), None)
            if k is None or window[k] in "\n(（":
                break
            j += k + 1
            end = j
        spans.append(MojibakeSpan(i, end, text[i:end]))
        i = end
    return spans


def mask_mojibake(text: str, spans: list[MojibakeSpan]) -> str:
    """Replace each span with U+FFFD of the same length."""
    if not spans:
        return text
    parts = []
    last = 0
    for span in spans:
        parts.append(text[last : span.start])
        parts.append(MASK * (span.end - span.start))
        last = span.end
    parts.append(text[last:])
    return "".join(parts)


def nfkc(text: str) -> str:
    """NFKC with circled numbers, superscripts and unit squares protected.

    A long text is normalised line by line (a line break is a safe boundary), so lines
    already in NFKC cost only the quick check: normalising a whole string is slow when any
    part of it needs work.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    if len(text) > 100_000 and "\n" in text:
        return "\n".join(_nfkc_part(line) for line in text.split("\n"))
    return _nfkc_part(text, checked=True)


def _nfkc_part(text: str, checked: bool = False) -> str:
    """NFKC of ``text`` (``checked``: known not to be in NFKC already)."""
    if not checked and unicodedata.is_normalized("NFKC", text):
        return text
    found = _COMMON_COMPAT_RE.search(text)
    if found:
        # Replacing a character by its full compatibility decomposition leaves the text's NFKC as
        # it was; once the common ones (full-width punctuation) are replaced, most texts are in
        # NFKC already and the slow whole-text normalisation is not needed.
        # Each character present is replaced in one str.replace (a few distinct ones, hundreds of
        # occurrences): faster than a Python call per occurrence or str.translate.  The first one
        # left is found by a search from where the last one was (the text before it has none, as
        # no replacement holds a character of the set, so the order does not matter either).
        while found:
            at = found.start()
            text = text.replace(found.group(), _COMMON_COMPAT[found.group()])
            found = _COMMON_COMPAT_RE.search(text, at)
        if unicodedata.is_normalized("NFKC", text):
            return text
    if not _PROTECTED_RE.search(text):
        return unicodedata.normalize("NFKC", text)
    protected = text.translate(_PROTECT)
    return unicodedata.normalize("NFKC", protected).translate(_UNPROTECT)


def _radicals(text: str) -> str:
    """CJK radical-supplement look-alikes → ordinary characters."""
    return text.translate(_RADICALS) if _RADICALS_RE.search(text) else text


def strip_pinyin(text: str) -> str:
    """Remove pinyin annotations written after characters: ``開(kāi)`` → ``開``."""
    # An annotation starts at an opening bracket followed by a pinyin letter, or at the space before
    # one: the pattern is tried there only (its scan stops at every space), and run over the whole
    # text once one is found.
    # The brackets are found by str.find, one kind at a time (a regex scan stops at every character
    # to test it against the class); the order the hints are tried in does not change the result.
    for bracket in _PINYIN_BRACKETS:
        at = text.find(bracket)
        while at >= 0:
            if (text[at + 1: at + 2] in _PINYIN_LETTERS
                    and (_PINYIN_RE.match(text, at) or (at and _PINYIN_RE.match(text, at - 1)))):
                return _PINYIN_RE.sub("", text)
            at = text.find(bracket, at + 1)
    return text


def normalize_text(text: str) -> NormalizedText:
    """Canonical text for extraction, with mojibake spans reported and masked."""
    spans = find_mojibake(text)
    text = mask_mojibake(text, spans)
    text = to_simplified(text)
    text = strip_pinyin(text)
    text = _radicals(nfkc(text))
    if any(ch in text for ch in _ZERO_WIDTH):
        text = _ZERO_WIDTH_RE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES_TO_FOLD_RE.sub(" ", text)  # each run of spaces as one plain space
    return NormalizedText(text=text, mojibake=spans)


_LABEL_DROP_RE = re.compile(r"[\s\u3000:：,，、.．·•'\"“”‘’「」『』]")
_BRACKETS = str.maketrans({"[": "(", "]": ")", "〔": "(", "〕": ")", "【": "(", "】": ")",
                           "<": "(", ">": ")", "《": "(", "》": ")", "﹙": "(", "﹚": ")"})


def normalize_label(label: str) -> str:
    """Key for label look-ups: simplified, NFKC, no whitespace or punctuation, one bracket style."""
    text = _radicals(nfkc(to_simplified(label)))
    text = text.translate(_BRACKETS)
    text = _ZERO_WIDTH_RE.sub("", text)
    return _LABEL_DROP_RE.sub("", text)
