"""Articles, feeds and sitemaps from a local HTTP server started by the test (no outside network):
robots.txt honoured, a page that times out, a 404, a non-HTML response and a broken feed entry each
named while the rest are read, a feed polled again fetching only what is new."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from saywho.fetch import Fetcher, Politeness, read_url
from saywho.model import Document
from saywho.reading import ReadError

ARTICLE = """<!doctype html><html><head><title>{title}</title>
<link rel="canonical" href="{canonical}">
<meta property="og:site_name" content="The Test Herald">
<meta property="article:published_time" content="2024-03-07T09:00:00Z"></head>
<body><article><h1>{title}</h1>
<p>The ferry operator serving Farrow Island will cut its winter timetable, the company said on Wednesday.</p>
<p>“We are carrying half the passengers we carried before the pandemic,” said operations manager
Ingrid Solberg. “Running empty boats helps nobody, and we have to be honest about that.”</p>
<p>Islanders said that the cuts would leave commuters stranded in the evenings after work.</p>
</article></body></html>"""


def rss(base: str, links: list[str | None]) -> str:
    items = "".join(
        f"<item><title>Story {i}</title>{f'<link>{base}{link}</link>' if link else ''}</item>"
        for i, link in enumerate(links)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'


class Site:
    """Routes: path -> (status, content type, body); requests seen, in order."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[str] = []
        self.agents: list[str] = []
        self.slow = 3.0  # seconds /slow takes

    def add(self, path: str, body: str | bytes, status: int = 200, kind: str = "text/html") -> None:
        self.routes[path] = (status, kind, body.encode("utf-8") if isinstance(body, str) else body)


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            state.requests.append(self.path)
            state.agents.append(self.headers.get("User-Agent", ""))
            if self.path == "/slow.html":
                time.sleep(state.slow)
            status, kind, body = state.routes.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    for name in ("a", "b", "c", "slow", "private"):
        state.add(f"/{name}.html", ARTICLE.format(title=f"Story {name}", canonical=f"{base}/{name}.html"))
    state.add("/robots.txt", "User-agent: *\nDisallow: /private\n", kind="text/plain")
    state.add("/photo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), kind="image/png")
    yield state, base
    server.shutdown()
    server.server_close()


def quick() -> Fetcher:
    return Fetcher(Politeness(delay=0, timeout=1.0, retries=1, backoff=0))


def split(items: list[Document | ReadError]) -> tuple[list[Document], list[ReadError]]:
    return [d for d in items if isinstance(d, Document)], [e for e in items if isinstance(e, ReadError)]


def test_an_article_page_gives_text_title_date_outlet_keyed_by_canonical_url(site) -> None:
    state, base = site
    state.add("/a.html?utm=x", ARTICLE.format(title="Story a", canonical=f"{base}/a.html"))
    docs, errors = split(list(read_url(f"{base}/a.html?utm=x", quick())))
    assert errors == []
    (doc,) = docs
    assert doc.id == doc.url == f"{base}/a.html"
    assert doc.title == "Story a" and doc.outlet == "The Test Herald" and doc.published == "2024-03-07"
    assert "Running empty boats helps nobody" in doc.text
    assert state.agents[-1].startswith("saywho/")


def test_a_feed_with_a_404_a_timeout_a_non_html_and_a_broken_entry_names_each_and_reads_the_rest(
    site,
) -> None:
    state, base = site
    state.add(
        "/feed.xml", rss(base, ["/a.html", "/missing.html", None, "/slow.html", "/photo.png", "/b.html"])
    )
    docs, errors = split(list(read_url(f"{base}/feed.xml", quick())))
    assert sorted(d.id for d in docs) == [f"{base}/a.html", f"{base}/b.html"]
    said = {e.where: e.message for e in errors}
    assert "HTTP 404" in said[f"{base}/missing.html"]
    assert "timed out" in said[f"{base}/slow.html"] or "slower" in said[f"{base}/slow.html"]
    assert "not an article page (image/png)" in said[f"{base}/photo.png"]
    assert "entry 3 ('Story 2') has no link" in said[f"{base}/feed.xml"]


def test_a_feed_polled_again_fetches_only_what_is_new(site) -> None:
    state, base = site
    state.add("/feed.xml", rss(base, ["/a.html", "/b.html"]))
    stored = {d.id for d in read_url(f"{base}/feed.xml", quick()) if isinstance(d, Document)}
    state.add("/feed.xml", rss(base, ["/a.html", "/b.html", "/c.html"]))
    state.requests.clear()
    again = list(read_url(f"{base}/feed.xml", quick(), known=stored.__contains__))
    assert [d.id for d in again] == [f"{base}/c.html"]
    assert "/a.html" not in state.requests and "/b.html" not in state.requests


def test_an_atom_feed(site) -> None:
    state, base = site
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
        f'<entry><title>A</title><link href="{base}/a.html"/><id>1</id></entry></feed>'
    )
    state.add("/atom.xml", atom, kind="application/atom+xml")
    docs, errors = split(list(read_url(f"{base}/atom.xml", quick())))
    assert [d.id for d in docs] == [f"{base}/a.html"] and errors == []


