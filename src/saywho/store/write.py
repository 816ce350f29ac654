"""Analyses into the store's rows, and articles out of it: each article whole or not at all.

Writers call these inside one `schema.transaction`; they mark the corpus-wide speakers and
statements stale in the same transaction, so a crash between the write and their recomputation
leaves a flag that the next ingest acts on (derived.refresh_if_stale).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable
from typing import Any

from saywho.model import Analysis, Quote
from saywho.people import speaker_records
from saywho.quote_fields import WRITTEN, written_values
from saywho.store.dates import quote_date
from saywho.store.schema import set_meta

STALE_KEY = "derived_stale"
# A quote's speaker with a name but no entity is an entity of its own under this key (as
# people.speaker_records makes it).
NAME_KEY_PREFIX = "~"

# The columns an ingest writes (the linking fills in person_id later): quote_fields.WRITTEN.
QUOTE_COLUMNS = ", ".join(("article_id", *(f.column for f in WRITTEN)))
INSERT_QUOTE = f"INSERT INTO quotes ({QUOTE_COLUMNS}) VALUES ({', '.join('?' * (len(WRITTEN) + 1))})"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def quote_row(article_id: str, position: int, quote: Quote, published: str | None) -> tuple:
    date = quote_date(quote.time.value if quote.time else None, published)
    return (article_id, *written_values(quote, {"position": position, "date": date}))


def entity_rows(data: dict[str, Any]) -> list[tuple]:
    """The article's entities and unentitied speakers (people.speaker_records), as rows."""
    records = {}
    for r in speaker_records(data):
        records.setdefault((r.article, r.entity), r)  # a "~NAME" speaker once, however often it speaks
    return [
        (r.article, r.entity, r.name, r.type, to_json(list(r.aliases)), to_json(list(r.titles)))
        for r in records.values()
    ]


def packed_analysis(data: dict[str, Any]) -> bytes:
    """The contract's JSON without document.text (the article row holds it once), compressed."""
    document = {k: v for k, v in data["document"].items() if k != "text"}
    return zlib.compress(to_json({**data, "document": document}).encode("utf-8"))


def replace_article(conn: sqlite3.Connection, analysis: Analysis, analyser: str) -> None:
    """Store one analysed article, replacing whatever was stored under its id."""
    doc = analysis.document
    data = analysis.to_dict()
    conn.execute("DELETE FROM articles WHERE id = ?", (doc.id,))
    conn.execute(
        "INSERT INTO articles (id, title, outlet, published, url, path, text, text_hash, analyser, analysis)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc.id,
            doc.title,
            doc.outlet,
            doc.published,
            doc.url,
            doc.path,
            doc.text,
            text_hash(doc.text),
            analyser,
            packed_analysis(data),
        ),
    )
    conn.executemany(
        "INSERT INTO article_entities (article_id, entity, name, type, aliases, titles)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        entity_rows(data),
    )
    conn.executemany(
        INSERT_QUOTE, (quote_row(doc.id, i, q, doc.published) for i, q in enumerate(analysis.quotes))
    )


def write_analyses(conn: sqlite3.Connection, analyses: Iterable[Analysis], analyser: str) -> None:
    """Store analysed articles (call inside a transaction: they are stored together or not at all)."""
    for analysis in analyses:
        replace_article(conn, analysis, analyser)
    set_meta(conn, STALE_KEY, "1")


def delete_articles(conn: sqlite3.Connection, ids: Iterable[str]) -> list[str]:
    """Delete articles and every row derived from them (call inside a transaction); the ids found."""
    found = []
    for article_id in ids:
        if conn.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount:
            found.append(article_id)
    if found:
        set_meta(conn, STALE_KEY, "1")
    return found
