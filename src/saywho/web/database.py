"""The store as the web app reads it: read-only, one connection per server thread.

The store's own functions (search, listing, articles) answer almost everything; the few queries
here are what only a page needs: which corpus-wide speaker and statement each quote of an article
(or of a speaker's page) belongs to, and a speaker's quotes counted by day and by outlet.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from saywho.store.schema import StoreError, check_schema, store_errors


def open_read_only(path: str | Path) -> sqlite3.Connection:
    """The store at `path`, opened so that nothing can be written to it (SQLite's `mode=ro`).

    StoreError when the file is missing, not a database, or not a saywho store."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path}: no store here (saywho ingest makes one)")
    # as_uri percent-encodes the path: a '?' or '#' in a folder name cannot become a URI parameter.
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    try:
        with store_errors(path):
            if check_schema(conn, path):
                raise StoreError(
                    f"{path}: an empty database, not a saywho store yet (saywho ingest makes one)"
                )
    except BaseException:
        conn.close()
        raise
    return conn


class Database:
    """The read-only store, with one connection per thread: sqlite3 connections must not be used
    by two threads at once, and FastAPI runs each request's handler in a pool of threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = open_read_only(self.path)
        return conn


@dataclass
class QuoteLinks:
    """Where one quote of an article leads: its corpus-wide speaker and the statement it reports."""

    person: int | None = None
    statement: int | None = None


def article_links(conn: sqlite3.Connection, article_id: str) -> dict[str, QuoteLinks]:
    """Each quote of the article (by its id in the article, "q2") and what it links to."""
    rows = conn.execute(
        "SELECT q.quote_id, q.person_id, s.statement_id FROM quotes q"
        " LEFT JOIN statement_quotes s ON s.article_id = q.article_id AND s.quote_id = q.quote_id"
        " WHERE q.article_id = ?",
        (article_id,),
    )
    return {quote_id: QuoteLinks(person, statement) for quote_id, person, statement in rows}


def quote_statements(conn: sqlite3.Connection, quotes: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The statement each of these quotes (article id, quote id) reports, for those that report one:
    a page of a speaker's quotes links each to its statement (one indexed lookup per quote)."""
    found = {}
    for key in quotes:
        row = conn.execute(
            "SELECT statement_id FROM statement_quotes WHERE article_id = ? AND quote_id = ?", key
        ).fetchone()
        if row is not None:
            found[key] = row[0]
    return found


def quotes_by_day(conn: sqlite3.Connection, person_id: int) -> list[tuple[str | None, int]]:
    """How many quotes of the speaker fall on each day (None: quotes with no date), oldest first.
    Read from the (person_id, date) index alone: a much-quoted speaker's rows are never fetched."""
    rows = conn.execute(
        "SELECT date, count(*) FROM quotes WHERE person_id = ? GROUP BY date ORDER BY date", (person_id,)
    )
    return [(day, count) for day, count in rows]


def quotes_by_outlet(conn: sqlite3.Connection, person_id: int) -> list[tuple[str | None, int]]:
    """The outlets that quoted the speaker and how often, the most first (None: no outlet given)."""
    rows = conn.execute(
        "SELECT a.outlet, count(*) AS n FROM quotes q JOIN articles a ON a.id = q.article_id"
        " WHERE q.person_id = ? GROUP BY a.outlet COLLATE NOCASE ORDER BY n DESC, a.outlet",
        (person_id,),
    )
    return [(outlet, count) for outlet, count in rows]


def article_titles(conn: sqlite3.Connection, article_ids: list[str]) -> dict[str, str | None]:
    """The titles of these articles (a statement's reports name their articles by id alone)."""
    if not article_ids:
        return {}
    marks = ", ".join("?" * len(article_ids))
    rows = conn.execute(f"SELECT id, title FROM articles WHERE id IN ({marks})", article_ids)
    return dict(rows.fetchall())
