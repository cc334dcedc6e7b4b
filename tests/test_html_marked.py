"""HTML pages are read by a stylesheet (marked text) or, as a fallback, by a Python walk: both must agree.

The walk is the reference: every page below is read both ways and must give the same
text, tables, metadata and errors.
"""

from __future__ import annotations

import random

import pytest

from transparency_stats import reading
from transparency_stats.errors import ReadError

_BLOCK = ["p", "div", "br", "li", "ul", "tr", "table", "h1", "title", "center", "hr", "pre", "td", "th", "tbody"]
_INLINE = ["span", "b", "font", "a", "o:p", "em", "sup", "i", "u", "strong"]
_DROP = ["script", "style", "noscript", "template", "iframe", "object", "svg", "head"]
_TEXTS = ["", " ", "\n", "\u3000", "\xa0", "12", "3,456", "本年", " 新收 ", "a\nb", "\t", "x  y", "&nbsp;", "&#39;",
          "&amp;", "&lt;b&gt;", "\r\n", "零", "<!-- c -->", "<?pi x?>"]
_SPANS = ["2", "3", "", "x", "0", "999", " 2 ", "-1"]
_MARKS = ["\ue000", "\ue001", "\ue002", "\ue003", "\ue004", "\ue005", "\ue006", "&#xE000;", "&#57347;"]


def _text(rng: random.Random, marks: bool) -> str:
    pool = _TEXTS + _MARKS if marks else _TEXTS
    return "".join(rng.choice(pool) for _ in range(rng.randint(0, 3)))


def _elements(rng: random.Random, depth: int, budget: list[int], marks: bool) -> str:
    out = []
    for _ in range(rng.randint(0, 4)):
        if budget[0] <= 0:
            break
        budget[0] -= 1
        out.append(_text(rng, marks))
        tag = rng.choice(rng.choice([_BLOCK, _INLINE, _INLINE, _DROP if rng.random() < 0.3 else _INLINE]))
        attrs = ""
        if tag in ("td", "th") or rng.random() < 0.1:
            spans = _SPANS + _MARKS if marks else _SPANS
            if rng.random() < 0.4:
                attrs += f' rowspan="{rng.choice(spans)}"'
            if rng.random() < 0.4:
                attrs += f' colspan="{rng.choice(spans)}"'
        inner = "" if depth > 10 else _elements(rng, depth + 1, budget, marks)
        close = "" if rng.random() < 0.1 else f"</{tag}>"
        out.append(f"<{tag}{attrs}>{inner}{close}")
    out.append(_text(rng, marks))
    return "".join(out)


def _page(seed: int) -> str:
    rng = random.Random(seed)
    marks = rng.random() < 0.15
    body = _elements(rng, 0, [rng.randint(5, 60)], marks)
    head = f"<head><title>{_text(rng, marks)}</title><meta name='x' content='{_text(rng, marks)}'></head>"
    shape = rng.random()
    if shape < 0.2:
        return f"<html>{head}{body}</html>{_text(rng, marks)}"
    if shape < 0.3:
        return body
    return f"<html>{head}<body>{body}</body>{_text(rng, marks)}</html>{_text(rng, marks)}"


def _read(html: str, limits: reading.Limits) -> tuple:
    metadata: dict[str, str] = {}
    try:
        return ("read", reading._html_parts(html, limits, metadata), metadata)
    except ReadError as exc:
        return ("error", str(exc))


def _both(html: str, limits: reading.Limits, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple, tuple]:
    marked = _read(html, limits)
    with monkeypatch.context() as patch:
        patch.setattr(reading, "_marked_lines", lambda *args: None)
        walked = _read(html, limits)
    return marked, walked


def test_stylesheet_and_walk_agree_on_random_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    for seed in range(400):
        rng = random.Random(-seed)
        limits = rng.choice([
            reading.Limits(), reading.Limits(),
            reading.Limits(max_html_depth=rng.choice([0, 1, 2, 3, 5, 8]), max_table_cells=rng.choice([3, 10, 1000])),
        ])
        html = _page(seed)
        marked, walked = _both(html, limits, monkeypatch)
        assert marked == walked, (seed, html)


@pytest.mark.parametrize("depth", [1, 254, 255, 256, 257, 300, 1999, 2000, 2001])
@pytest.mark.parametrize("limit", [None, 256, 257, 1000])
def test_deep_pages_read_alike(depth: int, limit: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    table = "<table><tr><td rowspan=2>1</td><td>2</td></tr><tr><td>3</td></tr></table><!--c-->"
    html = "<html><body><p>a</p>" + "<font>" * depth + table + "</font>" * depth + "tail</body></html>"
    limits = reading.Limits() if limit is None else reading.Limits(max_html_depth=limit)
    marked, walked = _both(html, limits, monkeypatch)
    assert marked == walked


@pytest.mark.parametrize("html", [
    "<p>a\ue000b</p><p>c</p>",  # a marker character in the text
    "<p>a&#xE000;b</p><p>c</p>",  # … as a character reference
    '<table><tr><td rowspan="2\ue004">1</td><td colspan="\ue003">2</td></tr></table>',  # in spans
    '<table><tr><td rowspan="\ue000">1</td></tr></table><p>x</p>',
    "<html><head><title>t</title></head></html>\r\n12",  # text after the page: a second root, not read
    "<html><body><p>x</p></body>tail\ue001</html>",
])
def test_marker_characters_and_odd_pages(html: str, monkeypatch: pytest.MonkeyPatch) -> None:
    marked, walked = _both(html, reading.Limits(), monkeypatch)
    assert marked == walked


def test_page_bytes_read_as_its_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser given the page's UTF-8 bytes reads what it reads from the decoded text."""
    pages = [_page(seed) for seed in range(300)] + [
        '<?xml version="1.0" encoding="gbk"?><p>中文</p>',  # refused as text: refused as bytes too
        '<meta charset="gbk"><p>中文</p>', "<p>a\x00b\r\nc\x01</p>", "<p>&#x1000E000;&#xD800;&#128;</p>",
    ]
    for html in pages:
        metadata: dict[str, str] = {}
        try:
            from_bytes = ("read", reading._html_parts(html, reading.Limits(), metadata, html.encode()), metadata)
        except ReadError as exc:
            from_bytes = ("error", str(exc))
        assert from_bytes == _read(html, reading.Limits()), html


@pytest.mark.parametrize("reference", [
    "&#xE000;", "&#XE003", "&#x0000e006;", "&#57344;", "&#0057350", "&#x1000E000;", "&#99999999999;",
])
def test_references_to_marker_characters_are_noticed(reference: str, monkeypatch: pytest.MonkeyPatch) -> None:
    html = f"<p>a{reference}b</p><table><tr><td>1</td></tr></table>"
    assert reading._may_hold_marks(html) and reading._may_hold_marks(html.encode())
    marked, walked = _both(html, reading.Limits(), monkeypatch)
    assert marked == walked


def test_pages_without_marker_characters_in_their_source_hold_none() -> None:
    """Where :func:`reading._may_hold_marks` says no, the stylesheet's own check finds none either."""
    from lxml import etree

    for seed in range(400):
        html = _page(seed)
        if reading._may_hold_marks(html):
            continue
        root = etree.fromstring(html, etree.HTMLParser(huge_tree=True))
        if root is None:
            continue
        start = root.find("body") if root.find("body") is not None else root
        assert reading._marked_lines(start, reading.Limits(), [], True) == reading._marked_lines(
            start, reading.Limits(), [], False), seed
