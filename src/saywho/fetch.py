"""Articles from the web: an article page, an RSS or Atom feed, or a sitemap, fetched politely.

Politeness: robots.txt is honoured (RFC 9309: a missing one allows all, an unreachable one forbids
all), one request per host per `delay` seconds, a user agent that says who is asking, retries with
back-off on errors a retry can cure, and a size and time limit on every response. Each page that
fails is one ReadError naming it; the others go on.
"""

from __future__ import annotations

import time
import urllib.robotparser
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

import urllib3

from saywho import __version__
from saywho.model import Document
from saywho.reading import Fields, ReadError, make_document, parse_date

USER_AGENT = f"saywho/{__version__} (quotation research; honours robots.txt)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_SITEMAPS = 50  # nested sitemap indexes followed per input: a loop or a vast index stops here
HTML_TYPES = ("text/html", "application/xhtml+xml")


class FetchError(Exception):
    """A page that could not be fetched or used: the message says why, in a few words."""


@dataclass
class Politeness:
    delay: float = 1.0  # seconds between two requests to one host
    timeout: float = 20.0  # seconds a response may take, in all
    max_bytes: int = 5_000_000  # a larger response is refused
    retries: int = 3  # further tries after a connection error, a time-out, a 429 or a 5xx
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    user_agent: str = USER_AGENT


@dataclass
class Page:
    url: str  # where the content came from, after redirects
    status: int
    content_type: str
    body: bytes


@dataclass
class Fetcher:
    """Fetches pages politely; `sleep` and `clock` are replaceable so tests need not wait."""

    politeness: Politeness = field(default_factory=Politeness)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._pool = urllib3.PoolManager(headers={"User-Agent": self.politeness.user_agent}, retries=False)
        self._last: dict[str, float] = {}  # host -> when it was last asked
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}

    def get(self, url: str) -> Page:
        """The page at `url`, or FetchError: disallowed by robots.txt, an HTTP error, too large or slow."""
        if not self.allowed(url):
            raise FetchError("disallowed by robots.txt")
        page = self._get_with_retries(url)
        if page.status >= 400:
            raise FetchError(f"HTTP {page.status}")
        return page

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self._robots:
            robots = urllib.robotparser.RobotFileParser()
            try:
                page = self._get_with_retries(root + "/robots.txt")
            except FetchError:
                page = Page(root, 503, "", b"")
            if page.status >= 500:
                robots.disallow_all = True
            elif page.status >= 400:
                robots.allow_all = True
            else:
                robots.parse(page.body.decode("utf-8", "replace").splitlines())
            self._robots[root] = robots
        return self._robots[root].can_fetch(self.politeness.user_agent, url)

    def _get_with_retries(self, url: str) -> Page:
        p = self.politeness
        for attempt in range(p.retries + 1):
            last = attempt == p.retries
            try:
                page = self._request(url)
            except FetchError:
                if last:
                    raise
            else:
                if page.status not in RETRY_STATUSES or last:
                    return page
            self.sleep(p.backoff * 2**attempt)
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _wait_for_turn(self, host: str) -> None:
        since = self.clock() - self._last.get(host, float("-inf"))
        if since < self.politeness.delay:
            self.sleep(self.politeness.delay - since)
        self._last[host] = self.clock()

    def _request(self, url: str) -> Page:
        p = self.politeness
        self._wait_for_turn(urlsplit(url).netloc)
        started = self.clock()
        try:
            response = self._pool.request(
                "GET", url, preload_content=False, timeout=urllib3.Timeout(total=p.timeout), redirect=True
            )
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(_reason(error)) from None
        try:
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > p.max_bytes:
                raise FetchError(f"larger than {p.max_bytes} bytes")
            body = bytearray()
            for chunk in response.stream(65536):
                body += chunk
                if len(body) > p.max_bytes:
                    raise FetchError(f"larger than {p.max_bytes} bytes")
                if self.clock() - started > p.timeout:
                    raise FetchError(f"slower than {p.timeout:g} s")
        except urllib3.exceptions.HTTPError as error:
            raise FetchError(_reason(error)) from None
        finally:
            response.release_conn()
        final = response.geturl() or url
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        return Page(urljoin(url, final), response.status, content_type, bytes(body))


