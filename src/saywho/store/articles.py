"""Stored articles read back: the analysed document as the contract's JSON (`/api/articles/{id}`)."""

from __future__ import annotations

import json
import sqlite3
import zlib
from typing import Any


def get_analysis(conn: sqlite3.Connection, article_id: str) -> dict[str, Any] | None:
    """The article's analysis exactly as `saywho extract --format json` gives it, or None."""
    row = conn.execute("SELECT text, analysis FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    text, packed = row
    data = json.loads(zlib.decompress(packed).decode("utf-8"))
    data["document"]["text"] = text
    return data


def article_ids(conn: sqlite3.Connection) -> list[str]:
    """Every stored article's id, in order."""
    return [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY id")]
