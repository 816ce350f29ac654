"""Stored quote rows back into the contract's JSON form (the columns and shape: quote_fields)."""

from __future__ import annotations

import sqlite3
from typing import Any

from saywho.quote_fields import ARTICLE_FIELDS, IN_JSON, quote_json

# The columns `quote_dict` reads, in a query joining quotes q and articles a.
QUOTE_SELECT = ", ".join(
    (*(f"q.{f.column}" for f in IN_JSON), "a.id AS article_id", *(f"a.{k}" for k in ARTICLE_FIELDS[1:]))
)


def quote_dict(row: sqlite3.Row) -> dict[str, Any]:
    """One quote as CONTRACT.md gives it, with `speaker.person` (the corpus-wide speaker id) and
    `article` ({"id", "title", "outlet", "published", "url", "path"}), and `date` (the day it is
    filed under: its resolved time's first day, else the article's publication day)."""
    quote = quote_json(row)
    quote["article"] = {"id": row["article_id"], **{k: row[k] for k in ARTICLE_FIELDS[1:]}}
    return quote
