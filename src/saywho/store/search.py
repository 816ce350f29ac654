"""Finding quotes: the one search function behind `saywho search` and the web app's /api/quotes.

A text query is matched with FTS5 against quote text and speaker names and ranked by relevance
(bm25); without one, the newest quotes come first. A quote's date is its resolved time's first day,
else its article's publication day (stored as quotes.date at ingest).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from saywho.store.dates import period
from saywho.store.derived import fold
from saywho.store.rows import QUOTE_SELECT, quote_dict

DEFAULT_LIMIT = 50
# A double-quoted phrase, or a run of anything else but spaces.
QUERY_PART = re.compile(r'"([^"]*)"|([^\s"]+)')


def fts_query(text: str) -> str:
    """The user's words as an FTS5 query that cannot be a syntax error: every word or "quoted
    phrase" becomes an FTS5 string (a phrase of its tokens), and all of them must match."""
    parts = [phrase or word for phrase, word in QUERY_PART.findall(text)]
    strings = ['"' + p.replace('"', '""') + '"' for p in parts if re.search(r"\w", p)]
    if not strings:
        raise ValueError(f"nothing to search for in {text!r}: give words")
    return " AND ".join(strings)


@dataclass
class Filters:
    """The WHERE clause of a search and its parameters."""

    clauses: list[str]
    params: list[Any]

    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1"


def filters(
    conn: sqlite3.Connection, speaker: str | None, outlet: str | None, since: str | None, until: str | None
) -> Filters | None:
    """The filters other than text; None when the speaker is unknown (nothing can match)."""
    where = Filters([], [])
    if speaker is not None:
        persons = [
            r[0] for r in conn.execute("SELECT person_id FROM person_aliases WHERE key = ?", (fold(speaker),))
        ]
        if not persons:
            return None
        where.clauses.append(f"q.person_id IN ({', '.join('?' * len(persons))})")
        where.params += persons
    if outlet is not None:
        where.clauses.append("a.outlet = ? COLLATE NOCASE")
        where.params.append(outlet.strip())
    if since is not None:
        where.clauses.append("q.date >= ?")
        where.params.append(period(since)[0].isoformat())
    if until is not None:
        where.clauses.append("q.date <= ?")
        where.params.append(period(until)[1].isoformat())
    return where


def search_quotes(
    conn: sqlite3.Connection,
    query: str | None = None,
    speaker: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """The quotes that match, as CONTRACT.md's search JSON (`limit` of them from `offset`), and how
    many match in all. `speaker` is any spelling of a corpus-wide speaker (case and accents aside);
    `since`/`until` are ISO days, months, weeks or years, both ends included. ValueError for a date
    or query that cannot be read."""
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset cannot be negative")
    where = filters(conn, speaker, outlet, since, until)
    text = query is not None and bool(query.strip())
    match = fts_query(query) if text else None
    if where is None:
        return [], 0
    source = "quotes q"
    clause, params = where.sql(), where.params
    if match is not None:
        source = "quotes_fts f JOIN quotes q ON q.id = f.rowid"
        clause, params = f"quotes_fts MATCH ? AND {clause}", [match, *params]
        order = "f.rank, q.id"
    else:
        # date then id, both descending: the order of the (person_id, date) and (date) indexes.
        order = "q.date DESC, q.id DESC"
    # Counting needs the articles only to filter by outlet.
    counted = f"{source} JOIN articles a ON a.id = q.article_id" if outlet is not None else source
    total = conn.execute(f"SELECT count(*) FROM {counted} WHERE {clause}", params).fetchone()[0]
    source += " JOIN articles a ON a.id = q.article_id"
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    rows = cursor.execute(
        f"SELECT {QUOTE_SELECT} FROM {source} WHERE {clause} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [quote_dict(row) for row in rows], total
