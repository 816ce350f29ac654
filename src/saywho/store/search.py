"""Finding quotes: the one search function behind `saywho search` and the web app's /api/quotes.

A text query is matched with FTS5 against quote text and speaker names and ranked by relevance
(bm25); without one, the newest quotes come first. A quote's date is its resolved time's first day,
else its article's publication day (stored as quotes.date at ingest).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from saywho.confidence import min_confidence as checked_confidence
from saywho.store.dates import period
from saywho.store.derived import fold
from saywho.store.rows import QUOTE_SELECT, quote_dict

DEFAULT_LIMIT = 50
# Up to this many persons share a spelling (a bare surname), each is paged through its own index.
MAX_MERGED_PERSONS = 100
# Up to this many quotes pass a minimum confidence, they are sorted whole (from the confidence index)
# rather than found by walking the date index, which a high minimum makes read most of the store.
FEW_CONFIDENT = 50_000
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
    """The filters of a search other than its words: the speaker's persons (None: any speaker),
    and the other conditions on quotes q and articles a, with their parameters."""

    persons: list[int] | None = None
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    outlet: bool = False  # a condition on the article: the articles must be joined
    confidence: bool = False  # a minimum confidence (the quotes_confidence index can serve it)

    def sql(self, persons: list[int] | None = None) -> tuple[str, list[Any]]:
        """The WHERE conditions for these persons (default: all of the filter's), and parameters."""
        persons = self.persons if persons is None else persons
        clauses, params = list(self.clauses), list(self.params)
        if persons is not None:
            clauses.insert(0, f"q.person_id IN ({', '.join('?' * len(persons))})")
            params[:0] = persons
        return " AND ".join(clauses) or "1", params

    def source(self, quotes: str = "quotes q") -> str:
        return f"{quotes} JOIN articles a ON a.id = q.article_id" if self.outlet else quotes


def filters(
    conn: sqlite3.Connection,
    speaker: str | None,
    outlet: str | None,
    since: str | None,
    until: str | None,
    person: int | None = None,
    min_confidence: float | None = None,
) -> Filters | None:
    """The filters other than text; None when the speaker is unknown (nothing can match)."""
    where = Filters()
    if speaker is not None:
        rows = conn.execute(
            "SELECT person_id FROM person_aliases WHERE key = ? ORDER BY person_id", (fold(speaker),)
        )
        where.persons = [r[0] for r in rows]
    if person is not None:
        where.persons = [person] if where.persons is None or person in where.persons else []
    if where.persons == []:
        return None
    if outlet is not None:
        where.clauses.append("a.outlet = ? COLLATE NOCASE")
        where.params.append(outlet.strip())
        where.outlet = True
    if since is not None:
        where.clauses.append("q.date >= ?")
        where.params.append(period(since)[0].isoformat())
    if until is not None:
        where.clauses.append("q.date <= ?")
        where.params.append(period(until)[1].isoformat())
    if min_confidence is not None:
        where.clauses.append("q.confidence >= ?")
        where.params.append(min_confidence)
        where.confidence = True
    return where


def text_page(
    conn: sqlite3.Connection, match: str, where: Filters, limit: int, offset: int
) -> tuple[list[int], int]:
    """The ids of one page of the quotes matching `match`, by relevance, and their number."""
    if where.persons is None and not where.clauses:  # the full-text index alone
        source, clause, params = "quotes_fts f", "quotes_fts MATCH ?", [match]
    else:
        conditions, params = where.sql()
        source = where.source("quotes_fts f JOIN quotes q ON q.id = f.rowid")
        clause, params = f"quotes_fts MATCH ? AND {conditions}", [match, *params]
    ids = conn.execute(
        f"SELECT f.rowid FROM {source} WHERE {clause} ORDER BY f.rank, f.rowid LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    total = conn.execute(f"SELECT count(*) FROM {source} WHERE {clause}", params).fetchone()[0]
    return [r[0] for r in ids], total


def newest_page(conn: sqlite3.Connection, where: Filters, limit: int, offset: int) -> tuple[list[int], int]:
    """The ids of one page of the quotes that pass the filters, newest first, and their number."""
    conditions, params = where.sql()
    total = conn.execute(f"SELECT count(*) FROM {where.source()} WHERE {conditions}", params).fetchone()[0]
    if total <= offset:
        return [], total
    newest = "ORDER BY q.date DESC, q.id DESC"  # the order of the (date) and (person_id, date) indexes
    if where.persons is not None and len(where.persons) <= MAX_MERGED_PERSONS:
        # Each person's newest from their own stretch of the (person_id, date) index, merged: the
        # one sort of every quote of a much-quoted speaker that IN (...) would cost is avoided.
        parts, params = [], []
        for person in where.persons:
            conditions, part_params = where.sql([person])
            parts.append(
                f"SELECT * FROM (SELECT q.id AS id, q.date AS date FROM {where.source()}"
                f" WHERE {conditions} {newest} LIMIT ?)"
            )
            params += [*part_params, limit + offset]
        sql = f"{' UNION ALL '.join(parts)} ORDER BY date DESC, id DESC LIMIT ? OFFSET ?"
    else:
        if where.confidence and total <= FEW_CONFIDENT:
            newest = "ORDER BY +q.date DESC, q.id DESC"  # unary +: not by the date index
        sql = f"SELECT q.id FROM {where.source()} WHERE {conditions} {newest} LIMIT ? OFFSET ?"
    ids = [r[0] for r in conn.execute(sql, [*params, limit, offset])]
    return ids, total


def quotes_by_id(conn: sqlite3.Connection, ids: list[int]) -> list[dict[str, Any]]:
    """The quotes of these ids in the contract's form, in the order of the ids."""
    if not ids:
        return []
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    rows = cursor.execute(
        f"SELECT q.id AS row_id, {QUOTE_SELECT} FROM quotes q JOIN articles a ON a.id = q.article_id"
        f" WHERE q.id IN ({', '.join('?' * len(ids))})",
        ids,
    )
    found = {row["row_id"]: quote_dict(row) for row in rows}
    return [found[i] for i in ids if i in found]


def search_quotes(
    conn: sqlite3.Connection,
    query: str | None = None,
    speaker: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    person: int | None = None,
    min_confidence: float | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The quotes that match, as CONTRACT.md's search JSON (`limit` of them from `offset`), and how
    many match in all. `speaker` is any spelling of a corpus-wide speaker (case and accents aside),
    `person` one corpus-wide speaker's id (speaker.person; a speaker's page);
    `since`/`until` are ISO days, months, weeks or years, both ends included; `min_confidence` keeps
    the quotes whose confidence is at least that (0 to 1). ValueError for a date, query or
    confidence that cannot be read.

    Two steps: the page's quote ids (from the indexes alone where possible), then those quotes."""
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset cannot be negative")
    if min_confidence is not None:
        min_confidence = checked_confidence(min_confidence)
    match = fts_query(query) if query is not None and query.strip() else None
    where = filters(conn, speaker, outlet, since, until, person, min_confidence)
    if where is None:
        return [], 0
    if match is not None:
        ids, total = text_page(conn, match, where, limit, offset)
    else:
        ids, total = newest_page(conn, where, limit, offset)
    return quotes_by_id(conn, ids), total
