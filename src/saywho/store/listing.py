"""The corpus-wide speakers and statements in the contract's JSON form (`saywho speakers`,
`saywho statements`, the web app's pages)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any


def list_speakers(conn: sqlite3.Connection, person_id: int | None = None) -> list[dict[str, Any]]:
    """Every person or organisation quoted at least once (or the one asked for), the most quoted
    first: {"id", "name", "type", "aliases", "titles", "quotes", "articles"}."""
    where, params = ("WHERE q.person_id = ?", [person_id]) if person_id is not None else ("", [])
    rows = conn.execute(
        "SELECT p.id, p.name, p.type, p.aliases, p.titles, count(*) AS quotes, count(DISTINCT q.article_id)"
        f" FROM quotes q JOIN persons p ON p.id = q.person_id {where}"
        " GROUP BY p.id ORDER BY quotes DESC, p.name, p.id",
        params,
    )
    return [
        {
            "id": pid,
            "name": name,
            "type": kind,
            "aliases": json.loads(aliases),
            "titles": json.loads(titles),
            "quotes": quotes,
            "articles": articles,
        }
        for pid, name, kind, aliases, titles, quotes, articles in rows
    ]


def statement_quotes(conn: sqlite3.Connection, statement_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT a.id, a.path, a.url, a.outlet, a.published, q.type, q.content, q.content_start, q.content_end"
        " FROM statement_quotes s JOIN quotes q ON q.article_id = s.article_id AND q.quote_id = s.quote_id"
        " JOIN articles a ON a.id = s.article_id WHERE s.statement_id = ? ORDER BY s.position",
        (statement_id,),
    )
    return [
        {
            "article": article,
            "path": path,
            "url": url,
            "outlet": outlet,
            "published": published,
            "type": kind,
            "content": {"text": text, "start": start, "end": end},
        }
        for article, path, url, outlet, published, kind, text, start, end in rows
    ]


def iter_statements(conn: sqlite3.Connection, statement_id: int | None = None) -> Iterator[dict[str, Any]]:
    """Every statement reported by two or more articles (or the one asked for), in id order:
    {"id", "speaker": {"id", "name"}, "flags", "quotes": [...], "origin", "differences": [...]};
    `origin` is the index of the earliest dated report (None when none is dated)."""
    where, params = ("WHERE s.id = ?", [statement_id]) if statement_id is not None else ("", [])
    rows = conn.execute(
        "SELECT s.id, s.person_id, p.name, s.flags, s.differences FROM statements s"
        f" LEFT JOIN persons p ON p.id = s.person_id {where} ORDER BY s.id",
        params,
    ).fetchall()
    for sid, person, name, flags, differences in rows:
        quotes = statement_quotes(conn, sid)  # oldest first, as linking ordered them (undated last)
        yield {
            "id": sid,
            "speaker": {"id": person, "name": name},
            "flags": json.loads(flags),
            "quotes": quotes,
            "origin": 0 if quotes and quotes[0]["published"] else None,
            "differences": json.loads(differences),
        }


def list_statements(conn: sqlite3.Connection, statement_id: int | None = None) -> list[dict[str, Any]]:
    return list(iter_statements(conn, statement_id))
