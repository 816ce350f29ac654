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
from saywho.store.dates import quote_date
from saywho.store.schema import set_meta

STALE_KEY = "derived_stale"
# A quote's speaker with a name but no entity is an entity of its own under this key (as
# people.speaker_records makes it).
NAME_KEY_PREFIX = "~"

QUOTE_COLUMNS = (
    "article_id, quote_id, position, type, content, content_start, content_end, fragments, "
    "speaker_name, speaker_entity, speaker_kind, mention_text, mention_start, mention_end, "
    "cue_text, cue_lemma, cue_start, cue_end, addressee_text, addressee_start, addressee_end, "
    "time_text, time_start, time_end, time_value, date, confidence, flags"
)
INSERT_QUOTE = (
    f"INSERT INTO quotes ({QUOTE_COLUMNS}) VALUES ({', '.join('?' * len(QUOTE_COLUMNS.split(',')))})"
)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def quote_row(article_id: str, position: int, quote: Quote, published: str | None) -> tuple:
    content, speaker, mention = quote.content, quote.speaker, quote.speaker.mention
    cue, addressee, time = quote.cue, quote.addressee, quote.time
    return (
        article_id,
        quote.id,
        position,
        quote.type,
        content.text,
        content.start,
        content.end,
        to_json(content.fragments),
        speaker.name,
        speaker.entity,
        speaker.kind,
        *((mention.text, mention.start, mention.end) if mention else (None, None, None)),
        *((cue.text, cue.lemma, cue.start, cue.end) if cue else (None, None, None, None)),
        *((addressee.text, addressee.start, addressee.end) if addressee else (None, None, None)),
        *((time.text, time.start, time.end, time.value) if time else (None, None, None, None)),
        quote_date(time.value if time else None, published),
        quote.confidence,
        to_json(quote.flags),
    )


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
