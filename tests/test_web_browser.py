"""`saywho serve` in a real browser: Playwright driving Debian's chromium against the real server
(uvicorn on a free loopback port) over the bundled samples and the web tests' records. Searching,
opening an article and finding its quotes marked, an accessibility smoke check of every page, text
full of markup, the analyse page, the screenshot the README shows (docs/screenshot.png), and how a
quote spread over dated copies of one story (the variants fixture).

Skipped only when chromium (or the playwright package) is missing and CI is not set: in CI they run.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from saywho.attribution import roles
from saywho.store.listing import list_statements
from saywho.web import create_app
from test_web import IMAGE, PASTED, SCRIPT, build_store, write_records
from test_web_spread import variants_store
from web_server import serving

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "screenshot.png"
CHROMIUM = ("chromium", "chromium-browser")
# Playwright's own browser download cannot work here: Debian's chromium, quiet and offline.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The accessibility smoke check, run in the page: inputs have labels, one h1 and no heading level
# skipped, and text over highlights (and links, buttons, muted text) has a contrast of >= 4.5:1,
# computed from the computed styles (WCAG 2 relative luminance).
A11Y_CHECK = """
() => {
  const problems = [];
  for (const el of document.querySelectorAll('input, textarea, select')) {
    if (['hidden', 'submit', 'button'].includes(el.type)) continue;
    const named = el.labels.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!named) problems.push('no label: ' + el.outerHTML.slice(0, 80));
  }
  const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => Number(h.tagName[1]));
  if (levels[0] !== 1 || levels.filter(l => l === 1).length !== 1) problems.push('headings: ' + levels);
  for (let i = 1; i < levels.length; i++)
    if (levels[i] > levels[i - 1] + 1) problems.push(`heading h${levels[i - 1]} then h${levels[i]}`);
  const channels = s => s.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const f = c => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = channels(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const checked = document.querySelectorAll('mark, mark a, del, ins, a, button, label, .meta, .about, .help');
  let marks = 0;
  for (const el of checked) {
    if (!el.textContent.trim()) continue;
    if (el.tagName === 'MARK') marks++;
    const fg = luminance(channels(getComputedStyle(el).color)), bg = luminance(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)}: ${el.outerHTML.slice(0, 80)}`);
  }
  return {problems, marks};
}
"""


def find_chromium() -> str | None:
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    path = find_chromium()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path, missing = None, "the playwright package is not installed (pip install -e '.[dev]')"
    else:
        missing = "chromium is not installed (apt-get install chromium; .ci/run does it)"
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI, but {missing}")
        pytest.skip(missing)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[str]:
    """The real server (uvicorn, in a thread) over the samples and the web tests' records."""
    if not roles.MODEL_PATH.exists():
        pytest.skip("extraction's role model is not in this checkout: no quotes to show")
    folder = tmp_path_factory.mktemp("browser")
    # Relative from the checkout (as make demo ingests them): the pages and screenshot show samples/...
    db = build_store(folder, [os.path.relpath(ROOT / "samples"), str(write_records(folder))])
    with serving(create_app(db)) as url:
        yield url


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[tuple[str, list[dict]]]:
    """The real server over the variants fixture's dated copies of one story, and its statements."""
    if not roles.MODEL_PATH.exists():
        pytest.skip("extraction's role model is not in this checkout: no quotes to link")
    db = variants_store(tmp_path_factory.mktemp("variants"))
    conn = sqlite3.connect(db)
    try:
        statements = list_statements(conn)
    finally:
        conn.close()
    with serving(create_app(db)) as url:
        yield url, statements


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; any script dialog (alert) that opens is recorded in page.dialogs."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    opened = context.new_page()
    opened.dialogs = []
    opened.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    yield opened
    context.close()


def accessible(page: Any) -> int:
    """Run the smoke check; the number of highlights checked."""
    result = page.evaluate(A11Y_CHECK)
    assert result["problems"] == [], f"{page.url}: {result['problems']}"
    return result["marks"]


def test_search_then_open_an_article_with_its_quotes_marked(page: Any, server: str) -> None:
    page.goto(server + "/")
    page.get_by_label("Words").fill("port authority")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(lambda url: "q=port+authority" in url)
    assert "quotes found" in page.get_by_role("heading", level=2).first.inner_text()
    cards = page.locator("li.card")
    assert cards.count() >= 2
    cards.first.locator(".where a").click()
    page.wait_for_url(lambda url: "/articles/" in url)
    article_id = page.url.split("/articles/", 1)[1]
    data = page.request.get(f"{server}/api/articles/{article_id}").json()
    assert data["quotes"]
    for quote in data["quotes"]:
        content = page.locator(f'.article-text mark.m-content[data-quote="{quote["id"]}"]')
        shown = "".join(content.all_inner_texts())
        for start, end in quote["content"]["fragments"]:
            assert data["document"]["text"][start:end].strip() in shown
        if quote["speaker"]["mention"]:
            mention = page.locator(f'.article-text mark.m-mention[data-quote="{quote["id"]}"]')
            assert "".join(mention.all_inner_texts()) == quote["speaker"]["mention"]["text"]
        if quote["cue"]:
            cue = page.locator(f'.article-text mark.m-cue[data-quote="{quote["id"]}"]')
            assert cue.inner_text() == quote["cue"]["text"]
    # the highlights are drawn: a coloured background behind the quoted words
    first = page.locator(".article-text mark.m-content").first
    assert first.is_visible()
    assert first.evaluate("el => getComputedStyle(el).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )
    assert accessible(page) > 0


def test_every_page_passes_the_accessibility_smoke_check(page: Any, server: str) -> None:
    quotes = page.request.get(f"{server}/api/quotes?speaker=Marta+Quillan").json()["quotes"]
    page.goto(f"{server}/articles/wire-1")
    statement = page.locator('a[href^="/statements/"]').first.get_attribute("href")
    for path in (
        "/",
        "/?q=strike",
        "/articles/harbour_strike",
        f"/speakers/{quotes[0]['speaker']['person']}",
        statement,
        "/analyse",
        "/articles/no-such-article",
    ):
        page.goto(server + path)
        accessible(page)


def test_markup_in_an_article_is_shown_as_text(page: Any, server: str) -> None:
    page.goto(f"{server}/articles/xss")
    shown = page.locator(".article-text").inner_text()
    assert SCRIPT in shown and IMAGE in shown
    assert page.locator("main img").count() == 0
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert page.get_by_role("heading", level=1).inner_text() == "<script>alert('title')</script>"
    assert page.dialogs == []


def test_analyse_page_marks_up_pasted_text(page: Any, server: str) -> None:
    page.goto(f"{server}/analyse")
    page.get_by_label("Article text").fill(f"{PASTED}\n\n{SCRIPT}")
    page.get_by_label("Published (optional)").fill("2024-03-07")
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_selector(".article-text")
    marked = page.locator(".article-text mark.m-content")
    assert any("ready for the storm" in text for text in marked.all_inner_texts())
    assert SCRIPT in page.locator(".article-text").inner_text()
    assert page.dialogs == []
    assert accessible(page) > 0


def test_screenshot_of_an_article_for_the_readme(page: Any, server: str) -> None:
    page.goto(f"{server}/articles/harbour_strike")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("path", "operation"),
    [("/docs", ".opblock-summary-path"), ("/redoc", "[data-section-id^='tag/API/operation']")],
)
def test_the_api_pages_render_with_no_other_site_reachable(
    page: Any, server: str, path: str, operation: str
) -> None:
    elsewhere: list[str] = []

    def only_this_server(route: Any) -> None:  # as if there were no internet
        if route.request.url.startswith(server):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(server + path)
    page.wait_for_selector(operation)
    shown = page.locator("body").inner_text()
    for api_path in ("/api/quotes", "/api/articles/{article_id}", "/api/analyse"):
        assert api_path in shown
    assert elsewhere == []


def test_an_article_whose_id_holds_slashes_and_dots_opens_from_its_link(page: Any, server: str) -> None:
    page.goto(f"{server}/?q=ferry")
    page.locator("li.card .where a").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Ferry brief"
    page.get_by_role("link", name="as JSON").click()
    assert '"desk/2024/../brief-1"' in page.content()


def test_the_spread_of_a_quote_from_the_speaker_page(page: Any, variants: tuple[str, list[dict]]) -> None:
    server, statements = variants
    # The statement every copy quotes: the spun copy (the latest) rewords it.
    statement = next(s for s in statements if "window of" in s["quotes"][0]["content"]["text"])
    assert len(statement["quotes"]) == 3 and "wording_differs" in statement["flags"]
    page.goto(f"{server}/speakers/{statement['speaker']['id']}")
    accessible(page)
    card = page.locator("li.card").filter(has_text="window of").first
    card.get_by_role("link", name="Reported by other articles too").click()
    page.wait_for_url(f"{server}/statements/{statement['id']}")
    assert "How the quote spread" in page.get_by_role("heading", level=2).all_inner_texts()

    reports = page.locator("#spread > li")
    assert reports.count() == 3
    # On the time line oldest first, by the dates a reader sees.
    days = [t.get_attribute("datetime") for t in page.locator("#spread > li time").all()]
    assert days == sorted(days) == [q["published"] for q in statement["quotes"]]
    assert [o.inner_text() for o in page.locator("#spread .outlet").all()] == ["wire", "translated", "spun"]
    # The origin first, marked in words and drawn apart from the others.
    origin = reports.first
    assert origin.get_by_text("likely origin").is_visible()
    assert page.get_by_text("likely origin", exact=True).count() == 1
    background = "el => getComputedStyle(el).backgroundColor"
    assert origin.evaluate(background) != reports.nth(1).evaluate(background)
    assert "window of opportunity" in origin.locator("blockquote").inner_text()
    # The spun copy's words against the origin's: what it changed struck and underlined, and marked.
    spun = reports.nth(2)
    # (the words themselves: each change also says, hidden but read aloud, which side it is on)
    seen = "els => els.map(el => [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join(''))"
    assert spun.locator("del").evaluate_all(seen) == ["see", "opportunity"]
    assert spun.locator("ins").evaluate_all(seen) == ["are seeing", "possibility"]
    assert spun.locator("ins").first.is_visible()
    assert spun.get_by_text("misquote", exact=True).is_visible()
    assert origin.get_by_text("misquote", exact=True).count() == 0
    assert accessible(page) == 0  # no highlights here, but the marks, links and diffs pass the check
