"""Published pages carry their own font, named first wherever text is styled."""

import base64
import io
import re

from fontTools.ttLib import TTFont

from transparency_stats.publish import CJK_WEB_FAMILY, PAGE_CSS, page_html

BODY = "<h1>主动公开 · Items</h1><table><tr><th>机关</th></tr><tr><td>宿迁市</td></tr></table>"


def embedded_font(page: str) -> TTFont:
    match = re.search(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", page)
    assert match, "no embedded font"
    return TTFont(io.BytesIO(base64.b64decode(match.group(1))))


def test_font_subset_covers_every_character_of_the_page(tmp_path) -> None:
    page = page_html("标题 Title", BODY, cache_dir=tmp_path)
    assert page.index("@font-face") < page.index("</head>")
    cmap = embedded_font(page).getBestCmap()
    for ch in "主动公开宿迁市机关标题·ItemsTl":
        assert ord(ch) in cmap, ch
    assert ord("国") not in cmap, "the subset holds only the page's characters"
    assert page_html("标题 Title", BODY, cache_dir=tmp_path) == page  # cached subset, same page


def test_embedded_family_comes_first_for_every_styled_element() -> None:
    css = PAGE_CSS.format(family=CJK_WEB_FAMILY)
    families = re.findall(r"font-family:\s*([^;]+);", css)
    assert families and all(f.strip().startswith(f"'{CJK_WEB_FAMILY}'") for f in families)
    for selector in ("h1", "h2", "h3", "th", "td", "caption", "figcaption"):
        assert re.search(rf"\b{selector}\b", css.split("font-family")[0]), selector


def test_markup_and_data_uris_do_not_widen_the_subset(tmp_path) -> None:
    page = page_html("t", '<img alt="图" src="data:image/png;base64,QUJDREVGR0g=">', cache_dir=tmp_path)
    cmap = embedded_font(page).getBestCmap()
    assert ord("图") in cmap  # alt text is shown when the image is not
    assert ord("Q") not in cmap and ord("<") not in cmap
