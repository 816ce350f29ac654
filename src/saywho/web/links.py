"""Links to an article's page (and its JSON), whatever its id holds.

An id is any string: a fetched article's is its URL, a file's may hold slashes. Every character
that means something in a path is encoded (a slash too, so 'a/b/../c' stays one segment the
browser cannot fold into 'a/c'); the routes take the decoded rest of the path as the id. Only '.'
and '..' cannot be a path segment at all, encoded or not (a browser resolves them, %2E too): those
go as ?id= on the bare route.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

ARTICLES = "/articles/"
API_ARTICLES = "/api/articles/"
DOT_SEGMENTS = (".", "..")


def article_url(article_id: str, base: str = ARTICLES) -> str:
    """The address of an article's page (or, with base=API_ARTICLES, its analysis as JSON)."""
    if article_id in DOT_SEGMENTS:
        return base + "?" + urlencode({"id": article_id})
    return base + quote(article_id, safe="")
