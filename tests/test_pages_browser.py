"""The published pages in a real browser: every glyph from the embedded font, no console error,
no network request, nothing a reader should not see.

Headless Chromium from the system packages (``/usr/bin/chromium``), driven by
Playwright; the browser Playwright would download is never used.  Without
Chromium the tests are skipped, except under CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from test_notebooks import exported_pages

CHROMIUM = os.environ.get("TS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
FAMILY = "TS Noto Sans CJK SC"


def _browser_or_skip():
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        reason = "playwright is not installed (pip install -e '.[dev]')"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser test required in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


def embedded_cmap(markup: str) -> set[int]:
    match = re.search(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", markup)
    assert match, "no embedded font"
    return set(TTFont(io.BytesIO(base64.b64decode(match.group(1)))).getBestCmap())


# every element with text of its own: its first font family and its text
TEXT_RUNS = """() => {
  const runs = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (own) runs.push([el.tagName, getComputedStyle(el).fontFamily, own]);
  }
  return runs;
}"""


def render(context, path: Path, shots: Path | None = None) -> dict:
    """Open ``path``; return console errors, outside requests, text runs and platform fonts used."""
    requests, errors = [], []

    def outside(request):
        if not request.url.startswith(("file:", "data:")):
            requests.append(request.url)

    page = context.new_page()
    page.on("request", outside)  # every request the page makes, whatever its scheme
    page.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort())  # and none reaches the network
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    faces = page.evaluate("[...document.fonts].map(f => [f.family, f.status])")
    runs = page.evaluate(TEXT_RUNS)
    page_errors = list(errors)  # the page's own; DevTools inspection below logs file-origin notices of its own
    # which fonts the renderer actually drew each element's text with
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]
    system_glyphs = []
    stack = [root]
    while stack:
        node = stack.pop()
        children = node.get("children", [])
        stack.extend(children)
        own = "".join(c.get("nodeValue", "") for c in children if c.get("nodeType") == 3).strip()
        if node.get("nodeType") == 1 and own and node.get("nodeName") not in ("STYLE", "TITLE", "SCRIPT"):
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            for font in fonts:
                if not font["isCustomFont"]:
                    system_glyphs.append((own[:40], font["familyName"], font["glyphCount"]))
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"{path.stem}.png"), full_page=True)
    text = page.evaluate("document.body.innerText")
    alts = page.evaluate("[...document.images].map(i => i.alt)")
    page.close()
    return {"requests": requests, "errors": page_errors, "faces": faces, "runs": runs, "system": system_glyphs,
            "text": text, "alts": alts}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    return exported_pages(tmp_path_factory)


def test_every_page_renders_from_its_embedded_font_offline(browser, pages):
    shots = Path(os.environ["TS_SCREENSHOTS"]) if os.environ.get("TS_SCREENSHOTS") else None
    files = sorted(pages.glob("*.html"))
    assert {"index.html", "fields.html", "methods.html", "01-item-counts.html", "01-item-counts.en.html"} <= {
        f.name for f in files}
    for path in files:
        markup = path.read_text(encoding="utf-8")
        cmap = embedded_cmap(markup)
        seen = render(browser, path, shots)
        assert not seen["requests"], (path.name, seen["requests"])
        assert not seen["errors"], (path.name, seen["errors"])
        assert seen["faces"] and all(status == "loaded" for _, status in seen["faces"]), (path.name, seen["faces"])
        for tag, family, own in seen["runs"]:
            assert family.split(",")[0].strip().strip("\"'") == FAMILY, (path.name, tag, family)
            missing = {ch for ch in own if not ch.isspace() and ord(ch) not in cmap}
            assert not missing, (path.name, tag, own[:60], missing)
        # the renderer drew no glyph from a system font (there, a CJK character would be a box)
        assert not seen["system"], (path.name, seen["system"][:5])
        text = seen["text"]
        leak = re.search(r"<NA>|\bnan\b|\bNaN\b|/tmp/|/home/|/work/|No description has been provided", text)
        assert leak is None, (path.name, leak and leak.group(0))
        assert all(alt and "No description" not in alt for alt in seen["alts"]), path.name