def test_a_sitemap_index_and_its_sitemaps(site) -> None:
    state, base = site
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    state.add(
        "/sitemap.xml", f"<sitemapindex {ns}><sitemap><loc>{base}/s1.xml</loc></sitemap></sitemapindex>"
    )
    state.add(
        "/s1.xml",
        f"<urlset {ns}><url><loc>{base}/a.html</loc></url><url><loc>{base}/c.html</loc></url></urlset>",
    )
    docs, errors = split(list(read_url(f"{base}/sitemap.xml", quick())))
    assert sorted(d.id for d in docs) == [f"{base}/a.html", f"{base}/c.html"] and errors == []


def test_robots_txt_is_honoured(site) -> None:
    state, base = site
    docs, errors = split(list(read_url(f"{base}/private.html", quick())))
    assert docs == [] and "disallowed by robots.txt" in errors[0].message
    assert "/private.html" not in state.requests


def test_a_response_over_the_size_limit_is_refused(site) -> None:
    state, base = site
    fetcher = Fetcher(Politeness(delay=0, timeout=5, retries=0, max_bytes=500))
    docs, errors = split(list(read_url(f"{base}/a.html", fetcher)))
    assert docs == [] and "larger than 500 bytes" in errors[0].message


def test_a_server_error_is_retried_with_back_off(site) -> None:
    state, base = site
    state.add("/busy.html", "busy", status=503, kind="text/plain")
    waits: list[float] = []
    fetcher = Fetcher(Politeness(delay=0, retries=3, backoff=0.5), sleep=waits.append)
    (error,) = list(read_url(f"{base}/busy.html", fetcher))
    assert isinstance(error, ReadError) and "HTTP 503" in error.message
    assert state.requests.count("/busy.html") == 4
    assert waits == [0.5, 1.0, 2.0]


def test_one_request_per_host_per_delay() -> None:
    """The fetcher waits out the delay since the host's last request (a fake clock: no real waiting)."""
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    fetcher = Fetcher(Politeness(delay=1.0), sleep=sleep, clock=lambda: now[0])
    fetcher._wait_for_turn("example.org")
    now[0] += 0.25
    fetcher._wait_for_turn("example.org")
    fetcher._wait_for_turn("other.org")
    assert waits == [0.75]


def test_ingest_stores_a_feeds_articles_and_a_second_poll_fetches_only_the_new_one(site, tmp_path) -> None:
    """The command itself, with its polite defaults (a second between requests to the server)."""
    import sqlite3

    from saywho import cli

    state, base = site
    db = tmp_path / "news.db"
    state.add("/feed.xml", rss(base, ["/a.html", "/missing.html"]))
    assert cli.main(["ingest", f"{base}/feed.xml", "--db", str(db)]) == 2  # the 404 is named, a is stored
    state.add("/feed.xml", rss(base, ["/a.html", "/missing.html", "/c.html"]))
    state.requests.clear()
    assert cli.main(["ingest", f"{base}/feed.xml", "--db", str(db)]) == 2
    assert "/a.html" not in state.requests and "/c.html" in state.requests
    rows = (
        sqlite3.connect(db).execute("SELECT id, url, outlet, published FROM articles ORDER BY id").fetchall()
    )
    assert rows == [
        (f"{base}/a.html", f"{base}/a.html", "The Test Herald", "2024-03-07"),
        (f"{base}/c.html", f"{base}/c.html", "The Test Herald", "2024-03-07"),
    ]
    quotes = sqlite3.connect(db).execute("SELECT count(*) FROM quotes").fetchone()[0]
    assert quotes >= 2
