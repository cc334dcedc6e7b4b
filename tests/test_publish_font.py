"""Exported HTML carries its own CJK font, so Chinese renders on machines without one."""

import base64
import io
import re

from fontTools.ttLib import TTFont

from transparency_stats.report import with_embedded_font

PAGE = "<html><head><title>t</title></head><body><h1>主动公开 · Items</h1><td>宿迁市</td></body></html>"


def embedded_font(page: str) -> TTFont:
    match = re.search(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", page)
    assert match, "no embedded font"
    return TTFont(io.BytesIO(base64.b64decode(match.group(1))))


def test_font_subset_covers_every_chinese_character_of_the_page() -> None:
    page = with_embedded_font(PAGE)
    assert page.index("@font-face") < page.index("</head>")
    cmap = embedded_font(page).getBestCmap()
    for ch in "主动公开宿迁市·":
        assert ord(ch) in cmap, ch
    assert ord("国") not in cmap, "the subset holds only the page's characters"


def test_ascii_only_page_is_left_alone() -> None:
    page = "<html><head></head><body>plain</body></html>"
    assert with_embedded_font(page) == page