def _reason(error: Exception) -> str:
    text = str(error)
    if "timed out" in text.lower() or isinstance(error, urllib3.exceptions.TimeoutError):
        return "timed out"
    return text.split(": ", 1)[-1][:200] or type(error).__name__


def is_url(name: str) -> bool:
    return name.startswith(("http://", "https://"))


def canonical(url: str) -> str:
    """An article's key: the URL without its fragment."""
    return urldefrag(url)[0]


def kind_of(page: Page) -> str:
    """'feed', 'sitemap', 'html' or 'other', by the content's first element, else its type."""
    head = page.body[:2048].lstrip().lower()
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if page.content_type in HTML_TYPES or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "other"


def feed_links(page: Page) -> tuple[list[str], list[str]]:
    """The article links of an RSS or Atom feed, and a note for each entry that has none."""
    import feedparser  # only when a feed is read

    parsed = feedparser.parse(page.body)
    links, broken = [], []
    for number, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link")
        if link and is_url(urljoin(page.url, link)):
            links.append(urljoin(page.url, link))
        else:
            broken.append(f"entry {number} ({(entry.get('title') or 'untitled')[:60]!r}) has no link")
    return links, broken


def sitemap_links(page: Page) -> tuple[list[str], list[str]]:
    """A sitemap's page links and the nested sitemaps an index lists."""
    from lxml import etree

    try:
        root = etree.fromstring(page.body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise FetchError(f"a sitemap that is not XML ({error})") from None
    locs = [e.text.strip() for e in root.iter("{*}loc") if e.text and is_url(e.text.strip())]
    if etree.QName(root).localname == "sitemapindex":
        return [], locs
    return locs, []


def article(fetcher: Fetcher, url: str, published: str | None, page: Page | None = None) -> Document:
    """One article page as a Document keyed by its canonical URL (the page's own, else its address)."""
    import trafilatura  # slow to import: only when HTML is read

    page = page or fetcher.get(url)
    if kind_of(page) != "html":
        raise FetchError(f"not an article page ({page.content_type or 'no content type'})")
    extracted = trafilatura.bare_extraction(page.body, url=page.url, with_metadata=True)
    if extracted is None or not (extracted.text or "").strip():
        raise FetchError("no article text on the page")
    key = canonical(extracted.url if extracted.url and is_url(extracted.url) else page.url)
    fields = Fields(id=key, url=key, title=extracted.title or None, outlet=extracted.sitename or None)
    try:
        fields.published = parse_date(extracted.date) if extracted.date else None
    except ValueError:
        pass  # a date the page half-gives is no date; --published may still apply
    return make_document(extracted.text, None, fields, published)


def read_url(
    url: str,
    fetcher: Fetcher,
    published: str | None = None,
    known: Callable[[str], bool] = lambda _: False,
) -> Iterator[Document | ReadError]:
    """The articles of one URL: the page itself, or each article a feed or sitemap lists that
    `known` does not already hold (so a feed polled again fetches only what is new)."""
    try:
        page = fetcher.get(url)
        kind = kind_of(page)
        if kind == "html":
            yield article(fetcher, url, published, page)
            return
        if kind == "feed":
            links, broken = feed_links(page)
            for note in broken:
                yield ReadError(url, f"unreadable: {note}, skipped")
        elif kind == "sitemap":
            links = _sitemap_pages(fetcher, page, url)
        else:
            raise FetchError(f"not an article, feed or sitemap ({page.content_type or 'no content type'})")
    except FetchError as error:
        yield ReadError(url, f"unreadable: {error}")
        return
    seen: set[str] = set()
    for link in links:
        key = canonical(link)
        if key in seen or known(key):
            continue
        seen.add(key)
        try:
            yield article(fetcher, link, published)
        except FetchError as error:
            yield ReadError(link, f"unreadable: {error}")


def _sitemap_pages(fetcher: Fetcher, page: Page, url: str) -> list[str]:
    """Every page a sitemap lists, following nested indexes breadth first (at most MAX_SITEMAPS)."""
    pages, queue, visited = [], [page], {canonical(url)}
    while queue and len(visited) <= MAX_SITEMAPS:
        found, nested = sitemap_links(queue.pop(0))
        pages += found
        for link in nested:
            if canonical(link) not in visited:
                visited.add(canonical(link))
                queue.append(fetcher.get(link))
    return pages
